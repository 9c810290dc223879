/*
 * alerts.c - the Alerts panel: what Alertmanager (or, with none,
 * Prometheus) says is firing, sorted by severity then age, with the
 * health strip of the `health` endpoints and the HTTP sources on its top
 * line. Enter shows an alert's labels and annotations (external text:
 * the draw helpers sanitise it); b (or Enter in the details) opens the
 * alert's runbook symptom: the entry whose alerts= annotation names it,
 * else the one its runbook_url names (last path segment or fragment, as
 * a slug of the title), else the URL is only shown; s silences the selected alert (matchers
 * pre-filled from its labels and editable, a duration, a required
 * comment, a confirmation, the audit log before and after; refused in
 * --read-only); S lists the silences with their expiry countdowns and
 * how many alerts each silences, where e expires one the same careful
 * way. The data comes from two runners of backends/prom.c; the panel only
 * takes their snapshots and never touches the network. Selection is kept
 * by fingerprint (alerts) and id (silences).
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/health.h"
#include "backends/prom.h"
#include "runtime/runner.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "ui/table.h"

enum alerts_action {
	ALERTS_DETAIL = 1,
	ALERTS_SILENCE,
	ALERTS_SILENCES,
	ALERTS_EXPIRE,
	ALERTS_SUPPRESSED,
	ALERTS_HEALTH,
	ALERTS_REFRESH,
	ALERTS_BACK,
	ALERTS_RUNBOOK,
};

static const struct keymap_entry alerts_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Details",
	  "all labels and annotations of the selected alert (or the health check)", ALERTS_DETAIL },
	{ 'b', 0, "b", "Runbook",
	  "open the alert's runbook symptom (alerts= in the runbook, or its runbook_url)",
	  ALERTS_RUNBOOK },
	{ 's', 0, "s", "Silence",
	  "silence the selected alert: matchers from its labels, duration, comment; confirmed",
	  ALERTS_SILENCE },
	{ 'S', 0, "S", "Silences", "the silences, with expiry countdowns", ALERTS_SILENCES },
	{ 'e', 0, "e", "Expire", "expire the selected silence (silences view); confirmed",
	  ALERTS_EXPIRE },
	{ 'a', 0, "a", "All", "show or hide silenced and inhibited alerts", ALERTS_SUPPRESSED },
	{ 'h', 0, "h", "Health", "the health checks in detail (status, latency, error)",
	  ALERTS_HEALTH },
	{ 'r', 0, "r", "Refresh", "poll Alertmanager and the health checks now", ALERTS_REFRESH },
	{ 'o', KEY_BACKSPACE, "o BS", "Alerts", "back to the alerts list", ALERTS_BACK },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

enum alerts_mode { ALERTS_LIST, ALERTS_DETAILS, ALERTS_SILENCE_LIST, ALERTS_HEALTH_LIST };

struct alerts_panel {
	struct app *app;
	struct prom_arg aarg, harg;
	struct panel_feed al, he; /* alerts and health: snap is a struct prom_snap */
	int configured;
	enum alerts_mode mode;
	int show_suppressed;
	struct table list, sil, health;
	char *detail_fp; /* the alert Enter opened */
	int detail_top;
	/* The silence being built or sent. */
	char *matchers;
	double duration;
	char *comment;
	char *expire_id;
	int pending; /* PROM_REQ_* awaiting its result, 0 none */
	unsigned long sent;
	char pending_cmd[512];
	long last_second;
	size_t *row_alert; /* the list's row i shows al.snap's alert row_alert[i] */
	size_t row_alert_cap;
	/* The / filter's words as alerts_match last parsed them (from the
	 * text of): each a label matcher (m) or a word to find (m NULL). */
	struct alerts_words {
		char *of;
		struct alerts_word {
			char *text;
			struct prom_matcher *m;
		} * v;
		size_t n;
	} fw;
};

static const struct table_column alerts_cols[] = {
	{ "SEVERITY", 9, 0, 2, 0 }, { "ALERT", 32, 0, 0, 0 }, { "SUMMARY", 60, 0, 0, 0 },
	{ "LABELS", 34, 0, 3, 12 }, { "AGE", 7, 1, 1, 0 },    { "STATE", 22, 0, 4, 8 },
};

static const struct table_column alerts_sil_cols[] = {
	{ "ID", 36, 0, 5, 8 },       { "STATE", 8, 0, 1, 0 },       { "ENDS IN", 9, 1, 1, 0 },
	{ "ALERTS", 6, 1, 2, 0 },    { "CREATED BY", 12, 0, 3, 0 }, { "MATCHERS", 60, 0, 0, 0 },
	{ "COMMENT", 24, 0, 4, 10 },
};

static const struct table_column alerts_health_cols[] = {
	{ "CHECK", 32, 0, 0, 0 },   { "STATE", 6, 0, 1, 0 }, { "LATENCY", 9, 1, 2, 0 },
	{ "DETAIL", 30, 0, 3, 12 }, { "URL", 60, 0, 4, 12 },
};

static int alerts_match(const struct table_row *r, const char *text, const char *filter, void *ctx);
static void alerts_words_free(struct alerts_panel *ap);

/* The three lists, empty (tests/bench/bench_alerts.c starts here too). */
static void alerts_tables_init(struct alerts_panel *ap)
{
	table_init(&ap->list, alerts_cols, 6);
	/* The backend sorts by severity then age; the rank keeps silenced
	 * ones last and counts what is hidden. */
	ap->list.trouble_first = 1;
	ap->list.trouble_word = "critical or warning";
	ap->list.match = alerts_match;
	ap->list.match_ctx = ap;
	table_init(&ap->sil, alerts_sil_cols, 7);
	table_init(&ap->health, alerts_health_cols, 5);
	ap->health.trouble_first = 1;
	ap->health.trouble_word = "down or slow";
}

static void *alerts_create(struct app *app)
{
	struct alerts_panel *ap = xcalloc(1, sizeof *ap);
	const struct config *c = app_config(app);
	struct runner_opts opts = { 0 };
	double timeout;

	ap->app = app;
	alerts_tables_init(ap);
	opts = runner_opts_for(c->refresh);
	timeout = panel_timeout(&opts, 2, 2, 10);
	ap->configured = c->nalertmanager_urls > 0 || c->prometheus_url != NULL;
	if (ap->configured) {
		ap->aarg.cfg = c;
		ap->aarg.mode = PROM_ALERTS;
		ap->aarg.timeout = timeout;
		if (panel_feed_start(&ap->al, &prom_backend, &ap->aarg, &opts, app_wake_fd(app)) ==
		    0)
			runner_set_label(ap->al.r, c->nalertmanager_urls > 0 ? "alertmanager"
									     : "prometheus alerts");
	}
	if (ap->configured || c->nhealth > 0 || health_count(c) > 0) {
		ap->harg.cfg = c;
		ap->harg.mode = PROM_HEALTH;
		ap->harg.timeout = timeout < 3 ? timeout : 3;
		if (panel_feed_start(&ap->he, &prom_backend, &ap->harg, &opts, app_wake_fd(app)) ==
		    0)
			runner_set_label(ap->he.r, "health checks");
	}
	return ap;
}

static void alerts_destroy(void *self)
{
	struct alerts_panel *ap = self;

	panel_feed_stop(&ap->al);
	panel_feed_stop(&ap->he);
	table_free(&ap->list);
	table_free(&ap->sil);
	table_free(&ap->health);
	free(ap->detail_fp);
	free(ap->matchers);
	free(ap->comment);
	free(ap->expire_id);
	free(ap->row_alert);
	alerts_words_free(ap);
	free(ap);
}

static void alerts_audit(struct alerts_panel *ap, const char *event, const char *step,
			 const char *command, const char *target, const char *status,
			 const char *reason)
{
	struct audit_event ev = { event, "alerts panel", step, command, target, status, -1,
				  -1,    reason };

	panel_audit(ap->app, &ev);
}

static enum role alerts_sev_role(const char *sev)
{
	switch (prom_severity_rank(sev)) {
	case 0:
		return ROLE_ERROR;
	case 1:
		return ROLE_WARN;
	case 2:
		return ROLE_NORMAL;
	}
	return ROLE_DIM;
}

/* The list's rows from the snapshot at wall time now: its cells were
 * made on the worker (where, labels_text) but the age and the state, so
 * this formats two short cells an alert and the table copies only what
 * changed since the last fill. */
static void alerts_fill_list(struct alerts_panel *ap, double now)
{
	const struct prom_snap *s = ap->al.snap;
	size_t i;

	table_clear_rows(&ap->list);
	if (s != NULL && ap->row_alert_cap < s->nalerts) {
		ap->row_alert_cap = s->nalerts;
		ap->row_alert = xrealloc(ap->row_alert, s->nalerts * sizeof *ap->row_alert);
	}
	for (i = 0; s != NULL && i < s->nalerts; i++) {
		const struct prom_alert *a = &s->alerts[i];
		char age[32], state[32];
		const char *cells[6];
		int suppressed = a->silenced_by != NULL || a->inhibited_by != NULL;

		if (suppressed && !ap->show_suppressed)
			continue;
		if (a->starts_at > 0)
			util_fmt_duration(age, sizeof age, now - a->starts_at);
		else
			snprintf(age, sizeof age, "-");
		if (a->silenced_by != NULL)
			snprintf(state, sizeof state, "silenced by %.8s", a->silenced_by);
		cells[0] = a->severity[0] ? a->severity : "-";
		cells[1] = a->name;
		cells[2] = a->summary;
		cells[3] = a->where;
		cells[4] = age;
		cells[5] = a->silenced_by != NULL    ? state
			   : a->inhibited_by != NULL ? "inhibited"
						     : a->state;
		/* the filter finds a row's alert by the row's place */
		ap->row_alert[ap->list.nrows] = i;
		/* critical 2, warning 1, info 0; silenced or inhibited last */
		table_add_ranked(&ap->list, a->fingerprint,
				 suppressed ? ROLE_DIM : alerts_sev_role(a->severity),
				 suppressed ? -2 : 2 - prom_severity_rank(a->severity), cells,
				 a->labels_text);
	}
	table_commit(&ap->list);
}

static void alerts_fill_silences(struct alerts_panel *ap, double now)
{
	const struct prom_snap *s = ap->al.snap;
	size_t i;

	table_clear_rows(&ap->sil);
	for (i = 0; s != NULL && i < s->nsilences; i++) {
		const struct prom_silence *x = &s->silences[i];
		char ends[32], n[16];
		const char *cells[7];
		size_t m = prom_silence_matches(x, s);
		int active = strcmp(x->state, "active") == 0;

		if (strcmp(x->state, "expired") == 0)
			snprintf(ends, sizeof ends, "-");
		else
			util_fmt_duration(ends, sizeof ends, x->ends_at - now);
		snprintf(n, sizeof n, "%zu", m);
		cells[0] = x->id;
		cells[1] = x->state;
		cells[2] = ends;
		cells[3] = n;
		cells[4] = x->created_by;
		cells[5] = x->matchers;
		cells[6] = x->comment;
		table_add_row(&ap->sil, x->id,
			      !active  ? ROLE_DIM
			      : m == 0 ? ROLE_WARN
				       : ROLE_NORMAL,
			      cells, NULL);
	}
	table_commit(&ap->sil);
}

static void alerts_fill_health(struct alerts_panel *ap)
{
	const struct prom_snap *s = ap->he.snap;
	size_t i;

	table_clear_rows(&ap->health);
	for (i = 0; s != NULL && i < s->nchecks; i++) {
		const struct prom_check *k = &s->checks[i];
		char ms[32];
		const char *cells[5];

		snprintf(ms, sizeof ms, "%.0fms", k->ms);
		cells[0] = k->name;
		cells[1] = k->level == 0 ? "up" : k->level == 1 ? "slow" : "DOWN";
		cells[2] = ms;
		cells[3] = k->detail;
		cells[4] = k->url;
		table_add_ranked(&ap->health, k->name,
				 k->level == 0   ? ROLE_OK
				 : k->level == 1 ? ROLE_WARN
						 : ROLE_ERROR,
				 k->level, cells, NULL);
	}
	table_commit(&ap->health);
}

/* The result of a silence or expire request arrived in a snapshot. */
static void alerts_request_done(struct alerts_panel *ap)
{
	const struct prom_snap *s = ap->al.snap;
	const char *step = ap->pending == PROM_REQ_SILENCE ? "create silence" : "expire silence";

	if (s == NULL || ap->pending == 0 || s->nrequests < ap->sent)
		return;
	alerts_audit(ap, "end", step, ap->pending_cmd, NULL, s->request_failed ? "failed" : "ok",
		     s->request_msg);
	app_message(ap->app, s->request_failed ? ROLE_ERROR : ROLE_OK, "%s: %s", step,
		    s->request_msg);
	ap->pending = 0;
}

static int alerts_update(void *self)
{
	struct alerts_panel *ap = self;
	int redraw = 0;

	if (panel_feed_take(&ap->al)) {
		alerts_fill_list(ap, util_wall());
		alerts_fill_silences(ap, util_wall());
		alerts_request_done(ap);
		redraw = 1;
	}
	if (panel_feed_take(&ap->he)) {
		alerts_fill_health(ap);
		redraw = 1;
	}
	/* Ages and countdowns tick. */
	if (panel_tick(&ap->last_second, 1, redraw, ap->configured) && !redraw) {
		alerts_fill_list(ap, util_wall());
		alerts_fill_silences(ap, util_wall());
		redraw = 1;
	}
	return redraw;
}

static int alerts_draw_strip(struct alerts_panel *ap, const struct view *v, int y)
{
	const struct prom_snap *s = ap->he.snap;
	int x;
	size_t i;

	x = draw_label(v, y, 0, ROLE_DIM, "health ");
	if (ap->he.r == NULL) {
		draw_label(v, y, x, ROLE_DIM,
			   ap->he.error[0] ? ap->he.error : "no checks: add health: [{name, url}]");
		return 1;
	}
	if (s == NULL) {
		draw_label(v, y, x, ROLE_DIM, "checking ...");
		return 1;
	}
	if (s->nchecks == 0)
		draw_label(v, y, x, ROLE_DIM, "no checks: add health: [{name, url}]");
	for (i = 0; i < s->nchecks && x < v->w; i++) {
		const struct prom_check *k = &s->checks[i];
		enum role r = k->level == 0 ? ROLE_OK : k->level == 1 ? ROLE_WARN : ROLE_ERROR;
		char cell[64];

		x += draw_label(v, y, x, r, "[");
		x += draw_text(v, y, x, r, k->name, 24);
		if (k->level == 2)
			snprintf(cell, sizeof cell, " DOWN]");
		else
			snprintf(cell, sizeof cell, " %s %.0fms]", k->level ? "slow" : "up", k->ms);
		x += draw_label(v, y, x, r, cell);
		x += draw_label(v, y, x, ROLE_NORMAL, " ");
	}
	if (ap->he.status.state == MAILBOX_ERROR)
		draw_text(v, y, x, ROLE_STALE, ap->he.status.error, v->w);
	return 1;
}

/* The source line: state, counts or the error and the age of the data. */
static void alerts_draw_status(struct alerts_panel *ap, const struct view *v, int y)
{
	const struct prom_snap *s = ap->al.snap;
	const struct config *c = app_config(ap->app);
	char line[512];
	enum role r;
	int x;

	if (ap->al.r == NULL) {
		draw_text(v, y, 0, ROLE_ERROR, ap->al.error, v->w);
		return;
	}
	snprintf(line, sizeof line, "%s ",
		 c->nalertmanager_urls ? "alertmanager" : "prometheus (no alertmanager)");
	x = draw_label(v, y, 0, ROLE_DIM, line);
	x = panel_feed_status(&ap->al, v, y, x, &r) + 1;
	if (s != NULL) {
		size_t i, n[4] = { 0 }, sup = 0;

		for (i = 0; i < s->nalerts; i++) {
			if (s->alerts[i].silenced_by || s->alerts[i].inhibited_by)
				sup++;
			else
				n[prom_severity_rank(s->alerts[i].severity)]++;
		}
		snprintf(line, sizeof line,
			 "  %zu firing: %zu critical, %zu warning, %zu info, %zu other; %zu "
			 "silenced/inhibited%s",
			 n[0] + n[1] + n[2] + n[3], n[0], n[1], n[2], n[3], sup,
			 ap->show_suppressed ? " (shown)" : " (a shows)");
		x += draw_label(v, y, x, r == ROLE_OK ? ROLE_NORMAL : ROLE_STALE, line);
		if (s->partial[0] != '\0') {
			x += draw_label(v, y, x + 2, ROLE_WARN, "partial: ") + 2;
			draw_text(v, y, x, ROLE_WARN, s->partial, v->w);
		}
	}
}

static const struct prom_alert *alerts_find(const struct alerts_panel *ap, const char *fp)
{
	const struct prom_snap *s = ap->al.snap;
	size_t i;

	if (s == NULL || fp == NULL)
		return NULL;
	for (i = 0; i < s->nalerts; i++)
		if (strcmp(s->alerts[i].fingerprint, fp) == 0)
			return &s->alerts[i];
	return NULL;
}

static void alerts_words_free(struct alerts_panel *ap)
{
	size_t i;

	for (i = 0; i < ap->fw.n; i++) {
		free(ap->fw.v[i].text);
		if (ap->fw.v[i].m != NULL)
			prom_matchers_free(ap->fw.v[i].m, 1);
	}
	free(ap->fw.v);
	free(ap->fw.of);
	memset(&ap->fw, 0, sizeof ap->fw);
}

/* Split filter into words once (not once a row): a word that parses as
 * one label matcher is one. */
static void alerts_words_parse(struct alerts_panel *ap, const char *filter)
{
	const char *p = filter;

	alerts_words_free(ap);
	ap->fw.of = xstrdup(filter);
	while (*p != '\0') {
		struct alerts_word *w;
		struct prom_matcher *m;
		char err[128];
		size_t n;
		int nm;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == 0)
			break;
		ap->fw.v = xrealloc(ap->fw.v, (ap->fw.n + 1) * sizeof *ap->fw.v);
		w = &ap->fw.v[ap->fw.n++];
		w->text = xstrndup(p, n < 255 ? n : 255);
		p += n;
		nm = prom_matchers_parse(w->text, &m, err, sizeof err);
		w->m = nm == 1 ? m : NULL;
		if (nm > 1)
			prom_matchers_free(m, (size_t)nm);
	}
}

/* The / filter on the alert list: a word that is a label matcher
 * (severity=critical, alertname=~High.*, service!=x, pod!~db-.*) is
 * decided on the alert's labels as Alertmanager would; any other word
 * must occur in the row's text. */
static int alerts_match(const struct table_row *r, const char *text, const char *filter, void *ctx)
{
	struct alerts_panel *ap = ctx;
	const struct prom_snap *s = ap->al.snap;
	size_t k = (size_t)(r - ap->list.rows), i;
	const struct prom_alert *a = NULL;

	if (s != NULL && k < ap->list.nrows && ap->row_alert[k] < s->nalerts &&
	    strcmp(s->alerts[ap->row_alert[k]].fingerprint, r->id) == 0)
		a = &s->alerts[ap->row_alert[k]];
	if (ap->fw.of == NULL || strcmp(ap->fw.of, filter) != 0)
		alerts_words_parse(ap, filter);
	for (i = 0; i < ap->fw.n; i++) {
		const struct alerts_word *w = &ap->fw.v[i];

		if (!(w->m != NULL && a != NULL ? prom_alert_matches(a, w->m)
						: table_match(text, w->text)))
			return 0;
	}
	return 1;
}

/* 1 if url's fragment, else its last path segment (without an
 * extension), is title as a slug: "performance-degradation". */
static int alerts_url_names(const char *url, const char *title)
{
	const char *s = strchr(url, '#'), *e;
	const char *t = title;

	if (s != NULL && s[1] != '\0') {
		s++;
		e = s + strlen(s);
	} else {
		e = s != NULL ? s : url + strcspn(url, "?");
		while (e > url && e[-1] == '/')
			e--;
		for (s = e; s > url && s[-1] != '/';)
			s--;
		if (memchr(s, '.', (size_t)(e - s)) != NULL)
			e = memchr(s, '.', (size_t)(e - s));
	}
	if (s == e)
		return 0;
	/* Walk both: runs of non-alphanumerics in the title match one '-'
	 * (or '_') in the URL; letters compare case-insensitively. */
	while (*t != '\0' && s < e) {
		if (isalnum((unsigned char)*t)) {
			if (tolower((unsigned char)*t) != tolower((unsigned char)*s))
				return 0;
			t++;
			s++;
		} else {
			while (*t != '\0' && !isalnum((unsigned char)*t))
				t++;
			if (*t == '\0')
				break;
			if (*s != '-' && *s != '_')
				return 0;
			s++;
		}
	}
	while (*t != '\0' && !isalnum((unsigned char)*t))
		t++;
	return *t == '\0' && s == e;
}

/* The runbook entry the alert leads to: the first whose alerts= names
 * it, else the first symptom or procedure its runbook_url names; NULL
 * when neither. */
static const struct runbook_entry *alerts_runbook_entry(const struct alerts_panel *ap,
							const struct prom_alert *a)
{
	const struct runbook_set *set = app_runbooks(ap->app);
	const struct runbook_entry *e = runbook_for_alert(set, a->name);
	const char *url = prom_annotation(a, "runbook_url");
	size_t i;

	if (e != NULL || url == NULL || set == NULL)
		return e;
	for (i = 0; i < set->nentries; i++)
		if (set->entries[i].type != ENTRY_REFERENCE &&
		    alerts_url_names(url, set->entries[i].title))
			return &set->entries[i];
	return NULL;
}

/* Open the alert's symptom in the runbook pane, or say why not. */
static void alerts_open_runbook(struct alerts_panel *ap, const struct prom_alert *a)
{
	const struct runbook_entry *e = alerts_runbook_entry(ap, a);
	const char *url = prom_annotation(a, "runbook_url");

	if (e != NULL) {
		app_open(ap->app, "runbook", e->title, NULL);
		return;
	}
	if (url != NULL)
		app_message(ap->app, ROLE_NORMAL, "%s: no runbook symptom; runbook_url %s", a->name,
			    url);
	else
		app_message(ap->app, ROLE_NORMAL,
			    "%s: no runbook symptom names it (add <!-- amconsole: alerts=%s --> "
			    "under one)",
			    a->name, a->name);
}

static void alerts_draw_details(struct alerts_panel *ap, const struct view *v, int y0)
{
	const struct prom_alert *a = alerts_find(ap, ap->detail_fp);
	const struct runbook_entry *e;
	int y = y0 - ap->detail_top, x;
	size_t i;

	if (a == NULL) {
		draw_label(v, y0, 1, ROLE_DIM, "the alert is no longer in the list (o goes back)");
		return;
	}
	x = draw_label(v, y, 0, ROLE_TITLE, "Alert ");
	x += draw_text(v, y, x, ROLE_TITLE, a->name, 60);
	x += draw_label(v, y, x, ROLE_DIM, "  fingerprint ");
	draw_text(v, y, x, ROLE_DIM, a->fingerprint, 40);
	y++;
	x = draw_label(v, y, 0, ROLE_DIM, "state ");
	x += draw_text(v, y, x, ROLE_NORMAL, a->state, 30);
	if (a->silenced_by) {
		x += draw_label(v, y, x, ROLE_DIM, "  silenced by ");
		x += draw_text(v, y, x, ROLE_NORMAL, a->silenced_by, 80);
	}
	if (a->inhibited_by) {
		x += draw_label(v, y, x, ROLE_DIM, "  inhibited by ");
		draw_text(v, y, x, ROLE_NORMAL, a->inhibited_by, 80);
	}
	y++;
	e = alerts_runbook_entry(ap, a);
	if (e != NULL) {
		x = draw_label(v, y, 0, ROLE_DIM, "runbook symptom ");
		x += draw_text(v, y, x, ROLE_TITLE, e->title, 80);
		draw_label(v, y, x, ROLE_DIM, " (Enter or b opens it in the Runbook pane)");
	} else if (prom_annotation(a, "runbook_url") != NULL) {
		x = draw_label(v, y, 0, ROLE_DIM, "runbook ");
		x += draw_text(v, y, x, ROLE_NORMAL, prom_annotation(a, "runbook_url"), 120);
		draw_label(v, y, x, ROLE_DIM, " (no symptom of the loaded runbooks)");
	}
	y += 2;
	draw_label(v, y++, 0, ROLE_HEADER, "LABELS");
	for (i = 0; i < a->nlabels; i++, y++) {
		x = draw_text(v, y, 2, ROLE_DIM, a->labels[i].name, 30);
		x += draw_label(v, y, 2 + x, ROLE_DIM, " = ");
		draw_text(v, y, 2 + x, ROLE_NORMAL, a->labels[i].value, v->w);
	}
	y++;
	draw_label(v, y++, 0, ROLE_HEADER, "ANNOTATIONS");
	for (i = 0; i < a->nannotations; i++, y++) {
		x = draw_text(v, y, 2, ROLE_DIM, a->annotations[i].name, 30);
		x += draw_label(v, y, 2 + x, ROLE_DIM, " = ");
		draw_text(v, y, 2 + x, ROLE_NORMAL, a->annotations[i].value, v->w);
	}
}

static void alerts_draw(void *self, const struct view *v, int focused)
{
	struct alerts_panel *ap = self;
	const struct prom_snap *s = ap->al.snap;
	struct view tv = *v;

	alerts_draw_strip(ap, v, 0);
	if (!ap->configured) {
		draw_label(v, 1, 0, ROLE_DIM,
			   "not configured: set alertmanager.urls or ALERTMANAGER_URL (or "
			   "prometheus.url / PROMETHEUS_URL)");
		if (ap->mode == ALERTS_HEALTH_LIST) {
			tv.y += 3;
			tv.h -= 3;
			table_draw(&ap->health, &tv, focused);
		}
		return;
	}
	alerts_draw_status(ap, v, 1);
	tv.y += 2;
	tv.h -= 2;
	switch (ap->mode) {
	case ALERTS_LIST:
		if (s == NULL) {
			draw_label(v, 3, 1, ROLE_DIM,
				   ap->al.status.state == MAILBOX_ERROR
					   ? "no data yet: the source is failing (see above)"
					   : "waiting for the first poll ...");
			return;
		}
		if (ap->list.nrows == 0 && ap->al.status.state == MAILBOX_OK) {
			draw_label(v, 3, 1, ROLE_OK,
				   s->nalerts ? "no alerts firing (all silenced or "
						"inhibited: a shows them)"
					      : "no alerts firing");
			return;
		}
		table_draw(&ap->list, &tv, focused);
		break;
	case ALERTS_DETAILS:
		alerts_draw_details(ap, &tv, 0);
		break;
	case ALERTS_SILENCE_LIST:
	case ALERTS_HEALTH_LIST: {
		int sil = ap->mode == ALERTS_SILENCE_LIST;

		draw_label(&tv, 0, 0, ROLE_TITLE,
			   sil ? "Silences (e expires the selected one)" : "Health checks");
		tv.y += 1;
		tv.h -= 1;
		table_draw(sil ? &ap->sil : &ap->health, &tv, focused);
		break;
	}
	}
}

static void alerts_refuse(struct alerts_panel *ap, const char *step, const char *target)
{
	char reason[200];

	snprintf(reason, sizeof reason, "read-only mode: refused %s on the alerts panel", step);
	alerts_audit(ap, "refused", step, step, target, "refused", reason);
	app_message(ap->app, ROLE_READONLY, "%s; nothing was sent", reason);
}

static void alerts_silence_confirmed(void *ctx, int confirmed)
{
	struct alerts_panel *ap = ctx;
	struct prom_matcher *m = NULL;
	char err[200];
	int n;
	char *json;
	double now = util_wall();
	const char *user = getenv("USER");

	if (!confirmed) {
		alerts_audit(ap, "cancelled", "create silence", ap->pending_cmd, NULL, "cancelled",
			     "not confirmed");
		app_message(ap->app, ROLE_WARN, "cancelled: no silence was created");
		return;
	}
	n = prom_matchers_parse(ap->matchers, &m, err, sizeof err);
	if (n < 0) {
		app_message(ap->app, ROLE_ERROR, "matchers: %s", err);
		return;
	}
	json = prom_silence_json(m, (size_t)n, now, now + ap->duration,
				 user != NULL ? user : "amconsole", ap->comment);
	prom_matchers_free(m, (size_t)n);
	alerts_audit(ap, "run", "create silence", ap->pending_cmd, ap->matchers, NULL, NULL);
	ap->pending = PROM_REQ_SILENCE;
	ap->sent++;
	runner_send(ap->al.r, PROM_REQ_SILENCE, prom_req_new(json, NULL), prom_req_free);
	free(json);
	app_message(ap->app, ROLE_RUNNING, "creating the silence ...");
}

static void alerts_got_comment(void *ctx, const char *value)
{
	struct alerts_panel *ap = ctx;
	char dur[32], l0[600], l1[128], l2[300];
	const char *body[4];
	struct app_confirm c = { 0 };
	const char *user = getenv("USER");

	if (value == NULL) {
		app_message(ap->app, ROLE_WARN, "cancelled: no silence was created");
		return;
	}
	if (value[0] == '\0') {
		app_message(ap->app, ROLE_WARN, "a comment is required: no silence was created");
		return;
	}
	free(ap->comment);
	ap->comment = xstrdup(value);
	util_fmt_duration(dur, sizeof dur, ap->duration);
	snprintf(ap->pending_cmd, sizeof ap->pending_cmd, "silence %s for %s: %s", ap->matchers,
		 dur, ap->comment);
	snprintf(l0, sizeof l0, "Matchers: %s", ap->matchers);
	snprintf(l1, sizeof l1, "For %s, created by %s", dur, user != NULL ? user : "amconsole");
	snprintf(l2, sizeof l2, "Comment: %s", ap->comment);
	body[0] = l0;
	body[1] = l1;
	body[2] = l2;
	body[3] = "Every alert these matchers select stops notifying until it ends.";
	c.title = "Create silence";
	c.body = body;
	c.nbody = 4;
	c.run_label = "Silence";
	c.done = alerts_silence_confirmed;
	c.ctx = ap;
	app_confirm(ap->app, &c);
}

static void alerts_got_duration(void *ctx, const char *value)
{
	struct alerts_panel *ap = ctx;
	double d;

	if (value == NULL) {
		app_message(ap->app, ROLE_WARN, "cancelled: no silence was created");
		return;
	}
	if (util_parse_duration(value, &d) != 0 || d < 60 || d > 90 * 86400.0) {
		app_message(
			ap->app, ROLE_ERROR,
			"duration: expected 1m to 90d (e.g. 30m, 1h, 2d): no silence was created");
		return;
	}
	ap->duration = d;
	app_prompt(ap->app, "Comment (required): why, ticket", "", 0, alerts_got_comment, ap);
}

static void alerts_got_matchers(void *ctx, const char *value)
{
	struct alerts_panel *ap = ctx;
	struct prom_matcher *m = NULL;
	char err[200];
	int n;

	if (value == NULL) {
		app_message(ap->app, ROLE_WARN, "cancelled: no silence was created");
		return;
	}
	n = prom_matchers_parse(value, &m, err, sizeof err);
	if (n < 0) {
		app_message(ap->app, ROLE_ERROR, "matchers: %s: no silence was created", err);
		return;
	}
	prom_matchers_free(m, (size_t)n);
	free(ap->matchers);
	ap->matchers = xstrdup(value);
	app_prompt(ap->app, "Duration (e.g. 30m, 1h, 1d)", "1h", 0, alerts_got_duration, ap);
}

static void alerts_expire_confirmed(void *ctx, int confirmed)
{
	struct alerts_panel *ap = ctx;

	if (!confirmed) {
		alerts_audit(ap, "cancelled", "expire silence", ap->pending_cmd, ap->expire_id,
			     "cancelled", "not confirmed");
		app_message(ap->app, ROLE_WARN, "cancelled: the silence stays");
		return;
	}
	alerts_audit(ap, "run", "expire silence", ap->pending_cmd, ap->expire_id, NULL, NULL);
	ap->pending = PROM_REQ_EXPIRE;
	ap->sent++;
	runner_send(ap->al.r, PROM_REQ_EXPIRE, prom_req_new(NULL, ap->expire_id), prom_req_free);
	app_message(ap->app, ROLE_RUNNING, "expiring the silence ...");
}

static void alerts_expire(struct alerts_panel *ap)
{
	const struct table_row *row = table_selected(&ap->sil);
	const struct prom_snap *s = ap->al.snap;
	const struct prom_silence *x = NULL;
	char l0[300], l1[600], l2[300];
	const char *body[3];
	struct app_confirm c = { 0 };
	size_t i;

	if (row == NULL || s == NULL) {
		app_message(ap->app, ROLE_NORMAL, "no silence selected");
		return;
	}
	for (i = 0; i < s->nsilences; i++)
		if (strcmp(s->silences[i].id, row->id) == 0)
			x = &s->silences[i];
	if (x == NULL)
		return;
	if (app_read_only(ap->app)) {
		alerts_refuse(ap, "expire silence", x->id);
		return;
	}
	if (strcmp(x->state, "expired") == 0) {
		app_message(ap->app, ROLE_NORMAL, "that silence has already expired");
		return;
	}
	free(ap->expire_id);
	ap->expire_id = xstrdup(x->id);
	snprintf(ap->pending_cmd, sizeof ap->pending_cmd, "expire silence %s (%s)", x->id,
		 x->matchers);
	snprintf(l0, sizeof l0, "Silence %s (by %s)", x->id, x->created_by);
	snprintf(l1, sizeof l1, "Matchers: %s", x->matchers);
	snprintf(l2, sizeof l2, "It silences %zu alert(s) now; they notify again.",
		 prom_silence_matches(x, s));
	body[0] = l0;
	body[1] = l1;
	body[2] = l2;
	c.title = "Expire silence";
	c.body = body;
	c.nbody = 3;
	c.run_label = "Expire";
	c.done = alerts_expire_confirmed;
	c.ctx = ap;
	app_confirm(ap->app, &c);
}

/* The alert in view: the one whose details are open, or the one
 * selected in the list; NULL in the other views. */
static const struct prom_alert *alerts_current(struct alerts_panel *ap)
{
	const struct table_row *row;

	if (ap->mode == ALERTS_DETAILS)
		return alerts_find(ap, ap->detail_fp);
	if (ap->mode == ALERTS_LIST && (row = table_selected(&ap->list)) != NULL)
		return alerts_find(ap, row->id);
	return NULL;
}

/* s: ask for the matchers of a silence of a, pre-filled from its labels
 * (the duration, the comment and the confirmation follow). */
static void alerts_silence(struct alerts_panel *ap, const struct prom_alert *a)
{
	const struct prom_snap *s = ap->al.snap;
	char *m;

	if (a == NULL) {
		app_message(ap->app, ROLE_NORMAL, "select an alert to silence");
		return;
	}
	if (app_read_only(ap->app)) {
		alerts_refuse(ap, "create silence", a->name);
		return;
	}
	if (s->from_prometheus) {
		app_message(ap->app, ROLE_WARN,
			    "silences need an Alertmanager: set alertmanager.urls");
		return;
	}
	if (ap->pending) {
		app_message(ap->app, ROLE_WARN, "a silence request is still in flight");
		return;
	}
	m = prom_matchers_for(a);
	app_prompt(ap->app, "Silence matchers (name=\"value\", =~ for regex)", m, 0,
		   alerts_got_matchers, ap);
	free(m);
}

static int alerts_action(void *self, int action)
{
	struct alerts_panel *ap = self;
	const struct table_row *row;
	const struct prom_alert *a;

	switch (action) {
	case ALERTS_REFRESH:
		if (ap->al.r != NULL)
			runner_refresh(ap->al.r);
		if (ap->he.r != NULL)
			runner_refresh(ap->he.r);
		app_message(ap->app, ROLE_NORMAL, "refreshing alerts and health");
		return 1;
	case ALERTS_HEALTH:
		ap->mode = ap->mode == ALERTS_HEALTH_LIST ? ALERTS_LIST : ALERTS_HEALTH_LIST;
		return 1;
	case ALERTS_BACK:
		ap->mode = ALERTS_LIST;
		return 1;
	default:
		break;
	}
	if (!ap->configured) {
		app_message(ap->app, ROLE_NORMAL,
			    "not configured: set alertmanager.urls or ALERTMANAGER_URL");
		return 1;
	}
	switch (action) {
	case ALERTS_DETAIL:
		if (ap->mode == ALERTS_DETAILS && (a = alerts_find(ap, ap->detail_fp)) != NULL)
			alerts_open_runbook(ap, a);
		if (ap->mode != ALERTS_LIST)
			return 1;
		row = table_selected(&ap->list);
		if (row == NULL)
			return 1;
		free(ap->detail_fp);
		ap->detail_fp = xstrdup(row->id);
		ap->detail_top = 0;
		ap->mode = ALERTS_DETAILS;
		return 1;
	case ALERTS_RUNBOOK:
		a = alerts_current(ap);
		if (a == NULL)
			app_message(ap->app, ROLE_NORMAL, "select an alert first");
		else
			alerts_open_runbook(ap, a);
		return 1;
	case ALERTS_SUPPRESSED:
		ap->show_suppressed = !ap->show_suppressed;
		alerts_fill_list(ap, util_wall());
		app_message(ap->app, ROLE_NORMAL, "%s silenced and inhibited alerts",
			    ap->show_suppressed ? "showing" : "hiding");
		return 1;
	case ALERTS_SILENCES:
		ap->mode = ALERTS_SILENCE_LIST;
		return 1;
	case ALERTS_SILENCE:
		alerts_silence(ap, alerts_current(ap));
		return 1;
	case ALERTS_EXPIRE:
		if (ap->mode != ALERTS_SILENCE_LIST) {
			app_message(ap->app, ROLE_NORMAL,
				    "S lists the silences; e expires one there");
			return 1;
		}
		if (ap->pending) {
			app_message(ap->app, ROLE_WARN, "a silence request is still in flight");
			return 1;
		}
		alerts_expire(ap);
		return 1;
	}
	return 0;
}

static int alerts_key(void *self, int key)
{
	struct alerts_panel *ap = self;

	switch (ap->mode) {
	case ALERTS_LIST:
		return table_key(&ap->list, key);
	case ALERTS_SILENCE_LIST:
		return table_key(&ap->sil, key);
	case ALERTS_HEALTH_LIST:
		return table_key(&ap->health, key);
	case ALERTS_DETAILS:
		if ((key == KEY_DOWN || key == 'j') && ap->detail_top < 1000)
			ap->detail_top++;
		else if ((key == KEY_UP || key == 'k') && ap->detail_top > 0)
			ap->detail_top--;
		else
			return 0;
		return 1;
	}
	return 0;
}

static int alerts_click(void *self, int y, int x)
{
	struct alerts_panel *ap = self;

	switch (ap->mode) {
	case ALERTS_LIST:
		return table_click(&ap->list, y - 2);
	case ALERTS_SILENCE_LIST:
		return table_click(&ap->sil, y - 3);
	case ALERTS_HEALTH_LIST:
		return table_click(&ap->health, y - 3);
	default:
		return 0;
	}
}

static void alerts_filter(void *self, const char *text)
{
	struct alerts_panel *ap = self;

	table_set_filter(&ap->list, text);
	table_set_filter(&ap->sil, text);
	table_set_filter(&ap->health, text);
}

static int alerts_busy(void *self)
{
	(void)self;
	return 0;
}

static int alerts_configured(void *self)
{
	struct alerts_panel *ap = self;

	return ap->configured;
}

/* dst = the strings of parts (up to a NULL) one after another, cut at
 * n - 1 bytes as snprintf cuts: a finding's fields, 10,000 times a
 * gather, without a printf each. */
static void alerts_cat(char *dst, size_t n, const char *const *parts)
{
	size_t len = 0;

	for (; *parts != NULL && len + 1 < n; parts++) {
		size_t k = strlen(*parts);

		if (k > n - 1 - len)
			k = n - 1 - len;
		memcpy(dst + len, *parts, k);
		len += k;
	}
	dst[len] = '\0';
}

/* Each firing alert no silence or inhibition hides, and each health
 * check that is down (red) or slow (amber). */
static void alerts_findings(void *self, struct finding_list *out)
{
	struct alerts_panel *ap = self;
	const struct prom_snap *s = ap->al.snap, *h = ap->he.snap;
	size_t i;

	for (i = 0; s != NULL && i < s->nalerts; i++) {
		const struct prom_alert *a = &s->alerts[i];
		const char *on, *pod, *ns;
		struct finding *f;

		if (a->silenced_by != NULL || a->inhibited_by != NULL ||
		    strcmp(a->state, "firing") != 0)
			continue;
		on = prom_label(a, "service");
		pod = prom_label(a, "pod");
		ns = prom_label(a, "namespace");
		if (on == NULL)
			on = pod;
		if (on == NULL)
			on = prom_label(a, "instance");
		f = finding_add(out,
				strcasecmp(a->severity, "critical") == 0 ||
						strcasecmp(a->severity, "page") == 0
					? FINDING_CRITICAL
					: FINDING_WARNING,
				"alert-firing", "Alerts", "alerts");
		alerts_cat(f->object, sizeof f->object,
			   (const char *[]){ a->name, on ? " " : "", on ? on : "", NULL });
		alerts_cat(f->what, sizeof f->what,
			   (const char *[]){ a->severity[0] ? a->severity : "firing",
					     a->summary[0] ? ": " : "", a->summary, NULL });
		f->since = a->starts_at;
		alerts_cat(f->row_id, sizeof f->row_id, (const char *[]){ a->fingerprint, NULL });
		finding_var(f, "alertname", a->name);
		if (pod != NULL)
			finding_var(f, "pod-name", pod);
		if (ns != NULL)
			finding_var(f, "namespace", ns);
	}
	for (i = 0; h != NULL && i < h->nchecks; i++) {
		const struct prom_check *k = &h->checks[i];
		struct finding *f;

		if (k->level < 1)
			continue;
		f = finding_add(out, k->level >= 2 ? FINDING_CRITICAL : FINDING_WARNING,
				k->level >= 2 ? "health-down" : "health-slow", "Health", "alerts");
		snprintf(f->object, sizeof f->object, "%s", k->name);
		snprintf(f->what, sizeof f->what, "%s%s%s", k->level >= 2 ? "down" : "slow",
			 k->detail[0] ? ": " : "", k->detail);
		snprintf(f->row_id, sizeof f->row_id, "health:%s", k->name);
	}
}

/* An alert by fingerprint, or "health:NAME" for a health check. */
static int alerts_open(void *self, const char *what, const char *vars)
{
	struct alerts_panel *ap = self;
	int health = strncmp(what, "health:", 7) == 0;
	struct table *t = health ? &ap->health : &ap->list;
	const char *id = health ? what + 7 : what;
	int cleared, found;

	ap->mode = health ? ALERTS_HEALTH_LIST : ALERTS_LIST;
	found = table_reveal_id(t, id, &cleared);
	if (cleared)
		app_show_filter(ap->app, "");
	return found ? 0 : -1;
}

/* The grid's share: the health strip and status lines, the table's header
 * and its alerts (or the line saying there are none); details, silences
 * and the health list take what they can get. */
static void alerts_want(void *self, struct panel_want *w)
{
	const struct alerts_panel *ap = self;
	size_t n = ap->al.snap != NULL ? ap->list.nvisible : 0;

	w->rows = ap->mode != ALERTS_LIST ? -1 : 3 + (n > 0 ? (int)n : 1);
}

const struct panel_ops alerts_panel = {
	.name = "alerts",
	.title = "Alerts",
	.keys = alerts_keys,
	.create = alerts_create,
	.destroy = alerts_destroy,
	.update = alerts_update,
	.draw = alerts_draw,
	.action = alerts_action,
	.key = alerts_key,
	.click = alerts_click,
	.filter = alerts_filter,
	.busy = alerts_busy,
	.configured = alerts_configured,
	.findings = alerts_findings,
	.open = alerts_open,
	.want = alerts_want,
};
