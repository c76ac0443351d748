/*
 * t_escape.c: escaping for HTML (text and attributes alike, so quotes
 * too), URLs, XML (characters XML 1.0 forbids dropped) and JSON inside a
 * <script> block.  Every value that reaches a page goes through these.
 */
#include "unit.h"

/* The escaped form of s by fn, in a static buffer of the test. */
static const char *
esc(void (*fn)(struct buf *, const char *), const char *s)
{
	static struct buf	 b;

	buf_free(&b);
	buf_init(&b);
	buf_puts(&b, "");
	fn(&b, s);
	return b.data;
}

static void
html(void **state)
{
	struct buf	 b;

	(void)state;
	assert_string_equal(esc(escape_html,
	    "<script>\"x\" & 'y'</script>"),
	    "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
	assert_string_equal(esc(escape_html, "Über ä & ß"),
	    "Über ä &amp; ß");
	assert_string_equal(esc(escape_html, ""), "");
	/* Entities are escaped again: the text is shown as it was typed. */
	assert_string_equal(esc(escape_html, "&amp;"), "&amp;amp;");
	/* A length: the NUL and what follows are not read. */
	buf_init(&b);
	escape_html_n(&b, "a<b>c", 2);
	assert_string_equal(b.data, "a&lt;");
	buf_free(&b);
}

static void
url(void **state)
{
	(void)state;
	assert_string_equal(esc(escape_url, "E-Mail über a&b=c/d?e#f"),
	    "E-Mail%20%C3%BCber%20a%26b%3Dc%2Fd%3Fe%23f");
	assert_string_equal(esc(escape_url, "A-z_0.9~"), "A-z_0.9~");
	assert_string_equal(esc(escape_url, "\"<>'"), "%22%3C%3E%27");
}

static void
xml(void **state)
{
	(void)state;
	assert_string_equal(esc(escape_xml, "a<b>&\"'"),
	    "a&lt;b&gt;&amp;&quot;&#39;");
	/* Control characters are dropped, tab and line breaks kept. */
	assert_string_equal(esc(escape_xml, "a\x01" "b\tc\nd\x7f" "e"),
	    "ab\tc\nde");
	/* U+FFFE and U+FFFF are not characters in XML: dropped. */
	assert_string_equal(esc(escape_xml, "x\xef\xbf\xbey\xef\xbf\xbfz"),
	    "xyz");
	/* Other characters of that block stay. */
	assert_string_equal(esc(escape_xml, "\xef\xbf\xbd"), "\xef\xbf\xbd");
}

static void
json_script(void **state)
{
	(void)state;
	assert_string_equal(esc(escape_json_script,
	    "{\"a\":\"</script><b>&\"}"),
	    "{\"a\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"}");
	assert_string_equal(esc(escape_json_script,
	    "\"\xe2\x80\xa8 \xe2\x80\xa9\""), "\"\\u2028 \\u2029\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html),
		cmocka_unit_test(url),
		cmocka_unit_test(xml),
		cmocka_unit_test(json_script),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
