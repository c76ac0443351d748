/*
 * log.c (base): messages for the operator on stderr, one line each, written
 * with a single write(2) so that lines from different threads never interleave.
 * log_warn() adds strerror(errno); the others never look at errno, and none of
 * them changes it.  Request traffic is not logged here.  A failure that repeats
 * (a full disk, a database locked by another process) is logged when it begins
 * and when it ends (struct outage), not at every try.  Lines that anyone can
 * cause (a client's mistakes, failed logins) are limited to so many a minute
 * (struct log_limit).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbd.h"

static int	verbose;

void
log_init(int v)
{
	verbose = v;
}

static void KBD_PRINTF(2, 0)
vlog(const char *level, const char *fmt, va_list ap, const char *why)
{
	char	 line[2048];
	int	 n, m;

	n = snprintf(line, sizeof(line), "kbd: %s", level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (why != NULL) {
		m = snprintf(line + n, sizeof(line) - (size_t)n, ": %s", why);
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
	}
	line[n++] = '\n';
	(void)write(STDERR_FILENO, line, (size_t)n);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog("", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

static void KBD_PRINTF(1, 0)
vwarnx(const char *fmt, va_list ap)
{
	int	 saved = errno;

	vlog("", fmt, ap, NULL);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

/*
 * Counts one failure of something tried again and again.  Returns 1 for
 * the first failure in a row, which the caller logs; 0 for the others.
 */
int
log_outage_begin(struct outage *o)
{
	if (o->tries++ == 0) {
		o->since = clock_us();
		return 1;
	}
	return 0;
}

/*
 * Notes a success of what o counts the failures of; after failures, says
 * once that what works again.
 */
void
log_outage_end(struct outage *o, const char *what)
{
	if (o->tries == 0)
		return;
	log_warnx("%s: working again after %lu failed %s (%.0f s)", what,
	    o->tries, o->tries == 1 ? "try" : "tries",
	    (double)(clock_us() - o->since) / 1e6);
	o->tries = 0;
}

/*
 * Counts a line of the kind l counts, which anyone can cause: returns 1
 * when it may be written (at most max in a minute of clock_us()), 0 when
 * it is left out.  *before is set to the lines left out in an earlier
 * minute, which the caller says with the line it writes; else 0.
 */
int
log_limit(struct log_limit *l, unsigned int max, unsigned int *before)
{
	static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
	int64_t			 now = clock_us() / 60000000;
	int			 show;

	pthread_mutex_lock(&lock);
	*before = 0;
	if (now != l->minute) {
		*before = l->dropped;
		l->minute = now;
		l->shown = l->dropped = 0;
	}
	if ((show = l->shown < max))
		l->shown++;
	else
		l->dropped++;
	pthread_mutex_unlock(&lock);
	return show;
}
