/*
 * t_util.c: UTF-8 validation and repair (utf8.c), bounded number
 * parsing and slugs (parse.c).  Escaping is t_escape.c's.
 */
#include "unit.h"

static void
utf8_checks(void **state)
{
	size_t	 bad;

	(void)state;
	assert_true(utf8_valid("Über Straße 😀", strlen("Über Straße 😀"),
	    NULL));
	assert_false(utf8_valid("ab\xff", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(utf8_valid("\xc0\xaf", 2, &bad));		/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3, &bad));	/* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4, &bad));	/* > U+10FFFF */
	assert_false(utf8_valid("\xc3", 1, &bad));		/* cut short */
	assert_false(utf8_valid("a\0b", 3, &bad));		/* NUL */
	assert_int_equal(bad, 1);
}

static void
utf8_repair(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	utf8_sanitize(&b, "a\xffz\x01\tü", 7);
	assert_string_equal(b.data, "a\xEF\xBF\xBDz  ü");
	buf_free(&b);

	/* Cutting never splits a character. */
	assert_int_equal(utf8_prefix("aü", 3, 2), 1);
	assert_int_equal(utf8_prefix("aü", 3, 3), 3);
	assert_int_equal(utf8_prefix("abc", 3, 10), 3);
}

static void
numbers(void **state)
{
	long long	 v;

	(void)state;
	assert_int_equal(parse_number("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_number("101", 0, 100, &v), -1);
	assert_int_equal(parse_number("-1", 0, 100, &v), -1);
	assert_int_equal(parse_number("4x", 0, 100, &v), -1);
	assert_int_equal(parse_number("", 0, 100, &v), -1);
	assert_int_equal(parse_number(NULL, 0, 100, &v), -1);
	assert_int_equal(parse_number("99999999999999999999", 0,
	    1000, &v), -1);
}

static void
slugs(void **state)
{
	(void)state;
	assert_true(parse_slug("imap", 4));
	assert_true(parse_slug("dns-pruefung_2", 14));
	assert_false(parse_slug("", 0));
	assert_false(parse_slug("-x", 2));
	assert_false(parse_slug("Imap", 4));
	assert_false(parse_slug("a/b", 3));
	assert_false(parse_slug("..", 2));
	assert_false(parse_slug("über", strlen("über")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_checks),
		cmocka_unit_test(utf8_repair),
		cmocka_unit_test(numbers),
		cmocka_unit_test(slugs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
