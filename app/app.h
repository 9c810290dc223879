/*
 * app.h - the application shell: the event loop, the grid of panels, the
 * key and `:` command tables. What panels may call is in panels/host.h.
 */
#ifndef AM_APP_H
#define AM_APP_H

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
#endif
