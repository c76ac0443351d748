/*
 * staff_user.c (staff): staff accounts.  A user has a name, a role (an editor
 * edits articles; an admin also manages accounts) and an Argon2id hash of the
 * password (libsodium's crypto_pwhash_str, which stores its own salt and cost),
 * and optionally the hash of an API token for scripts.  Nothing here keeps a
 * password or token in clear beyond the call.  The rules for names and
 * passwords are here; the rows are store_user.c's; "kbd user" is cmd_user.c.
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
staff_user_name_valid(const char *name)
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
staff_user_password_weak(const char *pw)
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
staff_user_add(sqlite3 *db, const char *name, const char *role, const char *pw,
    const char **errstr)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if (!staff_user_name_valid(name)) {
		*errstr = "a user name is 1 to " STR(KBD_MAX_USER) " letters, "
		    "digits, '.', '_' or '-'";
		return -1;
	}
	if (strcmp(role, "editor") != 0 && strcmp(role, "admin") != 0) {
		*errstr = "the role is editor or admin";
		return -1;
	}
	if ((*errstr = staff_user_password_weak(pw)) != NULL)
		return -1;
	if (staff_auth_hash_password(pw, hash) == -1) {
		*errstr = "out of memory for the password hash";
		return -1;
	}
	rc = store_user_add(db, name, role, hash, errstr);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* Sets a new password for name.  Returns 0, or -1 with *errstr. */
int
staff_user_password(sqlite3 *db, const char *name, const char *pw,
    const char **errstr)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if ((*errstr = staff_user_password_weak(pw)) != NULL)
		return -1;
	if (staff_auth_hash_password(pw, hash) == -1) {
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
staff_user_token(sqlite3 *db, const char *name, char *token,
    const char **errstr)
{
	char	 hash[65];

	staff_auth_new_token(token, hash);
	return store_user_token(db, name, hash, errstr);
}

static int
change_job(sqlite3 *db, void *arg)
{
	struct staff_user_change	*c = arg;

	if (c->del)
		return store_user_del(db, c->name, &c->why);
	return staff_user_add(db, c->name, c->role, c->password, &c->why);
}

/*
 * Adds or deletes an account from a request, in the writer thread; in
 * cluster mode in PostgreSQL, on the request's own thread (the writer
 * need not wait for it, nor it for an import).  Returns 0, or -1 with a
 * reason in c->why (NULL if the server stops).
 */
int
staff_user_change(struct staff_user_change *c)
{
	c->why = NULL;
	if (store_pg_shared_on())
		return change_job(NULL, c);
	return writer_call(change_job, c);
}
