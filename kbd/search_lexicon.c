/*
 * search_lexicon.c (search): the words of the knowledge base, in memory, for
 * what the search index cannot do by itself: correcting typos against words
 * that really occur ("pasword" -> "passwort", "fritzbx" -> "fritzbox"),
 * completing the word being typed, and showing a real word ("Meinten Sie ...?")
 * rather than a stem.  It is loaded from the word table, which import.c keeps
 * up to date, after every import, and is immutable and shared by reference
 * count once built.
 *
 * Typo costs are weighted for German: a doubled or undoubled letter, d/t,
 * b/p, g/k, s/z, f/v, c/k, i/y and swapped neighbours ("ie"/"ei") cost
 * half an edit; umlauts and ß need nothing, they are folded already.
 *
 * After an editor's save, search_lexicon_patch() makes the next lexicon
 * from the last one and the words the tokenizer finds in the article
 * before and after, without reading the tables again: the word list is
 * merged in one pass, the index terms' counts (which FTS5 can only give
 * by walking every posting list) are shared and corrected by a small
 * table of differences.
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
	int32_t		 docs;		/* of a difference: may be < 0 */
	uint32_t	 off;		/* of the term in the table's pool */
};

/* A hash table of index terms and their counts. */
struct term_table {
	atomic_int		 refs;
	struct term_slot	*slot;
	size_t			 mask;
	size_t			 n;
	struct buf		 pool;
};

struct lexicon {
	atomic_int		 refs;
	size_t			 n;
	struct lex_entry	*e;		/* sorted by folded */
	char			*pool;		/* the strings */
	size_t			 pool_len;
	uint32_t		*bylen;		/* indexes, by length, by folded */
	size_t			 start[KBD_MAX_WORD + 2];
	struct term_table	*terms;		/* index terms, FTS5's counts */
	struct term_table	*diff;		/* ... changed since, or NULL */
	int64_t			 ndocs;		/* published articles */
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lex_entry *)a)->folded,
	    ((const struct lex_entry *)b)->folded);
}

/*
 * Groups the words by length, each group in the order of e (by folded):
 * what the typo correction walks.  Linear, so that a patch is cheap.
 */
static void
make_bylen(struct lexicon *lex)
{
	size_t	 count[KBD_MAX_WORD + 2], at[KBD_MAX_WORD + 2], i, len;

	memset(count, 0, sizeof(count));
	for (i = 0; i < lex->n; i++) {
		len = lex->e[i].len > KBD_MAX_WORD ? KBD_MAX_WORD + 1 :
		    lex->e[i].len;
		count[len]++;
	}
	for (len = 0, i = 0; len <= KBD_MAX_WORD + 1; len++) {
		lex->start[len] = i;
		at[len] = i;
		i += count[len];
	}
	lex->bylen = xcalloc(lex->n + 1, sizeof(*lex->bylen));
	for (i = 0; i < lex->n; i++) {
		len = lex->e[i].len > KBD_MAX_WORD ? KBD_MAX_WORD + 1 :
		    lex->e[i].len;
		lex->bylen[at[len]++] = (uint32_t)i;
	}
}

static void
table_init(struct term_table *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	atomic_init(&t->refs, 1);
	t->slot = xcalloc(cap, sizeof(*t->slot));
	t->mask = cap - 1;
	buf_init(&t->pool);
	buf_put(&t->pool, "", 1);
}

static void
table_unref(struct term_table *t)
{
	if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	free(t->slot);
	buf_free(&t->pool);
	free(t);
}

/* The slot of term s[0..n) in t, or the empty one it would take. */
static struct term_slot *
table_slot(const struct term_table *t, const char *s, size_t n, uint64_t h)
{
	struct term_slot	*e;
	const char		*name;
	size_t			 j;

	for (j = h & t->mask;; j = (j + 1) & t->mask) {
		e = &t->slot[j];
		if (e->hash == 0)
			return e;
		name = t->pool.data + e->off;
		if (e->hash == h && strncmp(name, s, n) == 0 &&
		    name[n] == '\0')
			return e;
	}
}

/* Adds docs to term s[0..n) of t, which it gets if new. */
static void
table_add(struct term_table *t, const char *s, size_t n, int64_t docs)
{
	struct term_slot	*e, *old;
	uint64_t		 h = hash_fnv(s, n);
	size_t			 oldcap, i, j;

	e = table_slot(t, s, n, h);
	if (e->hash == 0) {
		if ((t->n + 1) * 2 > t->mask) {
			old = t->slot;
			oldcap = t->mask + 1;
			t->mask = oldcap * 2 - 1;
			t->slot = xcalloc(t->mask + 1, sizeof(*t->slot));
			for (i = 0; i < oldcap; i++) {
				if (old[i].hash == 0)
					continue;
				for (j = old[i].hash & t->mask;
				    t->slot[j].hash != 0; j = (j + 1) & t->mask)
					;
				t->slot[j] = old[i];
			}
			free(old);
			e = table_slot(t, s, n, h);
		}
		e->hash = h;
		e->off = (uint32_t)t->pool.len;
		buf_put(&t->pool, s, n);
		buf_putc(&t->pool, '\0');
		t->n++;
	}
	e->docs = (int32_t)(e->docs + docs);
}

/*
 * Loads how many articles hold each term of the search index.  FTS5
 * keeps no such counts (fts5vocab walks every posting list to find
 * them), so they are read once per import of the folder, about half a
 * second for 50,000 articles, and kept here for the query planner and
 * the ranking; a save corrects them (search_lexicon_patch).
 */
static int
load_terms(sqlite3 *db, struct lexicon *lex)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	lex->terms = xcalloc(1, sizeof(*lex->terms));
	table_init(lex->terms, 1024);
	rc = sqlite3_prepare_v2(db, "SELECT term, doc FROM article_vocab", -1,
	    &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		table_add(lex->terms, (const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_int(st, 1));
	}
	sqlite3_finalize(st);
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
	uint64_t	 h;
	int64_t		 docs;

	if (lex == NULL || lex->terms == NULL)
		return 0;
	h = hash_fnv(t, n);
	docs = table_slot(lex->terms, t, n, h)->docs;
	if (lex->diff != NULL)
		docs += table_slot(lex->diff, t, n, h)->docs;
	return docs > 0 ? (uint32_t)docs : 0;
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
	size_t		 cap = 0, i, *offs = NULL;
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
	lex->pool = buf_detach(&pool, &lex->pool_len);
	for (i = 0; i < lex->n; i++) {
		lex->e[i].folded = lex->pool + offs[2 * i];
		lex->e[i].surface = lex->pool + offs[2 * i + 1];
	}
	free(offs);
	if (lex->n > 0)
		qsort(lex->e, lex->n, sizeof(*lex->e), entry_cmp);
	make_bylen(lex);
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
	table_unref(lex->terms);
	table_unref(lex->diff);
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

/* The table of half edits between a word and another, or its beginning. */
typedef int	 edits[KBD_MAX_WORD + 2][KBD_MAX_WORD + 4];

/*
 * Fills d with the weighted Damerau-Levenshtein distances, in half
 * edits, between the beginnings of a[0..na) and of b[0..nb) (na at most
 * KBD_MAX_WORD, nb at most KBD_MAX_WORD + 2).  Returns -1 as soon as a
 * row shows that no distance of the whole of a stays within max, else 0.
 */
static int
fill(const char *a, int na, const char *b, int nb, int max, edits d)
{
	int	 i, j, cost, v, rowmin;

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
			return -1;
	}
	return 0;
}

/*
 * The weighted Damerau-Levenshtein distance of a and b, in half edits;
 * stops early and returns a value above max once it cannot stay within.
 */
static int
distance(const char *a, int na, const char *b, int nb, int max)
{
	edits	 d;

	if (na > KBD_MAX_WORD || nb > KBD_MAX_WORD ||
	    fill(a, na, b, nb, max, d) == -1)
		return max + 1;
	return d[na][nb];
}

/*
 * Finds the word of the knowledge base closest to the folded word w, as
 * the best search engines do: no correction for words under 5 letters,
 * one edit from 5, two from 9; the cheapest wins, then the most frequent,
 * then the shortest, then the first in the alphabet.
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


/* A word whose count changed, for search_lexicon_patch(). */
struct word_change {
	const char	*folded;
	const char	*surface;
	int64_t		 delta;
};

struct word_changes {
	struct word_change	*v;
	size_t			 n;
};

static void
note_word(void *arg, const char *folded, const char *surface, int64_t delta)
{
	struct word_changes	*w = arg;

	if ((w->n & 255) == 0)
		w->v = xreallocarray(w->v, w->n + 256, sizeof(*w->v));
	w->v[w->n].folded = folded;
	w->v[w->n].surface = surface;
	w->v[w->n++].delta = delta;
}

static int
word_change_cmp(const void *a, const void *b)
{
	return strcmp(((const struct word_change *)a)->folded,
	    ((const struct word_change *)b)->folded);
}

/* The distinct tokens of one article, as FTS5 indexes it. */
struct article_terms {
	struct term_table	*seen;
	struct term_table	*diff;
	int			 sign;
};

static int
note_token(void *ctx, int tflags, const char *token, int ntoken, int start,
    int end)
{
	struct article_terms	*a = ctx;
	struct term_slot	*e;

	(void)tflags;
	(void)start;
	(void)end;
	if (ntoken <= 0)
		return SQLITE_OK;
	e = table_slot(a->seen, token, (size_t)ntoken,
	    hash_fnv(token, (size_t)ntoken));
	if (e->hash != 0)
		return SQLITE_OK;
	table_add(a->seen, token, (size_t)ntoken, 1);
	table_add(a->diff, token, (size_t)ntoken, a->sign);
	return SQLITE_OK;
}

/* Counts the index terms of texts (title, tags, body) into diff. */
static void
count_terms(struct term_table *diff, struct tokenizer *t,
    char *const *texts, int sign)
{
	struct article_terms	 a;
	struct term_table	 seen;
	int			 f;

	table_init(&seen, 1024);
	a.seen = &seen;
	a.diff = diff;
	a.sign = sign;
	for (f = 0; f < 3; f++)
		if (texts[f] != NULL)
			tokenizer_run(t, texts[f], (int)strlen(texts[f]),
			    TOKENIZER_DOCUMENT, note_token, &a);
	free(seen.slot);
	buf_free(&seen.pool);
}

/* Appends s and its NUL to pool (room made beforehand); returns it. */
static const char *
pool_put(char *pool, size_t *len, const char *s)
{
	size_t	 n = strlen(s) + 1;

	memcpy(pool + *len, s, n);
	*len += n;
	return pool + *len - n;
}

/*
 * Makes the lexicon after the articles of ch changed (import_files):
 * the words of each as it was go, as it is come, counted as the import
 * counts them for the word table; the index terms' counts change by
 * the tokens FTS5 indexed before and indexes now (tokenized with t).
 * The result is what search_lexicon_load() would read after the change.
 * Returns it with one reference.
 */
struct lexicon *
search_lexicon_patch(const struct lexicon *lex, struct tokenizer *t,
    const struct import_changes *ch)
{
	struct lexicon		*nl = xcalloc(1, sizeof(*nl));
	struct word_delta	*d = store_words_new();
	struct word_changes	 w;
	struct lex_entry	*e;
	const struct term_slot	*ts;
	size_t			 i, j, need;
	int64_t			 docs;
	int			 c;

	memset(&w, 0, sizeof(w));
	atomic_init(&nl->refs, 1);
	nl->ndocs = lex->ndocs;
	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].was_live)
			store_words_article(d, t, (const char *const *)
			    ch->v[i].old_text, 3, -1);
		if (ch->v[i].live)
			store_words_article(d, t, (const char *const *)
			    ch->v[i].text, 3, 1);
		nl->ndocs += ch->v[i].live - ch->v[i].was_live;
	}
	store_words_each(d, note_word, &w);
	if (w.n > 0)
		qsort(w.v, w.n, sizeof(*w.v), word_change_cmp);

	/* The words: one pass over both lists, both sorted by folded. */
	need = lex->pool_len;
	for (j = 0; j < w.n; j++)
		need += strlen(w.v[j].folded) + strlen(w.v[j].surface) + 2;
	nl->pool = xmalloc(need + 1);
	memcpy(nl->pool, lex->pool, lex->pool_len);
	nl->pool_len = lex->pool_len;
	nl->e = xcalloc(lex->n + w.n + 1, sizeof(*nl->e));
	for (i = 0, j = 0; i < lex->n || j < w.n; ) {
		c = i == lex->n ? 1 : j == w.n ? -1 :
		    strcmp(lex->e[i].folded, w.v[j].folded);
		e = &nl->e[nl->n];
		if (c <= 0) {
			docs = lex->e[i].docs + (c == 0 ? w.v[j].delta : 0);
			*e = lex->e[i];
			e->folded = nl->pool + (lex->e[i].folded - lex->pool);
			e->surface = nl->pool + (lex->e[i].surface - lex->pool);
			i++;
			j += c == 0;
		} else {
			docs = w.v[j].delta;
			e->folded = pool_put(nl->pool, &nl->pool_len,
			    w.v[j].folded);
			e->surface = pool_put(nl->pool, &nl->pool_len,
			    w.v[j].surface);
			e->len = (uint32_t)strlen(w.v[j].folded);
			j++;
		}
		if (docs > 0) {
			e->docs = (uint32_t)docs;
			nl->n++;
		}
	}
	make_bylen(nl);

	/* The index terms: shared, with what changed since beside them. */
	nl->terms = lex->terms;
	atomic_fetch_add(&nl->terms->refs, 1);
	nl->diff = xcalloc(1, sizeof(*nl->diff));
	table_init(nl->diff, 1024);
	for (i = 0; lex->diff != NULL && i <= lex->diff->mask; i++) {
		ts = &lex->diff->slot[i];
		if (ts->hash != 0 && ts->docs != 0)
			table_add(nl->diff, lex->diff->pool.data + ts->off,
			    strlen(lex->diff->pool.data + ts->off), ts->docs);
	}
	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].was_live)
			count_terms(nl->diff, t, ch->v[i].old_text, -1);
		if (ch->v[i].live)
			count_terms(nl->diff, t, ch->v[i].text, 1);
	}
	free(w.v);
	store_words_free(d);
	return nl;
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
	edits	 d;
	int	 j, best;

	if (na > KBD_MAX_WORD)
		return max + 1;
	/* A beginning longer than a by more than two letters is no closer. */
	if (nb > na + 2)
		nb = na + 2;
	if (fill(a, na, b, nb, max, d) == -1)
		return max + 1;
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
