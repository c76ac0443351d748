/*
 * render.c (store): Markdown to HTML and to plain text, with cmark-gfm
 * (GitHub's cmark) and its tables, autolinks, strikethrough and task
 * lists.  HTML is rendered in cmark's safe mode, passed explicitly (never
 * CMARK_OPT_UNSAFE): raw HTML is dropped and javascript:, vbscript:,
 * file: and most data: links lose their URL.  Safe mode is the default
 * only from cmark(-gfm) 0.29 on; before, CMARK_OPT_SAFE turned it on, so
 * kbd wants 0.29 at build time and passes the flag all the same: even an
 * older library loaded at run time renders safely.  Before rendering, the tree
 * is made to fit kbd's pages: a table goes into a box that scrolls
 * sideways on a narrow screen (and loses its column alignment, which
 * would need inline styles the pages' CSP forbids); a task list item
 * shows its state as a mark, not as a form field; a picture of the media
 * folder ("media/<name>", media.c) gets its versioned URL, its size in
 * pixels and lazy loading.  The plain text is what the search index sees
 * and what snippets are cut from: the words of the article without
 * markup, URLs or code fences, one block (and one table row) per line.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "kbd.h"

#if !defined(CMARK_GFM_VERSION) || \
    CMARK_GFM_VERSION < ((0 << 24) | (29 << 16))
#error "kbd needs cmark-gfm 0.29 or later (safe HTML by default)"
#endif

/* Safe mode, said out loud: it is cmark-gfm's default too. */
#define RENDER_OPTIONS	CMARK_OPT_SAFE

static const char *const extensions[] = {
	"table", "autolink", "strikethrough", "tasklist",
};
static pthread_once_t	 registered = PTHREAD_ONCE_INIT;

static void
register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/*
 * Parses md[0..len) with the extensions.  Returns the document, or NULL;
 * *parser (the extensions' owner) is freed after the document, with
 * cmark_parser_free().
 */
static cmark_node *
parse(const char *md, size_t len, cmark_parser **parser)
{
	cmark_syntax_extension	*ext;
	size_t			 i;

	pthread_once(&registered, register_extensions);
	if ((*parser = cmark_parser_new(RENDER_OPTIONS)) == NULL)
		return NULL;
	for (i = 0; i < nitems(extensions); i++)
		if ((ext = cmark_find_syntax_extension(extensions[i])) != NULL)
			cmark_parser_attach_syntax_extension(*parser, ext);
	cmark_parser_feed(*parser, md, len);
	return cmark_parser_finish(*parser);
}

/* Is n of the extension node type name ("table", "table_cell", ...)? */
static int
is(cmark_node *n, const char *name)
{
	return strcmp(cmark_node_get_type_string(n), name) == 0;
}

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
			/* A table: a row a line, its cells apart. */
			if (is(n, "table") || is(n, "table_header") ||
			    is(n, "table_row") || is(n, "tasklist"))
				text_newline(b);
			else if (is(n, "table_cell") && ev == CMARK_EVENT_ENTER &&
			    b->len > 0 && b->data[b->len - 1] != '\n')
				buf_puts(b, " · ");
			/* Raw HTML is not part of the text: it is not shown. */
			break;
		}
	}
	cmark_iter_free(it);
	while (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
}

/* The plain text of n's children (a picture's description). */
static void
flat_text(cmark_node *n, struct buf *b)
{
	cmark_iter	*it = cmark_iter_new(n);
	cmark_node	*c;
	const char	*lit;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		c = cmark_iter_get_node(it);
		if ((cmark_node_get_type(c) == CMARK_NODE_TEXT ||
		    cmark_node_get_type(c) == CMARK_NODE_CODE) &&
		    (lit = cmark_node_get_literal(c)) != NULL)
			buf_puts(b, lit);
		else if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK ||
		    cmark_node_get_type(c) == CMARK_NODE_LINEBREAK)
			buf_putc(b, ' ');
	}
	cmark_iter_free(it);
}

/*
 * The name of the media folder's picture url names ("media/x.png",
 * "/media/x.png"), or NULL.
 */
static const char *
media_name(const char *url)
{
	if (url == NULL)
		return NULL;
	if (strncmp(url, "/media/", 7) == 0)
		url += 7;
	else if (strncmp(url, "media/", 6) == 0)
		url += 6;
	else
		return NULL;
	return media_name_ok(url) ? url : NULL;
}

/*
 * Replaces the picture node img of the media folder's picture name by
 * the <img> kbd's pages want: the versioned URL (served for a year,
 * media_http.c), width and height (no jump while it loads), lazy
 * loading; its description and title escaped.
 */
static void
media_image(cmark_node *img, const char *name)
{
	struct media_info	 mi;
	struct buf		 b, alt;
	cmark_node		*n;
	const char		*title = cmark_node_get_title(img);

	buf_init(&alt);
	buf_puts(&alt, "");
	flat_text(img, &alt);
	buf_init(&b);
	buf_puts(&b, "<img src=\"/media/");
	buf_puts(&b, name);	/* a-z, 0-9, '.', '-', '_' only */
	if (media_info(name, &mi) == 0)
		buf_printf(&b, "?v=%s\" width=\"%u\" height=\"%u", mi.version,
		    mi.width, mi.height);
	buf_puts(&b, "\" alt=\"");
	escape_html(&b, alt.data);
	buf_puts(&b, "\"");
	if (title != NULL && *title != '\0') {
		buf_puts(&b, " title=\"");
		escape_html(&b, title);
		buf_puts(&b, "\"");
	}
	buf_puts(&b, " loading=\"lazy\" decoding=\"async\">");
	if ((n = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)) != NULL) {
		/* Built above from escaped text only. */
		cmark_node_set_on_enter(n, b.data);
		cmark_node_insert_before(img, n);
		cmark_node_unlink(img);
		cmark_node_free(img);
	}
	buf_free(&b);
	buf_free(&alt);
}

/*
 * A table in a box that scrolls sideways on a narrow screen, which the
 * keyboard can reach (tabindex) and a screen reader names (the nth
 * table); without column alignment, which would be a style attribute.
 */
static void
table_box(cmark_node *table, int nth)
{
	cmark_node	*box;
	uint8_t		*align;
	uint16_t	 cols = cmark_gfm_extensions_get_table_columns(table);
	char		 open[128];

	/*
	 * Cleared in place: cmark-gfm 0.29.0.gfm.6's setter copies the new
	 * alignments over the old ones' pointer without freeing them.
	 */
	if ((align = cmark_gfm_extensions_get_table_alignments(table)) != NULL)
		memset(align, 0, cols);
	if ((box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)) == NULL)
		return;
	snprintf(open, sizeof(open), "<section class=\"table-scroll\" "
	    "tabindex=\"0\" aria-label=\"Tabelle %d\">", nth);
	cmark_node_set_on_enter(box, open);
	cmark_node_set_on_exit(box, "</section>");
	cmark_node_insert_before(table, box);
	if (!cmark_node_append_child(box, table)) {
		cmark_node_unlink(box);
		cmark_node_free(box);
	}
}

/*
 * A task list item as a plain one, its state a mark with a name ("[x]
 * Backup": a ticked box read as "erledigt") rather than a disabled
 * checkbox, a form field without a label.
 */
static void
task_item(cmark_node *item)
{
	cmark_node	*plain, *c, *first, *mark;
	int		 done = cmark_gfm_extensions_get_tasklist_item_checked(item);

	if ((plain = cmark_node_new(CMARK_NODE_ITEM)) == NULL)
		return;
	while ((c = cmark_node_first_child(item)) != NULL)
		cmark_node_append_child(plain, c);
	cmark_node_insert_before(item, plain);
	cmark_node_unlink(item);
	cmark_node_free(item);
	if ((first = cmark_node_first_child(plain)) == NULL ||
	    cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH ||
	    (mark = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)) == NULL)
		return;
	cmark_node_set_on_enter(mark, done ? "<span class=\"task done\" "
	    "role=\"img\" aria-label=\"erledigt\">\xe2\x98\x91</span> " :
	    "<span class=\"task\" role=\"img\" aria-label=\"offen\">"
	    "\xe2\x98\x90</span> ");
	cmark_node_prepend_child(first, mark);
}

/*
 * Fits the tree of doc to kbd's pages (see the top of this file).  The
 * nodes to change are collected first: changing the tree while an
 * iterator walks it is not allowed.
 */
static void
fit(cmark_node *doc)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*n, **todo = NULL;
	size_t			 ntodo = 0, cap = 0, i;
	int			 tables = 0;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || !(is(n, "table") ||
		    is(n, "tasklist") || (cmark_node_get_type(n) ==
		    CMARK_NODE_IMAGE && media_name(cmark_node_get_url(n)) !=
		    NULL)))
			continue;
		if (ntodo == cap) {
			cap = cap ? cap * 2 : 16;
			todo = xreallocarray(todo, cap, sizeof(*todo));
		}
		todo[ntodo++] = n;
	}
	cmark_iter_free(it);
	for (i = 0; i < ntodo; i++) {
		n = todo[i];
		if (is(n, "table"))
			table_box(n, ++tables);
		else if (is(n, "tasklist"))
			task_item(n);
		else
			media_image(n, media_name(cmark_node_get_url(n)));
	}
	free(todo);
}

/*
 * Renders the Markdown md[0..len), which must be valid UTF-8.  Stores the
 * safe HTML in *html and the plain text in *text; the caller frees both.
 * Returns 0, or -1 when cmark fails (out of memory).
 */
int
render_markdown(const char *md, size_t len, char **html, char **text)
{
	cmark_parser	*parser;
	cmark_node	*doc;
	char		*h;
	struct buf	 b;

	if ((doc = parse(md, len, &parser)) == NULL) {
		if (parser != NULL)
			cmark_parser_free(parser);
		return -1;
	}
	buf_init(&b);
	text_of(doc, &b);
	fit(doc);
	h = cmark_render_html(doc, RENDER_OPTIONS,
	    cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(doc);
	cmark_parser_free(parser);
	if (h == NULL) {
		buf_free(&b);
		return -1;
	}
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
	cmark_parser	*parser;
	cmark_node	*doc, *n, *para = NULL;
	cmark_iter	*it;
	struct buf	 b;
	const char	*lit;

	buf_init(&b);
	buf_puts(&b, "");
	if ((doc = parse(md, len, &parser)) == NULL) {
		if (parser != NULL)
			cmark_parser_free(parser);
		return buf_detach(&b, NULL);
	}
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
	cmark_parser_free(parser);
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
