/*
 * seo.c (web): what machines read about the knowledge base rather than people:
 * robots.txt, the sitemap, the Atom feed of new and changed articles,
 * the OpenSearch description for browsers, llms.txt and each article's
 * Markdown twin (/a/<slug>.md) for language models.  Links in them are
 * absolute, on site_base().  XML goes through escape_xml(), so a title
 * may hold anything; answers are cached by the import generation, since
 * none of them shows hits.  The meta tags and JSON-LD of the article
 * pages are in page.c, with the rest of those pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define XML_TYPE	"application/xml; charset=utf-8"
#define ATOM_TYPE	"application/atom+xml; charset=utf-8"
#define OPENSEARCH_TYPE	"application/opensearchdescription+xml; charset=utf-8"
#define TEXT_TYPE	"text/plain; charset=utf-8"
#define MARKDOWN_TYPE	"text/markdown; charset=utf-8"
#define XML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define FEED_ENTRIES	30	/* newest changes in the feed */
#define SITEMAP_MAX	50000	/* URLs one sitemap file may hold */
#define SEO_MAX_AGE	"public, max-age=3600"

static void
reply_buf(struct reply *rep, const char *type, struct buf *b)
{
	size_t	 len;
	char	*body = buf_detach(b, &len);

	reply_text(rep, 200, type, body, len);
	rep->cache = SEO_MAX_AGE;
}

/* Appends the absolute URL of path (which starts with '/'), escaped. */
static void
xml_url(struct buf *b, const char *path)
{
	escape_xml(b, site_base());
	escape_xml(b, path);
}

static void
xml_article_url(struct buf *b, const char *slug, const char *suffix)
{
	escape_xml(b, site_base());
	buf_puts(b, "/a/");
	escape_url(b, slug);
	buf_puts(b, suffix);
}

/* Is tail ("imap.md" of /a/imap.md) a request for a Markdown twin? */
int
seo_is_markdown(const char *tail)
{
	size_t	 n = strlen(tail);

	return n > 3 && strcmp(tail + n - 3, ".md") == 0;
}

/*
 * The answers of this file change with the articles only (robots.txt and
 * opensearch.xml not even then, but they are cheap to key alike).
 */
int
seo_key(struct request *req, struct cache_key *k)
{
	cache_key_init(k, snapshot_generation(1), "seo");
	cache_key_add(k, req->path);
	return cache_key_done(k);
}

/*
 * A Markdown twin is keyed by its article's content; reading it counts no
 * view (it is for machines).
 */
int
seo_markdown_key(struct request *req, struct cache_key *k)
{
	struct snapshot	*s;
	size_t		 n = strlen(req->tail) - 3;
	char		 slug[KBD_MAX_SLUG + 1];
	uint64_t	 v;

	if (n > KBD_MAX_SLUG || !parse_slug(req->tail, n))
		return -1;
	memcpy(slug, req->tail, n);
	slug[n] = '\0';
	s = snapshot_acquire();
	v = snapshot_article_version(s, snapshot_find(s, slug));
	snapshot_release(s);
	if (v == 0)
		return -1;
	cache_key_init(k, v, "md");
	cache_key_add(k, slug);
	return cache_key_done(k);
}

/* GET /a/<slug>.md: the title as a heading, then the article's Markdown. */
void
seo_markdown(struct request *req, struct reply *rep)
{
	struct store_article	 a;
	struct reader		*r;
	struct buf		 b;
	size_t			 n = strlen(req->tail) - 3;
	char			 slug[KBD_MAX_SLUG + 1];
	const char		*title;

	if (n > KBD_MAX_SLUG || !parse_slug(req->tail, n)) {
		error_reply(req, rep, 404, NULL);
		return;
	}
	memcpy(slug, req->tail, n);
	slug[n] = '\0';
	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	if (store_article_get(r, slug, &a) == -1) {
		error_reply(req, rep, errno == ENOENT ? 404 : 503, NULL);
		return;
	}
	buf_init(&b);
	buf_puts(&b, "# ");
	/* A title is one line; keep it one heading whatever it holds. */
	for (title = a.title; *title != '\0'; title++)
		buf_putc(&b, *title == '\n' || *title == '\r' ? ' ' : *title);
	buf_puts(&b, "\n\n");
	buf_puts(&b, a.markdown);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_putc(&b, '\n');
	store_article_clear(&a);
	reply_buf(rep, MARKDOWN_TYPE, &b);
}

void
seo_robots(struct request *req, struct reply *rep)
{
	struct buf	 b;

	(void)req;
	buf_init(&b);
	buf_puts(&b, "# Suchergebnisse, die API und die Widgets sind keine "
	    "eigenen Inhalte.\nUser-agent: *\nAllow: /\nDisallow: /search\n"
	    "Disallow: /api/\nDisallow: /embed/\n\nSitemap: ");
	buf_puts(&b, site_base());
	buf_puts(&b, "/sitemap.xml\n");
	reply_buf(rep, TEXT_TYPE, &b);
}

void
seo_opensearch(struct request *req, struct reply *rep)
{
	struct buf	 b;

	(void)req;
	buf_init(&b);
	buf_puts(&b, XML_HEAD "<OpenSearchDescription "
	    "xmlns=\"http://a9.com/-/spec/opensearch/1.1/\" "
	    "xmlns:moz=\"http://www.mozilla.org/2006/browser/search/\">\n"
	    "<ShortName>" KBD_SITE_NAME "</ShortName>\n"
	    "<Description>Antworten auf häufige Fragen durchsuchen"
	    "</Description>\n<InputEncoding>UTF-8</InputEncoding>\n"
	    "<OutputEncoding>UTF-8</OutputEncoding>\n"
	    "<Language>de-de</Language>\n"
	    "<Url type=\"text/html\" method=\"get\" template=\"");
	xml_url(&b, "/search?q={searchTerms}");
	buf_puts(&b, "\"/>\n<Url type=\"application/x-suggestions+json\" "
	    "method=\"get\" template=\"");
	xml_url(&b, "/api/suggest?format=opensearch&q={searchTerms}");
	buf_puts(&b, "\"/>\n<Url type=\"application/opensearchdescription+xml\""
	    " rel=\"self\" template=\"");
	xml_url(&b, "/opensearch.xml");
	buf_puts(&b, "\"/>\n<moz:SearchForm>");
	xml_url(&b, "/");
	buf_puts(&b, "</moz:SearchForm>\n</OpenSearchDescription>\n");
	reply_buf(rep, OPENSEARCH_TYPE, &b);
}

static void
sitemap_url(void *arg, const struct store_article *a)
{
	struct buf	*b = arg;
	char		 when[32];

	clock_format(when, sizeof(when), a->updated);
	buf_puts(b, "<url><loc>");
	xml_article_url(b, a->slug, "");
	buf_printf(b, "</loc><lastmod>%s</lastmod></url>\n", when);
}

static void
sitemap_path(void *arg, const char *path)
{
	struct buf	*b = arg;

	buf_puts(b, "<url><loc>");
	xml_url(b, path);
	buf_puts(b, "</loc></url>\n");
}

/*
 * GET /sitemap.xml: the home page, the categories' pages and every
 * published article.
 */
void
seo_sitemap(struct request *req, struct reply *rep)
{
	struct reader	*r;
	struct buf	 b;

	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	buf_init(&b);
	buf_puts(&b, XML_HEAD "<urlset xmlns=\"http://www.sitemaps.org/"
	    "schemas/sitemap/0.9\">\n<url><loc>");
	xml_url(&b, "/");
	buf_puts(&b, "</loc></url>\n");
	page_category_each(sitemap_path, &b);
	/* The home page is one of the SITEMAP_MAX a sitemap may hold. */
	if (store_articles_each(r, STORE_INDEX, SITEMAP_MAX - 1 - 64, sitemap_url,
	    &b) == -1) {
		buf_free(&b);
		error_reply(req, rep, 503, NULL);
		return;
	}
	buf_puts(&b, "</urlset>\n");
	reply_buf(rep, XML_TYPE, &b);
}

/* The feed's entries as they are made, and the newest change. */
struct feed {
	struct buf	 entries;
	int64_t		 newest;
};

/* One <entry> of the feed. */
static void
feed_entry(void *arg, const struct store_article *a)
{
	struct feed	*f = arg;
	struct buf	*b = &f->entries;
	char		 when[32], *summary;

	if (a->updated > f->newest)
		f->newest = a->updated;
	buf_puts(b, "<entry>\n<title>");
	escape_xml(b, a->title);
	buf_puts(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"");
	xml_article_url(b, a->slug, "");
	buf_puts(b, "\"/>\n<id>");
	xml_article_url(b, a->slug, "");
	clock_format(when, sizeof(when), a->created);
	buf_printf(b, "</id>\n<published>%s</published>\n", when);
	clock_format(when, sizeof(when), a->updated);
	buf_printf(b, "<updated>%s</updated>\n", when);
	if (*a->category != '\0') {
		buf_puts(b, "<category term=\"");
		escape_xml(b, a->category);
		buf_puts(b, "\"/>\n");
	}
	summary = render_summary(a->markdown, strlen(a->markdown),
	    2 * KBD_DESCRIPTION);
	buf_puts(b, "<summary>");
	escape_xml(b, summary);
	free(summary);
	/* The safe HTML of the article, as text: type="html" says so. */
	buf_puts(b, "</summary>\n<content type=\"html\">");
	escape_xml(b, a->html);
	buf_puts(b, "</content>\n</entry>\n");
}

/* GET /feed.atom: the articles changed last, newest first. */
void
seo_feed(struct request *req, struct reply *rep)
{
	struct reader	*r;
	struct feed	 f;
	struct buf	 b;
	char		 when[32];

	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	buf_init(&f.entries);
	buf_puts(&f.entries, "");
	f.newest = 0;
	if (store_articles_each(r, STORE_RECENT, FEED_ENTRIES, feed_entry,
	    &f) == -1) {
		buf_free(&f.entries);
		error_reply(req, rep, 503, NULL);
		return;
	}
	clock_format(when, sizeof(when), f.newest);
	buf_init(&b);
	buf_puts(&b, XML_HEAD "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xml:lang=\"de\">\n<title>" KBD_SITE_NAME "</title>\n"
	    "<subtitle>Neue und geänderte Artikel</subtitle>\n<id>");
	xml_url(&b, "/feed.atom");
	buf_puts(&b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"");
	xml_url(&b, "/feed.atom");
	buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_url(&b, "/");
	buf_printf(&b, "\"/>\n<updated>%s</updated>\n<author><name>"
	    KBD_SITE_NAME "</name></author>\n<generator version=\"%s\">kbd"
	    "</generator>\n", when, KBD_VERSION);
	buf_put(&b, f.entries.data, f.entries.len);
	buf_free(&f.entries);
	buf_puts(&b, "</feed>\n");
	reply_buf(rep, ATOM_TYPE, &b);
}

/*
 * Appends s as Markdown link text: one line, and the characters that
 * would end or break the link escaped with a backslash.
 */
static void
md_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			buf_putc(b, ' ');
		else {
			if (strchr("\\[]<>", *s) != NULL)
				buf_putc(b, '\\');
			buf_putc(b, *s);
		}
	}
}

/* llms.txt as it is made, and the category last headed. */
struct llms {
	struct buf	 b;
	char		*group;
};

static void
llms_line(void *arg, const struct store_article *a)
{
	struct llms	*l = arg;
	char		*summary;

	if (l->group == NULL || strcmp(l->group, a->category) != 0) {
		free(l->group);
		l->group = xstrdup(a->category);
		buf_puts(&l->b, "\n## ");
		md_text(&l->b, *a->category != '\0' ? a->category :
		    "Weitere Artikel");
		buf_puts(&l->b, "\n\n");
	}
	buf_puts(&l->b, "- [");
	md_text(&l->b, a->title);
	buf_puts(&l->b, "](");
	buf_puts(&l->b, site_base());
	buf_puts(&l->b, "/a/");
	escape_url(&l->b, a->slug);
	buf_puts(&l->b, ".md)");
	summary = render_summary_text(a->excerpt, KBD_DESCRIPTION);
	if (*summary != '\0') {
		buf_puts(&l->b, ": ");
		md_text(&l->b, summary);
	}
	free(summary);
	buf_putc(&l->b, '\n');
}

/*
 * GET /llms.txt (llmstxt.org): what the site is, then every article by
 * category as a link to its Markdown twin with its first words.
 */
void
seo_llms(struct request *req, struct reply *rep)
{
	struct reader	*r;
	struct llms	 l;
	int		 rc;

	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	buf_init(&l.b);
	l.group = NULL;
	buf_puts(&l.b, "# " KBD_SITE_NAME_TEXT "\n\n> Antworten auf häufige "
	    "Fragen unserer Kundinnen und Kunden. Jeder Artikel ist unter "
	    "/a/<slug> als Webseite und unter /a/<slug>.md als Markdown "
	    "abrufbar.\n\nSuche: ");
	buf_puts(&l.b, site_base());
	buf_puts(&l.b, "/search?q=… (HTML) und ");
	buf_puts(&l.b, site_base());
	buf_puts(&l.b, "/api/search?q=… (JSON).\n");
	rc = store_articles_each(r, STORE_INDEX, 0, llms_line, &l);
	free(l.group);
	if (rc == -1) {
		buf_free(&l.b);
		error_reply(req, rep, 503, NULL);
		return;
	}
	reply_buf(rep, TEXT_TYPE, &l.b);
}
