/*
 * config.c (base): the command line.  One table lists every option with its
 * argument, default and help text; getopt_long's tables, --help and the
 * defaults all come from it, so they cannot disagree.  config_check()
 * then makes sure the paths are usable before anything starts, so that a
 * mistake costs one clear line and exit status 2, not a half-started
 * server.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbd.h"

struct option_def {
	const char	*name;
	int		 key;		/* short option, and getopt's value */
	const char	*arg;		/* argument name; NULL for a flag */
	const char	*def;		/* default, as text */
	const char	*help;
};

/* Sorted by name; --help prints them in this order. */
static const struct option_def options[] = {
	{ "access-log", 'A', "FILE", "-",
	  "file for one line per request; - for stderr" },
	{ "articles", 'a', "DIR", "./articles",
	  "folder of Markdown articles, one <slug>.md each" },
	{ "base-url", 'b', "URL", NULL,
	  "public URL of the site, for absolute links; from --listen "
	  "if not given" },
	{ "cluster", 'P', "URL", NULL,
	  "PostgreSQL shared by the nodes of a cluster "
	  "(postgresql://...): serve its articles as a node; for kbd "
	  "import and export, and kbd user for the cluster's accounts; "
	  "also KBD_CLUSTER" },
	{ "cluster-file", 'F', "FILE", NULL,
	  "a file whose first line is the --cluster URL, so that its "
	  "password is not on the command line" },
	{ "contact-text", 'k', "TEXT", "Kontakt aufnehmen",
	  "the words of the contact link (with --contact-url)" },
	{ "contact-url", 'c', "URL", NULL,
	  "where customers reach support (https://, http:// or mailto:); "
	  "linked under articles, on searches that find little and on "
	  "404 pages; none if not given" },
	{ "cors-origin", 'o', "ORIGIN", NULL,
	  "a site that may embed the knowledge base (CORS, frames); "
	  "repeatable; * for any" },
	{ "db", 'd', "FILE", "./var/kb.sqlite",
	  "SQLite database; created with its folder if missing" },
	{ "dict", 'D', "FILE", "/usr/share/dict/ngerman",
	  "German word list for splitting compounds; \"\" for none" },
	{ "english", 'E', "FILE", "/usr/share/trans/de-en",
	  "Ding's German-English dictionary, for English words in "
	  "searches; \"\" for none" },
	{ "help", 'h', NULL, NULL, "show this help and exit" },
	{ "insecure-admin", 'I', NULL, NULL,
	  "allow the staff pages over plain HTTP from other machines" },
	{ "listen", 'l', "ADDR:PORT", "127.0.0.1:8080",
	  "address and port for HTTP; port 0 takes a free one" },
	{ "role", 'r', "ROLE", "editor",
	  "role for kbd user add: editor or admin" },
	{ "search-log-days", 'L', "N", "180",
	  "days the search statistics keep; 0 for ever" },
	{ "search-log-queries", 'Q', "N", "10000",
	  "distinct queries the search statistics take a day; the rest "
	  "count as one, \"other\"" },
	{ "static", 's', "DIR", NULL,
	  "folder whose files replace or add to the built-in /static/ "
	  "files" },
	{ "thesaurus", 'T', "FILE",
	  "/usr/share/openthesaurus-de/openthesaurus.txt",
	  "OpenThesaurus' German synonyms, for rare words in searches; "
	  "\"\" for none" },
	{ "threads", 't', "N", "0",
	  "HTTP worker threads; 0 means one per CPU core" },
	{ "tls-cert", 'C', "FILE", NULL,
	  "PEM certificate (chain) for HTTPS; needs --tls-key" },
	{ "tls-key", 'K', "FILE", NULL,
	  "PEM private key for HTTPS; needs --tls-cert" },
	{ "verbose", 'v', NULL, NULL, "log debug messages" },
	{ "version", 'V', NULL, NULL, "show the version and exit" },
};

static const char *
default_of(int key)
{
	size_t	 i;

	for (i = 0; i < nitems(options); i++)
		if (options[i].key == key)
			return options[i].def;
	return NULL;
}

static void
usage(FILE *f)
{
	size_t	 i;
	char	 left[64];

	fprintf(f, "usage: kbd [options]\n"
	    "       kbd check [--articles DIR]\n"
	    "       kbd backup [--db FILE] FILE\n"
	    "       kbd import|export --cluster URL DIR\n"
	    "       kbd --cluster URL [--db FILE] [options]\n"
	    "       kbd user add|passwd|del|token NAME [--role ROLE]\n"
	    "                [--db FILE | --cluster URL]\n"
	    "       kbd user list [--db FILE | --cluster URL]\n\n"
	    "Serves a knowledge base of Markdown articles over HTTP.\n"
	    "\"check\" reports what is wrong with the articles as file:line\n"
	    "messages (exit 1 if an article would be skipped or links to a\n"
	    "missing one); \"backup\" copies the database, even while kbd\n"
	    "serves it, to FILE; \"user\" manages staff accounts (the\n"
	    "password is read from stdin; \"token\" prints a new API token);\n"
	    "\"import\" and \"export\" move the articles of DIR into the\n"
	    "cluster's PostgreSQL and back; serving with --cluster makes\n"
	    "kbd a node that serves the articles of that PostgreSQL, and\n"
	    "\"user --cluster\" manages the accounts that all nodes share.\n"
	    "\n");
	for (i = 0; i < nitems(options); i++) {
		snprintf(left, sizeof(left), "-%c, --%s%s%s", options[i].key,
		    options[i].name, options[i].arg ? " " : "",
		    options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-26s %s", left, options[i].help);
		if (options[i].def != NULL)
			fprintf(f, " (default: %s)", options[i].def);
		fputc('\n', f);
	}
}

/* Takes the command ("check", "backup", ...) off the front of argv. */
static int
take_command(struct config *cfg, int *argc, char ***argv, char *why,
    size_t size)
{
	const char	*word = (*argv)[1];

	if (*argc < 2 || word[0] == '-')
		return 0;
	if (strcmp(word, "check") != 0 && strcmp(word, "backup") != 0 &&
	    strcmp(word, "user") != 0 && strcmp(word, "import") != 0 &&
	    strcmp(word, "export") != 0) {
		snprintf(why, size, "unknown command '%.64s'; see kbd --help",
		    word);
		return -1;
	}
	cfg->command = word;
	(*argc)--;
	(*argv)++;
	return 0;
}

/* Each command takes its own plain arguments. */
static int
check_args(const struct config *cfg, char *why, size_t size)
{
	const char	*cmd = cfg->command != NULL ? cfg->command : "";
	int		 want = 0;

	if (strcmp(cmd, "backup") == 0 || strcmp(cmd, "import") == 0 ||
	    strcmp(cmd, "export") == 0)
		want = 1;
	else if (strcmp(cmd, "user") == 0) {
		if (cfg->nargs == 0) {
			snprintf(why, size, "kbd user needs add, passwd, del, "
			    "token or list; see kbd --help");
			return -1;
		}
		want = strcmp(cfg->args[0], "list") == 0 ? 1 : 2;
		if (want == 2 && strcmp(cfg->args[0], "add") != 0 &&
		    strcmp(cfg->args[0], "passwd") != 0 &&
		    strcmp(cfg->args[0], "del") != 0 &&
		    strcmp(cfg->args[0], "token") != 0) {
			snprintf(why, size, "unknown kbd user command "
			    "'%.64s'; see kbd --help", cfg->args[0]);
			return -1;
		}
	}
	if (cfg->nargs > want) {
		snprintf(why, size, "unexpected argument '%.64s'; see kbd "
		    "--help", cfg->args[want]);
		return -1;
	}
	if (cfg->nargs < want) {
		snprintf(why, size, "kbd %s needs %s; see kbd --help", cmd,
		    want == 2 ? "a user name" : strcmp(cmd, "backup") == 0 ?
		    "the file to write" : "the articles folder");
		return -1;
	}
	if (strcmp(cmd, "user") == 0 && strcmp(cfg->role, "editor") != 0 &&
	    strcmp(cfg->role, "admin") != 0) {
		snprintf(why, size, "--role must be editor or admin, not "
		    "'%.64s'", cfg->role);
		return -1;
	}
	return 0;
}

static int	 read_cluster_file(struct config *cfg, char *err,
		    size_t errlen);

/*
 * Parses argv into cfg.  Returns 0 (cfg->done is set after --help or
 * --version, which print what they say), or -1 with a one-line reason in
 * *errstr.
 */
int
config_parse(struct config *cfg, int argc, char **argv, const char **errstr)
{
	static char		 why[256];
	struct option		 longopts[nitems(options) + 1];
	char			 shortopts[2 * nitems(options) + 2];
	size_t			 i, n = 0;
	long long		 v;
	int			 c;

	memset(longopts, 0, sizeof(longopts));
	shortopts[n++] = ':';	/* report a missing argument as ':' */
	for (i = 0; i < nitems(options); i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg = options[i].arg ? required_argument :
		    no_argument;
		longopts[i].val = options[i].key;
		shortopts[n++] = (char)options[i].key;
		if (options[i].arg != NULL)
			shortopts[n++] = ':';
	}
	shortopts[n] = '\0';

	memset(cfg, 0, sizeof(*cfg));
	cfg->access_log = default_of('A');
	cfg->articles = default_of('a');
	cfg->db = default_of('d');
	cfg->dict = default_of('D');
	cfg->english = default_of('E');
	cfg->thesaurus = default_of('T');
	cfg->listen = default_of('l');
	cfg->static_dir = default_of('s');
	cfg->role = default_of('r');
	cfg->search_log_days = (unsigned int)atoi(default_of('L'));
	cfg->search_log_queries = (unsigned int)atoi(default_of('Q'));
	cfg->contact_text = default_of('k');

	*errstr = why;
	if (take_command(cfg, &argc, &argv, why, sizeof(why)) == -1)
		return -1;
	opterr = 0;
	optind = 0;	/* 0, not 1: glibc then forgets a scan cut short */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			cfg->access_log = optarg;
			break;
		case 'a':
			cfg->articles = optarg;
			break;
		case 'b':
			cfg->base_url = optarg;
			break;
		case 'c':
			cfg->contact_url = optarg;
			break;
		case 'F':
			cfg->cluster_file = optarg;
			break;
		case 'k':
			cfg->contact_text = optarg;
			break;
		case 'o':
			if (cfg->ncors == nitems(cfg->cors)) {
				snprintf(why, sizeof(why), "--cors-origin: at "
				    "most %zu origins", nitems(cfg->cors));
				*errstr = why;
				return -1;
			}
			cfg->cors[cfg->ncors++] = optarg;
			break;
		case 'd':
			cfg->db = optarg;
			break;
		case 'D':
			cfg->dict = optarg;
			break;
		case 'E':
			cfg->english = optarg;
			break;
		case 'h':
			usage(stdout);
			cfg->done = 1;
			return 0;
		case 'I':
			cfg->insecure_admin = 1;
			break;
		case 'l':
			cfg->listen = optarg;
			break;
		case 'r':
			cfg->role = optarg;
			break;
		case 's':
			cfg->static_dir = optarg;
			break;
		case 'P':
			cfg->cluster = optarg;
			break;
		case 'L':
			if (parse_number(optarg, 0, 36500, &v) == -1) {
				snprintf(why, sizeof(why), "--search-log-days "
				    "must be a number from 0 to 36500, not "
				    "'%.64s'", optarg);
				return -1;
			}
			cfg->search_log_days = (unsigned int)v;
			break;
		case 'Q':
			if (parse_number(optarg, 1, 10000000, &v) == -1) {
				snprintf(why, sizeof(why), "--search-log-queries"
				    " must be a number from 1 to 10000000, not "
				    "'%.64s'", optarg);
				return -1;
			}
			cfg->search_log_queries = (unsigned int)v;
			break;
		case 'T':
			cfg->thesaurus = optarg;
			break;
		case 't':
			if (parse_number(optarg, 0, 256, &v) == -1) {
				snprintf(why, sizeof(why), "--threads must be "
				    "a number from 0 to 256, not '%.64s'",
				    optarg);
				*errstr = why;
				return -1;
			}
			cfg->threads = (unsigned int)v;
			break;
		case 'C':
			cfg->tls_cert = optarg;
			break;
		case 'K':
			cfg->tls_key = optarg;
			break;
		case 'v':
			cfg->verbose = 1;
			break;
		case 'V':
			printf("kbd %s\n", KBD_VERSION);
			cfg->done = 1;
			return 0;
		case ':':
			snprintf(why, sizeof(why), "option '%.64s' needs an "
			    "argument; see kbd --help", argv[optind - 1]);
			*errstr = why;
			return -1;
		default:
			snprintf(why, sizeof(why), "unknown option '%.64s'; "
			    "see kbd --help", argv[optind - 1]);
			*errstr = why;
			return -1;
		}
	}
	cfg->args = argv + optind;
	cfg->nargs = argc - optind;
	if (cfg->cluster != NULL && cfg->cluster_file != NULL) {
		snprintf(why, sizeof(why), "--cluster and --cluster-file: "
		    "give one of them");
		return -1;
	}
	if (cfg->cluster_file != NULL &&
	    read_cluster_file(cfg, why, sizeof(why)) == -1)
		return -1;
	if (cfg->cluster == NULL && cfg->cluster_file == NULL &&
	    (cfg->cluster = getenv("KBD_CLUSTER")) != NULL &&
	    *cfg->cluster == '\0')
		cfg->cluster = NULL;
	/* A node given --articles may keep that folder (cmd_folder.c). */
	cfg->keep_folder = cfg->cluster != NULL &&
	    cfg->articles != default_of('a');
	if (check_args(cfg, why, sizeof(why)) == -1)
		return -1;
	return 0;
}

/* Why path is not a readable folder, or NULL if it is one. */
static const char *
dir_problem(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1)
		return strerror(errno);
	if (!S_ISDIR(sb.st_mode))
		return "not a directory";
	if (access(path, R_OK | X_OK) == -1)
		return strerror(errno);
	return NULL;
}

static int
check_dir(const char *what, const char *path, char *err, size_t errlen)
{
	const char	*why;

	if ((why = dir_problem(path)) == NULL)
		return 0;
	snprintf(err, errlen, "%s %s: %s", what, path, why);
	return -1;
}

static int
check_file(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1 || access(path, R_OK) == -1) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", what, path);
		return -1;
	}
	return 0;
}

/*
 * The server cannot do without its articles; a new user who runs kbd
 * outside the folder that holds them learns where it looked and how to
 * point it elsewhere, in one line.
 */
static int
check_articles(const char *path, char *err, size_t errlen)
{
	const char	*why;

	if ((why = dir_problem(path)) == NULL)
		return 0;
	snprintf(err, errlen, "no articles folder at %s (%s); give the "
	    "folder of your Markdown articles with --articles DIR", path, why);
	return -1;
}

/* HTTPS needs both halves, readable. */
static int
check_tls(const struct config *cfg, char *err, size_t errlen)
{
	if (cfg->tls_cert == NULL && cfg->tls_key == NULL)
		return 0;
	if (cfg->tls_cert == NULL || cfg->tls_key == NULL) {
		snprintf(err, errlen, "--tls-cert and --tls-key go together");
		return -1;
	}
	if (check_file("--tls-cert", cfg->tls_cert, err, errlen) == -1 ||
	    check_file("--tls-key", cfg->tls_key, err, errlen) == -1)
		return -1;
	return 0;
}

/*
 * Is s "http://" or "https://", a host (and port), then only a path
 * (with_path) or nothing?  The URL ends up in attributes, XML and
 * headers; escaping covers those, but a URL with spaces, quotes, a query
 * or a fragment is a mistake worth one clear line.
 */
static int
url_ok(const char *s, int with_path)
{
	const char	*host, *p;

	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return 0;
	if (strlen(s) > KBD_MAX_URL || *host == '\0' || *host == '/')
		return 0;
	for (p = host; *p != '\0'; p++) {
		if (*p == '/' && !with_path)
			return 0;
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127 ||
		    strchr("\"'<>\\`^{}|?#", *p) != NULL)
			return 0;
	}
	return 1;
}

/*
 * Is s a contact address: an http(s) URL (a query allowed: a form may
 * want one) or a mailto: address, without spaces, quotes or angle
 * brackets, at most KBD_MAX_URL bytes?
 */
static int
contact_ok(const char *s)
{
	const char	*p;
	size_t		 n = strlen(s);

	if (n > KBD_MAX_URL)
		return 0;
	if (strncmp(s, "mailto:", 7) == 0)
		p = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	if (*p == '\0' || *p == '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127 ||
		    strchr("\"'<>\\`^{}|", *p) != NULL)
			return 0;
	return 1;
}

static int
check_urls(const struct config *cfg, char *err, size_t errlen)
{
	size_t	 i;

	if (cfg->base_url != NULL && !url_ok(cfg->base_url, 1)) {
		snprintf(err, errlen, "--base-url %.200s: expected http:// or "
		    "https:// and a host, e.g. https://faq.example.com",
		    cfg->base_url);
		return -1;
	}
	if (cfg->contact_url != NULL && !contact_ok(cfg->contact_url)) {
		snprintf(err, errlen, "--contact-url %.200s: expected an "
		    "https://, http:// or mailto: address, e.g. "
		    "https://www.example.com/kontakt", cfg->contact_url);
		return -1;
	}
	if (cfg->contact_text != NULL && (*cfg->contact_text == '\0' ||
	    strlen(cfg->contact_text) > 100 || !utf8_valid(cfg->contact_text,
	    strlen(cfg->contact_text), NULL))) {
		snprintf(err, errlen, "--contact-text: 1 to 100 bytes of "
		    "UTF-8 text");
		return -1;
	}
	for (i = 0; i < cfg->ncors; i++) {
		if (strcmp(cfg->cors[i], "*") == 0 ||
		    url_ok(cfg->cors[i], 0))
			continue;
		snprintf(err, errlen, "--cors-origin %.200s: expected * or "
		    "an origin (scheme://host[:port], no path), e.g. "
		    "https://www.example.com", cfg->cors[i]);
		return -1;
	}
	return 0;
}

/*
 * The database's folder must exist and be writable.  A missing one is
 * created 0700: the database holds the hashes of passwords and sessions,
 * which other users of the machine have no business reading.
 */
static int
check_db(const char *path, char *err, size_t errlen)
{
	struct stat	 sb;
	const char	*slash;
	char		*dir;
	int		 rc = 0;

	if (*path == '\0') {
		snprintf(err, errlen, "--db: the file name is empty");
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL)
		dir = xstrdup(".");
	else
		dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (stat(dir, &sb) == -1 && errno == ENOENT && mkdir(dir, 0700) == -1 &&
	    errno != EEXIST) {
		snprintf(err, errlen, "--db %s: cannot create %s: %s", path,
		    dir, strerror(errno));
		rc = -1;
	} else if (access(dir, W_OK | X_OK) == -1) {
		snprintf(err, errlen, "--db %s: folder %s: %s", path, dir,
		    strerror(errno));
		rc = -1;
	} else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "--db %s: not a regular file", path);
		rc = -1;
	} else if (stat(path, &sb) == 0 && access(path, R_OK | W_OK) == -1) {
		snprintf(err, errlen, "--db %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

/*
 * Reads the URL of --cluster-file: its first line, without the line's
 * end and trailing blanks, into a buffer of its own (cfg keeps pointing
 * to it).
 */
static int
read_cluster_file(struct config *cfg, char *err, size_t errlen)
{
	static char	 url[4096];
	FILE		*f;
	size_t		 n;
	int		 ok;

	if (check_file("--cluster-file", cfg->cluster_file, err,
	    errlen) == -1)
		return -1;
	if ((f = fopen(cfg->cluster_file, "r")) == NULL) {
		snprintf(err, errlen, "--cluster-file %s: %s",
		    cfg->cluster_file, strerror(errno));
		return -1;
	}
	ok = fgets(url, sizeof(url), f) != NULL;
	fclose(f);
	n = ok ? strlen(url) : 0;
	if (n == sizeof(url) - 1 && url[n - 1] != '\n') {
		snprintf(err, errlen, "--cluster-file %s: the first line is "
		    "longer than %zu bytes", cfg->cluster_file,
		    sizeof(url) - 2);
		return -1;
	}
	while (n > 0 && (url[n - 1] == '\n' || url[n - 1] == '\r' ||
	    url[n - 1] == ' ' || url[n - 1] == '\t'))
		url[--n] = '\0';
	if (n == 0) {
		snprintf(err, errlen, "--cluster-file %s: no URL on its first "
		    "line", cfg->cluster_file);
		return -1;
	}
	cfg->cluster = url;
	return 0;
}

/*
 * Cluster mode: the URL comes from --cluster, --cluster-file or
 * KBD_CLUSTER; kbd import and export need it, kbd user uses it when
 * given.  A node serves the cluster's articles (cmd_node.c), and with
 * --articles may keep that folder (cmd_folder.c).
 */
static int
check_cluster(const struct config *cfg, char *err, size_t errlen)
{
	const char	*cmd = cfg->command;

	if (cmd != NULL && (strcmp(cmd, "import") == 0 ||
	    strcmp(cmd, "export") == 0)) {
		if (cfg->cluster != NULL)
			return 0;
		snprintf(err, errlen, "kbd %s needs the cluster's PostgreSQL: "
		    "--cluster URL, --cluster-file FILE or KBD_CLUSTER", cmd);
		return -1;
	}
	return 0;
}

/*
 * Checks that the paths and the listen address of cfg are usable.
 * Returns 0, or -1 with a one-line reason in *errstr.
 */
int
config_check(const struct config *cfg, const char **errstr)
{
	static char	 err[512];
	const size_t	 errlen = sizeof(err);
	const char	*colon;
	long long	 port;
	int		 rc;

	*errstr = err;
	if (check_cluster(cfg, err, errlen) == -1)
		return -1;
	if (cfg->command != NULL && (strcmp(cfg->command, "import") == 0 ||
	    strcmp(cfg->command, "export") == 0))
		return 0;
	if (cfg->command != NULL && strcmp(cfg->command, "check") == 0)
		return check_dir("--articles", cfg->articles, err, errlen);
	if (cfg->command != NULL && strcmp(cfg->command, "backup") == 0)
		return check_file("--db", cfg->db, err, errlen);
	if (cfg->command != NULL && strcmp(cfg->command, "user") == 0)
		return cfg->cluster != NULL ? 0 :
		    check_db(cfg->db, err, errlen);
	rc = cfg->cluster != NULL ? 0 :
	    check_articles(cfg->articles, err, errlen);
	if (rc == 0 && cfg->static_dir != NULL)
		rc = check_dir("--static", cfg->static_dir, err, errlen);
	if (rc == 0)
		rc = check_db(cfg->db, err, errlen);
	if (rc == 0)
		rc = check_tls(cfg, err, errlen);
	if (rc == 0)
		rc = check_urls(cfg, err, errlen);
	if (rc == -1)
		return -1;
	colon = strrchr(cfg->listen, ':');
	if (colon == NULL || colon == cfg->listen ||
	    parse_number(colon + 1, 0, 65535, &port) == -1) {
		snprintf(err, errlen, "--listen %s: expected ADDR:PORT, e.g. "
		    "127.0.0.1:8080", cfg->listen);
		return -1;
	}
	return 0;
}
