/*
 * test_runner.c - unit tests for backends/runner.c driven by the selftest
 * backend, the way the UI drives it: a real pipe as the wake-up fd,
 * poll() on its read end, mailbox_take on every wake. Conditions are
 * awaited with generous bounds, never asserted on exact timings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/remote.h"
#include "runtime/runner.h"
#include "backends/selftest.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define TEST_RUNNER_LIMIT 5.0 /* seconds any awaited condition may take */

struct test_runner_ctx {
	int fds[2];
	struct runner *r;
	struct mailbox_status st;
	unsigned long last_seq;
	char last_text[64];
	int snaps;            /* snapshots taken */
	int seq_ok;           /* every snapshot's seq was above the previous one */
	double delay_for[16]; /* next_retry - last_attempt, by failure count */
};

static void test_runner_begin(struct test_runner_ctx *c, const struct selftest_arg *arg,
			      const struct runner_opts *o)
{
	char err[256] = "";

	memset(c, 0, sizeof *c);
	c->seq_ok = 1;
	assert_int_equal(pipe(c->fds), 0);
	fcntl(c->fds[0], F_SETFL, O_NONBLOCK);
	c->r = runner_start(&selftest_backend, arg, o, c->fds[1], err, sizeof err);
	assert_non_null(c->r);
	assert_string_equal(err, "");
	assert_ptr_equal(runner_backend(c->r), &selftest_backend);
}

/* Start c's runner with every poll failing while the file path (a
 * mkstemp template, filled in here) exists: unlink it to let them pass. */
static void test_runner_begin_failing(struct test_runner_ctx *c, struct selftest_arg *a, char *path,
				      const struct runner_opts *o)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	a->fail_file = path;
	test_runner_begin(c, a, o);
}

static void test_runner_end(struct test_runner_ctx *c)
{
	runner_stop(c->r);
	close(c->fds[0]);
	close(c->fds[1]);
}

/* Wait for a wake-up (or the limit), then take what is there. */
static void test_runner_step(struct test_runner_ctx *c, double limit)
{
	struct pollfd pfd = { .fd = c->fds[0], .events = POLLIN };
	struct selftest_snap *s = NULL;
	char buf[64];
	int ms = (int)(limit * 1000);

	if (ms > 0 && poll(&pfd, 1, ms) > 0)
		while (read(c->fds[0], buf, sizeof buf) > 0)
			;
	if (mailbox_take(runner_mailbox(c->r), (void **)&s, &c->st)) {
		if (s->seq <= c->last_seq)
			c->seq_ok = 0;
		c->last_seq = s->seq;
		snprintf(c->last_text, sizeof c->last_text, "%s", s->text);
		c->snaps++;
		selftest_backend.snapshot_free(s);
	}
	if (c->st.state == MAILBOX_ERROR && c->st.failures > 0 && c->st.failures < 16)
		c->delay_for[c->st.failures] = c->st.next_retry - c->st.last_attempt;
}

typedef int (*test_runner_pred)(const struct test_runner_ctx *c, const void *arg);

/* Step until pred holds; 1 if it did within TEST_RUNNER_LIMIT. */
static int test_runner_until(struct test_runner_ctx *c, test_runner_pred pred, const void *arg)
{
	double end = util_now() + TEST_RUNNER_LIMIT;

	test_runner_step(c, 0);
	while (!pred(c, arg)) {
		double left = end - util_now();

		if (left <= 0)
			return 0;
		test_runner_step(c, left < 0.1 ? left : 0.1);
	}
	return 1;
}

static int test_runner_snaps_at_least(const struct test_runner_ctx *c, const void *arg)
{
	return c->snaps >= *(const int *)arg;
}

static int test_runner_failures_at_least(const struct test_runner_ctx *c, const void *arg)
{
	return c->st.state == MAILBOX_ERROR && c->st.failures >= *(const int *)arg;
}

static int test_runner_is_ok(const struct test_runner_ctx *c, const void *arg)
{
	return c->st.state == MAILBOX_OK;
}

static int test_runner_text_is(const struct test_runner_ctx *c, const void *arg)
{
	return strcmp(c->last_text, arg) == 0;
}

static int test_runner_error_has(const struct test_runner_ctx *c, const void *arg)
{
	return c->st.state == MAILBOX_ERROR && strstr(c->st.error, arg) != NULL;
}

TEST(test_runner_snapshots)
{
	struct runner_opts o = { .interval = 0.02 };
	struct test_runner_ctx c;
	int want = 5;

	test_runner_begin(&c, NULL, &o);
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	assert_true(c.seq_ok);
	assert_int_equal(c.st.state, MAILBOX_OK);
	assert_true(c.st.generation >= 5);
	assert_true(c.st.taken > 0);
	assert_string_equal(c.last_text, "selftest");
	test_runner_end(&c);
}

/* The runners poll on a grid they share (#17): after a success the next
 * attempt is at a multiple of the interval on the monotonic clock, at
 * least half an interval and at most one and a half away, so runners with
 * one interval post together and wake the UI once. */
TEST(test_runner_grid)
{
	struct runner_opts o = { .interval = 0.25 };
	struct test_runner_ctx c;
	int want = 2;
	double q, gap;

	test_runner_begin(&c, NULL, &o);
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	q = c.st.next_retry / o.interval;
	assert_true(q - (double)(long long)(q + 0.5) < 1e-6);
	assert_true(q - (double)(long long)(q + 0.5) > -1e-6);
	gap = c.st.next_retry - c.st.last_attempt;
	assert_true(gap >= o.interval / 2 - 0.01);
	assert_true(gap <= o.interval * 1.5);
	test_runner_end(&c);
}

TEST(test_runner_backoff)
{
	struct selftest_arg a = { .fail_after = 1 };
	struct runner_opts o = { .interval = 0.01, .backoff_min = 0.02, .backoff_max = 0.1 };
	struct test_runner_ctx c;
	int want = 6, k;

	test_runner_begin(&c, &a, &o);
	assert_true(test_runner_until(&c, test_runner_failures_at_least, &want));
	assert_string_equal(c.st.error, "selftest: simulated failure");
	assert_int_equal(c.snaps, 1);
	/* Each observed delay is backoff_min * 2^(k-1), capped. */
	for (k = 1; k < 16; k++) {
		double want_d = 0.02;
		int i;

		if (c.delay_for[k] == 0)
			continue;
		for (i = 1; i < k; i++)
			want_d *= 2;
		if (want_d > 0.1)
			want_d = 0.1;
		assert_true(c.delay_for[k] > want_d - 0.01);
		assert_true(c.delay_for[k] < want_d + 0.01);
	}
	/* The cap was reached and observed. */
	assert_true(c.st.next_retry - c.st.last_attempt < 0.11);
	assert_true(c.st.next_retry - c.st.last_attempt > 0.09);
	test_runner_end(&c);
}

TEST(test_runner_defaults)
{
	struct selftest_arg a = { .fail_after = 0, .fail_every = 1 };
	struct test_runner_ctx c;
	int want = 1;

	/* No options: 2 s interval, 1 s first backoff, 30 s cap. */
	test_runner_begin(&c, &a, NULL);
	assert_true(test_runner_until(&c, test_runner_failures_at_least, &want));
	assert_true(c.st.next_retry - c.st.last_attempt > 0.9);
	assert_true(c.st.next_retry - c.st.last_attempt < 1.1);
	test_runner_end(&c);
}

TEST(test_runner_recovery)
{
	char path[] = "/tmp/am_runner_fail_XXXXXX";
	struct selftest_arg a = { 0 };
	struct runner_opts o = { .interval = 0.02, .backoff_min = 0.02, .backoff_max = 0.05 };
	struct test_runner_ctx c;
	int want = 3;

	test_runner_begin_failing(&c, &a, path, &o);
	assert_true(test_runner_until(&c, test_runner_failures_at_least, &want));
	assert_int_equal(c.snaps, 0);
	unlink(path);
	assert_true(test_runner_until(&c, test_runner_is_ok, NULL));
	assert_string_equal(c.st.error, "");
	assert_int_equal(c.st.failures, 0);
	want = 1;
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	test_runner_end(&c);
}

/* A refresh wakes a runner sleeping a long interval, and resets a long
 * backoff. */
TEST(test_runner_refresh)
{
	char path[] = "/tmp/am_runner_fail_XXXXXX";
	struct selftest_arg a = { 0 };
	struct runner_opts o = { .interval = 60, .backoff_min = 60, .backoff_max = 60 };
	struct test_runner_ctx c;
	int want = 1;

	test_runner_begin_failing(&c, &a, path, &o);
	assert_true(test_runner_until(&c, test_runner_failures_at_least, &want));
	assert_true(c.st.next_retry - c.st.last_attempt > 59);
	unlink(path);
	runner_refresh(c.r);
	want = 1;
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	assert_int_equal(c.st.state, MAILBOX_OK);
	runner_refresh(c.r);
	want = 2;
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	assert_true(c.seq_ok);
	test_runner_end(&c);
}

static struct selftest_req *test_runner_text(const char *text)
{
	struct selftest_req *rq = calloc(1, sizeof *rq);

	assert_non_null(rq);
	snprintf(rq->text, sizeof rq->text, "%s", text);
	return rq;
}

TEST(test_runner_requests)
{
	struct selftest_arg a = { .delay = 0.3 };
	struct runner_opts o = { .interval = 60 };
	struct test_runner_ctx c;
	int want = 1;

	test_runner_begin(&c, &a, &o);
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	runner_send(c.r, SELFTEST_REQ_TEXT, test_runner_text("hello"), NULL);
	assert_true(test_runner_until(&c, test_runner_text_is, "hello"));
	/* A failing request is reported; the poll after it still runs. */
	runner_send(c.r, 99, NULL, NULL);
	assert_true(test_runner_until(&c, test_runner_error_has, "unknown request 99"));
	want = 3;
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	assert_true(test_runner_until(&c, test_runner_is_ok, NULL));
	/* Requests still queued at stop are freed (ASan checks). */
	runner_send(c.r, SELFTEST_REQ_TEXT, test_runner_text("late"), NULL);
	runner_send(c.r, SELFTEST_REQ_TEXT, test_runner_text("later"), free);
	test_runner_end(&c);
}

TEST(test_runner_stop_prompt)
{
	struct runner_opts o = { .interval = 3600 };
	struct test_runner_ctx c;
	int want = 1;
	double t0;

	test_runner_begin(&c, NULL, &o);
	assert_true(test_runner_until(&c, test_runner_snaps_at_least, &want));
	t0 = util_now();
	test_runner_end(&c);
	assert_true(util_now() - t0 < 2.0);
}

/* Stopping before the first poll, with a snapshot left untaken, leaks
 * nothing; a slow poll in progress finishes first. */
TEST(test_runner_stop_untaken)
{
	struct selftest_arg a = { .delay = 0.05 };
	struct runner_opts o = { .interval = 0.01 };
	struct runner *r;
	char err[64];
	int i;

	for (i = 0; i < 5; i++) {
		r = runner_start(&selftest_backend, &a, &o, -1, err, sizeof err);
		assert_non_null(r);
		if (i > 0)
			usleep(20000 * (useconds_t)i);
		runner_stop(r);
	}
}

static int test_runner_open_fail(void **state, const void *arg, char *err, size_t errlen)
{
	snprintf(err, errlen, "bad config");
	return -1;
}

TEST(test_runner_open_error)
{
	struct backend be = selftest_backend;
	char err[64] = "";

	be.open = test_runner_open_fail;
	assert_null(runner_start(&be, NULL, NULL, -1, err, sizeof err));
	assert_string_equal(err, "bad config");
}

/* ---- interrupt and supersede: a backend whose poll blocks until it is
 * interrupted or released, and which records the requests delivered. */

struct test_blk {
	atomic_int in_poll;     /* a poll is running */
	atomic_int interrupted; /* interrupt(state, 1) and not yet (state, 0) */
	atomic_int release;     /* let the poll in progress return */
	atomic_int polls;       /* polls that returned */
	atomic_int ndelivered;
	atomic_int freed;           /* requests' data freed */
	atomic_int flag_at_request; /* interrupted seen by a request */
	int kinds[16];
	char data[16][8];
	double block; /* seconds a poll blocks at most */
	int interruptible;
};

static struct test_blk test_blk;

static int test_blk_open(void **state, const void *arg, char *err, size_t errlen)
{
	*state = &test_blk;
	return 0;
}

static int test_blk_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct test_blk *b = state;
	double end = util_now() + b->block;

	*snap = NULL;
	atomic_store(&b->in_poll, 1);
	while (util_now() < end && !atomic_load(&b->interrupted) && !atomic_load(&b->release))
		usleep(2000);
	atomic_store(&b->release, 0);
	atomic_store(&b->in_poll, 0);
	atomic_fetch_add(&b->polls, 1);
	if (atomic_load(&b->interrupted)) {
		snprintf(err, errlen, "interrupted");
		return -1;
	}
	return 0;
}

static int test_blk_request(void *state, const struct backend_request *req, char *err,
			    size_t errlen)
{
	struct test_blk *b = state;
	int i = atomic_load(&b->ndelivered);

	if (atomic_load(&b->interrupted))
		atomic_store(&b->flag_at_request, 1);
	if (i < 16) {
		b->kinds[i] = req->kind;
		snprintf(b->data[i], sizeof b->data[i], "%s", req->data ? (char *)req->data : "");
	}
	atomic_store(&b->ndelivered, i + 1);
	return 0;
}

static void test_blk_interrupt(void *state, int on)
{
	atomic_store(&((struct test_blk *)state)->interrupted, on);
}

static void test_blk_free(void *data)
{
	atomic_fetch_add(&test_blk.freed, 1);
	free(data);
}

static const struct backend test_blk_backend = {
	.name = "blocker",
	.open = test_blk_open,
	.poll = test_blk_poll,
	.request = test_blk_request,
	.interrupt = test_blk_interrupt,
};

static struct runner *test_blk_start(double block, int interruptible, int fd)
{
	struct runner_opts o = { .interval = 30 };
	const struct backend *be = &test_blk_backend;
	static struct backend plain;
	char err[64];
	struct runner *r;

	memset(&test_blk, 0, sizeof test_blk);
	test_blk.block = block;
	plain = test_blk_backend;
	plain.interrupt = NULL;
	if (!interruptible)
		be = &plain;
	r = runner_start(be, NULL, &o, fd, err, sizeof err);
	assert_non_null(r);
	return r;
}

/* 1 once cond (an atomic int) is at least want, within TEST_RUNNER_LIMIT. */
static int test_blk_wait(atomic_int *cond, int want)
{
	double end = util_now() + TEST_RUNNER_LIMIT;

	while (atomic_load(cond) < want)
		if (util_now() > end)
			return 0;
		else
			usleep(2000);
	return 1;
}

/* A request that makes the poll in flight obsolete interrupts it: the
 * request is delivered at once (not after the poll's 10 s), with the
 * interrupt undone first, and the interrupted poll publishes nothing. */
TEST(test_runner_interrupt)
{
	struct mailbox_status st;
	struct runner *r = test_blk_start(10, 1, -1);
	void *snap = NULL;
	double t0;

	assert_true(test_blk_wait(&test_blk.in_poll, 1));
	t0 = util_now();
	assert_int_equal(runner_supersede(r, 3, xstrdup("ctx"), test_blk_free, 1), 0);
	assert_true(test_blk_wait(&test_blk.ndelivered, 1));
	assert_true(util_now() - t0 < 2.0);
	assert_int_equal(test_blk.kinds[0], 3);
	assert_string_equal(test_blk.data[0], "ctx");
	assert_int_equal(atomic_load(&test_blk.flag_at_request), 0);
	assert_true(test_blk_wait(&test_blk.freed, 1));
	/* The poll after the request runs normally (and blocks again). */
	assert_true(test_blk_wait(&test_blk.in_poll, 1));
	assert_int_equal(atomic_load(&test_blk.interrupted), 0);
	mailbox_take(runner_mailbox(r), &snap, &st);
	assert_int_not_equal(st.state, MAILBOX_ERROR);
	runner_stop(r);
}

/* The newest request of a kind replaces one still queued (its data
 * freed, never delivered); other kinds keep their order; without
 * interrupt the poll in flight is left alone. */
TEST(test_runner_supersede)
{
	struct runner *r = test_blk_start(10, 1, -1);

	assert_true(test_blk_wait(&test_blk.in_poll, 1));
	runner_send(r, 1, xstrdup("a"), test_blk_free);
	runner_send(r, 2, xstrdup("x"), test_blk_free);
	assert_int_equal(runner_supersede(r, 1, xstrdup("b"), test_blk_free, 0), 1);
	assert_int_equal(runner_supersede(r, 1, xstrdup("c"), test_blk_free, 0), 1);
	assert_int_equal(atomic_load(&test_blk.freed), 2);
	usleep(50000);
	assert_int_equal(atomic_load(&test_blk.ndelivered), 0);
	assert_int_equal(atomic_load(&test_blk.interrupted), 0);
	atomic_store(&test_blk.release, 1);
	assert_true(test_blk_wait(&test_blk.ndelivered, 2));
	assert_int_equal(test_blk.kinds[0], 2);
	assert_string_equal(test_blk.data[0], "x");
	assert_int_equal(test_blk.kinds[1], 1);
	assert_string_equal(test_blk.data[1], "c");
	assert_true(test_blk_wait(&test_blk.freed, 4));
	runner_stop(r);
	assert_int_equal(atomic_load(&test_blk.ndelivered), 2);
}

/* Quitting interrupts every runner at once and does not wait past its
 * grace for one that cannot be interrupted. */
TEST(test_runner_quit_all)
{
	struct runner *r = test_blk_start(10, 1, -1);
	double t0;

	assert_true(test_blk_wait(&test_blk.in_poll, 1));
	t0 = util_now();
	assert_int_equal(runner_quit_all(3.0), 0);
	assert_true(util_now() - t0 < 2.0);
	runner_stop(r);

	r = test_blk_start(1.0, 0, -1);
	assert_true(test_blk_wait(&test_blk.in_poll, 1));
	t0 = util_now();
	assert_int_equal(runner_quit_all(0.1), 1);
	assert_true(util_now() - t0 < 0.9);
	runner_stop(r); /* joins once the poll has timed out */
	assert_int_equal(atomic_load(&test_blk.polls), 1);
}

/* The tap hands every poll of a runner to remote_put, as a presenter's
 * war-room link and its follower's would between them. */
static void test_tap_put(void *ctx, const char *key, const struct backend *be, const void *snap,
			 const char *error)
{
	if (strcmp(key, "selftest:shared") != 0)
		return;
	(*(int *)ctx)++;
	remote_put(key, snap != NULL ? be->snapshot_encode(snap) : NULL, error);
}

/* A runner started in remote mode shows the snapshots another runner's
 * tap published under its key, in order; refuses requests; reports the
 * other's failures and its recovery; and stops at once though it waits
 * for news. */
TEST(test_runner_remote)
{
	char path[] = "/tmp/am_runner_remote_XXXXXX";
	struct runner_opts o = { .interval = 0.05, .backoff_min = 0.05, .backoff_max = 0.05 };
	struct selftest_arg arg = { 0 };
	struct test_runner_ctx a, b;
	struct selftest_req *rq;
	int fd = mkstemp(path), taps = 0, want = 4;
	double t0;

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	arg.fail_file = path;
	runner_set_tap(test_tap_put, &taps);
	test_runner_begin(&a, &arg, &o);
	runner_set_label(a.r, "shared");
	runner_set_remote(1);
	test_runner_begin(&b, NULL, &o);
	runner_set_remote(0);
	runner_set_label(b.r, "shared");

	assert_true(test_runner_until(&b, test_runner_snaps_at_least, &want));
	assert_true(b.seq_ok);
	assert_string_equal(b.last_text, "selftest");
	assert_true(taps >= 4);

	/* The follower's runner asks nothing of the source. */
	rq = xcalloc(1, sizeof *rq);
	snprintf(rq->text, sizeof rq->text, "changed");
	runner_send(b.r, SELFTEST_REQ_TEXT, rq, NULL);
	assert_true(test_runner_until(&b, test_runner_error_has, "a follower runs nothing"));

	/* The source fails, then comes back: so does the follower's view. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_true(test_runner_until(&b, test_runner_error_has, "simulated failure"));
	unlink(path);
	assert_true(test_runner_until(&b, test_runner_is_ok, NULL));
	test_runner_step(&a, 0);

	t0 = util_now();
	test_runner_end(&b);
	assert_true(util_now() - t0 < 1.5);
	test_runner_end(&a);
	runner_set_tap(NULL, NULL);
	assert_int_equal(remote_count(), 1);
	remote_clear();
}
