/*
 * fuzz_prometheus.c - libFuzzer harness for the Prometheus JSON parsers
 * (backends/prom.c): the input, as an /api/v1/alerts body (the alerts
 * source without Alertmanager) and as an /api/v1/query body formatted
 * for a runbook promql step, with the part after the first NUL byte as
 * its /api/v1/query_range body (the sparklines).
 */
#include <stdlib.h>

#include "backends/prom.h"
#include "lib/util.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_snap *s = xcalloc(1, sizeof *s);
	struct strbuf out = { 0 };
	const char *a, *b;
	size_t alen, blen;
	char err[256];

	fuzz_split(data, size, &a, &alen, &b, &blen);
	(void)prom_parse_alerts(a, alen, 1, s, err, sizeof err);
	prom_sort_alerts(s->alerts, s->nalerts);
	prom_snap_free(s);
	(void)prom_format_query(a, alen, b, blen, 0, &out);
	strbuf_free(&out);
	(void)prom_format_query(a, alen, b, blen, 1, &out);
	strbuf_free(&out);
	return 0;
}
