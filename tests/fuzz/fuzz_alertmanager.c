/*
 * fuzz_alertmanager.c - libFuzzer harness for the Alertmanager v2 JSON
 * parsers (backends/prom.c): an /api/v2/alerts body, then, after the
 * first NUL byte, an /api/v2/silences body. Each alert goes through what
 * the alerts panel does with it (labels text, the silence matchers made
 * from it, parsed back, and the silence JSON); a silence made from an
 * alert must match that alert, or the operator's silence would miss it.
 */
#include <stdlib.h>

#include "backends/prom.h"
#include "lib/util.h"
#include "fuzz_util.h"

static void fuzz_alertmanager_alert(const struct prom_alert *a)
{
	struct prom_matcher *m;
	char err[256], *text;
	int n, i;

	free(prom_labels_text(a));
	(void)prom_severity_rank(a->severity);
	text = prom_matchers_for(a);
	n = prom_matchers_parse(text, &m, err, sizeof err);
	free(text);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		if (!prom_alert_matches(a, &m[i]))
			abort();
	free(prom_silence_json(m, (size_t)n, 0, 3600, "fuzz", "fuzz"));
	prom_matchers_free(m, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	const char *a, *b;
	size_t alen, blen, i;
	char err[256];

	fuzz_split(data, size, &a, &alen, &b, &blen);
	(void)prom_parse_alerts(a, alen, 0, s, err, sizeof err);
	if (b != NULL)
		(void)prom_parse_silences(b, blen, s, err, sizeof err);
	prom_sort_alerts(s->alerts, s->nalerts);
	for (i = 0; i < s->nalerts; i++)
		fuzz_alertmanager_alert(&s->alerts[i]);
	for (i = 0; i < s->nsilences; i++) {
		(void)prom_silence_matches(&s->silences[i], s);
		(void)prom_silence_id_ok(s->silences[i].id);
	}
	prom_snap_free(s);
	return 0;
}
