/*
 * stats.c (base): the counters that several layers bump and only the
 * web layer's /metrics reads: searches, hits counted and written, cache
 * hits and misses, views not counted and why.  Each is one relaxed
 * atomic add, so a request never waits on another for them; living at
 * the bottom, they let a lower layer count without calling up.
 */
#include <stdatomic.h>
#include <time.h>

#include "kbd.h"

static _Atomic uint64_t	 counters[STAT__COUNT];
/* The state in the low 2 bits, the second it began above them. */
static _Atomic int64_t	 cluster;

void
stats_add(enum stats_counter which, uint64_t n)
{
	assert(which >= 0 && which < STAT__COUNT);
	atomic_fetch_add_explicit(&counters[which], n, memory_order_relaxed);
}

uint64_t
stats_get(enum stats_counter which)
{
	assert(which >= 0 && which < STAT__COUNT);
	return atomic_load_explicit(&counters[which], memory_order_relaxed);
}

/* Records state, and when it began if it is new. */
void
stats_cluster_set(enum cluster_state state)
{
	int64_t	 old = atomic_load(&cluster);

	if ((old & 3) != (int64_t)state)
		atomic_store(&cluster, (int64_t)time(NULL) << 2 | state);
}

/* The state, and in *since (if not NULL) the second it began. */
enum cluster_state
stats_cluster(int64_t *since)
{
	int64_t	 v = atomic_load(&cluster);

	if (since != NULL)
		*since = v >> 2;
	return (enum cluster_state)(v & 3);
}
