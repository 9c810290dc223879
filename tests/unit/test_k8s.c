/*
 * test_k8s.c - backends/k8s.c (being written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backends/k8s.h"

static void test_k8s_links(void **state)
{
	(void)state;
	assert_non_null(k8s_backend.poll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
