/*
 * staff_auth.c (staff): who is staff.  A login checks the password against its Argon2id
 * hash and opens a session: a random 256-bit token in an HttpOnly,
 * SameSite=Strict cookie (Secure over TLS), of which the database keeps
 * only a BLAKE2b hash, with a CSRF token every state change must carry.
 * Scripts may instead send a user's API token as "Authorization: Bearer".
 *
 * Guessing is made slow and then impossible: every failed login is a
 * strike against the account and against the client's address; from the
 * fifth strike on, the next attempt must wait 1, 2, 4, ... seconds, up to
 * 15 minutes (a lock-out), and a correct password inside the wait is
 * refused like a wrong one.  Strikes live in a fixed table in memory
 * (bounded; the oldest entry makes room) and fade after an hour without
 * failures.  An unknown name costs the same hash check as a known one, so
 * timing does not tell which names exist.  Argon2id takes 64 MiB per
 * check, so at most KBD_MAX_VERIFY checks run at once.
 *
 * The staff pages are refused over plain HTTP from other machines (the
 * password would cross the network in clear) unless --insecure-admin;
 * loopback is allowed, as behind a reverse proxy that does TLS.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

#define STRIKES		1024	/* remembered addresses and accounts */
#define STRIKE_PROBE	8	/* slots an entry may take */
#define STRIKES_FREE	4	/* failures before any wait */
#define STRIKE_MAX_WAIT	900	/* seconds: the lock-out */
#define STRIKE_FADE	3600	/* seconds without failure to forget */

struct strike {
	uint64_t	 key;		/* 0: free */
	unsigned int	 count;
	int64_t		 last;		/* time of the last failure */
	int64_t		 until;		/* no attempt before this */
};

static struct strike	 strikes[STRIKES];
static pthread_mutex_t	 strike_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char	 strike_salt[crypto_generichash_KEYBYTES];
static sem_t		 verifying;
static char		 dummy_hash[crypto_pwhash_STRBYTES];
static int		 insecure_admin;

/*
 * Sets up what logins need; call once before serving.  Returns 0, or -1
 * when the dummy hash cannot be made (out of memory).
 */
int
staff_auth_init(const struct config *cfg)
{
	char	 pw[2 * KBD_TOKEN_BYTES + 1], unused[65];

	insecure_admin = cfg->insecure_admin;
	randombytes_buf(strike_salt, sizeof(strike_salt));
	if (sem_init(&verifying, 0, KBD_MAX_VERIFY) == -1)
		return -1;
	staff_auth_new_token(pw, unused);
	return staff_auth_hash_password(pw, dummy_hash);
}

/*
 * Hashes pw with Argon2id into out (crypto_pwhash_STRBYTES).  Returns 0
 * or -1 (out of memory).
 */
int
staff_auth_hash_password(const char *pw, char *out)
{
	return crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

static int
password_matches(const char *hash, const char *pw)
{
	int	 ok;

	sem_wait(&verifying);
	ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	sem_post(&verifying);
	return ok;
}

static void
hash_token(const char *token, char hash[65])
{
	unsigned char	 bin[32];

	crypto_generichash(bin, sizeof(bin), (const unsigned char *)token,
	    strlen(token), NULL, 0);
	sodium_bin2hex(hash, 65, bin, sizeof(bin));
}

/*
 * Makes a random token, as hex in token (2 * KBD_TOKEN_BYTES + 1), and
 * the hash of it that is stored, in hash (65).
 */
void
staff_auth_new_token(char *token, char *hash)
{
	unsigned char	 bin[KBD_TOKEN_BYTES];

	randombytes_buf(bin, sizeof(bin));
	sodium_bin2hex(token, 2 * KBD_TOKEN_BYTES + 1, bin, sizeof(bin));
	sodium_memzero(bin, sizeof(bin));
	hash_token(token, hash);
}

/* The strike table's key for an account or address. */
static uint64_t
strike_key(const char *kind, const char *what)
{
	crypto_generichash_state	 st;
	uint64_t			 key;

	crypto_generichash_init(&st, strike_salt, sizeof(strike_salt),
	    sizeof(key));
	crypto_generichash_update(&st, (const unsigned char *)kind,
	    strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)what,
	    strlen(what));
	crypto_generichash_final(&st, (unsigned char *)&key, sizeof(key));
	return key | 1;		/* never 0, which marks a free slot */
}

/* The slot of key, or one to take for it.  Called with strike_lock. */
static struct strike *
strike_slot(uint64_t key, int64_t now)
{
	struct strike	*s, *oldest = NULL;
	size_t		 i, at = key % STRIKES;

	for (i = 0; i < STRIKE_PROBE; i++) {
		s = &strikes[(at + i) % STRIKES];
		if (s->key == key)
			return s;
		if (s->key == 0 || now - s->last > STRIKE_FADE) {
			memset(s, 0, sizeof(*s));
			return s;
		}
		if (oldest == NULL || s->last < oldest->last)
			oldest = s;
	}
	memset(oldest, 0, sizeof(*oldest));
	return oldest;
}

/* Seconds until key may try again, or 0. */
static int64_t
strike_wait(uint64_t key, int64_t now)
{
	const struct strike	*s;
	size_t			 i, at = key % STRIKES;
	int64_t			 wait = 0;

	pthread_mutex_lock(&strike_lock);
	for (i = 0; i < STRIKE_PROBE; i++) {
		s = &strikes[(at + i) % STRIKES];
		if (s->key == key) {
			if (s->until > now)
				wait = s->until - now;
			break;
		}
	}
	pthread_mutex_unlock(&strike_lock);
	return wait;
}

static void
strike_add(uint64_t key, int64_t now)
{
	struct strike	*s;
	int64_t		 wait;

	pthread_mutex_lock(&strike_lock);
	s = strike_slot(key, now);
	if (s->key != key || now - s->last > STRIKE_FADE)
		s->count = 0;
	s->key = key;
	s->last = now;
	if (++s->count > STRIKES_FREE) {
		wait = s->count - STRIKES_FREE > 10 ? STRIKE_MAX_WAIT :
		    (int64_t)1 << (s->count - STRIKES_FREE - 1);
		s->until = now + (wait < STRIKE_MAX_WAIT ? wait :
		    STRIKE_MAX_WAIT);
	}
	pthread_mutex_unlock(&strike_lock);
}

static void
strike_clear(uint64_t key)
{
	size_t	 i, at = key % STRIKES;

	pthread_mutex_lock(&strike_lock);
	for (i = 0; i < STRIKE_PROBE; i++)
		if (strikes[(at + i) % STRIKES].key == key)
			memset(&strikes[(at + i) % STRIKES], 0,
			    sizeof(strikes[0]));
	pthread_mutex_unlock(&strike_lock);
}

/* Looks up the user of a session cookie or API token for req. */
static int
find_staff(struct request *req, struct reader *r, struct staff *who)
{
	const char	*auth = http_header(req, "Authorization");
	const char	*cookie = http_cookie(req, KBD_SESSION_COOKIE);
	char		 hash[65];

	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0 &&
	    strlen(auth + 7) == 2 * KBD_TOKEN_BYTES) {
		hash_token(auth + 7, hash);
		return store_user_by_hash(r, hash, 1, who) == 0;
	}
	if (cookie != NULL && strlen(cookie) == 2 * KBD_TOKEN_BYTES) {
		hash_token(cookie, hash);
		return store_user_by_hash(r, hash, 0, who) == 0;
	}
	return 0;
}

/*
 * Returns the staff member req is made by (a valid session cookie or API
 * token), or NULL.  The answer is kept in req.
 */
const struct staff *
staff_auth_who(struct request *req)
{
	struct reader	*r;

	if (!req->staff_checked) {
		req->staff_checked = 1;
		memset(&req->staff, 0, sizeof(req->staff));
		if ((r = store_reader()) != NULL &&
		    !find_staff(req, r, &req->staff))
			memset(&req->staff, 0, sizeof(req->staff));
	}
	return req->staff.id > 0 ? &req->staff : NULL;
}

/* May the staff pages be used over this connection? */
int
staff_auth_transport_ok(struct request *req)
{
	return http_tls() || http_loopback(req) || insecure_admin;
}

/*
 * Is given the CSRF token of req's session?  A request with an API token
 * needs none (a browser never sends one by itself).  A request that says
 * where it comes from (Origin) must come from this host.
 */
int
staff_auth_csrf_ok(struct request *req, const char *given)
{
	const struct staff	*who = staff_auth_who(req);
	const char		*origin = http_header(req, "Origin");
	const char		*host = http_header(req, "Host");
	const char		*p;

	if (who == NULL)
		return 0;
	if (who->via_token)
		return 1;
	if (origin != NULL && strcmp(origin, "null") != 0) {
		p = strstr(origin, "://");
		if (p == NULL || host == NULL || strcmp(p + 3, host) != 0)
			return 0;
	}
	return given != NULL && strlen(given) == 2 * KBD_TOKEN_BYTES &&
	    sodium_memcmp(given, who->csrf, 2 * KBD_TOKEN_BYTES) == 0;
}

struct session_job {
	char		 hash[65];
	int64_t		 user;
	char		 csrf[2 * KBD_TOKEN_BYTES + 1];
	int64_t		 now;
};

/* In the writer: a new session; expired ones go. */
static int
session_insert(sqlite3 *db, void *arg)
{
	struct session_job	*j = arg;

	return store_session_add(db, j->hash, j->user, j->csrf, j->now,
	    KBD_SESSION_SECONDS);
}

static int
session_delete(sqlite3 *db, void *hash)
{
	return store_session_del(db, hash);
}

/* Sets rep's Set-Cookie to token (or to nothing, expired, if NULL). */
static void
set_cookie(struct reply *rep, const char *token)
{
	snprintf(rep->cookie, sizeof(rep->cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=%d%s", KBD_SESSION_COOKIE,
	    token != NULL ? token : "", token != NULL ? KBD_SESSION_SECONDS :
	    0, http_tls() ? "; Secure" : "");
}

/*
 * Logs in name with password pw for req: on success a session cookie is
 * set in rep.  Returns 0, or -1 with errno: EACCES, a wrong name or
 * password; EAGAIN, too many failures (the seconds to wait in *wait);
 * EIO, the database cannot be read or written.
 */
int
staff_auth_login(struct request *req, struct reply *rep, const char *name,
    const char *pw, int64_t *wait)
{
	struct session_job	 job;
	struct reader		*r;
	char			 addr[64], token[2 * KBD_TOKEN_BYTES + 1];
	char			 hash[crypto_pwhash_STRBYTES], unused[65];
	uint64_t		 by_name, by_addr;
	int64_t			 now = clock_seconds(), user = 0, w;
	int			 ok;

	http_client(req, addr, sizeof(addr));
	by_name = strike_key("user", name);
	by_addr = strike_key("addr", addr);
	*wait = strike_wait(by_name, now);
	if ((w = strike_wait(by_addr, now)) > *wait)
		*wait = w;
	if (*wait > 0) {
		log_info("login as %s from %s refused: wait %lld s", name, addr,
		    (long long)*wait);
		errno = EAGAIN;
		return -1;
	}
	if ((r = store_reader()) == NULL) {
		errno = EIO;
		return -1;
	}
	/* An unknown name costs the same check as a known one. */
	if (store_user_login(r, name, &user, hash, sizeof(hash)) == -1) {
		user = 0;
		snprintf(hash, sizeof(hash), "%s", dummy_hash);
	}
	ok = password_matches(hash, pw) && user > 0 &&
	    strlen(pw) <= KBD_MAX_PASSWORD;
	if (!ok) {
		strike_add(by_name, now);
		strike_add(by_addr, now);
		log_info("login as %s from %s failed", name, addr);
		errno = EACCES;
		return -1;
	}
	strike_clear(by_name);
	strike_clear(by_addr);

	memset(&job, 0, sizeof(job));
	staff_auth_new_token(token, job.hash);
	staff_auth_new_token(job.csrf, unused);
	job.user = user;
	job.now = now;
	if (writer_call(session_insert, &job) == -1) {
		sodium_memzero(token, sizeof(token));
		errno = EIO;
		return -1;
	}
	set_cookie(rep, token);
	sodium_memzero(token, sizeof(token));
	log_info("login as %s from %s", name, addr);
	return 0;
}

/* Ends req's session, if it has one, and clears the cookie in rep. */
void
staff_auth_logout(struct request *req, struct reply *rep)
{
	const char	*cookie = http_cookie(req, KBD_SESSION_COOKIE);
	char		 hash[65];

	if (cookie != NULL && strlen(cookie) == 2 * KBD_TOKEN_BYTES) {
		hash_token(cookie, hash);
		writer_call(session_delete, hash);
	}
	set_cookie(rep, NULL);
}

/*
 * Is req a staff member's, by a session cookie?  (For the router: staff
 * reading the site make no hits.)  An API token does not count here: a
 * script reading articles is no reader anyway.
 */
int
staff_auth_is_staff(struct request *req)
{
	return http_cookie(req, KBD_SESSION_COOKIE) != NULL &&
	    staff_auth_who(req) != NULL;
}
