/*
 * triage.c - the Triage panel: one list, across every source, of what is
 * wrong right now (the findings each panel reports, gathered by the
 * shell), ranked by severity then age. Each row names its source, the
 * object, what is wrong, since when, and the runbook entry it leads to:
 * Enter opens that entry with the placeholders the finding knows already
 * filled in, p jumps to the row in its own panel. A finding that clears
 * leaves the list; the shell keeps when it appeared and cleared for the
 * incident transcript.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/host.h"
#include "ui/table.h"

enum triage_action { TRIAGE_OPEN = 1, TRIAGE_JUMP };

static const struct keymap_entry triage_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Runbook",
	  "open the runbook entry the finding leads to, its placeholders filled in", TRIAGE_OPEN },
	{ 'p', 0, "p", "Panel", "jump to the finding's row in its own panel", TRIAGE_JUMP },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

/* OBJECT is the key column; a narrow cell drops SEV (the row's colour
 * says it), SINCE and SOURCE first, then cuts WHAT and RUNBOOK together
 * (RUNBOOK goes before WHAT when both cannot stay). */
static const struct table_column triage_cols[] = {
	{ "SEV", 8, 0, 5, 0 },    { "SOURCE", 10, 0, 3, 0 }, { "OBJECT", 48, 0, 0, 16 },
	{ "WHAT", 60, 0, 2, 24 }, { "SINCE", 6, 1, 4, 0 },   { "RUNBOOK", 28, 0, 2, 14 },
};

#define TRIAGE_NCOLS (sizeof triage_cols / sizeof triage_cols[0])

struct triage_panel {
	struct app *app;
	struct table table;
	unsigned long gen; /* of the findings the rows show */
	long minute;       /* the SINCE column is in whole minutes */
};

static void *triage_create(struct app *app)
{
	struct triage_panel *tp = xcalloc(1, sizeof *tp);

	tp->app = app;
	table_init(&tp->table, triage_cols, TRIAGE_NCOLS);
	tp->table.trouble_word = "critical";
	return tp;
}

static void triage_destroy(void *self)
{
	struct triage_panel *tp = self;

	table_free(&tp->table);
	free(tp);
}

/* SINCE in minutes at most, so the list changes once a minute, not once
 * a second (nothing is written to the terminal while nothing changes). */
static void triage_since(char *buf, size_t n, double since, double now)
{
	if (since <= 0)
		snprintf(buf, n, "-");
	else if (now - since < 60)
		snprintf(buf, n, "<1m");
	else
		k8s_fmt_age(buf, n, (double)((long)(now - since) / 60 * 60));
}

static void triage_fill(struct triage_panel *tp)
{
	size_t n, i;
	const struct finding *f = app_findings(tp->app, &n, &tp->gen);
	double now = util_wall();

	table_clear_rows(&tp->table);
	for (i = 0; i < n; i++) {
		char key[400], since[32];
		const char *cells[TRIAGE_NCOLS] = {
			finding_sev_name(f[i].sev),
			f[i].source,
			f[i].object,
			f[i].what,
			since,
			f[i].runbook[0] ? f[i].runbook : "-",
		};

		finding_key(&f[i], key, sizeof key);
		triage_since(since, sizeof since, f[i].since, now);
		table_add_ranked(&tp->table, key,
				 f[i].sev == FINDING_CRITICAL ? ROLE_ERROR : ROLE_WARN,
				 f[i].sev == FINDING_CRITICAL, cells, f[i].kind);
	}
	table_commit(&tp->table);
}

static int triage_update(void *self)
{
	struct triage_panel *tp = self;
	unsigned long gen;
	size_t n;

	app_findings(tp->app, &n, &gen);
	if (!panel_tick(&tp->minute, 60, gen != tp->gen, n > 0))
		return 0;
	triage_fill(tp);
	return 1;
}

static void triage_draw(void *self, const struct view *v, int focused)
{
	struct triage_panel *tp = self;

	if (tp->table.nrows == 0) {
		draw_label(v, 0, 0, ROLE_OK, "Nothing wrong in what the sources show.");
		draw_label(v, 1, 0, ROLE_DIM,
			   "Findings appear here from every panel: crashing pods, lagging "
			   "groups, database and cache trouble, firing alerts, health checks.");
		return;
	}
	table_draw(&tp->table, v, focused);
}

/* The finding on the selected row (the list may have moved on since it
 * was drawn: look it up by key). */
static const struct finding *triage_selected(struct triage_panel *tp)
{
	const struct table_row *r = table_selected(&tp->table);
	size_t n, i;
	const struct finding *f = app_findings(tp->app, &n, NULL);

	for (i = 0; r != NULL && i < n; i++) {
		char key[400];

		finding_key(&f[i], key, sizeof key);
		if (strcmp(key, r->id) == 0)
			return &f[i];
	}
	return NULL;
}

static int triage_action(void *self, int action)
{
	struct triage_panel *tp = self;
	const struct finding *f = triage_selected(tp);
	char what[200], vars[320], panel[16];

	if (f == NULL) {
		app_message(tp->app, ROLE_NORMAL, "no finding selected");
		return 1;
	}
	/* app_open runs other panels' code, which may gather findings anew:
	 * keep copies. */
	snprintf(vars, sizeof vars, "%s", f->vars);
	if (action == TRIAGE_OPEN) {
		if (f->runbook[0] == '\0') {
			app_message(tp->app, ROLE_WARN,
				    "no runbook entry for %s findings: add findings=%s under a "
				    "heading of your runbook",
				    f->kind, f->kind);
			return 1;
		}
		snprintf(what, sizeof what, "%s", f->runbook);
		app_open(tp->app, "runbook", what, vars);
	} else if (action == TRIAGE_JUMP) {
		snprintf(what, sizeof what, "%s", f->row_id);
		snprintf(panel, sizeof panel, "%s", f->panel);
		app_open(tp->app, panel, what, NULL);
	}
	return 1;
}

static int triage_key(void *self, int key)
{
	struct triage_panel *tp = self;

	return table_key(&tp->table, key);
}

static int triage_click(void *self, int y, int x)
{
	struct triage_panel *tp = self;

	return table_click(&tp->table, y);
}

static void triage_filter(void *self, const char *text)
{
	struct triage_panel *tp = self;

	table_set_filter(&tp->table, text);
}

/* The grid's share: the header and a line per finding (two lines of
 * "nothing wrong" when there is none). */
static void triage_want(void *self, struct panel_want *w)
{
	const struct triage_panel *tp = self;

	w->rows = tp->table.nvisible > 0 ? 1 + (int)tp->table.nvisible : 2;
}

const struct panel_ops triage_panel = {
	.name = "triage",
	.title = "Triage",
	.keys = triage_keys,
	.create = triage_create,
	.destroy = triage_destroy,
	.update = triage_update,
	.draw = triage_draw,
	.action = triage_action,
	.key = triage_key,
	.click = triage_click,
	.filter = triage_filter,
	.want = triage_want,
};
