/*
 * search_query.c (search): what a customer typed into FTS5 expressions that
 * cannot fail and that find what was meant.
 *
 * The text is bounded (KBD_MAX_QUERY bytes), made valid UTF-8 and split
 * into words by the tokenizer that indexed the articles.  Stop words are
 * dropped unless they are all there is or stand in quotes.  Each other
 * word, each run of words joined by '-', '!' or '/' ("E-Mail",
 * "FRITZ!Box") and each quoted phrase becomes a slot: something every
 * result should hold, in one of several forms (the alternatives):
 *
 *   the word as typed          and the other forms of its word family
 *                              the index has ("ändern": änderung,
 *                              geändert), ORed in its place;
 *   its compound parts         "Passwortänderung": passwort AND änderung;
 *   a joined form              "E-Mail": email (and mail); "seiten zahlen":
 *                              seitenzahlen;
 *   a separable verb           "füge ... ein": einfüge(n);
 *   a typo correction          "pasword": passwort (shown as a
 *                              suggestion);
 *   its synonyms               "kennwort": passwort, password, pw.
 *
 * Every form goes into the expression only as a double-quoted FTS5
 * string, so quotes, AND/OR/NOT/NEAR, '*', '-', ':' and parentheses in
 * the input are plain text.  search_query_parse() needs only the tokenizer;
 * search_expand_query() (search_expand.c) adds what the index knows.  The
 * slots' alternatives are made and merged here (search_query_alt_add, ...).
 */
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define MAX_WORDS	(2 * KBD_MAX_TERMS)


/* One word of the query, as the tokenizer saw it. */
struct qword {
	int	 start, end;
	char	*lower;
	char	*folded;
	char	*stem;
	int	 stop;
	int	 number;
};

struct collect {
	struct qword	 w[MAX_WORDS];
	int		 n;
};

static int
add_word(void *ctx, const struct tokenizer_word *tw)
{
	struct collect	*c = ctx;
	struct qword	*w;

	if (c->n == MAX_WORDS)
		return 1;	/* enough: stop tokenizing */
	w = &c->w[c->n++];
	w->start = tw->start;
	w->end = tw->end;
	w->lower = xstrndup(tw->lower, (size_t)tw->nlower);
	w->folded = xstrndup(tw->folded, (size_t)tw->nfolded);
	w->stem = xstrndup(tw->stem, (size_t)tw->nstem);
	w->stop = tw->stop;
	w->number = tw->number;
	return 0;
}

/*
 * Words that carry no meaning in a question, left out like stop words,
 * in queries only (folded, sorted): verbs of "wie mache ich ...", "wie
 * lasse ich ...", "wie krieg ich das hin"; adverbs and particles of
 * spoken German ("immer", "plötzlich", "mal", "halt"); pronominal
 * adverbs ("darauf", "davon"); and the English function words of mixed
 * queries ("find and replace"), whose stems would meet German ones
 * ("and" is the stem of "ändern").
 */
static const char *weak_words[] = {
	"a", "and", "are", "be", "beim", "bekomme", "bekommen",
	"bitte", "brauche", "brauchen", "bzw", "can", "dabei", "dafur",
	"dagegen", "daher", "danach", "daneben", "daran", "darauf",
	"daraus", "darf", "darin", "daruber", "darum", "darunter",
	"davon", "deshalb", "do", "does", "durfen", "eigentlich",
	"einfach", "etc", "for", "from", "funktioniert", "ganz", "gar",
	"gehe", "gehen", "geht", "gemacht", "genau", "gerade", "getan",
	"gibt", "halt", "hast", "heraus", "herum", "hinbekommen",
	"hinkriegen", "how", "i", "immer", "irgendwie", "irgendwo",
	"is", "it", "ja", "jemand", "kannst", "klappt", "krieg",
	"kriege", "kriegen", "lasse", "lassen", "lasst", "leider",
	"mache", "machen", "macht", "mal", "mochte", "mochten",
	"mussen", "musst", "my", "nein", "nochmal", "obwohl", "of",
	"oft", "on", "or", "paar", "plotzlich", "raus", "rein",
	"schon", "sogar", "sollen", "sowie", "standig", "statt",
	"stattdessen", "the", "this", "to", "trotzdem", "tue", "tun",
	"tut", "usw", "vielleicht", "wann", "what", "when", "why",
	"with", "wofur", "wohin", "womit", "woran", "worauf", "wozu",
	"you", "your",
};


/*
 * Adds to slot s the alternative of the n words parts (copied), found as
 * kind says (QUERY_ALT_*), unless s has it already or is full.
 */
void
search_query_alt_add(struct query_slot *s, const char *const *parts, int n,
    int kind)
{
	struct query_alt	*a;
	int			 i, j;

	if (s->nalts == QUERY_MAX_ALTS || n < 1 || n > QUERY_MAX_PARTS)
		return;
	/* The same form twice would only cost time. */
	for (i = 0; i < s->nalts; i++) {
		if (s->alts[i].n != n)
			continue;
		for (j = 0; j < n && strcmp(s->alts[i].part[j], parts[j]) == 0;
		    j++)
			;
		if (j == n)
			return;
	}
	a = &s->alts[s->nalts++];
	a->n = n;
	a->kind = kind;
	for (i = 0; i < n; i++)
		a->part[i] = xstrdup(parts[i]);
}

void
search_query_alt_add1(struct query_slot *s, const char *part, int kind)
{
	search_query_alt_add(s, &part, 1, kind);
}

static struct query_slot *
slot_new(struct query *q, int kind, const char *text, int start, int end)
{
	struct query_slot	*s;

	if (q->nslots == KBD_MAX_TERMS)
		return NULL;
	s = &q->slots[q->nslots++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->weight = 1.0;
	s->start = start;
	s->end = end;
	s->typed = xstrndup(text + start, (size_t)(end - start));
	return s;
}

void
search_query_forms_free(struct query_forms *f)
{
	int	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->word[i]);
		free(f->stem[i]);
	}
	free(f);
}

void
search_query_slot_clear(struct query_slot *s)
{
	int	 i, j;

	for (i = 0; i < s->nalts; i++)
		for (j = 0; j < s->alts[i].n; j++) {
			free(s->alts[i].part[j]);
			search_query_forms_free(s->alts[i].forms[j]);
		}
	free(s->typed);
	free(s->key);
	free(s->folded);
	free(s->stem);
	free(s->shown);
	memset(s, 0, sizeof(*s));
}

/* Is byte offset off of text inside a pair of quotes?  Returns the pair. */
static int
in_quotes(const int *quotes, int nquotes, int start, int end)
{
	int	 i;

	for (i = 0; i + 1 < nquotes; i += 2)
		if (start > quotes[i] && end <= quotes[i + 1])
			return i / 2 + 1;
	return 0;
}

/* Finds the quote characters of text: ", „, “ and ”. */
static int
find_quotes(const char *text, int *quotes, int max)
{
	int	 i, n = 0;

	for (i = 0; text[i] != '\0' && n < max; i++) {
		if (text[i] == '"')
			quotes[n++] = i;
		else if ((unsigned char)text[i] == 0xE2 &&
		    (unsigned char)text[i + 1] == 0x80 &&
		    ((unsigned char)text[i + 2] == 0x9E ||
		    (unsigned char)text[i + 2] == 0x9C ||
		    (unsigned char)text[i + 2] == 0x9D)) {
			quotes[n++] = i + 2;
			i += 2;
		}
	}
	return n & ~1;	/* an unpaired last quote is text */
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
is_weak(const char *folded)
{
	return bsearch(&folded, weak_words, nitems(weak_words),
	    sizeof(*weak_words), str_cmp) != NULL;
}

/* AND, OR and NOT in capitals are meant as operators: every word counts. */
static int
is_operator(const char *text, const struct qword *w)
{
	size_t	 n = (size_t)(w->end - w->start);

	return (n == 3 && (memcmp(text + w->start, "AND", 3) == 0 ||
	    memcmp(text + w->start, "NOT", 3) == 0)) ||
	    (n == 2 && memcmp(text + w->start, "OR", 2) == 0);
}

static char *
join_words(struct collect *c, int from, int to, int field, const char *sep)
{
	struct buf	 b;
	int		 i;

	buf_init(&b);
	for (i = from; i <= to; i++) {
		if (i > from)
			buf_puts(&b, sep);
		buf_puts(&b, field == 0 ? c->w[i].folded : field == 1 ?
		    c->w[i].stem : c->w[i].lower);
	}
	return buf_detach(&b, NULL);
}

/*
 * Words that may be a conjugated verb whose particle went to the end
 * ("füge", "stellt", "richte"); an infinitive keeps its particle.
 */
static int
verb_like(const char *w)
{
	size_t	 n = strlen(w);

	return n >= 3 && (w[n - 1] == 'e' || w[n - 1] == 't');
}

static void
word_slot(struct query *q, struct tokenizer *tok, struct collect *c, int i)
{
	struct german_part	 parts[GERMAN_MAX_PARTS];
	struct query_slot	*s;
	const char		*p[QUERY_MAX_PARTS];
	size_t			 j;
	int			 k, np, n = 0;

	/* The same word twice asks for it once. */
	for (j = 0; j < q->nslots; j++)
		if (q->slots[j].kind == QUERY_SLOT_WORD &&
		    strcmp(q->slots[j].stem, c->w[i].stem) == 0)
			return;
	if ((s = slot_new(q, QUERY_SLOT_WORD, q->text, c->w[i].start,
	    c->w[i].end)) == NULL)
		return;
	s->folded = xstrdup(c->w[i].folded);
	s->stem = xstrdup(c->w[i].stem);
	s->key = xstrdup(c->w[i].stem);
	s->number = c->w[i].number;
	s->verb = !c->w[i].number && verb_like(c->w[i].folded);
	search_query_alt_add1(s, s->typed, QUERY_ALT_TYPED);
	if (c->w[i].number || c->w[i].stop)
		return;
	np = german_split(tokenizer_german(tok), c->w[i].folded,
	    (int)strlen(c->w[i].folded), parts);
	for (k = 0; k < np; k++)
		if (!german_is_stopword(parts[k].word, (size_t)parts[k].len))
			p[n++] = parts[k].word;
	/* "nachverfolgen" is "verfolgen" with a particle: keep the verb. */
	if (n >= 2 || (n == 1 && np == 2 && german_is_particle(parts[0].word,
	    (size_t)parts[0].len)))
		search_query_alt_add(s, p, n, QUERY_ALT_SPLIT);
}

/*
 * Words that ':', '.' or '_' join without spaces ("Err:502",
 * "sfdocuments.document") were pasted from a message or a name: one
 * slot, like a word joined by a hyphen, so that a row has all of them or
 * none (not "Err" alone).
 */
#define PASTED_JOINERS	":._"

static void
joined_slot(struct query *q, struct tokenizer *tok, struct collect *c,
    int i, int j)
{
	struct query_slot	*s;
	char			 stem[GERMAN_MAX_WORD + 1];

	if ((s = slot_new(q, QUERY_SLOT_JOINED, q->text, c->w[i].start,
	    c->w[j].end)) == NULL)
		return;
	s->folded = join_words(c, i, j, 0, "");
	s->key = join_words(c, i, j, 1, " ");
	search_query_alt_add1(s, s->typed, QUERY_ALT_TYPED);
	if (strlen(s->folded) <= GERMAN_MAX_WORD) {
		search_query_alt_add1(s, s->folded, QUERY_ALT_JOINED);
		german_stem(tokenizer_german(tok), s->folded,
		    (int)strlen(s->folded), stem);
		s->stem = xstrdup(stem);
	} else
		s->stem = xstrdup(c->w[j].stem);
	/* "E-Mail" is a kind of "Mail". */
	if (strlen(c->w[i].folded) == 1 && j == i + 1)
		search_query_alt_add1(s, c->w[j].lower, QUERY_ALT_HEAD);
}

static void
phrase_slot(struct query *q, struct collect *c, int i, int j)
{
	struct query_slot	*s;

	if ((s = slot_new(q, QUERY_SLOT_PHRASE, q->text, c->w[i].start,
	    c->w[j].end)) == NULL)
		return;
	s->key = join_words(c, i, j, 1, " ");
	s->stem = xstrdup(c->w[i].stem);
	search_query_alt_add1(s, s->typed, QUERY_ALT_TYPED);
}

/*
 * "füge ... ein": a separable particle that ends the query belongs to an
 * earlier verb; offer the joined verb (einfüge) as an alternative.
 * Anywhere else it is a preposition ("auf Querformat").
 */
static void
particles(struct query *q, struct collect *c)
{
	char	*joined;
	size_t	 k;
	int	 i;

	if (c->n == 0)
		return;
	i = c->n - 1;
	if (!c->w[i].stop || !german_is_particle(c->w[i].folded,
	    strlen(c->w[i].folded)))
		return;
	for (k = 0; k < q->nslots; k++) {
		if (q->slots[k].kind != QUERY_SLOT_WORD || !q->slots[k].verb)
			continue;
		joined = xasprintf("%s%s", c->w[i].folded, q->slots[k].folded);
		search_query_alt_add1(&q->slots[k], joined, QUERY_ALT_PARTICLE);
		free(joined);
	}
}

/*
 * Parses the user's text (any bytes, NUL-terminated) with tok.  Returns a
 * query the caller frees with search_query_free(); never fails.  A text without
 * words gives no slots.
 */
struct query *
search_query_parse(struct tokenizer *tok, const char *text)
{
	struct query	*q;
	struct collect	*c;
	struct buf	 b;
	int		 quotes[64], nquotes, i, j, pair, all = 0;
	size_t		 n = strlen(text);

	q = xcalloc(1, sizeof(*q));
	buf_init(&b);
	utf8_sanitize(&b, text, utf8_prefix(text, n, KBD_MAX_QUERY));
	q->text = buf_detach(&b, NULL);
	q->slots = xcalloc(KBD_MAX_TERMS, sizeof(*q->slots));

	c = xcalloc(1, sizeof(*c));
	if (tok != NULL)
		tokenizer_words(tok, q->text, (int)strlen(q->text), add_word,
		    c);
	nquotes = find_quotes(q->text, quotes, (int)nitems(quotes));

	for (i = 0; i < c->n; i = j + 1) {
		j = i;
		if ((pair = in_quotes(quotes, nquotes, c->w[i].start,
		    c->w[i].end)) != 0) {
			while (j + 1 < c->n && in_quotes(quotes, nquotes,
			    c->w[j + 1].start, c->w[j + 1].end) == pair)
				j++;
			phrase_slot(q, c, i, j);
			continue;
		}
		if (c->w[i].stop || is_weak(c->w[i].folded) ||
		    is_operator(q->text, &c->w[i]))
			continue;
		while (j + 1 < c->n && !c->w[j + 1].stop &&
		    c->w[j + 1].start == c->w[j].end + 1 &&
		    strchr(TOKENIZER_JOINERS PASTED_JOINERS,
		    q->text[c->w[j].end]) != NULL)
			j++;
		if (j > i)
			joined_slot(q, tok, c, i, j);
		else
			word_slot(q, tok, c, i);
	}
	/* Only stop words ("wie geht das"): search for them after all. */
	if (q->nslots == 0) {
		all = 1;
		for (i = 0; i < c->n; i++)
			word_slot(q, tok, c, i);
	}
	particles(q, c);

	/* For the search log: the words that count, lowercased. */
	buf_init(&b);
	for (i = 0; i < c->n; i++) {
		if (!all && (c->w[i].stop || is_weak(c->w[i].folded) ||
		    is_operator(q->text, &c->w[i])) &&
		    !in_quotes(quotes, nquotes, c->w[i].start, c->w[i].end))
			continue;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, c->w[i].lower);
	}
	q->normalized = buf_detach(&b, NULL);
	for (i = 0; i < c->n; i++) {
		free(c->w[i].lower);
		free(c->w[i].folded);
		free(c->w[i].stem);
	}
	free(c);
	return q;
}

void
search_query_free(struct query *q)
{
	size_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nslots; i++)
		search_query_slot_clear(&q->slots[i]);
	free(q->slots);
	free(q->text);
	free(q->normalized);
	free(q->suggestion);
	free(q);
}

/*
 * Adds the word being typed, prefix[0..n) (folded), as a slot whose forms
 * are the most frequent words of the knowledge base that start with it,
 * stop words left out (they say nothing about an article); when none
 * does, those whose beginning is a typo away ("vergese": vergessen,
 * search_lexicon_complete).  Returns 0, or -1 when no word fits.
 */
int
search_query_add_prefix(struct query *q, const struct lexicon *lex,
    const char *prefix, size_t n)
{
	struct query_slot	*s;
	const char		*found[2 * QUERY_MAX_ALTS], *words[QUERY_MAX_ALTS];
	size_t			 k, i, nw = 0;

	k = search_lexicon_prefix(lex, prefix, n, found, nitems(found));
	for (i = 0; i < k && nw < nitems(words); i++)
		if (!german_is_stopword(found[i], strlen(found[i])) ||
		    strlen(found[i]) == n)
			words[nw++] = found[i];
	if (nw == 0)
		nw = search_lexicon_complete(lex, prefix, n, words,
		    nitems(words));
	if (nw == 0 || (s = slot_new(q, QUERY_SLOT_PHRASE, prefix, 0,
	    (int)n)) == NULL)
		return -1;
	s->folded = xstrndup(prefix, n);
	s->stem = xstrndup(prefix, n);
	s->key = xstrndup(prefix, n);
	/* Any of them may be the word meant: each is worth the same. */
	for (i = 0; i < nw; i++)
		search_query_alt_add1(s, words[i], QUERY_ALT_TYPED);
	return 0;
}

/*
 * Appends text to b as one FTS5 string (a phrase): in double quotes, its
 * quotes doubled, so that nothing in it is FTS5 syntax.
 */
void
search_query_fts_string(struct buf *b, const char *text)
{
	buf_putc(b, '"');
	for (; *text != '\0'; text++) {
		if (*text == '"')
			buf_putc(b, '"');
		buf_putc(b, *text);
	}
	buf_putc(b, '"');
}

/*
 * Merges slots i .. i+k-1 into one that holds all their words (the
 * first alternative) and nothing else yet.
 */
void
search_query_merge_slots(struct query *q, size_t i, size_t k)
{
	struct query_slot	 m;
	const char		*parts[QUERY_MAX_PARTS];
	struct buf		 key, folded;
	size_t			 j;

	if (k < 2 || k > QUERY_MAX_PARTS || i + k > q->nslots)
		return;
	memset(&m, 0, sizeof(m));
	m.kind = QUERY_SLOT_JOINED;
	m.weight = 1.0;
	m.start = q->slots[i].start;
	m.end = q->slots[i + k - 1].end;
	m.typed = xstrndup(q->text + m.start, (size_t)(m.end - m.start));
	buf_init(&key);
	buf_init(&folded);
	for (j = 0; j < k; j++) {
		parts[j] = q->slots[i + j].typed;
		buf_printf(&key, "%s%s", j ? " " : "", q->slots[i + j].key);
		if (q->slots[i + j].folded != NULL)
			buf_puts(&folded, q->slots[i + j].folded);
	}
	search_query_alt_add(&m, parts, (int)k, QUERY_ALT_TYPED);
	m.key = buf_detach(&key, NULL);
	m.folded = buf_detach(&folded, NULL);
	m.stem = xstrdup(q->slots[i].stem != NULL ? q->slots[i].stem : "");
	for (j = 0; j < k; j++)
		search_query_slot_clear(&q->slots[i + j]);
	q->slots[i] = m;
	memmove(&q->slots[i + 1], &q->slots[i + k], (q->nslots - i - k) *
	    sizeof(*q->slots));
	q->nslots -= k - 1;
}
