/*
 * hits_vote.c (hits): "War dieser Artikel hilfreich?" as readers answer
 * it.  A vote counts once per reader, article and UTC day, as a view does
 * (hits_visitor.c, under a key of its own), and never a robot's or
 * staff's; a comment is kept once per reader, article and day too, so
 * that a reader may still say what was missing after voting "Nein".
 * Nothing about who voted is kept.  Votes wait in a bounded list in
 * memory until the writer's flush moves them into the database
 * (store_vote.c); a failed write keeps them for the next flush.  The
 * totals per article (stored and waiting) are kept in memory, read once
 * at start, for the JSON API.  On a node of a cluster the votes and
 * comments go to hits_cluster.c instead, which counts them across all
 * nodes, and the totals are read again when the cluster's change.
 *
 * Voting is a POST anyone can send, so each client address may vote
 * VOTE_RATE times in VOTE_WINDOW seconds (repeats included); past that
 * it is refused until the window ends.  Addresses are remembered as a
 * keyed hash in a table of fixed size, like the staff's login strikes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kbd.h"

#define VOTE_MAX	1024	/* votes kept between two flushes */
#define RATE_SLOTS	1024	/* addresses remembered */
#define RATE_PROBE	8

struct rate {
	uint64_t	 key;		/* 0: free */
	int64_t		 start;		/* of its window */
	unsigned int	 n;		/* votes in it */
};

struct totals {
	uint32_t	 yes;
	uint32_t	 no;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_vote pending[VOTE_MAX];	/* guarded by lock */
static size_t		 npending;
static uint64_t		 dropped;
static struct totals	*totals;		/* by id; guarded by lock */
static size_t		 ntotals;
static struct rate	 rates[RATE_SLOTS];	/* guarded by lock */
static unsigned char	 rate_salt[crypto_generichash_KEYBYTES];
static int		 salted;
static struct outage	 failing;		/* of flushes; the writer's */

/* Keys in the visitor table apart from views and clicks (bit 62). */
static int64_t
vote_key(int64_t article, int comment)
{
	return (int64_t)((uint64_t)article | (comment ? 1ULL << 60 :
	    1ULL << 61));
}

/* Adds to article id's totals; lock held. */
static void
totals_add(int64_t id, int64_t yes, int64_t no)
{
	size_t	 n;

	if (id <= 0 || id > (int64_t)(1 << 24))
		return;
	if ((size_t)id >= ntotals) {
		n = (size_t)id * 2 + 64;
		totals = xreallocarray(totals, n, sizeof(*totals));
		memset(totals + ntotals, 0, (n - ntotals) * sizeof(*totals));
		ntotals = n;
	}
	totals[id].yes += (uint32_t)yes;
	totals[id].no += (uint32_t)no;
}

/*
 * May the client at addr[0..n) vote once more now?  Counts the attempt.
 * Lock held.
 */
static int
rate_ok(const unsigned char *addr, size_t n, int64_t now)
{
	struct rate	*r, *oldest = NULL;
	uint64_t	 key = 0;
	unsigned char	 h[8];
	size_t		 i, j;

	if (!salted) {
		randombytes_buf(rate_salt, sizeof(rate_salt));
		salted = 1;
	}
	crypto_generichash(h, sizeof(h), addr, n, rate_salt,
	    sizeof(rate_salt));
	for (i = 0; i < sizeof(h); i++)
		key = key << 8 | h[i];
	key |= 1;
	for (i = 0; i < RATE_PROBE; i++) {
		j = (size_t)((key >> 8) + i) % RATE_SLOTS;
		r = &rates[j];
		if (r->key == key)
			break;
		if (oldest == NULL || r->key == 0 || r->start < oldest->start)
			oldest = r;
		r = NULL;
	}
	if (r == NULL) {
		r = oldest;
		r->key = key;
		r->start = now;
		r->n = 0;
	}
	if (now - r->start >= KBD_VOTE_WINDOW) {
		r->start = now;
		r->n = 0;
	}
	return ++r->n <= KBD_VOTE_RATE;
}

/*
 * Takes the vote of v's reader for v->article (helpful: "Ja"), with an
 * optional comment (plain text, already checked; copied), from the
 * client address addr[0..addrlen).  v must be classified
 * (hits_view_classify).  Returns VOTE_COUNTED, VOTE_REPEAT (this reader
 * voted today: only a first comment is kept), VOTE_IGNORED (a robot, staff:
 * nothing kept) or VOTE_LIMITED (too many votes from the address).
 */
int
hits_vote_add(const struct view *v, int helpful, const char *comment,
    const unsigned char *addr, size_t addrlen)
{
	int64_t			 now = clock_seconds(), day = now / 86400;
	int			 counted, keep, ok;
	struct store_vote	*p;

	pthread_mutex_lock(&lock);
	ok = rate_ok(addr, addrlen, now);
	pthread_mutex_unlock(&lock);
	if (!ok)
		return VOTE_LIMITED;
	if (v->article <= 0 || v->staff || !v->classified ||
	    v->skip == SKIP_ROBOT)
		return VOTE_IGNORED;
	counted = hits_visitor_mark(&v->who, vote_key(v->article, 0), day);
	if (comment != NULL && *comment == '\0')
		comment = NULL;
	keep = comment != NULL && hits_visitor_mark(&v->who,
	    vote_key(v->article, 1), day);
	if (!counted && !keep)
		return VOTE_REPEAT;
	/*
	 * A node of a cluster: the cluster decides whether it counts (the
	 * reader may have voted on another node), and the totals are the
	 * cluster's, set when it has counted.
	 */
	if (hits_cluster_on()) {
		hits_cluster_vote(&v->who, v->slug, now, helpful, counted,
		    keep ? comment : NULL);
		return counted ? VOTE_COUNTED : VOTE_REPEAT;
	}
	pthread_mutex_lock(&lock);
	if (npending == VOTE_MAX) {
		dropped++;
		pthread_mutex_unlock(&lock);
		return counted ? VOTE_COUNTED : VOTE_REPEAT;
	}
	p = &pending[npending++];
	memset(p, 0, sizeof(*p));
	p->article = v->article;
	p->day = day;
	p->when = now;
	p->helpful = helpful;
	p->counted = counted;
	p->comment = keep ? xstrdup(comment) : NULL;
	if (counted)
		totals_add(v->article, helpful ? 1 : 0, helpful ? 0 : 1);
	pthread_mutex_unlock(&lock);
	return counted ? VOTE_COUNTED : VOTE_REPEAT;
}

/* The votes of article id of all time (stored and waiting). */
void
hits_vote_totals(int64_t id, int64_t *yes, int64_t *no)
{
	pthread_mutex_lock(&lock);
	*yes = id > 0 && (size_t)id < ntotals ? totals[id].yes : 0;
	*no = id > 0 && (size_t)id < ntotals ? totals[id].no : 0;
	pthread_mutex_unlock(&lock);
}

static void
load_row(void *arg, int64_t article, int64_t yes, int64_t no)
{
	(void)arg;
	totals_add(article, yes, no);
}

/*
 * Reads the stored totals (the writer, at start).  Returns 0, or -1
 * (logged): the totals then start from what is voted from now on.
 */
int
hits_vote_load(sqlite3 *db)
{
	int	 rc;

	pthread_mutex_lock(&lock);
	rc = store_vote_totals(db, load_row, NULL);
	pthread_mutex_unlock(&lock);
	if (rc == -1)
		log_warnx("votes: the totals cannot be read; the API counts "
		    "from now on");
	return rc;
}

/*
 * Reads the stored totals again, after a cluster's votes were set in db
 * (cluster mode; the writer).  Returns 0, or -1 (logged).
 */
int
hits_vote_reload(sqlite3 *db)
{
	int	 rc;

	pthread_mutex_lock(&lock);
	if (ntotals > 0)
		memset(totals, 0, ntotals * sizeof(*totals));
	rc = store_vote_totals(db, load_row, NULL);
	pthread_mutex_unlock(&lock);
	if (rc == -1)
		log_warnx("votes: the totals cannot be read");
	return rc;
}

/*
 * Writes the votes waiting (the writer, with the hits).  Returns 0, or
 * -1 when they could not be written: they wait for the next flush.
 */
int
hits_vote_flush(sqlite3 *db)
{
	struct store_vote	*v;
	const char		*errstr = "?";
	size_t			 n, i, room;
	uint64_t		 lost;

	pthread_mutex_lock(&lock);
	n = npending;
	lost = dropped;
	dropped = 0;
	v = xcalloc(n + 1, sizeof(*v));
	memcpy(v, pending, n * sizeof(*v));
	npending = 0;
	pthread_mutex_unlock(&lock);
	if (lost > 0)
		log_warnx("votes: %llu could not be kept (more than %d between "
		    "two flushes)", (unsigned long long)lost, VOTE_MAX);
	if (n == 0 || store_votes_write(db, v, n, &errstr) == 0) {
		if (n > 0)
			log_outage_end(&failing, "votes");
		for (i = 0; i < n; i++)
			free(v[i].comment);
		free(v);
		return 0;
	}
	if (log_outage_begin(&failing))
		log_warnx("votes: cannot write %zu: %s; they are kept and "
		    "tried again", n, errstr);
	/* Back in front of those that came meanwhile, as far as room is. */
	pthread_mutex_lock(&lock);
	room = VOTE_MAX - npending < n ? VOTE_MAX - npending : n;
	memmove(pending + room, pending, npending * sizeof(*pending));
	memcpy(pending, v, room * sizeof(*v));
	npending += room;
	pthread_mutex_unlock(&lock);
	for (i = room; i < n; i++)
		free(v[i].comment);
	free(v);
	return -1;
}

/* Frees what is left at stop (after the last flush). */
void
hits_vote_shutdown(void)
{
	size_t	 i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < npending; i++)
		free(pending[i].comment);
	npending = 0;
	free(totals);
	totals = NULL;
	ntotals = 0;
	pthread_mutex_unlock(&lock);
}
