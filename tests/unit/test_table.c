/*
 * test_table.c - the table widget's logic without a terminal: filtering
 * by every word, sorting (numeric and text), selection kept by row id
 * across rebuilds, filters and sorts, the movement keys; the column
 * allocator (which columns a width shows and how wide), the widths
 * measured from the visible cells, trouble first by rank unless the
 * operator sorts, and the "+N more, K failing" count; a rebuild that
 * takes rows back by id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/table.h"
#include "tests/unit/testhelp.h"

static const struct table_column test_table_cols[] = {
	{ "NAME", 0, 0, 0, 0 },
	{ "RESTARTS", 8, 1, 1, 0 },
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

TEST(test_table_filter_words)
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

TEST(test_table_sort_numeric)
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

TEST(test_table_selection_by_id)
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

TEST(test_table_keys)
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

TEST(test_table_match)
{
	assert_true(table_match("Pods in CrashLoopBackOff state", "crash"));
	assert_true(table_match("401 Unauthorized errors", " 401  "));
	assert_false(table_match("High consumer lag", "lag crash"));
	assert_true(table_match("anything", ""));
}

/* Pods-like: the key NAME, STATUS that may be cut to 10, then columns
 * dropped whole, CPU all "-". */
static const struct table_column test_table_lay_cols[] = {
	{ "NAME", 40, 0, 0, 0 }, { "STATUS", 30, 0, 1, 10 }, { "RESTARTS", 16, 0, 2, 0 },
	{ "AGE", 9, 0, 3, 0 },   { "IP", 39, 0, 4, 0 },      { "CPU", 8, 1, 5, 0 },
};

TEST(test_table_layout_cases)
{
	static const struct {
		int name; /* NAME's widest cell */
		int width;
		int out[6];
	} cases[] = {
		{ 30, 200, { 30, 16, 11, 4, 11, 3 } }, /* room for all */
		{ 30, 80, { 30, 16, 11, 4, 11, 3 } },  /* exactly */
		{ 30, 79, { 30, 16, 11, 4, 11, 0 } },  /* the "-" column goes first */
		{ 30, 70, { 30, 16, 11, 4, 0, 0 } },   /* then IP, whole */
		{ 30, 55, { 30, 16, 0, 0, 0, 0 } },    /* then AGE and RESTARTS */
		{ 30, 44, { 30, 13, 0, 0, 0, 0 } },    /* STATUS cut toward its min */
		{ 30, 40, { 30, 0, 0, 0, 0, 0 } },     /* below it, STATUS goes */
		{ 30, 20, { 20, 0, 0, 0, 0, 0 } },     /* only now is the key cut */
		{ 30, 5, { 8, 0, 0, 0, 0, 0 } },       /* never below TABLE_KEY_MIN */
		{ 50, 200, { 50, 16, 11, 4, 11, 3 } }, /* room: the key past its cap */
		{ 50, 80, { 46, 16, 11, 4, 0, 0 } },   /* capped at 40 + the spare */
	};
	size_t i, c;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int want[6] = { cases[i].name, 16, 11, 4, 11, 1 };
		unsigned char blank[6] = { 0, 0, 0, 0, 0, 1 };
		int out[6];

		table_layout(test_table_lay_cols, 6, want, blank, cases[i].width, out);
		for (c = 0; c < 6; c++)
			if (out[c] != cases[i].out[c])
				fail_msg("case %zu (width %d): column %s is %d wide, want %d", i,
					 cases[i].width, test_table_lay_cols[c].title, out[c],
					 cases[i].out[c]);
	}
}

/* Two key columns (ALERT and SUMMARY) share the cut, widest first, and
 * only once AGE is gone. */
TEST(test_table_layout_two_keys)
{
	static const struct table_column cols[] = {
		{ "ALERT", 24, 0, 0, 0 },
		{ "SUMMARY", 60, 0, 0, 0 },
		{ "AGE", 7, 1, 1, 0 },
	};
	int want[3] = { 20, 50, 3 }, out[3];

	table_layout(cols, 3, want, NULL, 75, out);
	assert_int_equal(out[0], 20);
	assert_int_equal(out[1], 50);
	assert_int_equal(out[2], 3);
	table_layout(cols, 3, want, NULL, 60, out);
	assert_int_equal(out[0], 20);
	assert_int_equal(out[1], 39);
	assert_int_equal(out[2], 0);
	table_layout(cols, 3, want, NULL, 30, out);
	assert_int_equal(out[0], 14);
	assert_int_equal(out[1], 15);
	assert_int_equal(out[2], 0);
}

/* At every width: the key column is whole while any other column shows,
 * and what shows fits. */
TEST(test_table_layout_key_never_cut)
{
	int want[6] = { 30, 16, 11, 4, 11, 1 }, out[6], w;
	unsigned char blank[6] = { 0, 0, 0, 0, 0, 1 };

	for (w = 1; w <= 120; w++) {
		int total = -1, others = 0;
		size_t c;

		table_layout(test_table_lay_cols, 6, want, blank, w, out);
		for (c = 0; c < 6; c++) {
			if (out[c] > 0)
				total += out[c] + 1;
			if (c > 0 && out[c] > 0)
				others = 1;
		}
		if (others && out[0] < 30)
			fail_msg("width %d: NAME cut to %d while another column shows", w, out[0]);
		if (w >= TABLE_KEY_MIN && total > w)
			fail_msg("width %d: %d columns drawn", w, total);
	}
}

/* Widths come from the visible cells, and a filter changes them. */
TEST(test_table_content_widths)
{
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	assert_int_equal(t.content[0], 17); /* vehicle-gateway-7 */
	assert_int_equal(t.content[1], 3);
	assert_false(t.blank[1]);
	table_set_filter(&t, "policy");
	assert_int_equal(t.content[0], 15);
	assert_int_equal(t.content[1], 1);
	table_free(&t);
}

/* A cell set in place (an age that moved): the widths, the filter and
 * a sort by it follow, the selected row stays selected, and the same
 * text again is no change. */
TEST(test_table_set_text)
{
	struct table t;
	size_t i;

	table_init(&t, test_table_cols, 2);
	test_table_fill(&t);
	assert_true(table_select_id(&t, "uid-b"));
	table_set_filter(&t, "fleet");
	assert_int_equal(t.nvisible, 2);
	assert_int_equal(t.content[1], 3); /* "100" */
	/* rows[3] is uid-d, fleet-manager-2 */
	assert_string_equal(t.rows[3].id, "uid-d");
	assert_false(table_set_text(&t, 3, 1, "100"));
	assert_true(table_set_text(&t, 3, 1, "1000 (5m ago)"));
	assert_false(table_set_text(&t, 9, 1, "x")); /* no such row */
	assert_false(table_set_text(&t, 3, 2, "x")); /* no such column */
	table_recommit(&t);
	assert_string_equal(t.rows[3].cells[1], "1000 (5m ago)");
	assert_int_equal(t.content[1], 13);
	table_set_filter(&t, "5m");
	assert_int_equal(t.nvisible, 1);
	assert_string_equal(table_selected(&t)->id, "uid-d");
	table_set_filter(&t, "");
	assert_int_equal(t.nvisible, 4);
	/* Shorter again: the widths shrink, the selection is not moved. */
	assert_true(table_select_id(&t, "uid-a"));
	assert_true(table_set_text(&t, 3, 1, "7"));
	table_set_sort(&t, 1, 1);
	table_recommit(&t);
	assert_int_equal(t.content[1], 2); /* "12" */
	assert_string_equal(table_selected(&t)->id, "uid-a");
	for (i = 0; i < t.nvisible; i++)
		if (i > 0)
			assert_true(atof(t.rows[t.visible[i - 1]].cells[1]) >=
				    atof(t.rows[t.visible[i]].cells[1]));
	table_free(&t);
}

static void test_table_fill_ranked(struct table *t, const long *ranks, size_t n)
{
	size_t i;

	table_clear_rows(t);
	for (i = 0; i < n; i++) {
		char id[32], restarts[32];
		const char *cells[2] = { id, restarts };

		snprintf(id, sizeof id, "pod-%zu", i);
		snprintf(restarts, sizeof restarts, "%zu", 20 - i);
		table_add_ranked(t, id, ROLE_NORMAL, ranks[i], cells, NULL);
	}
	table_commit(t);
}

TEST(test_table_trouble_first)
{
	static const long ranks[5] = { 0, 2, -1, 1, 2 };
	struct table t;

	table_init(&t, test_table_cols, 2);
	test_table_fill_ranked(&t, ranks, 5);
	/* Off: the order added. */
	assert_string_equal(t.rows[t.visible[0]].id, "pod-0");
	t.trouble_first = 1;
	table_commit(&t);
	/* On: rank first (2, 2, 1, 0, -1), the order added within one. */
	assert_string_equal(t.rows[t.visible[0]].id, "pod-1");
	assert_string_equal(t.rows[t.visible[1]].id, "pod-4");
	assert_string_equal(t.rows[t.visible[2]].id, "pod-3");
	assert_string_equal(t.rows[t.visible[3]].id, "pod-0");
	assert_string_equal(t.rows[t.visible[4]].id, "pod-2");
	/* The operator's sort wins (RESTARTS ascending: 16 for pod-4 first). */
	table_set_sort(&t, 1, 0);
	assert_string_equal(t.rows[t.visible[0]].id, "pod-4");
	assert_string_equal(t.rows[t.visible[4]].id, "pod-0");
	/* And without it, trouble first again, selection kept by id. */
	table_select_id(&t, "pod-0");
	table_set_sort(&t, -1, 0);
	assert_string_equal(t.rows[t.visible[0]].id, "pod-1");
	assert_string_equal(table_selected(&t)->id, "pod-0");
	/* A filter keeps the order among what is left. */
	table_set_filter(&t, "pod-3 ");
	assert_int_equal(t.nvisible, 1);
	table_free(&t);
}

/* Until the operator picks a row, the first (worst) row is selected, so
 * a row that becomes the worst is on screen, not scrolled up out of a
 * small cell behind the selection. */
TEST(test_table_unpinned_follows_top)
{
	static const long before[5] = { 0, 0, 0, 0, 1 }, after[5] = { 2, 0, 0, 0, 1 };
	struct table t;

	table_init(&t, test_table_cols, 2);
	t.trouble_first = 1;
	test_table_fill_ranked(&t, before, 5);
	assert_string_equal(table_selected(&t)->id, "pod-4");
	test_table_fill_ranked(&t, after, 5);
	assert_string_equal(table_selected(&t)->id, "pod-0");
	assert_int_equal(table_scroll(&t, 2), 1);
	assert_int_equal(t.top, 0);
	/* Once a row is chosen, it is kept by id. */
	assert_true(table_key(&t, 'j'));
	assert_string_equal(table_selected(&t)->id, "pod-4");
	test_table_fill_ranked(&t, before, 5);
	assert_string_equal(table_selected(&t)->id, "pod-4");
	test_table_fill_ranked(&t, after, 5);
	assert_string_equal(table_selected(&t)->id, "pod-4");
	table_free(&t);

	/* A row found with the filter stays selected when it is cleared. */
	table_init(&t, test_table_cols, 2);
	t.trouble_first = 1;
	test_table_fill_ranked(&t, before, 5);
	table_set_filter(&t, "pod-2 ");
	assert_string_equal(table_selected(&t)->id, "pod-2");
	table_set_filter(&t, "");
	assert_string_equal(table_selected(&t)->id, "pod-2");
	test_table_fill_ranked(&t, after, 5);
	assert_string_equal(table_selected(&t)->id, "pod-2");
	table_free(&t);
}

TEST(test_table_hidden_count)
{
	static const long ranks[10] = { 0, 0, 1, 0, 0, 0, 0, 2, 1, 0 };
	struct table t;
	size_t bad = 99;

	table_init(&t, test_table_cols, 2);
	test_table_fill_ranked(&t, ranks, 10);
	/* 5 lines for 10 rows: 4 rows and the "+6 more" line. */
	assert_int_equal(table_scroll(&t, 5), 4);
	assert_int_equal(table_hidden(&t, &bad), 6);
	assert_int_equal(bad, 2); /* pod-7 and pod-8 are below */
	/* Clicking the "+6 more" line selects nothing. */
	assert_false(table_click(&t, 5));
	assert_true(table_click(&t, 4));
	/* Trouble first: the three in trouble are on screen. */
	t.trouble_first = 1;
	table_commit(&t);
	assert_true(table_key(&t, 'g'));
	table_scroll(&t, 5);
	assert_int_equal(table_hidden(&t, &bad), 6);
	assert_int_equal(bad, 0);
	/* At the end, the rows above are the hidden ones. */
	assert_true(table_key(&t, 'G'));
	table_scroll(&t, 5);
	assert_int_equal(t.top, 6);
	assert_int_equal(table_hidden(&t, &bad), 6);
	assert_int_equal(bad, 3);
	/* Everything fits: no line, nothing hidden. */
	assert_int_equal(table_scroll(&t, 10), 10);
	assert_int_equal(table_hidden(&t, &bad), 0);
	assert_int_equal(bad, 0);
	table_free(&t);
}

/* A rebuild takes rows back by id: an unchanged row keeps its memory and
 * its filter text; a changed cell is copied and measured again (also
 * when it grows or shrinks); rows come back in the new order, new ids
 * are added, ids gone are dropped, and an id twice is two rows. */
TEST(test_table_rebuild_by_id)
{
	struct table t;
	const char *a[2] = { "fleet-manager-1", "3" }, *b[2] = { "vehicle-gateway-7", "12" };
	const char *c[2] = { "policy-engine-2", "0" }, *b2[2] = { "vehicle-gateway-7", "12345" };
	const char *c2[2] = { "policy", "-" };
	char *a_cell;
	const char *a_folded;

	table_init(&t, test_table_cols, 2);
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, a, "x=1");
	table_add_row(&t, "b", ROLE_NORMAL, b, NULL);
	table_add_row(&t, "c", ROLE_NORMAL, c, NULL);
	table_commit(&t);
	table_set_filter(&t, "fleet");
	assert_int_equal(t.nvisible, 1);
	a_cell = t.rows[0].cells[0];
	a_folded = t.rows[0].folded;
	assert_non_null(a_folded);
	/* b moves first and grows, a stays, c shrinks to "-", d is new. */
	table_clear_rows(&t);
	table_add_ranked(&t, "b", ROLE_WARN, 2, b2, NULL);
	table_add_row(&t, "a", ROLE_NORMAL, a, "x=1");
	table_add_row(&t, "c", ROLE_NORMAL, c2, "new search");
	table_add_row(&t, "d", ROLE_NORMAL, a, NULL);
	table_add_row(&t, "d", ROLE_NORMAL, c, NULL);
	table_commit(&t);
	assert_int_equal(t.nrows, 5);
	assert_string_equal(t.rows[0].id, "b");
	assert_string_equal(t.rows[0].cells[1], "12345");
	assert_int_equal(t.rows[0].widths[1], 5);
	assert_int_equal(t.rows[0].rank, 2);
	assert_int_equal(t.rows[0].role, ROLE_WARN);
	assert_ptr_equal(t.rows[1].cells[0], a_cell); /* untouched */
	assert_ptr_equal(t.rows[1].folded, a_folded);
	assert_string_equal(t.rows[2].cells[0], "policy");
	assert_int_equal(t.rows[2].widths[0], 6);
	assert_int_equal(t.rows[2].widths[1], -1);
	assert_string_equal(t.rows[2].search, "new search");
	assert_string_equal(t.rows[3].cells[0], "fleet-manager-1");
	assert_string_equal(t.rows[4].cells[0], "policy-engine-2");
	assert_int_equal(t.nvisible, 2); /* a and the first d */
	/* b, c and one d go; a search dropped; cleared twice without a
	 * commit between, the first clear's rows are freed (ASan). */
	table_set_filter(&t, "");
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, a, NULL);
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, a, NULL);
	table_add_row(&t, "d", ROLE_NORMAL, c, NULL);
	table_commit(&t);
	assert_int_equal(t.nrows, 2);
	assert_null(t.rows[0].search);
	assert_int_equal(t.nvisible, 2);
	table_clear_rows(&t);
	table_add_row(&t, "z", ROLE_NORMAL, a, NULL);
	table_free(&t); /* not committed: both sets freed */
}

/* A panel may change its columns between a clear and the adds (Pods
 * does when metrics come or go): the rows of the old count are not
 * taken back, and are freed by their own count (ASan). */
TEST(test_table_rebuild_columns_change)
{
	static const struct table_column three[] = {
		{ "NAME", 0, 0, 0, 0 },
		{ "RESTARTS", 8, 1, 1, 0 },
		{ "CPU", 6, 1, 2, 0 },
	};
	struct table t;
	const char *c3[3] = { "fleet-manager-1", "3", "120m" };

	table_init(&t, test_table_cols, 2);
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, c3, NULL);
	table_commit(&t);
	table_clear_rows(&t);
	t.cols = three;
	t.ncols = 3;
	table_add_row(&t, "a", ROLE_NORMAL, c3, NULL);
	table_commit(&t);
	assert_string_equal(t.rows[0].cells[2], "120m");
	table_clear_rows(&t);
	t.cols = test_table_cols;
	t.ncols = 2;
	table_add_row(&t, "a", ROLE_NORMAL, c3, NULL);
	table_commit(&t);
	assert_int_equal(t.nrows, 1);
	table_free(&t);
}

/* Rows re-added in the same order over many ids are taken back without
 * a miss; a row resolved in the middle does not lose the rest. */
TEST(test_table_rebuild_many)
{
	struct table t;
	char id[32], cell[32];
	size_t i, k;

	table_init(&t, test_table_cols, 2);
	for (k = 0; k < 3; k++) {
		table_clear_rows(&t);
		for (i = 0; i < 5000; i++) {
			const char *cells[2] = { id, cell };

			if (k == 2 && i == 2500)
				continue;
			snprintf(id, sizeof id, "row-%zu", i);
			snprintf(cell, sizeof cell, "%zu", k == 1 && i % 100 == 0 ? i + 1 : i);
			table_add_row(&t, id, ROLE_NORMAL, cells, NULL);
		}
		table_commit(&t);
	}
	assert_int_equal(t.nrows, 4999);
	assert_string_equal(t.rows[2500].id, "row-2501");
	assert_string_equal(t.rows[0].cells[1], "0");
	assert_string_equal(t.rows[100].cells[1], "100");
	table_free(&t);
}

/* Between builds the table holds one array of exactly its rows (no
 * spare array nor id hash), and the text folded for a filter goes when
 * the filter is cleared. */
TEST(test_table_memory_between_builds)
{
	struct table t;
	char id[32];
	size_t i, k;

	table_init(&t, test_table_cols, 2);
	for (k = 0; k < 2; k++) {
		table_clear_rows(&t);
		for (i = 0; i < 1000 - k; i++) {
			const char *cells[2] = { id, "1" };

			snprintf(id, sizeof id, "row-%zu", (i * 7) % 1000); /* misses: the hash */
			table_add_row(&t, id, ROLE_NORMAL, cells, NULL);
		}
		table_commit(&t);
		assert_int_equal(t.nrows, 1000 - k);
		assert_true(t.rows_cap <= t.nrows + t.nrows / 8 + 32);
		assert_null(t.old);
		assert_null(t.old_slot);
	}
	table_set_filter(&t, "row-99");
	assert_int_equal(t.nvisible, 10); /* row-993 went */
	assert_non_null(t.rows[0].folded);
	table_set_filter(&t, "");
	for (i = 0; i < t.nrows; i++)
		assert_null(t.rows[i].folded);
	assert_int_equal(t.nvisible, 999);
	table_set_filter(&t, "row-99");
	assert_int_equal(t.nvisible, 10); /* folded again */
	table_free(&t);
}

/* A row whose new text fits its block is rewritten in place; one that
 * does not gets a new block (ASan: the old one is read, then freed). */
TEST(test_table_repack_in_place)
{
	struct table t;
	const char *a[2] = { "fleet-manager-1", "120m" }, *b[2] = { "fleet-manager-1", "95m" };
	const char *c[2] = { "fleet-manager-1", "a much longer text than the block has room for" };
	char **block;

	table_init(&t, test_table_cols, 2);
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, a, NULL);
	table_commit(&t);
	block = t.rows[0].cells;
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, b, NULL);
	table_commit(&t);
	assert_ptr_equal(t.rows[0].cells, block);
	assert_string_equal(t.rows[0].cells[1], "95m");
	assert_int_equal(t.rows[0].widths[1], 3);
	assert_string_equal(t.rows[0].id, "a");
	assert_true(table_set_text(&t, 0, 0, "fleet-manager-2"));
	assert_ptr_equal(t.rows[0].cells, block);
	assert_string_equal(t.rows[0].cells[0], "fleet-manager-2");
	assert_string_equal(t.rows[0].cells[1], "95m");
	table_clear_rows(&t);
	table_add_row(&t, "a", ROLE_NORMAL, c, "search");
	table_commit(&t);
	assert_string_equal(t.rows[0].cells[0], "fleet-manager-1");
	assert_string_equal(t.rows[0].cells[1], c[1]);
	assert_string_equal(t.rows[0].search, "search");
	assert_string_equal(t.rows[0].id, "a");
	table_free(&t);
}

/* Lent cells and ids are the caller's strings, not copies; a row added
 * again with the same text points to the new strings (the old ones may
 * be freed with what lent them: ASan), and a cell set by table_set_text
 * is the table's own. */
TEST(test_table_lent)
{
	struct table t;
	char *id1 = strdup("uid-a"), *name1 = strdup("fleet-manager-1");
	char *id2 = strdup("uid-a"), *name2 = strdup("fleet-manager-1");
	const char *c1[2] = { name1, "3" }, *c2[2] = { name2, "3" };
	char age[8] = "4";

	table_init(&t, test_table_cols, 2);
	table_clear_rows(&t);
	table_add_lent(&t, id1, ROLE_NORMAL, 0, c1, NULL, 1u << 0, 1);
	table_commit(&t);
	assert_ptr_equal(t.rows[0].cells[0], name1);
	assert_ptr_equal(t.rows[0].id, id1);
	assert_ptr_not_equal(t.rows[0].cells[1], c1[1]);
	table_clear_rows(&t);
	table_add_lent(&t, id2, ROLE_NORMAL, 0, c2, NULL, 1u << 0, 1);
	table_commit(&t);
	free(id1);
	free(name1);
	assert_ptr_equal(t.rows[0].cells[0], name2);
	assert_ptr_equal(t.rows[0].id, id2);
	assert_int_equal(t.rows[0].widths[0], 15);
	table_set_filter(&t, "FLEET 3");
	assert_int_equal(t.nvisible, 1);
	assert_true(table_set_text(&t, 0, 1, age));
	assert_ptr_equal(t.rows[0].cells[0], name2);
	assert_ptr_not_equal(t.rows[0].cells[1], age);
	assert_string_equal(t.rows[0].cells[1], "4");
	assert_true(table_set_text(&t, 0, 0, "policy-engine-2"));
	assert_ptr_not_equal(t.rows[0].cells[0], name2);
	table_free(&t);
	free(id2);
	free(name2);
}
