/*
 * test_prom.c - the pure half of backends/prom.c: parsing recorded
 * Alertmanager /api/v2/alerts and Prometheus /api/v1/alerts and
 * /api/v1/query bodies (tests/fixtures/prom/), the severity sort,
 * de-duplication by fingerprint across Alertmanagers, matcher parsing
 * and the silence JSON (escaping), and hostile or broken bodies, which
 * must be errors and never "no alerts".
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

#include "backends/prom.h"
#include "tests/unit/fixture.h"
#include "tests/unit/testhelp.h"

static char *test_prom_read(const char *name, size_t *len)
{
	return test_fixture("prom", name, len);
}

TEST(test_prom_alerts_v2)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	char err[256];
	size_t len, i;
	char *body = test_prom_read("am_alerts.json", &len);
	const char *order[] = { "AlwaysCritical", "AlwaysWarning", "AlwaysInfo",
				"HostileAnnotation" };

	assert_int_equal(prom_parse_alerts(body, len, 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4);
	/* A second Alertmanager with the same alerts adds nothing. */
	assert_int_equal(prom_parse_alerts(body, len, 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4);
	prom_sort_alerts(s->alerts, s->nalerts);
	for (i = 0; i < 4; i++)
		assert_string_equal(s->alerts[i].name, order[i]);
	assert_string_equal(s->alerts[0].severity, "critical");
	assert_string_equal(s->alerts[0].state, "firing");
	assert_string_equal(prom_label(&s->alerts[0], "service"), "fleet-manager");
	assert_true(s->alerts[0].starts_at > 1.6e9);
	assert_string_equal(s->alerts[0].summary, "always firing (critical)");
	/* The hostile annotation is kept as bytes; drawing sanitises it. */
	assert_non_null(strchr(s->alerts[3].summary, '\033'));
	assert_non_null(strchr(s->alerts[3].summary, '\r'));
	{
		char *t = prom_labels_text(&s->alerts[0]);

		assert_non_null(strstr(t, "severity=critical"));
		free(t);
	}
	prom_snap_free(s);
	free(body);
}

TEST(test_prom_alerts_v1)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	char err[256];
	size_t len;
	char *body = test_prom_read("prom_alerts.json", &len);

	assert_int_equal(prom_parse_alerts(body, len, 1, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4);
	/* Fingerprints are computed from the labels: stable, distinct. */
	assert_int_equal(strlen(s->alerts[0].fingerprint), 16);
	assert_string_not_equal(s->alerts[0].fingerprint, s->alerts[1].fingerprint);
	assert_int_equal(prom_parse_alerts(body, len, 1, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4);
	prom_snap_free(s);
	free(body);
}

TEST(test_prom_bad_bodies)
{
	static const char *const bad[] = {
		"",
		"   ",
		"[{\"labels\": {\"alertname\": \"X\"",
		"{\"not\": \"a list\"}",
		"<html>502 Bad Gateway</html>",
		"null",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct prom_snap *s = xcalloc(1, sizeof *s);
		char err[256] = "";

		assert_int_equal(prom_parse_alerts(bad[i], strlen(bad[i]), 0, s, err, sizeof err),
				 -1);
		assert_true(err[0] != '\0');
		assert_int_equal(s->nalerts, 0);
		prom_snap_free(s);
	}
	/* v1: an error status is an error. */
	{
		struct prom_snap *s = xcalloc(1, sizeof *s);
		char err[256] = "";
		const char *b = "{\"status\":\"error\",\"error\":\"boom\"}";

		assert_int_equal(prom_parse_alerts(b, strlen(b), 1, s, err, sizeof err), -1);
		assert_non_null(strstr(err, "boom"));
		prom_snap_free(s);
	}
	/* Deeply nested junk and odd types are survived. */
	{
		struct prom_snap *s = xcalloc(1, sizeof *s);
		char err[256];
		struct strbuf sb = { 0 };
		size_t n = 200000;
		char *b;

		for (i = 0; i < n; i++)
			strbuf_putc(&sb, '[');
		b = strbuf_detach(&sb);
		assert_int_equal(prom_parse_alerts(b, n, 0, s, err, sizeof err), -1);
		free(b);
		b = xstrdup(
			"[1, \"x\", {\"labels\": 5, \"status\": []}, {\"labels\": {\"a\": 1}}]");
		assert_int_equal(prom_parse_alerts(b, strlen(b), 0, s, err, sizeof err), 0);
		assert_int_equal(s->nalerts, 2);
		assert_string_equal(s->alerts[0].name, "");
		free(b);
		prom_snap_free(s);
	}
}

/* What the worker makes for the Alerts list (the LABELS cell, the filter
 * text), de-duplication over many alerts and across bodies (a hash, not
 * a scan), and a big snapshot freed whole (ASan: no leak, no stray
 * free of arena memory). */
TEST(test_prom_alerts_prepared)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	struct strbuf sb = { 0 };
	char err[256];
	const char *b = "[{\"fingerprint\":\"a\",\"labels\":{\"alertname\":\"X\","
			"\"service\":\"api\",\"namespace\":\"prod\",\"pod\":\"api-1\"}},"
			"{\"fingerprint\":\"b\",\"labels\":{\"alertname\":\"Y\","
			"\"pod\":\"db-0\",\"instance\":\"10.0.0.1:9100\"}},"
			"{\"fingerprint\":\"c\",\"labels\":{\"alertname\":\"Z\","
			"\"instance\":\"10.0.0.2:9100\"}},"
			"{\"fingerprint\":\"d\",\"labels\":{}}]";
	size_t i;

	assert_int_equal(prom_parse_alerts(b, strlen(b), 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4);
	assert_string_equal(s->alerts[0].where, "api prod/api-1");
	assert_string_equal(s->alerts[0].labels_text,
			    "alertname=X service=api namespace=prod pod=api-1");
	assert_string_equal(s->alerts[1].where, "db-0");
	assert_string_equal(s->alerts[2].where, "10.0.0.2:9100");
	assert_string_equal(s->alerts[3].where, "");
	assert_string_equal(s->alerts[3].labels_text, "");
	assert_string_equal(s->alerts[3].state, "firing");
	strbuf_putc(&sb, '[');
	for (i = 0; i < 5000; i++)
		strbuf_printf(&sb,
			      "%s{\"fingerprint\":\"%zu\",\"labels\":{\"alertname\":\"A%zu\","
			      "\"summary\":\"%0300zu\"}}",
			      i ? "," : "", i % 4000, i, i);
	strbuf_putc(&sb, ']');
	assert_int_equal(prom_parse_alerts(sb.buf, sb.len, 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4 + 4000);
	assert_string_equal(s->alerts[4 + 3999].name, "A3999");
	assert_int_equal(prom_parse_alerts(sb.buf, sb.len, 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4 + 4000);
	/* A string larger than an arena block gets a block of its own. */
	sb.len = 0;
	strbuf_puts(&sb, "[{\"fingerprint\":\"big\",\"annotations\":{\"summary\":\"");
	for (i = 0; i < 300000; i++)
		strbuf_putc(&sb, 'x');
	strbuf_puts(&sb, "\"}},{\"fingerprint\":\"after\",\"labels\":{\"alertname\":\"W\"}}]");
	assert_int_equal(prom_parse_alerts(sb.buf, sb.len, 0, s, err, sizeof err), 0);
	assert_int_equal(s->nalerts, 4 + 4000 + 2);
	assert_int_equal(strlen(s->alerts[4 + 4000].summary), 300000);
	assert_string_equal(s->alerts[4 + 4001].name, "W");
	strbuf_free(&sb);
	prom_snap_free(s);
}

TEST(test_prom_severity_sort)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	char err[256];
	const char *b =
		"["
		"{\"fingerprint\":\"1\",\"labels\":{\"alertname\":\"B\",\"severity\":\"x\"},"
		"\"startsAt\":\"2024-01-01T00:00:00Z\"},"
		"{\"fingerprint\":\"2\",\"labels\":{\"alertname\":\"C\",\"severity\":\"info\"},"
		"\"startsAt\":\"2024-01-01T00:00:00Z\"},"
		"{\"fingerprint\":\"3\",\"labels\":{\"alertname\":\"D\",\"severity\":"
		"\"warning\"},\"startsAt\":\"2024-01-01T00:00:00Z\"},"
		"{\"fingerprint\":\"4\",\"labels\":{\"alertname\":\"E\",\"severity\":"
		"\"critical\"},\"startsAt\":\"2024-01-02T00:00:00+02:00\"},"
		"{\"fingerprint\":\"5\",\"labels\":{\"alertname\":\"F\",\"severity\":"
		"\"critical\"},\"startsAt\":\"2024-01-01T00:00:00.5Z\","
		"\"status\":{\"state\":\"suppressed\",\"silencedBy\":[\"s1\",\"s2\"]}}"
		"]";
	struct prom_silence sil = { 0 };

	assert_int_equal(prom_parse_alerts(b, strlen(b), 0, s, err, sizeof err), 0);
	prom_sort_alerts(s->alerts, s->nalerts);
	assert_string_equal(s->alerts[0].name, "F"); /* older critical first */
	assert_string_equal(s->alerts[1].name, "E");
	assert_string_equal(s->alerts[2].name, "D");
	assert_string_equal(s->alerts[3].name, "C");
	assert_string_equal(s->alerts[4].name, "B");
	assert_string_equal(s->alerts[0].state, "silenced");
	assert_string_equal(s->alerts[0].silenced_by, "s1,s2");
	sil.id = "s2";
	assert_int_equal(prom_silence_matches(&sil, s), 1);
	sil.id = "s";
	assert_int_equal(prom_silence_matches(&sil, s), 0);
	assert_true(prom_parse_time("2024-01-01T00:00:00Z") == 1704067200.0);
	assert_true(prom_parse_time("2024-01-01T02:00:00+02:00") == 1704067200.0);
	assert_true(prom_parse_time("garbage") == 0);
	prom_snap_free(s);
}

/* A silence with an empty id from the server (found by fuzz_alertmanager:
 * counting the alerts it silences looped forever) silences nothing. */
TEST(test_prom_silence_empty_id)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	char err[256];
	const char *alerts = "[{\"fingerprint\":\"1\",\"labels\":{\"alertname\":\"A\"},"
			     "\"status\":{\"state\":\"suppressed\",\"silencedBy\":[\"s1\"]}}]";
	const char *silences = "[{\"id\":\"\",\"status\":{\"state\":\"active\"}},"
			       "{\"id\":\"s1\",\"status\":{\"state\":\"active\"}}]";

	assert_int_equal(prom_parse_alerts(alerts, strlen(alerts), 0, s, err, sizeof err), 0);
	assert_int_equal(prom_parse_silences(silences, strlen(silences), s, err, sizeof err), 0);
	assert_int_equal(s->nsilences, 2);
	assert_int_equal(prom_silence_matches(&s->silences[0], s), 0);
	assert_int_equal(prom_silence_matches(&s->silences[1], s), 1);
	prom_snap_free(s);
}

/* Matchers decided on labels as Alertmanager does: exact, anchored regex,
 * negations, a missing label as "", a broken regex matching nothing. */
TEST(test_prom_alert_matches)
{
	struct prom_alert a = { 0 };
	struct prom_label l[2] = { { "alertname", "HighErrorRate" }, { "severity", "critical" } };
	struct {
		const char *text;
		int want;
	} cases[] = {
		{ "severity=critical", 1 },
		{ "severity=crit", 0 },
		{ "severity!=critical", 0 },
		{ "severity!=warning", 1 },
		{ "alertname=~High.*", 1 },
		{ "alertname=~Error", 0 },
		{ "alertname=~.*Error.*", 1 },
		{ "alertname!~High.*", 0 },
		{ "alertname=~(High|Low)ErrorRate", 1 },
		{ "pod!=", 0 },
		{ "pod=~.+", 0 },
		{ "alertname=~(", 0 },
	};
	size_t i;

	a.labels = l;
	a.nlabels = 2;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct prom_matcher *m;
		char err[128];

		assert_int_equal(prom_matchers_parse(cases[i].text, &m, err, sizeof err), 1);
		/* a regex is compiled by the parse, once, or marked bad */
		assert_true(!m->is_regex || (m->re != NULL) != m->re_bad);
		if (prom_alert_matches(&a, m) != cases[i].want)
			fail_msg("%s: want %d", cases[i].text, cases[i].want);
		/* the same, made by hand (compiled at the match) */
		if (m->re != NULL) {
			struct prom_matcher h = *m;

			h.re = NULL;
			if (prom_alert_matches(&a, &h) != cases[i].want)
				fail_msg("%s by hand: want %d", cases[i].text, cases[i].want);
		}
		prom_matchers_free(m, 1);
	}
}

TEST(test_prom_matchers_and_json)
{
	struct prom_alert a = { 0 };
	struct prom_label l[3] = { { "severity", "warning" },
				   { "alertname", "Odd \"name\" \\ x" },
				   { "zone", "ignored" } };
	struct prom_matcher *m;
	char err[200], *text, *json;
	int n;
	cJSON *j, *arr;

	a.labels = l;
	a.nlabels = 3;
	text = prom_matchers_for(&a);
	assert_string_equal(text, "alertname=\"Odd \\\"name\\\" \\\\ x\" severity=\"warning\"");
	n = prom_matchers_parse(text, &m, err, sizeof err);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "alertname");
	assert_string_equal(m[0].value, "Odd \"name\" \\ x");
	json = prom_silence_json(m, (size_t)n, 1704067200, 1704070800, "op\"er", "why\n\e[2J");
	j = cJSON_Parse(json);
	assert_non_null(j);
	arr = cJSON_GetObjectItem(j, "matchers");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "value")->valuestring,
			    "Odd \"name\" \\ x");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "isEqual")));
	assert_string_equal(cJSON_GetObjectItem(j, "startsAt")->valuestring,
			    "2024-01-01T00:00:00.000Z");
	assert_string_equal(cJSON_GetObjectItem(j, "endsAt")->valuestring,
			    "2024-01-01T01:00:00.000Z");
	assert_string_equal(cJSON_GetObjectItem(j, "createdBy")->valuestring, "op\"er");
	assert_string_equal(cJSON_GetObjectItem(j, "comment")->valuestring, "why\n\e[2J");
	cJSON_Delete(j);
	free(json);
	prom_matchers_free(m, (size_t)n);
	free(text);
	n = prom_matchers_parse("job=~\"api|web\" env!=prod x!~y", &m, err, sizeof err);
	assert_int_equal(n, 3);
	assert_true(m[0].is_regex && m[0].is_equal);
	assert_true(!m[1].is_regex && !m[1].is_equal);
	assert_true(m[2].is_regex && !m[2].is_equal);
	prom_matchers_free(m, (size_t)n);
	assert_int_equal(prom_matchers_parse("", &m, err, sizeof err), -1);
	assert_int_equal(prom_matchers_parse("a=\"open", &m, err, sizeof err), -1);
	assert_int_equal(prom_matchers_parse("=x", &m, err, sizeof err), -1);
	assert_int_equal(prom_matchers_parse("a=", &m, err, sizeof err), -1);
	assert_true(prom_silence_id_ok("3f1c9a2e-0b7d-4c1e-9a8f-1234567890ab"));
	assert_false(prom_silence_id_ok("../../api"));
	assert_false(prom_silence_id_ok("a b"));
	assert_false(prom_silence_id_ok(""));
}

TEST(test_prom_query)
{
	struct strbuf out = { 0 };
	size_t len, rlen;
	char *body = test_prom_read("query_up.json", &len);
	char *range = test_prom_read("range_up.json", &rlen);

	assert_int_equal(prom_format_query(body, len, range, rlen, 1, &out), 0);
	assert_non_null(strstr(out.buf, "up{instance=\"127.0.0.1:"));
	assert_non_null(strstr(out.buf, "job=\"prometheus\"}"));
	assert_non_null(strstr(out.buf, "\n1 "));
	assert_non_null(strstr(out.buf, "########")); /* a flat series of 1s */
	strbuf_free(&out);
	free(body);
	body = test_prom_read("query_error.json", &len);
	assert_int_equal(prom_format_query(body, len, NULL, 0, 1, &out), -1);
	assert_non_null(strstr(out.buf, "error: bad_data: invalid parameter"));
	strbuf_free(&out);
	free(body);
	body = test_prom_read("query_scalar.json", &len);
	assert_int_equal(prom_format_query(body, len, NULL, 0, 0, &out), 0);
	assert_string_equal(out.buf, "scalar 42\n");
	strbuf_free(&out);
	free(body);
	assert_int_equal(prom_format_query("", 0, NULL, 0, 0, &out), -1);
	assert_int_equal(prom_format_query("{]", 2, "{]", 2, 0, &out), -1);
	strbuf_free(&out);
	{
		char *sp = prom_range_sparkline(range, rlen, "nope{}", 10, 1);

		assert_string_equal(sp, "");
		free(sp);
	}
	free(range);
}
