/*
 * describe.c - `kubectl describe pod`-like text from a Pod object and
 * its EventList: identity, node, labels, status as kubectl shows it,
 * containers with state, resources and environment (literal secrets
 * masked, references named), conditions, and the events oldest first.
 * Pure: no I/O, any thread, fuzzed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/k8s/k8s_int.h"
#include "lib/redact.h"

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

/* "  Reason:        v" under a state, when v is set. */
static void k8s_describe_opt(struct strbuf *sb, const char *indent, const char *label,
			     const char *v)
{
	if (v != NULL)
		strbuf_printf(sb, "%s  %-14s %s\n", indent, label, v);
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
		k8s_describe_opt(sb, indent, "Reason:", k8s_str(w, "reason"));
		k8s_describe_opt(sb, indent, "Message:", k8s_str(w, "message"));
	} else if (t != NULL) {
		strbuf_printf(sb, "%s%-16s Terminated\n", indent, label);
		k8s_describe_opt(sb, indent, "Reason:", k8s_str(t, "reason"));
		k8s_describe_opt(sb, indent, "Message:", k8s_str(t, "message"));
		strbuf_printf(sb, "%s  %-14s %ld\n", indent,
			      "Exit Code:", k8s_num(t, "exitCode", 0));
		if (k8s_num(t, "signal", 0) != 0)
			strbuf_printf(sb, "%s  %-14s %ld\n", indent,
				      "Signal:", k8s_num(t, "signal", 0));
		k8s_fmt_time(tb, sizeof tb, k8s_str(t, "startedAt"));
		k8s_describe_opt(sb, indent, "Started:", tb);
		k8s_fmt_time(tb, sizeof tb, k8s_str(t, "finishedAt"));
		k8s_describe_opt(sb, indent, "Finished:", tb);
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
