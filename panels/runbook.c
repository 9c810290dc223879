/*
 * runbook.c - the runbook pane: a symptom picker (filtered by title and
 * "Symptoms" bullets), then the steps of the chosen symptom or procedure
 * with their kind, safety badge, lint warnings and status, and the output
 * of the selected step. Running a step goes: placeholders asked for,
 * read-only refusal, confirmation (typed target for destructive steps),
 * audit line, then a background job (or the terminal handed over for an
 * interactive step), audit line at its end. `w` writes the incident
 * transcript. The panel never spawns by itself: it asks exec.h through
 * the shell's services.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "runtime/exec.h"
#include "runtime/job.h"
#include "backends/k8s.h"
#include "backends/native.h"
#include "core/runbook.h"
#include "core/safety.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/pods.h"
#include "panels/host.h"
#include "core/audit.h"
#include "lib/redact.h"
#include "lib/sanitize.h"
#include "ui/table.h"

/* Output kept per step: the newest bytes. */
#define RUNBOOK_OUTPUT_CAP (1024 * 1024)

enum runbook_mode { RUNBOOK_PICKER, RUNBOOK_STEPS, RUNBOOK_OUTPUT, RUNBOOK_PICK };

enum runbook_status {
	RUNBOOK_NOT_RUN,
	RUNBOOK_RUNNING,
	RUNBOOK_OK,
	RUNBOOK_FAILED,
	RUNBOOK_SKIPPED,
	RUNBOOK_DONE,
	RUNBOOK_REFUSED,
	RUNBOOK_CANCELLED,
	RUNBOOK_TIMEDOUT,
	RUNBOOK_STOPPED,
};

enum runbook_action {
	RUNBOOK_OPEN = 1,
	RUNBOOK_RUN,
	RUNBOOK_EDIT,
	RUNBOOK_COPY,
	RUNBOOK_SKIP,
	RUNBOOK_MARK_DONE,
	RUNBOOK_NOTE,
	RUNBOOK_STOP,
	RUNBOOK_OUTPUT_VIEW,
	RUNBOOK_BACK,
	RUNBOOK_WRITE,
	RUNBOOK_SEARCH_NEXT,
	RUNBOOK_SEARCH_PREV,
	RUNBOOK_PICK_OK,
	RUNBOOK_PICK_TYPE,
	RUNBOOK_PICK_CANCEL,
};

static const struct keymap_entry runbook_picker_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Open", "open the highlighted symptom or procedure",
	  RUNBOOK_OPEN },
	{ 'w', 0, "w", "Report", "write the incident transcript (Markdown) and say where",
	  RUNBOOK_WRITE },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static const struct keymap_entry runbook_step_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Run", "run the step (asks for placeholders; confirms changes)",
	  RUNBOOK_RUN },
	{ 'e', 0, "e", "Edit", "edit the command in $EDITOR, then run it", RUNBOOK_EDIT },
	{ 'c', 0, "c", "Copy", "copy the command to the clipboard (OSC 52)", RUNBOOK_COPY },
	{ 's', 0, "s", "Skip", "mark the step skipped", RUNBOOK_SKIP },
	{ 'd', 0, "d", "Done", "mark the step done (run by hand)", RUNBOOK_MARK_DONE },
	{ 'n', 0, "n", "Note", "add a note to the step (goes into the transcript)", RUNBOOK_NOTE },
	{ 'x', 0, "x", "Stop", "stop the running step (SIGTERM, then SIGKILL)", RUNBOOK_STOP },
	{ 'o', 0, "o", "Output", "scroll the output of the selected step", RUNBOOK_OUTPUT_VIEW },
	{ 'w', 0, "w", "Report", "write the incident transcript (Markdown) and say where",
	  RUNBOOK_WRITE },
	{ KEY_BACKSPACE, 'h', "BS h", "Back", "back to the symptom list", RUNBOOK_BACK },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static const struct keymap_entry runbook_output_keys[] = {
	{ 'o', 'h', "o h", "Back", "back to the steps", RUNBOOK_BACK },
	{ 'n', 0, "n", "Next", "next match of the / search", RUNBOOK_SEARCH_NEXT },
	{ 'N', 0, "N", "Prev", "previous match of the / search", RUNBOOK_SEARCH_PREV },
	{ 'x', 0, "x", "Stop", "stop the running step", RUNBOOK_STOP },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

/* A <pod-name> placeholder offers the Pods panel's pods. */
static const struct keymap_entry runbook_pick_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Pick", "use the highlighted pod for the placeholder",
	  RUNBOOK_PICK_OK },
	{ 't', 0, "t", "Type", "type the value instead", RUNBOOK_PICK_TYPE },
	{ SCREEN_KEY_ESC, KEY_BACKSPACE, "Esc BS", "Cancel", "cancel the run",
	  RUNBOOK_PICK_CANCEL },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

/* What one step has been through in this session. */
struct runbook_step_state {
	enum runbook_status status;
	int exit_code;
	double started; /* wall time */
	double duration;
	struct strbuf out;
	size_t dropped;
	char *note;
	char *edited; /* the operator's edited command, or NULL */
	char *ran;    /* the resolved command, secrets masked, as run */
};

/* A run being prepared: placeholder values being collected. */
struct runbook_pending {
	int active;
	size_t step;
	size_t next; /* next placeholder to ask for */
	char **values;
	struct step copy; /* the step as it will run (edited command) */
	struct safety_verdict verdict;
	char **env;
	char *script;
	char *resolved; /* for display and audit */
	char *target;
	const char *retry; /* why the last value was refused, or NULL */
	char *on;          /* the native step's chosen instance, or NULL */
};

struct runbook_panel {
	struct app *app;
	const struct runbook_set *set;
	enum runbook_mode mode;
	struct table picker;
	struct table steps;
	long entry; /* opened entry, or -1 */
	struct runbook_step_state *st;
	size_t nst;
	struct job *job; /* a running step (shell or native), or NULL */
	size_t job_step;
	/* A `kubectl get secret` step's raw output, held back until the step
	 * ends and its values are masked: never drawn or stored unmasked. */
	int job_secret;
	struct strbuf secret_out;
	struct runbook_pending pend;
	struct table pick;    /* pods offered for a <pod-name> placeholder */
	char pick_label[256]; /* the question it answers */
	long out_top;         /* first output line shown; -1 follows the end */
	char search[256];
	char filter[256];
	/* Placeholder values a Triage finding knew when it opened the entry
	 * ("pod-name=x\n..."): offered first when a step asks for them. */
	char preset[320];
};

static const struct table_column runbook_picker_cols[] = {
	{ "TYPE", 9, 0, 2, 0 },
	{ "STEPS", 5, 1, 1, 0 },
	{ "TITLE", 60, 0, 0, 0 },
};

static const struct table_column runbook_pick_cols[] = {
	{ "POD", 63, 0, 0, 0 },
	{ "STATUS", 30, 0, 1, 0 },
	{ "RESTARTS", 16, 0, 2, 0 },
};

static const struct table_column runbook_step_cols[] = {
	{ "#", 3, 1, 1, 0 },    { "STATUS", 10, 0, 2, 0 }, { "SAFETY", 11, 0, 3, 0 },
	{ "KIND", 6, 0, 4, 0 }, { "TITLE", 60, 0, 0, 0 },
};

static const char *runbook_status_name(const struct runbook_step_state *s, char *buf, size_t n)
{
	switch (s->status) {
	case RUNBOOK_NOT_RUN:
		return "not run";
	case RUNBOOK_RUNNING:
		return "running";
	case RUNBOOK_OK:
		return "ok";
	case RUNBOOK_FAILED:
		snprintf(buf, n, "failed %d", s->exit_code);
		return buf;
	case RUNBOOK_SKIPPED:
		return "skipped";
	case RUNBOOK_DONE:
		return "done";
	case RUNBOOK_REFUSED:
		return "refused";
	case RUNBOOK_CANCELLED:
		return "cancelled";
	case RUNBOOK_TIMEDOUT:
		return "timed out";
	case RUNBOOK_STOPPED:
		return "stopped";
	}
	return "?";
}

static enum role runbook_status_role(enum runbook_status s)
{
	switch (s) {
	case RUNBOOK_RUNNING:
		return ROLE_RUNNING;
	case RUNBOOK_OK:
	case RUNBOOK_DONE:
		return ROLE_OK;
	case RUNBOOK_FAILED:
	case RUNBOOK_TIMEDOUT:
		return ROLE_ERROR;
	case RUNBOOK_REFUSED:
	case RUNBOOK_CANCELLED:
	case RUNBOOK_STOPPED:
		return ROLE_WARN;
	default:
		return ROLE_NORMAL;
	}
}

static const char *runbook_entry_type(const struct runbook_entry *e)
{
	return e->type == ENTRY_SYMPTOM     ? "symptom"
	       : e->type == ENTRY_PROCEDURE ? "procedure"
					    : "reference";
}

static void runbook_fill_picker(struct runbook_panel *rp)
{
	size_t i, j;

	table_clear_rows(&rp->picker);
	for (i = 0; rp->set != NULL && i < rp->set->nentries; i++) {
		const struct runbook_entry *e = &rp->set->entries[i];
		char id[32], steps[16];
		const char *cells[3];
		struct strbuf search = { 0 };

		snprintf(id, sizeof id, "%zu", i);
		snprintf(steps, sizeof steps, "%zu", e->nsteps);
		for (j = 0; j < e->nsymptoms; j++) {
			strbuf_puts(&search, e->symptoms[j]);
			strbuf_putc(&search, '\n');
		}
		cells[0] = runbook_entry_type(e);
		cells[1] = steps;
		cells[2] = e->title;
		table_add_row(&rp->picker, id, e->type == ENTRY_REFERENCE ? ROLE_DIM : ROLE_NORMAL,
			      cells, search.buf);
		strbuf_free(&search);
	}
	table_commit(&rp->picker);
}

static const char *runbook_safety_label(const struct step *s)
{
	if (s->destructive)
		return "DESTRUCTIVE";
	if (s->changing)
		return "changing";
	if (s->kind == STEP_YAML)
		return "manifest";
	return "read-only";
}

static void runbook_fill_steps(struct runbook_panel *rp)
{
	const struct runbook_entry *e;
	size_t i;

	table_clear_rows(&rp->steps);
	if (rp->entry < 0)
		return;
	e = &rp->set->entries[rp->entry];
	for (i = 0; i < e->nsteps; i++) {
		const struct step *s = &e->steps[i];
		char id[32], num[32], sbuf[32];
		const char *cells[5];
		enum role role = runbook_status_role(rp->st[i].status);

		snprintf(id, sizeof id, "%zu", i);
		snprintf(num, sizeof num, "%zu", i + 1);
		cells[0] = num;
		cells[1] = runbook_status_name(&rp->st[i], sbuf, sizeof sbuf);
		cells[2] = runbook_safety_label(s);
		cells[3] = runbook_kind_name(s->kind);
		cells[4] = s->title[0] != '\0' ? s->title : s->command;
		if (role == ROLE_NORMAL && s->destructive)
			role = ROLE_DESTRUCTIVE;
		else if (role == ROLE_NORMAL && s->changing)
			role = ROLE_CHANGING;
		table_add_row(&rp->steps, id, role, cells, s->command);
	}
	table_commit(&rp->steps);
}

static void runbook_free_states(struct runbook_panel *rp)
{
	size_t i;

	for (i = 0; i < rp->nst; i++) {
		strbuf_free(&rp->st[i].out);
		free(rp->st[i].note);
		free(rp->st[i].edited);
		free(rp->st[i].ran);
	}
	free(rp->st);
	rp->st = NULL;
	rp->nst = 0;
}

static void *runbook_create(struct app *app)
{
	struct runbook_panel *rp = xcalloc(1, sizeof *rp);

	rp->app = app;
	rp->set = app_runbooks(app);
	rp->entry = -1;
	rp->out_top = -1;
	table_init(&rp->picker, runbook_picker_cols, 3);
	table_init(&rp->steps, runbook_step_cols, 5);
	table_init(&rp->pick, runbook_pick_cols, 3);
	rp->pick.trouble_first = 1; /* failing pods first */
	rp->pick.trouble_word = "failing";
	runbook_fill_picker(rp);
	return rp;
}

static void runbook_pending_clear(struct runbook_pending *p)
{
	size_t i;

	if (p->values != NULL) {
		for (i = 0; i < p->copy.nplaceholders; i++) {
			if (p->values[i] != NULL)
				explicit_bzero(p->values[i], strlen(p->values[i]));
			free(p->values[i]);
		}
	}
	free(p->values);
	if (p->env != NULL) {
		for (i = 0; p->env[i] != NULL; i++) {
			explicit_bzero(p->env[i], strlen(p->env[i]));
			free(p->env[i]);
		}
	}
	free(p->env);
	free(p->copy.command);
	free(p->script);
	free(p->resolved);
	free(p->target);
	free(p->on);
	safety_verdict_free(&p->verdict);
	memset(p, 0, sizeof *p);
}

static void runbook_audit(struct runbook_panel *rp, const char *event, size_t step,
			  const char *command, const char *status, int exit_code, double duration,
			  const char *reason, const char *target)
{
	const struct runbook_entry *e = &rp->set->entries[rp->entry];
	struct audit_event ev = { 0 };

	ev.event = event;
	ev.runbook = e->title;
	ev.step = e->steps[step].title;
	ev.command = command;
	ev.status = status;
	ev.exit_code = exit_code;
	ev.duration = duration;
	ev.reason = reason;
	ev.target = target;
	if (audit_write(&ev) != 0)
		app_message(rp->app, ROLE_ERROR, "could not write the audit log (%s)",
			    audit_path() ? audit_path() : "not open");
}

static void runbook_destroy(void *self)
{
	struct runbook_panel *rp = self;

	if (rp->job != NULL) {
		struct exec_status st;

		job_stop(rp->job);
		job_poll(rp->job, &st,
			 rp->job_secret ? &rp->secret_out : &rp->st[rp->job_step].out);
		runbook_audit(rp, "end", rp->job_step, rp->st[rp->job_step].ran, "stopped", -1,
			      st.duration, "amconsole quit while the step ran", NULL);
		job_free(rp->job);
	}
	if (rp->secret_out.buf != NULL)
		explicit_bzero(rp->secret_out.buf, rp->secret_out.cap);
	strbuf_free(&rp->secret_out);
	runbook_pending_clear(&rp->pend);
	runbook_free_states(rp);
	table_free(&rp->picker);
	table_free(&rp->steps);
	table_free(&rp->pick);
	free(rp);
}

static const struct step *runbook_step(const struct runbook_panel *rp, size_t i)
{
	return &rp->set->entries[rp->entry].steps[i];
}

static long runbook_selected_step(const struct runbook_panel *rp)
{
	if (rp->entry < 0)
		return -1;
	return table_selected_index(&rp->steps);
}

static void runbook_open(struct runbook_panel *rp)
{
	long i = table_selected_index(&rp->picker);

	if (i < 0)
		return;
	if (i != rp->entry) {
		if (rp->job != NULL) {
			app_message(rp->app, ROLE_WARN,
				    "a step is still running: x stops it first");
			return;
		}
		runbook_free_states(rp);
		rp->entry = i;
		rp->nst = rp->set->entries[i].nsteps;
		rp->st = xcalloc(rp->nst ? rp->nst : 1, sizeof *rp->st);
		table_free(&rp->steps);
		table_init(&rp->steps, runbook_step_cols, 5);
	}
	rp->mode = RUNBOOK_STEPS;
	runbook_fill_steps(rp);
	app_show_filter(rp->app, rp->steps.filter);
}

/* Open an entry by its title (case-insensitive), clearing the picker's
 * filter so it is visible: how other panels jump here. */
static int runbook_open_title(void *self, const char *what, const char *vars)
{
	struct runbook_panel *rp = self;
	size_t i;
	char id[32];

	for (i = 0; rp->set != NULL && i < rp->set->nentries; i++)
		if (strcasecmp(rp->set->entries[i].title, what) == 0)
			break;
	if (rp->set == NULL || i == rp->set->nentries)
		return -1;
	table_set_filter(&rp->picker, "");
	snprintf(id, sizeof id, "%zu", i);
	table_select_id(&rp->picker, id);
	runbook_open(rp);
	if (rp->entry != (long)i)
		return -1;
	snprintf(rp->preset, sizeof rp->preset, "%s", vars != NULL ? vars : "");
	return 0;
}

/* The command text with each placeholder shown as its value (secret ones
 * as "***"): what the operator sees in the dialog and the audit log. The
 * script that runs references variables instead. */
static char *runbook_resolve_display(const struct step *s, char *const *values)
{
	struct strbuf sb = { 0 };
	const char *p = s->command;

	while (*p != '\0') {
		size_t i, best = 0, blen = 0;

		for (i = 0; i < s->nplaceholders; i++) {
			size_t tl = strlen(s->placeholders[i].token);

			if (s->placeholders[i].token[0] == '<' &&
			    strncmp(p, s->placeholders[i].token, tl) == 0 && tl > blen) {
				best = i;
				blen = tl;
			}
		}
		if (blen > 0) {
			strbuf_puts(&sb, s->placeholders[best].secret || values == NULL ||
							 values[best] == NULL
						 ? "***"
						 : values[best]);
			p += blen;
		} else {
			strbuf_putc(&sb, *p++);
		}
	}
	return strbuf_detach(&sb);
}

static void runbook_start(struct runbook_panel *rp);

static void runbook_confirmed(void *ctx, int ok)
{
	struct runbook_panel *rp = ctx;
	size_t i = rp->pend.step;

	if (!ok) {
		rp->st[i].status = RUNBOOK_CANCELLED;
		runbook_audit(rp, "cancelled", i, rp->pend.resolved, "cancelled", -1, -1,
			      "not confirmed", rp->pend.target);
		app_message(rp->app, ROLE_WARN, "cancelled: nothing was run");
		runbook_pending_clear(&rp->pend);
		runbook_fill_steps(rp);
		return;
	}
	runbook_start(rp);
}

/* All values are in: build env and script, then confirm or start. */
static void runbook_prepared(struct runbook_panel *rp)
{
	struct runbook_pending *p = &rp->pend;
	const struct step *s = &p->copy;
	char err[256];
	size_t i;

	p->env = runbook_step_env(s, (const char *const *)p->values, err, sizeof err);
	if (p->env == NULL) {
		app_message(rp->app, ROLE_ERROR, "not run: %s", err);
		rp->st[p->step].status = RUNBOOK_REFUSED;
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	p->script = runbook_step_script(s);
	p->resolved = runbook_resolve_display(s, p->values);
	if (p->on != NULL) {
		/* Say where a native step runs: in the dialog, the audit
		 * log and the transcript. */
		char *r = xasprintf("%s\n(on %s)", p->resolved, p->on);

		free(p->resolved);
		p->resolved = r;
	}
	if (p->verdict.target != NULL) {
		char *t = p->verdict.target;

		for (i = 0; i < s->nplaceholders; i++)
			if (strcmp(t, s->placeholders[i].token) == 0 && p->values[i] != NULL)
				t = p->values[i];
		p->target = xstrdup(t);
	}
	if (p->verdict.changing) {
		const char *body[40];
		char *lines = xstrdup(p->resolved);
		char why[160], tmo[64];
		size_t n = 0;
		char *save = NULL, *line;
		struct app_confirm c = { 0 };

		snprintf(why, sizeof why, "This step CHANGES the system (%s).",
			 p->verdict.why != NULL ? p->verdict.why : "changing");
		body[n++] = why;
		body[n++] = "It will run exactly:";
		for (line = strtok_r(lines, "\n", &save); line != NULL && n < 34;
		     line = strtok_r(NULL, "\n", &save))
			body[n++] = line;
		snprintf(tmo, sizeof tmo, "%s, timeout %.0f s",
			 s->interactive ? "interactive: the terminal is handed over"
					: "in the background",
			 s->timeout > 0 ? s->timeout : app_config(rp->app)->step_timeout);
		body[n++] = tmo;
		c.title = p->verdict.destructive ? "Destructive step" : "Changing step";
		c.body = body;
		c.nbody = n;
		c.type = p->verdict.destructive ? p->target : NULL;
		c.run_label = "Run";
		c.danger = p->verdict.destructive;
		c.done = runbook_confirmed;
		c.ctx = rp;
		app_confirm(rp->app, &c);
		free(lines);
		return;
	}
	runbook_start(rp);
}

static void runbook_ask_next(struct runbook_panel *rp);

static void runbook_got_value(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	struct runbook_pending *p = &rp->pend;

	if (value == NULL) {
		app_message(rp->app, ROLE_WARN, "cancelled: nothing was run");
		rp->st[p->step].status = RUNBOOK_CANCELLED;
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	if (p->copy.placeholders[p->next].k8s_name && !runbook_valid_k8s_name(value)) {
		p->retry = "not a valid Kubernetes name (a-z, 0-9, '-', '.')";
		runbook_ask_next(rp);
		return;
	}
	if (value[0] == '\0') {
		p->retry = "a value is needed (Esc cancels)";
		runbook_ask_next(rp);
		return;
	}
	p->retry = NULL;
	p->values[p->next] = xstrdup(value);
	p->next++;
	runbook_ask_next(rp);
}

/* The namespace a step names with -n NS or --namespace[=]NS, into ns;
 * 0 when it names none (or -A, or a placeholder). */
static int runbook_step_ns(const char *cmd, char *ns, size_t n)
{
	const char *p = cmd;
	int want = 0;

	while (*p != '\0') {
		size_t k;

		p += strspn(p, " \t\n\\");
		k = strcspn(p, " \t\n\\|;&");
		if (k == 0) {
			p += *p != '\0';
			continue;
		}
		if (want || (k > 12 && strncmp(p, "--namespace=", 12) == 0)) {
			const char *v = want ? p : p + 12;
			size_t vl = want ? k : k - 12;

			if (vl >= 2 && (*v == '"' || *v == '\'') && v[vl - 1] == *v) {
				v++;
				vl -= 2;
			}
			snprintf(ns, n, "%.*s", (int)vl, v);
			return runbook_valid_k8s_name(ns);
		}
		want = (k == 2 && strncmp(p, "-n", 2) == 0) ||
		       (k == 11 && strncmp(p, "--namespace", 11) == 0);
		p += k;
	}
	return 0;
}

/* Offer the Pods panel's pods (of the step's namespace) as a pick list
 * for a pod placeholder, with known (a finding's pod, or "") selected;
 * typing stays possible (t). 1 if offered. */
static int runbook_offer_pods(struct runbook_panel *rp, const char *label, const char *known)
{
	char ns[256];
	struct pods_pick *pods = NULL;
	int has_ns = runbook_step_ns(rp->pend.copy.command, ns, sizeof ns);
	size_t n = pods_picks(app_panel(rp->app, &pods_panel), has_ns ? ns : NULL, &pods), i;

	if (n == 0)
		return 0;
	table_clear_rows(&rp->pick);
	for (i = 0; i < n; i++) {
		const char *cells[3] = { pods[i].name, pods[i].status, pods[i].restarts };

		table_add_ranked(&rp->pick, pods[i].name, pods[i].role, pods[i].rank, cells, NULL);
	}
	pods_picks_free(pods, n);
	table_set_filter(&rp->pick, "");
	if (known[0] != '\0')
		table_select_id(&rp->pick, known);
	snprintf(rp->pick_label, sizeof rp->pick_label, "%s", label);
	rp->mode = RUNBOOK_PICK;
	app_show_filter(rp->app, "");
	app_message(rp->app, ROLE_NORMAL, "%s pick a pod%s%s (Enter), / filters, t types a name",
		    label, has_ns ? " of " : "", has_ns ? ns : "");
	return 1;
}

static void runbook_ask_next(struct runbook_panel *rp)
{
	struct runbook_pending *p = &rp->pend;
	char label[256], known[256];
	const struct placeholder *ph;

	if (p->next >= p->copy.nplaceholders) {
		runbook_prepared(rp);
		return;
	}
	ph = &p->copy.placeholders[p->next];
	/* A $VAR already set in our environment needs no question. */
	if (ph->token[0] == '$' && getenv(ph->env) != NULL) {
		p->values[p->next] = xstrdup(getenv(ph->env));
		p->next++;
		runbook_ask_next(rp);
		return;
	}
	snprintf(label, sizeof label, "%s%s%s%s (%zu/%zu): ", p->retry ? p->retry : "",
		 p->retry ? "; " : "", ph->label, ph->secret ? " [hidden]" : "", p->next + 1,
		 p->copy.nplaceholders);
	if (!finding_var_get(rp->preset, ph->label, known, sizeof known))
		known[0] = '\0';
	if (ph->pod && !ph->secret && runbook_offer_pods(rp, label, known))
		return;
	app_prompt(rp->app, label, known, ph->secret, runbook_got_value, rp);
}

static int runbook_ask_target(struct runbook_panel *rp);

static void runbook_got_target(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	struct runbook_pending *p = &rp->pend;
	const struct native_ops *ops = native_find(p->copy.kind);
	const char *names[64];
	size_t n = ops->targets(app_config(rp->app), names, 64), k;

	if (value == NULL) {
		app_message(rp->app, ROLE_WARN, "cancelled: nothing was run");
		rp->st[p->step].status = RUNBOOK_CANCELLED;
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	for (k = 0; k < n && k < 64; k++)
		if (strcmp(names[k], value) == 0)
			break;
	if (k == n || k == 64) {
		p->retry = "no such instance";
		runbook_ask_target(rp);
		return;
	}
	p->retry = NULL;
	p->on = xstrdup(value);
	runbook_ask_next(rp);
}

/* A native step whose source has several instances runs on the one the
 * operator names. Returns 1 when it asked (the answer continues the run). */
static int runbook_ask_target(struct runbook_panel *rp)
{
	struct runbook_pending *p = &rp->pend;
	const struct native_ops *ops = native_find(p->copy.kind);
	const char *names[64];
	struct strbuf label = { 0 };
	size_t n, k;

	if (p->copy.kind == STEP_SHELL || ops == NULL || ops->targets == NULL)
		return 0;
	n = ops->targets(app_config(rp->app), names, 64);
	if (n < 2)
		return 0;
	if (p->retry != NULL)
		strbuf_printf(&label, "%s; ", p->retry);
	strbuf_puts(&label, "run on which instance (");
	for (k = 0; k < n && k < 64; k++)
		strbuf_printf(&label, "%s%s", k ? ", " : "", names[k]);
	strbuf_puts(&label, "): ");
	app_prompt(rp->app, label.buf, names[0], 0, runbook_got_target, rp);
	strbuf_free(&label);
	return 1;
}

static void runbook_prepare(struct runbook_panel *rp, size_t i, const char *edited)
{
	const struct step *s = runbook_step(rp, i);
	struct runbook_pending *p = &rp->pend;

	if (rp->job != NULL) {
		app_message(rp->app, ROLE_WARN, "step %zu is still running: x stops it",
			    rp->job_step + 1);
		return;
	}
	if (s->kind == STEP_YAML) {
		app_message(rp->app, ROLE_NORMAL,
			    "a yaml step is shown and copied (c); it is applied only through an "
			    "explicit action");
		return;
	}
	if (s->kind != STEP_SHELL) {
		const struct native_ops *ops = native_find(s->kind);
		char why[256];

		if (ops == NULL) {
			app_message(
				rp->app, ROLE_NORMAL,
				"%s steps run natively once their data source exists; c copies it",
				runbook_kind_name(s->kind));
			return;
		}
		if (!ops->ready(app_config(rp->app), why, sizeof why)) {
			app_message(rp->app, ROLE_WARN, "%s; c copies the step", why);
			return;
		}
		/* Values are never spliced into a query or command. */
		if (s->nplaceholders > 0) {
			app_message(
				rp->app, ROLE_WARN,
				"this %s step has placeholders (%s): edit it (e) or copy it (c)",
				runbook_kind_name(s->kind), s->placeholders[0].token);
			return;
		}
	}
	runbook_pending_clear(p);
	p->active = 1;
	p->step = i;
	p->copy = *s;
	p->copy.command = xstrdup(edited != NULL ? edited : s->command);
	if (edited != NULL) {
		/* An edited command is judged afresh: editing never skips a
		 * confirmation. */
		safety_classify(s->kind, edited, &p->verdict);
		p->verdict.changing |= s->changing;
		p->verdict.destructive |= s->destructive;
		if (p->verdict.target == NULL && s->target != NULL)
			p->verdict.target = xstrdup(s->target);
	} else {
		p->verdict.changing = s->changing;
		p->verdict.destructive = s->destructive;
		p->verdict.interactive = s->interactive;
		p->verdict.target = s->target != NULL ? xstrdup(s->target) : NULL;
		p->verdict.why = s->change_why != NULL ? xstrdup(s->change_why) : NULL;
	}
	if (p->verdict.destructive && p->verdict.target == NULL)
		p->verdict.target = xstrdup("yes");
	if (p->verdict.changing && app_read_only(rp->app)) {
		char reason[200];

		snprintf(reason, sizeof reason, "read-only mode: refused a changing step (%s)",
			 p->verdict.why != NULL ? p->verdict.why : "changing");
		rp->st[i].status = RUNBOOK_REFUSED;
		runbook_audit(rp, "refused", i, p->copy.command, "refused", -1, -1, reason, NULL);
		app_message(rp->app, ROLE_READONLY, "%s; nothing was run", reason);
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	p->values = xcalloc(s->nplaceholders ? s->nplaceholders : 1, sizeof *p->values);
	p->next = 0;
	if (runbook_ask_target(rp))
		return;
	runbook_ask_next(rp);
}

/* 1 if word (a kubectl resource argument) names secrets: "secret",
 * "secrets/x", "secret.v1", "configmaps,secrets". */
static int runbook_secret_word(const char *w, size_t n)
{
	while (n > 0) {
		size_t k = 0, r;

		while (k < n && w[k] != ',')
			k++;
		r = k >= 7 && strncmp(w, "secrets", 7) == 0  ? 7
		    : k >= 6 && strncmp(w, "secret", 6) == 0 ? 6
							     : 0;
		if (r > 0 && (r == k || w[r] == '/' || w[r] == '.'))
			return 1;
		w += k < n ? k + 1 : k;
		n -= k < n ? k + 1 : k;
	}
	return 0;
}

/* 1 if cmd runs `kubectl get secret...`: its output holds the secret's
 * values, which are masked (k8s_mask_secret_text) before anything else
 * sees them; 2 when it prints chosen fields (jsonpath, go-template,
 * custom-columns): bare values no masker can tell from other text, so
 * that output is withheld. 0 otherwise. */
static int runbook_gets_secret(const char *cmd)
{
	const char *p = cmd;

	while ((p = strstr(p, "kubectl")) != NULL) {
		const char *start = p, *end = p + strcspn(p, "|;&\n");
		int get = 0;

		p += 7;
		while (p < end) {
			size_t n;

			p += strspn(p, " \t\\\"'");
			n = strcspn(p, " \t\\\"'|;&\n");
			if (n == 0)
				break;
			if (get && runbook_secret_word(p, n)) {
				char *seg = xstrndup(start, (size_t)(end - start));
				int fields = strstr(seg, "jsonpath") != NULL ||
					     strstr(seg, "template") != NULL ||
					     strstr(seg, "custom-columns") != NULL;

				free(seg);
				return fields ? 2 : 1;
			}
			get |= n == 3 && strncmp(p, "get", 3) == 0;
			p += n;
		}
		p = end;
	}
	return 0;
}

/* The secret step ended: its output, masked, becomes the step's output. */
static void runbook_secret_done(struct runbook_panel *rp, struct runbook_step_state *ss)
{
	struct strbuf *raw = &rp->secret_out;

	if (rp->job_secret == 2)
		strbuf_printf(
			&ss->out,
			"(output withheld: %zu bytes of a secret's fields printed by jsonpath, "
			"template or custom-columns cannot be masked)\n",
			raw->len + ss->dropped);
	else if (ss->dropped > 0)
		strbuf_printf(&ss->out,
			      "(output withheld: %zu bytes of a kubectl get secret step are too "
			      "many to mask safely)\n",
			      raw->len + ss->dropped);
	else if (raw->buf != NULL) {
		k8s_mask_secret_text(raw->buf);
		strbuf_puts(&ss->out, raw->buf);
	}
	if (raw->buf != NULL)
		explicit_bzero(raw->buf, raw->cap);
	strbuf_free(raw);
	rp->job_secret = 0;
}

static void runbook_start(struct runbook_panel *rp)
{
	struct runbook_pending *p = &rp->pend;
	struct runbook_step_state *ss = &rp->st[p->step];
	struct exec_spec spec = { 0 };
	char err[256];
	double timeout = p->copy.timeout > 0 ? p->copy.timeout : app_config(rp->app)->step_timeout;

	spec.shell = app_shell(rp->app);
	spec.command = p->script;
	spec.env = (const char *const *)p->env;
	spec.timeout = timeout;
	spec.output_cap = RUNBOOK_OUTPUT_CAP;
	free(ss->ran);
	ss->ran = xstrdup(p->resolved);
	strbuf_reset(&ss->out);
	ss->dropped = 0;
	ss->started = util_wall();
	runbook_audit(rp, "run", p->step, p->resolved, NULL, -1, -1, NULL, p->target);
	if (p->copy.kind == STEP_SHELL && (p->copy.interactive || p->verdict.interactive)) {
		struct exec_status st;

		if (app_run_foreground(rp->app, &spec, &st) != 0) {
			ss->status = RUNBOOK_FAILED;
			ss->exit_code = -1;
			app_message(rp->app, ROLE_ERROR, "could not start: %s", st.error);
		} else {
			ss->exit_code = st.exit_code;
			ss->status = st.state == EXEC_EXITED && st.exit_code == 0 ? RUNBOOK_OK
										  : RUNBOOK_FAILED;
			strbuf_puts(&ss->out,
				    "(interactive step: its output went to the terminal)\n");
		}
		ss->duration = st.duration;
		runbook_audit(rp, "end", p->step, p->resolved,
			      ss->status == RUNBOOK_OK ? "ok" : "failed", ss->exit_code,
			      ss->duration, NULL, p->target);
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	if (p->copy.kind == STEP_SHELL) {
		rp->job = exec_start(&spec, app_wake_fd(rp->app), err, sizeof err);
		rp->job_secret = rp->job != NULL ? runbook_gets_secret(p->copy.command) : 0;
	} else {
		rp->job = native_find(p->copy.kind)
				  ->start(app_config(rp->app), p->on, p->copy.command, timeout,
					  app_wake_fd(rp->app), err, sizeof err);
	}
	if (rp->job == NULL) {
		ss->status = RUNBOOK_FAILED;
		ss->exit_code = -1;
		runbook_audit(rp, "end", p->step, p->resolved, "failed", -1, 0, err, p->target);
		app_message(rp->app, ROLE_ERROR, "could not start: %s", err);
	} else {
		rp->job_step = p->step;
		ss->status = RUNBOOK_RUNNING;
		rp->out_top = -1;
		app_message(rp->app, ROLE_RUNNING, "running step %zu (x stops it)%s", p->step + 1,
			    rp->job_secret ? "; a secret's output is shown masked when it ends"
					   : "");
	}
	runbook_pending_clear(p);
	runbook_fill_steps(rp);
}

static int runbook_update(void *self)
{
	struct runbook_panel *rp = self;
	struct runbook_step_state *ss;
	struct exec_status st;
	struct strbuf *out;
	const char *status;

	if (rp->job == NULL)
		return 0;
	ss = &rp->st[rp->job_step];
	out = rp->job_secret ? &rp->secret_out : &ss->out;
	if (!job_poll(rp->job, &st, out))
		return 0;
	/* Keep the newest bytes within the cap. */
	if (out->len > RUNBOOK_OUTPUT_CAP) {
		size_t cut = out->len - RUNBOOK_OUTPUT_CAP;

		memmove(out->buf, out->buf + cut, out->len - cut + 1);
		out->len -= cut;
		ss->dropped += cut;
	}
	ss->dropped = st.dropped > ss->dropped ? st.dropped : ss->dropped;
	ss->duration = st.duration;
	if (st.state == EXEC_RUNNING)
		return 1;
	if (rp->job_secret)
		runbook_secret_done(rp, ss);
	switch (st.state) {
	case EXEC_EXITED:
		ss->exit_code = st.exit_code;
		ss->status = st.exit_code == 0 ? RUNBOOK_OK : RUNBOOK_FAILED;
		status = st.exit_code == 0 ? "ok" : "failed";
		break;
	case EXEC_TIMEDOUT:
		ss->status = RUNBOOK_TIMEDOUT;
		ss->exit_code = -1;
		status = "timed out";
		break;
	case EXEC_STOPPED:
		ss->status = RUNBOOK_STOPPED;
		ss->exit_code = -1;
		status = "stopped";
		break;
	case EXEC_SIGNALED:
		ss->status = RUNBOOK_FAILED;
		ss->exit_code = 128 + st.term_signal;
		status = "killed by a signal";
		break;
	default:
		ss->status = RUNBOOK_FAILED;
		ss->exit_code = -1;
		status = "failed to start";
		break;
	}
	runbook_audit(rp, "end", rp->job_step, ss->ran, status,
		      st.state == EXEC_EXITED ? st.exit_code : -1, st.duration,
		      st.error[0] ? st.error : NULL, NULL);
	app_message(rp->app, ss->status == RUNBOOK_OK ? ROLE_OK : ROLE_ERROR,
		    "step %zu: %s%s (%.1f s)", rp->job_step + 1, status,
		    st.state == EXEC_EXITED && st.exit_code != 0 ? " with a non-zero exit" : "",
		    st.duration);
	job_free(rp->job);
	rp->job = NULL;
	runbook_fill_steps(rp);
	return 1;
}

/* ---- transcript ---- */

static void runbook_md_block(FILE *f, const char *text, size_t maxlines, int from_end)
{
	char *r = redact(text);
	struct sanitize_out so;
	size_t lines = 0, i, start = 0;

	sanitize(r, strlen(r), SANITIZE_MULTILINE, 64 * 1024, &so);
	for (i = 0; i < so.len; i++)
		if (so.text[i] == '\n')
			lines++;
	if (from_end && lines > maxlines) {
		size_t skip = lines - maxlines;

		for (i = 0; i < so.len && skip > 0; i++)
			if (so.text[i] == '\n')
				skip--;
		start = i;
		fprintf(f, "… (%zu earlier lines)\n", lines - maxlines);
	}
	fputs("```\n", f);
	fwrite(so.text + start, 1, so.len - start, f);
	if (so.len > start && so.text[so.len - 1] != '\n')
		fputc('\n', f);
	fputs("```\n", f);
	sanitize_out_free(&so);
	free(r);
}

static void runbook_md_text(FILE *f, const char *text)
{
	char *r = redact(text);
	char *s = sanitize_str(r);

	fputs(s, f);
	free(s);
	free(r);
}

/* "20:31:02 UTC" of wall time t into buf. */
static void runbook_hms(char *buf, size_t n, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, n, "%H:%M:%S UTC", &tm);
}

/* The transcript's record of what the Triage view saw: each finding,
 * when it appeared and when it cleared. */
static void runbook_write_findings(struct runbook_panel *rp, FILE *f)
{
	size_t n, i;
	const struct finding_seen *s = app_findings_seen(rp->app, &n);

	if (n == 0)
		return;
	fputs("\n## Findings\n\n", f);
	for (i = 0; i < n; i++) {
		char a[32], c[32], line[512];

		runbook_hms(a, sizeof a, s[i].appeared);
		if (s[i].cleared > 0)
			runbook_hms(c, sizeof c, s[i].cleared);
		snprintf(line, sizeof line, "%s %s %s: %s (appeared %s, %s%s)",
			 finding_sev_name(s[i].sev), s[i].source, s[i].object, s[i].what, a,
			 s[i].cleared > 0 ? "cleared " : "still there", s[i].cleared > 0 ? c : "");
		fputs("- ", f);
		runbook_md_text(f, line);
		fputc('\n', f);
	}
}

static void runbook_write_transcript(struct runbook_panel *rp)
{
	const char *dir = app_state_dir(rp->app);
	char stamp[32], when[32], *path, *tmp;
	time_t now = time(NULL);
	struct tm tm;
	double elapsed;
	int sev = app_severity(rp->app, NULL, &elapsed);
	FILE *f;
	int fd;
	size_t i;

	if (dir == NULL) {
		app_message(rp->app, ROLE_ERROR, "no state directory (set HOME or XDG_STATE_HOME)");
		return;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	path = xasprintf("%s/incident-%s.md", dir, stamp);
	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		app_message(rp->app, ROLE_ERROR, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		free(tmp);
		return;
	}
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "# Incident report\n\n- Written: %s\n", when);
	if (sev >= 0) {
		char el[32];

		util_fmt_duration(el, sizeof el, elapsed);
		fprintf(f, "- Severity: P%d (open for %s)\n", sev, el);
	} else {
		fputs("- Severity: none set\n", f);
	}
	fprintf(f, "- Mode: %s\n", app_read_only(rp->app) ? "read-only" : "read-write");
	runbook_write_findings(rp, f);
	if (rp->entry < 0) {
		fputs("\nNo symptom was opened.\n", f);
	} else {
		const struct runbook_entry *e = &rp->set->entries[rp->entry];

		fputs("\n## ", f);
		runbook_md_text(f, e->title);
		fputs("\n\n", f);
		for (i = 0; i < e->nsymptoms; i++) {
			fputs("- ", f);
			runbook_md_text(f, e->symptoms[i]);
			fputc('\n', f);
		}
		fputs("\n## Steps\n", f);
		for (i = 0; i < e->nsteps; i++) {
			const struct runbook_step_state *ss = &rp->st[i];
			char sbuf[32], t[32];
			struct tm st;
			time_t started = (time_t)ss->started;

			if (ss->status == RUNBOOK_NOT_RUN && ss->note == NULL)
				continue;
			fprintf(f, "\n### %zu. ", i + 1);
			runbook_md_text(f, e->steps[i].title[0] ? e->steps[i].title : "(untitled)");
			fprintf(f, "\n\n- Status: %s\n",
				runbook_status_name(ss, sbuf, sizeof sbuf));
			if (ss->started > 0) {
				gmtime_r(&started, &st);
				strftime(t, sizeof t, "%H:%M:%S UTC", &st);
				fprintf(f, "- Started: %s, took %.1f s\n", t, ss->duration);
			}
			if (ss->note != NULL) {
				fputs("- Note: ", f);
				runbook_md_text(f, ss->note);
				fputc('\n', f);
			}
			fputs("\nCommand:\n\n", f);
			runbook_md_block(f, ss->ran != NULL ? ss->ran : e->steps[i].command, 200,
					 0);
			if (ss->out.len > 0) {
				fputs("\nOutput (last lines):\n\n", f);
				runbook_md_block(f, ss->out.buf, 20, 1);
			}
		}
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		app_message(rp->app, ROLE_ERROR, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		app_message(rp->app, ROLE_OK, "transcript written to %s", path);
	}
	free(path);
	free(tmp);
}

/* ---- keys ---- */

static void runbook_got_note(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	long i = runbook_selected_step(rp);

	if (value == NULL || i < 0)
		return;
	free(rp->st[i].note);
	rp->st[i].note = value[0] != '\0' ? xstrdup(value) : NULL;
	app_message(rp->app, ROLE_OK, "note saved on step %ld", i + 1);
}

static int runbook_action(void *self, int action)
{
	struct runbook_panel *rp = self;
	long i = runbook_selected_step(rp);
	char *edited;

	switch (action) {
	case RUNBOOK_PICK_OK:
	case RUNBOOK_PICK_TYPE:
	case RUNBOOK_PICK_CANCEL: {
		const struct table_row *row = table_selected(&rp->pick);
		char value[256];

		if (action == RUNBOOK_PICK_OK && row == NULL)
			return 1;
		snprintf(value, sizeof value, "%s", row != NULL ? row->id : "");
		rp->mode = RUNBOOK_STEPS;
		app_show_filter(rp->app, rp->steps.filter);
		if (action == RUNBOOK_PICK_TYPE)
			app_prompt(rp->app, rp->pick_label, "", 0, runbook_got_value, rp);
		else
			runbook_got_value(rp, action == RUNBOOK_PICK_OK ? value : NULL);
		return 1;
	}
	case RUNBOOK_OPEN:
		rp->preset[0] = '\0';
		runbook_open(rp);
		return 1;
	case RUNBOOK_WRITE:
		runbook_write_transcript(rp);
		return 1;
	case RUNBOOK_BACK:
		rp->mode = rp->mode == RUNBOOK_OUTPUT ? RUNBOOK_STEPS : RUNBOOK_PICKER;
		app_show_filter(rp->app,
				rp->mode == RUNBOOK_PICKER ? rp->picker.filter : rp->steps.filter);
		return 1;
	case RUNBOOK_STOP:
		if (rp->job == NULL) {
			app_message(rp->app, ROLE_NORMAL, "no step is running");
			return 1;
		}
		job_stop(rp->job);
		app_message(rp->app, ROLE_WARN, "stopping step %zu…", rp->job_step + 1);
		return 1;
	case RUNBOOK_SEARCH_NEXT:
	case RUNBOOK_SEARCH_PREV: {
		const struct strbuf *out;
		long line = 0, target = -1, cur;
		const char *p, *nl;

		if (i < 0 || rp->search[0] == '\0')
			return 1;
		out = &rp->st[i].out;
		cur = rp->out_top < 0 ? 0 : rp->out_top;
		for (p = out->buf; p != NULL && *p != '\0'; line++) {
			char *l;

			nl = strchr(p, '\n');
			l = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
			if (table_match(l, rp->search)) {
				if (action == RUNBOOK_SEARCH_NEXT && line > cur && target < 0)
					target = line;
				if (action == RUNBOOK_SEARCH_PREV && line < cur)
					target = line;
			}
			free(l);
			p = nl ? nl + 1 : NULL;
		}
		if (target >= 0)
			rp->out_top = target;
		else
			app_message(rp->app, ROLE_WARN, "no more matches of \"%s\"", rp->search);
		return 1;
	}
	}
	if (i < 0)
		return 0;
	switch (action) {
	case RUNBOOK_RUN:
		runbook_prepare(rp, (size_t)i, rp->st[i].edited);
		break;
	case RUNBOOK_EDIT:
		edited = app_edit(rp->app, rp->st[i].edited ? rp->st[i].edited
							    : runbook_step(rp, (size_t)i)->command);
		if (edited == NULL) {
			app_message(rp->app, ROLE_NORMAL, "command unchanged");
			break;
		}
		free(rp->st[i].edited);
		rp->st[i].edited = edited;
		runbook_prepare(rp, (size_t)i, edited);
		break;
	case RUNBOOK_COPY:
		app_copy(rp->app, rp->st[i].edited ? rp->st[i].edited
						   : runbook_step(rp, (size_t)i)->command);
		break;
	case RUNBOOK_SKIP:
		if (rp->st[i].status != RUNBOOK_RUNNING)
			rp->st[i].status = RUNBOOK_SKIPPED;
		break;
	case RUNBOOK_MARK_DONE:
		if (rp->st[i].status != RUNBOOK_RUNNING)
			rp->st[i].status = RUNBOOK_DONE;
		break;
	case RUNBOOK_NOTE:
		app_prompt(rp->app, "note: ", rp->st[i].note, 0, runbook_got_note, rp);
		break;
	case RUNBOOK_OUTPUT_VIEW:
		rp->mode = RUNBOOK_OUTPUT;
		app_show_filter(rp->app, rp->search);
		if (rp->out_top < 0)
			rp->out_top = 0;
		break;
	}
	runbook_fill_steps(rp);
	return 1;
}

static int runbook_key(void *self, int key)
{
	struct runbook_panel *rp = self;

	if (rp->mode == RUNBOOK_PICKER)
		return table_key(&rp->picker, key);
	if (rp->mode == RUNBOOK_PICK)
		return table_key(&rp->pick, key);
	if (rp->mode == RUNBOOK_STEPS) {
		if (key == SCREEN_KEY_ESC)
			return runbook_action(rp, RUNBOOK_BACK);
		return table_key(&rp->steps, key);
	}
	switch (key) {
	case KEY_UP:
	case 'k':
	case SCREEN_KEY_WHEEL_UP:
		if (rp->out_top > 0)
			rp->out_top--;
		return 1;
	case KEY_DOWN:
	case 'j':
	case SCREEN_KEY_WHEEL_DOWN:
		rp->out_top = rp->out_top < 0 ? 1 : rp->out_top + 1;
		return 1;
	case KEY_NPAGE:
	case ' ':
		rp->out_top = (rp->out_top < 0 ? 0 : rp->out_top) + 10;
		return 1;
	case KEY_PPAGE:
		rp->out_top = rp->out_top > 10 ? rp->out_top - 10 : 0;
		return 1;
	case 'g':
	case KEY_HOME:
		rp->out_top = 0;
		return 1;
	case 'G':
	case KEY_END:
		rp->out_top = -1;
		return 1;
	case SCREEN_KEY_ESC:
		return runbook_action(rp, RUNBOOK_BACK);
	}
	return 0;
}

static int runbook_click(void *self, int y, int x)
{
	struct runbook_panel *rp = self;

	/* Row 0 of the pane is the list's heading line. */
	if (rp->mode == RUNBOOK_PICKER)
		return table_click(&rp->picker, y - 1);
	if (rp->mode == RUNBOOK_STEPS)
		return table_click(&rp->steps, y - 1);
	if (rp->mode == RUNBOOK_PICK)
		return table_click(&rp->pick, y - 2);
	return 0;
}

static void runbook_filter(void *self, const char *text)
{
	struct runbook_panel *rp = self;

	snprintf(rp->filter, sizeof rp->filter, "%s", text);
	switch (rp->mode) {
	case RUNBOOK_OUTPUT:
		snprintf(rp->search, sizeof rp->search, "%s", text);
		break;
	case RUNBOOK_STEPS:
		table_set_filter(&rp->steps, text);
		break;
	case RUNBOOK_PICKER:
		table_set_filter(&rp->picker, text);
		break;
	case RUNBOOK_PICK:
		table_set_filter(&rp->pick, text);
		break;
	}
}

static int runbook_busy(void *self)
{
	const struct runbook_panel *rp = self;

	return rp->job != NULL;
}

static const struct keymap_entry *runbook_mode_keys(void *self)
{
	const struct runbook_panel *rp = self;

	switch (rp->mode) {
	case RUNBOOK_PICKER:
		return runbook_picker_keys;
	case RUNBOOK_STEPS:
		return runbook_step_keys;
	case RUNBOOK_OUTPUT:
		return runbook_output_keys;
	case RUNBOOK_PICK:
		return runbook_pick_keys;
	}
	return NULL;
}

/* ---- drawing ---- */

/* Draw multi-line text from line `top` (-1: the end) into v; lines
 * matching search are painted as matches. Returns lines in text. */
static long runbook_draw_lines(const struct view *v, int y0, const char *text, size_t len, long top,
			       const char *search, enum role role)
{
	long total = 0, first, line = 0;
	size_t i, start = 0;
	int y = y0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			total++;
	if (len > 0 && text[len - 1] != '\n')
		total++;
	first = top;
	if (first < 0 || first > total - (v->h - y0))
		first = total - (v->h - y0) < 0 ? 0 : total - (v->h - y0);
	if (top >= 0 && top < first)
		first = top;
	for (i = 0; i <= len && y < v->h; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (line >= first && (i > start || i < len)) {
			enum role r = role;

			if (search != NULL && search[0] != '\0') {
				char *l = xstrndup(text + start, i - start);

				if (table_match(l, search))
					r = ROLE_MATCH;
				free(l);
			}
			draw_textn(v, y++, 0, r, text + start, i - start, -1);
		}
		line++;
		start = i + 1;
	}
	return total;
}

static void runbook_draw_detail(struct runbook_panel *rp, const struct view *v)
{
	long i = runbook_selected_step(rp);
	const struct step *s;
	const struct runbook_step_state *ss;
	int y = 0;
	size_t w;
	char buf[200], sbuf[32];

	if (i < 0 || v->h <= 0)
		return;
	s = runbook_step(rp, (size_t)i);
	ss = &rp->st[i];
	snprintf(buf, sizeof buf, "%s · %s · %s%s%s", s->group[0] ? s->group : "(no group)",
		 runbook_phase_name(s->phase), runbook_kind_name(s->kind),
		 s->interactive ? " · interactive" : "", s->script ? " · script" : "");
	draw_text(v, y++, 0, ROLE_HEADER, buf, -1);
	if (s->changing) {
		snprintf(buf, sizeof buf, "%s: %s%s%s", s->destructive ? "DESTRUCTIVE" : "CHANGING",
			 s->change_why ? s->change_why : "changes the system",
			 s->target ? " — confirm by typing " : "", s->target ? s->target : "");
		draw_text(v, y++, 0, s->destructive ? ROLE_DESTRUCTIVE : ROLE_CHANGING, buf, -1);
	}
	for (w = 0; w < s->nwarnings && y < v->h; w++) {
		int x = draw_label(v, y, 0, ROLE_WARN, "lint: ");

		draw_text(v, y++, x, ROLE_WARN, s->warnings[w], -1);
	}
	for (w = 0; w < s->nplaceholders && y < v->h && w < 4; w++) {
		snprintf(buf, sizeof buf, "asks for %s%s (as $%s)", s->placeholders[w].token,
			 s->placeholders[w].secret ? ", hidden" : "", s->placeholders[w].env);
		draw_text(v, y++, 0, ROLE_DIM, buf, -1);
	}
	if (ss->note != NULL && y < v->h) {
		int x = draw_label(v, y, 0, ROLE_KEY, "note: ");

		draw_text(v, y++, x, ROLE_NORMAL, ss->note, -1);
	}
	if (y < v->h)
		draw_hline(v, y++, ROLE_BORDER);
	{
		const char *cmd = ss->edited ? ss->edited : s->command;
		struct view cv = { v->y + y, v->x, v->h - y, v->w };
		int lines = 0;
		const char *p;

		for (p = cmd; *p; p++)
			lines += *p == '\n';
		lines++;
		if (lines > cv.h / 2 && cv.h > 4)
			lines = cv.h / 2;
		cv.h = lines < cv.h ? lines : cv.h;
		runbook_draw_lines(&cv, 0, cmd, strlen(cmd), 0, NULL, ROLE_INPUT);
		y += cv.h;
	}
	if (y < v->h) {
		char dur[32];

		util_fmt_duration(dur, sizeof dur, ss->duration);
		snprintf(buf, sizeof buf, " output: %s%s%s ",
			 runbook_status_name(ss, sbuf, sizeof sbuf),
			 ss->status != RUNBOOK_NOT_RUN ? ", " : "",
			 ss->status != RUNBOOK_NOT_RUN ? dur : "");
		draw_hline(v, y, ROLE_BORDER);
		draw_label(v, y++, 2, runbook_status_role(ss->status), buf);
		if (ss->dropped > 0 && y < v->h) {
			snprintf(buf, sizeof buf, "… (%zu earlier bytes dropped)", ss->dropped);
			draw_label(v, y++, 0, ROLE_DIM, buf);
		}
	}
	if (y < v->h && ss->out.len > 0) {
		struct view ov = { v->y + y, v->x, v->h - y, v->w };

		runbook_draw_lines(&ov, 0, ss->out.buf, ss->out.len,
				   rp->mode == RUNBOOK_OUTPUT ? rp->out_top : -1,
				   rp->mode == RUNBOOK_OUTPUT ? rp->search : NULL, ROLE_NORMAL);
	}
}

static void runbook_draw_entry_info(struct runbook_panel *rp, const struct view *v)
{
	long i = table_selected_index(&rp->picker);
	const struct runbook_entry *e;
	int y = 0;
	size_t k;

	if (i < 0 || v->h <= 0)
		return;
	e = &rp->set->entries[i];
	draw_text(v, y++, 0, ROLE_HEADER, e->title, -1);
	if (e->nsymptoms > 0 && y < v->h)
		draw_label(v, y++, 0, ROLE_DIM, "Symptoms:");
	for (k = 0; k < e->nsymptoms && y < v->h; k++) {
		struct view bv = { v->y, v->x + 3, v->h, v->w - 3 };

		draw_label(v, y, 0, ROLE_NORMAL, " - ");
		y += draw_wrapped(&bv, y, ROLE_NORMAL, e->symptoms[k], strlen(e->symptoms[k]));
	}
	if (e->text != NULL && y < v->h)
		draw_wrapped(v, y, ROLE_NORMAL, e->text, strlen(e->text));
}

/* Rows for the list when the pane is split top/bottom: the detail gets
 * what the selected step needs (its command, badges, and half the pane
 * once it has output); the list keeps the rest. */
static int runbook_list_height(const struct runbook_panel *rp, int h)
{
	long i = runbook_selected_step(rp);
	int need = 4, lh;

	if (rp->mode == RUNBOOK_OUTPUT)
		return 3;
	if (rp->mode == RUNBOOK_PICK)
		return h - 1 - h / 3;
	if (rp->mode == RUNBOOK_PICKER || i < 0) {
		need = h / 3;
	} else {
		const struct step *s = runbook_step(rp, (size_t)i);
		const char *p;
		int lines = 1;

		for (p = rp->st[i].edited ? rp->st[i].edited : s->command; *p; p++)
			lines += *p == '\n';
		need += (lines < h / 3 ? lines : h / 3) + (int)s->nwarnings + s->changing +
			(int)(s->nplaceholders < 4 ? s->nplaceholders : 4);
		if (rp->st[i].out.len > 0 && need < h / 2)
			need = h / 2;
	}
	lh = h - 1 - need;
	if (lh > h - 5)
		lh = h - 5;
	return lh < 3 ? 3 : lh;
}

static void runbook_draw(void *self, const struct view *v, int focused)
{
	struct runbook_panel *rp = self;
	struct view list, detail;
	int wide = v->w >= 120;
	char head[256];

	if (rp->set == NULL || rp->set->nentries == 0) {
		draw_label(v, 0, 0, ROLE_WARN, "No runbooks loaded.");
		draw_label(
			v, 1, 0, ROLE_NORMAL,
			"Install them (make install) or pass --runbooks DIR; see man amconsole.");
		return;
	}
	if (wide) {
		list = (struct view){ v->y, v->x, v->h, v->w * 9 / 20 };
		detail = (struct view){ v->y, v->x + list.w + 1, v->h, v->w - list.w - 1 };
	} else {
		int lh = runbook_list_height(rp, v->h);

		list = (struct view){ v->y, v->x, lh, v->w };
		detail = (struct view){ v->y + lh + 1, v->x, v->h - lh - 1, v->w };
		if (detail.h < 0)
			detail.h = 0;
		draw_hline(v, lh, ROLE_BORDER);
	}
	if (rp->mode == RUNBOOK_PICKER) {
		struct view tv = list;

		snprintf(head, sizeof head, "%zu of %zu — / filters by title and symptoms",
			 rp->picker.nvisible, rp->picker.nrows);
		draw_label(&tv, 0, 0, ROLE_DIM, head);
		tv.y++;
		tv.h--;
		table_draw(&rp->picker, &tv, focused);
		runbook_draw_entry_info(rp, &detail);
		return;
	}
	{
		const struct runbook_entry *e = &rp->set->entries[rp->entry];
		struct view tv = list;

		int x = draw_text(&tv, 0, 0, ROLE_HEADER, e->title, -1);

		if (rp->preset[0] != '\0') {
			char known[sizeof rp->preset + 32];
			size_t k;

			snprintf(known, sizeof known, "  from the finding: %s", rp->preset);
			for (k = 0; known[k] != '\0'; k++)
				if (known[k] == '\n')
					known[k] = known[k + 1] != '\0' ? ' ' : '\0';
			draw_text(&tv, 0, x, ROLE_MATCH, known, -1);
		}
		tv.y++;
		tv.h--;
		if (e->nsteps == 0) {
			runbook_draw_entry_info(rp, &detail);
			draw_label(&tv, 0, 0, ROLE_DIM, "reference: no steps (BS goes back)");
			return;
		}
		if (rp->mode == RUNBOOK_PICK) {
			draw_text(&tv, 0, 0, ROLE_KEY, rp->pick_label, -1);
			tv.y++;
			tv.h--;
			table_draw(&rp->pick, &tv, focused);
		} else {
			table_draw(&rp->steps, &tv, focused && rp->mode == RUNBOOK_STEPS);
		}
	}
	runbook_draw_detail(rp, &detail);
}

/* The longest line of text, in bytes (at least its columns). */
static int runbook_widest_line(const char *text)
{
	int best = 0;

	while (text != NULL && *text != '\0') {
		int n = (int)strcspn(text, "\n");

		if (n > best)
			best = n;
		text += n + (text[n] == '\n');
	}
	return best;
}

/* The grid's share: a column just wide enough for the symptom titles
 * (with TYPE and STEPS) while it lists them; once a symptom is open, what
 * its step titles and commands need; once a step has output, as wide as
 * the grid allows. Rows: the list's, or all it can get with a symptom
 * open. */
static void runbook_want(void *self, struct panel_want *w)
{
	const struct runbook_panel *rp = self;
	const struct runbook_entry *e;
	size_t i;
	int need = 0;

	if (rp->set == NULL || rp->set->nentries == 0) {
		w->rows = 2;
		w->cols = 0;
		return;
	}
	if (rp->mode == RUNBOOK_PICKER || rp->entry < 0) {
		for (i = 0; i < rp->set->nentries; i++)
			if (runbook_widest_line(rp->set->entries[i].title) > need)
				need = runbook_widest_line(rp->set->entries[i].title);
		w->rows = 2 + (int)rp->picker.nvisible;
		w->cols = 2 + 9 + 1 + 5 + 1 + need;
		return;
	}
	e = &rp->set->entries[rp->entry];
	w->rows = -1;
	for (i = 0; i < e->nsteps; i++) {
		int t = 3 + 1 + 10 + 1 + 11 + 1 + 6 + 1 + runbook_widest_line(e->steps[i].title);
		int c = runbook_widest_line(rp->st[i].edited ? rp->st[i].edited
							     : e->steps[i].command);

		need = t > need ? t : need;
		need = c > need ? c : need;
		if (rp->st[i].out.len > 0)
			need = 1000;
	}
	w->cols = 2 + need;
}

const struct panel_ops runbook_panel = {
	.name = "runbook",
	.title = "Runbook",
	.keys = runbook_step_keys,
	.create = runbook_create,
	.destroy = runbook_destroy,
	.update = runbook_update,
	.draw = runbook_draw,
	.action = runbook_action,
	.key = runbook_key,
	.click = runbook_click,
	.filter = runbook_filter,
	.busy = runbook_busy,
	.open = runbook_open_title,
	.mode_keys = runbook_mode_keys,
	.want = runbook_want,
};
