/*
 * native.h - runbook steps that run natively, not through a shell: sql
 * over libpq, redis over hiredis, promql over the Prometheus HTTP API.
 * Each data source that can run its kind of step exports one const
 * struct native_ops and adds a line to native_registry (native.c). A
 * native job has the life cycle of an exec job (exec.h): start, poll
 * into a status and a text buffer, stop, free; it runs on a thread of
 * its own and wakes the UI through wake_fd, so the UI never waits on it.
 */
#ifndef AM_NATIVE_H
#define AM_NATIVE_H

#include <stddef.h>
#include "runtime/exec.h"
#include "core/runbook.h"
#include "core/config.h"

struct native_ops {
	enum step_kind kind;
	const char *name; /* "PostgreSQL", shown in messages */
	/* 1 if steps of this kind can run with configuration c; else 0 and
	 * why names what to configure. UI thread; no I/O. */
	int (*ready)(const struct config *c, char *why, size_t whylen);
	/* Start running text (the step's command) against the configured
	 * source with a deadline of timeout seconds. Returns a job, or NULL
	 * + err. UI thread; never blocks on the network. */
	void *(*start)(const struct config *c, const char *text, double timeout, int wake_fd,
		       char *err, size_t errlen);
	/* Optional, for sources with several instances (Redis): the names
	 * of the configured targets, up to max, into names (pointers into
	 * c); returns how many there are. */
	size_t (*targets)(const struct config *c, const char **names, size_t max);
	/* Optional: as start, against the target named target (one of
	 * targets'; NULL means the first). */
	void *(*start_on)(const struct config *c, const char *target, const char *text,
			  double timeout, int wake_fd, char *err, size_t errlen);
	/* As exec_poll: copy the status, move new output (already formatted
	 * as text: tables, replies) into out; 1 when something changed. */
	int (*poll)(void *job, struct exec_status *st, struct strbuf *out);
	/* Ask the job to stop (cancel the statement or command). */
	void (*stop)(void *job);
	/* Stop if running, wait for its thread, free. */
	void (*free)(void *job);
};

/* The NULL-terminated registry. */
extern const struct native_ops *const native_registry[];

/* The ops for steps of kind k, or NULL when no source runs them. */
const struct native_ops *native_find(enum step_kind k);

#endif
