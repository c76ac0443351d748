/*
 * search_lexicon.c (search): the words of the knowledge base, in memory, for what the
 * search index cannot do by itself: correcting typos against words that
 * really occur ("pasword" -> "passwort", "fritzbx" -> "fritzbox"),
 * completing the word being typed, and showing a real word ("Meinten Sie
 * ...?") rather than a stem.  It is loaded from the word table, which
 * import.c keeps up to date, after every import, and is immutable and
 * shared by reference count once built.
 *
 * Typo costs are weighted for German: a doubled or undoubled letter, d/t,
 * b/p, g/k, s/z, f/v, c/k, i/y and swapped neighbours ("ie"/"ei") cost
 * half an edit; umlauts and ß need nothing, they are folded already.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"


struct lex_entry {
	const char	*folded;
	const char	*surface;
	uint32_t	 docs;
	uint32_t	 len;		/* of folded */
};

/* One index term (a stem, a part, a joined word) and its documents. */
struct term_slot {
	uint64_t	 hash;		/* 0: empty */
	uint32_t	 docs;
	uint32_t	 off;		/* of the term in terms_pool */
};

struct lexicon {
	atomic_int		 refs;
	size_t			 n;
	struct lex_entry	*e;		/* sorted by folded */
	char			*pool;		/* the strings */
	uint32_t		*bylen;		/* indexes, by length, by docs */
	size_t			 start[KBD_MAX_WORD + 2];
	struct term_slot	*terms;		/* hash table of index terms */
	size_t			 terms_mask;
	char			*terms_pool;
	int64_t			 ndocs;		/* published articles */
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lex_entry *)a)->folded,
	    ((const struct lex_entry *)b)->folded);
}

static const struct lexicon	*sort_lex;	/* for bylen_cmp only */

static int
bylen_cmp(const void *a, const void *b)
{
	const struct lex_entry	*x = &sort_lex->e[*(const uint32_t *)a];
	const struct lex_entry	*y = &sort_lex->e[*(const uint32_t *)b];

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->docs != y->docs)
		return x->docs > y->docs ? -1 : 1;
	return strcmp(x->folded, y->folded);
}


/*
 * Loads how many articles hold each term of the search index.  FTS5
 * keeps no such counts (fts5vocab walks every posting list to find
 * them), so they are read once per import, about half a second for
 * 50,000 articles, and kept here for the query planner and kbd_rank.
 */
static int
load_terms(sqlite3 *db, struct lexicon *lex)
{
	sqlite3_stmt	*st = NULL;
	struct buf	 pool;
	size_t		 cap = 1024, n = 0, j, len;
	uint64_t	 h;
	int		 rc;

	buf_init(&pool);
	lex->terms = xcalloc(cap, sizeof(*lex->terms));
	lex->terms_mask = cap - 1;
	rc = sqlite3_prepare_v2(db, "SELECT term, doc FROM article_vocab", -1,
	    &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (n * 2 >= cap) {
			struct term_slot *old = lex->terms;
			size_t		  oldcap = cap, i;

			cap *= 2;
			lex->terms = xcalloc(cap, sizeof(*lex->terms));
			lex->terms_mask = cap - 1;
			for (i = 0; i < oldcap; i++) {
				if (old[i].hash == 0)
					continue;
				for (j = old[i].hash & lex->terms_mask;
				    lex->terms[j].hash != 0;
				    j = (j + 1) & lex->terms_mask)
					;
				lex->terms[j] = old[i];
			}
			free(old);
		}
		len = (size_t)sqlite3_column_bytes(st, 0);
		h = hash_fnv((const char *)sqlite3_column_text(st, 0), len);
		for (j = h & lex->terms_mask; lex->terms[j].hash != 0;
		    j = (j + 1) & lex->terms_mask)
			;
		lex->terms[j].hash = h;
		lex->terms[j].docs = (uint32_t)sqlite3_column_int(st, 1);
		lex->terms[j].off = (uint32_t)pool.len;
		buf_put(&pool, sqlite3_column_text(st, 0), len + 1);
		n++;
	}
	sqlite3_finalize(st);
	lex->terms_pool = buf_detach(&pool, NULL);
	if (rc != SQLITE_DONE)
		return -1;
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM article WHERE state ="
	    " 'published'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		lex->ndocs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/* How many published articles hold the index term t[0..n); 0 if none. */
uint32_t
search_lexicon_docs(const struct lexicon *lex, const char *t, size_t n)
{
	const char	*s;
	uint64_t	 h;
	size_t		 j;

	if (lex == NULL || lex->terms == NULL)
		return 0;
	h = hash_fnv(t, n);
	for (j = h & lex->terms_mask; lex->terms[j].hash != 0;
	    j = (j + 1) & lex->terms_mask) {
		if (lex->terms[j].hash != h)
			continue;
		s = lex->terms_pool + lex->terms[j].off;
		if (strncmp(s, t, n) == 0 && s[n] == '\0')
			return lex->terms[j].docs;
	}
	return 0;
}

/* How many articles are published, as of the lexicon's import. */
int64_t
search_lexicon_ndocs(const struct lexicon *lex)
{
	return lex != NULL ? lex->ndocs : 0;
}

/*
 * Loads the word table of db.  Returns a lexicon with one reference, or
 * NULL on database errors (logged).  Only the writer calls this, so the
 * static used by qsort is safe.
 */
struct lexicon *
search_lexicon_load(sqlite3 *db)
{
	struct lexicon	*lex;
	sqlite3_stmt	*st = NULL;
	struct buf	 pool;
	size_t		 cap = 0, i, *offs = NULL, len;
	int		 rc;

	lex = xcalloc(1, sizeof(*lex));
	atomic_init(&lex->refs, 1);
	buf_init(&pool);
	rc = sqlite3_prepare_v2(db, "SELECT folded, surface, docs FROM word"
	    " WHERE docs > 0", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (lex->n == cap) {
			cap = cap ? cap * 2 : 1024;
			lex->e = xreallocarray(lex->e, cap, sizeof(*lex->e));
			offs = xreallocarray(offs, cap * 2, sizeof(*offs));
		}
		offs[2 * lex->n] = pool.len;
		buf_put(&pool, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0) + 1);
		offs[2 * lex->n + 1] = pool.len;
		buf_put(&pool, sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1) + 1);
		lex->e[lex->n].docs = (uint32_t)sqlite3_column_int(st, 2);
		lex->e[lex->n].len = (uint32_t)sqlite3_column_bytes(st, 0);
		lex->n++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("lexicon: %s", sqlite3_errmsg(db));
		free(offs);
		buf_free(&pool);
		free(lex->e);
		free(lex);
		return NULL;
	}
	/* The pool moved while it grew: point into it only now. */
	lex->pool = buf_detach(&pool, NULL);
	for (i = 0; i < lex->n; i++) {
		lex->e[i].folded = lex->pool + offs[2 * i];
		lex->e[i].surface = lex->pool + offs[2 * i + 1];
	}
	free(offs);
	if (lex->n > 0)
		qsort(lex->e, lex->n, sizeof(*lex->e), entry_cmp);

	lex->bylen = xcalloc(lex->n + 1, sizeof(*lex->bylen));
	for (i = 0; i < lex->n; i++)
		lex->bylen[i] = (uint32_t)i;
	sort_lex = lex;
	if (lex->n > 0)
		qsort(lex->bylen, lex->n, sizeof(*lex->bylen), bylen_cmp);
	for (len = 0, i = 0; len <= KBD_MAX_WORD + 1; len++) {
		while (i < lex->n && lex->e[lex->bylen[i]].len < len)
			i++;
		lex->start[len] = i;
	}
	if (load_terms(db, lex) == -1) {
		log_warnx("lexicon: %s", sqlite3_errmsg(db));
		search_lexicon_unref(lex);
		return NULL;
	}
	return lex;
}

void
search_lexicon_unref(struct lexicon *lex)
{
	if (lex == NULL || atomic_fetch_sub(&lex->refs, 1) != 1)
		return;
	free(lex->bylen);
	free(lex->e);
	free(lex->pool);
	free(lex->terms);
	free(lex->terms_pool);
	free(lex);
}

static const struct lex_entry *
find(const struct lexicon *lex, const char *folded, size_t n)
{
	char			 key[KBD_MAX_WORD * 4];
	struct lex_entry	 k;

	if (lex == NULL || lex->n == 0 || n >= sizeof(key))
		return NULL;
	memcpy(key, folded, n);
	key[n] = '\0';
	k.folded = key;
	return bsearch(&k, lex->e, lex->n, sizeof(*lex->e), entry_cmp);
}

/*
 * Returns the surface form of the folded word and its number of
 * documents in *docs, or NULL when the knowledge base does not have it.
 */
const char *
search_lexicon_lookup(const struct lexicon *lex, const char *folded, size_t n,
    uint32_t *docs)
{
	const struct lex_entry	*e = find(lex, folded, n);

	if (e == NULL)
		return NULL;
	if (docs != NULL)
		*docs = e->docs;
	return e->surface;
}

/* Letters that are easily confused in German spelling. */
static int
similar(char a, char b)
{
	static const char	*pairs[] = {
		"dt", "bp", "gk", "sz", "fv", "ck", "cz", "iy", "sx",
	};
	size_t			 i;

	for (i = 0; i < nitems(pairs); i++)
		if ((a == pairs[i][0] && b == pairs[i][1]) ||
		    (a == pairs[i][1] && b == pairs[i][0]))
			return 1;
	return 0;
}

/*
 * The weighted Damerau-Levenshtein distance of a and b, in half edits;
 * stops early and returns a value above max once it cannot stay within.
 */
static int
distance(const char *a, int na, const char *b, int nb, int max)
{
	int	 d[KBD_MAX_WORD + 2][KBD_MAX_WORD + 2];
	int	 i, j, cost, v, rowmin;

	if (na > KBD_MAX_WORD || nb > KBD_MAX_WORD)
		return max + 1;
	for (i = 0; i <= na; i++)
		d[i][0] = 2 * i;
	for (j = 0; j <= nb; j++)
		d[0][j] = 2 * j;
	for (i = 1; i <= na; i++) {
		rowmin = d[i][0];
		for (j = 1; j <= nb; j++) {
			if (a[i - 1] == b[j - 1])
				cost = 0;
			else
				cost = similar(a[i - 1], b[j - 1]) ? 1 : 2;
			v = d[i - 1][j - 1] + cost;
			/* Dropping a doubled letter, or doubling one, is cheap. */
			cost = i >= 2 && a[i - 1] == a[i - 2] ? 1 : 2;
			if (d[i - 1][j] + cost < v)
				v = d[i - 1][j] + cost;
			cost = j >= 2 && b[j - 1] == b[j - 2] ? 1 : 2;
			if (d[i][j - 1] + cost < v)
				v = d[i][j - 1] + cost;
			if (i >= 2 && j >= 2 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
	}
	return d[na][nb];
}

/*
 * Finds the word of the knowledge base closest to the folded word w, as
 * the best search engines do: no correction for words under 5 letters,
 * one edit from 5, two from 9; the cheapest wins, then the most frequent.
 * Returns its surface form and folded form (in *folded), or NULL.
 */
const char *
search_lexicon_correct(const struct lexicon *lex, const char *w, size_t n,
    const char **folded)
{
	const struct lex_entry	*e, *best = NULL;
	int			 max, len, lo, hi, d, bestd = 0;
	size_t			 i;

	if (lex == NULL || n < 5 || n > KBD_MAX_WORD)
		return NULL;
	max = n >= 9 ? 4 : 2;	/* in half edits */
	lo = (int)n - max / 2 < 1 ? 1 : (int)n - max / 2;
	hi = (int)n + max / 2 > KBD_MAX_WORD ? KBD_MAX_WORD : (int)n + max / 2;
	for (len = lo; len <= hi; len++) {
		for (i = lex->start[len]; i < lex->start[len + 1]; i++) {
			e = &lex->e[lex->bylen[i]];
			/* A wrong first letter is rare; skip the rest fast. */
			if (e->folded[0] != w[0] && !(n > 1 &&
			    e->folded[0] == w[1] && e->folded[1] == w[0]))
				continue;
			d = distance(w, (int)n, e->folded, (int)e->len,
			    best != NULL ? bestd : max);
			if (d > max || (best != NULL && d >= bestd &&
			    !(d == bestd && e->docs > best->docs)))
				continue;
			best = e;
			bestd = d;
		}
	}
	if (best == NULL || bestd == 0)
		return NULL;
	if (folded != NULL)
		*folded = best->folded;
	return best->surface;
}

/*
 * Stores in out up to max folded words that start with prefix, the most
 * frequent first.  Returns how many.
 */
size_t
search_lexicon_prefix(const struct lexicon *lex, const char *prefix, size_t n,
    const char **out, size_t max)
{
	size_t		 lo, hi, mid, i, k, count = 0;
	uint32_t	 docs[16];

	if (lex == NULL || lex->n == 0 || max == 0)
		return 0;
	if (max > nitems(docs))
		max = nitems(docs);
	for (lo = 0, hi = lex->n; lo < hi; ) {
		mid = (lo + hi) / 2;
		if (strncmp(lex->e[mid].folded, prefix, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < lex->n && strncmp(lex->e[i].folded, prefix, n) == 0;
	    i++) {
		/* Keep the max most frequent, in order, by insertion. */
		if (count == max && lex->e[i].docs <= docs[max - 1])
			continue;
		k = count < max ? count++ : max - 1;
		for (; k > 0 && docs[k - 1] < lex->e[i].docs; k--) {
			docs[k] = docs[k - 1];
			out[k] = out[k - 1];
		}
		docs[k] = lex->e[i].docs;
		out[k] = lex->e[i].folded;
	}
	return count;
}


/*
 * The weighted distance (distance()'s, in half edits) of the word being
 * typed a[0..na) from the closest beginning of b[0..nb): "vergese" is
 * one doubled letter from "vergesse", the start of "vergessen".  Returns
 * a value above max once it cannot stay within.
 */
static int
prefix_distance(const char *a, int na, const char *b, int nb, int max)
{
	int	 d[KBD_MAX_WORD + 2][KBD_MAX_WORD + 4];
	int	 i, j, cost, v, rowmin, best;

	if (na > KBD_MAX_WORD)
		return max + 1;
	/* A beginning longer than a by more than two letters is no closer. */
	if (nb > na + 2)
		nb = na + 2;
	for (i = 0; i <= na; i++)
		d[i][0] = 2 * i;
	for (j = 0; j <= nb; j++)
		d[0][j] = 2 * j;
	for (i = 1; i <= na; i++) {
		rowmin = d[i][0];
		for (j = 1; j <= nb; j++) {
			if (a[i - 1] == b[j - 1])
				cost = 0;
			else
				cost = similar(a[i - 1], b[j - 1]) ? 1 : 2;
			v = d[i - 1][j - 1] + cost;
			cost = i >= 2 && a[i - 1] == a[i - 2] ? 1 : 2;
			if (d[i - 1][j] + cost < v)
				v = d[i - 1][j] + cost;
			cost = j >= 2 && b[j - 1] == b[j - 2] ? 1 : 2;
			if (d[i][j - 1] + cost < v)
				v = d[i][j - 1] + cost;
			if (i >= 2 && j >= 2 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
	}
	for (best = d[na][0], j = 1; j <= nb; j++)
		if (d[na][j] < best)
			best = d[na][j];
	return best;
}

/*
 * Completes the word being typed when nothing in the knowledge base
 * starts with it, as the best search boxes do: up to max folded words
 * (the most frequent of the closest first) whose beginning is at most
 * one edit from prefix[0..n) (from 4 letters; one and a half from 7;
 * two from 10), with the same first letter.  "passwort vergese" gets
 * "vergessen".  Returns how many it stored in out.
 */
size_t
search_lexicon_complete(const struct lexicon *lex, const char *prefix,
    size_t n, const char **out, size_t max)
{
	const struct lex_entry	*e;
	size_t			 lo, hi, mid, i, k, count = 0;
	int			 d, limit, dist[16];
	uint32_t		 docs[16];

	if (lex == NULL || lex->n == 0 || max == 0 || n < 4 ||
	    n > KBD_MAX_WORD)
		return 0;
	if (max > nitems(docs))
		max = nitems(docs);
	limit = n >= 10 ? 4 : n >= 7 ? 3 : 2;
	for (lo = 0, hi = lex->n; lo < hi; ) {
		mid = (lo + hi) / 2;
		if ((unsigned char)lex->e[mid].folded[0] < (unsigned char)prefix[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < lex->n && lex->e[i].folded[0] == prefix[0]; i++) {
		e = &lex->e[i];
		if (e->len + 1 < n)
			continue;
		d = prefix_distance(prefix, (int)n, e->folded, (int)e->len,
		    count == max ? dist[max - 1] : limit);
		if (d > limit || (count == max && (d > dist[max - 1] ||
		    (d == dist[max - 1] && e->docs <= docs[max - 1]))))
			continue;
		/* Keep the max best, in order, by insertion. */
		k = count < max ? count++ : max - 1;
		for (; k > 0 && (dist[k - 1] > d || (dist[k - 1] == d &&
		    docs[k - 1] < e->docs)); k--) {
			dist[k] = dist[k - 1];
			docs[k] = docs[k - 1];
			out[k] = out[k - 1];
		}
		dist[k] = d;
		docs[k] = e->docs;
		out[k] = e->folded;
	}
	return count;
}
