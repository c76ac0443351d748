# tests/lib.sh: what every tests/http/t*.sh sources.  Each test starts its
# own kbd on a free port with a fresh database in a temporary folder, talks
# to it with curl and stops it by the pid it started; the folder and any
# kbd still running are cleaned up on exit.  Failures are counted, not
# fatal (die() is for a test that cannot go on); test_done turns the count
# into the exit status.  Every check takes a case number first ("3.2"),
# which its FAIL line names.
#
#   KBD       the binary to test (tests/run sets it; default build/kbd)
#   start_kbd [kbd args...]   start and wait for /healthz; sets KBD_PID,
#                             PORT, BASE, LOG (this start's stderr);
#                             BASE is https:// when kbd says so, and
#                             curl then trusts CURL_TLS=(--cacert FILE)
#   stop_kbd CASE             SIGTERM, wait, want exit status 0
#   kill9_kbd                 SIGKILL, wait
#   sighup                    SIGHUP, wait for the import summary line
#   req METHOD URL [curl args...]   sets STATUS; body in $BODY, headers
#                             in $HEADERS (a URL starting with / is on BASE)
#   reader                    prints a browser User-Agent no request of
#                             this test sent before: a new reader, whose
#                             first view of an article counts a hit.  req,
#                             expect_* and jget send one each time, so
#                             every view they make counts; pass -A to be
#                             somebody in particular (curl's own agent is
#                             a script and never counts)
#   expect_status CASE METHOD URL CODE [curl args...]
#   expect_json CASE URL JQ_EXPR     GET, want 200 and jq -e JQ_EXPR true
#   wait_until SECONDS COMMAND       polls COMMAND until it succeeds: what
#                             a test waits for instead of a sleep
#   sql QUERY, metric NAME    the test's database; a value of /metrics
#   views_flushed             every view counted is in the database
#   mount_tmpfs DIR SIZE, mount_readonly DIR DIR2   mounts undone on exit
#   fail CASE MESSAGE, die MESSAGE, test_done
#   skip CASE REASON          a check that cannot run here: the test ends
#                             as SKIP (exit 77) unless another check
#                             failed; tests/run shows the reasons
#   skip_all REASON           the whole test cannot run here: exit 77

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KBD=${KBD:-$ROOT/build/kbd}
case $KBD in /*) ;; *) KBD=$ROOT/$KBD ;; esac
[ -x "$KBD" ] || { echo "FAIL: no kbd binary at $KBD" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kbd-http.XXXXXX")
DB=$TMP/kb.sqlite
BODY=$TMP/body
HEADERS=$TMP/headers
KBD_PID=
PORT=
BASE=
LOG=
STATUS=
FAILED=0
SKIPPED=0
STARTS=0
READY_TIMEOUT=${READY_TIMEOUT:-20}	# seconds; ASan builds are slow
CURL_TLS=()	# (--cacert FILE) when the test serves HTTPS

MOUNTS=()	# mount points to unmount on exit, see mount_tmpfs

cleanup() {
	local m
	if [ -n "$KBD_PID" ] && kill -0 "$KBD_PID" 2>/dev/null; then
		kill -TERM "$KBD_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$KBD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$KBD_PID" 2>/dev/null
		wait "$KBD_PID" 2>/dev/null
	fi
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	# After a failed check, what kbd said last (not its access log): the
	# log goes with TMP, and a crash says why only there.
	if [ "${FAILED:-0}" -gt 0 ]; then
		for m in "$TMP"/kbd.*.log; do
			[ -f "$m" ] && grep -v '^[0-9a-f:.]* - ' "$m" |
			    tail -n 15 | sed "s|^|    ${m##*/}: |"
		done
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {	# fail CASE MESSAGE
	echo "FAIL $1: $2"
	FAILED=$((FAILED + 1))
}

die() {
	echo "FAIL: $*"
	[ -n "$LOG" ] && [ -f "$LOG" ] && sed 's/^/    log: /' "$LOG" | tail -20
	exit 1
}

# A skipped check proves nothing, so a test with one is not a pass:
# tests/run reports it as SKIP with the reason (and under CI=true as a
# failure).
skip() {	# skip CASE REASON
	echo "SKIP $1: $2"
	SKIPPED=$((SKIPPED + 1))
}

skip_all() {	# skip_all REASON
	echo "SKIP: $1"
	exit 77
}

test_done() {
	if [ "$FAILED" -gt 0 ]; then
		echo "$FAILED check(s) failed"
		exit 1
	fi
	if [ "$SKIPPED" -gt 0 ]; then
		echo "$SKIPPED check(s) skipped, the others passed"
		exit 77
	fi
	echo "all checks passed"
	exit 0
}

# Copies the shipped articles (and optional extra files) into a fresh
# folder below TMP and prints its path.
copy_articles() {	# copy_articles NAME [FILE...]
	local dir=$TMP/$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$ROOT"/articles/*.md "$dir"/
	[ $# -gt 0 ] && cp "$@" "$dir"/
	echo "$dir"
}

# Mounts a tmpfs of SIZE (e.g. 2m) on DIR (made below TMP), unmounted on
# exit.  Returns 1 where mounting is not permitted (not root, or a
# container without CAP_SYS_ADMIN); the caller skips what needed it.
mount_tmpfs() {	# mount_tmpfs DIR SIZE
	mkdir -p "$1"
	if ! mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null; then
		echo "cannot mount a tmpfs on $1 (not root?)"
		return 1
	fi
	MOUNTS+=("$1")
}

# Makes DIR2 a read-only view of DIR (a bind mount), unmounted on exit.
# Returns 1 where mounting is not permitted, like mount_tmpfs.
mount_readonly() {	# mount_readonly DIR DIR2
	mkdir -p "$2"
	if ! mount --bind "$1" "$2" 2>/dev/null; then
		echo "cannot bind-mount $1 (not root?)"
		return 1
	fi
	MOUNTS+=("$2")
	if ! mount -o remount,bind,ro "$2" 2>/dev/null; then
		echo "cannot make $2 read-only"
		return 1
	fi
}

url() {	# url PATH_OR_URL: a path starting with / is taken on BASE
	case $1 in /*) echo "$BASE$1" ;; *) echo "$1" ;; esac
}

# Starts kbd with the repository's articles and static files and the
# test's database; later arguments override those.  Waits until it
# listens and /healthz answers 200.
start_kbd() {
	local i code
	local dicts=(--english "" --thesaurus "")
	# Reading the dictionaries of English words and synonyms costs a
	# second of CPU (several under ASan) at every start: only tests that
	# set WITH_DICTS=1 have them (and call wait_dicts).
	[ "${WITH_DICTS:-0}" = 1 ] && dicts=()
	STARTS=$((STARTS + 1))
	LOG=$TMP/kbd.$STARTS.log
	"$KBD" --articles "$ROOT/articles" \
	    --db "$DB" --listen 127.0.0.1:0 "${dicts[@]}" "$@" 2>"$LOG" &
	KBD_PID=$!
	PORT=
	for i in $(seq $((READY_TIMEOUT * 50))); do
		# 127.0.0.1, another address, or 0.0.0.0 (all: loopback too)
		BASE=$(sed -n 's|^kbd: listening on \(https\{0,1\}://.*:[0-9][0-9]*\)/$|\1|p' "$LOG")
		BASE=${BASE/:\/\/0.0.0.0:/://127.0.0.1:}
		[ -n "$BASE" ] && break
		kill -0 "$KBD_PID" 2>/dev/null || die "kbd exited at start"
		sleep 0.02
	done
	[ -n "$BASE" ] || die "kbd did not say where it listens"
	PORT=${BASE##*:}
	for i in $(seq $((READY_TIMEOUT * 20))); do
		code=$(curl -s "${CURL_TLS[@]}" -o /dev/null -w '%{http_code}' \
		    --max-time 10 "$BASE/healthz")
		[ "$code" = 200 ] && return 0
		kill -0 "$KBD_PID" 2>/dev/null || die "kbd exited at start"
		sleep 0.05
	done
	die "/healthz did not answer 200 within $READY_TIMEOUT s"
}

# Waits until kbd has read its dictionaries (WITH_DICTS=1).
wait_dicts() {
	local i
	for i in $(seq $((READY_TIMEOUT * 20))); do
		grep -q '^kbd: dictionaries: ' "$LOG" && return 0
		sleep 0.05
	done
	die "kbd did not read its dictionaries within $READY_TIMEOUT s"
}

stop_kbd() {	# stop_kbd CASE: SIGTERM must end kbd with status 0
	local rc=0
	kill -TERM "$KBD_PID"
	wait "$KBD_PID" || rc=$?
	KBD_PID=
	[ "$rc" = 0 ] || { fail "$1" "kbd exited with status $rc on SIGTERM"; tail -20 "$LOG"; }
	grep -q '^kbd: stopped$' "$LOG" || fail "$1" "no 'kbd: stopped' line in the log"
}

kill9_kbd() {
	kill -KILL "$KBD_PID"
	wait "$KBD_PID" 2>/dev/null
	KBD_PID=
}

# Views count once per reader a day, and only from browsers (see
# kbd/visitor.c); a random number in a browser's User-Agent makes a new one.
reader() {
	printf 'Mozilla/5.0 (X11; Linux x86_64) kbd-test/%s.%s\n' "$SRANDOM" \
	    "$SRANDOM"
}

req() {	# req METHOD URL [curl args...]: sets STATUS, fills BODY, HEADERS
	local method=$1 u=$2 ua
	case $u in /*) u=$BASE$u ;; esac	# as url() does, without a fork
	shift 2
	printf -v ua 'Mozilla/5.0 (X11; Linux x86_64) kbd-test/%s.%s' \
	    "$SRANDOM" "$SRANDOM"	# as reader() does
	set -- -A "$ua" "$@"
	: >"$BODY"
	if [ "$method" = HEAD ]; then	# -I prints the headers as the body
		set -- -I -o /dev/null "$@"
	else
		set -- -X "$method" -o "$BODY" "$@"
	fi
	STATUS=$(curl -s "${CURL_TLS[@]}" --path-as-is -D "$HEADERS" \
	    -w '%{http_code}' --max-time 20 "$@" "$u")
	[ -n "$STATUS" ] || STATUS=000
}

# In bash alone (it runs for most checks; three processes cost as much
# as the request): the last "NAME: value" line, NAME in any case.
header() {	# header NAME: the value of header NAME in the last reply
	local line value= found=
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		if [[ ${line,,} == "${1,,}: "* ]]; then
			value=${line:${#1}+2}
			found=1
		fi
	done <"$HEADERS"
	[ -n "$found" ] && printf '%s\n' "$value"
	return 0
}

expect_status() {	# expect_status CASE METHOD URL CODE [curl args...]
	local c=$1 m=$2 u=$3 want=$4
	shift 4
	req "$m" "$u" "$@"
	[ "$STATUS" = "$want" ] || fail "$c" "$m $u gave $STATUS, want $want"
	[ "$STATUS" = "$want" ]
}

expect_json() {	# expect_json CASE URL JQ_EXPR [curl args...]
	req GET "$2" "${@:4}"
	if [ "$STATUS" != 200 ]; then
		fail "$1" "GET $2 gave $STATUS, want 200"
		return 1
	fi
	if ! jq -e "$3" "$BODY" >/dev/null 2>&1; then
		fail "$1" "GET $2: $3 is not true of $(head -c 300 "$BODY")"
		return 1
	fi
}

jget() {	# jget URL JQ_FILTER: prints jq -r FILTER of GET URL
	curl -s "${CURL_TLS[@]}" -A "$(reader)" --max-time 20 "$(url "$1")" |
	    jq -r "$2"
}

uri() {	# uri TEXT: TEXT percent-encoded for a query value
	local LC_ALL=C s=$1 i c h out=
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[a-zA-Z0-9.~_-]) out+=$c ;;
		*) printf -v h '%%%02X' "'$c"; out+=$h ;;
		esac
	done
	printf '%s\n' "$out"
}

sql() {	# sql QUERY: runs QUERY on the test's database
	sqlite3 -batch "$DB" "$1"
}

# Runs the Python program on stdin with ARGS; a helper that crashes or
# exits non-zero fails CASE (what it printed is judged by the caller).
py() {	# py CASE [ARGS...] <<'EOF'
	local c=$1 rc=0
	shift
	python3 - "$@" || rc=$?
	[ "$rc" = 0 ] || fail "$c" "the Python helper exited with status $rc"
	return "$rc"
}

# Waits up to SECONDS (may have a fraction: 2.5) for COMMAND to succeed,
# trying it every 0.1 s; returns 0 as soon as it does, 1 when time is up.
# Use it instead of a sleep: a test then waits for what it needs, as long
# as it needs and no longer.  Where the condition is the check itself:
#   wait_until 10 cond ARGS || fail CASE "what cond found instead"
wait_until() {	# wait_until SECONDS COMMAND...
	local s=${1%%.*} f= end
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000000
	# microseconds, from bash's own clock (no date(1) on every try)
	end=$((${EPOCHREALTIME//[.,]/} + 10#${s:-0} * 1000000 + 10#${f:0:6}))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME//[.,]/}" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# The folder is watched (inotify) as well as read on SIGHUP, so a change
# may be imported by either, or split over both; what was imported since
# a mark (imports) is the sum of the summaries after it: "N new, N
# changed, N removed, N skipped" (new, changed and removed added up;
# skipped, the files broken now, from the last one).
imports() { grep -c '^kbd: articles: ' "$LOG"; }
imported_since() {	# imported_since MARK
	grep '^kbd: articles: ' "$LOG" | tail -n +$(($1 + 1)) |
	    sed -nE 's/^kbd: articles: ([0-9]+) new, ([0-9]+) changed, [0-9]+ unchanged, ([0-9]+) removed, ([0-9]+) skipped.*/\1 \2 \3 \4/p' |
	    awk '{ n += $1; c += $2; r += $3; s = $4 }
		END { printf "%d new, %d changed, %d removed, %d skipped\n", n, c, r, s }'
}
imported_is() { [ "$(imported_since "$1")" = "$2" ]; }
# expect_imported CASE MARK WANT: within 10 s, the imports since MARK
# add up to WANT
expect_imported() {
	wait_until 10 imported_is "$2" "$3" ||
	    fail "$1" "imported since the change: '$(imported_since "$2")', want '$3'"
}

# Waits until everything counted before (hits, searches, clicks) has
# been written: a search made now reaches the search log with the same
# flush or a later one than what came before it.  For checks that
# something did NOT happen, which no condition can wait for.
flushed() {	# flushed CASE
	local n
	n=$(sql "SELECT count(*) FROM search_log")
	curl -s -o /dev/null --max-time 10 \
	    "$BASE/api/search?q=flush$STARTS$RANDOM$RANDOM"
	wait_until 10 log_grew "$n" || fail "$1" "nothing was written within 10 s"
}
log_grew() { [ "$(sql "SELECT count(*) FROM search_log")" -gt "$1" ]; }

# Sends SIGHUP and waits for the import it starts to log its summary.
sighup() {
	local n
	n=$(grep -c '^kbd: articles: ' "$LOG")
	kill -HUP "$KBD_PID"
	wait_until 10 more_imports_than "$n"
}
more_imports_than() { [ "$(grep -c '^kbd: articles: ' "$LOG")" -gt "$1" ]; }

metric() {	# metric NAME{LABELS}: its value in /metrics now
	curl -s "${CURL_TLS[@]}" --max-time 10 "$BASE/metrics" |
	    awk -v m="$1" '$1 == m { print $2 }'
}

# Views are written once a second (KBD_FLUSH_MS).  views_flushed is true
# once every view counted so far is in the database: kbd_hits_flushed_total
# has caught up with kbd_hits_counted_total.  A check that something was
# not counted waits for it first, so that a view counted by mistake is
# not still on its way.  (Each try is a GET /metrics, which the access
# log and the request counters see.)
views_flushed() {
	curl -s "${CURL_TLS[@]}" --max-time 10 "$BASE/metrics" | awk '
	    $1 == "kbd_hits_counted_total" { c = $2 }
	    $1 == "kbd_hits_flushed_total" { f = $2 }
	    END { exit !(c != "" && c == f) }'
}

healthy() {	# healthy: the server still answers /healthz with 200
	[ "$(curl -s "${CURL_TLS[@]}" -o /dev/null -w '%{http_code}' \
	    --max-time 10 "$BASE/healthz")" = 200 ]
}
