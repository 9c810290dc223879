/*
 * fuzz_k8s_table.c - libFuzzer harness for a pod list page in the
 * server-side Table format (k8s_parse_list in backends/k8s/printer.c),
 * followed, after the first NUL byte, by a PodMetricsList body applied to the rows
 * (k8s_parse_metrics). The seeds are Tables; the same parser takes a
 * PodList, which fuzz_k8s_podlist.c seeds.
 */
#include <stdlib.h>

#include "backends/k8s.h"
#include "fuzz_k8s.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0, alen, blen;
	const char *a, *b;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	if (fuzz_k8s_parse_list(a, alen, &pods, &n) == 0 && b != NULL)
		(void)k8s_parse_metrics(b, blen, pods, n);
	fuzz_k8s_rows_check_free(pods, n, 0);
	return 0;
}
