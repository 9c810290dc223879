/*
 * options.h - the one table of command-line options, from which argument
 * parsing, --help and the man page's OPTIONS section agree (a test checks
 * the man page against it).
 */
#ifndef AM_OPTIONS_H
#define AM_OPTIONS_H

#include <stdio.h>
#include "core/config.h"

enum options_mode {
	OPTIONS_RUN, /* start the console */
	OPTIONS_HELP,
	OPTIONS_VERSION,
	OPTIONS_PRINT_CONFIG,
	OPTIONS_LINT,         /* files in args */
	OPTIONS_DUMP_RUNBOOK, /* files in args */
	OPTIONS_LIST_COMMANDS,
	OPTIONS_LIST_KEYS,
	OPTIONS_INIT_CONFIG,   /* write the starter file (to config_file if set) */
	OPTIONS_LIST_CONTEXTS, /* the kubeconfig's contexts, for completions */
};

struct options_result {
	enum options_mode mode;
	char **files; /* --lint / --dump-runbook operands (point into argv) */
	int nfiles;
	const char *config_file; /* --config's value or NULL (points into argv) */
	int source_tree;         /* the tree's runbooks/ was added (no --runbooks given,
				  * the binary sits in a source tree): installed
				  * runbooks are not loaded over it */
};

/* What an option does; the table's id column, so parsing dispatches on
 * the table rather than on a second list of names. */
enum options_id {
	OPTIONS_OPT_CONFIG,
	OPTIONS_OPT_RUNBOOKS,
	OPTIONS_OPT_THEME,
	OPTIONS_OPT_READ_ONLY,
	OPTIONS_OPT_INCIDENT,
	OPTIONS_OPT_PRESENT,
	OPTIONS_OPT_FOLLOW,
	OPTIONS_OPT_OWN_DATA,
	OPTIONS_OPT_WARROOM,
	OPTIONS_OPT_WARROOM_SECRET,
	OPTIONS_OPT_RECORD,
	OPTIONS_OPT_REPLAY,
	OPTIONS_OPT_ASCIICAST,
	OPTIONS_OPT_CONTEXT,
	OPTIONS_OPT_NAMESPACE,
	OPTIONS_OPT_REFRESH,
	OPTIONS_OPT_AUDIT_LOG,
	OPTIONS_OPT_LOG,
	OPTIONS_OPT_STEP_TIMEOUT,
	OPTIONS_OPT_ASCII,
	OPTIONS_OPT_NO_MOUSE,
	OPTIONS_OPT_PRINT_CONFIG,
	OPTIONS_OPT_LINT,
	OPTIONS_OPT_DUMP_RUNBOOK,
	OPTIONS_OPT_VERSION,
	OPTIONS_OPT_HELP,
	OPTIONS_OPT_LIST_COMMANDS,
	OPTIONS_OPT_LIST_KEYS,
	OPTIONS_OPT_INIT_CONFIG,
	OPTIONS_OPT_LIST_CONTEXTS,
};

/* How a flag sets its field of struct config (options_def.set). */
enum options_set {
	OPTIONS_SET_NONE,     /* by a case of its own, or in the first pass */
	OPTIONS_SET_FLAG,     /* an int, set to 1 */
	OPTIONS_SET_STRING,   /* a char *, replaced; empty is an error */
	OPTIONS_SET_PATH,     /* likewise, with ~ expanded */
	OPTIONS_SET_DURATION, /* a double of seconds, > 0 */
};

struct options_def {
	const char *name; /* long name without "--" */
	const char *arg;  /* argument name ("FILE") or NULL for a switch */
	const char *help; /* one line; NULL: hidden from --help */
	enum options_id id;
	enum options_set set;
	size_t field; /* offsetof(struct config, ...) when set is not NONE */
};

/* The NULL-name-terminated option table. */
extern const struct options_def options_table[];

/* Parse argv: loads the config file (--config, else the default path if
 * it exists), applies the environment, then flags, into c (which the
 * caller has config_defaults()ed). Without --runbooks, a binary inside a
 * source tree (build/amconsole of a checkout) adds the tree's runbooks/
 * and sets res->source_tree. Accepts "--opt value" and
 * "--opt=value"; "--" ends the options. Operands are moved to the end of
 * argv (as GNU getopt does), so res->files points into argv and needs no
 * freeing. --help, --version and --init-config load no configuration. 0, or -1 + err
 * (a usage or config error; exit status 2). */
int options_parse(int argc, char **argv, struct config *c, struct options_result *res, char *err,
		  size_t errlen);
/* Print --help text from the table. */
void options_usage(FILE *out);

#endif
