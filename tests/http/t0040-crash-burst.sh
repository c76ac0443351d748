#!/usr/bin/env bash
# t0040-crash-burst: kill -9 in the middle of counting and changing.
#   1.x  for CRASH_SECONDS (default 8) 6 clients view articles (each view
#        by a new reader, so each counts) and note when each view was
#        answered; meanwhile articles change round after round: an edit
#        of smtp.md and SIGHUP (waiting for the import to be logged), and
#        a save of pop3 through the staff API (confirmed by its 200);
#        somewhere in the second half, kill -9
#   2.x  the database as kbd left it: PRAGMA integrity_check is ok, and
#        every change whose import was logged before the kill is in it;
#        every save answered 200 is in the file and in the database
#   3.x  hits: never more than were answered; the views lost are only
#        the last ones, all answered less than LOST_SECONDS (default 2)
#        before the kill: the writer flushes every second, and a flush
#        itself takes time on a busy machine
#   4.x  kbd starts again on that database, imports what changed after,
#        and serves; the hits it shows are the stored ones
. "$(dirname "$0")/../lib.sh"

CRASH_SECONDS=${CRASH_SECONDS:-8}
LOST_SECONDS=${LOST_SECONDS:-2}

dir=$(copy_articles articles)
echo "crash-passwort-1" | "$KBD" user add crash --db "$DB" 2>/dev/null
TOKEN=$("$KBD" user token crash --db "$DB" 2>/dev/null)
start_kbd --articles "$dir" --threads 4
slugs="imap pop3 smtp aliasname dns-content spamfilter"
declare -A base
for s in $slugs; do base[$s]=$(sql "SELECT hits FROM article WHERE slug = '$s'"); done

# The views: one line "TIME SLUG" per view answered 200.
python3 - "$PORT" "$CRASH_SECONDS" $slugs >"$TMP/views" 2>"$TMP/clients.err" <<'EOF' &
import http.client, sys, threading, time
port, seconds, slugs = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
lock = threading.Lock()
seen = []
def client(i):
    n, conn = 0, None
    end = time.time() + seconds + 5
    while time.time() < end:
        slug = slugs[(i + n) % len(slugs)]
        path = ("/a/" if n % 2 else "/api/articles/") + slug
        n += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"User-Agent":
                f"Mozilla/5.0 (X11; Linux x86_64) kbd-test/{i}.{n}"})
            r = conn.getresponse()
            r.read()
        except (OSError, http.client.HTTPException):
            conn = None
            time.sleep(0.05)    # killed: nobody answers any more
            continue
        if r.status == 200:
            with lock:
                seen.append((time.time(), slug))
threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
for t in threads: t.start()
for t in threads: t.join()
for t, slug in sorted(seen):
    print(f"{t:.6f} {slug}")
EOF
clients=$!

# One round of changes: an edit from outside (confirmed once its import
# is logged) and a save in the editor (confirmed by its answer).
change_article() {	# change_article ROUND: prints ROUND once it is imported
	sed -i "s/^title: .*/title: Runde $1 der Änderungen/; s/^Für den Versand.*/Für den Versand, Runde $1, gilt:/" \
	    "$dir/smtp.md"
	sighup && echo "$1"
}
rev=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/admin/articles/pop3" | jq .rev)
save_article() {	# save_article ROUND: prints ROUND once its save is answered 200
	local out
	out=$(curl -s --max-time 10 -w ' %{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -X PUT -d "{\"title\":\"Gespeichert in Runde $1\",\"category\":\"E-Mail\",\"markdown\":\"Fassung aus Runde $1.\\n\",\"rev\":$rev}" \
	    "$BASE/api/admin/articles/pop3") || return 0
	[ "${out##* }" = 200 ] || return 0
	rev=$(jq .rev <<<"${out% *}")
	echo "$1"
}

start=$(date +%s%N)
kill_at=$((start + CRASH_SECONDS * 500000000 + RANDOM % (CRASH_SECONDS * 500) * 1000000))
round=0
: >"$TMP/imported"
: >"$TMP/saved"
while [ "$(date +%s%N)" -lt "$kill_at" ]; do
	round=$((round + 1))
	change_article "$round" >>"$TMP/imported" || :
	save_article "$round" >>"$TMP/saved"
	sleep 0.1	# rounds of changes until the kill, not back to back
done
killed=$(date +%s.%N)
after=$(( ($(date +%s%N) - start) / 1000000 ))
kill9_kbd
wait "$clients" || fail 1.1 "the clients failed: $(tail -3 "$TMP/clients.err")"
n=$(wc -l <"$TMP/views")
confirmed=$(tail -1 "$TMP/imported")
saved=$(tail -1 "$TMP/saved")
echo "burst: $n views answered, $round rounds of changes, ${confirmed:-none} confirmed imported, ${saved:-none} saved, kill -9 after $after ms"
[ "$n" -gt 100 ] || fail 1.2 "only $n views were answered before the kill"
[ -n "$confirmed" ] || fail 1.3 "no change was imported before the kill"
[ -n "$saved" ] || fail 1.4 "no save was answered before the kill"

# 2: the database as it was left
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 2.1 "integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
got=$(sql "SELECT title FROM article WHERE slug = 'smtp'")
r=$(sed -n 's/^Runde \([0-9]*\) der Änderungen$/\1/p' <<<"$got")
[ -n "$r" ] && [ "$r" -ge "${confirmed:-0}" ] && [ "$r" -le "$round" ] ||
    fail 2.2 "smtp's title is '$got' after kill -9; round $confirmed was imported"
sql "SELECT markdown FROM article WHERE slug = 'smtp'" | grep -q "Runde $r, gilt" ||
    fail 2.3 "smtp's body is not that of round $r"
# A save answered 200 is in the file and in the database (a later one,
# under way at the kill, may be there too).
r=$(sed -n 's/^title: "Gespeichert in Runde \([0-9]*\)"$/\1/p' "$dir/pop3.md")
[ -n "$r" ] && [ "$r" -ge "${saved:-0}" ] && [ "$r" -le "$round" ] ||
    fail 2.4 "pop3.md has '$(sed -n 2p "$dir/pop3.md")' after kill -9; round $saved was saved"
got=$(sql "SELECT title FROM article WHERE slug = 'pop3'")
d=$(sed -n 's/^Gespeichert in Runde \([0-9]*\)$/\1/p' <<<"$got")
[ -n "$d" ] && [ "$d" -ge "${saved:-0}" ] ||
    fail 2.5 "pop3's title in the database is '$got'; round $saved was saved"
[ "$(sql "SELECT count(*) FROM revision WHERE article_id = (SELECT id FROM article WHERE slug = 'pop3') AND author = 'crash'")" -ge "${saved:-0}" ] ||
    fail 2.6 "fewer revisions by the editor than saves answered"

# 3: hits
stored=0
for s in $slugs; do
	stored=$((stored + $(sql "SELECT hits FROM article WHERE slug = '$s'") - base[$s]))
done
[ "$stored" -le "$n" ] || fail 3.1 "$stored views stored, but only $n were answered"
# The views stored are the oldest: the first lost one is view number
# $stored (0-based) in time order; it must be a recent one.
if [ "$stored" -lt "$n" ]; then
	first_lost=$(sed -n "$((stored + 1))p" "$TMP/views" | cut -d' ' -f1)
	age=$(awk -v k="$killed" -v f="$first_lost" 'BEGIN { printf "%.3f", k - f }')
	echo "lost: $((n - stored)) views, the oldest answered $age s before the kill"
	awk -v a="$age" -v m="$LOST_SECONDS" 'BEGIN { exit !(a <= m) }' ||
	    fail 3.2 "a view answered $age s before the kill was lost (stored $stored of $n)"
else
	echo "lost: none"
fi

# 4: a new start on the same database
stored_imap=$(sql "SELECT hits FROM article WHERE slug = 'imap'")
start_kbd --articles "$dir"
expect_json 4.1 /api/articles/smtp ".title == \"Runde $round der Änderungen\""
expect_json 4.1b /api/articles/pop3 ".title == \"Gespeichert in Runde $r\""
expect_json 4.2 /api/articles/imap ".hits == $((stored_imap + 1))"
stop_kbd 4.3
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 4.4 "integrity_check after the restart"
test_done
