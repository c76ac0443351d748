/*
 * file.c (base): reading a whole file with a bound, relative to a folder
 * descriptor (openat), so that a path from a folder listing cannot be
 * made to point elsewhere by a rename of the folder under way; and the
 * listing of a folder's articles (*.md), as the import and the cluster
 * commands read a folder; writing a file whole or not at all; the hash
 * by which an article's file is known everywhere, and lists of slugs
 * with those hashes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

/*
 * Reads the file name, relative to dirfd (or AT_FDCWD), up to max + 1
 * bytes, so that a caller can tell a file that is too large.  The bytes
 * are NUL-terminated.  Returns them, which the caller frees, or NULL with
 * errno set.
 */
char *
file_read_at(int dirfd, const char *name, size_t max, size_t *len)
{
	struct buf	 b;
	char		 chunk[65536];
	ssize_t		 n = 0;
	int		 fd, saved;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	buf_init(&b);
	buf_put(&b, "", 0);
	while (b.len <= max) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_put(&b, chunk, (size_t)n);
	}
	saved = errno;
	close(fd);
	if (n == -1) {
		buf_free(&b);
		errno = saved;
		return NULL;
	}
	return buf_detach(&b, len);
}

int
file_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.md names of the folder d (no hidden ones), sorted by strcmp,
 * into *names and *n; free them with file_names_free().  Returns 0, or
 * -1 with errno when the folder could not be read.
 */
int
file_list_md(DIR *d, char ***names, size_t *n)
{
	struct dirent	*de;
	size_t		 len, cap = 0;

	*names = NULL;
	*n = 0;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*names = xreallocarray(*names, cap, sizeof(**names));
		}
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	if (errno != 0)
		return -1;
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), file_name_cmp);
	return 0;
}

void
file_names_free(char **names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Writes text to name, relative to dirfd, unless the file holds it
 * already: a temporary file, then a rename, so that no reader (an
 * import, inotify, git) ever sees half a file.  Returns 1 when written,
 * 0 when it was there, -1 with errno set.
 */
int
file_put_at(int dirfd, const char *name, const char *text, size_t len,
    mode_t mode)
{
	char		 tmp[NAME_MAX + 1], *old;
	size_t		 oldlen, off = 0;
	ssize_t		 w;
	int		 fd, same, saved;

	old = file_read_at(dirfd, name, len, &oldlen);
	same = old != NULL && oldlen == len && memcmp(old, text, len) == 0;
	free(old);
	if (same)
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, mode)) == -1)
		return -1;
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1 &&
		    errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || close(fd) == -1 ||
	    renameat(dirfd, tmp, dirfd, name) == -1) {
		saved = off < len && errno == 0 ? EIO : errno;
		if (off < len)
			close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 1;
}

/* The hash of a file's bytes, in hex: how import.c and PostgreSQL know it. */
void
file_hash(const char *text, size_t len, char hex[65])
{
	unsigned char	 bin[32];

	crypto_generichash(bin, sizeof(bin), (const unsigned char *)text, len,
	    NULL, 0);
	sodium_bin2hex(hex, 65, bin, sizeof(bin));
}

void
slug_hashes_clear(struct slug_hashes *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].slug);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Adds slug and hash to the list arg (store_pg_current_each's fn). */
void
slug_hashes_add(void *arg, const char *slug, const char *hash)
{
	struct slug_hashes	*l = arg;
	struct slug_hash	*f;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	f = &l->v[l->n++];
	f->slug = xstrdup(slug);
	snprintf(f->hash, sizeof(f->hash), "%s", hash);
}

static int
slug_hash_cmp(const void *a, const void *b)
{
	return strcmp(((const struct slug_hash *)a)->slug,
	    ((const struct slug_hash *)b)->slug);
}

/* Sorts l by slug, in C's order (PostgreSQL's may be a locale's). */
void
slug_hashes_sort(struct slug_hashes *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), slug_hash_cmp);
}

/* The entry of slug in the sorted l, or NULL. */
struct slug_hash *
slug_hashes_find(const struct slug_hashes *l, const char *slug)
{
	struct slug_hash	 key;

	if (l->n == 0)
		return NULL;
	key.slug = (char *)(uintptr_t)slug;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), slug_hash_cmp);
}
