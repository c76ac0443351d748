#!/usr/bin/env bash
# t0035-embed: what a site needs to embed the knowledge base.
#   1.x  static/widget.js: under 3 KB gzipped (as a file at -9 and as
#        kbd sends it), JavaScript node accepts, public (ACAO *)
#   2.x  the SRI hash: /embed shows sha256 of the file as served;
#        kbd-http.7 publishes the same one (regenerate it when widget.js
#        changes)
#   3.x  /embed: a German page with every snippet on the base URL, live
#        previews made by the widget, no inline script (every <script>
#        has a src or is data), the CSP without 'unsafe-inline'; it says
#        which sites may embed
#   4.x  /embed/top: a page for an iframe: the list of /api/top with
#        absolute links opening in the top window; hits=1, lang=en,
#        limit; 400 for bad arguments; noindex; ETag/304
#   5.x  /embed/top.html: a fragment (no <html>), the same list, without
#        styles or scripts
. "$(dirname "$0")/../lib.sh"

W=$ROOT/static/widget.js

# 1: the widget's size
size=$(gzip -9c "$W" | wc -c)
[ "$size" -lt 3072 ] || fail 1.1 "widget.js is $size bytes gzipped, over 3 KB"
echo "# widget.js: $(wc -c <"$W") bytes, $size gzipped (-9)"
node --check "$W" 2>"$TMP/err" || fail 1.2 "node --check: $(cat "$TMP/err")"
start_kbd --cors-origin https://shop.example.com
expect_status 1.3 GET /static/widget.js 200 -H 'Accept-Encoding: gzip'
[ "$(header Content-Encoding)" = gzip ] || fail 1.4 "widget.js not sent gzip'd"
sent=$(wc -c <"$BODY")
[ "$sent" -lt 3072 ] || fail 1.5 "widget.js goes out as $sent bytes"
echo "# widget.js as sent: $sent bytes"
header Content-Type | grep -qx 'text/javascript; charset=utf-8' || fail 1.6 "Content-Type: $(header Content-Type)"
[ "$(header Access-Control-Allow-Origin)" = '*' ] || fail 1.7 "widget.js is not public"

# 2: SRI
sri="sha256-$(openssl dgst -sha256 -binary "$W" | openssl base64 -A)"
req GET /embed
grep -qF "integrity=&quot;$sri&quot;" "$BODY" || fail 2.1 "/embed does not show $sri"
version=$(sed -n 's|.*src="/static/widget.js?v=\([0-9a-f]*\)".*|\1|p' "$BODY" | head -1)
req GET "/static/widget.js?v=$version"
[ "sha256-$(openssl dgst -sha256 -binary "$BODY" | openssl base64 -A)" = "$sri" ] ||
    fail 2.2 "the versioned widget.js does not have the hash /embed shows"
header Cache-Control | grep -q immutable || fail 2.3 "the versioned widget.js is not immutable"
grep -qF "$sri" "$ROOT/kbd/kbd-http.7" ||
    fail 2.4 "kbd/kbd-http.7 does not publish $sri (regenerate: openssl dgst -sha256 -binary static/widget.js | openssl base64 -A)"

# 3: /embed
req GET /embed
grep -q '<html lang="de">' "$BODY" && grep -q 'Die Hilfe auf Ihrer Website' "$BODY" || fail 3.1 "not the German embed page"
for s in "&lt;script src=&quot;$BASE/static/widget.js&quot; data-kbd-top=&quot;10&quot; async&gt;&lt;/script&gt;" \
    "&lt;kbd-top-faq limit=&quot;10&quot; period=&quot;30d&quot;&gt;&lt;/kbd-top-faq&gt;" \
    "&lt;iframe src=&quot;$BASE/embed/top?limit=10&quot;" \
    "proxy_pass $BASE/embed/top.html?limit=10;" \
    "&lt;script src=&quot;$BASE/static/widget.js&quot; data-kbd-search async&gt;" \
    "script-src $BASE;" "connect-src $BASE;" "frame-src $BASE;" \
    "--kbd-link" "<code>https://shop.example.com</code>"; do
	grep -qF -- "$s" "$BODY" || fail 3.2 "/embed lacks: $s"
done
python3 - "$BODY" >"$TMP/py" 2>&1 <<'EOF' || fail 3.3 "$(cat "$TMP/py")"
import sys, html.parser
scripts, inline = [], []
class P(html.parser.HTMLParser):
    cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            scripts.append(a)
            self.cur = a
        for k in a:
            assert not k.startswith("on"), "an inline handler: %s" % k
    def handle_data(self, d):
        if self.cur is not None and d.strip():
            inline.append(d)
    def handle_endtag(self, tag):
        if tag == "script": self.cur = None
P().feed(open(sys.argv[1], encoding="utf-8").read())
assert not inline, "inline script: %r" % inline[:1]
srcs = [s.get("src") for s in scripts]
assert all(srcs), srcs
assert sum(1 for s in srcs if s.startswith("/static/widget.js?v=")) == 2, srcs
assert any(s.startswith("/static/embed.js?v=") for s in srcs), srcs
EOF
csp=$(header Content-Security-Policy)
[[ $csp == *"default-src 'self'"* && $csp != *unsafe* ]] || fail 3.4 "CSP: $csp"
[ "$(grep -c 'class="copy"' "$BODY")" -ge 6 ] || fail 3.5 "copy buttons"

# 4: /embed/top
jget "/api/top?limit=5" '.articles[] | "\(.slug) \(.hits) \(.title)"' >"$TMP/api"
expect_status 4.1 GET "/embed/top?limit=5&hits=1" 200
grep -o '<li>.*</li>' "$BODY" |
    sed 's|<li><a href="'"$BASE"'/a/\([^"]*\)" target="_top">\(.*\)</a> <span class="n">(\([0-9]*\) Aufrufe)</span></li>|\1 \3 \2|' >"$TMP/frame"
diff -u "$TMP/api" "$TMP/frame" >"$TMP/diff" || fail 4.2 "/embed/top differs from /api/top: $(cat "$TMP/diff")"
grep -q '<meta name="robots" content="noindex">' "$BODY" || fail 4.3 "no noindex"
grep -q '<h2 id="h">Häufige Fragen</h2>' "$BODY" || fail 4.4 "no heading"
grep -q '<link rel="stylesheet" href="/static/embed.css?v=[0-9a-f]\{8\}">' "$BODY" || fail 4.5 "no style sheet"
# The one script tells the page around it the list's height.
[ "$(grep -o '<script[^>]*>' "$BODY")" = "$(printf '<script src="/static/embed-frame.js?v=%s" defer>' \
    "$(grep -o 'embed-frame.js?v=[0-9a-f]*' "$BODY" | cut -d= -f2)")" ] ||
    fail 4.6 "a script in /embed/top but embed-frame.js: $(grep -o '<script[^>]*>' "$BODY")"
req GET "/embed/top?limit=2&lang=en"
grep -q '<html lang="en">' "$BODY" && grep -q 'Frequently asked questions' "$BODY" || fail 4.7 "lang=en"
[ "$(grep -c '<li>' "$BODY")" = 2 ] || fail 4.8 "limit=2"
grep -q 'Aufrufe\|views' "$BODY" && fail 4.9 "hits shown without hits=1"
for bad in "limit=0" "limit=x" "hits=x" "period=week" "limit=-1"; do
	expect_status 4.10 GET "/embed/top?$bad" 400
done
expect_status 4.11 GET "/embed/top?limit=3" 200
etag=$(header ETag)
header Cache-Control | grep -qx 'public, max-age=60' || fail 4.12 "Cache-Control: $(header Cache-Control)"
expect_status 4.13 GET "/embed/top?limit=3" 304 -H "If-None-Match: $etag"

# 5: /embed/top.html
expect_status 5.1 GET "/embed/top.html?limit=5&hits=1" 200
head -1 "$BODY" | grep -qx '<div class="kbd-top-faq" lang="de">' || fail 5.2 "first line: $(head -1 "$BODY")"
grep -q '<html\|<head\|<script\|<style\|<link' "$BODY" && fail 5.3 "not a bare fragment"
grep -o '<li>.*</li>' "$BODY" |
    sed 's|<li><a href="'"$BASE"'/a/\([^"]*\)">\(.*\)</a> <span class="kbd-hits">(\([0-9]*\) Aufrufe)</span></li>|\1 \3 \2|' >"$TMP/frag"
diff -u "$TMP/api" "$TMP/frag" >"$TMP/diff" || fail 5.4 "/embed/top.html differs from /api/top: $(cat "$TMP/diff")"
tail -1 "$BODY" | grep -qx '</div>' || fail 5.5 "last line: $(tail -1 "$BODY")"
stop_kbd 5.6

test_done
