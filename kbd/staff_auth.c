/*
 * staff_auth.c (staff): who is staff.  A login checks the password
 * against its Argon2id hash and opens a session: a random 256-bit token
 * in an HttpOnly, SameSite=Strict cookie (Secure when the client came
 * over HTTPS, to kbd or to a proxy on this host), of which the database
 * keeps only a BLAKE2b hash, with a CSRF token every state change must
 * carry.  Scripts may instead send a user's API token as "Authorization:
 * Bearer".  A login must come from this site's own pages (no foreign
 * Origin), so no other site can log a browser in.
 *
 * Guessing is made slow, two ways.  Every failed login is a strike
 * against the client's address, as http_client_address() finds it
 * (behind a proxy on this host its X-Real-IP; of IPv6, the /64): from
 * the fifth on, the address must wait 1, 2, 4, ... seconds, up to 15
 * minutes (a lock-out), and even a right password inside the wait is
 * refused.  The attempt is counted as a strike when it is let in, before
 * its password is checked, and forgiven when it succeeds: parallel
 * attempts get no more tries.  Failures against an account only slow the
 * account down: from the fifth on, each attempt is held 1, 2, then 4
 * seconds before its check, but a right password always logs in, so no
 * stranger can lock a known name out.  Strikes live in fixed tables in
 * memory (bounded; the oldest entry makes room) and fade after an hour
 * without failures.  An unknown name costs the same hash check as a
 * known one, so timing does not tell which names exist.
 *
 * In cluster mode (store_pg_shared_on) accounts, sessions and tokens are
 * the cluster's PostgreSQL's (store_user.c asks it), and so are the
 * strikes, under an unsalted hash of the address or name that every
 * node computes alike, each changed in one locked step and timed by
 * PostgreSQL's clock: a login on one node is good on all, a logout ends
 * it on all at once (a session is looked up with every staff request,
 * no cache), and the lock-out counts the failures on every node, by the
 * same rules.  PostgreSQL away, a login is answered 503 (ENETDOWN) at
 * once, and so is a request with a cookie or token, unless PostgreSQL
 * confirmed it to this node in the last KNOWN_TRUST (see recall());
 * public pages never ask.
 *
 * The checks (Argon2id, 64 MiB each) run on KBD_MAX_VERIFY threads of
 * their own, never on HTTP's: the request is deferred (http_defer) and
 * answered when its check is done, so public pages never wait for one.
 * At most AUTH_QUEUE logins wait for a check; more get 503.  Failed and
 * refused logins are logged, with the name escaped, at most LOG_LOGINS a
 * minute.
 *
 * The staff pages are refused over plain HTTP from other machines (the
 * password would cross the network in clear) unless --insecure-admin;
 * loopback is allowed, as behind a reverse proxy that does TLS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "kbd.h"

#define STRIKES		4096	/* remembered addresses, and accounts */
#define STRIKE_PROBE	8	/* slots an entry may take */
#define STRIKES_FREE	4	/* failures before any wait */
#define SECOND		INT64_C(1000000)	/* strikes count in clock_us() */
#define STRIKE_MAX_WAIT	(900 * SECOND)	/* the lock-out */
#define STRIKE_FADE	(3600 * SECOND)	/* without failure: forgotten */
#define ACCOUNT_MAX_DELAY (4 * SECOND)	/* an account's attempt held */
#define AUTH_QUEUE	64	/* logins waiting for a check, at most */
#define LOG_LOGINS	10	/* failed or refused logins logged a minute */
#define LOG_NAME	64	/* bytes of a tried name in the log */
#define KNOWN		64	/* sessions a node vouches for, PG away */
#define KNOWN_TRUST	(600 * SECOND)	/* ... if confirmed this lately */

struct strike {
	uint64_t	 key;		/* 0: free */
	unsigned int	 count;
	int64_t		 last;		/* clock_us() of the last failure */
	int64_t		 until;		/* ... no attempt before this */
};

/* A table of strikes: of addresses, or of accounts. */
struct strikes {
	struct strike	 slot[STRIKES];
};

/* A login let in, waiting for its check or under it. */
struct attempt {
	struct request	*req;
	login_answer_fn	 answer;
	char		*name;		/* as given */
	char		*pw;		/* wiped before it is freed */
	char		 hash[crypto_pwhash_STRBYTES];	/* to check against */
	int64_t		 user;		/* 0: no such account */
	char		 addr[64];	/* the client, for the log */
	uint64_t	 by_addr, by_name;
	char		 addr_key[33], name_key[33];	/* cluster mode's */
	int64_t		 due;		/* clock_us(): not checked before */
	struct attempt	*next;
};

static struct strikes	 addrs, accounts;	/* guarded by strike_lock */
static pthread_mutex_t	 strike_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char	 strike_salt[crypto_generichash_KEYBYTES];
static char		 dummy_hash[crypto_pwhash_STRBYTES];
static int		 insecure_admin;
static struct log_limit	 log_lines;

/* The logins waiting, by due time, and the threads that check them. */
static pthread_mutex_t	 queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 queue_wake;
static struct attempt	*queue;		/* guarded by queue_lock */
static size_t		 queued;	/* ... its length */
static int		 stopping;	/* ... no more checks */
static pthread_t	 checkers[KBD_MAX_VERIFY];
static size_t		 ncheckers;

static void	*checker(void *);

/*
 * Sets up what logins need and starts the threads that check passwords;
 * call once before serving.  Returns 0, or -1 when the dummy hash cannot
 * be made (out of memory) or no thread can be started.
 */
int
staff_auth_init(const struct config *cfg)
{
	pthread_condattr_t	 attr;
	char			 pw[2 * KBD_TOKEN_BYTES + 1], unused[65];

	insecure_admin = cfg->insecure_admin;
	randombytes_buf(strike_salt, sizeof(strike_salt));
	staff_auth_new_token(pw, unused);
	if (staff_auth_hash_password(pw, dummy_hash) == -1)
		return -1;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&queue_wake, &attr);
	pthread_condattr_destroy(&attr);
	stopping = 0;
	for (ncheckers = 0; ncheckers < KBD_MAX_VERIFY; ncheckers++)
		if (pthread_create(&checkers[ncheckers], NULL, checker,
		    NULL) != 0)
			break;
	return ncheckers > 0 ? 0 : -1;
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

/* The strike table's key for n bytes of what (an account, an address). */
static uint64_t
strike_key(const char *kind, const void *what, size_t n)
{
	crypto_generichash_state	 st;
	uint64_t			 key;

	crypto_generichash_init(&st, strike_salt, sizeof(strike_salt),
	    sizeof(key));
	crypto_generichash_update(&st, (const unsigned char *)kind,
	    strlen(kind) + 1);
	crypto_generichash_update(&st, what, n);
	crypto_generichash_final(&st, (unsigned char *)&key, sizeof(key));
	return key | 1;		/* never 0, which marks a free slot */
}

/* The cluster's key of n bytes of what: the same on every node. */
static void
shared_key(const char *kind, const void *what, size_t n, char key[33])
{
	crypto_generichash_state	 st;
	unsigned char			 bin[16];

	crypto_generichash_init(&st, NULL, 0, sizeof(bin));
	crypto_generichash_update(&st, (const unsigned char *)kind,
	    strlen(kind) + 1);
	crypto_generichash_update(&st, what, n);
	crypto_generichash_final(&st, bin, sizeof(bin));
	sodium_bin2hex(key, 33, bin, sizeof(bin));
}

/*
 * The slot of key in t, or one to take for it (then free, or the oldest
 * of its neighbours, emptied).  Called with strike_lock.
 */
static struct strike *
strike_slot(struct strikes *t, uint64_t key, int64_t now)
{
	struct strike	*s, *oldest = NULL;
	size_t		 i, at = key % STRIKES;

	for (i = 0; i < STRIKE_PROBE; i++) {
		s = &t->slot[(at + i) % STRIKES];
		if (s->key == key) {
			if (now - s->last > STRIKE_FADE)
				memset(s, 0, sizeof(*s));
			return s;
		}
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

/* The wait after count failures of an address: 0, then 1, 2, 4 ... s. */
static int64_t
lockout(unsigned int count)
{
	int64_t	 wait;

	if (count <= STRIKES_FREE)
		return 0;
	if (count - STRIKES_FREE > 10)
		return STRIKE_MAX_WAIT;
	wait = (SECOND << (count - STRIKES_FREE - 1));
	return wait < STRIKE_MAX_WAIT ? wait : STRIKE_MAX_WAIT;
}

/*
 * Lets an attempt from the address key in, or not: returns how long it
 * must wait (nothing is counted then), or 0 when it may go on, and is
 * counted as a failure at once, in the same step, so that attempts under
 * way together cannot all pass one check before any is counted.  Times
 * are clock_us().
 */
static int64_t
address_take(uint64_t key, int64_t now)
{
	struct strike	*s;
	int64_t		 wait = 0;

	pthread_mutex_lock(&strike_lock);
	s = strike_slot(&addrs, key, now);
	if (s->key == key && s->until > now)
		wait = s->until - now;
	else {
		s->key = key;
		s->last = now;
		s->count++;
		if (lockout(s->count) > 0)
			s->until = now + lockout(s->count);
	}
	pthread_mutex_unlock(&strike_lock);
	return wait;
}

/* How long an attempt at an account with count failures is held. */
static int64_t
account_wait(unsigned int count)
{
	if (count <= STRIKES_FREE)
		return 0;
	return count - STRIKES_FREE > 3 ? ACCOUNT_MAX_DELAY :
	    SECOND << (count - STRIKES_FREE - 1);
}

/* How long an attempt at the account key is held before its check. */
static int64_t
account_delay(uint64_t key, int64_t now)
{
	const struct strike	*s;
	size_t			 i, at = key % STRIKES;
	int64_t			 delay = 0;

	pthread_mutex_lock(&strike_lock);
	for (i = 0; i < STRIKE_PROBE; i++) {
		s = &accounts.slot[(at + i) % STRIKES];
		if (s->key != key)
			continue;
		if (now - s->last <= STRIKE_FADE)
			delay = account_wait(s->count);
		break;
	}
	pthread_mutex_unlock(&strike_lock);
	return delay < ACCOUNT_MAX_DELAY ? delay : ACCOUNT_MAX_DELAY;
}

/* Counts a failure against the account key. */
static void
account_strike(uint64_t key, int64_t now)
{
	struct strike	*s;

	pthread_mutex_lock(&strike_lock);
	s = strike_slot(&accounts, key, now);
	s->key = key;
	s->last = now;
	s->count++;
	pthread_mutex_unlock(&strike_lock);
}

/* Forgets the strikes of key in t (a login succeeded). */
static void
strike_clear(struct strikes *t, uint64_t key)
{
	size_t	 i, at = key % STRIKES;

	pthread_mutex_lock(&strike_lock);
	for (i = 0; i < STRIKE_PROBE; i++)
		if (t->slot[(at + i) % STRIKES].key == key)
			memset(&t->slot[(at + i) % STRIKES], 0,
			    sizeof(t->slot[0]));
	pthread_mutex_unlock(&strike_lock);
}

/*
 * The same three in cluster mode, on a row of PostgreSQL's
 * (store_pg_strike): address_take (*arg: the wait), account_delay
 * (*arg: the delay) and account_strike.
 */
static int
shared_take(void *arg, struct strike_row *s, int64_t now)
{
	int64_t	*wait = arg;

	if (now - s->last > STRIKE_FADE)
		memset(s, 0, sizeof(*s));
	if (s->until > now) {
		*wait = s->until - now;
		return 0;
	}
	*wait = 0;
	s->last = now;
	s->count++;
	if (lockout(s->count) > 0)
		s->until = now + lockout(s->count);
	return 1;
}

static int
shared_delay(void *arg, struct strike_row *s, int64_t now)
{
	*(int64_t *)arg = now - s->last <= STRIKE_FADE ?
	    account_wait(s->count) : 0;
	return 0;
}

static int
shared_strike(void *unused, struct strike_row *s, int64_t now)
{
	(void)unused;
	if (now - s->last > STRIKE_FADE)
		memset(s, 0, sizeof(*s));
	s->last = now;
	s->count++;
	return 1;
}

/*
 * Logs a line about a login that anyone can cause (a failure, a
 * refusal): the name escaped, at most LOG_LOGINS lines a minute.
 */
static void
log_attempt(const char *name, const char *addr, const char *what)
{
	struct buf	 b;
	unsigned int	 before;
	int		 show;

	show = log_limit(&log_lines, LOG_LOGINS, &before);
	if (before > 0)
		log_info("login: %u more failed or refused logins of an "
		    "earlier minute not shown", before);
	if (!show)
		return;
	buf_init(&b);
	escape_log(&b, name, LOG_NAME);
	log_info("login as %s from %s %s", b.data, addr, what);
	buf_free(&b);
}

/*
 * The sessions and tokens PostgreSQL last confirmed to this node (cluster
 * mode).  While it is away, a node still knows them, so that staff can
 * read the staff pages, and a change is refused by the change itself,
 * whose 503 keeps the editor's text, not by a login page that loses it.
 * Nothing can be saved meanwhile, and nobody can log in or out (both ask
 * PostgreSQL); so what a node remembers is still true, but for a logout
 * on another node in the last KNOWN_TRUST before the outage.
 */
static struct known_staff {
	char		 hash[65];
	int		 token;
	int64_t		 seen;		/* clock_us() of the confirmation */
	struct staff	 who;
} known[KNOWN];
static pthread_mutex_t	 known_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of hash, or (want_free) the oldest one; caller locks. */
static struct known_staff *
known_slot(const char *hash, int token, int want_free)
{
	struct known_staff	*k, *oldest = &known[0];

	for (k = known; k < known + KNOWN; k++) {
		if (k->token == token && strcmp(k->hash, hash) == 0)
			return k;
		if (k->seen < oldest->seen)
			oldest = k;
	}
	return want_free ? oldest : NULL;
}

/* PostgreSQL said: hash is who (who != NULL), or nobody (NULL). */
static void
remember(const char *hash, int token, const struct staff *who)
{
	struct known_staff	*k;

	if (!store_pg_shared_on())
		return;
	pthread_mutex_lock(&known_lock);
	if ((k = known_slot(hash, token, who != NULL)) != NULL) {
		memset(k, 0, sizeof(*k));
		if (who != NULL) {
			snprintf(k->hash, sizeof(k->hash), "%s", hash);
			k->token = token;
			k->seen = clock_us();
			k->who = *who;
		}
	}
	pthread_mutex_unlock(&known_lock);
}

/* PostgreSQL is away: who hash was, if it said so lately.  1 or 0. */
static int
recall(const char *hash, int token, struct staff *who)
{
	struct known_staff	*k;
	int			 found = 0;

	pthread_mutex_lock(&known_lock);
	if ((k = known_slot(hash, token, 0)) != NULL && k->seen > 0 &&
	    clock_us() - k->seen < KNOWN_TRUST) {
		*who = k->who;
		found = 1;
	}
	pthread_mutex_unlock(&known_lock);
	return found;
}

/* Looks up the user of a session cookie or API token for req. */
static int
find_staff(struct request *req, struct reader *r, struct staff *who)
{
	const char	*auth = http_header(req, "Authorization");
	const char	*cookie = http_cookie(req, KBD_SESSION_COOKIE);
	char		 hash[65];
	int		 token, e;

	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0 &&
	    strlen(auth + 7) == 2 * KBD_TOKEN_BYTES) {
		hash_token(auth + 7, hash);
		token = 1;
	} else if (cookie != NULL && strlen(cookie) == 2 * KBD_TOKEN_BYTES) {
		hash_token(cookie, hash);
		token = 0;
	} else
		return 0;
	if (store_user_by_hash(r, hash, token, who) == 0) {
		remember(hash, token, who);
		return 1;
	}
	if ((e = errno) == ENOENT)
		remember(hash, token, NULL);
	else if (e == ENETDOWN && recall(hash, token, who))
		return 1;
	/* Not nobody: nobody can tell (the cluster's database is away). */
	req->staff_away = e == ENETDOWN;
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
		req->staff_away = 0;
		memset(&req->staff, 0, sizeof(req->staff));
		if ((r = store_reader()) != NULL &&
		    !find_staff(req, r, &req->staff))
			memset(&req->staff, 0, sizeof(req->staff));
	}
	return req->staff.id > 0 ? &req->staff : NULL;
}

/*
 * Did req bring a session cookie or API token that could not be checked
 * because the cluster's PostgreSQL is away?  (Then staff_auth_who() is
 * NULL, and the answer is 503, not a login page.)
 */
int
staff_auth_away(struct request *req)
{
	return staff_auth_who(req) == NULL && req->staff_away;
}

/* May the staff pages be used over this connection? */
int
staff_auth_transport_ok(struct request *req)
{
	return http_tls() || http_loopback(req) || insecure_admin;
}

/*
 * Does req come from a page of this site, as far as it says (Origin)?  A
 * request that names no origin passes: browsers name it with every POST
 * a page makes.  "null" (a sandboxed page, a hidden origin) passes only
 * when null_ok.
 */
int
staff_auth_same_origin(struct request *req, int null_ok)
{
	const char	*origin = http_header(req, "Origin");
	const char	*host = http_header(req, "Host");
	const char	*p;

	if (origin == NULL)
		return 1;
	if (strcmp(origin, "null") == 0)
		return null_ok;
	p = strstr(origin, "://");
	return p != NULL && host != NULL && strcmp(p + 3, host) == 0;
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

	if (who == NULL)
		return 0;
	if (who->via_token)
		return 1;
	if (!staff_auth_same_origin(req, 1))
		return 0;
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
	    KBD_SESSION_SECONDS, STRIKE_FADE);
}

static int
session_delete(sqlite3 *db, void *hash)
{
	return store_session_del(db, hash);
}

/*
 * Sets rep's Set-Cookie to token (or to nothing, expired, if NULL); it
 * is Secure when req came over HTTPS (http_https: kbd's own, or a proxy
 * on this host that says so), which a browser would not send back over
 * plain HTTP.
 */
static void
set_cookie(struct request *req, struct reply *rep, const char *token)
{
	snprintf(rep->cookie, sizeof(rep->cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=%d%s", KBD_SESSION_COOKIE,
	    token != NULL ? token : "", token != NULL ? KBD_SESSION_SECONDS :
	    0, http_https(req) ? "; Secure" : "");
}

static void
attempt_free(struct attempt *at)
{
	if (at == NULL)
		return;
	if (at->pw != NULL)
		sodium_memzero(at->pw, strlen(at->pw));
	free(at->pw);
	free(at->name);
	sodium_memzero(at->hash, sizeof(at->hash));
	free(at);
}

/* Answers a deferred login that will not be checked (kbd stops). */
static void
attempt_refuse(struct attempt *at)
{
	struct login_result	 res;
	struct reply		 rep;

	memset(&res, 0, sizeof(res));
	memset(&rep, 0, sizeof(rep));
	res.err = ESHUTDOWN;
	res.name = at->name;
	at->answer(at->req, &rep, &res);
	http_resume(at->req, &rep);
}

/*
 * Checks at's password, on a checker thread: opens a session on success
 * (the cookie goes into the answer), counts a strike on failure, and
 * answers the request.
 */
static void
check(struct attempt *at)
{
	struct session_job	 job;
	struct login_result	 res;
	struct reply		 rep;
	char			 token[2 * KBD_TOKEN_BYTES + 1], unused[65];
	int64_t			 now;
	int			 ok;

	ok = crypto_pwhash_str_verify(at->hash, at->pw, strlen(at->pw)) == 0 &&
	    at->user > 0 && strlen(at->pw) <= KBD_MAX_PASSWORD;
	now = clock_us();
	memset(&res, 0, sizeof(res));
	memset(&rep, 0, sizeof(rep));
	res.name = at->name;
	if (!ok) {
		if (!store_pg_shared_on())
			account_strike(at->by_name, now);
		else if (store_pg_strike(at->name_key, shared_strike,
		    NULL) == -1)
			log_warnx("login: the failure is not counted: %s",
			    store_pg_shared_error());
		log_attempt(at->name, at->addr, "failed");
		res.err = EACCES;
	} else {
		if (!store_pg_shared_on()) {
			strike_clear(&addrs, at->by_addr);
			strike_clear(&accounts, at->by_name);
		} else {
			/* A failure here only leaves strikes to fade. */
			(void)store_pg_strike_clear(at->addr_key);
			(void)store_pg_strike_clear(at->name_key);
		}
		memset(&job, 0, sizeof(job));
		staff_auth_new_token(token, job.hash);
		staff_auth_new_token(job.csrf, unused);
		job.user = at->user;
		job.now = clock_seconds();
		/* PostgreSQL's sessions need no writer: not held by imports. */
		if ((store_pg_shared_on() ? session_insert(NULL, &job) :
		    writer_call(session_insert, &job)) == -1)
			res.err = store_pg_shared_on() && errno == ENETDOWN ?
			    ENETDOWN : EIO;
		else {
			set_cookie(at->req, &rep, token);
			log_info("login as %s from %s", at->name, at->addr);
		}
		sodium_memzero(token, sizeof(token));
	}
	at->answer(at->req, &rep, &res);
	http_resume(at->req, &rep);
}

/* A checker thread: the queue's logins, each when it is due. */
static void *
checker(void *unused)
{
	struct attempt	*at;
	struct timespec	 ts;
	int64_t		 now;

	(void)unused;
	pthread_mutex_lock(&queue_lock);
	for (;;) {
		while (!stopping && (queue == NULL ||
		    queue->due > (now = clock_us()))) {
			if (queue == NULL)
				pthread_cond_wait(&queue_wake, &queue_lock);
			else {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_sec += (time_t)((queue->due - now) /
				    1000000);
				ts.tv_nsec += (long)((queue->due - now) %
				    1000000) * 1000;
				if (ts.tv_nsec >= 1000000000) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000;
				}
				pthread_cond_timedwait(&queue_wake,
				    &queue_lock, &ts);
			}
		}
		if (stopping)
			break;
		at = queue;
		queue = at->next;
		queued--;
		pthread_mutex_unlock(&queue_lock);
		check(at);
		attempt_free(at);
		pthread_mutex_lock(&queue_lock);
	}
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

/*
 * http_defer()'s start: the suspended request's login joins the queue,
 * by due time; if the checks stopped meanwhile, it is answered now.
 */
static void
enqueue(void *arg)
{
	struct attempt	*at = arg, **p;

	pthread_mutex_lock(&queue_lock);
	if (stopping) {
		pthread_mutex_unlock(&queue_lock);
		attempt_refuse(at);
		attempt_free(at);
		return;
	}
	for (p = &queue; *p != NULL && (*p)->due <= at->due; p = &(*p)->next)
		;
	at->next = *p;
	*p = at;
	pthread_cond_signal(&queue_wake);
	pthread_mutex_unlock(&queue_lock);
}

/* Answers a login at once, on the request's own thread, with err. */
static void
answer_now(struct request *req, struct reply *rep, login_answer_fn answer,
    const char *name, int err, int64_t wait)
{
	struct login_result	 res;

	memset(&res, 0, sizeof(res));
	res.err = err;
	res.wait = wait;
	res.name = name;
	answer(req, rep, &res);
}

/*
 * Logs in name with password pw for req.  The answer is made by
 * answer(req, rep, result) exactly once: at once, with the caller's rep,
 * when the attempt is refused (result.err EAGAIN: the address must wait
 * result.wait seconds; EBUSY: too many logins wait; ESHUTDOWN: kbd
 * stops; ENETDOWN: the cluster's PostgreSQL is away); else later, on the
 * thread that checked the password, with a reply of its own that carries
 * the session cookie on success (err 0) and is then sent (EACCES: a
 * wrong name or password; EIO or ENETDOWN: the session could not be
 * stored).  name and pw are copied; the caller may free them when this
 * returns.  The caller returns without touching rep
 * unless answer was called.
 */
void
staff_auth_login(struct request *req, struct reply *rep, const char *name,
    const char *pw, login_answer_fn answer)
{
	struct attempt	*at;
	struct reader	*r = NULL;
	unsigned char	 ip[16];
	size_t		 n;
	int64_t		 now = clock_us(), wait = 0, delay = 0;
	int		 shared = store_pg_shared_on();

	at = xcalloc(1, sizeof(*at));
	at->req = req;
	at->answer = answer;
	http_client_text(req, at->addr, sizeof(at->addr));
	/* An IPv6 client has a /64 to itself: its addresses are one. */
	n = http_client_address(req, ip);
	at->by_addr = strike_key("addr", ip, n == 16 ? 8 : n);
	at->by_name = strike_key("user", name, strlen(name));
	shared_key("addr", ip, n == 16 ? 8 : n, at->addr_key);
	shared_key("user", name, strlen(name), at->name_key);
	if (!shared)
		wait = address_take(at->by_addr, now);
	else if (store_pg_strike(at->addr_key, shared_take, &wait) == -1)
		goto away;
	if (wait > 0) {
		log_attempt(name, at->addr, "refused: wait");
		/* Whole seconds, rounded up: Retry-After, the page. */
		answer_now(req, rep, answer, name, EAGAIN,
		    (wait + SECOND - 1) / SECOND);
		attempt_free(at);
		return;
	}
	/*
	 * An unknown name costs the same check as a known one.  (A name
	 * no account can have is simply not found: the statement is
	 * prepared.)
	 */
	if (strlen(name) > KBD_MAX_USER || (r = store_reader()) == NULL ||
	    store_user_login(r, name, &at->user, at->hash,
	    sizeof(at->hash)) == -1) {
		/* In a cluster, only "no such user" may go on. */
		if (shared && strlen(name) <= KBD_MAX_USER && r != NULL &&
		    errno != ENOENT)
			goto away;
		at->user = 0;
		snprintf(at->hash, sizeof(at->hash), "%s", dummy_hash);
	}
	if (!shared)
		delay = account_delay(at->by_name, now);
	else if (store_pg_strike(at->name_key, shared_delay, &delay) == -1)
		goto away;
	at->name = xstrdup(name);
	/* Longer than KBD_MAX_PASSWORD: cut, and refused by check(). */
	at->pw = xstrndup(pw, strnlen(pw, KBD_MAX_PASSWORD + 1));
	at->due = now + (delay < ACCOUNT_MAX_DELAY ? delay :
	    ACCOUNT_MAX_DELAY);
	pthread_mutex_lock(&queue_lock);
	if (stopping || queued >= AUTH_QUEUE) {
		pthread_mutex_unlock(&queue_lock);
		answer_now(req, rep, answer, name, stopping ? ESHUTDOWN :
		    EBUSY, 0);
		attempt_free(at);
		return;
	}
	queued++;
	pthread_mutex_unlock(&queue_lock);
	log_debug("login from %s: its check waits for %lld ms", at->addr,
	    (long long)(at->due - clock_us()) / 1000);
	http_defer(req, enqueue, at);
	return;
away:
	log_attempt(name, at->addr, "refused: the cluster's database is "
	    "away");
	answer_now(req, rep, answer, name, ENETDOWN, 0);
	attempt_free(at);
}

/*
 * Stops the checks: the logins still waiting are answered (ESHUTDOWN),
 * the checks under way finish, the threads end.  Before http_stop(),
 * which must find no request waiting for a check.
 */
void
staff_auth_stop(void)
{
	struct attempt	*at, *next;
	size_t		 i;

	pthread_mutex_lock(&queue_lock);
	stopping = 1;
	at = queue;
	queue = NULL;
	queued = 0;
	pthread_cond_broadcast(&queue_wake);
	pthread_mutex_unlock(&queue_lock);
	for (i = 0; i < ncheckers; i++)
		pthread_join(checkers[i], NULL);
	ncheckers = 0;
	for (; at != NULL; at = next) {
		next = at->next;
		attempt_refuse(at);
		attempt_free(at);
	}
}

/*
 * Ends req's session, if it has one, and clears the cookie in rep.
 * Returns 0, or -1 when the cluster's PostgreSQL is away: the session
 * lives on, and the cookie is kept for another try.
 */
int
staff_auth_logout(struct request *req, struct reply *rep)
{
	const char	*cookie = http_cookie(req, KBD_SESSION_COOKIE);
	char		 hash[65];

	if (cookie != NULL && strlen(cookie) == 2 * KBD_TOKEN_BYTES) {
		hash_token(cookie, hash);
		if (!store_pg_shared_on())
			writer_call(session_delete, hash);
		else if (store_session_del(NULL, hash) == -1) {
			log_warnx("logout: %s", store_pg_shared_error());
			return -1;
		}
		remember(hash, 0, NULL);
	}
	set_cookie(req, rep, NULL);
	return 0;
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
