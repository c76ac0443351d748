/*
 * route.c: which handler answers which request.  The table is searched in
 * order; an entry matches the whole path, or with a trailing '/' every
 * path below it (the rest is handed to the handler as req->tail).  GET
 * routes answer HEAD as well; another method on a known path gets 405,
 * an unknown path 404.
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
};

static const struct route routes[] = {
	{ "/",			page_home,	page_home_key },
	{ "/search",		page_search,	page_search_key },
	{ "/a/",		page_article,	page_article_key },
	{ "/static/",		static_serve,	NULL },
	{ "/healthz",		api_healthz,	NULL },
	{ "/metrics",		metrics_serve,	NULL },
	{ "/api/search",	api_search,	api_search_key },
	{ "/api/suggest",	api_suggest,	api_suggest_key },
	{ "/api/top",		api_top,	api_top_key },
	{ "/api/articles/",	api_article,	api_article_key },
};

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
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		rep->allow = "GET, HEAD";
		reply_error(req, rep, 405);
		return;
	}
	req->route = (int)(r - routes) + 1;
	if (r->keyer != NULL && r->keyer(req, &key)) {
		if (!cache_serve(req, &key, rep)) {
			r->handler(req, rep);
			cache_put(req, &key, rep);
		}
	} else
		r->handler(req, rep);
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
