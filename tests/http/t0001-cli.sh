#!/usr/bin/env bash
# t0001-cli: the command line.
#   1.x  --help (usage on stdout, exit 0) and --version ("kbd 0.1.0")
#   2.x  bad flags, missing and extra arguments, bad --threads: exactly one
#        stderr line starting "kbd: ", exit status 2, nothing on stdout
#   3.x  unusable paths (--articles missing or a file, --static missing or
#        a file, --db in a folder that cannot be created, --db a folder)
#        and bad --listen values: one line, exit 2, no database made
#   4.x  a --listen address kbd cannot bind (not on this host, or a port
#        in use): one line, exit 2
#   5.x  a --db file that is not SQLite (left untouched), or made by a
#        newer kbd (user_version 99, schema left alone): refused with one
#        line and a non-zero status
#   6.x  started in a folder without articles/ and no --articles: one
#        line that says where it looked and names --articles, exit 2
. "$(dirname "$0")/../lib.sh"

A=$ROOT/articles
S=$ROOT/static

# run_kbd ARGS...: runs kbd to completion; sets RC, OUT, ERR (files)
OUT=$TMP/out
ERR=$TMP/err
run_kbd() {
	RC=0
	timeout 20 "$KBD" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# expect_usage_error CASE ARGS...: exit 2, one "kbd: " line, no stdout
expect_usage_error() {
	local c=$1
	shift
	run_kbd "$@"
	[ "$RC" = 2 ] || fail "$c" "kbd $* exited $RC, want 2"
	[ "$(wc -l <"$ERR")" = 1 ] ||
	    fail "$c" "kbd $* printed $(wc -l <"$ERR") stderr lines, want 1: $(cat "$ERR")"
	grep -q '^kbd: ' "$ERR" || fail "$c" "kbd $*: stderr does not start with 'kbd: ': $(cat "$ERR")"
	[ ! -s "$OUT" ] || fail "$c" "kbd $* printed on stdout: $(head -3 "$OUT")"
}

# 1: help and version
run_kbd --help
[ "$RC" = 0 ] || fail 1.1 "--help exited $RC"
grep -q '^usage: kbd' "$OUT" || fail 1.2 "--help did not print usage on stdout"
for opt in --articles --db --help --listen --static --threads --verbose --version; do
	grep -q -- "$opt" "$OUT" || fail 1.3 "--help does not mention $opt"
done
[ ! -s "$ERR" ] || fail 1.4 "--help wrote to stderr: $(cat "$ERR")"
run_kbd -h
[ "$RC" = 0 ] && grep -q '^usage: kbd' "$OUT" || fail 1.5 "-h: rc $RC"
run_kbd --version
[ "$RC" = 0 ] || fail 1.6 "--version exited $RC"
[ "$(cat "$OUT")" = "kbd 0.1.0" ] || fail 1.7 "--version printed '$(cat "$OUT")'"
run_kbd -V
[ "$(cat "$OUT")" = "kbd 0.1.0" ] || fail 1.8 "-V printed '$(cat "$OUT")'"

# 2: flags and arguments
expect_usage_error 2.1 --bogus
grep -q "bogus" "$ERR" || fail 2.1 "the message does not name --bogus"
expect_usage_error 2.2 -x
expect_usage_error 2.3 --db
grep -q "needs an argument" "$ERR" || fail 2.3 "message: $(cat "$ERR")"
expect_usage_error 2.4 -d
expect_usage_error 2.5 --articles "$A" --static "$S" --db "$TMP/x.sqlite" extra
grep -q "extra" "$ERR" || fail 2.5 "the message does not name the argument"
expect_usage_error 2.6 --threads abc
expect_usage_error 2.7 --threads 300
expect_usage_error 2.8 --threads -1
expect_usage_error 2.9 --version=1
expect_usage_error 2.10 --listen

# 3: paths and --listen, checked before anything starts
db=$TMP/db3/kb.sqlite
expect_usage_error 3.1 --articles "$TMP/nonexistent" --static "$S" --db "$db"
grep -q "nonexistent" "$ERR" || fail 3.1 "the message does not name the path"
expect_usage_error 3.2 --articles "$A/imap.md" --static "$S" --db "$db"
expect_usage_error 3.3 --articles "$A" --static "$TMP/nonexistent" --db "$db"
expect_usage_error 3.4 --articles "$A" --static "$S/style.css" --db "$db"
expect_usage_error 3.5 --articles "$A" --static "$S" --db "$TMP/no/such/dir/kb.sqlite"
expect_usage_error 3.6 --articles "$A" --static "$S" --db "$TMP"
expect_usage_error 3.7 --articles "$A" --static "$S" --db ""
expect_usage_error 3.8 --articles "$A" --static "$S" --db "$db" --listen 127.0.0.1
expect_usage_error 3.9 --articles "$A" --static "$S" --db "$db" --listen 127.0.0.1:99999
expect_usage_error 3.10 --articles "$A" --static "$S" --db "$db" --listen :8080
expect_usage_error 3.11 --articles "$A" --static "$S" --db "$db" --listen 127.0.0.1:http
[ ! -e "$db" ] || fail 3.12 "a refused start created the database $db"

# 4: addresses that pass the syntax check but cannot be bound.  kbd must
# still say so in one line and exit 2 (192.0.2.1 is TEST-NET-1, never
# local).
db=$TMP/db4/kb.sqlite
expect_usage_error 4.1 --articles "$A" --static "$S" --db "$db" --listen 192.0.2.1:0
grep -q -- "--listen" "$ERR" || fail 4.1 "no line names --listen: $(cat "$ERR")"
exec 7> >(python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
sys.stdin.read()	# hold the port until the test closes fd 7
' >"$TMP/busy-port")
wait_until 30 test -s "$TMP/busy-port" || die "no busy port"	# python3 starting
busy=$(cat "$TMP/busy-port")
expect_usage_error 4.2 --articles "$A" --static "$S" --db "$db" --listen "127.0.0.1:$busy"
exec 7>&-

# 5: a database file that is not SQLite is refused and left alone
db=$TMP/garbage.sqlite
{ echo "not a database"; head -c 4096 /dev/zero | tr '\0' 'x'; } >"$db"
sum=$(md5sum <"$db")
run_kbd --articles "$A" --static "$S" --db "$db" --listen 127.0.0.1:0
[ "$RC" != 0 ] || fail 5.1 "kbd started on a file that is not a database"
[ "$RC" -lt 128 ] || fail 5.2 "kbd crashed (status $RC) on a file that is not a database"
[ "$(wc -l <"$ERR")" = 1 ] ||
    fail 5.3 "$(wc -l <"$ERR") stderr lines, want 1: $(cat "$ERR")"
grep -q "$db" "$ERR" || fail 5.4 "the message does not name the file: $(cat "$ERR")"
[ "$(md5sum <"$db")" = "$sum" ] || fail 5.5 "kbd changed the file that is not a database"
db=$TMP/newer.sqlite
sqlite3 "$db" 'CREATE TABLE t(x); PRAGMA user_version = 99;'
run_kbd --articles "$A" --static "$S" --db "$db" --listen 127.0.0.1:0
[ "$RC" != 0 ] && [ "$RC" -lt 128 ] || fail 5.6 "a database of a newer kbd: status $RC"
[ "$(wc -l <"$ERR")" = 1 ] && grep -q 'newer kbd' "$ERR" ||
    fail 5.7 "a database of a newer kbd: $(cat "$ERR")"
[ "$(sqlite3 "$db" 'PRAGMA user_version; SELECT group_concat(name) FROM sqlite_master')" = "99
t" ] || fail 5.8 "kbd changed the schema of a database of a newer kbd"

# 6: no articles folder where kbd looks by default
mkdir -p "$TMP/empty"
cd "$TMP/empty" || die "cd $TMP/empty"
expect_usage_error 6.1 --db "$TMP/db6/kb.sqlite" --listen 127.0.0.1:0
cd "$ROOT" || die "cd $ROOT"
grep -q 'no articles folder at \./articles' "$ERR" ||
    fail 6.2 "the message does not say where kbd looked: $(cat "$ERR")"
grep -q -- '--articles DIR' "$ERR" ||
    fail 6.3 "the message does not name --articles: $(cat "$ERR")"

test_done
