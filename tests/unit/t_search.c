/*
 * t_search.c: search over a small imported folder, in process.  Ranking (title
 * above body, words close together, the more read of two equal answers, a
 * question's telling word in a title above its common words everywhere),
 * aliases, English words through the dictionary, German forms (compounds,
 * joined words), word families (only the forms the index has; snippets), typo
 * corrections with their suggestion, synonyms from synonyms.txt, the fallback
 * to fewer words, snippets (escaped, marked), paging and search-as-you-type.
 */
#include <sys/stat.h>

#include "unit.h"

static const char	*dir;
static sqlite3		*db;
static struct reader	*r;

/* Twenty words of filler, for long articles. */
#define TWENTY "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa " \
	"Lambda My Ny Xi Omikron Pi Rho Sigma Tau Ypsilon. "

static const struct {
	const char	*name;
	const char	*text;
} fixtures[] = {
	{ "imap.md", "---\ntitle: Wie verwalte ich Mails über IMAP?\n"
	  "tags: [imap, ssl]\n---\nMit IMAP bleiben die Mails auf dem Server. "
	  "Nutzen Sie SSL/TLS auf Port 993.\n" },
	{ "pop3.md", "---\ntitle: Wie rufe ich Mails per POP3 ab?\n"
	  "tags: [pop3, ssl]\n---\nPOP3 lädt die Mails herunter. Anders als "
	  "IMAP sieht POP3 nur den Posteingang.\n" },
	{ "xss.md", "---\ntitle: \"<script>alert(1)</script>\"\n---\nDer Text "
	  "`<img src=x onerror=alert(1)>` & \"Zitate\" bleiben Text. Straße.\n" },
	{ "passwort.md", "---\ntitle: Passwort vergessen\n---\nIhr Passwort "
	  "setzen Sie im Kundenmenü zurück. Die Passwortänderung gilt "
	  "sofort.\n" },
	{ "fritzbox.md", "---\ntitle: Wie konfiguriere ich die FRITZ!Box?\n"
	  "---\nTragen Sie in der FRITZ!Box unter DynDNS Ihre Daten ein.\n" },
	{ "mailprogramm.md", "---\ntitle: Ein neues Mailprogramm\n---\nIm "
	  "Mailprogramm tragen Sie den Server ein. Die E-Mail kommt dann "
	  "an.\n" },
	{ "near.md", "---\ntitle: Verschlüsselung A\n---\nDer Port 993 ist "
	  "richtig.\n" },
	{ "far.md", "---\ntitle: Verschlüsselung B\n---\nDer Port ist, wie "
	  "die Erfahrung vieler Kunden zeigt und wie es auch die Hersteller "
	  "der meisten Programme empfehlen, in diesem Fall die Nummer "
	  "993.\n" },
	{ "popular.md", "---\ntitle: Spamfilter einstellen\nhits: 5000\n---\n"
	  "Der Spamfilter sortiert Werbung aus.\n" },
	{ "rare.md", "---\ntitle: Spamfilter einstellen\nhits: 3\n---\n"
	  "Der Spamfilter sortiert Werbung aus.\n" },
	{ "long.md", "---\ntitle: Lang\n---\nEins zwei drei vier fünf sechs "
	  "sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
	  "sechzehn siebzehn achtzehn neunzehn zwanzig einundzwanzig "
	  "zweiundzwanzig dreiundzwanzig vierundzwanzig fünfundzwanzig "
	  "sechsundzwanzig siebenundzwanzig achtundzwanzig neunundzwanzig "
	  "dreißig Zielwort am Ende einunddreißig zweiunddreißig "
	  "dreiunddreißig vierunddreißig fünfunddreißig sechsunddreißig "
	  "siebenunddreißig achtunddreißig neununddreißig vierzig "
	  "einundvierzig zweiundvierzig dreiundvierzig vierundvierzig "
	  "fünfundvierzig sechsundvierzig siebenundvierzig achtundvierzig "
	  "neunundvierzig fünfzig.\n" },
	{ "adresse.md", "---\ntitle: Kontaktdaten pflegen\n---\nWas Sie "
	  "geändert haben, zeigt die Änderung gleich. Danach kommen viele "
	  "Worte, die mit dem Thema nichts zu tun haben: Wetter, Garten, "
	  "Kuchen, Urlaub, Fahrrad, Bahnhof, Zeitung, Kaffee, Hund, Katze, "
	  "Baum, Blume, Wolke, Regen, Sonne, Schnee, Wind, Meer, Berg, Tal, "
	  "Fluss, Stadt, Dorf. Ihre Adresse ändern Sie im Kundenmenü.\n" },
	{ "tief.md", "---\ntitle: Tief\n---\n" TWENTY TWENTY TWENTY TWENTY
	  TWENTY TWENTY TWENTY TWENTY "Hier, nach 160 Wörtern, steht das "
	  "Xylophon (mit „Klammern“). " TWENTY "Ende.\n" },
	/* A question's common words everywhere, its rare one in a title. */
	{ "konto-a.md", "---\ntitle: Einstellungen im Kundenmenü\n---\nSo "
	  "richten Sie Ihr Konto auf dem Server ein: Konto wählen, Server "
	  "eintragen, Konto speichern. Der Server prüft das Konto.\n" },
	{ "konto-b.md", "---\ntitle: Hinweise zum Vertrag\n---\nIhr Konto "
	  "liegt auf dem Server. Richten Sie das Konto auf einem Server ein, "
	  "der zum Konto passt.\n" },
	{ "konto-c.md", "---\ntitle: Tarif wechseln\n---\nDer neue Tarif "
	  "gilt für Ihr Konto auf jedem Server, den Sie einrichten.\n" },
	{ "konto-d.md", "---\ntitle: Datenschutz\n---\nIhr Konto und der "
	  "Server stehen in Deutschland.\n" },
	{ "umzug.md", "---\ntitle: Umzug eines Postfachs\n---\nWir ziehen "
	  "Ihre Nachrichten für Sie um.\n" },
	/* Known only by a phrasing staff attached to it. */
	{ "abwehr.md", "---\ntitle: Filterregeln\naliases: [unerwünschte "
	  "post abwehren]\n---\nRegeln sortieren Nachrichten.\n" },
	/* Known only in German, searched in English. */
	{ "umschlag.md", "---\ntitle: Briefumschlag bedrucken\n---\nLegen "
	  "Sie den Briefumschlag in den Drucker.\n" },
	/* Its one translation the index holds often, another rarely. */
	{ "weiterleitung.md", "---\ntitle: Weiterleitung einrichten\n---\n"
	  "Die Weiterleitung schickt jede Nachricht weiter. Eine Weiterleitung "
	  "gilt sofort.\n" },
	{ "weiterleitung-2.md", "---\ntitle: Weiterleitung löschen\n---\n"
	  "Ohne Weiterleitung bleibt die Nachricht im Postfach.\n" },
	{ "versand.md", "---\ntitle: Versand prüfen\n---\nDer Versand "
	  "dauert.\n" },
	/* A compound with a linking element, searched apart. */
	{ "datumsformat.md", "---\ntitle: Datumsformat wählen\n---\nDas "
	  "Datumsformat gilt für alle Tabellen.\n" },
	{ "synonyms.txt", "# test\nzugangswort, passwort\n" },
};

static int
setup(void **state)
{
	struct import_stats	 st;
	const char		*errstr;
	char			 articles[160], path[160];
	size_t			 i;

	(void)state;
	dir = unit_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	if (mkdir(articles, 0755) == -1)
		return -1;
	for (i = 0; i < nitems(fixtures); i++)
		unit_write(articles, fixtures[i].name, fixtures[i].text);
	/* The dictionaries kbd reads at start (kbd/deps.sh installs them). */
	(void)search_dict_use(search_dict_load("/usr/share/trans/de-en",
	    "/usr/share/openthesaurus-de/openthesaurus.txt", &errstr));
	if (store_init(path, unit_dict(), &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1 ||
	    import_folder(db, articles, &st, NULL) == -1 ||
	    snapshot_import(db, articles) == -1 ||
	    (r = store_reader()) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	search_dict_free(search_dict_use(NULL));
	snapshot_shutdown();
	sqlite3_close(db);
	unit_rmdir(dir);
	return 0;
}

/* Runs text; returns the slugs found joined by ' '; fills res, *sugg. */
static char *
search(const char *text, int flags, struct search_result *res, char **sugg)
{
	struct query	*q = search_query_parse(r->tok, text);
	struct buf	 b;
	size_t		 i;

	assert_int_equal(search_run(r, q, 10, 0, flags, res), 0);
	if (sugg != NULL)
		*sugg = q->suggestion != NULL ? xstrdup(q->suggestion) : NULL;
	search_query_free(q);
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < res->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", res->hits[i].slug);
	return buf_detach(&b, NULL);
}

/* want: the first slugs, in order (a prefix of what was found). */
static void
expect(const char *text, const char *want)
{
	struct search_result	 res;
	char			*got = search(text, 0, &res, NULL);

	if (strncmp(got, want, strlen(want)) != 0 ||
	    (got[strlen(want)] != '\0' && got[strlen(want)] != ' '))
		fail_msg("search \"%s\": got \"%s\", want \"%s...\"", text,
		    got, want);
	free(got);
	search_result_free(&res);
}

static void
ranking(void **state)
{
	(void)state;
	expect("imap ssl", "imap");
	/* Title beats body: both mention IMAP, one in the title. */
	expect("imap", "imap pop3");
	expect("ÜBER", "imap");
	expect("strasse", "xss");
	/* Words side by side beat the same words far apart. */
	expect("port 993", "near imap far");
	/* Equal answers: the more read first. */
	expect("spamfilter", "popular rare");
	expect("", "");
	expect("\"\" *", "");
}

/*
 * One ranking, not tiers: an article whose title holds the question's
 * one telling word comes before those that hold all its common words.
 */
static void
telling_word(void **state)
{
	(void)state;
	expect("wie richte ich den umzug meines kontos auf dem server ein",
	    "umzug");
}

/* A phrasing attached to an article (aliases) finds it. */
static void
aliases(void **state)
{
	(void)state;
	expect("unerwünschte post abwehren", "abwehr");
	expect("post abwehren", "abwehr");
}

/* An English word the articles lack finds them through Ding. */
static void
english(void **state)
{
	struct search_result	 res;
	char			*got, *sugg;

	(void)state;
	expect("envelope bedrucken", "umschlag");
	/*
	 * The likeliest translation (Weiterleitung), not the rarest
	 * (Versand): a dictionary's word is no more telling than the
	 * query's own.
	 */
	expect("forwarding", "weiterleitung");
	/*
	 * Weiterleitung comes back in several of forwarding's entries, its
	 * common sense; Versand, in one, is another sense and not searched.
	 */
	got = search("forwarding", 0, &res, NULL);
	if (strstr(got, "versand") != NULL)
		fail_msg("search \"forwarding\": got \"%s\"", got);
	free(got);
	search_result_free(&res);
	/* Translated, not corrected into a German word that looks alike. */
	got = search("envelope", 0, &res, &sugg);
	assert_string_equal(got, "umschlag");
	assert_null(sugg);
	free(got);
	search_result_free(&res);
}

static void
german_forms(void **state)
{
	struct search_result	 res;
	struct query		*q;

	(void)state;
	/* Parts of a compound, and the compound from its parts. */
	expect("Programm", "mailprogramm");
	expect("Mail programm", "mailprogramm");
	expect("passwort ändern", "passwort");
	/* Joined words, however written. */
	expect("fritzbox dyndns", "fritzbox");
	expect("fritz box", "fritzbox");
	expect("datum format", "datumsformat");
	/* ... also as the compound they make with a linking element. */
	q = search_query_parse(r->tok, "datum format");
	assert_int_equal(search_run(r, q, 10, 0, 0, &res), 0);
	assert_int_equal(q->nslots, 1);
	assert_int_equal(q->slots[0].nalts, 2);
	assert_string_equal(q->slots[0].alts[1].part[0], "datumsformat");
	search_result_free(&res);
	search_query_free(q);
	expect("email", "mailprogramm");
	/* Word families and folded forms. */
	expect("ueber posteingaenge", "pop3");
	expect("konfigurieren fritzbox", "fritzbox");
}

static void
word_families(void **state)
{
	const struct query_forms	*f;
	struct search_result		 res;
	struct query			*q;
	char				*got;

	(void)state;
	/* "ändern" finds "Änderung" and "geändert". */
	expect("passwort ändern", "passwort");
	expect("adresse änderung", "adresse");
	/* Only the forms the index has join the query, once each. */
	q = search_query_parse(r->tok, "ändern");
	assert_int_equal(search_run(r, q, 10, 0, 0, &res), 0);
	assert_int_equal(q->slots[0].alts[0].n, 1);
	f = q->slots[0].alts[0].forms[0];
	assert_non_null(f);
	assert_int_equal(f->n, 2);
	assert_string_equal(f->word[0], "anderung");
	assert_string_equal(f->word[1], "geandert");
	search_query_free(q);
	search_result_free(&res);
	/*
	 * The snippet shows the passage with two of the query's words, not
	 * the one with two forms of one of them.
	 */
	got = search("adresse ändern", 0, &res, NULL);
	assert_true(strncmp(got, "adresse ", 8) == 0);
	assert_non_null(strstr(res.hits[0].snippet, "<mark>Adresse</mark> "
	    "<mark>ändern</mark>"));
	assert_null(strstr(res.hits[0].snippet, "<mark>geändert</mark>"));
	free(got);
	search_result_free(&res);
}

static void
typos(void **state)
{
	struct search_result	 res;
	char			*got, *sugg;

	(void)state;
	got = search("pasword vergesen", 0, &res, &sugg);
	assert_string_equal(got, "passwort");
	assert_non_null(sugg);
	assert_string_equal(sugg, "passwort vergessen");
	free(got);
	free(sugg);
	search_result_free(&res);

	got = search("fritzbx", 0, &res, &sugg);
	assert_string_equal(got, "fritzbox");
	assert_string_equal(sugg, "fritzbox");
	free(got);
	free(sugg);
	search_result_free(&res);

	/* A word the knowledge base has is never corrected. */
	got = search("imap", 0, &res, &sugg);
	assert_null(sugg);
	free(got);
	search_result_free(&res);

	/* Short words are not corrected either. */
	got = search("imao", 0, &res, &sugg);
	assert_null(sugg);
	free(got);
	search_result_free(&res);
}

static void
synonyms(void **state)
{
	(void)state;
	expect("zugangswort", "passwort");	/* synonyms.txt */
	expect("kennwort", "passwort");		/* built in */
	expect("password", "passwort");		/* English */
}

static void
fewer_words(void **state)
{
	struct search_result	 res;
	char			*got;

	(void)state;
	/*
	 * No article has all three: those with some of them come (pop3:
	 * imap and posteingang in its body; imap: imap in its title), in
	 * one ranking, the word nothing holds given up.
	 */
	got = search("imap posteingang nirgendwo", 0, &res, NULL);
	assert_int_equal(res.partial, 1);
	assert_true(strcmp(got, "pop3 imap") == 0 ||
	    strcmp(got, "imap pop3") == 0);
	free(got);
	search_result_free(&res);

	/*
	 * No article holds two of the three, nor enough of the query's
	 * information: rather than none, every article with one of them
	 * (two, two and three of them).
	 */
	got = search("spamfilter verschlüsselung kundenmenü", 0, &res, NULL);
	assert_int_equal(res.partial, 1);
	assert_true(res.total >= 7);
	free(got);
	search_result_free(&res);

	got = search("ssl", SEARCH_ANY, &res, NULL);
	assert_int_equal(res.total, 2);
	free(got);
	search_result_free(&res);
}

static void
snippets(void **state)
{
	struct search_result	 res;
	char			*got;

	(void)state;
	got = search("onerror zitate", 0, &res, NULL);
	assert_string_equal(got, "xss");
	free(got);
	assert_string_equal(res.hits[0].title, "<script>alert(1)</script>");
	assert_string_equal(res.hits[0].snippet, "Der Text &lt;img src=x "
	    "<mark>onerror</mark>=alert(1)&gt; &amp; &quot;<mark>Zitate"
	    "</mark>&quot; bleiben Text. Straße.");
	search_result_free(&res);

	/* Folded and stemmed forms are marked too. */
	got = search("strasse", 0, &res, NULL);
	assert_non_null(strstr(res.hits[0].snippet, "<mark>Straße</mark>"));
	free(got);
	search_result_free(&res);

	/* The passage around the match, cut at words, with "…" around it. */
	got = search("zielwort", 0, &res, NULL);
	free(got);
	assert_non_null(strstr(res.hits[0].snippet, "<mark>Zielwort</mark>"));
	assert_true(strncmp(res.hits[0].snippet, "… ", 4) == 0);
	assert_non_null(strstr(res.hits[0].snippet, " …"));
	search_result_free(&res);

	/* Far into a long article. */
	got = search("xylophon", 0, &res, NULL);
	assert_string_equal(got, "tief");
	free(got);
	assert_string_equal(res.hits[0].snippet, "… Ypsilon. Hier, nach 160 "
	    "Wörtern, steht das <mark>Xylophon</mark> (mit „Klammern“). Alpha "
	    "Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda My Ny "
	    "Xi Omikron Pi Rho Sigma …");
	search_result_free(&res);
}

static void
paging(void **state)
{
	struct search_result	 res;
	struct query		*q = search_query_parse(r->tok, "mails");
	char			*first;

	(void)state;
	assert_int_equal(search_run(r, q, 1, 0, 0, &res), 0);
	assert_int_equal(res.total, 3);
	assert_int_equal(res.n, 1);
	first = xstrdup(res.hits[0].slug);
	search_result_free(&res);
	assert_int_equal(search_run(r, q, 1, 1, 0, &res), 0);
	assert_int_equal(res.n, 1);
	assert_string_not_equal(res.hits[0].slug, first);
	free(first);
	search_result_free(&res);
	assert_int_equal(search_run(r, q, 10, 3, 0, &res), 0);
	assert_int_equal(res.n, 0);
	search_result_free(&res);
	search_query_free(q);
}

/* The first suggestion for text is want ("": there is none). */
static void
expect_suggest(const char *text, const char *want)
{
	struct search_result	 res;
	struct buf		 b;
	size_t			 i;

	assert_int_equal(search_suggest(r, text, 5, &res), 0);
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < res.n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", res.hits[i].slug);
	if (strcmp(res.n > 0 ? res.hits[0].slug : "", want) != 0)
		fail_msg("suggest \"%s\": got \"%s\", want \"%s\" first", text,
		    b.data, want);
	buf_free(&b);
	search_result_free(&res);
}

/* The first suggestion for text has the title marked as want. */
static void
expect_marked(const char *text, const char *want)
{
	struct search_result	 res;

	assert_int_equal(search_suggest(r, text, 5, &res), 0);
	if (res.n == 0 || strcmp(res.hits[0].snippet, want) != 0)
		fail_msg("suggest \"%s\": marked \"%s\", want \"%s\"", text,
		    res.n > 0 ? res.hits[0].snippet : "(none)", want);
	search_result_free(&res);
}

static void
as_you_type(void **state)
{
	(void)state;
	expect_suggest("passw", "passwort");
	expect_suggest("mailpro", "mailprogramm");
	expect_suggest("wie konfig", "fritzbox");
	expect_suggest("imap ", "imap");	/* a complete word */
	expect_suggest("p", "");		/* too short */
	expect_suggest("xyzzy", "");
	/* Typos, in a word typed and in the one being typed. */
	expect_suggest("pasword verg", "passwort");
	expect_suggest("passwort vergese", "passwort");
	expect_suggest("passwort vergesen", "passwort");
	/* A last word nothing starts with does not empty the list. */
	expect_suggest("imap qqq", "imap");
	/* Any of the words: the second holds only one. */
	expect_suggest("imap xyzzy ", "imap");
	expect_marked("passwort verge", "<mark>Passwort</mark> "
	    "<mark>vergessen</mark>");
	/* The title's text escaped, only the marks are markup. */
	expect_marked("script", "&lt;<mark>script</mark>&gt;alert(1)&lt;/"
	    "<mark>script</mark>&gt;");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranking),
		cmocka_unit_test(telling_word),
		cmocka_unit_test(aliases),
		cmocka_unit_test(english),
		cmocka_unit_test(german_forms),
		cmocka_unit_test(word_families),
		cmocka_unit_test(typos),
		cmocka_unit_test(synonyms),
		cmocka_unit_test(fewer_words),
		cmocka_unit_test(snippets),
		cmocka_unit_test(paging),
		cmocka_unit_test(as_you_type),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
