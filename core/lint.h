/*
 * lint.h - runbook lint: known pitfalls found in a step's text (DEL with
 * a glob, pg_stat_statements columns renamed in PostgreSQL 13, pg_restore
 * of a plain .sql dump, kafka-preferred-replica-election.sh, data-losing
 * steps without a confirmation note ...). Pure functions.
 */
#ifndef AM_LINT_H
#define AM_LINT_H

#include "core/runbook.h"

/* Append lint warnings for st to st->warnings (one line each, no file or
 * line prefix). Called by the parser for every step. */
void lint_step(struct step *st);

/* --lint: print "FILE:LINE: warning: TEXT" for every warning of every
 * file to out; returns 0 clean, 1 warnings found, 2 a file unreadable
 * (the error printed to err). */
#include <stdio.h>
int lint_files(char *const *files, int nfiles, FILE *out, FILE *err);

#endif
