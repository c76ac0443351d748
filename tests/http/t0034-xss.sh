#!/usr/bin/env bash
# t0034-xss: an article whose title, category, tags and body hold
# </script><script>alert(1)</script> and "><img src=x onerror=alert(1)>
# (and ]]>, <!--, a form feed) must not break out anywhere it is shown.
#   1.x  its page: no element but kbd's own is made from it (parsed with
#        python's html.parser); the meta tags and the title hold the exact
#        text; the JSON-LD block has no '<' and decodes to the exact title
#   2.x  feed, sitemap and llms.txt: the XML parses and holds the exact
#        title; the feed's HTML content has no script
#   3.x  /embed/top, /embed/top.html and /embed: no element made from it,
#        the link text is the exact title; the API has it as plain JSON
#   4.x  the Markdown twin is text/markdown with nosniff, never HTML
# (The widget itself is checked in a browser: tests/browser/widget.test.mjs.)
. "$(dirname "$0")/../lib.sh"

X1='</script><script>alert(1)</script>'
X2='"><img src=x onerror=alert(1)>'
TITLE="$X1 $X2 ]]> <!--"
dir=$(copy_articles articles)
{
	printf -- "---\ntitle: '%s'\ncategory: '%s'\ntags: ['%s', '%s']\nhits: 999999999\n---\n" \
	    "$TITLE" "$X2" "$X1" "$X2"
	printf '%s und %s im ersten Absatz, auch ]]> und <!-- und \f ein Seitenvorschub.\n\n' "$X1" "$X2"
	printf '<script>alert(2)</script>\n\n[Link](javascript:alert(3)) `%s`\n' "$X1"
} >"$dir/xss.md"
start_kbd --articles "$dir"
expect_json 0.1 /api/articles/xss '.title == "'"${TITLE//\"/\\\"}"'"' ||
    die "the article was not imported: $(cat "$LOG")"

# elements PAGE: the elements of an HTML page, one a line: the tag, its
# attributes' names, then its src and href values
elements() {
	py "elements of $1" "$1" <<'EOF'
import sys, html.parser
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        print(tag, " ".join(k for k, v in attrs), "src=%s" % a.get("src"),
              "type=%s" % a.get("type"), "href=%s" % a.get("href"))
P().feed(open(sys.argv[1], encoding="utf-8").read())
EOF
}
# no_injection CASE FILE: no element, handler or link came from the
# article; the only scripts are kbd's files and the JSON-LD block
no_injection() {
	elements "$2" >"$TMP/el" || return 0	# failed already
	grep -E '^img | on[a-z]+ |href=javascript:' "$TMP/el" &&
	    fail "$1" "an element from the article: $(grep -E '^img | on[a-z]+ |href=javascript:' "$TMP/el" | head -3)"
	grep '^script ' "$TMP/el" |
	    grep -vE 'src=/static/(search|widget|embed|embed-frame|feedback)\.js\?v=[0-9a-f]+ type=None|src=None type=application/ld\+json' &&
	    fail "$1" "a script not kbd's: $(grep '^script ' "$TMP/el" | head -3)"
	return 0
}

# 1: the page
expect_status 1.1 GET /a/xss 200
no_injection 1.2 "$BODY"
[ "$(grep -c '^script .*type=application/ld+json' "$TMP/el")" = 2 ] || fail 1.3 "want two JSON-LD blocks (the FAQ, the breadcrumbs)"
python3 - "$BODY" "$TITLE" >"$TMP/py" 2>&1 <<'EOF' || fail 1.4 "$(tail -3 "$TMP/py")"
import sys, re, json, html.parser
page, title = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
assert len(blocks) == 2, "JSON-LD blocks: %d" % len(blocks)
assert not any(re.search(r"[<>&]", b) for b in blocks), "raw <, > or & in JSON-LD"
ld = json.loads(blocks[0])
crumbs = json.loads(blocks[1])
assert crumbs["itemListElement"][-1]["name"] == title, crumbs
assert ld["mainEntity"][0]["name"] == title, ld["mainEntity"][0]["name"]
answer = ld["mainEntity"][0]["acceptedAnswer"]["text"]
assert "<script" not in answer and "javascript:" not in answer, answer
metas = {}
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            metas[a.get("name") or a.get("property")] = a.get("content")
P().feed(page)
assert metas["og:title"] == title, metas["og:title"]
# raw HTML is not text (cmark's safe mode drops it from the page too)
assert metas["description"].startswith('alert(1) und "> im ersten Absatz'), metas["description"]
t = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
import html as H
u = H.unescape(t)
# a long title is cut (at a space, with "…") to what search engines show
assert u.startswith(title) or (u.endswith("…") and title.startswith(u[:-1])), t
EOF
grep -q '<h1>.*&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img' "$BODY" ||
    fail 1.5 "the heading does not show the title escaped"

# 2: XML and text
req GET /feed.atom
python3 - "$BODY" "$TITLE" >"$TMP/py" 2>&1 <<'EOF' || fail 2.1 "feed: $(tail -3 "$TMP/py")"
import sys, xml.etree.ElementTree as E
A = "{http://www.w3.org/2005/Atom}"
f = E.parse(sys.argv[1]).getroot()
e = [e for e in f.findall(A + "entry") if e.find(A + "id").text.endswith("/a/xss")][0]
assert e.find(A + "title").text == sys.argv[2], e.find(A + "title").text
assert e.find(A + "category").get("term") == '"><img src=x onerror=alert(1)>'
c = e.find(A + "content").text
assert "<script" not in c and "<img" not in c and "javascript:" not in c, c
assert "&lt;/script&gt;" in c, c
assert "\f" not in e.find(A + "summary").text
EOF
xmllint --noout "$BODY" 2>"$TMP/err" || fail 2.2 "xmllint: $(head -3 "$TMP/err")"
req GET /sitemap.xml
xmllint --noout "$BODY" 2>"$TMP/err" || fail 2.3 "sitemap: $(head -3 "$TMP/err")"
req GET /llms.txt
header Content-Type | grep -qx 'text/plain; charset=utf-8' || fail 2.4 "llms.txt: $(header Content-Type)"
grep -qF -- '- [\</script\>\<script\>alert(1)\</script\> "\>\<img src=x onerror=alert(1)\> \]\]\> \<!--]' "$BODY" ||
    fail 2.5 "llms.txt does not escape the link text: $(grep 'alert' "$BODY" | head -2)"

# 3: the embeddable lists and the API
for page in "/embed/top?limit=3" "/embed/top.html?limit=3&hits=1" /embed /; do
	expect_status 3.1 GET "$page" 200
	no_injection "3.2 ($page)" "$BODY"
done
for page in "/embed/top?limit=3" "/embed/top.html?limit=3"; do
	req GET "$page"
	python3 - "$BODY" "$TITLE" <<'EOF' || fail 3.3 "$page: the link text is not the title"
import sys, html.parser
links, cur = [], None
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        global cur
        if tag == "a": cur = []
    def handle_endtag(self, tag):
        global cur
        if tag == "a": links.append("".join(cur)); cur = None
    def handle_data(self, d):
        if cur is not None: cur.append(d)
P().feed(open(sys.argv[1], encoding="utf-8").read())
assert links[0] == sys.argv[2], links[0]
EOF
done
expect_json 3.4 "/api/top?limit=1" '.articles[0].title == "'"${TITLE//\"/\\\"}"'"'
header Content-Type | grep -qx 'application/json; charset=utf-8' || fail 3.5 "API Content-Type"

# 4: the Markdown twin is never HTML
expect_status 4.1 GET /a/xss.md 200
header Content-Type | grep -qx 'text/markdown; charset=utf-8' || fail 4.2 "Content-Type: $(header Content-Type)"
header X-Content-Type-Options | grep -qx nosniff || fail 4.3 "no nosniff"
stop_kbd 4.4

test_done
