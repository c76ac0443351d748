/*
 * t_article.c: the article parser and the Markdown renderer.  Good files
 * in their usual shapes (flow and block tag lists, comma lists, a byte
 * order mark, CRLF line ends), every kind of bad file with the reason and
 * line it must report, and the safety of the rendered HTML.
 */
#include "unit.h"

static char	 err[256];

static int
parse(struct article *a, const char *text)
{
	return article_parse(a, "x", text, strlen(text), err, sizeof(err));
}

static void
good_file(void **state)
{
	struct article	 a;

	(void)state;
	assert_int_equal(parse(&a, "---\ntitle: Wie verwalte ich Mails über "
	    "IMAP?\ncategory: E-Mail\ntags: [imap, ssl, mailprogramm]\n"
	    "hits: 414716\n---\nMit **IMAP** bleiben die Mails auf dem "
	    "Server.\n"), 0);
	assert_string_equal(a.slug, "x");
	assert_string_equal(a.title, "Wie verwalte ich Mails über IMAP?");
	assert_string_equal(a.category, "E-Mail");
	assert_string_equal(a.tags, "imap\nssl\nmailprogramm");
	assert_int_equal(a.hits, 414716);
	assert_string_equal(a.html, "<p>Mit <strong>IMAP</strong> bleiben die "
	    "Mails auf dem Server.</p>\n");
	assert_string_equal(a.text, "Mit IMAP bleiben die Mails auf dem "
	    "Server.");
	article_clear(&a);
}

static void
other_shapes(void **state)
{
	struct article	 a;

	(void)state;
	/* Byte order mark, CRLF, block list, optional fields absent. */
	assert_int_equal(parse(&a, "\xEF\xBB\xBF---\r\ntitle: \"Python: "
	    "Module\"\r\ntags:\r\n  - a b\r\n  - c\r\n---\r\nText\r\n"), 0);
	assert_string_equal(a.title, "Python: Module");
	assert_string_equal(a.tags, "a b\nc");
	assert_string_equal(a.category, "");
	assert_int_equal(a.hits, -1);
	article_clear(&a);

	/* Comma list; "..." closes; unknown keys are ignored; empty body. */
	assert_int_equal(parse(&a, "---\ntitle: T\ntags: dns,  mx , \n"
	    "author: someone\n...\n"), 0);
	assert_string_equal(a.tags, "dns\nmx");
	assert_string_equal(a.text, "");
	article_clear(&a);
}

static void
expect_error(const char *text, const char *want)
{
	struct article	 a;

	if (parse(&a, text) != -1)
		fail_msg("accepted: %s", text);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	article_clear(&a);
}

static void
bad_files(void **state)
{
	(void)state;
	expect_error("", "no front matter");
	expect_error("title: x\n", "no front matter");
	expect_error("---\ntitle: x\n", "not closed");
	expect_error("---\ncategory: x\n---\nbody\n", "no title");
	expect_error("---\ntitle: \"\"\n---\n", "no title");
	expect_error("---\ntitle: x\n---\nok\n\xff\n", "line 5: not valid "
	    "UTF-8");
	expect_error("---\ntitle: [unclosed\n---\n", "line 2: front matter "
	    "is not valid YAML");
	expect_error("---\n- just\n- a list\n---\n", "key: value");
	expect_error("---\ntitle: x\nhits: many\n---\n", "line 3: hits must be");
	expect_error("---\ntitle: x\nhits: -4\n---\n", "hits must be");
	expect_error("---\ntitle: [a, b]\n---\n", "title must be a single");
	expect_error("---\ntitle: x\ntags: [a, [b]]\n---\n", "every tag");
	expect_error("---\ntitle: x\ntags: [a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,"
	    "q,r,s,t,u]\n---\n", "more than 20 tags");
	expect_error("---\ntitle: \"a\\u0001b\"\n---\n", "control characters");
}

static void
too_large(void **state)
{
	struct article	 a;
	char		*big;

	(void)state;
	big = xmalloc(KBD_MAX_ARTICLE + 2);
	memset(big, 'a', KBD_MAX_ARTICLE + 1);
	big[KBD_MAX_ARTICLE + 1] = '\0';
	assert_int_equal(parse(&a, big), -1);
	assert_non_null(strstr(err, "larger than"));
	article_clear(&a);
	free(big);
}

/* cmark in safe mode: no raw HTML, no javascript: links. */
static void
safe_html(void **state)
{
	char	*html, *text;
	const char *md = "Hallo <script>alert(1)</script>\n\n"
	    "<div onclick=\"x()\">Block</div>\n\n"
	    "[klick](javascript:alert(1)) [ok](https://example.org/x) "
	    "![bild](data:text/html;base64,AAAA)\n\n"
	    "```sh\ndig example.org MX\n```\n";

	(void)state;
	assert_int_equal(render_markdown(md, strlen(md), &html, &text), 0);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "onclick"));
	assert_null(strstr(html, "javascript:"));
	assert_null(strstr(html, "data:text/html"));
	assert_non_null(strstr(html, "href=\"https://example.org/x\""));
	/* The index sees words, not markup, URLs or fences. */
	assert_null(strstr(text, "https://"));
	assert_null(strstr(text, "```"));
	assert_null(strstr(text, "<div"));
	assert_non_null(strstr(text, "klick ok bild"));
	assert_non_null(strstr(text, "dig example.org MX"));
	free(html);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(other_shapes),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(too_large),
		cmocka_unit_test(safe_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
