#!/usr/bin/env bash
# t0082-cluster-counts: the hits of cluster nodes are counted in the
# cluster's PostgreSQL (tests/cluster/pg.sh), once per reader, article
# and day across all nodes, and every node shows the cluster's counts.
#   1.x  three nodes; 10 readers view one article 10 times each, round
#        robin over the nodes (as behind a load balancer): exactly +10 in
#        PostgreSQL and in every node's shown count within 2 s, and
#        no more later; the top lists (all time, today) are the same on
#        every node and hold the cluster's counts; no address or
#        User-Agent is kept in PostgreSQL
#   2.x  PostgreSQL stopped for about 10 s while readers keep viewing:
#        every read answers 200, /metrics shows the views waiting, and
#        5 s after PostgreSQL is back every counted view is in it and
#        shown by every node, and nothing waits any more
#   3.x  a node stopped cleanly (SIGTERM) right after views loses none
#        of them; started again, it shows the cluster's count
#   4.x  6 readers vote on one node each (the form of another node:
#        the nodes share the forms' key): 4 yes and 2 no in PostgreSQL
#        and on every node within 2 s; their votes again on other nodes
#        change nothing; a comment sent to two nodes by one reader is
#        kept once, and every node's database has it
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

src=$(copy_articles src)
"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
    die "kbd import failed: $(cat "$TMP/import.out")"

# view N UA SLUG: a reader's view of /a/SLUG on node N; prints the status
view() {
	curl -s -o /dev/null -w '%{http_code}' -A "$2" --max-time 20 \
	    "${NBASE[$1]}/a/$3"
}
# shown N SLUG: the hits node N shows (curl's agent is no reader: it
# does not count itself)
shown() {
	curl -s --max-time 20 "${NBASE[$1]}/api/articles/$2" | jq -r .hits
}
# counted SLUG: the cluster's count of SLUG's views (seed left out)
counted() {
	psql_kbd kbd "SELECT coalesce((SELECT h.count FROM kbd.hit h
	    JOIN kbd.article a ON a.id = h.article_id
	    WHERE a.slug = '$1'), 0)"
}
# all_show SLUG WANT: every running node shows WANT hits of SLUG
all_show() {
	local n
	for n in "${!NPID[@]}"; do
		[ -n "${NPID[$n]}" ] || continue
		[ "$(shown "$n" "$1")" = "$2" ] || return 1
	done
}
# everywhere SLUG COUNT SHOWN: PostgreSQL has COUNT, every node shows SHOWN
everywhere() { [ "$(counted "$1")" = "$2" ] && all_show "$1" "$3"; }
shown_all() {
	local n
	for n in "${!NPID[@]}"; do
		[ -n "${NPID[$n]}" ] && printf 'node %s: %s; ' "$n" "$(shown "$n" "$1")"
	done
}

# 1: three nodes, 10 readers x 10 views, round robin
start_node 1 "$TMP/node1.sqlite"
start_node 2 "$TMP/node2.sqlite"
start_node 3 "$TMP/node3.sqlite"
seed=$(shown 1 imap)
[ "$seed" -gt 0 ] 2>/dev/null || fail 1.1 "node 1 shows '$seed' hits of imap"
all_show imap "$seed" || fail 1.2 "the nodes show different counts: $(shown_all imap)"
base=$(counted imap)
k=0
bad=0
for v in $(seq 10); do
	ua=$(reader)
	for i in $(seq 10); do
		k=$((k + 1))
		[ "$(view $((k % 3 + 1)) "$ua" imap)" = 200 ] || bad=$((bad + 1))
	done
done
[ "$bad" = 0 ] || fail 1.3 "$bad of 100 views did not answer 200"
want=$((base + 10))
wait_until 2 everywhere imap "$want" "$((seed + want))" ||
    fail 1.4 "10 readers' views are not +10 everywhere within 2 s: PostgreSQL $(counted imap) (want $want), $(shown_all imap)"
# Nothing more arrives later (a node counting a repeat once more): a
# wait for something that must not happen.
wait_until 2 false
[ "$(counted imap)" = "$want" ] ||
    fail 1.5 "the count went on to $(counted imap) (want $want)"
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.hit_day d JOIN kbd.article a
    ON a.id = d.article_id WHERE a.slug = 'imap'
    AND d.day = (extract(epoch from now()) / 86400)::int")" = 1 ] ||
    fail 1.6 "no day bucket of today in PostgreSQL"
top() { curl -s --max-time 20 "${NBASE[$1]}/api/top?limit=100${2-}" | jq -S -c .; }
same_top() {
	[ "$(top 1 "$1")" = "$(top 2 "$1")" ] && [ "$(top 1 "$1")" = "$(top 3 "$1")" ]
}
wait_until 2 same_top "" || fail 1.7 "the nodes' top lists differ: $(top 1 | head -c 300) / $(top 2 | head -c 300)"
wait_until 2 same_top "&period=1d" || fail 1.8 "the nodes' top lists of today differ"
top 1 | jq -e --argjson h "$((seed + want))" \
    '[.articles[] | select(.slug == "imap") | .hits] == [$h]' >/dev/null ||
    fail 1.9 "the top list lacks imap's cluster count: $(top 1 | head -c 300)"
# The views of today (the day buckets): imap's are all of them.
top 2 "&period=1d" | jq -e --argjson h "$want" \
    '.articles[0] | .slug == "imap" and .hits == $h' >/dev/null ||
    fail 1.10 "today's top list is not the cluster's: $(top 2 "&period=1d" | head -c 300)"
psql_kbd kbd "SELECT view FROM kbd.hit_view" | grep -q -e kbd-test -e Mozilla -e 127.0.0.1 &&
    fail 1.11 "PostgreSQL keeps a User-Agent or an address"
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.hit_view")" -ge 10 ] ||
    fail 1.12 "PostgreSQL does not hold the day's views"

# 2: PostgreSQL away for about 10 s under a view load
base=$(counted imap)
pg_pause
k=0
bad=0
end=$((SECONDS + 10))
while [ "$SECONDS" -lt "$end" ]; do
	k=$((k + 1))
	[ "$(view $((k % 3 + 1)) "$(reader)" imap)" = 200 ] || bad=$((bad + 1))
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
	    "${NBASE[$((k % 3 + 1))]}/api/top")" = 200 ] || bad=$((bad + 1))
done
[ "$bad" = 0 ] || fail 2.1 "$bad reads failed while PostgreSQL was away"
[ "$k" -ge 30 ] || fail 2.2 "only $k views in 10 s"
waiting=0
for n in 1 2 3; do
	w=$(BASE=${NBASE[$n]} metric kbd_cluster_hits_waiting)
	waiting=$((waiting + ${w:-0}))
done
[ "$waiting" = "$k" ] ||
    fail 2.3 "/metrics shows $waiting views waiting, want $k"
pg_resume
want=$((base + k))
wait_until 5 everywhere imap "$want" "$((seed + want))" ||
    fail 2.4 "5 s after PostgreSQL is back: PostgreSQL $(counted imap) (want $want), $(shown_all imap)"
for n in 1 2 3; do
	[ "$(BASE=${NBASE[$n]} metric kbd_cluster_hits_waiting)" = 0 ] ||
	    fail "2.5.$n" "node $n still has views waiting"
	[ "$(BASE=${NBASE[$n]} metric kbd_cluster_hits_dropped_total)" = 0 ] ||
	    fail "2.6.$n" "node $n dropped views"
done

# 3: a clean stop loses no counted view
base=$(counted imap)
for i in $(seq 5); do
	[ "$(view 3 "$(reader)" imap)" = 200 ] || fail 3.1 "a view on node 3 failed"
done
stop_node 3.2 3
want=$((base + 5))
[ "$(counted imap)" = "$want" ] ||
    fail 3.3 "after node 3 stopped PostgreSQL has $(counted imap), want $want"
start_node 3 "$TMP/node3.sqlite"
wait_until 2 all_show imap "$((seed + want))" ||
    fail 3.4 "node 3 started again does not show the cluster's count: $(shown_all imap)"

# 4: votes and comments, counted once per reader across the nodes
# vote N UA ANSWER [COMMENT]: the form of node N's /a/imap sent to the
# next node (as a load balancer may); prints the status
vote() {
	local t
	t=$(curl -s -A "$2" --max-time 20 "${NBASE[$1]}/a/imap" |
	    sed -n 's/.*name="t" value="\([^"]*\)".*/\1/p' | head -1)
	curl -s -o /dev/null -w '%{http_code}' -A "$2" --max-time 20 \
	    --data-urlencode "t=$t" -d "v=$3" ${4:+--data-urlencode "kommentar=$4"} \
	    "${NBASE[$(($1 % 3 + 1))]}/a/imap/vote"
}
votes_pg() {
	psql_kbd kbd "SELECT coalesce(sum(yes), 0) || ' ' || coalesce(sum(no), 0)
	    FROM kbd.vote_day d JOIN kbd.article a ON a.id = d.article_id
	    WHERE a.slug = 'imap'"
}
votes_on() { curl -s --max-time 20 "${NBASE[$1]}/api/articles/imap" | jq -r .votes; }
votes_everywhere() {
	[ "$(votes_pg)" = "$1 $2" ] && [ "$(votes_on 1)" = $(($1 + $2)) ] &&
	    [ "$(votes_on 2)" = $(($1 + $2)) ] && [ "$(votes_on 3)" = $(($1 + $2)) ]
}
for i in 1 2 3 4 5 6; do
	ua[$i]=$(reader)
	answer=ja
	[ "$i" -gt 4 ] && answer=nein
	[ "$(vote $((i % 3 + 1)) "${ua[$i]}" $answer)" = 303 ] ||
	    fail "4.1.$i" "reader $i's vote (node $((i % 3 + 1))'s form) was not taken"
done
wait_until 2 votes_everywhere 4 2 ||
    fail 4.2 "6 readers' votes are not 4 yes, 2 no everywhere within 2 s: PostgreSQL $(votes_pg), nodes $(votes_on 1) $(votes_on 2) $(votes_on 3)"
# The same readers again on another node, the other way: no count.  (Of
# two votes of one reader within the same second on two nodes, the one
# whose node sends first counts.)
for i in 1 2 3 4 5 6; do
	[ "$(vote $(((i + 1) % 3 + 1)) "${ua[$i]}" nein)" = 303 ] ||
	    fail "4.3.$i" "reader $i's second vote was not answered 303"
done
# A comment, sent to two nodes by the same reader, is kept once, and
# every node has it.
[ "$(vote 1 "${ua[6]}" nein "Zu kurz, bitte mehr zu Ordnern")" = 303 ] ||
    fail 4.4 "a comment on node 1 was not taken"
[ "$(vote 2 "${ua[6]}" nein "Zu kurz, bitte mehr zu Ordnern")" = 303 ] ||
    fail 4.5 "a comment on node 2 was not answered 303"
comments_pg() { psql_kbd kbd "SELECT count(*) FROM kbd.vote_comment"; }
comments_on() { sqlite3 "$TMP/node$1.sqlite" "SELECT count(*) FROM vote_comment"; }
comments_everywhere() {
	[ "$(comments_pg)" = 1 ] && [ "$(comments_on 1)" = 1 ] &&
	    [ "$(comments_on 2)" = 1 ] && [ "$(comments_on 3)" = 1 ]
}
wait_until 2 comments_everywhere ||
    fail 4.6 "the comment is not once everywhere: PostgreSQL $(comments_pg), nodes $(comments_on 1) $(comments_on 2) $(comments_on 3)"
wait_until 2 false
votes_everywhere 4 2 ||
    fail 4.7 "the second votes counted: PostgreSQL $(votes_pg), nodes $(votes_on 1) $(votes_on 2) $(votes_on 3)"

stop_node 5.1 1
stop_node 5.2 2
stop_node 5.3 3
test_done
