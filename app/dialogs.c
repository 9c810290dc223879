/*
 * dialogs.c - what the shell puts over the panels: the confirmation
 * (Cancel by default; a typed name for the dangerous ones; never answered
 * by a paste or a burst of keys), the one-line prompt, the incident
 * severity picker and the help screen; how each is drawn and how it
 * takes keys.
 */
#include "app/app_int.h"

#include <curses.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lib/ident.h"
#include "lib/util.h"

/* The column of the commands' help in the help screen. */
#define APP_HELP_CMD_COL 24

void app_confirm_reset(struct app *a)
{
	size_t i;

	for (i = 0; a->confirm_body != NULL && i < a->confirm.nbody; i++)
		free(a->confirm_body[i]);
	free(a->confirm_body);
	free(a->confirm_title);
	free(a->confirm_type);
	free(a->confirm_label);
	a->confirm_body = NULL;
	a->confirm_title = a->confirm_type = a->confirm_label = NULL;
	memset(&a->confirm, 0, sizeof a->confirm);
}

void app_confirm(struct app *a, const struct app_confirm *req)
{
	size_t i;

	app_confirm_reset(a);
	a->confirm = *req;
	a->confirm_body = xcalloc(req->nbody + 1, sizeof *a->confirm_body);
	for (i = 0; i < req->nbody; i++)
		a->confirm_body[i] = xstrdup(req->body[i]);
	a->confirm_title = xstrdup(req->title ? req->title : "Confirm");
	a->confirm_type = req->type ? xstrdup(req->type) : NULL;
	if (req->type != NULL && !ident_is_plain(req->type)) {
		/* A lookalike ("prоd" with a Cyrillic "о") cannot be typed
		 * from what the screen shows: the operator types the
		 * spelling with the character spelled out, which proves
		 * they saw it. */
		free(a->confirm_type);
		a->confirm_type = ident_escape(req->type);
		a->confirm_body[a->confirm.nbody++] =
			xstrdup("Not ASCII: spelled out as \\uXXXX. Type it as shown, escapes "
				"included.");
	}
	a->confirm_label = xstrdup(req->run_label ? req->run_label : "Run");
	a->confirm.title = a->confirm_title;
	a->confirm.type = a->confirm_type;
	a->confirm.run_label = a->confirm_label;
	a->confirm_button = 0;
	prompt_set(&a->line, "");
	a->line.secret = 0;
	a->dialog = DIALOG_CONFIRM;
	a->dirty = 1;
}

static void app_confirm_finish(struct app *a, int ok)
{
	void (*done)(void *, int) = a->confirm.done;
	void *ctx = a->confirm.ctx;

	a->dialog = DIALOG_NONE;
	prompt_set(&a->line, "");
	a->dirty = 1;
	if (done != NULL)
		done(ctx, ok);
}

void app_prompt(struct app *a, const char *label, const char *initial, int secret,
		void (*done)(void *ctx, const char *value), void *ctx)
{
	a->input = INPUT_PROMPT;
	snprintf(a->prompt_label, sizeof a->prompt_label, "%s", label);
	prompt_set(&a->line, initial);
	a->line.secret = secret;
	a->prompt_done = done;
	a->prompt_ctx = ctx;
	a->dirty = 1;
}

void app_pick(struct app *a, const char *title, const char *const *items, size_t n,
	      const char *current, void (*done)(void *ctx, const char *chosen), void *ctx)
{
	pick_open(&a->pick, title, items, n, current);
	a->pick_done = done;
	a->pick_ctx = ctx;
	a->dialog = DIALOG_PICK;
	a->dirty = 1;
}

/* Close the pick list and answer its asker with chosen (NULL: cancelled);
 * the asker may open another dialog from its answer. */
static void app_pick_finish(struct app *a, const char *chosen)
{
	void (*done)(void *, const char *) = a->pick_done;
	void *ctx = a->pick_ctx;
	char *copy = chosen != NULL ? xstrdup(chosen) : NULL;

	a->dialog = DIALOG_NONE;
	a->pick_done = NULL;
	pick_free(&a->pick);
	a->dirty = 1;
	if (done != NULL)
		done(ctx, copy);
	free(copy);
}

static void app_key_pick(struct app *a, int key)
{
	switch (pick_key(&a->pick, key)) {
	case PICK_CHOSEN:
		app_pick_finish(a, pick_chosen(&a->pick));
		break;
	case PICK_CANCELLED:
		app_pick_finish(a, NULL);
		break;
	case PICK_NONE:
		if ((key == '\r' || key == '\n' || key == KEY_ENTER) &&
		    pick_chosen(&a->pick) == NULL)
			app_message(a, ROLE_WARN,
				    "nothing matches \"%.60s\": Backspace, C-u or Esc",
				    a->pick.filter.buf);
		break;
	}
}

void app_show_filter(struct app *a, const char *text)
{
	struct app_panel *p = &a->panels[a->focus];

	snprintf(p->filter, sizeof p->filter, "%s", text != NULL ? text : "");
	a->dirty = 1;
}

static struct view app_centered(int rows, int cols, int h, int w)
{
	struct view v;

	if (w > cols - 2)
		w = cols - 2;
	if (h > rows - 2)
		h = rows - 2;
	v.h = h;
	v.w = w;
	v.y = (rows - h) / 2;
	v.x = (cols - w) / 2;
	return v;
}

static int app_draw_confirm(struct app *a, int rows, int cols)
{
	const struct app_confirm *c = &a->confirm;
	int h = (int)c->nbody + (c->type != NULL ? 7 : 5);
	struct view box = app_centered(rows, cols, h, 100);
	struct view in = view_inner(&box);
	enum role role = c->danger ? ROLE_DESTRUCTIVE : ROLE_CHANGING;
	int y = 0, curx = -1;
	size_t i;
	char buf[160];

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, role, c->title, role);
	for (i = 0; i < c->nbody && y < in.h - 2; i++, y++)
		draw_text(&in, y, 1, ROLE_DIALOG, a->confirm_body[i], in.w - 2);
	y++;
	if (c->type != NULL) {
		int x = draw_label(&in, y, 1, ROLE_DIALOG, "Type ");

		x += draw_ident(&in, y, 1 + x, ROLE_MATCH, c->type, in.w / 2);
		draw_label(&in, y, 1 + x, ROLE_DIALOG, " to confirm, Esc to cancel:");
		y++;
		{
			struct view line = { in.y + y, in.x + 1, 1, in.w - 2 };

			draw_fill(&line, 0, ROLE_INPUT);
			curx = prompt_draw(&a->line, &line, 0, ROLE_INPUT, "> ");
		}
		y++;
		snprintf(buf, sizeof buf, "Enter runs only when the text matches exactly.");
		draw_label(&in, y, 1, ROLE_DIM, buf);
		a->line.secret = 0;
		return curx;
	}
	snprintf(buf, sizeof buf, " Cancel ");
	draw_label(&in, y, 2, a->confirm_button == 0 ? ROLE_SELECTED : ROLE_DIALOG, buf);
	snprintf(buf, sizeof buf, " %s ", c->run_label);
	draw_label(&in, y, 12, a->confirm_button == 1 ? ROLE_SELECTED : ROLE_DIALOG, buf);
	draw_label(&in, y, 14 + (int)strlen(buf), ROLE_DIM, "Tab/Left/Right choose, Enter, Esc");
	return -1;
}

static void app_draw_severity(struct app *a, int rows, int cols)
{
	struct view box = app_centered(rows, cols, 10, 56);
	struct view in = view_inner(&box);
	char buf[96], target[32];
	int i;

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, "Incident severity", ROLE_TITLE_FOCUS);
	for (i = 0; i < 4; i++) {
		util_fmt_duration(target, sizeof target, app_sev[i].target);
		snprintf(buf, sizeof buf, " %d  %s %-9s response within %s", i, app_sev[i].name,
			 app_sev[i].label, target);
		draw_label(&in, i, 1, a->severity == i ? ROLE_SELECTED : ROLE_SEV_P0 + i, buf);
	}
	draw_label(&in, 5, 1, ROLE_DIALOG, " c  close the incident");
	draw_label(&in, 6, 1, ROLE_DIM, " Esc  leave unchanged");
}

/* One line of the help at y, left out when scrolled off the box. */
static void app_help_line(const struct view *in, int y, int x, enum role role, const char *text)
{
	if (y >= 0 && y < in->h)
		draw_label(in, y, x, role, text);
}

/* The Commands section from the command table, the panels' names first;
 * returns the next free line. */
static int app_help_commands(struct app *a, const struct view *in, int y)
{
	const struct app_cmd *c;
	char syn[64], buf[256];
	int i, n = 0;

	app_help_line(in, y++, 1, ROLE_HEADER, "Commands (: then Enter)");
	n = snprintf(buf, sizeof buf, "focus the panel of that name:");
	for (i = 0; i < a->npanels && n > 0 && (size_t)n < sizeof buf; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, " %s", a->panels[i].ops->name);
	app_help_line(in, y, 2, ROLE_KEY, ":NAME");
	app_help_line(in, y++, APP_HELP_CMD_COL, ROLE_DIALOG, buf);
	for (c = app_cmds; c->name != NULL; c++, y++) {
		app_cmd_synopsis(c, syn, sizeof syn);
		snprintf(buf, sizeof buf, "%s%s%s%s", c->help, c->alias != NULL ? " (also :" : "",
			 c->alias != NULL ? c->alias : "", c->alias != NULL ? ")" : "");
		app_help_line(in, y, 2, ROLE_KEY, syn);
		app_help_line(in, y, APP_HELP_CMD_COL, ROLE_DIALOG, buf);
	}
	return y + 1;
}

/* The help below the commands, a line each: a heading at column 1,
 * its lines at column 2; NULL text leaves a line blank. */
static const struct app_help_text {
	int col;
	enum role role;
	const char *text;
} app_help_tail[] = {
	{ 1, ROLE_HEADER, "Pick lists (:ctx, :ns, :theme alone; instances)" },
	{ 2, ROLE_DIALOG,
	  "j/k, arrows, PgUp/PgDn, g/G move; / or typing filters; Enter picks; Esc "
	  "cancels; * marks the one in use" },
	{ 2, ROLE_DIALOG, "Tab on the : line completes :ctx, :ns and :theme arguments" },
	{ 0, ROLE_DIALOG, NULL },
	{ 1, ROLE_HEADER,
	  "Runbook annotations (<!-- amconsole: ... --> before a block, or a "
	  "# amconsole: line in a step)" },
	{ 2, ROLE_DIALOG,
	  "read-only, changing, destructive, target=NAME, confirm, interactive, "
	  "timeout=30s; alerts=, findings= under a heading" },
	{ 2, ROLE_DIALOG,
	  "expect exit=0 | rows=0 | value<0.05 | output!~/Error/: the status says "
	  "ok or expect failed, and why" },
	{ 2, ROLE_DIALOG,
	  "capture NAME=column:COL [where COL!=V] or NAME=/re/: a later <name> "
	  "offers the values first" },
	{ 2, ROLE_DIALOG,
	  "next-on-ok=\"Title\", next-on-fail=\"Title\": where the selection goes "
	  "after the step; A runs them all" },
	{ 0, ROLE_DIALOG, NULL },
	{ 1, ROLE_HEADER, "War room (--follow) and replay (--replay)" },
	{ 2, ROLE_DIALOG,
	  "following: f looks around / follows again, n sends a note, H takes "
	  "control when offered; runs nothing" },
	{ 2, ROLE_DIALOG,
	  "replay: space pauses/plays, Left/Right step, +/- speed, g/G start/end, "
	  "f looks around; runs nothing" },
	{ 0, ROLE_DIALOG, NULL },
	{ 1, ROLE_DIALOG,
	  "A paste is text: it goes to the filter or the field being typed; it "
	  "never acts as keys or confirms." },
	{ 1, ROLE_DIM, "See also: man amconsole" },
};

/* The help: the focused panel's keys, the global keys, the commands. */
static void app_draw_help(struct app *a, int rows, int cols)
{
	struct view box = app_centered(rows, cols, rows - 2, 108);
	struct view in = view_inner(&box);
	const struct keymap_entry *tables[2] = { app_panel_keys(a, a->focus), app_keys };
	const char *heads[2] = { a->panels[a->focus].ops->title, "Everywhere" };
	int t, y = -a->help_top;
	size_t i;

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, "Help - q/Esc/? closes, j/k scroll", ROLE_TITLE_FOCUS);
	for (t = 0; t < 2; t++) {
		const struct keymap_entry *k;

		app_help_line(&in, y++, 1, ROLE_HEADER, heads[t]);
		for (k = tables[t]; k->keyname != NULL; k++, y++) {
			app_help_line(&in, y, 2, ROLE_KEY, k->keyname);
			app_help_line(&in, y, 14, ROLE_DIALOG, k->help);
		}
		y++;
	}
	y = app_help_commands(a, &in, y);
	for (i = 0; i < sizeof app_help_tail / sizeof app_help_tail[0]; i++, y++)
		if (app_help_tail[i].text != NULL)
			app_help_line(&in, y, app_help_tail[i].col, app_help_tail[i].role,
				      app_help_tail[i].text);
}

void app_text_free(struct app *a)
{
	strv_free(a->text_lines, a->ntext_lines);
	free(a->text_title);
	a->text_lines = NULL;
	a->ntext_lines = 0;
	a->text_title = NULL;
}

void app_show_text(struct app *a, const char *title, const char *text)
{
	const char *p = text;

	app_text_free(a);
	a->text_title = xstrdup(title);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		a->text_lines = xrealloc(a->text_lines, (a->ntext_lines + 1) * sizeof(char *));
		a->text_lines[a->ntext_lines++] = xstrndup(p, n);
		p += n;
		if (*p == '\n')
			p++;
	}
	a->help_top = 0;
	a->dialog = DIALOG_TEXT;
}

static void app_draw_text(struct app *a, int rows, int cols)
{
	struct view box = app_centered(rows, cols, rows - 2, 120);
	struct view in = view_inner(&box);
	char title[200];
	size_t i;
	int y;

	snprintf(title, sizeof title, "%s - q/Esc closes, j/k scroll", a->text_title);
	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, title, ROLE_TITLE_FOCUS);
	for (i = (size_t)a->help_top, y = 0; i < a->ntext_lines && y < in.h; i++, y++)
		draw_text(&in, y, 1, ROLE_DIALOG, a->text_lines[i], in.w - 2);
}

void app_draw_dialog(struct app *a, int rows, int cols, int *cury, int *curx)
{
	int i, y = -1;

	switch (a->dialog) {
	case DIALOG_CONFIRM:
		i = app_draw_confirm(a, rows, cols);
		if (i >= 0) {
			struct view box = app_centered(rows, cols, (int)a->confirm.nbody + 7, 100);

			*curx = i;
			*cury = box.y + 1 + (int)a->confirm.nbody + 2;
		}
		break;
	case DIALOG_SEVERITY:
		app_draw_severity(a, rows, cols);
		break;
	case DIALOG_HELP:
		app_draw_help(a, rows, cols);
		break;
	case DIALOG_TEXT:
		app_draw_text(a, rows, cols);
		break;
	case DIALOG_PICK:
		i = pick_draw(&a->pick, rows, cols, &y);
		if (i >= 0) {
			*curx = i;
			*cury = y;
		}
		break;
	case DIALOG_NONE:
		break;
	}
}

static void app_quit_confirmed(void *ctx, int ok)
{
	struct app *a = ctx;

	if (ok)
		a->quit = 1;
}

void app_ask_quit(struct app *a)
{
	static const char *const body[] = {
		"A runbook step is still running.",
		"Quitting stops it (SIGTERM to its process group, then SIGKILL).",
	};
	struct app_confirm c = {
		"Quit amconsole?", body, 2, NULL, "Quit", 1, app_quit_confirmed, a
	};

	if (!app_any_busy(a)) {
		a->quit = 1;
		return;
	}
	app_confirm(a, &c);
}

void app_key_dialog(struct app *a, int key)
{
	if (a->dialog == DIALOG_PICK) {
		app_key_pick(a, key);
		return;
	}
	if (a->dialog == DIALOG_TEXT) {
		if ((key == 'j' || key == KEY_DOWN) && (size_t)a->help_top + 1 < a->ntext_lines)
			a->help_top++;
		else if ((key == 'k' || key == KEY_UP) && a->help_top > 0)
			a->help_top--;
		else if (key == 'q' || key == SCREEN_KEY_ESC || key == '\r' || key == '\n') {
			a->dialog = DIALOG_NONE;
			app_text_free(a);
		}
		return;
	}
	if (a->dialog == DIALOG_HELP) {
		if (key == 'j' || key == KEY_DOWN)
			a->help_top++;
		else if ((key == 'k' || key == KEY_UP) && a->help_top > 0)
			a->help_top--;
		else if (key == 'q' || key == SCREEN_KEY_ESC || key == '?' || key == KEY_F(1) ||
			 key == '\r' || key == '\n')
			a->dialog = DIALOG_NONE;
		return;
	}
	if (a->dialog == DIALOG_SEVERITY) {
		if (key >= '0' && key <= '3')
			app_set_severity(a, key - '0');
		else if (key == 'c')
			app_set_severity(a, -1);
		else if (key != SCREEN_KEY_ESC && key != 'q')
			return;
		a->dialog = DIALOG_NONE;
		return;
	}
	/* DIALOG_CONFIRM: the default is Cancel; y and Space do nothing. */
	if (key == SCREEN_KEY_ESC) {
		app_confirm_finish(a, 0);
		return;
	}
	if ((key == '\r' || key == '\n' || key == KEY_ENTER) && a->key_burst) {
		/* G-a: a terminal that does not bracket pastes sends a pasted
		 * "name<newline>" in one burst; only a keypress of its own may
		 * confirm. */
		app_message(a, ROLE_WARN,
			    "Enter came in one burst with other input (a paste?): press Enter "
			    "again to confirm, Esc to cancel");
		return;
	}
	if (a->confirm.type != NULL) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (strcmp(a->line.buf, a->confirm.type) == 0)
				app_confirm_finish(a, 1);
			else
				app_message(a, ROLE_WARN,
					    "the typed text does not match; Esc cancels");
			return;
		}
		prompt_key(&a->line, key);
		return;
	}
	switch (key) {
	case '\t':
	case KEY_LEFT:
	case KEY_RIGHT:
	case SCREEN_KEY_BACKTAB:
	case 'h':
	case 'l':
		a->confirm_button = !a->confirm_button;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		app_confirm_finish(a, a->confirm_button == 1);
		break;
	case 'q':
	case 'n':
		app_confirm_finish(a, 0);
		break;
	}
}
