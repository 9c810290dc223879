/*
 * bench_slowq.c - the Slow queries panel's share of the UI thread with
 * 20,000 statements in pg_stat_statements (#21 item 6: at most 16 ms a
 * refresh). The panel's functions are static, so this compiles
 * panels/slowq.c into itself and drives them as the panel does: when a
 * snapshot arrives the previous one is freed (panel_feed_take) and the
 * statements' rows are built, sorted and measured (slowq_fill_stmts, which
 * the draw calls), since the stats reset and per interval; the draws with
 * no new snapshot (a key, the second's tick) build them again; the shell
 * asks for the findings. The worker's part is done here as pg_fetch_stmts
 * does it, timed apart: every statement's counters sampled for deltas
 * (pg_deltas_sample), the ones worth a text picked (pg_stmts_pick) and
 * given one (made up, ~200 bytes over a few lines). Consecutive samples
 * differ as busy servers' do (a tenth of the statements ran). Figures
 * only, never asserted.
 * Usage: bench_slowq [REPS [N...]]   (default: 31 reps, 20000 statements)
 */
#include "panels/slowq.c"
#include "tests/bench/bench.h"

/* Every entry of pg_stat_statements(false) at round r. */
static void bench_slowq_entries(struct pg_entry *e, size_t n, int r)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double base = (double)(i % 997 + 1) * 10, ran = (i + (size_t)r) % 10 == 0;

		e[i].queryid = (long long)(i * 2654435761u) - 1000000000LL;
		e[i].userid = 10;
		e[i].dbid = 16384;
		e[i].toplevel = 1;
		e[i].calls = base + (double)r * ran * 3;
		e[i].total_ms = base * (double)(i % 31 + 1) * 0.7 + (double)r * ran * 5;
		e[i].rows = e[i].calls * (double)(i % 5);
		e[i].hit = e[i].calls * 40;
		e[i].read = (double)(i % 7);
	}
}

/* A snapshot as pg_fetch_stmts makes it at round r; the worker's time
 * in *ms. */
static struct pg_snap *bench_slowq_snap(struct pg_deltas *d, struct pg_entry *e, size_t n, int r,
					double *ms)
{
	struct pg_snap *s = xcalloc(1, sizeof *s);
	struct pg_stmt *all = NULL;
	double t0;
	size_t nall, npick, k;
	int fresh;

	bench_slowq_entries(e, n, r);
	t0 = util_now();
	nall = pg_deltas_sample(d, e, n, 1.0e9, &all, &fresh);
	npick = pg_stmts_pick(all, nall, PG_STMTS_TOP);
	for (k = 0; k < npick; k++) {
		all[k].query =
			xasprintf("SELECT v.id, v.vin, t.lat, t.lon, t.speed\n"
				  "  FROM vehicles v\n  JOIN telemetry_%lld t ON t.vehicle_id = "
				  "v.id\n WHERE v.fleet_id = $1 AND t.recorded_at > now() - "
				  "$2::interval\n ORDER BY t.recorded_at DESC LIMIT $3",
				  all[k].id % 1000);
		all[k].query_len = strlen(all[k].query);
	}
	pg_snap_stmts(s, all, nall, npick);
	s->interval = 2;
	s->stats_reset = 1.0e9;
	s->exec_cols = 1;
	s->stmts_state = PG_STMTS_OK;
	*ms = (util_now() - t0) * 1000;
	return s;
}

/* A snapshot s arrives: the old one freed, the rows built (the draw);
 * with s NULL, a draw with no new snapshot (a key, the second's tick). */
static double bench_slowq_refresh(struct slowq_panel *sp, struct pg_snap *s)
{
	double t0 = util_now();

	if (s != NULL) {
		pg_snap_free(sp->feed.snap);
		sp->feed.snap = s;
	}
	slowq_fill_stmts(sp);
	return (util_now() - t0) * 1000;
}

static void bench_slowq_run(size_t n, int reps)
{
	struct slowq_panel sp;
	struct pg_deltas d = { 0 };
	struct pg_entry *e = xcalloc(n, sizeof *e);
	static const char *const names[BENCH_NFIG] = { "refresh (new snapshot)",
						       "draw (no snapshot)", "findings",
						       "refresh, per interval",
						       "draw, per interval" };
	struct bench_run b;
	double worker = 0, ms;
	int r, round = 0;

	memset(&sp, 0, sizeof sp);
	table_init(&sp.stmts, slowq_stmt_cols, 7);
	sp.sort = SLOWQ_SORT_MEAN - SLOWQ_SORT_TOTAL;
	bench_run_init(&b, reps);
	/* The first sample has no deltas, the first fill an empty table:
	 * neither counted. */
	pg_snap_free(bench_slowq_snap(&d, e, n, round++, &ms));
	bench_slowq_refresh(&sp, bench_slowq_snap(&d, e, n, round++, &ms));
	for (r = 0; r < reps; r++) {
		struct pg_snap *s = bench_slowq_snap(&d, e, n, round++, &ms);

		worker += ms;
		b.t[0][r] = bench_slowq_refresh(&sp, s);
		b.t[1][r] = bench_slowq_refresh(&sp, NULL);
		b.t[2][r] = bench_findings(slowq_findings, &sp, &b.fl);
	}
	printf("statements %zu (the worker samples and picks in %.1f ms; %zu picked):\n", n,
	       worker / reps, ((struct pg_snap *)sp.feed.snap)->nstmts);
	sp.per_interval = 1;
	for (r = 0; r < reps; r++) {
		b.t[3][r] = bench_slowq_refresh(&sp, bench_slowq_snap(&d, e, n, round++, &ms));
		b.t[4][r] = bench_slowq_refresh(&sp, NULL);
	}
	bench_run_print(&b, names);
	printf("  rows %zu, findings %zu\n", sp.stmts.nrows, b.fl.n);
	bench_run_free(&b);
	pg_snap_free(sp.feed.snap);
	pg_deltas_free(&d);
	free(e);
	table_free(&sp.stmts);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 20000, 0 };

	return bench_main(argc, argv, 31, sizes, bench_slowq_run);
}
