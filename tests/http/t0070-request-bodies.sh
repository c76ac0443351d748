#!/usr/bin/env bash
# t0070-request-bodies: a request body is read only where a route takes
# one, only after the session check, and within a budget for all bodies
# (issue 15, finding 1: every body up to 4 MB was read on any route,
# POST /healthz too, before any login; 40 slow 4 MB bodies held 170 MB).
#   1.x  a route that takes no body answers at once, without the body,
#        and closes: POST /healthz 405 (Allow: GET, HEAD), a body on
#        GET /api/search 413 (JSON), a chunked body on GET / 413 (HTML),
#        an unknown path 404
#   2.x  staff routes without a session answer at once too: a form to
#        /admin/new gets the login page (401), the staff API 401, a
#        session without the CSRF header 403; a login takes at most 8 KB
#        (413 above), and a login form under it is read (401 for a wrong
#        password)
#   3.x  with a session or an API token the body is read: a 1 MB preview
#        (JSON) and a form save
#   4.x  40 connections that announce 4 MB bodies for POST /healthz and
#        send a byte: all 40 answered at once (405), kbd's memory does
#        not grow by 20 MB
#   5.x  the budget (64 MB): 24 staff requests that announce 4 MB each
#        and send nothing more: 16 wait for their bodies, 8 are answered
#        503 (Retry-After) at once; once they are gone a request with a
#        body is served again
. "$(dirname "$0")/../lib.sh"

user() { "$KBD" user "$@" --db "$DB"; }
echo "ein-gutes-passwort" | user add anna --role admin 2>/dev/null || die "user add failed"
token=$(user token anna 2>/dev/null)
arts=$(copy_articles articles)
start_kbd --articles "$arts"

# early CASE WANT HEAD...: sends the request head (CRLF-joined lines, an
# empty line) and at most 1 byte of body, never the rest; wants the
# answer WANT within 3 s and the connection closed.  The answer is in
# $TMP/answer.
early() {
	local c=$1 want=$2
	shift 2
	py "$c" "$PORT" "$TMP/answer" "$@" >"$TMP/early" <<'EOF' || return
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(3)
t0 = time.time()
s.sendall(b"".join(l.encode() + b"\r\n" for l in sys.argv[3:]) + b"\r\nx")
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
open(out, "wb").write(got)
st = got[9:12].decode() if got.startswith(b"HTTP/1.") else "000"
print(st, closed, "%.1f" % (time.time() - t0))
EOF
	set -- $(cat "$TMP/early")
	[ "$1 $2" = "$want closed" ] || fail "$c" "got '$*', want '$want closed' at once"
}
answer_header() { tr -d '\r' <"$TMP/answer" | sed -n '/^$/q; p' | sed -n "s/^$1: //Ip" | tail -1; }

# 1: routes that take no body
early 1.1 405 "POST /healthz HTTP/1.1" "Host: x" "Content-Length: 1000000"
[ "$(answer_header Allow)" = "GET, HEAD" ] || fail 1.2 "Allow: $(answer_header Allow)"
early 1.3 413 "GET /api/search?q=imap HTTP/1.1" "Host: x" "Content-Length: 1000"
answer_header Content-Type | grep -q '^application/json' || fail 1.4 "the 413 under /api/ is not JSON"
early 1.5 413 "GET / HTTP/1.1" "Host: x" "Transfer-Encoding: chunked"
answer_header Content-Type | grep -q '^text/html' || fail 1.6 "the 413 of a page is not HTML"
early 1.7 404 "POST /nirgends HTTP/1.1" "Host: x" "Content-Length: 1000000"
early 1.8 405 "PUT /a/imap HTTP/1.1" "Host: x" "Content-Length: 4194304"

# 2: staff routes before a session
early 2.1 401 "POST /admin/new HTTP/1.1" "Host: x" "Content-Length: 1000000" \
    "Content-Type: application/x-www-form-urlencoded"
grep -q 'Anmelden' "$TMP/answer" || fail 2.2 "not the login page"
early 2.3 401 "POST /api/admin/articles HTTP/1.1" "Host: x" "Content-Length: 1000000"
early 2.4 401 "PUT /api/admin/articles/imap HTTP/1.1" "Host: x" \
    "Authorization: Bearer $(printf '%064d' 5)" "Content-Length: 1000000"
JAR=$TMP/jar
req POST /admin/login -c "$JAR" --data-urlencode name=anna --data-urlencode password=ein-gutes-passwort
[ "$STATUS" = 303 ] || fail 2.5 "login gave $STATUS"
cookie=$(sed -n 's/.*kbd_session\t\([0-9a-f]*\)$/\1/p' "$JAR")
early 2.6 403 "PUT /api/admin/articles/imap HTTP/1.1" "Host: x" \
    "Cookie: kbd_session=$cookie" "Content-Type: application/json" "Content-Length: 1000000"
early 2.7 413 "POST /admin/login HTTP/1.1" "Host: x" "Content-Length: 100000" \
    "Content-Type: application/x-www-form-urlencoded"
early 2.8 413 "POST /api/admin/login HTTP/1.1" "Host: x" "Content-Length: 8193" \
    "Content-Type: application/json"
req POST /admin/login --data-urlencode name=anna --data-urlencode "password=$(head -c 1000 /dev/zero | tr '\0' x)"
[ "$STATUS" = 401 ] || fail 2.9 "a 1 KB login form gave $STATUS, want 401"

# 3: bodies that are read
python3 -c 'import json; print(json.dumps({"markdown": "a" * 1000000}))' >"$TMP/preview.json"
req POST /api/admin/preview -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @"$TMP/preview.json"
[ "$STATUS" = 200 ] && jq -e '.html | length > 1000000' "$BODY" >/dev/null ||
    fail 3.1 "a 1 MB preview gave $STATUS: $(head -c 200 "$BODY")"
csrf=$(curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
req POST /admin/publish/imap -b "$JAR" --data-urlencode "csrf=$csrf" -d draft=0
[ "$STATUS" = 303 ] || fail 3.2 "a staff form gave $STATUS, want 303"

# 4: 40 slow bodies for a route that takes none
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$KBD_PID/status"; }
before=$(rss)
py 4.1 "$PORT" >"$TMP/slow" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
conns = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n\r\nx")
    conns.append(s)
answered = 0
t0 = time.time()
for s in conns:
    got = b""
    try:
        while True:
            c = s.recv(4096)
            if not c:
                break
            got += c
    except OSError:
        pass
    if got.startswith(b"HTTP/1.1 405"):
        answered += 1
print(answered, "%.1f" % (time.time() - t0))
EOF
read -r answered secs <"$TMP/slow"
[ "$answered" = 40 ] || fail 4.2 "$answered of 40 slow bodies answered 405 at once ($secs s)"
after=$(rss)
echo "4.3: resident memory $before kB before the 40 bodies, $after kB after"
[ $((after - before)) -lt 20000 ] || fail 4.3 "kbd grew by $((after - before)) kB"

# 5: the budget
py 5.1 "$PORT" "$token" >"$TMP/budget" <<'EOF'
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
conns = []
for i in range(24):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(1.5)
    s.sendall(("PUT /api/admin/articles/imap HTTP/1.1\r\nHost: x\r\n"
               "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
               "Content-Length: 4194304\r\n\r\n{" % token).encode())
    conns.append(s)
    time.sleep(0.05)
waiting = refused = 0
for s in conns:
    try:
        got = s.recv(4096)
    except socket.timeout:
        waiting += 1
        continue
    if got.startswith(b"HTTP/1.1 503") and b"Retry-After:" in got:
        refused += 1
print(waiting, refused)
for s in conns:
    s.close()
EOF
read -r waiting refused <"$TMP/budget"
[ "$waiting $refused" = "16 8" ] || fail 5.2 "$waiting bodies waited and $refused were refused, want 16 and 8"
budget_free() {	# the closed connections give their share back
	req POST /api/admin/preview -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	    --data-binary @"$TMP/preview.json"
	[ "$STATUS" = 200 ]
}
wait_until 10 budget_free || fail 5.3 "a 1 MB body after the budget test gave $STATUS"
healthy || fail 5.4 "kbd does not answer"
stop_kbd 5.5
test_done
