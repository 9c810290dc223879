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

#include "backends/runbook.h"
#include "panels/findings.h"

#define SEED "../shared/seeds/000_87ab7a3ebe0b4121.txt"

static void test_findings_parse(struct runbook_set *set, const char *md)
{
	char err[256];

	if (runbook_parse(set, "test.md", md, strlen(md), err, sizeof err) != 0)
		fail_msg("parse: %s", err);
}

/* An annotation wins over the default; an alert follows alerts=; a kind
 * nobody maps leads nowhere. */
static void test_findings_map_annotations(void **unused)
{
	struct runbook_set set = { 0 };
	struct finding_list l = { 0 };
	struct finding *f;

	(void)unused;
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
static void test_findings_map_seed_defaults(void **unused)
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

	(void)unused;
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

static void test_findings_vars(void **unused)
{
	struct finding_list l = { 0 };
	struct finding *f = finding_add(&l, FINDING_CRITICAL, "pod-crashloop", "K", "pods");
	char buf[64];

	(void)unused;
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
static void test_findings_sort(void **unused)
{
	struct finding_list l = { 0 };
	struct finding *f;

	(void)unused;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings_map_annotations),
		cmocka_unit_test(test_findings_map_seed_defaults),
		cmocka_unit_test(test_findings_vars),
		cmocka_unit_test(test_findings_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
