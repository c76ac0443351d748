/*
 * search_synonyms.c (search): words that mean the same to a customer
 * ("Kennwort" and "Passwort", "mail merge" and "Serienbrief").  Groups come
 * from a built-in list of general German IT and office terms (with the English
 * words people mix in) and from the staff-editable file synonyms.txt in the
 * articles folder, one group per line:
 *
 *	# comment
 *	passwort, kennwort, pw
 *	fritzbox, fritz!box
 *
 * They are applied at query time: a query word (or run of words) that is
 * a term of a group also searches for the group's other terms.  Terms are
 * matched by their stems, so "Kennwörter" finds the "kennwort" group.
 * The table is rebuilt from the file at every import and shared, read
 * only, by reference count.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"
#include "tokenizer.h"

#define SYN_MAX_TERMS	32	/* terms in one group */
#define SYN_MAX_WORDS	4	/* words in one term */
#define SYN_MAX_LINE	1000

/*
 * General synonyms every knowledge base gets.  Deployment-specific ones
 * (product names, the provider's own words) belong in synonyms.txt.
 */
static const char *builtin[] = {
	/* accounts and access */
	"passwort, kennwort, password, pw",
	"benutzername, username, nutzername, benutzerkennung, loginname",
	"anmelden, einloggen, login, log-in, anmeldung",
	"abmelden, ausloggen, logout",
	"konto, account, benutzerkonto, kundenkonto",
	"zugangsdaten, logindaten, anmeldedaten, credentials",
	"registrieren, registrierung, sign up",
	"zwei-faktor-authentifizierung, 2fa, zweifaktor",
	/* e-mail */
	"e-mail, email, mail",
	"postfach, mailbox, e-mail-konto, mailkonto",
	"posteingang, inbox",
	"postausgang, outbox",
	"weiterleitung, forwarding, umleitung, weiterleiten",
	"abwesenheitsnotiz, autoresponder, abwesenheitsmeldung, "
	    "out of office",
	"anhang, attachment, dateianhang",
	"spam, junk, werbemail",
	"posteingangsserver, imap-server, pop3-server",
	"postausgangsserver, smtp-server, ausgangsserver",
	"mailprogramm, e-mail-programm, mail-client, e-mail-client, "
	    "mailclient",
	"webmail, webmailer, web-mail",
	/* web and network */
	"domain, domäne",
	"zertifikat, certificate, ssl-zertifikat, tls-zertifikat",
	"ssl, tls",
	"verschlüsselung, encryption, verschlüsselt",
	"ip-adresse, ip address",
	"dyndns, ddns, dynamisches dns",
	"nameserver, dns-server",
	"weiterleiten, redirect",
	"hochladen, upload, uploaden",
	"herunterladen, download, downloaden",
	"webseite, website, homepage, internetseite",
	"browser, webbrowser",
	"wlan, wifi, wi-fi",
	"router, internetrouter",
	"portfreigabe, portweiterleitung, port forwarding",
	"firewall, brandmauer",
	/* contracts and billing */
	"rechnung, invoice",
	"kündigen, kündigung, vertrag beenden",
	"vertrag, tarif",
	"bezahlen, zahlung, payment",
	/* general actions */
	"aktualisieren, updaten, update",
	"löschen, entfernen, delete",
	"ändern, bearbeiten, anpassen",
	"einrichten, konfigurieren, installieren, setup",
	"einstellungen, settings, optionen, konfiguration",
	"wiederherstellen, restore",
	"sicherung, backup, datensicherung",
	"fehler, error, störung, problem",
	"hilfe, support, kundendienst",
	"speichern, save",
	"drucken, print, ausdrucken",
	"suchen, search, finden",
	"suchen und ersetzen, find and replace",
	"kopieren, copy",
	"einfügen, paste, insert",
	"ausschneiden, cut",
	"rückgängig, undo",
	"datei, file",
	"ordner, folder, verzeichnis",
	"dokument, document",
	"vorlage, template",
	/* office documents */
	"tabellenkalkulation, spreadsheet",
	"tabelle, table",
	"zelle, cell",
	"spalte, column",
	"zeile, row",
	"formel, formula",
	"diagramm, chart, schaubild",
	"bild, grafik, image, picture, foto",
	"präsentation, presentation, bildschirmpräsentation, slideshow, "
	    "slide show",
	"folie, slide",
	"makro, macro",
	"seitenumbruch, page break",
	"zeilenumbruch, line break",
	"seitenzahl, seitennummer, page number",
	"inhaltsverzeichnis, table of contents",
	"fußnote, footnote",
	"kopfzeile, header",
	"fußzeile, footer",
	"schriftart, font",
	"schriftgröße, font size",
	"serienbrief, mail merge, seriendruck",
	"rechtschreibprüfung, spell check, spellcheck, rechtschreibung",
	"änderungen verfolgen, track changes, änderungen aufzeichnen",
	"pivot-tabelle, pivot table, datenpilot",
	"sverweis, vlookup",
	"wverweis, hlookup",
	"zählenwenn, countif",
	"summewenn, sumif",
	"bedingte formatierung, conditional formatting",
	"sortieren, sort",
	"filter, autofilter",
	"kommentar, comment, notiz",
	"wasserzeichen, watermark",
	"querformat, landscape",
	"hochformat, portrait",
	"silbentrennung, hyphenation",
	"autokorrektur, autocorrect",
	"hyperlink, link, verknüpfung",
	"lesezeichen, bookmark",
	"verweis, querverweis, reference",
	"aufzählung, aufzählungszeichen, bullet points, bullets",
	"nummerierung, numbering",
	"tastenkombination, tastenkürzel, shortcut",
};

struct syn_term {
	char	*key;		/* the term's stems joined by ' ' */
	char	*text;		/* the term as written */
	int	 group;
};

struct synonyms {
	atomic_int	 refs;
	struct syn_term	*terms;		/* grouped: a group's terms in a row */
	size_t		 nterms;
	size_t		*sorted;	/* term indexes by key */
	size_t		*first;		/* group -> its first term */
	size_t		 ngroups;
};

struct keybuf {
	struct buf	 b;
	int		 words;
};

static int
key_word(void *ctx, const struct tokenizer_word *w)
{
	struct keybuf	*k = ctx;

	/* Stop words do not count: queries leave them out as well. */
	if (w->stop)
		return 0;
	if (k->words++ > 0)
		buf_putc(&k->b, ' ');
	buf_put(&k->b, w->stem, (size_t)w->nstem);
	return k->words > SYN_MAX_WORDS ? 1 : 0;
}

/*
 * Returns the key of a term or a run of query words: their stems,
 * space-separated; NULL when it has no word or too many.
 */
static char *
group_key(struct tokenizer *t, const char *text, size_t len)
{
	struct keybuf	 k;

	buf_init(&k.b);
	k.words = 0;
	tokenizer_words(t, text, (int)len, key_word, &k);
	if (k.words == 0 || k.words > SYN_MAX_WORDS) {
		buf_free(&k.b);
		return NULL;
	}
	return buf_detach(&k.b, NULL);
}

static struct synonyms	*sort_syn;	/* for key_cmp; writer only */

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(sort_syn->terms[*(const size_t *)a].key,
	    sort_syn->terms[*(const size_t *)b].key);
}

/* Adds the group on line (comma-separated terms). Returns terms added. */
static int
add_group(struct synonyms *s, struct tokenizer *t, const char *line,
    size_t *cap, const char *where)
{
	const char	*p = line, *comma;
	char		*text, *key;
	size_t		 n, start = s->nterms;

	while (*p != '\0') {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r'))
			n--;
		if (n > 0 && s->nterms - start < SYN_MAX_TERMS) {
			text = xstrndup(p, n);
			if ((key = group_key(t, text, n)) == NULL) {
				if (where != NULL)
					log_warnx("%s: \"%s\" is not a term of "
					    "1 to %d words; left out", where,
					    text, SYN_MAX_WORDS);
				free(text);
			} else {
				if (s->nterms == *cap) {
					*cap = *cap ? *cap * 2 : 256;
					s->terms = xreallocarray(s->terms, *cap,
					    sizeof(*s->terms));
				}
				s->terms[s->nterms].key = key;
				s->terms[s->nterms].text = text;
				s->terms[s->nterms].group = (int)s->ngroups;
				s->nterms++;
			}
		}
		p = comma != NULL ? comma + 1 : p + n;
	}
	if (s->nterms - start < 2) {
		/* One term alone means nothing; drop it. */
		while (s->nterms > start) {
			s->nterms--;
			free(s->terms[s->nterms].key);
			free(s->terms[s->nterms].text);
		}
		if (where != NULL && *line != '\0')
			log_warnx("%s: a group needs two terms or more", where);
		return 0;
	}
	s->first = xreallocarray(s->first, s->ngroups + 2, sizeof(*s->first));
	s->first[s->ngroups] = start;
	s->ngroups++;
	s->first[s->ngroups] = s->nterms;
	return (int)(s->nterms - start);
}

/*
 * Builds the synonym table: the built-in groups, then the groups of text
 * (the contents of file, which is named in warnings; text may be NULL).
 * Stems with t.  Returns a table with one reference.
 */
static struct synonyms *
build_groups(struct tokenizer *t, const char *text, const char *file)
{
	struct synonyms	*s;
	char		 where[512], line[SYN_MAX_LINE + 1];
	const char	*p, *nl;
	size_t		 i, n, cap = 0, lineno = 0;

	s = xcalloc(1, sizeof(*s));
	atomic_init(&s->refs, 1);
	for (i = 0; i < nitems(builtin); i++)
		add_group(s, t, builtin[i], &cap, NULL);
	for (p = text; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 :
	    p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		lineno++;
		snprintf(where, sizeof(where), "%s:%zu", file, lineno);
		if (n > SYN_MAX_LINE) {
			log_warnx("%s: line longer than %d bytes; left out",
			    where, SYN_MAX_LINE);
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (line[strspn(line, " \t\r")] == '#' ||
		    line[strspn(line, " \t\r")] == '\0')
			continue;
		add_group(s, t, line, &cap, where);
	}
	s->sorted = xcalloc(s->nterms + 1, sizeof(*s->sorted));
	for (i = 0; i < s->nterms; i++)
		s->sorted[i] = i;
	sort_syn = s;
	if (s->nterms > 0)
		qsort(s->sorted, s->nterms, sizeof(*s->sorted), key_cmp);
	return s;
}

void
search_synonyms_ref(struct synonyms *s)
{
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
}

void
search_synonyms_unref(struct synonyms *s)
{
	size_t	 i;

	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	for (i = 0; i < s->nterms; i++) {
		free(s->terms[i].key);
		free(s->terms[i].text);
	}
	free(s->terms);
	free(s->sorted);
	free(s->first);
	free(s);
}

/*
 * Calls cb with every term that shares a group with the term whose key
 * is key (not with terms that have that key themselves).  Returns the
 * number of calls.
 */
int
search_synonyms_lookup(const struct synonyms *s, const char *key,
    void (*cb)(void *, const char *), void *ctx)
{
	size_t	 lo, hi, mid, i, j;
	int	 calls = 0, g;

	if (s == NULL || s->nterms == 0)
		return 0;
	for (lo = 0, hi = s->nterms; lo < hi; ) {
		mid = (lo + hi) / 2;
		if (strcmp(s->terms[s->sorted[mid]].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < s->nterms && strcmp(s->terms[s->sorted[i]].key,
	    key) == 0; i++) {
		g = s->terms[s->sorted[i]].group;
		for (j = s->first[g]; j < s->first[g + 1]; j++) {
			if (strcmp(s->terms[j].key, key) == 0)
				continue;
			cb(ctx, s->terms[j].text);
			calls++;
		}
	}
	return calls;
}

/*
 * Reads synonyms.txt of the folder articles (it may be missing) and
 * builds the synonym table with the built-in groups.  Returns a table with
 * one reference; problems with the file are logged and leave it out.
 */
struct synonyms *
search_synonyms_load(const char *articles)
{
	struct tokenizer	*t;
	struct synonyms		*syn;
	char			*path, *text = NULL;
	size_t			 len = 0, bad;
	FILE			*f;

	path = xasprintf("%s/synonyms.txt", articles);
	if ((f = fopen(path, "r")) != NULL) {
		text = xmalloc(KBD_MAX_SYNONYMS + 1);
		len = fread(text, 1, KBD_MAX_SYNONYMS, f);
		text[len] = '\0';
		if (ferror(f) || !feof(f)) {
			log_warnx("%s: unreadable or larger than %d bytes; "
			    "not used", path, KBD_MAX_SYNONYMS);
			len = 0;
		} else if (!utf8_valid(text, len, &bad)) {
			log_warnx("%s: not valid UTF-8 (byte %zu); not used",
			    path, bad);
			len = 0;
		}
		text[len] = '\0';
		fclose(f);
	}
	if ((t = tokenizer_new(store_dict())) == NULL)
		fatalx("cannot set up a tokenizer");
	syn = build_groups(t, text, path);
	tokenizer_free(t);
	free(text);
	free(path);
	return syn;
}

