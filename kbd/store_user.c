/*
 * store_user.c (store): staff accounts, their sessions and API tokens in
 * the database.  Passwords, session cookies and tokens arrive here only
 * as hashes (staff_auth.c makes them); nothing here can tell a password
 * or a token.  Writes take the writer's connection (or kbd user's own);
 * a request's reads take its thread's reader.  In cluster mode
 * (store_pg_shared_on) every function here asks the cluster's
 * PostgreSQL instead (store_pg.c) and its db or reader is not used
 * (it may be NULL): callers never know which runs.  There, errno
 * ENETDOWN says PostgreSQL is away.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbd.h"

/* errno for a write that changed n rows of db: ENOENT for none. */
static int
changed(sqlite3 *db, int n, const char **errstr)
{
	if (n > 0)
		return 0;
	errno = n == 0 ? ENOENT : EIO;
	*errstr = n == 0 ? "no such user" : sqlite3_errmsg(db);
	return -1;
}

/*
 * Adds user name with role and the password hash pwhash.  Returns 0, or
 * -1 with errno EEXIST (the name is taken) or EIO, and *errstr.
 */
int
store_user_add(sqlite3 *db, const char *name, const char *role,
    const char *pwhash, const char **errstr)
{
	int	 n;

	if (store_pg_shared_on())
		return store_pg_account_add(name, role, pwhash, errstr);
	n = store_run(db, "INSERT INTO user(name, role, pwhash, created)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO NOTHING", "ttti",
	    name, role, pwhash, clock_seconds());
	if (n == 0) {
		errno = EEXIST;
		*errstr = "there is a user of that name already";
		return -1;
	}
	return changed(db, n, errstr);
}

/*
 * Sets the password hash of user name, ends its sessions and revokes its
 * API token: whoever knew the old password is logged out everywhere, and
 * a token they may have made with it works no more (the account's owner
 * makes a new one).  Returns 0, or -1 with errno ENOENT (no such user) or
 * EIO, and *errstr.
 */
int
store_user_password(sqlite3 *db, const char *name, const char *pwhash,
    const char **errstr)
{
	if (store_pg_shared_on())
		return store_pg_account_password(name, pwhash, errstr);
	if (changed(db, store_run(db, "UPDATE user SET pwhash = ?2,"
	    " token_hash = NULL WHERE name = ?1", "tt", name, pwhash),
	    errstr) == -1)
		return -1;
	if (store_run(db, "DELETE FROM session WHERE user_id = (SELECT id"
	    " FROM user WHERE name = ?1)", "t", name) == -1) {
		errno = EIO;
		*errstr = sqlite3_errmsg(db);
		return -1;
	}
	return 0;
}

/* Deletes user name and its sessions; as store_user_password(). */
int
store_user_del(sqlite3 *db, const char *name, const char **errstr)
{
	if (store_pg_shared_on())
		return store_pg_account_del(name, errstr);
	if (store_run(db, "DELETE FROM session WHERE user_id = (SELECT id"
	    " FROM user WHERE name = ?1)", "t", name) == -1) {
		errno = EIO;
		*errstr = sqlite3_errmsg(db);
		return -1;
	}
	return changed(db, store_run(db, "DELETE FROM user WHERE name = ?1",
	    "t", name), errstr);
}

/* Sets the API token hash of user name; as store_user_password(). */
int
store_user_token(sqlite3 *db, const char *name, const char *tokenhash,
    const char **errstr)
{
	if (store_pg_shared_on())
		return store_pg_account_token(name, tokenhash, errstr);
	return changed(db, store_run(db, "UPDATE user SET token_hash = ?2"
	    " WHERE name = ?1", "tt", name, tokenhash), errstr);
}

/*
 * Calls fn(arg, row) for each user, by name.  Returns 0, or -1 with
 * errno EIO (fn may have been called).
 */
int
store_user_each(sqlite3 *db, void (*fn)(void *arg,
    const struct user_row *row), void *arg)
{
	struct user_row	 row;
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (store_pg_shared_on())
		return store_pg_account_each(fn, arg);
	rc = sqlite3_prepare_v2(db, "SELECT name, role, created, token_hash"
	    " IS NOT NULL FROM user ORDER BY name", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.name = (const char *)sqlite3_column_text(st, 0);
		row.role = (const char *)sqlite3_column_text(st, 1);
		row.created = sqlite3_column_int64(st, 2);
		row.has_token = sqlite3_column_int(st, 3);
		fn(arg, &row);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * The id and password hash (into pwhash, size bytes) of user name.
 * Returns 0, or -1 with errno ENOENT (no such user) or EIO.
 */
int
store_user_login(struct reader *r, const char *name, int64_t *id,
    char *pwhash, size_t size)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_ERROR;

	if (store_pg_shared_on())
		return store_pg_account_login(name, id, pwhash, size);
	st = r->st[ST_USER_BY_NAME];
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		errno = rc == SQLITE_DONE ? ENOENT : EIO;
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	snprintf(pwhash, size, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	return 0;
}

/*
 * Fills *who with the staff member whose API token (token set) or
 * unexpired session (else) has the hash hash.  Returns 0, or -1 with
 * errno ENOENT (none) or EIO.
 */
int
store_user_by_hash(struct reader *r, const char *hash, int token,
    struct staff *who)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (store_pg_shared_on())
		return store_pg_account_by_hash(hash, token, who);
	if (token) {
		st = r->st[ST_USER_BY_TOKEN];
		rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	} else {
		st = r->st[ST_SESSION];
		rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, clock_seconds());
	}
	if (rc != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		errno = rc == SQLITE_DONE ? ENOENT : EIO;
		return -1;
	}
	who->id = sqlite3_column_int64(st, 0);
	snprintf(who->name, sizeof(who->name), "%s",
	    (const char *)sqlite3_column_text(st, 1));
	who->admin = strcmp((const char *)sqlite3_column_text(st, 2),
	    "admin") == 0;
	who->via_token = token;
	if (!token)
		snprintf(who->csrf, sizeof(who->csrf), "%s",
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_reset(st);
	return 0;
}

/*
 * Adds a session of user with the cookie's hash and its CSRF token, from
 * now for seconds; expired sessions go (in cluster mode also strikes
 * without a failure for fade microseconds; a single node keeps them in
 * memory).  Returns 0, or -1 (errno EIO).
 */
int
store_session_add(sqlite3 *db, const char *hash, int64_t user,
    const char *csrf, int64_t now, int64_t seconds, int64_t fade)
{
	if (store_pg_shared_on())
		return store_pg_session_add(hash, user, csrf, now, seconds,
		    fade);
	if (store_run(db, "DELETE FROM session WHERE expires <= ?1", "i",
	    now) == -1 || store_run(db, "INSERT INTO session(token_hash,"
	    " user_id, csrf, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
	    "titii", hash, user, csrf, now, now + seconds) == -1) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Ends the session with the cookie's hash.  Returns 0, or -1 (EIO). */
int
store_session_del(sqlite3 *db, const char *hash)
{
	if (store_pg_shared_on())
		return store_pg_session_del(hash);
	if (store_run(db, "DELETE FROM session WHERE token_hash = ?1", "t",
	    hash) == -1) {
		errno = EIO;
		return -1;
	}
	return 0;
}
