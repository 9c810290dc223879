/*
 * test_table.c - the table widget's logic without a terminal: filtering
 * by every word, sorting (numeric and text), selection kept by row id
 * across rebuilds, filters and sorts, and the movement keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <string.h>

#include "tui/table.h"

static const struct table_column test_table_cols[] = {
	{ "NAME", 0, 0 },
	{ "RESTARTS", 8, 1 },
};

static void test_table_fill(struct table *t)
{
	const char *rows[][3] = {
		{ "uid-a", "fleet-manager-1", "3" },
		{ "uid-b", "vehicle-gateway-7", "12" },
		{ "uid-c", "policy-engine-2", "0" },
		{ "uid-d", "fleet-manager-2", "100" },
	};
	size_t i;

	table_clear_rows(t);
	for (i = 0; i < 4; i++) {
		const char *cells[2] = { rows[i][1], rows[i][2] };

		table_add_row(t, rows[i][0], ROLE_NORMAL, cells,
			      i == 2 ? "CrashLoopBackOff" : NULL);
	}
	table_commit(t);
}

static void test_table_filter_words(void **state)
{
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	assert_int_equal(t.nvisible, 4);
	table_set_filter(&t, "FLEET");
	assert_int_equal(t.nvisible, 2);
	table_set_filter(&t, "fleet 2");
	assert_int_equal(t.nvisible, 1);
	assert_string_equal(table_selected(&t)->id, "uid-d");
	table_set_filter(&t, "crashloop");
	assert_int_equal(t.nvisible, 1);
	assert_string_equal(table_selected(&t)->id, "uid-c");
	table_set_filter(&t, "nothing-matches");
	assert_int_equal(t.nvisible, 0);
	assert_null(table_selected(&t));
	assert_int_equal(table_selected_index(&t), -1);
	table_set_filter(&t, "");
	assert_int_equal(t.nvisible, 4);
	table_free(&t);
}

static void test_table_sort_numeric(void **state)
{
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	table_set_sort(&t, 1, 1);
	assert_string_equal(t.rows[t.visible[0]].id, "uid-d"); /* 100 before 12 */
	assert_string_equal(t.rows[t.visible[1]].id, "uid-b");
	assert_string_equal(t.rows[t.visible[3]].id, "uid-c");
	table_set_sort(&t, 0, 0);
	assert_string_equal(t.rows[t.visible[0]].id, "uid-a");
	assert_string_equal(t.rows[t.visible[3]].id, "uid-b");
	table_free(&t);
}

static void test_table_selection_by_id(void **state)
{
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	assert_true(table_key(&t, 'j'));
	assert_true(table_key(&t, KEY_DOWN));
	assert_string_equal(table_selected(&t)->id, "uid-c");
	/* A new snapshot in another order keeps the operator's place. */
	table_set_sort(&t, 1, 0);
	assert_string_equal(table_selected(&t)->id, "uid-c");
	test_table_fill(&t);
	assert_string_equal(table_selected(&t)->id, "uid-c");
	/* Filtering it away and back restores it too. */
	table_set_filter(&t, "fleet");
	assert_string_not_equal(table_selected(&t)->id, "uid-c");
	table_set_filter(&t, "");
	table_select_id(&t, "uid-c");
	assert_string_equal(table_selected(&t)->id, "uid-c");
	table_free(&t);
}

static void test_table_keys(void **state)
{
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	assert_true(table_key(&t, 'G'));
	assert_int_equal(t.sel, 3);
	assert_true(table_key(&t, 'j')); /* stays at the end */
	assert_int_equal(t.sel, 3);
	assert_true(table_key(&t, 'g'));
	assert_int_equal(t.sel, 0);
	assert_true(table_key(&t, 'k'));
	assert_int_equal(t.sel, 0);
	t.page = 3;
	assert_true(table_key(&t, KEY_NPAGE));
	assert_int_equal(t.sel, 2);
	assert_false(table_key(&t, 'x'));
	/* Clicks: row 0 is the header. */
	assert_false(table_click(&t, 0));
	assert_true(table_click(&t, 2));
	assert_int_equal(t.sel, 1);
	assert_false(table_click(&t, 9));
	table_free(&t);
}

static void test_table_match(void **state)
{
	assert_true(table_match("Pods in CrashLoopBackOff state", "crash"));
	assert_true(table_match("401 Unauthorized errors", " 401  "));
	assert_false(table_match("High consumer lag", "lag crash"));
	assert_true(table_match("anything", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_filter_words),
		cmocka_unit_test(test_table_sort_numeric),
		cmocka_unit_test(test_table_selection_by_id),
		cmocka_unit_test(test_table_keys),
		cmocka_unit_test(test_table_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
