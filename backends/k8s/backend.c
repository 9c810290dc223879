/*
 * backend.c - the Kubernetes data source as the runner sees it (struct
 * backend, see k8s.h): open keeps the arguments, poll loads kubeconfig
 * when needed, keeps the watch going, asks the access reviews and
 * metrics, and publishes a snapshot only when something changed (or a
 * request's result is waiting); close frees it all.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec.h"
#include "backends/k8s/k8s_int.h"
#include "lib/redact.h"

/* Let go of shared rows; the last holder frees them. */
static void k8s_rows_release(struct k8s_rows *r)
{
	if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1) {
		k8s_rows_free(r->pods, r->n);
		free(r);
	}
}

void k8s_rows_own(struct k8s_state *st)
{
	struct k8s_rows *r = st->rows;
	struct k8s_pod *copy;
	size_t i;

	if (r == NULL)
		return;
	st->rows = NULL;
	if (atomic_load_explicit(&r->refs, memory_order_acquire) == 1) {
		free(r); /* no snapshot holds them any more */
		return;
	}
	copy = xmalloc((st->npods + 1) * sizeof *copy);
	memcpy(copy, st->pods, st->npods * sizeof *copy);
	memset(&copy[st->npods], 0, sizeof *copy);
	for (i = 0; i < st->npods; i++)
		k8s_pod_hold(&copy[i]);
	st->pods = copy;
	k8s_rows_release(r);
}

void k8s_rows_drop(struct k8s_state *st)
{
	if (st->rows != NULL)
		k8s_rows_release(st->rows);
	else
		k8s_rows_free(st->pods, st->npods);
	st->rows = NULL;
	st->pods = NULL;
	st->npods = 0;
}

void k8s_snap_free(struct k8s_snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->rows != NULL)
		k8s_rows_release(s->rows);
	for (i = 0; s->rows == NULL && s->block == NULL && i < s->npods; i++)
		k8s_pod_free(&s->pods[i]);
	free(s->block);
	if (s->rows == NULL)
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

/* Bytes of s with its NUL, "" for NULL when empty is set; 0 for a
 * NULL that stays NULL. */
static size_t k8s_snap_len(const char *s, int empty)
{
	return s != NULL ? strlen(s) + 1 : (size_t)empty;
}

/* A copy of s at *at, which moves past it; NULL stays NULL unless
 * empty (then ""). */
static char *k8s_snap_put(char **at, const char *s, int empty)
{
	char *r = *at;
	size_t n = k8s_snap_len(s, empty);

	if (n == 0)
		return NULL;
	if (s != NULL)
		memcpy(r, s, n);
	else
		r[0] = '\0';
	*at += n;
	return r;
}

/* The strings of a pod, in the order k8s_pod_pack takes them; the
 * first seven are never NULL in a copy ("" for a NULL). */
static void k8s_snap_strs(const struct k8s_pod *p, const char **v)
{
	v[K8S_S_UID] = p->uid;
	v[K8S_S_NS] = p->ns;
	v[K8S_S_NAME] = p->name;
	v[K8S_S_READY] = p->ready;
	v[K8S_S_STATUS] = p->status;
	v[K8S_S_NODE] = p->node;
	v[K8S_S_IP] = p->ip;
	v[K8S_S_OWNER_KIND] = p->owner_kind;
	v[K8S_S_OWNER_NAME] = p->owner_name;
}

/* Bytes of the strings v (as k8s_snap_put lays them out). */
static size_t k8s_strs_len(const char *const *v)
{
	size_t k, bytes = 0;

	for (k = 0; k < K8S_NSTR; k++)
		bytes += k8s_snap_len(v[k], k < K8S_S_OWNER_KIND);
	return bytes;
}

/* Point p's strings at copies of v laid out at *at. */
static void k8s_strs_put(struct k8s_pod *p, char **at, const char *const *v)
{
	p->uid = k8s_snap_put(at, v[K8S_S_UID], 1);
	p->ns = k8s_snap_put(at, v[K8S_S_NS], 1);
	p->name = k8s_snap_put(at, v[K8S_S_NAME], 1);
	p->ready = k8s_snap_put(at, v[K8S_S_READY], 1);
	p->status = k8s_snap_put(at, v[K8S_S_STATUS], 1);
	p->node = k8s_snap_put(at, v[K8S_S_NODE], 1);
	p->ip = k8s_snap_put(at, v[K8S_S_IP], 1);
	p->owner_kind = k8s_snap_put(at, v[K8S_S_OWNER_KIND], 0);
	p->owner_name = k8s_snap_put(at, v[K8S_S_OWNER_NAME], 0);
}

void k8s_pod_pack(struct k8s_pod *p, const char *const v[K8S_NSTR], const char *const *ctr,
		  size_t nctr)
{
	size_t i, k = 0, bytes = k8s_strs_len(v);
	struct k8s_strs *b;
	char *at;

	for (i = 0; i < nctr; i++)
		if (ctr[i] != NULL) {
			bytes += strlen(ctr[i]) + 1;
			k++;
		}
	b = xmalloc(sizeof *b + (k + 1) * sizeof *b->ctr + bytes);
	atomic_init(&b->refs, 1);
	at = (char *)&b->ctr[k + 1];
	k8s_strs_put(p, &at, v);
	for (i = 0, k = 0; i < nctr; i++)
		if (ctr[i] != NULL)
			b->ctr[k++] = k8s_snap_put(&at, ctr[i], 1);
	b->ctr[k] = NULL;
	p->containers = b->ctr;
	p->strs = b;
}

void k8s_pod_hold(const struct k8s_pod *p)
{
	atomic_fetch_add_explicit(&p->strs->refs, 1, memory_order_relaxed);
}

void k8s_snap_pods(struct k8s_snap *s, const struct k8s_pod *pods, size_t n)
{
	const char *v[K8S_NSTR];
	size_t i, k, nptr = 0, bytes = 1;
	char **ptr, *at;

	for (i = 0; i < n; i++) {
		k8s_snap_strs(&pods[i], v);
		bytes += k8s_strs_len(v);
		for (k = 0; pods[i].containers != NULL && pods[i].containers[k] != NULL; k++)
			bytes += strlen(pods[i].containers[k]) + 1;
		nptr += k + 1;
	}
	s->pods = xcalloc(n + 1, sizeof *s->pods);
	s->npods = n;
	s->block = xmalloc(nptr * sizeof *ptr + bytes);
	ptr = (char **)(void *)s->block;
	at = s->block + nptr * sizeof *ptr;
	for (i = 0; i < n; i++) {
		struct k8s_pod *d = &s->pods[i];
		char **c = pods[i].containers;

		*d = pods[i];
		d->strs = NULL;
		k8s_snap_strs(&pods[i], v);
		k8s_strs_put(d, &at, v);
		d->containers = ptr;
		for (; c != NULL && *c != NULL; c++)
			*ptr++ = k8s_snap_put(&at, *c, 1);
		*ptr++ = NULL;
	}
}

void k8s_state_reset(struct k8s_state *st)
{
	k8s_watch_close(st);
	k8s_rows_drop(st);
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

/* The rows as s->pods, shared with the poller (which copies them
 * before it changes one); rows that own their strings one by one (none
 * the parsers make, but k8s_rows_own needs strs) are copied into one
 * block instead. */
static void k8s_snap_share(struct k8s_snap *s, struct k8s_state *st)
{
	size_t i = 0;

	while (i < st->npods && st->pods[i].strs != NULL)
		i++;
	if (st->npods == 0 || i < st->npods) {
		k8s_snap_pods(s, st->pods, st->npods);
		return;
	}
	if (st->rows == NULL) {
		st->rows = xmalloc(sizeof *st->rows);
		atomic_init(&st->rows->refs, 1);
		st->rows->pods = st->pods;
		st->rows->n = st->npods;
	}
	atomic_fetch_add_explicit(&st->rows->refs, 1, memory_order_relaxed);
	s->rows = st->rows;
	s->pods = st->pods;
	s->npods = st->npods;
}

static struct k8s_snap *k8s_snapshot(struct k8s_state *st)
{
	struct k8s_snap *s = xcalloc(1, sizeof *s);
	size_t i;

	k8s_snap_share(s, st);
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
	k8s_rows_drop(st);
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
	.snapshot_encode = k8s_codec_encode,
	.snapshot_decode = k8s_codec_decode,
};
