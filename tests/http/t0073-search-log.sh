#!/usr/bin/env bash
# t0073-search-log: nobody can make the search log grow without end
# (issue 15, finding 4: each distinct search added a row for ever; one
# client added 3,000 rows in 9 s).
#   1.x  days older than --search-log-days (default 180) are deleted:
#        a row of 200 days ago goes, one of 179 days ago stays
#   2.x  one client (X-Real-IP from a proxy on this host) searching 100
#        distinct queries gets at most 20 a minute logged (40: the
#        searches may straddle a minute); the searches are all answered
#   3.x  a day takes at most --search-log-queries distinct queries (here
#        50): 60 new queries from 60 clients leave 50 rows, the rest is
#        counted in the day's row of "other" (the empty query), which
#        the staff statistics do not list; a query the day has already
#        is still counted on its own row
. "$(dirname "$0")/../lib.sh"

today=$(($(date +%s) / 86400))
start_kbd
stop_kbd 1.0
sql "INSERT INTO search_log(day, query, results, count) VALUES
    ($((today - 200)), 'uraltsuche', 1, 3), ($((today - 179)), 'altsuche', 1, 2)"
start_kbd --search-log-queries 50

# logged QUERY: is QUERY in today's log?  Searches are flushed in the
# order they came: once a search made last is there, all are.
logged() { [ -n "$(sql "SELECT 1 FROM search_log WHERE day = $today AND query = '$1'")" ]; }

# 1: retention
pruned() { [ -z "$(sql "SELECT 1 FROM search_log WHERE query = 'uraltsuche'")" ]; }
req GET "/search?q=markierung" -H 'X-Real-IP: 192.0.2.1'
wait_until 10 logged markierung || fail 1.1 "the search is not logged: $(sql "SELECT * FROM search_log")"
wait_until 10 pruned || fail 1.2 "a row of 200 days ago is still there"
[ "$(sql "SELECT count FROM search_log WHERE query = 'altsuche'")" = 2 ] ||
    fail 1.3 "a row of 179 days ago is gone"

# 2: per-client rate
py 2.1 "$PORT" >"$TMP/rate" <<'EOF'
import http.client, sys, urllib.parse
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
ok = 0
for i in range(100):
    q = "rate" + chr(97 + i // 26) + chr(97 + i % 26) + "q"
    c.request("GET", "/api/search?q=" + urllib.parse.quote(q), headers={"X-Real-IP": "203.0.113.5"})
    r = c.getresponse()
    r.read()
    ok += r.status == 200
print(ok)
EOF
[ "$(cat "$TMP/rate")" = 100 ] || fail 2.2 "only $(cat "$TMP/rate") of 100 searches answered 200"
req GET "/api/search?q=zweitemarke" -H 'X-Real-IP: 192.0.2.2'
wait_until 10 logged zweitemarke || fail 2.3 "the marker search is not logged"
n=$(sql "SELECT count(*) FROM search_log WHERE query LIKE 'rate%'")
echo "2.4: 100 distinct searches from one client, $n logged"
[ "$n" -ge 1 ] && [ "$n" -le 40 ] || fail 2.4 "$n of 100 searches of one client logged, want 1 to 40"

# 3: distinct queries a day
have=$(sql "SELECT count(*) FROM search_log WHERE day = $today AND query <> ''")
py 3.1 "$PORT" <<'EOF'
import http.client, sys, urllib.parse
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for i in range(60):
    q = "neu" + chr(97 + i // 26) + chr(97 + i % 26) + "x"
    c.request("GET", "/api/search?q=" + q, headers={"X-Real-IP": "198.51.100.%d" % (i + 1)})
    c.getresponse().read()
EOF
# queries the day has: counted on their own rows; the last one made says
# that all before it are written
req GET "/api/search?q=markierung" -H 'X-Real-IP: 192.0.2.3'
req GET "/api/search?q=zweitemarke" -H 'X-Real-IP: 192.0.2.3'
twice() { [ "$(sql "SELECT count FROM search_log WHERE day = $today AND query = '$1'")" = 2 ]; }
wait_until 10 twice zweitemarke || fail 3.2 "a query the day has was not counted on its own row"
twice markierung || fail 3.3 "a query the day has was not counted on its own row"
n=$(sql "SELECT count(*) FROM search_log WHERE day = $today AND query <> ''")
o=$(sql "SELECT coalesce(sum(count), 0) FROM search_log WHERE day = $today AND query = ''")
echo "3.4: $have rows before, 60 new queries: $n rows, $o counted as other"
[ "$n" = 50 ] || fail 3.4 "$n distinct queries today, want 50"
[ "$((have + 60 - n))" = "$o" ] || fail 3.5 "'other' counts $o, want $((have + 60 - n))"
test_done
