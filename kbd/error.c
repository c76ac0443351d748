/*
 * error.c (web): the one place where an error status becomes an answer:
 * JSON ({"error": "..."}) under /api/, a German page in the site's frame
 * elsewhere.  Statuses and their words are one sorted table.
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "kbd.h"

/*
 * What an error status means, for API clients and for people; sorted by
 * status for bsearch.
 */
struct error_text {
	unsigned int	 status;
	const char	*api;
	const char	*page;
};

static const struct error_text errors[] = {
	{ 301, "moved permanently", "Dieser Artikel hat eine neue Adresse." },
	{ 303, "see other", "Weiter geht es auf der nächsten Seite." },
	{ 400, "bad request", "Die Anfrage ist ungültig." },
	{ 401, "login required", "Bitte melden Sie sich an." },
	{ 403, "forbidden", "Das dürfen Sie hier nicht." },
	{ 404, "not found", "Diese Seite gibt es nicht (mehr)." },
	{ 405, "method not allowed", "Diese Anfrage ist hier nicht erlaubt." },
	{ 409, "conflict", "Jemand anderes hat das inzwischen geändert." },
	{ 413, "request body too large", "Die Anfrage ist zu groß." },
	{ 414, "URI too long", "Die Adresse ist zu lang." },
	{ 415, "unsupported media type", "Dieses Dateiformat wird hier nicht "
	    "angenommen." },
	{ 422, "invalid content", "Der Inhalt ist so nicht gültig." },
	{ 429, "too many attempts", "Zu viele Versuche. Bitte warten Sie "
	    "einen Moment." },
	{ 431, "request headers too large", "Die Anfrage hat zu viele oder "
	    "zu lange Kopfzeilen." },
	{ 500, "internal error", "Ein interner Fehler ist aufgetreten." },
	{ 503, "service unavailable", "Die Wissensdatenbank ist gerade nicht "
	    "erreichbar. Bitte versuchen Sie es gleich noch einmal." },
};

static int
error_cmp(const void *key, const void *e)
{
	unsigned int	 a = *(const unsigned int *)key;
	unsigned int	 b = ((const struct error_text *)e)->status;

	return a < b ? -1 : a > b;
}

/*
 * The one place that makes an error status into an answer: JSON
 * ({"error": "..."}) under /api/, a German page elsewhere.  why says
 * what was wrong in words for the client; NULL gives the status's own
 * text.  An unknown status becomes 500.
 */
void
error_reply(struct request *req, struct reply *rep, unsigned int status,
    const char *why)
{
	static const unsigned int	 internal = 500;
	const struct error_text		*e;
	struct buf			 b;

	if ((e = bsearch(&status, errors, nitems(errors), sizeof(*errors),
	    error_cmp)) == NULL)
		e = bsearch(&internal, errors, nitems(errors),
		    sizeof(*errors), error_cmp);
	assert(e != NULL);
	if (req->api) {
		reply_json(rep, e->status, json_pack("{s:s}", "error",
		    why != NULL ? why : e->api));
		return;
	}
	buf_init(&b);
	frame_begin(&b, e->status == 404 ? "Nicht gefunden" : "Fehler", "",
	    0);
	buf_printf(&b, "<h1>%s</h1>\n<p>", e->status == 404 ?
	    "Seite nicht gefunden" : "Das hat nicht geklappt");
	escape_html(&b, why != NULL ? why : e->page);
	buf_puts(&b, "</p>\n<p>Vielleicht hilft die Suche oben weiter, oder "
	    "Sie beginnen auf der <a href=\"/\">Startseite</a>.</p>\n");
	if (e->status == 404)
		frame_contact(&b);
	frame_end(&b);
	reply_page(rep, e->status, &b);
}

/*
 * The HTTP status of a failure that a lower layer reported as errno
 * err: the one place where the kinds of failure become statuses.
 */
unsigned int
error_status(int err)
{
	switch (err) {
	case ENOENT:
		return 404;
	case EEXIST:
		return 409;
	case EINVAL:
		return 422;
	case EACCES:
		return 403;
	case EAGAIN:
		return 429;
	case ESHUTDOWN:
	case EBUSY:
		return 503;
	default:
		return 500;
	}
}
