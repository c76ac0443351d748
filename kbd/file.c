/*
 * file.c (base): reading a whole file with a bound, relative to a folder
 * descriptor (openat), so that a path from a folder listing cannot be
 * made to point elsewhere by a rename of the folder under way.
 */
#include <errno.h>
#include <fcntl.h>
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
