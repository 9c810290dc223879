/*
 * testmain.c - the one main() of every unit test binary (one binary per
 * module): runs the tests its file registered with TEST() (testhelp.h),
 * in the order of their lines, as one cmocka group named after the
 * binary, with the group setup and teardown the file gave with
 * TEST_GROUP(). `test_X NAME` runs only the tests whose name holds NAME.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "tests/unit/testhelp.h"

struct test_entry {
	struct CMUnitTest test;
	int line;
};

static struct test_entry *test_entries;
static size_t test_count;
static CMFixtureFunction test_group_setup, test_group_teardown;

void test_register(const char *name, CMUnitTestFunction fn, CMFixtureFunction setup,
		   CMFixtureFunction teardown, int line)
{
	struct test_entry *e;

	test_entries = xrealloc(test_entries, (test_count + 1) * sizeof(*test_entries));
	e = &test_entries[test_count++];
	e->test = (struct CMUnitTest){ name, fn, setup, teardown, NULL };
	e->line = line;
}

void test_register_group(CMFixtureFunction setup, CMFixtureFunction teardown)
{
	test_group_setup = setup;
	test_group_teardown = teardown;
}

static int test_by_line(const void *a, const void *b)
{
	const struct test_entry *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
	struct CMUnitTest *tests;
	size_t i, n = 0;
	int rc;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [NAME]  (run the tests whose name holds NAME)\n", name);
		return 2;
	}
	qsort(test_entries, test_count, sizeof(*test_entries), test_by_line);
	tests = xcalloc(test_count + 1, sizeof(*tests));
	for (i = 0; i < test_count; i++)
		if (argc < 2 || strstr(test_entries[i].test.name, argv[1]) != NULL)
			tests[n++] = test_entries[i].test;
	if (n == 0) {
		fprintf(stderr, "%s: no test%s%s\n", name, argc < 2 ? "" : " holds ",
			argc < 2 ? "" : argv[1]);
		return 2;
	}
	rc = _cmocka_run_group_tests(name, tests, n, test_group_setup, test_group_teardown);
	free(tests);
	free(test_entries);
	return rc;
}
