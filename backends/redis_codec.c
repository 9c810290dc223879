/*
 * redis_codec.c - a Redis snapshot (struct redis_snap) as JSON and back
 * (redis_backend's snapshot_encode/decode; codec.h). The snapshot holds
 * INFO's figures and short words from the server, no secret.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/redis.h"
#include "lib/util.h"

/* The long long fields of struct redis_info, by name. */
#define REDIS_CODEC_LL(X)                                                                          \
	X(uptime)                                                                                  \
	X(used_memory)                                                                             \
	X(used_memory_rss)                                                                         \
	X(used_memory_peak)                                                                        \
	X(maxmemory)                                                                               \
	X(total_system_memory)                                                                     \
	X(evicted_keys)                                                                            \
	X(expired_keys)                                                                            \
	X(keyspace_hits)                                                                           \
	X(keyspace_misses)                                                                         \
	X(total_commands)                                                                          \
	X(connected_clients)                                                                       \
	X(blocked_clients)                                                                         \
	X(master_repl_offset)                                                                      \
	X(slave_repl_offset)                                                                       \
	X(connected_slaves)                                                                        \
	X(min_slave_offset)                                                                        \
	X(changes_since_save)                                                                      \
	X(last_save_time)

#define REDIS_CODEC_STR(X) X(version) X(role) X(policy) X(link_status) X(bgsave_status)

cJSON *redis_codec_encode(const void *snap)
{
	const struct redis_snap *s = snap;
	const struct redis_info *in = &s->info;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e), *o, *a, *r;
	size_t i;

	o = codec_put_obj(&e, root, "info");
#define PUT_STR(f) codec_put_str(&e, o, #f, in->f);
#define PUT_LL(f) codec_put_num(&e, o, #f, (double)in->f);
	REDIS_CODEC_STR(PUT_STR)
	REDIS_CODEC_LL(PUT_LL)
#undef PUT_STR
#undef PUT_LL
	codec_put_num(&e, o, "frag_ratio", in->frag_ratio);
	codec_put_num(&e, o, "instantaneous_ops", in->instantaneous_ops);
	codec_put_num(&e, o, "nfields", (double)in->nfields);
	a = codec_put_arr(&e, o, "dbs");
	for (i = 0; i < in->ndbs && i < REDIS_MAX_DBS; i++) {
		cJSON *db = codec_put_obj(&e, a, NULL);

		codec_put_num(&e, db, "db", in->dbs[i].db);
		codec_put_num(&e, db, "keys", (double)in->dbs[i].keys);
		codec_put_num(&e, db, "expires", (double)in->dbs[i].expires);
	}
	r = codec_put_obj(&e, root, "rates");
	codec_put_num(&e, r, "ops", s->rates.ops);
	codec_put_num(&e, r, "evicted", s->rates.evicted);
	codec_put_num(&e, r, "expired", s->rates.expired);
	codec_put_num(&e, r, "hit_ratio", s->rates.hit_ratio);
	a = codec_put_arr(&e, root, "ops_hist");
	for (i = 0; i < s->nhist && i < REDIS_HISTORY; i++)
		codec_put_num(&e, a, NULL, s->ops_hist[i]);
	codec_put_num(&e, root, "db", s->db);
	return codec_enc_done(&e, root);
}

static void redis_codec_info(struct codec_dec *d, const cJSON *o, struct redis_info *in)
{
	const cJSON *a, *it;
	size_t n, i = 0;

	codec_enter(d, "info", -1);
#define GET_STR(f) codec_buf(d, o, #f, in->f, sizeof in->f);
#define GET_LL(f) in->f = codec_int(d, o, #f, LLONG_MIN, LLONG_MAX);
	REDIS_CODEC_STR(GET_STR)
	REDIS_CODEC_LL(GET_LL)
#undef GET_STR
#undef GET_LL
	in->frag_ratio = codec_num(d, o, "frag_ratio");
	in->instantaneous_ops = codec_num(d, o, "instantaneous_ops");
	in->nfields = (size_t)codec_int(d, o, "nfields", 0, INT_MAX);
	a = codec_arr(d, o, "dbs", REDIS_MAX_DBS, &n);
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "dbs", (long)i);
		in->dbs[i].db = (int)codec_int(d, codec_obj(d, it, NULL), "db", 0, INT_MAX);
		in->dbs[i].keys = codec_int(d, it, "keys", LLONG_MIN, LLONG_MAX);
		in->dbs[i].expires = codec_int(d, it, "expires", LLONG_MIN, LLONG_MAX);
		codec_leave(d);
		i++;
	}
	in->ndbs = n;
	codec_leave(d);
}

void *redis_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct redis_snap *s;
	const cJSON *o, *a, *it;
	size_t n;

	if (codec_dec_init(&d, j, "redis", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	o = codec_obj(&d, j, "info");
	redis_codec_info(&d, o, &s->info);
	o = codec_obj(&d, j, "rates");
	codec_enter(&d, "rates", -1);
	s->rates.ops = codec_num(&d, o, "ops");
	s->rates.evicted = codec_num(&d, o, "evicted");
	s->rates.expired = codec_num(&d, o, "expired");
	s->rates.hit_ratio = codec_num(&d, o, "hit_ratio");
	codec_leave(&d);
	a = codec_arr(&d, j, "ops_hist", REDIS_HISTORY, &n);
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(&d, "ops_hist", (long)s->nhist);
		s->ops_hist[s->nhist++] = codec_num(&d, it, NULL);
		codec_leave(&d);
	}
	s->db = (int)codec_int(&d, j, "db", 0, INT_MAX);
	if (d.bad) {
		free(s);
		return NULL;
	}
	return s;
}
