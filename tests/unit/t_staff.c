/*
 * t_staff.c: the pieces of the staff editor that need no server: form
 * fields, the file an edit writes, line diffs, tags from the form,
 * account checks and password hashes.
 */
#include <sodium.h>

#include "unit.h"

static void
form_fields(void **state)
{
	const char	*body = "title=Wie+geht%27s%3F&body=Zeile+1%0D%0AZeile"
			    "+2&empty=&bad=%FF&nul=a%00b&x=1";
	char		*v;

	(void)state;
	v = parse_form_value(body, strlen(body), "title");
	assert_string_equal(v, "Wie geht's?");
	free(v);
	v = parse_form_value(body, strlen(body), "body");
	assert_string_equal(v, "Zeile 1\r\nZeile 2");
	free(v);
	v = parse_form_value(body, strlen(body), "empty");
	assert_string_equal(v, "");
	free(v);
	assert_null(parse_form_value(body, strlen(body), "missing"));
	assert_null(parse_form_value(body, strlen(body), "bad"));	/* not UTF-8 */
	assert_null(parse_form_value(body, strlen(body), "nul"));	/* a NUL byte */
	/* "x" must not match the tail of another name. */
	v = parse_form_value("box=2&x=1", 9, "x");
	assert_string_equal(v, "1");
	free(v);
	/* Only len bytes are read. */
	assert_null(parse_form_value("a=1&b=2", 3, "b"));
}

static void
compose(void **state)
{
	const char	*old = "---\ntitle: Alt\nowner: team\nreview:\n"
			    "  every: 90d\ntags: [a]\nhits: 7\n---\nAlter "
			    "Text.\n";
	struct article	 a;
	char		*text, why[256];

	(void)state;
	text = article_compose(old, "Sag \"Hallo\" \\ Welt", "E-Mail",
	    "imap\nssl", NULL, 1, "Zeile 1\r\nZeile 2");
	assert_string_equal(text, "---\ntitle: \"Sag \\\"Hallo\\\" \\\\ Welt\"\n"
	    "category: \"E-Mail\"\ntags: [\"imap\", \"ssl\"]\ndraft: true\n"
	    "owner: team\nreview:\n  every: 90d\nhits: 7\n---\nZeile 1\n"
	    "Zeile 2\n");
	/* What it writes reads back as written. */
	assert_int_equal(article_parse(&a, "x", text, strlen(text), why,
	    sizeof(why)), 0);
	assert_string_equal(a.title, "Sag \"Hallo\" \\ Welt");
	assert_string_equal(a.category, "E-Mail");
	assert_string_equal(a.tags, "imap\nssl");
	assert_int_equal(a.draft, 1);
	assert_int_equal(a.hits, 7);
	article_clear(&a);
	free(text);

	/* A new file: only what kbd writes. */
	text = article_compose(NULL, "T", "", "", NULL, 0, "Text");
	assert_string_equal(text, "---\ntitle: \"T\"\n---\nText\n");
	free(text);

	/*
	 * Aliases: kept as they were when not given (an edit in the
	 * browser), written anew when given; they read back.
	 */
	old = "---\ntitle: A\naliases: [mails weg]\nowner: x\n---\nText\n";
	text = article_compose(old, "A", "", "", NULL, 0, "Text");
	assert_string_equal(text, "---\ntitle: \"A\"\naliases: [mails weg]\n"
	    "owner: x\n---\nText\n");
	free(text);
	text = article_compose(old, "A", "", "", "mails weg\npost fehlt", 0,
	    "Text");
	assert_string_equal(text, "---\ntitle: \"A\"\naliases: [\"mails weg\", "
	    "\"post fehlt\"]\nowner: x\n---\nText\n");
	assert_int_equal(article_parse(&a, "x", text, strlen(text), why,
	    sizeof(why)), 0);
	assert_string_equal(a.aliases, "mails weg\npost fehlt");
	article_clear(&a);
	free(text);
}

static void
draft_flag(void **state)
{
	struct article	 a;
	char		 why[256];
	const char	*yes = "---\ntitle: T\ndraft: yes\n---\nx\n";
	const char	*bad = "---\ntitle: T\ndraft: vielleicht\n---\nx\n";

	(void)state;
	assert_int_equal(article_parse(&a, "x", yes, strlen(yes), why,
	    sizeof(why)), 0);
	assert_int_equal(a.draft, 1);
	article_clear(&a);
	assert_int_equal(article_parse(&a, "x", bad, strlen(bad), why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "draft must be true or false"));
	article_clear(&a);
}

struct diff_out {
	char	 ops[64];
	size_t	 n;
};

static void
collect(void *arg, int op, const char *s, size_t len)
{
	struct diff_out	*d = arg;

	(void)s;
	(void)len;
	d->ops[d->n++] = (char)op;
	d->ops[d->n] = '\0';
}

static void
diffs(void **state)
{
	struct diff_out	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(diff_lines("a\nb\nc\n", "a\nb\nc\n", collect, &d), 0);
	assert_string_equal(d.ops, "   ");
	memset(&d, 0, sizeof(d));
	diff_lines("a\nb\nc\nd\n", "a\nx\nc\nd\ne\n", collect, &d);
	assert_string_equal(d.ops, " -+  +");
	memset(&d, 0, sizeof(d));
	diff_lines("", "neu\n", collect, &d);
	assert_string_equal(d.ops, "+");
	memset(&d, 0, sizeof(d));
	diff_lines("x\ny\n", "", collect, &d);
	assert_string_equal(d.ops, "--");
	/* Moved lines: the longest common part stays, the rest changes. */
	memset(&d, 0, sizeof(d));
	diff_lines("1\n2\n3\n4\n", "3\n4\n1\n2\n", collect, &d);
	assert_string_equal(d.ops, "--  ++");
}

static void
form_tags(void **state)
{
	char	*t;

	(void)state;
	t = staff_page_tags(" imap, ssl ,, mail programm ,");
	assert_string_equal(t, "imap\nssl\nmail programm");
	free(t);
	t = staff_page_tags("");
	assert_string_equal(t, "");
	free(t);
}

static void
accounts(void **state)
{
	char	 hash[crypto_pwhash_STRBYTES], token[65], th[65];

	(void)state;
	assert_true(staff_user_name_valid("anna.berg-2_x"));
	assert_false(staff_user_name_valid(""));
	assert_false(staff_user_name_valid("anna berg"));
	assert_false(staff_user_name_valid("änna"));
	assert_false(staff_user_name_valid("a/b"));
	assert_non_null(staff_user_password_weak("kurz"));
	assert_null(staff_user_password_weak("lang-genug-123"));
	assert_non_null(staff_user_password_weak("ungültig\xff-passwort"));

	assert_int_equal(staff_auth_hash_password("lang-genug-123", hash), 0);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_int_equal(crypto_pwhash_str_verify(hash, "lang-genug-123", 14),
	    0);
	assert_int_not_equal(crypto_pwhash_str_verify(hash, "lang-genug-124",
	    14), 0);

	staff_auth_new_token(token, th);
	assert_int_equal(strlen(token), 64);
	assert_int_equal(strlen(th), 64);
	assert_string_not_equal(token, th);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_fields),
		cmocka_unit_test(compose),
		cmocka_unit_test(draft_flag),
		cmocka_unit_test(diffs),
		cmocka_unit_test(form_tags),
		cmocka_unit_test(accounts),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
