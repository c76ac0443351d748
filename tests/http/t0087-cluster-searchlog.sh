#!/usr/bin/env bash
# t0087-cluster-searchlog: the search log and the clicks from results
# pages of cluster nodes are counted in the cluster's PostgreSQL
# (tests/cluster/pg.sh), and every node's staff statistics show the
# cluster's (issue 18).
#   1.x  three nodes (--search-log-queries 20); searches spread round
#        robin over them, one that finds (imap, 5 times) and one that
#        finds nothing (6 times): PostgreSQL has them once per day and
#        query with the summed counts, and every node's staff API (a
#        cluster account's token) lists them with those counts within
#        2 s, the one without results among "no_results"
#   2.x  a reader opens imap from node 1's results page: every node
#        shows 1 opened within 2 s, and the reader's click for the
#        ranking is one tag in PostgreSQL and in every node's database;
#        the same reader again from nodes 2 and 3: 3 opened, as on one
#        node, but still one tag; two more readers: two or three tags
#        (tags have 8 bits: two readers of 256 share one), the same
#        number in PostgreSQL and on every node
#   3.x  the day's limit of distinct queries holds over the cluster: 30
#        new queries spread over the nodes leave 20 distinct queries of
#        the day in PostgreSQL and in every node's database, the rest
#        counted in the day's row of "other" (the empty query)
#   4.x  PostgreSQL paused while searching on every node: the searches
#        answer 200, /metrics shows them waiting, and 5 s after it is
#        back every node's staff API has them
#   5.x  a fourth node, started afterwards on an empty database, shows
#        the cluster's search log and its clicks within 2 s
#   6.x  the nodes stop cleanly
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

src=$(copy_articles src)
"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
    die "kbd import failed: $(cat "$TMP/import.out")"
echo "anna-passwort-1" | "$KBD" user add anna --role admin \
    --cluster "$PG_URL" 2>"$TMP/err" || die "kbd user add: $(cat "$TMP/err")"
tok=$("$KBD" user token anna --cluster "$PG_URL" 2>"$TMP/err") ||
    die "kbd user token: $(cat "$TMP/err")"

today=$(($(date +%s) / 86400))
# search N QUERY: a search on node N; prints the status
search() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
	    "${NBASE[$1]}/api/search?q=$(uri "$2")"
}
# stat N LIST QUERY FIELD: FIELD of QUERY in LIST of node N's staff
# statistics, or 0
stat() {
	curl -s --max-time 20 -H "Authorization: Bearer $tok" \
	    "${NBASE[$1]}/api/admin/stats" |
	    jq -r --arg q "$3" "[.$2[] | select(.label == \$q) | .$4][0] // 0"
}
# everywhere LIST QUERY FIELD WANT: every node shows WANT
everywhere() {
	local n
	for n in 1 2 3; do
		[ "$(stat $n "$1" "$2" "$3")" = "$4" ] || return 1
	done
}
shown_all() {	# shown_all LIST QUERY FIELD
	echo "node 1: $(stat 1 "$@"), node 2: $(stat 2 "$@"), node 3: $(stat 3 "$@")"
}
logged_pg() {	# logged_pg QUERY: its count of today in PostgreSQL
	psql_kbd kbd "SELECT coalesce((SELECT count FROM kbd.search_log
	    WHERE day = $today AND query = '$1'), 0)"
}
# click N UA: the reader UA opens imap from node N's results for imap
click() {
	curl -s -o /dev/null -w '%{http_code}' -A "$2" --max-time 20 \
	    -e "${NBASE[$1]}/search?q=imap" "${NBASE[$1]}/a/imap"
}
tags_pg() {
	psql_kbd kbd "SELECT count(*) FROM kbd.search_click c JOIN kbd.article a
	    ON a.id = c.article_id WHERE a.slug = 'imap' AND c.query = 'imap'"
}
tags_on() {
	sqlite3 "$TMP/node$1.sqlite" "SELECT count(*) FROM search_click c
	    JOIN article a ON a.id = c.article_id
	    WHERE a.slug = 'imap' AND c.query = 'imap'"
}
tags_everywhere() {	# tags_everywhere WANT
	[ "$(tags_pg)" = "$1" ] && [ "$(tags_on 1)" = "$1" ] &&
	    [ "$(tags_on 2)" = "$1" ] && [ "$(tags_on 3)" = "$1" ]
}
more_tags() {	# more_tags: 2 or 3 tags, the same everywhere
	local t
	t=$(tags_pg)
	[ "$t" -ge 2 ] && tags_everywhere "$t"
}

# 1: searches spread over three nodes
for n in 1 2 3; do
	start_node $n "$TMP/node$n.sqlite" --search-log-queries 20
done
gap=xylophonreparatur
k=0
bad=0
for i in $(seq 5); do
	k=$((k + 1))
	[ "$(search $((k % 3 + 1)) imap)" = 200 ] || bad=$((bad + 1))
done
for i in $(seq 6); do
	k=$((k + 1))
	[ "$(search $((k % 3 + 1)) "$gap")" = 200 ] || bad=$((bad + 1))
done
[ "$bad" = 0 ] || fail 1.1 "$bad of 11 searches did not answer 200"
wait_until 2 everywhere searches imap count 5 ||
    fail 1.2 "imap's 5 searches are not shown by every node within 2 s: $(shown_all searches imap count)"
wait_until 2 everywhere no_results "$gap" count 6 ||
    fail 1.3 "the 6 searches that found nothing are not shown by every node within 2 s: $(shown_all no_results "$gap" count)"
[ "$(logged_pg imap)" = 5 ] && [ "$(logged_pg "$gap")" = 6 ] ||
    fail 1.4 "PostgreSQL counts imap $(logged_pg imap), $gap $(logged_pg "$gap"); want 5, 6"
[ "$(psql_kbd kbd "SELECT results > 0 FROM kbd.search_log
    WHERE day = $today AND query = 'imap'")" = t ] ||
    fail 1.5 "PostgreSQL has no results for imap"
for n in 1 2 3; do
	[ "$(stat $n no_results imap count)" = 0 ] ||
	    fail "1.6.$n" "node $n lists imap among the searches without results"
done

# 2: clicks from a results page
ua=$(reader)
[ "$(click 1 "$ua")" = 200 ] || fail 2.1 "the reader's click on node 1 failed"
wait_until 2 everywhere searches imap opened 1 ||
    fail 2.2 "the click is not shown by every node within 2 s: $(shown_all searches imap opened)"
wait_until 2 tags_everywhere 1 ||
    fail 2.3 "the reader's click is not one tag everywhere: PostgreSQL $(tags_pg), nodes $(tags_on 1) $(tags_on 2) $(tags_on 3)"
[ "$(click 2 "$ua")" = 200 ] && [ "$(click 3 "$ua")" = 200 ] ||
    fail 2.4 "the reader's clicks on nodes 2 and 3 failed"
wait_until 2 everywhere searches imap opened 3 ||
    fail 2.5 "3 openings are not shown by every node within 2 s: $(shown_all searches imap opened)"
tags_everywhere 1 ||
    fail 2.6 "one reader on three nodes left tags: PostgreSQL $(tags_pg), nodes $(tags_on 1) $(tags_on 2) $(tags_on 3)"
[ "$(click 2 "$(reader)")" = 200 ] && [ "$(click 3 "$(reader)")" = 200 ] ||
    fail 2.7 "two more readers' clicks failed"
wait_until 2 more_tags ||
    fail 2.8 "three readers are not two or three tags everywhere: PostgreSQL $(tags_pg), nodes $(tags_on 1) $(tags_on 2) $(tags_on 3)"

# 3: the day's distinct queries, over the cluster
abc=abcdefghijklmnopqrstuvwxyz
for i in $(seq 30); do
	q="neu${abc:i / 26:1}${abc:i % 26:1}x"
	[ "$(search $((i % 3 + 1)) "$q")" = 200 ] || fail "3.1.$i" "search $q failed"
done
distinct_pg() {
	psql_kbd kbd "SELECT count(*) FROM kbd.search_log
	    WHERE day = $today AND query <> ''"
}
other_pg() {
	psql_kbd kbd "SELECT coalesce(sum(count), 0) FROM kbd.search_log
	    WHERE day = $today AND query = ''"
}
distinct_on() {
	sqlite3 "$TMP/node$1.sqlite" "SELECT count(*) FROM search_log
	    WHERE day = $today AND query <> ''"
}
other_on() {
	sqlite3 "$TMP/node$1.sqlite" "SELECT coalesce(sum(count), 0)
	    FROM search_log WHERE day = $today AND query = ''"
}
# 2 queries before, 30 new: 20 rows, 12 counted as other
limited() {
	local n
	[ "$(distinct_pg)" = 20 ] && [ "$(other_pg)" = 12 ] || return 1
	for n in 1 2 3; do
		[ "$(distinct_on $n)" = 20 ] && [ "$(other_on $n)" = 12 ] ||
		    return 1
	done
}
wait_until 2 limited ||
    fail 3.2 "want 20 queries and 12 other: PostgreSQL $(distinct_pg) and $(other_pg), nodes $(distinct_on 1)/$(other_on 1) $(distinct_on 2)/$(other_on 2) $(distinct_on 3)/$(other_on 3)"

# 4: PostgreSQL away while searching
pg_pause
bad=0
for i in $(seq 9); do
	q=imap
	[ "$i" -gt 6 ] && q=$gap
	[ "$(search $((i % 3 + 1)) "$q")" = 200 ] || bad=$((bad + 1))
done
[ "$bad" = 0 ] || fail 4.1 "$bad of 9 searches failed while PostgreSQL was away"
waiting=0
for n in 1 2 3; do
	w=$(BASE=${NBASE[$n]} metric kbd_cluster_hits_waiting)
	waiting=$((waiting + ${w:-0}))
done
[ "$waiting" = 9 ] || fail 4.2 "/metrics shows $waiting waiting, want 9"
pg_resume
back() {
	everywhere searches imap count 11 &&
	    everywhere no_results "$gap" count 9
}
wait_until 5 back ||
    fail 4.3 "5 s after PostgreSQL is back: imap $(shown_all searches imap count) (want 11), $gap $(shown_all no_results "$gap" count) (want 9)"

# 5: a node that joins later
start_node 4 "$TMP/node4.sqlite" --search-log-queries 20
joined() {
	[ "$(stat 4 searches imap count)" = 11 ] &&
	    [ "$(stat 4 searches imap opened)" = 5 ] &&
	    [ "$(stat 4 no_results "$gap" count)" = 9 ]
}
wait_until 2 joined ||
    fail 5.1 "node 4 shows imap $(stat 4 searches imap count) (want 11), opened $(stat 4 searches imap opened) (want 5), $gap $(stat 4 no_results "$gap" count) (want 9)"

stop_node 6.1 1
stop_node 6.2 2
stop_node 6.3 3
stop_node 6.4 4
test_done
