/*
 * pods_actions.c - what the Pods panel asks of the Kubernetes runner and
 * the dialogs before it: one request at a time (the snapshot carries the
 * newest result), delete, rollout restart and scale confirmed with
 * exactly what is sent, refused in --read-only or when the access review
 * says no, a pod replaced since the dialog opened refused as "target
 * changed", every action audited before and after; s hands the terminal
 * to kubectl exec with every value passed through the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/runbook.h"
#include "lib/util.h"
#include "panels/host.h"
#include "panels/pods_int.h"
#include "runtime/exec.h"
#include "runtime/runner.h"

static void pods_audit(struct pods_panel *pp, const char *event, const char *step,
		       const char *command, const char *target, const char *status, int exit_code,
		       double duration, const char *reason)
{
	panel_audit(pp->app, &(struct audit_event){ .event = event,
						    .runbook = "pods panel",
						    .step = step,
						    .command = command,
						    .target = target,
						    .status = status,
						    .exit_code = exit_code,
						    .duration = duration,
						    .reason = reason });
}

static int pods_is_action(int kind)
{
	return kind == K8S_REQ_DELETE || kind == K8S_REQ_RESTART || kind == K8S_REQ_SCALE;
}

/* 1 while an earlier request waits for its result: the snapshot carries
 * only the newest, so requests go one at a time. One left unanswered for
 * PODS_PENDING_MAX is given up (its audit line says so). */
int pods_busy_request(struct pods_panel *pp, int quiet)
{
	if (pp->pending == 0)
		return 0;
	if (util_now() - pp->pending_since > PODS_PENDING_MAX) {
		if (pods_is_action(pp->pending))
			pods_audit(pp, "end", pp->pending_step, pp->pending_cmd, pp->pending_target,
				   "unknown", -1, -1, "no result from the API server in 30 s");
		pp->pending = 0;
		return 0;
	}
	if (!quiet)
		app_message(pp->app, ROLE_WARN, "waiting for the previous request (%s) ...",
			    pp->pending_step);
	return 1;
}

void pods_send(struct pods_panel *pp, int kind, const char *step, struct k8s_req *rq, int interrupt)
{
	/* A request replaced in the queue is never delivered, so never
	 * counted in the snapshots' nrequests. */
	pp->sent -= runner_supersede(pp->feed.r, kind, rq, k8s_req_free, interrupt);
	pp->sent++;
	pp->pending = kind;
	pp->pending_since = util_now();
	snprintf(pp->pending_step, sizeof pp->pending_step, "%s", step);
}

static void pods_switch_send(struct pods_panel *pp, int kind, struct k8s_req *rq)
{
	int all = strcmp(rq->name, "all") == 0;

	if (kind == K8S_REQ_CONTEXT) {
		snprintf(pp->ctx_want, sizeof pp->ctx_want, "%s", rq->name);
		pp->switching = 1;
		pp->switch_since = util_now();
		app_set_context(pp->app, rq->name);
		app_message(pp->app, ROLE_RUNNING, "switching to context %s ...", rq->name);
	} else {
		app_message(pp->app, ROLE_RUNNING, "switching to %s%s ...",
			    all ? "every namespace" : "namespace ", all ? "" : rq->name);
	}
	/* The rows held are of what is being left. */
	pods_forget(pp);
	/* Whatever the worker is doing (a plugin that does not answer, a
	 * list of the namespace left) is obsolete: interrupt it. */
	pods_send(pp, kind, kind == K8S_REQ_CONTEXT ? "context" : "namespace", rq, 1);
	if (kind == K8S_REQ_CONTEXT)
		pp->ctx_sent = pp->sent;
}

/* A switch is never refused for a request in flight: it replaces one
 * still queued and interrupts the work in flight. Only an action (delete,
 * restart, scale) waiting for its answer is waited for, so its result and
 * audit line are not lost: the switch goes right after it. */
void pods_switch(struct pods_panel *pp, int ctx, const char *name)
{
	struct k8s_req *rq = k8s_req_new(NULL, NULL);
	int kind = ctx ? K8S_REQ_CONTEXT : K8S_REQ_NAMESPACE;

	rq->name = xstrdup(name);
	pods_busy_request(pp, 1); /* gives up one unanswered for too long */
	if (pods_is_action(pp->pending)) {
		k8s_req_free(pp->next_req);
		pp->next_req = rq;
		pp->next_kind = kind;
		app_message(pp->app, ROLE_WARN, "%s %s once %s is answered ...",
			    ctx ? "context" : "namespace", name, pp->pending_step);
		return;
	}
	if (pp->mode != PODS_LIST)
		pods_back(pp);
	pods_switch_send(pp, kind, rq);
}

void pods_lend(struct pods_panel *pp)
{
	if (pp->lender != NULL && pp->lender != pods_snap(pp))
		k8s_snap_free(pp->lender);
	pp->lender = pods_snap(pp);
}

int pods_take(struct pods_panel *pp)
{
	int got;

	if (pp->feed.snap == NULL || pp->feed.snap != pp->lender)
		return panel_feed_take(&pp->feed);
	pp->feed.snap = NULL; /* kept: pods_fill frees it */
	got = panel_feed_take(&pp->feed);
	if (pp->feed.snap == NULL)
		pp->feed.snap = pp->lender;
	return got;
}

int pods_switch_progress(struct pods_panel *pp, int got)
{
	const struct k8s_snap *s = pods_snap(pp);
	struct k8s_req *rq;

	if (pp->next_req != NULL && pp->pending == 0) {
		rq = pp->next_req;
		pp->next_req = NULL;
		if (pp->mode != PODS_LIST)
			pods_back(pp);
		pods_switch_send(pp, pp->next_kind, rq);
		return got & ~PANEL_FEED_SNAP;
	}
	if (!pp->switching)
		return got;
	if ((got & PANEL_FEED_SNAP) && s != NULL) {
		if (s->nrequests < pp->ctx_sent) {
			/* Listed before the switch: rows of the context left. */
			pods_forget(pp);
			return got & ~PANEL_FEED_SNAP;
		}
		pp->switching = 0;
		/* Refused (no such context): the worker kept the old one. */
		if (s->context == NULL || strcmp(s->context, pp->ctx_want) != 0)
			pp->ctx_want[0] = '\0';
		return got;
	}
	if ((got & PANEL_FEED_STATUS) && pp->feed.status.state == MAILBOX_ERROR &&
	    pp->feed.status.last_attempt >= pp->switch_since) {
		/* The new context fails: its error is the news, and no
		 * snapshot will carry the switch's result. */
		pp->switching = 0;
		if (pp->pending == K8S_REQ_CONTEXT)
			pp->pending = 0;
		app_message(pp->app, ROLE_ERROR, "context %s: %s", pp->ctx_want,
			    pp->feed.status.error);
	}
	return got;
}

/* The snapshot answered the request in flight. */
void pods_result(struct pods_panel *pp)
{
	const struct k8s_snap *s = pods_snap(pp);
	int kind = pp->pending;

	if (s == NULL || kind == 0 || s->nrequests < pp->sent)
		return;
	pp->pending = 0;
	switch (kind) {
	case K8S_REQ_DESCRIBE:
	case K8S_REQ_LOGS:
		if ((kind == K8S_REQ_DESCRIBE) != (pp->mode == PODS_DESCRIBE_VIEW) ||
		    pp->mode == PODS_LIST || pp->vns == NULL ||
		    (s->request_target != NULL && strcmp(s->request_target, pp->pending_target)))
			return;
		if (s->request_failed || s->request_kind != kind) {
			snprintf(pp->view_error, sizeof pp->view_error, "%s", s->request_msg);
			return;
		}
		pp->view_error[0] = '\0';
		pods_text_set(pp, s->request_text);
		break;
	case K8S_REQ_DELETE:
	case K8S_REQ_RESTART:
	case K8S_REQ_SCALE:
		pods_audit(pp, "end", pp->pending_step, pp->pending_cmd, pp->pending_target,
			   s->request_failed ? "failed" : "ok", -1, -1, s->request_msg);
		app_message(pp->app, s->request_failed ? ROLE_ERROR : ROLE_OK, "%s",
			    s->request_msg);
		break;
	default:
		app_message(pp->app, s->request_failed ? ROLE_ERROR : ROLE_OK, "%s",
			    s->request_msg);
		break;
	}
}

void pods_act_clear(struct pods_panel *pp)
{
	free(pp->act_ns);
	free(pp->act_pod);
	free(pp->act_uid);
	free(pp->act_container);
	pp->act_ns = pp->act_pod = pp->act_uid = pp->act_container = NULL;
	pp->act = 0;
}

static const char *pods_step_name(int act)
{
	switch (act) {
	case PODS_DELETE:
		return "delete pod";
	case PODS_RESTART:
		return "rollout restart";
	case PODS_SCALE:
		return "scale";
	case PODS_SHELL:
		return "shell";
	}
	return "action";
}

/* Refused in --read-only, or when the access review said no (allowed
 * 0; -1 unknown lets the API server decide). 1 if refused. */
static int pods_refuse(struct pods_panel *pp, int act, const struct k8s_pod *p, int allowed,
		       const char *verb)
{
	char reason[400], target[300];
	enum role role = ROLE_ERROR;

	snprintf(target, sizeof target, "%s/%s", p->ns, p->name);
	if (app_read_only(pp->app)) {
		snprintf(reason, sizeof reason, "read-only mode: refused %s %s on the pods panel",
			 pods_step_name(act), target);
		role = ROLE_READONLY;
	} else if (allowed == 0) {
		snprintf(reason, sizeof reason, "not allowed: RBAC says no (%s in %s)", verb,
			 p->ns);
	} else {
		return 0;
	}
	pods_audit(pp, "refused", pods_step_name(act), pods_step_name(act), target, "refused", -1,
		   -1, reason);
	app_message(pp->app, role, "%s; nothing was sent", reason);
	return 1;
}

/* The workload a rollout restart or scale acts on: a ReplicaSet's
 * Deployment (named here by dropping the pod-template-hash; the backend
 * follows the ReplicaSet's ownerReferences), or the StatefulSet. */
static int pods_workload(struct pods_panel *pp, const struct k8s_pod *p)
{
	const char *dash;

	if (p->owner_kind != NULL && p->owner_name != NULL &&
	    strcmp(p->owner_kind, "ReplicaSet") == 0) {
		dash = strrchr(p->owner_name, '-');
		snprintf(pp->act_kind, sizeof pp->act_kind, "deployment");
		snprintf(pp->act_name, sizeof pp->act_name, "%.*s",
			 dash != NULL && dash != p->owner_name ? (int)(dash - p->owner_name)
							       : (int)strlen(p->owner_name),
			 p->owner_name);
		return 0;
	}
	if (p->owner_kind != NULL && p->owner_name != NULL &&
	    (strcmp(p->owner_kind, "StatefulSet") == 0 ||
	     strcmp(p->owner_kind, "Deployment") == 0 ||
	     (strcmp(p->owner_kind, "DaemonSet") == 0 && pp->act == PODS_RESTART))) {
		snprintf(pp->act_kind, sizeof pp->act_kind, "%s",
			 p->owner_kind[0] == 'S'   ? "statefulset"
			 : p->owner_kind[1] == 'a' ? "daemonset"
						   : "deployment");
		snprintf(pp->act_name, sizeof pp->act_name, "%s", p->owner_name);
		return 0;
	}
	app_message(pp->app, ROLE_WARN,
		    "%s/%s is not run by a Deployment or StatefulSet%s (owner: %s%s%s); nothing to "
		    "%s",
		    p->ns, p->name, pp->act == PODS_RESTART ? " or DaemonSet" : "",
		    p->owner_kind ? p->owner_kind : "none", p->owner_name ? " " : "",
		    p->owner_name ? p->owner_name : "",
		    pp->act == PODS_RESTART ? "restart" : "scale");
	return -1;
}

/* Take the selected pod for action act: validated, allowed, nothing in
 * flight. Fills act_ns/act_pod/act_uid. */
static const struct k8s_pod *pods_act_begin(struct pods_panel *pp, int act)
{
	const struct k8s_pod *p = pods_selected(pp);
	int sts;
	const char *verb = "";

	if (p == NULL || !pods_valid(pp, p->ns, p->name))
		return NULL;
	sts = p->owner_kind && strcmp(p->owner_kind, "StatefulSet") == 0;
	switch (act) {
	case PODS_DELETE:
		verb = "delete pods";
		break;
	case PODS_RESTART:
		verb = sts ? "patch statefulsets" : "patch deployments";
		break;
	case PODS_SCALE:
		verb = sts ? "update statefulsets/scale" : "update deployments/scale";
		break;
	case PODS_SHELL:
		verb = "create pods/exec";
		break;
	}
	if (pods_refuse(pp, act, p, pods_allowed(&pods_snap(pp)->access, act), verb))
		return NULL;
	if (act != PODS_SHELL && pods_busy_request(pp, 0))
		return NULL;
	pods_act_clear(pp);
	pp->act = act;
	pp->act_ns = xstrdup(p->ns);
	pp->act_pod = xstrdup(p->name);
	pp->act_uid = xstrdup(p->uid);
	return p;
}

/* Between the dialog and the request the pod may have been replaced by
 * one of the same name (D5): then nothing is sent. */
static int pods_act_still(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_find(pp, pp->act_ns, pp->act_pod);
	char target[300], reason[400];

	if (p != NULL && strcmp(p->uid, pp->act_uid) == 0)
		return 1;
	snprintf(target, sizeof target, "%s/%s", pp->act_ns, pp->act_pod);
	snprintf(reason, sizeof reason, "target changed: %s %s since the dialog opened", target,
		 p == NULL ? "is gone" : "was replaced (new UID)");
	pods_audit(pp, "refused", pods_step_name(pp->act), pp->act_cmd, target, "refused", -1, -1,
		   reason);
	app_message(pp->app, ROLE_ERROR, "%s; nothing was sent", reason);
	return 0;
}

static void pods_act_confirmed(void *ctx, int confirmed)
{
	struct pods_panel *pp = ctx;
	char target[300];
	struct k8s_req *rq;
	int kind;

	snprintf(target, sizeof target, "%s/%s", pp->act_ns, pp->act_pod);
	if (!confirmed) {
		pods_audit(pp, "cancelled", pods_step_name(pp->act), pp->act_cmd, target,
			   "cancelled", -1, -1, "not confirmed");
		app_message(pp->app, ROLE_WARN, "cancelled: nothing was sent");
		pods_act_clear(pp);
		return;
	}
	if (!pods_act_still(pp) || pods_busy_request(pp, 0)) {
		pods_act_clear(pp);
		return;
	}
	rq = k8s_req_new(pp->act_ns, pp->act_pod);
	switch (pp->act) {
	case PODS_DELETE:
		/* With the UID the API server refuses (409) a pod replaced since. */
		kind = K8S_REQ_DELETE;
		rq->uid = xstrdup(pp->act_uid);
		break;
	case PODS_RESTART:
		kind = K8S_REQ_RESTART;
		break;
	default:
		kind = K8S_REQ_SCALE;
		rq->replicas = pp->act_replicas;
		break;
	}
	pods_audit(pp, "run", pods_step_name(pp->act), pp->act_cmd, target, NULL, -1, -1, NULL);
	pods_send(pp, kind, pods_step_name(pp->act), rq, 0);
	snprintf(pp->pending_cmd, sizeof pp->pending_cmd, "%s", pp->act_cmd);
	snprintf(pp->pending_target, sizeof pp->pending_target, "%s", target);
	app_message(pp->app, ROLE_RUNNING, "%s %s ...", pods_step_name(pp->act), target);
	pods_act_clear(pp);
}

/* Confirm the action prepared: the four lines l (what it does, what is
 * sent, the kubectl equivalent) and a note; type, label and danger as
 * struct app_confirm has them. */
static void pods_confirm(struct pods_panel *pp, const char *title, char l[4][400], const char *note,
			 const char *type, const char *label, int danger)
{
	const char *body[5] = { l[0], l[1], l[2], l[3], note };
	struct app_confirm c = { 0 };

	c.title = title;
	c.body = body;
	c.nbody = 5;
	c.type = type;
	c.run_label = label;
	c.danger = danger;
	c.done = pods_act_confirmed;
	c.ctx = pp;
	app_confirm(pp->app, &c);
}

void pods_delete(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_act_begin(pp, PODS_DELETE);
	char l[4][400];

	if (p == NULL)
		return;
	snprintf(l[0], sizeof l[0], "DELETE /api/v1/namespaces/%s/pods/%s", p->ns, p->name);
	snprintf(l[1], sizeof l[1],
		 "  {\"preconditions\":{\"uid\":\"%s\"}}  (only this pod, not a "
		 "namesake)",
		 p->uid);
	snprintf(l[2], sizeof l[2], "(kubectl --context %s delete pod %s -n %s)", pods_context(pp),
		 p->name, p->ns);
	if (p->owner_kind != NULL)
		snprintf(l[3], sizeof l[3], "Owned by %s %s: its controller creates a replacement.",
			 p->owner_kind, p->owner_name ? p->owner_name : "");
	else
		snprintf(l[3], sizeof l[3], "No controller owns it: it will NOT come back.");
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s %s", l[0], l[2]);
	pods_confirm(pp, "Delete pod", l,
		     "Graceful: the pod's termination grace period applies (no --force, no --now).",
		     pp->act_pod, "Delete", 1);
}

void pods_restart(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_act_begin(pp, PODS_RESTART);
	char l[4][400];

	if (p == NULL)
		return;
	if (pods_workload(pp, p) != 0) {
		pods_act_clear(pp);
		return;
	}
	snprintf(l[0], sizeof l[0], "Rollout restart of %s/%s, which runs pod %s%s", pp->act_kind,
		 pp->act_name, p->name,
		 strcmp(p->owner_kind, "ReplicaSet") == 0 ? " (through its ReplicaSet)" : "");
	snprintf(l[1], sizeof l[1], "PATCH /apis/apps/v1/namespaces/%s/%ss/%s", p->ns, pp->act_kind,
		 pp->act_name);
	snprintf(l[2], sizeof l[2],
		 "  spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt] = now");
	snprintf(l[3], sizeof l[3], "(kubectl --context %s rollout restart %s/%s -n %s)",
		 pods_context(pp), pp->act_kind, pp->act_name, p->ns);
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s restartedAt=now %s", l[1], l[3]);
	pods_confirm(pp, "Rollout restart", l,
		     "Every pod of it is replaced, by its rolling update strategy.", NULL,
		     "Restart", 0);
}

static void pods_got_replicas(void *ctx, const char *value)
{
	struct pods_panel *pp = ctx;
	char l[4][400], *end;
	long n;

	if (value == NULL || value[0] == '\0') {
		app_message(pp->app, ROLE_WARN, "cancelled: nothing was sent");
		pods_act_clear(pp);
		return;
	}
	n = strtol(value, &end, 10);
	if (*end != '\0' || n < 0 || n > PODS_MAX_REPLICAS || value[0] < '0' || value[0] > '9') {
		app_message(pp->app, ROLE_ERROR,
			    "replicas: a number from 0 to %d; nothing was sent", PODS_MAX_REPLICAS);
		pods_act_clear(pp);
		return;
	}
	pp->act_replicas = n;
	snprintf(l[0], sizeof l[0], "Scale %s/%s (runs pod %s) to %ld replicas", pp->act_kind,
		 pp->act_name, pp->act_pod, n);
	snprintf(l[1], sizeof l[1], "PATCH /apis/apps/v1/namespaces/%s/%ss/%s/scale", pp->act_ns,
		 pp->act_kind, pp->act_name);
	snprintf(l[2], sizeof l[2], "  {\"spec\":{\"replicas\":%ld}}", n);
	snprintf(l[3], sizeof l[3], "(kubectl --context %s scale %s/%s --replicas=%ld -n %s)",
		 pods_context(pp), pp->act_kind, pp->act_name, n, pp->act_ns);
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s replicas=%ld %s", l[1], n, l[3]);
	pods_confirm(pp, "Scale", l,
		     n == 0 ? "Scaling to 0 stops every pod of it: type its name to confirm."
			    : "Pods are added or removed to match.",
		     n == 0 ? pp->act_name : NULL, "Scale", n == 0);
}

void pods_scale(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_act_begin(pp, PODS_SCALE);
	char label[400];

	if (p == NULL)
		return;
	if (pods_workload(pp, p) != 0) {
		pods_act_clear(pp);
		return;
	}
	snprintf(label, sizeof label, "Scale %s/%s in %s to how many replicas? ", pp->act_kind,
		 pp->act_name, p->ns);
	app_prompt(pp->app, label, "", 0, pods_got_replicas, pp);
}

static void pods_shell_confirmed(void *ctx, int confirmed)
{
	struct pods_panel *pp = ctx;
	const struct config *c = app_config(pp->app);
	struct exec_spec spec = { 0 };
	struct exec_status st;
	char target[300], *env[7], status[32];
	struct strbuf cmd = { 0 };
	int n = 0, rc, i;

	snprintf(target, sizeof target, "%s/%s", pp->act_ns, pp->act_pod);
	if (!confirmed) {
		pods_audit(pp, "cancelled", "shell", pp->act_cmd, target, "cancelled", -1, -1,
			   "not confirmed");
		app_message(pp->app, ROLE_WARN, "cancelled: no shell was opened");
		pods_act_clear(pp);
		return;
	}
	if (!pods_act_still(pp)) {
		pods_act_clear(pp);
		return;
	}
	/* Every value reaches kubectl as its own argument through the
	 * environment; nothing is spliced into the command text. */
	env[n++] = xasprintf("AM_KUBECTL=%s", pp->kubectl);
	env[n++] = xasprintf("AM_K8S_CONTEXT=%s", pods_context(pp));
	env[n++] = xasprintf("AM_K8S_NS=%s", pp->act_ns);
	env[n++] = xasprintf("AM_K8S_POD=%s", pp->act_pod);
	env[n++] = xasprintf("AM_K8S_CONTAINER=%s", pp->act_container ? pp->act_container : "");
	if (c->kubeconfig != NULL)
		env[n++] = xasprintf("KUBECONFIG=%s", c->kubeconfig);
	env[n] = NULL;
	strbuf_puts(&cmd, "exec \"$AM_KUBECTL\"");
	if (pods_snap(pp) != NULL && pods_snap(pp)->context != NULL)
		strbuf_puts(&cmd, " --context \"$AM_K8S_CONTEXT\"");
	strbuf_puts(&cmd, " exec -it -n \"$AM_K8S_NS\" \"$AM_K8S_POD\"");
	if (pp->act_container != NULL)
		strbuf_puts(&cmd, " -c \"$AM_K8S_CONTAINER\"");
	strbuf_puts(&cmd, " -- sh");
	spec.shell = app_shell(pp->app);
	spec.command = cmd.buf;
	spec.env = (const char *const *)env;
	pods_audit(pp, "run", "shell", pp->act_cmd, target, NULL, -1, -1, NULL);
	rc = app_run_foreground(pp->app, &spec, &st);
	if (rc != 0)
		snprintf(status, sizeof status, "failed to start");
	else if (st.state == EXEC_EXITED)
		snprintf(status, sizeof status, st.exit_code == 0 ? "ok" : "failed");
	else
		snprintf(status, sizeof status, "killed by a signal");
	pods_audit(pp, "end", "shell", pp->act_cmd, target, status,
		   rc == 0 && st.state == EXEC_EXITED ? st.exit_code : -1, st.duration,
		   rc != 0 ? st.error : NULL);
	if (rc != 0)
		app_message(pp->app, ROLE_ERROR, "shell: could not start kubectl: %s", st.error);
	else
		app_message(pp->app,
			    st.state == EXEC_EXITED && st.exit_code == 0 ? ROLE_OK : ROLE_WARN,
			    "shell in %s (%s) ended: %s, exit %d", target,
			    pp->act_container ? pp->act_container : "default container", status,
			    st.exit_code);
	for (i = 0; i < n; i++)
		free(env[i]);
	strbuf_free(&cmd);
	pods_act_clear(pp);
}

static void pods_shell_container(struct pods_panel *pp, const char *container)
{
	char l0[400], l1[400];
	const char *body[3];

	pp->act_container = container != NULL ? xstrdup(container) : NULL;
	snprintf(l0, sizeof l0, "kubectl --context %s exec -it -n %s %s%s%s -- sh",
		 pods_context(pp), pp->act_ns, pp->act_pod, container ? " -c " : "",
		 container ? container : "");
	snprintf(l1, sizeof l1, "(%s%s, the terminal handed over until the shell exits)",
		 pp->kubectl, container ? "" : "; kubectl picks the pod's default container");
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s", l0);
	body[0] = l0;
	body[1] = l1;
	body[2] = "Commands typed in that shell run in the container and can change it.";
	{
		struct app_confirm c = { 0 };

		c.title = "Shell into a container";
		c.body = body;
		c.nbody = 3;
		c.run_label = "Open shell";
		c.done = pods_shell_confirmed;
		c.ctx = pp;
		app_confirm(pp->app, &c);
	}
}

static const struct k8s_pod *pods_act_pod(struct pods_panel *pp)
{
	return pp->act_ns != NULL ? pods_find(pp, pp->act_ns, pp->act_pod) : NULL;
}

static void pods_got_container(void *ctx, const char *value)
{
	struct pods_panel *pp = ctx;
	const struct k8s_pod *p = pods_act_pod(pp);
	size_t i;

	if (value == NULL || value[0] == '\0' || p == NULL) {
		app_message(pp->app, ROLE_WARN, "cancelled: no shell was opened");
		pods_act_clear(pp);
		return;
	}
	for (i = 0; p->containers != NULL && p->containers[i] != NULL; i++)
		if (strcmp(p->containers[i], value) == 0)
			break;
	if (p->containers == NULL || p->containers[i] == NULL) {
		app_message(pp->app, ROLE_ERROR, "%s has no container \"%s\"; no shell was opened",
			    p->name, value);
		pods_act_clear(pp);
		return;
	}
	pods_shell_container(pp, value);
}

void pods_shell(struct pods_panel *pp)
{
	const struct k8s_pod *p;
	struct strbuf label = { 0 };
	size_t i, n = 0;

	if (pp->kubectl == NULL) {
		app_message(pp->app, ROLE_ERROR,
			    "s needs kubectl on PATH (not found, or in an unsafe directory, at "
			    "start-up)");
		return;
	}
	p = pods_act_begin(pp, PODS_SHELL);
	if (p == NULL)
		return;
	while (p->containers != NULL && p->containers[n] != NULL)
		n++;
	for (i = 0; i < n; i++)
		if (!runbook_valid_k8s_name(p->containers[i])) {
			app_message(pp->app, ROLE_ERROR,
				    "refused: container name of %s is not a valid Kubernetes name",
				    p->name);
			pods_act_clear(pp);
			return;
		}
	if (n <= 1) {
		/* A Table row names no containers: kubectl picks the default. */
		pods_shell_container(pp, n == 1 ? p->containers[0] : NULL);
		return;
	}
	strbuf_puts(&label, "container (");
	for (i = 0; i < n; i++)
		strbuf_printf(&label, "%s%s", i ? ", " : "", p->containers[i]);
	strbuf_puts(&label, "): ");
	app_prompt(pp->app, label.buf, p->containers[0], 0, pods_got_container, pp);
	strbuf_free(&label);
}
