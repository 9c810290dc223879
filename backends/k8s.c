/*
 * k8s.c - the Kubernetes data source (see k8s.h) over libcurl and cJSON.
 * The poller keeps compact rows (struct k8s_pod) and never a parsed tree
 * of a whole list: each list page (limit=500 with continue) or watch
 * event is parsed, turned into rows and freed. After a complete list a
 * watch stream (curl multi, kept open between polls) is driven for a
 * short window on every poll; complete newline-delimited events are
 * applied as they arrive, a stream that ends is reopened from the last
 * resourceVersion, and 410 Gone (as an HTTP status or an ERROR event)
 * means a relist. Every request has a connect timeout and an idle
 * (low-speed) timeout, and every response a size cap; an HTTP error,
 * invalid JSON, a wrong kind or an oversized body is an error and never
 * "no pods". A quiet watch is checked with GET /readyz now and then, so a
 * server that hangs shows as an error instead of a silent, stale list.
 * A snapshot is published only when something changed. Credentials come
 * from kubeconfig.c and are never logged or published.
 */
#include "backends/k8s.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "backends/kubeconfig.h"
#include "core/runbook.h"
#include "lib/redact.h"

#define K8S_ACCEPT_TABLE "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
#define K8S_MAX_EVENT (8u << 20)    /* bytes of one watch event line */
#define K8S_MAX_ERRBODY (64u << 10) /* bytes kept of an error body */
#define K8S_LOG_LIMIT (4u << 20)    /* limitBytes asked of a log request */
#define K8S_WATCH_SECONDS 290       /* timeoutSeconds of a watch */
#define K8S_DRIVE_SECONDS 0.2       /* how long a poll drives the watch */
#define K8S_QUIET_MS 15             /* no data for this long: stop driving */
#define K8S_PROBE_IDLE 10.0         /* probe a watch quiet for this long (s) */
#define K8S_METRICS_EVERY 5         /* polls between metrics requests */
#define K8S_MAX_REPLICAS 100000

/* ---- small helpers -------------------------------------------------- */

static const cJSON *k8s_get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *k8s_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(k8s_get(o, key));
}

/* The string at o.key, or def. */
static const char *k8s_str_or(const cJSON *o, const char *key, const char *def)
{
	const char *v = k8s_str(o, key);

	return v != NULL ? v : def;
}

/* A JSON number as a long, saturated (NaN as 0): casting a double out of
 * range, such as 1e300 from a hostile body, is undefined. */
static long k8s_long(double d)
{
	if (d != d)
		return 0;
	if (d >= (double)LONG_MAX)
		return LONG_MAX;
	if (d <= (double)LONG_MIN)
		return LONG_MIN;
	return (long)d;
}

static long k8s_num(const cJSON *o, const char *key, long def)
{
	const cJSON *v = k8s_get(o, key);

	return cJSON_IsNumber(v) ? k8s_long(v->valuedouble) : def;
}

static int k8s_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static char *k8s_dup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static double k8s_time(const char *s)
{
	double t;

	return s != NULL && util_parse_rfc3339(s, &t) == 0 && t > 0 ? t : 0;
}

/* Percent-encode everything but RFC 3986 unreserved characters; fresh. */
static char *k8s_escape(const char *s)
{
	struct strbuf sb = { 0 };

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			strbuf_putc(&sb, (char)c);
		else
			strbuf_printf(&sb, "%%%02X", c);
	}
	return strbuf_detach(&sb);
}

/* Replace control characters so a remote message stays on one line. */
static void k8s_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 32 || *s == 127)
			*s = ' ';
}

void k8s_fmt_age(char *buf, size_t n, double seconds)
{
	long s = (long)seconds, m, h, d;

	if (seconds < -1) {
		snprintf(buf, n, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	if (s < 120) {
		snprintf(buf, n, "%lds", s);
		return;
	}
	m = s / 60;
	if (m < 10) {
		if (s % 60 == 0)
			snprintf(buf, n, "%ldm", m);
		else
			snprintf(buf, n, "%ldm%lds", m, s % 60);
		return;
	}
	if (m < 180) {
		snprintf(buf, n, "%ldm", m);
		return;
	}
	h = s / 3600;
	if (h < 8) {
		if (m % 60 == 0)
			snprintf(buf, n, "%ldh", h);
		else
			snprintf(buf, n, "%ldh%ldm", h, m % 60);
		return;
	}
	if (h < 48) {
		snprintf(buf, n, "%ldh", h);
		return;
	}
	d = h / 24;
	if (h < 24 * 8) {
		if (h % 24 == 0)
			snprintf(buf, n, "%ldd", d);
		else
			snprintf(buf, n, "%ldd%ldh", d, h % 24);
		return;
	}
	if (h < 24 * 365 * 2) {
		snprintf(buf, n, "%ldd", d);
		return;
	}
	if (h < 24 * 365 * 8 && d % 365 != 0) {
		snprintf(buf, n, "%ldy%ldd", d / 365, d % 365);
		return;
	}
	snprintf(buf, n, "%ldy", d / 365);
}

/* The seconds of a kubectl age ("45s", "3m12s", "5d3h", "2y"); -1 when
 * malformed. */
static double k8s_parse_age(const char *s, const char **end)
{
	double total = 0;
	int any = 0;

	while (isdigit((unsigned char)*s)) {
		char *e;
		long v = strtol(s, &e, 10);

		switch (*e) {
		case 's':
			total += (double)v;
			break;
		case 'm':
			total += (double)v * 60;
			break;
		case 'h':
			total += (double)v * 3600;
			break;
		case 'd':
			total += (double)v * 86400;
			break;
		case 'y':
			total += (double)v * 86400 * 365;
			break;
		default:
			return -1;
		}
		s = e + 1;
		any = 1;
	}
	if (end != NULL)
		*end = s;
	return any ? total : -1;
}

/* ---- severity and STATUS -------------------------------------------- */

enum k8s_severity k8s_status_severity(const char *s)
{
	int a, b, n = 0;

	if (s == NULL || s[0] == '\0')
		return K8S_PENDING;
	if (strcmp(s, "Running") == 0)
		return K8S_OK;
	if (strcmp(s, "Completed") == 0 || strcmp(s, "Succeeded") == 0)
		return K8S_DONE;
	if (strcmp(s, "Pending") == 0 || strcmp(s, "ContainerCreating") == 0 ||
	    strcmp(s, "PodInitializing") == 0 || strcmp(s, "Terminating") == 0 ||
	    strcmp(s, "NotReady") == 0 || strcmp(s, "SchedulingGated") == 0 ||
	    strcmp(s, "Init:PodInitializing") == 0 || strcmp(s, "Init:ContainerCreating") == 0)
		return K8S_PENDING;
	if (sscanf(s, "Init:%d/%d%n", &a, &b, &n) == 2 && s[n] == '\0')
		return K8S_PENDING;
	return K8S_BAD;
}

/* The severity of a row: a Running pod with containers not ready is not
 * OK yet. */
static enum k8s_severity k8s_row_severity(const char *status, const char *ready)
{
	enum k8s_severity sev = k8s_status_severity(status);
	int a, b;

	if (sev == K8S_OK && ready != NULL && sscanf(ready, "%d/%d", &a, &b) == 2 && a < b)
		return K8S_PENDING;
	return sev;
}

/* Is the init container named name restartable (a sidecar:
 * restartPolicy Always)? */
static int k8s_init_restartable(const cJSON *spec, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, k8s_get(spec, "initContainers"))
	{
		if (k8s_streq(k8s_str(c, "name"), name))
			return k8s_streq(k8s_str(c, "restartPolicy"), "Always");
	}
	return 0;
}

/* Is the pod condition type True? */
static int k8s_condition_true(const cJSON *status, const char *type)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, k8s_get(status, "conditions"))
	{
		if (k8s_streq(k8s_str(c, "type"), type))
			return k8s_streq(k8s_str(c, "status"), "True");
	}
	return 0;
}

/* The finishedAt of a status's lastState.terminated, 0 when none. */
static double k8s_last_finished(const cJSON *cs)
{
	const cJSON *t = k8s_get(k8s_get(cs, "lastState"), "terminated");

	return t != NULL ? k8s_time(k8s_str(t, "finishedAt")) : 0;
}

/* A terminated state's reason, or Signal:N / ExitCode:N, with prefix. */
static void k8s_terminated_reason(const cJSON *t, const char *prefix, char *out, size_t outlen)
{
	const char *r = k8s_str(t, "reason");
	long sig = k8s_num(t, "signal", 0);

	if (r != NULL && r[0] != '\0')
		snprintf(out, outlen, "%s%s", prefix, r);
	else if (sig != 0)
		snprintf(out, outlen, "%sSignal:%ld", prefix, sig);
	else
		snprintf(out, outlen, "%sExitCode:%ld", prefix, k8s_num(t, "exitCode", 0));
}

/* sum plus a container status's restartCount, saturated to the int range:
 * the API says int32, but a hostile body's counts must not overflow. */
static int k8s_add_restarts(int sum, const cJSON *cs)
{
	long v = k8s_num(cs, "restartCount", 0);

	if (v > (long)INT_MAX - sum)
		return INT_MAX;
	if (v < (long)INT_MIN - sum)
		return INT_MIN;
	return sum + (int)v;
}

void k8s_pod_status(const void *pod, char *status, size_t statuslen, char *ready, size_t readylen,
		    int *restarts, double *last_restart, enum k8s_severity *severity)
{
	const cJSON *p = pod;
	const cJSON *meta = k8s_get(p, "metadata"), *spec = k8s_get(p, "spec");
	const cJSON *st = k8s_get(p, "status"), *c, *statuses;
	const char *phase = k8s_str_or(st, "phase", ""), *sreason = k8s_str(st, "reason");
	char reason[160];
	int rs = 0, rs_side = 0, total, nready = 0, initializing = 0, i, ninit;
	double last = 0, last_side = 0;

	snprintf(reason, sizeof reason, "%s", sreason != NULL && sreason[0] ? sreason : phase);
	cJSON_ArrayForEach(c, k8s_get(st, "conditions"))
	{
		if (k8s_streq(k8s_str(c, "type"), "PodScheduled") &&
		    k8s_streq(k8s_str(c, "reason"), "SchedulingGated"))
			snprintf(reason, sizeof reason, "SchedulingGated");
	}
	total = cJSON_GetArraySize(k8s_get(spec, "containers"));
	ninit = cJSON_GetArraySize(k8s_get(spec, "initContainers"));
	cJSON_ArrayForEach(c, k8s_get(spec, "initContainers"))
	{
		if (k8s_streq(k8s_str(c, "restartPolicy"), "Always"))
			total++;
	}

	/* Init containers in order, up to the first one not done. */
	i = 0;
	cJSON_ArrayForEach(c, k8s_get(st, "initContainerStatuses"))
	{
		const cJSON *state = k8s_get(c, "state");
		const cJSON *term = k8s_get(state, "terminated");
		const cJSON *wait = k8s_get(state, "waiting");
		const char *wr = k8s_str(wait, "reason");
		int side = k8s_init_restartable(spec, k8s_str(c, "name"));
		double fin = k8s_last_finished(c);

		rs = k8s_add_restarts(rs, c);
		if (fin > last)
			last = fin;
		if (side) {
			rs_side = k8s_add_restarts(rs_side, c);
			if (fin > last_side)
				last_side = fin;
		}
		if (term != NULL && k8s_num(term, "exitCode", 0) == 0) {
			i++;
			continue;
		}
		if (side && cJSON_IsTrue(k8s_get(c, "started"))) {
			if (cJSON_IsTrue(k8s_get(c, "ready")))
				nready++;
			i++;
			continue;
		}
		if (term != NULL)
			k8s_terminated_reason(term, "Init:", reason, sizeof reason);
		else if (wr != NULL && wr[0] != '\0' && strcmp(wr, "PodInitializing") != 0)
			snprintf(reason, sizeof reason, "Init:%s", wr);
		else
			snprintf(reason, sizeof reason, "Init:%d/%d", i, ninit);
		initializing = 1;
		break;
	}

	if (!initializing || k8s_condition_true(st, "Initialized")) {
		int has_running = 0;

		rs = rs_side;
		last = last_side;
		statuses = k8s_get(st, "containerStatuses");
		for (i = cJSON_GetArraySize(statuses) - 1; i >= 0; i--) {
			const cJSON *cs = cJSON_GetArrayItem(statuses, i);
			const cJSON *state = k8s_get(cs, "state");
			const cJSON *term = k8s_get(state, "terminated");
			const char *wr = k8s_str(k8s_get(state, "waiting"), "reason");
			double fin = k8s_last_finished(cs);

			rs = k8s_add_restarts(rs, cs);
			if (fin > last)
				last = fin;
			if (wr != NULL && wr[0] != '\0')
				snprintf(reason, sizeof reason, "%s", wr);
			else if (term != NULL)
				k8s_terminated_reason(term, "", reason, sizeof reason);
			else if (cJSON_IsTrue(k8s_get(cs, "ready")) &&
				 k8s_get(state, "running") != NULL) {
				has_running = 1;
				nready++;
			}
		}
		if (strcmp(reason, "Completed") == 0 && has_running)
			snprintf(reason, sizeof reason, "%s",
				 k8s_condition_true(st, "Ready") ? "Running" : "NotReady");
	}

	if (k8s_str(meta, "deletionTimestamp") != NULL && k8s_streq(sreason, "NodeLost"))
		snprintf(reason, sizeof reason, "Unknown");
	else if (k8s_str(meta, "deletionTimestamp") != NULL && strcmp(phase, "Succeeded") != 0 &&
		 strcmp(phase, "Failed") != 0)
		snprintf(reason, sizeof reason, "Terminating");

	if (status != NULL)
		snprintf(status, statuslen, "%s", reason);
	if (ready != NULL)
		snprintf(ready, readylen, "%d/%d", nready, total);
	if (restarts != NULL)
		*restarts = rs;
	if (last_restart != NULL)
		*last_restart = rs > 0 ? last : 0;
	if (severity != NULL) {
		char rd[32];

		snprintf(rd, sizeof rd, "%d/%d", nready, total);
		*severity = k8s_row_severity(reason, rd);
	}
}

/* ---- rows ----------------------------------------------------------- */

void k8s_pod_free(struct k8s_pod *p)
{
	char **c;

	if (p == NULL)
		return;
	free(p->uid);
	free(p->ns);
	free(p->name);
	free(p->ready);
	free(p->status);
	free(p->node);
	free(p->ip);
	free(p->owner_kind);
	free(p->owner_name);
	for (c = p->containers; c != NULL && *c != NULL; c++)
		free(*c);
	free(p->containers);
	memset(p, 0, sizeof *p);
}

static void k8s_pod_dup(struct k8s_pod *d, const struct k8s_pod *s)
{
	size_t n = 0, i;

	*d = *s;
	d->uid = k8s_dup(s->uid);
	d->ns = k8s_dup(s->ns);
	d->name = k8s_dup(s->name);
	d->ready = k8s_dup(s->ready);
	d->status = k8s_dup(s->status);
	d->node = k8s_dup(s->node);
	d->ip = k8s_dup(s->ip);
	d->owner_kind = s->owner_kind != NULL ? xstrdup(s->owner_kind) : NULL;
	d->owner_name = s->owner_name != NULL ? xstrdup(s->owner_name) : NULL;
	while (s->containers != NULL && s->containers[n] != NULL)
		n++;
	d->containers = xcalloc(n + 1, sizeof *d->containers);
	for (i = 0; i < n; i++)
		d->containers[i] = xstrdup(s->containers[i]);
}

/* Metadata common to a Pod and a PartialObjectMetadata row. */
static void k8s_pod_meta(struct k8s_pod *p, const cJSON *meta)
{
	const cJSON *o;
	const char *uid = k8s_str(meta, "uid");

	p->ns = k8s_dup(k8s_str(meta, "namespace"));
	p->name = k8s_dup(k8s_str(meta, "name"));
	/* A row without a uid (never seen from a real server) still needs a
	 * stable id for the selection. */
	p->uid = uid != NULL && uid[0] ? xstrdup(uid) : xasprintf("%s/%s", p->ns, p->name);
	p->created = k8s_time(k8s_str(meta, "creationTimestamp"));
	cJSON_ArrayForEach(o, k8s_get(meta, "ownerReferences"))
	{
		if (cJSON_IsTrue(k8s_get(o, "controller"))) {
			p->owner_kind = k8s_dup(k8s_str(o, "kind"));
			p->owner_name = k8s_dup(k8s_str(o, "name"));
			break;
		}
	}
}

/* A row from a full Pod object, with STATUS by the pod printer. */
static void k8s_pod_from_object(struct k8s_pod *p, const cJSON *pod)
{
	const cJSON *spec = k8s_get(pod, "spec"), *st = k8s_get(pod, "status"), *c;
	const char *ip = k8s_str(st, "podIP");
	char status[160], ready[32];
	size_t n = 0;

	memset(p, 0, sizeof *p);
	k8s_pod_meta(p, k8s_get(pod, "metadata"));
	k8s_pod_status(pod, status, sizeof status, ready, sizeof ready, &p->restarts,
		       &p->last_restart, &p->severity);
	p->status = xstrdup(status);
	p->ready = xstrdup(ready);
	p->node = k8s_dup(k8s_str(spec, "nodeName"));
	if (ip == NULL)
		ip = k8s_str(cJSON_GetArrayItem(k8s_get(st, "podIPs"), 0), "ip");
	p->ip = k8s_dup(ip);
	p->containers = xcalloc((size_t)cJSON_GetArraySize(k8s_get(spec, "containers")) + 1,
				sizeof(char *));
	cJSON_ArrayForEach(c, k8s_get(spec, "containers"))
	{
		const char *name = k8s_str(c, "name");

		if (name != NULL)
			p->containers[n++] = xstrdup(name);
	}
	p->cpu_milli = -1;
	p->mem_bytes = -1;
}

/* The columns of a pod Table we read, by name. */
enum {
	K8S_COL_NAME,
	K8S_COL_READY,
	K8S_COL_STATUS,
	K8S_COL_RESTARTS,
	K8S_COL_AGE,
	K8S_COL_IP,
	K8S_COL_NODE,
	K8S_NCOLS
};

static const char *const k8s_col_names[K8S_NCOLS] = { "Name", "Ready", "Status", "Restarts",
						      "Age",  "IP",    "Node" };

/* Column indexes from columnDefinitions; without them (watch events
 * after the first carry none) the API server's fixed order. */
static void k8s_table_columns(const cJSON *defs, int idx[K8S_NCOLS])
{
	const cJSON *d;
	int i, k = 0;

	if (cJSON_GetArraySize(defs) == 0) {
		for (i = 0; i < K8S_NCOLS; i++)
			idx[i] = i;
		return;
	}
	for (i = 0; i < K8S_NCOLS; i++)
		idx[i] = -1;
	cJSON_ArrayForEach(d, defs)
	{
		const char *name = k8s_str(d, "name");

		for (i = 0; name != NULL && i < K8S_NCOLS; i++)
			if (strcasecmp(name, k8s_col_names[i]) == 0)
				idx[i] = k;
		k++;
	}
}

/* A cell as text ("" when absent; "<none>" becomes ""). */
static void k8s_cell(const cJSON *cells, int i, char *out, size_t outlen)
{
	const cJSON *c = i >= 0 ? cJSON_GetArrayItem(cells, i) : NULL;

	out[0] = '\0';
	if (cJSON_IsString(c) && strcmp(c->valuestring, "<none>") != 0)
		snprintf(out, outlen, "%s", c->valuestring);
	else if (cJSON_IsNumber(c))
		snprintf(out, outlen, "%ld", k8s_long(c->valuedouble));
}

/* A row from a Table row: cells by column, metadata from its object. */
static int k8s_pod_from_row(struct k8s_pod *p, const cJSON *row, const int idx[K8S_NCOLS],
			    double now)
{
	const cJSON *cells = k8s_get(row, "cells");
	const cJSON *meta = k8s_get(k8s_get(row, "object"), "metadata");
	char v[256];

	if (!cJSON_IsArray(cells) || idx[K8S_COL_NAME] < 0)
		return -1;
	memset(p, 0, sizeof *p);
	k8s_pod_meta(p, meta);
	if (p->name[0] == '\0') {
		k8s_cell(cells, idx[K8S_COL_NAME], v, sizeof v);
		free(p->name);
		p->name = xstrdup(v);
		free(p->uid);
		p->uid = xasprintf("%s/%s", p->ns, p->name);
	}
	k8s_cell(cells, idx[K8S_COL_READY], v, sizeof v);
	p->ready = xstrdup(v);
	k8s_cell(cells, idx[K8S_COL_STATUS], v, sizeof v);
	p->status = xstrdup(v);
	k8s_cell(cells, idx[K8S_COL_IP], v, sizeof v);
	p->ip = xstrdup(v);
	k8s_cell(cells, idx[K8S_COL_NODE], v, sizeof v);
	p->node = xstrdup(v);
	/* "5 (3m ago)": the count, and roughly when. */
	k8s_cell(cells, idx[K8S_COL_RESTARTS], v, sizeof v);
	p->restarts = atoi(v);
	if (p->restarts > 0 && strchr(v, '(') != NULL) {
		double ago = k8s_parse_age(strchr(v, '(') + 1, NULL);

		if (ago >= 0)
			p->last_restart = now - ago;
	}
	if (p->created == 0) {
		double age;

		k8s_cell(cells, idx[K8S_COL_AGE], v, sizeof v);
		age = k8s_parse_age(v, NULL);
		if (age >= 0)
			p->created = now - age;
	}
	p->containers = xcalloc(1, sizeof *p->containers); /* a Table has no spec */
	p->cpu_milli = -1;
	p->mem_bytes = -1;
	p->severity = k8s_row_severity(p->status, p->ready);
	return 0;
}

static void k8s_rows_append(struct k8s_pod **pods, size_t *n, size_t more)
{
	*pods = xrealloc(*pods, (*n + more + 1) * sizeof **pods);
}

/* The message of a Status object, else a generic word. */
static void k8s_status_message(const cJSON *o, char *err, size_t errlen)
{
	const char *m = k8s_str(o, "message");
	long code = k8s_num(o, "code", 0);

	if (code != 0)
		snprintf(err, errlen, "%ld %s", code, m != NULL ? m : "");
	else
		snprintf(err, errlen, "%s", m != NULL ? m : "error Status from the API server");
	k8s_one_line(err);
}

int k8s_parse_list(const char *body, size_t len, struct k8s_pod **pods, size_t *n, int *table,
		   char **cont, char **rv, char *err, size_t errlen)
{
	cJSON *root;
	const cJSON *meta, *it;
	const char *kind, *v;
	double now = util_wall();

	*cont = NULL;
	*rv = NULL;
	if (body == NULL || len == 0) {
		snprintf(err, errlen, "empty response from the API server");
		return -1;
	}
	root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		snprintf(err, errlen, "invalid JSON from the API server");
		return -1;
	}
	kind = k8s_str(root, "kind");
	if (k8s_streq(kind, "Status")) {
		k8s_status_message(root, err, errlen);
		cJSON_Delete(root);
		return -1;
	}
	if (k8s_streq(kind, "Table")) {
		int idx[K8S_NCOLS];
		const cJSON *rows = k8s_get(root, "rows");

		/* Go writes an empty slice as null; a Table without the key is
		 * no answer. */
		if (!cJSON_IsArray(rows) && !cJSON_IsNull(rows)) {
			cJSON_Delete(root);
			snprintf(err, errlen, "a Table without rows from the API server");
			return -1;
		}
		k8s_table_columns(k8s_get(root, "columnDefinitions"), idx);
		if (idx[K8S_COL_NAME] < 0 || idx[K8S_COL_STATUS] < 0) {
			cJSON_Delete(root);
			snprintf(err, errlen, "a Table without Name and Status columns");
			return -1;
		}
		k8s_rows_append(pods, n, (size_t)cJSON_GetArraySize(rows));
		cJSON_ArrayForEach(it, rows)
		{
			if (k8s_pod_from_row(&(*pods)[*n], it, idx, now) == 0)
				(*n)++;
		}
		*table = 1;
	} else if ((kind == NULL || strcmp(kind, "PodList") == 0) &&
		   (cJSON_IsArray(k8s_get(root, "items")) ||
		    (kind != NULL && cJSON_IsNull(k8s_get(root, "items"))))) {
		const cJSON *items = k8s_get(root, "items");

		k8s_rows_append(pods, n, (size_t)cJSON_GetArraySize(items));
		cJSON_ArrayForEach(it, items)
		{
			k8s_pod_from_object(&(*pods)[(*n)++], it);
		}
		*table = 0;
	} else {
		snprintf(err, errlen, "unexpected %.60s from the API server (not a pod list)",
			 kind != NULL ? kind : "JSON");
		k8s_one_line(err);
		cJSON_Delete(root);
		return -1;
	}
	meta = k8s_get(root, "metadata");
	v = k8s_str(meta, "continue");
	if (v != NULL && v[0] != '\0')
		*cont = xstrdup(v);
	v = k8s_str(meta, "resourceVersion");
	if (v != NULL && v[0] != '\0')
		*rv = xstrdup(v);
	cJSON_Delete(root);
	return 0;
}

static ssize_t k8s_find_uid(const struct k8s_pod *pods, size_t n, const char *uid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(pods[i].uid, uid) == 0)
			return (ssize_t)i;
	return -1;
}

/* Put row p (taken over) in place of the row with its uid, or append. */
static void k8s_upsert(struct k8s_pod **pods, size_t *n, struct k8s_pod *p)
{
	ssize_t i = k8s_find_uid(*pods, *n, p->uid);

	if (i >= 0) {
		/* Metrics come separately: keep them until the next fetch. */
		p->cpu_milli = (*pods)[i].cpu_milli;
		p->mem_bytes = (*pods)[i].mem_bytes;
		k8s_pod_free(&(*pods)[i]);
		(*pods)[i] = *p;
		return;
	}
	k8s_rows_append(pods, n, 1);
	(*pods)[(*n)++] = *p;
}

static void k8s_remove(struct k8s_pod **pods, size_t *n, const char *uid)
{
	ssize_t i = k8s_find_uid(*pods, *n, uid);

	if (i < 0)
		return;
	k8s_pod_free(&(*pods)[i]);
	memmove(&(*pods)[i], &(*pods)[i + 1], (*n - (size_t)i - 1) * sizeof **pods);
	(*n)--;
}

static void k8s_set_rv(char **rv, const cJSON *meta)
{
	const char *v = k8s_str(meta, "resourceVersion");

	if (v != NULL && v[0] != '\0') {
		free(*rv);
		*rv = xstrdup(v);
	}
}

/* One event; 0 applied, 2 nothing changed (bookmark), 1 relist, -1 + err. */
static int k8s_event(const char *line, size_t len, struct k8s_pod **pods, size_t *n, char **rv,
		     char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(line, len);
	const char *type = k8s_str(root, "type");
	const cJSON *obj = k8s_get(root, "object");
	const char *kind = k8s_str(obj, "kind");
	int del, rc = 0;

	if (!cJSON_IsObject(root) || type == NULL || !cJSON_IsObject(obj)) {
		cJSON_Delete(root);
		snprintf(err, errlen, "invalid JSON from the API server (watch event)");
		return -1;
	}
	if (strcmp(type, "ERROR") == 0) {
		if (k8s_num(obj, "code", 0) == 410) {
			rc = 1;
		} else {
			char m[200];

			k8s_status_message(obj, m, sizeof m);
			snprintf(err, errlen, "watch: %s", m);
			rc = -1;
		}
		cJSON_Delete(root);
		return rc;
	}
	if (strcmp(type, "BOOKMARK") == 0) {
		const cJSON *row0 = cJSON_GetArrayItem(k8s_get(obj, "rows"), 0);

		k8s_set_rv(rv, k8s_get(obj, "metadata"));
		if (row0 != NULL)
			k8s_set_rv(rv, k8s_get(k8s_get(row0, "object"), "metadata"));
		cJSON_Delete(root);
		return 2;
	}
	del = strcmp(type, "DELETED") == 0;
	if (!del && strcmp(type, "ADDED") != 0 && strcmp(type, "MODIFIED") != 0) {
		snprintf(err, errlen, "unknown watch event type %.40s", type);
		k8s_one_line(err);
		cJSON_Delete(root);
		return -1;
	}
	if (k8s_streq(kind, "Table")) {
		const cJSON *row;
		int idx[K8S_NCOLS];
		double now = util_wall();

		k8s_table_columns(k8s_get(obj, "columnDefinitions"), idx);
		k8s_set_rv(rv, k8s_get(obj, "metadata"));
		cJSON_ArrayForEach(row, k8s_get(obj, "rows"))
		{
			struct k8s_pod p;

			k8s_set_rv(rv, k8s_get(k8s_get(row, "object"), "metadata"));
			if (k8s_pod_from_row(&p, row, idx, now) != 0)
				continue;
			if (del) {
				k8s_remove(pods, n, p.uid);
				k8s_pod_free(&p);
			} else {
				k8s_upsert(pods, n, &p);
			}
		}
	} else if (kind == NULL || strcmp(kind, "Pod") == 0) {
		struct k8s_pod p;

		if (!cJSON_IsObject(k8s_get(obj, "metadata"))) {
			cJSON_Delete(root);
			snprintf(err, errlen, "invalid JSON from the API server (watch event)");
			return -1;
		}
		k8s_set_rv(rv, k8s_get(obj, "metadata"));
		k8s_pod_from_object(&p, obj);
		if (del) {
			k8s_remove(pods, n, p.uid);
			k8s_pod_free(&p);
		} else {
			k8s_upsert(pods, n, &p);
		}
	} else {
		snprintf(err, errlen, "unexpected %.60s in a pod watch", kind);
		k8s_one_line(err);
		rc = -1;
	}
	cJSON_Delete(root);
	return rc;
}

int k8s_apply_event(const char *line, size_t len, struct k8s_pod **pods, size_t *n, char **rv,
		    char *err, size_t errlen)
{
	int rc = k8s_event(line, len, pods, n, rv, err, errlen);

	return rc == 2 ? 0 : rc;
}

/* ---- quantities and metrics ----------------------------------------- */

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
	cJSON *root = body != NULL && len > 0 ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *items = k8s_get(root, "items"), *it;
	struct k8s_key *keys;
	size_t i;

	if (!cJSON_IsArray(items)) {
		cJSON_Delete(root);
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
	cJSON_Delete(root);
	return 0;
}

/* ---- error text ----------------------------------------------------- */

static const char *k8s_http_reason(long code)
{
	switch (code) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Request Entity Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return code >= 500   ? "Server Error"
		       : code >= 400 ? "Client Error"
				     : "Unexpected Status";
	}
}

void k8s_error_text(long http, const char *body, size_t len, char *out, size_t outlen)
{
	cJSON *root = body != NULL && len > 0 ? cJSON_ParseWithLength(body, len) : NULL;
	const char *m = k8s_str(root, "message");
	char snip[160] = "";

	if (m == NULL && root == NULL && body != NULL && len > 0 && len < 2048 &&
	    memchr(body, '<', len) == NULL) {
		/* A short plain-text answer (a proxy's) says more than nothing. */
		snprintf(snip, sizeof snip, "%.*s", (int)(len < 150 ? len : 150), body);
		m = snip;
	}
	if (m != NULL && m[0] != '\0')
		snprintf(out, outlen, "%ld %s: %s", http, k8s_http_reason(http), m);
	else
		snprintf(out, outlen, "%ld %s", http, k8s_http_reason(http));
	k8s_one_line(out);
	while (out[0] != '\0' && out[strlen(out) - 1] == ' ')
		out[strlen(out) - 1] = '\0';
	cJSON_Delete(root);
}

/* ---- describe ------------------------------------------------------- */

static void k8s_fmt_time(char *buf, size_t n, const char *rfc3339)
{
	double t = k8s_time(rfc3339);
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, n, "%s", rfc3339 != NULL ? rfc3339 : "<unknown>");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* "key=value" lines of a labels map, the first after the label. */
static void k8s_describe_map(struct strbuf *sb, const char *label, const cJSON *map)
{
	const cJSON *it;
	int first = 1;

	cJSON_ArrayForEach(it, map)
	{
		const char *v = cJSON_GetStringValue(it);

		strbuf_printf(sb, "%-17s %s=%s\n", first ? label : "", it->string ? it->string : "",
			      v != NULL ? v : "");
		first = 0;
	}
	if (first)
		strbuf_printf(sb, "%-17s <none>\n", label);
}

static void k8s_describe_state(struct strbuf *sb, const char *label, const cJSON *state,
			       const char *indent)
{
	const cJSON *r = k8s_get(state, "running"), *w = k8s_get(state, "waiting"),
		    *t = k8s_get(state, "terminated");
	char tb[64];

	if (r != NULL) {
		k8s_fmt_time(tb, sizeof tb, k8s_str(r, "startedAt"));
		strbuf_printf(sb, "%s%-16s Running\n%s  %-14s %s\n", indent, label, indent,
			      "Started:", tb);
	} else if (w != NULL) {
		strbuf_printf(sb, "%s%-16s Waiting\n", indent, label);
		if (k8s_str(w, "reason") != NULL)
			strbuf_printf(sb, "%s  %-14s %s\n", indent,
				      "Reason:", k8s_str(w, "reason"));
		if (k8s_str(w, "message") != NULL)
			strbuf_printf(sb, "%s  %-14s %s\n", indent,
				      "Message:", k8s_str(w, "message"));
	} else if (t != NULL) {
		strbuf_printf(sb, "%s%-16s Terminated\n", indent, label);
		if (k8s_str(t, "reason") != NULL)
			strbuf_printf(sb, "%s  %-14s %s\n", indent,
				      "Reason:", k8s_str(t, "reason"));
		if (k8s_str(t, "message") != NULL)
			strbuf_printf(sb, "%s  %-14s %s\n", indent,
				      "Message:", k8s_str(t, "message"));
		strbuf_printf(sb, "%s  %-14s %ld\n", indent,
			      "Exit Code:", k8s_num(t, "exitCode", 0));
		if (k8s_num(t, "signal", 0) != 0)
			strbuf_printf(sb, "%s  %-14s %ld\n", indent,
				      "Signal:", k8s_num(t, "signal", 0));
		k8s_fmt_time(tb, sizeof tb, k8s_str(t, "startedAt"));
		strbuf_printf(sb, "%s  %-14s %s\n", indent, "Started:", tb);
		k8s_fmt_time(tb, sizeof tb, k8s_str(t, "finishedAt"));
		strbuf_printf(sb, "%s  %-14s %s\n", indent, "Finished:", tb);
	} else if (label[0] == 'S') {
		strbuf_printf(sb, "%s%-16s <unknown>\n", indent, label);
	}
}

static void k8s_describe_env(struct strbuf *sb, const cJSON *env)
{
	const cJSON *e;

	if (cJSON_GetArraySize(env) == 0)
		return;
	strbuf_printf(sb, "    Environment:\n");
	cJSON_ArrayForEach(e, env)
	{
		const char *name = k8s_str_or(e, "name", "?"), *v = k8s_str(e, "value");
		const cJSON *from = k8s_get(e, "valueFrom");
		const cJSON *sk = k8s_get(from, "secretKeyRef"),
			    *ck = k8s_get(from, "configMapKeyRef"), *fr = k8s_get(from, "fieldRef");

		if (sk != NULL)
			strbuf_printf(sb, "      %s:  <set to the key '%s' in secret '%s'>\n", name,
				      k8s_str_or(sk, "key", ""), k8s_str_or(sk, "name", ""));
		else if (ck != NULL)
			strbuf_printf(sb, "      %s:  <set to the key '%s' of config map '%s'>\n",
				      name, k8s_str_or(ck, "key", ""), k8s_str_or(ck, "name", ""));
		else if (fr != NULL)
			strbuf_printf(sb, "      %s:  (%s)\n", name,
				      k8s_str_or(fr, "fieldPath", ""));
		else if (v != NULL && v[0] != '\0' && redact_is_secret_name(name))
			strbuf_printf(sb, "      %s:  ***\n", name); /* a literal secret */
		else
			strbuf_printf(sb, "      %s:  %s\n", name, v != NULL ? v : "");
	}
}

static void k8s_describe_resources(struct strbuf *sb, const char *label, const cJSON *map)
{
	const cJSON *it;

	if (cJSON_GetArraySize(map) == 0)
		return;
	strbuf_printf(sb, "    %s\n", label);
	cJSON_ArrayForEach(it, map)
	{
		const char *v = cJSON_GetStringValue(it);

		strbuf_printf(sb, "      %s:  %s\n", it->string ? it->string : "", v ? v : "");
	}
}

static void k8s_describe_containers(struct strbuf *sb, const char *title, const cJSON *specs,
				    const cJSON *statuses)
{
	const cJSON *c;

	if (cJSON_GetArraySize(specs) == 0)
		return;
	strbuf_printf(sb, "%s\n", title);
	cJSON_ArrayForEach(c, specs)
	{
		const char *name = k8s_str_or(c, "name", "?");
		const cJSON *s = NULL, *it;

		cJSON_ArrayForEach(it, statuses)
		{
			if (k8s_streq(k8s_str(it, "name"), name))
				s = it;
		}
		strbuf_printf(sb, "  %s:\n", name);
		strbuf_printf(sb, "    %-16s %s\n", "Image:", k8s_str_or(c, "image", ""));
		k8s_describe_resources(sb, "Limits:", k8s_get(k8s_get(c, "resources"), "limits"));
		k8s_describe_resources(sb,
				       "Requests:", k8s_get(k8s_get(c, "resources"), "requests"));
		if (s != NULL) {
			k8s_describe_state(sb, "State:", k8s_get(s, "state"), "    ");
			k8s_describe_state(sb, "Last State:", k8s_get(s, "lastState"), "    ");
			strbuf_printf(sb, "    %-16s %s\n", "Ready:",
				      cJSON_IsTrue(k8s_get(s, "ready")) ? "True" : "False");
			strbuf_printf(sb, "    %-16s %ld\n",
				      "Restart Count:", k8s_num(s, "restartCount", 0));
		}
		k8s_describe_env(sb, k8s_get(c, "env"));
	}
}

struct k8s_ev {
	const cJSON *e;
	double last;
};

static int k8s_ev_cmp(const void *a, const void *b)
{
	const struct k8s_ev *x = a, *y = b;

	return x->last < y->last ? -1 : x->last > y->last;
}

static void k8s_describe_events(struct strbuf *sb, const cJSON *list, double now)
{
	const cJSON *items = k8s_get(list, "items"), *e;
	size_t n = (size_t)cJSON_GetArraySize(items), i = 0, w[4] = { 4, 6, 3, 4 };
	struct k8s_ev *ev;
	char(*age)[64];

	if (n == 0) {
		strbuf_printf(sb, "Events:            <none>\n");
		return;
	}
	ev = xcalloc(n, sizeof *ev);
	age = xcalloc(n, sizeof *age);
	cJSON_ArrayForEach(e, items)
	{
		const char *lt = k8s_str(e, "lastTimestamp");

		if (lt == NULL)
			lt = k8s_str(e, "eventTime");
		if (lt == NULL)
			lt = k8s_str(e, "firstTimestamp");
		ev[i].e = e;
		ev[i].last = k8s_time(lt);
		i++;
	}
	qsort(ev, n, sizeof *ev, k8s_ev_cmp);
	for (i = 0; i < n; i++) {
		const cJSON *x = ev[i].e;
		long count = k8s_num(x, "count", 0);
		double first = k8s_time(k8s_str(x, "firstTimestamp"));
		const char *from = k8s_str(k8s_get(x, "source"), "component");
		size_t l;

		if (count <= 0)
			count = k8s_num(k8s_get(x, "series"), "count", 1);
		if (ev[i].last <= 0) {
			snprintf(age[i], sizeof age[i], "<unknown>");
		} else {
			k8s_fmt_age(age[i], sizeof age[i], now - ev[i].last);
			if (count > 1 && first > 0) {
				char over[24];

				k8s_fmt_age(over, sizeof over, now - first);
				l = strlen(age[i]);
				snprintf(age[i] + l, sizeof age[i] - l, " (x%ld over %s)", count,
					 over);
			}
		}
		if (from == NULL)
			from = k8s_str_or(x, "reportingComponent", "");
		l = strlen(k8s_str_or(x, "type", ""));
		w[0] = l > w[0] ? l : w[0];
		l = strlen(k8s_str_or(x, "reason", ""));
		w[1] = l > w[1] ? l : w[1];
		l = strlen(age[i]);
		w[2] = l > w[2] ? l : w[2];
		l = strlen(from);
		w[3] = l > w[3] ? l : w[3];
	}
	strbuf_printf(sb, "Events:\n  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0], "Type", (int)w[1],
		      "Reason", (int)w[2], "Age", (int)w[3], "From", "Message");
	strbuf_printf(sb, "  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0], "----", (int)w[1], "------",
		      (int)w[2], "----", (int)w[3], "----", "-------");
	for (i = 0; i < n; i++) {
		const cJSON *x = ev[i].e;
		const char *from = k8s_str(k8s_get(x, "source"), "component");

		if (from == NULL)
			from = k8s_str_or(x, "reportingComponent", "");
		strbuf_printf(sb, "  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0],
			      k8s_str_or(x, "type", ""), (int)w[1], k8s_str_or(x, "reason", ""),
			      (int)w[2], age[i], (int)w[3], from, k8s_str_or(x, "message", ""));
	}
	free(ev);
	free(age);
}

char *k8s_describe(const char *pod, size_t podlen, const char *events, size_t evlen)
{
	cJSON *p = pod != NULL && podlen > 0 ? cJSON_ParseWithLength(pod, podlen) : NULL;
	cJSON *ev = events != NULL && evlen > 0 ? cJSON_ParseWithLength(events, evlen) : NULL;
	const cJSON *meta = k8s_get(p, "metadata"), *spec = k8s_get(p, "spec"),
		    *st = k8s_get(p, "status"), *o;
	struct strbuf sb = { 0 };
	char status[160], ready[32], tb[64];
	const char *node = k8s_str(spec, "nodeName"), *host = k8s_str(st, "hostIP");
	const char *del = k8s_str(meta, "deletionTimestamp");
	double now = util_wall();

	if (!cJSON_IsObject(meta)) {
		cJSON_Delete(p);
		cJSON_Delete(ev);
		return NULL;
	}
	k8s_pod_status(p, status, sizeof status, ready, sizeof ready, NULL, NULL, NULL);
	strbuf_printf(&sb, "%-17s %s\n", "Name:", k8s_str_or(meta, "name", ""));
	strbuf_printf(&sb, "%-17s %s\n", "Namespace:", k8s_str_or(meta, "namespace", ""));
	if (k8s_str(spec, "serviceAccountName") != NULL)
		strbuf_printf(&sb, "%-17s %s\n",
			      "Service Account:", k8s_str(spec, "serviceAccountName"));
	if (node != NULL)
		strbuf_printf(&sb, "%-17s %s%s%s\n", "Node:", node, host ? "/" : "",
			      host ? host : "");
	else
		strbuf_printf(&sb, "%-17s <none>\n", "Node:");
	k8s_fmt_time(tb, sizeof tb, k8s_str(st, "startTime"));
	strbuf_printf(&sb, "%-17s %s\n", "Start Time:", k8s_str(st, "startTime") ? tb : "<unset>");
	k8s_describe_map(&sb, "Labels:", k8s_get(meta, "labels"));
	if (del != NULL) {
		k8s_fmt_time(tb, sizeof tb, del);
		strbuf_printf(&sb, "%-17s Terminating since %s (grace %lds)\n", "Status:", tb,
			      k8s_num(meta, "deletionGracePeriodSeconds", 0));
	} else {
		strbuf_printf(&sb, "%-17s %s\n", "Status:", k8s_str_or(st, "phase", "Unknown"));
	}
	/* What `kubectl get pods` shows, which the phase alone does not. */
	strbuf_printf(&sb, "%-17s %s (ready %s)\n", "Shown As:", status, ready);
	if (k8s_str(st, "reason") != NULL)
		strbuf_printf(&sb, "%-17s %s\n", "Reason:", k8s_str(st, "reason"));
	if (k8s_str(st, "message") != NULL)
		strbuf_printf(&sb, "%-17s %s\n", "Message:", k8s_str(st, "message"));
	strbuf_printf(&sb, "%-17s %s\n", "IP:", k8s_str_or(st, "podIP", ""));
	cJSON_ArrayForEach(o, k8s_get(meta, "ownerReferences"))
	{
		if (cJSON_IsTrue(k8s_get(o, "controller")))
			strbuf_printf(&sb, "%-17s %s/%s\n",
				      "Controlled By:", k8s_str_or(o, "kind", ""),
				      k8s_str_or(o, "name", ""));
	}
	k8s_describe_containers(&sb, "Init Containers:", k8s_get(spec, "initContainers"),
				k8s_get(st, "initContainerStatuses"));
	k8s_describe_containers(&sb, "Containers:", k8s_get(spec, "containers"),
				k8s_get(st, "containerStatuses"));
	if (cJSON_GetArraySize(k8s_get(st, "conditions")) > 0) {
		strbuf_printf(&sb, "Conditions:\n  %-26s %s\n", "Type", "Status");
		cJSON_ArrayForEach(o, k8s_get(st, "conditions"))
		{
			strbuf_printf(&sb, "  %-26s %s\n", k8s_str_or(o, "type", ""),
				      k8s_str_or(o, "status", ""));
		}
	}
	if (ev != NULL)
		k8s_describe_events(&sb, ev, now);
	else
		strbuf_printf(&sb, "Events:            <unavailable>\n");
	cJSON_Delete(p);
	cJSON_Delete(ev);
	return strbuf_detach(&sb);
}

/* ---- secret masking ------------------------------------------------- */

#define K8S_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* Leading spaces of a line; *dash set when the key follows "- ". */
static size_t k8s_indent(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && (l[i] == ' ' || (l[i] == '-' && i + 1 < len && l[i + 1] == ' ')))
		i++;
	return i;
}

/* The YAML key at the start of the line (after indentation), as a
 * pointer and length, unquoted; 0 when the line is not "key:". */
static size_t k8s_yaml_key(const char *l, size_t len, size_t ind, const char **key, size_t *colon)
{
	size_t i = ind, start;
	char q = 0;

	if (i < len && (l[i] == '"' || l[i] == '\''))
		q = l[i++];
	start = i;
	while (i < len && (q ? l[i] != q : (l[i] != ':' && l[i] != ' ')))
		i++;
	*key = l + start;
	if (i >= len)
		return 0;
	if (q)
		i++;
	if (i >= len || l[i] != ':' || (i + 1 < len && l[i + 1] != ' '))
		return 0;
	*colon = i;
	return (q ? i - 1 : i) - start;
}

static int k8s_keyis(const char *k, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(k, want, n) == 0;
}

/* Mask one value: "***" (or fewer stars for a shorter value). */
static void k8s_put_mask(struct strbuf *out, size_t vlen)
{
	strbuf_append(out, "***", vlen < 3 ? vlen : 3);
}

/* YAML: values of data/stringData maps and the last-applied annotation;
 * block scalars (lines more indented than their key) are masked too. */
static int k8s_mask_yaml(const char *text, struct strbuf *out)
{
	const char *p = text;
	int masked = 0;
	size_t map_ind = 0, block_ind = 0;
	int in_map = 0, in_block = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p), ind = k8s_indent(p, len),
		       colon = 0;
		const char *key = NULL;
		size_t klen = k8s_yaml_key(p, len, ind, &key, &colon);
		int blank = ind == len;

		if (in_block && (blank || ind > block_ind)) {
			if (!blank) {
				strbuf_append(out, p, ind);
				k8s_put_mask(out, len - ind);
				masked = 1;
			} else {
				strbuf_append(out, p, len);
			}
			goto next;
		}
		in_block = 0;
		if (in_map && !blank && ind <= map_ind)
			in_map = 0;
		if (klen > 0) {
			size_t v = colon + 1;
			int secret_key =
				(in_map && ind > map_ind) || k8s_keyis(key, klen, K8S_LAST_APPLIED);

			while (v < len && p[v] == ' ')
				v++;
			if (!in_map &&
			    (k8s_keyis(key, klen, "data") || k8s_keyis(key, klen, "stringData"))) {
				if (v >= len) {
					in_map = 1;
					map_ind = ind;
					strbuf_append(out, p, len);
				} else { /* a flow map: mask it whole */
					strbuf_append(out, p, v);
					k8s_put_mask(out, len - v);
					masked = 1;
				}
				goto next;
			}
			if (secret_key) {
				strbuf_append(out, p, v);
				if (v < len && (p[v] == '|' || p[v] == '>')) {
					strbuf_append(out, p + v, len - v);
					in_block = 1;
					block_ind = ind;
				} else if (v < len) {
					k8s_put_mask(out, len - v);
					masked = 1;
				} else {
					/* the value follows on more indented lines */
					in_block = 1;
					block_ind = ind;
				}
				goto next;
			}
		}
		strbuf_append(out, p, len);
	next:
		if (eol == NULL)
			break;
		strbuf_putc(out, '\n');
		p = eol + 1;
	}
	return masked;
}

/* The end of a JSON string starting at the opening quote s (pointer
 * past the closing quote), or NULL. */
static const char *k8s_json_str_end(const char *s)
{
	for (s++; *s; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			return s + 1;
	}
	return NULL;
}

/* JSON: string values inside "data"/"stringData" objects and the
 * last-applied annotation's string. */
static int k8s_mask_json(const char *text, struct strbuf *out)
{
	const char *p = text;
	int masked = 0, depth = 0, map_depth = -1;

	while (*p) {
		if (*p == '"') {
			const char *e = k8s_json_str_end(p), *q;
			int is_key;

			if (e == NULL) {
				strbuf_puts(out, p);
				break;
			}
			for (q = e; *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'; q++)
				;
			is_key = *q == ':';
			if (is_key) {
				size_t klen = (size_t)(e - p) - 2;
				const char *v = q + 1;
				int mask_val = k8s_keyis(p + 1, klen, K8S_LAST_APPLIED) ||
					       (map_depth >= 0 && depth == map_depth + 1);

				while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
					v++;
				if (map_depth < 0 && *v == '{' &&
				    (k8s_keyis(p + 1, klen, "data") ||
				     k8s_keyis(p + 1, klen, "stringData")))
					map_depth = depth;
				if (mask_val && *v == '"') {
					const char *ve = k8s_json_str_end(v);

					if (ve != NULL) {
						strbuf_append(out, p, (size_t)(v - p) + 1);
						k8s_put_mask(out, (size_t)(ve - v) - 2);
						strbuf_putc(out, '"');
						masked = 1;
						p = ve;
						continue;
					}
				}
			}
			strbuf_append(out, p, (size_t)(e - p));
			p = e;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			depth--;
			if (map_depth >= 0 && depth <= map_depth)
				map_depth = -1;
		}
		strbuf_putc(out, *p++);
	}
	return masked;
}

int k8s_mask_secret_text(char *text)
{
	struct strbuf a = { 0 }, b = { 0 };
	const char *first = text;
	int masked;

	if (text == NULL || text[0] == '\0')
		return 0;
	first += strspn(first, " \t\r\n");
	if (*first == '{' || *first == '[') { /* -o json */
		masked = k8s_mask_json(text, &b);
	} else { /* -o yaml, and JSON inside it */
		masked = k8s_mask_yaml(text, &a);
		masked |= k8s_mask_json(a.buf != NULL ? a.buf : "", &b);
	}
	/* Masks are never longer than what they replace: it fits. */
	if (masked && b.buf != NULL && b.len <= strlen(text))
		memcpy(text, b.buf, b.len + 1);
	strbuf_free(&a);
	strbuf_free(&b);
	return masked;
}

/* ---- snapshots ------------------------------------------------------ */

void k8s_snap_free(struct k8s_snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->npods; i++)
		k8s_pod_free(&s->pods[i]);
	free(s->pods);
	free(s->context);
	free(s->server);
	free(s->user);
	free(s->ns);
	for (i = 0; i < s->ncontexts; i++)
		free(s->contexts[i]);
	free(s->contexts);
	free(s->request_target);
	free(s->request_text);
	free(s);
}

/* ---- HTTP ----------------------------------------------------------- */

struct k8s_state {
	struct k8s_arg arg;
	struct kubeconfig *kc;
	char *context; /* the context asked for (NULL: current-context) */
	char *ns_req;  /* the namespace asked for (NULL: the context's) */
	char *ns;      /* the namespace shown, NULL: all */
	int loaded;    /* kc is loaded */
	char load_err[256];

	/* The rows and where the watch resumes. */
	struct k8s_pod *pods;
	size_t npods;
	char *rv;
	int listed; /* a complete list is held */
	int relist; /* the watch said 410 Gone */
	int table_format;
	unsigned long lists, events;
	int changed; /* something to publish */
	unsigned long polls;

	/* The watch stream. */
	CURL *easy; /* for requests, reused */
	CURLM *multi;
	CURL *watch;
	struct curl_slist *watch_hdr;
	long w_status;
	int w_hdr_done;
	int w_fail; /* K8S_WF_* */
	char w_err[256];
	char w_ebuf[CURL_ERROR_SIZE];
	struct strbuf w_line; /* the partial event line, or an error body */
	double w_last;        /* monotonic time of the last byte */
	double last_probe;

	int have_metrics;
	unsigned long metrics_due; /* poll number of the next metrics fetch */
	struct k8s_access access;
	int access_done;

	/* The newest request. */
	unsigned long nrequests;
	int req_kind, req_failed;
	char req_msg[256];
	char *req_target, *req_text;
	int req_unpublished; /* no snapshot has carried it yet */
};

enum { K8S_WF_NONE, K8S_WF_GONE, K8S_WF_BAD, K8S_WF_BIG };

static pthread_once_t k8s_once = PTHREAD_ONCE_INIT;

static void k8s_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct k8s_body {
	char *buf;
	size_t len, cap, max;
	int over;
};

static size_t k8s_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_body *b = ud;
	size_t n = size * nmemb;

	if (b->len + n > b->max) {
		b->over = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (b->cap > b->max + 1)
			b->cap = b->max + 1;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

static double k8s_timeout(const struct k8s_state *st)
{
	return st->arg.timeout > 0 ? st->arg.timeout : 5;
}

/* A transport failure in words. */
static void k8s_curl_error(CURL *c, CURLcode rc, const char *ebuf, double timeout,
			   const char *server, char *err, size_t errlen)
{
	long oserr = 0;

	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		if (oserr == ECONNREFUSED)
			snprintf(err, errlen, "connection refused (%s)", server);
		else
			snprintf(err, errlen, "cannot connect to %s: %s", server,
				 ebuf[0] ? ebuf : curl_easy_strerror(rc));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(err, errlen, "timeout after %g s (%s)", timeout, server);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(err, errlen, "cannot resolve the host of %s", server);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, errlen, "TLS: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
		break;
	default:
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	}
	k8s_one_line(err);
}

/* A handle for path on the API server with TLS and credentials applied;
 * *hdr gets the headers (caller frees after the transfer). */
static CURL *k8s_easy(struct k8s_state *st, const char *path, const char *accept,
		      struct curl_slist **hdr, int stream, char *ebuf, char *err, size_t errlen)
{
	CURL *c;
	char *url, *h;
	double t = k8s_timeout(st);

	pthread_once(&k8s_once, k8s_global_init);
	if (stream) {
		c = curl_easy_init();
	} else {
		/* One handle for the requests keeps its connections (and TLS
		 * sessions) between them. */
		if (st->easy == NULL)
			st->easy = curl_easy_init();
		else
			curl_easy_reset(st->easy);
		c = st->easy;
	}
	if (c == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return NULL;
	}
	url = xasprintf("%s%s", st->kc->server, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(t * 1000));
	if (stream) {
		/* A watch may be quiet for minutes: no idle limit, but the
		 * server ends it after timeoutSeconds and keepalives find a
		 * dead peer. */
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(K8S_WATCH_SECONDS + 60) * 1000L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 30L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 10L);
	} else {
		long idle = (long)(t + 0.999);

		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, idle > 0 ? idle : 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((t * 12 > 60 ? t * 12 : 60) * 1000));
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "amconsole/" AM_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	h = xasprintf("Accept: %s", accept != NULL ? accept : "application/json");
	*hdr = curl_slist_append(*hdr, h);
	free(h);
	if (kubeconfig_curl(st->kc, c, hdr, t * 2 > 10 ? t * 2 : 10, err, errlen) != 0) {
		if (stream)
			curl_easy_cleanup(c);
		curl_slist_free_all(*hdr);
		*hdr = NULL;
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdr);
	return c;
}

/* One request. 0 when the transfer completed (any HTTP status in
 * *status, the body in b, capped at max), -1 + err on a transport
 * failure. A 401 with an exec plugin forgets its credential and tries
 * once more. */
static int k8s_http(struct k8s_state *st, const char *method, const char *path, const char *accept,
		    const char *ctype, const char *body, size_t max, struct k8s_body *b,
		    long *status, char *err, size_t errlen)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		struct curl_slist *hdr = NULL;
		char ebuf[CURL_ERROR_SIZE] = "";
		CURL *c;
		CURLcode rc;

		memset(b, 0, sizeof *b);
		b->max = max;
		*status = 0;
		c = k8s_easy(st, path, accept, &hdr, 0, ebuf, err, errlen);
		if (c == NULL)
			return -1;
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, k8s_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
		if (ctype != NULL) {
			char *h = xasprintf("Content-Type: %s", ctype);

			hdr = curl_slist_append(hdr, h);
			free(h);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		}
		if (body != NULL)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (rc != CURLE_OK) {
			if (b->over)
				snprintf(err, errlen, "response larger than %zu MiB: refused",
					 max >> 20);
			else
				k8s_curl_error(c, rc, ebuf, k8s_timeout(st), st->kc->server, err,
					       errlen);
		}
		curl_slist_free_all(hdr);
		if (rc != CURLE_OK) {
			free(b->buf);
			memset(b, 0, sizeof *b);
			return -1;
		}
		if (*status == 401 && attempt == 0 && st->kc->exec != NULL) {
			kubeconfig_expire(st->kc);
			free(b->buf);
			continue;
		}
		break;
	}
	return 0;
}

/* A GET whose answer must be 2xx; else -1 with "403 Forbidden: …". */
static int k8s_get_ok(struct k8s_state *st, const char *path, const char *accept, size_t max,
		      struct k8s_body *b, long *status, char *err, size_t errlen)
{
	if (k8s_http(st, "GET", path, accept, NULL, NULL, max, b, status, err, errlen) != 0)
		return -1;
	if (*status < 200 || *status > 299) {
		k8s_error_text(*status, b->buf, b->len, err, errlen);
		free(b->buf);
		memset(b, 0, sizeof *b);
		return -1;
	}
	return 0;
}

/* "/api/v1/pods" or "/api/v1/namespaces/NS/pods"; fresh. */
static char *k8s_pods_path(const char *ns)
{
	char *e, *p;

	if (ns == NULL)
		return xstrdup("/api/v1/pods");
	e = k8s_escape(ns);
	p = xasprintf("/api/v1/namespaces/%s/pods", e);
	free(e);
	return p;
}

/* ---- list, watch, metrics, access ----------------------------------- */

static void k8s_rows_free(struct k8s_pod *pods, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
}

/* List every page into fresh rows; on success they replace the held
 * ones. */
static int k8s_list(struct k8s_state *st, char *err, size_t errlen)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0;
	char *cont = NULL, *rv = NULL, *base = k8s_pods_path(st->ns);
	int table = 0, restarted = 0;

	for (;;) {
		struct k8s_body b;
		long status;
		char *path, *c2 = NULL, *rv2 = NULL, *ec = NULL;
		int rc;

		if (cont != NULL)
			ec = k8s_escape(cont);
		path = xasprintf("%s?limit=%d%s%s", base, K8S_PAGE, ec ? "&continue=" : "",
				 ec ? ec : "");
		free(ec);
		rc = k8s_http(st, "GET", path, K8S_ACCEPT_TABLE, NULL, NULL, K8S_MAX_BODY, &b,
			      &status, err, errlen);
		free(path);
		if (rc != 0)
			goto fail;
		if (status == 410 && cont != NULL && !restarted) {
			/* The continue token expired: start over, once. */
			free(b.buf);
			k8s_rows_free(pods, n);
			pods = NULL;
			n = 0;
			free(cont);
			cont = NULL;
			restarted = 1;
			continue;
		}
		if (status < 200 || status > 299) {
			k8s_error_text(status, b.buf, b.len, err, errlen);
			free(b.buf);
			goto fail;
		}
		rc = k8s_parse_list(b.buf, b.len, &pods, &n, &table, &c2, &rv2, err, errlen);
		free(b.buf);
		if (rc != 0)
			goto fail;
		free(cont);
		cont = c2;
		if (rv2 != NULL) {
			free(rv);
			rv = rv2;
		}
		if (cont == NULL)
			break;
	}
	k8s_rows_free(st->pods, st->npods);
	st->pods = pods;
	st->npods = n;
	free(st->rv);
	st->rv = rv;
	st->table_format = table;
	st->listed = 1;
	st->relist = 0;
	st->lists++;
	st->changed = 1;
	st->metrics_due = st->polls; /* fresh rows: fetch metrics now */
	free(base);
	return 0;
fail:
	k8s_rows_free(pods, n);
	free(cont);
	free(rv);
	free(base);
	return -1;
}

static void k8s_watch_close(struct k8s_state *st)
{
	if (st->watch != NULL) {
		curl_multi_remove_handle(st->multi, st->watch);
		curl_easy_cleanup(st->watch);
		st->watch = NULL;
	}
	curl_slist_free_all(st->watch_hdr);
	st->watch_hdr = NULL;
	strbuf_free(&st->w_line);
}

static size_t k8s_watch_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_state *st = ud;
	size_t n = size * nmemb;
	long code;

	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0 && sscanf(p, "%*s %ld", &code) == 1)
		st->w_status = code;
	else if ((n == 2 && p[0] == '\r') || (n == 1 && p[0] == '\n'))
		st->w_hdr_done = st->w_status >= 200; /* not after a 100 Continue */
	return n;
}

/* Apply the complete lines in w_line; keep the partial one. */
static void k8s_watch_lines(struct k8s_state *st)
{
	struct strbuf *b = &st->w_line;
	size_t start = 0;

	while (st->w_fail == K8S_WF_NONE && start < b->len) {
		char *nl = memchr(b->buf + start, '\n', b->len - start);
		size_t len;
		int rc;

		if (nl == NULL)
			break;
		len = (size_t)(nl - (b->buf + start));
		if (len > 0 && !(len == 1 && b->buf[start] == '\r')) {
			rc = k8s_event(b->buf + start, len, &st->pods, &st->npods, &st->rv,
				       st->w_err, sizeof st->w_err);
			if (rc == 0) {
				st->events++;
				st->changed = 1;
			} else if (rc == 1) {
				st->w_fail = K8S_WF_GONE;
			} else if (rc < 0) {
				st->w_fail = K8S_WF_BAD;
			}
		}
		start += len + 1;
	}
	if (start > 0) {
		memmove(b->buf, b->buf + start, b->len - start);
		b->len -= start;
		b->buf[b->len] = '\0';
	}
	if (st->w_fail == K8S_WF_NONE && b->len > K8S_MAX_EVENT)
		st->w_fail = K8S_WF_BIG;
}

static size_t k8s_watch_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_state *st = ud;
	size_t n = size * nmemb;

	st->w_last = util_now();
	if (st->w_status != 200) { /* an error body: keep its start */
		if (st->w_line.len < K8S_MAX_ERRBODY)
			strbuf_append(&st->w_line, p, n);
		return n;
	}
	strbuf_append(&st->w_line, p, n);
	k8s_watch_lines(st);
	return st->w_fail != K8S_WF_NONE ? 0 : n;
}

/* Drive the watch: 0 still open, 1 ended (reopen), 2 410 Gone (relist),
 * -1 + err. until_headers: wait (up to the timeout) for the response
 * headers, else for data up to budget seconds. */
static int k8s_watch_drive(struct k8s_state *st, int until_headers, double budget, char *err,
			   size_t errlen)
{
	double t0 = util_now(), end = t0 + budget;
	int running = 1, numfds;
	CURLMsg *msg;
	int left;

	for (;;) {
		curl_multi_perform(st->multi, &running);
		if (!running || st->w_fail != K8S_WF_NONE)
			break;
		if (until_headers && st->w_hdr_done)
			return 0;
		if (util_now() >= end)
			break;
		numfds = 0;
		curl_multi_poll(st->multi, NULL, 0, until_headers ? 50 : K8S_QUIET_MS, &numfds);
		if (!until_headers && numfds == 0)
			break; /* nothing more is arriving now */
	}
	if (running && st->w_fail == K8S_WF_NONE) {
		if (until_headers) {
			snprintf(err, errlen, "timeout after %g s (%s)", k8s_timeout(st),
				 st->kc->server);
			return -1;
		}
		return 0;
	}
	switch (st->w_fail) {
	case K8S_WF_GONE:
		return 2;
	case K8S_WF_BAD:
		snprintf(err, errlen, "%s", st->w_err);
		return -1;
	case K8S_WF_BIG:
		snprintf(err, errlen, "watch event larger than %u MiB: refused",
			 K8S_MAX_EVENT >> 20);
		return -1;
	default:
		break;
	}
	while ((msg = curl_multi_info_read(st->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (msg->data.result != CURLE_OK) {
			k8s_curl_error(msg->easy_handle, msg->data.result, st->w_ebuf,
				       k8s_timeout(st), st->kc->server, err, errlen);
			return -1;
		}
	}
	if (st->w_status == 410)
		return 2;
	if (st->w_status != 200) {
		k8s_error_text(st->w_status, st->w_line.buf, st->w_line.len, err, errlen);
		return -1;
	}
	return 1;
}

/* Open the watch from st->rv and wait for its headers. 0 (watching, or
 * st->relist set on 410), -1 + err. */
static int k8s_watch_open(struct k8s_state *st, char *err, size_t errlen)
{
	char *base = k8s_pods_path(st->ns), *erv = k8s_escape(st->rv ? st->rv : "0"), *path;
	int attempt, rc = -1;

	path = xasprintf("%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d",
			 base, erv, K8S_WATCH_SECONDS);
	free(base);
	free(erv);
	if (st->multi == NULL)
		st->multi = curl_multi_init();
	for (attempt = 0; attempt < 2; attempt++) {
		k8s_watch_close(st);
		st->w_status = 0;
		st->w_hdr_done = 0;
		st->w_fail = K8S_WF_NONE;
		st->w_err[0] = '\0';
		st->w_last = util_now();
		st->w_ebuf[0] = '\0';
		st->watch = k8s_easy(st, path, K8S_ACCEPT_TABLE, &st->watch_hdr, 1, st->w_ebuf, err,
				     errlen);
		if (st->watch == NULL)
			break;
		curl_easy_setopt(st->watch, CURLOPT_WRITEFUNCTION, k8s_watch_write);
		curl_easy_setopt(st->watch, CURLOPT_WRITEDATA, st);
		curl_easy_setopt(st->watch, CURLOPT_HEADERFUNCTION, k8s_watch_header);
		curl_easy_setopt(st->watch, CURLOPT_HEADERDATA, st);
		curl_multi_add_handle(st->multi, st->watch);
		rc = k8s_watch_drive(st, 1, k8s_timeout(st), err, errlen);
		if (rc == 0 && st->w_status == 200)
			break;
		if (rc == 0) { /* headers of an error: read its body */
			rc = k8s_watch_drive(st, 0, k8s_timeout(st), err, errlen);
			if (rc == 0) {
				k8s_error_text(st->w_status, st->w_line.buf, st->w_line.len, err,
					       errlen);
				rc = -1;
			}
		}
		if (rc == 2) {
			st->relist = 1;
			rc = 0;
			k8s_watch_close(st);
			break;
		}
		if (rc == 1) { /* ended at once: fine, the next poll retries */
			rc = 0;
			k8s_watch_close(st);
			break;
		}
		k8s_watch_close(st);
		if (rc < 0 && st->w_status == 401 && attempt == 0 && st->kc->exec != NULL) {
			kubeconfig_expire(st->kc);
			continue;
		}
		break;
	}
	free(path);
	return rc < 0 ? -1 : 0;
}

/* Keep the watch going for this poll: relist when needed, open, drive,
 * reopen once when the stream ended. 0 or -1 + err. */
static int k8s_watch_step(struct k8s_state *st, char *err, size_t errlen)
{
	int reopened = 0, relisted = 0;

	for (;;) {
		int rc;

		if (st->relist || !st->listed) {
			k8s_watch_close(st);
			if (relisted)
				return 0; /* again next poll */
			if (k8s_list(st, err, errlen) != 0)
				return -1;
			relisted = 1;
		}
		if (st->watch == NULL) {
			if (reopened > 1)
				return 0;
			if (k8s_watch_open(st, err, errlen) != 0)
				return -1;
			reopened++;
			if (st->relist || st->watch == NULL)
				continue;
		}
		rc = k8s_watch_drive(st, 0, K8S_DRIVE_SECONDS, err, errlen);
		if (rc == 0)
			return 0;
		k8s_watch_close(st);
		if (rc == 2) {
			st->relist = 1;
			continue;
		}
		if (rc < 0)
			return -1;
		/* The stream ended (timeoutSeconds): resume from the last RV. */
		if (reopened > 0)
			return 0;
	}
}

static void k8s_metrics(struct k8s_state *st)
{
	struct k8s_body b;
	long status = 0, *cpu, *mem;
	char err[256], *path;
	size_t i;
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
	cpu = xcalloc(st->npods + 1, sizeof *cpu);
	mem = xcalloc(st->npods + 1, sizeof *mem);
	for (i = 0; i < st->npods; i++) {
		cpu[i] = st->pods[i].cpu_milli;
		mem[i] = st->pods[i].mem_bytes;
	}
	if (k8s_parse_metrics(b.buf, b.len, st->pods, st->npods) == 0) {
		st->have_metrics = 1;
		for (i = 0; i < st->npods; i++)
			if (cpu[i] != st->pods[i].cpu_milli || mem[i] != st->pods[i].mem_bytes)
				st->changed = 1;
	} else {
		st->have_metrics = 0;
	}
	free(cpu);
	free(mem);
	free(b.buf);
done:
	if (!st->have_metrics)
		for (i = 0; i < st->npods; i++)
			st->pods[i].cpu_milli = st->pods[i].mem_bytes = -1;
	if (had != st->have_metrics)
		st->changed = 1;
}

/* One SelfSubjectAccessReview: 1 allowed, 0 denied, -1 unknown, -2 the
 * server did not answer. */
static int k8s_can(struct k8s_state *st, const char *verb, const char *group, const char *resource,
		   const char *sub)
{
	cJSON *req = cJSON_CreateObject(), *spec, *ra, *resp;
	struct k8s_body b;
	long status;
	char err[256], *body;
	int allowed = -1;

	cJSON_AddStringToObject(req, "kind", "SelfSubjectAccessReview");
	cJSON_AddStringToObject(req, "apiVersion", "authorization.k8s.io/v1");
	spec = cJSON_AddObjectToObject(req, "spec");
	ra = cJSON_AddObjectToObject(spec, "resourceAttributes");
	if (st->ns != NULL)
		cJSON_AddStringToObject(ra, "namespace", st->ns);
	cJSON_AddStringToObject(ra, "verb", verb);
	cJSON_AddStringToObject(ra, "group", group);
	cJSON_AddStringToObject(ra, "resource", resource);
	if (sub != NULL)
		cJSON_AddStringToObject(ra, "subresource", sub);
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (k8s_http(st, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		     "application/json", "application/json", body, 1u << 20, &b, &status, err,
		     sizeof err) != 0) {
		allowed = -2;
	} else {
		if (status >= 200 && status <= 299) {
			resp = cJSON_ParseWithLength(b.buf ? b.buf : "", b.len);
			if (cJSON_IsBool(k8s_get(k8s_get(resp, "status"), "allowed")))
				allowed = cJSON_IsTrue(k8s_get(k8s_get(resp, "status"), "allowed"));
			cJSON_Delete(resp);
		}
		free(b.buf);
	}
	cJSON_free(body);
	return allowed;
}

static void k8s_access_review(struct k8s_state *st)
{
	struct k8s_access a = { -1, -1, -1, -1 };

	/* One unanswered review means the server is not answering now: try
	 * again on a later poll instead of waiting for each. */
	if ((a.delete_pods = k8s_can(st, "delete", "", "pods", NULL)) == -2 ||
	    (a.patch_workloads = k8s_can(st, "patch", "apps", "deployments", NULL)) == -2 ||
	    (a.scale_workloads = k8s_can(st, "update", "apps", "deployments", "scale")) == -2 ||
	    (a.exec_pods = k8s_can(st, "create", "", "pods", "exec")) == -2)
		return;
	if (memcmp(&a, &st->access, sizeof a) != 0)
		st->changed = 1;
	st->access = a;
	st->access_done = 1;
}

/* The watch has been quiet for a while: is the server still there? Any
 * HTTP answer is; a transport failure (a hung or vanished server) is an
 * error, and the watch is dropped. */
static int k8s_probe(struct k8s_state *st, char *err, size_t errlen)
{
	struct k8s_body b;
	long status;
	double now = util_now();

	if (st->watch == NULL || now - st->w_last < K8S_PROBE_IDLE ||
	    now - st->last_probe < K8S_PROBE_IDLE)
		return 0;
	st->last_probe = now;
	if (k8s_http(st, "GET", "/readyz", "text/plain", NULL, NULL, 1u << 20, &b, &status, err,
		     errlen) != 0) {
		k8s_watch_close(st);
		return -1;
	}
	free(b.buf);
	return 0;
}

/* ---- the backend ---------------------------------------------------- */

static void k8s_state_reset(struct k8s_state *st)
{
	k8s_watch_close(st);
	k8s_rows_free(st->pods, st->npods);
	st->pods = NULL;
	st->npods = 0;
	free(st->rv);
	st->rv = NULL;
	st->listed = 0;
	st->relist = 0;
	st->access_done = 0;
	st->access.delete_pods = st->access.patch_workloads = st->access.scale_workloads =
		st->access.exec_pods = -1;
	st->have_metrics = 0;
	st->changed = 1;
}

/* Load kubeconfig for context (NULL: current) and ns_req; on success it
 * replaces the held one. */
static int k8s_load(struct k8s_state *st, const char *context, char *err, size_t errlen)
{
	struct kubeconfig *kc = NULL;

	if (kubeconfig_load(st->arg.cfg->kubeconfig, context, st->ns_req, &kc, err, errlen) != 0 ||
	    kc == NULL)
		return -1;
	if (kc->server == NULL || kc->server[0] == '\0') {
		snprintf(err, errlen, "kubeconfig context %s has no cluster server",
			 kc->context ? kc->context : "?");
		kubeconfig_free(kc);
		return -1;
	}
	k8s_state_reset(st);
	if (st->easy != NULL) { /* no connection made with the old credentials */
		curl_easy_cleanup(st->easy);
		st->easy = NULL;
	}
	kubeconfig_free(st->kc);
	st->kc = kc;
	free(st->ns);
	st->ns = kc->namespace != NULL && kc->namespace[0] != '\0' ? xstrdup(kc->namespace) : NULL;
	st->loaded = 1;
	return 0;
}

static int k8s_ensure(struct k8s_state *st, char *err, size_t errlen)
{
	if (st->loaded)
		return 0;
	return k8s_load(st, st->context, err, errlen);
}

static int k8s_open(void **state, const void *arg, char *err, size_t errlen)
{
	struct k8s_state *st = xcalloc(1, sizeof *st);
	const struct k8s_arg *a = arg;

	st->arg = *a;
	if (st->arg.timeout <= 0)
		st->arg.timeout = 5;
	if (a->cfg->kube_context != NULL && a->cfg->kube_context[0] != '\0')
		st->context = xstrdup(a->cfg->kube_context);
	if (a->cfg->kube_namespace != NULL)
		st->ns_req = xstrdup(a->cfg->kube_namespace);
	st->access.delete_pods = st->access.patch_workloads = st->access.scale_workloads =
		st->access.exec_pods = -1;
	pthread_once(&k8s_once, k8s_global_init);
	*state = st;
	return 0;
}

static struct k8s_snap *k8s_snapshot(struct k8s_state *st)
{
	struct k8s_snap *s = xcalloc(1, sizeof *s);
	size_t i;

	s->pods = xcalloc(st->npods + 1, sizeof *s->pods);
	for (i = 0; i < st->npods; i++)
		k8s_pod_dup(&s->pods[i], &st->pods[i]);
	s->npods = st->npods;
	s->context = k8s_dup(st->kc->context);
	s->server = redact(st->kc->server);
	s->user = k8s_dup(st->kc->user_name);
	s->ns = st->ns != NULL ? xstrdup(st->ns) : NULL;
	s->contexts = xcalloc(st->kc->ncontexts + 1, sizeof *s->contexts);
	for (i = 0; i < st->kc->ncontexts; i++)
		s->contexts[i] = k8s_dup(st->kc->contexts[i]);
	s->ncontexts = st->kc->ncontexts;
	s->table_format = st->table_format;
	s->watching = st->watch != NULL;
	s->lists = st->lists;
	s->events = st->events;
	s->have_metrics = st->have_metrics;
	s->access = st->access;
	s->nrequests = st->nrequests;
	s->request_kind = st->req_kind;
	s->request_failed = st->req_failed;
	snprintf(s->request_msg, sizeof s->request_msg, "%s", st->req_msg);
	s->request_target = st->req_target != NULL ? xstrdup(st->req_target) : NULL;
	s->request_text = st->req_text != NULL ? xstrdup(st->req_text) : NULL;
	st->req_unpublished = 0;
	return s;
}

static int k8s_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct k8s_state *st = state;
	int was_watching;

	*snap = NULL;
	st->polls++;
	if (k8s_ensure(st, err, errlen) != 0)
		goto fail;
	was_watching = st->watch != NULL;
	if (k8s_watch_step(st, err, errlen) != 0)
		goto fail;
	if (!st->access_done)
		k8s_access_review(st);
	if (st->polls >= st->metrics_due) {
		k8s_metrics(st);
		st->metrics_due = st->polls + K8S_METRICS_EVERY;
	}
	if (k8s_probe(st, err, errlen) != 0)
		goto fail;
	if (was_watching != (st->watch != NULL))
		st->changed = 1;
	if (st->changed) {
		*snap = k8s_snapshot(st);
		st->changed = 0;
	}
	return 0;
fail:
	/* The next success publishes, so the UI's data is fresh again. */
	st->changed = 1;
	if (st->req_unpublished && st->kc != NULL && st->listed) {
		/* A request's result (often this same failure) must not wait
		 * for the server to come back: hand it over with the rows as
		 * they were (never an empty list standing for "no pods"); the
		 * failure shows on the next poll. */
		*snap = k8s_snapshot(st);
		return 0;
	}
	return -1;
}

/* ---- requests ------------------------------------------------------- */

/* Split "a\tb\tc" into at most max fields (fresh copies in f[]). */
static int k8s_fields(const char *arg, char **f, int max)
{
	int n = 0;
	const char *p = arg != NULL ? arg : "";

	while (n < max) {
		const char *t = strchr(p, '\t');
		size_t len = t ? (size_t)(t - p) : strlen(p);

		f[n++] = xstrndup(p, len);
		if (t == NULL)
			break;
		p = t + 1;
	}
	return n;
}

static void k8s_req_done(struct k8s_state *st, int failed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void k8s_req_done(struct k8s_state *st, int failed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->req_msg, sizeof st->req_msg, fmt, ap);
	va_end(ap);
	k8s_one_line(st->req_msg);
	st->req_failed = failed;
	st->req_unpublished = 1;
	st->changed = 1;
}

/* GET a JSON object at path: 0 with the parsed tree, or -1 (the request
 * is reported as failed). */
static cJSON *k8s_get_object(struct k8s_state *st, const char *path, char *err, size_t errlen)
{
	struct k8s_body b;
	long status;
	cJSON *o;

	if (k8s_get_ok(st, path, "application/json", K8S_MAX_BODY, &b, &status, err, errlen) != 0)
		return NULL;
	o = cJSON_ParseWithLength(b.buf ? b.buf : "", b.len);
	free(b.buf);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		snprintf(err, errlen, "invalid JSON from the API server");
		return NULL;
	}
	return o;
}

static char *k8s_pod_path(const char *ns, const char *name, const char *sub)
{
	char *en = k8s_escape(ns), *ep = k8s_escape(name);
	char *p = xasprintf("/api/v1/namespaces/%s/pods/%s%s", en, ep, sub ? sub : "");

	free(en);
	free(ep);
	return p;
}

static void k8s_req_describe(struct k8s_state *st, const char *ns, const char *name)
{
	char err[256], *path = k8s_pod_path(ns, name, NULL), *sel, *esel, *epath, *en;
	struct k8s_body pod, ev;
	long status;
	int have_ev;

	if (k8s_get_ok(st, path, "application/json", K8S_MAX_BODY, &pod, &status, err,
		       sizeof err) != 0) {
		free(path);
		k8s_req_done(st, 1, "describe %s/%s: %s", ns, name, err);
		return;
	}
	free(path);
	sel = xasprintf("involvedObject.name=%s,involvedObject.namespace=%s", name, ns);
	esel = k8s_escape(sel);
	en = k8s_escape(ns);
	epath = xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", en, esel);
	have_ev = k8s_get_ok(st, epath, "application/json", K8S_MAX_BODY, &ev, &status, err,
			     sizeof err) == 0;
	free(sel);
	free(esel);
	free(en);
	free(epath);
	free(st->req_text);
	st->req_text =
		k8s_describe(pod.buf, pod.len, have_ev ? ev.buf : NULL, have_ev ? ev.len : 0);
	free(pod.buf);
	if (have_ev)
		free(ev.buf);
	if (st->req_text == NULL)
		k8s_req_done(st, 1, "describe %s/%s: invalid JSON from the API server", ns, name);
	else if (!have_ev)
		k8s_req_done(st, 0, "describe %s/%s (events unavailable: %s)", ns, name, err);
	else
		k8s_req_done(st, 0, "describe %s/%s", ns, name);
}

/* The container kubectl would pick: the default-container annotation,
 * else the first. Fresh, or NULL + err. */
static char *k8s_default_container(struct k8s_state *st, const char *ns, const char *name,
				   char *err, size_t errlen)
{
	char *path = k8s_pod_path(ns, name, NULL), *c = NULL;
	cJSON *pod = k8s_get_object(st, path, err, errlen);
	const char *v;

	free(path);
	if (pod == NULL)
		return NULL;
	v = k8s_str(k8s_get(k8s_get(pod, "metadata"), "annotations"),
		    "kubectl.kubernetes.io/default-container");
	if (v == NULL)
		v = k8s_str(cJSON_GetArrayItem(k8s_get(k8s_get(pod, "spec"), "containers"), 0),
			    "name");
	if (v != NULL)
		c = xstrdup(v);
	else
		snprintf(err, errlen, "the pod has no containers");
	cJSON_Delete(pod);
	return c;
}

static void k8s_req_logs(struct k8s_state *st, char **f, int nf)
{
	const char *ns = f[0], *name = f[1];
	char *container = nf > 2 && f[2][0] ? xstrdup(f[2]) : NULL, *path, *sub, *ec,
	     *esince = NULL;
	long tail = -1, status;
	int previous = nf > 4 && strcmp(f[4], "1") == 0;
	char err[256], *end;
	struct k8s_body b;

	if (nf > 3 && f[3][0] != '\0') {
		errno = 0;
		tail = strtol(f[3], &end, 10);
		if (errno != 0 || *end != '\0' || tail < 0 || tail > 10000000) {
			k8s_req_done(st, 1, "logs: bad tail line count");
			free(container);
			return;
		}
	}
	if (nf > 5 && f[5][0] != '\0') {
		if (k8s_time(f[5]) <= 0) {
			k8s_req_done(st, 1, "logs: bad since time");
			free(container);
			return;
		}
		esince = k8s_escape(f[5]);
	}
	if (container != NULL && !runbook_valid_k8s_name(container)) {
		k8s_req_done(st, 1, "logs: invalid container name");
		free(container);
		free(esince);
		return;
	}
	if (container == NULL) {
		container = k8s_default_container(st, ns, name, err, sizeof err);
		if (container == NULL) {
			k8s_req_done(st, 1, "logs %s/%s: %s", ns, name, err);
			free(esince);
			return;
		}
	}
	ec = k8s_escape(container);
	sub = xasprintf("/log?container=%s&limitBytes=%u%s%s%s%s%s", ec, K8S_LOG_LIMIT,
			previous ? "&previous=true" : "", tail >= 0 ? "&tailLines=" : "",
			tail >= 0 ? f[3] : "", esince ? "&timestamps=true&sinceTime=" : "",
			esince ? esince : "");
	path = k8s_pod_path(ns, name, sub);
	free(sub);
	free(ec);
	free(esince);
	free(st->req_text);
	st->req_text = NULL;
	if (k8s_get_ok(st, path, "text/plain", K8S_LOG_LIMIT + (1u << 20), &b, &status, err,
		       sizeof err) != 0) {
		k8s_req_done(st, 1, "logs %s/%s[%s]%s: %s", ns, name, container,
			     previous ? " (previous)" : "", err);
	} else {
		st->req_text = b.buf != NULL ? b.buf : xstrdup("");
		k8s_req_done(st, 0, "logs %s/%s[%s]%s: %zu bytes%s", ns, name, container,
			     previous ? " (previous)" : "", b.len,
			     b.len >= K8S_LOG_LIMIT ? " (limit reached)" : "");
	}
	free(path);
	free(container);
}

static void k8s_req_delete(struct k8s_state *st, const char *ns, const char *name, const char *uid)
{
	char err[256], *path = k8s_pod_path(ns, name, NULL), *body = NULL;
	struct k8s_body b;
	long status;
	size_t i;

	if (uid != NULL && uid[0] != '\0') {
		for (i = 0; i < st->npods; i++)
			if (strcmp(st->pods[i].ns, ns) == 0 &&
			    strcmp(st->pods[i].name, name) == 0 &&
			    strcmp(st->pods[i].uid, uid) != 0) {
				k8s_req_done(st, 1, "target changed: pod %s/%s was replaced", ns,
					     name);
				free(path);
				return;
			}
		/* The server refuses (409) if the pod was replaced since. */
		body = xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
				 "\"preconditions\":{\"uid\":\"%s\"}}",
				 uid);
	}
	if (k8s_http(st, "DELETE", path, "application/json", body ? "application/json" : NULL, body,
		     1u << 20, &b, &status, err, sizeof err) != 0) {
		k8s_req_done(st, 1, "delete %s/%s: %s", ns, name, err);
	} else if (status >= 200 && status <= 299) {
		k8s_req_done(st, 0, "pod %s/%s deleted", ns, name);
		free(b.buf);
	} else {
		k8s_error_text(status, b.buf, b.len, err, sizeof err);
		k8s_req_done(st, 1, "delete %s/%s: %s%s", ns, name,
			     status == 409 && body ? "target changed: " : "", err);
		free(b.buf);
	}
	free(body);
	free(path);
}

/* The workload that controls the pod: Deployment (through its
 * ReplicaSet), StatefulSet or DaemonSet. 0 with *kind ("deployments")
 * and *wname fresh, or -1 + err. */
static int k8s_workload(struct k8s_state *st, const char *ns, const char *name, char **kind,
			char **wname, char *err, size_t errlen)
{
	char *path = k8s_pod_path(ns, name, NULL), *en;
	cJSON *pod = k8s_get_object(st, path, err, errlen), *rs = NULL;
	const cJSON *o, *owner = NULL;
	const char *ok, *on;
	int rc = -1;

	free(path);
	if (pod == NULL)
		return -1;
	cJSON_ArrayForEach(o, k8s_get(k8s_get(pod, "metadata"), "ownerReferences"))
	{
		if (cJSON_IsTrue(k8s_get(o, "controller")))
			owner = o;
	}
	ok = k8s_str(owner, "kind");
	on = k8s_str(owner, "name");
	if (owner == NULL || ok == NULL || on == NULL || !runbook_valid_k8s_name(on)) {
		snprintf(err, errlen, "pod %s/%s has no controller to restart or scale", ns, name);
		goto out;
	}
	en = k8s_escape(ns);
	if (strcmp(ok, "ReplicaSet") == 0) {
		char *rp = xasprintf("/apis/apps/v1/namespaces/%s/replicasets/%s", en, on);

		rs = k8s_get_object(st, rp, err, errlen);
		free(rp);
		owner = NULL;
		cJSON_ArrayForEach(o, k8s_get(k8s_get(rs, "metadata"), "ownerReferences"))
		{
			if (cJSON_IsTrue(k8s_get(o, "controller")))
				owner = o;
		}
		if (rs != NULL && (!k8s_streq(k8s_str(owner, "kind"), "Deployment") ||
				   !runbook_valid_k8s_name(k8s_str(owner, "name")))) {
			snprintf(err, errlen, "replicaset %s/%s has no Deployment", ns, on);
		} else if (rs != NULL) {
			*kind = xstrdup("deployments");
			*wname = xstrdup(k8s_str(owner, "name"));
			rc = 0;
		}
	} else if (strcmp(ok, "StatefulSet") == 0 || strcmp(ok, "DaemonSet") == 0 ||
		   strcmp(ok, "Deployment") == 0) {
		*kind = xstrdup(ok[0] == 'S'                   ? "statefulsets"
				: ok[0] == 'D' && ok[1] == 'a' ? "daemonsets"
							       : "deployments");
		*wname = xstrdup(on);
		rc = 0;
	} else {
		snprintf(err, errlen,
			 "pod %s/%s is controlled by a %.40s, not a Deployment or "
			 "StatefulSet",
			 ns, name, ok);
	}
	free(en);
out:
	cJSON_Delete(rs);
	cJSON_Delete(pod);
	return rc;
}

/* "deployments" -> "deployment". */
static void k8s_singular(char *out, size_t n, const char *kind)
{
	snprintf(out, n, "%.*s", (int)strlen(kind) - 1, kind);
}

static void k8s_req_restart_scale(struct k8s_state *st, int scale, const char *ns, const char *name,
				  const char *replicas)
{
	char err[256], *kind = NULL, *wname = NULL, *path, *body, *en, *ew, one[32];
	struct k8s_body b;
	long status, n = 0;

	if (scale) {
		char *end;

		errno = 0;
		n = strtol(replicas != NULL ? replicas : "", &end, 10);
		if (replicas == NULL || replicas[0] == '\0' || *end != '\0' || errno != 0 ||
		    n < 0 || n > K8S_MAX_REPLICAS) {
			k8s_req_done(st, 1, "scale: replicas must be a number from 0 to %d",
				     K8S_MAX_REPLICAS);
			return;
		}
	}
	if (k8s_workload(st, ns, name, &kind, &wname, err, sizeof err) != 0) {
		k8s_req_done(st, 1, "%s %s/%s: %s", scale ? "scale" : "restart", ns, name, err);
		return;
	}
	k8s_singular(one, sizeof one, kind);
	if (scale && strcmp(kind, "daemonsets") == 0) {
		k8s_req_done(st, 1, "scale: daemonset %s/%s cannot be scaled", ns, wname);
		free(kind);
		free(wname);
		return;
	}
	en = k8s_escape(ns);
	ew = k8s_escape(wname);
	path = xasprintf("/apis/apps/v1/namespaces/%s/%s/%s%s", en, kind, ew,
			 scale ? "/scale" : "");
	free(en);
	free(ew);
	if (scale) {
		body = xasprintf("{\"spec\":{\"replicas\":%ld}}", n);
	} else {
		char ts[40];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{"
				 "\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}",
				 ts);
	}
	if (k8s_http(st, "PATCH", path, "application/json",
		     scale ? "application/merge-patch+json"
			   : "application/strategic-merge-patch+json",
		     body, 1u << 20, &b, &status, err, sizeof err) != 0) {
		k8s_req_done(st, 1, "%s %s %s/%s: %s", scale ? "scale" : "restart", one, ns, wname,
			     err);
	} else {
		if (status >= 200 && status <= 299 && scale)
			k8s_req_done(st, 0, "%s %s/%s scaled to %ld", one, ns, wname, n);
		else if (status >= 200 && status <= 299)
			k8s_req_done(st, 0, "%s %s/%s restarted", one, ns, wname);
		else {
			k8s_error_text(status, b.buf, b.len, err, sizeof err);
			k8s_req_done(st, 1, "%s %s %s/%s: %s", scale ? "scale" : "restart", one, ns,
				     wname, err);
		}
		free(b.buf);
	}
	free(body);
	free(path);
	free(kind);
	free(wname);
}

static void k8s_req_namespace(struct k8s_state *st, const char *name)
{
	int all = name[0] == '\0' || strcmp(name, "all") == 0;

	if (!all && !runbook_valid_k8s_name(name)) {
		k8s_req_done(st, 1, "namespace: not a valid Kubernetes name");
		return;
	}
	free(st->ns_req);
	st->ns_req = xstrdup(all ? "all" : name);
	k8s_state_reset(st);
	free(st->ns);
	st->ns = all ? NULL : xstrdup(name);
	k8s_req_done(st, 0, "%s%s", all ? "all namespaces" : "namespace ", all ? "" : name);
}

static void k8s_req_context(struct k8s_state *st, const char *name)
{
	char err[256], *old_ns = st->ns_req;

	if (name[0] == '\0') {
		k8s_req_done(st, 1, "context: no name given");
		return;
	}
	/* A context switch takes the new context's namespace, unless one
	 * was configured (--namespace). */
	st->ns_req =
		st->arg.cfg->kube_namespace != NULL ? xstrdup(st->arg.cfg->kube_namespace) : NULL;
	if (k8s_load(st, name, err, sizeof err) != 0) {
		free(st->ns_req);
		st->ns_req = old_ns;
		k8s_req_done(st, 1, "context %s: %s", name, err);
		return;
	}
	free(old_ns);
	free(st->context);
	st->context = xstrdup(name);
	k8s_req_done(st, 0, "context %s%s%s", name, st->ns ? ", namespace " : ", all namespaces",
		     st->ns ? st->ns : "");
}

static int k8s_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct k8s_state *st = state;
	char *f[6] = { NULL };
	int nf = k8s_fields(req->arg, f, 6), i, k = req->kind;

	st->nrequests++;
	st->req_kind = k;
	free(st->req_target);
	st->req_target = NULL;
	free(st->req_text);
	st->req_text = NULL;
	if (k >= K8S_REQ_DESCRIBE && k <= K8S_REQ_SCALE) {
		if (nf < 2 || !runbook_valid_k8s_name(f[0]) || !runbook_valid_k8s_name(f[1])) {
			k8s_req_done(st, 1,
				     "refused: not a valid Kubernetes namespace and pod name");
			goto out;
		}
		st->req_target = xasprintf("%s/%s", f[0], f[1]);
	}
	if (k != K8S_REQ_NAMESPACE && k != K8S_REQ_CONTEXT && k8s_ensure(st, err, errlen) != 0) {
		k8s_req_done(st, 1, "%s", err);
		err[0] = '\0';
		goto out;
	}
	switch (k) {
	case K8S_REQ_DESCRIBE:
		k8s_req_describe(st, f[0], f[1]);
		break;
	case K8S_REQ_LOGS:
		k8s_req_logs(st, f, nf);
		break;
	case K8S_REQ_DELETE:
		k8s_req_delete(st, f[0], f[1], nf > 2 ? f[2] : NULL);
		break;
	case K8S_REQ_RESTART:
		k8s_req_restart_scale(st, 0, f[0], f[1], NULL);
		break;
	case K8S_REQ_SCALE:
		k8s_req_restart_scale(st, 1, f[0], f[1], nf > 2 ? f[2] : NULL);
		break;
	case K8S_REQ_NAMESPACE:
		k8s_req_namespace(st, f[0] != NULL ? f[0] : "");
		break;
	case K8S_REQ_CONTEXT:
		k8s_req_context(st, f[0] != NULL ? f[0] : "");
		break;
	default:
		k8s_req_done(st, 1, "unknown request %d", k);
	}
out:
	for (i = 0; i < nf; i++)
		free(f[i]);
	return 0;
}

static void k8s_close(void *state)
{
	struct k8s_state *st = state;

	if (st == NULL)
		return;
	k8s_watch_close(st);
	if (st->multi != NULL)
		curl_multi_cleanup(st->multi);
	if (st->easy != NULL)
		curl_easy_cleanup(st->easy);
	k8s_rows_free(st->pods, st->npods);
	free(st->rv);
	kubeconfig_free(st->kc);
	free(st->context);
	free(st->ns_req);
	free(st->ns);
	free(st->req_target);
	free(st->req_text);
	free(st);
}

static void k8s_snapshot_free(void *snap)
{
	k8s_snap_free(snap);
}

const struct backend k8s_backend = {
	.name = "kubernetes",
	.open = k8s_open,
	.poll = k8s_poll,
	.request = k8s_request,
	.close = k8s_close,
	.snapshot_free = k8s_snapshot_free,
};

/* ---- the health strip's ping ---------------------------------------- */

/* The ping keeps its own kubeconfig between calls, so an exec plugin's
 * credential is reused instead of run on every ping. */
static pthread_mutex_t k8s_ping_lock = PTHREAD_MUTEX_INITIALIZER;
static struct k8s_state k8s_ping_state;

int k8s_ping(const struct config *cfg, double timeout, double *ms, char *err, size_t errlen)
{
	struct k8s_state *st = &k8s_ping_state;
	struct k8s_body b;
	long status;
	double t0;
	int rc = -1;

	pthread_mutex_lock(&k8s_ping_lock);
	st->arg.cfg = cfg;
	st->arg.timeout = timeout > 0 ? timeout : 5;
	if (st->kc == NULL && kubeconfig_load(cfg->kubeconfig, cfg->kube_context,
					      cfg->kube_namespace, &st->kc, err, errlen) != 0) {
		st->kc = NULL;
		goto out;
	}
	t0 = util_now();
	if (k8s_http(st, "GET", "/readyz", "text/plain", NULL, NULL, 1u << 20, &b, &status, err,
		     errlen) != 0)
		goto out;
	*ms = (util_now() - t0) * 1000.0;
	if (status >= 200 && status <= 299) {
		rc = 0;
	} else {
		k8s_error_text(status, b.buf, b.len, err, errlen);
	}
	free(b.buf);
out:
	pthread_mutex_unlock(&k8s_ping_lock);
	return rc;
}
