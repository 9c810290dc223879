/*
 * actions.c - what the Pods panel asks of the Kubernetes runner (struct
 * k8s_req, see k8s.h): describe, logs, delete, rollout restart, scale,
 * namespace and context switch. Names are validated
 * (runbook_valid_k8s_name) before any URL is built; the result of the
 * newest request goes out in the next snapshot. Worker thread only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/k8s/k8s_int.h"
#include "core/runbook.h"

struct k8s_req *k8s_req_new(const char *ns, const char *pod)
{
	struct k8s_req *r = xcalloc(1, sizeof *r);

	r->ns = ns != NULL ? xstrdup(ns) : NULL;
	r->pod = pod != NULL ? xstrdup(pod) : NULL;
	r->tail = -1;
	return r;
}

void k8s_req_free(void *req)
{
	struct k8s_req *r = req;

	if (r == NULL)
		return;
	free(r->ns);
	free(r->pod);
	free(r->container);
	free(r->uid);
	free(r->since);
	free(r->name);
	free(r);
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

static void k8s_req_logs(struct k8s_state *st, const struct k8s_req *rq)
{
	const char *ns = rq->ns, *name = rq->pod;
	char *container = rq->container != NULL && rq->container[0] ? xstrdup(rq->container) : NULL,
	     *path, *sub, *ec, *esince = NULL, tail[32] = "";
	long status;
	int previous = rq->previous != 0;
	char err[256];
	struct k8s_body b;

	if (rq->tail != -1) {
		if (rq->tail < 0 || rq->tail > 10000000) {
			k8s_req_done(st, 1, "logs: bad tail line count");
			free(container);
			return;
		}
		snprintf(tail, sizeof tail, "%ld", rq->tail);
	}
	if (rq->since != NULL && rq->since[0] != '\0') {
		if (k8s_time(rq->since) <= 0) {
			k8s_req_done(st, 1, "logs: bad since time");
			free(container);
			return;
		}
		esince = k8s_escape(rq->since);
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
			previous ? "&previous=true" : "", tail[0] ? "&tailLines=" : "", tail,
			esince ? "&timestamps=true&sinceTime=" : "", esince ? esince : "");
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
				  long n)
{
	char err[256], *kind = NULL, *wname = NULL, *path, *body, *en, *ew, one[32];
	struct k8s_body b;
	long status;

	if (scale && (n < 0 || n > K8S_MAX_REPLICAS)) {
		k8s_req_done(st, 1, "scale: replicas must be a number from 0 to %d",
			     K8S_MAX_REPLICAS);
		return;
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

int k8s_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct k8s_state *st = state;
	const struct k8s_req none = { .tail = -1 }, *rq = req->data != NULL ? req->data : &none;
	int k = req->kind;

	st->nrequests++;
	st->req_kind = k;
	free(st->req_target);
	st->req_target = NULL;
	free(st->req_text);
	st->req_text = NULL;
	if (k >= K8S_REQ_DESCRIBE && k <= K8S_REQ_SCALE) {
		if (rq->ns == NULL || rq->pod == NULL || !runbook_valid_k8s_name(rq->ns) ||
		    !runbook_valid_k8s_name(rq->pod)) {
			k8s_req_done(st, 1,
				     "refused: not a valid Kubernetes namespace and pod name");
			return 0;
		}
		st->req_target = xasprintf("%s/%s", rq->ns, rq->pod);
	}
	if (k != K8S_REQ_NAMESPACE && k != K8S_REQ_CONTEXT && k8s_ensure(st, err, errlen) != 0) {
		k8s_req_done(st, 1, "%s", err);
		err[0] = '\0';
		return 0;
	}
	switch (k) {
	case K8S_REQ_DESCRIBE:
		k8s_req_describe(st, rq->ns, rq->pod);
		break;
	case K8S_REQ_LOGS:
		k8s_req_logs(st, rq);
		break;
	case K8S_REQ_DELETE:
		st->in_action = 1;
		k8s_req_delete(st, rq->ns, rq->pod, rq->uid);
		break;
	case K8S_REQ_RESTART:
		st->in_action = 1;
		k8s_req_restart_scale(st, 0, rq->ns, rq->pod, 0);
		break;
	case K8S_REQ_SCALE:
		st->in_action = 1;
		k8s_req_restart_scale(st, 1, rq->ns, rq->pod, rq->replicas);
		break;
	case K8S_REQ_NAMESPACE:
		k8s_req_namespace(st, rq->name != NULL ? rq->name : "");
		break;
	case K8S_REQ_CONTEXT:
		k8s_req_context(st, rq->name != NULL ? rq->name : "");
		break;
	default:
		k8s_req_done(st, 1, "unknown request %d", k);
	}
	st->in_action = 0;
	return 0;
}
