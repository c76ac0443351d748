/*
 * fuzz_search.c: a user's query through the whole search, in process,
 * over a small imported knowledge base: search_query_parse() (bounding, UTF-8
 * repair, quotes, operators as words, joined words, phrases), then
 * search_run() in its three modes (every word in tiers, any word, titles
 * only and strict), which expands the query (corrections, compounds,
 * synonyms) and runs it against FTS5 with kbd's ranking and snippets, and
 * search_suggest() as search-as-you-type does.  The expressions built
 * must never be an FTS5 syntax error (search_run() returns 0), and what
 * comes back must be safe to show: valid UTF-8 everywhere, snippets
 * escaped with only <mark> and </mark> left as markup, in pairs.
 */
#include <sodium.h>

#include "fuzz.h"

static sqlite3		*db;
static struct reader	*reader;

static void
done(void)
{
	snapshot_shutdown();
	sqlite3_close(db);
	store_shutdown();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct import_stats	 st;
	const char		*dir, *errstr = "import failed";
	char			 articles[300], path[300];

	(void)argc;
	(void)argv;
	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium cannot start\n");
		exit(1);
	}
	dir = fuzz_tmpdir();
	snprintf(articles, sizeof(articles), "%s/articles", dir);
	snprintf(path, sizeof(path), "%s/kb.sqlite", dir);
	fuzz_articles(articles);
	if (store_init(path, fuzz_dict(), &errstr) == -1 ||
	    store_open(path, 0, &db, &errstr) == -1 ||
	    import_folder(db, articles, &st, NULL) == -1 ||
	    snapshot_import(db, articles) == -1 ||
	    (reader = store_reader()) == NULL) {
		fprintf(stderr, "fuzz_search: %s\n", errstr);
		exit(1);
	}
	if (st.added != 10 || st.failed != 0) {
		fprintf(stderr, "fuzz_search: %u articles imported, %u failed\n",
		    st.added, st.failed);
		exit(1);
	}
	atexit(done);
	return 0;
}

static void
check_utf8(const char *s)
{
	assert(s == NULL || utf8_valid(s, strlen(s), NULL));
}

/* Markup in a snippet: <mark> and </mark> in pairs, nothing else. */
static void
check_snippet(const char *s)
{
	int	 open = 0;

	check_utf8(s);
	for (; *s != '\0'; s++) {
		if (*s == '<') {
			if (strncmp(s, "<mark>", 6) == 0) {
				assert(!open);
				open = 1;
				s += 5;
			} else if (strncmp(s, "</mark>", 7) == 0) {
				assert(open);
				open = 0;
				s += 6;
			} else
				assert(!"a '<' in a snippet that is no <mark>");
		} else
			assert(*s != '>' && *s != '"');
	}
	assert(!open);
}

static void
check_result(const struct search_result *res, int limit)
{
	size_t	 i;

	assert(res->n <= (size_t)limit);
	assert(res->total >= 0);
	for (i = 0; i < res->n; i++) {
		assert(res->hits[i].slug != NULL && res->hits[i].title != NULL);
		assert(parse_slug(res->hits[i].slug,
		    strlen(res->hits[i].slug)));
		check_utf8(res->hits[i].title);
		check_utf8(res->hits[i].category);
		if (res->hits[i].snippet != NULL)
			check_snippet(res->hits[i].snippet);
	}
}

static void
check_query(const struct query *q)
{
	size_t	 i;

	assert(q != NULL && q->text != NULL);
	/* KBD_MAX_QUERY bytes, each ill-formed one now U+FFFD. */
	assert(strlen(q->text) <= 3 * KBD_MAX_QUERY);
	check_utf8(q->text);
	check_utf8(q->normalized);
	check_utf8(q->suggestion);
	assert(q->nslots <= KBD_MAX_TERMS);
	for (i = 0; i < q->nslots; i++) {
		check_utf8(q->slots[i].typed);
		check_utf8(q->slots[i].shown);
		assert(q->slots[i].nalts >= 0 &&
		    q->slots[i].nalts <= QUERY_MAX_ALTS);
		assert(q->slots[i].start >= 0 &&
		    q->slots[i].start <= q->slots[i].end &&
		    (size_t)q->slots[i].end <= strlen(q->text));
	}
}

/* Parses text afresh and runs it with flags, as api.c and page.c do. */
static void
run(const char *text, int limit, int offset, int flags)
{
	struct search_result	 res;
	struct query		*q;

	q = search_query_parse(reader->tok, text);
	check_query(q);
	assert(search_run(reader, q, limit, offset, flags, &res) == 0);
	check_query(q);
	check_result(&res, limit);
	search_result_free(&res);
	search_query_free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search_result	 res;
	char			*text;

	/* Queries arrive as C strings: a NUL ends them. */
	text = xstrndup((const char *)data, size);
	run(text, KBD_DEFAULT_LIMIT, 0, 0);
	run(text, 3, 1, SEARCH_ANY);
	run(text, KBD_DEFAULT_LIMIT, 0, SEARCH_TITLES | SEARCH_STRICT);
	assert(search_suggest(reader, text, KBD_SUGGEST_LIMIT, &res) == 0);
	check_result(&res, KBD_SUGGEST_LIMIT);
	search_result_free(&res);
	free(text);
	return 0;
}
