#!/usr/bin/env bash
# t0020-tls: HTTPS with --tls-cert and --tls-key.
#   1.x  a self-signed certificate for 127.0.0.1 made here with openssl:
#        kbd says https:// when it starts; curl verifies the certificate
#        against that file (no -k) and gets the top list, an article,
#        a search and gzip; every answer carries Strict-Transport-Security
#   2.x  the same port does not speak plain HTTP; a client that does not
#        trust the certificate is refused by its own check
#   3.x  mistakes are one line and exit 2 before anything starts: only
#        one of the two options, a missing file, a file that is not PEM;
#        a key that does not match the certificate: one line, exit 1
#   4.x  without the options there is no HSTS header
. "$(dirname "$0")/../lib.sh"

cert=$TMP/cert.pem
key=$TMP/key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$key" -out "$cert" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>"$TMP/openssl.err" ||
    die "openssl could not make a certificate: $(cat "$TMP/openssl.err")"

# 1: HTTPS
CURL_TLS=(--cacert "$cert")
start_kbd --tls-cert "$cert" --tls-key "$key"
grep -q '^kbd: listening on https://127\.0\.0\.1:' "$LOG" || fail 1.1 "kbd does not say https://"
[[ $BASE == https://* ]] || fail 1.2 "BASE is $BASE"
expect_json 1.3 /api/top '.articles | length == 10'
header Strict-Transport-Security | grep -q 'max-age=[1-9]' ||
    fail 1.4 "no Strict-Transport-Security: $(header Strict-Transport-Security)"
expect_json 1.5 /api/articles/imap '.title == "Wie verwalte ich Mails über IMAP?"'
expect_json 1.6 "/api/search?q=$(uri 'Passwort vergessen')" '.results[0].slug == "passwort-vergessen"'
req GET / -H 'Accept-Encoding: gzip'
[ "$STATUS" = 200 ] && [ "$(header Content-Encoding)" = gzip ] || fail 1.7 "no gzip page over TLS ($STATUS)"
gzip -dc "$BODY" | grep -q 'Top 10 FAQ-Fragen' || fail 1.8 "the page over TLS is not the home page"
expect_status 1.9 GET /static/style.css 200
header Strict-Transport-Security | grep -q 'max-age' || fail 1.10 "static file without HSTS"
expect_status 1.11 GET /does-not-exist 404

# 2: not plain HTTP, not without trust
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz")
[ "$code" = 200 ] && fail 2.1 "plain HTTP answered on the HTTPS port"
curl -s -o /dev/null --max-time 5 "$BASE/healthz" && fail 2.2 "curl trusted an unknown certificate"
healthy || fail 2.3 "kbd does not answer after the plain-HTTP attempt"
stop_kbd 2.4

# 3: mistakes
start_fails() {	# start_fails CASE STATUS PATTERN ARGS...: exit STATUS, one line
	local c=$1 want=$2 pat=$3 rc=0
	shift 3
	timeout 20 "$KBD" --articles "$ROOT/articles" --static "$ROOT/static" \
	    --db "$DB" --listen 127.0.0.1:0 "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$c" "exit status $rc, want $want ($(cat "$TMP/err"))"
	grep -q "$pat" "$TMP/err" || fail "$c" "stderr: $(cat "$TMP/err")"
}
start_fails 3.1 2 '^kbd: --tls-cert and --tls-key go together$' --tls-cert "$cert"
start_fails 3.2 2 '^kbd: --tls-cert and --tls-key go together$' --tls-key "$key"
start_fails 3.3 2 "^kbd: --tls-key $TMP/nope.pem: No such file or directory$" \
    --tls-cert "$cert" --tls-key "$TMP/nope.pem"
[ "$(wc -l <"$TMP/err")" = 1 ] || fail 3.4 "more than one line: $(cat "$TMP/err")"
echo "not a certificate" >"$TMP/junk.pem"
start_fails 3.5 2 "^kbd: --tls-cert $TMP/junk.pem: not a PEM file$" --tls-cert "$TMP/junk.pem" --tls-key "$key"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/key2.pem" -out "$TMP/cert2.pem" -days 2 -subj /CN=other \
    2>/dev/null || die "openssl could not make a second key"
start_fails 3.6 1 'does the key match the certificate' --tls-cert "$cert" --tls-key "$TMP/key2.pem"

# 4: plain HTTP has no HSTS
CURL_TLS=()
start_kbd
req GET /api/top
[ -z "$(header Strict-Transport-Security)" ] || fail 4.1 "HSTS over plain HTTP"
stop_kbd 4.2
test_done
