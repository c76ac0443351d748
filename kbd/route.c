/*
 * route.c: which handler answers which request.  The table is searched in
 * order; an entry matches the whole path, or with a trailing '/' every
 * path below it (the rest is handed to the handler as req->tail).  GET
 * routes answer HEAD as well; a method the route does not take gets 405,
 * an unknown path 404 (a body over KBD_MAX_BODY gets 413 in http.c).
 * Staff's own views of articles are not counted as hits.
 *
 * A route whose answers can be cached has a keyer: it names the answer
 * (key and stamp, see cache.c) without rendering anything, and does what
 * every request must do even when the answer comes from the cache
 * (counting an article's hit).  The handler only runs on a cache miss.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kbd.h"

struct route {
	const char	*path;		/* ends in '/' for a prefix */
	handler_fn	 handler;
	keyer_fn	 keyer;		/* names a cacheable answer, or NULL */
	int		 cors;		/* other sites' pages may read it */
	const char	*allow;		/* methods taken, for Allow */
};

#define READ	"GET, HEAD"
#define CORS	"GET, HEAD, OPTIONS"	/* preflights come first */
#define FORMS	"GET, HEAD, POST"
#define REST	"GET, HEAD, POST, PUT, DELETE"

static const struct route routes[] = {
	{ "/",			page_home,	page_home_key,	0, READ },
	{ "/search",		page_search,	page_search_key, 0, READ },
	{ "/a/",		page_article,	page_article_key, 0, READ },
	{ "/static/",		static_serve,	NULL,		0, READ },
	{ "/favicon.ico",	static_favicon,	NULL,		0, READ },
	{ "/healthz",		api_healthz,	NULL,		0, READ },
	{ "/metrics",		metrics_serve,	NULL,		0, READ },
	{ "/api/search",	api_search,	api_search_key,	1, CORS },
	{ "/api/suggest",	api_suggest,	api_suggest_key, 1, CORS },
	{ "/api/top",		api_top,	api_top_key,	1, CORS },
	{ "/api/articles/",	api_article,	api_article_key, 1, CORS },
	{ "/robots.txt",	seo_robots,	seo_key,	0, READ },
	{ "/sitemap.xml",	seo_sitemap,	seo_key,	0, READ },
	{ "/feed.atom",		seo_feed,	seo_key,	0, READ },
	{ "/opensearch.xml",	seo_opensearch,	seo_key,	0, READ },
	{ "/llms.txt",		seo_llms,	seo_key,	0, READ },
	{ "/embed",		embed_page,	embed_page_key,	0, READ },
	{ "/embed/top",		embed_top,	embed_top_key,	0, READ },
	{ "/embed/top.html",	embed_fragment,	embed_top_key,	1, CORS },
	/* Staff: never cached, never for other sites. */
	{ "/admin",		admin_page,	NULL,		0, FORMS },
	{ "/admin/",		admin_page,	NULL,		0, FORMS },
	{ "/api/admin/",	adminapi_serve,	NULL,		0, REST },
};

/* Is method one of the comma-separated list allow? */
static int
method_allowed(const char *method, const char *allow)
{
	size_t	 n = strlen(method);
	const char *p;

	for (p = allow; (p = strstr(p, method)) != NULL; p += n)
		if ((p == allow || p[-2] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

static const struct route *
find(const char *path, const char **tail)
{
	size_t	 i, n;

	for (i = 0; i < nitems(routes); i++) {
		n = strlen(routes[i].path);
		if (strcmp(routes[i].path, "/") == 0 || routes[i].path[n - 1] !=
		    '/') {
			if (strcmp(path, routes[i].path) == 0) {
				*tail = path + n;
				return &routes[i];
			}
		} else if (strncmp(path, routes[i].path, n) == 0) {
			*tail = path + n;
			return &routes[i];
		}
	}
	return NULL;
}

/*
 * A CORS preflight (OPTIONS with Origin) from an allowed origin gets 204
 * with what it may do; from another origin 403, which the browser takes
 * as a no.  OPTIONS without Origin is a question about the methods.
 */
static void
preflight(struct request *req, struct reply *rep)
{
	rep->allow = "GET, HEAD, OPTIONS";
	if (http_header(req, "Origin") != NULL && rep->cors == NULL) {
		reply_error(req, rep, 403);
		return;
	}
	rep->preflight = 1;
	reply_static(rep, 204, NULL, "", 0);
}

/*
 * Answers that other sites may read carry Access-Control-Allow-Origin
 * for an allowed Origin.  When the sites are named (not "*"), the header
 * is the Origin itself, so each origin's answer is cached under its own
 * key.  Returns 0 when the key would not fit (no caching then).
 */
static int
cors_key(struct cache_key *key, const struct reply *rep)
{
	size_t	 len = strlen(key->key);
	int	 n;

	if (rep->cors == NULL || strcmp(rep->cors, "*") == 0)
		return 1;
	n = snprintf(key->key + len, sizeof(key->key) - len, "\norigin=%s",
	    rep->cors);
	return n > 0 && (size_t)n < sizeof(key->key) - len;
}

void
route_dispatch(struct request *req, struct reply *rep)
{
	const struct route	*r;
	struct cache_key	 key;

	req->api = strncmp(req->path, "/api/", 5) == 0;
	if ((r = find(req->path, &req->tail)) == NULL) {
		reply_error(req, rep, 404);
		return;
	}
	req->route = (int)(r - routes) + 1;
	if (r->cors) {
		rep->cors = site_cors(http_header(req, "Origin"));
		rep->cors_vary = site_cors_varies();
	}
	if (r->cors && strcmp(req->method, "OPTIONS") == 0) {
		preflight(req, rep);
		return;
	}
	if (!method_allowed(req->method, r->allow)) {
		rep->allow = r->allow;
		reply_error(req, rep, 405);
		return;
	}
	if (http_cookie(req, KBD_SESSION_COOKIE) != NULL &&
	    auth_staff(req) != NULL)
		req->no_count = 1;
	if (r->keyer != NULL && r->keyer(req, &key) && cors_key(&key, rep)) {
		if (!cache_serve(req, &key, rep)) {
			r->handler(req, rep);
			cache_put(req, &key, rep);
		}
	} else
		r->handler(req, rep);
}

/*
 * An article that is not there under this slug may have been renamed:
 * answers 301 to its new name under prefix ("/a/", "/api/articles/").
 * Returns 1 when it did.
 */
int
route_moved(struct request *req, struct reply *rep, struct reader *r,
    const char *prefix)
{
	sqlite3_stmt	*st = r->st[ST_REDIRECT];
	int		 moved = 0;

	sqlite3_bind_text(st, 1, req->tail, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(rep->location, sizeof(rep->location), "%s%s", prefix,
		    (const char *)sqlite3_column_text(st, 0));
		reply_error(req, rep, 301);
		moved = 1;
	}
	sqlite3_reset(st);
	return moved;
}

/* The name of route number n (req->route) for metrics; 0 is "none". */
const char *
route_name(int n)
{
	if (n <= 0 || (size_t)n > nitems(routes))
		return "none";
	return routes[n - 1].path;
}

size_t
route_count(void)
{
	return nitems(routes);
}

/*
 * Sets k's key from fmt and its stamp.  Returns 1, or 0 when the key
 * would not fit (the answer is then not cached).
 */
int
cache_key_set(struct cache_key *k, uint64_t stamp, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	k->stamp = stamp;
	va_start(ap, fmt);
	n = vsnprintf(k->key, sizeof(k->key), fmt, ap);
	va_end(ap);
	return n > 0 && (size_t)n < sizeof(k->key);
}
