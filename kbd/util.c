/*
 * util.c: small helpers with no better home: strict UTF-8 checks, bounded
 * number parsing, slug rules and clocks.  Nothing here allocates except
 * through the buffer it is given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
slug_valid(const char *s, size_t n)
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

int64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
wall_seconds(void)
{
	return (int64_t)time(NULL);
}

/* Formats unix time t as ISO 8601 in UTC ("2026-11-26T17:22:00Z"). */
void
format_time(char *out, size_t size, int64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "1970-01-01T00:00:00Z");
}

/*
 * Reads the file name, relative to dirfd (or AT_FDCWD), up to max + 1
 * bytes, so that a caller can tell a file that is too large.  The bytes
 * are NUL-terminated.  Returns them, which the caller frees, or NULL with
 * errno set.
 */
char *
file_read_at(int dirfd, const char *name, size_t max, size_t *len)
{
	struct buf	 b;
	char		 chunk[65536];
	ssize_t		 n = 0;
	int		 fd, saved;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	buf_init(&b);
	buf_put(&b, "", 0);
	while (b.len <= max) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_put(&b, chunk, (size_t)n);
	}
	saved = errno;
	close(fd);
	if (n == -1) {
		buf_free(&b);
		errno = saved;
		return NULL;
	}
	return buf_detach(&b, len);
}

/* The value of hex digit c, or -1. */
int
hex_digit(char c)
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
form_value(const char *body, size_t len, const char *name)
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
			    (hi = hex_digit(p[1])) >= 0 &&
			    (lo = hex_digit(p[2])) >= 0) {
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
