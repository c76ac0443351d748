/*
 * t_tokenizer.c: the tokenizer on its own: word boundaries, case and
 * Unicode folding (Über = über = ÜBER, Straße = strasse), numbers and
 * versions, byte offsets, invalid UTF-8 and absurdly long words.
 */
#include "unit.h"

struct out {
	struct buf	 text;		/* tokens joined by ' ' */
	struct buf	 offsets;	/* start-end per token */
};

static int
collect(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	struct out	*o = ctx;

	(void)tflags;
	if (o->text.len > 0)
		buf_putc(&o->text, ' ');
	buf_put(&o->text, tok, (size_t)n);
	buf_printf(&o->offsets, "%s%d-%d", o->offsets.len ? " " : "", start,
	    end);
	return 0;
}

/* Returns the tokens of text joined by spaces; the caller frees them. */
static char *
tokens(const char *text, char **offsets)
{
	struct tokenizer	*t = tokenizer_new();
	struct out		 o;

	assert_non_null(t);
	buf_init(&o.text);
	buf_init(&o.offsets);
	assert_int_equal(tokenizer_run(t, text, (int)strlen(text),
	    TOKENIZER_DOCUMENT, collect, &o), SQLITE_OK);
	tokenizer_free(t);
	if (offsets != NULL)
		*offsets = buf_detach(&o.offsets, NULL);
	else
		buf_free(&o.offsets);
	return buf_detach(&o.text, NULL);
}

static void
expect(const char *text, const char *want)
{
	char	*got = tokens(text, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("tokens of \"%s\": got \"%s\", want \"%s\"", text, got,
		    want);
	free(got);
}

static void
case_folding(void **state)
{
	(void)state;
	expect("Über über ÜBER", "über über über");
	expect("Straße STRASSE strasse", "strasse strasse strasse");
	expect("GROẞ", "gross");
	expect("Ärger ÖL", "ärger öl");
	expect("ﬁle", "file");		/* ligature: NFKC */
}

static void
words_and_numbers(void **state)
{
	(void)state;
	expect("Wie verwalte ich Mails über IMAP?",
	    "wie verwalte ich mails über imap");
	expect("E-Mail", "e mail");
	expect("IMAP4, Port 993 und v2.5", "imap4 port 993 und v2.5");
	expect("(Sub)Domain", "sub domain");
	expect("FRITZ!Box", "fritz box");
	expect("  ... !!! ", "");
	expect("", "");
}

static void
offsets_are_bytes(void **state)
{
	char	*off, *tok;

	(void)state;
	tok = tokens("  Über alles", &off);
	assert_string_equal(tok, "über alles");
	assert_string_equal(off, "2-7 8-13");
	free(tok);
	free(off);
}

static void
bad_input(void **state)
{
	struct buf	 big;
	char		*got;
	int		 i;

	(void)state;
	expect("abc \xff\xfe def \xc3\x28 ghi", "abc def ghi");
	expect("\xed\xa0\x80 x", "x");

	/* A 200-letter word is not a token; the words around it are. */
	buf_init(&big);
	buf_puts(&big, "vor ");
	for (i = 0; i < 200; i++)
		buf_putc(&big, 'a');
	buf_puts(&big, " nach");
	got = tokens(big.data, NULL);
	assert_string_equal(got, "vor nach");
	free(got);
	buf_free(&big);
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
	struct tokenizer	*t = tokenizer_new();
	int			 count = 0;

	(void)state;
	assert_int_equal(tokenizer_run(t, "a b c d", 7, 0, stop_at_two, &count),
	    SQLITE_DONE);
	assert_int_equal(count, 2);
	tokenizer_free(t);
	tokenizer_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(case_folding),
		cmocka_unit_test(words_and_numbers),
		cmocka_unit_test(offsets_are_bytes),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
