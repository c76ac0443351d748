#!/usr/bin/env bash
# t0032-seo: what search engines and language models read.
#   1.x  an article page's head: canonical URL, Markdown twin, meta
#        description (its first paragraph, at most 160 bytes, cut at a
#        word with "…"), Open Graph, FAQPage JSON-LD that parses (question
#        = title, answer = the rendered article); <link rel="search"> and
#        the feed on every page
#   2.x  an article starting with a heading: the description is still its
#        first paragraph
#   3.x  /a/<slug>.md: text/markdown, "# title" and the article's
#        Markdown; no hit counted; unknown → 404
#   4.x  /llms.txt lists every published article once, by category, as a
#        link to its twin; /robots.txt names the sitemap
#   5.x  --base-url (trailing '/' dropped) is used for every absolute link;
#        without it the links are on the address kbd listens on
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
cat >"$dir/mit-ueberschrift.md" <<'EOF'
---
title: Ein Artikel mit Überschrift zuerst
---
## Worum es geht

Dieser erste Absatz ist die Beschreibung, nicht die Überschrift. Er ist lang genug, um gekürzt zu werden, denn er redet und redet und redet, bis weit über einhundertsechzig Bytes hinaus, damit man das Kürzen sieht.

Zweiter Absatz.
EOF
start_kbd --articles "$dir"

# head_of PATH: the <head> of a page, one tag a line
head_of() {
	req GET "$1"
	sed -n '/<head>/,/<\/head>/p' "$BODY" >"$TMP/head"
}
# meta NAME: the content of <meta name|property=NAME>, unescaped
meta() {
	python3 - "$TMP/head" "$1" <<'EOF'
import sys, html.parser
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and sys.argv[2] in (a.get("name"), a.get("property")):
            print(a.get("content"))
P().feed(open(sys.argv[1]).read())
EOF
}
# jsonld: the JSON-LD block of the last head, decoded
jsonld() {
	python3 - "$TMP/head" <<'EOF'
import sys, re, json
m = re.findall(r'<script type="application/ld\+json">(.*?)</script>', open(sys.argv[1]).read(), re.S)
assert all("<" not in b and ">" not in b for b in m), "raw < or > in JSON-LD"
faq = [json.loads(b) for b in m if json.loads(b)["@type"] == "FAQPage"]
assert len(faq) == 1, "want one FAQPage block, got %d" % len(faq)
print(json.dumps(faq[0]))
EOF
}

# 1: /a/imap
head_of /a/imap
grep -qx "<link rel=\"canonical\" href=\"$BASE/a/imap\">" "$TMP/head" || fail 1.1 "canonical: $(grep canonical "$TMP/head")"
grep -qx '<link rel="alternate" type="text/markdown" href="/a/imap.md">' "$TMP/head" || fail 1.2 "no Markdown twin link"
desc=$(meta description)
case $desc in
"Mit IMAP bleiben alle Ihre Nachrichten und Ordner auf unserem Mailserver."*…) ;;
*) fail 1.3 "description: $desc" ;;
esac
[ "$(printf %s "$desc" | wc -c)" -le 160 ] || fail 1.4 "description has $(printf %s "$desc" | wc -c) bytes"
case $desc in *" …"|*",…") fail 1.5 "description cut badly: $desc" ;; esac
[ "$(meta og:description)" = "$desc" ] || fail 1.6 "og:description: $(meta og:description)"
[ "$(meta og:title)" = "Wie verwalte ich Mails über IMAP?" ] || fail 1.7 "og:title: $(meta og:title)"
[ "$(meta og:url)" = "$BASE/a/imap" ] || fail 1.8 "og:url: $(meta og:url)"
[ "$(meta og:type)" = article ] || fail 1.9 "og:type: $(meta og:type)"
[ "$(meta og:site_name)" = "Hilfe & FAQ" ] || fail 1.10 "og:site_name: $(meta og:site_name)"
ld=$(jsonld) || fail 1.11 "JSON-LD: $ld"
jq -e --arg base "$BASE" '.["@context"] == "https://schema.org" and .["@type"] == "FAQPage"
    and .url == $base + "/a/imap" and (.mainEntity | length) == 1
    and .mainEntity[0]["@type"] == "Question"
    and .mainEntity[0].name == "Wie verwalte ich Mails über IMAP?"
    and .mainEntity[0].acceptedAnswer["@type"] == "Answer"
    and (.mainEntity[0].acceptedAnswer.text | startswith("<p>Mit IMAP bleiben"))
    and (.mainEntity[0].acceptedAnswer.text | contains("<h2>Einstellungen</h2>"))' \
    <<<"$ld" >/dev/null || fail 1.12 "JSON-LD: $(head -c 300 <<<"$ld")"
# the answer is the article as /api/articles renders it
[ "$(jq -r '.mainEntity[0].acceptedAnswer.text' <<<"$ld")" = "$(jget /api/articles/imap .html)" ] ||
    fail 1.13 "JSON-LD answer is not the rendered article"
for page in / "/search?q=imap" /a/imap /embed /nope; do
	req GET "$page"
	grep -q '<link rel="search" type="application/opensearchdescription+xml" title="Hilfe &amp; FAQ" href="/opensearch.xml">' "$BODY" ||
	    fail 1.14 "$page: no <link rel=\"search\">"
	grep -q '<link rel="alternate" type="application/atom+xml"[^>]*href="/feed.atom">' "$BODY" ||
	    fail 1.15 "$page: no feed link"
done
head_of /
grep -qx "<link rel=\"canonical\" href=\"$BASE/\">" "$TMP/head" || fail 1.16 "home: no canonical"
head_of "/search?q=imap"
grep -q 'canonical\|ld+json' "$TMP/head" && fail 1.17 "a search page claims a canonical URL or FAQ data"

# 2: first paragraph after a heading
head_of /a/mit-ueberschrift
desc=$(meta description)
case $desc in "Dieser erste Absatz ist die Beschreibung"*…) ;; *) fail 2.1 "description: $desc" ;; esac
[ "$(printf %s "$desc" | wc -c)" -le 160 ] || fail 2.2 "description too long: $desc"

# 3: Markdown twins (after the views above are flushed)
wait_until 10 views_flushed
before=$(sql "SELECT hits FROM article WHERE slug = 'imap'")
expect_status 3.1 GET /a/imap.md 200
header Content-Type | grep -qx 'text/markdown; charset=utf-8' || fail 3.2 "Content-Type: $(header Content-Type)"
# the file's body: everything after the second ---
awk 'n >= 2 { print } /^---$/ { n++ }' "$dir/imap.md" >"$TMP/body.md"
{ echo '# Wie verwalte ich Mails über IMAP?'; echo; cat "$TMP/body.md"; } >"$TMP/want.md"
diff -u "$TMP/want.md" "$BODY" >"$TMP/diff" || fail 3.3 "imap.md: $(head -20 "$TMP/diff")"
[ -n "$(header ETag)" ] || fail 3.4 "no ETag"
expect_status 3.5 GET /a/imap.md 304 -H "If-None-Match: $(header ETag)"
for path in /a/nope.md /a/.md /a/IMAP.md "/a/imap.md.md" "/a/../imap.md"; do
	expect_status 3.6 GET "$path" 404
done
wait_until 10 views_flushed	# a hit counted by mistake would be written now
[ "$(sql "SELECT hits FROM article WHERE slug = 'imap'")" = "$before" ] ||
    fail 3.7 "reading imap.md counted a hit"

# 4: llms.txt and robots.txt
expect_status 4.1 GET /llms.txt 200
header Content-Type | grep -qx 'text/plain; charset=utf-8' || fail 4.2 "Content-Type: $(header Content-Type)"
head -1 "$BODY" | grep -qx '# Hilfe & FAQ' || fail 4.3 "first line: $(head -1 "$BODY")"
grep -q '^> ' "$BODY" || fail 4.4 "no summary line"
grep -qF -- "- [Wie verwalte ich Mails über IMAP?]($BASE/a/imap.md): Mit IMAP bleiben" "$BODY" ||
    fail 4.5 "no link to imap.md"
grep -o "($BASE/a/[a-z0-9_-]*\.md)" "$BODY" | sort >"$TMP/listed"
sql "SELECT '($BASE/a/' || slug || '.md)' FROM article WHERE state = 'published'" | sort >"$TMP/published"
diff -u "$TMP/published" "$TMP/listed" >"$TMP/diff" || fail 4.6 "llms.txt does not list each article once: $(cat "$TMP/diff")"
grep -qx '## E-Mail' "$BODY" || fail 4.7 "no E-Mail section"
grep -qx '## Weitere Artikel' "$BODY" || fail 4.8 "no section for articles without category"
for f in "$dir"/*.md; do
	s=${f##*/}
	s=${s%.md}
	expect_status 4.9 GET "/a/$s.md" 200
done
expect_status 4.10 GET /robots.txt 200
grep -qx "Sitemap: $BASE/sitemap.xml" "$BODY" || fail 4.11 "robots.txt: $(cat "$BODY")"
grep -qx 'Disallow: /search' "$BODY" && grep -qx 'User-agent: \*' "$BODY" || fail 4.12 "robots.txt: $(cat "$BODY")"
stop_kbd 4.13

# 5: --base-url
start_kbd --articles "$dir" --base-url https://faq.example.com/
head_of /a/imap
grep -qx '<link rel="canonical" href="https://faq.example.com/a/imap">' "$TMP/head" ||
    fail 5.1 "canonical: $(grep canonical "$TMP/head")"
[ "$(meta og:url)" = https://faq.example.com/a/imap ] || fail 5.2 "og:url"
jsonld | jq -e '.url == "https://faq.example.com/a/imap"' >/dev/null || fail 5.3 "JSON-LD url"
req GET /robots.txt
grep -qx 'Sitemap: https://faq.example.com/sitemap.xml' "$BODY" || fail 5.4 "robots.txt"
req GET /sitemap.xml
grep -q '<loc>https://faq.example.com/a/imap</loc>' "$BODY" || fail 5.5 "sitemap"
req GET /feed.atom
grep -q '<id>https://faq.example.com/a/imap</id>' "$BODY" || fail 5.6 "feed"
req GET /opensearch.xml
grep -q 'template="https://faq.example.com/search?q={searchTerms}"' "$BODY" || fail 5.7 "opensearch"
req GET /llms.txt
grep -qF '(https://faq.example.com/a/imap.md)' "$BODY" || fail 5.8 "llms.txt"
req GET /embed
grep -qF 'src=&quot;https://faq.example.com/static/widget.js&quot;' "$BODY" || fail 5.9 "embed snippet"
req GET "/embed/top.html?limit=1"
grep -q '<a href="https://faq.example.com/a/' "$BODY" || fail 5.10 "fragment links"
grep -c "127.0.0.1" "$BODY" >/dev/null && fail 5.11 "the listen address leaked into the fragment"
expect_json 5.12 "/api/suggest?q=imap&format=opensearch" \
    '.[0] == "imap" and (.[3] | index("https://faq.example.com/a/imap")) != null'
stop_kbd 5.13

test_done
