/*
 * parse.c (base): the small parsers every layer needs: bounded decimal
 * numbers (as strtonum), hex digits, fields of a form body and the rule
 * for slugs, the names of articles in paths and file names.  None of them
 * trusts its input's length or contents.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The first k bytes of needle in hay[0..n), or NULL (memmem is GNU's). */
static const char *
find(const char *hay, size_t n, const char *needle, size_t k)
{
	const char	*p, *end = hay + n;

	for (p = hay; k <= (size_t)(end - p); p++) {
		if ((p = memchr(p, needle[0], (size_t)(end - p) - k + 1)) == NULL)
			return NULL;
		if (memcmp(p, needle, k) == 0)
			return p;
	}
	return NULL;
}

/* The value of parameter name (boundary=, name=, filename=) in a header. */
static size_t
header_param(const char *h, size_t n, const char *name, char *out,
    size_t size)
{
	const char	*p = h, *end = h + n, *v;
	size_t		 k = strlen(name), len;

	*out = '\0';
	for (; p + k < end; p++) {
		if ((p != h && p[-1] != ' ' && p[-1] != ';' && p[-1] != '\t') ||
		    strncasecmp(p, name, k) != 0 || p[k] != '=')
			continue;
		v = p + k + 1;
		if (v < end && *v == '"') {
			v++;
			for (len = 0; v + len < end && v[len] != '"'; len++)
				;
		} else
			for (len = 0; v + len < end && v[len] != ';' &&
			    v[len] != ' ' && v[len] != '\r'; len++)
				;
		if (len >= size)
			return 0;
		memcpy(out, v, len);
		out[len] = '\0';
		return len;
	}
	return 0;
}

/*
 * Splits a multipart/form-data body[0..len) whose Content-Type is type
 * into its parts, and calls fn(arg, name, filename, data, n) for each
 * ("" for no file name), the data in place.  Returns the number of parts,
 * or -1 when type is not multipart/form-data with a boundary or the body
 * is not well-formed.  Names and file names longer than 255 bytes are
 * refused.
 */
int
parse_multipart(const char *body, size_t len, const char *type,
    void (*fn)(void *arg, const char *name, const char *filename,
    const char *data, size_t n), void *arg)
{
	char		 boundary[80], delim[84], name[256], filename[256];
	const char	*p, *end = body + len, *hend, *next, *line;
	size_t		 dlen;
	int		 parts = 0;

	if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0 ||
	    header_param(type, strlen(type), "boundary", boundary,
	    sizeof(boundary)) == 0)
		return -1;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The first delimiter has no line break before it. */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return -1;
	p = body + dlen - 2;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return parts;		/* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		if ((hend = find(p, (size_t)(end - p), "\r\n\r\n", 4)) == NULL)
			return -1;
		*name = *filename = '\0';
		for (line = p; line < hend; line = next + 2) {
			if ((next = find(line, (size_t)(hend + 2 - line), "\r\n",
			    2)) == NULL)
				next = hend;
			if ((size_t)(next - line) > 20 && strncasecmp(line,
			    "Content-Disposition:", 20) == 0) {
				header_param(line, (size_t)(next - line), "name",
				    name, sizeof(name));
				header_param(line, (size_t)(next - line),
				    "filename", filename, sizeof(filename));
			}
		}
		p = hend + 4;
		if ((next = find(p, (size_t)(end - p), delim, dlen)) == NULL)
			return -1;
		if (*name != '\0')
			fn(arg, name, filename, p, (size_t)(next - p));
		parts++;
		p = next + dlen;
	}
}
