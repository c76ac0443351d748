/*
 * search_bench.c: search latency without HTTP.  It opens an existing kbd
 * database the way an HTTP worker does (store_init(), then this thread's
 * reader) and times, for every query of a list, what api_search does before it
 * builds JSON: search_query_parse(), search_run() for the first page of 10,
 * search_result_free() and search_query_free().  One warm-up round is run and
 * not counted, then ROUNDS timed rounds; the percentiles are over every timed
 * search.  It does not import articles: run kbd on the folder first.
 *
 *   search_bench [-cpsv] [-a ARTICLES] [-D DICT] DB QUERIES_FILE [ROUNDS]
 *
 * QUERIES_FILE holds one query per line (UTF-8).  A TSV file whose first line
 * names its columns and has one called "query" (as shared/eval/dev-queries.tsv
 * does) is read as such.  The result is one line of key=value pairs; -v first
 * lists the five slowest queries by their median time.  -c times with the
 * thread's CPU clock instead of the wall clock: on a machine others share, what
 * a search costs rather than how long it also waited for a core.  -p times
 * nothing: it prints the pages at offsets 0, 10 and 40 of each query (total,
 * slugs and snippets), to compare what two builds find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"
#include "german.h"

#define DEFAULT_ROUNDS	20
#define MAX_ROUNDS	100000
#define PAGE		10	/* results asked for, as /api/search does */
#define SLOWEST		5	/* queries listed by -v */
#define SUGGEST_LIMIT	6	/* suggestions asked for, as search.js does */

/* -s: time search-as-you-type with the queries' last letters left out. */
static int	suggest_mode;

/* -c: the clock timed with. */
static clockid_t clock_id = CLOCK_MONOTONIC;

/* Offsets of the pages -p prints. */
static const int print_offsets[] = { 0, 10, 40 };

struct bench_query {
	char	*text;
	int64_t	*ns;		/* time of each timed round */
	int64_t	 median;	/* of ns, in nanoseconds */
	size_t	 n;		/* results on the first page */
	int64_t	 total;		/* rows matching */
	int	 partial;	/* not every word matched */
};

static void
usage(void)
{
	fprintf(stderr, "usage: search_bench [-cpsv] [-a ARTICLES] [-D DICT] DB "
	    "QUERIES_FILE [ROUNDS]\n");
	exit(2);
}

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(clock_id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_slower(const void *a, const void *b)
{
	const struct bench_query *x = a, *y = b;

	return x->median > y->median ? -1 : x->median < y->median;
}

/* The p-quantile of sorted v[0..n), nearest rank; n > 0. */
static int64_t
quantile(const int64_t *v, size_t n, double p)
{
	size_t	 rank;

	rank = (size_t)(p * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/*
 * Returns the index of the column called "query" in the tab-separated
 * header line, or -1 when line is not such a header.
 */
static int
query_column(const char *line)
{
	const char	*p = line, *tab;
	size_t		 len;
	int		 col = 0;

	if (strchr(line, '\t') == NULL)
		return -1;
	for (;;) {
		tab = strchr(p, '\t');
		len = tab != NULL ? (size_t)(tab - p) : strlen(p);
		if (len == 5 && strncmp(p, "query", 5) == 0)
			return col;
		if (tab == NULL)
			return -1;
		p = tab + 1;
		col++;
	}
}

/* Returns a copy of field col of the tab-separated line, or NULL. */
static char *
field(const char *line, int col)
{
	const char	*tab;

	for (; col > 0; col--) {
		if ((line = strchr(line, '\t')) == NULL)
			return NULL;
		line++;
	}
	tab = strchr(line, '\t');
	return tab != NULL ? xstrndup(line, (size_t)(tab - line)) :
	    xstrdup(line);
}

/*
 * Reads the queries of path into *out (the caller frees them).  Returns
 * how many, or -1 with a message on stderr.
 */
static ssize_t
read_queries(const char *path, struct bench_query **out)
{
	FILE			*f;
	struct bench_query	*qs = NULL;
	char			*line = NULL, *text;
	size_t			 cap = 0, n = 0, alloc = 0;
	ssize_t			 len;
	int			 col = -1, first = 1;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (first) {
			first = 0;
			if ((col = query_column(line)) != -1)
				continue;
		}
		text = col == -1 ? xstrdup(line) : field(line, col);
		if (text == NULL || *text == '\0') {
			free(text);
			continue;
		}
		if (n == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			qs = xreallocarray(qs, alloc, sizeof(*qs));
		}
		memset(&qs[n], 0, sizeof(qs[n]));
		qs[n++].text = text;
	}
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(line);
		free(qs);
		return -1;
	}
	fclose(f);
	free(line);
	*out = qs;
	return (ssize_t)n;
}

/* Prints the pages of print_offsets for text.  Returns 0, or -1. */
static int
print_pages(struct reader *r, const char *text)
{
	struct query		*q;
	struct search_result	 res;
	size_t			 i, k;
	int			 rc = 0;

	for (k = 0; k < sizeof(print_offsets) / sizeof(*print_offsets); k++) {
		q = search_query_parse(r->tok, text);
		if (search_run(r, q, PAGE, print_offsets[k], 0, &res) == -1)
			rc = -1;
		printf("%s\t@%d\ttotal %lld\n", text, print_offsets[k],
		    (long long)res.total);
		for (i = 0; i < res.n; i++)
			printf("\t%s\t%s\n", res.hits[i].slug,
			    res.hits[i].snippet);
		search_result_free(&res);
		search_query_free(q);
	}
	return rc;
}

/*
 * Runs query bq once with reader r.  Returns the time it took in
 * nanoseconds, or -1 when the search failed.
 */
static int64_t
run_one(struct reader *r, struct bench_query *bq)
{
	struct query		*q;
	struct search_result	 res;
	int64_t			 t0, t1;
	int			 rc;

	t0 = now_ns();
	if (suggest_mode) {
		char	 typed[512];
		size_t	 n = strlen(bq->text);

		n = utf8_prefix(bq->text, n, n > 4 ? n - 2 : n);
		if (n >= sizeof(typed))
			n = utf8_prefix(bq->text, n, sizeof(typed) - 1);
		memcpy(typed, bq->text, n);
		typed[n] = '\0';
		rc = search_suggest(r, typed, SUGGEST_LIMIT, &res);
	} else {
		q = search_query_parse(r->tok, bq->text);
		rc = search_run(r, q, PAGE, 0, 0, &res);
		search_query_free(q);
	}
	bq->n = res.n;
	bq->total = res.total;
	bq->partial = res.partial;
	search_result_free(&res);
	t1 = now_ns();
	return rc == -1 ? -1 : t1 - t0;
}

int
main(int argc, char **argv)
{
	struct bench_query	*qs = NULL;
	struct reader		*r;
	struct german_dict	*dict = NULL;
	sqlite3			*w;
	const char		*errstr, *articles = ".";
	const char		*dictpath = "/usr/share/dict/ngerman";
	int64_t			*all, t;
	long long		 rounds = DEFAULT_ROUNDS;
	double			 results = 0.0;
	size_t			 nq, i, k, nall, nzero = 0, npartial = 0;
	ssize_t			 got;
	int			 ch, verbose = 0, print = 0;

	while ((ch = getopt(argc, argv, "a:cD:psv")) != -1) {
		switch (ch) {
		case 'c':
			clock_id = CLOCK_THREAD_CPUTIME_ID;
			break;
		case 'p':
			print = 1;
			break;
		case 's':
			suggest_mode = 1;
			break;
		case 'a':
			articles = optarg;
			break;
		case 'D':
			dictpath = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 3)
		usage();
	if (argc == 3 && parse_number(argv[2], 1, MAX_ROUNDS, &rounds) == -1) {
		fprintf(stderr, "search_bench: ROUNDS must be a number from 1 "
		    "to %d\n", MAX_ROUNDS);
		return 2;
	}

	if (sodium_init() < 0) {
		fprintf(stderr, "search_bench: libsodium cannot start\n");
		return 1;
	}
	if (*dictpath != '\0' &&
	    (dict = german_dict_load(dictpath, &errstr)) == NULL) {
		fprintf(stderr, "search_bench: %s: %s\n", dictpath, errstr);
		return 1;
	}
	(void)search_dict_use(search_dict_load(getenv("KBD_ENGLISH") != NULL ?
	    getenv("KBD_ENGLISH") : "/usr/share/trans/de-en",
	    getenv("KBD_THESAURUS") != NULL ? getenv("KBD_THESAURUS") :
	    "/usr/share/openthesaurus-de/openthesaurus.txt", &errstr));
	if (store_init(argv[0], dict, &errstr) == -1 ||
	    store_open(argv[0], 0, &w, &errstr) == -1) {
		fprintf(stderr, "search_bench: %s\n", errstr);
		return 1;
	}
	/* What the writer gives readers: words, synonyms, popularity. */
	if (snapshot_import(w, articles) == -1) {
		fprintf(stderr, "search_bench: %s: no snapshot\n", argv[0]);
		return 1;
	}
	if ((r = store_reader()) == NULL) {
		fprintf(stderr, "search_bench: no reader for %s\n", argv[0]);
		return 1;
	}
	if ((got = read_queries(argv[1], &qs)) == -1)
		return 1;
	if (got == 0) {
		fprintf(stderr, "search_bench: %s: no queries\n", argv[1]);
		return 1;
	}
	nq = (size_t)got;
	if (print) {
		for (i = 0; i < nq; i++)
			if (print_pages(r, qs[i].text) == -1) {
				fprintf(stderr, "search_bench: search failed: "
				    "%s\n", qs[i].text);
				return 1;
			}
		return 0;
	}

	/* The warm-up round fills the page cache and SQLite's. */
	for (i = 0; i < nq; i++) {
		if (run_one(r, &qs[i]) == -1) {
			fprintf(stderr, "search_bench: search failed: %s\n",
			    qs[i].text);
			return 1;
		}
		qs[i].ns = xcalloc((size_t)rounds, sizeof(*qs[i].ns));
	}
	/* Round-robin, so that no query has the caches to itself. */
	for (k = 0; k < (size_t)rounds; k++) {
		for (i = 0; i < nq; i++) {
			if ((t = run_one(r, &qs[i])) == -1) {
				fprintf(stderr, "search_bench: search failed: "
				    "%s\n", qs[i].text);
				return 1;
			}
			qs[i].ns[k] = t;
		}
	}

	nall = nq * (size_t)rounds;
	all = xcalloc(nall, sizeof(*all));
	for (i = 0; i < nq; i++) {
		memcpy(all + i * (size_t)rounds, qs[i].ns,
		    (size_t)rounds * sizeof(*all));
		qsort(qs[i].ns, (size_t)rounds, sizeof(*qs[i].ns), cmp_int64);
		qs[i].median = quantile(qs[i].ns, (size_t)rounds, 0.5);
		results += (double)qs[i].n;
		if (qs[i].total == 0)
			nzero++;
		if (qs[i].partial)
			npartial++;
	}
	qsort(all, nall, sizeof(*all), cmp_int64);

	if (verbose) {
		qsort(qs, nq, sizeof(*qs), cmp_slower);
		for (i = 0; i < nq && i < SLOWEST; i++)
			printf("slow: %9.1f us  total %6lld%s  %s\n",
			    (double)qs[i].median / 1000.0,
			    (long long)qs[i].total,
			    qs[i].partial ? " (any)" : "      ", qs[i].text);
	}
	printf("queries=%zu rounds=%lld p50_us=%.1f p90_us=%.1f p99_us=%.1f "
	    "max_us=%.1f mean_results=%.2f no_results=%zu partial=%zu\n", nq,
	    rounds, (double)quantile(all, nall, 0.50) / 1000.0,
	    (double)quantile(all, nall, 0.90) / 1000.0,
	    (double)quantile(all, nall, 0.99) / 1000.0,
	    (double)all[nall - 1] / 1000.0, results / (double)nq, nzero,
	    npartial);

	for (i = 0; i < nq; i++) {
		free(qs[i].text);
		free(qs[i].ns);
	}
	free(qs);
	free(all);
	return 0;
}
