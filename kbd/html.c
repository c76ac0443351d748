/*
 * html.c: escaping for HTML and URLs.  Every value that goes into a page
 * passes through html_escape(), which escapes quotes too, so the same call
 * is safe in text and in attribute values.  Output that must not be
 * escaped (snippets and rendered articles, which are escaped when they are
 * made) is appended with buf_puts() in page.c, where it stands out.
 */
#include <string.h>

#include "kbd.h"

void
html_escape_n(struct buf *b, const char *s, size_t n)
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
html_escape(struct buf *b, const char *s)
{
	html_escape_n(b, s, strlen(s));
}

/* Appends s percent-encoded for a URL query value or path segment. */
void
url_escape(struct buf *b, const char *s)
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
