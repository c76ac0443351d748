/*
 * hits_view.c (hits): which views of an article are hits.  A view counts
 * once per reader, article and UTC day (hits_visitor.c), and only when a
 * person's browser asked for the page to show it: robots and scripts (by
 * their User-Agent, and an address's agents beyond its first
 * VISITOR_AGENTS of the day), pages fetched ahead of time (a browser's prefetch
 * or prerender, Safari's top-sites preview) and staff never count; they
 * are counted apart, by reason, for /metrics.  The web layer hands over
 * what it read of the request; nothing here knows HTTP.
 */
#include <strings.h>

#include "kbd.h"

/* Does a Purpose-like header value say the page is fetched ahead? */
static int
fetched_ahead(const char *v)
{
	for (; v != NULL && *v != '\0'; v++)
		if (strncasecmp(v, "prefetch", 8) == 0 ||
		    strncasecmp(v, "preview", 7) == 0)
			return 1;
	return 0;
}

/*
 * Notes who views v->article and whether the view could count at all:
 * ua is the User-Agent (or NULL), purpose[0..n) the values of the
 * headers that announce a fetch ahead of time (Sec-Purpose, Purpose,
 * X-Purpose, X-Moz; NULL where absent), addr[0..addrlen) the client's
 * address.  Once per view; later calls change nothing.
 */
void
hits_view_classify(struct view *v, const char *ua,
    const char *const *purpose, size_t n, const unsigned char *addr,
    size_t addrlen)
{
	size_t	 i;

	if (v->classified)
		return;
	v->classified = 1;
	v->skip = SKIP_NONE;
	if (!hits_visitor_browser(ua))
		v->skip = SKIP_ROBOT;
	for (i = 0; i < n && v->skip == SKIP_NONE; i++)
		if (fetched_ahead(purpose[i]))
			v->skip = SKIP_PREFETCH;
	hits_visitor_digest(&v->who, addr, addrlen, ua);
}

/*
 * Would the view count, once its answer is out?  Pages show the count
 * with it.  Records nothing.  v must be classified.
 */
int
hits_view_counts(const struct view *v)
{
	if (v->article <= 0 || v->staff || !v->classified)
		return 0;
	return v->skip == SKIP_NONE && hits_visitor_agent_ok(&v->who,
	    clock_seconds() / 86400, 0) && hits_visitor_first(&v->who,
	    v->article, clock_seconds() / 86400);
}

/*
 * Counts the view, whose answer went out whole: one hit for a reader's
 * first view of the article today; robots, prefetches, repeats and staff
 * are only counted in the statistics, by reason.  Returns 1 when a
 * reader (not a robot, a prefetch or staff) saw it, else 0.
 */
int
hits_view_done(struct view *v)
{
	static const enum stats_counter	 skip_stat[SKIP__COUNT] = {
		[SKIP_ROBOT] = STAT_SKIP_ROBOT,
		[SKIP_PREFETCH] = STAT_SKIP_PREFETCH,
		[SKIP_REPEAT] = STAT_SKIP_REPEAT,
		[SKIP_STAFF] = STAT_SKIP_STAFF,
	};
	enum view_skip		 skip = v->skip;

	if (v->article <= 0 || !v->classified)
		return 0;
	if (v->staff)
		skip = SKIP_STAFF;
	/* One address cycling through User-Agents is a robot. */
	else if (skip == SKIP_NONE && !hits_visitor_agent_ok(&v->who,
	    clock_seconds() / 86400, 1))
		skip = SKIP_ROBOT;
	else if (skip == SKIP_NONE && !hits_visitor_mark(&v->who, v->article,
	    clock_seconds() / 86400))
		skip = SKIP_REPEAT;
	/* A node of a cluster: the cluster decides whether it is a hit. */
	if (skip == SKIP_NONE && hits_cluster_on())
		hits_cluster_add(&v->who, v->slug, clock_seconds() / 86400);
	else if (skip == SKIP_NONE)
		hits_add(v->article);
	else
		stats_add(skip_stat[skip], 1);
	return skip == SKIP_NONE || skip == SKIP_REPEAT;
}
