/*
 * import.c (store): brings the articles folder into the database.  New files
 * are added, changed files re-rendered and re-indexed, vanished files marked
 * deleted (their rows stay, so hit counters survive a file that comes back).  A
 * file whose size and modification time match the database is not even opened,
 * and one whose content hash matches is not parsed, so an unchanged folder
 * costs one stat per file.  A broken file is reported with its name and reason
 * and skipped; if an older good version is in the database, that version stays
 * online.
 *
 * An editor's save, and a file changed from outside that inotify names,
 * need not walk the folder: import_files() reads only the files named,
 * and says for each article it changed how it was and how it is, so
 * that the snapshot can be updated by the difference (snapshot_patch)
 * instead of being rebuilt.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"
#include "tokenizer.h"

#define IMPORT_BATCH	500	/* changes per transaction */
#define OPTIMIZE_AFTER	500	/* changes that merge the index (store.c) */

/* An article as the database knows it. */
struct known {
	char		*slug;
	int64_t		 id;
	char		 hash[65];
	int64_t		 mtime;		/* ns */
	int64_t		 size;
	int		 deleted;
	int		 draft;
	int		 seen;		/* a file for it exists */
};

/* Only published articles count in the lexicon and the index. */
#define LIVE(k)		(!(k)->deleted && !(k)->draft)

enum {
	IS_INSERT,
	IS_UPDATE,
	IS_TOUCH,
	IS_DELETE,
	IS_UNREDIRECT,
	IS_RENAMED,
	IS_LAST_REVISION,
	IS_ADD_REVISION,
	IS_MOVE,
	IS_REDIRECT,
	IS__COUNT
};

static const char *import_sql[IS__COUNT] = {
	[IS_INSERT] =
	    "INSERT INTO article(slug, title, category, tags, markdown,"
	    " body_text, html, hash, mtime, size, state, created, updated,"
	    " hits, draft, aliases, terms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, CASE WHEN ?14 THEN 'draft' ELSE 'published' END,"
	    " ?11, ?11, ?12, ?14, ?15, kbd_terms(?2, ?4, ?6, ?15))",
	[IS_UPDATE] =
	    "UPDATE article SET slug = ?1, title = ?2, category = ?3,"
	    " tags = ?4, markdown = ?5, body_text = ?6, html = ?7, hash = ?8,"
	    " mtime = ?9, size = ?10, updated = ?11, draft = ?14,"
	    " state = CASE WHEN ?14 THEN 'draft' ELSE 'published' END,"
	    " aliases = ?15, terms = kbd_terms(?2, ?4, ?6, ?15)"
	    " WHERE id = ?13",
	[IS_TOUCH] =
	    "UPDATE article SET mtime = ?2, size = ?3,"
	    " updated = CASE WHEN state = 'deleted' THEN ?4 ELSE updated END,"
	    " state = CASE WHEN draft THEN 'draft' ELSE 'published' END"
	    " WHERE id = ?1",
	[IS_DELETE] =
	    "UPDATE article SET state = 'deleted', updated = ?2 WHERE id = ?1",
	/* A new article takes its name back from a renamed one. */
	[IS_UNREDIRECT] =
	    "DELETE FROM redirect WHERE slug = ?1",
	[IS_RENAMED] =
	    "SELECT a.slug FROM redirect r JOIN article a"
	    " ON a.id = r.article_id WHERE r.slug = ?1",
	[IS_LAST_REVISION] =
	    "SELECT hash, rev FROM revision WHERE article_id = ?1"
	    " ORDER BY rev DESC LIMIT 1",
	[IS_ADD_REVISION] =
	    "INSERT INTO revision(article_id, rev, author, created, hash, text)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[IS_MOVE] =
	    "UPDATE article SET slug = ?1, mtime = ?2, size = ?3 WHERE id = ?4",
	[IS_REDIRECT] =
	    "INSERT OR REPLACE INTO redirect(slug, article_id) VALUES (?1, ?2)",
};

/*
 * Who wrote the next version of a file: a save in the editor tells the
 * import (which then runs in the same thread) whose file it is about to
 * read, so that its revision names the editor and not "file".
 */
static char	 expect_slug[KBD_MAX_SLUG + 1];
static char	 expect_hash[65];
static char	 expect_author[KBD_MAX_USER + 1];

struct import {
	sqlite3			*db;
	struct tokenizer	*tok;		/* for the word counts */
	struct word_delta	*words;
	const char		*dir;
	int			 dirfd;
	sqlite3_stmt		*st[IS__COUNT];
	struct known		*known;		/* sorted by slug */
	size_t			 nknown;
	unsigned int		 pending;	/* changes in this transaction */
	int64_t			 now;
	struct import_stats	*stats;
	struct import_changes	*changes;	/* import_files(): what changed */
	char			 media[17];	/* media_stamp() now */
	int			 media_changed;	/* ... since the last import */
};

static int
known_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->slug,
	    ((const struct known *)b)->slug);
}

static struct known *
known_find(struct import *im, const char *slug)
{
	struct known	 key;

	if (im->nknown == 0)
		return NULL;
	key.slug = (char *)(uintptr_t)slug;
	return bsearch(&key, im->known, im->nknown, sizeof(*im->known),
	    known_cmp);
}

/*
 * Adds the articles of sql (bound to slug when not NULL) to what the
 * import knows, sorted by slug again.  Returns 0 or -1.
 */
static int
load_known_where(struct import *im, const char *sql, const char *slug)
{
	sqlite3_stmt	*st = NULL;
	struct known	*k;
	size_t		 cap = im->nknown;
	int		 rc;

	rc = sqlite3_prepare_v2(im->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && slug != NULL)
		rc = sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (im->nknown == cap) {
			cap = cap ? cap * 2 : 256;
			im->known = xreallocarray(im->known, cap,
			    sizeof(*im->known));
		}
		k = &im->known[im->nknown++];
		memset(k, 0, sizeof(*k));
		k->id = sqlite3_column_int64(st, 0);
		k->slug = xstrdup((const char *)sqlite3_column_text(st, 1));
		snprintf(k->hash, sizeof(k->hash), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		k->mtime = sqlite3_column_int64(st, 3);
		k->size = sqlite3_column_int64(st, 4);
		k->deleted = strcmp((const char *)sqlite3_column_text(st, 5),
		    "deleted") == 0;
		k->draft = sqlite3_column_int(st, 6) != 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (im->nknown > 0)
		qsort(im->known, im->nknown, sizeof(*im->known), known_cmp);
	return 0;
}

#define KNOWN_COLUMNS	"SELECT id, slug, hash, mtime, size, state, draft" \
			" FROM article"

/* Every article the database has. */
static int
load_known(struct import *im)
{
	return load_known_where(im, KNOWN_COLUMNS, NULL);
}

/* The article of slug, if the database has it and it is not known yet. */
static int
load_known_slug(struct import *im, const char *slug)
{
	if (known_find(im, slug) != NULL)
		return 0;
	return load_known_where(im, KNOWN_COLUMNS " WHERE slug = ?1", slug);
}

/* Runs statement i (already bound) and commits every IMPORT_BATCH. */
static int
run(struct import *im, int i)
{
	sqlite3_stmt	*st = im->st[i];
	int		 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (++im->pending >= IMPORT_BATCH) {
		im->pending = 0;
		if (store_words_flush(im->words, im->db) == -1 ||
		    sqlite3_exec(im->db, "COMMIT; BEGIN IMMEDIATE", NULL, NULL,
		    NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

/* Counts the words of article id as the database has it, with sign. */
static int
count_stored(struct import *im, int64_t id, int sign)
{
	sqlite3_stmt	*st = NULL;
	const char	*texts[3];
	int		 rc;

	rc = sqlite3_prepare_v2(im->db, "SELECT title, tags, body_text FROM"
	    " article WHERE id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		texts[0] = (const char *)sqlite3_column_text(st, 0);
		texts[1] = (const char *)sqlite3_column_text(st, 1);
		texts[2] = (const char *)sqlite3_column_text(st, 2);
		store_words_article(im->words, im->tok, texts, 3, sign);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * For import_files(): notes that article id changes, with what it was
 * (its texts and term vector, when it was live), before the statement
 * that changes it runs.  Once per article.
 */
static int
note_change(struct import *im, int64_t id, int was_live)
{
	struct import_changes	*ch = im->changes;
	struct import_change	*c;
	sqlite3_stmt		*st = NULL;
	size_t			 i;
	int			 rc = SQLITE_OK, f;

	if (ch == NULL)
		return 0;
	for (i = 0; i < ch->n; i++)
		if (ch->v[i].id == id)
			return 0;
	ch->v = xreallocarray(ch->v, ch->n + 1, sizeof(*ch->v));
	c = &ch->v[ch->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->was_live = was_live;
	buf_init(&c->terms);
	buf_init(&c->old_terms);
	if (!was_live)
		return 0;
	rc = sqlite3_prepare_v2(im->db, "SELECT title, tags, body_text, terms,"
	    " slug, category FROM article WHERE id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (f = 0; f < 3; f++)
			c->old_text[f] = xstrdup((const char *)
			    sqlite3_column_text(st, f));
		buf_put(&c->old_terms, sqlite3_column_blob(st, 3),
		    (size_t)sqlite3_column_bytes(st, 3));
		c->old_slug = xstrdup((const char *)
		    sqlite3_column_text(st, 4));
		c->old_category = xstrdup((const char *)
		    sqlite3_column_text(st, 5));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/* After the commit: how each changed article is now. */
static int
read_changes(sqlite3 *db, struct import_changes *ch)
{
	struct import_change	*c;
	sqlite3_stmt		*st = NULL;
	size_t			 i;
	int			 rc, f;

	rc = sqlite3_prepare_v2(db, "SELECT slug, hash, state = 'published',"
	    " hits, title, tags, body_text, terms, category FROM article"
	    " WHERE id = ?1",
	    -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < ch->n; i++) {
		c = &ch->v[i];
		if ((rc = sqlite3_bind_int64(st, 1, c->id)) != SQLITE_OK)
			break;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			c->slug = xstrdup((const char *)
			    sqlite3_column_text(st, 0));
			c->hash = xstrdup((const char *)
			    sqlite3_column_text(st, 1));
			c->live = sqlite3_column_int(st, 2);
			c->hits = sqlite3_column_int64(st, 3);
			for (f = 0; c->live && f < 3; f++)
				c->text[f] = xstrdup((const char *)
				    sqlite3_column_text(st, 4 + f));
			if (c->live)
				buf_put(&c->terms, sqlite3_column_blob(st, 7),
				    (size_t)sqlite3_column_bytes(st, 7));
			if (c->live)
				c->category = xstrdup((const char *)
				    sqlite3_column_text(st, 8));
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Frees what import_files() noted. */
void
import_changes_free(struct import_changes *ch)
{
	struct import_change	*c;
	size_t			 i;
	int			 f;

	for (i = 0; i < ch->n; i++) {
		c = &ch->v[i];
		free(c->slug);
		free(c->hash);
		free(c->old_slug);
		free(c->category);
		free(c->old_category);
		for (f = 0; f < 3; f++) {
			free(c->text[f]);
			free(c->old_text[f]);
		}
		buf_free(&c->terms);
		buf_free(&c->old_terms);
	}
	free(ch->v);
	ch->v = NULL;
	ch->n = 0;
}

/* Stores article a (new when k is NULL); its id goes to *id. */
static int
store_article(struct import *im, struct known *k, const struct article *a,
    const struct stat *sb, int64_t mtime, int64_t *id)
{
	sqlite3_stmt	*st;
	const char	*texts[3] = { a->title, a->tags, a->text };
	int		 which = k != NULL ? IS_UPDATE : IS_INSERT;
	int		 rc;

	if (k != NULL && note_change(im, k->id, LIVE(k)) == -1)
		return -1;
	/* The old words go (a deleted article's or a draft's never came). */
	if (k != NULL && LIVE(k) && count_stored(im, k->id, -1) == -1)
		return -1;
	if (!a->draft)
		store_words_article(im->words, im->tok, texts, 3, 1);
	if (k == NULL && (sqlite3_bind_text(im->st[IS_UNREDIRECT], 1, a->slug,
	    -1, SQLITE_STATIC) != SQLITE_OK || run(im, IS_UNREDIRECT) == -1))
		return -1;
	st = im->st[which];
	rc = sqlite3_bind_text(st, 1, a->slug, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, a->title, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, a->category, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, a->tags, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, a->markdown, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 6, a->text, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 7, a->html, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 8, a->hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, mtime);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 10, (sqlite3_int64)sb->st_size);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, im->now);
	/* The hits of the front matter only seed a new counter. */
	if (rc == SQLITE_OK && which == IS_INSERT)
		rc = sqlite3_bind_int64(st, 12, a->hits > 0 ? a->hits : 0);
	if (rc == SQLITE_OK && which == IS_UPDATE)
		rc = sqlite3_bind_int64(st, 13, k->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 14, a->draft);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 15, a->aliases, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
		return -1;
	if (run(im, which) == -1)
		return -1;
	if (k != NULL) {
		*id = k->id;
		im->stats->changed++;
	} else {
		*id = sqlite3_last_insert_rowid(im->db);
		im->stats->added++;
		if (note_change(im, *id, 0) == -1)
			return -1;
	}
	return 0;
}

/*
 * Keeps the file's text as the article's next revision, unless the last
 * revision is this very text.
 */
static int
record_revision(struct import *im, int64_t id, const char *slug,
    const char *hash, const char *data, size_t len)
{
	sqlite3_stmt	*st = im->st[IS_LAST_REVISION];
	const char	*author = "file";
	int64_t		 rev = 0;
	int		 same = 0, rc;

	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		same = strcmp((const char *)sqlite3_column_text(st, 0),
		    hash) == 0;
		rev = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (same)
		return 0;
	if (strcmp(slug, expect_slug) == 0 && strcmp(hash, expect_hash) == 0)
		author = expect_author;
	st = im->st[IS_ADD_REVISION];
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, rev + 1) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, author, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_bind_int64(st, 4, im->now) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 6, data, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK)
		return -1;
	return run(im, IS_ADD_REVISION);
}

/*
 * Tells the next import that the file of slug with this content hash was
 * written by author (a user's name), for its revision.
 */
void
import_expect(const char *slug, const char *hash, const char *author)
{
	snprintf(expect_slug, sizeof(expect_slug), "%s", slug);
	snprintf(expect_hash, sizeof(expect_hash), "%s", hash);
	snprintf(expect_author, sizeof(expect_author), "%s", author);
}

/* Records a file whose content the database already has. */
static int
touch_article(struct import *im, struct known *k, const struct stat *sb,
    int64_t mtime)
{
	sqlite3_stmt	*st = im->st[IS_TOUCH];

	if (sqlite3_bind_int64(st, 1, k->id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, mtime) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)sb->st_size) !=
	    SQLITE_OK || sqlite3_bind_int64(st, 4, im->now) != SQLITE_OK)
		return -1;
	if (k->deleted) {
		im->stats->added++;
		if (note_change(im, k->id, 0) == -1 ||
		    (!k->draft && count_stored(im, k->id, 1) == -1))
			return -1;
	} else
		im->stats->unchanged++;
	return run(im, IS_TOUCH);
}

/*
 * A file under an old name of a renamed article, when the article has no
 * file under its new name: the rename was cut short (the database is
 * changed first, then the file).  Finishes it, so that the article keeps
 * its hits, and returns 1 with the new name in slug; 0 when not so.
 */
static int
finish_rename(struct import *im, char *slug, size_t size)
{
	sqlite3_stmt	*st = im->st[IS_RENAMED];
	char		 from[KBD_MAX_SLUG + 4], to[KBD_MAX_SLUG + 4];
	int		 done = 0;

	if (sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(from, sizeof(from), "%s.md", slug);
		snprintf(to, sizeof(to), "%s.md",
		    (const char *)sqlite3_column_text(st, 0));
		if (faccessat(im->dirfd, to, F_OK, 0) == -1 &&
		    errno == ENOENT &&
		    renameat(im->dirfd, from, im->dirfd, to) == 0) {
			log_info("%s/%s: renamed to %s, finishing a rename",
			    im->dir, from, to);
			snprintf(slug, size, "%.*s", (int)(strlen(to) - 3), to);
			done = 1;
		}
	}
	sqlite3_reset(st);
	return done;
}

/*
 * The article whose file is gone and whose text was exactly hash: a new
 * file with that text is that file renamed outside kbd (git mv, a file
 * manager).  NULL when there is none.
 */
static struct known *
moved_from(struct import *im, const char *hash)
{
	struct known	*k;
	char		 name[KBD_MAX_SLUG + 4];
	size_t		 i;

	for (i = 0; i < im->nknown; i++) {
		k = &im->known[i];
		if (k->seen || k->deleted || strcmp(k->hash, hash) != 0)
			continue;
		snprintf(name, sizeof(name), "%s.md", k->slug);
		if (faccessat(im->dirfd, name, F_OK, 0) == -1 &&
		    errno == ENOENT)
			return k;
	}
	return NULL;
}

/*
 * Gives article k the new name slug, as a rename in the editor does: it
 * keeps its hits and history, and its old address redirects.
 */
static int
adopt_moved(struct import *im, struct known *k, const char *slug,
    const struct stat *sb, int64_t mtime)
{
	log_info("%s/%s.md: the file of %s, renamed; its hits and history "
	    "stay, /a/%s redirects", im->dir, slug, k->slug, k->slug);
	k->seen = 1;
	im->stats->changed++;
	if (sqlite3_bind_text(im->st[IS_UNREDIRECT], 1, slug, -1,
	    SQLITE_STATIC) != SQLITE_OK || run(im, IS_UNREDIRECT) == -1)
		return -1;
	if (sqlite3_bind_text(im->st[IS_MOVE], 1, slug, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(im->st[IS_MOVE], 2, mtime) !=
	    SQLITE_OK || sqlite3_bind_int64(im->st[IS_MOVE], 3,
	    (sqlite3_int64)sb->st_size) != SQLITE_OK ||
	    sqlite3_bind_int64(im->st[IS_MOVE], 4, k->id) != SQLITE_OK ||
	    run(im, IS_MOVE) == -1)
		return -1;
	if (sqlite3_bind_text(im->st[IS_REDIRECT], 1, k->slug, -1,
	    SQLITE_STATIC) != SQLITE_OK || sqlite3_bind_int64(
	    im->st[IS_REDIRECT], 2, k->id) != SQLITE_OK)
		return -1;
	return run(im, IS_REDIRECT);
}

/* Imports the file name; problems with the file are not errors here. */
static int
import_file(struct import *im, const char *name)
{
	struct article	 a;
	struct stat	 sb;
	struct known	*k;
	char		 slug[KBD_MAX_SLUG + 1], why[512], hash[65];
	char		 renamed[KBD_MAX_SLUG + 4];
	unsigned char	 bin[32];
	char		*data;
	size_t		 n = strlen(name) - 3, len;
	int64_t		 mtime, id;
	int		 rc;

	if (!parse_slug(name, n)) {
		log_warnx("%s/%s: skipped: the file name must be a slug "
		    "(a-z, 0-9, '-', '_'; at most %d) plus \".md\"", im->dir,
		    name, KBD_MAX_SLUG);
		im->stats->failed++;
		return 0;
	}
	memcpy(slug, name, n);
	slug[n] = '\0';
	k = known_find(im, slug);
	if (k == NULL && finish_rename(im, slug, sizeof(slug))) {
		snprintf(renamed, sizeof(renamed), "%s.md", slug);
		name = renamed;
		if (im->changes != NULL && load_known_slug(im, slug) == -1)
			return -1;
		k = known_find(im, slug);
	}
	if (k != NULL)
		k->seen = 1;	/* from here on, a broken file keeps the old */

	if (fstatat(im->dirfd, name, &sb, 0) == -1) {
		log_warn("%s/%s: skipped", im->dir, name);
		im->stats->failed++;
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warnx("%s/%s: skipped: not a regular file", im->dir, name);
		im->stats->failed++;
		return 0;
	}
	mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	if (k != NULL && !k->deleted && k->mtime == mtime &&
	    k->size == (int64_t)sb.st_size) {
		im->stats->unchanged++;
		return 0;
	}

	data = file_read_at(im->dirfd, name, KBD_MAX_ARTICLE, &len);
	if (data == NULL) {
		log_warn("%s/%s: skipped: cannot read", im->dir, name);
		im->stats->failed++;
		return 0;
	}
	crypto_generichash(bin, sizeof(bin), (unsigned char *)data, len,
	    NULL, 0);
	sodium_bin2hex(hash, sizeof(hash), bin, sizeof(bin));
	if (k == NULL && (k = moved_from(im, hash)) != NULL) {
		rc = adopt_moved(im, k, slug, &sb, mtime);
		free(data);
		return rc;
	}
	/* Pictures changed: an article that shows some is made again. */
	if (k != NULL && strcmp(hash, k->hash) == 0 && !(im->media_changed &&
	    strstr(data, "media/") != NULL)) {
		rc = touch_article(im, k, &sb, mtime);
		if (rc == 0)
			rc = record_revision(im, k->id, slug, hash, data, len);
		free(data);
		return rc;
	}

	if (article_parse(&a, slug, data, len, why, sizeof(why)) == -1) {
		log_warnx("%s/%s: skipped: %s", im->dir, name, why);
		im->stats->failed++;
		rc = 0;
	} else {
		memcpy(a.hash, hash, sizeof(a.hash));
		rc = store_article(im, k, &a, &sb, mtime, &id);
		if (rc == 0)
			rc = record_revision(im, id, slug, hash, data, len);
	}
	article_clear(&a);
	free(data);
	return rc;
}

/*
 * Has the media folder changed since the last import (its stamp in meta
 * differs)?  Then every file is read again (mtime -1), so that articles
 * showing pictures get their new sizes and versions.
 */
static int
media_check(struct import *im)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;
	int		 rc;

	media_stamp(im->dir, im->media, sizeof(im->media));
	rc = sqlite3_prepare_v2(im->db, "SELECT value FROM meta WHERE key ="
	    " 'media'", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		im->media_changed = strcmp((const char *)
		    sqlite3_column_text(st, 0), im->media) != 0;
		rc = SQLITE_DONE;
	} else if (rc == SQLITE_DONE)
		im->media_changed = *im->media != '\0';
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (i = 0; im->media_changed && i < im->nknown; i++)
		im->known[i].mtime = -1;
	return 0;
}

/* Marks article k deleted: its file is gone. */
static int
delete_known(struct import *im, struct known *k)
{
	if (note_change(im, k->id, LIVE(k)) == -1 ||
	    (LIVE(k) && count_stored(im, k->id, -1) == -1))
		return -1;
	if (sqlite3_bind_int64(im->st[IS_DELETE], 1, k->id) != SQLITE_OK ||
	    sqlite3_bind_int64(im->st[IS_DELETE], 2, im->now) != SQLITE_OK ||
	    run(im, IS_DELETE) == -1)
		return -1;
	im->stats->removed++;
	return 0;
}

static int
mark_deleted(struct import *im)
{
	size_t	 i;

	for (i = 0; i < im->nknown; i++)
		if (!im->known[i].seen && !im->known[i].deleted &&
		    delete_known(im, &im->known[i]) == -1)
			return -1;
	return 0;
}

/*
 * Sets up im for an import of dir into db and begins its transaction.
 * Returns 0, or -1 (logged; import_end() cleans up either way).
 */
static int
import_begin(struct import *im, sqlite3 *db, const char *dir, int dirfd,
    struct import_stats *stats)
{
	size_t	 i;

	memset(stats, 0, sizeof(*stats));
	im->db = db;
	im->dir = dir;
	im->dirfd = dirfd;
	im->stats = stats;
	im->now = clock_seconds();
	im->words = store_words_new();
	if ((im->tok = tokenizer_new(store_dict())) == NULL) {
		log_warnx("import: cannot set up the tokenizer");
		return -1;
	}
	for (i = 0; i < nitems(im->st); i++)
		if (sqlite3_prepare_v2(db, import_sql[i], -1, &im->st[i],
		    NULL) != SQLITE_OK)
			goto fail;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
fail:
	log_warnx("import: %s", sqlite3_errmsg(db));
	return -1;
}

/* Commits what im did: 0, or -1 after a rollback (logged). */
static int
import_commit(struct import *im)
{
	if (store_words_flush(im->words, im->db) == 0 &&
	    sqlite3_exec(im->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	log_warnx("import: %s", sqlite3_errmsg(im->db));
	sqlite3_exec(im->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static void
import_end(struct import *im)
{
	size_t	 i;

	for (i = 0; i < nitems(im->st); i++)
		sqlite3_finalize(im->st[i]);
	tokenizer_free(im->tok);
	store_words_free(im->words);
	for (i = 0; i < im->nknown; i++)
		free(im->known[i].slug);
	free(im->known);
}

/*
 * Synchronises the folder dir into db (the writer's connection) and
 * counts what happened in *stats.  When *cancel becomes non-zero (the
 * server is stopping), the files done so far are committed and the rest
 * waits for the next start.  Returns 0, or -1 when the folder cannot be
 * read, the database fails or the import was cancelled; then nothing is
 * marked deleted.
 */
int
import_folder(sqlite3 *db, const char *dir, struct import_stats *stats,
    const atomic_int *cancel)
{
	struct import	 im;
	DIR		*d;
	char		**names = NULL;
	size_t		 nnames = 0, i;
	int		 rc = -1;

	memset(&im, 0, sizeof(im));
	memset(stats, 0, sizeof(*stats));
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s: cannot open the articles folder", dir);
		return -1;
	}
	if (file_list_md(d, &names, &nnames) == -1) {
		log_warn("%s: cannot list the articles folder", dir);
		goto done;
	}
	if (import_begin(&im, db, dir, dirfd(d), stats) == -1)
		goto done;
	if (load_known(&im) == -1 || media_check(&im) == -1)
		goto rollback;
	for (i = 0; i < nnames; i++) {
		if (cancel != NULL && atomic_load(cancel)) {
			log_info("import: stopped after %zu of %zu files", i,
			    nnames);
			import_commit(&im);
			goto done;
		}
		if (import_file(&im, names[i]) == -1)
			goto rollback;
	}
	if (mark_deleted(&im) == -1)
		goto rollback;
	if (im.media_changed && store_run(db, "INSERT OR REPLACE INTO"
	    " meta(key, value) VALUES ('media', ?1)", "t", im.media) == -1)
		goto rollback;
	if (import_commit(&im) == -1)
		goto done;
	rc = 0;
	/* Only a speed-up: a failure costs nothing but a line in the log. */
	if (stats->added + stats->changed + stats->removed >= OPTIMIZE_AFTER &&
	    store_optimize(db) == -1)
		log_warnx("import: merging the search index: %s",
		    sqlite3_errmsg(db));
	goto done;

rollback:
	log_warnx("import: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
done:
	import_end(&im);
	file_names_free(names, nnames);
	closedir(d);
	return rc;
}

/* The slug of an article file's name, or 0 when name is not one. */
static int
slug_of(const char *name, char *slug, size_t size)
{
	size_t	 n = strlen(name);

	if (n < 4 || n - 3 >= size || strcmp(name + n - 3, ".md") != 0 ||
	    name[0] == '.' || strchr(name, '/') != NULL)
		return 0;
	memcpy(slug, name, n - 3);
	slug[n - 3] = '\0';
	return 1;
}

/*
 * Imports the files names[0..n) of dir (article files, "<slug>.md"), as
 * the folder's import would, without looking at any other: a file that
 * is there is added or updated, one that is gone marks its article
 * deleted.  An article that changed is noted in *changes (which
 * import_changes_free() frees), with its texts and term vector before
 * and after.  Returns 0, or -1 when the database fails (nothing is
 * changed then) or a name is not an article file's.
 */
int
import_files(sqlite3 *db, const char *dir, const char *const *names,
    size_t n, struct import_stats *stats, struct import_changes *changes)
{
	struct import	 im;
	struct known	*k;
	struct stat	 sb;
	char		 slug[KBD_MAX_SLUG + 1];
	size_t		 i;
	int		 fd, rc = -1;

	memset(&im, 0, sizeof(im));
	memset(stats, 0, sizeof(*stats));
	memset(changes, 0, sizeof(*changes));
	for (i = 0; i < n; i++)
		if (!slug_of(names[i], slug, sizeof(slug)))
			return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s: cannot open the articles folder", dir);
		return -1;
	}
	im.changes = changes;
	if (import_begin(&im, db, dir, fd, stats) == -1)
		goto done;
	for (i = 0; i < n; i++) {
		slug_of(names[i], slug, sizeof(slug));
		if (load_known_slug(&im, slug) == -1)
			goto rollback;
	}
	/* The files there first, as the folder's import does. */
	for (i = 0; i < n; i++)
		if (fstatat(fd, names[i], &sb, 0) == 0 &&
		    import_file(&im, names[i]) == -1)
			goto rollback;
	for (i = 0; i < n; i++) {
		slug_of(names[i], slug, sizeof(slug));
		if ((k = known_find(&im, slug)) != NULL && !k->seen &&
		    !k->deleted && fstatat(fd, names[i], &sb, 0) == -1 &&
		    errno == ENOENT && delete_known(&im, k) == -1)
			goto rollback;
	}
	if (import_commit(&im) == -1)
		goto done;
	if (read_changes(db, changes) == -1)
		log_warnx("import: %s", sqlite3_errmsg(db));
	else
		rc = 0;
	goto done;

rollback:
	log_warnx("import: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
done:
	if (rc == -1)
		import_changes_free(changes);
	import_end(&im);
	close(fd);
	return rc;
}

/*
 * Would importing the file name of dir change nothing?  Its size and
 * modification time are the ones stored for its article (or it is gone,
 * and so is its article).  1 when so, 0 when not (or on errors).
 */
int
import_unchanged(sqlite3 *db, const char *dir, const char *name)
{
	sqlite3_stmt	*st = NULL;
	struct stat	 sb;
	char		 slug[KBD_MAX_SLUG + 1], path[4096];
	int		 exists, same = 0, rc;

	if (!slug_of(name, slug, sizeof(slug)))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	exists = stat(path, &sb) == 0;
	if (!exists && errno != ENOENT)
		return 0;
	rc = sqlite3_prepare_v2(db, "SELECT mtime, size, state = 'deleted'"
	    " FROM article WHERE slug = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		same = exists ? !sqlite3_column_int(st, 2) &&
		    sqlite3_column_int64(st, 0) == (int64_t)sb.st_mtim.tv_sec *
		    1000000000 + sb.st_mtim.tv_nsec &&
		    sqlite3_column_int64(st, 1) == (int64_t)sb.st_size :
		    sqlite3_column_int(st, 2);
	else if (rc == SQLITE_DONE)
		same = !exists;
	sqlite3_finalize(st);
	return same;
}
