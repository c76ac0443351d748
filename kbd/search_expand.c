/*
 * search_expand.c: words a query does not say but means, from the
 * dictionaries of search_dict.c, added to a slot as alternatives worth
 * less than the word itself (rank_weights.alt):
 *
 *   translations   an English word or phrase the index lacks or holds
 *                  rarely ("cells", "pie chart", "mergen") gets the
 *                  German words Ding gives for it that the index holds
 *                  (Zellen; Kreisdiagramm; verbinden);
 *   synonyms       a German word the index lacks or holds rarely
 *                  ("Kuvert", "Sachregister") gets the words of its
 *                  OpenThesaurus groups and of its Ding entries that the
 *                  index holds (Briefumschlag; Stichwortverzeichnis),
 *                  and those of its English words' entries (a pivot:
 *                  "Kuvert", "envelope", "Briefumschlag").
 *
 * Only words the index lacks or holds rarely are looked up: as blanket
 * expansion, general synonyms brought in articles about something else.
 * Typo corrections and the built-in synonyms stay query.c's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define CAND_MAX	64	/* dictionary terms looked at per word */
#define PIVOT_MAX	8	/* English words a German one goes through */

/* A dictionary term the index holds, for one slot. */
struct cand {
	char	*text;
	int	 rank;
	int64_t	 docs;		/* of its rarest word */
};

struct cands {
	struct reader		*r;
	const struct lexicon	*lex;
	const char		*self;	/* the query word's stem */
	struct cand		 c[CAND_MAX];
	int			 n;
};

struct term_words {
	const struct lexicon	*lex;
	const char		*self;
	int64_t			 min;
	int			 words;
	int			 missing;
	int			 same;
};

static int
term_word(void *ctx, const struct tokenizer_word *w)
{
	struct term_words	*t = ctx;
	int64_t			 n;

	if (w->stop)
		return 0;
	n = lexicon_docs(t->lex, w->stem, (size_t)w->nstem);
	if (n == 0)
		t->missing = 1;
	if (t->words++ == 0 || n < t->min)
		t->min = n;
	if (t->self != NULL && strlen(t->self) == (size_t)w->nstem &&
	    memcmp(t->self, w->stem, (size_t)w->nstem) == 0)
		t->same = 1;
	return 0;
}

/* Does the lowercase word w have ä, ö, ü or ß? */
static int
has_umlaut(const char *w)
{
	for (; *w != '\0'; w++)
		if ((unsigned char)w[0] == 0xC3 && ((unsigned char)w[1] ==
		    0xA4 || (unsigned char)w[1] == 0xB6 || (unsigned char)w[1] ==
		    0xBC || (unsigned char)w[1] == 0x9F))
			return 1;
	return 0;
}

/*
 * A term of letters only (ASCII, or Latin-1's as German has them) is one
 * word: folded, checked and stemmed as the tokenizer would, into tw.
 * Returns 0 for anything else.
 */
static int
plain_word(struct cands *c, const char *term, struct term_words *tw)
{
	struct tokenizer_word	 w;
	char			 f[GERMAN_MAX_WORD + 1], stem[GERMAN_MAX_WORD + 1];
	char			 lower[GERMAN_MAX_WORD + 1];
	const char		*surface;
	const unsigned char	*p;
	unsigned char		*q;
	size_t			 n = strlen(term);

	if (n == 0 || n > GERMAN_MAX_WORD)
		return 0;
	for (p = (const unsigned char *)term; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF && p++)))
			return 0;
	memset(&w, 0, sizeof(w));
	memcpy(f, term, n);
	/* Capitals first, as ICU's case folding does: Ä, Ö, Ü too. */
	for (q = (unsigned char *)f; q < (unsigned char *)f + n; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q += 32;
		else if (*q == 0xC3 && q[1] >= 0x80 && q[1] <= 0x9E &&
		    q[1] != 0x97)
			*++q += 0x20;
	w.stop = german_is_stopword(f, n);
	f[n] = '\0';
	/*
	 * A word the index has only with umlauts where this one has none,
	 * or the other way round, is another word: "Losung" is no
	 * "Lösung" (their folded forms meet).
	 */
	memcpy(lower, f, n + 1);
	w.nfolded = (int)german_fold(f, n);
	f[w.nfolded] = '\0';
	if ((surface = lexicon_lookup(c->lex, f, (size_t)w.nfolded, NULL)) !=
	    NULL && has_umlaut(surface) != has_umlaut(lower)) {
		tw->missing = 1;
		tw->words = 1;
		return 1;
	}
	w.folded = f;
	w.nstem = german_stem(tokenizer_german(c->r->tok), f, w.nfolded, stem);
	w.stem = stem;
	term_word(tw, &w);
	return 1;
}

/* Keeps term when the index holds each of its words. */
static int
add_cand(void *ctx, const char *term, int rank)
{
	struct cands		*c = ctx;
	struct term_words	 tw;
	int			 i;

	if (c->n == CAND_MAX)
		return 1;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->c[i].text, term) == 0) {
			if (rank < c->c[i].rank)
				c->c[i].rank = rank;
			return 0;
		}
	memset(&tw, 0, sizeof(tw));
	tw.lex = c->lex;
	tw.self = c->self;
	/* Most are one plain word: no need for the word breaker (ICU). */
	if (!plain_word(c, term, &tw))
		tokenizer_words(c->r->tok, term, (int)strlen(term), term_word,
		    &tw);
	if (tw.words == 0 || tw.missing || (tw.same && tw.words == 1))
		return 0;
	c->c[c->n].text = xstrdup(term);
	c->c[c->n].rank = rank;
	c->c[c->n].docs = tw.min;
	c->n++;
	return 0;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand	*x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	/* Of two as good, the one more articles use. */
	return x->docs > y->docs ? -1 : x->docs < y->docs;
}

/* Adds the best max of c to slot s as alternatives of kind; frees c. */
static int
take(struct cands *c, struct query_slot *s, int kind, int max)
{
	char		*copy, *words[QUERY_MAX_PARTS], *save, *p;
	const char	*parts[QUERY_MAX_PARTS];
	int		 i, n, added = 0;

	qsort(c->c, (size_t)c->n, sizeof(*c->c), cand_cmp);
	for (i = 0; i < c->n; i++) {
		if (added < max) {
			copy = xstrdup(c->c[i].text);
			for (n = 0, p = strtok_r(copy, " ", &save);
			    p != NULL && n < QUERY_MAX_PARTS;
			    p = strtok_r(NULL, " ", &save))
				words[n++] = p;
			memcpy(parts, words, sizeof(*parts) * (size_t)n);
			if (n > 0) {
				query_alt_add(s, parts, n, kind);
				added++;
			}
			free(copy);
		}
		free(c->c[i].text);
	}
	c->n = 0;
	return added;
}

/*
 * Does the index hold the word of slot s rarely: in at most the share
 * rare_share of its articles (rounded down: in a small knowledge base
 * only words it lacks are rare)?
 */
static int
rare(const struct query_slot *s, const struct lexicon *lex,
    double rare_share)
{
	double	 most = floor(rare_share * (double)lexicon_ndocs(lex));

	return s->kind == QUERY_SLOT_WORD && !s->number && s->stem != NULL &&
	    (double)lexicon_docs(lex, s->stem, strlen(s->stem)) <= most;
}

/*
 * English words come into German with its endings ("mergen",
 * "gemerged", "updates"): the forms to look up besides w.
 */
static int
english_forms(const char *w, char forms[][GERMAN_MAX_WORD + 1])
{
	size_t	 n = strlen(w);
	int	 k = 0;

	if (n < 4 || n > GERMAN_MAX_WORD)
		return 0;
	if (w[n - 1] == 's' || w[n - 1] == 'n' || w[n - 1] == 't') {
		memcpy(forms[k], w, n - 1);
		forms[k++][n - 1] = '\0';
	}
	if (n > 4 && (strcmp(w + n - 2, "en") == 0 ||
	    strcmp(w + n - 2, "es") == 0 || strcmp(w + n - 2, "ed") == 0)) {
		memcpy(forms[k], w, n - 2);
		forms[k++][n - 2] = '\0';
	}
	return k;
}

/*
 * Runs of up to three words, one of them rare, that are an English term:
 * their German translations.  Returns whether slot i got some.
 */
static int
translate(struct query *q, size_t i, struct cands *c,
    const struct search_dicts *d, const struct rank_weights *wt)
{
	char	 forms[2][GERMAN_MAX_WORD + 1];
	struct buf key;
	size_t	 k, j, max = q->nslots - i < 3 ? q->nslots - i : 3;
	int	 any, f, nf;

	for (k = max; k >= 1; k--) {
		buf_init(&key);
		for (j = 0, any = 0; j < k; j++) {
			if (q->slots[i + j].kind != QUERY_SLOT_WORD ||
			    q->slots[i + j].folded == NULL)
				break;
			any |= rare(&q->slots[i + j], c->lex, wt->rare);
			buf_printf(&key, "%s%s", j ? " " : "",
			    q->slots[i + j].folded);
		}
		if (j == k && any) {
			c->self = k == 1 ? q->slots[i].stem : NULL;
			search_dicts_english(d, key.data, add_cand, c);
			/* "mergen", "cells": the English word inside. */
			if (c->n == 0 && k == 1 && lexicon_docs(c->lex,
			    q->slots[i].stem, strlen(q->slots[i].stem)) == 0)
				for (f = 0, nf = english_forms(key.data, forms);
				    f < nf && c->n == 0; f++)
					search_dicts_english(d, forms[f],
					    add_cand, c);
		}
		buf_free(&key);
		if (c->n > 0) {
			if (k > 1)
				query_merge_slots(q, i, k);
			return take(c, &q->slots[i], QUERY_ALT_TRANSLATED,
			    (int)wt->related) > 0;
		}
	}
	return 0;
}

/* The English words of a German word's entries, for pivot(). */
struct english {
	char	*w[PIVOT_MAX];
	int	 n;
};

static int
add_english(void *ctx, const char *term, int rank)
{
	struct english	*e = ctx;
	int		 i;

	(void)rank;
	if (e->n == PIVOT_MAX)
		return 1;
	for (i = 0; i < e->n; i++)
		if (strcmp(e->w[i], term) == 0)
			return 0;
	e->w[e->n++] = xstrdup(term);
	return 0;
}

/*
 * The German words of a rare German word's English words (Ding): "Kuvert"
 * is "envelope", and "envelope" is "Briefumschlag".  Ranked by the
 * English word's place, then the German word's, into c.
 */
static void
pivot(const struct search_dicts *d, const char *stem, struct cands *c)
{
	struct english	 e;
	int		 i;

	memset(&e, 0, sizeof(e));
	search_dicts_english_of(d, stem, add_english, &e);
	for (i = 0; i < e.n; i++) {
		search_dicts_english(d, e.w[i], add_cand, c);
		free(e.w[i]);
	}
}

/*
 * Completes q with the dictionaries' words for its rare words (see the
 * file's header), with what lex (the index's words) holds and wt's
 * limits.  Slots that got words are marked translated.
 */
void
search_expand_related(struct query *q, struct reader *r,
    const struct lexicon *lex, const struct search_dicts *d,
    const struct rank_weights *wt)
{
	struct cands	 c;
	struct query_slot *s;
	size_t		 i;

	if (d == NULL || lex == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.lex = lex;
	for (i = 0; i < q->nslots; i++) {
		if (wt->alt[QUERY_ALT_TRANSLATED] > 0.0 &&
		    translate(q, i, &c, d, wt)) {
			q->slots[i].translated = 1;
			continue;
		}
		s = &q->slots[i];
		if (!rare(s, lex, wt->rare))
			continue;
		c.self = s->stem;
		/* General synonyms: only for words the index lacks. */
		if (wt->alt[QUERY_ALT_THESAURUS] > 0.0 &&
		    rare(s, lex, wt->rare_thesaurus)) {
			search_dicts_german(d, s->stem, 1, add_cand, &c);
			if (take(&c, s, QUERY_ALT_THESAURUS,
			    (int)wt->related) > 0)
				s->translated = 1;
		}
		if (wt->alt[QUERY_ALT_DING] > 0.0) {
			search_dicts_german(d, s->stem, 0, add_cand, &c);
			if (take(&c, s, QUERY_ALT_DING, (int)wt->related) > 0)
				s->translated = 1;
		}
		if (wt->alt[QUERY_ALT_PIVOT] > 0.0) {
			pivot(d, s->stem, &c);
			if (take(&c, s, QUERY_ALT_PIVOT, (int)wt->related) > 0)
				s->translated = 1;
		}
	}
}
