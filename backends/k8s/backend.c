/*
 * backend.c - the Kubernetes data source as the runner sees it (struct
 * backend, see k8s.h): open keeps the arguments, poll loads kubeconfig
 * when needed, keeps the watch going, asks the access reviews and
 * metrics, and publishes a snapshot only when something changed (or a
 * request's result is waiting); close frees it all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s/k8s_int.h"
#include "lib/redact.h"

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

void k8s_state_reset(struct k8s_state *st)
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
int k8s_load(struct k8s_state *st, const char *context, char *err, size_t errlen)
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
	kc->cancel = &st->cancel;
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

int k8s_ensure(struct k8s_state *st, char *err, size_t errlen)
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
	kube_cancel_init(&st->cancel);
	k8s_curl_init();
	*state = st;
	return 0;
}

static void k8s_interrupt(void *state, int on)
{
	struct k8s_state *st = state;

	kube_cancel_set(&st->cancel, on);
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
	kube_cancel_destroy(&st->cancel);
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
	.interrupt = k8s_interrupt,
	.close = k8s_close,
	.snapshot_free = k8s_snapshot_free,
};
