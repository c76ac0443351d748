/*
 * t_visitor.c: telling readers from robots and first views from repeats.
 * Browsers count, robots, previewers and scripts do not; a visitor is the
 * address and the User-Agent together; a view is remembered for its day
 * only; a full table still counts and stays the size it is; many threads
 * marking the same views count each once.
 */
#include <pthread.h>

#include <sodium.h>

#include "unit.h"

#define DAY	20000		/* any day: the tests pass it in */

static void
browsers_and_robots(void **state)
{
	static const char *const people[] = {
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
		    "Firefox/121.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
		    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
		    "Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
		    "Edg/120.0.0.0",
		"Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.16",
	};
	static const char *const robots[] = {
		"Mozilla/5.0 (compatible; Googlebot/2.1; "
		    "+http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; "
		    "+http://www.bing.com/bingbot.htm)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/"
		    "externalhit_uatext.php)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"Twitterbot/1.0",
		"WhatsApp/2.23.20.0 A",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"TelegramBot (like TwitterBot)",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient)",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
		    "Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) "
		    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 "
		    "Mobile Safari/537.36 Chrome-Lighthouse",
		"Mozilla/5.0 (compatible; YandexBot/3.0)",
		"curl/7.88.1",
		"Wget/1.21.3",
		"python-requests/2.31.0",
		"Python-urllib/3.11",
		"Go-http-client/1.1",
		"Java/17.0.2",
		"okhttp/4.12.0",
		"",
		"mozilla/5.0",		/* browsers write it this way only */
	};
	char	 longua[KBD_MAX_UA + 2];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(people); i++)
		assert_true(hits_visitor_browser(people[i]));
	for (i = 0; i < nitems(robots); i++)
		if (hits_visitor_browser(robots[i]))
			fail_msg("'%s' counted as a browser", robots[i]);
	assert_false(hits_visitor_browser(NULL));
	memset(longua, 'x', sizeof(longua) - 1);
	memcpy(longua, "Mozilla/5.0 ", 12);
	longua[sizeof(longua) - 1] = '\0';
	assert_false(hits_visitor_browser(longua));
	longua[KBD_MAX_UA] = '\0';
	assert_true(hits_visitor_browser(longua));
}

static void
who(struct visitor *v, unsigned int addr, const char *ua)
{
	unsigned char	 a[4] = { 127, 0, 0, (unsigned char)addr };

	hits_visitor_digest(v, a, sizeof(a), ua);
}

static void
once_a_day(void **state)
{
	struct visitor	 a, a2, b, c;
	int		 i;

	(void)state;
	who(&a, 1, "Mozilla/5.0 one");
	who(&a2, 1, "Mozilla/5.0 one");
	who(&b, 2, "Mozilla/5.0 one");		/* another address */
	who(&c, 1, "Mozilla/5.0 two");		/* another browser */
	assert_memory_equal(a.digest, a2.digest, sizeof(a.digest));

	assert_true(hits_visitor_first(&a, 7, DAY));
	assert_true(hits_visitor_first(&a, 7, DAY));	/* looking records nothing */
	assert_true(hits_visitor_mark(&a, 7, DAY));
	assert_false(hits_visitor_first(&a, 7, DAY));
	for (i = 0; i < 1000; i++)
		assert_false(hits_visitor_mark(&a2, 7, DAY));
	assert_true(hits_visitor_mark(&a, 8, DAY));	/* another article */
	assert_true(hits_visitor_mark(&b, 7, DAY));
	assert_true(hits_visitor_mark(&c, 7, DAY));
	assert_false(hits_visitor_mark(&c, 7, DAY));

	/* The next day has a new salt and nothing seen. */
	assert_true(hits_visitor_mark(&a, 7, DAY + 1));
	assert_false(hits_visitor_mark(&a, 7, DAY + 1));
	/* A clock set back stays on the newest day. */
	assert_false(hits_visitor_mark(&a, 7, DAY));
}

/*
 * More distinct views than the table has places: every new one still
 * counts, a view just marked is still known, and the table stays one
 * table of VISITOR_SLOTS (a view marked early may be forgotten).
 */
static void
full_table(void **state)
{
	struct visitor	 v;
	uint32_t	 i, n = VISITOR_SLOTS + VISITOR_SLOTS / 4;
	unsigned char	 addr[4];
	uint32_t	 forgotten = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		memcpy(addr, &i, sizeof(addr));
		hits_visitor_digest(&v, addr, sizeof(addr), "Mozilla/5.0");
		assert_true(hits_visitor_mark(&v, 1, DAY + 10));
		assert_false(hits_visitor_first(&v, 1, DAY + 10));
	}
	/* Of the first thousand, some were pushed out; none double. */
	for (i = 0; i < 1000; i++) {
		memcpy(addr, &i, sizeof(addr));
		hits_visitor_digest(&v, addr, sizeof(addr), "Mozilla/5.0");
		forgotten += (uint32_t)hits_visitor_first(&v, 1, DAY + 10);
	}
	assert_true(forgotten > 0 && forgotten < 1000);
}

#define THREADS		4
#define VIEWS		20000

static int	 counted[THREADS];

static void *
race(void *arg)
{
	struct visitor	 v;
	unsigned char	 addr[4];
	uint32_t	 i;
	int		 t = (int)(intptr_t)arg;

	for (i = 0; i < VIEWS; i++) {
		memcpy(addr, &i, sizeof(addr));
		hits_visitor_digest(&v, addr, sizeof(addr), "Mozilla/5.0 race");
		counted[t] += hits_visitor_mark(&v, 3, DAY + 20);
	}
	return NULL;
}

/* Threads marking the same views at once count each exactly once. */
static void
threads_count_once(void **state)
{
	pthread_t	 t[THREADS];
	int		 i, sum = 0;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race,
		    (void *)(intptr_t)i), 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		sum += counted[i];
	}
	assert_int_equal(sum, VIEWS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(browsers_and_robots),
		cmocka_unit_test(once_a_day),
		cmocka_unit_test(full_table),
		cmocka_unit_test(threads_count_once),
	};
	int	 rc;

	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	hits_visitor_shutdown();
	return rc;
}
