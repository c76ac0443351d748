/*
 * terms.c (text): the term vector of an article: every term kbd's
 * tokenizer gives its fields as stored text (stems, compound parts,
 * joined words; not stop words), with how often each occurs in each
 * field, packed into one blob.  The store keeps a blob per article (the
 * SQL function kbd_terms(), registered here); the search builds its
 * in-memory index from them and reads them for feedback.
 *
 * A blob is: the format byte, the length in tokens of each field
 * (varints), the number of terms, then per term its length (one byte),
 * its bytes, a byte with one bit per field it occurs in and its
 * frequency in each of those fields (varints).
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define TERMS_FORMAT	1

/* The term vector under construction: every token, then sorted. */
struct tv_token {
	const char	*s;		/* in the vector's pool */
	int		 n;
	int		 field;
};

struct tv {
	struct buf	 pool;
	size_t		*off;		/* of each token in pool */
	int		*nlen;
	int		*field;
	size_t		 n, cap;
	uint32_t	 len[SEARCH_FIELDS];
	int		 field_now;
	struct tv_token	*sorted;
};

/* What kbd_terms() needs: the word list, and a tokenizer made lazily. */
struct terms_ctx {
	const struct german_dict	*dict;
	struct tokenizer		*tok;
};

static void
put_varint(struct buf *b, uint32_t v)
{
	unsigned char	 c;

	do {
		c = v & 0x7f;
		v >>= 7;
		if (v != 0)
			c |= 0x80;
		buf_putc(b, (char)c);
	} while (v != 0);
}

/* Reads a varint at *p (before end); 0 when it runs past end. */
static uint32_t
get_varint(const unsigned char **p, const unsigned char *end)
{
	uint32_t	 v = 0;
	int		 shift = 0;

	while (*p < end && shift < 32) {
		v |= (uint32_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return v;
		shift += 7;
	}
	*p = end;
	return 0;
}

static int
tv_token(void *ctx, int tflags, const char *token, int ntoken, int start,
    int end)
{
	struct tv	*v = ctx;

	(void)start;
	(void)end;
	if (!(tflags & FTS5_TOKEN_COLOCATED))
		v->len[v->field_now]++;
	/* Stop words are for FTS5's phrases; ranking never asks for them. */
	if (ntoken <= 0 || ntoken > 255 || token[0] == TOKENIZER_STOP_MARK)
		return SQLITE_OK;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 512;
		v->off = xreallocarray(v->off, v->cap, sizeof(*v->off));
		v->nlen = xreallocarray(v->nlen, v->cap, sizeof(*v->nlen));
		v->field = xreallocarray(v->field, v->cap, sizeof(*v->field));
	}
	v->off[v->n] = v->pool.len;
	v->nlen[v->n] = ntoken;
	v->field[v->n] = v->field_now;
	v->n++;
	buf_put(&v->pool, token, (size_t)ntoken);
	return SQLITE_OK;
}

static int
token_cmp(const void *a, const void *b)
{
	const struct tv_token	*x = a, *y = b;
	int			 n = x->n < y->n ? x->n : y->n, c;

	if ((c = memcmp(x->s, y->s, (size_t)n)) != 0)
		return c;
	return x->n - y->n;
}

/*
 * Appends the term vector of the fields texts[0..SEARCH_FIELDS) (each
 * may be NULL) to out, tokenizing with t as stored text.  Returns 0, or
 * -1 when the tokenizer fails.
 */
int
terms_make(struct tokenizer *t, const char *const *texts,
    struct buf *out)
{
	struct tv	 v;
	uint32_t	 tf[SEARCH_FIELDS];
	size_t		 i, j, nterms = 0;
	int		 f, rc = 0;

	memset(&v, 0, sizeof(v));
	buf_init(&v.pool);
	for (f = 0; f < SEARCH_FIELDS && rc == 0; f++) {
		if (texts[f] == NULL)
			continue;
		v.field_now = f;
		if (tokenizer_run(t, texts[f], (int)strlen(texts[f]),
		    TOKENIZER_DOCUMENT, tv_token, &v) != SQLITE_OK)
			rc = -1;
	}
	v.sorted = xcalloc(v.n + 1, sizeof(*v.sorted));
	for (i = 0; i < v.n; i++) {
		v.sorted[i].s = v.pool.data + v.off[i];
		v.sorted[i].n = v.nlen[i];
		v.sorted[i].field = v.field[i];
	}
	if (v.n > 0)
		qsort(v.sorted, v.n, sizeof(*v.sorted), token_cmp);
	for (i = 0; i < v.n; i = j) {
		for (j = i + 1; j < v.n && token_cmp(&v.sorted[i],
		    &v.sorted[j]) == 0; j++)
			;
		nterms++;
	}
	buf_putc(out, TERMS_FORMAT);
	for (f = 0; f < SEARCH_FIELDS; f++)
		put_varint(out, v.len[f]);
	put_varint(out, (uint32_t)nterms);
	for (i = 0; i < v.n; i = j) {
		memset(tf, 0, sizeof(tf));
		for (j = i; j < v.n && token_cmp(&v.sorted[i],
		    &v.sorted[j]) == 0; j++)
			tf[v.sorted[j].field]++;
		buf_putc(out, (char)v.sorted[i].n);
		buf_put(out, v.sorted[i].s, (size_t)v.sorted[i].n);
		buf_putc(out, (char)((tf[0] ? 1 : 0) | (tf[1] ? 2 : 0) |
		    (tf[2] ? 4 : 0) | (tf[3] ? 8 : 0)));
		for (f = 0; f < SEARCH_FIELDS; f++)
			if (tf[f] > 0)
				put_varint(out, tf[f]);
	}
	free(v.sorted);
	free(v.off);
	free(v.nlen);
	free(v.field);
	buf_free(&v.pool);
	return rc;
}

/*
 * Calls cb for each term of the term vector blob[0..n) with its
 * frequencies per field; fills len (tokens per field) first when not
 * NULL.  Returns the number of terms, or -1 when the blob is not one.
 */
int
terms_each(const void *blob, size_t n, uint32_t *len,
    void (*cb)(void *, const char *, size_t, const uint32_t *), void *ctx)
{
	const unsigned char	*p = blob, *end;
	uint32_t		 tf[SEARCH_FIELDS], nterms, k, l[SEARCH_FIELDS];
	unsigned int		 mask, tn;
	int			 f;

	/* An empty buffer's data is NULL: no arithmetic on it. */
	if (blob == NULL || n < 1)
		return -1;
	end = p + n;
	if (*p++ != TERMS_FORMAT)
		return -1;
	for (f = 0; f < SEARCH_FIELDS; f++)
		l[f] = get_varint(&p, end);
	if (len != NULL)
		memcpy(len, l, sizeof(l));
	nterms = get_varint(&p, end);
	for (k = 0; k < nterms; k++) {
		if (p >= end || (tn = *p++) == 0 || (size_t)(end - p) < tn + 1)
			return -1;
		mask = p[tn];
		if (cb == NULL) {
			p += tn + 1;
			for (f = 0; f < SEARCH_FIELDS; f++)
				if (mask & (1u << f))
					(void)get_varint(&p, end);
			continue;
		}
		{
			const char	*s = (const char *)p;

			p += tn + 1;
			for (f = 0; f < SEARCH_FIELDS; f++)
				tf[f] = (mask & (1u << f)) ?
				    get_varint(&p, end) : 0;
			cb(ctx, s, tn, tf);
		}
	}
	return (int)nterms;
}

/* kbd_terms(title, tags, body, aliases): the article's term vector. */
static void
terms_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct terms_ctx	*tc = sqlite3_user_data(ctx);
	const char		*texts[SEARCH_FIELDS] = { NULL, NULL, NULL,
				    NULL };
	struct buf		 out;
	int			 i;

	for (i = 0; i < argc && i < SEARCH_FIELDS; i++)
		texts[i] = (const char *)sqlite3_value_text(argv[i]);
	if (tc->tok == NULL && (tc->tok = tokenizer_new(tc->dict)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	buf_init(&out);
	if (terms_make(tc->tok, texts, &out) == -1) {
		buf_free(&out);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_blob(ctx, out.data, (int)out.len, free);
}

static void
terms_ctx_free(void *p)
{
	struct terms_ctx	*tc = p;

	if (tc == NULL)
		return;
	tokenizer_free(tc->tok);
	free(tc);
}

/*
 * Registers kbd_terms() on db, tokenizing with the word list dict (which
 * must outlive db).  Returns an SQLite code.
 */
int
terms_register(sqlite3 *db, const struct german_dict *dict)
{
	struct terms_ctx	*tc;

	if ((tc = calloc(1, sizeof(*tc))) == NULL)
		return SQLITE_NOMEM;
	tc->dict = dict;
	/* Its tokenizer is made on the first call: readers never call it. */
	return sqlite3_create_function_v2(db, "kbd_terms", 4,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, tc, terms_fn, NULL, NULL,
	    terms_ctx_free);
}
