/*
 * t_import.c: syncing a folder into the database.  New, changed,
 * unchanged, deleted and restored files; broken files skipped with the
 * old good version kept; hits seeded once and never reset.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "unit.h"

static const char	*dir;
static char		 articles[128];
static sqlite3		*db;

static const char *imap = "---\ntitle: IMAP\nhits: 10\n---\nPostfach auf "
    "dem Server.\n";

static int
setup(void **state)
{
	const char	*errstr;
	char		 path[160];

	(void)state;
	dir = unit_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	if (mkdir(articles, 0755) == -1 ||
	    store_init(path, unit_dict(), &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1)
		return -1;
	return 0;
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

static int64_t
matches(const char *word)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM article_fts WHERE "
	    "article_fts MATCH '\"%s\"'", word);
	return query_int(sql);
}

/* Imports and checks the counts: new, changed, unchanged, removed, failed. */
static void
expect_sync(unsigned int added, unsigned int changed, unsigned int unchanged,
    unsigned int removed, unsigned int failed)
{
	struct import_stats	 st;

	assert_int_equal(import_folder(db, articles, &st, NULL), 0);
	if (st.added != added || st.changed != changed ||
	    st.unchanged != unchanged || st.removed != removed ||
	    st.failed != failed)
		fail_msg("got %u new, %u changed, %u unchanged, %u removed, %u "
		    "failed; want %u %u %u %u %u", st.added, st.changed,
		    st.unchanged, st.removed, st.failed, added, changed,
		    unchanged, removed, failed);
}

static void
lifecycle(void **state)
{
	char	 path[256];

	(void)state;
	unit_write(articles, "imap.md", imap);
	unit_write(articles, "pop3.md", "---\ntitle: POP3\n---\nAbholen.\n");
	unit_write(articles, "notes.txt", "not an article");
	unit_write(articles, ".hidden.md", "---\ntitle: hidden\n---\n");
	expect_sync(2, 0, 0, 0, 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap'"), 10);
	assert_int_equal(matches("postfach"), 1);

	/* Nothing changed: nothing is read. */
	expect_sync(0, 0, 2, 0, 0);

	/* New body; hits in the front matter do not reset the counter. */
	assert_int_equal(sqlite3_exec(db, "UPDATE article SET hits = 50 WHERE "
	    "slug = 'imap'", NULL, NULL, NULL), SQLITE_OK);
	unit_write(articles, "imap.md", "---\ntitle: IMAP\nhits: 10\n---\n"
	    "Ordner auf dem Server.\n");
	expect_sync(0, 1, 1, 0, 0);
	assert_int_equal(matches("postfach"), 0);
	assert_int_equal(matches("ordner"), 1);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap'"), 50);

	/* Deleted: out of the index, row kept with its hits. */
	snprintf(path, sizeof(path), "%s/imap.md", articles);
	assert_int_equal(unlink(path), 0);
	expect_sync(0, 0, 1, 1, 0);
	assert_int_equal(matches("ordner"), 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap' AND state = 'deleted'"), 50);

	/* Back again: found, and the counter is where it was. */
	unit_write(articles, "imap.md", "---\ntitle: IMAP\nhits: 10\n---\n"
	    "Ordner auf dem Server.\n");
	expect_sync(1, 0, 1, 0, 0);
	assert_int_equal(matches("ordner"), 1);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap' AND state = 'published'"), 50);
}

static void
broken_files(void **state)
{
	(void)state;
	unit_write(articles, "Bad Name.md", "---\ntitle: x\n---\n");
	unit_write(articles, "notitle.md", "---\ncategory: x\n---\n");
	unit_write(articles, "binary.md", "---\ntitle: x\n---\n\xff\xfe\n");
	expect_sync(0, 0, 2, 0, 3);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE slug = "
	    "'notitle'"), 0);

	/* A good article that breaks keeps its last good version online. */
	unit_write(articles, "pop3.md", "no front matter any more\n");
	expect_sync(0, 0, 1, 0, 4);
	assert_int_equal(matches("abholen"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE slug = "
	    "'pop3' AND state = 'published'"), 1);
}

static void
missing_folder(void **state)
{
	struct import_stats	 st;

	(void)state;
	/* A folder that cannot be read deletes nothing. */
	assert_int_equal(import_folder(db, "/nonexistent/kbd", &st, NULL), -1);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE state = "
	    "'published'"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lifecycle),
		cmocka_unit_test(broken_files),
		cmocka_unit_test(missing_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
