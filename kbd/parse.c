/*
 * parse.c (base): the small parsers every layer needs: bounded decimal
 * numbers (as strtonum), hex digits, fields of a form body and the rule
 * for slugs, the names of articles in paths and file names.  None of them
 * trusts its input's length or contents.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

/*
 * Parses a decimal number in [min, max] from the whole of s, as strtonum
 * does.  Returns 0 and stores it in *out, or -1 when s is empty, has other
 * characters or is out of range.
 */
int
parse_number(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Returns 1 when s[0..n) is a valid article slug: 1 to KBD_MAX_SLUG of
 * a-z, 0-9, '-' and '_', starting with a letter or digit.  Slugs go into
 * URLs and file names unescaped, so nothing else is allowed.
 */
int
parse_slug(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > KBD_MAX_SLUG)
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i > 0 && (s[i] == '-' || s[i] == '_'))
			continue;
		return 0;
	}
	return 1;
}

/* The value of hex digit c, or -1. */
int
parse_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Returns the value of field name in an application/x-www-form-urlencoded
 * body[0..len), decoded ('+' is a space), or NULL when it is missing or
 * not valid UTF-8.  The caller frees it.
 */
char *
parse_form_value(const char *body, size_t len, const char *name)
{
	struct buf	 b;
	const char	*p = body, *end = body + len, *amp;
	size_t		 n = strlen(name);
	int		 hi, lo;

	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((size_t)(amp - p) <= n || memcmp(p, name, n) != 0 ||
		    p[n] != '=')
			continue;
		buf_init(&b);
		for (p += n + 1; p < amp; p++) {
			if (*p == '+')
				buf_putc(&b, ' ');
			else if (*p == '%' && amp - p > 2 &&
			    (hi = parse_hex(p[1])) >= 0 &&
			    (lo = parse_hex(p[2])) >= 0) {
				buf_putc(&b, (char)(hi * 16 + lo));
				p += 2;
			} else
				buf_putc(&b, *p);
		}
		buf_put(&b, "", 0);	/* "" when the value is empty */
		if (!utf8_valid(b.data, b.len, NULL)) {
			buf_free(&b);
			return NULL;
		}
		return buf_detach(&b, NULL);
	}
	return NULL;
}
