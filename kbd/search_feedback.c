/*
 * search_feedback.c (search): pseudo-relevance feedback for questions (RM3):
 * a question seldom uses the words of the article that answers it, but
 * the articles it finds first often share more of them.  The terms that
 * weigh most in the best articles (their frequency in each, by field,
 * over its length, weighted by the article's share of the best scores
 * and by the term's rarity) join the query as slots of their own, worth
 * a fraction of a typed word and never counted as the query's own
 * information (coverage).  Only for queries with enough words: for two
 * keywords, feedback mostly repeats the first page.
 *
 * It reads the best articles' term vectors (article.terms) and appends
 * to a rank_query; running the ranking again is search.c's business.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define FB_TABLE	2048	/* terms gathered: twice the most (a power of 2) */
#define FB_MAX_TERMS	32

struct fb_term {
	uint64_t	 hash;		/* 0: empty */
	char		*s;
	double		 weight;
	int		 docs;		/* of the best articles holding it */
	int		 last;		/* the last of them */
};

struct fb {
	struct fb_term		 t[FB_TABLE];
	int			 n;
	double			 share;		/* of the article being read */
	double			 len;		/* its weighted length */
	int			 doc;		/* its place among the best */
	const double		*field;
};

static uint64_t
hash_of(const char *s, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h != 0 ? h : 1;
}

/* The weighted frequency of a term in an article. */
static double
weighted(const double *field, const uint32_t *tf)
{
	int	 f;
	double	 w = 0.0;

	for (f = 0; f < SEARCH_FIELDS; f++)
		w += field[f] * tf[f];
	return w;
}

static void
length_of(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	struct fb	*fb = ctx;

	(void)s;
	(void)n;
	fb->len += weighted(fb->field, tf);
}

static void
gather(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	struct fb	*fb = ctx;
	uint64_t	 h = hash_of(s, n);
	size_t		 j;

	for (j = h & (FB_TABLE - 1); fb->t[j].hash != 0;
	    j = (j + 1) & (FB_TABLE - 1))
		if (fb->t[j].hash == h && strlen(fb->t[j].s) == n &&
		    memcmp(fb->t[j].s, s, n) == 0)
			break;
	if (fb->t[j].hash == 0) {
		if (fb->n >= FB_TABLE / 2)
			return;	/* enough terms */
		fb->t[j].hash = h;
		fb->t[j].s = xstrndup(s, n);
		fb->n++;
	}
	fb->t[j].weight += fb->share * weighted(fb->field, tf) / fb->len;
	if (fb->t[j].last != fb->doc + 1) {
		fb->t[j].last = fb->doc + 1;
		fb->t[j].docs++;
	}
}

/* Does a slot of rq have term s as a form already? */
static int
in_query(const struct rank_query *rq, const char *s)
{
	const struct rank_alt	*a;
	int			 i, j, p, f;

	for (i = 0; i < rq->nslots; i++)
		for (j = 0; j < rq->slot[i].nalts; j++) {
			a = &rq->slot[i].alt[j];
			for (p = 0; p < a->nparts; p++)
				for (f = 0; f < a->part[p].nforms; f++)
					if (strcmp(a->part[p].stem[f], s) == 0)
						return 1;
		}
	return 0;
}

static int
weight_cmp(const void *a, const void *b)
{
	const struct fb_term	*x = *(const struct fb_term *const *)a;
	const struct fb_term	*y = *(const struct fb_term *const *)b;

	return x->weight > y->weight ? -1 : x->weight < y->weight;
}

/* Is rq a question worth feedback, by wt's numbers? */
int
search_feedback_wanted(const struct rank_query *rq,
    const struct rank_weights *wt)
{
	int	 i, core = 0;

	for (i = 0; i < rq->nslots; i++)
		core += rq->slot[i].core && rq->slot[i].idf > 0.0;
	return core >= (int)wt->fb_min_words && wt->fb_terms >= 1.0 &&
	    wt->fb_docs >= 1.0 && wt->fb_weight > 0.0;
}

/*
 * Adds to rq the feedback terms of the ntop best rows top (see the file's
 * header), with wt's numbers, the index ix for their postings and r for
 * the term vectors.  Returns how many slots it added.
 */
int
search_feedback_run(struct reader *r, const struct search_index *ix,
    struct rank_query *rq, const struct ranked *top, int ntop,
    const struct rank_weights *wt)
{
	struct fb		*fb;
	struct fb_term		**cand, *t;
	struct rank_slot	*rs;
	struct rank_part	*rp;
	sqlite3_stmt		*st = r->st[ST_TERMS];
	const void		*blob;
	double			 sum = 0.0, docs = search_index_ndocs(ix), df;
	double			 field[SEARCH_FIELDS];
	int			 i, j, n = 0, want, added = 0;

	want = (int)wt->fb_terms < FB_MAX_TERMS ? (int)wt->fb_terms :
	    FB_MAX_TERMS;
	if (ntop > (int)wt->fb_docs)
		ntop = (int)wt->fb_docs;
	if (!search_feedback_wanted(rq, wt) || ntop <= 0)
		return 0;
	for (i = 0; i < ntop; i++)
		sum += top[i].score > 0.0 ? top[i].score : 0.0;
	if (sum <= 0.0)
		return 0;
	for (i = 0; i < SEARCH_FIELDS; i++)
		field[i] = wt->field[i];
	fb = xcalloc(1, sizeof(*fb));
	fb->field = field;
	for (i = 0; i < ntop; i++) {
		if (sqlite3_bind_int64(st, 1, top[i].id) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW &&
		    (blob = sqlite3_column_blob(st, 0)) != NULL) {
			fb->len = 0.0;
			fb->share = top[i].score / sum;
			fb->doc = i;
			terms_each(blob, (size_t)sqlite3_column_bytes(st,
			    0), NULL, length_of, fb);
			if (fb->len > 0.0)
				terms_each(blob,
				    (size_t)sqlite3_column_bytes(st, 0), NULL,
				    gather, fb);
		}
		sqlite3_reset(st);
	}
	/* Rarer terms say more; terms of one article or of most, nothing. */
	cand = xcalloc(FB_TABLE, sizeof(*cand));
	for (i = 0; i < FB_TABLE; i++) {
		t = &fb->t[i];
		/* What two of the best share says more than one's words. */
		if (t->hash == 0 || t->docs < wt->fb_shared)
			continue;
		df = search_index_df(ix, t->s, strlen(t->s));
		if (df < 2.0 || df > docs / 4.0 || in_query(rq, t->s))
			continue;
		t->weight *= log(docs / df);
		cand[n++] = t;
	}
	qsort(cand, (size_t)n, sizeof(*cand), weight_cmp);
	if (n > want)
		n = want;
	rq->slot = xreallocarray(rq->slot, (size_t)rq->nslots + (size_t)n + 1,
	    sizeof(*rq->slot));
	for (j = 0; j < n && cand[j]->weight > 0.0; j++) {
		rs = &rq->slot[rq->nslots++];
		memset(rs, 0, sizeof(*rs));
		rs->alt = xcalloc(1, sizeof(*rs->alt));
		rs->nalts = 1;
		rs->alt->weight = 1.0;
		rs->alt->part = xcalloc(1, sizeof(*rs->alt->part));
		rs->alt->nparts = 1;
		rp = rs->alt->part;
		rp->stem[0] = xstrdup(cand[j]->s);
		df = search_index_postings(ix, rp->stem[0],
		    strlen(rp->stem[0]), &rp->form[0]);
		search_index_postings(rq->learned, rp->stem[0],
		    strlen(rp->stem[0]), &rp->learned[0]);
		rp->nforms = 1;
		rp->idf = rs->alt->idf = rs->idf = log(1.0 + (docs - df +
		    0.5) / (df + 0.5));
		rs->alt->sidf = pow(rs->alt->idf, wt->idf_pow);
		/* Worth a fraction of a typed word, by how much it weighs. */
		rs->weight = wt->fb_weight * cand[j]->weight / cand[0]->weight;
		rs->core = 0;
		added++;
	}
	for (i = 0; i < FB_TABLE; i++)
		free(fb->t[i].s);
	free(fb);
	free(cand);
	return added;
}
