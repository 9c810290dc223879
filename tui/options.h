/*
 * options.h - the one table of command-line options, from which argument
 * parsing, --help and the man page's OPTIONS section agree (a test checks
 * the man page against it).
 */
#ifndef AM_OPTIONS_H
#define AM_OPTIONS_H

#include <stdio.h>
#include "config.h"

enum options_mode {
	OPTIONS_RUN,          /* start the console */
	OPTIONS_HELP,
	OPTIONS_VERSION,
	OPTIONS_PRINT_CONFIG,
	OPTIONS_LINT,         /* files in args */
	OPTIONS_DUMP_RUNBOOK, /* files in args */
};

struct options_result {
	enum options_mode mode;
	char **files;         /* --lint / --dump-runbook operands (point into argv) */
	int nfiles;
};

struct options_def {
	const char *name;     /* long name without "--" */
	const char *arg;      /* argument name ("FILE") or NULL for a switch */
	const char *help;     /* one line */
};

/* The NULL-name-terminated option table. */
extern const struct options_def options_table[];

/* Parse argv: loads the config file (--config, else the default path if
 * it exists), applies the environment, then flags, into c (which the
 * caller has config_defaults()ed). 0, or -1 + err (a usage or config
 * error; exit status 2). */
int options_parse(int argc, char **argv, struct config *c, struct options_result *res,
		  char *err, size_t errlen);
/* Print --help text from the table. */
void options_usage(FILE *out);

#endif
