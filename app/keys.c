/*
 * keys.c - the global key table and key dispatch: a dialog or an input
 * line first, then the focused panel's own table (it may rebind a global
 * letter), then the global keys, then the panel's movement keys; the
 * filter and command lines; bracketed pastes; mouse clicks and the wheel.
 */
#include "app/app_int.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

enum app_action {
	APP_NEXT = 1,
	APP_PREV,
	APP_FOCUS,
	APP_ZOOM,
	APP_HELP,
	APP_FILTER,
	APP_COMMAND,
	APP_SEVERITY,
	APP_REDRAW,
	APP_QUIT,
	APP_NAV,
	APP_NOTE,
	APP_FOLLOW,
	APP_TAKE,
};

const struct keymap_entry app_keys[] = {
	{ '\t', 0, "Tab", NULL, "focus the next panel", APP_NEXT },
	{ SCREEN_KEY_BACKTAB, 0, "S-Tab", NULL, "focus the previous panel", APP_PREV },
	{ '1', 0, "1-9", NULL, "focus panel N (as numbered in the borders and tabs)", APP_FOCUS },
	{ 'z', 0, "z", "Zoom", "zoom the focused panel / back to the grid", APP_ZOOM },
	{ '?', KEY_F(1), "?", "Help", "show this help (F1 too)", APP_HELP },
	{ '/', 0, "/", "Filter", "filter the focused panel as you type; Esc clears", APP_FILTER },
	{ ':', 0, ":", "Cmd",
	  "command line: a panel's name or a command listed below; Tab completes", APP_COMMAND },
	{ '!', 0, "!", "Sev", "open an incident or change its severity (P0-P3)", APP_SEVERITY },
	{ 'n', 0, "n", NULL, "a note for the incident timeline (with your name and the time)",
	  APP_NOTE },
	{ 'f', 0, "f", NULL,
	  "war-room follower: look around on your own / follow the presenter again", APP_FOLLOW },
	{ 'H', 0, "H", NULL,
	  "war-room follower: take control when the presenter offers it (:handover)", APP_TAKE },
	{ 12, 0, "C-l", NULL, "redraw the whole screen", APP_REDRAW },
	{ 'q', KEY_F(10), "q", "Quit", "quit (asks first if a command is still running)",
	  APP_QUIT },
	{ KEY_UP, 'k', "Up k", NULL, "move up", APP_NAV },
	{ KEY_DOWN, 'j', "Down j", NULL, "move down", APP_NAV },
	{ KEY_PPAGE, 2, "PgUp C-b", NULL, "page up", APP_NAV },
	{ KEY_NPAGE, 6, "PgDn C-f", NULL, "page down", APP_NAV },
	{ KEY_HOME, 'g', "Home g", NULL, "first row", APP_NAV },
	{ KEY_END, 'G', "End G", NULL, "last row", APP_NAV },
	{ 0, 0, "mouse", NULL, "click focuses a panel and selects a row; the wheel scrolls", 0 },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static void app_key_input(struct app *a, int key)
{
	struct app_panel *p = &a->panels[a->focus];

	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		enum app_input was = a->input;
		char value[PROMPT_MAX];

		snprintf(value, sizeof value, "%s", a->line.buf);
		a->input = INPUT_NONE;
		a->line.secret = 0;
		prompt_set(&a->line, "");
		if (was == INPUT_COMMAND) {
			app_command(a, value);
		} else if (was == INPUT_PROMPT) {
			a->prompt_done(a->prompt_ctx, value);
			explicit_bzero(value, sizeof value);
		}
		return;
	}
	if (key == SCREEN_KEY_ESC || key == 7 /* C-g */) {
		enum app_input was = a->input;

		a->input = INPUT_NONE;
		a->line.secret = 0;
		prompt_set(&a->line, "");
		if (was == INPUT_FILTER) {
			p->filter[0] = '\0';
			p->ops->filter(p->self, "");
		} else if (was == INPUT_PROMPT) {
			a->prompt_done(a->prompt_ctx, NULL);
		}
		return;
	}
	if (a->input == INPUT_FILTER && (key == KEY_UP || key == KEY_DOWN)) {
		/* Move in the filtered list without leaving the filter. */
		if (p->ops->key != NULL)
			p->ops->key(p->self, key);
		return;
	}
	if (a->input == INPUT_COMMAND)
		a->msg[0] = '\0'; /* the matches the last Tab listed */
	if (a->input == INPUT_COMMAND && key == '\t') {
		app_command_complete(a, &a->line);
		return;
	}
	if (prompt_key(&a->line, key) && a->input == INPUT_FILTER) {
		snprintf(p->filter, sizeof p->filter, "%s", a->line.buf);
		p->ops->filter(p->self, p->filter);
	}
}

/* A bracketed paste is text, never keys (G-a): it fills a typed
 * confirmation or the line being edited without submitting it, goes to
 * the focused panel's filter otherwise, and answers no other dialog. */
static void app_paste(struct app *a)
{
	struct app_panel *p = &a->panels[a->focus];
	size_t n, dropped;
	const int *keys = screen_paste(&n, &dropped);

	if (a->dialog == DIALOG_CONFIRM && a->confirm.type != NULL) {
		prompt_paste(&a->line, keys, n);
		app_message(a, ROLE_WARN,
			    "pasted text never confirms: check it, then press Enter (Esc cancels)");
		return;
	}
	if (a->dialog == DIALOG_PICK) {
		pick_paste(&a->pick, keys, n);
		return;
	}
	if (a->dialog != DIALOG_NONE) {
		app_message(a, ROLE_WARN, "a paste does not answer a dialog: ignored");
		return;
	}
	if (a->input == INPUT_NONE) {
		a->input = INPUT_FILTER;
		prompt_set(&a->line, p->filter);
	}
	if (prompt_paste(&a->line, keys, n) && a->input == INPUT_FILTER) {
		snprintf(p->filter, sizeof p->filter, "%s", a->line.buf);
		p->ops->filter(p->self, p->filter);
	}
	if (dropped > 0)
		app_message(a, ROLE_WARN, "paste cut: %zu characters dropped", dropped);
}

static const struct keymap_entry *app_lookup(const struct keymap_entry *t, int key)
{
	for (; t->keyname != NULL; t++)
		if (key != 0 && (t->key == key || t->alt == key))
			return t;
	return NULL;
}

static void app_click(struct app *a, int key)
{
	int y, x, i;

	screen_mouse(&y, &x);
	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct view in;

		if (p->view.h <= 0 || y < p->view.y || y >= p->view.y + p->view.h ||
		    x < p->view.x || x >= p->view.x + p->view.w)
			continue;
		if (key == SCREEN_KEY_MOUSE_CLICK) {
			app_set_focus(a, i);
			in = view_inner(&p->view);
			if (p->ops->click != NULL)
				p->ops->click(p->self, y - in.y, x - in.x);
		} else if (p->ops->key != NULL) {
			p->ops->key(p->self, key);
		}
		a->dirty = 1;
		return;
	}
	/* A click on the tab bar focuses that tab. */
	if (key == SCREEN_KEY_MOUSE_CLICK && y == 1 && !app_grid()) {
		int tx = 0;

		for (i = 0; i < a->npanels; i++) {
			int w = (int)strlen(a->panels[i].ops->title) + 5;

			if (x >= tx && x < tx + w) {
				app_set_focus(a, i);
				return;
			}
			tx += w;
		}
	}
}

static void app_got_note(void *ctx, const char *value)
{
	struct app *a = ctx;

	if (value == NULL || value[0] == '\0')
		return;
	if (app_following(a) != NULL)
		app_warroom_note(a, value); /* the presenter keeps the timeline */
	else
		app_timeline_note(a, value);
}

void app_key(struct app *a, int key)
{
	struct app_panel *p = &a->panels[a->focus];
	const struct keymap_entry *k;
	int rows, cols;

	int was_dirty = a->dirty;

	/* curses queues KEY_RESIZE after resizeterm(); the SIGWINCH path
	 * already redraws. */
	if (key == SCREEN_KEY_IGNORED || key == KEY_RESIZE)
		return;
	a->dirty = 1;
	if (key == SCREEN_KEY_PASTE) {
		app_paste(a);
		return;
	}
	if (a->dialog != DIALOG_NONE) {
		app_key_dialog(a, key);
		return;
	}
	if (a->input != INPUT_NONE) {
		app_key_input(a, key);
		return;
	}
	a->msg[0] = '\0';
	screen_size(&rows, &cols);
	if (cols < APP_MIN_COLS || rows < APP_MIN_ROWS) {
		if (key == 'q')
			app_ask_quit(a);
		return;
	}
	if (key == SCREEN_KEY_MOUSE_CLICK || key == SCREEN_KEY_WHEEL_UP ||
	    key == SCREEN_KEY_WHEEL_DOWN) {
		app_click(a, key);
		return;
	}
	/* A follower's own keys before the panel's (f is a panel's letter
	 * too). */
	if (app_warroom_key(a, key))
		return;
	/* The panel's own table first: it may rebind a global letter. */
	k = app_lookup(app_panel_keys(a, a->focus), key);
	if (k != NULL) {
		p->ops->action(p->self, k->action);
		return;
	}
	if (key >= '1' && key <= '9') {
		app_set_focus(a, key - '1');
		return;
	}
	k = app_lookup(app_keys, key);
	if (k == NULL) {
		if (p->ops->key == NULL || !p->ops->key(p->self, key))
			a->dirty = was_dirty;
		return;
	}
	switch (k->action) {
	case APP_NEXT:
		app_set_focus(a, (a->focus + 1) % a->npanels);
		break;
	case APP_PREV:
		app_set_focus(a, (a->focus + a->npanels - 1) % a->npanels);
		break;
	case APP_ZOOM:
		a->zoom = !a->zoom;
		break;
	case APP_HELP:
		a->dialog = DIALOG_HELP;
		a->help_top = 0;
		break;
	case APP_FILTER:
		a->input = INPUT_FILTER;
		prompt_set(&a->line, p->filter);
		break;
	case APP_COMMAND:
		a->input = INPUT_COMMAND;
		prompt_set(&a->line, "");
		break;
	case APP_SEVERITY:
		a->dialog = DIALOG_SEVERITY;
		break;
	case APP_REDRAW:
		screen_invalidate();
		break;
	case APP_QUIT:
		app_ask_quit(a);
		break;
	case APP_NOTE:
		app_prompt(a, "note for the timeline: ", "", 0, app_got_note, a);
		break;
	case APP_TAKE:
		app_message(a, ROLE_NORMAL,
			    "H takes control of a war room you follow, when offered");
		break;
	case APP_FOLLOW:
		app_message(a, ROLE_NORMAL,
			    "f looks around in a war room you follow (--follow ROOM)");
		break;
	case APP_NAV:
		if (p->ops->key != NULL)
			p->ops->key(p->self, key);
		break;
	}
}

/* The name the docs give an alternative key: F1, C-b, k. NULL if none. */
static const char *app_key_alt_name(int key, char *buf, size_t len)
{
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key >= 1 && key <= 26)
		snprintf(buf, len, "C-%c", 'a' + key - 1);
	else if (key > ' ' && key < 127)
		snprintf(buf, len, "%c", key);
	else
		return NULL;
	return buf;
}

void app_list_keys(FILE *out)
{
	const struct keymap_entry *k;
	char buf[16];

	for (k = app_keys; k->keyname != NULL; k++) {
		const char *alt = app_key_alt_name(k->alt, buf, sizeof buf);
		size_t n = alt != NULL ? strlen(alt) : 0;
		const char *p = alt != NULL ? strstr(k->keyname, alt) : NULL;

		if (k->key == 0)
			continue; /* a note in the help (the mouse), not a key */
		/* The alternative, unless the key's name already spells it. */
		if (p != NULL && (p == k->keyname || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			alt = NULL;
		fprintf(out, "%s%s%s\t%s\n", k->keyname, alt != NULL ? " " : "",
			alt != NULL ? alt : "", k->help);
	}
}
