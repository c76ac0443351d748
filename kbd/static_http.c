/*
 * static_http.c (web): the answers for /static/<path> and /favicon.ico,
 * from the files static.c keeps in memory.  A request that names the
 * file's version ("style.css?v=1a2b3c4d", as kbd's pages do) may keep it
 * for a year; any other for an hour.
 */
#include <string.h>

#include "kbd.h"

/*
 * /favicon.ico, which browsers ask for on their own: the static file
 * favicon.ico (the pages link its versioned form).
 */
void
static_favicon(struct request *req, struct reply *rep)
{
	struct prebuilt	*pb = static_answer("favicon.ico", NULL);

	if (pb == NULL)
		error_reply(req, rep, 404, NULL);
	else
		http_queue_prebuilt(req, pb, rep, 0);
}

void
static_serve(struct request *req, struct reply *rep)
{
	struct prebuilt	*pb = static_answer(req->tail,
	    http_arg(req, "v"));

	if (pb == NULL)
		error_reply(req, rep, 404, NULL);
	else
		http_queue_prebuilt(req, pb, rep, 0);
}
