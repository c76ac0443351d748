#!/usr/bin/env bash
# t0018-cache-gzip: compression, validators and the cache's freshness.
#   1.x  pages, JSON answers, CSS and JS: with "Accept-Encoding: gzip" the
#        body is gzip (Content-Encoding, Vary, a weak ETag) and unpacks to
#        the plain body; without it, or with gzip;q=0, it is plain; tiny
#        answers are never packed
#   2.x  If-None-Match with the ETag (strong or weak) gives 304 without a
#        body; a 304 for an article still counts the view; a stale ETag
#        gives 200
#   3.x  an edit (file changed, SIGHUP) is served at once by every cached
#        answer that shows it: article JSON and page, top list JSON and
#        home page, search; the article's ETag changes
#   4.x  a hits flush refreshes cached answers within the stated lag
#        (about a second; the test allows 3 s): an article's count, and
#        the order of the top list when views overtake another article
#   5.x  two answers whose keys hash to one slot are both kept: asked in
#        turn ten times, each is made once, then served from the cache
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
# two small articles whose order in the top list views can change
for s in klein-a klein-b; do
	cat >"$dir/$s.md" <<EOF
---
title: Kleiner Artikel ${s#klein-}
hits: $([ $s = klein-a ] && echo 500 || echo 510)
---
Ein Artikel über Bergziegen ($s).
EOF
done
start_kbd --articles "$dir"

gunzipped() { gzip -dc "$BODY" 2>/dev/null; }

# 1: gzip
n=0
for path in /api/top /api/search?q=imap / /static/style.css \
    /static/search.js "/search?q=$(uri 'Passwort vergessen')"; do
	n=$((n + 1))
	req GET "$path"
	cp "$BODY" "$TMP/plain"
	[ -z "$(header Content-Encoding)" ] || fail 1.$n.1 "$path: gzip without Accept-Encoding"
	req GET "$path" -H 'Accept-Encoding: gzip, deflate, br'
	[ "$STATUS" = 200 ] || fail 1.$n.2 "$path: $STATUS"
	if [ "$(header Content-Encoding)" != gzip ]; then
		fail 1.$n.3 "$path: no gzip (Content-Encoding '$(header Content-Encoding)')"
		continue
	fi
	header Vary | grep -qi 'Accept-Encoding' || fail 1.$n.4 "$path: no Vary: Accept-Encoding"
	[[ $(header ETag) =~ ^W/\"[0-9a-f]+\"$ ]] || fail 1.$n.5 "$path: gzip ETag '$(header ETag)'"
	gunzipped | cmp -s - "$TMP/plain" || fail 1.$n.6 "$path: the gzip body does not unpack to the plain one"
	[ "$(stat -c %s "$BODY")" -lt "$(stat -c %s "$TMP/plain")" ] ||
	    fail 1.$n.7 "$path: gzip is not smaller"
	req GET "$path" -H 'Accept-Encoding: gzip;q=0, identity'
	[ -z "$(header Content-Encoding)" ] || fail 1.$n.8 "$path: gzip although gzip;q=0"
	cmp -s "$BODY" "$TMP/plain" || fail 1.$n.9 "$path: gzip;q=0 body differs"
done
# an article page: its hit count moves, so compare the text around it
req GET /a/imap -H 'Accept-Encoding: gzip'
[ "$(header Content-Encoding)" = gzip ] || fail 1.20 "/a/imap: no gzip"
gunzipped | grep -q 'Wie verwalte ich Mails über IMAP?' || fail 1.21 "/a/imap: gzip body is not the page"
req GET /healthz -H 'Accept-Encoding: gzip'
[ -z "$(header Content-Encoding)" ] || fail 1.22 "/healthz (3 bytes) is packed"

# 2: validators
for path in /api/top / /static/style.css; do
	req GET "$path"
	etag=$(header ETag)
	[[ $etag =~ ^\"[0-9a-f]+\"$ ]] || fail 2.1 "$path: ETag '$etag'"
	expect_status 2.2 GET "$path" 304 -H "If-None-Match: $etag"
	[ ! -s "$BODY" ] || fail 2.3 "$path: 304 with a body"
	expect_status 2.4 GET "$path" 304 -H "If-None-Match: W/$etag" -H 'Accept-Encoding: gzip'
	expect_status 2.5 GET "$path" 200 -H 'If-None-Match: "00000000deadbeef"'
done
h0=$(jget /api/articles/klein-a .hits)
# A flush between the two requests (once a second, when a count changed)
# makes a new ETag, so each try starts right after one (when every view
# is written); a busy machine gets two more tries.  Each try is two
# views: the GET and the 304.
for try in 1 2 3; do
	wait_until 3 views_flushed
	req GET /api/articles/klein-a
	etag=$(header ETag)
	req GET /api/articles/klein-a -H "If-None-Match: $etag"
	[ "$STATUS" = 304 ] && break
done
[ "$STATUS" = 304 ] || fail 2.6 "If-None-Match with the ETag of the last answer gave $STATUS"
a=$((501 + 2 * try))	# h0 was view 1
stored() { [ "$(sql "SELECT hits FROM article WHERE slug = '$1'")" = "$2" ]; }
wait_until 3 stored klein-a $a ||
    fail 2.7 "a 304 did not count its view: stored $(sql "SELECT hits FROM article WHERE slug = 'klein-a'"), want $a (first answer said $h0)"

# 3: an edit is served at once
req GET /api/articles/aliasname
old_etag=$(header ETag)
req GET /a/aliasname
req GET /
req GET /api/top
req GET "/api/search?q=Wombat"
sed -i 's/^title: .*/title: Was ist ein Wombat-Alias?/' "$dir/aliasname.md"
sighup || fail 3.1 "no import after SIGHUP"
expect_json 3.2 /api/articles/aliasname '.title == "Was ist ein Wombat-Alias?"'
[ "$(header ETag)" != "$old_etag" ] || fail 3.3 "the ETag did not change with the title"
req GET /a/aliasname
grep -q 'Was ist ein Wombat-Alias?' "$BODY" || fail 3.4 "the page shows the old title"
expect_json 3.5 "/api/top?limit=100" '[.articles[].title] | index("Was ist ein Wombat-Alias?") != null'
req GET /
grep -q 'Was ist ein Wombat-Alias?' "$BODY" || fail 3.6 "the home page shows the old title"
expect_json 3.7 "/api/search?q=Wombat" '.results[0].slug == "aliasname"'
expect_status 3.8 GET /api/articles/aliasname 200 -H "If-None-Match: $old_etag"

# 4: hits flushes refresh cached answers within the lag
order() { jget "/api/top?limit=100" '[.articles[].slug | select(startswith("klein-"))] | join(" ")'; }
[ "$(order)" = "klein-b klein-a" ] || fail 4.1 "order before: $(order)"
b=$(jget /api/articles/klein-b .hits)	# 511, the view of this GET included
[ "$b" = 511 ] || fail 4.2 "klein-b had $b hits, want 511"
for i in $(seq 10); do req GET /a/klein-a; done	# klein-a: a + 10 > 511
viewed=${EPOCHREALTIME//,/.}
ordered() { [ "$(order)" = "$1" ]; }
wait_until 3 ordered "klein-a klein-b" ||
    fail 4.3 "the top list still says '$(order)' 3 s after the views"
# The views may be split over two flushes (the order can turn after the
# first): the whole count is due by the same 3 s after the views.
top_hits() { jget /api/top?limit=100 '.articles[] | select(.slug == "klein-a") | .hits'; }
top_shows() { [ "$(top_hits)" = "$1" ]; }
rest=$(awk -v t="$viewed" -v now="${EPOCHREALTIME//,/.}" \
    'BEGIN { r = 3 - (now - t); printf "%.3f", (r > 0 ? r : 0) }')
wait_until "$rest" top_shows $((a + 10)) ||
    fail 4.4 "/api/top shows klein-a with $(top_hits) hits, want $((a + 10))"

# 5: keys that share a slot ("search?10&0&mx eintrag" and "...thunderbird",
# FNV-1a modulo 4096 slots) do not evict each other
cache_metric() { curl -s "$BASE/metrics" | sed -n "s/^kbd_cache_$1_total //p"; }
hits0=$(cache_metric hits)
misses0=$(cache_metric misses)
for i in $(seq 10); do
	req GET "/api/search?q=$(uri 'mx eintrag')"
	req GET "/api/search?q=thunderbird"
done
[ $(($(cache_metric misses) - misses0)) = 2 ] ||
    fail 5.1 "$(($(cache_metric misses) - misses0)) misses for 20 requests of 2 answers, want 2"
[ $(($(cache_metric hits) - hits0)) = 18 ] ||
    fail 5.2 "$(($(cache_metric hits) - hits0)) hits, want 18"
stop_kbd 4.6
test_done
