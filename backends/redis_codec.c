/*
 * redis_codec.c - a Redis snapshot (struct redis_snap) as JSON and back
 * (redis_backend's snapshot_encode/decode; codec.h). The snapshot holds
 * INFO's figures and short words from the server, no secret.
 */
#include <limits.h>

#include "backends/codec.h"
#include "backends/redis.h"

#define REDIS_CODEC_LL(f) CODEC_LL(struct redis_info, f, LLONG_MIN, LLONG_MAX)

/* An element of struct redis_info's dbs (a struct without a name). */
typedef __typeof__(((struct redis_info *)0)->dbs[0]) redis_codec_db_t;

static const struct codec_field redis_codec_db[] = {
	CODEC_I(redis_codec_db_t, db, 0, INT_MAX),
	CODEC_LL(redis_codec_db_t, keys, LLONG_MIN, LLONG_MAX),
	CODEC_LL(redis_codec_db_t, expires, LLONG_MIN, LLONG_MAX),
};

static const struct codec_field redis_codec_info[] = {
	CODEC_B(struct redis_info, version),
	CODEC_B(struct redis_info, role),
	CODEC_B(struct redis_info, policy),
	CODEC_B(struct redis_info, link_status),
	CODEC_B(struct redis_info, bgsave_status),
	REDIS_CODEC_LL(uptime),
	REDIS_CODEC_LL(used_memory),
	REDIS_CODEC_LL(used_memory_rss),
	REDIS_CODEC_LL(used_memory_peak),
	REDIS_CODEC_LL(maxmemory),
	REDIS_CODEC_LL(total_system_memory),
	REDIS_CODEC_LL(evicted_keys),
	REDIS_CODEC_LL(expired_keys),
	REDIS_CODEC_LL(keyspace_hits),
	REDIS_CODEC_LL(keyspace_misses),
	REDIS_CODEC_LL(total_commands),
	REDIS_CODEC_LL(connected_clients),
	REDIS_CODEC_LL(blocked_clients),
	REDIS_CODEC_LL(master_repl_offset),
	REDIS_CODEC_LL(slave_repl_offset),
	REDIS_CODEC_LL(connected_slaves),
	REDIS_CODEC_LL(min_slave_offset),
	REDIS_CODEC_LL(changes_since_save),
	REDIS_CODEC_LL(last_save_time),
	CODEC_D(struct redis_info, frag_ratio),
	CODEC_D(struct redis_info, instantaneous_ops),
	CODEC_Z(struct redis_info, nfields, INT_MAX),
	CODEC_FIXED(struct redis_info, dbs, ndbs, redis_codec_db),
};

static const struct codec_field redis_codec_rates[] = {
	CODEC_D(struct redis_rates, ops),
	CODEC_D(struct redis_rates, evicted),
	CODEC_D(struct redis_rates, expired),
	CODEC_D(struct redis_rates, hit_ratio),
};

static const struct codec_field redis_codec_num[] = { CODEC_ELEM(CODEC_DBL, 0, 0) };

static const struct codec_field redis_codec_snap[] = {
	CODEC_OBJ(struct redis_snap, info, redis_codec_info),
	CODEC_OBJ(struct redis_snap, rates, redis_codec_rates),
	CODEC_FIXED(struct redis_snap, ops_hist, nhist, redis_codec_num),
	CODEC_I(struct redis_snap, db, 0, INT_MAX),
};

CODEC_DEFINE(redis, redis_backend, struct redis_snap, redis_codec_snap)
