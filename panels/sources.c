/*
 * sources.c - the Sources panel: one row per data source the console
 * knows (Kubernetes, PostgreSQL, Redis, Kafka, Alertmanager, Prometheus,
 * health checks), saying whether it is configured and how to configure
 * it, and for each running backend its state from the mailbox: ok, stale
 * for how long, the last error and when it retries. When
 * AMCONSOLE_SELFTEST_FILE is set, a selftest source runs on its own
 * runner thread and fails while that file exists: the live proof that
 * staleness, errors and recovery reach the screen.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runner.h"
#include "backends/selftest.h"
#include "lib/util.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "ui/table.h"

enum sources_action { SOURCES_REFRESH = 1 };

static const struct keymap_entry sources_keys[] = {
	{ 'r', 0, "r", "Refresh", "poll the selected source now (resets its backoff)",
	  SOURCES_REFRESH },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static const struct table_column sources_cols[] = {
	{ "SOURCE", 24, 0, 0, 0 }, { "STATE", 12, 0, 1, 0 },  { "AGE", 7, 1, 2, 0 },
	{ "FETCH", 8, 1, 3, 0 },   { "DETAIL", 0, 0, 4, 10 },
};

struct sources_panel {
	struct app *app;
	struct table table;
	struct panel_feed selftest; /* snap is a struct selftest_snap */
	struct selftest_arg selftest_arg;
	long last_second;
	unsigned long live_generations; /* sum over the live runners */
	size_t live_count;
};

static void *sources_create(struct app *app)
{
	struct sources_panel *sp = xcalloc(1, sizeof *sp);
	const char *file = getenv("AMCONSOLE_SELFTEST_FILE");

	sp->app = app;
	table_init(&sp->table, sources_cols, 5);
	sp->table.trouble_first = 1;
	sp->table.trouble_word = "down or stale";
	if (file != NULL && file[0] != '\0') {
		struct runner_opts opts = { 0 };

		sp->selftest_arg.fail_file = file;
		opts = runner_opts_for(app_config(app)->refresh);
		if (panel_feed_start(&sp->selftest, &selftest_backend, &sp->selftest_arg, &opts,
				     app_wake_fd(app)) != 0)
			app_message(app, ROLE_ERROR, "selftest source: %s", sp->selftest.error);
	}
	return sp;
}

static void sources_destroy(void *self)
{
	struct sources_panel *sp = self;

	panel_feed_stop(&sp->selftest);
	table_free(&sp->table);
	free(sp);
}

/* The i-th live runner when it has a row of its own (not a hidden
 * helper, not the selftest source), with its status in st when st is not
 * NULL; else NULL. */
static struct runner *sources_live(const struct sources_panel *sp, size_t i,
				   struct mailbox_status *st)
{
	struct runner *r = runner_live_at(i);

	if (r == NULL || runner_hidden(r) || r == sp->selftest.r)
		return NULL;
	if (st != NULL)
		mailbox_status(runner_mailbox(r), st);
	return r;
}

/* Take a new snapshot if one is waiting; redraw once a second while a
 * source is failing or stale so the ages stay true. */
static int sources_update(void *self)
{
	struct sources_panel *sp = self;
	size_t i, n = runner_live_count();
	struct mailbox_status st;
	unsigned long gens = 0;
	int failing = 0, dirty = 0;

	/* Every live source's status, for its row. */
	for (i = 0; i < n; i++)
		if (sources_live(sp, i, &st) != NULL) {
			gens += st.generation;
			failing |= st.state == MAILBOX_ERROR;
		}
	if (gens != sp->live_generations || n != sp->live_count) {
		sp->live_generations = gens;
		sp->live_count = n;
		dirty = 1;
	}
	if (panel_feed_take(&sp->selftest))
		dirty = 1;
	failing |= sp->selftest.status.state == MAILBOX_ERROR;
	/* Once a second while something fails, so the ages stay true. */
	return panel_tick(&sp->last_second, 1, dirty, failing);
}

static void sources_row(struct sources_panel *sp, const char *id, const char *name,
			const char *state, const char *age, const char *fetch, const char *detail,
			enum role role)
{
	const char *cells[5] = { name, state, age, fetch, detail };
	/* Down first, then stale; what is not configured last. */
	long rank = role == ROLE_ERROR ? 2 : role == ROLE_STALE ? 1 : role == ROLE_DIM ? -1 : 0;

	table_add_ranked(&sp->table, id, role, rank, cells, NULL);
}

static int sources_running(const struct sources_panel *sp, const char *name);

static const char *sources_interval(double refresh)
{
	static char buf[16];

	if (refresh <= 0)
		refresh = 2;
	if (refresh < 1)
		snprintf(buf, sizeof buf, "%.0fms", refresh * 1000);
	else
		util_fmt_duration(buf, sizeof buf, refresh);
	return buf;
}

/* Sources with no backend running, a row each: "configured" with what
 * to look at, or "-" (dim) with how to configure it (a running one has
 * its live row instead). */
static void sources_config_rows(struct sources_panel *sp)
{
	const struct config *c = app_config(sp->app);
	char k8s[512], redis[128], health[128];
	const struct sources_config {
		const char *runner; /* its backend's name; NULL: listed always */
		const char *id, *name;
		int configured;
		const char *yes, *no;
	} rows[] = {
		{ "kubernetes", "k8s", "kubernetes", c->kubeconfig != NULL, k8s,
		  "not configured: set kubernetes.kubeconfig or KUBECONFIG, or create "
		  "~/.kube/config" },
		{ "postgres", "pg", "postgres", c->pg_conninfo != NULL,
		  "configured: see the Slow queries panel for why it is not running",
		  "not configured: set postgres.conninfo or PGHOST/PGDATABASE" },
		{ "redis", "redis", "redis", c->nredis > 0, redis, redis },
		{ "kafka", "kafka", "kafka", c->kafka_bootstrap != NULL,
		  "configured: see the Consumer lag panel for why it is not running",
		  "not configured: set kafka.bootstrap or KAFKA_BOOTSTRAP_SERVERS" },
		{ "prom", "am", "alertmanager", c->nalertmanager_urls > 0,
		  "configured: see the Alerts panel",
		  "not configured: set alertmanager.urls or ALERTMANAGER_URL" },
		{ "prom", "health", "health", c->nhealth > 0, health, health },
		{ NULL, "prom", "prometheus", c->prometheus_url != NULL,
		  "configured: promql steps run natively; see the Alerts panel",
		  "not configured: set prometheus.url or PROMETHEUS_URL" },
	};
	size_t i;

	snprintf(k8s, sizeof k8s, "%s: see the Pods panel for why it is not running",
		 c->kubeconfig != NULL ? c->kubeconfig : "");
	snprintf(redis, sizeof redis, "%zu instance(s)%s", c->nredis,
		 c->nredis ? ": see the Cache panel"
			   : " - not configured: set redis.instances or REDIS_URL");
	snprintf(health, sizeof health, "%zu check(s)%s", c->nhealth,
		 c->nhealth ? ": the Alerts panel's health strip"
			    : " - not configured: add health: [{name, url}]");
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct sources_config *r = &rows[i];

		if (r->runner == NULL || !sources_running(sp, r->runner))
			sources_row(sp, r->id, r->name, r->configured ? "configured" : "-", "", "",
				    r->configured ? r->yes : r->no,
				    r->configured ? ROLE_NORMAL : ROLE_DIM);
	}
}

/* One source's row from its status: its state, the age of its data, the
 * time the last fetch took (when fetched) and, while all is well,
 * ok_detail. */
static void sources_status_row(struct sources_panel *sp, const char *id, const char *name,
			       const struct mailbox_status *st, int have_data, int fetched,
			       const char *ok_detail)
{
	char state[32], age[16] = "", fetch[16] = "", detail[512];
	enum role role;

	if (fetched)
		snprintf(fetch, sizeof fetch, "%.0fms", st->fetch_ms);
	if (st->taken > 0)
		util_fmt_duration(age, sizeof age, util_now() - st->taken);
	role = panel_source_state(st, have_data, state, sizeof state, detail, sizeof detail);
	if (role == ROLE_OK)
		snprintf(detail, sizeof detail, "%s", ok_detail);
	sources_row(sp, id, name, state, age, fetch, detail, role);
}

static void sources_selftest_row(struct sources_panel *sp)
{
	const struct mailbox_status *st = &sp->selftest.status;
	const struct selftest_snap *s = sp->selftest.snap;
	char ok[512];

	snprintf(ok, sizeof ok, "snapshot #%lu: %s", s ? s->seq : 0, s ? s->text : "");
	sources_status_row(sp, "selftest", "selftest", st, s != NULL,
			   st->fetch_ms > 0 || st->state != MAILBOX_CONNECTING, ok);
}

/* One row per running backend, from its mailbox: what every panel says
 * about its source, in one place. */
static void sources_live_rows(struct sources_panel *sp)
{
	size_t i, n = runner_live_count();
	char ok[64], id[80];

	snprintf(ok, sizeof ok, "polled every %s", sources_interval(app_config(sp->app)->refresh));
	for (i = 0; i < n; i++) {
		struct mailbox_status st;
		struct runner *r = sources_live(sp, i, &st);

		if (r == NULL)
			continue;
		snprintf(id, sizeof id, "live:%s", runner_label(r));
		sources_status_row(sp, id, runner_label(r), &st, st.taken > 0,
				   st.state != MAILBOX_CONNECTING, ok);
	}
}

/* 1 if a backend named name has a live runner (its row says more than
 * the configuration does). */
static int sources_running(const struct sources_panel *sp, const char *name)
{
	size_t i, n = runner_live_count();

	for (i = 0; i < n; i++) {
		struct runner *r = sources_live(sp, i, NULL);

		if (r != NULL && strcmp(runner_backend(r)->name, name) == 0)
			return 1;
	}
	return 0;
}

static void sources_draw(void *self, const struct view *v, int focused)
{
	struct sources_panel *sp = self;

	table_clear_rows(&sp->table);
	if (sp->selftest.r != NULL)
		sources_selftest_row(sp);
	sources_live_rows(sp);
	sources_config_rows(sp);
	table_commit(&sp->table);
	table_draw(&sp->table, v, focused);
}

static int sources_action(void *self, int action)
{
	struct sources_panel *sp = self;
	const struct table_row *r = table_selected(&sp->table);

	if (action != SOURCES_REFRESH)
		return 0;
	if (r != NULL && strcmp(r->id, "selftest") == 0 && sp->selftest.r != NULL) {
		runner_refresh(sp->selftest.r);
		app_message(sp->app, ROLE_NORMAL, "refreshing %s", r->id);
	} else if (r != NULL && strncmp(r->id, "live:", 5) == 0) {
		size_t i, n = runner_live_count();

		for (i = 0; i < n; i++) {
			struct runner *lr = runner_live_at(i);

			if (lr != NULL && strcmp(runner_label(lr), r->id + 5) == 0) {
				runner_refresh(lr);
				app_message(sp->app, ROLE_NORMAL, "refreshing %s", r->id + 5);
				return 1;
			}
		}
		app_message(sp->app, ROLE_NORMAL, "that source has stopped");
	} else {
		app_message(sp->app, ROLE_NORMAL, "that source has no backend running");
	}
	return 1;
}

static int sources_key(void *self, int key)
{
	struct sources_panel *sp = self;

	return table_key(&sp->table, key);
}

static int sources_click(void *self, int y, int x)
{
	struct sources_panel *sp = self;

	return table_click(&sp->table, y);
}

static void sources_filter(void *self, const char *text)
{
	struct sources_panel *sp = self;

	table_set_filter(&sp->table, text);
}

/* The grid's share: the table's header and its rows, no more. */
static void sources_want(void *self, struct panel_want *w)
{
	const struct sources_panel *sp = self;

	w->rows = 1 + (int)sp->table.nrows;
}

const struct panel_ops sources_panel = {
	.name = "sources",
	.title = "Sources",
	.keys = sources_keys,
	.create = sources_create,
	.destroy = sources_destroy,
	.update = sources_update,
	.draw = sources_draw,
	.action = sources_action,
	.key = sources_key,
	.click = sources_click,
	.filter = sources_filter,
	.want = sources_want,
};
