/*
 * safety.h - classifies a step's text as read-only or changing, and
 * changing steps as destructive (confirmed by typing a target) or not,
 * from the patterns of DESIGN.md "Step safety". Pure functions.
 */
#ifndef AM_SAFETY_H
#define AM_SAFETY_H

#include "core/runbook.h"

struct safety_verdict {
	int changing;
	int destructive;
	int interactive;
	char *target; /* for destructive: the name to type (fresh), else NULL */
	char *why;    /* short reason, e.g. "kubectl delete" (fresh), else NULL */
};

/* Classify command text of the given kind. Fills v (caller frees
 * v->target and v->why with safety_verdict_free). */
void safety_classify(enum step_kind kind, const char *command, struct safety_verdict *v);
void safety_verdict_free(struct safety_verdict *v);

/* One simple command of a shell text: its words with quotes removed and
 * continuations joined, its redirections ("<file", ">file", "<<EOF"),
 * the body of its last here-document, and whether stdin is a pipe. */
struct safety_simple {
	char **words;
	size_t nwords;
	char **redirs;
	size_t nredirs;
	const char *heredoc;
	int piped_in;
};

/* Split shell text (comments already blanked, see
 * runbook_strip_comments) into simple commands and call fn for each, in
 * order; the commands inside $(...) and `...` are reported too, before
 * the command that contains them. */
void safety_each_command(const char *text, void (*fn)(const struct safety_simple *sc, void *arg),
			 void *arg);

/* 1 if the redis-cli (or valkey-cli) option opt, given as its own word,
 * consumes the next word as its value, else 0. Any thread. */
int safety_redis_cli_takes_value(const char *opt);

#endif
