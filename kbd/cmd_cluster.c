/*
 * cmd_cluster.c (cmd): "kbd import DIR" and "kbd export DIR", which move
 * the articles between a folder of Markdown files and the cluster's
 * PostgreSQL (store_pg.c).  An import makes the database hold what the
 * folder holds, as a node's import of its folder does into SQLite
 * (import.c): new files are added, changed ones updated with a new
 * revision, a file renamed outside kbd (the same text under a new name)
 * keeps its article's history and redirects from its old name, and an
 * article whose file is gone is marked deleted.  A broken file is
 * reported by name and reason and skipped (an older good version in the
 * database stays); everything else goes in, in one transaction.  An
 * export writes each current file (drafts too) as <slug>.md, each
 * through a temporary file and a rename, so that a reader of the folder
 * never sees half a file; export then import changes nothing.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>


#include "kbd.h"

/* An article the database has, as an import sees it. */
struct known {
	int64_t		 id;
	char		*slug;
	char		 hash[65];
	int		 deleted;
	int		 seen;		/* a file for it is in the folder */
};

struct import_run {
	struct store_pg		*pg;
	const char		*dir;
	int			 dirfd;
	struct known		*known;		/* sorted by slug */
	size_t			 nknown;
	size_t			 cap;
	int64_t			 now;
	struct import_stats	 stats;
	unsigned int		 revisions;	/* added */
	size_t			 live;		/* known, not deleted */
	int			 empty;		/* refused: see import_all() */
	const struct slug_hashes *base;		/* see cmd_cluster_import() */
};

static int
known_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->slug,
	    ((const struct known *)b)->slug);
}

static void
add_known(void *arg, const struct store_pg_article *a)
{
	struct import_run	*im = arg;
	struct known		*k;

	if (im->nknown == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 256;
		im->known = xreallocarray(im->known, im->cap,
		    sizeof(*im->known));
	}
	k = &im->known[im->nknown++];
	memset(k, 0, sizeof(*k));
	k->id = a->id;
	k->slug = xstrdup(a->slug);
	snprintf(k->hash, sizeof(k->hash), "%s", a->hash);
	k->deleted = strcmp(a->state, "deleted") == 0;
	im->live += !k->deleted;
}

static struct known *
known_find(struct import_run *im, const char *slug)
{
	struct known	 key;

	if (im->nknown == 0)
		return NULL;
	key.slug = (char *)(uintptr_t)slug;
	return bsearch(&key, im->known, im->nknown, sizeof(*im->known),
	    known_cmp);
}

/*
 * The article whose file is gone and whose text was exactly hash: a new
 * file with that text is that file, renamed outside kbd (git mv).
 */
static struct known *
moved_from(struct import_run *im, const char *hash)
{
	struct known	*k;
	char		 name[KBD_MAX_SLUG + 4];
	size_t		 i;

	for (i = 0; i < im->nknown; i++) {
		k = &im->known[i];
		if (k->seen || k->deleted || strcmp(k->hash, hash) != 0)
			continue;
		snprintf(name, sizeof(name), "%s.md", k->slug);
		if (faccessat(im->dirfd, name, F_OK, 0) == -1 &&
		    errno == ENOENT)
			return k;
	}
	return NULL;
}

/* A file that is not imported: its name and why, on stderr. */
static void KBD_PRINTF(3, 4)
skipped(struct import_run *im, const char *name, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "kbd: %s/%s: skipped: ", im->dir, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	im->stats.failed++;
}

/* Keeps data as article id's revision, unless it is the last one. */
static int
revision(struct import_run *im, int64_t id, const char *hash,
    const char *data)
{
	int	 added;

	if (store_pg_revision_add(im->pg, id, "file", im->now, hash, data,
	    &added) == -1)
		return -1;
	im->revisions += (unsigned int)added;
	return 0;
}

/* Parses data, the file of slug, and stores it (k: the article so far). */
static int
put(struct import_run *im, struct known *k, const char *name,
    const char *slug, const char *hash, const char *data, size_t len)
{
	struct article		 a;
	char			 why[512];
	int64_t			 id;
	int			 rc = 0;

	memset(&a, 0, sizeof(a));
	if (article_parse(&a, slug, data, len, why, sizeof(why)) == -1) {
		skipped(im, name, "%s", why);
		goto done;
	}
	if (store_pg_article_put(im->pg, &a, hash, im->now, &id) == -1 ||
	    revision(im, id, hash, data) == -1) {
		rc = -1;
		goto done;
	}
	if (k != NULL)
		im->stats.changed++;
	else
		im->stats.added++;
done:
	article_clear(&a);
	return rc;
}

/*
 * Imports the file name of the folder.  A problem with the file is
 * reported and counted, and is no error here; -1 is the database's.
 */
static int
import_file(struct import_run *im, const char *name)
{
	struct known	*k;
	const struct slug_hash	*b;
	char		 slug[KBD_MAX_SLUG + 1], hash[65];
	char		*data;
	size_t		 n = strlen(name) - 3, len;
	int		 rc = 0;

	if (!parse_slug(name, n)) {
		skipped(im, name, "the file name must be a slug (a-z, 0-9, "
		    "'-', '_'; at most %d) plus \".md\"", KBD_MAX_SLUG);
		return 0;
	}
	memcpy(slug, name, n);
	slug[n] = '\0';
	/* From here on, a broken file keeps the article as it was. */
	if ((k = known_find(im, slug)) != NULL)
		k->seen = 1;
	if ((data = file_read_at(im->dirfd, name, KBD_MAX_ARTICLE,
	    &len)) == NULL) {
		skipped(im, name, "cannot read it: %s", strerror(errno));
		return 0;
	}
	if (len > KBD_MAX_ARTICLE) {
		skipped(im, name, "larger than %d KiB", KBD_MAX_ARTICLE / 1024);
		goto done;
	}
	file_hash(data, len, hash);
	if (im->base != NULL && (b = slug_hashes_find(im->base, slug)) !=
	    NULL && strcmp(b->hash, hash) == 0)
		im->stats.unchanged++;	/* as last agreed: PostgreSQL may be newer */
	else if (k != NULL && !k->deleted && strcmp(k->hash, hash) == 0) {
		im->stats.unchanged++;
		rc = revision(im, k->id, hash, data);
	} else if (k == NULL && (k = moved_from(im, hash)) != NULL) {
		fprintf(stderr, "kbd: %s/%s: the file of %s, renamed; its "
		    "history stays, /a/%s redirects\n", im->dir, name,
		    k->slug, k->slug);
		k->seen = 1;
		im->stats.changed++;
		rc = store_pg_article_move(im->pg, k->id, k->slug, slug,
		    im->now);
	} else
		rc = put(im, k, name, slug, hash, data, len);
done:
	free(data);
	return rc;
}

/* Warns when the file holding the URL (and maybe a password) is open. */
static void
check_secret(const struct config *cfg)
{
	struct stat	 sb;

	if (cfg->cluster_file != NULL && stat(cfg->cluster_file, &sb) == 0 &&
	    (sb.st_mode & 077) != 0)
		log_warnx("%s can be read by other users of this machine (mode "
		    "%03o); it may hold the database's password: chmod 600 it",
		    cfg->cluster_file, (unsigned int)(sb.st_mode & 0777));
}

/*
 * The import's transaction: every file, then what is gone.  A folder
 * without any article would mark every article deleted: more likely a
 * wrong or unmounted folder than the end of the knowledge base, so that
 * is refused (im->empty).
 */
static int
import_all(struct import_run *im, char **names, size_t n)
{
	size_t	 i;

	if (store_pg_begin(im->pg) == -1)
		return -1;
	if (store_pg_articles_each(im->pg, add_known, im) == -1)
		goto fail;
	if (n == 0 && im->live > 0) {
		im->empty = 1;
		goto fail;
	}
	if (im->nknown > 0)
		qsort(im->known, im->nknown, sizeof(*im->known), known_cmp);
	for (i = 0; i < n; i++)
		if (import_file(im, names[i]) == -1)
			goto fail;
	for (i = 0; i < im->nknown; i++) {
		if (im->known[i].seen || im->known[i].deleted ||
		    (im->base != NULL &&
		    slug_hashes_find(im->base, im->known[i].slug) == NULL))
			continue;
		if (store_pg_article_delete(im->pg, im->known[i].id,
		    im->now) == -1)
			goto fail;
		im->stats.removed++;
	}
	if (store_pg_commit(im->pg) == 0)
		return 0;
fail:
	store_pg_rollback(im->pg);
	return -1;
}

/*
 * Imports the folder dir into pg in one transaction, as "kbd import"
 * does; the node that keeps the folder (cmd_folder.c) does the same.
 * With base (the articles as the folder and PostgreSQL last agreed), a
 * file that is as base has it is left alone, and only an article base
 * has is removed when its file is gone: what changed in PostgreSQL since
 * (a staff save) is not undone.  Broken files are named on stderr and
 * counted in out->stats.failed.
 * Returns 0, or -1: the folder could not be read (out->dir_errno), it
 * holds no article (out->empty, nothing changed), or the database failed
 * (store_pg_error; nothing changed).
 */
int
cmd_cluster_import(struct store_pg *pg, const char *dir,
    const struct slug_hashes *base, struct cluster_import *out)
{
	struct import_run	 im;
	DIR			*d;
	char			**names = NULL;
	size_t			 n = 0, i;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	im.pg = pg;
	im.dir = dir;
	im.base = base;
	im.now = clock_seconds();
	if ((d = opendir(dir)) == NULL || file_list_md(d, &names, &n) == -1) {
		out->dir_errno = errno;
		goto done;
	}
	im.dirfd = dirfd(d);
	rc = import_all(&im, names, n);
	out->stats = im.stats;
	out->revisions = im.revisions;
	out->live = im.live;
	out->empty = im.empty;
done:
	for (i = 0; i < im.nknown; i++)
		free(im.known[i].slug);
	free(im.known);
	file_names_free(names, n);
	if (d != NULL)
		closedir(d);
	return rc;
}

/*
 * "kbd import DIR": the folder into the cluster's PostgreSQL.  Exit
 * status 0; 1 when a file was skipped (the others are in) or the
 * database failed (nothing changed).
 */
int
cmd_import(const struct config *cfg)
{
	struct cluster_import	 im;
	struct store_pg		*pg;
	const char		*errstr, *dir = cfg->args[0];
	int			 rc = 1;

	check_secret(cfg);
	if (store_pg_open(cfg->cluster, &pg, &errstr) == -1) {
		fprintf(stderr, "kbd: import: %s\n", errstr);
		return 1;
	}
	if (cmd_cluster_import(pg, dir, NULL, &im) == -1) {
		if (im.dir_errno != 0)
			fprintf(stderr, "kbd: import: %s: %s\n", dir,
			    strerror(im.dir_errno));
		else if (im.empty)
			fprintf(stderr, "kbd: import: %s holds no articles "
			    "(*.md); refusing to mark all %zu of %s deleted\n",
			    dir, im.live, store_pg_where(pg));
		else
			fprintf(stderr, "kbd: import: %s; nothing was "
			    "changed\n", store_pg_error(pg));
		goto done;
	}
	fprintf(stderr, "kbd: import: %u new, %u changed, %u unchanged, "
	    "%u removed, %u skipped; %u revisions added; into %s\n",
	    im.stats.added, im.stats.changed, im.stats.unchanged,
	    im.stats.removed, im.stats.failed, im.revisions,
	    store_pg_where(pg));
	rc = im.stats.failed > 0 ? 1 : 0;
done:
	store_pg_close(pg);
	return rc;
}

struct export_run {
	const char	*dir;
	int		 dirfd;
	char		**names;	/* the folder's *.md before, sorted */
	size_t		 nnames;
	unsigned char	*written_name;	/* names[i] was exported */
	unsigned int	 written;
	unsigned int	 unchanged;
	char		 why[512];	/* why a file could not be written */
};

/*
 * Writes text to name in the folder: a temporary file, synced, then
 * renamed over name.  Returns 0, or -1 with the reason in ex->why.
 */
static int
write_atomic(struct export_run *ex, const char *name, const char *text,
    size_t len)
{
	char		 tmp[KBD_MAX_SLUG + 32];
	const char	*p = text;
	size_t		 left = len;
	ssize_t		 w = 0;
	int		 fd = -1, i, saved;

	for (i = 0; i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".%s.%08x", name,
		    (unsigned int)randombytes_random());
		fd = openat(ex->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		snprintf(ex->why, sizeof(ex->why), "%s/%s: %s", ex->dir, tmp,
		    strerror(errno));
		return -1;
	}
	while (left > 0) {
		if ((w = write(fd, p, left)) == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	if (w == 0 && left > 0)
		errno = EIO;
	if (left > 0 || fsync(fd) == -1 || close(fd) == -1 ||
	    (fd = -1, renameat(ex->dirfd, tmp, ex->dirfd, name) == -1)) {
		saved = errno;
		if (fd != -1)
			close(fd);
		unlinkat(ex->dirfd, tmp, 0);
		snprintf(ex->why, sizeof(ex->why), "%s/%s: %s", ex->dir, name,
		    strerror(saved));
		return -1;
	}
	return 0;
}

/* Notes that the folder's file name was exported. */
static void
mark_written(struct export_run *ex, const char *name)
{
	char	**p;

	if (ex->nnames == 0)
		return;
	p = bsearch(&name, ex->names, ex->nnames, sizeof(*ex->names),
	    file_name_cmp);
	if (p != NULL)
		ex->written_name[p - ex->names] = 1;
}

/* One article from the database: its file, unless it is there as it is. */
static int
export_one(void *arg, const char *slug, const char *text, size_t len)
{
	struct export_run	*ex = arg;
	char			 name[KBD_MAX_SLUG + 4], *old;
	size_t			 oldlen;
	int			 same;

	/* A slug becomes a file name: nothing else may. */
	if (!parse_slug(slug, strlen(slug))) {
		snprintf(ex->why, sizeof(ex->why), "the database has an "
		    "article named '%.*s', which is no slug", KBD_MAX_SLUG,
		    slug);
		return -1;
	}
	snprintf(name, sizeof(name), "%s.md", slug);
	mark_written(ex, name);
	old = file_read_at(ex->dirfd, name, len, &oldlen);
	same = old != NULL && oldlen == len && memcmp(old, text, len) == 0;
	free(old);
	if (same) {
		ex->unchanged++;
		return 0;
	}
	if (write_atomic(ex, name, text, len) == -1)
		return -1;
	ex->written++;
	return 0;
}

/*
 * "kbd export DIR": every current article of the cluster's PostgreSQL
 * into the folder (made if missing).  Files of the folder that the
 * database does not have are named and left alone.  Exit status 0, or 1
 * when the database or a write failed.
 */
int
cmd_export(const struct config *cfg)
{
	struct export_run	 ex;
	struct store_pg		*pg = NULL;
	const char		*errstr;
	DIR			*d = NULL;
	size_t			 i;
	int			 rc = 1;

	memset(&ex, 0, sizeof(ex));
	ex.dir = cfg->args[0];
	check_secret(cfg);
	if (mkdir(ex.dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "kbd: export: %s: %s\n", ex.dir,
		    strerror(errno));
		return 1;
	}
	if ((d = opendir(ex.dir)) == NULL ||
	    file_list_md(d, &ex.names, &ex.nnames) == -1) {
		fprintf(stderr, "kbd: export: %s: %s\n", ex.dir,
		    strerror(errno));
		goto done;
	}
	ex.dirfd = dirfd(d);
	ex.written_name = xcalloc(ex.nnames + 1, 1);
	if (store_pg_open(cfg->cluster, &pg, &errstr) == -1) {
		fprintf(stderr, "kbd: export: %s\n", errstr);
		goto done;
	}
	if (store_pg_export_each(pg, export_one, &ex) == -1) {
		fprintf(stderr, "kbd: export: %s\n", *store_pg_error(pg) !=
		    '\0' ? store_pg_error(pg) : ex.why);
		goto done;
	}
	/* The renames are kept only once the folder itself is synced. */
	if (fsync(ex.dirfd) == -1) {
		fprintf(stderr, "kbd: export: %s: %s\n", ex.dir,
		    strerror(errno));
		goto done;
	}
	for (i = 0; i < ex.nnames; i++)
		if (!ex.written_name[i])
			fprintf(stderr, "kbd: %s/%s: not in the database; "
			    "left as it is\n", ex.dir, ex.names[i]);
	fprintf(stderr, "kbd: export: %u written, %u unchanged; from %s\n",
	    ex.written, ex.unchanged, store_pg_where(pg));
	rc = 0;
done:
	store_pg_close(pg);
	free(ex.written_name);
	file_names_free(ex.names, ex.nnames);
	if (d != NULL)
		closedir(d);
	return rc;
}
