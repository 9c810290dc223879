/*
 * app.h - the application shell: the event loop, the grid of panels, the
 * key and `:` command tables. What panels may call is in panels/host.h.
 */
#ifndef AM_APP_H
#define AM_APP_H

#include <stdio.h>

#include "core/config.h"
#include "core/runbook.h"
#include "panels/host.h"
#include "ui/theme.h"

/* For main: build the shell over a loaded configuration, theme and
 * runbooks (the app borrows them; they must outlive it). NULL + err if
 * the terminal cannot be set up. */
struct app *app_new(const struct config *c, const struct theme *t, const struct runbook_set *rb,
		    char *err, size_t errlen);
/* Run the event loop until quit; returns the exit status (0, or 128 +
 * signal after SIGTERM/SIGHUP). Restores the terminal before returning. */
int app_run(struct app *a);
void app_free(struct app *a);

/* The war room of c (--present or --follow ROOM), started before
 * app_new so that a presenter's runners publish from their first poll.
 * A follower (without --own-data) first waits for the presenter's
 * configuration and loads it into *follow_cfg (its own theme, runbooks
 * and logs kept; read-only), which the shell must then run on, with
 * every runner showing the presenter's data. NULL with err "" when c
 * names no war room; NULL + err when it cannot start. */
struct app_warroom;
struct app_warroom *app_warroom_start(const struct config *c, struct config *follow_cfg, char *err,
				      size_t errlen);
/* Hand it to the shell (which ends it in app_free). */
void app_warroom_attach(struct app *a, struct app_warroom *w);

/* Load the theme name_or_path from the user's theme directory
 * ($XDG_CONFIG_HOME/amconsole/themes) or the installed ones: 0, or -1 +
 * err. For main and :theme. */
int app_theme_load(const char *name, struct theme *t, char *err, size_t errlen);

/* For --list-commands and --list-keys (hidden; tests/docs-check.sh
 * compares the docs with them): one line per `:` command, "NAME<TAB>ALIAS
 * or -<TAB>:SYNOPSIS<TAB>HELP", the panels' names last; one line per
 * global key, "KEYNAMES<TAB>HELP" (the names space-separated, as the
 * docs spell them). Need no terminal. */
void app_list_commands(FILE *out);
void app_list_keys(FILE *out);
#endif
