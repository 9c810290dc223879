/*
 * runner.h - one worker thread per backend: calls its poll every
 * interval, times each attempt, backs off exponentially (capped) after
 * failures, delivers requests from the UI, and publishes through a
 * mailbox. A dead source never affects another; nothing here blocks the
 * UI thread except runner_stop, which joins.
 */
#ifndef AM_RUNNER_H
#define AM_RUNNER_H

#include "runtime/backend.h"
#include "runtime/mailbox.h"

struct runner;

struct runner_opts {
	double interval;    /* seconds between successful polls */
	double backoff_min; /* first retry delay after a failure (s) */
	double backoff_max; /* cap on the retry delay (s) */
};

/* The options every live panel uses for a refresh interval: poll every
 * refresh seconds (2 when <= 0); after failures back off from one interval
 * doubling up to 8 intervals, capped at 30 s (never below one interval). */
struct runner_opts runner_opts_for(double refresh);

/* Open the backend with arg and start its thread. Returns NULL and fills
 * err when open fails. wake_fd as for mailbox_new. Main thread. */
struct runner *runner_start(const struct backend *be, const void *arg,
			    const struct runner_opts *opts, int wake_fd, char *err, size_t errlen);
/* The runner's mailbox (owned by the runner). */
struct mailbox *runner_mailbox(struct runner *r);
const struct backend *runner_backend(const struct runner *r);
/* Name the runner for the Sources panel ("redis cache"); the backend's
 * name until set. NULL hides a helper runner (one that only serves
 * requests) from that list. */
void runner_set_label(struct runner *r, const char *label);
const char *runner_label(const struct runner *r);
int runner_hidden(const struct runner *r);
/* The runners started and not yet stopped, in start order: how many, and
 * the i-th (NULL past the end). For the Sources panel; UI thread, which
 * is also the only thread that starts and stops runners. */
size_t runner_live_count(void);
struct runner *runner_live_at(size_t i);
/* A tap sees every poll's result of every runner not hidden, on the
 * runner's thread, before the UI does: key ("backend:label", the same
 * for the same source in every console with the same configuration),
 * the backend, the new snapshot (NULL when the poll failed; not to be
 * kept) and the error ("" on success). A war room's presenter publishes
 * through it. Set it before the runners start. */
typedef void (*runner_tap_fn)(void *ctx, const char *key, const struct backend *be,
			      const void *snap, const char *error);
void runner_set_tap(runner_tap_fn fn, void *ctx);
/* With on, every runner started afterwards shows another console's
 * snapshots (runtime/remote.h, by its key) instead of opening and
 * polling its backend, and refuses requests: a war room's follower. */
void runner_set_remote(int on);
/* Ask for a poll now (resets the backoff). UI thread; never blocks. */
void runner_refresh(struct runner *r);
/* Queue a typed request: data (the backend's request struct, may be
 * NULL) is owned by the runner from now on and released with free_data
 * (free() when NULL) once delivered or dropped. UI thread; never blocks. */
void runner_send(struct runner *r, int kind, void *data, void (*free_data)(void *data));
/* Like runner_send, but first drop the requests of the same kind still
 * queued (the newest replaces them); with interrupt, the work in flight
 * (a poll or a request) is interrupted too (the backend's interrupt op),
 * as this request makes it obsolete: an interrupted poll publishes
 * nothing. Returns how many queued requests were dropped (never
 * delivered). UI thread; never blocks. */
size_t runner_supersede(struct runner *r, int kind, void *data, void (*free_data)(void *data),
			int interrupt);
/* Stop the thread (waking it if asleep and interrupting the work in
 * flight), join, close the backend, free everything. A poll in progress
 * without an interrupt op finishes first (it has timeouts). */
void runner_stop(struct runner *r);
/* For the exit path: tell every live runner to stop, interrupt the work
 * in flight, and wait up to grace seconds for their threads to leave
 * their loops. Returns how many did not (runner_stop would wait for
 * them: exit without it). UI thread. */
int runner_quit_all(double grace);

#endif
