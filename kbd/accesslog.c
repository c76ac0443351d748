/*
 * accesslog.c (web): one line per request, in the Combined Log Format with the
 * time taken appended, to stderr or to the file given with --access-log:
 *
 *   127.0.0.1 - - [26/Nov/2026:18:40:00 +0000] "GET /a/imap HTTP/1.1" 200
 *   5123 "-" "curl/7.88.1" 153us
 *
 * Control characters, quotes, backslashes and bytes above 0x7e are
 * written as \xHH, so a line is always one line and cannot be forged by
 * a User-Agent.  No cookie, no header other than Referer and User-Agent,
 * and no request body is ever logged.  Lines are gathered in a buffer
 * under a short lock and written when it fills and once a second (the
 * writer's tick), so a request does not wait for a write(2).  SIGHUP
 * reopens the file (for log rotation).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "kbd.h"

#define LOG_FLUSH_AT	(32 * 1024)	/* bytes gathered before a write */
#define LOG_FIELD	512		/* bytes of a path or header kept */

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct buf	 pending;	/* guarded by lock */
static pthread_key_t	 line_key;	/* each thread's line buffer */
static pthread_once_t	 line_once = PTHREAD_ONCE_INIT;
static int		 fd = STDERR_FILENO;
static char		*path;		/* NULL: stderr */
static struct outage	 failing;	/* guarded by lock */

/*
 * Sends the access log to file p ("-" or NULL: stderr).  Returns 0, or
 * -1 with errno set when the file cannot be opened.
 */
int
accesslog_open(const char *p)
{
	int	 nfd = STDERR_FILENO;

	if (p != NULL && strcmp(p, "-") != 0 &&
	    (nfd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		return -1;
	pthread_mutex_lock(&lock);
	if (fd != STDERR_FILENO)
		close(fd);
	fd = nfd;
	free(path);
	path = nfd != STDERR_FILENO ? xstrdup(p) : NULL;
	pthread_mutex_unlock(&lock);
	return 0;
}

/* Writes what is gathered; the lock is held. */
static void
write_pending(void)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < pending.len) {
		n = write(fd, pending.data + off, pending.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	/* A full disk must not stop the server: the lines are dropped. */
	if (off < pending.len && log_outage_begin(&failing))
		log_warn("access log: cannot write; lines are dropped until "
		    "it works again");
	else if (off == pending.len && pending.len > 0)
		log_outage_end(&failing, "access log");
	buf_reset(&pending);
}

void
accesslog_flush(void)
{
	pthread_mutex_lock(&lock);
	write_pending();
	pthread_mutex_unlock(&lock);
}

/* After log rotation (SIGHUP): the same name, a new file. */
void
accesslog_reopen(void)
{
	char	*p;

	accesslog_flush();
	pthread_mutex_lock(&lock);
	p = path != NULL ? xstrdup(path) : NULL;
	pthread_mutex_unlock(&lock);
	if (p != NULL && accesslog_open(p) == -1)
		log_warn("--access-log %s: cannot reopen", p);
	free(p);
}

void
accesslog_close(void)
{
	accesslog_flush();
	pthread_mutex_lock(&lock);
	if (fd != STDERR_FILENO)
		close(fd);
	fd = STDERR_FILENO;
	free(path);
	path = NULL;
	buf_free(&pending);
	pthread_mutex_unlock(&lock);
}

/* Appends s with everything unusual in a log written as \xHH. */
static void
put_safe(struct buf *b, const char *s)
{
	escape_log(b, s, LOG_FIELD);
}

struct args {
	struct buf	*b;
	int		 n;
};

static enum MHD_Result
put_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct args	*a = cls;
	struct buf	 enc;

	(void)kind;
	buf_init(&enc);
	buf_putc(&enc, a->n++ == 0 ? '?' : '&');
	escape_url(&enc, key);
	if (value != NULL) {
		buf_putc(&enc, '=');
		escape_url(&enc, value);
	}
	put_safe(a->b, enc.data);
	buf_free(&enc);
	return a->n < 32 ? MHD_YES : MHD_NO;
}

static void
line_free(void *p)
{
	buf_free(p);
	free(p);
}

static void
line_key_init(void)
{
	if (pthread_key_create(&line_key, line_free) != 0)
		fatalx("pthread_key_create failed");
}

/* This thread's line buffer, reused for every line: no malloc. */
static struct buf *
thread_line(void)
{
	struct buf	*b;

	pthread_once(&line_once, line_key_init);
	if ((b = pthread_getspecific(line_key)) == NULL) {
		b = xcalloc(1, sizeof(*b));
		pthread_setspecific(line_key, b);
	}
	buf_reset(b);
	return b;
}

/* Logs the finished request req. */
void
accesslog_request(struct request *req)
{
	static _Thread_local time_t	 last;
	static _Thread_local char	 when[40];
	struct buf			*line = thread_line();
	struct args			 a;
	struct tm			 tm;
	time_t				 now = time(NULL);
	char				 addr[INET6_ADDRSTRLEN];

	/* The time changes once a second; format it once a second. */
	if (now != last && gmtime_r(&now, &tm) != NULL) {
		strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
		last = now;
	}
	http_client(req, addr, sizeof(addr));
	buf_puts(line, addr);
	buf_printf(line, " - - [%s] \"", when);
	put_safe(line, req->method);
	buf_putc(line, ' ');
	put_safe(line, req->path);
	a.b = line;
	a.n = 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, put_arg,
	    &a);
	buf_putc(line, ' ');
	put_safe(line, req->version);
	buf_printf(line, "\" %u %zu \"", req->status, req->bytes);
	put_safe(line, http_header(req, "Referer"));
	buf_puts(line, "\" \"");
	put_safe(line, http_header(req, "User-Agent"));
	buf_printf(line, "\" %lldus\n", (long long)(clock_us() - req->start));

	pthread_mutex_lock(&lock);
	buf_put(&pending, line->data, line->len);
	if (pending.len >= LOG_FLUSH_AT)
		write_pending();
	pthread_mutex_unlock(&lock);
}
