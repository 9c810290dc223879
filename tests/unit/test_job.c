/*
 * test_job.c - unit tests for runtime/job.c: a job on its own thread
 * reports output and an end state, wakes the pipe, keeps the newest
 * bytes within its cap, stops on request (on_stop called while it runs)
 * and frees its argument after the join; a job without a thread hands
 * over the newest snapshot and frees the ones nobody took.
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

#include "runtime/job.h"
#include "lib/util.h"
#include "tests/unit/testints.h"
#include "tests/unit/testhelp.h"

struct test_job_arg {
	const char *text;
	int pieces;
	int stopped_seen; /* on_stop calls */
	int *freed;
};

static void test_job_write(struct job *j, void *p)
{
	struct test_job_arg *a = p;
	int i;

	for (i = 0; i < a->pieces; i++)
		job_puts(j, a->text);
	job_end(j, EXEC_EXITED, 3, 0, NULL);
}

static void test_job_wait_stop(struct job *j, void *p)
{
	double end = util_now() + 5;

	(void)p;
	while (!job_stopping(j) && util_now() < end)
		usleep(1000);
	job_end(j, job_stopping(j) ? EXEC_STOPPED : EXEC_TIMEDOUT, -1, 0, "stopped");
}

static void test_job_on_stop(void *p)
{
	struct test_job_arg *a = p;

	a->stopped_seen++;
}

static void test_job_free_arg(void *p)
{
	struct test_job_arg *a = p;

	(*a->freed)++;
	free(a);
}

static struct test_job_arg *test_job_arg(const char *text, int pieces, int *freed)
{
	struct test_job_arg *a = calloc(1, sizeof *a);

	assert_non_null(a);
	a->text = text;
	a->pieces = pieces;
	a->freed = freed;
	return a;
}

/* Poll until the job leaves EXEC_RUNNING (5 s at most). */
static void test_job_until_end(struct job *j, struct exec_status *st, struct strbuf *out)
{
	double end = util_now() + 5;

	do {
		job_poll(j, st, out);
		if (st->state != EXEC_RUNNING)
			break;
		usleep(1000);
	} while (util_now() < end);
}

TEST(test_job_output_and_end)
{
	int fds[2], freed = 0;
	char err[128] = "", c;
	struct job_spec spec = { 0 };
	struct exec_status st;
	struct strbuf out = { 0 };
	struct job *j;

	assert_int_equal(pipe(fds), 0);
	spec.run = test_job_write;
	spec.arg = test_job_arg("ab", 3, &freed);
	spec.free_arg = test_job_free_arg;
	spec.wake_fd = fds[1];
	j = job_start(&spec, err, sizeof err);
	assert_non_null(j);
	test_job_until_end(j, &st, &out);
	assert_int_equal(st.state, EXEC_EXITED);
	assert_int_equal(st.exit_code, 3);
	assert_string_equal(out.buf, "ababab");
	assert_int_equal(st.total_bytes, 6);
	assert_int_equal(st.dropped, 0);
	assert_true(st.duration >= 0);
	/* Reported once: nothing new after that. */
	assert_int_equal(job_poll(j, &st, &out), 0);
	/* Woken, and the pipe was made non-blocking. */
	assert_true(read(fds[0], &c, 1) == 1);
	assert_true(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
	job_free(j);
	assert_int_equal(freed, 1);
	strbuf_free(&out);
	close(fds[0]);
	close(fds[1]);
}

TEST(test_job_cap)
{
	int freed = 0;
	char err[128] = "";
	struct job_spec spec = { 0 };
	struct exec_status st;
	struct strbuf out = { 0 };
	struct job *j;

	spec.run = test_job_write;
	spec.arg = test_job_arg("0123456789", 5, &freed);
	spec.free_arg = test_job_free_arg;
	spec.output_cap = 15;
	spec.wake_fd = -1;
	j = job_start(&spec, err, sizeof err);
	assert_non_null(j);
	/* Wait for the end before taking anything: all 50 bytes went through
	 * a 15-byte ring. */
	for (;;) {
		job_poll(j, &st, NULL);
		if (st.state != EXEC_RUNNING)
			break;
		usleep(1000);
	}
	job_poll(j, &st, &out);
	assert_int_equal(out.len, 15);
	assert_string_equal(out.buf, "567890123456789");
	assert_int_equal(st.total_bytes, 50);
	assert_int_equal(st.dropped, 35);
	job_free(j);
	strbuf_free(&out);
}

TEST(test_job_stop)
{
	int freed = 0;
	char err[128] = "";
	struct job_spec spec = { 0 };
	struct test_job_arg *a = test_job_arg("", 0, &freed);
	struct exec_status st;
	struct job *j;

	spec.run = test_job_wait_stop;
	spec.arg = a;
	spec.free_arg = test_job_free_arg;
	spec.on_stop = test_job_on_stop;
	spec.wake_fd = -1;
	j = job_start(&spec, err, sizeof err);
	assert_non_null(j);
	job_poll(j, &st, NULL);
	assert_int_equal(st.state, EXEC_RUNNING);
	job_stop(j);
	assert_int_equal(a->stopped_seen, 1);
	test_job_until_end(j, &st, NULL);
	assert_int_equal(st.state, EXEC_STOPPED);
	assert_string_equal(st.error, "stopped");
	/* Stopping a job that ended calls no on_stop. */
	job_stop(j);
	assert_int_equal(a->stopped_seen, 1);
	job_free(j);
	assert_int_equal(freed, 1);
}

TEST(test_job_snapshots)
{
	struct job *j = job_new(-1, test_int_free);
	struct exec_status st;
	void *snap = NULL;

	test_ints_freed = 0;
	assert_int_equal(job_take(j, &snap), 0);
	job_begin(j);
	job_poll(j, &st, NULL);
	assert_int_equal(st.state, EXEC_RUNNING);
	job_publish(j, test_int_new(1));
	job_publish(j, test_int_new(2)); /* replaces 1, freed */
	assert_int_equal(test_ints_freed, 1);
	assert_int_equal(job_take(j, &snap), 1);
	assert_int_equal(*(int *)snap, 2);
	free(snap);
	assert_int_equal(job_take(j, &snap), 0);
	/* A stop belongs to one run: the next run starts afresh. */
	job_stop(j);
	assert_true(job_stopping(j));
	job_end(j, EXEC_STOPPED, 1, 0, NULL);
	job_begin(j);
	assert_false(job_stopping(j));
	job_publish(j, test_int_new(3)); /* never taken: freed with the job */
	job_free(j);
	assert_int_equal(test_ints_freed, 2);
}
