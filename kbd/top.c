/*
 * top.c (service): the most read articles, of all time or of the last days, for
 * /api/top and the embeddable lists.  All time comes from the snapshot,
 * which the writer rebuilds after each hits flush.  The last N days are
 * summed from the daily buckets (hit_day) by the reader of the calling
 * thread; the answers that show them are cached by the hits generation
 * and the day, so this runs at most once per flush and list.  A short
 * list (a quiet week) is filled up with the all-time favourites, with 0
 * views in the period, so that a widget is never empty while there are
 * articles.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

/*
 * Parses a period: NULL, "" or "all" (0), or "Nd" with N from 1 to
 * KBD_TOP_DAYS, into *days.  Returns 0, or -1 when s is none of these.
 */
int
top_period(const char *s, int *days)
{
	long long	 v;
	size_t		 len;
	char		 num[8];

	*days = 0;
	if (s == NULL || *s == '\0' || strcmp(s, "all") == 0)
		return 0;
	len = strlen(s);
	if (len < 2 || len > 4 || s[len - 1] != 'd' || s[0] == '0')
		return -1;
	memcpy(num, s, len - 1);
	num[len - 1] = '\0';
	if (num[strspn(num, "0123456789")] != '\0' ||
	    parse_number(num, 1, KBD_TOP_DAYS, &v) == -1)
		return -1;
	*days = (int)v;
	return 0;
}

/*
 * The stamp of a list over days (0: all time): it changes with every
 * hits flush, and at midnight (UTC), when the window moves on.
 */
uint64_t
top_stamp(int days)
{
	uint64_t	 g = snapshot_generation(0);

	if (days == 0)
		return g;
	return g ^ (uint64_t)(clock_seconds() / 86400) * 0x9E3779B97F4A7C15ULL;
}

static void
entry_set(struct top_entry *e, const char *slug, const char *title,
    const char *category, int64_t hits)
{
	e->slug = xstrdup(slug);
	e->title = xstrdup(title);
	e->category = xstrdup(category);
	e->hits = hits;
}

/* Is slug among the first n entries of t? */
static int
listed(const struct top_entry *t, size_t n, const char *slug)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].slug, slug) == 0)
			return 1;
	return 0;
}

/* The list top_get() fills from the database. */
struct top_list {
	struct top_entry	*t;
	size_t			*n;
};

static void
add_row(void *arg, const struct store_article *a)
{
	struct top_list	*l = arg;

	entry_set(&l->t[(*l->n)++], a->slug, a->title, a->category, a->hits);
}

/*
 * Stores the limit (at most KBD_TOP_MAX) most read published articles of
 * the last days days (0: all time) in *out, their number in *n; hits are
 * those of the period.  The caller frees the list with top_free().
 * Returns 0, or -1 when the database cannot be read (*out is then
 * empty).
 */
int
top_get(int days, size_t limit, struct top_entry **out, size_t *n)
{
	struct snapshot		*s;
	struct reader		*r;
	struct top_entry	*t;
	struct top_list		 l;
	size_t			 i;

	if (limit > KBD_TOP_MAX)
		limit = KBD_TOP_MAX;
	t = xcalloc(limit + 1, sizeof(*t));
	*out = t;
	*n = 0;
	if (days > 0) {
		l.t = t;
		l.n = n;
		/* Today counts as a day: 7d is today and the six before. */
		if ((r = store_reader()) == NULL ||
		    store_top_since(r, clock_seconds() / 86400 - (days - 1),
		    (int)limit, add_row, &l) == -1) {
			log_warnx("top: the database cannot be read");
			return -1;
		}
	}
	s = snapshot_acquire();
	for (i = 0; s != NULL && i < s->ntop && *n < limit; i++)
		if (days == 0 || !listed(t, *n, s->top[i].slug))
			entry_set(&t[(*n)++], s->top[i].slug, s->top[i].title,
			    s->top[i].category, days == 0 ? s->top[i].hits :
			    0);
	snapshot_release(s);
	return 0;
}

void
top_free(struct top_entry *t, size_t n)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(t[i].slug);
		free(t[i].title);
		free(t[i].category);
	}
	free(t);
}
