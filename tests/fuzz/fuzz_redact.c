/*
 * fuzz_redact.c - libFuzzer harness for the redaction and sanitiser pair
 * (tui/redact.c then tui/sanitize.c), the path every piece of foreign
 * text takes to the screen, the clipboard, the transcript and the audit
 * log: whatever redact() makes of the input, the sanitised result must
 * hold the invariant of sanitize.h (fuzz_check_sanitized) in single-line
 * and multi-line mode, and through sanitize_str. Any violation aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"
#include "lib/sanitize.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[] = { 0, SANITIZE_MULTILINE, SANITIZE_TABS_VISIBLE };
	struct sanitize_out out;
	char *in = fuzz_strdup(data, size);
	char *r = redact(in), *s;
	size_t i;

	if (r == NULL)
		abort();
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		sanitize(r, strlen(r), modes[i], 0, &out);
		fuzz_check_sanitized(out.text, out.len, modes[i]);
		sanitize_out_free(&out);
	}
	s = sanitize_str(r);
	fuzz_check_sanitized(s, s != NULL ? strlen(s) : 0, 0);
	(void)redact_is_secret_name(in);
	free(s);
	free(r);
	free(in);
	return 0;
}
