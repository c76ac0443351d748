/*
 * media_http.c (web): GET /media/<name>, the pictures of the articles
 * (media.c).  The type sent is the one the file's bytes show, never one
 * its name claims; a file that is no picture kbd serves (an SVG, a text
 * file named .png) is not found.  A request that names the picture's
 * version (/media/x.png?v=..., as rendered articles do) may keep it for
 * a year: that URL never shows other bytes.  Any other request must ask
 * again, with the ETag.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define MEDIA_FOREVER	"public, max-age=31536000, immutable"
#define MEDIA_ASK	"no-cache"

void
media_serve(struct request *req, struct reply *rep)
{
	struct media_info	 mi;
	struct prebuilt		*pb;
	struct reply		 r;
	const char		*v = http_arg(req, "v");
	char			*data;
	size_t			 len;

	if ((data = media_read(req->param[0], &len, &mi)) == NULL) {
		error_reply(req, rep, errno == ENOENT || errno == EINVAL ?
		    404 : 500, NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	reply_text(&r, 200, mi.type, data, len);
	r.cache = v != NULL && strcmp(v, mi.version) == 0 ? MEDIA_FOREVER :
	    MEDIA_ASK;
	if ((pb = http_prebuild(&r, 0)) == NULL) {
		error_reply(req, rep, 500, NULL);
		return;
	}
	http_queue_prebuilt(req, pb, rep, 0);
	http_prebuilt_free(pb);
}
