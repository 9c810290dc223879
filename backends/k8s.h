/*
 * k8s.h - the Kubernetes data source over libcurl and cJSON
 * (backends/k8s/: client, printer, watch, metrics, describe, mask,
 * actions, backend), reaching the API server as kubeconfig.h says. The
 * poller lists pods (limit=500 with continue), then watches from the
 * list's resourceVersion on a connection kept open between polls (curl
 * multi), applies ADDED/MODIFIED/DELETED/BOOKMARK events to its own
 * compact rows, relists on 410 Gone, and reconnects with backoff. It asks
 * for the server-side Table format with gzip; when a server answers with
 * a plain PodList it computes STATUS itself by the API server's pod
 * printer rules (k8s_pod_status). No parsed tree of a whole list is ever
 * kept: each page or event becomes rows and the tree is freed. Pod
 * metrics come from metrics.k8s.io when served; access reviews
 * (SelfSubjectAccessReview) say which actions the user may take.
 * Requests (describe, logs, delete, rollout restart, scale, namespace or
 * context switch) run on the worker thread and report in the next
 * snapshot. The parsers are pure and exported for the unit tests.
 */
#ifndef AM_K8S_H
#define AM_K8S_H

#include <stddef.h>

#include "runtime/backend.h"
#include "lib/util.h"
#include "core/config.h"

#define K8S_MAX_BODY (64u << 20) /* bytes kept of any one response */
#define K8S_PAGE 500             /* pods per list page */

/* Requests to the pods runner, each with a struct k8s_req (sent with
 * runner_send and k8s_req_free). Names are validated
 * (runbook_valid_k8s_name) before any URL is built. */
enum k8s_request {
	K8S_REQ_DESCRIBE = 1, /* ns, pod: describe text + the pod's events */
	K8S_REQ_LOGS,         /* ns, pod, container, tail, previous, since */
	K8S_REQ_DELETE,       /* ns, pod, uid: with uid, refused as "target
			       * changed" if the pod was replaced (and sent
			       * as a precondition) */
	K8S_REQ_RESTART,      /* ns, pod: rollout restart of its Deployment/StatefulSet */
	K8S_REQ_SCALE,        /* ns, pod, replicas: scale its Deployment/StatefulSet */
	K8S_REQ_NAMESPACE,    /* name, or NULL / "" / "all" for every namespace */
	K8S_REQ_CONTEXT,      /* name: switch kubeconfig context (relist) */
};

/* One request's arguments; which fields count depends on the kind. */
struct k8s_req {
	char *ns, *pod;  /* the pod acted on */
	char *container; /* logs: NULL or "" is kubectl's default container */
	char *uid;       /* delete: NULL or "" sends no precondition */
	char *since;     /* logs: NULL or "", or RFC 3339: sinceTime and
			  * timestamps=true, for following */
	char *name;      /* namespace or context */
	long tail;       /* logs: lines from the end, -1 all (capped at 4 MiB) */
	int previous;    /* logs: the previous container's (--previous) */
	long replicas;   /* scale: 0 to 100000 */
};

/* A request about pod ns/pod (either may be NULL), every other field
 * empty and tail -1; the strings are copied. Free with k8s_req_free. */
struct k8s_req *k8s_req_new(const char *ns, const char *pod);
/* Free a request and its strings (NULL is fine); fits runner_send's
 * free_data. */
void k8s_req_free(void *req);

/* The argument to k8s_backend.open; borrowed until close. */
struct k8s_arg {
	const struct config *cfg; /* kubeconfig, kube_context, kube_namespace */
	double timeout;           /* seconds: connect, and idle on a response */
};

/* How bad a pod's STATUS is, for colour and sorting. */
enum k8s_severity {
	K8S_OK,      /* Running and ready */
	K8S_DONE,    /* Completed, Succeeded */
	K8S_PENDING, /* Pending, ContainerCreating, Init:N/M, Terminating, NotReady */
	K8S_BAD,     /* CrashLoopBackOff, Error, OOMKilled, ImagePullBackOff, Failed, Unknown … */
};

/* One pod, as `kubectl get pods -o wide` shows it. */
struct k8s_pod {
	char *uid; /* the stable id the panel keeps selection by */
	char *ns;
	char *name;
	char *ready;  /* "1/2" */
	char *status; /* exactly kubectl's STATUS column */
	int restarts; /* sum over containers */
	enum k8s_severity severity;
	double last_restart; /* epoch seconds of the last restart, 0 none */
	double created;      /* creationTimestamp, epoch seconds */
	char *node;          /* "" when unscheduled */
	char *ip;            /* "" when none */
	char *owner_kind;    /* controller ownerReference kind ("ReplicaSet"), or NULL */
	char *owner_name;
	char **containers; /* container names (not init), NULL-terminated; never
			    * NULL, empty from a Table row (no spec) */
	long cpu_milli;    /* from metrics.k8s.io; -1 when absent */
	long mem_bytes;    /* -1 when absent */
	/* The one block the strings above (containers too) live in, as the
	 * parsers make them: immutable and counted, so the worker's rows and
	 * every snapshot of them share it instead of copying 10,000 pods'
	 * strings per snapshot. NULL: each string is its own allocation. */
	struct k8s_strs *strs;
};

/* What the access review says about one verb: -1 unknown, 0 no, 1 yes. */
struct k8s_access {
	int delete_pods;
	int patch_workloads; /* patch deployments (rollout restart) */
	int scale_workloads; /* update deployments/scale */
	int exec_pods;       /* create pods/exec */
};

struct k8s_snap {
	struct k8s_pod *pods; /* in the server's order; the panel sorts */
	size_t npods;
	char *block;           /* the pods' strings in one allocation (k8s_snap_pods), or
				* NULL: each pod holds its own (or its share of strs) */
	struct k8s_rows *rows; /* the poller's rows as they were, which pods is (shared
				* and counted: the poller copies them before it
				* changes one), or NULL: pods is the snapshot's own */
	char *context;         /* kubeconfig context in use */
	char *server;          /* API server URL (no credentials) */
	char *user;            /* kubeconfig user entry */
	char *ns;              /* the namespace shown, NULL: all */
	char **contexts;       /* known contexts, for :ctx completion */
	size_t ncontexts;
	int table_format;     /* the server answered as=Table */
	int watching;         /* a watch stream is open */
	unsigned long lists;  /* complete lists done so far (relists + 1) */
	unsigned long events; /* watch events applied so far */
	int have_metrics;     /* metrics.k8s.io answered */
	struct k8s_access access;

	/* The result of the newest request, repeated in every later snapshot
	 * until the next request (a snapshot the UI never took loses
	 * nothing). Every request delivered counts in nrequests, refused or
	 * not, so a panel that counts what it sent has its answer when
	 * nrequests reaches that count. A request's result is published even
	 * when the poll after it fails (then with the rows as they were). */
	unsigned long nrequests; /* requests handled so far */
	int request_kind;        /* enum k8s_request of the newest */
	int request_failed;
	char request_msg[256]; /* what it did, or why it failed ("403 Forbidden: …") */
	char *request_target;  /* "ns/pod" it was about, or NULL */
	char *request_text;    /* describe or log text (unsanitised), or NULL */
};

extern const struct backend k8s_backend;

/* The STATUS kubectl shows for a Pod object (the API server's pod
 * printer, printPod): reason, Init:N/M and Init:<reason>, container
 * waiting/terminated reasons, Signal:N / ExitCode:N, Completed, Running
 * with NotReady, Terminating, Unknown for NodeLost. Also fills ready
 * ("1/2"), restarts, last_restart and severity when non-NULL. Pure. */
void k8s_pod_status(const void *pod, char *status, size_t statuslen, char *ready, size_t readylen,
		    int *restarts, double *last_restart, enum k8s_severity *severity);
/* kubectl's age ("45s", "3m12s", "5h", "2d3h", "400d", "2y30d": its
 * HumanDuration) of a duration in seconds, into buf. Pure. */
void k8s_fmt_age(char *buf, size_t n, double seconds);
/* Seconds from an age of seconds until k8s_fmt_age's text for it
 * changes (the next whole unit of the smallest one it shows). Pure. */
double k8s_age_next(double seconds);
/* The severity of a STATUS string. */
enum k8s_severity k8s_status_severity(const char *status);
/* Convert one page: a Table (as=Table) or a PodList body into rows
 * appended to *pods and *n. Sets *table to 1 for a Table; *cont and *rv get the
 * continue token and resourceVersion (caller frees; NULL if absent).
 * 0, or -1 + err (invalid JSON, not a list: never "no pods"). */
int k8s_parse_list(const char *body, size_t len, struct k8s_pod **pods, size_t *n, int *table,
		   char **cont, char **rv, char *err, size_t errlen);
/* Apply one watch event line (a JSON object) to the rows: ADDED and
 * MODIFIED replace by uid, DELETED removes, BOOKMARK only moves *rv; an
 * ERROR event with code 410 returns 1 (relist), other ERRORs -1 + err.
 * 0 otherwise. */
int k8s_apply_event(const char *line, size_t len, struct k8s_pod **pods, size_t *n, char **rv,
		    char *err, size_t errlen);
/* Fill cpu_milli/mem_bytes from a PodMetricsList body; 0 or -1. */
int k8s_parse_metrics(const char *body, size_t len, struct k8s_pod *pods, size_t n);
/* Quantity strings ("250m", "1", "128Mi", "1G", "12345n") to millicores
 * or bytes; -1 on a malformed value. */
long k8s_cpu_milli(const char *q);
long k8s_mem_bytes(const char *q);
/* `kubectl describe pod`-like text from a Pod object body and an
 * EventList body (NULL: none). Caller frees. */
char *k8s_describe(const char *pod, size_t podlen, const char *events, size_t evlen);
/* The API's message for an error body (a Status object's message), or
 * the HTTP reason; into out. */
void k8s_error_text(long http, const char *body, size_t len, char *out, size_t outlen);
/* Mask what a secret holds in text `kubectl get secret -o yaml|json`
 * printed: the values under data/stringData and the
 * last-applied-configuration annotation. In place; 1 if anything was
 * masked. */
int k8s_mask_secret_text(char *text);

/* Free a pod's strings (drop its hold on strs, the last one frees it). */
void k8s_pod_free(struct k8s_pod *p);
/* Install cJSON's allocator hooks that the list parse's arena needs
 * (backends/k8s/jarena.c); idempotent. Call from main() before any
 * other thread uses cJSON; the parse calls it too. */
void k8s_json_init(void);
/* Copy n pods into s->pods, their strings (and container lists) in one
 * block: 10,000 pods are then one allocation to make and one free, not
 * 110,000. For a decoded snapshot (a replay, a follower); the poller's
 * snapshots share its rows instead (struct k8s_snap.rows). */
void k8s_snap_pods(struct k8s_snap *s, const struct k8s_pod *pods, size_t n);
void k8s_snap_free(struct k8s_snap *s);

/* For the health strip: GET /readyz with the configured credentials.
 * 0 (ms filled) or -1 + err. Any worker thread. */
int k8s_ping(const struct config *cfg, double timeout, double *ms, char *err, size_t errlen);

#endif
