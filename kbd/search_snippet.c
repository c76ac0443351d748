/*
 * search_snippet.c (search): the passage of an article's text a search result
 * shows, as HTML: every character escaped, the query's words in <mark>.
 *
 * It reads the text once, word by word, with a plain scanner instead of
 * the index's ICU word breaking (for a long article that was most of a
 * search's time), and finds the query's words the way the index does:
 * a word matches when its stem is one of the query's forms, when one of
 * its compound parts is, or when it and the words joined to it by '-',
 * '!', '/', '+' or '&' are ("E-Mail").  Only words holding one of the
 * forms as a substring are stemmed or split, so that most words cost a
 * fold and a few byte compares.  The passage is the window of about n
 * words holding the most different query words, then the most matches.
 * Ranking and the choice of articles are search_rank.c's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define SNIP_MAX_TERMS	96		/* forms looked for */
#define SNIP_MEMO	1024		/* words remembered per search */

/* Characters that join two words into one: TOKENIZER_JOINERS. */
static const unsigned char joiner[128] = {
	['-'] = 1, ['!'] = 1, ['/'] = 1, ['+'] = 1, ['&'] = 1,
};

/* ASCII characters of words: letters, digits, '_'. */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};
#define SNIP_MAX_TEXT	(256 * 1024)	/* bytes of an article read */

/* A form looked for, and the query word (slot) it stands for. */
struct snip_term {
	char	 s[GERMAN_MAX_WORD + 1];	/* a stem, or a folded stop word */
	size_t	 n;
	int	 word;
	int	 stop;
};

struct snippet_query {
	struct snip_term	 t[SNIP_MAX_TERMS];
	int			 n;
	unsigned char		 first[256];	/* some term starts so */
	uint8_t			 pair[65536 / 8]; /* ... with these two bytes */
	int			 one;		/* a term of one byte */
	struct snip_memo {
		uint64_t	 hash;	/* of a folded word; 0: none */
		int		 word;	/* what match_word() said */
	}			 memo[SNIP_MEMO];
};

/* One word of the text. */
struct snip_word {
	int	 start;
	int	 end;
	int	 word;		/* the query word it matches, or -1 */
};

struct snip_text {
	struct snip_word	*w;
	int			 n, cap;
};

static void
add_term(struct snippet_query *sq, const char *s, size_t n, int word, int stop)
{
	unsigned int	 k;
	int		 i;

	if (n == 0 || n > GERMAN_MAX_WORD || sq->n == SNIP_MAX_TERMS)
		return;
	for (i = 0; i < sq->n; i++)
		if (sq->t[i].n == n && memcmp(sq->t[i].s, s, n) == 0)
			return;
	memcpy(sq->t[sq->n].s, s, n);
	sq->t[sq->n].s[n] = '\0';
	sq->t[sq->n].n = n;
	sq->t[sq->n].word = word;
	sq->t[sq->n].stop = stop;
	sq->first[(unsigned char)s[0]] = 1;
	k = (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
	sq->pair[k >> 3] |= (uint8_t)(1u << (k & 7));
	if (n == 1)
		sq->one = 1;
	sq->n++;
}

struct phrase_ctx {
	struct snippet_query	*sq;
	int			 word;
};

static int
phrase_word(void *ctx, const struct tokenizer_word *w)
{
	struct phrase_ctx	*pc = ctx;

	if (w->stop)
		add_term(pc->sq, w->folded, (size_t)w->nfolded, pc->word, 1);
	else
		add_term(pc->sq, w->stem, (size_t)w->nstem, pc->word, 0);
	return 0;
}

/*
 * What search_snippet_make() looks for: the forms of every slot of rq, each
 * with its query word.  The caller frees it with free().
 */
struct snippet_query *
search_snippet_query(struct reader *r, const struct rank_query *rq)
{
	struct snippet_query	*sq;
	const struct rank_alt	*a;
	struct phrase_ctx	 pc;
	int			 i, j, p, f;

	sq = xcalloc(1, sizeof(*sq));
	/* The query's own words: not those feedback added. */
	for (i = 0; i < rq->nslots; i++)
		for (j = 0; rq->slot[i].core && j < rq->slot[i].nalts; j++) {
			a = &rq->slot[i].alt[j];
			if (a->fts != NULL) {
				pc.sq = sq;
				pc.word = i;
				tokenizer_words(r->tok, a->fts,
				    (int)strlen(a->fts), phrase_word, &pc);
				continue;
			}
			for (p = 0; p < a->nparts; p++)
				for (f = 0; f < a->part[p].nforms; f++)
					add_term(sq, a->part[p].stem[f],
					    strlen(a->part[p].stem[f]), i, 0);
		}
	return sq;
}

/*
 * Is the character at p part of a word?  ASCII letters and digits, and
 * every non-ASCII character but spaces and punctuation (U+0080 to
 * U+00BF, U+2000 to U+20BF, CJK punctuation, emoji).
 */
static inline int
word_char(const unsigned char *p, const unsigned char *end)
{
	unsigned char	 c = *p;

	if (c < 0x80)
		return ascii_word[c];
	if (c == 0xC2)
		return 0;
	if (c == 0xE2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x82)
		return 0;
	if (c == 0xE3 && p + 1 < end && p[1] == 0x80)
		return 0;
	return c != 0xF0;
}

/* The length of the UTF-8 sequence starting with c. */
static int
seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/*
 * Folds the word s[0..n) into w as german_fold() does, the common case
 * (ASCII) without its table; returns the new length.
 */
static size_t
fold_word(const char *s, size_t n, char *w)
{
	size_t	 i, o;
	char	 c;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			memcpy(w, s, n);
			return german_fold(w, n);
		}
		c = s[i];
		w[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	/* ae, oe, ue typed for umlauts, as german_fold() reads them. */
	for (i = 0, o = 0; i < n; i++) {
		w[o++] = w[i];
		if (i + 1 < n && w[i + 1] == 'e' &&
		    (w[i] == 'a' || w[i] == 'o' || w[i] == 'u') &&
		    (i == 0 || strchr("qaeiouy", w[i - 1]) == NULL))
			i++;
	}
	return o;
}

/* Does the query word of term t match the folded word w[0..n)? */
static int
confirm(struct german *g, const struct snip_term *t, const char *w, size_t n,
    char *stem, int *nstem)
{
	struct german_part	 parts[GERMAN_MAX_PARTS];
	char			 ps[GERMAN_MAX_WORD + 1];
	int			 np, k, len;

	if (t->stop)
		return t->n == n && memcmp(t->s, w, n) == 0;
	if (*nstem < 0)
		*nstem = german_stem(g, w, (int)n, stem);
	if ((size_t)*nstem == t->n && memcmp(stem, t->s, t->n) == 0)
		return 1;
	np = german_split(g, w, (int)n, parts);
	for (k = 0; k < np; k++) {
		len = german_stem(g, parts[k].word, parts[k].len, ps);
		if ((size_t)len == t->n && memcmp(ps, t->s, t->n) == 0)
			return 1;
	}
	return 0;
}

/*
 * The query word the folded word w[0..n) matches, or -1.  A form must
 * stand in the word to be looked at further; a stop word matches only
 * the stop words of a phrase, as in the index.
 */
static int
match_uncached(struct german *g, const struct snippet_query *sq,
    const char *w, size_t n)
{
	char	 stem[GERMAN_MAX_WORD + 1];
	size_t	 i;
	int	 k, nstem = -1, stop = -1;

	for (i = 0; i < n; i++) {
		if (!sq->first[(unsigned char)w[i]])
			continue;
		if (i + 1 < n) {
			k = (unsigned char)w[i] << 8 | (unsigned char)w[i + 1];
			if (!(sq->pair[k >> 3] & (1u << (k & 7))))
				continue;
		}
		for (k = 0; k < sq->n; k++) {
			if (sq->t[k].s[0] != w[i] || sq->t[k].n > n - i ||
			    memcmp(w + i, sq->t[k].s, sq->t[k].n) != 0)
				continue;
			if (stop == -1)
				stop = german_is_stopword(w, n);
			if (sq->t[k].stop == stop &&
			    confirm(g, &sq->t[k], w, n, stem, &nstem))
				return sq->t[k].word;
		}
	}
	return -1;
}

/*
 * match_uncached(), remembered: an article repeats its words, and the
 * articles of one page share most of theirs.
 */
static int
match_word(struct german *g, struct snippet_query *sq, const char *w,
    size_t n)
{
	struct snip_memo	*m;
	uint64_t		 h = 0xcbf29ce484222325ULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 0x100000001b3ULL;
	h |= 1;
	m = &sq->memo[(h >> 20) & (SNIP_MEMO - 1)];
	if (m->hash != h) {
		m->hash = h;
		m->word = match_uncached(g, sq, w, n);
	}
	return m->word;
}

static void
add_word(struct snip_text *st, int start, int end, int word)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->w = xreallocarray(st->w, (size_t)st->cap, sizeof(*st->w));
	}
	st->w[st->n].start = start;
	st->w[st->n].end = end;
	st->w[st->n].word = word;
	st->n++;
}

/* Does a term start with the two bytes a, b? */
static inline int
has_pair(const struct snippet_query *sq, unsigned char a, unsigned char b)
{
	unsigned int	 k = (unsigned int)a << 8 | b;

	return sq->pair[k >> 3] & (1u << (k & 7));
}

/* Are all the slots of want among the matches of the last n words? */
static int
window_full(const struct snip_text *st, int n, uint64_t want)
{
	uint64_t	 got = 0;
	int		 i;

	for (i = st->n - 1; i >= 0 && i >= st->n - n; i--)
		if (st->w[i].word >= 0 && st->w[i].word < 64)
			got |= 1ULL << st->w[i].word;
	return (got & want) == want;
}

/*
 * Splits text[0..n) into words and notes which query word each matches;
 * words joined by a joiner without spaces are also tried as one.  A word
 * is folded and looked at only when two of its bytes start a form (or it
 * has other letters than ASCII, or "ae", "oe", "ue" that fold).  Reading
 * stops once the last words of a window hold every slot of want, the
 * slots the article was found with: no later window can hold more.
 */
static size_t
scan(struct german *g, struct snippet_query *sq, const char *text,
    size_t from, size_t n, uint64_t want, int window, int upto,
    struct snip_text *st)
{
	const unsigned char	*p = (const unsigned char *)text + from, *end, *q;
	char			 w[GERMAN_MAX_WORD + 1];
	char			 chain[GERMAN_MAX_WORD + 1];
	size_t			 len, nchain = 0;
	unsigned char		 c, prev;
	int			 start, word, chain_from = 0, joined = 0, look;
	int			 next_joined;
	int			 i;

	end = (const unsigned char *)text + (n > SNIP_MAX_TEXT ? SNIP_MAX_TEXT :
	    n);
	while (p < end && st->n < upto) {
		if (!word_char(p, end)) {
			p += seq_len(*p);
			continue;
		}
		start = (int)(p - (const unsigned char *)text);
		for (look = 0, prev = 0; p < end && word_char(p, end);) {
			if ((c = *p) >= 0x80) {
				look = 1;
				p += seq_len(c);
				prev = 0;
				continue;
			}
			if (c >= 'A' && c <= 'Z')
				c += 32;
			if ((prev != 0 && has_pair(sq, prev, c)) ||
			    (sq->one && sq->first[c]) || (c == 'e' &&
			    (prev == 'a' || prev == 'o' || prev == 'u')))
				look = 1;
			prev = c;
			p++;
		}
		if (p > end)
			p = end;
		len = (size_t)(p - (const unsigned char *)text) - (size_t)start;
		word = -1;
		if (len > GERMAN_MAX_WORD) {
			joined = 0;
			add_word(st, start, (int)(p - (const unsigned char *)
			    text), word);
			continue;
		}
		/* "E-Mail", "FRITZ!Box": joined to the next word. */
		q = p;
		next_joined = q + 1 < end && *q < 0x80 && joiner[*q] &&
		    word_char(q + 1, end);
		if (joined || next_joined)
			look = 1;
		if (look) {
			len = fold_word(text + start, len, w);
			w[len] = '\0';
			word = match_word(g, sq, w, len);
		}
		if (joined && nchain > 0 && nchain + len <= GERMAN_MAX_WORD) {
			memcpy(chain + nchain, w, len);
			nchain += len;
			if (word < 0 && (word = match_word(g, sq, chain,
			    nchain)) >= 0)
				for (i = chain_from; i < st->n; i++)
					st->w[i].word = word;
		} else if (look) {
			memcpy(chain, w, len);
			nchain = len;
			chain_from = st->n;
		}
		joined = next_joined;
		add_word(st, start, (int)(p - (const unsigned char *)text),
		    word);
		if (word >= 0 && want != 0 && window_full(st, window, want))
			break;
	}
	return (size_t)(p - (const unsigned char *)text);
}

/*
 * The first word of the window of want words holding the most different
 * query words, then the most matches; 0 without matches.  Each match is
 * tried a little after the window's start.
 */
static int
best_window(const struct snip_text *st, int want)
{
	int	*count, i, lo = 0, hi = 0, distinct = 0, start, score;
	int	 best = 0, best_score = -1, nwords = 64;

	count = xcalloc((size_t)nwords, sizeof(*count));
	for (i = 0; i < st->n; i++) {
		if (st->w[i].word < 0 || st->w[i].word >= nwords)
			continue;
		/* A little context before the first match reads better. */
		start = i > want / 4 ? i - want / 4 : 0;
		for (; hi < st->n && hi < start + want; hi++)
			if (st->w[hi].word >= 0 && st->w[hi].word < nwords &&
			    count[st->w[hi].word]++ == 0)
				distinct++;
		for (; lo < hi && lo < start; lo++)
			if (st->w[lo].word >= 0 && st->w[lo].word < nwords &&
			    --count[st->w[lo].word] == 0)
				distinct--;
		for (score = 100 * distinct, start = lo; start < hi; start++)
			if (st->w[start].word >= 0)
				score++;
		if (score > best_score) {
			best_score = score;
			best = lo;
		}
	}
	free(count);
	return best;
}

/* Appends t[0..n) escaped, with runs of white space as one space. */
static void
put_flat(struct buf *b, const char *t, int n)
{
	int	 i, j;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && t[j] != '\n' && t[j] != '\r' &&
		    t[j] != '\t'; j++)
			;
		escape_html_n(b, t + i, (size_t)(j - i));
		if (j < n) {
			if (b->len > 0 && b->data[b->len - 1] != ' ')
				buf_putc(b, ' ');
			j++;
		}
	}
}

/*
 * The passage of about want words of text[0..n) that shows the words of
 * sq best, as HTML: escaped, matches in <mark>, "…" where text was left
 * out; slots are those the article holds in text (a bit per slot of the
 * query; 0: none, and the passage is the text's start).  Returns a string
 * the caller frees ("" for an empty text).
 */
char *
search_snippet_make(struct reader *r, struct snippet_query *sq,
    const char *text, size_t n, uint64_t slots, int want)
{
	struct snip_text	 st;
	struct buf		 b;
	size_t			 read;
	int			 first, last, i, prev;

	memset(&st, 0, sizeof(st));
	/* No word to find (the title had them): the start, read alone. */
	read = scan(tokenizer_german(r->tok), sq, text, 0, n, slots,
	    want - want / 4, slots != 0 ? INT_MAX : want + 1, &st);
	buf_init(&b);
	buf_puts(&b, "");
	if (st.n == 0 || want <= 0) {
		free(st.w);
		return buf_detach(&b, NULL);
	}
	first = best_window(&st, want);
	/* Reading stopped early: the window's words, and one to tell more. */
	scan(tokenizer_german(r->tok), sq, text, read, n, 0, 0,
	    first + want + 1, &st);
	last = first + want < st.n ? first + want : st.n;
	if (first > 0)
		buf_puts(&b, "… ");
	prev = st.w[first].start;
	for (i = first; i < last; i++) {
		put_flat(&b, text + prev, st.w[i].start - prev);
		if (st.w[i].word >= 0)
			buf_puts(&b, "<mark>");
		escape_html_n(&b, text + st.w[i].start,
		    (size_t)(st.w[i].end - st.w[i].start));
		if (st.w[i].word >= 0)
			buf_puts(&b, "</mark>");
		prev = st.w[i].end;
	}
	if (last < st.n)
		buf_puts(&b, " …");
	else	/* closing punctuation of the last sentence */
		put_flat(&b, text + prev, (int)n - prev);
	free(st.w);
	return buf_detach(&b, NULL);
}

/*
 * The whole of text[0..n) (a title) as HTML: escaped, the words of sq in
 * <mark>, white space as it is.  Returns a string the caller frees.
 */
char *
search_snippet_mark(struct reader *r, struct snippet_query *sq,
    const char *text, size_t n)
{
	struct snip_text	 st;
	struct buf		 b;
	int			 i, prev = 0;

	memset(&st, 0, sizeof(st));
	scan(tokenizer_german(r->tok), sq, text, 0, n, 0, 0, INT_MAX, &st);
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < st.n; i++) {
		escape_html_n(&b, text + prev, (size_t)(st.w[i].start - prev));
		if (st.w[i].word >= 0)
			buf_puts(&b, "<mark>");
		escape_html_n(&b, text + st.w[i].start,
		    (size_t)(st.w[i].end - st.w[i].start));
		if (st.w[i].word >= 0)
			buf_puts(&b, "</mark>");
		prev = st.w[i].end;
	}
	escape_html_n(&b, text + prev, n - (size_t)prev);
	free(st.w);
	return buf_detach(&b, NULL);
}
