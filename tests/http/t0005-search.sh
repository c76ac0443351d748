#!/usr/bin/env bash
# t0005-search: GET /api/search and the /search page, with the shipped
# articles plus fixtures/search/ (an article with "Straße", one whose
# title, tags, category and body carry HTML and script text).
#   1.x  the answer's shape: query, total, limit, offset, partial, results
#        with slug, title, category, snippet, hits, url; JSON Content-Type
#   2.x  "imap ssl" ranks imap first; a title word finds its article
#   3.x  folding: "Über" = "über" = "ÜBER"; "Straße" = "strasse" =
#        "STRASSE"
#   4.x  snippets: matches in <mark>, no other markup; HTML and script text
#        of an article only ever escaped (API snippets, search page,
#        article page, JSON html)
#   5.x  partial matches: one unknown word plus a known one gives results
#        with partial=true; only unknown words give total 0; with no
#        article holding every word, those lacking one come next, the
#        one lacking the most common word first
#   6.x  paging: total, limit, offset; pages put together equal one big
#        page; offset past the end gives no results; the HTML pager
#   7.x  an empty or word-less query: total 0, no results, partial false
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles "$ROOT"/tests/http/fixtures/search/*.md)
start_kbd --articles "$dir"

# 1: shape
expect_json 1.1 "/api/search?q=imap" '(keys | sort) == ["limit","offset","partial","query","results","total"]
    and .query == "imap" and .limit == 10 and .offset == 0 and .partial == false
    and (.total | type) == "number" and .total >= 1'
header Content-Type | grep -qx 'application/json; charset=utf-8' ||
    fail 1.2 "Content-Type: $(header Content-Type)"
jq -e '.results[0] | (keys | sort) == ["category","hits","slug","snippet","title","url"]
    and .slug == "imap" and .url == "/a/imap" and .category == "E-Mail"
    and .title == "Wie verwalte ich Mails über IMAP?" and .hits == 414716' \
    "$BODY" >/dev/null || fail 1.3 "first result: $(jq -c '.results[0]' "$BODY")"
jq -e '.total == (.results | length)' "$BODY" >/dev/null ||
    fail 1.4 "total $(jq .total "$BODY") but $(jq '.results | length' "$BODY") results"

# 2: ranking
expect_json 2.1 "/api/search?q=imap%20ssl" '.results[0].slug == "imap" and .partial == false'
expect_json 2.2 "/api/search?q=IMAP%20SSL" '.results[0].slug == "imap"'
expect_json 2.3 "/api/search?q=mailspool" '.results[0].slug == "mailspool"'
expect_json 2.4 "/api/search?q=$(uri 'Wie konfiguriere ich die FRITZ!Box?')" \
    '.results[0].slug == "fritzbox-konfigurieren"'

# 3: folding
a=$(curl -s "$BASE/api/search?q=$(uri Über)&limit=100" | jq -c '[.total, [.results[].slug]]')
b=$(curl -s "$BASE/api/search?q=$(uri über)&limit=100" | jq -c '[.total, [.results[].slug]]')
c=$(curl -s "$BASE/api/search?q=$(uri ÜBER)&limit=100" | jq -c '[.total, [.results[].slug]]')
[ "$a" = "$b" ] && [ "$b" = "$c" ] || fail 3.1 "Über/über/ÜBER differ: $a $b $c"
jq -e '.[0] > 0 and (.[1] | index("imap") != null)' <<<"$a" >/dev/null ||
    fail 3.2 "über does not find imap: $a"
expect_json 3.3 "/api/search?q=$(uri Über)" '.query == "Über"'
want='[1,["strassen-adresse"]]'
for q in Straße strasse STRASSE STRAßE; do
	got=$(curl -s "$BASE/api/search?q=$(uri "$q")" | jq -c '[.total, [.results[].slug]]')
	[ "$got" = "$want" ] || fail 3.4 "$q found $got, want $want"
done
expect_json 3.5 "/api/search?q=$(uri 'ändere hausnummer')" '.results[0].slug == "strassen-adresse"'
expect_json 3.6 "/api/search?q=$(uri 'ÄNDERE')" '.results[0].slug == "strassen-adresse"'

# 4: snippets and escaping
# no_markup FILE: FILE has no '<' once <mark> and </mark> are gone
no_markup() { ! sed 's#</\{0,1\}mark>##g' "$1" | grep -q '<'; }
expect_json 4.1 "/api/search?q=imap" '.results[0].snippet | test("<mark>IMAP</mark>")'
jq -r '.results[].snippet' "$BODY" >"$TMP/snips"
no_markup "$TMP/snips" || fail 4.2 "snippets carry markup besides <mark>: $(grep '<' "$TMP/snips" | head -3)"
expect_json 4.3 "/api/search?q=zeichentest" '.results[0].slug == "xss-test"'
jq -r '.results[0].snippet' "$BODY" >"$TMP/snip"
no_markup "$TMP/snip" || fail 4.4 "snippet carries markup: $(cat "$TMP/snip")"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/snip" ||
    fail 4.5 "the code span is not in the snippet, escaped: $(cat "$TMP/snip")"
grep -qF '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "$TMP/snip" ||
    fail 4.6 "the img text is not in the snippet, escaped: $(cat "$TMP/snip")"
grep -qF '<mark>zeichentest</mark>' "$TMP/snip" || fail 4.7 "no marked match: $(cat "$TMP/snip")"
jq -e '.results[0].title == "Zeichentest <b>fett</b> & \"Zitat\" <script>alert(1)</script>"' \
    "$BODY" >/dev/null || fail 4.8 "JSON title: $(jq .results[0].title "$BODY")"
# searching for the script text finds it and still marks only words
expect_json 4.9 "/api/search?q=$(uri '<script>alert(1)</script>')" '.results[0].slug == "xss-test"'
jq -r '.results[].snippet' "$BODY" >"$TMP/snip"
no_markup "$TMP/snip" || fail 4.10 "snippet carries markup: $(cat "$TMP/snip")"
# dangerous text never reaches a page unescaped
unsafe='<script|<img|<b>|<i>|javascript:'
for page in "/search?q=zeichentest" "/search?q=$(uri '<script>alert(1)</script>')" \
    /a/xss-test "/search?q=$(uri 'Test <i>kursiv</i>')"; do
	expect_status 4.11 GET "$page" 200
	# kbd's own scripts (search as you type, the vote form) are the
	# only ones allowed, and the JSON-LD data block, whose text must
	# hold no '<' at all.
	sed -i -e 's#<script src="/static/search.js?v=[0-9a-f]*" defer></script>##' \
	    -e 's#<script src="/static/feedback.js?v=[0-9a-f]*" defer></script>##' \
	    -e 's#<script type="application/ld+json">\([^<]*\)</script>#\1#' "$BODY"
	if grep -qiE "$unsafe" "$BODY"; then
		fail 4.12 "$page has unescaped markup: $(grep -oiE ".{0,30}($unsafe).{0,30}" "$BODY" | head -3)"
	fi
done
req GET /a/xss-test
grep -qF 'Zeichentest &lt;b&gt;fett&lt;/b&gt; &amp; &quot;Zitat&quot; &lt;script&gt;alert(1)&lt;/script&gt;' "$BODY" ||
    fail 4.13 "the title is not on the article page, escaped"
grep -qF '<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>' "$BODY" ||
    fail 4.14 "the code span is not on the article page, escaped"
expect_json 4.15 /api/articles/xss-test '.html | test("<script|<img|javascript:"; "i") | not'
expect_json 4.16 /api/articles/xss-test '.tags == ["zeichentest", "<script>"] and .category == "Test <i>kursiv</i>"'

# 5: partial matches
expect_json 5.1 "/api/search?q=imap%20zzqxjwv" '.partial == true and .total > 0 and .results[0].slug == "imap"'
expect_json 5.2 "/api/search?q=zzqxjwv%20imap" '.partial == true and .results[0].slug == "imap"'
expect_json 5.3 "/api/search?q=zzqxjwv" '.partial == false and .total == 0 and .results == []'
expect_json 5.4 "/api/search?q=zzqxjwv%20qqxzzv" '.total == 0 and .results == []'
expect_json 5.5 "/api/search?q=imap%20postfach" '.partial == false'
# with some words in no article, the rows with most words come first
expect_json 5.6 "/api/search?q=imap%20ssl%20zzqxjwv" '.partial == true and .results[0].slug == "imap"'
req GET "/search?q=imap%20zzqxjwv"
grep -q 'Kein Artikel enthält alle Suchbegriffe' "$BODY" || fail 5.7 "the search page does not say the match is partial"
# No article holds all three; each fx-* holds two, whichever they are
# (fx-glasfaser-tarife one): the one lacking only the most common word
# ("Glasfaser", in three) first, then the others lacking a rarer one.
expect_json 5.8 "/api/search?q=$(uri 'glasfaser splitter dämpfung')" '.partial == true
    and .results[0].slug == "fx-splitter-daempfung"
    and ([.results[].slug] | index("fx-splitter-tausch") != null
    and index("fx-daempfung-messen") != null
    and index("fx-glasfaser-tarife") == null)'

# 6: paging ("die" is in 19 of the 20 articles)
total=$(jget "/api/search?q=die" .total)
[ "$total" = 19 ] || fail 6.1 "total for 'die' is $total, want 19"
full=$(curl -s "$BASE/api/search?q=die&limit=100" | jq -c '[.results[].slug]')
[ "$(jq length <<<"$full")" = "$total" ] || fail 6.2 "limit=100 gave $(jq length <<<"$full") results"
pages=$(for o in 0 5 10 15; do
	curl -s "$BASE/api/search?q=die&limit=5&offset=$o" | jq -c '.results[].slug'
done | jq -sc .)
[ "$pages" = "$full" ] || fail 6.3 "pages of 5 differ from one page: $pages vs $full"
expect_json 6.4 "/api/search?q=die&limit=5&offset=15" '.limit == 5 and .offset == 15 and .total == 19 and (.results | length) == 4'
expect_json 6.5 "/api/search?q=die&offset=19" '.total == 19 and .results == []'
expect_json 6.6 "/api/search?q=die&offset=5000" '.total == 19 and .results == []'
expect_json 6.7 "/api/search?q=die&limit=101" '.limit == 100 and (.results | length) == 19'
expect_json 6.8 "/api/search?q=die&limit=1" "[.results[].slug] == [$(jq '.[0]' <<<"$full")]"
req GET "/search?q=die"
grep -q '19 Treffer für' "$BODY" || fail 6.9 "search page: no '19 Treffer für'"
[ "$(grep -c '<li>' "$BODY")" -ge 10 ] || fail 6.10 "search page 1 lists fewer than 10 results"
grep -q 'Seite 1 von 2' "$BODY" || fail 6.11 "no 'Seite 1 von 2' on page 1"
grep -q 'href="/search?q=die&amp;page=2"' "$BODY" || fail 6.12 "no link to page 2"
req GET "/search?q=die&page=2"
grep -q 'Seite 2 von 2' "$BODY" || fail 6.13 "no 'Seite 2 von 2' on page 2"
for s in $(jq -r '.[10:][]' <<<"$full"); do
	grep -q "href=\"/a/$s\"" "$BODY" || fail 6.14 "page 2 lacks result $s"
done
for p in 0 -1 x 99999; do
	expect_status 6.15 GET "/search?q=die&page=$p" 200
done

# 7: no words
for q in "" "%20%20" "%21%3F%2E" "-" "%22%22"; do
	expect_json 7.1 "/api/search?q=$q" '.total == 0 and .results == [] and .partial == false'
done
expect_json 7.2 "/api/search" '.total == 0 and .query == ""'
req GET "/search?q="
[ "$STATUS" = 200 ] && grep -q 'Top 10 FAQ-Fragen' "$BODY" || fail 7.3 "an empty search page shows no top ten"

stop_kbd 7.4
test_done
