/*
 * layout.c - where the panels go: a grid at 160x45 and larger (the
 * runbook pane in a column on the left, the others stacked on the right
 * and sharing the rows by what they want, with hysteresis), one panel
 * under a tab bar below that or when zoomed, and the :layout presets.
 */
#include "app/app_int.h"

int app_grid(void)
{
	int rows, cols;

	screen_size(&rows, &cols);
	return cols >= APP_GRID_COLS && rows >= APP_GRID_ROWS;
}

#define APP_IDLE_ROWS 3 /* an unconfigured panel's cell in the grid */
#define APP_MIN_CELL 4  /* a live panel's least: the border and two lines */
#define APP_RB_MIN 34   /* the runbook column's least width: symptom titles */

static int app_panel_configured(const struct app *a, int i)
{
	const struct app_panel *p = &a->panels[i];

	return p->ops->configured == NULL || p->ops->configured(p->self);
}

/* Hysteresis for a wanted size: grow at once (with an eighth to spare),
 * shrink only when the want falls well below what is held, so a count
 * that wobbles by a row or two never moves a cell. -1 (unbounded) and 0
 * (no preference) pass through. */
static int app_steady(int held, int want)
{
	if (want <= 0)
		return want;
	if (held <= 0 || want > held || want + want / 4 + 3 < held)
		return want + want / 8;
	return held;
}

/* Ask every panel what it wants and update the steady sizes the layout
 * is computed from. 1 if any of them changed (the layout moves). */
int app_wants(struct app *a)
{
	int i, changed = 0;

	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct panel_want w = { -1, 0 };
		int rows, cols;

		if (p->ops->want != NULL)
			p->ops->want(p->self, &w);
		rows = app_steady(p->want_rows, w.rows);
		cols = w.cols; /* moves with the operator (a symptom opened), not data */
		changed |= rows != p->want_rows || cols != p->want_cols;
		p->want_rows = rows;
		p->want_cols = cols;
	}
	return changed;
}

/* Share room lines among n cells that need need[i] lines each (-1: as
 * many as they can get): each gets APP_MIN_CELL, then equal shares go to
 * the cells still short of their need; once every need is met the rest
 * goes to the cell that needs most (the longest table), so a small panel
 * such as Sources keeps just its rows. Too little
 * room for the minimum: equal cells, the last takes the remainder. */
static void app_share(int room, int n, const int *need, int *out)
{
	int i, left = room, open, big = 0;

	if (n <= 0)
		return;
	if (room < n * APP_MIN_CELL) {
		for (i = 0; i < n; i++)
			out[i] = room / n;
		out[n - 1] += room - n * (room / n);
		return;
	}
	for (i = 0; i < n; i++) {
		out[i] = APP_MIN_CELL;
		left -= APP_MIN_CELL;
	}
	for (;;) {
		int share;

		for (i = 0, open = 0; i < n; i++)
			open += need[i] < 0 || out[i] < need[i];
		if (open == 0 || left == 0)
			break;
		share = left / open;
		for (i = 0; i < n && left > 0; i++) {
			int give = share > 0 ? share : 1;

			if (need[i] >= 0 && out[i] >= need[i])
				continue;
			if (need[i] >= 0 && give > need[i] - out[i])
				give = need[i] - out[i];
			out[i] += give;
			left -= give;
		}
	}
	for (i = 0; i < n; i++)
		if (need[i] > need[big])
			big = i;
	out[big] += left;
}

/* Stack panels first..npanels-1 in one column at x, w wide, from top to
 * bottom: unconfigured ones get a one-line cell, the live ones share the
 * rest by need (app_share). */
static void app_stack(struct app *a, int first, int x, int w, int top, int bottom)
{
	int need[APP_MAX_PANELS], got[APP_MAX_PANELS], live[APP_MAX_PANELS];
	int i, n = 0, idle = 0, y = top, k = 0, last = a->npanels - 1;

	for (i = first; i < a->npanels; i++) {
		if (!app_panel_configured(a, i)) {
			idle++;
			continue;
		}
		need[n] = a->panels[i].want_rows < 0 ? -1 : a->panels[i].want_rows + 2;
		live[n++] = i;
	}
	app_share(bottom - top - idle * APP_IDLE_ROWS, n, need, got);
	if (n > 0)
		last = live[n - 1];
	for (i = first; i < a->npanels; i++) {
		int h = k < n && live[k] == i ? got[k++] : APP_IDLE_ROWS;

		if (i == last) /* no live panel: the last one fills the column */
			h = bottom - y;
		a->panels[i].view = (struct view){ y, x, h, w };
		y += h;
	}
}

/* Place panels. Below the grid size, zoomed, or the runbook pane focused
 * under the panels preset: one panel (under a tab bar when not zoomed).
 * Otherwise by the preset: the runbook pane (panel 0) in a column on the
 * left, as wide as it asks within limits (auto) or wide (runbook), or
 * none (panels), with the others stacked on the right; or everything
 * stacked in one column (tall). */
void app_layout(struct app *a)
{
	int rows, cols, top = 1, bottom, i, left;

	screen_size(&rows, &cols);
	bottom = rows - 2; /* message line and key bar */
	for (i = 0; i < a->npanels; i++)
		a->panels[i].view.h = 0;
	if (!app_grid() || a->zoom || a->npanels == 1 ||
	    (a->layout == CONFIG_LAYOUT_PANELS && a->focus == 0)) {
		if (!app_grid() || (a->npanels > 1 && !a->zoom))
			top = 2; /* tab bar */
		if (app_grid() && (a->zoom || a->layout == CONFIG_LAYOUT_PANELS))
			top = 1;
		a->panels[a->focus].view = (struct view){ top, 0, bottom - top, cols };
		return;
	}
	switch (a->layout) {
	case CONFIG_LAYOUT_TALL:
		app_stack(a, 0, 0, cols, top, bottom);
		return;
	case CONFIG_LAYOUT_PANELS:
		app_stack(a, 1, 0, cols, top, bottom);
		return;
	case CONFIG_LAYOUT_RUNBOOK:
		left = cols * 2 / 3;
		break;
	default:
		left = a->panels[0].want_cols > 0 ? a->panels[0].want_cols : cols * 3 / 5;
		if (left > cols * 3 / 5)
			left = cols * 3 / 5;
		if (left < APP_RB_MIN)
			left = APP_RB_MIN;
		break;
	}
	a->panels[0].view = (struct view){ top, 0, bottom - top, left };
	app_stack(a, 1, left, cols - left, top, bottom);
}
