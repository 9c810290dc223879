/*
 * test_k8s.c - the pure half of backends/k8s/ (printer.c, metrics.c,
 * describe.c, mask.c, client.c's error text): STATUS / READY / RESTARTS
 * by the API server's pod printer rules for every case in
 * tests/fixtures/k8s/status_cases.json, list pages in the Table format
 * (columns found by name, not position) and as a PodList, continue and
 * resourceVersion, watch events (ADDED, MODIFIED, DELETED, BOOKMARK,
 * ERROR 410, garbage), metrics quantities, error bodies that must be
 * errors and never "no pods", secret masking and describe text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/k8s.h"
#include "backends/prom.h"
#include "tests/unit/fixture.h"
#include "tests/unit/testhelp.h"

static char *test_k8s_read(const char *name, size_t *len)
{
	return test_fixture("k8s", name, len);
}

static void test_k8s_rows_free(struct k8s_pod *pods, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
}

/* Rows from body as one list page, which must parse; the count in *n.
 * The continue token and resourceVersion are dropped. */
static struct k8s_pod *test_k8s_parse_ok(const char *body, size_t *n)
{
	struct k8s_pod *pods = NULL;
	int table = 0;
	char *cont = NULL, *rv = NULL, err[256];

	*n = 0;
	assert_int_equal(
		k8s_parse_list(body, strlen(body), &pods, n, &table, &cont, &rv, err, sizeof err),
		0);
	free(cont);
	free(rv);
	return pods;
}

/* The pod fixture named name (a tree the caller deletes). */
static cJSON *test_k8s_case(const char *name)
{
	size_t len;
	char *body = test_k8s_read("status_cases.json", &len);
	cJSON *root = cJSON_ParseWithLength(body, len), *it, *pod = NULL;

	free(body);
	assert_non_null(root);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(root, "items"))
	{
		cJSON *p = cJSON_GetObjectItem(it, "pod");
		const char *n = cJSON_GetStringValue(
			cJSON_GetObjectItem(cJSON_GetObjectItem(p, "metadata"), "name"));

		if (n != NULL && strcmp(n, name) == 0)
			pod = cJSON_Duplicate(p, 1);
	}
	cJSON_Delete(root);
	assert_non_null(pod);
	return pod;
}

/* Every case: STATUS, READY and RESTARTS as kubectl shows them. */
TEST(test_k8s_status_cases)
{
	size_t len, count = 0;
	char *body = test_k8s_read("status_cases.json", &len);
	cJSON *root = cJSON_ParseWithLength(body, len), *it;

	free(body);
	assert_non_null(root);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(root, "items"))
	{
		const cJSON *pod = cJSON_GetObjectItem(it, "pod");
		const cJSON *want = cJSON_GetObjectItem(it, "kubectl");
		const char *name = cJSON_GetStringValue(
			cJSON_GetObjectItem(cJSON_GetObjectItem(pod, "metadata"), "name"));
		char status[160], ready[32];
		int restarts = -1;
		double last = -1;
		enum k8s_severity sev;

		k8s_pod_status(pod, status, sizeof status, ready, sizeof ready, &restarts, &last,
			       &sev);
		if (strcmp(status, cJSON_GetStringValue(cJSON_GetObjectItem(want, "status"))) !=
			    0 ||
		    strcmp(ready, cJSON_GetStringValue(cJSON_GetObjectItem(want, "ready"))) != 0 ||
		    restarts != (int)cJSON_GetNumberValue(cJSON_GetObjectItem(want, "restarts")))
			fail_msg("%s: got %s %s %d, kubectl shows %s %s %d", name, status, ready,
				 restarts,
				 cJSON_GetStringValue(cJSON_GetObjectItem(want, "status")),
				 cJSON_GetStringValue(cJSON_GetObjectItem(want, "ready")),
				 (int)cJSON_GetNumberValue(cJSON_GetObjectItem(want, "restarts")));
		/* A restart count comes with the time of the last restart. */
		if (restarts > 0)
			assert_true(last > 0);
		else
			assert_true(last == 0);
		count++;
	}
	assert_true(count >= 15);
	cJSON_Delete(root);
}

TEST(test_k8s_last_restart)
{
	cJSON *crash = test_k8s_case("fleet-api-7d4b9c-abcde");
	cJSON *side = test_k8s_case("mesh-agent-3c4d5e-side1");
	double last = 0;
	int restarts = 0;

	k8s_pod_status(crash, NULL, 0, NULL, 0, &restarts, &last, NULL);
	assert_int_equal(restarts, 5);
	assert_true(last == prom_parse_time("2024-05-01T11:57:00Z"));
	/* A running sidecar's last restart is newer than the app's. */
	k8s_pod_status(side, NULL, 0, NULL, 0, &restarts, &last, NULL);
	assert_int_equal(restarts, 5);
	assert_true(last == prom_parse_time("2024-05-01T11:30:00Z"));
	cJSON_Delete(crash);
	cJSON_Delete(side);
}

TEST(test_k8s_severity)
{
	static const struct test_str_case cases[] = {
		{ "Running", K8S_OK },           { "Completed", K8S_DONE },
		{ "Init:0/2", K8S_PENDING },     { "Terminating", K8S_PENDING },
		{ "NotReady", K8S_PENDING },     { "ContainerCreating", K8S_PENDING },
		{ "CrashLoopBackOff", K8S_BAD }, { "Init:CrashLoopBackOff", K8S_BAD },
		{ "Init:0/2x", K8S_BAD },        { "OOMKilled", K8S_BAD },
		{ "Evicted", K8S_BAD },          { "Unknown", K8S_BAD },
		{ "Signal:9", K8S_BAD },
	};
	cJSON *p = test_k8s_case("telemetry-5f6a7b-qq8wd");
	enum k8s_severity sev = K8S_OK;

	test_str_fn(k8s_status_severity, cases);
	/* Running with a container not ready is not OK yet. */
	k8s_pod_status(p, NULL, 0, NULL, 0, NULL, NULL, &sev);
	assert_int_equal(sev, K8S_PENDING);
	cJSON_Delete(p);
}

TEST(test_k8s_fmt_age)
{
	static const struct {
		double s;
		const char *want;
	} cases[] = {
		{ 0, "0s" },           { 45, "45s" },
		{ 119, "119s" },       { 120, "2m" },
		{ 192, "3m12s" },      { 600, "10m" },
		{ 3 * 3600, "3h" },    { 3 * 3600 + 600, "3h10m" },
		{ 30 * 3600, "30h" },  { 51 * 3600, "2d3h" },
		{ 20 * 86400, "20d" }, { 800 * 86400, "2y70d" },
		{ -5, "<invalid>" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		k8s_fmt_age(buf, sizeof buf, cases[i].s);
		assert_string_equal(buf, cases[i].want);
	}
}

/* A Table page as the API server sends it for as=Table, but with the
 * columns in another order: cells must be found by column name. */
static const char test_k8s_table[] =
	"{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
	"\"metadata\":{\"resourceVersion\":\"48213\",\"continue\":"
	"\"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0IjoiYiJ9\",\"remainingItemCount\":3}"
	","
	"\"columnDefinitions\":["
	"{\"name\":\"Status\",\"type\":\"string\",\"format\":\"\",\"description\":\"The aggregate "
	"status of the containers in this pod.\",\"priority\":0},"
	"{\"name\":\"Node\",\"type\":\"string\",\"format\":\"\",\"description\":\"NodeName\","
	"\"priority\":1},"
	"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"Name\","
	"\"priority\":0},"
	"{\"name\":\"Age\",\"type\":\"string\",\"format\":\"\",\"description\":"
	"\"CreationTimestamp\",\"priority\":0},"
	"{\"name\":\"Restarts\",\"type\":\"string\",\"format\":\"\",\"description\":\"The number "
	"of times the containers in this pod have been restarted and when the last container in "
	"this pod has restarted.\",\"priority\":0},"
	"{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\",\"description\":\"The aggregate "
	"readiness state of this pod for accepting traffic.\",\"priority\":0},"
	"{\"name\":\"IP\",\"type\":\"string\",\"format\":\"\",\"description\":\"podIP\","
	"\"priority\":1},"
	"{\"name\":\"Nominated "
	"Node\",\"type\":\"string\",\"format\":\"\",\"description\":\"nominatedNodeName\","
	"\"priority\":1},"
	"{\"name\":\"Readiness "
	"Gates\",\"type\":\"string\",\"format\":\"\",\"description\":\"readinessGates\","
	"\"priority\":1}],"
	"\"rows\":["
	"{\"cells\":[\"CrashLoopBackOff\",\"node-b\",\"fleet-api-7d4b9c-abcde\",\"2h\",\"5 (3m "
	"ago)\",\"0/1\",\"10.42.1.17\",\"<none>\",\"<none>\"],"
	"\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/"
	"v1\",\"metadata\":{"
	"\"name\":\"fleet-api-7d4b9c-abcde\",\"namespace\":\"atlasmesh-prod\",\"uid\":\"0b1c2d3e-"
	"0000-4000-8000-000000000001\","
	"\"resourceVersion\":\"48100\",\"creationTimestamp\":\"2024-05-01T10:00:00Z\","
	"\"labels\":{\"app\":\"fleet-api\",\"pod-template-hash\":\"7d4b9c\"},"
	"\"ownerReferences\":[{\"apiVersion\":\"apps/"
	"v1\",\"kind\":\"ReplicaSet\",\"name\":\"fleet-api-7d4b9c\",\"uid\":\"aa\",\"controller\":"
	"true,\"blockOwnerDeletion\":true}]}}},"
	"{\"cells\":[\"Pending\",\"<none>\",\"analytics-9a8b7c-pend1\",\"5m\",0,\"0/"
	"1\",\"<none>\",\"<none>\",\"<none>\"],"
	"\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/"
	"v1\",\"metadata\":{"
	"\"name\":\"analytics-9a8b7c-pend1\",\"namespace\":\"atlasmesh-prod\",\"uid\":\"0b1c2d3e-"
	"0000-4000-8000-000000000002\","
	"\"resourceVersion\":\"48150\",\"creationTimestamp\":\"2024-05-01T11:55:00Z\"}}},"
	"{\"cells\":[\"Running\",\"node-a\",\"ledger-0\",\"3d\",\"0\",\"1/"
	"1\",\"10.42.0.9\",\"<none>\",\"<none>\"],"
	"\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/"
	"v1\",\"metadata\":{"
	"\"name\":\"ledger-0\",\"namespace\":\"atlasmesh-data\",\"uid\":\"0b1c2d3e-0000-4000-8000-"
	"000000000003\","
	"\"resourceVersion\":\"47000\",\"creationTimestamp\":\"2024-04-28T10:00:00Z\","
	"\"deletionTimestamp\":null,"
	"\"ownerReferences\":[{\"apiVersion\":\"apps/"
	"v1\",\"kind\":\"StatefulSet\",\"name\":\"ledger\",\"uid\":\"bb\",\"controller\":true}]}}}]"
	"}";

TEST(test_k8s_table_page)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0;
	int table = 0;
	char *cont = NULL, *rv = NULL, err[256];
	double now = util_wall();

	assert_int_equal(k8s_parse_list(test_k8s_table, strlen(test_k8s_table), &pods, &n, &table,
					&cont, &rv, err, sizeof err),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(table, 1);
	assert_string_equal(rv, "48213");
	assert_string_equal(cont, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0IjoiYiJ9");

	assert_string_equal(pods[0].name, "fleet-api-7d4b9c-abcde");
	assert_string_equal(pods[0].ns, "atlasmesh-prod");
	assert_string_equal(pods[0].uid, "0b1c2d3e-0000-4000-8000-000000000001");
	assert_string_equal(pods[0].status, "CrashLoopBackOff");
	assert_string_equal(pods[0].ready, "0/1");
	assert_int_equal(pods[0].restarts, 5);
	/* "5 (3m ago)": the last restart about three minutes ago. */
	assert_true(pods[0].last_restart > now - 185 && pods[0].last_restart < now - 175);
	assert_string_equal(pods[0].node, "node-b");
	assert_string_equal(pods[0].ip, "10.42.1.17");
	assert_string_equal(pods[0].owner_kind, "ReplicaSet");
	assert_string_equal(pods[0].owner_name, "fleet-api-7d4b9c");
	assert_true(pods[0].created == prom_parse_time("2024-05-01T10:00:00Z"));
	assert_int_equal(pods[0].severity, K8S_BAD);
	assert_int_equal(pods[0].cpu_milli, -1);
	assert_int_equal(pods[0].mem_bytes, -1);
	assert_non_null(pods[0].containers); /* a Table row has no spec: empty */
	assert_null(pods[0].containers[0]);

	assert_string_equal(pods[1].status, "Pending");
	assert_int_equal(pods[1].restarts, 0); /* a number cell */
	assert_true(pods[1].last_restart == 0);
	assert_string_equal(pods[1].node, ""); /* "<none>" */
	assert_string_equal(pods[1].ip, "");
	assert_null(pods[1].owner_kind);
	assert_int_equal(pods[1].severity, K8S_PENDING);

	assert_string_equal(pods[2].ns, "atlasmesh-data");
	assert_string_equal(pods[2].owner_kind, "StatefulSet");
	assert_int_equal(pods[2].severity, K8S_OK);

	/* A second page appends. */
	free(cont);
	free(rv);
	assert_int_equal(k8s_parse_list(test_k8s_table, strlen(test_k8s_table), &pods, &n, &table,
					&cont, &rv, err, sizeof err),
			 0);
	assert_int_equal(n, 6);
	free(cont);
	free(rv);
	test_k8s_rows_free(pods, n);
}

/* A plain PodList (a server that ignores as=Table): STATUS is ours. */
TEST(test_k8s_podlist_page)
{
	cJSON *list = cJSON_CreateObject(), *items, *meta;
	struct k8s_pod *pods = NULL;
	size_t n = 0;
	int table = 1;
	char *body, *cont = NULL, *rv = NULL, err[256];
	const char *names[] = { "fleet-api-7d4b9c-abcde", "ledger-1", "gateway-7d4b9c-term1",
				"batch-proxy-4b5c6d-l0p9o" };
	size_t i;

	cJSON_AddStringToObject(list, "kind", "PodList");
	cJSON_AddStringToObject(list, "apiVersion", "v1");
	meta = cJSON_AddObjectToObject(list, "metadata");
	cJSON_AddStringToObject(meta, "resourceVersion", "91234");
	items = cJSON_AddArrayToObject(list, "items");
	for (i = 0; i < 4; i++)
		cJSON_AddItemToArray(items, test_k8s_case(names[i]));
	body = cJSON_PrintUnformatted(list);
	cJSON_Delete(list);

	assert_int_equal(
		k8s_parse_list(body, strlen(body), &pods, &n, &table, &cont, &rv, err, sizeof err),
		0);
	assert_int_equal(table, 0);
	assert_null(cont);
	assert_string_equal(rv, "91234");
	assert_int_equal(n, 4);
	assert_string_equal(pods[0].status, "CrashLoopBackOff");
	assert_int_equal(pods[0].restarts, 5);
	assert_string_equal(pods[0].containers[0], "fleet-api");
	assert_null(pods[0].containers[1]);
	assert_string_equal(pods[0].owner_kind, "ReplicaSet");
	assert_string_equal(pods[0].node, "node-a");
	assert_true(pods[0].ip[0] != '\0');
	assert_string_equal(pods[1].status, "Init:CrashLoopBackOff");
	assert_string_equal(pods[1].owner_kind, "StatefulSet");
	assert_string_equal(pods[2].status, "Terminating");
	assert_string_equal(pods[3].status, "NotReady");
	assert_string_equal(pods[3].ready, "1/2");
	assert_string_equal(pods[3].containers[1], "proxy");
	free(rv);
	cJSON_free(body);
	test_k8s_rows_free(pods, n);
}

/* Bad bodies are errors, and the rows held stay as they were. */
TEST(test_k8s_list_errors)
{
	static const char *bad[] = {
		"",
		"{\"kind\":\"Table\",\"rows\":[",
		"<html><body>502 Bad Gateway</body></html>",
		"null",
		"[]",
		"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
		"\"pods is forbidden: User \\\"dev\\\" cannot list resource \\\"pods\\\"\","
		"\"reason\":\"Forbidden\",\"code\":403}",
		"{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"items\":[]}",
		"{\"kind\":\"Table\",\"columnDefinitions\":[{\"name\":\"Foo\"}],\"rows\":[]}",
		"{\"kind\":\"Table\",\"columnDefinitions\":[]}",
		"{\"apiVersion\":\"v1\"}",
	};
	struct k8s_pod *pods = NULL;
	size_t n = 0, i;
	int table = 0;
	char *cont = NULL, *rv = NULL, err[256];

	assert_int_equal(k8s_parse_list(test_k8s_table, strlen(test_k8s_table), &pods, &n, &table,
					&cont, &rv, err, sizeof err),
			 0);
	free(cont);
	free(rv);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		cont = rv = NULL;
		if (k8s_parse_list(bad[i], strlen(bad[i]), &pods, &n, &table, &cont, &rv, err,
				   sizeof err) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
		assert_null(cont);
		assert_null(rv);
		assert_int_equal(n, 3);
	}
	/* The words the panel shows. */
	k8s_parse_list(bad[1], strlen(bad[1]), &pods, &n, &table, &cont, &rv, err, sizeof err);
	assert_string_equal(err, "invalid JSON from the API server");
	k8s_parse_list(bad[5], strlen(bad[5]), &pods, &n, &table, &cont, &rv, err, sizeof err);
	assert_non_null(strstr(err, "403"));
	assert_non_null(strstr(err, "forbidden"));
	k8s_parse_list(bad[6], strlen(bad[6]), &pods, &n, &table, &cont, &rv, err, sizeof err);
	assert_non_null(strstr(err, "ConfigMapList"));
	/* An empty namespace: Go writes the empty slice as null. */
	{
		const char *empty = "{\"kind\":\"PodList\",\"items\":null,\"metadata\":{"
				    "\"resourceVersion\":\"7\"}}";

		assert_int_equal(k8s_parse_list(empty, strlen(empty), &pods, &n, &table, &cont, &rv,
						err, sizeof err),
				 0);
	}
	assert_int_equal(n, 3);
	assert_string_equal(rv, "7");
	free(rv);
	test_k8s_rows_free(pods, n);
}

/* Numbers no long holds (found by fuzz_k8s_table): cells and Status codes
 * saturate instead of an undefined conversion. */
TEST(test_k8s_huge_numbers)
{
	struct k8s_pod *pods;
	size_t n;
	char *rv = NULL, err[256];
	const char *body = "{\"kind\":\"Table\",\"rows\":[{\"cells\":[\"big\",1e300,\"Running\","
			   "0,\"1h\",-1e300,1e999],\"object\":{\"metadata\":{\"name\":\"big\","
			   "\"namespace\":\"ns\",\"uid\":\"u1\"}}}]}";
	const char *error = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
			    "\"message\":\"odd\",\"code\":4.1e302}}";

	pods = test_k8s_parse_ok(body, &n);
	assert_int_equal(n, 1);
	assert_string_equal(pods[0].ready, "9223372036854775807");
	assert_string_equal(pods[0].ip, "-9223372036854775808");
	assert_string_equal(pods[0].node, "9223372036854775807");
	assert_int_equal(k8s_apply_event(error, strlen(error), &pods, &n, &rv, err, sizeof err),
			 -1);
	assert_string_equal(err, "watch: 9223372036854775807 odd");
	free(rv);
	test_k8s_rows_free(pods, n);
}

/* Restart counts whose sum no int holds (reproduced with fuzz_k8s_podlist):
 * RESTARTS saturates instead of a signed overflow. */
TEST(test_k8s_restarts_overflow)
{
	struct k8s_pod *pods;
	size_t n;
	const char *body =
		"{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},"
		"\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"status\":{"
		"\"phase\":\"Running\",\"containerStatuses\":["
		"{\"name\":\"a\",\"restartCount\":2147483647,\"ready\":true,\"state\":{\"running\":"
		"{}}},"
		"{\"name\":\"b\",\"restartCount\":2147483647,\"ready\":true,\"state\":{\"running\":"
		"{}}}"
		"]}}]}";

	pods = test_k8s_parse_ok(body, &n);
	assert_int_equal(n, 1);
	assert_int_equal(pods[0].restarts, 2147483647);
	assert_string_equal(pods[0].status, "Running");
	test_k8s_rows_free(pods, n);
}

/* A watch event carrying a Pod object (the PodList format). */
static char *test_k8s_pod_event(const char *type, const char *name, const char *rv)
{
	cJSON *ev = cJSON_CreateObject(), *pod = test_k8s_case(name);
	char *s;

	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(pod, "metadata"), "resourceVersion",
				  cJSON_CreateString(rv));
	cJSON_AddStringToObject(ev, "type", type);
	cJSON_AddItemToObject(ev, "object", pod);
	s = cJSON_PrintUnformatted(ev);
	cJSON_Delete(ev);
	return s;
}

static int test_k8s_apply(const char *line, struct k8s_pod **pods, size_t *n, char **rv, char *err)
{
	return k8s_apply_event(line, strlen(line), pods, n, rv, err, 256);
}

TEST(test_k8s_watch_events)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0;
	int table = 0;
	char *cont = NULL, *rv = NULL, err[256], *ev;
	/* A Table watch event: one row, no columnDefinitions (the real
	 * server sends them with the first event only). */
	const char *modified =
		"{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Table\",\"apiVersion\":"
		"\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"48300\"},"
		"\"columnDefinitions\":null,\"rows\":[{\"cells\":[\"fleet-api-7d4b9c-abcde\","
		"\"1/1\",\"Running\",\"6 (10s ago)\",\"2h\",\"10.42.1.17\",\"node-b\",\"<none>\","
		"\"<none>\"],\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":"
		"\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"fleet-api-7d4b9c-abcde\","
		"\"namespace\":\"atlasmesh-prod\",\"uid\":\"0b1c2d3e-0000-4000-8000-000000000001\","
		"\"resourceVersion\":\"48300\",\"creationTimestamp\":\"2024-05-01T10:00:00Z\"}}}]}"
		"}";
	const char *deleted =
		"{\"type\":\"DELETED\",\"object\":{\"kind\":\"Table\",\"apiVersion\":"
		"\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"48310\"},"
		"\"rows\":[{\"cells\":[\"analytics-9a8b7c-pend1\",\"0/1\",\"Pending\",0,\"6m\","
		"\"<none>\",\"<none>\",\"<none>\",\"<none>\"],\"object\":{\"kind\":"
		"\"PartialObjectMetadata\",\"metadata\":{\"name\":\"analytics-9a8b7c-pend1\","
		"\"namespace\":\"atlasmesh-prod\",\"uid\":\"0b1c2d3e-0000-4000-8000-000000000002\","
		"\"resourceVersion\":\"48310\"}}}]}}";
	const char *bookmark = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":"
			       "\"v1\",\"metadata\":{\"resourceVersion\":\"48999\","
			       "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}";
	const char *gone = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
			   "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old "
			   "resource version: 100 (48000)\",\"reason\":\"Expired\",\"code\":410}}";
	const char *other = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
			    "\"v1\",\"status\":\"Failure\",\"message\":\"etcdserver: request "
			    "timed out\",\"reason\":\"InternalError\",\"code\":500}}";
	static const char *garbage[] = {
		"this is not json",
		"{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":",
		"{\"type\":\"MODIFIED\"}",
		"{\"type\":\"SURPRISE\",\"object\":{\"kind\":\"Pod\",\"metadata\":{}}}",
		"{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{}}}",
		"[1,2,3]",
	};
	size_t i;

	assert_int_equal(k8s_parse_list(test_k8s_table, strlen(test_k8s_table), &pods, &n, &table,
					&cont, &rv, err, sizeof err),
			 0);
	free(cont);
	assert_int_equal(n, 3);
	pods[0].cpu_milli = 250;

	/* MODIFIED replaces by uid, in place, and keeps metrics until the
	 * next fetch. */
	assert_int_equal(test_k8s_apply(modified, &pods, &n, &rv, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(pods[0].status, "Running");
	assert_string_equal(pods[0].ready, "1/1");
	assert_int_equal(pods[0].restarts, 6);
	assert_int_equal(pods[0].cpu_milli, 250);
	assert_int_equal(pods[0].severity, K8S_OK);
	assert_string_equal(rv, "48300");

	/* ADDED appends a Pod object (PodList format), with its STATUS. */
	ev = test_k8s_pod_event("ADDED", "router-8e9f0a-img01", "48305");
	assert_int_equal(test_k8s_apply(ev, &pods, &n, &rv, err), 0);
	cJSON_free(ev);
	assert_int_equal(n, 4);
	assert_string_equal(pods[3].name, "router-8e9f0a-img01");
	assert_string_equal(pods[3].status, "ImagePullBackOff");
	assert_string_equal(rv, "48305");
	/* ADDED again for the same uid does not duplicate it. */
	ev = test_k8s_pod_event("ADDED", "router-8e9f0a-img01", "48306");
	assert_int_equal(test_k8s_apply(ev, &pods, &n, &rv, err), 0);
	cJSON_free(ev);
	assert_int_equal(n, 4);

	/* DELETED removes, keeping the others' order. */
	assert_int_equal(test_k8s_apply(deleted, &pods, &n, &rv, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(pods[0].name, "fleet-api-7d4b9c-abcde");
	assert_string_equal(pods[1].name, "ledger-0");
	assert_string_equal(pods[2].name, "router-8e9f0a-img01");
	assert_string_equal(rv, "48310");
	/* DELETED of a pod not held is harmless. */
	assert_int_equal(test_k8s_apply(deleted, &pods, &n, &rv, err), 0);
	assert_int_equal(n, 3);

	/* BOOKMARK only moves the resourceVersion. */
	assert_int_equal(test_k8s_apply(bookmark, &pods, &n, &rv, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rv, "48999");

	/* ERROR 410: relist. Another ERROR: an error. */
	assert_int_equal(test_k8s_apply(gone, &pods, &n, &rv, err), 1);
	assert_int_equal(test_k8s_apply(other, &pods, &n, &rv, err), -1);
	assert_non_null(strstr(err, "etcdserver: request timed out"));
	for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		err[0] = '\0';
		if (test_k8s_apply(garbage[i], &pods, &n, &rv, err) != -1)
			fail_msg("accepted: %s", garbage[i]);
		assert_true(err[0] != '\0');
	}
	k8s_apply_event(garbage[0], strlen(garbage[0]), &pods, &n, &rv, err, sizeof err);
	assert_non_null(strstr(err, "invalid JSON from the API server"));
	/* Nothing was lost on the way. */
	assert_int_equal(n, 3);
	assert_string_equal(rv, "48999");
	free(rv);
	test_k8s_rows_free(pods, n);
}

TEST(test_k8s_quantities)
{
	/* Millicores, and bytes; -1: refused. */
	static const struct test_str_case cpu[] = {
		{ "250m", 250 },
		{ "1", 1000 },
		{ "2.5", 2500 },
		{ "0", 0 },
		{ "1500000u", 1500 },
		/* Rounded up, as Quantity.MilliValue does. */
		{ "12345n", 1 },
		{ "4182462n", 5 },
		{ "0.0001", 1 },
		{ "1e", -1 },
	};
	static const struct test_str_case mem[] = {
		{ "128Mi", 134217728 },
		{ "1.5Mi", 1572864 },
		{ "1G", 1000000000 },
		{ "1Gi", 1073741824 },
		{ "12345Ki", 12641280 },
		{ "1k", 1000 },
		{ "1e3", 1000 },
		{ "2E3", 2000 },
		{ "1E", 1000000000000000000L },
		{ "100m", 1 },
		{ "123456789", 123456789 },
		{ "", -1 },
		{ NULL, -1 },
		{ "abc", -1 },
		{ "5X", -1 },
		{ "5Mi ", -1 },
		{ "-5", -1 },
		{ "1.2.3", -1 },
		{ "99999Ei", -1 },
	};

	test_str_fn(k8s_cpu_milli, cpu);
	test_str_fn(k8s_mem_bytes, mem);
}

TEST(test_k8s_metrics)
{
	struct k8s_pod *pods;
	size_t n;
	const char *body =
		"{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
		"\"metadata\":{},\"items\":["
		"{\"metadata\":{\"name\":\"ledger-0\",\"namespace\":\"atlasmesh-data\"},"
		"\"timestamp\":\"2024-05-01T12:00:00Z\",\"window\":\"15s\",\"containers\":["
		"{\"name\":\"ledger\",\"usage\":{\"cpu\":\"150m\",\"memory\":\"256Mi\"}},"
		"{\"name\":\"envoy\",\"usage\":{\"cpu\":\"4182462n\",\"memory\":\"30000Ki\"}}]},"
		"{\"metadata\":{\"name\":\"fleet-api-7d4b9c-abcde\",\"namespace\":\"atlasmesh-"
		"prod\"},"
		"\"containers\":[{\"name\":\"fleet-api\",\"usage\":{\"cpu\":\"1\",\"memory\":"
		"\"1Gi\"}}]},"
		"{\"metadata\":{\"name\":\"gone-pod\",\"namespace\":\"atlasmesh-prod\"},"
		"\"containers\":[{\"name\":\"x\",\"usage\":{\"cpu\":\"1\",\"memory\":\"1\"}}]}]}";

	pods = test_k8s_parse_ok(test_k8s_table, &n);
	pods[1].cpu_milli = 77; /* a value from an older fetch goes */
	assert_int_equal(k8s_parse_metrics(body, strlen(body), pods, n), 0);
	assert_int_equal(pods[0].cpu_milli, 1000);
	assert_int_equal(pods[0].mem_bytes, 1073741824L);
	assert_int_equal(pods[1].cpu_milli, -1); /* no metrics for it */
	assert_int_equal(pods[1].mem_bytes, -1);
	assert_int_equal(pods[2].cpu_milli, 155);
	assert_int_equal(pods[2].mem_bytes, 268435456L + 30720000L);
	assert_int_equal(k8s_parse_metrics("{\"kind\":\"Status\"}", 17, pods, n), -1);
	assert_int_equal(k8s_parse_metrics("nope", 4, pods, n), -1);
	assert_int_equal(k8s_parse_metrics(NULL, 0, pods, n), -1);
	assert_int_equal(pods[0].cpu_milli, 1000); /* untouched by a bad body */
	test_k8s_rows_free(pods, n);
}

TEST(test_k8s_error_text)
{
	const char *forbidden =
		"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
		"\"message\":\"pods \\\"fleet-api-7d4b9c-abcde\\\" is forbidden: User "
		"\\\"viewer\\\" "
		"cannot delete resource \\\"pods\\\" in API group \\\"\\\" in the namespace "
		"\\\"atlasmesh-prod\\\"\",\"reason\":\"Forbidden\",\"details\":{\"name\":"
		"\"fleet-api-7d4b9c-abcde\",\"kind\":\"pods\"},\"code\":403}";
	const char *multi = "{\"kind\":\"Status\",\"message\":\"line one\\nFAKE  Running\","
			    "\"code\":500}";
	char out[256];

	k8s_error_text(403, forbidden, strlen(forbidden), out, sizeof out);
	assert_string_equal(out,
			    "403 Forbidden: pods \"fleet-api-7d4b9c-abcde\" is forbidden: User "
			    "\"viewer\" cannot delete resource \"pods\" in API group \"\" in "
			    "the namespace \"atlasmesh-prod\"");
	k8s_error_text(401, "", 0, out, sizeof out);
	assert_string_equal(out, "401 Unauthorized");
	k8s_error_text(502, "<html>bad gateway</html>", 24, out, sizeof out);
	assert_string_equal(out, "502 Bad Gateway");
	k8s_error_text(503, "upstream connect error\n", 23, out, sizeof out);
	assert_string_equal(out, "503 Service Unavailable: upstream connect error");
	/* One line, always. */
	k8s_error_text(500, multi, strlen(multi), out, sizeof out);
	assert_string_equal(out, "500 Internal Server Error: line one FAKE  Running");
}

TEST(test_k8s_mask_yaml)
{
	char text[] =
		"apiVersion: v1\n"
		"data:\n"
		"  password: aHVudGVyMg==\n"
		"  username: YWRtaW4=\n"
		"  tls.crt: |\n"
		"    LS0tLS1CRUdJTi\n"
		"    BDRVJUSUZJQ0FURS0\n"
		"kind: Secret\n"
		"metadata:\n"
		"  annotations:\n"
		"    kubectl.kubernetes.io/last-applied-configuration: |\n"
		"      "
		"{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"stringData\":{\"pw\":\"S3cr3t\"}}\n"
		"    owner: team-a\n"
		"  name: db-credentials\n"
		"  namespace: atlasmesh-prod\n"
		"stringData:\n"
		"  api-key: sk_live_123456\n"
		"type: Opaque\n";
	const char *want = "apiVersion: v1\n"
			   "data:\n"
			   "  password: ***\n"
			   "  username: ***\n"
			   "  tls.crt: |\n"
			   "    ***\n"
			   "    ***\n"
			   "kind: Secret\n"
			   "metadata:\n"
			   "  annotations:\n"
			   "    kubectl.kubernetes.io/last-applied-configuration: |\n"
			   "      ***\n"
			   "    owner: team-a\n"
			   "  name: db-credentials\n"
			   "  namespace: atlasmesh-prod\n"
			   "stringData:\n"
			   "  api-key: ***\n"
			   "type: Opaque\n";
	char list[] = "apiVersion: v1\n"
		      "items:\n"
		      "- apiVersion: v1\n"
		      "  data:\n"
		      "    token: ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp\n"
		      "  kind: Secret\n"
		      "- data: {a: YQ==, b: Yg==}\n"
		      "  kind: Secret\n"
		      "kind: List\n";
	char none[] = "kind: ConfigMap\nmetadata:\n  name: x\n";

	assert_int_equal(k8s_mask_secret_text(text), 1);
	assert_string_equal(text, want);
	assert_int_equal(k8s_mask_secret_text(list), 1);
	assert_null(strstr(list, "ZXlK"));
	assert_null(strstr(list, "YQ=="));
	assert_non_null(strstr(list, "    token: ***\n"));
	assert_non_null(strstr(list, "  kind: Secret\n"));
	assert_int_equal(k8s_mask_secret_text(none), 0);
	assert_string_equal(none, "kind: ConfigMap\nmetadata:\n  name: x\n");
}

TEST(test_k8s_mask_json)
{
	char text[] = "{\n"
		      "    \"apiVersion\": \"v1\",\n"
		      "    \"data\": {\n"
		      "        \"password\": \"aHVudGVyMg==\",\n"
		      "        \"username\": \"YWRtaW4=\"\n"
		      "    },\n"
		      "    \"kind\": \"Secret\",\n"
		      "    \"metadata\": {\n"
		      "        \"annotations\": {\n"
		      "            \"kubectl.kubernetes.io/last-applied-configuration\": "
		      "\"{\\\"apiVersion\\\":\\\"v1\\\",\\\"stringData\\\":{\\\"pw\\\":"
		      "\\\"S3cr3t\\\"}}\\n\"\n"
		      "        },\n"
		      "        \"name\": \"db-credentials\"\n"
		      "    },\n"
		      "    \"type\": \"Opaque\"\n"
		      "}\n";

	assert_int_equal(k8s_mask_secret_text(text), 1);
	assert_null(strstr(text, "aHVudGVyMg"));
	assert_null(strstr(text, "YWRtaW4"));
	assert_null(strstr(text, "S3cr3t"));
	assert_non_null(strstr(text, "\"password\": \"***\""));
	assert_non_null(strstr(text, "\"username\": \"***\""));
	assert_non_null(
		strstr(text, "\"kubectl.kubernetes.io/last-applied-configuration\": \"***\""));
	assert_non_null(strstr(text, "\"name\": \"db-credentials\""));
	assert_non_null(strstr(text, "\"type\": \"Opaque\""));
	/* Still JSON. */
	{
		cJSON *j = cJSON_Parse(text);

		assert_non_null(j);
		cJSON_Delete(j);
	}
}

TEST(test_k8s_describe)
{
	cJSON *pod = test_k8s_case("fleet-api-7d4b9c-abcde"), *c, *env, *e;
	char *body, *text;
	double now = util_wall();
	char ev[2048], t1[32], t2[32];
	time_t a = (time_t)(now - 600), b = (time_t)(now - 60);
	struct tm tm;

	/* An env var with a literal secret, and one from a Secret. */
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(pod, "spec"), "containers"),
			       0);
	env = cJSON_AddArrayToObject(c, "env");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "name", "DB_PASSWORD");
	cJSON_AddStringToObject(e, "value", "S3cr3tValue");
	cJSON_AddItemToArray(env, e);
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "name", "LOG_LEVEL");
	cJSON_AddStringToObject(e, "value", "debug");
	cJSON_AddItemToArray(env, e);
	body = cJSON_PrintUnformatted(pod);
	gmtime_r(&a, &tm);
	strftime(t1, sizeof t1, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&b, &tm);
	strftime(t2, sizeof t2, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(ev, sizeof ev,
		 "{\"kind\":\"EventList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":["
		 "{\"metadata\":{\"name\":\"e1\"},\"type\":\"Warning\",\"reason\":\"BackOff\","
		 "\"message\":\"Back-off restarting failed container fleet-api\","
		 "\"source\":{\"component\":\"kubelet\",\"host\":\"node-a\"},\"count\":12,"
		 "\"firstTimestamp\":\"%s\",\"lastTimestamp\":\"%s\"},"
		 "{\"metadata\":{\"name\":\"e0\"},\"type\":\"Normal\",\"reason\":\"Pulled\","
		 "\"message\":\"Container image already present on machine\","
		 "\"source\":{\"component\":\"kubelet\"},\"count\":1,"
		 "\"firstTimestamp\":\"%s\",\"lastTimestamp\":\"%s\"}]}",
		 t1, t2, t1, t1);
	text = k8s_describe(body, strlen(body), ev, strlen(ev));
	assert_non_null(text);
	test_holds_all(text, (const char *const[]){
				     "Name:             fleet-api-7d4b9c-abcde\n",
				     "Namespace:        atlasmesh-prod\n",
				     "Node:             node-a/192.168.10.",
				     "Start Time:       Wed, 01 May 2024 10:00:05 +0000",
				     "app=fleet-api",
				     "Status:           Running\n",
				     "CrashLoopBackOff (ready 0/1)",
				     "Controlled By:    ReplicaSet/fleet-api-7d4b9c\n",
				     "Containers:\n  fleet-api:\n",
				     "Image:           registry.atlasmesh.io/fleet-api:1.4.2",
				     "State:           Waiting\n      Reason:        "
				     "CrashLoopBackOff",
				     "Last State:      Terminated\n      Reason:        Error\n"
				     "      Exit Code:     1",
				     "Restart Count:   5",
				     "Ready:           False",
				     "Conditions:",
				     "ContainersReady",
				     "DB_PASSWORD:  ***",
				     "LOG_LEVEL:  debug",
				     /* Events oldest first, with kubectl's "(xN over …)". */
				     "Events:\n  Type     Reason   Age",
				     "Warning  BackOff  60s (x12 over 10m)  kubelet  Back-off "
				     "restarting failed container fleet-api",
				     NULL,
			     });
	assert_null(strstr(text, "S3cr3tValue"));
	assert_true(strstr(text, "Pulled") < strstr(text, "BackOff  60s"));
	free(text);
	/* Without events, and with a bad pod body. */
	text = k8s_describe(body, strlen(body), NULL, 0);
	assert_non_null(strstr(text, "Events:"));
	free(text);
	assert_null(k8s_describe("{oops", 5, NULL, 0));
	cJSON_free(body);
	cJSON_Delete(pod);
}

/* k8s_age_next: the age's text stays the same until then, and changes
 * then (the next whole second, minute, hour or day shown). */
TEST(test_k8s_age_next)
{
	static const double at[] = { 0,
				     0.5,
				     59.2,
				     119.9,
				     120,
				     599.5,
				     600,
				     601.7,
				     3599,
				     10799.5,
				     10800,
				     28799,
				     28800,
				     86400 * 2 - 1,
				     86400 * 2,
				     86400 * 8 - 0.5,
				     86400 * 8,
				     86400 * 400 + 7,
				     86400 * 365 * 3 + 5 };
	char a[32], b[32], c[32];
	size_t i;
	double s;

	for (i = 0; i < sizeof at / sizeof at[0]; i++) {
		double next = k8s_age_next(at[i]);

		assert_true(next > 0);
		k8s_fmt_age(a, sizeof a, at[i]);
		k8s_fmt_age(b, sizeof b, at[i] + next - 0.01);
		k8s_fmt_age(c, sizeof c, at[i] + next + 0.01);
		assert_string_equal(a, b);
		assert_string_not_equal(a, c);
	}
	/* and every second of the first three hours, every minute of a week */
	for (s = 0.25; s < 3 * 3600; s += 1) {
		k8s_fmt_age(a, sizeof a, s);
		k8s_fmt_age(b, sizeof b, s + k8s_age_next(s) - 0.01);
		assert_string_equal(a, b);
	}
	for (s = 3 * 3600 + 0.5; s < 8 * 86400; s += 60) {
		k8s_fmt_age(a, sizeof a, s);
		k8s_fmt_age(b, sizeof b, s + k8s_age_next(s) - 0.01);
		assert_string_equal(a, b);
	}
}

/* A snapshot's pods copied into one block read as the worker's rows:
 * every field, NULL owners kept NULL, missing names as "", the container
 * lists; the copy shares nothing with the rows (freed first here). */
TEST(test_k8s_snap_pods)
{
	struct k8s_pod *rows = calloc(3, sizeof *rows);
	struct k8s_snap *s = calloc(1, sizeof *s);
	static const char *const ctr[] = { "app", "sidecar", NULL };
	size_t i, k;

	for (i = 0; i < 2; i++) {
		rows[i].uid = strdup(i ? "uid-b" : "uid-a");
		rows[i].ns = strdup("prod");
		rows[i].name = strdup(i ? "worker-0" : "api-7d9c-x2");
		rows[i].ready = strdup("1/2");
		rows[i].status = strdup(i ? "CrashLoopBackOff" : "Running");
		rows[i].node = strdup(i ? "" : "node-1");
		rows[i].ip = i ? NULL : strdup("10.0.0.7");
		rows[i].owner_kind = i ? NULL : strdup("ReplicaSet");
		rows[i].owner_name = i ? NULL : strdup("api-7d9c");
		rows[i].containers = calloc(3, sizeof *rows[i].containers);
		for (k = 0; k < (i ? 0 : 2); k++)
			rows[i].containers[k] = strdup(ctr[k]);
		rows[i].restarts = (int)i * 41;
		rows[i].created = 1700000000.5;
		rows[i].cpu_milli = i ? -1 : 250;
		rows[i].severity = i ? K8S_BAD : K8S_OK;
	}
	k8s_snap_pods(s, rows, 2);
	for (i = 0; i < 2; i++)
		k8s_pod_free(&rows[i]);
	free(rows);
	assert_int_equal(s->npods, 2);
	assert_non_null(s->block);
	assert_string_equal(s->pods[0].uid, "uid-a");
	assert_string_equal(s->pods[0].name, "api-7d9c-x2");
	assert_string_equal(s->pods[0].node, "node-1");
	assert_string_equal(s->pods[0].ip, "10.0.0.7");
	assert_string_equal(s->pods[0].owner_kind, "ReplicaSet");
	assert_string_equal(s->pods[0].owner_name, "api-7d9c");
	assert_string_equal(s->pods[0].containers[0], "app");
	assert_string_equal(s->pods[0].containers[1], "sidecar");
	assert_null(s->pods[0].containers[2]);
	assert_int_equal(s->pods[0].cpu_milli, 250);
	assert_true(s->pods[0].created == 1700000000.5);
	assert_string_equal(s->pods[1].uid, "uid-b");
	assert_string_equal(s->pods[1].status, "CrashLoopBackOff");
	assert_string_equal(s->pods[1].node, "");
	assert_string_equal(s->pods[1].ip, ""); /* NULL in the rows */
	assert_null(s->pods[1].owner_kind);
	assert_null(s->pods[1].owner_name);
	assert_null(s->pods[1].containers[0]);
	assert_int_equal(s->pods[1].restarts, 41);
	assert_int_equal(s->pods[1].severity, K8S_BAD);
	k8s_snap_free(s);
}
