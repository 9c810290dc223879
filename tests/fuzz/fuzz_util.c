/*
 * fuzz_util.c - helpers shared by the libFuzzer harnesses (fuzz_util.h).
 * Linked into every harness; not part of the console. The checker is not
 * code under test: it is kept out of the coverage feedback (and its
 * per-comparison cost).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/util.h"
#include "tui/sanitize.h"
#include "tests/fuzz/fuzz_util.h"

char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_split(const uint8_t *data, size_t size, const char **a, size_t *alen, const char **b,
		size_t *blen)
{
	const uint8_t *nul = size > 0 ? memchr(data, '\0', size) : NULL;

	*a = (const char *)data;
	if (nul == NULL) {
		*alen = size;
		*b = NULL;
		*blen = 0;
		return;
	}
	*alen = (size_t)(nul - data);
	*b = (const char *)nul + 1;
	*blen = size - *alen - 1;
}

char *fuzz_write_file(const char *name, const char *data, size_t size)
{
	char *path = xasprintf("/dev/shm/amconsole-fuzz-%ld-%s", (long)getpid(), name);
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror(path);
			abort();
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		perror(path);
		abort();
	}
	return path;
}

#if defined(__clang__)
#define FUZZ_UTIL_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_UTIL_NOCOV
#endif

/* Length of the well-formed sequence at s[0..n) with *cp set, or 0. The
 * checker decodes on its own, so a bug in the sanitiser's decoder cannot
 * hide itself. */
FUZZ_UTIL_NOCOV static size_t fuzz_util_decode(const unsigned char *s, size_t n, uint32_t *cp)
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

FUZZ_UTIL_NOCOV static int fuzz_util_forbidden(uint32_t cp, int flags)
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

FUZZ_UTIL_NOCOV void fuzz_check_sanitized(const char *text, size_t len, int flags)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t cp = 0;
	size_t i, k;

	if (text == NULL)
		abort();
	for (i = 0; i < len; i += k) {
		k = fuzz_util_decode(t + i, len - i, &cp);
		if (k == 0 || fuzz_util_forbidden(cp, flags))
			abort();
	}
}
