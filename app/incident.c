/*
 * incident.c - the incident the operator declares (severity P0-P3, its
 * response target and timer) and the findings: gathered from every
 * panel, steadied, led to runbook entries, and recorded as they appear
 * and clear for the incident transcript.
 */
#include "app/app_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Response targets from the guide's escalation section. */
const struct app_sev app_sev[4] = {
	{ "P0", "Critical", 15 * 60 },
	{ "P1", "High", 60 * 60 },
	{ "P2", "Medium", 4 * 3600 },
	{ "P3", "Low", 24 * 3600 },
};

int app_severity(const struct app *a, double *since, double *elapsed)
{
	if (since != NULL)
		*since = a->sev_since;
	if (elapsed != NULL)
		*elapsed = util_now() - a->sev_since_mono;
	return a->severity;
}

void app_set_severity(struct app *a, int sev)
{
	int was = a->severity;

	if (sev < 0) {
		if (a->severity >= 0)
			app_message(a, ROLE_OK, "incident closed");
		a->severity = -1;
	} else {
		if (a->severity < 0) {
			a->sev_since = util_wall();
			a->sev_since_mono = util_now();
		}
		a->severity = sev;
		app_message(a, ROLE_SEV_P0 + sev, "incident %s %s: response target %s",
			    app_sev[sev].name, app_sev[sev].label,
			    sev == 0   ? "15 min"
			    : sev == 1 ? "1 h"
			    : sev == 2 ? "4 h"
				       : "24 h");
	}
	app_timeline_severity(a, was, a->severity);
	a->dirty = 1;
}

/* Record in the incident log which findings appeared and which cleared
 * since the last pass. */
/* An index of the record's open entries by key (open addressing, indices
 * + 1, 0 empty): a gather of 10,000 findings looks each one up once
 * instead of walking up to APP_FINDINGS_LOG_MAX entries for it. */
struct app_seen_index {
	size_t *slot;
	size_t mask;
};

static unsigned long app_key_hash(const char *k)
{
	unsigned long h = 5381;

	while (*k != '\0')
		h = h * 33 ^ (unsigned char)*k++;
	return h;
}

static void app_seen_index_build(struct app_seen_index *ix, const struct app *a)
{
	size_t n = 16, j, h;

	while (n < 2 * a->nseen)
		n *= 2;
	ix->slot = xcalloc(n, sizeof *ix->slot);
	ix->mask = n - 1;
	for (j = 0; j < a->nseen; j++) {
		if (a->seen[j].cleared != 0)
			continue;
		for (h = app_key_hash(a->seen[j].key) & ix->mask; ix->slot[h] != 0;
		     h = (h + 1) & ix->mask)
			;
		ix->slot[h] = j + 1;
	}
}

/* The open entry with key, or -1. */
static long app_seen_find(const struct app_seen_index *ix, const struct app *a, const char *key)
{
	size_t h;

	for (h = app_key_hash(key) & ix->mask; ix->slot[h] != 0; h = (h + 1) & ix->mask)
		if (strcmp(a->seen[ix->slot[h] - 1].key, key) == 0)
			return (long)ix->slot[h] - 1;
	return -1;
}

static void app_findings_record(struct app *a)
{
	double now = util_wall();
	unsigned char *held = xcalloc(a->nseen + a->findings.n + 1, 1);
	struct app_seen_index ix;
	size_t i, j, n0 = a->nseen;
	long at;

	app_seen_index_build(&ix, a);
	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];
		char key[sizeof a->seen[0].key];
		struct finding_seen *s;

		finding_key(f, key, sizeof key);
		if ((at = app_seen_find(&ix, a, key)) >= 0) {
			held[at] = 1;
			snprintf(a->seen[at].what, sizeof a->seen[at].what, "%s", f->what);
			continue;
		}
		if (a->nseen == APP_FINDINGS_LOG_MAX)
			continue; /* the record is full: the oldest stay */
		if (a->nseen == a->seen_cap) {
			a->seen_cap = a->seen_cap ? a->seen_cap * 2 : 32;
			a->seen = xrealloc(a->seen, a->seen_cap * sizeof *a->seen);
		}
		s = &a->seen[a->nseen++];
		memset(s, 0, sizeof *s);
		memcpy(s->key, key, sizeof key);
		s->sev = f->sev;
		s->source = f->source;
		snprintf(s->object, sizeof s->object, "%s", f->object);
		snprintf(s->what, sizeof s->what, "%s", f->what);
		s->appeared = now;
		app_timeline_add(a, "finding", NULL, "%s %s: %s", finding_sev_name(s->sev),
				 s->object, s->what);
	}
	free(ix.slot);
	for (j = 0; j < n0; j++)
		if (a->seen[j].cleared == 0 && !held[j]) {
			a->seen[j].cleared = now;
			app_timeline_add(a, "cleared", NULL, "%s: %s", a->seen[j].object,
					 a->seen[j].what);
		}
	free(held);
}

/* Gather what is wrong from every panel: when data arrived (changed),
 * and every APP_FINDINGS_EVERY seconds. Bumps findings_gen (and redraws)
 * only when the list shows something else. */
void app_findings_update(struct app *a, int changed)
{
	unsigned long h = 5381;
	double now = util_now();
	size_t i;
	int p;

	if (!changed && a->findings_at > 0 && now - a->findings_at < APP_FINDINGS_EVERY)
		return;
	a->findings_at = now;
	finding_list_clear(&a->findings_raw);
	for (p = 0; p < a->npanels; p++)
		if (a->panels[p].ops->findings != NULL)
			a->panels[p].ops->findings(a->panels[p].self, &a->findings_raw);
	/* A finding shows once two gathers in a row have it and goes once two
	 * in a row have not: a status flipping on one poll neither flashes
	 * in the list nor rewrites the top line. */
	findings_steady(&a->findings, &a->findings_prev, &a->findings_raw);
	findings_map(&a->findings, a->runbooks);
	findings_sort(&a->findings);
	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];
		const char *parts[4] = { f->kind, f->object, f->what, f->runbook };
		size_t k;

		for (k = 0; k < 4; k++) {
			const unsigned char *c;

			for (c = (const unsigned char *)parts[k]; *c != '\0'; c++)
				h = h * 33 + *c;
			h = h * 33 + 0x1f;
		}
		h = h * 33 + (unsigned long)f->sev;
	}
	app_findings_record(a);
	if (h != a->findings_hash || a->findings_gen == 0) {
		a->findings_hash = h;
		a->findings_gen++;
		a->dirty = 1;
	}
}

const struct finding *app_findings(const struct app *a, size_t *n, unsigned long *gen)
{
	*n = a->findings.n;
	if (gen != NULL)
		*gen = a->findings_gen;
	return a->findings.v;
}

const struct finding_seen *app_findings_seen(const struct app *a, size_t *n)
{
	*n = a->nseen;
	return a->seen;
}
