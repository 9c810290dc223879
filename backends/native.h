/*
 * native.h - runbook steps that run natively, not through a shell: sql
 * over libpq, redis over hiredis, promql over the Prometheus HTTP API.
 * Each data source that can run its kind of step exports one const
 * struct native_ops and adds a line to native_registry (native.c). A
 * native step is a job (runtime/job.h) like an exec step: it runs on a
 * thread of its own, reports a status and text, wakes the UI through
 * wake_fd (so the UI never waits on it) and is polled, stopped and freed
 * the same way. The source writes only the function that runs the step.
 */
#ifndef AM_NATIVE_H
#define AM_NATIVE_H

#include <stddef.h>
#include "runtime/job.h"
#include "core/runbook.h"
#include "core/config.h"

struct native_ops {
	enum step_kind kind;
	const char *name; /* "PostgreSQL", shown in messages */
	/* 1 if steps of this kind can run with configuration c; else 0 and
	 * why names what to configure. UI thread; no I/O. */
	int (*ready)(const struct config *c, char *why, size_t whylen);
	/* Optional, for sources with several instances (Redis): the names
	 * of the configured targets, up to max, into names (pointers into
	 * c); returns how many there are. */
	size_t (*targets)(const struct config *c, const char **names, size_t max);
	/* Start running text (the step's command) against the configured
	 * source (target: one of targets', NULL means the first) with a
	 * deadline of timeout seconds, its placeholders bound to values
	 * (NULL or none: text runs as written; copied). Returns a job
	 * (runtime/job.h: poll, stop and free it like an exec job; stopping
	 * cancels the statement or command), or NULL + err. UI thread; never
	 * blocks on the network. */
	struct job *(*start)(const struct config *c, const char *target, const char *text,
			     const struct step_values *values, double timeout, int wake_fd,
			     char *err, size_t errlen);
	/* text as it will run with values bound (secret ones masked), for
	 * the confirmation, the transcript and the audit log; NULL + err
	 * when the values cannot be bound (the step is refused). Pure. */
	char *(*shown)(const char *text, const struct step_values *values, char *err,
		       size_t errlen);
};

/* The NULL-terminated registry. */
extern const struct native_ops *const native_registry[];

/* The ops for steps of kind k, or NULL when no source runs them. */
const struct native_ops *native_find(enum step_kind k);

/* For a source's start: run step on a job of its own (output unbounded:
 * the runbook panel caps its copy) with arg, the job's (freed by
 * free_arg after the join, or at once when the job cannot start: NULL +
 * err). on_stop as in struct job_spec (may be NULL). UI thread. */
struct job *native_spawn(void (*step)(struct job *job, void *arg), void *arg,
			 void (*free_arg)(void *arg), void (*on_stop)(void *arg), int wake_fd,
			 char *err, size_t errlen);

/* What a step of a single-server source (sql, promql) runs with. */
struct native_step {
	char *text;                 /* the step's command */
	struct step_values *values; /* its placeholders' values, or NULL */
	double timeout;             /* seconds */
	char *source;               /* where to run it (conninfo, base URL), or NULL */
};

/* native_spawn for such a step: run gets a struct native_step with
 * copies of text, values and timeout and source (taken: freed with the
 * job). */
struct job *native_step_start(void (*run)(struct job *job, void *step), char *source,
			      const char *text, const struct step_values *values, double timeout,
			      int wake_fd, char *err, size_t errlen);

/* End a step's job in state with exit code; err, the reason, is kept
 * in the status (cut to 190 bytes) only when the step could not run
 * (EXEC_FAILED). The step's thread. */
void native_end(struct job *j, enum exec_state state, int code, const char *err);

#endif
