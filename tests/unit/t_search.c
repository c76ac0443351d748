/*
 * t_search.c: search over a small imported folder, in process: ranking
 * (all words first, title above body), the fallback to some words, the
 * snippet's escaping and marks, paging, and related articles.
 */
#include <sys/stat.h>

#include "unit.h"

static const char	*dir;
static sqlite3		*db;
static struct reader	*r;

static int
setup(void **state)
{
	struct import_stats	 st;
	const char		*errstr;
	char			 articles[160], path[160];

	(void)state;
	dir = unit_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	if (mkdir(articles, 0755) == -1)
		return -1;
	unit_write(articles, "imap.md", "---\ntitle: Wie verwalte ich Mails "
	    "über IMAP?\ntags: [imap, ssl]\n---\nMit IMAP bleiben die Mails "
	    "auf dem Server. Nutzen Sie SSL/TLS auf Port 993.\n");
	unit_write(articles, "pop3.md", "---\ntitle: Wie rufe ich Mails per "
	    "POP3 ab?\ntags: [pop3, ssl]\n---\nPOP3 lädt die Mails herunter. "
	    "Anders als IMAP sieht POP3 nur den Posteingang.\n");
	unit_write(articles, "xss.md", "---\ntitle: \"<script>alert(1)"
	    "</script>\"\n---\nDer Text `<img src=x onerror=alert(1)>` "
	    "& \"Zitate\" bleiben Text. Straße.\n");
	unit_write(articles, "long.md", "---\ntitle: Lang\n---\n"
	    "Eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf "
	    "dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn "
	    "zwanzig einundzwanzig zweiundzwanzig dreiundzwanzig "
	    "vierundzwanzig fünfundzwanzig sechsundzwanzig siebenundzwanzig "
	    "achtundzwanzig neunundzwanzig dreißig Zielwort am Ende "
	    "einunddreißig zweiunddreißig dreiunddreißig vierunddreißig "
	    "fünfunddreißig sechsunddreißig siebenunddreißig achtunddreißig "
	    "neununddreißig vierzig einundvierzig zweiundvierzig "
	    "dreiundvierzig vierundvierzig fünfundvierzig sechsundvierzig "
	    "siebenundvierzig achtundvierzig neunundvierzig fünfzig.\n");
	if (store_init(path, &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1 ||
	    import_folder(db, articles, &st, NULL) == -1 ||
	    (r = store_reader()) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	unit_rmdir(dir);
	return 0;
}

/* Runs text and returns the slugs found, joined by ' '. */
static char *
slugs(const char *text, int flags, struct search_result *res)
{
	struct query	*q = query_parse(r->tok, text);
	struct buf	 b;
	size_t		 i;

	assert_int_equal(search_run(r, q, 10, 0, flags, res), 0);
	query_free(q);
	buf_init(&b);
	for (i = 0; i < res->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", res->hits[i].slug);
	return buf_detach(&b, NULL);
}

static void
expect(const char *text, const char *want)
{
	struct search_result	 res;
	char			*got = slugs(text, 0, &res);

	if (strcmp(got, want) != 0)
		fail_msg("search \"%s\": got \"%s\", want \"%s\"", text, got,
		    want);
	free(got);
	search_result_free(&res);
}

static void
ranking(void **state)
{
	(void)state;
	expect("imap ssl", "imap pop3");
	/* Title beats body: both mention IMAP, one in the title. */
	expect("imap", "imap pop3");
	expect("pop3", "pop3");
	expect("ÜBER", "imap");
	expect("strasse", "xss");
	expect("", "");
	expect("\"\" *", "");
}

static void
some_words(void **state)
{
	struct search_result	 res;
	char			*got;

	(void)state;
	/* No article has both: the one with more of the words comes first. */
	got = slugs("imap posteingang nirgendwo", 0, &res);
	assert_string_equal(got, "pop3 imap");
	assert_int_equal(res.partial, 1);
	assert_int_equal(res.total, 2);
	free(got);
	search_result_free(&res);

	got = slugs("ssl", SEARCH_ANY, &res);
	assert_int_equal(res.total, 2);
	free(got);
	search_result_free(&res);
}

static void
snippets(void **state)
{
	struct search_result	 res;
	char			*got;

	(void)state;
	got = slugs("onerror zitate", 0, &res);
	assert_string_equal(got, "xss");
	free(got);
	assert_string_equal(res.hits[0].title, "<script>alert(1)</script>");
	assert_string_equal(res.hits[0].snippet, "Der Text &lt;img src=x "
	    "<mark>onerror</mark>=alert(1)&gt; &amp; &quot;<mark>Zitate"
	    "</mark>&quot; bleiben Text. Straße.");
	search_result_free(&res);

	/* The passage around the match, cut at words, with "…" around it. */
	got = slugs("zielwort", 0, &res);
	free(got);
	assert_non_null(strstr(res.hits[0].snippet, "<mark>Zielwort</mark>"));
	assert_true(strncmp(res.hits[0].snippet, "… ", 4) == 0);
	assert_non_null(strstr(res.hits[0].snippet, " …"));
	search_result_free(&res);
}

static void
paging(void **state)
{
	struct search_result	 res;
	struct query		*q = query_parse(r->tok, "mails");
	char			*first;

	(void)state;
	assert_int_equal(search_run(r, q, 1, 0, 0, &res), 0);
	assert_int_equal(res.total, 2);
	assert_int_equal(res.n, 1);
	first = xstrdup(res.hits[0].slug);
	search_result_free(&res);
	assert_int_equal(search_run(r, q, 1, 1, 0, &res), 0);
	assert_int_equal(res.n, 1);
	assert_string_not_equal(res.hits[0].slug, first);
	free(first);
	search_result_free(&res);
	assert_int_equal(search_run(r, q, 10, 5, 0, &res), 0);
	assert_int_equal(res.n, 0);
	search_result_free(&res);
	query_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranking),
		cmocka_unit_test(some_words),
		cmocka_unit_test(snippets),
		cmocka_unit_test(paging),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
