/*
 * kafka_consumer.c - a tiny Kafka client for the tests against a real
 * broker (tests/kafka_broker.sh), over librdkafka. Three modes:
 *
 *   kafka_consumer produce BOOTSTRAP TOPIC COUNT [TAG]
 *	COUNT messages into every partition of TOPIC; prints "produced N".
 *   kafka_consumer member BOOTSTRAP GROUP TOPIC OFFSET CLIENT-ID [TAG]
 *	joins GROUP subscribed to TOPIC, commits OFFSET on every partition
 *	it is assigned, pauses them (so the group stays Stable with its lag)
 *	and prints "joined P,P,..."; then it keeps its membership until a
 *	line "leave" (or EOF) on stdin, when it leaves the group, prints
 *	"left" and exits.
 *   kafka_consumer offsets BOOTSTRAP GROUP TOPIC [TAG]
 *	prints "partition committed end" per partition of TOPIC (committed
 *	-1 when none), then "done".
 *
 * Extra client properties come from $KAFKA_HELPER_PROPS ("k=v k=v"; a
 * 0.9 broker needs api.version.request=false and broker.version.fallback).
 * TAG is ignored: it puts the test's directory into the command line, so
 * that the test's exit trap finds the process. Exit status 0, or 1 with a
 * message on stderr.
 */
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KC_TIMEOUT_MS 10000

static void kc_die(const char *what, const char *why)
{
	fprintf(stderr, "kafka_consumer: %s: %s\n", what, why);
	exit(1);
}

static void kc_set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
	char e[256];

	if (rd_kafka_conf_set(conf, k, v, e, sizeof e) != RD_KAFKA_CONF_OK)
		kc_die(k, e);
}

/* A configuration with the bootstrap servers and $KAFKA_HELPER_PROPS. */
static rd_kafka_conf_t *kc_conf(const char *boot)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	const char *env = getenv("KAFKA_HELPER_PROPS");
	char *props = strdup(env != NULL ? env : ""), *tok, *save = NULL;

	kc_set(conf, "bootstrap.servers", boot);
	kc_set(conf, "log_level", "3");
	for (tok = strtok_r(props, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL)
			kc_die("KAFKA_HELPER_PROPS", tok);
		*eq = '\0';
		kc_set(conf, tok, eq + 1);
	}
	free(props);
	return conf;
}

static rd_kafka_t *kc_new(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char e[256];
	rd_kafka_t *rk = rd_kafka_new(type, conf, e, sizeof e);

	if (rk == NULL)
		kc_die("rd_kafka_new", e);
	return rk;
}

/* The partition count of topic, once every partition has a leader (a
 * topic just created takes a moment to reach the broker's metadata). */
static int kc_partitions(rd_kafka_t *rk, const char *topic)
{
	const rd_kafka_metadata_t *md;
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
	rd_kafka_resp_err_t err;
	int n = -1, tries, i;

	for (tries = 0; tries < 100 && n < 0; tries++) {
		err = rd_kafka_metadata(rk, 0, rkt, &md, KC_TIMEOUT_MS);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			kc_die("metadata", rd_kafka_err2str(err));
		if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
		    md->topics[0].partition_cnt > 0) {
			n = md->topics[0].partition_cnt;
			for (i = 0; i < md->topics[0].partition_cnt; i++)
				if (md->topics[0].partitions[i].leader < 0)
					n = -1;
		}
		rd_kafka_metadata_destroy(md);
		if (n < 0)
			usleep(100000);
	}
	rd_kafka_topic_destroy(rkt);
	if (n < 0)
		kc_die(topic, "no such topic, or partitions without a leader, after 10 s");
	return n;
}

static int kc_produce(const char *boot, const char *topic, int count)
{
	rd_kafka_t *rk = kc_new(RD_KAFKA_PRODUCER, kc_conf(boot));
	int np = kc_partitions(rk, topic), p, i, n = 0;
	rd_kafka_resp_err_t err;

	for (p = 0; p < np; p++)
		for (i = 0; i < count; i++) {
			char msg[64];

			snprintf(msg, sizeof msg, "message %d of partition %d", i, p);
			err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(p),
						RD_KAFKA_V_VALUE(msg, strlen(msg)),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
						RD_KAFKA_V_END);
			if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
				kc_die("produce", rd_kafka_err2str(err));
			n++;
		}
	err = rd_kafka_flush(rk, KC_TIMEOUT_MS);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		kc_die("flush", rd_kafka_err2str(err));
	rd_kafka_destroy(rk);
	printf("produced %d\n", n);
	return 0;
}

/* Wait for the group's assignment (the default rebalance handling
 * assigns it), then commit offset on each partition and pause them. */
static void kc_join(rd_kafka_t *rk, long long offset)
{
	rd_kafka_topic_partition_list_t *a = NULL;
	rd_kafka_resp_err_t err;
	int i, tries;

	for (tries = 0; tries < 600; tries++) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);

		if (m != NULL)
			rd_kafka_message_destroy(m);
		if (rd_kafka_assignment(rk, &a) == RD_KAFKA_RESP_ERR_NO_ERROR && a->cnt > 0)
			break;
		if (a != NULL)
			rd_kafka_topic_partition_list_destroy(a);
		a = NULL;
	}
	if (a == NULL)
		kc_die("join", "no assignment in 60 s");
	rd_kafka_pause_partitions(rk, a);
	for (i = 0; i < a->cnt; i++)
		a->elems[i].offset = offset;
	err = rd_kafka_commit(rk, a, 0);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		kc_die("commit", rd_kafka_err2str(err));
	printf("joined ");
	for (i = 0; i < a->cnt; i++)
		printf("%s%d", i ? "," : "", a->elems[i].partition);
	printf("\n");
	fflush(stdout);
	rd_kafka_topic_partition_list_destroy(a);
}

static int kc_member(const char *boot, const char *group, const char *topic, long long offset,
		     const char *client_id)
{
	rd_kafka_conf_t *conf = kc_conf(boot);
	rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
	rd_kafka_t *rk;
	rd_kafka_resp_err_t err;
	char line[64];

	kc_set(conf, "group.id", group);
	kc_set(conf, "client.id", client_id);
	kc_set(conf, "enable.auto.commit", "false");
	kc_set(conf, "session.timeout.ms", "10000");
	kc_set(conf, "auto.offset.reset", "earliest");
	rk = kc_new(RD_KAFKA_CONSUMER, conf);
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(rk, sub);
	rd_kafka_topic_partition_list_destroy(sub);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		kc_die("subscribe", rd_kafka_err2str(err));
	kc_join(rk, offset);
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);

		if (m != NULL)
			rd_kafka_message_destroy(m);
		if (poll(&pfd, 1, 100) > 0) {
			if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "leave", 5) == 0)
				break;
		}
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	printf("left\n");
	return 0;
}

static int kc_offsets(const char *boot, const char *group, const char *topic)
{
	rd_kafka_conf_t *conf = kc_conf(boot);
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t err;
	rd_kafka_t *rk;
	int np, p;

	kc_set(conf, "group.id", group);
	rk = kc_new(RD_KAFKA_CONSUMER, conf);
	np = kc_partitions(rk, topic);
	l = rd_kafka_topic_partition_list_new(np);
	for (p = 0; p < np; p++)
		rd_kafka_topic_partition_list_add(l, topic, p);
	err = rd_kafka_committed(rk, l, KC_TIMEOUT_MS);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		kc_die("committed", rd_kafka_err2str(err));
	for (p = 0; p < l->cnt; p++) {
		int64_t lo, hi;
		long long c = l->elems[p].err == RD_KAFKA_RESP_ERR_NO_ERROR ? l->elems[p].offset : -1;

		err = rd_kafka_query_watermark_offsets(rk, topic, l->elems[p].partition, &lo, &hi,
						       KC_TIMEOUT_MS);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			kc_die("watermarks", rd_kafka_err2str(err));
		printf("%d %lld %lld\n", l->elems[p].partition, c < 0 ? -1 : c, (long long)hi);
	}
	printf("done\n");
	rd_kafka_topic_partition_list_destroy(l);
	rd_kafka_destroy(rk);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && strcmp(argv[1], "produce") == 0)
		return kc_produce(argv[2], argv[3], atoi(argv[4]));
	if (argc >= 7 && strcmp(argv[1], "member") == 0)
		return kc_member(argv[2], argv[3], argv[4], atoll(argv[5]), argv[6]);
	if (argc >= 5 && strcmp(argv[1], "offsets") == 0)
		return kc_offsets(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: kafka_consumer produce BOOTSTRAP TOPIC COUNT [TAG]\n"
			"       kafka_consumer member BOOTSTRAP GROUP TOPIC OFFSET CLIENT-ID [TAG]\n"
			"       kafka_consumer offsets BOOTSTRAP GROUP TOPIC [TAG]\n");
	return 2;
}
