/*
 * fuzz_k8s_mask.c - libFuzzer harness for the secret masker
 * (backends/k8s/mask.c: the text `kubectl get secret -o yaml|json`
 * prints, masked before it is drawn or stored): masking works in place,
 * never grows the text, keeps it NUL-terminated, and only ever replaces
 * text with '*': every line it leaves is a line of the input or holds a
 * mask. (It is not idempotent on garbage: a quoted value left open
 * swallows the lines up to the next quote, and a second pass then reads
 * another structure. That errs on the side of hiding.)
 */
#include <stdlib.h>
#include <string.h>

#include "backends/k8s.h"
#include "fuzz_util.h"

/* 1 if the line line[0..n) is one of text's lines. */
static int fuzz_has_line(const char *text, const char *line, size_t n)
{
	const char *p = text, *e;

	for (;;) {
		e = strchr(p, '\n');
		if ((size_t)((e != NULL ? e : p + strlen(p)) - p) == n && memcmp(p, line, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

/* 1 if s[0..n) holds a mask ('*': a short value is masked by as many). */
static int fuzz_masked(const char *s, size_t n)
{
	return memchr(s, '*', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size), *orig;
	const char *p, *e;
	size_t n = strlen(text);

	orig = fuzz_strdup((const uint8_t *)text, n);
	k8s_mask_secret_text(text);
	if (strlen(text) > n)
		abort();
	for (p = text;; p = e + 1) {
		size_t len;

		e = strchr(p, '\n');
		len = (size_t)((e != NULL ? e : p + strlen(p)) - p);
		if (!fuzz_masked(p, len) && !fuzz_has_line(orig, p, len))
			abort();
		if (e == NULL)
			break;
	}
	free(orig);
	free(text);
	return 0;
}
