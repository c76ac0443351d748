/*
 * t_render.c: Markdown into safe HTML and plain text (cmark, safe mode),
 * and the summaries made of either for descriptions and feeds.
 */
#include "unit.h"

static void
render(const char *md, char **html, char **text)
{
	assert_int_equal(render_markdown(md, strlen(md), html, text), 0);
}

static void
markdown(void **state)
{
	char	*html, *text;

	(void)state;
	render("# Titel\n\nEin *kurzer* Text mit [Link](/a/imap).\n\n"
	    "- eins\n- zwei\n", &html, &text);
	assert_non_null(strstr(html, "<h1>Titel</h1>"));
	assert_non_null(strstr(html, "<em>kurzer</em>"));
	assert_non_null(strstr(html, "<a href=\"/a/imap\">Link</a>"));
	assert_non_null(strstr(html, "<li>eins</li>"));
	/* The text has the words, without markup. */
	assert_non_null(strstr(text, "Ein kurzer Text mit Link."));
	assert_null(strstr(text, "*"));
	assert_null(strstr(text, "<"));
	free(html);
	free(text);
}

static void
safe(void **state)
{
	char	*html, *text;

	(void)state;
	render("<script>alert(1)</script>\n\n<b onclick=\"x\">fett</b>\n\n"
	    "[a](javascript:alert(1)) ![b](data:text/html,x)\n", &html,
	    &text);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "onclick"));
	assert_null(strstr(html, "javascript:"));
	assert_null(strstr(html, "data:text/html"));
	/* Raw HTML is no part of the text either. */
	assert_null(strstr(text, "alert"));
	free(html);
	free(text);
}

static void
summaries(void **state)
{
	char	*s;
	const char *md = "Erster Absatz mit **fett** und `code`, der länger "
	    "ist als eine Beschreibung fassen soll.\n\nZweiter Absatz.\n";
	const char *list = "- nur eine Liste\n- ohne Absatz\n";

	(void)state;
	/* The first paragraph, as text, cut between words with "…". */
	s = render_summary(md, strlen(md), 40);
	assert_true(strlen(s) <= 40);
	assert_int_equal(strncmp(s, "Erster Absatz mit fett und code", 31),
	    0);
	assert_non_null(strstr(s, "…"));
	assert_null(strstr(s, "Zweiter"));
	free(s);
	s = render_summary(md, strlen(md), 1000);
	assert_null(strstr(s, "…"));
	assert_null(strstr(s, "Zweiter"));
	free(s);
	/* No paragraph: the text of the whole. */
	s = render_summary(list, strlen(list), 100);
	assert_non_null(strstr(s, "nur eine Liste"));
	free(s);
	/* Plain text: its first line; whitespace runs become one space. */
	s = render_summary_text("eins  zwei\tdrei vierfuenfsechs\nzweite", 18);
	assert_int_equal(strncmp(s, "eins zwei drei", 14), 0);
	assert_non_null(strstr(s, "…"));
	assert_null(strstr(s, "zweite"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markdown),
		cmocka_unit_test(safe),
		cmocka_unit_test(summaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
