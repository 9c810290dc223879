/*
 * draw.c - the frame the shell draws around the panels: the top line
 * (environment, read-only badge, incident timer, findings count, filter),
 * the tab bar, each panel in its box, the message or input line and the
 * key bar; dialogs over it (dialogs.c). One doupdate() per call, through
 * screen_finish().
 */
#include "app/app_int.h"

#include <stdio.h>
#include <string.h>

#include "lib/colour.h"
#include "lib/util.h"

const struct keymap_entry *app_panel_keys(struct app *a, int i)
{
	const struct app_panel *p = &a->panels[i];
	const struct keymap_entry *k = NULL;

	if (p->ops->mode_keys != NULL)
		k = p->ops->mode_keys(p->self);
	return k != NULL ? k : p->ops->keys;
}

/* The findings by severity, in the theme's colours, so even the tab bar
 * (below the grid size) tells at a glance; :triage lists them. */
static int app_draw_findings_count(struct app *a, const struct view *v, int x)
{
	size_t count[FINDING_NSEV] = { 0 }, i;
	char buf[64];
	int x0 = x;

	for (i = 0; i < a->findings.n; i++)
		count[a->findings.v[i].sev]++;
	if (a->findings.n == 0)
		return draw_label(v, 0, x, ROLE_OK, " no findings ");
	x += draw_label(v, 0, x, ROLE_STATUS, " triage:");
	if (count[FINDING_CRITICAL] > 0) {
		snprintf(buf, sizeof buf, " %zu critical ", count[FINDING_CRITICAL]);
		x += draw_label(v, 0, x, ROLE_ERROR, buf);
	}
	if (count[FINDING_WARNING] > 0) {
		snprintf(buf, sizeof buf, " %zu warning ", count[FINDING_WARNING]);
		x += draw_label(v, 0, x, ROLE_WARN, buf);
	}
	return x - x0;
}

/* The environment's name in its colour (config "environment", for the
 * context the Pods panel shows): production never looks like staging. */
static int app_draw_environment(struct app *a, const struct view *v, int x)
{
	const struct config_env *env = config_environment(
		a->config, a->kube_ctx != NULL ? a->kube_ctx : a->config->kube_context);
	struct theme_style *st = &a->theme.style[ROLE_ENVIRONMENT];
	char buf[96];
	short bg;

	if (env == NULL)
		return 0;
	if (env->color != NULL && colour_parse(env->color, &bg) == 0 && st->bg != bg) {
		/* Light backgrounds get black text, the rest white. */
		st->fg = bg == 2 || bg == 3 || bg == 6 || bg == 7 || bg >= 10 ? 0 : 15;
		st->bg = bg;
		st->attrs = THEME_BOLD;
		screen_set_theme(&a->theme);
	}
	snprintf(buf, sizeof buf, " %s ", env->name);
	return draw_label(v, 0, x, ROLE_ENVIRONMENT, buf) + 1;
}

static void app_draw_top(struct app *a, int cols)
{
	struct view v = { 0, 0, 1, cols };
	char buf[160];
	int x;

	draw_fill(&v, 0, ROLE_STATUS);
	x = draw_label(&v, 0, 0, ROLE_STATUS, " amconsole ");
	x += app_draw_environment(a, &v, x);
	if (a->read_only)
		x += draw_label(&v, 0, x, ROLE_READONLY, " READ-ONLY ") + 1;
	x += app_warroom_top(a, &v, x);
	if (a->severity >= 0) {
		double el;
		long s;
		char target[32];
		int over;

		app_severity(a, NULL, &el);
		s = el < 0 ? 0 : (long)el;
		over = el > app_sev[a->severity].target;

		util_fmt_duration(target, sizeof target, app_sev[a->severity].target);
		snprintf(buf, sizeof buf, " %s %s  %02ld:%02ld:%02ld / %s%s ",
			 app_sev[a->severity].name, app_sev[a->severity].label, s / 3600,
			 (s / 60) % 60, s % 60, target, over ? "  RESPONSE TARGET PASSED" : "");
		x += draw_label(&v, 0, x, ROLE_SEV_P0 + a->severity, buf) + 1;
	} else {
		x += draw_label(&v, 0, x, ROLE_STATUS, " no incident (! to open) ");
	}
	x += app_draw_findings_count(a, &v, x);
	if (a->panels[a->focus].filter[0] != '\0') {
		snprintf(buf, sizeof buf, " filter: ");
		x += draw_label(&v, 0, x, ROLE_STATUS, buf);
		draw_text(&v, 0, x, ROLE_MATCH, a->panels[a->focus].filter, 30);
	}
}

static void app_draw_tabs(struct app *a, int cols)
{
	struct view v = { 1, 0, 1, cols };
	char buf[80];
	int i, x = 0;

	draw_fill(&v, 0, ROLE_NORMAL);
	for (i = 0; i < a->npanels && x < cols; i++) {
		snprintf(buf, sizeof buf, " %d %s ", i + 1, a->panels[i].ops->title);
		x += draw_label(&v, 0, x, i == a->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE, buf);
		x += draw_label(&v, 0, x, ROLE_DIM, "|");
	}
}

static void app_draw_keybar(struct app *a, int rows, int cols)
{
	struct view v = { rows - 1, 0, 1, cols };
	const struct keymap_entry *tables[2];
	int t, x = 0;

	draw_fill(&v, 0, ROLE_KEY_LABEL);
	tables[0] = app_panel_keys(a, a->focus);
	tables[1] = app_keys;
	for (t = 0; t < 2; t++) {
		const struct keymap_entry *k;

		for (k = tables[t]; k->keyname != NULL && x < cols; k++) {
			if (k->label == NULL)
				continue;
			x += draw_label(&v, 0, x, ROLE_KEY, k->keyname);
			x += draw_label(&v, 0, x, ROLE_KEY_LABEL, k->label);
			x += draw_label(&v, 0, x, ROLE_KEY_LABEL, " ");
		}
	}
}

/* Returns the cursor column when an input line is open, else -1. */
static int app_draw_message(struct app *a, int rows, int cols)
{
	struct view v = { rows - 2, 0, 1, cols };

	draw_fill(&v, 0, ROLE_NORMAL);
	switch (a->input) {
	case INPUT_FILTER:
		return prompt_draw(&a->line, &v, 0, ROLE_NORMAL, "/");
	case INPUT_COMMAND: {
		int curx = prompt_draw(&a->line, &v, 0, ROLE_NORMAL, ":");

		/* What Tab found, after the line. */
		if (a->msg[0] != '\0' && curx + 3 < cols)
			draw_text(&v, 0, curx + 3, a->msg_role, a->msg, -1);
		return curx;
	}
	case INPUT_PROMPT:
		return prompt_draw(&a->line, &v, 0, ROLE_NORMAL, a->prompt_label);
	case INPUT_NONE:
		break;
	}
	draw_text(&v, 0, 0, a->msg_role, a->msg, -1);
	return -1;
}

/* Draw the top line, tab bar and panels by the current layout. */
static void app_draw_panels(struct app *a, int cols)
{
	int i;

	app_layout(a);
	app_draw_top(a, cols);
	if (a->panels[a->focus].view.y == 2)
		app_draw_tabs(a, cols);
	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct view inner;
		char title[96];
		int focused = i == a->focus;

		if (p->view.h <= 2)
			continue;
		snprintf(title, sizeof title, "%d %s", i + 1, p->ops->title);
		draw_box(&p->view, focused ? ROLE_BORDER_FOCUS : ROLE_BORDER, title,
			 focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
		inner = view_inner(&p->view);
		p->ops->draw(p->self, &inner, focused && a->dialog == DIALOG_NONE);
	}
}

void app_draw(struct app *a)
{
	int rows, cols, curx = -1, cury = -1;

	screen_size(&rows, &cols);
	screen_begin();
	if (cols < APP_MIN_COLS || rows < APP_MIN_ROWS) {
		struct view v = { 0, 0, rows, cols };
		char buf[64];

		snprintf(buf, sizeof buf, "terminal too small: %dx%d (need %dx%d)", cols, rows,
			 APP_MIN_COLS, APP_MIN_ROWS);
		draw_label(&v, rows / 2, 0, ROLE_WARN, buf);
		if (rows / 2 + 1 < rows)
			draw_label(&v, rows / 2 + 1, 0, ROLE_DIM, "resize, or q to quit");
		screen_finish(-1, -1);
		return;
	}
	app_wants(a);
	app_draw_panels(a, cols);
	/* A panel that fills its rows while drawing may want another size
	 * now: lay out again before anything reaches the terminal. */
	if (app_wants(a)) {
		screen_begin();
		app_draw_panels(a, cols);
	}
	curx = app_draw_message(a, rows, cols);
	if (curx >= 0)
		cury = rows - 2;
	app_draw_keybar(a, rows, cols);
	app_draw_dialog(a, rows, cols, &cury, &curx);
	screen_finish(cury, curx);
}
