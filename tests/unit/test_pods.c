/*
 * test_pods.c - the Pods panel's age tick without a terminal or a
 * server: the rows' AGE and RESTARTS cells set in place when the ages
 * move read as a full rebuild would (kubectl's ages at that time), the
 * other cells and the order untouched, and nothing done when no text is
 * due. pods.c's functions are static, so it is compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "panels/pods.c"
#include "tests/unit/testhelp.h"

#define TEST_PODS_N 300

/* A snapshot of n pods made at now: ages from seconds to weeks, some
 * restarted lately. */
static struct k8s_snap *test_pods_snap(double now)
{
	struct k8s_snap *s = xcalloc(1, sizeof *s);
	size_t i;

	s->pods = xcalloc(TEST_PODS_N + 1, sizeof *s->pods);
	s->npods = TEST_PODS_N;
	for (i = 0; i < TEST_PODS_N; i++) {
		struct k8s_pod *p = &s->pods[i];

		p->uid = xasprintf("uid-%zu", i);
		p->ns = xstrdup(i % 2 ? "prod" : "staging");
		p->name = xasprintf("api-%03zu", i);
		p->ready = xstrdup(i % 7 == 0 ? "0/1" : "1/1");
		p->status = xstrdup(i % 7 == 0 ? "CrashLoopBackOff" : "Running");
		p->severity = i % 7 == 0 ? K8S_BAD : K8S_OK;
		p->restarts = (int)(i % 5);
		p->last_restart = p->restarts > 0 ? now - (double)(i * 7 % 900) : 0;
		p->created = now - (double)(i * i * 37 % 2000000) - 1;
		p->node = xstrdup("node-1");
		p->ip = xstrdup("10.0.0.1");
		p->containers = xcalloc(1, sizeof *p->containers);
		p->cpu_milli = p->mem_bytes = -1;
	}
	return s;
}

/* Every row's cells as a full rebuild at now would make them. */
static void test_pods_rows_are(struct pods_panel *pp, double now)
{
	const struct k8s_snap *s = pods_snap(pp);
	size_t i, c;

	assert_int_equal(pp->list.nrows, s->npods);
	for (i = 0; i < s->npods; i++) {
		const struct k8s_pod *p = &s->pods[pp->order[i]];

		assert_string_equal(pp->list.rows[i].id, p->uid);
		for (c = 0; c < pp->ncols; c++) {
			char buf[64];

			assert_string_equal(pp->list.rows[i].cells[c],
					    pods_cell(p, pp->kinds[c], buf, sizeof buf, now));
		}
	}
}

/* A panel with no runner, its rows built from a snapshot made at now. */
static void test_pods_panel(struct pods_panel *pp, double now)
{
	memset(pp, 0, sizeof *pp);
	table_init(&pp->list, pods_cols, PODS_NCOLS);
	pp->feed.snap = test_pods_snap(now);
	pods_fill(pp);
}

static void test_pods_panel_free(struct pods_panel *pp)
{
	table_free(&pp->list);
	if (pp->lender != pp->feed.snap)
		k8s_snap_free(pp->lender);
	k8s_snap_free(pp->feed.snap);
	free(pp->order);
	free(pp->due);
}

TEST(test_pods_tick)
{
	struct pods_panel pp;
	double now = util_wall();
	size_t first;

	test_pods_panel(&pp, now);
	test_pods_rows_are(&pp, now);
	first = pp.list.visible[0];
	/* The same second: nothing is due, nothing done. */
	assert_false(pods_tick(&pp, now));
	/* Five seconds on: the restarts of the last ten minutes and the
	 * youngest pods moved, in place. */
	assert_true(pods_tick(&pp, now + 5));
	test_pods_rows_are(&pp, now + 5);
	assert_int_equal(pp.list.visible[0], first);
	assert_false(pods_tick(&pp, now + 5.2));
	/* An hour, a day, a month on. */
	assert_true(pods_tick(&pp, now + 3600));
	test_pods_rows_are(&pp, now + 3600);
	assert_true(pods_tick(&pp, now + 86400 + 7));
	test_pods_rows_are(&pp, now + 86400 + 7);
	assert_true(pods_tick(&pp, now + 86400 * 31));
	test_pods_rows_are(&pp, now + 86400 * 31);
	/* A filter on an age follows it. */
	table_set_filter(&pp.list, "32d");
	assert_true(pp.list.nvisible > 0);
	assert_true(pods_tick(&pp, now + 86400 * 60));
	test_pods_rows_are(&pp, now + 86400 * 60);
	assert_int_equal(pp.list.nvisible, 0);
	test_pods_panel_free(&pp);
}

/* The rows are added in the panel's order (most restarts first, then
 * namespace and name; the table puts the rank before it), each pod
 * once. */
static void test_pods_sorted(struct pods_panel *pp)
{
	const struct k8s_snap *s = pods_snap(pp);
	struct pods_sort ps = { s, PODS_COL_RESTARTS, 1 };
	char *seen = xcalloc(s->npods, 1);
	size_t i;

	assert_int_equal(pp->list.nrows, s->npods);
	for (i = 0; i < s->npods; i++) {
		assert_false(seen[pp->order[i]]);
		seen[pp->order[i]] = 1;
		assert_string_equal(pp->list.rows[i].id, s->pods[pp->order[i]].uid);
		if (i > 0)
			assert_true(pods_cmp(&pp->order[i - 1], &pp->order[i], &ps) < 0);
	}
	free(seen);
}

/* A new snapshot with the same pods in order keeps the rows' order; one
 * where restarts moved pods is sorted again. */
TEST(test_pods_order)
{
	struct pods_panel pp;
	double now = util_wall();
	size_t i;

	test_pods_panel(&pp, now);
	test_pods_sorted(&pp);
	/* The rows borrow the strings of the snapshot they were built from:
	 * pods_fill frees it once they are built from the next. */
	pp.feed.snap = test_pods_snap(now);
	pods_fill(&pp);
	test_pods_sorted(&pp);
	/* The last pods restart most now: they go to the top of their rank. */
	for (i = TEST_PODS_N - 20; i < TEST_PODS_N; i++)
		pods_snap(&pp)->pods[i].restarts = 100 + (int)i;
	pods_fill(&pp);
	test_pods_sorted(&pp);
	assert_string_equal(pp.list.rows[0].id, "uid-299"); /* most restarts */
	/* shown first: the failing one with most restarts */
	assert_string_equal(pp.list.rows[pp.list.visible[0]].id, "uid-294");
	test_pods_panel_free(&pp);
}
