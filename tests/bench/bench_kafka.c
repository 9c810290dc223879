/*
 * bench_kafka.c - one full refresh of the Kafka backend at scale: opens
 * kafka_backend with CONFIG (kafka.bootstrap and kafka.groups, written by
 * tests/bench/kafka_scale.sh against "kafka_mock --scale"), times the
 * first poll and POLLS more, and checks each snapshot has every group
 * with every partition. Then counts the requests one refresh sends (a
 * second handle with debug=protocol, whose "Sent ...Request" lines go to
 * a scratch log), and, given the mock's command fifo, times polls with
 * one broker down, all three down, and after they come back. Prints
 * figures; asserts nothing about time.
 * Usage: bench_kafka CONFIG [POLLS [CMD-FIFO]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/kafka.h"
#include "lib/log.h"
#include "lib/util.h"
#include "core/config.h"

static void bench_kafka_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* Poll once; print what it got. Returns the milliseconds it took. */
static double bench_kafka_poll(void *st, const char *what, int quiet)
{
	void *snap = NULL;
	char err[512] = "";
	double t0 = util_now(), ms;
	int rc = kafka_backend.poll(st, &snap, err, sizeof err);

	ms = (util_now() - t0) * 1000;
	if (rc != 0) {
		printf("  %-28s %8.1f ms  error: %s\n", what, ms, err);
		return ms;
	}
	if (!quiet) {
		const struct kafka_snap *s = snap;
		size_t i, parts = 0, lagged = 0, bad = 0;

		for (i = 0; i < s->ngroups; i++) {
			size_t k;

			if (s->groups[i].error[0] != '\0')
				bad++;
			parts += s->groups[i].nparts;
			for (k = 0; k < s->groups[i].nparts; k++)
				if (s->groups[i].parts[k].lag >= 0)
					lagged++;
		}
		printf("  %-28s %8.1f ms  %zu groups, %zu partition rows (%zu with lag), "
		       "%zu groups in error\n",
		       what, ms, s->ngroups, parts, lagged, bad);
	}
	kafka_backend.snapshot_free(snap);
	return ms;
}

static int bench_kafka_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Count "Sent XRequest" lines of the log from offset on, by request. */
static void bench_kafka_count(const char *path, long offset, const char *what)
{
	char names[32][48];
	int counts[32], nn = 0, total = 0, i;
	char line[4096];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	fseek(f, offset, SEEK_SET);
	while (fgets(line, sizeof line, f) != NULL) {
		char name[48];
		const char *p = strstr(line, "Sent ");

		if (p == NULL || sscanf(p + 5, "%47[A-Za-z]", name) != 1 ||
		    strstr(name, "Request") == NULL)
			continue;
		total++;
		for (i = 0; i < nn; i++)
			if (strcmp(names[i], name) == 0)
				break;
		if (i == nn && nn < 32) {
			snprintf(names[nn], sizeof names[nn], "%s", name);
			counts[nn++] = 0;
		}
		if (i < nn)
			counts[i]++;
	}
	fclose(f);
	printf("  %-28s %d requests:", what, total);
	for (i = 0; i < nn; i++)
		printf(" %s %d", names[i], counts[i]);
	printf("\n");
}

static long bench_kafka_size(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void bench_kafka_cmd(const char *fifo, const char *cmd)
{
	FILE *f = fopen(fifo, "w");

	if (f == NULL)
		return;
	fprintf(f, "%s\n", cmd);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct kafka_arg arg;
	char err[512], logpath[] = "/tmp/bench_kafka.XXXXXX", what[64];
	void *st = NULL, *dst = NULL;
	int polls = argc > 2 ? atoi(argv[2]) : 10, i, fd;
	double *ms, sum = 0, interval, timeout, t0;
	long off;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_kafka CONFIG [POLLS [CMD-FIFO]]\n");
		return 2;
	}
	if (polls < 1)
		polls = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	config_defaults(&cfg);
	if (config_load_file(&cfg, argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "bench_kafka: %s\n", err);
		return 1;
	}
	config_apply_env(&cfg);
	/* The lag panel's interval and timeout (panels/lag.c). */
	interval = cfg.refresh > 0 ? cfg.refresh : 2;
	timeout = 2 * interval;
	arg.cfg = &cfg;
	arg.timeout = timeout < 1 ? 1 : timeout > 5 ? 5 : timeout;
	printf("  interval %.1f s, timeout per call %.1f s, %zu groups configured\n", interval,
	       arg.timeout, cfg.nkafka_groups);

	if (kafka_backend.open(&st, &arg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_kafka: %s\n", err);
		return 1;
	}
	bench_kafka_poll(st, "first refresh (cold)", 0);
	ms = calloc((size_t)polls, sizeof *ms);
	for (i = 0; i < polls; i++) {
		snprintf(what, sizeof what, "refresh %d", i + 2);
		ms[i] = bench_kafka_poll(st, what, i != polls - 1);
		sum += ms[i];
	}
	qsort(ms, (size_t)polls, sizeof *ms, bench_kafka_cmp);
	printf("  %d refreshes: mean %.1f ms, median %.1f ms, max %.1f ms per refresh "
	       "(interval %.0f ms)\n",
	       polls, sum / polls, ms[polls / 2], ms[polls - 1], interval * 1000);
	free(ms);

	/* Requests per refresh: a second handle logging the protocol. */
	fd = mkstemp(logpath);
	if (fd >= 0) {
		size_t n = cfg.nkafka_props;
		struct kafka_arg darg = arg;

		close(fd);
		cfg.kafka_prop_keys = xrealloc(cfg.kafka_prop_keys, (n + 1) * sizeof(char *));
		cfg.kafka_prop_values = xrealloc(cfg.kafka_prop_values, (n + 1) * sizeof(char *));
		cfg.kafka_prop_keys[n] = xstrdup("debug");
		cfg.kafka_prop_values[n] = xstrdup("protocol");
		cfg.nkafka_props = n + 1;
		log_open(logpath);
		if (kafka_backend.open(&dst, &darg, err, sizeof err) == 0) {
			bench_kafka_poll(dst, "first refresh, debug log", 1);
			off = bench_kafka_size(logpath);
			bench_kafka_poll(dst, "next refresh, debug log", 1);
			bench_kafka_count(logpath, 0, "first refresh (cold)");
			bench_kafka_count(logpath, off, "next refresh");
			kafka_backend.close(dst);
		}
		log_close();
		unlink(logpath);
	}

	/* Brokers down: every poll must come back within its timeouts. */
	if (argc > 3) {
		bench_kafka_cmd(argv[3], "down 1");
		bench_kafka_sleep(0.3);
		bench_kafka_poll(st, "broker 1 down", 0);
		bench_kafka_poll(st, "broker 1 down", 0);
		bench_kafka_cmd(argv[3], "down 2");
		bench_kafka_cmd(argv[3], "down 3");
		bench_kafka_sleep(0.3);
		bench_kafka_poll(st, "all brokers down", 0);
		bench_kafka_poll(st, "all brokers down", 0);
		bench_kafka_cmd(argv[3], "up 1");
		bench_kafka_cmd(argv[3], "up 2");
		bench_kafka_cmd(argv[3], "up 3");
		for (i = 0; i < 6; i++) {
			snprintf(what, sizeof what, "brokers up, refresh %d", i + 1);
			bench_kafka_poll(st, what, 0);
		}
		bench_kafka_cmd(argv[3], "down 2");
		bench_kafka_sleep(0.3);
		bench_kafka_poll(st, "broker 2 down", 0);
	}
	t0 = util_now();
	kafka_backend.close(st);
	printf("  %-28s %8.1f ms\n", "close", (util_now() - t0) * 1000);
	config_free(&cfg);
	return 0;
}
