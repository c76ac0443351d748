/*
 * page.c (web): the HTML pages customers see: the home page with the search box
 * and the top ten, search results, articles and errors.  Pages are German,
 * work without JavaScript and share one layout.  Every value goes through
 * escape_html() or escape_url(); the only unescaped inserts are the
 * article HTML (cmark, safe mode) and snippets (escaped by search.c), and
 * each is marked where it happens.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kbd.h"

#define HTML_TYPE	"text/html; charset=utf-8"
#define SITE_NAME	KBD_SITE_NAME

/* A link to a search for s, e.g. for a tag or a category. */
static void
search_link(struct buf *b, const char *s)
{
	buf_puts(b, "<a href=\"/search?q=");
	escape_url(b, s);
	buf_puts(b, "\">");
	escape_html(b, s);
	buf_puts(b, "</a>");
}

static void
article_link(struct buf *b, const char *slug, const char *title)
{
	buf_puts(b, "<a href=\"/a/");
	escape_url(b, slug);
	buf_puts(b, "\">");
	escape_html(b, title);
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
		escape_url(b, s->top[i].slug);
		buf_puts(b, "\">Frage: ");
		escape_html(b, s->top[i].title);
		buf_printf(b, "</a> <span class=\"hits\">(%lld Hits)</span>"
		    "</li>\n", (long long)s->top[i].hits);
	}
	buf_puts(b, "</ol>\n</section>\n");
	snapshot_release(s);
}

/*
 * An article page is named after its article (view_key) and the day:
 * its vote form's token is good for a day or two (feedback.c).  The page
 * a vote without JavaScript comes back to (?hilfreich=) is not cached.
 */
int
page_article_key(struct request *req, struct cache_key *k)
{
	int	 rc;

	if (seo_is_markdown(req->tail))
		return seo_markdown_key(req, k);
	rc = view_key(req, k, "a/");
	if (rc == 0 && http_arg(req, "hilfreich") != NULL)
		return -1;
	k->stamp ^= (uint64_t)(clock_seconds() / 86400) * 0x2545F4914F6CDD1DULL;
	return rc;
}

/* The home page shows the top list: new with every snapshot. */
int
page_home_key(struct request *req, struct cache_key *k)
{
	(void)req;
	cache_key_init(k, snapshot_generation(0), "home");
	return cache_key_done(k);
}

int
page_search_key(struct request *req, struct cache_key *k)
{
	const char	*q = http_arg(req, "q");
	int		 page;

	if (http_arg_number(req, "page", 1, 1, KBD_MAX_OFFSET / KBD_DEFAULT_LIMIT,
	    &page) == -1)
		page = 1;
	cache_key_init(k, snapshot_generation(0) << 1 |
	    (uint64_t)search_dict_settled(), "search.html");
	cache_key_add_int(k, page);
	cache_key_add_int(k, http_arg(req, "exact") != NULL);
	cache_key_add(k, q != NULL ? q : "");
	return cache_key_done(k);
}

void
page_home(struct request *req, struct reply *rep)
{
	struct buf	 b;

	(void)req;
	buf_init(&b);
	frame_begin(&b, NULL, "", 1);
	buf_puts(&b, "<section class=\"hero\">\n<h1>Wie können wir helfen?"
	    "</h1>\n");
	frame_search_form(&b, "", "search search-large");
	buf_puts(&b, "</section>\n<div class=\"home\">\n");
	top_list(&b, 10);
	page_category_tiles(&b);
	buf_puts(&b, "</div>\n");
	frame_end(&b);
	reply_page(rep, 200, &b);
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
			escape_html(b, res->hits[i].category);
			buf_puts(b, " · ");
		}
		buf_printf(b, "%lld Hits</p>\n<p class=\"excerpt\">",
		    (long long)res->hits[i].hits);
		/* Escaped by kbd_snippet, with <mark> around matches. */
		buf_puts(b, res->hits[i].snippet);
		buf_puts(b, "</p>\n</li>\n");
	}
	buf_puts(b, "</ol>\n");
}

static void
pager(struct buf *b, const char *q, int exact, int page, int64_t total)
{
	int64_t	 pages = (total + KBD_DEFAULT_LIMIT - 1) / KBD_DEFAULT_LIMIT;

	if (pages <= 1)
		return;
	buf_puts(b, "<nav class=\"pager\" aria-label=\"Seiten\">\n");
	if (page > 1) {
		buf_puts(b, "<a rel=\"prev\" href=\"/search?q=");
		escape_url(b, q);
		buf_printf(b, "%s&amp;page=%d\">← Zurück</a>\n", exact ?
		    "&amp;exact=1" : "", page - 1);
	}
	buf_printf(b, "<span>Seite %d von %lld</span>\n", page,
	    (long long)pages);
	if (page < pages && page * KBD_DEFAULT_LIMIT < KBD_MAX_OFFSET) {
		buf_puts(b, "<a rel=\"next\" href=\"/search?q=");
		escape_url(b, q);
		buf_printf(b, "%s&amp;page=%d\">Weiter →</a>\n", exact ?
		    "&amp;exact=1" : "", page + 1);
	}
	buf_puts(b, "</nav>\n");
}

/*
 * The search the results page shows for q: q's own, or when a word of q
 * was corrected (a word no article holds: search_expand.c) and some
 * article holds every word of the corrected query, the corrected
 * query's, which finds clearly more (the typed query finds none with
 * all its words).  Fills *res and returns the query shown (q, or a new
 * one the caller frees with search_query_free()); -1 in *rc on
 * database errors.
 */
static struct query *
search_shown(struct reader *r, struct query *q, int exact, int page,
    struct search_result *res, int *rc)
{
	struct search_result	 fixed;
	struct query		*c;
	int			 offset = (page - 1) * KBD_DEFAULT_LIMIT;

	*rc = search_run(r, q, KBD_DEFAULT_LIMIT, offset, 0, res);
	if (*rc == -1 || exact || q->suggestion == NULL)
		return q;
	c = search_query_parse(r->tok, q->suggestion);
	if (search_run(r, c, KBD_DEFAULT_LIMIT, offset, 0, &fixed) == 0 &&
	    fixed.total > 0 && !fixed.partial) {
		search_result_free(res);
		*res = fixed;
		return c;
	}
	search_result_free(&fixed);
	search_query_free(c);
	return q;
}

void
page_search(struct request *req, struct reply *rep)
{
	struct reader		*r;
	struct query		*q, *shown;
	struct search_result	 res;
	struct buf		 b;
	const char		*text;
	int			 page, rc, exact = http_arg(req, "exact") != NULL;

	if ((text = http_arg(req, "q")) == NULL)
		text = "";
	if (http_arg_number(req, "page", 1, 1, KBD_MAX_OFFSET / KBD_DEFAULT_LIMIT,
	    &page) == -1)
		page = 1;
	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	q = search_query_parse(r->tok, text);
	shown = search_shown(r, q, exact, page, &res, &rc);
	if (page == 1)
		reply_logged_search(req, rep, q->normalized, res.total);
	if (rc == -1) {
		search_result_free(&res);
		search_query_free(q);
		error_reply(req, rep, 503, NULL);
		return;
	}

	buf_init(&b);
	frame_begin(&b, q->nslots ? q->text : "Suche", q->text, 0);
	if (shown != q) {
		buf_puts(&b, "<p class=\"note\">Ergebnisse für „");
		escape_html(&b, shown->text);
		buf_puts(&b, "“ · <a href=\"/search?q=");
		escape_url(&b, q->text);
		buf_puts(&b, "&amp;exact=1\">Stattdessen suchen nach „");
		escape_html(&b, q->text);
		buf_puts(&b, "“</a></p>\n");
	} else if (q->suggestion != NULL) {
		buf_puts(&b, "<p class=\"note\">Meinten Sie: <a href=\"/search?q=");
		escape_url(&b, q->suggestion);
		buf_puts(&b, "\">");
		escape_html(&b, q->suggestion);
		buf_puts(&b, "</a>?</p>\n");
	}
	if (q->nslots == 0) {
		buf_puts(&b, "<h1>Suche</h1>\n<p>Bitte geben Sie oben Ihre "
		    "Frage oder einzelne Suchbegriffe ein.</p>\n");
		top_list(&b, 10);
	} else if (res.total == 0) {
		buf_puts(&b, "<h1>Keine Treffer</h1>\n<p>Zu „");
		escape_html(&b, q->text);
		buf_puts(&b, "“ haben wir leider nichts gefunden. Versuchen Sie "
		    "andere oder weniger Suchbegriffe, zum Beispiel nur das "
		    "wichtigste Wort.</p>\n");
		frame_contact(&b);
		top_list(&b, 10);
	} else {
		buf_printf(&b, "<h1>%lld Treffer für „", (long long)res.total);
		escape_html(&b, shown->text);
		buf_puts(&b, "“</h1>\n");
		if (res.partial) {
			buf_puts(&b, "<p class=\"note\">Kein Artikel enthält "
			    "alle Suchbegriffe. Hier sind die Artikel, die die "
			    "meisten davon enthalten.</p>\n");
			frame_contact(&b);
		}
		if (res.n == 0) {
			buf_puts(&b, "<p>Diese Seite hat keine Treffer mehr. "
			    "<a href=\"/search?q=");
			escape_url(&b, q->text);
			buf_puts(&b, "\">Zur ersten Seite</a></p>\n");
		}
		result_list(&b, &res);
		pager(&b, q->text, exact, page, res.total);
	}
	frame_end(&b);
	search_result_free(&res);
	if (shown != q)
		search_query_free(shown);
	search_query_free(q);
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
	q = search_query_parse(r->tok, words);
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
			page_category_link(b, category);
			buf_puts(b, "</p>\n");
		}
		buf_puts(b, "</aside>\n");
	}
	search_result_free(&res);
	search_query_free(q);
}

/*
 * What an article page tells search engines and link previews: its
 * canonical URL, its Markdown twin, a description (the first paragraph),
 * Open Graph, schema.org FAQPage data whose question is the title and
 * whose answer is the rendered article (with the day it last changed),
 * and the breadcrumbs.  The vote form's script comes along.
 */
static void
article_head(struct buf *b, const char *slug, const struct store_article *a)
{
	json_t	*ld;
	char	*desc, *url, *json, when[32];

	desc = render_summary(a->markdown, strlen(a->markdown),
	    KBD_DESCRIPTION);
	url = xasprintf("%s/a/%s", site_base(), slug);
	clock_format(when, sizeof(when), a->updated);
	buf_puts(b, "<link rel=\"canonical\" href=\"");
	escape_html(b, url);
	buf_puts(b, "\">\n<link rel=\"alternate\" type=\"text/markdown\" "
	    "href=\"/a/");
	escape_url(b, slug);
	buf_puts(b, ".md\">\n<meta name=\"description\" content=\"");
	escape_html(b, desc);
	buf_puts(b, "\">\n<meta property=\"og:type\" content=\"article\">\n"
	    "<meta property=\"og:site_name\" content=\"" SITE_NAME "\">\n"
	    "<meta property=\"og:locale\" content=\"de_DE\">\n"
	    "<meta property=\"og:title\" content=\"");
	escape_html(b, a->title);
	buf_puts(b, "\">\n<meta property=\"og:description\" content=\"");
	escape_html(b, desc);
	buf_puts(b, "\">\n<meta property=\"og:url\" content=\"");
	escape_html(b, url);
	buf_printf(b, "\">\n<meta property=\"article:modified_time\" "
	    "content=\"%s\">\n<script src=\"/static/feedback.js?v=%s\" "
	    "defer></script>\n", when, static_version("feedback.js"));

	ld = json_pack("{s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:{s:s,s:s}}]}",
	    "@context", "https://schema.org", "@type", "FAQPage", "url", url,
	    "dateModified", when,
	    "mainEntity", "@type", "Question", "name", a->title,
	    "acceptedAnswer", "@type", "Answer", "text", a->html);
	if (ld != NULL && (json = json_dumps(ld, JSON_COMPACT)) != NULL) {
		buf_puts(b, "<script type=\"application/ld+json\">");
		escape_json_script(b, json);
		buf_puts(b, "</script>\n");
		free(json);
	}
	json_decref(ld);
	page_category_breadcrumbs(b, a->category, a->title, url);
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
	struct store_article	 a;
	struct reader		*r;
	struct buf		 b;
	char			 day[32], iso[16];

	if (seo_is_markdown(req->tail)) {
		seo_markdown(req, rep);
		return;
	}
	if (view_article(req, rep, "/a/", &a) == -1)
		return;
	buf_init(&b);
	frame_head_open(&b, a.title);
	article_head(&b, req->tail, &a);
	frame_head_close(&b, "", 0);
	buf_puts(&b, "<nav class=\"crumbs\" aria-label=\"Sie sind hier\">"
	    "<a href=\"/\">Hilfe</a>");
	if (a.category[0] != '\0') {
		buf_puts(&b, " › ");
		page_category_link(&b, a.category);
	}
	/* The hits stand beside the heading, not in it. */
	buf_puts(&b, "</nav>\n<article>\n<div class=\"question\"><h1><span "
	    "class=\"label\">Frage:</span> ");
	escape_html(&b, a.title);
	/* This view counts once the page is out; show it already. */
	buf_printf(&b, "</h1> <span class=\"hits\">(%lld Hits)</span></div>\n",
	    (long long)view_hits(req, &a));
	clock_format_day(day, sizeof(day), iso, a.updated);
	buf_printf(&b, "<p class=\"updated\">Aktualisiert am <time datetime="
	    "\"%s\">%s</time></p>\n<div class=\"answer\">\n", iso, day);
	/* Rendered by cmark in safe mode at import. */
	buf_puts(&b, a.html);
	buf_puts(&b, "</div>\n");
	tag_links(&b, a.tags);
	buf_puts(&b, "</article>\n");
	feedback_form(&b, req, req->tail, a.id);
	frame_contact(&b);
	if ((r = store_reader()) != NULL)
		related(&b, r, req->tail, a.tags, a.category);
	store_article_clear(&a);
	frame_end(&b);
	reply_page(rep, 200, &b);
}
