/*
 * main.c: kbd's start and stop.  The order matters: the options and paths
 * are checked before anything starts (exit 2 on a mistake); the schema is
 * made before any reader opens the file; the writer starts importing
 * before HTTP listens, and /healthz says "ok" once the first import is
 * done.  Signals are blocked in every thread and taken here with
 * sigwait(), so no handler ever runs in the middle of a request.
 * Stopping goes the other way: HTTP finishes the requests under way, then
 * the writer flushes the last hits and closes the database.
 */
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
announce(const char *listen, unsigned short port)
{
	const char	*colon = strrchr(listen, ':');

	log_info("listening on http://%.*s:%u/", (int)(colon - listen), listen,
	    port);
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

static int
serve(const struct config *cfg)
{
	struct german_dict	*dict = NULL;
	const char		*errstr;
	sigset_t		 set;
	unsigned short		 port;
	int			 sig, rc = 2;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* What the operator can get wrong is checked first: exit 2. */
	if (http_listen(cfg, &port, &errstr) == -1) {
		log_warnx("--listen %s: %s", cfg->listen, errstr);
		return 2;
	}
	if (accesslog_open(cfg->access_log) == -1) {
		log_warn("--access-log %s", cfg->access_log);
		http_stop();
		return 2;
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
	rc = 1;
	if (writer_start(cfg->db, cfg->articles) == -1)
		goto done;
	if (http_start(cfg, &errstr) == -1) {
		log_warnx("%s", errstr);
		goto writer;
	}
	announce(cfg->listen, port);

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
	writer_stop();
	snapshot_shutdown();
done:
	http_stop();
	cache_shutdown();
	accesslog_close();
	store_shutdown();
	static_unload();
	german_dict_free(dict);
	if (rc == 0)
		log_info("stopped");
	return rc;
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
	/* Seed jansson's hash tables before threads can race to do it. */
	json_object_seed(0);
	return serve(&cfg);
}
