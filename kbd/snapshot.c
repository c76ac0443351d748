/*
 * snapshot.c: the hot data every page needs, kept ready in memory.  A
 * snapshot is immutable once published; the writer builds a new one after
 * an import or a hits flush and swaps it in, and a reader holds a
 * reference while it uses one.  The lock only guards the swap and the
 * reference count, never any I/O.
 */
#include <pthread.h>
#include <stdlib.h>

#include "kbd.h"

static pthread_mutex_t	 swap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot	*current;

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

/* Builds a new snapshot from db and publishes it.  Returns 0 or -1. */
int
snapshot_rebuild(sqlite3 *db)
{
	struct snapshot		*s;
	struct top_entry	*e;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
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
