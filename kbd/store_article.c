/*
 * store_article.c (store): the published articles as the public pages
 * and feeds read them, through the reader's prepared statements.  One
 * article is copied out (store_article_get, freed with
 * store_article_clear), so that no statement stays open, and with it no
 * read transaction, while a page is made; a list is handed to a callback
 * row by row, valid during the call.  Callers never see a column number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

/* The text of column i, "" for NULL. */
static const char *
text(sqlite3_stmt *st, int i)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);

	return s != NULL ? s : "";
}

/* Copies the strings of a into one allocation that a owns. */
static void
own(struct store_article *a)
{
	const char	**f[] = { &a->slug, &a->title, &a->category,
			    &a->tags, &a->html, &a->markdown, &a->excerpt };
	size_t		 i, len = 0;
	char		*p;

	for (i = 0; i < nitems(f); i++)
		len += strlen(*f[i]) + 1;
	a->mem = p = xmalloc(len);
	for (i = 0; i < nitems(f); i++) {
		len = strlen(*f[i]) + 1;
		memcpy(p, *f[i], len);
		*f[i] = p;
		p += len;
	}
}

static void
blank(struct store_article *a)
{
	memset(a, 0, sizeof(*a));
	a->slug = a->title = a->category = a->tags = a->html = a->markdown =
	    a->excerpt = "";
}

/*
 * Reads the published article slug into *a, which the caller clears with
 * store_article_clear().  Returns 0, or -1 with errno ENOENT when there
 * is no such published article and EIO when the database failed.
 */
int
store_article_get(struct reader *r, const char *slug, struct store_article *a)
{
	sqlite3_stmt	*st = r->st[ST_ARTICLE_BY_SLUG];
	int		 rc = SQLITE_ERROR;

	blank(a);
	if (sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		errno = rc == SQLITE_DONE ? ENOENT : EIO;
		sqlite3_reset(st);
		return -1;
	}
	a->id = sqlite3_column_int64(st, 0);
	a->slug = slug;
	a->title = text(st, 1);
	a->category = text(st, 2);
	a->tags = text(st, 3);
	a->html = text(st, 4);
	a->hits = sqlite3_column_int64(st, 5);
	a->updated = sqlite3_column_int64(st, 6);
	a->markdown = text(st, 7);
	a->created = sqlite3_column_int64(st, 8);
	own(a);
	sqlite3_reset(st);
	return 0;
}

void
store_article_clear(struct store_article *a)
{
	free(a->mem);
	blank(a);
}

/*
 * The slug that the article once called old has now, into out (size
 * bytes).  Returns 0, or -1 with errno ENOENT when old was never renamed
 * (or its article is not published), EIO when the database failed.
 */
int
store_article_moved(struct reader *r, const char *old, char *out,
    size_t size)
{
	sqlite3_stmt	*st = r->st[ST_REDIRECT];
	int		 rc = SQLITE_ERROR;

	if (sqlite3_bind_text(st, 1, old, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		errno = rc == SQLITE_DONE ? ENOENT : EIO;
		sqlite3_reset(st);
		return -1;
	}
	snprintf(out, size, "%s", text(st, 0));
	sqlite3_reset(st);
	return 0;
}

/*
 * Calls fn for the published articles of list: STORE_INDEX, all by category and
 * title, with an excerpt of their text (sitemap, llms.txt); STORE_RECENT, the
 * last changed, with their Markdown and HTML (the feed); at most limit of them
 * (0: all).  The article is valid during the call.  Returns 0, or -1 with errno
 * EIO when the database failed (fn may have been called).
 */
int
store_articles_each(struct reader *r, enum store_list list, int limit,
    void (*fn)(void *arg, const struct store_article *a), void *arg)
{
	struct store_article	 a;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_OK, n = 0;

	if (list == STORE_RECENT) {
		st = r->st[ST_ARTICLES_RECENT];
		rc = sqlite3_bind_int(st, 1, limit);
	} else
		st = r->st[ST_ARTICLES_INDEX];
	while (rc == SQLITE_OK && (limit <= 0 || n++ < limit)) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		rc = SQLITE_OK;
		blank(&a);
		a.slug = text(st, 0);
		a.title = text(st, 1);
		a.category = text(st, 2);
		a.updated = sqlite3_column_int64(st, 3);
		if (list == STORE_RECENT) {
			a.created = sqlite3_column_int64(st, 4);
			a.markdown = text(st, 5);
			a.html = text(st, 6);
		} else
			a.excerpt = text(st, 4);
		fn(arg, &a);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Calls fn for the limit most read published articles since day (days
 * since 1970, UTC), most read first; a->hits are the views since then.
 * Returns 0, or -1 with errno EIO when the database failed.
 */
int
store_top_since(struct reader *r, int64_t day, int limit,
    void (*fn)(void *arg, const struct store_article *a), void *arg)
{
	struct store_article	 a;
	sqlite3_stmt		*st = r->st[ST_TOP_SINCE];
	int			 rc;

	rc = sqlite3_bind_int64(st, 1, day);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		blank(&a);
		a.slug = text(st, 0);
		a.title = text(st, 1);
		a.category = text(st, 2);
		a.hits = sqlite3_column_int64(st, 3);
		fn(arg, &a);
		rc = SQLITE_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Calls fn for every published article that has a category, by category
 * and title, with db (the writer's connection, when it builds a
 * snapshot): id, slug, title and category are set, valid during the
 * call.  Returns 0, or -1 with errno EIO when the database failed (fn may
 * have been called).
 */
int
store_categories_each(sqlite3 *db, void (*fn)(void *arg,
    const struct store_article *a), void *arg)
{
	struct store_article	 a;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	rc = sqlite3_prepare_v2(db, "SELECT id, slug, title, category"
	    " FROM article WHERE state = 'published' AND category != ''"
	    " ORDER BY category, title, slug", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		blank(&a);
		a.id = sqlite3_column_int64(st, 0);
		a.slug = text(st, 1);
		a.title = text(st, 2);
		a.category = text(st, 3);
		fn(arg, &a);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * The article of slug as the editor's writer sees it before a change:
 * its id (0: none), whether it is deleted, its newest revision and that
 * revision's file (NULL if none; the caller frees n->text).  Returns 0,
 * or -1 leaving store_error(db).
 */
int
store_article_newest(sqlite3 *db, const char *slug, struct store_newest *n)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	memset(n, 0, sizeof(*n));
	rc = sqlite3_prepare_v2(db, "SELECT a.id, a.state = 'deleted', r.rev,"
	    " r.text FROM article a LEFT JOIN revision r ON r.article_id ="
	    " a.id AND r.rev = (SELECT MAX(rev) FROM revision WHERE"
	    " article_id = a.id) WHERE a.slug = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n->id = sqlite3_column_int64(st, 0);
		n->deleted = sqlite3_column_int(st, 1);
		n->rev = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			n->text = xstrdup((const char *)
			    sqlite3_column_text(st, 3));
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The newest revision of slug's article when its file has the hash hash
 * and it is not deleted; -1 when not (or on an error).
 */
int64_t
store_article_rev_of(sqlite3 *db, const char *slug, const char *hash)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 rev = -1;

	if (sqlite3_prepare_v2(db, "SELECT r.rev FROM article a JOIN revision"
	    " r ON r.article_id = a.id WHERE a.slug = ?1 AND a.hash = ?2"
	    " AND a.state != 'deleted' ORDER BY r.rev DESC LIMIT 1", -1, &st,
	    NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rev;
}

/* The file of revision rev of article id, or NULL (the caller frees it). */
char *
store_article_revision_text(sqlite3 *db, int64_t id, int64_t rev)
{
	sqlite3_stmt	*st = NULL;
	char		*text = NULL;

	if (sqlite3_prepare_v2(db, "SELECT text FROM revision WHERE"
	    " article_id = ?1 AND rev = ?2", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, rev) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		text = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return text;
}

/*
 * Gives article id the slug to in one transaction; its old slug from
 * becomes a redirect to it.  Returns 0, or -1 leaving store_error(db)
 * and nothing changed.
 */
int
store_article_rename(sqlite3 *db, int64_t id, const char *from,
    const char *to)
{
	if (store_begin(db) == -1)
		return -1;
	if (store_run(db, "UPDATE article SET slug = ?1 WHERE id = ?2", "ti",
	    to, id) == -1 ||
	    store_run(db, "DELETE FROM redirect WHERE slug = ?1", "t",
	    to) == -1 ||
	    store_run(db, "INSERT OR REPLACE INTO redirect(slug, article_id)"
	    " VALUES (?1, ?2)", "ti", from, id) == -1 ||
	    store_commit(db) == -1) {
		store_rollback(db);
		return -1;
	}
	return 0;
}

/*
 * What a snapshot reads with db (the writer's connection): the largest
 * article id (-1 on an error), and by callback every published
 * article's id, slug and content hash; every article's id and hits; the
 * limit most read published articles (id, slug, title, category, hits
 * set in a); for each published article, the queries at least readers
 * readers opened it from after day since, by article id.  Strings are
 * valid during the call.  The walks return 0, or -1 leaving
 * store_error(db) (fn may have been called).
 */
int64_t
store_article_max_id(sqlite3 *db)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 max = -1;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM article",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return max;
}

int
store_article_published_each(sqlite3 *db, void (*fn)(void *arg,
    int64_t id, const char *slug, size_t nslug, const char *hash),
    void *arg)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT id, slug, hash FROM article"
	    " WHERE state = 'published'", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, sqlite3_column_int64(st, 0), text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), text(st, 2));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_article_hits_each(sqlite3 *db, void (*fn)(void *arg, int64_t id,
    int64_t hits), void *arg)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT id, hits FROM article", -1, &st,
	    NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_article_top(sqlite3 *db, int limit, void (*fn)(void *arg,
    const struct store_article *a), void *arg)
{
	struct store_article	 a;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	rc = sqlite3_prepare_v2(db, "SELECT id, slug, title, category, hits"
	    " FROM article WHERE state = 'published'"
	    " ORDER BY hits DESC, title, slug LIMIT ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 1, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		blank(&a);
		a.id = sqlite3_column_int64(st, 0);
		a.slug = text(st, 1);
		a.title = text(st, 2);
		a.category = text(st, 3);
		a.hits = sqlite3_column_int64(st, 4);
		fn(arg, &a);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_article_clicks_each(sqlite3 *db, int64_t since, int readers,
    void (*fn)(void *arg, int64_t id, const char *query), void *arg)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT c.article_id, c.query"
	    " FROM search_click c JOIN article a ON a.id = c.article_id"
	    " WHERE a.state = 'published' AND c.day > ?1"
	    " GROUP BY c.article_id, c.query HAVING count(*) >= ?2"
	    " ORDER BY c.article_id", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, since);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, readers);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, sqlite3_column_int64(st, 0), text(st, 1));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
