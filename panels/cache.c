/*
 * cache.c - the Cache panel: the live answer to the guide's "redis-cli
 * info memory". One block per configured Redis instance (memory gauge
 * against maxmemory or the host, RSS, peak, fragmentation, policy,
 * evictions and expiries per second, hit ratio, ops/s with a sparkline,
 * clients, keyspace, replication, last save) with its staleness shown as
 * the Sources panel shows it; sub-views for the top keys by memory and
 * the SLOWLOG; and the two changing actions done safely: pattern
 * invalidation (SCAN preview, typed pattern, batched UNLINK with
 * progress, cancellable) and FLUSHDB/FLUSHALL behind the typed instance
 * name, both audited and both refused in --read-only. Every instance has
 * a metrics runner and a job runner (backends/redis.c); the panel only
 * takes their snapshots and never touches the network. The instances in
 * trouble come first: down, evicting, then by how full memory is.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/redis.h"
#include "runtime/runner.h"
#include "lib/ident.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "lib/redact.h"
#include "ui/table.h"

#define CACHE_BLOCK 8 /* lines per instance in the overview */

enum cache_action {
	CACHE_REFRESH = 1,
	CACHE_TOPKEYS,
	CACHE_SLOWLOG,
	CACHE_INVALIDATE,
	CACHE_FLUSHDB,
	CACHE_FLUSHALL,
	CACHE_CANCEL,
	CACHE_BACK,
};

static const struct keymap_entry cache_keys[] = {
	{ 'r', 0, "r", "Refresh", "poll the selected instance now (resets its backoff)",
	  CACHE_REFRESH },
	{ 'm', 0, "m", "MemKeys", "top keys by memory (SCAN + MEMORY USAGE, sampled, bounded)",
	  CACHE_TOPKEYS },
	{ 'l', 0, "l", "Slowlog", "the instance's SLOWLOG GET", CACHE_SLOWLOG },
	{ 'i', 0, "i", "Invalidate",
	  "delete keys by pattern: SCAN preview, type the pattern, UNLINK in batches",
	  CACHE_INVALIDATE },
	{ 'f', 0, "f", "FlushDB", "FLUSHDB the selected instance's db (type its name)",
	  CACHE_FLUSHDB },
	{ 'F', 0, "F", "FlushAll", "FLUSHALL on the selected instance (type its name)",
	  CACHE_FLUSHALL },
	{ 'x', 0, "x", "Cancel", "cancel the running invalidation or scan", CACHE_CANCEL },
	{ 'o', KEY_BACKSPACE, "o BS", "Overview", "back to the instances overview", CACHE_BACK },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

enum cache_mode { CACHE_OVERVIEW, CACHE_KEYS, CACHE_SLOW };

enum cache_wait { CACHE_IDLE, CACHE_PREVIEWING, CACHE_CONFIRMING, CACHE_CHANGING };

struct cache_inst {
	const struct config_redis *cfg;
	struct redis_arg marg, jarg;
	struct panel_feed metrics; /* snap is a struct redis_snap; error says why
				    * either runner did not start */
	struct runner *worker;
	struct redis_jobs *jobs;
	struct redis_job *job; /* the newest job report */
	char *url;             /* redacted, for display */
	char *shown;           /* the name for display: a lookalike spelled out
				* (lib/ident.h); cfg->name for audit and typing */
};

struct cache_panel {
	struct app *app;
	struct cache_inst *inst;
	size_t ninst;
	size_t sel;
	enum cache_mode mode;
	struct table keys;
	struct table slow;
	enum cache_wait wait;
	size_t wait_inst;
	enum redis_request wait_kind;
	char *pattern;
	unsigned long audited_seq; /* the changing job whose end was audited */
	long last_second;
};

static const struct table_column cache_key_cols[] = {
	{ "#", 3, 1, 2, 0 },
	{ "BYTES", 10, 1, 1, 0 },
	{ "KEY", 80, 0, 0, 0 },
};

static const struct table_column cache_slow_cols[] = {
	{ "ID", 6, 1, 3, 0 },      { "WHEN", 9, 1, 2, 0 },     { "MICROS", 9, 1, 1, 0 },
	{ "CLIENT", 21, 0, 4, 8 }, { "COMMAND", 80, 0, 0, 0 },
};

static void cache_fmt_bytes(char *buf, size_t n, double v)
{
	const char *u = "BKMGT";

	while (v >= 1024 && u[1] != '\0') {
		v /= 1024;
		u++;
	}
	if (*u == 'B')
		snprintf(buf, n, "%.0fB", v);
	else
		snprintf(buf, n, "%.1f%c", v, *u);
}

static void cache_fmt_rate(char *buf, size_t n, double v)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else if (v >= 100)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f", v);
}

static void *cache_create(struct app *app)
{
	struct cache_panel *cp = xcalloc(1, sizeof *cp);
	const struct config *c = app_config(app);
	struct runner_opts opts = { 0 }, jopts = { 0 };
	char label[64];
	double timeout;
	size_t i;

	cp->app = app;
	table_init(&cp->keys, cache_key_cols, 3);
	table_init(&cp->slow, cache_slow_cols, 5);
	opts = runner_opts_for(c->refresh);
	/* A stalled server must show STALE within two intervals. */
	timeout = panel_timeout(&opts, 0.8, 0.3, 5);
	jopts.interval = 3600; /* the job runner works on requests only */
	jopts.backoff_min = jopts.backoff_max = 3600;
	cp->ninst = c->nredis;
	cp->inst = xcalloc(cp->ninst ? cp->ninst : 1, sizeof *cp->inst);
	for (i = 0; i < cp->ninst; i++) {
		struct cache_inst *in = &cp->inst[i];

		in->cfg = &c->redis[i];
		in->url = redact(in->cfg->url != NULL ? in->cfg->url : "");
		in->shown = ident_escape(in->cfg->name != NULL ? in->cfg->name : "");
		in->marg.cfg = in->cfg;
		in->marg.timeout = timeout;
		if (panel_feed_start(&in->metrics, &redis_backend, &in->marg, &opts,
				     app_wake_fd(app)) != 0)
			continue;
		in->jobs = redis_jobs_new(app_wake_fd(app));
		in->jarg = in->marg;
		in->jarg.timeout = timeout < 2 ? 2 : timeout;
		in->jarg.jobs = in->jobs;
		in->worker = runner_start(&redis_backend, &in->jarg, &jopts, -1, in->metrics.error,
					  sizeof in->metrics.error);
		if (in->worker != NULL)
			runner_set_label(in->worker, NULL);
		snprintf(label, sizeof label, "redis%s%s",
			 in->cfg->name != NULL && strcmp(in->cfg->name, "redis") != 0 ? " " : "",
			 in->cfg->name != NULL && strcmp(in->cfg->name, "redis") != 0 ? in->shown
										      : "");
		runner_set_label(in->metrics.r, label);
	}
	return cp;
}

static void cache_destroy(void *self)
{
	struct cache_panel *cp = self;
	size_t i;

	for (i = 0; i < cp->ninst; i++) {
		struct cache_inst *in = &cp->inst[i];

		if (in->jobs != NULL)
			redis_jobs_cancel(in->jobs);
		if (in->worker != NULL)
			runner_stop(in->worker);
		panel_feed_stop(&in->metrics);
		redis_jobs_free(in->jobs);
		redis_job_free(in->job);
		free(in->url);
		free(in->shown);
	}
	free(cp->inst);
	free(cp->pattern);
	table_free(&cp->keys);
	table_free(&cp->slow);
	free(cp);
}

static void cache_audit(struct cache_panel *cp, const char *event, const char *step,
			const char *command, const char *target, const char *status,
			double duration, const char *reason)
{
	struct audit_event ev = { event, "cache panel", step,  command, target, status,
				  -1,    duration,      reason };

	panel_audit(cp->app, &ev);
}

static const char *cache_step_name(enum redis_request k)
{
	switch (k) {
	case REDIS_REQ_INVALIDATE:
		return "invalidate pattern";
	case REDIS_REQ_FLUSHDB:
		return "FLUSHDB";
	case REDIS_REQ_FLUSHALL:
		return "FLUSHALL";
	default:
		return "redis job";
	}
}

static void cache_command_text(struct cache_panel *cp, const struct cache_inst *in,
			       enum redis_request k, char *buf, size_t n)
{
	if (k == REDIS_REQ_INVALIDATE)
		snprintf(buf, n, "SCAN MATCH %s + UNLINK in batches on %s", cp->pattern,
			 in->cfg->name);
	else
		snprintf(buf, n, "%s ASYNC on %s", k == REDIS_REQ_FLUSHALL ? "FLUSHALL" : "FLUSHDB",
			 in->cfg->name);
}

static void cache_confirmed(void *ctx, int confirmed)
{
	struct cache_panel *cp = ctx;
	struct cache_inst *in = &cp->inst[cp->wait_inst];
	char cmd[512];
	const char *target = cp->wait_kind == REDIS_REQ_INVALIDATE ? cp->pattern : in->cfg->name;

	cache_command_text(cp, in, cp->wait_kind, cmd, sizeof cmd);
	if (!confirmed) {
		cache_audit(cp, "cancelled", cache_step_name(cp->wait_kind), cmd, NULL, "cancelled",
			    -1, "not confirmed");
		app_message(cp->app, ROLE_WARN, "cancelled: nothing was removed");
		cp->wait = CACHE_IDLE;
		return;
	}
	cache_audit(cp, "run", cache_step_name(cp->wait_kind), cmd, target, NULL, -1, NULL);
	cp->wait = CACHE_CHANGING;
	runner_send(in->worker, (int)cp->wait_kind,
		    cp->wait_kind == REDIS_REQ_INVALIDATE ? redis_req_new(cp->pattern) : NULL,
		    redis_req_free);
	app_message(cp->app, ROLE_RUNNING, "%s running on %s (x cancels)",
		    cache_step_name(cp->wait_kind), in->shown);
}

/* Ask to confirm a change (wait_kind on wait_inst), destructive: body's
 * n lines, type to be typed, Run labelled label; the answer goes to
 * cache_confirmed. */
static void cache_confirm(struct cache_panel *cp, const char *title, const char *const *body,
			  size_t n, const char *type, const char *label)
{
	struct app_confirm c = { 0 };

	c.title = title;
	c.body = body;
	c.nbody = n;
	c.type = type;
	c.run_label = label;
	c.danger = 1;
	c.done = cache_confirmed;
	c.ctx = cp;
	cp->wait = CACHE_CONFIRMING;
	app_confirm(cp->app, &c);
}

/* The preview is in: show the count and samples, ask for the pattern. */
static void cache_confirm_invalidate(struct cache_panel *cp, const struct redis_job *j)
{
	struct cache_inst *in = &cp->inst[cp->wait_inst];
	const char *body[REDIS_SAMPLES + 8];
	char l0[300], l1[200], samples[REDIS_SAMPLES][160];
	size_t n = 0, i;

	if (j->matched == 0) {
		app_message(cp->app, ROLE_NORMAL,
			    "no keys match %s on %s (scanned %lld): nothing to do", cp->pattern,
			    in->shown, j->dbsize);
		cp->wait = CACHE_IDLE;
		return;
	}
	snprintf(l0, sizeof l0, "Pattern %s on %s", cp->pattern, in->shown);
	snprintf(l1, sizeof l1,
		 "%s%lld keys match (of %lld in the db); samples:", j->truncated ? "at least " : "",
		 j->matched, j->dbsize);
	body[n++] = l0;
	body[n++] = l1;
	for (i = 0; i < j->nkeys && i < REDIS_SAMPLES; i++) {
		snprintf(samples[i], sizeof samples[i], "  %s", j->keys[i].name);
		body[n++] = samples[i];
	}
	body[n++] = "They are removed with UNLINK in batches of 500; x cancels.";
	body[n++] = "Type the pattern to confirm.";
	cache_confirm(cp, "Invalidate keys", body, n, cp->pattern, "Unlink");
}

static void cache_fill_keys(struct cache_panel *cp, const struct redis_job *j)
{
	size_t i;

	table_clear_rows(&cp->keys);
	for (i = 0; j != NULL && i < j->nkeys; i++) {
		char num[24], bytes[32];
		const char *cells[3] = { num, bytes, j->keys[i].name };

		snprintf(num, sizeof num, "%zu", i + 1);
		cache_fmt_bytes(bytes, sizeof bytes, (double)j->keys[i].bytes);
		table_add_row(&cp->keys, j->keys[i].name, ROLE_NORMAL, cells, NULL);
	}
	table_commit(&cp->keys);
}

static void cache_fill_slow(struct cache_panel *cp, const struct redis_job *j)
{
	size_t i;

	table_clear_rows(&cp->slow);
	for (i = 0; j != NULL && i < j->nslow; i++) {
		const struct redis_slow_entry *s = &j->slow[i];
		char id[24], when[24], us[24];
		const char *cells[5] = { id, when, us, s->client, s->command };

		snprintf(id, sizeof id, "%lld", s->id);
		util_fmt_duration(when, sizeof when, util_wall() - (double)s->when);
		snprintf(us, sizeof us, "%lld", s->micros);
		table_add_row(&cp->slow, id, s->micros > 100000 ? ROLE_WARN : ROLE_NORMAL, cells,
			      NULL);
	}
	table_commit(&cp->slow);
}

/* A job report came in for instance i. */
static void cache_job_report(struct cache_panel *cp, size_t i)
{
	struct cache_inst *in = &cp->inst[i];
	const struct redis_job *j = in->job;
	int over = j->state != REDIS_JOB_RUNNING;

	if (j->kind == REDIS_REQ_TOPKEYS && i == cp->sel)
		cache_fill_keys(cp, j);
	if (j->kind == REDIS_REQ_SLOWLOG && i == cp->sel && over)
		cache_fill_slow(cp, j);
	if (over && j->state == REDIS_JOB_FAILED && j->kind != REDIS_REQ_INVALIDATE &&
	    j->kind != REDIS_REQ_FLUSHDB && j->kind != REDIS_REQ_FLUSHALL) {
		app_message(cp->app, ROLE_ERROR, "%s: %s", in->shown, j->error);
		if (cp->wait == CACHE_PREVIEWING && cp->wait_inst == i)
			cp->wait = CACHE_IDLE;
	}
	if (j->kind == REDIS_REQ_PREVIEW && over && cp->wait == CACHE_PREVIEWING &&
	    cp->wait_inst == i && j->state == REDIS_JOB_DONE && cp->pattern != NULL &&
	    j->pattern != NULL && strcmp(j->pattern, cp->pattern) == 0)
		cache_confirm_invalidate(cp, j);
	/* x during the count: nothing was asked; free the panel again. */
	if (j->kind == REDIS_REQ_PREVIEW && over && cp->wait == CACHE_PREVIEWING &&
	    cp->wait_inst == i && j->state == REDIS_JOB_CANCELLED) {
		app_message(cp->app, ROLE_WARN,
			    "invalidate %s: preview cancelled, nothing was removed",
			    j->pattern != NULL ? j->pattern : "");
		cp->wait = CACHE_IDLE;
	}
	if ((j->kind == REDIS_REQ_INVALIDATE || j->kind == REDIS_REQ_FLUSHDB ||
	     j->kind == REDIS_REQ_FLUSHALL) &&
	    over && j->seq != cp->audited_seq && cp->wait == CACHE_CHANGING && cp->wait_inst == i) {
		char cmd[512], reason[300];
		const char *status = j->state == REDIS_JOB_DONE        ? "ok"
				     : j->state == REDIS_JOB_CANCELLED ? "cancelled"
								       : "failed";

		cp->audited_seq = j->seq;
		cache_command_text(cp, in, j->kind, cmd, sizeof cmd);
		if (j->state == REDIS_JOB_FAILED)
			snprintf(reason, sizeof reason, "removed %lld keys; %s", j->removed,
				 j->error);
		else
			snprintf(reason, sizeof reason, "removed %lld keys", j->removed);
		cache_audit(cp, "end", cache_step_name(j->kind), cmd,
			    j->kind == REDIS_REQ_INVALIDATE ? cp->pattern : in->cfg->name, status,
			    j->elapsed, reason);
		app_message(cp->app, j->state == REDIS_JOB_DONE ? ROLE_OK : ROLE_WARN,
			    "%s on %s %s: %s", cache_step_name(j->kind), in->shown, status, reason);
		cp->wait = CACHE_IDLE;
	}
}

static int cache_update(void *self)
{
	struct cache_panel *cp = self;
	int redraw = 0, ticking = 0;
	size_t i;

	for (i = 0; i < cp->ninst; i++) {
		struct cache_inst *in = &cp->inst[i];
		struct redis_job *job = NULL;

		if (in->metrics.r == NULL)
			continue;
		if (panel_feed_take(&in->metrics))
			redraw = 1;
		if (in->metrics.status.state == MAILBOX_ERROR)
			ticking = 1;
		while (in->jobs != NULL && redis_jobs_take(in->jobs, &job)) {
			redis_job_free(in->job);
			in->job = job;
			cache_job_report(cp, i);
			redraw = 1;
		}
		if (in->job != NULL && in->job->state == REDIS_JOB_RUNNING)
			ticking = 1;
	}
	return panel_tick(&cp->last_second, 1, redraw, ticking);
}

static int cache_gauge(const struct view *v, int y, int x, int width, double frac)
{
	char bar[512];
	int i, fill, utf8 = screen_utf8();
	size_t o = 0;
	enum role r = frac >= 0.9 ? ROLE_ERROR : frac >= 0.75 ? ROLE_WARN : ROLE_OK;

	if (width > 100)
		width = 100;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * width + 0.5);
	bar[o++] = '[';
	for (i = 0; i < width; i++) {
		const char *c = i < fill ? (utf8 ? "█" : "|") : (utf8 ? "░" : ".");

		memcpy(bar + o, c, strlen(c));
		o += strlen(c);
	}
	bar[o++] = ']';
	bar[o] = '\0';
	return draw_label(v, y, x, r, bar);
}

static void cache_draw_job(struct cache_panel *cp, const struct cache_inst *in,
			   const struct view *v, int y)
{
	const struct redis_job *j = in->job;
	char line[512];
	int x;

	if (j == NULL || (j->kind != REDIS_REQ_INVALIDATE && j->kind != REDIS_REQ_PREVIEW &&
			  j->kind != REDIS_REQ_FLUSHDB && j->kind != REDIS_REQ_FLUSHALL &&
			  j->kind != REDIS_REQ_TOPKEYS))
		return;
	if (j->kind == REDIS_REQ_INVALIDATE) {
		double total = j->dbsize > 0 ? (double)j->dbsize : 1;

		x = draw_label(v, y, 2, ROLE_DIM, "invalidate ");
		x += draw_text(v, y, 2 + x, ROLE_NORMAL, j->pattern ? j->pattern : "", 40);
		snprintf(line, sizeof line, " %s: removed %lld, scanned %lld/%lld  ",
			 j->state == REDIS_JOB_RUNNING     ? "running (x cancels)"
			 : j->state == REDIS_JOB_DONE      ? "done"
			 : j->state == REDIS_JOB_CANCELLED ? "cancelled"
							   : "failed",
			 j->removed, j->scanned, j->dbsize);
		x += draw_label(v, y, 2 + x,
				j->state == REDIS_JOB_FAILED ? ROLE_ERROR : ROLE_NORMAL, line);
		cache_gauge(v, y, 2 + x, 20,
			    j->state == REDIS_JOB_DONE ? 1 : (double)j->scanned / total);
	} else if (j->kind == REDIS_REQ_PREVIEW && j->state == REDIS_JOB_RUNNING) {
		snprintf(line, sizeof line, "counting keys matching the pattern: %lld so far",
			 j->matched);
		draw_label(v, y, 2, ROLE_RUNNING, line);
	} else if (j->kind == REDIS_REQ_TOPKEYS && j->state == REDIS_JOB_RUNNING) {
		snprintf(line, sizeof line, "top keys: scanned %lld of %lld keys", j->scanned,
			 j->dbsize);
		draw_label(v, y, 2, ROLE_RUNNING, line);
	} else if (j->kind == REDIS_REQ_FLUSHDB || j->kind == REDIS_REQ_FLUSHALL) {
		snprintf(line, sizeof line, "%s: %s",
			 j->kind == REDIS_REQ_FLUSHALL ? "FLUSHALL" : "FLUSHDB",
			 j->state == REDIS_JOB_RUNNING ? "running"
			 : j->state == REDIS_JOB_DONE  ? "done"
						       : j->error);
		draw_label(v, y, 2, j->state == REDIS_JOB_FAILED ? ROLE_ERROR : ROLE_NORMAL, line);
	}
	(void)cp;
}

static void cache_draw_inst(struct cache_panel *cp, size_t i, const struct view *v, int y,
			    int focused)
{
	const struct cache_inst *in = &cp->inst[i];
	const struct redis_snap *s = in->metrics.snap;
	const struct redis_info *f = s ? &s->info : NULL;
	char line[512], a[32], b[32], c[32], d[32];
	int x;
	size_t k;

	x = draw_label(v, y, 0, i == cp->sel && focused ? ROLE_SELECTED : ROLE_NORMAL,
		       i == cp->sel ? ">" : " ");
	x += draw_ident(v, y, x + 1, ROLE_TITLE, in->shown, 24) + 1;
	x += draw_text(v, y, x + 1, ROLE_DIM, in->url, 40) + 2;
	panel_feed_status(&in->metrics, v, y, x + 1, NULL);
	if (f == NULL)
		return;
	/* memory */
	{
		double cap = (double)(f->maxmemory > 0 ? f->maxmemory : f->total_system_memory);
		double frac = cap > 0 ? (double)f->used_memory / cap : 0;

		x = draw_label(v, y + 1, 2, ROLE_DIM, "memory ");
		x += cache_gauge(v, y + 1, 2 + x, 24, frac);
		cache_fmt_bytes(a, sizeof a, (double)f->used_memory);
		cache_fmt_bytes(b, sizeof b, cap);
		snprintf(line, sizeof line, " %s / %s%s (%.0f%%)", a, b,
			 f->maxmemory > 0 ? " maxmemory" : " host", frac * 100);
		x += draw_label(v, y + 1, 2 + x, ROLE_NORMAL, line);
		cache_fmt_bytes(a, sizeof a, (double)f->used_memory_rss);
		cache_fmt_bytes(b, sizeof b, (double)f->used_memory_peak);
		snprintf(line, sizeof line, "  rss %s  peak %s  frag ", a, b);
		x += draw_label(v, y + 1, 2 + x, ROLE_NORMAL, line);
		snprintf(line, sizeof line, "%.2f", f->frag_ratio);
		x += draw_label(v, y + 1, 2 + x, f->frag_ratio > 1.5 ? ROLE_WARN : ROLE_NORMAL,
				line);
		x += draw_label(v, y + 1, 2 + x, ROLE_NORMAL, "  policy ");
		draw_text(v, y + 1, 2 + x, ROLE_NORMAL, f->policy, 24);
	}
	/* traffic */
	cache_fmt_rate(a, sizeof a, s->rates.ops);
	cache_fmt_rate(b, sizeof b, s->rates.evicted);
	cache_fmt_rate(c, sizeof c, s->rates.expired);
	if (s->rates.hit_ratio >= 0)
		snprintf(d, sizeof d, "%.1f%%", s->rates.hit_ratio * 100);
	else
		snprintf(d, sizeof d, "-");
	snprintf(line, sizeof line, "ops/s %s ", a);
	x = draw_label(v, y + 2, 2, ROLE_NORMAL, line);
	{
		char spark[REDIS_HISTORY * 3 + 4];

		screen_sparkline(spark, sizeof spark, s->ops_hist, s->nhist, 30);
		x += draw_label(v, y + 2, 2 + x, ROLE_OK, spark);
	}
	snprintf(line, sizeof line, "  hit %s  expired/s %s  evicted/s ", d, c);
	x += draw_label(v, y + 2, 2 + x, ROLE_NORMAL, line);
	x += draw_label(v, y + 2, 2 + x, s->rates.evicted > 0 ? ROLE_WARN : ROLE_NORMAL, b);
	snprintf(line, sizeof line, "  (evicted %lld, expired %lld total)", f->evicted_keys,
		 f->expired_keys);
	draw_label(v, y + 2, 2 + x, ROLE_DIM, line);
	/* clients and keyspace */
	snprintf(line, sizeof line, "clients %lld connected, %lld blocked   keyspace",
		 f->connected_clients, f->blocked_clients);
	x = draw_label(v, y + 3, 2, ROLE_NORMAL, line);
	if (f->ndbs == 0)
		x += draw_label(v, y + 3, 2 + x, ROLE_DIM, " (empty)");
	for (k = 0; k < f->ndbs; k++) {
		snprintf(line, sizeof line, " db%d=%lld keys (%lld expire)%s", f->dbs[k].db,
			 f->dbs[k].keys, f->dbs[k].expires, f->dbs[k].db == s->db ? "*" : "");
		x += draw_label(v, y + 3, 2 + x, ROLE_NORMAL, line);
	}
	/* replication and persistence */
	if (strcmp(f->role, "slave") == 0)
		snprintf(line, sizeof line,
			 "role replica, link %s, offset %lld (master %lld, lag %lld)",
			 f->link_status, f->slave_repl_offset, f->master_repl_offset,
			 f->master_repl_offset - f->slave_repl_offset);
	else if (f->min_slave_offset >= 0)
		snprintf(line, sizeof line,
			 "role %s, %lld replica(s), offset %lld, max lag %lld bytes", f->role,
			 f->connected_slaves, f->master_repl_offset,
			 f->master_repl_offset - f->min_slave_offset);
	else
		snprintf(line, sizeof line, "role %s, %lld replica(s), offset %lld", f->role,
			 f->connected_slaves, f->master_repl_offset);
	x = draw_text(v, y + 4, 2, ROLE_NORMAL, line, v->w);
	snprintf(line, sizeof line, "   last save %s, %lld changes since   redis %s, up ",
		 f->bgsave_status, f->changes_since_save, f->version);
	x += draw_text(v, y + 4, 2 + x,
		       strcmp(f->bgsave_status, "ok") == 0 ? ROLE_NORMAL : ROLE_WARN, line, v->w);
	util_fmt_duration(a, sizeof a, (double)f->uptime);
	draw_label(v, y + 4, 2 + x, ROLE_NORMAL, a);
	cache_draw_job(cp, in, v, y + 5);
}

/* How much attention an instance needs, in coarse steps so that an
 * order by it does not flicker as memory moves by a byte: down first,
 * then evicting, then memory at 90 % and 75 % of its cap. */
static int cache_rank(const struct cache_inst *in)
{
	const struct redis_snap *s = in->metrics.snap;
	const struct redis_info *f = s != NULL ? &s->info : NULL;
	double cap, frac;
	int r = 0;

	if (in->metrics.r == NULL || in->metrics.status.state == MAILBOX_ERROR)
		return 8;
	if (f == NULL)
		return 0;
	if (s->rates.evicted > 0)
		r += 4;
	cap = (double)(f->maxmemory > 0 ? f->maxmemory : f->total_system_memory);
	frac = cap > 0 ? (double)f->used_memory / cap : 0;
	r += frac >= 0.9 ? 2 : frac >= 0.75 ? 1 : 0;
	return r;
}

/* The overview's order: ord[k] is the instance shown k-th (highest rank
 * first, configuration order within a rank); returns the place of the
 * selected one. */
static size_t cache_order(const struct cache_panel *cp, size_t *ord)
{
	size_t i, n = 0, at = 0;
	int r;

	for (r = 8; r >= 0; r--)
		for (i = 0; i < cp->ninst; i++)
			if (cache_rank(&cp->inst[i]) == r) {
				if (i == cp->sel)
					at = n;
				ord[n++] = i;
			}
	return at;
}

/* The table the mode shows: the top keys or the slowlog; NULL on the
 * overview. */
static struct table *cache_shown(struct cache_panel *cp)
{
	return cp->mode == CACHE_KEYS ? &cp->keys : cp->mode == CACHE_SLOW ? &cp->slow : NULL;
}

static void cache_draw(void *self, const struct view *v, int focused)
{
	struct cache_panel *cp = self;
	const struct cache_inst *in = cp->ninst ? &cp->inst[cp->sel] : NULL;
	struct view tv = *v;
	size_t i, first = 0, per;

	if (cp->ninst == 0) {
		draw_label(v, 0, 1, ROLE_DIM, "not configured: set redis.instances or REDIS_URL");
		return;
	}
	if (cp->mode != CACHE_OVERVIEW) {
		char line[256];
		const struct redis_job *j = in->job;
		int x;

		x = draw_label(v, 0, 0, ROLE_TITLE,
			       cp->mode == CACHE_KEYS ? "Top keys by memory on " : "SLOWLOG of ");
		x += draw_ident(v, 0, x, ROLE_TITLE, in->shown, 30);
		if (j != NULL && cp->mode == CACHE_KEYS && j->kind == REDIS_REQ_TOPKEYS) {
			snprintf(line, sizeof line, "  %s: scanned %lld of %lld keys in %.1fs%s",
				 j->state == REDIS_JOB_RUNNING     ? "scanning"
				 : j->state == REDIS_JOB_CANCELLED ? "cancelled"
				 : j->state == REDIS_JOB_FAILED    ? "failed"
								   : "done",
				 j->scanned, j->dbsize, j->elapsed,
				 j->truncated ? " (bounded: a sample)" : "");
			x += draw_label(v, 0, x, ROLE_DIM, line);
			if (j->state == REDIS_JOB_RUNNING)
				cache_gauge(v, 0, x + 1, 20,
					    j->dbsize > 0 ? (double)j->scanned / (double)j->dbsize
							  : 0);
		}
		if (j != NULL && j->state == REDIS_JOB_FAILED)
			draw_text(v, 0, x + 2, ROLE_ERROR, j->error, v->w);
		tv.y += 1;
		tv.h -= 1;
		table_draw(cache_shown(cp), &tv, focused);
		return;
	}
	{
		size_t *ord = xcalloc(cp->ninst, sizeof *ord), at = cache_order(cp, ord);

		per = CACHE_BLOCK;
		if ((size_t)v->h >= per && at >= (size_t)v->h / per)
			first = at - (size_t)v->h / per + 1;
		for (i = first; i < cp->ninst && (int)((i - first) * per) < v->h; i++)
			cache_draw_inst(cp, ord[i], v, (int)((i - first) * per), focused);
		free(ord);
	}
}

static void cache_refuse(struct cache_panel *cp, const char *step, const char *target)
{
	char reason[200];

	snprintf(reason, sizeof reason, "read-only mode: refused %s on the cache panel", step);
	cache_audit(cp, "refused", step, step, target, "refused", -1, reason);
	app_message(cp->app, ROLE_READONLY, "%s; nothing was run", reason);
}

static void cache_got_pattern(void *ctx, const char *value)
{
	struct cache_panel *cp = ctx;
	struct cache_inst *in = &cp->inst[cp->wait_inst];

	if (value == NULL || value[0] == '\0') {
		app_message(cp->app, ROLE_WARN, "cancelled: nothing was removed");
		cp->wait = CACHE_IDLE;
		return;
	}
	free(cp->pattern);
	cp->pattern = xstrdup(value);
	cp->wait = CACHE_PREVIEWING;
	cp->wait_kind = REDIS_REQ_INVALIDATE;
	runner_send(in->worker, REDIS_REQ_PREVIEW, redis_req_new(cp->pattern), redis_req_free);
	app_message(cp->app, ROLE_RUNNING, "counting keys that match (SCAN MATCH) ...");
}

static void cache_flush(struct cache_panel *cp, struct cache_inst *in, enum redis_request k)
{
	const struct redis_snap *s = in->metrics.snap;
	const char *body[6];
	char l0[256], l1[256];
	long long keys = 0;
	size_t i;

	for (i = 0; s != NULL && i < s->info.ndbs; i++)
		if (k == REDIS_REQ_FLUSHALL || s->info.dbs[i].db == s->db)
			keys += s->info.dbs[i].keys;
	snprintf(l0, sizeof l0, "%s ASYNC on %s (%s)",
		 k == REDIS_REQ_FLUSHALL ? "FLUSHALL" : "FLUSHDB", in->shown, in->url);
	snprintf(l1, sizeof l1, "deletes %s: about %lld keys. This cannot be undone.",
		 k == REDIS_REQ_FLUSHALL ? "every key of every db" : "every key of its db", keys);
	body[0] = l0;
	body[1] = l1;
	body[2] = "Type the instance name to confirm.";
	cp->wait_kind = k;
	cp->wait_inst = (size_t)(in - cp->inst);
	cache_confirm(cp, k == REDIS_REQ_FLUSHALL ? "FLUSHALL" : "FLUSHDB", body, 3, in->cfg->name,
		      "Flush");
}

static int cache_action(void *self, int action)
{
	struct cache_panel *cp = self;
	struct cache_inst *in = cp->ninst ? &cp->inst[cp->sel] : NULL;
	int busy;

	if (in == NULL) {
		app_message(cp->app, ROLE_NORMAL,
			    "not configured: set redis.instances or REDIS_URL");
		return 1;
	}
	if (in->worker == NULL && action != CACHE_BACK) {
		app_message(cp->app, ROLE_ERROR, "%s: %s", in->shown, in->metrics.error);
		return 1;
	}
	busy = cp->wait != CACHE_IDLE || (in->job != NULL && in->job->state == REDIS_JOB_RUNNING);
	switch (action) {
	case CACHE_REFRESH:
		runner_refresh(in->metrics.r);
		if (cp->mode == CACHE_KEYS && !busy)
			runner_send(in->worker, REDIS_REQ_TOPKEYS, NULL, NULL);
		if (cp->mode == CACHE_SLOW && !busy)
			runner_send(in->worker, REDIS_REQ_SLOWLOG, NULL, NULL);
		app_message(cp->app, ROLE_NORMAL, "refreshing %s", in->shown);
		return 1;
	case CACHE_TOPKEYS:
	case CACHE_SLOWLOG:
		cp->mode = action == CACHE_TOPKEYS ? CACHE_KEYS : CACHE_SLOW;
		if (busy) {
			app_message(cp->app, ROLE_WARN, "a job is running on %s (x cancels it)",
				    in->shown);
			return 1;
		}
		table_clear_rows(action == CACHE_TOPKEYS ? &cp->keys : &cp->slow);
		table_commit(action == CACHE_TOPKEYS ? &cp->keys : &cp->slow);
		runner_send(in->worker,
			    action == CACHE_TOPKEYS ? REDIS_REQ_TOPKEYS : REDIS_REQ_SLOWLOG, NULL,
			    NULL);
		return 1;
	case CACHE_INVALIDATE:
		if (app_read_only(cp->app)) {
			cache_refuse(cp, "invalidate pattern", in->cfg->name);
			return 1;
		}
		if (busy) {
			app_message(cp->app, ROLE_WARN, "a job is running on %s (x cancels it)",
				    in->shown);
			return 1;
		}
		cp->wait_inst = cp->sel;
		app_prompt(cp->app, "Keys to invalidate (SCAN MATCH pattern, e.g. fleet:*)", "", 0,
			   cache_got_pattern, cp);
		return 1;
	case CACHE_FLUSHDB:
	case CACHE_FLUSHALL:
		if (app_read_only(cp->app)) {
			cache_refuse(cp, action == CACHE_FLUSHALL ? "FLUSHALL" : "FLUSHDB",
				     in->shown);
			return 1;
		}
		if (busy) {
			app_message(cp->app, ROLE_WARN, "a job is running on %s (x cancels it)",
				    in->shown);
			return 1;
		}
		cache_flush(cp, in,
			    action == CACHE_FLUSHALL ? REDIS_REQ_FLUSHALL : REDIS_REQ_FLUSHDB);
		return 1;
	case CACHE_CANCEL:
		if (in->job != NULL && in->job->state == REDIS_JOB_RUNNING) {
			redis_jobs_cancel(in->jobs);
			app_message(cp->app, ROLE_WARN, "cancelling after the current batch");
		} else {
			app_message(cp->app, ROLE_NORMAL, "nothing is running on %s", in->shown);
		}
		return 1;
	case CACHE_BACK:
		cp->mode = CACHE_OVERVIEW;
		return 1;
	}
	return 0;
}

static int cache_key(void *self, int key)
{
	struct cache_panel *cp = self;
	struct table *t = cache_shown(cp);

	if (t != NULL)
		return table_key(t, key);
	if (cp->ninst == 0)
		return 0;
	if (key == KEY_DOWN || key == 'j' || key == KEY_UP || key == 'k') {
		size_t *ord = xcalloc(cp->ninst, sizeof *ord), at = cache_order(cp, ord);

		if ((key == KEY_DOWN || key == 'j') && at + 1 < cp->ninst)
			cp->sel = ord[at + 1];
		else if ((key == KEY_UP || key == 'k') && at > 0)
			cp->sel = ord[at - 1];
		free(ord);
		return 1;
	}
	return 0;
}

static int cache_click(void *self, int y, int x)
{
	struct cache_panel *cp = self;
	struct table *t = cache_shown(cp);
	size_t i;

	if (t != NULL)
		return table_click(t, y - 1);
	i = (size_t)(y < 0 ? 0 : y) / CACHE_BLOCK;
	if (i < cp->ninst) {
		size_t *ord = xcalloc(cp->ninst, sizeof *ord);

		cache_order(cp, ord);
		cp->sel = ord[i];
		free(ord);
		return 1;
	}
	return 0;
}

static void cache_filter(void *self, const char *text)
{
	struct cache_panel *cp = self;

	table_set_filter(&cp->keys, text);
	table_set_filter(&cp->slow, text);
}

static int cache_busy(void *self)
{
	struct cache_panel *cp = self;
	size_t i;

	for (i = 0; i < cp->ninst; i++)
		if (cp->inst[i].job != NULL && cp->inst[i].job->state == REDIS_JOB_RUNNING &&
		    cp->inst[i].job->kind == REDIS_REQ_INVALIDATE)
			return 1;
	return 0;
}

static int cache_configured(void *self)
{
	struct cache_panel *cp = self;

	return cp->ninst > 0;
}

#define CACHE_MEM_WARN 0.9 /* of maxmemory */
/* Fragmentation means little on a small instance (its RSS is mostly the
 * allocator's arenas): judged from this RSS up. */
#define CACHE_FRAG_MIN_RSS (64LL << 20)
#define CACHE_FRAG_WARN 1.5

/* Per instance: down, evicting, near maxmemory, fragmented, or a
 * replica whose link to its master is down. */
static void cache_findings(void *self, struct finding_list *out)
{
	struct cache_panel *cp = self;
	size_t i;

	for (i = 0; i < cp->ninst; i++) {
		const struct cache_inst *in = &cp->inst[i];
		const struct redis_snap *s = in->metrics.snap;
		const struct redis_info *f = s != NULL ? &s->info : NULL;
		char state[32], detail[256], a[32], b[32];
		struct finding *x;

		if (mailbox_describe(&in->metrics.status, s != NULL, state, sizeof state, detail,
				     sizeof detail) == MAILBOX_HEALTH_DOWN) {
			x = finding_add(out, FINDING_CRITICAL, "redis-down", "Redis", "cache");
			snprintf(x->what, sizeof x->what, "%.190s", detail);
		} else if (f == NULL) {
			continue;
		} else {
			x = NULL;
			if (s->rates.evicted > 0) {
				x = finding_add(out, FINDING_WARNING, "redis-evictions", "Redis",
						"cache");
				snprintf(x->what, sizeof x->what, "evicting %.0f keys/s (%s)",
					 s->rates.evicted, f->policy);
			}
			if (f->maxmemory > 0 && f->used_memory > CACHE_MEM_WARN * f->maxmemory) {
				x = finding_add(out, FINDING_WARNING, "redis-memory", "Redis",
						"cache");
				cache_fmt_bytes(a, sizeof a, (double)f->used_memory);
				cache_fmt_bytes(b, sizeof b, (double)f->maxmemory);
				snprintf(x->what, sizeof x->what, "memory %s of %s (%.0f%%)", a, b,
					 100.0 * (double)f->used_memory / (double)f->maxmemory);
			}
			if (f->used_memory_rss >= CACHE_FRAG_MIN_RSS &&
			    f->frag_ratio > CACHE_FRAG_WARN) {
				x = finding_add(out, FINDING_WARNING, "redis-fragmentation",
						"Redis", "cache");
				snprintf(x->what, sizeof x->what, "fragmentation %.2f",
					 f->frag_ratio);
			}
			if (strcmp(f->role, "slave") == 0 && strcmp(f->link_status, "up") != 0) {
				x = finding_add(out, FINDING_CRITICAL, "redis-replica-down",
						"Redis", "cache");
				snprintf(x->what, sizeof x->what, "replica: link to its master %s",
					 f->link_status[0] ? f->link_status : "unknown");
			}
			if (x == NULL)
				continue;
		}
		/* Every finding of this instance added above names it. */
		for (size_t k = out->n; k > 0 && out->v[k - 1].object[0] == '\0'; k--) {
			struct finding *y = &out->v[k - 1];

			snprintf(y->object, sizeof y->object, "%s", in->cfg->name);
			snprintf(y->row_id, sizeof y->row_id, "%s", in->cfg->name);
			finding_var(y, "instance", in->cfg->name);
		}
	}
}

/* Select the instance named what. */
static int cache_open(void *self, const char *what, const char *vars)
{
	struct cache_panel *cp = self;
	size_t i;

	for (i = 0; i < cp->ninst; i++) {
		if (strcmp(cp->inst[i].cfg->name, what) == 0) {
			cp->sel = i;
			cp->mode = CACHE_OVERVIEW;
			return 0;
		}
	}
	return -1;
}

/* The grid's share: one block per instance; the key and slowlog views
 * take what they can get. */
static void cache_want(void *self, struct panel_want *w)
{
	const struct cache_panel *cp = self;

	w->rows = cp->mode != CACHE_OVERVIEW ? -1 : (int)cp->ninst * CACHE_BLOCK;
}

const struct panel_ops cache_panel = {
	.name = "cache",
	.title = "Cache",
	.keys = cache_keys,
	.create = cache_create,
	.destroy = cache_destroy,
	.update = cache_update,
	.draw = cache_draw,
	.action = cache_action,
	.key = cache_key,
	.click = cache_click,
	.filter = cache_filter,
	.busy = cache_busy,
	.configured = cache_configured,
	.findings = cache_findings,
	.open = cache_open,
	.want = cache_want,
};
