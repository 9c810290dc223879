/*
 * commands.c - the `:` command line.
 */
#include "app/app_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Offer a command the shell does not know to each panel; the first
 * that takes it is focused. 1 if one did. */
static int app_panel_command(struct app *a, const char *cmd, const char *arg)
{
	int i;

	for (i = 0; i < a->npanels; i++) {
		const struct app_panel *p = &a->panels[i];

		if (p->ops->command != NULL && p->ops->command(p->self, cmd, arg)) {
			app_set_focus(a, i);
			return 1;
		}
	}
	return 0;
}

void app_command(struct app *a, const char *cmdline)
{
	char cmd[64] = "", arg[PROMPT_MAX] = "";
	const char *p = cmdline;
	size_t n;

	while (*p == ' ')
		p++;
	n = strcspn(p, " ");
	if (n >= sizeof cmd)
		n = sizeof cmd - 1;
	memcpy(cmd, p, n);
	cmd[n] = '\0';
	p += strcspn(p, " ");
	while (*p == ' ')
		p++;
	snprintf(arg, sizeof arg, "%s", p);

	if (cmd[0] == '\0')
		return;
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
		app_ask_quit(a);
	} else if (strcmp(cmd, "theme") == 0) {
		struct theme t;
		char err[256];
		char *dirs[3];
		char *user = NULL;
		const char *xdg = getenv("XDG_CONFIG_HOME");

		if (xdg != NULL && xdg[0] == '/')
			user = xasprintf("%s/amconsole/themes", xdg);
		else
			user = util_expand_home("~/.config/amconsole/themes");
		dirs[0] = user;
		dirs[1] = AM_DATADIR "/themes";
		dirs[2] = NULL;
		if (arg[0] == '\0') {
			app_message(a, ROLE_NORMAL,
				    "theme: %s (default, light, high-contrast, mono, or a file)",
				    a->theme.name);
		} else if (theme_load(arg, (const char *const *)dirs, &t, err, sizeof err) != 0) {
			app_message(a, ROLE_ERROR, "%s", err);
		} else {
			a->theme = t;
			screen_set_theme(&a->theme);
			app_message(a, ROLE_OK, "theme %s", t.name);
		}
		free(user);
	} else if (strcmp(cmd, "layout") == 0) {
		int l = config_layout_find(arg);

		if (arg[0] == '\0') {
			app_message(a, ROLE_NORMAL, "layout: %s (auto, runbook, panels or tall)",
				    config_layout_names[a->layout]);
		} else if (l < 0) {
			app_message(
				a, ROLE_ERROR,
				"unknown layout '%.40s': auto (space by need), runbook (runbook "
				"wide), panels (no runbook column) or tall (one column)",
				arg);
		} else {
			a->layout = l;
			a->zoom = 0;
			app_message(a, ROLE_OK, "layout %s", config_layout_names[l]);
		}
	} else if (strcmp(cmd, "runbook") == 0 || strcmp(cmd, "rb") == 0) {
		int i = app_panel_index(a, "runbook");

		if (i >= 0) {
			app_set_focus(a, i);
			snprintf(a->panels[i].filter, sizeof a->panels[i].filter, "%s", arg);
			a->panels[i].ops->filter(a->panels[i].self, arg);
		}
	} else if (strcmp(cmd, "severity") == 0 || strcmp(cmd, "sev") == 0) {
		if ((arg[0] == 'P' || arg[0] == 'p') && arg[1] >= '0' && arg[1] <= '3' && !arg[2])
			app_set_severity(a, arg[1] - '0');
		else if (strcmp(arg, "none") == 0 || strcmp(arg, "close") == 0)
			app_set_severity(a, -1);
		else
			app_message(a, ROLE_ERROR, "severity: P0, P1, P2, P3 or none");
	} else if (strcmp(cmd, "help") == 0) {
		a->dialog = DIALOG_HELP;
		a->help_top = 0;
	} else if (strcmp(cmd, "zoom") == 0) {
		a->zoom = !a->zoom;
	} else if (strcmp(cmd, "redraw") == 0) {
		screen_invalidate();
	} else if (app_panel_index(a, cmd) >= 0) {
		/* :NAME focuses a panel by its name, as k9s's :pods does. */
		app_set_focus(a, app_panel_index(a, cmd));
		a->zoom = 0;
	} else if (app_panel_command(a, cmd, arg)) {
		a->zoom = 0;
	} else {
		app_message(a, ROLE_ERROR,
			    "unknown command ':%s' (a panel's name, theme, layout, runbook, "
			    "severity, ns, ctx, zoom, help, quit)",
			    cmd);
	}
	a->dirty = 1;
}
