/*
 * api.c (web): the JSON API and /healthz.  Every JSON body is built with
 * jansson, never by printf, so quoting and escaping cannot go wrong; every
 * string that reaches jansson is valid UTF-8 (articles are checked at
 * import, queries are sanitised by search_query.c).  Errors are
 * {"error": "..."} with a fitting status.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "kbd.h"

#define JSON_TYPE	"application/json; charset=utf-8"
/* Lists that change by the second, but nobody needs them that fresh. */
#define API_MAX_AGE	"public, max-age=60"

static json_t *
article_url(const char *slug)
{
	char	*url = xasprintf("/a/%s", slug);
	json_t	*j = reply_jstr(url);

	free(url);
	return j;
}

/* Keys of the cacheable API answers; see route.c and cache.c. */

static const char *
arg_or_empty(struct request *req, const char *name)
{
	const char	*v = http_arg(req, name);

	return v != NULL ? v : "";
}

int
api_top_key(struct request *req, struct cache_key *k)
{
	int	 limit, days;

	if (http_arg_number(req, "limit", KBD_DEFAULT_LIMIT, 1, KBD_TOP_MAX,
	    &limit) == -1 || top_period(http_arg(req, "period"), &days) == -1)
		return -1;
	cache_key_init(k, top_stamp(days), "top");
	cache_key_add_int(k, limit);
	cache_key_add_int(k, days);
	return cache_key_done(k);
}

int
api_search_key(struct request *req, struct cache_key *k)
{
	int	 limit, offset;

	if (http_arg_number(req, "limit", KBD_DEFAULT_LIMIT, 1, KBD_MAX_LIMIT,
	    &limit) == -1 || http_arg_number(req, "offset", 0, 0, KBD_MAX_OFFSET,
	    &offset) == -1)
		return -1;
	/*
	 * Results show hits: any new snapshot makes them old; so do the
	 * dictionaries, read after the start.
	 */
	cache_key_init(k, snapshot_generation(0) << 1 |
	    (uint64_t)search_dict_settled(), "search");
	cache_key_add_int(k, limit);
	cache_key_add_int(k, offset);
	cache_key_add(k, arg_or_empty(req, "q"));
	return cache_key_done(k);
}

/* Does the client want suggestions as OpenSearch defines them? */
static int
opensearch(struct request *req)
{
	const char	*f = http_arg(req, "format");

	return f != NULL && strcmp(f, "opensearch") == 0;
}

int
api_suggest_key(struct request *req, struct cache_key *k)
{
	int	 limit;

	if (http_arg_number(req, "limit", KBD_SUGGEST_LIMIT, 1, KBD_SUGGEST_MAX,
	    &limit) == -1)
		return -1;
	cache_key_init(k, snapshot_generation(1) << 1 |
	    (uint64_t)search_dict_settled(), "suggest");
	cache_key_add_int(k, limit);
	cache_key_add_int(k, opensearch(req));
	cache_key_add(k, arg_or_empty(req, "q"));
	return cache_key_done(k);
}

/* An article's answer shows its votes too: new with each. */
int
api_article_key(struct request *req, struct cache_key *k)
{
	int64_t	 yes, no;
	int	 rc = view_key(req, k, "api/articles/");

	if (rc == 0) {
		hits_vote_totals(req->view.article, &yes, &no);
		k->stamp ^= (uint64_t)(yes << 32 | no) * 0xD6E8FEB86659FD93ULL;
	}
	return rc;
}

/*
 * Ready once the articles and the search's dictionaries are read.  A
 * cluster node whose PostgreSQL is away is still ready (it serves reads
 * from its own index, which is what a load balancer asks); the second
 * line says so, for people and for checks that want to know.
 */
void
api_healthz(struct request *req, struct reply *rep)
{
	const char	*type = "text/plain; charset=utf-8";
	char		 text[160];
	int64_t		 since;
	int		 n;

	(void)req;
	if (!writer_ready() || !search_dict_settled()) {
		reply_static(rep, 503, type, "starting\n", 9);
		return;
	}
	switch (stats_cluster(&since)) {
	case CLUSTER_UP:
		n = snprintf(text, sizeof(text), "ok\npostgresql: up\n");
		break;
	case CLUSTER_AWAY:
		n = snprintf(text, sizeof(text), "ok\npostgresql: away for "
		    "%lld s; serving reads, refusing changes\n",
		    (long long)(time(NULL) - since));
		break;
	default:
		reply_static(rep, 200, type, "ok\n", 3);
		return;
	}
	reply_text(rep, 200, type, xstrdup(text), (size_t)n);
}

void
api_search(struct request *req, struct reply *rep)
{
	struct reader		*r;
	struct query		*q;
	struct search_result	 res;
	json_t			*results, *obj;
	const char		*text;
	int			 limit, offset, rc;
	size_t			 i;

	if (http_arg_number(req, "limit", KBD_DEFAULT_LIMIT, 1, KBD_MAX_LIMIT,
	    &limit) == -1 || http_arg_number(req, "offset", 0, 0, KBD_MAX_OFFSET,
	    &offset) == -1) {
		error_reply(req, rep, 400, "limit must be a number from 1 to 100 and "
		    "offset a number from 0 to 10000");
		return;
	}
	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	if ((text = http_arg(req, "q")) == NULL)
		text = "";
	q = search_query_parse(r->tok, text);
	rc = search_run(r, q, limit, offset, 0, &res);
	if (offset == 0)
		reply_logged_search(req, rep, q->normalized, res.total);
	if (rc == -1) {
		search_query_free(q);
		search_result_free(&res);
		error_reply(req, rep, 503, NULL);
		return;
	}
	results = json_array();
	for (i = 0; i < res.n; i++)
		json_array_append_new(results, json_pack("{s:o,s:o,s:o,s:o,"
		    "s:I,s:o}", "slug", reply_jstr(res.hits[i].slug),
		    "title", reply_jstr(res.hits[i].title),
		    "category", reply_jstr(res.hits[i].category),
		    "snippet", reply_jstr(res.hits[i].snippet),
		    "hits", (json_int_t)res.hits[i].hits,
		    "url", article_url(res.hits[i].slug)));
	obj = json_pack("{s:o,s:I,s:i,s:i,s:b,s:o}", "query", reply_jstr(q->text),
	    "total", (json_int_t)res.total, "limit", limit, "offset", offset,
	    "partial", res.partial, "results", results);
	if (q->suggestion != NULL)
		json_object_set_new(obj, "suggestion", reply_jstr(q->suggestion));
	search_query_free(q);
	search_result_free(&res);
	reply_json(rep, 200, obj);
}

/*
 * Suggestions for a browser's search field (OpenSearch's suggestions
 * extension): [query, [titles], [descriptions], [URLs]], with absolute
 * URLs to the articles.
 */
static json_t *
opensearch_suggestions(const char *query, const struct search_result *res)
{
	json_t	*titles = json_array(), *none = json_array();
	json_t	*urls = json_array();
	char	*url;
	size_t	 i;

	for (i = 0; i < res->n; i++) {
		json_array_append_new(titles, reply_jstr(res->hits[i].title));
		json_array_append_new(none, json_string(""));
		url = xasprintf("%s/a/%s", site_base(), res->hits[i].slug);
		json_array_append_new(urls, reply_jstr(url));
		free(url);
	}
	return json_pack("[s,o,o,o]", query, titles, none, urls);
}

/* Appends the text of escaped HTML h[0..n) (escape_html's five). */
static void
unescape_html(struct buf *b, const char *h, size_t n)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};
	size_t	 i, k, len;
	int	 done;

	for (i = 0; i < n; i++) {
		done = 0;
		for (k = 0; h[i] == '&' && !done && k < nitems(ents); k++) {
			len = strlen(ents[k].ent);
			if (n - i >= len && memcmp(h + i, ents[k].ent, len) ==
			    0) {
				buf_putc(b, ents[k].c);
				i += len - 1;
				done = 1;
			}
		}
		if (!done)
			buf_putc(b, h[i]);
	}
}

/*
 * A suggestion's title with its marks (escaped HTML with <mark>, from
 * search_suggest) as plain strings that alternate: text, marked text,
 * text, ...; the first may be "".  Clients build text nodes from them,
 * never HTML.
 */
static json_t *
marked_parts(const char *html)
{
	json_t		*parts = json_array();
	struct buf	 b;
	const char	*p = html, *tag;
	int		 in = 0;

	while (*p != '\0') {
		tag = strstr(p, in ? "</mark>" : "<mark>");
		buf_init(&b);
		buf_puts(&b, "");
		unescape_html(&b, p, tag != NULL ? (size_t)(tag - p) :
		    strlen(p));
		json_array_append_new(parts, reply_jstr(b.data));
		buf_free(&b);
		if (tag == NULL)
			break;
		p = tag + (in ? 7 : 6);
		in = !in;
	}
	return parts;
}

void
api_suggest(struct request *req, struct reply *rep)
{
	struct reader		*r;
	struct search_result	 res;
	json_t			*list;
	const char		*text;
	char			*clean;
	struct buf		 b;
	int			 limit;
	size_t			 i;

	if (http_arg_number(req, "limit", KBD_SUGGEST_LIMIT, 1, KBD_SUGGEST_MAX,
	    &limit) == -1) {
		error_reply(req, rep, 400, "limit must be a number from 1 to 20");
		return;
	}
	if ((r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return;
	}
	if ((text = http_arg(req, "q")) == NULL)
		text = "";
	if (search_suggest(r, text, limit, &res) == -1) {
		search_result_free(&res);
		error_reply(req, rep, 503, NULL);
		return;
	}
	buf_init(&b);
	utf8_sanitize(&b, text, utf8_prefix(text, strlen(text),
	    KBD_MAX_QUERY));
	clean = buf_detach(&b, NULL);
	if (opensearch(req))
		reply_json(rep, 200, opensearch_suggestions(clean, &res));
	else {
		list = json_array();
		for (i = 0; i < res.n; i++)
			json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:o}",
			    "slug", reply_jstr(res.hits[i].slug),
			    "title", reply_jstr(res.hits[i].title),
			    "url", article_url(res.hits[i].slug),
			    "marked", marked_parts(res.hits[i].snippet != NULL ?
			    res.hits[i].snippet : "")));
		reply_json(rep, 200, json_pack("{s:s,s:o}", "query", clean,
		    "suggestions", list));
	}
	search_result_free(&res);
	free(clean);
	rep->cache = API_MAX_AGE;
}

/*
 * The top list, of all time or of a period ("7d", "30d"): hits are then
 * the views in that period.  Browsers and proxies may keep it a minute,
 * and ask again with If-None-Match.
 */
void
api_top(struct request *req, struct reply *rep)
{
	struct top_entry	*t;
	json_t			*list;
	const char		*period = http_arg(req, "period");
	int			 limit, days;
	size_t			 i, n;

	if (http_arg_number(req, "limit", KBD_DEFAULT_LIMIT, 1, KBD_TOP_MAX,
	    &limit) == -1) {
		error_reply(req, rep, 400, "limit must be a number from 1 to 100");
		return;
	}
	if (top_period(period, &days) == -1) {
		error_reply(req, rep, 400, "period must be all or a number of days "
		    "from 1d to 365d, such as 7d or 30d");
		return;
	}
	if (top_get(days, (size_t)limit, &t, &n) == -1) {
		top_free(t, n);
		error_reply(req, rep, 503, NULL);
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:I,s:o}",
		    "slug", reply_jstr(t[i].slug),
		    "title", reply_jstr(t[i].title),
		    "category", reply_jstr(t[i].category),
		    "hits", (json_int_t)t[i].hits,
		    "url", article_url(t[i].slug)));
	top_free(t, n);
	reply_json(rep, 200, json_pack("{s:o,s:o}", "period", days == 0 ?
	    json_string("all") : json_sprintf("%dd", days), "articles", list));
	rep->cache = API_MAX_AGE;
}

/*
 * GET /api/articles/<slug>: the article, its hits, when it last changed,
 * its category's page, and how many readers voted on it; once
 * KBD_VOTE_MIN did, "helpful" is the share that found it helpful (else
 * null).
 */
void
api_article(struct request *req, struct reply *rep)
{
	struct store_article	 a;
	struct buf		 cat;
	json_t			*helpful;
	char			 updated[32];
	int64_t			 yes, no;

	if (view_article(req, rep, "/api/articles/", &a) == -1)
		return;
	clock_format(updated, sizeof(updated), a.updated);
	hits_vote_totals(a.id, &yes, &no);
	helpful = yes + no >= KBD_VOTE_MIN ? json_real((double)llround(100.0 *
	    (double)yes / (double)(yes + no)) / 100.0) : json_null();
	buf_init(&cat);
	buf_puts(&cat, "");
	if (*a.category != '\0') {
		buf_puts(&cat, "/k/");
		category_slug(&cat, a.category);
	}
	reply_json(rep, 200, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:s,s:I,"
	    "s:o}", "slug", req->tail, "title", reply_jstr(a.title),
	    "category", reply_jstr(a.category), "category_url",
	    *a.category != '\0' ? reply_jstr(cat.data) : json_null(),
	    "tags", reply_tags(a.tags), "html", reply_jstr(a.html),
	    "hits", (json_int_t)view_hits(req, &a), "updated", updated,
	    "votes", (json_int_t)(yes + no), "helpful", helpful));
	buf_free(&cat);
	store_article_clear(&a);
}
