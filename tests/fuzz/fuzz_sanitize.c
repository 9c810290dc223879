/*
 * fuzz_sanitize.c - libFuzzer harness for tui/sanitize.c (RELIABILITY
 * A17): random bytes go through sanitize() single-line, multi-line, with
 * visible tabs and with a cap taken from the input, and every output must
 * hold the invariant of sanitize.h: valid UTF-8, no C0 but '\n' in
 * multi-line mode, no DEL, C1, bidi, zero-width, format, separator or tag
 * code point, spans ordered inside the text, the cap honoured and the
 * output bounded. The checker (fuzz_check_sanitized, shared with
 * fuzz_redact.c) decodes UTF-8 on its own, so a bug in the sanitiser's
 * decoder cannot hide itself. Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sanitize.h"
#include "fuzz_util.h"

/* The checker is not the code under test: keep coverage feedback (and
 * its per-comparison cost) for the sanitiser itself. */
#if defined(__clang__)
#define FUZZ_SANITIZE_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_SANITIZE_NOCOV
#endif

#define FUZZ_SANITIZE_CHECK(cond)                                                                  \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

FUZZ_SANITIZE_NOCOV static void fuzz_sanitize_one(const uint8_t *data, size_t size, int flags,
						  size_t cap)
{
	struct sanitize_out out;
	const unsigned char *t;
	size_t i, prev_end = 0, ntabs = 0, used, w, fit;

	sanitize((const char *)data, size, flags, cap, &out);
	t = (const unsigned char *)out.text;
	FUZZ_SANITIZE_CHECK(t != NULL);
	FUZZ_SANITIZE_CHECK(t[out.len] == '\0');
	FUZZ_SANITIZE_CHECK(strlen(out.text) == out.len);
	fuzz_check_sanitized(out.text, out.len, flags);
	for (i = 0; i < out.nspans; i++) {
		FUZZ_SANITIZE_CHECK(out.spans[i].start >= prev_end);
		FUZZ_SANITIZE_CHECK(out.spans[i].len >= 2);
		FUZZ_SANITIZE_CHECK(out.spans[i].len <= out.len - out.spans[i].start);
		FUZZ_SANITIZE_CHECK(t[out.spans[i].start] == '\\' || t[out.spans[i].start] == '<');
		prev_end = out.spans[i].start + out.spans[i].len;
	}
	/* the cap: at most cap bytes read, never more than 3 backed up */
	if (cap == 0 || size <= cap) {
		FUZZ_SANITIZE_CHECK(out.truncated == 0);
		used = size;
	} else {
		FUZZ_SANITIZE_CHECK(out.truncated >= size - cap);
		FUZZ_SANITIZE_CHECK(out.truncated <= size - cap + 3);
		FUZZ_SANITIZE_CHECK(out.len >= 10 &&
				    memcmp(out.text + out.len - 7, " bytes)", 7) == 0);
		used = size - out.truncated;
	}
	/* bounded: 4 bytes per input byte, 8 per expanded tab, plus marker */
	for (i = 0; i < used; i++)
		ntabs += data[i] == '\t';
	FUZZ_SANITIZE_CHECK(out.len <= used * 4 + ntabs * 4 + 40);
	/* width and fit agree */
	w = sanitize_width(out.text, out.len);
	FUZZ_SANITIZE_CHECK(sanitize_fit(out.text, out.len, w) == out.len);
	fit = sanitize_fit(out.text, out.len, w / 2);
	FUZZ_SANITIZE_CHECK(fit <= out.len);
	FUZZ_SANITIZE_CHECK(sanitize_width(out.text, fit) <= w / 2);
	sanitize_out_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = size > 0 ? (size_t)data[0] % 64 + 1 : 1;
	char *s;

	fuzz_sanitize_one(data, size, 0, 0);
	fuzz_sanitize_one(data, size, SANITIZE_MULTILINE, 0);
	fuzz_sanitize_one(data, size, SANITIZE_TABS_VISIBLE, 0);
	fuzz_sanitize_one(data, size, SANITIZE_MULTILINE | SANITIZE_TABS_VISIBLE, cap);
	fuzz_sanitize_one(data, size, 0, cap);
	fuzz_sanitize_one(data, size, SANITIZE_MULTILINE, size > 1 ? size - 1 : 1);

	/* the NUL-terminated convenience wrapper */
	s = malloc(size + 1);
	FUZZ_SANITIZE_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	free(sanitize_str(s));
	free(s);
	return 0;
}
