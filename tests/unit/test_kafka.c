/*
 * test_kafka.c - unit tests for the pure parts of backends/kafka.c: the
 * Burrow-style status evaluator on synthetic windows (one per status),
 * the kafka-lag-exporter style lag-in-time estimate, the window rates,
 * the reset arithmetic behind the preview, the reset-time parser and the
 * masking of secret property values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "backends/kafka.h"
#include "tests/unit/testhelp.h"

/* A window of n samples one second apart: committed c[i], end e[i]. */
static void test_kafka_window(struct kafka_sample *w, size_t n, const long long *c,
			      const long long *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		w[i].t = 100.0 + (double)i;
		w[i].committed = c[i];
		w[i].end = e[i];
	}
}

TEST(test_kafka_status_each)
{
	static const struct {
		const char *why;
		long long c[5], e[5]; /* committed and end, one second apart */
		enum kafka_status want;
	} cases[] = {
		{ "caught up at one point",
		  { 10, 20, 30, 40, 50 },
		  { 15, 20, 35, 45, 55 },
		  KAFKA_OK },
		{ "lag steady, not growing (ups balanced by downs)",
		  { 10, 25, 30, 45, 50 },
		  { 20, 30, 40, 50, 60 },
		  KAFKA_OK },
		{ "commits move, lag grows every interval",
		  { 10, 15, 20, 25, 30 },
		  { 20, 30, 40, 50, 60 },
		  KAFKA_WARN },
		{ "committed not moving, lag > 0 and not growing",
		  { 40, 40, 40, 40, 40 },
		  { 60, 60, 60, 60, 60 },
		  KAFKA_STALL },
		{ "committed not moving while lag grows",
		  { 40, 40, 40, 40, 40 },
		  { 60, 70, 80, 90, 100 },
		  KAFKA_STOP },
		{ "a committed offset went back",
		  { 40, 50, 20, 30, 40 },
		  { 60, 70, 80, 90, 100 },
		  KAFKA_REWIND },
	};
	struct kafka_sample w[KAFKA_WINDOW];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_kafka_window(w, 5, cases[i].c, cases[i].e);
		if (kafka_status_eval(w, 5) != cases[i].want)
			fail_msg("%s: %s, want %s", cases[i].why,
				 kafka_status_name(kafka_status_eval(w, 5)),
				 kafka_status_name(cases[i].want));
	}
	/* Too few samples to judge. */
	assert_int_equal(kafka_status_eval(w, 2), KAFKA_OK);
	assert_int_equal(kafka_status_worst(KAFKA_WARN, KAFKA_STOP), KAFKA_STOP);
	assert_int_equal(kafka_status_worst(KAFKA_ERR, KAFKA_OK), KAFKA_ERR);
	assert_string_equal(kafka_status_name(KAFKA_STALL), "STALL");
	assert_string_equal(kafka_status_name(KAFKA_REWIND), "REWIND");
}

TEST(test_kafka_status_no_commit)
{
	struct kafka_sample w[KAFKA_WINDOW];
	/* Samples before the first commit are ignored. */
	static const long long c[] = { -1, -1, 10, 15, 20, 25 }, e[] = { 5, 10, 20, 30, 40, 50 };

	test_kafka_window(w, 6, c, e);
	assert_int_equal(kafka_status_eval(w, 6), KAFKA_WARN);
	assert_int_equal(kafka_status_eval(w, 3), KAFKA_OK);
}

TEST(test_kafka_lag_seconds)
{
	struct kafka_sample w[KAFKA_WINDOW];
	/* End grows 10/s; committed 30 at t=104: end was 30 at t=102. */
	static const long long c[] = { 0, 5, 10, 20, 30 }, e[] = { 10, 20, 30, 40, 50 };
	/* Committed 25: between t=101 (20) and t=102 (30): t=101.5. */
	static const long long c2[] = { 0, 5, 10, 20, 25 };
	/* Committed 0: older than the window, extrapolated at 10/s. */
	static const long long c3[] = { 0, 0, 0, 0, 0 };
	/* Caught up. */
	static const long long c4[] = { 0, 5, 10, 20, 50 };

	test_kafka_window(w, 5, c, e);
	assert_float_equal(kafka_lag_seconds(w, 5), 2.0, 1e-9);
	test_kafka_window(w, 5, c2, e);
	assert_float_equal(kafka_lag_seconds(w, 5), 2.5, 1e-9);
	test_kafka_window(w, 5, c3, e);
	assert_float_equal(kafka_lag_seconds(w, 5), 5.0, 1e-9);
	test_kafka_window(w, 5, c4, e);
	assert_float_equal(kafka_lag_seconds(w, 5), 0.0, 1e-9);
	assert_float_equal(kafka_lag_seconds(w, 0), -1.0, 1e-9);
	/* Rates over the window: committed 0 -> 50 in 4 s, end 10 -> 50. */
	assert_float_equal(kafka_window_rate(w, 5, 0), 12.5, 1e-9);
	assert_float_equal(kafka_window_rate(w, 5, 1), 10.0, 1e-9);
	assert_float_equal(kafka_window_rate(w, 1, 1), -1.0, 1e-9);
}

TEST(test_kafka_reset_offsets)
{
	/* Watermarks [100, 500], committed 300. */
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_EARLIEST, 0, 300, 100, 500, -1), 100);
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_LATEST, 0, 300, 100, 500, -1), 500);
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_SHIFT, -50, 300, 100, 500, -1), 250);
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_SHIFT, 50, 300, 100, 500, -1), 350);
	/* Clamped to the log. */
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_SHIFT, -1000, 300, 100, 500, -1), 100);
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_SHIFT, 1000, 300, 100, 500, -1), 500);
	/* No committed offset: a shift counts from the start. */
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_SHIFT, 10, -1, 100, 500, -1), 110);
	/* To a time: the looked-up offset, or the end when none is after it. */
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_TIME, 0, 300, 100, 500, 420), 420);
	assert_int_equal(kafka_reset_offset(KAFKA_RESET_TIME, 0, 300, 100, 500, -1), 500);
	assert_int_equal(kafka_reset_mode_parse("earliest"), KAFKA_RESET_EARLIEST);
	assert_int_equal(kafka_reset_mode_parse("shift"), KAFKA_RESET_SHIFT);
	assert_int_equal(kafka_reset_mode_parse("--to-latest"), -1);
	assert_string_equal(kafka_reset_mode_name(KAFKA_RESET_TIME), "time");
}

TEST(test_kafka_parse_time)
{
	long long ms = 0;

	assert_int_equal(kafka_parse_time("2024-05-01T10:00:00", 0, &ms), 0);
	assert_true(ms == 1714557600000LL);
	assert_int_equal(kafka_parse_time("2024-05-01T10:00:00Z", 0, &ms), 0);
	assert_true(ms == 1714557600000LL);
	assert_int_equal(kafka_parse_time("1714557600000", 0, &ms), 0);
	assert_true(ms == 1714557600000LL);
	assert_int_equal(kafka_parse_time("15m", 2000.0, &ms), 0);
	assert_true(ms == 1100000LL);
	assert_int_equal(kafka_parse_time("yesterday", 0, &ms), -1);
}

/* A reset request owns copies of what it was given (the panel's strings
 * change or go while it waits in the runner's queue). */
TEST(test_kafka_reset_req)
{
	char group[] = "fleet-group", topic[] = "fleet.telemetry";
	struct kafka_reset_req *q;

	q = kafka_reset_req_new(group, topic, KAFKA_RESET_SHIFT, "-10");
	group[0] = topic[0] = 'X';
	assert_string_equal(q->group, "fleet-group");
	assert_string_equal(q->topic, "fleet.telemetry");
	assert_int_equal(q->mode, KAFKA_RESET_SHIFT);
	assert_string_equal(q->value, "-10");
	kafka_reset_req_free(q);
	q = kafka_reset_req_new("g", "t", KAFKA_RESET_LATEST, NULL);
	assert_string_equal(q->value, "");
	kafka_reset_req_free(q);
	kafka_reset_req_free(NULL);
}

TEST(test_kafka_mask)
{
	struct config c;
	char *keys[2] = { "sasl.password", "security.protocol" };
	char *vals[2] = { "hunter2", "SASL_SSL" };
	char *m;

	memset(&c, 0, sizeof c);
	c.kafka_prop_keys = keys;
	c.kafka_prop_values = vals;
	c.nkafka_props = 2;
	m = kafka_mask("auth failed for hunter2 over SASL_SSL (hunter2)", &c);
	assert_string_equal(m, "auth failed for **** over SASL_SSL (****)");
	free(m);
}

/* The note on brokers older than 0.10: only when librdkafka said so and
 * the error is a transport failure or a time-out. */
TEST(test_kafka_hint)
{
	assert_string_equal(kafka_hint("Local: Broker transport failure", 0), "");
	assert_non_null(strstr(kafka_hint("Local: Broker transport failure", 1),
			       "broker older than 0.10? set kafka.properties "
			       "api.version.request: false"));
	assert_non_null(strstr(kafka_hint("Local: Timed out", 1), "broker.version.fallback"));
	assert_string_equal(kafka_hint("Broker: Group authorization failed", 1), "");
	assert_string_equal(kafka_hint(NULL, 1), "");
}
