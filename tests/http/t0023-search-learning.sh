#!/usr/bin/env bash
# t0023: the search learns from readers and staff.
#   1.x  articles opened from a results page (Referer /search?q=...) by
#        three readers lift the article for that query (to the top);
#        the clicks are kept as tags of readers (search_click)
#   2.x  one reader opening an article thirty times from a query moves
#        nothing (one tag)
#   3.x  robots and staff do not count
#   4.x  an article made a draft, or deleted, no longer comes for the
#        query its readers lifted it for, also after a restart
#   5.x  a search that found nothing has a form on the statistics page;
#        attaching its phrasing to an article ("Auch gesucht als") makes
#        the search find it, and the phrasing is in the article's front
#        matter; staff's own views are no clicks
. "$(dirname "$0")/../lib.sh"

echo "anna-passwort-1" | "$KBD" user add anna --db "$DB" 2>/dev/null
dir=$(copy_articles arts)
start_kbd --articles "$dir"

rank() {	# rank QUERY SLUG: the place (1...) of SLUG for QUERY, 0 if none
	jget "/api/search?q=$(uri "$1")&limit=20" \
	    "[.results[].slug] | (index(\"$2\") // -1) + 1"
}

click() {	# click QUERY SLUG USER_AGENT: opens SLUG from QUERY's results
	curl -s -o /dev/null -A "$3" --max-time 10 \
	    -e "$BASE/search?q=$(uri "$1")" "$BASE/a/$2"
}

q1="nachrichten bleiben liegen"
q2="server antwortet nicht"
before1=$(rank "$q1" mailspool)
before2=$(rank "$q2" dns-content)
[ "$before1" -gt 1 ] || fail 1.0 "mailspool is $before1. for '$q1' already"
[ "$before2" -gt 1 ] || fail 2.0 "dns-content is $before2. for '$q2' already"

# 1: three readers.  A reader's tag has 8 bits, so two of three share
# one about once in eighty runs; then another reader stands in, as a
# fourth customer would, until three tags are there.
tags1() { sql "SELECT count(*) FROM search_click c JOIN article a ON a.id = c.article_id WHERE a.slug = 'mailspool' AND c.query = '$q1'"; }
for i in 1 2 3; do
	click "$q1" mailspool "Mozilla/5.0 (X11; Linux x86_64) reader/$i"
done
nr=3
flushed 1.0
while [ "$(tags1)" -lt 3 ] && [ "$nr" -lt 8 ]; do
	nr=$((nr + 1))
	click "$q1" mailspool "Mozilla/5.0 (X11; Linux x86_64) reader/$nr"
	flushed 1.0
done
top1() { [ "$(rank "$q1" mailspool)" = 1 ]; }
wait_until 10 top1 ||
    fail 1.1 "three readers' clicks: mailspool is $(rank "$q1" mailspool). for '$q1', was $before1."
n=$(sql "SELECT count(*) FROM search_click c JOIN article a ON a.id = c.article_id WHERE a.slug = 'mailspool' AND c.query = '$q1'")
[ "$n" = 3 ] || fail 1.2 "search_click has $n tags for mailspool, want 3"

# 2: one reader, thirty times (also on other days' worth of requests)
for i in $(seq 30); do
	click "$q2" dns-content "Mozilla/5.0 (X11; Linux x86_64) same-reader"
done
flushed 2.0
[ "$(rank "$q2" dns-content)" = "$before2" ] ||
    fail 2.1 "one reader's thirty clicks moved dns-content from $before2. to $(rank "$q2" dns-content)."
n=$(sql "SELECT count(*) FROM search_click c JOIN article a ON a.id = c.article_id WHERE a.slug = 'dns-content'")
[ "$n" = 1 ] || fail 2.2 "one reader left $n tags, want 1"

# 3: robots and staff are no readers
for i in 1 2 3; do
	click "$q2" dns-content "Googlebot/2.1 (+http://www.google.com/bot.html) $i"
	click "$q2" dns-content "curl/8.0 $i"
done
flushed 3.0
n=$(sql "SELECT count(*) FROM search_click c JOIN article a ON a.id = c.article_id WHERE a.slug = 'dns-content'")
[ "$n" = 1 ] || fail 3.1 "robots left tags: $n"

# 4: drafts and deleted articles never gain
printf '%s\n' '---' 'title: "Was ist ein Mailspool?"' 'draft: true' '---' 'Entwurf.' \
    >"$dir/mailspool.md"
sighup
[ "$(rank "$q1" mailspool)" = 0 ] ||
    fail 4.1 "a draft comes for '$q1' ($(rank "$q1" mailspool).)"
for i in $(seq "$nr"); do	# the readers of 1, with three tags
	click "$q1" smtp "Mozilla/5.0 (X11; Linux x86_64) reader/$i"
done
top_smtp() { [ "$(rank "$q1" smtp)" = 1 ]; }
wait_until 10 top_smtp || fail 4.2 "smtp was not lifted for '$q1'"
rm "$dir/smtp.md"
sighup
[ "$(rank "$q1" smtp)" = 0 ] ||
    fail 4.3 "a deleted article comes for '$q1' ($(rank "$q1" smtp).)"
stop_kbd 4.4
start_kbd --articles "$dir"
[ "$(rank "$q1" smtp)" = 0 ] && [ "$(rank "$q1" mailspool)" = 0 ] ||
    fail 4.5 "after a restart, a draft or deleted article comes for '$q1'"

# 5: "Auch gesucht als" from the statistics page
gap="Gürteltier füttern"
req GET "/search?q=$(uri "$gap")"
expect_json 5.1 "/api/search?q=$(uri "$gap")" '.total == 0'
logged() { [ "$(sql "SELECT count(*) FROM search_log WHERE query = 'gürteltier füttern'")" -gt 0 ]; }
wait_until 10 logged || fail 5.0 "the search is not in the log"
JAR=$TMP/jar
req POST /admin/login -c "$JAR" -d 'name=anna&password=anna-passwort-1'
expect_status 5.2 GET /admin/stats 200 -b "$JAR"
sed -n '/Suchen ohne Ergebnis/,/<\/section>/p' "$BODY" >"$TMP/gaps"
grep -q 'action="/admin/alias"' "$TMP/gaps" || fail 5.3 "no alias form for the search that found nothing"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$BODY" | head -1)
label=$(sed -n 's/.*name="q" value="\([^"]*\)".*/\1/p' "$TMP/gaps" | head -1)
[ -n "$csrf" ] && [ -n "$label" ] || fail 5.4 "the form lacks its fields"
req POST /admin/alias -b "$JAR" --data-urlencode "csrf=$csrf" \
    --data-urlencode "q=$label" --data-urlencode "slug=spamfilter" \
    --data-urlencode "days=7"
[ "$STATUS" = 303 ] || fail 5.5 "POST /admin/alias gave $STATUS: $(head -c 300 "$BODY")"
expect_json 5.6 "/api/search?q=$(uri "$gap")" '.results[0].slug == "spamfilter"'
grep -q '^aliases: \[.*"gürteltier füttern"' "$dir/spamfilter.md" ||
    fail 5.7 "the phrasing is not in the front matter: $(sed -n '1,8p' "$dir/spamfilter.md")"
# Once is enough: the same phrasing again changes nothing.
req POST /admin/alias -b "$JAR" --data-urlencode "csrf=$csrf" \
    --data-urlencode "q=$label" --data-urlencode "slug=spamfilter"
[ "$(grep -c 'gürteltier füttern' "$dir/spamfilter.md")" = 1 ] ||
    fail 5.8 "the phrasing was added twice"
expect_status 5.9 POST /admin/alias 404 -b "$JAR" \
    --data-urlencode "csrf=$csrf" --data-urlencode "q=x" \
    --data-urlencode "slug=gibt-es-nicht"
# Staff opening an article from a results page is no reader's click.
n=$(sql "SELECT count(*) FROM search_click")
for i in 1 2 3; do
	curl -s -o /dev/null -b "$JAR" -A "Mozilla/5.0 staff/$i" \
	    -e "$BASE/search?q=$(uri "$q2")" "$BASE/a/dns-pruefung"
done
flushed 5.9
[ "$(sql "SELECT count(*) FROM search_click")" = "$n" ] ||
    fail 5.10 "staff's views were counted as readers' clicks"

test_done
