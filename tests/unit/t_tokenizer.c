/*
 * t_tokenizer.c: the tokenizer on its own.  Stored text: word boundaries,
 * folding (Über = ueber = uber, Straße = strasse), stems, stop words kept
 * but marked, the parts of compounds and joined words at the same
 * position.  Queries: word families at the same position.  Snippets:
 * one token per word.  Byte offsets, invalid UTF-8, absurdly long words.
 */
#include "unit.h"

struct out {
	struct buf	 text;		/* tokens; colocated ones after '|' */
	struct buf	 offsets;	/* start-end per position */
};

static int
collect(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	struct out	*o = ctx;

	if (tflags & FTS5_TOKEN_COLOCATED)
		buf_putc(&o->text, '|');
	else {
		if (o->text.len > 0)
			buf_putc(&o->text, ' ');
		buf_printf(&o->offsets, "%s%d-%d", o->offsets.len ? " " : "",
		    start, end);
	}
	buf_put(&o->text, tok, (size_t)n);
	return 0;
}

/* Returns the tokens of text as flags would make them; caller frees. */
static char *
tokens(const char *text, int flags, char **offsets)
{
	struct tokenizer	*t = tokenizer_new(unit_dict());
	struct out		 o;

	assert_non_null(t);
	buf_init(&o.text);
	buf_init(&o.offsets);
	assert_int_equal(tokenizer_run(t, text, (int)strlen(text), flags,
	    collect, &o), SQLITE_OK);
	tokenizer_free(t);
	if (offsets != NULL)
		*offsets = buf_detach(&o.offsets, NULL);
	else
		buf_free(&o.offsets);
	return buf_detach(&o.text, NULL);
}

static void
expect(const char *text, int flags, const char *want)
{
	char	*got = tokens(text, flags, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("tokens of \"%s\": got \"%s\", want \"%s\"", text, got,
		    want);
	free(got);
}

#define DOC	TOKENIZER_DOCUMENT
#define QUERY	TOKENIZER_QUERY

static void
folding(void **state)
{
	(void)state;
	/* über is a stop word: kept, marked, never stemmed. */
	expect("Über über ÜBER ueber uber", DOC,
	    "_uber _uber _uber _uber _uber");
	expect("Straße STRASSE strasse", DOC, "strass strass strass");
	expect("GROẞ groß gross", DOC, "gross gross gross");
	expect("Größe Groesse", DOC, "gross gross");
	expect("Café cafe ﬁle", DOC, "caf caf fil");
	/* Not every "ue" is an umlaut. */
	expect("Queue Feuer", DOC, "queu feu");
}

static void
stems(void **state)
{
	(void)state;
	expect("Pakete Paketen Paket", DOC, "paket paket paket");
	expect("Konto Konten", DOC, "konto konto");
	expect("Mails Mail", DOC, "mail mail");
	/* "sich" the stop word never meets "sich", the stem of "sichern". */
	expect("sich sichern", DOC, "_sich sich");
	/* Numbers and codes stay as they are. */
	expect("IMAP4, Port 993 und v2.5", DOC,
	    "imap4 port 993 _und v2.5");
}

static void
compounds_and_joins(void **state)
{
	(void)state;
	expect("Mailprogramm", DOC, "mailprogramm|mail|programm");
	expect("Passwortänderung", DOC, "passwortander|passwort|ander");
	expect("Zellschutz", DOC, "zellschutz|zell|schutz");
	/* Joined by '-' or '!': the joined word is there too. */
	expect("E-Mail", DOC, "e mail|email");
	expect("FRITZ!Box", DOC, "fritz box|fritzbox");
	expect("E-Mail-Adresse", DOC, "e mail|email adress|emailadress");
	/* Dots: the whole and its parts. */
	expect("imap.example-hosting.de", DOC, "imap.exampl|imap|exampl "
	    "hosting.d|imap.examplehosting.d|hosting|de");
	/* A suspended hyphen shares the head of the next compound. */
	expect("Kopf- und Fußzeile", DOC, "kopf|kopfzeil _und fusszeil|fuss|"
	    "zeil");
	expect("Fuß-/Endnote", DOC, "fuss|fussnot endnot|end|not");
	/* Only stored text gets parts. */
	expect("Mailprogramm", QUERY, "mailprogramm");
}

static void
queries_get_stems(void **state)
{
	(void)state;
	/* Word families are search_query.c's: it adds the forms the index has. */
	expect("ändern", QUERY, "and");
	expect("geändert", QUERY, "geandert");
	expect("eingerichtet", QUERY, "eingerichtet");
	expect("ändern", DOC, "and");
}

/*
 * Snippets find their passage by the positions FTS5 stored: text must
 * give the same positions, with the same byte ranges, in snippet mode as
 * stored, and those must be want.
 */
static void
same_positions(const char *text, const char *want)
{
	char	*doc, *aux;

	free(tokens(text, DOC, &doc));
	free(tokens(text, TOKENIZER_AUX, &aux));
	if (strcmp(doc, want) != 0)
		fail_msg("positions of \"%s\" stored: \"%s\", want \"%s\"",
		    text, doc, want);
	if (strcmp(aux, doc) != 0)
		fail_msg("positions of \"%s\" in a snippet: \"%s\", stored "
		    "\"%s\"", text, aux, doc);
	free(doc);
	free(aux);
}

static void
snippets_get_positions(void **state)
{
	char	*off, *tok;

	(void)state;
	tok = tokens("  Über alles", TOKENIZER_AUX, &off);
	assert_string_equal(off, "2-7 8-13");
	free(tok);
	free(off);
	/* The same words at the same positions as stored text. */
	same_positions("E-Mail und Passwortänderung", "0-1 2-6 7-10 11-28");
	same_positions("a b, c: x-y & 1 2", "0-1 2-3 5-6 8-9 10-11 14-15 16-17");
	same_positions("Über FRITZ!Box und imap.example.de",
	    "0-5 6-11 12-15 16-19 20-35");
}

static void
bad_input(void **state)
{
	struct buf	 big;
	char		*got;
	int		 i;

	(void)state;
	expect("abc \xff\xfe def \xc3\x28 ghi", DOC, "abc def ghi");
	expect("\xed\xa0\x80 x", DOC, "x");
	expect("", DOC, "");
	expect("  ... !!! ", DOC, "");

	/* A 200-letter word is not a token; the words around it are. */
	buf_init(&big);
	buf_puts(&big, "vor ");
	for (i = 0; i < 200; i++)
		buf_putc(&big, 'a');
	buf_puts(&big, " Nachricht");
	got = tokens(big.data, DOC, NULL);
	assert_string_equal(got, "_vor nachricht");
	free(got);
	buf_free(&big);
}

struct words {
	struct buf	 b;
};

static int
word_cb(void *ctx, const struct tokenizer_word *w)
{
	struct buf	*b = ctx;

	buf_printf(b, "%s[%.*s %.*s %.*s%s]", b->len ? " " : "", w->nlower,
	    w->lower, w->nfolded, w->folded, w->nstem, w->stem,
	    w->stop ? " stop" : "");
	return 0;
}

static void
words_api(void **state)
{
	struct tokenizer	*t = tokenizer_new(unit_dict());
	struct buf		 b;
	const char		*text = "Wie ändere ich Größe?";

	(void)state;
	buf_init(&b);
	assert_int_equal(tokenizer_words(t, text, (int)strlen(text), word_cb,
	    &b), SQLITE_OK);
	assert_string_equal(b.data, "[wie wie _wie stop] [ändere andere and] "
	    "[ich ich _ich stop] [grösse grosse gross]");
	buf_free(&b);
	tokenizer_free(t);
}

static int
stop_at_two(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	int	*count = ctx;

	(void)tflags;
	(void)tok;
	(void)n;
	(void)start;
	(void)end;
	return ++*count == 2 ? SQLITE_DONE : SQLITE_OK;
}

static void
callback_stops(void **state)
{
	struct tokenizer	*t = tokenizer_new(NULL);
	int			 count = 0;

	(void)state;
	assert_int_equal(tokenizer_run(t, "a b c d", 7, DOC, stop_at_two,
	    &count), SQLITE_DONE);
	assert_int_equal(count, 2);
	tokenizer_free(t);
	tokenizer_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folding),
		cmocka_unit_test(stems),
		cmocka_unit_test(compounds_and_joins),
		cmocka_unit_test(queries_get_stems),
		cmocka_unit_test(snippets_get_positions),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(words_api),
		cmocka_unit_test(callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
