#!/usr/bin/env bash
# t0007-pages: the HTML pages.
#   1.x  home: 200 text/html with Content-Security-Policy, nosniff and
#        X-Frame-Options; the search box with its placeholder; "Top 10
#        FAQ-Fragen" with the ten titles in order, each with "(N Hits)";
#        HEAD gives the same headers
#   2.x  article page: "Frage: <title> (N Hits)" counting this view, the
#        rendered body, category and tag links, related articles; views
#        raise the count by one
#   3.x  search page: the query echoed escaped in the title, the box and
#        the heading (<b>"&' and friends); results link to /a/<slug>;
#        no results: "Keine Treffer" and the top ten
#   4.x  404: an HTML page with status 404 for unknown paths and unknown
#        articles, with the same security headers
. "$(dirname "$0")/../lib.sh"

start_kbd

# html_headers CASE: the headers every HTML page carries
html_headers() {
	header Content-Type | grep -qx 'text/html; charset=utf-8' ||
	    fail "$1" "Content-Type: $(header Content-Type)"
	header Content-Security-Policy | grep -q "default-src 'self'" ||
	    fail "$1" "Content-Security-Policy: $(header Content-Security-Policy)"
	header X-Content-Type-Options | grep -qx nosniff ||
	    fail "$1" "X-Content-Type-Options: $(header X-Content-Type-Options)"
	header X-Frame-Options | grep -qx DENY ||
	    fail "$1" "X-Frame-Options: $(header X-Frame-Options)"
}

# 1: home
expect_status 1.1 GET / 200
html_headers 1.2
grep -q 'placeholder="Ihre Frage oder Suchbegriffe"' "$BODY" ||
    fail 1.3 "no search box with the placeholder"
grep -q '<form[^>]*action="/search"' "$BODY" && grep -q 'name="q"' "$BODY" ||
    fail 1.4 "the search box does not submit q to /search"
grep -q 'Top 10 FAQ-Fragen' "$BODY" || fail 1.5 "no 'Top 10 FAQ-Fragen'"
grep -o 'href="/a/[^"]*">Frage: [^<]*</a> <span class="hits">([0-9]* Hits)' "$BODY" |
    sed 's|href="/a/\([^"]*\)">Frage: \(.*\)</a> <span class="hits">(\([0-9]*\) Hits)|\1 \3 \2|' \
    >"$TMP/home-top"
jget /api/top '.articles[] | "\(.slug) \(.hits) \(.title)"' >"$TMP/api-top"
[ "$(wc -l <"$TMP/home-top")" = 10 ] || fail 1.6 "home lists $(wc -l <"$TMP/home-top") top entries, want 10"
diff -u "$TMP/api-top" "$TMP/home-top" >"$TMP/diff" || fail 1.7 "home top ten differ from /api/top: $(cat "$TMP/diff")"
head -1 "$TMP/home-top" | grep -qx 'aliasname 29887740 Was ist ein Aliasname?' ||
    fail 1.8 "first entry: $(head -1 "$TMP/home-top")"
grep -q '(29887740 Hits)' "$BODY" || fail 1.9 "no '(29887740 Hits)' for aliasname"
grep -q 'href="/static/style.css?v=[0-9a-f]\{8\}"' "$BODY" || fail 1.10 "no versioned style sheet link"
expect_status 1.11 HEAD / 200
html_headers 1.12
expect_status 1.13 GET "/?q=x" 200

# 2: article page (imap starts at 414716)
expect_status 2.1 GET /a/imap 200
html_headers 2.2
grep -q 'Frage:</span> Wie verwalte ich Mails über IMAP?</h1> <span class="hits">(414717 Hits)</span>' "$BODY" ||
    fail 2.3 "no 'Frage: Wie verwalte ich Mails über IMAP? (414717 Hits)': $(grep -o '<h1>.*</h1>' "$BODY")"
grep -q '<title>Wie verwalte ich Mails über IMAP?' "$BODY" || fail 2.4 "page title"
grep -q '<h2>Einstellungen</h2>' "$BODY" || fail 2.5 "the rendered body is missing"
grep -q '<a href="/k/e-mail">E-Mail</a>' "$BODY" || fail 2.6 "no category link"
grep -q '<a href="/search?q=ssl">ssl</a>' "$BODY" || fail 2.7 "no tag link for ssl"
grep -q 'Ähnliche Fragen' "$BODY" || fail 2.8 "no related articles"
sed -n '/Ähnliche Fragen/,/<\/ul>/p' "$BODY" | grep -q 'href="/a/imap"' &&
    fail 2.9 "the article is listed as related to itself"
# Pages are cached and show the count as of the last flush (a second).
stored() { [ "$(sql "SELECT hits FROM article WHERE slug = 'imap'")" = "$1" ]; }
req GET /a/imap
wait_until 5 stored 414718 || fail 2.10 "two views of /a/imap not stored"
req GET /a/imap
grep -q '(414719 Hits)' "$BODY" || fail 2.11 "after the flush the page does not show (414719 Hits)"
expect_json 2.12 /api/articles/imap '.hits >= 414719 and .hits <= 414720'

# 3: search page
q='<b>"&'"'"'x</b>'
expect_status 3.1 GET "/search?q=$(uri "$q")" 200
html_headers 3.2
esc='&lt;b&gt;&quot;&amp;&#39;x&lt;/b&gt;'
grep -qF "<title>$esc" "$BODY" || fail 3.3 "page title does not echo the query escaped"
grep -qF "value=\"$esc\"" "$BODY" || fail 3.4 "search box value is not the escaped query"
grep -qF "„$esc“" "$BODY" || fail 3.5 "heading does not echo the query escaped"
grep -qF '<b>"&' "$BODY" && fail 3.6 "the raw query is on the page"
req GET "/search?q=zqxjvw"
grep -q 'Keine Treffer' "$BODY" || fail 3.7 "no 'Keine Treffer' for a query without results"
grep -q 'Top 10 FAQ-Fragen' "$BODY" || fail 3.8 "no top ten on a page without results"
q='imap "><script>alert(1)</script>'
expect_status 3.9 GET "/search?q=$(uri "$q")" 200
sed 's#<script src="/static/search.js?v=[0-9a-f]*" defer></script>##' "$BODY" |
    grep -q '<script' && fail 3.10 "a script tag got onto the search page"
grep -q 'Treffer für' "$BODY" || fail 3.11 "no results heading"
grep -q '<a href="/a/imap">Wie verwalte ich Mails über IMAP?</a>' "$BODY" || fail 3.12 "no link to imap"
grep -q '<p class="excerpt">.*<mark>' "$BODY" || fail 3.13 "no marked snippet"
expect_status 3.14 GET "/search?q=$(uri 'Über')" 200
grep -qF 'value="Über"' "$BODY" || fail 3.15 "UTF-8 query not echoed as typed"

# 4: not found
for path in /nope /a/nope /a/ /a/IMAP "/a/%C3%BCber" /index.html /search/ \
    /a/imap/x /healthz/ "/a/imap%20"; do
	if expect_status 4.1 GET "$path" 404; then
		html_headers 4.2
		grep -q 'Seite nicht gefunden' "$BODY" || fail 4.3 "$path: not the 404 page"
		grep -q '</html>' "$BODY" || fail 4.4 "$path: not a whole page"
	fi
done
expect_status 4.5 HEAD /nope 404
# a miss counts nothing: four views of imap in all
wait_until 5 stored 414720 || fail 4.6 "imap stored $(sql "SELECT hits FROM article WHERE slug = 'imap'"), want 414720"

stop_kbd 4.7
test_done
