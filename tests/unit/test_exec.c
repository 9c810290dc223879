/*
 * test_exec.c - unit tests for runtime/exec.c (jobs: runtime/job.c) with real children:
 * output and exit codes, values that travel in the environment and never
 * in argv (B6, B8), the deadline that kills a whole process group with
 * endless output (E7), job_stop, the foreground runner, and PATH
 * resolution that skips a writable directory (B7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/exec.h"
#include "runtime/job.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define TEST_EXEC_LIMIT 8.0

/* One exec job of a test: its wake-up pipe and what it reported. */
struct test_exec_run {
	struct job *job;
	int fds[2];
	struct exec_status st;
	struct strbuf out;
	size_t biggest; /* most bytes one job_poll delivered */
	int wakes;
};

/* Wait for the job to end (or TEST_EXEC_LIMIT), collecting output as the
 * UI does: on wake-ups from the pipe. */
static void test_exec_wait(struct test_exec_run *run)
{
	struct job *job = run->job;
	int wfd = run->fds[0];
	struct pollfd pfd = { .fd = wfd, .events = POLLIN };
	double end = util_now() + TEST_EXEC_LIMIT;
	char buf[64];
	size_t before;

	for (;;) {
		before = run->out.len;
		job_poll(job, &run->st, &run->out);
		if (run->out.len - before > run->biggest)
			run->biggest = run->out.len - before;
		if (run->st.state != EXEC_RUNNING || util_now() > end)
			break;
		if (poll(&pfd, 1, 100) > 0)
			while (read(wfd, buf, sizeof buf) > 0)
				run->wakes++;
	}
	/* The final wake is written just after the state changes. */
	if (poll(&pfd, 1, 1000) > 0)
		while (read(wfd, buf, sizeof buf) > 0)
			run->wakes++;
}

/* Start spec as a fresh run. */
static void test_exec_start(struct test_exec_run *run, const struct exec_spec *spec)
{
	char err[256] = "";

	memset(run, 0, sizeof(*run));
	assert_int_equal(pipe(run->fds), 0);
	fcntl(run->fds[0], F_SETFL, O_NONBLOCK);
	run->job = exec_start(spec, run->fds[1], err, sizeof err);
	if (run->job == NULL)
		fail_msg("exec_start: %s", err);
}

/* Start spec and wait for its end. */
static void test_exec_run(struct test_exec_run *run, const struct exec_spec *spec)
{
	test_exec_start(run, spec);
	test_exec_wait(run);
}

/* Poll until the job's first output (or TEST_EXEC_LIMIT). */
static void test_exec_first_output(struct test_exec_run *run)
{
	double end = util_now() + TEST_EXEC_LIMIT;

	job_poll(run->job, &run->st, &run->out);
	while (run->out.len == 0 && util_now() < end) {
		usleep(10000);
		job_poll(run->job, &run->st, &run->out);
	}
}

static void test_exec_end(struct test_exec_run *run)
{
	job_free(run->job);
	close(run->fds[0]);
	close(run->fds[1]);
	strbuf_free(&run->out);
}

/* Gone, or a zombie nobody reaps (orphans go to a PID 1 that may not). */
static int test_exec_gone(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int zombie = 0;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	if (fgets(buf, sizeof buf, f) != NULL) {
		p = strrchr(buf, ')');
		zombie = p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	}
	fclose(f);
	return zombie;
}

static int test_exec_wait_gone(int pid)
{
	double end = util_now() + TEST_EXEC_LIMIT;

	while (!test_exec_gone(pid)) {
		if (util_now() > end)
			return 0;
		usleep(10000);
	}
	return 1;
}

static size_t test_exec_slurp(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	if (f == NULL)
		return 0;
	got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = '\0';
	return got;
}

static int test_exec_mem_has(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

TEST(test_exec_output_and_codes)
{
	struct exec_spec spec = { .command = "echo out; echo err >&2; exit 3", .timeout = 10 };
	struct test_exec_run run;

	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_int_equal(run.st.exit_code, 3);
	assert_string_equal(run.out.buf, "out\nerr\n");
	assert_int_equal(run.st.total_bytes, 8);
	assert_int_equal(run.st.dropped, 0);
	assert_true(run.st.pid > 0);
	assert_true(run.st.duration >= 0 && run.st.duration < TEST_EXEC_LIMIT);
	assert_true(run.wakes >= 1);
	/* Nothing new after the end. */
	assert_int_equal(job_poll(run.job, &run.st, &run.out), 0);
	assert_int_equal(exec_running_count(), 0);
	test_exec_end(&run);

	spec.command = "exit 0";
	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_int_equal(run.st.exit_code, 0);
	assert_true(run.out.buf == NULL || run.out.len == 0);
	test_exec_end(&run);

	spec.command = "kill -9 $$";
	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_SIGNALED);
	assert_int_equal(run.st.term_signal, SIGKILL);
	assert_int_equal(run.st.exit_code, -1);
	test_exec_end(&run);

	/* stdin is /dev/null: a reader gets EOF at once, never the tty. */
	spec.command = "cat; echo done";
	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_string_equal(run.out.buf, "done\n");
	test_exec_end(&run);
}

/* Our ignored and blocked signals do not reach the child. */
TEST(test_exec_signals_reset)
{
	struct exec_spec spec = { .command = "exec grep -E '^Sig(Ign|Blk)' /proc/self/status" };
	struct test_exec_run run;
	sigset_t usr1, old;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	test_exec_start(&run, &spec);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	test_exec_wait(&run);
	assert_int_equal(run.st.state, EXEC_EXITED);
	{
		unsigned long long blk, ign;

		assert_int_equal(sscanf(run.out.buf, "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ign),
				 2);
		assert_int_equal(blk, 0);
		/* Signals 32 and 33 belong to glibc (SIGCANCEL, SIGSETXID) and
		 * cannot be reset; a parent may have left them ignored. */
		assert_int_equal(ign & ~0x180000000ULL, 0);
	}
	test_exec_end(&run);
}

TEST(test_exec_bad_start)
{
	struct exec_spec spec = { .command = "true", .shell = "/nonexistent/sh" };
	char err[256] = "";

	assert_null(exec_start(&spec, -1, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/sh"));
	spec.shell = NULL;
	spec.command = NULL;
	assert_null(exec_start(&spec, -1, err, sizeof err));
}

/* B8: a secret reaches the child through the environment and is in no
 * argv of the job's processes. */
TEST(test_exec_secret_not_in_argv)
{
	const char *env[] = { "AM_TEST_SECRET=hunter2-b8", "HOME=/overridden", NULL };
	struct exec_spec spec = {
		.command = "echo \"home=$HOME\"; sleep 2; echo \"$AM_TEST_SECRET\"",
		.env = env,
		.timeout = 10,
	};
	struct test_exec_run run;
	char path[64], buf[8192];
	int checked = 0;
	size_t n;

	test_exec_start(&run, &spec);
	/* Every process of the group while the sleep runs. */
	test_exec_first_output(&run);
	assert_string_equal(run.out.buf, "home=/overridden\n");
	snprintf(path, sizeof path, "/proc/%d/cmdline", run.st.pid);
	n = test_exec_slurp(path, buf, sizeof buf);
	assert_true(n > 0);
	assert_false(test_exec_mem_has(buf, n, "hunter2"));
	assert_true(test_exec_mem_has(buf, n, "$AM_TEST_SECRET"));
	snprintf(path, sizeof path, "/proc/%d/environ", run.st.pid);
	n = test_exec_slurp(path, buf, sizeof buf);
	assert_true(test_exec_mem_has(buf, n, "AM_TEST_SECRET=hunter2-b8"));
	{
		/* The sleep child too. */
		char cmd[128], line[64];
		FILE *p;

		snprintf(cmd, sizeof cmd, "ps -o pid= -g %d 2>/dev/null", run.st.pid);
		p = popen(cmd, "r");
		while (p != NULL && fgets(line, sizeof line, p) != NULL) {
			snprintf(path, sizeof path, "/proc/%d/cmdline", atoi(line));
			n = test_exec_slurp(path, buf, sizeof buf);
			assert_false(test_exec_mem_has(buf, n, "hunter2"));
			checked++;
		}
		if (p != NULL)
			pclose(p);
	}
	test_exec_wait(&run);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_string_equal(run.out.buf, "home=/overridden\nhunter2-b8\n");
	(void)checked;
	test_exec_end(&run);
}

/* B6: a value full of shell syntax is printed literally, never run. */
TEST(test_exec_hostile_value)
{
	const char *value = "it's \"q\" $(touch /tmp/am_exec_b6_pwn) `touch /tmp/am_exec_b6_pwn` "
			    "${HOME} ; | & \\ *";
	char *entry = xasprintf("AM_VAL=%s", value);
	const char *env[] = { entry, NULL };
	struct exec_spec spec = { .command = "printf '%s\\n' \"$AM_VAL\"", .env = env };
	struct test_exec_run run;
	char *want = xasprintf("%s\n", value);

	unlink("/tmp/am_exec_b6_pwn");
	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_int_equal(run.st.exit_code, 0);
	assert_string_equal(run.out.buf, want);
	assert_int_equal(access("/tmp/am_exec_b6_pwn", F_OK), -1);
	test_exec_end(&run);
	free(want);
	free(entry);
}

/* E7: endless output, TERM ignored, a grandchild in the background: the
 * deadline kills the whole group (SIGKILL after the grace), the output
 * stays capped. */
TEST(test_exec_timeout_kills_group)
{
	char pidfile[] = "/tmp/am_exec_e7_XXXXXX";
	struct test_exec_run run;
	struct exec_spec spec = { .timeout = 0.3, .output_cap = 4096 };
	char buf[64] = "";
	int fd = mkstemp(pidfile), grandchild;
	char *cmd;

	assert_true(fd >= 0);
	close(fd);
	cmd = xasprintf("trap '' TERM; sleep 1000 & echo $! > %s; yes", pidfile);
	spec.command = cmd;
	test_exec_start(&run, &spec);
	assert_int_equal(exec_running_count(), 1);
	test_exec_wait(&run);
	assert_int_equal(run.st.state, EXEC_TIMEDOUT);
	assert_int_equal(run.st.term_signal, SIGKILL);
	assert_true(run.st.dropped > 0);
	assert_true(run.biggest <= 4096);
	assert_int_equal(run.st.total_bytes, run.st.dropped + run.out.len);
	assert_true(run.st.duration >= 0.3);
	assert_non_null(strstr(run.st.error, "timed out"));
	assert_int_equal(exec_running_count(), 0);
	assert_true(test_exec_wait_gone(run.st.pid));
	assert_true(test_exec_slurp(pidfile, buf, sizeof buf) > 0);
	grandchild = atoi(buf);
	assert_true(grandchild > 0);
	assert_true(test_exec_wait_gone(grandchild));
	test_exec_end(&run);
	unlink(pidfile);
	free(cmd);
}

TEST(test_exec_stop)
{
	struct exec_spec spec = { .command = "echo started; sleep 1000 & wait", .timeout = 60 };
	struct test_exec_run run;

	test_exec_start(&run, &spec);
	test_exec_first_output(&run);
	assert_string_equal(run.out.buf, "started\n");
	job_stop(run.job);
	job_stop(run.job); /* twice is harmless */
	test_exec_wait(&run);
	assert_int_equal(run.st.state, EXEC_STOPPED);
	assert_int_equal(run.st.term_signal, SIGTERM);
	assert_true(test_exec_wait_gone(run.st.pid));
	job_stop(run.job); /* after the end: nothing */
	test_exec_end(&run);
}

/* job_free of a running exec job stops it; exec_kill_all reaches a group. */
TEST(test_exec_free_and_kill_all)
{
	struct exec_spec spec = { .command = "sleep 1000", .timeout = 60 };
	struct test_exec_run run;

	test_exec_start(&run, &spec);
	job_poll(run.job, &run.st, NULL);
	exec_kill_all();
	test_exec_wait(&run);
	assert_int_equal(run.st.state, EXEC_SIGNALED);
	assert_int_equal(run.st.term_signal, SIGKILL);
	test_exec_end(&run);

	test_exec_start(&run, &spec);
	job_poll(run.job, &run.st, NULL);
	test_exec_end(&run);
	assert_true(test_exec_wait_gone(run.st.pid));
	assert_int_equal(exec_running_count(), 0);
}

/* A grandchild left holding the pipe after the shell exits is not waited
 * for until the deadline. */
TEST(test_exec_leftover_holder)
{
	struct exec_spec spec = { .command = "sleep 1000 & echo bye", .timeout = 60 };
	struct test_exec_run run;
	double t0 = util_now();

	test_exec_run(&run, &spec);
	assert_int_equal(run.st.state, EXEC_EXITED);
	assert_string_equal(run.out.buf, "bye\n");
	assert_true(util_now() - t0 < 5);
	test_exec_end(&run);
}

TEST(test_exec_foreground)
{
	const char *env[] = { "AM_FG=yes", NULL };
	struct exec_spec spec = { .command = "test \"$AM_FG\" = yes && exit 4", .env = env };
	struct exec_status st;

	assert_int_equal(exec_run_foreground(&spec, &st), 0);
	assert_int_equal(st.state, EXEC_EXITED);
	assert_int_equal(st.exit_code, 4);
	assert_true(st.pid > 0);
	spec.command = "kill -TERM $$";
	assert_int_equal(exec_run_foreground(&spec, &st), 0);
	assert_int_equal(st.state, EXEC_SIGNALED);
	assert_int_equal(st.term_signal, SIGTERM);
	spec.shell = "/nonexistent/sh";
	assert_int_equal(exec_run_foreground(&spec, &st), -1);
	assert_int_equal(st.state, EXEC_FAILED);
	assert_true(st.error[0] != '\0');
	assert_int_equal(exec_running_count(), 0);
}

static void test_exec_write_file(const char *path, int mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("#!/bin/sh\necho fake\n", f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

/* B7: a world-writable PATH directory holding a fake binary is skipped
 * and named in the warning; the real one further on is chosen. */
TEST(test_exec_resolve)
{
	char tmpl[] = "/tmp/am_exec_b7_XXXXXX";
	char *top = mkdtemp(tmpl), *bad, *good, *sticky, *other, *p, *path, *want, *cmd;
	char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;
	char warn[512];

	assert_non_null(top);
	bad = xasprintf("%s/bad", top);
	good = xasprintf("%s/good", top);
	sticky = xasprintf("%s/sticky", top);
	other = xasprintf("%s/other", top);
	assert_int_equal(mkdir(bad, 0700), 0);
	assert_int_equal(chmod(bad, 0777), 0);
	assert_int_equal(mkdir(good, 0755), 0);
	assert_int_equal(mkdir(sticky, 0700), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	p = xasprintf("%s/am-fake-kubectl", bad);
	test_exec_write_file(p, 0755);
	free(p);
	p = xasprintf("%s/am-fake-kubectl", good);
	test_exec_write_file(p, 0755);
	want = realpath(p, NULL);
	free(p);
	p = xasprintf("%s/am-sticky-tool", sticky);
	test_exec_write_file(p, 0755);
	free(p);
	p = xasprintf("%s/am-not-exec", good);
	test_exec_write_file(p, 0644);
	free(p);

	path = xasprintf("%s:%s:%s", bad, good, sticky);
	setenv("PATH", path, 1);
	p = exec_resolve("am-fake-kubectl", warn, sizeof warn);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	cmd = xasprintf("PATH directory %s is writable by others; skipped", bad);
	assert_non_null(strstr(warn, cmd));
	free(cmd);

	/* Sticky and world-writable (like /tmp) is allowed. */
	p = exec_resolve("am-sticky-tool", warn, sizeof warn);
	assert_non_null(p);
	assert_string_equal(warn, "");
	free(p);

	/* Not executable, or absent: NULL. */
	assert_null(exec_resolve("am-not-exec", warn, sizeof warn));
	assert_null(exec_resolve("am-no-such-tool", NULL, 0));

	/* Only the unsafe one has it: refused, with the warning. */
	free(path);
	path = xasprintf("%s:%s", bad, sticky);
	setenv("PATH", path, 1);
	assert_null(exec_resolve("am-fake-kubectl", warn, sizeof warn));
	assert_non_null(strstr(warn, "is writable by others; skipped"));

	/* A directory owned by someone else (needs root to set up). */
	if (geteuid() == 0) {
		p = xasprintf("%s/am-other-tool", other);
		test_exec_write_file(p, 0755);
		free(p);
		assert_int_equal(chown(other, 12345, 12345), 0);
		free(path);
		path = xasprintf("%s", other);
		setenv("PATH", path, 1);
		assert_null(exec_resolve("am-other-tool", warn, sizeof warn));
		assert_non_null(strstr(warn, "owned by another user; skipped"));
	}

	/* A name with a slash is checked as it is. */
	p = xasprintf("%s/../good/am-fake-kubectl", good);
	free(path);
	path = exec_resolve(p, NULL, 0);
	assert_non_null(path);
	assert_string_equal(path, want);
	free(p);

	if (old != NULL)
		setenv("PATH", old, 1);
	free(old);
	cmd = xasprintf("rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
	free(want);
	free(bad);
	free(good);
	free(sticky);
	free(other);
}

/* As the console does; the children must not inherit it. */
static int test_exec_setup(void **state)
{
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

TEST_GROUP(test_exec_setup, NULL);
