/*
 * render.c (store): Markdown to HTML and to plain text, with cmark.  HTML is
 * rendered in cmark's safe mode (never CMARK_OPT_UNSAFE): raw HTML is
 * dropped and javascript:, vbscript:, file: and most data: links lose
 * their URL.  Safe mode is cmark's default only from 0.29 on; before,
 * CMARK_OPT_SAFE turned it on.  kbd wants 0.29 at build time and passes
 * CMARK_OPT_SAFE all the same, so that even an older library loaded at
 * run time renders safely.  The plain text is what the search index sees and what
 * snippets are cut from: the words of the article without markup, URLs or
 * code fences, one block per line.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "kbd.h"

#if !defined(CMARK_VERSION) || CMARK_VERSION < ((0 << 16) | (29 << 8))
#error "kbd needs cmark 0.29 or later (safe HTML by default); see kbd/deps.sh"
#endif

/* Safe, and said so for libraries older than the header (see above). */
#define RENDER_OPTS	(CMARK_OPT_DEFAULT | CMARK_OPT_SAFE)

/* Ends the current line of plain text unless it is already ended. */
static void
text_newline(struct buf *b)
{
	if (b->len > 0 && b->data[b->len - 1] != '\n')
		buf_putc(b, '\n');
}

static void
text_of(cmark_node *doc, struct buf *b)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*n;
	const char		*lit;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(n)) != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_CODE_BLOCK:
			text_newline(b);
			if ((lit = cmark_node_get_literal(n)) != NULL)
				buf_puts(b, lit);
			text_newline(b);
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_putc(b, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, '\n');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_BLOCK_QUOTE:
		case CMARK_NODE_THEMATIC_BREAK:
			text_newline(b);
			break;
		default:
			/* Raw HTML is not part of the text: it is not shown. */
			break;
		}
		(void)ev;
	}
	cmark_iter_free(it);
	while (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
}

/*
 * Renders the Markdown md[0..len), which must be valid UTF-8.  Stores the
 * safe HTML in *html and the plain text in *text; the caller frees both.
 * Returns 0, or -1 when cmark fails (out of memory).
 */
int
render_markdown(const char *md, size_t len, char **html, char **text)
{
	cmark_node	*doc;
	char		*h;
	struct buf	 b;

	if ((doc = cmark_parse_document(md, len, RENDER_OPTS)) == NULL)
		return -1;
	if ((h = cmark_render_html(doc, RENDER_OPTS)) == NULL) {
		cmark_node_free(doc);
		return -1;
	}
	buf_init(&b);
	text_of(doc, &b);
	cmark_node_free(doc);
	*html = h;
	*text = buf_detach(&b, NULL);
	return 0;
}

/*
 * Cuts the text in b to at most max bytes, at a space when there is one
 * in the last third, and ends it with "…".  Runs of whitespace (tab to
 * CR, space) become one space.
 */
static void
shorten(struct buf *b, size_t max)
{
	size_t	 i, w = 0, cut;
	int	 space = 1;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == ' ' || (b->data[i] >= '\t' &&
		    b->data[i] <= '\r')) {
			if (!space)
				b->data[w++] = ' ';
			space = 1;
		} else {
			b->data[w++] = b->data[i];
			space = 0;
		}
	}
	while (w > 0 && b->data[w - 1] == ' ')
		w--;
	b->len = w;
	b->data[w] = '\0';
	if (w <= max)
		return;
	cut = utf8_prefix(b->data, w, max - 3);
	for (i = cut; i > max * 2 / 3; i--)
		if (b->data[i] == ' ') {
			cut = i;
			break;
		}
	while (cut > 0 && (b->data[cut - 1] == ' ' || b->data[cut - 1] == ',' ||
	    b->data[cut - 1] == ':' || b->data[cut - 1] == ';'))
		cut--;
	b->len = cut;
	buf_puts(b, "…");
}

/*
 * Returns the plain text of the first paragraph of the Markdown md[0..len)
 * (valid UTF-8), at most max bytes (max >= 8), for a meta description or
 * a feed summary; the first text of any kind when there is no paragraph,
 * "" when there is no text.  The caller frees it.
 */
char *
render_summary(const char *md, size_t len, size_t max)
{
	cmark_node	*doc, *n, *para = NULL;
	cmark_iter	*it;
	struct buf	 b;
	const char	*lit;

	buf_init(&b);
	buf_puts(&b, "");
	if ((doc = cmark_parse_document(md, len, RENDER_OPTS)) == NULL)
		return buf_detach(&b, NULL);
	for (n = cmark_node_first_child(doc); n != NULL && para == NULL;
	    n = cmark_node_next(n))
		if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH)
			para = n;
	if (para != NULL) {
		it = cmark_iter_new(para);
		while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
			n = cmark_iter_get_node(it);
			if ((cmark_node_get_type(n) == CMARK_NODE_TEXT ||
			    cmark_node_get_type(n) == CMARK_NODE_CODE) &&
			    (lit = cmark_node_get_literal(n)) != NULL)
				buf_puts(&b, lit);
			else if (cmark_node_get_type(n) ==
			    CMARK_NODE_SOFTBREAK || cmark_node_get_type(n) ==
			    CMARK_NODE_LINEBREAK)
				buf_putc(&b, ' ');
		}
		cmark_iter_free(it);
	} else
		text_of(doc, &b);
	cmark_node_free(doc);
	shorten(&b, max);
	return buf_detach(&b, NULL);
}

/* Like render_summary() for plain text: its first line, shortened. */
char *
render_summary_text(const char *text, size_t max)
{
	struct buf	 b;
	const char	*nl = strchr(text, '\n');

	buf_init(&b);
	buf_put(&b, text, nl != NULL ? (size_t)(nl - text) : strlen(text));
	buf_puts(&b, "");
	shorten(&b, max);
	return buf_detach(&b, NULL);
}
