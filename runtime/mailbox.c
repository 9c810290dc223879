/*
 * mailbox.c - the hand-off of snapshots from one worker thread to the UI
 * thread (see mailbox.h). One mutex guards the waiting snapshot and the
 * status; a put replaces a snapshot the UI never took (freeing it) and
 * writes one byte to the UI's wake-up pipe without blocking, so a slow UI
 * can neither stall a worker nor make memory grow. One byte per look: a
 * put the UI has not yet looked at (take or status) already woke it, and
 * the puts after it until that look wake nobody again (#17).
 */
#include "runtime/mailbox.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "runtime/job.h"

struct mailbox {
	pthread_mutex_t lock;
	int wake_fd;
	void (*free_snap)(void *);
	void *snap; /* newest snapshot the UI has not taken, or NULL */
	int woken;  /* a wake-up byte went out since the UI last looked */
	struct mailbox_status st;
	struct util_steady fetch; /* st.fetch_ms, steadied */
};

/* Lock held: whether this put must wake the UI (and note it will). */
static int mailbox_wake_due(struct mailbox *mb)
{
	int due = !mb->woken;

	mb->woken = 1;
	return due;
}

struct mailbox *mailbox_new(int wake_fd, void (*free_snap)(void *))
{
	struct mailbox *mb = xcalloc(1, sizeof *mb);

	pthread_mutex_init(&mb->lock, NULL);
	mb->wake_fd = wake_fd;
	mb->free_snap = free_snap;
	mb->st.state = MAILBOX_CONNECTING;
	job_fd_nonblock(wake_fd);
	return mb;
}

void mailbox_free(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	if (mb->snap != NULL && mb->free_snap != NULL)
		mb->free_snap(mb->snap);
	pthread_mutex_destroy(&mb->lock);
	free(mb);
}

void mailbox_put(struct mailbox *mb, void *snap, double fetch_ms, double next_retry)
{
	void *old = NULL;
	int wake;

	pthread_mutex_lock(&mb->lock);
	if (snap != NULL) {
		old = mb->snap;
		mb->snap = snap;
		mb->st.taken = util_now();
	} else if (mb->st.taken > 0) {
		/* Nothing changed, and the data the UI holds was just confirmed:
		 * its age counts from now, so a later failure says how long ago
		 * it was last known true. */
		mb->st.taken = util_now();
	}
	mb->st.state = MAILBOX_OK;
	mb->st.generation++;
	mb->st.fetch_ms = util_steady_ms(&mb->fetch, fetch_ms);
	mb->st.last_attempt = util_now();
	mb->st.next_retry = next_retry;
	mb->st.failures = 0;
	mb->st.error[0] = '\0';
	wake = mailbox_wake_due(mb);
	pthread_mutex_unlock(&mb->lock);
	/* Freed outside the lock: a big snapshot must not hold up the UI. */
	if (old != NULL && mb->free_snap != NULL)
		mb->free_snap(old);
	if (wake)
		job_wake_fd(mb->wake_fd);
}

void mailbox_put_error(struct mailbox *mb, const char *error, double fetch_ms, double next_retry)
{
	int wake;

	pthread_mutex_lock(&mb->lock);
	mb->st.state = MAILBOX_ERROR;
	mb->st.generation++;
	/* A failed attempt's time (a timeout) shows as it is; the next
	 * success starts the steady readout afresh. */
	mb->st.fetch_ms = fetch_ms;
	mb->fetch.seen = 0;
	mb->st.last_attempt = util_now();
	mb->st.next_retry = next_retry;
	mb->st.failures++;
	snprintf(mb->st.error, sizeof mb->st.error, "%s",
		 error != NULL && *error != '\0' ? error : "unknown error");
	wake = mailbox_wake_due(mb);
	pthread_mutex_unlock(&mb->lock);
	if (wake)
		job_wake_fd(mb->wake_fd);
}

int mailbox_take(struct mailbox *mb, void **snap, struct mailbox_status *st)
{
	int got = 0;

	pthread_mutex_lock(&mb->lock);
	mb->woken = 0;
	if (st != NULL)
		*st = mb->st;
	if (mb->snap != NULL && snap != NULL) {
		*snap = mb->snap;
		mb->snap = NULL;
		got = 1;
	}
	pthread_mutex_unlock(&mb->lock);
	return got;
}

void mailbox_status(struct mailbox *mb, struct mailbox_status *st)
{
	pthread_mutex_lock(&mb->lock);
	mb->woken = 0;
	*st = mb->st;
	pthread_mutex_unlock(&mb->lock);
}

enum mailbox_health mailbox_describe(const struct mailbox_status *st, int have_data, char *state,
				     size_t statelen, char *detail, size_t detaillen)
{
	char age[16] = "?", retry[16];
	double in = st->next_retry - util_now();

	detail[0] = '\0';
	switch (st->state) {
	case MAILBOX_CONNECTING:
		snprintf(state, statelen, "connecting");
		return MAILBOX_HEALTH_CONNECTING;
	case MAILBOX_OK:
		snprintf(state, statelen, "ok");
		return MAILBOX_HEALTH_OK;
	case MAILBOX_ERROR:
		break;
	}
	if (st->taken > 0)
		util_fmt_duration(age, sizeof age, util_now() - st->taken);
	util_fmt_duration(retry, sizeof retry, in > 0 ? in + 0.5 : 0);
	if (have_data) {
		snprintf(state, statelen, "STALE");
		snprintf(detail, detaillen, "stale %s — %s, retry in %s (%d failures)", age,
			 st->error, retry, st->failures);
		return MAILBOX_HEALTH_STALE;
	}
	snprintf(state, statelen, "error");
	snprintf(detail, detaillen, "disconnected: %s, retry in %s", st->error, retry);
	return MAILBOX_HEALTH_DOWN;
}
