/*
 * runbook_share.c - the runbook pane in a war room: what the presenter's
 * pane shows (the open entry, the mode, the selected step, each step's
 * status, exit code, duration and the end of its output, secrets
 * masked), and a follower's pane showing it. A follower runs nothing: it
 * only shows the presenter's results in its own pane.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"
#include "lib/util.h"
#include "panels/panel.h"
#include "panels/runbook_int.h"

/* The end of a step's output that goes out, at most. */
#define RUNBOOK_SHARE_OUT 4000

void runbook_share(void *self, cJSON *o)
{
	struct runbook_panel *rp = self;
	cJSON *steps;
	size_t i;

	cJSON_AddNumberToObject(o, "mode",
				rp->mode == RUNBOOK_OUTPUT ? RUNBOOK_OUTPUT
				: rp->entry >= 0           ? RUNBOOK_STEPS
							   : RUNBOOK_PICKER);
	if (rp->entry < 0)
		return;
	cJSON_AddStringToObject(o, "entry", rp->set->entries[rp->entry].title);
	cJSON_AddNumberToObject(o, "sel", (double)table_selected_index(&rp->steps));
	steps = cJSON_AddArrayToObject(o, "steps");
	for (i = 0; i < rp->nst; i++) {
		const struct runbook_step_state *ss = &rp->st[i];
		const char *out = ss->out.buf != NULL ? ss->out.buf : "";
		size_t len = ss->out.len;
		cJSON *st = cJSON_CreateObject();
		char *masked;

		if (len > RUNBOOK_SHARE_OUT) {
			/* from a line's start */
			const char *cut = out + len - RUNBOOK_SHARE_OUT, *nl = strchr(cut, '\n');

			out = nl != NULL ? nl + 1 : cut;
		}
		masked = redact(out);
		cJSON_AddNumberToObject(st, "status", ss->status);
		cJSON_AddNumberToObject(st, "exit", ss->exit_code);
		cJSON_AddNumberToObject(st, "duration", ss->duration);
		cJSON_AddStringToObject(st, "out", masked);
		cJSON_AddItemToArray(steps, st);
		free(masked);
	}
}

/* A number field within [lo, hi], else dflt. */
static double runbook_share_num(const cJSON *o, const char *name, double lo, double hi, double dflt)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble) || n->valuedouble < lo ||
	    n->valuedouble > hi)
		return dflt;
	return n->valuedouble;
}

void runbook_follow(void *self, const cJSON *o)
{
	struct runbook_panel *rp = self;
	const cJSON *entry = cJSON_GetObjectItemCaseSensitive(o, "entry");
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(o, "steps");
	int mode =
		(int)runbook_share_num(o, "mode", RUNBOOK_PICKER, RUNBOOK_OUTPUT, RUNBOOK_PICKER);
	long sel = (long)runbook_share_num(o, "sel", -1, 1e6, -1);
	const cJSON *st;
	size_t i = 0;
	char id[32];

	if (!cJSON_IsString(entry)) {
		rp->mode = RUNBOOK_PICKER;
		return;
	}
	if ((rp->entry < 0 || strcmp(rp->set->entries[rp->entry].title, entry->valuestring) != 0) &&
	    runbook_open_title(rp, entry->valuestring, NULL) != 0) {
		app_message(rp->app, ROLE_WARN, "the presenter's runbook entry is not in yours: %s",
			    entry->valuestring);
		return;
	}
	if (!cJSON_IsArray(steps))
		steps = NULL;
	cJSON_ArrayForEach(st, steps)
	{
		const cJSON *out = cJSON_GetObjectItemCaseSensitive(st, "out");
		struct runbook_step_state *ss;

		if (i >= rp->nst)
			break;
		ss = &rp->st[i++];
		ss->status = (enum runbook_status)runbook_share_num(
			st, "status", RUNBOOK_NOT_RUN, RUNBOOK_EXPECT_FAILED, RUNBOOK_NOT_RUN);
		ss->exit_code = (int)runbook_share_num(st, "exit", -1e6, 1e6, -1);
		ss->duration = runbook_share_num(st, "duration", 0, 1e9, 0);
		strbuf_reset(&ss->out);
		if (cJSON_IsString(out))
			strbuf_puts(&ss->out, out->valuestring);
	}
	runbook_fill_steps(rp);
	if (sel >= 0) {
		snprintf(id, sizeof id, "%ld", sel);
		table_select_id(&rp->steps, id);
	}
	rp->mode = mode == RUNBOOK_OUTPUT ? RUNBOOK_OUTPUT : RUNBOOK_STEPS;
}
