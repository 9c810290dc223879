/*
 * fuzz_kubeconfig.c - libFuzzer harness for the kubeconfig loader
 * (backends/k8s/kubeconfig*.c, lib/yaml.c). The input is one kubeconfig
 * file, or two split at the first NUL byte and merged as KUBECONFIG=a:b
 * is; the files are written under /dev/shm (the loader reads paths, and
 * resolves the certificate and token paths they name against their
 * directory). The
 * loader reads files only: no network, no exec plugin is run. When the
 * files load, each context they name (the first few) is loaded too, so
 * every cluster and user entry is taken, not only current-context's.
 */
#include <stdlib.h>
#include <unistd.h>

#include "backends/k8s/kubeconfig.h"
#include "lib/util.h"
#include "fuzz_util.h"

#define FUZZ_KUBECONFIG_CONTEXTS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig *kc = NULL, *other;
	const char *a, *b;
	size_t alen, blen, i;
	char *pa, *pb = NULL, *paths;
	char err[512];

	fuzz_split(data, size, &a, &alen, &b, &blen);
	pa = fuzz_write_file("a.yaml", a, alen);
	if (b != NULL) {
		pb = fuzz_write_file("b.yaml", b, blen);
		paths = xasprintf("%s:%s", pa, pb);
	} else {
		paths = xstrdup(pa);
	}
	if (kubeconfig_load(paths, NULL, NULL, &kc, err, sizeof err) == 0) {
		for (i = 0; i < kc->ncontexts && i < FUZZ_KUBECONFIG_CONTEXTS; i++) {
			if (kubeconfig_load(paths, kc->contexts[i], "all", &other, err,
					    sizeof err) == 0)
				kubeconfig_free(other);
		}
		kubeconfig_free(kc);
	}
	unlink(pa);
	free(pa);
	if (pb != NULL) {
		unlink(pb);
		free(pb);
	}
	free(paths);
	return 0;
}
