/*
 * cache.c (web): finished answers, kept to be sent again.  An answer is stored
 * under its key (the route and the arguments that matter) with a stamp for what
 * it was made from (the snapshot's generation, an article's version and hits);
 * a later request with the same key and stamp gets the very same MHD response,
 * with ETag and 304, without a database read, a template or an allocation;
 * compressed once (a search only when a second request asks for it: most
 * searches are asked once).  A changed stamp makes the next request render
 * afresh and replace the entry, so an edit or a hits flush refreshes exactly
 * the answers that depend on it.
 *
 * The table is two-way set-associative (a key may sit in either slot of its
 * pair, so that two keys with one slot do not take turns evicting each other:
 * two of the benchmark's 44 searches missed every time) and bounded in entries
 * and bytes; when the bytes run over, a clock hand frees entries that were not
 * used since it last passed.  Readers hold a read lock only while they queue
 * the response; MHD sends it after the lock is gone.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbd.h"

#define CACHE_SLOTS	4096			/* a power of two */
#define CACHE_BYTES	(64 * 1024 * 1024)	/* bodies, plain + gzip */
#define CACHE_MAX_BODY	(256 * 1024)		/* larger are not kept */

struct entry {
	uint64_t		 hash;
	char			*key;
	uint64_t		 stamp;
	struct prebuilt		*answer;
	atomic_size_t		 size;		/* grows with a gzip form */
	char			*logq;		/* a search to log, or NULL */
	int64_t			 total;
	atomic_int		 used;		/* since the clock hand passed */
};

static pthread_rwlock_t	 lock = PTHREAD_RWLOCK_INITIALIZER;
static struct entry	*slots[CACHE_SLOTS];
static atomic_size_t	 bytes;			/* grows under a read lock */
static size_t		 hand;			/* guarded by lock */

static uint64_t
key_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void
entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	http_prebuilt_free(e->answer);
	free(e->key);
	free(e->logq);
	free(e);
}

/* Does slot i hold key (hash h)?  A lock is held. */
static int
holds(size_t i, uint64_t h, const char *key)
{
	return slots[i] != NULL && slots[i]->hash == h &&
	    strcmp(slots[i]->key, key) == 0;
}

/*
 * The slot for a new answer under key (hash h): the one of its pair that
 * has the key (an older answer), else an empty one, else one not used
 * since the clock hand passed, else the first.  The write lock is held.
 */
static size_t
slot_for(uint64_t h, const char *key)
{
	size_t	 i = h & (CACHE_SLOTS - 1), j = i ^ 1;

	if (holds(j, h, key))
		return j;
	if (holds(i, h, key))
		return i;
	if (slots[j] == NULL)
		return j;
	if (slots[i] == NULL)
		return i;
	return !atomic_load(&slots[j]->used) && atomic_load(&slots[i]->used) ?
	    j : i;
}

/* Removes slot i's entry; the write lock is held. */
static void
evict(size_t i)
{
	if (slots[i] == NULL)
		return;
	bytes -= slots[i]->size;
	entry_free(slots[i]);
	slots[i] = NULL;
}

/*
 * Answers req from the cache when it has k's key with k's stamp.  Returns
 * 1 when it did (rep->queued is set), 0 on a miss.
 */
int
cache_serve(struct request *req, const struct cache_key *k,
    struct reply *rep)
{
	struct entry	*e = NULL;
	uint64_t	 h = key_hash(k->key);
	size_t		 i = h & (CACHE_SLOTS - 1), grew, n;
	unsigned char	 client[16];
	int		 hit = 0;

	pthread_rwlock_rdlock(&lock);
	if (holds(i, h, k->key))
		e = slots[i];
	else if (holds(i ^ 1, h, k->key))
		e = slots[i ^ 1];
	if (e != NULL && e->stamp == k->stamp) {
		atomic_store_explicit(&e->used, 1, memory_order_relaxed);
		/* The one request that made e's gzip form adds its bytes. */
		if ((grew = http_queue_prebuilt(req, e->answer, rep, 1)) > 0) {
			atomic_fetch_add(&e->size, grew);
			atomic_fetch_add(&bytes, grew);
		}
		if (e->logq != NULL) {
			n = http_client_address(req, client);
			search_log_add(client, n, e->logq, e->total);
		}
		hit = 1;
	}
	pthread_rwlock_unlock(&lock);
	stats_add(hit ? STAT_CACHE_HITS : STAT_CACHE_MISSES, 1);
	return hit;
}

/*
 * Stores rep, a fresh answer to req, under k, and answers req with it.
 * Only whole successful answers of a sensible size are kept.  Returns 1
 * when req was answered (rep's body now belongs to the cache), 0 when the
 * caller must send rep itself.
 */
int
cache_put(struct request *req, const struct cache_key *k, struct reply *rep)
{
	struct entry	*e;
	uint64_t	 h = key_hash(k->key);
	size_t		 i, passes;

	if (rep->status != 200 || rep->len > CACHE_MAX_BODY ||
	    rep->allow[0] != '\0')
		return 0;
	e = xcalloc(1, sizeof(*e));
	e->hash = h;
	e->key = xstrdup(k->key);
	e->stamp = k->stamp;
	e->total = rep->total;
	if (rep->logq[0] != '\0')
		e->logq = xstrdup(rep->logq);
	/*
	 * A search (one to log) waits for a second request before it is
	 * compressed: most searches are asked once.  Pages and lists are
	 * asked again and again.
	 */
	if ((e->answer = http_prebuild(rep, e->logq != NULL)) == NULL) {
		/* The body is gone with the failed response. */
		entry_free(e);
		rep->body = NULL;
		rep->status = 500;
		return 0;
	}
	atomic_init(&e->size, http_prebuilt_size(e->answer) + strlen(e->key));
	atomic_init(&e->used, 1);

	pthread_rwlock_wrlock(&lock);
	i = slot_for(h, e->key);
	evict(i);
	/* Over budget: free what nobody asked for since the hand passed. */
	for (passes = 0; bytes + e->size > CACHE_BYTES &&
	    passes < 2 * CACHE_SLOTS; passes++) {
		hand = (hand + 1) & (CACHE_SLOTS - 1);
		if (slots[hand] != NULL && !atomic_exchange(&slots[hand]->used,
		    0))
			evict(hand);
	}
	slots[i] = e;
	bytes += e->size;
	http_queue_prebuilt(req, e->answer, rep, 0);
	pthread_rwlock_unlock(&lock);
	return 1;
}

/* Frees every entry; HTTP has stopped. */
void
cache_shutdown(void)
{
	size_t	 i;

	pthread_rwlock_wrlock(&lock);
	for (i = 0; i < CACHE_SLOTS; i++)
		evict(i);
	pthread_rwlock_unlock(&lock);
}

/*
 * Keys are made of parts, each written as its length, ':' and its bytes
 * ("6:search2:105:imap"), never by pasting text together: a part cannot
 * end early or run into the next, so no argument of a request (a query
 * with "&" or a newline in it) can spell the key of another answer, and
 * two different lists of parts never make the same key.
 */

/* Starts k's key with the answer's name (the route's), and its stamp. */
void
cache_key_init(struct cache_key *k, uint64_t stamp, const char *name)
{
	k->stamp = stamp;
	k->len = 0;
	k->overflow = 0;
	k->key[0] = '\0';
	cache_key_add(k, name);
}

/* Adds the part s to k's key; one that does not fit spoils the key. */
void
cache_key_add(struct cache_key *k, const char *s)
{
	size_t	 n = strlen(s);
	int	 w;

	if (k->overflow)
		return;
	w = snprintf(k->key + k->len, sizeof(k->key) - k->len, "%zu:", n);
	if (w < 0 || (size_t)w + n >= sizeof(k->key) - k->len) {
		k->overflow = 1;
		k->key[k->len] = '\0';
		return;
	}
	memcpy(k->key + k->len + (size_t)w, s, n);
	k->len += (size_t)w + n;
	k->key[k->len] = '\0';
}

/* Adds the number v to k's key, as a part of its own. */
void
cache_key_add_int(struct cache_key *k, long long v)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%lld", v);
	cache_key_add(k, num);
}

/*
 * Returns 0 when k is a whole key, or -1 when a part did not fit (the
 * answer is then not cached).
 */
int
cache_key_done(const struct cache_key *k)
{
	return k->overflow ? -1 : 0;
}
