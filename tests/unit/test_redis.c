/*
 * test_redis.c - unit tests for the pure parts of backends/redis.c: INFO
 * parsing from text recorded from a real redis-server 7.0
 * (tests/fixtures/redis/), the rate arithmetic between two samples, the
 * redis-cli style reply renderer, the step tokenizer and the URL
 * splitter. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/redis.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define FIX "tests/fixtures/redis/"

static char *test_redis_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

TEST(test_redis_info_recorded)
{
	char *text = test_redis_slurp(FIX "info-7.0-master.txt");
	struct redis_info in;

	assert_true(redis_info_parse(text, &in) > 100);
	assert_string_equal(in.version, "7.0.15");
	assert_string_equal(in.role, "master");
	assert_string_equal(in.policy, "allkeys-lru");
	assert_string_equal(in.bgsave_status, "ok");
	assert_int_equal(in.maxmemory, 2097152);
	assert_int_equal(in.used_memory, 1019920);
	assert_true(in.used_memory_rss > 0);
	assert_true(in.used_memory_peak >= in.used_memory);
	assert_true(in.total_system_memory > 0);
	assert_true(in.frag_ratio > 0);
	assert_int_equal(in.keyspace_hits, 1);
	assert_int_equal(in.keyspace_misses, 1);
	assert_int_equal(in.connected_clients, 1);
	assert_int_equal(in.ndbs, 2);
	assert_int_equal(in.dbs[0].db, 0);
	assert_int_equal(in.dbs[0].keys, 50);
	assert_int_equal(in.dbs[1].db, 2);
	assert_int_equal(in.dbs[1].keys, 1);
	assert_int_equal(in.min_slave_offset, -1);
	free(text);
}

TEST(test_redis_info_replication)
{
	const char *master = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
			     "slave0:ip=10.0.0.6,port=6379,state=online,offset=900,lag=0\r\n"
			     "slave1:ip=10.0.0.7,port=6379,state=online,offset=700,lag=1\r\n"
			     "master_repl_offset:1000\r\n";
	const char *replica = "role:slave\nmaster_link_status:down\nslave_repl_offset:40\n"
			      "master_repl_offset:50\n";
	struct redis_info in;

	assert_int_equal(redis_info_parse(master, &in), 5);
	assert_int_equal(in.connected_slaves, 2);
	assert_int_equal(in.min_slave_offset, 700);
	assert_int_equal(in.master_repl_offset, 1000);
	assert_true(redis_info_parse(replica, &in) > 0);
	assert_string_equal(in.role, "slave");
	assert_string_equal(in.link_status, "down");
	assert_int_equal(in.slave_repl_offset, 40);
}

TEST(test_redis_info_garbage)
{
	struct redis_info in;
	char big[3000];

	assert_int_equal(redis_info_parse("", &in), -1);
	assert_int_equal(redis_info_parse("# Server\r\n\r\n", &in), -1);
	/* Over-long lines and values are skipped or cut, never overflow. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "redis_version:", 14);
	assert_int_equal(redis_info_parse(big, &in), -1);
	assert_true(redis_info_parse("role:masterxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", &in) == 1);
	assert_int_equal(strlen(in.role), sizeof in.role - 1);
	assert_true(redis_info_parse("db0:nonsense\ndb99999999999:keys=1\n", &in) == 2);
}

TEST(test_redis_rates)
{
	struct redis_info a, b;
	struct redis_rates r;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.total_commands = 1000;
	b.total_commands = 1500;
	a.evicted_keys = 10;
	b.evicted_keys = 30;
	a.expired_keys = 5;
	b.expired_keys = 5;
	a.keyspace_hits = 100;
	b.keyspace_hits = 190;
	a.keyspace_misses = 50;
	b.keyspace_misses = 60;
	redis_rates_compute(&a, &b, 2.0, &r);
	assert_float_equal(r.ops, 250, 1e-9);
	assert_float_equal(r.evicted, 10, 1e-9);
	assert_float_equal(r.expired, 0, 1e-9);
	assert_float_equal(r.hit_ratio, 0.9, 1e-9);
	/* A restart resets the counters: no negative rates. */
	b.evicted_keys = 1;
	b.total_commands = 10;
	b.instantaneous_ops = 42;
	redis_rates_compute(&a, &b, 2.0, &r);
	assert_float_equal(r.evicted, -1, 1e-9);
	assert_float_equal(r.ops, 42, 1e-9);
	/* First sample: the instantaneous figure and the lifetime ratio. */
	redis_rates_compute(NULL, &b, 0, &r);
	assert_float_equal(r.ops, 42, 1e-9);
	assert_float_equal(r.evicted, -1, 1e-9);
	assert_float_equal(r.hit_ratio, 190.0 / 250.0, 1e-9);
	b.keyspace_hits = b.keyspace_misses = 0;
	redis_rates_compute(NULL, &b, 0, &r);
	assert_float_equal(r.hit_ratio, -1, 1e-9);
}

/* Counters near LLONG_MAX, as a hostile INFO may report them (found by
 * fuzz_redis_info: the sums overflowed): rates and ratios stay sane. */
TEST(test_redis_rates_huge)
{
	struct redis_info a, b;
	struct redis_rates r;

	assert_true(redis_info_parse("keyspace_hits:9223372036854775807\n"
				     "keyspace_misses:1\n"
				     "total_commands_processed:9223372036854775807\n",
				     &b) == 3);
	assert_true(redis_info_parse("keyspace_hits:-1\ntotal_commands_processed:-1\n", &a) == 2);
	redis_rates_compute(NULL, &b, 0, &r);
	assert_true(r.hit_ratio > 0.99 && r.hit_ratio <= 1);
	redis_rates_compute(&a, &b, 2.0, &r);
	assert_true(r.ops > 4e18);
	assert_true(r.hit_ratio > 0.99 && r.hit_ratio <= 1);
}

static redisReply *test_redis_reply(int type)
{
	redisReply *r = calloc(1, sizeof *r);

	r->type = type;
	return r;
}

static redisReply *test_redis_str(int type, const char *s)
{
	redisReply *r = test_redis_reply(type);

	r->str = strdup(s);
	r->len = strlen(s);
	return r;
}

/* Render r onto sb, then free it. */
static void test_redis_render_one(redisReply *r, struct strbuf *sb)
{
	redis_reply_render(r, sb);
	freeReplyObject(r);
}

TEST(test_redis_render)
{
	struct strbuf sb = { 0 };
	redisReply *r, *inner;

	test_redis_render_one(test_redis_str(REDIS_REPLY_STATUS, "OK"), &sb);
	test_redis_render_one(test_redis_str(REDIS_REPLY_ERROR, "ERR unknown command"), &sb);
	r = test_redis_reply(REDIS_REPLY_INTEGER);
	r->integer = -7;
	test_redis_render_one(r, &sb);
	test_redis_render_one(test_redis_reply(REDIS_REPLY_NIL), &sb);
	test_redis_render_one(test_redis_str(REDIS_REPLY_STRING, "a b"), &sb);
	test_redis_render_one(test_redis_str(REDIS_REPLY_STRING, "# Memory\r\nused_memory:1\r\n"),
			      &sb);
	assert_string_equal(sb.buf, "OK\n(error) ERR unknown command\n(integer) -7\n(nil)\n"
				    "\"a b\"\n# Memory\nused_memory:1\n");
	strbuf_reset(&sb);

	/* Nested arrays are numbered and indented like redis-cli. */
	r = test_redis_reply(REDIS_REPLY_ARRAY);
	r->elements = 3;
	r->element = calloc(3, sizeof *r->element);
	r->element[0] = test_redis_str(REDIS_REPLY_STRING, "0");
	inner = test_redis_reply(REDIS_REPLY_ARRAY);
	inner->elements = 2;
	inner->element = calloc(2, sizeof *inner->element);
	inner->element[0] = test_redis_str(REDIS_REPLY_STRING, "fleet:1");
	inner->element[1] = test_redis_reply(REDIS_REPLY_NIL);
	r->element[1] = inner;
	r->element[2] = test_redis_reply(REDIS_REPLY_ARRAY);
	test_redis_render_one(r, &sb);
	assert_string_equal(sb.buf, "1) \"0\"\n2) 1) \"fleet:1\"\n   2) (nil)\n3) (empty array)\n");
	strbuf_free(&sb);
}

TEST(test_redis_tokenize)
{
	char **argv;
	size_t *lens;
	char err[64];
	int n;

	n = redis_tokenize("  DEL \"fleet:*\"  'a b' c\\d\n", &argv, &lens, err, sizeof err);
	assert_int_equal(n, 4);
	assert_string_equal(argv[0], "DEL");
	assert_string_equal(argv[1], "fleet:*");
	assert_string_equal(argv[2], "a b");
	assert_string_equal(argv[3], "c\\d");
	redis_argv_free(argv, lens, n);

	n = redis_tokenize("SET \"k\\x00\\n\\\"q\" v\"w x\"", &argv, &lens, err, sizeof err);
	assert_int_equal(n, 3);
	assert_int_equal(lens[1], 5);
	assert_memory_equal(argv[1], "k\0\n\"q", 5);
	assert_string_equal(argv[2], "vw x");
	redis_argv_free(argv, lens, n);

	n = redis_tokenize("   ", &argv, &lens, err, sizeof err);
	assert_int_equal(n, 0);
	redis_argv_free(argv, lens, n);
	n = redis_tokenize("GET \"open", &argv, &lens, err, sizeof err);
	assert_int_equal(n, -1);
	assert_string_equal(err, "unbalanced quotes");
	n = redis_tokenize("GET 'open", &argv, &lens, err, sizeof err);
	assert_int_equal(n, -1);
}

TEST(test_redis_target)
{
	struct redis_target t;
	char err[128];

	assert_int_equal(redis_target_parse("redis://10.0.0.5:6380/3", &t, err, sizeof err), 0);
	assert_string_equal(t.host, "10.0.0.5");
	assert_int_equal(t.port, 6380);
	assert_int_equal(t.db, 3);
	assert_null(t.password);
	redis_target_free(&t);
	assert_int_equal(redis_target_parse("redis://app:p%40ss@h", &t, err, sizeof err), 0);
	assert_string_equal(t.user, "app");
	assert_string_equal(t.password, "p@ss");
	assert_int_equal(t.port, 6379);
	assert_int_equal(t.db, 0);
	redis_target_free(&t);
	assert_int_equal(redis_target_parse("redis://:pw@[::1]:7000/1", &t, err, sizeof err), 0);
	assert_null(t.user);
	assert_string_equal(t.password, "pw");
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, 7000);
	redis_target_free(&t);
	assert_int_equal(redis_target_parse("/run/redis.sock", &t, err, sizeof err), 0);
	assert_string_equal(t.path, "/run/redis.sock");
	redis_target_free(&t);
	assert_int_equal(redis_target_parse("unix:///s.sock?db=2", &t, err, sizeof err), 0);
	assert_string_equal(t.path, "/s.sock");
	assert_int_equal(t.db, 2);
	redis_target_free(&t);
	assert_int_equal(redis_target_parse("rediss://h", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("http://h", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("redis://h:99999", &t, err, sizeof err), -1);
	/* Numbers are numbers: no trailing junk, no sign, no overflow. */
	assert_int_equal(redis_target_parse("redis://h:63x79", &t, err, sizeof err), -1);
	assert_string_equal(err, "bad port or db in URL");
	assert_int_equal(redis_target_parse("redis://h:", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("redis://h/-1", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("redis://h/99999999999", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("redis://[::1]x", &t, err, sizeof err), -1);
	assert_int_equal(redis_target_parse("unix:///s.sock?db=-1", &t, err, sizeof err), -1);
	assert_string_equal(err, "bad db in URL");
	assert_int_equal(redis_target_parse("redis://h:6379/", &t, err, sizeof err), 0);
	assert_int_equal(t.db, 0);
	redis_target_free(&t);
}
