/*
 * staff_edit.c (staff): changes staff make to articles: save (create or
 * update), publish and unpublish, delete, restore a revision, rename, and a
 * phrasing customers search with added to its aliases.  The files stay the
 * source of truth: a change is written to articles/<slug>.md (a hidden
 * temporary file, fsync, rename, fsync of the folder), and that file is
 * imported at once (writer_import_file: that file alone, and the snapshot
 * patched, not rebuilt), which records the new revision under the editor's
 * name.  Only then is the change acknowledged, so a 2xx answer means the edit
 * is on disk and served.
 *
 * Every change runs as a job in the writer thread (writer_call), so
 * changes, imports and hit flushes never interleave.  Saves take the
 * revision the editor started from: if the article has moved on since,
 * the save is refused with 409 and the text as it is now, and nothing is
 * overwritten (optimistic locking).
 *
 * On a node of a cluster (staff_edit_cluster) the articles are the
 * cluster's PostgreSQL's, and the node's folder is its copy of them
 * (cmd_node.c).  There a change goes to PostgreSQL first, as one
 * transaction under the articles' lock: the article there must be the
 * one this node has (else 409, as above: another node changed it), then
 * the article, its revision (the editor as author) or its new name are
 * written and committed, which tells the other nodes (NOTIFY).  Only
 * then is the node's file written and imported as on a single node, so
 * that an acknowledged change is in PostgreSQL and served here.  When
 * PostgreSQL cannot be reached or fails, the change is refused with 503
 * and a German reason and nothing is written here.  The writer's own
 * connection is opened at the first change and again after a failure
 * (libpq connections are not shared between threads).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

#define PG_AWAY		"Die gemeinsame Datenbank des Clusters " \
			"(PostgreSQL) ist gerade nicht erreichbar. Der Text " \
			"ist nicht gespeichert; bitte versuchen Sie es in " \
			"einer Minute noch einmal."

static const char	*cluster;	/* PostgreSQL's URL on a node */
static struct store_pg	*pg;		/* the writer's, once a change came */
static int		 in_tx;		/* a transaction on pg is open */

/*
 * Makes this server a node of the cluster whose PostgreSQL is at url:
 * every change goes there first.  Once, before HTTP starts.
 */
void
staff_edit_cluster(const char *url)
{
	cluster = url;
}

/* Closes the writer's connection; after the writer stopped. */
void
staff_edit_close(void)
{
	store_pg_close(pg);
	pg = NULL;
	in_tx = 0;
}

/*
 * Notes that the change is refused: err says what kind of failure it is
 * (errno: ENOENT, EEXIST, EINVAL, EIO), the format why.  Returns -1.
 */
static int
refuse(struct edit *e, int err, const char *fmt, ...) KBD_PRINTF(3, 4);

static int
refuse(struct edit *e, int err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	e->err = err;
	return -1;
}

/*
 * PostgreSQL failed (or cannot be reached): the change is refused with
 * 503, the connection dropped, to be opened anew by the next change.
 * Returns -1.
 */
static int
pg_failed(struct edit *e)
{
	log_warnx("cluster: %s: %s by %s refused: %s", e->slug,
	    e->new_slug != NULL ? "rename" : "change", e->author,
	    pg != NULL ? store_pg_error(pg) : "no connection");
	staff_edit_close();
	return refuse(e, EBUSY, "%s", PG_AWAY);
}

/* The content hash of text, the one import.c and kbd import give. */
static void
text_hash(const char *text, char hash[65])
{
	unsigned char	 bin[32];

	crypto_generichash(bin, sizeof(bin), (const unsigned char *)text,
	    strlen(text), NULL, 0);
	sodium_bin2hex(hash, 65, bin, sizeof(bin));
}

/*
 * On a node: begins the change's transaction in PostgreSQL and checks
 * that its article slug is the one this node has (c), so that nothing
 * another node saved meanwhile is overwritten.  Returns 0 (at once when
 * not a node) with PostgreSQL's article in *st (st->id 0: none; the
 * caller clears it), or -1 with e refused: EBUSY, PostgreSQL failed;
 * EEXIST, it has another version, whose text is left in e->current for
 * a save (e->rev is this node's, which is behind: see follow()).
 */
static int
pg_check(struct edit *e, const char *slug, const struct store_newest *c,
    struct store_pg_state *st)
{
	const char	*errstr;
	char		 hash[65];
	int		 live, pg_live;

	memset(st, 0, sizeof(*st));
	if (cluster == NULL)
		return 0;
	if (pg == NULL && store_pg_open(cluster, &pg, &errstr) == -1) {
		log_warnx("cluster: %s", errstr);
		return pg_failed(e);
	}
	if (store_pg_begin(pg) == -1)
		return pg_failed(e);
	in_tx = 1;
	if (store_pg_article_state(pg, slug, st) == -1)
		return pg_failed(e);
	live = c->id != 0 && !c->deleted && c->text != NULL;
	pg_live = st->id != 0 && !st->deleted;
	if (live)
		text_hash(c->text, hash);
	if (live == pg_live && (!live || strcmp(hash, st->hash) == 0))
		return 0;
	log_info("cluster: %s: changed on another node; this node's copy "
	    "follows", slug);
	if (!pg_live)
		return refuse(e, EEXIST, "the article was deleted on another "
		    "node in the meantime");
	if (e->base_rev == 0 && !live)
		return refuse(e, EEXIST, "there is an article at /a/%s "
		    "already", slug);
	if (e->base_rev == 0)
		return refuse(e, EEXIST, "the article was changed on another "
		    "node in the meantime; please try again");
	e->current = st->text;
	st->text = NULL;
	e->rev = c->rev;
	return refuse(e, EEXIST, "another revision was saved in the "
	    "meantime");
}

/* Commits the change's transaction, if any: 0, or -1 (EBUSY). */
static int
pg_commit(struct edit *e)
{
	if (!in_tx)
		return 0;
	in_tx = 0;
	if (store_pg_commit(pg) == -1)
		return pg_failed(e);
	return 0;
}

/*
 * On a node, in pg_check's transaction: text (valid) becomes slug's
 * current file in PostgreSQL, and a revision by the editor, committed.
 * Returns 0, or -1 with e refused (EBUSY).
 */
static int
pg_put(struct edit *e, const char *slug, const char *text, const char *hash)
{
	struct article		 a;
	char			 why[256];
	int64_t			 id;
	int			 added, rc = 0;

	if (!in_tx)
		return 0;
	memset(&a, 0, sizeof(a));
	if (article_parse(&a, slug, text, strlen(text), why,
	    sizeof(why)) == -1) {
		article_clear(&a);
		return refuse(e, EINVAL, "%s", why);
	}
	if (store_pg_article_put(pg, &a, hash, clock_seconds(), &id) == -1 ||
	    store_pg_revision_add(pg, id, e->author, clock_seconds(), hash,
	    text, &added) == -1)
		rc = pg_failed(e);
	else
		rc = pg_commit(e);
	article_clear(&a);
	return rc;
}

/* Makes what was written into the folder dirfd durable. */
static int
sync_dir(int dirfd)
{
	return fsync(dirfd) == -1 && errno != EINVAL ? -1 : 0;
}

/*
 * Replaces (or creates) slug.md in the articles folder with text, whole
 * or not at all.  Returns 0, or -1 with errno set.
 */
static int
write_file(const char *slug, const char *text)
{
	char	 tmp[KBD_MAX_SLUG + 16], name[KBD_MAX_SLUG + 4];
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 dirfd, fd = -1, saved;

	snprintf(tmp, sizeof(tmp), ".%s.md.saving", slug);
	snprintf(name, sizeof(name), "%s.md", slug);
	if ((dirfd = open(writer_folder(), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	unlinkat(dirfd, tmp, 0);
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) == -1 || sync_dir(dirfd) == -1)
		goto fail;
	close(dirfd);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	close(dirfd);
	errno = saved;
	return -1;
}

/*
 * Writes text as slug's file, imports it and notes the revision in e.
 * The text must have passed article_parse().
 */
static int
commit_text(sqlite3 *db, struct edit *e, const char *slug, const char *text,
    int created)
{
	char		 hash[65];

	text_hash(text, hash);
	if (pg_put(e, slug, text, hash) == -1)
		return -1;
	if (write_file(slug, text) == -1)
		return refuse(e, EIO, "%s/%s.md cannot be written: %s",
		    writer_folder(), slug, strerror(errno));
	import_expect(slug, hash, e->author);
	if (writer_import_file(slug) == -1 ||
	    (e->rev = store_article_rev_of(db, slug, hash)) < 0)
		return refuse(e, EIO, "the file was written, but the database "
		    "did not take it; it will be read at the next import");
	log_info("articles: %s saved by %s (revision %lld)", slug, e->author,
	    (long long)e->rev);
	e->err = 0;
	e->created = created;
	return 0;
}

/*
 * On a node whose copy of slug is behind PostgreSQL (a save refused
 * with PostgreSQL's text in e->current): that text becomes the node's
 * file at once, so that the revision in the 409 (e->rev) is the one a
 * merged save must name.  Failing, e->rev stays the node's older one
 * and the node's thread brings the file soon.
 */
static void
follow(sqlite3 *db, struct edit *e, const char *slug)
{
	char	 hash[65];
	int64_t	 rev;

	text_hash(e->current, hash);
	if (write_file(slug, e->current) == -1) {
		log_warn("%s/%s.md", writer_folder(), slug);
		return;
	}
	if (writer_import_file(slug) == 0 &&
	    (rev = store_article_rev_of(db, slug, hash)) > 0)
		e->rev = rev;
}

/* Checks text as the import would: 0, or -1 (EINVAL) with the reason. */
static int
text_valid(struct edit *e, const char *slug, const char *text)
{
	struct article	 a;
	char		 why[256];
	int		 rc;

	rc = article_parse(&a, slug, text, strlen(text), why, sizeof(why));
	article_clear(&a);
	if (rc == -1)
		return refuse(e, EINVAL, "%s", why);
	return 0;
}

/* Checks the fields of a save before anything is composed: 0 or -1. */
static int
fields_valid(struct edit *e)
{
	if (!parse_slug(e->slug, strlen(e->slug)))
		return refuse(e, EINVAL, "the address (slug) may use a-z, 0-9, "
		    "'-' and '_', at most %d", KBD_MAX_SLUG);
	if (e->title[strcspn(e->title, "\r\n")] != '\0')
		return refuse(e, EINVAL, "the title is one line");
	if (e->category[strcspn(e->category, "\r\n")] != '\0')
		return refuse(e, EINVAL, "the category is one line");
	return 1;
}

static int
save_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct store_pg_state	 st;
	char		*text = NULL;

	memset(&st, 0, sizeof(st));
	if (fields_valid(e) == -1)
		return -1;
	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	if (e->base_rev == 0 && c.id != 0 && !c.deleted)
		refuse(e, EEXIST, "there is an article at /a/%s already",
		    e->slug);
	else if (e->base_rev != 0 && c.id == 0)
		refuse(e, ENOENT, "no such article");
	else if (e->base_rev != 0 && e->base_rev != c.rev) {
		refuse(e, EEXIST, "revision %lld was saved in the meantime",
		    (long long)c.rev);
		e->current = c.text;
		e->rev = c.rev;
		c.text = NULL;
	} else {
		text = article_compose(c.text, e->title, e->category, e->tags,
		    NULL, e->draft, e->body);
		if (c.text != NULL && !c.deleted && strcmp(c.text, text) == 0) {
			e->rev = c.rev;
			e->err = 0;	/* nothing changed */
		} else if (text_valid(e, e->slug, text) == 0 &&
		    pg_check(e, e->slug, &c, &st) == 0)
			commit_text(db, e, e->slug, text, c.id == 0);
		else if (e->err == EEXIST && e->current != NULL)
			follow(db, e, e->slug);
	}
	free(text);
	store_pg_state_clear(&st);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/* Unpublishes (draft) or publishes the article, changing nothing else. */
static int
publish_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct store_pg_state	 st;
	struct article	 a;
	char		 why[256], *text = NULL;

	memset(&st, 0, sizeof(st));
	memset(&a, 0, sizeof(a));
	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	if (c.id == 0 || c.deleted || c.text == NULL)
		refuse(e, ENOENT, "no such article");
	else if (article_parse(&a, e->slug, c.text, strlen(c.text), why,
	    sizeof(why)) == -1)
		refuse(e, EINVAL, "%s", why);
	else if (a.draft == e->draft) {
		e->rev = c.rev;
		e->err = 0;
	} else {
		text = article_compose(c.text, a.title, a.category, a.tags,
		    NULL, e->draft, a.markdown);
		if (text_valid(e, e->slug, text) == 0 &&
		    pg_check(e, e->slug, &c, &st) == 0)
			commit_text(db, e, e->slug, text, 0);
	}
	article_clear(&a);
	free(text);
	store_pg_state_clear(&st);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/* Is phrase one of the '\n'-joined list, ignoring case (ASCII)? */
static int
in_list(const char *list, const char *phrase)
{
	size_t	 n = strlen(phrase), len;

	for (; *list != '\0'; list += len + (list[len] == '\n')) {
		len = strcspn(list, "\n");
		if (len == n && strncasecmp(list, phrase, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Adds e->alias to the aliases of the article ("Auch gesucht als"), the
 * rest of the file unchanged; a phrasing it has already changes nothing.
 */
static int
alias_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct store_pg_state	 st;
	struct article	 a;
	char		 why[256], *text = NULL, *list = NULL;

	memset(&st, 0, sizeof(st));
	memset(&a, 0, sizeof(a));
	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	if (c.id == 0 || c.deleted || c.text == NULL)
		refuse(e, ENOENT, "no such article");
	else if (*e->alias == '\0' || strpbrk(e->alias, "\r\n") != NULL)
		refuse(e, EINVAL, "a phrasing is one line of text");
	else if (article_parse(&a, e->slug, c.text, strlen(c.text), why,
	    sizeof(why)) == -1)
		refuse(e, EINVAL, "%s", why);
	else if (in_list(a.aliases, e->alias)) {
		e->rev = c.rev;
		e->err = 0;
	} else {
		list = xasprintf("%s%s%s", a.aliases, *a.aliases != '\0' ?
		    "\n" : "", e->alias);
		text = article_compose(c.text, a.title, a.category, a.tags,
		    list, a.draft, a.markdown);
		if (text_valid(e, e->slug, text) == 0 &&
		    pg_check(e, e->slug, &c, &st) == 0)
			commit_text(db, e, e->slug, text, 0);
	}
	article_clear(&a);
	free(list);
	free(text);
	store_pg_state_clear(&st);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/*
 * Removes the file; the revisions keep every version for a restore.  On
 * a node, PostgreSQL marks the article deleted first.
 */
static int
delete_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct store_pg_state	 st;
	char		 name[KBD_MAX_SLUG + 4];
	int		 dirfd;

	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	if (c.id == 0 || c.deleted) {
		free(c.text);
		return refuse(e, ENOENT, "no such article");
	}
	if (pg_check(e, e->slug, &c, &st) == -1 || (in_tx &&
	    store_pg_article_delete(pg, st.id, clock_seconds()) == -1 &&
	    pg_failed(e) == -1) || pg_commit(e) == -1) {
		free(c.text);
		store_pg_state_clear(&st);
		return -1;
	}
	free(c.text);
	store_pg_state_clear(&st);
	snprintf(name, sizeof(name), "%s.md", e->slug);
	if ((dirfd = open(writer_folder(), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (unlinkat(dirfd, name, 0) == -1 &&
	    errno != ENOENT) || sync_dir(dirfd) == -1) {
		refuse(e, EIO, "%s/%s cannot be removed: %s",
		    writer_folder(), name, strerror(errno));
		if (dirfd != -1)
			close(dirfd);
		return 0;
	}
	close(dirfd);
	if (writer_import_file(e->slug) == -1)
		return refuse(e, EIO, "the file was removed, but the database "
		    "did not take it");
	log_info("articles: %s deleted by %s", e->slug, e->author);
	e->rev = c.rev;
	e->err = 0;
	return e->err == 0 ? 0 : -1;
}

/* Writes revision e->restore_rev (0: the last) back as the file. */
static int
restore_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct store_pg_state	 st;
	char		*text = NULL;

	memset(&st, 0, sizeof(st));
	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	if (c.id != 0)
		text = store_article_revision_text(db, c.id,
		    e->restore_rev > 0 ? e->restore_rev : c.rev);
	if (text == NULL)
		refuse(e, ENOENT, "no such revision");
	else if (!c.deleted && c.text != NULL && strcmp(text, c.text) == 0) {
		e->rev = c.rev;
		e->err = 0;
	} else if (text_valid(e, e->slug, text) == 0 &&
	    pg_check(e, e->slug, &c, &st) == 0)
		commit_text(db, e, e->slug, text, 0);
	free(text);
	store_pg_state_clear(&st);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/*
 * On a node: the rename in PostgreSQL, committed (the old name
 * redirects there too), unless the new name is taken there.  Returns 0,
 * or -1 with e refused.
 */
static int
pg_rename(struct edit *e, const struct store_newest *c)
{
	struct store_pg_state	 st, taken;
	int			 rc = -1;

	memset(&taken, 0, sizeof(taken));
	if (pg_check(e, e->slug, c, &st) == -1)
		goto done;
	if (!in_tx)
		return 0;
	if (st.id == 0)
		refuse(e, ENOENT, "no such article");
	else if (store_pg_article_state(pg, e->new_slug, &taken) == -1)
		pg_failed(e);
	else if (taken.id != 0)
		refuse(e, EEXIST, "/a/%s is taken", e->new_slug);
	else if (store_pg_article_move(pg, st.id, e->slug, e->new_slug,
	    clock_seconds()) == -1)
		pg_failed(e);
	else
		rc = pg_commit(e);
done:
	store_pg_state_clear(&st);
	store_pg_state_clear(&taken);
	return rc;
}

/*
 * Gives the article a new slug: the database first (the old name becomes
 * a redirect), then the file.  Should kbd stop in between, the import
 * finishes the rename (import.c, finish_rename).
 */
static int
rename_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c, taken;
	char		 from[KBD_MAX_SLUG + 4], to[KBD_MAX_SLUG + 4];
	int		 dirfd = -1;

	if (!parse_slug(e->new_slug, strlen(e->new_slug)))
		return refuse(e, EINVAL, "the address (slug) may use a-z, 0-9, "
		    "'-' and '_', at most %d", KBD_MAX_SLUG);
	if (store_article_newest(db, e->slug, &c) == -1 ||
	    store_article_newest(db, e->new_slug, &taken) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	free(taken.text);
	snprintf(from, sizeof(from), "%s.md", e->slug);
	snprintf(to, sizeof(to), "%s.md", e->new_slug);
	if (c.id == 0)
		return refuse(e, ENOENT, "no such article");
	if (taken.id != 0 || ((dirfd = open(writer_folder(), O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) != -1 && faccessat(dirfd, to, F_OK,
	    0) == 0)) {
		if (dirfd != -1)
			close(dirfd);
		free(c.text);
		return refuse(e, EEXIST, "/a/%s is taken", e->new_slug);
	}
	if (dirfd == -1) {
		free(c.text);
		return refuse(e, EIO, "%s: %s", writer_folder(),
		    strerror(errno));
	}
	/*
	 * Once PostgreSQL has it, this node's own thread may write the new
	 * name's file and remove the old before the rename below: then
	 * that rename finds nothing to do.
	 */
	if (pg_rename(e, &c) == -1) {
		free(c.text);
		close(dirfd);
		return -1;
	}
	free(c.text);
	if (store_article_rename(db, c.id, e->slug, e->new_slug) == -1) {
		refuse(e, EIO, "%s", store_error(db));
		close(dirfd);
		return 0;
	}
	if (!c.deleted && (renameat(dirfd, from, dirfd, to) == -1 ?
	    errno != ENOENT || cluster == NULL : sync_dir(dirfd) == -1))
		log_warn("%s/%s: rename to %s", writer_folder(), from, to);
	close(dirfd);
	writer_import();
	log_info("articles: %s renamed to %s by %s", e->slug, e->new_slug,
	    e->author);
	e->rev = c.rev;
	e->err = 0;
	return e->err == 0 ? 0 : -1;
}

/* A change, and what rolls back its PostgreSQL transaction if open. */
struct change {
	writer_fn	 fn;
	struct edit	*e;
};

static int
change_job(sqlite3 *db, void *arg)
{
	struct change	*ch = arg;
	int		 rc;

	if (cluster != NULL)
		writer_folder_lock();
	rc = ch->fn(db, ch->e);
	if (in_tx) {
		store_pg_rollback(pg);
		in_tx = 0;
	}
	if (cluster != NULL)
		writer_folder_unlock();
	return rc;
}

static int
run(writer_fn fn, struct edit *e, const char **errstr)
{
	struct change	 ch = { fn, e };

	e->current = NULL;
	e->created = 0;
	refuse(e, ESHUTDOWN, "the server is stopping");
	writer_call(change_job, &ch);
	if (e->err == 0)
		return 0;
	*errstr = e->why;
	errno = e->err;
	return -1;
}

/*
 * Each makes its change in the writer and returns 0, with the article's
 * revision in e->rev (and e->created for a new article), or -1 with
 * errno and a reason in *errstr: ENOENT, no such article; EEXIST, the
 * slug is taken, or (staff_edit_save) another revision was saved in the
 * meantime, whose text is left in e->current, which the caller frees;
 * EINVAL, the text or a field is not valid; EIO, the file or the
 * database failed; ESHUTDOWN, the server is stopping; EBUSY, on a node
 * of a cluster: PostgreSQL cannot be reached or failed, and nothing was
 * changed.
 */
int
staff_edit_save(struct edit *e, const char **errstr)
{
	return run(save_job, e, errstr);
}

int
staff_edit_publish(struct edit *e, const char **errstr)
{
	return run(publish_job, e, errstr);
}

int
staff_edit_delete(struct edit *e, const char **errstr)
{
	return run(delete_job, e, errstr);
}

int
staff_edit_restore(struct edit *e, const char **errstr)
{
	return run(restore_job, e, errstr);
}

int
staff_edit_alias(struct edit *e, const char **errstr)
{
	return run(alias_job, e, errstr);
}

int
staff_edit_rename(struct edit *e, const char **errstr)
{
	return run(rename_job, e, errstr);
}
