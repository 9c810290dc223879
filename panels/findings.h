/*
 * findings.h - "what is wrong right now": one finding per object in
 * trouble (a crashing pod, a stalled consumer group, a database near its
 * connection limit, an evicting cache, a firing alert, a health check
 * down), built by each panel from its own snapshot (the panel op
 * `findings`), gathered by the shell and listed by the Triage panel,
 * each leading to the runbook symptom that fixes it. Plain data; UI
 * thread.
 */
#ifndef AM_FINDINGS_H
#define AM_FINDINGS_H

#include <stddef.h>

#include "core/runbook.h"

enum finding_sev { FINDING_CRITICAL, FINDING_WARNING, FINDING_NSEV };

struct finding {
	enum finding_sev sev;
	const char *kind;   /* static: the key runbooks map ("pod-crashloop") */
	const char *source; /* static: "Kubernetes", "Kafka" ... */
	const char *panel;  /* static: the panel that shows it ("pods") */
	char object[160];   /* what is in trouble: a pod, group, instance */
	char what[200];     /* what is wrong, in a few words */
	double since;       /* wall time it began, 0 when unknown */
	char row_id[200];   /* its row in the panel (the panel's open op) */
	char vars[320];     /* placeholder values it knows: "pod-name=x\n..." */
	char runbook[160];  /* the runbook entry it leads to, "" none (set by
			     * findings_map) */
};

struct finding_list {
	struct finding *v;
	size_t n, cap;
};

/* A finding as the incident record keeps it: when it appeared and when
 * it cleared (0 while it holds). */
struct finding_seen {
	char key[400];
	enum finding_sev sev;
	const char *source;
	char object[160];
	char what[200];
	double appeared, cleared; /* wall times */
};

/* Append a zeroed finding with these fields to l and return it for the
 * caller to fill in (object, what, since, row_id, vars). */
struct finding *finding_add(struct finding_list *l, enum finding_sev sev, const char *kind,
			    const char *source, const char *panel);
/* Add "name=value" to f's placeholder values (dropped if it does not
 * fit, or value holds a newline). */
void finding_var(struct finding *f, const char *name, const char *value);
/* The value of placeholder name in vars ("a=1\nb=2\n"), copied into buf;
 * 1 if present. */
int finding_var_get(const char *vars, const char *name, char *buf, size_t n);
/* The key that identifies a finding across refreshes: kind + object. */
void finding_key(const struct finding *f, char *buf, size_t n);
/* Sort by severity, then oldest first, then key. */
void findings_sort(struct finding_list *l);
/* Set each finding's runbook entry: an entry whose findings= annotation
 * names its kind, else the built-in default for the shipped guide (by
 * title), else for an alert the entry whose alerts= names it. */
void findings_map(struct finding_list *l, const struct runbook_set *set);
/* Steady the list against flicker (a status that flips on one poll and
 * back on the next): *shown becomes the findings of raw that were also in
 * *prev (seen twice in a row) or are shown already, plus those shown that
 * are missing from raw for the first time (kept as they were); *prev then
 * becomes a copy of raw. Findings are matched by kind and object. */
void findings_steady(struct finding_list *shown, struct finding_list *prev,
		     const struct finding_list *raw);
/* "critical" / "warning". */
const char *finding_sev_name(enum finding_sev s);
void finding_list_clear(struct finding_list *l);
void finding_list_free(struct finding_list *l);

#endif
