/*
 * t_cache.c: the answer cache's rules that need no connection: how a key
 * is named and when it does not fit (no caching then), which answers are
 * never kept (not 200, too large, a 405 with Allow), and that a key
 * never stored is a miss, counted as one.  Hits, stamps, eviction and
 * gzip are checked over HTTP (tests/http/t0018-cache-gzip.sh).
 */
#include "unit.h"

static void
keys(void **state)
{
	struct cache_key	 k;
	char			 long_q[KBD_CACHE_KEY + 10];

	(void)state;
	assert_int_equal(cache_key_set(&k, 42, "search?%d&%s", 10, "imap"),
	    0);
	assert_string_equal(k.key, "search?10&imap");
	assert_int_equal(k.stamp, 42);
	/* A key that would not fit is no key: the answer is not cached. */
	memset(long_q, 'q', sizeof(long_q) - 1);
	long_q[sizeof(long_q) - 1] = '\0';
	assert_int_equal(cache_key_set(&k, 1, "search?%s", long_q), -1);
}

static void
never_kept(void **state)
{
	struct request		 req;
	struct reply		 rep;
	struct cache_key	 k;
	char			*big;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(cache_key_set(&k, 1, "x"), 0);

	memset(&rep, 0, sizeof(rep));
	reply_static(&rep, 404, "text/plain", "no", 2);
	assert_int_equal(cache_put(&req, &k, &rep), 0);

	memset(&rep, 0, sizeof(rep));
	reply_static(&rep, 405, "text/plain", "no", 2);
	snprintf(rep.allow, sizeof(rep.allow), "GET, HEAD");
	assert_int_equal(cache_put(&req, &k, &rep), 0);

	memset(&rep, 0, sizeof(rep));
	reply_static(&rep, 200, "text/plain", "ok", 2);
	snprintf(rep.allow, sizeof(rep.allow), "GET");
	assert_int_equal(cache_put(&req, &k, &rep), 0);

	big = xcalloc(1, 1024 * 1024 + 1);
	memset(big, 'a', 1024 * 1024);
	memset(&rep, 0, sizeof(rep));
	reply_text(&rep, 200, "text/plain", big, 1024 * 1024);
	assert_int_equal(cache_put(&req, &k, &rep), 0);
	free(rep.body);		/* not taken: the caller still owns it */
}

static void
misses(void **state)
{
	struct request		 req;
	struct reply		 rep;
	struct cache_key	 k;
	uint64_t		 before = stats_get(STAT_CACHE_MISSES);

	(void)state;
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(cache_key_set(&k, 7, "never-stored"), 0);
	assert_int_equal(cache_serve(&req, &k, &rep), 0);
	assert_int_equal(rep.queued, 0);
	assert_int_equal(stats_get(STAT_CACHE_MISSES), before + 1);
	cache_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys),
		cmocka_unit_test(never_kept),
		cmocka_unit_test(misses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
