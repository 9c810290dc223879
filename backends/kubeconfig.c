/*
 * kubeconfig.c - see kubeconfig.h. (Being written.)
 */
#include "kubeconfig.h"

#include <stdio.h>

int kubeconfig_load(const char *paths, const char *context, const char *ns, struct kubeconfig **out,
		    char *err, size_t errlen)
{
	(void)paths, (void)context, (void)ns;
	*out = NULL;
	snprintf(err, errlen, "kubeconfig: not implemented yet");
	return -1;
}

void kubeconfig_free(struct kubeconfig *kc)
{
	(void)kc;
}
