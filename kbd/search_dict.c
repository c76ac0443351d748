/*
 * search_dict.c (search): the dictionaries the search reads besides the index,
 * to reach an article in words its text does not use:
 *
 *   Ding (Debian's trans-de-en, the source FreeDict's English-German
 *   dictionary is made from): "German :: English" lines whose " | "
 *   parts are aligned and whose "; " parts are synonyms.  It gives the
 *   German words for an English word or phrase ("pie chart":
 *   Kreisdiagramm, Tortendiagramm), and the German words of the same
 *   entry as a German word (Kuvert: Briefumschlag, Umschlag);
 *   OpenThesaurus (Debian's openthesaurus-de-text): one group of German
 *   synonyms per line, "; "-separated.
 *
 * Both are read once at start into one pool and a sorted table of keys
 * (English terms lowercased and folded; German words by their stems), so
 * that a lookup is a binary search.  What the index holds, and how much a
 * match is worth, is search_query.c's and search_rank.c's business: this file
 * only says which words a dictionary puts together.  Either file may be
 * missing; kbd then searches without it.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "german.h"

#define DICT_MAX_LINE	(64 * 1024)
#define DICT_DE_WORDS	3	/* words of a German term kept */
#define DICT_EN_WORDS	4	/* ... of an English one */

/* Kinds of keys. */
enum { KEY_EN, KEY_DE, KEY_THES };

/*
 * A key: a term of a group (by its 64-bit hash alone: two terms of one
 * kind that hash alike are not worth the memory of their texts), and
 * where the group is.
 */
struct dict_key {
	uint64_t	 hash;		/* of the key text, with its kind */
	uint32_t	 group;		/* offset of the group in groups */
	uint16_t	 pos;		/* the term's place in its list */
	uint8_t		 kind;
};

/*
 * The dictionaries every search uses: set once they are read (main.c
 * reads them while the server already answers), taken away only when
 * no search runs any more.
 */
static _Atomic(struct search_dicts *)	 in_use;
static atomic_int			 settled;	/* read, or none */

struct search_dicts {
	struct buf	 groups;	/* see add_group() */
	struct dict_key	*keys;
	size_t		 nkeys, capkeys;
	size_t		 ngroups[2];	/* Ding, OpenThesaurus */
};

/* FNV-1a of the text, the kind mixed in after (not into the start). */
static uint64_t
hash_key(const char *s, size_t n, int kind)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	h ^= (uint64_t)(kind + 1) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 31;
	return h * 0xbf58476d1ce4e5b9ULL;
}

static void
add_key(struct search_dicts *d, const char *s, size_t n, int kind,
    uint32_t group, int pos)
{
	struct dict_key	*k;

	if (n == 0)
		return;
	if (d->nkeys == d->capkeys) {
		d->capkeys = d->capkeys ? d->capkeys * 2 : 65536;
		d->keys = xreallocarray(d->keys, d->capkeys, sizeof(*d->keys));
	}
	k = &d->keys[d->nkeys++];
	k->hash = hash_key(s, n, kind);
	k->group = group;
	k->pos = (uint16_t)(pos > UINT16_MAX ? UINT16_MAX : pos);
	k->kind = (uint8_t)kind;
}

/*
 * Cleans a dictionary term in place: annotations in {}, [], () and <> and
 * abbreviations between slashes go, spaces are made single.  Returns its
 * length; 0 for a term not worth keeping (a phrase with placeholders, an
 * ellipsis, too many words).
 */
static size_t
clean_term(char *t, int max_words)
{
	static const char *const holders[] = { "etw.", "jdn.", "jdm.",
	    "jds.", "sth.", "sb.", "sb's", "...", "…" };
	char	*r = t, *w = t, *e;
	int	 depth = 0, words = 0, space = 1;
	size_t	 i;

	for (; *r != '\0'; r++) {
		/* Ding's abbreviations: "certificate /cert./". */
		if (*r == '/' && (r == t || r[-1] == ' ') && r[1] != '\0' &&
		    (e = strchr(r + 1, '/')) != NULL && (e[1] == '\0' ||
		    e[1] == ' ')) {
			r = e;
			continue;
		}
		if (*r == '{' || *r == '[' || *r == '(' || *r == '<') {
			depth++;
			continue;
		}
		if (*r == '}' || *r == ']' || *r == ')' || *r == '>') {
			if (depth > 0)
				depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (*r == ' ' || *r == '\t') {
			space = 1;
			continue;
		}
		if (space && w > t)
			*w++ = ' ';
		if (space)
			words++;
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
	if (words == 0 || words > max_words)
		return 0;
	/* Placeholders have a dot or an ellipsis ("\xe2\x80\xa6"). */
	for (i = 0; strpbrk(t, ".'\xe2") != NULL && i < nitems(holders); i++)
		if (strstr(t, holders[i]) != NULL)
			return 0;
	return (size_t)(w - t);
}

/*
 * Folds an English term in place, word by word, as the tokenizer folds a
 * query's words (german_fold(): lowercase, accents, "ae"), so that the
 * words of a query find it.  Returns its new length.
 */
static size_t
fold_term(char *t)
{
	size_t	 o = 0, n;
	char	*w, *save;

	for (w = strtok_r(t, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		n = german_fold(w, strlen(w));
		if (o > 0)
			t[o++] = ' ';
		memmove(t + o, w, n);
		o += n;
	}
	t[o] = '\0';
	return o;
}

/*
 * Appends a group: a byte with the number of German terms, one with the
 * English ones, then the terms, NUL-terminated.  Returns its offset.
 */
static uint32_t
add_group(struct search_dicts *d, char **de, int nde, char **en, int nen)
{
	uint32_t	 off = (uint32_t)d->groups.len;
	int		 i;

	buf_putc(&d->groups, (char)nde);
	buf_putc(&d->groups, (char)nen);
	for (i = 0; i < nde; i++)
		buf_put(&d->groups, de[i], strlen(de[i]) + 1);
	for (i = 0; i < nen; i++)
		buf_put(&d->groups, en[i], strlen(en[i]) + 1);
	return off;
}

/* Splits s at sep (a string) into at most max parts; returns how many. */
static int
split(char *s, const char *sep, char **parts, int max)
{
	size_t	 n = strlen(sep);
	char	*p;
	int	 k = 0;

	while (k < max) {
		parts[k++] = s;
		if ((p = strstr(s, sep)) == NULL)
			break;
		*p = '\0';
		s = p + n;
	}
	return k;
}

/* The stem of the German word w[0..n) into out; 0 for phrases. */
static int
german_key(struct german *g, const char *w, size_t n, char *out)
{
	char	 f[GERMAN_MAX_WORD + 1];

	if (n == 0 || n > GERMAN_MAX_WORD || memchr(w, ' ', n) != NULL)
		return 0;
	memcpy(f, w, n);
	/* German nouns are capitalised: lowercase ASCII first. */
	for (size_t i = 0; i < n; i++)
		if (f[i] >= 'A' && f[i] <= 'Z')
			f[i] = (char)(f[i] + 32);
		else if ((unsigned char)f[i] == 0xC3 && i + 1 < n &&
		    (unsigned char)f[i + 1] >= 0x80 &&
		    (unsigned char)f[i + 1] <= 0x9E)
			f[i + 1] = (char)(f[i + 1] + 0x20);	/* Ä -> ä */
	n = german_fold(f, n);
	if (n == 0)
		return 0;
	return german_stem(g, f, (int)n, out);
}

/*
 * Subjects of Ding entries a support knowledge base never needs: left
 * out, they would only bring in senses of a word from another world
 * ("envelope": Hüllkurve) and cost memory.
 */
static const char *const far_subjects[] = {
	"[agr.]", "[anat.]", "[arch.]", "[art]", "[astron.]", "[aviat.]",
	"[biochem.]", "[biol.]", "[bot.]", "[chem.]", "[cook.]",
	"[entomol.]", "[envir.]", "[geogr.]", "[geol.]", "[hist.]",
	"[ichth.]", "[lit.]", "[med.]", "[mil.]", "[min.]", "[mus.]",
	"[naut.]", "[ornith.]", "[pharm.]", "[phil.]", "[phys.]", "[poet.]",
	"[pol.]", "[psych.]", "[relig.]", "[sport]", "[textil.]", "[zool.]",
};

static int
subject_cmp(const void *a, const void *b)
{
	const char	*s = *(const char *const *)a;
	const char	*t = *(const char *const *)b;

	return strncmp(s, t, strcspn(t, "]") + 1);
}

static int
far_subject(const char *line)
{
	const char	*p;

	for (p = line; (p = strchr(p, '[')) != NULL; p++)
		if (bsearch(&p, far_subjects, nitems(far_subjects),
		    sizeof(*far_subjects), subject_cmp) != NULL)
			return 1;
	return 0;
}

/*
 * Is the German side de only plural forms ("Kuverts {pl}")?  Those add
 * nothing: a German word is looked up by its stem, which plural and
 * singular share, and an English plural by its singular too.
 */
static int
plural_only(const char *de)
{
	const char	*p = de, *semi;
	int		 terms = 0, plurals = 0;

	for (;; p = semi + 1) {
		semi = strchr(p, ';');
		terms++;
		if (strstr(p, "{pl}") != NULL && (semi == NULL ||
		    strstr(p, "{pl}") < semi))
			plurals++;
		if (semi == NULL)
			break;
	}
	return terms == plurals;
}

/*
 * An English term with hyphens ("in-box", "e-mail") is also found
 * written together and apart (inbox, in box), as customers write it.
 */
static void
hyphen_keys(struct search_dicts *d, const char *t, uint32_t group, int pos)
{
	char	 buf[256];
	size_t	 i, o, n = strlen(t);

	if (strchr(t, '-') == NULL || n >= sizeof(buf))
		return;
	for (i = 0, o = 0; i < n; i++)
		if (t[i] != '-')
			buf[o++] = t[i];
	if (o > 0)
		add_key(d, buf, o, KEY_EN, group, pos);
	for (i = 0; i < n; i++)
		buf[i] = t[i] == '-' ? ' ' : t[i];
	add_key(d, buf, n, KEY_EN, group, pos);
}

/* One aligned part of a Ding line: German terms and English terms. */
static void
ding_part(struct search_dicts *d, struct german *g, char *de, char *en)
{
	char	*dt[32], *et[32], key[GERMAN_MAX_WORD + 2];
	int	 nd, ne, i, k, kd = 0, ke = 0;
	size_t	 n;
	uint32_t group;

	if (plural_only(de))
		return;
	nd = split(de, ";", dt, (int)nitems(dt));
	ne = split(en, ";", et, (int)nitems(et));
	for (i = 0; i < nd; i++)
		if (clean_term(dt[i], DICT_DE_WORDS) > 0)
			dt[kd++] = dt[i];
	for (i = 0; i < ne; i++) {
		if (clean_term(et[i], DICT_EN_WORDS) == 0)
			continue;
		/* English verbs come as "to merge". */
		if (strncmp(et[i], "to ", 3) == 0)
			et[i] += 3;
		n = fold_term(et[i]);
		if (n > 0)
			et[ke++] = et[i];
	}
	if (kd == 0 || ke == 0 || kd > 255 || ke > 255)
		return;
	group = add_group(d, dt, kd, et, ke);
	d->ngroups[0]++;
	for (i = 0; i < ke; i++) {
		add_key(d, et[i], strlen(et[i]), KEY_EN, group, i);
		hyphen_keys(d, et[i], group, i);
	}
	for (i = 0; i < kd; i++)
		if ((k = german_key(g, dt[i], strlen(dt[i]), key)) > 0)
			add_key(d, key, (size_t)k, KEY_DE, group, i);
}

/* Reads Ding's de-en file at path.  Returns 0, or -1 if unreadable. */
static int
load_ding(struct search_dicts *d, struct german *g, const char *path)
{
	FILE	*f;
	char	*line = NULL, *sides, *dp[64], *ep[64];
	size_t	 cap = 0;
	ssize_t	 len;
	int	 nd, ne, i;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > DICT_MAX_LINE || line[0] == '#')
			continue;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if ((sides = strstr(line, " :: ")) == NULL || far_subject(line))
			continue;
		*sides = '\0';
		nd = split(line, " | ", dp, (int)nitems(dp));
		ne = split(sides + 4, " | ", ep, (int)nitems(ep));
		/* Parts are aligned when both sides have as many. */
		if (nd != ne)
			nd = ne = 1;
		for (i = 0; i < nd; i++)
			ding_part(d, g, dp[i], ep[i]);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Reads OpenThesaurus' text file at path.  Returns 0, or -1. */
static int
load_thesaurus(struct search_dicts *d, struct german *g, const char *path)
{
	FILE	*f;
	char	*line = NULL, *t[64], key[GERMAN_MAX_WORD + 2];
	size_t	 cap = 0;
	ssize_t	 len;
	uint32_t group;
	int	 n, i, k, kept;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > DICT_MAX_LINE || line[0] == '#')
			continue;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		n = split(line, ";", t, (int)nitems(t));
		for (i = 0, kept = 0; i < n; i++)
			if (clean_term(t[i], DICT_DE_WORDS) > 0)
				t[kept++] = t[i];
		if (kept < 2 || kept > 255)
			continue;
		group = add_group(d, t, kept, NULL, 0);
		d->ngroups[1]++;
		for (i = 0; i < kept; i++)
			if ((k = german_key(g, t[i], strlen(t[i]), key)) > 0)
				add_key(d, key, (size_t)k, KEY_THES, group, i);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Sorts the keys by hash: a radix sort, 16 bits a pass. */
static void
sort_keys(struct search_dicts *d)
{
	struct dict_key	*tmp, *from = d->keys, *to, *t;
	size_t		*count, i, sum, c;
	int		 pass;

	tmp = xcalloc(d->nkeys + 1, sizeof(*tmp));
	count = xcalloc(65536, sizeof(*count));
	to = tmp;
	for (pass = 0; pass < 4; pass++) {
		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < d->nkeys; i++)
			count[(from[i].hash >> (16 * pass)) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < d->nkeys; i++)
			to[count[(from[i].hash >> (16 * pass)) & 0xffff]++] =
			    from[i];
		t = from;
		from = to;
		to = t;
	}
	/* After an even number of passes the keys are back in place. */
	free(count);
	free(tmp);
}

/*
 * Loads Ding's de-en file ding and OpenThesaurus' text file thesaurus
 * (either may be NULL or "": not used).  A file that cannot be read is
 * named in *missing (the last one) and left out.  Returns the
 * dictionaries (free them with search_dict_free()), or NULL when
 * neither was read.
 */
struct search_dicts *
search_dict_load(const char *ding, const char *thesaurus,
    const char **missing)
{
	struct search_dicts	*d;
	struct german		*g;

	*missing = NULL;
	if ((g = german_new(NULL)) == NULL)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	buf_init(&d->groups);
	buf_put(&d->groups, "", 1);
	if (ding != NULL && *ding != '\0' && load_ding(d, g, ding) == -1)
		*missing = ding;
	if (thesaurus != NULL && *thesaurus != '\0' &&
	    load_thesaurus(d, g, thesaurus) == -1)
		*missing = thesaurus;
	german_free(g);
	if (d->nkeys == 0) {
		search_dict_free(d);
		return NULL;
	}
	sort_keys(d);
	return d;
}

void
search_dict_free(struct search_dicts *d)
{
	if (d == NULL)
		return;
	buf_free(&d->groups);
	free(d->keys);
	free(d);
}

/* How many groups each dictionary gave (for the log). */
void
search_dict_size(const struct search_dicts *d, size_t *ding,
    size_t *thesaurus)
{
	*ding = d != NULL ? d->ngroups[0] : 0;
	*thesaurus = d != NULL ? d->ngroups[1] : 0;
}

/*
 * Calls cb for each term of the groups with key s[0..n) of kind: with
 * want_de, their German terms, else their English ones; rank is the
 * key's place in its list plus the term's (0: both head their lists).
 * Returns the number of calls.
 */
static int
each(const struct search_dicts *d, const char *s, size_t n, int kind,
    int want_de, search_dict_cb cb, void *ctx)
{
	const struct dict_key	*k;
	const char		*g, *t;
	uint64_t		 h = hash_key(s, n, kind);
	size_t			 lo = 0, hi, mid;
	int			 nde, nen, i, calls = 0;

	if (d == NULL || n == 0)
		return 0;
	for (hi = d->nkeys; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (d->keys[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->nkeys && d->keys[lo].hash == h; lo++) {
		k = &d->keys[lo];
		if (k->kind != kind)
			continue;
		g = d->groups.data + k->group;
		nde = (unsigned char)g[0];
		nen = (unsigned char)g[1];
		t = g + 2;
		for (i = 0; i < nde + nen; i++, t += strlen(t) + 1) {
			if ((i < nde) != (want_de != 0))
				continue;
			if (kind != KEY_EN && i == k->pos)
				continue;	/* the word itself */
			calls++;
			if (cb(ctx, t, k->pos + (i < nde ? i : i - nde)) != 0)
				return calls;
		}
	}
	return calls;
}

/*
 * The German translations of the English term en (lowercase words,
 * single spaces), to cb.  Returns the number of calls.
 */
int
search_dict_english(const struct search_dicts *d, const char *en,
    search_dict_cb cb, void *ctx)
{
	return each(d, en, strlen(en), KEY_EN, 1, cb, ctx);
}

/*
 * The German words that share a Ding entry (thesaurus: an OpenThesaurus
 * group) with the German word whose stem is stem, to cb.
 */
int
search_dict_german(const struct search_dicts *d, const char *stem,
    int thesaurus, search_dict_cb cb, void *ctx)
{
	return each(d, stem, strlen(stem), thesaurus ? KEY_THES : KEY_DE, 1,
	    cb, ctx);
}

/* The English words of the Ding entries of the German stem, to cb. */
int
search_dict_english_of(const struct search_dicts *d, const char *stem,
    search_dict_cb cb, void *ctx)
{
	return each(d, stem, strlen(stem), KEY_DE, 0, cb, ctx);
}

/*
 * Makes d the dictionaries of every later search (NULL: none).  Returns
 * those used before, for the caller to free once no search runs.
 */
struct search_dicts *
search_dict_use(struct search_dicts *d)
{
	atomic_store(&settled, 1);
	return atomic_exchange(&in_use, d);
}

/*
 * Have the dictionaries been read (or are there none)?  Until then
 * searches go without them: /healthz says "starting", and their answers
 * are cached apart.
 */
int
search_dict_settled(void)
{
	return atomic_load(&settled);
}

/* The dictionaries searches use now, or NULL (none, or not read yet). */
const struct search_dicts *
search_dict_current(void)
{
	return atomic_load(&in_use);
}
