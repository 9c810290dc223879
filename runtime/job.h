/*
 * job.h - work that runs off the UI thread and reports back: a runbook
 * step (a child process, a SQL statement, Redis commands, PromQL
 * queries) or a slow request a runner serves (Redis top keys or an
 * invalidation). A job runs a function on a thread of its own (job_start)
 * or is filled by a runner's request handler on the runner's thread
 * (job_new). Either way it reports into one mutex-protected result: a
 * status (struct exec_status), output text kept within a cap, and the
 * newest snapshot when the work publishes structured progress; every
 * report wakes the UI through wake_fd. The UI polls the result, may ask
 * the job to stop, and frees it after its thread was joined.
 */
#ifndef AM_JOB_H
#define AM_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "runtime/exec.h"
#include "lib/util.h"

struct job;

struct job_spec {
	/* The work, on the job's thread: reports with job_out and ends with
	 * job_end (a job that returns without job_end ends EXEC_EXITED 0). */
	void (*run)(struct job *job, void *arg);
	void *arg;                   /* handed to run and on_stop; the job's */
	void (*free_arg)(void *arg); /* after the join; NULL: free() */
	/* Optional: interrupt what the work waits on (shutdown a socket,
	 * signal a child). Called by job_stop on the caller's thread, after
	 * the stop flag is set, while the job runs. */
	void (*on_stop)(void *arg);
	size_t output_cap; /* bytes kept between two polls (the newest); 0 no bound */
	int pid;           /* shown in the status (a child's pid), 0 none */
	int wake_fd;       /* one byte per report; -1 none */
	/* The thread's name in top -H and /proc (cut to 15 bytes: "am:pg"),
	 * NULL: the process's. */
	const char *name;
};

/* Name a thread (name cut to the kernel's 15 bytes); any thread. */
void job_name_thread(pthread_t thread, const char *name);
/* Start spec->run on a thread of its own (all signals blocked), status
 * EXEC_RUNNING from now. spec->arg is the job's from this call: when the
 * thread cannot start it is freed (free_arg) and NULL + err returned. UI
 * thread. */
struct job *job_start(const struct job_spec *spec, char *err, size_t errlen);
/* A job without a thread: a runner's request handler does each run
 * (job_begin ... job_end) and may publish snapshots, freed with
 * free_snap when nobody takes them. Free it after the runner stopped. */
struct job *job_new(int wake_fd, void (*free_snap)(void *snap));

/* ---- the worker's side ---- */

/* A new run of a job_new job: the last stop request is forgotten and
 * the status is EXEC_RUNNING from now. */
void job_begin(struct job *j);
/* Append output (kept within the cap) without waking the UI; job_wake
 * wakes it. For a caller that spaces its wake-ups. */
void job_write(struct job *j, const char *s, size_t n);
void job_wake(struct job *j);
/* Append output and wake the UI. */
void job_out(struct job *j, const char *s, size_t n);
void job_puts(struct job *j, const char *s);
/* Append sb's text, wake the UI and free sb (reset for reuse). */
void job_out_strbuf(struct job *j, struct strbuf *sb);
/* Hand over a snapshot (the job's from now) through the job's mailbox
 * (mailbox.h, as runners do): the newest wins, an older one never taken
 * is freed. Wakes the UI. job_new jobs only. */
void job_publish(struct job *j, void *snap);
/* The run is over: state (not EXEC_RUNNING), exit_code, term_signal and
 * error (NULL keeps none). Wakes the UI. */
void job_end(struct job *j, enum exec_state state, int exit_code, int term_signal,
	     const char *error);
/* 1 once job_stop was called (for this run). Any thread. */
int job_stopping(const struct job *j);
/* The stop flag itself, for I/O helpers that poll it. */
const atomic_int *job_stop_flag(const struct job *j);

/* ---- the UI's side ---- */

/* Copy the status into st (may be NULL) and move the output that arrived
 * since the last call into out (appended; may be NULL). Returns 1 when
 * something changed (output, or the state). Any thread. */
int job_poll(struct job *j, struct exec_status *st, struct strbuf *out);
/* 1 and the newest published snapshot (the caller's from now), else 0. */
int job_take(struct job *j, void **snap);
/* Ask the job to stop: sets the flag, then on_stop while it runs. Never
 * blocks on the work. */
void job_stop(struct job *j);
/* Stop, wait for the job's thread (if it has one), free everything. */
void job_free(struct job *j);

/* Make fd non-blocking (a wake-up pipe, a pipe a reader polls). */
void job_fd_nonblock(int fd);
/* Write one byte to a wake-up pipe (non-blocking; a full pipe means the
 * UI is already due to wake). Any thread; fd < 0 does nothing. */
void job_wake_fd(int fd);

#endif
