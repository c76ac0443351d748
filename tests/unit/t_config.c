/*
 * t_config.c: the command line (config.c).  Defaults come from the one
 * option table; long and short options and their bounds; commands and
 * their arguments; --help and --version end the run; and the checks of
 * paths and addresses before anything starts, each with a reason that
 * names what is wrong.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "unit.h"

#define MAX_ARGS	16

/* Parses the words of line (split at spaces) into *cfg. */
static int
parse(struct config *cfg, const char *line, const char **errstr)
{
	static char	 copy[1100];
	char		*argv[MAX_ARGS + 1], *p;
	int		 argc = 0;

	snprintf(copy, sizeof(copy), "kbd %s", line);
	for (p = strtok(copy, " "); p != NULL && argc < MAX_ARGS;
	    p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return config_parse(cfg, argc, argv, errstr);
}

static void
defaults(void **state)
{
	struct config	 cfg;
	const char	*errstr;

	(void)state;
	assert_int_equal(parse(&cfg, "", &errstr), 0);
	assert_string_equal(cfg.articles, "./articles");
	assert_string_equal(cfg.db, "./var/kb.sqlite");
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_string_equal(cfg.dict, "/usr/share/dict/ngerman");
	assert_null(cfg.static_dir);
	assert_null(cfg.command);
	assert_int_equal(cfg.threads, 0);
	assert_int_equal(cfg.done, 0);
}

static void
options(void **state)
{
	struct config	 cfg;
	const char	*errstr;

	(void)state;
	assert_int_equal(parse(&cfg, "--articles /srv/a -d /tmp/x.db "
	    "--listen 0.0.0.0:80 --threads 4 -v --cors-origin "
	    "https://a.example --cors-origin https://b.example", &errstr), 0);
	assert_string_equal(cfg.articles, "/srv/a");
	assert_string_equal(cfg.db, "/tmp/x.db");
	assert_string_equal(cfg.listen, "0.0.0.0:80");
	assert_int_equal(cfg.threads, 4);
	assert_int_equal(cfg.verbose, 1);
	assert_int_equal(cfg.ncors, 2);
	assert_string_equal(cfg.cors[1], "https://b.example");
	/* Out of bounds, not a number, unknown, missing argument. */
	assert_int_equal(parse(&cfg, "--threads 300", &errstr), -1);
	assert_non_null(strstr(errstr, "--threads"));
	assert_int_equal(parse(&cfg, "--threads abc", &errstr), -1);
	assert_int_equal(parse(&cfg, "--nope", &errstr), -1);
	assert_int_equal(parse(&cfg, "--db", &errstr), -1);
	assert_non_null(strstr(errstr, "needs an argument"));
}

static void
commands(void **state)
{
	struct config	 cfg;
	const char	*errstr;

	(void)state;
	assert_int_equal(parse(&cfg, "check --articles x", &errstr), 0);
	assert_string_equal(cfg.command, "check");
	assert_int_equal(parse(&cfg, "backup /tmp/copy.sqlite", &errstr), 0);
	assert_string_equal(cfg.command, "backup");
	assert_string_equal(cfg.args[0], "/tmp/copy.sqlite");
	assert_int_equal(parse(&cfg, "backup", &errstr), -1);
	assert_int_equal(parse(&cfg, "backup a b", &errstr), -1);
	assert_non_null(strstr(errstr, "'b'"));
	assert_int_equal(parse(&cfg, "user add anna --role admin", &errstr),
	    0);
	assert_string_equal(cfg.role, "admin");
	assert_int_equal(parse(&cfg, "user add anna --role chef", &errstr),
	    -1);
	assert_int_equal(parse(&cfg, "user frobnicate anna", &errstr), -1);
	assert_int_equal(parse(&cfg, "serve", &errstr), -1);
	assert_non_null(strstr(errstr, "unknown command"));
}

static void
done(void **state)
{
	struct config	 cfg;
	const char	*errstr;

	(void)state;
	assert_int_equal(parse(&cfg, "--version", &errstr), 0);
	assert_int_equal(cfg.done, 1);
	assert_int_equal(parse(&cfg, "-h", &errstr), 0);
	assert_int_equal(cfg.done, 1);
}

static void
checks(void **state)
{
	struct config	 cfg;
	const char	*errstr, *dir = unit_tmpdir();
	char		 line[1024], articles[128], db[128];
	struct stat	 sb;

	(void)state;
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(db, sizeof(db), "%s/var/kb.sqlite", dir);
	assert_int_equal(mkdir(articles, 0755), 0);

	snprintf(line, sizeof(line), "--articles %s --db %s", articles, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	if (config_check(&cfg, &errstr) != 0)
		fail_msg("config_check: %s", errstr);
	/* The database's folder is made. */
	snprintf(line, sizeof(line), "%s/var", dir);
	assert_int_equal(stat(line, &sb), 0);

	snprintf(line, sizeof(line), "--articles %s/nope --db %s", dir, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "no articles folder at"));
	assert_non_null(strstr(errstr, "--articles DIR"));

	snprintf(line, sizeof(line), "--articles %s --db %s --static %s/no",
	    articles, db, dir);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "--static"));

	snprintf(line, sizeof(line), "--articles %s --db %s --listen "
	    "127.0.0.1", articles, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "ADDR:PORT"));

	snprintf(line, sizeof(line), "--articles %s --db %s --base-url "
	    "ftp://x", articles, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "--base-url"));

	snprintf(line, sizeof(line), "--articles %s --db %s --cors-origin "
	    "https://a.example/path", articles, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "--cors-origin"));

	snprintf(line, sizeof(line), "--articles %s --db %s --tls-cert %s",
	    articles, db, db);
	assert_int_equal(parse(&cfg, line, &errstr), 0);
	assert_int_equal(config_check(&cfg, &errstr), -1);
	assert_non_null(strstr(errstr, "go together"));
	unit_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(options),
		cmocka_unit_test(commands),
		cmocka_unit_test(done),
		cmocka_unit_test(checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
