/*
 * mailbox.h - hands snapshots from one worker thread to the UI thread.
 * The worker puts a whole snapshot (or an error) and writes one byte to
 * the UI's wake-up pipe, unless one went out since the UI last looked
 * (take or status): the UI takes the newest one when it wakes. Older
 * snapshots the UI never took are freed by the mailbox. One mutex, no
 * waiting on either side.
 */
#ifndef AM_MAILBOX_H
#define AM_MAILBOX_H

#include <stddef.h>

/* What the UI knows about a source besides its data. */
enum mailbox_state {
	MAILBOX_CONNECTING, /* no attempt finished yet */
	MAILBOX_OK,         /* the last attempt succeeded */
	MAILBOX_ERROR,      /* the last attempt failed; data (if any) is old */
};

struct mailbox_status {
	enum mailbox_state state;
	unsigned long generation; /* bumps on every put (data or error) */
	double taken;             /* monotonic time (util_now) the current data was
				   * last fetched or confirmed unchanged, 0 if
				   * none: an age, never a date, so a step of the
				   * wall clock cannot make data look fresh */
	double fetch_ms;          /* duration of the last attempt; after a
				   * success steadied (util_steady_ms) */
	double last_attempt;      /* monotonic time of the last attempt */
	double next_retry;        /* monotonic time of the next attempt */
	int failures;             /* consecutive failed attempts */
	char error[256];          /* last error, "" when state is OK */
};

/* What a panel says about its source, from mailbox_describe. */
enum mailbox_health {
	MAILBOX_HEALTH_CONNECTING, /* no attempt finished yet */
	MAILBOX_HEALTH_OK,
	MAILBOX_HEALTH_STALE, /* failing, and the UI still shows older data */
	MAILBOX_HEALTH_DOWN,  /* failing, and there is no data at all */
};

struct mailbox;

/* The words every panel uses for a source's state, so they agree: state
 * gets "connecting", "ok", "STALE" or "error"; when failing, detail gets
 * "stale 34s — connection refused, retry in 8s (3 failures)" (have_data:
 * the UI holds a snapshot) or "disconnected: connection refused, retry in
 * 8s", else "". Any thread; no locking (st is a copy). */
enum mailbox_health mailbox_describe(const struct mailbox_status *st, int have_data, char *state,
				     size_t statelen, char *detail, size_t detaillen);

/* Create a mailbox that writes one byte to wake_fd on a put, the first
 * since the UI last called mailbox_take or mailbox_status (-1: no
 * wake). free_snap frees snapshots the UI never took. */
struct mailbox *mailbox_new(int wake_fd, void (*free_snap)(void *));
/* Free the mailbox and any snapshot still in it. Nobody may use it after. */
void mailbox_free(struct mailbox *mb);
/* Worker: publish a new snapshot (ownership passes to the mailbox); a
 * snapshot the UI never took is freed. snap NULL records a successful
 * attempt without new data. Never blocks on the UI. */
void mailbox_put(struct mailbox *mb, void *snap, double fetch_ms, double next_retry);
/* Worker: publish a failed attempt (failures + 1); the last data stays
 * with the UI and an untaken snapshot stays takeable. */
void mailbox_put_error(struct mailbox *mb, const char *error, double fetch_ms, double next_retry);
/* UI: copy the status out; if a snapshot newer than the last take is
 * waiting, move it to *snap (caller owns it) and return 1, else 0. */
int mailbox_take(struct mailbox *mb, void **snap, struct mailbox_status *st);
/* UI: copy the status only. */
void mailbox_status(struct mailbox *mb, struct mailbox_status *st);

#endif
