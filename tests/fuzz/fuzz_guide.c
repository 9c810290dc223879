/*
 * fuzz_guide.c - libFuzzer harness for reading a step's output
 * (core/runbook_guide.c): the output of a command is whatever the server
 * or the program printed. The first byte picks the kind of step, the
 * rest is the output; captures by column (with and without a where
 * filter) and by a regular expression, and every kind of expectation,
 * run over it. Whatever the output, each captured value is a non-empty
 * string, at most RUNBOOK_MAX_CAPTURED of them, an expectation's answer
 * is -1, 0 or 1 with a reason when not 1, and everything is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "lib/util.h"
#include "fuzz_util.h"

static const char *const captures[] = {
	"V=column:value",
	"N=column:NAME where STATUS!=Running",
	"D=column:datname where max=100",
	"J=column:job",
	"R=/([a-z]+-[0-9]+)/",
	"E=/x*/",
};

static const char *const expects[] = {
	"exit=0",
	"rows=0",
	"rows>=2",
	"value<0.05",
	"value!=1",
	"output!~/Error|Exception/",
	"output~/^[A-Z]+ /",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum step_kind kind;
	char *out, **v, why[200];
	size_t i, k, n;

	if (size < 1)
		return 0;
	kind = (enum step_kind)(data[0] % 5);
	out = fuzz_strdup(data + 1, size - 1);
	for (i = 0; i < sizeof captures / sizeof captures[0]; i++) {
		struct runbook_capture c;

		if (runbook_capture_parse(captures[i], &c, why, sizeof why) != 0)
			abort();
		n = runbook_capture_run(&c, kind, out, &v);
		if (n > RUNBOOK_MAX_CAPTURED)
			abort();
		for (k = 0; k < n; k++)
			if (v[k] == NULL || v[k][0] == '\0')
				abort();
		strv_free(v, n);
	}
	for (i = 0; i < sizeof expects / sizeof expects[0]; i++) {
		struct runbook_expect x;
		int r;

		if (runbook_expect_parse(expects[i], &x, why, sizeof why) != 0)
			abort();
		r = runbook_expect_eval(&x, kind, (int)(size % 3), out, why, sizeof why);
		if (r < -1 || r > 1 || (r != 1 && why[0] == '\0'))
			abort();
	}
	free(out);
	return 0;
}
