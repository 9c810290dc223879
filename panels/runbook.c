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
#include "panels/runbook_int.h"

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

static const struct keymap_entry runbook_picker_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Open", "open the highlighted symptom or procedure",
	  RUNBOOK_OPEN },
	{ 'w', 0, "w", "Report", "write the incident transcript (Markdown) and say where",
	  RUNBOOK_WRITE },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static const struct keymap_entry runbook_step_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Run",
	  "run the step (asks for placeholders, bound not spliced; confirms changes)",
	  RUNBOOK_RUN },
	{ 'e', 0, "e", "Edit", "edit the command in $EDITOR, then run it", RUNBOOK_EDIT },
	{ 'c', 0, "c", "Copy", "copy the command to the clipboard (OSC 52)", RUNBOOK_COPY },
	{ 's', 0, "s", "Skip", "mark the step skipped", RUNBOOK_SKIP },
	{ 'd', 0, "d", "Done", "mark the step done (run by hand)", RUNBOOK_MARK_DONE },
	{ 'n', 0, "n", "Note", "add a note to the step (goes into the transcript)", RUNBOOK_NOTE },
	{ 'x', 0, "x", "Stop", "stop the running step (SIGTERM, then SIGKILL)", RUNBOOK_STOP },
	{ 'o', 0, "o", "Output", "scroll the output of the selected step", RUNBOOK_OUTPUT_VIEW },
	{ 'A', 0, "A", "Diagnose",
	  "run the read-only diagnosis steps in order, placeholders asked once; stop at the "
	  "first failed expectation or error",
	  RUNBOOK_GUIDE },
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

const char *runbook_status_name(const struct runbook_step_state *s, char *buf, size_t n)
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
	case RUNBOOK_EXPECT_FAILED:
		return "expect failed";
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
	case RUNBOOK_EXPECT_FAILED:
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

void runbook_fill_steps(struct runbook_panel *rp)
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
		free(rp->st[i].why);
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

void runbook_pending_clear(struct runbook_pending *p)
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

void runbook_audit(struct runbook_panel *rp, const char *event, size_t step, const char *command,
		   const char *status, int exit_code, double duration, const char *reason,
		   const char *target)
{
	const struct runbook_entry *e = &rp->set->entries[rp->entry];

	panel_audit(rp->app, &(struct audit_event){ .event = event,
						    .runbook = e->title,
						    .step = e->steps[step].title,
						    .command = command,
						    .status = status,
						    .exit_code = exit_code,
						    .duration = duration,
						    .reason = reason,
						    .target = target });
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
	runbook_guide_reset(rp);
	runbook_free_states(rp);
	table_free(&rp->picker);
	table_free(&rp->steps);
	table_free(&rp->pick);
	free(rp);
}

const struct step *runbook_step(const struct runbook_panel *rp, size_t i)
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
		runbook_guide_reset(rp);
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
int runbook_open_title(void *self, const char *what, const char *vars)
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

/* The incident timeline gets the last lines of a step's output (the
 * postmortem shows them under the step). */
static void runbook_timeline_output(struct runbook_panel *rp, size_t i)
{
	const struct strbuf *out = &rp->st[i].out;
	const char *tail = out->buf != NULL ? out->buf + out->len : "";
	int lines = 0;

	if (out->len == 0)
		return;
	while (tail > out->buf && lines < 20)
		if (*--tail == '\n' && tail + 1 < out->buf + out->len)
			lines++;
	if (*tail == '\n')
		tail++;
	app_timeline_add(rp->app, "output", tail, "step %zu: %s (%zu bytes of output%s)", i + 1,
			 runbook_step(rp, i)->title, out->len,
			 tail > out->buf ? "; the last 20 lines kept" : "");
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
	runbook_timeline_output(rp, rp->job_step);
	runbook_guide_after(rp, rp->job_step);
	runbook_fill_steps(rp);
	return 1;
}

/* ---- transcript ---- */

static void runbook_got_note(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	long i = runbook_selected_step(rp);

	if (value == NULL || i < 0)
		return;
	free(rp->st[i].note);
	rp->st[i].note = value[0] != '\0' ? xstrdup(value) : NULL;
	if (value[0] != '\0')
		app_timeline_add(rp->app, "note", NULL, "step %ld (%s): %s", i + 1,
				 runbook_step(rp, (size_t)i)->title, value);
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
	case RUNBOOK_GUIDE:
		runbook_guide_start(rp);
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

/* The table the mode shows: the symptom list, the steps or a pick list;
 * NULL for a step's output. */
static struct table *runbook_shown(struct runbook_panel *rp)
{
	return rp->mode == RUNBOOK_PICKER  ? &rp->picker
	       : rp->mode == RUNBOOK_STEPS ? &rp->steps
	       : rp->mode == RUNBOOK_PICK  ? &rp->pick
					   : NULL;
}

static int runbook_key(void *self, int key)
{
	struct runbook_panel *rp = self;
	struct table *t = runbook_shown(rp);

	if (rp->mode == RUNBOOK_STEPS && key == SCREEN_KEY_ESC)
		return runbook_action(rp, RUNBOOK_BACK);
	if (t != NULL)
		return table_key(t, key);
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
	struct table *t = runbook_shown(rp);

	/* Row 0 of the pane is the list's heading line (a pick list has
	 * two). */
	if (t != NULL)
		return table_click(t, y - (rp->mode == RUNBOOK_PICK ? 2 : 1));
	return 0;
}

static void runbook_filter(void *self, const char *text)
{
	struct runbook_panel *rp = self;
	struct table *t = runbook_shown(rp);

	snprintf(rp->filter, sizeof rp->filter, "%s", text);
	if (t != NULL)
		table_set_filter(t, text);
	else
		snprintf(rp->search, sizeof rp->search, "%s", text);
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

		if (rp->set->ncuts > 0) {
			/* A cap cut a file: say where, never silently. */
			const struct runbook_cut *c = &rp->set->cuts[0];

			const char *base = strrchr(c->file, '/');

			snprintf(head, sizeof head,
				 "%zu of %zu — not all loaded: %s:%d, see --lint",
				 rp->picker.nvisible, rp->picker.nrows,
				 base != NULL ? base + 1 : c->file, c->line);
			draw_text(&tv, 0, 0, ROLE_WARN, head, tv.w);
		} else {
			snprintf(head, sizeof head, "%zu of %zu — / filters by title and symptoms",
				 rp->picker.nvisible, rp->picker.nrows);
			draw_label(&tv, 0, 0, ROLE_DIM, head);
		}
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
	.share = runbook_share,
	.follow = runbook_follow,
};
