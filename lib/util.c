/*
 * util.c - allocation wrappers, growable strings, clocks and the fatal
 * path (see util.h). Shared by every layer.
 */
#include "lib/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void (*util_fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	util_fatal_hook = hook;
}

_Noreturn void util_die(const char *fmt, ...)
{
	va_list ap;

	if (util_fatal_hook != NULL) {
		void (*hook)(void) = util_fatal_hook;
		util_fatal_hook = NULL;
		hook();
	}
	fputs("amconsole: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		util_die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		util_die("out of memory (%zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int strv_cmp(const void *a, const void *b, void *ctx)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t strv_sort_unique(char **v, size_t n)
{
	size_t i, k = 0;

	util_sort(v, n, sizeof *v, strv_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1], v[i]) == 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	return k;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (rc != 0)
		util_die("bad format");
	return sb.buf;
}

double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double util_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void util_fmt_duration(char *buf, size_t n, double seconds)
{
	long s = seconds < 0 ? 0 : (long)seconds;

	if (s < 60)
		snprintf(buf, n, "%lds", s);
	else if (s < 3600)
		snprintf(buf, n, "%ldm%02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, n, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, n, "%ldd%02ldh", s / 86400, (s % 86400) / 3600);
}

double util_steady_ms(struct util_steady *s, double measured)
{
	double d = measured > s->shown ? measured - s->shown : s->shown - measured;

	if (!s->seen || (d > 5 && d > s->shown / 4 && ++s->away >= 3)) {
		s->shown = measured;
		s->seen = 1;
		s->away = 0;
	} else if (d <= 5 || d <= s->shown / 4) {
		s->away = 0;
	}
	return s->shown;
}

int util_parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0 || v != v)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		;
	else if (strcmp(end, "ms") == 0)
		v /= 1000.0;
	else if (strcmp(end, "m") == 0)
		v *= 60.0;
	else if (strcmp(end, "h") == 0)
		v *= 3600.0;
	else
		return -1;
	*out = v;
	return 0;
}

char *util_expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home != NULL)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

int util_mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path);
	char *s;
	int rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap)
		return;
	if (sb->cap == 0)
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void strbuf_append(struct strbuf *sb, const char *data, size_t n)
{
	strbuf_grow(sb, n);
	if (n > 0)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

int strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list size;
	int n;

	va_copy(size, ap);
	n = vsnprintf(NULL, 0, fmt, size);
	va_end(size);
	if (n < 0)
		return -1;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf != NULL ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

static int util_read_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int util_parse_rfc3339(const char *s, double *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	double frac = 0, scale = 0.1;
	const char *p = s;
	time_t t;

	if (util_read_digits(&p, 4, &y) < 0 || *p++ != '-' || util_read_digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || util_read_digits(&p, 2, &d) < 0 || (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if (util_read_digits(&p, 2, &h) < 0 || *p++ != ':' || util_read_digits(&p, 2, &mi) < 0 ||
	    *p++ != ':' || util_read_digits(&p, 2, &sec) < 0)
		return -1;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (util_read_digits(&p, 2, &oh) < 0 || *p++ != ':' ||
		    util_read_digits(&p, 2, &om) < 0)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (double)t + frac - sign * (oh * 3600.0 + om * 60.0);
	return 0;
}

void util_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *a, const void *b, void *ctx), void *ctx)
{
	unsigned char *a = base, *b, *src, *dst, *t;
	size_t width, i;

	if (n < 2 || size == 0)
		return;
	b = xmalloc(n * size);
	src = a;
	dst = b;
	/* Bottom-up merge sort: runs of width, merged pairwise into dst. */
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t l = i, m = i + width < n ? i + width : n;
			size_t r = m, e = i + 2 * width < n ? i + 2 * width : n, o = i;

			while (l < m && r < e) {
				/* <= keeps equal elements in order: stable */
				if (cmp(src + l * size, src + r * size, ctx) <= 0)
					memcpy(dst + o++ * size, src + l++ * size, size);
				else
					memcpy(dst + o++ * size, src + r++ * size, size);
			}
			if (l < m)
				memcpy(dst + o * size, src + l * size, (m - l) * size);
			else if (r < e)
				memcpy(dst + o * size, src + r * size, (e - r) * size);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * size);
	free(b);
}

char *util_json_quote(const char *s)
{
	cJSON *j = cJSON_CreateString(s != NULL ? s : "");
	char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
	char *out;

	cJSON_Delete(j);
	if (text == NULL)
		util_die("out of memory");
	out = xstrdup(text);
	cJSON_free(text);
	return out;
}
