/*
 * store_pg.c (store): PostgreSQL, the shared store of cluster mode
 * (--cluster).  It connects with libpq, creates and checks the schema
 * (its own PostgreSQL schema "kbd", versioned in kbd.schema_version; a
 * database made by a newer kbd is refused, never changed), and holds the
 * articles as the SQLite store does: the current text and metadata
 * (slug, title, category, tags, aliases, draft, deleted), every version
 * of every file (revision) and the old names of renamed articles
 * (redirect).  What a node derives from an article (HTML, plain text,
 * term vectors, the search index) is not kept here: each node's binary
 * makes it from the Markdown, so that nodes of two versions can share
 * one database during a rolling upgrade.  A node (cmd_node.c) keeps its
 * own copy current: every article transaction announces itself on the
 * channel kbd_articles (NOTIFY, delivered on commit), which a node
 * LISTENs on, and a node also compares slugs and hashes now and then, so
 * that a lost notification delays a change, never loses it.  It also
 * keeps the staff's accounts, sessions, API tokens and failed logins,
 * so that a login is the same on every node: passwords only as their
 * Argon2id hash, cookies and tokens only as their BLAKE2b hash, as in
 * SQLite.  A server reaches them through one connection of its own,
 * behind a mutex (store_pg_shared_*, at the end), which store_user.c
 * calls in cluster mode.  Articles are written by "kbd import"
 * (cmd_cluster.c), by the node that keeps a folder (cmd_folder.c) and by
 * staff changes on a node (staff_edit.c), each one transaction under
 * the articles' advisory lock; a change first reads the article as it
 * is (store_pg_article_state) to refuse a conflict.
 *
 * The hits of every node are counted here (hits_cluster.c): each node
 * sends what it counted once a second as one transaction, under an
 * advisory lock, so that batches commit one after the other; a view is
 * kept for its day as a keyed hash (kbd.hit_view, with the day's key in
 * kbd.hit_key), so that a reader whose requests reach several nodes
 * counts once.  The totals and day counts (kbd.hit, kbd.hit_day, by
 * PostgreSQL's article, so that a rename keeps them) carry a stamp from
 * one sequence; a batch announces itself on kbd_counts, and a node reads
 * what changed since the last stamp it read.  Votes go the same way
 * (kbd.vote_day, with their keys in kbd.hit_view too), and comments
 * (kbd.vote_comment) are read by their ids, which batches take in
 * order.  The search log (kbd.search_log, per day and normalised query,
 * with the day's limit of distinct queries applied here, over all
 * nodes) and the readers' clicks for the ranking (kbd.search_click, by
 * an 8-bit tag of the reader made with the cluster's click_key in
 * kbd.secret) go in the same batches and come back by the same stamps.
 *
 * Every statement with values is prepared once at open and run with its
 * parameters (PQexecPrepared); no SQL is ever made from a value.  Errors
 * follow the store's contract: 0 or -1, the reason in store_pg_error(),
 * on one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "kbd.h"

/*
 * The schema's version, and the oldest kbd's version that can still use
 * it.  A step only adds (tables, columns with defaults), so that an
 * older node keeps working beside a newer one during a rolling upgrade;
 * a step that changes or drops what an older kbd reads raises
 * PG_SCHEMA_OLDEST to its own version, and older nodes then refuse it.
 */
#define PG_SCHEMA_VERSION	2
#define PG_SCHEMA_OLDEST	1
#define PG_CHANNEL		"kbd_articles"	/* LISTEN/NOTIFY */

/*
 * Keys of advisory locks: 0x6b6264 ("kbd"), and on.  (A strike's row is
 * locked by two keys, 7037542 and hashtext(key): another key space.)
 */
#define PG_LOCK_SCHEMA		"7037540"	/* creating the schema */
#define PG_LOCK_ARTICLES	"7037541"	/* an import */
#define PG_LOCK_COUNTS		"7037542"	/* a batch of counts */
#define PG_LOCK_FOLDER		"7037543"	/* the node keeping the folder */
#define PG_COUNTS		"kbd_counts"	/* LISTEN/NOTIFY: counted */

/*
 * The counters' tables: hits in total and per UTC day, votes per day and
 * the comments that came with them, the key that signs the vote forms, keyed by
 * PostgreSQL's article (renames keep them), each row stamped from one
 * sequence when it changes, so that a node reads only what changed since
 * its last read; the day's views (a keyed hash of reader and article, so
 * that a reader whose requests reach two nodes counts once) and the key
 * of each day, which is made by the first node that needs it and
 * deleted with its views after a day; the search log per day and
 * normalised query and the readers' clicks from a query to an article
 * (an 8-bit tag of the reader, as in SQLite), stamped the same way.
 */
#define PG_SCHEMA_V2_COUNTS						\
	"CREATE SEQUENCE kbd.hit_seq;"					\
	"CREATE TABLE kbd.hit ("					\
	" article_id bigint PRIMARY KEY REFERENCES kbd.article(id),"	\
	" count      bigint NOT NULL DEFAULT 0,"			\
	" seq        bigint NOT NULL);"	/* kbd.hit_seq at the change */	\
	"CREATE INDEX hit_seq_idx ON kbd.hit(seq);"			\
	"CREATE TABLE kbd.hit_day ("					\
	" article_id bigint NOT NULL REFERENCES kbd.article(id),"	\
	" day        integer NOT NULL,"	/* days since 1970, UTC */	\
	" count      bigint NOT NULL DEFAULT 0,"			\
	" seq        bigint NOT NULL,"					\
	" PRIMARY KEY (article_id, day));"				\
	"CREATE INDEX hit_day_seq_idx ON kbd.hit_day(seq);"		\
	"CREATE TABLE kbd.hit_key ("					\
	" day integer PRIMARY KEY,"					\
	" key text NOT NULL);"		/* hex, of the day's views */	\
	"CREATE TABLE kbd.hit_view ("					\
	" day  integer NOT NULL,"					\
	" view text NOT NULL,"		/* hex: reader, article, key */	\
	" PRIMARY KEY (day, view));"					\
	"CREATE TABLE kbd.vote_day ("					\
	" article_id bigint NOT NULL REFERENCES kbd.article(id),"	\
	" day        integer NOT NULL,"					\
	" yes        bigint NOT NULL DEFAULT 0,"			\
	" no         bigint NOT NULL DEFAULT 0,"			\
	" seq        bigint NOT NULL,"	/* kbd.hit_seq at the change */	\
	" PRIMARY KEY (article_id, day));"				\
	"CREATE INDEX vote_day_seq_idx ON kbd.vote_day(seq);"		\
	"CREATE TABLE kbd.vote_comment ("				\
	" id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"	\
	" article_id bigint NOT NULL REFERENCES kbd.article(id),"	\
	" day        integer NOT NULL,"					\
	" created    bigint NOT NULL,"	/* seconds since 1970 */	\
	" helpful    boolean NOT NULL,"	/* the vote it came with */	\
	" text       text NOT NULL);"					\
	"CREATE TABLE kbd.secret ("					\
	" name  text PRIMARY KEY,"	/* vote_key, click_key */	\
	" value text NOT NULL);"	/* hex */				\
	"CREATE TABLE kbd.search_log ("					\
	" day     integer NOT NULL,"	/* days since 1970, UTC */	\
	" query   text NOT NULL,"	/* normalised; '': "other" */	\
	" results bigint NOT NULL,"	/* of the last such search */	\
	" count   bigint NOT NULL DEFAULT 0,"				\
	" clicks  bigint NOT NULL DEFAULT 0,"				\
	" seq     bigint NOT NULL,"	/* kbd.hit_seq at the change */	\
	" PRIMARY KEY (day, query));"					\
	"CREATE INDEX search_log_seq_idx ON kbd.search_log(seq);"	\
	"CREATE INDEX search_log_query_idx ON kbd.search_log(query, day);"\
	"CREATE TABLE kbd.search_click ("				\
	" query      text NOT NULL,"	/* as in kbd.search_log */	\
	" article_id bigint NOT NULL REFERENCES kbd.article(id),"	\
	" tag        integer NOT NULL,"	/* of the reader, 0..255 */	\
	" day        integer NOT NULL,"	/* the last click */		\
	" seq        bigint NOT NULL,"					\
	" PRIMARY KEY (query, article_id, tag));"			\
	"CREATE INDEX search_click_seq_idx ON kbd.search_click(seq);"
/*
 * The staff's tables: accounts (an Argon2id hash of the password, a
 * BLAKE2b hash of the API token), sessions (a BLAKE2b hash of the
 * cookie) and strikes (failed logins per address and per account, under
 * a BLAKE2b hash of either, in microseconds of PostgreSQL's clock, so
 * that every node counts on one clock).
 */
#define PG_SCHEMA_V2_STAFF \
	"CREATE TABLE kbd.account (" \
	" id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY," \
	" name       text NOT NULL UNIQUE," \
	" role       text NOT NULL CHECK (role IN ('editor', 'admin'))," \
	" pwhash     text NOT NULL," \
	" token_hash text UNIQUE," \
	" created    bigint NOT NULL);" \
	"CREATE TABLE kbd.session (" \
	" token_hash text PRIMARY KEY," \
	" account_id bigint NOT NULL" \
	"  REFERENCES kbd.account(id) ON DELETE CASCADE," \
	" csrf       text NOT NULL," \
	" created    bigint NOT NULL," \
	" expires    bigint NOT NULL);" \
	"CREATE INDEX session_expires ON kbd.session(expires);" \
	"CREATE TABLE kbd.strike (" \
	" key   text PRIMARY KEY," \
	" count integer NOT NULL," \
	" last  bigint NOT NULL," \
	" until bigint NOT NULL);"

/* Version 1: the articles, their revisions and their old names. */
static const char pg_schema_v1[] =
	"CREATE SCHEMA IF NOT EXISTS kbd;"
	"CREATE TABLE kbd.schema_version ("
	" one     boolean PRIMARY KEY DEFAULT true CHECK (one),"
	" version integer NOT NULL);"	/* PG_SCHEMA_VERSION of its maker */
	"CREATE TABLE kbd.article ("
	" id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" slug     text NOT NULL UNIQUE,"
	" title    text NOT NULL,"
	" category text NOT NULL DEFAULT '',"
	" tags     text NOT NULL DEFAULT '',"	/* joined by newlines */
	" aliases  text NOT NULL DEFAULT '',"	/* the same */
	" markdown text NOT NULL DEFAULT '',"	/* the body */
	" hash     text NOT NULL DEFAULT '',"	/* of the whole file */
	" state    text NOT NULL DEFAULT 'published'"
	"  CHECK (state IN ('published', 'draft', 'deleted')),"
	" draft    boolean NOT NULL DEFAULT false,"
	" created  bigint NOT NULL,"		/* seconds since 1970 */
	" updated  bigint NOT NULL,"
	" hits     bigint NOT NULL DEFAULT 0);"	/* the front matter's seed */
	"CREATE TABLE kbd.revision ("
	" article_id bigint NOT NULL REFERENCES kbd.article(id),"
	" rev        integer NOT NULL,"		/* 1, 2, ... per article */
	" author     text NOT NULL,"		/* a user, or 'file' */
	" created    bigint NOT NULL,"
	" hash       text NOT NULL,"		/* of text */
	" text       text NOT NULL,"		/* the whole file */
	" PRIMARY KEY (article_id, rev));"
	"CREATE TABLE kbd.redirect ("
	" slug       text PRIMARY KEY,"		/* an old name */
	" article_id bigint NOT NULL REFERENCES kbd.article(id));";

/*
 * Version 2: the oldest kbd that may use the schema (see above); a
 * number every article transaction raises, which nodes poll instead of
 * comparing every article's hash; the counters (hits, visitors, votes,
 * searches) and the staff's accounts.
 */
static const char pg_schema_v2[] =
	"ALTER TABLE kbd.schema_version"
	" ADD COLUMN oldest integer NOT NULL DEFAULT 1;"
	"CREATE TABLE kbd.articles_version ("	/* + 1 by every article */
	" one boolean PRIMARY KEY DEFAULT true CHECK (one),"	/* commit */
	" n   bigint NOT NULL);"
	"INSERT INTO kbd.articles_version(n) VALUES (0);"
	PG_SCHEMA_V2_COUNTS
	PG_SCHEMA_V2_STAFF;

/* Step i makes version i from version i - 1 (step 1: from nothing). */
static const char *const pg_schema[] = {
	NULL, pg_schema_v1, pg_schema_v2
};

enum pg_stmt {
	PS_ARTICLES,		/* every article, for an import */
	PS_UNREDIRECT,		/* a name taken back from a renamed one */
	PS_PUT,			/* insert or update by slug */
	PS_DELETE,		/* mark deleted */
	PS_MOVE,		/* a new name */
	PS_REDIRECT,		/* ... and the old one redirects */
	PS_LAST_REV,		/* an article's last revision */
	PS_ADD_REV,
	PS_EXPORT,		/* every current file */
	PS_LOCK,		/* an advisory lock until the commit */
	PS_TRY_LOCK,		/* ... until the connection ends, if free */
	PS_CURRENT,		/* slug and hash of every current file */
	PS_TEXT,		/* the current file of a slug */
	PS_REDIRECTS,		/* old name -> name, of current articles */
	/* Staff accounts, sessions, strikes (the shared connection). */
	PS_ACCOUNT_LOGIN,	/* id and password hash of a name */
	PS_ACCOUNT_SESSION,	/* the account of a live session */
	PS_ACCOUNT_TOKEN,	/* the account of an API token */
	PS_ACCOUNT_ADD,
	PS_ACCOUNT_PASSWORD,	/* ... and the API token revoked */
	PS_ACCOUNT_END,		/* every session of a name */
	PS_ACCOUNT_DEL,		/* ... its sessions go with it */
	PS_ACCOUNT_SET_TOKEN,
	PS_ACCOUNT_LIST,
	PS_SESSION_ADD,
	PS_SESSION_EXPIRE,	/* sessions past their time, faded strikes */
	PS_SESSION_DEL,
	PS_STRIKE_LOCK,		/* a strike's row, until the commit */
	PS_STRIKE_GET,		/* ... its values (or 0) and the time */
	PS_STRIKE_PUT,
	PS_STRIKE_CLEAR,
	/* staff saves on a node (staff_edit.c) */
	PS_STATE,		/* an article as a save finds it */
	/* The counters (hits_cluster.c). */
	PS_HIT_KEY_PUT,		/* a day's key, unless there is one */
	PS_HIT_KEY,		/* ... and the one there is */
	PS_HITS_ADD,		/* a batch of views */
	PS_HITS_PRUNE,		/* views and keys of past days */
	PS_HITS_PRUNE_KEYS,
	PS_HITS_CHANGED,	/* totals and days changed since a stamp */
	PS_VOTES_ADD,		/* a batch of votes */
	PS_COMMENT_ADD,		/* a comment */
	PS_VOTES_CHANGED,	/* days' votes changed since a stamp */
	PS_COMMENTS_NEW,	/* comments after an id */
	PS_SECRET_PUT,		/* a key of the cluster, unless there is one */
	PS_SECRET,		/* ... and the one there is */
	/* The search log and its clicks (hits_cluster.c). */
	PS_SEARCHES_ADD,	/* a batch of searches */
	PS_SEARCH_CLICKS_ADD,	/* ... of clicks from their results */
	PS_LEARNED_ADD,		/* ... of readers' clicks, for the ranking */
	PS_SEARCHES_PRUNE,	/* days past the log's */
	PS_LEARNED_PRUNE,	/* clicks past CLICK_DAYS */
	PS_SEARCHES_CHANGED,	/* rows and clicks changed since a stamp */
	PS__COUNT
};

static const char *pg_sql[PS__COUNT] = {
	[PS_ARTICLES] =
	    "SELECT id, slug, hash, state FROM kbd.article",
	[PS_UNREDIRECT] =
	    "DELETE FROM kbd.redirect WHERE slug = $1",
	[PS_PUT] =
	    "INSERT INTO kbd.article AS a (slug, title, category, tags,"
	    " aliases, markdown, hash, state, draft, created, updated, hits)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7,"
	    " CASE WHEN $8::boolean THEN 'draft' ELSE 'published' END,"
	    " $8::boolean, $9::bigint, $9::bigint, $10::bigint)"
	    " ON CONFLICT (slug) DO UPDATE SET title = excluded.title,"
	    " category = excluded.category, tags = excluded.tags,"
	    " aliases = excluded.aliases, markdown = excluded.markdown,"
	    " hash = excluded.hash, state = excluded.state,"
	    " draft = excluded.draft, updated = excluded.updated"
	    " RETURNING id",
	[PS_DELETE] =
	    "UPDATE kbd.article SET state = 'deleted', updated = $2::bigint"
	    " WHERE id = $1::bigint",
	[PS_MOVE] =
	    "UPDATE kbd.article SET slug = $2, updated = $3::bigint"
	    " WHERE id = $1::bigint",
	[PS_REDIRECT] =
	    "INSERT INTO kbd.redirect(slug, article_id)"
	    " VALUES ($1, $2::bigint) ON CONFLICT (slug)"
	    " DO UPDATE SET article_id = excluded.article_id",
	[PS_LAST_REV] =
	    "SELECT hash, rev FROM kbd.revision WHERE article_id = $1::bigint"
	    " ORDER BY rev DESC LIMIT 1",
	[PS_ADD_REV] =
	    "INSERT INTO kbd.revision(article_id, rev, author, created, hash,"
	    " text) VALUES ($1::bigint, $2::integer, $3, $4::bigint, $5, $6)",
	[PS_EXPORT] =
	    "SELECT a.slug, r.text FROM kbd.article a JOIN LATERAL"
	    " (SELECT text FROM kbd.revision WHERE article_id = a.id"
	    "  ORDER BY rev DESC LIMIT 1) r ON true"
	    " WHERE a.state <> 'deleted' ORDER BY a.slug",
	[PS_LOCK] =
	    "SELECT pg_advisory_xact_lock($1::bigint)",
	[PS_TRY_LOCK] =
	    "SELECT pg_try_advisory_lock($1::bigint)",
	[PS_CURRENT] =
	    "SELECT slug, hash FROM kbd.article WHERE state <> 'deleted'"
	    " ORDER BY slug",
	[PS_TEXT] =
	    "SELECT r.text FROM kbd.article a JOIN LATERAL"
	    " (SELECT text FROM kbd.revision WHERE article_id = a.id"
	    "  ORDER BY rev DESC LIMIT 1) r ON true"
	    " WHERE a.slug = $1 AND a.state <> 'deleted'",
	[PS_REDIRECTS] =
	    "SELECT r.slug, a.slug FROM kbd.redirect r JOIN kbd.article a"
	    " ON a.id = r.article_id WHERE a.state <> 'deleted'",
	[PS_ACCOUNT_LOGIN] =
	    "SELECT id, pwhash FROM kbd.account WHERE name = $1",
	[PS_ACCOUNT_SESSION] =
	    "SELECT a.id, a.name, a.role, s.csrf FROM kbd.session s"
	    " JOIN kbd.account a ON a.id = s.account_id"
	    " WHERE s.token_hash = $1 AND s.expires > $2::bigint",
	[PS_ACCOUNT_TOKEN] =
	    "SELECT id, name, role FROM kbd.account WHERE token_hash = $1",
	[PS_ACCOUNT_ADD] =
	    "INSERT INTO kbd.account(name, role, pwhash, created)"
	    " VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (name) DO NOTHING",
	[PS_ACCOUNT_PASSWORD] =
	    "UPDATE kbd.account SET pwhash = $2, token_hash = NULL"
	    " WHERE name = $1",
	[PS_ACCOUNT_END] =
	    "DELETE FROM kbd.session WHERE account_id ="
	    " (SELECT id FROM kbd.account WHERE name = $1)",
	[PS_ACCOUNT_DEL] =
	    "DELETE FROM kbd.account WHERE name = $1",
	[PS_ACCOUNT_SET_TOKEN] =
	    "UPDATE kbd.account SET token_hash = $2 WHERE name = $1",
	[PS_ACCOUNT_LIST] =
	    "SELECT name, role, created, token_hash IS NOT NULL"
	    " FROM kbd.account ORDER BY name",
	[PS_SESSION_ADD] =
	    "INSERT INTO kbd.session(token_hash, account_id, csrf, created,"
	    " expires) VALUES ($1, $2::bigint, $3, $4::bigint, $5::bigint)",
	[PS_SESSION_EXPIRE] =
	    "WITH gone AS (DELETE FROM kbd.strike WHERE last <"
	    " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
	    " - $2::bigint)"
	    " DELETE FROM kbd.session WHERE expires <= $1::bigint",
	[PS_SESSION_DEL] =
	    "DELETE FROM kbd.session WHERE token_hash = $1",
	[PS_STRIKE_LOCK] =
	    "SELECT pg_advisory_xact_lock(7037542, hashtext($1))",
	[PS_STRIKE_GET] =
	    "SELECT coalesce(s.count, 0), coalesce(s.last, 0),"
	    " coalesce(s.until, 0),"
	    " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
	    " FROM (SELECT $1::text AS key) k"
	    " LEFT JOIN kbd.strike s ON s.key = k.key",
	[PS_STRIKE_PUT] =
	    "INSERT INTO kbd.strike(key, count, last, until)"
	    " VALUES ($1, $2::integer, $3::bigint, $4::bigint)"
	    " ON CONFLICT (key) DO UPDATE SET count = excluded.count,"
	    " last = excluded.last, until = excluded.until",
	[PS_STRIKE_CLEAR] =
	    "DELETE FROM kbd.strike WHERE key = $1",
	/* staff saves on a node (staff_edit.c) */
	[PS_STATE] =
	    "SELECT a.id, a.state = 'deleted', a.hash, r.text"
	    " FROM kbd.article a LEFT JOIN LATERAL"
	    " (SELECT text FROM kbd.revision WHERE article_id = a.id"
	    "  ORDER BY rev DESC LIMIT 1) r ON true WHERE a.slug = $1",
	/* The counters (hits_cluster.c). */
	[PS_HIT_KEY_PUT] =
	    "INSERT INTO kbd.hit_key(day, key) VALUES ($1::integer, $2)"
	    " ON CONFLICT (day) DO NOTHING",
	[PS_HIT_KEY] =
	    "SELECT key FROM kbd.hit_key WHERE day = $1::integer",
	/*
	 * $1, $2, $3: arrays of day, view and slug.  Only a view not seen
	 * before (on any node) counts; the views are then summed per
	 * article and day.
	 */
	[PS_HITS_ADD] =
	    "WITH u AS (SELECT DISTINCT * FROM unnest($1::integer[],"
	    "  $2::text[], $3::text[]) AS u(day, view, slug)),"
	    " ins AS (INSERT INTO kbd.hit_view(day, view)"
	    "  SELECT day, view FROM u ON CONFLICT DO NOTHING"
	    "  RETURNING day, view),"
	    " c AS (SELECT a.id, u.day, count(*) AS n FROM ins"
	    "  JOIN u USING (day, view) JOIN kbd.article a ON a.slug = u.slug"
	    "  GROUP BY a.id, u.day),"
	    " t AS (INSERT INTO kbd.hit AS h(article_id, count, seq)"
	    "  SELECT id, sum(n), nextval('kbd.hit_seq') FROM c GROUP BY id"
	    "  ON CONFLICT (article_id) DO UPDATE"
	    "  SET count = h.count + excluded.count, seq = excluded.seq)"
	    " INSERT INTO kbd.hit_day AS d(article_id, day, count, seq)"
	    " SELECT id, day, n, nextval('kbd.hit_seq') FROM c"
	    " ON CONFLICT (article_id, day) DO UPDATE"
	    " SET count = d.count + excluded.count, seq = excluded.seq",
	[PS_HITS_PRUNE] =
	    "DELETE FROM kbd.hit_view WHERE day < $1::integer",
	[PS_HITS_PRUNE_KEYS] =
	    "DELETE FROM kbd.hit_key WHERE day < $1::integer",
	/* One statement, one snapshot: totals and days agree. */
	[PS_HITS_CHANGED] =
	    "SELECT a.slug, -1, a.hits + h.count, h.seq FROM kbd.hit h"
	    " JOIN kbd.article a ON a.id = h.article_id"
	    " WHERE h.seq > $1::bigint"
	    " UNION ALL"
	    " SELECT a.slug, d.day, d.count, d.seq FROM kbd.hit_day d"
	    " JOIN kbd.article a ON a.id = d.article_id"
	    " WHERE d.seq > $1::bigint AND d.day >= $2::integer",
	/* $1..$4: arrays of day, key, slug and 1 for "Ja"; as hits. */
	[PS_VOTES_ADD] =
	    "WITH u AS (SELECT DISTINCT ON (day, view) * FROM unnest("
	    "  $1::integer[], $2::text[], $3::text[], $4::integer[])"
	    "  AS u(day, view, slug, yes)),"
	    " ins AS (INSERT INTO kbd.hit_view(day, view)"
	    "  SELECT day, view FROM u ON CONFLICT DO NOTHING"
	    "  RETURNING day, view),"
	    " c AS (SELECT a.id, u.day, sum(u.yes) AS yes,"
	    "  sum(1 - u.yes) AS no FROM ins JOIN u USING (day, view)"
	    "  JOIN kbd.article a ON a.slug = u.slug GROUP BY a.id, u.day)"
	    " INSERT INTO kbd.vote_day AS d(article_id, day, yes, no, seq)"
	    " SELECT id, day, yes, no, nextval('kbd.hit_seq') FROM c"
	    " ON CONFLICT (article_id, day) DO UPDATE"
	    " SET yes = d.yes + excluded.yes, no = d.no + excluded.no,"
	    " seq = excluded.seq",
	/* $1 day, $2 key, $3 slug, $4 time, $5 "Ja", $6 the text. */
	[PS_COMMENT_ADD] =
	    "WITH ins AS (INSERT INTO kbd.hit_view(day, view)"
	    "  VALUES ($1::integer, $2) ON CONFLICT DO NOTHING RETURNING 1)"
	    " INSERT INTO kbd.vote_comment(article_id, day, created, helpful,"
	    " text) SELECT id, $1::integer, $4::bigint, $5::boolean, $6"
	    " FROM kbd.article WHERE slug = $3 AND EXISTS (SELECT FROM ins)",
	[PS_VOTES_CHANGED] =
	    "SELECT a.slug, d.day, d.yes, d.no, d.seq FROM kbd.vote_day d"
	    " JOIN kbd.article a ON a.id = d.article_id"
	    " WHERE d.seq > $1::bigint",
	[PS_COMMENTS_NEW] =
	    "SELECT c.id, a.slug, c.day, c.created, c.helpful, c.text"
	    " FROM kbd.vote_comment c JOIN kbd.article a"
	    " ON a.id = c.article_id WHERE c.id > $1::bigint"
	    " AND c.day >= $2::integer ORDER BY c.id",
	[PS_SECRET_PUT] =
	    "INSERT INTO kbd.secret(name, value) VALUES ($1, $2)"
	    " ON CONFLICT (name) DO NOTHING",
	[PS_SECRET] =
	    "SELECT value FROM kbd.secret WHERE name = $1",
	/*
	 * $1, $2, $3: arrays of day, query and results, in the order the
	 * searches came; $4 the distinct queries a day takes.  A query the
	 * day has counts on its row; a new one takes a row while the day
	 * has room, in order, and counts for '' ("other") beyond.  Batches
	 * commit one after the other (the counters' lock), so the day's
	 * rows are counted without a race.
	 */
	[PS_SEARCHES_ADD] =
	    "WITH u AS (SELECT day, query, count(*) AS n, min(i) AS i,"
	    "  (array_agg(results ORDER BY i DESC))[1] AS results"
	    "  FROM unnest($1::integer[], $2::text[], $3::bigint[])"
	    "  WITH ORDINALITY AS u(day, query, results, i)"
	    "  GROUP BY day, query),"
	    " f AS (SELECT u.*, row_number() OVER (PARTITION BY u.day"
	    "  ORDER BY u.i) AS k, (SELECT count(*) FROM kbd.search_log l"
	    "  WHERE l.day = u.day AND l.query <> '') AS have FROM u"
	    "  WHERE NOT EXISTS (SELECT FROM kbd.search_log l"
	    "  WHERE l.day = u.day AND l.query = u.query)),"
	    " p AS (SELECT day, query, n, i, results FROM u"
	    "  WHERE EXISTS (SELECT FROM kbd.search_log l"
	    "  WHERE l.day = u.day AND l.query = u.query)"
	    "  UNION ALL SELECT day, CASE WHEN have + k <= $4::bigint"
	    "  THEN query ELSE '' END, n, i, results FROM f)"
	    " INSERT INTO kbd.search_log AS l(day, query, results, count, seq)"
	    " SELECT day, query, (array_agg(results ORDER BY i DESC))[1],"
	    " sum(n), nextval('kbd.hit_seq') FROM p GROUP BY day, query"
	    " ON CONFLICT (day, query) DO UPDATE"
	    " SET count = l.count + excluded.count,"
	    " results = excluded.results, seq = excluded.seq",
	/*
	 * $1, $2: arrays of day and query.  A click counts for the latest
	 * day its query was searched, up to its own.
	 */
	[PS_SEARCH_CLICKS_ADD] =
	    "WITH u AS (SELECT day, query, count(*) AS n"
	    "  FROM unnest($1::integer[], $2::text[]) AS u(day, query)"
	    "  GROUP BY day, query),"
	    " t AS (SELECT (SELECT max(l.day) FROM kbd.search_log l"
	    "  WHERE l.query = u.query AND l.day <= u.day) AS day, query, n"
	    "  FROM u),"
	    " s AS (SELECT day, query, sum(n) AS n FROM t"
	    "  WHERE day IS NOT NULL GROUP BY day, query)"
	    " UPDATE kbd.search_log l SET clicks = l.clicks + s.n,"
	    " seq = nextval('kbd.hit_seq') FROM s"
	    " WHERE l.day = s.day AND l.query = s.query",
	/* $1..$4: arrays of query, slug, tag and day. */
	[PS_LEARNED_ADD] =
	    "WITH u AS (SELECT query, slug, tag, max(day) AS day"
	    "  FROM unnest($1::text[], $2::text[], $3::integer[],"
	    "  $4::integer[]) AS u(query, slug, tag, day)"
	    "  GROUP BY query, slug, tag)"
	    " INSERT INTO kbd.search_click AS c(query, article_id, tag, day,"
	    " seq) SELECT u.query, a.id, u.tag, u.day,"
	    " nextval('kbd.hit_seq') FROM u JOIN kbd.article a"
	    " ON a.slug = u.slug ON CONFLICT (query, article_id, tag)"
	    " DO UPDATE SET day = excluded.day, seq = excluded.seq"
	    " WHERE c.day < excluded.day",
	[PS_SEARCHES_PRUNE] =
	    "DELETE FROM kbd.search_log WHERE day < $1::integer",
	[PS_LEARNED_PRUNE] =
	    "DELETE FROM kbd.search_click WHERE day < $1::integer",
	/* One statement, one snapshot; a click's results: its tag. */
	[PS_SEARCHES_CHANGED] =
	    "SELECT day, query, NULL, results, count, clicks, seq"
	    " FROM kbd.search_log WHERE seq > $1::bigint"
	    " AND day >= $2::integer"
	    " UNION ALL"
	    " SELECT c.day, c.query, a.slug, c.tag, 0, 0, c.seq"
	    " FROM kbd.search_click c JOIN kbd.article a"
	    " ON a.id = c.article_id WHERE c.seq > $1::bigint"
	    " AND c.day >= $3::integer",
};

struct store_pg {
	PGconn		*conn;
	char		 where[256];	/* database, user, host: messages */
	char		 err[512];	/* the last reason, one line */
};

/* Sets pg's reason from fmt, on one line (libpq's may have several). */
static void KBD_PRINTF(2, 3)
set_error(struct store_pg *pg, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(pg->err, sizeof(pg->err), fmt, ap);
	va_end(ap);
	for (p = pg->err; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	n = strlen(pg->err);
	while (n > 0 && pg->err[n - 1] == ' ')
		pg->err[--n] = '\0';
}

/* Is res what was wanted?  If not, sets the reason and clears res. */
static PGresult *
want(struct store_pg *pg, PGresult *res, ExecStatusType status)
{
	if (res != NULL && PQresultStatus(res) == status)
		return res;
	set_error(pg, "%s", res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(pg->conn));
	PQclear(res);
	return NULL;
}

/* Runs SQL without values (the schema, BEGIN, COMMIT).  Returns 0 or -1. */
static int
exec_plain(struct store_pg *pg, const char *sql)
{
	PGresult	*res;

	if ((res = want(pg, PQexec(pg->conn, sql), PGRES_COMMAND_OK)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/*
 * Runs prepared statement i with the n text parameters v, wanting status
 * (PGRES_COMMAND_OK or PGRES_TUPLES_OK).  Returns the result, which the
 * caller clears, or NULL with the reason set.
 */
static PGresult *
run(struct store_pg *pg, enum pg_stmt i, int n, const char *const *v,
    ExecStatusType status)
{
	char	 name[16];

	snprintf(name, sizeof(name), "kbd_%d", (int)i);
	return want(pg, PQexecPrepared(pg->conn, name, n, v, NULL, NULL, 0),
	    status);
}

/* The same, for a statement whose rows do not matter. */
static int
run_ok(struct store_pg *pg, enum pg_stmt i, int n, const char *const *v)
{
	PGresult	*res;

	if ((res = run(pg, i, n, v, i == PS_LOCK || i == PS_STRIKE_LOCK ?
	    PGRES_TUPLES_OK : PGRES_COMMAND_OK)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/*
 * Reads the version of the schema there and the oldest kbd that may use
 * it (version 1 has no such column: to_jsonb reads either).
 */
static int
schema_read(struct store_pg *pg, long long *version, long long *oldest)
{
	PGresult	*res;
	int		 rc = 0;

	res = want(pg, PQexec(pg->conn, "SELECT to_jsonb(s)->>'version',"
	    " coalesce(to_jsonb(s)->>'oldest', '1') FROM kbd.schema_version s"),
	    PGRES_TUPLES_OK);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, 0), 1,
	    INT32_MAX, version) == -1 || parse_number(PQgetvalue(res, 0, 1),
	    1, INT32_MAX, oldest) == -1) {
		set_error(pg, "%s: kbd.schema_version holds no version;"
		    " the schema is not kbd's", pg->where);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Runs step v of the schema and records its version.  Returns 0 or -1. */
static int
schema_step(struct store_pg *pg, int v)
{
	char		 num[16];
	const char	*params[] = { num, STR(PG_SCHEMA_OLDEST) };
	PGresult	*res;

	snprintf(num, sizeof(num), "%d", v);
	if (exec_plain(pg, pg_schema[v]) == -1)
		return -1;
	/* Version 1 has no oldest: it is 1. */
	res = want(pg, PQexecParams(pg->conn, v == 1 ? "INSERT INTO"
	    " kbd.schema_version(version) VALUES ($1::integer)" :
	    "UPDATE kbd.schema_version SET version = $1::integer,"
	    " oldest = $2::integer", v == 1 ? 1 : 2, NULL, params, NULL, NULL,
	    0), PGRES_COMMAND_OK);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/*
 * Creates the schema in an empty database, or brings an older one up to
 * this kbd's version, step by step.  A newer one is used as it is if its
 * steps left this kbd's tables as they were (oldest), and refused if
 * not.  One transaction, under an advisory lock, so that nodes starting
 * together make each step once.
 */
static int
schema(struct store_pg *pg)
{
	const char	*lock[] = { PG_LOCK_SCHEMA };
	PGresult	*res;
	long long	 version = 0, oldest = 0;
	int		 exists, v;

	if (exec_plain(pg, "BEGIN") == -1)
		return -1;
	res = want(pg, PQexecParams(pg->conn, "SELECT"
	    " pg_advisory_xact_lock($1::bigint),"
	    " to_regclass('kbd.schema_version') IS NOT NULL", 1, NULL, lock,
	    NULL, NULL, 0), PGRES_TUPLES_OK);
	if (res == NULL)
		goto fail;
	exists = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	if (exists && schema_read(pg, &version, &oldest) == -1)
		goto fail;
	if (version > PG_SCHEMA_VERSION && oldest > PG_SCHEMA_VERSION) {
		set_error(pg, "%s: the schema is version %lld, made by a newer "
		    "kbd, and needs kbd's version %lld at least; this kbd "
		    "knows version %d and leaves it alone: update kbd",
		    pg->where, version, oldest, PG_SCHEMA_VERSION);
		goto fail;
	}
	if (version > PG_SCHEMA_VERSION)
		log_info("%s: the schema is version %lld, made by a newer kbd;"
		    " this kbd (version %d) uses the part it knows", pg->where,
		    version, PG_SCHEMA_VERSION);
	for (v = (int)version + 1; v <= PG_SCHEMA_VERSION; v++) {
		log_info("%s: %s kbd's schema, version %d", pg->where,
		    v == 1 ? "creating" : "updating", v);
		if (schema_step(pg, v) == -1)
			goto fail;
	}
	return exec_plain(pg, "COMMIT");
fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	return -1;
}

static int	pg_open(const char *, const char *, struct store_pg **,
		    const char **);

/*
 * libpq's reason for a bad URL may quote it, or a piece of it: url
 * itself becomes "...", and its password, wherever it still is in msg,
 * as many stars.
 */
static void
scrub(char *msg, const char *url)
{
	PQconninfoOption	*opts, *o;
	char			*p;
	size_t			 n = strlen(url);

	for (p = msg; n >= 3 && (p = strstr(p, url)) != NULL; p += 3) {
		memcpy(p, "...", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
	if ((opts = PQconninfoParse(url, NULL)) == NULL)
		return;
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") != 0 || o->val == NULL ||
		    (n = strlen(o->val)) == 0)
			continue;
		for (p = msg; (p = strstr(p, o->val)) != NULL; p += n)
			memset(p, '*', n);
	}
	PQconninfoFree(opts);
}

/* PostgreSQL's notices (a server going down) go to the log, on one line. */
static void
notice(void *arg, const char *msg)
{
	struct store_pg	*pg = arg;
	char		 line[512], *p;

	snprintf(line, sizeof(line), "%s", msg);
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	log_debug("%s: %s", pg->where, line);
}

/*
 * Connects to the PostgreSQL of url (a postgresql:// URL or libpq's
 * "key=value" words; a password may also come from PGPASSWORD or a
 * ~/.pgpass file), creates or checks kbd's schema and prepares the
 * statements.  Returns 0 and the connection in *out, which
 * store_pg_close() ends, or -1 with a one-line reason in *errstr (valid
 * until the next call; it never holds the password).
 */
int
store_pg_open(const char *url, struct store_pg **out, const char **errstr)
{
	return pg_open(url, "10", out, errstr);
}

/* store_pg_open(), giving up on connecting after timeout seconds. */
static int
pg_open(const char *url, const char *timeout, struct store_pg **out,
    const char **errstr)
{
	static _Thread_local char why[512];
	/*
	 * A database that vanishes without a word (a cut network) is
	 * noticed within about half a minute, not TCP's quarter of an
	 * hour; the URL may say otherwise.
	 */
	static const char *const keys[] = { "connect_timeout",
				    "fallback_application_name",
				    "client_encoding", "keepalives_idle",
				    "keepalives_interval", "keepalives_count",
				    "tcp_user_timeout", "dbname", NULL };
	const char *const	 values[] = { timeout, "kbd", "UTF8", "10", "5",
				    "3", "30000", url, NULL };
	struct store_pg		*pg;
	PGresult		*res;
	char			 name[16];
	size_t			 i;

	*out = NULL;
	*errstr = why;
	pg = xcalloc(1, sizeof(*pg));
	pg->conn = PQconnectdbParams(keys, values, 1);
	if (pg->conn == NULL) {
		snprintf(why, sizeof(why), "PostgreSQL: out of memory");
		free(pg);
		return -1;
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		set_error(pg, "PostgreSQL: %s", PQerrorMessage(pg->conn));
		scrub(pg->err, url);
		goto fail;
	}
	snprintf(pg->where, sizeof(pg->where), "PostgreSQL database %s "
	    "(user %s, host %s)", PQdb(pg->conn), PQuser(pg->conn),
	    PQhost(pg->conn));
	PQsetNoticeProcessor(pg->conn, notice, pg);
	/* Nothing but kbd's schema and PostgreSQL's own is looked up. */
	if (exec_plain(pg, "SET search_path = pg_catalog") == -1 ||
	    schema(pg) == -1)
		goto fail;
	for (i = 0; i < PS__COUNT; i++) {
		snprintf(name, sizeof(name), "kbd_%d", (int)i);
		if ((res = want(pg, PQprepare(pg->conn, name, pg_sql[i], 0,
		    NULL), PGRES_COMMAND_OK)) == NULL)
			goto fail;
		PQclear(res);
	}
	*out = pg;
	return 0;
fail:
	snprintf(why, sizeof(why), "%s", pg->err);
	store_pg_close(pg);
	return -1;
}

/* Ends the connection and frees pg (NULL: nothing to do). */
void
store_pg_close(struct store_pg *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	free(pg);
}

/* pg's last error, one line (valid until pg's next call). */
const char *
store_pg_error(struct store_pg *pg)
{
	return pg->err;
}

/* Which database pg is, for messages: its name, user and host. */
const char *
store_pg_where(struct store_pg *pg)
{
	return pg->where;
}

/*
 * The number every article transaction raises (store_pg_commit): a node
 * compares the articles only when it moved.  Returns 0 or -1.
 */
int
store_pg_articles_version(struct store_pg *pg, int64_t *n)
{
	PGresult	*res;
	long long	 v;
	int		 rc = 0;

	if ((res = want(pg, PQexec(pg->conn, "SELECT n FROM"
	    " kbd.articles_version"), PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, 0), 0,
	    INT64_MAX, &v) == -1) {
		set_error(pg, "%s: kbd.articles_version holds no number",
		    pg->where);
		rc = -1;
	} else
		*n = v;
	PQclear(res);
	return rc;
}

/*
 * Takes the lock of the node that keeps the articles folder
 * (cmd_folder.c), if no other connection holds it.  It is held until
 * pg's connection ends, so a node that dies (even kill -9: the server
 * sees the socket close) frees it for another.  Returns 1 when pg holds
 * it now, 0 when another does, -1 on an error.
 */
int
store_pg_folder_lock(struct store_pg *pg)
{
	const char	*v[] = { PG_LOCK_FOLDER };
	PGresult	*res;
	int		 got;

	if ((res = run(pg, PS_TRY_LOCK, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return got;
}

/*
 * A write transaction on the articles: store_pg_begin() also takes the
 * articles' advisory lock, so that two imports take turns;
 * store_pg_commit() ends it, and the nodes listening on kbd_articles
 * hear of it once it is committed.  Both return 0, or -1 leaving
 * store_pg_error(pg).  store_pg_rollback() undoes an open one.
 */
/* BEGIN, then the advisory lock key until the end.  Returns 0 or -1. */
static int
begin_locked(struct store_pg *pg, const char *key)
{
	const char	*lock[] = { key };

	if (exec_plain(pg, "BEGIN") == -1)
		return -1;
	if (run_ok(pg, PS_LOCK, 1, lock) == 0)
		return 0;
	store_pg_rollback(pg);
	return -1;
}

int
store_pg_begin(struct store_pg *pg)
{
	return begin_locked(pg, PG_LOCK_ARTICLES);
}

int
store_pg_commit(struct store_pg *pg)
{
	if (exec_plain(pg, "UPDATE kbd.articles_version SET n = n + 1") ==
	    -1 || exec_plain(pg, "NOTIFY " PG_CHANNEL) == -1) {
		store_pg_rollback(pg);
		return -1;
	}
	return exec_plain(pg, "COMMIT");
}

void
store_pg_rollback(struct store_pg *pg)
{
	PQclear(PQexec(pg->conn, "ROLLBACK"));
}

/*
 * Calls fn for every article, deleted ones too, with its id, slug, hash
 * and state (the other fields of the row are NULL or 0); the row is
 * valid during the call.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_articles_each(struct store_pg *pg, void (*fn)(void *arg,
    const struct store_pg_article *a), void *arg)
{
	struct store_pg_article	 a;
	PGresult		*res;
	long long		 id;
	int			 i, n;

	if ((res = run(pg, PS_ARTICLES, 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		if (parse_number(PQgetvalue(res, i, 0), 1, INT64_MAX,
		    &id) == -1) {
			set_error(pg, "kbd.article: a bad id");
			PQclear(res);
			return -1;
		}
		a.id = id;
		a.slug = PQgetvalue(res, i, 1);
		a.hash = PQgetvalue(res, i, 2);
		a.state = PQgetvalue(res, i, 3);
		fn(arg, &a);
	}
	PQclear(res);
	return 0;
}

/*
 * Stores article a (as article_parse() made it from a file whose hash
 * is hash) by its slug: a new one is added (its hits seed the counter),
 * an existing one (also a deleted one) takes a's fields and is
 * published or a draft again.  A name a renamed article left behind
 * stops redirecting.  now is the time of the change.  Returns 0 and the
 * article's id in *id, or -1 leaving store_pg_error(pg).
 */
int
store_pg_article_put(struct store_pg *pg, const struct article *a,
    const char *hash, int64_t now, int64_t *id)
{
	char		 when[24], hits[24];
	const char	*v[10];
	PGresult	*res;
	long long	 n;

	v[0] = a->slug;
	if (run_ok(pg, PS_UNREDIRECT, 1, v) == -1)
		return -1;
	snprintf(when, sizeof(when), "%" PRId64, now);
	snprintf(hits, sizeof(hits), "%" PRId64, a->hits > 0 ? a->hits : 0);
	v[1] = a->title;
	v[2] = a->category;
	v[3] = a->tags;
	v[4] = a->aliases;
	v[5] = a->markdown;
	v[6] = hash;
	v[7] = a->draft ? "true" : "false";
	v[8] = when;
	v[9] = hits;
	if ((res = run(pg, PS_PUT, 10, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, 0), 1,
	    INT64_MAX, &n) == -1) {
		set_error(pg, "%s: storing it gave no id", a->slug);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	*id = n;
	return 0;
}

/*
 * Marks article id deleted: its rows stay, so that its history and hits
 * survive a file that comes back.  Returns 0, or -1 leaving
 * store_pg_error(pg).
 */
int
store_pg_article_delete(struct store_pg *pg, int64_t id, int64_t now)
{
	char		 sid[24], when[24];
	const char	*v[] = { sid, when };

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(when, sizeof(when), "%" PRId64, now);
	return run_ok(pg, PS_DELETE, 2, v);
}

/*
 * Gives article id the new name to; its old name from redirects to it
 * from now on, and to stops redirecting anywhere.  Returns 0, or -1
 * leaving store_pg_error(pg).
 */
int
store_pg_article_move(struct store_pg *pg, int64_t id, const char *from,
    const char *to, int64_t now)
{
	char		 sid[24], when[24];
	const char	*v[3];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(when, sizeof(when), "%" PRId64, now);
	v[0] = to;
	if (run_ok(pg, PS_UNREDIRECT, 1, v) == -1)
		return -1;
	v[0] = sid;
	v[1] = to;
	v[2] = when;
	if (run_ok(pg, PS_MOVE, 3, v) == -1)
		return -1;
	v[0] = from;
	v[1] = sid;
	return run_ok(pg, PS_REDIRECT, 2, v);
}

/*
 * Keeps text (the whole file, NUL-terminated, with the content hash
 * hash) as article id's next revision by author, unless its last
 * revision is this very text.  Sets *added to 1 when a revision was
 * added, else 0.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_revision_add(struct store_pg *pg, int64_t id, const char *author,
    int64_t now, const char *hash, const char *text, int *added)
{
	char		 sid[24], when[24], rev[24];
	const char	*v[6];
	PGresult	*res;
	long long	 last = 0;

	*added = 0;
	snprintf(sid, sizeof(sid), "%" PRId64, id);
	v[0] = sid;
	if ((res = run(pg, PS_LAST_REV, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		if (strcmp(PQgetvalue(res, 0, 0), hash) == 0) {
			PQclear(res);
			return 0;
		}
		if (parse_number(PQgetvalue(res, 0, 1), 1, INT32_MAX - 1,
		    &last) == -1) {
			set_error(pg, "kbd.revision: a bad number");
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	snprintf(rev, sizeof(rev), "%lld", last + 1);
	snprintf(when, sizeof(when), "%" PRId64, now);
	v[1] = rev;
	v[2] = author;
	v[3] = when;
	v[4] = hash;
	v[5] = text;
	if (run_ok(pg, PS_ADD_REV, 6, v) == -1)
		return -1;
	*added = 1;
	return 0;
}

/*
 * Calls fn for every article that is not deleted (drafts too), in the
 * order of their slugs, with its slug and its current file (the last
 * revision's text, len bytes); both are valid during the call.  Rows
 * come one at a time, so that a large knowledge base is never held
 * whole.  fn returns 0 to go on, or -1 to stop, keeping its reason
 * itself.  Returns 0; or -1 when fn stopped (store_pg_error(pg) is then
 * "") or the database failed (the reason in store_pg_error(pg)).
 */
int
store_pg_export_each(struct store_pg *pg, int (*fn)(void *arg,
    const char *slug, const char *text, size_t len), void *arg)
{
	PGresult	*res;
	char		 name[16];
	int		 i, rc = 0, stopped = 0;

	snprintf(name, sizeof(name), "kbd_%d", (int)PS_EXPORT);
	if (!PQsendQueryPrepared(pg->conn, name, 0, NULL, NULL, NULL, 0)) {
		set_error(pg, "%s", PQerrorMessage(pg->conn));
		return -1;
	}
	/* Without single rows, they come all at once: slower, the same. */
	(void)PQsetSingleRowMode(pg->conn);
	/* Every result is read, also after a stop, to free the connection. */
	while ((res = PQgetResult(pg->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
		case PGRES_TUPLES_OK:
			for (i = 0; !stopped && i < PQntuples(res); i++) {
				if (fn(arg, PQgetvalue(res, i, 0),
				    PQgetvalue(res, i, 1),
				    (size_t)PQgetlength(res, i, 1)) == 0)
					continue;
				stopped = 1;
				rc = -1;
				pg->err[0] = '\0';
			}
			break;
		default:
			if (rc == 0)
				set_error(pg, "%s", PQresultErrorMessage(res));
			rc = -1;
			break;
		}
		PQclear(res);
	}
	return rc;
}

/*
 * Listens on the articles' channel: from now on store_pg_wait() returns
 * when an article transaction has committed.  Returns 0, or -1 leaving
 * store_pg_error(pg).
 */
int
store_pg_listen(struct store_pg *pg)
{
	return exec_plain(pg, "LISTEN " PG_CHANNEL);
}

/*
 * Waits at most ms milliseconds for a notification on the articles'
 * channel (store_pg_listen()).  Returns 1 when one or more came (all
 * are taken), 0 when none did, or -1 when the connection is broken
 * (store_pg_error(pg) says why; store_pg_close() it and open anew).
 */
int
store_pg_wait(struct store_pg *pg, int ms)
{
	struct pollfd	 pfd;
	PGnotify	*n;
	int		 fd, got = 0;

	if ((fd = PQsocket(pg->conn)) < 0 ||
	    PQstatus(pg->conn) != CONNECTION_OK) {
		set_error(pg, "%s: the connection is lost", pg->where);
		return -1;
	}
	/* What came with an earlier result is already read. */
	if ((n = PQnotifies(pg->conn)) != NULL) {
		PQfreemem(n);
		got = 1;
	}
	/* poll, not select: a busy server's descriptors pass FD_SETSIZE. */
	if (!got) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, ms) <= 0)
			return 0;	/* none, or EINTR: as if none */
	}
	if (!PQconsumeInput(pg->conn)) {
		set_error(pg, "%s: %s", pg->where, PQerrorMessage(pg->conn));
		return -1;
	}
	while ((n = PQnotifies(pg->conn)) != NULL) {
		PQfreemem(n);
		got = 1;
	}
	return got;
}

/* Calls fn with the two columns of each row of statement i.  0 or -1. */
static int
each_pair(struct store_pg *pg, enum pg_stmt i,
    void (*fn)(void *arg, const char *a, const char *b), void *arg)
{
	PGresult	*res;
	int		 r, n;

	if ((res = run(pg, i, 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (r = 0; r < n; r++)
		fn(arg, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
	PQclear(res);
	return 0;
}

/*
 * Calls fn with the slug and hash of every article that is not deleted
 * (drafts too), in the order of their slugs; both are valid during the
 * call.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_current_each(struct store_pg *pg, void (*fn)(void *arg,
    const char *slug, const char *hash), void *arg)
{
	return each_pair(pg, PS_CURRENT, fn, arg);
}

/*
 * The current file of the article slug.  Returns 0 with a newly
 * allocated, NUL-terminated copy in *text (the caller frees it) and its
 * length in *len, or with *text NULL when there is no such article (or
 * it is deleted); or -1 leaving store_pg_error(pg).
 */
int
store_pg_article_text(struct store_pg *pg, const char *slug, char **text,
    size_t *len)
{
	const char	*v[] = { slug };
	PGresult	*res;

	*text = NULL;
	*len = 0;
	if ((res = run(pg, PS_TEXT, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		*len = (size_t)PQgetlength(res, 0, 0);
		*text = xmalloc(*len + 1);
		memcpy(*text, PQgetvalue(res, 0, 0), *len + 1);
	}
	PQclear(res);
	return 0;
}

/*
 * Calls fn with the old name (from) and the name now (to) of every
 * redirect to an article that is not deleted; both are valid during the
 * call.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_redirects_each(struct store_pg *pg, void (*fn)(void *arg,
    const char *from, const char *to), void *arg)
{
	return each_pair(pg, PS_REDIRECTS, fn, arg);
}

/*
 * Staff accounts, sessions and strikes in cluster mode: one connection
 * per process (libpq's are not for two threads at once), guarded by a
 * mutex, opened when first needed and again after it broke.  A call on
 * a broken connection is tried once more on a new one (PostgreSQL may
 * be back); when no connection can be had, calls fail at once for
 * SHARED_RETRY_US with errno ENETDOWN, so that staff requests during an
 * outage do not each wait for a connect.  Errors: -1 with errno
 * ENOENT (no such row), EEXIST, ENETDOWN (PostgreSQL away) or EIO, the
 * reason in store_pg_shared_error().
 */
#define SHARED_RETRY_US		INT64_C(1000000)
#define SHARED_TIMEOUT		"3"	/* seconds to connect, at most */

static pthread_mutex_t	 shared_lock = PTHREAD_MUTEX_INITIALIZER;
static char		*shared_url;	/* NULL: single node */
static struct store_pg	*shared;	/* guarded by shared_lock */
static int64_t		 shared_retry;	/* clock_us(): no connect before */
static _Thread_local char shared_err[512];

/*
 * Keeps staff accounts in the PostgreSQL of url from now on (cluster
 * mode); nothing connects before the first call.  Once, before any
 * other thread uses accounts.
 */
void
store_pg_shared_init(const char *url)
{
	free(shared_url);
	shared_url = url != NULL ? xstrdup(url) : NULL;
}

/* Closes the connection; accounts are SQLite's again. */
void
store_pg_shared_close(void)
{
	pthread_mutex_lock(&shared_lock);
	store_pg_close(shared);
	shared = NULL;
	pthread_mutex_unlock(&shared_lock);
	free(shared_url);
	shared_url = NULL;
}

/* Are staff accounts PostgreSQL's (store_pg_shared_init)? */
int
store_pg_shared_on(void)
{
	return shared_url != NULL;
}

/* The reason for the calling thread's last failure, one line. */
const char *
store_pg_shared_error(void)
{
	return shared_err;
}

/*
 * Runs fn(pg, arg) on the shared connection, as described above.  fn
 * returns 0, or -1 with errno set and pg's reason; on a broken
 * connection its errno does not matter.
 */
static int
shared_call(int (*fn)(struct store_pg *, void *), void *arg)
{
	const char	*why;
	int		 rc = -1, fresh = 0, tries, saved;

	pthread_mutex_lock(&shared_lock);
	for (tries = 0; tries < 2; tries++) {
		if (shared == NULL) {
			fresh = 1;
			if (clock_us() < shared_retry) {
				snprintf(shared_err, sizeof(shared_err),
				    "PostgreSQL is unreachable");
				errno = ENETDOWN;
				break;
			}
			if (pg_open(shared_url, SHARED_TIMEOUT, &shared,
			    &why) == -1) {
				snprintf(shared_err, sizeof(shared_err), "%s",
				    why);
				log_warnx("cluster: staff accounts: %s", why);
				shared_retry = clock_us() + SHARED_RETRY_US;
				errno = ENETDOWN;
				break;
			}
		}
		errno = EIO;
		rc = fn(shared, arg);
		/* What fn says other than "none" is a database error. */
		saved = errno == ENOENT ? ENOENT : EIO;
		if (rc == 0 || PQstatus(shared->conn) == CONNECTION_OK) {
			if (rc == -1)
				snprintf(shared_err, sizeof(shared_err), "%s",
				    shared->err);
			errno = saved;
			break;
		}
		snprintf(shared_err, sizeof(shared_err), "%.200s: %.300s",
		    shared->where, shared->err);
		log_warnx("cluster: staff accounts: %s", shared_err);
		store_pg_close(shared);
		shared = NULL;
		errno = ENETDOWN;
		if (fresh) {
			shared_retry = clock_us() + SHARED_RETRY_US;
			break;
		}
	}
	pthread_mutex_unlock(&shared_lock);
	return rc;
}

/* A statement whose rows do not matter; errno ENOENT if it changed none. */
struct shared_write {
	enum pg_stmt	 st;
	int		 n;
	const char	*v[5];
	int		 want_change;
};

static int
shared_write_fn(struct store_pg *pg, void *arg)
{
	struct shared_write	*w = arg;
	PGresult		*res;
	int			 none;

	if ((res = run(pg, w->st, w->n, w->v, PGRES_COMMAND_OK)) == NULL)
		return -1;
	none = strcmp(PQcmdTuples(res), "0") == 0;
	PQclear(res);
	if (w->want_change && none) {
		set_error(pg, "no such user");
		errno = ENOENT;
		return -1;
	}
	return 0;
}

static int
shared_write(enum pg_stmt st, int want_change, int n, ...)
{
	struct shared_write	 w;
	va_list			 ap;
	int			 i;

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.n = n;
	w.want_change = want_change;
	va_start(ap, n);
	for (i = 0; i < n && i < (int)nitems(w.v); i++)
		w.v[i] = va_arg(ap, const char *);
	va_end(ap);
	return shared_call(shared_write_fn, &w);
}

struct shared_login {
	const char	*name;
	int64_t		*id;
	char		*pwhash;
	size_t		 size;
};

static int
login_fn(struct store_pg *pg, void *arg)
{
	struct shared_login	*l = arg;
	PGresult		*res;
	long long		 id;
	int			 rc = 0;

	if ((res = run(pg, PS_ACCOUNT_LOGIN, 1, &l->name,
	    PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, 0), 1,
	    INT64_MAX, &id) == -1) {
		set_error(pg, "no such user");
		errno = ENOENT;
		rc = -1;
	} else {
		*l->id = id;
		snprintf(l->pwhash, l->size, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

/* store_user_login() on PostgreSQL. */
int
store_pg_account_login(const char *name, int64_t *id, char *pwhash,
    size_t size)
{
	struct shared_login	 l = { name, id, pwhash, size };

	return shared_call(login_fn, &l);
}

struct shared_who {
	const char	*hash;
	int		 token;
	struct staff	*who;
};

static int
who_fn(struct store_pg *pg, void *arg)
{
	struct shared_who	*w = arg;
	PGresult		*res;
	char			 now[24];
	const char		*v[] = { w->hash, now };
	long long		 id;
	int			 rc = 0;

	snprintf(now, sizeof(now), "%" PRId64, clock_seconds());
	if ((res = run(pg, w->token ? PS_ACCOUNT_TOKEN : PS_ACCOUNT_SESSION,
	    w->token ? 1 : 2, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, 0), 1,
	    INT64_MAX, &id) == -1) {
		set_error(pg, "no such session or token");
		errno = ENOENT;
		rc = -1;
	} else {
		w->who->id = id;
		snprintf(w->who->name, sizeof(w->who->name), "%s",
		    PQgetvalue(res, 0, 1));
		w->who->admin = strcmp(PQgetvalue(res, 0, 2), "admin") == 0;
		w->who->via_token = w->token;
		if (!w->token)
			snprintf(w->who->csrf, sizeof(w->who->csrf), "%s",
			    PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return rc;
}

/* store_user_by_hash() on PostgreSQL. */
int
store_pg_account_by_hash(const char *hash, int token, struct staff *who)
{
	struct shared_who	 w = { hash, token, who };

	return shared_call(who_fn, &w);
}

/* store_user_add() on PostgreSQL. */
int
store_pg_account_add(const char *name, const char *role, const char *pwhash,
    const char **errstr)
{
	char	 now[24];

	snprintf(now, sizeof(now), "%" PRId64, clock_seconds());
	*errstr = shared_err;
	if (shared_write(PS_ACCOUNT_ADD, 1, 4, name, role, pwhash, now) == 0)
		return 0;
	if (errno == ENOENT) {
		errno = EEXIST;
		*errstr = "there is a user of that name already";
	}
	return -1;
}

/*
 * store_user_password() on PostgreSQL: the sessions end after the new
 * hash is in; a failure between leaves them, and says so.
 */
int
store_pg_account_password(const char *name, const char *pwhash,
    const char **errstr)
{
	*errstr = shared_err;
	if (shared_write(PS_ACCOUNT_PASSWORD, 1, 2, name, pwhash) == -1)
		return -1;
	return shared_write(PS_ACCOUNT_END, 0, 1, name);
}

/* store_user_del() on PostgreSQL (its sessions go by the foreign key). */
int
store_pg_account_del(const char *name, const char **errstr)
{
	*errstr = shared_err;
	return shared_write(PS_ACCOUNT_DEL, 1, 1, name);
}

/* store_user_token() on PostgreSQL. */
int
store_pg_account_token(const char *name, const char *tokenhash,
    const char **errstr)
{
	*errstr = shared_err;
	return shared_write(PS_ACCOUNT_SET_TOKEN, 1, 2, name, tokenhash);
}

struct shared_each {
	void		(*fn)(void *, const struct user_row *);
	void		*arg;
};

static int
each_fn(struct store_pg *pg, void *arg)
{
	struct shared_each	*e = arg;
	struct user_row		 row;
	PGresult		*res;
	long long		 created;
	int			 i;

	if ((res = run(pg, PS_ACCOUNT_LIST, 0, NULL,
	    PGRES_TUPLES_OK)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		row.name = PQgetvalue(res, i, 0);
		row.role = PQgetvalue(res, i, 1);
		row.created = parse_number(PQgetvalue(res, i, 2), 0,
		    INT64_MAX, &created) == 0 ? created : 0;
		row.has_token = strcmp(PQgetvalue(res, i, 3), "t") == 0;
		e->fn(e->arg, &row);
	}
	PQclear(res);
	return 0;
}

/* store_user_each() on PostgreSQL. */
int
store_pg_account_each(void (*fn)(void *arg, const struct user_row *row),
    void *arg)
{
	struct shared_each	 e = { fn, arg };

	return shared_call(each_fn, &e);
}

/*
 * store_session_add() on PostgreSQL; sessions past their time go, and
 * strikes without a failure for fade microseconds.
 */
int
store_pg_session_add(const char *hash, int64_t user, const char *csrf,
    int64_t now, int64_t seconds, int64_t fade)
{
	char	 id[24], when[24], until[24], old[24];

	snprintf(id, sizeof(id), "%" PRId64, user);
	snprintf(when, sizeof(when), "%" PRId64, now);
	snprintf(until, sizeof(until), "%" PRId64, now + seconds);
	snprintf(old, sizeof(old), "%" PRId64, fade);
	if (shared_write(PS_SESSION_EXPIRE, 0, 2, when, old) == -1)
		return -1;
	return shared_write(PS_SESSION_ADD, 0, 5, hash, id, csrf, when,
	    until);
}

/* store_session_del() on PostgreSQL. */
int
store_pg_session_del(const char *hash)
{
	return shared_write(PS_SESSION_DEL, 0, 1, hash);
}

struct shared_strike {
	const char	*key;
	int		(*fn)(void *, struct strike_row *, int64_t);
	void		*arg;
};

static int
strike_fn(struct store_pg *pg, void *arg)
{
	struct shared_strike	*k = arg;
	struct strike_row	 row;
	PGresult		*res;
	char			 count[16], last[24], until[24];
	const char		*v[] = { k->key, count, last, until };
	long long		 n[4];
	int			 i;

	if (exec_plain(pg, "BEGIN") == -1)
		return -1;
	if (run_ok(pg, PS_STRIKE_LOCK, 1, v) == -1 ||
	    (res = run(pg, PS_STRIKE_GET, 1, v, PGRES_TUPLES_OK)) == NULL)
		goto fail;
	for (i = 0; i < 4; i++)
		if (PQntuples(res) != 1 || parse_number(PQgetvalue(res, 0, i),
		    0, INT64_MAX, &n[i]) == -1) {
			set_error(pg, "kbd.strike: a bad number");
			PQclear(res);
			goto fail;
		}
	PQclear(res);
	row.count = n[0] > UINT_MAX ? UINT_MAX : (unsigned int)n[0];
	row.last = n[1];
	row.until = n[2];
	if (k->fn(k->arg, &row, n[3])) {
		snprintf(count, sizeof(count), "%u", row.count);
		snprintf(last, sizeof(last), "%" PRId64, row.last);
		snprintf(until, sizeof(until), "%" PRId64, row.until);
		if (run_ok(pg, PS_STRIKE_PUT, 4, v) == -1)
			goto fail;
	}
	if (exec_plain(pg, "COMMIT") == 0)
		return 0;
fail:
	store_pg_rollback(pg);
	return -1;
}

/*
 * Changes the strikes of key (a hash, hex) in one step that no other
 * node's can come between: fn(arg, row, now) gets the row (zeros when
 * there is none) and now, microseconds since 1970 on PostgreSQL's clock,
 * and returns 1 to store the row as it left it, 0 to leave it.  fn may
 * be called twice (the connection broke).  Returns 0, or -1 (above).
 */
int
store_pg_strike(const char *key, int (*fn)(void *arg, struct strike_row *row,
    int64_t now), void *arg)
{
	struct shared_strike	 k = { key, fn, arg };

	return shared_call(strike_fn, &k);
}

/* Forgets the strikes of key (a login succeeded). */
int
store_pg_strike_clear(const char *key)
{
	return shared_write(PS_STRIKE_CLEAR, 0, 1, key);
}

/*
 * Staff saves on a node (staff_edit.c).  A save is one transaction:
 * store_pg_begin() (the articles' lock, so that a save and an import
 * take turns), store_pg_article_state() to see whether the article is
 * still what the editor started from, then store_pg_article_put() and
 * store_pg_revision_add(), store_pg_article_delete() or
 * store_pg_article_move(), and store_pg_commit().
 */

/*
 * Fills *st with article slug as it is now: st->id 0 when there is no
 * such article; else whether it is deleted, its hash and its last
 * revision's text (newly allocated, the caller frees it with
 * store_pg_state_clear(); NULL without a revision).  Returns 0, or -1
 * leaving store_pg_error(pg).
 */
int
store_pg_article_state(struct store_pg *pg, const char *slug,
    struct store_pg_state *st)
{
	const char	*v[] = { slug };
	PGresult	*res;
	long long	 id;
	int		 rc = 0;

	memset(st, 0, sizeof(*st));
	if ((res = run(pg, PS_STATE, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		if (parse_number(PQgetvalue(res, 0, 0), 1, INT64_MAX,
		    &id) == -1) {
			set_error(pg, "kbd.article: a bad id");
			rc = -1;
			goto done;
		}
		st->id = id;
		st->deleted = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
		snprintf(st->hash, sizeof(st->hash), "%s",
		    PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 3))
			st->text = xstrdup(PQgetvalue(res, 0, 3));
	}
done:
	PQclear(res);
	return rc;
}

/* Frees what store_pg_article_state() allocated in st. */
void
store_pg_state_clear(struct store_pg_state *st)
{
	free(st->text);
	st->text = NULL;
}


/*
 * The counters of cluster mode (hits_cluster.c), on a connection of
 * their own.  A batch of counts is one transaction: store_pg_counts_begin()
 * takes the counters' advisory lock, so that the nodes' batches commit
 * one after the other and the stamps of kbd.hit_seq become visible in
 * their order: a node that read every change up to stamp s has missed
 * none below it.  store_pg_counts_commit() announces the batch on
 * kbd_counts (store_pg_counts_listen()).  All return 0, or -1 leaving
 * store_pg_error(pg); a failed begin or commit has rolled back.
 */
int
store_pg_counts_listen(struct store_pg *pg)
{
	return exec_plain(pg, "LISTEN " PG_COUNTS);
}

int
store_pg_counts_begin(struct store_pg *pg)
{
	return begin_locked(pg, PG_LOCK_COUNTS);
}

int
store_pg_counts_commit(struct store_pg *pg)
{
	if (exec_plain(pg, "NOTIFY " PG_COUNTS) == -1 ||
	    exec_plain(pg, "COMMIT") == -1) {
		store_pg_rollback(pg);
		return -1;
	}
	return 0;
}

/*
 * The key of day's views, as hex (out, size bytes): the one the
 * cluster has, or mine (hex, from the caller's random bytes) when it has
 * none yet.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_hit_key(struct store_pg *pg, int64_t day, const char *mine,
    char *out, size_t size)
{
	char		 d[24];
	const char	*v[] = { d, mine };
	PGresult	*res;

	snprintf(d, sizeof(d), "%" PRId64, day);
	if (run_ok(pg, PS_HIT_KEY_PUT, 2, v) == -1)
		return -1;
	if ((res = run(pg, PS_HIT_KEY, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || (size_t)PQgetlength(res, 0, 0) >= size) {
		set_error(pg, "kbd.hit_key: no key for day %" PRId64, day);
		PQclear(res);
		return -1;
	}
	snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/*
 * Appends s to an array literal that b began with '{': quoted, so that
 * no value reads as NULL, with \ before " and \.
 */
static void
array_add(struct buf *b, const char *s)
{
	if (b->len > 1)
		buf_putc(b, ',');
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/*
 * The k array literals of a statement that takes a batch as arrays (one
 * value of each per row): begun in a[0..k), filled by array_add() or
 * array_number(), ended into v[0..k) by arrays_end(), then freed.
 */
static void
arrays_begin(struct buf *a, size_t k)
{
	size_t	 i;

	for (i = 0; i < k; i++) {
		buf_init(&a[i]);
		buf_putc(&a[i], '{');
	}
}

static void
arrays_end(struct buf *a, size_t k, const char **v)
{
	size_t	 i;

	for (i = 0; i < k; i++) {
		buf_putc(&a[i], '}');
		buf_putc(&a[i], '\0');
		v[i] = a[i].data;
	}
}

static void
arrays_free(struct buf *a, size_t k)
{
	size_t	 i;

	for (i = 0; i < k; i++)
		buf_free(&a[i]);
}

static void
array_number(struct buf *b, int64_t n)
{
	char	 s[24];

	snprintf(s, sizeof(s), "%" PRId64, n);
	array_add(b, s);
}

/*
 * Counts the views h[0..n) (in a transaction of store_pg_counts_begin):
 * a view whose key (h[i].view) the day has already, from any node, is
 * not counted again; the others are added to their article's total and
 * day by its slug (an article PostgreSQL has not is left out).  Returns
 * 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_hits_add(struct store_pg *pg, const struct pg_view *h, size_t n)
{
	struct buf	 a[3];
	const char	*v[3];
	size_t		 i;
	int		 rc;

	if (n == 0)
		return 0;
	arrays_begin(a, 3);
	for (i = 0; i < n; i++) {
		array_number(&a[0], h[i].day);
		array_add(&a[1], h[i].view);
		array_add(&a[2], h[i].slug);
	}
	arrays_end(a, 3, v);
	rc = run_ok(pg, PS_HITS_ADD, 3, v);
	arrays_free(a, 3);
	return rc;
}

/*
 * Forgets the views and keys of the days before day.  Returns 0, or -1
 * leaving store_pg_error(pg).
 */
int
store_pg_hits_prune(struct store_pg *pg, int64_t day)
{
	char		 d[24];
	const char	*v[] = { d };

	snprintf(d, sizeof(d), "%" PRId64, day);
	if (run_ok(pg, PS_HITS_PRUNE, 1, v) == -1)
		return -1;
	return run_ok(pg, PS_HITS_PRUNE_KEYS, 1, v);
}

/*
 * Calls fn for every total (day -1: the article's hits, its front
 * matter's seed included) and every day's count from day from on that
 * changed after stamp since, with the article's slug (valid during the
 * call).  Sets *last to the highest stamp read (since, when none).
 * Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_hits_changed(struct store_pg *pg, int64_t since, int64_t from,
    void (*fn)(void *arg, const char *slug, int64_t day, int64_t count),
    void *arg, int64_t *last)
{
	char		 s[24], f[24];
	const char	*v[] = { s, f };
	PGresult	*res;
	long long	 day, count, seq;
	int		 i, n;

	*last = since;
	snprintf(s, sizeof(s), "%" PRId64, since);
	snprintf(f, sizeof(f), "%" PRId64, from);
	if ((res = run(pg, PS_HITS_CHANGED, 2, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (parse_number(PQgetvalue(res, i, 1), -1, INT32_MAX,
		    &day) == -1 || parse_number(PQgetvalue(res, i, 2), 0,
		    INT64_MAX, &count) == -1 || parse_number(PQgetvalue(res, i,
		    3), 1, INT64_MAX, &seq) == -1) {
			set_error(pg, "kbd.hit: a bad number");
			PQclear(res);
			return -1;
		}
		fn(arg, PQgetvalue(res, i, 0), day, count);
		if (seq > *last)
			*last = seq;
	}
	PQclear(res);
	return 0;
}

/*
 * Counts the votes h[0..n) (in a transaction of store_pg_counts_begin)
 * as store_pg_hits_add() counts views: a vote whose key the day has
 * already, from any node, does not count again; h[i].helpful is "Ja".
 * Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_votes_add(struct store_pg *pg, const struct pg_view *h, size_t n)
{
	struct buf	 a[4];
	const char	*v[4];
	size_t		 i;
	int		 rc;

	if (n == 0)
		return 0;
	arrays_begin(a, 4);
	for (i = 0; i < n; i++) {
		array_number(&a[0], h[i].day);
		array_add(&a[1], h[i].view);
		array_add(&a[2], h[i].slug);
		array_add(&a[3], h[i].helpful ? "1" : "0");
	}
	arrays_end(a, 4, v);
	rc = run_ok(pg, PS_VOTES_ADD, 4, v);
	arrays_free(a, 4);
	return rc;
}

/*
 * Keeps the comment h->comment (in a transaction of
 * store_pg_counts_begin), unless its key (one per reader, article and
 * day) is there already.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_comment_add(struct store_pg *pg, const struct pg_view *h)
{
	char		 day[24], when[24];
	const char	*v[6];

	snprintf(day, sizeof(day), "%" PRId64, h->day);
	snprintf(when, sizeof(when), "%" PRId64, h->when);
	v[0] = day;
	v[1] = h->view;
	v[2] = h->slug;
	v[3] = when;
	v[4] = h->helpful ? "true" : "false";
	v[5] = h->comment;
	return run_ok(pg, PS_COMMENT_ADD, 6, v);
}

/*
 * Calls fn for every day's votes of an article that changed after stamp
 * since, with the article's slug (valid during the call), and sets
 * *last to the highest stamp read (since, when none).  Returns 0, or -1
 * leaving store_pg_error(pg).
 */
int
store_pg_votes_changed(struct store_pg *pg, int64_t since,
    void (*fn)(void *arg, const char *slug, int64_t day, int64_t yes,
    int64_t no), void *arg, int64_t *last)
{
	char		 s[24];
	const char	*v[] = { s };
	PGresult	*res;
	long long	 day, yes, no, seq;
	int		 i, n;

	*last = since;
	snprintf(s, sizeof(s), "%" PRId64, since);
	if ((res = run(pg, PS_VOTES_CHANGED, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (parse_number(PQgetvalue(res, i, 1), 0, INT32_MAX,
		    &day) == -1 || parse_number(PQgetvalue(res, i, 2), 0,
		    INT64_MAX, &yes) == -1 || parse_number(PQgetvalue(res, i,
		    3), 0, INT64_MAX, &no) == -1 || parse_number(PQgetvalue(res,
		    i, 4), 1, INT64_MAX, &seq) == -1) {
			set_error(pg, "kbd.vote_day: a bad number");
			PQclear(res);
			return -1;
		}
		fn(arg, PQgetvalue(res, i, 0), day, yes, no);
		if (seq > *last)
			*last = seq;
	}
	PQclear(res);
	return 0;
}

/*
 * Calls fn for every comment with an id above after, of day from on, in
 * the order of their ids, with its article's slug and its text (valid
 * during the call), and sets *last to the highest id read (after, when
 * none).  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_comments_new(struct store_pg *pg, int64_t after, int64_t from,
    void (*fn)(void *arg, const struct pg_view *c), void *arg,
    int64_t *last)
{
	struct pg_view	 c;
	char		 s[24], f[24];
	const char	*v[] = { s, f };
	PGresult	*res;
	long long	 id, day, when;
	int		 i, n;

	*last = after;
	snprintf(s, sizeof(s), "%" PRId64, after);
	snprintf(f, sizeof(f), "%" PRId64, from);
	if ((res = run(pg, PS_COMMENTS_NEW, 2, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (parse_number(PQgetvalue(res, i, 0), 1, INT64_MAX,
		    &id) == -1 || parse_number(PQgetvalue(res, i, 2), 0,
		    INT32_MAX, &day) == -1 || parse_number(PQgetvalue(res, i,
		    3), 0, INT64_MAX, &when) == -1) {
			set_error(pg, "kbd.vote_comment: a bad number");
			PQclear(res);
			return -1;
		}
		memset(&c, 0, sizeof(c));
		c.slug = PQgetvalue(res, i, 1);
		c.day = day;
		c.when = when;
		c.helpful = strcmp(PQgetvalue(res, i, 4), "t") == 0;
		c.comment = PQgetvalue(res, i, 5);
		fn(arg, &c);
		*last = id;
	}
	PQclear(res);
	return 0;
}

/*
 * The cluster's key name (hex, into out, size bytes): the one there is,
 * or mine (hex) when there is none yet, so that all nodes use the key
 * of the first.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_secret(struct store_pg *pg, const char *name, const char *mine,
    char *out, size_t size)
{
	const char	*v[] = { name, mine };
	PGresult	*res;

	if (run_ok(pg, PS_SECRET_PUT, 2, v) == -1)
		return -1;
	if ((res = run(pg, PS_SECRET, 1, v, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || (size_t)PQgetlength(res, 0, 0) >= size) {
		set_error(pg, "kbd.secret: no %s", name);
		PQclear(res);
		return -1;
	}
	snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/*
 * Counts the searches and clicks s[0..n) (in a transaction of
 * store_pg_counts_begin), in their order: a search on its day and
 * query, a new query beyond the day's queries distinct ones in the
 * day's row of "other" (the empty query), as store_searches_write()
 * does in SQLite, but over all nodes; a click for the latest day of its
 * query; a reader's click (slug set) as its tag, once per query,
 * article and tag.  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_searches_add(struct store_pg *pg, const struct search_row *s,
    size_t n, unsigned int queries)
{
	struct buf	 a[3], c[2], l[4];
	const char	*v[4];
	char		 q[24];
	size_t		 i, na = 0, nc = 0, nl = 0;
	int		 rc = 0;

	arrays_begin(a, 3);
	arrays_begin(c, 2);
	arrays_begin(l, 4);
	for (i = 0; i < n; i++) {
		if (!s[i].click) {
			array_number(&a[0], s[i].day);
			array_add(&a[1], s[i].query);
			array_number(&a[2], s[i].results);
			na++;
			continue;
		}
		array_number(&c[0], s[i].day);
		array_add(&c[1], s[i].query);
		nc++;
		if (s[i].slug == NULL)
			continue;
		array_add(&l[0], s[i].query);
		array_add(&l[1], s[i].slug);
		array_number(&l[2], s[i].tag);
		array_number(&l[3], s[i].day);
		nl++;
	}
	snprintf(q, sizeof(q), "%u", queries);
	arrays_end(a, 3, v);
	v[3] = q;
	/* The searches first: a click may be on one of the same batch. */
	if (na > 0)
		rc = run_ok(pg, PS_SEARCHES_ADD, 4, v);
	arrays_end(c, 2, v);
	if (rc == 0 && nc > 0)
		rc = run_ok(pg, PS_SEARCH_CLICKS_ADD, 2, v);
	arrays_end(l, 4, v);
	if (rc == 0 && nl > 0)
		rc = run_ok(pg, PS_LEARNED_ADD, 4, v);
	arrays_free(a, 3);
	arrays_free(c, 2);
	arrays_free(l, 4);
	return rc;
}

/*
 * Deletes the search log's days before before (none when before is 0)
 * and the readers' clicks of days before clicks.  Returns 0, or -1
 * leaving store_pg_error(pg).
 */
int
store_pg_searches_prune(struct store_pg *pg, int64_t before, int64_t clicks)
{
	char		 d[24];
	const char	*v[] = { d };

	snprintf(d, sizeof(d), "%" PRId64, before);
	if (before > 0 && run_ok(pg, PS_SEARCHES_PRUNE, 1, v) == -1)
		return -1;
	snprintf(d, sizeof(d), "%" PRId64, clicks);
	return run_ok(pg, PS_LEARNED_PRUNE, 1, v);
}

/*
 * Calls fn for every row of the search log of day from on, and every
 * reader's click of day clicks on, that changed after stamp since (the
 * strings valid during the call; a log row has no slug, a click's
 * results are its tag), and sets *last to the highest stamp read (since,
 * when none).  Returns 0, or -1 leaving store_pg_error(pg).
 */
int
store_pg_searches_changed(struct store_pg *pg, int64_t since, int64_t from,
    int64_t clicks, void (*fn)(void *arg, const struct search_row *s),
    void *arg, int64_t *last)
{
	struct search_row s;
	char		 a[24], f[24], c[24];
	const char	*v[] = { a, f, c };
	PGresult	*res;
	long long	 day, results, count, nclicks, seq;
	int		 i, n;

	*last = since;
	snprintf(a, sizeof(a), "%" PRId64, since);
	snprintf(f, sizeof(f), "%" PRId64, from);
	snprintf(c, sizeof(c), "%" PRId64, clicks);
	if ((res = run(pg, PS_SEARCHES_CHANGED, 3, v,
	    PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (parse_number(PQgetvalue(res, i, 0), 0, INT32_MAX,
		    &day) == -1 || parse_number(PQgetvalue(res, i, 3), 0,
		    INT64_MAX, &results) == -1 || parse_number(PQgetvalue(res,
		    i, 4), 0, INT64_MAX, &count) == -1 ||
		    parse_number(PQgetvalue(res, i, 5), 0, INT64_MAX,
		    &nclicks) == -1 || parse_number(PQgetvalue(res, i, 6), 1,
		    INT64_MAX, &seq) == -1) {
			set_error(pg, "kbd.search_log: a bad number");
			PQclear(res);
			return -1;
		}
		memset(&s, 0, sizeof(s));
		s.day = day;
		s.query = PQgetvalue(res, i, 1);
		if (!PQgetisnull(res, i, 2)) {
			s.click = 1;
			s.slug = PQgetvalue(res, i, 2);
			s.tag = (int)results;
		} else
			s.results = results;
		s.count = count;
		s.clicks = nclicks;
		fn(arg, &s);
		if (seq > *last)
			*last = seq;
	}
	PQclear(res);
	return 0;
}
