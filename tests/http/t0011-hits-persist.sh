#!/usr/bin/env bash
# t0011-hits-persist: hits survive stops and crashes.
#   1.x  N views (API and page) then SIGTERM at once: after a restart the
#        hits are start + N exactly, in article.hits and in today's
#        hit_day row
#   2.x  views from 4 clients at once (200 in all) are all counted
#   3.x  N views, quiet until they are flushed (2.5 s at most), kill -9:
#        all N are in the database, which passes PRAGMA integrity_check,
#        and kbd starts on it again
#   4.x  M views, quiet until they are flushed (2.5 s at most), K more
#        views and kill -9 at once: at most the last K are lost, never
#        more, never invented
. "$(dirname "$0")/../lib.sh"

hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }
day_of() {	# day_of SLUG: the sum of SLUG's hit_day counts
	sql "SELECT coalesce(sum(count), 0) FROM hit_day
	    WHERE article_id = (SELECT id FROM article WHERE slug = '$1')"
}
today() { echo $(($(date -u +%s) / 86400)); }
views() {	# views N PATH: N GETs of PATH by N readers, on one connection
	local i args=()
	for i in $(seq "$1"); do
		args+=(--next -s -o /dev/null -A "$(reader)" "$BASE$2?n=$i")
	done
	curl "${args[@]:1}"
}

# 1: SIGTERM right after the views
start_kbd
views 20 /api/articles/imap
views 5 /a/imap
stop_kbd 1.1
[ "$(hits_of imap)" = $((414716 + 25)) ] || fail 1.2 "imap has $(hits_of imap) hits after SIGTERM, want $((414716 + 25))"
row=$(sql "SELECT day, count FROM hit_day WHERE article_id = (SELECT id FROM article WHERE slug = 'imap')")
t=$(today)
[ "$row" = "$t|25" ] || [ "$row" = "$((t - 1))|25" ] || fail 1.3 "hit_day of imap: '$row', want '$t|25'"
start_kbd
expect_json 1.4 /api/articles/imap ".hits == $((414716 + 26))"

# 2: parallel clients
pids=
for c in 1 2 3 4; do
	views 50 /api/articles/smtp &
	pids="$pids $!"
done
wait $pids
smtp_stored() { [ "$(sql "SELECT hits FROM article WHERE slug = 'smtp'")" = $((371204 + 200)) ]; }
wait_until 5 smtp_stored || fail 2.1 "smtp stored $(sql "SELECT hits FROM article WHERE slug = 'smtp'") while running, want $((371204 + 200))"
stop_kbd 2.2
[ "$(hits_of smtp)" = $((371204 + 200)) ] || fail 2.3 "smtp has $(hits_of smtp) hits, want $((371204 + 200))"
[ "$(day_of smtp)" = 200 ] || fail 2.4 "hit_day of smtp sums to $(day_of smtp), want 200"

# 3: kill -9 after a quiet while
start_kbd
views 15 /api/articles/aliasname
views 3 /a/aliasname
# quiet until the flush (the checks after the kill judge it)
flushed3() { [ "$(hits_of aliasname)" = $((29887740 + 18)) ] && [ "$(day_of aliasname)" = 18 ]; }
wait_until 2.5 flushed3
kill9_kbd
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 3.1 "integrity_check after kill -9: $(sql 'PRAGMA integrity_check' | head -3)"
[ "$(hits_of aliasname)" = $((29887740 + 18)) ] ||
    fail 3.2 "aliasname has $(hits_of aliasname) hits after kill -9, want $((29887740 + 18))"
[ "$(day_of aliasname)" = 18 ] || fail 3.3 "hit_day of aliasname sums to $(day_of aliasname), want 18"
start_kbd
grep -q '^kbd: articles: 0 new, 0 changed, 18 unchanged' "$LOG" || fail 3.4 "restart after kill -9: $(grep articles: "$LOG")"
expect_json 3.5 /api/articles/aliasname ".hits == $((29887740 + 19))"
expect_json 3.6 /api/top '.articles[0].slug == "aliasname"'

# 4: kill -9 right after views: only those can be lost
base=$(hits_of dns-content)
[ "$base" = 27456010 ] || fail 4.1 "dns-content has $base hits, want 27456010"
views 10 /api/articles/dns-content
flushed4() { [ "$(hits_of dns-content)" = $((base + 10)) ]; }
wait_until 2.5 flushed4	# quiet until the flush (4.3 judges it)
views 30 /api/articles/dns-content
kill9_kbd
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 4.2 "integrity_check after kill -9: $(sql 'PRAGMA integrity_check' | head -3)"
got=$(hits_of dns-content)
[ "$got" -ge $((base + 10)) ] && [ "$got" -le $((base + 40)) ] ||
    fail 4.3 "dns-content has $got hits after kill -9, want $((base + 10)) to $((base + 40))"
[ "$(hits_of aliasname)" = $((29887740 + 19)) ] || fail 4.4 "aliasname has $(hits_of aliasname) hits, want $((29887740 + 19))"
start_kbd
expect_json 4.5 /api/articles/dns-content ".hits == $((got + 1))"
stop_kbd 4.6

test_done
