/*
 * t_cache.c: the answer cache's rules that need no connection: how a key is
 * named and when it does not fit (no caching then), that no argument can forge
 * the key of another answer (issue 15, finding 2: a query with "\norigin=..."
 * in it was the key of an allowed origin's answer), which answers are never
 * kept (not 200, too large, a 405 with Allow), and that a key never stored is a
 * miss, counted as one.  Hits, stamps, eviction and gzip are checked over HTTP
 * (tests/http/t0018-cache-gzip.sh).
 */
#include "unit.h"

/* The key of a search (limit, offset, q) and, if not NULL, an origin. */
static void
search_key(struct cache_key *k, int limit, int offset, const char *q,
    const char *origin)
{
	cache_key_init(k, 1, "search");
	cache_key_add_int(k, limit);
	cache_key_add_int(k, offset);
	cache_key_add(k, q);
	if (origin != NULL) {
		cache_key_add(k, "origin");
		cache_key_add(k, origin);
	}
}

static void
keys(void **state)
{
	struct cache_key	 k, f;
	char			 long_q[KBD_CACHE_KEY + 10];
	size_t			 i;
	/* Queries that spell the rest of another key in the old forms. */
	static const char *const forged[][2] = {
		{ "dns\norigin=https://allowed.example", "dns" },
		{ "dns4:origin", "dns" },
		{ "3:dns6:origin20:https://allowed.example", "dns" },
		{ "a&b", "a" },
		{ "10&a", "a" },
	};

	(void)state;
	cache_key_init(&k, 42, "search");
	cache_key_add_int(&k, 10);
	cache_key_add(&k, "imap");
	assert_int_equal(cache_key_done(&k), 0);
	assert_string_equal(k.key, "6:search2:104:imap");
	assert_int_equal(k.len, strlen(k.key));
	assert_int_equal(k.stamp, 42);

	/* 2.1: no query makes the key of another query with an origin. */
	for (i = 0; i < nitems(forged); i++) {
		search_key(&f, 10, 0, forged[i][0], NULL);
		search_key(&k, 10, 0, forged[i][1], "https://allowed.example");
		assert_int_equal(cache_key_done(&f), 0);
		assert_string_not_equal(f.key, k.key);
		search_key(&k, 10, 0, forged[i][1], NULL);
		assert_string_not_equal(f.key, k.key);
	}
	/* Nor do the parts shift between numbers and text. */
	cache_key_init(&f, 1, "search");
	cache_key_add(&f, "10");
	cache_key_add(&f, "0&x");
	cache_key_init(&k, 1, "search");
	cache_key_add(&k, "10&0");
	cache_key_add(&k, "x");
	assert_string_not_equal(f.key, k.key);
	/* An empty part is a part. */
	cache_key_init(&f, 1, "a");
	cache_key_add(&f, "");
	cache_key_init(&k, 1, "a");
	assert_string_not_equal(f.key, k.key);

	/* A key that would not fit is no key: the answer is not cached. */
	memset(long_q, 'q', sizeof(long_q) - 1);
	long_q[sizeof(long_q) - 1] = '\0';
	search_key(&k, 10, 0, long_q, NULL);
	assert_int_equal(cache_key_done(&k), -1);
	/* ... also when only the origin does not fit. */
	long_q[KBD_CACHE_KEY - 40] = '\0';
	search_key(&k, 10, 0, long_q, NULL);
	assert_int_equal(cache_key_done(&k), 0);
	search_key(&k, 10, 0, long_q, "https://allowed.example");
	assert_int_equal(cache_key_done(&k), -1);
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
	cache_key_init(&k, 1, "x");

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
	cache_key_init(&k, 7, "never-stored");
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
