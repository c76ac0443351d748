/*
 * t_hits.c: the hit counter.  Views add up in memory, a flush moves them
 * into article.hits and today's hit_day row, a failed flush keeps them
 * for the next one, and counting from many threads at once loses none.
 */
#include <pthread.h>

#include "unit.h"

static const char	*dir;
static char		 dbpath[128];
static sqlite3		*db;

static int
setup(void **state)
{
	const char	*errstr;

	(void)state;
	dir = unit_tmpdir();
	snprintf(dbpath, sizeof(dbpath), "%s/kb.sqlite", dir);
	if (store_init(dbpath, unit_dict(), &errstr) == -1 ||
	    store_open(dbpath, 0, &db, &errstr) == -1) {
		fprintf(stderr, "%s\n", errstr);
		return -1;
	}
	return sqlite3_exec(db, "INSERT INTO article(id, slug, title, created,"
	    " updated, hits) VALUES (1, 'a', 'A', 0, 0, 100), (2, 'b', 'B', 0,"
	    " 0, 0)", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	store_shutdown();
	unit_rmdir(dir);
	return 0;
}

/* Flushes and returns how many views were written. */
static int64_t
flush(int *rc)
{
	struct hit_delta	*d;
	size_t			 n, i;
	int64_t			 sum = 0;

	*rc = hits_flush(db, &d, &n);
	for (i = 0; i < n; i++)
		sum += (int64_t)d[i].n;
	free(d);
	return sum;
}

static int64_t
query_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
count_and_flush(void **state)
{
	int64_t	 n;
	int	 i, rc;

	(void)state;
	for (i = 0; i < 5; i++)
		hits_add(1);
	assert_int_equal(hits_pending(1), 5);
	assert_int_equal(hits_pending(2), 0);
	n = flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 5);
	assert_int_equal(hits_pending(1), 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE id = 1"),
	    105);
	assert_int_equal(query_int("SELECT count FROM hit_day WHERE "
	    "article_id = 1 AND day = CAST(unixepoch() / 86400 AS INT)"), 5);

	/* Nothing pending: a flush writes nothing. */
	n = flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 0);

	/* A second flush on the same day adds to the bucket. */
	hits_add(1);
	n = flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(query_int("SELECT sum(count) FROM hit_day WHERE "
	    "article_id = 1"), 6);
}

static void
odd_ids(void **state)
{
	int	 rc;

	(void)state;
	hits_add(-1);
	hits_add(INT64_MAX);
	assert_int_equal(hits_pending(-1), 0);
	assert_int_equal(hits_pending(INT64_MAX), 0);
	/* An id the database does not know is dropped, not an error. */
	hits_add(777);
	flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(hits_pending(777), 0);
	assert_int_equal(query_int("SELECT count(*) FROM hit_day WHERE "
	    "article_id = 777"), 0);
}

static void
failed_flush_keeps_hits(void **state)
{
	sqlite3		*other;
	const char	*errstr;
	int64_t		 n;
	int		 rc;

	(void)state;
	assert_int_equal(store_open(dbpath, 0, &other, &errstr), 0);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 0);
	hits_add(2);
	hits_add(2);
	n = flush(&rc);
	assert_int_equal(rc, -1);
	assert_int_equal(hits_pending(2), 2);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	n = flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 2);
	assert_int_equal(query_int("SELECT hits FROM article WHERE id = 2"),
	    2);
	sqlite3_busy_timeout(db, 5000);
}

#define THREADS		4
#define PER_THREAD	50000

static void *
hammer(void *arg)
{
	int	 i;

	(void)arg;
	for (i = 0; i < PER_THREAD; i++) {
		hits_add(1);
		hits_add(5000);	/* another chunk, made on the fly */
	}
	return NULL;
}

static void
threads_lose_nothing(void **state)
{
	pthread_t	 t[THREADS];
	int64_t		 before;
	int		 i, rc;

	(void)state;
	before = query_int("SELECT hits FROM article WHERE id = 1");
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	/* Flushing while others count must not lose or double a view. */
	flush(&rc);
	assert_int_equal(rc, 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	flush(&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(hits_pending(1), 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE id = 1"),
	    before + THREADS * PER_THREAD);
	assert_int_equal(hits_pending(5000), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_and_flush),
		cmocka_unit_test(odd_ids),
		cmocka_unit_test(failed_flush_keeps_hits),
		cmocka_unit_test(threads_lose_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
