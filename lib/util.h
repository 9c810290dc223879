/*
 * util.h - allocation wrappers, growable strings, clocks and the fatal
 * path shared by every layer. Part of the small runtime in backends/ that
 * the data sources and the shell both stand on. Nothing here touches the
 * terminal; the shell registers a hook so a fatal error restores it first.
 */
#ifndef AM_UTIL_H
#define AM_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation wrappers: never return NULL; on failure call util_die(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Free n strings and the array that holds them. */
void strv_free(char **v, size_t n);
/* Sort v[0..n) by strcmp and free the repeats: the count left. */
size_t strv_sort_unique(char **v, size_t n);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s (NULL: "") as a JSON string literal, quotes and escapes included, in
 * a fresh string; caller frees. */
char *util_json_quote(const char *s);

/* Register a function run once before util_die() prints (e.g. endwin).
 * Call from the main thread before starting workers. */
void util_set_fatal_hook(void (*hook)(void));
/* Print "amconsole: MSG" to stderr after the fatal hook, exit(70). */
_Noreturn void util_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic seconds (CLOCK_MONOTONIC); any thread. */
double util_now(void);
/* Wall-clock seconds since the epoch (CLOCK_REALTIME); any thread. */
double util_wall(void);
/* Format a duration in seconds as "34s", "5m02s", "1h04m", "2d03h" into buf. */
void util_fmt_duration(char *buf, size_t n, double seconds);
/* A latency readout that does not flicker: after the first measurement it
 * takes the measured value only when three in a row are more than 5 ms
 * and more than a quarter away from what it shows, so noise and short
 * spikes never redraw the screen while a real change shows two refreshes
 * late. Zero it to start. */
struct util_steady {
	double shown;
	int seen; /* a measurement has been shown */
	int away; /* measurements in a row away from shown */
};
/* Feed one measurement; returns the value to show. */
double util_steady_ms(struct util_steady *s, double measured);
/* Parse "2s", "500ms", "1m", "1h", or a bare number of seconds.
 * Returns 0 and sets *out, or -1 on a malformed value. */
int util_parse_duration(const char *s, double *out);
/* RFC 3339 ("2024-05-01T10:00:00Z", "…T10:00:00.5+02:00") to epoch
 * seconds into *out: 0, or -1 on anything else. One parser for every
 * timestamp an API sends (Kubernetes, Alertmanager, Prometheus, exec
 * credentials). */
int util_parse_rfc3339(const char *s, double *out);
/* Expand a leading "~/" with $HOME; caller frees. */
char *util_expand_home(const char *path);
/* Create a directory and its parents with mode; 0 or -1 (errno set). */
int util_mkdirs(const char *path, int mode);

/* A growable byte string, always NUL-terminated when buf != NULL. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_append(struct strbuf *sb, const char *data, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As strbuf_printf, with a va_list: 0, or -1 on a bad format. */
int strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
/* Hand over the buffer (never NULL; "" when empty) and reset sb. */
char *strbuf_detach(struct strbuf *sb);

/* Sort n elements of size bytes at base with cmp, which gets ctx as its
 * third argument (qsort has none: its comparators would read globals).
 * Stable (equal elements keep their order); allocates a buffer of n *
 * size bytes. Any thread. */
void util_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *a, const void *b, void *ctx), void *ctx);

#endif
