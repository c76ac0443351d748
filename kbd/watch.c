/*
 * watch.c (service): notices changes made to the articles folder from outside
 * (an editor, "git pull", rsync) while kbd runs, with inotify, and asks the
 * writer to import the folder.  Events come in bursts (a git checkout touches
 * many files, an editor writes a temporary file and renames it), so the import
 * is asked for once the folder has been quiet for WATCH_QUIET_MS, or at the
 * latest WATCH_MAX_MS after the first event: a change is served within about a
 * second.  The import records each changed file as a revision by "file".  The
 * writer is told which files changed (up to WATCH_NAMES; more, or an overflow
 * of inotify's queue, read the whole folder), so that a file changed outside is
 * imported alone, and the events of kbd's own saves, whose files the database
 * already has, cost a stat each.  Where inotify is not available, SIGHUP still
 * works.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kbd.h"

#define WATCH_NAMES	1024	/* files named in one burst, at most */
#define WATCH_QUIET_MS	150
#define WATCH_MAX_MS	700
#define WATCH_EVENTS	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

static pthread_t	 thread;
static int		 inotify_fd = -1;
static int		 stop_pipe[2] = { -1, -1 };

/* Is this event about a file the import reads (*.md, synonyms.txt)? */
static int
interesting(const struct inotify_event *ev)
{
	size_t	 n;

	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW))
		return 1;
	if (ev->len == 0 || ev->name[0] == '.')
		return 0;	/* hidden: kbd's own temporary files */
	n = strlen(ev->name);
	return (n > 3 && strcmp(ev->name + n - 3, ".md") == 0) ||
	    strcmp(ev->name, "synonyms.txt") == 0;
}

/* The files of a burst of events, for the writer. */
struct burst {
	char	*name[WATCH_NAMES];
	size_t	 n;
	int	 all;		/* too many, or unknown: the whole folder */
};

static void
burst_add(struct burst *b, const struct inotify_event *ev)
{
	size_t	 i;

	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)) {
		b->all = 1;
		return;
	}
	for (i = 0; i < b->n; i++)
		if (strcmp(b->name[i], ev->name) == 0)
			return;
	if (b->n == WATCH_NAMES)
		b->all = 1;
	else
		b->name[b->n++] = xstrdup(ev->name);
}

/* Hands the burst to the writer and empties it. */
static void
burst_flush(struct burst *b)
{
	size_t	 i;

	log_debug("watch: the articles folder changed");
	if (b->all)
		writer_sync();
	for (i = 0; i < b->n; i++) {
		if (!b->all)
			writer_sync_file(b->name[i]);
		free(b->name[i]);
	}
	b->n = 0;
	b->all = 0;
}

/* Reads what inotify has into b; returns 1 if any event matters. */
static int
drain(struct burst *b)
{
	_Alignas(struct inotify_event) char buf[8192];
	const struct inotify_event *ev;
	ssize_t			 n;
	char			*p;
	int			 hit = 0;

	while ((n = read(inotify_fd, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (interesting(ev)) {
				hit = 1;
				burst_add(b, ev);
			}
		}
	return hit;
}

static void *
watch_main(void *unused)
{
	struct pollfd	 pfd[2];
	struct burst	 b;
	int64_t		 first = 0, now;
	int		 timeout, pending = 0;

	(void)unused;
	memset(&b, 0, sizeof(b));
	pfd[0].fd = inotify_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = stop_pipe[0];
	pfd[1].events = POLLIN;
	for (;;) {
		timeout = pending ? WATCH_QUIET_MS : -1;
		if (poll(pfd, 2, timeout) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents != 0)
			break;
		now = clock_us();
		if (pfd[0].revents & POLLIN) {
			if (drain(&b) && !pending) {
				pending = 1;
				first = now;
			}
			if (!pending || now - first < WATCH_MAX_MS * 1000)
				continue;
		}
		if (pending) {
			burst_flush(&b);
			pending = 0;
		}
	}
	while (b.n > 0)
		free(b.name[--b.n]);
	return NULL;
}

/*
 * Starts watching dir.  Returns 0, or -1 (logged) when inotify cannot be
 * used: kbd then runs without it.
 */
int
watch_start(const char *dir)
{
	if ((inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(inotify_fd, dir, WATCH_EVENTS) == -1 ||
	    pipe(stop_pipe) == -1) {
		log_warn("watch: %s: changes are read on SIGHUP only", dir);
		watch_stop();
		return -1;
	}
	if (pthread_create(&thread, NULL, watch_main, NULL) != 0) {
		log_warnx("watch: cannot start the thread");
		close(stop_pipe[1]);
		stop_pipe[1] = -1;
		watch_stop();
		return -1;
	}
	return 0;
}

void
watch_stop(void)
{
	if (stop_pipe[1] != -1) {
		(void)!write(stop_pipe[1], "x", 1);
		pthread_join(thread, NULL);
		close(stop_pipe[1]);
	}
	if (stop_pipe[0] != -1)
		close(stop_pipe[0]);
	if (inotify_fd != -1)
		close(inotify_fd);
	stop_pipe[0] = stop_pipe[1] = inotify_fd = -1;
}
