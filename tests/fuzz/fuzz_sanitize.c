/*
 * fuzz_sanitize.c - libFuzzer harness for tui/sanitize.c (RELIABILITY
 * A17): random bytes go through sanitize() single-line, multi-line, with
 * visible tabs and with a cap taken from the input, and every output must
 * hold the invariant of sanitize.h: valid UTF-8, no C0 but '\n' in
 * multi-line mode, no DEL, C1, bidi, zero-width, format, separator or tag
 * code point, spans ordered inside the text, the cap honoured and the
 * output bounded. The checker decodes UTF-8 on its own, so a bug in the
 * sanitiser's decoder cannot hide itself. Any violation aborts.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/sanitize.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The checker is not the code under test: keep coverage feedback (and
 * its per-comparison cost) for the sanitiser itself. */
#if defined(__clang__)
#define FUZZ_SANITIZE_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_SANITIZE_NOCOV
#endif

#define FUZZ_SANITIZE_CHECK(cond) \
	do { \
		if (!(cond)) \
			abort(); \
	} while (0)

/* Length of the well-formed sequence at s[0..n) with *cp set, or 0. */
FUZZ_SANITIZE_NOCOV static size_t fuzz_sanitize_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t v;
	size_t need, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && v < 0x80) || (need == 3 && v < 0x800) || (need == 4 && v < 0x10000))
		return 0;
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

FUZZ_SANITIZE_NOCOV static int fuzz_sanitize_forbidden(uint32_t cp, int flags)
{
	if (cp < 0x20)
		return !(cp == '\n' && (flags & SANITIZE_MULTILINE));
	if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 1;
	/* bidi */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c)
		return 1;
	/* zero-width and format */
	if ((cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0xfeff || cp == 0x00ad || cp == 0x180e)
		return 1;
	/* line and paragraph separators */
	if (cp == 0x2028 || cp == 0x2029)
		return 1;
	/* tags */
	return cp >= 0xe0000 && cp <= 0xe007f;
}

FUZZ_SANITIZE_NOCOV static void fuzz_sanitize_one(const uint8_t *data, size_t size, int flags, size_t cap)
{
	struct sanitize_out out;
	const unsigned char *t;
	size_t i, k, prev_end = 0, ntabs = 0, used, w, fit;
	uint32_t cp = 0;

	sanitize((const char *)data, size, flags, cap, &out);
	t = (const unsigned char *)out.text;
	FUZZ_SANITIZE_CHECK(t != NULL);
	FUZZ_SANITIZE_CHECK(t[out.len] == '\0');
	FUZZ_SANITIZE_CHECK(strlen(out.text) == out.len);
	for (i = 0; i < out.len; i += k) {
		k = fuzz_sanitize_decode(t + i, out.len - i, &cp);
		FUZZ_SANITIZE_CHECK(k > 0);
		FUZZ_SANITIZE_CHECK(!fuzz_sanitize_forbidden(cp, flags));
	}
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
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
