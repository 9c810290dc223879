/*
 * registry.c - the NULL-terminated table of real data sources (see
 * backend.h). Adding a backend is one file in backends/ and one line
 * here; the shell starts a runner for each configured entry. The selftest
 * backend is deliberately absent: it is for tests, not operators.
 */
#include <stddef.h>

#include "backend.h"

const struct backend *const backend_registry[] = {
	NULL,
};
