/*
 * t_synonyms.c: synonym groups (search_synonyms.c), built in and from the
 * articles folder's synonyms.txt: a term finds the other terms of its
 * groups and never itself; terms match by their stems, so a plural finds
 * the group; a line with one term, a comment or a blank line adds
 * nothing; a file that is not UTF-8 is left out, the built-in groups
 * stay.
 */
#include "unit.h"

static const char	*dir;
static struct tokenizer	*tok;

/* The synonym key of a term as a search computes it (its slot's key). */
static char *
key_of(const char *term)
{
	struct query	*q = search_query_parse(tok, term);
	char		*key;

	assert_non_null(q);
	assert_true(q->nslots >= 1);
	key = xstrdup(q->slots[0].key);
	search_query_free(q);
	return key;
}

static void
collect(void *ctx, const char *term)
{
	struct buf	*b = ctx;

	buf_printf(b, "%s%s", b->len > 0 ? "," : "", term);
}

/* The other terms of term's groups in syn, joined by ",". */
static char *
others(const struct synonyms *syn, const char *term)
{
	struct buf	 b;
	char		*key = key_of(term);

	buf_init(&b);
	buf_puts(&b, "");
	search_synonyms_lookup(syn, key, collect, &b);
	free(key);
	return buf_detach(&b, NULL);
}

static int
has(const char *list, const char *term)
{
	size_t	 n = strlen(term);
	const char *p;

	for (p = list; (p = strstr(p, term)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	dir = unit_tmpdir();
	tok = tokenizer_new(NULL);
	return tok != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	tokenizer_free(tok);
	unit_rmdir(dir);
	return 0;
}

static void
builtin(void **state)
{
	struct synonyms	*syn = search_synonyms_load(dir);	/* no file */
	char		*o;

	(void)state;
	o = others(syn, "Kennwort");
	assert_true(has(o, "passwort"));
	assert_true(has(o, "password"));
	assert_false(has(o, "kennwort"));
	free(o);
	/* By stems: a plural finds the group too. */
	o = others(syn, "Kennwörter");
	assert_true(has(o, "passwort"));
	free(o);
	o = others(syn, "Gürteltier");
	assert_string_equal(o, "");
	free(o);
	search_synonyms_unref(syn);
}

static void
from_file(void **state)
{
	struct synonyms	*syn;
	char		*o;

	(void)state;
	unit_write(dir, "synonyms.txt", "# eigene Gruppen\n\n"
	    "zauberwort, sesam, passwort\nnur ein begriff\n"
	    "gürteltier, armadillo\n");
	syn = search_synonyms_load(dir);
	o = others(syn, "Zauberwort");
	assert_true(has(o, "sesam"));
	assert_true(has(o, "passwort"));
	free(o);
	o = others(syn, "Armadillo");
	assert_true(has(o, "gürteltier"));
	free(o);
	/* The one-term line made no group of its own. */
	o = others(syn, "nur ein begriff");
	assert_string_equal(o, "");
	free(o);
	/* The built-in groups are still there. */
	o = others(syn, "Kennwort");
	assert_true(has(o, "passwort"));
	free(o);
	search_synonyms_unref(syn);
}

static void
bad_file(void **state)
{
	struct synonyms	*syn;
	char		*o;

	(void)state;
	unit_write(dir, "synonyms.txt", "zauberwort, sesam\xff\n");
	syn = search_synonyms_load(dir);
	o = others(syn, "Zauberwort");
	assert_string_equal(o, "");
	free(o);
	o = others(syn, "Kennwort");
	assert_true(has(o, "passwort"));
	free(o);
	search_synonyms_unref(syn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin),
		cmocka_unit_test(from_file),
		cmocka_unit_test(bad_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
