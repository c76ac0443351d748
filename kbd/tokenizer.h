/*
 * tokenizer.h: kbd's word tokenizer, usable on its own and as the FTS5
 * tokenizer "kbd".  It splits UTF-8 text into words with ICU's word break
 * rules and folds each word (NFKC, Unicode case folding, ß -> ss), so that
 * "Über", "über" and "ÜBER" give the same token.  This header needs only
 * SQLite's; it does not include kbd.h.
 */
#ifndef KBD_TOKENIZER_H
#define KBD_TOKENIZER_H

#include <sqlite3.h>

/* Flags of tokenizer_run(): the FTS5_TOKENIZE_* values. */
#define TOKENIZER_QUERY		0x0001	/* text is a search query */
#define TOKENIZER_DOCUMENT	0x0004	/* text is stored content */

/* Changes whenever tokens change: the index is then rebuilt at start. */
#define TOKENIZER_VERSION	"1"

/* Longest token emitted, in bytes; longer words are skipped. */
#define TOKENIZER_MAX_TOKEN	128

/*
 * Called once per token with the folded token (not NUL-terminated) and
 * the byte range [start, end) of the word in the input.  tflags is 0 or
 * FTS5_TOKEN_COLOCATED.  A non-zero return stops tokenizing and is passed
 * back by tokenizer_run().
 */
typedef int (*tokenizer_cb)(void *ctx, int tflags, const char *token,
    int ntoken, int start, int end);

struct tokenizer;

/* Returns a new tokenizer, or NULL when ICU cannot be set up. */
struct tokenizer *tokenizer_new(void);
void	tokenizer_free(struct tokenizer *);

/*
 * Tokenizes text[0..len) and calls cb for each token.  Ill-formed UTF-8
 * is read as U+FFFD and never makes it fail.  Returns SQLITE_OK, the first
 * non-zero value of cb, or SQLITE_NOMEM.  One tokenizer must not be used
 * by two threads at once.
 */
int	tokenizer_run(struct tokenizer *, const char *text, int len, int flags,
	    tokenizer_cb cb, void *ctx);

/* Registers the FTS5 tokenizer "kbd" on db.  Returns an SQLite code. */
int	tokenizer_register(sqlite3 *db);

/* Returns db's FTS5 API (for other FTS5 extensions), or NULL. */
fts5_api *tokenizer_fts5(sqlite3 *db);

#endif /* KBD_TOKENIZER_H */
