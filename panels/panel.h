/*
 * panel.h - the interface every panel implements. A panel is one file in
 * panels/ exporting one const struct panel_ops: it turns snapshots into
 * rows and keys into actions, and never opens a socket or spawns a
 * process itself (it asks a backend or the shell). Its key table drives
 * dispatch, the help screen and the key bar: there is no second copy.
 *
 * Below the interface, what every panel does alike (panel.c): hold a
 * runner's newest snapshot (struct panel_feed), say the source's state in
 * the same words and colours, redraw once a second while something
 * ticks, and write the audit log.
 */
#ifndef AM_PANEL_H
#define AM_PANEL_H

#include "core/audit.h"
#include "runtime/runner.h"
#include "ui/screen.h"

struct app;
struct cJSON;
struct finding_list;

/* One key binding. key is a curses/Unicode code (see screen.h); alt is a
 * second key for the same action (0 if none). label is the short text
 * for the key bar (NULL: not on the bar); help the line in the help
 * screen. The table ends with an entry whose keyname is NULL. */
struct keymap_entry {
	int key;
	int alt;
	const char *keyname;
	const char *label;
	const char *help;
	int action;
};

/* What a panel would like from the grid now (panel_ops.want). */
struct panel_want {
	/* Lines of content it has, inside its border: status and header
	 * lines plus its rows. -1: as many as it can get (a sub-view such as
	 * a log or a description, or output that scrolls). */
	int rows;
	/* Columns it needs to show its key text in full, border included;
	 * 0: no preference. Only the runbook pane's is used, for the width
	 * of its column: narrow on the symptom list, wide once a symptom is
	 * open or a step has output. */
	int cols;
};

struct panel_ops {
	const char *name;  /* "runbook": used by :commands and tests */
	const char *title; /* shown in the border and the tab bar */
	const struct keymap_entry *keys;
	void *(*create)(struct app *app);
	void (*destroy)(void *self);
	/* Called every loop pass: take new snapshots, poll jobs. Returns 1
	 * when the panel must be redrawn. Never blocks. */
	int (*update)(void *self);
	/* Draw into v (already cleared). focused: has the keyboard. */
	void (*draw)(void *self, const struct view *v, int focused);
	/* An action from the key table; 1 = redraw. Never draws. */
	int (*action)(void *self, int action);
	/* Keys not in the table (movement); 1 if used. */
	int (*key)(void *self, int key);
	/* A click at view-relative (y, x); 1 if used. */
	int (*click)(void *self, int y, int x);
	/* The / filter text changed ("" clears it). */
	void (*filter)(void *self, const char *text);
	/* 1 while a command the panel started is still running. */
	int (*busy)(void *self);
	/* Optional: open the item named what (the runbook pane: a symptom or
	 * procedure by title; a list: the row with that id). vars, when not
	 * NULL, are placeholder values already known ("pod-name=x\n...",
	 * from a Triage finding) for the runbook pane to offer. 0, or -1 when
	 * there is no such item. Called after the panel was focused, via
	 * app_open. */
	int (*open)(void *self, const char *what, const char *vars);
	/* Optional: the key bar when the panel is in a sub-mode, else NULL
	 * to use keys. */
	const struct keymap_entry *(*mode_keys)(void *self);
	/* Optional: a `:` command the shell does not know (":ns prod" gives
	 * cmd "ns", arg "prod"). 1 if the panel took it (the shell then
	 * focuses the panel), 0 to let the next panel or the shell say it is
	 * unknown. */
	int (*command)(void *self, const char *cmd, const char *arg);
	/* Optional: 0 when the panel's source is not configured and it only
	 * says how to configure it; the grid then gives it one line. NULL
	 * means always configured. */
	int (*configured)(void *self);
	/* Optional: append to out what is wrong in the panel's current data
	 * (findings.h), for the Triage view and the top line. Never blocks;
	 * reads only the snapshot the panel holds. */
	void (*findings)(void *self, struct finding_list *out);
	/* Optional: how much of the grid the panel wants now, from what it
	 * holds (not from the size it was last given). The shell shares the
	 * grid by these with hysteresis, so a refresh that keeps the number
	 * of rows never moves a cell. Cheap: called at every layout, on the
	 * UI thread, before and after draw. NULL means rows -1, cols 0: an
	 * equal share, as a panel without it always had. */
	void (*want)(void *self, struct panel_want *w);
	/* Optional, for a war room: add to the object o what the panel shows
	 * beyond its sources' snapshots (the runbook pane: the open entry,
	 * the selected step, each step's status and the end of its output,
	 * secrets masked); and, on a follower, show what the presenter's
	 * panel shared (untrusted input: every field is checked). */
	void (*share)(void *self, struct cJSON *o);
	void (*follow)(void *self, const struct cJSON *o);
};

/* The NULL-terminated registry of panels, in tab order (registry.c). */
extern const struct panel_ops *const panel_registry[];

/* ---- what panels share (panel.c); UI thread only --------------------- */

/* A panel's hold on one runner: the newest snapshot it took and the
 * source's status. All zero holds nothing. */
struct panel_feed {
	struct runner *r; /* NULL: not started (error says why) */
	void *snap;       /* the newest snapshot taken, owned here; NULL until the first */
	struct mailbox_status status;
	unsigned long seen; /* the status generation last taken */
	char error[256];    /* why the runner did not start */
};

/* What panel_feed_take found (bits). */
enum {
	PANEL_FEED_STATUS = 1, /* the status changed: a poll ended, well or not */
	PANEL_FEED_SNAP = 2,   /* a newer snapshot replaced the old one (always
				* with PANEL_FEED_STATUS) */
};

/* Start be's runner with arg for f: 0, or -1 with the reason in
 * f->error. wake_fd and the rest as for runner_start. */
int panel_feed_start(struct panel_feed *f, const struct backend *be, const void *arg,
		     const struct runner_opts *opts, int wake_fd);
/* The timeout for one request to a source polled with opts: factor
 * times its interval (a slow server still answers; a stalled one shows
 * STALE soon), kept between lo and hi seconds. */
double panel_timeout(const struct runner_opts *opts, double factor, double lo, double hi);
/* Stop f's runner (joining it) and free its snapshot; f holds nothing
 * after. */
void panel_feed_stop(struct panel_feed *f);
/* Take what f's mailbox holds: PANEL_FEED_* bits, 0 when nothing changed
 * or f has no runner. The snapshot replaced is freed with the backend's
 * snapshot_free. Never blocks. */
int panel_feed_take(struct panel_feed *f);

/* A source's state as every panel says it: state and detail from
 * mailbox_describe, detail "first poll in progress" while connecting and
 * "fetch 12ms" when ok. Returns the colour: ROLE_DIM (connecting),
 * ROLE_OK, ROLE_STALE (failing, older data shown) or ROLE_ERROR (down). */
enum role panel_source_state(const struct mailbox_status *st, int have_data, char *state,
			     size_t statelen, char *detail, size_t detaillen);
/* An action on f's source, said in the status area: panel_feed_refresh
 * polls now ("refreshing what"); panel_feed_why says why f has no runner
 * (unconfigured, what to set, when not NULL; else the start error).
 * panel_feed_why returns 1, for an action handler to return. */
void panel_feed_refresh(struct app *app, struct panel_feed *f, const char *what);
int panel_feed_why(struct app *app, const struct panel_feed *f, const char *unconfigured);

/* Draw f's state on row y of v from column x: the state word, two
 * columns, the detail (dim when all is well); "error" and f->error when
 * its runner did not start. Returns the column after the detail; the
 * colour in *role when role is not NULL. */
int panel_feed_status(const struct panel_feed *f, const struct view *v, int y, int x,
		      enum role *role);

/* Whether to redraw now: 1 when redraw is, or when ticking and the wall
 * clock has entered a new period of every seconds since the last redraw
 * (ages, countdowns and "stale 34s" then stay true: every 1). *last keeps
 * that period's number. */
int panel_tick(long *last, long every, int redraw, int ticking);

/* Append ev to the audit log; when it cannot be written, say so in the
 * status area (app NULL: say nothing). */
void panel_audit(struct app *app, const struct audit_event *ev);

#endif
