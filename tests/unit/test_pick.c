/*
 * test_pick.c - the pick list's logic (ui/pick.c): case-insensitive
 * substring filter, the current item selected first, moving clamped,
 * letters that move until typing starts, Enter with nothing shown, Esc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <string.h>

#include "ui/pick.h"
#include "tests/unit/testhelp.h"

static const char *const items[] = { "ctx-000", "ctx-150", "ctx-157", "fixture", "Fixture-All" };
#define NITEMS (sizeof items / sizeof items[0])

static void type(struct pick *p, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(pick_key(p, (unsigned char)*s), PICK_NONE);
}

TEST(test_match)
{
	assert_true(pick_match("fixture-all", ""));
	assert_true(pick_match("Fixture-All", "ALL"));
	assert_true(pick_match("ctx-157", "X-15"));
	assert_false(pick_match("ctx-015", "ctx-15"));
	assert_false(pick_match("", "a"));
	assert_false(pick_match("a-b", "A_B"));
}

TEST(test_current_first)
{
	struct pick p = { 0 };

	pick_open(&p, "Contexts", items, NITEMS, "fixture");
	assert_string_equal(pick_chosen(&p), "fixture");
	assert_int_equal(p.current, 3);
	assert_int_equal(pick_key(&p, 'j'), PICK_NONE);
	assert_string_equal(pick_chosen(&p), "Fixture-All");
	assert_int_equal(pick_key(&p, 'j'), PICK_NONE); /* clamped at the end */
	assert_string_equal(pick_chosen(&p), "Fixture-All");
	pick_key(&p, 'g');
	assert_string_equal(pick_chosen(&p), "ctx-000");
	pick_key(&p, 'G');
	assert_string_equal(pick_chosen(&p), "Fixture-All");
	pick_key(&p, KEY_UP);
	assert_string_equal(pick_chosen(&p), "fixture");
	assert_int_equal(pick_key(&p, '\r'), PICK_CHOSEN);
	assert_int_equal(pick_key(&p, SCREEN_KEY_ESC), PICK_CANCELLED);
	pick_free(&p);
}

TEST(test_filter)
{
	struct pick p = { 0 };

	pick_open(&p, NULL, items, NITEMS, NULL);
	type(&p, "FIX");
	assert_int_equal(p.nshown, 2);
	assert_string_equal(pick_chosen(&p), "fixture");
	/* Typing: j and k are text now. */
	type(&p, "k");
	assert_int_equal(p.nshown, 0);
	assert_null(pick_chosen(&p));
	assert_int_equal(pick_key(&p, '\r'), PICK_NONE);
	pick_key(&p, KEY_BACKSPACE);
	pick_key(&p, KEY_DOWN);
	assert_string_equal(pick_chosen(&p), "Fixture-All");
	pick_key(&p, 'u' & 0x1f); /* C-u: the whole list again, still typing */
	assert_int_equal(p.nshown, NITEMS);
	assert_string_equal(pick_chosen(&p), "Fixture-All");
	pick_key(&p, KEY_BACKSPACE); /* on an empty filter: letters move again */
	pick_key(&p, 'k');
	assert_string_equal(pick_chosen(&p), "fixture");
	pick_key(&p, '/');
	type(&p, "157");
	assert_int_equal(p.nshown, 1);
	assert_int_equal(pick_key(&p, KEY_ENTER), PICK_CHOSEN);
	assert_string_equal(pick_chosen(&p), "ctx-157");
	pick_free(&p);
}

TEST(test_empty)
{
	struct pick p = { 0 };

	pick_open(&p, "none", NULL, 0, "x");
	assert_null(pick_chosen(&p));
	assert_int_equal(pick_key(&p, 'j'), PICK_NONE);
	assert_int_equal(pick_key(&p, '\n'), PICK_NONE);
	assert_int_equal(pick_key(&p, SCREEN_KEY_ESC), PICK_CANCELLED);
	pick_free(&p);
}
