/*
 * article.c (store): one article file into a struct article.  A file is UTF-8
 * text that starts with a YAML front matter block between two "---"
 * lines (title required; category, tags, aliases and hits optional)
 * followed by the Markdown body.  Parsing checks everything a later step
 * relies on,
 * so that a bad file is refused here with a reason a person can act on,
 * naming the line where it can.  Reading folders and the database is
 * import.c's job.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "kbd.h"

/* Formats a reason into err; always returns -1 for "return fail(...)". */
static int KBD_PRINTF(3, 4)
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Returns the 1-based line number of offset off in s. */
static size_t
line_of(const char *s, size_t off)
{
	size_t	 i, line = 1;

	for (i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/*
 * Finds the end of the line that starts at s[i]: returns the offset of
 * the next line's start and stores the line's length without "\r\n" in
 * *linelen.
 */
static size_t
next_line(const char *s, size_t n, size_t i, size_t *linelen)
{
	size_t	 j = i;

	while (j < n && s[j] != '\n')
		j++;
	*linelen = j - i;
	if (*linelen > 0 && s[j - 1] == '\r')
		(*linelen)--;
	return j < n ? j + 1 : n;
}

/* Is s[0..n) a front matter delimiter ("---", or "..." to close)? */
static int
is_delimiter(const char *s, size_t n, int closing)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n != 3)
		return 0;
	return memcmp(s, "---", 3) == 0 || (closing && memcmp(s, "...", 3) == 0);
}

/*
 * Finds the front matter of data[0..len): its YAML is [*fm_start,
 * *fm_end) and the body starts at *body.  Returns 0, -1 when the first
 * line is not "---", -2 when no line closes it.
 */
static int
front_matter(const char *data, size_t len, size_t *fm_start, size_t *fm_end,
    size_t *body)
{
	size_t	 i, linelen;

	/* A UTF-8 byte order mark is harmless; skip it. */
	i = (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	*fm_start = next_line(data, len, i, &linelen);
	if (!is_delimiter(data + i, linelen, 0))
		return -1;
	for (i = *fm_start; i < len; i = *body) {
		*fm_end = i;
		*body = next_line(data, len, i, &linelen);
		if (is_delimiter(data + i, linelen, 1))
			return 0;
	}
	return -2;
}

/* Returns a copy of s[0..n) with surrounding space removed. */
static char *
trim_dup(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static char *
scalar_dup(yaml_node_t *node)
{
	return trim_dup((const char *)node->data.scalar.value,
	    node->data.scalar.length);
}

/* Does s hold a control character (which a title or tag must not)? */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

/* A list of the front matter: tags, or aliases (phrasings). */
struct list_kind {
	const char	*key;		/* "tags" */
	const char	*item;		/* "tag" */
	unsigned int	 max;		/* items */
	size_t		 maxlen;	/* bytes of one */
};

static const struct list_kind tag_list = { "tags", "tag", KBD_MAX_TAGS,
    KBD_MAX_TAG };
static const struct list_kind alias_list = { "aliases", "alias",
    KBD_MAX_ALIASES, KBD_MAX_ALIAS };

/* Adds one item to the '\n'-joined list in b.  Returns 0 or -1. */
static int
add_item(struct buf *b, const struct list_kind *lk, unsigned int *count,
    char *tag, char *err, size_t errlen)
{
	struct buf	 shown;
	size_t		 n = strlen(tag);
	int		 rc = 0;

	if (*tag == '\0')
		goto done;
	if (n > lk->maxlen || has_control(tag)) {
		/*
		 * The reason goes into the log as one line: show the start
		 * of the tag whole characters only, control characters as
		 * spaces.
		 */
		buf_init(&shown);
		buf_put(&shown, "", 0);
		utf8_sanitize(&shown, tag, utf8_prefix(tag, n, 40));
		rc = fail(err, errlen, "%s \"%s%s\" is longer than %zu "
		    "bytes or has control characters", lk->item, shown.data,
		    n > 40 ? "…" : "", lk->maxlen);
		buf_free(&shown);
		goto done;
	}
	if (++*count > lk->max) {
		rc = fail(err, errlen, "more than %u %s", lk->max, lk->key);
		goto done;
	}
	if (b->len > 0)
		buf_putc(b, '\n');
	buf_puts(b, tag);
done:
	free(tag);
	return rc;
}

/*
 * A list is a YAML list ([a, b] or "- a" lines) or a comma list "a, b";
 * it goes to *out, joined by '\n'.
 */
static int
parse_list(yaml_document_t *doc, yaml_node_t *v, const struct list_kind *lk,
    char **out, char *err, size_t errlen)
{
	struct buf	 b;
	unsigned int	 count = 0;
	yaml_node_item_t *it;
	yaml_node_t	*item;
	const char	*s, *comma;
	size_t		 n, part;
	int		 rc = 0;

	buf_init(&b);
	if (v->type == YAML_SEQUENCE_NODE) {
		for (it = v->data.sequence.items.start;
		    rc == 0 && it < v->data.sequence.items.top; it++) {
			item = yaml_document_get_node(doc, *it);
			if (item == NULL || item->type != YAML_SCALAR_NODE)
				rc = fail(err, errlen, "every %s must be "
				    "a plain word or phrase", lk->item);
			else
				rc = add_item(&b, lk, &count,
				    scalar_dup(item), err, errlen);
		}
	} else if (v->type == YAML_SCALAR_NODE) {
		s = (const char *)v->data.scalar.value;
		n = v->data.scalar.length;
		while (rc == 0 && n > 0) {
			comma = memchr(s, ',', n);
			part = comma != NULL ? (size_t)(comma - s) : n;
			rc = add_item(&b, lk, &count, trim_dup(s, part), err,
			    errlen);
			if (comma == NULL)
				break;
			n -= part + 1;
			s = comma + 1;
		}
	} else
		rc = fail(err, errlen, "%s must be a list like [a, b]",
		    lk->key);

	free(*out);
	*out = buf_detach(&b, NULL);
	return rc;
}

/* YAML 1.1's booleans, as people write them; -1 for anything else. */
static int
parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Reads one "key: value" pair of the front matter into a. */
static int
parse_field(yaml_document_t *doc, const char *key, yaml_node_t *v,
    struct article *a, char *err, size_t errlen)
{
	long long	 hits;
	char		*s;

	if (strcmp(key, "tags") == 0)
		return parse_list(doc, v, &tag_list, &a->tags, err, errlen);
	if (strcmp(key, "aliases") == 0)
		return parse_list(doc, v, &alias_list, &a->aliases, err,
		    errlen);
	if (strcmp(key, "title") != 0 && strcmp(key, "category") != 0 &&
	    strcmp(key, "hits") != 0 && strcmp(key, "draft") != 0)
		return 0;	/* unknown keys are left for other tools */
	if (v->type != YAML_SCALAR_NODE)
		return fail(err, errlen, "%s must be a single value", key);

	s = scalar_dup(v);
	if (strcmp(key, "draft") == 0) {
		a->draft = parse_bool(s);
		free(s);
		if (a->draft == -1)
			return fail(err, errlen, "draft must be true or "
			    "false");
		return 0;
	}
	if (strcmp(key, "hits") == 0) {
		if (parse_number(s, 0, 1000000000000000LL, &hits) == -1) {
			free(s);
			return fail(err, errlen, "hits must be a whole number "
			    "of 0 or more");
		}
		free(s);
		a->hits = hits;
		return 0;
	}
	if (has_control(s)) {
		free(s);
		return fail(err, errlen, "%s has control characters", key);
	}
	if (strcmp(key, "title") == 0) {
		if (strlen(s) > KBD_MAX_TITLE) {
			free(s);
			return fail(err, errlen, "title is longer than %d "
			    "bytes", KBD_MAX_TITLE);
		}
		free(a->title);
		a->title = s;
	} else {
		if (strlen(s) > KBD_MAX_CATEGORY) {
			free(s);
			return fail(err, errlen, "category is longer than %d "
			    "bytes", KBD_MAX_CATEGORY);
		}
		free(a->category);
		a->category = s;
	}
	return 0;
}

/* Parses the YAML text fm (which starts on line 2 of the file). */
static int
parse_front_matter(const char *fm, size_t len, struct article *a,
    char *err, size_t errlen)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*root, *k, *v;
	yaml_node_pair_t *pair;
	size_t		 line;
	int		 rc = 0;

	if (!yaml_parser_initialize(&parser))
		return fail(err, errlen, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)fm, len);
	if (!yaml_parser_load(&parser, &doc)) {
		/* Problems found at the end belong to the last YAML line. */
		line = parser.problem_mark.line;
		if (line > 0 && line >= line_of(fm, len) - 1)
			line = line_of(fm, len) - 2;
		rc = fail(err, errlen, "line %zu: front matter is not valid "
		    "YAML: %s", line + 2,
		    parser.problem != NULL ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		rc = fail(err, errlen, "front matter must be \"key: value\" "
		    "lines");
		goto done;
	}
	for (pair = root->data.mapping.pairs.start;
	    rc == 0 && pair < root->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&doc, pair->key);
		v = yaml_document_get_node(&doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		rc = parse_field(&doc, (const char *)k->data.scalar.value, v,
		    a, err, errlen);
		if (rc == -1 && strncmp(err, "line ", 5) != 0) {
			char reason[256];

			snprintf(reason, sizeof(reason), "%s", err);
			fail(err, errlen, "line %zu: %s",
			    k->start_mark.line + 2, reason);
		}
	}
done:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * Parses the article file data[0..len) with the given slug into a, which
 * must be zeroed or cleared.  Returns 0, or -1 with a one-line reason in
 * err (the caller adds the file name).  a->hash is left for the caller.
 * On failure a is left for article_clear().
 */
int
article_parse(struct article *a, const char *slug, const char *data,
    size_t len, char *err, size_t errlen)
{
	size_t		 bad, fm_start, fm_end, body;

	memset(a, 0, sizeof(*a));
	a->hits = -1;
	a->slug = xstrdup(slug);

	if (len > KBD_MAX_ARTICLE)
		return fail(err, errlen, "file is larger than %d bytes",
		    KBD_MAX_ARTICLE);
	if (!utf8_valid(data, len, &bad))
		return fail(err, errlen, "line %zu: not valid UTF-8 (byte "
		    "%zu)", line_of(data, bad), bad);

	switch (front_matter(data, len, &fm_start, &fm_end, &body)) {
	case -1:
		return fail(err, errlen, "no front matter: the first line "
		    "must be \"---\"");
	case -2:
		return fail(err, errlen, "front matter is not closed by a "
		    "\"---\" line");
	}

	if (parse_front_matter(data + fm_start, fm_end - fm_start, a, err,
	    errlen) == -1)
		return -1;
	if (a->title == NULL || a->title[0] == '\0')
		return fail(err, errlen, "no title in the front matter");
	if (a->category == NULL)
		a->category = xstrdup("");
	if (a->tags == NULL)
		a->tags = xstrdup("");
	if (a->aliases == NULL)
		a->aliases = xstrdup("");

	a->markdown = xstrndup(data + body, len - body);
	a->body_line = (int)line_of(data, body);
	if (render_markdown(a->markdown, len - body, &a->html, &a->text) == -1)
		return fail(err, errlen, "Markdown could not be rendered");
	return 0;
}

void
article_clear(struct article *a)
{
	if (a == NULL)
		return;
	free(a->slug);
	free(a->title);
	free(a->category);
	free(a->tags);
	free(a->aliases);
	free(a->markdown);
	free(a->html);
	free(a->text);
	memset(a, 0, sizeof(*a));
}

/* Appends s[0..n) as a YAML double-quoted scalar. */
static void
put_quoted(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/*
 * Is the front matter line s[0..n) "key:" for a key kbd writes?  With
 * aliases, "aliases" is one.
 */
static int
own_key(const char *s, size_t n, int aliases)
{
	static const char *const keys[] = { "title", "category", "tags",
	    "draft", "aliases" };
	size_t	 i, k;

	for (i = 0; i < nitems(keys) - (aliases ? 0 : 1); i++) {
		k = strlen(keys[i]);
		if (n > k && memcmp(s, keys[i], k) == 0 &&
		    (s[k] == ':' || s[k] == ' '))
			return 1;
	}
	return 0;
}

/*
 * Appends the front matter lines of old (a whole file, or NULL) that
 * belong to keys kbd does not write, with their indented continuation
 * lines, so that an edit in the browser keeps what other tools put there
 * (and the hits seed).
 */
static void
put_other_keys(struct buf *b, const char *old, int aliases)
{
	size_t	 fm_start, fm_end, body, i, next, n;
	int	 keep = 0;

	if (old == NULL || front_matter(old, strlen(old), &fm_start, &fm_end,
	    &body) != 0)
		return;
	for (i = fm_start; i < fm_end; i = next) {
		next = next_line(old, fm_end, i, &n);
		if (n > 0 && old[i] != ' ' && old[i] != '\t' && old[i] != '-' &&
		    old[i] != '#')
			keep = !own_key(old + i, n, aliases);
		if (keep) {
			buf_put(b, old + i, n);
			buf_putc(b, '\n');
		}
	}
}

/*
 * Appends list (items joined by '\n') as the YAML list of key, unless it
 * is empty.
 */
static void
put_list(struct buf *b, const char *key, const char *list)
{
	const char	*t, *end;

	if (*list == '\0')
		return;
	buf_printf(b, "\n%s: [", key);
	for (t = list; *t != '\0'; t = *end ? end + 1 : end) {
		end = t + strcspn(t, "\n");
		if (t != list)
			buf_puts(b, ", ");
		put_quoted(b, t, (size_t)(end - t));
	}
	buf_putc(b, ']');
}

/*
 * Writes an article file: title, category, tags (joined by '\n'), the
 * draft flag and, unless NULL, aliases (joined by '\n') as front matter,
 * the other keys of old (the file as it was, or NULL; its aliases too
 * when aliases is NULL), then body with its line ends made "\n".  Returns
 * the text; the caller frees it.  What it writes is checked by
 * article_parse() like any file.
 */
char *
article_compose(const char *old, const char *title, const char *category,
    const char *tags, const char *aliases, int draft, const char *body)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "---\ntitle: ");
	put_quoted(&b, title, strlen(title));
	if (*category != '\0') {
		buf_puts(&b, "\ncategory: ");
		put_quoted(&b, category, strlen(category));
	}
	put_list(&b, "tags", tags);
	if (aliases != NULL)
		put_list(&b, "aliases", aliases);
	buf_puts(&b, draft ? "\ndraft: true\n" : "\n");
	put_other_keys(&b, old, aliases != NULL);
	buf_puts(&b, "---\n");
	for (; *body != '\0'; body++)
		if (*body != '\r')
			buf_putc(&b, *body);
		else if (body[1] != '\n')
			buf_putc(&b, '\n');
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_putc(&b, '\n');
	return buf_detach(&b, NULL);
}
