/*
 * diff.c (base): which lines of one text became which of another, for the
 * revision history.  Lines common to both ends are taken off first
 * (most edits touch a few lines), then the longest common subsequence
 * of the rest is found by dynamic programming.  When the rest is too
 * large for that (more than DIFF_MAX_CELLS line pairs), it is shown as
 * removed and added whole: correct, only less precise, and bounded in
 * time and memory whatever a revision holds.
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define DIFF_MAX_CELLS	(4 * 1024 * 1024)

struct line {
	const char	*s;
	size_t		 n;		/* without the '\n' */
};

static struct line *
split(const char *text, size_t *count)
{
	struct line	*v = xcalloc(1, sizeof(*v));	/* never NULL */
	size_t		 n = 0, cap = 1;
	const char	*p = text, *nl;

	while (*p != '\0') {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		nl = strchr(p, '\n');
		v[n].s = p;
		v[n].n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		n++;
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
	*count = n;
	return v;
}

static int
same(const struct line *a, const struct line *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* The middle parts a[0..n) and b[0..m), by LCS or whole. */
static void
diff_middle(const struct line *a, size_t n, const struct line *b, size_t m,
    diff_fn fn, void *arg)
{
	unsigned int	*t;
	size_t		 i, j, w = m + 1;

	if (n == 0 || m == 0 || n > DIFF_MAX_CELLS / m) {
		for (i = 0; i < n; i++)
			fn(arg, '-', a[i].s, a[i].n);
		for (j = 0; j < m; j++)
			fn(arg, '+', b[j].s, b[j].n);
		return;
	}
	/* t[i][j]: the LCS length of a[i..n) and b[j..m). */
	t = xcalloc((n + 1) * w, sizeof(*t));
	for (i = n; i-- > 0; )
		for (j = m; j-- > 0; )
			t[i * w + j] = same(&a[i], &b[j]) ?
			    t[(i + 1) * w + j + 1] + 1 :
			    (t[(i + 1) * w + j] > t[i * w + j + 1] ?
			    t[(i + 1) * w + j] : t[i * w + j + 1]);
	for (i = 0, j = 0; i < n || j < m; ) {
		if (i < n && j < m && same(&a[i], &b[j])) {
			fn(arg, ' ', a[i].s, a[i].n);
			i++;
			j++;
		} else if (i < n && (j == m ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			fn(arg, '-', a[i].s, a[i].n);	/* removed first */
			i++;
		} else {
			fn(arg, '+', b[j].s, b[j].n);
			j++;
		}
	}
	free(t);
}

/*
 * Calls fn(arg, op, line, len) for each line of the way from text a to
 * text b, in order: op ' ' for a line of both, '-' for a line only a
 * has, '+' for a line only b has.  Returns 0 when the texts have the
 * same lines, else the number of lines in the part that differs.
 */
size_t
diff_lines(const char *a, const char *b, diff_fn fn, void *arg)
{
	struct line	*la, *lb;
	size_t		 na, nb, pre = 0, post = 0, i, changed = 0;

	la = split(a, &na);
	lb = split(b, &nb);
	while (pre < na && pre < nb && same(&la[pre], &lb[pre]))
		pre++;
	while (post < na - pre && post < nb - pre &&
	    same(&la[na - 1 - post], &lb[nb - 1 - post]))
		post++;
	for (i = 0; i < pre; i++)
		fn(arg, ' ', la[i].s, la[i].n);
	diff_middle(la + pre, na - pre - post, lb + pre, nb - pre - post, fn,
	    arg);
	for (i = na - post; i < na; i++)
		fn(arg, ' ', la[i].s, la[i].n);
	changed = (na - pre - post) + (nb - pre - post);
	free(la);
	free(lb);
	return changed;
}
