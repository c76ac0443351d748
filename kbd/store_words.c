/*
 * store_words.c (store): the word table, what the knowledge base's words
 * are and in how many articles each occurs, kept up to date by every
 * import and read by search_lexicon.c for typo corrections, completions
 * and how telling a word is.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

/*
 * Word counts for the word table, collected over an import and written in
 * one go: each article adds (or, when it goes, takes away) one document
 * for each distinct word it has.  Joined words ("E-Mail", "FRITZ!Box")
 * count as words too, since people type them that way.
 */
struct delta_entry {
	char		*folded;	/* NULL: empty slot */
	char		*surface;
	int64_t		 delta;
	unsigned int	 gen;		/* last article that counted it */
};

struct word_delta {
	struct delta_entry	*e;
	size_t			 cap;		/* a power of two */
	size_t			 n;
	unsigned int		 gen;
	int			 sign;
	struct buf		 chain;		/* folded joined word */
	struct buf		 chain_surface;
	int			 chain_end;
	const char		*text;
};


struct word_delta *
store_words_new(void)
{
	struct word_delta	*d = xcalloc(1, sizeof(*d));

	d->cap = 1024;
	d->e = xcalloc(d->cap, sizeof(*d->e));
	buf_init(&d->chain);
	buf_init(&d->chain_surface);
	return d;
}

static void
delta_grow(struct word_delta *d)
{
	struct delta_entry	*old = d->e;
	size_t			 oldcap = d->cap, i, j;

	d->cap *= 2;
	d->e = xcalloc(d->cap, sizeof(*d->e));
	for (i = 0; i < oldcap; i++) {
		if (old[i].folded == NULL)
			continue;
		j = hash_fnv(old[i].folded, strlen(old[i].folded)) &
		    (d->cap - 1);
		while (d->e[j].folded != NULL)
			j = (j + 1) & (d->cap - 1);
		d->e[j] = old[i];
	}
	free(old);
}

/* Counts one word once per article (generation). */
static void
delta_count(struct word_delta *d, const char *folded, size_t nf,
    const char *surface, size_t ns)
{
	struct delta_entry	*e;
	size_t			 j;

	if (nf < 2 || nf > KBD_MAX_WORD)
		return;
	if (d->n * 10 >= d->cap * 7)
		delta_grow(d);
	j = hash_fnv(folded, nf) & (d->cap - 1);
	for (; (e = &d->e[j])->folded != NULL; j = (j + 1) & (d->cap - 1))
		if (strlen(e->folded) == nf && memcmp(e->folded, folded, nf) ==
		    0)
			break;
	if (e->folded == NULL) {
		e->folded = xstrndup(folded, nf);
		e->surface = xstrndup(surface, ns);
		d->n++;
	}
	if (e->gen == d->gen)
		return;
	e->gen = d->gen;
	e->delta += d->sign;
}

static int
delta_word(void *ctx, const struct tokenizer_word *w)
{
	struct word_delta	*d = ctx;

	if (w->stop) {
		buf_reset(&d->chain);
		return 0;
	}
	delta_count(d, w->folded, (size_t)w->nfolded, w->lower,
	    (size_t)w->nlower);
	/* Joined by one '-', '!' or '/' to the word before: a joined word. */
	if (d->chain.len > 0 && w->start == d->chain_end + 1 &&
	    strchr(TOKENIZER_JOINERS, d->text[d->chain_end]) != NULL) {
		buf_put(&d->chain, w->folded, (size_t)w->nfolded);
		buf_put(&d->chain_surface, w->lower, (size_t)w->nlower);
		delta_count(d, d->chain.data, d->chain.len,
		    d->chain_surface.data, d->chain_surface.len);
	} else {
		buf_reset(&d->chain);
		buf_reset(&d->chain_surface);
		buf_put(&d->chain, w->folded, (size_t)w->nfolded);
		buf_put(&d->chain_surface, w->lower, (size_t)w->nlower);
	}
	d->chain_end = w->end;
	return 0;
}

/*
 * Counts the words of one article (title, tags and text) once, with sign
 * +1 (the article arrives) or -1 (it goes).
 */
void
store_words_article(struct word_delta *d, struct tokenizer *t,
    const char *const *texts, size_t ntexts, int sign)
{
	size_t	 i;

	d->gen++;
	d->sign = sign;
	for (i = 0; i < ntexts; i++) {
		if (texts[i] == NULL)
			continue;
		buf_reset(&d->chain);
		d->text = texts[i];
		tokenizer_words(t, texts[i], (int)strlen(texts[i]), delta_word,
		    d);
	}
}

/*
 * Calls fn(arg, folded, surface, delta) for each word whose count
 * changed, in no order.
 */
void
store_words_each(const struct word_delta *d, void (*fn)(void *arg,
    const char *folded, const char *surface, int64_t delta), void *arg)
{
	size_t	 i;

	for (i = 0; i < d->cap; i++)
		if (d->e[i].folded != NULL && d->e[i].delta != 0)
			fn(arg, d->e[i].folded, d->e[i].surface, d->e[i].delta);
}

/* Writes the counts into the word table of db and clears them. */
int
store_words_flush(struct word_delta *d, sqlite3 *db)
{
	sqlite3_stmt	*st = NULL, *gone = NULL;
	size_t		 i;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO word(folded, surface, docs)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT(folded) DO UPDATE"
	    " SET docs = docs + excluded.docs", -1, &st, NULL);
	/* Only a word that lost an article can be gone: no table scan. */
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "DELETE FROM word WHERE folded = ?1"
		    " AND docs <= 0", -1, &gone, NULL);
	for (i = 0; rc == SQLITE_OK && i < d->cap; i++) {
		if (d->e[i].folded == NULL || d->e[i].delta == 0)
			continue;
		sqlite3_bind_text(st, 1, d->e[i].folded, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, d->e[i].surface, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, d->e[i].delta);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_reset(st);
		if (rc != SQLITE_OK || d->e[i].delta > 0)
			continue;
		sqlite3_bind_text(gone, 1, d->e[i].folded, -1, SQLITE_STATIC);
		rc = sqlite3_step(gone) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_reset(gone);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(gone);
	for (i = 0; i < d->cap; i++) {
		free(d->e[i].folded);
		free(d->e[i].surface);
	}
	memset(d->e, 0, d->cap * sizeof(*d->e));
	d->n = 0;
	return rc == SQLITE_OK ? 0 : -1;
}

void
store_words_free(struct word_delta *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->cap; i++) {
		free(d->e[i].folded);
		free(d->e[i].surface);
	}
	free(d->e);
	buf_free(&d->chain);
	buf_free(&d->chain_surface);
	free(d);
}

/*
 * Counts the words of every published article again (after the tokenizer
 * changed).  Runs inside the caller's transaction.  Returns 0 or -1.
 */
int
store_words_recount(sqlite3 *db, struct tokenizer *t)
{
	struct word_delta	*d;
	sqlite3_stmt		*st = NULL;
	const char		*texts[3];
	int			 rc;

	if (sqlite3_exec(db, "DELETE FROM word", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return -1;
	d = store_words_new();
	rc = sqlite3_prepare_v2(db, "SELECT title, tags, body_text FROM article"
	    " WHERE state = 'published'", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		texts[0] = (const char *)sqlite3_column_text(st, 0);
		texts[1] = (const char *)sqlite3_column_text(st, 1);
		texts[2] = (const char *)sqlite3_column_text(st, 2);
		store_words_article(d, t, texts, 3, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		rc = store_words_flush(d, db) == 0 ? SQLITE_OK : SQLITE_ERROR;
	store_words_free(d);
	return rc == SQLITE_OK ? 0 : -1;
}
