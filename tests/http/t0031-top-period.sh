#!/usr/bin/env bash
# t0031-top-period: /api/top?period=… from the daily hit buckets.
#   1.x  the schema: version 6, hit_day indexed by day; a version-5
#        database (no term vectors, no aliases, no clicks) is upgraded at start, the
#        term vectors made for every article and the articles found
#   2.x  hit_day rows put in by hand (today, 3, 6, 7, 10 and 40 days ago):
#        7d counts today and the six days before, 30d and 1d likewise;
#        hits are the period's; a short list is filled with the all-time
#        favourites at 0; all (and no period) is the all-time list;
#        "period" is echoed; limit applies
#   3.x  bad periods give 400 {"error"}
#   4.x  ETag, If-None-Match → 304, Cache-Control; new views move the
#        7d list after the next flush and change its ETag
#   5.x  an article taken offline leaves the period lists
#   6.x  /embed/top.html and /embed/top follow the same lists
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
start_kbd --articles "$dir"
stop_kbd 1.0
# 1: schema
[ "$(sql 'PRAGMA user_version')" = 7 ] || fail 1.1 "user_version $(sql 'PRAGMA user_version')"
sql "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'hit_day'" |
    grep -qx hit_day_by_day || fail 1.2 "no index hit_day_by_day"
sql "EXPLAIN QUERY PLAN SELECT article_id, sum(count) FROM hit_day
    INDEXED BY hit_day_by_day WHERE day >= 5 GROUP BY article_id" |
    grep -q 'SEARCH hit_day USING COVERING INDEX hit_day_by_day (day>?)' ||
    fail 1.3 "the period query cannot search the index"
vectors=$(sql "SELECT count(terms) FROM article")
[ "$vectors" -gt 0 ] || fail 1.4 "no article has a term vector"
# Back to version 5 (its triggers compile only with kbd's tokenizer, so
# they step aside while the columns go).
triggers=$(sql "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'article'")
trigger_sql=$(sql "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'article'")
sql "BEGIN; $(for t in $triggers; do printf 'DROP TRIGGER %s; ' "$t"; done)
    ALTER TABLE article DROP COLUMN terms; ALTER TABLE article DROP COLUMN aliases;
    DROP TABLE search_click; DROP TABLE vote_day; DROP TABLE vote_comment;
    $trigger_sql PRAGMA user_version = 5; COMMIT;"
[ "$(sql 'PRAGMA user_version')" = 5 ] || fail 1.5 "could not make a version-5 database"
start_kbd --articles "$dir"
expect_json 1.6 "/api/search?q=imap" '.total >= 1 and .results[0].slug == "imap"'
stop_kbd 1.6
[ "$(sql 'PRAGMA user_version')" = 7 ] || fail 1.7 "not upgraded: user_version $(sql 'PRAGMA user_version')"
[ "$(sql "SELECT count(terms) FROM article")" = "$vectors" ] ||
    fail 1.8 "$(sql "SELECT count(terms) FROM article") articles with term vectors after the upgrade, want $vectors"
grep -q "adding the ranking's term vectors" "$TMP"/kbd.*.log || fail 1.9 "the upgrade was not logged"

today=$(($(date -u +%s) / 86400))
id() { sql "SELECT id FROM article WHERE slug = '$1'"; }
put() {	# put SLUG DAYS_AGO COUNT
	sql "INSERT INTO hit_day(article_id, day, count) VALUES ($(id "$1"), $((today - $2)), $3)"
}
put imap 0 5
put imap 3 10
put mailspool 6 7
put mailspool 7 50
put dns-content 10 100
put aliasname 40 1000
start_kbd --articles "$dir"

# 2: the lists
ALL='["aliasname","fritzbox-konfigurieren","brief-identifikation"]'
expect_json 2.1 "/api/top?period=7d&limit=5" '.period == "7d" and
    [.articles[] | [.slug, .hits]] == [["imap", 15], ["mailspool", 7],
    ["aliasname", 0], ["fritzbox-konfigurieren", 0], ["brief-identifikation", 0]]'
expect_json 2.2 "/api/top?period=30d&limit=4" '.period == "30d" and
    [.articles[] | [.slug, .hits]] == [["dns-content", 100], ["mailspool", 57],
    ["imap", 15], ["aliasname", 0]]'
expect_json 2.3 "/api/top?period=1d&limit=2" \
    '[.articles[] | [.slug, .hits]] == [["imap", 5], ["aliasname", 0]]'
expect_json 2.4 "/api/top?period=365d&limit=1" '[.articles[] | [.slug, .hits]] == [["aliasname", 1000]]'
expect_json 2.5 "/api/top?limit=3" ".period == \"all\" and [.articles[].slug] == $ALL"
expect_json 2.6 "/api/top?limit=3&period=all" "[.articles[].slug] == $ALL"
expect_json 2.7 "/api/top?limit=3&period=" "[.articles[].slug] == $ALL"
expect_json 2.8 "/api/top?period=7d" '(.articles | length) == 10 and
    ([.articles[].slug] | unique | length) == 10'
expect_json 2.9 "/api/top?period=30d&limit=100" '(.articles | length) == 18 and
    ([.articles[].slug] | unique | length) == 18'
expect_json 2.10 "/api/top?period=7d" '[.articles[] | .url == "/a/" + .slug] | all'

# 3: bad periods
n=0
for bad in 0d 366d 7 d 7x -7d 07d 7D "7d%20" "%207d" week 1e3d 99999999999d; do
	n=$((n + 1))
	if expect_status "3.$n" GET "/api/top?period=$bad" 400; then
		jq -e '.error | test("period")' "$BODY" >/dev/null ||
		    fail "3.$n" "period=$bad: $(cat "$BODY")"
	fi
done

# 4: caching
expect_status 4.1 GET "/api/top?period=7d&limit=5" 200
etag=$(header ETag)
[ -n "$etag" ] || fail 4.2 "no ETag"
header Cache-Control | grep -qx 'public, max-age=60' || fail 4.3 "Cache-Control: $(header Cache-Control)"
expect_status 4.4 GET "/api/top?period=7d&limit=5" 304 -H "If-None-Match: $etag"
[ ! -s "$BODY" ] || fail 4.5 "304 with a body"
expect_status 4.6 GET "/api/top?period=7d&limit=5" 200 -H 'If-None-Match: "nope"'
for i in 1 2 3 4 5 6 7 8; do req GET /a/dns-content; done
moved() {
	jq -e '[.articles[] | [.slug, .hits]][:3] == [["imap", 15], ["dns-content", 8], ["mailspool", 7]]' \
	    <(curl -s "$BASE/api/top?period=7d&limit=5") >/dev/null
}
wait_until 5 moved || fail 4.7 "8 views of dns-content did not reach the 7d list: $(curl -s "$BASE/api/top?period=7d&limit=5")"
expect_status 4.8 GET "/api/top?period=7d&limit=5" 200 -H "If-None-Match: $etag"
[ "$(header ETag)" != "$etag" ] || fail 4.9 "the ETag did not change with the list"
[ "$(sql "SELECT count FROM hit_day WHERE article_id = $(id dns-content) AND day = $today")" = 8 ] ||
    fail 4.10 "hit_day has no bucket of 8 for today"

# 6: the embeddable lists follow
req GET "/embed/top.html?period=30d&limit=3&hits=1"
grep -o '<li>.*</li>' "$BODY" | sed 's|.*/a/\([^"]*\)".*(\([0-9]*\) Aufrufe).*|\1 \2|' >"$TMP/frag"
printf 'dns-content 108\nmailspool 57\nimap 15\n' | diff -u - "$TMP/frag" >"$TMP/diff" ||
    fail 6.1 "/embed/top.html?period=30d: $(cat "$TMP/diff")"
req GET "/embed/top?period=7d&limit=2"
[ "$(grep -c '<li><a href="http://127.0.0.1:[0-9]*/a/\(imap\|dns-content\)" target="_top">' "$BODY")" = 2 ] ||
    fail 6.2 "/embed/top?period=7d: $(grep '<li>' "$BODY")"
expect_status 6.3 GET "/embed/top?period=8x" 400
expect_status 6.4 GET "/embed/top.html?limit=0" 400

# 5: offline articles leave the lists
rm "$dir/mailspool.md"
sighup
expect_json 5.1 "/api/top?period=30d&limit=100" '[.articles[].slug] | index("mailspool") == null'
expect_json 5.2 "/api/top?period=30d&limit=3" \
    '[.articles[] | [.slug, .hits]] == [["dns-content", 108], ["imap", 15], ["aliasname", 0]]'
stop_kbd 5.3

test_done
