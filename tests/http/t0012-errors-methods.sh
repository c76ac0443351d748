#!/usr/bin/env bash
# t0012-errors-methods: methods, unknown paths and odd requests.
#   1.x  POST, PUT, DELETE, PATCH, OPTIONS and an unknown method on every
#        known path: 405 with "Allow: GET, HEAD" ("GET, HEAD, OPTIONS"
#        under /api/, where OPTIONS is a CORS preflight: 204), JSON
#        {"error"} under /api/, an HTML page elsewhere; a POST with a body
#        too; none of them counts a hit
#   2.x  unknown paths: 404, JSON under /api/, HTML elsewhere, for any
#        method
#   3.x  odd paths under /a/ and /api/articles/: .., encoded dots and
#        slashes, upper case, Unicode, CR LF, 10 KB: 404, never 500, never
#        a file; 100 KB paths and 70 KB headers: 414/431, and kbd lives on
#   4.x  %00 in a path must not cut it short: /a/imap%00x is not /a/imap
#        (same for /api/articles/ and /static/)
#   5.x  raw requests: garbage, HTTP/1.0, no Host, several requests on one
#        connection; /healthz still answers afterwards
. "$(dirname "$0")/../lib.sh"

start_kbd

# error_body CASE PATH: the body of the last reply fits PATH
error_body() {
	case $2 in
	/api/*)
		header Content-Type | grep -qx 'application/json; charset=utf-8' &&
		    jq -e '.error | type == "string"' "$BODY" >/dev/null 2>&1 ||
		    fail "$1" "$2: want a JSON {\"error\"}, got $(header Content-Type): $(head -c 100 "$BODY")"
		;;
	*)
		header Content-Type | grep -qx 'text/html; charset=utf-8' &&
		    grep -q '</html>' "$BODY" ||
		    fail "$1" "$2: want an HTML page, got $(header Content-Type): $(head -c 100 "$BODY")"
		;;
	esac
}

# 1: methods
for path in / /search "/search?q=imap" /a/imap /healthz /api/search \
    "/api/search?q=imap" /api/top /api/articles/imap /static/style.css; do
	allow="GET, HEAD"
	case $path in /api/*) allow="GET, HEAD, OPTIONS" ;; esac
	for m in POST PUT DELETE PATCH OPTIONS FOO; do
		if [ "$m:${path%%/api/*}" = OPTIONS: ]; then
			expect_status 1.1 "$m" "$path" 204
			[ "$(header Allow)" = "$allow" ] ||
			    fail 1.2 "$m $path: Allow: '$(header Allow)'"
			continue
		fi
		if expect_status 1.1 "$m" "$path" 405; then
			[ "$(header Allow)" = "$allow" ] ||
			    fail 1.2 "$m $path: Allow: '$(header Allow)'"
			error_body 1.3 "$path"
		fi
	done
done
expect_status 1.4 POST /a/imap 405 --data-binary 'x=1&y=2'
expect_status 1.5 POST /api/articles/imap 405 -H 'Content-Type: application/json' \
    --data-binary "{\"hits\": 5, \"pad\": \"$(printf 'p%.0s' $(seq 20000))\"}"
expect_status 1.6 PUT /api/search 405 --data-binary @"$ROOT/articles/imap.md"
expect_json 1.7 /api/articles/imap '.hits == 414717'

# 2: unknown paths
for path in /nope /api /api/ /api/nope /api/top/ /api/search/x /api/articles \
    /Api/top /search/x /healthz/x /favicon.png /robots.txt/ /a /aa/imap; do
	for m in GET POST; do
		req "$m" "$path"
		if [ "$STATUS" != 404 ]; then
			fail 2.1 "$m $path gave $STATUS, want 404"
		else
			error_body 2.2 "$path"
		fi
	done
done

# 3: odd article paths
long=$(printf 'a%.0s' $(seq 10000))
for path in /a/../../etc/passwd /a/..%2f..%2fetc%2fpasswd /a/%2e%2e/x \
    /a/%2e%2e/%2e%2e/etc/passwd /a/./imap /a//imap /a/imap/ /a/imap/.. \
    /a/IMAP /a/Imap /a/%C3%BCber /a/%E2%80%AEimap /a/imap%0d%0aX:%201 \
    /a/imap.mdx /a/.md /a/IMAP.md /a/-imap /a/_imap /a/imap%20 /a/%20imap "/a/imap?x=1/.." \
    /a/$long /api/articles/../../etc/passwd /api/articles/%2e%2e/imap \
    /api/articles/IMAP /api/articles/$long /a/%FF /a/%C0%AF \
    "/a/$(printf 'x%.0s' $(seq 129))"; do
	req GET "$path"
	case "$path:$STATUS" in
	"/a/imap?x=1/..:200") ;;	# the query is not part of the path
	*:404) error_body 3.1 "$path" ;;
	*) fail 3.2 "GET $(head -c 80 <<<"$path") gave $STATUS, want 404" ;;
	esac
	grep -q 'root:.*:0:0:' "$BODY" && fail 3.3 "GET $path served /etc/passwd"
done
huge=$(printf 'a%.0s' $(seq 100000))
for path in "/a/$huge" "/api/articles/$huge" "/static/$huge" "/$huge"; do
	req GET "$path"
	case $STATUS in
	404 | 414 | 431) ;;
	*) fail 3.4 "GET of a 100 KB path gave $STATUS, want 404 or 414" ;;
	esac
done
req GET / -H "X-Big: $(printf 'b%.0s' $(seq 70000))"
case $STATUS in
400 | 413 | 431) ;;
*) fail 3.5 "a 70 KB header gave $STATUS, want 431 (or 400, 413)" ;;
esac
healthy || die "kbd stopped answering after long requests"

# 4: NUL bytes in paths
for path in /a/imap%00x /a/imap%00 /api/articles/imap%00x \
    /api/articles/imap%00.json /static/style.css%00.txt /healthz%00x; do
	req GET "$path"
	[ "$STATUS" = 404 ] || [ "$STATUS" = 400 ] ||
	    fail 4.1 "GET $path gave $STATUS, want 404 (or 400): the path was cut at %00"
done
h=$(jget /api/articles/imap .hits)
# 414717 (1.7), +1 for "/a/imap?x=1/.." in 3, +1 for this request
[ "$h" = 414719 ] || fail 4.2 "imap shows $h hits, want 414719: paths with %00 counted views"

# 5: raw requests
raw() {	# raw TEXT: sends TEXT on a new connection, prints the first line
	local line=
	exec 3<>"/dev/tcp/127.0.0.1/$PORT" || { echo "no connection"; return; }
	printf '%b' "$1" >&3
	read -r -t 5 line <&3
	exec 3<&-
	echo "${line%$'\r'}"
}
got=$(raw 'GARBAGE\r\n\r\n')
case $got in "HTTP/1.1 400"* | "HTTP/1.0 400"* | "") ;; *) fail 5.1 "garbage request: '$got'" ;; esac
got=$(raw 'GET /healthz HTTP/1.0\r\n\r\n')
case $got in "HTTP/1."?" 200"*) ;; *) fail 5.2 "HTTP/1.0 without Host: '$got'" ;; esac
got=$(raw 'GET /healthz HTTP/1.1\r\n\r\n')
case $got in "HTTP/1.1 400"* | "HTTP/1.1 200"*) ;; *) fail 5.3 "HTTP/1.1 without Host: '$got'" ;; esac
got=$(raw 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n')
case $got in "HTTP/1.1 "[45]*|"") ;; *) fail 5.4 "HTTP/9.9: '$got'" ;; esac
got=$(raw 'GET\r\n\r\n')
case $got in "HTTP/1.1 400"* | "") ;; *) fail 5.5 "a request line without a path: '$got'" ;; esac
got=$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n')
case $got in "HTTP/1.1 "[2-4]*) ;; *) fail 5.6 "Content-Length -1: '$got'" ;; esac
n=$(curl -s -w '%{num_connects}\n' -o /dev/null "$BASE/healthz" -o /dev/null \
    "$BASE/api/top" -o /dev/null "$BASE/api/search?q=imap" -o /dev/null \
    "$BASE/nope" -o /dev/null "$BASE/healthz" | awk '{ n += $1 } END { print n }')
[ "$n" = 1 ] || fail 5.7 "5 requests took $n connections (no keep-alive)"
healthy || fail 5.8 "/healthz does not answer 200 after odd requests"

stop_kbd 5.9
test_done
