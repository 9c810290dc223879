/*
 * printer.c - pods as `kubectl get pods` prints them, from what the API
 * server sends: a Table (as=Table) page, a PodList page, or one watch
 * event. For a Pod object STATUS is computed here by the API server's pod
 * printer rules (k8s_pod_status); a Table row carries it. Rows are
 * compact (struct k8s_pod) and each parsed tree is freed at once: no tree
 * of a whole list is ever kept. Pure: no I/O, any thread, fuzzed.
 */
#include <ctype.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "backends/k8s/k8s_int.h"

/* "3m" or "3m12s": a with its unit, then b with its unit unless b is 0. */
static void k8s_fmt_pair(char *buf, size_t n, long a, char ua, long b, char ub)
{
	if (b == 0)
		snprintf(buf, n, "%ld%c", a, ua);
	else
		snprintf(buf, n, "%ld%c%ld%c", a, ua, b, ub);
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
	m = s / 60;
	h = s / 3600;
	d = h / 24;
	if (s < 120)
		k8s_fmt_pair(buf, n, s, 's', 0, 0);
	else if (m < 10)
		k8s_fmt_pair(buf, n, m, 'm', s % 60, 's');
	else if (m < 180)
		k8s_fmt_pair(buf, n, m, 'm', 0, 0);
	else if (h < 8)
		k8s_fmt_pair(buf, n, h, 'h', m % 60, 'm');
	else if (h < 48)
		k8s_fmt_pair(buf, n, h, 'h', 0, 0);
	else if (h < 24 * 8)
		k8s_fmt_pair(buf, n, d, 'd', h % 24, 'h');
	else if (h < 24 * 365 * 2)
		k8s_fmt_pair(buf, n, d, 'd', 0, 0);
	else
		k8s_fmt_pair(buf, n, d / 365, 'y', h < 24 * 365 * 8 ? d % 365 : 0, 'd');
}

/* k8s_fmt_age shows seconds under 10 minutes, minutes under 8 hours,
 * hours under 8 days, then days; every boundary between those ranges is
 * a whole number of the larger unit. */
double k8s_age_next(double seconds)
{
	long s = seconds < 0 ? 0 : (long)seconds;
	long g = s < 600 ? 1 : s < 8 * 3600 ? 60 : s < 8 * 86400 ? 3600 : 86400;

	return (double)((s / g + 1) * g) - seconds;
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

/* Of the objects in array a, the first whose key is name: is its field
 * want? 0 when there is none. */
static int k8s_first_is(const cJSON *a, const char *key, const char *name, const char *field,
			const char *want)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, a)
	{
		if (k8s_streq(k8s_str(c, key), name))
			return k8s_streq(k8s_str(c, field), want);
	}
	return 0;
}

/* Is the init container named name restartable (a sidecar:
 * restartPolicy Always)? */
static int k8s_init_restartable(const cJSON *spec, const char *name)
{
	return k8s_first_is(k8s_get(spec, "initContainers"), "name", name, "restartPolicy",
			    "Always");
}

/* Is the pod condition type True? */
static int k8s_condition_true(const cJSON *status, const char *type)
{
	return k8s_first_is(k8s_get(status, "conditions"), "type", type, "status", "True");
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

void k8s_pod_free(struct k8s_pod *p)
{
	char **c;

	if (p == NULL)
		return;
	if (p->strs != NULL) {
		if (atomic_fetch_sub_explicit(&p->strs->refs, 1, memory_order_acq_rel) == 1)
			free(p->strs);
		memset(p, 0, sizeof *p);
		return;
	}
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

/* Metadata common to a Pod and a PartialObjectMetadata row: its strings
 * into v (borrowed from meta), created into p. */
static void k8s_pod_meta(struct k8s_pod *p, const char *v[K8S_NSTR], const cJSON *meta)
{
	const cJSON *o;

	v[K8S_S_NS] = k8s_str(meta, "namespace");
	v[K8S_S_NAME] = k8s_str(meta, "name");
	v[K8S_S_UID] = k8s_str(meta, "uid");
	p->created = k8s_time(k8s_str(meta, "creationTimestamp"));
	cJSON_ArrayForEach(o, k8s_get(meta, "ownerReferences"))
	{
		if (cJSON_IsTrue(k8s_get(o, "controller"))) {
			v[K8S_S_OWNER_KIND] = k8s_str_or(o, "kind", "");
			v[K8S_S_OWNER_NAME] = k8s_str_or(o, "name", "");
			break;
		}
	}
}

/* Pack p's strings v and containers; a row without a uid (never seen
 * from a real server) still needs a stable id for the selection:
 * "ns/name". */
static void k8s_pod_finish(struct k8s_pod *p, const char *v[K8S_NSTR], const char *const *ctr,
			   size_t nctr)
{
	char *id = NULL;
	const char *uid = v[K8S_S_UID];

	if (uid == NULL || uid[0] == '\0')
		v[K8S_S_UID] = id = xasprintf("%s/%s", v[K8S_S_NS] ? v[K8S_S_NS] : "",
					      v[K8S_S_NAME] ? v[K8S_S_NAME] : "");
	k8s_pod_pack(p, v, ctr, nctr);
	free(id);
	p->cpu_milli = -1;
	p->mem_bytes = -1;
}

/* A row from a full Pod object, with STATUS by the pod printer. */
static void k8s_pod_from_object(struct k8s_pod *p, const cJSON *pod)
{
	const cJSON *spec = k8s_get(pod, "spec"), *st = k8s_get(pod, "status"), *c;
	const cJSON *ctrs = k8s_get(spec, "containers");
	const char *v[K8S_NSTR] = { NULL }, *ctr[64], **cv = ctr;
	char status[160], ready[32];
	size_t n = 0, nc = (size_t)cJSON_GetArraySize(ctrs);

	memset(p, 0, sizeof *p);
	k8s_pod_meta(p, v, k8s_get(pod, "metadata"));
	k8s_pod_status(pod, status, sizeof status, ready, sizeof ready, &p->restarts,
		       &p->last_restart, &p->severity);
	v[K8S_S_STATUS] = status;
	v[K8S_S_READY] = ready;
	v[K8S_S_NODE] = k8s_str(spec, "nodeName");
	v[K8S_S_IP] = k8s_str(st, "podIP");
	if (v[K8S_S_IP] == NULL)
		v[K8S_S_IP] = k8s_str(cJSON_GetArrayItem(k8s_get(st, "podIPs"), 0), "ip");
	if (nc > sizeof ctr / sizeof *ctr)
		cv = xcalloc(nc, sizeof *cv);
	cJSON_ArrayForEach(c, ctrs)
	{
		if (n < nc)
			cv[n++] = k8s_str(c, "name");
	}
	k8s_pod_finish(p, v, cv, n);
	if (cv != ctr)
		free(cv);
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

/* A cell as text ("" when absent; "<none>" becomes ""): a string cell
 * is borrowed from the tree, a number written into buf. */
static const char *k8s_cell_of(const cJSON *c, char *buf, size_t buflen)
{
	if (cJSON_IsString(c) && c->valuestring != NULL && strcmp(c->valuestring, "<none>") != 0)
		return c->valuestring;
	buf[0] = '\0';
	if (cJSON_IsNumber(c))
		snprintf(buf, buflen, "%ld", k8s_long(c->valuedouble));
	return buf;
}

/* A row from a Table row: cells by column, metadata from its object. */
static int k8s_pod_from_row(struct k8s_pod *p, const cJSON *row, const int idx[K8S_NCOLS],
			    double now)
{
	const cJSON *cells = k8s_get(row, "cells"), *c, *cell[K8S_NCOLS] = { NULL };
	const cJSON *meta = k8s_get(k8s_get(row, "object"), "metadata");
	const char *v[K8S_NSTR] = { NULL }, *rs, *age;
	char bufs[K8S_NCOLS][32];
	int i, k = 0;

	if (!cJSON_IsArray(cells) || idx[K8S_COL_NAME] < 0)
		return -1;
	memset(p, 0, sizeof *p);
	/* The cells we read, in one walk of the array. */
	cJSON_ArrayForEach(c, cells)
	{
		for (i = 0; i < K8S_NCOLS; i++)
			if (idx[i] == k)
				cell[i] = c;
		k++;
	}
	k8s_pod_meta(p, v, meta);
	if (v[K8S_S_NAME] == NULL || v[K8S_S_NAME][0] == '\0') {
		v[K8S_S_NAME] = k8s_cell_of(cell[K8S_COL_NAME], bufs[K8S_COL_NAME], 32);
		v[K8S_S_UID] = NULL; /* "ns/name" */
	}
	v[K8S_S_READY] = k8s_cell_of(cell[K8S_COL_READY], bufs[K8S_COL_READY], 32);
	v[K8S_S_STATUS] = k8s_cell_of(cell[K8S_COL_STATUS], bufs[K8S_COL_STATUS], 32);
	v[K8S_S_IP] = k8s_cell_of(cell[K8S_COL_IP], bufs[K8S_COL_IP], 32);
	v[K8S_S_NODE] = k8s_cell_of(cell[K8S_COL_NODE], bufs[K8S_COL_NODE], 32);
	/* "5 (3m ago)": the count, and roughly when. */
	rs = k8s_cell_of(cell[K8S_COL_RESTARTS], bufs[K8S_COL_RESTARTS], 32);
	p->restarts = atoi(rs);
	if (p->restarts > 0 && strchr(rs, '(') != NULL) {
		double ago = k8s_parse_age(strchr(rs, '(') + 1, NULL);

		if (ago >= 0)
			p->last_restart = now - ago;
	}
	if (p->created == 0) {
		double a;

		age = k8s_cell_of(cell[K8S_COL_AGE], bufs[K8S_COL_AGE], 32);
		a = k8s_parse_age(age, NULL);
		if (a >= 0)
			p->created = now - a;
	}
	p->severity = k8s_row_severity(v[K8S_S_STATUS], v[K8S_S_READY]);
	k8s_pod_finish(p, v, NULL, 0); /* a Table has no spec: no containers */
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
	struct k8s_arena arena;
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
	root = k8s_arena_parse(&arena, body, len);
	if (!cJSON_IsObject(root)) {
		k8s_arena_free(&arena);
		snprintf(err, errlen, "invalid JSON from the API server");
		return -1;
	}
	kind = k8s_str(root, "kind");
	if (k8s_streq(kind, "Status")) {
		k8s_status_message(root, err, errlen);
		k8s_arena_free(&arena);
		return -1;
	}
	if (k8s_streq(kind, "Table")) {
		int idx[K8S_NCOLS];
		const cJSON *rows = k8s_get(root, "rows");

		/* Go writes an empty slice as null; a Table without the key is
		 * no answer. */
		if (!cJSON_IsArray(rows) && !cJSON_IsNull(rows)) {
			k8s_arena_free(&arena);
			snprintf(err, errlen, "a Table without rows from the API server");
			return -1;
		}
		k8s_table_columns(k8s_get(root, "columnDefinitions"), idx);
		if (idx[K8S_COL_NAME] < 0 || idx[K8S_COL_STATUS] < 0) {
			k8s_arena_free(&arena);
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
		k8s_arena_free(&arena);
		return -1;
	}
	meta = k8s_get(root, "metadata");
	v = k8s_str(meta, "continue");
	if (v != NULL && v[0] != '\0')
		*cont = xstrdup(v);
	v = k8s_str(meta, "resourceVersion");
	if (v != NULL && v[0] != '\0')
		*rv = xstrdup(v);
	k8s_arena_free(&arena);
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
int k8s_event(const char *line, size_t len, struct k8s_pod **pods, size_t *n, char **rv, char *err,
	      size_t errlen)
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

void k8s_rows_free(struct k8s_pod *pods, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		k8s_pod_free(&pods[i]);
	free(pods);
}
