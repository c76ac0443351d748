/*
 * searchlog.c: what customers search for, for the staff's statistics,
 * and which article each search led to, for the ranking.  A search adds
 * its normalised query and result count to a bounded list in memory
 * (one short lock, no I/O); the writer moves the list into the
 * search_log table with the hits flush, one row per day and query.  When
 * the list is full (a flood of searches between two flushes), further
 * searches are counted as dropped rather than slowing anyone down.
 *
 * An article opened from a results page by a reader (no robot, no staff)
 * is also a click for the ranking: once per reader, query, article and
 * day, kept in search_click as an 8-bit tag of the reader (a keyed hash
 * of the address and User-Agent digest; 256 values name nobody, but tell
 * readers apart), with the last day seen.  An article that at least
 * CLICK_READERS readers reached from one query in the last CLICK_DAYS
 * days is found by that query's words (snapshot.c, "searched as"); one
 * reader, however often, is one tag.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

#define LOG_MAX		4096	/* searches kept between two flushes */

struct logged {
	char		*query;
	int64_t		 results;
	int		 click;		/* an article opened from its results */
	int64_t		 article;	/* ... which one, if a reader's */
	struct visitor	 who;		/* ... and who, until the flush */
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct logged	 pending[LOG_MAX];
static size_t		 npending;
static uint64_t		 dropped;
static struct outage	 failing;	/* of flushes; the writer's */

static void
note(const char *query, int64_t results, int click, int64_t article,
    const struct visitor *who)
{
	char	*copy;

	copy = xstrndup(query, utf8_prefix(query, strlen(query),
	    KBD_LOG_QUERY));
	pthread_mutex_lock(&lock);
	if (npending < LOG_MAX) {
		pending[npending].query = copy;
		pending[npending].results = results;
		pending[npending].click = click;
		pending[npending].article = article;
		if (who != NULL)
			pending[npending].who = *who;
		npending++;
		copy = NULL;
	} else
		dropped++;
	pthread_mutex_unlock(&lock);
	free(copy);
}

/*
 * The key the reader's view of a query's article is remembered under
 * (visitor.c), apart from the article's own views: top bit set.
 */
static int64_t
click_key(const char *query, int64_t article)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ (uint64_t)article;

	for (; *query != '\0'; query++)
		h = (h ^ (unsigned char)*query) * 0x100000001b3ULL;
	return (int64_t)((h >> 1) | (1ULL << 62));
}

/* Notes a search for query (normalised, may be "") that found results. */
void
searchlog_add(const char *query, int64_t results)
{
	if (*query == '\0')
		return;
	metrics_search(results);
	note(query, results, 0, 0, NULL);
}

/*
 * An article was opened from a results page of this site (its Referer is
 * our /search?q=...): counts a click for that search, so that staff see
 * which searches lead nowhere.  Only the page's own Referer is used; no
 * cookie, no id in the link.  With reader set (a person's first view of
 * this query's article today), it is a click for the ranking too.
 */
void
searchlog_click_from(struct request *req, int reader)
{
	const char	*ref = http_header(req, "Referer");
	const char	*host = http_header(req, "Host");
	const char	*p, *qs;
	struct reader	*r;
	struct query	*q;
	char		*text;
	size_t		 n;

	if (ref == NULL || host == NULL || (p = strstr(ref, "://")) == NULL)
		return;
	p += 3;
	n = strlen(host);
	if (strncmp(p, host, n) != 0 || strncmp(p + n, "/search?", 8) != 0)
		return;
	qs = p + n + 8;
	if ((text = form_value(qs, strcspn(qs, "#"), "q")) == NULL)
		return;
	if ((r = store_reader()) != NULL && (q = query_parse(r->tok,
	    text)) != NULL) {
		if (*q->normalized != '\0')
			note(q->normalized, 0, 1, reader && visitor_mark(
			    &req->who, click_key(q->normalized, req->view),
			    wall_seconds() / 86400) ? req->view : 0,
			    &req->who);
		query_free(q);
	}
	free(text);
}

/*
 * Logs a search for query with its results, and notes both in rep so that
 * a cached copy of the answer logs the search again each time it is
 * served.
 */
void
search_logged(struct reply *rep, const char *query, int64_t results)
{
	searchlog_add(query, results);
	snprintf(rep->logq, sizeof(rep->logq), "%.*s",
	    (int)utf8_prefix(query, strlen(query), KBD_LOG_QUERY), query);
	rep->total = results;
}

/*
 * The key of the readers' tags: made at random once and kept in meta,
 * so that a reader keeps a tag from one day to the next (and a copy of
 * the database cannot tell which tag an address would get).  Returns 0,
 * or -1 (an SQLite error on db).
 */
static int
click_salt(sqlite3 *db, unsigned char *salt)
{
	sqlite3_stmt	*st = NULL;
	char		 hex[33];
	size_t		 len = 0;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key ="
	    " 'click_key'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sodium_hex2bin(salt, 16, (const char *)sqlite3_column_text(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), NULL, &len, NULL) == 0 &&
	    len == 16) {
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	randombytes_buf(salt, 16);
	sodium_bin2hex(hex, sizeof(hex), salt, 16);
	return store_run(db, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES ('click_key', ?1)", "t", hex) == -1 ? -1 : 0;
}

/*
 * Writes the searches noted since the last flush into db (the writer's
 * connection).  Returns 1 when readers' clicks were among them (the
 * ranking may learn from them), 0 when not, or -1 when the transaction
 * failed; the searches are then lost, which the log says (they are
 * statistics, not edits).
 */
int
searchlog_flush(sqlite3 *db)
{
	struct logged	*batch;
	sqlite3_stmt	*st = NULL, *click = NULL, *learn = NULL, *one;
	unsigned char	 salt[16];
	size_t		 n, i, clicks = 0;
	uint64_t	 lost;
	int64_t		 day = wall_seconds() / 86400;
	int		 rc;

	pthread_mutex_lock(&lock);
	n = npending;
	lost = dropped;
	batch = xcalloc(n + 1, sizeof(*batch));
	memcpy(batch, pending, n * sizeof(*batch));
	npending = 0;
	dropped = 0;
	pthread_mutex_unlock(&lock);
	if (lost > 0)
		log_warnx("search log: %llu searches not recorded (too many "
		    "in one second)", (unsigned long long)lost);
	if (n == 0) {
		free(batch);
		return 0;
	}

	if (click_salt(db, salt) == -1)
		log_warnx("search log: no key for the readers' tags: %s",
		    sqlite3_errmsg(db));
	rc = sqlite3_prepare_v2(db, "INSERT INTO search_log(day, query,"
	    " results, count) VALUES (?1, ?2, ?3, 1)"
	    " ON CONFLICT(day, query) DO UPDATE SET count = count + 1,"
	    " results = excluded.results", -1, &st, NULL);
	/* A click belongs to the latest day its search was made. */
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
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		one = batch[i].click ? click : st;
		sqlite3_bind_int64(one, 1, day);
		sqlite3_bind_text(one, 2, batch[i].query, -1, SQLITE_STATIC);
		if (!batch[i].click)
			sqlite3_bind_int64(one, 3, batch[i].results);
		rc = sqlite3_step(one) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(one);
		if (rc != SQLITE_OK || batch[i].article <= 0)
			continue;
		sqlite3_bind_text(learn, 1, batch[i].query, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(learn, 2, batch[i].article);
		sqlite3_bind_int(learn, 3, visitor_tag(&batch[i].who, salt,
		    sizeof(salt)));
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
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && outage_begin(&failing))
		log_warnx("search log: cannot write %zu searches: %s; searches "
		    "are not recorded until it works again", n,
		    sqlite3_errmsg(db));
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	else
		outage_end(&failing, "search log");
	sqlite3_finalize(st);
	sqlite3_finalize(click);
	sqlite3_finalize(learn);
	for (i = 0; i < n; i++)
		free(batch[i].query);
	free(batch);
	return rc != SQLITE_OK ? -1 : clicks > 0;
}
