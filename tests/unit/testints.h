/*
 * testints.h - boxed ints as snapshots, for the mailbox and job tests:
 * test_int_new allocates one, test_int_free (a snapshot free callback)
 * frees it and counts the frees in test_ints_freed.
 */
#ifndef AM_TESTINTS_H
#define AM_TESTINTS_H

#include <stdlib.h>

#include "lib/util.h"

static int test_ints_freed;

static void test_int_free(void *p)
{
	test_ints_freed++;
	free(p);
}

static int *test_int_new(int v)
{
	int *p = xmalloc(sizeof *p);

	*p = v;
	return p;
}

#endif
