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


static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_search	 pending[LOG_MAX];
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
	struct store_search	*batch;
	const char		*errstr;
	size_t			 n, i;
	uint64_t		 lost;
	int			 rc;

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

	rc = store_searches_write(db, batch, n, wall_seconds() / 86400,
	    &errstr);
	if (rc == -1 && outage_begin(&failing))
		log_warnx("search log: cannot write %zu searches: %s; searches "
		    "are not recorded until it works again", n, errstr);
	if (rc == 0)
		outage_end(&failing, "search log");
	for (i = 0; i < n; i++)
		free((char *)(uintptr_t)batch[i].query);
	free(batch);
	return rc;
}
