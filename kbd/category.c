/*
 * category.c (service): the categories customers browse: each published
 * article's "category" from its front matter, with a stable slug for its
 * URL (/k/<slug>): the name in lowercase ASCII, umlauts written out,
 * every other run of characters one '-' ("Dynamisches DNS":
 * dynamisches-dns, "Über uns/Impressum": ueber-uns-impressum), or, for a
 * name with no such letter at all, "k-" and a hash of the name.  Names
 * that come out the same ("E-Mail", "E Mail") are one category, named as
 * most of its articles have it.  The list is built by the writer with
 * each snapshot's catalog (after an import) and read-only after that;
 * how the articles rank in it (their hits) is the snapshot's.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

/* What category_load() collects, row by row. */
struct collect {
	struct categories	*set;
	size_t			 cap;		/* of set->c */
	size_t			 ecap;		/* of the last category's e */
	char			*name;		/* the last row's category */
};

/*
 * Writes the slug of the category name into b: see the top of this file.
 * The same name always gives the same slug.
 */
void
category_slug(struct buf *b, const char *name)
{
	size_t	 start = b->len;

	escape_slug(b, name, KBD_MAX_SLUG);
	if (b->len == start)
		buf_printf(b, "k-%08llx", (unsigned long long)(hash_fnv(name,
		    strlen(name)) & 0xffffffffULL));
}

static void
add_row(void *arg, const struct store_article *a)
{
	struct collect		*co = arg;
	struct categories	*set = co->set;
	struct category		*c;
	struct buf		 slug;

	if (co->name == NULL || strcmp(co->name, a->category) != 0) {
		if (set->n == co->cap) {
			co->cap = co->cap ? co->cap * 2 : 16;
			set->c = xreallocarray(set->c, co->cap,
			    sizeof(*set->c));
		}
		c = &set->c[set->n++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(a->category);
		buf_init(&slug);
		category_slug(&slug, a->category);
		c->slug = buf_detach(&slug, NULL);
		co->ecap = 0;
		free(co->name);
		co->name = xstrdup(a->category);
	}
	c = &set->c[set->n - 1];
	if (c->n == co->ecap) {
		co->ecap = co->ecap ? co->ecap * 2 : 8;
		c->e = xreallocarray(c->e, co->ecap, sizeof(*c->e));
	}
	c->e[c->n].id = a->id;
	c->e[c->n].slug = xstrdup(a->slug);
	c->e[c->n].title = xstrdup(a->title);
	c->n++;
}

static int
by_slug(const void *a, const void *b)
{
	const struct category	*x = a, *y = b;
	int			 d = strcmp(x->slug, y->slug);

	/* Of names with one slug, the one most articles have first. */
	if (d != 0)
		return d;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
by_slug_only(const void *a, const void *b)
{
	return strcmp(((const struct category *)a)->slug,
	    ((const struct category *)b)->slug);
}

static int
entry_by_title(const void *a, const void *b)
{
	const struct category_entry	*x = a, *y = b;
	int				 d = strcmp(x->title, y->title);

	return d != 0 ? d : strcmp(x->slug, y->slug);
}

static void
category_clear(struct category *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		free(c->e[i].slug);
		free(c->e[i].title);
	}
	free(c->e);
	free(c->name);
	free(c->slug);
}

/* Folds the categories with one slug into the first of them. */
static void
merge_same_slugs(struct categories *set)
{
	struct category	*into, *c;
	size_t		 i, w = 0;

	for (i = 0; i < set->n; i++) {
		c = &set->c[i];
		if (w > 0 && strcmp(set->c[w - 1].slug, c->slug) == 0) {
			into = &set->c[w - 1];
			into->e = xreallocarray(into->e, into->n + c->n,
			    sizeof(*into->e));
			memcpy(into->e + into->n, c->e, c->n * sizeof(*c->e));
			into->n += c->n;
			c->n = 0;
			category_clear(c);
			qsort(into->e, into->n, sizeof(*into->e),
			    entry_by_title);
			continue;
		}
		set->c[w++] = *c;
	}
	set->n = w;
}

/*
 * Reads the categories of the published articles from db (the writer's
 * connection), each with its articles by title, the categories by slug.
 * Returns them (the caller frees them with category_free()), or NULL
 * when the database failed.
 */
struct categories *
category_load(sqlite3 *db)
{
	struct collect	 co;

	memset(&co, 0, sizeof(co));
	co.set = xcalloc(1, sizeof(*co.set));
	if (store_categories_each(db, add_row, &co) == -1) {
		free(co.name);
		category_free(co.set);
		return NULL;
	}
	free(co.name);
	if (co.set->n > 0)
		qsort(co.set->c, co.set->n, sizeof(*co.set->c), by_slug);
	merge_same_slugs(co.set);
	return co.set;
}

void
category_free(struct categories *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		category_clear(&set->c[i]);
	free(set->c);
	free(set);
}

/* The category whose slug is slug, or NULL. */
const struct category *
category_find(const struct categories *set, const char *slug)
{
	struct category	 key;

	if (set == NULL || set->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.slug = (char *)(uintptr_t)slug;
	return bsearch(&key, set->c, set->n, sizeof(*set->c), by_slug_only);
}
