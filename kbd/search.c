/*
 * search.c (search): the search itself.  search_run() completes the query with
 * what the index knows (search_query.c), ranks every article holding any of its
 * words in one scored ranking (search_rank.c, over the in-memory index of
 * search_index.c), and fills the page: each row's slug, title and
 * category, and the passage of its text the query's words are in
 * (search_snippet.c), made only for the rows returned.  search_suggest()
 * does the same for the words being typed, in titles and tags.
 *
 * Everything a search needs is passed down explicitly: the published
 * data (index, lexicon, popularity: struct search_data, which the
 * snapshot lends through search_source()), the reader (its statements,
 * its tokenizer
 * and its work space); nothing is kept between searches but the work
 * space, which belongs to the thread's reader.  FTS5 is asked only for
 * phrases and stop words, which the ranking index does not hold.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

/*
 * The weights in use: search_rank_defaults, unless a tool (tests/search) set
 * others with search_tune() before its first search.
 */
static const struct rank_weights	*tuned = &search_rank_defaults;
static struct search_source		 source; /* see search_source() */

/*
 * With SEARCH_ANY (related articles): the slots of mask that at most
 * ANY_DOCS_MAX articles hold, or when there are none, the rarest.  In a
 * large base the other words say little about what an article is about,
 * and their rows are most of the index: at 50,000 articles a page with
 * "Zellen" among its tags ranked 12,000 rows for its related articles.
 */
#define ANY_DOCS_MAX	1000


/*
 * Makes the weights w (which must outlive every search) those of every
 * later search; NULL restores the defaults.  For tools that fit them:
 * call it before the first search, never while one runs.
 */
void
search_tune(const struct rank_weights *w)
{
	tuned = w != NULL ? w : &search_rank_defaults;
}

/*
 * Where searches get what they read of the published data (lexicon,
 * synonyms, index, popularity): the snapshot's, which is above this
 * layer and so hands over its functions (snapshot.c, at its first
 * publication).  Until then searches find nothing.
 */
void
search_source(const struct search_source *src)
{
	source = *src;
}

/* Fills *d for one search; the token goes back to search_data_release(). */
void *
search_data_acquire(struct search_data *d)
{
	memset(d, 0, sizeof(*d));
	return source.acquire != NULL ? source.acquire(d) : NULL;
}

void
search_data_release(void *token)
{
	if (token != NULL && source.release != NULL)
		source.release(token);
}

static uint64_t
informative(const struct query *q, uint64_t mask)
{
	uint64_t	 rare = 0, rarest = 0;
	int64_t		 fewest = -1;
	size_t		 i;

	for (i = 0; i < q->nslots && i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		if (q->slots[i].docs <= ANY_DOCS_MAX)
			rare |= 1ULL << i;
		if (fewest == -1 || q->slots[i].docs < fewest) {
			fewest = q->slots[i].docs;
			rarest = 1ULL << i;
		}
	}
	return rare != 0 ? rare : rarest;
}

/*
 * Fills in slug, title, category and hits of the article of row, and its
 * snippet of want words (of the words of sq, rq's), or with want -1 its
 * title with the words marked; -1 when it is gone.
 */
static int
hit_details(struct reader *r, const struct ranked *row,
    const struct rank_query *rq, struct snippet_query *sq, int want,
    struct search_hit *h)
{
	sqlite3_stmt	*st = r->st[ST_ARTICLE_BY_ID];
	const char	*text;
	int		 rc = -1;

	if (sqlite3_bind_int64(st, 1, row->id) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		h->slug = xstrdup((const char *)sqlite3_column_text(st, 0));
		h->title = xstrdup((const char *)sqlite3_column_text(st, 1));
		h->category = xstrdup((const char *)sqlite3_column_text(st, 2));
		h->hits = sqlite3_column_int64(st, 3) + hits_pending(row->id);
		if (want < 0)
			/* Suggestions: the title, the query's words marked. */
			h->snippet = search_snippet_mark(r, sq, h->title,
			    strlen(h->title));
		else if (want > 0 && (text = (const char *)sqlite3_column_text(st,
		    4)) != NULL)
			h->snippet = search_snippet_make(r, sq, text,
			    (size_t)sqlite3_column_bytes(st, 4),
			    search_rank_body_slots(rq, row->id), want);
		else
			h->snippet = xstrdup("");
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * Ranks the articles for q (completed with search_expand_query()) with reader r
 * and snapshot sd, flags as search_run()'s: the k best into best
 * (which has room for k + rank_weights.fb_docs), how many into *n, the
 * rows into *total, whether some article holds every slot into *all.
 * A question is ranked twice, the second time with feedback terms.
 * Returns the ranking form of q; the caller frees it with
 * search_rank_query_free().
 */
struct rank_query *
search_best(struct reader *r, const struct search_data *sd,
    const struct query *q, int flags, int k, struct ranked *best, int *n,
    int64_t *total, int *all)
{
	struct search_index	*ix = sd->index;
	struct rank_query	*rq;
	uint64_t		 mask;
	int			 fb;

	mask = q->nslots >= 64 ? ~0ULL : (1ULL << q->nslots) - 1;
	if (flags & SEARCH_ANY)
		mask = informative(q, mask);
	rq = search_rank_compile(r, ix, sd->learned, q, mask, flags,
	    tuned);
	/*
	 * A question: ranked on with the terms its best articles share,
	 * which only add to what was found; nothing is passed over before.
	 */
	fb = !(flags & (SEARCH_ANY | SEARCH_TITLES | SEARCH_SUGGEST)) &&
	    search_feedback_wanted(rq, tuned);
	*n = search_rank_slots(r, ix, sd, rq, tuned, flags, k > (int)tuned->fb_docs ?
	    k : (int)tuned->fb_docs, fb, best, total, all, NULL);
	if (fb) {
		search_feedback_run(r, ix, rq, best, *n, tuned);
		*n = search_rank_slots(r, ix, sd, rq, tuned, flags, k, 0, best,
		    total, all, NULL);
	}
	if (*n > k)
		*n = k;
	return rq;
}

/*
 * Searches for q with reader r: every article holding any of its words
 * (slots), in one ranking (search_rank.c); those holding fewer than half
 * of the words the index has and little of the query's information are
 * left out, unless no article holds more.  With SEARCH_ANY (related
 * articles) the informative words count, and any row does; with
 * SEARCH_STRICT only rows with every word; with SEARCH_TITLES only titles
 * and tags are searched.  q is completed with search_expand_query() first.
 * Fills res (free it with search_result_free()): res->total counts the
 * rows, res->partial says that no article holds every word.  Returns 0,
 * or -1 on database errors.
 */
int
search_run(struct reader *r, struct query *q, int limit, int offset,
    int flags, struct search_result *res)
{
	struct search_data	 data;
	const struct search_data *sd = &data;
	void			*token;
	struct rank_query	*rq;
	struct snippet_query	*sq = NULL;
	struct ranked		*best;
	int			 k, n, i, all = 0, in_txn;
	int			 want = (flags & SEARCH_SUGGEST) ? -1 :
				    (flags & SEARCH_NO_SNIPPET) ? 0 :
				    KBD_SNIPPET_TOKENS;

	memset(res, 0, sizeof(*res));
	if (limit <= 0 || offset < 0)
		return 0;
	token = search_data_acquire(&data);
	search_expand_query(q, r, sd, tuned);
	if (q->nslots == 0 || sd->index == NULL) {
		search_data_release(token);
		return 0;
	}
	/*
	 * One read transaction for the search's statements: each would
	 * take and drop the database's read lock (system calls) otherwise.
	 */
	in_txn = sqlite3_step(r->st[ST_BEGIN]) == SQLITE_DONE;
	sqlite3_reset(r->st[ST_BEGIN]);
	k = offset + limit;
	best = xcalloc((size_t)k + (size_t)tuned->fb_docs + 1,
	    sizeof(*best));
	rq = search_best(r, sd, q, flags, k, best, &n, &res->total, &all);
	res->partial = !all && q->nslots > 1 && !(flags & SEARCH_ANY) &&
	    res->total > 0;
	res->hits = xcalloc((size_t)limit, sizeof(*res->hits));
	if (want != 0 && n > offset)
		sq = search_snippet_query(r, rq);
	for (i = offset; i < n; i++)
		if (hit_details(r, &best[i], rq, sq, want,
		    &res->hits[res->n]) == 0)
			res->n++;
	free(sq);
	free(best);
	if (in_txn) {
		sqlite3_step(r->st[ST_COMMIT]);
		sqlite3_reset(r->st[ST_COMMIT]);
	}
	search_rank_query_free(rq);
	search_data_release(token);
	return 0;
}

struct last_word {
	int	 start;
	int	 end;
	char	 folded[GERMAN_MAX_WORD + 1];
};

static int
note_last(void *ctx, const struct tokenizer_word *w)
{
	struct last_word	*l = ctx;

	l->start = w->start;
	l->end = w->end;
	memcpy(l->folded, w->folded, (size_t)w->nfolded + 1);
	return 0;
}

/*
 * The query of a suggestion for text: its complete words as
 * search_query_parse() reads them, and the last one, when nothing
 * follows it and it has two letters or more, as the start of a word
 * (search_query_add_prefix), left out when nothing starts with it even
 * a typo away.  The caller frees it with search_query_free().
 */
static struct query *
suggest_query(struct reader *r, const char *text)
{
	struct last_word	 last;
	struct search_data	 data;
	void			*token;
	struct query		*q;
	struct buf		 b;
	size_t			 n = strlen(text);
	int			 prefix;

	memset(&last, 0, sizeof(last));
	last.start = -1;
	buf_init(&b);
	buf_put(&b, "", 0);
	utf8_sanitize(&b, text, utf8_prefix(text, n, KBD_MAX_QUERY));
	tokenizer_words(r->tok, b.data, (int)b.len, note_last, &last);
	/* A word followed by something else is complete; the last may not. */
	prefix = last.start >= 0 && (size_t)last.end == b.len;
	if (prefix)
		b.data[last.start] = '\0';
	q = search_query_parse(r->tok, b.data);
	token = search_data_acquire(&data);
	if (prefix && strlen(last.folded) >= 2)
		search_query_add_prefix(q, data.lexicon, last.folded,
		    strlen(last.folded));
	search_data_release(token);
	buf_free(&b);
	return q;
}

/*
 * Adds to the suggestions res (found in titles and tags) the articles
 * that hold the words of text in their text, ranked as search_run()
 * ranks them, up to limit.  Returns 0, or -1 on database errors.
 */
static int
fill_up(struct reader *r, const char *text, int limit,
    struct search_result *res)
{
	struct search_result	 more;
	struct query		*q = suggest_query(r, text);
	size_t			 i, j;
	int			 rc;

	rc = search_run(r, q, limit, 0, SEARCH_SUGGEST, &more);
	search_query_free(q);
	for (i = 0; rc == 0 && i < more.n && res->n < (size_t)limit; i++) {
		for (j = 0; j < res->n; j++)
			if (strcmp(res->hits[j].slug, more.hits[i].slug) == 0)
				break;
		if (j < res->n)
			continue;
		if (res->hits == NULL)
			res->hits = xcalloc((size_t)limit, sizeof(*res->hits));
		res->hits[res->n++] = more.hits[i];
		memset(&more.hits[i], 0, sizeof(more.hits[i]));
	}
	if (more.total > res->total)
		res->total = more.total;
	search_result_free(&more);
	return rc;
}

/*
 * Suggestions while the customer types, with the same understanding as
 * the search: the words typed so far (typos corrected, synonyms, any of
 * the words, ranked as search_run() ranks them, without feedback), and
 * the last one, when nothing follows it, as the start of a word
 * ("passw" finds "Passwort", "Passwörter"; a typo in it is forgiven:
 * "vergese" finds "vergessen").  Articles whose title or tags hold the
 * words come first, then those whose text does.  A last word nothing
 * starts with (or a single letter) is left out rather than emptying the
 * list.  Fills res like search_run(), each hit's snippet its title with
 * the matched words in <mark>.  Returns 0, or -1 on database errors.
 */
int
search_suggest(struct reader *r, const char *text, int limit,
    struct search_result *res)
{
	struct query	*q = suggest_query(r, text);
	int		 rc = 0;

	memset(res, 0, sizeof(*res));
	if (q->nslots > 0)
		rc = search_run(r, q, limit, 0, SEARCH_SUGGEST | SEARCH_TITLES,
		    res);
	if (rc == 0 && q->nslots > 0 && res->n < (size_t)limit)
		rc = fill_up(r, text, limit, res);
	search_query_free(q);
	return rc;
}

void
search_result_free(struct search_result *res)
{
	size_t	 i;

	for (i = 0; i < res->n; i++) {
		free(res->hits[i].slug);
		free(res->hits[i].title);
		free(res->hits[i].category);
		free(res->hits[i].snippet);
	}
	free(res->hits);
	memset(res, 0, sizeof(*res));
}
