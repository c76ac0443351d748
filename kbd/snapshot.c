/*
 * snapshot.c (service): the hot data every request needs, kept ready in memory.  A
 * snapshot is immutable once published; the writer builds a new one and
 * swaps it in, and a reader holds a reference while it uses one.  The
 * lock only guards the swap and the reference count, never any I/O.
 *
 * It has two parts with two rhythms.  The catalog changes with the
 * articles (after an import): which slugs exist and when they changed,
 * each article's length, the lexicon, the synonyms, the ranking's index.
 * The counts change with the hits flush, once a second: each article's
 * stored hits, its popularity, and the top list.  A flush copies the
 * counts and patches the articles that were read, sharing the catalog.
 * What readers searched to reach articles ("searched as") changes with
 * their clicks: it is rebuilt when a flush wrote some, or a day passed.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define POPULARITY_EVERY	60	/* seconds between popularity updates */
#define BYTES_PER_TOKEN		7	/* of German text, about */

/* What changes only with the articles; shared by snapshots. */
struct catalog {
	atomic_int		 refs;
	struct cat_entry {
		char		*slug;
		int64_t		 id;
	}			*by_slug;	/* sorted by slug */
	size_t			 n;
	size_t			 nids;		/* largest id + 1 */
	uint64_t		*version;	/* by id, of the content; 0: none */
	uint16_t		*doclen;	/* by id, tokens about */
	double			 avgdoclen;
	struct lexicon		*lexicon;
	struct synonyms		*synonyms;
	struct search_index	*index;		/* what the ranking reads */
	struct categories	*categories;	/* category.c */
};

static pthread_mutex_t	 swap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot	*current;
static uint64_t		 generation;		/* writer only */
static int64_t		 popularity_done;	/* writer only */

static void
catalog_unref(struct catalog *c)
{
	size_t	 i;

	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	for (i = 0; i < c->n; i++)
		free(c->by_slug[i].slug);
	free(c->by_slug);
	free(c->version);
	free(c->doclen);
	search_lexicon_unref(c->lexicon);
	search_synonyms_unref(c->synonyms);
	search_index_unref(c->index);
	category_free(c->categories);
	free(c);
}

static void
snapshot_free(struct snapshot *s)
{
	size_t	 i;

	for (i = 0; i < s->ntop; i++) {
		free(s->top[i].slug);
		free(s->top[i].title);
		free(s->top[i].category);
	}
	free(s->top);
	free(s->hits);
	free(s->popularity);
	search_index_unref(s->learned);
	catalog_unref(s->catalog);
	free(s);
}

/*
 * Returns the current snapshot with a reference the caller gives back
 * with snapshot_release(), or NULL before the first one is built.
 */
struct snapshot *
snapshot_acquire(void)
{
	struct snapshot	*s;

	pthread_mutex_lock(&swap_lock);
	if ((s = current) != NULL)
		s->refs++;
	pthread_mutex_unlock(&swap_lock);
	return s;
}

void
snapshot_release(struct snapshot *s)
{
	int	 last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&swap_lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&swap_lock);
	if (last)
		snapshot_free(s);
}
/* What searches read: the current snapshot's data (see search_source). */
static void *
search_acquire(struct search_data *d)
{
	struct snapshot	*s = snapshot_acquire();

	if (s == NULL)
		return NULL;
	d->lexicon = s->catalog->lexicon;
	d->synonyms = s->catalog->synonyms;
	d->index = s->catalog->index;
	d->learned = s->learned;
	d->popularity = s->popularity;
	d->nids = s->nids;
	return s;
}

static void
search_release(void *token)
{
	snapshot_release(token);
}


/* Swaps s in as the current snapshot (s may be NULL). */
static void
publish(struct snapshot *s)
{
	static const struct search_source	 src = {
		search_acquire, search_release,
	};
	struct snapshot				*old;

	search_source(&src);
	pthread_mutex_lock(&swap_lock);
	old = current;
	current = s;
	pthread_mutex_unlock(&swap_lock);
	snapshot_release(old);
}

static uint64_t
text_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cat_entry *)a)->slug,
	    ((const struct cat_entry *)b)->slug);
}

/* Reads the published articles' slugs, change times and lengths. */
static int
load_catalog(sqlite3 *db, struct catalog *c)
{
	sqlite3_stmt	*st = NULL;
	size_t		 cap = 0;
	int64_t		 id, len;
	double		 sum = 0.0;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM article",
	    -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		c->nids = (size_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return -1;
	c->version = xcalloc(c->nids, sizeof(*c->version));
	c->doclen = xcalloc(c->nids, sizeof(*c->doclen));
	rc = sqlite3_prepare_v2(db, "SELECT id, slug, hash, length(title) +"
	    " length(tags) + length(body_text) FROM article"
	    " WHERE state = 'published'", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		id = sqlite3_column_int64(st, 0);
		if (id < 0 || (size_t)id >= c->nids)
			continue;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 256;
			c->by_slug = xreallocarray(c->by_slug, cap,
			    sizeof(*c->by_slug));
		}
		c->by_slug[c->n].slug = xstrdup((const char *)
		    sqlite3_column_text(st, 1));
		c->by_slug[c->n].id = id;
		c->n++;
		/* The content hash: a change within a second changes it. */
		c->version[id] = text_hash((const char *)
		    sqlite3_column_text(st, 2)) | 1;
		len = sqlite3_column_int64(st, 3) / BYTES_PER_TOKEN + 1;
		c->doclen[id] = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
		sum += (double)c->doclen[id];
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	c->avgdoclen = c->n > 0 ? sum / (double)c->n : 1.0;
	if (c->n > 0)
		qsort(c->by_slug, c->n, sizeof(*c->by_slug), entry_cmp);
	return 0;
}

/* Reads every article's stored hits. */
static int
load_hits(sqlite3 *db, struct snapshot *s)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 id;
	int		 rc;

	s->nids = s->catalog->nids;
	s->hits = xcalloc(s->nids, sizeof(*s->hits));
	rc = sqlite3_prepare_v2(db, "SELECT id, hits FROM article", -1, &st,
	    NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		id = sqlite3_column_int64(st, 0);
		if (id >= 0 && (size_t)id < s->nids)
			s->hits[id] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Popularity: log(1 + hits) scaled so that the most read article has 255.
 * Hits change slowly against that scale, so it is computed after imports
 * and once a minute, not after every flush.
 */
static void
compute_popularity(struct snapshot *s)
{
	double	 top = 0.0;
	size_t	 i;

	s->popularity = xcalloc(s->nids, 1);
	for (i = 0; i < s->nids; i++)
		if (s->catalog->version[i] != 0 && s->hits[i] > 0 &&
		    log1p((double)s->hits[i]) > top)
			top = log1p((double)s->hits[i]);
	if (top <= 0.0)
		return;
	for (i = 0; i < s->nids; i++)
		if (s->hits[i] > 0)
			s->popularity[i] = (uint8_t)lround(255.0 *
			    log1p((double)s->hits[i]) / top);
}

static int
load_top(sqlite3 *db, struct snapshot *s)
{
	struct top_entry	*e;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	s->top = xcalloc(KBD_TOP_MAX, sizeof(*s->top));
	rc = sqlite3_prepare_v2(db, "SELECT id, slug, title, category, hits"
	    " FROM article WHERE state = 'published'"
	    " ORDER BY hits DESC, title, slug LIMIT ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 1, KBD_TOP_MAX);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = &s->top[s->ntop++];
		e->id = sqlite3_column_int64(st, 0);
		e->slug = xstrdup((const char *)sqlite3_column_text(st, 1));
		e->title = xstrdup((const char *)sqlite3_column_text(st, 2));
		e->category = xstrdup((const char *)sqlite3_column_text(st, 3));
		e->hits = sqlite3_column_int64(st, 4);
		rc = s->ntop < KBD_TOP_MAX ? SQLITE_OK : SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * "Searched as": for each published article, the queries at least
 * CLICK_READERS readers opened it from in the last CLICK_DAYS days, as a
 * term vector (in the aliases' field) of an index of their own.  One
 * reader is one tag (search_log.c), so one reader cannot make a query
 * count, however often they click.  Returns NULL when there are none.
 */
static struct search_index *
load_learned(sqlite3 *db, size_t nids, int64_t today)
{
	struct search_index	*ix = NULL;
	struct tokenizer	*t = NULL;
	sqlite3_stmt		*st = NULL;
	struct buf		*blobs = NULL, text;
	const char		*texts[SEARCH_FIELDS] = { NULL, NULL, NULL,
				    NULL };
	int64_t			*ids = NULL, id, last = -1;
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	buf_init(&text);
	rc = sqlite3_prepare_v2(db, "SELECT c.article_id, c.query"
	    " FROM search_click c JOIN article a ON a.id = c.article_id"
	    " WHERE a.state = 'published' AND c.day > ?1"
	    " GROUP BY c.article_id, c.query HAVING count(*) >= ?2"
	    " ORDER BY c.article_id", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, today - CLICK_DAYS);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, CLICK_READERS);
	for (;;) {
		rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
		id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
		if (id != last && last >= 0 && (size_t)last < nids) {
			/* The queries of the article before, as one text. */
			if (t == NULL && (t = tokenizer_new(store_dict())) ==
			    NULL)
				break;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				ids = xreallocarray(ids, cap, sizeof(*ids));
				blobs = xreallocarray(blobs, cap,
				    sizeof(*blobs));
			}
			ids[n] = last;
			buf_init(&blobs[n]);
			texts[SEARCH_ALIASES] = text.data;
			if (terms_make(t, texts, &blobs[n]) == 0)
				n++;
			else
				buf_free(&blobs[n]);
			buf_reset(&text);
		}
		if (rc != SQLITE_ROW)
			break;
		if (text.len > 0)
			buf_putc(&text, '\n');
		buf_puts(&text, (const char *)sqlite3_column_text(st, 1));
		last = id;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		log_warnx("snapshot: \"searched as\": %s", sqlite3_errmsg(db));
	else if (n > 0)
		ix = search_index_from(ids, blobs, n, nids);
	for (i = 0; i < n; i++)
		buf_free(&blobs[i]);
	free(blobs);
	free(ids);
	buf_free(&text);
	tokenizer_free(t);
	return ix;
}

/*
 * Builds a whole new snapshot after an import: the catalog with the
 * words and synonyms of the folder articles, the counts, the top list.
 * Returns 0, or -1 (logged) leaving the current snapshot in place.
 */
int
snapshot_import(sqlite3 *db, const char *articles)
{
	struct snapshot	*s;
	struct catalog	*c;

	c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->lexicon = search_lexicon_load(db);
	c->synonyms = search_synonyms_load(articles);
	c->index = search_index_load(db);
	c->categories = category_load(db);
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->catalog = c;
	if (c->index == NULL || c->categories == NULL ||
	    load_catalog(db, c) == -1 ||
	    load_hits(db, s) == -1 || load_top(db, s) == -1) {
		log_warnx("snapshot: %s", sqlite3_errmsg(db));
		snapshot_free(s);
		return -1;
	}
	compute_popularity(s);
	popularity_done = clock_seconds();
	s->learned_day = clock_seconds() / 86400;
	s->learned = load_learned(db, s->nids, s->learned_day);
	s->generation = ++generation;
	s->import_generation = s->generation;
	publish(s);
	return 0;
}

/*
 * Builds a snapshot after a hits flush: the current catalog, the counts
 * with the n flushed deltas d added, and the top list again.  Returns 0,
 * or -1 (logged).
 */
int
snapshot_hits(sqlite3 *db, const struct hit_delta *d, size_t n)
{
	struct snapshot	*s, *cur;
	size_t		 i;

	if ((cur = snapshot_acquire()) == NULL)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->catalog = cur->catalog;
	atomic_fetch_add(&s->catalog->refs, 1);
	s->nids = cur->nids;
	s->hits = xreallocarray(NULL, s->nids, sizeof(*s->hits));
	memcpy(s->hits, cur->hits, s->nids * sizeof(*s->hits));
	for (i = 0; i < n; i++)
		if (d[i].id >= 0 && (size_t)d[i].id < s->nids)
			s->hits[d[i].id] += (int64_t)d[i].n;
	if (clock_seconds() - popularity_done >= POPULARITY_EVERY) {
		compute_popularity(s);
		popularity_done = clock_seconds();
	} else {
		s->popularity = xmalloc(s->nids);
		memcpy(s->popularity, cur->popularity, s->nids);
	}
	s->import_generation = cur->import_generation;
	s->learned = cur->learned;
	search_index_ref(s->learned);
	s->learned_day = cur->learned_day;
	snapshot_release(cur);
	if (load_top(db, s) == -1) {
		log_warnx("snapshot: %s", sqlite3_errmsg(db));
		snapshot_free(s);
		return -1;
	}
	s->generation = ++generation;
	publish(s);
	return 0;
}

/* Drops the current snapshot; readers still holding it keep it alive. */
void
snapshot_shutdown(void)
{
	publish(NULL);
}

/*
 * The current generation: of the whole snapshot, or with imports set,
 * of its catalog (what changes only with the articles).  0 before the
 * first snapshot.
 */
uint64_t
snapshot_generation(int imports)
{
	struct snapshot	*s = snapshot_acquire();
	uint64_t	 g = 0;

	if (s != NULL)
		g = imports ? s->import_generation : s->generation;
	snapshot_release(s);
	return g;
}

/* How many articles are published, as of s. */
size_t
snapshot_articles(const struct snapshot *s)
{
	return s != NULL ? s->catalog->n : 0;
}

/* Returns the id of the published article slug, or -1. */
int64_t
snapshot_find(const struct snapshot *s, const char *slug)
{
	struct cat_entry	 key, *e;

	if (s == NULL || s->catalog->n == 0)
		return -1;
	key.slug = (char *)(uintptr_t)slug;
	e = bsearch(&key, s->catalog->by_slug, s->catalog->n,
	    sizeof(*s->catalog->by_slug), entry_cmp);
	return e != NULL ? e->id : -1;
}

/*
 * A stamp for what a page of article id shows: it changes when the
 * article's content changes and when its stored hits change.
 */
uint64_t
snapshot_article_stamp(const struct snapshot *s, int64_t id)
{
	if (s == NULL || id < 0 || (size_t)id >= s->nids)
		return 0;
	return s->catalog->version[id] ^ (uint64_t)s->hits[id] *
	    0x9E3779B97F4A7C15ULL;
}

/* The published categories as of s (never NULL once s is). */
const struct categories *
snapshot_categories(const struct snapshot *s)
{
	return s != NULL ? s->catalog->categories : NULL;
}

/* The stored hits of article id as of s; 0 for an unknown one. */
int64_t
snapshot_article_hits(const struct snapshot *s, int64_t id)
{
	if (s == NULL || id < 0 || (size_t)id >= s->nids)
		return 0;
	return s->hits[id];
}

/* A stamp of article id's content alone; 0 when it is not published. */
uint64_t
snapshot_article_version(const struct snapshot *s, int64_t id)
{
	if (s == NULL || id < 0 || (size_t)id >= s->catalog->nids)
		return 0;
	return s->catalog->version[id];
}

/*
 * Builds a snapshot with what readers searched to reach articles read
 * again (after a flush that wrote clicks, or on a new day: old clicks
 * stop counting), the rest shared with the current one.  Returns 0, or
 * -1 (logged).
 */
int
snapshot_learned(sqlite3 *db)
{
	struct snapshot	*s, *cur;

	if ((cur = snapshot_acquire()) == NULL)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->catalog = cur->catalog;
	atomic_fetch_add(&s->catalog->refs, 1);
	s->nids = cur->nids;
	s->hits = xreallocarray(NULL, s->nids, sizeof(*s->hits));
	memcpy(s->hits, cur->hits, s->nids * sizeof(*s->hits));
	s->popularity = xmalloc(s->nids);
	memcpy(s->popularity, cur->popularity, s->nids);
	s->import_generation = cur->import_generation;
	snapshot_release(cur);
	s->learned_day = clock_seconds() / 86400;
	s->learned = load_learned(db, s->nids, s->learned_day);
	if (load_top(db, s) == -1) {
		log_warnx("snapshot: %s", sqlite3_errmsg(db));
		snapshot_free(s);
		return -1;
	}
	s->generation = ++generation;
	publish(s);
	return 0;
}

/* Is the "searched as" index of the current snapshot from an older day? */
int
snapshot_learned_stale(void)
{
	struct snapshot	*s = snapshot_acquire();
	int		 stale;

	stale = s != NULL && s->learned_day != clock_seconds() / 86400;
	snapshot_release(s);
	return stale;
}
