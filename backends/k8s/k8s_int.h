/*
 * k8s_int.h - what the files of the Kubernetes source (backends/k8s/)
 * share and nobody else includes: the poller's state (struct k8s_state),
 * the HTTP client over it (client.c), the pod rows and their parsers
 * (printer.c), the list and watch (watch.c), metrics (metrics.c), the
 * requests (actions.c) and the backend glue (backend.c). The public face
 * is backends/k8s.h. Everything here runs on the runner's worker thread
 * unless it says it is pure.
 */
#ifndef AM_K8S_INT_H
#define AM_K8S_INT_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "backends/k8s.h"
#include "backends/k8s/kubeconfig.h"
#include "lib/util.h"

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

/* ---- small JSON helpers (pure; inline, as the parsers call them per
 * field) ---------------------------------------------------------------- */

static inline const cJSON *k8s_get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static inline const char *k8s_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(k8s_get(o, key));
}

/* The string at o.key, or def. */
static inline const char *k8s_str_or(const cJSON *o, const char *key, const char *def)
{
	const char *v = k8s_str(o, key);

	return v != NULL ? v : def;
}

/* A JSON number as a long, saturated (NaN as 0): casting a double out of
 * range, such as 1e300 from a hostile body, is undefined. */
static inline long k8s_long(double d)
{
	if (d != d)
		return 0;
	if (d >= (double)LONG_MAX)
		return LONG_MAX;
	if (d <= (double)LONG_MIN)
		return LONG_MIN;
	return (long)d;
}

static inline long k8s_num(const cJSON *o, const char *key, long def)
{
	const cJSON *v = k8s_get(o, key);

	return cJSON_IsNumber(v) ? k8s_long(v->valuedouble) : def;
}

static inline int k8s_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static inline char *k8s_dup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static inline double k8s_time(const char *s)
{
	double t;

	return s != NULL && util_parse_rfc3339(s, &t) == 0 && t > 0 ? t : 0;
}

/* ---- the poller's state ------------------------------------------------ */

struct k8s_state {
	struct k8s_arg arg;
	struct kubeconfig *kc;
	char *context; /* the context asked for (NULL: current-context) */
	char *ns_req;  /* the namespace asked for (NULL: the context's) */
	char *ns;      /* the namespace shown, NULL: all */
	int loaded;    /* kc is loaded */
	char load_err[256];

	/* The rows and where the watch resumes. While rows is set, pods is
	 * also a snapshot's (k8s_rows_own before changing it). */
	struct k8s_pod *pods;
	size_t npods;
	struct k8s_rows *rows;
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

	/* Set from the UI thread (k8s_backend.interrupt) to cut the work in
	 * flight short: the plugin is killed, transfers abort, new ones fail
	 * at once ("cancelled"). An action (delete, restart, scale) already
	 * sent is never cut halfway: in_action makes transfers ignore it. */
	struct kube_cancel cancel;
	int in_action;

	/* The newest request. */
	unsigned long nrequests;
	int req_kind, req_failed;
	char req_msg[256];
	char *req_target, *req_text;
	int req_unpublished; /* no snapshot has carried it yet */
};

enum { K8S_WF_NONE, K8S_WF_GONE, K8S_WF_BAD, K8S_WF_BIG };

struct k8s_body {
	char *buf;
	size_t len, cap, max;
	int over;
};

/* ---- client.c: HTTP to the API server ---------------------------------- */

/* Initialise libcurl once per process; any thread. */
void k8s_curl_init(void);
/* Percent-encode everything but RFC 3986 unreserved characters; fresh. */
char *k8s_escape(const char *s);
/* Replace control characters so a remote message stays on one line. */
void k8s_one_line(char *s);
/* 1 when the work in flight was interrupted (and is not an action):
 * give up, with "cancelled" in err. */
int k8s_cancelled(struct k8s_state *st, char *err, size_t errlen);
/* The configured timeout in seconds (5 when unset). */
double k8s_timeout(const struct k8s_state *st);
/* A transport failure in words, into err. */
void k8s_curl_error(CURL *c, CURLcode rc, const char *ebuf, double timeout, const char *server,
		    char *err, size_t errlen);
/* A handle for path on the API server with TLS and credentials applied;
 * *hdr gets the headers (caller frees after the transfer). stream: a
 * fresh handle for a watch (caller cleans up); else the reused one. */
CURL *k8s_easy(struct k8s_state *st, const char *path, const char *accept,
	       struct curl_slist **hdr, int stream, char *ebuf, char *err, size_t errlen);
/* One request. 0 when the transfer completed (any HTTP status in
 * *status, the body in b, capped at max; caller frees b->buf), -1 + err
 * on a transport failure. */
int k8s_http(struct k8s_state *st, const char *method, const char *path, const char *accept,
	     const char *ctype, const char *body, size_t max, struct k8s_body *b, long *status,
	     char *err, size_t errlen);
/* A GET whose answer must be 2xx; else -1 with "403 Forbidden: …". */
int k8s_get_ok(struct k8s_state *st, const char *path, const char *accept, size_t max,
	       struct k8s_body *b, long *status, char *err, size_t errlen);
/* GET a JSON object at path: the parsed tree (caller deletes), or NULL + err. */
cJSON *k8s_get_object(struct k8s_state *st, const char *path, char *err, size_t errlen);
/* "/api/v1/pods" or "/api/v1/namespaces/NS/pods"; fresh. */
char *k8s_pods_path(const char *ns);
/* "/api/v1/namespaces/NS/pods/NAME" + sub (may be NULL); fresh. */
char *k8s_pod_path(const char *ns, const char *name, const char *sub);
/* Ask the access reviews once; st->access and access_done on an answer. */
void k8s_access_review(struct k8s_state *st);

/* ---- printer.c: rows from Table, PodList and watch events (pure) ------- */

/* A pod's strings in one allocation (struct k8s_pod.strs): the container
 * names' pointers (NULL-terminated), then the text. Never changed once
 * made; the last k8s_pod_free of a pod holding it frees it, on whichever
 * thread (a snapshot's pods are freed on the UI thread). */
struct k8s_strs {
	_Atomic long refs;
	char *ctr[]; /* the pod's containers */
};

/* The strings of a pod, in the order k8s_pod_pack takes them. */
enum {
	K8S_S_UID,
	K8S_S_NS,
	K8S_S_NAME,
	K8S_S_READY,
	K8S_S_STATUS,
	K8S_S_NODE,
	K8S_S_IP,
	K8S_S_OWNER_KIND, /* these two stay NULL when NULL */
	K8S_S_OWNER_NAME,
	K8S_NSTR
};

/* Set p's strings (v: NULL reads as "" but for the owner's) and its
 * containers (nctr names from ctr; NULL ones skipped) as copies in one
 * fresh struct k8s_strs that p holds. */
void k8s_pod_pack(struct k8s_pod *p, const char *const v[K8S_NSTR], const char *const *ctr,
		  size_t nctr);
/* One more holder of p's strings (a snapshot's copy of the row). */
void k8s_pod_hold(const struct k8s_pod *p);

/* Free n rows and the array. */
void k8s_rows_free(struct k8s_pod *pods, size_t n);
/* One event; 0 applied, 2 nothing changed (bookmark), 1 relist, -1 + err. */
int k8s_event(const char *line, size_t len, struct k8s_pod **pods, size_t *n, char **rv,
	      char *err, size_t errlen);

/* ---- jarena.c: a parsed tree in memory of its own (pure) --------------- */

struct k8s_arena {
	struct k8s_chunk *chunks;
	size_t next_cap;
};

/* Parse JSON s (len bytes) with every node and string in a's memory:
 * never cJSON_Delete the tree, k8s_arena_free it (whatever the parse
 * returned, NULL too). */
cJSON *k8s_arena_parse(struct k8s_arena *a, const char *s, size_t len);
void k8s_arena_free(struct k8s_arena *a);
/* Unmap the chunks this thread keeps for its next parse (after a list). */
void k8s_arena_drop(void);

/* ---- watch.c: list, watch, probe --------------------------------------- */

/* Close the watch stream (if open) and drop its partial line. */
void k8s_watch_close(struct k8s_state *st);
/* Keep the watch going for this poll: relist when needed, open, drive,
 * reopen once when the stream ended. 0 or -1 + err. */
int k8s_watch_step(struct k8s_state *st, char *err, size_t errlen);
/* A watch quiet for a while: GET /readyz. 0, or -1 + err (watch dropped). */
int k8s_probe(struct k8s_state *st, char *err, size_t errlen);

/* ---- metrics.c ---------------------------------------------------------- */

/* Fetch pod metrics into the rows (silent when absent). */
void k8s_metrics(struct k8s_state *st);

/* ---- backend.c ---------------------------------------------------------- */

/* The poller's rows array when snapshots share it (struct k8s_snap.rows):
 * the last holder to let go frees the pods and the array. */
struct k8s_rows {
	_Atomic long refs;
	struct k8s_pod *pods;
	size_t n;
};

/* Before changing st->pods: a copy of its own if a snapshot shares it. */
void k8s_rows_own(struct k8s_state *st);
/* Let go of st->pods (freed unless a snapshot still holds them). */
void k8s_rows_drop(struct k8s_state *st);

/* Forget the rows, the watch, the access review and metrics. */
void k8s_state_reset(struct k8s_state *st);
/* Load kubeconfig for context (NULL: current) and st->ns_req; on success
 * it replaces the held one. 0 or -1 + err. */
int k8s_load(struct k8s_state *st, const char *context, char *err, size_t errlen);
/* Load the kubeconfig unless loaded. 0 or -1 + err. */
int k8s_ensure(struct k8s_state *st, char *err, size_t errlen);

/* ---- actions.c ---------------------------------------------------------- */

/* The backend's request op: act on a struct k8s_req (req->data). */
int k8s_request(void *state, const struct backend_request *req, char *err, size_t errlen);

#endif
