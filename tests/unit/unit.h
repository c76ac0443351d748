/*
 * unit.h: what every unit test includes: cmocka and kbd's own headers,
 * plus a helper for temporary folders.  Each tests/unit/t_<module>.c is
 * one program, linked with every kbd object except main.o.
 */
#ifndef KBD_UNIT_H
#define KBD_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kbd.h"
#include "german.h"
#include "tokenizer.h"

#define UNIT_DICT	"/usr/share/dict/ngerman"

/* The German word list (loaded once), as kbd uses it by default. */
static inline const struct german_dict *
unit_dict(void)
{
	static struct german_dict	*dict;
	const char			*errstr;

	if (dict == NULL && (dict = german_dict_load(UNIT_DICT,
	    &errstr)) == NULL) {
		fprintf(stderr, "%s: %s\n", UNIT_DICT, errstr);
		exit(1);
	}
	return dict;
}

/* Makes a fresh temporary folder; returns its path (static storage). */
static inline const char *
unit_tmpdir(void)
{
	static char	 path[64];

	snprintf(path, sizeof(path), "/tmp/kbd-unit-XXXXXX");
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return path;
}

/* Writes text to dir/name. */
static inline void
unit_write(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* Removes dir and everything in it. */
static inline void
unit_rmdir(const char *dir)
{
	char	 cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif /* KBD_UNIT_H */
