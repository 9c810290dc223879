/*
 * test_audit.c - unit tests for tui/audit.c: every line is one valid JSON
 * object with the required fields, the file is 0600 and only ever
 * appended to, planted secrets (C7) and raw escapes never reach it, and
 * concurrent writers never interleave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "core/audit.h"
#include "tests/unit/testhelp.h"

static char test_audit_dir[64];

static int test_audit_setup(void **unused)
{
	snprintf(test_audit_dir, sizeof test_audit_dir, "/tmp/am_audit_XXXXXX");
	if (mkdtemp(test_audit_dir) == NULL)
		return -1;
	setenv("XDG_STATE_HOME", test_audit_dir, 1);
	unsetenv("SSH_CLIENT");
	return 0;
}

static int test_audit_teardown(void **unused)
{
	char *cmd = xasprintf("rm -rf '%s'", test_audit_dir);
	int rc = system(cmd);

	free(cmd);
	audit_close();
	return rc == 0 ? 0 : -1;
}

static char *test_audit_read(const char *path, size_t *len)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* Parse every line; each must be a JSON object. Returns the count and
 * the objects in objs (caller deletes). */
static int test_audit_lines(const char *text, size_t len, cJSON **objs, int max)
{
	const char *p = text, *nl;
	int n = 0;
	char *line;

	assert_true(len == 0 || text[len - 1] == '\n');
	while ((nl = strchr(p, '\n')) != NULL) {
		line = xstrndup(p, (size_t)(nl - p));
		assert_true(n < max);
		objs[n] = cJSON_Parse(line);
		if (objs[n] == NULL || !cJSON_IsObject(objs[n]))
			fail_msg("not a JSON object: %s", line);
		free(line);
		n++;
		p = nl + 1;
	}
	return n;
}

static const char *test_audit_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

TEST(test_audit_not_open)
{
	struct audit_event ev = { .event = "run", .exit_code = -1, .duration = -1 };

	audit_close();
	assert_int_equal(audit_write(&ev), -1);
	assert_null(audit_path());
}

TEST(test_audit_lines_and_fields)
{
	struct audit_event run = {
		.event = "run",
		.runbook = "Redis cache issues",
		.step = "Flush the cache",
		.command = "redis-cli -u redis://:hunter2@h FLUSHALL \x1b[2J\x1b]0;PWNED\x07",
		.target = "cache",
		.exit_code = -1,
		.duration = -1,
	};
	struct audit_event end = {
		.event = "end",
		.runbook = "Redis cache issues",
		.step = "Flush the cache",
		.command = run.command,
		.status = "ok",
		.exit_code = 0,
		.duration = 1.5,
	};
	struct audit_event refused = {
		.event = "refused",
		.command = "kubectl delete pod x",
		.reason = "read-only mode",
		.exit_code = -1,
		.duration = -1,
	};
	char err[256] = "", *want, *text, *dir;
	const char *cmd, *t;
	cJSON *objs[8];
	struct stat sb;
	size_t len, i;
	int n, k;

	assert_int_equal(audit_open(NULL, err, sizeof err), 0);
	want = xasprintf("%s/amconsole/audit.log", test_audit_dir);
	assert_string_equal(audit_path(), want);
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	dir = xasprintf("%s/amconsole", test_audit_dir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(dir);

	assert_int_equal(audit_write(&run), 0);
	assert_int_equal(audit_write(&end), 0);
	assert_int_equal(audit_write(&refused), 0);

	text = test_audit_read(want, &len);
	/* C7: the planted secret is nowhere in the file; no raw control
	 * character either (A1/A3 through the log). */
	assert_null(strstr(text, "hunter2"));
	for (i = 0; i < len; i++)
		assert_true((unsigned char)text[i] >= 0x20 || text[i] == '\n');
	n = test_audit_lines(text, len, objs, 8);
	assert_int_equal(n, 3);

	t = test_audit_str(objs[0], "time");
	assert_non_null(t);
	assert_int_equal(strlen(t), 24); /* 2024-01-02T03:04:05.678Z */
	assert_true(t[4] == '-' && t[10] == 'T' && t[19] == '.' && t[23] == 'Z');
	assert_string_equal(test_audit_str(objs[0], "event"), "run");
	assert_non_null(test_audit_str(objs[0], "user"));
	assert_true(test_audit_str(objs[0], "user")[0] != '\0');
	assert_string_equal(test_audit_str(objs[0], "origin"), "local");
	assert_int_equal(cJSON_GetObjectItem(objs[0], "pid")->valuedouble, (double)getpid());
	assert_string_equal(test_audit_str(objs[0], "runbook"), "Redis cache issues");
	assert_string_equal(test_audit_str(objs[0], "step"), "Flush the cache");
	assert_string_equal(test_audit_str(objs[0], "target"), "cache");
	cmd = test_audit_str(objs[0], "command");
	assert_non_null(cmd);
	assert_non_null(strstr(cmd, "redis-cli -u redis://"));
	assert_non_null(strstr(cmd, "FLUSHALL"));
	assert_null(strstr(cmd, "hunter2"));
	assert_null(strchr(cmd, '\x1b'));
	assert_null(strchr(cmd, '\x07'));
	assert_null(cJSON_GetObjectItem(objs[0], "exit_code"));
	assert_null(cJSON_GetObjectItem(objs[0], "duration_s"));
	assert_null(cJSON_GetObjectItem(objs[0], "status"));
	assert_null(cJSON_GetObjectItem(objs[0], "reason"));

	assert_string_equal(test_audit_str(objs[1], "event"), "end");
	assert_string_equal(test_audit_str(objs[1], "status"), "ok");
	assert_int_equal(cJSON_GetObjectItem(objs[1], "exit_code")->valueint, 0);
	assert_true(cJSON_GetObjectItem(objs[1], "duration_s")->valuedouble == 1.5);

	assert_string_equal(test_audit_str(objs[2], "event"), "refused");
	assert_string_equal(test_audit_str(objs[2], "reason"), "read-only mode");
	assert_null(cJSON_GetObjectItem(objs[2], "runbook"));

	for (k = 0; k < n; k++)
		cJSON_Delete(objs[k]);
	free(text);
	free(want);
	audit_close();
	assert_null(audit_path());
}

/* Reopening appends; an existing loose file is tightened to 0600; the
 * SSH origin is the client's address. */
TEST(test_audit_append_only)
{
	struct audit_event ev = {
		.event = "run", .command = "true", .exit_code = 7, .duration = 0
	};
	char err[256] = "", *path, *before, *after;
	size_t blen, alen;
	cJSON *objs[8];
	struct stat sb;
	int fd, n, k;

	path = xasprintf("%s/custom/dir/audit.log", test_audit_dir);
	{
		char *d = xasprintf("%s/custom/dir", test_audit_dir);

		assert_int_equal(util_mkdirs(d, 0755), 0);
		free(d);
	}
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"old\":1}\n", 10), 10);
	fchmod(fd, 0644);
	close(fd);

	assert_int_equal(audit_open(path, err, sizeof err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(audit_write(&ev), 0);
	audit_close();
	before = test_audit_read(path, &blen);

	setenv("SSH_CLIENT", "203.0.113.9 51234 22", 1);
	assert_int_equal(audit_open(path, err, sizeof err), 0);
	assert_int_equal(audit_write(&ev), 0);
	audit_close();
	unsetenv("SSH_CLIENT");
	after = test_audit_read(path, &alen);

	assert_true(alen > blen);
	assert_memory_equal(before, after, blen);
	n = test_audit_lines(after, alen, objs, 8);
	assert_int_equal(n, 3);
	assert_non_null(cJSON_GetObjectItem(objs[0], "old"));
	assert_string_equal(test_audit_str(objs[1], "origin"), "local");
	assert_string_equal(test_audit_str(objs[2], "origin"), "203.0.113.9");
	assert_int_equal(cJSON_GetObjectItem(objs[2], "exit_code")->valueint, 7);
	assert_true(cJSON_GetObjectItem(objs[2], "duration_s")->valuedouble == 0);
	for (k = 0; k < n; k++)
		cJSON_Delete(objs[k]);
	free(before);
	free(after);
	free(path);
}

TEST(test_audit_open_errors)
{
	char err[256] = "";

	assert_int_equal(audit_open("/proc/am_no/such/audit.log", err, sizeof err), -1);
	assert_non_null(strstr(err, "audit log"));
	assert_null(audit_path());
}

#define TEST_AUDIT_THREADS 4
#define TEST_AUDIT_EACH 20

static void *test_audit_writer(void *arg)
{
	struct audit_event ev = { .event = "run", .step = arg, .exit_code = -1, .duration = -1 };
	char cmd[600];
	int i;

	/* Long enough that an interleaved write would show. */
	memset(cmd, 'x', sizeof cmd - 1);
	cmd[sizeof cmd - 1] = '\0';
	ev.command = cmd;
	for (i = 0; i < TEST_AUDIT_EACH; i++)
		if (audit_write(&ev) != 0)
			return (void *)1;
	return NULL;
}

TEST(test_audit_threads)
{
	static const char *names[TEST_AUDIT_THREADS] = { "a", "b", "c", "d" };
	pthread_t th[TEST_AUDIT_THREADS];
	char err[256], *path, *text;
	cJSON *objs[TEST_AUDIT_THREADS * TEST_AUDIT_EACH + 1];
	void *ret;
	size_t len;
	int i, n;

	path = xasprintf("%s/threads.log", test_audit_dir);
	assert_int_equal(audit_open(path, err, sizeof err), 0);
	for (i = 0; i < TEST_AUDIT_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, test_audit_writer, (void *)names[i]),
				 0);
	for (i = 0; i < TEST_AUDIT_THREADS; i++) {
		pthread_join(th[i], &ret);
		assert_null(ret);
	}
	audit_close();
	text = test_audit_read(path, &len);
	n = test_audit_lines(text, len, objs, TEST_AUDIT_THREADS * TEST_AUDIT_EACH + 1);
	assert_int_equal(n, TEST_AUDIT_THREADS * TEST_AUDIT_EACH);
	for (i = 0; i < n; i++) {
		assert_int_equal(strlen(test_audit_str(objs[i], "command")), 599);
		cJSON_Delete(objs[i]);
	}
	free(text);
	free(path);
}

/* After the tests above opened and closed it, the log is shut again. */
TEST(test_audit_not_open_again)
{
	test_audit_not_open(state);
}

TEST_GROUP(test_audit_setup, test_audit_teardown);
