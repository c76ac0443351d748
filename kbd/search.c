/*
 * search.c: ranking, snippets and the search itself.  Two FTS5 auxiliary
 * functions are registered on every connection:
 *
 *   kbd_rank()              BM25F over title, tags and body with the title
 *                           weighted above tags above body, ordered first
 *                           by how many of the query's words a row holds;
 *   kbd_snippet(col, n)     the best n-word passage of column col as HTML:
 *                           every character escaped, matches in <mark>;
 *                           "" when n is 0.
 *
 * FTS5's own bm25() clamps the IDF of words found in half the rows or
 * more to almost nothing, which in a small FAQ (where "Mail" is
 * everywhere) makes the column weights meaningless; kbd_rank uses the
 * BM25+ style IDF that stays positive.  Snippets are built only for the
 * rows returned, because FTS5 sorts by rank before SQLite reads the other
 * result columns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define BM25_K1		1.2
#define BM25_B		0.75

static const double column_weight[] = { 10.0, 4.0, 1.0 }; /* title, tags, body */

/* Per-query data of kbd_rank, computed on its first row. */
struct rank_data {
	int	 nphrase;
	double	 avgdl;
	double	*idf;		/* per phrase */
	double	*tf;		/* scratch: weighted frequency per phrase */
};

static int
count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

static struct rank_data *
rank_data_new(const Fts5ExtensionApi *api, Fts5Context *fts)
{
	struct rank_data	*d;
	sqlite3_int64		 rows = 0, tokens = 0, n;
	int			 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->nphrase = api->xPhraseCount(fts);
	d->idf = calloc((size_t)d->nphrase + 1, sizeof(double));
	d->tf = calloc((size_t)d->nphrase + 1, sizeof(double));
	if (d->idf == NULL || d->tf == NULL ||
	    api->xRowCount(fts, &rows) != SQLITE_OK ||
	    api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK)
		goto fail;
	d->avgdl = rows > 0 ? (double)tokens / (double)rows : 1.0;
	for (i = 0; i < d->nphrase; i++) {
		n = 0;
		if (api->xQueryPhrase(fts, i, &n, count_row) != SQLITE_OK)
			goto fail;
		d->idf[i] = log(1.0 + ((double)rows - (double)n + 0.5) /
		    ((double)n + 0.5));
	}
	return d;
fail:
	free(d->idf);
	free(d->tf);
	free(d);
	return NULL;
}

static void
rank_data_free(void *p)
{
	struct rank_data	*d = p;

	free(d->idf);
	free(d->tf);
	free(d);
}

/*
 * kbd_rank(): smaller is better, as FTS5's ORDER BY rank wants.  The
 * number of the query's words found dominates, so that when not every
 * word matches the rows with the most of them come first.
 */
static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int argc, sqlite3_value **argv)
{
	struct rank_data	*d;
	double			 score = 0.0, norm;
	int			 ninst, i, phrase, col, off, found = 0, dl = 0;

	(void)argc;
	(void)argv;
	if ((d = api->xGetAuxdata(fts, 0)) == NULL) {
		if ((d = rank_data_new(api, fts)) == NULL ||
		    api->xSetAuxdata(fts, d, rank_data_free) != SQLITE_OK) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	memset(d->tf, 0, sizeof(double) * (size_t)d->nphrase);
	if (api->xInstCount(fts, &ninst) != SQLITE_OK ||
	    api->xColumnSize(fts, -1, &dl) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, SQLITE_ERROR);
		return;
	}
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK)
			continue;
		if (phrase < d->nphrase && col >= 0 &&
		    (size_t)col < nitems(column_weight))
			d->tf[phrase] += column_weight[col];
	}
	norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)dl / d->avgdl);
	for (i = 0; i < d->nphrase; i++) {
		if (d->tf[i] == 0.0)
			continue;
		found++;
		score += d->idf[i] * d->tf[i] * (BM25_K1 + 1.0) /
		    (d->tf[i] + norm);
	}
	sqlite3_result_double(ctx, -(found * 1000.0 + score));
}

/* Token positions and byte offsets of one column, for snippets. */
struct tokpos {
	int	 start;		/* byte offsets in the column text */
	int	 end;
	int	 marked;
};

struct snip {
	struct tokpos	*tok;		/* tokens [first, first + ntok) */
	int		 first;		/* position of tok[0] */
	int		 ntok;
	int		 want;		/* window length in tokens */
	int		 pos;		/* position of the next token */
	int		 more;		/* tokens exist after the window */
};

static int
snip_token(void *ctx, int tflags, const char *token, int ntoken, int start,
    int end)
{
	struct snip	*s = ctx;
	int		 pos;

	(void)token;
	(void)ntoken;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	pos = s->pos++;
	if (pos < s->first)
		return SQLITE_OK;
	if (pos >= s->first + s->want) {
		s->more = 1;
		return SQLITE_DONE;	/* the rest is not needed */
	}
	s->tok[s->ntok].start = start;
	s->tok[s->ntok].end = end;
	s->tok[s->ntok].marked = 0;
	s->ntok++;
	return SQLITE_OK;
}

/* Appends t[0..n) escaped, with runs of white space as one space. */
static void
put_flat(struct buf *b, const char *t, int n)
{
	int	 i, j;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && t[j] != '\n' && t[j] != '\r' &&
		    t[j] != '\t'; j++)
			;
		html_escape_n(b, t + i, (size_t)(j - i));
		if (j < n) {
			if (b->len > 0 && b->data[b->len - 1] != ' ')
				buf_putc(b, ' ');
			j++;
		}
	}
}

/*
 * Picks the window of s->want positions that holds the most distinct
 * phrases of column col (then the most matches); returns its first
 * position, 0 when the column has no match.
 */
static int
best_window(const Fts5ExtensionApi *api, Fts5Context *fts, int col, int want)
{
	int	 ninst, i, j, phrase, c, off, best = 0, best_score = -1;
	int	 p2, c2, off2, score, start;
	unsigned long long seen;

	if (api->xInstCount(fts, &ninst) != SQLITE_OK)
		return 0;
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &c, &off) != SQLITE_OK ||
		    c != col)
			continue;
		/* A little context before the first match reads better. */
		start = off > want / 4 ? off - want / 4 : 0;
		seen = 0;
		score = 0;
		for (j = 0; j < ninst; j++) {
			if (api->xInst(fts, j, &p2, &c2, &off2) != SQLITE_OK ||
			    c2 != col || off2 < start || off2 >= start + want)
				continue;
			if (!(seen & (1ULL << (p2 & 63))))
				score += 100;
			seen |= 1ULL << (p2 & 63);
			score++;
		}
		if (score > best_score) {
			best_score = score;
			best = start;
		}
	}
	return best;
}

/* Marks the tokens of s that belong to a match in column col. */
static void
mark_matches(const Fts5ExtensionApi *api, Fts5Context *fts, int col,
    struct snip *s)
{
	int	 ninst, i, k, phrase, c, off, size;

	if (api->xInstCount(fts, &ninst) != SQLITE_OK)
		return;
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &c, &off) != SQLITE_OK ||
		    c != col)
			continue;
		size = api->xPhraseSize(fts, phrase);
		for (k = off; k < off + size; k++)
			if (k >= s->first && k < s->first + s->ntok)
				s->tok[k - s->first].marked = 1;
	}
}

/*
 * kbd_snippet(col, n): the best passage of about n words of column col,
 * as HTML.  Text before and after it is shown as "…".
 */
static void
snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
    sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct snip	 s;
	struct buf	 b;
	const char	*text;
	int		 col, ntext, i, rc, last = 0;
	size_t		 len;
	char		*out;

	if (argc != 2) {
		sqlite3_result_error(ctx, "kbd_snippet(col, n)", -1);
		return;
	}
	col = sqlite3_value_int(argv[0]);
	memset(&s, 0, sizeof(s));
	s.want = sqlite3_value_int(argv[1]);
	if (s.want == 0) {
		/* No snippet wanted: the caller shows titles only. */
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	if (s.want < 4 || s.want > 64)
		s.want = KBD_SNIPPET_TOKENS;
	if (col < 0 || col >= api->xColumnCount(fts) ||
	    api->xColumnText(fts, col, &text, &ntext) != SQLITE_OK ||
	    text == NULL) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	s.first = best_window(api, fts, col, s.want);
	if ((s.tok = calloc((size_t)s.want, sizeof(*s.tok))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	rc = api->xTokenize(fts, text, ntext, &s, snip_token);
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		free(s.tok);
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	mark_matches(api, fts, col, &s);

	buf_init(&b);
	if (s.ntok > 0) {
		if (s.first > 0)
			buf_puts(&b, "… ");
		last = s.first > 0 ? s.tok[0].start : 0;
		for (i = 0; i < s.ntok; i++) {
			put_flat(&b, text + last, s.tok[i].start - last);
			if (s.tok[i].marked)
				buf_puts(&b, "<mark>");
			html_escape_n(&b, text + s.tok[i].start,
			    (size_t)(s.tok[i].end - s.tok[i].start));
			if (s.tok[i].marked)
				buf_puts(&b, "</mark>");
			last = s.tok[i].end;
		}
		if (s.more)
			buf_puts(&b, " …");
		else	/* closing punctuation of the last sentence */
			put_flat(&b, text + last, ntext - last);
	}
	free(s.tok);
	out = buf_detach(&b, &len);
	sqlite3_result_text(ctx, out, (int)len, free);
}

/* Registers kbd_rank and kbd_snippet on db.  Returns an SQLite code. */
int
search_register(sqlite3 *db)
{
	fts5_api	*api;
	int		 rc;

	if ((api = tokenizer_fts5(db)) == NULL)
		return SQLITE_ERROR;
	rc = api->xCreateFunction(api, "kbd_rank", NULL, rank_fn, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "kbd_snippet", NULL, snippet_fn,
		    NULL);
	return rc;
}

/* Counts the rows matching expr; -1 on errors. */
static int64_t
count_matches(struct reader *r, const char *expr)
{
	sqlite3_stmt	*st = r->st[ST_COUNT];
	int64_t		 n = -1;

	if (sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

/* Fills in slug, title, category and hits of article id; -1 if gone. */
static int
hit_details(struct reader *r, int64_t id, struct search_hit *h)
{
	sqlite3_stmt	*st = r->st[ST_ARTICLE_BY_ID];
	int		 rc = -1;

	if (sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		h->slug = xstrdup((const char *)sqlite3_column_text(st, 0));
		h->title = xstrdup((const char *)sqlite3_column_text(st, 1));
		h->category = xstrdup((const char *)sqlite3_column_text(st, 2));
		h->hits = sqlite3_column_int64(st, 3) + hits_pending(id);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

static int
fetch_page(struct reader *r, const char *expr, int limit, int offset,
    int snippet_tokens, struct search_result *res)
{
	sqlite3_stmt		*st = r->st[ST_SEARCH];
	struct search_hit	*h;
	int			 rc;

	res->hits = xcalloc((size_t)limit, sizeof(*res->hits));
	rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, limit);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, offset);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, snippet_tokens);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (res->n >= (size_t)limit)
			break;
		h = &res->hits[res->n];
		rc = SQLITE_OK;
		if (hit_details(r, sqlite3_column_int64(st, 0), h) == -1)
			continue;
		h->snippet = xstrdup((const char *)sqlite3_column_text(st, 1));
		res->n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_warnx("search: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Searches for q with reader r: rows holding every word, or when there
 * are none (or flags has SEARCH_ANY), rows holding some, the most words
 * first.  Fills res (free it with search_result_free()).  Returns 0, or
 * -1 on database errors.
 */
int
search_run(struct reader *r, const struct query *q, int limit, int offset,
    int flags, struct search_result *res)
{
	const char	*expr;

	memset(res, 0, sizeof(*res));
	if (q->nterms == 0)
		return 0;
	expr = (flags & SEARCH_ANY) ? q->match_any : q->match_all;
	res->total = count_matches(r, expr);
	if (res->total == 0 && q->nterms > 1 && !(flags & SEARCH_ANY)) {
		expr = q->match_any;
		res->total = count_matches(r, expr);
		res->partial = 1;
	}
	if (res->total < 0) {
		res->total = 0;
		return -1;
	}
	if (res->total == 0 || offset >= res->total)
		return 0;
	return fetch_page(r, expr, limit, offset, (flags & SEARCH_NO_SNIPPET) ?
	    0 : KBD_SNIPPET_TOKENS, res);
}

void
search_result_free(struct search_result *res)
{
	size_t	 i;

	for (i = 0; i < res->n; i++) {
		free(res->hits[i].slug);
		free(res->hits[i].title);
		free(res->hits[i].category);
		free(res->hits[i].snippet);
	}
	free(res->hits);
	memset(res, 0, sizeof(*res));
}
