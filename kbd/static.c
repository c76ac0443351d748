/*
 * static.c (web): the files served under /static/, kept in memory with
 * their ready answers; static_http.c answers the requests.  kbd carries
 * its own: the files of the repository's static/ are compiled into the
 * binary (static_builtin[], made by kbd/static_embed.sh), so kbd runs
 * from any folder.  A --static
 * folder, when given, is read into memory at start on top of them: a
 * file there replaces the built-in file of the same path (a site's own
 * style.css) or adds one.  Serving from memory means no request path ever
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
	size_t		 size;
};

static struct static_file	*files;		/* sorted by path */
static size_t			 nfiles;
static size_t			 total;		/* bytes of all files */
static size_t			 ndir;		/* files from --static */

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

/*
 * Adds the file rel with len bytes at data (taken over), or replaces the
 * file of that path (a --static file over a built-in one).  Files are
 * sorted again once all are loaded; until then find() is not used.
 */
static void
add_data(const char *rel, char *data, size_t len, time_t mtime)
{
	struct static_file	*f = NULL;
	size_t			 i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i].path, rel) == 0)
			break;
	if (i < nfiles) {
		f = &files[i];
		total -= f->size;
		http_prebuilt_free(f->answer);
		http_prebuilt_free(f->versioned);
		free(f->path);
	} else {
		files = xreallocarray(files, nfiles + 1, sizeof(*files));
		f = &files[nfiles++];
	}
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(rel);
	f->type = type_of(rel);
	f->size = len;
	if (prebuild(f, data, len, mtime) == -1)
		fatalx("static: %s: cannot make an answer", rel);
	total += len;
}

/* Reads the regular file full (at most KBD_MAX_STATIC_FILE bytes). */
static void
add_file(const char *full, const char *rel, const struct stat *sb)
{
	char			*data;
	size_t			 got = 0, size = (size_t)sb->st_size;
	ssize_t			 n;
	int			 fd;

	if (sb->st_size > KBD_MAX_STATIC_FILE ||
	    total + size > KBD_MAX_STATIC_TOTAL) {
		log_warnx("static: %s: too large, not served", full);
		return;
	}
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("static: %s", full);
		return;
	}
	data = xmalloc(size + 1);
	while (got < size && ((n = read(fd, data + got, size - got)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	add_data(rel, data, got, sb->st_mtime);
	ndir++;
}

static void
walk(const char *root, const char *dir, const char *rel, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 full[PATH_MAX], sub[PATH_MAX], real[PATH_MAX];
	size_t		 rootlen = strlen(root);

	if (depth > STATIC_DEPTH || (d = opendir(dir)) == NULL)
		return;
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
}

/*
 * Makes the answers for the built-in files, then for every file below
 * dir, which replace built-in ones of the same path; dir may be NULL.
 * Returns 0, or -1 with a reason in *errstr when dir cannot be read at
 * all.
 */
int
static_load(const char *dir, const char **errstr)
{
	const struct static_builtin	*b;
	char				 root[PATH_MAX], *data;
	time_t				 now = time(NULL);

	/* The built-in files were last modified when kbd was built, which
	 * it does not know; the start serves for Last-Modified. */
	for (b = static_builtin; b->path != NULL; b++) {
		data = xmalloc(b->len + 1);
		memcpy(data, b->data, b->len);
		add_data(b->path, data, b->len, now);
	}
	if (dir != NULL) {
		if (realpath(dir, root) == NULL) {
			*errstr = strerror(errno);
			return -1;
		}
		walk(root, root, "", 0);
	}
	if (nfiles > 0)
		qsort(files, nfiles, sizeof(*files), file_cmp);
	if (dir != NULL)
		log_debug("static: %zu files from %s, %zu in all, %zu bytes",
		    ndir, dir, nfiles, total);
	else
		log_debug("static: %zu built-in files, %zu bytes", nfiles,
		    total);
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
	nfiles = total = ndir = 0;
}

/*
 * Returns the ready answer for the static file path, or NULL if there is
 * none: the one that may be kept for a year when version is the file's
 * own version, else the one kept for an hour.
 */
struct prebuilt *
static_answer(const char *path, const char *version)
{
	const struct static_file	*f = find(path);

	if (f == NULL)
		return NULL;
	return version != NULL && strcmp(version, f->version) == 0 ?
	    f->versioned : f->answer;
}
