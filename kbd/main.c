/*
 * main.c (main): the command line (config.c), then the command:
 * serving (cmd_serve.c), check, backup, user, import or export
 * (cmd_cluster.c).  A mistake in the options or paths is one line on
 * stderr and exit status 2, before anything starts.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "kbd.h"

int
main(int argc, char **argv)
{
	struct config	 cfg;
	const char	*errstr;

	if (config_parse(&cfg, argc, argv, &errstr) == -1 ||
	    (!cfg.done && config_check(&cfg, &errstr) == -1)) {
		fprintf(stderr, "kbd: %s\n", errstr);
		return 2;
	}
	if (cfg.done)
		return 0;
	log_init(cfg.verbose);
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	if (cfg.command != NULL && strcmp(cfg.command, "check") == 0)
		return cmd_check(cfg.articles);
	if (cfg.command != NULL && strcmp(cfg.command, "backup") == 0)
		return cmd_backup(&cfg);
	if (cfg.command != NULL && strcmp(cfg.command, "user") == 0)
		return cmd_user(&cfg);
	if (cfg.command != NULL && strcmp(cfg.command, "import") == 0)
		return cmd_import(&cfg);
	if (cfg.command != NULL && strcmp(cfg.command, "export") == 0)
		return cmd_export(&cfg);
	/* Seed jansson's hash tables before threads can race to do it. */
	json_object_seed(0);
	return cmd_serve(&cfg);
}
