# tests/cluster/nodes.sh: kbd nodes of a cluster for a test, sourced
# after tests/lib.sh and tests/cluster/pg.sh (pg_start first).
#
#   start_node N DB [ARGS...]   node N on SQLite file DB, articles from
#                               PostgreSQL ($PG_URL); waits for /healthz;
#                               sets NPID[N], NBASE[N] (http://host:port),
#                               NLOG[N] (its standard error)
#   stop_node CASE N            SIGTERM, and fails CASE unless it stops
#                               cleanly
#   stop_nodes                  all of them (pg.sh's EXIT trap does it)
#   healthy_at BASE             /healthz of BASE answers 200

declare -A NPID NBASE NLOG
NSTARTS=0
stop_nodes() {	# a node that does not stop within 10 s is killed
	local n
	for n in "${!NPID[@]}"; do
		[ -n "${NPID[$n]}" ] || continue
		kill -TERM "${NPID[$n]}" 2>/dev/null
		wait_until 10 eval '! kill -0 "${NPID[$n]}" 2>/dev/null' ||
		    kill -KILL "${NPID[$n]}" 2>/dev/null
		wait "${NPID[$n]}" 2>/dev/null
		NPID[$n]=
	done
}

# start_node N DB [ARGS...]: node N on DB, as start_kbd starts kbd, but
# with its articles from PostgreSQL (no --articles)
start_node() {
	local n=$1 db=$2 log i code base=
	shift 2
	NSTARTS=$((NSTARTS + 1))
	log=$TMP/kbd.node$n.$NSTARTS.log
	NLOG[$n]=$log
	"$KBD" --cluster "$PG_URL" --db "$db" --listen 127.0.0.1:0 \
	    --base-url http://kb.example --english "" --thesaurus "" "$@" \
	    2>"$log" &
	NPID[$n]=$!
	for i in $(seq $((READY_TIMEOUT * 50))); do
		base=$(sed -n 's|^kbd: listening on \(http://.*:[0-9][0-9]*\)/$|\1|p' "$log")
		[ -n "$base" ] && break
		kill -0 "${NPID[$n]}" 2>/dev/null || { LOG=$log; die "node $n exited at start"; }
		sleep 0.02
	done
	[ -n "$base" ] || { LOG=$log; die "node $n did not say where it listens"; }
	NBASE[$n]=$base
	wait_until "$READY_TIMEOUT" healthy_at "$base" ||
	    { LOG=$log; die "node $n: /healthz did not answer 200"; }
}
healthy_at() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1/healthz")" = 200 ]
}
stop_node() {	# stop_node CASE N
	local rc=0
	kill -TERM "${NPID[$2]}"
	wait "${NPID[$2]}" || rc=$?
	NPID[$2]=
	[ "$rc" = 0 ] || fail "$1" "node $2 exited with status $rc on SIGTERM"
	grep -q '^kbd: stopped$' "${NLOG[$2]}" || fail "$1" "node $2 did not stop cleanly"
}
