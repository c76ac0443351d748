/*
 * http.c (web): the HTTP transport, on libmicrohttpd.  MHD runs a pool of
 * worker threads on epoll, one per core by default, with limits on
 * connections, idle time and request memory set from the start.
 * Per-request state is born on the first callback and freed in the
 * completed callback.  What to do with a request is not this file's
 * business: it hands each one to the hooks given to http_start() (the
 * router), and turns the struct reply they fill into a response with the
 * headers every answer carries, so handlers never talk to MHD.
 *
 * A body is read only when the router admits it from the headers alone
 * (the admit hook: a route that takes one, a session that may send it),
 * up to the route's limit, and only while all bodies held together stay
 * within KBD_BODY_BUDGET; any other request that announces a body is
 * answered at once, without reading it, and its connection closed.  An
 * answer that takes long to make (a password check) can be made on
 * another thread: the handler defers it (http_defer), the connection is
 * suspended, and http_resume() sends it.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "kbd.h"

static struct MHD_Daemon	*daemon_;
static struct http_hooks	 hooks;		/* from http_start() */
static atomic_int		 in_flight;	/* requests begun, not done */
static atomic_size_t		 body_bytes;	/* bodies promised, read */
static atomic_int		 draining;	/* http_stop() under way */
static int			 listen_fd = -1;
static int			 listen_v6;
static int			 serve_tls;	/* HTTPS: add HSTS */
static char			*tls_cert, *tls_key;	/* PEM, in memory */

#define MHD_LOG_BURST	10	/* MHD messages written a minute */

/*
 * Content-Security-Policy of every HTML page: no inline script at all.
 * Pages made to be framed (/embed/top) end in the sites that may frame
 * them instead of 'none'.
 */
#define CSP_BASE \
	"default-src 'self'; img-src 'self' data:; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors "
#define CSP_PAGE	CSP_BASE "'none'"

/* What a CORS preflight may ask for: reading, with a conditional GET. */
#define CORS_METHODS	"GET, HEAD, OPTIONS"
#define CORS_HEADERS	"If-None-Match"
#define CORS_MAX_AGE	"86400"

/*
 * MHD's messages are mostly about clients (a request too large, a
 * connection refused over a limit, a client gone); any client can cause
 * them, so at most MHD_LOG_BURST a minute are written, and how many were
 * left out is said with the first message of a later minute.
 */
static void KBD_PRINTF(2, 0)
mhd_log(void *cls, const char *fmt, va_list ap)
{
	static struct log_limit	 limit;
	unsigned int		 before;
	char			 line[512];
	size_t			 n;
	int			 show;

	(void)cls;
	show = log_limit(&limit, MHD_LOG_BURST, &before);
	if (before > 0)
		log_warnx("http: %u more messages of an earlier minute not "
		    "shown", before);
	if (!show)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	log_warnx("http: %s", line);
}

/*
 * Decodes %HH in the path and the query arguments, in place, except %00:
 * a NUL byte would cut "/a/imap%00x" to "/a/imap" in every string
 * function after this, so it stays "%00", which no route and no slug
 * accepts.  Returns the new length.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char	*r = s, *w = s;
	int	 hi, lo;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = parse_hex(r[1])) >= 0 &&
		    (lo = parse_hex(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Returns the value of the query argument name, or NULL. */
const char *
http_arg(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

/* Returns the value of the cookie name, or NULL. */
const char *
http_cookie(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* Is the request on an encrypted connection (kbd's own TLS)? */
int
http_tls(void)
{
	return serve_tls;
}

/*
 * Did the client reach kbd over HTTPS?  Over kbd's own TLS, or through a
 * proxy on this host (a loopback peer, the same rule as X-Real-IP) that
 * says so with "X-Forwarded-Proto: https"; nobody else is believed.
 */
int
http_https(struct request *req)
{
	const char	*proto;

	if (serve_tls)
		return 1;
	return http_loopback(req) && (proto = http_header(req,
	    "X-Forwarded-Proto")) != NULL && strcasecmp(proto, "https") == 0;
}

/* Does the request come from this machine (127.0.0.0/8, ::1)? */
int
http_loopback(struct request *req)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	const struct sockaddr_in6	*s6;

	ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
	    s6->sin6_addr.s6_addr[12] == 127;
}

/* Writes the client's address as text into out. */
void
http_client(struct request *req, char *out, size_t size)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(out, size, "-");
	ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)size);
}

/* Returns the value of the request header name, or NULL. */
const char *
http_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/*
 * Puts the client's address (4 or 16 bytes) into out and returns its
 * length, 0 when there is none.  A proxy on this host (a loopback peer)
 * names the client it serves in X-Real-IP; nobody else is believed.  An
 * IPv4 client of an IPv6 socket (::ffff:a.b.c.d) is given as IPv4.
 */
size_t
http_client_address(struct request *req, unsigned char out[16])
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const char			*real;
	size_t				 n = 0;
	int				 loopback = 0;

	ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return 0;
	if (ci->client_addr->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)ci->client_addr;
		memcpy(out, &sin->sin_addr, n = 4);
		loopback = out[0] == 127;
	} else if (ci->client_addr->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)
		    ci->client_addr;
		memcpy(out, &sin6->sin6_addr, n = 16);
		loopback = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	if (loopback && (real = http_header(req, "X-Real-IP")) != NULL) {
		if (inet_pton(AF_INET, real, out) == 1)
			return 4;
		if (inet_pton(AF_INET6, real, out) == 1)
			n = 16;
	}
	if (n == 16 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)
	    (const void *)out)) {
		memmove(out, out + 12, 4);
		n = 4;
	}
	return n;
}

/* Writes the client's address as http_client_address() finds it. */
void
http_client_text(struct request *req, char *out, size_t size)
{
	unsigned char	 a[16];
	size_t		 n = http_client_address(req, a);

	snprintf(out, size, "-");
	if (n == 4 || n == 16)
		inet_ntop(n == 4 ? AF_INET : AF_INET6, a, out,
		    (socklen_t)size);
}


/*
 * Adds what a browser must know of an HTML page (also to its 304): the
 * CSP, and that no other site may frame it, unless it is made to be
 * framed (/embed/top) by the sites of --cors-origin.
 */
static int
page_policy(struct MHD_Response *resp, int framable)
{
	char	 csp[sizeof(CSP_BASE) + KBD_MAX_CORS * (KBD_MAX_URL + 1) + 16];

	if (framable) {
		/* X-Frame-Options cannot name sites; CSP supersedes it. */
		snprintf(csp, sizeof(csp), "%s%s", CSP_BASE,
		    site_frame_ancestors());
		return MHD_add_response_header(resp, "Content-Security-Policy",
		    csp) == MHD_YES ? 0 : -1;
	}
	if (MHD_add_response_header(resp, "Content-Security-Policy",
	    CSP_PAGE) != MHD_YES || MHD_add_response_header(resp,
	    "X-Frame-Options", "DENY") != MHD_YES)
		return -1;
	return 0;
}

/* Adds the headers every answer carries, and rep's own. */
static int
add_headers(struct MHD_Response *resp, const struct reply *rep, int vary)
{
	int	 ok = 1;

	if (rep->type != NULL)
		ok &= MHD_add_response_header(resp, "Content-Type",
		    rep->type) == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Content-Type-Options",
	    "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(resp, "Referrer-Policy",
	    "strict-origin-when-cross-origin") == MHD_YES;
	if (rep->type != NULL && strncmp(rep->type, "text/html", 9) == 0 &&
	    page_policy(resp, rep->framable) == -1)
		ok = 0;
	if (rep->cors != NULL)
		ok &= MHD_add_response_header(resp,
		    "Access-Control-Allow-Origin", rep->cors) == MHD_YES;
	if (rep->cors != NULL && rep->preflight) {
		ok &= MHD_add_response_header(resp,
		    "Access-Control-Allow-Methods", CORS_METHODS) == MHD_YES;
		ok &= MHD_add_response_header(resp,
		    "Access-Control-Allow-Headers", CORS_HEADERS) == MHD_YES;
		ok &= MHD_add_response_header(resp,
		    "Access-Control-Max-Age", CORS_MAX_AGE) == MHD_YES;
	}
	if (rep->cache != NULL)
		ok &= MHD_add_response_header(resp, "Cache-Control",
		    rep->cache) == MHD_YES;
	if (rep->etag != NULL)
		ok &= MHD_add_response_header(resp, "ETag", rep->etag) ==
		    MHD_YES;
	if (rep->modified != NULL)
		ok &= MHD_add_response_header(resp, "Last-Modified",
		    rep->modified) == MHD_YES;
	if (rep->allow[0] != '\0')
		ok &= MHD_add_response_header(resp, "Allow", rep->allow) ==
		    MHD_YES;
	if (serve_tls)
		ok &= MHD_add_response_header(resp,
		    "Strict-Transport-Security", "max-age=31536000") ==
		    MHD_YES;
	if (rep->location[0] != '\0')
		ok &= MHD_add_response_header(resp, "Location",
		    rep->location) == MHD_YES;
	if (rep->cookie[0] != '\0')
		ok &= MHD_add_response_header(resp, "Set-Cookie",
		    rep->cookie) == MHD_YES;
	if (rep->retry_after > 0) {
		char	 secs[16];

		snprintf(secs, sizeof(secs), "%u", rep->retry_after);
		ok &= MHD_add_response_header(resp, "Retry-After", secs) ==
		    MHD_YES;
	}
	if (vary || rep->cors_vary)
		ok &= MHD_add_response_header(resp, "Vary", vary &&
		    rep->cors_vary ? "Accept-Encoding, Origin" : vary ?
		    "Accept-Encoding" : "Origin") == MHD_YES;
	if (rep->close)
		ok &= MHD_add_response_header(resp, "Connection", "close") ==
		    MHD_YES;
	return ok ? 0 : -1;
}

/* Sets rep's status and body, which it owns unless borrowed. */
static void
set_body(struct reply *rep, unsigned int status, const char *body,
    size_t len, int borrowed)
{
	rep->status = status;
	rep->body = (char *)(uintptr_t)body;
	rep->len = len;
	rep->body_static = borrowed;
}

/*
 * Makes the MHD response for rep with its headers.  The body is taken
 * over (or borrowed when body_static); on failure it is freed and NULL
 * returned.
 */
static struct MHD_Response *
make_response(struct reply *rep, int vary)
{
	struct MHD_Response	*resp;

	if (rep->body == NULL)
		set_body(rep, rep->status ? rep->status : 500, "", 0, 1);
	if (rep->body_static)
		resp = MHD_create_response_from_buffer(rep->len, rep->body,
		    MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer_with_free_callback(
		    rep->len, rep->body, free);
	if (resp == NULL) {
		if (!rep->body_static)
			free(rep->body);
		return NULL;
	}
	if (add_headers(resp, rep, vary) == -1) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

static enum MHD_Result
send_reply(struct request *req, struct reply *rep)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	unsigned int		 status = rep->status ? rep->status : 500;
	size_t			 len = rep->len;

	if ((resp = make_response(rep, 0)) == NULL)
		return MHD_NO;
	req->status = status;
	req->bytes = len;
	ret = MHD_queue_response(req->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * An answer kept ready: the response, its gzip form when that is
 * smaller, and the 304 for a client that has it.  MHD responses can be
 * queued any number of times; MHD counts their users.
 *
 * An answer made for one request (see http_prebuild()) may get its gzip
 * form only when a second request that takes gzip asks for it: most of
 * the searches customers type are asked once, and compressing each (a
 * sixth of an uncached search's time) would buy nothing.  That form is
 * made by the one request that wins zipping, under the caller's lock
 * that keeps pb alive, and published with the pointer: readers see
 * either no gzip form or a whole one.
 */
struct prebuilt {
	struct MHD_Response	*plain;
	_Atomic(struct MHD_Response *) gzip;	/* or NULL */
	struct MHD_Response	*not_modified;
	const char		*body;		/* plain's, for a later gzip */
	atomic_flag		 zipping;	/* set: made, tried or not due */
	unsigned int		 status;
	size_t			 len;
	size_t			 gzip_len;	/* set before gzip */
	char			 etag[24];
	char			 weak_etag[26];	/* of the gzip form */
};

/* Copies one header of the plain form to the gzip form (cls). */
static enum MHD_Result
copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	if (strcasecmp(key, "ETag") == 0)
		return MHD_YES;
	return MHD_add_response_header(cls, key, value);
}

/*
 * Makes pb's gzip form from its plain one: the same headers but a weak
 * ETag (another encoding is another representation: W/ as nginx does)
 * and Content-Encoding.  Returns the bytes it added, 0 when there is no
 * gzip form (not smaller, or zlib or MHD failed).
 */
static size_t
make_gzip(struct prebuilt *pb)
{
	struct MHD_Response	*resp;
	char			*z;
	size_t			 zlen;

	if ((z = gzip_compress(pb->body, pb->len, &zlen)) == NULL)
		return 0;
	if ((resp = MHD_create_response_from_buffer_with_free_callback(zlen,
	    z, free)) == NULL) {
		free(z);
		return 0;
	}
	if (MHD_get_response_headers(pb->plain, copy_header, resp) < 0 ||
	    MHD_add_response_header(resp, "ETag", pb->weak_etag) != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Encoding", "gzip") !=
	    MHD_YES) {
		MHD_destroy_response(resp);
		return 0;
	}
	pb->gzip_len = zlen;
	atomic_store_explicit(&pb->gzip, resp, memory_order_release);
	return zlen;
}

/*
 * Makes rep (status 200, a body it owns or borrows) into a prebuilt
 * answer with an ETag from its content.  Takes over rep's body.  With
 * zip_later, the gzip form waits for a request that asks again (see
 * http_queue_prebuilt()); else it is made now.  Returns NULL when MHD
 * fails.
 */
struct prebuilt *
http_prebuild(struct reply *rep, int zip_later)
{
	struct prebuilt	*pb;
	struct reply	 nm;
	unsigned char	 hash[8];
	char		 hex[17];
	int		 vary;

	pb = xcalloc(1, sizeof(*pb));
	atomic_init(&pb->gzip, NULL);
	atomic_flag_clear(&pb->zipping);
	pb->status = rep->status;
	pb->len = rep->len;
	pb->body = rep->body;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)
	    rep->body, rep->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(pb->etag, sizeof(pb->etag), "\"%s\"", hex);
	snprintf(pb->weak_etag, sizeof(pb->weak_etag), "W/%s", pb->etag);
	rep->etag = pb->etag;
	vary = gzip_worth(rep->type, rep->len);
	nm = *rep;
	if ((pb->plain = make_response(rep, vary)) == NULL)
		goto fail;
	if (!vary || !zip_later) {
		atomic_flag_test_and_set(&pb->zipping);
		if (vary)
			make_gzip(pb);
	}
	set_body(&nm, 304, "", 0, 1);
	nm.type = NULL;
	if ((pb->not_modified = make_response(&nm, vary)) == NULL ||
	    (rep->type != NULL && strncmp(rep->type, "text/html", 9) == 0 &&
	    page_policy(pb->not_modified, rep->framable) == -1))
		goto fail;
	return pb;
fail:
	http_prebuilt_free(pb);
	return NULL;
}

void
http_prebuilt_free(struct prebuilt *pb)
{
	struct MHD_Response	*gz;

	if (pb == NULL)
		return;
	if (pb->plain != NULL)
		MHD_destroy_response(pb->plain);
	if ((gz = atomic_load(&pb->gzip)) != NULL)
		MHD_destroy_response(gz);
	if (pb->not_modified != NULL)
		MHD_destroy_response(pb->not_modified);
	free(pb);
}

size_t
http_prebuilt_size(const struct prebuilt *pb)
{
	return sizeof(*pb) + pb->len + (atomic_load_explicit(&pb->gzip,
	    memory_order_acquire) != NULL ? pb->gzip_len : 0);
}

const char *
http_prebuilt_etag(const struct prebuilt *pb)
{
	return pb->etag;
}

/* Does the client take gzip?  "gzip;q=0" is a no. */
static int
accepts_gzip(struct request *req)
{
	const char	*ae = http_header(req, "Accept-Encoding");
	const char	*g;

	if (ae == NULL || (g = strstr(ae, "gzip")) == NULL)
		return 0;
	g += 4;
	while (*g == ' ')
		g++;
	return !(strncmp(g, ";q=0", 4) == 0 && (g[4] == '\0' || g[4] == ',' ||
	    strncmp(g + 4, ".0", 2) == 0));
}

/*
 * Answers req with pb: 304 when the client has this version (its
 * If-None-Match names our ETag), gzip when it takes it.  With may_zip,
 * a request that takes gzip makes pb's gzip form if it was left for
 * later (the caller's lock keeps pb alive meanwhile).  Marks rep as
 * answered.  Returns the bytes a gzip form made now added to pb.
 */
size_t
http_queue_prebuilt(struct request *req, struct prebuilt *pb,
    struct reply *rep, int may_zip)
{
	const char		*inm = http_header(req, "If-None-Match");
	struct MHD_Response	*resp = pb->plain, *gz;
	size_t			 grew = 0;

	req->status = pb->status;
	req->bytes = pb->len;
	if (inm != NULL && (strstr(inm, pb->etag) != NULL ||
	    strcmp(inm, "*") == 0)) {
		resp = pb->not_modified;
		req->status = 304;
		req->bytes = 0;
	} else if (accepts_gzip(req)) {
		gz = atomic_load_explicit(&pb->gzip, memory_order_acquire);
		if (gz == NULL && may_zip &&
		    !atomic_flag_test_and_set(&pb->zipping) &&
		    (grew = make_gzip(pb)) > 0)
			gz = atomic_load_explicit(&pb->gzip,
			    memory_order_acquire);
		if (gz != NULL) {
			resp = gz;
			req->bytes = pb->gzip_len;
		}
	}
	rep->result = MHD_queue_response(req->conn, req->status, resp);
	rep->queued = 1;
	return grew;
}

/* Adds the bytes of one header or argument (a line of them) to *cls. */
static enum MHD_Result
add_size(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t	*n = cls;

	(void)kind;
	*n += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* How a request says where its body ends. */
struct framing {
	const char	*length;	/* the Content-Length, or NULL */
	int		 lengths_differ;	/* given twice, not alike */
	int		 chunked;	/* Transfer-Encoding given */
};

static enum MHD_Result
note_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing	*f = cls;

	(void)kind;
	if (value == NULL)
		value = "";
	if (strcasecmp(key, "Content-Length") == 0) {
		if (f->length != NULL && strcmp(f->length, value) != 0)
			f->lengths_differ = 1;
		f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0)
		f->chunked = 1;
	return MHD_YES;
}

/*
 * Can the request be served at all?  Returns the status to refuse it
 * with, or 0.  MHD itself refuses (414, 431) what does not fit in its
 * pool of KBD_CONN_MEMORY; these limits are well below that, so the
 * answer has room, and it is kbd's own, with its headers.  The path and
 * the arguments are measured decoded.  A body whose end two headers
 * say differently (two Content-Lengths, or one with Transfer-Encoding)
 * is refused: a proxy in front may read the other one, and what kbd
 * took for the next request would be smuggled past it.  Sets *body to
 * the length of the body the request announces (-1: chunked, 0: none).
 */
static unsigned int
refusal(struct request *req, long long *body)
{
	struct framing	 f;
	size_t		 uri = strlen(req->path), headers = 0;

	*body = 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_size,
	    &uri);
	if (uri > KBD_MAX_URI)
		return 414;
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, add_size,
	    &headers);
	if (headers > KBD_MAX_HEADERS)
		return 431;
	memset(&f, 0, sizeof(f));
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, note_framing,
	    &f);
	if (f.lengths_differ || (f.length != NULL && f.chunked))
		return 400;
	if (f.chunked) {
		*body = -1;
		return 0;
	}
	/* MHD has refused a Content-Length that is not a number. */
	if (f.length != NULL && parse_number(f.length, 0, KBD_MAX_BODY,
	    body) == -1)
		return 413;
	return 0;
}

/*
 * Takes n more bytes of the bodies' budget for req.  Returns 0, or -1
 * when all bodies together would hold more than KBD_BODY_BUDGET.
 */
static int
reserve(struct request *req, size_t n)
{
	size_t	 held = atomic_load(&body_bytes);

	do {
		if (n > KBD_BODY_BUDGET || held > KBD_BODY_BUDGET - n)
			return -1;
	} while (!atomic_compare_exchange_weak(&body_bytes, &held, held + n));
	req->body_reserved += n;
	return 0;
}

/*
 * Answers req, whose headers are all that was read, with rep, and closes
 * the connection after it: a body the client may send is not read.
 */
static enum MHD_Result
refuse_with(struct request *req, struct reply *rep)
{
	req->refused = 1;
	rep->close = 1;
	return send_reply(req, rep);
}

/* The same with the router's error page for status. */
static enum MHD_Result
refuse(struct request *req, unsigned int status)
{
	struct reply	 rep;

	memset(&rep, 0, sizeof(rep));
	hooks.error(req, &rep, status);
	if (status == 503)
		rep.retry_after = 1;
	return refuse_with(req, &rep);
}

/*
 * The headers of req are read and it announces a body of len bytes (-1:
 * chunked, length unknown).  The router admits it or answers it; the
 * budget must have room for a body of known length.  Returns what the
 * access handler returns.
 */
static enum MHD_Result
admit_body(struct request *req, long long len)
{
	struct reply	 rep;

	memset(&rep, 0, sizeof(rep));
	req->body_max = 0;
	if (hooks.admit == NULL)
		req->body_max = KBD_MAX_BODY;
	else if (hooks.admit(req, &rep) == -1)
		return refuse_with(req, &rep);
	assert(req->body_max <= KBD_MAX_BODY);
	if (len > 0 && (size_t)len > req->body_max)
		return refuse(req, 413);
	if (len > 0 && reserve(req, (size_t)len) == -1) {
		log_debug("bodies' budget spent: %zu bytes refused",
		    (size_t)len);
		return refuse(req, 503);
	}
	return MHD_YES;
}

/*
 * Keeps size more bytes of req's body, within the route's limit and the
 * budget (a chunked body takes its share as it comes).  Returns -1 when
 * the body is refused: MHD 0.9.75 cannot answer in the middle of a body,
 * so the connection is closed.
 */
static int
keep_body(struct request *req, const char *data, size_t size)
{
	size_t	 want = req->body.len + size;

	if (want > req->body_max)
		return -1;
	if (want > req->body_reserved && reserve(req, want -
	    req->body_reserved) == -1)
		return -1;
	buf_put(&req->body, data, size);
	return 0;
}

/*
 * Has the handler deferred the answer (http_defer)?  Then the connection
 * waits, suspended, and the work is handed over.
 */
static int
deferred(struct request *req)
{
	void	(*start)(void *) = req->later_start;

	if (start == NULL)
		return 0;
	req->later_start = NULL;
	MHD_suspend_connection(req->conn);
	start(req->later_arg);
	return 1;
}

/*
 * For a handler: req will be answered later, from another thread.  The
 * handler leaves its struct reply alone and returns; once the connection
 * is suspended, start(arg) is called, on this thread, to hand the work
 * over, and whoever does it calls http_resume() once.  The request stays
 * in flight (http_stop waits for it) until then.
 */
void
http_defer(struct request *req, void (*start)(void *arg), void *arg)
{
	assert(req->later_start == NULL && req->later == NULL);
	req->later_start = start;
	req->later_arg = arg;
}

/*
 * Answers req, which a handler deferred, with rep (whose body is taken
 * over).  From any thread; once per deferred request.
 */
void
http_resume(struct request *req, struct reply *rep)
{
	struct reply	*later = xmalloc(sizeof(*later));

	*later = *rep;
	req->later = later;
	MHD_resume_connection(req->conn);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct request	*req = *state;
	struct reply	 rep;
	unsigned int	 status;
	long long	 body;

	(void)cls;
	if (req == NULL) {
		req = xcalloc(1, sizeof(*req));
		req->start = clock_us();
		req->conn = conn;
		req->method = method;
		req->version = version;
		req->path = url;
		req->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		req->api = strncmp(url, "/api/", 5) == 0;
		*state = req;
		atomic_fetch_add(&in_flight, 1);
		if ((status = refusal(req, &body)) != 0)
			return refuse(req, status);
		if (body != 0)
			return admit_body(req, body);
		return MHD_YES;
	}
	if (req->later != NULL) {
		/* Resumed: the deferred answer is here. */
		rep = *req->later;
		free(req->later);
		req->later = NULL;
		return send_reply(req, &rep);
	}
	if (req->refused) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		req->too_large = keep_body(req, upload, *upload_size) == -1;
		*upload_size = 0;
		return req->too_large ? MHD_NO : MHD_YES;
	}
	memset(&rep, 0, sizeof(rep));
	hooks.dispatch(req, &rep);
	if (deferred(req))
		return MHD_YES;
	if (rep.queued)
		return (enum MHD_Result)rep.result;
	return send_reply(req, &rep);
}

/*
 * The request's end: the hook learns whether its answer went out whole
 * (what counts a view must know), unless it never got an answer (the
 * client left first).
 */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode toe)
{
	struct request	*req = *state;

	(void)cls;
	(void)conn;
	if (req == NULL)
		return;
	if (req->status != 0)
		hooks.completed(req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
	atomic_fetch_sub(&in_flight, 1);
	atomic_fetch_sub(&body_bytes, req->body_reserved);
	buf_free(&req->body);
	if (req->later != NULL)
		free(req->later->body_static ? NULL : req->later->body);
	free(req->later);
	free(req);
	*state = NULL;
}

/* Resolves "host:port" or "[v6]:port" into *ss.  Returns 0 or -1. */
static int
resolve(const char *listen, struct sockaddr_storage *ss, int *v6,
    const char **errstr)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon = strrchr(listen, ':');
	char		*host;
	int		 rc;

	if (colon == NULL) {
		*errstr = "--listen wants ADDR:PORT";
		return -1;
	}
	if (listen[0] == '[' && colon > listen && colon[-1] == ']')
		host = xstrndup(listen + 1, (size_t)(colon - listen - 2));
	else
		host = xstrndup(listen, (size_t)(colon - listen));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	free(host);
	if (rc != 0) {
		*errstr = gai_strerror(rc);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

/* Reads a PEM file whole; MHD wants the text, NUL-terminated. */
static char *
read_pem(const char *what, const char *path, char *why, size_t size)
{
	char	*text;
	size_t	 len;

	if ((text = file_read_at(AT_FDCWD, path, 1 << 20, &len)) == NULL) {
		snprintf(why, size, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (strlen(text) != len || strstr(text, "-----BEGIN ") == NULL) {
		snprintf(why, size, "%s %s: not a PEM file", what, path);
		free(text);
		return NULL;
	}
	return text;
}

/* Loads the certificate and key for HTTPS, if there are any. */
static int
tls_load(const struct config *cfg, const char **errstr)
{
	static char	 why[512];

	*errstr = why;
	if (cfg->tls_cert == NULL)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(why, sizeof(why), "--tls-cert: this libmicrohttpd "
		    "was built without TLS");
		return -1;
	}
	if ((tls_cert = read_pem("--tls-cert", cfg->tls_cert, why,
	    sizeof(why))) == NULL ||
	    (tls_key = read_pem("--tls-key", cfg->tls_key, why,
	    sizeof(why))) == NULL)
		return -1;
	return 0;
}

/*
 * Reads the TLS files and opens the listening socket for cfg->listen
 * before anything else starts, so that a certificate that cannot be read
 * or an address in use is one clear error.  Stores the port bound (useful
 * with port 0) in *port.  Returns 0, or -1 with a reason in *errstr.
 */
int
http_listen(const struct config *cfg, unsigned short *port,
    const char **errstr)
{
	static char		 why[256];
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	const char		*reason;
	int			 fd, on = 1;

	serve_tls = cfg->tls_cert != NULL;
	if (tls_load(cfg, errstr) == -1)
		return -1;
	*errstr = why;
	if (resolve(cfg->listen, &ss, &listen_v6, &reason) == -1) {
		snprintf(why, sizeof(why), "--listen %s: %s", cfg->listen,
		    reason);
		return -1;
	}
	len = listen_v6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 511) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(why, sizeof(why), "--listen %s: %s", cfg->listen,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	*port = ntohs(listen_v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	listen_fd = fd;
	return 0;
}

/*
 * Raises the soft limit of open files (often 1024) to what
 * KBD_CONN_LIMIT connections need besides spare descriptors (database,
 * static files, logs), as far as the hard limit allows.  Returns the
 * connections kbd can take, and says so once when that is fewer.
 */
static unsigned int
connection_limit(unsigned int spare)
{
	struct rlimit	 rl;
	rlim_t		 want = (rlim_t)KBD_CONN_LIMIT + spare;
	unsigned int	 n;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return KBD_CONN_LIMIT;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max != RLIM_INFINITY &&
		    rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return KBD_CONN_LIMIT;
	n = rl.rlim_cur > 2 * spare ? (unsigned int)(rl.rlim_cur - spare) :
	    (unsigned int)rl.rlim_cur / 2;
	log_warnx("open files are limited to %llu: at most %u connections "
	    "(raise LimitNOFILE)", (unsigned long long)rl.rlim_cur, n);
	return n;
}

/* MHD's accept policy: while http_stop() drains, no new connections. */
static enum MHD_Result
refuse_while_draining(void *cls, const struct sockaddr *addr,
    socklen_t addrlen)
{
	(void)cls;
	(void)addr;
	(void)addrlen;
	return atomic_load(&draining) ? MHD_NO : MHD_YES;
}

/*
 * Starts serving on the socket http_listen() opened, over HTTPS when cfg
 * has a certificate.  Returns 0, or -1 with a reason in *errstr.
 */
int
http_start(const struct config *cfg, const struct http_hooks *h,
    const char **errstr)
{
	unsigned int	 threads = cfg->threads;
	unsigned int	 flags, conns, per_ip;
	long		 ncpu;

	assert(h->dispatch != NULL && h->completed != NULL &&
	    h->error != NULL);
	hooks = *h;
	if (threads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu > 0 && ncpu < 256 ? (unsigned int)ncpu : 2;
	}
	/* Each worker thread has a database reader: file, WAL, index. */
	conns = connection_limit(KBD_FILES_SPARE + 4 * threads);
	per_ip = conns < KBD_CONN_PER_IP ? conns : KBD_CONN_PER_IP;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
	    (listen_v6 ? MHD_USE_IPv6 : 0);
	if (tls_cert != NULL)
		flags |= MHD_USE_TLS;
	/* Without TLS the two key options are skipped by MHD_OPTION_ARRAY. */
	daemon_ = MHD_start_daemon(flags, 0, refuse_while_draining, NULL,
	    on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, (struct MHD_OptionItem[]) {
		{ tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
		  tls_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, tls_key },
		{ MHD_OPTION_END, 0, NULL } },
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)KBD_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)KBD_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (daemon_ == NULL) {
		*errstr = tls_cert ? "the HTTPS server could not start (does "
		    "the key match the certificate?)" :
		    "the HTTP server could not start";
		return -1;
	}
	return 0;
}

/*
 * Stops accepting, lets the requests under way finish (for at most
 * KBD_DRAIN_SECONDS: a client that reads too slowly is not waited for
 * beyond that) and stops.  Idle keep-alive connections are closed.
 * While it drains, a new connection is closed as soon as it is accepted
 * (refuse_while_draining()).  Quiescing the daemon would close the
 * listening socket instead, but libmicrohttpd 0.9.75 may then abort:
 * with a thread pool and epoll, MHD_quiesce_daemon() and a busy worker
 * can both take the socket out of the worker's epoll set, and the one
 * that comes second panics on ENOENT (t0019 saw kbd die of SIGABRT).
 */
void
http_stop(void)
{
	const struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	int			 i;

	if (daemon_ != NULL) {
		atomic_store(&draining, 1);
		for (i = 0; i < KBD_DRAIN_SECONDS * 100 &&
		    atomic_load(&in_flight) > 0; i++)
			nanosleep(&tick, NULL);
		MHD_stop_daemon(daemon_);	/* closes listen_fd too */
		daemon_ = NULL;
		listen_fd = -1;
	}
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	if (tls_key != NULL)
		sodium_memzero(tls_key, strlen(tls_key));
	free(tls_key);
	free(tls_cert);
	tls_key = tls_cert = NULL;
}

/*
 * Reads the query argument name as a number in [min, max]: absent gives
 * def, a larger number (of any size) gives max.  Returns 0, or -1 when it
 * is not a number or below min.
 */
int
http_arg_number(struct request *req, const char *name, int def, int min,
    int max, int *out)
{
	const char	*s = http_arg(req, name);
	long long	 v;

	if (s == NULL || *s == '\0') {
		*out = def;
		return 0;
	}
	if (s[strspn(s, "0123456789")] != '\0')
		return -1;
	if (strlen(s) > 18)	/* all digits, larger than anything asked */
		v = LLONG_MAX;
	else if (parse_number(s, 0, LLONG_MAX, &v) == -1)
		return -1;
	if (v < min)
		return -1;
	*out = v > max ? max : (int)v;
	return 0;
}
