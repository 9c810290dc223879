/*
 * runner.c - the worker thread every backend runs on (see runner.h), a
 * job (job.h) whose results go through a mailbox (mailbox.h). The
 * loop delivers queued requests, polls once with timing, publishes the
 * result through the mailbox and sleeps on a condition variable (monotonic
 * clock) until the interval or the backoff delay has passed, or the UI
 * asks for a refresh, sends a request or stops the runner. Backoff after
 * failures is exponential and capped; a refresh resets it.
 */
#include "runtime/runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "runtime/job.h"
#include "runtime/remote.h"

#define RUNNER_DEFAULT_INTERVAL 2.0
#define RUNNER_DEFAULT_BACKOFF_MIN 1.0
#define RUNNER_DEFAULT_BACKOFF_MAX 30.0

struct runner_req {
	struct backend_request req;
	struct runner_req *next;
};

struct runner {
	const struct backend *be;
	void *state;
	struct mailbox *mb;
	struct runner_opts opts;
	struct job *job; /* the worker thread (job.h) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Guarded by lock. */
	int stop;
	int refresh;
	int interrupted; /* be->interrupt(state, 1) called, not yet undone */
	int done;        /* the thread has left its loop */
	struct runner_req *head, *tail;
	char label[64]; /* what the Sources panel calls it */
	int hidden;     /* a helper runner the Sources panel does not list */
	/* Worker thread only. */
	int failures;
	struct runner *next_live;
	/* Shows another console's snapshots (runner_set_remote): the
	 * backend is neither opened nor polled. */
	int remote;
	unsigned long remote_seen; /* the remote state last shown */
	atomic_int quit;           /* runner_on_stop was called */
};

/* runner_set_tap's and runner_set_remote's, set before runners start. */
static runner_tap_fn runner_tap;
static void *runner_tap_ctx;
static int runner_remote_mode;

/* Every runner started and not yet stopped, newest last. */
static pthread_mutex_t runner_live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runner *runner_live;

static void runner_link(struct runner *r)
{
	struct runner **p;

	pthread_mutex_lock(&runner_live_lock);
	for (p = &runner_live; *p != NULL; p = &(*p)->next_live)
		;
	*p = r;
	pthread_mutex_unlock(&runner_live_lock);
}

static void runner_unlink(struct runner *r)
{
	struct runner **p;

	pthread_mutex_lock(&runner_live_lock);
	for (p = &runner_live; *p != NULL; p = &(*p)->next_live)
		if (*p == r) {
			*p = r->next_live;
			break;
		}
	pthread_mutex_unlock(&runner_live_lock);
}

size_t runner_live_count(void)
{
	struct runner *r;
	size_t n = 0;

	pthread_mutex_lock(&runner_live_lock);
	for (r = runner_live; r != NULL; r = r->next_live)
		n++;
	pthread_mutex_unlock(&runner_live_lock);
	return n;
}

struct runner *runner_live_at(size_t i)
{
	struct runner *r;

	pthread_mutex_lock(&runner_live_lock);
	for (r = runner_live; r != NULL && i > 0; r = r->next_live)
		i--;
	pthread_mutex_unlock(&runner_live_lock);
	return r;
}

void runner_set_label(struct runner *r, const char *label)
{
	pthread_mutex_lock(&r->lock);
	r->hidden = label == NULL;
	snprintf(r->label, sizeof r->label, "%s", label != NULL ? label : "");
	pthread_mutex_unlock(&r->lock);
	if (r->remote)
		remote_wake(); /* its key changed (see runner_on_stop for the order) */
}

void runner_set_tap(runner_tap_fn fn, void *ctx)
{
	runner_tap = fn;
	runner_tap_ctx = ctx;
}

void runner_set_remote(int on)
{
	runner_remote_mode = on;
}

/* "backend:label" ("redis:fleet-cache", "k8s:"): the same source has the
 * same key in every console with the same configuration. Empty for a
 * hidden runner. Any thread. */
static void runner_key(void *p, char *buf, size_t len)
{
	struct runner *r = p;

	pthread_mutex_lock(&r->lock);
	if (r->hidden)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%s:%s", r->be->name, r->label);
	pthread_mutex_unlock(&r->lock);
}

static int runner_quitting(void *p)
{
	struct runner *r = p;

	return atomic_load(&r->quit);
}

/* A remote runner's poll: the next state of its key, decoded. */
static int runner_remote_poll(struct runner *r, void **snap, char *err, size_t errlen)
{
	const struct cJSON *json;
	void *hold;

	if (!remote_wait(runner_key, &r->remote_seen, &json, &hold, err, errlen, runner_quitting,
			 r)) {
		snprintf(err, errlen, "stopped");
		return -1;
	}
	if (json == NULL) {
		if (err[0] == '\0')
			snprintf(err, errlen, "no data from the presenter");
		return -1;
	}
	if (r->be->snapshot_decode == NULL) {
		snprintf(err, errlen, "%s data cannot be shown here", r->be->name);
		*snap = NULL;
	} else {
		char why[200];

		*snap = r->be->snapshot_decode(json, why, sizeof why);
		if (*snap == NULL)
			snprintf(err, errlen, "the presenter's %s data is unreadable: %s",
				 r->be->name, why);
	}
	remote_release(hold);
	return *snap != NULL ? 0 : -1;
}

/* After a poll: hand the result to the tap (a presenter publishing it). */
static void runner_tapped(struct runner *r, const void *snap, const char *err)
{
	char key[96];

	if (runner_tap == NULL || r->remote)
		return;
	runner_key(r, key, sizeof key);
	if (key[0] != '\0')
		runner_tap(runner_tap_ctx, key, r->be, snap, err);
}

int runner_hidden(const struct runner *r)
{
	return r->hidden;
}

const char *runner_label(const struct runner *r)
{
	return r->label[0] != '\0' ? r->label : r->be->name;
}

static void runner_free_reqs(struct runner_req *q)
{
	struct runner_req *next;

	for (; q != NULL; q = next) {
		next = q->next;
		if (q->req.free_data != NULL)
			q->req.free_data(q->req.data);
		else
			free(q->req.data);
		free(q);
	}
}

/* Seconds to wait from now (util_now) before the next attempt after this
 * many consecutive failures. With none, the regular interval, on a grid the runners share:
 * the next multiple of the interval on the monotonic clock at least half
 * an interval away, so the runners with one interval poll together and
 * their snapshots reach the UI in one pass instead of each waking it
 * apart (#17). */
static double runner_delay(const struct runner *r, double now)
{
	double d;
	int i;

	if (r->failures == 0) {
		d = ((double)(long long)(now / r->opts.interval) + 1) * r->opts.interval - now;
		return d < r->opts.interval / 2 ? d + r->opts.interval : d;
	}
	d = r->opts.backoff_min;
	for (i = 1; i < r->failures && d < r->opts.backoff_max; i++)
		d *= 2;
	return d < r->opts.backoff_max ? d : r->opts.backoff_max;
}

/* Work starts anew: an interrupt hits only the work that was in flight
 * when it came. Worker thread. */
static void runner_begin(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	if (r->interrupted) {
		r->interrupted = 0;
		if (r->be->interrupt != NULL && !r->remote)
			r->be->interrupt(r->state, 0);
	}
	pthread_mutex_unlock(&r->lock);
}

static int runner_was_interrupted(struct runner *r)
{
	int i;

	pthread_mutex_lock(&r->lock);
	i = r->interrupted;
	pthread_mutex_unlock(&r->lock);
	return i;
}

static void runner_deliver(struct runner *r, struct runner_req *q)
{
	char err[256];

	for (; q != NULL; q = q->next) {
		if (r->remote) {
			/* A follower's console shows; it asks no server. */
			mailbox_put_error(r->mb,
					  "a follower runs nothing: this is the presenter's data",
					  0, util_now());
			continue;
		}
		if (r->be->request == NULL)
			continue;
		runner_begin(r);
		err[0] = '\0';
		if (r->be->request(r->state, &q->req, err, sizeof err) != 0)
			mailbox_put_error(r->mb, err[0] != '\0' ? err : "request failed", 0,
					  util_now());
	}
}

static void runner_poll_once(struct runner *r)
{
	char err[256];
	void *snap = NULL;
	double t0, t1, ms;
	int rc;

	err[0] = '\0';
	runner_begin(r);
	t0 = util_now();
	if (r->remote)
		rc = runner_remote_poll(r, &snap, err, sizeof err);
	else
		rc = r->be->poll(r->state, &snap, err, sizeof err);
	t1 = util_now();
	ms = (t1 - t0) * 1000.0;
	if (runner_was_interrupted(r)) {
		/* Cut short for newer work: what it found (often only the
		 * interruption) is nobody's news. */
		if (snap != NULL && r->be->snapshot_free != NULL)
			r->be->snapshot_free(snap);
		return;
	}
	runner_tapped(r, rc == 0 ? snap : NULL,
		      rc == 0          ? ""
		      : err[0] != '\0' ? err
				       : "poll failed");
	if (rc == 0) {
		r->failures = 0;
		mailbox_put(r->mb, snap, ms, t1 + runner_delay(r, t1));
	} else {
		/* A failed poll should not hand anything over; be lenient. */
		if (snap != NULL && r->be->snapshot_free != NULL)
			r->be->snapshot_free(snap);
		r->failures++;
		mailbox_put_error(r->mb, err[0] != '\0' ? err : "poll failed", ms,
				  t1 + runner_delay(r, t1));
	}
}

static void runner_abstime(struct timespec *ts, double delay)
{
	long ns;

	clock_gettime(CLOCK_MONOTONIC, ts);
	if (delay < 0)
		delay = 0;
	if (delay > 1e6)
		delay = 1e6;
	ns = ts->tv_nsec + (long)((delay - (double)(long)delay) * 1e9);
	ts->tv_sec += (time_t)delay;
	ts->tv_nsec = ns;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void runner_run(struct job *job, void *p)
{
	struct runner *r = p;
	struct runner_req *q;
	struct timespec until;
	int rc, again;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		q = r->head;
		r->head = r->tail = NULL;
		if (r->refresh)
			r->failures = 0;
		r->refresh = 0;
		pthread_mutex_unlock(&r->lock);

		runner_deliver(r, q);
		runner_free_reqs(q);
		/* Requests that came meanwhile go before the poll: one may
		 * make it obsolete (a context switch). */
		pthread_mutex_lock(&r->lock);
		again = r->head != NULL;
		pthread_mutex_unlock(&r->lock);
		if (again)
			continue;
		runner_poll_once(r);

		runner_abstime(&until, runner_delay(r, util_now()));
		pthread_mutex_lock(&r->lock);
		rc = 0;
		while (!r->stop && !r->refresh && r->head == NULL && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&r->cond, &r->lock, &until);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_lock(&r->lock);
	r->done = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Call the backend's interrupt for the work in flight; lock held. */
static void runner_interrupt_locked(struct runner *r)
{
	if (r->be->interrupt == NULL || r->interrupted || r->remote)
		return;
	r->interrupted = 1;
	r->be->interrupt(r->state, 1);
}

/* Tell r's worker to end its loop: the stop flag, the backend's
 * interrupt for the work in flight, a wake from its wait. A remote
 * worker also needs remote_wake(), which the caller gives (never under
 * r->lock). */
static void runner_tell_stop(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	runner_interrupt_locked(r);
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	atomic_store(&r->quit, 1);
}

/* job_stop's hook: end the worker's loop, interrupt what it waits on
 * (the backend's interrupt), wake it from its wait. */
static void runner_on_stop(void *p)
{
	struct runner *r = p;

	runner_tell_stop(r);
	if (r->remote)
		remote_wake(); /* (never under r->lock: remote_wait asks runner_key under its own)
				*/
}

/* The runner outlives its thread's job: runner_stop frees it. */
static void runner_keep(void *p)
{
	(void)p;
}

struct runner *runner_start(const struct backend *be, const void *arg,
			    const struct runner_opts *opts, int wake_fd, char *err, size_t errlen)
{
	struct runner *r;
	pthread_condattr_t ca;
	struct job_spec spec = { 0 };
	char why[160], tname[16];

	r = xcalloc(1, sizeof *r);
	r->be = be;
	if (opts != NULL)
		r->opts = *opts;
	if (!(r->opts.interval > 0))
		r->opts.interval = RUNNER_DEFAULT_INTERVAL;
	if (!(r->opts.backoff_min > 0))
		r->opts.backoff_min = RUNNER_DEFAULT_BACKOFF_MIN;
	if (!(r->opts.backoff_max > 0))
		r->opts.backoff_max = RUNNER_DEFAULT_BACKOFF_MAX;
	if (r->opts.backoff_max < r->opts.backoff_min)
		r->opts.backoff_max = r->opts.backoff_min;
	if (runner_remote_mode) {
		/* Its poll waits for the presenter's next state: nothing to
		 * wait for between polls. */
		r->remote = 1;
		r->opts.interval = r->opts.backoff_min = r->opts.backoff_max = 0.001;
	}

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!r->remote && be->open != NULL && be->open(&r->state, arg, err, errlen) != 0) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "%s: open failed", be->name);
		free(r);
		return NULL;
	}
	r->mb = mailbox_new(wake_fd, be->snapshot_free);
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);

	/* The worker is a job (signals blocked, stopped through
	 * runner_on_stop, joined by job_free); its results go through the
	 * mailbox, not the job's output. */
	spec.run = runner_run;
	spec.arg = r;
	spec.free_arg = runner_keep;
	spec.on_stop = runner_on_stop;
	spec.wake_fd = -1;
	snprintf(tname, sizeof tname, "am:%s", be->name);
	spec.name = tname;
	r->job = job_start(&spec, why, sizeof why);
	if (r->job == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", be->name, why);
		if (be->close != NULL && !r->remote)
			be->close(r->state);
		mailbox_free(r->mb);
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return NULL;
	}
	runner_link(r);
	return r;
}

struct mailbox *runner_mailbox(struct runner *r)
{
	return r->mb;
}

const struct backend *runner_backend(const struct runner *r)
{
	return r->be;
}

void runner_refresh(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->refresh = 1;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void runner_enqueue(struct runner *r, struct runner_req *q)
{
	pthread_mutex_lock(&r->lock);
	if (r->tail != NULL)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void runner_send(struct runner *r, int kind, void *data, void (*free_data)(void *data))
{
	struct runner_req *q = xcalloc(1, sizeof *q);

	q->req.kind = kind;
	q->req.data = data;
	q->req.free_data = free_data;
	runner_enqueue(r, q);
}

size_t runner_supersede(struct runner *r, int kind, void *data, void (*free_data)(void *data),
			int interrupt)
{
	struct runner_req *q = xcalloc(1, sizeof *q), **pp, *gone = NULL, *x;
	size_t dropped = 0;

	q->req.kind = kind;
	q->req.data = data;
	q->req.free_data = free_data;
	pthread_mutex_lock(&r->lock);
	r->tail = NULL;
	for (pp = &r->head; *pp != NULL;) {
		x = *pp;
		if (x->req.kind == kind) {
			*pp = x->next;
			x->next = gone;
			gone = x;
			dropped++;
		} else {
			r->tail = x;
			pp = &x->next;
		}
	}
	*pp = q;
	r->tail = q;
	if (interrupt)
		runner_interrupt_locked(r);
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	runner_free_reqs(gone);
	return dropped;
}

void runner_stop(struct runner *r)
{
	if (r == NULL)
		return;
	runner_unlink(r);
	job_free(r->job); /* runner_on_stop (stop, interrupt), then the join */
	if (r->be->close != NULL && !r->remote)
		r->be->close(r->state);
	runner_free_reqs(r->head);
	mailbox_free(r->mb);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int runner_quit_all(double grace)
{
	struct timespec until;
	struct runner *r;
	int left = 0;

	runner_abstime(&until, grace);
	pthread_mutex_lock(&runner_live_lock);
	for (r = runner_live; r != NULL; r = r->next_live)
		runner_tell_stop(r);
	remote_wake();
	for (r = runner_live; r != NULL; r = r->next_live) {
		int rc = 0;

		pthread_mutex_lock(&r->lock);
		while (!r->done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&r->cond, &r->lock, &until);
		left += !r->done;
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_unlock(&runner_live_lock);
	return left;
}

struct runner_opts runner_opts_for(double refresh)
{
	struct runner_opts o;

	o.interval = refresh > 0 ? refresh : 2;
	o.backoff_min = o.interval;
	o.backoff_max = 8 * o.interval < 30 ? 8 * o.interval : 30;
	if (o.backoff_max < o.backoff_min)
		o.backoff_max = o.backoff_min;
	return o;
}
