/*
 * fuzz_tokenizer.c: the tokenizer and the German word analysis on any
 * bytes: ill-formed UTF-8, NUL bytes, combining marks, ligatures, scripts
 * without spaces, emoji, absurdly long words.  Each input is tokenized as
 * stored text, as a query, as a prefix query and for snippets, and read
 * word by word; every word then goes through german.c (fold, stop words,
 * stem, split, head, family), and the raw input through what the
 * tokenizer does to raw input (fold, head).  The callbacks check what
 * FTS5 and search_query.c rely on: byte ranges inside the input and in order,
 * tokens of 1 to TOKENIZER_MAX_TOKEN + 1 bytes of valid UTF-8, the first
 * token of a text never colocated, colocated tokens on the range of the
 * token before them.  One tokenizer serves every input, as one does per
 * thread in kbd, so its caches carry over.
 */
#include "fuzz.h"

static struct tokenizer	*tok;
static struct german	*ger;

/* What the callbacks of one run know. */
struct run {
	int	 len;		/* of the input */
	int	 flags;
	int	 ntok;		/* tokens so far */
	int	 start;		/* range of the last position */
	int	 end;
};

static void
done(void)
{
	tokenizer_free(tok);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((tok = tokenizer_new(fuzz_dict())) == NULL) {
		fprintf(stderr, "cannot set up the tokenizer\n");
		exit(1);
	}
	ger = tokenizer_german(tok);
	atexit(done);
	return 0;
}

static int
check_token(void *ctx, int tflags, const char *token, int ntoken, int start,
    int end)
{
	struct run	*r = ctx;

	assert(0 <= start && start < end && end <= r->len);
	assert(ntoken >= 1 && ntoken <= TOKENIZER_MAX_TOKEN + 1);
	assert(utf8_valid(token, (size_t)ntoken, NULL));
	assert(tflags == 0 || tflags == FTS5_TOKEN_COLOCATED);
	if (tflags & FTS5_TOKEN_COLOCATED) {
		assert(r->ntok > 0);
		assert(!(r->flags & TOKENIZER_AUX));
		assert(start == r->start && end == r->end);
	} else {
		/* Words follow each other and never overlap. */
		assert(r->ntok == 0 || start >= r->end);
		r->start = start;
		r->end = end;
	}
	r->ntok++;
	return 0;
}

static int
check_form(void *ctx, const char *word, const char *stem, int n)
{
	(void)ctx;
	assert(strlen(word) <= GERMAN_MAX_WORD);
	assert(n >= 1 && n <= GERMAN_MAX_WORD);
	assert((int)strlen(stem) == n);
	return 0;
}

/* Runs the analyses of german.c on the folded word w[0..n). */
static void
analyse(const char *w, int n)
{
	struct german_part	 parts[GERMAN_MAX_PARTS];
	char			 stem[GERMAN_MAX_WORD + 1];
	int			 i, np, head, ns;

	ns = german_stem(ger, w, n, stem);
	assert(ns >= 0 && ns <= GERMAN_MAX_WORD && (int)strlen(stem) == ns);
	np = german_split(ger, w, n, parts);
	assert(np == 0 || (np >= 2 && np <= GERMAN_MAX_PARTS));
	for (i = 0; i < np; i++)
		assert(parts[i].len >= 3 && parts[i].len <= n + 1 &&
		    (int)strlen(parts[i].word) == parts[i].len);
	head = german_head(ger, w, n);
	assert(head == -1 || (head >= 3 && head < n));
	german_family(ger, w, n, check_form, NULL);
	(void)german_is_particle(w, (size_t)n);
}

static int
check_word(void *ctx, const struct tokenizer_word *w)
{
	struct run	*r = ctx;
	char		 copy[GERMAN_MAX_WORD + 1];
	size_t		 n;

	assert(0 <= w->start && w->start < w->end && w->end <= r->len);
	assert(r->ntok == 0 || w->start >= r->end);
	r->end = w->end;
	r->ntok++;
	assert(w->nlower >= 1 && w->nlower <= TOKENIZER_MAX_TOKEN);
	assert(w->nfolded >= 1 && w->nfolded <= w->nlower);
	assert(w->nstem >= 1 && w->nstem <= GERMAN_MAX_WORD + 1);
	assert(utf8_valid(w->lower, (size_t)w->nlower, NULL));
	assert(utf8_valid(w->folded, (size_t)w->nfolded, NULL));
	assert(w->folded[w->nfolded] == '\0' && w->stem[w->nstem] == '\0');
	assert(!w->stop || w->stem[0] == TOKENIZER_STOP_MARK);
	assert(w->stop == german_is_stopword(w->lower, (size_t)w->nlower));

	/* Folding is what made w->folded, and folding is idempotent. */
	memcpy(copy, w->lower, (size_t)w->nlower);
	n = german_fold(copy, (size_t)w->nlower);
	assert(n == (size_t)w->nfolded && memcmp(copy, w->folded, n) == 0);
	assert(german_fold(copy, n) <= n);
	analyse(w->folded, w->nfolded);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 flags[] = { TOKENIZER_DOCUMENT, TOKENIZER_QUERY,
	    TOKENIZER_QUERY | TOKENIZER_PREFIX, TOKENIZER_AUX };
	const char		*text = (const char *)data;
	char			 raw[GERMAN_MAX_WORD + 1];
	struct run		 r;
	size_t			 i, n;
	int			 len, head;

	if (size > 1024 * 1024)
		return 0;
	len = (int)size;
	for (i = 0; i < nitems(flags); i++) {
		memset(&r, 0, sizeof(r));
		r.len = len;
		r.flags = flags[i];
		assert(tokenizer_run(tok, text, len, flags[i], check_token,
		    &r) == SQLITE_OK);
	}
	memset(&r, 0, sizeof(r));
	r.len = len;
	assert(tokenizer_words(tok, text, len, check_word, &r) == SQLITE_OK);

	/*
	 * The tokenizer also folds raw input and looks for its head (the
	 * word after "Kopf- und"), so those two must take any bytes.
	 */
	n = size < GERMAN_MAX_WORD ? size : GERMAN_MAX_WORD;
	memcpy(raw, data, n);
	n = german_fold(raw, n);
	assert(n <= size);
	head = german_head(ger, raw, (int)n);
	assert(head == -1 || (head >= 3 && (size_t)head < n));
	raw[n] = '\0';
	(void)german_is_stopword(raw, strlen(raw));
	return 0;
}
