/*
 * runbook_int.h - what the runbook parser's files share (runbook.c,
 * runbook_scan.c, runbook_place.c, runbook_bind.c, runbook_annot.c,
 * runbook_step.c) and
 * nothing else includes: limits, the parse state, the annotations of a
 * step, and the helpers each of them uses. Not an interface: see
 * runbook.h for that.
 */
#ifndef AM_RUNBOOK_INT_H
#define AM_RUNBOOK_INT_H

#include <cmark.h>
#include <stddef.h>

#include "core/runbook.h"

#define RUNBOOK_MAX_FILE (4u << 20)
#define RUNBOOK_MAX_NEST 64
#define RUNBOOK_MAX_HEREDOCS 8
#define RUNBOOK_RENDER_DEPTH 32
#define RUNBOOK_MAX_ENTRIES 10000   /* per file: more is not a runbook */
#define RUNBOOK_MAX_STEPS 10000     /* per file */
#define RUNBOOK_MAX_PLACEHOLDERS 64 /* per step */
#define RUNBOOK_MAX_ASSIGNED 256    /* names a step assigns itself */

/* The annotations in force for a block or a step. */
struct runbook_annot {
	int changing;    /* -1 unset, 0 read-only, 1 changing */
	int destructive; /* -1 unset, 0, 1 */
	int interactive; /* -1 unset */
	int confirm;
	double timeout; /* < 0 unset */
	char *target;
	char *confirm_text;
	char **alerts; /* alerts=NAME,... : the entry's alert names */
	size_t nalerts;
	char **findings; /* findings=KIND,... : the Triage findings it fixes */
	size_t nfindings;
	char **errors;
	size_t nerrors;
	char **captures; /* capture clauses, as written */
	size_t ncaptures;
	char **expects; /* expect clauses */
	size_t nexpects;
	char *next_ok, *next_fail; /* next-on-ok= / next-on-fail= titles */
};

struct runbook_heading {
	int level;
	char *text;
};

struct runbook_scope {
	int active;
	int symptom;
	int lazy;      /* create a procedure at the first runnable block */
	int reference; /* becomes reference text if nothing else */
	long entry;    /* index into the build, or -1 */
	char *title;
	int line;
	size_t start, end; /* top-level node range (start = heading) */
	struct runbook_heading stack[8];
	int depth;
	char *caption;
	struct runbook_annot pending;
	int has_pending;
	char **alerts; /* alerts= and findings= seen before a lazy entry exists */
	size_t nalerts;
	char **findings;
	size_t nfindings;
};

struct runbook_build {
	const char *name;
	struct runbook_entry *entries;
	size_t n;
	size_t nsteps;            /* in all entries, capped at RUNBOOK_MAX_STEPS */
	struct runbook_cut *cuts; /* where the caps cut (runbook_build_cut) */
	size_t ncuts;
	int cut_entries, cut_steps; /* each cap is reported once per file */
};

/* Record that b cut what from line on (once per cap: *once). */
void runbook_build_cut(struct runbook_build *b, int *once, int line, const char *what);

/* runbook.c: small helpers and the entry being built. */

/* A copy of s[0..n) without leading and trailing white space. */
char *runbook_trim_dup(const char *s, size_t n);
/* runbook_guide.c: warnings for the guide annotations of e's steps that
 * only the whole entry can tell (a next-on-* title that does not exist,
 * a capture of a column the step never prints, an expect or capture on
 * a step whose output cannot be read). */
void runbook_guide_lint(struct runbook_entry *e);
/* runbook_guide.c: the clause after "capture" or "expect" at s[i..n)
 * added to a (or an error); returns where it ends. */
size_t runbook_annot_clause(struct runbook_annot *a, const char *key, const char *s, size_t n,
			    size_t i);

/* 1 if the word w[0..n) is one of the NULL-ended list, ignoring case
 * when icase. */
int runbook_word_in(const char *w, size_t n, const char *const *list, int icase);

/* Append s (now owned by the array) to *arr of *n strings. */
void runbook_push_str(char ***arr, size_t *n, char *s);

/* The phase a heading's text gives its steps, or -1 if it gives none. */
int runbook_heading_phase(const char *h);

/* The kind of a fence's language word; -1 when not runnable. */
int runbook_kind_of(const char *lang);

/* A new entry at the end of the build, or NULL past the entry cap. */
struct runbook_entry *runbook_new_entry(struct runbook_build *b, enum entry_type type,
					const char *title, int line);

/* Drop the annotations waiting for the scope's next block. */
void runbook_scope_clear_pending(struct runbook_scope *sc);

/* runbook_place.c: fill st's placeholders from its text. */
void runbook_find_placeholders(struct step *st);

/* A placeholder reference: <name>, or $NAME / ${NAME...} (var). */
struct runbook_ref {
	int var;
	int defaulted;     /* ${NAME:-x} */
	size_t name, nlen; /* a var's name: t[name..name+nlen) */
};

/* The placeholder reference at t[i] that kind's rules count (ctx from
 * runbook_scan): its length, or 0. Not applied here: a shell step's own
 * assignments and standard variables (runbook_find_placeholders). */
size_t runbook_ref_at(enum step_kind kind, const char *t, size_t n, const unsigned char *ctx,
		      size_t i, struct runbook_ref *r);
/* The variable name of the reference of len bytes at t[i]; fresh. */
char *runbook_ref_env(const char *t, size_t i, size_t len, const struct runbook_ref *r);

/* runbook_annot.c: an annotation set's life and its two sources. */
void runbook_annot_init(struct runbook_annot *a);
void runbook_annot_free(struct runbook_annot *a);

/* Lay src's set fields over dst. */
void runbook_annot_merge(struct runbook_annot *dst, const struct runbook_annot *src);

/* Parse the text after "amconsole:" (s[0..n)) into a. */
void runbook_annot_parse(struct runbook_annot *a, const char *s, size_t n);

/* Annotations of an HTML block; 1 if it held any. */
int runbook_annot_html(struct runbook_annot *a, const char *html);

/* runbook_step.c: split code block n into steps of the scope's entry. */
void runbook_code_block(struct runbook_build *b, struct runbook_scope *sc, cmark_node *n);

#endif
