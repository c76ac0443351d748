/*
 * cmd_user.c (cmd): "kbd user add|del|list|passwd|token", on the database
 * file, also while a server uses it (SQLite's locking makes the two
 * writers take turns; the server sees the change with its next read).
 * With --cluster (or --cluster-file, KBD_CLUSTER) on the cluster's
 * PostgreSQL instead, whose accounts every node uses at once; --db is
 * then not opened.  Passwords come from stdin, asked twice without echo
 * on a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

static void
print_user(void *arg, const struct user_row *u)
{
	char	 when[32];

	clock_format(when, sizeof(when), u->created);
	fprintf(arg, "%-20s %-6s %s%s\n", u->name, u->role, when,
	    u->has_token ? " (API token)" : "");
}

/*
 * Reads a password from stdin: with a prompt and without echo on a
 * terminal (asked twice), else the first line.  Returns a string the
 * caller wipes and frees, or NULL with a reason in *errstr.
 */
static char *
read_password(const char **errstr)
{
	struct termios	 old, quiet;
	char		 line[KBD_MAX_PASSWORD + 2], again[sizeof(line)], *pw;
	int		 tty = isatty(STDIN_FILENO), ok;
	size_t		 n;

	if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fputs("Password: ", stderr);
		ok = fgets(line, sizeof(line), stdin) != NULL;
		fputs("\nAgain: ", stderr);
		ok = ok && fgets(again, sizeof(again), stdin) != NULL;
		fputc('\n', stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		if (ok && strcmp(line, again) != 0) {
			*errstr = "the two passwords differ";
			ok = 0;
		} else if (!ok)
			*errstr = "no password given";
		sodium_memzero(again, sizeof(again));
	} else if (!(ok = fgets(line, sizeof(line), stdin) != NULL))
		*errstr = "no password on stdin";
	if (!ok) {
		sodium_memzero(line, sizeof(line));
		return NULL;
	}
	n = strcspn(line, "\r\n");
	if (line[n] == '\0' && n > KBD_MAX_PASSWORD) {
		*errstr = "the password is longer than " STR(KBD_MAX_PASSWORD)
		    " bytes";
		sodium_memzero(line, sizeof(line));
		return NULL;
	}
	line[n] = '\0';
	pw = xstrdup(line);
	sodium_memzero(line, sizeof(line));
	return pw;
}

/*
 * kbd user add NAME [--role R] | del NAME | list | passwd NAME | token
 * NAME, on the database of cfg.  Returns the exit status.
 */
int
cmd_user(const struct config *cfg)
{
	sqlite3		*db = NULL;
	const char	*what = cfg->args[0], *name = cfg->nargs > 1 ?
			    cfg->args[1] : NULL, *errstr = NULL;
	char		*pw = NULL, token[2 * KBD_TOKEN_BYTES + 1];
	int		 rc = -1;

	if (cfg->cluster != NULL)
		store_pg_shared_init(cfg->cluster);
	else if (store_init_schema(cfg->db, &errstr) == -1 ||
	    store_open(cfg->db, 0, &db, &errstr) == -1) {
		fprintf(stderr, "kbd: %s\n", errstr);
		return 1;
	}
	if (strcmp(what, "list") == 0)
		rc = store_user_each(db, print_user, stdout);
	else if (strcmp(what, "del") == 0)
		rc = store_user_del(db, name, &errstr);
	else if (strcmp(what, "token") == 0 &&
	    (rc = staff_user_token(db, name, token, &errstr)) == 0)
		printf("%s\n", token);
	else if (strcmp(what, "add") == 0 || strcmp(what, "passwd") == 0) {
		if ((pw = read_password(&errstr)) != NULL)
			rc = strcmp(what, "add") == 0 ? staff_user_add(db, name,
			    cfg->role, pw, &errstr) : staff_user_password(db,
			    name, pw, &errstr);
		if (pw != NULL)
			sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	if (rc == -1)
		fprintf(stderr, "kbd: user %s: %s\n", what, errstr != NULL ?
		    errstr : db == NULL ? store_pg_shared_error() :
		    store_error(db));
	else if (strcmp(what, "passwd") == 0)
		fprintf(stderr, "kbd: user passwd %s: done; its sessions are "
		    "ended and its API token revoked (kbd user token makes a "
		    "new one)\n", name);
	else if (strcmp(what, "list") != 0 && strcmp(what, "token") != 0)
		fprintf(stderr, "kbd: user %s %s: done\n", what, name);
	sodium_memzero(token, sizeof(token));
	store_close(db);
	store_pg_shared_close();
	store_shutdown();
	return rc == -1 ? 1 : 0;
}
