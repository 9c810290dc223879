/*
 * testfile.h - for the unit tests (cmocka included before it): write a
 * file whole, failing the test when it cannot be created.
 */
#ifndef AM_TESTFILE_H
#define AM_TESTFILE_H

#include <stdio.h>

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

#endif
