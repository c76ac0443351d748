/*
 * tokenizer.h: kbd's word tokenizer for German support texts, usable on
 * its own and as the FTS5 tokenizer "kbd".  ICU's word break rules find
 * the words; each is folded (NFKC, case, umlauts, ß) and stemmed by
 * german.c, so that "Über", "ueber" and "uber" give one token, and
 * "Pakete" and "Paketen" too.  In stored text, compounds and hyphenated
 * words also give their parts and joins at the same position
 * ("Mailprogramm": mail, programm; "E-Mail": email).  This header needs
 * only SQLite's and german.h; it does not include kbd.h.
 */
#ifndef KBD_TOKENIZER_H
#define KBD_TOKENIZER_H

#include <sqlite3.h>

#include "german.h"

/* Flags of tokenizer_run(): the FTS5_TOKENIZE_* values. */
#define TOKENIZER_QUERY		0x0001	/* text is a search query */
#define TOKENIZER_PREFIX	0x0002	/* ... ending in a prefix */
#define TOKENIZER_DOCUMENT	0x0004	/* text is stored content */
#define TOKENIZER_AUX		0x0008	/* positions for snippets */

/* Changes whenever tokens change: the index is then rebuilt at start. */
#define TOKENIZER_VERSION	"3"

/* Longest token emitted, in bytes; longer words are skipped. */
#define TOKENIZER_MAX_TOKEN	128

/* Characters that join two words into one: E-Mail, FRITZ!Box, AT&T. */
#define TOKENIZER_JOINERS	"-!/+&"

/* Stop words are indexed with this mark, so "sich" never meets a stem. */
#define TOKENIZER_STOP_MARK	'_'

/*
 * Called once per token with the token (not NUL-terminated) and the byte
 * range [start, end) of its word in the input.  tflags is 0 or
 * FTS5_TOKEN_COLOCATED.  A non-zero return stops tokenizing and is passed
 * back by tokenizer_run().
 */
typedef int (*tokenizer_cb)(void *ctx, int tflags, const char *token,
    int ntoken, int start, int end);

/* One word of the input, as tokenizer_words() reports it. */
struct tokenizer_word {
	int		 start;		/* byte range in the input */
	int		 end;
	const char	*lower;		/* NFKC case-folded, umlauts kept */
	int		 nlower;
	const char	*folded;	/* umlauts and ß folded too */
	int		 nfolded;
	const char	*stem;		/* the token it is indexed as */
	int		 nstem;
	int		 stop;		/* a stop word ("und", "ich") */
	int		 number;	/* holds a digit */
};

typedef int (*tokenizer_word_cb)(void *ctx, const struct tokenizer_word *);

struct tokenizer;

/*
 * Returns a new tokenizer that splits compounds with dict (may be NULL:
 * no splitting), or NULL when ICU or the stemmer cannot be set up.  dict
 * must outlive the tokenizer.
 */
struct tokenizer *tokenizer_new(const struct german_dict *dict);
void	tokenizer_free(struct tokenizer *);

/*
 * Tokenizes text[0..len) and calls cb for each token.  Ill-formed UTF-8
 * is read as U+FFFD and never makes it fail.  Returns SQLITE_OK, the first
 * non-zero value of cb, or SQLITE_NOMEM.  One tokenizer must not be used
 * by two threads at once.
 */
int	tokenizer_run(struct tokenizer *, const char *text, int len, int flags,
	    tokenizer_cb cb, void *ctx);

/*
 * Calls cb once per word of text[0..len) with its forms; the pointers are
 * valid during the call only.  Returns like tokenizer_run().
 */
int	tokenizer_words(struct tokenizer *, const char *text, int len,
	    tokenizer_word_cb cb, void *ctx);

/* Returns the analyser the tokenizer uses (for word families, splits). */
struct german *tokenizer_german(struct tokenizer *);

/* Registers the FTS5 tokenizer "kbd" on db, splitting with dict. */
int	tokenizer_register(sqlite3 *db, const struct german_dict *dict);

/* Returns db's FTS5 API (for other FTS5 extensions), or NULL. */
fts5_api *tokenizer_fts5(sqlite3 *db);

#endif /* KBD_TOKENIZER_H */
