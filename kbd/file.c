/*
 * file.c (base): reading a whole file with a bound, relative to a folder
 * descriptor (openat), so that a path from a folder listing cannot be
 * made to point elsewhere by a rename of the folder under way; and the
 * listing of a folder's articles (*.md), as the import and the cluster
 * commands read a folder.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
