/*
 * t_lexicon.c: the knowledge base's words in memory (search_lexicon.c),
 * loaded from the word table an import keeps (store_words.c): how many
 * articles hold a word, the surface form of a folded word, typo
 * corrections weighted for German (no correction under 5 letters, one
 * edit from 5, two from 9; a doubled letter, d/t and swapped neighbours
 * cost half), completions of a prefix by frequency; and the counts
 * following an article that goes.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "unit.h"

static const char	*dir;
static sqlite3		*db;

static const struct {
	const char	*name;
	const char	*text;
} fixtures[] = {
	{ "a.md", "---\ntitle: Passwort vergessen\n---\nDas Passwort "
	  "setzen Sie im Kundenmenü zurück. Weiterleitung.\n" },
	{ "b.md", "---\ntitle: Passwort ändern\n---\nEin neues Passwort "
	  "gilt sofort. Postfach.\n" },
	{ "c.md", "---\ntitle: Weiterleitung einrichten\n---\nEine "
	  "Weiterleitung schickt Mails weiter. Postfach Postleitzahl.\n" },
};

static struct lexicon *
load(void)
{
	struct lexicon	*lex = search_lexicon_load(db);

	assert_non_null(lex);
	return lex;
}

static int
setup(void **state)
{
	struct import_stats	 st;
	const char		*errstr;
	char			 articles[160], path[160];
	size_t			 i;

	(void)state;
	dir = unit_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	if (mkdir(articles, 0755) == -1)
		return -1;
	for (i = 0; i < nitems(fixtures); i++)
		unit_write(articles, fixtures[i].name, fixtures[i].text);
	if (store_init(path, unit_dict(), &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1 ||
	    import_folder(db, articles, &st, NULL) == -1)
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

static void
counts(void **state)
{
	struct lexicon	*lex = load();
	const char	*surface;
	uint32_t	 docs = 0;

	(void)state;
	assert_int_equal(search_lexicon_ndocs(lex), 3);
	surface = search_lexicon_lookup(lex, "passwort", 8, &docs);
	assert_non_null(surface);
	assert_string_equal(surface, "passwort");
	assert_int_equal(docs, 2);
	assert_non_null(search_lexicon_lookup(lex, "weiterleitung", 13,
	    &docs));
	assert_int_equal(docs, 2);
	assert_null(search_lexicon_lookup(lex, "gurteltier", 10, &docs));
	/* Umlauts are folded: the folded form finds the surface form. */
	surface = search_lexicon_lookup(lex, "kundenmenu", 10, &docs);
	assert_non_null(surface);
	assert_string_equal(surface, "kundenmenü");
	search_lexicon_unref(lex);
}

static void
corrections(void **state)
{
	struct lexicon	*lex = load();
	const char	*folded, *w;

	(void)state;
	/* One letter missing from a doubled one costs half an edit. */
	w = search_lexicon_correct(lex, "pasword", 7, &folded);
	assert_non_null(w);
	assert_string_equal(w, "passwort");
	w = search_lexicon_correct(lex, "weiterlietung", 13, &folded);
	assert_non_null(w);
	assert_string_equal(w, "weiterleitung");
	/* Under 5 letters nothing is corrected; too far is no word. */
	assert_null(search_lexicon_correct(lex, "pswt", 4, &folded));
	assert_null(search_lexicon_correct(lex, "gurteltier", 10, &folded));
	/* A word the knowledge base has is not "corrected". */
	w = search_lexicon_correct(lex, "postfach", 8, &folded);
	assert_true(w == NULL || strcmp(w, "postfach") == 0);
	search_lexicon_unref(lex);
}

static void
prefixes(void **state)
{
	struct lexicon	*lex = load();
	const char	*out[4];
	size_t		 n, i;
	int		 postfach = 0, postleitzahl = 0;

	(void)state;
	n = search_lexicon_prefix(lex, "post", 4, out, nitems(out));
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(strncmp(out[i], "post", 4), 0);
		postfach += strcmp(out[i], "postfach") == 0;
		postleitzahl += strcmp(out[i], "postleitzahl") == 0;
	}
	assert_int_equal(postfach, 1);
	assert_int_equal(postleitzahl, 1);
	/* The more frequent completion first. */
	assert_string_equal(out[0], "postfach");
	assert_int_equal(search_lexicon_prefix(lex, "qqq", 3, out,
	    nitems(out)), 0);
	search_lexicon_unref(lex);
}

/* An article that goes takes its words' counts with it. */
static void
article_gone(void **state)
{
	struct import_stats	 st;
	struct lexicon		*lex;
	char			 articles[160], path[200];
	uint32_t		 docs = 0;

	(void)state;
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/c.md", articles);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(import_folder(db, articles, &st, NULL), 0);
	assert_int_equal(st.removed, 1);
	lex = load();
	assert_non_null(search_lexicon_lookup(lex, "weiterleitung", 13,
	    &docs));
	assert_int_equal(docs, 1);
	assert_null(search_lexicon_lookup(lex, "postleitzahl", 12, &docs));
	assert_int_equal(search_lexicon_ndocs(lex), 2);
	search_lexicon_unref(lex);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts),
		cmocka_unit_test(corrections),
		cmocka_unit_test(prefixes),
		cmocka_unit_test(article_gone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
