/*
 * selftest.h - a backend with no outside source, used to prove the runner
 * and the UI's handling of data, slowness and failure (tests and
 * --selftest style demos). Each poll returns a numbered snapshot; failures
 * and delays are simulated on demand, including from outside the process
 * through a file whose existence makes every poll fail.
 */
#ifndef AM_SELFTEST_H
#define AM_SELFTEST_H

#include "runtime/backend.h"

/* The open argument (may be NULL: never fail, no delay). Owned by the
 * caller, valid until close. */
struct selftest_arg {
	int fail_every;        /* > 0: every Nth poll fails */
	double delay;          /* seconds each poll sleeps (a slow source) */
	int fail_after;        /* > 0: every poll after the Nth fails */
	const char *fail_file; /* non-NULL: polls fail while this file exists */
};

/* One snapshot: free with selftest_backend.snapshot_free. */
struct selftest_snap {
	unsigned long seq; /* the poll's number, from 1; increases strictly */
	char text[64];     /* "selftest" or what request kind 1 set */
};

/* Request kinds. */
enum {
	SELFTEST_REQ_TEXT = 1, /* struct selftest_req: text of later snapshots */
};

/* A request's data (runner_send; freed with free()). */
struct selftest_req {
	char text[64];
};

extern const struct backend selftest_backend;

#endif
