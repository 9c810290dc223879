/*
 * test_findings.c - unit tests for panels/findings.c and the findings=
 * runbook annotation: each finding leads to the runbook entry a
 * findings= annotation names, else (an alert) the entry whose alerts=
 * names it, else the shipped guide's symptom by default (the raw
 * AtlasMesh guide has no annotations); placeholder values; the order of
 * the Triage list (severity, then oldest first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "panels/findings.h"
#include "tests/unit/testhelp.h"

#define SEED "../shared/seeds/000_87ab7a3ebe0b4121.txt"

static void test_findings_parse(struct runbook_set *set, const char *md)
{
	char err[256];

	if (runbook_parse(set, "test.md", md, strlen(md), err, sizeof err) != 0)
		fail_msg("parse: %s", err);
}

/* An annotation wins over the default; an alert follows alerts=; a kind
 * nobody maps leads nowhere. */
TEST(test_findings_map_annotations)
{
	struct runbook_set set = { 0 };
	struct finding_list l = { 0 };
	struct finding *f;

	test_findings_parse(&set,
			    "# Team guide\n\n"
			    "## Pods that die\n"
			    "<!-- amconsole: findings=\"pod-crashloop, pod-oomkilled\" -->\n\n"
			    "### Symptoms\n\n- restarts\n\n### Diagnostic Steps\n\n"
			    "```bash\nkubectl describe pod <pod-name>\n```\n\n"
			    "## Slow web\n<!-- amconsole: alerts=HighLatency -->\n\n"
			    "### Symptoms\n\n- slow\n\n### Diagnostic Steps\n\n"
			    "```bash\ncurl -s http://x/\n```\n");
	assert_non_null(runbook_for_finding(&set, "pod-oomkilled"));
	assert_null(runbook_for_finding(&set, "pod-pending"));
	finding_add(&l, FINDING_CRITICAL, "pod-crashloop", "Kubernetes", "pods");
	f = finding_add(&l, FINDING_WARNING, "alert-firing", "Alerts", "alerts");
	finding_var(f, "alertname", "HighLatency");
	finding_add(&l, FINDING_WARNING, "kafka-lag", "Kafka", "lag");
	findings_map(&l, &set);
	assert_string_equal(l.v[0].runbook, "Pods that die");
	assert_string_equal(l.v[1].runbook, "Slow web");
	/* No "Message Queue Issues" here: nowhere to go. */
	assert_string_equal(l.v[2].runbook, "");
	finding_list_free(&l);
	runbook_set_free(&set);
}

/* The raw guide, without annotations: the built-in defaults. */
TEST(test_findings_map_seed_defaults)
{
	struct runbook_set set = { 0 };
	struct finding_list l = { 0 };
	static const char *const kinds[][2] = {
		{ "pod-crashloop", "Service Startup Issues" },
		{ "pod-pending", "Service Startup Issues" },
		{ "kafka-lag", "Message Queue Issues" },
		{ "pg-connections", "Database Performance Issues" },
		{ "redis-evictions", "Performance Degradation" },
		{ "health-down", "Network Connectivity Issues" },
	};
	char err[256];
	size_t i;

	if (runbook_load_file(&set, SEED, err, sizeof err) != 0)
		fail_msg("%s", err);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		finding_add(&l, FINDING_WARNING, kinds[i][0], "x", "x");
	findings_map(&l, &set);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		assert_string_equal(l.v[i].runbook, kinds[i][1]);
	finding_list_free(&l);
	runbook_set_free(&set);
}

TEST(test_findings_vars)
{
	struct finding_list l = { 0 };
	struct finding *f = finding_add(&l, FINDING_CRITICAL, "pod-crashloop", "K", "pods");
	char buf[64];

	finding_var(f, "pod-name", "fleet-manager-abc");
	finding_var(f, "namespace", "atlasmesh-prod");
	finding_var(f, "evil", "a\nb=c"); /* a newline would forge a variable */
	assert_string_equal(f->vars, "pod-name=fleet-manager-abc\nnamespace=atlasmesh-prod\n");
	assert_true(finding_var_get(f->vars, "namespace", buf, sizeof buf));
	assert_string_equal(buf, "atlasmesh-prod");
	assert_true(finding_var_get(f->vars, "pod-name", buf, sizeof buf));
	assert_string_equal(buf, "fleet-manager-abc");
	assert_false(finding_var_get(f->vars, "pod", buf, sizeof buf));
	assert_false(finding_var_get(f->vars, "b", buf, sizeof buf));
	finding_list_free(&l);
}

/* Critical before warning; within a severity the oldest first, unknown
 * ages last. */
TEST(test_findings_sort)
{
	struct finding_list l = { 0 };
	struct finding *f;

	f = finding_add(&l, FINDING_WARNING, "redis-memory", "Redis", "cache");
	f->since = 100;
	f = finding_add(&l, FINDING_CRITICAL, "kafka-lag", "Kafka", "lag");
	f = finding_add(&l, FINDING_CRITICAL, "pod-crashloop", "Kubernetes", "pods");
	f->since = 500;
	f = finding_add(&l, FINDING_CRITICAL, "pod-oomkilled", "Kubernetes", "pods");
	f->since = 200;
	findings_sort(&l);
	assert_string_equal(l.v[0].kind, "pod-oomkilled");
	assert_string_equal(l.v[1].kind, "pod-crashloop");
	assert_string_equal(l.v[2].kind, "kafka-lag");
	assert_string_equal(l.v[3].kind, "redis-memory");
	finding_list_free(&l);
}

/* Gather n findings named by objs (kind "k") into raw. */
static void test_findings_gather(struct finding_list *raw, const char *objs)
{
	const char *p;

	finding_list_clear(raw);
	for (p = objs; *p != '\0'; p++) {
		struct finding *f = finding_add(raw, FINDING_WARNING, "k", "x", "x");

		f->object[0] = *p;
		f->object[1] = '\0';
		snprintf(f->what, sizeof f->what, "%c now", *p);
	}
}

static void test_findings_expect(const struct finding_list *shown, const char *objs)
{
	char got[64] = "";
	size_t i, n = 0;

	for (i = 0; i < shown->n && n + 1 < sizeof got; i++)
		got[n++] = shown->v[i].object[0];
	got[n] = '\0';
	/* order does not matter here: compare sorted */
	for (i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (got[j] < got[i]) {
				char t = got[i];

				got[i] = got[j];
				got[j] = t;
			}
	assert_string_equal(got, objs);
}

/* Two gathers in a row to show, two without to go: one poll of flicker
 * never reaches the screen. */
TEST(test_findings_steady)
{
	static const char *const seq[][2] = {
		{ "A", "" },   { "AB", "A" }, /* A twice: shown; B once: not yet */
		{ "B", "AB" },                /* A missing once: kept */
		{ "B", "B" },                 /* A missing twice: gone */
		{ "", "B" },   { "", "" },    { "C", "" }, { "", "" }, /* C flickers: never shown */
	};
	struct finding_list shown = { 0 }, prev = { 0 }, raw = { 0 };
	size_t i;

	for (i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		test_findings_gather(&raw, seq[i][0]);
		findings_steady(&shown, &prev, &raw);
		test_findings_expect(&shown, seq[i][1]);
	}
	/* A shown finding carries the newest text. */
	test_findings_gather(&raw, "D");
	findings_steady(&shown, &prev, &raw);
	test_findings_gather(&raw, "D");
	snprintf(raw.v[0].what, sizeof raw.v[0].what, "D later");
	findings_steady(&shown, &prev, &raw);
	assert_string_equal(shown.v[0].what, "D later");
	finding_list_free(&shown);
	finding_list_free(&prev);
	finding_list_free(&raw);
}
