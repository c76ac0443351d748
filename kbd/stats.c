/*
 * stats.c (base): the counters that several layers bump and only the
 * web layer's /metrics reads: searches, hits counted and written, cache
 * hits and misses, views not counted and why.  Each is one relaxed
 * atomic add, so a request never waits on another for them; living at
 * the bottom, they let a lower layer count without calling up.
 */
#include <stdatomic.h>

#include "kbd.h"

static _Atomic uint64_t	 counters[STAT__COUNT];

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
