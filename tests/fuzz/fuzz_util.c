/*
 * fuzz_util.c - helpers shared by the libFuzzer harnesses (fuzz_util.h).
 * Linked into every harness; not part of the console. The checker is not
 * code under test: it is kept out of the coverage feedback (and its
 * per-comparison cost).
 *
 * Every harness runs in the C.UTF-8 locale, as the console does in a
 * UTF-8 terminal (sanitize.c decides widths and validity by the locale).
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/sanitize.h"
#include "fuzz_util.h"
#include "tests/sanitize_invariant.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

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

FUZZ_UTIL_NOCOV void fuzz_check_sanitized(const char *text, size_t len, int flags)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t cp = 0;
	size_t i, k;

	if (text == NULL)
		abort();
	for (i = 0; i < len; i += k) {
		k = sanitize_inv_decode(t + i, len - i, &cp);
		if (k == 0 || sanitize_inv_forbidden(cp, flags))
			abort();
	}
}
