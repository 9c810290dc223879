/*
 * metrics.c - pod CPU and memory from metrics.k8s.io: Kubernetes
 * quantities in integers (a double would turn "250m" into 251), a
 * PodMetricsList matched to the rows by namespace and name, and the
 * fetch the poller makes every few polls (silent when metrics are not
 * served).
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s/k8s_int.h"

/* ceil(q * 10^scale) for a Kubernetes quantity, in integers (a double
 * would turn "250m" into 251); -1 when malformed or out of range. */
static long k8s_quantity(const char *q, int scale)
{
	uint64_t m = 0;
	int exp10 = 0, bin = 0, digits = 0, frac = 0, rest = 0;
	const char *s = q;

	if (s == NULL)
		return -1;
	if (*s == '+')
		s++;
	for (; isdigit((unsigned char)*s) || (*s == '.' && !frac); s++) {
		if (*s == '.') {
			frac = 1;
			continue;
		}
		digits++;
		if (m < UINT64_C(100000000000000000)) {
			m = m * 10 + (uint64_t)(*s - '0');
			if (frac)
				exp10--;
		} else {
			if (*s != '0')
				rest = 1;
			if (!frac)
				exp10++;
		}
	}
	if (digits == 0)
		return -1;
	switch (*s) {
	case '\0':
		break;
	case 'n':
		exp10 -= 9;
		s++;
		break;
	case 'u':
		exp10 -= 6;
		s++;
		break;
	case 'm':
		exp10 -= 3;
		s++;
		break;
	case 'k':
		exp10 += 3;
		s++;
		break;
	case 'E':
		if (isdigit((unsigned char)s[1]) || s[1] == '-' || s[1] == '+')
			goto exponent; /* "1E3"; a bare "E" is exa */
				       /* fall through */
	case 'M':
	case 'G':
	case 'T':
	case 'P': {
		const char *u = "KMGTPE";
		int k = (int)(strchr(u, *s) - u);

		if (s[1] == 'i') {
			bin = 10 * (k + 1);
			s += 2;
		} else {
			exp10 += 3 * (k + 1);
			s++;
		}
		break;
	}
	case 'K':
		if (s[1] != 'i')
			return -1;
		bin = 10;
		s += 2;
		break;
	case 'e':
	exponent : {
		char *e;
		long x = strtol(s + 1, &e, 10);

		if (e == s + 1 || x > 30 || x < -30)
			return -1;
		exp10 += (int)x;
		s = e;
		break;
	}
	default:
		return -1;
	}
	if (*s != '\0')
		return -1;
	exp10 += scale;
	for (; bin > 0; bin--) {
		if (m > (uint64_t)LONG_MAX / 2)
			return -1;
		m *= 2;
	}
	for (; exp10 > 0; exp10--) {
		if (m > (uint64_t)LONG_MAX / 10)
			return -1;
		m *= 10;
	}
	if (exp10 < 0) {
		uint64_t div = 1;

		if (exp10 < -18)
			return m > 0 || rest ? 1 : 0;
		for (; exp10 < 0; exp10++)
			div *= 10;
		rest |= m % div != 0;
		m /= div;
	}
	if (rest)
		m++;
	return m > (uint64_t)LONG_MAX ? -1 : (long)m;
}

long k8s_cpu_milli(const char *q)
{
	return k8s_quantity(q, 3);
}

long k8s_mem_bytes(const char *q)
{
	return k8s_quantity(q, 0);
}

struct k8s_key {
	const char *ns, *name;
	size_t i;
};

static int k8s_key_cmp(const void *a, const void *b)
{
	const struct k8s_key *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);

	return c != 0 ? c : strcmp(x->name, y->name);
}

int k8s_parse_metrics(const char *body, size_t len, struct k8s_pod *pods, size_t n)
{
	struct k8s_arena arena = { 0 };
	cJSON *root = body != NULL && len > 0 ? k8s_arena_parse(&arena, body, len) : NULL;
	const cJSON *items = k8s_get(root, "items"), *it;
	struct k8s_key *keys;
	size_t i;

	if (!cJSON_IsArray(items)) {
		k8s_arena_free(&arena);
		return -1;
	}
	keys = xcalloc(n + 1, sizeof *keys);
	for (i = 0; i < n; i++) {
		keys[i].ns = pods[i].ns;
		keys[i].name = pods[i].name;
		keys[i].i = i;
		pods[i].cpu_milli = -1;
		pods[i].mem_bytes = -1;
	}
	qsort(keys, n, sizeof *keys, k8s_key_cmp);
	cJSON_ArrayForEach(it, items)
	{
		const cJSON *meta = k8s_get(it, "metadata"), *c;
		struct k8s_key k = { k8s_str_or(meta, "namespace", ""),
				     k8s_str_or(meta, "name", ""), 0 };
		struct k8s_key *hit = bsearch(&k, keys, n, sizeof *keys, k8s_key_cmp);
		long cpu = 0, mem = 0;

		if (hit == NULL)
			continue;
		cJSON_ArrayForEach(c, k8s_get(it, "containers"))
		{
			const cJSON *u = k8s_get(c, "usage");
			long cv = k8s_cpu_milli(k8s_str(u, "cpu")),
			     mv = k8s_mem_bytes(k8s_str(u, "memory"));

			if (cv >= 0 && cpu >= 0)
				cpu += cv;
			else
				cpu = -1;
			if (mv >= 0 && mem >= 0)
				mem += mv;
			else
				mem = -1;
		}
		pods[hit->i].cpu_milli = cpu;
		pods[hit->i].mem_bytes = mem;
	}
	free(keys);
	k8s_arena_free(&arena);
	return 0;
}

/* The rows' figures from m (the rows with new figures; NULL: none, -1),
 * changing the rows only where one moved. */
static void k8s_metrics_set(struct k8s_state *st, const struct k8s_pod *m)
{
	size_t i;

	for (i = 0; i < st->npods; i++) {
		long cpu = m != NULL ? m[i].cpu_milli : -1, mem = m != NULL ? m[i].mem_bytes : -1;

		if (st->pods[i].cpu_milli == cpu && st->pods[i].mem_bytes == mem)
			continue;
		k8s_rows_own(st);
		st->pods[i].cpu_milli = cpu;
		st->pods[i].mem_bytes = mem;
		st->changed = 1;
	}
}

void k8s_metrics(struct k8s_state *st)
{
	struct k8s_body b;
	struct k8s_pod *tmp;
	long status = 0;
	char err[256], *path;
	int had = st->have_metrics;

	if (st->ns != NULL) {
		char *e = k8s_escape(st->ns);

		path = xasprintf("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods", e);
		free(e);
	} else {
		path = xstrdup("/apis/metrics.k8s.io/v1beta1/pods");
	}
	/* Absent metrics (404, 503) are silent; so is a failure, which the
	 * watch or the probe reports. */
	if (k8s_get_ok(st, path, "application/json", K8S_MAX_BODY, &b, &status, err, sizeof err) !=
	    0) {
		free(path);
		if (status != 0)
			st->have_metrics = 0;
		goto done;
	}
	free(path);
	/* Into a scratch copy of the rows (their strings borrowed): the rows
	 * may be a snapshot's too, and are copied only when a figure moved. */
	tmp = xcalloc(st->npods + 1, sizeof *tmp);
	if (st->npods > 0)
		memcpy(tmp, st->pods, st->npods * sizeof *tmp);
	if (k8s_parse_metrics(b.buf, b.len, tmp, st->npods) == 0) {
		st->have_metrics = 1;
		k8s_metrics_set(st, tmp);
	} else {
		st->have_metrics = 0;
	}
	free(tmp);
	free(b.buf);
	k8s_arena_drop();
done:
	if (!st->have_metrics)
		k8s_metrics_set(st, NULL);
	if (had != st->have_metrics)
		st->changed = 1;
}
