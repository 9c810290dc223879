/*
 * exec.h - runs runbook steps as child processes. A background job is
 * /bin/sh -c TEXT in its own process group, stdin from /dev/null, output
 * (stdout and stderr merged) read by the job's thread (runtime/job.h)
 * into a capped buffer, killed (SIGTERM to the group, then SIGKILL) at its
 * deadline or on request; it reports like every other job. An
 * interactive job is run in the foreground with the terminal handed over.
 * Extra environment carries placeholder values: never spliced into text.
 */
#ifndef AM_EXEC_H
#define AM_EXEC_H

#include <stddef.h>
#include "lib/util.h"

enum exec_state {
	EXEC_RUNNING,
	EXEC_EXITED,   /* exit_code is valid */
	EXEC_SIGNALED, /* term_signal is valid */
	EXEC_TIMEDOUT, /* killed at the deadline */
	EXEC_STOPPED,  /* killed on request */
	EXEC_FAILED,   /* could not start: error says why */
};

struct exec_spec {
	const char *shell;      /* absolute path; NULL means /bin/sh */
	const char *command;    /* passed as the -c argument, unchanged */
	const char *const *env; /* extra "NAME=VALUE" entries, NULL-terminated, may be NULL */
	double timeout;         /* seconds; <= 0 means 300 */
	size_t output_cap;      /* bytes kept (the newest); 0 means 1 MiB */
};

struct exec_status {
	enum exec_state state;
	int exit_code;
	int term_signal;
	double started;     /* wall time, for display */
	double t0;          /* monotonic start (util_now), for durations */
	double duration;    /* seconds so far, or total when finished */
	size_t total_bytes; /* bytes the child wrote */
	size_t dropped;     /* bytes dropped because of the cap */
	int pid;            /* the child's pid, which is also its process group */
	char error[200];
};

struct job;

/* Start a background job (job.h: poll it with job_poll, stop it with
 * job_stop, free it with job_free); its thread wakes wake_fd at most
 * every 50 ms while output arrives, and when the job ends. NULL + err if
 * fork/pipe fails. UI thread. Between two polls the job keeps at most
 * output_cap bytes (the newest; st.dropped counts the rest), so the
 * caller bounds only its own copy. The state leaves EXEC_RUNNING only
 * after the last output is in. A job whose shell has exited is over:
 * anything it left holding the pipe is killed after half a second.
 * job_stop sends SIGTERM to the process group now, SIGKILL after a 2 s
 * grace; job_free stops a running job and waits up to that grace. */
struct job *exec_start(const struct exec_spec *spec, int wake_fd, char *err, size_t errlen);
/* Mark st as started now: started (wall, for display) and t0 (monotonic,
 * for durations). Any thread. */
void exec_status_start(struct exec_status *st);
/* Seconds since exec_status_start(st) by the monotonic clock: a step of
 * the wall clock changes no duration. */
double exec_status_elapsed(const struct exec_status *st);
/* SIGKILL the process groups of every running job. Async-signal-safe
 * enough for the exit path (reads a fixed table). */
void exec_kill_all(void);
/* Put the process group pgid of a helper that is not a job (an exec
 * credential plugin) in the table exec_kill_all kills: the slot to give
 * to exec_helper_untrack (before reaping it), or -1 when full. Any
 * thread. */
int exec_helper_track(int pgid);
void exec_helper_untrack(int slot);
/* Number of jobs still running. */
int exec_running_count(void);

/* Run in the foreground with the caller's terminal (curses must be
 * suspended by the caller), in its own process group made the terminal's
 * foreground group, waiting for it. Fills st. 0, or -1 if it could not
 * start. */
int exec_run_foreground(const struct exec_spec *spec, struct exec_status *st);

/* Resolve a program name against PATH at start-up (B7): returns a fresh
 * absolute path (realpath; caller frees), or NULL if not found. A name
 * with a '/' is checked as given. A directory in PATH holding the program
 * but world-writable (without the sticky bit), owned by neither root nor
 * the user, or relative, is skipped and reported in warn (may be NULL) as
 * "PATH directory DIR is writable by others; skipped" (several joined by
 * "; "). */
char *exec_resolve(const char *prog, char *warn, size_t warnlen);

/* A child's environment: ours, with extra's NAME=value entries
 * overriding (entries without a name are dropped). The strings are
 * borrowed; free only the array. */
char **exec_envp(const char *const *extra);

#endif
