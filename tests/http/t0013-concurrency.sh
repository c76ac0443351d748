#!/usr/bin/env bash
# t0013-concurrency: many clients at once while the folder changes.
#   1.x  8 clients send a mix of searches, article views (API and page),
#        top lists, home and static requests for about 3 s on 4 worker
#        threads, while an article is rewritten, one deleted and restored
#        and SIGHUP sent every 0.3 s: no answer other than 200, 304 and 404,
#        no broken JSON, kbd stays up and stops cleanly (ASan: no error
#        and no leak)
#   2.x  every view answered 200 is counted exactly once: after SIGTERM
#        the database holds start + views for each article
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
start_kbd --articles "$dir" --threads 4
cp "$dir/smtp.md" "$TMP/smtp.md"

python3 - "$PORT" "$TMP/views" >"$TMP/clients.out" 2>&1 <<'EOF' &
import http.client, json, random, sys, threading, time
port, out = int(sys.argv[1]), sys.argv[2]
slugs = ["imap", "pop3", "smtp", "aliasname", "dns-content", "spamfilter"]
words = ["imap", "ssl", "%C3%BCber", "mail", "dns", "router", "passwort",
         "zzqx", "%22", "NEAR(", "smtp", "stra%C3%9Fe", "%FF", "*"]
lock = threading.Lock()
views = {s: 0 for s in slugs}
errors = []
def client(seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    end = time.time() + 3
    n = 0
    while time.time() < end:
        k = rnd.randrange(7)
        slug = rnd.choice(slugs)
        if k == 0:
            q = "%20".join(rnd.choice(words) for _ in range(rnd.randint(1, 3)))
            path = f"/api/search?q={q}&limit={rnd.randint(1, 20)}&offset={rnd.randint(0, 5)}"
        elif k == 1:
            path = f"/search?q={rnd.choice(words)}&page={rnd.randint(1, 3)}"
        elif k == 2:
            path = f"/api/articles/{slug}"
        elif k == 3:
            path = f"/a/{slug}"
        elif k == 4:
            path = f"/api/top?limit={rnd.randint(1, 30)}"
        elif k == 5:
            path = "/"
        else:
            path = "/static/style.css"
        try:
            # every request is another reader, so that each view counts
            conn.request("GET", path, headers={"User-Agent":
                f"Mozilla/5.0 (X11; Linux x86_64) kbd-test/{seed}.{n}"})
            n += 1
            r = conn.getresponse()
            body = r.read()
        except Exception as e:
            errors.append(f"{path}: {e}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            continue
        if r.status not in (200, 304, 404):
            errors.append(f"{path}: status {r.status}")
        if path.startswith("/api/") and r.status in (200, 400, 404):
            try:
                json.loads(body)
            except ValueError:
                errors.append(f"{path}: broken JSON {body[:80]!r}")
        if k in (2, 3) and r.status == 200:
            with lock:
                views[slug] += 1
threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for e in errors[:20]:
    print("FAIL 1.1:", e)
json.dump(views, open(out, "w"))
sys.exit(1 if errors else 0)
EOF
clients=$!

# the folder changes under the clients
for i in $(seq 10); do
	sed -i "s/^Für den Versand.*/Für den Versand, Runde $i, gilt:/" "$dir/smtp.md"
	if [ $((i % 2)) = 1 ]; then
		mv "$dir/pop3.md" "$TMP/pop3.md"
	else
		mv "$TMP/pop3.md" "$dir/pop3.md"
	fi
	kill -HUP "$KBD_PID"
	sleep 0.3	# the storm: a change every 0.3 s over the clients' 3 s
done
[ -f "$dir/pop3.md" ] || mv "$TMP/pop3.md" "$dir/pop3.md"
rc=0
wait "$clients" || rc=$?
cat "$TMP/clients.out"
[ "$rc" = 0 ] || fail 1.2 "the clients saw errors (status $rc)"
healthy || fail 1.3 "/healthz does not answer 200 after the storm"
kill -0 "$KBD_PID" 2>/dev/null || die "kbd died"
stop_kbd 1.4

# 2: every counted view is in the database
declare -A start=([imap]=414716 [pop3]=392118 [smtp]=371204 [aliasname]=29887740
    [dns-content]=27456010 [spamfilter]=0)
start[spamfilter]=$(sed -n 's/^hits: //p' "$ROOT/articles/spamfilter.md")
for s in "${!start[@]}"; do
	n=$(jq -r --arg s "$s" '.[$s]' "$TMP/views")
	got=$(sql "SELECT hits FROM article WHERE slug = '$s'")
	[ "$got" = $((start[$s] + n)) ] ||
	    fail 2.1 "$s has $got hits after $n views, want $((start[$s] + n))"
done

test_done
