/*
 * bench_k8s.c - the Kubernetes backend's relist at 10,000 pods: reads a
 * recorded list, one page per file (as the API server answered limit=500
 * with continue tokens; tests/bench/console.sh records them from the
 * fixture as a meta.k8s.io Table and as a plain PodList), and times
 * k8s_parse_list over all the pages of a set, REPS times. Prints the
 * median, the fastest and the slowest whole relist and the pods it got.
 * Figures only; exits non-zero when a page does not parse.
 * Usage: bench_k8s REPS DIR...   (files DIR/page-*.json, in name order)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s.h"
#include "lib/util.h"

struct bench_k8s_page {
	char *body;
	size_t len;
};

static int bench_k8s_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int bench_k8s_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char *bench_k8s_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	memset(&sb, 0, sizeof sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* The pages of one directory, in name order; 0 pages on error. */
static size_t bench_k8s_load(const char *dir, struct bench_k8s_page **pages)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i, bytes = 0;

	*pages = NULL;
	if (d == NULL) {
		fprintf(stderr, "bench_k8s: %s: cannot open\n", dir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "page-", 5) != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, bench_k8s_cmp_name);
	*pages = xcalloc(n ? n : 1, sizeof **pages);
	for (i = 0; i < n; i++) {
		(*pages)[i].body = bench_k8s_slurp(names[i], &(*pages)[i].len);
		if ((*pages)[i].body == NULL)
			fprintf(stderr, "bench_k8s: %s: cannot read\n", names[i]);
		else
			bytes += (*pages)[i].len;
		free(names[i]);
	}
	free(names);
	printf("%s: %zu pages, %.1f MB\n", dir, n, (double)bytes / (1 << 20));
	return n;
}

/* One relist: every page into one row array. Seconds, or -1. */
static double bench_k8s_relist(const struct bench_k8s_page *pages, size_t npages, size_t *npods,
			       int *table)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0, i;
	double t0 = util_now(), t1;
	char err[512];

	for (i = 0; i < npages; i++) {
		char *cont = NULL, *rv = NULL;

		if (pages[i].body == NULL ||
		    k8s_parse_list(pages[i].body, pages[i].len, &pods, &n, table, &cont, &rv, err,
				   sizeof err) != 0) {
			fprintf(stderr, "bench_k8s: page %zu: %s\n", i,
				pages[i].body ? err : "unreadable");
			return -1;
		}
		free(cont);
		free(rv);
	}
	t1 = util_now();
	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
	*npods = n;
	return t1 - t0;
}

int main(int argc, char **argv)
{
	int reps, a, rc = 0;

	if (argc < 3 || (reps = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: bench_k8s REPS DIR...\n");
		return 2;
	}
	for (a = 2; a < argc; a++) {
		struct bench_k8s_page *pages;
		size_t npages = bench_k8s_load(argv[a], &pages), npods = 0, i;
		double *t = xcalloc((size_t)reps, sizeof *t);
		int r, table = 0;

		for (r = 0; r < reps && npages > 0; r++) {
			t[r] = bench_k8s_relist(pages, npages, &npods, &table);
			if (t[r] < 0)
				break;
		}
		if (npages == 0 || r < reps) {
			rc = 1;
		} else {
			qsort(t, (size_t)reps, sizeof *t, bench_k8s_cmp_double);
			printf("relist %s: %zu pods, median %.1f ms, min %.1f ms, max %.1f ms "
			       "(%d runs)\n",
			       table ? "Table" : "PodList", npods, t[reps / 2] * 1000, t[0] * 1000,
			       t[reps - 1] * 1000, reps);
		}
		for (i = 0; i < npages; i++)
			free(pages[i].body);
		free(pages);
		free(t);
	}
	return rc;
}
