/*
 * host.h - the application shell as panels see it: messages, dialogs
 * (confirm, type-to-confirm, prompt), the clipboard, handing the terminal
 * to a child, the configuration and the loaded runbooks, the incident
 * severity. Everything here runs on the UI thread. Declared here, in the
 * panels' layer, and implemented by the shell (app/app.c, the dialogs in
 * app/dialogs.c, severity and findings in app/incident.c), so that panels
 * never include from the layer above them.
 */
#ifndef AM_HOST_H
#define AM_HOST_H

#include <stdarg.h>
#include "runtime/exec.h"
#include "core/runbook.h"
#include "core/config.h"
#include "ui/theme.h"

struct app;

/* Show a one-line message in the status area until the next key. */
void app_message(struct app *a, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A confirmation. body is shown verbatim (sanitised), one string per
 * line. When type is non-NULL the operator must type it exactly;
 * otherwise they must move to [Run] and press Enter: the default is
 * always Cancel. done(ctx, confirmed) is called once. */
struct app_confirm {
	const char *title;
	const char *const *body;
	size_t nbody;
	const char *type;
	const char *run_label; /* "Run", "Delete" ... */
	int danger;            /* paint in the destructive role */
	void (*done)(void *ctx, int confirmed);
	void *ctx;
};
void app_confirm(struct app *a, const struct app_confirm *req);

/* Ask for one line. done(ctx, value) gets NULL on cancel; value is only
 * valid during the call. secret masks the echo. */
void app_prompt(struct app *a, const char *label, const char *initial, int secret,
		void (*done)(void *ctx, const char *value), void *ctx);

/* Pick one of items[0..n) from a list over the panels: scrollable,
 * filtered by typing, current (or NULL) marked and selected first.
 * done(ctx, chosen) is called once: chosen is NULL on cancel and only
 * valid during the call. Items are copied (and drawn sanitised). */
void app_pick(struct app *a, const char *title, const char *const *items, size_t n,
	      const char *current, void (*done)(void *ctx, const char *chosen), void *ctx);

/* Show text as the focused panel's filter (the top line, and what / starts
 * from) without calling its filter hook: for a panel whose mode change
 * brought another list with its own filter. */
void app_show_filter(struct app *a, const char *text);

/* Focus the panel named panel and open its item what (e.g. "runbook",
 * "Performance Degradation"), with placeholder values vars (or NULL; see
 * panel_ops.open): 0, or -1 (with a message) when either is unknown. For
 * jumps between panels, such as an alert or a finding to its symptom. */
int app_open(struct app *a, const char *panel, const char *what, const char *vars);

struct panel_ops;
/* The instance the shell created from ops (its self), or NULL: for one
 * panel to ask another through that panel's own header (pods_picks). */
void *app_panel(struct app *a, const struct panel_ops *ops);

/* The kubeconfig context the Pods panel shows now (the top line names
 * its environment: config "environment"). */
void app_set_context(struct app *a, const char *ctx);

struct finding;
struct finding_seen;
/* What is wrong now, gathered from every panel's findings op, sorted by
 * severity then age and led to runbook entries: *n findings, valid until
 * the next loop pass; *gen (if not NULL) changes whenever they do. */
const struct finding *app_findings(const struct app *a, size_t *n, unsigned long *gen);
/* Every finding seen since start with when it appeared and cleared
 * (cleared 0: still there), oldest first: for the incident transcript. */
const struct finding_seen *app_findings_seen(const struct app *a, size_t *n);

/* Copy text to the clipboard (OSC 52) and say so. */
void app_copy(struct app *a, const char *text);

/* Run spec in the foreground with the terminal handed over. */
int app_run_foreground(struct app *a, const struct exec_spec *spec, struct exec_status *st);

/* Edit text in $VISUAL/$EDITOR (vi) with the terminal handed over.
 * Returns the new text (caller frees), or NULL if unchanged/failed. */
char *app_edit(struct app *a, const char *text);

const struct config *app_config(const struct app *a);
int app_read_only(const struct app *a);
/* A war room's follower: the presenter's name (it runs nothing itself);
 * NULL otherwise. */
const char *app_following(const struct app *a);
/* 1 when the console shows a recording (--replay): it runs nothing. */
int app_replay_mode(const struct app *a);
int app_wake_fd(const struct app *a);
const struct runbook_set *app_runbooks(const struct app *a);
/* The shell for steps (resolved at start-up). */
const char *app_shell(const struct app *a);

/* Incident: severity 0..3 (P0..P3) or -1 when none is open; since (if
 * not NULL) is the wall time it was opened, for display; elapsed (if not
 * NULL) the seconds since, by the monotonic clock. */
int app_severity(const struct app *a, double *since, double *elapsed);
/* The state directory ($XDG_STATE_HOME/amconsole), created on demand. */
const char *app_state_dir(struct app *a);

/* The incident timeline (app/incident_timeline.c): an event of kind ("note",
 * "step", ...) with text from fmt and detail (or NULL; secrets masked),
 * kept only while an incident is open. */
void app_timeline_add(struct app *a, const char *kind, const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Every audited event goes in too (panel_audit calls this). */
struct audit_event;
void app_timeline_audit(struct app *a, const struct audit_event *ev);
/* A note from the operator (n): kept, or said why not. */
void app_timeline_note(struct app *a, const char *text);

#endif
