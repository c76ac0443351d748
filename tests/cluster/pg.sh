# tests/cluster/pg.sh: a throwaway PostgreSQL 15 for a test, sourced after
# tests/lib.sh.  pg_start makes a database cluster in a temporary folder
# (initdb), as the unprivileged "postgres" user when the test runs as root
# (PostgreSQL refuses to run as root; Debian's postgresql-15 makes that
# user), listening on a unix socket in that folder and on 127.0.0.1 on a
# free port, and waits for it with pg_isready.  It is stopped and removed
# when the test exits, also after a failure.
#
#   pg_start              start it; sets PG_PORT, PG_SOCKDIR, PG_URL (a
#                         postgresql:// URL over TCP with the password),
#                         PG_PASSWORD
#   pg_url DB             the URL of database DB (over TCP, with password)
#   pg_socket_url DB      the same over the unix socket, without one
#   pg_createdb DB        a new, empty database
#   psql_kbd DB SQL       runs SQL in DB, prints the rows unaligned
#   pg_stop               fast shutdown (pg_start's trap does it on exit)
#   pg_pause, pg_resume   stopped for a while, then back on the same port
#
# Without PostgreSQL 15 (kbd/deps.sh test installs it) the test is
# skipped, which under CI=true fails the run.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_PORT=
PG_SOCKDIR=
PG_URL=
PG_USER=kbd
PG_PASSWORD=
PG_AS=()	# the command prefix that runs as the server's owner

# Runs the rest of the line as the server's owner, in its folder (the
# test's own, below /root in a fresh clone, may be closed to it).
pg_as() { (cd "$PG_DIR" && "${PG_AS[@]}" "$@"); }

# The EXIT trap of every cluster test: nginx, the nodes, PostgreSQL (in
# that order: nodes stop cleanly while PostgreSQL is still there), then
# tests/lib.sh's cleanup.  One trap for all, set by pg_start, so that a
# helper sourced before it is not left out.
cluster_cleanup() {
	declare -F lb_stop >/dev/null && lb_stop
	declare -F stop_nodes >/dev/null && stop_nodes
	pg_stop
	cleanup
}

pg_stop() {
	[ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
	    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w \
		stop >/dev/null 2>&1
	[ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
	PG_DIR=
}

# A TCP port nothing listens on now (the kernel's pick); PostgreSQL
# cannot take port 0 itself, so pg_start tries again if another process
# takes it first.
pg_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pg_start() {
	local owner
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
	    skip_all "no PostgreSQL 15 in $PG_BIN (kbd/deps.sh test installs postgresql-15)"
	[ -x "$PG_BIN/psql" ] ||
	    skip_all "no psql (kbd/deps.sh test installs postgresql-client-15)"
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kbd-pg.XXXXXX")
	trap cluster_cleanup EXIT
	if [ "$(id -u)" = 0 ]; then
		owner=postgres
		id "$owner" >/dev/null 2>&1 ||
		    die "no user $owner to run PostgreSQL as (root may not)"
		chown "$owner" "$PG_DIR"
		chmod 700 "$PG_DIR"
		PG_AS=(runuser -u "$owner" --)
	fi
	PG_PASSWORD=pw-$SRANDOM$SRANDOM
	printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
	[ "$(id -u)" = 0 ] && chown "$owner" "$PG_DIR/pwfile"
	# Sockets and TCP want the password (scram), as a real one would;
	# psql_kbd comes in over the socket as the owner's peer.
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" \
	    --pwfile="$PG_DIR/pwfile" --auth-host=scram-sha-256 \
	    --auth-local=trust -E UTF8 --locale=C.UTF-8 \
	    >"$PG_DIR/initdb.log" 2>&1 ||
	    die "initdb failed: $(tail -5 "$PG_DIR/initdb.log")"
	PG_SOCKDIR=$PG_DIR
	for _ in 1 2 3 4 5; do
		PG_PORT=$(pg_free_port)
		if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
		    -l "$PG_DIR/server.log" -o "-p $PG_PORT -k $PG_SOCKDIR \
		    -c listen_addresses=127.0.0.1 -c fsync=off" \
		    start >/dev/null 2>&1; then
			break
		fi
		PG_PORT=
	done
	[ -n "$PG_PORT" ] ||
	    die "PostgreSQL did not start: $(tail -5 "$PG_DIR/server.log")"
	# pg_isready -t waits itself (pg.sh is also used by the bench, which
	# has no wait_until)
	"$PG_BIN/pg_isready" -q -t 30 -h 127.0.0.1 -p "$PG_PORT" ||
	    die "PostgreSQL is not ready within 30 s"
	pg_createdb kbd
	PG_URL=$(pg_url kbd)
}

pg_url() {	# pg_url DB
	printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" \
	    "$PG_PASSWORD" "$PG_PORT" "$1"
}

pg_socket_url() {	# pg_socket_url DB
	printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$1" \
	    "$PG_SOCKDIR" "$PG_PORT" "$PG_USER"
}

psql_kbd() {	# psql_kbd DB SQL
	PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
	    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$1" -c "$2"
}

pg_createdb() {	# pg_createdb DB
	psql_kbd postgres "CREATE DATABASE \"$1\"" ||
	    die "cannot create database $1"
}

# pg_pause and pg_resume: PostgreSQL away for a while (a fast shutdown)
# and back on the same port, with its data.
pg_pause() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop \
	    >/dev/null 2>&1 || die "PostgreSQL did not stop"
}

pg_resume() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
	    -l "$PG_DIR/server.log" -o "-p $PG_PORT -k $PG_SOCKDIR \
	    -c listen_addresses=127.0.0.1 -c fsync=off" start \
	    >/dev/null 2>&1 ||
	    die "PostgreSQL did not start again: $(tail -5 "$PG_DIR/server.log")"
}
