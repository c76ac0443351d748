/*
 * search_rank.c (search): one scored ranking of the articles for a query, over
 * the in-memory index (search_index.c).  Every article holding any of the
 * query's words gets a score; none is left out because it lacks a word, and
 * none comes first only because it holds them all.  The score adds:
 *
 *   BM25F      per query word (slot), the best of its forms (the word,
 *              its compound parts, a joined form, a correction, a
 *              synonym, each with the worth of its kind), over title,
 *              tags, aliases and body weighted apart;
 *   coverage   the share of the query's information (IDF) the article
 *              holds, raised to a power: strong, but soft, so that an
 *              article whose title holds the question's rarest word can
 *              beat one that holds all its common words;
 *   title      the share of that information found in the title, and how
 *              much of the title the query's words make up;
 *
 * and multiplies by at most 1 + pop for popularity.  The weights are in
 * struct rank_weights; tests/search/fit.py fits them on the tuning sets.
 *
 * Ranking walks each word's postings once (term at a time) into arrays
 * indexed by article id that belong to the search's reader and are left
 * zeroed after each search, then keeps the best rows in a heap.  Phrases
 * and stop words are not in the index: their articles come from FTS5.
 * Ranking knows nothing of snippets, HTTP or the query's text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

/* Article d's popularity, 0 (unread or unknown) to 1 (the most read). */
static double
popularity(const struct search_data *sd, int64_t d)
{
	if (sd->popularity == NULL || d < 0 || (size_t)d >= sd->nids)
		return 0.0;
	return sd->popularity[d] / 255.0;
}
#include "tokenizer.h"

/* What the tuning sets chose; see tests/search/fit.py and README.md. */
const struct rank_weights search_rank_defaults = {
	.k1 = 2.0,
	.b = 0.5,
	.field = { 2.0, 5.0, 1.0, 6.0 },	/* title, tags, body, aliases */
	.learned = 4.0,
	.idf_pow = 1.0,
	.title_pow = 2.0,
	.cover = 0.5,
	.cover_pow = 2.0,
	.title = 0.5,
	.title_all = 1.0,
	.pop = 0.1,
	.min_cover = 0.4,
	.min_words = 0.34,
	.alt = {
		[QUERY_ALT_TYPED] = 1.0,
		[QUERY_ALT_JOINED] = 1.0,
		[QUERY_ALT_PARTICLE] = 0.9,
		[QUERY_ALT_CORRECTED] = 1.0,
		[QUERY_ALT_SPLIT] = 1.0,
		[QUERY_ALT_HEAD] = 0.5,		/* "Mail" for "E-Mail" */
		[QUERY_ALT_SYNONYM] = 0.5,
		[QUERY_ALT_TRANSLATED] = 1.0,
		[QUERY_ALT_THESAURUS] = 0.8,
		[QUERY_ALT_DING] = 0.4,
		[QUERY_ALT_PIVOT] = 0.4,
	},
	.rare = 0.0016,
	.rare_thesaurus = 0.0004,
	.related = 4,
	.fb_min_words = 3,
	.fb_docs = 5,
	.fb_terms = 10,
	.fb_weight = 0.4,
	.fb_shared = 2,
};

/*
 * What ranking keeps of one article during a search: one cache line's
 * worth, together, since the postings visit articles in no order the
 * cache could guess.  Zero between searches.
 */
struct doc_state {
	float		 tf;		/* a part's weighted frequency */
	float		 alt;		/* an alternative: its parts' scores */
	float		 best;		/* a slot: its best alternative */
	float		 bw;		/* ... and that one's weight */
	float		 acc;		/* the query: BM25F so far */
	float		 cov;		/* ... information found */
	float		 tcov;		/* ... in the title */
	float		 tmatch;	/* ... title tokens matched */
	uint32_t	 mask;		/* ... slots found */
	uint8_t		 ttf;		/* the part's frequency in the title */
	uint8_t		 cnt;		/* the alternative's parts found */
	uint8_t		 atf;		/* ... title frequency, the least */
	uint8_t		 btf;		/* the slot's best one's */
	uint8_t		 seen;		/* is in t_query */
};

/* Per-thread work space, sized to the index; zeroed between searches. */
struct rank_scratch {
	size_t		 nids;
	struct doc_state *d;		/* by article id */
	uint32_t	*t_part, *t_alt, *t_slot, *t_query;	/* touched */
	size_t		 n_part, n_alt, n_slot, n_query;
	const float	*rlen;		/* the index's, during a search */
	size_t		 nrlen;
};

/* Article d's length against the average (1 when unknown). */
static inline float
rlen_of(const struct rank_scratch *s, uint32_t d)
{
	return d < s->nrlen ? s->rlen[d] : 1.0f;
}

static void
scratch_free(struct rank_scratch *s)
{
	if (s == NULL)
		return;
	free(s->d);
	free(s->t_part);
	free(s->t_alt);
	free(s->t_slot);
	free(s->t_query);
	free(s);
}

static void
scratch_free_cb(void *p)
{
	scratch_free(p);
}

/* The reader's work space for an index of nids ids. */
static struct rank_scratch *
scratch_get(struct reader *r, size_t nids)
{
	struct rank_scratch	*s = r->ext;

	if (s != NULL && s->nids >= nids)
		return s;
	scratch_free(s);
	s = xcalloc(1, sizeof(*s));
	/* Some room to grow, so that a few new articles need no new one. */
	s->nids = nids + nids / 8 + 64;
	s->d = xcalloc(s->nids, sizeof(*s->d));
	s->t_part = xcalloc(s->nids, sizeof(*s->t_part));
	s->t_alt = xcalloc(s->nids, sizeof(*s->t_alt));
	s->t_slot = xcalloc(s->nids, sizeof(*s->t_slot));
	s->t_query = xcalloc(s->nids, sizeof(*s->t_query));
	r->ext = s;
	r->ext_free = scratch_free_cb;
	return s;
}

/* BM25's IDF that stays positive for words most articles hold. */
static double
idf_of(double n, double docs)
{
	if (n <= 0.0)
		return 0.0;
	if (n > docs)
		n = docs;
	return log(1.0 + (docs - n + 0.5) / (n + 0.5));
}

/* Collects the stems of a part's words, for search_rank_compile(). */
struct stems {
	char	 s[RANK_MAX_PARTS][GERMAN_MAX_WORD + 1];
	int	 n;
	int	 stop;	/* words that are stop words */
};

static int
stem_word(void *ctx, const struct tokenizer_word *w)
{
	struct stems	*st = ctx;

	if (w->stop) {
		st->stop++;
		return 0;
	}
	if (st->n == RANK_MAX_PARTS || w->nstem > GERMAN_MAX_WORD)
		return 0;
	memcpy(st->s[st->n], w->stem, (size_t)w->nstem);
	st->s[st->n][w->nstem] = '\0';
	st->n++;
	return 0;
}

/*
 * Adds stem and its postings (in ix, and in the "searched as" index
 * learned) to part p; returns its articles.
 */
static uint32_t
add_form(const struct search_index *ix, const struct search_index *learned,
    struct rank_part *p, const char *stem)
{
	struct postings	 po;
	int		 i;

	if (p->nforms == RANK_MAX_FORMS)
		return 0;
	for (i = 0; i < p->nforms; i++)
		if (strcmp(p->stem[i], stem) == 0)
			return 0;
	/* The typed word stays even when nothing holds it: snippets. */
	if (search_index_postings(ix, stem, strlen(stem), &po) == 0 &&
	    p->nforms > 0)
		return 0;
	p->stem[p->nforms] = xstrdup(stem);
	search_index_postings(learned, stem, strlen(stem),
	    &p->learned[p->nforms]);
	p->form[p->nforms++] = po;
	return po.n;
}

/*
 * The articles of a phrase or of stop words, as FTS5 finds them (with
 * SEARCH_TITLES, in titles and tags only), into a->fts_docs.
 */
static void
fetch_fts(struct reader *r, struct rank_alt *a, int flags)
{
	sqlite3_stmt	*st = r->st[ST_PHRASE_ROWS];
	struct buf	 expr;
	size_t		 cap = 0;
	int64_t		 id;

	buf_init(&expr);
	if (flags & SEARCH_TITLES)
		buf_puts(&expr, "{title tags} : ");
	search_query_fts_string(&expr, a->fts);
	if (sqlite3_bind_text(st, 1, expr.data, -1, SQLITE_STATIC) ==
	    SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			if (id < 0 || id > UINT32_MAX)
				continue;
			if (a->nfts == cap) {
				cap = cap ? cap * 2 : 64;
				a->fts_docs = xreallocarray(a->fts_docs, cap,
				    sizeof(*a->fts_docs));
			}
			a->fts_docs[a->nfts++] = (uint32_t)id;
		}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	buf_free(&expr);
}

/* Makes room for one more part in a; NULL when it is full. */
static struct rank_part *
new_part(struct rank_alt *a)
{
	struct rank_part	*p;

	if (a->nparts == RANK_MAX_PARTS)
		return NULL;
	a->part = xreallocarray(a->part, (size_t)a->nparts + 1,
	    sizeof(*a->part));
	p = &a->part[a->nparts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/*
 * How many articles hold every part of a (each in one of its forms),
 * counted with the reader's work space.
 */
static double
conjunction(struct reader *r, const struct search_index *ix,
    const struct rank_alt *a)
{
	struct rank_scratch	*s = scratch_get(r, search_index_nids(ix));
	const struct postings	*po;
	uint32_t		 i, d, n = 0;
	uint8_t			 all = (uint8_t)((1u << a->nparts) - 1);
	int			 p, f;

	for (p = 0; p < a->nparts; p++)
		for (f = 0; f < a->part[p].nforms; f++) {
			po = &a->part[p].form[f];
			for (i = 0; i < po->n; i++) {
				if ((d = po->doc[i]) >= s->nids)
					continue;
				if (s->d[d].cnt == 0)
					s->t_alt[s->n_alt++] = d;
				s->d[d].cnt |= (uint8_t)(1u << p);
			}
		}
	for (i = 0; i < s->n_alt; i++) {
		if (s->d[s->t_alt[i]].cnt == all)
			n++;
		s->d[s->t_alt[i]].cnt = 0;
	}
	s->n_alt = 0;
	return n;
}

/* Are all the words of every part of qa stop words? */
static int
stop_only(struct reader *r, const struct query_alt *qa)
{
	struct stems	 st;
	int		 k;

	for (k = 0; k < qa->n; k++) {
		memset(&st, 0, sizeof(st));
		tokenizer_words(r->tok, qa->part[k], (int)strlen(qa->part[k]),
		    stem_word, &st);
		if (st.n > 0)
			return 0;
	}
	return 1;
}

/* Is a form of this kind a dictionary's word, not the customer's? */
static int
loose(int kind)
{
	return kind == QUERY_ALT_SYNONYM || kind == QUERY_ALT_TRANSLATED ||
	    kind == QUERY_ALT_THESAURUS || kind == QUERY_ALT_DING ||
	    kind == QUERY_ALT_PIVOT || kind == QUERY_ALT_HEAD;
}

/*
 * Translates slot qs of a query into what ranking walks: per alternative
 * its parts (words that must all be there), per part its forms and their
 * postings.  Text the index cannot answer (a phrase, stop words) is left
 * for FTS5: the alternative is marked so.
 */
static void
compile_slot(struct reader *r, const struct search_index *ix,
    const struct search_index *learned, const struct query_slot *qs,
    int flags, const struct rank_weights *wt, struct rank_slot *rs)
{
	const struct query_alt	*qa;
	struct rank_alt		*ra;
	struct rank_part	*rp;
	struct stems		 st;
	double			 docs = search_index_ndocs(ix), n, first = 0.0;
	int			 a, k, j, f;

	memset(rs, 0, sizeof(*rs));
	rs->weight = qs->weight > 0.0 ? qs->weight : 1.0;
	rs->core = !qs->added;
	rs->alt = xcalloc((size_t)qs->nalts + 1, sizeof(*rs->alt));
	for (a = 0; a < qs->nalts; a++) {
		qa = &qs->alts[a];
		ra = &rs->alt[rs->nalts];
		ra->weight = qa->kind >= 0 && qa->kind < QUERY_ALT__COUNT ?
		    wt->alt[qa->kind] : 1.0;
		for (k = 0; k < qa->n && ra->fts == NULL; k++) {
			memset(&st, 0, sizeof(st));
			tokenizer_words(r->tok, qa->part[k],
			    (int)strlen(qa->part[k]), stem_word, &st);
			/* A stop word beside other words ("an Werktagen"). */
			if (st.n == 0 && st.stop > 0 && qs->kind !=
			    QUERY_SLOT_PHRASE && !stop_only(r, qa))
				continue;
			if (qs->kind == QUERY_SLOT_PHRASE ||
			    (st.n == 0 && st.stop > 0)) {
				/* A phrase, stop words: FTS5 finds them. */
				ra->fts = xstrdup(qa->part[k]);
				fetch_fts(r, ra, flags);
				ra->idf = idf_of((double)ra->nfts, docs);
				break;
			}
			for (j = 0; j < st.n && (rp = new_part(ra)) != NULL;
			    j++) {
				n = add_form(ix, learned, rp, st.s[j]);
				/* A one-word part brings its word family. */
				for (f = 0; st.n == 1 && qa->forms[k] != NULL &&
				    f < qa->forms[k]->n; f++)
					n += add_form(ix, learned, rp,
					    qa->forms[k]->stem[f]);
				rp->idf = idf_of(n, docs);
			}
		}
		if (ra->fts == NULL && ra->nparts == 0)
			continue;
		/*
		 * An alternative is as specific as the articles holding all
		 * its parts are few; a part nothing holds makes it useless.
		 */
		for (k = 0; k < ra->nparts; k++)
			if (ra->part[k].idf == 0.0)
				break;
		if (ra->fts == NULL && k < ra->nparts)
			ra->idf = 0.0;
		else if (ra->fts == NULL)
			ra->idf = ra->nparts == 1 ? ra->part[0].idf :
			    idf_of(conjunction(r, ix, ra), docs);
		rs->nalts++;
		/*
		 * The word as typed says how informative the slot is; when
		 * the index lacks it, the first other form it has (the
		 * correction, the likeliest translation): the rarest would
		 * make a loose synonym the query's most telling word.
		 */
		if (rs->idf == 0.0 && ra->idf > 0.0)
			rs->idf = a == 0 ? ra->idf : ra->weight * ra->idf;
		if (first == 0.0)
			first = ra->idf;
		/* Rare words may count more than BM25's IDF says. */
		ra->sidf = wt->idf_pow == 1.0 ? ra->idf : pow(ra->idf,
		    wt->idf_pow);
		/*
		 * A word the dictionaries put beside the query's is no more
		 * telling than the query's own: else the rarest of a word's
		 * translations ("Versand" for "forwarding") would outweigh
		 * the likeliest (Weiterleitung).
		 */
		if (loose(qa->kind) && first > 0.0 && ra->sidf > first)
			ra->sidf = first;
	}
}

/*
 * Builds the ranking form of the slots of q in mask (q completed by
 * search_expand_query()) against the index ix and the "searched as" index
 * learned (may be NULL), with search_run()'s flags and the worth of each
 * kind of form in wt.  The caller frees it with search_rank_query_free().
 */
struct rank_query *
search_rank_compile(struct reader *r, const struct search_index *ix,
    const struct search_index *learned, const struct query *q, uint64_t mask,
    int flags, const struct rank_weights *wt)
{
	struct rank_query	*rq;
	size_t			 i;

	rq = xcalloc(1, sizeof(*rq));
	rq->learned = learned;
	rq->slot = xcalloc(q->nslots + 1, sizeof(*rq->slot));
	for (i = 0; i < q->nslots && i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		compile_slot(r, ix, learned, &q->slots[i], flags, wt,
		    &rq->slot[rq->nslots]);
		/* In a title, a rare word may say more than its IDF. */
		rq->slot[rq->nslots].tidf = pow(rq->slot[rq->nslots].idf,
		    wt->title_pow);
		if (rq->slot[rq->nslots].core) {
			rq->total_idf += rq->slot[rq->nslots].idf;
			rq->title_total += rq->slot[rq->nslots].tidf;
		}
		rq->nslots++;
	}
	return rq;
}

void
search_rank_query_free(struct rank_query *rq)
{
	struct rank_alt	*a;
	int		 i, j, p, f;

	if (rq == NULL)
		return;
	for (i = 0; i < rq->nslots; i++) {
		for (j = 0; j < rq->slot[i].nalts; j++) {
			a = &rq->slot[i].alt[j];
			for (p = 0; p < a->nparts; p++)
				for (f = 0; f < a->part[p].nforms; f++)
					free(a->part[p].stem[f]);
			free(a->part);
			free(a->fts);
			free(a->fts_docs);
		}
		free(rq->slot[i].alt);
	}
	free(rq->slot);
	free(rq);
}

/* The frequency of a posting, weighted by field. */
static inline float
weighted_tf(uint16_t packed, const float *w)
{
	return w[SEARCH_TITLE] * (float)(packed & 7) +
	    w[SEARCH_TAGS] * (float)((packed >> 3) & 7) +
	    w[SEARCH_ALIASES] * (float)((packed >> 6) & 7) +
	    w[SEARCH_BODY] * (float)(packed >> 9);
}

/*
 * Part p's frequencies into s->tf (title ones into s->ttf); with only,
 * for the articles found so far alone.  Returns how many postings it
 * passed over for that.
 */
static uint32_t
walk_part(struct rank_scratch *s, const struct search_index *ix,
    const struct rank_part *p, const float *w, float wl, int only)
{
	const struct postings	*po;
	uint32_t		 i, d, skipped = 0;
	float			 t;
	int			 f;

	/* What readers searched to reach an article: like its aliases. */
	for (f = 0; wl > 0.0f && f < p->nforms; f++) {
		po = &p->learned[f];
		for (i = 0; i < po->n; i++) {
			d = po->doc[i];
			/* Published when the clicks were read, maybe not now. */
			if (d >= s->nids || (only && !s->d[d].seen) ||
			    !search_index_has(ix, d))
				continue;
			if (s->d[d].tf == 0.0f)
				s->t_part[s->n_part++] = d;
			s->d[d].tf += wl * (float)((po->tf[i] >> 6) & 7);
		}
	}
	for (f = 0; f < p->nforms; f++) {
		po = &p->form[f];
		for (i = 0; i < po->n; i++) {
			d = po->doc[i];
			if (d >= s->nids)
				continue;
			if (only && !s->d[d].seen) {
				skipped++;
				continue;
			}
			if ((t = weighted_tf(po->tf[i], w)) <= 0.0f)
				continue;
			if (s->d[d].tf == 0.0f)
				s->t_part[s->n_part++] = d;
			s->d[d].tf += t;
			if (w[SEARCH_TITLE] > 0.0f)
				s->d[d].ttf += (uint8_t)(po->tf[i] & 7);
		}
	}
	return skipped;
}

/*
 * A part's BM25 saturation in each article holding it, into the
 * alternative's sums; the alternative's IDF multiplies their mean.
 */
static void
score_part(struct rank_scratch *s, const struct rank_weights *wt)
{
	uint32_t	 i, d;
	float		 tf, norm, k1 = (float)wt->k1, b = (float)wt->b;

	for (i = 0; i < s->n_part; i++) {
		d = s->t_part[i];
		tf = s->d[d].tf;
		norm = k1 * (1.0f - b + b * rlen_of(s, d));
		if (s->d[d].cnt == 0) {
			s->t_alt[s->n_alt++] = d;
			s->d[d].atf = s->d[d].ttf;
		} else if (s->d[d].ttf < s->d[d].atf)
			s->d[d].atf = s->d[d].ttf;
		s->d[d].cnt++;
		s->d[d].alt += tf * (k1 + 1.0f) / (tf + norm);
		s->d[d].tf = 0.0f;
		s->d[d].ttf = 0;
	}
	s->n_part = 0;
}

/*
 * score_part() and score_alt() at once for an alternative of one part
 * (most are): the same sums, one pass over its articles fewer.
 */
static void
score_one_part(struct rank_scratch *s, const struct rank_alt *a,
    const struct rank_weights *wt)
{
	uint32_t	 i, d;
	float		 tf, norm, v, k1 = (float)wt->k1, b = (float)wt->b;
	float		 ws = (float)(a->weight * a->sidf);

	for (i = 0; i < s->n_part; i++) {
		d = s->t_part[i];
		tf = s->d[d].tf;
		norm = k1 * (1.0f - b + b * rlen_of(s, d));
		v = ws * (tf * (k1 + 1.0f) / (tf + norm));
		if (s->d[d].best == 0.0f)
			s->t_slot[s->n_slot++] = d;
		if (v > s->d[d].best) {
			s->d[d].best = v;
			s->d[d].btf = s->d[d].ttf;
			s->d[d].bw = (float)a->weight;
		}
		s->d[d].tf = 0.0f;
		s->d[d].ttf = 0;
	}
	s->n_part = 0;
}

/* An alternative's articles, holding all its parts, into the slot's. */
static void
score_alt(struct rank_scratch *s, const struct rank_alt *a)
{
	uint32_t	 i, d;
	float		 v;

	for (i = 0; i < s->n_alt; i++) {
		d = s->t_alt[i];
		if (s->d[d].cnt == a->nparts) {
			v = (float)(a->weight * a->sidf) * s->d[d].alt /
			    (float)a->nparts;
			if (s->d[d].best == 0.0f)
				s->t_slot[s->n_slot++] = d;
			if (v > s->d[d].best) {
				s->d[d].best = v;
				s->d[d].btf = s->d[d].atf;
				s->d[d].bw = (float)a->weight;
			}
		}
		s->d[d].alt = 0.0f;
		s->d[d].cnt = 0;
		s->d[d].atf = 0;
	}
	s->n_alt = 0;
}

/*
 * A phrase's articles into the slot's: once each, in the body; with
 * only, the articles found so far alone.
 */
static void
walk_fts(struct rank_scratch *s, const struct search_index *ix,
    struct rank_alt *a, const struct rank_weights *wt, int only)
{
	uint32_t	 i, d;
	float		 v, k1 = (float)wt->k1, b = (float)wt->b;

	for (i = 0; i < a->nfts; i++) {
		d = a->fts_docs[i];
		if (d >= s->nids || !search_index_has(ix, d) ||
		    (only && !s->d[d].seen))
			continue;
		v = (float)(a->weight * a->sidf) * (k1 + 1.0f) / (1.0f + k1 *
		    (1.0f - b + b * rlen_of(s, d)));
		if (s->d[d].best == 0.0f)
			s->t_slot[s->n_slot++] = d;
		if (v > s->d[d].best) {
			s->d[d].best = v;
			s->d[d].bw = (float)a->weight;
		}
	}
}

/* A slot's articles into the query's sums. */
static void
score_slot(struct rank_scratch *s, const struct rank_slot *rs, int bit)
{
	uint32_t	 i, d;
	float		 idf = (float)rs->idf;

	for (i = 0; i < s->n_slot; i++) {
		d = s->t_slot[i];
		if (!s->d[d].seen) {
			s->d[d].seen = 1;
			s->t_query[s->n_query++] = d;
		}
		s->d[d].acc += (float)rs->weight * s->d[d].best;
		if (bit < 32)
			s->d[d].mask |= 1u << bit;
		/* A synonym's match says the word is there less surely. */
		if (rs->core) {
			s->d[d].cov += idf * s->d[d].bw;
			if (s->d[d].btf > 0) {
				s->d[d].tcov += (float)rs->tidf * s->d[d].bw;
				s->d[d].tmatch += s->d[d].btf;
			}
		}
		s->d[d].best = 0.0f;
		s->d[d].btf = 0;
		s->d[d].bw = 0.0f;
	}
	s->n_slot = 0;
}

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

/* Keeps the k best of the rows pushed, in a heap with the worst on top. */
static void
heap_push(struct ranked *h, int *n, int k, double score, int64_t id)
{
	struct ranked	 r = { score, id };
	int		 i, c;

	if (*n < k) {
		i = (*n)++;
		h[i] = r;
		for (; i > 0 && ranks_before(&h[(i - 1) / 2], &h[i]);
		    i = (i - 1) / 2)
			ranked_swap(&h[(i - 1) / 2], &h[i]);
	} else if (k > 0 && ranks_before(&r, &h[0])) {
		h[0] = r;
		for (i = 0; (c = 2 * i + 1) < *n; i = c) {
			if (c + 1 < *n && ranks_before(&h[c], &h[c + 1]))
				c++;
			if (!ranks_before(&h[i], &h[c]))
				break;
			ranked_swap(&h[i], &h[c]);
		}
	}
}

static int
ranked_cmp(const void *a, const void *b)
{
	return ranks_before(a, b) ? -1 : ranks_before(b, a) ? 1 : 0;
}

/* Bits set in m, without a call (no popcnt instruction assumed). */
static inline int
popcount32(uint32_t m)
{
	m = m - ((m >> 1) & 0x55555555u);
	m = (m & 0x33333333u) + ((m >> 2) & 0x33333333u);
	m = (m + (m >> 4)) & 0x0f0f0f0fu;
	return (int)((m * 0x01010101u) >> 24);
}

/*
 * The final score of article d, from the sums of the query's slots: see
 * the file's header.  total is the query's information (IDF).
 */
static double
final_score(const struct rank_scratch *s, const struct search_index *ix,
    const struct search_data *sd, const struct rank_weights *wt,
    const struct rank_query *rq, uint32_t d)
{
	double	 score = s->d[d].acc, cov, tcov, avg, tlen, tshare;
	double	 total = rq->total_idf;

	if (total > 0.0) {
		cov = s->d[d].cov / total;
		tcov = rq->title_total > 0.0 ? s->d[d].tcov / rq->title_total :
		    0.0;
		if (wt->cover > 0.0)
			score += total * wt->cover * (wt->cover_pow == 1.0 ?
			    cov : wt->cover_pow == 2.0 ? cov * cov :
			    pow(cov, wt->cover_pow));
		score += total * wt->title * tcov;
		tlen = search_index_len(ix, d, SEARCH_TITLE, &avg);
		if (tlen > 0.0 && tcov > 0.0) {
			tshare = s->d[d].tmatch / tlen;
			score += total * wt->title_all * tcov *
			    (tshare > 1.0 ? 1.0 : tshare);
		}
	}
	return score * (1.0 + wt->pop * popularity(sd, d));
}

/*
 * The most slot j can add to a row's score (before popularity): its
 * best form saturated, and its information in the title.  Fills ub[] and
 * order[] (the slots not walked yet, by their bound, greatest first);
 * returns the sum.
 */
static double
slot_bounds(const struct rank_query *rq, const struct rank_weights *wt,
    int *order, double *ub)
{
	const struct rank_slot	*rs;
	double			 sum = 0.0, best;
	int			 j, a, i, o = 0;

	for (j = rq->walked; j < rq->nslots; j++, o++) {
		rs = &rq->slot[j];
		for (a = 0, best = 0.0; a < rs->nalts; a++)
			if (rs->alt[a].weight * rs->alt[a].sidf > best)
				best = rs->alt[a].weight * rs->alt[a].sidf;
		ub[j] = rs->weight * best * (wt->k1 + 1.0);
		if (rs->core)
			ub[j] += (wt->title + wt->title_all) * rq->total_idf *
			    (rq->title_total > 0.0 ? rs->tidf / rq->title_total :
			    0.0);
		sum += ub[j];
		/* Insertion: queries have a few slots. */
		for (i = o; i > 0 && ub[order[i - 1]] < ub[j]; i--)
			order[i] = order[i - 1];
		order[i] = j;
	}
	return sum;
}

/*
 * The most an article holding none of the slots order[0..from) can
 * score: the bounds of the others (rest), their share of the query's
 * information (coverage), the most popular article's factor.
 */
static double
bound_unseen(const struct rank_query *rq, const struct rank_weights *wt,
    const int *order, int from, int to, double rest)
{
	double	 idf = 0.0, cov;
	int	 o;

	for (o = from; o < to; o++)
		if (rq->slot[order[o]].core)
			idf += rq->slot[order[o]].idf;
	if (rq->total_idf > 0.0 && wt->cover > 0.0) {
		cov = idf / rq->total_idf;
		rest += rq->total_idf * wt->cover * pow(cov, wt->cover_pow);
	}
	return rest * (1.0 + wt->pop);
}

/* How many postings slot rs has: what walking it costs. */
static size_t
slot_postings(const struct rank_slot *rs)
{
	const struct rank_alt	*a;
	size_t			 n = 0;
	int			 i, p, f;

	for (i = 0; i < rs->nalts; i++) {
		a = &rs->alt[i];
		n += a->nfts;
		for (p = 0; p < a->nparts; p++)
			for (f = 0; f < a->part[p].nforms; f++)
				n += a->part[p].form[f].n +
				    a->part[p].learned[f].n;
	}
	return n;
}

/* What makes a row a result; see search_rank_run(). */
struct rule {
	uint32_t	 want;		/* the slots the index has */
	int		 need;		/* ... so many of them, or */
	double		 min_cover;	/* ... this share of the information */
	double		 total;		/* the query's information */
	int		 any;		/* SEARCH_ANY: every row */
	int		 strict;	/* SEARCH_STRICT: every slot */
};

static int
included(const struct rank_scratch *s, const struct rule *ru, uint32_t d)
{
	return ru->any || popcount32(s->d[d].mask & ru->want) >= ru->need ||
	    (!ru->strict && ru->total > 0.0 &&
	    s->d[d].cov / ru->total >= ru->min_cover);
}

/*
 * The k-th best score of the results found so far, as far as their
 * slots go yet (their final scores can only be greater, and a result
 * stays one).
 */
static double
kth_found(const struct rank_scratch *s, const struct search_index *ix,
    const struct search_data *sd, const struct rank_weights *wt,
    const struct rank_query *rq, const struct rule *ru, int k)
{
	struct ranked	*h;
	double		 kth;
	uint32_t	 i;
	int		 n = 0;

	h = xcalloc((size_t)k + 1, sizeof(*h));
	for (i = 0; i < s->n_query; i++)
		if (included(s, ru, s->t_query[i]))
			heap_push(h, &n, k, final_score(s, ix, sd, wt, rq,
			    s->t_query[i]), s->t_query[i]);
	kth = n == k ? h[0].score : -HUGE_VAL;
	free(h);
	return kth;
}

/*
 * Ranks the articles for rq into out: the k best, best first, and how
 * many rows there are in *total; *all is set when some article holds
 * every slot.  flags are search_run()'s.  With detail, what made the
 * score of article detail->id goes there too (for tests/search).
 * Returns how many rows out holds.
 */
int
search_rank_run(struct reader *r, const struct search_index *ix,
    const struct search_data *sd, struct rank_query *rq,
    const struct rank_weights *wt, int flags, int k, struct ranked *out,
    int64_t *total, int *all, struct rank_detail *detail)
{
	return search_rank_slots(r, ix, sd, rq, wt, flags, k, 0, out, total, all,
	    detail);
}

/*
 * search_rank_run() for the slots of rq not ranked yet (rq->walked on).  With
 * more, slots will be added and ranked after: nothing is passed over
 * (the k best may change), and the work space keeps what it found.
 */
int
search_rank_slots(struct reader *r, const struct search_index *ix,
    const struct search_data *sd, struct rank_query *rq,
    const struct rank_weights *wt, int flags, int k, int more,
    struct ranked *out, int64_t *total, int *all, struct rank_detail *detail)
{
	struct rank_scratch	*s;
	struct rank_slot	*rs;
	struct rank_alt		*ra;
	float			 w[SEARCH_FIELDS], wl = (float)wt->learned;
	double			*ub, rest;
	uint32_t		 i, d, want = 0, every, passed, skipped = 0;
	struct rule		 ru;
	int			*order, n = 0, j, o, a, p, known = 0, need;
	int			 only = 0, nw;
	int64_t			 rows = 0;
	size_t			 left;

	*total = 0;
	*all = 0;
	if (ix == NULL || search_index_nids(ix) == 0 || rq->nslots == 0)
		return 0;
	s = scratch_get(r, search_index_nids(ix));
	s->rlen = search_index_rlens(ix, &s->nrlen);
	for (j = 0; j < SEARCH_FIELDS; j++)
		w[j] = (float)wt->field[j];
	/* Titles and tags only, for suggestions as you type. */
	if (flags & SEARCH_TITLES)
		w[SEARCH_BODY] = w[SEARCH_ALIASES] = wl = 0.0f;

	/* The query's own words; feedback adds to scores, not to these. */
	for (j = 0, every = 0; j < rq->nslots && j < 32; j++) {
		if (!rq->slot[j].core)
			continue;
		every |= 1u << j;
		if (rq->slot[j].idf > 0.0) {
			want |= 1u << j;
			known++;
		}
	}
	/*
	 * A row holds a third of the words the index has, or enough of
	 * their information: a question's answer may share few of its words.
	 */
	need = (flags & SEARCH_STRICT) ? rq->nslots :
	    (int)ceil(wt->min_words * known);
	memset(&ru, 0, sizeof(ru));
	ru.want = want;
	ru.need = need;
	ru.min_cover = wt->min_cover;
	ru.total = rq->total_idf;
	ru.any = (flags & SEARCH_ANY) != 0;
	ru.strict = (flags & SEARCH_STRICT) != 0;
	order = xcalloc((size_t)rq->nslots + 1, sizeof(*order));
	ub = xcalloc((size_t)rq->nslots + 1, sizeof(*ub));
	rest = slot_bounds(rq, wt, order, ub);
	nw = rq->nslots - rq->walked;
	for (o = 0, left = 0; o < nw; o++)
		left += slot_postings(&rq->slot[order[o]]);
	for (o = 0; o < nw; o++) {
		j = order[o];
		rs = &rq->slot[j];
		for (a = 0; a < rs->nalts; a++) {
			ra = &rs->alt[a];
			if (ra->fts != NULL) {
				walk_fts(s, ix, ra, wt, only);
				continue;
			}
			for (p = 0; p < ra->nparts; p++) {
				passed = walk_part(s, ix, &ra->part[p], w, wl,
				    only);
				if (a == 0 && passed > skipped)
					skipped = passed;
				if (ra->nparts > 1)
					score_part(s, wt);
			}
			if (ra->nparts == 1)
				score_one_part(s, ra, wt);
			else
				score_alt(s, ra);
		}
		score_slot(s, rs, j);
		/*
		 * No article not found yet can get into the k best with the
		 * slots left: those only add to the articles found (the
		 * longest postings, for the commonest words, are passed
		 * over).  Exact: the k best are the same.
		 */
		rest -= ub[j];
		left -= slot_postings(rs);
		/*
		 * The test reads every row found; it is worth it only when
		 * the postings left are longer.
		 */
		if (!more && !only && o + 1 < nw && (int)s->n_query >= k &&
		    left > s->n_query &&
		    bound_unseen(rq, wt, order, o + 1, nw, rest) <
		    kth_found(s, ix, sd, wt, rq, &ru, k))
			only = 1;
	}
	rq->walked = rq->nslots;
	free(order);
	free(ub);
	for (i = 0; i < s->n_query; i++) {
		d = s->t_query[i];
		if ((s->d[d].mask & every) == every)
			*all = 1;
		if (!included(s, &ru, d))
			continue;
		heap_push(out, &n, k, final_score(s, ix, sd, wt, rq, d), d);
		rows++;
	}
	/* No row has that much: rather than nothing, every row. */
	if (rows == 0 && !(flags & SEARCH_STRICT))
		for (i = 0; i < s->n_query; i++) {
			d = s->t_query[i];
			heap_push(out, &n, k, final_score(s, ix, sd, wt, rq, d), d);
			rows++;
		}
	for (i = 0; detail != NULL && i < s->n_query; i++)
		if (s->t_query[i] == detail->id) {
			d = s->t_query[i];
			detail->bm25 = s->d[d].acc;
			detail->cover = s->d[d].cov / rq->total_idf;
			detail->title = s->d[d].tcov / rq->title_total;
			detail->title_matched = s->d[d].tmatch;
			detail->mask = s->d[d].mask;
			detail->score = final_score(s, ix, sd, wt, rq, d);
		}
	for (i = 0; !more && i < s->n_query; i++) {
		d = s->t_query[i];
		s->d[d].acc = s->d[d].cov = s->d[d].tcov = s->d[d].tmatch = 0.0f;
		s->d[d].mask = 0;
		s->d[d].seen = 0;
	}
	if (!more)
		s->n_query = 0;
	qsort(out, (size_t)n, sizeof(*out), ranked_cmp);
	/*
	 * Rows passed over hold a word every row has (half of two words):
	 * counted, about, like a search engine's estimated total.
	 */
	*total = rows + (only && need <= 1 ? skipped : 0);
	return n;
}

/* Does article d stand in the body postings of p (binary search)? */
static int
in_body(const struct postings *p, uint32_t d)
{
	uint32_t	 lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->doc[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->doc[lo] == d && (p->tf[lo] >> 9) > 0;
}

/*
 * The slots of rq that article id holds in its body, a bit each (slots
 * from FTS5 count as held): what its snippet can show at most.
 */
uint64_t
search_rank_body_slots(const struct rank_query *rq, int64_t id)
{
	const struct rank_alt	*a;
	uint64_t		 m = 0;
	int			 j, k, p, f;

	if (id < 0 || id > UINT32_MAX)
		return 0;
	for (j = 0; j < rq->nslots && j < 64; j++)
		for (k = 0; rq->slot[j].core && k < rq->slot[j].nalts &&
		    !(m & (1ULL << j));
		    k++) {
			a = &rq->slot[j].alt[k];
			if (a->fts != NULL) {
				m |= 1ULL << j;
				break;
			}
			for (p = 0; p < a->nparts; p++) {
				for (f = 0; f < a->part[p].nforms; f++)
					if (in_body(&a->part[p].form[f],
					    (uint32_t)id))
						break;
				if (f == a->part[p].nforms)
					break;
			}
			if (p == a->nparts && p > 0)
				m |= 1ULL << j;
		}
	return m;
}
