/*
 * safety.h - classifies a step's text as read-only or changing, and
 * changing steps as destructive (confirmed by typing a target) or not,
 * from the patterns of DESIGN.md "Step safety". Pure functions.
 */
#ifndef AM_SAFETY_H
#define AM_SAFETY_H

#include "runbook.h"

struct safety_verdict {
	int changing;
	int destructive;
	int interactive;
	char *target;  /* for destructive: the name to type (fresh), else NULL */
	char *why;     /* short reason, e.g. "kubectl delete" (fresh), else NULL */
};

/* Classify command text of the given kind. Fills v (caller frees
 * v->target and v->why with safety_verdict_free). */
void safety_classify(enum step_kind kind, const char *command, struct safety_verdict *v);
void safety_verdict_free(struct safety_verdict *v);

#endif
