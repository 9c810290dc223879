/*
 * codec.c - a Kubernetes snapshot (struct k8s_snap: the pods, the
 * context, the access review, the newest request's result) as JSON and
 * back (k8s_backend's snapshot_encode/decode; backends/codec.h). The
 * describe or log text is redacted on the way out, as the Pods panel
 * redacts it before it shows it; the server URL comes redacted from the
 * poller. Decoded pods borrow their strings from the JSON until
 * k8s_snap_pods copies them into the snapshot's one block, as the poller
 * does.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/k8s.h"
#include "lib/redact.h"
#include "lib/util.h"

#define K8S_CODEC_TEXT (8u << 20)        /* a describe or log text (logs are cut at 4 MiB) */
#define K8S_CODEC_CONTAINERS 1000        /* containers of one pod */
#define K8S_CODEC_BIG 1000000000000000LL /* bytes and counters, far beyond real ones */

static void k8s_codec_put_pod(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct k8s_pod *p = row;
	cJSON *a;
	size_t i;

	codec_put_str(e, o, "uid", p->uid);
	codec_put_str(e, o, "ns", p->ns);
	codec_put_str(e, o, "name", p->name);
	codec_put_str(e, o, "ready", p->ready);
	codec_put_str(e, o, "status", p->status);
	codec_put_num(e, o, "restarts", p->restarts);
	codec_put_num(e, o, "last_restart", p->last_restart);
	codec_put_num(e, o, "created", p->created);
	codec_put_str(e, o, "node", p->node);
	codec_put_str(e, o, "ip", p->ip);
	codec_put_str(e, o, "owner_kind", p->owner_kind);
	codec_put_str(e, o, "owner_name", p->owner_name);
	a = codec_put_arr(e, o, "containers");
	for (i = 0; p->containers != NULL && p->containers[i] != NULL; i++)
		codec_put_str(e, a, NULL, p->containers[i]);
	codec_put_num(e, o, "cpu_milli", (double)p->cpu_milli);
	codec_put_num(e, o, "mem_bytes", (double)p->mem_bytes);
	codec_put_num(e, o, "severity", p->severity);
}

/* Everything but the pods. */
static void k8s_codec_put_rest(struct codec_enc *e, cJSON *root, const struct k8s_snap *s)
{
	cJSON *a;
	char *text;
	size_t i;

	codec_put_str(e, root, "context", s->context != NULL ? s->context : "");
	codec_put_str(e, root, "server", s->server != NULL ? s->server : "");
	codec_put_str(e, root, "user", s->user != NULL ? s->user : "");
	codec_put_str(e, root, "ns", s->ns);
	a = codec_put_arr(e, root, "contexts");
	for (i = 0; i < s->ncontexts; i++)
		codec_put_str(e, a, NULL, s->contexts[i] != NULL ? s->contexts[i] : "");
	codec_put_num(e, root, "table_format", s->table_format);
	codec_put_num(e, root, "watching", s->watching);
	codec_put_num(e, root, "lists", (double)s->lists);
	codec_put_num(e, root, "events", (double)s->events);
	codec_put_num(e, root, "have_metrics", s->have_metrics);
	a = codec_put_obj(e, root, "access");
	codec_put_num(e, a, "delete_pods", s->access.delete_pods);
	codec_put_num(e, a, "patch_workloads", s->access.patch_workloads);
	codec_put_num(e, a, "scale_workloads", s->access.scale_workloads);
	codec_put_num(e, a, "exec_pods", s->access.exec_pods);
	codec_put_num(e, root, "nrequests", (double)s->nrequests);
	codec_put_num(e, root, "request_kind", s->request_kind);
	codec_put_num(e, root, "request_failed", s->request_failed);
	codec_put_str(e, root, "request_msg", s->request_msg);
	codec_put_str(e, root, "request_target", s->request_target);
	text = s->request_text != NULL ? redact(s->request_text) : NULL;
	if (text != NULL && strlen(text) > K8S_CODEC_TEXT)
		text[K8S_CODEC_TEXT] = '\0';
	codec_put_str(e, root, "request_text", text);
	free(text);
}

cJSON *k8s_codec_encode(const void *snap)
{
	const struct k8s_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

	codec_put_rows(&e, root, "pods", s->pods, s->npods, sizeof *s->pods, k8s_codec_put_pod);
	k8s_codec_put_rest(&e, root, s);
	return codec_enc_done(&e, root);
}

/* One pod whose strings point into the JSON; its containers array is
 * fresh (NULL-terminated). */
static void k8s_codec_get_pod(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct k8s_pod *p = row;
	const cJSON *a, *it;
	size_t n, i = 0;

	p->uid = (char *)codec_ref(d, o, "uid", CODEC_STR_MAX, 0);
	p->ns = (char *)codec_ref(d, o, "ns", CODEC_STR_MAX, 0);
	p->name = (char *)codec_ref(d, o, "name", CODEC_STR_MAX, 0);
	p->ready = (char *)codec_ref(d, o, "ready", CODEC_STR_MAX, 0);
	p->status = (char *)codec_ref(d, o, "status", CODEC_STR_MAX, 0);
	p->restarts = (int)codec_int(d, o, "restarts", 0, INT_MAX);
	p->last_restart = codec_num(d, o, "last_restart");
	p->created = codec_num(d, o, "created");
	p->node = (char *)codec_ref(d, o, "node", CODEC_STR_MAX, 0);
	p->ip = (char *)codec_ref(d, o, "ip", CODEC_STR_MAX, 0);
	p->owner_kind = (char *)codec_ref(d, o, "owner_kind", CODEC_STR_MAX, 1);
	p->owner_name = (char *)codec_ref(d, o, "owner_name", CODEC_STR_MAX, 1);
	a = codec_arr(d, o, "containers", K8S_CODEC_CONTAINERS, &n);
	p->containers = xcalloc(n + 1, sizeof *p->containers);
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "containers", (long)i);
		p->containers[i++] = (char *)codec_ref(d, it, NULL, CODEC_STR_MAX, 0);
		codec_leave(d);
		if (d->bad)
			break;
	}
	p->cpu_milli = (long)codec_int(d, o, "cpu_milli", -1, K8S_CODEC_BIG);
	p->mem_bytes = (long)codec_int(d, o, "mem_bytes", -1, K8S_CODEC_BIG);
	p->severity = (enum k8s_severity)codec_int(d, o, "severity", K8S_OK, K8S_BAD);
}

static void k8s_codec_get_pods(struct codec_dec *d, const cJSON *j, struct k8s_snap *s)
{
	size_t n, i;
	struct k8s_pod *tmp =
		codec_rows(d, j, "pods", CODEC_ROWS_MAX, sizeof *tmp, &n, k8s_codec_get_pod, NULL);

	if (!d->bad)
		k8s_snap_pods(s, tmp, n);
	for (i = 0; i < n; i++)
		free(tmp[i].containers);
	free(tmp);
}

static void k8s_codec_get_rest(struct codec_dec *d, const cJSON *j, struct k8s_snap *s)
{
	const cJSON *a, *it;
	size_t n;

	s->context = codec_str(d, j, "context", CODEC_STR_MAX, 0);
	s->server = codec_str(d, j, "server", CODEC_STR_MAX, 0);
	s->user = codec_str(d, j, "user", CODEC_STR_MAX, 0);
	s->ns = codec_str(d, j, "ns", CODEC_STR_MAX, 1);
	a = codec_arr(d, j, "contexts", CODEC_ROWS_MAX, &n);
	s->contexts = xcalloc(n + 1, sizeof *s->contexts);
	s->ncontexts = n;
	n = 0;
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "contexts", (long)n);
		s->contexts[n++] = codec_str(d, it, NULL, CODEC_STR_MAX, 0);
		codec_leave(d);
	}
	s->table_format = (int)codec_int(d, j, "table_format", 0, 1);
	s->watching = (int)codec_int(d, j, "watching", 0, 1);
	s->lists = (unsigned long)codec_int(d, j, "lists", 0, LONG_MAX);
	s->events = (unsigned long)codec_int(d, j, "events", 0, LONG_MAX);
	s->have_metrics = (int)codec_int(d, j, "have_metrics", 0, 1);
	a = codec_obj(d, j, "access");
	codec_enter(d, "access", -1);
	s->access.delete_pods = (int)codec_int(d, a, "delete_pods", -1, 1);
	s->access.patch_workloads = (int)codec_int(d, a, "patch_workloads", -1, 1);
	s->access.scale_workloads = (int)codec_int(d, a, "scale_workloads", -1, 1);
	s->access.exec_pods = (int)codec_int(d, a, "exec_pods", -1, 1);
	codec_leave(d);
	s->nrequests = (unsigned long)codec_int(d, j, "nrequests", 0, LONG_MAX);
	s->request_kind = (int)codec_int(d, j, "request_kind", 0, K8S_REQ_CONTEXT);
	s->request_failed = (int)codec_int(d, j, "request_failed", 0, 1);
	codec_buf(d, j, "request_msg", s->request_msg, sizeof s->request_msg);
	s->request_target = codec_str(d, j, "request_target", CODEC_STR_MAX, 1);
	s->request_text = codec_str(d, j, "request_text", K8S_CODEC_TEXT, 1);
}

void *k8s_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct k8s_snap *s;

	if (codec_dec_init(&d, j, "kubernetes", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	k8s_codec_get_pods(&d, j, s);
	k8s_codec_get_rest(&d, j, s);
	if (d.bad) {
		k8s_snap_free(s);
		return NULL;
	}
	return s;
}
