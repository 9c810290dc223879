/*
 * fuzz_util.h - what the libFuzzer harnesses in tests/fuzz/ share: a
 * NUL-terminated copy of the input, the input split in two at its first
 * NUL byte (for parsers that take two bodies or files), and a file under
 * /dev/shm for the loaders that read only from a path (config, theme,
 * kubeconfig), as their unit tests do with temporary files, and the
 * checker of the sanitiser's output invariant.
 */
#ifndef AM_FUZZ_UTIL_H
#define AM_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fresh NUL-terminated copy of data[0..size); caller frees. */
/* libFuzzer calls it once before the first input: the C.UTF-8 locale. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

char *fuzz_strdup(const uint8_t *data, size_t size);

/* Split data at its first NUL: a and alen get what comes before it, b
 * and blen what comes after it (b NULL when there is no NUL). Borrowed
 * pointers into data. */
void fuzz_split(const uint8_t *data, size_t size, const char **a, size_t *alen, const char **b,
		size_t *blen);

/* Write data[0..size) to /dev/shm/amconsole-fuzz-PID-NAME (replacing
 * it) and return that path; caller unlinks and frees. Aborts on an I/O
 * error: a harness that cannot write its input tests nothing. */
char *fuzz_write_file(const char *name, const char *data, size_t size);

/* Abort unless text[0..len) holds the output invariant of tui/sanitize.h
 * for flags: valid UTF-8 with no C0 control (but '\n' under
 * SANITIZE_MULTILINE), DEL, C1, bidi, zero-width or format character,
 * line or paragraph separator, or tag character. */
void fuzz_check_sanitized(const char *text, size_t len, int flags);

#endif
