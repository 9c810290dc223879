/*
 * test_mailbox.c - unit tests for backends/mailbox.c: the hand-off of
 * snapshots and errors, the replacement of untaken snapshots, status
 * bookkeeping, and the wake-up byte on a pipe that must never block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/mailbox.h"
#include "lib/util.h"
#include "tests/unit/testints.h"
#include "tests/unit/testhelp.h"

static int test_mailbox_drain(int fd)
{
	char buf[256];
	int total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		total += (int)n;
	return total;
}

TEST(test_mailbox_put_take)
{
	struct mailbox_status st;
	struct mailbox *mb;
	void *snap = NULL;
	int fds[2];
	double w0 = util_now();

	assert_int_equal(pipe(fds), 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	test_ints_freed = 0;
	mb = mailbox_new(fds[1], test_int_free);

	mailbox_status(mb, &st);
	assert_int_equal(st.state, MAILBOX_CONNECTING);
	assert_int_equal(st.generation, 0);
	assert_true(st.taken == 0);
	assert_int_equal(mailbox_take(mb, &snap, &st), 0);
	assert_null(snap);

	mailbox_put(mb, test_int_new(1), 12.5, util_now() + 2);
	assert_int_equal(test_mailbox_drain(fds[0]), 1);
	assert_int_equal(mailbox_take(mb, &snap, &st), 1);
	assert_int_equal(*(int *)snap, 1);
	free(snap);
	assert_int_equal(st.state, MAILBOX_OK);
	assert_int_equal(st.generation, 1);
	assert_true(st.taken >= w0 - 1 && st.taken <= util_now() + 1);
	assert_true(st.fetch_ms == 12.5);
	assert_true(st.next_retry > st.last_attempt);
	assert_string_equal(st.error, "");
	/* Taken once: the second take has nothing new. */
	snap = NULL;
	assert_int_equal(mailbox_take(mb, &snap, &st), 0);
	assert_null(snap);

	/* Two puts before a take: the older one is freed, newest wins, and
	 * the UI is woken once, not once a put. */
	mailbox_put(mb, test_int_new(2), 1, 0);
	mailbox_put_error(mb, "refused", 1, 0);
	mailbox_put(mb, test_int_new(3), 1, 0);
	assert_int_equal(test_ints_freed, 1);
	assert_int_equal(test_mailbox_drain(fds[0]), 1);
	assert_int_equal(mailbox_take(mb, &snap, &st), 1);
	assert_int_equal(*(int *)snap, 3);
	assert_int_equal(st.generation, 4);
	free(snap);
	/* Looked at: the next put wakes again, as does the next after a
	 * status-only look. */
	mailbox_put(mb, NULL, 1, 0);
	assert_int_equal(test_mailbox_drain(fds[0]), 1);
	mailbox_status(mb, &st);
	mailbox_put_error(mb, "refused", 1, 0);
	assert_int_equal(test_mailbox_drain(fds[0]), 1);
	assert_int_equal(mailbox_take(mb, &snap, &st), 0);

	/* A snapshot left in the mailbox is freed with it. */
	mailbox_put(mb, test_int_new(4), 1, 0);
	mailbox_free(mb);
	assert_int_equal(test_ints_freed, 2);
	close(fds[0]);
	close(fds[1]);
}

TEST(test_mailbox_errors)
{
	struct mailbox_status st;
	struct mailbox *mb;
	void *snap = NULL;
	double taken;

	test_ints_freed = 0;
	mb = mailbox_new(-1, test_int_free);
	mailbox_put(mb, test_int_new(7), 1, 0);
	mailbox_status(mb, &st);
	taken = st.taken;

	mailbox_put_error(mb, "connection refused", 3000, util_now() + 1);
	mailbox_put_error(mb, "connection refused again", 3000, util_now() + 2);
	/* The untaken data survives an error and is still delivered. */
	assert_int_equal(mailbox_take(mb, &snap, &st), 1);
	assert_int_equal(*(int *)snap, 7);
	free(snap);
	assert_int_equal(st.state, MAILBOX_ERROR);
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.generation, 3);
	assert_string_equal(st.error, "connection refused again");
	assert_true(st.taken == taken);
	assert_true(st.fetch_ms == 3000);

	/* An empty message still says something. */
	mailbox_put_error(mb, "", 0, 0);
	mailbox_status(mb, &st);
	assert_true(st.error[0] != '\0');
	assert_int_equal(st.failures, 3);

	/* A long message is cut, not overflowed. */
	{
		char big[1000];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		mailbox_put_error(mb, big, 0, 0);
		mailbox_status(mb, &st);
		assert_int_equal(strlen(st.error), sizeof st.error - 1);
	}

	/* Success clears the error and the failure count. */
	mailbox_put(mb, test_int_new(8), 1, 0);
	mailbox_status(mb, &st);
	assert_int_equal(st.state, MAILBOX_OK);
	assert_int_equal(st.failures, 0);
	assert_string_equal(st.error, "");

	/* A success without new data confirms the held data: its age restarts
	 * (an unchanged pod list polled a minute ago is a minute old, not as
	 * old as the last change); with no data at all there is no age. */
	{
		struct mailbox *empty = mailbox_new(-1, test_int_free);
		double before = util_now();

		mailbox_put(empty, NULL, 1, 0);
		mailbox_status(empty, &st);
		assert_true(st.taken == 0);
		mailbox_free(empty);
		mailbox_put(mb, NULL, 1, 0);
		mailbox_status(mb, &st);
		assert_true(st.taken >= before && st.taken >= taken);
		assert_int_equal(st.state, MAILBOX_OK);
	}

	/* A status-only success (no snapshot) keeps the waiting one. */
	mailbox_put(mb, NULL, 1, 0);
	assert_int_equal(mailbox_take(mb, &snap, &st), 1);
	assert_int_equal(*(int *)snap, 8);
	free(snap);
	assert_int_equal(mailbox_take(mb, &snap, &st), 0);
	mailbox_free(mb);
	assert_int_equal(test_ints_freed, 0);
}

/* A full wake-up pipe must not block the worker. */
TEST(test_mailbox_full_pipe)
{
	struct mailbox *mb;
	int fds[2], i;
	void *snap;

	assert_int_equal(pipe(fds), 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	test_ints_freed = 0;
	mb = mailbox_new(fds[1], test_int_free);
	for (i = 0; i < 100000; i++)
		mailbox_put(mb, test_int_new(i), 0, 0);
	assert_int_equal(test_ints_freed, 99999);
	assert_true(test_mailbox_drain(fds[0]) > 0);
	assert_int_equal(mailbox_take(mb, &snap, NULL), 1);
	assert_int_equal(*(int *)snap, 99999);
	free(snap);
	mailbox_free(mb);
	close(fds[0]);
	close(fds[1]);
}

/* The sentence every panel shows for a failing source. */
TEST(test_mailbox_describe)
{
	struct mailbox_status st = { 0 };
	char health[32], detail[256];

	assert_int_equal(mailbox_describe(&st, 0, health, sizeof health, detail, sizeof detail),
			 MAILBOX_HEALTH_CONNECTING);
	assert_string_equal(health, "connecting");
	assert_string_equal(detail, "");
	st.state = MAILBOX_OK;
	assert_int_equal(mailbox_describe(&st, 1, health, sizeof health, detail, sizeof detail),
			 MAILBOX_HEALTH_OK);
	assert_string_equal(health, "ok");
	st.state = MAILBOX_ERROR;
	st.taken = util_now() - 34.2;
	st.next_retry = util_now() + 7.8;
	st.failures = 3;
	snprintf(st.error, sizeof st.error, "connection refused");
	assert_int_equal(mailbox_describe(&st, 1, health, sizeof health, detail, sizeof detail),
			 MAILBOX_HEALTH_STALE);
	assert_string_equal(health, "STALE");
	assert_string_equal(detail, "stale 34s — connection refused, retry in 8s (3 failures)");
	assert_int_equal(mailbox_describe(&st, 0, health, sizeof health, detail, sizeof detail),
			 MAILBOX_HEALTH_DOWN);
	assert_string_equal(health, "error");
	assert_string_equal(detail, "disconnected: connection refused, retry in 8s");
}
