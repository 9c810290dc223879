/*
 * slowq.c - the Slow queries panel: PostgreSQL made live from the guide's
 * "Database Performance Issues" section. A header gauge of connections
 * by state against max_connections (red over 80 %) and the oldest
 * transaction; the top statements from pg_stat_statements since the
 * stats reset or per refresh interval (deltas over every statement,
 * "new" on one first seen in the interval, a note after a stats reset),
 * sorted by total, mean, calls or rows, with the full text on Enter;
 * an activity view with long-running sessions, wait events and the
 * pg_blocking_pids() tree, where the selected backend can be cancelled
 * or terminated (confirmed, refused in --read-only, audit-logged); table
 * sizes and index usage on demand. The
 * data comes from the pg backend on its runner thread; this file only
 * draws snapshots and sends requests.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/pg.h"
#include "runtime/runner.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "lib/redact.h"
#include "ui/table.h"

enum slowq_action {
	SLOWQ_QUERY = 1,
	SLOWQ_ACTIVITY,
	SLOWQ_INTERVAL,
	SLOWQ_SORT_TOTAL,
	SLOWQ_SORT_MEAN,
	SLOWQ_SORT_CALLS,
	SLOWQ_SORT_ROWS,
	SLOWQ_CANCEL,
	SLOWQ_TERMINATE,
	SLOWQ_SIZES,
	SLOWQ_INDEXES,
	SLOWQ_REFRESH,
	SLOWQ_BACK,
};

static const struct keymap_entry slowq_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Query",
	  "show the selected statement's full text (Enter again: back)", SLOWQ_QUERY },
	{ 'a', 0, "a", "Activity",
	  "switch between the statements and the activity view (long-running sessions, "
	  "wait events, blocking tree)",
	  SLOWQ_ACTIVITY },
	{ 'p', 0, "p", "Interval", "statements since the stats reset / per refresh interval",
	  SLOWQ_INTERVAL },
	{ 'T', 0, "T", NULL, "sort statements by total time", SLOWQ_SORT_TOTAL },
	{ 'M', 0, "M", NULL, "sort statements by mean time", SLOWQ_SORT_MEAN },
	{ 'C', 0, "C", NULL, "sort statements by calls", SLOWQ_SORT_CALLS },
	{ 'R', 0, "R", NULL, "sort statements by rows", SLOWQ_SORT_ROWS },
	{ 'c', 0, "c", "Cancel",
	  "cancel the selected backend's query (pg_cancel_backend; confirms)", SLOWQ_CANCEL },
	{ 'K', 0, "K", "Terminate",
	  "terminate the selected backend (pg_terminate_backend; type the pid to confirm)",
	  SLOWQ_TERMINATE },
	{ 'S', 0, "S", "Sizes", "table sizes (largest first)", SLOWQ_SIZES },
	{ 'I', 0, "I", "Indexes", "index usage (unused indexes first)", SLOWQ_INDEXES },
	{ 'r', 0, "r", "Refresh", "poll the server now (resets the retry backoff)", SLOWQ_REFRESH },
	{ SCREEN_KEY_ESC, 0, "Esc", NULL, "back to the statements view", SLOWQ_BACK },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

enum slowq_view { SLOWQ_STMTS, SLOWQ_ACT, SLOWQ_SIZES_VIEW, SLOWQ_INDEX_VIEW };

static const char *const slowq_sort_names[] = { "total", "mean", "calls", "rows" };

static const struct table_column slowq_stmt_cols[] = {
	{ "CALLS", 9, 1, 2, 0 },  { "TOTAL", 9, 1, 1, 0 }, { "MEAN", 9, 1, 1, 0 },
	{ "ROWS", 9, 1, 4, 0 },   { "%TOT", 6, 1, 3, 0 },  { "HIT%", 6, 1, 5, 0 },
	{ "QUERY", 60, 0, 0, 0 },
};

static const struct table_column slowq_act_cols[] = {
	{ "PID", 14, 0, 3, 0 },   { "STATE", 13, 0, 1, 0 }, { "WAIT", 20, 0, 4, 8 },
	{ "AGE", 7, 1, 1, 0 },    { "XACT", 7, 1, 5, 0 },   { "BLOCKED BY", 12, 0, 2, 0 },
	{ "QUERY", 60, 0, 0, 0 },
};

static const struct table_column slowq_size_cols[] = {
	{ "TOTAL", 10, 1, 1, 0 }, { "HEAP", 10, 1, 3, 0 },  { "INDEXES", 10, 1, 3, 0 },
	{ "ROWS~", 12, 1, 2, 0 }, { "TABLE", 60, 0, 0, 0 },
};

static const struct table_column slowq_idx_cols[] = {
	{ "SCANS", 10, 1, 1, 0 }, { "TUP READ", 11, 1, 3, 0 }, { "TUP FETCH", 11, 1, 3, 0 },
	{ "SIZE", 9, 1, 2, 0 },   { "TABLE", 28, 0, 0, 0 },    { "INDEX", 60, 0, 0, 0 },
};

struct slowq_panel {
	struct app *app;
	struct panel_feed feed; /* of the pg runner: snap is a struct pg_snap */
	struct pg_arg arg;
	int configured;
	char why[300];
	long last_second;
	enum slowq_view view;
	int per_interval;
	int sort;   /* index into slowq_sort_names */
	int sorted; /* the operator chose sort (T M C R); else slowest mean first */
	struct table stmts, act, sizes, idx;
	/* The full-text view (Enter): a copy, so it survives refreshes. */
	char *qtext;
	size_t qlen;
	long qtop;
	/* An action sent to the backend, awaiting its result. */
	int pend_active;
	int pend_kind;
	char pend_pid[16];
	double pend_started;
	unsigned long seen_action;
};

static void *slowq_create(struct app *app)
{
	struct slowq_panel *sp = xcalloc(1, sizeof *sp);
	const struct config *c = app_config(app);

	sp->app = app;
	table_init(&sp->stmts, slowq_stmt_cols, 7);
	sp->sort = SLOWQ_SORT_MEAN - SLOWQ_SORT_TOTAL;
	table_init(&sp->act, slowq_act_cols, 7);
	table_init(&sp->sizes, slowq_size_cols, 5);
	table_init(&sp->idx, slowq_idx_cols, 6);
	sp->configured = pg_configured(c->pg_conninfo, sp->why, sizeof sp->why);
	if (sp->configured) {
		struct runner_opts opts = { 0 };

		sp->arg.conninfo = c->pg_conninfo;
		sp->arg.timeout = 5;
		sp->arg.long_running = 5;
		opts = runner_opts_for(c->refresh);
		if (panel_feed_start(&sp->feed, &pg_backend, &sp->arg, &opts, app_wake_fd(app)) !=
		    0) {
			snprintf(sp->why, sizeof sp->why, "postgres: %s", sp->feed.error);
			sp->configured = 0;
		}
	}
	return sp;
}

static void slowq_destroy(void *self)
{
	struct slowq_panel *sp = self;

	panel_feed_stop(&sp->feed);
	table_free(&sp->stmts);
	table_free(&sp->act);
	table_free(&sp->sizes);
	table_free(&sp->idx);
	free(sp->qtext);
	free(sp);
}

static const char *slowq_action_name(int kind)
{
	return kind == PG_REQ_CANCEL ? "pg_cancel_backend" : "pg_terminate_backend";
}

static void slowq_audit(const char *event, int kind, const char *pid, const char *status,
			double duration, const char *reason)
{
	char cmd[96];
	struct audit_event ev = {
		event, "slowq",  kind == PG_REQ_CANCEL ? "cancel backend" : "terminate backend",
		cmd,   pid,      status,
		-1,    duration, reason
	};

	snprintf(cmd, sizeof cmd, "SELECT %s($1) -- $1 = %s", slowq_action_name(kind), pid);
	/* no app: as before, a log that cannot be written is not reported here */
	panel_audit(NULL, &ev);
}

/* A new snapshot may carry the result of the action we sent. */
static void slowq_take_action(struct slowq_panel *sp, const struct pg_snap *s)
{
	if (s->action_seq == sp->seen_action)
		return;
	sp->seen_action = s->action_seq;
	if (!sp->pend_active)
		return;
	sp->pend_active = 0;
	slowq_audit("end", sp->pend_kind, sp->pend_pid, s->action_ok ? "ok" : "failed",
		    util_now() - sp->pend_started, s->action_msg);
	app_message(sp->app, s->action_ok ? ROLE_OK : ROLE_ERROR, "%s", s->action_msg);
}

static int slowq_update(void *self)
{
	struct slowq_panel *sp = self;
	int first = sp->feed.snap == NULL, got = panel_feed_take(&sp->feed);

	if (got & PANEL_FEED_SNAP) {
		const struct pg_snap *s = sp->feed.snap;

		/* the first snapshot's action result is older than the panel */
		if (first)
			sp->seen_action = s->action_seq;
		slowq_take_action(sp, s);
	}
	return panel_tick(&sp->last_second, 1, got != 0,
			  sp->feed.status.state == MAILBOX_ERROR || sp->pend_active);
}

static void slowq_fmt_ms(char *buf, size_t n, double ms)
{
	if (ms < 10)
		snprintf(buf, n, "%.2fms", ms);
	else if (ms < 1000)
		snprintf(buf, n, "%.1fms", ms);
	else if (ms < 60000)
		snprintf(buf, n, "%.2fs", ms / 1000);
	else
		util_fmt_duration(buf, n, ms / 1000);
}

static void slowq_fmt_count(char *buf, size_t n, double v)
{
	if (v < 1e7)
		snprintf(buf, n, "%.0f", v);
	else if (v < 1e10)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else
		snprintf(buf, n, "%.1fG", v / 1e9);
}

/* What slowq_cmp sorts by. */
struct slowq_sort {
	const struct pg_snap *snap;
	int key; /* index into slowq_sort_names */
	int interval;
};

static int slowq_cmp(const void *a, const void *b, void *ctx)
{
	const struct slowq_sort *ss = ctx;
	const struct pg_stmt *x = &ss->snap->stmts[*(const size_t *)a];
	const struct pg_stmt *y = &ss->snap->stmts[*(const size_t *)b];
	double vx = pg_stmt_metric(x, ss->key, ss->interval);
	double vy = pg_stmt_metric(y, ss->key, ss->interval);

	return vx < vy ? 1 : vx > vy ? -1 : strcmp(x->queryid, y->queryid);
}

/* The query on one line: runs of whitespace (newlines too) become one
 * space; everything else stays for the draw helpers to sanitise. */
static char *slowq_one_line(const char *q)
{
	char *o = xmalloc(strlen(q) + 1), *w = o;
	int space = 0;

	for (; *q != '\0'; q++) {
		if (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t') {
			space = w != o;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = 0;
		*w++ = *q;
	}
	*w = '\0';
	return o;
}

static void slowq_fill_stmts(struct slowq_panel *sp)
{
	const struct pg_snap *s = sp->feed.snap;
	struct slowq_sort ss;
	size_t *ord, n = 0, i;

	table_clear_rows(&sp->stmts);
	if (s == NULL || s->stmts_state != PG_STMTS_OK) {
		table_commit(&sp->stmts);
		return;
	}
	ord = xcalloc(s->nstmts + 1, sizeof *ord);
	for (i = 0; i < s->nstmts; i++)
		if (!sp->per_interval || s->stmts[i].d_calls > 0)
			ord[n++] = i;
	ss.snap = s;
	ss.key = sp->sort;
	ss.interval = sp->per_interval;
	util_sort(ord, n, sizeof *ord, slowq_cmp, &ss);
	for (i = 0; i < n; i++) {
		const struct pg_stmt *m = &s->stmts[ord[i]];
		int iv = sp->per_interval;
		double calls = iv ? m->d_calls : m->calls;
		double total = iv ? m->d_total_ms : m->total_ms;
		double all = iv ? s->d_total_ms : s->total_ms;
		double hit = iv ? m->d_hit : m->hit, rd = iv ? m->d_read : m->read;
		char c0[24], c1[24], c2[24], c3[24], c4[16], c5[16];
		char *line = slowq_one_line(m->query);
		const char *cells[7] = { c0, c1, c2, c3, c4, c5, line };

		slowq_fmt_count(c0, sizeof c0, calls);
		/* first seen in this interval: its counts since it appeared */
		if (iv && m->is_new && strlen(c0) + 4 < sizeof c0)
			strcat(c0, " new");
		slowq_fmt_ms(c1, sizeof c1, total);
		slowq_fmt_ms(c2, sizeof c2, calls > 0 ? total / calls : 0);
		slowq_fmt_count(c3, sizeof c3, iv ? m->d_rows : m->rows);
		snprintf(c4, sizeof c4, "%.1f", all > 0 ? 100 * total / all : 0);
		if (hit + rd > 0)
			snprintf(c5, sizeof c5, "%.1f", 100 * hit / (hit + rd));
		else
			snprintf(c5, sizeof c5, "-");
		table_add_row(&sp->stmts, m->queryid,
			      all > 0 && total / all > 0.5 ? ROLE_WARN : ROLE_NORMAL, cells, NULL);
		free(line);
	}
	free(ord);
	table_commit(&sp->stmts);
}

static void slowq_fill_act(struct slowq_panel *sp)
{
	const struct pg_snap *s = sp->feed.snap;
	size_t i, k;

	table_clear_rows(&sp->act);
	for (i = 0; s != NULL && i < s->ntree; i++) {
		const struct pg_tree_node *nd = &s->tree[i];
		const struct pg_session *x = &s->sessions[nd->session];
		char id[40], pid[40], wait[96], age[16], xact[16] = "", by[64] = "";
		char *line = slowq_one_line(x->query);
		const char *cells[7] = { pid, x->state, wait, age, xact, by, line };
		enum role role = ROLE_NORMAL;
		int blocker = 0;
		size_t j;

		for (k = 0; k < s->nsessions && !blocker; k++)
			for (j = 0; j < s->sessions[k].nblocked_by; j++)
				if (s->sessions[k].blocked_by[j] == x->pid)
					blocker = 1;
		snprintf(id, sizeof id, "%d<%d", x->pid, nd->parent_pid);
		if (nd->depth > 0)
			snprintf(pid, sizeof pid, "%*s%s%d", (nd->depth - 1) * 2, "",
				 screen_utf8() ? "└ " : "`-", x->pid);
		else
			snprintf(pid, sizeof pid, "%d", x->pid);
		snprintf(wait, sizeof wait, "%s%s%s", x->wait_type, x->wait_type[0] ? ":" : "",
			 x->wait_event);
		util_fmt_duration(age, sizeof age, x->query_age);
		if (x->xact_age >= 0)
			util_fmt_duration(xact, sizeof xact, x->xact_age);
		for (j = 0; j < x->nblocked_by && strlen(by) + 12 < sizeof by; j++)
			snprintf(by + strlen(by), sizeof by - strlen(by), "%s%d", j ? "," : "",
				 x->blocked_by[j]);
		if (blocker)
			role = ROLE_ERROR;
		else if (x->nblocked_by > 0)
			role = ROLE_WARN;
		table_add_row(&sp->act, id, role, cells, x->user);
		free(line);
	}
	table_commit(&sp->act);
}

static void slowq_fill_grid(struct slowq_panel *sp, struct table *t, enum pg_view want)
{
	const struct pg_snap *s = sp->feed.snap;
	size_t i;

	table_clear_rows(t);
	if (s != NULL && s->view == want) {
		for (i = 0; i < s->grid.nrows; i++) {
			char *const *r = &s->grid.cells[i * s->grid.ncols];
			char id[600];
			enum role role = ROLE_NORMAL;

			if (want == PG_VIEW_SIZES && s->grid.ncols >= 5) {
				const char *cells[5] = { r[1], r[2], r[3], r[4], r[0] };

				table_add_row(t, r[0], role, cells, NULL);
			} else if (want == PG_VIEW_INDEXES && s->grid.ncols >= 6) {
				const char *cells[6] = { r[2], r[3], r[4], r[5], r[0], r[1] };

				snprintf(id, sizeof id, "%s/%s", r[0], r[1]);
				if (strcmp(r[2], "0") == 0)
					role = ROLE_WARN;
				table_add_row(t, id, role, cells, NULL);
			}
		}
	}
	table_commit(t);
}

static struct table *slowq_table(struct slowq_panel *sp)
{
	switch (sp->view) {
	case SLOWQ_ACT:
		return &sp->act;
	case SLOWQ_SIZES_VIEW:
		return &sp->sizes;
	case SLOWQ_INDEX_VIEW:
		return &sp->idx;
	default:
		return &sp->stmts;
	}
}

/* The status line, as in the Sources panel. */
static void slowq_draw_status(struct slowq_panel *sp, const struct view *v, int y)
{
	const struct mailbox_status *st = &sp->feed.status;
	char buf[512], state[16], age[16] = "?";
	enum role r =
		panel_source_state(st, sp->feed.snap != NULL, state, sizeof state, buf, sizeof buf);

	if (r == ROLE_DIM) {
		snprintf(buf, sizeof buf, "connecting to PostgreSQL...");
	} else if (r == ROLE_OK) {
		if (st->taken > 0)
			util_fmt_duration(age, sizeof age, util_now() - st->taken);
		snprintf(buf, sizeof buf, "ok, fetched in %.0fms, %s old", st->fetch_ms, age);
	}
	draw_text(v, y, 0, r, buf, -1);
}

static void slowq_draw_gauge(struct slowq_panel *sp, const struct view *v, int y)
{
	const struct pg_snap *s = sp->feed.snap;
	char buf[256], bar[16], xact[16] = "none";
	double frac;
	int i, fill, x;

	if (s == NULL)
		return;
	frac = s->max_conn > 0 ? (double)s->n_total / s->max_conn : 0;
	fill = (int)(frac * 10 + 0.5);
	for (i = 0; i < 10; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[10] = '\0';
	snprintf(buf, sizeof buf, "conns %d/%d [%s] %.0f%%", s->n_total, s->max_conn, bar,
		 frac * 100);
	x = draw_text(v, y, 0, frac > 0.8 ? ROLE_ERROR : ROLE_OK, buf, -1);
	if (s->oldest_xact >= 0)
		util_fmt_duration(xact, sizeof xact, s->oldest_xact);
	snprintf(buf, sizeof buf,
		 "  active %d  idle %d  idle-in-xact %d  waiting %d  oldest xact %s  (PG %d.%d)",
		 s->n_active, s->n_idle, s->n_idle_xact, s->n_waiting, xact,
		 s->server_version / 10000, s->server_version % 10000);
	draw_text(v, y, x, ROLE_NORMAL, buf, -1);
}

static void slowq_draw_query(struct slowq_panel *sp, const struct view *v)
{
	long line = 0;
	int y = 1;
	size_t i = 0, start = 0;

	draw_text(v, 0, 0, ROLE_HEADER, "full query text (j/k scroll, Enter or Esc: back)", -1);
	while (i <= sp->qlen && y < v->h) {
		if (i == sp->qlen || sp->qtext[i] == '\n') {
			if (line >= sp->qtop)
				draw_textn(v, y++, 0, ROLE_NORMAL, sp->qtext + start, i - start,
					   -1);
			line++;
			start = i + 1;
		}
		i++;
	}
}

/* Text word-wrapped to the view's width from line y (what to do about
 * the extension must be read whole, not cut at the border). Returns the
 * line after it. */
static int slowq_draw_wrapped(const struct view *v, int y, enum role role, const char *text)
{
	char *red;
	const char *p;

	if (v->w < 1)
		return y;
	/* redacted whole before it is cut (a secret cut in two would pass) */
	red = redact(text);
	p = red;
	while (*p != '\0' && y < v->h) {
		size_t len = 0, brk = 0, cols = 0;

		while (p[len] != '\0' && cols < (size_t)v->w) {
			if (p[len] == ' ')
				brk = len;
			len++;
			while (((unsigned char)p[len] & 0xC0) == 0x80)
				len++;
			cols++;
		}
		if (p[len] != '\0' && brk > 0)
			len = brk;
		draw_textn(v, y++, 0, role, p, len, -1);
		p += len;
		while (*p == ' ')
			p++;
	}
	free(red);
	return y;
}

/* What the statements list shows, and a reset of the statistics seen
 * in the last minute (the deltas restarted from it). */
static void slowq_draw_stmts_line(struct slowq_panel *sp, const struct view *v, int y)
{
	const struct pg_snap *s = sp->feed.snap;
	const char *by = slowq_sort_names[sp->sort];
	char buf[400], when[32] = "";
	int x;

	if (sp->per_interval && s != NULL && s->interval <= 0)
		snprintf(buf, sizeof buf,
			 "per interval: first sample taken, deltas from the next refresh");
	else if (sp->per_interval && s != NULL)
		snprintf(buf, sizeof buf,
			 "statements in the last %.1fs, by %s%s; %zu new, %zu in all", s->interval,
			 by, sp->sorted ? "" : " (slowest first)", s->nnew, s->nall);
	else
		snprintf(buf, sizeof buf,
			 "statements since the stats reset, by %s%s (T M C R sort, p per "
			 "interval, a activity)",
			 by, sp->sorted ? "" : ", slowest first");
	x = draw_text(v, y, 0, ROLE_DIM, buf, -1);
	if (s == NULL || s->reset_seen <= 0 || util_wall() - s->reset_seen > 60)
		return;
	if (s->stats_reset > 0) {
		time_t t = (time_t)s->stats_reset;
		struct tm tm;

		strftime(when, sizeof when, " at %H:%M:%S", localtime_r(&t, &tm));
	}
	snprintf(buf, sizeof buf, "  pg_stat_statements was reset%s: deltas restarted", when);
	draw_text(v, y, x, ROLE_WARN, buf, -1);
}

static void slowq_draw(void *self, const struct view *v, int focused)
{
	struct slowq_panel *sp = self;
	const struct pg_snap *s = sp->feed.snap;
	struct view tv;
	char buf[400];
	int y = 0;

	if (!sp->configured) {
		draw_text(v, 0, 0, ROLE_DIM, sp->why, -1);
		return;
	}
	if (sp->qtext != NULL) {
		slowq_draw_query(sp, v);
		return;
	}
	slowq_draw_gauge(sp, v, y++);
	slowq_draw_status(sp, v, y++);
	switch (sp->view) {
	case SLOWQ_STMTS:
		if (s != NULL && s->stmts_state != PG_STMTS_OK) {
			y = slowq_draw_wrapped(v, y, ROLE_WARN, s->hint);
			break;
		}
		slowq_draw_stmts_line(sp, v, y++);
		break;
	case SLOWQ_ACT:
		snprintf(buf, sizeof buf,
			 "activity: sessions running > %.0fs and the blocking tree (c cancel, K "
			 "terminate)",
			 sp->arg.long_running);
		draw_text(v, y++, 0, ROLE_DIM, buf, -1);
		break;
	case SLOWQ_SIZES_VIEW:
		draw_text(v, y++, 0, ROLE_DIM, "table sizes, largest first (Esc: back)", -1);
		break;
	case SLOWQ_INDEX_VIEW:
		draw_text(v, y++, 0, ROLE_DIM, "index usage, unused first (Esc: back)", -1);
		break;
	}
	switch (sp->view) {
	case SLOWQ_STMTS:
		slowq_fill_stmts(sp);
		break;
	case SLOWQ_ACT:
		slowq_fill_act(sp);
		break;
	case SLOWQ_SIZES_VIEW:
		slowq_fill_grid(sp, &sp->sizes, PG_VIEW_SIZES);
		break;
	case SLOWQ_INDEX_VIEW:
		slowq_fill_grid(sp, &sp->idx, PG_VIEW_INDEXES);
		break;
	}
	tv = (struct view){ v->y + y, v->x, v->h - y, v->w };
	if (tv.h > 0)
		table_draw(slowq_table(sp), &tv, focused);
}

static void slowq_set_view(struct slowq_panel *sp, enum slowq_view view)
{
	struct pg_req *want;

	if (sp->feed.r != NULL) {
		want = xcalloc(1, sizeof *want);
		want->view = view == SLOWQ_SIZES_VIEW   ? PG_VIEW_SIZES
			     : view == SLOWQ_INDEX_VIEW ? PG_VIEW_INDEXES
							: PG_VIEW_NONE;
		runner_send(sp->feed.r, PG_REQ_VIEW, want, NULL);
		if (view == SLOWQ_SIZES_VIEW || view == SLOWQ_INDEX_VIEW)
			runner_refresh(sp->feed.r);
	}
	sp->view = view;
}

/* The pid of the selected activity row (its id is "PID<PARENT"). */
static int slowq_selected_pid(struct slowq_panel *sp, char *pid, size_t n)
{
	const struct table_row *r = table_selected(&sp->act);
	int v;

	if (sp->view != SLOWQ_ACT || r == NULL)
		return -1;
	snprintf(pid, n, "%.*s", (int)strcspn(r->id, "<"), r->id);
	return pg_parse_pid(pid, &v);
}

static void slowq_confirmed(void *ctx, int confirmed)
{
	struct slowq_panel *sp = ctx;
	struct pg_req *rq;

	if (!confirmed) {
		slowq_audit("cancelled", sp->pend_kind, sp->pend_pid, "cancelled", -1,
			    "not confirmed");
		app_message(sp->app, ROLE_WARN, "cancelled: nothing was sent");
		return;
	}
	slowq_audit("run", sp->pend_kind, sp->pend_pid, NULL, -1, NULL);
	sp->pend_active = 1;
	sp->pend_started = util_now();
	rq = xcalloc(1, sizeof *rq);
	if (pg_parse_pid(sp->pend_pid, &rq->pid) != 0)
		rq->pid = 0; /* refused by the worker as "not a backend pid" */
	runner_send(sp->feed.r, sp->pend_kind, rq, NULL);
	app_message(sp->app, ROLE_RUNNING, "%s(%s) sent", slowq_action_name(sp->pend_kind),
		    sp->pend_pid);
}

static void slowq_act(struct slowq_panel *sp, int kind)
{
	char pid[16], l1[160], l2[400];
	const char *body[3];
	struct app_confirm c = { 0 };
	const struct table_row *r;

	if (sp->feed.r == NULL) {
		app_message(sp->app, ROLE_WARN, "%s", sp->why);
		return;
	}
	if (sp->view != SLOWQ_ACT) {
		app_message(sp->app, ROLE_NORMAL,
			    "switch to the activity view (a) and select a backend");
		return;
	}
	if (slowq_selected_pid(sp, pid, sizeof pid) != 0) {
		app_message(sp->app, ROLE_WARN, "no backend selected");
		return;
	}
	if (sp->pend_active) {
		app_message(sp->app, ROLE_WARN, "the last action is still waiting for its result");
		return;
	}
	sp->pend_kind = kind;
	snprintf(sp->pend_pid, sizeof sp->pend_pid, "%s", pid);
	if (app_read_only(sp->app)) {
		char reason[160];

		snprintf(reason, sizeof reason, "read-only mode: refused %s(%s)",
			 slowq_action_name(kind), pid);
		slowq_audit("refused", kind, pid, "refused", -1, reason);
		app_message(sp->app, ROLE_READONLY, "%s; nothing was sent", reason);
		return;
	}
	r = table_selected(&sp->act);
	snprintf(l1, sizeof l1, "%s backend %s: SELECT %s(%s)",
		 kind == PG_REQ_CANCEL ? "Cancel the running query of" : "TERMINATE", pid,
		 slowq_action_name(kind), pid);
	snprintf(l2, sizeof l2, "query: %.300s", r != NULL ? r->cells[6] : "");
	body[0] = l1;
	body[1] = l2;
	body[2] = kind == PG_REQ_TERMINATE ? "The session ends; its open transaction rolls back."
					   : "The session stays; its statement is cancelled.";
	c.title = kind == PG_REQ_CANCEL ? "Cancel query" : "Terminate backend";
	c.body = body;
	c.nbody = 3;
	c.type = kind == PG_REQ_TERMINATE ? sp->pend_pid : NULL;
	c.run_label = kind == PG_REQ_CANCEL ? "Cancel query" : "Terminate";
	c.danger = kind == PG_REQ_TERMINATE;
	c.done = slowq_confirmed;
	c.ctx = sp;
	app_confirm(sp->app, &c);
}

/* The full text is drawn a line at a time, so it is redacted whole here
 * first: a secret whose parts stand on different lines ("PASSWORD\n
 * 'x'", a key's PEM body) is masked all the same. */
static void slowq_open_query(struct slowq_panel *sp)
{
	const struct table_row *r = table_selected(slowq_table(sp));
	const struct pg_snap *s = sp->feed.snap;
	size_t i;

	if (s == NULL || r == NULL)
		return;
	if (sp->view == SLOWQ_STMTS) {
		for (i = 0; i < s->nstmts; i++) {
			const struct pg_stmt *m = &s->stmts[i];

			if (strcmp(m->queryid, r->id) != 0)
				continue;
			sp->qtext = redact(m->query);
			if (m->query_len > strlen(m->query)) {
				char *cut = xasprintf("%s…(%zu bytes)", sp->qtext, m->query_len);

				free(sp->qtext);
				sp->qtext = cut;
			}
		}
	} else if (sp->view == SLOWQ_ACT) {
		char pid[16];
		int v;

		snprintf(pid, sizeof pid, "%.*s", (int)strcspn(r->id, "<"), r->id);
		for (i = 0; pg_parse_pid(pid, &v) == 0 && i < s->nsessions; i++)
			if (s->sessions[i].pid == v && sp->qtext == NULL)
				sp->qtext = redact(s->sessions[i].query);
	}
	if (sp->qtext != NULL) {
		sp->qlen = strlen(sp->qtext);
		sp->qtop = 0;
	}
}

static int slowq_action(void *self, int action)
{
	struct slowq_panel *sp = self;

	if (sp->qtext != NULL && (action == SLOWQ_QUERY || action == SLOWQ_BACK)) {
		free(sp->qtext);
		sp->qtext = NULL;
		return 1;
	}
	switch (action) {
	case SLOWQ_QUERY:
		slowq_open_query(sp);
		break;
	case SLOWQ_ACTIVITY:
		slowq_set_view(sp, sp->view == SLOWQ_ACT ? SLOWQ_STMTS : SLOWQ_ACT);
		break;
	case SLOWQ_INTERVAL:
		sp->per_interval = !sp->per_interval;
		sp->view = SLOWQ_STMTS;
		break;
	case SLOWQ_SORT_TOTAL:
	case SLOWQ_SORT_MEAN:
	case SLOWQ_SORT_CALLS:
	case SLOWQ_SORT_ROWS:
		sp->sort = action - SLOWQ_SORT_TOTAL;
		sp->sorted = 1;
		if (sp->view != SLOWQ_STMTS)
			slowq_set_view(sp, SLOWQ_STMTS);
		break;
	case SLOWQ_CANCEL:
		slowq_act(sp, PG_REQ_CANCEL);
		break;
	case SLOWQ_TERMINATE:
		slowq_act(sp, PG_REQ_TERMINATE);
		break;
	case SLOWQ_SIZES:
		slowq_set_view(sp, sp->view == SLOWQ_SIZES_VIEW ? SLOWQ_STMTS : SLOWQ_SIZES_VIEW);
		break;
	case SLOWQ_INDEXES:
		slowq_set_view(sp, sp->view == SLOWQ_INDEX_VIEW ? SLOWQ_STMTS : SLOWQ_INDEX_VIEW);
		break;
	case SLOWQ_REFRESH:
		if (sp->feed.r != NULL)
			panel_feed_refresh(sp->app, &sp->feed, "postgres");
		else
			app_message(sp->app, ROLE_WARN, "%s", sp->why);
		break;
	case SLOWQ_BACK:
		if (sp->view != SLOWQ_STMTS)
			slowq_set_view(sp, SLOWQ_STMTS);
		break;
	default:
		return 0;
	}
	return 1;
}

static int slowq_key(void *self, int key)
{
	struct slowq_panel *sp = self;

	if (sp->qtext != NULL) {
		if (key == 'j' || key == KEY_DOWN)
			sp->qtop++;
		else if ((key == 'k' || key == KEY_UP) && sp->qtop > 0)
			sp->qtop--;
		else if (key == 'g' || key == KEY_HOME)
			sp->qtop = 0;
		else
			return 0;
		return 1;
	}
	return table_key(slowq_table(sp), key);
}

static int slowq_click(void *self, int y, int x)
{
	struct slowq_panel *sp = self;

	if (sp->qtext != NULL || y < 3)
		return 0;
	return table_click(slowq_table(sp), y - 3);
}

static void slowq_filter(void *self, const char *text)
{
	struct slowq_panel *sp = self;

	table_set_filter(&sp->stmts, text);
	table_set_filter(&sp->act, text);
	table_set_filter(&sp->sizes, text);
	table_set_filter(&sp->idx, text);
}

static int slowq_configured(void *self)
{
	struct slowq_panel *sp = self;

	return sp->configured;
}

/* Thresholds of the PostgreSQL findings (issue #13's table). */
#define SLOWQ_CONN_WARN 0.8 /* of max_connections */
#define SLOWQ_CONN_CRIT 0.95
#define SLOWQ_BLOCKED_AFTER 30 /* seconds a session waits on a lock */
#define SLOWQ_IDLE_XACT_AFTER 300
#define SLOWQ_MEAN_MIN_CALLS 5 /* calls in the interval for a mean to count */

/* The connection gauge, sessions blocked or idle in a transaction too
 * long, and statements whose mean time doubled since the last interval. */
static void slowq_findings(void *self, struct finding_list *out)
{
	struct slowq_panel *sp = self;
	const struct pg_snap *s = sp->feed.snap;
	double now = util_wall();
	struct finding *f;
	char age[32];
	size_t i;

	if (s == NULL)
		return;
	if (s->max_conn > 0 && s->n_total > SLOWQ_CONN_WARN * s->max_conn) {
		f = finding_add(out,
				s->n_total > SLOWQ_CONN_CRIT * s->max_conn ? FINDING_CRITICAL
									   : FINDING_WARNING,
				"pg-connections", "PostgreSQL", "slowq");
		snprintf(f->object, sizeof f->object, "connections");
		snprintf(f->what, sizeof f->what, "%d of %d connections in use (%.0f%%), %d idle",
			 s->n_total, s->max_conn, 100.0 * s->n_total / s->max_conn, s->n_idle);
		snprintf(f->row_id, sizeof f->row_id, "activity");
	}
	for (i = 0; i < s->nsessions; i++) {
		const struct pg_session *x = &s->sessions[i];
		int blocked = x->nblocked_by > 0 && x->query_age > SLOWQ_BLOCKED_AFTER;
		int idle = strcmp(x->state, "idle in transaction") == 0 &&
			   x->xact_age > SLOWQ_IDLE_XACT_AFTER;

		if (!blocked && !idle)
			continue;
		f = finding_add(out, blocked ? FINDING_CRITICAL : FINDING_WARNING,
				blocked ? "pg-blocked" : "pg-idle-in-transaction", "PostgreSQL",
				"slowq");
		util_fmt_duration(age, sizeof age, blocked ? x->query_age : x->xact_age);
		snprintf(f->object, sizeof f->object, "pid %d (%s)", x->pid, x->user);
		if (blocked)
			snprintf(f->what, sizeof f->what, "blocked for %s by pid %d", age,
				 x->blocked_by[0]);
		else
			snprintf(f->what, sizeof f->what, "idle in a transaction for %s", age);
		f->since = now - (blocked ? x->query_age : x->xact_age);
		snprintf(f->row_id, sizeof f->row_id, "activity");
		snprintf(age, sizeof age, "%d", x->pid);
		finding_var(f, "pid", age);
	}
	for (i = 0; i < s->nstmts; i++) {
		const struct pg_stmt *m = &s->stmts[i];
		double before = m->calls - m->d_calls, mean, was;
		char *line;

		if (!m->has_delta || m->d_calls < SLOWQ_MEAN_MIN_CALLS || before < 1)
			continue;
		mean = m->d_total_ms / m->d_calls;
		was = (m->total_ms - m->d_total_ms) / before;
		if (!(mean > 2 * was) || mean < 1)
			continue;
		f = finding_add(out, FINDING_WARNING, "pg-slow-statement", "PostgreSQL", "slowq");
		line = slowq_one_line(m->query != NULL ? m->query : "");
		snprintf(f->object, sizeof f->object, "queryid %s", m->queryid);
		snprintf(f->what, sizeof f->what, "mean %.1f ms, was %.1f ms: %s", mean, was, line);
		snprintf(f->row_id, sizeof f->row_id, "%s", m->queryid);
		free(line);
	}
}

/* "activity" shows the sessions; a queryid selects the statement. */
static int slowq_open(void *self, const char *what, const char *vars)
{
	struct slowq_panel *sp = self;
	int cleared, found;

	if (strcmp(what, "activity") == 0) {
		if (sp->view != SLOWQ_ACT)
			slowq_set_view(sp, SLOWQ_ACT);
		return 0;
	}
	if (sp->view != SLOWQ_STMTS)
		slowq_set_view(sp, SLOWQ_STMTS);
	found = table_reveal_id(&sp->stmts, what, &cleared);
	if (cleared)
		app_show_filter(sp->app, "");
	return found ? 0 : -1;
}

/* The grid's share: the gauge, status and view lines, the table's header
 * and its rows; a query's text takes what it can get. */
static void slowq_want(void *self, struct panel_want *w)
{
	struct slowq_panel *sp = self;
	size_t n = slowq_table(sp)->nvisible;

	w->rows = sp->qtext != NULL ? -1 : 4 + (n > 0 ? (int)n : 1);
}

const struct panel_ops slowq_panel = {
	.name = "slowq",
	.title = "Slow queries",
	.keys = slowq_keys,
	.create = slowq_create,
	.destroy = slowq_destroy,
	.update = slowq_update,
	.draw = slowq_draw,
	.action = slowq_action,
	.key = slowq_key,
	.click = slowq_click,
	.filter = slowq_filter,
	.configured = slowq_configured,
	.findings = slowq_findings,
	.open = slowq_open,
	.want = slowq_want,
};
