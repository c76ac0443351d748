/*
 * tokenizer.c: the word tokenizer behind kbd's index and queries.  ICU's
 * word break iterator finds the words, reading the UTF-8 input in place
 * through a UText so that its boundaries are byte offsets; each word is
 * then folded with ICU's NFKC_Casefold normalizer.  Plain ASCII words,
 * most of any German text, skip ICU's conversions and are lowercased here.
 *
 * The same code tokenizes articles (through FTS5) and queries (through
 * FTS5 and directly), so both sides always agree.  This file does not know
 * about the rest of kbd: it needs only ICU and SQLite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "tokenizer.h"

struct tokenizer {
	UBreakIterator		*bi;	/* word boundaries, reused per run */
	UText			*ut;	/* the input, read in place */
	const UNormalizer2	*fold;	/* NFKC_Casefold, shared by ICU */
	UChar			*u16;	/* one word in UTF-16 */
	int32_t			 u16cap;
	UChar			*norm;	/* the word folded */
	int32_t			 normcap;
	char			*out;	/* the folded word in UTF-8 */
	int32_t			 outcap;
};

struct tokenizer *
tokenizer_new(void)
{
	struct tokenizer	*t;
	UErrorCode		 err = U_ZERO_ERROR;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->bi = ubrk_open(UBRK_WORD, "de", NULL, 0, &err);
	if (U_SUCCESS(err))
		t->fold = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err)) {
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
	free(t->u16);
	free(t->norm);
	free(t->out);
	free(t);
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
 * Folds the word s[0..n) into t->out.  Returns its length in bytes, or -1
 * when memory runs out or ICU fails.
 */
static int32_t
fold_word(struct tokenizer *t, const char *s, int32_t n)
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

int
tokenizer_run(struct tokenizer *t, const char *text, int len, int flags,
    tokenizer_cb cb, void *ctx)
{
	UErrorCode	 err = U_ZERO_ERROR;
	int32_t		 start, end, n;
	int		 rc = SQLITE_OK;

	(void)flags;
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
		/* Spaces and punctuation have the rule status "none". */
		if (ubrk_getRuleStatus(t->bi) < UBRK_WORD_NONE_LIMIT)
			continue;
		if ((n = fold_word(t, text + start, end - start)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (n == 0 || n > TOKENIZER_MAX_TOKEN)
			continue;
		rc = cb(ctx, 0, t->out, n, start, end);
	}

	/* The UText points into text; do not keep it past this call. */
	err = U_ZERO_ERROR;
	t->ut = utext_openUTF8(t->ut, "", 0, &err);
	return rc;
}

/* FTS5 glue: the FTS5 tokenizer object is our struct tokenizer. */

static int
fts_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct tokenizer	*t;

	(void)unused;
	(void)argv;
	if (argc > 0)
		return SQLITE_ERROR;
	if ((t = tokenizer_new()) == NULL)
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
tokenizer_register(sqlite3 *db)
{
	static fts5_tokenizer	 fts = { fts_create, fts_delete, fts_tokenize };
	fts5_api		*api;

	if ((api = tokenizer_fts5(db)) == NULL)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "kbd", NULL, &fts, NULL);
}
