#!/usr/bin/env bash
# t0002-start-health: starting, /healthz and stopping.
#   1.x  with the shipped articles: the log says where kbd listens and
#        what the import did; /healthz is 200 "ok" (text/plain), HEAD too
#   2.x  the done-when checks in one place: "imap ssl" ranks imap first,
#        each view of /api/articles/imap shows one hit more, the top ten
#        are the expected ten in order
#   3.x  SIGTERM stops with status 0 and "kbd: stopped"; SIGINT as well
#   4.x  a folder of 5000 generated articles: /healthz says 503
#        "starting" while the first import runs, then 200; everything is
#        found (search total, limit clamped to 100, deep offsets)
#   5.x  SIGTERM during that first import: kbd stops at once with status
#        0, keeps what it imported, and the next start imports the rest
. "$(dirname "$0")/../lib.sh"

TOP10='["aliasname","fritzbox-konfigurieren","brief-identifikation",
  "mailspool","ip-updater-router","adress-identifikation","auto-update",
  "dns-content","subdomain-loest-nicht-auf","dns-pruefung"]'

# 1: a normal start
start_kbd
grep -q '^kbd: articles: 18 new, 0 changed, 0 unchanged, 0 removed, 0 skipped' "$LOG" ||
    fail 1.1 "no import summary for 18 new articles in: $(cat "$LOG")"
expect_status 1.2 GET /healthz 200
[ "$(cat "$BODY")" = ok ] || fail 1.3 "/healthz said '$(cat "$BODY")'"
header Content-Type | grep -q '^text/plain' || fail 1.4 "/healthz Content-Type $(header Content-Type)"
expect_status 1.5 HEAD /healthz 200

# 2: done-when
expect_json 2.1 "/api/search?q=imap%20ssl" '.results[0].slug == "imap"'
h1=$(jget /api/articles/imap .hits)
[ "$h1" = 414717 ] || fail 2.2 "first view of imap shows $h1 hits, want 414717"
# Each view raises the count by one; pages show it after the flush.
jget /api/articles/imap .hits >/dev/null
imap_at() { [ "$(jget "/api/top?limit=100" '.articles[] | select(.slug == "imap") | .hits')" = "$1" ]; }
wait_until 5 imap_at 414718 || fail 2.3 "two views did not raise imap to 414718"
expect_json 2.4 /api/top "[.articles[].slug] == $TOP10"

# 3: stopping
stop_kbd 3.1
grep -q '^kbd: stopping on SIGTERM$' "$LOG" || fail 3.2 "no 'stopping on SIGTERM' line"
start_kbd
kill -INT "$KBD_PID"
rc=0
wait "$KBD_PID" || rc=$?
KBD_PID=
[ "$rc" = 0 ] || fail 3.3 "SIGINT: exit status $rc"
grep -q '^kbd: stopping on SIGINT$' "$LOG" || fail 3.4 "no 'stopping on SIGINT' line"

# 4: a large folder.  The first import takes long enough (hundreds of ms,
# seconds with ASan) that /healthz is asked while it runs.
big=$TMP/big
mkdir -p "$big"
python3 - "$big" <<'EOF'
import sys
for i in range(1, 5001):
    with open(f"{sys.argv[1]}/gen-{i:05d}.md", "w") as f:
        f.write(f"---\ntitle: Generierte Frage {i} zu Mail und DNS\n"
                f"category: Generiert\ntags: [generiert, nummer{i}]\n"
                f"hits: {i}\n---\n"
                f"Dies ist die generierte Antwort {i}. Sie handelt von "
                f"Postfächern, Routern und **DNS**.\n\n- eins\n- zwei\n")
EOF
rm -f "$DB" "$DB-wal" "$DB-shm"
LOG=$TMP/big.log
"$KBD" --articles "$big" --db "$DB" \
    --listen 127.0.0.1:0 2>"$LOG" &
KBD_PID=$!
for i in $(seq 2000); do	# poll tightly: the import is under way
	grep -qs '^kbd: listening on' "$LOG" && break
	sleep 0.01
done
BASE=http://127.0.0.1:$(sed -n 's|^kbd: listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$LOG")
req GET /healthz
[ "$STATUS" = 503 ] && [ "$(cat "$BODY")" = starting ] ||
    fail 4.1 "/healthz during the first import gave $STATUS '$(cat "$BODY")', want 503 starting"
wait_until 60 healthy || die "the import of 5000 articles did not finish"
grep -q '^kbd: articles: 5000 new, 0 changed, 0 unchanged, 0 removed, 0 skipped' "$LOG" ||
    fail 4.2 "import summary: $(grep articles: "$LOG")"
expect_json 4.3 "/api/search?q=generiert" '.total == 5000 and (.results | length) == 10'
expect_json 4.4 "/api/search?q=generiert&limit=1000" '.limit == 100 and (.results | length) == 100'
expect_json 4.5 "/api/search?q=generiert&limit=100&offset=4950" '(.results | length) == 50'
expect_json 4.6 "/api/search?q=generiert&offset=10000" '.offset == 10000 and .results == []'
expect_json 4.7 "/api/search?q=nummer4711" '.total == 1 and .results[0].slug == "gen-04711"'
expect_json 4.8 "/api/top?limit=3" '[.articles[].slug] == ["gen-05000","gen-04999","gen-04998"]'
expect_json 4.9 "/api/top?limit=1000" '(.articles | length) == 100'
stop_kbd 4.10

# 5: stopping in the middle of the first import
rm -f "$DB" "$DB-wal" "$DB-shm"
LOG=$TMP/big2.log
"$KBD" --articles "$big" --db "$DB" \
    --listen 127.0.0.1:0 2>"$LOG" &
KBD_PID=$!
for i in $(seq 2000); do	# poll tightly: the import is under way
	grep -qs '^kbd: listening on' "$LOG" && break
	sleep 0.01
done
t0=$(date +%s%N)
stop_kbd 5.1
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 5000 ] || fail 5.2 "stopping during the import took $ms ms"
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 5.3 "integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
done_before=$(sql "SELECT count(*) FROM article")
stopped=$(sed -n 's/^kbd: import: stopped after \([0-9]*\) of 5000 files$/\1/p' "$LOG")
if [ -n "$stopped" ]; then
	[ "$done_before" = "$stopped" ] ||
	    fail 5.4 "the import stopped after $stopped files but the database has $done_before"
else
	[ "$done_before" = 5000 ] || fail 5.4 "no 'import: stopped' line, but only $done_before articles stored"
fi
start_kbd --articles "$big"
grep -q "^kbd: articles: $((5000 - done_before)) new, 0 changed, $done_before unchanged, 0 removed, 0 skipped" "$LOG" ||
    fail 5.5 "after $done_before of 5000: $(grep '^kbd: articles:' "$LOG")"
expect_json 5.6 "/api/search?q=generiert" '.total == 5000'
stop_kbd 5.7

test_done
