/*
 * test_kubeconfig.c - backends/kubeconfig.c (being written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backends/kubeconfig.h"

static void test_kubeconfig_links(void **state)
{
	(void)state;
	assert_non_null(kubeconfig_free);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubeconfig_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
