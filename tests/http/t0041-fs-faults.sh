#!/usr/bin/env bash
# t0041-fs-faults: a read-only articles folder and a full disk.  Needs
# root for mount(8) (CI runs as root); says SKIP otherwise.
#   1.x  the articles folder on a read-only mount: kbd starts and imports
#        every article, reads an edit after SIGHUP, kbd check works;
#        kbd writes nothing there
#   2.x  no room for a new database (a full 2 MB tmpfs): one line on
#        stderr, exit status 2, no crash
#   3.x  the disk of the database (and of the access log) fills up while
#        kbd runs: every page, search and view is still answered; the
#        views counted are kept; the log says once that hits cannot be
#        written, once for the search log, once for the access log, and
#        the failed import of an edit is tried again later (5 s, 10 s,
#        ...), not in a loop
#   4.x  room again: without a signal, every view counted while the disk
#        was full reaches the database, the edit is imported, the log says
#        that hits work again; PRAGMA integrity_check is ok
#   5.x  the disk full again and kill -9 in the middle of it: the
#        database is sound, kbd starts on it, and what was written before
#        is there
. "$(dirname "$0")/../lib.sh"

hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }
views() {	# views N PATH: N views by N readers
	local i
	for i in $(seq "$1"); do
		curl -s -o /dev/null -w '%{http_code}\n' -A "$(reader)" "$BASE$2"
	done | grep -vc '^200$' | grep -qx 0
}
fill() {	# fill DIR: take every free byte of DIR's file system
	dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
	[ "$(df --output=avail "$1" | tail -1)" -le 4 ]
}

# 1: a read-only articles folder
dir=$(copy_articles articles)
mount_readonly "$dir" "$TMP/ro" || skip_all "needs mount(8) as root"
start_kbd --articles "$TMP/ro"
grep -q '^kbd: articles: 18 new, 0 changed' "$LOG" || fail 1.1 "import: $(grep 'articles:' "$LOG")"
touch "$TMP/ro/x" 2>/dev/null && fail 1.2 "the folder is not read-only"
sed -i 's/^title: .*/title: Nur lesbar, doch neu/' "$dir/smtp.md"	# the writable side
sighup || fail 1.3 "no import after SIGHUP"
expect_json 1.4 /api/articles/smtp '.title == "Nur lesbar, doch neu"'
"$KBD" check --articles "$TMP/ro" >/dev/null 2>&1 || fail 1.5 "kbd check fails on a read-only folder"
stop_kbd 1.6
[ -z "$(find "$dir" -newer "$dir/smtp.md" ! -path "$dir")" ] ||
    fail 1.7 "kbd wrote into the articles folder: $(find "$dir" -newer "$dir/smtp.md")"

# 2: no room for a new database
mount_tmpfs "$TMP/full0" 2m || skip_all "needs mount(8) as root"
fill "$TMP/full0" || fail 2.1 "cannot fill the tmpfs"
rc=0
"$KBD" --articles "$ROOT/articles" --static "$ROOT/static" --db "$TMP/full0/kb.sqlite" \
    --listen 127.0.0.1:0 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail 2.2 "exit status $rc on a full disk, want 2: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q 'full' "$TMP/err" ||
    fail 2.3 "want one line saying the disk is full: $(cat "$TMP/err")"

# 3: the disk fills up while kbd runs
# 16 MB: the revisions of every article take room besides the index
mount_tmpfs "$TMP/full" 16m || skip_all "needs mount(8) as root"
DB=$TMP/full/kb.sqlite
dir=$(copy_articles articles3)
start_kbd --articles "$dir" --access-log "$TMP/full/access.log"
base=$(hits_of imap)
fill "$TMP/full" || fail 3.1 "cannot fill the tmpfs"
mark=$(wc -l <"$LOG")
views 30 /a/imap || fail 3.2 "a view was not answered 200 with the disk full"
views 10 /api/articles/imap || fail 3.3 "an API view was not answered 200 with the disk full"
for q in imap passwort router dns; do
	expect_status 3.4 GET "/api/search?q=$q" 200
	expect_status 3.5 GET "/search?q=$q" 200
done
expect_status 3.6 GET / 200
# an edit that needs room: the import fails and is tried again later
{ awk '{ print } /^---$/ && NR > 1 { exit }' "$dir/smtp.md" |
    sed 's/^title: .*/title: Voll, aber nicht verloren/'
  for i in $(seq 3000); do echo "Zeile $i über den Versand mit SMTP und seine Tücken."; done
} >"$TMP/smtp.md" && mv "$TMP/smtp.md" "$dir/smtp.md"
kill -HUP "$KBD_PID"
# A window of 8 s, the check itself (3.9-3.13): the flushes fail each
# second and the import fails and is retried once, yet each is said once,
# not once a second
sleep 8
healthy || fail 3.7 "kbd stopped answering with the disk full"
# counted, not written (the pages show the count as last stored: their
# cached answers change with what is stored)
pending=$(curl -s "$BASE/metrics" | awk '$1 == "kbd_hits_counted_total" { c = $2 }
    $1 == "kbd_hits_flushed_total" { f = $2 } END { print c - f }')
[ "$pending" = 40 ] || fail 3.8 "$pending views counted and not written, want 40"
tail -n +"$mark" "$LOG" | grep '^kbd: ' >"$TMP/full.log"
n=$(grep -c '^kbd: hits: ' "$TMP/full.log")
[ "$n" = 1 ] && grep -q '^kbd: hits: cannot write' "$TMP/full.log" ||
    fail 3.9 "$n messages about hits, want 1 saying they cannot be written: $(grep '^kbd: hits' "$TMP/full.log" | head -3)"
n=$(grep -c '^kbd: search log: cannot write' "$TMP/full.log")
[ "$n" = 1 ] || fail 3.10 "$n messages about the search log, want 1"
n=$(grep -c '^kbd: access log: cannot write' "$TMP/full.log")
[ "$n" = 1 ] || fail 3.11 "$n messages about the access log, want 1"
n=$(grep -c '^kbd: articles: import failed' "$TMP/full.log")
[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail 3.12 "$n failed imports logged in 8 s, want 1 to 3 (5 s, then 10 s apart)"
[ "$(wc -l <"$TMP/full.log")" -le 16 ] || fail 3.13 "$(wc -l <"$TMP/full.log") log lines in 8 s with the disk full: $(sort "$TMP/full.log" | uniq -c | sort -rn | head -3)"

# 4: room again
rm "$TMP/full/filler"
flushed() { [ "$(hits_of imap)" = $((base + 40)) ]; }
wait_until 10 flushed || fail 4.1 "imap has $(hits_of imap) hits after the disk had room again, want $((base + 40))"
imported() { [ "$(sql "SELECT title FROM article WHERE slug = 'smtp'")" = "Voll, aber nicht verloren" ]; }
wait_until 30 imported || fail 4.2 "the edit was not imported after the disk had room again"
grep -q '^kbd: hits: working again after [0-9]* failed tries' "$LOG" || fail 4.3 "the log does not say that hits work again"
expect_json 4.4 "/api/search?q=$(uri 'Tücken versand')" '.results[0].slug == "smtp"'
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 4.5 "integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
grep -q '"GET /api/search?q=imap HTTP/1.1" 200' "$TMP/full/access.log" && fail 4.6 "lines written to a full disk?"

# 5: full again, kill -9
before=$(hits_of imap)
mark=$(wc -l <"$LOG")
fill "$TMP/full" || fail 5.1 "cannot fill the tmpfs again"
views 20 /a/imap || fail 5.2 "a view was not answered"
sed -i 's/^title: .*/title: Noch einmal voll/' "$dir/smtp.md"
kill -HUP "$KBD_PID"
# in the middle of it: a flush of the views and the import have failed
said_since() { tail -n +"$((mark + 1))" "$LOG" | grep -q "$1"; }
failing() { said_since '^kbd: hits: cannot write' && said_since '^kbd: articles: import failed'; }
wait_until 10 failing
kill9_kbd
rm "$TMP/full/filler"
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail 5.3 "integrity_check after kill -9 on a full disk: $(sql 'PRAGMA integrity_check' | head -3)"
[ "$(hits_of imap)" = "$before" ] || fail 5.4 "imap has $(hits_of imap) hits after kill -9, want $before (written before)"
start_kbd --articles "$dir"
expect_json 5.5 /api/articles/smtp '.title == "Noch einmal voll"'
stop_kbd 5.6
test_done
