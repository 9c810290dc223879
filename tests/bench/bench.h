/*
 * bench.h - what the UI-thread benches (bench_alerts, bench_pods,
 * bench_slowq) share: the median, p99 and fastest of their rounds, the
 * time of a panel's findings op and of the shell's pass over what it
 * found, and their main(). Each bench includes its panel's .c file
 * first (for the static functions it drives), then this.
 */
#ifndef AM_BENCH_H
#define AM_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "lib/util.h"
#include "panels/findings.h"

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sort the reps figures t (ms) and print their median, p99 (nearest
 * rank: the slowest under 100 rounds) and fastest. */
static inline void bench_print(const char *what, double *t, int reps)
{
	size_t p99 = (size_t)((reps * 99 + 99) / 100) - 1;

	qsort(t, (size_t)reps, sizeof *t, bench_cmp_double);
	printf("  %-36s median %6.1f ms, p99 %6.1f, min %6.1f\n", what, t[reps / 2], t[p99], t[0]);
}

/* The runbooks the shell would map findings to: ./runbooks, as make
 * bench runs it (none, said so, when it is not there). Free with
 * runbook_set_free. */
static inline void bench_runbooks(struct runbook_set *rb)
{
	char err[256] = "";

	if (runbook_load_dir(rb, "runbooks", err, sizeof err) <= 0)
		printf("(no runbooks to map the findings to: %s)\n", err[0] ? err : "none loaded");
}

/* The panel's findings op into out (cleared first). ms. */
static inline double bench_findings(void (*findings)(void *, struct finding_list *), void *self,
				    struct finding_list *out)
{
	double t0 = util_now();

	finding_list_clear(out);
	findings(self, out);
	return (util_now() - t0) * 1000;
}

/* The shell's pass over them after (app_findings_update, less its
 * incident record, which is static there): steadied, led to the entries
 * of rb (the runbooks in ./runbooks, as make bench runs it; may be
 * empty), sorted. Not the panel's; shown beside. ms. */
static inline double bench_shell(const struct finding_list *raw, struct finding_list *shown,
				 struct finding_list *prev, const struct runbook_set *rb)
{
	double t0 = util_now();

	findings_steady(shown, prev, raw);
	findings_map(shown, rb);
	findings_sort(shown);
	return (util_now() - t0) * 1000;
}

#define BENCH_NFIG 6

/* One bench's rounds: up to BENCH_NFIG figures a round, the findings
 * and what the shell made of them, and the runbooks for those. */
struct bench_run {
	int reps;
	double *t[BENCH_NFIG]; /* t[figure][round], ms */
	struct finding_list fl, shown, prev;
	struct runbook_set rb;
};

static inline void bench_run_init(struct bench_run *b, int reps)
{
	int k;

	memset(b, 0, sizeof *b);
	b->reps = reps;
	for (k = 0; k < BENCH_NFIG; k++)
		b->t[k] = xcalloc((size_t)reps, sizeof *b->t[k]);
	bench_runbooks(&b->rb);
}

/* Print the figures named (names[k] NULL: figure k not taken). */
static inline void bench_run_print(struct bench_run *b, const char *const *names)
{
	int k;

	for (k = 0; k < BENCH_NFIG; k++)
		if (names[k] != NULL)
			bench_print(names[k], b->t[k], b->reps);
}

static inline void bench_run_free(struct bench_run *b)
{
	int k;

	for (k = 0; k < BENCH_NFIG; k++)
		free(b->t[k]);
	finding_list_free(&b->fl);
	finding_list_free(&b->shown);
	finding_list_free(&b->prev);
	runbook_set_free(&b->rb);
}

/* The main() of a bench: `bench_X [REPS [N...]]` runs run(N, REPS) for
 * each N given, else for each of the 0-ended sizes; REPS defaults to
 * reps. */
static inline int bench_main(int argc, char **argv, int reps, const size_t *sizes,
			     void (*run)(size_t n, int reps))
{
	int a;

	if (argc > 1)
		reps = atoi(argv[1]);
	if (reps < 1) {
		fprintf(stderr, "usage: %s [REPS [N...]]\n", argv[0]);
		return 2;
	}
	for (; argc <= 2 && *sizes != 0; sizes++)
		run(*sizes, reps);
	for (a = 2; a < argc; a++)
		run((size_t)strtoul(argv[a], NULL, 10), reps);
	return 0;
}

#endif
