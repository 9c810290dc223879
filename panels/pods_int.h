/*
 * pods_int.h - what the Pods panel's files share (pods.c: the panel and
 * its table; pods_actions.c: requests and the delete, restart, scale and
 * shell dialogs; pods_view.c: the describe and log view) and nobody else
 * includes. UI thread only.
 */
#ifndef AM_PODS_INT_H
#define AM_PODS_INT_H

#include <stddef.h>

#include "backends/k8s.h"
#include "panels/panel.h"
#include "runtime/mailbox.h"
#include "ui/table.h"

#define PODS_NKEYS 14          /* entries of pods_list_keys, its end included */
#define PODS_TAIL 200          /* log lines asked for */
#define PODS_PENDING_MAX 30.0  /* seconds a request may go unanswered */
#define PODS_MAX_REPLICAS 1000 /* a scale above this is a typo */

enum pods_action {
	PODS_DESCRIBE = 1,
	PODS_LOGS,
	PODS_SHELL,
	PODS_DELETE,
	PODS_RESTART,
	PODS_SCALE,
	PODS_SORT_NEXT,
	PODS_SORT_PREV,
	PODS_SORT_INVERT,
	PODS_REFRESH,
	PODS_BACK,
	PODS_PREVIOUS,
	PODS_FOLLOW,
	PODS_WRAP,
	PODS_CONTAINER,
	PODS_MATCH_NEXT,
	PODS_MATCH_PREV,
	PODS_RELOAD,
};

enum pods_mode { PODS_LIST, PODS_DESCRIBE_VIEW, PODS_LOG_VIEW };

enum pods_col {
	PODS_COL_NS,
	PODS_COL_NAME,
	PODS_COL_READY,
	PODS_COL_STATUS,
	PODS_COL_RESTARTS,
	PODS_COL_AGE,
	PODS_COL_IP,
	PODS_COL_NODE,
	PODS_COL_CPU,
	PODS_COL_MEM,
	PODS_NCOLS
};

/* The Pods panel (the shell creates one and owns it: app_panel). */
struct pods_panel {
	struct app *app;
	struct k8s_arg arg;
	struct panel_feed feed; /* of the Kubernetes runner: snap is a struct k8s_snap */
	/* The snapshot the rows were built from: they borrow its strings, so
	 * it is kept (if feed.snap is newer) until the rows are built again
	 * (pods_fill), and freed after. */
	struct k8s_snap *lender;
	double interval;
	int no_config; /* no kubeconfig anywhere: say how to configure */
	char *kubectl; /* resolved at start-up for the shell, or NULL */
	long last_second;
	long filled; /* when the rows were last built */

	enum pods_mode mode;
	struct table list;
	struct table_column cols[PODS_NCOLS];
	char titles[PODS_NCOLS][16];
	enum pods_col kinds[PODS_NCOLS]; /* what each shown column is */
	size_t ncols;
	size_t *order; /* row index -> index into snap->pods */
	size_t norder; /* its length: the pods of the snapshot it was made for */
	double *due;   /* row index -> when its AGE or RESTARTS text changes */
	enum pods_col sort;
	int sort_desc;
	int sorted; /* the operator chose sort; else trouble first */
	struct keymap_entry keys[PODS_NKEYS];
	struct keymap_entry keys_bad[PODS_NKEYS]; /* for a row with an invalid name */

	/* The request in flight: results come in the snapshot. */
	unsigned long sent;
	int pending; /* K8S_REQ_* awaiting its result, 0 none */
	double pending_since;
	char pending_step[32];
	char pending_cmd[1024];
	char pending_target[300];
	/* A switch asked for while an action waits for its answer: sent
	 * after it (the newest replaces an older one), or NULL. */
	struct k8s_req *next_req;
	int next_kind;

	/* The context :ctx asked for ("" none): the header names it, and
	 * says "switching…" while switching, until the worker answers in it
	 * (a snapshot carrying the request, ctx_sent) or fails. */
	char ctx_want[256];
	int switching;
	double switch_since;
	unsigned long ctx_sent;

	/* The action being prepared (confirm, prompt). */
	int act;
	char *act_ns, *act_pod, *act_uid, *act_container;
	char act_kind[16], act_name[256]; /* deployment or statefulset, its name */
	long act_replicas;
	char act_cmd[1024];

	/* The describe or log view. */
	char *vns, *vpod, *vcontainer;
	char *text;
	size_t textlen;
	size_t *lines; /* offsets of line starts */
	size_t nlines;
	char view_error[256];
	long top;   /* first line shown; -1 keeps the end in view */
	long shown; /* first line shown at the last draw */
	int rows;   /* text rows at the last draw */
	int wrap, follow, previous;
	double last_fetch;
	char search[256];
};

/* ---- pods.c: rows ------------------------------------------------------ */

/* The pod ns/name of the snapshot held, or NULL. */
const struct k8s_pod *pods_find(const struct pods_panel *pp, const char *ns, const char *name);
/* The selected pod, or NULL (and a message saying to select one). */
const struct k8s_pod *pods_selected(struct pods_panel *pp);
/* 1 when ns and name are valid Kubernetes names; else 0 and a message:
 * names from the API reach URLs and argv only when valid (B2). */
int pods_valid(struct pods_panel *pp, const char *ns, const char *name);
/* What the access review says of action act (PODS_DELETE, _RESTART,
 * _SCALE, _SHELL): 1 allowed, 0 denied, -1 unknown (or not reviewed). */
int pods_allowed(const struct k8s_access *a, int act);
/* The kubeconfig context shown: the one :ctx asked for, else the
 * snapshot's ("(current)" before the first snapshot). */
const char *pods_context(const struct pods_panel *pp);
/* Drop the snapshot held (the rows of a context or namespace left). */
void pods_forget(struct pods_panel *pp);

/* ---- pods_view.c: the describe and log view ---------------------------- */

/* Hold text (copied) as the view's lines; pods_text_clear forgets them. */
void pods_text_set(struct pods_panel *pp, const char *text);
void pods_text_clear(struct pods_panel *pp);
/* Ask for the describe text or the logs again (unless a request waits). */
void pods_fetch(struct pods_panel *pp);
/* Open the describe or log view on the selected (or viewed) pod. */
void pods_view(struct pods_panel *pp, enum pods_mode mode);
/* Back to the list. */
void pods_back(struct pods_panel *pp);
/* c: the pod's next container (asked for when the rows name none). */
void pods_next_container(struct pods_panel *pp);
/* n / N: to the next (dir 1) or previous (-1) line matching the search;
 * from counts itself when inclusive. */
void pods_find_match(struct pods_panel *pp, int dir, int inclusive);
/* The / search of the view changed: go to the first matching line. */
void pods_text_search(struct pods_panel *pp, const char *text);
/* Movement keys in the view; 1 if used. */
int pods_text_key(struct pods_panel *pp, int key);
/* Draw the view's title line and text below the status line. */
void pods_draw_view(struct pods_panel *pp, const struct view *v);

/* ---- pods_actions.c: requests and dialogs ------------------------------ */

/* 1 while an earlier request waits for its result (with a message unless
 * quiet); one left unanswered for PODS_PENDING_MAX is given up. */
int pods_busy_request(struct pods_panel *pp, int quiet);
/* Send request rq (taken over) of kind; its result comes in a snapshot.
 * It replaces a request of the same kind still queued; with interrupt,
 * the work in flight on the worker is cut short too. */
void pods_send(struct pods_panel *pp, int kind, const char *step, struct k8s_req *rq,
	       int interrupt);
/* :ctx (ctx 1) or :ns to name (checked): never refused for a request in
 * flight (see pods_actions.c). */
void pods_switch(struct pods_panel *pp, int ctx, const char *name);
/* The rows were just built from the snapshot held: the one they
 * borrowed from before is freed. */
void pods_lend(struct pods_panel *pp);
/* panel_feed_take, but the snapshot the rows borrow from (lender) is
 * not freed when a newer one comes: pods_fill frees it after the rows
 * are built from the next. */
int pods_take(struct pods_panel *pp);
/* A switch in progress: what panel_feed_take found (got) is checked
 * against it; returns got without PANEL_FEED_SNAP when the snapshot
 * taken was of the context left (and dropped). Sends a switch deferred
 * behind an action once that is answered. */
int pods_switch_progress(struct pods_panel *pp, int got);
/* The snapshot just taken answered the request in flight: show it. */
void pods_result(struct pods_panel *pp);
/* Forget the action being prepared. */
void pods_act_clear(struct pods_panel *pp);
/* D, R, S, s on the selected pod: each refused, confirmed or prompted. */
void pods_delete(struct pods_panel *pp);
void pods_restart(struct pods_panel *pp);
void pods_scale(struct pods_panel *pp);
void pods_shell(struct pods_panel *pp);

/* The newest snapshot (NULL until the first list). */
static inline struct k8s_snap *pods_snap(const struct pods_panel *pp)
{
	return pp->feed.snap;
}

#endif
