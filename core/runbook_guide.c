/*
 * runbook_guide.c - what a step's output says (see runbook.h): the
 * "capture" and "expect" annotations parsed, the output of a step read
 * as a table the way its kind prints it (psql-style for sql, the VALUE /
 * SERIES listing of promql with one column per label, redis-cli-style
 * elements, and for shell the columns a header line lines up, as kubectl
 * prints them), values captured from it, and expectations judged
 * against it. Pure functions, any thread.
 */
#include "core/runbook.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/runbook_int.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* Annotations                                                         */

/* The end of the word at s[i] (n bytes): up to a space, or a whole
 * /regular expression/ (spaces allowed inside), or a quoted string. */
static size_t runbook_guide_word_end(const char *s, size_t n, size_t i)
{
	int in_re = 0;
	char q = 0;

	for (; i < n; i++) {
		if (q != 0) {
			if (s[i] == q)
				q = 0;
			continue;
		}
		if (s[i] == '/' && (i == 0 || s[i - 1] != '\\'))
			in_re = !in_re;
		else if (!in_re && (s[i] == '"' || s[i] == '\''))
			q = s[i];
		else if (!in_re && isspace((unsigned char)s[i]))
			break;
	}
	return i;
}

static size_t runbook_guide_skip(const char *s, size_t n, size_t i)
{
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i;
}

size_t runbook_annot_clause(struct runbook_annot *a, const char *key, const char *s, size_t n,
			    size_t i)
{
	size_t b = runbook_guide_skip(s, n, i), e = runbook_guide_word_end(s, n, b);
	int capture = strcmp(key, "capture") == 0, bad;
	char *spec, err[160];
	struct runbook_capture c;
	struct runbook_expect x;

	if (capture) {
		size_t w = runbook_guide_skip(s, n, e);

		/* "where COL!=VALUE" belongs to the capture. */
		if (n - w >= 6 && strncmp(s + w, "where", 5) == 0 &&
		    isspace((unsigned char)s[w + 5]))
			e = runbook_guide_word_end(s, n, runbook_guide_skip(s, n, w + 5));
	}
	spec = runbook_trim_dup(s + b, e - b);
	bad = capture ? runbook_capture_parse(spec, &c, err, sizeof err)
		      : runbook_expect_parse(spec, &x, err, sizeof err);
	if (bad != 0) {
		runbook_push_str(&a->errors, &a->nerrors,
				 xasprintf("amconsole annotation: %s: %s", key, err));
		free(spec);
	} else if (capture) {
		runbook_push_str(&a->captures, &a->ncaptures, spec);
	} else {
		runbook_push_str(&a->expects, &a->nexpects, spec);
	}
	return e;
}

/* An operator at s: sets *op and returns its length, or 0. */
static size_t runbook_guide_op(const char *s, int *op)
{
	static const struct {
		const char *text;
		int op;
	} ops[] = {
		{ "!=", EXPECT_NE },      { "<=", EXPECT_LE }, { ">=", EXPECT_GE },
		{ "!~", EXPECT_NOMATCH }, { "==", EXPECT_EQ }, { "=", EXPECT_EQ },
		{ "<", EXPECT_LT },       { ">", EXPECT_GT },  { "~", EXPECT_MATCH },
	};
	size_t k;

	for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (strncmp(s, ops[k].text, strlen(ops[k].text)) == 0) {
			*op = ops[k].op;
			return strlen(ops[k].text);
		}
	return 0;
}

/* "/re/" (or a quoted "/re/") into buf; 0 or -1. */
static int runbook_guide_regex(const char *s, char *buf, size_t n, char *err, size_t errlen)
{
	size_t len = strlen(s);
	regex_t re;
	int rc;

	if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0]) {
		s++;
		len -= 2;
	}
	if (len < 2 || s[0] != '/' || s[len - 1] != '/' || len - 2 >= n) {
		snprintf(err, errlen, "a regular expression is written /like this/");
		return -1;
	}
	memcpy(buf, s + 1, len - 2);
	buf[len - 2] = '\0';
	rc = regcomp(&re, buf, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[100];

		regerror(rc, &re, msg, sizeof msg);
		snprintf(err, errlen, "bad regular expression /%.40s/: %s", buf, msg);
		return -1;
	}
	regfree(&re);
	return 0;
}

static int runbook_guide_name(const char *s, size_t n, char *buf, size_t size)
{
	size_t k;

	if (n == 0 || n >= size)
		return -1;
	for (k = 0; k < n; k++)
		if (!isalnum((unsigned char)s[k]) && s[k] != '_' && s[k] != '-' && s[k] != '.')
			return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

int runbook_capture_parse(const char *spec, struct runbook_capture *c, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '='), *p, *w;
	size_t k;

	memset(c, 0, sizeof *c);
	if (eq == NULL || runbook_guide_name(spec, (size_t)(eq - spec), c->name, sizeof c->name)) {
		snprintf(err, errlen, "\"%.60s\": write NAME=column:COLUMN or NAME=/regex/", spec);
		return -1;
	}
	for (k = 0; c->name[k] != '\0'; k++)
		c->name[k] = c->name[k] == '-' ? '_' : (char)toupper((unsigned char)c->name[k]);
	p = eq + 1;
	if (*p == '/' || *p == '"' || *p == '\'')
		return runbook_guide_regex(p, c->re, sizeof c->re, err, errlen);
	if (strncmp(p, "column:", 7) != 0) {
		snprintf(err, errlen, "\"%.60s\": write NAME=column:COLUMN or NAME=/regex/", spec);
		return -1;
	}
	p += 7;
	w = p;
	while (*w != '\0' && !isspace((unsigned char)*w))
		w++;
	if (runbook_guide_name(p, (size_t)(w - p), c->column, sizeof c->column) != 0) {
		snprintf(err, errlen, "bad column name in \"%.60s\"", spec);
		return -1;
	}
	while (isspace((unsigned char)*w))
		w++;
	if (*w == '\0')
		return 0;
	if (strncmp(w, "where", 5) != 0) {
		snprintf(err, errlen, "\"%.40s\": only \"where COLUMN=VALUE\" may follow", w);
		return -1;
	}
	w += 5;
	while (isspace((unsigned char)*w))
		w++;
	p = w;
	while (*w != '\0' && (isalnum((unsigned char)*w) || strchr("_-.", *w) != NULL))
		w++;
	k = runbook_guide_name(p, (size_t)(w - p), c->where_col, sizeof c->where_col) == 0
		    ? runbook_guide_op(w, &c->where_op)
		    : 0;
	if (k == 0 || (c->where_op != EXPECT_EQ && c->where_op != EXPECT_NE)) {
		snprintf(err, errlen, "\"where %.40s\": write where COLUMN=VALUE or COLUMN!=VALUE",
			 p);
		return -1;
	}
	w += k;
	k = strlen(w);
	if (k >= 2 && (w[0] == '"' || w[0] == '\'') && w[k - 1] == w[0]) {
		w++;
		k -= 2;
	}
	snprintf(c->where_val, sizeof c->where_val, "%.*s", (int)k, w);
	return 0;
}

int runbook_expect_parse(const char *spec, struct runbook_expect *x, char *err, size_t errlen)
{
	static const char *const what[] = { "exit", "rows", "value", "output" };
	size_t k, w = 0, len;
	char *end;

	memset(x, 0, sizeof *x);
	for (k = 0; k < 4; k++) {
		w = strlen(what[k]);
		if (strncmp(spec, what[k], w) == 0 && runbook_guide_op(spec + w, &x->op) > 0)
			break;
	}
	if (k == 4) {
		snprintf(err, errlen, "\"%.60s\": write exit=N, rows=N, value<X or output!~/re/",
			 spec);
		return -1;
	}
	x->what = (enum runbook_expect_what)k;
	len = runbook_guide_op(spec + w, &x->op);
	spec += w + len;
	if (x->what == EXPECT_OUTPUT) {
		if (x->op != EXPECT_MATCH && x->op != EXPECT_NOMATCH) {
			snprintf(err, errlen, "output is compared with ~ or !~ /regex/");
			return -1;
		}
		return runbook_guide_regex(spec, x->re, sizeof x->re, err, errlen);
	}
	if (x->op == EXPECT_MATCH || x->op == EXPECT_NOMATCH) {
		snprintf(err, errlen, "~ and !~ compare output only");
		return -1;
	}
	x->num = strtod(spec, &end);
	if (end == spec || *end != '\0' || !isfinite(x->num)) {
		snprintf(err, errlen, "\"%.40s\" is not a number", spec);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output as a table                                                   */

/* One row: its cells by column name (names as the output prints them). */
struct runbook_orow {
	char **keys;
	char **vals;
	size_t n;
};

struct runbook_otable {
	struct runbook_orow *rows;
	size_t nrows;
	int header; /* the output had a header line (sql, shell) */
};

static void runbook_otable_free(struct runbook_otable *t)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		strv_free(t->rows[r].keys, t->rows[r].n);
		strv_free(t->rows[r].vals, t->rows[r].n);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

static struct runbook_orow *runbook_otable_row(struct runbook_otable *t)
{
	t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
	memset(&t->rows[t->nrows], 0, sizeof *t->rows);
	return &t->rows[t->nrows++];
}

/* Add the cell key = val (val taken). */
static void runbook_orow_add(struct runbook_orow *r, const char *key, size_t klen, char *val)
{
	size_t n = r->n;

	runbook_push_str(&r->keys, &n, xstrndup(key, klen));
	runbook_push_str(&r->vals, &r->n, val);
}

/* The cell of row r in column name (case-insensitive), or NULL. */
static const char *runbook_orow_get(const struct runbook_orow *r, const char *name)
{
	size_t k;

	for (k = 0; k < r->n; k++)
		if (strcasecmp(r->keys[k], name) == 0)
			return r->vals[k];
	return NULL;
}

/* The next line of *p (without its newline), advancing *p; NULL at the end. */
static char *runbook_guide_line(const char **p)
{
	const char *s = *p, *e;

	if (*s == '\0')
		return NULL;
	e = strchr(s, '\n');
	if (e == NULL)
		e = s + strlen(s);
	*p = *e == '\n' ? e + 1 : e;
	return xstrndup(s, (size_t)(e - s));
}

static int runbook_guide_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Cells of line split at '|' (psql), trimmed. */
static void runbook_guide_split_bar(const char *line, char ***v, size_t *n)
{
	const char *p = line;

	for (;;) {
		const char *e = strchr(p, '|');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		runbook_push_str(v, n, runbook_trim_dup(p, len));
		if (e == NULL)
			break;
		p = e + 1;
	}
}

/* psql style: " a | b", "---+---", rows, "(N rows)". */
static void runbook_read_sql(const char *out, struct runbook_otable *t)
{
	const char *p = out;
	char *line, **names = NULL;
	size_t nn = 0, k;
	int state = 0; /* 0 header, 1 rule, 2 rows, -1 not a table */

	while (state >= 0 && (line = runbook_guide_line(&p)) != NULL) {
		if (state == 0 && !runbook_guide_blank(line)) {
			runbook_guide_split_bar(line, &names, &nn);
			state = 1;
		} else if (state == 1) {
			state = line[strspn(line, "-+ ")] == '\0' ? 2 : -1;
		} else if (state == 2) {
			char **cells = NULL;
			size_t nc = 0;
			struct runbook_orow *r;

			if (line[0] == '(' || strncmp(line, "... ", 4) == 0) {
				free(line);
				break;
			}
			runbook_guide_split_bar(line, &cells, &nc);
			r = runbook_otable_row(t);
			for (k = 0; k < nn; k++)
				runbook_orow_add(r, names[k], strlen(names[k]),
						 xstrdup(k < nc ? cells[k] : ""));
			strv_free(cells, nc);
		}
		free(line);
	}
	t->header = state == 2;
	strv_free(names, nn);
}

/* One promql series line: VALUE, the sparkline, then name{k="v", ...}. */
static void runbook_read_prom_row(struct runbook_otable *t, const char *line)
{
	const char *v = line, *ve, *b, *p;
	struct runbook_orow *r = runbook_otable_row(t);

	while (isspace((unsigned char)*v))
		v++;
	ve = v;
	while (*ve != '\0' && !isspace((unsigned char)*ve))
		ve++;
	runbook_orow_add(r, "value", 5, xstrndup(v, (size_t)(ve - v)));
	b = strchr(ve, '{');
	if (b == NULL)
		return;
	p = b;
	while (p > ve && !isspace((unsigned char)p[-1]))
		p--;
	if (p < b)
		runbook_orow_add(r, "__name__", 8, xstrndup(p, (size_t)(b - p)));
	p = b + 1;
	while (*p != '\0' && *p != '}') {
		const char *k = p, *ke;
		struct strbuf val = { 0 };

		while (*p != '\0' && *p != '=')
			p++;
		ke = p;
		if (*p != '=' || p[1] != '"')
			break;
		for (p += 2; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			strbuf_putc(&val, *p);
		}
		runbook_orow_add(r, k, (size_t)(ke - k), val.buf != NULL ? val.buf : xstrdup(""));
		if (*p == '"')
			p++;
		while (*p == ',' || *p == ' ')
			p++;
	}
}

static void runbook_read_prom(const char *out, struct runbook_otable *t)
{
	const char *p = out;
	char *line;
	int rows = 0;

	while ((line = runbook_guide_line(&p)) != NULL) {
		if (strncmp(line, "scalar ", 7) == 0 || strncmp(line, "string ", 7) == 0)
			runbook_orow_add(runbook_otable_row(t), "value", 5, xstrdup(line + 7));
		else if (strncmp(line, "VALUE ", 6) == 0)
			rows = 1;
		else if (line[0] == '>')
			rows = 0;
		else if (rows && !runbook_guide_blank(line))
			runbook_read_prom_row(t, line);
		free(line);
	}
}

/* redis-cli style: "1) "a"", "(integer) 5", "OK": one row per element. */
static void runbook_read_redis(const char *out, struct runbook_otable *t)
{
	const char *p = out;
	char *line;

	while ((line = runbook_guide_line(&p)) != NULL) {
		const char *s = line;
		size_t len;

		while (isspace((unsigned char)*s))
			s++;
		while (isdigit((unsigned char)*s) && s[strspn(s, "0123456789")] == ')') {
			s += strspn(s, "0123456789") + 1;
			while (isspace((unsigned char)*s))
				s++;
		}
		if (strncmp(s, "(integer) ", 10) == 0)
			s += 10;
		len = strlen(s);
		if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
			s++;
			len -= 2;
		}
		if (*s != '\0' && strcmp(s, "(nil)") != 0 && strncmp(s, "(empty", 6) != 0)
			runbook_orow_add(runbook_otable_row(t), "value", 5, xstrndup(s, len));
		free(line);
	}
}

/* 1 if line looks like a header: words of capitals, digits, '-', '_'. */
static int runbook_guide_header(const char *line)
{
	const char *p;
	int upper = 0;

	for (p = line; *p != '\0'; p++) {
		if (islower((unsigned char)*p))
			return 0;
		if (isupper((unsigned char)*p))
			upper = 1;
	}
	return upper;
}

/* Shell output: the columns a header line lines up (kubectl get ...):
 * each cell runs from its header word's column to the next one's. */
static void runbook_read_shell(const char *out, struct runbook_otable *t)
{
	const char *p = out;
	char *line, *hdr = NULL;
	size_t starts[64], ends[64], ncols = 0, k;

	while ((line = runbook_guide_line(&p)) != NULL) {
		if (hdr == NULL) {
			if (runbook_guide_blank(line)) {
				free(line);
				continue;
			}
			if (!runbook_guide_header(line)) {
				free(line);
				break;
			}
			hdr = line;
			for (k = 0; hdr[k] != '\0' && ncols < 64; k++) {
				if (isspace((unsigned char)hdr[k]) ||
				    (k > 0 && !isspace((unsigned char)hdr[k - 1])))
					continue;
				starts[ncols] = k;
				ends[ncols] = k + strcspn(hdr + k, " \t");
				ncols++;
			}
			t->header = 1;
			continue;
		}
		if (!runbook_guide_blank(line)) {
			struct runbook_orow *r = runbook_otable_row(t);
			size_t len = strlen(line);

			for (k = 0; k < ncols; k++) {
				size_t s = starts[k] < len ? starts[k] : len;
				size_t e =
					k + 1 < ncols && starts[k + 1] < len ? starts[k + 1] : len;

				runbook_orow_add(r, hdr + starts[k], ends[k] - starts[k],
						 runbook_trim_dup(line + s, e - s));
			}
		}
		free(line);
	}
	free(hdr);
}

static void runbook_read_output(enum step_kind kind, const char *out, struct runbook_otable *t)
{
	memset(t, 0, sizeof *t);
	if (out == NULL)
		return;
	if (kind == STEP_SQL)
		runbook_read_sql(out, t);
	else if (kind == STEP_PROMQL)
		runbook_read_prom(out, t);
	else if (kind == STEP_REDIS)
		runbook_read_redis(out, t);
	else if (kind == STEP_SHELL)
		runbook_read_shell(out, t);
}

/* ------------------------------------------------------------------ */
/* Captures                                                            */

size_t runbook_capture_run(const struct runbook_capture *c, enum step_kind kind, const char *out,
			   char ***values)
{
	struct runbook_otable t;
	size_t n = 0, r;

	*values = NULL;
	if (c->re[0] != '\0') {
		regex_t re;
		regmatch_t m[2];
		const char *text = out != NULL ? out : "";
		size_t at = 0, len = strlen(text), tries = 0;

		if (regcomp(&re, c->re, REG_EXTENDED | REG_NEWLINE) != 0)
			return 0;
		/* Every match, left to right (REG_STARTEND: no strlen of the
		 * rest per call, so a 1 MiB output stays linear); an empty
		 * match moves one byte on; a bounded number of tries. */
		while (n < RUNBOOK_MAX_CAPTURED && at <= len &&
		       tries++ < 20 * RUNBOOK_MAX_CAPTURED) {
			int g;

			m[0].rm_so = (regoff_t)at;
			m[0].rm_eo = (regoff_t)len;
			if (regexec(&re, text, 2, m,
				    REG_STARTEND |
					    (at == 0 || text[at - 1] == '\n' ? 0 : REG_NOTBOL)) !=
			    0)
				break;
			g = m[1].rm_so >= 0 ? 1 : 0;
			if (m[g].rm_eo > m[g].rm_so)
				runbook_push_str(values, &n,
						 xstrndup(text + m[g].rm_so,
							  (size_t)(m[g].rm_eo - m[g].rm_so)));
			at = m[0].rm_eo > m[0].rm_so ? (size_t)m[0].rm_eo : (size_t)m[0].rm_eo + 1;
		}
		regfree(&re);
		return n;
	}
	runbook_read_output(kind, out, &t);
	for (r = 0; r < t.nrows && n < RUNBOOK_MAX_CAPTURED; r++) {
		const char *v = runbook_orow_get(&t.rows[r], c->column);

		if (v == NULL || *v == '\0')
			continue;
		if (c->where_op != 0) {
			const char *w = runbook_orow_get(&t.rows[r], c->where_col);

			if (w == NULL ||
			    (strcmp(w, c->where_val) == 0) != (c->where_op == EXPECT_EQ))
				continue;
		}
		runbook_push_str(values, &n, xstrdup(v));
	}
	runbook_otable_free(&t);
	return n;
}

/* ------------------------------------------------------------------ */
/* Expectations                                                        */

static const char *runbook_guide_op_text(int op, int negate)
{
	static const char *const text[] = { "", "=", "≠", "<", "≤", ">", "≥", "~", "!~" };
	static const char *const neg[] = { "", "≠", "=", "≥", ">", "≤", "<", "!~", "~" };

	return op > 0 && op <= EXPECT_NOMATCH ? (negate ? neg[op] : text[op]) : "?";
}

static int runbook_guide_cmp(double a, int op, double b)
{
	switch (op) {
	case EXPECT_EQ:
		return a == b;
	case EXPECT_NE:
		return a != b;
	case EXPECT_LT:
		return a < b;
	case EXPECT_LE:
		return a <= b;
	case EXPECT_GT:
		return a > b;
	case EXPECT_GE:
		return a >= b;
	default:
		return 0;
	}
}

/* The first number of text that stands as a word of its own ("97",
 * "0.31", "12%", "(integer) 5"; not the "1" of "fleet-1"), or NAN. */
static double runbook_guide_first_number(const char *text)
{
	const char *s = text;

	while (s != NULL && *s != '\0') {
		char *end;
		double v;

		if ((s == text || strchr(" \t\n(=:,|[", s[-1]) != NULL) &&
		    (isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.')) {
			v = strtod(s, &end);
			if (end > s && (*end == '\0' || isspace((unsigned char)*end) ||
					strchr("%,)]|", *end) != NULL))
				return v;
		}
		s++;
	}
	return NAN;
}

/* The rows and first value of a step's output: -1 / NAN when the kind's
 * output gives none. */
static void runbook_guide_measure(enum step_kind kind, const char *out, long *rows, double *value)
{
	struct runbook_otable t;
	const char *p, *v;
	size_t k;

	runbook_read_output(kind, out, &t);
	*rows = -1;
	*value = NAN;
	if (kind == STEP_SQL && t.header) {
		/* "(N rows)" counts the rows not shown too. */
		p = strstr(out, "\n(");
		*rows = p != NULL ? strtol(p + 2, NULL, 10) : (long)t.nrows;
		/* The first cell of the first row that is a number. */
		for (k = 0; t.nrows > 0 && k < t.rows[0].n && isnan(*value); k++)
			*value = runbook_guide_first_number(t.rows[0].vals[k]);
	} else if (kind == STEP_PROMQL || kind == STEP_REDIS) {
		*rows = (long)t.nrows;
		v = t.nrows > 0 ? runbook_orow_get(&t.rows[0], "value") : NULL;
		if (v != NULL)
			*value = runbook_guide_first_number(v);
	} else if (kind == STEP_SHELL) {
		size_t n = 0;

		for (p = out; p != NULL && *p != '\0';) {
			char *line = runbook_guide_line(&p);

			n += !runbook_guide_blank(line);
			free(line);
		}
		*rows = t.header ? (long)t.nrows : (long)n;
		*value = runbook_guide_first_number(out);
	}
	runbook_otable_free(&t);
}

int runbook_expect_eval(const struct runbook_expect *x, enum step_kind kind, int exit_code,
			const char *out, char *why, size_t n)
{
	long rows;
	double value;
	int ok;

	why[0] = '\0';
	if (x->what == EXPECT_EXIT) {
		ok = runbook_guide_cmp(exit_code, x->op, x->num);
		if (!ok)
			snprintf(why, n, "exit %d %s %g", exit_code,
				 runbook_guide_op_text(x->op, 1), x->num);
		return ok;
	}
	if (x->what == EXPECT_OUTPUT) {
		regex_t re;
		int found;

		if (regcomp(&re, x->re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
			snprintf(why, n, "bad regular expression");
			return -1;
		}
		found = regexec(&re, out != NULL ? out : "", 0, NULL, 0) == 0;
		regfree(&re);
		ok = found == (x->op == EXPECT_MATCH);
		if (!ok)
			snprintf(why, n, "output %s /%.60s/", found ? "matches" : "does not match",
				 x->re);
		return ok;
	}
	runbook_guide_measure(kind, out, &rows, &value);
	if (x->what == EXPECT_ROWS) {
		if (rows < 0) {
			snprintf(why, n, "the output has no rows to count");
			return -1;
		}
		ok = runbook_guide_cmp((double)rows, x->op, x->num);
		if (!ok)
			snprintf(why, n, "rows %ld %s %g", rows, runbook_guide_op_text(x->op, 1),
				 x->num);
		return ok;
	}
	if (isnan(value)) {
		snprintf(why, n, "the output has no number to compare");
		return -1;
	}
	ok = runbook_guide_cmp(value, x->op, x->num);
	if (!ok)
		snprintf(why, n, "value %g %s %g", value, runbook_guide_op_text(x->op, 1), x->num);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Lint                                                                */

/* 1 if the sql text names column (case-insensitive, as a word), or
 * selects "*". */
static int runbook_guide_names(const char *text, const char *column)
{
	size_t n = strlen(column);
	const char *p;

	if (strchr(text, '*') != NULL)
		return 1;
	for (p = text; *p != '\0'; p++)
		if (strncasecmp(p, column, n) == 0 &&
		    (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return 1;
	return 0;
}

static void runbook_guide_lint_capture(struct step *st, const char *spec)
{
	struct runbook_capture c;
	char err[160];
	const char *p;

	if (runbook_capture_parse(spec, &c, err, sizeof err) != 0 || c.column[0] == '\0')
		return;
	if (st->kind == STEP_SQL && !runbook_guide_names(st->command, c.column))
		runbook_push_str(&st->warnings, &st->nwarnings,
				 xasprintf("capture %s: the query never names column \"%s\"",
					   c.name, c.column));
	if (st->kind == STEP_REDIS && strcasecmp(c.column, "value") != 0)
		runbook_push_str(
			&st->warnings, &st->nwarnings,
			xasprintf("capture %s: a redis reply has one column, \"value\"", c.name));
	for (p = c.column; st->kind == STEP_SHELL && *p != '\0'; p++)
		if (islower((unsigned char)*p)) {
			runbook_push_str(&st->warnings, &st->nwarnings,
					 xasprintf("capture %s: shell output columns are the words "
						   "of its header line, in capitals (NAME, STATUS)",
						   c.name));
			break;
		}
}

void runbook_guide_lint(struct runbook_entry *e)
{
	size_t i, k, j;

	for (i = 0; i < e->nsteps; i++) {
		struct step *st = &e->steps[i];
		const char *next[2] = { st->next_on_ok, st->next_on_fail };

		for (k = 0; k < 2; k++) {
			for (j = 0; next[k] != NULL && j < e->nsteps; j++)
				if (strcasecmp(e->steps[j].title, next[k]) == 0)
					break;
			if (next[k] != NULL && j == e->nsteps)
				runbook_push_str(
					&st->warnings, &st->nwarnings,
					xasprintf("next-on-%s=\"%.60s\": no step of \"%.60s\" "
						  "has that title",
						  k == 0 ? "ok" : "fail", next[k], e->title));
		}
		if ((st->nexpects > 0 || st->ncaptures > 0) &&
		    (st->kind == STEP_YAML || st->interactive))
			runbook_push_str(
				&st->warnings, &st->nwarnings,
				xasprintf("expect/capture on a%s step: its output is not "
					  "kept, so it cannot be compared",
					  st->kind == STEP_YAML ? " yaml" : "n interactive"));
		for (k = 0; k < st->ncaptures; k++)
			runbook_guide_lint_capture(st, st->captures[k]);
	}
}
