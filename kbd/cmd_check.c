/*
 * cmd_check.c (cmd): "kbd check", for content repositories' own CI.  Reads
 * every article of a folder the way the server would and reports, as file:line:
 * message, what would keep an article offline (its front matter, its encoding,
 * its name) and what would look wrong to a reader: a link to an article that
 * does not exist, a picture that is not in the media folder (or is no PNG,
 * JPEG, WebP or GIF) or has no description (alt text), raw HTML that the safe
 * renderer drops, a picture from elsewhere, which the pages' CSP does not load.
 * The first kind are errors (exit status 1), the second warnings.  Nothing is
 * written anywhere.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>

#include "kbd.h"

struct checked {
	char	*slug;
	char	*file;
	char	*markdown;
	int	 body_line;
};

struct check {
	const char	*dir;
	struct checked	*ok;		/* articles that parse, by slug */
	size_t		 nok;
	char		**slugs;	/* every valid name, sorted */
	size_t		 nslugs;
	unsigned int	 errors;
	unsigned int	 warnings;
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints "dir/file:line: why" for a parse error ("line N: why"). */
static void
report_parse(struct check *c, const char *file, const char *why)
{
	unsigned long	 line = 1;
	char		*end;

	if (strncmp(why, "line ", 5) == 0) {
		line = strtoul(why + 5, &end, 10);
		if (*end == ':') {
			why = end + 1;
			while (*why == ' ')
				why++;
		} else
			line = 1;
	}
	fprintf(stderr, "%s/%s:%lu: %s\n", c->dir, file, line, why);
	c->errors++;
}

static void
check_file(struct check *c, const char *name)
{
	struct article	 a;
	char		 why[512], *path, *data;
	size_t		 n = strlen(name) - 3, len;

	if (!parse_slug(name, n)) {
		fprintf(stderr, "%s/%s:1: the file name must be a slug (a-z, "
		    "0-9, '-', '_') plus \".md\"\n", c->dir, name);
		c->errors++;
		return;
	}
	c->slugs[c->nslugs++] = xstrndup(name, n);
	path = xasprintf("%s/%s", c->dir, name);
	data = file_read_at(AT_FDCWD, path, KBD_MAX_ARTICLE, &len);
	free(path);
	if (data == NULL) {
		fprintf(stderr, "%s/%s:1: cannot read: %s\n", c->dir, name,
		    strerror(errno));
		c->errors++;
		return;
	}
	if (article_parse(&a, c->slugs[c->nslugs - 1], data, len, why,
	    sizeof(why)) == -1)
		report_parse(c, name, why);
	else {
		c->ok = xreallocarray(c->ok, c->nok + 1, sizeof(*c->ok));
		c->ok[c->nok].slug = xstrdup(a.slug);
		c->ok[c->nok].file = xstrdup(name);
		c->ok[c->nok].markdown = xstrdup(a.markdown);
		c->ok[c->nok].body_line = a.body_line;
		c->nok++;
	}
	article_clear(&a);
	free(data);
}

/* Is url a link to an article, and to which slug? */
static int
article_link(const char *url, char *slug, size_t size)
{
	size_t	 n;

	if (strncmp(url, "/a/", 3) != 0)
		return 0;
	url += 3;
	n = strcspn(url, "?#");
	if (n >= size)
		n = size - 1;
	memcpy(slug, url, n);
	slug[n] = '\0';
	return 1;
}

/* Does the picture node img have a description (alt text)? */
static int
has_alt(cmark_node *img)
{
	cmark_iter	*it = cmark_iter_new(img);
	cmark_node	*n;
	const char	*lit, *p;
	int		 found = 0;

	while (!found && cmark_iter_next(it) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (n == img || (lit = cmark_node_get_literal(n)) == NULL)
			continue;
		for (p = lit; *p != '\0' && !found; p++)
			found = *p != ' ' && *p != '\t' && *p != '\n';
	}
	cmark_iter_free(it);
	return found;
}

/*
 * A picture: of the media folder ("media/<name>"), there and a picture
 * kbd serves, with a description (errors); from elsewhere (a warning).
 */
static void
check_image(struct check *c, const struct checked *k, cmark_node *img,
    int line)
{
	struct media_info	 mi;
	const char		*url = cmark_node_get_url(img), *name;

	if (url == NULL)
		url = "";
	name = strncmp(url, "/media/", 7) == 0 ? url + 7 :
	    strncmp(url, "media/", 6) == 0 ? url + 6 : NULL;
	if (name == NULL) {
		fprintf(stderr, "%s/%s:%d: warning: picture %s is not shown: "
		    "pictures must be in the media folder (media/<name>)\n",
		    c->dir, k->file, line, url);
		c->warnings++;
	} else if (!media_name_ok(name)) {
		fprintf(stderr, "%s/%s:%d: picture %s: not a name kbd serves "
		    "(a-z, 0-9, '.', '-', '_'; .png, .jpg, .jpeg, .webp or "
		    ".gif)\n", c->dir, k->file, line, url);
		c->errors++;
	} else if (media_info(name, &mi) == -1) {
		fprintf(stderr, "%s/%s:%d: picture %s: %s\n", c->dir, k->file,
		    line, url, errno == ENOENT ? "no such file in media/" :
		    errno == EINVAL ? "not a PNG, JPEG, WebP or GIF picture" :
		    strerror(errno));
		c->errors++;
	}
	if (!has_alt(img)) {
		fprintf(stderr, "%s/%s:%d: picture %s has no description: write "
		    "![what it shows](%s)\n", c->dir, k->file, line, url, url);
		c->errors++;
	}
}

/*
 * Links to missing articles, pictures that are missing or lack a
 * description (errors), raw HTML and pictures from elsewhere (warnings).
 */
static void
check_body(struct check *c, const struct checked *k)
{
	cmark_node		*doc, *node;
	cmark_iter		*it;
	cmark_event_type	 ev;
	const char		*url, *key;
	char			 slug[KBD_MAX_SLUG + 2];
	int			 line, warned = 0;

	doc = cmark_parse_document(k->markdown, strlen(k->markdown),
	    CMARK_OPT_DEFAULT);
	if (doc == NULL)
		return;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = cmark_iter_get_node(it);
		line = k->body_line + cmark_node_get_start_line(node) - 1;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_LINK:
			url = cmark_node_get_url(node);
			if (url == NULL || !article_link(url, slug,
			    sizeof(slug)))
				break;
			key = slug;
			if (!parse_slug(slug, strlen(slug)) ||
			    bsearch(&key, c->slugs, c->nslugs,
			    sizeof(*c->slugs), str_cmp) == NULL) {
				fprintf(stderr, "%s/%s:%d: link to %s: no such "
				    "article\n", c->dir, k->file, line, url);
				c->errors++;
			}
			break;
		case CMARK_NODE_IMAGE:
			check_image(c, k, node, line);
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (line == warned)	/* <b>x</b>: one warning */
				break;
			warned = line;
			fprintf(stderr, "%s/%s:%d: warning: raw HTML is not "
			    "shown to readers\n", c->dir, k->file, line);
			c->warnings++;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}

/*
 * Checks the articles of dir.  Prints one line per problem and a summary
 * on stderr.  Returns 0 when there is no error, 1 when there are, 2 when
 * dir cannot be read.
 */
int
cmd_check(const char *dir)
{
	struct check	 c;
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i, len;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "kbd: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), str_cmp);

	memset(&c, 0, sizeof(c));
	c.dir = dir;
	media_init(dir);
	c.slugs = xcalloc(n + 1, sizeof(*c.slugs));
	for (i = 0; i < n; i++)
		check_file(&c, names[i]);
	if (c.nslugs > 0)
		qsort(c.slugs, c.nslugs, sizeof(*c.slugs), str_cmp);
	for (i = 0; i < c.nok; i++)
		check_body(&c, &c.ok[i]);

	fprintf(stderr, "kbd check: %zu articles, %zu fine, %u errors, %u "
	    "warnings\n", n, c.nok, c.errors, c.warnings);
	for (i = 0; i < c.nok; i++) {
		free(c.ok[i].slug);
		free(c.ok[i].file);
		free(c.ok[i].markdown);
	}
	for (i = 0; i < c.nslugs; i++)
		free(c.slugs[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(c.ok);
	free(c.slugs);
	free(names);
	return c.errors > 0 ? 1 : 0;
}
