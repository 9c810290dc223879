/*
 * kafka_admin.h - private to the Kafka source (kafka.c and
 * kafka_admin.c): the state its runner thread keeps, the handle helpers
 * kafka.c provides, and the Admin API calls kafka_admin.c makes (group
 * listing, committed offsets, group descriptions, the offset reset).
 * Includes librdkafka: nothing outside backends/kafka*.c includes it.
 * Everything here runs on the Kafka runner's thread.
 */
#ifndef AM_KAFKA_ADMIN_H
#define AM_KAFKA_ADMIN_H

#include <librdkafka/rdkafka.h>

#include "backends/kafka.h"

#define KAFKA_TRACK_BUCKETS 4096

struct kafka_track;
struct kafka_ghist;
struct kafka_fetch;

struct kafka_state {
	struct kafka_arg arg;
	rd_kafka_t *rk;
	char open_err[256];
	struct kafka_track *buckets[KAFKA_TRACK_BUCKETS];
	struct kafka_ghist *ghist;
	size_t nghist;
	unsigned long polls;
	int list_supported; /* -1 unknown, 0 no, 1 yes */
	unsigned long list_next;
	unsigned long reset_seq;
	struct kafka_reset *reset;   /* the newest result, copied into snapshots */
	rd_kafka_queue_t *fetchq;    /* ListConsumerGroupOffsets results */
	struct kafka_fetch *fetches; /* requests in flight */
	size_t nfetches;
	unsigned long fetch_seq;
};

/* ---- kafka.c --------------------------------------------------------- */

/* "what: msg" into err, secret property values masked. */
void kafka_err(struct kafka_state *st, char *err, size_t errlen, const char *what, const char *msg);
/* The per-call timeout in milliseconds. */
int kafka_ms(const struct kafka_state *st);
/* Wait on q for an event of type want until deadline (monotonic): the
 * event (the caller destroys it), or NULL when none came in time. */
rd_kafka_event_t *kafka_wait(rd_kafka_queue_t *q, int want, double deadline);
/* The offset l holds for topic/p, -1 when none (or l is NULL). */
long long kafka_find_offset(const rd_kafka_topic_partition_list_t *l, const char *topic, int p);

/* ---- kafka_admin.c --------------------------------------------------- */

/* ListConsumerGroups: 0 with the ids and states (fresh arrays of *n, the
 * caller frees them and each id), or -1 when the brokers do not answer
 * it. */
int kafka_admin_list_groups(struct kafka_state *st, char ***ids, char (**states)[24], size_t *n);
/* Committed offsets of each of the n groups for the partitions in all,
 * asked at once and waited for one timeout: out[i] a fresh list or NULL
 * (then errs[i] says why). */
void kafka_admin_committed(struct kafka_state *st, char **ids, size_t n,
			   const rd_kafka_topic_partition_list_t *all,
			   rd_kafka_topic_partition_list_t **out, char (*errs)[200]);
/* Forget the committed-offset requests still in flight (after the handle
 * is destroyed: nothing answers them any more). */
void kafka_admin_forget(struct kafka_state *st);
/* Members, state and partition owners of s's groups, from one
 * DescribeConsumerGroups; groups not described keep "unknown". */
void kafka_admin_describe_groups(struct kafka_state *st, struct kafka_snap *s);
/* The backend's request op: a reset preview or execution (req->data a
 * struct kafka_reset_req); its result goes into st->reset. */
int kafka_admin_request(void *state, const struct backend_request *req, char *err, size_t errlen);

#endif
