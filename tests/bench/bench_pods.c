/*
 * bench_pods.c - the Pods panel's share of the UI thread with 10,000 pods
 * (#21 item 6: at most 16 ms a refresh). The panel's functions are
 * static, so this compiles panels/pods.c into itself and drives them as
 * pods_update does: when a snapshot arrives, the previous one is freed
 * (panel_feed_take) and the rows are built, sorted and measured
 * (pods_fill, pods_build_keys); PODS_AGE_TICK seconds later with no
 * snapshot the ages move (pods_tick); the shell asks for the findings
 * (and steadies, maps and sorts them: shown beside). The pods are made
 * up here as the worker holds them (all namespaces, metrics on, a few in
 * trouble), and each snapshot a copy of them in one block (k8s_snap_pods,
 * as a replay or a war-room follower decodes one; the poller itself
 * shares its rows with its snapshots, k8s_snapshot: timed apart, not the
 * UI's); two
 * versions alternate, differing as consecutive watch events do (some
 * restart counts bumped, some pods replaced). Figures only, never
 * asserted.
 * Usage: bench_pods [REPS [N...]]   (default: 31 reps, 10000 pods)
 */
#include "panels/pods.c"
#include "tests/bench/bench.h"

#define BENCH_PODS_NS 20

/* Pod i of version v as the worker holds it. */
static void bench_pods_one(struct k8s_pod *p, size_t i, int v, double now)
{
	static const char *const apps[] = { "vehicle-gateway", "telemetry-ingest", "fleet-manager",
					    "route-planner",   "geo-fence",        "notifier" };
	size_t id = v == 1 && i % 500 == 11 ? i + 1000000 : i; /* replaced */
	int bad = id % 50 == 3, pending = id % 100 == 7, done = id % 100 == 9;

	memset(p, 0, sizeof *p);
	p->uid = xasprintf("6b1f%04zx-8c2d-4e1a-9b7f-%012zx", id % 65536, id);
	p->ns = xasprintf("fleet-%02zu", id % BENCH_PODS_NS);
	p->name = xasprintf("%s-%zx-%05zu", apps[id % 6], id * 2654435761u % 0xfffff, id);
	p->ready = xstrdup(bad || pending ? "0/1" : done ? "0/1" : "1/1");
	p->status = xstrdup(bad       ? "CrashLoopBackOff"
			    : pending ? "Pending"
			    : done    ? "Completed"
				      : "Running");
	p->restarts = bad ? 40 + (int)(id % 7) + v : (int)(id % 13 == 0) + (v && i % 250 == 5);
	p->last_restart = p->restarts > 0 ? now - 60 - (double)(id % 3000) : 0;
	p->created = now - 3600 - (double)(id % 86400);
	p->node = pending ? xstrdup("")
			  : xasprintf("node-%03zu.eu-west-1.compute.internal", id % 120);
	p->ip = pending ? xstrdup("")
			: xasprintf("10.%zu.%zu.%zu", 1 + id / 65536 % 200, id / 256 % 256,
				    id % 256);
	p->owner_kind = xstrdup("ReplicaSet");
	p->owner_name = xasprintf("%s-%zx", apps[id % 6], id % 40);
	p->containers = xcalloc(2, sizeof *p->containers);
	p->containers[0] = xstrdup(apps[id % 6]);
	p->cpu_milli = pending ? -1 : (long)(id % 900);
	p->mem_bytes = pending ? -1 : (long)(64 + id % 900) << 20;
	p->severity = bad ? K8S_BAD : pending ? K8S_PENDING : done ? K8S_DONE : K8S_OK;
}

/* The worker's rows, version v. */
static struct k8s_pod *bench_pods_rows(size_t n, int v, double now)
{
	struct k8s_pod *rows = xcalloc(n + 1, sizeof *rows);
	size_t i;

	for (i = 0; i < n; i++)
		bench_pods_one(&rows[i], i, v, now);
	return rows;
}

/* A snapshot of the worker's rows, copied into one block
 * (k8s_snap_pods); the copy's time in *ms. */
static struct k8s_snap *bench_pods_snap(const struct k8s_pod *rows, size_t n, unsigned long ev,
					double *ms)
{
	struct k8s_snap *s = xcalloc(1, sizeof *s);
	double t0 = util_now();

	k8s_snap_pods(s, rows, n);
	s->context = xstrdup("big");
	s->server = xstrdup("https://127.0.0.1:6443");
	s->user = xstrdup("token");
	s->contexts = xcalloc(2, sizeof *s->contexts);
	s->contexts[0] = xstrdup("big");
	s->ncontexts = 1;
	s->table_format = 1;
	s->watching = 1;
	s->lists = 1;
	s->events = ev;
	s->have_metrics = 1;
	s->access.delete_pods = s->access.patch_workloads = s->access.scale_workloads =
		s->access.exec_pods = 1;
	*ms = (util_now() - t0) * 1000;
	return s;
}

/* What the UI thread does when snapshot s arrives (pods_update, less
 * its request bookkeeping): the rows and keys, the old snapshot freed
 * once the rows no longer borrow from it (pods_fill). ms. */
static double bench_pods_refresh(struct pods_panel *pp, struct k8s_snap *s)
{
	double t0 = util_now();

	pp->feed.snap = s;
	pods_fill(pp);
	pods_build_keys(pp);
	return (util_now() - t0) * 1000;
}

/* PODS_AGE_TICK seconds later with no snapshot: the ages move (those
 * under ten minutes, and restarts as recent, in seconds). ms. */
static double bench_pods_tick(struct pods_panel *pp)
{
	double t0 = util_now();

	pods_tick(pp, util_wall() + PODS_AGE_TICK);
	return (util_now() - t0) * 1000;
}

/* reps rounds at n pods: refresh, tick, findings, then refresh with a
 * filter on (the / line). */
static void bench_pods_run(size_t n, int reps)
{
	struct pods_panel pp;
	struct k8s_pod *rows[2];
	static const char *const names[BENCH_NFIG] = { "refresh (new snapshot)",
						       "tick (ages, no snapshot)",
						       "findings",
						       "refresh, filter on",
						       "(shell: steady, map, sort)",
						       "refresh, only metrics moved" };
	struct bench_run b;
	double now = util_wall(), copy = 0, ms;
	size_t k;
	int r;

	memset(&pp, 0, sizeof pp);
	pp.sort = PODS_COL_NAME;
	table_init(&pp.list, pods_cols, PODS_NCOLS);
	pp.list.trouble_word = "failing";
	pp.list.draw_cell = pods_draw_cell;
	pp.list.draw_ctx = &pp;
	bench_run_init(&b, reps);
	rows[0] = bench_pods_rows(n, 0, now);
	rows[1] = bench_pods_rows(n, 1, now);
	/* The first snapshot fills an empty list; not counted. */
	bench_pods_refresh(&pp, bench_pods_snap(rows[0], n, 0, &ms));
	for (r = 0; r < reps; r++) {
		b.t[0][r] = bench_pods_refresh(
			&pp, bench_pods_snap(rows[(r + 1) % 2], n, (unsigned long)r + 1, &ms));
		copy += ms;
		b.t[1][r] = bench_pods_tick(&pp);
		b.t[2][r] = bench_findings(pods_findings, &pp, &b.fl);
		b.t[4][r] = bench_shell(&b.fl, &b.shown, &b.prev, &b.rb);
	}
	/* Snapshots where only the metrics moved (the worker's poll every
	 * tenth second): the pods stay in place, and so does their order. */
	for (r = 0; r < reps; r++) {
		size_t i;

		for (i = 0; i < n; i++)
			rows[0][i].cpu_milli += rows[0][i].cpu_milli >= 0 ? 1 - 2 * (r % 2) : 0;
		b.t[5][r] = bench_pods_refresh(&pp, bench_pods_snap(rows[0], n, 1, &ms));
	}
	table_set_filter(&pp.list, "crashloop");
	for (r = 0; r < reps; r++)
		b.t[3][r] = bench_pods_refresh(
			&pp, bench_pods_snap(rows[(r + 1) % 2], n, (unsigned long)r + 1, &ms));
	printf("pods %zu (a snapshot copied into one block in %.1f ms):\n", n, copy / reps);
	bench_run_print(&b, names);
	printf("  rows %zu, shown %zu, findings %zu\n", pp.list.nrows, pp.list.nvisible, b.fl.n);
	bench_run_free(&b);
	for (k = 0; k < 2; k++) {
		size_t i;

		for (i = 0; i < n; i++)
			k8s_pod_free(&rows[k][i]);
		free(rows[k]);
	}
	table_free(&pp.list);
	if (pp.lender != pp.feed.snap)
		k8s_snap_free(pp.lender);
	k8s_snap_free(pp.feed.snap);
	free(pp.order);
	free(pp.due);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 10000, 0 };

	return bench_main(argc, argv, 31, sizes, bench_pods_run);
}
