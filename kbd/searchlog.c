/*
 * searchlog.c (search): what customers search for, for the staff's statistics.
 * A search adds its normalised query and result count to a bounded list
 * in memory (one short lock, no I/O); the writer moves the list into the
 * search_log table with the hits flush, one row per day and query.  When
 * the list is full (a flood of searches between two flushes), further
 * searches are counted as dropped rather than slowing anyone down.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define LOG_MAX		4096	/* searches kept between two flushes */

struct logged {
	char		*query;
	int64_t		 results;
	int		 click;		/* an article opened from its results */
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct logged	 pending[LOG_MAX];
static size_t		 npending;
static uint64_t		 dropped;
static struct outage	 failing;	/* of flushes; the writer's */

static void
note(const char *query, int64_t results, int click)
{
	char	*copy;

	copy = xstrndup(query, utf8_prefix(query, strlen(query),
	    KBD_LOG_QUERY));
	pthread_mutex_lock(&lock);
	if (npending < LOG_MAX) {
		pending[npending].query = copy;
		pending[npending].results = results;
		pending[npending].click = click;
		npending++;
		copy = NULL;
	} else
		dropped++;
	pthread_mutex_unlock(&lock);
	free(copy);
}

/* Notes a search for query (normalised, may be "") that found results. */
void
searchlog_add(const char *query, int64_t results)
{
	if (*query == '\0')
		return;
	stats_add(STAT_SEARCHES, 1);
	if (results == 0)
		stats_add(STAT_SEARCHES_EMPTY, 1);
	note(query, results, 0);
}

/*
 * An article was opened from the results page of a search for text (as
 * typed): counts a click for that search, so that staff see which
 * searches lead nowhere.
 */
void
searchlog_click(const char *text)
{
	struct reader	*r;
	struct query	*q;

	if ((r = store_reader()) != NULL && (q = query_parse(r->tok,
	    text)) != NULL) {
		if (*q->normalized != '\0')
			note(q->normalized, 0, 1);
		query_free(q);
	}
}

/*
 * Writes the searches noted since the last flush into db (the writer's
 * connection).  Returns 0, or -1 when the transaction failed; the
 * searches are then lost, which the log says (they are statistics, not
 * edits).
 */
int
searchlog_flush(sqlite3 *db)
{
	struct logged	*batch;
	sqlite3_stmt	*st = NULL, *click = NULL, *one;
	size_t		 n, i;
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
	}
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
	for (i = 0; i < n; i++)
		free(batch[i].query);
	free(batch);
	return rc == SQLITE_OK ? 0 : -1;
}
