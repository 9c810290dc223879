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

static void test_pg_pid(void **unused)
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

static void test_pg_int_array(void **unused)
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

static void test_pg_deltas(void **unused)
{
	struct pg_stmt prev[2] = { 0 }, cur[3] = { 0 };

	strcpy(prev[0].queryid, "1");
	prev[0].calls = 10;
	prev[0].total_ms = 100;
	prev[0].rows = 5;
	strcpy(prev[1].queryid, "2");
	prev[1].calls = 50;
	prev[1].total_ms = 500;
	/* Same ids in another order, one new, one reset. */
	strcpy(cur[0].queryid, "2");
	cur[0].calls = 3;
	cur[0].total_ms = 30;
	strcpy(cur[1].queryid, "1");
	cur[1].calls = 12;
	cur[1].total_ms = 160;
	cur[1].rows = 9;
	strcpy(cur[2].queryid, "3");
	cur[2].calls = 4;
	cur[2].total_ms = 8;
	pg_stmt_deltas(cur, 3, prev, 2);
	assert_true(cur[1].has_delta);
	assert_true(cur[1].d_calls == 2);
	assert_true(cur[1].d_total_ms == 60);
	assert_true(cur[1].d_rows == 4);
	/* A reset (calls went down): everything counts as recent. */
	assert_true(cur[0].d_calls == 3);
	assert_true(cur[0].d_total_ms == 30);
	/* New: totals, no previous. */
	assert_false(cur[2].has_delta);
	assert_true(cur[2].d_calls == 4);
}

static void test_pg_tree(void **unused)
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

static void test_pg_tree_cycle(void **unused)
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

static void test_pg_format(void **unused)
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

static void test_pg_fix_columns(void **unused)
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
static void test_pg_stmts_columns(void **unused)
{
	char sql[1024];

	assert_int_equal(pg_stat_exec_cols(0, 1), 0);
	assert_int_equal(pg_stat_exec_cols(1, 0), 1);
	assert_int_equal(pg_stat_exec_cols(1, 1), 1);
	assert_int_equal(pg_stat_exec_cols(0, 0), -1);

	pg_stmts_sql(pg_stat_exec_cols(0, 1), sql, sizeof sql);
	assert_non_null(strstr(sql, "sum(total_time)"));
	assert_null(strstr(sql, "exec_time"));
	assert_null(strstr(sql, "mean_"));
	assert_non_null(strstr(sql, "FROM pg_stat_statements"));
	/* The runbook lint would rewrite it: proof it names the old column. */
	{
		char *f = pg_fix_stat_columns(sql);

		assert_non_null(f);
		assert_non_null(strstr(f, "sum(total_exec_time)"));
		free(f);
	}

	pg_stmts_sql(pg_stat_exec_cols(1, 0), sql, sizeof sql);
	assert_non_null(strstr(sql, "sum(total_exec_time)"));
	assert_null(strstr(sql, "total_time"));
	assert_null(strstr(sql, "mean_"));
	assert_null(pg_fix_stat_columns(sql));
}

static void test_pg_configured(void **unused)
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_pid),         cmocka_unit_test(test_pg_int_array),
		cmocka_unit_test(test_pg_deltas),      cmocka_unit_test(test_pg_tree),
		cmocka_unit_test(test_pg_tree_cycle),  cmocka_unit_test(test_pg_format),
		cmocka_unit_test(test_pg_fix_columns), cmocka_unit_test(test_pg_stmts_columns),
		cmocka_unit_test(test_pg_configured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
