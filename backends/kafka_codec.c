/*
 * kafka_codec.c - a Kafka snapshot (struct kafka_snap: groups with their
 * partitions, topics, the newest reset) as JSON and back (kafka_backend's
 * snapshot_encode/decode; codec.h). Its texts come masked from the
 * poller (kafka_mask), which the lag panel draws as they are.
 */
#include <limits.h>

#include "backends/codec.h"
#include "backends/kafka.h"

#define KAFKA_CODEC_LL (1000000000000000000LL) /* offsets and lags: far beyond any real one */

static const struct codec_field kafka_codec_part[] = {
	CODEC_S(struct kafka_part, topic),
	CODEC_I(struct kafka_part, partition, -1, INT_MAX),
	CODEC_LL(struct kafka_part, committed, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_LL(struct kafka_part, end, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_LL(struct kafka_part, lag, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_D(struct kafka_part, lag_seconds),
	CODEC_E(struct kafka_part, status, KAFKA_OK, KAFKA_ERR),
	CODEC_B(struct kafka_part, owner),
};

static const struct codec_field kafka_codec_num[] = { CODEC_ELEM(CODEC_DBL, 0, 0) };

static const struct codec_field kafka_codec_group[] = {
	CODEC_S(struct kafka_group, id),
	CODEC_B(struct kafka_group, state),
	CODEC_I(struct kafka_group, members, -1, INT_MAX),
	CODEC_LL(struct kafka_group, lag, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_D(struct kafka_group, lag_seconds),
	CODEC_D(struct kafka_group, rate),
	CODEC_D(struct kafka_group, produce_rate),
	CODEC_D(struct kafka_group, catchup),
	CODEC_E(struct kafka_group, status, KAFKA_OK, KAFKA_ERR),
	CODEC_B(struct kafka_group, error),
	CODEC_FIXED(struct kafka_group, hist, nhist, kafka_codec_num),
	CODEC_ROWS(struct kafka_group, parts, nparts, kafka_codec_part, CODEC_ROWS_MAX),
};

static const struct codec_field kafka_codec_broker[] = { CODEC_ELEM(CODEC_INT, -1, INT_MAX) };

static const struct codec_field kafka_codec_tpart[] = {
	CODEC_I(struct kafka_topic_part, partition, -1, INT_MAX),
	CODEC_I(struct kafka_topic_part, leader, -1, INT_MAX),
	CODEC_FIXED(struct kafka_topic_part, replicas, nreplicas, kafka_codec_broker),
	CODEC_FIXED(struct kafka_topic_part, isr, nisr, kafka_codec_broker),
	CODEC_B(struct kafka_topic_part, error),
};

static const struct codec_field kafka_codec_topic[] = {
	CODEC_S(struct kafka_topic, name),
	CODEC_ROWS(struct kafka_topic, parts, nparts, kafka_codec_tpart, CODEC_ROWS_MAX),
};

static const struct codec_field kafka_codec_row[] = {
	CODEC_I(struct kafka_reset_row, partition, -1, INT_MAX),
	CODEC_LL(struct kafka_reset_row, current, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_LL(struct kafka_reset_row, next, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
	CODEC_LL(struct kafka_reset_row, delta, -KAFKA_CODEC_LL, KAFKA_CODEC_LL),
};

static const struct codec_field kafka_codec_reset[] = {
	CODEC_UL(struct kafka_reset, seq),
	CODEC_I(struct kafka_reset, executed, 0, 1),
	CODEC_I(struct kafka_reset, ok, 0, 1),
	CODEC_SN(struct kafka_reset, group),
	CODEC_SN(struct kafka_reset, topic),
	CODEC_E(struct kafka_reset, mode, KAFKA_RESET_EARLIEST, KAFKA_RESET_SHIFT),
	CODEC_B(struct kafka_reset, value),
	CODEC_ROWS(struct kafka_reset, rows, nrows, kafka_codec_row, CODEC_ROWS_MAX),
	CODEC_B(struct kafka_reset, error),
	CODEC_B(struct kafka_reset, note),
};

static const struct codec_field kafka_codec_snap[] = {
	CODEC_ROWS(struct kafka_snap, groups, ngroups, kafka_codec_group, CODEC_ROWS_MAX),
	CODEC_ROWS(struct kafka_snap, topics, ntopics, kafka_codec_topic, CODEC_ROWS_MAX),
	CODEC_I(struct kafka_snap, nbrokers, -1, INT_MAX),
	CODEC_I(struct kafka_snap, listed, 0, 1),
	CODEC_B(struct kafka_snap, note),
	CODEC_PTR(struct kafka_snap, reset, kafka_codec_reset),
};

CODEC_DEFINE(kafka, kafka_backend, struct kafka_snap, kafka_codec_snap)
