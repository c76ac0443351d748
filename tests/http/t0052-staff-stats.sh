#!/usr/bin/env bash
# t0052-staff-stats: what staff learn about reading and searching.
#   1.x  most read over 7 days, 30 days and all time come from the daily
#        hit buckets: an article read a lot 20 days ago leads the 30-day
#        list but not the 7-day one; drafts and deleted articles are not
#        listed; daily_hits has one number per day, today's last
#   2.x  searches: the most searched, the ones that found nothing (the
#        content gaps) and the ones after which nobody opened an article
#        from the results page (a click is an article view whose Referer
#        is this site's /search?q=...; another site's Referer is not)
#   3.x  the page /admin/stats shows the same lists, escaped, with an SVG
#        chart and no inline script or style; ?days=30 switches the period
#   4.x  editors may read the statistics; without a session: 401 / 303
. "$(dirname "$0")/../lib.sh"

echo "anna-passwort-1" | "$KBD" user add anna --db "$DB" 2>/dev/null
A=(-H "Authorization: Bearer $("$KBD" user token anna --db "$DB" 2>/dev/null)")
start_kbd
stop_kbd 0.1
today=$(( $(date +%s) / 86400 ))
id() { sql "SELECT id FROM article WHERE slug = '$1'"; }
# pop3: 500 views 20 days ago; smtp: 40 views 2 days ago; imap: 10 today
sql "INSERT INTO hit_day VALUES ($(id pop3), $((today - 20)), 500),
    ($(id smtp), $((today - 2)), 40), ($(id imap), $today, 10),
    ($(id ip-updater-router), $((today - 40)), 9999)"
start_kbd
# logged SEARCHES CLICKS: the search log in the database holds that many
# searches and clicks (it is written with the hits, once a second)
logged() {
	[ "$(sql "SELECT coalesce(sum(count), 0) >= $1 AND
	    coalesce(sum(clicks), 0) >= $2 FROM search_log")" = 1 ]
}

# 2: searches (made before the checks of 1, so that one flush has both)
for i in 1 2 3; do req GET "/search?q=$(uri 'Webmail Passwort')"; done
req GET "/search?q=$(uri 'Gürteltier füttern')"
req GET "/search?q=$(uri 'Gürteltier füttern')"
req GET "/api/search?q=$(uri 'Router einrichten')"
req GET "/search?q=$(uri 'spamfilter')"
req GET "/a/spamfilter" -H "Referer: $BASE/search?q=$(uri 'spamfilter')"
req GET "/a/imap" -H "Referer: https://evil.example/search?q=$(uri 'Webmail Passwort')"
wait_until 10 logged 7 1	# the 7 searches and the click from our own page

# 1: most read
expect_json 1.1 "/api/admin/stats?days=7" '.days == 7 and (.daily_hits | length) == 7' "${A[@]}"
jq -e '.most_read[0].slug == "smtp" and ([.most_read[].slug] | index("pop3") == null)' "$BODY" >/dev/null ||
    fail 1.2 "7-day list: $(jq -c '[.most_read[] | [.slug, .count]]' "$BODY")"
jq -e '.daily_hits[6] >= 10 and .daily_hits[4] == 40' "$BODY" >/dev/null ||
    fail 1.3 "daily_hits: $(jq -c .daily_hits "$BODY")"
expect_json 1.4 "/api/admin/stats?days=30" '.most_read[0].slug == "pop3" and .most_read[0].count == 500' "${A[@]}"
jq -e '[.most_read[].slug] | index("ip-updater-router") == null' "$BODY" >/dev/null ||
    fail 1.5 "a day 40 days ago counts in the 30-day list"
jq -e '.most_read_all_time[0].slug == "aliasname"' "$BODY" >/dev/null ||
    fail 1.6 "all-time list: $(jq -c '[.most_read_all_time[].slug]' "$BODY")"

# 2: the search lists
expect_json 2.1 "/api/admin/stats?days=7" '.searches[0].label == "webmail passwort" and .searches[0].count == 3' "${A[@]}"
jq -e '[.no_results[].label] == ["gürteltier füttern"] and .no_results[0].count == 2' "$BODY" >/dev/null ||
    fail 2.2 "no_results: $(jq -c .no_results "$BODY")"
jq -e '[.not_opened[].label] | index("webmail passwort") != null and index("spamfilter") == null' "$BODY" >/dev/null ||
    fail 2.3 "not_opened: $(jq -c .not_opened "$BODY")"
jq -e '[.searches[] | select(.label == "spamfilter") | .opened] == [1]' "$BODY" >/dev/null ||
    fail 2.4 "the click from the results page is not counted: $(jq -c .searches "$BODY")"
jq -e '[.searches[] | select(.label == "webmail passwort") | .opened] == [0]' "$BODY" >/dev/null ||
    fail 2.5 "a Referer from another site counted as a click"

# 3: the page
JAR=$TMP/jar
req POST /admin/login -c "$JAR" -d 'name=anna&password=anna-passwort-1'
expect_status 3.1 GET /admin/stats 200 -b "$JAR"
for h in 'Suchen ohne Ergebnis' 'Suchen, nach denen niemand einen Artikel öffnete' \
    'Häufigste Suchen' 'Aufrufe pro Tag' 'Meistgelesen (7 Tage)' 'Meistgelesen (insgesamt)'; do
	grep -q "<h2>$h</h2>" "$BODY" || fail 3.2 "no section '$h'"
done
grep -q '<svg class="chart"' "$BODY" || fail 3.3 "no chart"
grep -Eq '<script>|<style|style=|[[:space:]]on[a-z]+=' "$BODY" && fail 3.4 "inline script or style on the page: $(grep -Eo '<script>|<style|style=|[[:space:]]on[a-z]+=' "$BODY" | head -3)"
sed -n '/Suchen ohne Ergebnis/,/<\/section>/p' "$BODY" | grep -q 'rteltier' || fail 3.5 "the content gap is not on the page"
expect_status 3.6 GET "/admin/stats?days=30" 200 -b "$JAR"
grep -q 'Meistgelesen (30 Tage)' "$BODY" || fail 3.7 "?days=30 did not switch"
req GET "/search?q=$(uri '<img src=x onerror=alert(1)>')"
wait_until 10 logged 8 1
expect_status 3.8 GET /admin/stats 200 -b "$JAR"
grep -q '<img' "$BODY" && fail 3.9 "a search's text reached the page unescaped"

# 4: who may read them
echo "bert-passwort-1" | "$KBD" user add bert --db "$DB" 2>/dev/null
expect_status 4.1 GET /api/admin/stats 200 -H "Authorization: Bearer $("$KBD" user token bert --db "$DB" 2>/dev/null)"
expect_status 4.2 GET /api/admin/stats 401
expect_status 4.3 GET /admin/stats 303
stop_kbd 4.4
test_done
