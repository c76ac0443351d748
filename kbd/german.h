/*
 * german.h: German word analysis for kbd's tokenizer: folding (umlauts,
 * ß, ae/oe/ue), stop words, Snowball stemming with a small layer of
 * exceptions, word families (ändern, Änderung, geändert) and compound
 * splitting against a word list.  Words come in already lowercased by
 * NFKC_Casefold; everything here works on UTF-8 bytes.  Needs only
 * libstemmer; does not include kbd.h.
 */
#ifndef KBD_GERMAN_H
#define KBD_GERMAN_H

#include <stddef.h>
#include <stdint.h>

#define GERMAN_MAX_WORD		128	/* longest word analysed, bytes */
#define GERMAN_MAX_PARTS	4	/* parts of one compound */

/* A read-only word list for compound splitting, shared by threads. */
struct german_dict;

/* Per-thread analyser (it owns a Snowball stemmer). */
struct german;

/*
 * A callback for one member of a word family: the folded word and its
 * stem (n bytes); a non-zero return stops the caller.
 */
typedef int (*german_family_cb)(void *ctx, const char *word,
    const char *stem, int n);

/*
 * Loads the word list at path (one word per line, UTF-8, as Debian's
 * wngerman ships it) and adds the words of extra (a NUL-separated list
 * ending in an empty string, or NULL).  Returns NULL with a reason in
 * *errstr when the file cannot be read.
 */
struct german_dict *german_dict_load(const char *path, const char **errstr);
void	 german_dict_free(struct german_dict *);
size_t	 german_dict_size(const struct german_dict *);
/* Does the dictionary hold the folded word w[0..n)? */

/* Returns a new analyser using dict (which may be NULL), or NULL. */
struct german *german_new(const struct german_dict *dict);
void	 german_free(struct german *);

/*
 * Folds the lowercase word w[0..n) in place: accents and umlauts to their
 * base letter (ä -> a), ß -> ss, and ae/oe/ue -> a/o/u when they stand
 * for an umlaut (not after q or a vowel).  Returns the new length.
 */
size_t	 german_fold(char *w, size_t n);

/*
 * Is the lowercase word w[0..n), before folding, a stop word ("und",
 * "für", "fuer")?  "ändere" is not, though it folds to "andere".
 */
int	 german_is_stopword(const char *w, size_t n);

/* Is the folded word a separable verb prefix ("ein" in "füge ... ein")? */
int	 german_is_particle(const char *w, size_t n);

/*
 * Stems the folded word into out (at least GERMAN_MAX_WORD + 1 bytes,
 * NUL-terminated).  Returns the stem's length.
 */
int	 german_stem(struct german *, const char *w, int n, char *out);

/*
 * Calls cb with the other members of w's word family (the verb, its -ung
 * noun, its participles: ändern, Änderung, geändert, ändert), one per
 * stem, never one with the stem of w itself.  They are built by rule, so
 * some are no German word ("zellung"): look them up.  Returns 0 or the
 * first non-zero value of cb.
 */
int	 german_family(struct german *, const char *w, int n,
	    german_family_cb cb, void *ctx);

/* One part of a compound: offsets into the word and its dictionary form. */
struct german_part {
	char	 word[GERMAN_MAX_WORD + 1];	/* folded, NUL-terminated */
	int	 len;
};

/*
 * Splits the folded word w[0..n) into the words it is made of
 * ("passwortanderung" -> "passwort", "anderung"; linking s, es, n, en
 * and a dropped e are handled), using the dictionary.  Stores up to
 * GERMAN_MAX_PARTS parts and returns how many (0: not a compound).
 * Results are cached per analyser.
 */
int	 german_split(struct german *, const char *w, int n,
	    struct german_part *parts);

/*
 * Returns the offset of the head of the folded compound w[0..n) (the
 * longest dictionary word it ends in: "kleinschreibung" -> 5, for
 * "schreibung"), or -1.
 */
int	 german_head(struct german *, const char *w, int n);

#endif /* KBD_GERMAN_H */
