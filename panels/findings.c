/*
 * findings.c - the finding list (see findings.h): building, sorting, and
 * leading each finding to its runbook entry.
 */
#include "panels/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* Where a finding leads when no runbook annotation says: the symptoms of
 * the shipped AtlasMesh guide, by kind prefix. Another team's runbook
 * maps its own with findings=KIND,... under a heading. */
static const struct {
	const char *prefix;
	const char *title;
} findings_defaults[] = {
	{ "pod-", "Service Startup Issues" },         { "kafka-", "Message Queue Issues" },
	{ "pg-", "Database Performance Issues" },     { "redis-", "Performance Degradation" },
	{ "health-", "Network Connectivity Issues" },
};

struct finding *finding_add(struct finding_list *l, enum finding_sev sev, const char *kind,
			    const char *source, const char *panel)
{
	struct finding *f;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	f = &l->v[l->n++];
	memset(f, 0, sizeof *f);
	f->sev = sev;
	f->kind = kind;
	f->source = source;
	f->panel = panel;
	return f;
}

void finding_var(struct finding *f, const char *name, const char *value)
{
	size_t have = strlen(f->vars);
	int n;

	if (value == NULL || strchr(value, '\n') != NULL)
		return;
	n = snprintf(f->vars + have, sizeof f->vars - have, "%s=%s\n", name, value);
	if (n < 0 || (size_t)n >= sizeof f->vars - have)
		f->vars[have] = '\0';
}

int finding_var_get(const char *vars, const char *name, char *buf, size_t n)
{
	size_t nl = strlen(name);
	const char *p = vars;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			snprintf(buf, n, "%.*s", (int)(len - nl - 1), p + nl + 1);
			return 1;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

void finding_key(const struct finding *f, char *buf, size_t n)
{
	snprintf(buf, n, "%s\x1f%s", f->kind, f->object);
}

static int findings_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	double sx = x->since > 0 ? x->since : 1e300, sy = y->since > 0 ? y->since : 1e300;
	int r;

	if (x->sev != y->sev)
		return x->sev < y->sev ? -1 : 1;
	if (sx != sy)
		return sx < sy ? -1 : 1;
	r = strcmp(x->kind, y->kind);
	return r != 0 ? r : strcmp(x->object, y->object);
}

void findings_sort(struct finding_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, findings_cmp);
}

static const struct runbook_entry *findings_entry(const struct runbook_set *set,
						  const struct finding *f)
{
	const struct runbook_entry *e = runbook_for_finding(set, f->kind);
	char alert[160];
	size_t i, j;

	if (e != NULL)
		return e;
	if (strcmp(f->kind, "alert-firing") == 0 &&
	    finding_var_get(f->vars, "alertname", alert, sizeof alert))
		return runbook_for_alert(set, alert);
	for (i = 0; i < sizeof findings_defaults / sizeof findings_defaults[0]; i++) {
		if (strncmp(f->kind, findings_defaults[i].prefix,
			    strlen(findings_defaults[i].prefix)) != 0)
			continue;
		for (j = 0; set != NULL && j < set->nentries; j++)
			if (set->entries[j].type != ENTRY_REFERENCE &&
			    strcasecmp(set->entries[j].title, findings_defaults[i].title) == 0)
				return &set->entries[j];
	}
	return NULL;
}

void findings_map(struct finding_list *l, const struct runbook_set *set)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct runbook_entry *e = findings_entry(set, &l->v[i]);

		snprintf(l->v[i].runbook, sizeof l->v[i].runbook, "%s", e != NULL ? e->title : "");
	}
}

/* Findings sorted by kind and object, for lookups. */
struct findings_index {
	const struct finding **v;
	size_t n;
};

static int findings_key_cmp(const struct finding *x, const struct finding *y)
{
	int r = strcmp(x->kind, y->kind);

	return r != 0 ? r : strcmp(x->object, y->object);
}

static int findings_ptr_cmp(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return findings_key_cmp(*(const struct finding *const *)a,
				*(const struct finding *const *)b);
}

static void findings_index_of(const struct finding_list *l, struct findings_index *ix)
{
	size_t i;

	ix->v = xcalloc(l->n + 1, sizeof *ix->v);
	ix->n = l->n;
	for (i = 0; i < l->n; i++)
		ix->v[i] = &l->v[i];
	util_sort(ix->v, ix->n, sizeof *ix->v, findings_ptr_cmp, NULL);
}

static int findings_in(const struct findings_index *ix, const struct finding *f)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = findings_key_cmp(ix->v[mid], f);

		if (r == 0)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void findings_append(struct finding_list *l, const struct finding *f)
{
	struct finding *n = finding_add(l, f->sev, f->kind, f->source, f->panel);

	*n = *f;
}

void findings_steady(struct finding_list *shown, struct finding_list *prev,
		     const struct finding_list *raw)
{
	struct finding_list out = { 0 };
	struct findings_index ip, is, ir;
	size_t i;

	findings_index_of(prev, &ip);
	findings_index_of(shown, &is);
	findings_index_of(raw, &ir);
	for (i = 0; i < raw->n; i++)
		if (findings_in(&ip, &raw->v[i]) || findings_in(&is, &raw->v[i]))
			findings_append(&out, &raw->v[i]);
	for (i = 0; i < shown->n; i++)
		if (!findings_in(&ir, &shown->v[i]) && findings_in(&ip, &shown->v[i]))
			findings_append(&out, &shown->v[i]);
	free(ip.v);
	free(is.v);
	free(ir.v);
	finding_list_free(shown);
	*shown = out;
	finding_list_clear(prev);
	for (i = 0; i < raw->n; i++)
		findings_append(prev, &raw->v[i]);
}

const char *finding_sev_name(enum finding_sev s)
{
	return s == FINDING_CRITICAL ? "critical" : "warning";
}

void finding_list_clear(struct finding_list *l)
{
	l->n = 0;
}

void finding_list_free(struct finding_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}
