/*
 * tokenizer.c (text): the word tokenizer behind kbd's index and queries.  ICU's
 * word break iterator finds the words, reading the UTF-8 input in place
 * through a UText so that its boundaries are byte offsets; each word is
 * lowercased with ICU's NFKC_Casefold normalizer (plain ASCII words, most
 * of any German text, skip ICU's conversions) and handed to german.c for
 * folding, stop words and stemming.
 *
 * What a word gives depends on where it comes from (the FTS5 flags):
 *   stored text   its stem, plus at the same position the stems of the
 *                 parts of a compound ("passwortanderung": passwort,
 *                 ander) and of a joined word ("E-Mail", "FRITZ!Box":
 *                 email, fritzbox), so that every way of writing it meets;
 *   queries       its stem only (search_query.c adds the other forms of its
 *                 word family the index has as alternatives);
 *   snippets      its stem only: only positions matter there.
 * Stop words are kept (phrases need them) but marked, so that the stop
 * word "sich" never matches the stem "sich" of "sichern".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "tokenizer.h"

#define MAX_EMIT	12	/* tokens at one position */
#define nitems_(a)	(sizeof(a) / sizeof((a)[0]))

struct tokenizer {
	UBreakIterator		*bi;	/* word boundaries, reused per run */
	UText			*ut;	/* the input, read in place */
	const UNormalizer2	*fold;	/* NFKC_Casefold, shared by ICU */
	struct german		*g;
	UChar			*u16;	/* one word in UTF-16 */
	int32_t			 u16cap;
	UChar			*norm;	/* the word folded */
	int32_t			 normcap;
	char			*out;	/* the word lowercased, UTF-8 */
	int32_t			 outcap;
	char			 folded[GERMAN_MAX_WORD + 1];
	char			 stem[GERMAN_MAX_WORD + 2];
	char			 chain[GERMAN_MAX_WORD + 1];	/* E-Mail-... */
	int			 nchain;
	int			 chain_end;	/* input offset after it */
};

/* Tokens emitted at the current position, to emit each once. */
struct emit {
	tokenizer_cb	 cb;
	void		*ctx;
	int		 start;
	int		 end;
	int		 n;
	char		 seen[MAX_EMIT][GERMAN_MAX_WORD + 2];
	int		 rc;
};

struct tokenizer *
tokenizer_new(const struct german_dict *dict)
{
	struct tokenizer	*t;
	UErrorCode		 err = U_ZERO_ERROR;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->bi = ubrk_open(UBRK_WORD, "de", NULL, 0, &err);
	if (U_SUCCESS(err))
		t->fold = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err) || (t->g = german_new(dict)) == NULL) {
		tokenizer_free(t);
		return NULL;
	}
	return t;
}

void
tokenizer_free(struct tokenizer *t)
{
	if (t == NULL)
		return;
	if (t->bi != NULL)
		ubrk_close(t->bi);
	if (t->ut != NULL)
		utext_close(t->ut);
	german_free(t->g);
	free(t->u16);
	free(t->norm);
	free(t->out);
	free(t);
}

struct german *
tokenizer_german(struct tokenizer *t)
{
	return t->g;
}

/* Makes *p hold at least n elements of size sz.  Returns 0 or -1. */
static int
reserve(void **p, int32_t *cap, int32_t n, size_t sz)
{
	void	*np;

	if (n <= *cap)
		return 0;
	if (n > INT32_MAX / 2)
		return -1;
	if ((np = realloc(*p, (size_t)n * 2 * sz)) == NULL)
		return -1;
	*p = np;
	*cap = n * 2;
	return 0;
}

static int
is_ascii(const char *s, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Lowercases the word s[0..n) into t->out (NFKC_Casefold: ß becomes ss,
 * ligatures come apart).  Returns its length in bytes, or -1 when memory
 * runs out or ICU fails.
 */
static int32_t
lower_word(struct tokenizer *t, const char *s, int32_t n)
{
	UErrorCode	 err = U_ZERO_ERROR;
	int32_t		 n16 = 0, nnorm, nout = 0, i;

	if (is_ascii(s, n)) {
		if (reserve((void **)&t->out, &t->outcap, n + 1, 1) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			char c = s[i];
			t->out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		return n;
	}

	/* A UTF-8 word never has more UTF-16 units than bytes. */
	if (reserve((void **)&t->u16, &t->u16cap, n + 1, sizeof(UChar)) == -1)
		return -1;
	u_strFromUTF8WithSub(t->u16, t->u16cap, &n16, s, n, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
		return -1;

	for (;;) {
		err = U_ZERO_ERROR;
		nnorm = unorm2_normalize(t->fold, t->u16, n16, t->norm,
		    t->normcap, &err);
		if (err != U_BUFFER_OVERFLOW_ERROR)
			break;
		if (reserve((void **)&t->norm, &t->normcap, nnorm + 1,
		    sizeof(UChar)) == -1)
			return -1;
	}
	if (U_FAILURE(err))
		return -1;

	for (;;) {
		err = U_ZERO_ERROR;
		u_strToUTF8(t->out, t->outcap, &nout, t->norm, nnorm, &err);
		if (err != U_BUFFER_OVERFLOW_ERROR)
			break;
		if (reserve((void **)&t->out, &t->outcap, nout + 1, 1) == -1)
			return -1;
	}
	if (U_FAILURE(err))
		return -1;
	return nout;
}

/*
 * Analyses the word text[start..end) into w (pointing into t).  Returns
 * 1 for a word, 0 for one to skip (empty, too long), -1 on errors.
 */
static int
analyze(struct tokenizer *t, const char *text, int start, int end,
    struct tokenizer_word *w)
{
	int32_t	 n;
	int	 i;

	if ((n = lower_word(t, text + start, end - start)) < 0)
		return -1;
	if (n == 0 || n > TOKENIZER_MAX_TOKEN || n > GERMAN_MAX_WORD)
		return 0;
	memset(w, 0, sizeof(*w));
	w->start = start;
	w->end = end;
	w->lower = t->out;
	w->nlower = n;
	w->stop = german_is_stopword(t->out, (size_t)n);
	memcpy(t->folded, t->out, (size_t)n);
	w->nfolded = (int)german_fold(t->folded, (size_t)n);
	t->folded[w->nfolded] = '\0';
	w->folded = t->folded;
	if (w->nfolded == 0)
		return 0;
	for (i = 0; i < w->nfolded; i++)
		if (t->folded[i] >= '0' && t->folded[i] <= '9')
			w->number = 1;
	if (w->stop) {
		t->stem[0] = TOKENIZER_STOP_MARK;
		memcpy(t->stem + 1, t->folded, (size_t)w->nfolded + 1);
		w->nstem = w->nfolded + 1;
	} else
		w->nstem = german_stem(t->g, t->folded, w->nfolded, t->stem);
	w->stem = t->stem;
	return 1;
}

/* Emits token s at the current position unless it was emitted there. */
static void
emit(struct emit *e, const char *s, int n)
{
	int	 i;

	if (e->rc != 0 || n <= 0 || n > GERMAN_MAX_WORD + 1)
		return;
	for (i = 0; i < e->n; i++)
		if ((int)strlen(e->seen[i]) == n && memcmp(e->seen[i], s,
		    (size_t)n) == 0)
			return;
	if (e->n < MAX_EMIT) {
		memcpy(e->seen[e->n], s, (size_t)n);
		e->seen[e->n][n] = '\0';
	}
	e->rc = e->cb(e->ctx, e->n > 0 ? FTS5_TOKEN_COLOCATED : 0, s, n,
	    e->start, e->end);
	e->n++;
}

/* Emits the stem of the folded word w[0..n) as a colocated token. */
static void
emit_stem_of(struct tokenizer *t, struct emit *e, const char *w, int n)
{
	char	 stem[GERMAN_MAX_WORD + 1];
	int	 ns;

	if (n <= 0 || n > GERMAN_MAX_WORD)
		return;
	ns = german_stem(t->g, w, n, stem);
	emit(e, stem, ns);
}

/* Skips what may stand between the parts of "Kopf- und Fußzeile". */
static const char *
skip_conjunction(const char *p, const char *end)
{
	static const char	*words[] = { "und ", "oder ", "bzw. ", "sowie " };
	size_t			 i, n;

	while (p < end && (*p == ' ' || *p == '/' || *p == ','))
		p++;
	for (i = 0; i < nitems_(words); i++) {
		n = strlen(words[i]);
		if ((size_t)(end - p) > n && strncmp(p, words[i], n) == 0)
			return p + n;
	}
	return p;
}

/*
 * "Kopf- und Fußzeile", "Fuß-/Endnote", "Ein- und Ausgabe": a word that
 * ends in a hyphen shares the head of the compound that follows.  Gives
 * the whole word (kopfzeile, fussnote, eingabe) at its position.
 */
static void
emit_suspended(struct tokenizer *t, struct emit *e, const char *text,
    int len, const struct tokenizer_word *w)
{
	const char	*p = text + w->end, *end = text + len, *s;
	char		 next[GERMAN_MAX_WORD + 1], joined[2 * GERMAN_MAX_WORD + 1];
	int		 n, head;

	if (p + 1 >= end || p[0] != '-' || (p[1] != ' ' && p[1] != '/' &&
	    p[1] != ','))
		return;
	p = skip_conjunction(p + 1, end);
	for (s = p; p < end && (((*p | 32) >= 'a' && (*p | 32) <= 'z') ||
	    (unsigned char)*p >= 0x80); p++)
		;
	if ((n = (int)(p - s)) < 4 || n > GERMAN_MAX_WORD)
		return;
	memcpy(next, s, (size_t)n);
	n = (int)german_fold(next, (size_t)n);
	if ((head = german_head(t->g, next, n)) < 0)
		return;
	n = snprintf(joined, sizeof(joined), "%s%.*s", w->folded, n - head,
	    next + head);
	if (n > 0 && n <= GERMAN_MAX_WORD)
		emit_stem_of(t, e, joined, n);
}

/*
 * The extras of stored text: a word joined to the one before it by a
 * hyphen, '!', '/', '+' or '&' without spaces gives the joined word
 * ("E-Mail": email); a word with dots or underscores ("example.org")
 * gives its parts; a compound gives its parts; a word with a suspended
 * hyphen ("Kopf- und Fußzeile") gives the whole word.
 */
static void
emit_document_extras(struct tokenizer *t, struct emit *e, const char *text,
    int len, const struct tokenizer_word *w)
{
	struct german_part	 parts[GERMAN_MAX_PARTS];
	const char		*p, *q;
	int			 k, np;

	if (t->nchain > 0 && w->start == t->chain_end + 1 &&
	    strchr(TOKENIZER_JOINERS, text[t->chain_end]) != NULL &&
	    t->nchain + w->nfolded <= GERMAN_MAX_WORD) {
		memcpy(t->chain + t->nchain, w->folded, (size_t)w->nfolded);
		t->nchain += w->nfolded;
		emit_stem_of(t, e, t->chain, t->nchain);
	} else {
		memcpy(t->chain, w->folded, (size_t)w->nfolded);
		t->nchain = w->nfolded;
	}
	t->chain_end = w->end;

	if (!w->number && strpbrk(w->folded, "._:") != NULL) {
		for (p = w->folded; *p != '\0'; p = *q ? q + 1 : q) {
			q = p + strcspn(p, "._:");
			if (q - p >= 2)
				emit_stem_of(t, e, p, (int)(q - p));
		}
	}
	if (w->number)
		return;
	np = german_split(t->g, w->folded, w->nfolded, parts);
	for (k = 0; k < np; k++)
		if (!german_is_stopword(parts[k].word, (size_t)parts[k].len))
			emit_stem_of(t, e, parts[k].word, parts[k].len);
	emit_suspended(t, e, text, len, w);
}

int
tokenizer_run(struct tokenizer *t, const char *text, int len, int flags,
    tokenizer_cb cb, void *ctx)
{
	struct tokenizer_word	 w;
	struct emit		 e;
	UErrorCode		 err = U_ZERO_ERROR;
	int32_t			 start, end;
	int			 rc = SQLITE_OK, r;

	if (len <= 0)
		return SQLITE_OK;
	t->ut = utext_openUTF8(t->ut, text, len, &err);
	if (U_SUCCESS(err))
		ubrk_setUText(t->bi, t->ut, &err);
	if (U_FAILURE(err))
		return SQLITE_NOMEM;
	t->nchain = 0;

	start = ubrk_first(t->bi);
	for (end = ubrk_next(t->bi); end != UBRK_DONE && rc == SQLITE_OK;
	    start = end, end = ubrk_next(t->bi)) {
		/* Spaces and punctuation have the rule status "none". */
		if (ubrk_getRuleStatus(t->bi) < UBRK_WORD_NONE_LIMIT)
			continue;
		/*
		 * Snippets only need positions: one token per word that
		 * analyze() would keep, no folding, no stemming.
		 */
		if (flags & TOKENIZER_AUX) {
			if ((r = lower_word(t, text + start, end - start)) < 0) {
				rc = SQLITE_NOMEM;
				break;
			}
			if (r > 0 && r <= TOKENIZER_MAX_TOKEN &&
			    r <= GERMAN_MAX_WORD)
				rc = cb(ctx, 0, t->out, r, start, end);
			continue;
		}
		if ((r = analyze(t, text, start, end, &w)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (r == 0)
			continue;
		memset(&e, 0, sizeof(e));
		e.cb = cb;
		e.ctx = ctx;
		e.start = start;
		e.end = end;
		/* A prefix query must not be stemmed: "einstellu" is a prefix. */
		if ((flags & TOKENIZER_PREFIX) && !w.stop)
			emit(&e, w.folded, w.nfolded);
		else
			emit(&e, w.stem, w.nstem);
		if (w.stop)
			t->nchain = 0;
		else if (flags & TOKENIZER_DOCUMENT)
			emit_document_extras(t, &e, text, len, &w);
		rc = e.rc;
	}

	/* The UText points into text; do not keep it past this call. */
	err = U_ZERO_ERROR;
	t->ut = utext_openUTF8(t->ut, "", 0, &err);
	return rc;
}

int
tokenizer_words(struct tokenizer *t, const char *text, int len,
    tokenizer_word_cb cb, void *ctx)
{
	struct tokenizer_word	 w;
	UErrorCode		 err = U_ZERO_ERROR;
	int32_t			 start, end;
	int			 rc = SQLITE_OK, r;

	if (len <= 0)
		return SQLITE_OK;
	t->ut = utext_openUTF8(t->ut, text, len, &err);
	if (U_SUCCESS(err))
		ubrk_setUText(t->bi, t->ut, &err);
	if (U_FAILURE(err))
		return SQLITE_NOMEM;
	start = ubrk_first(t->bi);
	for (end = ubrk_next(t->bi); end != UBRK_DONE && rc == SQLITE_OK;
	    start = end, end = ubrk_next(t->bi)) {
		if (ubrk_getRuleStatus(t->bi) < UBRK_WORD_NONE_LIMIT)
			continue;
		if ((r = analyze(t, text, start, end, &w)) < 0)
			rc = SQLITE_NOMEM;
		else if (r > 0)
			rc = cb(ctx, &w);
	}
	err = U_ZERO_ERROR;
	t->ut = utext_openUTF8(t->ut, "", 0, &err);
	return rc;
}

/* FTS5 glue: the FTS5 tokenizer object is our struct tokenizer. */

static int
fts_create(void *dict, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct tokenizer	*t;

	(void)argv;
	if (argc > 0)
		return SQLITE_ERROR;
	if ((t = tokenizer_new(dict)) == NULL)
		return SQLITE_NOMEM;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void
fts_delete(Fts5Tokenizer *t)
{
	tokenizer_free((struct tokenizer *)t);
}

static int
fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text,
    int len, int (*token)(void *, int, const char *, int, int, int))
{
	return tokenizer_run((struct tokenizer *)t, text, len, flags, token,
	    ctx);
}

/* Returns db's FTS5 API, as the FTS5 documentation shows. */
fts5_api *
tokenizer_fts5(sqlite3 *db)
{
	fts5_api	*api = NULL;
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

int
tokenizer_register(sqlite3 *db, const struct german_dict *dict)
{
	static fts5_tokenizer	 fts = { fts_create, fts_delete, fts_tokenize };
	fts5_api		*api;

	if ((api = tokenizer_fts5(db)) == NULL)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "kbd", (void *)(uintptr_t)dict,
	    &fts, NULL);
}
