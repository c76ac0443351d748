/*
 * static.c: the files under /static/.  The folder is read into memory at
 * start: it is small, and serving from memory means no request path ever
 * reaches the file system, so "..", encoded dots, absolute paths and
 * symlinks cannot lead anywhere.  Symlinks that point out of the folder
 * are skipped at load, hidden files too.  Each file gets an ETag from its
 * content.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

#define STATIC_DEPTH	8	/* folder levels below static/ */

static struct static_file	*files;		/* sorted by path */
static size_t			 nfiles;
static size_t			 total;

static const struct {
	const char	*ext;
	const char	*type;
} types[] = {
	{ ".css",	"text/css; charset=utf-8" },
	{ ".html",	"text/html; charset=utf-8" },
	{ ".ico",	"image/x-icon" },
	{ ".jpg",	"image/jpeg" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".json",	"application/json; charset=utf-8" },
	{ ".png",	"image/png" },
	{ ".svg",	"image/svg+xml" },
	{ ".txt",	"text/plain; charset=utf-8" },
	{ ".webp",	"image/webp" },
	{ ".woff2",	"font/woff2" },
};

static const char *
type_of(const char *path)
{
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < nitems(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->path,
	    ((const struct static_file *)b)->path);
}

/* Reads the regular file full (at most KBD_MAX_STATIC_FILE bytes). */
static int
add_file(const char *full, const char *rel, off_t size)
{
	struct static_file	*f;
	unsigned char		 hash[16];
	char			 hex[33];
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd;

	if (size > KBD_MAX_STATIC_FILE ||
	    total + (size_t)size > KBD_MAX_STATIC_TOTAL) {
		log_warnx("static: %s: too large, not served", full);
		return 0;
	}
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("static: %s", full);
		return 0;
	}
	files = xreallocarray(files, nfiles + 1, sizeof(*files));
	f = &files[nfiles];
	memset(f, 0, sizeof(*f));
	f->data = xmalloc((size_t)size + 1);
	while (got < (size_t)size &&
	    ((n = read(fd, f->data + got, (size_t)size - got)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	f->path = xstrdup(rel);
	f->len = got;
	f->type = type_of(rel);
	crypto_generichash(hash, sizeof(hash), (unsigned char *)f->data,
	    got, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(f->etag, sizeof(f->etag), "\"%.20s\"", hex);
	nfiles++;
	total += got;
	return 0;
}

static int
walk(const char *root, const char *dir, const char *rel, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 full[PATH_MAX], sub[PATH_MAX], real[PATH_MAX];
	size_t		 rootlen = strlen(root);

	if (depth > STATIC_DEPTH || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(full) || snprintf(sub, sizeof(sub), "%s%s%s",
		    rel, *rel ? "/" : "", de->d_name) >= (int)sizeof(sub))
			continue;
		/* Whatever a symlink points to must be inside the root. */
		if (realpath(full, real) == NULL ||
		    strncmp(real, root, rootlen) != 0 || real[rootlen] != '/') {
			log_warnx("static: %s: points outside %s, not served",
			    full, root);
			continue;
		}
		if (stat(real, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode))
			walk(root, full, sub, depth + 1);
		else if (S_ISREG(sb.st_mode))
			add_file(real, sub, sb.st_size);
	}
	closedir(d);
	return 0;
}

/*
 * Loads every file below dir into memory.  Returns 0, or -1 with a
 * reason in *errstr when dir cannot be read at all.
 */
int
static_load(const char *dir, const char **errstr)
{
	char	 root[PATH_MAX];

	if (realpath(dir, root) == NULL) {
		*errstr = strerror(errno);
		return -1;
	}
	walk(root, root, "", 0);
	if (nfiles > 0)
		qsort(files, nfiles, sizeof(*files), file_cmp);
	log_debug("static: %zu files, %zu bytes", nfiles, total);
	return 0;
}

/* Returns the file at path (relative to the static folder), or NULL. */
const struct static_file *
static_find(const char *path)
{
	struct static_file	 key;

	if (nfiles == 0)
		return NULL;
	key.path = (char *)(uintptr_t)path;
	return bsearch(&key, files, nfiles, sizeof(*files), file_cmp);
}

void
static_unload(void)
{
	size_t	 i;

	for (i = 0; i < nfiles; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
	files = NULL;
	nfiles = total = 0;
}

void
static_serve(struct request *req, struct reply *rep)
{
	const struct static_file	*f;
	const char			*inm;

	if ((f = static_find(req->tail)) == NULL) {
		reply_error(req, rep, 404);
		return;
	}
	rep->etag = f->etag;
	rep->cache = "public, max-age=3600";
	inm = http_header(req, "If-None-Match");
	if (inm != NULL && strstr(inm, f->etag) != NULL) {
		reply_static(rep, 304, NULL, "", 0);
		return;
	}
	reply_static(rep, 200, f->type, f->data, f->len);
}
