/*
 * feedback.c (web): "War dieser Artikel hilfreich?" under every article:
 * the form (Ja, Nein, and after "Nein" an optional comment) and the POST
 * that answers it, /a/<slug>/vote.  It works without JavaScript: the POST
 * is answered 303 back to the article, which then says "Danke!" (and
 * after "Nein" offers the comment field); static/feedback.js sends the
 * same POST with fetch and answers in place.  Which votes count is
 * hits_vote.c's business.
 *
 * No cookie is involved, so cross-site posting is stopped otherwise: the
 * form carries a token signed with a key of the server's
 * (HMAC-SHA-256) for the article and the day it was made, good that day
 * and the next (on a node of a cluster the key is the cluster's and the
 * article is named by its slug, so that any node takes any node's
 * form); a browser's Origin and Sec-Fetch-Site must say the form is this
 * site's own.  An article page is cached a day at most, so its token is
 * always fresh enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "kbd.h"

#define VOTE_KEY_BYTES	crypto_auth_hmacsha256_KEYBYTES
#define TOKEN_MAC	16	/* bytes of the MAC the token shows */

static unsigned char	 key[VOTE_KEY_BYTES];
static int		 by_slug;	/* a cluster's: ids are each node's */

/* The size of the key feedback_init() takes. */
size_t
feedback_key_size(void)
{
	return sizeof(key);
}

/* Sets the key that signs the forms (n bytes).  At start. */
void
feedback_init(const unsigned char *k, size_t n)
{
	assert(n == sizeof(key));
	memcpy(key, k, sizeof(key));
}

/*
 * Signs the forms of a node of a cluster by the article's slug, which
 * all nodes share, not by its id, which is each node's own: with the
 * cluster's key (feedback_init) a form one node made is good on all.
 */
void
feedback_by_slug(void)
{
	by_slug = 1;
}

/* The token of the form for article id (slug) made on day, into out. */
static void
token(char *out, size_t size, int64_t id, const char *slug, int64_t day)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char	 msg[24], mac[crypto_auth_hmacsha256_BYTES];
	char		 hex[2 * TOKEN_MAC + 1];
	int		 i;

	memcpy(msg, "kbd-vote", 8);
	for (i = 0; i < 8; i++) {
		msg[8 + i] = (unsigned char)((uint64_t)id >> (8 * i));
		msg[16 + i] = (unsigned char)((uint64_t)day >> (8 * i));
	}
	if (by_slug) {
		crypto_auth_hmacsha256_init(&st, key, sizeof(key));
		crypto_auth_hmacsha256_update(&st, msg, 8);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)slug,
		    strlen(slug) + 1);
		crypto_auth_hmacsha256_update(&st, msg + 16, 8);
		crypto_auth_hmacsha256_final(&st, mac);
	} else
		crypto_auth_hmacsha256(mac, msg, sizeof(msg), key);
	sodium_bin2hex(hex, sizeof(hex), mac, TOKEN_MAC);
	snprintf(out, size, "%lld-%s", (long long)day, hex);
}

/* Is t a token for article id (slug), made today or yesterday? */
static int
token_ok(const char *t, int64_t id, const char *slug)
{
	char		 want[64], num[16];
	long long	 day;
	int64_t		 today = clock_seconds() / 86400;
	size_t		 n;

	if (t == NULL || (n = strcspn(t, "-")) == 0 || n >= sizeof(num) ||
	    t[n] != '-')
		return 0;
	memcpy(num, t, n);
	num[n] = '\0';
	if (parse_number(num, today - 1, today, &day) == -1)
		return 0;
	token(want, sizeof(want), id, slug, (int64_t)day);
	return strlen(t) == strlen(want) && sodium_memcmp(t, want,
	    strlen(want)) == 0;
}

/*
 * Did the browser send the form from this site?  Sec-Fetch-Site, when
 * sent, must be same-origin; Origin, when sent, must be the site's own
 * (the base URL's, or the Host asked for).  Clients that send neither
 * are left to the token.
 */
static int
same_origin(struct request *req)
{
	const char	*site = http_header(req, "Sec-Fetch-Site");
	const char	*origin = http_header(req, "Origin");
	const char	*host = http_header(req, "Host");
	const char	*base = site_base(), *p;
	size_t		 n;

	if (site != NULL && strcmp(site, "same-origin") != 0)
		return 0;
	if (origin == NULL)
		return 1;
	p = strstr(base, "://");
	n = p != NULL ? (size_t)(p + 3 - base) + strcspn(p + 3, "/") :
	    strlen(base);
	if (strlen(origin) == n && strncmp(origin, base, n) == 0)
		return 1;
	return (p = strstr(origin, "://")) != NULL && host != NULL &&
	    strcmp(p + 3, host) == 0;
}

/*
 * The form under the article slug (id), in the state req's ?hilfreich=
 * says (after a POST without JavaScript): the question; "ja": thanks;
 * "nein": thanks and the comment field; "danke": thanks for the comment.
 */
void
feedback_form(struct buf *b, struct request *req, const char *slug,
    int64_t id)
{
	const char	*state = http_arg(req, "hilfreich");
	char		 t[64];
	int		 ask, comment;

	if (state == NULL)
		state = "";
	ask = strcmp(state, "ja") != 0 && strcmp(state, "nein") != 0 &&
	    strcmp(state, "danke") != 0;
	comment = strcmp(state, "nein") == 0;
	token(t, sizeof(t), id, slug, clock_seconds() / 86400);
	buf_puts(b, "<section class=\"feedback\" id=\"hilfreich\" "
	    "aria-labelledby=\"hilfreich-frage\">\n<h2 id=\"hilfreich-frage\">"
	    "War dieser Artikel hilfreich?</h2>\n");
	if (ask) {
		buf_puts(b, "<form class=\"vote\" method=\"post\" action=\"/a/");
		escape_url(b, slug);
		buf_printf(b, "/vote\">\n<input type=\"hidden\" name=\"t\" "
		    "value=\"%s\">\n<button type=\"submit\" name=\"v\" value="
		    "\"ja\">Ja</button>\n<button type=\"submit\" name=\"v\" "
		    "value=\"nein\">Nein</button>\n</form>\n", t);
	}
	buf_puts(b, "<form class=\"comment\" method=\"post\" action=\"/a/");
	escape_url(b, slug);
	buf_printf(b, "/vote\"%s>\n<input type=\"hidden\" name=\"t\" value="
	    "\"%s\">\n<input type=\"hidden\" name=\"v\" value=\"nein\">\n"
	    "<label for=\"kommentar\">Was hat gefehlt oder war unklar? "
	    "(freiwillig, höchstens %d Zeichen)</label>\n<textarea id="
	    "\"kommentar\" name=\"kommentar\" rows=\"3\" maxlength=\"%d\">"
	    "</textarea>\n<button type=\"submit\">Absenden</button>\n</form>\n",
	    comment ? "" : " hidden", t, KBD_MAX_COMMENT, KBD_MAX_COMMENT);
	buf_printf(b, "<p class=\"status\" role=\"status\">%s</p>\n</section>\n",
	    ask ? "" : strcmp(state, "danke") == 0 ? "Danke für Ihren Hinweis!" :
	    "Danke für Ihre Rückmeldung!");
}

/*
 * A comment as kbd keeps it, in place: plain text, CR LF as LF, other
 * control characters as spaces, without white space at either end.
 * Returns its length in characters.
 */
static size_t
clean_comment(char *s)
{
	char	*r, *w = s, *end;
	size_t	 letters = 0;

	for (r = s; *r != '\0'; r++) {
		if (*r == '\r' && r[1] == '\n')
			continue;
		*w++ = (unsigned char)*r < ' ' && *r != '\n' ? ' ' : *r;
	}
	*w = '\0';
	for (r = s; *r == ' ' || *r == '\n'; r++)
		;
	memmove(s, r, strlen(r) + 1);
	for (end = s + strlen(s); end > s && (end[-1] == ' ' ||
	    end[-1] == '\n'); end--)
		;
	*end = '\0';
	for (r = s; *r != '\0'; r++)
		if (((unsigned char)*r & 0xC0) != 0x80)
			letters++;
	return letters;
}

/* Does the client want JSON (static/feedback.js) rather than a page? */
static int
wants_json(struct request *req)
{
	const char	*accept = http_header(req, "Accept");

	return accept != NULL && strstr(accept, "application/json") != NULL;
}

/*
 * POST /a/<slug>/vote (t, v: ja or nein, kommentar): takes the vote; 303
 * back to the article, or with Accept: application/json 200 and
 * {"counted": ...}.  403 for a stale or foreign form, 404 for an unknown
 * article, 422 for a bad vote or a comment over KBD_MAX_COMMENT
 * characters, 429 for too many votes from one address.
 */
void
feedback_post(struct request *req, struct reply *rep)
{
	struct snapshot	*s;
	struct view	 v;
	unsigned char	 addr[16];
	const char	*slug = req->param[0], *body;
	char		*t = NULL, *vote = NULL, *comment = NULL;
	size_t		 n;
	int64_t		 id;
	int		 helpful, rc;

	req->api = wants_json(req);
	s = snapshot_acquire();
	id = parse_slug(slug, strlen(slug)) ? snapshot_find(s, slug) : -1;
	snapshot_release(s);
	if (id <= 0) {
		error_reply(req, rep, 404, NULL);
		return;
	}
	body = req->body.data != NULL ? req->body.data : "";
	t = parse_form_value(body, req->body.len, "t");
	vote = parse_form_value(body, req->body.len, "v");
	comment = parse_form_value(body, req->body.len, "kommentar");
	if (!same_origin(req) || !token_ok(t, id, slug)) {
		error_reply(req, rep, 403, "Dieses Formular ist veraltet oder "
		    "kommt nicht von dieser Website. Bitte laden Sie den "
		    "Artikel neu und versuchen Sie es noch einmal.");
		goto done;
	}
	if (vote == NULL || (strcmp(vote, "ja") != 0 && strcmp(vote,
	    "nein") != 0)) {
		error_reply(req, rep, 422, "Bitte wählen Sie Ja oder Nein.");
		goto done;
	}
	helpful = strcmp(vote, "ja") == 0;
	if (comment != NULL && clean_comment(comment) > KBD_MAX_COMMENT) {
		error_reply(req, rep, 422, "Der Kommentar ist zu lang "
		    "(höchstens " STR(KBD_MAX_COMMENT) " Zeichen).");
		goto done;
	}
	memset(&v, 0, sizeof(v));
	v.article = id;
	snprintf(v.slug, sizeof(v.slug), "%s", slug);
	v.staff = req->view.staff;
	n = http_client_address(req, addr);
	hits_view_classify(&v, http_header(req, "User-Agent"), NULL, 0, addr,
	    n);
	if ((rc = hits_vote_add(&v, helpful, comment, addr, n)) ==
	    VOTE_LIMITED) {
		rep->retry_after = KBD_VOTE_WINDOW;
		error_reply(req, rep, 429, NULL);
		goto done;
	}
	if (req->api) {
		reply_json(rep, 200, json_pack("{s:b,s:s}", "counted",
		    rc == VOTE_COUNTED, "vote", helpful ? "ja" : "nein"));
	} else {
		snprintf(rep->location, sizeof(rep->location),
		    "/a/%s?hilfreich=%s#hilfreich", slug, comment != NULL &&
		    *comment != '\0' ? "danke" : helpful ? "ja" : "nein");
		reply_static(rep, 303, "text/plain; charset=utf-8", "", 0);
	}
	rep->cache = "no-store";
done:
	free(t);
	free(vote);
	free(comment);
}
