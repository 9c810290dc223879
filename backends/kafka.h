/*
 * kafka.h - the Kafka data source (librdkafka). One runner polls, through
 * one producer-type admin handle, the consumer groups (listed by the
 * brokers or named in kafka.groups), their committed offsets and the log
 * end offsets of their partitions, and the topic metadata; it keeps a
 * sliding window of (time, committed, end) samples per partition and
 * hands over an immutable snapshot with each group's lag, lag in time,
 * consumption rate and Burrow-style status. The same runner takes the
 * lag panel's offset-reset requests (preview, then execute). The window
 * evaluation, the lag-time estimate and the reset arithmetic are pure
 * functions so tests can feed them synthetic windows. This header
 * includes no librdkafka: panels see only plain structs.
 */
#ifndef AM_KAFKA_H
#define AM_KAFKA_H

#include <stddef.h>
#include "runtime/backend.h"
#include "core/config.h"

#define KAFKA_WINDOW 10  /* samples per partition the status is judged on */
#define KAFKA_HISTORY 60 /* total-lag points per group for the sparkline */
#define KAFKA_MAX_REPLICAS 16

/* Burrow's statuses, in increasing severity. */
enum kafka_status {
	KAFKA_OK,
	KAFKA_WARN,   /* lag growing while the group commits */
	KAFKA_STALL,  /* committed but not moving, lag > 0 */
	KAFKA_REWIND, /* a committed offset went back */
	KAFKA_STOP,   /* committed offsets not changing while lag grows */
	KAFKA_ERR,    /* offsets could not be read */
};

struct kafka_sample {
	double t;            /* monotonic seconds */
	long long committed; /* -1: no committed offset */
	long long end;       /* log end offset (high watermark) */
};

struct kafka_part {
	char *topic; /* external data: draw through the helpers only */
	int partition;
	long long committed; /* -1: none */
	long long end;       /* -1: unknown */
	long long lag;       /* -1: unknown */
	double lag_seconds;  /* -1: unknown */
	enum kafka_status status;
	char owner[128]; /* "client-id/host" where the broker reports it, else "" */
};

struct kafka_group {
	char *id;            /* external data */
	char state[24];      /* "Stable", "Empty" ... or "" when unknown */
	int members;         /* -1: unknown */
	long long lag;       /* sum over partitions with a commit; -1 unknown */
	double lag_seconds;  /* max over partitions; -1 unknown */
	double rate;         /* messages consumed per second; -1 unknown */
	double produce_rate; /* messages produced per second; -1 unknown */
	double catchup;      /* seconds to catch up; -1 never/unknown, 0 none */
	enum kafka_status status;
	char error[200];
	double hist[KAFKA_HISTORY]; /* total lag, oldest first */
	size_t nhist;
	struct kafka_part *parts;
	size_t nparts;
};

struct kafka_topic_part {
	int partition;
	int leader; /* -1: leaderless */
	int replicas[KAFKA_MAX_REPLICAS];
	int nreplicas;
	int isr[KAFKA_MAX_REPLICAS];
	int nisr;
	char error[64];
};

struct kafka_topic {
	char *name;
	struct kafka_topic_part *parts;
	size_t nparts;
};

/* Reset modes. */
enum kafka_reset_mode {
	KAFKA_RESET_EARLIEST,
	KAFKA_RESET_LATEST,
	KAFKA_RESET_TIME,
	KAFKA_RESET_SHIFT
};

struct kafka_reset_row {
	int partition;
	long long current; /* -1: no committed offset */
	long long next;    /* the new offset */
	long long delta;   /* next - current: > 0 skipped, < 0 replayed */
};

/* A reset preview or execution result, handed over in the snapshot. */
struct kafka_reset {
	unsigned long seq; /* which request (counts requests) */
	int executed;      /* 0 preview, 1 execute */
	int ok;
	char *group, *topic;
	enum kafka_reset_mode mode;
	char value[64];
	struct kafka_reset_row *rows;
	size_t nrows;
	char error[256];
	char note[200];
};

struct kafka_snap {
	struct kafka_group *groups;
	size_t ngroups;
	struct kafka_topic *topics;
	size_t ntopics;
	int nbrokers;
	int listed;                /* 1: groups from ListConsumerGroups; 0: from config */
	char note[200];            /* "groups from configuration: ..." or "" */
	struct kafka_reset *reset; /* the newest reset result, or NULL */
};

/* Requests (backend_request kind), each with a struct kafka_reset_req
 * as its data: the preview (a dry run) or the execution of a reset. */
enum kafka_request {
	KAFKA_REQ_PREVIEW = 1,
	KAFKA_REQ_EXECUTE,
};

/* A reset request, sent with runner_send(r, kind, req,
 * kafka_reset_req_free): the group's offsets on topic go to mode's
 * offset; value is the time (time) or the count (shift), "" otherwise. */
struct kafka_reset_req {
	char *group, *topic;
	enum kafka_reset_mode mode;
	char *value;
};

/* A request with copies of the strings (value NULL: ""); free it with
 * kafka_reset_req_free. Any thread. */
struct kafka_reset_req *kafka_reset_req_new(const char *group, const char *topic,
					    enum kafka_reset_mode mode, const char *value);
/* Free a struct kafka_reset_req (void *, to serve as runner_send's
 * free_data); NULL is ignored. */
void kafka_reset_req_free(void *req);

/* What the lag panel passes to runner_start. */
struct kafka_arg {
	const struct config *cfg;
	double timeout; /* seconds, on every call */
};

extern const struct backend kafka_backend;

/* Judge one partition's window (oldest first, n samples): REWIND if a
 * committed offset went back; OK if lag was zero at any sample or fewer
 * than 3 samples; with committed unchanged and lag > 0, STOP when lag
 * grew over the window and STALL when it did not; WARN when lag grew and
 * rose in at least three times as many steps as it fell; else OK. */
enum kafka_status kafka_status_eval(const struct kafka_sample *w, size_t n);
/* The worse of two statuses. */
enum kafka_status kafka_status_worst(enum kafka_status a, enum kafka_status b);
/* "OK", "WARN", ... */
const char *kafka_status_name(enum kafka_status s);
/* Lag in seconds at the newest sample, estimated like kafka-lag-exporter:
 * the time at which the log end was at the current committed offset,
 * interpolated in the window, extrapolated with the produce rate when it
 * is older than the window. 0 when lag is 0; -1 when unknown. */
double kafka_lag_seconds(const struct kafka_sample *w, size_t n);
/* Messages per second by which committed (which 0) or end (1) advanced
 * over the window; -1 when unknown. */
double kafka_window_rate(const struct kafka_sample *w, size_t n, int which);
/* The new offset for a reset of one partition: earliest/latest from the
 * watermarks, time from the offset looked up for it (-1: after the last
 * message, so latest), shift by value from current (or earliest when
 * there is none), clamped to [low, high]. */
long long kafka_reset_offset(enum kafka_reset_mode mode, long long value, long long current,
			     long long low, long long high, long long at_time);
/* Parse a mode word; -1 if unknown. */
int kafka_reset_mode_parse(const char *s);
const char *kafka_reset_mode_name(enum kafka_reset_mode m);
/* Parse a reset-to-time value: an ISO time "2024-05-01T10:00:00" (UTC),
 * epoch milliseconds, or a duration ago ("15m"). 0 + *ms or -1. */
int kafka_parse_time(const char *s, double now_wall, long long *ms);
/* Mask a librdkafka message or property for display: values of secret
 * properties named in text are replaced by "****". Fresh string. */
char *kafka_mask(const char *text, const struct config *c);

/* What an error message likely means, to append to it: the note on
 * brokers older than 0.10 (no ApiVersions: every call fails with a
 * transport failure or times out) when librdkafka said the broker looks
 * that old (old_broker) and msg is such a failure, else "". */
const char *kafka_hint(const char *msg, int old_broker);

void kafka_reset_free(struct kafka_reset *r);

#endif
