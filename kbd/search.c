/*
 * search.c (search): ranking, snippets and the search itself.  Two FTS5 auxiliary
 * functions are registered on every connection:
 *
 *   kbd_rank()              BM25F over title, tags and body with the title
 *                           weighted above tags above body, ordered first
 *                           by how many of the query's words a row holds;
 *   kbd_snippet(col, n [, map])
 *                           the best n-word passage of column col as HTML:
 *                           every character escaped, matches in <mark>;
 *                           "" when n is 0.
 *
 * FTS5's own bm25() clamps the IDF of words found in half the rows or
 * more to almost nothing, which in a small FAQ (where "Mail" is
 * everywhere) makes the column weights meaningless; kbd_rank uses the
 * BM25+ style IDF that stays positive.  Snippets are built only for the
 * rows returned: FTS5 sorts by rank before SQLite reads the other result
 * columns, and for a broad query kbd_rank keeps the best rows itself and
 * their snippets are asked for one by one (see rank_tier()).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define BM25_K1		1.2
#define BM25_B		0.75
#define TITLE_BONUS	2.0	/* per unit of IDF found in the title */
#define PROX_MAX_INST	256	/* instances looked at for proximity */
#define PROX_BONUS	1.0	/* for words side by side, per average IDF */
#define POP_BOOST	0.1	/* the most read article gets 10 % more */

/*
 * The snapshot of the search under way in this thread, for kbd_rank's
 * popularity; set by search_run() around its queries.
 */
static _Thread_local const struct snapshot *rank_snapshot;

static const double column_weight[] = { 6.0, 3.0, 1.0 }; /* title, tags, body */
#define BODY_COLUMN	2	/* of article_fts: the one with marks */

/* A row and its score from kbd_rank (greater is better). */
struct ranked {
	double	 score;
	int64_t	 id;
};

/*
 * The k best rows seen so far, in a heap with the worst on top: what
 * ORDER BY rank LIMIT k gives, without FTS5 sorting every matching row
 * first, which for a broad query over a large base took most of its time.
 */
struct topk {
	struct ranked	*row;
	int		 n;
	int		 k;
	int64_t		 pushed;	/* rows ranked: the tier's matches */
};

/*
 * The reader of the search under way in this thread, for kbd_snippet's
 * marks; set by search_run() like rank_snapshot.
 */
static _Thread_local struct reader *snippet_reader;

/*
 * The tier being ranked in this thread: kbd_rank puts every row in it.
 * Set by rank_tier() around its query, like rank_snapshot.
 */
static _Thread_local struct topk *rank_top;

/* Whether a ranks before b: the better score, then the older article. */
static int
ranks_before(const struct ranked *a, const struct ranked *b)
{
	return a->score > b->score || (a->score == b->score && a->id < b->id);
}

static void
ranked_swap(struct ranked *a, struct ranked *b)
{
	struct ranked	 t = *a;

	*a = *b;
	*b = t;
}

static void
topk_init(struct topk *t, int k)
{
	t->n = 0;
	t->pushed = 0;
	t->k = k > 0 && k <= KBD_MAX_OFFSET + KBD_MAX_LIMIT ? k : 0;
	t->row = xcalloc((size_t)t->k + 1, sizeof(*t->row));
}

/* The score a row must beat to get in; -HUGE_VAL while there is room. */
static double
topk_worst(const struct topk *t)
{
	return t->k > 0 && t->n == t->k ? t->row[0].score : -HUGE_VAL;
}

static void
topk_push(struct topk *t, double score, int64_t id)
{
	struct ranked	 r = { score, id };
	int		 i, c;

	t->pushed++;
	if (t->n < t->k) {
		i = t->n++;
		t->row[i] = r;
		for (; i > 0 && ranks_before(&t->row[(i - 1) / 2], &t->row[i]);
		    i = (i - 1) / 2)
			ranked_swap(&t->row[(i - 1) / 2], &t->row[i]);
	} else if (t->k > 0 && ranks_before(&r, &t->row[0])) {
		t->row[0] = r;
		for (i = 0; (c = 2 * i + 1) < t->n; i = c) {
			/* Down towards the worse child. */
			if (c + 1 < t->n && ranks_before(&t->row[c],
			    &t->row[c + 1]))
				c++;
			if (!ranks_before(&t->row[i], &t->row[c]))
				break;
			ranked_swap(&t->row[i], &t->row[c]);
		}
	}
}

static int
ranked_cmp(const void *a, const void *b)
{
	return ranks_before(a, b) ? -1 : ranks_before(b, a) ? 1 : 0;
}

/* Sorts t's rows, best first; t is no heap after that. */
static void
topk_sort(struct topk *t)
{
	qsort(t->row, (size_t)t->n, sizeof(*t->row), ranked_cmp);
}

/*
 * Per-query data of kbd_rank, computed on its first row.  The argument
 * lists, for each phrase of the expression in order, the slot (query
 * word) it stands for; alternatives of one word share a slot.  The other
 * forms of a word (its family) count as the word itself: their matches
 * add to its frequency, with its IDF.
 */
struct rank_data {
	int	 nphrase;
	int	 nslot;
	int	*slot_of;	/* per phrase */
	int	*word_of;	/* per phrase: the phrase of the word it is a
				   form of, or its own */
	double	*weight;	/* per phrase: the worth of its kind */
	double	*idf;		/* per phrase */
	double	*tf;		/* scratch per phrase: weighted frequency */
	int	*in_title;	/* scratch per phrase */
	double	*slot_idf;	/* per slot: the best of its phrases */
	double	 total_idf;
	double	 avgdl;
};

static int
count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

static void
rank_data_free(void *p)
{
	struct rank_data	*d = p;

	if (d == NULL)
		return;
	free(d->slot_of);
	free(d->word_of);
	free(d->weight);
	free(d->idf);
	free(d->tf);
	free(d->in_title);
	free(d->slot_idf);
	free(d);
}

/*
 * Reads the map "0:1.00:12 +0:1.00:40 1:0.50:7": for each phrase, its
 * slot, its weight and about how many documents hold it (from the
 * lexicon; -1 after a phrase means: count them here); '+' marks another
 * form of the word before.  Phrases beyond the map get slots of their
 * own, full weight, and are counted.
 */
static void
read_map(struct rank_data *d, const char *map, double *docs)
{
	char	*end;
	long	 v;
	double	 w, n;
	int	 i, form;

	for (i = 0; i < d->nphrase; i++) {
		while (map != NULL && *map == ' ')
			map++;
		form = map != NULL && *map == '+' && i > 0;
		if (form)
			map++;
		v = map != NULL ? strtol(map, &end, 10) : 0;
		if (map == NULL || end == map || *end != ':' || v < 0 ||
		    v >= d->nphrase || v > KBD_MAX_TERMS) {
			d->slot_of[i] = i < KBD_MAX_TERMS ? i : KBD_MAX_TERMS;
			d->word_of[i] = i;
			d->weight[i] = 1.0;
			docs[i] = -1.0;
			map = NULL;
		} else {
			w = strtod(end + 1, &end);
			n = *end == ':' ? strtod(end + 1, &end) : -1.0;
			d->slot_of[i] = (int)v;
			d->word_of[i] = form && d->slot_of[i - 1] == (int)v ?
			    d->word_of[i - 1] : i;
			d->weight[i] = w > 0.0 && w <= 1.0 ? w : 1.0;
			docs[i] = n;
			map = end;
		}
		if (d->slot_of[i] >= d->nslot)
			d->nslot = d->slot_of[i] + 1;
	}
}

/* A rank_data with what the map says; NULL when memory runs out. */
static struct rank_data *
rank_data_read(const Fts5ExtensionApi *api, Fts5Context *fts, const char *map)
{
	struct rank_data	*d;
	size_t			 np;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->nphrase = api->xPhraseCount(fts);
	np = (size_t)d->nphrase + 1;
	d->slot_of = calloc(np, sizeof(int));
	d->word_of = calloc(np, sizeof(int));
	d->weight = calloc(np, sizeof(double));
	d->idf = calloc(np, sizeof(double));
	d->tf = calloc(np, sizeof(double));
	d->in_title = calloc(np, sizeof(int));
	d->slot_idf = calloc(np, sizeof(double));
	if (d->slot_of == NULL || d->word_of == NULL || d->weight == NULL ||
	    d->idf == NULL || d->tf == NULL || d->in_title == NULL ||
	    d->slot_idf == NULL) {
		rank_data_free(d);
		return NULL;
	}
	/* idf[] holds the document counts until they become IDFs. */
	read_map(d, map, d->idf);
	return d;
}

static struct rank_data *
rank_data_new(const Fts5ExtensionApi *api, Fts5Context *fts, const char *map)
{
	struct rank_data	*d;
	sqlite3_int64		 rows = 0, tokens = 0, n;
	int			 i;

	if ((d = rank_data_read(api, fts, map)) == NULL)
		return NULL;
	if (api->xRowCount(fts, &rows) != SQLITE_OK ||
	    api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK)
		goto fail;
	d->avgdl = rows > 0 ? (double)tokens / (double)rows : 1.0;
	for (i = 0; i < d->nphrase; i++) {
		if (d->word_of[i] != i) {
			d->idf[i] = d->idf[d->word_of[i]];
			continue;
		}
		n = (sqlite3_int64)d->idf[i];
		if (d->idf[i] < 0.0) {
			n = 0;
			if (api->xQueryPhrase(fts, i, &n, count_row) !=
			    SQLITE_OK)
				goto fail;
		}
		if (n > rows)
			n = rows;
		d->idf[i] = log(1.0 + ((double)rows - (double)n + 0.5) /
		    ((double)n + 0.5));
		if (d->idf[i] > d->slot_idf[d->slot_of[i]])
			d->slot_idf[d->slot_of[i]] = d->idf[i];
	}
	for (i = 0; i < d->nslot; i++)
		d->total_idf += d->slot_idf[i];
	return d;
fail:
	rank_data_free(d);
	return NULL;
}

/*
 * How close together the query's words stand: in the column where they
 * stand closest, the number of distinct slots in the tightest window
 * holding them, over the window's length.  1 when they are next to each
 * other, 0 with fewer than two slots.
 */
static double
proximity(const Fts5ExtensionApi *api, Fts5Context *fts,
    const struct rank_data *d, int ninst)
{
	int	 off[PROX_MAX_INST], slot[PROX_MAX_INST], col[PROX_MAX_INST];
	int	 count[KBD_MAX_TERMS + 1], n = 0, i, lo, hi, k, distinct, phrase;
	int	 c, o, from;
	double	 best = 0.0, v, col_best;

	for (i = 0; i < ninst && n < PROX_MAX_INST; i++) {
		if (api->xInst(fts, i, &phrase, &c, &o) != SQLITE_OK ||
		    phrase >= d->nphrase)
			continue;
		off[n] = o;
		col[n] = c;
		slot[n] = d->slot_of[phrase];
		n++;
	}
	/* Instances come sorted by column, then offset. */
	for (from = 0; from < n; from = hi) {
		for (hi = from; hi < n && col[hi] == col[from]; hi++)
			;
		memset(count, 0, sizeof(count));
		for (distinct = 0, i = from; i < hi; i++)
			if (count[slot[i]]++ == 0)
				distinct++;
		if (distinct < 2)
			continue;
		memset(count, 0, sizeof(count));
		col_best = 0.0;
		for (k = 0, lo = from, i = from; i < hi; i++) {
			if (count[slot[i]]++ == 0)
				k++;
			for (; k == distinct; lo++) {
				/* Gaps between the words: none when adjacent. */
				v = (double)(distinct - 1) / (double)(off[i] -
				    off[lo] > distinct - 1 ? off[i] - off[lo] :
				    distinct - 1);
				if (v > col_best)
					col_best = v;
				if (--count[slot[lo]] == 0)
					k--;
			}
		}
		/* Share of the query's words, so two of five count less. */
		col_best *= (double)(distinct - 1) / (double)(d->nslot - 1);
		if (col_best > best)
			best = col_best;
	}
	return best;
}

/*
 * kbd_rank's score of a row, but for proximity: from the best value of
 * each slot's forms (0: not found) and the slots found in the title, with
 * the popularity factor pop.
 */
static double
slots_score(const struct rank_data *d, const double *best,
    const int *in_title, double pop)
{
	double	 found = 0.0, title = 0.0, bm = 0.0;
	int	 s;

	for (s = 0; s < d->nslot && s <= KBD_MAX_TERMS; s++) {
		if (best[s] == 0.0)
			continue;
		found += d->slot_idf[s];
		if (in_title[s])
			title += d->slot_idf[s];
		bm += best[s];
	}
	if (d->total_idf > 0.0)
		found /= d->total_idf;
	return found * 1000.0 + (bm + TITLE_BONUS * title) * pop;
}

/* The bonus for a row whose words stand side by side (none for one word). */
static double
proximity_bonus(const struct rank_data *d, double pop)
{
	return d->nslot > 1 ? PROX_BONUS * d->total_idf / d->nslot * pop : 0.0;
}

/*
 * The most a row can score, from the first instance of each phrase only
 * (instances are sorted by column): which words it holds and which of
 * them stand in the title; their frequencies are taken as saturated
 * (BM25 stays below k1 + 1) and the words as side by side.  Building a
 * row's instances is most of kbd_rank's work: a row whose bound cannot
 * beat the k best so far goes without.
 */
static double
score_bound(const Fts5ExtensionApi *api, Fts5Context *fts,
    const struct rank_data *d, double pop)
{
	Fts5PhraseIter	 it;
	double		 best[KBD_MAX_TERMS + 1], v;
	int		 in_title[KBD_MAX_TERMS + 1], i, s, col, off;

	memset(best, 0, sizeof(best));
	memset(in_title, 0, sizeof(in_title));
	for (i = 0; i < d->nphrase; i++) {
		if (api->xPhraseFirst(fts, i, &it, &col, &off) != SQLITE_OK)
			return HUGE_VAL;
		if (col < 0)
			continue;
		s = d->slot_of[i];
		v = d->weight[i] * d->idf[i] * (BM25_K1 + 1.0);
		if (v > best[s])
			best[s] = v;
		if (col == 0)
			in_title[s] = 1;
	}
	return slots_score(d, best, in_title, pop) + proximity_bonus(d, pop);
}

/*
 * kbd_rank(map): smaller is better, as FTS5's ORDER BY rank wants.
 * Per query word (slot): BM25F over title, tags and body, taking the
 * best of the word's forms; the share of the query's information (IDF)
 * found comes first, so that when not every word matches, rows missing
 * only uninformative words win; words found in the title add a bonus.
 */
static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int argc, sqlite3_value **argv)
{
	struct rank_data	*d;
	double			 score, norm, best[KBD_MAX_TERMS + 1], v, pop, kth;
	double			 len, avg;
	sqlite3_int64		 rowid;
	int			 ninst, i, phrase, col, off, dl = 0, s;
	int			 slot_title[KBD_MAX_TERMS + 1];

	if ((d = api->xGetAuxdata(fts, 0)) == NULL) {
		d = rank_data_new(api, fts, argc > 0 ?
		    (const char *)sqlite3_value_text(argv[0]) : NULL);
		if (d == NULL || api->xSetAuxdata(fts, d, rank_data_free) !=
		    SQLITE_OK) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	rowid = api->xRowid(fts);
	if ((len = snapshot_doclen(rank_snapshot, rowid, &avg)) == 0.0) {
		/* Not in the snapshot (new since): ask FTS5. */
		if (api->xColumnSize(fts, -1, &dl) != SQLITE_OK) {
			sqlite3_result_error_code(ctx, SQLITE_ERROR);
			return;
		}
		len = dl;
		avg = d->avgdl;
	}
	kth = rank_top != NULL ? topk_worst(rank_top) : -HUGE_VAL;
	/* Between equal answers the more read wins; never by more. */
	pop = 1.0 + POP_BOOST * snapshot_popularity(rank_snapshot, rowid);
	if (kth > -HUGE_VAL && (v = score_bound(api, fts, d, pop)) < kth) {
		/* Ranked below the k best all the same: counted, not kept. */
		topk_push(rank_top, v, rowid);
		sqlite3_result_double(ctx, -v);
		return;
	}
	if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, SQLITE_ERROR);
		return;
	}
	memset(d->tf, 0, sizeof(double) * (size_t)d->nphrase);
	memset(d->in_title, 0, sizeof(int) * (size_t)d->nphrase);
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK ||
		    phrase >= d->nphrase || col < 0 ||
		    (size_t)col >= nitems(column_weight))
			continue;
		d->tf[d->word_of[phrase]] += column_weight[col];
		if (col == 0)
			d->in_title[d->word_of[phrase]] = 1;
	}
	/* Each slot counts once, with its best-scoring form. */
	memset(best, 0, sizeof(best));
	memset(slot_title, 0, sizeof(slot_title));
	norm = BM25_K1 * (1.0 - BM25_B + BM25_B * len / avg);
	for (i = 0; i < d->nphrase; i++) {
		if (d->tf[i] == 0.0)
			continue;
		s = d->slot_of[i];
		v = d->weight[i] * d->idf[i] * d->tf[i] * (BM25_K1 + 1.0) /
		    (d->tf[i] + norm);
		if (v > best[s])
			best[s] = v;
		slot_title[s] |= d->in_title[i];
	}
	score = slots_score(d, best, slot_title, pop);
	/*
	 * Proximity is the dear part: only for rows that could still get
	 * into the k best with it.
	 */
	if ((v = proximity_bonus(d, pop)) > 0.0 && score + v > kth)
		score += v * proximity(api, fts, d, ninst);
	if (rank_top != NULL)
		topk_push(rank_top, score, rowid);
	sqlite3_result_double(ctx, -score);
}

/* Token positions and byte offsets of one column, for snippets. */
struct tokpos {
	int	 start;		/* byte offsets in the column text */
	int	 end;
	int	 marked;
};

struct snip {
	struct tokpos	*tok;		/* tokens [first, first + ntok) */
	int		 base;		/* byte offset of the text tokenized */
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
	s->tok[s->ntok].start = s->base + start;
	s->tok[s->ntok].end = s->base + end;
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
 * Picks the window of want positions of column col that holds the most
 * distinct words (phrases; with d, the forms of a word are one), then the
 * most matches; returns its first position, 0 when the column has no
 * match.  Each match is tried a little after the window's start; the
 * window slides over the matches once (a long article has hundreds).
 */
static int
best_window(const Fts5ExtensionApi *api, Fts5Context *fts, int col, int want,
    const struct rank_data *d)
{
	int	*off, *phrase, count[64];
	int	 ninst, n = 0, i, lo = 0, hi = 0, distinct = 0, c, o, p;
	int	 start, score, best = 0, best_score = -1;

	if (api->xInstCount(fts, &ninst) != SQLITE_OK || ninst <= 0)
		return 0;
	off = calloc((size_t)ninst, sizeof(*off));
	phrase = calloc((size_t)ninst, sizeof(*phrase));
	if (off == NULL || phrase == NULL) {
		free(off);
		free(phrase);
		return 0;
	}
	/* Instances come sorted by column, then offset. */
	for (i = 0; i < ninst; i++)
		if (api->xInst(fts, i, &p, &c, &o) == SQLITE_OK && c == col) {
			off[n] = o;
			/* The forms of a word are one word. */
			if (d != NULL && p < d->nphrase)
				p = d->word_of[p];
			phrase[n++] = p & 63;
		}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		/* A little context before the first match reads better. */
		start = off[i] > want / 4 ? off[i] - want / 4 : 0;
		for (; hi < n && off[hi] < start + want; hi++)
			if (count[phrase[hi]]++ == 0)
				distinct++;
		for (; lo < hi && off[lo] < start; lo++)
			if (--count[phrase[lo]] == 0)
				distinct--;
		score = 100 * distinct + (hi - lo);
		if (score > best_score) {
			best_score = score;
			best = start;
		}
	}
	free(off);
	free(phrase);
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
 * Marks: where tokenizing an article's text may start instead of at its
 * beginning.  A snippet shows a passage found by word position, so the
 * words before it must be counted, and ICU's word breaking of a long
 * article up to a passage near its end was two thirds of the slowest
 * searches.  A mark is a position and the byte offset of its word, one
 * about every MARK_EVERY words, taken only where the word follows white
 * space: word breaking started there finds the same words as from the
 * beginning.  kbd_marks(text) makes them (4-byte little-endian pairs) when
 * an article is stored; they are read in the snippet's own transaction,
 * so they always belong to the text it shows.
 */
#define MARK_EVERY	64

struct marks_build {
	struct buf	 out;
	int		 pos;		/* of the next word */
	int		 next;		/* position of the next mark */
	const char	*text;
};

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char	 c[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
			    (v >> 24) & 0xff };

	buf_put(b, c, sizeof(c));
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
mark_token(void *ctx, int tflags, const char *token, int ntoken, int start,
    int end)
{
	struct marks_build	*m = ctx;
	char			 before;

	(void)token;
	(void)ntoken;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	before = start > 0 ? m->text[start - 1] : ' ';
	if (m->pos >= m->next && (before == ' ' || before == '\n' ||
	    before == '\t' || before == '\r')) {
		put_u32(&m->out, (uint32_t)m->pos);
		put_u32(&m->out, (uint32_t)start);
		m->next = m->pos + MARK_EVERY;
	}
	m->pos++;
	return SQLITE_OK;
}

/* kbd_marks(text): the marks of text as a blob; NULL for short texts. */
static void
marks_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tokenizer	**tok = sqlite3_user_data(ctx);
	struct marks_build	 m;
	const char		*text;
	int			 n;

	if (argc != 1 || (text = (const char *)sqlite3_value_text(argv[0])) ==
	    NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	n = sqlite3_value_bytes(argv[0]);
	if (*tok == NULL && (*tok = tokenizer_new(NULL)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(&m, 0, sizeof(m));
	buf_init(&m.out);
	m.text = text;
	m.next = MARK_EVERY;
	if (tokenizer_run(*tok, text, n, TOKENIZER_AUX, mark_token, &m) !=
	    SQLITE_OK) {
		buf_free(&m.out);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (m.out.len == 0) {
		buf_free(&m.out);
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_blob(ctx, m.out.data, (int)m.out.len, free);
}

static void
marks_free(void *p)
{
	struct tokenizer	**tok = p;

	tokenizer_free(*tok);
	free(tok);
}

/*
 * The last mark of article id at or before position first, from the
 * reader's marks: its position into *pos and its byte offset into *off
 * (both 0 when there is none).  ntext bounds the offset.
 */
static void
mark_before(struct reader *r, int64_t id, int first, int ntext, int *pos,
    int *off)
{
	sqlite3_stmt		*st;
	const unsigned char	*b;
	int			 n, i, p, o;

	*pos = *off = 0;
	if (r == NULL || first < MARK_EVERY)
		return;
	st = r->st[ST_BODY_MARKS];
	if (sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    (b = sqlite3_column_blob(st, 0)) != NULL) {
		n = sqlite3_column_bytes(st, 0) / 8;
		for (i = 0; i < n; i++) {
			p = (int)get_u32(b + 8 * i);
			o = (int)get_u32(b + 8 * i + 4);
			if (p > first || o < 0 || o >= ntext)
				break;
			*pos = p;
			*off = o;
		}
	}
	sqlite3_reset(st);
}

/*
 * kbd_snippet(col, n [, map]): the best passage of about n words of column
 * col, as HTML.  Text before and after it is shown as "…".  map is
 * kbd_rank's: which phrases are forms of one word.
 */
static void
snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
    sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct snip		 s;
	struct rank_data	*d = NULL;
	struct buf		 b;
	const char		*text;
	int			 col, ntext, i, rc, last = 0;
	size_t			 len;
	char			*out;

	if (argc != 2 && argc != 3) {
		sqlite3_result_error(ctx, "kbd_snippet(col, n [, map])", -1);
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
	if (argc == 3 && (d = api->xGetAuxdata(fts, 0)) == NULL) {
		d = rank_data_read(api, fts,
		    (const char *)sqlite3_value_text(argv[2]));
		if (d == NULL || api->xSetAuxdata(fts, d, rank_data_free) !=
		    SQLITE_OK) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	s.first = best_window(api, fts, col, s.want, d);
	if ((s.tok = calloc((size_t)s.want, sizeof(*s.tok))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	/* The body's words before the passage are counted from a mark. */
	if (col == BODY_COLUMN)
		mark_before(snippet_reader, api->xRowid(fts), s.first, ntext,
		    &s.pos, &s.base);
	rc = api->xTokenize(fts, text + s.base, ntext - s.base, &s,
	    snip_token);
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

/* Registers kbd_rank, kbd_snippet and kbd_marks on db; an SQLite code. */
int
search_register(sqlite3 *db)
{
	fts5_api		 *api;
	struct tokenizer	**tok;
	int			  rc;

	if ((api = tokenizer_fts5(db)) == NULL)
		return SQLITE_ERROR;
	rc = api->xCreateFunction(api, "kbd_rank", NULL, rank_fn, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "kbd_snippet", NULL, snippet_fn,
		    NULL);
	/* Its tokenizer is made on the first call: readers never call it. */
	if (rc == SQLITE_OK && (tok = calloc(1, sizeof(*tok))) == NULL)
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "kbd_marks", 1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, tok, marks_fn, NULL,
		    NULL, marks_free);
	return rc;
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

/*
 * How many tiers to try: words that nothing holds can all go; of the
 * others, at most half.
 */
static size_t
tiers(const struct query *q)
{
	size_t	 i, known = 0;

	for (i = 0; i < q->nslots; i++)
		if (q->slots[i].docs > 0)
			known++;
	if (known == 0)
		return 1;
	return q->nslots - known + known / 2 + 1;
}

/*
 * The order in which words are given up when no article holds them all:
 * words nothing holds first, then the most common ones, so that the
 * least informative go before the rest.
 */
static void
drop_order(const struct query *q, size_t *order)
{
	size_t	 i, j, t;

	for (i = 0; i < q->nslots; i++)
		order[i] = i;
	for (i = 1; i < q->nslots; i++)
		for (j = i; j > 0; j--) {
			int64_t a = q->slots[order[j - 1]].docs;
			int64_t b = q->slots[order[j]].docs;
			if ((a == 0 ? INT64_MAX : a) >= (b == 0 ? INT64_MAX : b))
				break;
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

/*
 * About how many rows the tier of mask holds: as many as its rarest
 * slot, or with any, its most common one.
 */
static int64_t
tier_rows(const struct query *q, uint64_t mask, int any)
{
	int64_t	 n = -1;
	size_t	 i;

	for (i = 0; i < q->nslots && i < 64; i++)
		if ((mask & (1ULL << i)) && (n == -1 || (any ?
		    q->slots[i].docs > n : q->slots[i].docs < n)))
			n = q->slots[i].docs;
	return n;
}

/*
 * With SEARCH_ANY (related articles): the slots of mask that at most
 * ANY_DOCS_MAX articles hold, or when there are none, the rarest.  In a
 * large base the other words say little about what an article is about,
 * and their rows are most of the index: at 50,000 articles a page with
 * "Zellen" among its tags ranked 12,000 rows for its related articles.
 */
#define ANY_DOCS_MAX	1000

static uint64_t
informative(const struct query *q, uint64_t mask)
{
	uint64_t	 rare = 0, rarest = 0;
	int64_t		 fewest = -1;
	size_t		 i;

	for (i = 0; i < q->nslots && i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		if (q->slots[i].docs <= ANY_DOCS_MAX)
			rare |= 1ULL << i;
		if (fewest == -1 || q->slots[i].docs < fewest) {
			fewest = q->slots[i].docs;
			rarest = 1ULL << i;
		}
	}
	return rare != 0 ? rare : rarest;
}

/*
 * The n slots of mask that the fewest articles hold; order is
 * drop_order()'s, which puts them last.
 */
static uint64_t
rarest(const struct query *q, const size_t *order, uint64_t mask, int n)
{
	uint64_t	 keep = 0;
	size_t		 i;

	for (i = q->nslots; i-- > 0 && n > 0;)
		if (order[i] < 64 && (mask & (1ULL << order[i]))) {
			keep |= 1ULL << order[i];
			n--;
		}
	return keep;
}

/* Starts a tier's expression: in titles and tags only with SEARCH_TITLES. */
static void
tier_begin(struct buf *expr, struct buf *map, int flags)
{
	buf_reset(expr);
	buf_reset(map);
	if (flags & SEARCH_TITLES)
		buf_puts(expr, "{title tags} : (");
}

static void
tier_end(struct buf *expr, int flags)
{
	if (flags & SEARCH_TITLES)
		buf_putc(expr, ')');
}

/*
 * The expression of one tier: the slots of mask, and for every tier but
 * the first, NOT the slot given up last, so that no row comes twice.
 */
static void
tier_expr(const struct query *q, uint64_t mask, int flags, int dropped,
    struct buf *expr, struct buf *map)
{
	tier_begin(expr, map, flags);
	buf_putc(expr, '(');
	query_build(q, mask, (flags & SEARCH_ANY) != 0, expr, map);
	buf_putc(expr, ')');
	if (dropped >= 0) {
		buf_puts(expr, " NOT (");
		query_build(q, 1ULL << dropped, 0, expr, map);
		buf_putc(expr, ')');
	}
	tier_end(expr, flags);
}

/*
 * Up to this many words the index has, a tier after those with every
 * word holds the rows with exactly so many of them, whichever they are
 * (an OR of every such subset: 35 at most); beyond, the rows lacking the
 * words given up so far, in drop_order().
 */
#define SUBSET_WORDS_MAX	6

static int
popcount64(uint64_t m)
{
	int	 n = 0;

	for (; m != 0; m &= m - 1)
		n++;
	return n;
}

/* Appends the rows holding at least c of the slots of set. */
static void
at_least(const struct query *q, uint64_t set, int c, struct buf *expr,
    struct buf *map)
{
	uint64_t	 sub;
	int		 n = 0;

	buf_putc(expr, '(');
	for (sub = set; sub != 0; sub = (sub - 1) & set) {
		if (popcount64(sub) != c)
			continue;
		if (n++ > 0)
			buf_puts(expr, " OR ");
		buf_putc(expr, '(');
		query_build(q, sub, 0, expr, map);
		buf_putc(expr, ')');
	}
	buf_putc(expr, ')');
}

/*
 * The expression of a tier of the rows holding exactly c of the slots of
 * known (0 < c < all of them).  A row lacking an informative word thus
 * comes after those lacking only common ones, not never: kbd_rank ranks
 * the share of the query's information found first.
 */
static void
tier_expr_exactly(const struct query *q, uint64_t known, int c, int flags,
    struct buf *expr, struct buf *map)
{
	tier_begin(expr, map, flags);
	at_least(q, known, c, expr, map);
	buf_puts(expr, " NOT ");
	at_least(q, known, c + 1, expr, map);
	tier_end(expr, flags);
}

/*
 * A tier expected to hold more rows than this is ranked by kbd_rank
 * keeping the best rows itself, and the page's snippets are looked up
 * row by row; a smaller one with FTS5's ORDER BY rank, whose sorter
 * copies the positions of every row (about 0.5 us a row at 50,000
 * articles) but gives the snippets without a lookup of their own (about
 * 100 us a row, each parsing the expression and seeking every term).
 */
#define SORTED_ROWS_MAX	2000

/*
 * Appends the rows of expr ranked from offset on, as far as res has
 * room, in FTS5's order by rank.  Returns 0, or -1 on errors.
 */
static int
fetch_sorted(struct reader *r, const char *expr, const char *map, int room,
    int offset, int snippet_tokens, struct search_result *res)
{
	sqlite3_stmt		*st = r->st[ST_SEARCH_SORTED];
	struct search_hit	*h;
	struct buf		 rank;
	size_t			 want = res->n + (size_t)room;
	int			 rc;

	buf_init(&rank);
	buf_printf(&rank, "kbd_rank('%s')", map);
	rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, room);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, offset);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, snippet_tokens);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, rank.data, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 6, map, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (res->n >= want)
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
	buf_free(&rank);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Appends row id of expr (kbd_rank map) to res->hits, with its snippet of
 * snippet_tokens words (none when 0).  Returns 0, or -1 on errors.
 */
static int
add_hit(struct reader *r, const char *expr, const char *map, int64_t id,
    int snippet_tokens, struct search_result *res)
{
	sqlite3_stmt		*st = r->st[ST_SNIPPET];
	struct search_hit	*h = &res->hits[res->n];
	int			 rc;

	if (hit_details(r, id, h) == -1)
		return 0;	/* gone since: leave it out */
	if (snippet_tokens == 0) {
		h->snippet = xstrdup("");
		res->n++;
		return 0;
	}
	rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, snippet_tokens);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, map, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	h->snippet = xstrdup(rc == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(st, 0) : "");
	res->n++;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		log_warnx("search: snippet: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Ranks every row of expr into top (by kbd_rank), then appends the rows
 * of top from offset on to res.  Returns 0, or -1 on errors.
 */
static int
fetch_best(struct reader *r, const char *expr, const char *map,
    struct topk *top, int offset, int snippet_tokens,
    struct search_result *res)
{
	sqlite3_stmt	*st = r->st[ST_SEARCH_RANKED];
	int		 rc, i;

	rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, map, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = SQLITE_OK;
	if (rc != SQLITE_DONE)
		log_warnx("search: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	topk_sort(top);
	for (i = offset; rc == SQLITE_DONE && i < top->n; i++)
		if (add_hit(r, expr, map, top->row[i].id, snippet_tokens,
		    res) == -1)
			rc = SQLITE_ERROR;
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Ranks the rows of one tier, about estimate of them, into res (as far
 * as the page has room, skipping *offset rows).  Returns how many rows
 * the tier has, or -1 on errors.
 */
static int64_t
rank_tier(struct reader *r, const struct buf *expr, const struct buf *map,
    int64_t estimate, int limit, int *offset, int flags,
    struct search_result *res)
{
	struct topk	 top;
	const char	*m = map->data != NULL ? map->data : "";
	int		 room = limit - (int)res->n, rc;
	int		 snippet = (flags & SEARCH_NO_SNIPPET) ? 0 :
			    KBD_SNIPPET_TOKENS;

	topk_init(&top, *offset + room);
	rank_top = &top;
	if (snippet > 0 && estimate <= SORTED_ROWS_MAX)
		rc = fetch_sorted(r, expr->data, m, room, *offset, snippet,
		    res);
	else
		rc = fetch_best(r, expr->data, m, &top, *offset, snippet,
		    res);
	rank_top = NULL;
	free(top.row);
	if (rc == -1)
		return -1;
	*offset = *offset >= top.pushed ? *offset - (int)top.pushed : 0;
	return top.pushed;
}

/*
 * Searches for q with reader r, as the best engines do: first the rows
 * that hold every slot (query word); then, while there is room on the
 * page, words nothing holds are given up, then the rows that lack one
 * word, whichever (those lacking the least informative first, as
 * kbd_rank ranks), then two, down to half the words; with more than
 * SUBSET_WORDS_MAX words, the least informative word is given up, then
 * the next, in drop_order().  Each tier is ranked by itself, so a row
 * with more words always comes before one with fewer.  When no tier has
 * a row, the rows with any informative word are ranked instead.
 * With SEARCH_ANY, rows with any word match, in one tier.  q is completed
 * with query_expand() first.  Fills res (free it with
 * search_result_free()).  res->total counts the rows of the tiers this
 * page needed: the rows with every word, and when those do not fill the
 * page, the rows with fewer words that do (like Meilisearch's estimated
 * total, it may grow on a later page).  Returns 0, or -1 on database
 * errors.
 */
int
search_run(struct reader *r, struct query *q, int limit, int offset,
    int flags, struct search_result *res)
{
	struct snapshot	*snap;
	struct buf	 expr, map;
	size_t		 order[KBD_MAX_TERMS], ntiers, t;
	uint64_t	 mask, known = 0;
	int64_t		 n;
	int		 any = (flags & SEARCH_ANY) != 0, rc = 0;
	int		 subsets, exactly;

	memset(res, 0, sizeof(*res));
	snap = snapshot_acquire();
	query_expand(q, r, snap);
	if (q->nslots == 0) {
		snapshot_release(snap);
		return 0;
	}
	rank_snapshot = snap;
	snippet_reader = r;
	res->hits = xcalloc((size_t)limit, sizeof(*res->hits));
	mask = q->nslots >= 64 ? ~0ULL : (1ULL << q->nslots) - 1;
	if (any)
		mask = informative(q, mask);
	drop_order(q, order);
	for (t = 0; t < q->nslots && t < 64; t++)
		if (q->slots[t].docs > 0)
			known |= 1ULL << t;
	subsets = !any && popcount64(known) <= SUBSET_WORDS_MAX;
	ntiers = any || (flags & SEARCH_STRICT) ? 1 : tiers(q);
	buf_init(&expr);
	buf_init(&map);
	for (t = 0; t < ntiers && rc == 0 && res->n < (size_t)limit; t++) {
		if (t > 0)
			mask &= ~(1ULL << order[t - 1]);
		exactly = subsets && (mask & ~known) == 0 && mask != known;
		if (exactly)
			tier_expr_exactly(q, known, popcount64(mask), flags,
			    &expr, &map);
		else
			tier_expr(q, mask, flags, t > 0 ? (int)order[t - 1] :
			    -1, &expr, &map);
		n = rank_tier(r, &expr, &map, exactly ? tier_rows(q, known, 1) :
		    tier_rows(q, mask, any), limit, &offset, flags, res);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (t == 0 && n == 0 && q->nslots > 1 && !any)
			res->partial = 1;
		res->total += n;
	}
	/*
	 * Not even half the words together anywhere (a long question, an
	 * error message pasted whole): rather than nothing, the articles
	 * with any of the (at most six) rarest informative words, those with
	 * the most of the query's information first.
	 */
	if (rc == 0 && res->total == 0 && !any && !(flags & SEARCH_STRICT) &&
	    popcount64(known) > 1) {
		mask = rarest(q, order, informative(q, known), SUBSET_WORDS_MAX);
		tier_expr(q, mask, flags | SEARCH_ANY, -1, &expr, &map);
		if ((n = rank_tier(r, &expr, &map, tier_rows(q, mask, 1), limit,
		    &offset, flags, res)) < 0)
			rc = -1;
		else
			res->total = n;
	}
	rank_snapshot = NULL;
	snippet_reader = NULL;
	snapshot_release(snap);
	buf_free(&expr);
	buf_free(&map);
	return rc;
}

struct last_word {
	int	 start;
	int	 end;
	char	 folded[GERMAN_MAX_WORD + 1];
};

static int
note_last(void *ctx, const struct tokenizer_word *w)
{
	struct last_word	*l = ctx;

	l->start = w->start;
	l->end = w->end;
	memcpy(l->folded, w->folded, (size_t)w->nfolded + 1);
	return 0;
}

/*
 * Suggestions while the customer types: articles whose title or tags hold
 * the words typed so far, the last one as the start of a word ("passw"
 * finds "Passwort", "Passwörter").  Fills res like search_run(), titles
 * only.  Returns 0, or -1 on database errors.
 */
int
search_suggest(struct reader *r, const char *text, int limit,
    struct search_result *res)
{
	struct last_word	 last;
	struct snapshot		*snap;
	struct query		*q;
	struct buf		 b;
	size_t			 n = strlen(text);
	int			 rc = 0, prefix;

	memset(res, 0, sizeof(*res));
	memset(&last, 0, sizeof(last));
	last.start = -1;
	buf_init(&b);
	buf_put(&b, "", 0);
	utf8_sanitize(&b, text, utf8_prefix(text, n, KBD_MAX_QUERY));
	tokenizer_words(r->tok, b.data, (int)b.len, note_last, &last);
	/* A word followed by something else is complete; the last may not. */
	prefix = last.start >= 0 && (size_t)last.end == b.len;
	if (prefix)
		b.data[last.start] = '\0';
	q = query_parse(r->tok, b.data);
	snap = snapshot_acquire();
	if (prefix && strlen(last.folded) >= 2 && query_add_prefix(q,
	    snapshot_lexicon(snap), last.folded,
	    strlen(last.folded)) == -1) {
		/* Nothing in the knowledge base starts like that. */
		snapshot_release(snap);
		query_free(q);
		buf_free(&b);
		return 0;
	}
	snapshot_release(snap);
	if (q->nslots > 0)
		rc = search_run(r, q, limit, 0, SEARCH_TITLES | SEARCH_STRICT |
		    SEARCH_NO_SNIPPET, res);
	query_free(q);
	buf_free(&b);
	return rc;
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
