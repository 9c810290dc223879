/*
 * testhelp.h - what the unit tests share (cmocka included before it):
 * the TEST() macros that register a test with the one main() of
 * testmain.c, writing a fixture file, checking that a text holds each of
 * a list of strings, and checking a function of one string against a
 * table; each failure names what failed.
 */
#ifndef AM_TESTHELP_H
#define AM_TESTHELP_H

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

/*
 * TEST(name) { ... } defines a test and registers it: testmain.c's main()
 * runs a binary's tests in the order of their lines in its file.
 * TEST_FIXTURE(name, setup, teardown) gives one test a setup and a
 * teardown run around it (either may be NULL); TEST_GROUP(setup,
 * teardown); gives the file's whole group one, run once before and once
 * after all its tests. The test's argument is cmocka's void **state.
 */
void test_register(const char *name, CMUnitTestFunction fn, CMFixtureFunction setup,
		   CMFixtureFunction teardown, int line);
void test_register_group(CMFixtureFunction setup, CMFixtureFunction teardown);

#define TEST_FIXTURE(name, setup, teardown)                                                        \
	static void name(void **state);                                                            \
	__attribute__((constructor)) static void name##_register(void)                             \
	{                                                                                          \
		test_register(#name, name, setup, teardown, __LINE__);                             \
	}                                                                                          \
	static void name(void **state)

#define TEST(name) TEST_FIXTURE(name, NULL, NULL)

#define TEST_GROUP(setup, teardown)                                                                \
	__attribute__((constructor)) static void test_group_register(void)                         \
	{                                                                                          \
		test_register_group(setup, teardown);                                              \
	}                                                                                          \
	_Static_assert(1, "TEST_GROUP")

/* Write text to DIR/NAME; returns the path, which the caller frees. */
static inline char *test_write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Fail the test unless text holds every string of the NULL-ended want. */
static inline void test_holds_all(const char *text, const char *const *want)
{
	assert_non_null(text);
	for (; *want != NULL; want++)
		if (strstr(text, *want) == NULL)
			fail_msg("\"%s\" missing from:\n%s", *want, text);
}

/* A string given to a function of one string, and the number it must
 * return (1 or 0 for a yes/no question). */
struct test_str_case {
	const char *in;
	long want;
};

static inline void test_str_result(const char *f, const struct test_str_case *c, long got)
{
	if (got != c->want)
		fail_msg("%s(\"%s\") is %ld, want %ld", f, c->in != NULL ? c->in : "(null)", got,
			 c->want);
}

/* Fail the test unless f(in) == want for every row of the array cases
 * (struct test_str_case), naming f, the input and both numbers. */
#define test_str_fn(f, cases)                                                                      \
	do {                                                                                       \
		size_t test_i_;                                                                    \
                                                                                                   \
		for (test_i_ = 0; test_i_ < sizeof(cases) / sizeof((cases)[0]); test_i_++)         \
			test_str_result(#f, &(cases)[test_i_], (long)f((cases)[test_i_].in));      \
	} while (0)

#endif
