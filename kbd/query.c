/*
 * query.c: what a customer typed into FTS5 expressions that cannot fail.
 * The text is bounded (KBD_MAX_QUERY bytes), made valid UTF-8 and split
 * into words by the same tokenizer that indexed the articles.  Each word
 * goes into the expression only as a double-quoted FTS5 string, so quotes,
 * AND/OR/NOT/NEAR, '*', '-', ':' and parentheses in the input are plain
 * text; FTS5 tokenizes the quoted word again and gets the same tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

struct collect {
	const char	*text;
	struct query	*q;
	char		**raw;		/* the words as typed */
};

static int
add_word(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
	struct collect	*c = ctx;
	struct query	*q = c->q;
	size_t		 i;

	(void)tflags;
	for (i = 0; i < q->nterms; i++)
		if (strlen(q->terms[i]) == (size_t)ntok &&
		    memcmp(q->terms[i], tok, (size_t)ntok) == 0)
			return 0;
	if (q->nterms == KBD_MAX_TERMS)
		return 1;	/* enough: stop tokenizing */
	q->terms[q->nterms] = xstrndup(tok, (size_t)ntok);
	c->raw[q->nterms] = xstrndup(c->text + start, (size_t)(end - start));
	q->nterms++;
	return 0;
}

/* Appends s as an FTS5 string: in double quotes, quotes doubled. */
static void
put_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static char *
join_quoted(char **words, size_t n, const char *sep)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		put_quoted(&b, words[i]);
	}
	return buf_detach(&b, NULL);
}

/*
 * Parses the user's text (any bytes, NUL-terminated) with tok.  Returns a
 * query the caller frees with query_free(); never fails.  A text without
 * words gives nterms == 0 and no expressions.
 */
struct query *
query_parse(struct tokenizer *tok, const char *text)
{
	struct query	*q;
	struct collect	 c;
	struct buf	 b;
	size_t		 i, n = strlen(text);

	q = xcalloc(1, sizeof(*q));
	buf_init(&b);
	utf8_sanitize(&b, text, utf8_prefix(text, n, KBD_MAX_QUERY));
	q->text = buf_detach(&b, NULL);
	q->terms = xcalloc(KBD_MAX_TERMS, sizeof(*q->terms));

	c.text = q->text;
	c.q = q;
	c.raw = xcalloc(KBD_MAX_TERMS, sizeof(*c.raw));
	if (tok != NULL)
		tokenizer_run(tok, q->text, (int)strlen(q->text),
		    TOKENIZER_QUERY, add_word, &c);
	if (q->nterms > 0) {
		q->match_all = join_quoted(c.raw, q->nterms, " ");
		q->match_any = join_quoted(c.raw, q->nterms, " OR ");
	}
	for (i = 0; i < q->nterms; i++)
		free(c.raw[i]);
	free(c.raw);
	return q;
}

void
query_free(struct query *q)
{
	size_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nterms; i++)
		free(q->terms[i]);
	free(q->terms);
	free(q->text);
	free(q->match_all);
	free(q->match_any);
	free(q);
}
