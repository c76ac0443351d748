#!/usr/bin/env bash
# t0030-cors: other sites reading the API (CORS) and framing /embed/top.
#   1.x  without --cors-origin: no Access-Control-Allow-Origin for any
#        Origin, a preflight from a site is refused (403), OPTIONS without
#        Origin lists the methods; /embed/top may be framed by kbd only
#   2.x  two named origins: each gets its own origin back (never another's,
#        also from the cache, also gzip'd and as 304), with Vary: Origin;
#        other origins (look-alikes too) and no Origin get none; preflights
#        (204 with methods, headers, max age; 403 for others); every /api/
#        route and /embed/top.html, but not the pages; /embed/top's
#        frame-ancestors names them, other pages keep DENY
#   3.x  "*": any origin, and none, gets "*", without Vary: Origin;
#        frame-ancestors *
#   4.x  static files (the widget) carry "*" whatever the options, for
#        Subresource Integrity
#   5.x  bad --cors-origin and --base-url values: one line, exit 2
. "$(dirname "$0")/../lib.sh"

A=https://shop.example.com
B=http://intranet.example.net:8080

# acao CASE WANT: the last answer's Access-Control-Allow-Origin is WANT
# ("" for none)
acao() {
	local got
	got=$(header Access-Control-Allow-Origin)
	[ "$got" = "$2" ] || fail "$1" "Access-Control-Allow-Origin: '$got', want '$2'"
}
# varies CASE yes|no: Vary names Origin, or does not
varies() {
	local v
	v=$(header Vary)
	case "$2:$v" in
	yes:*Origin*|no:) ;;
	no:*Origin*) fail "$1" "Vary: $v names Origin" ;;
	yes:*) fail "$1" "Vary: '$v' does not name Origin" ;;
	esac
}

# 1: no other site
start_kbd
expect_status 1.1 GET /api/top 200 -H "Origin: $A"
acao 1.2 ""
varies 1.3 no
expect_status 1.4 OPTIONS /api/top 403 -H "Origin: $A" \
    -H 'Access-Control-Request-Method: GET'
acao 1.5 ""
expect_status 1.6 OPTIONS /api/top 204
[ "$(header Allow)" = "GET, HEAD, OPTIONS" ] || fail 1.7 "Allow: $(header Allow)"
expect_status 1.8 GET /embed/top 200
header Content-Security-Policy | grep -q "frame-ancestors 'self'$" ||
    fail 1.9 "/embed/top CSP: $(header Content-Security-Policy)"
stop_kbd 1.10

# 2: two named origins
start_kbd --cors-origin "$A" --cors-origin "$B"
n=0
for path in /api/top "/api/top?limit=3&period=7d" "/api/search?q=imap" \
    "/api/suggest?q=ima" /api/articles/imap "/embed/top.html?limit=2"; do
	n=$((n + 1))
	# twice each: made, then from the cache
	for round in 1 2; do
		expect_status "2.1.$n" GET "$path" 200 -H "Origin: $A"
		acao "2.2.$n" "$A"
		varies "2.3.$n" yes
		expect_status "2.4.$n" GET "$path" 200 -H "Origin: $B"
		acao "2.5.$n" "$B"
		expect_status "2.6.$n" GET "$path" 200 -H "Origin: https://evil.example.org"
		acao "2.7.$n" ""
		varies "2.8.$n" yes
		expect_status "2.9.$n" GET "$path" 200
		acao "2.10.$n" ""
	done
done
for o in "$A.evil.org" "$A/" "${A/https/http}" "https://evil.example.org/$A" \
    "null" "$A:443" "${B%:8080}"; do
	expect_status 2.11 GET /api/top 200 -H "Origin: $o"
	acao "2.12 ($o)" ""
done
# the host part is not case-sensitive
expect_status 2.13 GET /api/top 200 -H "Origin: https://SHOP.example.com"
acao 2.14 "$A"
# gzip'd and 304 keep the origin's header
expect_status 2.15 GET /api/top 200 -H "Origin: $B" -H 'Accept-Encoding: gzip'
[ "$(header Content-Encoding)" = gzip ] || fail 2.16 "no gzip"
acao 2.17 "$B"
etag=$(header ETag)
expect_status 2.18 GET /api/top 304 -H "Origin: $B" -H "If-None-Match: $etag" \
    -H 'Accept-Encoding: gzip'
acao 2.19 "$B"
header Cache-Control | grep -qx 'public, max-age=60' ||
    fail 2.20 "Cache-Control: $(header Cache-Control)"
# preflights
expect_status 2.21 OPTIONS "/api/top?limit=5" 204 -H "Origin: $A" \
    -H 'Access-Control-Request-Method: GET' \
    -H 'Access-Control-Request-Headers: if-none-match'
acao 2.22 "$A"
header Access-Control-Allow-Methods | grep -q 'GET' ||
    fail 2.23 "Access-Control-Allow-Methods: $(header Access-Control-Allow-Methods)"
header Access-Control-Allow-Headers | grep -qi 'If-None-Match' ||
    fail 2.24 "Access-Control-Allow-Headers: $(header Access-Control-Allow-Headers)"
[ "$(header Access-Control-Max-Age)" = 86400 ] ||
    fail 2.25 "Access-Control-Max-Age: $(header Access-Control-Max-Age)"
varies 2.26 yes
[ ! -s "$BODY" ] || fail 2.27 "a preflight with a body"
expect_status 2.28 OPTIONS /api/suggest 403 -H "Origin: https://evil.example.org" \
    -H 'Access-Control-Request-Method: GET'
acao 2.29 ""
header Access-Control-Allow-Methods | grep -q . &&
    fail 2.30 "a refused preflight lists methods"
# pages are not for other sites' scripts
for path in / /a/imap "/search?q=imap" /embed /sitemap.xml; do
	expect_status 2.31 GET "$path" 200 -H "Origin: $A"
	acao "2.32 ($path)" ""
	expect_status 2.33 OPTIONS "$path" 405 -H "Origin: $A"
done
# framing: /embed/top by the named sites, nothing else by anyone
expect_status 2.34 GET /embed/top 200
csp=$(header Content-Security-Policy)
[[ $csp == *"frame-ancestors 'self' $A $B" ]] || fail 2.35 "/embed/top CSP: $csp"
[[ $csp == *"script-src"* || $csp == *"default-src 'self'"* ]] || fail 2.36 "/embed/top CSP lost default-src: $csp"
[ -z "$(header X-Frame-Options)" ] || fail 2.37 "/embed/top has X-Frame-Options: $(header X-Frame-Options)"
for path in / /a/imap /embed "/embed/top.html" /nope; do
	req GET "$path"
	[ "$(header X-Frame-Options)" = DENY ] || fail 2.38 "$path: X-Frame-Options: $(header X-Frame-Options)"
	header Content-Security-Policy | grep -q "frame-ancestors 'none'" ||
	    fail 2.39 "$path: CSP: $(header Content-Security-Policy)"
done
stop_kbd 2.40

# 3: any site
start_kbd --cors-origin '*'
for o in "$A" https://anyone.example ""; do
	expect_status 3.1 GET "/api/top?limit=2" 200 ${o:+-H "Origin: $o"}
	acao "3.2 ($o)" "*"
	varies 3.3 no
done
expect_status 3.4 OPTIONS /api/search 204 -H "Origin: https://anyone.example" \
    -H 'Access-Control-Request-Method: GET'
acao 3.5 "*"
expect_status 3.6 GET /embed/top 200
header Content-Security-Policy | grep -q 'frame-ancestors \*$' ||
    fail 3.7 "CSP: $(header Content-Security-Policy)"
stop_kbd 3.8

# 4: static files are public
start_kbd --cors-origin "$A"
for path in /static/widget.js "/static/widget.js?v=$(curl -s "$BASE/embed" |
    sed -n 's|.*src="/static/widget.js?v=\([0-9a-f]*\)".*|\1|p' | head -1)" \
    /static/style.css; do
	expect_status 4.1 GET "$path" 200 -H "Origin: https://anyone.example"
	acao "4.2 ($path)" "*"
done
stop_kbd 4.3

# 5: bad values
n=0
while IFS='|' read -r opt value; do
	n=$((n + 1))
	rc=0
	"$KBD" --db "$TMP/bad.sqlite" --listen 127.0.0.1:0 "$opt" "$value" \
	    >"$TMP/out" 2>"$TMP/err" </dev/null || rc=$?
	[ "$rc" = 2 ] || fail "5.1.$n" "$opt $value: exit $rc, want 2"
	[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "$opt" "$TMP/err" ||
	    fail "5.2.$n" "$opt $value: stderr: $(cat "$TMP/err")"
done <<EOF
--cors-origin|$A/
--cors-origin|ftp://x.example
--cors-origin|shop.example.com
--cors-origin|https://
--cors-origin|https://a"b.example
--cors-origin|https://a b.example
--base-url|javascript:alert(1)
--base-url|https://x.example/"><script>
--base-url|https://x.example/?a=1
--base-url|https:/x
--base-url|http://a b
--base-url|
EOF
set --
for i in $(seq 33); do set -- "$@" --cors-origin "https://s$i.example"; done
rc=0
"$KBD" --db "$TMP/bad.sqlite" --listen 127.0.0.1:0 "$@" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail 5.3 "33 origins: exit $rc, want 2"

test_done
