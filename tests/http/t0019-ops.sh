#!/usr/bin/env bash
# t0019-ops: what an operator watches and signals.
#   1.x  GET /metrics is valid Prometheus text (0.0.4): every sample
#        line parses, every family has HELP and TYPE, histogram buckets
#        are cumulative and end in +Inf = _count; the counters move with
#        the requests made: requests by route and status, searches,
#        zero-result searches, hits counted and flushed, cache hits and
#        misses; articles loaded and the database size are right
#   2.x  --access-log FILE: one line per request, in the combined format
#        plus microseconds; quotes and control characters from the
#        client are escaped as \xHH (as nginx does), so a line cannot be
#        forged; the token of a
#        query is not special (there are no secrets in URLs), but the
#        Authorization and Cookie headers never appear; stderr keeps the
#        start and stop messages and no request lines
#   3.x  SIGHUP reopens the access log: after the file is moved away, new
#        lines go to a new file at the configured path
#   4.x  SIGTERM while 6 clients send requests: every answer a client got
#        is whole (no cut body, no 5xx; a connection refused, closed or
#        reset before the status line is fine, during the body it is
#        not), kbd exits 0, and every view
#        answered 200 is in the database after the stop, no more and no
#        fewer
#   5.x  SIGTERM while a slow client is early in a 12 MB file (more than
#        the kernel's socket buffers hold):
#        new connections are closed at once, the slow client still gets
#        every byte, then kbd exits 0
. "$(dirname "$0")/../lib.sh"

access=$TMP/access.log
# A file of 16 MB (more than the kernel buffers hold), for 4.x: an
# answer that a stop without the drain would cut in the middle.
mkdir "$TMP/static4"
head -c $((16 * 1024 * 1024)) /dev/urandom >"$TMP/static4/big4.bin"
start_kbd --access-log "$access" --static "$TMP/static4"

metrics() { curl -s "$BASE/metrics" >"$TMP/metrics.$1"; }
polls=0	# reads of metrics 1, each a line in the access log
# one_flush: reads metrics 1 until the 2 views are written (1.9 checks
# that it is 2, not more)
one_flush() {
	polls=$((polls + 1))
	metrics 1
	awk -v f0="$(awk '$1 == "kbd_hits_flushed_total" { print $2 }' "$TMP/metrics.0")" \
	    '$1 == "kbd_hits_flushed_total" && $2 - f0 >= 2 { ok = 1 } END { exit !ok }' \
	    "$TMP/metrics.1"
}
# lines_at_least N: the access log has N lines; requests_logged N: N
# besides those of start_kbd's polls of /healthz (as many as it took)
lines_at_least() { [ "$(wc -l <"$access")" -ge "$1" ]; }
requests_logged() { [ "$(grep -vc '"GET /healthz HTTP' "$access")" -ge "$1" ]; }

# 1: metrics
metrics 0
req GET /metrics
header Content-Type | grep -qx 'text/plain; version=0.0.4; charset=utf-8' ||
    fail 1.1 "Content-Type: $(header Content-Type)"
req GET "/api/search?q=imap"
req GET "/api/search?q=imap"	# the same search again: a cache hit
req GET "/api/search?q=qqxyzzyqq"
req GET /a/imap
req GET /api/articles/pop3
req GET /a/does-not-exist
wait_until 10 one_flush
python3 - "$TMP/metrics.0" "$TMP/metrics.1" "$(stat -c %s "$DB")" <<'EOF' || FAILED=$((FAILED + 1))
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
                    r'(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)\})?'
                    r' (-?[0-9.]+(e[+-]?[0-9]+)?|\+Inf|NaN)$')
bad = []
def parse(path):
    vals, types, helps = {}, {}, set()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("# HELP "):
            helps.add(line.split()[2]); continue
        if line.startswith("# TYPE "):
            _, _, name, t = line.split()
            if t not in ("counter", "gauge", "histogram", "summary", "untyped"):
                bad.append(f"1.2 line {n}: type {t}")
            types[name] = t; continue
        m = sample.match(line)
        if not m:
            bad.append(f"1.2 {path} line {n} does not parse: {line!r}"); continue
        name = m.group(1)
        family = re.sub(r'_(bucket|sum|count)$', '', name) if name not in types else name
        if family not in types or family not in helps:
            bad.append(f"1.3 {name}: no TYPE or HELP before it")
        vals[(name, m.group(3) or "")] = float(m.group(7))
    return vals, types
v0, _ = parse(sys.argv[1])
v1, types = parse(sys.argv[2])
def get(v, name, labels=""):
    return v.get((name, labels), 0.0)
def moved(case, name, labels, want):
    d = get(v1, name, labels) - get(v0, name, labels)
    if d != want:
        bad.append(f"{case} {name}{{{labels}}} moved by {d}, want {want}")
moved("1.4", "kbd_http_requests_total", 'route="/api/search",status="200"', 3)
moved("1.5", "kbd_http_requests_total", 'route="/a/",status="404"', 1)
moved("1.6", "kbd_searches_total", "", 3)
moved("1.7", "kbd_searches_empty_total", "", 1)
moved("1.8", "kbd_hits_counted_total", "", 2)
moved("1.9", "kbd_hits_flushed_total", "", 2)
if get(v1, "kbd_cache_hits_total") - get(v0, "kbd_cache_hits_total") < 1:
    bad.append("1.10 the repeated search was not a cache hit")
if get(v1, "kbd_cache_misses_total") - get(v0, "kbd_cache_misses_total") < 3:
    bad.append("1.11 fewer than 3 cache misses for 3 new answers")
if get(v1, "kbd_articles") != 18:
    bad.append(f"1.12 kbd_articles is {get(v1, 'kbd_articles')}, want 18")
if get(v1, "kbd_database_bytes") < int(sys.argv[3]):
    bad.append(f"1.13 kbd_database_bytes {get(v1, 'kbd_database_bytes')} < file size {sys.argv[3]}")
# histograms: cumulative buckets, +Inf == _count
for fam, t in types.items():
    if t != "histogram":
        continue
    series = {}
    for (name, labels), val in v1.items():
        if name == fam + "_bucket":
            le = re.search(r'le="([^"]*)"', labels).group(1)
            key = re.sub(r',?le="[^"]*"', "", labels)
            series.setdefault(key, []).append((float(le), val))
    if not series:
        bad.append(f"1.14 histogram {fam} has no buckets")
    for key, buckets in series.items():
        buckets.sort()
        counts = [c for _, c in buckets]
        if counts != sorted(counts):
            bad.append(f"1.15 {fam}{{{key}}} buckets are not cumulative")
        if buckets[-1][0] != float("inf") or counts[-1] != get(v1, fam + "_count", key):
            bad.append(f"1.16 {fam}{{{key}}}: +Inf bucket is not _count")
for b in bad:
    print("FAIL", b)
sys.exit(1 if bad else 0)
EOF

# 2: the access log
# every request above is in the file (it is written with each flush):
# the 8 made by name and the reads of metrics 1
wait_until 10 requests_logged $((8 + polls))
n0=$(wc -l <"$access")
req GET "/api/search?q=$(uri 'a"b')" -A $'evil\x01agent "quoted"' -H 'Authorization: Bearer s3cr3t-t0ken' \
    -H 'Cookie: kbd_session=s3cr3t-c00kie'
req GET /static/style.css -H 'Referer: https://example.org/faq'
req GET "/a/imap%0a127.0.0.1%20-%20-%20forged"
wait_until 10 lines_at_least $((n0 + 3))	# written with a flush; 2.1 counts them
lines=$(($(wc -l <"$access") - n0))
[ "$lines" = 3 ] || fail 2.1 "$lines new access-log lines for 3 requests"
re='^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\] "[A-Z]+ [^"]* HTTP/1\.[01]" [0-9]{3} [0-9]+ "[^"]*" "[^"]*" [0-9]+us$'
while IFS= read -r line; do
	[[ $line =~ $re ]] || fail 2.2 "access-log line out of format: $line"
done <"$access"
tail -3 "$access" >"$TMP/last3"
grep -q '"GET /api/search?q=a%22b HTTP/1.1" 200 ' "$TMP/last3" ||
    fail 2.3 "the search line: $(head -1 "$TMP/last3")"
grep -qF '"evil\x01agent \x22quoted\x22"' "$TMP/last3" || fail 2.4 "the user agent is not escaped: $(head -1 "$TMP/last3")"
grep -q '"https://example.org/faq"' "$TMP/last3" || fail 2.5 "no referer in the line"
! grep -q 's3cr3t' "$access" || fail 2.6 "a secret header reached the log"
grep -q 'forged' "$TMP/last3" && ! grep -q '^127\.0\.0\.1 - - forged' "$access" ||
    fail 2.7 "an encoded newline split a log line"
grep -v '^kbd: ' "$LOG" | grep -q . && fail 2.8 "stderr has lines that are not kbd's messages: $(grep -v '^kbd: ' "$LOG" | head -2)"
grep -q 'GET /' "$LOG" && fail 2.9 "request lines on stderr although --access-log is a file"

# 3: SIGHUP reopens the log
mv "$access" "$access.1"
req GET /api/top
in_moved() { [ "$(grep -c 'GET /api/top' "$access.1")" -ge 1 ]; }
wait_until 10 in_moved || fail 3.1 "the request before SIGHUP is not in the moved file"
sighup || fail 3.2 "no import after SIGHUP"
req GET /healthz?after-hup
wait_until 3 test -s "$access" || fail 3.3 "no new access log at $access after SIGHUP"
grep -q 'after-hup' "$access" 2>/dev/null || fail 3.4 "the request after SIGHUP is not in the new file"
! grep -q 'after-hup' "$access.1" || fail 3.5 "the request after SIGHUP went to the moved file"

# 4: SIGTERM with requests in flight
hits_before=$(sql "SELECT hits FROM article WHERE slug = 'imap'")
python3 - "$PORT" "$TMP/answered" "$TMP/going" >"$TMP/clients.out" 2>&1 <<'EOF' &
import http.client, sys, threading, time
port, out, going = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
views, broken = 0, []
def client(i):
    global views
    paths = ["/a/imap", "/api/search?q=passwort%20vergessen", "/api/top",
             "/search?q=router%20einrichten", "/api/articles/imap",
             "/static/big4.bin"]
    n = 0
    while True:
        path = paths[(i + n) % len(paths)]
        n += 1
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            # another reader each time: every view answered counts
            conn.request("GET", path, headers={"User-Agent":
                f"Mozilla/5.0 (X11; Linux x86_64) kbd-test/{i}.{n}"})
            r = conn.getresponse()
        except (ConnectionRefusedError, ConnectionResetError,
                http.client.RemoteDisconnected, BrokenPipeError):
            return       # the server is going away: fine before an answer
        except Exception as e:
            with lock:
                broken.append(f"{path}: {type(e).__name__}: {e}")
            return
        try:
            # once the status line came, the body must too; the big file
            # is read slowly, so that SIGTERM finds some under way
            got = 0
            while True:
                chunk = r.read(65536)
                if not chunk:
                    break
                got += len(chunk)
                if path.startswith("/static/"):
                    time.sleep(0.005)
                    if got >= 1 << 20 and n > 6:
                        open(going, "a").close()  # SIGTERM now
            # read(n) ends quietly at a cut; the length tells
            want = r.getheader("Content-Length")
            if want is not None and got != int(want):
                raise EOFError(f"{got} of {want} bytes")
            conn.close()
        except Exception as e:
            with lock:
                broken.append(f"{path}: body cut: {type(e).__name__}: {e}")
            return
        if r.status != 200:
            with lock:
                broken.append(f"{path}: status {r.status}")
        elif path in ("/a/imap", "/api/articles/imap"):
            with lock:
                views += 1
threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
for t in threads: t.start()
for t in threads: t.join()
open(out, "w").write(str(views))
for b in broken[:10]:
    print("FAIL 4.1:", b)
sys.exit(1 if broken else 0)
EOF
clients=$!
wait_until 30 test -e "$TMP/going" || fail 4.0 "the clients got no answers"
kill -TERM "$KBD_PID"
rc=0
wait "$KBD_PID" || rc=$?
KBD_PID=
[ "$rc" = 0 ] || fail 4.2 "kbd exited with status $rc on SIGTERM under load"
crc=0
wait "$clients" || crc=$?
cat "$TMP/clients.out"
[ "$crc" = 0 ] || fail 4.3 "clients saw cut or failed answers"
views=$(cat "$TMP/answered" 2>/dev/null || echo 0)
[ "$views" -gt 0 ] || fail 4.4 "no view was answered before SIGTERM"
got=$(sql "SELECT hits FROM article WHERE slug = 'imap'")
[ "$got" = $((hits_before + views)) ] ||
    fail 4.5 "imap has $got hits after $views views answered, want $((hits_before + views))"

# 5: a slow answer under way when SIGTERM comes
mkdir "$TMP/static"
head -c $((12 * 1024 * 1024)) /dev/urandom >"$TMP/static/big.bin"
start_kbd --static "$TMP/static"
python3 - "$PORT" "$TMP/static/big.bin" "$TMP/ready" "$TMP/go" >"$TMP/slow.out" 2>&1 <<'EOF2' &
import hashlib, os, socket, sys, time
port, path, ready, go = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = s.recv(16384)
open(ready, "w").write("1")
for _ in range(80):         # SIGTERM arrives now; read fast when told
    if os.path.exists(go):
        break
    time.sleep(0.1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
want = open(path, "rb").read()
if not head.startswith(b"HTTP/1.1 200"):
    print("FAIL 5.1: status line", head[:40]); sys.exit(1)
if hashlib.sha256(body).digest() != hashlib.sha256(want).digest():
    print(f"FAIL 5.2: got {len(body)} bytes of {len(want)}"); sys.exit(1)
EOF2
slow=$!
wait_until 30 test -f "$TMP/ready" || fail 5.3 "the slow client did not start"
kill -TERM "$KBD_PID"
closed() {
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz")
	[ "$code" = 000 ]
}
wait_until 0.5 closed || fail 5.4 "a new connection got $code while stopping, want it closed"
kill -0 "$KBD_PID" 2>/dev/null || fail 5.5 "kbd did not wait for the slow answer"
touch "$TMP/go"
src=0
wait "$slow" || src=$?
cat "$TMP/slow.out"
[ "$src" = 0 ] || fail 5.6 "the slow client did not get the whole file"
rc=0
wait "$KBD_PID" || rc=$?
KBD_PID=
[ "$rc" = 0 ] || fail 5.7 "kbd exited with status $rc"
test_done
