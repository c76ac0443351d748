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

static const char	*refused;	/* all changes: why, or NULL */

/*
 * Refuses every change from now on with 503 and the message why (for
 * people; static), so that nothing is written where it would not last:
 * a cluster node, whose articles come from PostgreSQL.  Once, before
 * HTTP starts.
 */
void
staff_edit_refuse(const char *why)
{
	refused = why;
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
	unsigned char	 bin[32];
	char		 hash[65];

	if (write_file(slug, text) == -1)
		return refuse(e, EIO, "%s/%s.md cannot be written: %s",
		    writer_folder(), slug, strerror(errno));
	crypto_generichash(bin, sizeof(bin), (const unsigned char *)text,
	    strlen(text), NULL, 0);
	sodium_bin2hex(hash, sizeof(hash), bin, sizeof(bin));
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
	char		*text = NULL;

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
		} else if (text_valid(e, e->slug, text) == 0)
			commit_text(db, e, e->slug, text, c.id == 0);
	}
	free(text);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/* Unpublishes (draft) or publishes the article, changing nothing else. */
static int
publish_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	struct article	 a;
	char		 why[256], *text = NULL;

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
		if (text_valid(e, e->slug, text) == 0)
			commit_text(db, e, e->slug, text, 0);
	}
	article_clear(&a);
	free(text);
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
	struct article	 a;
	char		 why[256], *text = NULL, *list = NULL;

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
		if (text_valid(e, e->slug, text) == 0)
			commit_text(db, e, e->slug, text, 0);
	}
	article_clear(&a);
	free(list);
	free(text);
	free(c.text);
	return e->err == 0 ? 0 : -1;
}

/* Removes the file; the revisions keep every version for a restore. */
static int
delete_job(sqlite3 *db, void *arg)
{
	struct edit	*e = arg;
	struct store_newest	 c;
	char		 name[KBD_MAX_SLUG + 4];
	int		 dirfd;

	if (store_article_newest(db, e->slug, &c) == -1)
		return refuse(e, EIO, "%s", store_error(db));
	free(c.text);
	if (c.id == 0 || c.deleted)
		return refuse(e, ENOENT, "no such article");
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
	char		*text = NULL;

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
	} else if (text_valid(e, e->slug, text) == 0)
		commit_text(db, e, e->slug, text, 0);
	free(text);
	free(c.text);
	return e->err == 0 ? 0 : -1;
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
	free(c.text);
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
		return refuse(e, EEXIST, "/a/%s is taken", e->new_slug);
	}
	if (dirfd == -1)
		return refuse(e, EIO, "%s: %s", writer_folder(),
		    strerror(errno));
	if (store_article_rename(db, c.id, e->slug, e->new_slug) == -1) {
		refuse(e, EIO, "%s", store_error(db));
		close(dirfd);
		return 0;
	}
	if (!c.deleted && (renameat(dirfd, from, dirfd, to) == -1 ||
	    sync_dir(dirfd) == -1))
		log_warn("%s/%s: rename to %s", writer_folder(), from, to);
	close(dirfd);
	writer_import();
	log_info("articles: %s renamed to %s by %s", e->slug, e->new_slug,
	    e->author);
	e->rev = c.rev;
	e->err = 0;
	return e->err == 0 ? 0 : -1;
}

static int
run(writer_fn fn, struct edit *e, const char **errstr)
{
	e->current = NULL;
	e->created = 0;
	if (refused != NULL) {
		refuse(e, EBUSY, "%s", refused);
		*errstr = e->why;
		errno = e->err;
		return -1;
	}
	refuse(e, ESHUTDOWN, "the server is stopping");
	writer_call(fn, e);
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
 * database failed; ESHUTDOWN, the server is stopping; EBUSY, changes
 * are refused here (staff_edit_refuse).
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
