/*
 * incident_timeline.c - the incident timeline (core/timeline.h) kept by the shell:
 * opening an incident (!) starts it in a file under the state folder,
 * appended as things happen (runtime/appender.h: one fsync an event,
 * off the UI thread); severity changes, findings appearing and clearing
 * (firing alerts among them), every audited step and action, notes (n)
 * and marks (:mark) go in; :timeline lists it, :postmortem writes the
 * document, and --incident resume reopens it after a crash.
 */
#include "app/app_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/redact.h"
#include "lib/util.h"

static const char *app_timeline_who(void)
{
	const char *u = getenv("USER");

	return u != NULL && u[0] != '\0' ? u : "operator";
}

/* Add an event (text from fmt, detail redacted) while an incident is open. */
static void app_timeline_vadd(struct app *a, const char *who, const char *kind, const char *detail,
			      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void app_timeline_vadd(struct app *a, const char *who, const char *kind, const char *detail,
			      const char *fmt, va_list ap)
{
	struct tl_event e = { 0 };
	struct strbuf text = { 0 };
	char *masked;

	if (a->tl_out == NULL)
		return;
	strbuf_vprintf(&text, fmt, ap);
	masked = redact(text.buf != NULL ? text.buf : "");
	e.t = util_wall();
	snprintf(e.kind, sizeof e.kind, "%s", kind);
	if (who == NULL)
		who = app_warroom_name(a); /* the name the war room knows */
	snprintf(e.who, sizeof e.who, "%s", who != NULL ? who : app_timeline_who());
	e.text = masked;
	e.detail = detail != NULL ? redact(detail) : NULL;
	timeline_add(&a->tl, &e);
	appender_push(a->tl_out, timeline_encode(&e));
	app_warroom_timeline(a, &e); /* followers and the recording have it too */
	free(e.detail);
	free(masked);
	strbuf_free(&text);
}

void app_timeline_add(struct app *a, const char *kind, const char *detail, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_timeline_vadd(a, NULL, kind, detail, fmt, ap);
	va_end(ap);
}

/* Open the incident's file: a new one, or (resume) path. */
static int app_timeline_file(struct app *a, const char *path)
{
	const char *dir = app_state_dir(a);
	char stamp[32], err[256];
	time_t now = time(NULL);
	struct tm tm;

	if (path == NULL) {
		if (dir == NULL) {
			app_message(a, ROLE_ERROR, "no state folder: the timeline is not recorded");
			return -1;
		}
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		free(a->tl_path);
		a->tl_path = xasprintf("%s/incident-%s.jsonl", dir, stamp);
	}
	a->tl_out = appender_open(a->tl_path, err, sizeof err);
	if (a->tl_out == NULL) {
		app_message(a, ROLE_ERROR, "timeline not recorded: %s", err);
		return -1;
	}
	return 0;
}

void app_timeline_severity(struct app *a, int was, int sev)
{
	size_t i;

	if (was < 0 && sev >= 0) {
		timeline_free(&a->tl);
		if (app_timeline_file(a, NULL) != 0)
			return;
		app_timeline_add(a, "open", NULL, "incident opened: %s %s", app_sev[sev].name,
				 app_sev[sev].label);
		for (i = 0; i < a->nseen; i++)
			if (a->seen[i].cleared == 0)
				app_timeline_add(a, "finding", NULL,
						 "%s %s: %s (open when declared)",
						 finding_sev_name(a->seen[i].sev),
						 a->seen[i].object, a->seen[i].what);
	} else if (sev >= 0) {
		app_timeline_add(a, "severity", NULL, "severity %s %s", app_sev[sev].name,
				 app_sev[sev].label);
	} else if (was >= 0) {
		app_timeline_add(a, "close", NULL, "incident closed");
		appender_close(a->tl_out);
		a->tl_out = NULL;
	}
}

/* Every audited step and action (panels/panel.c's panel_audit). */
void app_timeline_audit(struct app *a, const struct audit_event *ev)
{
	const char *what = ev->step != NULL ? ev->step : "";
	const char *where = ev->runbook != NULL ? ev->runbook : "";
	const char *kind = strstr(where, " panel") != NULL ? "action" : "step";
	char took[32] = "";

	if (a != NULL && strcmp(ev->event, "run") == 0) {
		char label[200];

		snprintf(label, sizeof label, "%s: %s", kind, what);
		app_cast_marker(a->cast, label);
	}
	if (a == NULL || a->tl_out == NULL || strcmp(ev->event, "reveal") == 0)
		return;
	if (ev->duration >= 0)
		snprintf(took, sizeof took, ", %.1f s", ev->duration);
	if (strcmp(ev->event, "run") == 0)
		app_timeline_add(a, kind, ev->command, "%s started (%s)%s%s", what, where,
				 ev->target != NULL ? ", confirmed on " : "",
				 ev->target != NULL ? ev->target : "");
	else if (strcmp(ev->event, "end") == 0 && ev->exit_code >= 0)
		app_timeline_add(a, kind, ev->command, "%s: %s, exit %d%s (%s)", what,
				 ev->status != NULL ? ev->status : "ended", ev->exit_code, took,
				 where);
	else
		app_timeline_add(a, kind, ev->command, "%s: %s%s%s%s (%s)", what,
				 ev->status != NULL ? ev->status : ev->event, took,
				 ev->reason != NULL ? ": " : "",
				 ev->reason != NULL ? ev->reason : "", where);
}

void app_timeline_note(struct app *a, const char *text)
{
	if (a->tl_out == NULL) {
		app_message(a, ROLE_WARN,
			    "no incident is open (! opens one): the note is not kept");
		return;
	}
	app_timeline_add(a, "note", NULL, "%s", text);
	app_message(a, ROLE_OK, "note added to the timeline");
}

static void app_timeline_add_by(struct app *a, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void app_timeline_add_by(struct app *a, const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_timeline_vadd(a, who, "note", NULL, fmt, ap);
	va_end(ap);
}

void app_timeline_note_by(struct app *a, const char *who, const char *text)
{
	if (a->tl_out == NULL) {
		app_message(a, ROLE_WARN, "%s: %s (no incident is open: the note is not kept)", who,
			    text);
		return;
	}
	app_timeline_add_by(a, who, "%s", text);
	app_message(a, ROLE_OK, "note from %s: %s", who, text);
}

void app_timeline_mark(struct app *a, const char *what)
{
	if (strcmp(what, "detected") != 0 && strcmp(what, "mitigated") != 0 &&
	    strcmp(what, "resolved") != 0) {
		app_message(a, ROLE_ERROR, "mark: detected, mitigated or resolved");
		return;
	}
	if (a->tl_out == NULL) {
		app_message(a, ROLE_WARN, "no incident is open (! opens one)");
		return;
	}
	app_timeline_add(a, "mark", NULL, "%s", what);
	app_message(a, ROLE_OK, "marked %s", what);
}

static void app_timeline_line(const struct tl_event *e, char *buf, size_t n)
{
	time_t s = (time_t)e->t;
	struct tm tm;
	char when[16];

	gmtime_r(&s, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	snprintf(buf, n, "%s  %-8s %-10s %s", when, e->kind, e->who, e->text);
}

static void app_timeline_picked(void *ctx, const char *chosen)
{
	struct app *a = ctx;
	size_t i;

	for (i = 0; chosen != NULL && i < a->tl.n; i++) {
		char line[700];

		app_timeline_line(&a->tl.v[i], line, sizeof line);
		if (strcmp(line, chosen) == 0) {
			/* The whole detail (a command, a step's output). */
			if (a->tl.v[i].detail != NULL)
				app_show_text(a, a->tl.v[i].text, a->tl.v[i].detail);
			else
				app_message(a, ROLE_NORMAL, "%s", a->tl.v[i].text);
			return;
		}
	}
}

void app_timeline_show(struct app *a)
{
	char **items, line[700];
	size_t i;

	if (a->tl.n == 0) {
		app_message(a, ROLE_NORMAL, "the timeline is empty: ! opens an incident");
		return;
	}
	items = xcalloc(a->tl.n, sizeof *items);
	for (i = 0; i < a->tl.n; i++) {
		app_timeline_line(&a->tl.v[i], line, sizeof line);
		items[i] = xstrdup(line);
	}
	app_pick(a, "Incident timeline (UTC, newest last; Enter shows the detail)",
		 (const char *const *)items, a->tl.n, items[a->tl.n - 1], app_timeline_picked, a);
	strv_free(items, a->tl.n);
}

void app_timeline_postmortem(struct app *a)
{
	const char *dir = app_state_dir(a);
	char title[64], *doc, *path;
	FILE *f;
	int sev = app_severity(a, NULL, NULL);

	if (a->tl.n == 0 || dir == NULL) {
		app_message(a, ROLE_WARN, "no incident timeline to write (! opens an incident)");
		return;
	}
	/* The file's name says when it opened: incident-YYYYmmdd-HHMMSS. */
	snprintf(title, sizeof title, "incident of %.8s",
		 a->tl_path != NULL ? strrchr(a->tl_path, '/') + 1 + strlen("incident-") : "today");
	doc = timeline_postmortem(&a->tl, title, sev >= 0 ? app_sev[sev].name : "closed");
	if (a->tl_path != NULL)
		path = xasprintf("%.*s.postmortem.md", (int)(strrchr(a->tl_path, '.') - a->tl_path),
				 a->tl_path);
	else
		path = xasprintf("%s/incident.postmortem.md", dir);
	f = fopen(path, "w");
	if (f == NULL || fputs(doc, f) < 0 || fclose(f) != 0)
		app_message(a, ROLE_ERROR, "could not write %s", path);
	else
		app_message(a, ROLE_OK, "postmortem written to %s", path);
	free(path);
	free(doc);
}

/* The newest incident-*.jsonl of dir, or NULL. */
static char *app_timeline_newest(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *best = NULL;

	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, "incident-", 9) != 0 || len < 7 ||
		    strcmp(e->d_name + len - 6, ".jsonl") != 0)
			continue;
		if (best == NULL || strcmp(e->d_name, best) > 0) {
			free(best);
			best = xstrdup(e->d_name);
		}
	}
	if (d != NULL)
		closedir(d);
	if (best != NULL) {
		char *p = xasprintf("%s/%s", dir, best);

		free(best);
		return p;
	}
	return NULL;
}

int app_timeline_resume(struct app *a)
{
	const char *dir = app_state_dir(a);
	char err[256];
	long n;
	size_t i;
	int sev = -1;

	free(a->tl_path);
	a->tl_path = dir != NULL ? app_timeline_newest(dir) : NULL;
	if (a->tl_path == NULL) {
		app_message(a, ROLE_WARN, "--incident resume: no incident to resume in %s",
			    dir != NULL ? dir : "(no state folder)");
		return -1;
	}
	timeline_free(&a->tl);
	n = timeline_load(a->tl_path, &a->tl, err, sizeof err);
	if (n <= 0) {
		app_message(a, ROLE_ERROR, "--incident resume: %s", n < 0 ? err : "empty timeline");
		return -1;
	}
	/* The severity in force: the last open or severity event's "Pn"
	 * (as app_timeline_severity writes it); a close ends the incident. */
	for (i = 0; i < a->tl.n; i++) {
		const char *k = a->tl.v[i].kind, *p = a->tl.v[i].text;

		if (strcmp(k, "close") == 0)
			sev = -1;
		else if (strcmp(k, "open") == 0 || strcmp(k, "severity") == 0)
			for (; (p = strchr(p, 'P')) != NULL; p++)
				if (p[1] >= '0' && p[1] <= '3') {
					sev = p[1] - '0';
					break;
				}
	}
	if (sev < 0) {
		app_message(a, ROLE_WARN, "--incident resume: the incident in %s was closed",
			    a->tl_path);
		return -1;
	}
	a->severity = sev;
	a->sev_since = a->tl.v[0].t;
	a->sev_since_mono = util_now() - (util_wall() - a->tl.v[0].t);
	if (app_timeline_file(a, a->tl_path) != 0)
		return -1;
	app_message(a, err[0] != '\0' ? ROLE_WARN : ROLE_OK,
		    "incident resumed: %ld events from %s%s%s", n, a->tl_path,
		    err[0] != '\0' ? "; " : "", err);
	app_timeline_add(a, "severity", NULL, "severity %s %s (resumed after a restart)",
			 app_sev[sev].name, app_sev[sev].label);
	return 0;
}

void app_timeline_end(struct app *a)
{
	appender_close(a->tl_out);
	a->tl_out = NULL;
	timeline_free(&a->tl);
	free(a->tl_path);
	a->tl_path = NULL;
}
