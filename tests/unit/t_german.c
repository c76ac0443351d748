/*
 * t_german.c: German word analysis.  Folding (umlauts, ß, ae/oe/ue, but
 * not the "ue" of Queue or Feuer), stop words (für and fuer, but not
 * ändere although it folds to andere), stems with the exceptions
 * Snowball needs, word families (ändern, Änderung, geändert,
 * eingerichtet), and compound splitting with linking elements.
 */
#include "unit.h"

static struct german	*g;

static int
setup(void **state)
{
	(void)state;
	g = german_new(unit_dict());
	return g == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	german_free(g);
	return 0;
}

static void
expect_fold(const char *in, const char *want)
{
	char	 w[GERMAN_MAX_WORD + 1];
	size_t	 n = strlen(in);

	memcpy(w, in, n);
	n = german_fold(w, n);
	w[n] = '\0';
	if (strcmp(w, want) != 0)
		fail_msg("fold(%s): got %s, want %s", in, w, want);
}

static void
folding(void **state)
{
	(void)state;
	expect_fold("über", "uber");
	expect_fold("ueber", "uber");
	expect_fold("uber", "uber");
	expect_fold("straße", "strasse");
	expect_fold("STRASSE", "strasse");
	expect_fold("ändern", "andern");
	expect_fold("aendern", "andern");
	expect_fold("größe", "grosse");
	expect_fold("groesse", "grosse");
	expect_fold("café", "cafe");
	expect_fold("queue", "queue");		/* after q */
	expect_fold("feuer", "feuer");		/* after a vowel */
	expect_fold("bauer", "bauer");
	expect_fold("aktuell", "aktull");	/* both ways the same */
}

static int
stop(const char *w)
{
	return german_is_stopword(w, strlen(w));
}

static void
stopwords(void **state)
{
	(void)state;
	assert_true(stop("und"));
	assert_true(stop("für"));
	assert_true(stop("fuer"));
	assert_true(stop("über"));
	assert_true(stop("ueber"));
	assert_true(stop("andere"));
	assert_true(stop("wie"));
	assert_false(stop("ändere"));	/* folds to "andere" */
	assert_false(stop("ändern"));
	assert_false(stop("passwort"));
	assert_false(stop(""));
}

static void
expect_stem(const char *in, const char *want)
{
	char	 w[GERMAN_MAX_WORD + 1], out[GERMAN_MAX_WORD + 1];
	size_t	 n = strlen(in);

	memcpy(w, in, n);
	n = german_fold(w, n);
	german_stem(g, w, (int)n, out);
	if (strcmp(out, want) != 0)
		fail_msg("stem(%s): got %s, want %s", in, out, want);
}

static void
stems(void **state)
{
	(void)state;
	expect_stem("Pakete", "paket");
	expect_stem("Paketen", "paket");
	expect_stem("Konto", "konto");
	expect_stem("Konten", "konto");		/* exception */
	expect_stem("Themen", "thema");		/* exception */
	expect_stem("Zertifikate", "zertifikat");
	expect_stem("imap4", "imap4");		/* digits: as is */
	expect_stem("Weiterleitung", "weiterleit");
	expect_stem("weiterleiten", "weiterleit");
}

struct fam {
	struct buf	 b;
};

static int
fam_cb(void *ctx, const char *word, const char *stem, int n)
{
	struct buf	*b = ctx;

	(void)word;
	buf_printf(b, "%s%.*s", b->len ? " " : "", n, stem);
	return 0;
}

static void
expect_family(const char *in, const char *want)
{
	char		 w[GERMAN_MAX_WORD + 1];
	struct buf	 b;
	size_t		 n = strlen(in);

	memcpy(w, in, n);
	n = german_fold(w, n);
	buf_init(&b);
	buf_puts(&b, "");
	german_family(g, w, (int)n, fam_cb, &b);
	if (strcmp(b.data, want) != 0)
		fail_msg("family(%s): got \"%s\", want \"%s\"", in, b.data,
		    want);
	buf_free(&b);
}

static void
families(void **state)
{
	(void)state;
	/* Snowball alone: and, ander, geandert, andert. */
	expect_family("ändern", "ander andert geandert");
	expect_family("Änderung", "and andert geandert");
	expect_family("geändert", "and ander andert");
	expect_family("ändert", "and ander geandert");
	expect_family("gespeichert", "speich speicher speichert");
	expect_family("Speicherung", "speich speichert gespeichert");
	expect_family("eingerichtet", "einricht einrichtt");
	expect_family("angemeldet", "anmeld anmeldt");
	expect_family("aktualisiert", "aktualisi aktualisier");
	expect_family("Mail", "");	/* no verb, no family */
}

static void
expect_split(const char *in, const char *want)
{
	struct german_part	 parts[GERMAN_MAX_PARTS];
	struct buf		 b;
	char			 w[GERMAN_MAX_WORD + 1];
	size_t			 n = strlen(in);
	int			 k, np;

	memcpy(w, in, n);
	n = german_fold(w, n);
	np = german_split(g, w, (int)n, parts);
	buf_init(&b);
	buf_puts(&b, "");
	for (k = 0; k < np; k++)
		buf_printf(&b, "%s%s", k ? " " : "", parts[k].word);
	if (strcmp(b.data, want) != 0)
		fail_msg("split(%s): got \"%s\", want \"%s\"", in, b.data,
		    want);
	buf_free(&b);
	/* The second time comes from the cache: the same answer. */
	np = german_split(g, w, (int)n, parts);
	assert_int_equal(np, k);
}

static void
compounds(void **state)
{
	(void)state;
	expect_split("Mailprogramm", "mail programm");
	expect_split("Passwortänderung", "passwort anderung");
	expect_split("Seitenzahlen", "seiten zahlen");
	expect_split("Sicherheitseinstellungen", "sicherheit einstellungen");
	expect_split("Zellschutz", "zelle schutz");	/* dropped e */
	expect_split("Tabellenzellen", "tabellen zellen");
	expect_split("Rechtschreibprüfung", "recht schreib prufung");
	expect_split("Webmail", "web mail");		/* short part */
	expect_split("Beispiel", "");			/* bei|spiel: no */
	expect_split("Anmeldung", "");
	expect_split("Verwaltung", "");
	expect_split("Haus", "");			/* too short */
}

static void
heads(void **state)
{
	(void)state;
	assert_int_equal(german_head(g, "kleinschreibung", 15), 5);
	assert_int_equal(german_head(g, "endnote", 7), 3);
	assert_int_equal(german_head(g, "ausgabe", 7), 3);
	assert_int_equal(german_head(g, "imap", 4), -1);
}

static void
no_dictionary(void **state)
{
	struct german		*bare = german_new(NULL);
	struct german_part	 parts[GERMAN_MAX_PARTS];

	(void)state;
	assert_non_null(bare);
	assert_int_equal(german_split(bare, "mailprogramm", 12, parts), 0);
	german_free(bare);
	german_free(NULL);
	german_dict_free(NULL);
	assert_int_equal(german_dict_size(NULL), 0);
	assert_true(german_dict_size(unit_dict()) > 100000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folding),
		cmocka_unit_test(stopwords),
		cmocka_unit_test(stems),
		cmocka_unit_test(families),
		cmocka_unit_test(compounds),
		cmocka_unit_test(heads),
		cmocka_unit_test(no_dictionary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
