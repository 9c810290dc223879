/*
 * runbook.h - the runbook model: CommonMark files parsed with libcmark
 * into entries (symptoms, procedures, reference sections) made of steps,
 * each step classified (kind, phase, read-only or changing, interactive),
 * with its placeholders and lint warnings. Pure data and parsing; no
 * terminal, no threads. Used by the runbook pane, --dump-runbook and --lint.
 *
 * The rules (DESIGN.md "Runbooks"):
 *  - a heading whose direct sub-headings include "Symptoms" or
 *    "Diagnostic ..." is a symptom; its "Symptoms" bullets are its
 *    symptoms; its code blocks are its steps;
 *  - an H2 section outside any symptom with runnable code blocks is a
 *    procedure; one without is reference text;
 *  - a bash/sh/sql/promql/redis block is split into blank-line separated
 *    chunks; leading comment lines (#, or -- for sql) title a chunk; a
 *    chunk of only comments titles the next; a block with a #! line is one
 *    script step; yaml and other runnable blocks are one step;
 *  - **Caption** paragraphs and sub-headings are the group of the steps
 *    that follow; steps under "Diagnostic"/"Monitoring" are diagnosis,
 *    under "Solutions"/"Common Causes"/recovery sections are remedies.
 *  - an HTML comment "<!-- amconsole: KEY[=VALUE] ... -->" before a code
 *    block, or a "# amconsole: ..." comment line in a chunk, overrides
 *    classification: read-only, changing, destructive, target=NAME,
 *    confirm (a confirmation note exists), interactive, timeout=DURATION;
 *    alerts=NAME[,NAME...] under a symptom or procedure heading names the
 *    Prometheus alerts that lead to that entry, findings=KIND[,KIND...]
 *    the Triage findings (pod-crashloop, kafka-lag, pg-connections ...).
 */
#ifndef AM_RUNBOOK_H
#define AM_RUNBOOK_H

#include <stddef.h>

enum step_kind { STEP_SHELL, STEP_SQL, STEP_PROMQL, STEP_REDIS, STEP_YAML };
enum step_phase { PHASE_DIAGNOSIS, PHASE_REMEDY };
enum entry_type { ENTRY_SYMPTOM, ENTRY_PROCEDURE, ENTRY_REFERENCE };

struct placeholder {
	char *token;  /* as written: "<pod-name>" or "$TOKEN" */
	char *env;    /* environment variable the command reads: "POD_NAME", "TOKEN" */
	char *label;  /* for the prompt: "pod-name" */
	int k8s_name; /* value must be a valid Kubernetes name (DNS-1123) */
	int pod;      /* a pod name: the prompt may offer the live pod list */
	int secret;   /* token/password: masked while typed, never logged */
};

struct step {
	char *title;   /* from the leading comments; never NULL ("" allowed) */
	char *command; /* full text as written (continuations kept) */
	char *group;   /* caption or sub-heading; never NULL */
	char *lang;    /* the fence's info word: "bash", "sql", ... */
	enum step_kind kind;
	enum step_phase phase;
	int changing;       /* needs confirmation; refused in --read-only */
	int destructive;    /* confirmation by typing target */
	char *target;       /* what to type for a destructive step; NULL otherwise */
	char *change_why;   /* short reason it is changing ("kubectl delete"), or NULL */
	int interactive;    /* needs the terminal (-it, bare psql ...) */
	int script;         /* the block had a #! line */
	int confirm_note;   /* an annotation acknowledged the data loss */
	char *confirm_text; /* the note given as confirm="...", or NULL */
	double timeout;     /* seconds from an annotation, 0 = default */
	int line;           /* 1-based first line of the command in the file */
	struct placeholder *placeholders;
	size_t nplaceholders;
	char **warnings; /* lint warnings, each one line */
	size_t nwarnings;
	/* From annotations (runbook_guide.c): "capture NAME=column:COL [where
	 * COL!=V]" / "NAME=/re/" and "expect exit=0" / "rows=0" / "value<X" /
	 * "output!~/re/" as written (parsed with runbook_capture_parse and
	 * runbook_expect_parse), and the titles of the steps to go to next. */
	char **captures;
	size_t ncaptures;
	char **expects;
	size_t nexpects;
	char *next_on_ok;
	char *next_on_fail;
};

struct runbook_entry {
	char *title; /* heading text without numbering: "Service Startup Issues" */
	char *file;  /* path it was loaded from */
	int line;    /* heading line */
	enum entry_type type;
	char **symptoms; /* "Symptoms" bullets (plain text) */
	size_t nsymptoms;
	struct step *steps;
	size_t nsteps;
	char *text;    /* reference text (plain, formatted lines), or NULL */
	char **alerts; /* alert names from an alerts= annotation under the heading */
	size_t nalerts;
	char **findings; /* finding kinds from a findings= annotation */
	size_t nfindings;
};

/* Where a file went over one of the parser's caps (entries, steps per
 * file): what was left out, from which line. --lint and the runbook pane
 * say so; nothing is cut without a word. */
struct runbook_cut {
	char *file;
	int line;
	char *what;
};

struct runbook_set {
	struct runbook_entry *entries;
	size_t nentries;
	struct runbook_cut *cuts;
	size_t ncuts;
};

/* Parse Markdown text and append its entries to set. name is recorded as
 * each entry's file. 0, or -1 + err (the set is unchanged on error). */
int runbook_parse(struct runbook_set *set, const char *name, const char *text, size_t len,
		  char *err, size_t errlen);
/* Read and parse one file (capped at 4 MiB). 0 or -1 + err. */
int runbook_load_file(struct runbook_set *set, const char *path, char *err, size_t errlen);
/* Load every *.md in dir, in name order. Returns the number of files
 * loaded, or -1 + err when dir cannot be read. Files that fail are
 * reported through err of the first failure but do not stop the rest. */
int runbook_load_dir(struct runbook_set *set, const char *dir, char *err, size_t errlen);
void runbook_set_free(struct runbook_set *set);

/* The JSON of --dump-runbook for set (symptoms and procedures only);
 * caller frees. */
char *runbook_dump_json(const struct runbook_set *set);

/* The first symptom or procedure of set whose findings list holds kind
 * (exact), or NULL. */
const struct runbook_entry *runbook_for_finding(const struct runbook_set *set, const char *kind);
/* The first symptom or procedure of set whose alerts list holds name
 * (exact), or NULL. */
const struct runbook_entry *runbook_for_alert(const struct runbook_set *set, const char *name);

/* 1 if entry matches the filter words (case-insensitive, every word must
 * appear in the title or a symptom bullet); an empty filter matches. */
int runbook_entry_matches(const struct runbook_entry *e, const char *filter);

const char *runbook_kind_name(enum step_kind k);
const char *runbook_phase_name(enum step_phase p);

/* Build the environment for running step with the placeholder values
 * (values[i] for placeholders[i]): returns a NULL-terminated array of
 * "ENV=value" strings (caller frees each and the array), or NULL + err
 * when a value is invalid (empty, or not a Kubernetes name where one is
 * required). */
char **runbook_step_env(const struct step *st, const char *const *values, char *err, size_t errlen);
/* The command text that actually runs: each <placeholder> replaced by a
 * reference to its variable, quoted for where it stands ("${POD_NAME}"
 * outside quotes, ${POD_NAME} inside double quotes, '"${POD_NAME}"'
 * inside single quotes). $VAR placeholders are left as written. Caller
 * frees. */
char *runbook_step_script(const struct step *st);

/* The values a native (sql, redis, promql) step runs with: names[i] is
 * a placeholder's variable ("ORDER_ID", also for <order-id>), values[i]
 * its value, secret[i] 1 when it is masked wherever it is shown. */
struct step_values {
	size_t n;
	char **names;
	char **values;
	int *secret;
};

/* Fresh values of step's placeholders (values[i] for placeholders[i]);
 * a copy of v; free. NULL-safe. */
struct step_values *step_values_of(const struct step *st, char *const *values);
struct step_values *step_values_dup(const struct step_values *v);
void step_values_free(struct step_values *v);

/* One SQL statement bound to its values: the placeholders became $1,
 * $2 ... (a string literal holding one became a parameter as a whole),
 * params[k] is $(k+1)'s value; shown is the statement with the values in
 * place as literals (secret ones '***'). */
struct sql_bound {
	char *sql;
	char *shown;
	int nparams;
	char **params;
};

/* Bind a sql step's text (split at top-level ';') to v: 0 with *out
 * (n statements, free with runbook_sql_bound_free), or -1 + err when a
 * placeholder stands where a parameter cannot (an identifier, a keyword,
 * a $$ body, a statement that takes no parameters). */
int runbook_bind_sql(const char *text, const struct step_values *v, struct sql_bound **out,
		     size_t *n, char *err, size_t errlen);
void runbook_sql_bound_free(struct sql_bound *b, size_t n);
/* A promql step's text with each placeholder replaced by its value
 * escaped for the PromQL string it stands in (secret ones "***" when
 * mask), or NULL + err when one stands outside a string. */
char *runbook_bind_promql(const char *text, const struct step_values *v, int mask, char *err,
			  size_t errlen);
/* text with each placeholder of v (as kind's rules find them) replaced
 * by a mark ("\x1d<index>\x1e") a tokenizer keeps inside its argument;
 * NULL + err when text holds those bytes itself. */
char *runbook_bind_mark(enum step_kind kind, const char *text, const struct step_values *v,
			char *err, size_t errlen);
/* s (n bytes) with each mark replaced by its value ("***" for a secret
 * one when mask); *outlen its length. */
char *runbook_bind_unmark(const char *s, size_t n, const struct step_values *v, int mask,
			  size_t *outlen);
/* The placeholder-like references kind's rules leave alone in text
 * ("$1 is a SQL parameter"), one line each into out (up to max, caller
 * frees each); returns how many. */
size_t runbook_left_alone(enum step_kind kind, const char *text, char **out, size_t max);

/* 1 if s is a valid DNS-1123 subdomain (<= 253 chars, [a-z0-9.-],
 * alphanumeric at both ends, no "..") — the rule for pod names. */
int runbook_valid_k8s_name(const char *s);

/* Lexical context of each byte of a step's text, from runbook_scan(). */
enum runbook_ctx {
	RB_CODE,        /* top level: outside quotes, comments, $(...) */
	RB_NESTED,      /* code inside $(...), `...` or ( ... ) */
	RB_SQ,          /* inside '...' (or a SQL string, $$...$$) */
	RB_ANSI,        /* inside $'...' */
	RB_DQ,          /* inside "..." */
	RB_ESCAPED,     /* the byte after a backslash */
	RB_COMMENT,     /* a comment, marker included */
	RB_HEREDOC,     /* a here-document body that expands $VAR */
	RB_HEREDOC_LIT, /* a here-document body with a quoted delimiter */
};

/* Scan text (len bytes) with the lexical rules of kind (shell quoting,
 * comments and here-documents; SQL strings and comments; yaml comments):
 * returns len + 1 context bytes (enum runbook_ctx), caller frees. A
 * newline's context says whether the next line starts a new command
 * (RB_CODE or RB_COMMENT) or continues one. */
unsigned char *runbook_scan(enum step_kind kind, const char *text, size_t len);
/* text with every comment byte replaced by a space (lines kept);
 * caller frees. */
char *runbook_strip_comments(enum step_kind kind, const char *text);
/* The first word of text once comments are gone (what a destructive
 * step acts on when nothing names it better); caller frees. */
char *runbook_first_word(enum step_kind kind, const char *text);
/* Length of a "<lower-case-words>" placeholder starting at t[i] (t has
 * n bytes), or 0 when there is none. */
size_t runbook_placeholder_len(const char *t, size_t n, size_t i);
/* What a step's output says (runbook_guide.c). The output is read as
 * its kind prints it: psql-style tables (sql), the VALUE / SERIES listing
 * with one column per label plus "value" and "__name__" (promql), one
 * "value" per element (redis), the columns a header line of capitals
 * lines up, as kubectl prints them (shell). */
#define RUNBOOK_MAX_CAPTURED 1000

enum runbook_expect_op {
	EXPECT_EQ = 1,
	EXPECT_NE,
	EXPECT_LT,
	EXPECT_LE,
	EXPECT_GT,
	EXPECT_GE,
	EXPECT_MATCH,
	EXPECT_NOMATCH,
};
enum runbook_expect_what { EXPECT_EXIT, EXPECT_ROWS, EXPECT_VALUE, EXPECT_OUTPUT };

struct runbook_capture {
	char name[65];   /* the placeholder it feeds, as an environment name: POD */
	char column[65]; /* a column of the output, or "" with re */
	char where_col[65];
	char where_val[128];
	int where_op; /* 0, EXPECT_EQ or EXPECT_NE */
	char re[256]; /* a regular expression (group 1 if any), or "" */
};

struct runbook_expect {
	enum runbook_expect_what what;
	int op;       /* enum runbook_expect_op */
	double num;   /* exit, rows, value */
	char re[256]; /* output */
};

/* 0, or -1 + err. */
int runbook_capture_parse(const char *spec, struct runbook_capture *c, char *err, size_t errlen);
int runbook_expect_parse(const char *spec, struct runbook_expect *x, char *err, size_t errlen);
/* The values c takes from out, the output of a step of kind, in order
 * (at most RUNBOOK_MAX_CAPTURED): *values is fresh (strv_free). */
size_t runbook_capture_run(const struct runbook_capture *c, enum step_kind kind, const char *out,
			   char ***values);
/* 1 when x holds for a step of kind that exited with exit_code and
 * printed out; 0 when not (why: "value 0.31 ≥ 0.05"); -1 when the output
 * cannot be compared (why says so). */
int runbook_expect_eval(const struct runbook_expect *x, enum step_kind kind, int exit_code,
			const char *out, char *why, size_t n);

/* "symptom", "procedure" or "reference". */
const char *runbook_type_name(enum entry_type t);

#endif
