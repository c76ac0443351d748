/*
 * store_counts.c (store): what the writer adds up once a second: views
 * per article (in total and per UTC day) and searches per day and query;
 * in cluster mode, the cluster's counts of views and its search log set
 * as they are.
 * Each batch is one transaction, so a batch is either all written or,
 * after a failure, all still with its caller to try again or drop.
 */
#include <errno.h>

#include <sodium.h>

#include "kbd.h"

/* Ends the transaction of a batch: COMMIT, or ROLLBACK after rc. */
static int
finish(sqlite3 *db, int rc, const char **errstr)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	*errstr = sqlite3_errmsg(db);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	errno = EIO;
	return -1;
}

/*
 * Adds the views d[0..n) to their articles' totals and to day (days since
 * 1970, UTC); a view of an article that has no row is dropped.  Returns
 * 0, or -1 with errno EIO and *errstr when nothing was written.
 */
int
store_hits_write(sqlite3 *db, const struct hit_delta *d, size_t n,
    int64_t day, const char **errstr)
{
	sqlite3_stmt	*total = NULL, *daily = NULL;
	size_t		 i;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "UPDATE article SET hits = hits + ?2"
	    " WHERE id = ?1", -1, &total, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO hit_day(article_id,"
		    " day, count) VALUES (?1, ?2, ?3)"
		    " ON CONFLICT(article_id, day)"
		    " DO UPDATE SET count = count + excluded.count", -1,
		    &daily, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_int64(total, 1, d[i].id);
		sqlite3_bind_int64(total, 2, (sqlite3_int64)d[i].n);
		rc = sqlite3_step(total) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(total);
		if (rc != SQLITE_OK || sqlite3_changes(db) == 0)
			continue;
		sqlite3_bind_int64(daily, 1, d[i].id);
		sqlite3_bind_int64(daily, 2, day);
		sqlite3_bind_int64(daily, 3, (sqlite3_int64)d[i].n);
		rc = sqlite3_step(daily) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(daily);
	}
	rc = finish(db, rc, errstr);
	sqlite3_finalize(total);
	sqlite3_finalize(daily);
	return rc;
}

/*
 * Sets the hits of articles to a cluster's counts t[0..n) (cluster
 * mode): a total (day -1) becomes the article's hits, a day's count its
 * bucket of that day, both by slug, since the cluster's ids are not this
 * node's; a slug this node has not (yet) is left out.  One transaction.
 * Returns 0, or -1 with errno EIO and *errstr when nothing was written.
 */
int
store_hits_set(sqlite3 *db, const struct hit_total *t, size_t n,
    const char **errstr)
{
	sqlite3_stmt	*total = NULL, *daily = NULL, *st;
	size_t		 i;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "UPDATE article SET hits = ?2"
	    " WHERE slug = ?1", -1, &total, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO hit_day(article_id,"
		    " day, count) SELECT id, ?3, ?2 FROM article"
		    " WHERE slug = ?1 ON CONFLICT(article_id, day)"
		    " DO UPDATE SET count = excluded.count", -1, &daily, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		st = t[i].day < 0 ? total : daily;
		sqlite3_bind_text(st, 1, t[i].slug, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, t[i].count);
		if (t[i].day >= 0)
			sqlite3_bind_int64(st, 3, t[i].day);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(st);
	}
	rc = finish(db, rc, errstr);
	sqlite3_finalize(total);
	sqlite3_finalize(daily);
	return rc;
}

/*
 * Deletes the search log's days before the day before.  Returns 0, or -1
 * with errno EIO and *errstr.
 */
int
store_searches_prune(sqlite3 *db, int64_t before, const char **errstr)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "DELETE FROM search_log WHERE day < ?1",
	    -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, before);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
	}
	rc = finish(db, rc, errstr);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Adds the searches s[0..n) to day's rows: a search counts once more for
 * its query with its number of results; a click counts for the latest
 * day its search was made, and a reader's click (article set) is kept
 * for the ranking as the reader's tag, for CLICK_DAYS days.  A day takes
 * at most queries distinct queries: a new one beyond them counts for the
 * empty query, "other".  Returns 0, or -1 with errno EIO and *errstr
 * when nothing was written.
 */
int
store_searches_write(sqlite3 *db, const struct store_search *s, size_t n,
    int64_t day, unsigned int queries, const char **errstr)
{
	sqlite3_stmt	*st = NULL, *click = NULL, *learn = NULL, *one;
	sqlite3_stmt	*more = NULL, *have = NULL;
	size_t		 i, clicks = 0;
	int64_t		 today = 0;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO search_log(day, query,"
	    " results, count) VALUES (?1, ?2, ?3, 1)"
	    " ON CONFLICT(day, query) DO UPDATE SET count = count + 1,"
	    " results = excluded.results", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "UPDATE search_log SET count ="
		    " count + 1, results = ?3 WHERE day = ?1 AND query = ?2",
		    -1, &more, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM search_log"
		    " WHERE day = ?1 AND query <> ''", -1, &have, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "UPDATE search_log SET clicks ="
		    " clicks + 1 WHERE query = ?2 AND day = (SELECT MAX(day)"
		    " FROM search_log WHERE query = ?2 AND day <= ?1)", -1,
		    &click, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO search_click(query,"
		    " article_id, tag, day) VALUES (?1, ?2, ?3, ?4)"
		    " ON CONFLICT DO UPDATE SET day = excluded.day", -1, &learn,
		    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(have, 1, day);
		if (sqlite3_step(have) == SQLITE_ROW)
			today = sqlite3_column_int64(have, 0);
		else
			rc = SQLITE_ERROR;
	}
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		/* A query the day has: once more. */
		if (!s[i].click) {
			sqlite3_bind_int64(more, 1, day);
			sqlite3_bind_text(more, 2, s[i].query, -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(more, 3, s[i].results);
			rc = sqlite3_step(more) == SQLITE_DONE ? SQLITE_OK :
			    SQLITE_ERROR;
			sqlite3_reset(more);
			if (rc != SQLITE_OK)
				break;
			if (sqlite3_changes(db) > 0)
				continue;
		}
		one = s[i].click ? click : st;
		sqlite3_bind_int64(one, 1, day);
		/* A new one: within the day's queries, or "other". */
		if (!s[i].click && today >= (int64_t)queries)
			sqlite3_bind_text(one, 2, "", 0, SQLITE_STATIC);
		else
			sqlite3_bind_text(one, 2, s[i].query, -1,
			    SQLITE_STATIC);
		if (!s[i].click) {
			if (today < (int64_t)queries)
				today++;
			sqlite3_bind_int64(one, 3, s[i].results);
		}
		rc = sqlite3_step(one) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(one);
		if (rc != SQLITE_OK || s[i].article <= 0)
			continue;
		sqlite3_bind_text(learn, 1, s[i].query, -1, SQLITE_STATIC);
		sqlite3_bind_int64(learn, 2, s[i].article);
		sqlite3_bind_int(learn, 3, s[i].tag);
		sqlite3_bind_int64(learn, 4, day);
		rc = sqlite3_step(learn) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(learn);
		clicks++;
	}
	/* Clicks older than the ranking looks at are of no use. */
	if (rc == SQLITE_OK && clicks > 0)
		rc = sqlite3_exec(db, "DELETE FROM search_click WHERE day < "
		    "(SELECT max(day) FROM search_click) - " STR(CLICK_DAYS),
		    NULL, NULL, NULL);
	rc = finish(db, rc, errstr);
	sqlite3_finalize(st);
	sqlite3_finalize(more);
	sqlite3_finalize(have);
	sqlite3_finalize(click);
	sqlite3_finalize(learn);
	return rc;
}

/*
 * Sets the search log to a cluster's rows s[0..n) (cluster mode), as
 * they are: a row's searches, clicks and results replace the node's; a
 * reader's click (click set) is kept for its article by slug, which the
 * node may not have yet (then left out), and clicks older than the
 * ranking looks at go.  One transaction.  Returns 0, or -1 with errno
 * EIO and *errstr when nothing was written.
 */
int
store_searches_set(sqlite3 *db, const struct search_row *s, size_t n,
    const char **errstr)
{
	sqlite3_stmt	*row = NULL, *learn = NULL, *st;
	size_t		 i, clicks = 0;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO search_log(day, query,"
	    " results, count, clicks) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT(day, query) DO UPDATE SET results ="
	    " excluded.results, count = excluded.count,"
	    " clicks = excluded.clicks", -1, &row, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO search_click(query,"
		    " article_id, tag, day) SELECT ?2, id, ?3, ?1 FROM article"
		    " WHERE slug = ?4 ON CONFLICT DO UPDATE"
		    " SET day = excluded.day", -1, &learn, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		st = s[i].click ? learn : row;
		sqlite3_bind_int64(st, 1, s[i].day);
		sqlite3_bind_text(st, 2, s[i].query, -1, SQLITE_STATIC);
		if (s[i].click) {
			sqlite3_bind_int(st, 3, s[i].tag);
			sqlite3_bind_text(st, 4, s[i].slug, -1, SQLITE_STATIC);
			clicks++;
		} else {
			sqlite3_bind_int64(st, 3, s[i].results);
			sqlite3_bind_int64(st, 4, s[i].count);
			sqlite3_bind_int64(st, 5, s[i].clicks);
		}
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(st);
	}
	if (rc == SQLITE_OK && clicks > 0)
		rc = sqlite3_exec(db, "DELETE FROM search_click WHERE day < "
		    "(SELECT max(day) FROM search_click) - " STR(CLICK_DAYS),
		    NULL, NULL, NULL);
	rc = finish(db, rc, errstr);
	sqlite3_finalize(row);
	sqlite3_finalize(learn);
	return rc;
}

/*
 * The key of the readers' tags of clicks (size bytes into key): made at
 * random once and kept in meta, so that a reader keeps a tag from one
 * day to the next (and a copy of the database cannot tell which tag an
 * address would get).  Returns 0, or -1 with errno EIO and *errstr (key
 * is then random, for this time).
 */
int
store_click_key(sqlite3 *db, unsigned char *key, size_t size,
    const char **errstr)
{
	sqlite3_stmt	*st = NULL;
	char		 hex[2 * 64 + 1];
	size_t		 len = 0;
	int		 rc;

	assert(size <= 64);
	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key ="
	    " 'click_key'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sodium_hex2bin(key, size, (const char *)sqlite3_column_text(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), NULL, &len, NULL) == 0 &&
	    len == size) {
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	randombytes_buf(key, size);
	sodium_bin2hex(hex, sizeof(hex), key, size);
	if (store_run(db, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES ('click_key', ?1)", "t", hex) == -1) {
		*errstr = sqlite3_errmsg(db);
		errno = EIO;
		return -1;
	}
	return 0;
}
