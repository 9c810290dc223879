/*
 * fuzz_exec_credential.c - libFuzzer harness for the ExecCredential
 * parser (backends/k8s/kubeconfig_exec.c: what a kubeconfig's exec
 * credential plugin prints on stdout, foreign JSON): it is taken whole or
 * refused with a reason, and a refused answer keeps nothing of its own
 * (the cached token is the one from before).
 */
#include <stdlib.h>
#include <string.h>

#include "backends/k8s/kubeconfig.h"
#include "lib/util.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	char err[256] = "";

	kc->exec_token = xstrdup("before");
	if (kubeconfig_parse_exec_credential(kc, (const char *)data, size, err, sizeof err) != 0) {
		if (err[0] == '\0')
			abort();
		if (kc->exec_token == NULL || strcmp(kc->exec_token, "before") != 0)
			abort();
	} else if (kc->exec_token == NULL && kc->exec_cert.data == NULL) {
		abort(); /* taken, yet holding no credential */
	}
	kubeconfig_free(kc);
	return 0;
}
