/*
 * test_runbook.c - unit tests of the runbook model (core/runbook*.c)
 * on the real AtlasMesh guide (../shared/seeds, and $AM_SEED when set),
 * on the shipped runbooks/atlasmesh.md and on the small fixtures in
 * tests/fixtures/runbooks: entries, step splitting, titles, groups,
 * phases, placeholders and their quoting, annotations, JSON, files.
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/runbook.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define SEED "../shared/seeds/000_87ab7a3ebe0b4121.txt"
#define SHIPPED "runbooks/atlasmesh.md"
#define FIX "tests/fixtures/runbooks/"

static void test_runbook_load(struct runbook_set *set, const char *path)
{
	char err[512];
	int rc = runbook_load_file(set, path, err, sizeof(err));

	if (rc != 0)
		fail_msg("%s", err);
}

static const struct runbook_entry *test_runbook_find(const struct runbook_set *set,
						     const char *title)
{
	size_t i;

	for (i = 0; i < set->nentries; i++)
		if (strcmp(set->entries[i].title, title) == 0)
			return &set->entries[i];
	fail_msg("no entry \"%s\"", title);
	return NULL;
}

static const struct step *test_runbook_step_titled(const struct runbook_entry *e, const char *title)
{
	size_t i;

	for (i = 0; i < e->nsteps; i++)
		if (strcmp(e->steps[i].title, title) == 0)
			return &e->steps[i];
	fail_msg("no step \"%s\" in %s", title, e->title);
	return NULL;
}

static struct runbook_set test_runbook_parse_str(const char *md)
{
	struct runbook_set set = { 0 };
	char err[256];

	assert_int_equal(runbook_parse(&set, "mem.md", md, strlen(md), err, sizeof(err)), 0);
	return set;
}

static const char *const test_runbook_symptoms[] = {
	"Service Startup Issues",  "Database Performance Issues",
	"Message Queue Issues",    "Network Connectivity Issues",
	"Storage Issues",          "Authentication & Authorization Issues",
	"Performance Degradation", "Data Consistency Issues",
};

/* The structure both the guide and the shipped runbook must have. */
static void test_runbook_check_structure(const struct runbook_set *set)
{
	static const char *const procedures[] = {
		"Monitoring & Alerting",
		"Log Analysis",
		"Recovery Procedures",
		"Preventive Measures",
	};
	static const char *const references[] = {
		"Overview",
		"Quick Reference",
		"System Architecture Overview",
		"Escalation Procedures",
		"Documentation Updates",
	};
	const struct runbook_entry *e;
	size_t i, nsym = 0;

	for (i = 0; i < set->nentries; i++) {
		e = &set->entries[i];
		assert_string_not_equal(e->title, "Common Issues & Solutions");
		if (e->type == ENTRY_SYMPTOM) {
			assert_true(nsym < 8);
			assert_string_equal(e->title, test_runbook_symptoms[nsym]);
			assert_int_equal(e->nsymptoms, 3);
			assert_true(e->nsteps > 0);
			nsym++;
		}
	}
	assert_int_equal(nsym, 8);
	for (i = 0; i < 4; i++) {
		e = test_runbook_find(set, procedures[i]);
		assert_int_equal(e->type, ENTRY_PROCEDURE);
		assert_int_equal(e->nsymptoms, 0);
		assert_true(e->nsteps > 0);
		assert_null(e->text);
	}
	for (i = 0; i < 5; i++) {
		e = test_runbook_find(set, references[i]);
		assert_int_equal(e->type, ENTRY_REFERENCE);
		assert_int_equal(e->nsteps, 0);
		assert_non_null(e->text);
	}
	assert_int_equal(set->nentries, 17);
	assert_int_equal(test_runbook_find(set, "Service Startup Issues")->nsteps, 10);
	/* The seed's 8; the team's runbook adds two health checks. */
	assert_true(test_runbook_find(set, "Database Performance Issues")->nsteps >= 8);
}

TEST(test_runbook_seed_structure)
{
	struct runbook_set set = { 0 };
	const char *extra = getenv("AM_SEED");

	test_runbook_load(&set, SEED);
	test_runbook_check_structure(&set);
	runbook_set_free(&set);
	if (extra != NULL && *extra != '\0') {
		test_runbook_load(&set, extra);
		test_runbook_check_structure(&set);
		runbook_set_free(&set);
	}
}

TEST(test_runbook_seed_startup_steps)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;

	test_runbook_load(&set, SEED);
	e = test_runbook_find(&set, "Service Startup Issues");
	assert_int_equal(e->line, 45);
	assert_string_equal(e->file, SEED);
	assert_string_equal(e->symptoms[0], "Pods in CrashLoopBackOff state");
	assert_string_equal(e->symptoms[2], "Connection timeouts");

	st = &e->steps[0];
	assert_string_equal(st->title, "Check pod status");
	assert_string_equal(st->command, "kubectl get pods -n atlasmesh-prod");
	assert_string_equal(st->group, "Diagnostic Steps");
	assert_string_equal(st->lang, "bash");
	assert_int_equal(st->kind, STEP_SHELL);
	assert_int_equal(st->phase, PHASE_DIAGNOSIS);
	assert_int_equal(st->line, 55);
	assert_false(st->changing);
	assert_false(st->interactive);
	assert_int_equal(st->nplaceholders, 0);

	st = &e->steps[1];
	assert_string_equal(st->title, "Describe problematic pod");
	assert_int_equal(st->line, 58);
	assert_int_equal(st->nplaceholders, 1);
	assert_string_equal(st->placeholders[0].token, "<pod-name>");
	assert_string_equal(st->placeholders[0].env, "POD_NAME");
	assert_string_equal(st->placeholders[0].label, "pod-name");
	assert_true(st->placeholders[0].k8s_name);
	assert_true(st->placeholders[0].pod);
	assert_false(st->placeholders[0].secret);

	st = &e->steps[4];
	assert_string_equal(st->title, "Test database connectivity");
	assert_string_equal(st->group, "Database Connection Issues");
	assert_string_equal(st->command,
			    "kubectl run db-test --image=postgres:15 --rm -it -- \\\n"
			    "  psql -h postgres-service -U postgres -d atlasmesh_fleet");
	assert_int_equal(st->line, 72);
	assert_int_equal(st->phase, PHASE_REMEDY);
	assert_true(st->interactive);
	assert_true(st->changing); /* kubectl run creates a pod */

	st = &e->steps[7];
	assert_string_equal(st->title, "Update resource limits");
	assert_int_equal(st->kind, STEP_YAML);
	assert_string_equal(st->group, "Memory/CPU Limits");
	assert_int_equal(st->line, 85);
	assert_false(st->changing);
	assert_true(strncmp(st->command, "resources:\n  requests:", 22) == 0);
	assert_null(strstr(st->command, "Update resource limits"));

	st = &e->steps[9];
	assert_string_equal(st->title, "Validate environment variables");
	assert_string_equal(st->group, "Configuration Issues");
	assert_int_equal(st->line, 100);
	assert_true(st->interactive);
	runbook_set_free(&set);
}

TEST(test_runbook_seed_database_steps)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;

	test_runbook_load(&set, SEED);
	e = test_runbook_find(&set, "Database Performance Issues");
	st = &e->steps[1];
	assert_string_equal(st->title, "Identify slow queries");
	assert_int_equal(st->kind, STEP_SQL);
	assert_int_equal(st->line, 118);
	assert_string_equal(st->group, "Diagnostic Queries");
	assert_int_equal(st->phase, PHASE_DIAGNOSIS);
	assert_true(strncmp(st->command, "SELECT query, calls", 19) == 0);
	assert_true(st->nwarnings >= 1);

	st = &e->steps[4];
	assert_string_equal(st->title, "Add missing indexes");
	assert_string_equal(st->group, "Query Optimization");
	assert_int_equal(st->phase, PHASE_REMEDY);
	assert_true(st->changing);
	assert_false(st->destructive);
	assert_int_equal(st->line, 141);

	st = &e->steps[6];
	assert_string_equal(st->title, "Update table statistics");
	assert_string_equal(st->command, "VACUUM ANALYZE vehicle_telemetry;");
	assert_true(st->changing);

	st = &e->steps[7];
	assert_string_equal(st->title, "PgBouncer configuration");
	assert_int_equal(st->kind, STEP_YAML);
	assert_string_equal(st->group, "Connection Pool Tuning");
	runbook_set_free(&set);
}

TEST(test_runbook_seed_other_steps)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;

	test_runbook_load(&set, SEED);

	e = test_runbook_find(&set, "Performance Degradation");
	assert_int_equal(e->nsteps, 7);
	st = &e->steps[0];
	assert_int_equal(st->kind, STEP_PROMQL);
	assert_string_equal(st->title, "High CPU usage");
	assert_string_equal(st->group, "Monitoring Queries");
	assert_int_equal(st->phase, PHASE_DIAGNOSIS);

	e = test_runbook_find(&set, "Log Analysis");
	assert_int_equal(e->nsteps, 10);
	st = &e->steps[2];
	assert_string_equal(st->title, "Persistent logs (if using log aggregation) \xe2\x80\x94 "
				       "Elasticsearch/Fluentd setup");
	assert_string_equal(st->command, "kubectl logs fluentd-<pod-id> -n logging");
	assert_int_equal(st->line, 542);
	assert_string_equal(st->placeholders[0].env, "POD_ID");
	assert_true(st->placeholders[0].pod);
	assert_true(st->placeholders[0].k8s_name);
	st = &e->steps[1];
	assert_string_equal(st->placeholders[0].env, "SYSTEM_POD_NAME");
	assert_true(st->placeholders[0].k8s_name);
	st = &e->steps[3];
	assert_string_equal(st->group, "Error Patterns");
	assert_string_equal(st->placeholders[0].env, "LOG_FILE");
	assert_false(st->placeholders[0].k8s_name);

	e = test_runbook_find(&set, "Recovery Procedures");
	st = test_runbook_step_titled(e, "Restart specific service");
	assert_string_equal(st->group, "Service Recovery");
	assert_int_equal(st->phase, PHASE_REMEDY);
	assert_string_equal(st->placeholders[0].env, "SERVICE_NAME");
	assert_true(st->placeholders[0].k8s_name);
	assert_false(st->placeholders[0].pod);
	st = test_runbook_step_titled(e, "Scale service to zero and back");
	assert_non_null(strstr(st->command, "--replicas=0"));
	assert_non_null(strstr(st->command, "--replicas=3"));
	st = test_runbook_step_titled(e, "Force pod recreation");
	assert_true(st->destructive);
	assert_string_equal(st->target, "<pod-name>");

	e = test_runbook_find(&set, "Monitoring & Alerting");
	assert_int_equal(e->nsteps, 9);
	assert_string_equal(e->steps[0].group, "System Metrics");
	assert_string_equal(e->steps[8].group, "Alert Rules");
	assert_int_equal(e->steps[8].kind, STEP_YAML);
	assert_int_equal(e->steps[8].phase, PHASE_DIAGNOSIS);

	e = test_runbook_find(&set, "Preventive Measures");
	st = &e->steps[e->nsteps - 1];
	assert_string_equal(st->title, "Automated health checks");
	assert_true(st->script);
	assert_int_equal(st->line, 691);
	assert_true(strncmp(st->command, "#!/bin/bash\n# health-check.sh\n", 30) == 0);
	assert_non_null(strstr(st->command, "done\n\n# Check database"));
	assert_int_equal(st->phase, PHASE_DIAGNOSIS);
	assert_int_equal(st->nplaceholders, 0); /* $service is a loop variable */

	e = test_runbook_find(&set, "Authentication & Authorization Issues");
	st = &e->steps[0];
	assert_int_equal(st->nplaceholders, 1);
	assert_string_equal(st->placeholders[0].token, "$TOKEN");
	assert_string_equal(st->placeholders[0].env, "TOKEN");
	assert_true(st->placeholders[0].secret);
	assert_false(st->changing);
	st = test_runbook_step_titled(e, "Update token in application");
	assert_string_equal(st->placeholders[0].env, "NEW_TOKEN");
	assert_true(st->changing);
	st = test_runbook_step_titled(e, "Generate new service account token");
	assert_true(st->changing);
	assert_string_equal(st->change_why, "kubectl create token");

	e = test_runbook_find(&set, "Data Consistency Issues");
	st = test_runbook_step_titled(e, "Trigger manual sync");
	assert_int_equal(st->nplaceholders, 1);
	assert_string_equal(st->placeholders[0].env, "ADMIN_TOKEN");
	assert_true(st->changing);
	st = test_runbook_step_titled(e, "Clear specific cache keys");
	assert_true(st->destructive);

	e = test_runbook_find(&set, "Message Queue Issues");
	st = test_runbook_step_titled(e, "Reset consumer group offset (use with caution)");
	assert_true(st->destructive);
	assert_string_equal(st->target, "fleet-telemetry-group");
	assert_int_equal(st->line, 198);
	runbook_set_free(&set);
}

TEST(test_runbook_seed_reference_text)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;

	test_runbook_load(&set, SEED);
	e = test_runbook_find(&set, "Escalation Procedures");
	assert_non_null(
		strstr(e->text, "P0 - Critical (System Down)\n- Response Time: 15 minutes"));
	assert_non_null(strstr(e->text, "  1. Page on-call engineer\n"));
	assert_non_null(strstr(e->text, "    P0/P1 Issues:"));
	assert_null(strstr(e->text, "**"));
	e = test_runbook_find(&set, "Quick Reference");
	assert_non_null(strstr(e->text, "Emergency Contacts\n- Critical Issues: +971"));
	e = test_runbook_find(&set, "System Architecture Overview");
	assert_non_null(strstr(e->text, "graph TB"));
	e = test_runbook_find(&set, "Overview");
	assert_true(strncmp(e->text, "This comprehensive", 18) == 0);
	runbook_set_free(&set);
}

TEST(test_runbook_matches)
{
	struct runbook_set set = { 0 };

	test_runbook_load(&set, SEED);
	assert_true(
		runbook_entry_matches(test_runbook_find(&set, "Service Startup Issues"), "crash"));
	assert_true(runbook_entry_matches(test_runbook_find(&set, "Service Startup Issues"),
					  "CRASHLOOP"));
	assert_false(runbook_entry_matches(test_runbook_find(&set, "Storage Issues"), "crash"));
	assert_true(runbook_entry_matches(test_runbook_find(&set, "Message Queue Issues"), "lag"));
	assert_true(runbook_entry_matches(
		test_runbook_find(&set, "Authentication & Authorization Issues"), "401"));
	assert_true(
		runbook_entry_matches(test_runbook_find(&set, "Storage Issues"), "  pvc   disk "));
	assert_false(runbook_entry_matches(test_runbook_find(&set, "Storage Issues"), "pvc kafka"));
	assert_true(runbook_entry_matches(test_runbook_find(&set, "Storage Issues"), ""));
	assert_true(runbook_entry_matches(test_runbook_find(&set, "Storage Issues"), NULL));
	runbook_set_free(&set);
}

TEST(test_runbook_shipped)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;
	size_t i, j;

	test_runbook_load(&set, SHIPPED);
	test_runbook_check_structure(&set);
	e = test_runbook_find(&set, "Database Performance Issues");
	assert_int_equal(e->nsteps, 10);
	/* The team's health checks state what a healthy server shows. */
	assert_int_equal(e->steps[1].nexpects, 1);
	assert_string_equal(e->steps[1].expects[0], "value<80");
	assert_int_equal(e->steps[2].nexpects, 1);
	assert_string_equal(e->steps[2].expects[0], "rows=0");
	e = test_runbook_find(&set, "Service Startup Issues");
	assert_int_equal(e->steps[0].ncaptures, 1);
	assert_string_equal(e->steps[0].captures[0], "POD_NAME=column:NAME where STATUS!=Running");
	for (i = 0; i < set.nentries; i++)
		for (j = 0; j < set.entries[i].nsteps; j++)
			assert_int_equal(set.entries[i].steps[j].nwarnings, 0);

	e = test_runbook_find(&set, "Recovery Procedures");
	st = test_runbook_step_titled(e, "Clear all cache");
	assert_true(st->destructive);
	assert_true(st->confirm_note);
	assert_non_null(st->confirm_text);
	assert_string_equal(st->target, "redis-0");
	st = test_runbook_step_titled(e, "Restore from backup (plain SQL dump)");
	assert_true(st->destructive);
	assert_string_equal(st->target, "atlasmesh_fleet");
	assert_true(st->timeout == 7200.0);
	st = test_runbook_step_titled(e, "Rebuild indexes");
	assert_true(st->timeout == 7200.0);
	assert_false(st->confirm_note);

	e = test_runbook_find(&set, "Data Consistency Issues");
	st = test_runbook_step_titled(e, "Clear specific cache keys (SCAN + UNLINK: DEL does not "
					 "expand patterns)");
	assert_true(st->destructive);
	assert_string_equal(st->target, "redis-0");
	assert_true(st->confirm_note);

	e = test_runbook_find(&set, "Message Queue Issues");
	st = test_runbook_step_titled(e, "Preview the offset reset (dry run: nothing changes)");
	assert_false(st->changing);
	st = test_runbook_step_titled(e, "Reset consumer group offset to the latest (skips the "
					 "backlog)");
	assert_true(st->destructive);
	assert_true(st->confirm_note);
	assert_string_equal(st->group, "Consumer Offset Reset");

	e = test_runbook_find(&set, "Service Startup Issues");
	assert_false(e->steps[9].interactive);
	runbook_set_free(&set);
}

TEST(test_runbook_splitting)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;

	test_runbook_load(&set, FIX "splitting.md");
	assert_int_equal(set.nentries, 1);
	e = &set.entries[0];
	assert_int_equal(e->type, ENTRY_PROCEDURE);
	assert_int_equal(e->nsteps, 11);
	assert_string_equal(e->steps[0].title, "Only a title \xe2\x80\x94 that spans two lines");
	assert_string_equal(e->steps[0].command, "kubectl get pods");
	assert_int_equal(e->steps[0].line, 11);
	assert_string_equal(e->steps[1].title, "Indented comments stay");
	assert_string_equal(e->steps[1].command,
			    "kubectl get pods \\\n  # not a title\n  -n default");
	/* blank lines inside quotes and here-documents do not split */
	assert_string_equal(e->steps[2].title, "");
	assert_string_equal(e->steps[2].command, "psql -c \"\nSELECT 1;\n\nSELECT 2;\"");
	assert_false(e->steps[2].interactive);
	assert_non_null(strstr(e->steps[3].command, "apiVersion: v1\n\nkind: ConfigMap\nEOF2"));
	assert_true(e->steps[3].changing);
	assert_int_equal(e->steps[4].kind, STEP_SQL);
	assert_string_equal(e->steps[4].title, "First");
	assert_string_equal(e->steps[5].title, "Second \xe2\x80\x94 and more");
	assert_string_equal(e->steps[5].command, "SELECT 'it''s; not split' AS x;");
	assert_int_equal(e->steps[6].kind, STEP_PROMQL);
	assert_int_equal(e->steps[7].kind, STEP_REDIS);
	assert_false(e->steps[7].changing);
	assert_true(e->steps[8].destructive);
	assert_string_equal(e->steps[8].target, "session:1");
	assert_int_equal(e->steps[9].kind, STEP_YAML);
	assert_string_equal(e->steps[9].command, "spec:\n  replicas: 3\n\n  paused: false");
	assert_true(e->steps[10].script);
	assert_int_equal(e->steps[10].line, 71);
	assert_string_equal(e->steps[10].lang, "sh");
	runbook_set_free(&set);
}

TEST(test_runbook_annotations)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;

	test_runbook_load(&set, FIX "annotations.md");
	e = &set.entries[0];
	assert_int_equal(e->nsteps, 8);
	st = &e->steps[0];
	assert_true(st->destructive);
	assert_true(st->confirm_note);
	assert_string_equal(st->confirm_text,
			    "Drops every key; the cache refills from PostgreSQL.");
	assert_string_equal(st->target, "cache");
	assert_int_equal(st->nwarnings, 0);
	assert_true(e->steps[1].confirm_note); /* block annotation covers every step */
	st = &e->steps[2];
	assert_false(st->changing);
	assert_false(st->destructive);
	assert_null(st->target);
	assert_false(st->confirm_note);
	st = &e->steps[3];
	assert_true(st->changing);
	assert_true(st->destructive);
	assert_string_equal(st->target, "payments");
	assert_string_equal(st->change_why, "annotated as destructive");
	assert_true(st->timeout == 90.0);
	st = &e->steps[4];
	assert_true(st->interactive);
	assert_true(st->timeout == 300.0);
	assert_string_equal(st->command, "./scripts/console.sh");
	st = &e->steps[5];
	assert_true(st->changing);
	assert_false(st->destructive);
	st = &e->steps[6];
	assert_int_equal(st->nwarnings, 2);
	assert_non_null(strstr(st->warnings[0], "frobnicate"));
	assert_non_null(strstr(st->warnings[1], "timeout"));
	st = &e->steps[7];
	assert_false(st->confirm_note);
	assert_int_equal(st->nwarnings, 1);
	runbook_set_free(&set);
}

TEST(test_runbook_placeholders)
{
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	const struct step *st;
	char *s;

	test_runbook_load(&set, FIX "placeholders.md");
	e = &set.entries[0];
	st = &e->steps[0];
	assert_int_equal(st->nplaceholders, 3);
	assert_string_equal(st->placeholders[0].env, "POD_NAME");
	assert_string_equal(st->placeholders[1].env, "NAMESPACE");
	assert_string_equal(st->placeholders[2].env, "CONTAINER_NAME");
	s = runbook_step_script(st);
	assert_string_equal(s, "kubectl logs \"${POD_NAME}\" -n \"${NAMESPACE}\" -c "
			       "''\"${CONTAINER_NAME}\"'' | grep 'x '\"${POD_NAME}\"' y'");
	free(s);

	st = &e->steps[1];
	assert_int_equal(st->nplaceholders, 2);
	assert_string_equal(st->placeholders[0].token, "$TARGET_HOST");
	assert_false(st->placeholders[0].secret);
	assert_string_equal(st->placeholders[1].token, "${API_TOKEN}");
	assert_string_equal(st->placeholders[1].env, "API_TOKEN");
	assert_true(st->placeholders[1].secret);
	s = runbook_step_script(st);
	assert_string_equal(s, st->command); /* $VARs stay as written */
	free(s);

	st = &e->steps[2];
	assert_int_equal(st->nplaceholders, 1);
	assert_string_equal(st->placeholders[0].env, "MAX_ROWS");

	st = &e->steps[3];
	assert_int_equal(st->nplaceholders, 1);
	s = runbook_step_script(st);
	assert_string_equal(s,
			    "kubectl logs fluentd-\"${POD_ID}\" -n logging # see <comment-token>");
	free(s);

	st = &e->steps[4];
	assert_int_equal(st->kind, STEP_SQL);
	assert_int_equal(st->nplaceholders, 1);
	assert_string_equal(st->placeholders[0].token, "<row-id>");
	s = runbook_step_script(st);
	assert_string_equal(s, st->command);
	free(s);
	runbook_set_free(&set);
}

TEST(test_runbook_script_quotes)
{
	struct runbook_set set = test_runbook_parse_str(
		"## P\n\n```bash\necho \"in <pod-name> dq\" $'ansi <pod-name>' \\<pod-name> "
		"$(cat <pod-name>)\n```\n");
	char *s;

	assert_int_equal(set.nentries, 1);
	s = runbook_step_script(&set.entries[0].steps[0]);
	assert_string_equal(s, "echo \"in ${POD_NAME} dq\" $'ansi '\"${POD_NAME}\"$'' "
			       "\\<pod-name> $(cat \"${POD_NAME}\")");
	free(s);
	runbook_set_free(&set);
}

TEST(test_runbook_step_env)
{
	struct runbook_set set = test_runbook_parse_str(
		"## P\n\n```bash\nkubectl logs <pod-name> -n x | grep <pattern> # $X\n"
		"curl -H \"Authorization: Bearer $TOKEN\" http://x\n```\n");
	const struct step *st;
	char err[256];
	char **env;
	char *long_name;
	const char *ok[] = { "fleet-manager-7d9f", "a b;c", "s3cr3t" };
	const char *bad[][3] = {
		{ "", "x", "t" },
		{ "$(id)", "x", "t" },
		{ "Foo_Bar", "x", "t" },
		{ "a..b", "x", "t" },
		{ "-a", "x", "t" },
		{ "a-", "x", "t" },
		{ "ok", "two\nlines", "t" },
		{ "ok", "x", "" },
	};
	size_t i;

	st = &set.entries[0].steps[0];
	assert_int_equal(st->nplaceholders, 3);
	assert_string_equal(st->placeholders[1].env, "PATTERN");
	assert_string_equal(st->placeholders[2].env, "TOKEN");
	env = runbook_step_env(st, ok, err, sizeof(err));
	assert_non_null(env);
	assert_string_equal(env[0], "POD_NAME=fleet-manager-7d9f");
	assert_string_equal(env[1], "PATTERN=a b;c");
	assert_string_equal(env[2], "TOKEN=s3cr3t");
	assert_null(env[3]);
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		env = runbook_step_env(st, bad[i], err, sizeof(err));
		assert_null(env);
		assert_true(err[0] != '\0');
		assert_null(strstr(err, "s3cr3t"));
	}
	long_name = xmalloc(255);
	memset(long_name, 'a', 254);
	long_name[254] = '\0';
	{
		const char *v[] = { long_name, "x", "t" };

		assert_null(runbook_step_env(st, v, err, sizeof(err)));
	}
	free(long_name);
	runbook_set_free(&set);
}

TEST(test_runbook_valid_k8s_name)
{
	static const struct test_str_case cases[] = {
		{ "a", 1 },       { "fleet-manager-7d9f8-x2x9z", 1 },
		{ "a.b-c.d", 1 }, { "0abc", 1 },
		{ "", 0 },        { NULL, 0 },
		{ "$(id)", 0 },   { "Foo_Bar", 0 },
		{ "a..b", 0 },    { "-a", 0 },
		{ "a-", 0 },      { ".a", 0 },
		{ "a.-b", 0 },    { "a b", 0 },
		{ "pod\n", 0 },
	};
	char name[300];

	test_str_fn(runbook_valid_k8s_name, cases);
	memset(name, 'a', 253);
	name[253] = '\0';
	assert_true(runbook_valid_k8s_name(name));
	name[253] = 'a';
	name[254] = '\0';
	assert_false(runbook_valid_k8s_name(name));
}

TEST(test_runbook_dump_json)
{
	struct runbook_set set = { 0 };
	cJSON *root, *rbs, *rb, *steps, *st;
	char *json;

	test_runbook_load(&set, SEED);
	json = runbook_dump_json(&set);
	root = cJSON_Parse(json);
	assert_non_null(root);
	rbs = cJSON_GetObjectItemCaseSensitive(root, "runbooks");
	assert_true(cJSON_IsArray(rbs));
	assert_int_equal(cJSON_GetArraySize(rbs), 12);
	rb = cJSON_GetArrayItem(rbs, 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(rb, "title")->valuestring,
			    "Service Startup Issues");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "symptoms")), 3);
	steps = cJSON_GetObjectItemCaseSensitive(rb, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), 10);
	st = cJSON_GetArrayItem(steps, 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "title")->valuestring,
			    "Describe problematic pod");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "kind")->valuestring, "shell");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "phase")->valuestring,
			    "diagnosis");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "group")->valuestring,
			    "Diagnostic Steps");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(st, "changing")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(st, "interactive")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(st, "line")->valueint, 58);
	assert_string_equal(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "placeholders"), 0)
			->valuestring,
		"<pod-name>");
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(st, "warnings")));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(st, "command"));
	st = cJSON_GetArrayItem(steps, 4);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "changing")));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "phase")->valuestring, "remedy");
	rb = cJSON_GetArrayItem(rbs, 8);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(rb, "title")->valuestring,
			    "Monitoring & Alerting");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "symptoms")), 0);
	cJSON_Delete(root);
	free(json);
	runbook_set_free(&set);
}

TEST(test_runbook_files)
{
	struct runbook_set set = { 0 };
	char dir[] = "/tmp/am_rb_XXXXXX";
	char err[512];
	char *p;
	FILE *f;
	int i;

	assert_int_equal(runbook_load_file(&set, "/nonexistent/x.md", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.md"));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(runbook_load_file(&set, "/tmp", err, sizeof(err)), -1);
	assert_non_null(strstr(err, strerror(EISDIR)));
	assert_int_equal(set.nentries, 0);

	assert_non_null(mkdtemp(dir));
	free(test_write_file(dir, "b.md", "## B\n\n```bash\nls\n```\n"));
	free(test_write_file(dir, "a.md", "## A\n\n```bash\nls\n```\n"));
	free(test_write_file(dir, "c.txt", "## C\n\n```bash\nls\n```\n"));
	p = xasprintf("%s/big.md", dir);
	f = fopen(p, "w");
	for (i = 0; i < 5 * 1024; i++)
		fprintf(f, "%1023s\n", "x");
	fclose(f);
	assert_int_equal(runbook_load_file(&set, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "4 MiB"));
	assert_int_equal(runbook_load_dir(&set, dir, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "big.md"));
	unlink(p);
	free(p);
	assert_int_equal(set.nentries, 2);
	assert_string_equal(set.entries[0].title, "A");
	assert_string_equal(set.entries[1].title, "B");
	runbook_set_free(&set);
	assert_int_equal(runbook_load_dir(&set, "/nonexistent-dir", err, sizeof(err)), -1);
	assert_non_null(strstr(err, strerror(ENOENT)));
	p = xasprintf("%s/a.md", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/b.md", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/c.txt", dir);
	unlink(p);
	free(p);
	rmdir(dir);
}

TEST(test_runbook_hostile)
{
	struct runbook_set set = { 0 };
	static const char *const inputs[] = {
		"",
		"```bash\n",
		"# T\n\n```bash\n# only a comment\n```\n",
		"## A\n### Symptoms\n- x\n## B\n#### Diagnostic Steps\n```sh\nls\n```\n",
		"## P\n\n<!-- amconsole: confirm=\"unterminated -->\n```bash\nredis-cli "
		"FLUSHALL\n```\n",
		"## P\n\n<!-- amconsole: target= timeout= = , -->\n```bash\nrm -rf /\n```\n",
		"## P\n\n```bash\ncat <<'E'\n<pod-name>\nE\necho $(( 1 + $(echo ')' ) ))\n```\n",
		"## P\n\n```bash\n\\\n```\n```sql\n$a$ unterminated\n```\n```sql\n/* open\n```\n",
	};
	size_t i;
	char *json;

	test_runbook_load(&set, FIX "hostile.md");
	assert_true(set.nentries >= 1);
	json = runbook_dump_json(&set);
	assert_non_null(json);
	free(json);
	runbook_set_free(&set);
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char err[128];

		assert_int_equal(
			runbook_parse(&set, "h.md", inputs[i], strlen(inputs[i]), err, sizeof(err)),
			0);
		json = runbook_dump_json(&set);
		free(json);
		runbook_set_free(&set);
	}
	/* a symptom at any level: "A" has Symptoms, "B" a deeper Diagnostic */
	set = test_runbook_parse_str(inputs[3]);
	assert_int_equal(set.nentries, 2);
	assert_int_equal(set.entries[0].type, ENTRY_SYMPTOM);
	assert_int_equal(set.entries[1].type, ENTRY_SYMPTOM);
	assert_string_equal(set.entries[0].symptoms[0], "x");
	runbook_set_free(&set);
	/* a quoted here-document keeps its placeholder */
	set = test_runbook_parse_str(inputs[6]);
	json = runbook_step_script(&set.entries[0].steps[0]);
	assert_non_null(strstr(json, "'E'\n<pod-name>\nE"));
	free(json);
	runbook_set_free(&set);
}

/* alerts=NAME[,NAME...] under a heading: the entry's alert names, for
 * symptoms and for procedures (created lazily at their first block), a
 * quoted list with spaces, no duplicates; not a step warning; an empty
 * list is one; the shipped guide maps the guide's alerts. */
TEST(test_runbook_alerts)
{
	static const char md[] = "# Guide\n\n"
				 "## Slow API\n"
				 "<!-- amconsole: alerts=HighErrorRate,HighResponseTime -->\n\n"
				 "### Symptoms\n- slow\n\n"
				 "### Diagnostic Steps\n```bash\nkubectl get pods\n```\n\n"
				 "## Restart\n\n"
				 "<!-- amconsole: alerts=\"PodCrashLooping, HighErrorRate\" "
				 "alert=PodCrashLooping -->\n\n"
				 "Some words first.\n\n"
				 "```bash\n# Restart it\nkubectl rollout restart deploy/x\n```\n\n"
				 "## Notes\n\n<!-- amconsole: alerts=Ignored -->\n\nJust text.\n\n"
				 "## Empty\n\n<!-- amconsole: alerts= -->\n```bash\nuptime\n```\n";
	struct runbook_set set = { 0 };
	const struct runbook_entry *e;
	char err[256], *json;
	cJSON *root, *arr;

	assert_int_equal(runbook_parse(&set, "a.md", md, strlen(md), err, sizeof(err)), 0);
	e = test_runbook_find(&set, "Slow API");
	assert_int_equal(e->type, ENTRY_SYMPTOM);
	assert_int_equal(e->nalerts, 2);
	assert_string_equal(e->alerts[0], "HighErrorRate");
	assert_string_equal(e->alerts[1], "HighResponseTime");
	assert_int_equal(e->nsteps, 1);
	assert_int_equal(e->steps[0].nwarnings, 0);
	e = test_runbook_find(&set, "Restart");
	assert_int_equal(e->type, ENTRY_PROCEDURE);
	assert_int_equal(e->nalerts, 2);
	assert_string_equal(e->alerts[0], "PodCrashLooping");
	assert_string_equal(e->alerts[1], "HighErrorRate");
	assert_int_equal(e->steps[0].nwarnings, 0);
	e = test_runbook_find(&set, "Notes");
	assert_int_equal(e->type, ENTRY_REFERENCE);
	e = test_runbook_find(&set, "Empty");
	assert_int_equal(e->nalerts, 0);
	assert_int_equal(e->steps[0].nwarnings, 1);
	assert_non_null(strstr(e->steps[0].warnings[0], "alerts="));

	/* The first entry naming the alert wins; references never match. */
	assert_string_equal(runbook_for_alert(&set, "HighErrorRate")->title, "Slow API");
	assert_string_equal(runbook_for_alert(&set, "PodCrashLooping")->title, "Restart");
	assert_null(runbook_for_alert(&set, "Ignored"));
	assert_null(runbook_for_alert(&set, "higherrorrate"));
	assert_null(runbook_for_alert(&set, NULL));
	assert_null(runbook_for_alert(NULL, "HighErrorRate"));

	json = runbook_dump_json(&set);
	root = cJSON_Parse(json);
	assert_non_null(root);
	arr = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "runbooks"), 0),
				  "alerts");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	assert_string_equal(cJSON_GetArrayItem(arr, 1)->valuestring, "HighResponseTime");
	cJSON_Delete(root);
	free(json);
	runbook_set_free(&set);

	/* The shipped runbook: the guide's alerts lead to their symptoms. */
	test_runbook_load(&set, SHIPPED);
	assert_string_equal(runbook_for_alert(&set, "HighErrorRate")->title,
			    "Performance Degradation");
	assert_string_equal(runbook_for_alert(&set, "HighResponseTime")->title,
			    "Performance Degradation");
	assert_string_equal(runbook_for_alert(&set, "DatabaseConnectionsHigh")->title,
			    "Database Performance Issues");
	runbook_set_free(&set);
}

TEST(test_runbook_names)
{
	assert_string_equal(runbook_kind_name(STEP_SHELL), "shell");
	assert_string_equal(runbook_kind_name(STEP_SQL), "sql");
	assert_string_equal(runbook_kind_name(STEP_PROMQL), "promql");
	assert_string_equal(runbook_kind_name(STEP_REDIS), "redis");
	assert_string_equal(runbook_kind_name(STEP_YAML), "yaml");
	assert_string_equal(runbook_phase_name(PHASE_DIAGNOSIS), "diagnosis");
	assert_string_equal(runbook_phase_name(PHASE_REMEDY), "remedy");
	assert_string_equal(runbook_type_name(ENTRY_REFERENCE), "reference");
}

/* Caps say where they cut: 10,001 sections keep 10,000 and one cut at the
 * 10,001st heading's line; 10,001 steps in a file likewise; a step with 65
 * placeholders keeps 64 and says so. Under the caps, no cut. */
TEST(test_runbook_caps)
{
	struct runbook_set set = { 0 };
	struct strbuf md = { 0 };
	char err[256];
	size_t i;

	for (i = 0; i < 10001; i++)
		strbuf_printf(&md, "## Section %zu\n\nText.\n\n", i);
	assert_int_equal(runbook_parse(&set, "big.md", md.buf, md.len, err, sizeof(err)), 0);
	assert_int_equal(set.nentries, 10000);
	assert_int_equal(set.ncuts, 1);
	assert_string_equal(set.cuts[0].file, "big.md");
	assert_int_equal(set.cuts[0].line, 10000 * 4 + 1);
	assert_non_null(strstr(set.cuts[0].what, "more than 10000 symptoms and sections"));
	runbook_set_free(&set);
	assert_int_equal(set.ncuts, 0);

	strbuf_reset(&md);
	strbuf_puts(&md, "## Many steps\n\n```bash\n");
	for (i = 0; i < 10001; i++)
		strbuf_printf(&md, "echo %zu\n\n", i);
	strbuf_puts(&md, "```\n");
	assert_int_equal(runbook_parse(&set, "steps.md", md.buf, md.len, err, sizeof(err)), 0);
	assert_int_equal(set.nentries, 1);
	assert_int_equal(set.entries[0].nsteps, 10000);
	assert_int_equal(set.ncuts, 1);
	assert_int_equal(set.cuts[0].line, 4 + 2 * 10000);
	assert_non_null(strstr(set.cuts[0].what, "more than 10000 steps"));
	runbook_set_free(&set);

	strbuf_reset(&md);
	strbuf_puts(&md, "## Wide\n\n```bash\necho");
	for (i = 0; i < 65; i++)
		strbuf_printf(&md, " <p%zu>", i);
	strbuf_puts(&md, "\n```\n");
	assert_int_equal(runbook_parse(&set, "wide.md", md.buf, md.len, err, sizeof(err)), 0);
	assert_int_equal(set.ncuts, 0);
	assert_int_equal(set.entries[0].steps[0].nplaceholders, 64);
	for (i = 0; i < set.entries[0].steps[0].nwarnings; i++)
		if (strstr(set.entries[0].steps[0].warnings[i], "more than 64 placeholders"))
			break;
	assert_true(i < set.entries[0].steps[0].nwarnings);
	runbook_set_free(&set);

	strbuf_reset(&md);
	for (i = 0; i < 10000; i++)
		strbuf_printf(&md, "## Section %zu\n\nText.\n\n", i);
	assert_int_equal(runbook_parse(&set, "full.md", md.buf, md.len, err, sizeof(err)), 0);
	assert_int_equal(set.nentries, 10000);
	assert_int_equal(set.ncuts, 0);
	runbook_set_free(&set);
	strbuf_free(&md);
}
