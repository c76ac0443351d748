/*
 * fuzz_http.c: raw bytes as an HTTP request to the real server, started
 * in this process as main.c starts it (listening on a free port of
 * 127.0.0.1, a temporary database, a few articles, the repository's
 * static/).  Each input goes over a fresh TCP connection: the request
 * line and URL (%-escapes, %00, dot segments), the query string of the
 * search, suggest and article routes, headers, cookies, chunked and
 * Content-Length bodies, pipelined requests.  An input without an empty
 * line gets one, so that most inputs make a whole request.  The write
 * side is then shut, the answer read until the server closes (at most a
 * second; 50 ms once it pauses), and the connection reset.  Every answer
 * must be HTTP/1.x; kbd must never answer 500 itself (which would mean a
 * query that FTS5 refused); an HTML answer may hold only the tags kbd
 * writes and no event handler attribute, so nothing from the request is
 * reflected unescaped.  Every 50 inputs, and at the end, the server must
 * still answer GET /healthz with 200.  With $FUZZ_VERBOSE set, the
 * status line of each answer goes to stderr.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "fuzz.h"

#define CHECK_EVERY	50	/* inputs between two /healthz checks */
#define ANSWER_MAX	4096	/* bytes of an answer kept for checks */
#define SHUT_DELAY_MS	5	/* wait before shutting the write side */
#define GAP_MS		50	/* an answer that pauses this long is done */

static struct config	 cfg;
static unsigned short	 port;
static unsigned long	 inputs;
static int		 verbose;	/* $FUZZ_VERBOSE: show answers */
static char		 articles[300], dbpath[300];

/*
 * Opens a connection to the server.  Reads and writes give up after
 * timeout_ms; closing resets the connection instead of leaving it in
 * TIME_WAIT, so that a long run does not use up the local ports.
 */
static int
connect_server(int timeout_ms)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv;
	struct linger		 lg;
	struct pollfd		 pfd;
	socklen_t		 len;
	int			 fd, err = 0;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("socket");
		abort();
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	lg.l_onoff = 1;
	lg.l_linger = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1) {
		perror("setsockopt");
		abort();
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		/* libFuzzer's timer (SIGALRM) may interrupt: wait it out. */
		pfd.fd = fd;
		pfd.events = POLLOUT;
		len = sizeof(err);
		if (errno != EINTR || poll(&pfd, 1, timeout_ms) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0) {
			if (err != 0)
				errno = err;
			perror("connect to the server");
			abort();
		}
	}
	return fd;
}

static void
send_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return;	/* the server may close early: fine */
		}
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Sends req[0..len) (and end, if not NULL), shuts the write side and
 * reads the answer until the server closes, or GAP_MS pass without more
 * of it, or timeout_ms without any.  Keeps the first ANSWER_MAX - 1
 * bytes, NUL-terminated, in answer.  Returns the bytes read.
 */
static size_t
exchange(const void *req, size_t len, const char *end, int timeout_ms,
    char *answer)
{
	struct pollfd	 pfd;
	char		 chunk[8192];
	size_t		 total = 0, keep;
	ssize_t		 n;
	int64_t		 deadline, wait;
	int		 fd, r;

	fd = connect_server(timeout_ms);
	send_all(fd, req, len);
	if (end != NULL)
		send_all(fd, end, strlen(end));
	/*
	 * MHD (0.9.75, epoll) reads once per wakeup: a FIN that comes in
	 * the same segment as the request goes unnoticed, and the
	 * connection then waits for its idle timeout.  So give the server
	 * a moment to read (it usually answers within it) before shutting
	 * the write side; a FIN on its own makes MHD close when done.  It
	 * still misses one now and then: hence the gap below.
	 */
	pfd.fd = fd;
	pfd.events = POLLIN;
	(void)poll(&pfd, 1, SHUT_DELAY_MS);
	shutdown(fd, SHUT_WR);
	deadline = clock_us() / 1000 + timeout_ms;
	for (;;) {
		wait = deadline - clock_us() / 1000;
		if (total > 0 && wait > GAP_MS)
			wait = GAP_MS;
		if (wait <= 0)
			break;
		if ((r = poll(&pfd, 1, (int)wait)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if ((n = recv(fd, chunk, sizeof(chunk), 0)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* closed or reset */
		if (total < ANSWER_MAX - 1) {
			keep = ANSWER_MAX - 1 - total;
			if (keep > (size_t)n)
				keep = (size_t)n;
			memcpy(answer + total, chunk, keep);
		}
		total += (size_t)n;
	}
	close(fd);
	answer[total < ANSWER_MAX - 1 ? total : ANSWER_MAX - 1] = '\0';
	return total;
}

/* Does the server still answer /healthz with 200?  Aborts if not. */
static void
check_alive(void)
{
	static const char	 req[] = "GET /healthz HTTP/1.1\r\n"
	    "Host: fuzz\r\nConnection: close\r\n\r\n";
	char			 answer[ANSWER_MAX];
	int			 try;

	for (try = 0; try < 3; try++) {
		exchange(req, sizeof(req) - 1, NULL, 5000, answer);
		if (strncmp(answer, "HTTP/1.1 200 ", 13) == 0)
			return;
	}
	fprintf(stderr, "fuzz_http: the server no longer answers /healthz "
	    "with 200 after %lu inputs; it said: %.200s\n", inputs, answer);
	abort();
}

static void
done(void)
{
	check_alive();
	staff_auth_stop();
	http_stop();
	writer_stop();
	snapshot_shutdown();
	store_shutdown();
	static_unload();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct http_hooks	 web;
	struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	const char	*dir, *errstr;
	int		 i;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium cannot start\n");
		exit(1);
	}
	json_object_seed(0);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	dir = fuzz_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/var/kb.sqlite", dir);
	fuzz_articles(articles);

	cfg.articles = articles;
	cfg.db = dbpath;
	cfg.listen = "127.0.0.1:0";
	cfg.static_dir = NULL;	/* the built-in files */
	cfg.dict = FUZZ_DICT;
	cfg.threads = 2;
	if (config_check(&cfg, &errstr) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", errstr);
		exit(1);
	}
	if (http_listen(&cfg, &port, &errstr) == -1 ||
	    staff_auth_init(&cfg) == -1 ||
	    store_init(cfg.db, fuzz_dict(), &errstr) == -1 ||
	    static_load(cfg.static_dir, &errstr) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", errstr);
		exit(1);
	}
	if (writer_start(cfg.db, cfg.articles, accesslog_flush) == -1)
		exit(1);	/* logged */
	cmd_serve_web(&web);
	search_dict_use(NULL);		/* no dictionaries: settled */
	if (http_start(&cfg, &web, &errstr) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", errstr);
		exit(1);
	}
	for (i = 0; i < 6000 && !writer_ready(); i++)
		nanosleep(&tick, NULL);
	if (!writer_ready()) {
		fprintf(stderr, "fuzz_http: the first import took over 60 s\n");
		exit(1);
	}
	check_alive();
	atexit(done);
	return 0;
}

/* Is s[0..n) a tag that kbd's pages, cmark or MHD's error pages use? */
static int
known_tag(const char *s, size_t n)
{
	static const char	*tags[] = { "a", "article", "aside", "b",
	    "blockquote", "body", "br", "button", "code", "del", "div", "em",
	    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
	    "header", "hr", "html", "img", "input", "label", "li", "link",
	    "main", "mark", "meta", "nav", "ol", "p", "pre", "script",
	    "section", "span", "strong", "table", "tbody", "td", "textarea",
	    "th", "thead", "time", "title", "tr", "ul" };
	size_t			 i;

	for (i = 0; i < nitems(tags); i++)
		if (strlen(tags[i]) == n && memcmp(tags[i], s, n) == 0)
			return 1;
	return 0;
}

/*
 * Checks the HTML in s (an answer, perhaps cut short): every tag is one
 * kbd writes and no attribute is an event handler, so nothing from the
 * request made it into a page unescaped.
 */
static void
check_html(const char *s)
{
	const char	*p = s, *q;
	size_t		 n;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (strncmp(p, "!--", 3) == 0 || *p == '!') {
			/* A comment ("raw HTML omitted") or the doctype. */
			if ((q = strstr(p, *p == '!' && p[1] == '-' ? "-->" :
			    ">")) == NULL)
				return;
			p = q;
			continue;
		}
		if (*p == '/')
			p++;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (p[n] == '\0')
			return;	/* cut short */
		if (!known_tag(p, n)) {
			fprintf(stderr, "fuzz_http: unexpected markup in: "
			    "%.80s\n", p - 1);
			abort();
		}
		for (p += n; *p != '\0' && *p != '>'; ) {
			if (*p == '"' || *p == '\'') {
				if ((q = strchr(p + 1, *p)) == NULL)
					return;
				p = q + 1;
			} else if (*p == ' ' || *p == '=' || *p == '/' ||
			    *p == '\n')
				p++;
			else {
				/* An attribute name. */
				if ((p[0] | 32) == 'o' && (p[1] | 32) == 'n') {
					fprintf(stderr, "fuzz_http: event "
					    "handler in: %.80s\n", p);
					abort();
				}
				p += strcspn(p, " =>\n");
			}
		}
	}
}

/* Does data[0..size) hold an empty line ("\r\n\r\n")? */
static int
has_end(const uint8_t *data, size_t size)
{
	size_t	 i;

	for (i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, "\r\n\r\n", 4) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 answer[ANSWER_MAX], *body;
	size_t	 n;

	if (inputs++ % CHECK_EVERY == 0)
		check_alive();
	n = exchange(data, size, has_end(data, size) ? NULL : "\r\n\r\n", 1000,
	    answer);
	if (verbose)
		fprintf(stderr, "fuzz_http: %zu bytes: %.*s\n", n,
		    (int)strcspn(answer, "\r\n"), answer);
	if (n == 0)
		return 0;
	/* Whatever answers, MHD or kbd, speaks HTTP/1.x. */
	assert(strncmp(answer, "HTTP/1.", 7) == 0);
	/* kbd's own answers (with its headers) are never a 500. */
	if (strstr(answer, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL)
		assert(strncmp(answer + 8, " 500 ", 5) != 0);
	if ((body = strstr(answer, "\r\n\r\n")) != NULL &&
	    strstr(answer, "\r\nContent-Type: text/html") != NULL)
		check_html(body);
	return 0;
}
