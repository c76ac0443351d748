/*
 * escape.c (base): escaping for HTML and URLs.  Every value that goes into a
 * page passes through escape_html(), which escapes quotes too, so the same call
 * is safe in text and in attribute values.  Output that must not be escaped
 * (snippets and rendered articles, which are escaped when they are made) is
 * appended with buf_puts() in page.c, where it stands out. escape_log() makes a
 * value from a request safe for a log line.
 */
#include <string.h>

#include "kbd.h"

void
escape_html_n(struct buf *b, const char *s, size_t n)
{
	size_t	 i, from = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_put(b, s + from, i - from);
		buf_puts(b, rep);
		from = i + 1;
	}
	buf_put(b, s + from, n - from);
}

void
escape_html(struct buf *b, const char *s)
{
	escape_html_n(b, s, strlen(s));
}

/* Appends s percent-encoded for a URL query value or path segment. */
void
escape_url(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			buf_putc(b, (char)c);
			continue;
		}
		buf_putc(b, '%');
		buf_putc(b, hex[c >> 4]);
		buf_putc(b, hex[c & 15]);
	}
}

/*
 * Appends s escaped for XML text and attribute values.  Control
 * characters other than tab and line breaks, and U+FFFE/U+FFFF, are not
 * allowed in XML 1.0 even as references: they are dropped, so that an
 * odd byte in an article cannot make a feed unreadable.
 */
void
escape_xml(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 from = 0, i;

	for (i = 0; p[i] != '\0'; i++) {
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r') || p[i] == 0x7f) {
			escape_html_n(b, s + from, i - from);
			from = i + 1;
		} else if (p[i] == 0xef && p[i + 1] == 0xbf &&
		    (p[i + 2] == 0xbe || p[i + 2] == 0xbf)) {
			escape_html_n(b, s + from, i - from);
			i += 2;
			from = i + 1;
		}
	}
	escape_html_n(b, s + from, i - from);
}

/*
 * Appends the JSON text json for a <script type="application/ld+json">
 * block.  '<', '>' and '&' occur in JSON text only inside strings, where
 * \u003c and friends mean the same; U+2028 and U+2029 are escaped too,
 * for parsers that take the block as JavaScript.
 */
void
escape_json_script(struct buf *b, const char *json)
{
	const char	*p, *from = json;

	for (p = json; *p != '\0'; p++) {
		if (*p == '<' || *p == '>' || *p == '&') {
			buf_put(b, from, (size_t)(p - from));
			buf_printf(b, "\\u%04x", (unsigned int)*p);
			from = p + 1;
		} else if (strncmp(p, "\xe2\x80\xa8", 3) == 0 ||
		    strncmp(p, "\xe2\x80\xa9", 3) == 0) {
			buf_put(b, from, (size_t)(p - from));
			buf_puts(b, p[2] == '\xa8' ? "\\u2028" : "\\u2029");
			p += 2;
			from = p + 1;
		}
	}
	buf_puts(b, from);
}

/*
 * Appends at most max bytes of s to a log line, with every byte that is
 * not printable ASCII, and '"' and '\\', written as \xHH: a value from
 * a request can neither end the line nor forge another.  NULL or "" is
 * written "-".
 */
void
escape_log(struct buf *b, const char *s, size_t max)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 n = 0;
	unsigned char		 c;

	if (s == NULL || *s == '\0') {
		buf_putc(b, '-');
		return;
	}
	for (; *s != '\0' && n < max; s++, n++) {
		c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf_putc(b, (char)c);
			continue;
		}
		buf_puts(b, "\\x");
		buf_putc(b, hex[c >> 4]);
		buf_putc(b, hex[c & 15]);
	}
}

/*
 * How a letter of Latin-1 (the second byte of a UTF-8 sequence starting
 * with 0xC3) is written in a slug: German umlauts and ß as ae, oe, ue,
 * ss; other accented letters without their accent; "" for × and ÷.
 */
static const char *const latin1_slug[64] = {
	"a", "a", "a", "a", "ae", "a", "ae", "c",	/* À-Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* È-Ï */
	"d", "n", "o", "o", "o", "o", "oe", "",		/* Ð-× */
	"o", "u", "u", "u", "ue", "y", "th", "ss",	/* Ø-ß */
	"a", "a", "a", "a", "ae", "a", "ae", "c",	/* à-ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* è-ï */
	"d", "n", "o", "o", "o", "o", "oe", "",		/* ð-÷ */
	"o", "u", "u", "u", "ue", "y", "th", "y",	/* ø-ÿ */
};

/*
 * Appends the slug form of the text s, at most max bytes of it (max >
 * 0): lowercase ASCII letters and digits, every other run of characters
 * one '-', none at either end; umlauts and ß are written out ("Über
 * uns/Impressum": ueber-uns-impressum), other accented Latin letters lose
 * their accent, other characters (and invalid UTF-8) separate words.
 * The same text always gives the same slug; it may be empty.
 */
void
escape_slug(struct buf *b, const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*rep;
	char			 one[2] = { 0, 0 };
	size_t			 start = b->len, n;
	int			 dash = 0;

	buf_puts(b, "");
	for (; *p != '\0'; p++) {
		rep = NULL;
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			one[0] = (char)*p;
		else if (*p >= 'A' && *p <= 'Z')
			one[0] = (char)(*p + 32);
		else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF)
			rep = latin1_slug[*++p - 0x80];
		else if (*p == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) {
			rep = "oe";		/* Œ, œ */
			p++;
		} else
			rep = "";
		if (rep == NULL)
			rep = one;
		if (*rep == '\0') {
			dash = b->len > start;
			continue;
		}
		n = strlen(rep) + (dash ? 1 : 0);
		if (b->len - start + n > max)
			break;
		if (dash)
			buf_putc(b, '-');
		buf_puts(b, rep);
		dash = 0;
	}
}
