/*
 * route.c (web): the one router, for the public pages and API and for
 * the staff's pages and API, whose table the staff layer hands over at
 * start (route_init), so that this layer never calls up into it.  The
 * tables are searched in order for the first route whose method and path
 * pattern fit (see struct route); GET routes answer HEAD as well; a path
 * that fits only routes of other methods gets 405 with their Allow, an
 * unknown path 404.  A route's gate (the staff's login and CSRF checks)
 * runs before its handler.  Staff's own views of articles are not
 * counted as hits.
 *
 * A request that announces a body is looked at before its body is read
 * (route_admit): only routes marked ROUTE_BODY, ROUTE_LOGIN or ROUTE_FORM take
 * one, the first only once their gate has let the headers through (a staff
 * session), the others (a login, a reader's vote) only a small one.  Any other
 * is answered at once, 405 or 404 as above or 413 from a route that takes no
 * body, and the body is never read.
 *
 * A route whose answers can be cached has a keyer: it names the answer
 * (key and stamp, see cache.c) without rendering anything, and does what
 * every request must do even when the answer comes from the cache
 * (counting an article's hit).  The handler only runs on a cache miss.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define ANY	"*"

/* Public routes; the staff layer's follow (route_init). */
static const struct route public_routes[] = {
	{ "GET", "/",			page_home,	page_home_key, NULL, 0 },
	{ "GET", "/search",		page_search,	page_search_key, NULL, 0 },
	{ "GET", "/a/*",		page_article,	page_article_key, NULL, 0 },
	{ "POST", "/a/*/vote",		feedback_post,	NULL, NULL, ROUTE_FORM },
	{ "GET", "/k/*",		page_category,	page_category_key, NULL, 0 },
	{ "GET", "/media/*",		media_serve,	NULL, NULL, 0 },
	{ "GET", "/static/**",		static_serve,	NULL, NULL, 0 },
	{ "GET", "/favicon.ico",	static_favicon,	NULL, NULL, 0 },
	{ "GET", "/healthz",		api_healthz,	NULL, NULL, 0 },
	{ "GET", "/metrics",		metrics_serve,	NULL, NULL, 0 },
	{ "GET", "/api/search",		api_search,	api_search_key, NULL,
	    ROUTE_CORS },
	{ "GET", "/api/suggest",	api_suggest,	api_suggest_key, NULL,
	    ROUTE_CORS },
	{ "GET", "/api/top",		api_top,	api_top_key,	NULL,
	    ROUTE_CORS },
	{ "GET", "/api/categories",	page_category_api, page_category_api_key,
	    NULL, ROUTE_CORS },
	{ "GET", "/api/articles/*",	api_article,	api_article_key, NULL,
	    ROUTE_CORS },
	{ "GET", "/robots.txt",		seo_robots,	seo_key,	NULL, 0 },
	{ "GET", "/sitemap.xml",	seo_sitemap,	seo_key,	NULL, 0 },
	{ "GET", "/feed.atom",		seo_feed,	seo_key,	NULL, 0 },
	{ "GET", "/opensearch.xml",	seo_opensearch,	seo_key,	NULL, 0 },
	{ "GET", "/llms.txt",		seo_llms,	seo_key,	NULL, 0 },
	{ "GET", "/embed",		embed_page,	embed_page_key, NULL, 0 },
	{ "GET", "/embed/top",		embed_top,	embed_top_key,	NULL, 0 },
	{ "GET", "/embed/top.html",	embed_fragment,	embed_top_key,	NULL,
	    ROUTE_CORS },
};

/* Is the request a staff member's?  Their views are no hits. */
static int	(*staff_check)(struct request *);

/*
 * Sets the question "is the request a staff member's?", which only the
 * staff layer can answer.  At start, before http_start().
 */
void
route_staff_check(int (*check)(struct request *req))
{
	staff_check = check;
}

/* Tables added at start (route_add): the staff's pages and API. */
static struct {
	const struct route	*r;
	size_t			 n;
} added[4];
static size_t	 nadded;

/*
 * Adds a table of n routes, tried after the public ones and those added
 * before: the staff layer's, which this layer must not call by name.
 * Only at start, before http_start().
 */
void
route_add(const struct route *table, size_t n)
{
	assert(nadded < nitems(added));
	added[nadded].r = table;
	added[nadded++].n = n;
}

size_t
route_count(void)
{
	size_t	 i, n = nitems(public_routes);

	for (i = 0; i < nadded; i++)
		n += added[i].n;
	return n;
}

/* Route number i of all tables, in order. */
static const struct route *
route_at(size_t i)
{
	size_t	 t;

	if (i < nitems(public_routes))
		return &public_routes[i];
	i -= nitems(public_routes);
	for (t = 0; t < nadded && i >= added[t].n; t++)
		i -= added[t].n;
	assert(t < nadded);
	return &added[t].r[i];
}

/*
 * Does path match pattern?  A "*" segment matches one segment of up to
 * KBD_MAX_SLUG bytes, which goes into req->param; a last "**" matches
 * the rest.  req->tail is set to what follows the pattern's fixed part.
 */
static int
path_match(const char *pattern, const char *path, struct request *req)
{
	const char	*p = pattern, *s = path;
	size_t		 n, np = 0;

	req->tail = NULL;
	for (n = 0; n < nitems(req->param); n++)
		req->param[n][0] = '\0';
	while (*p != '\0') {
		if (p[0] == '*' && p[1] == '*' && p[2] == '\0') {
			if (req->tail == NULL)
				req->tail = s;
			return 1;
		}
		if (p[0] == '*' && (p[1] == '/' || p[1] == '\0')) {
			if (req->tail == NULL)
				req->tail = s;
			n = strcspn(s, "/");
			if (n == 0 || n > KBD_MAX_SLUG || np == nitems(req->param))
				return 0;
			memcpy(req->param[np], s, n);
			req->param[np++][n] = '\0';
			s += n;
			p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*s != '\0')
		return 0;
	if (req->tail == NULL)
		req->tail = s;
	return 1;
}

/* Does the route take method (GET takes HEAD too)? */
static int
takes(const struct route *r, const char *method)
{
	return strcmp(r->method, ANY) == 0 || strcmp(r->method, method) == 0 ||
	    (strcmp(r->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/*
 * The route for req, or NULL: then *allow holds the methods the path
 * takes ("" when no route has the path).
 */
static const struct route *
find(struct request *req, char *allow, size_t size)
{
	const struct route	*r, *path_only = NULL;
	size_t			 i, n = route_count();

	*allow = '\0';
	for (i = 0; i < n; i++) {
		r = route_at(i);
		if ((r->flags & ROUTE_FALLBACK) ||
		    !path_match(r->path, req->path, req))
			continue;
		if (takes(r, req->method)) {
			req->route = (int)i + 1;
			return r;
		}
		if (path_only == NULL)
			path_only = r;
		if (strstr(allow, r->method) == NULL)
			snprintf(allow + strlen(allow), size - strlen(allow),
			    "%s%s%s", *allow ? ", " : "", r->method,
			    strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
	}
	if (path_only != NULL) {
		if (path_only->flags & ROUTE_CORS)
			snprintf(allow + strlen(allow), size - strlen(allow),
			    ", OPTIONS");
		return NULL;
	}
	/* No route has the path: a catch-all may (staff's own 404s). */
	for (i = 0; i < n; i++) {
		r = route_at(i);
		if ((r->flags & ROUTE_FALLBACK) &&
		    path_match(r->path, req->path, req) &&
		    takes(r, req->method)) {
			req->route = (int)i + 1;
			return r;
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
	snprintf(rep->allow, sizeof(rep->allow), "GET, HEAD, OPTIONS");
	if (http_header(req, "Origin") != NULL && rep->cors == NULL) {
		error_reply(req, rep, 403, NULL);
		return;
	}
	rep->preflight = 1;
	reply_static(rep, 204, NULL, "", 0);
}

/*
 * Answers that other sites may read carry Access-Control-Allow-Origin
 * for an allowed Origin.  When the sites are named (not "*"), the header
 * is the Origin itself, so each origin's answer is cached under its own
 * key: two more parts of it, which no argument of the request can make
 * (cache.c).  Returns -1 when the key would not fit (no caching then).
 */
static int
cors_key(struct cache_key *key, const struct reply *rep)
{
	if (rep->cors == NULL || strcmp(rep->cors, "*") == 0)
		return cache_key_done(key);
	cache_key_add(key, "origin");
	cache_key_add(key, rep->cors);
	return cache_key_done(key);
}

/*
 * http.c's admit hook: req announces a body and only its headers are
 * read.  Returns 0 (with req->body_max set) when the route takes a body
 * from this request, else -1 with the answer in rep: the route's 404 or
 * 405, 413 from a route that takes none, or what its gate said (the
 * login page, 401, 403).  A catch-all route (staff's own 404) answers at
 * once too.
 */
int
route_admit(struct request *req, struct reply *rep)
{
	const struct route	*r;
	char			 allow[128];
	int			 rc = 0;

	req->api = strncmp(req->path, "/api/", 5) == 0;
	if ((r = find(req, allow, sizeof(allow))) == NULL) {
		snprintf(rep->allow, sizeof(rep->allow), "%s", allow);
		error_reply(req, rep, *allow != '\0' ? 405 : 404, NULL);
		return -1;
	}
	if ((r->flags & (ROUTE_BODY | ROUTE_LOGIN | ROUTE_FORM |
	    ROUTE_FALLBACK)) == 0) {
		error_reply(req, rep, 413, req->api ? "this address takes no "
		    "request body" : "Diese Adresse nimmt keine Daten an.");
		return -1;
	}
	req->headers_only = 1;
	if (r->gate != NULL)
		rc = r->gate(req, rep);
	req->headers_only = 0;
	if (rc == -1)
		return -1;
	if (r->flags & ROUTE_FALLBACK) {
		r->handler(req, rep);
		return -1;
	}
	req->body_max = r->flags & (ROUTE_LOGIN | ROUTE_FORM) ?
	    KBD_MAX_LOGIN_BODY : KBD_MAX_BODY;
	return 0;
}

void
route_dispatch(struct request *req, struct reply *rep)
{
	const struct route	*r;
	struct cache_key	 key;
	char			 allow[128];

	req->api = strncmp(req->path, "/api/", 5) == 0;
	if ((r = find(req, allow, sizeof(allow))) == NULL &&
	    strcmp(req->method, "OPTIONS") == 0 && strstr(allow, "OPTIONS")) {
		/* Only the routes other sites may read take a preflight. */
		rep->cors = site_cors(http_header(req, "Origin"));
		rep->cors_vary = site_cors_varies();
		preflight(req, rep);
		return;
	}
	if (r == NULL) {
		snprintf(rep->allow, sizeof(rep->allow), "%s", allow);
		error_reply(req, rep, *allow != '\0' ? 405 : 404, NULL);
		return;
	}
	if (r->flags & ROUTE_CORS) {
		rep->cors = site_cors(http_header(req, "Origin"));
		rep->cors_vary = site_cors_varies();
	}
	if (r->gate != NULL && r->gate(req, rep) == -1)
		return;
	if (staff_check != NULL && staff_check(req))
		req->view.staff = 1;
	if (r->keyer != NULL && r->keyer(req, &key) == 0 &&
	    cors_key(&key, rep) == 0) {
		if (!cache_serve(req, &key, rep)) {
			r->handler(req, rep);
			cache_put(req, &key, rep);
		}
	} else
		r->handler(req, rep);
	/* Who asked is noted now, for view_done() once it is answered. */
	view_note(req);
}

/*
 * The end of a request that got an answer: its view of an article is
 * counted (and, from a results page, the click on that result), its
 * time and status go to the metrics, and a line to the access log.
 */
void
route_completed(struct request *req, int whole)
{
	char	*from;

	if (view_done(req, whole) && (from = view_search_from(req)) != NULL) {
		search_log_click(from, req->view.skip == SKIP_NONE,
		    req->view.article, req->view.slug, &req->view.who);
		free(from);
	}
	metrics_request(req->route, req->status, clock_us() - req->start);
	accesslog_request(req);
}

/* The answer to a request refused before it was routed. */
void
route_error(struct request *req, struct reply *rep, unsigned int status)
{
	error_reply(req, rep, status, NULL);
}

/*
 * The name of route number n (req->route) for metrics, into out: its
 * path up to its first wildcard, "/a/" for the articles; 0 is "none".
 */
void
route_label(int n, char *out, size_t size)
{
	const char	*path;

	if (n <= 0 || (size_t)n > route_count()) {
		snprintf(out, size, "none");
		return;
	}
	path = route_at((size_t)n - 1)->path;
	snprintf(out, size, "%.*s", (int)strcspn(path, "*"), path);
}


