/*
 * fuzz_runbook.c - libFuzzer harness for the runbook parser: arbitrary
 * bytes go through runbook_parse (libcmark, step splitting, safety,
 * placeholders, lint), the JSON dump, the script rewriting and the
 * environment builder, then everything is freed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/runbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runbook_set set = { 0 };
	char err[256];
	char *json;
	size_t i, j, k;

	if (runbook_parse(&set, "fuzz.md", (const char *)data, size, err, sizeof(err)) != 0)
		return 0;
	json = runbook_dump_json(&set);
	free(json);
	for (i = 0; i < set.nentries; i++) {
		const struct runbook_entry *e = &set.entries[i];

		(void)runbook_entry_matches(e, "crash lag");
		for (j = 0; j < e->nsteps; j++) {
			const struct step *st = &e->steps[j];
			const char **values = calloc(st->nplaceholders + 1, sizeof(*values));
			char *script = runbook_step_script(st);
			char **env;

			free(script);
			if (values == NULL)
				continue;
			for (k = 0; k < st->nplaceholders; k++)
				values[k] = "fuzz-value";
			env = runbook_step_env(st, values, err, sizeof(err));
			for (k = 0; env != NULL && env[k] != NULL; k++)
				free(env[k]);
			free(env);
			free(values);
		}
	}
	runbook_set_free(&set);
	return 0;
}
