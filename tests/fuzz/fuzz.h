/*
 * fuzz.h: what every fuzz target (tests/fuzz/fuzz_<t>.c) includes:
 * libFuzzer's entry points, kbd's headers, a temporary folder that is
 * removed at exit, and a small German knowledge base to search.  A target
 * is linked either with libFuzzer (make fuzz) or with replay_main.c,
 * which feeds it the files of the corpus and of crashes/ (make test).
 * Targets check their invariants with assert(), which stays on here.
 */
#ifndef KBD_FUZZ_H
#define KBD_FUZZ_H

#undef NDEBUG
#include <sys/stat.h>

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbd.h"
#include "german.h"
#include "tokenizer.h"

#define FUZZ_DICT	"/usr/share/dict/ngerman"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The German word list, loaded once and kept to the end (the tokenizer
 * and the store point into it).  Exits when it is missing.
 */
static inline const struct german_dict *
fuzz_dict(void)
{
	static struct german_dict	*dict;
	const char			*errstr;

	if (dict == NULL && (dict = german_dict_load(FUZZ_DICT,
	    &errstr)) == NULL) {
		fprintf(stderr, "%s: %s\n", FUZZ_DICT, errstr);
		exit(1);
	}
	return dict;
}

static char	fuzz_tmp[256];

static inline void
fuzz_rmtmp(void)
{
	char	 cmd[300];

	if (fuzz_tmp[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fuzz_tmp);
	fuzz_tmp[0] = '\0';
}

/*
 * Makes a fresh folder below $TMPDIR (make fuzz points it into
 * build-fuzz/, so that a crash, which skips atexit, leaves nothing in
 * /tmp) and removes it at a normal exit.  Returns its path.
 */
static inline const char *
fuzz_tmpdir(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/kbd-fuzz-XXXXXX", tmp);
	if (mkdtemp(fuzz_tmp) == NULL) {
		perror(fuzz_tmp);
		exit(1);
	}
	atexit(fuzz_rmtmp);
	return fuzz_tmp;
}

/* Writes text to dir/name. */
static inline void
fuzz_write(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		perror(path);
		exit(1);
	}
}

/*
 * Makes dir and fills it with ten short German articles and a synonyms
 * file: compounds, joined words, umlauts, a title with markup, numbers,
 * so that most ways of searching find something.
 */
static inline void
fuzz_articles(const char *dir)
{
	static const struct {
		const char	*name;
		const char	*text;
	} files[] = {
		{ "imap.md", "---\ntitle: Wie verwalte ich Mails über IMAP?\n"
		  "category: E-Mail\ntags: [imap, ssl, postfach]\nhits: 900\n"
		  "---\nMit IMAP bleiben die Mails auf dem Server. Nutzen Sie "
		  "SSL/TLS auf Port 993.\n\n## Ordner\n\nOrdner, die Sie "
		  "anlegen, sind überall sichtbar.\n" },
		{ "pop3.md", "---\ntitle: Wie rufe ich Mails per POP3 ab?\n"
		  "category: E-Mail\ntags: pop3, ssl\nhits: 400\n---\nPOP3 "
		  "lädt die Mails herunter. Anders als IMAP sieht POP3 nur "
		  "den Posteingang.\n" },
		{ "passwort.md", "---\ntitle: Passwort vergessen\ncategory: "
		  "Konto\n---\nIhr Passwort setzen Sie im Kundenmenü zurück. "
		  "Die Passwortänderung gilt sofort; das Kennwort des "
		  "Postfachs ändern Sie unter *Einstellungen*.\n" },
		{ "fritzbox.md", "---\ntitle: Wie konfiguriere ich die "
		  "FRITZ!Box?\ntags: [router, dyndns]\n---\nTragen Sie in der "
		  "FRITZ!Box unter DynDNS Ihre Daten ein. Die IP-Adresse "
		  "ändert sich täglich.\n" },
		{ "mailprogramm.md", "---\ntitle: Ein neues Mailprogramm "
		  "einrichten\n---\nIm Mailprogramm tragen Sie den Server ein. "
		  "Die E-Mail kommt dann an. Kopf- und Fußzeile bleiben "
		  "erhalten.\n" },
		{ "xss.md", "---\ntitle: \"<script>alert(1)</script> & "
		  "'Zitate'\"\n---\nDer Text `<img src=x onerror=alert(1)>` & "
		  "\"Zitate\" bleiben Text. <b>fett</b> Straße.\n" },
		{ "spam.md", "---\ntitle: Spamfilter einstellen\nhits: 5000\n"
		  "---\nDer Spamfilter sortiert Werbung aus. Weiße Liste und "
		  "schwarze Liste finden Sie im Kundenmenü.\n" },
		{ "dns.md", "---\ntitle: DNS-Einträge prüfen\ncategory: "
		  "Domains\ntags: [dns, nslookup, a-record]\n---\nMit "
		  "`nslookup example.org` prüfen Sie den A-Record. Änderungen "
		  "brauchen bis zu 24 Stunden.\n" },
		{ "ssl.md", "---\ntitle: SSL-Zertifikat bestellen\n---\nDas "
		  "Zertifikat für www.example.org wird automatisch verlängert. "
		  "Verschlüsselung mit TLS 1.3.\n" },
		{ "umlaute.md", "---\ntitle: Übergrößen und Äpfel\n---\n"
		  "Ärger über Öffnungszeiten: Grüße, Maße, Fuß. ﬁ Ligaturen "
		  "und İstanbul, ǅ, ΣΊΣΥΦΟΣ, 東京 und 😀.\n" },
		{ "synonyms.txt", "# Synonyme\nkennwort, passwort, pw\n"
		  "fritzbox, fritz!box, avm router\nspam, werbung\n" },
	};
	size_t	 i;

	if (mkdir(dir, 0755) == -1) {
		perror(dir);
		exit(1);
	}
	for (i = 0; i < nitems(files); i++)
		fuzz_write(dir, files[i].name, files[i].text);
}

#endif /* KBD_FUZZ_H */
