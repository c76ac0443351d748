/*
 * render.c: Markdown to HTML and to plain text, with cmark.  HTML is
 * rendered in cmark's safe mode (never CMARK_OPT_UNSAFE): raw HTML is
 * dropped and javascript:, vbscript:, file: and most data: links lose
 * their URL.  The plain text is what the search index sees and what
 * snippets are cut from: the words of the article without markup, URLs or
 * code fences, one block per line.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "kbd.h"

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

	if ((doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT)) == NULL)
		return -1;
	if ((h = cmark_render_html(doc, CMARK_OPT_DEFAULT)) == NULL) {
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
