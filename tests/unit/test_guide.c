/*
 * test_guide.c - unit tests for core/runbook_guide.c: the capture and
 * expect annotations parsed (and refused with a reason), values captured
 * from the output of each kind of step as the console prints it, and
 * expectations judged, with the traps (a "(N rows)" footer counting rows
 * not shown, a shell output with no header, an output with no number).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

static const char kubectl_out[] =
	"NAME                      READY   STATUS             RESTARTS      AGE\n"
	"api-7d9f-abcde            1/1     Running            0             3d\n"
	"ingest-5c4b-fghij         0/1     CrashLoopBackOff   7 (2m ago)    1h\n"
	"ledger-0                  0/1     Pending            0             5m\n";

static const char sql_out[] = " datname | numbackends | max\n"
			      "---------+-------------+-----\n"
			      " fleet   | 97          | 100\n"
			      " ops     | 3           | 100\n"
			      "(2 rows)\n";

static const char prom_out[] = "VALUE            LAST 30m             SERIES\n"
			       "0.31             ▁▂▃▅▇                "
			       "http_errors{job=\"api\", code=\"500\"}\n"
			       "0.02             ▁▁▁▁▁                "
			       "http_errors{job=\"ingest\", code=\"503\"}\n";

static const char redis_out[] = "1) \"idem:a\"\n2) \"idem:b c\"\n";

static char **capture(const char *spec, enum step_kind kind, const char *out, size_t *n)
{
	struct runbook_capture c;
	char err[160], **v;

	assert_int_equal(runbook_capture_parse(spec, &c, err, sizeof err), 0);
	*n = runbook_capture_run(&c, kind, out, &v);
	return v;
}

TEST(test_guide_capture_parse)
{
	struct runbook_capture c;
	char err[160];

	assert_int_equal(runbook_capture_parse("pod-name=column:NAME where STATUS!=Running", &c,
					       err, sizeof err),
			 0);
	assert_string_equal(c.name, "POD_NAME");
	assert_string_equal(c.column, "NAME");
	assert_string_equal(c.where_col, "STATUS");
	assert_string_equal(c.where_val, "Running");
	assert_int_equal(c.where_op, EXPECT_NE);
	assert_int_equal(runbook_capture_parse("ID=/order ([0-9]+)/", &c, err, sizeof err), 0);
	assert_string_equal(c.re, "order ([0-9]+)");
	assert_int_equal(runbook_capture_parse("POD=NAME", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "column:"));
	assert_int_equal(runbook_capture_parse("POD=/([a-z/", &c, err, sizeof err), -1);
	assert_int_equal(runbook_capture_parse("POD=column:NAME when X=1", &c, err, sizeof err),
			 -1);
	assert_int_equal(runbook_capture_parse("POD=column:NAME where X<1", &c, err, sizeof err),
			 -1);
}

TEST(test_guide_capture_kinds)
{
	/* want: the values expected at indexes 0 and 1 (NULL: not checked). */
	static const struct {
		const char *spec;
		enum step_kind kind;
		const char *out;
		size_t n;
		const char *want[2];
	} cases[] = {
		{ "POD=column:NAME where STATUS!=Running",
		  STEP_SHELL,
		  kubectl_out,
		  2,
		  { "ingest-5c4b-fghij", "ledger-0" } },
		/* A cell with spaces stays one cell: columns come from the header. */
		{ "R=column:RESTARTS where STATUS=CrashLoopBackOff",
		  STEP_SHELL,
		  kubectl_out,
		  1,
		  { "7 (2m ago)", NULL } },
		{ "DB=column:datname", STEP_SQL, sql_out, 2, { "fleet", "ops" } },
		{ "JOB=column:job where code=500", STEP_PROMQL, prom_out, 1, { "api", NULL } },
		{ "M=column:__name__", STEP_PROMQL, prom_out, 2, { "http_errors", NULL } },
		{ "KEY=column:value", STEP_REDIS, redis_out, 2, { NULL, "idem:b c" } },
		{ "ID=/-([a-z]{5})\\b/", STEP_SHELL, kubectl_out, 2, { "abcde", "fghij" } },
		/* A column the output does not print captures nothing. */
		{ "X=column:NODE", STEP_SHELL, kubectl_out, 0, { NULL, NULL } },
	};
	size_t i, k, n;
	char **v;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = capture(cases[i].spec, cases[i].kind, cases[i].out, &n);
		if (n != cases[i].n)
			fail_msg("%s: %zu values, want %zu", cases[i].spec, n, cases[i].n);
		for (k = 0; k < 2; k++)
			if (cases[i].want[k] != NULL && strcmp(v[k], cases[i].want[k]) != 0)
				fail_msg("%s: value %zu is \"%s\", want \"%s\"", cases[i].spec, k,
					 v[k], cases[i].want[k]);
		strv_free(v, n);
	}
}

static int expect(const char *spec, enum step_kind kind, int exit_code, const char *out, char *why)
{
	struct runbook_expect x;
	char err[160];

	assert_int_equal(runbook_expect_parse(spec, &x, err, sizeof err), 0);
	return runbook_expect_eval(&x, kind, exit_code, out, why, 160);
}

TEST(test_guide_expect)
{
	/* verdict 1 met, 0 not, -1 cannot tell; why: a part of the reason
	 * given (NULL: not checked). */
	static const struct {
		const char *spec;
		enum step_kind kind;
		int exit_code;
		const char *out;
		int verdict;
		const char *why;
	} cases[] = {
		{ "exit=0", STEP_SHELL, 0, "", 1, NULL },
		{ "exit=0", STEP_SHELL, 2, "", 0, "exit 2 ≠ 0" },
		{ "value<0.05", STEP_PROMQL, 0, prom_out, 0, "value 0.31 ≥ 0.05" },
		{ "value<0.5", STEP_PROMQL, 0, prom_out, 1, NULL },
		{ "rows=0", STEP_SQL, 0, sql_out, 0, "rows 2 ≠ 0" },
		{ "value<90", STEP_SQL, 0, sql_out, 0, NULL },
		/* "(N rows)" counts the rows not shown. */
		{ "rows<=500", STEP_SQL, 0,
		  " a\n---\n 1\n... 999 more rows not shown\n(1000 rows)\n", 0, "rows 1000 > 500" },
		{ "rows=2", STEP_SHELL, 0, kubectl_out, 0, NULL },
		{ "rows=3", STEP_SHELL, 0, kubectl_out, 1, NULL },
		{ "rows=2", STEP_SHELL, 0, "one\n\ntwo\n", 1, NULL },
		{ "output!~/Error|Exception/", STEP_SHELL, 0, "ok\njava.lang.Exception: x\n", 0,
		  "matches" },
		{ "output~/Running/", STEP_SHELL, 0, kubectl_out, 1, NULL },
		{ "rows=2", STEP_REDIS, 0, redis_out, 1, NULL },
		{ "value>0", STEP_SHELL, 0, "no numbers here\n", -1, "no number" },
	};
	static const char *const refused[] = { "value<x", "lines=3", "output</x/", "exit~/0/" };
	struct runbook_expect x;
	char why[160];
	size_t i;
	int got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = expect(cases[i].spec, cases[i].kind, cases[i].exit_code, cases[i].out, why);
		if (got != cases[i].verdict)
			fail_msg("case %zu %s: verdict %d (%s), want %d", i, cases[i].spec, got,
				 why, cases[i].verdict);
		if (cases[i].why != NULL && strstr(why, cases[i].why) == NULL)
			fail_msg("case %zu %s: reason \"%s\", want \"%s\" in it", i, cases[i].spec,
				 why, cases[i].why);
	}
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (runbook_expect_parse(refused[i], &x, why, sizeof why) != -1)
			fail_msg("\"%s\" was not refused", refused[i]);
}

TEST(test_guide_annotations)
{
	static const char md[] =
		"# Guide\n\n## Database Slow\n\n### Symptoms\n\n- slow\n\n### Diagnostic Steps\n\n"
		"<!-- amconsole: capture DB=column:datname where max!=0 expect value<90 "
		"next-on-fail=\"Kill idle\" -->\n"
		"```sql\nSELECT datname, numbackends, 100 AS max FROM pg_stat_database;\n```\n\n"
		"```bash\n# amconsole: expect output!~/Error|Exception/ capture POD=/pod (x y)/\n"
		"kubectl logs x\n```\n\n"
		"<!-- amconsole: expect lines=1 capture X=NAME -->\n"
		"```bash\necho hi\n```\n";
	struct runbook_set set = { 0 };
	const struct step *s;
	char err[256];

	assert_int_equal(runbook_parse(&set, "g.md", md, strlen(md), err, sizeof err), 0);
	assert_int_equal(set.nentries, 1);
	assert_int_equal(set.entries[0].nsteps, 3);
	s = &set.entries[0].steps[0];
	assert_int_equal(s->ncaptures, 1);
	assert_string_equal(s->captures[0], "DB=column:datname where max!=0");
	assert_int_equal(s->nexpects, 1);
	assert_string_equal(s->expects[0], "value<90");
	assert_string_equal(s->next_on_fail, "Kill idle");
	s = &set.entries[0].steps[1];
	assert_int_equal(s->nexpects, 1);
	assert_string_equal(s->expects[0], "output!~/Error|Exception/");
	assert_int_equal(s->ncaptures, 1);
	assert_string_equal(s->captures[0], "POD=/pod (x y)/");
	s = &set.entries[0].steps[2];
	assert_int_equal(s->nexpects + s->ncaptures, 0);
	assert_true(s->nwarnings >= 2);
	runbook_set_free(&set);
}

/* 1 if one of s's warnings holds text. */
static int warned(const struct step *s, const char *text)
{
	size_t i;

	for (i = 0; i < s->nwarnings; i++)
		if (strstr(s->warnings[i], text) != NULL)
			return 1;
	return 0;
}

TEST(test_guide_lint)
{
	static const char md[] =
		"# Guide\n\n## Slow\n\n### Symptoms\n\n- slow\n\n### Diagnostic Steps\n\n"
		"<!-- amconsole: capture DB=column:dbname next-on-fail=\"No such step\" -->\n"
		"```sql\n-- Databases\nSELECT datname FROM pg_database;\n```\n\n"
		"<!-- amconsole: capture POD=column:name next-on-ok=\"databases\" -->\n"
		"```bash\n# Pods\nkubectl get pods\n```\n\n"
		"<!-- amconsole: capture K=column:key -->\n"
		"```redis\n# Keys\nSCAN 0\n```\n\n"
		"<!-- amconsole: expect exit=0 -->\n"
		"```yaml\nkind: Pod\n```\n";
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	char err[256];

	assert_int_equal(runbook_parse(&set, "l.md", md, strlen(md), err, sizeof err), 0);
	e = &set.entries[0];
	assert_int_equal(e->nsteps, 4);
	assert_true(warned(&e->steps[0], "never names column \"dbname\""));
	assert_true(warned(&e->steps[0], "next-on-fail=\"No such step\": no step"));
	/* A title matches whatever its case. */
	assert_false(warned(&e->steps[1], "next-on-ok"));
	assert_true(warned(&e->steps[1], "in capitals"));
	assert_true(warned(&e->steps[2], "one column, \"value\""));
	assert_true(warned(&e->steps[3], "cannot be compared"));
	runbook_set_free(&set);
}
