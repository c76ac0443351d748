/*
 * hits_visitor.c (hits): telling a reader's first view of an article today from
 * a repeated one, and a person's browser from a robot, without cookies and
 * without keeping anything personal.  A visitor is the client address and the
 * User-Agent, hashed (BLAKE2b, unkeyed) as soon as the request is read; a view
 * is that digest and the article id, hashed again with a random key (the salt)
 * that is made at start and replaced at midnight UTC.  Only these 64-bit values
 * are kept, in a table of fixed size for the day; with the salt gone,
 * yesterday's table is meaningless even to kbd, and a restart forgets
 * everything.
 *
 * The table has VISITOR_SLOTS places in buckets of eight (one cache
 * line); a view looks in its bucket only.  When all eight are taken by
 * other views, the new view takes one of them: the table never grows and
 * never stops counting, and the forgotten view would count again if it
 * came back.  With the table half full (about 500,000 views a day) about
 * 2 % of buckets are full.  Marking is lock-free (compare-and-swap on the
 * slot); the day's table is swapped under a lock that also guards its
 * reference count, so a table is freed only when nobody looks at it.
 *
 * One address has at most VISITOR_AGENTS User-Agents a day that count:
 * a household or an office has a few browsers, not 200, and a client
 * that changes its User-Agent with every request would otherwise make a
 * hit each time.  An agent is noted in the same table (as views of
 * reserved article numbers below 0): its first view today, and whether
 * it came after the address had its VISITOR_AGENTS.  An address of this
 * host (a proxy that names nobody) is not limited: it stands for all.
 *
 * Which user agents are robots is a list of markers below; this file
 * knows nothing about HTTP.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

#define BUCKET		8			/* slots per bucket */
/* Reserved "articles" of an agent's and an address's notes. */
#define AGENT_SEEN	(-1)	/* the agent's first view today */
#define AGENT_OVER	(-2)	/* ... came after the address's last place */
#define ADDR_PLACE	(-16)	/* ADDR_PLACE - i: the address's place i */

struct day {
	int64_t			 day;		/* days since 1970, UTC */
	unsigned char		 salt[crypto_generichash_KEYBYTES];
	_Atomic uint64_t	*slot;		/* VISITOR_SLOTS, 0 = free */
	int			 refs;		/* guarded by lock */
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct day	*today;			/* guarded by lock */

/*
 * Substrings (lowercase) of user agents that are not a person reading:
 * crawlers and bots, link previewers of chats and social networks,
 * headless and automated browsers, monitors and libraries.  A robot that
 * names itself with a contact URL ("+http://...") is caught by "http".
 */
static const char *const robots[] = {
	"bot", "crawl", "spider", "slurp", "http", "preview", "headless",
	"facebookexternalhit", "facebookcatalog", "whatsapp", "embedly",
	"lighthouse", "pagespeed", "phantomjs", "selenium", "webdriver",
	"puppeteer", "playwright", "python", "curl", "wget", "java/",
	"okhttp", "go-http", "libwww", "monitor", "uptime", "pingdom",
	"scanner", "fetcher", "validator", "mediapartners", "apis-google",
	"google-inspectiontool", "googleother", "ia_archiver", "archiver",
	"vkshare", "qwantify", "yandex", "baiduspider", "petalsearch",
};

/*
 * Is ua (a User-Agent header, or NULL) a person's browser?  Every
 * current browser's starts with "Mozilla/5.0" (old Opera: "Opera/");
 * scripts (curl, wget, python-requests, Go, Java), link previewers
 * (facebookexternalhit, Slackbot, WhatsApp, TelegramBot...) mostly do
 * not, and the robots that do name themselves with one of the markers
 * above.  No User-Agent, or one over KBD_MAX_UA bytes, is no browser.
 */
int
hits_visitor_browser(const char *ua)
{
	char	 lower[KBD_MAX_UA + 1];
	size_t	 len, i;

	if (ua == NULL || (len = strlen(ua)) == 0 || len > KBD_MAX_UA)
		return 0;
	if (strncmp(ua, "Mozilla/", 8) != 0 && strncmp(ua, "Opera/", 6) != 0)
		return 0;
	/* Lowercase once, then libc's strstr: every request asks this. */
	for (i = 0; i < len; i++)
		lower[i] = ua[i] >= 'A' && ua[i] <= 'Z' ?
		    (char)(ua[i] - 'A' + 'a') : ua[i];
	lower[len] = '\0';
	for (i = 0; i < nitems(robots); i++)
		if (strstr(lower, robots[i]) != NULL)
			return 0;
	return 1;
}

/*
 * Makes the digest of a visitor: the client address (addrlen bytes) and
 * the User-Agent (may be NULL).  Nothing else about the client is kept.
 */
void
hits_visitor_digest(struct visitor *v, const void *addr, size_t addrlen,
    const char *ua)
{
	crypto_generichash_state	 st;
	unsigned char			 len = (unsigned char)addrlen;

	crypto_generichash_init(&st, NULL, 0, sizeof(v->digest));
	/* The length first: no address and agent run into each other. */
	crypto_generichash_update(&st, &len, 1);
	crypto_generichash_update(&st, addr, addrlen);
	if (ua != NULL)
		crypto_generichash_update(&st, (const unsigned char *)ua,
		    strlen(ua));
	crypto_generichash_final(&st, v->digest, sizeof(v->digest));
	crypto_generichash_init(&st, NULL, 0, sizeof(v->addr));
	crypto_generichash_update(&st, &len, 1);
	crypto_generichash_update(&st, addr, addrlen);
	crypto_generichash_final(&st, v->addr, sizeof(v->addr));
	v->local = (addrlen == 4 && ((const unsigned char *)addr)[0] == 127) ||
	    (addrlen == 16 && memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\1", 16) == 0);
}

static void
day_free(struct day *d)
{
	if (d == NULL)
		return;
	free(d->slot);
	sodium_memzero(d->salt, sizeof(d->salt));
	free(d);
}

/*
 * Takes a reference to the table of day, making a new one (a new salt,
 * nothing seen) when day is later than the current table's.  A clock set
 * back keeps the current table.
 */
static struct day *
day_acquire(int64_t day)
{
	struct day	*d, *old = NULL;

	pthread_mutex_lock(&lock);
	if (today == NULL || day > today->day) {
		d = xcalloc(1, sizeof(*d));
		d->day = day;
		randombytes_buf(d->salt, sizeof(d->salt));
		d->slot = xcalloc(VISITOR_SLOTS, sizeof(*d->slot));
		d->refs = 1;		/* today's own */
		if (today != NULL && --today->refs == 0)
			old = today;
		today = d;
	}
	d = today;
	d->refs++;
	pthread_mutex_unlock(&lock);
	day_free(old);
	return d;
}

static void
day_release(struct day *d)
{
	int	 last;

	pthread_mutex_lock(&lock);
	last = --d->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		day_free(d);
}

/* The key of a view: the visitor and the article, with the day's salt. */
static uint64_t
slot_key(const struct day *d, const struct visitor *v, int64_t article)
{
	crypto_generichash_state	 st;
	unsigned char			 a[8], out[8];
	uint64_t			 k = 0;
	size_t				 i;

	for (i = 0; i < 8; i++)
		a[i] = (unsigned char)((uint64_t)article >> (8 * i));
	crypto_generichash_init(&st, d->salt, sizeof(d->salt), sizeof(out));
	crypto_generichash_update(&st, v->digest, sizeof(v->digest));
	crypto_generichash_update(&st, a, sizeof(a));
	crypto_generichash_final(&st, out, sizeof(out));
	for (i = 0; i < 8; i++)
		k |= (uint64_t)out[i] << (8 * i);
	return k != 0 ? k : 1;		/* 0 marks a free slot */
}

/*
 * Looks for the view of article by v on day, and records it if mark.
 * Returns 1 when it is the first today (with mark: it was, and is now
 * recorded), 0 when it was seen before.
 */
static int
lookup(const struct visitor *v, int64_t article, int64_t day, int mark)
{
	struct day		*d = day_acquire(day);
	_Atomic uint64_t	*b;
	uint64_t		 k = slot_key(d, v, article), cur;
	size_t			 i;
	int			 first = 1;

	b = &d->slot[(k >> 3) % (VISITOR_SLOTS / BUCKET) * BUCKET];
	for (i = 0; i < BUCKET; i++) {
		cur = atomic_load_explicit(&b[i], memory_order_relaxed);
		if (cur == k) {
			first = 0;
			goto done;
		}
		if (cur != 0)
			continue;
		if (!mark)
			goto done;
		/* Another view may take this slot first: then look again. */
		if (atomic_compare_exchange_strong(&b[i], &cur, k))
			goto done;
		if (cur == k) {
			first = 0;
			goto done;
		}
	}
	/* The bucket is full: the new view takes the place of an older. */
	if (mark)
		atomic_store_explicit(&b[k & (BUCKET - 1)], k,
		    memory_order_relaxed);
done:
	day_release(d);
	return first;
}

/* Has v not viewed article yet on day?  Records nothing. */
int
hits_visitor_first(const struct visitor *v, int64_t article, int64_t day)
{
	return lookup(v, article, day, 0);
}

/*
 * Records that v viewed article on day.  Returns 1 when that was the
 * first view today (count it), 0 for a repeated one.
 */
int
hits_visitor_mark(const struct visitor *v, int64_t article, int64_t day)
{
	return lookup(v, article, day, 1);
}

/*
 * May v's views count, as one of its address's VISITOR_AGENTS User-Agents
 * on day?  With mark, v's agent is noted (and takes one of the address's
 * places, if it is new and one is left); without, nothing is recorded.
 */
int
hits_visitor_agent_ok(const struct visitor *v, int64_t day, int mark)
{
	struct visitor	 a;
	int		 i;

	if (v->local)
		return 1;
	memset(&a, 0, sizeof(a));
	memcpy(a.digest, v->addr, sizeof(a.digest));
	if (!lookup(v, AGENT_SEEN, day, 0))
		return lookup(v, AGENT_OVER, day, 0);
	if (!mark) {
		for (i = 0; i < VISITOR_AGENTS; i++)
			if (lookup(&a, ADDR_PLACE - i, day, 0))
				return 1;
		return 0;
	}
	/* Two views of a new agent at once: the second finds it seen. */
	if (!lookup(v, AGENT_SEEN, day, 1))
		return lookup(v, AGENT_OVER, day, 0);
	for (i = 0; i < VISITOR_AGENTS; i++)
		if (lookup(&a, ADDR_PLACE - i, day, 1))
			return 1;
	lookup(v, AGENT_OVER, day, 1);
	return 0;
}

/* Frees the table; HTTP has stopped. */
void
hits_visitor_shutdown(void)
{
	struct day	*d;

	pthread_mutex_lock(&lock);
	d = today;
	if (d != NULL && --d->refs > 0)
		d = NULL;
	today = NULL;
	pthread_mutex_unlock(&lock);
	day_free(d);
}

/*
 * A tag of v, 0 to 255, keyed with key[0..n): the same reader gets the
 * same tag while the key stays, and the tag alone names nobody.
 */
int
hits_visitor_tag(const struct visitor *v, const unsigned char *key, size_t n)
{
	unsigned char	 out[16];

	crypto_generichash(out, sizeof(out), v->digest, sizeof(v->digest), key,
	    n);
	return out[0];
}
