/*
 * t_import.c: syncing a folder into the database.  New, changed,
 * unchanged, deleted and restored files; broken files skipped with the
 * old good version kept; hits seeded once and never reset.  Importing a
 * few named files (import_files) and patching the lexicon and the search
 * index by what they changed gives what reading the database again
 * gives (two rounds, the second on the first's patch); import_unchanged
 * tells an echo of a save from a change.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "unit.h"

static const char	*dir;
static char		 articles[128];
static sqlite3		*db;

static const char *imap = "---\ntitle: IMAP\nhits: 10\n---\nPostfach auf "
    "dem Server.\n";

static int
setup(void **state)
{
	const char	*errstr;
	char		 path[160];

	(void)state;
	dir = unit_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	if (mkdir(articles, 0755) == -1 ||
	    store_init(path, unit_dict(), &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	store_shutdown();
	unit_rmdir(dir);
	return 0;
}

static int64_t
query_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
matches(const char *word)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM article_fts WHERE "
	    "article_fts MATCH '\"%s\"'", word);
	return query_int(sql);
}

/* Imports and checks the counts: new, changed, unchanged, removed, failed. */
static void
expect_sync(unsigned int added, unsigned int changed, unsigned int unchanged,
    unsigned int removed, unsigned int failed)
{
	struct import_stats	 st;

	assert_int_equal(import_folder(db, articles, &st, NULL), 0);
	if (st.added != added || st.changed != changed ||
	    st.unchanged != unchanged || st.removed != removed ||
	    st.failed != failed)
		fail_msg("got %u new, %u changed, %u unchanged, %u removed, %u "
		    "failed; want %u %u %u %u %u", st.added, st.changed,
		    st.unchanged, st.removed, st.failed, added, changed,
		    unchanged, removed, failed);
}

static void
lifecycle(void **state)
{
	char	 path[256];

	(void)state;
	unit_write(articles, "imap.md", imap);
	unit_write(articles, "pop3.md", "---\ntitle: POP3\n---\nAbholen.\n");
	unit_write(articles, "notes.txt", "not an article");
	unit_write(articles, ".hidden.md", "---\ntitle: hidden\n---\n");
	expect_sync(2, 0, 0, 0, 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap'"), 10);
	assert_int_equal(matches("postfach"), 1);

	/* Nothing changed: nothing is read. */
	expect_sync(0, 0, 2, 0, 0);

	/* New body; hits in the front matter do not reset the counter. */
	assert_int_equal(sqlite3_exec(db, "UPDATE article SET hits = 50 WHERE "
	    "slug = 'imap'", NULL, NULL, NULL), SQLITE_OK);
	unit_write(articles, "imap.md", "---\ntitle: IMAP\nhits: 10\n---\n"
	    "Ordner auf dem Server.\n");
	expect_sync(0, 1, 1, 0, 0);
	assert_int_equal(matches("postfach"), 0);
	assert_int_equal(matches("ordner"), 1);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap'"), 50);

	/* Deleted: out of the index, row kept with its hits. */
	snprintf(path, sizeof(path), "%s/imap.md", articles);
	assert_int_equal(unlink(path), 0);
	expect_sync(0, 0, 1, 1, 0);
	assert_int_equal(matches("ordner"), 0);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap' AND state = 'deleted'"), 50);

	/* Back again: found, and the counter is where it was. */
	unit_write(articles, "imap.md", "---\ntitle: IMAP\nhits: 10\n---\n"
	    "Ordner auf dem Server.\n");
	expect_sync(1, 0, 1, 0, 0);
	assert_int_equal(matches("ordner"), 1);
	assert_int_equal(query_int("SELECT hits FROM article WHERE slug = "
	    "'imap' AND state = 'published'"), 50);
}

static void
broken_files(void **state)
{
	(void)state;
	unit_write(articles, "Bad Name.md", "---\ntitle: x\n---\n");
	unit_write(articles, "notitle.md", "---\ncategory: x\n---\n");
	unit_write(articles, "binary.md", "---\ntitle: x\n---\n\xff\xfe\n");
	expect_sync(0, 0, 2, 0, 3);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE slug = "
	    "'notitle'"), 0);

	/* A good article that breaks keeps its last good version online. */
	unit_write(articles, "pop3.md", "no front matter any more\n");
	expect_sync(0, 0, 1, 0, 4);
	assert_int_equal(matches("abholen"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE slug = "
	    "'pop3' AND state = 'published'"), 1);
}

static void
missing_folder(void **state)
{
	struct import_stats	 st;

	(void)state;
	/* A folder that cannot be read deletes nothing. */
	assert_int_equal(import_folder(db, "/nonexistent/kbd", &st, NULL), -1);
	assert_int_equal(query_int("SELECT count(*) FROM article WHERE state = "
	    "'published'"), 2);
}

/* The first column of every row of sql, '\n'-separated, into b. */
static void
column(struct buf *b, const char *sql)
{
	sqlite3_stmt	*st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_puts(b, (const char *)sqlite3_column_text(st, 0));
		buf_putc(b, '\n');
	}
	sqlite3_finalize(st);
}

/* Are the patched lexicon and index a, ia those read again, b, ib? */
static void
same_as_read(const char *round, const struct lexicon *a,
    const struct lexicon *b, const struct search_index *ia,
    const struct search_index *ib, const char *words, const char *terms)
{
	struct postings	 pa, pb;
	const char	*s, *e, *sa, *sb;
	uint32_t	 da, db2, k;
	size_t		 n;

	assert_int_equal(search_lexicon_ndocs(a), search_lexicon_ndocs(b));
	assert_int_equal(search_index_ndocs(ia), search_index_ndocs(ib));
	for (s = words; *s != '\0'; s = e + 1) {
		e = strchr(s, '\n');
		n = (size_t)(e - s);
		da = db2 = 0;
		sa = search_lexicon_lookup(a, s, n, &da);
		sb = search_lexicon_lookup(b, s, n, &db2);
		if ((sa == NULL) != (sb == NULL) || da != db2 ||
		    (sa != NULL && strcmp(sa, sb) != 0))
			fail_msg("%s: word %.*s: %s %u, read again %s %u",
			    round, (int)n, s, sa ? sa : "-", da, sb ? sb : "-",
			    db2);
	}
	for (s = terms; *s != '\0'; s = e + 1) {
		e = strchr(s, '\n');
		n = (size_t)(e - s);
		if (search_lexicon_docs(a, s, n) != search_lexicon_docs(b, s, n))
			fail_msg("%s: term %.*s in %u articles, read again %u",
			    round, (int)n, s, search_lexicon_docs(a, s, n),
			    search_lexicon_docs(b, s, n));
		search_index_postings(ia, s, n, &pa);
		search_index_postings(ib, s, n, &pb);
		if (pa.n != pb.n)
			fail_msg("%s: term %.*s: %u postings, read again %u",
			    round, (int)n, s, pa.n, pb.n);
		for (k = 0; k < pa.n; k++)
			if (pa.doc[k] != pb.doc[k] || pa.tf[k] != pb.tf[k])
				fail_msg("%s: term %.*s: posting %u", round,
				    (int)n, s, k);
	}
	sa = search_lexicon_correct(a, "pasword", 7, NULL);
	sb = search_lexicon_correct(b, "pasword", 7, NULL);
	assert_string_equal(sa ? sa : "-", sb ? sb : "-");
}

/* The index changes of ch, for search_index_patch(). */
static struct index_change *
index_changes(const struct import_changes *ch)
{
	struct index_change	*ic = calloc(ch->n + 1, sizeof(*ic));
	size_t			 i;

	for (i = 0; i < ch->n; i++) {
		ic[i].id = ch->v[i].id;
		ic[i].old = ch->v[i].was_live ? &ch->v[i].old_terms : NULL;
		ic[i].now = ch->v[i].live ? &ch->v[i].terms : NULL;
	}
	return ic;
}

static void
named_files(void **state)
{
	static const char *texts[] = {
		"Passwort vergessen", "Das Passwort setzen Sie im Kundenmenü "
		    "zurück. Ein neues Passwort kommt per E-Mail.",
		"Rechnung herunterladen", "Die Rechnung steht als PDF im "
		    "Kundenmenü bereit.",
		"Domain umziehen", "Für den Umzug einer Domain brauchen Sie den "
		    "Auth-Code des alten Anbieters.",
		"Vertrag kündigen", "Kündigen Sie den Vertrag schriftlich oder "
		    "im Kundenmenü.",
		"IMAP im Mailprogramm", "Das Postfach bleibt auf dem Server; "
		    "Ordner werden abgeglichen.",
		"FTP-Zugang", "Mit dem FTP-Zugang laden Sie Dateien auf den "
		    "Webspace.",
	};
	struct import_stats	 st;
	struct import_changes	 ch;
	struct index_change	*ic;
	struct tokenizer	*t = tokenizer_new(unit_dict());
	struct lexicon		*l0, *l1, *l2;
	struct search_index	*i0, *i1, *i2;
	struct buf		 words, terms;
	const char		*one[] = { "rechnung.md" };
	const char		*names[] = { "passwort.md", "neu.md",
				    "domain.md", "vertrag.md" };
	char			 dir2[200], name[64], text[512], path[256];
	size_t			 i;
	int			 round;

	(void)state;
	assert_non_null(t);
	snprintf(dir2, sizeof(dir2), "%s/articles2", dir);
	assert_int_equal(mkdir(dir2, 0755), 0);
	for (i = 0; i < nitems(texts); i += 2) {
		snprintf(name, sizeof(name), "%s.md", i == 0 ? "passwort" :
		    i == 2 ? "rechnung" : i == 4 ? "domain" : i == 6 ?
		    "vertrag" : i == 8 ? "imap" : "ftp");
		snprintf(text, sizeof(text), "---\ntitle: %s\ntags: [Hilfe]\n"
		    "---\n%s\n", texts[i], texts[i + 1]);
		unit_write(dir2, name, text);
	}
	assert_int_equal(import_folder(db, dir2, &st, NULL), 0);
	l0 = search_lexicon_load(db);
	i0 = search_index_load(db);
	assert_non_null(l0);
	assert_non_null(i0);

	/* 1.1 an echo changes nothing; a changed or vanished file does. */
	assert_int_equal(import_unchanged(db, dir2, "rechnung.md"), 1);
	unit_write(dir2, "rechnung.md", "---\ntitle: Rechnung als PDF\n---\n"
	    "Die Rechnung kommt per Post.\n");
	assert_int_equal(import_unchanged(db, dir2, "rechnung.md"), 0);
	assert_int_equal(import_unchanged(db, dir2, "nichtda.md"), 1);
	assert_int_equal(import_unchanged(db, dir2, "synonyms.txt"), 0);
	assert_int_equal(import_files(db, dir2, one, 1, &st, &ch), 0);
	assert_int_equal(st.changed, 1);
	assert_int_equal(ch.n, 1);
	assert_int_equal(import_unchanged(db, dir2, "rechnung.md"), 1);
	ic = index_changes(&ch);
	l1 = search_lexicon_patch(l0, t, &ch);
	i1 = search_index_patch(i0, ic, ch.n, search_index_nids(i0));
	free(ic);
	import_changes_free(&ch);

	for (round = 2; round <= 3; round++) {
		buf_init(&words);
		buf_init(&terms);
		column(&words, "SELECT folded FROM word");
		column(&terms, "SELECT term FROM article_vocab");
		/* A changed article, a new one, a removed one, a draft. */
		snprintf(text, sizeof(text), "---\ntitle: Passwort ändern "
		    "(Runde %d)\n---\nIm Kundenmenü unter Sicherheit; "
		    "Zweifaktor%d schützt das Konto.\n", round, round);
		unit_write(dir2, "passwort.md", text);
		snprintf(text, sizeof(text), "---\ntitle: Neu %d\n---\n"
		    "Speicherplatz erweitern, Tarif%d wechseln.\n", round,
		    round);
		unit_write(dir2, "neu.md", text);
		snprintf(path, sizeof(path), "%s/domain.md", dir2);
		if (round == 2)
			assert_int_equal(unlink(path), 0);
		else
			unit_write(dir2, "domain.md", "---\ntitle: Domain "
			    "zurück\n---\nDer Auth-Code ist da.\n");
		unit_write(dir2, "vertrag.md", round == 2 ? "---\ntitle: "
		    "Vertrag kündigen\ndraft: true\n---\nEntwurf.\n" :
		    "---\ntitle: Vertrag kündigen\n---\nWieder da.\n");
		assert_int_equal(import_files(db, dir2, names, nitems(names),
		    &st, &ch), 0);
		assert_int_equal(ch.n, 4);
		ic = index_changes(&ch);
		l2 = search_lexicon_patch(l1, t, &ch);
		i2 = search_index_patch(i1, ic, ch.n, search_index_nids(i1) +
		    1);
		free(ic);
		import_changes_free(&ch);
		search_lexicon_unref(l1);
		search_index_unref(i1);
		l1 = l2;
		i1 = i2;
		column(&words, "SELECT folded FROM word");
		column(&terms, "SELECT term FROM article_vocab");
		l2 = search_lexicon_load(db);
		i2 = search_index_load(db);
		snprintf(name, sizeof(name), "%d.1", round);
		same_as_read(name, l1, l2, i1, i2, words.data, terms.data);
		search_lexicon_unref(l2);
		search_index_unref(i2);
		buf_free(&words);
		buf_free(&terms);
	}
	search_lexicon_unref(l0);
	search_lexicon_unref(l1);
	search_index_unref(i0);
	search_index_unref(i1);
	tokenizer_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lifecycle),
		cmocka_unit_test(broken_files),
		cmocka_unit_test(missing_folder),
		cmocka_unit_test(named_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
