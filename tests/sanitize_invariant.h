/*
 * sanitize_invariant.h - an independent check of the output invariant of
 * tui/sanitize.h, shared by the unit tests (tests/unit/test_sanitize.c,
 * test_screen.c) and the fuzz harnesses (tests/fuzz/fuzz_util.c): its own
 * strict UTF-8 decoder, and the code points that must never reach the
 * terminal. Header-only; every function is static.
 */
#ifndef AM_SANITIZE_INVARIANT_H
#define AM_SANITIZE_INVARIANT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/sanitize.h"

/* Not coverage-instrumented in the fuzzers: its branches are not the
 * code under test. */
#if defined(__clang__)
#define SANITIZE_INV_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define SANITIZE_INV_NOCOV
#endif

/* Length of the well-formed sequence at s[0..n) with *cp set, or 0. The
 * checker decodes on its own, so a bug in the sanitiser's decoder cannot
 * hide itself. */
SANITIZE_INV_NOCOV static inline size_t sanitize_inv_decode(const unsigned char *s, size_t n,
							    uint32_t *cp)
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

SANITIZE_INV_NOCOV static inline int sanitize_inv_forbidden(uint32_t cp, int flags)
{
	if (cp < 0x20)
		return !(cp == '\n' && (flags & SANITIZE_MULTILINE));
	if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 1;
	/* bidi */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	    cp == 0x200f || cp == 0x061c)
		return 1;
	/* zero-width and format */
	if ((cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x206a && cp <= 0x206f) || (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0xfeff ||
	    cp == 0x00ad || cp == 0x180e)
		return 1;
	/* line and paragraph separators */
	if (cp == 0x2028 || cp == 0x2029)
		return 1;
	/* tags */
	return cp >= 0xe0000 && cp <= 0xe007f;
}

#endif
