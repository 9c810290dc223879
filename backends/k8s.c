/*
 * k8s.c - see k8s.h. (Being written.)
 */
#include "k8s.h"

#include <stdio.h>

static int k8s_open(void **state, const void *arg, char *err, size_t errlen)
{
	(void)arg;
	*state = NULL;
	snprintf(err, errlen, "Kubernetes: not implemented yet");
	return -1;
}

static int k8s_poll(void *state, void **snap, char *err, size_t errlen)
{
	(void)state;
	*snap = NULL;
	snprintf(err, errlen, "Kubernetes: not implemented yet");
	return -1;
}

static void k8s_close(void *state)
{
	(void)state;
}

static void k8s_snapshot_free(void *snap)
{
	(void)snap;
}

const struct backend k8s_backend = {
	.name = "kubernetes",
	.open = k8s_open,
	.poll = k8s_poll,
	.close = k8s_close,
	.snapshot_free = k8s_snapshot_free,
};
