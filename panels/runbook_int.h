/*
 * runbook_int.h - the runbook pane's insides, shared by its files:
 * runbook.c (the panel: picker, steps, output, keys, drawing),
 * runbook_run.c (preparing and running a step: placeholders, the pod
 * pick, refusal, confirmation, the job) and runbook_report.c (the
 * incident transcript).
 */
#ifndef AM_RUNBOOK_INT_H
#define AM_RUNBOOK_INT_H

#include <stdio.h>

#include "core/runbook.h"
#include "core/safety.h"
#include "lib/util.h"
#include "panels/host.h"
#include "panels/panel.h"
#include "runtime/job.h"
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
	RUNBOOK_EXPECT_FAILED, /* ran, but an expectation did not hold */
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
	RUNBOOK_GUIDE,
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
	char *why;    /* the expectation that failed ("value 0.31 ≥ 0.05"), or NULL */
};

/* Values a step captured from its output (capture annotations), offered
 * first to a later placeholder of the same name. */
struct runbook_capt {
	char *name; /* the placeholder's environment name: POD_NAME */
	char **values;
	size_t n;
	size_t step; /* the step that captured them */
};

/* `A`: the open entry's read-only diagnosis steps run in order. */
struct runbook_guide {
	int active;
	size_t *steps; /* the steps it runs */
	size_t nsteps;
	size_t at; /* next of steps to start */
	/* The placeholders of those steps, asked once up front. */
	char **names; /* environment names */
	char **labels;
	int *secret;
	char **values; /* answers (NULL until given) */
	size_t nnames;
	size_t ask; /* next to ask */
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
	struct runbook_capt *capt;
	size_t ncapt;
	struct runbook_guide guide;
};

/* runbook.c */
void runbook_audit(struct runbook_panel *rp, const char *event, size_t step, const char *command,
		   const char *status, int exit_code, double duration, const char *reason,
		   const char *target);
void runbook_fill_steps(struct runbook_panel *rp);
void runbook_pending_clear(struct runbook_pending *p);
const struct step *runbook_step(const struct runbook_panel *rp, size_t i);
const char *runbook_status_name(const struct runbook_step_state *s, char *buf, size_t n);

/* runbook_run.c */
void runbook_got_value(void *ctx, const char *value);
void runbook_prepare(struct runbook_panel *rp, size_t i, const char *edited);
void runbook_secret_done(struct runbook_panel *rp, struct runbook_step_state *ss);
/* The pick list (rp->pick): add the Pods panel's pods of ns (NULL: all)
 * but those named in skip, returning how many; show it for label with
 * known selected. */
size_t runbook_pick_add_pods(struct runbook_panel *rp, const char *ns, char *const *skip,
			     size_t nskip);
void runbook_pick_show(struct runbook_panel *rp, const char *label, const char *known);

/* runbook_guide.c */
void runbook_guide_reset(struct runbook_panel *rp);
/* Step i ended (its status set, its job freed): expectations, captures,
 * next-on-*, and the guided run's next step. */
void runbook_guide_after(struct runbook_panel *rp, size_t i);
int runbook_guide_offer(struct runbook_panel *rp, const char *label, const struct placeholder *ph,
			const char *known);
void runbook_guide_start(struct runbook_panel *rp);

/* runbook.c: open the entry titled what (the panel's open op). */
int runbook_open_title(void *self, const char *what, const char *vars);

/* runbook_share.c: the panel's share and follow ops (a war room). */
void runbook_share(void *self, struct cJSON *o);
void runbook_follow(void *self, const struct cJSON *o);

/* runbook_report.c */
void runbook_write_transcript(struct runbook_panel *rp);

#endif
