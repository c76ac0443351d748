/*
 * page.c: the HTML pages customers see: the home page with the search box
 * and the top ten, search results, articles and errors.  Pages are German,
 * work without JavaScript and share one layout.  Every value goes through
 * html_escape() or url_escape(); the only unescaped inserts are the
 * article HTML (cmark, safe mode) and snippets (escaped by search.c), and
 * each is marked where it happens.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kbd.h"

#define HTML_TYPE	"text/html; charset=utf-8"
#define SITE_NAME	KBD_SITE_NAME
#define PLACEHOLDER	"Bitte geben Sie Ihre Frage oder einzelne " \
			"Suchbegriffe ein"

static void
search_form(struct buf *b, const char *q, const char *cls)
{
	buf_printf(b, "<form class=\"%s\" action=\"/search\" method=\"get\" "
	    "role=\"search\">\n<label class=\"visually-hidden\" for=\"q\">"
	    "Suche</label>\n<input id=\"q\" name=\"q\" type=\"search\" "
	    "value=\"", cls);
	html_escape(b, q);
	buf_puts(b, "\" placeholder=\"" PLACEHOLDER "\" maxlength=\"200\" "
	    "autocomplete=\"off\">\n<button type=\"submit\">Suchen</button>\n"
	    "</form>\n");
}

/*
 * Opens a page up to the end of what every <head> has; title is plain
 * text.  The caller may add to <head>, then calls head_close().
 */
static void
head_open(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	if (title != NULL) {
		html_escape(b, title);
		buf_puts(b, " – ");
	}
	/* Versioned links: the browser may keep these files for a year. */
	buf_printf(b, SITE_NAME "</title>\n<link rel=\"stylesheet\" "
	    "href=\"/static/style.css?v=%s\">\n<script src=\"/static/"
	    "search.js?v=%s\" defer></script>\n"
	    "<link rel=\"search\" type=\"application/opensearchdescription+xml\""
	    " title=\"" SITE_NAME "\" href=\"/opensearch.xml\">\n"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" "
	    "title=\"" SITE_NAME ": neue und geänderte Artikel\" "
	    "href=\"/feed.atom\">\n",
	    static_version("style.css"), static_version("search.js"));
}

/* Ends <head> and opens the body; q is the text of the search box. */
static void
head_close(struct buf *b, const char *q, int home)
{
	buf_puts(b, "</head>\n<body>\n<header class=\"site\"><div class=\"wrap\">\n"
	    "<a class=\"brand\" href=\"/\">" SITE_NAME "</a>\n");
	if (!home)
		search_form(b, q, "search search-small");
	buf_puts(b, "</div></header>\n<main class=\"wrap\">\n");
}

/* Opens a page; title is plain text, q the text of the search box. */
void
page_begin(struct buf *b, const char *title, const char *q, int home)
{
	head_open(b, title);
	if (home) {
		buf_puts(b, "<link rel=\"canonical\" href=\"");
		html_escape(b, site_base());
		buf_puts(b, "/\">\n");
	}
	head_close(b, q, home);
}

void
page_end(struct buf *b)
{
	buf_puts(b, "</main>\n<footer class=\"site\"><div class=\"wrap\">"
	    "<a href=\"/\">Startseite</a> · Antworten auf häufige Fragen "
	    "rund um E-Mail, Domains, DNS und Router</div></footer>\n"
	    "</body>\n</html>\n");
}

void
reply_page(struct reply *rep, unsigned int status, struct buf *b)
{
	size_t	 len;
	char	*body = buf_detach(b, &len);

	reply_text(rep, status, HTML_TYPE, body, len);
}

/* A link to a search for s, e.g. for a tag or a category. */
static void
search_link(struct buf *b, const char *s)
{
	buf_puts(b, "<a href=\"/search?q=");
	url_escape(b, s);
	buf_puts(b, "\">");
	html_escape(b, s);
	buf_puts(b, "</a>");
}

static void
article_link(struct buf *b, const char *slug, const char *title)
{
	buf_puts(b, "<a href=\"/a/");
	url_escape(b, slug);
	buf_puts(b, "\">");
	html_escape(b, title);
	buf_puts(b, "</a>");
}

static void
top_list(struct buf *b, size_t n)
{
	struct snapshot	*s = snapshot_acquire();
	size_t		 i;

	buf_puts(b, "<section class=\"top\">\n<h2>Top 10 FAQ-Fragen</h2>\n");
	if (s == NULL || s->ntop == 0) {
		buf_puts(b, "<p>Noch keine Artikel.</p>\n</section>\n");
		snapshot_release(s);
		return;
	}
	buf_puts(b, "<ol>\n");
	for (i = 0; i < s->ntop && i < n; i++) {
		buf_puts(b, "<li><a href=\"/a/");
		url_escape(b, s->top[i].slug);
		buf_puts(b, "\">Frage: ");
		html_escape(b, s->top[i].title);
		buf_printf(b, "</a> <span class=\"hits\">(%lld Hits)</span>"
		    "</li>\n", (long long)s->top[i].hits);
	}
	buf_puts(b, "</ol>\n</section>\n");
	snapshot_release(s);
}

/*
 * A view of an article (its page or its JSON under prefix): notes which
 * article (route.c counts the hit once the answer is a success, from the
 * cache or not) and names the answer after the article's version and
 * stored hits.  Returns 0 for an article the snapshot does not know (yet):
 * the handler then looks in the database.
 */
int
article_view(struct request *req, struct cache_key *k, const char *prefix)
{
	struct snapshot	*s;
	int64_t		 id = -1;
	uint64_t	 stamp = 0;

	if (!slug_valid(req->tail, strlen(req->tail)))
		return 0;
	s = snapshot_acquire();
	if ((id = snapshot_find(s, req->tail)) >= 0)
		stamp = snapshot_article_stamp(s, id);
	snapshot_release(s);
	if (id < 0)
		return 0;
	req->view = id;
	return cache_key_set(k, stamp, "%s%s", prefix, req->tail);
}

int
page_article_key(struct request *req, struct cache_key *k)
{
	if (seo_is_markdown(req->tail))
		return seo_markdown_key(req, k);
	return article_view(req, k, "a/");
}

/* The home page shows the top list: new with every snapshot. */
int
page_home_key(struct request *req, struct cache_key *k)
{
	(void)req;
	return cache_key_set(k, snapshot_generation(0), "home");
}

int
page_search_key(struct request *req, struct cache_key *k)
{
	const char	*q = http_arg(req, "q");
	int		 page;

	if (arg_number(req, "page", 1, 1, KBD_MAX_OFFSET / KBD_DEFAULT_LIMIT,
	    &page) == -1)
		page = 1;
	return cache_key_set(k, snapshot_generation(0) << 1 |
	    (uint64_t)search_dicts_settled(), "search.html?%d&%s", page,
	    q != NULL ? q : "");
}

void
page_home(struct request *req, struct reply *rep)
{
	struct buf	 b;

	(void)req;
	buf_init(&b);
	page_begin(&b, NULL, "", 1);
	buf_puts(&b, "<section class=\"hero\">\n<h1>Wie können wir helfen?"
	    "</h1>\n");
	search_form(&b, "", "search search-large");
	buf_puts(&b, "</section>\n");
	top_list(&b, 10);
	page_end(&b);
	reply_page(rep, 200, &b);
}

void
page_error(struct reply *rep, unsigned int status, const char *message)
{
	struct buf	 b;

	buf_init(&b);
	page_begin(&b, status == 404 ? "Nicht gefunden" : "Fehler", "", 0);
	buf_printf(&b, "<h1>%s</h1>\n<p>", status == 404 ?
	    "Seite nicht gefunden" : "Das hat nicht geklappt");
	html_escape(&b, message);
	buf_puts(&b, "</p>\n<p>Vielleicht hilft die Suche oben weiter, oder "
	    "Sie beginnen auf der <a href=\"/\">Startseite</a>.</p>\n");
	page_end(&b);
	reply_page(rep, status, &b);
}

static void
result_list(struct buf *b, const struct search_result *res)
{
	size_t	 i;

	buf_puts(b, "<ol class=\"results\">\n");
	for (i = 0; i < res->n; i++) {
		buf_puts(b, "<li>\n<h2>");
		article_link(b, res->hits[i].slug, res->hits[i].title);
		buf_puts(b, "</h2>\n<p class=\"meta\">");
		if (res->hits[i].category[0] != '\0') {
			html_escape(b, res->hits[i].category);
			buf_puts(b, " · ");
		}
		buf_printf(b, "%lld Hits</p>\n<p class=\"snippet\">",
		    (long long)res->hits[i].hits);
		/* Escaped by kbd_snippet, with <mark> around matches. */
		buf_puts(b, res->hits[i].snippet);
		buf_puts(b, "</p>\n</li>\n");
	}
	buf_puts(b, "</ol>\n");
}

static void
pager(struct buf *b, const char *q, int page, int64_t total)
{
	int64_t	 pages = (total + KBD_DEFAULT_LIMIT - 1) / KBD_DEFAULT_LIMIT;

	if (pages <= 1)
		return;
	buf_puts(b, "<nav class=\"pager\" aria-label=\"Seiten\">\n");
	if (page > 1) {
		buf_puts(b, "<a rel=\"prev\" href=\"/search?q=");
		url_escape(b, q);
		buf_printf(b, "&amp;page=%d\">← Zurück</a>\n", page - 1);
	}
	buf_printf(b, "<span>Seite %d von %lld</span>\n", page,
	    (long long)pages);
	if (page < pages && page * KBD_DEFAULT_LIMIT < KBD_MAX_OFFSET) {
		buf_puts(b, "<a rel=\"next\" href=\"/search?q=");
		url_escape(b, q);
		buf_printf(b, "&amp;page=%d\">Weiter →</a>\n", page + 1);
	}
	buf_puts(b, "</nav>\n");
}

void
page_search(struct request *req, struct reply *rep)
{
	struct reader		*r;
	struct query		*q;
	struct search_result	 res;
	struct buf		 b;
	const char		*text;
	int			 page, rc;

	if ((text = http_arg(req, "q")) == NULL)
		text = "";
	if (arg_number(req, "page", 1, 1, KBD_MAX_OFFSET / KBD_DEFAULT_LIMIT,
	    &page) == -1)
		page = 1;
	if ((r = store_reader()) == NULL) {
		reply_error(req, rep, 503);
		return;
	}
	q = query_parse(r->tok, text);
	rc = search_run(r, q, KBD_DEFAULT_LIMIT, (page - 1) * KBD_DEFAULT_LIMIT,
	    0, &res);
	if (page == 1)
		search_logged(rep, q->normalized, res.total);
	if (rc == -1) {
		search_result_free(&res);
		query_free(q);
		reply_error(req, rep, 503);
		return;
	}

	buf_init(&b);
	page_begin(&b, q->nslots ? q->text : "Suche", q->text, 0);
	if (q->suggestion != NULL) {
		buf_puts(&b, "<p class=\"note\">Meinten Sie: <a href=\"/search?q=");
		url_escape(&b, q->suggestion);
		buf_puts(&b, "\">");
		html_escape(&b, q->suggestion);
		buf_puts(&b, "</a>?</p>\n");
	}
	if (q->nslots == 0) {
		buf_puts(&b, "<h1>Suche</h1>\n<p>Bitte geben Sie oben Ihre "
		    "Frage oder einzelne Suchbegriffe ein.</p>\n");
		top_list(&b, 10);
	} else if (res.total == 0) {
		buf_puts(&b, "<h1>Keine Treffer</h1>\n<p>Zu „");
		html_escape(&b, q->text);
		buf_puts(&b, "“ haben wir leider nichts gefunden. Versuchen Sie "
		    "andere oder weniger Suchbegriffe, zum Beispiel nur das "
		    "wichtigste Wort.</p>\n");
		top_list(&b, 10);
	} else {
		buf_printf(&b, "<h1>%lld Treffer für „", (long long)res.total);
		html_escape(&b, q->text);
		buf_puts(&b, "“</h1>\n");
		if (res.partial)
			buf_puts(&b, "<p class=\"note\">Kein Artikel enthält "
			    "alle Suchbegriffe. Hier sind die Artikel, die die "
			    "meisten davon enthalten.</p>\n");
		if (res.n == 0) {
			buf_puts(&b, "<p>Diese Seite hat keine Treffer mehr. "
			    "<a href=\"/search?q=");
			url_escape(&b, q->text);
			buf_puts(&b, "\">Zur ersten Seite</a></p>\n");
		}
		result_list(&b, &res);
		pager(&b, q->text, page, res.total);
	}
	page_end(&b);
	search_result_free(&res);
	query_free(q);
	reply_page(rep, 200, &b);
}

/*
 * Lists up to KBD_RELATED other articles that share tags with this one
 * (the rarer tag words: search.c, informative()).
 */
static void
related(struct buf *b, struct reader *r, const char *slug, const char *tags,
    const char *category)
{
	struct search_result	 res;
	struct query		*q;
	char			*words = xstrdup(tags), *p;
	size_t			 i, shown = 0;

	for (p = words; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	q = query_parse(r->tok, words);
	free(words);
	if (search_run(r, q, KBD_RELATED + 1, 0, SEARCH_ANY | SEARCH_NO_SNIPPET,
	    &res) == 0 &&
	    res.n > 0) {
		buf_puts(b, "<aside class=\"related\">\n<h2>Ähnliche Fragen"
		    "</h2>\n<ul>\n");
		for (i = 0; i < res.n && shown < KBD_RELATED; i++) {
			if (strcmp(res.hits[i].slug, slug) == 0)
				continue;
			buf_puts(b, "<li>");
			article_link(b, res.hits[i].slug, res.hits[i].title);
			buf_puts(b, "</li>\n");
			shown++;
		}
		buf_puts(b, "</ul>\n");
		if (category[0] != '\0') {
			buf_puts(b, "<p>Mehr zum Thema ");
			search_link(b, category);
			buf_puts(b, "</p>\n");
		}
		buf_puts(b, "</aside>\n");
	}
	search_result_free(&res);
	query_free(q);
}

/*
 * What an article page tells search engines and link previews: its
 * canonical URL, its Markdown twin, a description (the first paragraph),
 * Open Graph, and schema.org FAQPage data whose question is the title
 * and whose answer is the rendered article.
 */
static void
article_head(struct buf *b, const char *slug, const char *title,
    const char *html, const char *markdown)
{
	json_t	*ld;
	char	*desc, *url, *json;

	desc = render_summary(markdown, strlen(markdown), KBD_DESCRIPTION);
	url = xasprintf("%s/a/%s", site_base(), slug);
	buf_puts(b, "<link rel=\"canonical\" href=\"");
	html_escape(b, url);
	buf_puts(b, "\">\n<link rel=\"alternate\" type=\"text/markdown\" "
	    "href=\"/a/");
	url_escape(b, slug);
	buf_puts(b, ".md\">\n<meta name=\"description\" content=\"");
	html_escape(b, desc);
	buf_puts(b, "\">\n<meta property=\"og:type\" content=\"article\">\n"
	    "<meta property=\"og:site_name\" content=\"" SITE_NAME "\">\n"
	    "<meta property=\"og:locale\" content=\"de_DE\">\n"
	    "<meta property=\"og:title\" content=\"");
	html_escape(b, title);
	buf_puts(b, "\">\n<meta property=\"og:description\" content=\"");
	html_escape(b, desc);
	buf_puts(b, "\">\n<meta property=\"og:url\" content=\"");
	html_escape(b, url);
	buf_puts(b, "\">\n");

	ld = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:{s:s,s:s}}]}",
	    "@context", "https://schema.org", "@type", "FAQPage", "url", url,
	    "mainEntity", "@type", "Question", "name", title,
	    "acceptedAnswer", "@type", "Answer", "text", html);
	if (ld != NULL && (json = json_dumps(ld, JSON_COMPACT)) != NULL) {
		buf_puts(b, "<script type=\"application/ld+json\">");
		json_script_escape(b, json);
		buf_puts(b, "</script>\n");
		free(json);
	}
	json_decref(ld);
	free(url);
	free(desc);
}

static void
tag_links(struct buf *b, const char *tags)
{
	const char	*nl;
	char		*t;

	if (*tags == '\0')
		return;
	buf_puts(b, "<p class=\"tags\">Schlagwörter: ");
	while (*tags != '\0') {
		nl = strchr(tags, '\n');
		t = xstrndup(tags, nl ? (size_t)(nl - tags) : strlen(tags));
		search_link(b, t);
		free(t);
		if (nl == NULL)
			break;
		buf_puts(b, ", ");
		tags = nl + 1;
	}
	buf_puts(b, "</p>\n");
}

void
page_article(struct request *req, struct reply *rep)
{
	struct reader	*r;
	sqlite3_stmt	*st;
	struct buf	 b;
	int64_t		 id, hits;
	const char	*title, *category, *tags;

	if (seo_is_markdown(req->tail)) {
		seo_markdown(req, rep);
		return;
	}
	if (!slug_valid(req->tail, strlen(req->tail))) {
		reply_error(req, rep, 404);
		return;
	}
	if ((r = store_reader()) == NULL) {
		reply_error(req, rep, 503);
		return;
	}
	st = r->st[ST_ARTICLE_BY_SLUG];
	sqlite3_bind_text(st, 1, req->tail, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		if (!route_moved(req, rep, r, "/a/"))
			reply_error(req, rep, 404);
		return;
	}
	id = sqlite3_column_int64(st, 0);
	req->view = id;
	/* This view counts once the page is out; show it already. */
	hits = sqlite3_column_int64(st, 5) + hits_pending(id) +
	    http_view_counts(req);
	title = (const char *)sqlite3_column_text(st, 1);
	category = (const char *)sqlite3_column_text(st, 2);
	tags = (const char *)sqlite3_column_text(st, 3);

	buf_init(&b);
	head_open(&b, title);
	article_head(&b, req->tail, title, (const char *)sqlite3_column_text(st,
	    4), (const char *)sqlite3_column_text(st, 7));
	head_close(&b, "", 0);
	buf_puts(&b, "<nav class=\"crumbs\"><a href=\"/\">Hilfe</a>");
	if (category[0] != '\0') {
		buf_puts(&b, " › ");
		search_link(&b, category);
	}
	buf_puts(&b, "</nav>\n<article>\n<h1><span class=\"label\">Frage:"
	    "</span> ");
	html_escape(&b, title);
	buf_printf(&b, " <span class=\"hits\">(%lld Hits)</span></h1>\n"
	    "<div class=\"answer\">\n", (long long)hits);
	/* Rendered by cmark in safe mode at import. */
	buf_puts(&b, (const char *)sqlite3_column_text(st, 4));
	buf_puts(&b, "</div>\n");
	tag_links(&b, tags);
	buf_puts(&b, "</article>\n");
	/* related() runs other statements; this row's text stays valid. */
	related(&b, r, req->tail, tags, category);
	sqlite3_reset(st);
	page_end(&b);
	reply_page(rep, 200, &b);
}
