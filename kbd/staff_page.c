/*
 * staff_page.c (staff): the staff pages under /admin, in German,
 * server-rendered, and usable without JavaScript (static/admin.js only adds the
 * live preview). Every page needs a session (a login page otherwise) and a
 * connection that keeps the password secret (staff_auth_transport_ok); every
 * change is a POST with the session's CSRF token, answered with a redirect to a
 * page that says what happened (post/redirect/get), so reloading never saves
 * twice.  Pages are never cached (Cache-Control: no-store), and every value
 * goes through escape_html() or escape_url().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define HTML_TYPE	"text/html; charset=utf-8"

/* What every handler here gets. */
struct ctx {
	struct request		*req;
	struct reply		*rep;
	const struct staff	*who;
	struct reader		*r;
	const char		*slug;	/* after "/admin/<verb>/", or "" */
};

static const char *
state_name(const char *state)
{
	if (strcmp(state, "published") == 0)
		return "veröffentlicht";
	if (strcmp(state, "draft") == 0)
		return "Entwurf";
	return "gelöscht";
}

static void
put_date(struct buf *b, int64_t t)
{
	char	 when[32];

	clock_format(when, sizeof(when), t);
	when[10] = ' ';
	when[16] = '\0';	/* "2026-11-26 18:50" */
	buf_puts(b, when);
}

static void
admin_begin(struct buf *b, const char *title, const struct staff *who)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n");
	if (who != NULL && !who->via_token)
		buf_printf(b, "<meta name=\"csrf\" content=\"%s\">\n",
		    who->csrf);
	buf_puts(b, "<title>");
	escape_html(b, title);
	buf_printf(b, " – Verwaltung</title>\n<link rel=\"stylesheet\" "
	    "href=\"/static/style.css?v=%s\">\n<link rel=\"stylesheet\" "
	    "href=\"/static/admin.css?v=%s\">\n<script src=\"/static/"
	    "admin.js?v=%s\" defer></script>\n<script src=\"/static/"
	    "media.js?v=%s\" defer></script>\n<link rel=\"icon\" href=\""
	    "/static/favicon.ico?v=%s\">\n</head>\n<body class=\"admin\">"
	    "\n<header class=\"site\"><div class=\"wrap wide\">\n<a class="
	    "\"brand\" href=\"/admin\">Verwaltung</a>\n",
	    static_version("style.css"), static_version("admin.css"),
	    static_version("admin.js"), static_version("media.js"),
	    static_version("favicon.ico"));
	if (who != NULL) {
		buf_puts(b, "<nav class=\"admin-nav\"><a href=\"/admin\">"
		    "Artikel</a> <a href=\"/admin/new\">Neuer Artikel</a> "
		    "<a href=\"/admin/stats\">Statistik</a> <a href=\""
		    "/admin/embed\">Einbinden</a> ");
		if (who->admin)
			buf_puts(b, "<a href=\"/admin/users\">Benutzer</a> ");
		buf_puts(b, "<a href=\"/\">Zur Website</a></nav>\n"
		    "<form class=\"logout\" method=\"post\" action=\""
		    "/admin/logout\">");
		buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s"
		    "\"><span>", who->csrf);
		escape_html(b, who->name);
		buf_puts(b, "</span> <button type=\"submit\">Abmelden</button></form>\n");
	}
	buf_puts(b, "</div></header>\n<main class=\"wrap wide\">\n");
}

static void
reply_admin(struct ctx *c, unsigned int status, struct buf *b)
{
	size_t	 len;
	char	*body;

	buf_puts(b, "</main>\n</body>\n</html>\n");
	body = buf_detach(b, &len);
	reply_text(c->rep, status, HTML_TYPE, body, len);
	c->rep->cache = "no-store";
}

/* A page with a heading and one message, for refusals and errors. */
static void
message_page(struct ctx *c, unsigned int status, const char *title,
    const char *text)
{
	struct buf	 b;

	buf_init(&b);
	admin_begin(&b, title, c->who);
	buf_puts(&b, "<h1>");
	escape_html(&b, title);
	buf_puts(&b, "</h1>\n<p class=\"notice\">");
	escape_html(&b, text);
	buf_puts(&b, "</p>\n");
	reply_admin(c, status, &b);
}

/*
 * What a redirect after a change may ask the next page to say: a code in
 * ?msg= and at most one value, which the page checks before it shows
 * it.  A link can name a code, never a text: nobody can make the staff
 * pages show their own words as an official notice.
 */
enum notice_arg {
	ARG_NONE,
	ARG_REV,	/* ?rev=, a revision number */
	ARG_SLUG,	/* ?slug=, an article's name */
	ARG_NAME,	/* ?name=, an account's name */
};
static const struct {
	const char	*code;
	enum notice_arg	 arg;
	const char	*before;	/* the text, around the value */
	const char	*after;
} notices[] = {
	{ "alias", ARG_SLUG, "Gespeichert: die Suche findet jetzt /a/", "." },
	{ "draft", ARG_NONE, "Entwurf angelegt; die Suche findet ihn, sobald "
	    "er veröffentlicht ist.", "" },
	{ "deleted", ARG_NONE, "Gelöscht. Mit „Wiederherstellen“ ist er "
	    "wieder da.", "" },
	{ "published", ARG_NONE, "Veröffentlicht.", "" },
	{ "renamed", ARG_NONE, "Umbenannt; die alte Adresse leitet hierher "
	    "weiter.", "" },
	{ "restored", ARG_NONE, "Wiederhergestellt.", "" },
	{ "saved", ARG_REV, "Gespeichert (Revision ", ")." },
	{ "saved-published", ARG_REV, "Gespeichert (Revision ",
	    "), veröffentlicht." },
	{ "unpublished", ARG_NONE, "Zurückgezogen: jetzt ein Entwurf.", "" },
	{ "user-added", ARG_NAME, "", ": angelegt." },
	{ "user-deleted", ARG_NAME, "", ": gelöscht." },
};

/*
 * 303 to path + slug, after a POST (or to the login page); with code, a
 * notice for the next page (see notices) and its value: ?msg=code and
 * &name=value.
 */
static void
see_other(struct ctx *c, const char *path, const char *slug,
    const char *code, const char *name, const char *value)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, path);
	if (slug != NULL)
		escape_url(&b, slug);
	if (code != NULL) {
		buf_puts(&b, strchr(path, '?') != NULL ? "&msg=" : "?msg=");
		buf_puts(&b, code);
	}
	if (code != NULL && name != NULL) {
		buf_printf(&b, "&%s=", name);
		escape_url(&b, value);
	}
	snprintf(c->rep->location, sizeof(c->rep->location), "%s", b.data);
	buf_free(&b);
	reply_static(c->rep, 303, "text/plain; charset=utf-8", "", 0);
	c->rep->cache = "no-store";
}

static char *
field(struct ctx *c, const char *name)
{
	return parse_form_value(c->req->body.data != NULL ? c->req->body.data : "",
	    c->req->body.len, name);
}

/* The form's text field name, or "" (freed by the caller). */
static char *
field_or_empty(struct ctx *c, const char *name)
{
	char	*v = field(c, name);

	return v != NULL ? v : xstrdup("");
}

static void
csrf_input(struct buf *b, const struct staff *who)
{
	buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	    who->csrf);
}

/*
 * The notice of the ?msg= code a redirect brought, with its value if it
 * is one (a revision number, an article's or an account's name).  An
 * unknown code, or a value that is not what the code takes, shows
 * nothing.
 */
static void
notice(struct buf *b, struct request *req)
{
	const char	*msg = http_arg(req, "msg"), *v = NULL;
	long long	 rev;
	size_t		 i;

	if (msg == NULL)
		return;
	for (i = 0; i < nitems(notices); i++)
		if (strcmp(msg, notices[i].code) == 0)
			break;
	if (i == nitems(notices))
		return;
	switch (notices[i].arg) {
	case ARG_REV:
		if ((v = http_arg(req, "rev")) == NULL ||
		    parse_number(v, 1, INT64_MAX, &rev) == -1)
			return;
		break;
	case ARG_SLUG:
		if ((v = http_arg(req, "slug")) == NULL ||
		    !parse_slug(v, strlen(v)))
			return;
		break;
	case ARG_NAME:
		if ((v = http_arg(req, "name")) == NULL ||
		    !staff_user_name_valid(v))
			return;
		break;
	case ARG_NONE:
		break;
	}
	buf_puts(b, "<p class=\"notice\" role=\"status\">");
	escape_html(b, notices[i].before);
	if (v != NULL)
		escape_html(b, v);
	escape_html(b, notices[i].after);
	buf_puts(b, "</p>\n");
}

/* Login */

static void
login_page(struct ctx *c, unsigned int status, const char *name,
    const char *error)
{
	struct buf	 b;

	buf_init(&b);
	admin_begin(&b, "Anmelden", NULL);
	buf_puts(&b, "<h1>Anmelden</h1>\n");
	if (error != NULL) {
		buf_puts(&b, "<p class=\"error\" role=\"alert\">");
		escape_html(&b, error);
		buf_puts(&b, "</p>\n");
	}
	buf_puts(&b, "<form class=\"login\" method=\"post\" action=\""
	    "/admin/login\">\n<label>Benutzername <input type=\"text\" name=\"name\" "
	    "autocomplete=\"username\" required maxlength=\"64\" value=\"");
	escape_html(&b, name != NULL ? name : "");
	buf_puts(&b, "\"></label>\n<label>Passwort <input name=\"password\" "
	    "type=\"password\" autocomplete=\"current-password\" required>"
	    "</label>\n<button type=\"submit\">Anmelden</button>\n</form>\n");
	reply_admin(c, status, &b);
}

/*
 * The answer to a login (staff_auth_login): to the article list, or the
 * login page again with why not.  Perhaps on the thread that checked the
 * password, with a reply of its own.
 */
static void
login_answer(struct request *req, struct reply *rep,
    const struct login_result *res)
{
	struct ctx	 c;
	char		 why[128];

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.rep = rep;
	switch (res->err) {
	case 0:
		see_other(&c, "/admin", NULL, NULL, NULL, NULL);
		break;
	case EAGAIN:
		snprintf(why, sizeof(why), "Zu viele Fehlversuche. Bitte "
		    "versuchen Sie es in %lld Sekunden noch einmal.",
		    (long long)res->wait);
		rep->retry_after = (unsigned int)res->wait;
		login_page(&c, 429, res->name, why);
		break;
	case EACCES:
		login_page(&c, 401, res->name, "Benutzername oder Passwort "
		    "ist falsch.");
		break;
	case ENETDOWN:
		rep->retry_after = 5;
		login_page(&c, 503, res->name, "Die Anmeldung geht gerade "
		    "nicht: die gemeinsame Datenbank des Clusters "
		    "(PostgreSQL) ist nicht erreichbar. Bitte versuchen Sie es "
		    "in einigen Sekunden noch einmal.");
		break;
	default:
		rep->retry_after = 2;
		login_page(&c, 503, res->name, "Die Anmeldung geht gerade "
		    "nicht. Bitte versuchen Sie es gleich noch einmal.");
		break;
	}
}

static void
login(struct ctx *c)
{
	char	*name, *pw;

	if (strcmp(c->req->method, "POST") != 0) {
		if (staff_auth_who(c->req) != NULL)
			see_other(c, "/admin", NULL, NULL, NULL, NULL);
		else
			login_page(c, 200, NULL, NULL);
		return;
	}
	name = field_or_empty(c, "name");
	pw = field_or_empty(c, "password");
	staff_auth_login(c->req, c->rep, name, pw, login_answer);
	memset(pw, 0, strlen(pw));
	free(name);
	free(pw);
}

/* The article list */

struct list_ctx {
	struct buf	*b;
};

static void
list_row(void *arg, const struct store_staff_article *a)
{
	struct buf	*b = ((struct list_ctx *)arg)->b;

	buf_printf(b, "<tr class=\"%s\"><td><a href=\"/admin/edit/", a->state);
	escape_url(b, a->slug);
	buf_puts(b, "\">");
	escape_html(b, a->title);
	buf_puts(b, "</a><br><small>/a/");
	escape_html(b, a->slug);
	buf_puts(b, "</small></td><td>");
	escape_html(b, a->category);
	buf_printf(b, "</td><td class=\"num\">%lld</td><td>%s</td><td>",
	    (long long)a->hits, state_name(a->state));
	put_date(b, a->updated);
	buf_puts(b, "</td><td>");
	escape_html(b, a->author);
	buf_puts(b, "</td></tr>\n");
}

/* A column heading that sorts by key, keeping the other filters. */
static void
sort_link(struct buf *b, const char *key, const char *label,
    const struct staff_filter *f)
{
	buf_printf(b, "<th><a href=\"/admin?sort=%s&amp;q=", key);
	escape_url(b, f->q);
	buf_puts(b, "&amp;state=");
	escape_url(b, f->state);
	buf_printf(b, "\"%s>%s</a></th>", strcmp(f->sort, key) == 0 ?
	    " aria-current=\"true\"" : "", label);
}

static void
option(struct buf *b, const char *value, const char *label,
    const char *selected)
{
	buf_printf(b, "<option value=\"%s\"%s>%s</option>", value,
	    strcmp(value, selected) == 0 ? " selected" : "", label);
}

static void
article_list(struct ctx *c)
{
	struct staff_filter	 f;
	struct list_ctx		 lc;
	struct buf		 b;
	const char		*state = http_arg(c->req, "state");
	int			 n;

	memset(&f, 0, sizeof(f));
	f.q = http_arg(c->req, "q");
	if (f.q == NULL || strlen(f.q) > KBD_MAX_TITLE)
		f.q = "";
	f.state = state != NULL && (strcmp(state, "published") == 0 ||
	    strcmp(state, "draft") == 0 || strcmp(state, "deleted") == 0) ?
	    state : "";
	f.sort = store_staff_sort(http_arg(c->req, "sort"));

	buf_init(&b);
	admin_begin(&b, "Artikel", c->who);
	buf_puts(&b, "<h1>Artikel</h1>\n");
	notice(&b, c->req);
	buf_puts(&b, "<form class=\"filter\" method=\"get\" action=\"/admin\">"
	    "<label>Suche im Titel <input name=\"q\" type=\"search\" value=\"");
	escape_html(&b, f.q);
	buf_puts(&b, "\"></label> <label>Zustand <select name=\"state\">");
	option(&b, "", "alle außer gelöschten", f.state);
	option(&b, "published", "veröffentlicht", f.state);
	option(&b, "draft", "Entwürfe", f.state);
	option(&b, "deleted", "gelöscht", f.state);
	buf_printf(&b, "</select></label> <input type=\"hidden\" name=\"sort\" "
	    "value=\"%s\"><button type=\"submit\">Filtern</button></form>\n", f.sort);
	buf_puts(&b, "<table class=\"list\">\n<thead><tr>");
	sort_link(&b, "title", "Titel", &f);
	sort_link(&b, "category", "Kategorie", &f);
	sort_link(&b, "hits", "Hits", &f);
	sort_link(&b, "state", "Zustand", &f);
	sort_link(&b, "updated", "Letzte Änderung", &f);
	buf_puts(&b, "<th>von</th></tr></thead>\n<tbody>\n");
	lc.b = &b;
	n = store_staff_articles(c->r, &f, list_row, &lc);
	buf_puts(&b, "</tbody></table>\n");
	if (n == 0)
		buf_puts(&b, "<p>Keine Artikel gefunden.</p>\n");
	reply_admin(c, n < 0 ? 500 : 200, &b);
}

/* The editor */

/* What the edit form shows. */
struct form {
	const char	*slug;		/* "" for a new article */
	const char	*title;
	const char	*category;
	const char	*tags;		/* as typed: comma-separated */
	const char	*body;
	const char	*new_slug;	/* a new article's address as typed */
	int		 draft;
	int64_t		 rev;
};

/* Tags as the form shows them: "a, b" from "a\nb". */
static char *
tags_for_form(const char *tags)
{
	struct buf	 b;

	buf_init(&b);
	buf_put(&b, "", 0);
	for (; *tags != '\0'; tags++)
		if (*tags == '\n')
			buf_puts(&b, ", ");
		else
			buf_putc(&b, *tags);
	return buf_detach(&b, NULL);
}

/* Tags as kbd keeps them: "a\nb" from "a, b", empty ones dropped. */
char *
staff_page_tags(const char *s)
{
	struct buf	 b;
	size_t		 n;

	buf_init(&b);
	buf_put(&b, "", 0);
	while (*s != '\0') {
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		n = strcspn(s, ",");
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0) {
			if (b.len > 0)
				buf_putc(&b, '\n');
			buf_put(&b, s, n);
		}
		s += strcspn(s, ",");
	}
	return buf_detach(&b, NULL);
}

/* Renders Markdown for a preview; the caller frees it. */
char *
staff_page_preview(const char *md)
{
	char	*html = NULL, *text = NULL;

	if (render_markdown(md, strlen(md), &html, &text) == -1)
		return xstrdup("<p>Die Vorschau geht gerade nicht.</p>");
	free(text);
	return html;
}

/*
 * The address made from a title, as static/admin.js makes it while one
 * types: lower case, ä→ae, ö→oe, ü→ue, ß→ss, every other run of
 * characters that are not a-z or 0-9 one '-', at most KBD_MAX_SLUG
 * bytes.  The caller frees it; "" when nothing is left.
 */
static char *
slug_from_title(const char *t)
{
	struct buf	 b;
	const unsigned char *p = (const unsigned char *)t;
	const char	*add;
	int		 dash = 0;

	buf_init(&b);
	buf_put(&b, "", 0);
	for (; *p != '\0' && b.len < KBD_MAX_SLUG - 2; p++) {
		add = NULL;
		if (*p >= 'A' && *p <= 'Z')
			buf_putc(&b, (char)(*p - 'A' + 'a'));
		else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			buf_putc(&b, (char)*p);
		else if (p[0] == 0xc3 && p[1] != '\0') {
			switch (p[1]) {
			case 0xa4: case 0x84: add = "ae"; break;
			case 0xb6: case 0x96: add = "oe"; break;
			case 0xbc: case 0x9c: add = "ue"; break;
			case 0x9f: add = "ss"; break;
			}
			p++;
		} else if (p[0] == 0xe1 && p[1] == 0xba && p[2] == 0x9e) {
			add = "ss";	/* ẞ */
			p += 2;
		}
		if (add != NULL)
			buf_puts(&b, add);
		else if (b.len > 0 && !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
			if (!dash)
				buf_putc(&b, '-');
			dash = 1;
			continue;
		}
		if (b.len > 0 && b.data[b.len - 1] != '-')
			dash = 0;
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/*
 * The editor: a bar that stays in view (Speichern, for a draft also
 * "Speichern und veröffentlichen", and the state static/admin.js keeps
 * up to date), the fields, the text beside its preview.  static/admin.js
 * adds Ctrl+S, the warning before leaving unsaved changes, the address
 * from the title, the copy in the browser's storage, and the preview
 * that follows the cursor.
 */
static void
edit_form(struct buf *b, const struct staff *who, const struct form *f)
{
	int	 is_new = *f->slug == '\0';
	char	*preview = staff_page_preview(f->body);

	buf_puts(b, "<form class=\"editor\" id=\"editor\" method=\"post\" "
	    "action=\"");
	if (is_new)
		buf_puts(b, "/admin/new");
	else {
		buf_puts(b, "/admin/edit/");
		escape_url(b, f->slug);
	}
	buf_puts(b, "\" data-key=\"");
	escape_html(b, is_new ? "" : f->slug);
	buf_printf(b, "\" data-rev=\"%lld\">\n", (long long)f->rev);
	csrf_input(b, who);
	buf_printf(b, "<input type=\"hidden\" name=\"rev\" value=\"%lld\">\n"
	    "<div class=\"editbar\"><button type=\"submit\" class=\"primary\" "
	    "id=\"save\">Speichern</button>", (long long)f->rev);
	if (f->draft)
		buf_puts(b, " <button type=\"submit\" name=\"publish\" value="
		    "\"1\">Speichern und veröffentlichen</button>");
	buf_printf(b, " <span id=\"edit-state\" class=\"meta\" role=\"status\">"
	    "%s</span><span class=\"meta keys\">Strg+S speichert</span>"
	    "</div>\n<div class=\"fields\">\n", is_new ? "Neu, noch nicht "
	    "gespeichert" : f->draft ? "Entwurf, gespeichert" :
	    "Veröffentlicht, gespeichert");
	buf_printf(b, "<label class=\"wide\">Titel (die Frage) <input type="
	    "\"text\" name=\"title\" id=\"title\" required maxlength=\"%d\" "
	    "value=\"", KBD_MAX_TITLE);
	escape_html(b, f->title);
	buf_puts(b, "\"></label>\n");
	if (is_new) {
		buf_printf(b, "<label class=\"wide\">Adresse: /a/<input type="
		    "\"text\" name=\"slug\" id=\"slug\" maxlength=\"%d\" "
		    "pattern=\"[a-z0-9][a-z0-9_\\-]*\" aria-describedby=\""
		    "slug-help\" title=\"Nur Kleinbuchstaben a–z, Ziffern, - "
		    "und _; am Anfang ein Buchstabe oder eine Ziffer\" "
		    "placeholder=\"wird aus dem Titel gebildet\" value=\"",
		    KBD_MAX_SLUG);
		escape_html(b, f->new_slug != NULL ? f->new_slug : "");
		buf_puts(b, "\"><small id=\"slug-help\">Wird aus dem Titel "
		    "gebildet (ä→ae, ß→ss, Leerzeichen→-) und lässt sich "
		    "ändern. Erlaubt sind Kleinbuchstaben a–z, Ziffern, - und "
		    "_.</small></label>\n");
	}
	buf_printf(b, "<label>Kategorie <input type=\"text\" name=\"category\" "
	    "maxlength=\"%d\" value=\"", KBD_MAX_CATEGORY);
	escape_html(b, f->category);
	buf_puts(b, "\"></label>\n<label>Schlagwörter, mit Komma getrennt "
	    "<input type=\"text\" name=\"tags\" value=\"");
	escape_html(b, f->tags);
	buf_printf(b, "\"></label>\n<label class=\"check\"><input type="
	    "\"checkbox\" name=\"draft\" value=\"1\"%s> Entwurf (für Kunden "
	    "nicht sichtbar)</label>\n</div>\n<div class=\"panes\">\n<label "
	    "class=\"pane\"><span>Text (Markdown)</span><textarea name=\"body\" "
	    "id=\"body\" rows=\"24\">", f->draft ? " checked" : "");
	escape_html(b, f->body);
	buf_puts(b, "</textarea></label>\n<section class=\"pane\"><h2>Vorschau"
	    "</h2><div id=\"preview\" class=\"article preview\" "
	    "tabindex=\"0\" aria-live="
	    "\"polite\">");
	buf_puts(b, preview);	/* cmark, safe mode: no raw HTML */
	buf_puts(b, "</div></section>\n</div>\n</form>\n");
	staff_media_form(b, who, f->slug);
	free(preview);
}

static void
action_form(struct buf *b, const struct staff *who, const char *verb,
    const char *slug)
{
	buf_printf(b, "<form method=\"post\" action=\"/admin/%s/", verb);
	escape_url(b, slug);
	buf_puts(b, "\">");
	csrf_input(b, who);
}

/* The actions beside the editor: publish, rename, delete, history. */
static void
article_actions(struct buf *b, const struct staff *who,
    const struct store_staff_article *a)
{
	buf_puts(b, "<section class=\"actions\">\n<h2>Weitere Aktionen</h2>\n");
	if (strcmp(a->state, "deleted") == 0) {
		action_form(b, who, "restore", a->slug);
		buf_puts(b, "<button type=\"submit\">Wiederherstellen</button></form>\n");
	} else {
		action_form(b, who, "publish", a->slug);
		buf_printf(b, "<input type=\"hidden\" name=\"draft\" value="
		    "\"%d\"><button type=\"submit\">%s</button></form>\n", !a->draft,
		    a->draft ? "Veröffentlichen" :
		    "Zurückziehen (zum Entwurf machen)");
		action_form(b, who, "rename", a->slug);
		buf_printf(b, "<label>Neue Adresse: /a/<input type=\"text\" name=\"slug\" "
		    "required maxlength=\"%d\" pattern=\"[a-z0-9_\\-]+\">"
		    "</label> <button type=\"submit\">Umbenennen</button></form>\n",
		    KBD_MAX_SLUG);
		action_form(b, who, "delete", a->slug);
		buf_puts(b, "<label class=\"check\"><input type=\"checkbox\" "
		    "name=\"confirm\" value=\"1\" required> wirklich "
		    "löschen</label> <button type=\"submit\" "
		    "class=\"danger\">Löschen</button>"
		    "</form>\n");
	}
	buf_puts(b, "<p><a href=\"/admin/history/");
	escape_url(b, a->slug);
	buf_puts(b, "\">Versionen und Änderungen</a>");
	if (strcmp(a->state, "published") == 0) {
		buf_puts(b, " · <a href=\"/a/");
		escape_url(b, a->slug);
		buf_puts(b, "\">öffentliche Seite</a>");
	}
	buf_puts(b, "</p>\n</section>\n");
}

static void
edit_page(struct ctx *c)
{
	struct store_staff_article	 a;
	struct form		 f;
	struct buf		 b;
	char			*mem, *tags;
	int			 found;

	if ((found = store_staff_article(c->r, c->slug, &a, &mem)) <= 0) {
		message_page(c, found == 0 ? 404 : 500, "Nicht gefunden",
		    "Diesen Artikel gibt es nicht.");
		return;
	}
	tags = tags_for_form(a.tags);
	memset(&f, 0, sizeof(f));
	f.slug = a.slug;
	f.title = a.title;
	f.category = a.category;
	f.tags = tags;
	f.body = a.markdown;
	f.draft = a.draft;
	f.rev = a.rev;

	buf_init(&b);
	admin_begin(&b, a.title, c->who);
	buf_puts(&b, "<h1>");
	escape_html(&b, a.title);
	buf_printf(&b, "</h1>\n<p class=\"meta\">/a/");
	escape_html(&b, a.slug);
	buf_printf(&b, " · %s · %lld Hits · Revision %lld", state_name(a.state),
	    (long long)a.hits, (long long)a.rev);
	if (strcmp(a.author, "file") == 0)
		buf_puts(&b, " · Datei geändert außerhalb des Editors");
	else if (*a.author != '\0') {
		buf_puts(&b, " von ");
		escape_html(&b, a.author);
	}
	buf_puts(&b, "</p>\n");
	notice(&b, c->req);
	edit_form(&b, c->who, &f);
	article_actions(&b, c->who, &a);
	reply_admin(c, 200, &b);
	free(tags);
	free(mem);
}

static void
new_page(struct ctx *c)
{
	struct form	 f;
	struct buf	 b;

	memset(&f, 0, sizeof(f));
	f.slug = f.title = f.category = f.tags = "";
	f.body = "Kurz die Antwort in einem Satz.\n\n## Schritt für Schritt\n\n"
	    "1. …\n";
	f.draft = 1;
	buf_init(&b);
	admin_begin(&b, "Neuer Artikel", c->who);
	buf_puts(&b, "<h1>Neuer Artikel</h1>\n");
	edit_form(&b, c->who, &f);
	reply_admin(c, 200, &b);
}

/*
 * Diff lines as HTML: a unified diff with hunks of CONTEXT unchanged lines
 * around each change, a header per hunk ("@@ -20,7 +20,7 @@"), both line
 * numbers on each line, "… N unveränderte Zeilen" where lines are left
 * out, and within a changed line the words that changed marked.
 */
#define CONTEXT	3

struct diff_op {
	int		 op;		/* ' ', '-', '+' */
	const char	*s;
	size_t		 n;
	size_t		 old_no, new_no;	/* 1-based; 0 for none */
};

struct diff_list {
	struct diff_op	*v;
	size_t		 n, cap;
	size_t		 old_no, new_no;
};

static void
diff_collect(void *arg, int op, const char *s, size_t n)
{
	struct diff_list	*l = arg;
	struct diff_op		*d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	d = &l->v[l->n++];
	d->op = op;
	d->s = s;
	d->n = n;
	d->old_no = op != '+' ? ++l->old_no : 0;
	d->new_no = op != '-' ? ++l->new_no : 0;
}

/*
 * Where two versions of a line differ: the bytes before [*from] and after
 * [*to_a] (or [*to_b]) are the same in both, widened to whole words.
 */
static void
changed_span(const char *a, size_t na, const char *b, size_t nb,
    size_t *from, size_t *to_a, size_t *to_b)
{
	size_t	 p = 0, q = 0;

	while (p < na && p < nb && a[p] == b[p])
		p++;
	while (q < na - p && q < nb - p && a[na - 1 - q] == b[nb - 1 - q])
		q++;
	while (p > 0 && a[p - 1] != ' ')
		p--;
	while (q > 0 && a[na - q] != ' ')
		q--;
	*from = p;
	*to_a = na - q;
	*to_b = nb - q;
}

static void
diff_row(struct buf *b, const struct diff_op *d, const struct diff_op *pair)
{
	size_t	 from = 0, to = d->n, to_other = 0;

	buf_printf(b, "<tr class=\"%s\"><td class=\"ln\">", d->op == '-' ?
	    "del" : d->op == '+' ? "ins" : "ctx");
	if (d->old_no > 0)
		buf_printf(b, "%zu", d->old_no);
	buf_puts(b, "</td><td class=\"ln\">");
	if (d->new_no > 0)
		buf_printf(b, "%zu", d->new_no);
	buf_printf(b, "</td><td class=\"op\">%s</td><td><code>", d->op == '-' ?
	    "<span class=\"visually-hidden\">entfernt</span>−" : d->op == '+' ?
	    "<span class=\"visually-hidden\">neu</span>+" : "");
	if (pair != NULL)
		changed_span(d->s, d->n, pair->s, pair->n, &from, &to, &to_other);
	if (pair != NULL && (from > 0 || to < d->n)) {
		escape_html_n(b, d->s, from);
		buf_puts(b, d->op == '-' ? "<del>" : "<ins>");
		escape_html_n(b, d->s + from, to - from);
		buf_puts(b, d->op == '-' ? "</del>" : "</ins>");
		escape_html_n(b, d->s + to, d->n - to);
	} else
		escape_html_n(b, d->s, d->n);
	buf_puts(b, "</code></td></tr>\n");
}

static void
gap_row(struct buf *b, size_t n)
{
	if (n > 0)
		buf_printf(b, "<tr class=\"gap\"><td colspan=\"4\">… %zu "
		    "unveränderte Zeile%s</td></tr>\n", n, n == 1 ? "" : "n");
}

/* The hunk v[from..to): its header and lines. */
static void
hunk(struct buf *b, const struct diff_list *l, size_t from, size_t to)
{
	size_t	 i, j, old_start = 0, new_start = 0, old_n = 0, new_n = 0;
	size_t	 dels, inss;

	for (i = from; i < to; i++) {
		if (l->v[i].old_no > 0 && old_n++ == 0)
			old_start = l->v[i].old_no;
		if (l->v[i].new_no > 0 && new_n++ == 0)
			new_start = l->v[i].new_no;
	}
	/* An empty side starts after the line before it, as diff -u says. */
	if (old_n == 0)
		old_start = from > 0 ? l->v[from - 1].old_no : 0;
	if (new_n == 0)
		new_start = from > 0 ? l->v[from - 1].new_no : 0;
	buf_printf(b, "<tr class=\"hunk\"><td colspan=\"4\">@@ -%zu,%zu +%zu,"
	    "%zu @@ <span class=\"meta\">Zeile %zu</span></td></tr>\n",
	    old_start, old_n, new_start, new_n, new_n > 0 ? new_start :
	    old_start);
	for (i = from; i < to; i = j) {
		if (l->v[i].op != '-') {
			diff_row(b, &l->v[i], NULL);
			j = i + 1;
			continue;
		}
		/* A run of removed lines, then one of added ones: paired. */
		for (j = i; j < to && l->v[j].op == '-'; j++)
			;
		dels = j - i;
		for (inss = 0; j + inss < to && l->v[j + inss].op == '+'; inss++)
			;
		for (j = i; j < i + dels; j++)
			diff_row(b, &l->v[j], dels == inss ?
			    &l->v[j + dels] : NULL);
		for (; j < i + dels + inss; j++)
			diff_row(b, &l->v[j], dels == inss ?
			    &l->v[j - dels] : NULL);
	}
}

static void
diff_table(struct buf *b, const char *from, const char *to)
{
	struct diff_list	 l;
	size_t			 i, start, end, last = 0, changed;

	memset(&l, 0, sizeof(l));
	changed = diff_lines(from, to, diff_collect, &l);
	buf_puts(b, "<table class=\"diff\">\n<thead><tr><th scope=\"col\">"
	    "alt</th><th scope=\"col\">neu</th><th scope=\"col\"><span "
	    "class=\"visually-hidden\">Art</span></th><th scope=\"col\">"
	    "Zeile</th></tr></thead>\n<tbody>\n");
	if (changed == 0) {
		buf_puts(b, "<tr><td colspan=\"4\">keine Änderung</td></tr>\n");
		l.n = 0;
	}
	for (i = 0; i < l.n; ) {
		if (l.v[i].op == ' ') {
			i++;
			continue;
		}
		/* A hunk: CONTEXT lines before, changes, until 2 * CONTEXT
		 * unchanged lines in a row, then CONTEXT after. */
		start = i > CONTEXT ? i - CONTEXT : 0;
		if (start < last)
			start = last;
		end = i;
		while (end < l.n) {
			size_t same = 0;

			while (end + same < l.n && l.v[end + same].op == ' ')
				same++;
			if (end + same == l.n || same > 2 * CONTEXT) {
				end += same < CONTEXT ? same : CONTEXT;
				break;
			}
			end += same;
			while (end < l.n && l.v[end].op != ' ')
				end++;
		}
		gap_row(b, start - last);
		hunk(b, &l, start, end);
		last = i = end;
	}
	if (l.n > 0)
		gap_row(b, l.n - last);
	buf_puts(b, "</tbody></table>\n");
	free(l.v);
}

/* The edit form again after a conflict, with the text as it is now. */
static void
conflict_page(struct ctx *c, const struct form *f, const struct edit *e)
{
	struct buf	 b;
	struct form	 again = *f;
	char		*tags = staff_page_tags(f->tags);
	char		*mine = article_compose(e->current, f->title,
			    f->category, tags, NULL, f->draft, f->body);

	again.rev = e->rev;
	buf_init(&b);
	admin_begin(&b, "Konflikt", c->who);
	buf_printf(&b, "<h1>Jemand war schneller</h1>\n<p class=\"error\" "
	    "role=\"alert\">Während Sie bearbeitet haben, wurde Revision %lld "
	    "gespeichert. Ihre Änderungen sind <strong>nicht</strong> "
	    "gespeichert und nichts wurde überschrieben. Unten sehen Sie die "
	    "aktuelle Fassung und was Ihre Fassung daran ändern würde; Ihr "
	    "Text steht wieder im Formular. Speichern Sie erneut, wenn er so "
	    "richtig ist.</p>\n<h2>Aktuelle Fassung (Revision %lld)</h2>\n"
	    "<pre class=\"current\">", (long long)e->rev, (long long)e->rev);
	escape_html(&b, e->current != NULL ? e->current : "");
	buf_puts(&b, "</pre>\n<h2>Ihre Änderungen an der aktuellen Fassung"
	    "</h2>\n");
	diff_table(&b, e->current != NULL ? e->current : "", mine);
	buf_puts(&b, "<h2>Ihre Fassung</h2>\n");
	edit_form(&b, c->who, &again);
	reply_admin(c, 409, &b);
	free(tags);
	free(mine);
}

/* The form again with what was wrong, for a 422. */
static void
invalid_page(struct ctx *c, const struct form *f, const char *why,
    unsigned int status)
{
	struct buf	 b;

	buf_init(&b);
	admin_begin(&b, "Nicht gespeichert", c->who);
	buf_puts(&b, "<h1>Nicht gespeichert</h1>\n<p class=\"error\" role="
	    "\"alert\">So kann der Artikel nicht gespeichert werden: ");
	escape_html(&b, why);
	buf_puts(&b, "</p>\n");
	edit_form(&b, c->who, f);
	reply_admin(c, status, &b);
}

static void
save(struct ctx *c, int is_new)
{
	struct edit	 e;
	struct form	 f;
	char		*slug = is_new ? field_or_empty(c, "slug") :
			    xstrdup(c->slug);
	char		*title = field_or_empty(c, "title");
	char		*category = field_or_empty(c, "category");
	char		*tags = field_or_empty(c, "tags");
	char		*body = field_or_empty(c, "body");
	char		*draft = field_or_empty(c, "draft");
	char		*publish = field_or_empty(c, "publish");
	char		*rev = field_or_empty(c, "rev");
	char		*keep_tags = staff_page_tags(tags), num[24];
	const char	*errstr;
	long long	 base = 0;

	memset(&e, 0, sizeof(e));
	parse_number(rev, 0, INT64_MAX, &base);
	if (is_new && *slug == '\0') {
		free(slug);
		slug = slug_from_title(title);
	}
	e.slug = slug;
	e.author = c->who->name;
	e.title = title;
	e.category = category;
	e.tags = keep_tags;
	e.body = body;
	e.draft = strcmp(draft, "1") == 0 && strcmp(publish, "1") != 0;
	e.base_rev = is_new ? 0 : base;
	memset(&f, 0, sizeof(f));
	f.slug = is_new ? "" : slug;
	f.new_slug = slug;
	f.title = title;
	f.category = category;
	f.tags = tags;
	f.body = body;
	f.draft = e.draft;
	f.rev = e.base_rev;

	if (staff_edit_save(&e, &errstr) == 0) {
		snprintf(num, sizeof(num), "%lld", (long long)e.rev);
		see_other(c, "/admin/edit/", slug, strcmp(publish, "1") == 0 ?
		    "saved-published" : "saved", "rev", num);
	} else if (e.err == EEXIST && !is_new)
		conflict_page(c, &f, &e);
	else if (e.err == ENOENT)
		message_page(c, 404, "Nicht gefunden", "Diesen Artikel gibt "
		    "es nicht mehr.");
	else
		invalid_page(c, &f, errstr, error_status(e.err));
	free(e.current);
	free(slug);
	free(title);
	free(category);
	free(tags);
	free(body);
	free(draft);
	free(publish);
	free(rev);
	free(keep_tags);
}

/* Publish, delete, restore, rename: one change, then back to the editor. */
static void
act(struct ctx *c, const char *verb)
{
	struct edit	 e;
	char		*value = NULL;
	const char	*done = "", *errstr;
	long long	 rev;
	int		 rc;

	memset(&e, 0, sizeof(e));
	e.slug = c->slug;
	e.author = c->who->name;
	if (strcmp(verb, "publish") == 0) {
		value = field_or_empty(c, "draft");
		e.draft = strcmp(value, "1") == 0;
		rc = staff_edit_publish(&e, &errstr);
		done = e.draft ? "unpublished" : "published";
	} else if (strcmp(verb, "delete") == 0) {
		rc = staff_edit_delete(&e, &errstr);
		done = "deleted";
	} else if (strcmp(verb, "restore") == 0) {
		value = field_or_empty(c, "rev");
		if (parse_number(value, 1, INT64_MAX, &rev) == 0)
			e.restore_rev = rev;
		rc = staff_edit_restore(&e, &errstr);
		done = "restored";
	} else {
		value = field_or_empty(c, "slug");
		e.new_slug = value;
		rc = staff_edit_rename(&e, &errstr);
		done = "renamed";
	}
	if (rc == 0)
		see_other(c, "/admin/edit/", e.new_slug != NULL ? e.new_slug :
		    c->slug, done, NULL, NULL);
	else
		message_page(c, error_status(e.err), "Das hat nicht geklappt",
		    errstr);
	free(e.current);
	free(value);
}

/* History */

struct history_ctx {
	struct buf		*b;
	const struct staff	*who;
	const char		*slug;
	int64_t			 shown;		/* the revision diffed */
	int64_t			 latest;	/* the current one */
	char			*shown_text;
	char			*before_text;	/* of the one before it */
};

static void
history_row(void *arg, const struct staff_revision *v)
{
	struct history_ctx	*h = arg;

	if (h->latest == 0)
		h->latest = v->rev;
	if (h->shown == 0)
		h->shown = v->rev;
	if (v->rev == h->shown)
		h->shown_text = xstrdup(v->text);
	else if (v->rev < h->shown && h->before_text == NULL)
		h->before_text = xstrdup(v->text);
	buf_printf(h->b, "<tr%s><td><a href=\"/admin/history/", v->rev ==
	    h->shown ? " aria-current=\"true\"" : "");
	escape_url(h->b, h->slug);
	buf_printf(h->b, "?rev=%lld\">Revision %lld</a></td><td>",
	    (long long)v->rev, (long long)v->rev);
	put_date(h->b, v->created);
	buf_puts(h->b, "</td><td>");
	escape_html(h->b, strcmp(v->author, "file") == 0 ?
	    "Datei (außerhalb geändert)" : v->author);
	buf_printf(h->b, "</td><td class=\"num\">%zu Bytes</td><td>",
	    strlen(v->text));
	if (v->rev == h->latest) {
		buf_puts(h->b, "aktuelle Fassung</td></tr>\n");
		return;
	}
	action_form(h->b, h->who, "restore", h->slug);
	buf_printf(h->b, "<input type=\"hidden\" name=\"rev\" value=\"%lld\">"
	    "<button type=\"submit\">Diese Fassung wiederherstellen</button>"
	    "</form></td></tr>\n",
	    (long long)v->rev);
}

static void
history_page(struct ctx *c)
{
	struct history_ctx	 h;
	struct buf		 b, rows;
	long long		 rev = 0;
	const char		*arg = http_arg(c->req, "rev");
	int			 n;

	if (arg != NULL)
		parse_number(arg, 1, INT64_MAX, &rev);
	memset(&h, 0, sizeof(h));
	buf_init(&rows);
	h.b = &rows;
	h.who = c->who;
	h.slug = c->slug;
	h.shown = rev;
	if ((n = store_staff_revisions(c->r, c->slug, history_row, &h)) <= 0) {
		buf_free(&rows);
		free(h.shown_text);
		free(h.before_text);
		message_page(c, n == 0 ? 404 : 500, "Nicht gefunden",
		    "Zu diesem Artikel gibt es keine Versionen.");
		return;
	}
	buf_init(&b);
	admin_begin(&b, "Versionen", c->who);
	buf_puts(&b, "<h1>Versionen von /a/");
	escape_html(&b, c->slug);
	buf_puts(&b, "</h1>\n<p><a href=\"/admin/edit/");
	escape_url(&b, c->slug);
	buf_puts(&b, "\">zurück zum Bearbeiten</a></p>\n");
	if (h.shown_text != NULL) {
		buf_printf(&b, "<h2>Was Revision %lld geändert hat</h2>\n",
		    (long long)h.shown);
		diff_table(&b, h.before_text != NULL ? h.before_text : "",
		    h.shown_text);
	}
	buf_puts(&b, "<h2>Alle Versionen</h2>\n<table class=\"list\">\n"
	    "<thead><tr><th>Version</th><th>Zeit (UTC)</th><th>von</th>"
	    "<th>Größe</th><th><span class=\"visually-hidden\">Aktion</span>"
	    "</th></tr></thead>\n<tbody>\n");
	buf_put(&b, rows.data, rows.len);
	buf_puts(&b, "</tbody></table>\n");
	reply_admin(c, 200, &b);
	buf_free(&rows);
	free(h.shown_text);
	free(h.before_text);
}

/* Statistics */

/* The tables of the statistics page, for its sections and CSV export. */
enum stat_kind {
	TAB_EMPTY, TAB_WEAK, TAB_UNOPENED, TAB_TOP, TAB_READ, TAB_READ_ALL,
	TAB_DAILY
};

static const struct stat_def {
	const char	*name;		/* in ?table= and the file name */
	const char	*title;
	const char	*what;		/* the first column */
	const char	*empty;		/* when there is no row */
	int		 store_kind;	/* STATS_*, -1: most read */
	int		 gap;		/* offers "Artikel dazu anlegen" */
} stat_defs[] = {
	[TAB_EMPTY] = { "ohne-ergebnis", "Suchen ohne Ergebnis", "Suche",
	    "Keine – alles, was gesucht wurde, hat etwas gefunden.",
	    STATS_EMPTY, 1 },
	[TAB_WEAK] = { "schwache-treffer", "Suchen mit schwachen Treffern "
	    "(kein Artikel mit allen Wörtern, oder weniger als 3)", "Suche",
	    "Keine.", STATS_FOUND, 1 },
	[TAB_UNOPENED] = { "nicht-geoeffnet", "Suchen, nach denen niemand "
	    "einen Artikel öffnete", "Suche", "Keine.", STATS_UNOPENED, 1 },
	[TAB_TOP] = { "haeufigste-suchen", "Häufigste Suchen", "Suche",
	    "Noch keine Suchen.", STATS_TOP, 0 },
	[TAB_READ] = { "meistgelesen", "Meistgelesen im Zeitraum", "Artikel",
	    "Noch keine Aufrufe.", -1, 0 },
	[TAB_READ_ALL] = { "meistgelesen-insgesamt", "Meistgelesen "
	    "(insgesamt)", "Artikel", "Noch keine Artikel.", -1, 0 },
	[TAB_DAILY] = { "aufrufe-pro-tag", "Aufrufe pro Tag", "Tag", "",
	    -1, 0 },
};

#define WEAK_LIMIT	3	/* fewer results than this: a weak search */
#define WEAK_SCAN	200	/* searches looked at for weak ones */
#define STAT_ROWS	20

struct stat_table {
	struct buf	*b;
	struct ctx	*c;
	const struct stat_def *def;
	int		 days;
	int		 csv;
	int		 rows;
};

/*
 * Whether a search that found something found it weakly: no article
 * holds all its words, or fewer than WEAK_LIMIT do.  The search is run
 * again now, on today's articles.
 */
static int
weak(struct ctx *c, const char *text)
{
	struct search_result	 res;
	struct query		*q = search_query_parse(c->r->tok, text);
	int			 w = 0;

	if (search_run(c->r, q, 1, 0, SEARCH_NO_SNIPPET, &res) == 0)
		w = res.partial || res.total < WEAK_LIMIT;
	search_result_free(&res);
	search_query_free(q);
	return w;
}

/*
 * The article a search found first, or "" (the page offers it as the
 * one the search's phrasing should be attached to).
 */
static char *
first_found(struct ctx *c, const char *text)
{
	struct search_result	 res;
	struct query		*q = search_query_parse(c->r->tok, text);
	char			*slug;

	slug = xstrdup(search_run(c->r, q, 1, 0, SEARCH_NO_SNIPPET, &res) ==
	    0 && res.n > 0 ? res.hits[0].slug : "");
	search_result_free(&res);
	search_query_free(q);
	return slug;
}

/*
 * What to do about a gap: "Artikel dazu anlegen" (a draft with the
 * search as its title and phrasing) and "Zu Artikel hinzufügen" (the
 * search as a phrasing of an article; the one it found first, or the
 * one opened after it, filled in).
 */
static void
gap_forms(struct stat_table *t, const char *query, const char *opened)
{
	char	*slug = *opened != '\0' ? xstrdup(opened) :
		    first_found(t->c, query);

	buf_puts(t->b, "<td class=\"gap-actions\"><form method=\"post\" action="
	    "\"/admin/draft\" class=\"draft\">");
	csrf_input(t->b, t->c->who);
	buf_puts(t->b, "<input type=\"hidden\" name=\"q\" value=\"");
	escape_html(t->b, query);
	buf_puts(t->b, "\"><button type=\"submit\">Artikel dazu anlegen</button>"
	    "</form><form method=\"post\" action=\"/admin/alias\" "
	    "class=\"alias\">");
	csrf_input(t->b, t->c->who);
	buf_puts(t->b, "<input type=\"hidden\" name=\"q\" value=\"");
	escape_html(t->b, query);
	buf_printf(t->b, "\"><input type=\"hidden\" name=\"days\" "
	    "value=\"%d\"><input type=\"text\" name=\"slug\" list=\"slugs\" "
	    "required aria-label=\"Artikel (Adresse) für „", t->days);
	escape_html(t->b, query);
	buf_puts(t->b, "“\" placeholder=\"Artikel\" value=\"");
	escape_html(t->b, slug);
	buf_puts(t->b, "\"> <button type=\"submit\">Zu Artikel hinzufügen"
	    "</button></form></td>");
	free(slug);
}

/* A CSV field: quoted, quotes doubled, no formula for a spreadsheet. */
static void
csv_field(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		buf_putc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		if (*s != '\r' && *s != '\n')
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void
trend(struct buf *b, const struct stat_row *row)
{
	if (row->before <= 0)
		buf_puts(b, row->value > 0 ? "neu" : "–");
	else if (row->value == row->before)
		buf_puts(b, "gleich");
	else
		buf_printf(b, "%s%lld", row->value > row->before ? "+" : "−",
		    (long long)(row->value > row->before ? row->value -
		    row->before : row->before - row->value));
}

static void
stat_row_html(void *arg, const struct stat_row *row)
{
	struct stat_table	*t = arg;
	int			 search = t->def->store_kind >= 0;

	if (t->rows >= STAT_ROWS ||
	    (t->def == &stat_defs[TAB_WEAK] && !weak(t->c, row->label)))
		return;
	t->rows++;
	if (t->csv) {
		csv_field(t->b, row->label);
		buf_printf(t->b, ",%lld", (long long)row->value);
		if (search) {
			buf_puts(t->b, ",");
			trend(t->b, row);
			buf_puts(t->b, ",");
			csv_field(t->b, row->opened);
		} else {
			buf_puts(t->b, ",");
			csv_field(t->b, row->slug);
		}
		buf_puts(t->b, "\r\n");
		return;
	}
	buf_puts(t->b, "<tr><td>");
	if (!search) {
		buf_puts(t->b, "<a href=\"/admin/edit/");
		escape_url(t->b, row->slug);
	} else {
		buf_puts(t->b, "<a href=\"/search?q=");
		escape_url(t->b, row->label);
	}
	buf_puts(t->b, "\">");
	escape_html(t->b, row->label);
	buf_printf(t->b, "</a></td><td class=\"num\">%lld</td>",
	    (long long)row->value);
	if (search) {
		buf_puts(t->b, "<td class=\"num\">");
		trend(t->b, row);
		buf_puts(t->b, "</td><td>");
		if (*row->opened != '\0') {
			buf_puts(t->b, "<a href=\"/admin/edit/");
			escape_url(t->b, row->opened);
			buf_puts(t->b, "\">");
			escape_html(t->b, row->opened);
			buf_puts(t->b, "</a>");
		} else
			buf_puts(t->b, "–");
		buf_puts(t->b, "</td>");
		if (t->def->gap)
			gap_forms(t, row->label, row->opened);
	}
	buf_puts(t->b, "</tr>\n");
}

/* The rows of table def, as HTML rows or as CSV lines. */
static int
stat_rows_of(struct stat_table *t)
{
	const struct stat_def	*d = t->def;

	if (d->store_kind < 0)
		return store_staff_most_read(t->c->r, d == &stat_defs[TAB_READ]
		    ? t->days : 0, STAT_ROWS, stat_row_html, t);
	return store_staff_searches(t->c->r, d->store_kind, t->days,
	    d == &stat_defs[TAB_WEAK] ? WEAK_SCAN : STAT_ROWS, stat_row_html, t);
}

static void
stat_section(struct ctx *c, struct buf *b, enum stat_kind kind, int days)
{
	struct stat_table	 t = { b, c, &stat_defs[kind], days, 0, 0 };
	int			 search = t.def->store_kind >= 0;

	buf_printf(b, "<section class=\"stat\" id=\"%s\"><h2>", t.def->name);
	if (kind == TAB_READ)
		buf_printf(b, "Meistgelesen (%d Tage)", days);
	else
		buf_puts(b, t.def->title);
	buf_printf(b, "</h2>\n<table class=\"list stats\"><thead><tr><th>%s"
	    "</th><th>Anzahl</th>", t.def->what);
	if (search)
		buf_printf(b, "<th>Trend (zu den %d Tagen davor)</th><th>danach "
		    "am meisten geöffnet</th>", days);
	if (t.def->gap)
		buf_puts(b, "<th>Lücke schließen</th>");
	buf_puts(b, "</tr></thead><tbody>\n");
	stat_rows_of(&t);
	buf_puts(b, "</tbody></table>\n");
	if (t.rows == 0)
		buf_printf(b, "<p>%s</p>\n", t.def->empty);
	buf_printf(b, "<p class=\"meta\"><a href=\"/admin/stats.csv?table=%s"
	    "&amp;days=%d\" download>%s als CSV</a></p>\n</section>\n",
	    t.def->name, days, t.def->title);
}

/* "27.11." of day d (days since 1970). */
static void
day_label(char *out, size_t size, int64_t d, int year)
{
	char	 iso[32];

	clock_format(iso, sizeof(iso), d * 86400);	/* YYYY-MM-DDT... */
	if (year)
		snprintf(out, size, "%.4s-%.2s-%.2s", iso, iso + 5, iso + 8);
	else
		snprintf(out, size, "%.2s.%.2s.", iso + 8, iso + 5);
}

/* The smallest 1, 2 or 5 times a power of ten that is >= v. */
static int64_t
nice_ceiling(int64_t v)
{
	int64_t	 p = 1;

	if (v <= 1)
		return 1;
	for (;;) {
		if (p >= v)
			return p;
		if (2 * p >= v)
			return 2 * p;
		if (5 * p >= v)
			return 5 * p;
		p *= 10;
	}
}

#define CHART_W		720
#define CHART_H		240
#define CHART_LEFT	56
#define CHART_BOTTOM	36
#define CHART_TOP	16

/*
 * Hits per day: an SVG drawn here (readable without JavaScript) with a
 * y axis of views, an x axis of dates, the value above each bar (every
 * bar's <title> too), and the same numbers as a table.
 */
static void
daily_chart(struct ctx *c, struct buf *b, int days)
{
	int64_t	 per_day[31], max = 0, total = 0, top, first;
	int	 i, plot_h = CHART_H - CHART_BOTTOM - CHART_TOP, h, x, bw;
	int	 step = days > 10 ? 5 : 1;
	char	 label[32];

	if (store_staff_daily_hits(c->r, days, per_day) == -1)
		return;
	for (i = 0; i < days; i++) {
		if (per_day[i] > max)
			max = per_day[i];
		total += per_day[i];
	}
	top = nice_ceiling(max);
	first = clock_seconds() / 86400 - (days - 1);
	bw = (CHART_W - CHART_LEFT - 8) / days;
	buf_printf(b, "<section class=\"stat\" id=\"aufrufe-pro-tag\"><h2>"
	    "Aufrufe pro Tag</h2>\n<figure class=\"chart\">\n<svg class=\""
	    "chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\""
	    "chart-caption\">\n", CHART_W, CHART_H);
	/* The y axis: 0, half and the top, with grid lines. */
	for (i = 0; i <= 2; i++) {
		int64_t	 v = top * i / 2;
		int	 y = CHART_TOP + plot_h - (int)(v * plot_h / top);

		buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\"/><text class=\"ytick\" x=\"%d\" y=\"%d\">%lld"
		    "</text>\n", CHART_LEFT, y, CHART_W - 4, y, CHART_LEFT - 6,
		    y + 4, (long long)v);
	}
	buf_printf(b, "<text class=\"axis\" x=\"12\" y=\"%d\" transform=\""
	    "rotate(-90 12 %d)\">Aufrufe</text>\n", CHART_TOP + plot_h / 2,
	    CHART_TOP + plot_h / 2);
	for (i = 0; i < days; i++) {
		h = (int)(per_day[i] * plot_h / top);
		x = CHART_LEFT + 4 + i * bw;
		day_label(label, sizeof(label), first + i, 0);
		buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
		    "<title>%s: %lld Aufrufe</title></rect>\n", x + 1,
		    CHART_TOP + plot_h - h, bw - 2, h, label,
		    (long long)per_day[i]);
		if (days <= 10 || per_day[i] == max)
			buf_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\">"
			    "%lld</text>\n", x + bw / 2, CHART_TOP + plot_h - h
			    - 4, (long long)per_day[i]);
		if (i % step == 0 || i == days - 1)
			buf_printf(b, "<text class=\"xtick\" x=\"%d\" y=\"%d\">"
			    "%s</text>\n", x + bw / 2, CHART_TOP + plot_h + 16,
			    label);
	}
	buf_printf(b, "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\"/>\n<text class=\"axis\" x=\"%d\" y=\"%d\">Tag (UTC)"
	    "</text>\n</svg>\n<figcaption id=\"chart-caption\">Aufrufe pro "
	    "Tag, letzte %d Tage: zusammen %lld, höchstens %lld an einem Tag."
	    "</figcaption>\n</figure>\n<details><summary>Als Tabelle</summary>"
	    "\n<table class=\"list\"><thead><tr><th>Tag</th><th>Aufrufe</th>"
	    "</tr></thead><tbody>\n", CHART_LEFT, CHART_TOP + plot_h,
	    CHART_W - 4, CHART_TOP + plot_h, CHART_W / 2, CHART_H - 4, days,
	    (long long)total, (long long)max);
	for (i = days - 1; i >= 0; i--) {
		day_label(label, sizeof(label), first + i, 1);
		buf_printf(b, "<tr><td>%s</td><td class=\"num\">%lld</td></tr>\n",
		    label, (long long)per_day[i]);
	}
	buf_printf(b, "</tbody></table>\n</details>\n<p class=\"meta\"><a href="
	    "\"/admin/stats.csv?table=aufrufe-pro-tag&amp;days=%d\" download>"
	    "Aufrufe pro Tag als CSV</a></p>\n</section>\n", days);
}

/* GET /admin/stats.csv?table=NAME&days=7|30: one table as CSV. */
static void
stats_csv(struct ctx *c)
{
	struct stat_table	 t;
	struct buf		 b;
	const char		*arg = http_arg(c->req, "days");
	const char		*name = http_arg(c->req, "table");
	int			 days = arg != NULL && strcmp(arg, "30") == 0 ?
				    30 : 7, i;
	int64_t			 per_day[31], first;
	char			 label[32];
	size_t			 k, len;
	char			*body;

	for (k = 0; k < nitems(stat_defs); k++)
		if (name != NULL && strcmp(name, stat_defs[k].name) == 0)
			break;
	if (k == nitems(stat_defs)) {
		message_page(c, 404, "Nicht gefunden", "Diese Tabelle gibt "
		    "es nicht.");
		return;
	}
	buf_init(&b);
	if (k == TAB_DAILY) {
		buf_puts(&b, "Tag,Aufrufe\r\n");
		if (store_staff_daily_hits(c->r, days, per_day) == 0) {
			first = clock_seconds() / 86400 - (days - 1);
			for (i = 0; i < days; i++) {
				day_label(label, sizeof(label), first + i, 1);
				buf_printf(&b, "%s,%lld\r\n", label,
				    (long long)per_day[i]);
			}
		}
	} else {
		memset(&t, 0, sizeof(t));
		t.b = &b;
		t.c = c;
		t.def = &stat_defs[k];
		t.days = days;
		t.csv = 1;
		buf_printf(&b, "%s,Anzahl,%s\r\n", t.def->what,
		    t.def->store_kind >= 0 ? "Trend,danach am meisten geöffnet" :
		    "Adresse");
		stat_rows_of(&t);
	}
	body = buf_detach(&b, &len);
	reply_text(c->rep, 200, "text/csv; charset=utf-8", body, len);
	c->rep->cache = "no-store";
}

static void
slug_option(void *arg, const struct store_staff_article *a)
{
	struct buf	*b = arg;

	buf_puts(b, "<option value=\"");
	escape_html(b, a->slug);
	buf_puts(b, "\">");
	escape_html(b, a->title);
	buf_puts(b, "</option>");
}

/* Every article's address, for the alias forms' field. */
static void
slug_list(struct ctx *c, struct buf *b)
{
	struct staff_filter	 f;

	memset(&f, 0, sizeof(f));
	f.sort = "title";
	buf_puts(b, "<datalist id=\"slugs\">");
	store_staff_articles(c->r, &f, slug_option, b);
	buf_puts(b, "</datalist>\n");
}

/*
 * POST /admin/alias (q, slug, days): attaches the phrasing q to the
 * article's aliases, then back to the statistics.
 */
static void
add_alias(struct ctx *c)
{
	struct edit	 e;
	char		*q = field_or_empty(c, "q"), *slug = field_or_empty(c,
			    "slug"), *days = field_or_empty(c, "days");
	const char	*errstr = "Diesen Artikel gibt es nicht.";
	int		 rc = -1;

	memset(&e, 0, sizeof(e));
	e.slug = slug;
	e.author = c->who->name;
	e.alias = q;
	e.err = ENOENT;
	if (parse_slug(slug, strlen(slug)))
		rc = staff_edit_alias(&e, &errstr);
	if (rc == 0)
		see_other(c, strcmp(days, "30") == 0 ? "/admin/stats?days=30" :
		    "/admin/stats?days=7", NULL, "alias", "slug", slug);
	else
		message_page(c, error_status(e.err), "Das hat nicht geklappt",
		    errstr);
	free(e.current);
	free(q);
	free(slug);
	free(days);
}

/*
 * POST /admin/draft (q): "Artikel dazu anlegen" from a search that found
 * nothing or too little: a draft with the search as its title and as a
 * phrasing (aliases), its address made from the search ("-2" … when it
 * is taken), then its editor.
 */
static void
create_draft(struct ctx *c)
{
	struct edit	 e;
	char		*q = field_or_empty(c, "q"), *base, slug[KBD_MAX_SLUG + 1];
	const char	*errstr = "Die Suche ist leer.";
	int		 rc = -1, n;

	memset(&e, 0, sizeof(e));
	e.err = EINVAL;
	base = slug_from_title(q);
	for (n = 1; *base != '\0' && strlen(q) <= KBD_MAX_TITLE && n <= 20;
	    n++) {
		if (n == 1)
			snprintf(slug, sizeof(slug), "%s", base);
		else
			snprintf(slug, sizeof(slug), "%.*s-%d", KBD_MAX_SLUG - 4,
			    base, n);
		free(e.current);
		memset(&e, 0, sizeof(e));
		e.slug = slug;
		e.author = c->who->name;
		e.title = q;
		e.category = "";
		e.tags = "";
		e.body = "Kurz die Antwort in einem Satz.\n\n## Schritt für "
		    "Schritt\n\n1. …\n";
		e.draft = 1;
		if ((rc = staff_edit_save(&e, &errstr)) == 0 || e.err != EEXIST)
			break;
	}
	if (rc == 0) {
		free(e.current);
		memset(&e, 0, sizeof(e));
		e.slug = slug;
		e.author = c->who->name;
		e.alias = q;
		rc = staff_edit_alias(&e, &errstr);
	}
	if (rc == 0) {
		see_other(c, "/admin/edit/", slug, "draft", NULL, NULL);
	} else
		message_page(c, error_status(e.err), "Das hat nicht geklappt",
		    errstr);
	free(e.current);
	free(base);
	free(q);
}

static void
stats_page(struct ctx *c)
{
	struct buf	 b;
	const char	*arg = http_arg(c->req, "days");
	int		 days = arg != NULL && strcmp(arg, "30") == 0 ? 30 : 7;

	buf_init(&b);
	admin_begin(&b, "Statistik", c->who);
	slug_list(c, &b);
	buf_puts(&b, "<h1>Statistik</h1>\n");
	notice(&b, c->req);
	buf_printf(&b, "<p class=\"tabs\">Zeitraum: "
	    "<a href=\"/admin/stats?days=7\"%s>7 Tage</a> · <a href=\""
	    "/admin/stats?days=30\"%s>30 Tage</a></p>\n", days == 7 ?
	    " aria-current=\"true\"" : "", days == 30 ?
	    " aria-current=\"true\"" : "");
	buf_puts(&b, "<p>Wo die Hilfe Lücken hat: Suchen ohne Ergebnis, mit "
	    "schwachen Treffern und ohne geöffneten Artikel. „Artikel dazu "
	    "anlegen“ macht einen Entwurf mit der Suche als Titel; „Zu Artikel "
	    "hinzufügen“ lässt die Suche einen vorhandenen Artikel finden.</p>\n");
	stat_section(c, &b, TAB_EMPTY, days);
	stat_section(c, &b, TAB_WEAK, days);
	stat_section(c, &b, TAB_UNOPENED, days);
	daily_chart(c, &b, days);
	stat_section(c, &b, TAB_TOP, days);
	stat_section(c, &b, TAB_READ, days);
	stat_section(c, &b, TAB_READ_ALL, days);
	staff_votes_section(&b, c->r, days);
	reply_admin(c, 200, &b);
}

/* The embed builder */

/* The options of /admin/embed, from its query. */
struct embed_opts {
	int		 limit;
	const char	*period;	/* "all", "30d", "7d" */
	const char	*category;	/* a category's name, or "" */
	int		 search;
	int		 dark;
};

static void
embed_opts(struct ctx *c, struct embed_opts *o, const struct categories *set)
{
	const char	*p = http_arg(c->req, "period");
	const char	*cat = http_arg(c->req, "category");
	const char	*arg = http_arg(c->req, "limit");
	const char	*theme = http_arg(c->req, "theme");
	long long	 n = 10;
	size_t		 i;

	if (arg != NULL)
		parse_number(arg, 1, 100, &n);
	o->limit = (int)n;
	o->period = p != NULL && (strcmp(p, "30d") == 0 || strcmp(p, "7d") ==
	    0) ? p : "all";
	o->category = "";
	for (i = 0; cat != NULL && set != NULL && i < set->n; i++)
		if (strcmp(cat, set->c[i].name) == 0)
			o->category = set->c[i].name;
	arg = http_arg(c->req, "search");
	o->search = arg != NULL && strcmp(arg, "1") == 0;
	o->dark = theme != NULL && strcmp(theme, "dark") == 0;
}

/* The query of /embed/top and /embed/top.html for o (URL-escaped). */
static void
embed_query(struct buf *b, const struct embed_opts *o, int frame)
{
	buf_printf(b, "limit=%d", o->limit);
	if (strcmp(o->period, "all") != 0)
		buf_printf(b, "&period=%s", o->period);
	if (*o->category != '\0') {
		buf_puts(b, "&category=");
		escape_url(b, o->category);
	}
	if (frame && o->search)
		buf_puts(b, "&search=1");
	if (frame && o->dark)
		buf_puts(b, "&theme=dark");
}

/* A snippet to copy, escaped, in a <pre> with an id. */
static void
embed_snippet(struct buf *b, const char *id, const char *code)
{
	buf_printf(b, "<pre class=\"snippet\" tabindex=\"0\"><code id=\"%s\">",
	    id);
	escape_html(b, code);
	buf_puts(b, "</code></pre>\n");
}

static void
embed_builder(struct ctx *c)
{
	struct embed_opts	 o;
	struct snapshot		*snap = snapshot_acquire();
	const struct categories	*set = snap != NULL ?
				    snapshot_categories(snap) : NULL;
	const char		*base = site_base();
	struct buf		 b, q, code;
	size_t			 i;
	static const char *const periods[][2] = {
		{ "all", "seit Beginn" }, { "30d", "letzte 30 Tage" },
		{ "7d", "letzte 7 Tage" },
	};

	embed_opts(c, &o, set);
	buf_init(&b);
	buf_init(&q);
	buf_init(&code);
	admin_begin(&b, "Einbinden", c->who);
	buf_puts(&b, "<h1>Einbinden</h1>\n<p>Stellen Sie die Liste der "
	    "meistgelesenen Fragen für eine andere Website zusammen: die "
	    "Vorschau und die Schnipsel folgen den Einstellungen. Mehr zu den "
	    "drei Wegen steht auf <a href=\"/embed\">/embed</a>.</p>\n"
	    "<form id=\"embed-builder\" class=\"filter\" method=\"get\" "
	    "action=\"/admin/embed\">\n");
	buf_printf(&b, "<label>Anzahl der Fragen <input type=\"number\" "
	    "name=\"limit\" min=\"1\" max=\"100\" value=\"%d\"></label>\n"
	    "<label>Zeitraum <select name=\"period\">", o.limit);
	for (i = 0; i < nitems(periods); i++)
		option(&b, periods[i][0], periods[i][1], o.period);
	buf_puts(&b, "</select></label>\n<label>Kategorie <select name=\""
	    "category\"><option value=\"\">alle</option>");
	for (i = 0; set != NULL && i < set->n; i++) {
		buf_puts(&b, "<option value=\"");
		escape_html(&b, set->c[i].name);
		buf_printf(&b, "\"%s>", strcmp(set->c[i].name, o.category) == 0
		    ? " selected" : "");
		escape_html(&b, set->c[i].name);
		buf_puts(&b, "</option>");
	}
	buf_printf(&b, "</select></label>\n<label class=\"check\"><input type="
	    "\"checkbox\" name=\"search\" value=\"1\"%s> mit Suchfeld</label>\n"
	    "<fieldset class=\"theme\"><legend>Farben</legend><label class="
	    "\"check\"><input type=\"radio\" name=\"theme\" value=\"light\"%s>"
	    " hell</label> <label class=\"check\"><input type=\"radio\" name="
	    "\"theme\" value=\"dark\"%s> dunkel</label></fieldset>\n<button "
	    "type=\"submit\">Übernehmen</button>\n</form>\n", o.search ?
	    " checked" : "", o.dark ? "" : " checked", o.dark ? " checked" :
	    "");

	buf_printf(&b, "<div id=\"embed-output\" data-base=\"%s\">\n", base);
	/* 1. The script. */
	buf_puts(&b, "<section class=\"way\"><h2>1. Das Skript</h2>\n<p>Übernimmt "
	    "die Schrift Ihrer Seite und bleibt von deren CSS unberührt. "
	    "(Die Kategorie gilt für iframe und Fragment.)</p>\n");
	buf_printf(&code, "<script src=\"%s/static/widget.js\" data-kbd-top="
	    "\"%d\"%s%s%s%s async></script>", base, o.limit,
	    strcmp(o.period, "all") != 0 ? " data-kbd-period=\"" : "",
	    strcmp(o.period, "all") != 0 ? o.period : "",
	    strcmp(o.period, "all") != 0 ? "\"" : "", o.search ?
	    " data-kbd-search" : "");
	if (o.dark)
		buf_puts(&code, "\n<style>kbd-top-faq, kbd-faq-search { --kbd-bg: "
		    "#1f2328; --kbd-color: #e6edf3; --kbd-link: #79c0ff; "
		    "--kbd-muted: #9da7b3; --kbd-border: #444c56; }</style>");
	embed_snippet(&b, "snippet-script", code.data);
	buf_printf(&b, "<figure class=\"embed-preview%s\"><div id=\"preview-"
	    "script\">", o.dark ? " dark" : "");
	if (o.search)
		buf_puts(&b, "<kbd-faq-search></kbd-faq-search>");
	buf_printf(&b, "<kbd-top-faq limit=\"%d\"", o.limit);
	if (strcmp(o.period, "all") != 0)
		buf_printf(&b, " period=\"%s\"", o.period);
	buf_puts(&b, "></kbd-top-faq></div><figcaption>Vorschau: das Skript"
	    "</figcaption></figure>\n</section>\n");

	/* 2. The iframe, sized by its listener. */
	embed_query(&q, &o, 1);
	buf_reset(&code);
	buf_printf(&code, "<iframe src=\"%s/embed/top?%s\" title=\"Häufige "
	    "Fragen\" data-kbd-frame style=\"width:100%%;height:460px;border:0"
	    "\"></iframe>\n<script>addEventListener(\"message\",function(e){if("
	    "e.origin===\"%s\"&&e.data&&e.data.kbdHeight)document."
	    "querySelectorAll(\"iframe[data-kbd-frame]\").forEach(function(f){"
	    "if(f.contentWindow===e.source)f.style.height=e.data.kbdHeight+"
	    "\"px\"})})</script>", base, q.data, base);
	buf_puts(&b, "<section class=\"way\"><h2>2. Der iframe</h2>\n<p>Ohne "
	    "Skript von uns auf Ihrer Seite. Die eine Zeile darunter passt die "
	    "Höhe des Rahmens an die Liste an; sie nimmt nur Nachrichten von "
	    "diesem Server an.</p>\n");
	embed_snippet(&b, "snippet-iframe", code.data);
	buf_puts(&b, "<figure class=\"embed-preview\"><iframe id=\"preview-"
	    "iframe\" data-kbd-frame src=\"/embed/top?");
	escape_html(&b, q.data);
	buf_puts(&b, "\" title=\"Vorschau: Häufige Fragen im iframe\"></iframe>"
	    "<figcaption>Vorschau: der iframe</figcaption></figure>\n"
	    "</section>\n");

	/* 3. The fragment. */
	buf_reset(&q);
	embed_query(&q, &o, 0);
	buf_reset(&code);
	buf_printf(&code, "<!--# include virtual=\"/faq-top\" -->\n\nlocation "
	    "= /faq-top {\n    proxy_pass %s/embed/top.html?%s;\n}", base,
	    q.data);
	buf_puts(&b, "<section class=\"way\"><h2>3. Das HTML-Fragment</h2>\n"
	    "<p>Für Seiten, die auf dem Server zusammengesetzt werden: nur die "
	    "Liste, ohne Skript und ohne Stile, hier mit nginx.</p>\n");
	embed_snippet(&b, "snippet-fragment", code.data);
	buf_puts(&b, "<figure class=\"embed-preview\"><div id=\"preview-"
	    "fragment\" data-src=\"/embed/top.html?");
	escape_html(&b, q.data);
	buf_puts(&b, "\"><p><a href=\"/embed/top.html?");
	escape_html(&b, q.data);
	buf_printf(&b, "\">das Fragment ansehen</a></p></div><figcaption>Vorschau:"
	    " das Fragment (ohne Stile)</figcaption></figure>\n</section>\n"
	    "</div>\n<script src=\"/static/widget.js?v=%s\" async></script>\n",
	    static_version("widget.js"));
	if (snap != NULL)
		snapshot_release(snap);
	buf_free(&q);
	buf_free(&code);
	reply_admin(c, 200, &b);
}

/* Accounts (admins only) */

struct users_ctx {
	struct buf		*b;
	const struct staff	*who;
};

static void
user_row_html(void *arg, const struct user_row *u)
{
	struct users_ctx	*uc = arg;

	buf_puts(uc->b, "<tr><td>");
	escape_html(uc->b, u->name);
	buf_printf(uc->b, "</td><td>%s</td><td>", strcmp(u->role, "admin") ==
	    0 ? "Admin" : "Redaktion");
	put_date(uc->b, u->created);
	buf_printf(uc->b, "</td><td>%s</td><td>", u->has_token ? "ja" : "");
	if (strcmp(u->name, uc->who->name) != 0) {
		buf_puts(uc->b, "<form method=\"post\" action=\"/admin/users\">");
		csrf_input(uc->b, uc->who);
		buf_puts(uc->b, "<input type=\"hidden\" name=\"delete\" value=\"");
		escape_html(uc->b, u->name);
		buf_puts(uc->b, "\"><button type=\"submit\" class=\"danger\">"
		    "Löschen</button>"
		    "</form>");
	}
	buf_puts(uc->b, "</td></tr>\n");
}

static void
users_page(struct ctx *c)
{
	struct users_ctx	 uc = { NULL, c->who };
	struct staff_user_change	 j;
	struct buf		 b;
	char			*name = NULL, *role = NULL, *pw = NULL, *del;
	char			 why[200];
	const char		*problem = NULL, *done = NULL;
	unsigned int		 status = 200;

	if (!c->who->admin) {
		message_page(c, 403, "Nur für Admins", "Benutzer verwalten "
		    "dürfen nur Admins.");
		return;
	}
	if (strcmp(c->req->method, "POST") == 0) {
		memset(&j, 0, sizeof(j));
		if ((del = field(c, "delete")) != NULL) {
			j.name = del;
			j.del = 1;
		} else {
			j.name = name = field_or_empty(c, "name");
			j.role = role = field_or_empty(c, "role");
			j.password = pw = field_or_empty(c, "password");
		}
		/* A success redirects; a failure shows the page and why. */
		if (j.del && strcmp(j.name, c->who->name) == 0) {
			problem = "Sich selbst löschen geht hier nicht.";
			status = 409;
		} else if (staff_user_change(&j) == 0) {
			done = j.del ? "user-deleted" : "user-added";
			see_other(c, "/admin/users", NULL, done, "name", j.name);
		} else {
			snprintf(why, sizeof(why), "%s: %s", j.name,
			    j.why != NULL ? j.why : "nicht möglich");
			problem = why;
			status = 422;
		}
		if (pw != NULL)
			memset(pw, 0, strlen(pw));
		free(del);
		free(name);
		free(role);
		free(pw);
		if (done != NULL)
			return;
	}
	buf_init(&b);
	uc.b = &b;
	admin_begin(&b, "Benutzer", c->who);
	buf_puts(&b, "<h1>Benutzer</h1>\n");
	notice(&b, c->req);
	if (problem != NULL) {
		buf_puts(&b, "<p class=\"error\" role=\"alert\">");
		escape_html(&b, problem);
		buf_puts(&b, "</p>\n");
	}
	buf_puts(&b, "<table class=\"list\"><thead><tr><th>Name</th><th>Rolle"
	    "</th><th>seit</th><th>API-Token</th><th><span "
	    "class=\"visually-hidden\">Aktion</span></th></tr></thead>"
	    "<tbody>\n");
	store_user_each(c->r->db, user_row_html, &uc);
	buf_puts(&b, "</tbody></table>\n<h2>Neuer Benutzer</h2>\n<form "
	    "method=\"post\" action=\"/admin/users\" class=\"fields\">\n");
	csrf_input(&b, c->who);
	buf_printf(&b, "<label>Name <input type=\"text\" name=\"name\" "
	    "required maxlength="
	    "\"%d\" pattern=\"[A-Za-z0-9._\\-]+\" autocomplete=\"off\">"
	    "</label>\n<label>Rolle <select name=\"role\"><option value="
	    "\"editor\">Redaktion</option><option value=\"admin\">Admin"
	    "</option></select></label>\n<label>Passwort (mindestens %d "
	    "Zeichen) <input name=\"password\" type=\"password\" required "
	    "minlength=\"%d\" autocomplete=\"new-password\"></label>\n"
	    "<button type=\"submit\">Anlegen</button>\n</form>\n"
	    "<p class=\"meta\">API-Tokens "
	    "für Skripte gibt <code>kbd user token NAME</code> auf dem "
	    "Server aus.</p>\n", KBD_MAX_USER, KBD_MIN_PASSWORD,
	    KBD_MIN_PASSWORD);
	reply_admin(c, status, &b);
}

/* Routes */

/* What every page here starts from; 0, or -1 when it answered already. */
static int
begin(struct ctx *c, struct request *req, struct reply *rep)
{
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->rep = rep;
	c->slug = req->param[0];
	c->who = staff_auth_who(req);
	if ((c->r = store_reader()) == NULL) {
		error_reply(req, rep, 503, NULL);
		return -1;
	}
	if (*c->slug != '\0' && !parse_slug(c->slug, strlen(c->slug))) {
		message_page(c, 404, "Nicht gefunden", "Diese Seite der "
		    "Verwaltung gibt es nicht.");
		return -1;
	}
	return 0;
}

/*
 * The gate of the login page: a connection that keeps the password
 * secret (TLS or loopback, see staff_auth_transport_ok), and a login
 * form sent from this site's own page: another site's form could log a
 * browser in as someone else (login CSRF).
 */
static int
gate_login(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.rep = rep;
	if (!staff_auth_transport_ok(req)) {
		message_page(&c, 403, "Nur über HTTPS", "Die Verwaltung ist "
		    "aus Sicherheitsgründen nur über HTTPS erreichbar.");
		return -1;
	}
	if (strcmp(req->method, "POST") == 0 &&
	    !staff_auth_same_origin(req, 0)) {
		message_page(&c, 403, "Abgelehnt", "Diese Anmeldung kam "
		    "nicht von der Anmeldeseite der Verwaltung.");
		return -1;
	}
	return 0;
}

/*
 * The gate of every other page: the connection, then a session (the
 * login page otherwise), then for a POST its CSRF token, a form field:
 * before the body is read (req->headers_only) only the rest is checked,
 * so that no body is read without a session.
 */
static int
gate(struct request *req, struct reply *rep)
{
	struct ctx	 c;
	char		*csrf;
	int		 ok;

	if (gate_login(req, rep) == -1 || begin(&c, req, rep) == -1)
		return -1;
	if (c.who == NULL && staff_auth_away(req)) {
		c.rep->retry_after = 5;
		message_page(&c, 503, "Gerade nicht erreichbar", "Die "
		    "Verwaltung geht gerade nicht: die gemeinsame Datenbank "
		    "des Clusters (PostgreSQL) ist nicht erreichbar. Bitte "
		    "versuchen Sie es in einigen Sekunden noch einmal.");
		return -1;
	}
	if (c.who == NULL) {
		if (strcmp(req->method, "POST") == 0)
			login_page(&c, 401, NULL, "Bitte melden Sie sich "
			    "(wieder) an. Ihre Sitzung ist abgelaufen.");
		else
			see_other(&c, "/admin/login", NULL, NULL, NULL, NULL);
		return -1;
	}
	if (strcmp(req->method, "POST") == 0 && !req->headers_only) {
		csrf = field(&c, "csrf");
		ok = staff_auth_csrf_ok(req, csrf);
		free(csrf);
		if (!ok) {
			message_page(&c, 403, "Abgelehnt", "Diese Anfrage kam "
			    "nicht aus der Verwaltung (CSRF-Schutz). Bitte "
			    "laden Sie die Seite neu.");
			return -1;
		}
	}
	return 0;
}

static void
route_login(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		login(&c);
}

static void
route_logout(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0) {
		if (staff_auth_logout(req, rep) == 0)
			see_other(&c, "/admin/login", NULL, NULL, NULL, NULL);
		else {
			rep->retry_after = 5;
			message_page(&c, 503, "Gerade nicht erreichbar", "Die "
			    "Abmeldung geht gerade nicht: die gemeinsame "
			    "Datenbank des Clusters (PostgreSQL) ist nicht "
			    "erreichbar. Ihre Sitzung gilt noch; bitte "
			    "versuchen Sie es gleich noch einmal.");
		}
	}
}

static void
route_list(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		article_list(&c);
}

static void
route_new(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		new_page(&c);
}

static void
route_create(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		save(&c, 1);
}

static void
route_edit(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		edit_page(&c);
}

static void
route_save(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		save(&c, 0);
}

static void
route_history(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		history_page(&c);
}

/* POST /admin/<verb>/<slug>: the verb is the path's second segment. */
static void
route_act(struct request *req, struct reply *rep)
{
	struct ctx	 c;
	char		 verb[16];

	snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(req->path + 7, "/"),
	    req->path + 7);
	if (begin(&c, req, rep) == 0)
		act(&c, verb);
}

static void
route_stats(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		stats_page(&c);
}

static void
route_alias(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		add_alias(&c);
}

static void
route_draft(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		create_draft(&c);
}

static void
route_stats_csv(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		stats_csv(&c);
}

static void
route_embed(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		embed_builder(&c);
}

static void
route_users(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		users_page(&c);
}

static void
route_not_found(struct request *req, struct reply *rep)
{
	struct ctx	 c;

	if (begin(&c, req, rep) == 0)
		message_page(&c, 404, "Nicht gefunden", "Diese Seite der "
		    "Verwaltung gibt es nicht.");
}

/* The staff pages, for route.c (see route_add in main.c). */
const struct route staff_page_routes[] = {
	{ "GET",  "/admin",		route_list,	NULL, gate, 0 },
	{ "GET",  "/admin/",		route_list,	NULL, gate, 0 },
	{ "GET",  "/admin/login",	route_login,	NULL, gate_login, 0 },
	{ "POST", "/admin/login",	route_login,	NULL, gate_login,
	    ROUTE_LOGIN },
	{ "POST", "/admin/logout",	route_logout,	NULL, gate, ROUTE_BODY },
	{ "GET",  "/admin/new",		route_new,	NULL, gate, 0 },
	{ "POST", "/admin/new",		route_create,	NULL, gate, ROUTE_BODY },
	{ "GET",  "/admin/stats",	route_stats,	NULL, gate, 0 },
	{ "GET",  "/admin/stats.csv",	route_stats_csv, NULL, gate, 0 },
	{ "GET",  "/admin/embed",	route_embed,	NULL, gate, 0 },
	{ "POST", "/admin/alias",	route_alias,	NULL, gate, ROUTE_BODY },
	{ "POST", "/admin/draft",	route_draft,	NULL, gate, ROUTE_BODY },
	{ "GET",  "/admin/users",	route_users,	NULL, gate, 0 },
	{ "POST", "/admin/users",	route_users,	NULL, gate, ROUTE_BODY },
	{ "GET",  "/admin/edit/*",	route_edit,	NULL, gate, 0 },
	{ "POST", "/admin/edit/*",	route_save,	NULL, gate, ROUTE_BODY },
	{ "GET",  "/admin/history/*",	route_history,	NULL, gate, 0 },
	{ "POST", "/admin/publish/*",	route_act,	NULL, gate, ROUTE_BODY },
	{ "POST", "/admin/delete/*",	route_act,	NULL, gate, ROUTE_BODY },
	{ "POST", "/admin/restore/*",	route_act,	NULL, gate, ROUTE_BODY },
	{ "POST", "/admin/rename/*",	route_act,	NULL, gate, ROUTE_BODY },
	{ "*",    "/admin/**",		route_not_found, NULL, gate,
	    ROUTE_FALLBACK },
};
const size_t staff_page_nroutes = nitems(staff_page_routes);
