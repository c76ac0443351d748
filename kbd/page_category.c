/*
 * page_category.c (web): browsing by category (category.c): the tiles of
 * the home page (a category's name, its number of articles and its three
 * most read questions), the category pages /k/<slug> (every article of
 * the category, most read first, with its hits), the links of the
 * breadcrumbs, and the schema.org BreadcrumbList that pages give search
 * engines.  Categories come from the snapshot, so none of this reads the
 * database; pages are cached by the snapshot's generation, as their
 * order follows the hits.  Every value goes through escape_html(),
 * escape_url() or jansson.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kbd.h"

#define TILE_TOP	3	/* questions a tile shows */

/* An article of a category with its stored hits, for sorting. */
struct ranked_entry {
	const struct category_entry	*e;
	int64_t				 hits;
};

static int
by_hits(const void *a, const void *b)
{
	const struct ranked_entry	*x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return strcmp(x->e->title, y->e->title);
}

/*
 * The articles of c as of s, most read first (then by title), into out
 * (room for c->n).  Returns the category's hits in all.
 */
static int64_t
rank(const struct snapshot *s, const struct category *c,
    struct ranked_entry *out)
{
	int64_t	 all = 0;
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		out[i].e = &c->e[i];
		out[i].hits = snapshot_article_hits(s, c->e[i].id);
		all += out[i].hits;
	}
	if (c->n > 1)
		qsort(out, c->n, sizeof(*out), by_hits);
	return all;
}

/* A category and its hits, for the order of the tiles. */
struct ranked_cat {
	const struct category	*c;
	int64_t			 hits;
};

static int
cat_by_hits(const void *a, const void *b)
{
	const struct ranked_cat	*x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return strcmp(x->c->name, y->c->name);
}

/*
 * The categories of s, the most read first (then by name).  Returns
 * them (the caller frees the array) and their number in *n.
 */
static struct ranked_cat *
categories_ranked(const struct snapshot *s, size_t *n)
{
	const struct categories	*set = snapshot_categories(s);
	struct ranked_cat	*out;
	size_t			 i, j;

	*n = set != NULL ? set->n : 0;
	out = xcalloc(*n + 1, sizeof(*out));
	for (i = 0; i < *n; i++) {
		out[i].c = &set->c[i];
		for (j = 0; j < set->c[i].n; j++)
			out[i].hits += snapshot_article_hits(s,
			    set->c[i].e[j].id);
	}
	if (*n > 1)
		qsort(out, *n, sizeof(*out), cat_by_hits);
	return out;
}

/* A link to the category name's page, its name the text. */
void
page_category_link(struct buf *b, const char *name)
{
	buf_puts(b, "<a href=\"/k/");
	category_slug(b, name);
	buf_puts(b, "\">");
	escape_html(b, name);
	buf_puts(b, "</a>");
}

/*
 * A schema.org BreadcrumbList in a script block: the home page, the
 * category name (when not ""), and title at url (when title is not NULL).
 */
void
page_category_breadcrumbs(struct buf *b, const char *name, const char *title,
    const char *url)
{
	json_t		*list = json_array(), *ld;
	struct buf	 u;
	char		*json;
	int		 pos = 1;

	buf_init(&u);
	buf_printf(&u, "%s/", site_base());
	json_array_append_new(list, json_pack("{s:s,s:i,s:s,s:o}", "@type",
	    "ListItem", "position", pos++, "name", "Hilfe", "item",
	    reply_jstr(u.data)));
	if (*name != '\0') {
		buf_reset(&u);
		buf_printf(&u, "%s/k/", site_base());
		category_slug(&u, name);
		json_array_append_new(list, json_pack("{s:s,s:i,s:o,s:o}",
		    "@type", "ListItem", "position", pos++, "name",
		    reply_jstr(name), "item", reply_jstr(u.data)));
	}
	if (title != NULL)
		json_array_append_new(list, json_pack("{s:s,s:i,s:o,s:o}",
		    "@type", "ListItem", "position", pos, "name",
		    reply_jstr(title), "item", reply_jstr(url)));
	buf_free(&u);
	ld = json_pack("{s:s,s:s,s:o}", "@context", "https://schema.org",
	    "@type", "BreadcrumbList", "itemListElement", list);
	json = ld != NULL ? json_dumps(ld, JSON_COMPACT) : NULL;
	json_decref(ld);
	if (json == NULL)
		return;
	buf_puts(b, "<script type=\"application/ld+json\">");
	escape_json_script(b, json);
	buf_puts(b, "</script>\n");
	free(json);
}

/* One tile: the name as a link, how many articles, the most read. */
static void
tile(struct buf *b, const struct snapshot *s, const struct category *c)
{
	struct ranked_entry	*r = xcalloc(c->n + 1, sizeof(*r));
	size_t			 i;

	rank(s, c, r);
	buf_puts(b, "<li class=\"tile\">\n<h3>");
	page_category_link(b, c->name);
	buf_printf(b, "</h3>\n<p class=\"count\">%zu Artikel</p>\n<ul>\n",
	    c->n);
	for (i = 0; i < c->n && i < TILE_TOP; i++) {
		buf_puts(b, "<li><a href=\"/a/");
		escape_url(b, r[i].e->slug);
		buf_puts(b, "\">");
		escape_html(b, r[i].e->title);
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ul>\n</li>\n");
	free(r);
}

/*
 * The home page's tiles, the most read category first; nothing when no
 * article has a category.
 */
void
page_category_tiles(struct buf *b)
{
	struct snapshot		*s = snapshot_acquire();
	struct ranked_cat	*cats;
	size_t			 i, n;

	cats = categories_ranked(s, &n);
	if (n > 0) {
		buf_puts(b, "<section class=\"categories\" aria-labelledby="
		    "\"themen\">\n<h2 id=\"themen\">Themen</h2>\n"
		    "<ul class=\"tiles\">\n");
		for (i = 0; i < n; i++)
			tile(b, s, cats[i].c);
		buf_puts(b, "</ul>\n</section>\n");
	}
	free(cats);
	snapshot_release(s);
}

/* /k/<slug> shows hits: new with every snapshot. */
int
page_category_key(struct request *req, struct cache_key *k)
{
	if (!parse_slug(req->tail, strlen(req->tail)))
		return -1;
	return cache_key_set(k, snapshot_generation(0), "k/%s", req->tail);
}

/* What the category page tells search engines and link previews. */
static void
category_head(struct buf *b, const struct category *c,
    const struct ranked_entry *r)
{
	struct buf	 d;
	char		*url;

	url = xasprintf("%s/k/%s", site_base(), c->slug);
	buf_init(&d);
	buf_printf(&d, "Antworten zum Thema %s: %zu Artikel", c->name, c->n);
	if (c->n > 0)
		buf_printf(&d, ", etwa „%s“", r[0].e->title);
	buf_puts(&d, ".");
	buf_puts(b, "<link rel=\"canonical\" href=\"");
	escape_html(b, url);
	buf_puts(b, "\">\n<meta name=\"description\" content=\"");
	escape_html(b, d.data);
	buf_puts(b, "\">\n<meta property=\"og:type\" content=\"website\">\n"
	    "<meta property=\"og:site_name\" content=\"" KBD_SITE_NAME "\">\n"
	    "<meta property=\"og:locale\" content=\"de_DE\">\n"
	    "<meta property=\"og:title\" content=\"");
	escape_html(b, c->name);
	buf_puts(b, "\">\n<meta property=\"og:url\" content=\"");
	escape_html(b, url);
	buf_puts(b, "\">\n");
	page_category_breadcrumbs(b, c->name, NULL, NULL);
	buf_free(&d);
	free(url);
}

/* GET /k/<slug>: the category's articles, most read first. */
void
page_category(struct request *req, struct reply *rep)
{
	struct snapshot		*s = snapshot_acquire();
	const struct category	*c;
	struct ranked_entry	*r;
	struct buf		 b;
	size_t			 i;

	if (!parse_slug(req->tail, strlen(req->tail)) ||
	    (c = category_find(snapshot_categories(s), req->tail)) == NULL) {
		snapshot_release(s);
		error_reply(req, rep, 404, "Dieses Thema gibt es nicht (mehr).");
		return;
	}
	r = xcalloc(c->n + 1, sizeof(*r));
	rank(s, c, r);
	buf_init(&b);
	frame_head_open(&b, c->name);
	category_head(&b, c, r);
	frame_head_close(&b, "", 0);
	buf_puts(&b, "<nav class=\"crumbs\" aria-label=\"Sie sind hier\">"
	    "<a href=\"/\">Hilfe</a> › <span aria-current=\"page\">");
	escape_html(&b, c->name);
	buf_puts(&b, "</span></nav>\n<h1>");
	escape_html(&b, c->name);
	buf_printf(&b, "</h1>\n<p class=\"meta\">%zu Artikel, die meistgelesenen "
	    "zuerst</p>\n<ol class=\"questions\">\n", c->n);
	for (i = 0; i < c->n; i++) {
		buf_puts(&b, "<li><a href=\"/a/");
		escape_url(&b, r[i].e->slug);
		buf_puts(&b, "\">Frage: ");
		escape_html(&b, r[i].e->title);
		buf_printf(&b, "</a> <span class=\"hits\">(%lld Hits)</span>"
		    "</li>\n", (long long)r[i].hits);
	}
	buf_puts(&b, "</ol>\n");
	frame_contact(&b);
	frame_end(&b);
	free(r);
	snapshot_release(s);
	reply_page(rep, 200, &b);
}

/* /api/categories shows hits: new with every snapshot. */
int
page_category_api_key(struct request *req, struct cache_key *k)
{
	(void)req;
	return cache_key_set(k, snapshot_generation(0), "categories");
}

/*
 * GET /api/categories: every category, the most read first, with its
 * slug, URL, number of articles and its three most read questions.
 */
void
page_category_api(struct request *req, struct reply *rep)
{
	struct snapshot		*s = snapshot_acquire();
	struct ranked_cat	*cats;
	struct ranked_entry	*r;
	const struct category	*c;
	json_t			*list = json_array(), *top;
	char			*url;
	size_t			 i, j, n;

	(void)req;
	cats = categories_ranked(s, &n);
	for (i = 0; i < n; i++) {
		c = cats[i].c;
		r = xcalloc(c->n + 1, sizeof(*r));
		rank(s, c, r);
		top = json_array();
		for (j = 0; j < c->n && j < TILE_TOP; j++) {
			url = xasprintf("/a/%s", r[j].e->slug);
			json_array_append_new(top, json_pack("{s:o,s:o,s:I,s:o}",
			    "slug", reply_jstr(r[j].e->slug), "title",
			    reply_jstr(r[j].e->title), "hits",
			    (json_int_t)r[j].hits, "url", reply_jstr(url)));
			free(url);
		}
		url = xasprintf("/k/%s", c->slug);
		json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:I,s:I,s:o}",
		    "name", reply_jstr(c->name), "slug", reply_jstr(c->slug),
		    "url", reply_jstr(url), "articles", (json_int_t)c->n,
		    "hits", (json_int_t)cats[i].hits, "top", top));
		free(url);
		free(r);
	}
	free(cats);
	snapshot_release(s);
	reply_json(rep, 200, json_pack("{s:o}", "categories", list));
	rep->cache = "public, max-age=60";
}

/* The sitemap's category pages: fn(arg, path) for each, "/k/<slug>". */
void
page_category_each(void (*fn)(void *arg, const char *path), void *arg)
{
	struct snapshot		*s = snapshot_acquire();
	const struct categories	*set = snapshot_categories(s);
	char			*path;
	size_t			 i;

	for (i = 0; set != NULL && i < set->n; i++) {
		path = xasprintf("/k/%s", set->c[i].slug);
		fn(arg, path);
		free(path);
	}
	snapshot_release(s);
}
