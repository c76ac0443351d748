/*
 * metrics.c: what an operator watches, as Prometheus text at /metrics.
 * Requests by route and status with a latency histogram per route,
 * searches and searches without results, hits counted and flushed, cache
 * hits and misses, articles published and the size of the database.
 * Every counter is an atomic add on the request path; the text is made
 * only when /metrics is asked for.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "kbd.h"

#define MAX_ROUTES	32

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

static struct route_stats	 routes[MAX_ROUTES + 1];	/* 0: none */
static counter			 searches, empty_searches;
static counter			 hits_counted, hits_flushed;
static counter			 cache_hits, cache_misses;
static counter			 skipped[SKIP__COUNT];

/* Reasons of enum view_skip, as metric labels. */
static const char *const skip_names[SKIP__COUNT] = {
	[SKIP_NONE] = NULL,
	[SKIP_ROBOT] = "robot",
	[SKIP_PREFETCH] = "prefetch",
	[SKIP_REPEAT] = "repeat",
	[SKIP_STAFF] = "staff",
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

void
metrics_search(int64_t results)
{
	atomic_fetch_add_explicit(&searches, 1, memory_order_relaxed);
	if (results == 0)
		atomic_fetch_add_explicit(&empty_searches, 1,
		    memory_order_relaxed);
}

void
metrics_hits(uint64_t counted, uint64_t flushed)
{
	atomic_fetch_add_explicit(&hits_counted, counted,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&hits_flushed, flushed,
	    memory_order_relaxed);
}

void
metrics_cache(int hit)
{
	atomic_fetch_add_explicit(hit ? &cache_hits : &cache_misses, 1,
	    memory_order_relaxed);
}

void
metrics_skip(enum view_skip why)
{
	if (why > SKIP_NONE && why < SKIP__COUNT)
		atomic_fetch_add_explicit(&skipped[why], 1,
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

static void
requests(struct buf *b)
{
	size_t	 r, i;
	uint64_t v;

	buf_puts(b, "# HELP kbd_http_requests_total HTTP requests answered, "
	    "by route and status.\n# TYPE kbd_http_requests_total counter\n");
	for (r = 0; r <= route_count() && r <= MAX_ROUTES; r++)
		for (i = 0; i < NSTATUS + 6; i++) {
			if ((v = get(&routes[r].status[i])) == 0)
				continue;
			buf_printf(b, "kbd_http_requests_total{route=\"%s\","
			    "status=\"", route_name((int)r));
			if (i < NSTATUS)
				buf_printf(b, "%u", statuses[i]);
			else
				buf_printf(b, "%zuxx", i - NSTATUS);
			buf_printf(b, "\"} %llu\n", (unsigned long long)v);
		}
}

static void
latency(struct buf *b)
{
	size_t	 r, i;
	uint64_t sum, n;

	buf_puts(b, "# HELP kbd_http_request_duration_seconds Time from "
	    "request to answer, by route.\n# TYPE "
	    "kbd_http_request_duration_seconds histogram\n");
	for (r = 0; r <= route_count() && r <= MAX_ROUTES; r++) {
		for (i = 0, n = 0; i <= NBUCKETS; i++)
			n += get(&routes[r].bucket[i]);
		if (n == 0)
			continue;
		for (i = 0, sum = 0; i <= NBUCKETS; i++) {
			sum += get(&routes[r].bucket[i]);
			buf_printf(b, "kbd_http_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"", route_name((int)r));
			if (i < NBUCKETS)
				buf_printf(b, "%g", (double)bucket_us[i] / 1e6);
			else
				buf_puts(b, "+Inf");
			buf_printf(b, "\"} %llu\n", (unsigned long long)sum);
		}
		buf_printf(b, "kbd_http_request_duration_seconds_sum{route="
		    "\"%s\"} %g\n", route_name((int)r),
		    (double)get(&routes[r].sum_us) / 1e6);
		buf_printf(b, "kbd_http_request_duration_seconds_count{route="
		    "\"%s\"} %llu\n", route_name((int)r),
		    (unsigned long long)n);
	}
}

/* GET /metrics: Prometheus's text format 0.0.4. */
void
metrics_serve(struct request *req, struct reply *rep)
{
	struct snapshot	*s;
	struct buf	 b;
	size_t		 len;
	char		*body;
	int		 i;

	(void)req;
	buf_init(&b);
	requests(&b);
	latency(&b);
	counter_line(&b, "kbd_searches_total", "Searches answered (API and "
	    "page, first page).", get(&searches));
	counter_line(&b, "kbd_searches_empty_total", "Searches that found "
	    "nothing.", get(&empty_searches));
	counter_line(&b, "kbd_hits_counted_total", "Article views counted.",
	    get(&hits_counted));
	counter_line(&b, "kbd_hits_flushed_total", "Article views written "
	    "to the database.", get(&hits_flushed));
	buf_puts(&b, "# HELP kbd_views_skipped_total Article views answered "
	    "but not counted, by reason.\n# TYPE kbd_views_skipped_total "
	    "counter\n");
	for (i = SKIP_NONE + 1; i < SKIP__COUNT; i++)
		buf_printf(&b, "kbd_views_skipped_total{reason=\"%s\"} %llu\n",
		    skip_names[i], (unsigned long long)get(&skipped[i]));
	counter_line(&b, "kbd_cache_hits_total", "Answers sent from the "
	    "cache.", get(&cache_hits));
	counter_line(&b, "kbd_cache_misses_total", "Cacheable answers that "
	    "had to be made.", get(&cache_misses));
	s = snapshot_acquire();
	buf_printf(&b, "# HELP kbd_articles Published articles.\n"
	    "# TYPE kbd_articles gauge\nkbd_articles %zu\n",
	    snapshot_articles(s));
	snapshot_release(s);
	buf_printf(&b, "# HELP kbd_database_bytes Size of the database with "
	    "its WAL.\n# TYPE kbd_database_bytes gauge\nkbd_database_bytes "
	    "%lld\n", (long long)store_size());
	body = buf_detach(&b, &len);
	reply_text(rep, 200, "text/plain; version=0.0.4; charset=utf-8", body,
	    len);
	rep->cache = "no-store";
}
