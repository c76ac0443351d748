/*
 * hits.c (hits): counting article views without touching the database in the
 * request.  Each article id has an atomic counter of views not yet
 * written; a request adds one, and the writer thread moves the counts into
 * article.hits and the daily buckets of hit_day in one transaction per
 * flush.  A counter is only lowered after its flush committed, so a failed
 * commit (a full disk, a database locked by another process) loses
 * nothing: the views wait for the next flush, and the log says so once.
 * A crash loses at most what arrived since the last flush.
 *
 * The counters live in chunks that are allocated on first use and never
 * moved or freed while the process runs, so no lock is needed anywhere.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "kbd.h"

#define CHUNK_BITS	12
#define CHUNK_SIZE	(1 << CHUNK_BITS)	/* counters per chunk */
#define MAX_CHUNKS	4096			/* ids below 16.7 million */

typedef _Atomic uint64_t counter;

static counter *_Atomic	chunks[MAX_CHUNKS];
static struct outage	failing;	/* of flushes; the writer's */

/* Returns the counter of id, creating its chunk if create; or NULL. */
static counter *
counter_of(int64_t id, int create)
{
	counter		*p, *fresh;
	size_t		 c;

	if (id < 0 || (c = (size_t)id >> CHUNK_BITS) >= MAX_CHUNKS)
		return NULL;
	p = atomic_load_explicit(&chunks[c], memory_order_acquire);
	if (p == NULL && create) {
		fresh = xcalloc(CHUNK_SIZE, sizeof(*fresh));
		/* Another thread may have won the race; use its chunk. */
		if (atomic_compare_exchange_strong(&chunks[c], &p, fresh))
			p = fresh;
		else
			free(fresh);
	}
	return p != NULL ? &p[id & (CHUNK_SIZE - 1)] : NULL;
}

/* Counts one view of article id. */
void
hits_add(int64_t id)
{
	counter	*c;

	if ((c = counter_of(id, 1)) != NULL) {
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
		stats_add(STAT_HITS_COUNTED, 1);
	}
}

/* Returns the views of article id not yet in the database. */
int64_t
hits_pending(int64_t id)
{
	counter	*c;

	if ((c = counter_of(id, 0)) == NULL)
		return 0;
	return (int64_t)atomic_load_explicit(c, memory_order_relaxed);
}

/* Returns the views of all articles not yet in the database. */
uint64_t
hits_unwritten(void)
{
	counter		*p;
	size_t		 c, i;
	uint64_t	 n = 0;

	for (c = 0; c < MAX_CHUNKS; c++) {
		if ((p = atomic_load_explicit(&chunks[c],
		    memory_order_acquire)) == NULL)
			continue;
		for (i = 0; i < CHUNK_SIZE; i++)
			n += atomic_load_explicit(&p[i], memory_order_relaxed);
	}
	return n;
}

/* Collects every non-zero counter.  Returns how many; *out is freed. */
static size_t
collect(struct hit_delta **out)
{
	struct hit_delta	*d = NULL;
	counter		*p;
	size_t		 c, i, n = 0, cap = 0;
	uint64_t	 v;

	for (c = 0; c < MAX_CHUNKS; c++) {
		p = atomic_load_explicit(&chunks[c], memory_order_acquire);
		if (p == NULL)
			continue;
		for (i = 0; i < CHUNK_SIZE; i++) {
			v = atomic_load_explicit(&p[i], memory_order_relaxed);
			if (v == 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				d = xreallocarray(d, cap, sizeof(*d));
			}
			d[n].id = (int64_t)((c << CHUNK_BITS) | i);
			d[n].n = v;
			n++;
		}
	}
	*out = d;
	return n;
}

/* Writes the deltas in one transaction.  Returns 0 or -1. */
static int
write_deltas(sqlite3 *db, const struct hit_delta *d, size_t n)
{
	const char	*errstr;

	if (store_hits_write(db, d, n, clock_seconds() / 86400, &errstr) ==
	    -1) {
		if (log_outage_begin(&failing))
			log_warnx("hits: cannot write the views of %zu "
			    "article%s: %s; they are kept and tried again "
			    "each second", n, n == 1 ? "" : "s", errstr);
		return -1;
	}
	log_outage_end(&failing, "hits");
	return 0;
}

/*
 * Moves the pending views into db.  Stores what it wrote, one delta per
 * article, in *out (the caller frees it) and their number in *n.
 * Returns 0, or -1 when the transaction failed; the views then stay
 * pending for the next flush.
 */
int
hits_flush(sqlite3 *db, struct hit_delta **out, size_t *n)
{
	struct hit_delta	*d;
	size_t			 i;

	*out = NULL;
	*n = 0;
	if ((*n = collect(&d)) == 0)
		return 0;
	if (write_deltas(db, d, *n) == -1) {
		free(d);
		*n = 0;
		return -1;
	}
	for (i = 0; i < *n; i++) {
		atomic_fetch_sub_explicit(counter_of(d[i].id, 0), d[i].n,
		    memory_order_relaxed);
		stats_add(STAT_HITS_FLUSHED, d[i].n);
	}
	*out = d;
	return 0;
}
