/*
 * view.c (web): requests that show an article.  A handler or its keyer
 * names the article (view_key); what hits_view.c needs of the request
 * (User-Agent, the headers of a fetch ahead of time, the client's
 * address) is read here once; the router counts the view when the answer
 * went out whole (view_done), from the cache or not.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbd.h"

/*
 * Notes who views the article, while the request's headers are at hand
 * (the router calls this right after the handler, or the cache, named
 * the article).
 */
void
view_note(struct request *req)
{
	static const char *const names[] = {
		"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz",
	};
	const char	*purpose[nitems(names)];
	unsigned char	 addr[16];
	size_t		 i, n;

	if (req->view.article <= 0 || req->view.classified || req->head)
		return;
	for (i = 0; i < nitems(names); i++)
		purpose[i] = http_header(req, names[i]);
	n = http_client_address(req, addr);
	hits_view_classify(&req->view, http_header(req, "User-Agent"),
	    purpose, nitems(names), addr, n);
}

/*
 * Would this view of the article count, once its answer is out?  Pages
 * show the count with it.  Records nothing.
 */
static int
would_count(struct request *req)
{
	if (req->view.article <= 0 || req->head)
		return 0;
	view_note(req);
	return hits_view_counts(&req->view);
}

/*
 * The request is over.  An article that was shown (200, or 304 to a
 * browser that has it) was viewed: counted only once the whole answer
 * went out, so that a client cut off (by a stop, or by leaving) is never
 * counted; see hits_view.c for which views are hits.  HEAD shows
 * nothing; a 404 counts nothing.  Returns 1 when a reader saw it.
 */
/*
 * The search whose results page the article was opened from, or NULL:
 * the Referer is this site's /search?q=...  Only the page's own Referer
 * is used; no cookie, no id in the link.  The caller frees it.
 */
char *
view_search_from(struct request *req)
{
	const char	*ref = http_header(req, "Referer");
	const char	*host = http_header(req, "Host");
	const char	*p, *qs;
	size_t		 n;

	if (ref == NULL || host == NULL || (p = strstr(ref, "://")) == NULL)
		return NULL;
	p += 3;
	n = strlen(host);
	if (strncmp(p, host, n) != 0 || strncmp(p + n, "/search?", 8) != 0)
		return NULL;
	qs = p + n + 8;
	return parse_form_value(qs, strcspn(qs, "#"), "q");
}

int
view_done(struct request *req, int whole)
{
	if (!whole || req->view.article <= 0 || req->head ||
	    (req->status != 200 && req->status != 304))
		return 0;
	return hits_view_done(&req->view);
}

/*
 * A view of an article (its page or its JSON under prefix): notes which
 * article (route.c counts the hit once the answer is a success, from the
 * cache or not) and names the answer after the article's version and
 * stored hits.  Returns 0 for an article the snapshot does not know (yet):
 * the handler then looks in the database.
 */
int
view_key(struct request *req, struct cache_key *k, const char *prefix)
{
	struct snapshot	*s;
	int64_t		 id = -1;
	uint64_t	 stamp = 0;

	if (!parse_slug(req->tail, strlen(req->tail)))
		return -1;
	s = snapshot_acquire();
	if ((id = snapshot_find(s, req->tail)) >= 0)
		stamp = snapshot_article_stamp(s, id);
	snapshot_release(s);
	if (id < 0)
		return -1;
	req->view.article = id;
	snprintf(req->view.slug, sizeof(req->view.slug), "%s", req->tail);
	cache_key_init(k, stamp, prefix);
	cache_key_add(k, req->tail);
	return cache_key_done(k);
}

/*
 * Reads the published article req->tail shows, into *a (the caller
 * clears it with store_article_clear), and notes it as viewed.  Returns
 * 0, or -1 when req is answered already: 301 to the article's new name
 * under prefix ("/a/", "/api/articles/") when it was renamed, else 404,
 * or 503 when the database cannot be read.
 */
int
view_article(struct request *req, struct reply *rep, const char *prefix,
    struct store_article *a)
{
	struct reader	*r;
	char		 now[KBD_MAX_SLUG + 1];

	if (!parse_slug(req->tail, strlen(req->tail))) {
		error_reply(req, rep, 404, NULL);
		return -1;
	}
	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return -1;
	}
	if (store_article_get(r, req->tail, a) == 0) {
		req->view.article = a->id;
		snprintf(req->view.slug, sizeof(req->view.slug), "%s",
		    a->slug);
		return 0;
	}
	if (errno == ENOENT && store_article_moved(r, req->tail, now,
	    sizeof(now)) == 0) {
		snprintf(rep->location, sizeof(rep->location), "%s%s", prefix,
		    now);
		error_reply(req, rep, 301, NULL);
	} else
		error_reply(req, rep, errno == ENOENT ? 404 : 503, NULL);
	return -1;
}

/*
 * The hits to show for the article a that req views: those stored,
 * those counted since, and this view once its answer is out.
 */
int64_t
view_hits(struct request *req, const struct store_article *a)
{
	return a->hits + hits_pending(a->id) + would_count(req);
}
