/*
 * kafka_mock.c - the Kafka cluster of the end-to-end tests: librdkafka's
 * mock cluster (real Kafka protocol on loopback) with 3 brokers, the
 * topics vehicle-telemetry (6 partitions) and fleet-commands (3), a
 * producer writing one message per partition every 100 ms, and offset
 * commits (AlterConsumerGroupOffsets from a producer-type handle, so the
 * groups have no members): keeping-up-group commits the log end after
 * every batch, fleet-telemetry-group commits half of it (growing lag),
 * replay-group commits offset 5 once and never again. It prints
 * "BOOTSTRAP host:port,..." and then reads commands, one a line, on
 * stdin: "down N" / "up N" (broker N), "pause" / "resume" (production),
 * "stopcommit G", "offsets G TAG" (prints "TAG topic partition committed
 * end" per partition, then "TAG done"), "commit G N" (group G commits
 * offset N on every partition of vehicle-telemetry, once). It exits on
 * EOF or SIGTERM.
 * Usage: kafka_mock [TAG-PATH] (ignored: lets a test find its process).
 *
 * kafka_mock --scale TOPICS PARTITIONS GROUPS [TAG-PATH] is the cluster of
 * the scale benchmark instead: topics scale-topic-0 ... with PARTITIONS
 * partitions each, 20 messages per partition, then GROUPS groups
 * scale-group-0 ... each with a committed offset on every partition (some
 * lag, different per group), before it prints "BOOTSTRAP ..."; after that
 * it produces one message per partition every 100 ms and commits no more.
 * The same commands work on stdin ("offsets" names vehicle-telemetry,
 * which the scale cluster has not).
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KAFKA_MOCK_PARTS 6
#define KAFKA_MOCK_CMD_PARTS 3
#define KAFKA_MOCK_SCALE_MSGS 20 /* messages per partition before the commits */

static volatile sig_atomic_t kafka_mock_stop;
static long long kafka_mock_end[KAFKA_MOCK_PARTS];

static void kafka_mock_signal(int sig)
{
	(void)sig;
	kafka_mock_stop = 1;
}

static void kafka_mock_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->partition >= 0 &&
	    m->partition < KAFKA_MOCK_PARTS &&
	    strcmp(rd_kafka_topic_name(m->rkt), "vehicle-telemetry") == 0 &&
	    m->offset + 1 > kafka_mock_end[m->partition])
		kafka_mock_end[m->partition] = m->offset + 1;
}

static int kafka_mock_commit(rd_kafka_t *rk, const char *group, const long long *offs)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(KAFKA_MOCK_PARTS);
	rd_kafka_AlterConsumerGroupOffsets_t *req;
	rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
	rd_kafka_event_t *ev;
	int i, rc = -1;

	for (i = 0; i < KAFKA_MOCK_PARTS; i++)
		rd_kafka_topic_partition_list_add(l, "vehicle-telemetry", i)->offset = offs[i];
	req = rd_kafka_AlterConsumerGroupOffsets_new(group, l);
	rd_kafka_AlterConsumerGroupOffsets(rk, &req, 1, NULL, q);
	rd_kafka_AlterConsumerGroupOffsets_destroy(req);
	rd_kafka_topic_partition_list_destroy(l);
	ev = rd_kafka_queue_poll(q, 5000);
	if (ev != NULL) {
		rc = rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
		if (rc != 0)
			fprintf(stderr, "kafka_mock: commit %s: %s\n", group,
				rd_kafka_event_error_string(ev));
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_queue_destroy(q);
	return rc;
}

static void kafka_mock_offsets(rd_kafka_t *rk, const char *group, const char *tag)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(KAFKA_MOCK_PARTS);
	rd_kafka_ListConsumerGroupOffsets_t *req;
	rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
	rd_kafka_event_t *ev;
	int i;

	for (i = 0; i < KAFKA_MOCK_PARTS; i++)
		rd_kafka_topic_partition_list_add(l, "vehicle-telemetry", i);
	req = rd_kafka_ListConsumerGroupOffsets_new(group, l);
	rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, NULL, q);
	rd_kafka_ListConsumerGroupOffsets_destroy(req);
	rd_kafka_topic_partition_list_destroy(l);
	ev = rd_kafka_queue_poll(q, 5000);
	if (ev != NULL && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		size_t n = 0;
		const rd_kafka_group_result_t **g = rd_kafka_ListConsumerGroupOffsets_result_groups(
			rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
		const rd_kafka_topic_partition_list_t *p =
			n > 0 ? rd_kafka_group_result_partitions(g[0]) : NULL;

		for (i = 0; p != NULL && i < p->cnt; i++) {
			int64_t lo = -1, hi = -1;

			rd_kafka_query_watermark_offsets(rk, p->elems[i].topic,
							 p->elems[i].partition, &lo, &hi, 5000);
			printf("%s %s %d %lld %lld\n", tag, p->elems[i].topic,
			       (int)p->elems[i].partition, (long long)p->elems[i].offset,
			       (long long)hi);
		}
	} else {
		printf("%s error %s\n", tag, ev ? rd_kafka_event_error_string(ev) : "timed out");
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	printf("%s done\n", tag);
	fflush(stdout);
}

/* Commit offsets on every partition of the scale topics for groups
 * scale-group-0 ... (group g commits 20 - (g + p) % 7 on partition p):
 * all the requests on one queue, then every result collected. */
static int kafka_mock_scale_commit(rd_kafka_t *rk, int topics, int parts, int groups)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
	int g, t, p, got = 0, rc = 0;
	char name[64];

	for (g = 0; g < groups; g++) {
		rd_kafka_topic_partition_list_t *l =
			rd_kafka_topic_partition_list_new(topics * parts);
		rd_kafka_AlterConsumerGroupOffsets_t *req;

		for (t = 0; t < topics; t++) {
			snprintf(name, sizeof name, "scale-topic-%d", t);
			for (p = 0; p < parts; p++)
				rd_kafka_topic_partition_list_add(l, name, p)->offset =
					KAFKA_MOCK_SCALE_MSGS - (g + t * parts + p) % 7;
		}
		snprintf(name, sizeof name, "scale-group-%d", g);
		req = rd_kafka_AlterConsumerGroupOffsets_new(name, l);
		rd_kafka_AlterConsumerGroupOffsets(rk, &req, 1, NULL, q);
		rd_kafka_AlterConsumerGroupOffsets_destroy(req);
		rd_kafka_topic_partition_list_destroy(l);
	}
	while (got < groups) {
		rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 10000);

		if (ev == NULL) {
			fprintf(stderr, "kafka_mock: scale commits timed out\n");
			rc = -1;
			break;
		}
		if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT) {
			got++;
			if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
				fprintf(stderr, "kafka_mock: scale commit: %s\n",
					rd_kafka_event_error_string(ev));
				rc = -1;
			}
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_queue_destroy(q);
	return rc;
}

/* Produce to every partition of the scale topics, n messages each. */
static void kafka_mock_scale_produce(rd_kafka_t *rk, int topics, int parts, int n)
{
	char name[64];
	int t, p, i;

	for (t = 0; t < topics; t++) {
		snprintf(name, sizeof name, "scale-topic-%d", t);
		for (p = 0; p < parts; p++)
			for (i = 0; i < n; i++)
				rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(name),
						  RD_KAFKA_V_PARTITION(p),
						  RD_KAFKA_V_VALUE("scale", 5), RD_KAFKA_V_END);
	}
	rd_kafka_flush(rk, n > 1 ? 10000 : 500);
}

int main(int argc, char **argv)
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *mrk, *rk;
	rd_kafka_mock_cluster_t *mc;
	char err[512], line[512];
	int paused = 0, stop_keep = 0, stop_fleet = 0, tick = 0, i;
	long long offs[KAFKA_MOCK_PARTS];
	int scale_topics = 0, scale_parts = 0, scale_groups = 0;
	struct sigaction sa;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--scale") == 0 && i + 3 < argc) {
			scale_topics = atoi(argv[i + 1]);
			scale_parts = atoi(argv[i + 2]);
			scale_groups = atoi(argv[i + 3]);
			if (scale_topics <= 0 || scale_parts <= 0 || scale_groups < 0) {
				fprintf(stderr, "kafka_mock: --scale TOPICS PARTITIONS GROUPS\n");
				return 2;
			}
			i += 3;
		}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = kafka_mock_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* poll() looks at the fd: no lines may wait in stdio's buffer. */
	setvbuf(stdin, NULL, _IONBF, 0);

	conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
	mrk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	if (mrk == NULL) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	mc = rd_kafka_mock_cluster_new(mrk, 3);
	if (mc == NULL) {
		fprintf(stderr, "kafka_mock: cannot create the mock cluster\n");
		return 1;
	}
	if (scale_topics > 0) {
		for (i = 0; i < scale_topics; i++) {
			char name[64];

			snprintf(name, sizeof name, "scale-topic-%d", i);
			rd_kafka_mock_topic_create(mc, name, scale_parts, 3);
		}
	} else {
		rd_kafka_mock_topic_create(mc, "vehicle-telemetry", KAFKA_MOCK_PARTS, 3);
		rd_kafka_mock_topic_create(mc, "fleet-commands", KAFKA_MOCK_CMD_PARTS, 3);
	}

	conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", rd_kafka_mock_cluster_bootstraps(mc), err,
			  sizeof err);
	rd_kafka_conf_set(conf, "linger.ms", "5", err, sizeof err);
	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
	rd_kafka_conf_set_dr_msg_cb(conf, kafka_mock_dr);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	if (rk == NULL) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	if (scale_topics > 0) {
		kafka_mock_scale_produce(rk, scale_topics, scale_parts, KAFKA_MOCK_SCALE_MSGS);
		if (kafka_mock_scale_commit(rk, scale_topics, scale_parts, scale_groups) != 0)
			return 1;
	}
	printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	while (!kafka_mock_stop) {
		struct pollfd pfd = { 0, POLLIN, 0 };

		if (poll(&pfd, 1, 100) > 0) {
			char a[128] = "", b[128] = "";
			int n;

			if (fgets(line, sizeof line, stdin) == NULL)
				break;
			n = sscanf(line, "%127s %127s", a, b);
			if (n >= 2 && strcmp(a, "down") == 0)
				rd_kafka_mock_broker_set_down(mc, atoi(b));
			else if (n >= 2 && strcmp(a, "up") == 0)
				rd_kafka_mock_broker_set_up(mc, atoi(b));
			else if (n >= 1 && strcmp(a, "pause") == 0)
				paused = 1;
			else if (n >= 1 && strcmp(a, "resume") == 0)
				paused = 0;
			else if (n >= 2 && strcmp(a, "stopcommit") == 0) {
				if (strcmp(b, "keeping-up-group") == 0)
					stop_keep = 1;
				if (strcmp(b, "fleet-telemetry-group") == 0)
					stop_fleet = 1;
			} else if (n >= 2 && strcmp(a, "commit") == 0) {
				long long at = 0;

				sscanf(line, "%*s %*s %lld", &at);
				for (i = 0; i < KAFKA_MOCK_PARTS; i++)
					offs[i] = at;
				kafka_mock_commit(rk, b, offs);
			} else if (n >= 2 && strcmp(a, "offsets") == 0) {
				char tag[128] = "OFFSETS";

				sscanf(line, "%*s %*s %127s", tag);
				kafka_mock_offsets(rk, b, tag);
			}
			if (n >= 1) {
				printf("ack %s\n", a);
				fflush(stdout);
			}
			continue;
		}
		if (paused)
			continue;
		if (scale_topics > 0) {
			kafka_mock_scale_produce(rk, scale_topics, scale_parts, 1);
			continue;
		}
		for (i = 0; i < KAFKA_MOCK_PARTS; i++)
			rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("vehicle-telemetry"),
					  RD_KAFKA_V_PARTITION(i), RD_KAFKA_V_VALUE("telemetry", 9),
					  RD_KAFKA_V_END);
		if (tick % 5 == 0)
			rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("fleet-commands"),
					  RD_KAFKA_V_PARTITION(tick / 5 % KAFKA_MOCK_CMD_PARTS),
					  RD_KAFKA_V_VALUE("cmd", 3), RD_KAFKA_V_END);
		rd_kafka_flush(rk, 2000);
		tick++;
		if (!stop_keep)
			kafka_mock_commit(rk, "keeping-up-group", kafka_mock_end);
		if (!stop_fleet) {
			for (i = 0; i < KAFKA_MOCK_PARTS; i++)
				offs[i] = kafka_mock_end[i] / 2;
			kafka_mock_commit(rk, "fleet-telemetry-group", offs);
		}
		if (tick == 10) {
			for (i = 0; i < KAFKA_MOCK_PARTS; i++)
				offs[i] = 5;
			kafka_mock_commit(rk, "replay-group", offs);
		}
	}
	rd_kafka_flush(rk, 1000);
	rd_kafka_destroy(rk);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(mrk);
	return 0;
}
