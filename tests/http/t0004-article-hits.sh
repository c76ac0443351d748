#!/usr/bin/env bash
# t0004-article-hits: GET /api/articles/<slug> and the hit counter.
#   1.x  the article's fields: slug, title, category, tags[], html, hits,
#        updated (ISO 8601 UTC); JSON Content-Type
#   2.x  every GET counts one hit, HEAD nothing; the article page
#        /a/<slug> counts too.  Answers are cached: they show the stored
#        count plus the views not flushed when they were made, and are
#        made again after each flush that changed the count, so what they
#        show lags the real count by about a second at most
#   3.x  after a flush (about a second) article.hits and hit_day in the
#        database and /api/top hold the new count
#   4.x  unknown, invalid and empty slugs: 404 with {"error"}, no hit
. "$(dirname "$0")/../lib.sh"

start_kbd

# 1: fields
expect_json 1.1 /api/articles/imap '.slug == "imap"
    and .title == "Wie verwalte ich Mails über IMAP?"
    and .category == "E-Mail"
    and .tags == ["imap", "ssl", "mailprogramm", "postfach", "ordner", "email"]
    and .hits == 414717'
header Content-Type | grep -qx 'application/json; charset=utf-8' ||
    fail 1.2 "Content-Type: $(header Content-Type)"
jq -e '.html | test("<h2>IMAP oder POP3\\?</h2>") and test("<code>imap.example-hosting.de</code>")' \
    "$BODY" >/dev/null || fail 1.3 "html is not the rendered article: $(jq -r .html "$BODY" | head -c 200)"
jq -e '.updated | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' \
    "$BODY" >/dev/null || fail 1.4 "updated is $(jq .updated "$BODY")"
expect_json 1.5 /api/articles/passwort-vergessen '.slug == "passwort-vergessen" and (.tags | type) == "array"'

# 2: counting (imap has 1 view so far)
stored() { [ "$(sql "SELECT hits FROM article WHERE slug = '$1'")" = "$2" ]; }
req GET /api/articles/imap
req GET /api/articles/imap
for i in 1 2 3; do
	expect_status 2.3 HEAD /api/articles/imap 200
done
req GET /a/imap
expect_status 2.4 HEAD /a/imap 200
# 4 views of imap so far: 3 API GETs and one page; HEADs count nothing
wait_until 5 stored imap 414720 ||
    fail 2.1 "article.hits of imap is $(sql "SELECT hits FROM article WHERE slug = 'imap'"), want 414720"
# After the flush the next view is made afresh: the stored count and itself.
expect_json 2.2 /api/articles/imap '.hits == 414721'
# A fresh page shows every view so far, itself included; one cached
# before the last flush may show fewer until the next flush (the stated
# lag), so a busy machine gets two more tries, each a view more, each
# after the flush of the try before: the page is made again after it.
for k in 1 2 3; do
	req GET /a/imap
	grep -q "($((414721 + k)) Hits)" "$BODY" && break
	[ "$k" = 3 ] && fail 2.5 "/a/imap does not show ($((414721 + k)) Hits): $(grep -o '([0-9]* Hits)' "$BODY")"
	wait_until 5 stored imap $((414721 + k))
done
views=$((414721 + k))	# 4 API GETs and k pages

# 3: the flush (views of dns-pruefung: 2)
req GET /api/articles/dns-pruefung
req GET /a/dns-pruefung
wait_until 5 stored imap $views ||
    fail 3.1 "article.hits of imap is $(sql "SELECT hits FROM article WHERE slug = 'imap'"), want $views"
wait_until 5 stored dns-pruefung 26246277 || fail 3.2 "article.hits of dns-pruefung not flushed"
today=$(($(date -u +%s) / 86400))
got=$(sql "SELECT day, sum(count) FROM hit_day WHERE article_id = (SELECT id FROM article WHERE slug = 'imap') GROUP BY day")
case $got in
"$today|$((views - 414716))" | "$((today - 1))|$((views - 414716))") ;;	# a flush before midnight UTC
*) fail 3.3 "hit_day of imap is '$got', want '$today|$((views - 414716))'" ;;
esac
top_has() {
	[ "$(jget "/api/top?limit=100" '[.articles[] | select(.slug == "imap" or .slug == "dns-pruefung") | .hits] | tostring')" = "[26246277,$views]" ]
}
wait_until 3 top_has || fail 3.4 "/api/top: $(jget "/api/top?limit=100" '[.articles[] | select(.slug == "imap" or .slug == "dns-pruefung") | .hits]')"
expect_json 3.5 /api/articles/imap ".hits == $((views + 1))"

# 4: not found
for path in /api/articles/nope /api/articles/ /api/articles/IMAP \
    /api/articles/imap/ /api/articles/-imap /api/articles/imap.md \
    "/api/articles/%C3%BCber" /api/articles/imap%20 /api/articles/a%2Fb; do
	if expect_status 4.1 GET "$path" 404; then
		jq -e '.error | type == "string"' "$BODY" >/dev/null ||
		    fail 4.2 "$path: no {\"error\"}: $(head -c 200 "$BODY")"
		header Content-Type | grep -qx 'application/json; charset=utf-8' ||
		    fail 4.3 "$path: Content-Type $(header Content-Type)"
	fi
done
long=$(printf 'a%.0s' $(seq 129))
expect_status 4.4 GET "/api/articles/$long" 404
# The 404s counted nothing: the stored count goes up by the one view of 3.5.
wait_until 5 stored imap $((views + 1)) ||
    fail 4.5 "article.hits of imap is $(sql "SELECT hits FROM article WHERE slug = 'imap'"), want $((views + 1))"

stop_kbd 4.6
test_done
