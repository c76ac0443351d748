/*
 * reply.c (web): the answers handlers make.  A handler fills a struct
 * reply with a status, a type and a body it owns (reply_text, reply_json,
 * reply_page) or borrows (reply_static); http.c turns it into a response
 * with the headers every answer carries; error.c makes the errors.  Every
 * JSON body is built with jansson, never by printf, so quoting and
 * escaping cannot go wrong; every string that reaches jansson is valid
 * UTF-8 (articles are checked at import, queries are sanitised by
 * search_query.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kbd.h"

#define JSON_TYPE	"application/json; charset=utf-8"
#define HTML_TYPE	"text/html; charset=utf-8"

/* Sets a reply whose body (from buf_detach) the reply now owns. */
void
reply_text(struct reply *rep, unsigned int status, const char *type,
    char *body, size_t len)
{
	rep->status = status;
	rep->type = type;
	rep->body = body;
	rep->len = len;
	rep->body_static = 0;
}

/* Sets a reply whose body outlives the response (a constant). */
void
reply_static(struct reply *rep, unsigned int status, const char *type,
    const char *body, size_t len)
{
	rep->status = status;
	rep->type = type;
	rep->body = (char *)(uintptr_t)body;
	rep->len = len;
	rep->body_static = 1;
}

/*
 * Writes "<", ">" and "&" of JSON text as \u003c, \u003e and \u0026 (as
 * Go's encoding/json does): they can only stand inside strings, so the
 * JSON means the same, and no answer holds markup such as "</script>" or
 * "<img" should a page ever put it into a script element or a browser
 * ever take it for HTML.  Returns s, or a new string (s is then freed).
 */
static char *
html_safe(char *s)
{
	struct buf	 b;
	const char	*p;
	size_t		 n;

	if (s[strcspn(s, "<>&")] == '\0')
		return s;
	buf_init(&b);
	for (p = s; *p != '\0'; p += n + 1) {
		n = strcspn(p, "<>&");
		buf_put(&b, p, n);
		if (p[n] == '\0')
			break;
		buf_puts(&b, p[n] == '<' ? "\\u003c" : p[n] == '>' ?
		    "\\u003e" : "\\u0026");
	}
	free(s);
	return buf_detach(&b, NULL);
}

/* Sets a JSON reply from obj, which this call consumes. */
void
reply_json(struct reply *rep, unsigned int status, json_t *obj)
{
	char	*body;

	body = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (body == NULL) {
		reply_static(rep, 500, JSON_TYPE,
		    "{\"error\":\"internal error\"}", 26);
		return;
	}
	body = html_safe(body);
	reply_text(rep, status, JSON_TYPE, body, strlen(body));
}

/* A JSON string of s; "" rather than nothing if s is not valid UTF-8. */
json_t *
reply_jstr(const char *s)
{
	json_t	*j;

	if ((j = json_string(s)) == NULL)
		j = json_string("");
	return j;
}

/* Splits the '\n'-joined tags into a JSON array. */
json_t *
reply_tags(const char *tags)
{
	json_t		*a = json_array();
	const char	*nl;
	char		*t;

	while (*tags != '\0') {
		nl = strchr(tags, '\n');
		t = xstrndup(tags, nl != NULL ? (size_t)(nl - tags) :
		    strlen(tags));
		json_array_append_new(a, reply_jstr(t));
		free(t);
		if (nl == NULL)
			break;
		tags = nl + 1;
	}
	return a;
}

void
reply_page(struct reply *rep, unsigned int status, struct buf *b)
{
	size_t	 len;
	char	*body = buf_detach(b, &len);

	reply_text(rep, status, HTML_TYPE, body, len);
}

/*
 * Logs a search for query with its results (search_log.c), as req's
 * client's, and notes both in rep so that a cached copy of the answer
 * logs the search again each time it is served (cache.c).
 */
void
reply_logged_search(struct request *req, struct reply *rep,
    const char *query, int64_t results)
{
	unsigned char	 client[16];
	size_t		 n = http_client_address(req, client);

	search_log_add(client, n, query, results);
	snprintf(rep->logq, sizeof(rep->logq), "%.*s",
	    (int)utf8_prefix(query, strlen(query), KBD_LOG_QUERY), query);
	rep->total = results;
}
