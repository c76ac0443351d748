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
 *
 * An editor's save changes one article of 50,000: rather than build the
 * whole index again (a second and more), search_index_patch() makes an
 * overlay: the flat index beneath, shared, plus the changed articles'
 * term vectors and the set of terms whose postings they touch.  Those
 * terms' postings are merged from both when a search first asks for
 * them (and kept for the next one); every other term is read from the
 * flat index as it is.  After PATCH_MAX_DOCS changed articles the next
 * patch flattens the overlay into a new flat index in memory, and the
 * next import of the folder builds one from the database anyway.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define PATCH_MAX_DOCS	256	/* changed articles an overlay holds */

/* A term of the index, in an open-addressing table. */
struct ix_term {
	uint64_t	 hash;		/* 0: empty */
	uint32_t	 name;		/* offset of the term in pool */
	uint32_t	 df;		/* articles holding it */
	uint32_t	 first;		/* its postings start here */
	uint32_t	 fill;		/* while building: postings so far */
};

/* Postings made by merging a flat index's with an overlay's articles. */
struct ix_list {
	uint32_t	 n;
	uint32_t	*doc;
	uint16_t	*tf;
};

/*
 * An article an overlay changed, its term vector read into a sorted
 * array; shared (by reference) by the overlays that follow.
 */
struct ix_doc {
	atomic_int	 refs;
	uint32_t	 id;
	int		 live;		/* in the index now */
	uint16_t	 len[SEARCH_FIELDS];
	size_t		 n;
	uint32_t	*name;		/* of each term in pool, by name */
	uint16_t	*tf;		/* ... its packed frequencies */
	struct buf	 pool;
};

struct search_index {
	atomic_int	 refs;
	struct ix_term	*term;		/* an overlay: the terms it touches */
	size_t		 mask;		/* table size - 1 */
	size_t		 nterms;
	struct buf	 pool;		/* term names, NUL-terminated */
	uint32_t	*doc;		/* postings: article ids, by term */
	uint16_t	*tf;		/* ... and their packed frequencies */
	size_t		 npostings;
	size_t		 nids;		/* largest article id + 1 */
	uint16_t	*len[SEARCH_FIELDS];	/* by id, tokens per field */
	uint64_t	 sum[SEARCH_FIELDS];	/* ... of the live articles */
	double		 avglen[SEARCH_FIELDS];
	float		*rlen;		/* by id: length / average length */
	uint32_t	 ndocs;
	uint8_t		*live;		/* by id: in the index */
	/* An overlay (see the top of the file): */
	struct search_index *base;	/* the flat index beneath, or NULL */
	struct ix_doc	**docs;		/* the changed articles, by id */
	size_t		 ndocs_changed;
	uint8_t		*changed;	/* by id: base's postings are stale */
	_Atomic(struct ix_list *) *merged;	/* by term slot, when made */
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
	uint64_t		 sum[SEARCH_FIELDS];
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
	for (f = 0; b->fill && f < SEARCH_FIELDS; f++) {
		ix->sum[f] = sum[f];
		ix->avglen[f] = ix->ndocs > 0 ? (double)sum[f] / ix->ndocs :
		    1.0;
	}
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

/* The postings of term s[0..n) in the flat index ix. */
static uint32_t
flat_postings(const struct search_index *ix, const char *s, size_t n,
    uint64_t h, struct postings *p)
{
	const struct ix_term	*e;

	if (ix->nterms == 0)
		return 0;
	e = slot_of(ix, s, n, h);
	if (e->hash == 0 || e->df == 0)
		return 0;
	p->n = e->df;
	p->doc = ix->doc + e->first;
	p->tf = ix->tf + e->first;
	return e->df;
}

static void
list_free(struct ix_list *l)
{
	if (l == NULL)
		return;
	free(l->doc);
	free(l->tf);
	free(l);
}

static void
doc_unref(struct ix_doc *d)
{
	if (d == NULL || atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	free(d->name);
	free(d->tf);
	buf_free(&d->pool);
	free(d);
}

/* Adds one term of a term vector to an ix_doc being read. */
static void
doc_term(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	struct ix_doc	*d = ctx;

	if ((d->n & 63) == 0) {
		d->name = xreallocarray(d->name, d->n + 64, sizeof(*d->name));
		d->tf = xreallocarray(d->tf, d->n + 64, sizeof(*d->tf));
	}
	d->name[d->n] = (uint32_t)d->pool.len;
	d->tf[d->n] = tf_pack(tf);
	d->n++;
	buf_put(&d->pool, s, n);
	buf_putc(&d->pool, '\0');
}

/* For sorting an ix_doc's terms by name. */
static const struct ix_doc	*sort_doc;	/* the writer's only */

static int
doc_cmp(const void *a, const void *b)
{
	return strcmp(sort_doc->pool.data + sort_doc->name[*(const size_t *)a],
	    sort_doc->pool.data + sort_doc->name[*(const size_t *)b]);
}

/*
 * Reads the term vector blob (NULL: the article is not in the index) of
 * article id into a new ix_doc with one reference.
 */
static struct ix_doc *
doc_new(uint32_t id, const struct buf *blob)
{
	struct ix_doc	*d = xcalloc(1, sizeof(*d));
	uint32_t	 len[SEARCH_FIELDS], *name;
	uint16_t	*tf;
	size_t		*order, i;
	int		 f;

	atomic_init(&d->refs, 1);
	d->id = id;
	buf_init(&d->pool);
	buf_put(&d->pool, "", 1);
	if (blob == NULL || terms_each(blob->data, blob->len, len, doc_term,
	    d) < 0)
		return d;
	d->live = 1;
	for (f = 0; f < SEARCH_FIELDS; f++)
		d->len[f] = len[f] > UINT16_MAX ? UINT16_MAX : (uint16_t)len[f];
	/* Term vectors are sorted by bytes and length; sort by name. */
	order = xcalloc(d->n + 1, sizeof(*order));
	for (i = 0; i < d->n; i++)
		order[i] = i;
	sort_doc = d;
	if (d->n > 0)
		qsort(order, d->n, sizeof(*order), doc_cmp);
	name = xcalloc(d->n + 1, sizeof(*name));
	tf = xcalloc(d->n + 1, sizeof(*tf));
	for (i = 0; i < d->n; i++) {
		name[i] = d->name[order[i]];
		tf[i] = d->tf[order[i]];
	}
	free(d->name);
	free(d->tf);
	free(order);
	d->name = name;
	d->tf = tf;
	return d;
}

/* Does d hold term s[0..n)?  Its packed frequencies into *tf. */
static int
doc_find(const struct ix_doc *d, const char *s, size_t n, uint16_t *tf)
{
	size_t		 lo = 0, hi = d->n, mid;
	const char	*t;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		t = d->pool.data + d->name[mid];
		if ((c = strncmp(t, s, n)) == 0)
			c = t[n] != '\0';
		if (c == 0) {
			*tf = d->tf[mid];
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The postings of term s[0..n) in overlay ix: its base's, without the
 * changed articles, merged with the changed articles that hold it.
 */
static struct ix_list *
merge(const struct search_index *ix, const char *s, size_t n, uint64_t h)
{
	struct ix_list	*l = xcalloc(1, sizeof(*l));
	struct postings	 bp;
	uint32_t	*ddoc, i, j, k, nd = 0;
	uint16_t	*dtf, tf;
	size_t		 c;

	memset(&bp, 0, sizeof(bp));
	flat_postings(ix->base, s, n, h, &bp);
	ddoc = xcalloc(ix->ndocs_changed + 1, sizeof(*ddoc));
	dtf = xcalloc(ix->ndocs_changed + 1, sizeof(*dtf));
	for (c = 0; c < ix->ndocs_changed; c++)
		if (ix->docs[c]->live && doc_find(ix->docs[c], s, n, &tf)) {
			ddoc[nd] = ix->docs[c]->id;
			dtf[nd++] = tf;
		}
	l->doc = xcalloc((size_t)bp.n + nd + 1, sizeof(*l->doc));
	l->tf = xcalloc((size_t)bp.n + nd + 1, sizeof(*l->tf));
	for (i = 0, j = 0, k = 0; i < bp.n || j < nd; ) {
		if (i < bp.n && ix->changed[bp.doc[i]]) {
			i++;
			continue;
		}
		if (j == nd || (i < bp.n && bp.doc[i] < ddoc[j])) {
			l->doc[k] = bp.doc[i];
			l->tf[k++] = bp.tf[i++];
		} else {
			l->doc[k] = ddoc[j];
			l->tf[k++] = dtf[j++];
		}
	}
	l->n = k;
	free(ddoc);
	free(dtf);
	return l;
}

/* The merged postings of term slot e of overlay ix, made once. */
static struct ix_list *
merged_list(const struct search_index *ix, const struct ix_term *e,
    const char *s, size_t n, uint64_t h)
{
	_Atomic(struct ix_list *) *slot = &ix->merged[e - ix->term];
	struct ix_list		 *l, *none = NULL;

	if ((l = atomic_load(slot)) != NULL)
		return l;
	l = merge(ix, s, n, h);
	/* Two searches may have made it at once: the first one stays. */
	if (!atomic_compare_exchange_strong(slot, &none, l)) {
		list_free(l);
		l = none;
	}
	return l;
}

/* Adds term s[0..n) to the table of ix (if new); returns its slot. */
static struct ix_term *
term_add(struct search_index *ix, const char *s, size_t n)
{
	struct ix_term	*e;
	uint64_t	 h = hash_fnv(s, n);

	e = slot_of(ix, s, n, h);
	if (e->hash != 0)
		return e;
	e->hash = h;
	e->name = (uint32_t)ix->pool.len;
	buf_put(&ix->pool, s, n);
	buf_putc(&ix->pool, '\0');
	if (++ix->nterms * 2 > ix->mask) {
		grow(ix);
		e = slot_of(ix, s, n, h);
	}
	return e;
}

static void
set_term(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	(void)tf;
	term_add(ctx, s, n);
}

/* A new index with ix's articles, lengths and counts, terms to come. */
static struct search_index *
copy_docs(const struct search_index *ix, size_t nids)
{
	struct search_index	*o = xcalloc(1, sizeof(*o));
	size_t			 old = ix->nids;
	int			 f;

	atomic_init(&o->refs, 1);
	o->nids = nids > old ? nids : old;
	o->live = xcalloc(o->nids, 1);
	memcpy(o->live, ix->live, old);
	for (f = 0; f < SEARCH_FIELDS; f++) {
		o->len[f] = xcalloc(o->nids, sizeof(*o->len[f]));
		memcpy(o->len[f], ix->len[f], old * sizeof(*o->len[f]));
		o->sum[f] = ix->sum[f];
		o->avglen[f] = ix->avglen[f];
	}
	o->ndocs = ix->ndocs;
	buf_init(&o->pool);
	return o;
}

/*
 * A flat index with what overlay ix holds: the base's table and
 * postings, the changed articles' taken out of the touched terms'
 * postings and put in again as they are now.
 */
static struct search_index *
flatten(const struct search_index *ix)
{
	const struct search_index	*base = ix->base;
	struct search_index		*f = copy_docs(ix, ix->nids);
	const struct ix_doc		*d;
	struct ix_term			*e;
	struct postings			 p;
	const char			*name;
	uint32_t			*nd, *at, i2, k, *ddoc;
	uint16_t			*dtf;
	uint8_t				*touched;
	size_t				 i, j, total = 0, first = 0;

	f->mask = base->mask;
	f->nterms = base->nterms;
	f->term = xcalloc(f->mask + 1, sizeof(*f->term));
	memcpy(f->term, base->term, (f->mask + 1) * sizeof(*f->term));
	buf_put(&f->pool, base->pool.data, base->pool.len);
	for (i = 0; i <= ix->mask; i++)
		if (ix->term[i].hash != 0) {
			name = ix->pool.data + ix->term[i].name;
			term_add(f, name, strlen(name));
		}
	/* The table grows no more: mark the touched terms' slots. */
	touched = xcalloc(f->mask + 1, 1);
	for (i = 0; i <= ix->mask; i++)
		if (ix->term[i].hash != 0) {
			name = ix->pool.data + ix->term[i].name;
			touched[slot_of(f, name, strlen(name), ix->term[i].hash) -
			    f->term] = 1;
		}
	/* The changed articles' postings, by term, in the order of ids. */
	nd = xcalloc(f->mask + 2, sizeof(*nd));
	for (i = 0; i < ix->ndocs_changed; i++) {
		d = ix->docs[i];
		for (j = 0; d->live && j < d->n; j++) {
			name = d->pool.data + d->name[j];
			nd[slot_of(f, name, strlen(name), hash_fnv(name,
			    strlen(name))) - f->term]++;
		}
	}
	at = xcalloc(f->mask + 2, sizeof(*at));
	for (i = 0; i <= f->mask; i++) {
		at[i + 1] = at[i] + nd[i];
		total += nd[i];
	}
	ddoc = xcalloc(total + 1, sizeof(*ddoc));
	dtf = xcalloc(total + 1, sizeof(*dtf));
	memset(nd, 0, (f->mask + 2) * sizeof(*nd));
	for (i = 0; i < ix->ndocs_changed; i++) {
		d = ix->docs[i];
		for (j = 0; d->live && j < d->n; j++) {
			name = d->pool.data + d->name[j];
			k = (uint32_t)(slot_of(f, name, strlen(name),
			    hash_fnv(name, strlen(name))) - f->term);
			ddoc[at[k] + nd[k]] = d->id;
			dtf[at[k] + nd[k]++] = d->tf[j];
		}
	}
	/* How long each list is, then the lists. */
	for (i = 0; i <= f->mask; i++) {
		e = &f->term[i];
		if (e->hash == 0)
			continue;
		memset(&p, 0, sizeof(p));
		name = f->pool.data + e->name;
		flat_postings(base, name, strlen(name), e->hash, &p);
		e->df = p.n + nd[i];
		for (i2 = 0; touched[i] && i2 < p.n; i2++)
			e->df -= ix->changed[p.doc[i2]];
		e->first = (uint32_t)first;
		first += e->df;
	}
	f->npostings = first;
	f->doc = xcalloc(first + 1, sizeof(*f->doc));
	f->tf = xcalloc(first + 1, sizeof(*f->tf));
	for (i = 0; i <= f->mask; i++) {
		e = &f->term[i];
		if (e->hash == 0 || e->df == 0)
			continue;
		memset(&p, 0, sizeof(p));
		name = f->pool.data + e->name;
		flat_postings(base, name, strlen(name), e->hash, &p);
		if (!touched[i]) {
			memcpy(f->doc + e->first, p.doc, p.n * sizeof(*f->doc));
			memcpy(f->tf + e->first, p.tf, p.n * sizeof(*f->tf));
			continue;
		}
		for (i2 = 0, j = at[i], k = e->first; i2 < p.n ||
		    j < at[i] + nd[i]; ) {
			if (i2 < p.n && ix->changed[p.doc[i2]]) {
				i2++;
				continue;
			}
			if (j == at[i] + nd[i] || (i2 < p.n &&
			    p.doc[i2] < ddoc[j])) {
				f->doc[k] = p.doc[i2];
				f->tf[k++] = p.tf[i2++];
			} else {
				f->doc[k] = ddoc[j];
				f->tf[k++] = dtf[j++];
			}
		}
	}
	free(touched);
	free(nd);
	free(at);
	free(ddoc);
	free(dtf);
	relative_lengths(f);
	return f;
}

/* Changes by id, for search_index_patch(). */
static int
doc_id_cmp(const void *a, const void *b)
{
	uint32_t	 x = (*(struct ix_doc *const *)a)->id;
	uint32_t	 y = (*(struct ix_doc *const *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * A new index that is ix with the n articles of c changed (see struct
 * index_change), for ids below nids (at least ix's).  ix stays as it
 * was; the new one shares what it can with it.  Returns the new index
 * with one reference.
 */
struct search_index *
search_index_patch(struct search_index *ix, const struct index_change *c,
    size_t n, size_t nids)
{
	struct search_index	*from = ix, *flat = NULL, *o;
	struct ix_doc		*d;
	size_t			 i, k;
	uint32_t		 id;
	int			 f;

	if (ix->base != NULL && ix->ndocs_changed + n > PATCH_MAX_DOCS)
		from = flat = flatten(ix);
	o = copy_docs(from, nids);
	o->base = from->base != NULL ? from->base : from;
	search_index_ref(o->base);
	o->changed = xcalloc(o->nids, 1);
	o->docs = xcalloc(from->ndocs_changed + n + 1, sizeof(*o->docs));
	if (from->base != NULL) {
		memcpy(o->changed, from->changed, from->nids);
		for (i = 0; i < from->ndocs_changed; i++) {
			o->docs[o->ndocs_changed++] = from->docs[i];
			atomic_fetch_add(&from->docs[i]->refs, 1);
		}
		o->mask = from->mask;
		o->nterms = from->nterms;
		o->term = xcalloc(o->mask + 1, sizeof(*o->term));
		memcpy(o->term, from->term, (o->mask + 1) * sizeof(*o->term));
		buf_put(&o->pool, from->pool.data, from->pool.len);
	} else {
		o->mask = 1023;
		o->term = xcalloc(o->mask + 1, sizeof(*o->term));
		buf_put(&o->pool, "", 1);
	}
	for (i = 0; i < n; i++) {
		if (c[i].id < 0 || (size_t)c[i].id >= o->nids)
			continue;
		id = (uint32_t)c[i].id;
		/* The base's postings of its terms are stale from now on. */
		if (!o->changed[id] && c[i].old != NULL)
			terms_each(c[i].old->data, c[i].old->len, NULL,
			    set_term, o);
		o->changed[id] = 1;
		d = doc_new(id, c[i].now);
		for (k = 0; k < d->n; k++)
			term_add(o, d->pool.data + d->name[k],
			    strlen(d->pool.data + d->name[k]));
		if (o->live[id]) {
			o->ndocs--;
			for (f = 0; f < SEARCH_FIELDS; f++)
				o->sum[f] -= o->len[f][id];
		}
		o->live[id] = (uint8_t)d->live;
		for (f = 0; f < SEARCH_FIELDS; f++) {
			o->len[f][id] = d->len[f];
			o->sum[f] += d->live ? d->len[f] : 0;
		}
		o->ndocs += d->live ? 1 : 0;
		for (k = 0; k < o->ndocs_changed && o->docs[k]->id != id; k++)
			;
		if (k < o->ndocs_changed)
			doc_unref(o->docs[k]);
		else
			o->ndocs_changed++;
		o->docs[k] = d;
	}
	if (o->ndocs_changed > 1)
		qsort(o->docs, o->ndocs_changed, sizeof(*o->docs), doc_id_cmp);
	for (f = 0; f < SEARCH_FIELDS; f++)
		o->avglen[f] = o->ndocs > 0 ? (double)o->sum[f] / o->ndocs :
		    1.0;
	o->merged = xcalloc(o->mask + 1, sizeof(*o->merged));
	relative_lengths(o);
	search_index_unref(flat);
	return o;
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
	size_t	 i;
	int	 f;

	if (ix == NULL || atomic_fetch_sub(&ix->refs, 1) != 1)
		return;
	if (ix->merged != NULL)
		for (i = 0; i <= ix->mask; i++)
			list_free(atomic_load(&ix->merged[i]));
	free(ix->merged);
	for (i = 0; i < ix->ndocs_changed; i++)
		doc_unref(ix->docs[i]);
	free(ix->docs);
	free(ix->changed);
	search_index_unref(ix->base);
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
 * it (0: none, and *p is empty).  They stay valid while ix does.
 */
uint32_t
search_index_postings(const struct search_index *ix, const char *s,
    size_t n, struct postings *p)
{
	const struct ix_term	*e;
	struct ix_list		*l;
	uint64_t		 h = hash_fnv(s, n);

	memset(p, 0, sizeof(*p));
	if (ix == NULL)
		return 0;
	if (ix->base == NULL)
		return flat_postings(ix, s, n, h, p);
	e = slot_of(ix, s, n, h);
	if (e->hash == 0)
		return flat_postings(ix->base, s, n, h, p);
	l = merged_list(ix, e, s, n, h);
	p->n = l->n;
	p->doc = l->doc;
	p->tf = l->tf;
	return l->n;
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
