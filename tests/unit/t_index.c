/*
 * t_index.c: the in-memory search index patched article by article
 * (search_index_patch) answers exactly as one built from scratch.
 *   1.x  random edits, new articles, unpublished and republished ones,
 *        over more patches than an overlay holds (it is flattened on
 *        the way): every term's postings, the number of articles, which
 *        are in it, their field lengths, the average lengths and the
 *        relative lengths are the same as search_index_from()'s
 *   2.x  the index patched stays as it was (readers may still hold it)
 */
#include "unit.h"

#define NDOCS	600
#define ROUNDS	700

static const char *words[] = {
	"Passwort", "vergessen", "Postfach", "IMAP", "Outlook", "Server",
	"Konto", "Rechnung", "herunterladen", "Domain", "umziehen", "Vertrag",
	"kündigen", "Mailprogramm", "Weiterleitung", "Speicherplatz", "DNS",
	"Eintrag", "Zertifikat", "Datenbank", "Sicherung", "Zugang", "FTP",
	"Datei", "hochladen", "Tabelle", "Absatz", "Seite", "Zeile", "Hotline",
};

struct corpus {
	struct buf	 blob[NDOCS * 2];	/* by id; len 0: not in it */
	size_t		 nids;
};

static uint32_t	 seed = 12345;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 8) % n;
}

static void
make_blob(struct tokenizer *t, struct buf *out)
{
	struct buf	 f[SEARCH_FIELDS];
	const char	*texts[SEARCH_FIELDS];
	int		 i, k, n;

	for (i = 0; i < SEARCH_FIELDS; i++) {
		buf_init(&f[i]);
		buf_put(&f[i], "", 0);
		n = i == SEARCH_BODY ? 5 + (int)rnd(30) : (int)rnd(4);
		for (k = 0; k < n; k++)
			buf_printf(&f[i], "%s ", words[rnd(nitems(words))]);
		texts[i] = f[i].data;
	}
	buf_reset(out);
	assert_int_equal(terms_make(t, texts, out), 0);
	for (i = 0; i < SEARCH_FIELDS; i++)
		buf_free(&f[i]);
}

static struct search_index *
scratch(struct corpus *c)
{
	int64_t			 ids[NDOCS * 2];
	struct buf		 blobs[NDOCS * 2];
	struct search_index	*ix;
	size_t			 i, n = 0;

	for (i = 0; i < c->nids; i++)
		if (c->blob[i].len > 0) {
			ids[n] = (int64_t)i;
			blobs[n++] = c->blob[i];
		}
	ix = search_index_from(ids, blobs, n, c->nids);
	assert_non_null(ix);
	return ix;
}

/* Every term any article ever had, to look up in both. */
static struct buf	 vocab;

static void
add_term(void *ctx, const char *s, size_t n, const uint32_t *tf)
{
	(void)ctx;
	(void)tf;
	buf_put(&vocab, s, n);
	buf_putc(&vocab, '\n');
}

static void
same(const struct search_index *a, const struct search_index *b,
    size_t nids, const char *what)
{
	struct postings	 pa, pb;
	const float	*ra, *rb;
	const char	*s, *e;
	double		 aa, ab;
	size_t		 na, nb, i;
	uint32_t	 k;
	int		 f;

	if (search_index_ndocs(a) != search_index_ndocs(b))
		fail_msg("%s: %u articles, not %u", what,
		    search_index_ndocs(a), search_index_ndocs(b));
	for (s = vocab.data; s != NULL && *s != '\0'; s = e + 1) {
		e = strchr(s, '\n');
		search_index_postings(a, s, (size_t)(e - s), &pa);
		search_index_postings(b, s, (size_t)(e - s), &pb);
		if (pa.n != pb.n)
			fail_msg("%s: %.*s: %u postings, not %u", what,
			    (int)(e - s), s, pa.n, pb.n);
		for (k = 0; k < pa.n; k++)
			if (pa.doc[k] != pb.doc[k] || pa.tf[k] != pb.tf[k])
				fail_msg("%s: %.*s: posting %u differs", what,
				    (int)(e - s), s, k);
	}
	ra = search_index_rlens(a, &na);
	rb = search_index_rlens(b, &nb);
	for (i = 0; i < nids; i++) {
		if (search_index_has(a, (int64_t)i) !=
		    search_index_has(b, (int64_t)i))
			fail_msg("%s: article %zu in one only", what, i);
		for (f = 0; f < SEARCH_FIELDS; f++)
			if (search_index_len(a, (int64_t)i, f, &aa) !=
			    search_index_len(b, (int64_t)i, f, &ab) ||
			    aa != ab)
				fail_msg("%s: lengths of %zu differ", what, i);
		if ((i < na ? ra[i] : 1.0f) != (i < nb ? rb[i] : 1.0f))
			fail_msg("%s: relative length of %zu differs", what,
			    i);
	}
}

static void
patched_as_built(void **state)
{
	struct corpus		 c, orig;
	struct tokenizer	*t = tokenizer_new(NULL);
	struct search_index	*ix, *next, *fresh, *kept;
	struct index_change	 ch[3];
	struct buf		 before[3];
	char			 what[64];
	size_t			 i, n, k;
	int			 round;

	(void)state;
	assert_non_null(t);
	memset(&c, 0, sizeof(c));
	buf_init(&vocab);
	c.nids = NDOCS;
	for (i = 0; i < nitems(c.blob); i++)
		buf_init(&c.blob[i]);
	for (i = 1; i < NDOCS; i++) {
		if (rnd(5) != 0)
			make_blob(t, &c.blob[i]);
		terms_each(c.blob[i].data, c.blob[i].len, NULL, add_term,
		    NULL);
	}
	memset(&orig, 0, sizeof(orig));
	orig.nids = c.nids;
	for (i = 0; i < nitems(c.blob); i++) {
		buf_init(&orig.blob[i]);
		buf_put(&orig.blob[i], c.blob[i].data, c.blob[i].len);
	}
	for (i = 0; i < 3; i++)
		buf_init(&before[i]);
	ix = scratch(&c);
	kept = ix;
	search_index_ref(kept);
	for (round = 0; round < ROUNDS; round++) {
		n = 1 + rnd(3);
		for (k = 0; k < n; k++) {
			/* Now and then a new article at the end. */
			i = rnd(10) == 0 && c.nids < nitems(c.blob) ?
			    c.nids++ : 1 + rnd((uint32_t)c.nids - 1);
			for (size_t j = 0; j < k; j++)
				if (ch[j].id == (int64_t)i)
					i = 0;
			if (i == 0) {
				n = k;
				break;
			}
			buf_reset(&before[k]);
			buf_put(&before[k], c.blob[i].data, c.blob[i].len);
			if (rnd(4) == 0)
				buf_reset(&c.blob[i]);	/* unpublished */
			else
				make_blob(t, &c.blob[i]);
			terms_each(c.blob[i].data, c.blob[i].len, NULL,
			    add_term, NULL);
			ch[k].id = (int64_t)i;
			ch[k].old = before[k].len > 0 ? &before[k] : NULL;
			ch[k].now = c.blob[i].len > 0 ? &c.blob[i] : NULL;
		}
		next = search_index_patch(ix, ch, n, c.nids);
		search_index_unref(ix);
		ix = next;
		if (round % 7 == 0 || round == ROUNDS - 1) {
			fresh = scratch(&c);
			snprintf(what, sizeof(what), "1.1 round %d", round);
			same(ix, fresh, c.nids, what);
			search_index_unref(fresh);
		}
	}
	fresh = scratch(&orig);
	same(kept, fresh, NDOCS, "2.1 the first index");
	search_index_unref(fresh);
	search_index_unref(kept);
	search_index_unref(ix);
	for (i = 0; i < nitems(c.blob); i++) {
		buf_free(&c.blob[i]);
		buf_free(&orig.blob[i]);
	}
	for (i = 0; i < 3; i++)
		buf_free(&before[i]);
	buf_free(&vocab);
	tokenizer_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patched_as_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
