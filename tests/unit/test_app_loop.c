/*
 * test_app_loop.c - unit tests for the main loop's poll timeout
 * (app/app.c): with no gap after news it is the loop's own; inside a gap
 * it ends with the gap; once the gap is over it is 0, never "no timeout",
 * since the wake-up pipe is not watched during a gap (a pass slower than
 * the gap once left the loop deaf to every worker until a key came).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app_int.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

TEST(test_app_poll_timeout_no_gap)
{
	assert_int_equal(app_poll_timeout(-1, 0), -1);
	assert_int_equal(app_poll_timeout(500, 0), 500);
}

TEST(test_app_poll_timeout_in_gap)
{
	int ms = app_poll_timeout(-1, util_now() + 0.2);

	assert_true(ms > 0 && ms <= 201);
	assert_int_equal(app_poll_timeout(50, util_now() + 0.2), 50);
}

TEST(test_app_poll_timeout_gap_over)
{
	assert_int_equal(app_poll_timeout(-1, util_now() - 0.01), 0);
	assert_int_equal(app_poll_timeout(500, util_now() - 5), 0);
}
