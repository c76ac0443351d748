/*
 * cmd_serve.c (cmd): the server's start and stop.  The order matters: the
 * listen address and the access log are checked before anything starts
 * (exit 2 on a mistake); the schema is made before any reader opens the
 * file; the writer starts importing before HTTP listens, and /healthz
 * says "ok" once the first import is done.  Signals are blocked in every
 * thread and taken here with sigwait(), so no handler ever runs in the
 * middle of a request.  Stopping goes the other way: HTTP finishes the
 * requests under way, then the writer flushes the last hits and closes
 * the database.  A node of a cluster (--cluster) takes its articles from
 * PostgreSQL into a folder of its own before the writer starts
 * (cmd_node.c), follows PostgreSQL once it runs, counts its hits,
 * votes and searches there (hits_cluster.c; they are sent once more at
 * a stop, before the writer stops), keeps its staff accounts, sessions
 * and lock-out there (store_pg_shared_init), and sends staff changes to
 * it first (staff_edit.c); picture uploads are refused.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <pthread.h>
#include <sodium.h>

#include "kbd.h"
#include "german.h"

/* Prints the URL kbd listens on; tests read the port from this line. */
static void
announce(const struct config *cfg, unsigned short port)
{
	const char	*colon = strrchr(cfg->listen, ':');

	log_info("listening on %s://%.*s:%u/", cfg->tls_cert ? "https" :
	    "http", (int)(colon - cfg->listen), cfg->listen, port);
}

/*
 * Loads the word list for compound splitting.  Without it kbd still
 * works, only compounds are not split; say so, once.
 */
static struct german_dict *
load_dict(const char *path)
{
	struct german_dict	*d;
	const char		*errstr;

	if (*path == '\0')
		return NULL;
	if ((d = german_dict_load(path, &errstr)) == NULL) {
		log_warnx("--dict %s: %s; compounds are not split", path,
		    errstr);
		return NULL;
	}
	log_debug("dictionary: %zu words", german_dict_size(d));
	return d;
}

/*
 * Reads the dictionaries for English words and synonyms in searches (a
 * second or so), in a thread of its own while the server already
 * answers: searches go without them until they are there.  Without the
 * files kbd still works, only those words find less; say so.
 */
static void *
load_dicts(void *arg)
{
	const struct config	*cfg = arg;
	struct search_dicts	*d;
	const char		*missing;
	size_t			 ding, thes;

	d = search_dict_load(cfg->english, cfg->thesaurus, &missing);
	if (missing != NULL)
		log_warnx("%s: cannot be read; searches go without it",
		    missing);
	search_dict_size(d, &ding, &thes);
	log_info("dictionaries: %zu Ding entries, %zu synonym groups", ding,
	    thes);
	search_dict_use(d);
	return NULL;
}

/*
 * A node of a cluster signs its vote forms with the cluster's key, by
 * slug, so that a form one node made counts on every node: the key in
 * PostgreSQL, or key (this node's) when there is none yet.  PostgreSQL
 * away, the node's own key is used until its next start, and said so.
 */
static void
vote_key_cluster(const char *url, unsigned char *key, size_t n)
{
	struct store_pg	*pg;
	const char	*errstr;
	unsigned char	 bin[64];
	char		 mine[2 * 64 + 1], theirs[2 * 64 + 1];
	size_t		 len = 0;

	feedback_by_slug();
	sodium_bin2hex(mine, sizeof(mine), key, n);
	if (store_pg_open(url, &pg, &errstr) == -1) {
		log_warnx("votes: %s; the vote forms of this node are good on "
		    "this node only, until it starts with PostgreSQL", errstr);
		return;
	}
	if (store_pg_secret(pg, "vote_key", mine, theirs,
	    sizeof(theirs)) == -1 || sodium_hex2bin(bin, n, theirs,
	    strlen(theirs), NULL, &len, NULL) != 0 || len != n)
		log_warnx("votes: %s: no key for the vote forms (%s); those "
		    "of this node are good on this node only",
		    store_pg_where(pg), store_pg_error(pg));
	else
		memcpy(key, bin, n);
	store_pg_close(pg);
	sodium_memzero(bin, sizeof(bin));
	sodium_memzero(mine, sizeof(mine));
	sodium_memzero(theirs, sizeof(theirs));
}

/*
 * Hands the key that signs the vote forms (kept in the database, so that
 * pages stay good across restarts; a cluster's in PostgreSQL) to the web
 * layer.  A key that cannot be kept is made for this run only, and said
 * so.  Returns 0, or -1 when no key can be had at all.
 */
static int
vote_key(const char *db, const char *cluster)
{
	unsigned char	 key[64];
	const char	*errstr = "?";
	size_t		 n = feedback_key_size();

	if (n > sizeof(key))
		return -1;
	if (store_vote_key(db, key, n, &errstr) == -1)
		log_warnx("votes: %s; the forms' key is new with every start",
		    errstr);
	if (cluster != NULL)
		vote_key_cluster(cluster, key, n);
	feedback_init(key, n);
	sodium_memzero(key, sizeof(key));
	return 0;
}

/*
 * In the writer: sets the cluster's counts and search log, and shows
 * them.
 */
static int
counts_job(sqlite3 *db, void *arg)
{
	const struct hits_cluster_counts	*c = arg;
	const char				*errstr;
	size_t					 i;

	if (c->nhits > 0 && store_hits_set(db, c->hits, c->nhits,
	    &errstr) == -1) {
		log_warnx("hits: %s", errstr);
		return -1;
	}
	if (c->nvotes > 0 && store_votes_set(db, c->votes, c->nvotes,
	    &errstr) == -1) {
		log_warnx("votes: %s", errstr);
		return -1;
	}
	if (c->nsearches > 0 && store_searches_set(db, c->searches,
	    c->nsearches, &errstr) == -1) {
		log_warnx("search log: %s", errstr);
		return -1;
	}
	if (c->nhits > 0 && snapshot_hits_reload(db) == -1)
		return -1;
	/* Readers' clicks change what the articles were searched as. */
	for (i = 0; i < c->nsearches; i++)
		if (c->searches[i].click) {
			(void)snapshot_learned(db);
			break;
		}
	return c->nvotes > 0 ? hits_vote_reload(db) : 0;
}

/*
 * Hands what the cluster counted (hits_cluster.c, which is below the
 * writer and must not call it by name) to the writer.  Returns 0 or -1.
 */
static int
counts_set(const struct hits_cluster_counts *c)
{
	return writer_call(counts_job, (void *)(uintptr_t)c);
}

/*
 * Joins the web layer and the staff layer, which the web layer must not
 * call by name: the staff's routes, the staff check of views, the
 * routes' names for /metrics.  Fills *hooks with what http_start() takes.
 * Once, before http_start().
 */
void
cmd_serve_web(struct http_hooks *hooks)
{
	route_add(staff_page_routes, staff_page_nroutes);
	route_add(staff_api_routes, staff_api_nroutes);
	route_add(staff_media_routes, staff_media_nroutes);
	route_staff_check(staff_auth_is_staff);
	metrics_init(route_count(), route_label);
	hooks->admit = route_admit;
	hooks->dispatch = route_dispatch;
	hooks->completed = route_completed;
	hooks->error = route_error;
}

/*
 * kbd without a command: serves until SIGTERM or SIGINT; SIGHUP reads
 * the articles again and reopens the access log.  Returns the exit
 * status: 0 after a clean stop, 2 for a mistake of the operator's (the
 * address cannot be bound, the access log cannot be opened), 1 else.
 */
int
cmd_serve(const struct config *cfg)
{
	struct http_hooks	 web;
	struct german_dict	*dict = NULL;
	const char		*errstr, *articles = cfg->articles;
	char			 mirror[4096];
	pthread_t		 dicts;
	sigset_t		 set;
	unsigned short		 port;
	int			 sig, rc = 2, reading = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* What the operator can get wrong is checked first: exit 2. */
	if (http_listen(cfg, &port, &errstr) == -1) {
		log_warnx("%s", errstr);
		http_stop();
		return 2;
	}
	site_init(cfg, port);
	if (accesslog_open(cfg->access_log) == -1) {
		log_warn("--access-log %s", cfg->access_log);
		http_stop();
		return 2;
	}
	if (staff_auth_init(cfg) == -1) {
		log_warnx("cannot set up logins (out of memory?)");
		http_stop();
		return 1;
	}
	dict = load_dict(cfg->dict);
	if (store_init(cfg->db, dict, &errstr) == -1) {
		log_warnx("%s", errstr);
		goto done;
	}
	if (vote_key(cfg->db, cfg->cluster) == -1)
		goto done;
	if (cfg->cluster != NULL) {
		/* A node: its articles come from PostgreSQL (cmd_node.c). */
		snprintf(mirror, sizeof(mirror), "%s.articles", cfg->db);
		articles = mirror;
		store_pg_shared_init(cfg->cluster);
		staff_edit_cluster(cfg->cluster);
		/* Pictures are not in PostgreSQL: the other nodes lack them. */
		staff_media_refuse("Bilder können auf einem Knoten des "
		    "Clusters noch nicht hochgeladen werden; sie kämen nicht "
		    "auf die anderen Knoten. Das Bild ist nicht gespeichert.");
		if (cmd_node_start(cfg, articles) == -1)
			goto done;
	}
	media_init(articles);
	if (static_load(cfg->static_dir, &errstr) == -1) {
		log_warnx("--static %s: %s", cfg->static_dir, errstr);
		goto done;
	}
	if (*cfg->english == '\0' && *cfg->thesaurus == '\0')
		search_dict_use(NULL);		/* none: settled */
	else if (pthread_create(&dicts, NULL, load_dicts,
	    (void *)(uintptr_t)cfg) == 0)
		reading = 1;
	else
		load_dicts((void *)(uintptr_t)cfg);

	rc = 1;
	search_log_setup(cfg->search_log_days, cfg->search_log_queries);
	if (writer_start(cfg->db, articles, accesslog_flush) == -1)
		goto done;
	/* A node counts its hits in the cluster (hits_cluster.c). */
	if (cfg->cluster != NULL && hits_cluster_start(cfg->cluster,
	    counts_set) == -1)
		goto writer;
	if (cfg->cluster != NULL) {
		cmd_node_run();
		if (cfg->keep_folder)
			cmd_folder_start(cfg);
	} else
		watch_start(articles);
	cmd_serve_web(&web);
	if (http_start(cfg, &web, &errstr) == -1) {
		log_warnx("%s", errstr);
		goto writer;
	}
	announce(cfg, port);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		log_info("SIGHUP: reading the articles folder again, reopening "
		    "the access log");
		writer_sync();
		cmd_folder_poke();
		accesslog_reopen();
	}
	log_info("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
	/*
	 * Logins waiting for their check are answered (a suspended request
	 * would stop HTTP from stopping), then requests under way finish;
	 * their hits are then flushed.
	 */
	staff_auth_stop();
	http_stop();
writer:
	/* Before the writer: its last batch may still set counts there. */
	hits_cluster_stop();
	cmd_folder_stop();
	cmd_node_stop();
	watch_stop();
	writer_stop();
	staff_edit_close();
	hits_vote_shutdown();
	snapshot_shutdown();
done:
	cmd_node_stop();
	staff_auth_stop();
	http_stop();
	hits_visitor_shutdown();
	store_pg_shared_close();
	cache_shutdown();
	accesslog_close();
	store_shutdown();
	static_unload();
	german_dict_free(dict);
	if (reading)
		pthread_join(dicts, NULL);
	search_dict_free(search_dict_use(NULL));
	if (rc == 0)
		log_info("stopped");
	return rc;
}

