/*
 * test_codec.c - the snapshot codecs (struct backend's snapshot_encode
 * and snapshot_decode; backends/NAME_codec.c). For each backend a snapshot
 * built as its poll builds it (from the recorded fixtures and the pure
 * parsers where there are any) goes encode -> decode -> encode: the two
 * JSON texts are the same and the decoded fields equal the original's.
 * Secrets in query and describe text are masked in the JSON. Broken
 * input (made by spoiling one field of a good encoding) gives NULL and
 * an error naming the field. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec.h"
#include "backends/k8s.h"
#include "backends/kafka.h"
#include "backends/pg.h"
#include "backends/prom.h"
#include "backends/redis.h"
#include "lib/util.h"
#include "tests/unit/fixture.h"
#include "tests/unit/testhelp.h"

/* encode -> text -> parse -> decode -> encode (what a recording or the
 * war room does); the texts must match. Returns the decoded
 * snapshot (caller frees with b->snapshot_free) and the JSON text in
 * *text (caller frees). */
static void *test_codec_roundtrip(const struct backend *b, const void *snap, char **text)
{
	cJSON *j1, *j2, *parsed;
	char err[256] = "";
	char *t2;
	void *back;

	assert_non_null(b->snapshot_encode);
	assert_non_null(b->snapshot_decode);
	j1 = b->snapshot_encode(snap);
	assert_non_null(j1);
	*text = cJSON_PrintUnformatted(j1);
	assert_non_null(strstr(*text, "{\"v\":1,"));
	parsed = cJSON_Parse(*text);
	assert_non_null(parsed);
	back = b->snapshot_decode(parsed, err, sizeof err);
	cJSON_Delete(parsed);
	if (back == NULL)
		fail_msg("%s decode: %s", b->name, err);
	j2 = b->snapshot_encode(back);
	t2 = cJSON_PrintUnformatted(j2);
	assert_string_equal(*text, t2);
	free(t2);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	return back;
}

/* Spoil the field at path ("groups.0.parts.0.topic": numbers index
 * arrays) of j with v (NULL: delete it). */
static void test_codec_spoil(cJSON *j, const char *path, cJSON *v)
{
	char *p = xstrdup(path), *seg, *next, *save = NULL;
	cJSON *at = j, *parent = NULL;

	for (seg = strtok_r(p, ".", &save); seg != NULL; seg = next) {
		next = strtok_r(NULL, ".", &save);
		parent = at;
		if (cJSON_IsArray(at))
			at = cJSON_GetArrayItem(at, atoi(seg));
		else
			at = cJSON_GetObjectItemCaseSensitive(at, seg);
		assert_non_null(at);
		if (next == NULL) {
			if (v == NULL && cJSON_IsArray(parent))
				cJSON_DeleteItemFromArray(parent, atoi(seg));
			else if (v == NULL)
				cJSON_DeleteItemFromObjectCaseSensitive(parent, seg);
			else if (cJSON_IsArray(parent))
				assert_true(cJSON_ReplaceItemInArray(parent, atoi(seg), v));
			else
				assert_true(cJSON_ReplaceItemInObjectCaseSensitive(parent, seg, v));
		}
	}
	free(p);
}

/* Encode snap, spoil path with v, decode: NULL with an error holding
 * want. */
static void test_codec_refused(const struct backend *b, const void *snap, const char *path,
			       cJSON *v, const char *want)
{
	cJSON *j = b->snapshot_encode(snap);
	char err[256] = "";
	void *back;

	test_codec_spoil(j, path, v);
	back = b->snapshot_decode(j, err, sizeof err);
	cJSON_Delete(j);
	if (back != NULL) {
		b->snapshot_free(back);
		fail_msg("%s: spoiled %s was accepted", b->name, path);
	}
	if (strstr(err, want) == NULL)
		fail_msg("%s: spoiled %s: error \"%s\" lacks \"%s\"", b->name, path, err, want);
}

/* Decode JSON text: NULL with an error holding want. */
static void test_codec_refused_text(const struct backend *b, const char *text, const char *want)
{
	cJSON *j = cJSON_Parse(text);
	char err[256] = "";
	void *back;

	assert_non_null(j);
	back = b->snapshot_decode(j, err, sizeof err);
	cJSON_Delete(j);
	assert_null(back);
	if (strstr(err, want) == NULL)
		fail_msg("%s: error \"%s\" lacks \"%s\"", b->name, err, want);
}

/* An array of n numbers, for counts over a cap. */
static cJSON *test_codec_numbers(size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(1));
	return a;
}

/* ---- redis ----------------------------------------------------------- */

static struct redis_snap *test_codec_redis_snap(void)
{
	size_t len;
	char *text = test_fixture("redis", "info-7.0-master.txt", &len);
	struct redis_snap *s = xcalloc(1, sizeof *s);
	struct redis_info prev;
	size_t i;

	assert_true(redis_info_parse(text, &s->info) > 100);
	prev = s->info;
	prev.total_commands -= 50;
	prev.keyspace_hits = 0;
	redis_rates_compute(&prev, &s->info, 2, &s->rates);
	for (i = 0; i < 12; i++)
		s->ops_hist[s->nhist++] = 0.5 * (double)i + 1.0 / 3;
	s->db = 2;
	free(text);
	return s;
}

TEST(test_codec_redis)
{
	struct redis_snap *s = test_codec_redis_snap();
	char *text;
	struct redis_snap *b = test_codec_roundtrip(&redis_backend, s, &text);
	size_t i;

	assert_string_equal(b->info.version, "7.0.15");
	assert_string_equal(b->info.role, s->info.role);
	assert_string_equal(b->info.policy, "allkeys-lru");
	assert_int_equal(b->info.used_memory, 1019920);
	assert_int_equal(b->info.maxmemory, s->info.maxmemory);
	assert_int_equal(b->info.min_slave_offset, s->info.min_slave_offset);
	assert_true(b->info.frag_ratio == s->info.frag_ratio);
	assert_int_equal(b->info.ndbs, 2);
	for (i = 0; i < s->info.ndbs; i++) {
		assert_int_equal(b->info.dbs[i].db, s->info.dbs[i].db);
		assert_int_equal(b->info.dbs[i].keys, s->info.dbs[i].keys);
	}
	assert_int_equal(b->info.nfields, s->info.nfields);
	assert_true(b->rates.ops == s->rates.ops && b->rates.ops == 25);
	assert_true(b->rates.hit_ratio == s->rates.hit_ratio);
	assert_int_equal(b->nhist, 12);
	for (i = 0; i < s->nhist; i++)
		assert_true(b->ops_hist[i] == s->ops_hist[i]);
	assert_int_equal(b->db, 2);
	free(text);
	free(b);

	test_codec_refused_text(&redis_backend, "[1]", "redis: snapshot: not a JSON object");
	test_codec_refused_text(&redis_backend, "{\"v\":2}",
				"redis: v: version 2 is not supported");
	test_codec_refused_text(&redis_backend, "{\"v\":1}", "redis: info: missing");
	test_codec_refused_text(&redis_backend, "{\"v\":1,\"info\":{\"version\":1e999}}",
				"redis: info.version: not a string");
	test_codec_refused(&redis_backend, s, "info.used_memory", cJSON_CreateString("1"),
			   "redis: info.used_memory: not a number");
	test_codec_refused(&redis_backend, s, "info.frag_ratio", cJSON_CreateNumber(INFINITY),
			   "redis: info.frag_ratio: not a finite number");
	test_codec_refused(&redis_backend, s, "info.role", cJSON_CreateString("0123456789abcdefg"),
			   "redis: info.role: too long (17 bytes, at most 15)");
	test_codec_refused(&redis_backend, s, "info.dbs.1.keys", NULL,
			   "redis: info.dbs[1].keys: missing");
	test_codec_refused(&redis_backend, s, "info.dbs.0", cJSON_CreateNumber(0),
			   "redis: info.dbs[0]: not an object");
	test_codec_refused(&redis_backend, s, "ops_hist", test_codec_numbers(REDIS_HISTORY + 1),
			   "redis: ops_hist: more than 60 elements");
	test_codec_refused(&redis_backend, s, "ops_hist.3", cJSON_CreateNull(),
			   "redis: ops_hist[3]: not a number");
	test_codec_refused(&redis_backend, s, "db", cJSON_CreateNumber(1.5),
			   "redis: db: not an integer");
	free(s);
}

/* ---- kafka ----------------------------------------------------------- */

static struct kafka_snap *test_codec_kafka_snap(void)
{
	/* a partition whose consumer commits less than is produced */
	const struct kafka_sample w[5] = { { 10, 100, 150 },
					   { 20, 110, 180 },
					   { 30, 120, 210 },
					   { 40, 130, 240 },
					   { 50, 140, 270 } };
	struct kafka_snap *s = xcalloc(1, sizeof *s);
	struct kafka_group *g;
	size_t i;

	s->ngroups = 2;
	s->groups = xcalloc(2, sizeof *s->groups);
	for (i = 0; i < 2; i++) {
		g = &s->groups[i];
		g->id = xasprintf("telemetry-ingest-%zu", i);
		snprintf(g->state, sizeof g->state, "%s", i ? "Empty" : "Stable");
		g->members = i ? 0 : 3;
		g->nparts = 2;
		g->parts = xcalloc(2, sizeof *g->parts);
		g->parts[0].topic = xstrdup("vehicle.telemetry");
		g->parts[0].partition = 0;
		g->parts[0].committed = w[4].committed;
		g->parts[0].end = w[4].end;
		g->parts[0].lag = w[4].end - w[4].committed;
		g->parts[0].lag_seconds = kafka_lag_seconds(w, 5);
		g->parts[0].status = kafka_status_eval(w, 5);
		snprintf(g->parts[0].owner, sizeof g->parts[0].owner, "ingest-1/10.0.0.7");
		g->parts[1].topic = xstrdup("vehicle.telemetry");
		g->parts[1].partition = 1;
		g->parts[1].committed = -1;
		g->parts[1].end = 999999999999999LL; /* exact up to 10^15 */
		g->parts[1].lag = -1;
		g->parts[1].lag_seconds = -1;
		g->parts[1].status = KAFKA_ERR;
		g->lag = g->parts[0].lag;
		g->lag_seconds = g->parts[0].lag_seconds;
		g->rate = kafka_window_rate(w, 5, 0);
		g->produce_rate = kafka_window_rate(w, 5, 1);
		g->catchup = -1;
		g->status = kafka_status_worst(g->parts[0].status, g->parts[1].status);
		snprintf(g->error, sizeof g->error, "%s",
			 i ? "offsets: Broker: Group coordinator not available" : "");
		for (g->nhist = 0; g->nhist < KAFKA_HISTORY; g->nhist++)
			g->hist[g->nhist] = (double)(g->nhist * 7 % 13);
	}
	s->ntopics = 1;
	s->topics = xcalloc(1, sizeof *s->topics);
	s->topics[0].name = xstrdup("vehicle.telemetry");
	s->topics[0].nparts = 2;
	s->topics[0].parts = xcalloc(2, sizeof *s->topics[0].parts);
	for (i = 0; i < 2; i++) {
		struct kafka_topic_part *p = &s->topics[0].parts[i];

		p->partition = (int)i;
		p->leader = i ? -1 : 2;
		p->nreplicas = 3;
		p->replicas[0] = 1, p->replicas[1] = 2, p->replicas[2] = 3;
		p->nisr = i ? 0 : 2;
		p->isr[0] = 2, p->isr[1] = 3;
		snprintf(p->error, sizeof p->error, "%s", i ? "Broker: Leader not available" : "");
	}
	s->nbrokers = 3;
	s->listed = 1;
	s->reset = xcalloc(1, sizeof *s->reset);
	s->reset->seq = 4;
	s->reset->ok = 1;
	s->reset->group = xstrdup("telemetry-ingest-0");
	s->reset->topic = xstrdup("vehicle.telemetry");
	s->reset->mode = KAFKA_RESET_SHIFT;
	snprintf(s->reset->value, sizeof s->reset->value, "-100");
	s->reset->nrows = 1;
	s->reset->rows = xcalloc(1, sizeof *s->reset->rows);
	s->reset->rows[0].current = 140;
	s->reset->rows[0].next = kafka_reset_offset(KAFKA_RESET_SHIFT, -100, 140, 0, 270, -1);
	s->reset->rows[0].delta = s->reset->rows[0].next - 140;
	return s;
}

TEST(test_codec_kafka)
{
	struct kafka_snap *s = test_codec_kafka_snap();
	char *text;
	struct kafka_snap *b = test_codec_roundtrip(&kafka_backend, s, &text);
	size_t i, k;

	assert_int_equal(b->ngroups, 2);
	for (i = 0; i < 2; i++) {
		const struct kafka_group *x = &s->groups[i], *y = &b->groups[i];

		assert_string_equal(y->id, x->id);
		assert_string_equal(y->state, x->state);
		assert_string_equal(y->error, x->error);
		assert_int_equal(y->members, x->members);
		assert_int_equal(y->lag, x->lag);
		assert_true(y->lag_seconds == x->lag_seconds && y->rate == x->rate);
		assert_true(y->produce_rate == x->produce_rate && y->catchup == x->catchup);
		assert_int_equal(y->status, x->status);
		assert_int_equal(y->nhist, KAFKA_HISTORY);
		assert_memory_equal(y->hist, x->hist, sizeof x->hist);
		assert_int_equal(y->nparts, 2);
		for (k = 0; k < 2; k++) {
			assert_string_equal(y->parts[k].topic, x->parts[k].topic);
			assert_int_equal(y->parts[k].partition, x->parts[k].partition);
			assert_int_equal(y->parts[k].committed, x->parts[k].committed);
			assert_int_equal(y->parts[k].end, x->parts[k].end);
			assert_int_equal(y->parts[k].lag, x->parts[k].lag);
			assert_true(y->parts[k].lag_seconds == x->parts[k].lag_seconds);
			assert_int_equal(y->parts[k].status, x->parts[k].status);
			assert_string_equal(y->parts[k].owner, x->parts[k].owner);
		}
	}
	assert_int_equal(b->groups[0].parts[0].status, KAFKA_WARN);
	assert_int_equal(b->ntopics, 1);
	assert_string_equal(b->topics[0].name, "vehicle.telemetry");
	for (k = 0; k < 2; k++) {
		const struct kafka_topic_part *x = &s->topics[0].parts[k],
					      *y = &b->topics[0].parts[k];

		assert_int_equal(y->leader, x->leader);
		assert_int_equal(y->nreplicas, x->nreplicas);
		assert_memory_equal(y->replicas, x->replicas, sizeof x->replicas);
		assert_int_equal(y->nisr, x->nisr);
		assert_memory_equal(y->isr, x->isr, (size_t)x->nisr * sizeof x->isr[0]);
		assert_string_equal(y->error, x->error);
	}
	assert_int_equal(b->nbrokers, 3);
	assert_int_equal(b->listed, 1);
	assert_non_null(b->reset);
	assert_int_equal(b->reset->seq, 4);
	assert_int_equal(b->reset->mode, KAFKA_RESET_SHIFT);
	assert_string_equal(b->reset->group, "telemetry-ingest-0");
	assert_string_equal(b->reset->value, "-100");
	assert_int_equal(b->reset->nrows, 1);
	assert_int_equal(b->reset->rows[0].next, 40);
	assert_int_equal(b->reset->rows[0].delta, -100);
	free(text);
	kafka_backend.snapshot_free(b);

	test_codec_refused(&kafka_backend, s, "groups.1.parts.0.topic", cJSON_CreateNumber(1),
			   "kafka: groups[1].parts[0].topic: not a string");
	test_codec_refused(&kafka_backend, s, "groups.0.status", cJSON_CreateNumber(6),
			   "kafka: groups[0].status: not an integer from 0 to 5");
	test_codec_refused(&kafka_backend, s, "topics.0.parts.1.replicas",
			   test_codec_numbers(KAFKA_MAX_REPLICAS + 1),
			   "kafka: topics[0].parts[1].replicas: more than 16 elements");
	test_codec_refused(&kafka_backend, s, "reset.rows.0.next", cJSON_CreateTrue(),
			   "kafka: reset.rows[0].next: not a number");
	test_codec_refused(&kafka_backend, s, "reset", NULL, "kafka: reset: missing");
	test_codec_refused(&kafka_backend, s, "groups", cJSON_CreateObject(),
			   "kafka: groups: not an array");
	test_codec_refused(&kafka_backend, s, "groups.1.parts",
			   test_codec_numbers(CODEC_ROWS_MAX + 1),
			   "kafka: groups[1].parts: more than 100000 elements");
	kafka_backend.snapshot_free(s);
}

/* ---- postgres -------------------------------------------------------- */

static struct pg_snap *test_codec_pg_snap(void)
{
	struct pg_entry e[3] = {
		{ .queryid = 7,
		  .userid = 10,
		  .dbid = 5,
		  .toplevel = 1,
		  .calls = 5,
		  .total_ms = 10,
		  .rows = 5 },
		{ .queryid = -8,
		  .userid = 10,
		  .dbid = 5,
		  .toplevel = 1,
		  .calls = 2,
		  .total_ms = 900,
		  .rows = 2 },
		{ .queryid = 9,
		  .userid = 11,
		  .dbid = 5,
		  .toplevel = 1,
		  .calls = 1,
		  .total_ms = 0.125,
		  .rows = 0 },
	};
	struct pg_deltas d = { 0 };
	struct pg_snap *s = xcalloc(1, sizeof *s);
	struct pg_stmt *all = NULL;
	size_t n, i;
	int reset;

	pg_deltas_sample(&d, e, 3, 1000, &all, &reset);
	free(all);
	e[0].calls = 9;
	e[0].total_ms = 18;
	n = pg_deltas_sample(&d, e, 3, 1000, &all, &reset);
	pg_deltas_free(&d);
	pg_snap_stmts(s, all, n, pg_stmts_pick(all, n, PG_STMTS_TOP));
	for (i = 0; i < s->nstmts; i++)
		s->stmts[i].query =
			xstrdup(s->stmts[i].id == -8 ? "ALTER ROLE app PASSWORD 'hunter2'"
						     : "SELECT $1 FROM fleet");
	for (i = 0; i < s->nstmts; i++)
		s->stmts[i].query_len = strlen(s->stmts[i].query);
	s->server_version = 160002;
	s->exec_cols = 1;
	s->interval = 2.5;
	s->stats_reset = 1718870400.25;
	s->max_conn = 100;
	s->n_total = 3, s->n_active = 2, s->n_idle = 1, s->n_waiting = 1;
	s->oldest_xact = 42.5;
	snprintf(s->hint, sizeof s->hint,
		 "connect with postgres://admin:s3cret@db/app to create it");
	s->nsessions = 3;
	s->sessions = xcalloc(3, sizeof *s->sessions);
	for (i = 0; i < 3; i++) {
		struct pg_session *x = &s->sessions[i];

		x->pid = 100 + (int)i;
		x->user = xstrdup("app");
		x->db = xstrdup("fleet");
		x->state = xstrdup(i ? "active" : "idle in transaction");
		x->wait_type = i == 2 ? xstrdup("Lock") : NULL;
		x->wait_event = i == 2 ? xstrdup("transactionid") : NULL;
		x->query = xstrdup(i == 1 ? "SELECT pgp_sym_decrypt(col, 'k3y') FROM t"
					  : "UPDATE t SET x = 1");
		x->query_len = strlen(x->query);
		x->query_age = 3.5 * (double)i;
		x->xact_age = i ? 10 : -1;
	}
	assert_int_equal(pg_parse_int_array("{100,101}", &s->sessions[2].blocked_by), 2);
	s->sessions[2].nblocked_by = 2;
	s->ntree = pg_blocking_tree(s->sessions, 3, &s->tree);
	s->view = PG_VIEW_SIZES;
	s->grid.ncols = 2;
	s->grid.nrows = 2;
	s->grid.cells = xcalloc(4, sizeof *s->grid.cells);
	s->grid.cells[0] = xstrdup("public.trips");
	s->grid.cells[1] = xstrdup("12 GB");
	s->grid.cells[2] = xstrdup("public.vehicles");
	s->grid.cells[3] = NULL; /* a SQL NULL */
	s->action_seq = 2;
	s->action_ok = 1;
	snprintf(s->action_msg, sizeof s->action_msg, "cancelled 101");
	return s;
}

TEST(test_codec_pg)
{
	struct pg_snap *s = test_codec_pg_snap();
	char *text;
	struct pg_snap *b = test_codec_roundtrip(&pg_backend, s, &text);
	size_t i;

	/* what the panel hides never leaves */
	assert_null(strstr(text, "hunter2"));
	assert_null(strstr(text, "k3y"));
	assert_null(strstr(text, "s3cret"));
	assert_int_equal(b->nstmts, s->nstmts);
	assert_int_equal(b->nstmts, 3);
	for (i = 0; i < s->nstmts; i++) {
		const struct pg_stmt *x = &s->stmts[i], *y = &b->stmts[i];

		assert_string_equal(y->queryid, x->queryid);
		assert_int_equal(y->id, x->id);
		assert_true(y->calls == x->calls && y->total_ms == x->total_ms &&
			    y->rows == x->rows);
		assert_true(y->d_calls == x->d_calls && y->d_total_ms == x->d_total_ms);
		assert_int_equal(y->has_delta, x->has_delta);
		assert_int_equal(y->is_new, x->is_new);
		assert_int_equal(y->query_len, x->query_len);
		if (x->id == -8)
			assert_string_equal(y->query, "ALTER ROLE app PASSWORD '***'");
		else
			assert_string_equal(y->query, x->query);
	}
	assert_int_equal(b->nall, s->nall);
	assert_true(b->total_ms == s->total_ms && b->d_total_ms == s->d_total_ms);
	assert_true(b->stats_reset == 1718870400.25 && b->interval == 2.5);
	assert_int_equal(b->server_version, 160002);
	assert_int_equal(b->n_waiting, 1);
	assert_true(strstr(b->hint, "postgres://admin:***@db") != NULL);
	assert_int_equal(b->nsessions, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(b->sessions[i].pid, s->sessions[i].pid);
		assert_string_equal(b->sessions[i].state, s->sessions[i].state);
		assert_true(b->sessions[i].query_age == s->sessions[i].query_age);
		assert_true(b->sessions[i].xact_age == s->sessions[i].xact_age);
	}
	assert_null(b->sessions[0].wait_type);
	assert_string_equal(b->sessions[2].wait_event, "transactionid");
	assert_null(strstr(b->sessions[1].query, "k3y"));
	assert_int_equal(b->sessions[2].nblocked_by, 2);
	assert_int_equal(b->sessions[2].blocked_by[1], 101);
	assert_int_equal(b->ntree, s->ntree);
	for (i = 0; i < s->ntree; i++) {
		assert_int_equal(b->tree[i].session, s->tree[i].session);
		assert_int_equal(b->tree[i].depth, s->tree[i].depth);
		assert_int_equal(b->tree[i].parent_pid, s->tree[i].parent_pid);
	}
	assert_int_equal(b->view, PG_VIEW_SIZES);
	assert_int_equal(b->grid.ncols, 2);
	assert_int_equal(b->grid.nrows, 2);
	assert_string_equal(b->grid.cells[2], "public.vehicles");
	assert_null(b->grid.cells[3]);
	assert_int_equal(b->action_seq, 2);
	assert_string_equal(b->action_msg, "cancelled 101");
	free(text);
	pg_snap_free(b);

	test_codec_refused(&pg_backend, s, "tree.1.session", cJSON_CreateNumber(3),
			   "postgres: tree[1].session: not an integer from 0 to 2");
	test_codec_refused(&pg_backend, s, "grid.rows.1",
			   cJSON_CreateStringArray((const char *[]){ "x" }, 1),
			   "postgres: grid.rows[1]: 1 cells, not ncols (2)");
	test_codec_refused(&pg_backend, s, "sessions.2.blocked_by.0", cJSON_CreateNumber(-1),
			   "postgres: sessions[2].blocked_by[0]: not an integer from 0");
	test_codec_refused(&pg_backend, s, "stmts.0.query", cJSON_CreateNumber(0),
			   "postgres: stmts[0].query: not a string or null");
	{
		char big[600];

		memset(big, 'h', 512);
		big[512] = '\0';
		test_codec_refused(&pg_backend, s, "hint", cJSON_CreateString(big),
				   "postgres: hint: too long (512 bytes, at most 511)");
	}
	pg_snap_free(s);
}

/* ---- prom ------------------------------------------------------------ */

static struct prom_snap *test_codec_prom_snap(void)
{
	const char *silences =
		"[{\"id\":\"5c1e\",\"status\":{\"state\":\"active\"},\"createdBy\":\"ops\","
		"\"comment\":\"maintenance\",\"startsAt\":\"2025-06-20T08:00:00Z\","
		"\"endsAt\":\"2025-06-20T10:00:00Z\",\"matchers\":[{\"name\":\"alertname\","
		"\"value\":\"AlwaysInfo\",\"isRegex\":false,\"isEqual\":true}]}]";
	struct prom_snap *s = xcalloc(1, sizeof *s);
	char err[256];
	size_t len;
	char *body = test_fixture("prom", "am_alerts.json", &len);

	assert_int_equal(prom_parse_alerts(body, len, 0, s, err, sizeof err), 0);
	assert_int_equal(prom_parse_silences(silences, strlen(silences), s, err, sizeof err), 0);
	prom_sort_alerts(s->alerts, s->nalerts);
	s->nchecks = 1;
	s->checks = xcalloc(1, sizeof *s->checks);
	s->checks[0].name = xstrdup("alertmanager");
	s->checks[0].url = xstrdup("http://127.0.0.1:9093/-/healthy");
	s->checks[0].level = 1;
	s->checks[0].status = 503;
	s->checks[0].ms = 12.75;
	snprintf(s->checks[0].detail, sizeof s->checks[0].detail, "503 Service Unavailable");
	snprintf(s->partial, sizeof s->partial, "http://am2:9093: connection refused");
	s->nrequests = 1;
	free(body);
	return s;
}

static void test_codec_prom_pairs(const struct prom_label *x, const struct prom_label *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_string_equal(y[i].name, x[i].name);
		assert_string_equal(y[i].value, x[i].value);
	}
}

TEST(test_codec_prom)
{
	struct prom_snap *s = test_codec_prom_snap();
	char *text;
	struct prom_snap *b = test_codec_roundtrip(&prom_backend, s, &text);
	size_t i;

	assert_int_equal(b->nalerts, 4);
	assert_null(b->arena);
	for (i = 0; i < s->nalerts; i++) {
		const struct prom_alert *x = &s->alerts[i], *y = &b->alerts[i];

		assert_string_equal(y->fingerprint, x->fingerprint);
		assert_string_equal(y->name, x->name);
		assert_string_equal(y->severity, x->severity);
		assert_string_equal(y->summary, x->summary);
		assert_string_equal(y->state, x->state);
		assert_true((y->silenced_by == NULL) == (x->silenced_by == NULL));
		assert_true(y->starts_at == x->starts_at);
		assert_string_equal(y->where, x->where);
		assert_string_equal(y->labels_text, x->labels_text);
		assert_int_equal(y->nlabels, x->nlabels);
		test_codec_prom_pairs(x->labels, y->labels, x->nlabels);
		assert_int_equal(y->nannotations, x->nannotations);
		test_codec_prom_pairs(x->annotations, y->annotations, x->nannotations);
	}
	/* the hostile annotation's bytes are kept: drawing sanitises them */
	assert_non_null(strchr(b->alerts[3].summary, '\033'));
	assert_string_equal(prom_label(&b->alerts[0], "service"), "fleet-manager");
	assert_int_equal(b->nsilences, 1);
	assert_string_equal(b->silences[0].matchers, s->silences[0].matchers);
	assert_true(b->silences[0].ends_at == s->silences[0].ends_at);
	assert_string_equal(b->silences[0].id, "5c1e");
	assert_string_equal(b->silences[0].state, "active");
	assert_string_equal(b->silences[0].created_by, "ops");
	assert_string_equal(b->silences[0].comment, "maintenance");
	assert_int_equal(b->nchecks, 1);
	assert_int_equal(b->checks[0].status, 503);
	assert_true(b->checks[0].ms == 12.75);
	assert_string_equal(b->checks[0].detail, "503 Service Unavailable");
	assert_string_equal(b->partial, s->partial);
	free(text);
	prom_snap_free(b);

	test_codec_refused(&prom_backend, s, "alerts.2.labels.severity", cJSON_CreateNumber(2),
			   "prom: alerts[2].labels.severity: not a string");
	test_codec_refused(&prom_backend, s, "alerts.0.name", cJSON_CreateNull(),
			   "prom: alerts[0].name: not a string");
	test_codec_refused(&prom_backend, s, "alerts.1.starts_at", NULL,
			   "prom: alerts[1].starts_at: missing");
	test_codec_refused(&prom_backend, s, "checks.0.level", cJSON_CreateNumber(3),
			   "prom: checks[0].level: not an integer from 0 to 2");
	{
		char *big = xmalloc(CODEC_STR_MAX + 2);

		memset(big, 'a', CODEC_STR_MAX + 1);
		big[CODEC_STR_MAX + 1] = '\0';
		test_codec_refused(
			&prom_backend, s, "alerts.3.summary", cJSON_CreateString(big),
			"prom: alerts[3].summary: too long (65537 bytes, at most 65536)");
		free(big);
	}
	prom_snap_free(s);
}

/* ---- kubernetes ------------------------------------------------------ */

/* A PodList of the fixture's pods, as a server without Table answers. */
static char *test_codec_podlist(size_t *len)
{
	char *fix = test_fixture("k8s", "atlasmesh.json", len);
	cJSON *root = cJSON_Parse(fix), *list = cJSON_CreateObject(), *items, *it;
	char *out;

	assert_non_null(root);
	cJSON_AddStringToObject(list, "kind", "PodList");
	cJSON_AddStringToObject(list, "apiVersion", "v1");
	items = cJSON_AddArrayToObject(list, "items");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "items"))
		cJSON_AddItemToArray(
			items, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(it, "pod"), 1));
	out = cJSON_PrintUnformatted(list);
	*len = strlen(out);
	cJSON_Delete(list);
	cJSON_Delete(root);
	free(fix);
	return out;
}

static struct k8s_snap *test_codec_k8s_snap(void)
{
	struct k8s_snap *s = xcalloc(1, sizeof *s);
	struct k8s_pod *pods = NULL;
	size_t len, n = 0, i;
	int table = -1;
	char *cont = NULL, *rv = NULL, err[256];
	char *body = test_codec_podlist(&len);

	assert_int_equal(k8s_parse_list(body, len, &pods, &n, &table, &cont, &rv, err, sizeof err),
			 0);
	assert_true(n > 10);
	assert_int_equal(table, 0);
	pods[0].cpu_milli = 250;
	pods[0].mem_bytes = 128L << 20;
	k8s_snap_pods(s, pods, n);
	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
	free(cont);
	free(rv);
	free(body);
	s->context = xstrdup("atlasmesh-prod");
	s->server = xstrdup("https://127.0.0.1:6443");
	s->user = xstrdup("oncall");
	s->ncontexts = 2;
	s->contexts = xcalloc(3, sizeof *s->contexts);
	s->contexts[0] = xstrdup("atlasmesh-prod");
	s->contexts[1] = xstrdup("atlasmesh-staging");
	s->watching = 1;
	s->lists = 2;
	s->events = 17;
	s->have_metrics = 1;
	s->access.delete_pods = 1;
	s->access.patch_workloads = 0;
	s->access.scale_workloads = -1;
	s->access.exec_pods = 1;
	s->nrequests = 3;
	s->request_kind = K8S_REQ_DESCRIBE;
	snprintf(s->request_msg, sizeof s->request_msg, "described");
	s->request_target = xasprintf("%s/%s", s->pods[0].ns, s->pods[0].name);
	s->request_text =
		xstrdup("Environment:\n  DATABASE_URL: postgres://fleet:pg-Secr3t@db:5432/fleet\n"
			"  LOG_LEVEL: info\n");
	return s;
}

TEST(test_codec_k8s)
{
	struct k8s_snap *s = test_codec_k8s_snap();
	char *text;
	struct k8s_snap *b = test_codec_roundtrip(&k8s_backend, s, &text);
	size_t i, k;

	assert_null(strstr(text, "pg-Secr3t"));
	assert_int_equal(b->npods, s->npods);
	assert_non_null(b->block);
	for (i = 0; i < s->npods; i++) {
		const struct k8s_pod *x = &s->pods[i], *y = &b->pods[i];

		assert_string_equal(y->uid, x->uid);
		assert_string_equal(y->ns, x->ns);
		assert_string_equal(y->name, x->name);
		assert_string_equal(y->ready, x->ready);
		assert_string_equal(y->status, x->status);
		assert_int_equal(y->restarts, x->restarts);
		assert_true(y->last_restart == x->last_restart && y->created == x->created);
		assert_string_equal(y->node, x->node);
		assert_string_equal(y->ip, x->ip);
		assert_true((y->owner_kind == NULL) == (x->owner_kind == NULL));
		if (x->owner_name != NULL)
			assert_string_equal(y->owner_name, x->owner_name);
		for (k = 0; x->containers[k] != NULL; k++)
			assert_string_equal(y->containers[k], x->containers[k]);
		assert_null(y->containers[k]);
		assert_int_equal(y->cpu_milli, x->cpu_milli);
		assert_int_equal(y->mem_bytes, x->mem_bytes);
		assert_int_equal(y->severity, x->severity);
	}
	assert_int_equal(b->pods[0].cpu_milli, 250);
	assert_string_equal(b->context, "atlasmesh-prod");
	assert_null(b->ns);
	assert_int_equal(b->ncontexts, 2);
	assert_string_equal(b->contexts[1], "atlasmesh-staging");
	assert_null(b->contexts[2]);
	assert_int_equal(b->events, 17);
	assert_int_equal(b->access.scale_workloads, -1);
	assert_int_equal(b->access.exec_pods, 1);
	assert_int_equal(b->nrequests, 3);
	assert_int_equal(b->request_kind, K8S_REQ_DESCRIBE);
	assert_string_equal(b->request_target, s->request_target);
	assert_non_null(strstr(b->request_text, "LOG_LEVEL: info"));
	assert_null(strstr(b->request_text, "pg-Secr3t"));
	free(text);
	k8s_snap_free(b);

	test_codec_refused(&k8s_backend, s, "pods.4.containers.0", cJSON_CreateFalse(),
			   "kubernetes: pods[4].containers[0]: not a string");
	test_codec_refused(&k8s_backend, s, "pods.0.severity", cJSON_CreateNumber(-1),
			   "kubernetes: pods[0].severity: not an integer from 0 to 3");
	test_codec_refused(&k8s_backend, s, "access.delete_pods", cJSON_CreateNumber(2),
			   "kubernetes: access.delete_pods: not an integer from -1 to 1");
	test_codec_refused(&k8s_backend, s, "pods", test_codec_numbers(CODEC_ROWS_MAX + 1),
			   "kubernetes: pods: more than 100000 elements");
	test_codec_refused(&k8s_backend, s, "pods.1.uid", NULL, "kubernetes: pods[1].uid: missing");
	k8s_snap_free(s);
}
