/*
 * main.c (main): kbd's start and stop.  The order matters: the options and paths
 * are checked before anything starts (exit 2 on a mistake); the schema is
 * made before any reader opens the file; the writer starts importing
 * before HTTP listens, and /healthz says "ok" once the first import is
 * done.  Signals are blocked in every thread and taken here with
 * sigwait(), so no handler ever runs in the middle of a request.
 * Stopping goes the other way: HTTP finishes the requests under way, then
 * the writer flushes the last hits and closes the database.
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
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

	d = search_dicts_load(cfg->english, cfg->thesaurus, &missing);
	if (missing != NULL)
		log_warnx("%s: cannot be read; searches go without it",
		    missing);
	search_dicts_size(d, &ding, &thes);
	log_info("dictionaries: %zu Ding entries, %zu synonym groups", ding,
	    thes);
	search_dicts_use(d);
	return NULL;
}

static int
serve(const struct config *cfg)
{
	static const struct http_hooks	 web = {
		route_dispatch, route_completed, route_error,
	};
	struct german_dict	*dict = NULL;
	const char		*errstr;
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
	if (auth_init(cfg) == -1) {
		log_warnx("cannot set up logins (out of memory?)");
		http_stop();
		return 1;
	}
	dict = load_dict(cfg->dict);
	if (store_init(cfg->db, dict, &errstr) == -1) {
		log_warnx("%s", errstr);
		goto done;
	}
	if (static_load(cfg->static_dir, &errstr) == -1) {
		log_warnx("--static %s: %s", cfg->static_dir, errstr);
		goto done;
	}
	if (*cfg->english == '\0' && *cfg->thesaurus == '\0')
		search_dicts_use(NULL);		/* none: settled */
	else if (pthread_create(&dicts, NULL, load_dicts,
	    (void *)(uintptr_t)cfg) == 0)
		reading = 1;
	else
		load_dicts((void *)(uintptr_t)cfg);

	rc = 1;
	if (writer_start(cfg->db, cfg->articles, accesslog_flush) == -1)
		goto done;
	watch_start(cfg->articles);
	route_add(admin_routes, admin_nroutes);
	route_add(adminapi_routes, adminapi_nroutes);
	route_staff_check(auth_is_staff);
	metrics_init(route_count(), route_label);
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
		accesslog_reopen();
	}
	log_info("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
	/* Requests under way finish first; their hits are then flushed. */
	http_stop();
writer:
	watch_stop();
	writer_stop();
	snapshot_shutdown();
done:
	http_stop();
	visitor_shutdown();
	cache_shutdown();
	accesslog_close();
	store_shutdown();
	static_unload();
	german_dict_free(dict);
	if (reading)
		pthread_join(dicts, NULL);
	search_dicts_free(search_dicts_use(NULL));
	if (rc == 0)
		log_info("stopped");
	return rc;
}

/* kbd backup FILE: a consistent copy, even while a server writes. */
static int
backup(const struct config *cfg)
{
	struct stat	 db, dest;
	const char	*errstr;

	if (stat(cfg->db, &db) == 0 && stat(cfg->args[0], &dest) == 0 &&
	    db.st_dev == dest.st_dev && db.st_ino == dest.st_ino) {
		fprintf(stderr, "kbd: %s is the database itself\n",
		    cfg->args[0]);
		return 2;
	}
	if (store_backup(cfg->db, cfg->args[0], &errstr) == -1) {
		fprintf(stderr, "kbd: backup: %s\n", errstr);
		return 1;
	}
	if (stat(cfg->args[0], &dest) == 0)
		fprintf(stderr, "kbd: %s copied to %s (%lld bytes)\n", cfg->db,
		    cfg->args[0], (long long)dest.st_size);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	const char	*errstr;
	char		 why[512];

	switch (config_parse(&cfg, argc, argv, &errstr)) {
	case CONFIG_RUN:
		break;
	case CONFIG_DONE:
		return 0;
	default:
		fprintf(stderr, "kbd: %s\n", errstr);
		return 2;
	}
	if (config_check(&cfg, why, sizeof(why)) == -1) {
		fprintf(stderr, "kbd: %s\n", why);
		return 2;
	}
	log_init(cfg.verbose);
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	if (cfg.command != NULL && strcmp(cfg.command, "check") == 0)
		return check_folder(cfg.articles);
	if (cfg.command != NULL && strcmp(cfg.command, "backup") == 0)
		return backup(&cfg);
	if (cfg.command != NULL && strcmp(cfg.command, "user") == 0)
		return user_main(&cfg);
	/* Seed jansson's hash tables before threads can race to do it. */
	json_object_seed(0);
	return serve(&cfg);
}
