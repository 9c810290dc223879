/*
 * runbook_run.c - running a runbook step: the placeholders asked for (a
 * <pod-name> offers the Pods panel's pods; a finding's values come
 * first), the read-only refusal, the confirmation (typed target for
 * destructive steps), the audit line, then a background job or the
 * terminal handed over; a `kubectl get secret` step's output is held
 * back until its values are masked.
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

/* What a destructive step's confirmation asks to type: its target with
 * each placeholder (not a secret one) replaced by its value, so that
 * "idem:$ORDER_ID" asks for "idem:a b". Fresh. */
static char *runbook_target_of(const struct step *s, char *const *values, const char *target)
{
	struct strbuf sb = { 0 };
	const char *p = target;

	strbuf_append(&sb, "", 0);
	while (*p != '\0') {
		size_t i, best = 0, tl = 0;

		for (i = 0; i < s->nplaceholders; i++) {
			const struct placeholder *ph = &s->placeholders[i];
			size_t n = strlen(ph->token);

			if (!ph->secret && values[i] != NULL && n > tl &&
			    strncmp(p, ph->token, n) == 0) {
				tl = n;
				best = i;
			}
		}
		if (tl == 0)
			strbuf_putc(&sb, *p++);
		else
			strbuf_puts(&sb, values[best]);
		p += tl;
	}
	return strbuf_detach(&sb);
}

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

/* A native step is judged again as it will run: a value may name what
 * the text did not (a Redis `CONFIG $SUB` answered SET, `$VERB` answered
 * DEL), so the verdict only grows, and --read-only refuses a step its
 * values made changing. 0, or -1 + err when refused. */
static int runbook_judge_bound(struct runbook_panel *rp, char *err, size_t errlen)
{
	struct runbook_pending *p = &rp->pend;
	struct safety_verdict b = { 0 };

	safety_classify(p->copy.kind, p->resolved, &b);
	if (b.changing && !p->verdict.changing) {
		p->verdict.changing = 1;
		free(p->verdict.why);
		p->verdict.why = b.why;
		b.why = NULL;
	}
	if (b.destructive && !p->verdict.destructive) {
		p->verdict.destructive = 1;
		free(p->verdict.target);
		p->verdict.target = b.target != NULL ? b.target : xstrdup("yes");
		b.target = NULL;
	}
	safety_verdict_free(&b);
	if (p->verdict.changing && app_read_only(rp->app)) {
		snprintf(err, errlen,
			 "read-only mode: with these values the step changes the "
			 "system (%s)",
			 p->verdict.why != NULL ? p->verdict.why : "changing");
		return -1;
	}
	return 0;
}

/* All values are in: build env and script, then confirm or start. */
static void runbook_prepared(struct runbook_panel *rp)
{
	struct runbook_pending *p = &rp->pend;
	const struct step *s = &p->copy;
	char err[256];

	p->env = runbook_step_env(s, (const char *const *)p->values, err, sizeof err);
	if (p->env == NULL) {
		app_message(rp->app, ROLE_ERROR, "not run: %s", err);
		rp->st[p->step].status = RUNBOOK_REFUSED;
		runbook_pending_clear(p);
		runbook_fill_steps(rp);
		return;
	}
	p->script = runbook_step_script(s);
	if (s->kind != STEP_SHELL && s->nplaceholders > 0) {
		/* Values are bound, never spliced: shown as they will run,
		 * or the step is refused when one cannot be bound. */
		struct step_values *v = step_values_of(s, p->values);

		p->resolved = native_find(s->kind)->shown(s->command, v, err, sizeof err);
		step_values_free(v);
		if (p->resolved == NULL || runbook_judge_bound(rp, err, sizeof err) != 0) {
			app_message(rp->app, p->resolved == NULL ? ROLE_ERROR : ROLE_READONLY,
				    "not run: %s", err);
			rp->st[p->step].status = RUNBOOK_REFUSED;
			runbook_audit(rp, "refused", p->step,
				      p->resolved != NULL ? p->resolved : s->command, "refused", -1,
				      -1, err, NULL);
			runbook_pending_clear(p);
			runbook_fill_steps(rp);
			return;
		}
	} else {
		p->resolved = runbook_resolve_display(s, p->values);
	}
	if (p->on != NULL) {
		/* Say where a native step runs: in the dialog, the audit
		 * log and the transcript. */
		char *r = xasprintf("%s\n(on %s)", p->resolved, p->on);

		free(p->resolved);
		p->resolved = r;
	}
	if (p->verdict.target != NULL)
		p->target = runbook_target_of(s, p->values, p->verdict.target);
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

/* The operator cancelled a question: the step is marked so, nothing ran. */
static void runbook_cancelled(struct runbook_panel *rp)
{
	app_message(rp->app, ROLE_WARN, "cancelled: nothing was run");
	rp->st[rp->pend.step].status = RUNBOOK_CANCELLED;
	runbook_pending_clear(&rp->pend);
	runbook_fill_steps(rp);
}

void runbook_got_value(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	struct runbook_pending *p = &rp->pend;

	if (value == NULL) {
		runbook_cancelled(rp);
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

size_t runbook_pick_add_pods(struct runbook_panel *rp, const char *ns, char *const *skip,
			     size_t nskip)
{
	struct pods_pick *pods = NULL;
	size_t n = pods_picks(app_panel(rp->app, &pods_panel), ns, &pods), i, k, added = 0;

	for (i = 0; i < n; i++) {
		const char *cells[3] = { pods[i].name, pods[i].status, pods[i].restarts };

		for (k = 0; k < nskip && strcmp(skip[k], pods[i].name) != 0; k++)
			;
		if (k < nskip)
			continue;
		table_add_ranked(&rp->pick, pods[i].name, pods[i].role, pods[i].rank, cells, NULL);
		added++;
	}
	pods_picks_free(pods, n);
	return added;
}

void runbook_pick_show(struct runbook_panel *rp, const char *label, const char *known)
{
	table_set_filter(&rp->pick, "");
	if (known[0] != '\0')
		table_select_id(&rp->pick, known);
	snprintf(rp->pick_label, sizeof rp->pick_label, "%s", label);
	rp->mode = RUNBOOK_PICK;
	app_show_filter(rp->app, "");
}

/* Offer the Pods panel's pods (of the step's namespace) as a pick list
 * for a pod placeholder, with known (a finding's pod, or "") selected;
 * typing stays possible (t). 1 if offered. */
static int runbook_offer_pods(struct runbook_panel *rp, const char *label, const char *known)
{
	char ns[256];
	int has_ns = runbook_step_ns(rp->pend.copy.command, ns, sizeof ns);

	table_clear_rows(&rp->pick);
	if (runbook_pick_add_pods(rp, has_ns ? ns : NULL, NULL, 0) == 0)
		return 0;
	runbook_pick_show(rp, label, known);
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
	if (runbook_guide_offer(rp, label, ph, known))
		return;
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
		runbook_cancelled(rp);
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
 * operator picks from a list of them (the first selected). Returns 1 when
 * it asked (the answer continues the run). */
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
	if (n > 64)
		n = 64;
	if (p->retry != NULL)
		strbuf_printf(&label, "%s; ", p->retry);
	strbuf_puts(&label, "run on which instance (");
	for (k = 0; k < n && label.len < 60; k++)
		strbuf_printf(&label, "%s%s", k ? ", " : "", names[k]);
	strbuf_puts(&label, k < n ? ", …)" : ")");
	app_pick(rp->app, label.buf, names, n, names[0], runbook_got_target, rp);
	strbuf_free(&label);
	return 1;
}

void runbook_prepare(struct runbook_panel *rp, size_t i, const char *edited)
{
	const struct step *s = runbook_step(rp, i);
	struct runbook_pending *p = &rp->pend;

	if (app_replay_mode(rp->app)) {
		app_message(
			rp->app, ROLE_READONLY,
			"a replay runs nothing: it shows what was recorded (c copies the step)");
		return;
	}
	if (app_following(rp->app) != NULL) {
		app_message(
			rp->app, ROLE_READONLY,
			"a war-room follower runs nothing: %s runs the steps (c copies this one)",
			app_following(rp->app));
		return;
	}
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
void runbook_secret_done(struct runbook_panel *rp, struct runbook_step_state *ss)
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
		struct step_values *v = step_values_of(&p->copy, p->values);

		rp->job = native_find(p->copy.kind)
				  ->start(app_config(rp->app), p->on, p->copy.command, v, timeout,
					  app_wake_fd(rp->app), err, sizeof err);
		step_values_free(v);
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
