/*
 * runbook_guide.c - the runbook pane leading a walk: after a step ends,
 * its expectations are judged (ok, or "expect failed: value 0.31 ≥
 * 0.05"), its captures keep values that a later placeholder of the same
 * name offers first, and next-on-ok / next-on-fail move the selection to
 * the step that should come next, saying why. `A` runs the open entry's
 * read-only diagnosis steps in order, with their placeholders asked once
 * up front, and stops at the first failed expectation or error with that
 * step selected; changing steps are never part of it. UI thread.
 */
#include "panels/runbook_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "panels/findings.h"

/* ---- captured values ------------------------------------------------- */

void runbook_guide_reset(struct runbook_panel *rp)
{
	size_t i;

	for (i = 0; i < rp->ncapt; i++) {
		free(rp->capt[i].name);
		strv_free(rp->capt[i].values, rp->capt[i].n);
	}
	free(rp->capt);
	rp->capt = NULL;
	rp->ncapt = 0;
	strv_free(rp->guide.names, rp->guide.nnames);
	strv_free(rp->guide.labels, rp->guide.nnames);
	strv_free(rp->guide.values, rp->guide.nnames);
	free(rp->guide.secret);
	free(rp->guide.steps);
	memset(&rp->guide, 0, sizeof rp->guide);
}

static struct runbook_capt *runbook_capt_find(struct runbook_panel *rp, const char *name)
{
	size_t i;

	for (i = 0; i < rp->ncapt; i++)
		if (strcmp(rp->capt[i].name, name) == 0)
			return &rp->capt[i];
	return NULL;
}

/* Step i's captures from its output; the newest run replaces a name's
 * values. Returns how many values were kept in all. */
static size_t runbook_capture(struct runbook_panel *rp, size_t i)
{
	const struct step *s = runbook_step(rp, i);
	size_t k, total = 0;

	for (k = 0; k < s->ncaptures; k++) {
		struct runbook_capture c;
		struct runbook_capt *cp;
		char err[160];

		if (runbook_capture_parse(s->captures[k], &c, err, sizeof err) != 0)
			continue;
		cp = runbook_capt_find(rp, c.name);
		if (cp == NULL) {
			rp->capt = xrealloc(rp->capt, (rp->ncapt + 1) * sizeof *rp->capt);
			cp = &rp->capt[rp->ncapt++];
			memset(cp, 0, sizeof *cp);
			cp->name = xstrdup(c.name);
		}
		strv_free(cp->values, cp->n);
		cp->n = runbook_capture_run(&c, s->kind, rp->st[i].out.buf, &cp->values);
		cp->step = i;
		total += cp->n;
	}
	return total;
}

/* ---- after a step ---------------------------------------------------- */

/* The step of the open entry titled title (case-insensitive), or -1. */
static long runbook_step_titled(const struct runbook_panel *rp, const char *title)
{
	const struct runbook_entry *e = &rp->set->entries[rp->entry];
	size_t i;

	for (i = 0; title != NULL && i < e->nsteps; i++)
		if (strcasecmp(e->steps[i].title, title) == 0)
			return (long)i;
	return -1;
}

static void runbook_select(struct runbook_panel *rp, size_t i)
{
	char id[32];

	snprintf(id, sizeof id, "%zu", i);
	runbook_fill_steps(rp);
	table_select_id(&rp->steps, id);
}

/* Judge step i's expectations: 1 all hold (or none), 0 one failed (its
 * reason kept in the step's state). */
static int runbook_expectations(struct runbook_panel *rp, size_t i)
{
	const struct step *s = runbook_step(rp, i);
	struct runbook_step_state *ss = &rp->st[i];
	size_t k;
	int exit_judged = 0;

	free(ss->why);
	ss->why = NULL;
	for (k = 0; k < s->nexpects; k++) {
		struct runbook_expect x;
		char why[200];

		if (runbook_expect_parse(s->expects[k], &x, why, sizeof why) != 0)
			continue;
		exit_judged |= x.what == EXPECT_EXIT;
		if (runbook_expect_eval(&x, s->kind, ss->exit_code, ss->out.buf, why, sizeof why) !=
		    1) {
			ss->why = xstrdup(why);
			ss->status = RUNBOOK_EXPECT_FAILED;
			return 0;
		}
	}
	/* "expect exit=1" makes a non-zero exit what a healthy system shows. */
	if (exit_judged && ss->status == RUNBOOK_FAILED)
		ss->status = RUNBOOK_OK;
	return ss->status == RUNBOOK_OK;
}

static void runbook_guide_step(struct runbook_panel *rp);

void runbook_guide_after(struct runbook_panel *rp, size_t i)
{
	const struct step *s = runbook_step(rp, i);
	struct runbook_step_state *ss = &rp->st[i];
	char why[300] = "";
	const char *next;
	size_t got = 0;
	long to;
	int ok;

	if (ss->status != RUNBOOK_OK && ss->status != RUNBOOK_FAILED) {
		ok = 0;
	} else {
		got = s->ncaptures > 0 ? runbook_capture(rp, i) : 0;
		ok = runbook_expectations(rp, i);
	}
	if (ss->why != NULL)
		snprintf(why, sizeof why, "step %zu: expect failed: %s", i + 1, ss->why);
	else if (!ok)
		snprintf(why, sizeof why, "step %zu: %s", i + 1,
			 runbook_status_name(ss, (char[32]){ 0 }, 32));
	if (ss->why != NULL)
		runbook_audit(rp, "expect", i, ss->ran, "expect failed", ss->exit_code,
			      ss->duration, ss->why, NULL);
	if (rp->guide.active && !ok) {
		rp->guide.active = 0;
		runbook_select(rp, i);
		next = s->next_on_fail;
		app_message(rp->app, ROLE_ERROR, "A stopped at %s%s%s", why,
			    next != NULL ? "; the runbook says next: " : "",
			    next != NULL ? next : "");
		return;
	}
	if (rp->guide.active) {
		runbook_guide_step(rp);
		return;
	}
	next = ok ? s->next_on_ok : s->next_on_fail;
	to = runbook_step_titled(rp, next);
	if (to >= 0) {
		runbook_select(rp, (size_t)to);
		app_message(rp->app, ok ? ROLE_OK : ROLE_ERROR, "%s: next, %s",
			    ok ? "step ok" : why, next);
	} else if (ss->why != NULL) {
		app_message(rp->app, ROLE_ERROR, "%s", why);
	} else if (got > 0) {
		app_message(rp->app, ROLE_OK, "step %zu: ok; %zu value(s) captured for later steps",
			    i + 1, got);
	}
}

/* ---- placeholders ---------------------------------------------------- */

/* Offer what the walk knows for placeholder ph: a value given up front
 * for `A` is used as it is; captured values come first in a pick list
 * (the Pods panel's pods after them for a pod placeholder). 1 if it
 * answered or asked. */
int runbook_guide_offer(struct runbook_panel *rp, const char *label, const struct placeholder *ph,
			const char *known)
{
	struct runbook_capt *cp = runbook_capt_find(rp, ph->env);
	size_t i;

	for (i = 0; rp->guide.active && i < rp->guide.nnames; i++)
		if (strcmp(rp->guide.names[i], ph->env) == 0 && rp->guide.values[i] != NULL) {
			runbook_got_value(rp, rp->guide.values[i]);
			return 1;
		}
	if (cp == NULL || cp->n == 0 || ph->secret)
		return 0;
	table_clear_rows(&rp->pick);
	for (i = 0; i < cp->n; i++) {
		char from[48];
		const char *cells[3] = { cp->values[i], from, "" };

		snprintf(from, sizeof from, "captured by step %zu", cp->step + 1);
		/* Ranked above any pod, so they stay first. */
		table_add_ranked(&rp->pick, cp->values[i], ROLE_MATCH, 1000, cells, NULL);
	}
	if (ph->pod)
		runbook_pick_add_pods(rp, NULL, cp->values, cp->n);
	runbook_pick_show(rp, label, known);
	app_message(rp->app, ROLE_NORMAL,
		    "%s pick a value captured by step %zu (Enter), / filters, t types one", label,
		    cp->step + 1);
	return 1;
}

/* ---- A: the guided run ------------------------------------------------ */

/* 1 if step s is part of a guided run: a read-only diagnosis step that
 * runs without the terminal. */
static int runbook_guided(const struct step *s)
{
	return s->phase == PHASE_DIAGNOSIS && !s->changing && !s->destructive && !s->interactive &&
	       s->kind != STEP_YAML;
}

/* Start the next step of the guided run, or say it is over. */
static void runbook_guide_step(struct runbook_panel *rp)
{
	struct runbook_guide *g = &rp->guide;

	while (g->at < g->nsteps) {
		size_t i = g->steps[g->at++];

		runbook_select(rp, i);
		runbook_prepare(rp, i, rp->st[i].edited);
		if (rp->job != NULL || rp->pend.active)
			return;
		/* It could not start (no data source, refused): that ends
		 * the run here, as an error would. */
		g->active = 0;
		app_message(rp->app, ROLE_ERROR, "A stopped at step %zu: it could not run (%s)",
			    i + 1, runbook_status_name(&rp->st[i], (char[32]){ 0 }, 32));
		return;
	}
	g->active = 0;
	app_message(rp->app, ROLE_OK, "A: %zu diagnosis step(s) ran; every expectation held",
		    g->nsteps);
}

static void runbook_guide_ask(struct runbook_panel *rp);

static void runbook_guide_got(void *ctx, const char *value)
{
	struct runbook_panel *rp = ctx;
	struct runbook_guide *g = &rp->guide;

	if (value == NULL) {
		g->active = 0;
		app_message(rp->app, ROLE_WARN, "A cancelled: nothing was run");
		return;
	}
	if (value[0] == '\0') {
		runbook_guide_ask(rp);
		return;
	}
	g->values[g->ask++] = xstrdup(value);
	runbook_guide_ask(rp);
}

/* Ask the placeholders up front, one after the other, then run. */
static void runbook_guide_ask(struct runbook_panel *rp)
{
	struct runbook_guide *g = &rp->guide;
	char label[200], known[256];

	if (g->ask >= g->nnames) {
		runbook_guide_step(rp);
		return;
	}
	snprintf(label, sizeof label,
		 "A: %s%s (%zu/%zu, asked once for every step): ", g->labels[g->ask],
		 g->secret[g->ask] ? " [hidden]" : "", g->ask + 1, g->nnames);
	if (!finding_var_get(rp->preset, g->labels[g->ask], known, sizeof known))
		known[0] = '\0';
	app_prompt(rp->app, label, known, g->secret[g->ask], runbook_guide_got, rp);
}

void runbook_guide_start(struct runbook_panel *rp)
{
	const struct runbook_entry *e;
	struct runbook_guide *g = &rp->guide;
	size_t i, k, j;

	if (rp->entry < 0)
		return;
	if (rp->job != NULL || rp->pend.active || g->active) {
		app_message(rp->app, ROLE_WARN, "a step is running or being prepared");
		return;
	}
	runbook_guide_reset(rp);
	e = &rp->set->entries[rp->entry];
	g->steps = xcalloc(e->nsteps + 1, sizeof *g->steps);
	for (i = 0; i < e->nsteps; i++) {
		const struct step *s = &e->steps[i];

		if (!runbook_guided(s))
			continue;
		g->steps[g->nsteps++] = i;
		for (k = 0; k < s->nplaceholders; k++) {
			const struct placeholder *ph = &s->placeholders[k];

			if (ph->token[0] == '$' && getenv(ph->env) != NULL)
				continue;
			for (j = 0; j < g->nnames && strcmp(g->names[j], ph->env) != 0; j++)
				;
			if (j < g->nnames)
				continue;
			g->names = xrealloc(g->names, (j + 1) * sizeof *g->names);
			g->labels = xrealloc(g->labels, (j + 1) * sizeof *g->labels);
			g->secret = xrealloc(g->secret, (j + 1) * sizeof *g->secret);
			g->names[j] = xstrdup(ph->env);
			g->labels[j] = xstrdup(ph->label);
			g->secret[j] = ph->secret;
			g->nnames++;
		}
	}
	if (g->nsteps == 0) {
		app_message(rp->app, ROLE_NORMAL,
			    "A: this entry has no read-only diagnosis step to run");
		return;
	}
	g->values = xcalloc(g->nnames + 1, sizeof *g->values);
	g->active = 1;
	app_message(rp->app, ROLE_RUNNING, "A: running %zu read-only diagnosis step(s)", g->nsteps);
	runbook_guide_ask(rp);
}
