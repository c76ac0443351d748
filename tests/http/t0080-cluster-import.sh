#!/usr/bin/env bash
# t0080-cluster-import: kbd import and kbd export against a throwaway
# PostgreSQL 15 (tests/cluster/pg.sh), the first slice of cluster mode.
#   1.x  importing the shipped articles into an empty database makes
#        kbd's schema (version 1) and one article and one revision per
#        file, with the file's title, category and draft state; exit 0
#   2.x  importing them again changes nothing (no revision more); a
#        changed file is updated with one revision more; a file renamed
#        outside kbd keeps its article (id, history) and its old name
#        redirects; a removed file marks its article deleted; an empty
#        folder is refused rather than deleting every article
#   3.x  round trip: export writes every current article, byte for byte
#        the imported file; importing the export into a new database and
#        exporting that again gives the same folder; importing it back
#        into the first changes nothing; export leaves files of the
#        folder that the database does not have alone and says so;
#        values with quotes, backslashes and "$1" go in and out as they
#        are (no SQL is made from values)
#   4.x  a folder with one broken article: the error names the file and
#        the reason, the exit status is 1, the others are imported
#   5.x  the URL from --cluster-file and from KBD_CLUSTER; --cluster and
#        --cluster-file together, or none, are refused (exit 2); a wrong
#        password, or a bad URL, is a clear error that does not show the
#        password
#   6.x  a database whose schema is newer than this kbd and needs a newer
#        kbd (oldest) is refused with a clear message and left as it was;
#        one whose newer steps only added is used (a rolling upgrade); a
#        version 1 database is brought up to version 2 with its rows
#   7.x  kbd user --cluster lists the cluster's accounts (t0081 tests
#        nodes, t0084 the accounts, t0086 the node that keeps a folder)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"

pg_start

OUT=$TMP/out
ERR=$TMP/err
# kbd_run ARGS...: runs kbd, its status in RC, stdout/stderr in OUT/ERR
kbd_run() {
	RC=0
	"$KBD" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
q() { psql_kbd "$1" "$2"; }
nmd() { find "$1" -maxdepth 1 -name '*.md' | wc -l; }
N=$(nmd "$ROOT/articles")
[ "$N" -gt 10 ] || die "articles/ has only $N articles"

# 1: a first import
src=$(copy_articles src)
kbd_run import --cluster "$PG_URL" "$src"
[ "$RC" = 0 ] || fail 1.1 "import exited $RC: $(cat "$ERR")"
grep -q "^kbd: import: $N new, 0 changed, 0 unchanged, 0 removed, 0 skipped; $N revisions added" "$ERR" ||
    fail 1.2 "no summary of $N new articles: $(cat "$ERR")"
[ "$(q kbd 'SELECT version, oldest FROM kbd.schema_version')" = "2|1" ] ||
    fail 1.3 "kbd.schema_version is not 2, usable by version 1"
[ "$(q kbd "SELECT count(*) FROM kbd.article WHERE state <> 'deleted'")" = "$N" ] ||
    fail 1.4 "not $N articles in PostgreSQL: $(q kbd 'SELECT count(*) FROM kbd.article')"
[ "$(q kbd 'SELECT count(*) FROM kbd.revision')" = "$N" ] ||
    fail 1.5 "not one revision per article"
[ "$(q kbd "SELECT title || '|' || category || '|' || state FROM kbd.article WHERE slug = 'imap'")" = \
    "Wie verwalte ich Mails über IMAP?|E-Mail|published" ] ||
    fail 1.6 "imap's row: $(q kbd "SELECT title, category, state FROM kbd.article WHERE slug = 'imap'")"
[ "$(q kbd "SELECT hits FROM kbd.article WHERE slug = 'imap'")" = 414716 ] ||
    fail 1.7 "the front matter's hits did not seed imap's counter"

# 2: again, a change, a rename, a removal
kbd_run import --cluster "$PG_URL" "$src"
[ "$RC" = 0 ] && grep -q "0 new, 0 changed, $N unchanged, 0 removed, 0 skipped; 0 revisions added" "$ERR" ||
    fail 2.1 "a second import changed something (rc $RC): $(cat "$ERR")"
[ "$(q kbd 'SELECT count(*) FROM kbd.revision')" = "$N" ] ||
    fail 2.2 "a second import added revisions"
sed -i 's/^title: .*/title: "IMAP, neu betitelt"/' "$src/imap.md"
imap_id=$(q kbd "SELECT id FROM kbd.article WHERE slug = 'imap'")
kbd_run import --cluster "$PG_URL" "$src"
[ "$RC" = 0 ] && grep -q "0 new, 1 changed, $((N - 1)) unchanged, 0 removed, 0 skipped; 1 revisions added" "$ERR" ||
    fail 2.3 "a changed file: rc $RC, $(cat "$ERR")"
[ "$(q kbd "SELECT title FROM kbd.article WHERE slug = 'imap'")" = "IMAP, neu betitelt" ] ||
    fail 2.4 "the new title is not in PostgreSQL"
[ "$(q kbd "SELECT max(rev) FROM kbd.revision WHERE article_id = $imap_id")" = 2 ] ||
    fail 2.5 "the changed article has no second revision"
mv "$src/pop3.md" "$src/pop3-abrufen.md"
pop3_id=$(q kbd "SELECT id FROM kbd.article WHERE slug = 'pop3'")
rm "$src/smtp.md"
kbd_run import --cluster "$PG_URL" "$src"
[ "$RC" = 0 ] && grep -q "0 new, 1 changed, $((N - 2)) unchanged, 1 removed, 0 skipped; 0 revisions added" "$ERR" ||
    fail 2.6 "a rename and a removal: rc $RC, $(cat "$ERR")"
[ "$(q kbd "SELECT id FROM kbd.article WHERE slug = 'pop3-abrufen'")" = "$pop3_id" ] ||
    fail 2.7 "the renamed file is not its old article"
[ "$(q kbd "SELECT article_id FROM kbd.redirect WHERE slug = 'pop3'")" = "$pop3_id" ] ||
    fail 2.8 "pop3 does not redirect to its article"
[ "$(q kbd "SELECT state FROM kbd.article WHERE slug = 'smtp'")" = deleted ] ||
    fail 2.9 "the removed file's article is not marked deleted"
mkdir "$TMP/empty"
kbd_run import --cluster "$PG_URL" "$TMP/empty"
[ "$RC" = 1 ] && grep -q "empty holds no articles (\*.md); refusing to mark all $((N - 1)) of" "$ERR" ||
    fail 2.10 "an empty folder: rc $RC, $(cat "$ERR")"
[ "$(q kbd "SELECT count(*) FROM kbd.article WHERE state = 'deleted'")" = 1 ] ||
    fail 2.11 "an empty folder's import deleted articles"

# 3: the round trip
tricky='---
title: "Anführungszeichen '"'"'; DROP TABLE kbd.article; -- und \\ und $1"
category: "Sonder'"'"'zeichen"
draft: true
---
Text mit '"'"'Quotes'"'"', "doppelten", \\ Backslash, $1 und $$ und %s.
'
printf '%s' "$tricky" >"$src/sonderzeichen.md"
kbd_run import --cluster "$PG_URL" "$src"
[ "$RC" = 0 ] || fail 3.0 "import with the tricky article: $(cat "$ERR")"
kbd_run export --cluster "$PG_URL" "$TMP/e1"
[ "$RC" = 0 ] || fail 3.1 "export exited $RC: $(cat "$ERR")"
grep -q "^kbd: export: $N written, 0 unchanged" "$ERR" ||
    fail 3.2 "export did not write $N files: $(cat "$ERR")"
# exactly the folder's articles, byte for byte (synonyms.txt is no
# article)
diff -r -x synonyms.txt "$src" "$TMP/e1" >"$TMP/diff" ||
    fail 3.3 "the export differs from the imported folder: $(head -20 "$TMP/diff")"
[ ! -e "$TMP/e1/smtp.md" ] && [ ! -e "$TMP/e1/pop3.md" ] ||
    fail 3.4 "a deleted or renamed article was exported under its old name"
[ "$(q kbd "SELECT title FROM kbd.article WHERE slug = 'sonderzeichen'")" = \
    "Anführungszeichen '; DROP TABLE kbd.article; -- und \\ und \$1" ] ||
    fail 3.5 "the tricky title: $(q kbd "SELECT title FROM kbd.article WHERE slug = 'sonderzeichen'")"
[ "$(q kbd "SELECT state FROM kbd.article WHERE slug = 'sonderzeichen'")" = draft ] ||
    fail 3.6 "a draft is not kept as one"
ls "$TMP/e1"/.*.md.* >/dev/null 2>&1 && fail 3.7 "temporary files left in the export"
pg_createdb kbd2
kbd_run import --cluster "$(pg_url kbd2)" "$TMP/e1"
[ "$RC" = 0 ] || fail 3.8 "import of the export exited $RC: $(cat "$ERR")"
kbd_run export --cluster "$(pg_socket_url kbd2)" "$TMP/e2"
[ "$RC" = 0 ] || fail 3.9 "export over the socket exited $RC: $(cat "$ERR")"
diff -r "$TMP/e1" "$TMP/e2" >"$TMP/diff" ||
    fail 3.10 "export, import, export is not the same: $(head -20 "$TMP/diff")"
kbd_run import --cluster "$PG_URL" "$TMP/e2"
[ "$RC" = 0 ] && grep -q " 0 new, 0 changed, $N unchanged, 0 removed, 0 skipped; 0 revisions added" "$ERR" ||
    fail 3.11 "importing the round trip back changed something: $(cat "$ERR")"
# An export into that folder again writes nothing and keeps a stranger.
printf -- '---\ntitle: Fremd\n---\nNur hier.\n' >"$TMP/e2/fremd.md"
touch -d '2001-01-01' "$TMP/e2/imap.md"
kbd_run export --cluster "$PG_URL" "$TMP/e2"
[ "$RC" = 0 ] && grep -q "^kbd: export: 0 written, $N unchanged" "$ERR" ||
    fail 3.12 "exporting into the same folder again: rc $RC, $(cat "$ERR")"
[ "$(stat -c %Y "$TMP/e2/imap.md")" = "$(date -d 2001-01-01 +%s)" ] ||
    fail 3.13 "an unchanged file was written again"
[ -f "$TMP/e2/fremd.md" ] && grep -q "e2/fremd.md: not in the database; left as it is" "$ERR" ||
    fail 3.14 "the folder's own file: $(cat "$ERR")"

# 4: one broken article among good ones
bad=$(copy_articles bad)
printf -- '---\ncategory: E-Mail\n---\nKein Titel.\n' >"$bad/kaputt.md"
pg_createdb kbd3
kbd_run import --cluster "$(pg_url kbd3)" "$bad"
[ "$RC" = 1 ] || fail 4.1 "import with a broken file exited $RC, want 1"
grep -q "^kbd: $bad/kaputt.md: skipped: no title in the front matter$" "$ERR" ||
    fail 4.2 "the error does not name the file and the reason: $(cat "$ERR")"
grep -q "^kbd: import: $N new, 0 changed, 0 unchanged, 0 removed, 1 skipped" "$ERR" ||
    fail 4.3 "summary: $(cat "$ERR")"
[ "$(q kbd3 "SELECT count(*) FROM kbd.article WHERE state = 'published'")" = "$N" ] ||
    fail 4.4 "the $N good articles are not all imported"
[ "$(q kbd3 "SELECT count(*) FROM kbd.article WHERE slug = 'kaputt'")" = 0 ] ||
    fail 4.5 "the broken article was imported"

# 5: where the URL comes from
printf '%s\n' "$(pg_url kbd3)" >"$TMP/cluster.url"
chmod 600 "$TMP/cluster.url"
kbd_run export --cluster-file "$TMP/cluster.url" "$TMP/e5"
[ "$RC" = 0 ] && [ "$(nmd "$TMP/e5")" = "$N" ] ||
    fail 5.1 "--cluster-file: rc $RC, $(nmd "$TMP/e5") files, $(cat "$ERR")"
grep -q 'can be read by other users' "$ERR" &&
    fail 5.2 "a private --cluster-file was warned about"
chmod 644 "$TMP/cluster.url"
kbd_run export --cluster-file "$TMP/cluster.url" "$TMP/e5"
grep -q 'cluster.url can be read by other users' "$ERR" ||
    fail 5.3 "an open --cluster-file was not warned about: $(cat "$ERR")"
RC=0
KBD_CLUSTER=$(pg_url kbd3) "$KBD" export "$TMP/e6" >"$OUT" 2>"$ERR" || RC=$?
[ "$RC" = 0 ] && [ "$(nmd "$TMP/e6")" = "$N" ] ||
    fail 5.4 "KBD_CLUSTER: rc $RC, $(cat "$ERR")"
kbd_run import --cluster "$PG_URL" --cluster-file "$TMP/cluster.url" "$src"
[ "$RC" = 2 ] && grep -q 'give one of them' "$ERR" ||
    fail 5.5 "--cluster and --cluster-file together: rc $RC, $(cat "$ERR")"
RC=0
env -u KBD_CLUSTER "$KBD" import "$src" >"$OUT" 2>"$ERR" || RC=$?
[ "$RC" = 2 ] && grep -q 'kbd import needs the cluster' "$ERR" ||
    fail 5.6 "import without a cluster: rc $RC, $(cat "$ERR")"
wrong=postgresql://kbd:not-the-pw-$SRANDOM@127.0.0.1:$PG_PORT/kbd
kbd_run import --cluster "$wrong" "$src"
[ "$RC" = 1 ] && grep -q 'password authentication failed' "$ERR" ||
    fail 5.7 "a wrong password: rc $RC, $(cat "$ERR")"
grep -q 'not-the-pw' "$ERR" && fail 5.8 "the error shows the password"
# libpq quotes a bad value of the URL: even then, no password.
kbd_run import --cluster "postgresql://kbd:pw1234567@127.0.0.1:pw1234567/kbd" "$src"
[ "$RC" = 1 ] && grep -q 'invalid integer value' "$ERR" ||
    fail 5.10 "a bad port: rc $RC, $(cat "$ERR")"
grep -q 'pw1234567' "$ERR" && fail 5.11 "the error quotes the password"
kbd_run import --cluster "postgresql://kbd:pw7654321@[::1/kbd" "$src"
[ "$RC" = 1 ] && grep -q 'IPv6 host address in URI' "$ERR" ||
    fail 5.12 "a bad URL: rc $RC, $(cat "$ERR")"
grep -q 'pw7654321' "$ERR" && fail 5.13 "the error quotes the URL's password"
printf '\n' >"$TMP/empty.url"
kbd_run import --cluster-file "$TMP/empty.url" "$src"
[ "$RC" = 2 ] && grep -q 'no URL on its first line' "$ERR" ||
    fail 5.9 "an empty --cluster-file: rc $RC, $(cat "$ERR")"

# 6: a schema newer than this kbd, which older ones may not use
q kbd2 'UPDATE kbd.schema_version SET version = 999, oldest = 998'
before=$(q kbd2 'SELECT count(*) FROM kbd.revision')
kbd_run import --cluster "$(pg_url kbd2)" "$src"
[ "$RC" = 1 ] || fail 6.1 "import into a newer schema exited $RC, want 1"
grep -q 'the schema is version 999, made by a newer kbd, and needs kbd.s version 998 at least; this kbd knows version 2' "$ERR" ||
    fail 6.2 "no clear refusal: $(cat "$ERR")"
kbd_run export --cluster "$(pg_url kbd2)" "$TMP/e7"
[ "$RC" = 1 ] && grep -q 'version 999, made by a newer kbd' "$ERR" ||
    fail 6.3 "export from a newer schema: rc $RC, $(cat "$ERR")"
[ "$(q kbd2 'SELECT version FROM kbd.schema_version')" = 999 ] &&
    [ "$(q kbd2 'SELECT count(*) FROM kbd.revision')" = "$before" ] ||
    fail 6.4 "the newer database was changed"
# ... and one that older ones may (a rolling upgrade: only additions)
q kbd2 'UPDATE kbd.schema_version SET oldest = 2'
kbd_run export --cluster "$(pg_url kbd2)" "$TMP/e8"
[ "$RC" = 0 ] && grep -q 'version 999, made by a newer kbd; this kbd (version 2) uses the part it knows' "$ERR" ||
    fail 6.5 "export from a newer schema older kbds may use: rc $RC, $(cat "$ERR")"
[ "$(q kbd2 'SELECT version, oldest FROM kbd.schema_version')" = "999|2" ] ||
    fail 6.6 "the newer schema's version was changed"
# ... and a version 1 database is brought up to version 2, kept whole
pg_createdb kbd_v1
# (version 1 as kbd made it, before version 2 existed)
q kbd_v1 "CREATE SCHEMA kbd;
CREATE TABLE kbd.schema_version (one boolean PRIMARY KEY DEFAULT true
  CHECK (one), version integer NOT NULL);
CREATE TABLE kbd.article (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE, title text NOT NULL,
  category text NOT NULL DEFAULT '', tags text NOT NULL DEFAULT '',
  aliases text NOT NULL DEFAULT '', markdown text NOT NULL DEFAULT '',
  hash text NOT NULL DEFAULT '', state text NOT NULL DEFAULT 'published'
  CHECK (state IN ('published', 'draft', 'deleted')),
  draft boolean NOT NULL DEFAULT false, created bigint NOT NULL,
  updated bigint NOT NULL, hits bigint NOT NULL DEFAULT 0);
CREATE TABLE kbd.revision (article_id bigint NOT NULL
  REFERENCES kbd.article(id), rev integer NOT NULL, author text NOT NULL,
  created bigint NOT NULL, hash text NOT NULL, text text NOT NULL,
  PRIMARY KEY (article_id, rev));
CREATE TABLE kbd.redirect (slug text PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES kbd.article(id));
INSERT INTO kbd.schema_version(version) VALUES (1);
INSERT INTO kbd.article(slug, title, created, updated) VALUES ('alt', 'Alt', 1, 1);" >/dev/null
kbd_run export --cluster "$(pg_url kbd_v1)" "$TMP/e9"
[ "$RC" = 0 ] && grep -q 'updating kbd.s schema, version 2' "$ERR" ||
    fail 6.7 "a version 1 schema: rc $RC, $(cat "$ERR")"
[ "$(q kbd_v1 'SELECT version, oldest FROM kbd.schema_version')" = "2|1" ] &&
    [ "$(q kbd_v1 'SELECT slug FROM kbd.article')" = alt ] ||
    fail 6.8 "version 1 was not updated to 2 with its rows kept"

# 7: kbd user with the cluster
kbd_run user list --cluster "$PG_URL" --db "$DB"
[ "$RC" = 0 ] && [ ! -s "$ERR" ] ||
    fail 7.5 "kbd user --cluster: rc $RC, $(cat "$ERR")"

test_done
