/*
 * staff_api.c (staff): the staff API under /api/admin/, the editor's functions
 * for scripts, in JSON.  The same rules as the pages: a connection that keeps
 * secrets (staff_auth_transport_ok), a session cookie or an API token
 * ("Authorization: Bearer"), and for every change with a cookie the session's
 * CSRF token in the X-CSRF-Token header.  kbd-http.7 (STAFF API) lists the
 * endpoints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "kbd.h"

struct api {
	struct request		*req;
	struct reply		*rep;
	const struct staff	*who;
	struct reader		*r;
	json_t			*in;	/* the body, or NULL */
};

static void
answer(struct api *a, unsigned int status, json_t *obj)
{
	reply_json(a->rep, status, obj);
	a->rep->cache = "no-store";
}

static void
fail(struct api *a, unsigned int status, const char *why)
{
	error_reply(a->req, a->rep, status, why);
	a->rep->cache = "no-store";
}

static int
is(struct api *a, const char *method)
{
	return strcmp(a->req->method, method) == 0;
}

/* A string member of the body, or def. */
static const char *
in_str(struct api *a, const char *key, const char *def)
{
	const char	*s = json_string_value(json_object_get(a->in, key));

	return s != NULL ? s : def;
}

/* The body's "tags" (an array of strings) joined by '\n'; freed by caller. */
static char *
in_tags(struct api *a)
{
	json_t		*tags = json_object_get(a->in, "tags"), *t;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_put(&b, "", 0);
	json_array_foreach(tags, i, t) {
		if (json_string_value(t) == NULL)
			continue;
		if (b.len > 0)
			buf_putc(&b, '\n');
		buf_puts(&b, json_string_value(t));
	}
	return buf_detach(&b, NULL);
}

static json_t *
article_json(const struct store_staff_article *s, int full)
{
	char	 when[32];
	json_t	*o;

	clock_format(when, sizeof(when), s->updated);
	o = json_pack("{s:o,s:o,s:o,s:o,s:s,s:b,s:I,s:s,s:I,s:o}",
	    "slug", reply_jstr(s->slug), "title", reply_jstr(s->title),
	    "category", reply_jstr(s->category), "tags", reply_tags(s->tags),
	    "state", s->state, "draft", s->draft,
	    "hits", (json_int_t)s->hits, "updated", when,
	    "rev", (json_int_t)s->rev, "author", reply_jstr(s->author));
	if (full)
		json_object_set_new(o, "markdown", reply_jstr(s->markdown));
	return o;
}

static void
list_row(void *arg, const struct store_staff_article *s)
{
	json_array_append_new(arg, article_json(s, 0));
}

static void
list_articles(struct api *a)
{
	struct staff_filter	 f;
	json_t			*list = json_array();

	memset(&f, 0, sizeof(f));
	f.q = http_arg(a->req, "q");
	f.state = http_arg(a->req, "state");
	f.category = http_arg(a->req, "category");
	f.sort = store_staff_sort(http_arg(a->req, "sort"));
	if (store_staff_articles(a->r, &f, list_row, list) < 0) {
		json_decref(list);
		fail(a, 500, "internal error");
		return;
	}
	answer(a, 200, json_pack("{s:o}", "articles", list));
}

static void
get_article(struct api *a, const char *slug)
{
	struct store_staff_article	 s;
	char			*mem;
	int			 found;

	if ((found = store_staff_article(a->r, slug, &s, &mem)) <= 0) {
		fail(a, found == 0 ? 404 : 500, found == 0 ? "no such article" :
		    "internal error");
		return;
	}
	answer(a, 200, article_json(&s, 1));
	free(mem);
}

/*
 * The answer to a change that returned rc: 200 (201 for a new article)
 * with the revision, or the failure's status and reason, and in a
 * conflict the text as it is now.
 */
static void
changed(struct api *a, struct edit *e, int rc, const char *slug)
{
	json_t	*o;

	if (rc == 0) {
		answer(a, e->created ? 201 : 200, json_pack("{s:o,s:I}",
		    "slug", reply_jstr(slug), "rev", (json_int_t)e->rev));
		return;
	}
	o = json_pack("{s:o}", "error", reply_jstr(e->why));
	if (e->err == EEXIST && e->current != NULL) {
		json_object_set_new(o, "rev", json_integer(e->rev));
		json_object_set_new(o, "current", reply_jstr(e->current));
	}
	answer(a, error_status(e->err), o);
}

/* POST /articles (create) and PUT /articles/<slug> (update). */
static void
save_article(struct api *a, const char *slug)
{
	struct edit	 e;
	char		*tags = in_tags(a);
	json_t		*rev = json_object_get(a->in, "rev");
	const char	*errstr;
	int		 rc;

	memset(&e, 0, sizeof(e));
	e.slug = slug != NULL ? slug : in_str(a, "slug", "");
	e.author = a->who->name;
	e.title = in_str(a, "title", "");
	e.category = in_str(a, "category", "");
	e.tags = tags;
	e.body = in_str(a, "markdown", "");
	e.draft = json_is_true(json_object_get(a->in, "draft"));
	if (slug != NULL && !json_is_integer(rev)) {
		free(tags);
		fail(a, 400, "rev (the revision you edited) is required");
		return;
	}
	e.base_rev = slug != NULL ? json_integer_value(rev) : 0;
	if (slug != NULL && e.base_rev <= 0) {
		free(tags);
		fail(a, 400, "rev must be a revision number");
		return;
	}
	rc = staff_edit_save(&e, &errstr);
	changed(a, &e, rc, e.slug);
	free(e.current);
	free(tags);
}

static void
article_action(struct api *a, const char *slug, const char *verb)
{
	struct edit	 e;
	json_t		*rev;
	const char	*errstr;
	int		 rc;

	memset(&e, 0, sizeof(e));
	e.slug = slug;
	e.author = a->who->name;
	if (strcmp(verb, "publish") == 0 || strcmp(verb, "unpublish") == 0) {
		e.draft = strcmp(verb, "unpublish") == 0;
		rc = staff_edit_publish(&e, &errstr);
	} else if (strcmp(verb, "restore") == 0) {
		rev = json_object_get(a->in, "rev");
		e.restore_rev = json_is_integer(rev) ?
		    json_integer_value(rev) : 0;
		rc = staff_edit_restore(&e, &errstr);
	} else if (strcmp(verb, "rename") == 0) {
		e.new_slug = in_str(a, "slug", "");
		rc = staff_edit_rename(&e, &errstr);
		slug = e.new_slug;
	} else {
		fail(a, 404, "not found");
		return;
	}
	changed(a, &e, rc, slug);
	free(e.current);
}

static void
revision_row(void *arg, const struct staff_revision *v)
{
	char	 when[32];

	clock_format(when, sizeof(when), v->created);
	json_array_append_new(arg, json_pack("{s:I,s:o,s:s,s:I,s:s}", "rev",
	    (json_int_t)v->rev, "author", reply_jstr(v->author), "created", when,
	    "size", (json_int_t)strlen(v->text), "hash", v->hash));
}

static void
revisions(struct api *a, const char *slug, const char *which)
{
	json_t		*list;
	char		*text;
	long long	 rev;

	if (*which != '\0') {
		if (parse_number(which, 1, INT64_MAX, &rev) == -1 ||
		    (text = store_staff_revision_text(a->r, slug, rev)) == NULL) {
			fail(a, 404, "no such revision");
			return;
		}
		answer(a, 200, json_pack("{s:o,s:I,s:o}", "slug", reply_jstr(slug),
		    "rev", (json_int_t)rev, "text", reply_jstr(text)));
		free(text);
		return;
	}
	list = json_array();
	if (store_staff_revisions(a->r, slug, revision_row, list) <= 0) {
		json_decref(list);
		fail(a, 404, "no such article");
		return;
	}
	answer(a, 200, json_pack("{s:o,s:o}", "slug", reply_jstr(slug), "revisions",
	    list));
}

static void
stat_row_json(void *arg, const struct stat_row *row)
{
	json_t	*o = json_pack("{s:o,s:I}", "label", reply_jstr(row->label), "count",
	    (json_int_t)row->value);

	if (*row->slug != '\0')
		json_object_set_new(o, "slug", reply_jstr(row->slug));
	else
		json_object_set_new(o, "opened", json_integer(row->extra));
	json_array_append_new(arg, o);
}

static json_t *
stat_list(struct api *a, int kind, int days)
{
	json_t	*list = json_array();

	if (kind < 0)
		store_staff_most_read(a->r, days, 10, stat_row_json, list);
	else
		store_staff_searches(a->r, kind, days, 50, stat_row_json, list);
	return list;
}

static void
stats(struct api *a)
{
	const char	*arg = http_arg(a->req, "days");
	int		 days = arg != NULL && strcmp(arg, "30") == 0 ? 30 : 7, i;
	int64_t		 per_day[30];
	json_t		*daily = json_array();

	if (store_staff_daily_hits(a->r, days, per_day) == 0)
		for (i = 0; i < days; i++)
			json_array_append_new(daily, json_integer(per_day[i]));
	answer(a, 200, json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "days", days,
	    "most_read", stat_list(a, -1, days),
	    "most_read_all_time", stat_list(a, -1, 0),
	    "searches", stat_list(a, STATS_TOP, days),
	    "no_results", stat_list(a, STATS_EMPTY, days),
	    "not_opened", stat_list(a, STATS_UNOPENED, days),
	    "daily_hits", daily));
}

static void
user_row_json(void *arg, const struct user_row *u)
{
	char	 when[32];

	clock_format(when, sizeof(when), u->created);
	json_array_append_new(arg, json_pack("{s:o,s:s,s:s,s:b}", "name",
	    reply_jstr(u->name), "role", u->role, "created", when, "api_token",
	    u->has_token));
}

static void
users(struct api *a, const char *name)
{
	struct staff_user_change	 j;
	json_t		*list;

	if (!a->who->admin) {
		fail(a, 403, "only admins manage accounts");
		return;
	}
	memset(&j, 0, sizeof(j));
	if (*name == '\0' && (is(a, "GET") || is(a, "HEAD"))) {
		list = json_array();
		store_user_each(a->r->db, user_row_json, list);
		answer(a, 200, json_pack("{s:o}", "users", list));
		return;
	}
	if (*name == '\0' && is(a, "POST")) {
		j.name = in_str(a, "name", "");
		j.role = in_str(a, "role", "editor");
		j.password = in_str(a, "password", "");
	} else if (*name != '\0' && is(a, "DELETE")) {
		if (strcmp(name, a->who->name) == 0) {
			fail(a, 409, "you cannot delete yourself");
			return;
		}
		j.name = name;
		j.del = 1;
	} else {
		fail(a, 405, "method not allowed");
		return;
	}
	if (staff_user_change(&j) == -1) {
		fail(a, j.why != NULL && strcmp(j.why, "no such user") == 0 ?
		    404 : 422, j.why != NULL ? j.why : "not possible");
		return;
	}
	answer(a, j.del ? 200 : 201, json_pack("{s:o}", "name", reply_jstr(j.name)));
}

/*
 * The answer to a login (staff_auth_login), perhaps on the thread that
 * checked the password, with a reply of its own.
 */
static void
login_answer(struct request *req, struct reply *rep,
    const struct login_result *res)
{
	struct api	 a;

	memset(&a, 0, sizeof(a));
	a.req = req;
	a.rep = rep;
	switch (res->err) {
	case 0:
		/* The CSRF token comes with GET /api/admin/session. */
		answer(&a, 200, json_pack("{s:b}", "ok", 1));
		break;
	case EAGAIN:
		rep->retry_after = (unsigned int)res->wait;
		fail(&a, 429, "too many failed logins; wait and try again");
		break;
	case EACCES:
		fail(&a, 401, "wrong name or password");
		break;
	case ENETDOWN:
		rep->retry_after = 5;
		fail(&a, 503, "Die gemeinsame Datenbank des Clusters "
		    "(PostgreSQL) ist nicht erreichbar; bitte gleich noch "
		    "einmal versuchen (the cluster's database is away)");
		break;
	default:
		rep->retry_after = 2;
		fail(&a, 503, "logins are not possible right now");
		break;
	}
}

static void
login(struct api *a)
{
	if (!is(a, "POST")) {
		fail(a, 405, "method not allowed");
		return;
	}
	staff_auth_login(a->req, a->rep, in_str(a, "name", ""),
	    in_str(a, "password", ""), login_answer);
}

/* Routes */

/*
 * What every route here starts from: the reader, who asks, and a body
 * of a change, which must be a JSON object.  0, or -1 when it answered.
 */
static int
begin(struct api *a, struct request *req, struct reply *rep)
{
	json_error_t	 err;

	memset(a, 0, sizeof(*a));
	a->req = req;
	a->rep = rep;
	a->who = staff_auth_who(req);
	if ((a->r = store_reader()) == NULL) {
		fail(a, 503, "service unavailable");
		return -1;
	}
	if (!is(a, "GET") && !is(a, "HEAD") && req->body.len > 0 &&
	    (a->in = json_loadb(req->body.data, req->body.len, 0, &err)) ==
	    NULL) {
		fail(a, 400, "the body is not valid JSON");
		return -1;
	}
	if (a->in != NULL && !json_is_object(a->in)) {
		json_decref(a->in);
		a->in = NULL;
		fail(a, 400, "the body must be a JSON object");
		return -1;
	}
	return 0;
}

static void
end(struct api *a)
{
	json_decref(a->in);
}

/* The article routes' slug, or NULL (answered 404). */
static const char *
slug_of(struct api *a)
{
	const char	*slug = a->req->param[0];

	if (!parse_slug(slug, strlen(slug))) {
		fail(a, 404, "no such article");
		return NULL;
	}
	return slug;
}

/* Every route's first check: a connection that keeps secrets. */
static int
transport(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (staff_auth_transport_ok(req))
		return 0;
	memset(&a, 0, sizeof(a));
	a.req = req;
	a.rep = rep;
	fail(&a, 403, "the staff API needs HTTPS");
	return -1;
}

/*
 * The gate of the login: the connection; from this site, if from a page
 * at all (no other Origin: login CSRF); and a JSON body, which a form of
 * another site cannot send (it can send text/plain without asking).
 */
static int
gate_login(struct request *req, struct reply *rep)
{
	struct api	 a;
	const char	*type = http_header(req, "Content-Type");

	memset(&a, 0, sizeof(a));
	a.req = req;
	a.rep = rep;
	if (transport(req, rep) == -1)
		return -1;
	if (!staff_auth_same_origin(req, 0)) {
		fail(&a, 403, "a login from another site's page");
		return -1;
	}
	if (strcmp(req->method, "POST") == 0 && (type == NULL ||
	    strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';' && type[16] != ' '))) {
		fail(&a, 415, "a login is sent as application/json");
		return -1;
	}
	return 0;
}

/*
 * The gate of every other route: the connection, a session or an API
 * token, and for a change with a session cookie its CSRF token.
 */
static int
gate(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (transport(req, rep) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	a.req = req;
	a.rep = rep;
	if (staff_auth_away(req)) {
		rep->retry_after = 5;
		fail(&a, 503, "Die gemeinsame Datenbank des Clusters "
		    "(PostgreSQL) ist nicht erreichbar; bitte gleich noch "
		    "einmal versuchen (the cluster's database is away)");
		return -1;
	}
	if (staff_auth_who(req) == NULL) {
		fail(&a, 401, "log in first (session cookie or API token)");
		return -1;
	}
	if (!is(&a, "GET") && !is(&a, "HEAD") && !staff_auth_csrf_ok(req,
	    http_header(req, "X-CSRF-Token"))) {
		fail(&a, 403, "missing or wrong X-CSRF-Token");
		return -1;
	}
	return 0;
}

static void
route_login(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		login(&a);
	end(&a);
}

static void
route_session(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		answer(&a, 200, json_pack("{s:o,s:s,s:s}", "name",
		    reply_jstr(a.who->name), "role", a.who->admin ? "admin" :
		    "editor", "csrf", a.who->csrf));
	end(&a);
}

static void
route_logout(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0) {
		if (staff_auth_logout(req, rep) == 0)
			answer(&a, 200, json_pack("{s:b}", "ok", 1));
		else {
			rep->retry_after = 5;
			fail(&a, 503, "Die gemeinsame Datenbank des Clusters "
			    "(PostgreSQL) ist nicht erreichbar; die Sitzung "
			    "gilt noch (the cluster's database is away)");
		}
	}
	end(&a);
}

static void
route_preview(struct request *req, struct reply *rep)
{
	struct api	 a;
	char		*html;

	if (begin(&a, req, rep) == 0) {
		html = staff_page_preview(in_str(&a, "markdown", ""));
		answer(&a, 200, json_pack("{s:o}", "html", reply_jstr(html)));
		free(html);
	}
	end(&a);
}

static void
route_list(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		list_articles(&a);
	end(&a);
}

static void
route_create(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		save_article(&a, NULL);
	end(&a);
}

static void
route_get(struct request *req, struct reply *rep)
{
	struct api	 a;
	const char	*slug;

	if (begin(&a, req, rep) == 0 && (slug = slug_of(&a)) != NULL)
		get_article(&a, slug);
	end(&a);
}

static void
route_put(struct request *req, struct reply *rep)
{
	struct api	 a;
	const char	*slug;

	if (begin(&a, req, rep) == 0 && (slug = slug_of(&a)) != NULL)
		save_article(&a, slug);
	end(&a);
}

static void
route_delete(struct request *req, struct reply *rep)
{
	struct api	 a;
	struct edit	 e;
	const char	*slug, *errstr;

	if (begin(&a, req, rep) == 0 && (slug = slug_of(&a)) != NULL) {
		memset(&e, 0, sizeof(e));
		e.slug = slug;
		e.author = a.who->name;
		changed(&a, &e, staff_edit_delete(&e, &errstr), slug);
	}
	end(&a);
}

static void
route_revisions(struct request *req, struct reply *rep)
{
	struct api	 a;
	const char	*slug;

	if (begin(&a, req, rep) == 0 && (slug = slug_of(&a)) != NULL)
		revisions(&a, slug, req->param[1]);
	end(&a);
}

/* POST /api/admin/articles/<slug>/<verb> */
static void
route_action(struct request *req, struct reply *rep)
{
	struct api	 a;
	const char	*slug;

	if (begin(&a, req, rep) == 0 && (slug = slug_of(&a)) != NULL)
		article_action(&a, slug, req->param[1]);
	end(&a);
}

static void
route_stats(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		stats(&a);
	end(&a);
}

static void
route_users(struct request *req, struct reply *rep)
{
	struct api	 a;

	if (begin(&a, req, rep) == 0)
		users(&a, req->param[0]);
	end(&a);
}

static void
route_not_found(struct request *req, struct reply *rep)
{
	struct api	 a;

	memset(&a, 0, sizeof(a));
	a.req = req;
	a.rep = rep;
	fail(&a, 404, "not found");
}

/* The staff API, for route.c (see route_add in main.c). */
const struct route staff_api_routes[] = {
	{ "POST",   "/api/admin/login",		route_login, NULL,
	    gate_login, ROUTE_LOGIN },
	{ "GET",    "/api/admin/session",	route_session, NULL, gate, 0 },
	{ "POST",   "/api/admin/logout",	route_logout, NULL, gate,
	    ROUTE_BODY },
	{ "POST",   "/api/admin/preview",	route_preview, NULL, gate,
	    ROUTE_BODY },
	{ "GET",    "/api/admin/articles",	route_list, NULL, gate, 0 },
	{ "POST",   "/api/admin/articles",	route_create, NULL, gate,
	    ROUTE_BODY },
	{ "GET",    "/api/admin/articles/*",	route_get, NULL, gate, 0 },
	{ "PUT",    "/api/admin/articles/*",	route_put, NULL, gate,
	    ROUTE_BODY },
	{ "DELETE", "/api/admin/articles/*",	route_delete, NULL, gate,
	    ROUTE_BODY },
	{ "GET",    "/api/admin/articles/*/revisions", route_revisions, NULL,
	    gate, 0 },
	{ "GET",    "/api/admin/articles/*/revisions/*", route_revisions,
	    NULL, gate, 0 },
	{ "POST",   "/api/admin/articles/*/*",	route_action, NULL, gate,
	    ROUTE_BODY },
	{ "GET",    "/api/admin/stats",		route_stats, NULL, gate, 0 },
	{ "GET",    "/api/admin/users",		route_users, NULL, gate, 0 },
	{ "POST",   "/api/admin/users",		route_users, NULL, gate,
	    ROUTE_BODY },
	{ "DELETE", "/api/admin/users/*",	route_users, NULL, gate,
	    ROUTE_BODY },
	{ "*",      "/api/admin/**",		route_not_found, NULL, gate,
	    ROUTE_FALLBACK },
};
const size_t staff_api_nroutes = nitems(staff_api_routes);
