/*
 * test_ident.c - unit tests for lib/ident.c: lookalike characters in
 * ASCII-by-rule identifiers spelled out (a Cyrillic "а" in a pod name),
 * characters above U+FFFF, control characters, bytes that are not UTF-8
 * (overlong, surrogate, truncated), a backslash, and the escape lengths
 * the Pods panel paints in the error colour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/ident.h"
#include "tests/unit/testhelp.h"

static void test_ident_expect(const char *in, const char *want)
{
	char *got = ident_escape(in);

	assert_string_equal(got, want);
	free(got);
}

TEST(test_ident_plain)
{
	assert_int_equal(ident_is_plain("kafka-1"), 1);
	assert_int_equal(ident_is_plain(""), 1);
	assert_int_equal(ident_is_plain("Bad_Name-$(id)"), 1);
	assert_int_equal(ident_is_plain("k\xd0\xb0"
					"fka-1"),
			 0);
	assert_int_equal(ident_is_plain("a\\b"), 0);
	assert_int_equal(ident_is_plain("a\tb"), 0);
	assert_int_equal(ident_is_plain("a\x7f"), 0);
	test_ident_expect("kafka-1", "kafka-1");
	test_ident_expect("", "");
}

TEST(test_ident_lookalikes)
{
	/* Cyrillic а (U+0430) for a, Greek ο (U+03BF) for o. */
	test_ident_expect("k\xd0\xb0"
			  "fka-1",
			  "k\\u0430fka-1");
	test_ident_expect("p\xce\xbf"
			  "d",
			  "p\\u03bfd");
	/* A zero-width space and a bidi override hide in plain sight. */
	test_ident_expect("a\xe2\x80\x8b"
			  "b",
			  "a\\u200bb");
	test_ident_expect("a\xe2\x80\xae"
			  "b",
			  "a\\u202eb");
	/* Above U+FFFF: eight digits. */
	test_ident_expect("x\xf0\x9f\x98\x80", "x\\U0001f600");
	/* Controls and the backslash: every '\' of the result starts an escape. */
	test_ident_expect("a\tb\x1b", "a\\u0009b\\u001b");
	test_ident_expect("a\\b", "a\\u005cb");
}

TEST(test_ident_bad_utf8)
{
	test_ident_expect("a\xc0\xaf", "a\\xc0\\xaf");        /* overlong '/' */
	test_ident_expect("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
	test_ident_expect("z\xd0", "z\\xd0");                 /* truncated */
	test_ident_expect("\xff", "\\xff");
}

TEST(test_ident_escape_len)
{
	static const struct test_str_case cases[] = {
		{ "\\u0430fka", 6 }, { "\\U0001f600", 10 }, { "\\xc0", 4 },
		{ "\\u04", 0 },      { "\\q", 0 },          { "u0430", 0 },
	};

	test_str_fn(ident_escape_len, cases);
}
