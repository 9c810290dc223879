/*
 * fuzz_k8s_watch.c - libFuzzer harness for the pod watch stream
 * (k8s_apply_event in backends/k8s/printer.c): the input is split into
 * lines, as the stream is, and each line is applied as one event (Table
 * rows or Pod objects; ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) to rows
 * that start empty. Upserting by uid must leave the uids unique.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/k8s.h"
#include "fuzz_k8s.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_pod *pods = NULL;
	const char *p = (const char *)data, *end = p + size, *nl;
	char *rv = NULL, err[256];
	size_t n = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		(void)k8s_apply_event(p, (size_t)(nl - p), &pods, &n, &rv, err, sizeof err);
		p = nl + 1;
	}
	free(rv);
	fuzz_k8s_rows_check_free(pods, n, 1);
	return 0;
}
