/*
 * embed.c (web): the knowledge base on other sites' pages.  Three ways, from
 * the most to the least integrated: static/widget.js (a script or custom
 * element that reads /api/top and /api/suggest across origins, see
 * site.c for CORS), /embed/top (a page made to be framed, the only one
 * that may be), and /embed/top.html (an HTML fragment a site includes on
 * its server).  /embed documents all three for site owners, with live
 * previews, the snippets to copy and the hash for Subresource Integrity.
 *
 * Lists take limit (1-100), period ("all", "7d", "30d", …), hits (1 to
 * show the counts), lang ("de" or "en", for the few words around
 * them), category (only that category's articles), and for /embed/top
 * theme ("dark") and search (1: a search box above the list); links are
 * absolute, on site_base(), and open in the top window.  /embed/top
 * tells the page around it its height (static/embed-frame.js), so that
 * the snippet's listener can size the iframe to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define HTML_TYPE	"text/html; charset=utf-8"
#define EMBED_MAX_AGE	"public, max-age=60"

/* What a list looks like, from the query. */
struct embed_args {
	int		 limit;
	int		 days;		/* 0: all time */
	int		 hits;		/* show the counts */
	int		 en;		/* English words around the list */
	int		 dark;		/* theme=dark */
	int		 search;	/* a search box above the list */
	char		 category[KBD_MAX_CATEGORY + 1];	/* or "" */
};

/* Parses req's arguments.  Returns 0, or -1 when one is not valid. */
static int
parse_args(struct request *req, struct embed_args *a)
{
	const char	*lang = http_arg(req, "lang");
	const char	*theme = http_arg(req, "theme");
	const char	*category = http_arg(req, "category");
	int		 hits, search;

	memset(a, 0, sizeof(*a));
	if (http_arg_number(req, "limit", KBD_DEFAULT_LIMIT, 1, KBD_TOP_MAX,
	    &a->limit) == -1 || http_arg_number(req, "hits", 0, 0, 1, &hits) == -1 ||
	    http_arg_number(req, "search", 0, 0, 1, &search) == -1 ||
	    top_period(http_arg(req, "period"), &a->days) == -1)
		return -1;
	if (category != NULL && strlen(category) > KBD_MAX_CATEGORY)
		return -1;
	snprintf(a->category, sizeof(a->category), "%s", category != NULL ?
	    category : "");
	a->dark = theme != NULL && strcmp(theme, "dark") == 0;
	a->search = search;
	a->hits = hits;
	a->en = lang != NULL && strncmp(lang, "en", 2) == 0;
	return 0;
}

int
embed_top_key(struct request *req, struct cache_key *k)
{
	struct embed_args	 a;

	if (parse_args(req, &a) == -1)
		return -1;
	cache_key_init(k, top_stamp(a.days), req->path);
	cache_key_add_int(k, a.limit);
	cache_key_add_int(k, a.days);
	cache_key_add_int(k, a.hits);
	cache_key_add_int(k, a.en);
	cache_key_add_int(k, a.dark);
	cache_key_add_int(k, a.search);
	cache_key_add(k, a.category);
	return cache_key_done(k);
}

/*
 * Appends the list as <ol> with absolute links; link_attrs is added to
 * each <a> (a target), cls names the count's class.
 */
static void
top_items(struct buf *b, const struct embed_args *a, const char *link_attrs,
    const char *cls, struct top_entry *t, size_t n)
{
	size_t	 i, shown = 0;

	buf_puts(b, "<ol>\n");
	for (i = 0; i < n && shown < (size_t)a->limit; i++) {
		if (*a->category != '\0' && strcmp(a->category,
		    t[i].category) != 0)
			continue;
		shown++;
		buf_puts(b, "<li><a href=\"");
		escape_html(b, site_base());
		buf_puts(b, "/a/");
		escape_url(b, t[i].slug);
		buf_printf(b, "\"%s>", link_attrs);
		escape_html(b, t[i].title);
		buf_puts(b, "</a>");
		if (a->hits)
			buf_printf(b, " <span class=\"%s\">(%lld %s)</span>",
			    cls, (long long)t[i].hits, a->en ? "views" :
			    "Aufrufe");
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ol>\n");
}

/* Reads the list for req into *t; answers 400 or 503 itself on -1. */
static int
read_list(struct request *req, struct reply *rep, struct embed_args *a,
    struct top_entry **t, size_t *n)
{
	*t = NULL;
	*n = 0;
	if (parse_args(req, a) == -1) {
		error_reply(req, rep, 400, NULL);
		return -1;
	}
	/* A category's articles come from the whole list kept ready. */
	if (top_get(a->days, *a->category != '\0' ? KBD_TOP_MAX :
	    (size_t)a->limit, t, n) == -1) {
		top_free(*t, *n);
		error_reply(req, rep, 503, NULL);
		return -1;
	}
	return 0;
}

/*
 * GET /embed/top: the list as a page of its own, for an <iframe>.  It
 * may be framed by the sites of --cors-origin (http.c writes
 * frame-ancestors), and its links open in the window around it.
 */
void
embed_top(struct request *req, struct reply *rep)
{
	struct embed_args	 a;
	struct top_entry	*t;
	struct buf		 b;
	size_t			 n, len;
	const char		*heading;
	char			*body;

	if (read_list(req, rep, &a, &t, &n) == -1)
		return;
	heading = a.en ? "Frequently asked questions" : "Häufige Fragen";
	buf_init(&b);
	buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n<title>%s – "
	    KBD_SITE_NAME "</title>\n<link rel=\"stylesheet\" "
	    "href=\"/static/embed.css?v=%s\">\n"
	    "<script src=\"/static/embed-frame.js?v=%s\" defer></script>\n"
	    "</head>\n<body%s>\n<section class=\"k\" aria-labelledby=\"h\">\n"
	    "<h2 id=\"h\">%s</h2>\n", a.en ? "en" : "de", heading,
	    static_version("embed.css"), static_version("embed-frame.js"),
	    a.dark ? " class=\"dark\"" : "", heading);
	if (a.search) {
		buf_puts(&b, "<form class=\"s\" role=\"search\" method=\"get\" "
		    "target=\"_top\" action=\"");
		escape_html(&b, site_base());
		buf_printf(&b, "/search\"><input type=\"search\" name=\"q\" "
		    "aria-label=\"%s\" placeholder=\"%s\"> <button type=\""
		    "submit\">%s</button></form>\n", a.en ? "Search the help" :
		    "Hilfe durchsuchen", a.en ? "Search the help" :
		    "Hilfe durchsuchen", a.en ? "Search" : "Suchen");
	}
	top_items(&b, &a, " target=\"_top\"", "n", t, n);
	buf_puts(&b, "</section>\n</body>\n</html>\n");
	top_free(t, n);
	body = buf_detach(&b, &len);
	reply_text(rep, 200, HTML_TYPE, body, len);
	rep->framable = 1;
	rep->cache = EMBED_MAX_AGE;
}

/*
 * GET /embed/top.html: the list as an HTML fragment, without styles, for
 * a site to include on its server (SSI, PHP, a template).
 */
void
embed_fragment(struct request *req, struct reply *rep)
{
	struct embed_args	 a;
	struct top_entry	*t;
	struct buf		 b;
	size_t			 n, len;
	char			*body;

	if (read_list(req, rep, &a, &t, &n) == -1)
		return;
	buf_init(&b);
	buf_printf(&b, "<div class=\"kbd-top-faq\" lang=\"%s\">\n<h2>%s</h2>\n",
	    a.en ? "en" : "de", a.en ? "Frequently asked questions" :
	    "Häufige Fragen");
	top_items(&b, &a, "", "kbd-hits", t, n);
	buf_puts(&b, "</div>\n");
	top_free(t, n);
	body = buf_detach(&b, &len);
	reply_text(rep, 200, HTML_TYPE, body, len);
	rep->cache = EMBED_MAX_AGE;
}

/* The docs page is the same until a restart (base URL, static files). */
int
embed_page_key(struct request *req, struct cache_key *k)
{
	(void)req;
	cache_key_init(k, 0, "embed");
	return cache_key_done(k);
}

/* A snippet to copy: <pre> with an id, and a button embed.js wires up. */
static void
snippet(struct buf *b, const char *id, const char *code)
{
	buf_printf(b, "<div class=\"snippet\">\n<pre><code id=\"%s\">", id);
	escape_html(b, code);
	buf_printf(b, "</code></pre>\n<button type=\"button\" class=\"copy\" "
	    "data-copy=\"%s\" hidden>Kopieren</button>\n</div>\n", id);
}

/* Appends the snippets for the three ways, on this site's base URL. */
static void
snippets(struct buf *b)
{
	const char	*base = site_base();
	char		*s;

	buf_puts(b, "<h2>1. Das Skript (empfohlen)</h2>\n<p>Eine Zeile an der "
	    "Stelle Ihrer Seite, an der die Liste erscheinen soll. Sie "
	    "übernimmt die Schriftart Ihrer Seite, bringt ihr eigenes "
	    "Aussehen mit und bleibt von Ihrem CSS unberührt (Shadow DOM)."
	    "</p>\n");
	s = xasprintf("<script src=\"%s/static/widget.js\" "
	    "data-kbd-top=\"10\" async></script>", base);
	snippet(b, "snippet-script", s);
	free(s);
	buf_puts(b, "<p>Mit Subresource Integrity lädt der Browser genau "
	    "diese Fassung des Skripts und keine andere. Nach einem Update "
	    "von kbd, das das Skript ändert, steht hier der neue Wert.</p>\n");
	s = xasprintf("<script src=\"%s/static/widget.js?v=%s\" "
	    "integrity=\"%s\" crossorigin=\"anonymous\" data-kbd-top=\"10\" "
	    "async></script>", base, static_version("widget.js"),
	    static_integrity("widget.js"));
	snippet(b, "snippet-sri", s);
	free(s);
	buf_puts(b, "<p>Oder als eigenes Element, so oft Sie wollen, "
	    "mit dem Skript einmal auf der Seite:</p>\n");
	s = xasprintf("<kbd-top-faq limit=\"10\" period=\"30d\"></kbd-top-faq>\n"
	    "<script src=\"%s/static/widget.js\" async></script>", base);
	snippet(b, "snippet-element", s);
	free(s);
	buf_puts(b, "<h2>2. Der iframe</h2>\n<p>Ohne Skript auf Ihrer Seite; "
	    "die Liste hat dann eine feste Höhe.</p>\n");
	s = xasprintf("<iframe src=\"%s/embed/top?limit=10\" "
	    "title=\"Häufige Fragen\" width=\"100%%\" height=\"460\" "
	    "style=\"border:0\"></iframe>", base);
	snippet(b, "snippet-iframe", s);
	free(s);
	buf_puts(b, "<h2>3. Das HTML-Fragment</h2>\n<p>Für Seiten, die "
	    "auf dem Server zusammengesetzt werden: <code>/embed/top.html"
	    "</code> liefert nur die Liste (<code>&lt;div class=\"kbd-top-faq"
	    "\"&gt;</code> mit Überschrift und <code>&lt;ol&gt;</code>), "
	    "ohne Skript und ohne Stile, zum Beispiel mit nginx:</p>\n");
	s = xasprintf("<!--# include virtual=\"/faq-top\" -->\n\n"
	    "location = /faq-top {\n    proxy_pass %s/embed/top.html?limit=10;"
	    "\n}", base);
	snippet(b, "snippet-fragment", s);
	free(s);
	buf_puts(b, "<h2>Suchfeld</h2>\n<p>Ein Suchfeld mit Vorschlägen "
	    "während der Eingabe; die Auswahl öffnet den Artikel, Enter die "
	    "Suche.</p>\n");
	s = xasprintf("<script src=\"%s/static/widget.js\" data-kbd-search "
	    "async></script>", base);
	snippet(b, "snippet-search", s);
	free(s);
}

/* The attributes, the theme and what the host page's CSP must allow. */
static void
reference(struct buf *b)
{
	const char	*o, *base = site_base();
	char		*s;
	size_t		 i;
	int		 any;

	buf_puts(b, "<h2>Einstellungen</h2>\n<table>\n<tr><th>Skript</th>"
	    "<th>Element</th><th>Bedeutung</th></tr>\n"
	    "<tr><td><code>data-kbd-top=\"10\"</code></td><td><code>limit"
	    "</code></td><td>so viele Fragen (1 bis 100)</td></tr>\n"
	    "<tr><td><code>data-kbd-period=\"30d\"</code></td><td><code>period"
	    "</code></td><td>die meistgelesenen der letzten Tage "
	    "(<code>7d</code>, <code>30d</code>, …); ohne: seit Beginn</td></tr>\n"
	    "<tr><td><code>data-kbd-hits</code></td><td><code>hits</code></td>"
	    "<td>zeigt, wie oft jede Frage aufgerufen wurde</td></tr>\n"
	    "<tr><td><code>data-kbd-lang=\"en\"</code></td><td><code>lang"
	    "</code></td><td>Sprache der Überschrift und Beschriftungen "
	    "(<code>de</code>, <code>en</code>)</td></tr>\n"
	    "<tr><td><code>data-kbd-heading=\"…\"</code></td><td><code>heading"
	    "</code></td><td>eine eigene Überschrift</td></tr>\n"
	    "<tr><td><code>data-kbd-target=\"#id\"</code></td><td></td>"
	    "<td>statt hinter dem Skript in dieses Element</td></tr>\n"
	    "<tr><td><code>data-kbd-search</code></td><td><code>&lt;kbd-faq-"
	    "search&gt;</code></td><td>das Suchfeld</td></tr>\n</table>\n"
	    "<p>Farben und Größen stellen Sie mit CSS-Variablen ein, die auch in "
	    "den Shadow DOM wirken: <code>--kbd-font</code>, "
	    "<code>--kbd-font-size</code>, <code>--kbd-color</code>, "
	    "<code>--kbd-bg</code>, <code>--kbd-link</code>, "
	    "<code>--kbd-muted</code>, <code>--kbd-border</code>, "
	    "<code>--kbd-radius</code>.</p>\n");
	snippet(b, "snippet-theme", "kbd-top-faq, kbd-faq-search {\n"
	    "    --kbd-link: #8a2be2;\n    --kbd-bg: transparent;\n"
	    "    --kbd-border: transparent;\n}");

	buf_puts(b, "<h2>Content Security Policy Ihrer Seite</h2>\n<p>Hat "
	    "Ihre Seite eine CSP, braucht sie für das Skript und das Suchfeld "
	    "diese Quellen, für den iframe die letzte:</p>\n");
	s = xasprintf("script-src %s;\nconnect-src %s;\nframe-src %s;", base,
	    base, base);
	snippet(b, "snippet-csp", s);
	free(s);
	buf_puts(b, "<h2>Freigabe für Ihre Website</h2>\n<p>");
	o = site_cors_origin(0, &any);
	if (any)
		buf_puts(b, "Dieser Server erlaubt das Einbinden auf allen "
		    "Websites.");
	else if (o == NULL)
		buf_puts(b, "Dieser Server erlaubt das Einbinden noch auf "
		    "keiner anderen Website. Die Betreiber geben eine Website "
		    "mit <code>kbd --cors-origin https://www.example.com</code> "
		    "frei.");
	else {
		buf_puts(b, "Dieser Server erlaubt das Einbinden auf: ");
		for (i = 0; (o = site_cors_origin(i, &any)) != NULL; i++) {
			if (i > 0)
				buf_puts(b, ", ");
			buf_puts(b, "<code>");
			escape_html(b, o);
			buf_puts(b, "</code>");
		}
		buf_puts(b, ". Weitere Websites geben die Betreiber mit "
		    "<code>--cors-origin</code> frei.");
	}
	buf_puts(b, "</p>\n");
}

/* GET /embed: how to put the knowledge base on your own site. */
void
embed_page(struct request *req, struct reply *rep)
{
	struct buf	 b;

	(void)req;
	buf_init(&b);
	frame_begin(&b, "Einbinden", "", 0);
	buf_puts(&b, "<h1>Die Hilfe auf Ihrer Website</h1>\n<p>Zeigen Sie die "
	    "meistgelesenen Fragen oder ein Suchfeld auf Ihrer eigenen Seite. "
	    "Die Liste ist immer aktuell und führt direkt zu den Antworten."
	    "</p>\n<section class=\"preview\" aria-label=\"Vorschau\">\n"
	    "<h2>Vorschau</h2>\n<div class=\"preview-grid\">\n"
	    "<div id=\"preview-top\"></div>\n<div id=\"preview-search\"></div>\n"
	    "</div>\n");
	/* The live previews, made by the real widget, as a host would. */
	buf_printf(&b, "<script src=\"/static/widget.js?v=%s\" "
	    "data-kbd-top=\"5\" data-kbd-hits data-kbd-target=\"#preview-top\" "
	    "async></script>\n<script src=\"/static/widget.js?v=%s\" "
	    "data-kbd-search data-kbd-target=\"#preview-search\" async>"
	    "</script>\n<iframe class=\"preview-frame\" src=\"/embed/top?"
	    "limit=5\" title=\"Vorschau: Häufige Fragen im iframe\"></iframe>\n"
	    "</section>\n", static_version("widget.js"),
	    static_version("widget.js"));
	snippets(&b);
	reference(&b);
	buf_printf(&b, "<script src=\"/static/embed.js?v=%s\" defer></script>\n",
	    static_version("embed.js"));
	frame_end(&b);
	reply_page(rep, 200, &b);
}
