/*
 * cmd_folder.c (cmd): the node of a cluster that keeps an articles
 * folder and PostgreSQL the same (kbd --cluster URL --articles DIR), so
 * that git stays the way articles are kept and reviewed while staff edit
 * on any node.  It serves as every node does (cmd_node.c: its index is
 * made from PostgreSQL); this thread only moves files.  One node at a
 * time keeps the folder: the one whose connection holds PostgreSQL's
 * advisory lock (store_pg_folder_lock).  Others started with --articles
 * ask for it every FOLDER_RETRY_MS and take over when its holder dies:
 * PostgreSQL frees a session's lock when its connection ends.
 *
 * Holding it, a round runs every FOLDER_POLL_MS, and at once on SIGHUP,
 * when the folder or PostgreSQL's articles moved on (inotify's events,
 * or a signature of the folder: without inotify, every FOLDER_FULL_MS
 * anyway, and on SIGHUP; the number every article transaction raises):
 *  1. what changed in PostgreSQL since the last round (a staff save on
 *     any node, kbd import) is written into the folder: an article whose
 *     hash moved on gets its new text, and an article gone loses its
 *     file, unless the file changed too;
 *  2. if the folder changed since the last round (the names, sizes and
 *     times of its *.md), it is imported into PostgreSQL as kbd import
 *     does (cmd_cluster_import).  A file changed on both sides keeps the
 *     folder's text; PostgreSQL's revisions keep the other;
 *  3. PostgreSQL's hashes are remembered for the next round.
 * Taking the lock, PostgreSQL is the truth, since the folder may be an
 * old copy: its articles are written into the folder, and the files it
 * does not hold or holds otherwise are first moved aside into
 * DIR/.kbd-aside-<time>/, so that nothing is lost.  Only a PostgreSQL
 * without articles takes the folder's (a new cluster).
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "kbd.h"

#define FOLDER_POLL_MS	1000	/* a round, this often */
#define FOLDER_RETRY_MS	2000	/* ask for the lock, or connect, again */
#define FOLDER_WAIT_MS	100	/* a stop or SIGHUP is seen this fast */
#define FOLDER_FULL_MS	60000	/* the folder's signature anyway */
#define FOLDER_EVENTS	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

static const char	*url;
static const char	*dir;		/* the folder kept */
static struct store_pg	*pg;		/* the thread's */
static struct slug_hashes synced;	/* PostgreSQL's, last round */
static uint64_t		 seen;		/* the folder's signature then */
static int64_t		 version;	/* PostgreSQL's articles' then */
static pthread_t	 thread;
static int		 running;
static atomic_int	 stopping;
static atomic_int	 poked;		/* SIGHUP: a round now */
static int		 ifd = -1;	/* inotify on dir, or -1 */
static int		 moved;		/* an event since the last round */
static int64_t		 full;		/* clock_us() / 1000 of the last */

/*
 * The folder's signature: its *.md names with their sizes and times, so
 * that a round notices any change without reading a file.  0 when it
 * cannot be read.
 */
static uint64_t
signature(void)
{
	DIR		*d;
	char		**names = NULL;
	size_t		 n = 0, i;
	struct stat	 sb;
	uint64_t	 h = 1469598103934665603ULL, v[3];

	if ((d = opendir(dir)) == NULL || file_list_md(d, &names, &n) == -1) {
		if (d != NULL)
			closedir(d);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (fstatat(dirfd(d), names[i], &sb, AT_SYMLINK_NOFOLLOW) == -1)
			memset(&sb, 0, sizeof(sb));
		v[0] = hash_fnv(names[i], strlen(names[i]));
		v[1] = (uint64_t)sb.st_size;
		v[2] = (uint64_t)sb.st_mtim.tv_sec * 1000000000ULL +
		    (uint64_t)sb.st_mtim.tv_nsec;
		h = (h ^ hash_fnv((const char *)v, sizeof(v))) *
		    1099511628211ULL;
	}
	file_names_free(names, n);
	closedir(d);
	return h | 1;
}

/* The hash of the file of slug into hex; 0, or -1 when there is none. */
static int
file_hash_of(int dfd, const char *slug, char hex[65])
{
	char	 name[KBD_MAX_SLUG + 4], *data;
	size_t	 len;

	snprintf(name, sizeof(name), "%s.md", slug);
	if ((data = file_read_at(dfd, name, KBD_MAX_ARTICLE, &len)) == NULL)
		return -1;
	file_hash(data, len, hex);
	free(data);
	return 0;
}

/* Moves name aside into the folder's aside (made on first use). */
static int
aside(int dfd, const char *name, char *into, size_t size)
{
	char	 to[PATH_MAX];

	if (*into == '\0') {
		snprintf(into, size, ".kbd-aside-%lld",
		    (long long)time(NULL));
		if (mkdirat(dfd, into, 0755) == -1 && errno != EEXIST) {
			log_warn("cluster: %s/%s", dir, into);
			*into = '\0';
			return -1;
		}
	}
	snprintf(to, sizeof(to), "%s/%s", into, name);
	if (renameat(dfd, name, dfd, to) == -1) {
		log_warn("cluster: %s/%s", dir, name);
		return -1;
	}
	log_info("cluster: %s/%s is not what PostgreSQL holds: moved aside "
	    "to %s/%s", dir, name, dir, to);
	return 0;
}

/*
 * Writes PostgreSQL's text of slug into the folder; hex is the hash of
 * the file there, or NULL when there is none.  A file that is not as
 * last synced (was) goes aside first when first is set (taking the
 * lock); otherwise it wins (step 2 imports it).  Returns 0, -1 when
 * PostgreSQL failed, -2 when the file could not be written.
 */
static int
put(int dfd, const char *slug, const char *hex, const struct slug_hash *was,
    int first, char *into, size_t size)
{
	char	 name[KBD_MAX_SLUG + 4], *text;
	size_t	 len;
	int	 rc;

	snprintf(name, sizeof(name), "%s.md", slug);
	if (hex != NULL && !first && (was == NULL ||
	    strcmp(hex, was->hash) != 0))
		return 0;		/* changed here too: the file wins */
	if (store_pg_article_text(pg, slug, &text, &len) == -1)
		return -1;
	if (text == NULL)
		return 0;		/* gone meanwhile: next round */
	if (hex != NULL && first && aside(dfd, name, into, size) == -1) {
		free(text);
		return 0;
	}
	rc = file_put_at(dfd, name, text, len, 0644) == -1 ? -2 : 0;
	if (rc == -2)
		log_warn("cluster: %s/%s", dir, name);
	free(text);
	return rc;
}

/* Removes the file of slug, gone from PostgreSQL, if it is unchanged. */
static void
drop(int dfd, const struct slug_hash *was)
{
	char	 name[KBD_MAX_SLUG + 4], hex[65];

	if (!parse_slug(was->slug, strlen(was->slug)))
		return;			/* never a file name */
	snprintf(name, sizeof(name), "%s.md", was->slug);
	if (file_hash_of(dfd, was->slug, hex) == 0 &&
	    strcmp(hex, was->hash) == 0 && unlinkat(dfd, name, 0) == -1)
		log_warn("cluster: %s/%s", dir, name);
}

/*
 * Step 1: PostgreSQL's changes into the folder.  When first (the lock
 * just taken), synced is empty and every file PostgreSQL does not hold
 * as it is goes aside.  Returns 0, -1 (PostgreSQL failed) or -2 (a file
 * could not be written: the folder is not what PostgreSQL holds, and
 * must not be imported as if it were).
 */
static int
to_folder(const struct slug_hashes *now, int first)
{
	DIR			*d;
	char			**names = NULL, into[64] = "";
	char			 hex[65], slug[KBD_MAX_SLUG + 1];
	size_t			 n = 0, i, len;
	const struct slug_hash	*was;
	int			 dfd, have, rc = 0;

	if ((d = opendir(dir)) == NULL) {
		log_warn("cluster: %s", dir);
		return 0;
	}
	dfd = dirfd(d);
	for (i = 0; i < now->n && rc == 0; i++) {
		was = slug_hashes_find(&synced, now->v[i].slug);
		if (was != NULL && strcmp(was->hash, now->v[i].hash) == 0)
			continue;
		/* A slug becomes a file name: nothing else may. */
		if (!parse_slug(now->v[i].slug, strlen(now->v[i].slug)))
			continue;
		have = file_hash_of(dfd, now->v[i].slug, hex) == 0;
		if (have && strcmp(hex, now->v[i].hash) == 0)
			continue;
		rc = put(dfd, now->v[i].slug, have ? hex : NULL, was, first,
		    into, sizeof(into));
	}
	for (i = 0; i < synced.n; i++)
		if (slug_hashes_find(now, synced.v[i].slug) == NULL)
			drop(dfd, &synced.v[i]);
	/* Taking the lock: the files PostgreSQL does not hold go aside. */
	if (first && file_list_md(d, &names, &n) == 0) {
		for (i = 0; i < n; i++) {
			len = strlen(names[i]) - 3;
			if (len > KBD_MAX_SLUG)
				continue;
			memcpy(slug, names[i], len);
			slug[len] = '\0';
			if (slug_hashes_find(now, slug) == NULL)
				aside(dfd, names[i], into, sizeof(into));
		}
		file_names_free(names, n);
	}
	closedir(d);
	return rc;
}

/*
 * Step 2: the folder into PostgreSQL, but for the files as base has them
 * (NULL: all).  Returns 0 or -1 (PostgreSQL failed).
 */
static int
to_database(const struct slug_hashes *base)
{
	struct cluster_import	 im;

	if (cmd_cluster_import(pg, dir, base, &im) == 0) {
		if (im.stats.added + im.stats.changed + im.stats.removed > 0)
			log_info("cluster: %s into PostgreSQL: %u new, %u "
			    "changed, %u removed, %u skipped", dir,
			    im.stats.added, im.stats.changed, im.stats.removed,
			    im.stats.failed);
		return 0;
	}
	if (im.dir_errno != 0) {
		log_warnx("cluster: %s: %s", dir, strerror(im.dir_errno));
		return 0;
	}
	if (im.empty) {
		log_warnx("cluster: %s holds no articles (*.md); refusing to "
		    "mark all %zu of PostgreSQL deleted", dir, im.live);
		return 0;
	}
	log_warnx("cluster: %s into PostgreSQL: %s", dir, store_pg_error(pg));
	return -1;
}

/* PostgreSQL's slugs and hashes, sorted.  Returns 0 or -1. */
static int
current(struct slug_hashes *now)
{
	memset(now, 0, sizeof(*now));
	if (store_pg_current_each(pg, slug_hashes_add, now) == -1) {
		slug_hashes_clear(now);
		return -1;
	}
	slug_hashes_sort(now);
	return 0;
}

/*
 * Waits FOLDER_WAIT_MS, and notes whether inotify saw the folder change
 * meanwhile (a round then compares it; events come in bursts, which one
 * round a second takes together).
 */
static void
nap(void)
{
	struct pollfd	 p = { ifd, POLLIN, 0 };
	char		 events[4096];
	struct timespec	 ts = { 0, FOLDER_WAIT_MS * 1000000L };

	if (ifd == -1) {
		nanosleep(&ts, NULL);
		return;
	}
	if (poll(&p, 1, FOLDER_WAIT_MS) == 1) {
		while (read(ifd, events, sizeof(events)) > 0)
			continue;
		moved = 1;
	}
}

/*
 * Did the folder change since the last round?  Its signature tells (a
 * stat of every file): every round without inotify; with it, only after
 * an event, and every FOLDER_FULL_MS anyway (an overflowed queue).
 */
static int
folder_moved(void)
{
	int64_t	 now = clock_us() / 1000;

	if (ifd == -1 || now - full >= FOLDER_FULL_MS) {
		full = now;
		moved = 0;
		return signature() != seen;
	}
	if (!moved)
		return 0;
	/* The events of the round's own writes leave it as it was. */
	moved = 0;
	return signature() != seen;
}

/*
 * One round (see the top).  The import leaves alone a file as PostgreSQL
 * had it when the round began (synced), and removes only articles the
 * folder had then: an article a staff save changes or makes meanwhile is
 * not undone by its old file, or by its missing one.  Returns 0, -1
 * when PostgreSQL failed, or -2 when a file could not be written.
 */
static int
round_once(int first)
{
	struct slug_hashes	 now;
	uint64_t		 sig;
	int64_t			 v;
	int			 empty, rc;

	/* Nothing moved on either side: no need to read every hash. */
	if (store_pg_articles_version(pg, &v) == -1)
		return -1;
	if (!first && v == version && !folder_moved())
		return 0;
	if (current(&now) == -1)
		return -1;
	empty = first && now.n == 0;
	if (empty)
		log_info("cluster: PostgreSQL holds no articles; importing %s",
		    dir);
	else if ((rc = to_folder(&now, first)) != 0) {
		slug_hashes_clear(&now);
		return rc;
	}
	slug_hashes_clear(&synced);
	synced = now;
	if ((sig = signature()) != seen || empty) {
		if (to_database(empty ? NULL : &synced) == -1)
			return -1;
		seen = sig;
	}
	slug_hashes_clear(&synced);
	if (current(&synced) == -1)
		return -1;
	/* The import's own commit moved it: seen at the next round. */
	version = v;
	return 0;
}

/* Connects and waits for the lock; then rounds until it is lost. */
static void *
folder_main(void *unused)
{
	const char	*errstr;
	int64_t		 next = 0;
	int		 held = 0, rc;

	(void)unused;
	while (!atomic_load(&stopping)) {
		if (clock_us() / 1000 < next && !atomic_load(&poked)) {
			nap();
			continue;
		}
		next = clock_us() / 1000 +
		    (held ? FOLDER_POLL_MS : FOLDER_RETRY_MS);
		if (pg == NULL && store_pg_open(url, &pg, &errstr) == -1) {
			log_debug("cluster: folder: %s", errstr);
			continue;
		}
		rc = 1;
		if (!held && (rc = store_pg_folder_lock(pg)) == 0)
			continue;		/* another node keeps it */
		if (rc == 1 && !held)
			log_info("cluster: this node keeps %s and PostgreSQL "
			    "the same", dir);
		if (atomic_exchange(&poked, 0))
			full = 0;	/* SIGHUP: compare the folder */
		if (rc == 1)
			rc = round_once(!held);
		if (rc == -2)
			log_warnx("cluster: %s: a file could not be written; "
			    "nothing imported, the lock let go, trying again",
			    dir);
		else if (rc == -1)
			log_warnx("cluster: %s: %s; connecting again", dir,
			    store_pg_error(pg));
		if (rc < 0) {
			store_pg_close(pg);
			pg = NULL;
			held = 0;
			next = clock_us() / 1000 + FOLDER_RETRY_MS;
			continue;
		}
		held = 1;
	}
	return NULL;
}

/* Starts the thread that asks for the folder's lock (cfg->articles). */
int
cmd_folder_start(const struct config *cfg)
{
	url = cfg->cluster;
	dir = cfg->articles;
	if ((ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(ifd, dir, FOLDER_EVENTS) == -1) {
		log_warn("cluster: inotify on %s; its files are compared "
		    "every %d s, and on SIGHUP", dir, FOLDER_FULL_MS / 1000);
		if (ifd != -1)
			close(ifd);
		ifd = -1;
	}
	if (pthread_create(&thread, NULL, folder_main, NULL) != 0) {
		log_warnx("cluster: no thread to keep %s", dir);
		return -1;
	}
	running = 1;
	return 0;
}

/* SIGHUP: a round now. */
void
cmd_folder_poke(void)
{
	atomic_store(&poked, 1);
}

/* Stops it; the lock goes with the connection. */
void
cmd_folder_stop(void)
{
	atomic_store(&stopping, 1);
	if (running)
		pthread_join(thread, NULL);
	running = 0;
	store_pg_close(pg);
	pg = NULL;
	slug_hashes_clear(&synced);
	if (ifd != -1)
		close(ifd);
	ifd = -1;
}
