/*
 * codec.c - a Kubernetes snapshot (struct k8s_snap: the pods, the
 * context, the access review, the newest request's result) as JSON and
 * back (k8s_backend's snapshot_encode/decode; backends/codec.h). The
 * describe or log text is redacted on the way out, as the Pods panel
 * redacts it before it shows it; the server URL comes redacted from the
 * poller. Decoded pods borrow their strings from the JSON until
 * k8s_snap_pods copies them into the snapshot's one block (the poller's
 * own snapshots share its rows instead).
 */
#include <limits.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/k8s.h"

#define K8S_CODEC_TEXT (8u << 20)        /* a describe or log text (logs are cut at 4 MiB) */
#define K8S_CODEC_CONTAINERS 1000        /* containers of one pod */
#define K8S_CODEC_BIG 1000000000000000LL /* bytes and counters, far beyond real ones */

/* A container name, borrowed from the JSON. */
static const struct codec_field k8s_codec_container[] = { CODEC_ELEM(CODEC_REF, 0, 0) };

/* A pod whose strings point into the JSON when read (its containers
 * array is fresh). */
static const struct codec_field k8s_codec_pod[] = {
	CODEC_R(struct k8s_pod, uid),
	CODEC_R(struct k8s_pod, ns),
	CODEC_R(struct k8s_pod, name),
	CODEC_R(struct k8s_pod, ready),
	CODEC_R(struct k8s_pod, status),
	CODEC_I(struct k8s_pod, restarts, 0, INT_MAX),
	CODEC_D(struct k8s_pod, last_restart),
	CODEC_D(struct k8s_pod, created),
	CODEC_R(struct k8s_pod, node),
	CODEC_R(struct k8s_pod, ip),
	CODEC_RN(struct k8s_pod, owner_kind),
	CODEC_RN(struct k8s_pod, owner_name),
	CODEC_STRV(struct k8s_pod, containers, k8s_codec_container, K8S_CODEC_CONTAINERS),
	CODEC_L(struct k8s_pod, cpu_milli, -1, K8S_CODEC_BIG),
	CODEC_L(struct k8s_pod, mem_bytes, -1, K8S_CODEC_BIG),
	CODEC_E(struct k8s_pod, severity, K8S_OK, K8S_BAD),
};

/* The pods, copied into the snapshot's one block (k8s_snap_pods). */
static void k8s_codec_get_pods(struct codec_dec *d, const cJSON *j, void *row,
			       const struct codec_field *f)
{
	struct k8s_snap tmp = { 0 };
	struct codec_field pods = *f;
	size_t i;

	pods.get = NULL;
	codec_get_fields(d, j, &tmp, &pods, 1);
	if (!d->bad)
		k8s_snap_pods(row, tmp.pods, tmp.npods);
	for (i = 0; i < tmp.npods; i++)
		free(tmp.pods[i].containers);
	free(tmp.pods);
}

static const struct codec_field k8s_codec_context[] = { CODEC_ELEM(CODEC_STR, 0, 0) };

static const struct codec_field k8s_codec_access[] = {
	CODEC_I(struct k8s_access, delete_pods, -1, 1),
	CODEC_I(struct k8s_access, patch_workloads, -1, 1),
	CODEC_I(struct k8s_access, scale_workloads, -1, 1),
	CODEC_I(struct k8s_access, exec_pods, -1, 1),
};

/* The describe or log text is redacted on the way out. */
static const struct codec_field k8s_codec_snap[] = {
	CODEC_ROWS_GET(struct k8s_snap, pods, npods, k8s_codec_pod, CODEC_ROWS_MAX,
		       k8s_codec_get_pods),
	CODEC_S(struct k8s_snap, context),
	CODEC_S(struct k8s_snap, server),
	CODEC_S(struct k8s_snap, user),
	CODEC_SN(struct k8s_snap, ns),
	CODEC_ROWS(struct k8s_snap, contexts, ncontexts, k8s_codec_context, CODEC_ROWS_MAX),
	CODEC_I(struct k8s_snap, table_format, 0, 1),
	CODEC_I(struct k8s_snap, watching, 0, 1),
	CODEC_UL(struct k8s_snap, lists),
	CODEC_UL(struct k8s_snap, events),
	CODEC_I(struct k8s_snap, have_metrics, 0, 1),
	CODEC_OBJ(struct k8s_snap, access, k8s_codec_access),
	CODEC_UL(struct k8s_snap, nrequests),
	CODEC_I(struct k8s_snap, request_kind, 0, K8S_REQ_CONTEXT),
	CODEC_I(struct k8s_snap, request_failed, 0, 1),
	CODEC_B(struct k8s_snap, request_msg),
	CODEC_SN(struct k8s_snap, request_target),
	CODEC_SECRET_S(struct k8s_snap, request_text, K8S_CODEC_TEXT),
};

CODEC_DEFINE(k8s, k8s_backend, struct k8s_snap, k8s_codec_snap)
