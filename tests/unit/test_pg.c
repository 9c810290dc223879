/*
 * test_pg.c - unit tests for the pure parts of backends/pg.c: pid
 * parsing (B5), int arrays from pg_blocking_pids(), per-interval deltas
 * keyed by queryid, the blocking tree, the psql-style result table and
 * the pre-13 pg_stat_statements column fix (the runbook lint) and the
 * panel's own query on old and new columns. No server needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "backends/pg.h"
#include "tests/unit/testhelp.h"

TEST(test_pg_pid)
{
	int pid = 0;

	assert_int_equal(pg_parse_pid("123", &pid), 0);
	assert_int_equal(pid, 123);
	assert_int_equal(pg_parse_pid("2147483647", &pid), 0);
	assert_int_equal(pg_parse_pid("123; DROP TABLE x", &pid), -1);
	assert_int_equal(pg_parse_pid("0x7b", &pid), -1);
	assert_int_equal(pg_parse_pid("-1", &pid), -1);
	assert_int_equal(pg_parse_pid("+5", &pid), -1);
	assert_int_equal(pg_parse_pid(" 5", &pid), -1);
	assert_int_equal(pg_parse_pid("0", &pid), -1);
	assert_int_equal(pg_parse_pid("", &pid), -1);
	assert_int_equal(pg_parse_pid(NULL, &pid), -1);
	assert_int_equal(pg_parse_pid("2147483648", &pid), -1);
	assert_int_equal(pg_parse_pid("99999999999999999999999", &pid), -1);
}

TEST(test_pg_int_array)
{
	int *a = NULL;

	assert_int_equal(pg_parse_int_array("{}", &a), 0);
	free(a);
	assert_int_equal(pg_parse_int_array("{12,345}", &a), 2);
	assert_int_equal(a[0], 12);
	assert_int_equal(a[1], 345);
	free(a);
	assert_int_equal(pg_parse_int_array("{1,x}", &a), -1);
	assert_null(a);
	assert_int_equal(pg_parse_int_array("1,2", &a), -1);
	assert_int_equal(pg_parse_int_array("{1,2", &a), -1);
	assert_int_equal(pg_parse_int_array("{1}junk", &a), -1);
	assert_int_equal(pg_parse_int_array("{99999999999}", &a), -1);
}

static struct pg_entry ent(long long q, unsigned int user, int top, double calls, double ms)
{
	struct pg_entry e = { .queryid = q,
			      .userid = user,
			      .dbid = 5,
			      .toplevel = top,
			      .calls = calls,
			      .total_ms = ms,
			      .rows = calls };

	return e;
}

static const struct pg_stmt *find_stmt(const struct pg_stmt *s, size_t n, long long q)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].id == q)
			return &s[i];
	return NULL;
}

/* Issue #21: a statement outside any top N at the previous refresh gets
 * its real delta, not its whole history; deltas are kept per (userid,
 * dbid, queryid, toplevel) and summed by queryid; a statement first
 * seen says so. */
TEST(test_pg_deltas)
{
	enum { N = 2000 };
	struct pg_deltas d = { 0 };
	struct pg_entry *e = calloc(N + 5, sizeof *e);
	struct pg_stmt *s = NULL;
	const struct pg_stmt *m;
	size_t n, i, pick;
	int reset = -1;

	/* 2000 statements slower than the quiet one (1001 calls, 2 ms). */
	for (i = 0; i < N; i++)
		e[i] = ent(100 + (long long)i, 10, 1, 1, 50 + (double)i);
	e[N] = ent(7, 10, 1, 1001, 2);
	e[N + 1] = ent(8, 10, 1, 10, 1); /* queryid 8 as user 10 ... */
	e[N + 2] = ent(8, 10, 0, 20, 1); /* ... nested: another entry */
	n = pg_deltas_sample(&d, e, N + 3, 1000, &s, &reset);
	assert_int_equal(n, N + 2);
	assert_int_equal(d.n, N + 3);
	assert_int_equal(reset, 0);
	m = find_stmt(s, n, 7);
	assert_false(m->has_delta);
	assert_false(m->is_new);
	assert_true(m->d_calls == 1001); /* first sample: the totals */
	assert_true(find_stmt(s, n, 8)->calls == 30);
	free(s);

	/* It runs 2000 more times; queryid 8 runs 4 more times as user 10
	 * and 4 as a new user; statement 9 appears. */
	e[N].calls = 3001;
	e[N].total_ms = 6;
	e[N].rows = 3001;
	e[N + 1].calls = 14;
	e[N + 3] = ent(8, 11, 1, 4, 1);
	e[N + 4] = ent(9, 10, 1, 3, 30);
	n = pg_deltas_sample(&d, e, N + 5, 1000, &s, &reset);
	assert_int_equal(reset, 0);
	m = find_stmt(s, n, 7);
	assert_true(m->has_delta);
	assert_false(m->is_new);
	assert_true(m->calls == 3001);
	assert_true(m->d_calls == 2000);
	assert_true(m->d_total_ms == 4);
	assert_true(m->d_rows == 2000);
	m = find_stmt(s, n, 8); /* 4 more as user 10 plus 4 by the new user */
	assert_true(m->has_delta);
	assert_false(m->is_new);
	assert_true(m->d_calls == 8);
	m = find_stmt(s, n, 9);
	assert_true(m->is_new);
	assert_false(m->has_delta);
	assert_true(m->d_calls == 3);
	assert_true(find_stmt(s, n, 100)->d_calls == 0);
	/* Shown: the top 10 of each order; the busy statement is among them. */
	pick = pg_stmts_pick(s, n, 10);
	assert_true(pick <= 80);
	assert_true(pick >= 10);
	m = find_stmt(s, pick, 7);
	assert_non_null(m);
	assert_true(m->d_calls == 2000);
	for (i = 1; i <= 10; i++) /* the 10 slowest in total, not the 11th */
		assert_non_null(find_stmt(s, pick, 100 + N - (long long)i));
	assert_null(find_stmt(s, pick, 100 + N - 11));
	free(s);
	pg_deltas_free(&d);
	free(e);
}

/* A reset: stats_reset moved (14+), or counters went down (older, or one
 * entry reset on its own). Two statements, a sample per row. */
TEST(test_pg_deltas_reset)
{
	static const struct {
		int fresh; /* forget the previous samples first */
		double calls[2], ms[2], stats_reset;
		int reset, is_new[2];
		double d_calls[2];
	} steps[] = {
		{ 1, { 100, 50 }, { 100, 50 }, 1000, 0, { 0, 0 }, { 100, 50 } },
		/* stats_reset moved: all from the reset, even counts that grew */
		{ 0, { 130, 5 }, { 100, 50 }, 2000, 1, { 1, 1 }, { 130, 5 } },
		/* same stats_reset, one entry went down: only it restarts */
		{ 0, { 140, 2 }, { 110, 50 }, 2000, 1, { 0, 1 }, { 10, 2 } },
		{ 0, { 150, 2 }, { 110, 50 }, 2000, 0, { 0, 0 }, { 10, 0 } },
		/* no stats_reset (before 14): counters down, the view was reset */
		{ 1, { 150, 2 }, { 110, 50 }, 0, 0, { 0, 0 }, { 150, 2 } },
		{ 0, { 3, 9 }, { 3, 60 }, 0, 1, { 1, 1 }, { 3, 9 } },
	};
	struct pg_deltas d = { 0 };
	size_t i, k;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct pg_entry e[2];
		struct pg_stmt *s = NULL;
		size_t n;
		int reset = -1;

		if (steps[i].fresh)
			pg_deltas_free(&d);
		for (k = 0; k < 2; k++)
			e[k] = ent((long long)k + 1, 10, 1, steps[i].calls[k], steps[i].ms[k]);
		n = pg_deltas_sample(&d, e, 2, steps[i].stats_reset, &s, &reset);
		assert_int_equal(n, 2);
		assert_int_equal(reset, steps[i].reset);
		for (k = 0; k < 2; k++) {
			const struct pg_stmt *m = find_stmt(s, n, (long long)k + 1);

			assert_int_equal(m->is_new, steps[i].is_new[k]);
			assert_true(m->d_calls == steps[i].d_calls[k]);
		}
		free(s);
	}
	pg_deltas_free(&d);
}

TEST(test_pg_texts)
{
	struct pg_texts t = { 0 };
	long long i;

	for (i = 500; i > 0; i--)
		pg_texts_add(&t, i * 7 - 1000, "SELECT 1", 8);
	pg_texts_sort(&t);
	assert_non_null(pg_texts_find(&t, -993));
	assert_int_equal(pg_texts_find(&t, 7 * 300 - 1000)->len, 8);
	assert_null(pg_texts_find(&t, 2));
	pg_texts_free(&t);
	assert_null(pg_texts_find(&t, -993));
}

TEST(test_pg_tree)
{
	/* 10 blocks 20 and 30; 40 also blocks 30; 20 blocks 50; 60 idle. */
	int b20[] = { 10 }, b30[] = { 10, 40 }, b50[] = { 20 };
	struct pg_session s[6] = { 0 };
	struct pg_tree_node *t = NULL;
	size_t n, i;
	int seen30 = 0;

	s[0].pid = 30;
	s[0].blocked_by = b30;
	s[0].nblocked_by = 2;
	s[1].pid = 10;
	s[2].pid = 20;
	s[2].blocked_by = b20;
	s[2].nblocked_by = 1;
	s[3].pid = 40;
	s[4].pid = 50;
	s[4].blocked_by = b50;
	s[4].nblocked_by = 1;
	s[5].pid = 60;
	n = pg_blocking_tree(s, 6, &t);
	/* 10 { 30, 20 { 50 } }, 40 { 30 }, 60 */
	assert_int_equal(n, 7);
	assert_int_equal(s[t[0].session].pid, 10);
	assert_int_equal(t[0].depth, 0);
	for (i = 0; i < n; i++) {
		if (s[t[i].session].pid == 30) {
			seen30++;
			assert_int_equal(t[i].depth, 1);
		}
		if (s[t[i].session].pid == 50) {
			assert_int_equal(t[i].depth, 2);
			assert_int_equal(t[i].parent_pid, 20);
		}
	}
	assert_int_equal(seen30, 2); /* under both blockers */
	assert_int_equal(s[t[n - 1].session].pid, 60);
	assert_int_equal(t[n - 1].depth, 0);
	free(t);
}

TEST(test_pg_tree_cycle)
{
	int b1[] = { 2 }, b2[] = { 1 };
	struct pg_session s[2] = { 0 };
	struct pg_tree_node *t = NULL;
	size_t n;

	s[0].pid = 1;
	s[0].blocked_by = b1;
	s[0].nblocked_by = 1;
	s[1].pid = 2;
	s[1].blocked_by = b2;
	s[1].nblocked_by = 1;
	n = pg_blocking_tree(s, 2, &t);
	assert_true(n >= 2 && n <= 4);
	free(t);
}

TEST(test_pg_format)
{
	const char *names[] = { "pid", "query" };
	const char *cells[] = { "1", "select\n1", "22", NULL };
	char *out = pg_format_table(2, names, 2, cells, 500, 2);

	assert_string_equal(out, " pid |  query   \n"
				 "-----+----------\n"
				 " 1   | select 1\n"
				 " 22  | \n"
				 "(2 rows)\n");
	free(out);
	out = pg_format_table(2, names, 2, cells, 1, 1000);
	assert_non_null(strstr(out, "999 more rows not shown"));
	assert_non_null(strstr(out, "(1000 rows)"));
	assert_null(strstr(out, "22"));
	free(out);
	out = pg_format_table(1, names, 0, cells, 5, 1);
	assert_non_null(strstr(out, "(1 row)"));
	free(out);
}

TEST(test_pg_fix_columns)
{
	char *f = pg_fix_stat_columns(
		"SELECT query, total_time, mean_time FROM pg_stat_statements ORDER BY total_time");

	assert_string_equal(f, "SELECT query, total_exec_time, mean_exec_time FROM "
			       "pg_stat_statements ORDER BY total_exec_time");
	free(f);
	assert_null(pg_fix_stat_columns("SELECT total_exec_time FROM pg_stat_statements"));
	assert_null(pg_fix_stat_columns("SELECT total_time FROM my_table"));
	assert_null(pg_fix_stat_columns("SELECT my_total_time FROM pg_stat_statements"));
}

/* The panel's own query follows the installed view's columns: only the
 * pre-1.8 total_time (a server upgraded without ALTER EXTENSION UPDATE)
 * or the 13+ total_exec_time; the mean is total / calls on both, so
 * neither mean_time nor mean_exec_time is read. */
TEST(test_pg_stmts_columns)
{
	char sql[1024];

	assert_int_equal(pg_stat_exec_cols(0, 1), 0);
	assert_int_equal(pg_stat_exec_cols(1, 0), 1);
	assert_int_equal(pg_stat_exec_cols(1, 1), 1);
	assert_int_equal(pg_stat_exec_cols(0, 0), -1);

	pg_stmts_sql(pg_stat_exec_cols(0, 1), 0, sql, sizeof sql);
	assert_non_null(strstr(sql, " total_time,"));
	assert_null(strstr(sql, "exec_time"));
	assert_null(strstr(sql, "mean_"));
	assert_null(strstr(sql, "toplevel"));
	/* every statement, no text: the counters of each (user, db, queryid) */
	assert_non_null(strstr(sql, "FROM pg_stat_statements(false)"));
	assert_null(strstr(sql, "LIMIT"));
	assert_null(strstr(sql, "query,"));
	/* The runbook lint would rewrite it: proof it names the old column. */
	{
		char *f = pg_fix_stat_columns(sql);

		assert_non_null(f);
		assert_non_null(strstr(f, " total_exec_time,"));
		free(f);
	}

	pg_stmts_sql(pg_stat_exec_cols(1, 0), 1, sql, sizeof sql);
	assert_non_null(strstr(sql, " total_exec_time,"));
	assert_non_null(strstr(sql, "toplevel"));
	assert_null(strstr(sql, "total_time"));
	assert_null(strstr(sql, "mean_"));
	assert_null(pg_fix_stat_columns(sql));
}

TEST(test_pg_configured)
{
	char why[200];

	unsetenv("PGHOST");
	unsetenv("PGSERVICE");
	unsetenv("PGDATABASE");
	unsetenv("PGHOSTADDR");
	assert_int_equal(pg_configured(NULL, why, sizeof why), 0);
	assert_non_null(strstr(why, "postgres.conninfo"));
	assert_int_equal(pg_configured("host=db", why, sizeof why), 1);
	setenv("PGHOST", "db", 1);
	assert_int_equal(pg_configured(NULL, why, sizeof why), 1);
	unsetenv("PGHOST");
}
