/*
 * runbook_bind.c - the values of a native step's placeholders bound to
 * it without ever being spliced into text they could escape from (see
 * runbook.h, struct step_values): SQL gets bind parameters ($1 with
 * PQexecParams; a string literal holding a placeholder becomes one
 * parameter), PromQL gets each value escaped as the string it stands in
 * (and as a literal regex in a =~ or !~ matcher),
 * Redis gets marks its tokenizer keeps inside one argument, replaced by
 * the values after the split. A placeholder where a value cannot stand
 * (a SQL identifier, a keyword, PromQL code) refuses the step with the
 * reason. Pure functions, any thread.
 */
#include "core/runbook.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_int.h"
#include "lib/util.h"

#define BIND_MARK_OPEN '\x1d'
#define BIND_MARK_CLOSE '\x1e'

/* ------------------------------------------------------------------ */
/* Values                                                              */

static struct step_values *step_values_new(size_t n)
{
	struct step_values *v = xcalloc(1, sizeof *v);

	v->n = n;
	v->names = xcalloc(n + 1, sizeof *v->names);
	v->values = xcalloc(n + 1, sizeof *v->values);
	v->secret = xcalloc(n + 1, sizeof *v->secret);
	return v;
}

struct step_values *step_values_of(const struct step *st, char *const *values)
{
	struct step_values *v = step_values_new(st->nplaceholders);
	size_t i;

	for (i = 0; i < st->nplaceholders; i++) {
		v->names[i] = xstrdup(st->placeholders[i].env);
		v->values[i] = xstrdup(values != NULL && values[i] != NULL ? values[i] : "");
		v->secret[i] = st->placeholders[i].secret;
	}
	return v;
}

struct step_values *step_values_dup(const struct step_values *src)
{
	struct step_values *v;
	size_t i;

	if (src == NULL)
		return NULL;
	v = step_values_new(src->n);
	for (i = 0; i < src->n; i++) {
		v->names[i] = xstrdup(src->names[i]);
		v->values[i] = xstrdup(src->values[i]);
		v->secret[i] = src->secret != NULL && src->secret[i];
	}
	return v;
}

void step_values_free(struct step_values *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		free(v->names[i]);
		if (v->values[i] != NULL)
			explicit_bzero(v->values[i], strlen(v->values[i]));
		free(v->values[i]);
	}
	free(v->names);
	free(v->values);
	free(v->secret);
	free(v);
}

/* The index in v of the placeholder referenced at t[i] (len bytes), or
 * -1 when v has no value for it. */
static long bind_index(const struct step_values *v, const char *t, size_t i, size_t len,
		       const struct runbook_ref *r)
{
	char *env = runbook_ref_env(t, i, len, r);
	size_t k;

	for (k = 0; v != NULL && k < v->n; k++)
		if (strcmp(v->names[k], env) == 0)
			break;
	free(env);
	return v != NULL && k < v->n ? (long)k : -1;
}

/* The placeholder of v referenced at t[i]: its length (0: none) and *k. */
static size_t bind_ref(enum step_kind kind, const struct step_values *v, const char *t, size_t n,
		       const unsigned char *ctx, size_t i, long *k)
{
	struct runbook_ref r;
	size_t len = runbook_ref_at(kind, t, n, ctx, i, &r);

	if (len == 0)
		return 0;
	*k = bind_index(v, t, i, len, &r);
	return *k >= 0 ? len : 0;
}

static const char *bind_value(const struct step_values *v, long k, int mask)
{
	return mask && v->secret != NULL && v->secret[k] ? "***" : v->values[k];
}

/* What stands for one reference in the text bind_each_ref copies:
 * append it to sb; the reference is t[i..i+len) (scanner context ctx)
 * and names value k. -1 refuses the text (err says why). */
typedef int (*bind_put_fn)(struct strbuf *sb, const char *t, const unsigned char *ctx, size_t i,
			   size_t len, long k, void *arg);

/* text with each reference to a value of v replaced by what put
 * appends, the rest copied as it is: a fresh string, or NULL when put
 * refused it. */
static char *bind_each_ref(enum step_kind kind, const char *text, const struct step_values *v,
			   bind_put_fn put, void *arg)
{
	size_t n = strlen(text), i;
	unsigned char *ctx = runbook_scan(kind, text, n);
	struct strbuf sb = { 0 };

	strbuf_append(&sb, "", 0);
	for (i = 0; i < n; i++) {
		long k;
		size_t len = bind_ref(kind, v, text, n, ctx, i, &k);

		if (len == 0) {
			strbuf_putc(&sb, text[i]);
			continue;
		}
		if (put(&sb, text, ctx, i, len, k, arg) < 0) {
			free(ctx);
			strbuf_free(&sb);
			return NULL;
		}
		i += len - 1;
	}
	free(ctx);
	return strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* Redis: marks                                                        */

/* A reference as its mark: OPEN, the value's index, CLOSE. */
static int bind_put_mark(struct strbuf *sb, const char *t, const unsigned char *ctx, size_t i,
			 size_t len, long k, void *arg)
{
	strbuf_printf(sb, "%c%ld%c", BIND_MARK_OPEN, k, BIND_MARK_CLOSE);
	return 0;
}

char *runbook_bind_mark(enum step_kind kind, const char *text, const struct step_values *v,
			char *err, size_t errlen)
{
	size_t n = strlen(text);

	if (memchr(text, BIND_MARK_OPEN, n) != NULL || memchr(text, BIND_MARK_CLOSE, n) != NULL) {
		snprintf(err, errlen, "the step holds control bytes 0x1d/0x1e: edit it");
		return NULL;
	}
	return bind_each_ref(kind, text, v, bind_put_mark, NULL);
}

char *runbook_bind_unmark(const char *s, size_t n, const struct step_values *v, int mask,
			  size_t *outlen)
{
	struct strbuf sb = { 0 };
	size_t i;

	strbuf_append(&sb, "", 0);
	for (i = 0; i < n; i++) {
		const char *close =
			s[i] == BIND_MARK_OPEN ? memchr(s + i, BIND_MARK_CLOSE, n - i) : NULL;
		char *end;
		long k;

		if (close != NULL) {
			k = strtol(s + i + 1, &end, 10);
			if (end == close && k >= 0 && v != NULL && (size_t)k < v->n) {
				strbuf_puts(&sb, bind_value(v, k, mask));
				i = (size_t)(close - s);
				continue;
			}
		}
		strbuf_putc(&sb, s[i]);
	}
	*outlen = sb.len;
	return strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* PromQL: escaped strings                                             */

/* Append val escaped for a PromQL string quoted with q. */
static void bind_promql_escape(struct strbuf *sb, const char *val, char q)
{
	const unsigned char *p;

	for (p = (const unsigned char *)val; *p != '\0'; p++) {
		if (*p == '\\' || *p == (unsigned char)q)
			strbuf_printf(sb, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(sb, "\\x%02x", *p);
		else
			strbuf_putc(sb, (char)*p);
	}
}

/* 1 if the string around t[i] (ctx RB_DQ or RB_SQ) is the value of a
 * regular-expression matcher (=~ or !~): its value is a regex. */
static int bind_promql_regex(const char *t, const unsigned char *ctx, size_t i)
{
	while (i > 0 && ctx[i - 1] == ctx[i])
		i--;
	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
		i--;
	return i >= 2 && t[i - 1] == '~' && (t[i - 2] == '=' || t[i - 2] == '!');
}

/* val with the regex metacharacters escaped (as Go's QuoteMeta): a
 * value in a =~ matcher matches itself only. Fresh. */
static char *bind_quote_meta(const char *val)
{
	struct strbuf sb = { 0 };

	strbuf_append(&sb, "", 0);
	for (; *val != '\0'; val++) {
		if (strchr("\\.+*?()|[]{}^$", *val) != NULL)
			strbuf_putc(&sb, '\\');
		strbuf_putc(&sb, *val);
	}
	return strbuf_detach(&sb);
}

/* What bind_put_promql needs besides the reference. */
struct bind_promql {
	const struct step_values *v;
	int mask;
	char *err;
	size_t errlen;
};

/* A reference inside a PromQL string as its value escaped for that
 * string (and regex-quoted in a =~ or !~ matcher); one outside any
 * string is refused. */
static int bind_put_promql(struct strbuf *sb, const char *t, const unsigned char *ctx, size_t i,
			   size_t len, long k, void *arg)
{
	const struct bind_promql *b = arg;
	const char *val = bind_value(b->v, k, b->mask);
	char q = ctx[i] == RB_DQ ? '"' : '\'';

	if (ctx[i] != RB_DQ && ctx[i] != RB_SQ) {
		snprintf(b->err, b->errlen,
			 "%.*s stands outside a PromQL string: only a quoted string or "
			 "label matcher value (pod=\"%.*s\") can take a value; edit the "
			 "step",
			 (int)len, t + i, (int)len, t + i);
		return -1;
	}
	if (bind_promql_regex(t, ctx, i)) {
		char *re = bind_quote_meta(val);

		bind_promql_escape(sb, re, q);
		free(re);
	} else {
		bind_promql_escape(sb, val, q);
	}
	return 0;
}

char *runbook_bind_promql(const char *text, const struct step_values *v, int mask, char *err,
			  size_t errlen)
{
	struct bind_promql b = { v, mask, err, errlen };

	return bind_each_ref(STEP_PROMQL, text, v, bind_put_promql, &b);
}

/* ------------------------------------------------------------------ */
/* SQL: bind parameters                                                */

/* Statements whose text may hold parameters (PostgreSQL plans only
 * these; utility statements such as SET or VACUUM take none). */
static const char *const bind_sql_plannable[] = {
	"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES", "EXPLAIN", "CALL", NULL,
};

/* Words after which a name, not a value, stands. */
static const char *const bind_sql_name_before[] = {
	"FROM",     "JOIN",     "INTO",    "UPDATE",   "TABLE",  "INDEX", "VIEW",     "SCHEMA",
	"DATABASE", "SEQUENCE", "TRIGGER", "FUNCTION", "ROLE",   "USER",  "TRUNCATE", "VACUUM",
	"ANALYZE",  "ONLY",     "AS",      "BY",       "EXISTS", NULL,
};

/* Type names whose typed literal (interval '5 minutes') becomes a cast
 * of the parameter. */
static const char *const bind_sql_types[] = {
	"INTERVAL", "DATE",    "TIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMETZ",
	"JSON",     "JSONB",   "UUID", "INET",      "CIDR",        "NUMERIC",
	"BIGINT",   "INTEGER", "INT",  "BOOLEAN",   "TEXT",        NULL,
};

static int bind_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The word of the statement t[s..i) that ends right before i (spaces
 * skipped): *w and its length, or 0. */
static size_t bind_word_before(const char *t, size_t s, size_t i, const char **w)
{
	size_t e = i, b;

	while (e > s && isspace((unsigned char)t[e - 1]))
		e--;
	b = e;
	while (b > s && bind_ident(t[b - 1]))
		b--;
	*w = t + b;
	return e - b;
}

struct bind_stmt {
	const char *t;
	size_t n, s, e; /* the statement is t[s..e) */
	const unsigned char *ctx;
	const struct step_values *v;
	struct strbuf sql, shown;
	char **params;
	int nparams;
	int own_params; /* the statement writes $1 itself */
	const char *tok;
	size_t toklen; /* the placeholder a refusal names */
};

static void bind_sql_quote(struct strbuf *sb, const char *val)
{
	strbuf_putc(sb, '\'');
	for (; *val != '\0'; val++) {
		if (*val == '\'')
			strbuf_putc(sb, '\'');
		strbuf_putc(sb, *val);
	}
	strbuf_putc(sb, '\'');
}

/* Why a value cannot stand at t[i..i+len) of the statement, or NULL. */
static const char *bind_sql_where(const struct bind_stmt *b, size_t i, size_t len)
{
	const char *w;
	size_t wl = bind_word_before(b->t, b->s, i, &w), k = i + len, p = i;

	while (p > b->s && isspace((unsigned char)b->t[p - 1]))
		p--;
	while (k < b->e && isspace((unsigned char)b->t[k]))
		k++;
	if ((p > b->s && b->t[p - 1] == '.') || (k < b->e && b->t[k] == '.'))
		return "a qualified name";
	if (k < b->e && b->t[k] == '(')
		return "a function name";
	if (wl > 0 && runbook_word_in(w, wl, bind_sql_name_before, 1))
		return "a name after a keyword";
	if ((i > b->s && bind_ident(b->t[i - 1])) || (i + len < b->e && bind_ident(b->t[i + len])))
		return "part of a word";
	return NULL;
}

/* Append parameter $k for val: as a cast when the typed literal or the
 * value stands after a type name (interval '<n> minutes'). */
static void bind_sql_param(struct bind_stmt *b, const char *val, const char *shown, size_t at)
{
	const char *w;
	size_t wl = bind_word_before(b->t, b->s, at, &w);

	b->params = xrealloc(b->params, (size_t)(b->nparams + 1) * sizeof *b->params);
	b->params[b->nparams++] = xstrdup(val);
	if (wl > 0 && runbook_word_in(w, wl, bind_sql_types, 1)) {
		/* drop the type name already copied, cast instead */
		size_t back = (size_t)(b->t + at - w);

		b->sql.len -= back < b->sql.len ? back : b->sql.len;
		b->sql.buf[b->sql.len] = '\0';
		strbuf_printf(&b->sql, "CAST($%d AS %.*s)", b->nparams, (int)wl, w);
	} else {
		strbuf_printf(&b->sql, "$%d", b->nparams);
	}
	bind_sql_quote(&b->shown, shown);
}

/* The string literal t[i..) (ctx RB_SQ from its quote): copied, or,
 * when it holds a placeholder, bound as one parameter. Returns its end,
 * or 0 + b->tok when it cannot be bound. */
static size_t bind_sql_literal(struct bind_stmt *b, size_t i, const char **why)
{
	struct strbuf val = { 0 }, shown = { 0 };
	size_t e = i + 1, j;
	int refs = 0;

	while (e < b->e && b->ctx[e] == RB_SQ)
		e++;
	strbuf_append(&val, "", 0);
	strbuf_append(&shown, "", 0);
	for (j = i + 1; j + 1 < e; j++) {
		long k;
		size_t len = bind_ref(STEP_SQL, b->v, b->t, b->n, b->ctx, j, &k);

		if (len > 0) {
			strbuf_puts(&val, b->v->values[k]);
			strbuf_puts(&shown, bind_value(b->v, k, 1));
			if (!refs++) {
				b->tok = b->t + j;
				b->toklen = len;
			}
			j += len - 1;
			continue;
		}
		if (b->t[j] == '\'' && b->t[i] == '\'')
			j++; /* '' is one quote */
		strbuf_putc(&val, b->t[j]);
		strbuf_putc(&shown, b->t[j]);
	}
	if (refs == 0) {
		strbuf_append(&b->sql, b->t + i, e - i);
		strbuf_append(&b->shown, b->t + i, e - i);
	} else if (b->t[i] == '$') {
		*why = "inside a $$ body";
	} else if (i > b->s && (bind_ident(b->t[i - 1]) || b->t[i - 1] == '&')) {
		*why = "inside a prefixed string (E'', B'', U&'')";
	} else {
		bind_sql_param(b, val.buf, shown.buf, i);
	}
	strbuf_free(&val);
	strbuf_free(&shown);
	return *why != NULL ? 0 : e;
}

/* Bind statement b; 0 or -1 + err. */
static int bind_sql_stmt(struct bind_stmt *b, char *err, size_t errlen)
{
	const char *why = NULL, *w;
	size_t i = b->s, wl;

	while (i < b->e && why == NULL) {
		long k;
		size_t len;

		if (b->ctx[i] == RB_SQ && (i == b->s || b->ctx[i - 1] != RB_SQ)) {
			i = bind_sql_literal(b, i, &why);
			continue;
		}
		len = bind_ref(STEP_SQL, b->v, b->t, b->n, b->ctx, i, &k);
		if (len == 0) {
			b->own_params |= b->ctx[i] == RB_CODE && b->t[i] == '$' && i + 1 < b->e &&
					 isdigit((unsigned char)b->t[i + 1]);
			strbuf_putc(&b->sql, b->t[i]);
			strbuf_putc(&b->shown, b->t[i]);
			i++;
			continue;
		}
		b->tok = b->t + i;
		b->toklen = len;
		if (b->ctx[i] == RB_DQ)
			why = "inside a quoted identifier";
		else if ((why = bind_sql_where(b, i, len)) == NULL)
			bind_sql_param(b, b->v->values[k], bind_value(b->v, k, 1), i);
		i += len;
	}
	for (i = b->s; i < b->e && (isspace((unsigned char)b->t[i]) || b->ctx[i] == RB_COMMENT);
	     i++)
		;
	wl = 0;
	w = b->t + i;
	while (i + wl < b->e && bind_ident(b->t[i + wl]))
		wl++;
	if (why == NULL && b->nparams > 0 && b->t[i] != '(' &&
	    !runbook_word_in(w, wl, bind_sql_plannable, 1)) {
		snprintf(err, errlen,
			 "a %.*s statement takes no parameters, so %.*s cannot be bound; edit "
			 "the step",
			 (int)(wl ? wl : 1), wl ? w : "?", (int)b->toklen, b->tok);
		return -1;
	}
	if (why == NULL && b->nparams > 0 && b->own_params) {
		snprintf(err, errlen,
			 "the statement has $1-style parameters of its own: with %.*s their "
			 "numbers would clash; edit the step",
			 (int)b->toklen, b->tok);
		return -1;
	}
	if (why != NULL) {
		snprintf(err, errlen,
			 "%.*s stands where a bind parameter cannot (%s): a value is never "
			 "spliced into SQL; edit the step",
			 (int)b->toklen, b->tok, why);
		return -1;
	}
	return 0;
}

void runbook_sql_bound_free(struct sql_bound *b, size_t n)
{
	size_t i;
	int k;

	for (i = 0; b != NULL && i < n; i++) {
		free(b[i].sql);
		free(b[i].shown);
		for (k = 0; k < b[i].nparams; k++)
			free(b[i].params[k]);
		free(b[i].params);
	}
	free(b);
}

/* 1 if t[s..e) holds nothing but space and comments. */
static int bind_sql_blank(const char *t, const unsigned char *ctx, size_t s, size_t e)
{
	for (; s < e; s++)
		if (!isspace((unsigned char)t[s]) && ctx[s] != RB_COMMENT)
			return 0;
	return 1;
}

int runbook_bind_sql(const char *text, const struct step_values *v, struct sql_bound **out,
		     size_t *nout, char *err, size_t errlen)
{
	size_t n = strlen(text), s = 0, i;
	unsigned char *ctx = runbook_scan(STEP_SQL, text, n);
	struct sql_bound *res = NULL;
	size_t nres = 0;
	int rc = 0;

	for (i = 0; i <= n && rc == 0; i++) {
		struct bind_stmt b = { 0 };

		if (i < n && !(text[i] == ';' && ctx[i] == RB_CODE))
			continue;
		if (!bind_sql_blank(text, ctx, s, i)) {
			b.t = text;
			b.n = n;
			b.s = s;
			b.e = i;
			b.ctx = ctx;
			b.v = v;
			strbuf_append(&b.sql, "", 0);
			strbuf_append(&b.shown, "", 0);
			rc = bind_sql_stmt(&b, err, errlen);
			res = xrealloc(res, (nres + 1) * sizeof *res);
			res[nres].sql = strbuf_detach(&b.sql);
			res[nres].shown = strbuf_detach(&b.shown);
			res[nres].nparams = b.nparams;
			res[nres++].params = b.params;
		}
		s = i + 1;
	}
	free(ctx);
	if (rc != 0) {
		runbook_sql_bound_free(res, nres);
		return -1;
	}
	*out = res;
	*nout = nres;
	return 0;
}
