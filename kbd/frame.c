/*
 * frame.c (web): what every public HTML page has around its content: the
 * head (title, style sheet, scripts, feeds, icon), the header with the
 * site's name and search box, and the footer.  Pages are German and work
 * without JavaScript.  Every value goes through escape_html().
 */
#include <string.h>

#include "kbd.h"

#define SITE_NAME	KBD_SITE_NAME
/* Short enough to be read whole in the box on a phone (390 px). */
#define PLACEHOLDER	"Ihre Frage oder Suchbegriffe"
#define TITLE_MAX	65	/* characters of a <title> */

void
frame_search_form(struct buf *b, const char *q, const char *cls)
{
	buf_printf(b, "<form class=\"%s\" action=\"/search\" method=\"get\" "
	    "role=\"search\">\n<label class=\"visually-hidden\" for=\"q\">"
	    "Suche</label>\n<input id=\"q\" name=\"q\" type=\"search\" "
	    "value=\"", cls);
	escape_html(b, q);
	buf_puts(b, "\" placeholder=\"" PLACEHOLDER "\" maxlength=\"200\" "
	    "autocomplete=\"off\">\n<button type=\"submit\">Suchen</button>\n"
	    "</form>\n");
}

/* Characters (not bytes) of the UTF-8 text s[0..n). */
static size_t
letters(const char *s, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

/*
 * The <title>: "title – Hilfe & FAQ", at most TITLE_MAX characters, as
 * search engines show them: a long title goes without the site's name,
 * a longer one is cut at a space, with "…".
 */
static void
page_title(struct buf *b, const char *title)
{
	size_t	 n, cut;

	if (title == NULL) {
		buf_puts(b, SITE_NAME);
		return;
	}
	n = strlen(title);
	if (letters(title, n) + letters(" – " KBD_SITE_NAME_TEXT,
	    strlen(" – " KBD_SITE_NAME_TEXT)) <= TITLE_MAX) {
		escape_html(b, title);
		buf_puts(b, " – " SITE_NAME);
		return;
	}
	if (letters(title, n) <= TITLE_MAX) {
		escape_html(b, title);
		return;
	}
	for (cut = n; cut > 0 && letters(title, cut) > TITLE_MAX - 1; cut--)
		;
	while (cut > 0 && title[cut] != ' ')
		cut--;
	escape_html_n(b, title, cut > 0 ? cut : utf8_prefix(title, n,
	    TITLE_MAX - 1));
	buf_puts(b, "…");
}

/*
 * Opens a page up to the end of what every <head> has; title is plain
 * text.  The caller may add to <head>, then calls frame_head_close().
 */
void
frame_head_open(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	page_title(b, title);
	/* Versioned links: the browser may keep these files for a year. */
	buf_printf(b, "</title>\n<link rel=\"stylesheet\" "
	    "href=\"/static/style.css?v=%s\">\n<script src=\"/static/"
	    "search.js?v=%s\" defer></script>\n"
	    "<link rel=\"icon\" href=\"/static/favicon.ico?v=%s\">\n"
	    "<link rel=\"search\" type=\"application/opensearchdescription+xml\""
	    " title=\"" SITE_NAME "\" href=\"/opensearch.xml\">\n"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" "
	    "title=\"" SITE_NAME ": neue und geänderte Artikel\" "
	    "href=\"/feed.atom\">\n",
	    static_version("style.css"), static_version("search.js"),
	    static_version("favicon.ico"));
}

/* Ends <head> and opens the body; q is the text of the search box. */
void
frame_head_close(struct buf *b, const char *q, int home)
{
	buf_printf(b, "</head>\n<body%s>\n<a class=\"skip\" href=\"#main\">Zum "
	    "Inhalt springen</a>\n<header class=\"site\"><div class=\"wrap\">"
	    "\n<a class=\"brand\" href=\"/\">" SITE_NAME "</a>\n",
	    home ? " class=\"front\"" : "");
	if (!home)
		frame_search_form(b, q, "search search-small");
	buf_printf(b, "</div></header>\n<main class=\"wrap%s\" id=\"main\">\n",
	    home ? " wide" : "");
}

/*
 * "Frage nicht beantwortet? Kontakt aufnehmen", linked to --contact-url;
 * nothing without it.
 */
void
frame_contact(struct buf *b)
{
	const char	*url = site_contact_url();

	if (url == NULL)
		return;
	buf_puts(b, "<p class=\"contact\">Frage nicht beantwortet? <a href=\"");
	escape_html(b, url);
	buf_puts(b, "\">");
	escape_html(b, site_contact_text());
	buf_puts(b, "</a></p>\n");
}

/* Opens a page; title is plain text, q the text of the search box. */
void
frame_begin(struct buf *b, const char *title, const char *q, int home)
{
	frame_head_open(b, title);
	if (home) {
		buf_puts(b, "<link rel=\"canonical\" href=\"");
		escape_html(b, site_base());
		buf_puts(b, "/\">\n<meta name=\"description\" content=\""
		    "Antworten auf häufige Fragen: durchsuchen Sie die Hilfe "
		    "oder lesen Sie die meistgelesenen Artikel.\">\n");
	}
	frame_head_close(b, q, home);
}

void
frame_end(struct buf *b)
{
	buf_puts(b, "</main>\n<footer class=\"site\"><div class=\"wrap\">"
	    "<a href=\"/\">Startseite</a> · Antworten auf häufige Fragen "
	    "rund um E-Mail, Domains, DNS und Router</div></footer>\n"
	    "</body>\n</html>\n");
}
