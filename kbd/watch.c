/*
 * watch.c (service): notices changes made to the articles folder from outside (an
 * editor, "git pull", rsync) while kbd runs, with inotify, and asks the
 * writer to import the folder.  Events come in bursts (a git checkout
 * touches many files, an editor writes a temporary file and renames it),
 * so the import is asked for once the folder has been quiet for
 * WATCH_QUIET_MS, or at the latest WATCH_MAX_MS after the first event:
 * a change is served within about a second.  The import records each
 * changed file as a revision by "file".  kbd's own saves cause events
 * too; the import they trigger finds nothing new and costs a stat per
 * file.  Where inotify is not available, SIGHUP still works.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kbd.h"

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

/* Reads what inotify has; returns 1 if any event matters. */
static int
drain(void)
{
	_Alignas(struct inotify_event) char buf[8192];
	const struct inotify_event *ev;
	ssize_t			 n;
	char			*p;
	int			 hit = 0;

	while ((n = read(inotify_fd, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			hit |= interesting(ev);
		}
	return hit;
}

static void *
watch_main(void *unused)
{
	struct pollfd	 pfd[2];
	int64_t		 first = 0, now;
	int		 timeout, pending = 0;

	(void)unused;
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
			if (drain() && !pending) {
				pending = 1;
				first = now;
			}
			if (!pending || now - first < WATCH_MAX_MS * 1000)
				continue;
		}
		if (pending) {
			log_debug("watch: the articles folder changed");
			writer_sync();
			pending = 0;
		}
	}
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
