/*
 * writer.c (service): the one thread that writes to the database.  It owns the
 * only writable connection; everything that changes the database happens here,
 * in order: imports of the articles folder (at start and on request), jobs
 * other threads hand over and wait for (staff's saves, logins), and once every
 * KBD_FLUSH_MS the hits and the search log.  After each change it rebuilds the
 * snapshot, or, when only a few files were imported (a save, a file inotify
 * named), patches it (snapshot_patch).  A file inotify names whose size and
 * time are the ones the database has (the echo of kbd's own save) costs a stat
 * and a lookup, no import.  An import that fails (a full disk, a database
 * locked by another process) is tried again after 5 s, then after twice as long
 * each time, up to 5 minutes.  Stopping flushes the last hits before the
 * connection is closed, so a clean stop loses no counted view.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kbd.h"

#define WRITER_NAMES	1024	/* files named for an import, at most */

static pthread_t	 thread;
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wake;
static pthread_mutex_t	 folder = PTHREAD_MUTEX_INITIALIZER;
static int		 stopping;	/* guarded by lock */
static int		 sync_wanted;	/* guarded by lock: the whole folder */
static char		*sync_names[WRITER_NAMES];	/* guarded by lock */
static size_t		 nsync_names;	/* ... files changed outside */
static atomic_int	 ready;		/* the first import is done */
static atomic_int	 cancel;	/* stop what takes long: we stop */
static sqlite3		*db;
static const char	*articles;
static void		(*tick)(void);	/* after each flush: the access log */
static long		 retry_ms = KBD_RETRY_MS;	/* after a failed import */

/* Work that other threads hand to the writer and wait for. */
struct job {
	writer_fn	 fn;
	void		*arg;
	int		 result;
	int		 done;		/* guarded by lock */
	struct job	*next;
};
static struct job	*jobs;		/* guarded by lock, oldest first */
static struct job	**jobs_tail = &jobs;
static pthread_cond_t	 job_done;

static void
deadline_after(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static int
passed(const struct timespec *ts)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec ||
	    (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/*
 * Has synonyms.txt of the articles folder changed (or come or gone) since
 * the last call?  By its inode, size and modification time.
 */
static int
synonyms_changed(void)
{
	static struct stat	 seen;
	static int		 seen_exists = -1;
	struct stat		 sb;
	char			 path[4096];
	int			 exists, changed;

	snprintf(path, sizeof(path), "%s/synonyms.txt", articles);
	exists = stat(path, &sb) == 0;
	changed = exists != seen_exists || (exists && (sb.st_ino !=
	    seen.st_ino || sb.st_size != seen.st_size ||
	    sb.st_mtim.tv_sec != seen.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != seen.st_mtim.tv_nsec));
	seen_exists = exists;
	if (exists)
		seen = sb;
	return changed;
}

/*
 * Reads the articles folder into the database, and makes a new snapshot
 * when that changed something, or always (for edits, which may change
 * what the folder does not show, such as a slug).  Returns 0, or -1 when
 * the import failed (a full disk, a database locked by another process,
 * a folder that cannot be read): the caller tries again later.
 */
static int
sync_folder(int always)
{
	struct import_stats	 st;
	int64_t			 t0 = clock_us();

	if (import_folder(db, articles, &st, &cancel) == -1) {
		if (!atomic_load(&cancel))
			log_warnx("articles: import failed; serving what the "
			    "database had, trying again in %ld s",
			    retry_ms / 1000);
		return -1;
	}
	log_info("articles: %u new, %u changed, %u unchanged, %u removed, "
	    "%u skipped (%.1f ms)", st.added, st.changed, st.unchanged,
	    st.removed, st.failed, (double)(clock_us() - t0) / 1000.0);
	/*
	 * A new snapshot reads every index term's count (over a second at
	 * 50,000 articles): not when nothing changed, as after the echo of
	 * a save from inotify.  Synonyms may change without any article.
	 */
	if (synonyms_changed() || always || st.added + st.changed +
	    st.removed > 0)
		snapshot_import(db, articles);
	return 0;
}

/*
 * For jobs, which run in the writer: imports the folder now, so that a
 * file a job wrote is served when the job returns.  Returns 0 or -1.
 */
int
writer_import(void)
{
	return sync_folder(1);
}

/*
 * Imports the files names[0..n) alone and patches the snapshot with
 * what they changed; when that cannot be done, the whole folder.
 * Returns 0, or -1 when the import failed.
 */
static int
sync_files(const char *const *names, size_t n, int outside)
{
	struct import_stats	 st;
	struct import_changes	 ch;
	int64_t			 t0 = clock_us(), t1;

	if (import_files(db, articles, names, n, &st, &ch) == -1)
		return sync_folder(1);
	t1 = clock_us();
	if (ch.n > 0 && snapshot_patch(db, &ch) == -1)
		snapshot_import(db, articles);
	/*
	 * A save says so itself; a change from outside gets the summary.
	 * Files that changed nothing (a broken file skipped again, which
	 * its own warning names) get none: the summary of a full import,
	 * whose skipped count is the folder's, stays the last word.
	 */
	if (outside && st.added + st.changed + st.removed > 0)
		log_info("articles: %u new, %u changed, %u unchanged, %u "
		    "removed, %u skipped (%.1f ms; %zu file%s named by inotify)",
		    st.added, st.changed, st.unchanged, st.removed, st.failed,
		    (double)(clock_us() - t0) / 1000.0, n, n == 1 ? "" : "s");
	else
		log_debug("articles: %s: %u new, %u changed, %u removed "
		    "(import %.1f ms, snapshot %.1f ms)", names[0], st.added,
		    st.changed, st.removed, (double)(t1 - t0) / 1000.0,
		    (double)(clock_us() - t1) / 1000.0);
	import_changes_free(&ch);
	return 0;
}

/*
 * For jobs, which run in the writer: imports the article file of slug
 * now (a save, a change of state, a removal), and only that file.
 * Returns 0 or -1.
 */
int
writer_import_file(const char *slug)
{
	char		 name[KBD_MAX_SLUG + 4];
	const char	*names[1] = { name };

	snprintf(name, sizeof(name), "%s.md", slug);
	return sync_files(names, 1, 0);
}

/*
 * The files inotify named: those whose import would change nothing (the
 * echo of a save) are passed over, a few article files still there are
 * imported alone, anything else (a file gone, which may have been
 * renamed; synonyms.txt) imports the folder.  Returns 0 or -1.
 */
static int
sync_named(char **names, size_t n)
{
	static const char *todo[WRITER_NAMES];
	size_t		 i, k = 0;
	struct stat	 sb;
	char		 path[4096];

	for (i = 0; i < n; i++) {
		if (import_unchanged(db, articles, names[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", articles, names[i]);
		if (strcmp(names[i], "synonyms.txt") == 0 ||
		    stat(path, &sb) == -1)
			return sync_folder(0);
		todo[k++] = names[i];
	}
	return k > 0 ? sync_files(todo, k, 1) : 0;
}

/* The articles folder the writer imports. */
const char *
writer_folder(void)
{
	return articles;
}

/*
 * Held by whoever writes the articles folder besides kbd's own imports
 * on a cluster node: the thread that copies PostgreSQL's files
 * (cmd_node.c) and a staff change (staff_edit.c), which commits to
 * PostgreSQL and writes its file under it.  The thread then finds the
 * file as PostgreSQL has it, writes it no second time, and never
 * removes a new one it had not yet heard of.  Never held while waiting
 * for the writer.
 */
void
writer_folder_lock(void)
{
	pthread_mutex_lock(&folder);
}

void
writer_folder_unlock(void)
{
	pthread_mutex_unlock(&folder);
}

/* Runs the jobs queued so far, in order. */
static void
run_jobs(void)
{
	struct job	*j, *next;

	pthread_mutex_lock(&lock);
	j = jobs;
	jobs = NULL;
	jobs_tail = &jobs;
	pthread_mutex_unlock(&lock);
	for (; j != NULL; j = next) {
		next = j->next;
		j->result = j->fn(db, j->arg);
		pthread_mutex_lock(&lock);
		j->done = 1;
		pthread_cond_broadcast(&job_done);
		pthread_mutex_unlock(&lock);
	}
}

/*
 * Runs fn(db, arg) in the writer thread, with its connection, and waits
 * for it.  Returns what fn returned, or -1 when the writer is stopping.
 */
int
writer_call(writer_fn fn, void *arg)
{
	struct job	 j;

	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	j.result = -1;
	pthread_mutex_lock(&lock);
	if (stopping) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	*jobs_tail = &j;
	jobs_tail = &j.next;
	pthread_cond_signal(&wake);
	while (!j.done)
		pthread_cond_wait(&job_done, &lock);
	pthread_mutex_unlock(&lock);
	return j.result;
}

/*
 * Writes the hits and the search log.  The last flush, at stop, tries
 * once more (a lock another process holds may be gone) before it gives
 * the views up, and says how many.
 */
static void
flush(int last)
{
	struct hit_delta	*d;
	size_t			 n;
	int			 i, rc;

	for (i = 0; i < (last ? 2 : 1); i++) {
		if ((rc = hits_flush(db, &d, &n)) == 0 && n > 0)
			snapshot_hits(db, d, n);
		free(d);
		if (rc == 0)
			break;
	}
	if (rc == -1 && last)
		log_warnx("hits: %llu views could not be written before "
		    "stopping; they are lost",
		    (unsigned long long)hits_unwritten());
	hits_vote_flush(db);
	/*
	 * Readers' clicks, or a new day, change what the articles were
	 * searched as.
	 */
	if (search_log_flush(db) == 1 || snapshot_learned_stale())
		snapshot_learned(db);
	if (tick != NULL)
		tick();
}

static void *
writer_main(void *unused)
{
	struct timespec	 next, retry;
	static char	*names[WRITER_NAMES];
	size_t		 nnames, i;
	int		 do_sync, stop = 0, failed = 0;

	(void)unused;
	/* Serve what the database has while the folder is read. */
	snapshot_import(db, articles);
	hits_vote_load(db);
	deadline_after(&next, KBD_FLUSH_MS);
	pthread_mutex_lock(&lock);
	while (!stop) {
		while (!stopping && !sync_wanted && nsync_names == 0 &&
		    jobs == NULL && !passed(&next))
			pthread_cond_timedwait(&wake, &lock, &next);
		do_sync = sync_wanted || (failed && passed(&retry));
		sync_wanted = 0;
		nnames = nsync_names;
		memcpy(names, sync_names, nnames * sizeof(*names));
		nsync_names = 0;
		stop = stopping;
		pthread_mutex_unlock(&lock);

		if (!do_sync && nnames > 0 && !stop &&
		    sync_named(names, nnames) == -1)
			do_sync = 1;
		for (i = 0; i < nnames; i++)
			free(names[i]);
		if (do_sync && !stop) {
			/* Every failure in a row waits twice as long. */
			if ((failed = sync_folder(0) == -1)) {
				deadline_after(&retry, retry_ms);
				if (retry_ms < KBD_RETRY_MAX_MS)
					retry_ms *= 2;
			} else
				retry_ms = KBD_RETRY_MS;
			atomic_store(&ready, 1);
		}
		run_jobs();
		if (stop || passed(&next)) {
			flush(stop);
			deadline_after(&next, KBD_FLUSH_MS);
		}
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

/*
 * Opens the writable connection to dbpath and starts the writer, which
 * imports the folder dir first.  every_second, when not NULL, is called
 * from the writer after each flush (the access log's; this layer is
 * below the web's and must not call it by name).  Returns 0, or -1
 * (logged).
 */
int
writer_start(const char *dbpath, const char *dir, void (*every_second)(void))
{
	pthread_condattr_t	 attr;
	const char		*errstr;

	if (store_open(dbpath, 0, &db, &errstr) == -1) {
		log_warnx("%s", errstr);
		return -1;
	}
	articles = dir;
	tick = every_second;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_cond_init(&job_done, NULL);
	sync_wanted = 1;
	if (pthread_create(&thread, NULL, writer_main, NULL) != 0) {
		log_warnx("cannot start the writer thread");
		store_close(db);
		return -1;
	}
	return 0;
}

/* Asks the writer to read the articles folder again. */
void
writer_sync(void)
{
	pthread_mutex_lock(&lock);
	sync_wanted = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/*
 * Asks the writer to read the file name of the articles folder again
 * (changed, added or removed from outside); too many at once read the
 * whole folder.
 */
void
writer_sync_file(const char *name)
{
	size_t	 i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nsync_names && strcmp(sync_names[i], name) != 0; i++)
		;
	if (i == nsync_names && nsync_names < WRITER_NAMES)
		sync_names[nsync_names++] = xstrdup(name);
	else if (i == nsync_names)
		sync_wanted = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* Flushes the last hits, stops the writer and closes its connection. */
void
writer_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = 1;
	atomic_store(&cancel, 1);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	while (nsync_names > 0)
		free(sync_names[--nsync_names]);
	store_close(db);
	pthread_cond_destroy(&wake);
	pthread_cond_destroy(&job_done);
}

/* Is the first import done (for /healthz)? */
int
writer_ready(void)
{
	return atomic_load(&ready);
}
