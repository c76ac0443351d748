/*
 * snapshot.c: the hot data every page needs, kept ready in memory.  A
 * snapshot is immutable once published; the writer builds a new one after
 * an import or a hits flush and swaps it in, and a reader holds a
 * reference while it uses one.  The lock only guards the swap and the
 * reference count, never any I/O.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define POPULARITY_EVERY	60	/* seconds between popularity reloads */
#define BYTES_PER_TOKEN		7	/* of German text, about */

static pthread_mutex_t	 swap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot	*current;
static int64_t		 popularity_loaded;	/* writer only */

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
	free(s->popularity);
	free(s->doclen);
	lexicon_unref(s->lexicon);
	synonyms_unref(s->synonyms);
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

/* Swaps s in as the current snapshot (s may be NULL). */
static void
publish(struct snapshot *s)
{
	struct snapshot	*old;

	pthread_mutex_lock(&swap_lock);
	old = current;
	current = s;
	pthread_mutex_unlock(&swap_lock);
	snapshot_release(old);
}

/*
 * Loads every article's popularity: log(1 + hits) scaled so that the most
 * read article has 255.  Hits change slowly against that scale, so this
 * runs after imports and once a minute, not after every flush.
 */
static int
load_popularity(sqlite3 *db, struct snapshot *s)
{
	sqlite3_stmt	*st = NULL;
	double		 top = 0.0, sum = 0.0, count = 0.0;
	int64_t		 id, hits, len;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT max(id), max(hits) FROM article"
	    " WHERE state = 'published'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		s->npopularity = (size_t)sqlite3_column_int64(st, 0) + 1;
		top = log1p((double)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return -1;
	s->popularity = xcalloc(s->npopularity, 1);
	s->doclen = xcalloc(s->npopularity, sizeof(*s->doclen));
	rc = sqlite3_prepare_v2(db, "SELECT id, hits, length(title) +"
	    " length(tags) + length(body_text) FROM article WHERE"
	    " state = 'published'", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		hits = sqlite3_column_int64(st, 1);
		len = sqlite3_column_int64(st, 2) / BYTES_PER_TOKEN + 1;
		if (id >= 0 && (size_t)id < s->npopularity) {
			s->popularity[id] = top > 0.0 ? (uint8_t)lround(255.0 *
			    log1p((double)hits) / top) : 0;
			s->doclen[id] = len > UINT16_MAX ? UINT16_MAX :
			    (uint16_t)len;
			sum += (double)s->doclen[id];
			count++;
		}
		rc = SQLITE_OK;
	}
	s->avgdoclen = count > 0 ? sum / count : 1.0;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * About how many tokens article id has (for BM25's length normalisation;
 * reading FTS5's exact count costs a lookup per row), or 0 when unknown.
 */
double
snapshot_doclen(const struct snapshot *s, int64_t id, double *avg)
{
	if (s == NULL || s->doclen == NULL || id < 0 ||
	    (size_t)id >= s->npopularity || s->doclen[id] == 0)
		return 0.0;
	*avg = s->avgdoclen;
	return s->doclen[id];
}

/* How often article id is read, from 0 to 1, as of the snapshot s. */
double
snapshot_popularity(const struct snapshot *s, int64_t id)
{
	if (s == NULL || id < 0 || (size_t)id >= s->npopularity)
		return 0.0;
	return s->popularity[id] / 255.0;
}

/*
 * Builds a new snapshot from db and publishes it.  It takes over lex and
 * syn (the words and synonyms after an import); when they are NULL, it
 * shares those of the current snapshot.  Returns 0 or -1.
 */
int
snapshot_rebuild(sqlite3 *db, struct lexicon *lex, struct synonyms *syn)
{
	struct snapshot		*s, *cur;
	struct top_entry	*e;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	cur = snapshot_acquire();
	s->lexicon = lex;
	if (lex == NULL && cur != NULL) {
		s->lexicon = cur->lexicon;
		lexicon_ref(s->lexicon);
	}
	s->synonyms = syn;
	if (syn == NULL && cur != NULL) {
		s->synonyms = cur->synonyms;
		synonyms_ref(s->synonyms);
	}
	if (lex != NULL || cur == NULL ||
	    wall_seconds() - popularity_loaded >= POPULARITY_EVERY) {
		if (load_popularity(db, s) == -1)
			log_warnx("snapshot: %s", sqlite3_errmsg(db));
		popularity_loaded = wall_seconds();
	} else if (cur->npopularity > 0) {
		s->npopularity = cur->npopularity;
		s->popularity = xmalloc(s->npopularity);
		memcpy(s->popularity, cur->popularity, s->npopularity);
		s->doclen = xreallocarray(NULL, s->npopularity,
		    sizeof(*s->doclen));
		memcpy(s->doclen, cur->doclen, s->npopularity *
		    sizeof(*s->doclen));
		s->avgdoclen = cur->avgdoclen;
	}
	snapshot_release(cur);
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
	if (rc != SQLITE_DONE) {
		log_warnx("snapshot: %s", sqlite3_errmsg(db));
		snapshot_free(s);
		return -1;
	}
	publish(s);
	return 0;
}

/* Drops the current snapshot; readers still holding it keep it alive. */
void
snapshot_shutdown(void)
{
	publish(NULL);
}
