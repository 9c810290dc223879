/*
 * test_lint.c - unit tests of runbook lint (core/lint.c): every
 * mistake of the AtlasMesh guide found at its line by lint_files, the
 * shipped runbooks/atlasmesh.md clean, an unreadable file, and each rule
 * (and its near misses) on single steps. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lint.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define SEED "../shared/seeds/000_87ab7a3ebe0b4121.txt"

/* Run lint_files on files; returns rc, *out and *err hold the output. */
static int test_lint_run(char *const *files, int n, char **out, char **err)
{
	FILE *o = tmpfile(), *e = tmpfile();
	long lo, le;
	int rc;

	assert_non_null(o);
	assert_non_null(e);
	rc = lint_files(files, n, o, e);
	fflush(o);
	fflush(e);
	lo = ftell(o);
	le = ftell(e);
	*out = xcalloc((size_t)lo + 1, 1);
	*err = xcalloc((size_t)le + 1, 1);
	rewind(o);
	rewind(e);
	assert_int_equal(fread(*out, 1, (size_t)lo, o), (size_t)lo);
	assert_int_equal(fread(*err, 1, (size_t)le, e), (size_t)le);
	fclose(o);
	fclose(e);
	return rc;
}

TEST(test_lint_seed)
{
	static const char *const expect[] = {
		SEED ":118: warning: pg_stat_statements total_time, mean_time: renamed "
		     "total_exec_time, mean_exec_time in PostgreSQL 13\n",
		SEED ":198: warning: --reset-offsets --execute moves the group's committed offsets "
		     "and can lose data; add a confirmation note (<!-- amconsole: confirm -->)\n",
		SEED ":198: warning: --to-latest skips every unconsumed message\n",
		SEED ":212: warning: kafka-preferred-replica-election.sh was removed in Kafka 3.0; "
		     "use kafka-leader-election.sh --election-type preferred\n",
		SEED ":377: warning: http_requests_total{…} / http_requests_total divides each "
		     "selected series by itself (same labels), so the result is 1 wherever one "
		     "exists; aggregate both sides: sum by (service) (rate(…)) / sum by (service) "
		     "(rate(…))\n",
		SEED ":446: warning: DEL does not expand patterns like \"fleet:*\"; use SCAN MATCH "
		     "with UNLINK\n",
		SEED ":502: warning: http_requests_total{…} / http_requests_total divides each "
		     "selected series by itself (same labels), so the result is 1 wherever one "
		     "exists; aggregate both sides: sum by (service) (rate(…)) / sum by (service) "
		     "(rate(…))\n",
		SEED ":592: warning: pg_restore cannot read a plain SQL dump; use psql -f\n",
		SEED ":607: warning: FLUSHALL loses all keys; add a confirmation note "
		     "(<!-- amconsole: confirm -->)\n",
		SEED ":670: warning: looks like a checklist, not commands; write it as prose or as "
		     "real commands\n",
		SEED ":676: warning: looks like a checklist, not commands; write it as prose or as "
		     "real commands\n",
		SEED ":682: warning: looks like a checklist, not commands; write it as prose or as "
		     "real commands\n",
	};
	char *files[] = { (char *)SEED };
	struct strbuf want = { 0 };
	char *out, *err;
	size_t i;

	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		strbuf_puts(&want, expect[i]);
	assert_int_equal(test_lint_run(files, 1, &out, &err), 1);
	assert_string_equal(out, want.buf);
	assert_string_equal(err, "");
	free(out);
	free(err);
	strbuf_free(&want);

	if (getenv("AM_SEED") != NULL && *getenv("AM_SEED") != '\0') {
		char *extra[] = { getenv("AM_SEED") };

		assert_int_equal(test_lint_run(extra, 1, &out, &err), 1);
		test_holds_all(out, (const char *const[]){
					    ":118: warning: pg_stat_statements",
					    ":446: warning: DEL does not expand",
					    ":592: warning: pg_restore",
					    ":212: warning: kafka-preferred",
					    ":607: warning: FLUSHALL",
					    ":198: warning: --reset-offsets",
					    NULL,
				    });
		free(out);
		free(err);
	}
}

TEST(test_lint_shipped_clean)
{
	char *files[] = { (char *)"runbooks/atlasmesh.md" };
	char *out, *err;

	assert_int_equal(test_lint_run(files, 1, &out, &err), 0);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

TEST(test_lint_unreadable)
{
	char *files[] = { (char *)"runbooks/atlasmesh.md", (char *)"/nonexistent/guide.md",
			  (char *)SEED };
	char *out, *err, *want;

	assert_int_equal(test_lint_run(files, 3, &out, &err), 2);
	want = xasprintf("amconsole: /nonexistent/guide.md: %s\n", strerror(ENOENT));
	assert_string_equal(err, want);
	/* the other files are still checked */
	assert_non_null(strstr(out, SEED ":607:"));
	free(want);
	free(out);
	free(err);
}

/* Lint one step of kind with command; returns the warnings joined by '|'. */
static char *test_lint_step(enum step_kind kind, const char *cmd, int confirm)
{
	struct step st;
	struct strbuf sb = { 0 };
	size_t i;

	memset(&st, 0, sizeof(st));
	st.kind = kind;
	st.command = xstrdup(cmd);
	st.confirm_note = confirm;
	lint_step(&st);
	for (i = 0; i < st.nwarnings; i++) {
		if (i > 0)
			strbuf_putc(&sb, '|');
		strbuf_puts(&sb, st.warnings[i]);
		free(st.warnings[i]);
	}
	free(st.warnings);
	free(st.command);
	return strbuf_detach(&sb);
}

TEST(test_lint_rules)
{
	static const struct {
		enum step_kind kind;
		const char *cmd;
		int confirm;
		const char *want; /* substring, or "" for clean */
	} cases[] = {
		{ STEP_SHELL, "redis-cli DEL \"fleet:*\"", 0,
		  "DEL does not expand patterns like \"fleet:*\"" },
		{ STEP_SHELL, "redis-cli -h c -n 1 del 'user:?'", 0, "\"user:?\"" },
		{ STEP_SHELL, "redis-cli DEL fleet:1 fleet:2", 0, "" },
		/* Options that take a value are skipped before the command. */
		{ STEP_SHELL, "redis-cli --pipe-timeout 30 DEL \"cache:*\"", 0,
		  "DEL does not expand patterns like \"cache:*\"" },
		{ STEP_SHELL, "redis-cli -h 10.0.0.5 -p 6379 DEL \"vehicle:*\"", 0,
		  "\"vehicle:*\"" },
		{ STEP_SHELL, "redis-cli --scan --pattern 'fleet:*' | xargs -r redis-cli UNLINK", 0,
		  "" },
		{ STEP_REDIS, "DEL vehicle:*", 0, "\"vehicle:*\"" },
		{ STEP_REDIS, "GET vehicle:*", 0, "" },
		{ STEP_SQL, "SELECT total_time FROM pg_stat_statements;", 0,
		  "total_time: renamed total_exec_time" },
		{ STEP_SQL, "SELECT max_time, stddev_time FROM pg_stat_statements;", 0,
		  "max_time, stddev_time: renamed max_exec_time, stddev_exec_time" },
		{ STEP_SQL, "SELECT total_exec_time, mean_exec_time FROM pg_stat_statements;", 0,
		  "" },
		{ STEP_SQL, "SELECT total_time FROM my_stats;", 0, "" },
		{ STEP_SQL, "-- total_time was renamed\nSELECT 1 FROM pg_stat_statements;", 0, "" },
		{ STEP_SHELL, "psql -c 'SELECT mean_time FROM pg_stat_statements'", 0,
		  "mean_time" },
		{ STEP_SHELL, "pg_restore -d db /backups/latest.sql", 0,
		  "pg_restore cannot read a plain SQL dump" },
		{ STEP_SHELL, "pg_restore -d db < /backups/latest.SQL", 0,
		  "pg_restore cannot read" },
		{ STEP_SHELL, "pg_restore -d db /backups/latest.dump", 0, "" },
		{ STEP_SHELL, "psql -d db -f /backups/latest.sql", 0, "" },
		{ STEP_SHELL, "kafka-preferred-replica-election.sh --bootstrap-server x", 0,
		  "removed in Kafka 3.0" },
		{ STEP_SHELL, "/opt/kafka/bin/kafka-preferred-replica-election --zookeeper z", 0,
		  "removed in Kafka 3.0" },
		{ STEP_SHELL,
		  "kafka-leader-election.sh --election-type preferred --all-topic-partitions", 0,
		  "" },
		{ STEP_SHELL, "# kafka-preferred-replica-election.sh is gone\nls", 0, "" },
		{ STEP_SHELL, "redis-cli FLUSHALL", 0, "FLUSHALL loses all keys" },
		{ STEP_SHELL, "redis-cli flushdb", 0, "FLUSHDB loses all keys" },
		{ STEP_SHELL, "redis-cli FLUSHALL", 1, "" },
		{ STEP_REDIS, "FLUSHALL", 0, "FLUSHALL loses all keys" },
		{ STEP_SHELL, "echo FLUSHALL", 0, "" },
		{ STEP_SHELL,
		  "kafka-consumer-groups.sh --group g --reset-offsets --to-latest --topic t "
		  "--execute",
		  0, "(<!-- amconsole: confirm -->)|--to-latest skips every unconsumed message" },
		{ STEP_SHELL,
		  "kafka-consumer-groups.sh --group g --reset-offsets --to-earliest --all-topics "
		  "--execute",
		  0, "--reset-offsets --execute moves" },
		{ STEP_SHELL,
		  "kafka-consumer-groups.sh --group g --reset-offsets --to-latest --topic t "
		  "--dry-run",
		  0, "" },
		{ STEP_SHELL,
		  "kafka-consumer-groups.sh --group g --reset-offsets --to-latest --topic t "
		  "--execute",
		  1, "" },
		{ STEP_SHELL, "- Update system packages\n- Rotate logs", 0, "checklist" },
		{ STEP_SHELL, "- Update\nkubectl get pods", 0, "" },
		{ STEP_PROMQL, "rate(x[5m]) - rate(y[5m])", 0, "" },
		/* A filtered rate over the same unfiltered rate, nothing
		 * aggregated: each series is divided by itself. */
		{ STEP_PROMQL,
		  "rate(http_requests_total{status=~\"5..\"}[5m]) / rate(http_requests_total[5m])",
		  0, "http_requests_total{…} / http_requests_total divides each selected series" },
		{ STEP_PROMQL, "irate(req{code=\"500\"}[1m])/irate(req[1m]) * 100", 0,
		  "req{…} / req divides" },
		{ STEP_YAML,
		  "groups:\n- name: a\n  rules:\n  - alert: E\n    expr: "
		  "rate(r{s=\"5\"}[5m]) / rate(r[5m]) > 0.05",
		  0, "r{…} / r divides" },
		{ STEP_PROMQL,
		  "sum by (service) (rate(http_requests_total{status=~\"5..\"}[5m])) / "
		  "sum by (service) (rate(http_requests_total[5m]))",
		  0, "" },
		{ STEP_PROMQL,
		  "sum(rate(http_requests_total{status=~\"5..\"}[5m])) by (service) /\n"
		  "sum(rate(http_requests_total[5m])) by (service)",
		  0, "" },
		{ STEP_PROMQL, "rate(a{s=\"5\"}[5m]) / ignoring(s) group_left rate(a[5m])", 0, "" },
		{ STEP_PROMQL, "rate(a{s=\"5\"}[5m]) / rate(b[5m])", 0, "" },
		{ STEP_PROMQL, "rate(a{s=\"5\"}[5m]) / rate(a{s=\"2\"}[5m])", 0, "" },
		{ STEP_PROMQL, "container_memory_usage_bytes / container_spec_memory_limit_bytes",
		  0, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = test_lint_step(cases[i].kind, cases[i].cmd, cases[i].confirm);
		int ok = cases[i].want[0] == '\0' ? got[0] == '\0'
						  : strstr(got, cases[i].want) != NULL;

		if (!ok) {
			print_error("case %zu: %s\n  got: %s\n", i, cases[i].cmd, got);
			free(got);
			fail();
		}
		free(got);
	}
}

TEST(test_lint_clean_output)
{
	char dir[] = "/tmp/am_lint_XXXXXX";
	char *path, *out, *err;
	char *files[1];

	assert_non_null(mkdtemp(dir));
	path = test_write_file(dir, "evil.md",
			       "## P\n\n```bash\nredis-cli DEL \"a\x1b[2J*\"\n```\n");
	files[0] = path;
	assert_int_equal(test_lint_run(files, 1, &out, &err), 1);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, ":4: warning: DEL does not expand patterns like \"a?[2J*\""));
	free(out);
	free(err);
	remove(path);
	remove(dir);
	free(path);
}
