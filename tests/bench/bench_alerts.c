/*
 * bench_alerts.c - the Alerts panel's share of the UI thread with 10,000
 * and 12,000 alerts (#21: keys waited > 100 ms while it built rows). The
 * panel's functions are static, so this compiles panels/alerts.c into
 * itself and drives them as alerts_update does: when a snapshot arrives,
 * the previous one is freed (panel_feed_take), the list's rows are built,
 * filtered, ranked and measured, the silences' rows likewise; once a
 * second the ages tick (the same fills, no new snapshot); the shell asks
 * for the findings. The snapshots come from Alertmanager v2 bodies made
 * up here (about 620 bytes an alert, as the 7.4 MB of 12,000 in the
 * issue), parsed as the worker parses them (timed apart: not the UI's);
 * two versions alternate, differing as consecutive polls do (a summary
 * edited here and there, some alerts resolved and others new).
 * Figures only, never asserted.
 * Usage: bench_alerts [REPS [N...]]   (default: 15 reps, 10000 12000)
 */
#include "panels/alerts.c"
#include "tests/bench/bench.h"

#include <time.h>

#define BENCH_ALERTS_SILENCES 50

static void bench_alerts_time(char *buf, size_t n, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static const char *const bench_alerts_names[] = {
	"HighErrorRate",     "PodCrashLooping",  "KafkaConsumerLag",   "RedisMemoryHigh",
	"PostgresSlowQuery", "NodeDiskPressure", "TelemetryIngestLag", "CertificateExpiry",
	"HighLatencyP99",    "ReplicaMismatch",  "GPSFeedStale",       "VehicleHeartbeatLost",
};

/* Alert i of version v (0 or 1) as Alertmanager v2 lists it. */
static void bench_alerts_one(struct strbuf *sb, size_t i, int v, double now)
{
	static const char *const sev[] = { "critical", "warning", "warning", "info", "warning" };
	const char *name = bench_alerts_names[i % 12];
	size_t id = v == 1 && i % 200 == 7 ? i + 1000000 : i; /* resolved, and a new one */
	char starts[40], ends[40];

	bench_alerts_time(starts, sizeof starts, now - 30 - (double)(id % 5000));
	bench_alerts_time(ends, sizeof ends, now + 300);
	strbuf_printf(sb,
		      "%s{\"annotations\":{\"description\":\"%s on svc-%zu for 5 "
		      "minutes.\",\"runbook_url\":\"https://runbooks.example/%s\","
		      "\"summary\":\"%s: fleet-%zu-%05zu in ns-%zu%s\"},\"endsAt\":\"%s\","
		      "\"fingerprint\":\"%016zx\",\"receivers\":[{\"name\":\"oncall\"}],"
		      "\"startsAt\":\"%s\",\"status\":{\"inhibitedBy\":[%s],\"silencedBy\":[",
		      i ? "," : "", name, id % 40, name, name, id % 40, id, id % 8,
		      v == 1 && i % 97 == 3 ? " (updated)" : "", ends, id * 2654435761u + 0x9e37,
		      starts, id % 50 == 1 ? "\"00000000deadbeef\"" : "");
	if (id % 20 == 0)
		strbuf_printf(sb, "\"5f1c9a2e-0b7d-4c1e-9a8f-%012zu\"",
			      (id / 20) % BENCH_ALERTS_SILENCES);
	strbuf_printf(
		sb,
		"],\"state\":\"%s\"},\"generatorURL\":"
		"\"http://prometheus:9090/graph?g0.expr=up\",\"labels\":{\"alertname\":\"%s\","
		"\"cluster\":\"prod-eu-1\",\"instance\":\"10.1.%zu.%zu:9100\",\"job\":\"fleet\","
		"\"namespace\":\"ns-%zu\",\"pod\":\"fleet-%zu-%05zu\",\"service\":\"svc-%zu\","
		"\"severity\":\"%s\"}}",
		id % 20 == 0 || id % 50 == 1 ? "suppressed" : "active", name, id / 250 % 256,
		id % 250, id % 8, id % 40, id, id % 40, sev[id % 5]);
}

/* A snapshot of n alerts, version v, parsed as the worker does; the
 * parse's time in *ms. */
static struct prom_snap *bench_alerts_snap(size_t n, int v, double now, double *ms, size_t *bytes)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	struct strbuf sb = { 0 }, sl = { 0 };
	char err[256], ends[40];
	double t0;
	size_t i;

	strbuf_putc(&sb, '[');
	for (i = 0; i < n; i++)
		bench_alerts_one(&sb, i, v, now);
	strbuf_putc(&sb, ']');
	bench_alerts_time(ends, sizeof ends, now + 3600);
	strbuf_putc(&sl, '[');
	for (i = 0; i < BENCH_ALERTS_SILENCES; i++)
		strbuf_printf(&sl,
			      "%s{\"id\":\"5f1c9a2e-0b7d-4c1e-9a8f-%012zu\",\"status\":{\"state\":"
			      "\"active\"},\"createdBy\":\"bench\",\"comment\":\"storm\","
			      "\"matchers\":[{\"name\":\"alertname\",\"value\":\"%s\",\"isRegex\":"
			      "false,\"isEqual\":true}],\"startsAt\":\"%s\",\"endsAt\":\"%s\"}",
			      i ? "," : "", i, bench_alerts_names[i % 12], ends, ends);
	strbuf_putc(&sl, ']');
	*bytes = sb.len;
	t0 = util_now();
	if (prom_parse_alerts(sb.buf, sb.len, 0, s, err, sizeof err) != 0 ||
	    prom_parse_silences(sl.buf, sl.len, s, err, sizeof err) != 0) {
		fprintf(stderr, "bench_alerts: %s\n", err);
		exit(1);
	}
	prom_sort_alerts(s->alerts, s->nalerts);
	*ms = (util_now() - t0) * 1000;
	strbuf_free(&sb);
	strbuf_free(&sl);
	return s;
}

/* What the UI thread does when snapshot s arrives: the old one freed,
 * the list's and the silences' rows (alerts_update); with s NULL, a
 * second later with no new snapshot: the ages tick. ms. */
static double bench_alerts_refresh(struct alerts_panel *ap, struct prom_snap *s, double now)
{
	double t0 = util_now();

	if (s != NULL) {
		prom_snap_free(ap->al.snap);
		ap->al.snap = s;
	}
	alerts_fill_list(ap, now);
	alerts_fill_silences(ap, now);
	return (util_now() - t0) * 1000;
}

/* reps rounds at n alerts: refresh, tick, findings, then refresh with a
 * filter of a word and a label matcher (the / line). */
static void bench_alerts_run(size_t n, int reps)
{
	struct alerts_panel ap;
	struct prom_snap *snaps[2];
	static const char *const names[BENCH_NFIG] = { "refresh (new snapshot)",
						       "tick (ages, no snapshot)", "findings",
						       "refresh, filter on",
						       "(shell: steady, map, sort findings)" };
	struct bench_run b;
	double now = util_wall(), parse[2];
	size_t bytes;
	int r;

	memset(&ap, 0, sizeof ap);
	alerts_tables_init(&ap);
	bench_run_init(&b, reps);
	snaps[0] = bench_alerts_snap(n, 0, now, &parse[0], &bytes);
	snaps[1] = bench_alerts_snap(n, 1, now, &parse[1], &bytes);
	printf("alerts %zu (%.1f MB of JSON; the worker parses it in %.0f ms):\n", n,
	       (double)bytes / 1e6, parse[0]);
	/* The first snapshot fills an empty list; not counted. */
	bench_alerts_refresh(&ap, snaps[0], now);
	snaps[0] = bench_alerts_snap(n, 0, now, &parse[0], &bytes);
	for (r = 0; r < reps; r++) {
		int v = (r + 1) % 2;
		double ms;

		/* The one the panel holds is freed by the next refresh: parse
		 * another (untimed) for the round after. */
		b.t[0][r] = bench_alerts_refresh(&ap, snaps[v], now + 2 * r + 2);
		snaps[v] = bench_alerts_snap(n, v, now, &ms, &bytes);
		b.t[1][r] = bench_alerts_refresh(&ap, NULL, now + 2 * r + 3);
		b.t[2][r] = bench_findings(alerts_findings, &ap, &b.fl);
		b.t[4][r] = bench_shell(&b.fl, &b.shown, &b.prev, &b.rb);
	}
	table_set_filter(&ap.list, "fleet severity=~critical|warning");
	for (r = 0; r < reps; r++) {
		int v = (r + 1) % 2;
		double ms;

		b.t[3][r] = bench_alerts_refresh(&ap, snaps[v], now + 2 * (reps + r) + 2);
		snaps[v] = bench_alerts_snap(n, v, now, &ms, &bytes);
	}
	bench_run_print(&b, names);
	printf("  rows %zu, shown %zu, findings %zu\n", ap.list.nrows, ap.list.nvisible, b.fl.n);
	bench_run_free(&b);
	prom_snap_free(snaps[0]);
	prom_snap_free(snaps[1]);
	prom_snap_free(ap.al.snap);
	free(ap.row_alert);
	alerts_words_free(&ap);
	table_free(&ap.list);
	table_free(&ap.sil);
	table_free(&ap.health);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 10000, 12000, 0 };

	return bench_main(argc, argv, 15, sizes, bench_alerts_run);
}
