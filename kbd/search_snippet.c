/*
 * search_snippet.c: the passage of an article's text a search result
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
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define SNIP_MAX_TERMS	96		/* forms looked for */
#define SNIP_MAX_TEXT	(256 * 1024)	/* bytes of an article read */

/* A form looked for, and the query word (slot, part) it stands for. */
struct snip_term {
	char	 s[GERMAN_MAX_WORD + 1];	/* a stem, or a folded stop word */
	size_t	 n;
	int	 word;
	int	 stop;
};

struct snip_query {
	struct snip_term	 t[SNIP_MAX_TERMS];
	int			 n;
	unsigned char		 first[256];	/* some term starts so */
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
add_term(struct snip_query *sq, const char *s, size_t n, int word, int stop)
{
	int	 i;

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
	sq->n++;
}

struct phrase_ctx {
	struct snip_query	*sq;
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

/* The forms of every slot of rq, each with its query word. */
static void
query_terms(struct reader *r, const struct rank_query *rq,
    struct snip_query *sq)
{
	const struct rank_alt	*a;
	struct phrase_ctx	 pc;
	int			 i, j, p, f;

	memset(sq, 0, sizeof(*sq));
	for (i = 0; i < rq->nslots; i++)
		for (j = 0; j < rq->slot[i].nalts; j++) {
			a = &rq->slot[i].alt[j];
			if (a->fts != NULL) {
				pc.sq = sq;
				pc.word = i * RANK_MAX_PARTS;
				tokenizer_words(r->tok, a->fts,
				    (int)strlen(a->fts), phrase_word, &pc);
				continue;
			}
			for (p = 0; p < a->nparts; p++)
				for (f = 0; f < a->part[p].nforms; f++)
					add_term(sq, a->part[p].stem[f],
					    strlen(a->part[p].stem[f]),
					    i * RANK_MAX_PARTS + p, 0);
		}
}

/* Is byte c part of a word?  Letters, digits and every non-ASCII byte but
 * those of spaces and punctuation (U+0080 to U+00BF, U+2000 to U+20CF). */
static int
word_byte(const unsigned char *p, const unsigned char *end)
{
	unsigned char	 c = *p;

	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_';
	if (c == 0xC2)
		return 0;	/* U+0080..U+00BF: NBSP, «, », §, ... */
	if (c == 0xE2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x82)
		return 0;	/* U+2000..U+20BF: dashes, quotes, € */
	if (c == 0xE3 && p + 1 < end && p[1] == 0x80)
		return 0;	/* CJK punctuation */
	if (c == 0xF0)
		return 0;	/* emoji and the like */
	return 1;
}

/* The length of the UTF-8 sequence starting with c. */
static int
seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
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
 * The query word the folded word w[0..n) matches, or -1: a stop word
 * (stop) only the stop words of a phrase.  A term must stand in the word
 * to be looked at further.
 */
static int
match_word(struct german *g, const struct snip_query *sq, const char *w,
    size_t n, int stop)
{
	char	 stem[GERMAN_MAX_WORD + 1];
	size_t	 i;
	int	 k, nstem = -1;

	for (i = 0; i < n; i++) {
		if (!sq->first[(unsigned char)w[i]])
			continue;
		for (k = 0; k < sq->n; k++)
			if (sq->t[k].stop == stop && sq->t[k].s[0] == w[i] &&
			    sq->t[k].n <= n - i &&
			    memcmp(w + i, sq->t[k].s, sq->t[k].n) == 0 &&
			    confirm(g, &sq->t[k], w, n, stem, &nstem))
				return sq->t[k].word;
	}
	return -1;
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

/*
 * Splits text[0..n) into words and notes which query word each matches;
 * words joined by a joiner without spaces are also tried as one.
 */
static void
scan(struct german *g, const struct snip_query *sq, const char *text,
    size_t n, struct snip_text *st)
{
	const unsigned char	*p = (const unsigned char *)text, *end;
	char			 w[GERMAN_MAX_WORD + 1];
	char			 chain[GERMAN_MAX_WORD + 1];
	size_t			 len, nchain = 0;
	int			 start, word, chain_from = -1, prev_end = -2;
	int			 i;

	end = p + (n > SNIP_MAX_TEXT ? SNIP_MAX_TEXT : n);
	while (p < end) {
		if (!word_byte(p, end)) {
			p += seq_len(*p);
			continue;
		}
		start = (int)(p - (const unsigned char *)text);
		while (p < end && word_byte(p, end))
			p += seq_len(*p);
		if (p > end)
			p = end;
		len = (size_t)(p - (const unsigned char *)text) - (size_t)start;
		word = -1;
		if (len <= GERMAN_MAX_WORD) {
			memcpy(w, text + start, len);
			len = german_fold(w, len);
			w[len] = '\0';
			word = match_word(g, sq, w, len,
			    german_is_stopword(w, len));
			/* "E-Mail", "FRITZ!Box": also the joined word. */
			if (prev_end >= 0 && start == prev_end + 1 &&
			    strchr(TOKENIZER_JOINERS, text[prev_end]) != NULL &&
			    nchain + len <= GERMAN_MAX_WORD && nchain > 0) {
				memcpy(chain + nchain, w, len);
				nchain += len;
				if (word < 0 && (word = match_word(g, sq, chain,
				    nchain, 0)) >= 0)
					for (i = chain_from; i < st->n; i++)
						st->w[i].word = word;
			} else {
				memcpy(chain, w, len);
				nchain = len;
				chain_from = st->n;
			}
		} else
			nchain = 0;
		add_word(st, start, (int)(p - (const unsigned char *)text),
		    word);
		prev_end = (int)(p - (const unsigned char *)text);
	}
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
	int	 best = 0, best_score = -1, nwords = RANK_MAX_PARTS * 64;

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
		html_escape_n(b, t + i, (size_t)(j - i));
		if (j < n) {
			if (b->len > 0 && b->data[b->len - 1] != ' ')
				buf_putc(b, ' ');
			j++;
		}
	}
}

/*
 * The passage of about want words of text[0..n) that shows the words of
 * rq best, as HTML: escaped, matches in <mark>, "…" where text was left
 * out.  Returns a string the caller frees ("" for an empty text).
 */
char *
snippet_make(struct reader *r, const struct rank_query *rq, const char *text,
    size_t n, int want)
{
	struct snip_query	*sq;
	struct snip_text	 st;
	struct buf		 b;
	int			 first, last, i, prev;

	memset(&st, 0, sizeof(st));
	sq = xmalloc(sizeof(*sq));
	query_terms(r, rq, sq);
	scan(tokenizer_german(r->tok), sq, text, n, &st);
	free(sq);
	buf_init(&b);
	buf_puts(&b, "");
	if (st.n == 0 || want <= 0) {
		free(st.w);
		return buf_detach(&b, NULL);
	}
	first = best_window(&st, want);
	last = first + want < st.n ? first + want : st.n;
	if (first > 0)
		buf_puts(&b, "… ");
	prev = st.w[first].start;
	for (i = first; i < last; i++) {
		put_flat(&b, text + prev, st.w[i].start - prev);
		if (st.w[i].word >= 0)
			buf_puts(&b, "<mark>");
		html_escape_n(&b, text + st.w[i].start,
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
