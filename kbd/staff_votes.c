/*
 * staff_votes.c (staff): what readers answered to "War dieser Artikel
 * hilfreich?", for the statistics page: a table of the articles voted on
 * in the period (Ja, Nein, the share found helpful, comments; the most
 * "Nein" first, where help is needed) and the comments themselves, the
 * newest first.  Plain HTML, like the rest of the staff pages; every
 * value through escape_html() or escape_url().
 */
#include <stdio.h>
#include <string.h>

#include "kbd.h"

#define VOTE_ROWS	30	/* articles in the table */
#define COMMENT_ROWS	50	/* comments listed */

struct votes_html {
	struct buf	*b;
	int		 rows;
};

static void
edit_link(struct buf *b, const char *slug, const char *title)
{
	buf_puts(b, "<a href=\"/admin/edit/");
	escape_url(b, slug);
	buf_puts(b, "\">");
	escape_html(b, title);
	buf_puts(b, "</a>");
}

static void
vote_row(void *arg, const struct vote_row *row)
{
	struct votes_html	*v = arg;
	int64_t			 all = row->yes + row->no;

	buf_puts(v->b, "<tr><td>");
	edit_link(v->b, row->slug, row->title);
	buf_printf(v->b, "</td><td class=\"num\">%lld</td><td class=\"num\">"
	    "%lld</td><td class=\"num\">", (long long)row->yes,
	    (long long)row->no);
	if (all > 0)
		buf_printf(v->b, "%lld %%", (long long)((row->yes * 100 + all /
		    2) / all));
	buf_printf(v->b, "</td><td class=\"num\">%lld</td></tr>\n",
	    (long long)row->comments);
	v->rows++;
}

static void
comment_row(void *arg, const struct vote_row *row)
{
	struct votes_html	*v = arg;
	char			 when[32];

	clock_format(when, sizeof(when), row->created);
	when[10] = ' ';
	when[16] = '\0';
	buf_printf(v->b, "<li><p class=\"meta\">%s · %s · ", when, row->yes ?
	    "Ja" : "Nein");
	edit_link(v->b, row->slug, row->title);
	buf_puts(v->b, "</p><p class=\"comment-text\">");
	escape_html(v->b, row->text != NULL ? row->text : "");
	buf_puts(v->b, "</p></li>\n");
	v->rows++;
}

/*
 * Appends the section "Hilfreich?" of the last days days (7 or 30) to b,
 * read with r.
 */
void
staff_votes_section(struct buf *b, struct reader *r, int days)
{
	struct votes_html	 v = { b, 0 };
	struct buf		 comments;

	buf_printf(b, "<section class=\"stat votes\"><h2>War der Artikel "
	    "hilfreich? (%d Tage)</h2>\n<table class=\"list stats\"><thead>"
	    "<tr><th>Artikel</th><th>Ja</th><th>Nein</th><th>hilfreich</th>"
	    "<th>Kommentare</th></tr></thead><tbody>\n", days);
	store_vote_stats(r, days, VOTE_ROWS, vote_row, &v);
	buf_puts(b, "</tbody></table>\n");
	if (v.rows == 0)
		buf_puts(b, "<p>Noch keine Stimmen in diesem Zeitraum.</p>\n");
	buf_puts(b, "<h3>Kommentare</h3>\n");
	buf_init(&comments);
	v.b = &comments;
	v.rows = 0;
	store_vote_comments(r, days, COMMENT_ROWS, comment_row, &v);
	if (v.rows == 0)
		buf_puts(b, "<p>Keine Kommentare in diesem Zeitraum.</p>\n");
	else {
		buf_puts(b, "<ul class=\"comments\">\n");
		buf_put(b, comments.data, comments.len);
		buf_puts(b, "</ul>\n");
	}
	buf_free(&comments);
	buf_puts(b, "</section>\n");
}
