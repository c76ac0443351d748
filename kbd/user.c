/*
 * user.c (staff): staff accounts.  A user has a name, a role (an editor edits
 * articles; an admin also manages accounts) and an Argon2id hash of the
 * password (libsodium's crypto_pwhash_str, which stores its own salt and
 * cost), and optionally the hash of an API token for scripts.  Nothing
 * here keeps a password or token in clear beyond the call.
 *
 * "kbd user add|del|list|passwd|token" runs here, on the database file,
 * also while a server uses it (SQLite's locking makes the two writers
 * take turns; the server sees the change with its next read).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"

/* Is name a usable user name: 1 to KBD_MAX_USER of [a-zA-Z0-9._-]? */
int
user_name_valid(const char *name)
{
	size_t	 i, n = strlen(name);

	if (n == 0 || n > KBD_MAX_USER)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '_' || name[i] == '-'))
			return 0;
	return 1;
}

/* Checks a new password; returns NULL or why it is not good enough. */
const char *
user_password_weak(const char *pw)
{
	size_t	 n = strlen(pw);

	if (n < KBD_MIN_PASSWORD)
		return "the password needs at least " STR(KBD_MIN_PASSWORD)
		    " characters";
	if (n > KBD_MAX_PASSWORD)
		return "the password is longer than " STR(KBD_MAX_PASSWORD)
		    " bytes";
	if (!utf8_valid(pw, n, NULL))
		return "the password is not valid UTF-8";
	return NULL;
}

/*
 * Adds user name with role ("editor" or "admin") and password pw to db.
 * Returns 0, or -1 with a reason in *errstr.
 */
int
user_add(sqlite3 *db, const char *name, const char *role, const char *pw,
    const char **errstr)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if (!user_name_valid(name)) {
		*errstr = "a user name is 1 to " STR(KBD_MAX_USER) " letters, "
		    "digits, '.', '_' or '-'";
		return -1;
	}
	if (strcmp(role, "editor") != 0 && strcmp(role, "admin") != 0) {
		*errstr = "the role is editor or admin";
		return -1;
	}
	if ((*errstr = user_password_weak(pw)) != NULL)
		return -1;
	if (auth_hash_password(pw, hash) == -1) {
		*errstr = "out of memory for the password hash";
		return -1;
	}
	rc = store_user_add(db, name, role, hash, errstr);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* Sets a new password for name.  Returns 0, or -1 with *errstr. */
int
user_set_password(sqlite3 *db, const char *name, const char *pw,
    const char **errstr)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if ((*errstr = user_password_weak(pw)) != NULL)
		return -1;
	if (auth_hash_password(pw, hash) == -1) {
		*errstr = "out of memory for the password hash";
		return -1;
	}
	rc = store_user_password(db, name, hash, errstr);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/*
 * Gives name a new API token, replacing the old one, and writes it (hex)
 * to token, which has room for 2 * KBD_TOKEN_BYTES + 1.  Only its hash is
 * stored.  Returns 0, or -1 with *errstr.
 */
int
user_new_token(sqlite3 *db, const char *name, char *token,
    const char **errstr)
{
	char	 hash[65];

	auth_new_token(token, hash);
	return store_user_token(db, name, hash, errstr);
}

static void
print_user(void *arg, const struct user_row *u)
{
	char	 when[32];

	format_time(when, sizeof(when), u->created);
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
user_main(const struct config *cfg)
{
	sqlite3		*db = NULL;
	const char	*what = cfg->args[0], *name = cfg->nargs > 1 ?
			    cfg->args[1] : NULL, *errstr = NULL;
	char		*pw = NULL, token[2 * KBD_TOKEN_BYTES + 1];
	int		 rc = -1;

	if (store_init_schema(cfg->db, &errstr) == -1 ||
	    store_open(cfg->db, 0, &db, &errstr) == -1) {
		fprintf(stderr, "kbd: %s\n", errstr);
		return 1;
	}
	if (strcmp(what, "list") == 0)
		rc = store_user_each(db, print_user, stdout);
	else if (strcmp(what, "del") == 0)
		rc = store_user_del(db, name, &errstr);
	else if (strcmp(what, "token") == 0 &&
	    (rc = user_new_token(db, name, token, &errstr)) == 0)
		printf("%s\n", token);
	else if (strcmp(what, "add") == 0 || strcmp(what, "passwd") == 0) {
		if ((pw = read_password(&errstr)) != NULL)
			rc = strcmp(what, "add") == 0 ? user_add(db, name,
			    cfg->role, pw, &errstr) : user_set_password(db,
			    name, pw, &errstr);
		if (pw != NULL)
			sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	if (rc == -1)
		fprintf(stderr, "kbd: user %s: %s\n", what, errstr != NULL ?
		    errstr : sqlite3_errmsg(db));
	else if (strcmp(what, "list") != 0 && strcmp(what, "token") != 0)
		fprintf(stderr, "kbd: user %s %s: done\n", what, name);
	sodium_memzero(token, sizeof(token));
	sqlite3_close(db);
	store_shutdown();
	return rc == -1 ? 1 : 0;
}

static int
change_job(sqlite3 *db, void *arg)
{
	struct user_change	*c = arg;

	if (c->del)
		return store_user_del(db, c->name, &c->why);
	return user_add(db, c->name, c->role, c->password, &c->why);
}

/*
 * Adds or deletes an account from a request, in the writer thread.
 * Returns 0, or -1 with a reason in c->why (NULL if the server stops).
 */
int
user_change(struct user_change *c)
{
	c->why = NULL;
	return writer_call(change_job, c);
}
