/*
 * site.c (web): where the knowledge base stands on the web.  It knows the
 * site's public base URL, which the feed, the sitemap, canonical links,
 * OpenSearch and the embedding snippets need absolute (behind a proxy the
 * address kbd listens on is not the one people use), and which other
 * sites may embed it: read the API from their pages (CORS) and frame
 * /embed/top.  It decides; http.c and route.c write the headers.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kbd.h"

static char		 base[KBD_MAX_URL + 64];	/* no trailing '/' */
static const char	*origins[KBD_MAX_CORS];
static size_t		 norigins;
static int		 any_origin;			/* "*" was given */
static char		 ancestors[KBD_MAX_CORS * (KBD_MAX_URL + 1) + 16];
static const char	*contact_url;		/* or NULL */
static const char	*contact_text;

/*
 * Sets the base URL from cfg->base_url, or from cfg->listen with the port
 * actually bound (port 0 takes any), and the origins that may embed the
 * site.  A base derived from a wildcard address is logged: links made
 * from it lead nowhere.
 */
void
site_init(const struct config *cfg, unsigned short port)
{
	const char	*colon, *host;
	size_t		 i, hostlen, len;

	if (cfg->base_url != NULL) {
		snprintf(base, sizeof(base), "%s", cfg->base_url);
	} else {
		colon = strrchr(cfg->listen, ':');
		host = cfg->listen;
		hostlen = colon != NULL ? (size_t)(colon - host) : strlen(host);
		snprintf(base, sizeof(base), "%s://%.*s:%u", cfg->tls_cert !=
		    NULL ? "https" : "http", (int)hostlen, host, port);
		if (hostlen == 0 || strncmp(host, "0.0.0.0", hostlen) == 0 ||
		    strncmp(host, "[::]", hostlen) == 0 ||
		    strncmp(host, "::", hostlen) == 0)
			log_warnx("absolute links will point at %s; give "
			    "--base-url with the address people use", base);
	}
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	contact_url = cfg->contact_url;
	contact_text = cfg->contact_text != NULL ? cfg->contact_text :
	    "Kontakt aufnehmen";

	norigins = 0;
	any_origin = 0;
	for (i = 0; i < cfg->ncors && i < nitems(origins); i++) {
		if (strcmp(cfg->cors[i], "*") == 0)
			any_origin = 1;
		else
			origins[norigins++] = cfg->cors[i];
	}
	/* The embed docs page previews the iframe: 'self' may always. */
	if (any_origin)
		snprintf(ancestors, sizeof(ancestors), "*");
	else {
		snprintf(ancestors, sizeof(ancestors), "'self'");
		for (i = 0; i < norigins; i++) {
			len = strlen(ancestors);
			snprintf(ancestors + len, sizeof(ancestors) - len,
			    " %s", origins[i]);
		}
	}
}

/* The site's base URL, without a trailing '/'; "" before site_init. */
const char *
site_base(void)
{
	return base;
}

/*
 * The Access-Control-Allow-Origin value for a request from origin (the
 * Origin header, or NULL): "*" when any origin may, the origin when it is
 * one of --cors-origin, NULL when it may not read the answer.
 */
const char *
site_cors(const char *origin)
{
	size_t	 i;

	if (any_origin)
		return "*";
	if (origin == NULL)
		return NULL;
	for (i = 0; i < norigins; i++)
		if (strcasecmp(origin, origins[i]) == 0)
			return origins[i];
	return NULL;
}

/*
 * Do answers under /api/ differ by the Origin of the request?  Then they
 * say "Vary: Origin", so that no shared cache hands one site's answer to
 * another.
 */
int
site_cors_varies(void)
{
	return !any_origin && norigins > 0;
}

/*
 * The i-th origin of --cors-origin other than "*", or NULL past the last;
 * *any says whether "*" was given.
 */
const char *
site_cors_origin(size_t i, int *any)
{
	*any = any_origin;
	return i < norigins ? origins[i] : NULL;
}

/* The CSP frame-ancestors sources of the pages made to be framed. */
const char *
site_frame_ancestors(void)
{
	return ancestors[0] != '\0' ? ancestors : "'self'";
}

/* Where customers reach support (--contact-url), or NULL: nowhere. */
const char *
site_contact_url(void)
{
	return contact_url;
}

/* The words of the contact link (--contact-text). */
const char *
site_contact_text(void)
{
	return contact_text;
}
