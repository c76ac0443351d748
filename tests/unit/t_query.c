/*
 * t_query.c: user text into FTS5 expressions.  Whatever the text holds
 * (FTS5 operators, quotes, control characters, invalid UTF-8, 10 KB), the
 * expression must be a list of quoted strings, and FTS5 must accept it:
 * the second half runs every expression through a real FTS5 table.
 */
#include "unit.h"

static struct tokenizer	*tok;

static int
setup(void **state)
{
	(void)state;
	tok = tokenizer_new();
	return tok == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	tokenizer_free(tok);
	return 0;
}

static void
plain_words(void **state)
{
	struct query	*q;

	(void)state;
	q = query_parse(tok, "imap ssl");
	assert_int_equal(q->nterms, 2);
	assert_string_equal(q->terms[0], "imap");
	assert_string_equal(q->match_all, "\"imap\" \"ssl\"");
	assert_string_equal(q->match_any, "\"imap\" OR \"ssl\"");
	query_free(q);

	/* The same word twice, in any case, is one term. */
	q = query_parse(tok, "IMAP imap Imap Über über");
	assert_int_equal(q->nterms, 2);
	assert_string_equal(q->match_all, "\"IMAP\" \"Über\"");
	query_free(q);
}

static void
operators_are_words(void **state)
{
	struct query	*q;

	(void)state;
	q = query_parse(tok, "imap AND NOT (ssl OR \"tls) NEAR/3 title:x* -y ^z");
	assert_string_equal(q->match_all, "\"imap\" \"AND\" \"NOT\" \"ssl\" "
	    "\"OR\" \"tls\" \"NEAR\" \"3\" \"title\" \"x\" \"y\" \"z\"");
	query_free(q);
}

static void
no_words(void **state)
{
	const char	*texts[] = { "", "   ", "\"\"\"", "*", "-()-", "?!" };
	struct query	*q;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(texts); i++) {
		q = query_parse(tok, texts[i]);
		assert_int_equal(q->nterms, 0);
		assert_null(q->match_all);
		assert_null(q->match_any);
		query_free(q);
	}
}

static void
bounded(void **state)
{
	struct query	*q;
	struct buf	 b;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "wort%d ", i);
	q = query_parse(tok, b.data);
	assert_true(strlen(q->text) <= KBD_MAX_QUERY);
	assert_int_equal(q->nterms, KBD_MAX_TERMS);
	query_free(q);
	buf_free(&b);

	q = query_parse(tok, "ab\xff\xfe\x01" "cd \xc3");
	assert_true(utf8_valid(q->text, strlen(q->text), NULL));
	query_free(q);
}

/* Every expression query.c makes must be valid FTS5 syntax. */
static void
fts5_accepts(void **state)
{
	const char	*texts[] = {
		"imap ssl", "\"", "a\"b", "NEAR(a b, 3)", "title:imap",
		"x* AND y", "(((", "über ÜBER", "\xff\xfe", "e-mail",
		"{a b}", "a + b", "' OR 1=1 --", "😀 emoji",
	};
	sqlite3		*db;
	sqlite3_stmt	*st;
	struct query	*q;
	size_t		 i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(tokenizer_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING "
	    "fts5(a, tokenize='kbd'); INSERT INTO f VALUES ('imap über ssl');",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM f "
	    "WHERE f MATCH ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < nitems(texts); i++) {
		q = query_parse(tok, texts[i]);
		if (q->nterms > 0) {
			sqlite3_bind_text(st, 1, q->match_any, -1,
			    SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				fail_msg("case %zu (%s): %s", i, q->match_any,
				    sqlite3_errmsg(db));
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, q->match_all, -1,
			    SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				fail_msg("case %zu (%s): %s", i, q->match_all,
				    sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
		query_free(q);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_words),
		cmocka_unit_test(operators_are_words),
		cmocka_unit_test(no_words),
		cmocka_unit_test(bounded),
		cmocka_unit_test(fts5_accepts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
