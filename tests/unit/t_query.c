/*
 * t_query.c: user text into slots and FTS5 expressions.  Stop words and
 * filler verbs are left out, joined words, compounds, separable verbs
 * and quoted phrases get their alternatives, and whatever the text holds
 * (FTS5 operators, quotes, control characters, invalid UTF-8, 10 KB),
 * the expression is a list of quoted strings that FTS5 accepts: the last
 * case runs every expression through a real FTS5 table.
 */
#include "unit.h"

static struct tokenizer	*tok;

static int
setup(void **state)
{
	(void)state;
	tok = tokenizer_new(unit_dict());
	return tok == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	tokenizer_free(tok);
	return 0;
}

/* The slots of q as "[alt|alt AND alt] [alt]". */
static char *
slots(const struct query *q)
{
	struct buf	 b;
	size_t		 i;
	int		 a, k;

	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < q->nslots; i++) {
		buf_puts(&b, i ? " [" : "[");
		for (a = 0; a < q->slots[i].nalts; a++) {
			if (a > 0)
				buf_putc(&b, '|');
			for (k = 0; k < q->slots[i].alts[a].n; k++)
				buf_printf(&b, "%s%s", k ? " AND " : "",
				    q->slots[i].alts[a].part[k]);
		}
		buf_putc(&b, ']');
	}
	return buf_detach(&b, NULL);
}

static void
expect(const char *text, const char *want)
{
	struct query	*q = search_query_parse(tok, text);
	char		*got = slots(q);

	if (strcmp(got, want) != 0)
		fail_msg("slots of \"%s\":\n got  %s\n want %s", text, got, want);
	free(got);
	search_query_free(q);
}

static void
words(void **state)
{
	(void)state;
	expect("imap ssl", "[imap] [ssl]");
	/* Stop words and filler verbs carry nothing. */
	expect("wie mache ich einen serienbrief", "[serienbrief|serien AND "
	    "brief]");
	/* ... unless there is nothing else. */
	expect("wie geht das", "[wie] [geht] [das]");
	expect("", "");
	expect("\"\"\" * -()- ?!", "");
}

static void
joined_and_compounds(void **state)
{
	(void)state;
	expect("E-Mail", "[E-Mail|email|mail]");
	expect("FRITZ!Box dyndns", "[FRITZ!Box|fritzbox] [dyndns]");
	expect("Passwortänderung", "[Passwortänderung|passwort AND "
	    "anderung]");
	/* "füge ... ein": the particle at the end joins the verb. */
	expect("wie füge ich seitenzahlen ein", "[füge|einfuge] "
	    "[seitenzahlen|seiten AND zahlen]");
	/* Elsewhere it is a preposition. */
	expect("seite auf querformat", "[seite] [querformat|quer AND "
	    "format]");
}

static void
phrases(void **state)
{
	(void)state;
	expect("\"port 993\" imap", "[port 993] [imap]");
	expect("„über ssl“", "[über ssl]");
	/* An unpaired quote is text. */
	expect("\"imap ssl", "[imap] [ssl]");
}

static void
operators_are_words(void **state)
{
	(void)state;
	expect("imap AND NOT (ssl OR tls) NEAR/3 title:x* -y ^z",
	    "[imap] [ssl] [tls] [NEAR/3|near3] [title:x|titlex] [y] [z]");
	/* Lowercase they are words; "and" and "or" English fillers. */
	expect("and or not", "[not]");
	expect("oder nicht near", "[near]");
	expect("imap IMAP Imap", "[imap]");
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
	q = search_query_parse(tok, b.data);
	assert_true(strlen(q->text) <= KBD_MAX_QUERY);
	assert_int_equal(q->nslots, KBD_MAX_TERMS);
	search_query_free(q);
	buf_free(&b);

	q = search_query_parse(tok, "ab\xff\xfe\x01" "cd \xc3");
	assert_true(utf8_valid(q->text, strlen(q->text), NULL));
	search_query_free(q);
}

static void
normalized(void **state)
{
	struct query	*q;

	(void)state;
	q = search_query_parse(tok, "Wie ändere ich mein PASSWORT?");
	assert_string_equal(q->normalized, "ändere passwort");
	search_query_free(q);
	q = search_query_parse(tok, "wie geht das");
	assert_string_equal(q->normalized, "wie geht das");
	search_query_free(q);
}

/*
 * Every phrase the search hands FTS5 (search_query_fts_string() of a slot's
 * text) must be valid FTS5 syntax and find what it says.
 */
static void
fts5_accepts(void **state)
{
	const char	*texts[] = {
		"imap ssl", "\"", "a\"b", "NEAR(a b, 3)", "title:imap",
		"x* AND y", "(((", "über ÜBER", "\xff\xfe", "e-mail",
		"{a b}", "a + b", "' OR 1=1 --", "😀 emoji", "\"port 993\"",
		"Passwortänderung", "wie füge ich ein bild ein", "\"über ssl\"",
	};
	sqlite3		*db;
	sqlite3_stmt	*st;
	struct query	*q;
	struct buf	 expr;
	size_t		 i, k;
	int		 found = 0;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(tokenizer_register(db, unit_dict()), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING "
	    "fts5(a, tokenize='kbd'); INSERT INTO f VALUES ('imap über ssl');",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM f "
	    "WHERE f MATCH ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < nitems(texts); i++) {
		q = search_query_parse(tok, texts[i]);
		for (k = 0; k < q->nslots; k++) {
			buf_init(&expr);
			search_query_fts_string(&expr, q->slots[k].typed);
			sqlite3_bind_text(st, 1, expr.data, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				fail_msg("case %zu (%s): %s", i, expr.data,
				    sqlite3_errmsg(db));
			if (i == nitems(texts) - 1)
				found = sqlite3_column_int(st, 0);
			sqlite3_reset(st);
			buf_free(&expr);
		}
		search_query_free(q);
	}
	/* The quoted phrase finds the row that has it. */
	assert_int_equal(found, 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(joined_and_compounds),
		cmocka_unit_test(phrases),
		cmocka_unit_test(operators_are_words),
		cmocka_unit_test(bounded),
		cmocka_unit_test(normalized),
		cmocka_unit_test(fts5_accepts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
