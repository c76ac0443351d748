/*
 * metrics.c (web): what an operator watches, as Prometheus text at /metrics.
 * Requests by route and status with a latency histogram per route,
 * searches and searches without results, hits counted and flushed, cache
 * hits and misses, articles published and the size of the database, and
 * on a cluster node whether it reaches PostgreSQL.
 * Every counter is an atomic add on the request path; the text is made
 * only when /metrics is asked for.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kbd.h"

#define MAX_ROUTES	96

typedef _Atomic uint64_t counter;

/* Upper bounds of the latency buckets, in microseconds. */
static const int64_t bucket_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000, 1000000,
};
#define NBUCKETS	(sizeof(bucket_us) / sizeof(*bucket_us))

/* Statuses counted one by one; the rest by class ("2xx", ...). */
static const unsigned int statuses[] = {
	200, 304, 400, 401, 403, 404, 405, 413, 414, 429, 431, 500, 503,
};
#define NSTATUS		(sizeof(statuses) / sizeof(*statuses))

struct route_stats {
	counter	 status[NSTATUS + 6];	/* then 1xx..5xx for the others */
	counter	 bucket[NBUCKETS + 1];	/* the last is +Inf */
	counter	 sum_us;
};

/* The same, read and added up for one name (sum_label). */
struct route_sum {
	uint64_t status[NSTATUS + 6];
	uint64_t bucket[NBUCKETS + 1];
	uint64_t sum_us;
};

static struct route_stats	 routes[MAX_ROUTES + 1];	/* 0: none */
static size_t			 nroutes;
static metrics_label_fn		 label_of;

/*
 * Tells which routes there are: n, each named by label (the router's,
 * which this file, below it, cannot call by name).  Once, at start.
 */
void
metrics_init(size_t n, metrics_label_fn label)
{
	nroutes = n;
	label_of = label;
}

/* Reasons a view was not counted (stats.c), as metric labels. */
static const struct {
	enum stats_counter	 stat;
	const char	*name;
} skips[] = {
	{ STAT_SKIP_ROBOT,	"robot" },
	{ STAT_SKIP_PREFETCH,	"prefetch" },
	{ STAT_SKIP_REPEAT,	"repeat" },
	{ STAT_SKIP_STAFF,	"staff" },
};

static size_t
status_index(unsigned int status)
{
	size_t	 i;

	for (i = 0; i < NSTATUS; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS + (status / 100 <= 5 ? status / 100 : 0);
}

/* Counts one finished request on route (req->route) that took us. */
void
metrics_request(int route, unsigned int status, int64_t us)
{
	struct route_stats	*r;
	size_t			 b;

	r = &routes[route >= 0 && route <= MAX_ROUTES ? route : 0];
	atomic_fetch_add_explicit(&r->status[status_index(status)], 1,
	    memory_order_relaxed);
	for (b = 0; b < NBUCKETS && us > bucket_us[b]; b++)
		;
	atomic_fetch_add_explicit(&r->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, (uint64_t)(us > 0 ? us : 0),
	    memory_order_relaxed);
}

static uint64_t
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void
counter_line(struct buf *b, const char *name, const char *help,
    uint64_t value)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
	    name, name, (unsigned long long)value);
}

/*
 * The counts of all routes named label (several patterns may share a
 * name: the staff API's under "/api/admin/articles/"), summed into *sum;
 * returns 0 when route r is not the first of its name (done already).
 */
static int
sum_label(size_t r, struct route_sum *sum, char *label, size_t size)
{
	char	 other[64];
	size_t	 i, j;

	label_of((int)r, label, size);
	for (i = 0; i < r; i++) {
		label_of((int)i, other, sizeof(other));
		if (strcmp(other, label) == 0)
			return 0;
	}
	memset(sum, 0, sizeof(*sum));
	for (i = r; i <= nroutes && i <= MAX_ROUTES; i++) {
		label_of((int)i, other, sizeof(other));
		if (strcmp(other, label) != 0)
			continue;
		for (j = 0; j < nitems(sum->status); j++)
			sum->status[j] += get(&routes[i].status[j]);
		for (j = 0; j < nitems(sum->bucket); j++)
			sum->bucket[j] += get(&routes[i].bucket[j]);
		sum->sum_us += get(&routes[i].sum_us);
	}
	return 1;
}

static void
requests(struct buf *b)
{
	struct route_sum	 s;
	size_t			 r, i;
	char			 label[64];

	buf_puts(b, "# HELP kbd_http_requests_total HTTP requests answered, "
	    "by route and status.\n# TYPE kbd_http_requests_total counter\n");
	for (r = 0; r <= nroutes && r <= MAX_ROUTES; r++) {
		if (!sum_label(r, &s, label, sizeof(label)))
			continue;
		for (i = 0; i < NSTATUS + 6; i++) {
			if (s.status[i] == 0)
				continue;
			buf_printf(b, "kbd_http_requests_total{route=\"%s\","
			    "status=\"", label);
			if (i < NSTATUS)
				buf_printf(b, "%u", statuses[i]);
			else
				buf_printf(b, "%zuxx", i - NSTATUS);
			buf_printf(b, "\"} %llu\n",
			    (unsigned long long)s.status[i]);
		}
	}
}

static void
latency(struct buf *b)
{
	struct route_sum	 s;
	size_t			 r, i;
	uint64_t		 sum, n;
	char			 label[64];

	buf_puts(b, "# HELP kbd_http_request_duration_seconds Time from "
	    "request to answer, by route.\n# TYPE "
	    "kbd_http_request_duration_seconds histogram\n");
	for (r = 0; r <= nroutes && r <= MAX_ROUTES; r++) {
		if (!sum_label(r, &s, label, sizeof(label)))
			continue;
		for (i = 0, n = 0; i <= NBUCKETS; i++)
			n += s.bucket[i];
		if (n == 0)
			continue;
		for (i = 0, sum = 0; i <= NBUCKETS; i++) {
			sum += s.bucket[i];
			buf_printf(b, "kbd_http_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"", label);
			if (i < NBUCKETS)
				buf_printf(b, "%g", (double)bucket_us[i] / 1e6);
			else
				buf_puts(b, "+Inf");
			buf_printf(b, "\"} %llu\n", (unsigned long long)sum);
		}
		buf_printf(b, "kbd_http_request_duration_seconds_sum{route="
		    "\"%s\"} %g\n", label, (double)s.sum_us / 1e6);
		buf_printf(b, "kbd_http_request_duration_seconds_count{route="
		    "\"%s\"} %llu\n", label, (unsigned long long)n);
	}
}


/* A cluster node's PostgreSQL: up or not, and for how long so. */
static void
cluster_lines(struct buf *b)
{
	enum cluster_state	 st;
	int64_t			 since;

	if ((st = stats_cluster(&since)) == CLUSTER_NONE)
		return;
	buf_printf(b, "# HELP kbd_cluster_postgresql_up Whether this node "
	    "reaches the cluster's PostgreSQL.\n# TYPE "
	    "kbd_cluster_postgresql_up gauge\nkbd_cluster_postgresql_up %d\n"
	    "# HELP kbd_cluster_postgresql_state_seconds How long it has been "
	    "so.\n# TYPE kbd_cluster_postgresql_state_seconds gauge\n"
	    "kbd_cluster_postgresql_state_seconds %lld\n", st == CLUSTER_UP,
	    (long long)(time(NULL) - since));
}
/* GET /metrics: Prometheus's text format 0.0.4. */
void
metrics_serve(struct request *req, struct reply *rep)
{
	struct snapshot	*s;
	struct buf	 b;
	size_t		 len;
	char		*body;
	size_t		 i;

	(void)req;
	buf_init(&b);
	requests(&b);
	latency(&b);
	counter_line(&b, "kbd_searches_total", "Searches answered (API and "
	    "page, first page).", stats_get(STAT_SEARCHES));
	counter_line(&b, "kbd_searches_empty_total", "Searches that found "
	    "nothing.", stats_get(STAT_SEARCHES_EMPTY));
	counter_line(&b, "kbd_hits_counted_total", "Article views counted.",
	    stats_get(STAT_HITS_COUNTED));
	counter_line(&b, "kbd_hits_flushed_total", "Article views written "
	    "to the database.", stats_get(STAT_HITS_FLUSHED));
	buf_puts(&b, "# HELP kbd_views_skipped_total Article views answered "
	    "but not counted, by reason.\n# TYPE kbd_views_skipped_total "
	    "counter\n");
	for (i = 0; i < nitems(skips); i++)
		buf_printf(&b, "kbd_views_skipped_total{reason=\"%s\"} %llu\n",
		    skips[i].name,
		    (unsigned long long)stats_get(skips[i].stat));
	if (hits_cluster_on()) {
		buf_printf(&b, "# HELP kbd_cluster_hits_waiting Article views, "
		    "votes, comments and searches counted here, waiting to be "
		    "sent to the cluster's PostgreSQL.\n"
		    "# TYPE kbd_cluster_hits_waiting gauge\n"
		    "kbd_cluster_hits_waiting %zu\n", hits_cluster_waiting());
		counter_line(&b, "kbd_cluster_hits_dropped_total", "Article "
		    "views, votes, comments and searches dropped while "
		    "PostgreSQL was away (the queue was full).",
		    hits_cluster_dropped());
		counter_line(&b, "kbd_cluster_batches_total", "Batches of "
		    "counts sent to PostgreSQL (one transaction each).",
		    stats_get(STAT_CLUSTER_BATCHES));
		buf_printf(&b, "# HELP kbd_cluster_batch_seconds_total The "
		    "time those batches took, from the first statement to the "
		    "commit.\n# TYPE kbd_cluster_batch_seconds_total counter\n"
		    "kbd_cluster_batch_seconds_total %.6f\n",
		    (double)stats_get(STAT_CLUSTER_BATCH_US) / 1e6);
	}
	counter_line(&b, "kbd_cache_hits_total", "Answers sent from the "
	    "cache.", stats_get(STAT_CACHE_HITS));
	counter_line(&b, "kbd_cache_misses_total", "Cacheable answers that "
	    "had to be made.", stats_get(STAT_CACHE_MISSES));
	s = snapshot_acquire();
	buf_printf(&b, "# HELP kbd_articles Published articles.\n"
	    "# TYPE kbd_articles gauge\nkbd_articles %zu\n",
	    snapshot_articles(s));
	snapshot_release(s);
	buf_printf(&b, "# HELP kbd_database_bytes Size of the database with "
	    "its WAL.\n# TYPE kbd_database_bytes gauge\nkbd_database_bytes "
	    "%lld\n", (long long)store_size());
	cluster_lines(&b);
	body = buf_detach(&b, &len);
	reply_text(rep, 200, "text/plain; version=0.0.4; charset=utf-8", body,
	    len);
	rep->cache = "no-store";
}
