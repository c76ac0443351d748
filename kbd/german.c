/*
 * german.c (text): what kbd knows about German words.  The tokenizer hands it
 * each word, lowercased; this file folds it so that every way people
 * type it meets (Über, ueber and uber are one word, Straße and Strasse),
 * marks stop words, stems with Snowball's German stemmer behind a small
 * table of exceptions, finds the other members of a word's family for
 * queries (ändern, Änderung, geändert, ändert), and splits compounds
 * into their parts with a dictionary (Debian's wngerman word list), so
 * that "Passwortänderung" is found by "Passwort ändern".
 *
 * Snowball alone gets several of these wrong: it does not fold ae/oe/ue,
 * and it stems "ändern" to "and" but "Änderung" to "ander", "geändert"
 * to "geandert" and "Konten" to "kont" against "konto".  The rules here
 * are small and each has a test in tests/unit/t_german.c.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "german.h"

#define SPLIT_MIN_WORD	6	/* shorter words are never split */
#define SPLIT_MIN_PART	4	/* shorter parts need the allowlist */
#define SPLIT_CACHE	4096	/* remembered splits per analyser */
#define SPLIT_KEY	48	/* longest word remembered */
#define STEM_CACHE	2048	/* remembered stems per analyser */
#define STEM_KEY	32	/* longest word remembered, with its NUL */

struct german_dict {
	uint64_t	*slots;		/* FNV-1a hashes; 0 = empty */
	size_t		 mask;
	size_t		 count;
};

struct split_memo {
	uint64_t		 hash;
	char			 key[SPLIT_KEY];
	int			 nparts;
	struct german_part_ref {
		unsigned char	 start;
		unsigned char	 len;
		unsigned char	 add_e;
	}			 part[GERMAN_MAX_PARTS];
};

/*
 * A stem remembered: the same words come again and again (in articles;
 * in queries, whose expression FTS5 tokenizes anew for every snippet
 * looked up), and Snowball is the dear part of tokenizing them: the
 * import of the LibreOffice help took 2.0 s without, 1.8 s with.
 */
struct stem_memo {
	char			 word[STEM_KEY];	/* "" when empty */
	char			 stem[STEM_KEY];
	int			 nstem;
};

struct german {
	struct sb_stemmer	*stemmer;
	const struct german_dict *dict;
	struct split_memo	*memo;	/* SPLIT_CACHE entries */
	struct stem_memo	*stems;	/* STEM_CACHE entries */
};

/*
 * Letters of U+00C0..U+00FF (UTF-8 C3 80..C3 BF), upper and lower case,
 * with their base letters; "" keeps the character.
 */
static const char *latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0-C7 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* C8-CF */
	"d", "n", "o", "o", "o", "o", "o", "",		/* D0-D7 */
	"o", "u", "u", "u", "u", "y", "th", "ss",	/* D8-DF */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0-E7 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* E8-EF */
	"d", "n", "o", "o", "o", "o", "o", "",		/* F0-F7 */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* F8-FF */
};

/*
 * The Snowball German stop words, as written.  A word with an umlaut is
 * looked up as it is, any other word folded: so "für" and "fuer" are stop
 * words, but "ändere" is not, although it folds to "andere".  ("andern",
 * an old form of "anderen", is left out: it is how "ändern" is typed.)
 */
static const char *stopwords[] = {
	"aber", "alle", "allem", "allen", "aller", "alles", "als", "also",
	"am", "an", "andere", "anderem", "anderen", "anderer", "anderes",
	"anders", "auch", "auf", "aus", "bei", "bin", "bis", "bist", "da",
	"damit", "dann", "das", "dass", "daß", "dasselbe", "dazu", "dein",
	"deine", "deinem", "deinen", "deiner", "deines", "dem", "demselben",
	"den", "denn", "denselben", "der", "derer", "derselbe", "derselben",
	"des", "desselben", "dessen", "dich", "die", "dies", "diese",
	"dieselbe", "dieselben", "diesem", "diesen", "dieser", "dieses",
	"dir", "doch", "dort", "du", "durch", "ein", "eine", "einem", "einen",
	"einer", "eines", "einig", "einige", "einigem", "einigen", "einiger",
	"einiges", "einmal", "er", "es", "etwas", "euch", "euer", "eure",
	"eurem", "euren", "eurer", "eures", "für", "gegen", "gewesen", "hab",
	"habe", "haben", "hat", "hatte", "hatten", "hätte", "hätten", "hier",
	"hin", "hinter", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem",
	"ihren", "ihrer", "ihres", "im", "in", "indem", "ins", "ist", "jede",
	"jedem", "jeden", "jeder", "jedes", "jene", "jenem", "jenen", "jener",
	"jenes", "jetzt", "kann", "kein", "keine", "keinem", "keinen",
	"keiner", "keines", "können", "könnte", "man", "manche", "manchem",
	"manchen", "mancher", "manches", "mein", "meine", "meinem", "meinen",
	"meiner", "meines", "mich", "mir", "mit", "muss", "musste", "muß",
	"nach", "nicht", "nichts", "noch", "nun", "nur", "ob", "oder",
	"ohne", "sehr", "sein", "seine", "seinem", "seinen", "seiner",
	"seines", "selbst", "sich", "sie", "sind", "so", "solche", "solchem",
	"solchen", "solcher", "solches", "soll", "sollte", "sondern", "sonst",
	"über", "um", "und", "uns", "unser", "unsere", "unserem", "unseren",
	"unserer", "unseres", "unter", "viel", "vom", "von", "vor", "während",
	"war", "waren", "warst", "warum", "was", "weil", "welche", "welchem",
	"welchen", "welcher", "welches", "wenn", "werde", "werden", "weshalb",
	"wie", "wieder", "wieso", "will", "wir", "wird", "wirst", "wo",
	"wollen", "wollte", "würde", "würden", "wurde", "wurden", "zu", "zum",
	"zur", "zwar", "zwischen",
};

#define NSTOP	(sizeof(stopwords) / sizeof(*stopwords))

static const char	*stop_sorted[NSTOP];	/* as written, sorted */
static const char	*stop_folded[NSTOP];	/* folded, sorted */
static char		 stop_buf[NSTOP * 16];
static pthread_once_t	 stop_once = PTHREAD_ONCE_INIT;

/* Words Snowball stems apart from their family: folded word -> stand-in. */
static const struct {
	const char	*word;
	const char	*as;
} exceptions[] = {
	{ "firmen", "firma" },
	{ "indizes", "index" },
	{ "konten", "konto" },
	{ "kontos", "konto" },
	{ "themen", "thema" },
	{ "viren", "virus" },
};

/* Three-letter words that are common parts of compounds. */
static const char *short_parts[] = {
	"abo", "amt", "app", "art", "bad", "bau", "bit", "box", "cpu", "dns",
	"eis", "fax", "ftp", "gas", "hof", "job", "lan", "led", "mac", "ort",
	"pdf", "pin", "rat", "sms", "ssh", "ssl", "tag", "tal", "tls", "tor",
	"typ", "uhr", "url", "usb", "vpn", "web", "weg", "zug",
};

/* Separable verb prefixes: "eingerichtet" is ein + ge + richt + et. */
static const char *separable[] = {
	"ab", "an", "auf", "aus", "bei", "durch", "ein", "fest", "frei",
	"her", "herauf", "heraus", "herunter", "hin", "hinzu", "hoch", "los",
	"mit", "nach", "um", "vor", "weg", "weiter", "zu", "zuruck",
	"zusammen",
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is w[0..n) in the sorted table? */
static int
in_table(const char *const *table, size_t count, const char *w, size_t n)
{
	char		 key[GERMAN_MAX_WORD + 1];
	const char	*p = key;

	if (n > GERMAN_MAX_WORD)
		return 0;
	memcpy(key, w, n);
	key[n] = '\0';
	return bsearch(&p, table, count, sizeof(*table), str_cmp) != NULL;
}

size_t
german_fold(char *w, size_t n)
{
	const char	*rep;
	size_t		 i, o = 0;
	unsigned char	 c;

	/* Accents to base letters; ASCII to lower case. */
	for (i = 0; i < n; i++) {
		c = (unsigned char)w[i];
		if (c == 0xC3 && i + 1 < n &&
		    (unsigned char)w[i + 1] >= 0x80 &&
		    (unsigned char)w[i + 1] <= 0xBF) {
			rep = latin1[(unsigned char)w[i + 1] - 0x80];
			if (*rep != '\0') {
				/* Never longer than the two bytes it replaces. */
				while (*rep != '\0')
					w[o++] = *rep++;
				i++;
				continue;
			}
		}
		w[o++] = (char)tolower(c);
	}
	n = o;

	/* ae, oe, ue typed for ä, ö, ü; not in "queue", "Feuer", "Bauer". */
	for (i = 0, o = 0; i < n; i++) {
		w[o++] = w[i];
		if (i + 1 < n && w[i + 1] == 'e' &&
		    (w[i] == 'a' || w[i] == 'o' || w[i] == 'u') &&
		    (i == 0 || strchr("qaeiouy", w[i - 1]) == NULL))
			i++;
	}
	return o;
}

static void
stop_init(void)
{
	size_t	 i, n, off = 0;

	for (i = 0; i < NSTOP; i++) {
		stop_sorted[i] = stopwords[i];
		n = strlen(stopwords[i]);
		memcpy(stop_buf + off, stopwords[i], n + 1);
		n = german_fold(stop_buf + off, n);
		stop_buf[off + n] = '\0';
		stop_folded[i] = stop_buf + off;
		off += n + 1;
	}
	qsort(stop_sorted, NSTOP, sizeof(*stop_sorted), str_cmp);
	qsort(stop_folded, NSTOP, sizeof(*stop_folded), str_cmp);
}

/* Does w[0..n) hold ä, ö or ü (UTF-8 C3 A4, C3 B6, C3 BC)? */
static int
has_umlaut(const char *w, size_t n)
{
	size_t	 i;

	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)w[i] == 0xC3 && ((unsigned char)w[i + 1] ==
		    0xA4 || (unsigned char)w[i + 1] == 0xB6 ||
		    (unsigned char)w[i + 1] == 0xBC))
			return 1;
	return 0;
}

int
german_is_stopword(const char *w, size_t n)
{
	char	 f[GERMAN_MAX_WORD + 1];

	pthread_once(&stop_once, stop_init);
	if (n > GERMAN_MAX_WORD)
		return 0;
	if (has_umlaut(w, n))
		return in_table(stop_sorted, NSTOP, w, n);
	memcpy(f, w, n);
	return in_table(stop_folded, NSTOP, f, german_fold(f, n));
}

/* FNV-1a over a then b. */
static uint64_t
hash2(const char *a, size_t na, const char *b, size_t nb)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < na; i++)
		h = (h ^ (unsigned char)a[i]) * 0x100000001b3ULL;
	for (i = 0; i < nb; i++)
		h = (h ^ (unsigned char)b[i]) * 0x100000001b3ULL;
	return h != 0 ? h : 1;
}

static void
dict_add(struct german_dict *d, uint64_t h)
{
	size_t	 i;

	for (i = h & d->mask; d->slots[i] != 0; i = (i + 1) & d->mask)
		if (d->slots[i] == h)
			return;
	d->slots[i] = h;
	d->count++;
}

static int
dict_has2(const struct german_dict *d, const char *a, size_t na,
    const char *b, size_t nb)
{
	uint64_t	 h;
	size_t		 i;

	if (d == NULL || d->count == 0)
		return 0;
	h = hash2(a, na, b, nb);
	for (i = h & d->mask; d->slots[i] != 0; i = (i + 1) & d->mask)
		if (d->slots[i] == h)
			return 1;
	return 0;
}

struct german_dict *
german_dict_load(const char *path, const char **errstr)
{
	struct german_dict	*d;
	FILE			*f;
	char			 line[256];
	size_t			 n, lines = 0;

	if ((f = fopen(path, "r")) == NULL) {
		*errstr = "cannot open the word list";
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	rewind(f);
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		fclose(f);
		*errstr = "out of memory";
		return NULL;
	}
	for (n = 1024; n < lines * 2; n *= 2)
		;
	d->mask = n - 1;
	if ((d->slots = calloc(n, sizeof(*d->slots))) == NULL) {
		free(d);
		fclose(f);
		*errstr = "out of memory";
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		n = german_fold(line, n);
		if (n >= 3)
			dict_add(d, hash2(line, n, "", 0));
	}
	fclose(f);
	return d;
}

void
german_dict_free(struct german_dict *d)
{
	if (d == NULL)
		return;
	free(d->slots);
	free(d);
}

size_t
german_dict_size(const struct german_dict *d)
{
	return d != NULL ? d->count : 0;
}

struct german *
german_new(const struct german_dict *dict)
{
	struct german	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->dict = dict;
	g->stemmer = sb_stemmer_new("german", "UTF_8");
	g->memo = calloc(SPLIT_CACHE, sizeof(*g->memo));
	g->stems = calloc(STEM_CACHE, sizeof(*g->stems));
	if (g->stemmer == NULL || g->memo == NULL || g->stems == NULL) {
		german_free(g);
		return NULL;
	}
	return g;
}

void
german_free(struct german *g)
{
	if (g == NULL)
		return;
	if (g->stemmer != NULL)
		sb_stemmer_delete(g->stemmer);
	free(g->memo);
	free(g->stems);
	free(g);
}

/* Stems w[0..n), n <= GERMAN_MAX_WORD, with Snowball and our exceptions. */
static int
stem_word(struct german *g, const char *w, int n, char *out)
{
	const sb_symbol	*s;
	size_t		 i;
	int		 len;

	for (i = 0; i < sizeof(exceptions) / sizeof(*exceptions); i++)
		if ((size_t)n == strlen(exceptions[i].word) &&
		    memcmp(w, exceptions[i].word, (size_t)n) == 0) {
			w = exceptions[i].as;
			n = (int)strlen(w);
			break;
		}
	/* Numbers and codes ("imap4", "v2") are kept as they are. */
	for (i = 0; i < (size_t)n; i++)
		if (isdigit((unsigned char)w[i]))
			break;
	if (i < (size_t)n || (s = sb_stemmer_stem(g->stemmer,
	    (const sb_symbol *)w, n)) == NULL) {
		memcpy(out, w, (size_t)n);
		out[n] = '\0';
		return n;
	}
	len = sb_stemmer_length(g->stemmer);
	if (len > GERMAN_MAX_WORD)
		len = GERMAN_MAX_WORD;
	memcpy(out, s, (size_t)len);
	out[len] = '\0';
	return len;
}

int
german_stem(struct german *g, const char *w, int n, char *out)
{
	struct stem_memo	*m = NULL;
	int			 len;

	if (n > GERMAN_MAX_WORD)
		n = GERMAN_MAX_WORD;
	if (n < STEM_KEY) {
		m = &g->stems[hash2(w, (size_t)n, "", 0) & (STEM_CACHE - 1)];
		if (memcmp(m->word, w, (size_t)n) == 0 && m->word[n] == '\0') {
			memcpy(out, m->stem, (size_t)m->nstem + 1);
			return m->nstem;
		}
	}
	len = stem_word(g, w, n, out);
	if (m != NULL && len < STEM_KEY) {
		memcpy(m->word, w, (size_t)n);
		m->word[n] = '\0';
		memcpy(m->stem, out, (size_t)len + 1);
		m->nstem = len;
	}
	return len;
}

static int
ends_with(const char *w, int n, const char *suffix)
{
	int	 m = (int)strlen(suffix);

	return n >= m && memcmp(w + n - m, suffix, (size_t)m) == 0;
}

/* Collects distinct stems of family members, skipping the word's own. */
struct family {
	struct german	*g;
	char		 own[GERMAN_MAX_WORD + 1];
	char		 seen[8][GERMAN_MAX_WORD + 1];
	int		 nseen;
	german_family_cb cb;
	void		*ctx;
	int		 rc;
};

/* Offers the word prefix + base + suffix as a family member. */
static void
offer(struct family *f, const char *prefix, const char *base, int nbase,
    const char *suffix)
{
	char	 word[GERMAN_MAX_WORD + 1], stem[GERMAN_MAX_WORD + 1];
	int	 n, i;

	if (f->rc != 0 || f->nseen == 8)
		return;
	n = snprintf(word, sizeof(word), "%s%.*s%s", prefix, nbase, base,
	    suffix);
	if (n <= 0 || n > GERMAN_MAX_WORD)
		return;
	n = german_stem(f->g, word, n, stem);
	if (strcmp(stem, f->own) == 0)
		return;
	for (i = 0; i < f->nseen; i++)
		if (strcmp(stem, f->seen[i]) == 0)
			return;
	memcpy(f->seen[f->nseen++], stem, (size_t)n + 1);
	f->rc = f->cb(f->ctx, word, stem, n);
}

/*
 * Finds the verb base of w ("ander" for andern, anderung, geandert,
 * andert, andere); stores a separable prefix of a participle in *prefix.
 * Returns the base's length, or 0 when w does not look like a verb form
 * or an -ung noun.
 */
static int
verb_base(const char *w, int n, const char **base, const char **prefix)
{
	size_t	 i, plen;

	*base = w;
	*prefix = "";
	if (n < 5)
		return 0;
	if (ends_with(w, n, "ungen"))
		return n - 5;
	if (ends_with(w, n, "ung"))
		return n - 3;
	/* Participles: ge-X-t, ge-X-et, ge-X-en, and ein-ge-X-t. */
	for (i = 0; i < sizeof(separable) / sizeof(*separable); i++) {
		plen = strlen(separable[i]);
		if ((size_t)n > plen + 6 && memcmp(w, separable[i], plen) == 0 &&
		    memcmp(w + plen, "ge", 2) == 0) {
			*prefix = separable[i];
			w += plen;
			n -= (int)plen;
			*base = w;
			break;
		}
	}
	if (n >= 6 && memcmp(w, "ge", 2) == 0 &&
	    (ends_with(w, n, "t") || ends_with(w, n, "en"))) {
		*base = w + 2;
		if (ends_with(w, n, "et") && n >= 8)
			return n - 4;
		return ends_with(w, n, "en") ? n - 4 : n - 3;
	}
	if (**prefix != '\0')
		return 0;
	if (ends_with(w, n, "iert") || ends_with(w, n, "ierte"))
		return ends_with(w, n, "e") ? n - 2 : n - 1;
	if (ends_with(w, n, "ern") || ends_with(w, n, "eln"))
		return n - 1;
	if (ends_with(w, n, "en"))
		return n - 2;
	if (ends_with(w, n, "et") || ends_with(w, n, "st"))
		return n - 2;
	if (ends_with(w, n, "e") || ends_with(w, n, "t"))
		return n - 1;
	return 0;
}

int
german_is_particle(const char *w, size_t n)
{
	return n <= 7 && in_table(separable, sizeof(separable) /
	    sizeof(*separable), w, n);
}

int
german_family(struct german *g, const char *w, int n, german_family_cb cb,
    void *ctx)
{
	struct family	 f;
	const char	*base, *prefix;
	int		 nb;
	char		 full[GERMAN_MAX_WORD + 1];

	if (n > GERMAN_MAX_WORD)
		return 0;
	memset(&f, 0, sizeof(f));
	f.g = g;
	f.cb = cb;
	f.ctx = ctx;
	german_stem(g, w, n, f.own);
	if ((nb = verb_base(w, n, &base, &prefix)) < 3)
		return 0;
	/* A separable prefix goes back in front: ein + richt -> einricht. */
	if (*prefix != '\0') {
		snprintf(full, sizeof(full), "%s%.*s", prefix, nb, base);
		base = full;
		nb = (int)strlen(full);
	}
	offer(&f, "", base, nb, ends_with(base, nb, "er") ||
	    ends_with(base, nb, "el") ? "n" : "en");
	offer(&f, "", base, nb, "ung");
	offer(&f, "", base, nb, "t");
	if (*prefix == '\0' && strncmp(base, "ge", 2) != 0 &&
	    !ends_with(base, nb, "ier"))
		offer(&f, "ge", base, nb, ends_with(base, nb, "t") ||
		    ends_with(base, nb, "d") ? "et" : "t");
	if (ends_with(base, nb, "ier"))
		offer(&f, "", base, nb, "t");
	return f.rc;
}

/* Is w[0..n) usable as a part: in the dictionary, long enough? */
static int
known_part(const struct german_dict *d, const char *w, size_t n)
{
	if (n < 3)
		return 0;
	if (n < SPLIT_MIN_PART &&
	    !in_table(short_parts, sizeof(short_parts) / sizeof(*short_parts),
	    w, n))
		return 0;
	return dict_has2(d, w, n, "", 0);
}

/*
 * Tries to read w[0..n) as a left part: a word, a word with a dropped
 * final e ("zell" for Zelle) or a word with a linking element
 * ("sicherheits", "seiten").  Stores the part and returns 1.
 */
static int
left_part(const struct german_dict *d, const char *w, size_t n,
    struct german_part_ref *p)
{
	static const char	*links[] = { "s", "es", "n", "en", "er", "ens" };
	size_t			 i, m;

	if (known_part(d, w, n)) {
		p->len = (unsigned char)n;
		p->add_e = 0;
		return 1;
	}
	if (n >= 3 && dict_has2(d, w, n, "e", 1)) {
		p->len = (unsigned char)n;
		p->add_e = 1;
		return 1;
	}
	for (i = 0; i < sizeof(links) / sizeof(*links); i++) {
		m = strlen(links[i]);
		if (n > m + 2 && memcmp(w + n - m, links[i], m) == 0 &&
		    known_part(d, w, n - m)) {
			p->len = (unsigned char)(n - m);
			p->add_e = 0;
			return 1;
		}
	}
	return 0;
}

/*
 * Splits w[0..n) (at offset base in the whole word) into at most max
 * parts.  Returns the number of parts, 0 when it cannot.  Fewer parts
 * win, then the longer head (the last part, which the compound is).
 */
static int
split_rec(const struct german_dict *d, const char *w, size_t n, size_t base,
    int max, struct german_part_ref *out)
{
	struct german_part_ref	 left[GERMAN_MAX_PARTS], best[GERMAN_MAX_PARTS];
	size_t			 i;
	int			 nl, nbest = 0, k;

	if (max < 2)
		return 0;
	for (i = 3; i + 3 <= n; i++) {
		if (!known_part(d, w + i, n - i))
			continue;
		nl = 0;
		if (left_part(d, w, i, &left[0])) {
			left[0].start = (unsigned char)base;
			nl = 1;
		} else if (max > 2)
			nl = split_rec(d, w, i, base, max - 1, left);
		if (nl <= 0 || nl >= GERMAN_MAX_PARTS ||
		    (nbest != 0 && nl + 1 >= nbest))
			continue;
		for (k = 0; k < nl; k++)
			best[k] = left[k];
		best[nl].start = (unsigned char)(base + i);
		best[nl].len = (unsigned char)(n - i);
		best[nl].add_e = 0;
		nbest = nl + 1;
		if (nbest == 2)
			break;	/* the longest head with one left part */
	}
	for (k = 0; k < nbest; k++)
		out[k] = best[k];
	return nbest;
}

/*
 * The head of a compound: its last part when it splits
 * ("kleinschreibung": schreibung, not einschreibung), else the longest
 * word of at least SPLIT_MIN_PART letters that ends w after three or more
 * letters ("ausgabe": gabe).  Returns its offset in w, or -1.
 */
int
german_head(struct german *g, const char *w, int n)
{
	struct german_part_ref	 parts[GERMAN_MAX_PARTS];
	int			 i, np;

	if (g->dict == NULL || n < SPLIT_MIN_WORD - 1 || n > GERMAN_MAX_WORD)
		return -1;
	np = split_rec(g->dict, w, (size_t)n, 0, GERMAN_MAX_PARTS, parts);
	if (np >= 2)
		return parts[np - 1].start;
	for (i = 3; i + SPLIT_MIN_PART <= n; i++)
		if (dict_has2(g->dict, w + i, (size_t)(n - i), "", 0))
			return i;
	return -1;
}

int
german_split(struct german *g, const char *w, int n, struct german_part *parts)
{
	struct split_memo	*m;
	uint64_t		 h;
	int			 k, count;

	if (n < SPLIT_MIN_WORD || n > GERMAN_MAX_WORD || g->dict == NULL)
		return 0;
	h = hash2(w, (size_t)n, "", 0);
	m = &g->memo[h & (SPLIT_CACHE - 1)];
	if (!(m->hash == h && n < SPLIT_KEY && memcmp(m->key, w, (size_t)n) ==
	    0 && m->key[n] == '\0')) {
		count = split_rec(g->dict, w, (size_t)n, 0, GERMAN_MAX_PARTS,
		    m->part);
		m->nparts = count;
		m->hash = h;
		if (n < SPLIT_KEY) {
			memcpy(m->key, w, (size_t)n);
			m->key[n] = '\0';
		} else
			m->key[0] = '\0';
	}
	for (k = 0; k < m->nparts; k++) {
		memcpy(parts[k].word, w + m->part[k].start, m->part[k].len);
		parts[k].len = m->part[k].len;
		if (m->part[k].add_e)
			parts[k].word[parts[k].len++] = 'e';
		parts[k].word[parts[k].len] = '\0';
	}
	return m->nparts;
}
