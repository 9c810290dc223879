/*
 * panel.c - what every panel does alike (see panel.h): hold a runner's
 * newest snapshot, say its source's state in the words and colours every
 * panel uses, redraw once a second while something ticks, and write the
 * audit log. Written once here so that a panel's update() is its own
 * filling of rows and its draw() its own lines.
 */
#include "panels/panel.h"

#include <stdio.h>

#include "lib/util.h"
#include "panels/host.h"

int panel_feed_start(struct panel_feed *f, const struct backend *be, const void *arg,
		     const struct runner_opts *opts, int wake_fd)
{
	f->r = runner_start(be, arg, opts, wake_fd, f->error, sizeof f->error);
	return f->r != NULL ? 0 : -1;
}

void panel_feed_stop(struct panel_feed *f)
{
	const struct backend *be;

	if (f->r == NULL)
		return;
	be = runner_backend(f->r);
	runner_stop(f->r);
	if (f->snap != NULL)
		be->snapshot_free(f->snap);
	f->r = NULL;
	f->snap = NULL;
}

int panel_feed_take(struct panel_feed *f)
{
	void *snap = NULL;
	int got = 0;

	if (f->r == NULL)
		return 0;
	if (mailbox_take(runner_mailbox(f->r), &snap, &f->status)) {
		if (f->snap != NULL)
			runner_backend(f->r)->snapshot_free(f->snap);
		f->snap = snap;
		got = PANEL_FEED_SNAP;
	}
	if (f->status.generation != f->seen) {
		f->seen = f->status.generation;
		got |= PANEL_FEED_STATUS;
	}
	return got;
}

enum role panel_source_state(const struct mailbox_status *st, int have_data, char *state,
			     size_t statelen, char *detail, size_t detaillen)
{
	switch (mailbox_describe(st, have_data, state, statelen, detail, detaillen)) {
	case MAILBOX_HEALTH_CONNECTING:
		snprintf(detail, detaillen, "first poll in progress");
		return ROLE_DIM;
	case MAILBOX_HEALTH_OK:
		snprintf(detail, detaillen, "fetch %.0fms", st->fetch_ms);
		return ROLE_OK;
	case MAILBOX_HEALTH_STALE:
		return ROLE_STALE;
	case MAILBOX_HEALTH_DOWN:
		break;
	}
	return ROLE_ERROR;
}

int panel_feed_status(const struct panel_feed *f, const struct view *v, int y, int x,
		      enum role *role)
{
	char state[32], detail[512];
	enum role r;

	if (f->r == NULL) {
		snprintf(state, sizeof state, "error");
		snprintf(detail, sizeof detail, "%s", f->error);
		r = ROLE_ERROR;
	} else {
		r = panel_source_state(&f->status, f->snap != NULL, state, sizeof state, detail,
				       sizeof detail);
	}
	x += draw_label(v, y, x, r, state) + 2;
	x += draw_text(v, y, x, r == ROLE_OK ? ROLE_DIM : r, detail, v->w);
	if (role != NULL)
		*role = r;
	return x;
}

void panel_feed_refresh(struct app *app, struct panel_feed *f, const char *what)
{
	runner_refresh(f->r);
	app_message(app, ROLE_NORMAL, "refreshing %s", what);
}

double panel_timeout(const struct runner_opts *opts, double factor, double lo, double hi)
{
	double t = factor * opts->interval;

	return t < lo ? lo : t > hi ? hi : t;
}

int panel_feed_why(struct app *app, const struct panel_feed *f, const char *unconfigured)
{
	app_message(app, ROLE_NORMAL, "%s", unconfigured != NULL ? unconfigured : f->error);
	return 1;
}

int panel_tick(long *last, long every, int redraw, int ticking)
{
	long now = (long)util_wall() / every;

	if (redraw) {
		*last = now;
	} else if (ticking && now != *last) {
		*last = now;
		redraw = 1;
	}
	return redraw;
}

void panel_audit(struct app *app, const struct audit_event *ev)
{
	if (audit_write(ev) != 0 && app != NULL)
		app_message(app, ROLE_ERROR, "could not write the audit log (%s)",
			    audit_path() ? audit_path() : "not open");
	if (app != NULL)
		app_timeline_audit(app, ev);
}
