#!/usr/bin/env bash
# t0006-search-bad-input: no query text makes kbd fail.  Every input below
# goes to /api/search?q= (want 200, valid JSON with a results array and
# the query echoed as a string) and to /search?q= (want 200 HTML):
#   1.x  FTS5 syntax as plain text: quotes (balanced and not), AND, OR,
#        NOT, NEAR, NEAR(a b, 3), *, -, ^, :, +, column filters
#        (title:imap, {title body_text}:imap), parentheses, backslashes
#   2.x  sizes: 10 KB of words, a 1000-letter word, 200 distinct words,
#        100 KB (over the 64 KB request limit: 414 is accepted, never 500)
#   3.x  bytes: %00, %01..%1F, %7F, invalid UTF-8 (%FF, %C3%28, overlong
#        %C0%AF, truncated %E2%82, above U+10FFFF %F4%90%80%80), lone
#        surrogates (%ED%A0%80), emoji, combining marks, ligatures, broken
#        percent escapes; the query comes back as valid UTF-8
#   4.x  limit and offset: 0, -1, text, 1.5, empty -> 400 {"error"} or the
#        default; large values are clamped (limit to 100, offset 10000)
#   5.x  afterwards /healthz still says ok and a normal search works
. "$(dirname "$0")/../lib.sh"

start_kbd

# Each "CASE<tab>QUERY" line (QUERY percent-encoded) queued with try()
# is sent to both endpoints by check_queries, over one connection.
QUEUE=$TMP/queries
: >"$QUEUE"
try() { printf '%s\t%s\n' "$1" "$2" >>"$QUEUE"; }
check_queries() {
	local out rc=0
	out=$(python3 - "$PORT" "$QUEUE" <<'EOF'
import http.client, json, sys
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
def get(path):
    global conn
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read()
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        return 0, "", str(e).encode()
for line in open(sys.argv[2], encoding="ascii"):
    case, q = line.rstrip("\n").split("\t", 1)
    short = q[:60]
    st, ctype, body = get("/api/search?q=" + q)
    try:
        j = json.loads(body.decode("utf-8"))
        ok = (isinstance(j.get("results"), list)
              and isinstance(j.get("query"), str)
              and isinstance(j.get("total"), int))
    except ValueError:
        ok = False
    if st != 200 or not ok or ctype != "application/json; charset=utf-8":
        print(f"FAIL {case}: /api/search?q={short} gave {st} {body[:150]!r}")
    st, ctype, body = get("/search?q=" + q)
    if (st != 200 or not ctype.startswith("text/html")
            or not body.rstrip().endswith(b"</html>")):
        print(f"FAIL {case}: /search?q={short} gave {st} {body[:150]!r}")
    try:
        body.decode("utf-8")
    except ValueError:
        print(f"FAIL {case}: /search?q={short}: the page is not valid UTF-8")
EOF
) || rc=$?
	[ "$rc" = 0 ] || fail "$(head -c 20 "$QUEUE")" "the query sender exited with status $rc"
	if [ -n "$out" ]; then
		echo "$out"
		FAILED=$((FAILED + $(wc -l <<<"$out")))
	fi
	: >"$QUEUE"
}

rep() {	# rep TEXT N: TEXT N times
	local out= i
	for ((i = 0; i < $2; i++)); do out+=$1; done
	printf '%s' "$out"
}

# 1: FTS5 syntax is text
n=1
for q in '"' '""' '"""' '"imap' 'imap"' '"imap ssl' "'" "imap'" \
    AND OR NOT NEAR 'imap AND ssl' 'imap OR' 'OR imap' 'NOT imap' \
    'imap NOT' 'imap NEAR ssl' 'NEAR(imap ssl, 3)' 'NEAR(a b, 3)' \
    'NEAR(' 'NEAR(imap' '*' 'imap*' '* imap' '-' '-imap' 'imap -ssl' \
    '^' '^imap' ':' 'imap:' ':imap' 'title:imap' 'body_text:imap' \
    'tags : ssl' '{title body_text}:imap' '{title' '(' ')' '(imap)' \
    '((imap' 'imap)' '(imap OR ssl) AND NOT dns' '+' '+imap' \
    '\' '\"' 'imap\' '&&' '||' ';' 'imap; DROP TABLE article;--' \
    "' OR 1=1 --" '%' '%%' '$' '`' '<>' '[imap]' 'a"b"c' \
    '"imap" "ssl"' 'ssl ssl ssl'; do
	try 1.$n "$(uri "$q")"
	n=$((n + 1))
done
# FTS5 words as text still find what they say
check_queries
expect_json 1.90 "/api/search?q=$(uri 'imap AND ssl')" '.results[0].slug == "imap"'
expect_json 1.91 "/api/search?q=$(uri 'NEAR(imap ssl, 3)')" '.results[0].slug == "imap"'
expect_json 1.92 "/api/search?q=$(uri '"imap')" '.results[0].slug == "imap"'
expect_json 1.93 "/api/search?q=$(uri '-imap*')" '.results[0].slug == "imap"'

# 2: sizes
words=$(rep 'imap%20ssl%20postfach%20router%20' 650)
try 2.1 "$words"		# about 10 KB decoded
expect_json 2.2 "/api/search?q=$words" '([.results[].slug] | index("imap")) != null and (.query | length) <= 1024'
try 2.3 "$(rep x 1000)"
many=$(for i in $(seq 200); do printf 'wort%d%%20' "$i"; done)
try 2.4 "$many"
try 2.5 "imap%20$many"
try 2.6 "$(rep %22 3000)"
try 2.7 "$(rep '(' 3000)imap"
try 2.8 "$(rep %C3%BC 1500)"
try 2.9 "$(rep a%CC%88 1000)"	# combining diaeresis
check_queries
huge=$(rep imap%20ssl%20 8000)	# about 100 KB
for path in "/api/search?q=$huge" "/search?q=$huge"; do
	req GET "$path"
	case $STATUS in
	200 | 414 | 431) ;;
	*) fail 2.10 "a 100 KB query gave $STATUS, want 200 (or 414: too long)" ;;
	esac
done
healthy || die "kbd stopped answering after 100 KB queries"

# 3: bytes
n=1
for b in 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 \
    18 19 1A 1B 1C 1D 1E 1F 7F; do
	try 3.$n "imap%${b}ssl"
	try 3.$n "%${b}"
	n=$((n + 1))
done
for q in %00 imap%00ssl %00imap %FF imap%FFssl %FE%FF %C3%28 %C0%AF %C0%80 \
    %E0%80%AF %E2%82 imap%E2%82 %ED%A0%80 %ED%BF%BF %ED%A0%BD%ED%B8%80 \
    %F4%90%80%80 %F8%88%80%80%80 %80 %BF%BF %F0%9F%98%80 \
    %F0%9F%98%80imap %EF%BB%BF %E2%80%8B %E2%80%AEimap %EF%AC%81 \
    %E2%85%AB %C3%9F%C3%9F %EF%BF%BD %F0%9F%91%A8%E2%80%8D%F0%9F%91%A9 \
    % %G1 %%20 imap%2 %u00FC %2 '%ZZ' 'imap&q=ssl' '&&&' '=' 'imap=ssl'; do
	try 3.$n "$q"
	n=$((n + 1))
done
check_queries
# the query comes back as valid UTF-8 with U+FFFD for bad bytes
expect_json 3.90 "/api/search?q=%FF" '.query == "\ufffd"'
expect_json 3.91 "/api/search?q=a%C0%AFb" '.query | test("^a\ufffd+b$")'
expect_json 3.92 "/api/search?q=imap%01ssl" '.query == "imap ssl" and .results[0].slug == "imap"'
expect_json 3.93 "/api/search?q=imap%00ssl" '.results[0].slug == "imap"'
expect_json 3.94 "/api/search?q=%F0%9F%98%80" '.query == "😀"'
req GET "/api/search?q=%ED%A0%80%FF%C3"
iconv -f UTF-8 -t UTF-8 <"$BODY" >/dev/null 2>&1 ||
    fail 3.95 "the JSON answer is not valid UTF-8"
req GET "/search?q=%ED%A0%80%FF%C3%28%01"
iconv -f UTF-8 -t UTF-8 <"$BODY" >/dev/null 2>&1 ||
    fail 3.96 "the search page is not valid UTF-8"
LC_ALL=C grep -q $'\x01' "$BODY" && fail 3.97 "a control character reached the search page"

# 4: limit and offset
n=1
for p in limit=0 limit=-1 limit=abc limit=1.5 "limit=5%20x" limit=0x10 \
    offset=-1 offset=abc "offset=1e3"; do
	if expect_status 4.$n GET "/api/search?q=imap&$p" 400; then
		jq -e '.error | type == "string"' "$BODY" >/dev/null ||
		    fail 4.$n "$p: no {\"error\"}: $(cat "$BODY")"
		header Content-Type | grep -qx 'application/json; charset=utf-8' ||
		    fail 4.$n "$p: Content-Type $(header Content-Type)"
	fi
	n=$((n + 1))
done
expect_json 4.20 "/api/search?q=imap&limit=" '.limit == 10'
for p in "limit=%00" "limit=1%002" "offset=%00x"; do	# 200 or 400, no more
	req GET "/api/search?q=imap&$p"
	[ "$STATUS" = 200 ] || [ "$STATUS" = 400 ] || fail 4.19 "$p gave $STATUS"
done
expect_json 4.21 "/api/search?q=imap&limit=100" '.limit == 100'
expect_json 4.22 "/api/search?q=imap&limit=101" '.limit == 100'
expect_json 4.23 "/api/search?q=imap&limit=1000000000" '.limit == 100'
expect_json 4.24 "/api/search?q=imap&offset=10000" '.offset == 10000 and .results == []'
expect_json 4.25 "/api/search?q=imap&offset=1000000000" '.offset == 10000 and .results == []'
# "a larger number gives max" (api.c, arg_number): that holds for every
# number, not only those up to 10^9
expect_json 4.26 "/api/search?q=imap&limit=10000000000" '.limit == 100'
expect_json 4.27 "/api/search?q=imap&offset=10000000000" '.offset == 10000'
expect_json 4.28 "/api/search?q=imap&limit=1" '(.results | length) == 1'
for p in page=0 page=-1 page=abc page=1000000000000 "page=%00"; do
	expect_status 4.29 GET "/search?q=imap&$p" 200
done

# 5: still alive
healthy || fail 5.1 "/healthz does not answer 200 any more"
expect_json 5.2 "/api/search?q=imap%20ssl" '.results[0].slug == "imap"'
stop_kbd 5.3
test_done
