#!/usr/bin/env bash
# t0048-security-headers: what every answer tells the browser, and
# queries that try to get markup onto a page.  t0007 checks the home,
# search and 404 pages for a CSP with default-src 'self', nosniff and
# X-Frame-Options, t0020 HSTS on some answers over TLS; this adds:
#   1.x  every HTML answer kbd makes (home, search with and without
#        results, article, 404, 405, kbd's 413/414/431, HEAD, from the
#        cache plain, gzip'd and as 304) has a Content-Security-Policy
#        whose scripts (script-src, else default-src) allow neither
#        'unsafe-inline' nor 'unsafe-eval' nor any other origin,
#        object-src 'none', base-uri, frame-ancestors 'none', and
#        X-Frame-Options DENY, nosniff and a Referrer-Policy that keeps
#        paths and queries (what a customer searched) from other sites
#   2.x  every other answer (JSON, static files, /healthz, /metrics, JSON
#        errors) has nosniff and the Referrer-Policy too
#   3.x  over TLS every answer, errors and 304s included, has
#        Strict-Transport-Security with a max-age of at least 180 days
#   4.x  reflected markup in queries: <script>, "><img onerror>,
#        '><svg onload>, </title>, javascript: in /search come back
#        escaped (no tag, no attribute starts); in /api/search and
#        /api/suggest the query comes back exactly as sent, in JSON with
#        < > & written \u003c \u003e \u0026, so no answer holds
#        "</script>" or "<img"
#   MHD's own answers to requests over its 64 KB pool (t0043) are
#   static text without these headers: they echo nothing.
. "$(dirname "$0")/../lib.sh"

referrer_ok() {	# the policies that never send a path to another site
	case $(header Referrer-Policy) in
	no-referrer | same-origin | strict-origin | strict-origin-when-cross-origin) return 0 ;;
	esac
	return 1
}

html_policy() {	# html_policy CASE WHAT: the last answer's headers
	local c=$1 what=$2 csp scripts
	csp=$(header Content-Security-Policy)
	[ -n "$csp" ] || { fail "$c" "$what: no Content-Security-Policy"; return; }
	scripts=$(tr ';' '\n' <<<"$csp" | sed 's/^ *//' | grep '^script-src ' ||
	    tr ';' '\n' <<<"$csp" | sed 's/^ *//' | grep '^default-src ')
	[ -n "$scripts" ] || fail "$c" "$what: no script-src or default-src: $csp"
	grep -qE "unsafe-inline|unsafe-eval|unsafe-hashes|\\*|https?:|data:" <<<"$scripts" &&
	    fail "$c" "$what: scripts may come from too much: $scripts"
	grep -q "object-src 'none'" <<<"$csp" || fail "$c" "$what: no object-src 'none': $csp"
	grep -q "base-uri 'none'\|base-uri 'self'" <<<"$csp" || fail "$c" "$what: no base-uri: $csp"
	grep -q "frame-ancestors 'none'" <<<"$csp" || fail "$c" "$what: no frame-ancestors 'none': $csp"
	[ "$(header X-Frame-Options)" = DENY ] || fail "$c" "$what: X-Frame-Options '$(header X-Frame-Options)'"
	[ "$(header X-Content-Type-Options)" = nosniff ] || fail "$c" "$what: no nosniff"
	referrer_ok || fail "$c" "$what: Referrer-Policy '$(header Referrer-Policy)'"
}

start_kbd

# 1: HTML answers
check_html() {	# check_html CASE WANT METHOD PATH [curl args]
	local c=$1 want=$2 m=$3 p=$4
	shift 4
	req "$m" "$p" "$@"
	[ "$STATUS" = "$want" ] || { fail "$c" "$m $p gave $STATUS, want $want"; return; }
	[ "$m" = HEAD ] || [ "$want" = 304 ] || header Content-Type | grep -q '^text/html' ||
	    { fail "$c" "$m $p: Content-Type $(header Content-Type)"; return; }
	html_policy "$c" "$m $p ($want)"
}
check_html 1.1 200 GET /
check_html 1.2 200 GET /			# now from the cache
check_html 1.3 200 GET / -H 'Accept-Encoding: gzip'
etag=$(header ETag)
check_html 1.4 304 GET / -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag"
check_html 1.5 200 HEAD /
check_html 1.6 200 GET "/search?q=imap"
check_html 1.7 200 GET "/search?q=zzqxyvw"
check_html 1.8 200 GET /search
check_html 1.9 200 GET /a/imap
check_html 1.10 200 GET /a/imap -H 'Accept-Encoding: gzip'
check_html 1.11 404 GET /a/nope
check_html 1.12 404 GET /nope
check_html 1.13 405 POST /a/imap --data-binary x=1
check_html 1.14 414 GET "/search?q=$(head -c 17000 /dev/zero | tr '\0' a)"
check_html 1.15 431 GET / -H "X-Big: $(head -c 33000 /dev/zero | tr '\0' b)"
check_html 1.16 413 POST / -H 'Content-Length: 5000000' -H 'Expect:' --data-binary x

# 2: everything else
for p in /api/top /api/articles/imap "/api/search?q=imap" "/api/suggest?q=ima" \
    /api/nope /api/articles/nope /static/style.css /healthz /metrics; do
	req GET "$p"
	[ "$(header X-Content-Type-Options)" = nosniff ] || fail 2.1 "GET $p: no nosniff"
	referrer_ok || fail 2.2 "GET $p: Referrer-Policy '$(header Referrer-Policy)'"
done
req GET /static/style.css
req GET /static/style.css -H "If-None-Match: $(header ETag)"
[ "$STATUS" = 304 ] && [ "$(header X-Content-Type-Options)" = nosniff ] ||
    fail 2.3 "a static 304 ($STATUS) without nosniff"

# 4 (on plain HTTP): markup in queries
n=0
while IFS= read -r q; do
	n=$((n + 1))
	expect_status "4.$n.1" GET "/search?q=$(uri "$q")" 200 || continue
	sed 's#<script src="/static/search.js?v=[0-9a-f]*" defer></script>##' "$BODY" >"$TMP/page"
	grep -qiE '<script|<img|<svg|<iframe|</title><' "$TMP/page" &&
	    fail "4.$n.2" "$q: markup got onto the search page: $(grep -oiE '.{20}(<script|<img|<svg|<iframe|</title><).{20}' "$TMP/page" | head -2)"
	grep -qF 'value="'"$(sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g; s/'"'"'/\&#39;/g' <<<"$q")"'"' "$TMP/page" ||
	    fail "4.$n.3" "$q: not echoed escaped in the search box"
	for api in "/api/search?q=$(uri "$q")" "/api/suggest?q=$(uri "$q")"; do
		req GET "$api"
		[ "$STATUS" = 200 ] || { fail "4.$n.4" "GET $api gave $STATUS"; continue; }
		header Content-Type | grep -q '^application/json' || fail "4.$n.5" "$api: $(header Content-Type)"
		[ "$(jq -r .query "$BODY")" = "$q" ] || fail "4.$n.6" "$api: query came back as $(jq .query "$BODY")"
		grep -qiE '</script|<script|<img|<svg|</' "$BODY" &&
		    fail "4.$n.7" "$api: the raw JSON holds markup: $(head -c 200 "$BODY")"
	done
done <<'EOF'
<script>alert(1)</script>
imap "><img src=x onerror=alert(1)>
'><svg onload=alert(1)>
</title><script>alert(document.cookie)</script>
javascript:alert(1)
"><iframe src=javascript:alert(1)></iframe>
EOF
stop_kbd 4.9

# 3: over TLS
cert=$TMP/cert.pem
key=$TMP/key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$key" -out "$cert" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>"$TMP/openssl.err" ||
    die "openssl could not make a certificate: $(cat "$TMP/openssl.err")"
CURL_TLS=(--cacert "$cert")
start_kbd --tls-cert "$cert" --tls-key "$key"
hsts() {	# hsts CASE WHAT
	local age
	age=$(header Strict-Transport-Security | sed -n 's/.*max-age=\([0-9]*\).*/\1/p')
	[ -n "$age" ] && [ "$age" -ge 15552000 ] ||
	    fail "$1" "$2: Strict-Transport-Security '$(header Strict-Transport-Security)'"
}
for p in / /a/imap "/search?q=imap" /api/top /api/articles/imap /static/style.css \
    /healthz /metrics /nope /api/nope; do
	req GET "$p"
	hsts 3.1 "GET $p ($STATUS)"
done
# A script, whose views do not count: a counted view would change the
# page (its hits) and its ETag once the hits are flushed.  The reader's
# view of /a/imap above does count: its flush may change the ETag
# between the two requests, so they are tried again until it has.
not_modified() {
	req GET /a/imap -A kbd-test-script
	req GET /a/imap -A kbd-test-script -H "If-None-Match: $(header ETag)"
	[ "$STATUS" = 304 ]
}
wait_until 10 views_flushed || fail 3.2 "the views were not written"
wait_until 10 not_modified || fail 3.2 "no 304 over TLS ($STATUS)"
hsts 3.3 "a 304"
req POST /api/top --data-binary x
hsts 3.4 "a 405"
req GET "/a/$(head -c 17000 /dev/zero | tr '\0' a)"
[ "$STATUS" = 414 ] || fail 3.5 "a long URI over TLS gave $STATUS"
hsts 3.6 "a 414"
stop_kbd 3.7
test_done
