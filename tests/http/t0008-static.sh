#!/usr/bin/env bash
# t0008-static: files under /static/.
#   1.x  style.css from the repository's static/: 200, text/css, the
#        file's bytes, ETag, Cache-Control; If-None-Match with the ETag
#        (alone or in a list) gives 304 without a body, another ETag 200;
#        HEAD; POST gives 405
#   2.x  paths that try to leave the folder (.., encoded dots and
#        slashes, //, absolute paths, an empty name): 404 and never the
#        contents of another file
#   3.x  a temporary static folder: files in subfolders and with spaces
#        are served with their types; hidden files are not; a symlink
#        to a file outside (/etc/passwd) or to a folder outside (/etc) is
#        not served and is logged; a symlink to a file inside is;
#        --verbose logs the count of files read from it (6); the built-in
#        files are still served beside them
#   4.x  kbd started from a folder without static/ (only --articles and
#        --db given) serves the home page, its style sheet, search.js,
#        the widget script and /favicon.ico, all the repository's bytes
#   5.x  a file in --static replaces the built-in file of the same path
#        (style.css: new bytes, new version in the pages' links); the
#        other built-in files are served as before
. "$(dirname "$0")/../lib.sh"

start_kbd

# 1: style.css
expect_status 1.1 GET /static/style.css 200
cmp -s "$BODY" "$ROOT/static/style.css" || fail 1.2 "style.css is not the file's bytes"
header Content-Type | grep -qx 'text/css; charset=utf-8' || fail 1.3 "Content-Type: $(header Content-Type)"
etag=$(header ETag)
[[ $etag =~ ^\"[0-9a-f]+\"$ ]] || fail 1.4 "ETag: '$etag'"
header Cache-Control | grep -q 'max-age' || fail 1.5 "Cache-Control: $(header Cache-Control)"
header X-Content-Type-Options | grep -qx nosniff || fail 1.6 "no nosniff"
expect_status 1.7 GET /static/style.css 304 -H "If-None-Match: $etag"
[ ! -s "$BODY" ] || fail 1.8 "304 with a body"
[ "$(header ETag)" = "$etag" ] || fail 1.9 "304 without the ETag"
expect_status 1.10 GET /static/style.css 304 -H "If-None-Match: \"abc\", $etag"
expect_status 1.11 GET /static/style.css 200 -H 'If-None-Match: "0123456789abcdef0123"'
cmp -s "$BODY" "$ROOT/static/style.css" || fail 1.12 "style.css after another ETag"
expect_status 1.13 HEAD /static/style.css 200
[ "$(header ETag)" = "$etag" ] || fail 1.14 "HEAD without the ETag"
expect_status 1.15 POST /static/style.css 405
expect_status 1.16 GET /static/nope.css 404
expect_status 1.17 GET /static/STYLE.CSS 404

# 2: leaving the folder
n=1
for path in /static/../kbd/main.c /static/../../etc/passwd \
    /static/%2e%2e/kbd/main.c /static/%2e%2e/%2e%2e/etc/passwd \
    /static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd /static/..%2fkbd%2fmain.c \
    /static//etc/passwd /static/%2fetc%2fpasswd /static/ /static \
    /static/. /static/./style.css /static/style.css/ /static/.. \
    "/static/....//....//etc/passwd" /static/%5c..%5c..%5cetc%5cpasswd \
    /static/..%5c..%5cetc%5cpasswd /static/~root /static/%7e/.bashrc \
    /static/../static/style.css /static/%252e%252e/kbd/main.c \
    /static/.git/config /static/..%c0%af..%c0%afetc%c0%afpasswd \
    "/static/$(printf 'a/%.0s' $(seq 200))x.css"; do
	req GET "$path"
	case $STATUS in
	404) ;;
	*) fail 2.$n "GET $path gave $STATUS, want 404" ;;
	esac
	if grep -qE 'root:.*:0:0:|#include|\[core\]' "$BODY"; then
		fail 2.$n "GET $path served a file from outside static/"
	fi
	n=$((n + 1))
done
stop_kbd 2.99

# 3: a static folder of our own
st=$TMP/static
mkdir -p "$st/sub/deeper" "$st/.secret"
cp "$ROOT/static/style.css" "$st/"
echo 'hello from deeper' >"$st/sub/deeper/hello.txt"
echo 'spaced' >"$st/with space.txt"
echo 'binary?' >"$st/data.bin"
echo '{"a":1}' >"$st/x.json"
echo 'hidden' >"$st/.hidden.txt"
echo 'secret' >"$st/.secret/key.txt"
ln -s /etc/passwd "$st/passwd.txt"
ln -s /etc "$st/etc"
ln -s ../../etc/passwd "$st/sub/rel.txt"
ln -s style.css "$st/alias.css"
start_kbd --static "$st" --verbose
grep -q "^kbd: debug: static: 6 files from $st," "$LOG" ||
    fail 3.0 "--verbose: want 'static: 6 files from $st', got: $(grep 'debug: static' "$LOG")"
expect_status 3.1 GET /static/sub/deeper/hello.txt 200
[ "$(cat "$BODY")" = 'hello from deeper' ] || fail 3.2 "sub/deeper/hello.txt: $(cat "$BODY")"
header Content-Type | grep -qx 'text/plain; charset=utf-8' || fail 3.3 "Content-Type: $(header Content-Type)"
expect_status 3.4 GET "/static/with%20space.txt" 200
expect_status 3.5 GET /static/data.bin 200
header Content-Type | grep -qx 'application/octet-stream' || fail 3.6 "data.bin Content-Type: $(header Content-Type)"
expect_status 3.7 GET /static/x.json 200
header Content-Type | grep -qx 'application/json; charset=utf-8' || fail 3.8 "x.json Content-Type: $(header Content-Type)"
expect_status 3.9 GET /static/.hidden.txt 404
expect_status 3.10 GET /static/.secret/key.txt 404
for path in /static/passwd.txt /static/etc/passwd /static/etc/hostname /static/sub/rel.txt; do
	req GET "$path"
	[ "$STATUS" = 404 ] || fail 3.11 "GET $path (a symlink out) gave $STATUS, want 404"
	grep -q 'root:' "$BODY" && fail 3.12 "GET $path served /etc/passwd"
done
grep -q "static: $st/passwd.txt: points outside" "$LOG" || fail 3.13 "the symlink to /etc/passwd is not logged"
expect_status 3.14 GET /static/alias.css 200
cmp -s "$BODY" "$ROOT/static/style.css" || fail 3.15 "alias.css is not style.css"
expect_status 3.16 GET /static/style.css 200
expect_status 3.18 GET /static/widget.js 200
cmp -s "$BODY" "$ROOT/static/widget.js" || fail 3.19 "the built-in widget.js is not served beside --static"
stop_kbd 3.17

# 4: from a folder that has no static/: kbd carries its own files
mkdir -p "$TMP/elsewhere"
cd "$TMP/elsewhere" || die "cd $TMP/elsewhere"
[ ! -e static ] || die "$TMP/elsewhere has a static folder"
start_kbd
cd "$ROOT" || die "cd $ROOT"
expect_status 4.1 GET / 200
css=$(grep -o 'href="/static/style.css?v=[0-9a-f]*"' "$BODY" | cut -d'"' -f2)
js=$(grep -o 'src="/static/search.js?v=[0-9a-f]*"' "$BODY" | cut -d'"' -f2)
[ -n "$css" ] && [ -n "$js" ] || fail 4.2 "the home page links no style sheet or no search.js"
expect_status 4.3 GET "$css" 200
cmp -s "$BODY" "$ROOT/static/style.css" || fail 4.4 "$css is not static/style.css"
header Cache-Control | grep -q immutable || fail 4.5 "$css: Cache-Control $(header Cache-Control)"
expect_status 4.6 GET "$js" 200
cmp -s "$BODY" "$ROOT/static/search.js" || fail 4.7 "$js is not static/search.js"
for f in widget.js embed.js embed.css admin.css admin.js favicon.ico; do
	expect_status 4.8 GET "/static/$f" 200
	cmp -s "$BODY" "$ROOT/static/$f" || fail 4.9 "/static/$f is not static/$f"
done
expect_status 4.10 GET /favicon.ico 200
header Content-Type | grep -qx 'image/x-icon' || fail 4.11 "/favicon.ico: Content-Type $(header Content-Type)"
cmp -s "$BODY" "$ROOT/static/favicon.ico" || fail 4.12 "/favicon.ico is not static/favicon.ico"
expect_status 4.13 GET /static/style.css 200 -H 'Accept-Encoding: gzip'
header Content-Encoding | grep -qx gzip || fail 4.14 "style.css is not sent gzipped"
stop_kbd 4.99

# 5: --static replaces one built-in file, the rest stay
own=$TMP/own
mkdir -p "$own"
printf '/* a site of its own */\nbody { color: #123456; }\n' >"$own/style.css"
start_kbd --static "$own"
expect_status 5.1 GET /static/style.css 200
cmp -s "$BODY" "$own/style.css" || fail 5.2 "/static/style.css is not the --static file"
req GET /
v=$(grep -o 'href="/static/style.css?v=[0-9a-f]*"' "$BODY" | cut -d'"' -f2)
[ -n "$v" ] && [ "$v" != "$css" ] || fail 5.3 "the page links '$v', the built-in one was '$css'"
expect_status 5.4 GET "$v" 200
cmp -s "$BODY" "$own/style.css" || fail 5.5 "$v is not the --static file"
expect_status 5.6 GET "$js" 200
cmp -s "$BODY" "$ROOT/static/search.js" || fail 5.7 "search.js is not the built-in one beside --static"
expect_status 5.8 GET /static/widget.js 200
cmp -s "$BODY" "$ROOT/static/widget.js" || fail 5.9 "widget.js is not the built-in one beside --static"
stop_kbd 5.99

test_done
