/*
 * kbd.h: what the files of kbd share.  Limits and defaults are named at the
 * top; then one part per layer, from the bottom (base, text, store, hits,
 * search, service, web, staff, cmd), and in it one section per file with the
 * structs that file owns and its exported functions.  A file may call into its
 * own layer and the layers before it here, never into a later one
 * (tests/http/t0060-layers.sh checks the objects).  A function that returns
 * memory the caller frees says so above it.  The text layer's German rules and
 * tokenizer have their own headers (german.h, tokenizer.h) because they stand
 * alone.
 */
#ifndef KBD_H
#define KBD_H

#include <sys/types.h>

#include <assert.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include <sqlite3.h>

#define KBD_VERSION		"0.1.0"
#define KBD_SITE_NAME		"Hilfe &amp; FAQ"	/* escaped: HTML, XML */
#define KBD_SITE_NAME_TEXT	"Hilfe & FAQ"
#define KBD_DESCRIPTION		160	/* bytes of a meta description */

#define STR(x)		STR_(x)		/* a number macro as text */
#define STR_(x)		#x

#define KBD_MAX_QUERY		1024	/* bytes of a query we look at */
#define KBD_MAX_WORD		40	/* letters of a word corrected, counted */
#define KBD_MAX_TERMS		32	/* words of a query we search for */
#define KBD_MAX_LIMIT		100	/* results per page, at most */
#define KBD_DEFAULT_LIMIT	10
#define KBD_SUGGEST_LIMIT	6	/* suggestions while typing */
#define KBD_SUGGEST_MAX		20
#define KBD_MAX_OFFSET		10000	/* deepest page a client may ask for */
#define KBD_LOG_QUERY		200	/* bytes of a query in the search log */
#define KBD_MAX_ARTICLE		(1024 * 1024)	/* bytes of one article file */
#define KBD_MAX_USER		64	/* bytes of a user name */
#define KBD_MIN_PASSWORD	10
#define KBD_MAX_PASSWORD	1024
#define KBD_TOKEN_BYTES		32	/* session and API tokens */
#define KBD_SESSION_COOKIE	"kbd_session"
#define KBD_SESSION_SECONDS	(12 * 3600)
#define KBD_MAX_VERIFY		2	/* Argon2id checks at once, 64 MiB each */
#define KBD_MAX_SYNONYMS	(8 * 1024 * 1024)	/* synonyms.txt */
#define KBD_MAX_SLUG		128
#define KBD_MAX_TITLE		300
#define KBD_MAX_CATEGORY	100
#define KBD_MAX_TAGS		20
#define KBD_MAX_TAG		128
#define KBD_MAX_ALIASES		50	/* phrasings of one article */
#define KBD_MAX_ALIAS		200
#define KBD_TOP_MAX		100	/* entries of the top list kept ready */
#define KBD_TOP_DAYS		365	/* longest period of a top list */
#define KBD_FLUSH_MS		1000	/* hits reach the database this often */
#define KBD_RETRY_MS		5000	/* a failed import is tried again */
#define KBD_RETRY_MAX_MS	300000	/* ... backing off to this */
#define KBD_SNIPPET_TOKENS	28	/* words in a search snippet */
#define KBD_RELATED		5	/* related articles on an article page */
#define KBD_MAX_STATIC_FILE	(16 * 1024 * 1024)
#define KBD_MAX_STATIC_TOTAL	(64 * 1024 * 1024)
#define KBD_CONN_TIMEOUT	30	/* seconds an idle connection may live */
#define KBD_DRAIN_SECONDS	10	/* a stop waits this long for answers */
#define KBD_CONN_LIMIT		4096
#define KBD_CONN_PER_IP		512
#define KBD_CONN_MEMORY		(64 * 1024)	/* MHD's pool per connection */
#define KBD_MAX_URI		(16 * 1024)	/* path and arguments: 414 */
#define KBD_MAX_HEADERS		(32 * 1024)	/* all request headers: 431 */
#define KBD_MAX_BODY		(4 * 1024 * 1024)	/* a request body: 413 */
#define KBD_MAX_LOGIN_BODY	8192	/* a login's body, before any session */
#define KBD_BODY_BUDGET		(64 * 1024 * 1024)	/* all bodies held */
#define KBD_FILES_SPARE		64	/* descriptors besides connections */
#define KBD_MAX_UA		1024	/* a longer User-Agent is no browser */
#define VISITOR_SLOTS		(1 << 20)	/* views remembered a day */
#define VISITOR_AGENTS		16	/* User-Agents of an address a day */
#define KBD_MAX_URL		200	/* bytes of --base-url, --cors-origin */
#define KBD_MAX_CORS		32	/* --cors-origin given this often */
#define KBD_VOTE_RATE		20	/* votes an address may send ... */
#define KBD_VOTE_WINDOW		600	/* ... in so many seconds */
#define KBD_VOTE_MIN		10	/* votes before the API shows a share */
#define KBD_MAX_COMMENT		500	/* letters of a vote's comment */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define KBD_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define KBD_NORETURN		__attribute__((noreturn))
#else
#define KBD_PRINTF(f, a)
#define KBD_NORETURN
#endif

/*
 * BASE: allocation, buffers, logging, small parsers, clocks; no kbd state.
 */

/* xmalloc.c: allocation that cannot fail (it aborts with a message). */
void	*xmalloc(size_t size);
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *old, size_t n, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) KBD_PRINTF(1, 2);

/* buf.c */
/* A growable byte buffer, always NUL-terminated after the first put. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *b);
void	 buf_put(struct buf *b, const void *p, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...) KBD_PRINTF(2, 3);
/* Returns the NUL-terminated contents; the caller frees them. */
char	*buf_detach(struct buf *b, size_t *len);
void	 buf_reset(struct buf *b);
void	 buf_free(struct buf *b);

/* log.c */
struct outage {
	unsigned long	 tries;		/* failures in a row */
	int64_t		 since;		/* clock_us() of the first */
};
/* Lines of one kind written this minute; see log_limit(). */
struct log_limit {
	int64_t		 minute;
	unsigned int	 shown;
	unsigned int	 dropped;
};
void	 log_init(int v);
void	 log_warn(const char *fmt, ...) KBD_PRINTF(1, 2);
void	 log_warnx(const char *fmt, ...) KBD_PRINTF(1, 2);
void	 log_info(const char *fmt, ...) KBD_PRINTF(1, 2);
void	 log_debug(const char *fmt, ...) KBD_PRINTF(1, 2);
int	 log_outage_begin(struct outage *o);
void	 log_outage_end(struct outage *o, const char *what);
int	 log_limit(struct log_limit *l, unsigned int max,
	    unsigned int *before);
void	 fatal(const char *, ...) KBD_PRINTF(1, 2) KBD_NORETURN;
void	 fatalx(const char *, ...) KBD_PRINTF(1, 2) KBD_NORETURN;

/* utf8.c */
int	 utf8_valid(const char *s, size_t n, size_t *bad);
void	 utf8_sanitize(struct buf *b, const char *s, size_t n);
size_t	 utf8_prefix(const char *s, size_t n, size_t max);

/* parse.c */
char	*parse_form_value(const char *body, size_t len, const char *name);
int	 parse_hex(char c);
int	 parse_number(const char *s, long long min, long long max,
	    long long *out);
int	 parse_slug(const char *s, size_t n);
int	 parse_multipart(const char *body, size_t len, const char *type,
	    void (*fn)(void *arg, const char *name, const char *filename,
	    const char *data, size_t n), void *arg);

/* clock.c */
int64_t	 clock_us(void);
int64_t	 clock_seconds(void);
void	 clock_format(char *out, size_t size, int64_t t);
void	 clock_format_day(char *out, size_t size, char *iso, int64_t t);

/* file.c */
char	*file_read_at(int dirfd, const char *name, size_t max, size_t *len);
int	 file_name_cmp(const void *a, const void *b);
int	 file_list_md(DIR *d, char ***names, size_t *n);
void	 file_names_free(char **names, size_t n);
int	 file_put_at(int dirfd, const char *name, const char *text,
	    size_t len, mode_t mode);
void	 file_hash(const char *text, size_t len, char hex[65]);
/* Articles known by slug and file_hash(), sorted by slug (in C's order). */
struct slug_hash {
	char		*slug;
	char		 hash[65];
};
struct slug_hashes {
	struct slug_hash	*v;
	size_t			 n;
	size_t			 cap;
};
void	 slug_hashes_add(void *arg, const char *slug, const char *hash);
void	 slug_hashes_sort(struct slug_hashes *l);
struct slug_hash *slug_hashes_find(const struct slug_hashes *l,
	    const char *slug);
void	 slug_hashes_clear(struct slug_hashes *l);

/* hash.c */
uint64_t hash_fnv(const char *s, size_t n);

/* stats.c: counters bumped anywhere, read by /metrics (metrics.c). */
enum stats_counter {
	STAT_SEARCHES,		/* searches answered (first page) */
	STAT_SEARCHES_EMPTY,	/* ... that found nothing */
	STAT_HITS_COUNTED,	/* article views counted */
	STAT_HITS_FLUSHED,	/* ... and written to the database */
	STAT_CACHE_HITS,	/* answers sent from the cache */
	STAT_CACHE_MISSES,	/* cacheable answers that had to be made */
	STAT_SKIP_ROBOT,	/* views not counted: a robot, a script */
	STAT_SKIP_PREFETCH,	/* ... fetched ahead */
	STAT_SKIP_REPEAT,	/* ... this visitor's again today */
	STAT_SKIP_STAFF,	/* ... by staff */
	STAT_CLUSTER_BATCHES,	/* batches sent to PostgreSQL (a node) */
	STAT_CLUSTER_BATCH_US,	/* ... the time they took, microseconds */
	STAT__COUNT
};
void	 stats_add(enum stats_counter which, uint64_t n);
uint64_t stats_get(enum stats_counter which);
/* A cluster node's PostgreSQL, as its node thread last found it. */
enum cluster_state {
	CLUSTER_NONE,		/* a single node */
	CLUSTER_UP,		/* connected */
	CLUSTER_AWAY		/* not reachable: reads only */
};
void	 stats_cluster_set(enum cluster_state state);
enum cluster_state stats_cluster(int64_t *since);

/* config.c */
/* The command line, after parsing; see config.c for the option table. */
struct config {
	const char	*articles;	/* folder of <slug>.md files */
	const char	*db;		/* SQLite file */
	const char	*listen;	/* ADDR:PORT as given */
	const char	*static_dir;	/* folder served under /static/ */
	const char	*dict;		/* word list for compounds, or "" */
	const char	*english;	/* Ding's de-en, or "" */
	const char	*thesaurus;	/* OpenThesaurus' text, or "" */
	const char	*access_log;	/* file, or "-" for stderr */
	const char	*tls_cert;	/* PEM files for HTTPS, or NULL */
	const char	*tls_key;
	const char	*base_url;	/* public URL, or NULL: from listen */
	const char	*contact_url;	/* where customers reach support */
	const char	*contact_text;	/* ... the link's words */
	const char	*cors[KBD_MAX_CORS];	/* origins that may embed */
	size_t		 ncors;
	const char	*command;	/* "check", "backup", "user", "import",
					   "export", or NULL: serve */
	const char	*cluster;	/* PostgreSQL's URL, or NULL */
	const char	*cluster_file;	/* ... read from this file */
	int		 keep_folder;	/* a node with --articles */
	const char	*role;		/* for "kbd user add" */
	int		 insecure_admin; /* staff pages over plain HTTP */
	char		**args;		/* the command's other arguments */
	int		 nargs;
	unsigned int	 threads;	/* HTTP worker threads */
	unsigned int	 search_log_days;	/* searches kept so long */
	unsigned int	 search_log_queries;	/* new queries a day */
	int		 verbose;
	int		 done;		/* --help or --version printed */
};

int	 config_parse(struct config *cfg, int argc, char **argv,
	    const char **errstr);
int	 config_check(const struct config *cfg, const char **errstr);

/* escape.c */
void	 escape_html(struct buf *b, const char *s);
void	 escape_html_n(struct buf *b, const char *s, size_t n);
void	 escape_url(struct buf *b, const char *s);
void	 escape_xml(struct buf *b, const char *s);
void	 escape_json_script(struct buf *b, const char *json);
void	 escape_log(struct buf *b, const char *s, size_t max);
void	 escape_slug(struct buf *b, const char *s, size_t max);

/* gzip.c */
int	 gzip_worth(const char *type, size_t len);
/* The gzip form of data, or NULL; the caller frees it. */
char	*gzip_compress(const char *data, size_t len, size_t *out_len);

/* diff.c */
typedef void (*diff_fn)(void *, int, const char *, size_t);
size_t	 diff_lines(const char *a, const char *b, diff_fn fn, void *arg);

/*
 * TEXT: words: german.h and tokenizer.h stand alone; the term vector.
 */

/* terms.c: the term vector of an article's fields (SEARCH_* below). */
struct german_dict;
struct tokenizer;
int	 terms_register(sqlite3 *db, const struct german_dict *dict);
int	 terms_make(struct tokenizer *t, const char *const *texts,
	    struct buf *out);
int	 terms_each(const void *blob, size_t n, uint32_t *len,
	    void (*cb)(void *, const char *, size_t, const uint32_t *),
	    void *ctx);

/*
 * STORE: the database: every SQL statement and row shape.
 */

/* store.c */
/* A reader: one read-only connection and its statements, per thread. */
enum reader_stmt {
	ST_ARTICLE_BY_SLUG,
	ST_ARTICLE_BY_ID,
	ST_TOP_SINCE,		/* most read since a day */
	ST_ARTICLE_SOURCE,	/* an article's Markdown */
	ST_ARTICLES_INDEX,	/* every article, by category and title */
	ST_ARTICLES_RECENT,	/* the latest changed articles */
	ST_BEGIN,		/* one read transaction for ... */
	ST_COMMIT,		/* ... all of a search's statements */
	ST_PHRASE_ROWS,		/* the rows of a phrase, by FTS5 */
	ST_TERMS,		/* an article's term vector */
	ST_REDIRECT,		/* old slug -> the article's slug now */
	ST_SESSION,		/* cookie token hash, now -> the user */
	ST_USER_BY_NAME,
	ST_USER_BY_TOKEN,	/* API token hash -> the user */
	ST__COUNT
};

struct tokenizer;

struct reader {
	sqlite3			*db;
	sqlite3_stmt		*st[ST__COUNT];
	struct tokenizer	*tok;	/* for queries */
	void			*ext;	/* the search's work space */
	void			(*ext_free)(void *);
};


struct german_dict;
int	 store_init(const char *path, const struct german_dict *d,
	    const char **errstr);
int	 store_init_schema(const char *path, const char **errstr);
int	 store_open(const char *path, int readonly, sqlite3 **out,
	    const char **errstr);
int	 store_optimize(sqlite3 *db);
/* This thread's reader, or NULL; it lives as long as the thread. */
struct reader *store_reader(void);
const struct german_dict *store_dict(void);
int64_t	 store_size(void);
int	 store_backup(const char *path, const char *dest, const char **errstr);
int	 store_redirect_add(sqlite3 *db, const char *from, const char *to);
int	 store_run(sqlite3 *db, const char *sql, const char *types, ...);
void	 store_shutdown(void);
const char *store_error(sqlite3 *db);
int	 store_close(sqlite3 *db);
int	 store_begin(sqlite3 *db);
int	 store_commit(sqlite3 *db);
void	 store_rollback(sqlite3 *db);

/* store_article.c */
/* A published article, or a row of a list of them; see store_article.c. */
struct store_article {
	int64_t		 id;
	const char	*slug;
	const char	*title;
	const char	*category;	/* "" when none */
	const char	*tags;		/* joined by '\n', "" when none */
	const char	*html;		/* rendered body, safe */
	const char	*markdown;	/* the body's source */
	const char	*excerpt;	/* plain text, a beginning (lists) */
	int64_t		 hits;
	int64_t		 updated;	/* seconds since 1970 */
	int64_t		 created;
	char		*mem;		/* owns the strings of a copy */
};
enum store_list {
	STORE_INDEX,		/* every article, by category and title */
	STORE_RECENT,		/* the latest changed */
};
int	 store_article_get(struct reader *r, const char *slug,
	    struct store_article *a);
void	 store_article_clear(struct store_article *a);
int	 store_article_moved(struct reader *r, const char *old, char *out,
	    size_t size);
int	 store_articles_each(struct reader *r, enum store_list list,
	    int limit, void (*fn)(void *arg, const struct store_article *a),
	    void *arg);
int	 store_top_since(struct reader *r, int64_t day, int limit,
	    void (*fn)(void *arg, const struct store_article *a), void *arg);
int	 store_categories_each(sqlite3 *db, void (*fn)(void *arg,
	    const struct store_article *a), void *arg);
/* An article as a change sees it first; see store_article_newest(). */
struct store_newest {
	int64_t		 id;		/* 0: no such article */
	int		 deleted;
	int64_t		 rev;		/* its last revision, 0 if none */
	char		*text;		/* that revision's file, or NULL */
};
int	 store_article_newest(sqlite3 *db, const char *slug,
	    struct store_newest *n);
int64_t	 store_article_rev_of(sqlite3 *db, const char *slug,
	    const char *hash);
/* The file of a revision, or NULL; the caller frees it. */
char	*store_article_revision_text(sqlite3 *db, int64_t id, int64_t rev);
int	 store_article_rename(sqlite3 *db, int64_t id, const char *from,
	    const char *to);
int64_t	 store_article_max_id(sqlite3 *db);
int	 store_article_published_each(sqlite3 *db, void (*fn)(void *arg,
	    int64_t id, const char *slug, size_t nslug, const char *hash),
	    void *arg);
int	 store_article_hits_each(sqlite3 *db, void (*fn)(void *arg,
	    int64_t id, int64_t hits), void *arg);
int	 store_article_top(sqlite3 *db, int limit, void (*fn)(void *arg,
	    const struct store_article *a), void *arg);
int	 store_article_clicks_each(sqlite3 *db, int64_t since, int readers,
	    void (*fn)(void *arg, int64_t id, const char *query), void *arg);

/* store_user.c */
/* One staff account, as listed. */
struct user_row {
	const char	*name;
	const char	*role;
	int64_t		 created;
	int		 has_token;
};
struct staff;
int	 store_user_add(sqlite3 *db, const char *name, const char *role,
	    const char *pwhash, const char **errstr);
int	 store_user_password(sqlite3 *db, const char *name,
	    const char *pwhash, const char **errstr);
int	 store_user_del(sqlite3 *db, const char *name, const char **errstr);
int	 store_user_token(sqlite3 *db, const char *name,
	    const char *tokenhash, const char **errstr);
int	 store_user_each(sqlite3 *db, void (*fn)(void *arg,
	    const struct user_row *row), void *arg);
int	 store_user_login(struct reader *r, const char *name, int64_t *id,
	    char *pwhash, size_t size);
int	 store_user_by_hash(struct reader *r, const char *hash, int token,
	    struct staff *who);
int	 store_session_add(sqlite3 *db, const char *hash, int64_t user,
	    const char *csrf, int64_t now, int64_t seconds, int64_t fade);
int	 store_session_del(sqlite3 *db, const char *hash);

/* store_counts.c */
/* Views of one article that a hits flush wrote. */
struct hit_delta {
	int64_t		 id;
	uint64_t	 n;
};

/* One search to count, or a click on one of its results. */
struct store_search {
	const char	*query;		/* normalised */
	int64_t		 results;
	int		 click;		/* an article opened from its results */
	int64_t		 article;	/* ... which one, if a reader's */
	int		 tag;		/* ... the reader's tag (hits_visitor_tag) */
};
int	 store_hits_write(sqlite3 *db, const struct hit_delta *d, size_t n,
	    int64_t day, const char **errstr);
/* A cluster's count of an article's hits, in total or on a day. */
struct hit_total {
	char		*slug;
	int64_t		 day;		/* days since 1970, UTC; -1: total */
	int64_t		 count;
};
int	 store_hits_set(sqlite3 *db, const struct hit_total *t, size_t n,
	    const char **errstr);
int	 store_searches_prune(sqlite3 *db, int64_t before, const char **errstr);
int	 store_searches_write(sqlite3 *db, const struct store_search *s,
	    size_t n, int64_t day, unsigned int queries, const char **errstr);
int	 store_click_key(sqlite3 *db, unsigned char *key, size_t size,
	    const char **errstr);
/*
 * Cluster mode: a search or a click to count in PostgreSQL, or a row of
 * the cluster's search log or a reader's click read from it, to set.
 */
struct search_row {
	const char	*query;		/* normalised */
	const char	*slug;		/* a reader's click: its article */
	int64_t		 day;		/* days since 1970, UTC */
	int64_t		 results;
	int64_t		 count;		/* a row read: searches */
	int64_t		 clicks;	/* ... articles opened from them */
	int		 click;		/* a click; read: a reader's */
	int		 tag;		/* ... the reader's tag */
};
int	 store_searches_set(sqlite3 *db, const struct search_row *s, size_t n,
	    const char **errstr);

/* store_vote.c */
/* A vote or a comment to write (hits_vote.c). */
struct store_vote {
	int64_t		 article;
	int64_t		 day;		/* days since 1970, UTC */
	int64_t		 when;		/* seconds since 1970 */
	int		 helpful;	/* "Ja" */
	int		 counted;	/* the vote counts (not a repeat) */
	char		*comment;	/* or NULL */
};
/* An article's votes over a period, or one comment. */
struct vote_row {
	const char	*slug;
	const char	*title;
	int64_t		 yes;		/* a comment: 1 if it came with "Ja" */
	int64_t		 no;
	int64_t		 comments;
	int64_t		 created;	/* a comment's time */
	const char	*text;		/* a comment's text */
};
int	 store_votes_write(sqlite3 *db, const struct store_vote *v, size_t n,
	    const char **errstr);
int	 store_vote_totals(sqlite3 *db, void (*fn)(void *arg,
	    int64_t article, int64_t yes, int64_t no), void *arg);
int	 store_vote_stats(struct reader *r, int days, int limit,
	    void (*fn)(void *arg, const struct vote_row *row), void *arg);
int	 store_vote_comments(struct reader *r, int days, int limit,
	    void (*fn)(void *arg, const struct vote_row *row), void *arg);
int	 store_vote_key(const char *path, unsigned char *key, size_t size,
	    const char **errstr);
/* A cluster's votes of an article on a day, or a comment (cluster mode). */
struct vote_set {
	char		*slug;
	int64_t		 day;		/* days since 1970, UTC */
	int64_t		 yes;		/* a comment: 1 if with "Ja" */
	int64_t		 no;
	int64_t		 when;		/* a comment's time */
	char		*comment;	/* NULL: the day's votes */
};
int	 store_votes_set(sqlite3 *db, const struct vote_set *v, size_t n,
	    const char **errstr);

/* store_staff.c */
struct store_staff_article {
	const char	*slug;
	const char	*title;
	const char	*category;
	const char	*tags;		/* joined by '\n' */
	const char	*state;		/* published, draft, deleted */
	const char	*author;	/* of the last revision, or "" */
	const char	*markdown;	/* store_staff_article() only */
	int64_t		 hits;
	int64_t		 updated;
	int64_t		 rev;		/* the last revision, 0 if none */
	int		 draft;
};
struct staff_filter {
	const char	*q;		/* in the title or slug */
	const char	*state;		/* or NULL: all but deleted */
	const char	*category;	/* or NULL */
	const char	*sort;		/* title, category, hits, ... */
};
struct staff_revision {
	int64_t		 rev;
	const char	*author;
	int64_t		 created;
	const char	*hash;
	const char	*text;
};
struct stat_row {
	const char	*label;
	const char	*slug;
	int64_t		 value;
	int64_t		 extra;
	const char	*opened;	/* searches: the article opened most */
	int64_t		 before;	/* searches: value the period before */
};
#define STATS_TOP	0	/* most searched */
#define STATS_EMPTY	1	/* found nothing */
#define STATS_UNOPENED	2	/* found something nobody opened */
#define STATS_FOUND	3	/* found something (weak ones: the caller) */
const char *store_staff_sort(const char *s);
int	 store_staff_articles(struct reader *r, const struct staff_filter *f,
	    void (*fn)(void *, const struct store_staff_article *), void *arg);
int	 store_staff_article(struct reader *r, const char *slug,
	    struct store_staff_article *a, char **mem);
int	 store_staff_revisions(struct reader *r, const char *slug,
	    void (*fn)(void *, const struct staff_revision *), void *arg);
/* A revision's text, or NULL; the caller frees it. */
char	*store_staff_revision_text(struct reader *r, const char *slug,
	    int64_t rev);
int	 store_staff_most_read(struct reader *r, int days, int limit,
	    void (*fn)(void *, const struct stat_row *), void *arg);
int	 store_staff_searches(struct reader *r, int kind, int days, int limit,
	    void (*fn)(void *, const struct stat_row *), void *arg);
int	 store_staff_daily_hits(struct reader *r, int days, int64_t *per_day);

/* store_pg.c: cluster mode's PostgreSQL; see store_pg.c. */
struct store_pg;
/* An article as PostgreSQL keeps it (strings borrowed). */
struct store_pg_article {
	int64_t		 id;
	const char	*slug;
	const char	*title;
	const char	*category;	/* "" when none */
	const char	*tags;		/* joined by '\n', "" when none */
	const char	*aliases;	/* the same */
	const char	*markdown;	/* the body */
	const char	*hash;		/* of the whole file, hex */
	const char	*state;		/* published, draft, deleted */
	int		 draft;
	int64_t		 hits;		/* a new article's seed */
};
/* *out is closed (and freed) by store_pg_close(). */
int	 store_pg_open(const char *url, struct store_pg **out,
	    const char **errstr);
void	 store_pg_close(struct store_pg *pg);
const char *store_pg_error(struct store_pg *pg);
const char *store_pg_where(struct store_pg *pg);
int	 store_pg_folder_lock(struct store_pg *pg);
int	 store_pg_articles_version(struct store_pg *pg, int64_t *n);
int	 store_pg_begin(struct store_pg *pg);
int	 store_pg_commit(struct store_pg *pg);
void	 store_pg_rollback(struct store_pg *pg);
int	 store_pg_articles_each(struct store_pg *pg, void (*fn)(void *arg,
	    const struct store_pg_article *a), void *arg);
struct article;		/* article.c, below */
int	 store_pg_article_put(struct store_pg *pg, const struct article *a,
	    const char *hash, int64_t now, int64_t *id);
int	 store_pg_article_delete(struct store_pg *pg, int64_t id,
	    int64_t now);
int	 store_pg_redirects_each(struct store_pg *pg, void (*fn)(void *arg,
	    const char *from, const char *to), void *arg);
int	 store_pg_listen(struct store_pg *pg);
int	 store_pg_wait(struct store_pg *pg, int ms);
int	 store_pg_current_each(struct store_pg *pg, void (*fn)(void *arg,
	    const char *slug, const char *hash), void *arg);
/* *text is the caller's to free. */
int	 store_pg_article_text(struct store_pg *pg, const char *slug,
	    char **text, size_t *len);
int	 store_pg_article_move(struct store_pg *pg, int64_t id,
	    const char *from, const char *to, int64_t now);
int	 store_pg_revision_add(struct store_pg *pg, int64_t id,
	    const char *author, int64_t now, const char *hash,
	    const char *text, int *added);
int	 store_pg_export_each(struct store_pg *pg, int (*fn)(void *arg,
	    const char *slug, const char *text, size_t len), void *arg);
/*
 * Staff accounts, sessions and strikes of cluster mode, on a connection
 * of the process's own (store_pg_shared_init); store_user.c calls them
 * when cluster mode is on.  Strings given are borrowed.
 */
/* Failed logins of an address or an account (staff_auth.c). */
struct strike_row {
	unsigned int	 count;
	int64_t		 last;		/* of the last failure, in us */
	int64_t		 until;		/* ... no attempt before this */
};
void	 store_pg_shared_init(const char *url);
void	 store_pg_shared_close(void);
int	 store_pg_shared_on(void);
const char *store_pg_shared_error(void);
int	 store_pg_account_login(const char *name, int64_t *id,
	    char *pwhash, size_t size);
int	 store_pg_account_by_hash(const char *hash, int token,
	    struct staff *who);
int	 store_pg_account_add(const char *name, const char *role,
	    const char *pwhash, const char **errstr);
int	 store_pg_account_password(const char *name, const char *pwhash,
	    const char **errstr);
int	 store_pg_account_del(const char *name, const char **errstr);
int	 store_pg_account_token(const char *name, const char *tokenhash,
	    const char **errstr);
int	 store_pg_account_each(void (*fn)(void *arg,
	    const struct user_row *row), void *arg);
int	 store_pg_session_add(const char *hash, int64_t user,
	    const char *csrf, int64_t now, int64_t seconds, int64_t fade);
int	 store_pg_session_del(const char *hash);
int	 store_pg_strike(const char *key, int (*fn)(void *arg,
	    struct strike_row *row, int64_t now), void *arg);
int	 store_pg_strike_clear(const char *key);
/* store_pg.c: staff saves on a node (staff_edit.c). */
struct store_pg_state {
	int64_t		 id;		/* 0: no such article */
	int		 deleted;
	char		 hash[65];	/* of the current file, hex */
	char		*text;		/* the last revision, or NULL */
};
/* st->text is freed by store_pg_state_clear(). */
int	 store_pg_article_state(struct store_pg *pg, const char *slug,
	    struct store_pg_state *st);
void	 store_pg_state_clear(struct store_pg_state *st);
/* The counters of cluster mode (hits_cluster.c). */
/*
 * A view or a vote to count, or a comment to keep: its day, its key
 * (hex) and its article's slug; a vote's answer, a comment's time and
 * text.
 */
struct pg_view {
	int64_t		 day;		/* days since 1970, UTC */
	const char	*view;		/* reader, article, the day's key */
	const char	*slug;
	int		 helpful;	/* a vote, a comment: "Ja" */
	int64_t		 when;		/* a comment: seconds since 1970 */
	const char	*comment;	/* ... its text */
};
int	 store_pg_counts_listen(struct store_pg *pg);
int	 store_pg_counts_begin(struct store_pg *pg);
int	 store_pg_counts_commit(struct store_pg *pg);
int	 store_pg_hit_key(struct store_pg *pg, int64_t day, const char *mine,
	    char *out, size_t size);
int	 store_pg_hits_add(struct store_pg *pg, const struct pg_view *h,
	    size_t n);
int	 store_pg_hits_prune(struct store_pg *pg, int64_t day);
int	 store_pg_hits_changed(struct store_pg *pg, int64_t since,
	    int64_t from, void (*fn)(void *arg, const char *slug, int64_t day,
	    int64_t count), void *arg, int64_t *last);
int	 store_pg_votes_add(struct store_pg *pg, const struct pg_view *h,
	    size_t n);
int	 store_pg_comment_add(struct store_pg *pg, const struct pg_view *h);
int	 store_pg_votes_changed(struct store_pg *pg, int64_t since,
	    void (*fn)(void *arg, const char *slug, int64_t day, int64_t yes,
	    int64_t no), void *arg, int64_t *last);
int	 store_pg_comments_new(struct store_pg *pg, int64_t after,
	    int64_t from, void (*fn)(void *arg, const struct pg_view *c),
	    void *arg, int64_t *last);
int	 store_pg_secret(struct store_pg *pg, const char *name,
	    const char *mine, char *out, size_t size);
int	 store_pg_searches_add(struct store_pg *pg,
	    const struct search_row *s, size_t n, unsigned int queries);
int	 store_pg_searches_prune(struct store_pg *pg, int64_t before,
	    int64_t clicks);
int	 store_pg_searches_changed(struct store_pg *pg, int64_t since,
	    int64_t from, int64_t clicks,
	    void (*fn)(void *arg, const struct search_row *s), void *arg,
	    int64_t *last);

/* article.c */
/* One article as parsed from its file. */
struct article {
	char		*slug;
	char		*title;
	char		*category;	/* "" when absent */
	char		*tags;		/* tags joined by '\n', "" when none */
	char		*aliases;	/* phrasings customers use, the same */
	int64_t		 hits;		/* seed from front matter, or -1 */
	char		*markdown;	/* body below the front matter */
	char		*html;		/* rendered body, safe */
	char		*text;		/* plain text of the body, for the index */
	char		 hash[65];	/* BLAKE2b-256 of the file, hex */
	int		 body_line;	/* line of the file the body starts on */
	int		 draft;		/* "draft: true": not public */
};

int	 article_parse(struct article *a, const char *slug, const char *data,
	    size_t len, char *err, size_t errlen);
void	 article_clear(struct article *a);
/* The new file's text; the caller frees it. */
char	*article_compose(const char *old, const char *title,
	    const char *category, const char *tags, const char *aliases,
	    int draft, const char *body);

/* media.c */
#define KBD_MAX_MEDIA_MB	3	/* megabytes of a picture */
#define KBD_MAX_MEDIA		(KBD_MAX_MEDIA_MB * 1024 * 1024)
#define KBD_MAX_MEDIA_NAME	80	/* bytes of its name */
/* What a picture's bytes say it is. */
struct media_info {
	const char	*type;		/* "image/png", ... */
	const char	*ext;		/* "png", "jpg", "webp", "gif" */
	unsigned int	 width;		/* pixels */
	unsigned int	 height;
	char		 version[17];	/* hex: a hash of its bytes */
};
void	 media_init(const char *articles);
int	 media_name_ok(const char *name);
int	 media_sniff(const void *data, size_t len, struct media_info *mi);
/* The picture's bytes, or NULL; the caller frees them. */
char	*media_read(const char *name, size_t *len, struct media_info *mi);
int	 media_info(const char *name, struct media_info *mi);
int	 media_save(const void *data, size_t len, const char *want,
	    char *name, size_t size, struct media_info *mi,
	    const char **errstr);
void	 media_stamp(const char *dir, char *out, size_t size);

/* render.c */
int	 render_markdown(const char *md, size_t len, char **html, char **text);
/* Both return a string the caller frees. */
char	*render_summary(const char *md, size_t len, size_t max);
char	*render_summary_text(const char *text, size_t max);

/* import.c */
struct import_stats {
	unsigned int	 added;
	unsigned int	 changed;
	unsigned int	 unchanged;
	unsigned int	 removed;
	unsigned int	 failed;
};
/* An article import_files() changed: how it was, and how it is now. */
struct import_change {
	int64_t		 id;
	int		 was_live;	/* published before */
	int		 live;		/* ... and now */
	char		*slug;		/* now */
	char		*hash;		/* of its file, now */
	int64_t		 hits;		/* stored, now */
	char		*old_text[3];	/* title, tags, body text before */
	char		*text[3];	/* ... now (NULL: not live) */
	char		*old_slug;	/* before (was_live) */
	char		*old_category;	/* ... */
	char		*category;	/* now (live) */
	struct buf	 old_terms;	/* term vector before (was_live) */
	struct buf	 terms;		/* ... now (live) */
};
struct import_changes {
	struct import_change	*v;
	size_t			 n;
};
int	 import_folder(sqlite3 *db, const char *dir,
	    struct import_stats *stats, const atomic_int *cancel);
/* Fills *changes, which import_changes_free() frees. */
int	 import_files(sqlite3 *db, const char *dir, const char *const *names,
	    size_t n, struct import_stats *stats,
	    struct import_changes *changes);
void	 import_changes_free(struct import_changes *changes);
int	 import_unchanged(sqlite3 *db, const char *dir, const char *name);
void	 import_expect(const char *slug, const char *hash, const char *author);

/*
 * HITS: which views count, and the counters.
 */

/* hits.c */
void	 hits_add(int64_t id);
int64_t	 hits_pending(int64_t id);
uint64_t hits_unwritten(void);
int	 hits_flush(sqlite3 *db, struct hit_delta **out, size_t *n);

/* hits_visitor.c */
/* Who asked, as a digest of address and User-Agent; see hits_visitor.c. */
struct visitor {
	unsigned char	 digest[16];
	unsigned char	 addr[16];	/* ... of the address alone */
	int		 local;		/* the address is this host's */
};

int	 hits_visitor_browser(const char *ua);
void	 hits_visitor_digest(struct visitor *v, const void *addr,
	    size_t addrlen, const char *ua);
int	 hits_visitor_first(const struct visitor *v, int64_t article,
	    int64_t day);
int	 hits_visitor_mark(const struct visitor *v, int64_t article,
	    int64_t day);
int	 hits_visitor_tag(const struct visitor *v, const unsigned char *key,
	    size_t n);
int	 hits_visitor_agent_ok(const struct visitor *v, int64_t day, int mark);
void	 hits_visitor_shutdown(void);

/* hits_view.c */
/* Why a view of an article did not count (metrics, by reason). */
enum view_skip {
	SKIP_NONE,		/* it counts */
	SKIP_ROBOT,		/* a crawler, previewer, script, no browser */
	SKIP_PREFETCH,		/* fetched ahead, maybe never shown */
	SKIP_REPEAT,		/* this visitor saw it today */
	SKIP_STAFF,		/* req->no_count: staff, an article save */
	SKIP__COUNT
};

/*
 * A view of an article, as far as hits care: which article, and who;
 * see hits_view.c.
 */
struct view {
	int64_t		 article;	/* viewed, or 0 */
	int		 staff;		/* by staff: never a hit */
	int		 classified;	/* skip and who are set */
	enum view_skip	 skip;		/* why it would not count */
	struct visitor	 who;
	char		 slug[KBD_MAX_SLUG + 1];	/* ... of article */
};

void	 hits_view_classify(struct view *v, const char *ua,
	    const char *const *purpose, size_t n, const unsigned char *addr,
	    size_t addrlen);
int	 hits_view_counts(const struct view *v);
int	 hits_view_done(struct view *v);

/* hits_cluster.c */
/* What the cluster counted that changed; see hits_cluster.c. */
struct hits_cluster_counts {
	const struct hit_total	*hits;
	size_t			 nhits;
	const struct vote_set	*votes;		/* and comments */
	size_t			 nvotes;
	const struct search_row	*searches;	/* and readers' clicks */
	size_t			 nsearches;
};
/*
 * Hands the cluster's counts that changed to the local index.  Returns
 * 0, or -1 to be handed them again.
 */
typedef int (*hits_cluster_fn)(const struct hits_cluster_counts *c);
int	 hits_cluster_start(const char *url, hits_cluster_fn apply);
int	 hits_cluster_on(void);
void	 hits_cluster_add(const struct visitor *who, const char *slug,
	    int64_t day);
void	 hits_cluster_vote(const struct visitor *who, const char *slug,
	    int64_t now, int helpful, int counted, const char *comment);
void	 hits_cluster_search_setup(unsigned int days, unsigned int queries);
void	 hits_cluster_search(const char *query, int64_t results, int click,
	    const char *slug, const struct visitor *who);
size_t	 hits_cluster_waiting(void);
uint64_t hits_cluster_dropped(void);
void	 hits_cluster_stop(void);

/* hits_vote.c */
enum vote_result {
	VOTE_COUNTED,		/* this reader's first vote today */
	VOTE_REPEAT,		/* voted today already (a comment may count) */
	VOTE_IGNORED,		/* a robot's, staff's: nothing kept */
	VOTE_LIMITED,		/* too many votes from the address */
};
int	 hits_vote_add(const struct view *v, int helpful, const char *comment,
	    const unsigned char *addr, size_t addrlen);
void	 hits_vote_totals(int64_t id, int64_t *yes, int64_t *no);
int	 hits_vote_load(sqlite3 *db);
int	 hits_vote_flush(sqlite3 *db);
int	 hits_vote_reload(sqlite3 *db);
void	 hits_vote_shutdown(void);

/*
 * SEARCH: from a customer's words to a page of articles.
 */

/* search_query.c */
struct lexicon;
/* One way of writing a slot: FTS5 strings that must all match. */
#define QUERY_MAX_ALTS	12
#define QUERY_MAX_PARTS	4

#define QUERY_MAX_FORMS	4

/* The other forms of a part's word that the index has (ändern: Änderung). */
struct query_forms {
	int	 n;
	char	*word[QUERY_MAX_FORMS];
	char	*stem[QUERY_MAX_FORMS];		/* its index term */
	int64_t	 docs[QUERY_MAX_FORMS];
};

struct query_alt {
	int			 n;
	char			*part[QUERY_MAX_PARTS];
	int64_t			 docs[QUERY_MAX_PARTS];	/* about how many
							   hold each part */
	struct query_forms	*forms[QUERY_MAX_PARTS]; /* or NULL */
	int			 kind;	/* how it was found: QUERY_ALT_* */
};

/* How an alternative was found (its worth: rank_weights.alt). */
enum {
	QUERY_ALT_TYPED,	/* the word as typed */
	QUERY_ALT_JOINED,	/* "E-Mail": email; "seiten zahlen" */
	QUERY_ALT_PARTICLE,	/* "füge ... ein": einfügen */
	QUERY_ALT_CORRECTED,	/* a typo corrected */
	QUERY_ALT_SPLIT,	/* a compound's parts */
	QUERY_ALT_HEAD,		/* "Mail" for "E-Mail" */
	QUERY_ALT_SYNONYM,	/* synonyms.txt, the built-in list */
	QUERY_ALT_TRANSLATED,	/* an English word's German (Ding) */
	QUERY_ALT_THESAURUS,	/* OpenThesaurus' synonyms of a rare word */
	QUERY_ALT_DING,		/* the German words of its Ding entry */
	QUERY_ALT_PIVOT,	/* ... of its English words' entries */
	QUERY_ALT__COUNT
};

/* Kinds of slots. */
#define QUERY_SLOT_WORD		0
#define QUERY_SLOT_JOINED	1	/* words joined by '-', '!', ... */
#define QUERY_SLOT_PHRASE	2	/* in quotes, or a prefix */

/* Something every result should hold: a word, a joined word, a phrase. */
struct query_slot {
	char			*typed;		/* as typed */
	char			*key;		/* stems, for synonyms */
	char			*folded;	/* folded word, or NULL */
	char			*stem;		/* main stem */
	char			*shown;		/* a correction, or NULL */
	int			 kind;
	int			 verb;		/* may be a verb form */
	int			 number;	/* has digits */
	int			 start;		/* bytes of the query text */
	int			 end;
	int64_t			 docs;		/* about how many hold it */
	double			 weight;	/* 1, less for added words */
	int			 added;		/* not typed: feedback, ... */
	int			 translated;	/* has dictionary words */
	int			 nalts;
	struct query_alt	 alts[QUERY_MAX_ALTS];
};

/* A user's query, translated into safe FTS5 expressions. */
struct query {
	char			*text;		/* valid UTF-8, bounded */
	char			*normalized;	/* for the search log */
	char			*suggestion;	/* corrected text, or NULL */
	size_t			 nslots;
	struct query_slot	*slots;
};

struct rank_weights;
struct search_data;
/* The parsed query; the caller frees it with search_query_free(). */
struct query *search_query_parse(struct tokenizer *tok, const char *text);
void	 search_expand_query(struct query *q, struct reader *r,
	    const struct search_data *sd, const struct rank_weights *wt);
void	 search_query_fts_string(struct buf *b, const char *text);
void	 search_query_alt_add(struct query_slot *s, const char *const *parts,
	    int n, int kind);
void	 search_query_alt_add1(struct query_slot *s, const char *part, int kind);
void	 search_query_forms_free(struct query_forms *f);
void	 search_query_slot_clear(struct query_slot *s);
void	 search_query_merge_slots(struct query *q, size_t i, size_t k);
int	 search_query_add_prefix(struct query *q, const struct lexicon *lex,
	    const char *prefix, size_t n);
void	 search_query_free(struct query *q);

/* search_lexicon.c */
struct lexicon;
struct word_delta;
/* A lexicon with one reference; search_lexicon_unref() drops it. */
struct lexicon *search_lexicon_load(sqlite3 *db);
void	 search_lexicon_unref(struct lexicon *lex);
/* A lexicon with one reference; lex is left as it was. */
struct lexicon *search_lexicon_patch(const struct lexicon *lex,
	    struct tokenizer *t, const struct import_changes *ch);
uint32_t search_lexicon_docs(const struct lexicon *lex, const char *t,
	    size_t n);
int64_t	 search_lexicon_ndocs(const struct lexicon *lex);
const char *search_lexicon_lookup(const struct lexicon *lex,
	    const char *folded, size_t n, uint32_t *docs);
const char *search_lexicon_correct(const struct lexicon *lex, const char *w,
	    size_t n, const char **folded);
size_t	 search_lexicon_prefix(const struct lexicon *lex, const char *prefix,
	    size_t n, const char **out, size_t max);
size_t	 search_lexicon_complete(const struct lexicon *lex,
	    const char *prefix, size_t n, const char **out, size_t max);
/* Counts over an import; store_words_free() frees them. */
struct word_delta *store_words_new(void);
void	 store_words_article(struct word_delta *d, struct tokenizer *t,
	    const char *const *texts, size_t ntexts, int sign);
void	 store_words_each(const struct word_delta *d, void (*fn)(void *arg,
	    const char *folded, const char *surface, int64_t delta),
	    void *arg);
int	 store_words_flush(struct word_delta *d, sqlite3 *db);
void	 store_words_free(struct word_delta *d);
int	 store_words_recount(sqlite3 *db, struct tokenizer *t);

/* search_synonyms.c */
struct synonyms;
/* Synonym groups with one reference; search_synonyms_unref() drops it. */
struct synonyms *search_synonyms_load(const char *articles);
void	 search_synonyms_ref(struct synonyms *s);
void	 search_synonyms_unref(struct synonyms *s);
int	 search_synonyms_lookup(const struct synonyms *s, const char *key,
	    void (*cb)(void *, const char *), void *ctx);

/* search_index.c */
#define SEARCH_TITLE	0	/* the fields of an article, as ranked */
#define SEARCH_TAGS	1
#define SEARCH_BODY	2
#define SEARCH_ALIASES	3	/* "Auch gesucht als" */
#define SEARCH_FIELDS	4
struct search_index;
/* The articles holding a term: ids ascending, frequencies packed. */
struct postings {
	uint32_t	 n;
	const uint32_t	*doc;
	const uint16_t	*tf;	/* title 3 bits, tags 3, aliases 3, body 7 */
};
/*
 * An index with one reference (search_index_unref() drops it), or NULL.
 */
struct search_index *search_index_load(sqlite3 *db);
struct search_index *search_index_from(const int64_t *ids,
	    const struct buf *blobs, size_t n, size_t nids);
/* An article whose term vector changes (search_index_patch). */
struct index_change {
	int64_t		 id;
	const struct buf *old;		/* what the index holds, or NULL */
	const struct buf *now;		/* what it should hold, or NULL */
};
/* A new index with one reference; ix is left as it was. */
struct search_index *search_index_patch(struct search_index *ix,
	    const struct index_change *c, size_t n, size_t nids);
void	 search_index_ref(struct search_index *ix);
void	 search_index_unref(struct search_index *ix);
uint32_t search_index_postings(const struct search_index *ix, const char *s,
	    size_t n, struct postings *p);
uint32_t search_index_df(const struct search_index *ix, const char *s,
	    size_t n);
uint32_t search_index_ndocs(const struct search_index *ix);
size_t	 search_index_nids(const struct search_index *ix);
int	 search_index_has(const struct search_index *ix, int64_t id);
double	 search_index_len(const struct search_index *ix, int64_t id, int f,
	    double *avg);
const float *search_index_rlens(const struct search_index *ix, size_t *n);

/* search_rank.c */
/* The weights of the ranking; see search_rank.c and tests/search/fit.py. */
struct rank_weights {
	double	 k1, b;			/* BM25 */
	double	 field[SEARCH_FIELDS];	/* BM25F weight of each field */
	double	 learned;		/* ... of "searched as" */
	double	 idf_pow;		/* a word's IDF counts to this power */
	double	 title_pow;		/* ... in the title bonuses */
	double	 cover;			/* share of the query's IDF held */
	double	 cover_pow;		/* ... raised to this */
	double	 title;			/* share of it in the title */
	double	 title_all;		/* ... times the title's share matched */
	double	 pop;			/* the most read article: 1 + pop */
	double	 min_cover;		/* share of the information a row needs, */
	double	 min_words;		/* ... or of the words */
	double	 alt[QUERY_ALT__COUNT];	/* worth of each kind of form */
	double	 rare;			/* in so few of the articles: rare */
	double	 rare_thesaurus;	/* ... for OpenThesaurus' synonyms */
	double	 related;		/* related words kept per word */
	double	 fb_min_words;		/* feedback for so many words up */
	double	 fb_docs;		/* ... from so many best articles */
	double	 fb_terms;		/* ... adding so many terms */
	double	 fb_weight;		/* ... the best worth this much */
	double	 fb_shared;		/* ... held by so many of them */
};
extern const struct rank_weights search_rank_defaults;
#define RANK_MAX_FORMS	(1 + QUERY_MAX_FORMS)
#define RANK_MAX_PARTS	8
/* A word that must be there, in any of its forms. */
struct rank_part {
	int		 nforms;
	char		*stem[RANK_MAX_FORMS];	/* index terms */
	struct postings	 form[RANK_MAX_FORMS];
	struct postings	 learned[RANK_MAX_FORMS];	/* "searched as" */
	double		 idf;		/* of all its forms together */
};
/* One way of writing a slot: all of its parts. */
struct rank_alt {
	int		 nparts;
	struct rank_part *part;
	double		 weight;	/* of its kind: typed 1, synonym ... */
	double		 idf;		/* of its rarest part */
	double		 sidf;		/* ... to the power rank_weights.idf_pow */
	char		*fts;		/* or a phrase FTS5 finds, and */
	uint32_t	*fts_docs;	/* ... its rows */
	uint32_t	 nfts;
};
struct rank_slot {
	int		 nalts;
	struct rank_alt	*alt;
	double		 idf;		/* its information; 0: unknown */
	double		 tidf;		/* ... as the title bonuses count it */
	double		 weight;	/* 1 for a word typed */
	int		 core;		/* typed: counts for coverage */
};
struct rank_query {
	int		 nslots;
	struct rank_slot *slot;
	double		 total_idf;	/* of the core slots */
	double		 title_total;	/* ... their tidf */
	const struct search_index *learned;	/* or NULL */
	int		 walked;	/* slots ranked so far */
};
/* A row and its score (greater is better). */
struct ranked {
	double	 score;
	int64_t	 id;
};
/* The ranking form of a query; search_rank_query_free() frees it. */
struct rank_query *search_rank_compile(struct reader *r,
	    const struct search_index *ix, const struct search_index *learned,
	    const struct query *q, uint64_t mask, int flags,
	    const struct rank_weights *wt);
void	 search_rank_query_free(struct rank_query *rq);
uint64_t search_rank_body_slots(const struct rank_query *rq, int64_t id);

/* search_feedback.c */
int	 search_feedback_wanted(const struct rank_query *rq,
	    const struct rank_weights *wt);
int	 search_feedback_run(struct reader *r, const struct search_index *ix,
	    struct rank_query *rq, const struct ranked *top, int ntop,
	    const struct rank_weights *wt);
/* What made an article's score, for tests/search. */
struct rank_detail {
	int64_t		 id;
	double		 score, bm25, cover, title, title_matched;
	uint32_t	 mask;		/* slots found */
};
int	 search_rank_run(struct reader *r, const struct search_index *ix,
	    const struct search_data *sd, struct rank_query *rq,
	    const struct rank_weights *wt, int flags, int k,
	    struct ranked *out, int64_t *total, int *all,
	    struct rank_detail *detail);
int	 search_rank_slots(struct reader *r, const struct search_index *ix,
	    const struct search_data *sd, struct rank_query *rq,
	    const struct rank_weights *wt, int flags, int k, int more,
	    struct ranked *out, int64_t *total, int *all,
	    struct rank_detail *detail);

/* search_dict.c */
struct search_dicts;
/* A term of a dictionary and its rank (0: the first of its entry). */
typedef int (*search_dict_cb)(void *, const char *, int);
/* The dictionaries; search_dict_free() frees them. */
struct search_dicts *search_dict_load(const char *ding, const char *thesaurus,
	    const char **missing);
void	 search_dict_free(struct search_dicts *d);
void	 search_dict_size(const struct search_dicts *d, size_t *ding,
	    size_t *thesaurus);
int	 search_dict_english(const struct search_dicts *d, const char *en,
	    search_dict_cb cb, void *ctx);
int	 search_dict_german(const struct search_dicts *d, const char *stem,
	    int thesaurus, search_dict_cb cb, void *ctx);
int	 search_dict_english_of(const struct search_dicts *d, const char *stem,
	    search_dict_cb cb, void *ctx);
/* Makes d the dictionaries in use; returns the old ones, for freeing. */
struct search_dicts *search_dict_use(struct search_dicts *d);
const struct search_dicts *search_dict_current(void);
int	 search_dict_settled(void);

/* search_expand.c */

/* search_snippet.c */
struct snippet_query;
/* Returns what search_snippet_make() looks for; the caller frees it. */
struct snippet_query *search_snippet_query(struct reader *r,
	    const struct rank_query *rq);
/* Returns the snippet as HTML; the caller frees it. */
char	*search_snippet_make(struct reader *r, struct snippet_query *sq,
	    const char *text, size_t n, uint64_t slots, int want);
/* Returns the whole text as HTML, words marked; the caller frees it. */
char	*search_snippet_mark(struct reader *r, struct snippet_query *sq,
	    const char *text, size_t n);

/* search.c */
/* One search answer row. */
struct search_hit {
	char		*slug;
	char		*title;
	char		*category;
	char		*snippet;	/* HTML: escaped text with <mark> */
	int64_t		 hits;
};

struct search_result {
	int64_t			 total;		/* rows matching */
	size_t			 n;
	struct search_hit	*hits;
	int			 partial;	/* not every word matched */
};

/* What a search reads of the published data (the snapshot's). */
struct search_data {
	const struct lexicon	*lexicon;
	const struct synonyms	*synonyms;
	struct search_index	*index;		/* NULL: nothing to find */
	struct search_index	*learned;	/* "searched as", or NULL */
	const uint8_t		*popularity;	/* by id, 0..255 */
	size_t			 nids;		/* of popularity */
};
/* How searches get it: acquire fills *d and returns a token for release. */
struct search_source {
	void	*(*acquire)(struct search_data *d);
	void	 (*release)(void *token);
};
void	 search_source(const struct search_source *src);
/* Fills *d; the token returned goes to search_data_release(). */
void	*search_data_acquire(struct search_data *d);
void	 search_data_release(void *token);
void	 search_tune(const struct rank_weights *w);
/* The best articles for q; the caller frees the result's query. */
struct rank_query *search_best(struct reader *r, const struct search_data *sd,
	    const struct query *q, int flags, int k, struct ranked *best,
	    int *n, int64_t *total, int *all);
#define SEARCH_ANY	0x01	/* rank rows with some words, not all */
#define SEARCH_NO_SNIPPET 0x02	/* titles only (related articles) */
#define SEARCH_TITLES	0x04	/* match in titles and tags only */
#define SEARCH_STRICT	0x08	/* every word, no fewer */
#define SEARCH_SUGGEST	0x10	/* no feedback; titles marked, no snippet */
int	 search_run(struct reader *r, struct query *q, int limit, int offset,
	    int flags, struct search_result *res);
int	 search_suggest(struct reader *r, const char *text, int limit,
	    struct search_result *res);
void	 search_result_free(struct search_result *res);

/* search_log.c */
void	 search_log_setup(unsigned int days, unsigned int queries);
void	 search_log_add(const unsigned char *client, size_t n,
	    const char *query, int64_t results);
#define CLICK_READERS	3	/* readers a query needs to lift an article */
#define CLICK_DAYS	90	/* ... within so many days */
void	 search_log_click(const char *text, int reader, int64_t article,
	    const char *slug, const struct visitor *who);
int	 search_log_flush(sqlite3 *db);

/*
 * SERVICE: the writer thread, the published snapshot, the folder watch.
 */

/* snapshot.c */
/*
 * The immutable view of hot data that readers share; see snapshot.c.
 * Built by the writer after an import or a hits flush and swapped in
 * whole.
 */
struct catalog;
struct snapshot {
	int			 refs;		/* guarded by the swap lock */
	uint64_t		 generation;	/* grows with every rebuild */
	uint64_t		 import_generation; /* ... with every import */
	struct catalog		*catalog;	/* changes with the articles */
	size_t			 nids;		/* largest article id + 1 */
	int64_t			*hits;		/* stored hits, by id */
	uint8_t			*popularity;	/* by id, 0..255 */
	size_t			 ntop;
	struct top_entry	*top;		/* by hits, then title */
	struct search_index	*learned;	/* "searched as": see
						   snapshot_learned() */
	int64_t			 learned_day;	/* ... as of this day */
};

/* The current snapshot, held until snapshot_release(); or NULL. */
struct snapshot *snapshot_acquire(void);
void	 snapshot_release(struct snapshot *s);
int	 snapshot_import(sqlite3 *db, const char *articles);
int	 snapshot_patch(sqlite3 *db, const struct import_changes *ch);
int	 snapshot_hits(sqlite3 *db, const struct hit_delta *d, size_t n);
int	 snapshot_hits_reload(sqlite3 *db);
void	 snapshot_shutdown(void);
uint64_t snapshot_generation(int imports);
size_t	 snapshot_articles(const struct snapshot *s);
int64_t	 snapshot_find(const struct snapshot *s, const char *slug);
uint64_t snapshot_article_stamp(const struct snapshot *s, int64_t id);
uint64_t snapshot_article_version(const struct snapshot *s, int64_t id);
struct categories;
const struct categories *snapshot_categories(const struct snapshot *s);
int64_t	 snapshot_article_hits(const struct snapshot *s, int64_t id);
int	 snapshot_learned(sqlite3 *db);
int	 snapshot_learned_stale(void);

/* category.c */
/* An article of a category. */
struct category_entry {
	int64_t		 id;
	char		*slug;
	char		*title;
};
/* A category: its name, its slug (/k/<slug>), its articles by title. */
struct category {
	char			*name;
	char			*slug;
	size_t			 n;
	struct category_entry	*e;
};
struct categories {
	size_t		 n;
	struct category	*c;		/* by slug */
};
void	 category_slug(struct buf *b, const char *name);
/* The categories; category_free() frees them. */
struct categories *category_load(sqlite3 *db);
void	 category_free(struct categories *set);
const struct category *category_find(const struct categories *set,
	    const char *slug);

/* top.c */
/* One row of the top list. */
struct top_entry {
	int64_t		 id;
	char		*slug;
	char		*title;
	char		*category;
	int64_t		 hits;
};

int	 top_period(const char *s, int *days);
uint64_t top_stamp(int days);
/* Fills *out (freed with top_free) and *n; see top.c. */
int	 top_get(int days, size_t limit, struct top_entry **out, size_t *n);
void	 top_free(struct top_entry *t, size_t n);

/* writer.c */
typedef int (*writer_fn)(sqlite3 *, void *);
int	 writer_start(const char *dbpath, const char *dir,
	    void (*every_second)(void));
void	 writer_sync(void);
void	 writer_sync_file(const char *name);
void	 writer_stop(void);
int	 writer_ready(void);
int	 writer_call(writer_fn fn, void *arg);
int	 writer_import(void);
int	 writer_import_file(const char *slug);
const char *writer_folder(void);
void	 writer_folder_lock(void);
void	 writer_folder_unlock(void);

/* watch.c */
int	 watch_start(const char *dir);
void	 watch_stop(void);

/*
 * WEB: HTTP: transport, router, answers, pages and JSON.
 */

/* http.c */
struct request;
struct reply;

struct reply {
	unsigned int	 status;
	const char	*type;		/* Content-Type */
	char		*body;		/* freed unless body_static */
	size_t		 len;
	int		 body_static;
	const char	*cache;		/* Cache-Control, or NULL */
	char		 allow[128];	/* Allow, for 405, or "" */
	const char	*etag;		/* ETag, or NULL */
	const char	*modified;	/* Last-Modified, or NULL */
	const char	*cors;		/* Access-Control-Allow-Origin */
	int		 cors_vary;	/* the answer depends on Origin */
	int		 preflight;	/* a CORS preflight's 204 */
	int		 framable;	/* other sites may frame this page */
	char		 logq[KBD_LOG_QUERY + 1];	/* a search to log */
	int64_t		 total;		/* ... and its number of results */
	int		 queued;	/* answered already (from a cache) */
	int		 close;		/* close the connection after it */
	int		 result;	/* MHD's answer when queued */
	char		 location[512];	/* Location, for redirects, or "" */
	char		 cookie[256];	/* Set-Cookie, or "" */
	unsigned int	 retry_after;	/* Retry-After seconds, or 0 */
};

/* An answer made once and sent many times; see http_prebuild(). */
struct prebuilt;

/* A logged-in staff member, as a request found them. */
struct staff {
	int64_t		 id;		/* 0: nobody */
	char		 name[KBD_MAX_USER + 1];
	int		 admin;		/* role admin, not editor */
	int		 via_token;	/* API token, not a session */
	char		 csrf[2 * KBD_TOKEN_BYTES + 1];
};

struct request {
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*version;	/* "HTTP/1.1" */
	const char		*path;		/* decoded, without query */
	const char		*tail;		/* path after the route's prefix */
	char			 param[2][KBD_MAX_SLUG + 1]; /* its "*" parts */
	int			 head;		/* HEAD: no body, no hit */
	int			 api;		/* answer errors in JSON */
	int			 route;		/* index + 1, for metrics */
	struct view		 view;		/* of an article, or none */
	int64_t			 start;		/* clock_us() at arrival */
	int			 refused;	/* answered before the body */
	unsigned int		 status;	/* for the access log */
	size_t			 bytes;
	struct buf		 body;		/* the request's body */
	size_t			 body_max;	/* ... the most admitted */
	size_t			 body_reserved;	/* ... of KBD_BODY_BUDGET */
	int			 too_large;	/* ... grew past body_max */
	int			 headers_only;	/* a gate sees no body yet */
	struct staff		 staff;		/* see staff_auth_who() */
	int			 staff_checked;
	int			 staff_away;	/* see staff_auth_away() */
	void			(*later_start)(void *); /* see http_defer() */
	void			*later_arg;
	struct reply		*later;		/* the deferred answer */
};

/* What the transport calls; see http_start(). */
struct http_hooks {
	/*
	 * A request announces a body, and only its headers are read: sets
	 * req->body_max and returns 0 to read it, or fills rep and returns
	 * -1 to answer at once without reading it.
	 */
	int	(*admit)(struct request *req, struct reply *rep);
	/* Answers a request whose headers (and body) are read. */
	void	(*dispatch)(struct request *req, struct reply *rep);
	/* The request is over; whole: its answer went out whole. */
	void	(*completed)(struct request *req, int whole);
	/* Makes the answer to a request refused before dispatch. */
	void	(*error)(struct request *req, struct reply *rep,
		    unsigned int status);
};

int	 http_listen(const struct config *cfg, unsigned short *port,
	    const char **errstr);
int	 http_start(const struct config *cfg, const struct http_hooks *h,
	    const char **errstr);
void	 http_stop(void);
/* A ready answer (takes rep's body), or NULL; http_prebuilt_free(). */
struct prebuilt *http_prebuild(struct reply *rep, int zip_later);
void	 http_prebuilt_free(struct prebuilt *pb);
size_t	 http_prebuilt_size(const struct prebuilt *pb);
const char *http_prebuilt_etag(const struct prebuilt *pb);
size_t	 http_queue_prebuilt(struct request *req, struct prebuilt *pb,
	    struct reply *rep, int may_zip);
const char *http_arg(struct request *req, const char *name);
const char *http_header(struct request *req, const char *name);
const char *http_cookie(struct request *req, const char *name);
int	 http_tls(void);
int	 http_https(struct request *req);
int	 http_loopback(struct request *req);
void	 http_client(struct request *req, char *out, size_t size);
size_t	 http_client_address(struct request *req, unsigned char out[16]);
void	 http_client_text(struct request *req, char *out, size_t size);
void	 http_defer(struct request *req, void (*start)(void *arg), void *arg);
void	 http_resume(struct request *req, struct reply *rep);
int	 http_arg_number(struct request *req, const char *name, int def,
	    int min, int max, int *out);

/* site.c */
void	 site_init(const struct config *cfg, unsigned short port);
const char *site_base(void);
const char *site_cors(const char *origin);
int	 site_cors_varies(void);
const char *site_cors_origin(size_t i, int *any);
const char *site_frame_ancestors(void);
const char *site_contact_url(void);
const char *site_contact_text(void);

/* reply.c */
void	 reply_text(struct reply *rep, unsigned int status, const char *type,
	    char *body, size_t len);
void	 reply_static(struct reply *rep, unsigned int status,
	    const char *type, const char *body, size_t len);
struct json_t;
void	 reply_json(struct reply *rep, unsigned int status,
	    struct json_t *obj);
void	 reply_page(struct reply *rep, unsigned int status, struct buf *b);
/* New JSON values (references the caller owns). */
struct json_t *reply_jstr(const char *s);
struct json_t *reply_tags(const char *tags);
void	 reply_logged_search(struct request *req, struct reply *rep,
	    const char *query, int64_t results);

/* error.c */
unsigned int error_status(int err);
void	 error_reply(struct request *req, struct reply *rep,
	    unsigned int status, const char *why);

/* frame.c */
void	 frame_head_open(struct buf *b, const char *title);
void	 frame_head_close(struct buf *b, const char *q, int home);
void	 frame_begin(struct buf *b, const char *title, const char *q,
	    int home);
void	 frame_end(struct buf *b);
void	 frame_search_form(struct buf *b, const char *q, const char *cls);
void	 frame_contact(struct buf *b);

/* cache.c */
#define KBD_CACHE_KEY	512
/* The name of a cacheable answer: length-prefixed parts (see cache.c). */
struct cache_key {
	char		 key[KBD_CACHE_KEY];
	size_t		 len;
	int		 overflow;	/* a part did not fit: no key */
	uint64_t	 stamp;		/* what the answer depends on */
};
void	 cache_key_init(struct cache_key *k, uint64_t stamp,
	    const char *name);
void	 cache_key_add(struct cache_key *k, const char *part);
void	 cache_key_add_int(struct cache_key *k, long long v);
int	 cache_key_done(const struct cache_key *k);
int	 cache_serve(struct request *req, const struct cache_key *k,
	    struct reply *rep);
int	 cache_put(struct request *req, const struct cache_key *k,
	    struct reply *rep);
void	 cache_shutdown(void);

/* view.c */
void	 view_note(struct request *req);
int	 view_done(struct request *req, int whole);
/* The search of the results page an article came from, or NULL; freed
 * by the caller. */
char	*view_search_from(struct request *req);
int	 view_article(struct request *req, struct reply *rep,
	    const char *prefix, struct store_article *a);
int64_t	 view_hits(struct request *req, const struct store_article *a);
int	 view_key(struct request *req, struct cache_key *k,
	    const char *prefix);

/* static.c */
/* A file of static/ compiled into kbd (kbd/static_embed.sh). */
struct static_builtin {
	const char		*path;	/* below static/; NULL ends the table */
	const unsigned char	*data;
	size_t			 len;
};
extern const struct static_builtin static_builtin[];	/* sorted by path */

int	 static_load(const char *dir, const char **errstr);
const char *static_version(const char *path);
const char *static_integrity(const char *path);
void	 static_unload(void);
/* The file's ready answer, or NULL; static.c keeps it. */
struct prebuilt *static_answer(const char *path, const char *version);

/* static_http.c */
void	 static_serve(struct request *req, struct reply *rep);
void	 static_favicon(struct request *req, struct reply *rep);

/* media_http.c */
void	 media_serve(struct request *req, struct reply *rep);

/* metrics.c */
/* Writes the name of route n (1-based; 0: none) into out. */
typedef void (*metrics_label_fn)(int n, char *out, size_t size);
void	 metrics_init(size_t n, metrics_label_fn label);
void	 metrics_request(int route, unsigned int status, int64_t us);
void	 metrics_serve(struct request *req, struct reply *rep);

/* accesslog.c */
int	 accesslog_open(const char *p);
void	 accesslog_request(struct request *req);
void	 accesslog_flush(void);
void	 accesslog_reopen(void);
void	 accesslog_close(void);

/* page.c */
void	 page_home(struct request *req, struct reply *rep);
void	 page_search(struct request *req, struct reply *rep);
void	 page_article(struct request *req, struct reply *rep);
int	 page_home_key(struct request *req, struct cache_key *k);
int	 page_search_key(struct request *req, struct cache_key *k);
int	 page_article_key(struct request *req, struct cache_key *k);
int	 view_key(struct request *req, struct cache_key *k, const char *prefix);

/* feedback.c */
size_t	 feedback_key_size(void);
void	 feedback_init(const unsigned char *k, size_t n);
void	 feedback_by_slug(void);
void	 feedback_form(struct buf *b, struct request *req, const char *slug,
	    int64_t id);
void	 feedback_post(struct request *req, struct reply *rep);

/* page_category.c */
void	 page_category_link(struct buf *b, const char *name);
void	 page_category_breadcrumbs(struct buf *b, const char *name,
	    const char *title, const char *url);
void	 page_category_tiles(struct buf *b);
int	 page_category_key(struct request *req, struct cache_key *k);
void	 page_category(struct request *req, struct reply *rep);
int	 page_category_api_key(struct request *req, struct cache_key *k);
void	 page_category_api(struct request *req, struct reply *rep);
void	 page_category_each(void (*fn)(void *arg, const char *path),
	    void *arg);

/* api.c */
void	 api_healthz(struct request *req, struct reply *rep);
void	 api_search(struct request *req, struct reply *rep);
void	 api_top(struct request *req, struct reply *rep);
void	 api_article(struct request *req, struct reply *rep);
void	 api_suggest(struct request *req, struct reply *rep);
int	 api_search_key(struct request *req, struct cache_key *k);
int	 api_suggest_key(struct request *req, struct cache_key *k);
int	 api_top_key(struct request *req, struct cache_key *k);
int	 api_article_key(struct request *req, struct cache_key *k);

/* seo.c */
int	 seo_is_markdown(const char *tail);
int	 seo_key(struct request *req, struct cache_key *k);
int	 seo_markdown_key(struct request *req, struct cache_key *k);
void	 seo_markdown(struct request *req, struct reply *rep);
void	 seo_robots(struct request *req, struct reply *rep);
void	 seo_opensearch(struct request *req, struct reply *rep);
void	 seo_sitemap(struct request *req, struct reply *rep);
void	 seo_feed(struct request *req, struct reply *rep);
void	 seo_llms(struct request *req, struct reply *rep);

/* embed.c */
int	 embed_top_key(struct request *req, struct cache_key *k);
int	 embed_page_key(struct request *req, struct cache_key *k);
void	 embed_top(struct request *req, struct reply *rep);
void	 embed_fragment(struct request *req, struct reply *rep);
void	 embed_page(struct request *req, struct reply *rep);

/* route.c */
typedef void (*handler_fn)(struct request *, struct reply *);
/* Names a cacheable answer in *k: 0, or -1 when it is not cacheable. */
typedef int (*keyer_fn)(struct request *, struct cache_key *);
/* Lets a request through (0), or answers it (-1): login, CSRF. */
typedef int (*gate_fn)(struct request *, struct reply *);

#define ROUTE_CORS	0x01	/* other sites' pages may read it */
#define ROUTE_FALLBACK	0x02	/* only when no other route has the path */
#define ROUTE_BODY	0x04	/* takes a body once the gate has seen the
				   headers (req->headers_only): staff's */
#define ROUTE_LOGIN	0x08	/* takes a login's body (KBD_MAX_LOGIN_BODY)
				   once the gate has seen the headers */
#define ROUTE_FORM	0x10	/* takes a small public form's body (as
				   large as a login's): a vote */

/*
 * A route: method and path pattern, and what answers.  In path, a "*"
 * segment matches one segment (a slug, at most KBD_MAX_SLUG bytes; it
 * goes into req->param), a last "**" the rest; req->tail is the path
 * after the pattern's fixed beginning.
 */
struct route {
	const char	*method;	/* "GET" (takes HEAD too), "POST", "*" */
	const char	*path;
	handler_fn	 handler;
	keyer_fn	 keyer;		/* a cacheable answer's name, or NULL */
	gate_fn		 gate;		/* passed before the handler, or NULL */
	int		 flags;		/* ROUTE_* */
};
void	 route_add(const struct route *table, size_t n);
void	 route_staff_check(int (*check)(struct request *req));
extern const struct route staff_page_routes[];	/* staff_page.c */
extern const size_t staff_page_nroutes;
extern const struct route staff_api_routes[];	/* staff_api.c */
extern const size_t staff_api_nroutes;
int	 route_admit(struct request *req, struct reply *rep);
void	 route_dispatch(struct request *req, struct reply *rep);
void	 route_completed(struct request *req, int whole);
void	 route_error(struct request *req, struct reply *rep,
	    unsigned int status);
void	 route_label(int n, char *out, size_t size);

size_t	 route_count(void);

/*
 * STAFF: logins, accounts, editing, the staff pages and API.
 */

/* staff_auth.c */
/* How a login ended, for the page that answers it; see staff_auth.c. */
struct login_result {
	int		 err;		/* 0: logged in; else errno's kind */
	int64_t		 wait;		/* EAGAIN: seconds to wait */
	const char	*name;		/* as given */
};
/* Fills rep, the answer to req's login; see staff_auth_login(). */
typedef void (*login_answer_fn)(struct request *req, struct reply *rep,
    const struct login_result *res);
int	 staff_auth_init(const struct config *cfg);
void	 staff_auth_stop(void);
int	 staff_auth_hash_password(const char *pw, char *out);
void	 staff_auth_new_token(char *token, char *hash);
const struct staff *staff_auth_who(struct request *req);
int	 staff_auth_is_staff(struct request *req);
int	 staff_auth_transport_ok(struct request *req);
int	 staff_auth_same_origin(struct request *req, int null_ok);
int	 staff_auth_csrf_ok(struct request *req, const char *given);
void	 staff_auth_login(struct request *req, struct reply *rep,
	    const char *name, const char *pw, login_answer_fn answer);
int	 staff_auth_logout(struct request *req, struct reply *rep);
int	 staff_auth_away(struct request *req);
int	 staff_user_name_valid(const char *name);
const char *staff_user_password_weak(const char *pw);
int	 staff_user_add(sqlite3 *db, const char *name, const char *role,
	    const char *pw, const char **errstr);
int	 staff_user_password(sqlite3 *db, const char *name, const char *pw,
	    const char **errstr);
int	 staff_user_token(sqlite3 *db, const char *name, char *token,
	    const char **errstr);
struct staff_user_change {
	const char	*name;
	const char	*role;		/* add: editor or admin */
	const char	*password;	/* add */
	int		 del;		/* delete instead of add */
	const char	*why;		/* out: the reason of a failure */
};
int	 staff_user_change(struct staff_user_change *c);

/* staff_edit.c */
struct edit {
	const char	*slug;		/* the article */
	const char	*author;	/* a user's name */
	const char	*title;		/* save: the fields */
	const char	*category;
	const char	*tags;		/* joined by '\n' */
	const char	*body;		/* Markdown */
	int		 draft;		/* save, publish: not public */
	int64_t		 base_rev;	/* save: revision edited; 0 new */
	int64_t		 restore_rev;	/* restore: which; 0 the last */
	const char	*new_slug;	/* rename */
	const char	*alias;		/* alias: a phrasing to add */
	int		 err;		/* out: errno of a failure, or 0 */
	int		 created;	/* out: the save made a new article */
	char		 why[512];	/* out: reason of a failure */
	int64_t		 rev;		/* out: the article's revision */
	char		*current;	/* out, 409: the file now; caller frees */
};
void	 staff_edit_cluster(const char *url);
void	 staff_edit_close(void);
int	 staff_edit_save(struct edit *e, const char **errstr);
int	 staff_edit_publish(struct edit *e, const char **errstr);
int	 staff_edit_delete(struct edit *e, const char **errstr);
int	 staff_edit_restore(struct edit *e, const char **errstr);
int	 staff_edit_rename(struct edit *e, const char **errstr);
int	 staff_edit_alias(struct edit *e, const char **errstr);

/* staff_media.c */
void	 staff_media_refuse(const char *why);
void	 staff_media_form(struct buf *b, const struct staff *who,
	    const char *slug);
extern const struct route staff_media_routes[];
extern const size_t staff_media_nroutes;

/* staff_votes.c */
void	 staff_votes_section(struct buf *b, struct reader *r, int days);

/* staff_page.c */
char	*staff_page_tags(const char *s);
char	*staff_page_preview(const char *md);

/*
 * CMD: the commands.
 */

/* cmd_check.c */
int	 cmd_check(const char *dir);

/* cmd_serve.c, cmd_backup.c, cmd_user.c */
struct http_hooks;
int	 cmd_serve(const struct config *cfg);
void	 cmd_serve_web(struct http_hooks *hooks);
int	 cmd_backup(const struct config *cfg);
int	 cmd_user(const struct config *cfg);

/* cmd_cluster.c */
/* What cmd_cluster_import() did, or why it did not. */
struct cluster_import {
	struct import_stats	 stats;
	unsigned int		 revisions;	/* added */
	size_t			 live;		/* articles PostgreSQL had */
	int			 empty;		/* refused: no *.md */
	int			 dir_errno;	/* the folder unreadable */
};
int	 cmd_cluster_import(struct store_pg *pg, const char *dir,
	    const struct slug_hashes *base, struct cluster_import *out);
int	 cmd_import(const struct config *cfg);
int	 cmd_export(const struct config *cfg);

/* cmd_folder.c */
int	 cmd_folder_start(const struct config *cfg);
void	 cmd_folder_poke(void);
void	 cmd_folder_stop(void);

/* cmd_node.c */
int	 cmd_node_start(const struct config *cfg, const char *dir);
void	 cmd_node_run(void);
void	 cmd_node_stop(void);

#endif /* KBD_H */
