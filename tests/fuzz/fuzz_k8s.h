/*
 * fuzz_k8s.h - what the three Kubernetes harnesses (fuzz_k8s_table.c,
 * fuzz_k8s_podlist.c, fuzz_k8s_watch.c) check of the rows the parsers
 * build: every string the pods panel prints is set (NULL only where
 * k8s.h says so), containers is never NULL, the severity is one of the
 * four, and uids are unique when the rows came from watch events
 * (upserted by uid). A violation aborts; then the rows are freed. And
 * the list parse the two list harnesses share.
 */
#ifndef AM_FUZZ_K8S_H
#define AM_FUZZ_K8S_H

#include <stdlib.h>
#include <string.h>

#include "backends/k8s.h"

static void fuzz_k8s_rows_check_free(struct k8s_pod *pods, size_t n, int unique)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct k8s_pod *p = &pods[i];

		if (p->uid == NULL || p->ns == NULL || p->name == NULL || p->ready == NULL ||
		    p->status == NULL || p->node == NULL || p->ip == NULL || p->containers == NULL)
			abort();
		if ((p->owner_kind == NULL) != (p->owner_name == NULL))
			abort();
		if (p->severity < K8S_OK || p->severity > K8S_BAD)
			abort();
		for (j = 0; unique && j < i; j++)
			if (strcmp(pods[j].uid, p->uid) == 0)
				abort();
	}
	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
}

/* Parse a[0..alen) as a pod list page (k8s_parse_list, a plain PodList
 * or a Table) into *pods and *n, dropping the continue token and the
 * resourceVersion; what k8s_parse_list returns. The rows go to
 * fuzz_k8s_rows_check_free. */
static inline int fuzz_k8s_parse_list(const char *a, size_t alen, struct k8s_pod **pods, size_t *n)
{
	char *cont = NULL, *rv = NULL, err[256];
	int table = 0, rc;

	rc = k8s_parse_list(a, alen, pods, n, &table, &cont, &rv, err, sizeof err);
	free(cont);
	free(rv);
	return rc;
}

#endif
