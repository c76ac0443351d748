/*
 * store_staff.c (store): what staff read about articles, in every state: the
 * list with its filters and sorting, one article with its Markdown and
 * revision, the revisions, and the statistics (most read over a period, what
 * customers search, find nothing for, or do not open).  Queries run on the
 * request thread's read-only connection; the HTML pages (staff_page.c) and the
 * JSON API (staff_api.c) render the same rows.  Sorting comes from a fixed list
 * of ORDER BY clauses, never from the request's text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define ARTICLE_COLUMNS \
	"a.slug, a.title, a.category, a.tags, a.state, a.hits, a.updated," \
	" (SELECT MAX(rev) FROM revision WHERE article_id = a.id)," \
	" (SELECT author FROM revision WHERE article_id = a.id" \
	"  ORDER BY rev DESC LIMIT 1), a.draft"

static const struct {
	const char	*name;
	const char	*order;
} sorts[] = {
	{ "title",	"a.title COLLATE NOCASE, a.slug" },
	{ "category",	"a.category COLLATE NOCASE, a.title COLLATE NOCASE" },
	{ "hits",	"a.hits DESC, a.title COLLATE NOCASE" },
	{ "updated",	"a.updated DESC, a.title COLLATE NOCASE" },
	{ "state",	"a.state, a.title COLLATE NOCASE" },
};

static const char *
text_or_empty(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? s : "";
}

static void
fill_article(sqlite3_stmt *st, struct store_staff_article *a)
{
	memset(a, 0, sizeof(*a));
	a->slug = text_or_empty(st, 0);
	a->title = text_or_empty(st, 1);
	a->category = text_or_empty(st, 2);
	a->tags = text_or_empty(st, 3);
	a->state = text_or_empty(st, 4);
	a->hits = sqlite3_column_int64(st, 5);
	a->updated = sqlite3_column_int64(st, 6);
	a->rev = sqlite3_column_int64(st, 7);
	a->author = text_or_empty(st, 8);
	a->draft = sqlite3_column_int(st, 9);
	a->markdown = "";
}

/* The name of the sort order s, checked: one of sorts[], or "title". */
const char *
store_staff_sort(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < nitems(sorts); i++)
		if (strcmp(s, sorts[i].name) == 0)
			return sorts[i].name;
	return "title";
}

/*
 * Calls fn(arg, row) for every article that passes f: a text in the
 * title or slug, a state ("published", "draft", "deleted"; NULL or ""
 * for all but deleted), a category.  Returns the number of rows or -1.
 */
int
store_staff_articles(struct reader *r, const struct staff_filter *f,
    void (*fn)(void *, const struct store_staff_article *), void *arg)
{
	struct store_staff_article	 a;
	sqlite3_stmt		*st = NULL;
	const char		*order = sorts[0].order;
	char			*sql;
	size_t			 i;
	int			 rc, n = 0;

	for (i = 0; f->sort != NULL && i < nitems(sorts); i++)
		if (strcmp(f->sort, sorts[i].name) == 0)
			order = sorts[i].order;
	sql = xasprintf("SELECT " ARTICLE_COLUMNS " FROM article a WHERE"
	    " (?1 = '' AND a.state != 'deleted' OR a.state = ?1)"
	    " AND (?2 = '' OR instr(lower(a.title), lower(?2)) > 0"
	    "  OR instr(a.slug, lower(?2)) > 0)"
	    " AND (?3 = '' OR a.category = ?3) ORDER BY %s", order);
	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, f->state ? f->state : "", -1,
		    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, f->q ? f->q : "", -1,
		    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, f->category ? f->category : "",
		    -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill_article(st, &a);
		fn(arg, &a);
		n++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Copies the strings of a into one block (*mem) that a then points to. */
static void
keep_strings(struct store_staff_article *a, char **mem)
{
	const char	**f[] = { &a->slug, &a->title, &a->category,
			    &a->tags, &a->state, &a->author, &a->markdown };
	size_t		 i, total = 0, n;
	char		*p;

	for (i = 0; i < nitems(f); i++)
		total += strlen(*f[i]) + 1;
	p = *mem = xmalloc(total);
	for (i = 0; i < nitems(f); i++) {
		n = strlen(*f[i]) + 1;
		memcpy(p, *f[i], n);
		*f[i] = p;
		p += n;
	}
}

/*
 * Loads the article slug, in any state, with its Markdown body, into a;
 * its strings are in *mem, which the caller frees.  Returns 1, 0 when
 * there is no such article, or -1.
 */
int
store_staff_article(struct reader *r, const char *slug,
    struct store_staff_article *a, char **mem)
{
	sqlite3_stmt	*st = NULL;
	int		 rc, found = 0;

	*mem = NULL;
	rc = sqlite3_prepare_v2(r->db, "SELECT " ARTICLE_COLUMNS
	    ", a.markdown FROM article a WHERE a.slug = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill_article(st, a);
		a->markdown = text_or_empty(st, 10);
		keep_strings(a, mem);
		found = 1;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? found : -1;
}

/*
 * Calls fn(arg, rev) for the revisions of slug, newest first, each with
 * its text.  Returns the number of revisions or -1.
 */
int
store_staff_revisions(struct reader *r, const char *slug,
    void (*fn)(void *, const struct staff_revision *), void *arg)
{
	struct staff_revision	 v;
	sqlite3_stmt		*st = NULL;
	int			 rc, n = 0;

	rc = sqlite3_prepare_v2(r->db, "SELECT v.rev, v.author, v.created,"
	    " v.hash, v.text FROM revision v JOIN article a ON a.id ="
	    " v.article_id WHERE a.slug = ?1 ORDER BY v.rev DESC", -1, &st,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		v.rev = sqlite3_column_int64(st, 0);
		v.author = text_or_empty(st, 1);
		v.created = sqlite3_column_int64(st, 2);
		v.hash = text_or_empty(st, 3);
		v.text = text_or_empty(st, 4);
		fn(arg, &v);
		n++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/*
 * Returns the text of revision rev of slug, which the caller frees, or
 * NULL when there is none.
 */
char *
store_staff_revision_text(struct reader *r, const char *slug, int64_t rev)
{
	sqlite3_stmt	*st = NULL;
	char		*text = NULL;

	if (sqlite3_prepare_v2(r->db, "SELECT v.text FROM revision v JOIN"
	    " article a ON a.id = v.article_id WHERE a.slug = ?1 AND"
	    " v.rev = ?2", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, rev) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		text = xstrdup(text_or_empty(st, 0));
	sqlite3_finalize(st);
	return text;
}

/*
 * Runs a statistics query with :since (the first day), :prev (the first
 * day of the period before) and :limit.
 */
static int
stat_rows(struct reader *r, const char *sql, int64_t since, int64_t prev,
    int limit, void (*fn)(void *, const struct stat_row *), void *arg)
{
	struct stat_row	 row;
	sqlite3_stmt	*st = NULL;
	int		 rc, i;

	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st,
	    ":since")) > 0)
		rc = sqlite3_bind_int64(st, i, since);
	if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st,
	    ":prev")) > 0)
		rc = sqlite3_bind_int64(st, i, prev);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, sqlite3_bind_parameter_index(st,
		    ":limit"), limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.label = text_or_empty(st, 0);
		row.slug = text_or_empty(st, 1);
		row.value = sqlite3_column_int64(st, 2);
		row.extra = sqlite3_column_int64(st, 3);
		row.opened = sqlite3_column_count(st) > 5 ?
		    text_or_empty(st, 4) : "";
		row.before = sqlite3_column_count(st) > 5 ?
		    sqlite3_column_int64(st, 5) : -1;
		fn(arg, &row);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The first day (days since 1970, UTC) of the last days days. */
static int64_t
first_day(int days)
{
	return clock_seconds() / 86400 - (days > 0 ? days - 1 : 0);
}

/*
 * The most read published articles over the last days days (0: all
 * time): label = title, slug, value = hits, extra = all-time hits.
 * Returns 0 or -1.
 */
int
store_staff_most_read(struct reader *r, int days, int limit,
    void (*fn)(void *, const struct stat_row *), void *arg)
{
	if (days == 0)
		return stat_rows(r, "SELECT title, slug, hits, hits FROM article"
		    " WHERE state = 'published' ORDER BY hits DESC, title"
		    " LIMIT :limit", 0, 0, limit, fn, arg);
	return stat_rows(r, "SELECT a.title, a.slug, SUM(h.count), a.hits"
	    " FROM hit_day h JOIN article a ON a.id = h.article_id"
	    " WHERE h.day >= :since AND a.state = 'published'"
	    " GROUP BY a.id ORDER BY 3 DESC, a.title LIMIT :limit",
	    first_day(days), 0, limit, fn, arg);
}

/*
 * What customers searched over the last days days: label = the query
 * (normalised), value = searches, extra = articles opened from its
 * results.  kind: STATS_TOP (most searched), STATS_EMPTY (found
 * nothing: the content gaps), STATS_UNOPENED (found something, but
 * nobody opened an article from the results page).  Returns 0 or -1.
 */
int
store_staff_searches(struct reader *r, int kind, int days, int limit,
    void (*fn)(void *, const struct stat_row *), void *arg)
{
	/*
	 * label = the search, value = how often in the last days, extra =
	 * articles opened after it, opened = the article opened most often
	 * after it, before = how often in the days before those (the trend).
	 */
#define SEARCH_COLUMNS "SELECT l.query, '',"\
	" SUM(CASE WHEN l.day >= :since THEN l.count ELSE 0 END) AS n,"\
	" SUM(CASE WHEN l.day >= :since THEN l.clicks ELSE 0 END),"\
	" (SELECT a.slug FROM search_click c JOIN article a ON a.id ="\
	" c.article_id WHERE c.query = l.query GROUP BY c.article_id"\
	" ORDER BY COUNT(*) DESC, a.slug LIMIT 1),"\
	" SUM(CASE WHEN l.day < :since THEN l.count ELSE 0 END)"\
	" FROM search_log l WHERE l.day >= :prev AND l.query <> ''"
	static const char *const sql[] = {
		[STATS_TOP] = SEARCH_COLUMNS " GROUP BY l.query HAVING n > 0"
		    " ORDER BY n DESC, l.query LIMIT :limit",
		[STATS_EMPTY] = SEARCH_COLUMNS " AND l.results = 0"
		    " GROUP BY l.query HAVING n > 0"
		    " ORDER BY n DESC, l.query LIMIT :limit",
		[STATS_UNOPENED] = SEARCH_COLUMNS " AND l.results > 0"
		    " GROUP BY l.query HAVING n > 0 AND"
		    " SUM(CASE WHEN l.day >= :since THEN l.clicks ELSE 0 END) = 0"
		    " ORDER BY n DESC, l.query LIMIT :limit",
		[STATS_FOUND] = SEARCH_COLUMNS " AND l.results > 0"
		    " GROUP BY l.query HAVING n > 0"
		    " ORDER BY n DESC, l.query LIMIT :limit",
	};
#undef SEARCH_COLUMNS
	int64_t	 since = first_day(days);

	if (kind < 0 || (size_t)kind >= nitems(sql))
		return -1;
	return stat_rows(r, sql[kind], since, days > 0 ? since - days :
	    since, limit, fn, arg);
}

/*
 * Fills per_day[0..days) with the hits of each of the last days days,
 * oldest first.  Returns 0 or -1.
 */
int
store_staff_daily_hits(struct reader *r, int days, int64_t *per_day)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 since = first_day(days), d;
	int		 rc;

	memset(per_day, 0, (size_t)days * sizeof(*per_day));
	rc = sqlite3_prepare_v2(r->db, "SELECT day, SUM(count) FROM hit_day"
	    " WHERE day >= ?1 GROUP BY day", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, since);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = sqlite3_column_int64(st, 0) - since;
		if (d >= 0 && d < days)
			per_day[d] = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
