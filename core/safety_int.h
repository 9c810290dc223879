/*
 * safety_int.h - what the step safety files share (safety.c,
 * safety_split.c, safety_redis.c, safety_sql.c) and nothing else
 * includes: the verdict being built and the helpers the judges use.
 * Not an interface: see safety.h for that.
 */
#ifndef AM_SAFETY_INT_H
#define AM_SAFETY_INT_H

#include <stddef.h>

#include "core/safety.h"

#define SAFETY_MAX_DEPTH 8

struct safety_ctx {
	struct safety_verdict *v;
	int depth;
	const char *pod; /* the pod of a surrounding kubectl exec */
	char *pattern;   /* the last redis-cli --pattern seen */
};

/* safety.c */

/* Record that the step changes something (destructive: it destroys),
 * why and what: the first reason stays, unless this is the first
 * destructive one, which replaces it (with its target). */
void safety_mark(struct safety_ctx *cx, int destructive, const char *why, const char *target);

/* 1 if w is one of the NULL-terminated list (safety_in_case: ignoring
 * case). */
int safety_in(const char *w, const char *const *list);
int safety_in_case(const char *w, const char *const *list);

/* Judge one simple command's words; stdin_fed: its input is given. */
void safety_words(struct safety_ctx *cx, char **w, size_t n, int stdin_fed);

/* Judge shell text, command by command. */
void safety_shell(struct safety_ctx *cx, const char *text);

/* safety_redis.c: a redis command's words (host: where it goes, for the
 * target), and redis-cli with its options. */
void safety_redis(struct safety_ctx *cx, char **w, size_t n, const char *host);
void safety_redis_cli(struct safety_ctx *cx, char **w, size_t n, int stdin_fed);

/* safety_sql.c: SQL text, statement by statement, and psql's words
 * (heredoc: the here-document it reads, or NULL). */
void safety_sql(struct safety_ctx *cx, const char *sql);
void safety_psql(struct safety_ctx *cx, char **w, size_t n, int stdin_fed, const char *heredoc);

#endif
