/*
 * search_expand.c (search): words a query does not say but means, from the
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
 *
 * search_expand_query() is the whole completion of a parsed query
 * (search_query.c) with what the index knows, in this order: compound parts the
 * index has as a whole are dropped, translations and dictionary synonyms, typo
 * corrections against the lexicon (and the "Meinten Sie" suggestion), words
 * written apart joined as the index has them, the built-in synonyms, and each
 * slot's document count.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

/* Compounds the index has this often are not searched by their parts. */
#define SPLIT_BELOW	3


/* What one tokenizing of a part tells: its documents, its single word. */
struct part_ctx {
	const struct lexicon	*lex;
	int64_t			 min;	/* documents of its rarest word */
	int			 words;	/* not stop words */
	int			 all;	/* every word */
	int			 usable; /* the first word may have a family */
	char			 folded[GERMAN_MAX_WORD + 1];
	int			 nfolded;
	struct query_forms	*forms;
};

#define CAND_MAX	64	/* dictionary terms looked at per word */
#define PIVOT_MAX	8	/* English words a German one goes through */

/* A dictionary term the index holds, for one slot. */
struct cand {
	char	*text;
	int	 rank;
	int64_t	 docs;		/* of its rarest word */
	int	 entries;	/* of the dictionary that gave it */
	char	 stem[GERMAN_MAX_WORD + 1];	/* of a one-word term */
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
	char			 stem[GERMAN_MAX_WORD + 1];	/* the first */
};

static int
term_word(void *ctx, const struct tokenizer_word *w)
{
	struct term_words	*t = ctx;
	int64_t			 n;

	if (w->stop)
		return 0;
	n = search_lexicon_docs(t->lex, w->stem, (size_t)w->nstem);
	if (n == 0)
		t->missing = 1;
	if (t->words == 0)
		snprintf(t->stem, sizeof(t->stem), "%.*s", w->nstem, w->stem);
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
	if ((surface = search_lexicon_lookup(c->lex, f, (size_t)w.nfolded, NULL)) !=
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
			c->c[i].entries++;
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
	c->c[c->n].entries = 1;
	memcpy(c->c[c->n].stem, tw.words == 1 ? tw.stem : "",
	    tw.words == 1 ? strlen(tw.stem) + 1 : 1);
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
				search_query_alt_add(s, parts, n, kind);
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
	double	 most = floor(rare_share * (double)search_lexicon_ndocs(lex));

	return s->kind == QUERY_SLOT_WORD && !s->number && s->stem != NULL &&
	    (double)search_lexicon_docs(lex, s->stem, strlen(s->stem)) <= most;
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
 * An English word's entries name its senses, the common one in several
 * entries ("forwarding": Weiterleitung, Weiterleiten, weiterleiten) and
 * the rare ones once ("Versand"): when one German word recurs, the
 * one-word translations that come only once are other senses and go.
 */
static void
main_sense(struct cands *c)
{
	int	 i, j, n, most = 0, count[CAND_MAX];

	for (i = 0; i < c->n; i++) {
		for (j = 0, n = 0; j < c->n; j++)
			if (c->c[i].stem[0] != '\0' &&
			    strcmp(c->c[i].stem, c->c[j].stem) == 0)
				n += c->c[j].entries;
		count[i] = n;
		if (n > most)
			most = n;
	}
	if (most < 2)
		return;
	for (i = 0, j = 0; i < c->n; i++)
		if (c->c[i].stem[0] != '\0' && count[i] == 1)
			free(c->c[i].text);
		else
			c->c[j++] = c->c[i];
	c->n = j;
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
			search_dict_english(d, key.data, add_cand, c);
			/* "mergen", "cells": the English word inside. */
			if (c->n == 0 && k == 1 && search_lexicon_docs(c->lex,
			    q->slots[i].stem, strlen(q->slots[i].stem)) == 0)
				for (f = 0, nf = english_forms(key.data, forms);
				    f < nf && c->n == 0; f++)
					search_dict_english(d, forms[f],
					    add_cand, c);
		}
		buf_free(&key);
		if (c->n > 0) {
			if (k > 1)
				search_query_merge_slots(q, i, k);
			main_sense(c);
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
	search_dict_english_of(d, stem, add_english, &e);
	for (i = 0; i < e.n; i++) {
		search_dict_english(d, e.w[i], add_cand, c);
		free(e.w[i]);
	}
}

/*
 * Completes q with the dictionaries' words for its rare words (see the
 * file's header), with what lex (the index's words) holds and wt's
 * limits.  Slots that got words are marked translated.
 */
static void
expand_related(struct query *q, struct reader *r,
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
			search_dict_german(d, s->stem, 1, add_cand, &c);
			if (take(&c, s, QUERY_ALT_THESAURUS,
			    (int)wt->related) > 0)
				s->translated = 1;
		}
		if (wt->alt[QUERY_ALT_DING] > 0.0) {
			search_dict_german(d, s->stem, 0, add_cand, &c);
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

/* Documents whose index entry is stem; 0 when there is none. */
static int64_t
vocab_docs(const struct lexicon *lex, const char *stem)
{
	return search_lexicon_docs(lex, stem, strlen(stem));
}

static int
part_word(void *ctx, const struct tokenizer_word *w)
{
	struct part_ctx	*c = ctx;
	int64_t		 n;

	if (c->all++ == 0 && !w->stop && !w->number &&
	    w->nfolded <= GERMAN_MAX_WORD) {
		c->usable = 1;
		memcpy(c->folded, w->folded, (size_t)w->nfolded);
		c->nfolded = w->nfolded;
	}
	if (w->stop)
		return 0;
	n = vocab_docs(c->lex, w->stem);
	if (c->words++ == 0 || n < c->min)
		c->min = n;
	return 0;
}

static int
family_form(void *ctx, const char *word, const char *stem, int n)
{
	struct part_ctx		*c = ctx;
	struct query_forms	*f = c->forms;
	uint32_t		 docs;

	if (f->n == QUERY_MAX_FORMS)
		return 1;
	/* Made by rule: only forms the index has ("zellung" is none). */
	if ((docs = search_lexicon_docs(c->lex, stem, (size_t)n)) == 0 ||
	    german_is_stopword(word, strlen(word)))
		return 0;
	f->word[f->n] = xstrdup(word);
	f->stem[f->n] = xstrndup(stem, (size_t)n);
	f->docs[f->n++] = docs;
	return 0;
}

/*
 * About how many documents hold text: those of its rarest word.  With
 * forms, a text that is one word gets there the other forms of its
 * family that the index has (ändern: änderung, geändert), or NULL.  They
 * go into the expression as alternatives of their own, not as FTS5
 * synonyms (colocated query tokens): FTS5 looks every synonym up, those
 * nothing holds too, and merges their position lists in every row it
 * visits, which made a broad query twice as slow.
 */
static int64_t
text_docs(struct reader *r, const struct lexicon *lex, const char *text,
    struct query_forms **forms)
{
	struct part_ctx	 c;

	memset(&c, 0, sizeof(c));
	c.lex = lex;
	tokenizer_words(r->tok, text, (int)strlen(text), part_word, &c);
	if (forms != NULL && *forms == NULL && c.all == 1 && c.usable) {
		c.forms = xcalloc(1, sizeof(*c.forms));
		german_family(tokenizer_german(r->tok), c.folded, c.nfolded,
		    family_form, &c);
		if (c.forms->n > 0)
			*forms = c.forms;
		else
			search_query_forms_free(c.forms);
	}
	return c.min;
}

/*
 * Which forms bring their word family: the words the customer wrote
 * (as typed, joined, corrected, split), not the synonyms and
 * translations, whose families only bring more articles about
 * something else ("ändern" for "bearbeiten": "andere").
 */
static int
family_of(int kind)
{
	return kind != QUERY_ALT_SYNONYM && kind != QUERY_ALT_TRANSLATED &&
	    kind != QUERY_ALT_THESAURUS && kind != QUERY_ALT_DING &&
	    kind != QUERY_ALT_PIVOT && kind != QUERY_ALT_HEAD;
}

/*
 * Notes about how many documents hold each part of each form of s (and
 * with families, the family of each one-word part), and returns about
 * how many hold one of its forms.
 */
static int64_t
slot_docs(struct reader *r, const struct lexicon *lex, struct query_slot *s,
    int families)
{
	int64_t	 best = 0, m;
	int	 a, k;

	/* A phrase is as quoted; numbers have no family. */
	if (s->kind == QUERY_SLOT_PHRASE || s->number)
		families = 0;
	for (a = 0; a < s->nalts; a++) {
		for (k = 0, m = -1; k < s->alts[a].n; k++) {
			s->alts[a].docs[k] = text_docs(r, lex,
			    s->alts[a].part[k], families && family_of(
			    s->alts[a].kind) ? &s->alts[a].forms[k] : NULL);
			if (m == -1 || s->alts[a].docs[k] < m)
				m = s->alts[a].docs[k];
		}
		if (m > best)
			best = m;
	}
	return best;
}

/* A synonym term as an alternative: words ANDed, hyphens joined too. */
static void
add_synonym(void *ctx, const char *term)
{
	struct query_slot	*s = ctx;
	char			*copy, *words[QUERY_MAX_PARTS], *p, *save;
	const char		*parts[QUERY_MAX_PARTS];
	int			 n = 0, i;

	copy = xstrdup(term);
	for (p = strtok_r(copy, " ", &save); p != NULL && n < QUERY_MAX_PARTS;
	    p = strtok_r(NULL, " ", &save))
		words[n++] = p;
	for (i = 0; i < n; i++)
		parts[i] = words[i];
	if (n > 0)
		search_query_alt_add(s, parts, n, QUERY_ALT_SYNONYM);
	if (n == 1 && strchr(term, '-') != NULL) {
		for (p = copy, i = 0; term[i] != '\0'; i++)
			if (term[i] != '-')
				*p++ = term[i];
		*p = '\0';
		search_query_alt_add1(s, copy, QUERY_ALT_SYNONYM);
	}
	free(copy);
}

/*
 * A compound the index has often enough is searched as it is: its parts
 * would only bring in articles about something else.
 */
static void
drop_common_split(struct query_slot *s, const struct lexicon *lex)
{
	int	 a, k;

	if (s->kind != QUERY_SLOT_WORD || vocab_docs(lex, s->stem) < SPLIT_BELOW)
		return;
	for (a = 0; a < s->nalts; a++) {
		if (s->alts[a].kind != QUERY_ALT_SPLIT)
			continue;
		for (k = 0; k < s->alts[a].n; k++)
			free(s->alts[a].part[k]);
		memmove(&s->alts[a], &s->alts[a + 1], (size_t)(s->nalts - a -
		    1) * sizeof(*s->alts));
		s->nalts--;
		a--;
	}
}

/* "pasword" is not in the knowledge base, "passwort" is: offer it. */
static void
correct(struct query_slot *s, struct reader *r, const struct lexicon *lex)
{
	const char	*surface, *folded;
	int64_t		 docs = vocab_docs(lex, s->stem);

	if (s->kind != QUERY_SLOT_WORD || s->number || docs > 0 ||
	    search_lexicon_lookup(lex, s->folded, strlen(s->folded), NULL) != NULL)
		return;
	/* A compound of known words is not a typo. */
	if (s->nalts > 1 && slot_docs(r, lex, s, 0) > 0)
		return;
	surface = search_lexicon_correct(lex, s->folded, strlen(s->folded), &folded);
	if (surface == NULL)
		return;
	search_query_alt_add1(s, surface, QUERY_ALT_CORRECTED);
	s->shown = xstrdup(surface);
}

/* Runs of up to three slots that are a synonym term get its group. */
static void
expand_synonyms(struct query *q, const struct synonyms *syn,
    struct query_slot *tmp)
{
	struct buf	 key;
	size_t		 i, k, j;

	for (i = 0; i < q->nslots; i++) {
		for (k = q->nslots - i < 3 ? q->nslots - i : 3; k >= 1; k--) {
			buf_init(&key);
			for (j = 0; j < k; j++) {
				if (q->slots[i + j].kind == QUERY_SLOT_PHRASE)
					break;
				buf_printf(&key, "%s%s", j ? " " : "",
				    q->slots[i + j].key);
			}
			if (j < k) {
				buf_free(&key);
				continue;
			}
			/* Collect first: merging must wait for a match. */
			memset(tmp, 0, sizeof(*tmp));
			if (search_synonyms_lookup(syn, key.data, add_synonym,
			    tmp) > 0) {
				if (k > 1)
					search_query_merge_slots(q, i, k);
				for (j = 0; j < (size_t)tmp->nalts; j++)
					search_query_alt_add(&q->slots[i],
					    (const char *const *)tmp->alts[j].part,
					    tmp->alts[j].n, QUERY_ALT_SYNONYM);
				search_query_slot_clear(tmp);
				buf_free(&key);
				break;
			}
			search_query_slot_clear(tmp);
			buf_free(&key);
		}
	}
}

/* Is text[from..to) only white space: were two words written apart? */
static int
apart_only(const char *text, int from, int to)
{
	for (; from < to; from++)
		if (text[from] != ' ' && text[from] != '\t')
			return 0;
	return 1;
}

/*
 * Two words written apart that the knowledge base has as one: as they
 * are ("seiten zahlen", "e mail"), with a linking element ("datum
 * format": datumsformat; "zeile umbruch": zeilenumbruch) or without the
 * first one's final e; of these, the one most articles hold.  Search for
 * both ways.
 */
static void
join_pairs(struct query *q, struct reader *r, const struct lexicon *lex)
{
	static const char	*links[] = { "", "s", "n", "en", "e", "er",
	    "es", "-e" };
	char			 stem[GERMAN_MAX_WORD + 1], *joined, *best;
	const char		*a;
	size_t			 i, k, na;
	int64_t			 n, most;

	for (i = 0; i + 1 < q->nslots; i++) {
		if (q->slots[i].kind != QUERY_SLOT_WORD ||
		    q->slots[i + 1].kind != QUERY_SLOT_WORD ||
		    !apart_only(q->text, q->slots[i].end,
		    q->slots[i + 1].start) ||
		    q->slots[i].number || q->slots[i + 1].number)
			continue;
		a = q->slots[i].folded;
		na = strlen(a);
		best = NULL;
		most = 0;
		for (k = 0; k < nitems(links); k++) {
			/* "-e": the first word without its final e. */
			if (links[k][0] == '-' && (na < 4 || a[na - 1] != 'e'))
				continue;
			joined = links[k][0] == '-' ? xasprintf("%.*s%s",
			    (int)(na - 1), a, q->slots[i + 1].folded) :
			    xasprintf("%s%s%s", a, links[k],
			    q->slots[i + 1].folded);
			n = 0;
			if (strlen(joined) <= GERMAN_MAX_WORD) {
				german_stem(tokenizer_german(r->tok), joined,
				    (int)strlen(joined), stem);
				n = vocab_docs(lex, stem);
			}
			if (n > most) {
				free(best);
				best = joined;
				most = n;
			} else
				free(joined);
		}
		if (best != NULL) {
			search_query_merge_slots(q, i, 2);
			search_query_alt_add1(&q->slots[i], best, QUERY_ALT_JOINED);
			free(best);
		}
	}
}

static void
make_suggestion(struct query *q)
{
	struct buf	 b;
	size_t		 i;
	int		 from = 0, any = 0;

	buf_init(&b);
	for (i = 0; i < q->nslots; i++) {
		if (q->slots[i].shown == NULL)
			continue;
		any = 1;
		buf_put(&b, q->text + from, (size_t)(q->slots[i].start - from));
		buf_puts(&b, q->slots[i].shown);
		from = q->slots[i].end;
	}
	buf_puts(&b, q->text + from);
	if (any)
		q->suggestion = buf_detach(&b, NULL);
	else
		buf_free(&b);
}

/*
 * Completes q with what the index knows: typo corrections (and the
 * suggestion to show), synonyms, words written apart, word families, and
 * for each slot about how many documents hold it.
 */
void
search_expand_query(struct query *q, struct reader *r,
    const struct search_data *sd, const struct rank_weights *wt)
{
	struct query_slot	 tmp;
	const struct lexicon	*lex = sd->lexicon;
	size_t			 i;

	for (i = 0; i < q->nslots; i++)
		drop_common_split(&q->slots[i], lex);
	/* English words are translated, not corrected into German ones. */
	expand_related(q, r, lex, search_dict_current(), wt);
	for (i = 0; i < q->nslots; i++)
		if (!q->slots[i].translated)
			correct(&q->slots[i], r, lex);
	make_suggestion(q);
	join_pairs(q, r, lex);
	expand_synonyms(q, sd->synonyms, &tmp);
	for (i = 0; i < q->nslots; i++)
		q->slots[i].docs = slot_docs(r, lex, &q->slots[i], 1);
}
