/*
 * utf8.c (base): strict UTF-8.  Well-formed means what RFC 3629 says: no
 * overlong forms, no surrogates, nothing above U+10FFFF; kbd also refuses
 * NUL bytes, which would cut a C string short.  Nothing here allocates
 * except through the buffer it is given.
 */
#include <stddef.h>

#include "kbd.h"

/*
 * Returns the length of the well-formed UTF-8 sequence at s (at most n
 * bytes), or 0 when the bytes there are not one: overlong forms,
 * surrogates and code points above U+10FFFF are refused.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	 c = s[0];
	size_t		 len, i;
	unsigned char	 lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/*
 * Returns 1 when s[0..n) is well-formed UTF-8 without NUL bytes, else 0
 * and the offset of the first bad byte in *bad (when bad is not NULL).
 */
int
utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, len;

	while (i < n) {
		if (u[i] == 0 || (len = utf8_seq(u + i, n - i)) == 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += len;
	}
	return 1;
}

/*
 * Appends s[0..n) to b with every ill-formed byte replaced by U+FFFD and
 * every control character (NUL included) replaced by a space, so that the
 * result can go into JSON, HTML and FTS5 alike.
 */
void
utf8_sanitize(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, len;

	while (i < n) {
		len = utf8_seq(u + i, n - i);
		if (len == 0) {
			buf_put(b, "\xEF\xBF\xBD", 3);
			i++;
		} else if (len == 1 && (u[i] < 0x20 || u[i] == 0x7F)) {
			buf_putc(b, ' ');
			i++;
		} else {
			buf_put(b, u + i, len);
			i += len;
		}
	}
}

/*
 * Returns the largest length <= max that does not cut a UTF-8 sequence of
 * the n-byte string s in two.
 */
size_t
utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}
