/*
 * testhelp.h - what the unit tests share (cmocka included before it):
 * writing a fixture file, and checking that a text holds each of a list
 * of strings, with a failure that names the one missing.
 */
#ifndef AM_TESTHELP_H
#define AM_TESTHELP_H

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

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

#endif
