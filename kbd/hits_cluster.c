/*
 * hits_cluster.c (hits): the hits of a cluster node (--cluster), counted
 * in the cluster's PostgreSQL instead of the node's own database.  A
 * view that counts on this node (hits_view.c: a reader's first view of
 * the article today here) is queued in memory with the reader's digest,
 * the article's slug and the day; a thread of its own, with its own
 * connection (store_pg.c), sends the queue once every KBD_FLUSH_MS as one
 * transaction.  There a view counts only if no node counted it before:
 * its key is the reader's digest and the slug, hashed with the day's key
 * that the cluster keeps, so that a reader whose requests reach three
 * nodes counts once, and PostgreSQL never holds an address or a
 * User-Agent (while a day's key is kept, two days, whoever reads the
 * database may test a guess of address, User-Agent and article against
 * it, as whoever reads a node's memory may).  An entry leaves the queue
 * only once its batch committed; a batch whose commit went unanswered
 * (the connection broke) is sent again, and its views, already there,
 * do not count twice.
 *
 * After each batch, and when another node's batch is announced
 * (kbd_counts), the thread reads the totals and day counts that changed
 * since its last read and hands them to the caller's apply function,
 * which sets them in the local index as they are: the hits a page shows
 * and the top lists are the cluster's.
 *
 * Votes and their comments (hits_vote.c) take the same way, with keys
 * of their own, so that a reader's vote counts once a day across the
 * nodes and a comment is kept once; the cluster's votes per day and its
 * comments come back as the counts do.
 *
 * The search log takes the same way too (search_log.c hands each
 * search, and each click from a results page, here instead of to the
 * writer): PostgreSQL counts them per day and query over all nodes,
 * with the day's limit of distinct queries, and a reader's click for
 * the ranking as a tag made with the cluster's key, so that a reader
 * is one tag on every node; the rows that changed come back and are
 * set in the local index, where the staff's statistics and the
 * ranking read them.  A client's searches per minute are limited by
 * each node on its own.
 *
 * PostgreSQL away: pages are served from the local index as always, the
 * queue keeps growing up to HITS_CLUSTER_MAX entries (beyond that a view
 * is dropped, and counted as dropped for /metrics), the thread connects
 * again every HITS_CLUSTER_RETRY_MS and sends what waited.  A clean stop
 * sends the queue once more; a crash loses what waited.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "kbd.h"

#define HITS_CLUSTER_MAX	200000	/* views waiting, at most */
#define HITS_CLUSTER_RETRY_MS	2000	/* connect again after this */
#define HITS_CLUSTER_WAIT_MS	100	/* a stop is seen this fast */
#define HITS_CLUSTER_KEY	32	/* bytes of a day's key */
#define HITS_CLUSTER_CHUNK	5000	/* views in one statement */

enum waiting_kind {
	WAIT_VIEW,
	WAIT_VOTE,
	WAIT_COMMENT,
	WAIT_SEARCH,
	WAIT_CLICK
};

/*
 * A view, vote or comment that counted here, or a search or a click
 * from its results, waiting for PostgreSQL.
 */
struct waiting {
	enum waiting_kind kind;
	int64_t		 day;
	unsigned char	 digest[16];	/* the reader's (hits_visitor.c) */
	char		*slug;		/* a click: NULL, unless a reader's */
	int		 helpful;	/* a vote, a comment: "Ja" */
	int64_t		 when;		/* a comment's time */
	char		*comment;	/* ... its text */
	char		*query;		/* a search, a click: normalised */
	int64_t		 results;	/* a search's */
};

struct queue {
	struct waiting	*v;
	size_t		 n;
	size_t		 cap;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct queue	 queue;		/* guarded by lock */
static size_t		 sending;	/* guarded by lock: views in flight */
static atomic_int	 on;		/* cluster mode: count here */
static atomic_int	 stopping;
static _Atomic uint64_t	 dropped;	/* views the full queue refused */
static pthread_t	 thread;
static int		 running;
static const char	*url;
static hits_cluster_fn	 apply;
static struct store_pg	*pg;		/* the thread's */
static int64_t		 seen;		/* the thread's: stamp read so far */
static int64_t		 seen_votes;	/* ... of the votes */
static int64_t		 seen_comment;	/* ... the last comment's id */
static int64_t		 pruned;	/* the thread's: day pruned last */
static struct outage	 away;		/* the thread's: PostgreSQL */
static struct outage	 applying;	/* the thread's: the local index */
static int64_t		 seen_searches;	/* the thread's: stamp of the log */
static unsigned int	 log_days = 180;	/* --search-log-days */
static unsigned int	 log_queries = 10000;	/* --search-log-queries */
static unsigned char	 click_key[16];	/* the cluster's, for readers' tags */
static int		 have_click_key;	/* the thread's */

/* A day's key, as the cluster has it (the thread's; two days at once). */
static struct {
	int64_t		 day;
	char		 hex[2 * HITS_CLUSTER_KEY + 1];
} keys[2];

static void
queue_clear(struct queue *q)
{
	size_t	 i;

	for (i = 0; i < q->n; i++) {
		free(q->v[i].slug);
		free(q->v[i].comment);
		free(q->v[i].query);
	}
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* Is this node of a cluster, counting there? */
int
hits_cluster_on(void)
{
	return atomic_load(&on);
}

/*
 * Queues what w says (its strings are copied).  A full queue
 * (PostgreSQL away too long) drops it.  Returns 0, or -1 when dropped.
 */
static int
enqueue(const struct waiting *w)
{
	struct waiting	*q;

	pthread_mutex_lock(&lock);
	if (queue.n + sending >= HITS_CLUSTER_MAX) {
		pthread_mutex_unlock(&lock);
		atomic_fetch_add(&dropped, 1);
		return -1;
	}
	if (queue.n == queue.cap) {
		queue.cap = queue.cap ? queue.cap * 2 : 256;
		queue.v = xreallocarray(queue.v, queue.cap, sizeof(*queue.v));
	}
	q = &queue.v[queue.n++];
	*q = *w;
	q->slug = w->slug != NULL ? xstrdup(w->slug) : NULL;
	q->comment = w->comment != NULL ? xstrdup(w->comment) : NULL;
	q->query = w->query != NULL ? xstrdup(w->query) : NULL;
	pthread_mutex_unlock(&lock);
	return 0;
}

/* Queues a view of the article slug by who on day, which counted here. */
void
hits_cluster_add(const struct visitor *who, const char *slug, int64_t day)
{
	struct waiting	 w;

	memset(&w, 0, sizeof(w));
	w.kind = WAIT_VIEW;
	w.day = day;
	memcpy(w.digest, who->digest, sizeof(w.digest));
	w.slug = (char *)(uintptr_t)slug;
	if (enqueue(&w) == 0)
		stats_add(STAT_HITS_COUNTED, 1);
}

/*
 * Queues the vote of who (helpful: "Ja") for the article slug at now,
 * when it counted here, and its comment (or NULL), which is kept once
 * per reader, article and day across the cluster.
 */
void
hits_cluster_vote(const struct visitor *who, const char *slug, int64_t now,
    int helpful, int counted, const char *comment)
{
	struct waiting	 w;

	memset(&w, 0, sizeof(w));
	w.day = now / 86400;
	memcpy(w.digest, who->digest, sizeof(w.digest));
	w.slug = (char *)(uintptr_t)slug;
	w.helpful = helpful;
	w.when = now;
	w.kind = WAIT_VOTE;
	if (counted)
		(void)enqueue(&w);
	w.kind = WAIT_COMMENT;
	w.comment = (char *)(uintptr_t)comment;
	if (comment != NULL)
		(void)enqueue(&w);
}

/*
 * Sets how many days the search log keeps and how many distinct queries
 * a day takes, over the cluster (--search-log-days, --search-log-queries;
 * 0 days: for ever).  Before hits_cluster_start().
 */
void
hits_cluster_search_setup(unsigned int days, unsigned int queries)
{
	log_days = days;
	log_queries = queries;
}

/*
 * Queues a search for query (normalised) that found results, or with
 * click set an article opened from its results; with slug set too, a
 * reader's click for the ranking on that article, by who (search_log.c
 * decides which are).  The strings are copied.
 */
void
hits_cluster_search(const char *query, int64_t results, int click,
    const char *slug, const struct visitor *who)
{
	struct waiting	 w;

	memset(&w, 0, sizeof(w));
	w.kind = click ? WAIT_CLICK : WAIT_SEARCH;
	w.day = clock_seconds() / 86400;
	w.query = (char *)(uintptr_t)query;
	w.results = results;
	if (click && slug != NULL && who != NULL) {
		w.slug = (char *)(uintptr_t)slug;
		memcpy(w.digest, who->digest, sizeof(w.digest));
	}
	(void)enqueue(&w);
}

/* How many views wait for PostgreSQL (/metrics). */
size_t
hits_cluster_waiting(void)
{
	size_t	 n;

	pthread_mutex_lock(&lock);
	n = queue.n + sending;
	pthread_mutex_unlock(&lock);
	return n;
}

/* How many views a full queue dropped (/metrics). */
uint64_t
hits_cluster_dropped(void)
{
	return atomic_load(&dropped);
}

/* The cluster's key of day's views, hex.  Returns NULL on failure. */
static const char *
day_key(int64_t day)
{
	unsigned char	 bin[HITS_CLUSTER_KEY];
	char		 mine[2 * HITS_CLUSTER_KEY + 1];
	int		 i = keys[0].day == day ? 0 : keys[1].day == day ? 1 : -1;

	if (i >= 0)
		return keys[i].hex;
	/* The older of the two goes. */
	i = keys[0].day < keys[1].day ? 0 : 1;
	randombytes_buf(bin, sizeof(bin));
	sodium_bin2hex(mine, sizeof(mine), bin, sizeof(bin));
	if (store_pg_hit_key(pg, day, mine, keys[i].hex,
	    sizeof(keys[i].hex)) == -1) {
		keys[i].day = 0;
		return NULL;
	}
	keys[i].day = day;
	return keys[i].hex;
}

/*
 * The key of a view in PostgreSQL (hex, into out): the reader's digest
 * and the slug, hashed with the day's key.  Returns 0 or -1.
 */
static int
key_of(const struct waiting *w, char *out, size_t size)
{
	crypto_generichash_state	 st;
	unsigned char			 key[HITS_CLUSTER_KEY], bin[16];
	const char			*hex;

	if ((hex = day_key(w->day)) == NULL || sodium_hex2bin(key,
	    sizeof(key), hex, strlen(hex), NULL, NULL, NULL) != 0)
		return -1;
	crypto_generichash_init(&st, key, sizeof(key), sizeof(bin));
	crypto_generichash_update(&st, w->digest, sizeof(w->digest));
	crypto_generichash_update(&st, (const unsigned char *)w->slug,
	    strlen(w->slug) + 1);
	/* A vote and a comment have keys apart from the view's. */
	if (w->kind != WAIT_VIEW)
		crypto_generichash_update(&st, (const unsigned char *)
		    (w->kind == WAIT_VOTE ? "v" : "c"), 1);
	crypto_generichash_final(&st, bin, sizeof(bin));
	sodium_memzero(key, sizeof(key));
	sodium_bin2hex(out, size, bin, sizeof(bin));
	return 0;
}

/*
 * The tag of the reader of a click (w), with the cluster's key of the
 * tags, so that a reader has one tag on every node.  Returns 0..255, or
 * -1 when there is no key.
 */
static int
tag_of(const struct waiting *w)
{
	struct visitor	 v;
	unsigned char	 mine[sizeof(click_key)];
	char		 hex[2 * sizeof(click_key) + 1], have[sizeof(hex)];

	if (!have_click_key) {
		randombytes_buf(mine, sizeof(mine));
		sodium_bin2hex(hex, sizeof(hex), mine, sizeof(mine));
		if (store_pg_secret(pg, "click_key", hex, have,
		    sizeof(have)) == -1 || sodium_hex2bin(click_key,
		    sizeof(click_key), have, strlen(have), NULL, NULL,
		    NULL) != 0)
			return -1;
		have_click_key = 1;
	}
	memset(&v, 0, sizeof(v));
	memcpy(v.digest, w->digest, sizeof(v.digest));
	return hits_visitor_tag(&v, click_key, sizeof(click_key));
}

/*
 * Sends the searches and clicks of b (in their order) in the batch's
 * transaction, in statements of a bounded size.  Returns 0 or -1.
 */
static int
send_searches(const struct queue *b)
{
	struct search_row	*s;
	size_t			 i, n = 0;
	int			 rc = 0;

	s = xcalloc(b->n + 1, sizeof(*s));
	for (i = 0; rc == 0 && i < b->n; i++) {
		if (b->v[i].kind != WAIT_SEARCH && b->v[i].kind != WAIT_CLICK)
			continue;
		s[n].day = b->v[i].day;
		s[n].query = b->v[i].query;
		s[n].results = b->v[i].results;
		s[n].click = b->v[i].kind == WAIT_CLICK;
		s[n].slug = b->v[i].slug;
		if (s[n].slug != NULL && (s[n].tag = tag_of(&b->v[i])) == -1)
			rc = -1;
		n++;
	}
	for (i = 0; rc == 0 && i < n; i += HITS_CLUSTER_CHUNK)
		rc = store_pg_searches_add(pg, s + i, n - i <
		    HITS_CLUSTER_CHUNK ? n - i : HITS_CLUSTER_CHUNK,
		    log_queries);
	free(s);
	return rc;
}

/*
 * Sends the views in b in one transaction.  Returns 0, or -1 when
 * nothing was counted (the reason in store_pg_error(pg)).
 */
static int
send_batch(const struct queue *b)
{
	struct pg_view	*v, *votes, one;
	char		(*hex)[33];
	int64_t		 today = clock_seconds() / 86400;
	size_t		 i, n = 0, nvotes = 0;
	int		 rc = -1;

	/* Views first in v, votes in votes, comments one at a time. */
	v = xcalloc(b->n, sizeof(*v));
	votes = xcalloc(b->n, sizeof(*votes));
	hex = xcalloc(b->n, sizeof(*hex));
	if (store_pg_counts_begin(pg) == -1)
		goto done;
	for (i = 0; i < b->n; i++) {
		/* Searches and clicks are keyed by their query. */
		if (b->v[i].kind == WAIT_SEARCH || b->v[i].kind == WAIT_CLICK)
			continue;
		if (key_of(&b->v[i], hex[i], sizeof(hex[i])) == -1)
			goto fail;
		memset(&one, 0, sizeof(one));
		one.day = b->v[i].day;
		one.view = hex[i];
		one.slug = b->v[i].slug;
		one.helpful = b->v[i].helpful;
		one.when = b->v[i].when;
		one.comment = b->v[i].comment;
		if (b->v[i].kind == WAIT_VIEW)
			v[n++] = one;
		else if (b->v[i].kind == WAIT_VOTE)
			votes[nvotes++] = one;
		else if (store_pg_comment_add(pg, &one) == -1)
			goto fail;
	}
	/* After a long outage: statements of a bounded size, one commit. */
	for (i = 0; i < n; i += HITS_CLUSTER_CHUNK)
		if (store_pg_hits_add(pg, v + i, n - i < HITS_CLUSTER_CHUNK ?
		    n - i : HITS_CLUSTER_CHUNK) == -1)
			goto fail;
	for (i = 0; i < nvotes; i += HITS_CLUSTER_CHUNK)
		if (store_pg_votes_add(pg, votes + i, nvotes - i <
		    HITS_CLUSTER_CHUNK ? nvotes - i : HITS_CLUSTER_CHUNK) == -1)
			goto fail;
	if (send_searches(b) == -1)
		goto fail;
	/*
	 * Once a day: the views of the day before yesterday are of no use,
	 * nor are the search log's days past its time, nor clicks older
	 * than the ranking looks at.
	 */
	if (pruned != today && (store_pg_hits_prune(pg, today - 1) == -1 ||
	    store_pg_searches_prune(pg, log_days > 0 ? today - log_days + 1 :
	    0, today - CLICK_DAYS) == -1))
		goto fail;
	if (store_pg_counts_commit(pg) == -1)
		goto done;
	pruned = today;
	rc = 0;
	goto done;
fail:
	store_pg_rollback(pg);
done:
	free(v);
	free(votes);
	free(hex);
	return rc;
}

/*
 * Sends what waits.  The views are taken from the queue while they are
 * sent (new ones queue behind them) and go back to its front when the
 * batch failed.  Returns 0 or -1.
 */
static int
flush(void)
{
	struct queue	 b;
	size_t		 i, views = 0;
	int64_t		 t0;
	int		 rc;

	pthread_mutex_lock(&lock);
	b = queue;
	memset(&queue, 0, sizeof(queue));
	sending = b.n;
	pthread_mutex_unlock(&lock);
	if (b.n == 0)
		return 0;
	t0 = clock_us();
	if ((rc = send_batch(&b)) == 0) {
		/* The time PostgreSQL's connection was busy: make bench. */
		stats_add(STAT_CLUSTER_BATCHES, 1);
		stats_add(STAT_CLUSTER_BATCH_US, (uint64_t)(clock_us() - t0));
		/* Votes, comments, searches and clicks are no hits. */
		for (i = 0; i < b.n; i++)
			views += b.v[i].kind == WAIT_VIEW;
		stats_add(STAT_HITS_FLUSHED, views);
		queue_clear(&b);
	} else {
		pthread_mutex_lock(&lock);
		if (b.cap < b.n + queue.n) {
			b.cap = b.n + queue.n;
			b.v = xreallocarray(b.v, b.cap, sizeof(*b.v));
		}
		if (queue.n > 0)	/* memcpy() may not take NULL */
			memcpy(b.v + b.n, queue.v,
			    queue.n * sizeof(*queue.v));
		b.n += queue.n;
		free(queue.v);
		queue = b;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	sending = 0;
	pthread_mutex_unlock(&lock);
	return rc;
}

/* What store_pg_*_changed() read, for apply. */
struct totals {
	struct hit_total	*v;
	size_t			 n;
	size_t			 cap;
	struct vote_set		*votes;
	size_t			 nvotes;
	size_t			 capvotes;
	struct search_row	*searches;
	size_t			 nsearches;
	size_t			 capsearches;
};

static void
add_total(void *arg, const char *slug, int64_t day, int64_t count)
{
	struct totals	*t = arg;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].slug = xstrdup(slug);
	t->v[t->n].day = day;
	t->v[t->n++].count = count;
}

static struct vote_set *
new_vote(struct totals *t, const char *slug)
{
	struct vote_set	*v;

	if (t->nvotes == t->capvotes) {
		t->capvotes = t->capvotes ? t->capvotes * 2 : 64;
		t->votes = xreallocarray(t->votes, t->capvotes,
		    sizeof(*t->votes));
	}
	v = &t->votes[t->nvotes++];
	memset(v, 0, sizeof(*v));
	v->slug = xstrdup(slug);
	return v;
}

static void
add_votes(void *arg, const char *slug, int64_t day, int64_t yes, int64_t no)
{
	struct vote_set	*v = new_vote(arg, slug);

	v->day = day;
	v->yes = yes;
	v->no = no;
}

static void
add_comment(void *arg, const struct pg_view *c)
{
	struct vote_set	*v = new_vote(arg, c->slug);

	v->day = c->day;
	v->yes = c->helpful;
	v->when = c->when;
	v->comment = xstrdup(c->comment);
}

static void
add_search(void *arg, const struct search_row *s)
{
	struct totals	*t = arg;
	struct search_row *r;

	if (t->nsearches == t->capsearches) {
		t->capsearches = t->capsearches ? t->capsearches * 2 : 64;
		t->searches = xreallocarray(t->searches, t->capsearches,
		    sizeof(*t->searches));
	}
	r = &t->searches[t->nsearches++];
	*r = *s;
	r->query = xstrdup(s->query);
	r->slug = s->slug != NULL ? xstrdup(s->slug) : NULL;
}

/*
 * Reads the counts that changed since the last read and hands them to
 * apply; only once they are applied is the read counted as done.  The
 * days of a top list's longest period are enough, and the comments of
 * as many days.  Returns 0 or -1.
 */
static int
read_totals(void)
{
	struct hits_cluster_counts c;
	struct totals	 t;
	int64_t		 last, last_votes, last_comment, last_searches;
	int64_t		 today = clock_seconds() / 86400;
	int64_t		 from = today - KBD_TOP_DAYS;
	size_t		 i;
	int		 rc = 0;

	memset(&t, 0, sizeof(t));
	if (store_pg_hits_changed(pg, seen, from, add_total, &t,
	    &last) == -1 || store_pg_votes_changed(pg, seen_votes, add_votes,
	    &t, &last_votes) == -1 || store_pg_comments_new(pg, seen_comment,
	    from, add_comment, &t, &last_comment) == -1 ||
	    store_pg_searches_changed(pg, seen_searches, log_days > 0 ?
	    today - log_days + 1 : 0, today - CLICK_DAYS, add_search, &t,
	    &last_searches) == -1) {
		rc = -1;
		goto done;
	}
	c.hits = t.v;
	c.nhits = t.n;
	c.votes = t.votes;
	c.nvotes = t.nvotes;
	c.searches = t.searches;
	c.nsearches = t.nsearches;
	if ((t.n > 0 || t.nvotes > 0 || t.nsearches > 0) && apply(&c) == -1) {
		if (log_outage_begin(&applying))
			log_warnx("hits: the cluster's counts could not be set "
			    "in the local index; trying again");
	} else {
		log_outage_end(&applying, "hits: the local index");
		seen = last;
		seen_votes = last_votes;
		seen_comment = last_comment;
		seen_searches = last_searches;
	}
done:
	for (i = 0; i < t.n; i++)
		free(t.v[i].slug);
	free(t.v);
	for (i = 0; i < t.nvotes; i++) {
		free(t.votes[i].slug);
		free(t.votes[i].comment);
	}
	free(t.votes);
	for (i = 0; i < t.nsearches; i++) {
		free((char *)(uintptr_t)t.searches[i].query);
		free((char *)(uintptr_t)t.searches[i].slug);
	}
	free(t.searches);
	return rc;
}

static int
connect_pg(void)
{
	const char	*errstr;

	if (store_pg_open(url, &pg, &errstr) == -1) {
		if (log_outage_begin(&away))
			log_warnx("hits: %s; the views are kept (%zu waiting) "
			    "and sent when it is back", errstr,
			    hits_cluster_waiting());
		return -1;
	}
	if (store_pg_counts_listen(pg) == -1) {
		if (log_outage_begin(&away))
			log_warnx("hits: %s", store_pg_error(pg));
		store_pg_close(pg);
		pg = NULL;
		return -1;
	}
	log_outage_end(&away, "hits: PostgreSQL");
	return 0;
}

static void
lost(void)
{
	if (log_outage_begin(&away))
		log_warnx("hits: %s; the views are kept (%zu waiting) and "
		    "sent when PostgreSQL is back", store_pg_error(pg),
		    hits_cluster_waiting());
	store_pg_close(pg);
	pg = NULL;
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap(int ms)
{
	struct timespec	 ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Sends and reads once a second, and reads when another node sent. */
static void *
cluster_main(void *unused)
{
	int64_t		 next = 0, retry = 0;
	int		 heard = 1, w;

	(void)unused;
	while (!atomic_load(&stopping)) {
		if (pg == NULL) {
			if (now_ms() < retry) {
				nap(HITS_CLUSTER_WAIT_MS);
				continue;
			}
			if (connect_pg() == -1) {
				retry = now_ms() + HITS_CLUSTER_RETRY_MS;
				continue;
			}
			heard = 1;
			next = 0;
		}
		if (now_ms() >= next) {
			next = now_ms() + KBD_FLUSH_MS;
			if (flush() == -1) {
				lost();
				retry = now_ms() + HITS_CLUSTER_RETRY_MS;
				continue;
			}
			heard = 1;
		}
		if (heard && read_totals() == -1) {
			lost();
			retry = now_ms() + HITS_CLUSTER_RETRY_MS;
			continue;
		}
		heard = 0;
		if ((w = store_pg_wait(pg, HITS_CLUSTER_WAIT_MS)) == 1)
			heard = 1;
		else if (w == -1) {
			lost();
			retry = now_ms() + HITS_CLUSTER_RETRY_MS;
		}
	}
	/* A clean stop: what waits is sent once more. */
	if (pg == NULL)
		(void)connect_pg();
	if (pg != NULL && flush() == -1)
		lost();
	if (hits_cluster_waiting() > 0)
		log_warnx("hits: %zu views could not be sent to PostgreSQL "
		    "before stopping; they are lost", hits_cluster_waiting());
	store_pg_close(pg);
	pg = NULL;
	return NULL;
}

/*
 * Counts this node's hits in the cluster's PostgreSQL at url from now
 * on, and hands what the cluster counted to fn, in a thread of its own
 * (fn runs in it).  Returns 0, or -1 (logged) when the thread cannot
 * start.
 */
int
hits_cluster_start(const char *u, hits_cluster_fn fn)
{
	url = u;
	apply = fn;
	atomic_store(&on, 1);
	if (pthread_create(&thread, NULL, cluster_main, NULL) != 0) {
		log_warnx("hits: no thread to count in PostgreSQL");
		return -1;
	}
	running = 1;
	return 0;
}

/*
 * Sends what waits, stops the thread and forgets the queue; views
 * counted after this are dropped.  Once HTTP has stopped.
 */
void
hits_cluster_stop(void)
{
	atomic_store(&stopping, 1);
	if (running)
		pthread_join(thread, NULL);
	running = 0;
	pthread_mutex_lock(&lock);
	queue_clear(&queue);
	pthread_mutex_unlock(&lock);
}
