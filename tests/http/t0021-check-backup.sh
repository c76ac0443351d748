#!/usr/bin/env bash
# t0021-check-backup: the two commands besides serving.
#   1.x  kbd check on the shipped articles: exit 0, a summary line, no
#        other output; it writes nothing (no database appears)
#   2.x  kbd check on a broken folder: exit 1 and exactly one file:line
#        line per problem, in file order: a name that is not a slug, YAML
#        that does not parse (its line), no front matter, a missing title,
#        invalid UTF-8, a link to an article that does not exist (the
#        line in the file); raw HTML is a warning (once per line) and
#        alone does not fail; a folder that cannot be read: exit 2
#   3.x  kbd backup FILE while kbd serves, imports (SIGHUP) and counts
#        views: exit 0; the copy passes PRAGMA integrity_check, is one
#        self-contained file (journal_mode delete, no -wal beside it) and
#        holds every article; a server started on the copy serves them
#        with the hits flushed before the backup; the load beside them
#        got only 200s
#   4.x  mistakes: no FILE (exit 2), a second FILE (exit 2), the database
#        itself as FILE (exit 2, the database untouched), a missing
#        database (exit 2); a copy that fails after its .part file was
#        written (FILE is a folder, so the last rename fails; a disk
#        that fills up during the copy): exit 1, and the folder holds
#        nothing the backup made
. "$(dirname "$0")/../lib.sh"

# 1: the shipped articles
rc=0
(cd "$TMP" && "$KBD" check --articles "$ROOT/articles") >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || fail 1.1 "exit status $rc: $(cat "$TMP/err")"
n=$(ls "$ROOT"/articles/*.md | wc -l)
[ "$(cat "$TMP/err")" = "kbd check: $n articles, $n fine, 0 errors, 0 warnings" ] ||
    fail 1.2 "output: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail 1.3 "stdout: $(cat "$TMP/out")"
[ ! -e "$TMP/var" ] || fail 1.4 "kbd check created $TMP/var"

# 2: a broken folder
b=$TMP/broken
mkdir "$b"
cat >"$b/a-gut.md" <<'EOF'
---
title: Ein gutes Stück
---
Siehe auch [den anderen Artikel](/a/b-html) und [extern](https://example.org/).
EOF
cat >"$b/b-html.md" <<'EOF'
---
title: Mit HTML
---
Ein Absatz.

Text mit <b>fett</b> und <i>kursiv</i> in einer Zeile.
EOF
cat >"$b/c-yaml.md" <<'EOF'
---
title: Kaputt
tags: [eins, zwei
---
Text.
EOF
printf 'Kein Kopf, nur Text.\n' >"$b/d-nofront.md"
printf -- '---\ncategory: E-Mail\n---\nOhne Titel.\n' >"$b/e-notitle.md"
printf -- '---\ntitle: Latin-1 \xfc\n---\nText.\n' >"$b/f-latin1.md"
cat >"$b/g-link.md" <<'EOF'
---
title: Verweise
---
Erster Absatz.

Zweiter Absatz mit [einem toten Link](/a/gibt-es-nicht).

Dritter mit [gutem Link](/a/a-gut#abschnitt).
EOF
touch "$b/Große Datei.md" "$b/.versteckt.md" "$b/notizen.txt"
rc=0
"$KBD" check --articles "$b" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] || fail 2.1 "exit status $rc, want 1"
cat >"$TMP/want" <<EOF
$b/Große Datei.md:1: the file name must be a slug (a-z, 0-9, '-', '_') plus ".md"
$b/c-yaml.md:3: front matter is not valid YAML: did not find expected ',' or ']'
$b/d-nofront.md:1: no front matter: the first line must be "---"
$b/e-notitle.md:1: no title in the front matter
$b/f-latin1.md:2: not valid UTF-8 (byte 19)
$b/b-html.md:6: warning: raw HTML is not shown to readers
$b/g-link.md:6: link to /a/gibt-es-nicht: no such article
kbd check: 8 articles, 3 fine, 6 errors, 1 warnings
EOF
diff "$TMP/want" "$TMP/err" >"$TMP/diff" || fail 2.2 "kbd check said something else:
$(cat "$TMP/diff")"
rm "$b/c-yaml.md" "$b/d-nofront.md" "$b/e-notitle.md" "$b/f-latin1.md" \
    "$b/g-link.md" "$b/Große Datei.md"
rc=0
"$KBD" check --articles "$b" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || fail 2.3 "warnings alone gave exit status $rc: $(cat "$TMP/err")"
rc=0
"$KBD" check --articles "$TMP/nope" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail 2.4 "a missing folder gave exit status $rc, want 2"

# 3: backup under load
dir=$(copy_articles articles)
start_kbd --articles "$dir"
for i in $(seq 30); do req GET /a/imap; done
flushed() { [ "$(sql "SELECT hits FROM article WHERE slug = 'imap'")" = 414746 ]; }
wait_until 3 flushed || fail 3.1 "the 30 views were not flushed"
python3 - "$PORT" >"$TMP/load.out" 2>&1 <<'EOF' &
import http.client, sys, time
port = int(sys.argv[1])
end = time.time() + 4
paths = ["/a/pop3", "/api/search?q=passwort", "/api/articles/smtp", "/"]
n = 0
while time.time() < end:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # a new reader each time, so that hits are written during the backups
    c.request("GET", paths[n % len(paths)], headers={"User-Agent":
        f"Mozilla/5.0 (X11; Linux x86_64) kbd-test/load.{n}"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 200:
        sys.exit(f"{paths[n % len(paths)]}: status {r.status}")
    n += 1
print(n, "requests")
EOF
load=$!
for i in 1 2 3; do
	sed -i "s/^title: .*/title: Wie richte ich SMTP ein? (Runde $i)/" "$dir/smtp.md"
	kill -HUP "$KBD_PID"
	rc=0
	"$KBD" backup --db "$DB" "$TMP/backup-$i.sqlite" 2>"$TMP/err" || rc=$?
	[ "$rc" = 0 ] || fail 3.2 "backup $i: exit status $rc: $(cat "$TMP/err")"
	grep -q "^kbd: $DB copied to $TMP/backup-$i.sqlite ([0-9]* bytes)$" "$TMP/err" ||
	    fail 3.3 "backup $i said: $(cat "$TMP/err")"
	[ "$(sqlite3 "$TMP/backup-$i.sqlite" 'PRAGMA integrity_check')" = ok ] ||
	    fail 3.4 "backup $i fails the integrity check"
	[ "$(sqlite3 "$TMP/backup-$i.sqlite" 'PRAGMA journal_mode')" = delete ] ||
	    fail 3.5 "backup $i is not in rollback-journal mode"
	[ ! -e "$TMP/backup-$i.sqlite-wal" ] && [ ! -e "$TMP/backup-$i.sqlite.part" ] ||
	    fail 3.6 "backup $i left files beside it"
	[ "$(sqlite3 "$TMP/backup-$i.sqlite" 'SELECT count(*) FROM article')" = 18 ] ||
	    fail 3.7 "backup $i does not hold 18 articles"
	[ "$(sqlite3 "$TMP/backup-$i.sqlite" "SELECT hits >= 414746 FROM article WHERE slug = 'imap'")" = 1 ] ||
	    fail 3.8 "backup $i lost flushed hits"
	sleep 0.3	# the backups spread over the 4 s of load
done
wait "$load" || fail 3.13 "the load beside the backups failed: $(tail -n 3 "$TMP/load.out")"
grep -q '^[1-9][0-9]* requests$' "$TMP/load.out" || fail 3.14 "no load ran: $(cat "$TMP/load.out")"
stop_kbd 3.9
cp "$TMP/backup-3.sqlite" "$TMP/restored.sqlite"
DB=$TMP/restored.sqlite
start_kbd --articles "$dir"
expect_json 3.10 /api/articles/imap '.hits >= 414747'
expect_json 3.11 "/api/search?q=imap" '.results[0].slug == "imap"'
stop_kbd 3.12
DB=$TMP/kb.sqlite

# 4: mistakes
backup_fails() {	# backup_fails CASE STATUS PATTERN ARGS...
	local c=$1 want=$2 pat=$3 rc=0
	shift 3
	"$KBD" backup "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$c" "exit status $rc, want $want ($(cat "$TMP/err"))"
	grep -q "$pat" "$TMP/err" || fail "$c" "stderr: $(cat "$TMP/err")"
	[ "$(wc -l <"$TMP/err")" = 1 ] || fail "$c" "more than one line: $(cat "$TMP/err")"
}
backup_fails 4.1 2 '^kbd: kbd backup needs the file to write' --db "$DB"
backup_fails 4.2 2 "^kbd: unexpected argument 'b'" --db "$DB" a b
sum=$(sha256sum <"$DB")
backup_fails 4.3 2 "is the database itself" --db "$DB" "$DB"
[ "$(sha256sum <"$DB")" = "$sum" ] || fail 4.4 "the database changed"
backup_fails 4.5 2 "^kbd: --db $TMP/none.sqlite: No such file or directory$" --db "$TMP/none.sqlite" "$TMP/x.sqlite"
# The whole copy is written to copy.sqlite.part, checked and synced;
# only the rename onto a folder of that name fails.
mkdir -p "$TMP/bk/copy.sqlite"
touch "$TMP/bk/copy.sqlite/keep"
backup_fails 4.6 1 "^kbd: backup: $TMP/bk/copy.sqlite: " --db "$DB" "$TMP/bk/copy.sqlite"
[ "$(ls -A "$TMP/bk")" = copy.sqlite ] || fail 4.7 "files left behind: $(ls -A "$TMP/bk")"
[ "$(ls -A "$TMP/bk/copy.sqlite")" = keep ] || fail 4.8 "the folder in the way was changed"
# A disk too small for the copy: the .part file is begun, then the
# disk is full.
if mount_tmpfs "$TMP/small" 64k; then
	backup_fails 4.9 1 "^kbd: backup: " --db "$DB" "$TMP/small/copy.sqlite"
	[ -z "$(ls -A "$TMP/small")" ] || fail 4.10 "files left on the full disk: $(ls -A "$TMP/small")"
else
	skip 4.9 "no tmpfs for a full disk (needs mount(8) as root)"
fi
test_done
