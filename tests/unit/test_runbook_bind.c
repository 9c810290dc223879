/*
 * test_runbook_bind.c - unit tests of placeholders in sql, promql and
 * redis steps (core/runbook_place.c, core/runbook_bind.c): which
 * references count in each kind (with the traps: SQL $1, $$ bodies,
 * '$HOME' in a literal, PromQL {{ }} and $__rate_interval), what lint
 * says of the ones left alone, and how values are bound: SQL bind
 * parameters, escaped PromQL strings, Redis marks kept in one argument.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

/* Parse one fenced block of lang holding cmd as a procedure; the set
 * owns the step. */
static const struct step *bind_step(struct runbook_set *set, const char *lang, const char *cmd)
{
	char err[256];
	char *md = xasprintf("## Procedure\n\n```%s\n%s\n```\n", lang, cmd);

	memset(set, 0, sizeof *set);
	if (runbook_parse(set, "t.md", md, strlen(md), err, sizeof err) != 0)
		fail_msg("%s", err);
	free(md);
	assert_int_equal(set->nentries, 1);
	assert_int_equal(set->entries[0].nsteps, 1);
	return &set->entries[0].steps[0];
}

/* The step's placeholder tokens joined by '|'. */
static char *bind_tokens(const struct step *st)
{
	struct strbuf sb = { 0 };
	size_t i;

	strbuf_append(&sb, "", 0);
	for (i = 0; i < st->nplaceholders; i++)
		strbuf_printf(&sb, "%s%s", i ? "|" : "", st->placeholders[i].token);
	return strbuf_detach(&sb);
}

/* The step's warnings joined by '|'. */
static char *bind_warnings(const struct step *st)
{
	struct strbuf sb = { 0 };
	size_t i;

	strbuf_append(&sb, "", 0);
	for (i = 0; i < st->nwarnings; i++)
		strbuf_printf(&sb, "%s%s", i ? "|" : "", st->warnings[i]);
	return strbuf_detach(&sb);
}

TEST(test_bind_detection)
{
	static const struct {
		const char *lang, *cmd, *want;
	} cases[] = {
		/* SQL: $1, '$NOTE' in a literal, $$ and $tag$ bodies are not
		 * placeholders; an angle one counts inside a literal too. */
		{ "sql", "SELECT * FROM orders WHERE id = $1 AND note = '$NOTE'", "" },
		{ "sql", "SELECT * FROM orders WHERE id = $ORDER_ID AND s = '<state-name>'",
		  "$ORDER_ID|<state-name>" },
		{ "sql", "DO $$ BEGIN RAISE NOTICE '$X %', now(); END $$;", "" },
		{ "sql", "DO $body$ BEGIN PERFORM $Y; END $body$;", "" },
		{ "sql", "SELECT \"$COL\" FROM t WHERE k = ${KEY}", "${KEY}" },
		{ "sql", "SELECT 1 -- $IN_COMMENT\nFROM t WHERE a = <a-value>", "<a-value>" },
		/* PromQL: Grafana variables and {{ }} templates are not. */
		{ "promql", "rate(http_requests_total{pod=\"$POD\"}[$__rate_interval])", "$POD" },
		{ "promql", "up{job=\"<job-name>\"} > 0 # {{ $VALUE }}", "<job-name>" },
		{ "promql", "sum(rate(x[$__interval])) by (instance) # {{ $labels.instance }}",
		  "" },
		{ "promql", "label_replace(up, \"x\", \"{{ $A }}\", \"job\", \"$JOB\")", "$JOB" },
		/* Redis: everywhere but comments. */
		{ "redis", "UNLINK idem:$ORDER_ID", "$ORDER_ID" },
		{ "redis", "GET \"k:<key-name>\"", "<key-name>" },
		/* shell as before: '$X' quoted is left to the shell. */
		{ "bash", "echo '$X' \"$POD_NAME\" <namespace>", "$POD_NAME|<namespace>" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct runbook_set set;
		const struct step *st = bind_step(&set, cases[i].lang, cases[i].cmd);
		char *got = bind_tokens(st);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s `%s`: placeholders \"%s\", want \"%s\"", cases[i].lang,
				 cases[i].cmd, got, cases[i].want);
		free(got);
		runbook_set_free(&set);
	}
}

TEST(test_bind_lint)
{
	static const struct {
		const char *lang, *cmd, *want, *not ;
	} cases[] = {
		{ "sql", "SELECT * FROM t WHERE id = $1", "$1 is a SQL parameter", NULL },
		{ "sql", "SELECT '$NOTE' FROM t", "$NOTE is inside a SQL string literal: text",
		  NULL },
		{ "sql", "DO $$ BEGIN PERFORM $Y; END $$;", "$Y is inside a $$ body", NULL },
		{ "promql", "rate(x[$__rate_interval])", "$__rate_interval is a Grafana variable",
		  NULL },
		{ "promql", "up # {{ $VALUE }}", NULL, "left alone" }, /* a comment */
		{ "promql", "label_replace(up, \"x\", \"{{ $A }}\", \"job\", \".*\")",
		  "$A is inside a {{ }} template", NULL },
		{ "redis", "GET k:$KEY", NULL, "left alone" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct runbook_set set;
		const struct step *st = bind_step(&set, cases[i].lang, cases[i].cmd);
		char *got = bind_warnings(st);

		if (cases[i].want != NULL && strstr(got, cases[i].want) == NULL)
			fail_msg("`%s`: warnings \"%s\" lack \"%s\"", cases[i].cmd, got,
				 cases[i].want);
		if (cases[i].not != NULL && strstr(got, cases[i].not ) != NULL)
			fail_msg("`%s`: warnings \"%s\" hold \"%s\"", cases[i].cmd, got,
				 cases[i].not );
		free(got);
		runbook_set_free(&set);
	}
}

/* Values for st's placeholders, in order. */
static struct step_values *bind_values(const struct step *st, const char *a, const char *b)
{
	char *vals[2] = { (char *)a, (char *)b };

	assert_true(st->nplaceholders <= 2);
	return step_values_of(st, vals);
}

struct sql_case {
	const char *cmd, *v1, *v2;
	const char *sql, *p1, *p2, *shown; /* sql NULL: refused, shown = reason */
};

static void bind_sql_check(const struct sql_case *c)
{
	struct runbook_set set;
	const struct step *st = bind_step(&set, "sql", c->cmd);
	struct step_values *v = bind_values(st, c->v1, c->v2);
	struct sql_bound *b = NULL;
	size_t n = 0;
	char err[256] = "";
	int rc = runbook_bind_sql(st->command, v, &b, &n, err, sizeof err);

	if (c->sql == NULL) {
		if (rc == 0)
			fail_msg("`%s`: bound as \"%s\", want refused", c->cmd, b[0].sql);
		if (strstr(err, c->shown) == NULL)
			fail_msg("`%s`: refused \"%s\", want \"%s\"", c->cmd, err, c->shown);
	} else {
		if (rc != 0)
			fail_msg("`%s`: refused: %s", c->cmd, err);
		assert_int_equal(n, 1);
		assert_string_equal(b[0].sql, c->sql);
		assert_int_equal(b[0].nparams, c->p2 != NULL ? 2 : c->p1 != NULL ? 1 : 0);
		if (c->p1 != NULL)
			assert_string_equal(b[0].params[0], c->p1);
		if (c->p2 != NULL)
			assert_string_equal(b[0].params[1], c->p2);
		assert_string_equal(b[0].shown, c->shown);
	}
	runbook_sql_bound_free(b, n);
	step_values_free(v);
	runbook_set_free(&set);
}

TEST(test_bind_sql)
{
	static const struct sql_case cases[] = {
		{ "SELECT * FROM t WHERE id = '<order-id>'", "x'); DROP TABLE t;--", NULL,
		  "SELECT * FROM t WHERE id = $1", "x'); DROP TABLE t;--", NULL,
		  "SELECT * FROM t WHERE id = 'x''); DROP TABLE t;--'" },
		{ "SELECT * FROM t WHERE k LIKE 'idem:<key-part>%' AND n = $LIMIT_N", "a b", "5",
		  "SELECT * FROM t WHERE k LIKE $1 AND n = $2", "idem:a b%", "5",
		  "SELECT * FROM t WHERE k LIKE 'idem:a b%' AND n = '5'" },
		{ "SELECT 'it''s', a FROM t WHERE s = 'don''t <word>'", "x", NULL,
		  "SELECT 'it''s', a FROM t WHERE s = $1", "don't x", NULL,
		  "SELECT 'it''s', a FROM t WHERE s = 'don''t x'" },
		{ "SELECT * FROM t WHERE at > now() - interval '<minutes> minutes'", "5", NULL,
		  "SELECT * FROM t WHERE at > now() - CAST($1 AS interval)", "5 minutes", NULL,
		  "SELECT * FROM t WHERE at > now() - interval '5 minutes'" },
		{ "SELECT note, '$HOME' FROM t WHERE id = $ID", "7", NULL,
		  "SELECT note, '$HOME' FROM t WHERE id = $1", "7", NULL,
		  "SELECT note, '$HOME' FROM t WHERE id = '7'" },
		/* refusals */
		{ "SELECT * FROM <table-name>", "t", NULL, NULL, NULL, NULL,
		  "<table-name> stands where a bind parameter cannot (a name after a keyword)" },
		{ "SELECT * FROM public.$TBL", "t", NULL, NULL, NULL, NULL, "a qualified name" },
		{ "SELECT \"<col>\" FROM t", "t", NULL, NULL, NULL, NULL,
		  "inside a quoted identifier" },
		{ "SELECT * FROM t ORDER BY $COL", "t", NULL, NULL, NULL, NULL,
		  "a name after a keyword" },
		{ "SELECT <fn>(1)", "t", NULL, NULL, NULL, NULL, "a function name" },
		{ "SELECT * FROM t WHERE k = idem_$KEY", "t", NULL, NULL, NULL, NULL,
		  "part of a word" },
		{ "SET work_mem = '<mem>'", "64MB", NULL, NULL, NULL, NULL,
		  "a SET statement takes no parameters" },
		{ "$VERB FROM t", "DELETE", NULL, NULL, NULL, NULL,
		  "statement takes no parameters" },
		{ "SELECT * FROM t WHERE a = $1 AND b = <b-value>", "1", NULL, NULL, NULL, NULL,
		  "$1-style parameters of its own" },
		{ "SELECT E'\\n<x>'", "1", NULL, NULL, NULL, NULL, "prefixed string" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		bind_sql_check(&cases[i]);
}

TEST(test_bind_sql_statements)
{
	struct runbook_set set;
	const struct step *st;
	struct step_values *v;
	struct sql_bound *b = NULL;
	size_t n = 0;
	char err[256];

	/* several statements: each bound on its own, $1 numbered per
	 * statement; a ';' in a literal or comment does not split. */
	st = bind_step(&set, "sql",
		       "SELECT ';' AS semi; -- a; comment\n"
		       "SELECT * FROM t WHERE id = <order-id> AND k = $API_TOKEN;\n"
		       "SELECT * FROM u WHERE id = <order-id>;");
	assert_int_equal(st->nplaceholders, 2);
	assert_true(st->placeholders[1].secret);
	v = bind_values(st, "42", "s3cret");
	assert_int_equal(runbook_bind_sql(st->command, v, &b, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(b[0].nparams, 0);
	assert_int_equal(b[1].nparams, 2);
	assert_non_null(strstr(b[1].sql, "id = $1 AND k = $2"));
	assert_string_equal(b[1].params[1], "s3cret");
	/* the secret is masked in what is shown, never in what is sent */
	assert_non_null(strstr(b[1].shown, "id = '42' AND k = '***'"));
	assert_null(strstr(b[1].shown, "s3cret"));
	assert_int_equal(b[2].nparams, 1);
	assert_non_null(strstr(b[2].sql, "id = $1"));
	runbook_sql_bound_free(b, n);
	step_values_free(v);
	runbook_set_free(&set);
}

TEST(test_bind_promql)
{
	static const struct {
		const char *cmd, *v1, *v2, *want; /* want NULL: refused */
	} cases[] = {
		{ "up{job=\"$JOB\"}", "a\"}or vector(1)#\\", NULL,
		  "up{job=\"a\\\"}or vector(1)#\\\\\"}" },
		{ "up{job='<job-name>', pod=~\"$POD\"}", "it's", "p-1",
		  "up{job='it\\'s', pod=~\"p-1\"}" },
		/* in a =~ or !~ matcher the value is a literal regex */
		{ "up{pod=~\"$POD.*\", job!~ '<job-name>'}", "a.b|c", "x(y)",
		  "up{pod=~\"a\\\\.b\\\\|c.*\", job!~ 'x\\\\(y\\\\)'}" },
		{ "rate(x{pod=\"$POD\"}[$__rate_interval])", "p", NULL,
		  "rate(x{pod=\"p\"}[$__rate_interval])" },
		{ "up{job=\"$JOB\"} # $JOB", "j", NULL, "up{job=\"j\"} # $JOB" },
		{ "rate(x[<window>])", "5m", NULL, NULL },
		{ "up > $THRESHOLD", "1", NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct runbook_set set;
		const struct step *st = bind_step(&set, "promql", cases[i].cmd);
		struct step_values *v = bind_values(st, cases[i].v1, cases[i].v2);
		char err[256] = "";
		char *got = runbook_bind_promql(st->command, v, 0, err, sizeof err);

		if (cases[i].want == NULL) {
			if (got != NULL)
				fail_msg("`%s`: bound as %s, want refused", cases[i].cmd, got);
			assert_non_null(strstr(err, "outside a PromQL string"));
		} else {
			if (got == NULL)
				fail_msg("`%s`: refused: %s", cases[i].cmd, err);
			assert_string_equal(got, cases[i].want);
		}
		free(got);
		step_values_free(v);
		runbook_set_free(&set);
	}
}

TEST(test_bind_redis_marks)
{
	struct runbook_set set;
	const struct step *st;
	struct step_values *v;
	char err[256];
	char *marked, *out;
	size_t len;

	st = bind_step(&set, "redis", "UNLINK idem:$ORDER_ID \"<key-name>\" # $ORDER_ID");
	v = bind_values(st, "a b", "x\"y");
	marked = runbook_bind_mark(STEP_REDIS, st->command, v, err, sizeof err);
	assert_non_null(marked);
	/* no value is in the marked text the tokenizer splits */
	assert_null(strstr(marked, "a b"));
	assert_null(strstr(marked, "idem:$"));
	assert_non_null(strstr(marked, "# $ORDER_ID")); /* a comment is left */
	out = runbook_bind_unmark(marked, strlen(marked), v, 0, &len);
	assert_string_equal(out, "UNLINK idem:a b \"x\"y\" # $ORDER_ID");
	free(out);
	free(marked);
	step_values_free(v);
	runbook_set_free(&set);
	/* text holding the mark bytes itself is refused */
	st = bind_step(&set, "redis",
		       "GET k\x1d"
		       "0\x1e:$KEY");
	v = bind_values(st, "a", NULL);
	assert_null(runbook_bind_mark(STEP_REDIS, st->command, v, err, sizeof err));
	assert_non_null(strstr(err, "0x1d"));
	step_values_free(v);
	runbook_set_free(&set);
}

/* --dump-runbook lists the placeholders of every kind of step. */
TEST(test_bind_dump)
{
	struct runbook_set set;
	char *js;

	bind_step(&set, "redis", "UNLINK idem:$ORDER_ID");
	js = runbook_dump_json(&set);
	assert_non_null(strstr(js, "\"kind\":\t\"redis\""));
	assert_non_null(strstr(js, "\"placeholders\":\t[\"$ORDER_ID\"]"));
	free(js);
	runbook_set_free(&set);
}

/* Every step of the fixtures (hostile ones included) and the shipped
 * runbook, bound as each native kind with a value full of quotes: no
 * crash, no leak (under make check), and no value ever in a bound SQL
 * statement's text. */
TEST(test_bind_all_fixtures)
{
	static const char *const files[] = {
		"tests/fixtures/runbooks/hostile.md",
		"tests/fixtures/runbooks/placeholders.md",
		"tests/fixtures/runbooks/splitting.md",
		"tests/fixtures/runbooks/annotations.md",
		"runbooks/atlasmesh.md",
	};
	static const char value[] = "v'\"\\$X<y>\x1d;--";
	size_t f, e, i;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct runbook_set set = { 0 };
		char err[256];

		if (runbook_load_file(&set, files[f], err, sizeof err) != 0)
			fail_msg("%s", err);
		for (e = 0; e < set.nentries; e++)
			for (i = 0; i < set.entries[e].nsteps; i++) {
				const struct step *st = &set.entries[e].steps[i];
				char **vals = xcalloc(st->nplaceholders + 1, sizeof *vals);
				struct step_values *v;
				struct sql_bound *b = NULL;
				size_t n = 0, k, len;
				char *out;

				for (k = 0; k < st->nplaceholders; k++)
					vals[k] = (char *)value;
				v = step_values_of(st, vals);
				if (runbook_bind_sql(st->command, v, &b, &n, err, sizeof err) == 0)
					for (k = 0; k < n; k++)
						assert_null(strstr(b[k].sql, value));
				runbook_sql_bound_free(b, n);
				free(runbook_bind_promql(st->command, v, 1, err, sizeof err));
				out = runbook_bind_mark(STEP_REDIS, st->command, v, err,
							sizeof err);
				if (out != NULL)
					free(runbook_bind_unmark(out, strlen(out), v, 1, &len));
				free(out);
				step_values_free(v);
				free(vals);
			}
		runbook_set_free(&set);
	}
}
