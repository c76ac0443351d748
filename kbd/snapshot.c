/*
 * snapshot.c (service): the hot data every request needs, kept ready in memory.
 * A snapshot is immutable once published; the writer builds a new one and swaps
 * it in, and a reader holds a reference while it uses one.  The lock only
 * guards the swap and the reference count, never any I/O.
 *
 * It has two parts with two rhythms.  The catalog changes with the
 * articles (after an import): which slugs exist and when they changed,
 * each article's length, the lexicon, the synonyms, the ranking's index.
 * The counts change with the hits flush, once a second: each article's
 * stored hits, its popularity, and the top list.  A flush copies the
 * counts and patches the articles that were read, sharing the catalog.
 * What readers searched to reach articles ("searched as") changes with
 * their clicks: it is rebuilt when a flush wrote some, or a day passed.
 *
 * An import of the whole folder builds the catalog from the database. An
 * editor's save (or a file that inotify names) changes a few articles of
 * thousands: snapshot_patch() makes the next catalog from the last one and the
 * import's account of what changed (import_files), without reading the tables
 * again: the slugs and versions copied and changed, the lexicon and the search
 * index patched (search_lexicon_patch, search_index_patch), the categories
 * shared unless a save changed an article's category, title or slug.  A patched
 * snapshot answers as a rebuilt one would; tests/unit/t_import.c holds them
 * against each other.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define POPULARITY_EVERY	60	/* seconds between popularity updates */

/* What changes only with the articles; shared by snapshots. */
struct catalog {
	atomic_int		 refs;
	struct cat_entry {
		const char	*slug;		/* in slugs */
		int64_t		 id;
	}			*by_slug;	/* sorted by slug */
	size_t			 n;
	char			*slugs;		/* the slugs, NUL-terminated */
	size_t			 slugs_len;
	size_t			 nids;		/* largest id + 1 */
	uint64_t		*version;	/* by id, of the content; 0: none */
	struct lexicon		*lexicon;
	struct synonyms		*synonyms;
	struct search_index	*index;		/* what the ranking reads */
	struct shared_cats	*cats;		/* the categories */
};

/*
 * The categories (category.c), shared by catalogs as long as saves leave
 * them as they are (the category, title and slug of every article in
 * one), so that a save need not read every article to list them again.
 */
struct shared_cats {
	atomic_int		 refs;
	struct categories	*set;
};

static pthread_mutex_t	 swap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot	*current;
static uint64_t		 generation;		/* writer only */
static int64_t		 popularity_done;	/* writer only */
static struct tokenizer	*patch_tok;		/* writer only */

/* Categories with one reference, or NULL when they cannot be read. */
static struct shared_cats *
cats_load(sqlite3 *db)
{
	struct shared_cats	*sc;
	struct categories	*set;

	if ((set = category_load(db)) == NULL)
		return NULL;
	sc = xcalloc(1, sizeof(*sc));
	atomic_init(&sc->refs, 1);
	sc->set = set;
	return sc;
}

static void
cats_unref(struct shared_cats *sc)
{
	if (sc == NULL || atomic_fetch_sub(&sc->refs, 1) != 1)
		return;
	category_free(sc->set);
	free(sc);
}

static void
catalog_unref(struct catalog *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	free(c->by_slug);
	free(c->slugs);
	free(c->version);
	search_lexicon_unref(c->lexicon);
	search_synonyms_unref(c->synonyms);
	search_index_unref(c->index);
	cats_unref(c->cats);
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

/* What load_catalog() gathers, row by row. */
struct catalog_load {
	struct catalog	*c;
	struct buf	 slugs;
	size_t		 cap;
	size_t		*off;
};

static void
catalog_row(void *arg, int64_t id, const char *slug, size_t nslug,
    const char *hash)
{
	struct catalog_load	*l = arg;
	struct catalog		*c = l->c;

	if (id < 0 || (size_t)id >= c->nids)
		return;
	if (c->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		c->by_slug = xreallocarray(c->by_slug, l->cap,
		    sizeof(*c->by_slug));
		l->off = xreallocarray(l->off, l->cap, sizeof(*l->off));
	}
	l->off[c->n] = l->slugs.len;
	buf_put(&l->slugs, slug, nslug + 1);
	c->by_slug[c->n].id = id;
	c->n++;
	/* The content hash: a change within a second changes it. */
	c->version[id] = text_hash(hash) | 1;
}

/* Reads the published articles' slugs and versions. */
static int
load_catalog(sqlite3 *db, struct catalog *c)
{
	struct catalog_load	 l;
	int64_t			 max;
	size_t			 i;
	int			 rc;

	if ((max = store_article_max_id(db)) < 0)
		return -1;
	c->nids = (size_t)max + 1;
	c->version = xcalloc(c->nids, sizeof(*c->version));
	memset(&l, 0, sizeof(l));
	l.c = c;
	buf_init(&l.slugs);
	rc = store_article_published_each(db, catalog_row, &l);
	/* The pool moved while it grew: point into it only now. */
	buf_put(&l.slugs, "", 1);
	c->slugs = buf_detach(&l.slugs, &c->slugs_len);
	for (i = 0; i < c->n; i++)
		c->by_slug[i].slug = c->slugs + l.off[i];
	free(l.off);
	if (rc == -1)
		return -1;
	if (c->n > 0)
		qsort(c->by_slug, c->n, sizeof(*c->by_slug), entry_cmp);
	return 0;
}

static void
hits_row(void *arg, int64_t id, int64_t hits)
{
	struct snapshot	*s = arg;

	if (id >= 0 && (size_t)id < s->nids)
		s->hits[id] = hits;
}

/* Reads every article's stored hits. */
static int
load_hits(sqlite3 *db, struct snapshot *s)
{
	s->nids = s->catalog->nids;
	s->hits = xcalloc(s->nids, sizeof(*s->hits));
	return store_article_hits_each(db, hits_row, s);
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

static void
top_row(void *arg, const struct store_article *a)
{
	struct snapshot		*s = arg;
	struct top_entry	*e;

	if (s->ntop == KBD_TOP_MAX)
		return;
	e = &s->top[s->ntop++];
	e->id = a->id;
	e->slug = xstrdup(a->slug);
	e->title = xstrdup(a->title);
	e->category = xstrdup(a->category);
	e->hits = a->hits;
}

static int
load_top(sqlite3 *db, struct snapshot *s)
{
	s->top = xcalloc(KBD_TOP_MAX, sizeof(*s->top));
	return store_article_top(db, KBD_TOP_MAX, top_row, s);
}

/* What load_learned() gathers: the queries, article by article. */
struct learned_load {
	struct tokenizer	*t;
	struct buf		*blobs, text;
	int64_t			*ids, last;
	size_t			 n, cap, nids;
	int			 failed;
};

/* The queries of the article before, as one term vector. */
static void
learned_flush(struct learned_load *l)
{
	const char	*texts[SEARCH_FIELDS] = { NULL, NULL, NULL, NULL };

	if (l->last < 0 || (size_t)l->last >= l->nids || l->failed)
		goto done;
	if (l->t == NULL && (l->t = tokenizer_new(store_dict())) == NULL) {
		l->failed = 1;
		goto done;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
		l->blobs = xreallocarray(l->blobs, l->cap, sizeof(*l->blobs));
	}
	l->ids[l->n] = l->last;
	buf_init(&l->blobs[l->n]);
	texts[SEARCH_ALIASES] = l->text.data;
	if (terms_make(l->t, texts, &l->blobs[l->n]) == 0)
		l->n++;
	else
		buf_free(&l->blobs[l->n]);
done:
	buf_reset(&l->text);
}

static void
learned_row(void *arg, int64_t id, const char *query)
{
	struct learned_load	*l = arg;

	if (id != l->last && l->last >= 0)
		learned_flush(l);
	if (l->text.len > 0)
		buf_putc(&l->text, '\n');
	buf_puts(&l->text, query);
	l->last = id;
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
	struct learned_load	 l;
	size_t			 i;

	memset(&l, 0, sizeof(l));
	l.last = -1;
	l.nids = nids;
	buf_init(&l.text);
	if (store_article_clicks_each(db, today - CLICK_DAYS, CLICK_READERS,
	    learned_row, &l) == -1)
		log_warnx("snapshot: \"searched as\": %s", store_error(db));
	else {
		learned_flush(&l);
		if (l.n > 0 && !l.failed)
			ix = search_index_from(l.ids, l.blobs, l.n, nids);
	}
	for (i = 0; i < l.n; i++)
		buf_free(&l.blobs[i]);
	free(l.blobs);
	free(l.ids);
	buf_free(&l.text);
	tokenizer_free(l.t);
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
	c->cats = cats_load(db);
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->catalog = c;
	if (c->index == NULL || c->cats == NULL ||
	    load_catalog(db, c) == -1 ||
	    load_hits(db, s) == -1 || load_top(db, s) == -1) {
		log_warnx("snapshot: %s", store_error(db));
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

/* Is article id one of those ch changed? */
static int
changed(const struct import_changes *ch, int64_t id)
{
	size_t	 i;

	for (i = 0; i < ch->n; i++)
		if (ch->v[i].id == id)
			return 1;
	return 0;
}

/* Do the categories stay as they were after the changes ch? */
static int
same_categories(const struct import_changes *ch)
{
	const struct import_change	*v;
	size_t				 i;

	for (i = 0; i < ch->n; i++) {
		v = &ch->v[i];
		/* Listed in none before or after. */
		if ((!v->was_live || *v->old_category == '\0') &&
		    (!v->live || *v->category == '\0'))
			continue;
		if (!v->was_live || !v->live ||
		    strcmp(v->old_slug, v->slug) != 0 ||
		    strcmp(v->old_category, v->category) != 0 ||
		    strcmp(v->old_text[0], v->text[0]) != 0)
			return 0;
	}
	return 1;
}

/*
 * The catalog cur with the articles of ch as they are now: the slugs and
 * versions copied and changed, the lexicon and the index patched.
 */
static struct catalog *
patch_catalog(sqlite3 *db, const struct catalog *cur,
    const struct import_changes *ch)
{
	struct catalog		*c = xcalloc(1, sizeof(*c));
	struct index_change	*ic = xcalloc(ch->n + 1, sizeof(*ic));
	const struct import_change *v;
	struct cat_entry	 key, *e;
	size_t			 i, k, need = cur->slugs_len;

	atomic_init(&c->refs, 1);
	c->nids = cur->nids;
	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].id >= 0 && (size_t)ch->v[i].id >= c->nids)
			c->nids = (size_t)ch->v[i].id + 1;
		if (ch->v[i].live)
			need += strlen(ch->v[i].slug) + 1;
	}
	c->version = xcalloc(c->nids, sizeof(*c->version));
	memcpy(c->version, cur->version, cur->nids * sizeof(*c->version));
	/* The slugs: the others kept in order, the changed ones put in. */
	c->slugs = xmalloc(need);
	memcpy(c->slugs, cur->slugs, cur->slugs_len);
	c->slugs_len = cur->slugs_len;
	c->by_slug = xcalloc(cur->n + ch->n + 1, sizeof(*c->by_slug));
	for (i = 0; i < cur->n; i++) {
		if (changed(ch, cur->by_slug[i].id))
			continue;
		c->by_slug[c->n].id = cur->by_slug[i].id;
		c->by_slug[c->n++].slug = c->slugs +
		    (cur->by_slug[i].slug - cur->slugs);
	}
	for (i = 0; i < ch->n; i++) {
		v = &ch->v[i];
		if (v->id < 0)
			continue;
		c->version[v->id] = v->live ? text_hash(v->hash) | 1 : 0;
		if (!v->live)
			continue;
		key.slug = v->slug;
		for (k = 0; k < c->n && entry_cmp(&c->by_slug[k], &key) < 0;
		    k++)
			;
		memmove(&c->by_slug[k + 1], &c->by_slug[k],
		    (c->n - k) * sizeof(*c->by_slug));
		e = &c->by_slug[k];
		e->id = v->id;
		e->slug = c->slugs + c->slugs_len;
		memcpy(c->slugs + c->slugs_len, v->slug, strlen(v->slug) + 1);
		c->slugs_len += strlen(v->slug) + 1;
		c->n++;
	}
	if (patch_tok == NULL)
		patch_tok = tokenizer_new(store_dict());
	c->lexicon = patch_tok != NULL ? search_lexicon_patch(cur->lexicon,
	    patch_tok, ch) : NULL;
	c->synonyms = cur->synonyms;
	search_synonyms_ref(c->synonyms);
	if (same_categories(ch)) {
		c->cats = cur->cats;
		atomic_fetch_add(&c->cats->refs, 1);
	} else
		c->cats = cats_load(db);
	for (i = 0; i < ch->n; i++) {
		ic[i].id = ch->v[i].id;
		ic[i].old = ch->v[i].was_live ? &ch->v[i].old_terms : NULL;
		ic[i].now = ch->v[i].live ? &ch->v[i].terms : NULL;
	}
	c->index = search_index_patch(cur->index, ic, ch->n, c->nids);
	free(ic);
	return c;
}

/*
 * Builds the snapshot after an import of a few files (import_files) from
 * the current one and what changed, ch: the catalog patched, the stored
 * hits of the changed articles, the top list read again.  Returns 0, or
 * -1 when it cannot (no snapshot yet, no tokenizer): the caller builds
 * a whole one then (snapshot_import).
 */
int
snapshot_patch(sqlite3 *db, const struct import_changes *ch)
{
	struct snapshot	*s, *cur;
	struct catalog	*c;
	size_t		 i;

	if ((cur = snapshot_acquire()) == NULL)
		return -1;
	if (cur->catalog->index == NULL || cur->catalog->lexicon == NULL) {
		snapshot_release(cur);
		return -1;
	}
	if ((c = patch_catalog(db, cur->catalog, ch))->lexicon == NULL ||
	    c->cats == NULL) {
		catalog_unref(c);
		snapshot_release(cur);
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->catalog = c;
	s->nids = c->nids;
	s->hits = xcalloc(s->nids, sizeof(*s->hits));
	memcpy(s->hits, cur->hits, cur->nids * sizeof(*s->hits));
	for (i = 0; i < ch->n; i++)
		if (ch->v[i].id >= 0)
			s->hits[ch->v[i].id] = ch->v[i].hits;
	compute_popularity(s);
	s->learned = cur->learned;
	search_index_ref(s->learned);
	s->learned_day = cur->learned_day;
	snapshot_release(cur);
	if (load_top(db, s) == -1) {
		log_warnx("snapshot: %s", store_error(db));
		snapshot_free(s);
		return -1;
	}
	s->generation = ++generation;
	s->import_generation = s->generation;
	publish(s);
	return 0;
}

/*
 * A snapshot with new counts: the current catalog, the counts with the
 * n deltas d added, or, with reload, read again from db, and the top
 * list again.  Returns 0, or -1 (logged).
 */
static int
next_hits(sqlite3 *db, const struct hit_delta *d, size_t n, int reload)
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
	if (reload && store_article_hits_each(db, hits_row, s) == -1) {
		log_warnx("snapshot: %s", store_error(db));
		snapshot_release(cur);
		snapshot_free(s);
		return -1;
	}
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
		log_warnx("snapshot: %s", store_error(db));
		snapshot_free(s);
		return -1;
	}
	s->generation = ++generation;
	publish(s);
	return 0;
}

/*
 * Builds a snapshot after a hits flush: the counts with the n flushed
 * deltas d added.  Returns 0, or -1 (logged).
 */
int
snapshot_hits(sqlite3 *db, const struct hit_delta *d, size_t n)
{
	return next_hits(db, d, n, 0);
}

/*
 * Builds a snapshot with every article's hits read again from db, after
 * a cluster's counts were set there (cluster mode).  Returns 0, or -1
 * (logged).
 */
int
snapshot_hits_reload(sqlite3 *db)
{
	return next_hits(db, NULL, 0, 1);
}

/* Drops the current snapshot; readers still holding it keep it alive. */
void
snapshot_shutdown(void)
{
	publish(NULL);
	tokenizer_free(patch_tok);
	patch_tok = NULL;
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
	return s != NULL && s->catalog->cats != NULL ?
	    s->catalog->cats->set : NULL;
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
		log_warnx("snapshot: %s", store_error(db));
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
