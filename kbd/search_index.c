/*
 * search_index.c (search): the index the ranking reads, in memory.  For every
 * term of the published articles (the tokens kbd's tokenizer gives stored
 * text: stems, compound parts, joined words; not stop words) it holds the
 * articles that have it and how often, per field: title, tags, aliases
 * and body.  Ranking walks these lists in plain C (search_rank.c), which
 * for a question over 50,000 articles is several times faster than
 * asking FTS5 for every row of an OR and ranking each in a callback.
 *
 * Its source is the term vector of each article (terms.c), kept when
 * the article is stored (article.terms): the index is built from those
 * at every import, in two passes over the table, without tokenizing
 * anything.  The index holds no positions: phrases and stop words are
 * still FTS5's.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"



/* A term of the index, in an open-addressing table. */
struct ix_term {
	uint64_t	 hash;		/* 0: empty */
	uint32_t	 name;		/* offset of the term in pool */
	uint32_t	 df;		/* articles holding it */
	uint32_t	 first;		/* its postings start here */
	uint32_t	 fill;		/* while building: postings so far */
};

struct search_index {
	atomic_int	 refs;
	struct ix_term	*term;
	size_t		 mask;		/* table size - 1 */
	size_t		 nterms;
	struct buf	 pool;		/* term names, NUL-terminated */
	uint32_t	*doc;		/* postings: article ids, by term */
	uint16_t	*tf;		/* ... and their packed frequencies */
	size_t		 npostings;
	size_t		 nids;		/* largest article id + 1 */
	uint16_t	*len[SEARCH_FIELDS];	/* by id, tokens per field */
	double		 avglen[SEARCH_FIELDS];
	float		*rlen;		/* by id: length / average length */
	uint32_t	 ndocs;
	uint8_t		*live;		/* by id: in the index */
};

/* Packs the frequencies of one term in one article into 16 bits. */
static uint16_t
tf_pack(const uint32_t *tf)
{
	uint32_t	 t = tf[SEARCH_TITLE] > 7 ? 7 : tf[SEARCH_TITLE];
	uint32_t	 g = tf[SEARCH_TAGS] > 7 ? 7 : tf[SEARCH_TAGS];
	uint32_t	 a = tf[SEARCH_ALIASES] > 7 ? 7 : tf[SEARCH_ALIASES];
	uint32_t	 b = tf[SEARCH_BODY] > 127 ? 127 : tf[SEARCH_BODY];

	return (uint16_t)(t | g << 3 | a << 6 | b << 9);
}


/* The place of term s[0..n) in the table, or of the empty one it gets. */
static struct ix_term *
slot_of(const struct search_index *ix, const char *s, size_t n, uint64_t h)
{
	struct ix_term	*e;
	const char	*name;
	size_t		 j;

	for (j = h & ix->mask;; j = (j + 1) & ix->mask) {
		e = &ix->term[j];
		if (e->hash == 0)
			return e;
		if (e->hash != h)
			continue;
		name = ix->pool.data + e->name;
		if (strncmp(name, s, n) == 0 && name[n] == '\0')
			return e;
	}
}

static void
grow(struct search_index *ix)
{
	struct ix_term	*old = ix->term;
	size_t		 oldsize = ix->mask + 1, i, j;

	ix->mask = oldsize * 2 - 1;
	ix->term = xcalloc(ix->mask + 1, sizeof(*ix->term));
	for (i = 0; i < oldsize; i++) {
		if (old[i].hash == 0)
			continue;
		for (j = old[i].hash & ix->mask; ix->term[j].hash != 0;
		    j = (j + 1) & ix->mask)
			;
		ix->term[j] = old[i];
	}
	free(old);
}

/* The first pass: counts each term's articles. */
struct build {
	struct search_index	*ix;
	uint32_t		 id;
	int			 fill;	/* second pass: store postings */
};

static void
build_term(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	struct build		*b = ctx;
	struct search_index	*ix = b->ix;
	struct ix_term		*e;
	uint64_t		 h = hash_fnv(s, n);

	e = slot_of(ix, s, n, h);
	if (b->fill) {
		if (e->hash == 0 || e->fill >= e->df)
			return;	/* changed under us: cannot happen */
		ix->doc[e->first + e->fill] = b->id;
		ix->tf[e->first + e->fill] = tf_pack(tf);
		e->fill++;
		return;
	}
	if (e->hash == 0) {
		e->hash = h;
		e->name = (uint32_t)ix->pool.len;
		buf_put(&ix->pool, s, n);
		buf_putc(&ix->pool, '\0');
		if (++ix->nterms * 2 > ix->mask)
			grow(ix);
		e = slot_of(ix, s, n, h);
	}
	e->df++;
	ix->npostings++;
}

/* Where the term vectors come from: a statement, or arrays in memory. */
struct source {
	sqlite3_stmt		*st;
	const int64_t		*ids;
	const struct buf	*blobs;
	size_t			 n, i;
};

/* The next article and its term vector; 0 at the end, -1 on errors. */
static int
source_next(struct source *src, int64_t *id, const void **blob, size_t *len)
{
	int	 rc;

	if (src->st == NULL) {
		if (src->i == src->n)
			return 0;
		*id = src->ids[src->i];
		*blob = src->blobs[src->i].data;
		*len = src->blobs[src->i].len;
		src->i++;
		return 1;
	}
	if ((rc = sqlite3_step(src->st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	*id = sqlite3_column_int64(src->st, 0);
	*blob = sqlite3_column_blob(src->st, 1);
	*len = (size_t)sqlite3_column_bytes(src->st, 1);
	return 1;
}

/* One pass over the term vectors of src. */
static int
build_pass(struct source *src, struct build *b)
{
	struct search_index	*ix = b->ix;
	uint32_t		 len[SEARCH_FIELDS];
	const void		*blob;
	size_t			 n;
	int64_t			 id;
	double			 sum[SEARCH_FIELDS];
	int			 rc, f;

	memset(sum, 0, sizeof(sum));
	while ((rc = source_next(src, &id, &blob, &n)) == 1) {
		if (id < 0 || id > UINT32_MAX || (b->fill &&
		    (size_t)id >= ix->nids))
			continue;
		b->id = (uint32_t)id;
		if (terms_each(blob, n, len, build_term, b) < 0 ||
		    !b->fill)
			continue;
		ix->live[id] = 1;
		ix->ndocs++;
		for (f = 0; f < SEARCH_FIELDS; f++) {
			ix->len[f][id] = len[f] > UINT16_MAX ? UINT16_MAX :
			    (uint16_t)len[f];
			sum[f] += ix->len[f][id];
		}
	}
	for (f = 0; b->fill && f < SEARCH_FIELDS; f++)
		ix->avglen[f] = ix->ndocs > 0 ? sum[f] / ix->ndocs : 1.0;
	return rc == 0 ? 0 : -1;
}

/* Each article's length against the average, for BM25. */
static void
relative_lengths(struct search_index *ix)
{
	double	 avg = 0.0, len;
	size_t	 i;
	int	 f;

	for (f = 0; f < SEARCH_FIELDS; f++)
		avg += ix->avglen[f];
	ix->rlen = xcalloc(ix->nids, sizeof(*ix->rlen));
	for (i = 0; i < ix->nids; i++) {
		for (f = 0, len = 0.0; f < SEARCH_FIELDS; f++)
			len += ix->len[f][i];
		ix->rlen[i] = avg > 0.0 ? (float)(len / avg) : 1.0f;
	}
}

/*
 * Builds an index of ids up to nids - 1 from the term vectors of src, in
 * two passes (src->st is reset between them).  Returns it with one
 * reference, or NULL on errors.
 */
static struct search_index *
build(struct source *src, size_t nids)
{
	struct search_index	*ix;
	struct build		 b;
	size_t			 i, at = 0;
	int			 f;

	ix = xcalloc(1, sizeof(*ix));
	atomic_init(&ix->refs, 1);
	buf_init(&ix->pool);
	buf_put(&ix->pool, "", 1);
	ix->mask = 1023;
	ix->term = xcalloc(ix->mask + 1, sizeof(*ix->term));
	ix->nids = nids > 0 ? nids : 1;
	ix->live = xcalloc(ix->nids, 1);
	for (f = 0; f < SEARCH_FIELDS; f++)
		ix->len[f] = xcalloc(ix->nids, sizeof(*ix->len[f]));
	memset(&b, 0, sizeof(b));
	b.ix = ix;
	if (build_pass(src, &b) == -1)
		goto fail;
	for (i = 0; i <= ix->mask; i++)
		if (ix->term[i].hash != 0) {
			ix->term[i].first = (uint32_t)at;
			at += ix->term[i].df;
		}
	ix->doc = xcalloc(ix->npostings + 1, sizeof(*ix->doc));
	ix->tf = xcalloc(ix->npostings + 1, sizeof(*ix->tf));
	b.fill = 1;
	if (src->st != NULL)
		sqlite3_reset(src->st);
	src->i = 0;
	if (build_pass(src, &b) == -1)
		goto fail;
	/* An article gone between the passes leaves its places empty. */
	for (i = 0; i <= ix->mask; i++)
		ix->term[i].df = ix->term[i].fill;
	relative_lengths(ix);
	return ix;
fail:
	search_index_unref(ix);
	return NULL;
}

/*
 * Builds the index from the term vectors of db's published articles.
 * Returns it with one reference, or NULL on database errors (the reason
 * is in sqlite3_errmsg(db)).
 */
struct search_index *
search_index_load(sqlite3 *db)
{
	struct search_index	*ix = NULL;
	struct source		 src;
	sqlite3_stmt		*st = NULL;
	size_t			 nids = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM article",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		nids = (size_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	if (nids == 0)
		return NULL;
	memset(&src, 0, sizeof(src));
	if (sqlite3_prepare_v2(db, "SELECT id, terms FROM article"
	    " WHERE state = 'published' AND terms IS NOT NULL ORDER BY id",
	    -1, &src.st, NULL) == SQLITE_OK)
		ix = build(&src, nids);
	sqlite3_finalize(src.st);
	return ix;
}

/*
 * Builds an index of the n articles ids[] (ascending) from their term
 * vectors blobs[], ids below nids.  Returns it with one reference.
 */
struct search_index *
search_index_from(const int64_t *ids, const struct buf *blobs, size_t n,
    size_t nids)
{
	struct source	 src;

	memset(&src, 0, sizeof(src));
	src.ids = ids;
	src.blobs = blobs;
	src.n = n;
	return build(&src, nids);
}

void
search_index_ref(struct search_index *ix)
{
	if (ix != NULL)
		atomic_fetch_add(&ix->refs, 1);
}

void
search_index_unref(struct search_index *ix)
{
	int	 f;

	if (ix == NULL || atomic_fetch_sub(&ix->refs, 1) != 1)
		return;
	free(ix->term);
	buf_free(&ix->pool);
	free(ix->doc);
	free(ix->tf);
	free(ix->live);
	free(ix->rlen);
	for (f = 0; f < SEARCH_FIELDS; f++)
		free(ix->len[f]);
	free(ix);
}

/*
 * The postings of term s[0..n) into *p; returns how many articles hold
 * it (0: none, and *p is empty).
 */
uint32_t
search_index_postings(const struct search_index *ix, const char *s,
    size_t n, struct postings *p)
{
	const struct ix_term	*e;

	memset(p, 0, sizeof(*p));
	if (ix == NULL || ix->nterms == 0)
		return 0;
	e = slot_of(ix, s, n, hash_fnv(s, n));
	if (e->hash == 0 || e->df == 0)
		return 0;
	p->n = e->df;
	p->doc = ix->doc + e->first;
	p->tf = ix->tf + e->first;
	return e->df;
}

/* How many articles hold term s[0..n). */
uint32_t
search_index_df(const struct search_index *ix, const char *s, size_t n)
{
	struct postings	 p;

	return search_index_postings(ix, s, n, &p);
}

/* Articles in the index. */
uint32_t
search_index_ndocs(const struct search_index *ix)
{
	return ix != NULL ? ix->ndocs : 0;
}

/* Largest article id + 1: the size of arrays by id. */
size_t
search_index_nids(const struct search_index *ix)
{
	return ix != NULL ? ix->nids : 0;
}

/* Is article id in the index? */
int
search_index_has(const struct search_index *ix, int64_t id)
{
	return ix != NULL && id >= 0 && (size_t)id < ix->nids &&
	    ix->live[id];
}

/* Tokens of field f of article id, and the average in *avg. */
double
search_index_len(const struct search_index *ix, int64_t id, int f,
    double *avg)
{
	*avg = ix->avglen[f] > 0.0 ? ix->avglen[f] : 1.0;
	if (id < 0 || (size_t)id >= ix->nids)
		return *avg;
	return ix->len[f][id];
}

/*
 * Each article's length against the average, by id (n of them: 1 for
 * an id not below n).
 */
const float *
search_index_rlens(const struct search_index *ix, size_t *n)
{
	*n = ix->rlen != NULL ? ix->nids : 0;
	return ix->rlen;
}
