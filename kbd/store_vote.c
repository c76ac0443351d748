/*
 * store_vote.c (store): "War dieser Artikel hilfreich?" in the database:
 * votes per article and UTC day (vote_day: yes, no) and the comments
 * readers left with them (vote_comment), nothing about who voted.  The
 * writer adds a batch in one transaction (store_votes_write); the totals
 * are read once at start (store_vote_totals); the staff's statistics
 * read the last days on the request thread's connection.  A node of a
 * cluster sets the cluster's votes and comments (store_votes_set).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

/*
 * Adds the votes v[0..n): a counted vote to its article's row of its day,
 * a comment as a row of its own.  A vote for an article that has no row
 * is dropped.  Returns 0, or -1 with errno EIO and *errstr when nothing
 * was written.
 */
int
store_votes_write(sqlite3 *db, const struct store_vote *v, size_t n,
    const char **errstr)
{
	sqlite3_stmt	*day = NULL, *comment = NULL;
	size_t		 i;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO vote_day(article_id, day,"
	    " yes, no) SELECT id, ?2, ?3, ?4 FROM article WHERE id = ?1"
	    " ON CONFLICT(article_id, day) DO UPDATE SET"
	    " yes = yes + excluded.yes, no = no + excluded.no", -1, &day,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO vote_comment(article_id,"
		    " day, created, helpful, text) SELECT id, ?2, ?3, ?4, ?5"
		    " FROM article WHERE id = ?1", -1, &comment, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		if (v[i].counted) {
			sqlite3_bind_int64(day, 1, v[i].article);
			sqlite3_bind_int64(day, 2, v[i].day);
			sqlite3_bind_int(day, 3, v[i].helpful ? 1 : 0);
			sqlite3_bind_int(day, 4, v[i].helpful ? 0 : 1);
			rc = sqlite3_step(day) == SQLITE_DONE ? SQLITE_OK :
			    SQLITE_ERROR;
			sqlite3_reset(day);
		}
		if (rc != SQLITE_OK || v[i].comment == NULL)
			continue;
		sqlite3_bind_int64(comment, 1, v[i].article);
		sqlite3_bind_int64(comment, 2, v[i].day);
		sqlite3_bind_int64(comment, 3, v[i].when);
		sqlite3_bind_int(comment, 4, v[i].helpful ? 1 : 0);
		sqlite3_bind_text(comment, 5, v[i].comment, -1, SQLITE_STATIC);
		rc = sqlite3_step(comment) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(comment);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*errstr = sqlite3_errmsg(db);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(day);
	sqlite3_finalize(comment);
	if (rc != SQLITE_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Sets a cluster's votes v[0..n) (cluster mode): a day's votes of an
 * article become its row of that day, a comment is added unless it is
 * there (the same article, time and text: a node reads the comments of
 * the last days again when it starts); both by slug, since the
 * cluster's ids are not this node's.  One transaction.  Returns 0, or -1
 * with errno EIO and *errstr when nothing was written.
 */
int
store_votes_set(sqlite3 *db, const struct vote_set *v, size_t n,
    const char **errstr)
{
	sqlite3_stmt	*day = NULL, *comment = NULL;
	size_t		 i;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO vote_day(article_id, day,"
	    " yes, no) SELECT id, ?2, ?3, ?4 FROM article WHERE slug = ?1"
	    " ON CONFLICT(article_id, day) DO UPDATE SET"
	    " yes = excluded.yes, no = excluded.no", -1, &day, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO vote_comment(article_id,"
		    " day, created, helpful, text) SELECT a.id, ?2, ?3, ?4, ?5"
		    " FROM article a WHERE a.slug = ?1 AND NOT EXISTS"
		    " (SELECT 1 FROM vote_comment c WHERE c.article_id = a.id"
		    " AND c.created = ?3 AND c.text = ?5)", -1, &comment, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		if (v[i].comment == NULL) {
			sqlite3_bind_text(day, 1, v[i].slug, -1, SQLITE_STATIC);
			sqlite3_bind_int64(day, 2, v[i].day);
			sqlite3_bind_int64(day, 3, v[i].yes);
			sqlite3_bind_int64(day, 4, v[i].no);
			rc = sqlite3_step(day) == SQLITE_DONE ? SQLITE_OK :
			    SQLITE_ERROR;
			sqlite3_reset(day);
			continue;
		}
		sqlite3_bind_text(comment, 1, v[i].slug, -1, SQLITE_STATIC);
		sqlite3_bind_int64(comment, 2, v[i].day);
		sqlite3_bind_int64(comment, 3, v[i].when);
		sqlite3_bind_int(comment, 4, v[i].yes ? 1 : 0);
		sqlite3_bind_text(comment, 5, v[i].comment, -1, SQLITE_STATIC);
		rc = sqlite3_step(comment) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(comment);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*errstr = sqlite3_errmsg(db);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(day);
	sqlite3_finalize(comment);
	if (rc != SQLITE_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Calls fn(arg, article, yes, no) with every article's votes of all
 * time.  Returns 0, or -1 with errno EIO.
 */
int
store_vote_totals(sqlite3 *db, void (*fn)(void *arg, int64_t article,
    int64_t yes, int64_t no), void *arg)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT article_id, sum(yes), sum(no)"
	    " FROM vote_day GROUP BY article_id", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st,
		    1), sqlite3_column_int64(st, 2));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* The first day (days since 1970) of the last days days. */
static int64_t
since(int days)
{
	return clock_seconds() / 86400 - (days > 0 ? days - 1 : 0);
}

/*
 * Calls fn for the articles that got votes or comments in the last days
 * days, those with the most "no" first, at most limit of them.  Returns 0,
 * or -1 with errno EIO.
 */
int
store_vote_stats(struct reader *r, int days, int limit,
    void (*fn)(void *arg, const struct vote_row *row), void *arg)
{
	struct vote_row	 row;
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(r->db, "SELECT a.slug, a.title,"
	    " coalesce(v.yes, 0), coalesce(v.no, 0), coalesce(c.n, 0)"
	    " FROM article a"
	    " LEFT JOIN (SELECT article_id, sum(yes) AS yes, sum(no) AS no"
	    "  FROM vote_day WHERE day >= ?1 GROUP BY article_id) v"
	    "  ON v.article_id = a.id"
	    " LEFT JOIN (SELECT article_id, count(*) AS n FROM vote_comment"
	    "  WHERE day >= ?1 GROUP BY article_id) c ON c.article_id = a.id"
	    " WHERE v.article_id IS NOT NULL OR c.article_id IS NOT NULL"
	    " ORDER BY 4 DESC, 3 + 4 DESC, a.title LIMIT ?2", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, since(days));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.slug = (const char *)sqlite3_column_text(st, 0);
		row.title = (const char *)sqlite3_column_text(st, 1);
		row.yes = sqlite3_column_int64(st, 2);
		row.no = sqlite3_column_int64(st, 3);
		row.comments = sqlite3_column_int64(st, 4);
		fn(arg, &row);
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
 * Calls fn for the comments of the last days days, the newest first, at
 * most limit of them.  Returns 0, or -1 with errno EIO.
 */
int
store_vote_comments(struct reader *r, int days, int limit,
    void (*fn)(void *arg, const struct vote_row *row), void *arg)
{
	struct vote_row	 row;
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(r->db, "SELECT a.slug, a.title, c.helpful,"
	    " c.created, c.text FROM vote_comment c JOIN article a"
	    " ON a.id = c.article_id WHERE c.day >= ?1"
	    " ORDER BY c.created DESC, c.id DESC LIMIT ?2", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, since(days));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.slug = (const char *)sqlite3_column_text(st, 0);
		row.title = (const char *)sqlite3_column_text(st, 1);
		row.yes = sqlite3_column_int(st, 2);
		row.no = !row.yes;
		row.created = sqlite3_column_int64(st, 3);
		row.text = (const char *)sqlite3_column_text(st, 4);
		fn(arg, &row);
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
 * The key that signs the vote forms' tokens (size bytes, at most 64, into
 * key): made at random once and kept in meta, so that a page a reader
 * still has open stays good across a restart.  Opens the database at
 * path on its own.  Returns 0, or -1 with errno EIO and *errstr (key is
 * then random, for this run).
 */
int
store_vote_key(const char *path, unsigned char *key, size_t size,
    const char **errstr)
{
	static _Thread_local char	 why[256];
	sqlite3_stmt	*st = NULL;
	sqlite3		*db;
	char		 hex[2 * 64 + 1];
	size_t		 len = 0;
	int		 rc = -1;

	assert(size <= 64);
	randombytes_buf(key, size);
	if (store_open(path, 0, &db, errstr) == -1) {
		errno = EIO;
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key ="
	    " 'vote_key'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sodium_hex2bin(key, size, (const char *)sqlite3_column_text(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), NULL, &len, NULL) == 0 &&
	    len == size)
		rc = 0;
	sqlite3_finalize(st);
	if (rc == -1) {
		sodium_bin2hex(hex, sizeof(hex), key, size);
		if (store_run(db, "INSERT OR REPLACE INTO meta(key, value)"
		    " VALUES ('vote_key', ?1)", "t", hex) == 1)
			rc = 0;
		else {
			snprintf(why, sizeof(why), "%s", sqlite3_errmsg(db));
			*errstr = why;
		}
	}
	sqlite3_close(db);
	if (rc == -1)
		errno = EIO;
	return rc;
}
