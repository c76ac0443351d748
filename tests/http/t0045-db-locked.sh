#!/usr/bin/env bash
# t0045-db-locked: another process holds the database's write lock
# (python3's sqlite3 in BEGIN EXCLUSIVE, as a backup tool or an
# administrator's sqlite3 session might).
#   1.x  at start: kbd starts all the same (it writes nothing at start
#        when the schema is current) and serves what the database has;
#        the import of an edit made while kbd was down fails and is tried
#        again; views are counted and kept; once the lock is gone, the
#        edit and every view reach the database without a signal, and
#        the log says once that hits could not be written and once that
#        they work again
#   2.x  while running: the same, with an edit and SIGHUP under the lock
#   3.x  a stop while the lock is still held: kbd still stops with status
#        0 (after trying the last flush twice) and says how many views it
#        could not write; nothing else is lost: what was flushed stays
#   4.x  PRAGMA integrity_check is ok after all of it
. "$(dirname "$0")/../lib.sh"

hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }
title_of() { sql "SELECT title FROM article WHERE slug = '$1'"; }
views() {	# views N PATH: N views by N readers, each answered 200
	local i
	for i in $(seq "$1"); do
		curl -s -o /dev/null -w '%{http_code}\n' -A "$(reader)" "$BASE$2"
	done | grep -vc '^200$' | grep -qx 0
}
# hits_failed N: the log says N times that hits cannot be written (once
# an outage: after the first flush waited 5 s for the lock and failed)
hits_failed() { [ "$(grep -c '^kbd: hits: cannot write' "$LOG")" -ge "$1" ]; }
LOCKER=
lock_db() {	# takes the write lock until unlock_db
	rm -f "$TMP/unlock" "$TMP/locked"
	python3 - "$DB" "$TMP" <<'EOF' &
import os, sqlite3, sys, time
db, tmp = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=60, isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE meta SET value = value WHERE key = 'fts'")
open(tmp + "/locked", "w").close()
while not os.path.exists(tmp + "/unlock"):
    time.sleep(0.05)
c.execute("ROLLBACK")
c.close()
EOF
	LOCKER=$!
	wait_until 60 test -f "$TMP/locked" || die "could not take the lock"
}
unlock_db() {
	touch "$TMP/unlock"
	wait "$LOCKER"
	LOCKER=
}
trap '[ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null; cleanup' EXIT

dir=$(copy_articles articles)
start_kbd --articles "$dir"
stop_kbd 0.1

# 1: locked at start
sed -i 's/^title: .*/title: Geändert, als kbd stand/' "$dir/smtp.md"
base=$(hits_of imap)
lock_db
mark=$(wc -l <"$LOG" 2>/dev/null || echo 0)
start_kbd --articles "$dir"
grep -q '^kbd: import: database is locked' "$LOG" || fail 1.1 "no failed import logged: $(grep -v '^127' "$LOG" | head -5)"
expect_json 1.2 /api/articles/smtp '.title == "Wie versende ich Mails per SMTP?"'
views 20 /a/imap || fail 1.3 "a view under the lock was not answered 200"
expect_status 1.4 GET "/search?q=imap" 200
# A flush waits for the lock (5 s) and fails; the writer may first be
# busy with the import waiting for the same lock, longer on a busy machine.
wait_until 60 hits_failed 1 ||
    fail 1.9 "no message about hits not written while the lock was held"
[ "$(hits_of imap)" = "$base" ] || fail 1.5 "hits were written under the lock?"
unlock_db
flushed() { [ "$(hits_of imap)" = $((base + 20)) ]; }
wait_until 15 flushed || fail 1.6 "imap has $(hits_of imap) hits after the lock went, want $((base + 20))"
edited() { [ "$(title_of smtp)" = "$1" ]; }
wait_until 30 edited "Geändert, als kbd stand" || fail 1.7 "the edit was not imported after the lock went"
expect_json 1.8 /api/articles/smtp '.title == "Geändert, als kbd stand"'
[ "$(grep -c '^kbd: hits: cannot write' "$LOG")" = 1 ] ||
    fail 1.9 "$(grep -c '^kbd: hits: cannot write' "$LOG") messages about hits not written, want 1"
grep -q '^kbd: hits: working again' "$LOG" || fail 1.10 "the log does not say that hits work again"

# 2: locked while running
base=$(hits_of pop3)
lock_db
views 15 /api/articles/pop3 || fail 2.1 "a view under the lock was not answered 200"
sed -i 's/^title: .*/title: Geändert unter der Sperre/' "$dir/smtp.md"
kill -HUP "$KBD_PID"
views 5 /a/pop3 || fail 2.2 "a view under the lock was not answered 200"
expect_json 2.3 /api/top '.articles | length == 10'
wait_until 60 hits_failed 2 ||
    fail 2.4 "no message about hits not written while the lock was held"
[ "$(hits_of pop3)" = "$base" ] || fail 2.4 "hits were written under the lock?"
unlock_db
flushed2() { [ "$(hits_of pop3)" = $((base + 20)) ]; }
wait_until 15 flushed2 || fail 2.5 "pop3 has $(hits_of pop3) hits after the lock went, want $((base + 20))"
wait_until 30 edited "Geändert unter der Sperre" || fail 2.6 "the edit was not imported after the lock went"

# 3: stop under the lock
wait_until 10 views_flushed	# so that 3.3 finds exactly the 7 below lost
before=$(hits_of aliasname)
lock_db
views 7 /a/aliasname || fail 3.1 "a view under the lock was not answered 200"
t0=$(date +%s)
stop_kbd 3.2
t1=$(date +%s)
unlock_db
grep -q '^kbd: hits: 7 views could not be written before stopping; they are lost$' "$LOG" ||
    fail 3.3 "the log does not say that 7 views were lost: $(grep 'hits:' "$LOG" | tail -2)"
[ "$(hits_of aliasname)" = "$before" ] || fail 3.4 "aliasname has $(hits_of aliasname), want $before"
[ $((t1 - t0)) -lt 30 ] || fail 3.5 "the stop took $((t1 - t0)) s"

# 4
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 4.1 "integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
test_done
