/*
 * media.c (store): the pictures articles show, kept as files beside them
 * in <articles>/media/ (PNG, JPEG, WebP and GIF; never SVG, which can
 * carry script).  A picture's type and size in pixels are read from its
 * first bytes, never from its name; its version is a hash of its bytes,
 * so that a page can ask for it under a URL that never changes meaning.
 * Names are plain (a-z, 0-9, '.', '-', '_', one known extension), so a
 * name from a request or an article can never leave the folder.  Saving
 * (an upload) never replaces a picture: a name that is taken gets a
 * number.  Nothing here knows HTTP or Markdown.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

#define MEDIA_DIR	"media"
#define MEDIA_MAX_SIDE	20000	/* pixels: anything larger is no picture */

static char	*folder;	/* the articles folder; NULL: none */

/* The types kbd serves, by their extension. */
static const struct media_type {
	const char	*ext;
	const char	*type;
} types[] = {
	{ "gif", "image/gif" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "png", "image/png" },
	{ "webp", "image/webp" },
};

/*
 * Sets the articles folder whose media/ holds the pictures; NULL: none
 * (every picture is then missing).  At start, before any other call.
 */
void
media_init(const char *articles)
{
	free(folder);
	folder = articles != NULL ? xstrdup(articles) : NULL;
}

/*
 * Is name a picture's name kbd accepts: 1 to KBD_MAX_MEDIA_NAME bytes of
 * a-z, 0-9, '.', '-' and '_', starting with a letter or digit, ending in
 * one of the extensions of types[]?
 */
int
media_name_ok(const char *name)
{
	const char	*dot;
	size_t		 i, n = strlen(name);

	if (n == 0 || n > KBD_MAX_MEDIA_NAME || !((name[0] >= 'a' &&
	    name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '-' || name[i] == '_'))
			return 0;
	if ((dot = strrchr(name, '.')) == NULL)
		return 0;
	for (i = 0; i < nitems(types); i++)
		if (strcmp(dot + 1, types[i].ext) == 0)
			return 1;
	return 0;
}

static unsigned int
be16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static unsigned int
be32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 |
	    (unsigned int)p[2] << 8 | p[3];
}

static unsigned int
le16(const unsigned char *p)
{
	return (unsigned int)p[1] << 8 | p[0];
}

static unsigned int
le24(const unsigned char *p)
{
	return (unsigned int)p[2] << 16 | (unsigned int)p[1] << 8 | p[0];
}

/* A JPEG's size, from its first frame header (SOFn); 0 when none. */
static int
jpeg_size(const unsigned char *p, size_t n, unsigned int *w, unsigned int *h)
{
	size_t		 i = 2;
	unsigned int	 m;

	while (i + 4 <= n) {
		if (p[i] != 0xFF)
			return -1;
		while (i < n && p[i] == 0xFF)	/* fill bytes */
			i++;
		if (i >= n)
			return -1;
		m = p[i++];
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD8))
			continue;		/* no length */
		if (m == 0xD9 || m == 0xDA || i + 2 > n)
			return -1;		/* image data before a frame */
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			if (i + 7 > n)
				return -1;
			*h = be16(p + i + 3);
			*w = be16(p + i + 5);
			return 0;
		}
		i += be16(p + i);
	}
	return -1;
}

/*
 * Tells the type of the picture data[0..len) from its bytes and reads its
 * width and height, into *mi (not its version).  Returns 0, or -1 when
 * data is none of PNG, JPEG, WebP and GIF (SVG, HTML, text, a damaged
 * file) or claims no size or an absurd one.
 */
int
media_sniff(const void *data, size_t len, struct media_info *mi)
{
	const unsigned char	*p = data;
	unsigned int		 w = 0, h = 0;
	const char		*ext = NULL;
	size_t			 i;

	memset(mi, 0, sizeof(*mi));
	if (len >= 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	    memcmp(p + 12, "IHDR", 4) == 0) {
		ext = "png";
		w = be32(p + 16);
		h = be32(p + 20);
	} else if (len >= 10 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0)) {
		ext = "gif";
		w = le16(p + 6);
		h = le16(p + 8);
	} else if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
		if (jpeg_size(p, len, &w, &h) == 0)
			ext = "jpg";
	} else if (len >= 30 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0) {
		ext = "webp";
		if (memcmp(p + 12, "VP8 ", 4) == 0 &&
		    memcmp(p + 23, "\x9d\x01\x2a", 3) == 0) {
			w = le16(p + 26) & 0x3fff;
			h = le16(p + 28) & 0x3fff;
		} else if (memcmp(p + 12, "VP8L", 4) == 0 && p[20] == 0x2f) {
			w = ((unsigned int)p[21] | (unsigned int)(p[22] & 0x3f)
			    << 8) + 1;
			h = ((unsigned int)(p[22] >> 6) | (unsigned int)p[23] << 2 |
			    (unsigned int)(p[24] & 0x0f) << 10) + 1;
		} else if (memcmp(p + 12, "VP8X", 4) == 0) {
			w = le24(p + 24) + 1;
			h = le24(p + 27) + 1;
		}
	}
	if (ext == NULL || w == 0 || h == 0 || w > MEDIA_MAX_SIDE ||
	    h > MEDIA_MAX_SIDE)
		return -1;
	mi->ext = ext;
	for (i = 0; i < nitems(types); i++)
		if (strcmp(types[i].ext, ext) == 0)
			mi->type = types[i].type;
	mi->width = w;
	mi->height = h;
	return 0;
}

/* Opens the media folder; -1 with errno (ENOENT without a folder). */
static int
media_dir(int create)
{
	int	 dirfd, fd;

	if (folder == NULL) {
		errno = ENOENT;
		return -1;
	}
	if ((dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (create && mkdirat(dirfd, MEDIA_DIR, 0755) == -1 && errno != EEXIST) {
		close(dirfd);
		return -1;
	}
	fd = openat(dirfd, MEDIA_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	close(dirfd);
	return fd;
}

/* Writes the version of data[0..len) (16 hex digits) into mi. */
static void
version_of(const void *data, size_t len, struct media_info *mi)
{
	unsigned char	 h[8];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(mi->version, sizeof(mi->version), h, sizeof(h));
}

/*
 * Reads the picture name of the media folder, checks that it is one, and
 * describes it in *mi.  Returns its bytes (the caller frees them) and
 * their number in *len, or NULL with errno: ENOENT (no such file, or a
 * name kbd does not accept), EINVAL (not a picture kbd serves: SVG, text,
 * a damaged file, larger than KBD_MAX_MEDIA), EIO.
 */
char *
media_read(const char *name, size_t *len, struct media_info *mi)
{
	char	*data;
	int	 dirfd, saved;

	memset(mi, 0, sizeof(*mi));
	if (!media_name_ok(name)) {
		errno = ENOENT;
		return NULL;
	}
	if ((dirfd = media_dir(0)) == -1)
		return NULL;
	data = file_read_at(dirfd, name, KBD_MAX_MEDIA, len);
	saved = errno;
	close(dirfd);
	if (data == NULL) {
		errno = saved == ENOENT || saved == ELOOP ? ENOENT :
		    saved == EISDIR ? EINVAL : saved;
		return NULL;
	}
	if (*len > KBD_MAX_MEDIA || media_sniff(data, *len, mi) == -1) {
		free(data);
		errno = EINVAL;
		return NULL;
	}
	version_of(data, *len, mi);
	return data;
}

/* media_read() without the bytes: 0, or -1 with its errno. */
int
media_info(const char *name, struct media_info *mi)
{
	size_t	 len;
	char	*data;

	if ((data = media_read(name, &len, mi)) == NULL)
		return -1;
	free(data);
	return 0;
}

/* Writes data[0..len) to fd, whole.  0, or -1 with errno. */
static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Saves the picture data[0..len) in the media folder (made if missing)
 * under a name made from want (an uploaded file's name: its base name
 * as a slug, "bild" if nothing is left, and the extension of the type
 * its bytes show), numbered when taken ("anleitung-2.png"); an existing
 * picture is never replaced.  Writes the name into name (size bytes) and
 * describes the picture in *mi.  Returns 0, or -1 with errno and a reason
 * in *errstr: EINVAL (not PNG, JPEG, WebP or GIF), E2BIG (larger than
 * KBD_MAX_MEDIA), EIO and others (the folder cannot be written).
 */
int
media_save(const void *data, size_t len, const char *want, char *name,
    size_t size, struct media_info *mi, const char **errstr)
{
	struct buf	 base;
	const char	*dot;
	char		 tmp[64], rnd[9], *stem;
	unsigned char	 r[4];
	int		 dirfd, fd = -1, i, saved;

	if (len > KBD_MAX_MEDIA) {
		*errstr = "the picture is larger than " STR(KBD_MAX_MEDIA_MB)
		    " MB";
		errno = E2BIG;
		return -1;
	}
	if (media_sniff(data, len, mi) == -1) {
		*errstr = "not a PNG, JPEG, WebP or GIF picture (SVG is not "
		    "taken: it can carry script)";
		errno = EINVAL;
		return -1;
	}
	version_of(data, len, mi);
	buf_init(&base);
	if ((dot = strrchr(want, '/')) != NULL)
		want = dot + 1;
	dot = strrchr(want, '.');
	stem = xstrndup(want, dot != NULL ? (size_t)(dot - want) : strlen(want));
	escape_slug(&base, stem, KBD_MAX_MEDIA_NAME - 12);
	free(stem);
	if (base.len == 0)
		buf_puts(&base, "bild");
	*errstr = "the media folder cannot be written";
	if ((dirfd = media_dir(1)) == -1) {
		buf_free(&base);
		return -1;
	}
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rnd, sizeof(rnd), r, sizeof(r));
	snprintf(tmp, sizeof(tmp), ".upload-%s", rnd);
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		goto fail;
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1)
		goto fail;
	close(fd);
	fd = -1;
	/* linkat() never replaces a file: a name taken is left alone. */
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(name, size, "%s.%s", base.data, mi->ext);
		else
			snprintf(name, size, "%s-%d.%s", base.data, i, mi->ext);
		if (linkat(dirfd, tmp, dirfd, name, 0) == 0)
			break;
		if (errno != EEXIST)
			goto fail;
	}
	if (i == 1000) {
		errno = EEXIST;
		goto fail;
	}
	unlinkat(dirfd, tmp, 0);
	if (fsync(dirfd) == -1 && errno != EINVAL)
		goto fail;
	close(dirfd);
	buf_free(&base);
	*errstr = NULL;
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	close(dirfd);
	buf_free(&base);
	errno = saved;
	return -1;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Writes into out (at least 17 bytes) a stamp of the media folder of the
 * articles folder dir: a hash of its pictures' names, sizes, inodes and
 * modification times, "" when there is no such folder.  Imports compare
 * it to know whether articles that show pictures must be rendered again
 * (their sizes and versions are part of the HTML).
 */
void
media_stamp(const char *dir, char *out, size_t size)
{
	crypto_generichash_state	 st;
	struct dirent			*de;
	struct stat			 sb;
	unsigned char			 h[8];
	char				**names = NULL, line[160];
	size_t				 n = 0, cap = 0, i;
	DIR				*d;
	int				 top, fd;

	*out = '\0';
	if ((top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	fd = openat(top, MEDIA_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(top);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!media_name_ok(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), str_cmp);
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (i = 0; i < n; i++) {
		if (fstatat(dirfd(d), names[i], &sb, 0) == 0)
			snprintf(line, sizeof(line), "%s %lld %llu %lld.%09ld\n",
			    names[i], (long long)sb.st_size,
			    (unsigned long long)sb.st_ino,
			    (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
		else
			snprintf(line, sizeof(line), "%s -\n", names[i]);
		crypto_generichash_update(&st, (const unsigned char *)line,
		    strlen(line));
		free(names[i]);
	}
	free(names);
	closedir(d);
	crypto_generichash_final(&st, h, sizeof(h));
	if (size >= 17)
		sodium_bin2hex(out, size, h, sizeof(h));
}
