/*
 * prom_step.c - runbook `promql` steps over the Prometheus HTTP API (see
 * prom.h, native.h), and the formatter of query results. A step is a job
 * (runtime/job.h) whose thread runs each query of the step as an instant
 * query, draws a sparkline of its last half hour from a range query and
 * prints a table; a stop aborts the transfer in progress.
 */
#include "backends/prom.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/prom_http.h"
#include "core/runbook.h"

#define PROM_SPARK_WIDTH 30

/* ---- PromQL results -------------------------------------------------- */

/* name{k="v", ...} of a result's metric object; fresh. */
static char *prom_metric_text(const cJSON *metric)
{
	struct strbuf sb = { 0 };
	const char *name =
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(metric, "__name__"));
	const cJSON *it;
	int n = 0;

	strbuf_puts(&sb, name != NULL ? name : "");
	strbuf_putc(&sb, '{');
	cJSON_ArrayForEach(it, metric)
	{
		const char *v = cJSON_GetStringValue(it);

		if (it->string == NULL || strcmp(it->string, "__name__") == 0)
			continue;
		strbuf_printf(&sb, "%s%s=", n++ ? ", " : "", it->string);
		prom_quote(&sb, v != NULL ? v : "");
	}
	strbuf_putc(&sb, '}');
	return strbuf_detach(&sb);
}

static const char *prom_sample_value(const cJSON *pair)
{
	const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 1));

	return v != NULL ? v : "?";
}

char *prom_range_sparkline(const char *range, size_t rlen, const char *key, int width, int ascii)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char asc[] = "_.:-=+*#";
	cJSON *root;
	const cJSON *res, *it;
	struct strbuf sb = { 0 };

	if (range == NULL || rlen == 0 || width <= 0)
		return xstrdup("");
	root = cJSON_ParseWithLength(range, rlen);
	res = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "data"),
					       "result");
	cJSON_ArrayForEach(it, res)
	{
		char *k = prom_metric_text(cJSON_GetObjectItemCaseSensitive(it, "metric"));
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(it, "values");
		int match = strcmp(k, key) == 0, n, i, first;
		double lo = 0, hi = 0;

		free(k);
		if (!match || !cJSON_IsArray(vals))
			continue;
		n = cJSON_GetArraySize(vals);
		first = n > width ? n - width : 0;
		for (i = first; i < n; i++) {
			double v = strtod(prom_sample_value(cJSON_GetArrayItem(vals, i)), NULL);

			if (i == first || v < lo)
				lo = v;
			if (i == first || v > hi)
				hi = v;
		}
		for (i = first; i < n; i++) {
			double v = strtod(prom_sample_value(cJSON_GetArrayItem(vals, i)), NULL);
			int lvl =
				hi > lo ? (int)((v - lo) / (hi - lo) * 7 + 0.5) : (v != 0 ? 7 : 0);

			if (lvl < 0 || lvl > 7 || v != v)
				lvl = 0;
			if (ascii)
				strbuf_putc(&sb, asc[lvl]);
			else
				strbuf_puts(&sb, blocks[lvl]);
		}
		break;
	}
	cJSON_Delete(root);
	return strbuf_detach(&sb);
}

int prom_format_query(const char *body, size_t len, const char *range, size_t rlen, int ascii,
		      struct strbuf *out)
{
	char err[200];
	cJSON *root = prom_parse_json(body, len, err, sizeof err);
	const cJSON *data, *res;
	const char *st, *type;
	int n, i;

	if (root == NULL) {
		strbuf_printf(out, "error: %s\n", err);
		return -1;
	}
	st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "status"));
	if (st == NULL || strcmp(st, "success") != 0) {
		const char *et =
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "errorType"));
		const char *e =
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "error"));

		strbuf_printf(out, "error: %s%s%s\n", et ? et : "", et ? ": " : "",
			      e ? e : "not a success response");
		cJSON_Delete(root);
		return -1;
	}
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "resultType"));
	res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (type == NULL || res == NULL) {
		strbuf_puts(out, "error: unexpected JSON: no result\n");
		cJSON_Delete(root);
		return -1;
	}
	if (strcmp(type, "scalar") == 0 || strcmp(type, "string") == 0) {
		strbuf_printf(out, "%s %s\n", type, prom_sample_value(res));
		cJSON_Delete(root);
		return 0;
	}
	n = cJSON_GetArraySize(res);
	if (n == 0) {
		strbuf_puts(out, "(empty result: no series)\n");
		cJSON_Delete(root);
		return 0;
	}
	strbuf_printf(out, "%-16s %-*s %s\n", "VALUE", PROM_SPARK_WIDTH, "LAST 30m", "SERIES");
	for (i = 0; i < n; i++) {
		const cJSON *r = cJSON_GetArrayItem(res, i);
		char *k = prom_metric_text(cJSON_GetObjectItemCaseSensitive(r, "metric"));
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "value");
		char *spark;
		char val[64];
		int w;

		if (v == NULL) { /* a range vector: its last sample */
			const cJSON *vs = cJSON_GetObjectItemCaseSensitive(r, "values");

			v = cJSON_GetArrayItem(vs, cJSON_GetArraySize(vs) - 1);
		}
		snprintf(val, sizeof val, "%s", v != NULL ? prom_sample_value(v) : "?");
		spark = prom_range_sparkline(range, rlen, k, PROM_SPARK_WIDTH, ascii);
		w = (int)strlen(spark) / (ascii ? 1 : 3);
		strbuf_printf(out, "%-16s %s%*s %s\n", val, spark,
			      PROM_SPARK_WIDTH - w > 0 ? PROM_SPARK_WIDTH - w : 0, "", k);
		free(spark);
		free(k);
	}
	cJSON_Delete(root);
	return 0;
}

/* ---- the step ------------------------------------------------------- */

static int prom_step_ascii(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs == NULL || strcmp(cs, "UTF-8") != 0;
}

/* GET base+path?query=q...; the body (2xx or a Prometheus error body),
 * or -1 + err on a transport failure. */
static int prom_step_get(struct job *j, const struct native_step *p, const char *fmt_path,
			 const char *q, const char *extra, struct prom_body *b, char *err,
			 size_t errlen)
{
	CURL *c;
	char *esc, *url;
	long status;
	double ms;
	int rc;

	prom_curl_init();
	c = curl_easy_init();
	if (c == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return -1;
	}
	esc = curl_easy_escape(c, q, 0);
	curl_easy_cleanup(c);
	url = xasprintf("%s%s?query=%s%s", p->source, fmt_path, esc != NULL ? esc : "", extra);
	curl_free(esc);
	rc = prom_http(url, "GET", NULL, "PROMETHEUS", p->timeout, job_stop_flag(j), b, &status,
		       &ms, err, errlen);
	free(url);
	if (rc == 0 && b->len == 0) {
		snprintf(err, errlen, "HTTP %ld with an empty body", status);
		free(b->buf);
		memset(b, 0, sizeof *b);
		return -1;
	}
	return rc;
}

/* Split the step into queries: runs of lines separated by blank lines
 * or comment lines; a query's lines are joined with spaces. */
static size_t prom_step_split(const char *text, char ***out)
{
	char **qs = NULL;
	size_t n = 0;
	struct strbuf cur = { 0 };
	const char *p = text;

	for (;;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		size_t l = len;

		while (l > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			l--;
		}
		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
			l--;
		if (l == 0 || s[0] == '#') {
			if (cur.len > 0) {
				qs = xrealloc(qs, (n + 1) * sizeof *qs);
				qs[n++] = strbuf_detach(&cur);
			}
		} else {
			if (cur.len > 0)
				strbuf_putc(&cur, ' ');
			strbuf_append(&cur, s, l);
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	if (cur.len > 0) {
		qs = xrealloc(qs, (n + 1) * sizeof *qs);
		qs[n++] = strbuf_detach(&cur);
	}
	strbuf_free(&cur);
	*out = qs;
	return n;
}

/* Run query q (the i-th) and print its result; 0, or -1 + err when the
 * instant query failed. *code becomes 1 when Prometheus answered an
 * error. */
static int prom_step_query(struct job *j, const struct native_step *p, size_t i, const char *q,
			   const char *echo, int ascii, int *code, char *err, size_t errlen)
{
	struct prom_body qb, rb = { 0 };
	struct strbuf sb = { 0 };
	char extra[128];
	double now = util_wall();
	int rc = 0;

	strbuf_printf(&sb, "%s> %s\n", i ? "\n" : "", echo);
	if (prom_step_get(j, p, "/api/v1/query", q, "", &qb, err, errlen) != 0) {
		strbuf_printf(&sb, "error: %s\n", err);
		rc = -1;
		goto out;
	}
	snprintf(extra, sizeof extra, "&start=%.0f&end=%.0f&step=60", now - 1800, now);
	/* The sparkline is a nicety: a failure leaves it blank. */
	if (prom_step_get(j, p, "/api/v1/query_range", q, extra, &rb, err, errlen) != 0)
		memset(&rb, 0, sizeof rb);
	if (prom_format_query(qb.buf, qb.len, rb.buf, rb.len, ascii, &sb) != 0)
		*code = 1;
	free(qb.buf);
	free(rb.buf);
out:
	job_out_strbuf(j, &sb);
	return rc;
}

static void prom_step_free_queries(char **qs, size_t nq)
{
	size_t i;

	for (i = 0; i < nq; i++)
		free(qs[i]);
	free(qs);
}

/* The step's queries, its placeholders bound (escaped as the strings
 * they stand in), and the same queries as shown (secrets masked); the
 * number of queries, or 0 + err. */
static size_t prom_step_queries(const struct native_step *p, char ***qs, char ***shown, char *err,
				size_t errlen)
{
	char *bound, *masked;
	size_t nq, ns;

	*qs = *shown = NULL;
	if (p->values == NULL) {
		nq = prom_step_split(p->text, qs);
		prom_step_split(p->text, shown);
		return nq;
	}
	bound = runbook_bind_promql(p->text, p->values, 0, err, errlen);
	masked = runbook_bind_promql(p->text, p->values, 1, err, errlen);
	nq = bound != NULL ? prom_step_split(bound, qs) : 0;
	ns = masked != NULL ? prom_step_split(masked, shown) : 0;
	free(bound);
	free(masked);
	if (nq != ns) { /* cannot be: values are single lines */
		prom_step_free_queries(*qs, nq);
		prom_step_free_queries(*shown, ns);
		*qs = *shown = NULL;
		return 0;
	}
	return nq;
}

static void prom_step_run(struct job *j, void *arg)
{
	struct native_step *p = arg;
	char **qs = NULL, **shown = NULL, err[256] = "";
	size_t nq = prom_step_queries(p, &qs, &shown, err, sizeof err), i;
	enum exec_state state = EXEC_EXITED;
	int code = 0, ascii = prom_step_ascii();

	if (nq == 0 && err[0] != '\0') {
		job_puts(j, err);
		job_puts(j, "\n");
		code = 1;
	} else if (nq == 0) {
		job_puts(j, "(no query in the step)\n");
	}
	for (i = 0; i < nq; i++) {
		if (prom_step_query(j, p, i, qs[i], shown[i], ascii, &code, err, sizeof err) != 0) {
			code = 1;
			state = job_stopping(j)            ? EXEC_STOPPED
				: strstr(err, "timed out") ? EXEC_TIMEDOUT
							   : EXEC_FAILED;
			break;
		}
		if (job_stopping(j)) {
			state = EXEC_STOPPED;
			break;
		}
	}
	prom_step_free_queries(qs, nq);
	prom_step_free_queries(shown, nq);
	native_end(j, state, code, err);
}

static int prom_step_ready(const struct config *c, char *why, size_t whylen)
{
	if (c->prometheus_url != NULL && c->prometheus_url[0] != '\0')
		return 1;
	snprintf(why, whylen, "promql steps need Prometheus: set prometheus.url or PROMETHEUS_URL");
	return 0;
}

static struct job *prom_step_start(const struct config *c, const char *target, const char *text,
				   const struct step_values *values, double timeout, int wake_fd,
				   char *err, size_t errlen)
{
	(void)target; /* one Prometheus */
	if (!prom_step_ready(c, err, errlen))
		return NULL;
	/* The source is the base URL; the progress callback sees the stop
	 * flag and aborts the transfer. */
	return native_step_start(prom_step_run, prom_base(c->prometheus_url), text, values,
				 timeout > 0 && timeout < 30 ? timeout : 30, wake_fd, err, errlen);
}

static char *prom_step_shown(const char *text, const struct step_values *values, char *err,
			     size_t errlen)
{
	return runbook_bind_promql(text, values, 1, err, errlen);
}

const struct native_ops prom_native = {
	.kind = STEP_PROMQL,
	.name = "Prometheus",
	.ready = prom_step_ready,
	.start = prom_step_start,
	.shown = prom_step_shown,
};
