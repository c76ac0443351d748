/*
 * fuzz_article.c: the article loader on any bytes: the UTF-8 check, the
 * front matter (delimiters, YAML, title, category, tags, hits) and the
 * Markdown body, which article_parse() renders to HTML and plain text
 * with cmark.  Whatever it accepts must keep the promises the rest of kbd
 * relies on: a title that is short, non-empty and free of control
 * characters, every field valid UTF-8, at most KBD_MAX_TAGS tags, and
 * HTML in which no raw markup of the author survives.
 */
#include <ctype.h>

#include "fuzz.h"

/* Does s hold needle, ignoring ASCII case? */
static int
has_nocase(const char *s, const char *needle)
{
	size_t	 i, n = strlen(needle);

	for (; *s != '\0'; s++) {
		for (i = 0; i < n && s[i] != '\0'; i++)
			if (tolower((unsigned char)s[i]) != needle[i])
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

static void
check_field(const char *s)
{
	assert(s != NULL);
	assert(utf8_valid(s, strlen(s), NULL));
}

static void
check_article(const struct article *a)
{
	const char	*p;
	size_t		 ntags = 0;

	assert(strcmp(a->slug, "fuzz") == 0);
	check_field(a->title);
	check_field(a->category);
	check_field(a->tags);
	check_field(a->markdown);
	check_field(a->html);
	check_field(a->text);
	assert(a->title[0] != '\0' && strlen(a->title) <= KBD_MAX_TITLE);
	assert(strlen(a->category) <= KBD_MAX_CATEGORY);
	for (p = a->title; *p != '\0'; p++)
		assert((unsigned char)*p >= 0x20 && *p != 0x7F);
	for (p = a->category; *p != '\0'; p++)
		assert((unsigned char)*p >= 0x20 && *p != 0x7F);
	if (a->tags[0] != '\0')
		for (ntags = 1, p = a->tags; *p != '\0'; p++)
			ntags += *p == '\n';
	assert(ntags <= KBD_MAX_TAGS);
	assert(a->hits >= -1);
	/* Safe mode: raw HTML becomes a comment, unsafe links lose URLs. */
	assert(!has_nocase(a->html, "<script"));
	assert(!has_nocase(a->html, "<img src=x"));
	assert(!has_nocase(a->html, "href=\"javascript:"));
}

/* A reason for refusing a file is one line of valid UTF-8, for the log. */
static void
check_reason(const char *err)
{
	const char	*p;

	assert(err[0] != '\0');
	assert(utf8_valid(err, strlen(err), NULL));
	for (p = err; *p != '\0'; p++)
		assert((unsigned char)*p >= 0x20 || *p == '\t');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article	 a;
	char		 err[512];

	if (article_parse(&a, "fuzz", (const char *)data, size, err,
	    sizeof(err)) == 0)
		check_article(&a);
	else
		check_reason(err);
	article_clear(&a);
	return 0;
}
