/*
 * static.c: the files under /static/.  The folder is read into memory at
 * start: it is small, and serving from memory means no request path ever
 * reaches the file system, so "..", encoded dots, absolute paths and
 * symlinks cannot lead anywhere.  Symlinks that point out of the folder
 * are skipped at load, hidden files too.
 *
 * Each file is made into ready answers once (see http_prebuild): with an
 * ETag from its content, Last-Modified, gzip when that is smaller.  A
 * request that names the file's version ("style.css?v=1a2b3c4d", as
 * kbd's pages do) may keep it for a year; any other for an hour.  The
 * files are public: any site may load them, also with Subresource
 * Integrity (which needs CORS), as the widget snippet does.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

#define STATIC_DEPTH	8	/* folder levels below static/ */

#define MAX_AGE		"public, max-age=3600"
#define MAX_AGE_VERSIONED	"public, max-age=31536000, immutable"

struct static_file {
	char		*path;		/* relative to the static folder */
	const char	*type;
	struct prebuilt	*answer;
	struct prebuilt	*versioned;	/* for "?v=" + version */
	char		 version[9];	/* of the content */
	char		 integrity[64];	/* "sha256-<base64>", for SRI */
};

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

/* Makes the answers for a file of len bytes at data (taken over). */
static int
prebuild(struct static_file *f, char *data, size_t len, time_t mtime)
{
	struct reply	 rep;
	struct tm	 tm;
	char		 modified[64] = "";
	unsigned char	 sha[crypto_hash_sha256_BYTES];
	const char	*etag;

	if (gmtime_r(&mtime, &tm) != NULL)
		strftime(modified, sizeof(modified),
		    "%a, %d %b %Y %H:%M:%S GMT", &tm);
	crypto_hash_sha256(sha, (const unsigned char *)data, len);
	memcpy(f->integrity, "sha256-", 7);
	sodium_bin2base64(f->integrity + 7, sizeof(f->integrity) - 7, sha,
	    sizeof(sha), sodium_base64_VARIANT_ORIGINAL);
	memset(&rep, 0, sizeof(rep));
	reply_static(&rep, 200, f->type, data, len);
	rep.cache = MAX_AGE_VERSIONED;
	rep.modified = modified;
	rep.cors = "*";
	if ((f->versioned = http_prebuild(&rep, 0)) == NULL)
		return -1;
	memset(&rep, 0, sizeof(rep));
	reply_text(&rep, 200, f->type, data, len);	/* frees data later */
	rep.cache = MAX_AGE;
	rep.modified = modified;
	rep.cors = "*";
	if ((f->answer = http_prebuild(&rep, 0)) == NULL)
		return -1;
	etag = http_prebuilt_etag(f->answer);
	snprintf(f->version, sizeof(f->version), "%.8s", etag + 1);
	return 0;
}

/* Reads the regular file full (at most KBD_MAX_STATIC_FILE bytes). */
static int
add_file(const char *full, const char *rel, const struct stat *sb)
{
	struct static_file	*f;
	char			*data;
	size_t			 got = 0, size = (size_t)sb->st_size;
	ssize_t			 n;
	int			 fd;

	if (sb->st_size > KBD_MAX_STATIC_FILE ||
	    total + size > KBD_MAX_STATIC_TOTAL) {
		log_warnx("static: %s: too large, not served", full);
		return 0;
	}
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("static: %s", full);
		return 0;
	}
	data = xmalloc(size + 1);
	while (got < size && ((n = read(fd, data + got, size - got)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	files = xreallocarray(files, nfiles + 1, sizeof(*files));
	f = &files[nfiles];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(rel);
	f->type = type_of(rel);
	if (prebuild(f, data, got, sb->st_mtime) == -1) {
		log_warnx("static: %s: cannot make an answer", full);
		http_prebuilt_free(f->answer);
		http_prebuilt_free(f->versioned);
		free(f->path);
		return 0;
	}
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
			add_file(real, sub, &sb);
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

static const struct static_file *
find(const char *path)
{
	struct static_file	 key;

	if (nfiles == 0)
		return NULL;
	key.path = (char *)(uintptr_t)path;
	return bsearch(&key, files, nfiles, sizeof(*files), file_cmp);
}

/*
 * Returns the version of the static file path (8 hex digits of its
 * content hash), for links that may be cached for a year; "" if there is
 * no such file.
 */
const char *
static_version(const char *path)
{
	const struct static_file	*f = find(path);

	return f != NULL ? f->version : "";
}

/*
 * Returns the Subresource Integrity value of the static file path
 * ("sha256-…"), or "" if there is no such file.
 */
const char *
static_integrity(const char *path)
{
	const struct static_file	*f = find(path);

	return f != NULL ? f->integrity : "";
}

void
static_unload(void)
{
	size_t	 i;

	for (i = 0; i < nfiles; i++) {
		free(files[i].path);
		http_prebuilt_free(files[i].answer);
		http_prebuilt_free(files[i].versioned);
	}
	free(files);
	files = NULL;
	nfiles = total = 0;
}

void
static_serve(struct request *req, struct reply *rep)
{
	const struct static_file	*f;
	const char			*v;

	if ((f = find(req->tail)) == NULL) {
		reply_error(req, rep, 404);
		return;
	}
	v = http_arg(req, "v");
	http_queue_prebuilt(req, v != NULL && strcmp(v, f->version) == 0 ?
	    f->versioned : f->answer, rep, 0);
}
