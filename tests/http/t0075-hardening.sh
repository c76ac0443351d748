#!/usr/bin/env bash
# t0075-hardening: the smaller findings of issue 15's security review.
#   6.x  request lines whose method is a piece of a known one ("ET",
#        "T", "OST", "HEA") get 405 and kbd lives (the router once read
#        before its method list: global-buffer-overflow under ASan); the
#        same input is in tests/fuzz/corpus/http/method-piece
#   12.x a new database folder is 0700 and the database, its -wal and
#        -shm and a backup are 0600; `kbd user add` on a new database too
#   13.x two different Content-Length headers, or Content-Length with
#        Transfer-Encoding, get 400 and the connection is closed (request
#        smuggling behind a proxy that reads them otherwise); the same
#        Content-Length twice is one
#   14.x ?msg= on staff pages shows only the notices kbd has (codes): a
#        text of the link's own is not shown; a save's redirect carries a
#        code, and the page says what happened
#   15.x render.c does not build against a cmark-gfm older than 0.29 (whose
#        default is not safe HTML); it builds against this one
#   16.x `kbd user passwd` revokes the account's API token as well as
#        its sessions, and says so
. "$(dirname "$0")/../lib.sh"

user() { "$KBD" user "$@" --db "$DB"; }
mode() { stat -c %a "$1"; }
# raw LINE...: sends the request lines (CRLF added, then an empty line)
# on one connection; prints the status of the answer (000: none) and
# "closed" when the server closed the connection
raw() {
	python3 - "$PORT" "$@" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
s.sendall(b"".join(l.encode() + b"\r\n" for l in sys.argv[2:]) + b"\r\n")
got, closed = b"", "open"
try:
    while True:
        c = s.recv(65536)
        if not c:
            closed = "closed"
            break
        got += c
except socket.timeout:
    pass
except OSError:
    closed = "closed"
print(got[9:12].decode() if got.startswith(b"HTTP/1.") else "000", closed)
EOF
}

# 12: modes (before any kbd made the database)
DB=$TMP/state/kb.sqlite
start_kbd --db "$DB"
[ "$(mode "$TMP/state")" = 700 ] || fail 12.1 "the database folder is $(mode "$TMP/state"), want 700"
[ "$(mode "$DB")" = 600 ] || fail 12.2 "the database is $(mode "$DB"), want 600"
for f in "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] || continue
	[ "$(mode "$f")" = 600 ] || fail 12.3 "${f##*/} is $(mode "$f"), want 600"
done
"$KBD" backup --db "$DB" "$TMP/backup.sqlite" 2>/dev/null || fail 12.4 "kbd backup failed"
[ "$(mode "$TMP/backup.sqlite")" = 600 ] || fail 12.5 "the backup is $(mode "$TMP/backup.sqlite"), want 600"
echo "ein-gutes-passwort" | "$KBD" user add anna --role admin --db "$TMP/u/kb.sqlite" 2>/dev/null ||
    fail 12.6 "kbd user add on a new database failed"
[ "$(mode "$TMP/u")" = 700 ] && [ "$(mode "$TMP/u/kb.sqlite")" = 600 ] ||
    fail 12.7 "kbd user add made $(mode "$TMP/u") and $(mode "$TMP/u/kb.sqlite"), want 700 and 600"

# 6: pieces of methods
n=0
for line in 'ET /api/search?q=dns HTTP/1.1' 'ET / HTTP/1.1' 'T /api/search HTTP/1.1' \
    'OST /api/admin/login HTTP/1.1' 'EAD /a/imap HTTP/1.1' 'ETG /healthz HTTP/1.1' \
    'G /api/top HTTP/1.1'; do
	n=$((n + 1))
	set -- $(raw "$line" "Host: x" "Connection: close")
	[ "$1" = 405 ] || fail "6.$n" "'$line' gave $1, want 405"
done
healthy || fail 6.9 "kbd does not answer after the request lines"
grep -q 'Sanitizer' "$LOG" && fail 6.10 "a sanitizer report: $(grep -m1 Sanitizer "$LOG")"
[ -s "$ROOT/tests/fuzz/corpus/http/method-piece" ] || fail 6.11 "no corpus entry method-piece"

# 13: Content-Length twice, and with Transfer-Encoding
set -- $(raw "GET /healthz HTTP/1.1" "Host: x" "Content-Length: 0" "Content-Length: 5")
[ "$1 $2" = "400 closed" ] || fail 13.1 "two Content-Lengths (0, 5) gave '$*', want '400 closed'"
set -- $(raw "POST /api/admin/login HTTP/1.1" "Host: x" "Content-Length: 2" "Content-Length: 20")
[ "$1 $2" = "400 closed" ] || fail 13.2 "two Content-Lengths (2, 20) gave '$*', want '400 closed'"
set -- $(raw "GET /healthz HTTP/1.1" "Host: x" "Content-Length: 0" "Transfer-Encoding: chunked")
[ "$1 $2" = "400 closed" ] || fail 13.3 "Content-Length with Transfer-Encoding gave '$*', want '400 closed'"
set -- $(raw "GET /healthz HTTP/1.1" "Host: x" "Transfer-Encoding: chunked" "Content-Length: 0")
[ "$1 $2" = "400 closed" ] || fail 13.4 "Transfer-Encoding with Content-Length gave '$*', want '400 closed'"
set -- $(raw "GET /healthz HTTP/1.1" "Host: x" "Content-Length: 0" "Content-Length: 0" "Connection: close")
[ "$1" = 200 ] || fail 13.5 "the same Content-Length twice gave '$*', want 200"
stop_kbd 13.6

# 14: notices by code
echo "ein-gutes-passwort" | user add anna --role admin 2>/dev/null || fail 14.0 "user add failed"
arts=$(copy_articles articles)	# the test saves an article
start_kbd --db "$DB" --articles "$arts"
JAR=$TMP/jar
req POST /admin/login -c "$JAR" --data-urlencode name=anna --data-urlencode password=ein-gutes-passwort
[ "$STATUS" = 303 ] || fail 14.1 "login gave $STATUS"
csrf=$(curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
for page in /admin /admin/users /admin/stats /admin/edit/imap; do
	expect_status 14.2 GET "$page?msg=Ihr%20Konto%20wurde%20gesperrt.%20Bitte%20rufen%20Sie%20an." 200 -b "$JAR"
	grep -q 'Konto wurde gesperrt' "$BODY" && fail 14.3 "$page shows the text of ?msg="
done
req GET /admin/edit/imap -b "$JAR"
rev=$(sed -n 's/.*name="rev" value="\([0-9]*\)".*/\1/p' "$BODY" | head -1)
body=$(jq -r .markdown <(curl -s -b "$JAR" "$BASE/api/admin/articles/imap"))
req POST /admin/edit/imap -b "$JAR" --data-urlencode "csrf=$csrf" --data-urlencode "rev=$rev" \
    --data-urlencode "title=IMAP einrichten" --data-urlencode "body=$body"
[ "$STATUS" = 303 ] || fail 14.4 "saving gave $STATUS"
loc=$(header Location)
[[ $loc == /admin/edit/imap\?msg=saved\&rev=[0-9]* ]] || fail 14.5 "the save's redirect: $loc"
expect_status 14.6 GET "$loc" 200 -b "$JAR"
grep -q 'Gespeichert (Revision [0-9]*)' "$BODY" || fail 14.7 "the editor does not say it saved"
expect_status 14.8 GET "/admin/edit/imap?msg=saved&rev=3%3Cb%3E" 200 -b "$JAR"
grep -q 'Revision 3<b>\|Revision 3&lt;b' "$BODY" && fail 14.9 "a made-up revision is shown"
stop_kbd 14.10

# 15: cmark's version at build time
cc=${CC:-cc}
command -v "$cc" >/dev/null || cc=gcc
mkdir -p "$TMP/old-cmark"
cat >"$TMP/old-cmark/cmark-gfm.h" <<'EOF'
#include_next <cmark-gfm.h>
#undef CMARK_GFM_VERSION
#define CMARK_GFM_VERSION ((0 << 24) | (28 << 16) | (3 << 8) | 20)
EOF
flags=(-std=c11 -D_XOPEN_SOURCE=700 -fsyntax-only $(pkg-config --cflags libcmark-gfm sqlite3) -I"$ROOT/kbd")
"$cc" "${flags[@]}" "$ROOT/kbd/render.c" 2>"$TMP/cc.err" || fail 15.1 "render.c does not build: $(head -3 "$TMP/cc.err")"
if "$cc" "${flags[@]}" -I"$TMP/old-cmark" "$ROOT/kbd/render.c" 2>"$TMP/cc.err"; then
	fail 15.2 "render.c builds against cmark-gfm 0.28"
else
	grep -q 'cmark-gfm 0.29' "$TMP/cc.err" || fail 15.3 "no reason given: $(head -3 "$TMP/cc.err")"
fi

# 16: passwd revokes the API token
t=$(user token anna 2>/dev/null)
start_kbd --db "$DB" --articles "$arts"
expect_status 16.1 GET /api/admin/session 200 -H "Authorization: Bearer $t"
echo "ganz-neues-passwort" | user passwd anna 2>"$TMP/err" || fail 16.2 "passwd failed: $(cat "$TMP/err")"
grep -q 'API token revoked' "$TMP/err" || fail 16.3 "passwd does not say the token is revoked: $(cat "$TMP/err")"
expect_status 16.4 GET /api/admin/session 401 -H "Authorization: Bearer $t"
[ "$(sql "SELECT token_hash IS NULL FROM user WHERE name = 'anna'")" = 1 ] || fail 16.5 "the token's hash is still stored"
t=$(user token anna 2>/dev/null)
expect_status 16.6 GET /api/admin/session 200 -H "Authorization: Bearer $t"
stop_kbd 16.7
test_done
