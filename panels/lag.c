/*
 * lag.c - the Consumer lag panel: the guide's "Message Queue Issues"
 * made live. One row per consumer group (state and members where the
 * brokers report them, total lag, lag in time, consumption rate, time to
 * catch up, a Burrow-style status and a sparkline of lag), sortable by
 * lag, lag time or status; Enter expands a group into its partitions
 * (the columns of kafka-consumer-groups.sh --describe); a topic view
 * shows leaders, replicas and in-sync replicas with under-replicated and
 * leaderless partitions highlighted; and the offset reset is done
 * safely: a dry-run preview table, confirmation by typing the group id,
 * refused in --read-only, audited before and after. All the work is the
 * Kafka runner's (backends/kafka.c, kafka_admin.c); the panel only takes
 * snapshots and sends typed requests.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kafka.h"
#include "runtime/runner.h"
#include "lib/ident.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "ui/table.h"

#define LAG_PREVIEW_ROWS 24
#define LAG_UNCONFIGURED "not configured: set kafka.bootstrap or KAFKA_BOOTSTRAP_SERVERS"

enum lag_action {
	LAG_REFRESH = 1,
	LAG_EXPAND,
	LAG_TOPICS,
	LAG_RESET,
	LAG_SORT_LAG,
	LAG_SORT_TIME,
	LAG_SORT_STATUS,
	LAG_BACK,
};

static const struct keymap_entry lag_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Partitions", "expand the group into its partitions",
	  LAG_EXPAND },
	{ 't', 0, "t", "Topics", "topics: partitions, leader, replicas, in-sync replicas",
	  LAG_TOPICS },
	{ 'R', 0, "R", "Reset", "reset the group's offsets on a topic (preview, type the group id)",
	  LAG_RESET },
	{ 'L', 0, "L", "ByLag", "sort groups by total lag", LAG_SORT_LAG },
	{ 'T', 0, "T", "ByTime", "sort groups by lag in time", LAG_SORT_TIME },
	{ 'S', 0, "S", "ByStatus", "sort groups by status (worst first)", LAG_SORT_STATUS },
	{ 'r', 0, "r", "Refresh", "poll the brokers now (resets the backoff)", LAG_REFRESH },
	{ 'o', KEY_BACKSPACE, "o BS", "Groups", "back to the groups", LAG_BACK },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

enum lag_mode { LAG_GROUPS, LAG_PARTS, LAG_TOPICVIEW };
enum lag_wait { LAG_IDLE, LAG_PREVIEWING, LAG_CONFIRMING, LAG_CHANGING };
enum lag_sort { LAG_BY_LAG, LAG_BY_TIME, LAG_BY_STATUS };

struct lag_panel {
	struct app *app;
	struct kafka_arg arg;
	struct panel_feed feed; /* of the Kafka runner: snap is a struct kafka_snap */
	enum lag_mode mode;
	enum lag_sort sort;
	int sorted; /* the operator chose sort (L T S); else trouble first */
	struct table groups, parts, topics;
	char *group; /* the expanded group */
	/* the reset in progress */
	enum lag_wait wait;
	unsigned long sent; /* requests sent: the backend numbers them alike */
	char *rgroup, *rtopic, *rvalue;
	enum kafka_reset_mode rmode;
	long last_second;
};

static const struct table_column lag_group_cols[] = {
	{ "GROUP", 48, 0, 0, 0 },   { "STATE", 11, 0, 4, 0 },   { "MEMBERS", 7, 1, 5, 0 },
	{ "LAG", 10, 1, 2, 0 },     { "LAG TIME", 9, 1, 2, 0 }, { "RATE/s", 8, 1, 6, 0 },
	{ "CATCH UP", 9, 1, 3, 0 }, { "STATUS", 6, 0, 1, 0 },   { "LAG TREND", 22, 0, 7, 0 },
};

static const struct table_column lag_part_cols[] = {
	{ "TOPIC", 48, 0, 0, 0 },   { "PART", 5, 1, 0, 0 },    { "COMMITTED", 11, 1, 4, 0 },
	{ "LOG END", 11, 1, 4, 0 }, { "LAG", 9, 1, 1, 0 },     { "LAG TIME", 9, 1, 2, 0 },
	{ "STATUS", 6, 0, 1, 0 },   { "OWNER", 24, 0, 3, 10 },
};

static const struct table_column lag_topic_cols[] = {
	{ "TOPIC", 48, 0, 0, 0 },    { "PART", 5, 1, 0, 0 }, { "LEADER", 6, 1, 2, 0 },
	{ "REPLICAS", 14, 0, 3, 0 }, { "ISR", 14, 0, 3, 0 }, { "HEALTH", 18, 0, 1, 0 },
};

static enum role lag_status_role(enum kafka_status s)
{
	return s == KAFKA_OK ? ROLE_OK : s == KAFKA_WARN ? ROLE_WARN : ROLE_ERROR;
}

static void lag_fmt_secs(char *buf, size_t n, double s)
{
	if (s < 0)
		snprintf(buf, n, "-");
	else if (s < 10)
		snprintf(buf, n, "%.1fs", s);
	else
		util_fmt_duration(buf, n, s);
}

static void lag_fmt_ll(char *buf, size_t n, long long v)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%lld", v);
}

/* A group id with spelled-out characters: those in the error colour. */
static int lag_draw_cell(const struct table_row *r, size_t c, const struct view *v, int y, int x,
			 int w, enum role role, void *ctx)
{
	(void)ctx;
	if (c != 0 || strchr(r->cells[c], '\\') == NULL)
		return 0;
	draw_ident(v, y, x, role, r->cells[c], w);
	return 1;
}

static void *lag_create(struct app *app)
{
	struct lag_panel *lp = xcalloc(1, sizeof *lp);
	const struct config *c = app_config(app);
	struct runner_opts opts = { 0 };

	lp->app = app;
	table_init(&lp->groups, lag_group_cols, 9);
	/* Until L, T or S: worst status first, then most lag in time. */
	lp->groups.trouble_first = 1;
	lp->groups.trouble_word = "failing";
	lp->groups.draw_cell = lag_draw_cell;
	table_init(&lp->parts, lag_part_cols, 8);
	table_init(&lp->topics, lag_topic_cols, 6);
	if (c->kafka_bootstrap == NULL)
		return lp;
	opts = runner_opts_for(c->refresh);
	lp->arg.cfg = c;
	lp->arg.timeout = panel_timeout(&opts, 2, 1, 5);
	panel_feed_start(&lp->feed, &kafka_backend, &lp->arg, &opts, app_wake_fd(app));
	return lp;
}

static void lag_reset_clear(struct lag_panel *lp)
{
	free(lp->rgroup);
	free(lp->rtopic);
	free(lp->rvalue);
	lp->rgroup = lp->rtopic = lp->rvalue = NULL;
}

static void lag_destroy(void *self)
{
	struct lag_panel *lp = self;

	panel_feed_stop(&lp->feed);
	table_free(&lp->groups);
	table_free(&lp->parts);
	table_free(&lp->topics);
	free(lp->group);
	lag_reset_clear(lp);
	free(lp);
}

static void lag_audit(struct lag_panel *lp, const char *event, const char *command,
		      const char *target, const char *status, const char *reason)
{
	struct audit_event ev = { event, "lag panel", "reset offsets", command, target, status,
				  -1,    -1,          reason };

	panel_audit(lp->app, &ev);
}

static void lag_command_text(const struct lag_panel *lp, char *buf, size_t n)
{
	snprintf(buf, n, "reset offsets of group %s on topic %s to %s%s%s", lp->rgroup, lp->rtopic,
		 kafka_reset_mode_name(lp->rmode), lp->rvalue[0] ? " " : "", lp->rvalue);
}

/* ---- rows ------------------------------------------------------------ */

/* What lag_cmp sorts by. */
struct lag_sorting {
	const struct kafka_snap *snap;
	enum lag_sort key;
};

static int lag_cmp(const void *a, const void *b, void *ctx)
{
	const struct lag_sorting *ls = ctx;
	const struct kafka_group *x = &ls->snap->groups[*(const size_t *)a];
	const struct kafka_group *y = &ls->snap->groups[*(const size_t *)b];
	double vx, vy;

	if (ls->key == LAG_BY_STATUS && x->status != y->status)
		return x->status < y->status ? 1 : -1;
	vx = ls->key == LAG_BY_TIME ? x->lag_seconds : (double)x->lag;
	vy = ls->key == LAG_BY_TIME ? y->lag_seconds : (double)y->lag;
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->id, y->id);
}

static const struct kafka_group *lag_find_group(const struct lag_panel *lp, const char *id)
{
	const struct kafka_snap *s = lp->feed.snap;
	size_t i;

	for (i = 0; s != NULL && id != NULL && i < s->ngroups; i++)
		if (strcmp(s->groups[i].id, id) == 0)
			return &s->groups[i];
	return NULL;
}

static void lag_fill_groups(struct lag_panel *lp)
{
	const struct kafka_snap *s = lp->feed.snap;
	struct lag_sorting ls;
	size_t *ord, i;

	table_clear_rows(&lp->groups);
	if (s == NULL) {
		table_commit(&lp->groups);
		return;
	}
	ord = xcalloc(s->ngroups + 1, sizeof *ord);
	for (i = 0; i < s->ngroups; i++)
		ord[i] = i;
	ls.snap = s;
	ls.key = lp->sorted ? lp->sort : LAG_BY_TIME;
	util_sort(ord, s->ngroups, sizeof *ord, lag_cmp, &ls);
	for (i = 0; i < s->ngroups; i++) {
		const struct kafka_group *g = &s->groups[ord[i]];
		char mem[16], lag[32], lt[32], rate[32], cu[32], spark[KAFKA_HISTORY * 3 + 4];
		/* Group ids are ASCII by rule: a lookalike is spelled out. */
		char *id = ident_is_plain(g->id) ? NULL : ident_escape(g->id);
		const char *cells[9] = { id != NULL ? id : g->id,
					 g->state[0] ? g->state : "-",
					 mem,
					 lag,
					 lt,
					 rate,
					 cu,
					 kafka_status_name(g->status),
					 spark };

		lag_fmt_ll(mem, sizeof mem, g->members);
		lag_fmt_ll(lag, sizeof lag, g->lag);
		lag_fmt_secs(lt, sizeof lt, g->lag_seconds);
		if (g->rate < 0)
			snprintf(rate, sizeof rate, "-");
		else
			snprintf(rate, sizeof rate, "%.1f", g->rate);
		if (g->catchup < 0)
			snprintf(cu, sizeof cu, g->lag > 0 ? "never" : "-");
		else
			lag_fmt_secs(cu, sizeof cu, g->catchup);
		screen_sparkline(spark, sizeof spark, g->hist, g->nhist, 20);
		/* The status enum runs from OK to the worst. */
		table_add_ranked(&lp->groups, g->id, lag_status_role(g->status), (long)g->status,
				 cells, g->error);
		free(id);
	}
	free(ord);
	table_commit(&lp->groups);
}

static void lag_fill_parts(struct lag_panel *lp)
{
	const struct kafka_group *g = lag_find_group(lp, lp->group);
	size_t i;

	table_clear_rows(&lp->parts);
	for (i = 0; g != NULL && i < g->nparts; i++) {
		const struct kafka_part *p = &g->parts[i];
		char id[300], part[16], c[32], e[32], l[32], lt[32];
		const char *cells[8] = { p->topic,
					 part,
					 c,
					 e,
					 l,
					 lt,
					 kafka_status_name(p->status),
					 p->owner[0] ? p->owner : "-" };

		snprintf(id, sizeof id, "%s/%d", p->topic, p->partition);
		snprintf(part, sizeof part, "%d", p->partition);
		lag_fmt_ll(c, sizeof c, p->committed);
		lag_fmt_ll(e, sizeof e, p->end);
		lag_fmt_ll(l, sizeof l, p->lag);
		lag_fmt_secs(lt, sizeof lt, p->lag_seconds);
		table_add_row(&lp->parts, id, lag_status_role(p->status), cells, NULL);
	}
	table_commit(&lp->parts);
}

static void lag_ids(char *buf, size_t n, const int *v, int nv)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < nv && o + 12 < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%d", i ? "," : "", v[i]);
}

static void lag_fill_topics(struct lag_panel *lp)
{
	const struct kafka_snap *s = lp->feed.snap;
	size_t i, k;

	table_clear_rows(&lp->topics);
	for (i = 0; s != NULL && i < s->ntopics; i++)
		for (k = 0; k < s->topics[i].nparts; k++) {
			const struct kafka_topic_part *p = &s->topics[i].parts[k];
			char id[300], part[16], leader[16], rep[128], isr[128], health[80];
			const char *cells[6] = {
				s->topics[i].name, part, leader, rep, isr, health
			};
			enum role r = ROLE_NORMAL;

			snprintf(id, sizeof id, "%s/%d", s->topics[i].name, p->partition);
			snprintf(part, sizeof part, "%d", p->partition);
			lag_fmt_ll(leader, sizeof leader, p->leader);
			lag_ids(rep, sizeof rep, p->replicas, p->nreplicas);
			lag_ids(isr, sizeof isr, p->isr, p->nisr);
			if (p->leader < 0) {
				snprintf(health, sizeof health, "LEADERLESS");
				r = ROLE_ERROR;
			} else if (p->nisr < p->nreplicas) {
				snprintf(health, sizeof health, "UNDER-REPLICATED");
				r = ROLE_WARN;
			} else {
				snprintf(health, sizeof health, "%s",
					 p->error[0] ? p->error : "ok");
			}
			table_add_row(&lp->topics, id, r, cells, NULL);
		}
	table_commit(&lp->topics);
}

static void lag_fill(struct lag_panel *lp)
{
	lag_fill_groups(lp);
	lag_fill_parts(lp);
	lag_fill_topics(lp);
}

/* ---- the reset ------------------------------------------------------- */

static void lag_send(struct lag_panel *lp, int kind)
{
	lp->sent++;
	runner_send(lp->feed.r, kind,
		    kafka_reset_req_new(lp->rgroup, lp->rtopic, lp->rmode, lp->rvalue),
		    kafka_reset_req_free);
}

static void lag_confirmed(void *ctx, int confirmed)
{
	struct lag_panel *lp = ctx;
	char cmd[600];

	lag_command_text(lp, cmd, sizeof cmd);
	if (!confirmed) {
		lag_audit(lp, "cancelled", cmd, NULL, "cancelled", "not confirmed");
		app_message(lp->app, ROLE_WARN, "cancelled: no offsets were changed");
		lp->wait = LAG_IDLE;
		return;
	}
	lag_audit(lp, "run", cmd, lp->rgroup, NULL, NULL);
	lp->wait = LAG_CHANGING;
	lag_send(lp, KAFKA_REQ_EXECUTE);
	app_message(lp->app, ROLE_RUNNING, "committing the new offsets of %s ...", lp->rgroup);
}

static void lag_show_preview(struct lag_panel *lp, const struct kafka_reset *r)
{
	const char *body[LAG_PREVIEW_ROWS + 10];
	char lines[LAG_PREVIEW_ROWS + 4][128], more[64];
	struct app_confirm c = { 0 };
	size_t n = 0, i, nl = 0;
	long long skipped = 0, replayed = 0;
	char *shown;

	for (i = 0; i < r->nrows; i++) {
		if (r->rows[i].delta > 0)
			skipped += r->rows[i].delta;
		else
			replayed -= r->rows[i].delta;
	}
	shown = ident_escape(r->group);
	snprintf(lines[nl], sizeof lines[nl], "Group %s, topic %s, to %s %s", shown, r->topic,
		 kafka_reset_mode_name(r->mode), r->value);
	free(shown);
	body[n++] = lines[nl++];
	snprintf(lines[nl], sizeof lines[nl], "%-9s %12s %12s %16s", "PARTITION", "CURRENT", "NEW",
		 "SKIPPED/REPLAYED");
	body[n++] = lines[nl++];
	for (i = 0; i < r->nrows && i < LAG_PREVIEW_ROWS; i++) {
		const struct kafka_reset_row *w = &r->rows[i];
		char cur[32], d[40];

		lag_fmt_ll(cur, sizeof cur, w->current);
		if (w->delta > 0)
			snprintf(d, sizeof d, "skip %lld", w->delta);
		else if (w->delta < 0)
			snprintf(d, sizeof d, "replay %lld", -w->delta);
		else
			snprintf(d, sizeof d, "-");
		snprintf(lines[nl], sizeof lines[nl], "%-9d %12s %12lld %16s", w->partition, cur,
			 w->next, d);
		body[n++] = lines[nl++];
	}
	if (r->nrows > LAG_PREVIEW_ROWS) {
		snprintf(more, sizeof more, "... and %zu more partitions",
			 r->nrows - LAG_PREVIEW_ROWS);
		body[n++] = more;
	}
	snprintf(lines[nl], sizeof lines[nl], "In all: %lld messages skipped, %lld replayed.",
		 skipped, replayed);
	body[n++] = lines[nl++];
	if (r->note[0])
		body[n++] = r->note;
	body[n++] = "Refused while the group has active members. Type the group id to confirm.";
	c.title = "Reset consumer group offsets";
	c.body = body;
	c.nbody = n;
	c.type = lp->rgroup;
	c.run_label = "Reset";
	c.danger = 1;
	c.done = lag_confirmed;
	c.ctx = lp;
	lp->wait = LAG_CONFIRMING;
	app_confirm(lp->app, &c);
}

/* A reset result came in the snapshot. */
static void lag_reset_report(struct lag_panel *lp, const struct kafka_reset *r)
{
	char cmd[600];

	if (r == NULL || r->seq != lp->sent || lp->rgroup == NULL)
		return;
	if (lp->wait == LAG_PREVIEWING && !r->executed) {
		if (!r->ok) {
			app_message(lp->app, ROLE_ERROR, "reset preview: %s", r->error);
			lp->wait = LAG_IDLE;
			return;
		}
		lag_show_preview(lp, r);
	} else if (lp->wait == LAG_CHANGING && r->executed) {
		char *shown = ident_escape(r->group);

		lag_command_text(lp, cmd, sizeof cmd);
		lag_audit(lp, "end", cmd, lp->rgroup, r->ok ? "ok" : "failed",
			  r->ok ? (r->note[0] ? r->note : NULL) : r->error);
		if (r->ok)
			app_message(lp->app, ROLE_OK,
				    "offsets of %s on %s reset to %s (%zu partitions)", shown,
				    r->topic, kafka_reset_mode_name(r->mode), r->nrows);
		else
			app_message(lp->app, ROLE_ERROR, "reset of %s failed: %s", shown, r->error);
		free(shown);
		lp->wait = LAG_IDLE;
	}
}

static void lag_got_mode(void *ctx, const char *value)
{
	struct lag_panel *lp = ctx;
	char word[32] = "";
	const char *rest;
	int mode;

	if (value == NULL || value[0] == '\0') {
		app_message(lp->app, ROLE_WARN, "cancelled: no offsets were changed");
		lag_reset_clear(lp);
		return;
	}
	while (*value == ' ')
		value++;
	rest = value + strcspn(value, " ");
	snprintf(word, sizeof word, "%.*s", (int)(rest - value), value);
	while (*rest == ' ')
		rest++;
	mode = kafka_reset_mode_parse(word);
	if (mode < 0 ||
	    ((mode == KAFKA_RESET_TIME || mode == KAFKA_RESET_SHIFT) && *rest == '\0')) {
		app_message(lp->app, ROLE_ERROR,
			    "mode: earliest, latest, time WHEN (2024-05-01T10:00:00, 15m) or "
			    "shift N");
		lag_reset_clear(lp);
		return;
	}
	lp->rmode = (enum kafka_reset_mode)mode;
	lp->rvalue = xstrdup(rest);
	lp->wait = LAG_PREVIEWING;
	lag_send(lp, KAFKA_REQ_PREVIEW);
	app_message(lp->app, ROLE_RUNNING, "computing the reset preview (dry run) ...");
}

static void lag_got_topic(void *ctx, const char *value)
{
	struct lag_panel *lp = ctx;

	if (value == NULL || value[0] == '\0' || strchr(value, '\t') != NULL) {
		app_message(lp->app, ROLE_WARN, "cancelled: no offsets were changed");
		lag_reset_clear(lp);
		return;
	}
	lp->rtopic = xstrdup(value);
	app_prompt(lp->app, "Reset to: earliest | latest | time WHEN | shift N", "", 0,
		   lag_got_mode, lp);
}

static void lag_reset(struct lag_panel *lp)
{
	const struct table_row *row;
	const struct kafka_group *g;
	char reason[300], *shown;

	row = lp->mode == LAG_PARTS ? NULL : table_selected(&lp->groups);
	g = lag_find_group(lp, lp->mode == LAG_PARTS ? lp->group : row ? row->id : NULL);
	if (g == NULL) {
		app_message(lp->app, ROLE_NORMAL, "select a group first");
		return;
	}
	if (app_read_only(lp->app)) {
		shown = ident_escape(g->id);
		snprintf(reason, sizeof reason,
			 "read-only mode: refused reset offsets of group %s on the lag panel",
			 shown);
		free(shown);
		lag_audit(lp, "refused", "reset offsets", g->id, "refused", reason);
		app_message(lp->app, ROLE_READONLY, "%s; nothing was run", reason);
		return;
	}
	if (lp->wait != LAG_IDLE) {
		app_message(lp->app, ROLE_WARN, "a reset is already in progress");
		return;
	}
	if (g->members > 0) {
		shown = ident_escape(g->id);
		app_message(lp->app, ROLE_ERROR,
			    "refused: group %s has %d active member(s); stop the consumers first",
			    shown, g->members);
		free(shown);
		return;
	}
	lag_reset_clear(lp);
	lp->rgroup = xstrdup(g->id);
	app_prompt(lp->app, "Topic to reset", g->nparts ? g->parts[0].topic : "", 0, lag_got_topic,
		   lp);
}

/* ---- shell hooks ----------------------------------------------------- */

static int lag_update(void *self)
{
	struct lag_panel *lp = self;
	int got = panel_feed_take(&lp->feed);

	if (got & PANEL_FEED_SNAP) {
		const struct kafka_snap *s = lp->feed.snap;

		lag_fill(lp);
		lag_reset_report(lp, s->reset);
	}
	return panel_tick(&lp->last_second, 1, got != 0, lp->feed.status.state == MAILBOX_ERROR);
}

/* The table the mode shows. */
static struct table *lag_shown(struct lag_panel *lp)
{
	return lp->mode == LAG_PARTS       ? &lp->parts
	       : lp->mode == LAG_TOPICVIEW ? &lp->topics
					   : &lp->groups;
}

static void lag_set_mode(struct lag_panel *lp, enum lag_mode mode)
{
	lp->mode = mode;
	app_show_filter(lp->app, lag_shown(lp)->filter);
}

static void lag_draw(void *self, const struct view *v, int focused)
{
	struct lag_panel *lp = self;
	const struct kafka_snap *s = lp->feed.snap;
	char line[256];
	struct view tv = *v;
	int x;

	if (lp->arg.cfg == NULL) {
		draw_label(v, 0, 1, ROLE_DIM, LAG_UNCONFIGURED);
		return;
	}
	if (lp->feed.r == NULL) {
		draw_label(v, 0, 1, ROLE_ERROR, "error: ");
		draw_text(v, 0, 8, ROLE_ERROR, lp->feed.error, v->w);
		return;
	}
	x = draw_label(v, 0, 0, ROLE_TITLE, "kafka ");
	x += draw_text(v, 0, x, ROLE_DIM, lp->arg.cfg->kafka_bootstrap, 40) + 1;
	x = panel_feed_status(&lp->feed, v, 0, x, NULL) + 2;
	if (s != NULL) {
		snprintf(line, sizeof line, "%d brokers  ", s->nbrokers);
		x += draw_label(v, 0, x, ROLE_DIM, line);
		if (s->note[0])
			draw_text(v, 0, x, ROLE_WARN, s->note, v->w);
	}
	if (lp->mode == LAG_PARTS) {
		x = draw_label(v, 1, 0, ROLE_TITLE, "Partitions of ");
		draw_text(v, 1, x, ROLE_TITLE, lp->group, 60);
	} else if (lp->mode == LAG_TOPICVIEW) {
		draw_label(v, 1, 0, ROLE_TITLE, "Topics: leader, replicas, in-sync replicas");
	} else {
		static const char *const names[] = { "lag", "lag time", "status" };

		if (lp->sorted)
			snprintf(line, sizeof line, "Consumer groups, by %s", names[lp->sort]);
		else
			snprintf(line, sizeof line,
				 "Consumer groups, trouble first: status, lag time (L T S sort)");
		draw_label(v, 1, 0, ROLE_TITLE, line);
	}
	tv.y += 2;
	tv.h -= 2;
	table_draw(lag_shown(lp), &tv, focused);
}

static int lag_action(void *self, int action)
{
	struct lag_panel *lp = self;
	const struct table_row *row;

	if (lp->feed.r == NULL)
		return panel_feed_why(lp->app, &lp->feed,
				      lp->arg.cfg == NULL ? LAG_UNCONFIGURED : NULL);
	switch (action) {
	case LAG_REFRESH:
		panel_feed_refresh(lp->app, &lp->feed, "kafka");
		return 1;
	case LAG_EXPAND:
		if (lp->mode != LAG_GROUPS)
			return 1;
		row = table_selected(&lp->groups);
		if (row == NULL)
			return 1;
		free(lp->group);
		lp->group = xstrdup(row->id);
		/* A new group's partitions: the filter that found the
		 * group is the groups list's and stays with it. */
		table_set_filter(&lp->parts, "");
		lag_set_mode(lp, LAG_PARTS);
		lag_fill_parts(lp);
		return 1;
	case LAG_TOPICS:
		lag_set_mode(lp, LAG_TOPICVIEW);
		return 1;
	case LAG_RESET:
		lag_reset(lp);
		return 1;
	case LAG_SORT_LAG:
	case LAG_SORT_TIME:
	case LAG_SORT_STATUS:
		lp->sort = action == LAG_SORT_LAG    ? LAG_BY_LAG
			   : action == LAG_SORT_TIME ? LAG_BY_TIME
						     : LAG_BY_STATUS;
		lp->sorted = 1;
		lp->groups.trouble_first = 0;
		lag_set_mode(lp, LAG_GROUPS);
		lag_fill_groups(lp);
		return 1;
	case LAG_BACK:
		lag_set_mode(lp, LAG_GROUPS);
		return 1;
	}
	return 0;
}

static int lag_key(void *self, int key)
{
	return table_key(lag_shown(self), key);
}

static int lag_click(void *self, int y, int x)
{
	return table_click(lag_shown(self), y - 2);
}

/* The / filter is the shown list's own: each list keeps its filter, and
 * the filter line shows the one of the list in view. */
static void lag_filter(void *self, const char *text)
{
	table_set_filter(lag_shown(self), text);
}

static int lag_busy(void *self)
{
	const struct lag_panel *lp = self;

	return lp->wait == LAG_CHANGING;
}

static int lag_configured(void *self)
{
	struct lag_panel *lp = self;

	return lp->arg.cfg != NULL;
}

/* Groups that stopped, stalled or fall behind; partitions without a
 * leader or with replicas out of sync. */
static void lag_findings(void *self, struct finding_list *out)
{
	struct lag_panel *lp = self;
	const struct kafka_snap *s = lp->feed.snap;
	size_t i, k;

	for (i = 0; s != NULL && i < s->ngroups; i++) {
		const struct kafka_group *g = &s->groups[i];
		struct finding *f;
		char behind[32];

		if (g->status != KAFKA_STOP && g->status != KAFKA_STALL && g->status != KAFKA_WARN)
			continue;
		f = finding_add(out, g->status == KAFKA_WARN ? FINDING_WARNING : FINDING_CRITICAL,
				"kafka-lag", "Kafka", "lag");
		lag_fmt_secs(behind, sizeof behind, g->lag_seconds);
		snprintf(f->object, sizeof f->object, "%s", g->id);
		snprintf(f->what, sizeof f->what, "%s: lag %lld, %s behind",
			 kafka_status_name(g->status), g->lag, behind);
		snprintf(f->row_id, sizeof f->row_id, "%s", g->id);
		finding_var(f, "group", g->id);
		finding_var(f, "consumer-group", g->id);
	}
	for (i = 0; s != NULL && i < s->ntopics; i++)
		for (k = 0; k < s->topics[i].nparts; k++) {
			const struct kafka_topic_part *p = &s->topics[i].parts[k];
			int leaderless = p->leader < 0;
			struct finding *f;

			if (!leaderless && p->nisr >= p->nreplicas)
				continue;
			f = finding_add(out, leaderless ? FINDING_CRITICAL : FINDING_WARNING,
					leaderless ? "kafka-leaderless" : "kafka-underreplicated",
					"Kafka", "lag");
			snprintf(f->object, sizeof f->object, "%s/%d", s->topics[i].name,
				 p->partition);
			if (leaderless)
				snprintf(f->what, sizeof f->what, "partition without a leader");
			else
				snprintf(f->what, sizeof f->what, "%d of %d replicas in sync",
					 p->nisr, p->nreplicas);
			finding_var(f, "topic", s->topics[i].name);
		}
}

/* Select the group named what in the groups list. */
static int lag_open(void *self, const char *what, const char *vars)
{
	struct lag_panel *lp = self;
	int cleared, found;

	lag_set_mode(lp, LAG_GROUPS);
	found = table_reveal_id(&lp->groups, what, &cleared);
	if (cleared)
		app_show_filter(lp->app, "");
	return found ? 0 : -1;
}

/* The grid's share: the source and title lines, the shown table's
 * header and its rows. */
static void lag_want(void *self, struct panel_want *w)
{
	size_t n = lag_shown(self)->nvisible;

	w->rows = 3 + (n > 0 ? (int)n : 1);
}

const struct panel_ops lag_panel = {
	.name = "lag",
	.title = "Consumer lag",
	.keys = lag_keys,
	.create = lag_create,
	.destroy = lag_destroy,
	.update = lag_update,
	.draw = lag_draw,
	.action = lag_action,
	.key = lag_key,
	.click = lag_click,
	.filter = lag_filter,
	.busy = lag_busy,
	.configured = lag_configured,
	.findings = lag_findings,
	.open = lag_open,
	.want = lag_want,
};
