#!/usr/bin/env bash
# t0085-cluster-lb: three kbd nodes of one PostgreSQL behind nginx as a
# round-robin load balancer (tests/cluster/lb.sh), set up as the README's
# deployment guide says.
#   1.x  10 readers view one article 10 times each through nginx, which
#        spreads their views over the three nodes: exactly +10 hits in
#        PostgreSQL, and on every node within 2 s (issue 18, scenario 1)
#   2.x  through nginx, an article, a search and the top list answer 200
#        and as node 1 does directly; requests reach all three nodes;
#        each node's /healthz says "postgresql: up" and /metrics has
#        kbd_cluster_postgresql_up 1
#   3.x  kill -9 of node 2 under a read load of four clients through
#        nginx: fewer than 0.1 % of the requests fail (issue 18, scenario
#        4); node 2 started again on its database serves again
#   4.x  PostgreSQL stopped for 10 s under the same load: no read fails;
#        /healthz stays 200 and says PostgreSQL is away, /metrics has
#        kbd_cluster_postgresql_up 0; once it is back, "up" again
#   5.x  a fourth node started with an empty database builds its index
#        from PostgreSQL and answers the shipped queries with the same
#        results as node 1 (scenario 6)
#   6.x  saves through nginx: one is found on every node within 2 s, one
#        on an old revision gets 409 (scenario 2); saves one after the
#        other while the node they reach is killed (kill -9): every save
#        answered 200 is in PostgreSQL and on every node left (scenario
#        4)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"
. "$ROOT/tests/cluster/lb.sh"

pg_start

src=$(copy_articles src)
"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
    die "kbd import failed: $(cat "$TMP/import.out")"
for n in 1 2 3; do
	start_node "$n" "$TMP/node$n.sqlite"
done
lb_start 1 2 3

get() { curl -s -A "$(reader)" --max-time 20 "$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$1"; }
slugs() { get "$1/api/search?q=$(uri "$2")" | jq -r '[.results[].slug] | join(" ")'; }
health() { curl -s --max-time 10 "$1/healthz"; }

# 1: hits through nginx, first, while the address's readers are few
# (kbd counts at most 16 User-Agents of one address a day, and nginx
# hands on this test's one address)
hits_pg() { psql_kbd kbd "SELECT coalesce(sum(h.count), 0) FROM kbd.hit h
    JOIN kbd.article a ON a.id = h.article_id WHERE a.slug = 'dns-content'"; }
hits_on() { curl -s --max-time 20 "${NBASE[$1]}/api/articles/dns-content" | jq -r '.hits'; }
h0=$(hits_pg)
s0=$(hits_on 1)	# (the front matter's hits, and the cluster's)
for v in $(seq 10); do
	for _ in $(seq 10); do
		curl -s -o /dev/null --max-time 20 -A "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 leser-$v" \
		    "$LB_BASE/a/dns-content"
	done
done
plus10() { [ "$(hits_pg)" = $((h0 + 10)) ]; }
wait_until 2 plus10 || fail 1.1 "PostgreSQL counts $(($(hits_pg) - h0)) hits, want 10"
shown() { local n; for n in 1 2 3; do [ "$(hits_on $n)" = $((s0 + 10)) ] || return 1; done; }
wait_until 2 shown || fail 1.2 "the nodes show $(hits_on 1), $(hits_on 2), $(hits_on 3) hits, want $((s0 + 10))"

# 2: the same answers through nginx as from a node
slug=$(slugs "${NBASE[1]}" imap | cut -d' ' -f1)
[ -n "$slug" ] || die "node 1 finds nothing for imap"
for p in "/a/$slug" "/api/search?q=imap" /api/top /; do
	[ "$(code "$LB_BASE$p")" = 200 ] || fail 2.1 "GET $p through nginx: $(code "$LB_BASE$p")"
done
[ "$(slugs "$LB_BASE" imap)" = "$(slugs "${NBASE[1]}" imap)" ] ||
    fail 2.2 "nginx and node 1 answer imap differently"
before=$(wc -l <"$LB_DIR/access.log")
for _ in $(seq 9); do code "$LB_BASE/api/top" >/dev/null; done
# nginx logs the upstream of each request only in its error log on
# failure, so ask the nodes: each answered some of them
for n in 1 2 3; do
	[ "$(curl -s --max-time 10 "${NBASE[$n]}/metrics" |
	    sed -n 's/^kbd_http_requests_total{route="\/api\/top",status="200"} //p')" -ge 1 ] ||
	    fail 2.3 "node $n answered none of nine /api/top through nginx"
done
[ "$(wc -l <"$LB_DIR/access.log")" -ge $((before + 9)) ] ||
    fail 2.4 "nginx did not log the nine requests"
for n in 1 2 3; do
	h=$(health "${NBASE[$n]}")
	[ "$h" = $'ok\npostgresql: up' ] || fail 2.5 "node $n /healthz said '$h'"
	curl -s --max-time 10 "${NBASE[$n]}/metrics" |
	    grep -q '^kbd_cluster_postgresql_up 1$' ||
	    fail 2.6 "node $n /metrics lacks kbd_cluster_postgresql_up 1"
done

# load START: the read load through nginx, in the background
paths=("/a/$slug" "/api/search?q=imap" "/api/top" "/search?q=passwort"
    "/api/search?q=$(uri 'e-mail einrichten')")
load_start() {
	rm -f "$TMP/stop" "$TMP/load.out"
	python3 "$ROOT/tests/cluster/readload.py" "$LB_BASE" "$TMP/stop" \
	    "$TMP/load.out" "${paths[@]}" &
	LOAD_PID=$!
}
load_stop() {	# load_stop: sets total and failed (not in a subshell,
	# which could not wait for the load)
	touch "$TMP/stop"
	wait "$LOAD_PID"
	read -r total failed <"$TMP/load.out"
}
# served: how many requests the running nodes have answered in all
served() {
	local n sum=0 v
	for n in 1 2 3 4; do
		[ -n "${NBASE[$n]:-}" ] && [ -n "${NPID[$n]:-}" ] || continue
		v=$(curl -s --max-time 10 "${NBASE[$n]}/metrics" |
		    awk '/^kbd_http_requests_total\{/ { s += $2 } END { print s + 0 }')
		sum=$((sum + v))
	done
	echo "$sum"
}
more_served() { [ "$(served)" -ge "$1" ]; }

# 3: a node killed under load
load_start
m=$(served)
wait_until 30 more_served $((m + 300)) || fail 3.0 "the load does not reach the nodes"
kill -KILL "${NPID[2]}"
wait "${NPID[2]}" 2>/dev/null
NPID[2]=
m=$(served)
wait_until 30 more_served $((m + 1000)) || fail 3.1 "the two nodes left served too little"
load_stop
[ "$total" -ge 1000 ] || fail 3.2 "only $total requests in the load"
[ $((failed * 1000)) -lt "$total" ] ||
    fail 3.3 "$failed of $total requests failed with node 2 killed: $(sed -n '2,6p' "$TMP/load.out")"
start_node 2 "$TMP/node2.sqlite"
[ "$(slugs "${NBASE[2]}" imap)" = "$(slugs "${NBASE[1]}" imap)" ] ||
    fail 3.4 "node 2 started again answers imap differently"

# 4: PostgreSQL away for 10 s under load (node 2 is on a new port now,
# which this nginx does not know: nodes 1 and 3 carry the load)
load_start
m=$(served)
wait_until 30 more_served $((m + 200)) || fail 4.0 "the load does not reach the nodes"
pg_pause
t0=$SECONDS
away() { [[ "$(health "$1")" == $'ok\npostgresql: away for '*' s; serving reads, refusing changes' ]]; }
wait_until 30 away "${NBASE[1]}" || fail 4.1 "node 1 /healthz with PostgreSQL stopped: '$(health "${NBASE[1]}")'"
curl -s --max-time 10 "${NBASE[3]}/metrics" | grep -q '^kbd_cluster_postgresql_up 0$' ||
    wait_until 30 away "${NBASE[3]}" ||
    fail 4.2 "node 3 does not say PostgreSQL is away"
[ "$(code "${NBASE[1]}/healthz")" = 200 ] || fail 4.3 "/healthz is not 200 with PostgreSQL away"
m=$(served)
wait_until 60 more_served $((m + 500)) || fail 4.4 "the nodes served too little with PostgreSQL away"
# the scenario's outage lasts 10 s: its length, not a wait for something
while [ $((SECONDS - t0)) -lt 10 ]; do sleep 0.5; done
pg_resume
up() { [ "$(health "$1")" = $'ok\npostgresql: up' ]; }
wait_until 30 up "${NBASE[1]}" || fail 4.5 "node 1 /healthz after PostgreSQL is back: '$(health "${NBASE[1]}")'"
wait_until 30 up "${NBASE[3]}" || fail 4.6 "node 3 /healthz after PostgreSQL is back: '$(health "${NBASE[3]}")'"
load_stop
[ "$failed" = 0 ] && [ "$total" -ge 500 ] ||
    fail 4.7 "$failed of $total reads failed with PostgreSQL away: $(sed -n '2,6p' "$TMP/load.out")"

# 5: a fourth node from nothing answers as node 1
start_node 4 "$TMP/node4.sqlite"
tn=0
for q in imap passwort "domain umziehen" ssl-zertifikat spam weiterleitung \
    "e-mail einrichten" pop3 "fritzbox" "dns eintrag"; do
	tn=$((tn + 1))
	a=$(slugs "${NBASE[1]}" "$q")
	[ "$(slugs "${NBASE[4]}" "$q")" = "$a" ] ||
	    fail "5.$tn" "node 4 answers '$q' differently from node 1"
done

# 6: saves through nginx
echo "redakteur-passwort" | "$KBD" user add redakteur --cluster "$PG_URL" \
    >/dev/null 2>&1 || die "kbd user add failed"
TOKEN=$("$KBD" user token redakteur --cluster "$PG_URL" 2>/dev/null)
[ -n "$TOKEN" ] || die "no API token"
A=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
cur=$(curl -s --max-time 20 "${A[@]}" "$LB_BASE/api/admin/articles/imap")
rev=$(jq -r .rev <<<"$cur")
body=$(jq -c '{title, rev, markdown: (.markdown + "\nMit Quittengelee.\n")}' <<<"$cur")
req PUT "$LB_BASE/api/admin/articles/imap" "${A[@]}" -d "$body"
[ "$STATUS" = 200 ] || fail 6.1 "a save through nginx gave $STATUS: $(head -c 300 "$BODY")"
found_on_all() {
	local n
	for n in 1 3 4; do
		[[ " $(slugs "${NBASE[$n]}" "$1") " == *" $2 "* ]] || return 1
	done
}
wait_until 2 found_on_all quittengelee imap ||
    fail 6.2 "the save through nginx is not found on every node within 2 s"
req PUT "$LB_BASE/api/admin/articles/imap" "${A[@]}" \
    -d "$(jq -c '.markdown = "Überholt.\n"' <<<"$body")"
[ "$STATUS" = 409 ] || fail 6.3 "a save on an old revision gave $STATUS, want 409"
# the node the staff's requests reach (nginx hashes their token)
# (from the access logs, which are written once a second)
staff=
staff_node() {
	local n
	for n in 1 3; do
		grep -q '"PUT /api/admin/articles/imap' "${NLOG[$n]}" &&
		    staff=$n && return 0
	done
	return 1
}
wait_until 5 staff_node || die "no node logged the staff's saves"
left=$((staff == 1 ? 3 : 1))
rm -f "$TMP/stop" "$TMP/saves.out"
python3 "$ROOT/tests/cluster/saveload.py" "$LB_BASE" "$TOKEN" imap \
    "$TMP/stop" "$TMP/saves.out" &
SAVES_PID=$!
probes() { psql_kbd kbd "SELECT r.text FROM kbd.revision r JOIN kbd.article a
    ON a.id = r.article_id WHERE a.slug = 'imap' ORDER BY r.rev DESC LIMIT 1" |
    grep -c '^Speicherprobe'; }
more_probes() { [ "$(probes)" -ge "$1" ]; }
wait_until 30 more_probes 5 || fail 6.4 "the saves do not arrive"
kill -KILL "${NPID[$staff]}"
wait "${NPID[$staff]}" 2>/dev/null
NPID[$staff]=
m=$(probes)
wait_until 30 more_probes $((m + 5)) ||
    fail 6.5 "no saves through nginx after node $staff was killed"
touch "$TMP/stop"
wait "$SAVES_PID"
last=$(psql_kbd kbd "SELECT r.text FROM kbd.revision r JOIN kbd.article a
    ON a.id = r.article_id WHERE a.slug = 'imap' ORDER BY r.rev DESC LIMIT 1")
lost=0
while read -r k; do
	[[ $k == tries* ]] && continue
	grep -qx "Speicherprobe $k." <<<"$last" || lost=$((lost + 1))
done <"$TMP/saves.out"
nacked=$(grep -vc '^tries' "$TMP/saves.out")
[ "$nacked" -ge 10 ] || fail 6.6 "only $nacked saves were answered 200"
[ "$lost" = 0 ] ||
    fail 6.7 "$lost of $nacked acknowledged saves are not in PostgreSQL's text ($(tail -1 "$TMP/saves.out"))"
k=$(grep -v '^tries' "$TMP/saves.out" | tail -1)
on_left() { [ "$(curl -s --max-time 20 "${A[@]}" "${NBASE[$left]}/api/admin/articles/imap" |
    jq -r .markdown | grep -c "^Speicherprobe $k\.$")" = 1 ]; }
wait_until 2 on_left || fail 6.8 "node $left lacks the last acknowledged save"

test_done
