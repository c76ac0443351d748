#!/usr/bin/env bash
# t0047-load: 64 connections of mixed requests for LOAD_SECONDS.
#   1.x  wrk keeps 64 keep-alive connections busy for LOAD_SECONDS
#        (default 15; issue 7 asks for 60: LOAD_SECONDS=60 tests/run)
#        with pages, searches (page, API, suggest; 600 of them new to the
#        cache in the first rounds), article views by 64
#        browsers, robots and scripts, the top list, static files with
#        and without gzip, 304s, /healthz and /metrics, on 2 threads:
#        every answer is 200 or 304, no connect, read, write or timeout
#        error; kbd's own count of answers (/metrics) is what wrk got,
#        plus at most one request in flight per connection at the end
#        (how fast is make bench's business, not a test's)
#   2.x  memory: the resident size (VmRSS) at the end is within 16 MB or
#        25 % of what it was after a warm-up of a third of the run; not
#        checked under AddressSanitizer, whose RSS means little (its
#        leak check at the stop covers that build)
#   3.x  kbd still answers, counted the views, and stops cleanly
. "$(dirname "$0")/../lib.sh"

LOAD_SECONDS=${LOAD_SECONDS:-15}
command -v wrk >/dev/null || die "wrk is not installed (kbd/deps.sh test)"

start_kbd --threads 2
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$KBD_PID/status"; }
etag=$(curl -s -D - -o /dev/null "$BASE/static/style.css" | tr -d '\r' | sed -n 's/^ETag: //Ip')
[ -n "$etag" ] || die "no ETag for style.css"
slugs=$(jget "/api/top?limit=100" '.articles[].slug' | tr '\n' ' ')

cat >"$TMP/load.lua" <<EOF
-- One request after another from a fixed mix; every thread counts the
-- answers that are neither 200 nor 304.
local slugs = {}
for s in string.gmatch("$slugs", "%S+") do slugs[#slugs + 1] = s end
local queries = { "imap", "passwort%20vergessen", "email%20einrichten%20outlook",
	"ueber%20ssl%20abrufen", "Mailprogram", "dns", "router", "spam", "%3Cscript%3E",
	"zzqxy", "weiterleitung%20einrichten", "kennwort" }
local robots = { "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"curl/7.88.1", "facebookexternalhit/1.1" }
local threads = {}
function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end
function init(args)
	n = id * 13
	bad = 0
	statuses = ""
end
local function browser(k)
	return "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0 kbd-load/" .. (k % 64)
end
function request()
	n = n + 1
	local k, s, q = n % 13, slugs[n % #slugs + 1], queries[n % #queries + 1]
	local h = { ["User-Agent"] = browser(n) }
	if k == 0 then return wrk.format("GET", "/", h)
	elseif k == 1 then return wrk.format("GET", "/search?q=" .. q, h)
	elseif k == 2 then return wrk.format("GET", "/api/search?q=" .. q .. "&limit=" .. (n % 20 + 1), h)
	elseif k == 3 then return wrk.format("GET", "/api/suggest?q=" .. string.sub(q, 1, n % 5 + 1), h)
	elseif k == 4 then return wrk.format("GET", "/a/" .. s, h)
	elseif k == 5 then return wrk.format("GET", "/api/articles/" .. s, h)
	elseif k == 6 then
		h["User-Agent"] = robots[n % #robots + 1]
		return wrk.format("GET", "/a/" .. s, h)
	elseif k == 7 then return wrk.format("GET", "/api/top?limit=" .. (n % 30 + 1), h)
	elseif k == 8 then
		h["Accept-Encoding"] = "gzip"
		return wrk.format("GET", "/static/style.css", h)
	elseif k == 9 then
		h["If-None-Match"] = '$etag'
		return wrk.format("GET", "/static/style.css", h)
	elseif k == 10 then return wrk.format("GET", "/healthz", h)
	elseif k == 11 then
		-- 600 searches the cache has not seen in the first rounds
		return wrk.format("GET", "/api/search?q=" .. q .. "%20" .. (n % 600), h)
	else
		h["Accept-Encoding"] = "gzip"
		return wrk.format("GET", "/a/" .. s, h)
	end
end
function response(status, headers, body)
	if status ~= 200 and status ~= 304 then
		bad = bad + 1
		if #statuses < 200 then statuses = statuses .. " " .. status end
	end
end
function done(summary, latency, requests)
	local b, st = 0, ""
	for _, t in ipairs(threads) do
		b = b + t:get("bad")
		st = st .. t:get("statuses")
	end
	local e = summary.errors
	io.write(string.format("RESULT requests=%d bad=%d connect=%d read=%d write=%d timeout=%d p50=%.1f p99=%.1f statuses=%s\n",
		summary.requests, b, e.connect, e.read, e.write, e.timeout,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, st))
end
EOF

answers() {	# all answers kbd counted, by route and status
	curl -s "$BASE/metrics" |
	    awk '/^kbd_http_requests_total\{/ { n += $2 } END { print n + 0 }'
}

# 1: the load, with the memory sampled each second
answers0=$(answers)
rss0=$(rss)
wrk -t2 -c64 -d"${LOAD_SECONDS}s" --timeout 10s -s "$TMP/load.lua" "$BASE" >"$TMP/wrk.out" 2>&1 &
wrk=$!
warm=$(( (LOAD_SECONDS + 2) / 3 ))
: >"$TMP/rss"
for i in $(seq "$LOAD_SECONDS"); do
	sleep 1	# one sample a second while wrk runs
	kill -0 "$KBD_PID" 2>/dev/null || break
	echo "$i $(rss)" >>"$TMP/rss"
done
wait "$wrk" || fail 1.1 "wrk failed: $(tail -3 "$TMP/wrk.out")"
result=$(grep '^RESULT ' "$TMP/wrk.out")
[ -n "$result" ] || die "no result from wrk: $(cat "$TMP/wrk.out")"
kill -0 "$KBD_PID" 2>/dev/null || die "kbd died under load"
rss_warm=$(awk -v w="$warm" '$1 == w { print $2 }' "$TMP/rss")
rss_end=$(rss)
rss_max=$(sort -k2 -n "$TMP/rss" | tail -1 | cut -d' ' -f2)
echo "load: $LOAD_SECONDS s, $result"
echo "rss (kB): start $rss0, after warm-up ($warm s) $rss_warm, max $rss_max, end $rss_end"
get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
[ "$(get requests)" -gt 0 ] || fail 1.2 "wrk got no answers"
# kbd counts an answer once it is queued; wrk leaves up to one request a
# connection unread when its time is up; the /metrics read itself counts.
answered=$(( $(answers) - answers0 - 1 ))
[ "$answered" -ge "$(get requests)" ] && [ "$answered" -le $(( $(get requests) + 64 )) ] ||
    fail 1.4 "kbd counted $answered answers, wrk got $(get requests)"
for e in bad connect read write timeout; do
	[ "$(get "$e")" = 0 ] || fail 1.3 "$(get "$e") $e errors: $result"
done

# 2: memory
if grep -q __asan_init "$KBD"; then
	# Not a skip: the plain build, which make test always runs too,
	# checks memory; ASan's own allocator makes RSS say nothing here.
	echo "# 2.1 is checked in the plain build (ASan's RSS says nothing)"
elif [ -z "$rss_warm" ]; then
	fail 2.1 "no RSS sample after the warm-up"
else
	allowed=$(( rss_warm / 4 > 16384 ? rss_warm / 4 : 16384 ))
	[ "$rss_end" -le $((rss_warm + allowed)) ] ||
	    fail 2.1 "RSS grew from $rss_warm kB after the warm-up to $rss_end kB at the end"
fi

# 3: still well
wait_until 10 views_flushed	# the last flush
expect_json 3.1 /api/top '.articles | length == 10'
counted=$(curl -s "$BASE/metrics" | awk '$1 == "kbd_hits_counted_total" { print $2 }')
[ "$counted" -ge 64 ] || fail 3.2 "only $counted views counted"
robots=$(curl -s "$BASE/metrics" | awk '$1 == "kbd_views_skipped_total{reason=\"robot\"}" { print $2 }')
[ "$robots" -gt 0 ] || fail 3.3 "no robot views skipped"
stop_kbd 3.4
test_done
