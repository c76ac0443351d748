/*
 * store.c (store): the SQLite file.  It opens connections the same way
 * everywhere (WAL, busy timeout, kbd's tokenizer and ranking functions
 * registered), creates and migrates the schema (PRAGMA user_version), keeps the
 * search index in step with the tokenizer, and hands every HTTP worker thread
 * its own read-only connection with its statements prepared once.  The one
 * writable connection belongs to writer.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbd.h"
#include "tokenizer.h"

#define SCHEMA_VERSION	7

static const char *schema_v1 =
	"CREATE TABLE article ("
	" id        INTEGER PRIMARY KEY,"
	" slug      TEXT NOT NULL UNIQUE,"
	" title     TEXT NOT NULL,"
	" category  TEXT NOT NULL DEFAULT '',"
	" tags      TEXT NOT NULL DEFAULT '',"	/* joined by newlines */
	" markdown  TEXT NOT NULL DEFAULT '',"
	" body_text TEXT NOT NULL DEFAULT '',"	/* what the index sees */
	" html      TEXT NOT NULL DEFAULT '',"
	" hash      TEXT NOT NULL DEFAULT '',"	/* of the whole file */
	" mtime     INTEGER NOT NULL DEFAULT 0,"	/* file mtime, ns */
	" size      INTEGER NOT NULL DEFAULT 0,"
	" state     TEXT NOT NULL DEFAULT 'published',"
	" created   INTEGER NOT NULL,"
	" updated   INTEGER NOT NULL,"
	" hits      INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX article_by_hits ON article(state, hits DESC, title, slug);"
	"CREATE TABLE hit_day ("
	" article_id INTEGER NOT NULL,"
	" day        INTEGER NOT NULL,"	/* days since 1970-01-01, UTC */
	" count      INTEGER NOT NULL,"
	" PRIMARY KEY (article_id, day)) WITHOUT ROWID;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
	" WITHOUT ROWID;";

/* Version 2: the words of the knowledge base, and what people search. */
static const char *schema_v2 =
	"CREATE TABLE word ("
	" folded  TEXT PRIMARY KEY,"	/* lowercase, umlauts folded */
	" surface TEXT NOT NULL,"	/* as written, lowercase */
	" docs    INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE search_log ("
	" day     INTEGER NOT NULL,"	/* days since 1970-01-01, UTC */
	" query   TEXT NOT NULL,"	/* normalised: folded words */
	" results INTEGER NOT NULL,"	/* of the last such search */
	" count   INTEGER NOT NULL,"
	" PRIMARY KEY (day, query)) WITHOUT ROWID;";

/*
 * Version 3: staff.  Accounts (Argon2id hashes), sessions (only a hash of
 * the cookie's token is kept, so a copy of the database logs nobody in),
 * every version of every article file (revision), the old names of
 * renamed articles (redirect), whether an article is a draft, and how
 * often a search was followed by opening an article (clicks).
 */
static const char *schema_v3 =
	"CREATE TABLE user ("
	" id         INTEGER PRIMARY KEY,"
	" name       TEXT NOT NULL UNIQUE,"
	" role       TEXT NOT NULL CHECK (role IN ('editor', 'admin')),"
	" pwhash     TEXT NOT NULL,"	/* crypto_pwhash_str, Argon2id */
	" token_hash TEXT,"		/* BLAKE2b of the API token, hex */
	" created    INTEGER NOT NULL);"
	"CREATE TABLE session ("
	" token_hash TEXT PRIMARY KEY,"	/* BLAKE2b of the cookie, hex */
	" user_id    INTEGER NOT NULL,"
	" csrf       TEXT NOT NULL,"
	" created    INTEGER NOT NULL,"
	" expires    INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE revision ("
	" id         INTEGER PRIMARY KEY,"
	" article_id INTEGER NOT NULL,"
	" rev        INTEGER NOT NULL,"	/* 1, 2, ... per article */
	" author     TEXT NOT NULL,"	/* a user, or 'file' */
	" created    INTEGER NOT NULL,"
	" hash       TEXT NOT NULL,"	/* of text */
	" text       TEXT NOT NULL,"	/* the whole file */
	" UNIQUE (article_id, rev));"
	"CREATE TABLE redirect ("
	" slug       TEXT PRIMARY KEY,"	/* an old name */
	" article_id INTEGER NOT NULL) WITHOUT ROWID;"
	"ALTER TABLE article ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE search_log ADD COLUMN clicks INTEGER NOT NULL DEFAULT 0;"
	/* Read every file once more, so that each gets its first revision. */
	"UPDATE article SET mtime = 0;";

/*
 * Version 4: top lists over the last days read hit_day by day; the
 * index holds the counts, so such a list never touches the table.  The
 * query names it: without statistics SQLite would rather scan the whole
 * table in article order, to group without sorting.
 */
static const char *schema_v4 =
	"CREATE INDEX hit_day_by_day ON hit_day(day, article_id, count);";

/*
 * Version 5: where a snippet could start reading an article's text.
 * Snippets find their words by a plain scan since version 6 (see
 * search_snippet.c); the column stays, empty.
 */
static const char *schema_v5 =
	"ALTER TABLE article ADD COLUMN body_marks BLOB;";

/*
 * Version 6: the phrasings staff attach to an article ("aliases" in its
 * front matter), each article's term vector (kbd_terms(),
 * search_index.c), from which the ranking's index is built in memory,
 * and the readers who reached an article from a query (search_log.c).
 */
static const char *schema_v6 =
	"CREATE TABLE search_click ("
	" query      TEXT NOT NULL,"	/* normalised, as in search_log */
	" article_id INTEGER NOT NULL,"
	" tag        INTEGER NOT NULL,"	/* of the reader, 0..255 */
	" day        INTEGER NOT NULL,"	/* the last click, days since 1970 */
	" PRIMARY KEY (query, article_id, tag)) WITHOUT ROWID;"
	"ALTER TABLE article ADD COLUMN aliases TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE article ADD COLUMN terms BLOB;"
	"UPDATE article SET terms = kbd_terms(title, tags, body_text, aliases),"
	" body_marks = NULL;";

/*
 * Version 7: "War dieser Artikel hilfreich?": votes per article and day
 * (never who voted) and the comments readers left (store_vote.c).
 */
static const char *schema_v7 =
	"CREATE TABLE vote_day ("
	" article_id INTEGER NOT NULL,"
	" day        INTEGER NOT NULL,"	/* days since 1970-01-01, UTC */
	" yes        INTEGER NOT NULL DEFAULT 0,"
	" no         INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (article_id, day)) WITHOUT ROWID;"
	"CREATE TABLE vote_comment ("
	" id         INTEGER PRIMARY KEY,"
	" article_id INTEGER NOT NULL,"
	" day        INTEGER NOT NULL,"
	" created    INTEGER NOT NULL,"	/* seconds since 1970 */
	" helpful    INTEGER NOT NULL,"	/* the vote it came with */
	" text       TEXT NOT NULL);"	/* plain text, at most 500 letters */
	"CREATE INDEX vote_comment_by_day ON vote_comment(day);";

/*
 * The search index holds published articles only, so that nothing else
 * can ever be found; triggers keep it in step with the article table.
 * Its definition is stored in meta: when it changes (a new tokenizer, new
 * options), the index is rebuilt from the articles at start.
 */
#define FTS_DEFINITION \
	"CREATE VIRTUAL TABLE article_fts USING fts5(title, tags, body_text," \
	" content='article', content_rowid='id', tokenize='kbd');" \
	"CREATE VIRTUAL TABLE article_vocab USING fts5vocab(article_fts, row);" \
	"CREATE TRIGGER article_fts_insert AFTER INSERT ON article" \
	" WHEN new.state = 'published' BEGIN" \
	" INSERT INTO article_fts(rowid, title, tags, body_text)" \
	"  VALUES (new.id, new.title, new.tags, new.body_text); END;" \
	"CREATE TRIGGER article_fts_delete AFTER DELETE ON article" \
	" WHEN old.state = 'published' BEGIN" \
	" INSERT INTO article_fts(article_fts, rowid, title, tags, body_text)" \
	"  VALUES ('delete', old.id, old.title, old.tags, old.body_text); END;" \
	"CREATE TRIGGER article_fts_update AFTER UPDATE OF title, tags," \
	" body_text, state ON article BEGIN" \
	" INSERT INTO article_fts(article_fts, rowid, title, tags, body_text)" \
	"  SELECT 'delete', old.id, old.title, old.tags, old.body_text" \
	"  WHERE old.state = 'published';" \
	" INSERT INTO article_fts(rowid, title, tags, body_text)" \
	"  SELECT new.id, new.title, new.tags, new.body_text" \
	"  WHERE new.state = 'published'; END;"


static const char *fts_drop =
	"DROP TRIGGER IF EXISTS article_fts_insert;"
	"DROP TRIGGER IF EXISTS article_fts_delete;"
	"DROP TRIGGER IF EXISTS article_fts_update;"
	"DROP TABLE IF EXISTS article_vocab;"
	"DROP TABLE IF EXISTS article_fts;";

/*
 * FTS5 leaves a bulk insert in many segments (17 for 50,000 articles),
 * and every term of every search is then looked up in each; merged into
 * one, a search at 50,000 articles took a quarter less at the median
 * (1.6 to 1.2 ms), for 1.3 s of merging.
 */
#define FTS_OPTIMIZE \
	"INSERT INTO article_fts(article_fts) VALUES ('optimize');"

static const char *fts_fill =
	"INSERT INTO article_fts(rowid, title, tags, body_text)"
	" SELECT id, title, tags, body_text FROM article"
	" WHERE state = 'published';" FTS_OPTIMIZE
	/* The term vectors the ranking's index is built from follow it. */
	"UPDATE article SET terms = kbd_terms(title, tags, body_text,"
	" aliases);";

static const char *reader_sql[ST__COUNT] = {
	[ST_ARTICLE_BY_SLUG] =
	    "SELECT id, title, category, tags, html, hits, updated, markdown,"
	    " created FROM article WHERE slug = ?1 AND state = 'published'",
	[ST_ARTICLE_BY_ID] =
	    "SELECT slug, title, category, hits, body_text"
	    " FROM article WHERE id = ?1 AND state = 'published'",
	[ST_TOP_SINCE] =
	    "SELECT a.slug, a.title, a.category, t.n FROM"
	    " (SELECT article_id, sum(count) AS n"
	    "  FROM hit_day INDEXED BY hit_day_by_day"
	    "  WHERE day >= ?1 GROUP BY article_id) AS t"
	    " JOIN article AS a ON a.id = t.article_id"
	    " WHERE a.state = 'published'"
	    " ORDER BY t.n DESC, a.title, a.slug LIMIT ?2",
	[ST_ARTICLE_SOURCE] =
	    "SELECT id, title, markdown FROM article"
	    " WHERE slug = ?1 AND state = 'published'",
	[ST_ARTICLES_INDEX] =
	    "SELECT slug, title, category, updated, substr(body_text, 1, 400)"
	    " FROM article WHERE state = 'published'"
	    " ORDER BY category, title, slug",
	[ST_ARTICLES_RECENT] =
	    "SELECT slug, title, category, updated, created, markdown, html"
	    " FROM article WHERE state = 'published'"
	    " ORDER BY updated DESC, slug LIMIT ?1",
	[ST_BEGIN] =
	    "BEGIN",
	[ST_COMMIT] =
	    "COMMIT",
	[ST_PHRASE_ROWS] =
	    "SELECT rowid FROM article_fts WHERE article_fts MATCH ?1",
	[ST_TERMS] =
	    "SELECT terms FROM article WHERE id = ?1",
	[ST_REDIRECT] =
	    "SELECT a.slug FROM redirect r JOIN article a"
	    " ON a.id = r.article_id WHERE r.slug = ?1"
	    " AND a.state = 'published'",
	[ST_SESSION] =
	    "SELECT u.id, u.name, u.role, s.csrf FROM session s JOIN user u"
	    " ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires > ?2",
	[ST_USER_BY_NAME] =
	    "SELECT id, role, pwhash FROM user WHERE name = ?1",
	[ST_USER_BY_TOKEN] =
	    "SELECT id, name, role FROM user WHERE token_hash = ?1",
};

static char		*db_path;
static const struct german_dict *dict;	/* for compound splitting */
static pthread_key_t	 reader_key;
static pthread_once_t	 reader_once = PTHREAD_ONCE_INIT;

/*
 * Creates the file path, if it is missing, readable by its owner only:
 * the database holds the hashes of passwords, sessions and API tokens.
 * SQLite gives its -wal and -shm files the database's mode.
 */
static void
create_private(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) != -1)
		close(fd);
}

/*
 * Opens path with kbd's settings.  Returns 0 and the connection in *out,
 * or -1 with a reason in *errstr (which stays valid until the next call
 * in this thread).
 */
int
store_open(const char *path, int readonly, sqlite3 **out, const char **errstr)
{
	static _Thread_local char	 why[512];
	sqlite3				*db = NULL;
	int				 rc, flags;

	flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!readonly)
		create_private(path);
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, readonly ?
		    "PRAGMA query_only = 1; PRAGMA mmap_size = 268435456;" :
		    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
		    NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = tokenizer_register(db, dict);
	if (rc == SQLITE_OK)
		rc = terms_register(db, dict);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
		*errstr = why;
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

/* Runs sql (several statements) on db; -1 leaves sqlite3_errmsg(db). */
static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* db's last error, for a message (valid until db's next call). */
const char *
store_error(sqlite3 *db)
{
	return sqlite3_errmsg(db);
}

/*
 * Closes db (NULL: nothing to do).  Returns 0, or -1 after a warning
 * when a statement was left open.
 */
int
store_close(sqlite3 *db)
{
	if (db == NULL || sqlite3_close(db) == SQLITE_OK)
		return 0;
	log_warnx("closing the database: %s", sqlite3_errmsg(db));
	return -1;
}

/*
 * A write transaction on db: store_begin() takes the write lock at once
 * (BEGIN IMMEDIATE), store_commit() ends it; both return 0, or -1
 * leaving store_error(db).  store_rollback() undoes an open one.
 */
int
store_begin(sqlite3 *db)
{
	return exec(db, "BEGIN IMMEDIATE");
}

int
store_commit(sqlite3 *db)
{
	return exec(db, "COMMIT");
}

void
store_rollback(sqlite3 *db)
{
	(void)exec(db, "ROLLBACK");
}

/*
 * Merges the search index into one segment, after an import that changed
 * many articles.  Returns 0, or -1 leaving sqlite3_errmsg(db).
 */
int
store_optimize(sqlite3 *db)
{
	return exec(db, FTS_OPTIMIZE);
}

static int
user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * Describes the index as this binary builds it: the tokenizer's version,
 * the dictionary's size and the table definition.  The caller frees it.
 */
static char *
fts_version(void)
{
	return xasprintf("tokenizer %s; dictionary %zu words; %s",
	    TOKENIZER_VERSION, german_dict_size(dict), FTS_DEFINITION);
}

/* Is the stored index definition the one this binary uses? */
static int
fts_current(sqlite3 *db)
{
	sqlite3_stmt	*st = NULL;
	char		*want = fts_version();
	int		 same = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'fts'",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(st, 0),
		    want) == 0;
	sqlite3_finalize(st);
	free(want);
	return same;
}

/* The word counts depend on the tokenizer too: count them again. */
static int
recount_words(sqlite3 *db)
{
	struct tokenizer	*t;
	int			 rc;

	if ((t = tokenizer_new(dict)) == NULL)
		return -1;
	rc = store_words_recount(db, t);
	tokenizer_free(t);
	return rc;
}

static int
fts_rebuild(sqlite3 *db)
{
	sqlite3_stmt	*st = NULL;
	char		*version = fts_version();
	int		 rc;

	log_info("building the search index");
	if (exec(db, fts_drop) == -1 || exec(db, FTS_DEFINITION) == -1 ||
	    exec(db, fts_fill) == -1 || recount_words(db) == -1) {
		free(version);
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES ('fts', ?1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && sqlite3_step(st) != SQLITE_DONE)
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	free(version);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * Brings the schema of db up to SCHEMA_VERSION in one transaction, and
 * with index, the search index up to this binary's definition.
 */
static int
migrate(sqlite3 *db, int index, const char **errstr)
{
	int	 version = 0;

	if (exec(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (user_version(db, &version) == -1)
		goto fail;
	if (version > SCHEMA_VERSION) {
		*errstr = "the database was made by a newer kbd";
		goto fail;
	}
	if (version < 1 && exec(db, schema_v1) == -1)
		goto fail;
	if (version < 2 && exec(db, schema_v2) == -1)
		goto fail;
	if (version < 3 && exec(db, schema_v3) == -1)
		goto fail;
	if (version < 4 && exec(db, schema_v4) == -1)
		goto fail;
	if (version < 5 && exec(db, schema_v5) == -1)
		goto fail;
	if (version > 0 && version < 6)
		log_info("adding the ranking's term vectors to every article "
		    "(once)");
	if (version < 6 && exec(db, schema_v6) == -1)
		goto fail;
	if (version < 7 && exec(db, schema_v7) == -1)
		goto fail;
	if (version < SCHEMA_VERSION && exec(db, "PRAGMA user_version = "
	    STR(SCHEMA_VERSION)) == -1)
		goto fail;
	if (index && !fts_current(db) && fts_rebuild(db) == -1)
		goto fail;
	return exec(db, "COMMIT");
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Writes the reason a database cannot be used into why, on one line:
 * SQLite's reasons (and quick_check's) may hold newlines.
 */
static void
refusal(char *why, size_t size, const char *path, const char *reason,
    int damaged)
{
	char	*p;

	snprintf(why, size, "%s: %s%s%s", path, damaged ? "the database is "
	    "damaged (" : "", reason, damaged ? "); restore a backup, or "
	    "move it away to start afresh" : "");
	for (p = why; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
}

/*
 * Looks at the existing database at path without writing anything: is it
 * an SQLite database of this kbd or an older one, undamaged (PRAGMA
 * quick_check)?  Sets *current when the schema (and with index, the
 * search index) need no change, so that nothing is written at start (and
 * a database another process holds a write lock on does not stop the
 * start).  Returns 0, or -1 with a reason in why.
 */
static int
look(const char *path, int index, int *current, char *why, size_t size)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*verdict;
	int		 version = 0, rc;

	*current = 0;
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK && user_version(db, &version) == -1)
		rc = sqlite3_errcode(db);
	if (rc == SQLITE_OK && version > SCHEMA_VERSION) {
		refusal(why, size, path, "the database was made by a newer "
		    "kbd", 0);
		goto fail;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st,
		    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		verdict = (const char *)sqlite3_column_text(st, 0);
		if (verdict == NULL || strcmp(verdict, "ok") != 0) {
			refusal(why, size, path, verdict != NULL ? verdict :
			    "?", 1);
			goto fail;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		refusal(why, size, path, db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc), (rc & 0xff) == SQLITE_CORRUPT);
		goto fail;
	}
	sqlite3_finalize(st);
	*current = version == SCHEMA_VERSION && (!index || fts_current(db));
	sqlite3_close(db);
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return -1;
}

/* store_init() and store_init_schema(); index: keep the index current. */
static int
init(const char *path, const struct german_dict *d, int index,
    const char **errstr)
{
	static char	 why[512];
	struct stat	 sb;
	sqlite3		*db;
	int		 current = 0;

	dict = d;
	*errstr = why;
	if (stat(path, &sb) == 0 && look(path, index, &current, why,
	    sizeof(why)) == -1)
		return -1;
	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0)
		log_warnx("%s can be read by other users of this machine (mode "
		    "%03o); it holds password and session hashes: chmod 600 "
		    "it", path, (unsigned int)(sb.st_mode & 0777));
	if (store_open(path, 0, &db, errstr) == -1)
		return -1;
	*errstr = NULL;
	if (!current && migrate(db, index, errstr) == -1) {
		snprintf(why, sizeof(why), "%s: %s", path, *errstr != NULL ?
		    *errstr : sqlite3_errmsg(db));
		*errstr = why;
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);

	free(db_path);
	db_path = xstrdup(path);
	return 0;
}

/*
 * Creates or migrates the database at path and remembers path for the
 * readers; every connection's tokenizer splits compounds with d (which
 * may be NULL and must outlive the store); an index made with another
 * tokenizer or dictionary is built afresh.  Returns 0, or -1 with a
 * reason in *errstr.  An existing file is looked at read-only first: one
 * that is not an SQLite database, is damaged or was made by a newer kbd
 * is reported and left untouched.
 */
int
store_init(const char *path, const struct german_dict *d,
    const char **errstr)
{
	return init(path, d, 1, errstr);
}

/*
 * The same for `kbd user`, which needs the tables and not the search: it
 * leaves the index as it is.  Rebuilding it here, without the server's
 * dictionary, would put an index without compounds under a running
 * server, and make the next start rebuild it once more.
 */
int
store_init_schema(const char *path, const char **errstr)
{
	return init(path, NULL, 0, errstr);
}

static void reader_close(void *);

static void
reader_key_init(void)
{
	if (pthread_key_create(&reader_key, reader_close) != 0)
		fatalx("pthread_key_create failed");
}

static void
reader_close(void *p)
{
	struct reader	*r = p;
	size_t		 i;

	for (i = 0; i < nitems(r->st); i++)
		sqlite3_finalize(r->st[i]);
	if (r->ext_free != NULL)
		r->ext_free(r->ext);
	sqlite3_close(r->db);
	tokenizer_free(r->tok);
	free(r);
}

/*
 * Returns this thread's reader, opening it on first use; it lives as long
 * as the thread.  Returns NULL (and logs why) when the database cannot be
 * opened; the caller answers 503.
 */
struct reader *
store_reader(void)
{
	struct reader	*r;
	const char	*errstr;
	size_t		 i;

	pthread_once(&reader_once, reader_key_init);
	if ((r = pthread_getspecific(reader_key)) != NULL)
		return r;

	r = xcalloc(1, sizeof(*r));
	if (store_open(db_path, 1, &r->db, &errstr) == -1) {
		log_warnx("reader: %s", errstr);
		free(r);
		return NULL;
	}
	if ((r->tok = tokenizer_new(dict)) == NULL) {
		log_warnx("reader: cannot set up the tokenizer");
		reader_close(r);
		return NULL;
	}
	for (i = 0; i < nitems(r->st); i++) {
		if (sqlite3_prepare_v3(r->db, reader_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) != SQLITE_OK) {
			log_warnx("reader: %s", sqlite3_errmsg(r->db));
			reader_close(r);
			return NULL;
		}
	}
	pthread_setspecific(reader_key, r);
	return r;
}

/* Returns the dictionary the tokenizers split compounds with, or NULL. */
const struct german_dict *
store_dict(void)
{
	return dict;
}

/*
 * Writes a consistent copy of the database at path to dest, with SQLite's
 * online backup, while the server may be writing: the copy is one read
 * transaction, so it is the database as of one moment.  It goes to
 * dest.part first, is checked, synced and renamed, so dest is either the
 * old file or a whole new copy.  Returns 0, or -1 with a reason in
 * *errstr.
 */
int
store_backup(const char *path, const char *dest, const char **errstr)
{
	static char	 why[512];
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	sqlite3_stmt	*st = NULL;
	char		*part = xasprintf("%s.part", dest);
	int		 rc, fd;

	*errstr = why;
	unlink(part);
	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(src, 5000);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s: %s", path, sqlite3_errmsg(src));
		goto fail;
	}
	create_private(part);
	if ((rc = sqlite3_open(part, &dst)) != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s: %s", part, sqlite3_errmsg(dst));
		goto fail;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(why, sizeof(why), "%s", sqlite3_errmsg(dst));
		goto fail;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(why, sizeof(why), "backup: %s", sqlite3_errstr(rc));
		goto fail;
	}
	/* One self-contained file, and a sound one. */
	rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st,
		    NULL);
	if (rc == SQLITE_OK && (sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0))
		rc = SQLITE_CORRUPT;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s: the copy is not sound: %s",
		    part, sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_close(dst);
	dst = NULL;
	if ((fd = open(part, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1 ||
	    rename(part, dest) == -1) {
		snprintf(why, sizeof(why), "%s: %s", dest, strerror(errno));
		if (fd != -1)
			close(fd);
		goto fail;
	}
	close(fd);
	sqlite3_close(src);
	free(part);
	return 0;
fail:
	sqlite3_close(dst);
	sqlite3_close(src);
	unlink(part);
	free(part);
	return -1;
}

/*
 * Runs one statement sql on db with its parameters ?1, ?2, ... bound in
 * order from the arguments, as types says: 't' a string (const char *),
 * 'i' an int64_t.  Returns the number of rows changed, or -1 (the reason
 * is in sqlite3_errmsg(db)).
 */
int
store_run(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt	*st = NULL;
	va_list		 ap;
	int		 rc, i;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	va_start(ap, types);
	for (i = 0; rc == SQLITE_OK && types[i] != '\0'; i++)
		rc = types[i] == 't' ? sqlite3_bind_text(st, i + 1,
		    va_arg(ap, const char *), -1, SQLITE_TRANSIENT) :
		    sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	va_end(ap);
	if (rc == SQLITE_OK && sqlite3_step(st) != SQLITE_DONE)
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? sqlite3_changes(db) : -1;
}

/*
 * Lets the old name from redirect to the article named to, as a rename
 * does; not while an article that is not deleted is named from, and
 * nothing when there is no article to.  For a node of a cluster, whose
 * redirects come from PostgreSQL.  Returns 0, or -1 leaving
 * store_error(db).
 */
int
store_redirect_add(sqlite3 *db, const char *from, const char *to)
{
	return store_run(db, "INSERT OR REPLACE INTO redirect(slug, "
	    "article_id) SELECT ?1, id FROM article WHERE slug = ?2 AND "
	    "NOT EXISTS (SELECT 1 FROM article WHERE slug = ?1 AND "
	    "state <> 'deleted')", "tt", from, to) == -1 ? -1 : 0;
}

/* Returns the bytes of the database file and its WAL. */
int64_t
store_size(void)
{
	struct stat	 sb;
	char		 wal[PATH_MAX];
	int64_t		 n = 0;

	if (db_path == NULL)
		return 0;
	if (stat(db_path, &sb) == 0)
		n += sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	if (stat(wal, &sb) == 0)
		n += sb.st_size;
	return n;
}

/* Called once every reader thread has ended (and closed its reader). */
void
store_shutdown(void)
{
	free(db_path);
	db_path = NULL;
}
