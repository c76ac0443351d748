/*
 * staff_media.c (staff): pictures for articles, uploaded by staff in the
 * editor and kept in the media folder (media.c), where articles name
 * them as ![Beschreibung](media/<name>).  Two ways in, the same rules as
 * the other staff pages and the staff API (a connection that keeps
 * secrets, a session or an API token, the CSRF token for a session):
 *
 *   POST /api/admin/media?name=<file name>   the picture as the body
 *        (static/media.js: a file field or a file dropped on the text),
 *        or multipart/form-data with the part "file"; 201 and JSON with
 *        the name, the URL and the Markdown to insert;
 *   POST /admin/media                        the editor's form without
 *        JavaScript (multipart/form-data: csrf, slug, alt, file); 303
 *        back to the editor with the Markdown to insert in its notice.
 *
 * The type is read from the bytes, never from the name (a text file
 * called .png is refused, so is SVG, which can carry script); larger
 * than KBD_MAX_MEDIA is refused; the name is made safe and never
 * replaces another picture (media_save).  On a node of a cluster
 * uploads are refused (staff_media_refuse): pictures are not kept in
 * PostgreSQL, and the other nodes would not have them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "kbd.h"

static const char	*refused;	/* every upload: why, or NULL */

/*
 * Refuses every upload from now on with 503 and why (German, for
 * people; static).  Once, before HTTP starts.
 */
void
staff_media_refuse(const char *why)
{
	refused = why;
}

/* What a multipart body held. */
struct upload {
	const char	*data;		/* the file's bytes, in the body */
	size_t		 len;
	int		 file;		/* a part "file" came */
	char		 filename[256];
	char		 csrf[2 * KBD_TOKEN_BYTES + 1];
	char		 slug[KBD_MAX_SLUG + 1];
	char		 alt[201];
};

static void
upload_part(void *arg, const char *name, const char *filename,
    const char *data, size_t n)
{
	struct upload	*u = arg;
	char		*field = NULL;
	size_t		 size = 0;

	if (strcmp(name, "file") == 0) {
		u->data = data;
		u->len = n;
		u->file = 1;
		snprintf(u->filename, sizeof(u->filename), "%s", filename);
		return;
	}
	if (strcmp(name, "csrf") == 0) {
		field = u->csrf;
		size = sizeof(u->csrf);
	} else if (strcmp(name, "slug") == 0) {
		field = u->slug;
		size = sizeof(u->slug);
	} else if (strcmp(name, "alt") == 0) {
		field = u->alt;
		size = sizeof(u->alt);
	}
	if (field != NULL && n < size && utf8_valid(data, n, NULL)) {
		memcpy(field, data, n);
		field[n] = '\0';
	}
}

/* Reads req's body as an upload; -1 when it is no well-formed one. */
static int
read_upload(struct request *req, struct upload *u)
{
	const char	*type = http_header(req, "Content-Type");
	const char	*name;

	memset(u, 0, sizeof(*u));
	if (type != NULL && strncasecmp(type, "multipart/", 10) == 0)
		return parse_multipart(req->body.data != NULL ? req->body.data :
		    "", req->body.len, type, upload_part, u) == -1 ||
		    !u->file ? -1 : 0;
	u->data = req->body.data != NULL ? req->body.data : "";
	u->len = req->body.len;
	u->file = 1;
	if ((name = http_arg(req, "name")) != NULL)
		snprintf(u->filename, sizeof(u->filename), "%s", name);
	return 0;
}

/*
 * Saves the upload u.  Returns 0 with its name in name, or the HTTP
 * status of the refusal with a German reason in *why.
 */
static unsigned int
save(struct upload *u, char *name, size_t size, struct media_info *mi,
    const char **why)
{
	const char	*errstr;

	if (refused != NULL) {
		*why = refused;
		return 503;
	}
	if (u->len == 0) {
		*why = "Bitte wählen Sie eine Bilddatei.";
		return 422;
	}
	if (media_save(u->data, u->len, u->filename, name, size, mi,
	    &errstr) == 0)
		return 0;
	if (errno == E2BIG) {
		*why = "Das Bild ist zu groß (höchstens "
		    STR(KBD_MAX_MEDIA_MB) " MB).";
		return 413;
	}
	if (errno == EINVAL) {
		*why = "Das ist kein PNG-, JPEG-, WebP- oder GIF-Bild. "
		    "(SVG wird nicht angenommen, es kann Skripte enthalten.)";
		return 415;
	}
	log_warn("media: %s", errstr);
	*why = "Das Bild konnte nicht gespeichert werden.";
	return 500;
}

/* The gate: connection, login, and a session's CSRF token. */
static int
allowed(struct request *req, const char *csrf)
{
	return staff_auth_transport_ok(req) && staff_auth_who(req) != NULL &&
	    staff_auth_csrf_ok(req, csrf);
}

/* POST /api/admin/media */
static void
api_upload(struct request *req, struct reply *rep)
{
	struct media_info	 mi;
	struct upload		 u;
	const char		*why = NULL;
	char			 name[KBD_MAX_MEDIA_NAME + 1], *md, *url;
	unsigned int		 status;

	req->api = 1;
	rep->cache = "no-store";
	if (!staff_auth_transport_ok(req) || staff_auth_who(req) == NULL) {
		error_reply(req, rep, staff_auth_transport_ok(req) ? 401 : 403,
		    "log in first (session cookie or API token)");
		return;
	}
	if (read_upload(req, &u) == -1) {
		error_reply(req, rep, 400, "the body is no picture and no "
		    "multipart/form-data with a part \"file\"");
		return;
	}
	if (!allowed(req, http_header(req, "X-CSRF-Token"))) {
		error_reply(req, rep, 403, "missing or wrong X-CSRF-Token");
		return;
	}
	if ((status = save(&u, name, sizeof(name), &mi, &why)) != 0) {
		error_reply(req, rep, status, why);
		return;
	}
	md = xasprintf("![](media/%s)", name);
	url = xasprintf("/media/%s?v=%s", name, mi.version);
	reply_json(rep, 201, json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:I}",
	    "name", name, "url", url, "markdown", md, "type", mi.type,
	    "width", (int)mi.width, "height", (int)mi.height, "bytes",
	    (json_int_t)u.len));
	rep->cache = "no-store";
	free(md);
	free(url);
}

/* 303 to the editor of slug (or a new article) with msg as its notice. */
static void
back(struct reply *rep, const char *slug, const char *msg)
{
	struct buf	 b;

	buf_init(&b);
	if (parse_slug(slug, strlen(slug))) {
		buf_puts(&b, "/admin/edit/");
		buf_puts(&b, slug);
	} else
		buf_puts(&b, "/admin/new");
	buf_puts(&b, "?msg=");
	escape_url(&b, msg);
	snprintf(rep->location, sizeof(rep->location), "%s", b.data);
	buf_free(&b);
	reply_static(rep, 303, "text/plain; charset=utf-8", "", 0);
	rep->cache = "no-store";
}

/* POST /admin/media: the editor's form without JavaScript. */
static void
page_upload(struct request *req, struct reply *rep)
{
	struct media_info	 mi;
	struct upload		 u;
	const char		*why = NULL;
	char			 name[KBD_MAX_MEDIA_NAME + 1], *msg;

	rep->cache = "no-store";
	if (!staff_auth_transport_ok(req) || staff_auth_who(req) == NULL) {
		snprintf(rep->location, sizeof(rep->location), "/admin/login");
		reply_static(rep, 303, "text/plain; charset=utf-8", "", 0);
		return;
	}
	if (read_upload(req, &u) == -1 || !allowed(req, u.csrf)) {
		error_reply(req, rep, 403, "Diese Anfrage kam nicht aus der "
		    "Verwaltung (CSRF-Schutz). Bitte laden Sie die Seite neu.");
		return;
	}
	if (save(&u, name, sizeof(name), &mi, &why) != 0) {
		back(rep, u.slug, why);
		return;
	}
	msg = xasprintf("Bild gespeichert. Fügen Sie es so in den Text ein: "
	    "![%s](media/%s)", *u.alt != '\0' ? u.alt : "Beschreibung", name);
	back(rep, u.slug, msg);
	free(msg);
}

/*
 * The form beside the editor of slug ("" for a new article): a file
 * field, the picture's description, and the button; static/media.js
 * uploads with it in place and inserts the Markdown at the cursor, and
 * takes files dropped on the text.
 */
void
staff_media_form(struct buf *b, const struct staff *who, const char *slug)
{
	buf_puts(b, "<section class=\"media-upload\">\n<h2>Bild einfügen</h2>\n"
	    "<form id=\"media-form\" method=\"post\" action=\"/admin/media\" "
	    "enctype=\"multipart/form-data\">\n");
	buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	    "<input type=\"hidden\" name=\"slug\" value=\"", who->csrf);
	escape_html(b, slug);
	buf_puts(b, "\">\n<label>Bilddatei (PNG, JPEG, WebP oder GIF, höchstens "
	    STR(KBD_MAX_MEDIA_MB) " MB) <input type=\"file\" name=\"file\" "
	    "id=\"media-file\" "
	    "accept=\"image/png,image/jpeg,image/webp,image/gif\" required>"
	    "</label>\n<label>Beschreibung für Menschen, die das Bild nicht "
	    "sehen (Pflicht) <input type=\"text\" name=\"alt\" id=\"media-alt\" "
	    "maxlength=\"200\" required></label>\n"
	    "<button type=\"submit\">Hochladen und "
	    "einfügen</button>\n<p class=\"meta\" id=\"media-status\" "
	    "role=\"status\"></p>\n</form>\n</section>\n");
}

/*
 * The gate of an upload, from its headers alone (before its body is
 * read): a connection that keeps secrets and a session or an API token.
 * The handlers check the CSRF token once the body is there.
 */
static int
gate(struct request *req, struct reply *rep)
{
	if (staff_auth_transport_ok(req) && staff_auth_who(req) != NULL)
		return 0;
	rep->cache = "no-store";
	if (staff_auth_transport_ok(req) && staff_auth_away(req)) {
		rep->retry_after = 5;
		error_reply(req, rep, 503, "Die gemeinsame Datenbank des "
		    "Clusters (PostgreSQL) ist nicht erreichbar; bitte gleich "
		    "noch einmal versuchen.");
		return -1;
	}
	if (req->api)
		error_reply(req, rep, 401, "not logged in");
	else {
		snprintf(rep->location, sizeof(rep->location), "/admin/login");
		reply_static(rep, 303, "text/plain; charset=utf-8", "", 0);
	}
	return -1;
}

/* The staff's media routes, for route.c (cmd_serve_web adds them). */
const struct route staff_media_routes[] = {
	{ "POST", "/api/admin/media",	api_upload,	NULL, gate, ROUTE_BODY },
	{ "POST", "/admin/media",	page_upload,	NULL, gate, ROUTE_BODY },
};
const size_t staff_media_nroutes = nitems(staff_media_routes);
