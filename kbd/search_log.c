/*
 * search_log.c (search): what customers search for, for the staff's statistics,
 * and which article each search led to, for the ranking.  A search adds
 * its normalised query and result count to a bounded list in memory
 * (one short lock, no I/O); the writer moves the list into the
 * search_log table with the hits flush, one row per day and query.  When
 * the list is full (a flood of searches between two flushes), further
 * searches are counted as dropped rather than slowing anyone down.
 *
 * The log cannot be made to grow without end.  A client (an address as
 * http_client_address() finds it; of IPv6, the /64) has at most LOG_RATE
 * searches logged a minute; the rest still find, but are not logged.  This
 * host's address is not limited: it is a proxy that names nobody, and stands
 * for everyone.  A day takes at most --search-log-queries distinct queries;
 * further new ones are counted together in the day's row of the empty query,
 * "other", which the statistics leave out.  Days older than --search-log-days
 * are deleted, once a day, with a flush.
 *
 * An article opened from a results page by a reader (no robot, no staff)
 * is also a click for the ranking: once per reader, query, article and
 * day, kept in search_click as an 8-bit tag of the reader (a keyed hash
 * of the address and User-Agent digest; 256 values name nobody, but tell
 * readers apart), with the last day seen.  An article that at least
 * CLICK_READERS readers reached from one query in the last CLICK_DAYS
 * days is found by that query's words (snapshot.c, "searched as"); one
 * reader, however often, is one tag.
 *
 * On a node of a cluster (--cluster) the searches and clicks that pass
 * the client's limit go to hits_cluster.c instead of the writer: the
 * cluster's PostgreSQL counts them over all nodes, with the day's limit
 * of distinct queries, and its rows come back into the local tables,
 * so that every node's statistics and ranking are the cluster's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

#define LOG_MAX		4096	/* searches kept between two flushes */
#define LOG_RATE	20	/* searches logged a minute, per client */
#define RATES		4096	/* clients remembered for LOG_RATE */
#define RATE_PROBE	4	/* slots a client may take */

/* A client's searches logged in a minute. */
struct rate {
	uint64_t	 key;		/* 0: free */
	int64_t		 minute;
	unsigned int	 n;
};

/* A search noted: for the store, and who clicked, until the flush. */
struct logged {
	struct store_search	 s;
	struct visitor		 who;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct logged	 pending[LOG_MAX];
static size_t		 npending;
static uint64_t		 dropped;
static struct outage	 failing;	/* of flushes; the writer's */
static struct rate	 rates[RATES];	/* guarded by lock */
static unsigned char	 rate_salt[crypto_shorthash_KEYBYTES];
static unsigned int	 keep_days = 180, day_queries = 10000;
static int64_t		 pruned;	/* the day last pruned; the writer's */

/*
 * Sets how many days the log keeps and how many distinct queries a day
 * it takes (--search-log-days, --search-log-queries); call before
 * serving.  0 days: kept for ever.
 */
void
search_log_setup(unsigned int days, unsigned int queries)
{
	keep_days = days;
	day_queries = queries;
	hits_cluster_search_setup(days, queries);
	randombytes_buf(rate_salt, sizeof(rate_salt));
}

/*
 * May a search of the client (n bytes of its address; NULL: none known)
 * be logged, within LOG_RATE a minute?  Counts it when it may.  Called
 * with lock.
 */
static int
rate_ok(const unsigned char *client, size_t n)
{
	struct rate	*s, *take = NULL;
	uint64_t	 key;
	int64_t		 minute = clock_us() / 60000000;
	size_t		 i;

	/* None known, or this host's: a proxy that names nobody, for all. */
	if (client == NULL || n == 0 || (n == 4 && client[0] == 127) ||
	    (n == 16 && memcmp(client, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1",
	    16) == 0))
		return 1;
	/* An IPv6 client has a /64 to itself: its addresses are one. */
	crypto_shorthash((unsigned char *)&key, client, n == 16 ? 8 : n,
	    rate_salt);
	key |= 1;
	for (i = 0; i < RATE_PROBE; i++) {
		s = &rates[(key + i) % RATES];
		if (s->key == key) {
			take = s;
			break;
		}
		if (take == NULL && (s->key == 0 || s->minute != minute))
			take = s;
	}
	if (take == NULL)	/* busy neighbours: the first gives way */
		take = &rates[key % RATES];
	if (take->key != key || take->minute != minute) {
		take->key = key;
		take->minute = minute;
		take->n = 0;
	}
	if (take->n >= LOG_RATE)
		return 0;
	take->n++;
	return 1;
}

static void
note(const unsigned char *client, size_t n, const char *query,
    int64_t results, int click, int64_t article, const char *slug,
    const struct visitor *who)
{
	char	*copy;
	int	 cluster = 0;

	copy = xstrndup(query, utf8_prefix(query, strlen(query),
	    KBD_LOG_QUERY));
	pthread_mutex_lock(&lock);
	if (!rate_ok(client, n)) {
		/* found, but not logged: the client searches too much */
	} else if (hits_cluster_on()) {
		/* A node of a cluster: PostgreSQL counts it, for all. */
		cluster = 1;
	} else if (npending < LOG_MAX) {
		memset(&pending[npending], 0, sizeof(pending[npending]));
		pending[npending].s.query = copy;
		pending[npending].s.results = results;
		pending[npending].s.click = click;
		pending[npending].s.article = article;
		if (who != NULL)
			pending[npending].who = *who;
		npending++;
		copy = NULL;
	} else
		dropped++;
	pthread_mutex_unlock(&lock);
	if (cluster)
		hits_cluster_search(copy, results, click, article > 0 ?
		    slug : NULL, who);
	free(copy);
}

/*
 * The key the reader's view of a query's article is remembered under
 * (hits_visitor.c), apart from the article's own views: top bit set.
 */
static int64_t
click_key(const char *query, int64_t article)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ (uint64_t)article;

	for (; *query != '\0'; query++)
		h = (h ^ (unsigned char)*query) * 0x100000001b3ULL;
	return (int64_t)((h >> 1) | (1ULL << 62));
}

/*
 * Notes a search for query (normalised, may be "") that found results,
 * made by the client whose address is n bytes at client (NULL: unknown).
 */
void
search_log_add(const unsigned char *client, size_t n, const char *query,
    int64_t results)
{
	if (*query == '\0')
		return;
	stats_add(STAT_SEARCHES, 1);
	if (results == 0)
		stats_add(STAT_SEARCHES_EMPTY, 1);
	note(client, n, query, results, 0, 0, NULL, NULL);
}

/*
 * An article was opened from the results page of a search for text (as
 * typed): counts a click for that search, so that staff see which
 * searches lead nowhere.  With reader set (a person, not a robot or
 * staff), who opened article: once per reader, query, article and day it
 * is a click for the ranking too.  slug names article, for a cluster.
 */
void
search_log_click(const char *text, int reader, int64_t article,
    const char *slug, const struct visitor *who)
{
	struct reader	*r;
	struct query	*q;

	if ((r = store_reader()) != NULL && (q = search_query_parse(r->tok,
	    text)) != NULL) {
		if (*q->normalized != '\0')
			note(NULL, 0, q->normalized, 0, 1, reader &&
			    hits_visitor_mark(who, click_key(q->normalized,
			    article), clock_seconds() / 86400) ? article : 0,
			    slug, who);
		search_query_free(q);
	}
}

/*
 * Writes the searches noted since the last flush into db (the writer's
 * connection).  Returns 1 when readers' clicks were among them (the
 * ranking may learn from them), 0 when not, or -1 when the transaction
 * failed; the searches are then lost, which the log says (they are
 * statistics, not edits).
 */
int
search_log_flush(sqlite3 *db)
{
	struct logged		*batch;
	struct store_search	*rows;
	unsigned char		 salt[16];
	const char		*errstr;
	size_t			 n, i, clicks = 0;
	uint64_t		 lost;
	int64_t			 day = clock_seconds() / 86400;
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
	if (day != pruned && keep_days > 0) {
		if (store_searches_prune(db, day - keep_days + 1, &errstr) ==
		    -1)
			log_warnx("search log: cannot delete old days: %s",
			    errstr);
		else
			pruned = day;
	}
	if (n == 0) {
		free(batch);
		return 0;
	}
	if (store_click_key(db, salt, sizeof(salt), &errstr) == -1)
		log_warnx("search log: no key for the readers' tags: %s",
		    errstr);
	rows = xcalloc(n, sizeof(*rows));
	for (i = 0; i < n; i++) {
		rows[i] = batch[i].s;
		if (rows[i].article > 0) {
			rows[i].tag = hits_visitor_tag(&batch[i].who, salt,
			    sizeof(salt));
			clicks++;
		}
	}
	rc = store_searches_write(db, rows, n, day, day_queries, &errstr);
	if (rc == -1 && log_outage_begin(&failing))
		log_warnx("search log: cannot write %zu searches: %s; searches "
		    "are not recorded until it works again", n, errstr);
	if (rc == 0)
		log_outage_end(&failing, "search log");
	for (i = 0; i < n; i++)
		free((char *)(uintptr_t)batch[i].s.query);
	free(batch);
	free(rows);
	return rc == -1 ? -1 : clicks > 0;
}
