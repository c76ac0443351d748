#!/usr/bin/env bash
# t0043-request-limits: requests too large are refused with the right
# status, by kbd with its own headers, and the connection is closed.
#   1.x  the URI (path and arguments) up to 16 KB is served; over it 414,
#        JSON under /api/, an HTML page with kbd's security headers
#        elsewhere, "Connection: close" and the connection closed; far
#        over it (100 KB, beyond libmicrohttpd's 64 KB pool) still 414
#   2.x  headers up to 32 KB in all are served; over it 431 the same way;
#        700 headers (70 KB) still 431
#   3.x  a body: Content-Length over 4 MB is answered 413 at once, before
#        any of the body is sent, and the connection closed; a body under
#        the limit is read (405 on a route that takes none); a chunked body
#        over the limit is cut off (no answer can be sent in the middle of
#        a body); Content-Length that is not a number: 400
#   4.x  the sizes between: 17 KB to 64 KB of headers or URI answer 414 or
#        431 at every 1 KB step, never 200 or 5xx; within about 700 bytes
#        of 64 KB, libmicrohttpd may close without an answer (kbd-http.7,
#        CAVEATS)
#   5.x  kbd lives on; its log has at most 10 libmicrohttpd messages a
#        minute however many bad requests come; the access log has the
#        refused requests
. "$(dirname "$0")/../lib.sh"

access=$TMP/access.log
start_kbd --access-log "$access"

# raw CASE FILE: sends the bytes of FILE on a new connection, half-closes
# nothing, reads until the server closes (10 s at most); prints
# "STATUS CLOSED SECONDS" (STATUS 000: no answer) and keeps the answer
# in $TMP/answer
raw() {
	py "raw $1" "$PORT" "$1" "$TMP/answer" <<'EOF'
import socket, sys, time
port, path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
t0 = time.time()
try:
    s.sendall(data)
except OSError:
    pass
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
status = got[9:12].decode() if got.startswith(b"HTTP/1.") else "000"
print(status, closed, "%.1f" % (time.time() - t0))
EOF
}
answer_header() {	# answer_header NAME: from the last raw answer
	tr -d '\r' <"$TMP/answer" | sed -n '/^$/q; p' | sed -n "s/^$1: //Ip" | tail -1
}
# kbd_error CASE STATUS KIND: the last raw answer is kbd's error page
# (html) or JSON, with Connection: close
kbd_error() {
	local c=$1 want=$2 kind=$3
	set -- $(cat "$TMP/result")
	[ "$1" = "$want" ] || { fail "$c" "status $1, want $want"; return; }
	[ "$2" = closed ] || fail "$c" "the connection stayed open"
	[ "$(answer_header Connection)" = close ] || fail "$c" "no Connection: close"
	answer_header X-Content-Type-Options | grep -qx nosniff || fail "$c" "no nosniff: not kbd's answer"
	case $kind in
	json)	answer_header Content-Type | grep -q '^application/json' &&
		    sed '1,/^\r$/d' "$TMP/answer" | jq -e '.error | type == "string"' >/dev/null ||
		    fail "$c" "not a JSON error: $(head -c 300 "$TMP/answer")" ;;
	html)	answer_header Content-Type | grep -q '^text/html' &&
		    answer_header Content-Security-Policy | grep -q "frame-ancestors 'none'" &&
		    grep -q '</html>' "$TMP/answer" ||
		    fail "$c" "not kbd's HTML page: $(head -c 300 "$TMP/answer")" ;;
	esac
}
request() {	# request FILE TARGET [HEADER_BYTES]: a GET with one big header
	{
		printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' "$2"
		[ -n "${3:-}" ] && printf 'X-Big: %s\r\n' "$(head -c "$3" /dev/zero | tr '\0' b)"
		printf '\r\n'
	} >"$1"
}
a() { head -c "$1" /dev/zero | tr '\0' a; }

# 1: the URI
request "$TMP/r" "/api/search?q=$(a 16000)"
raw "$TMP/r" >"$TMP/result"
read -r st _ <"$TMP/result"
[ "$st" = 200 ] || fail 1.1 "a 16 KB search gave $st, want 200"
request "$TMP/r" "/api/search?q=$(a 17000)"
raw "$TMP/r" >"$TMP/result"
kbd_error 1.2 414 json
request "$TMP/r" "/search?q=$(a 17000)"
raw "$TMP/r" >"$TMP/result"
kbd_error 1.3 414 html
request "$TMP/r" "/a/$(a 17000)"
raw "$TMP/r" >"$TMP/result"
kbd_error 1.4 414 html
request "$TMP/r" "/a/$(a 100000)"
raw "$TMP/r" >"$TMP/result"
read -r st closed _ <"$TMP/result"
[ "$st $closed" = "414 closed" ] || fail 1.5 "a 100 KB URI gave '$st $closed', want '414 closed'"

# 2: headers
request "$TMP/r" /api/top 31000
raw "$TMP/r" >"$TMP/result"
read -r st _ <"$TMP/result"
[ "$st" = 200 ] || fail 2.1 "31 KB of headers gave $st, want 200"
request "$TMP/r" /api/top 33000
raw "$TMP/r" >"$TMP/result"
kbd_error 2.2 431 json
request "$TMP/r" /a/imap 33000
raw "$TMP/r" >"$TMP/result"
kbd_error 2.3 431 html
v=$(a 96)	# once, not 700 times two processes
{
	printf 'GET / HTTP/1.1\r\nHost: x\r\n'
	for i in $(seq 700); do printf 'X-H%d: %s\r\n' "$i" "$v"; done
	printf '\r\n'
} >"$TMP/r"
raw "$TMP/r" >"$TMP/result"
read -r st closed _ <"$TMP/result"
[ "$st $closed" = "431 closed" ] || fail 2.4 "700 headers gave '$st $closed', want '431 closed'"

# 3: bodies
printf 'POST /api/top HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n' >"$TMP/r"
raw "$TMP/r" >"$TMP/result"	# no body is sent: the answer must not wait for it
read -r st closed secs <"$TMP/result"
kbd_error 3.1 413 json
[ "${secs%.*}" -lt 5 ] || fail 3.2 "the 413 took $secs s: kbd waited for the body"
printf 'PUT /a/imap HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n' >"$TMP/r"
raw "$TMP/r" >"$TMP/result"
read -r st _ <"$TMP/result"
case $st in 413 | 400) ;; *) fail 3.3 "a Content-Length of 10^23 gave $st, want 413 (or 400)" ;; esac
{
	printf 'POST /a/imap HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000000\r\n\r\n'
	head -c 1000000 /dev/zero
} >"$TMP/r"
raw "$TMP/r" >"$TMP/result"
read -r st _ <"$TMP/result"
[ "$st" = 405 ] || fail 3.4 "a 1 MB body to /a/imap gave $st, want 405"
py 3.5 "$PORT" >"$TMP/chunked" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
s.sendall(b"POST /a/imap HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"
sent = 0
try:
    while sent < 64 * 1024 * 1024:
        s.sendall(chunk)
        sent += 65536
    print("not cut off after", sent)
except OSError:
    print("cut off after", sent)
EOF
grep -q '^cut off after' "$TMP/chunked" || fail 3.5 "a chunked body over 4 MB: $(cat "$TMP/chunked")"
sent=$(sed -n 's/^cut off after //p' "$TMP/chunked")
echo "3.6: a chunked body was cut off after $sent bytes had been sent"
# 4 MB read, and what the kernel buffers hold on the way (several MB on
# loopback)
[ "${sent:-0}" -le $((16 * 1024 * 1024)) ] || fail 3.6 "the chunked body was cut off only after $sent bytes"
printf 'POST /a/imap HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n' >"$TMP/r"
raw "$TMP/r" >"$TMP/result"
read -r st _ <"$TMP/result"
[ "$st" = 400 ] || fail 3.7 "Content-Length: lots gave $st, want 400"

# 4: every size between kbd's limits and MHD's pool
py 4.1 "$PORT" >"$TMP/sizes" <<'EOF'
import socket, sys
port = int(sys.argv[1])
def status(data):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(data)
    got = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            got += c
    except OSError:
        pass
    s.close()
    return got[9:12].decode() if got.startswith(b"HTTP/1.") else "000"
for kb in range(17, 65):
    n = kb * 1000
    st = status(b"GET /api/top?q=" + b"a" * n + b" HTTP/1.1\r\nHost: x\r\n"
                b"Connection: close\r\n\r\n")
    if st not in ("414", "431"):
        print(f"uri={n}:{st}")
    if n + 16000 <= 64000:
        st = status(b"GET /a/imap HTTP/1.1\r\nHost: x\r\nConnection: close"
                    b"\r\nX-Big: " + b"b" * (n + 16000) + b"\r\n\r\n")
        if st != "431":
            print(f"headers={n + 16000}:{st}")
EOF
[ ! -s "$TMP/sizes" ] || fail 4.1 "sizes answered wrongly: $(tr '\n' ' ' <"$TMP/sizes")"

# 5: kbd lives on, and its log is not flooded
healthy || fail 5.1 "/healthz does not answer after the large requests"
access_has() { grep -q "$1" "$access"; }	# written each second
wait_until 5 access_has '"POST /api/top HTTP/1.1" 413 ' || fail 5.3 "no 413 in the access log"
wait_until 5 access_has '"GET /api/top?q=a* HTTP/1.1" 414 ' || fail 5.4 "no 414 in the access log"
stop_kbd 5.5
# A new kbd (its count starts at 0), then 40 requests that each make
# libmicrohttpd say something, all within one minute of kbd's clock
# (CLOCK_MONOTONIC, which Python's time.monotonic() reads too): exactly
# the 10 a minute that kbd.8 (LOGS) promises reach the log.
start_kbd
py 5.6 "$PORT" >"$TMP/burst" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
while time.monotonic() % 60 > 45:	# leave 15 s of the minute at least
    time.sleep(0.2)
minute = int(time.monotonic() // 60)
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(b"GET /a/" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
print("one minute" if int(time.monotonic() // 60) == minute else "two minutes")
EOF
[ "$(cat "$TMP/burst")" = "one minute" ] || die "5.6 the burst took too long: $(cat "$TMP/burst")"
healthy || fail 5.6 "/healthz does not answer after the burst"
n=$(grep -c '^kbd: http: ' "$LOG")
[ "$n" = 10 ] || fail 5.7 "$n libmicrohttpd messages in one minute, want exactly 10"
stop_kbd 5.8
test_done
