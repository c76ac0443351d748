/*
 * cmd_node.c (cmd): a node of a cluster (kbd --cluster URL).  Its articles
 * come from the cluster's PostgreSQL (store_pg.c) into a folder of its own
 * next to its database (<db>.articles), one <slug>.md each, and from there
 * the writer imports them as it imports any articles folder (import.c):
 * HTML, search index, lexicon and snapshot are made exactly as for a single
 * node, and reads never wait for PostgreSQL.  The first round reads every
 * file in one query.  Then a thread LISTENs on kbd_articles; on a
 * notification, and when the number every article transaction raises moved
 * on (asked every NODE_POLL_MS, for a notification lost with a broken
 * connection; one row, where comparing 50,000 hashes costs PostgreSQL most
 * of a second) or NODE_FULL_MS passed (a kbd older than schema 2 does not
 * raise it), it compares every slug and hash with what it has, writes the
 * files that changed, removes those deleted, and hands their names to the
 * writer.  When PostgreSQL is away the node serves what it has and connects
 * again every NODE_RETRY_MS; at start, it serves the folder of its last run.
 * It never writes to PostgreSQL itself: staff changes made on this node
 * go there from the writer (staff_edit.c), which then writes and imports
 * the file itself, all under writer_folder_lock(), which a round holds
 * too: when their notification comes back here, the file holds the text
 * already (file_put_at compares), so it is neither written nor imported
 * again, and only the hash is noted.  (Staff logins write there through
 * store_user.c.)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "kbd.h"

#define NODE_POLL_MS	3000	/* ask whether the articles moved on */
#define NODE_FULL_MS	60000	/* compare anyway, this often */
#define NODE_RETRY_MS	2000	/* connect again after this */
#define NODE_WAIT_MS	250	/* a stop is seen this fast */

/* Old names and the names now, for the writer (redirects_job). */
struct node_redirects {
	char		**from;
	char		**to;
	size_t		 n;
	size_t		 cap;
};

static const char	*url;
static const char	*dir;
static struct store_pg	*pg;		/* the thread's, once it runs */
static struct slug_hashes have;		/* the thread's */
static struct node_redirects redirs;	/* the thread's: to hand over */
static pthread_t	 thread;
static int		 running;
static atomic_int	 stopping;

/* The files a round changed, for the writer once it runs. */
static char		**pending;
static size_t		 npending, cappending;
static int		 pending_gone;	/* ... and one was removed */

/* The writer imports name again, once it runs (before, it reads all). */
static void
changed(const char *name, int live)
{
	if (!live)
		return;
	if (npending == cappending) {
		cappending = cappending ? cappending * 2 : 64;
		pending = xreallocarray(pending, cappending, sizeof(*pending));
	}
	pending[npending++] = xstrdup(name);
}

/*
 * Hands a round's changes to the writer: the files by name, or, when
 * one was removed, the whole folder, so that a rename (a file gone, its
 * text under a new name) is seen as one and its old name redirects, as
 * on a single node.
 */
static void
hand_over(void)
{
	size_t	 i;

	if (pending_gone && npending > 0)
		writer_sync();
	for (i = 0; i < npending; i++) {
		if (!pending_gone)
			writer_sync_file(pending[i]);
		free(pending[i]);
	}
	free(pending);
	pending = NULL;
	npending = cappending = 0;
	pending_gone = 0;
}

/* Removes the folder's articles that PostgreSQL no longer has. */
static int
remove_gone(int dirfd, const struct slug_hashes *now, int live,
    unsigned int *removed)
{
	DIR		*d;
	struct dirent	*de;
	char		 slug[KBD_MAX_SLUG + 1];
	size_t		 len;
	int		 fd;

	if ((fd = dup(dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 || len - 3 > KBD_MAX_SLUG ||
		    strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		memcpy(slug, de->d_name, len - 3);
		slug[len - 3] = '\0';
		if (slug_hashes_find(now, slug) != NULL)
			continue;
		if (unlinkat(dirfd, de->d_name, 0) == -1)
			log_warn("%s/%s", dir, de->d_name);
		else {
			(*removed)++;
			pending_gone = 1;
			changed(de->d_name, live);
		}
	}
	closedir(d);
	return 0;
}

/* A first round: every file comes in one query (store_pg_export_each). */
struct bulk {
	int			 dirfd;
	int			 live;
	struct slug_hashes	*now;
	unsigned int		 written;
};

static int
bulk_one(void *arg, const char *slug, const char *text, size_t len)
{
	struct bulk	*b = arg;
	char		 name[KBD_MAX_SLUG + 4], hash[65];
	int		 w;

	/* A slug becomes a file name: nothing else may. */
	if (!parse_slug(slug, strlen(slug))) {
		log_warnx("cluster: an article named '%.*s', which is no "
		    "slug; left out", KBD_MAX_SLUG, slug);
		return 0;
	}
	file_hash(text, len, hash);
	snprintf(name, sizeof(name), "%s.md", slug);
	if ((w = file_put_at(b->dirfd, name, text, len, 0600)) == -1) {
		log_warn("%s/%s", dir, name);
		hash[0] = '\0';	/* fetched again next time */
	} else if (w == 1) {
		b->written++;
		changed(name, b->live);
	}
	slug_hashes_add(b->now, slug, hash);
	return 0;
}

static void
add_redirect(void *arg, const char *from, const char *to)
{
	struct node_redirects	*r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->from = xreallocarray(r->from, r->cap, sizeof(*r->from));
		r->to = xreallocarray(r->to, r->cap, sizeof(*r->to));
	}
	r->from[r->n] = xstrdup(from);
	r->to[r->n++] = xstrdup(to);
}

static void
redirects_clear(struct node_redirects *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		free(r->from[i]);
		free(r->to[i]);
	}
	free(r->from);
	free(r->to);
	memset(r, 0, sizeof(*r));
}

/*
 * In the writer, once it has imported the files: the old names of
 * renamed articles redirect, as PostgreSQL says.  A rename the node
 * sees happen is found by its import; these are the ones from before.
 */
static int
redirects_job(sqlite3 *db, void *arg)
{
	struct node_redirects	*r = arg;
	size_t			 i;

	if (store_begin(db) == -1)
		goto fail;
	for (i = 0; i < r->n; i++)
		if (store_redirect_add(db, r->from[i], r->to[i]) == -1) {
			store_rollback(db);
			goto fail;
		}
	if (store_commit(db) == 0)
		return 0;
	store_rollback(db);
fail:
	log_warnx("cluster: the redirects: %s", store_error(db));
	return -1;
}

/*
 * Makes the folder hold what PostgreSQL holds: the files whose hash
 * differs from what was written are fetched and written, the others are
 * left alone; in the first round (nothing written yet), all come in
 * one query.  live: the writer runs and is told each name.  Returns 0,
 * or -1 when the database failed (what was done stays).
 */
static int
node_sync(int live)
{
	struct slug_hashes	 now;
	struct bulk		 b;
	struct slug_hash	*f, *old;
	char			 name[KBD_MAX_SLUG + 4], *text;
	size_t			 i, len;
	unsigned int		 written = 0, removed = 0;
	int			 dirfd, rc = -1, w;

	memset(&now, 0, sizeof(now));
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	/* A staff change on this node commits and writes in one go. */
	writer_folder_lock();
	if (have.n == 0) {
		b.dirfd = dirfd;
		b.live = live;
		b.now = &now;
		b.written = 0;
		if (store_pg_export_each(pg, bulk_one, &b) == -1)
			goto done;
		written = b.written;
		redirects_clear(&redirs);
		if (store_pg_redirects_each(pg, add_redirect, &redirs) == -1)
			goto done;
	} else if (store_pg_current_each(pg, slug_hashes_add, &now) == -1)
		goto done;
	/* bsearch wants strcmp's order, whatever the database's collation. */
	slug_hashes_sort(&now);
	for (i = 0; have.n > 0 && i < now.n; i++) {
		f = &now.v[i];
		old = slug_hashes_find(&have, f->slug);
		if (old != NULL && strcmp(old->hash, f->hash) == 0)
			continue;
		/* A slug becomes a file name: nothing else may. */
		if (!parse_slug(f->slug, strlen(f->slug))) {
			log_warnx("%s: an article named '%.*s', which is no "
			    "slug; left out", store_pg_where(pg), KBD_MAX_SLUG,
			    f->slug);
			f->hash[0] = '\0';
			continue;
		}
		if (store_pg_article_text(pg, f->slug, &text, &len) == -1)
			goto done;
		if (text == NULL)
			continue;	/* deleted since: the next round */
		snprintf(name, sizeof(name), "%s.md", f->slug);
		if ((w = file_put_at(dirfd, name, text, len, 0600)) == -1)
			log_warn("%s/%s", dir, name);
		else if (w == 1) {
			written++;
			changed(name, live);
		}
		free(text);
	}
	if (remove_gone(dirfd, &now, live, &removed) == -1)
		log_warn("%s", dir);
	if (written + removed > 0)
		log_info("cluster: %u articles written, %u removed, from %s",
		    written, removed, store_pg_where(pg));
	slug_hashes_clear(&have);
	have = now;
	memset(&now, 0, sizeof(now));
	rc = 0;
done:
	writer_folder_unlock();
	if (rc == -1)
		log_warnx("cluster: %s", store_pg_error(pg));
	hand_over();
	slug_hashes_clear(&now);
	close(dirfd);
	return rc;
}

/* Connects and listens.  Returns 0, or -1 with the reason in *errstr. */
static int
node_connect(const char **errstr)
{
	if (store_pg_open(url, &pg, errstr) == -1)
		return -1;
	if (store_pg_listen(pg) == 0)
		return 0;
	*errstr = store_pg_error(pg);
	store_pg_close(pg);
	pg = NULL;
	return -1;
}

static int64_t
now_ms(void)
{
	return clock_us() / 1000;
}

/* Follows PostgreSQL until the node stops. */
static void *
node_main(void *unused)
{
	const char	*errstr;
	int64_t		 last = now_ms(), full = last, retry = 0, v, seen = -1;
	int		 rc;

	(void)unused;
	while (!atomic_load(&stopping)) {
		if (redirs.n > 0) {
			writer_call(redirects_job, &redirs);
			redirects_clear(&redirs);
		}
		if (pg == NULL) {
			if (now_ms() < retry) {
				struct timespec ts = { 0, NODE_WAIT_MS *
				    1000000L };
				nanosleep(&ts, NULL);
				continue;
			}
			if (node_connect(&errstr) == -1) {
				retry = now_ms() + NODE_RETRY_MS;
				log_debug("%s: %s", __func__, errstr);
				continue;
			}
			log_info("cluster: connected to %s again; catching up",
			    store_pg_where(pg));
			stats_cluster_set(CLUSTER_UP);
			rc = 1;
		} else if ((rc = store_pg_wait(pg, NODE_WAIT_MS)) == 0 &&
		    now_ms() - last >= NODE_POLL_MS) {
			last = now_ms();
			rc = store_pg_articles_version(pg, &v) == -1 ? -1 :
			    v != seen || last - full >= NODE_FULL_MS;
		}
		if (rc == 1) {
			last = full = now_ms();
			if (store_pg_articles_version(pg, &v) == 0 &&
			    node_sync(1) == 0) {
				seen = v;
				continue;
			}
			rc = -1;
		}
		if (rc == -1) {
			log_warnx("cluster: %s: lost the connection; serving "
			    "the local index, connecting again every %d s",
			    store_pg_where(pg), NODE_RETRY_MS / 1000);
			store_pg_close(pg);
			pg = NULL;
			stats_cluster_set(CLUSTER_AWAY);
			retry = now_ms() + NODE_RETRY_MS;
		}
	}
	return NULL;
}

/* How many articles the folder has from an earlier run. */
static size_t
count_md(void)
{
	DIR	*d;
	char	**names = NULL;
	size_t	 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	if (file_list_md(d, &names, &n) == 0)
		file_names_free(names, n);
	closedir(d);
	return n;
}

/*
 * Before the writer starts: makes the folder dir (the node's copy of the
 * articles) hold what cfg->cluster's PostgreSQL holds.  PostgreSQL away,
 * the folder of the last run is served, and said so; without one there
 * is nothing to serve.  Returns 0, or -1 (logged).
 */
int
cmd_node_start(const struct config *cfg, const char *path)
{
	const char	*errstr;
	size_t		 n;

	url = cfg->cluster;
	dir = path;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", dir);
		return -1;
	}
	if (node_connect(&errstr) == 0) {
		log_info("cluster: reading the articles of %s into %s",
		    store_pg_where(pg), dir);
		if (node_sync(0) == 0) {
			stats_cluster_set(CLUSTER_UP);
			return 0;
		}
		errstr = "reading the articles failed";
		store_pg_close(pg);
		pg = NULL;
	}
	stats_cluster_set(CLUSTER_AWAY);
	if ((n = count_md()) == 0) {
		log_warnx("cluster: %s; no local index to serve meanwhile",
		    errstr);
		return -1;
	}
	log_warnx("cluster: %s; serving the local index of the last run (%zu "
	    "articles in %s) and connecting again every %d s", errstr, n,
	    dir, NODE_RETRY_MS / 1000);
	return 0;
}

/* Once the writer runs: follows PostgreSQL in a thread of its own. */
void
cmd_node_run(void)
{
	if (pthread_create(&thread, NULL, node_main, NULL) != 0)
		log_warnx("cluster: no thread to follow PostgreSQL; serving "
		    "the articles as they are");
	else
		running = 1;
}

/* Stops following PostgreSQL and closes the connection. */
void
cmd_node_stop(void)
{
	atomic_store(&stopping, 1);
	if (running)
		pthread_join(thread, NULL);
	running = 0;
	store_pg_close(pg);
	pg = NULL;
	slug_hashes_clear(&have);
	redirects_clear(&redirs);
}
