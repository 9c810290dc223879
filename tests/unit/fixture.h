/*
 * fixture.h - reading a recorded answer from tests/fixtures/ in a unit
 * test (run from the repository root, as make test does).
 */
#ifndef AM_TEST_FIXTURE_H
#define AM_TEST_FIXTURE_H

#include <stdio.h>

#include "lib/util.h"

/* The whole of tests/fixtures/DIR/NAME, NUL-terminated (caller frees),
 * its length in *len. Fails the test when it cannot be read. */
static inline char *test_fixture(const char *dir, const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "tests/fixtures/%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#endif
