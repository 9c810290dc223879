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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/runner.h"
#include "backends/selftest.h"
#include "lib/util.h"

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

static void test_runner_snapshots(void **unused)
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

static void test_runner_backoff(void **unused)
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

static void test_runner_defaults(void **unused)
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

static void test_runner_recovery(void **unused)
{
	char path[] = "/tmp/am_runner_fail_XXXXXX";
	struct selftest_arg a = { 0 };
	struct runner_opts o = { .interval = 0.02, .backoff_min = 0.02, .backoff_max = 0.05 };
	struct test_runner_ctx c;
	int fd = mkstemp(path), want = 3;

	assert_true(fd >= 0);
	close(fd);
	a.fail_file = path;
	test_runner_begin(&c, &a, &o);
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
static void test_runner_refresh(void **unused)
{
	char path[] = "/tmp/am_runner_fail_XXXXXX";
	struct selftest_arg a = { 0 };
	struct runner_opts o = { .interval = 60, .backoff_min = 60, .backoff_max = 60 };
	struct test_runner_ctx c;
	int fd = mkstemp(path), want = 1;

	assert_true(fd >= 0);
	close(fd);
	a.fail_file = path;
	test_runner_begin(&c, &a, &o);
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

static void test_runner_requests(void **unused)
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

static void test_runner_stop_prompt(void **unused)
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
static void test_runner_stop_untaken(void **unused)
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

static void test_runner_open_error(void **unused)
{
	struct backend be = selftest_backend;
	char err[64] = "";

	be.open = test_runner_open_fail;
	assert_null(runner_start(&be, NULL, NULL, -1, err, sizeof err));
	assert_string_equal(err, "bad config");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner_snapshots),
		cmocka_unit_test(test_runner_backoff),
		cmocka_unit_test(test_runner_defaults),
		cmocka_unit_test(test_runner_recovery),
		cmocka_unit_test(test_runner_refresh),
		cmocka_unit_test(test_runner_requests),
		cmocka_unit_test(test_runner_stop_prompt),
		cmocka_unit_test(test_runner_stop_untaken),
		cmocka_unit_test(test_runner_open_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
