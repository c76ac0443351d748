/*
 * route.c: which handler answers which request.  The table is searched in
 * order; an entry matches the whole path, or with a trailing '/' every
 * path below it (the rest is handed to the handler as req->tail).  GET
 * routes answer HEAD as well; another method on a known path gets 405,
 * an unknown path 404.
 */
#include <string.h>

#include "kbd.h"

struct route {
	const char	*path;		/* ends in '/' for a prefix */
	handler_fn	 handler;
};

static const struct route routes[] = {
	{ "/",			page_home },
	{ "/search",		page_search },
	{ "/a/",		page_article },
	{ "/static/",		static_serve },
	{ "/healthz",		api_healthz },
	{ "/api/search",	api_search },
	{ "/api/suggest",	api_suggest },
	{ "/api/top",		api_top },
	{ "/api/articles/",	api_article },
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
	r->handler(req, rep);
}
