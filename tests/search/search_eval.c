/*
 * search_eval.c: search quality in process, for fitting the ranking's
 * weights (tests/search/fit.py) without starting a server per try.  It
 * opens an existing kbd database the way search_bench does, reads the
 * query sets (shared/eval's format: id, type, query, slug:grade,...) and
 * then, for every line of weights on standard input, runs every query as
 * /api/search does (first page of 10) and prints one line per query:
 *
 *	id <TAB> type <TAB> nDCG@10
 *
 * and "." after the last.  A weights line is "key=value ..." with the
 * keys of rank_weights (see weight_keys below); keys left out keep their
 * defaults, an empty line runs the defaults.  nDCG@10 is computed as
 * shared/eval/score.py does (gain 2^grade - 1, log2 discount, ideal from
 * the judgments).  With -r it prints the run of the defaults instead
 * (id, rank, slug: score.py reads it) and reads nothing.  With -x TEXT
 * it explains the ranking of TEXT: its slots and alternatives, then for
 * the first 10 rows and for the judged articles of the query with that
 * text (if any) what made their scores.
 *
 * -w WEIGHTS sets the weights of -r and -x.
 *
 *   search_eval [-r] [-w WEIGHTS] [-x TEXT] [-a ARTICLES] [-D DICT] DB
 *       QUERIES_TSV...
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kbd.h"
#include "german.h"

#define PAGE		10
#define MAX_JUDGED	64

/* The weights of the run (-w), for -x and -r. */
static struct rank_weights	 weights;

struct judged {
	char	*slug;
	int	 grade;
};

struct eval_query {
	char		*id;
	char		*type;
	char		*text;
	struct judged	 j[MAX_JUDGED];
	int		 nj;
	double		 ideal;		/* DCG of the ideal order */
};

/* The keys a weights line may set, and where. */
static const struct {
	const char	*key;
	size_t		 off;
} weight_keys[] = {
	{ "k1", offsetof(struct rank_weights, k1) },
	{ "b", offsetof(struct rank_weights, b) },
	{ "ftitle", offsetof(struct rank_weights, field[SEARCH_TITLE]) },
	{ "ftags", offsetof(struct rank_weights, field[SEARCH_TAGS]) },
	{ "fbody", offsetof(struct rank_weights, field[SEARCH_BODY]) },
	{ "faliases", offsetof(struct rank_weights, field[SEARCH_ALIASES]) },
	{ "learned", offsetof(struct rank_weights, learned) },
	{ "idf_pow", offsetof(struct rank_weights, idf_pow) },
	{ "title_pow", offsetof(struct rank_weights, title_pow) },
	{ "cover", offsetof(struct rank_weights, cover) },
	{ "cover_pow", offsetof(struct rank_weights, cover_pow) },
	{ "title", offsetof(struct rank_weights, title) },
	{ "title_all", offsetof(struct rank_weights, title_all) },
	{ "pop", offsetof(struct rank_weights, pop) },
	{ "min_cover", offsetof(struct rank_weights, min_cover) },
	{ "min_words", offsetof(struct rank_weights, min_words) },
	{ "a_particle", offsetof(struct rank_weights, alt[QUERY_ALT_PARTICLE]) },
	{ "a_corrected",
	    offsetof(struct rank_weights, alt[QUERY_ALT_CORRECTED]) },
	{ "a_split", offsetof(struct rank_weights, alt[QUERY_ALT_SPLIT]) },
	{ "a_head", offsetof(struct rank_weights, alt[QUERY_ALT_HEAD]) },
	{ "a_synonym", offsetof(struct rank_weights, alt[QUERY_ALT_SYNONYM]) },
	{ "a_translated",
	    offsetof(struct rank_weights, alt[QUERY_ALT_TRANSLATED]) },
	{ "a_thesaurus",
	    offsetof(struct rank_weights, alt[QUERY_ALT_THESAURUS]) },
	{ "a_ding", offsetof(struct rank_weights, alt[QUERY_ALT_DING]) },
	{ "a_pivot", offsetof(struct rank_weights, alt[QUERY_ALT_PIVOT]) },
	{ "rare", offsetof(struct rank_weights, rare) },
	{ "rare_thesaurus", offsetof(struct rank_weights, rare_thesaurus) },
	{ "related", offsetof(struct rank_weights, related) },
	{ "fb_min_words", offsetof(struct rank_weights, fb_min_words) },
	{ "fb_docs", offsetof(struct rank_weights, fb_docs) },
	{ "fb_terms", offsetof(struct rank_weights, fb_terms) },
	{ "fb_weight", offsetof(struct rank_weights, fb_weight) },
	{ "fb_shared", offsetof(struct rank_weights, fb_shared) },
};

static void
usage(void)
{
	fprintf(stderr, "usage: search_eval [-r] [-w WEIGHTS] [-x TEXT] "
	    "[-a ARTICLES] [-D DICT] DB QUERIES_TSV...\n");
	exit(2);
}

static int64_t
id_of(struct reader *r, const char *slug)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 id = -1;

	if (sqlite3_prepare_v2(r->db, "SELECT id FROM article WHERE slug = ?1",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_bind_text(st, 1, slug, -1,
	    SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static const char *
slug_of(struct reader *r, int64_t id, char *buf, size_t n)
{
	sqlite3_stmt	*st = NULL;

	snprintf(buf, n, "#%lld", (long long)id);
	if (sqlite3_prepare_v2(r->db, "SELECT slug FROM article WHERE id = ?1",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_bind_int64(st, 1, id) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, n, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static void
explain_row(struct reader *r, const struct search_data *sd,
    struct rank_query *rq, int64_t id, const char *label)
{
	struct rank_detail	 d;
	struct ranked		*out;
	int64_t			 total;
	char			 slug[200];
	int			 all, k;

	memset(&d, 0, sizeof(d));
	d.id = id;
	rq->walked = 0;		/* all of it again, for this row */
	/* Every row kept: none passed over, so that this one is whole. */
	k = (int)search_index_nids(sd->index) + 1;
	out = xcalloc((size_t)k, sizeof(*out));
	search_rank_run(r, sd->index, sd, rq, &weights, 0, k, out,
	    &total, &all, &d);
	free(out);
	printf("%-4s %8.2f  bm25 %6.2f cover %.2f title %.2f tmatch %.0f "
	    "mask %x  %s\n", label, d.score, d.bm25, d.cover, d.title,
	    d.title_matched, d.mask, slug_of(r, id, slug, sizeof(slug)));
}

/* -x: what the ranking makes of text. */
static void
explain(struct reader *r, const char *text, const struct eval_query *qs,
    size_t nq)
{
	struct search_data	 data;
	const struct search_data *sd = &data;
	void			*token = search_data_acquire(&data);
	struct query		*q = search_query_parse(r->tok, text);
	struct rank_query	*rq;
	struct ranked		 best[PAGE + 64];
	int64_t			 total;
	size_t			 i;
	int			 n, all, s, a, p, f, k;
	char			 label[16];

	search_expand_query(q, r, sd, &weights);
	/* Ranked as a search ranks it (feedback too), then explained. */
	rq = search_best(r, sd, q, 0, PAGE, best, &n, &total, &all);
	for (s = 0; s < rq->nslots; s++) {
		printf("slot %d \"%s\" idf %.2f weight %.2f%s\n", s,
		    rq->slot[s].core && (size_t)s < q->nslots ?
		    q->slots[s].typed : rq->slot[s].alt[0].part != NULL ?
		    rq->slot[s].alt[0].part[0].stem[0] : "?", rq->slot[s].idf,
		    rq->slot[s].weight, rq->slot[s].core ? "" : " (added)");
		for (a = 0; a < rq->slot[s].nalts; a++) {
			printf("  alt w %.2f idf %.2f:", rq->slot[s].alt[a].weight,
			    rq->slot[s].alt[a].idf);
			if (rq->slot[s].alt[a].fts != NULL)
				printf(" fts \"%s\" (%u rows)",
				    rq->slot[s].alt[a].fts,
				    rq->slot[s].alt[a].nfts);
			for (p = 0; p < rq->slot[s].alt[a].nparts; p++) {
				printf(" [");
				for (f = 0; f < rq->slot[s].alt[a].part[p].nforms;
				    f++)
					printf("%s%s:%u", f ? " " : "",
					    rq->slot[s].alt[a].part[p].stem[f],
					    rq->slot[s].alt[a].part[p].form[f].n);
				printf("]");
			}
			printf("\n");
		}
	}
	printf("total %lld%s\n", (long long)total, all ? "" : " (partial)");
	for (k = 0; k < n; k++) {
		snprintf(label, sizeof(label), "%d.", k + 1);
		explain_row(r, sd, rq, best[k].id, label);
	}
	for (i = 0; i < nq; i++) {
		if (strcmp(qs[i].text, text) != 0)
			continue;
		for (k = 0; k < qs[i].nj; k++) {
			snprintf(label, sizeof(label), "g%d", qs[i].j[k].grade);
			explain_row(r, sd, rq, id_of(r, qs[i].j[k].slug),
			    label);
		}
	}
	search_rank_query_free(rq);
	search_query_free(q);
	search_data_release(token);
}

static int
grade_cmp(const void *a, const void *b)
{
	return ((const struct judged *)b)->grade -
	    ((const struct judged *)a)->grade;
}

/* Reads the queries of path onto *qs.  Returns 0, or -1 (reported). */
static int
read_set(const char *path, struct eval_query **qs, size_t *n)
{
	FILE		*f;
	char		*line = NULL, *cols[4], *p, *item, *save, *colon;
	size_t		 cap = 0, k;
	ssize_t		 len;
	struct eval_query *q;
	int		 c, first = 1;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (first && strncmp(line, "id\t", 3) == 0) {
			first = 0;
			continue;
		}
		first = 0;
		if (*line == '\0' || *line == '#')
			continue;
		for (c = 0, p = line; c < 4; c++) {
			cols[c] = p;
			if (c < 3 && (p = strchr(p, '\t')) == NULL)
				break;
			if (c < 3)
				*p++ = '\0';
		}
		if (c < 4)
			continue;
		*qs = xreallocarray(*qs, *n + 1, sizeof(**qs));
		q = &(*qs)[(*n)++];
		memset(q, 0, sizeof(*q));
		q->id = xstrdup(cols[0]);
		q->type = xstrdup(cols[1]);
		q->text = xstrdup(cols[2]);
		for (item = strtok_r(cols[3], ",", &save); item != NULL &&
		    q->nj < MAX_JUDGED; item = strtok_r(NULL, ",", &save)) {
			while (*item == ' ')
				item++;
			if ((colon = strrchr(item, ':')) == NULL)
				continue;
			*colon = '\0';
			q->j[q->nj].slug = xstrdup(item);
			q->j[q->nj++].grade = atoi(colon + 1);
		}
		qsort(q->j, (size_t)q->nj, sizeof(*q->j), grade_cmp);
		for (k = 0; k < (size_t)q->nj && k < PAGE; k++)
			q->ideal += (pow(2.0, q->j[k].grade) - 1.0) /
			    log2((double)k + 2.0);
	}
	free(line);
	fclose(f);
	return 0;
}

static int
grade_of(const struct eval_query *q, const char *slug)
{
	int	 i;

	for (i = 0; i < q->nj; i++)
		if (strcmp(q->j[i].slug, slug) == 0)
			return q->j[i].grade;
	return 0;
}

/* Runs q; prints its run (print) or returns its nDCG@10. */
static double
run_query(struct reader *r, const struct eval_query *q, int print)
{
	struct search_result	 res;
	struct query		*pq;
	double			 dcg = 0.0;
	size_t			 i;

	pq = search_query_parse(r->tok, q->text);
	if (search_run(r, pq, PAGE, 0, 0, &res) == -1) {
		fprintf(stderr, "search_eval: %s: search failed\n", q->id);
		exit(1);
	}
	for (i = 0; i < res.n; i++) {
		if (print)
			printf("%s\t%zu\t%s\n", q->id, i + 1,
			    res.hits[i].slug);
		dcg += (pow(2.0, grade_of(q, res.hits[i].slug)) - 1.0) /
		    log2((double)i + 2.0);
	}
	search_result_free(&res);
	search_query_free(pq);
	return q->ideal > 0.0 ? dcg / q->ideal : 0.0;
}

/* Sets w from a line "key=value ...".  Returns 0, or -1 (reported). */
static int
parse_weights(char *line, struct rank_weights *w)
{
	char	*tok, *save, *eq, *end;
	size_t	 i;
	double	 v;

	*w = search_rank_defaults;
	for (tok = strtok_r(line, " \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		if ((eq = strchr(tok, '=')) == NULL)
			goto bad;
		*eq = '\0';
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0')
			goto bad;
		for (i = 0; i < nitems(weight_keys); i++)
			if (strcmp(weight_keys[i].key, tok) == 0)
				break;
		if (i == nitems(weight_keys))
			goto bad;
		*(double *)(void *)((char *)w + weight_keys[i].off) = v;
	}
	return 0;
bad:
	fprintf(stderr, "search_eval: bad weight \"%s\"\n", tok);
	return -1;
}

int
main(int argc, char **argv)
{
	struct eval_query	*qs = NULL;
	struct rank_weights	 w;
	struct german_dict	*dict = NULL;
	struct reader		*r;
	sqlite3			*db;
	const char		*errstr, *articles = ".";
	const char		*dictpath = "/usr/share/dict/ngerman";
	const char		*why = NULL;
	char			*line = NULL;
	size_t			 nq = 0, cap = 0, i;
	int			 ch, print = 0, k;

	weights = search_rank_defaults;
	while ((ch = getopt(argc, argv, "a:D:rw:x:")) != -1) {
		switch (ch) {
		case 'a':
			articles = optarg;
			break;
		case 'D':
			dictpath = optarg;
			break;
		case 'r':
			print = 1;
			break;
		case 'w':
			if (parse_weights(optarg, &weights) == -1)
				return 2;
			search_tune(&weights);
			break;
		case 'x':
			why = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	if (sodium_init() < 0)
		return 1;
	if (*dictpath != '\0' &&
	    (dict = german_dict_load(dictpath, &errstr)) == NULL) {
		fprintf(stderr, "search_eval: %s: %s\n", dictpath, errstr);
		return 1;
	}
	(void)search_dict_use(search_dict_load(getenv("KBD_ENGLISH") != NULL ?
	    getenv("KBD_ENGLISH") : "/usr/share/trans/de-en",
	    getenv("KBD_THESAURUS") != NULL ? getenv("KBD_THESAURUS") :
	    "/usr/share/openthesaurus-de/openthesaurus.txt", &errstr));
	if (store_init(argv[0], dict, &errstr) == -1 ||
	    store_open(argv[0], 0, &db, &errstr) == -1) {
		fprintf(stderr, "search_eval: %s\n", errstr);
		return 1;
	}
	if (snapshot_import(db, articles) == -1 ||
	    (r = store_reader()) == NULL) {
		fprintf(stderr, "search_eval: %s: cannot search it\n", argv[0]);
		return 1;
	}
	for (k = 1; k < argc; k++)
		if (read_set(argv[k], &qs, &nq) == -1)
			return 1;
	if (why != NULL) {
		explain(r, why, qs, nq);
		return 0;
	}
	if (print) {
		for (i = 0; i < nq; i++)
			run_query(r, &qs[i], 1);
		return 0;
	}
	while (getline(&line, &cap, stdin) != -1) {
		if (parse_weights(line, &w) == -1) {
			printf(".\n");
			fflush(stdout);
			continue;
		}
		search_tune(&w);
		for (i = 0; i < nq; i++)
			printf("%s\t%s\t%.4f\n", qs[i].id, qs[i].type,
			    run_query(r, &qs[i], 0));
		printf(".\n");
		fflush(stdout);
	}
	free(line);
	return 0;
}
