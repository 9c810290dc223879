/*
 * fuzz_k8s_podlist.c - libFuzzer harness for a pod list page as a plain
 * PodList (k8s_parse_list in backends/k8s/printer.c, STATUS by the pod
 * printer rules), followed, after the first NUL byte, by a Pod object for the
 * describe text (k8s_describe, with the list body as its event list).
 * The list body also goes through the API error text builder.
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
	char err[256];

	fuzz_split(data, size, &a, &alen, &b, &blen);
	(void)fuzz_k8s_parse_list(a, alen, &pods, &n);
	fuzz_k8s_rows_check_free(pods, n, 0);
	k8s_error_text(403, a, alen, err, sizeof err);
	if (b != NULL)
		free(k8s_describe(b, blen, a, alen));
	return 0;
}
