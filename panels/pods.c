/*
 * pods.c - the Pods panel: the guide's "Pods in CrashLoopBackOff" made
 * live. Pods as `kubectl get pods -o wide` shows them (NAMESPACE when
 * every namespace is shown, NAME, READY, STATUS exactly as kubectl
 * prints it, RESTARTS with the last restart's age, AGE, IP, NODE, and
 * CPU/MEM when metrics.k8s.io answers), coloured by how bad STATUS is,
 * the worst STATUS and most restarts first until the operator sorts by
 * a column (< and > choose it, I inverts, as htop does); the table
 * widget drops columns a narrow view has no room for (IP first),
 * filtered with /, selection kept by pod UID. Enter or d describes a
 * pod, l shows its logs (tail, previous, follow, search, wrap), s opens
 * a shell in a container (kubectl exec -it, the terminal handed over),
 * and D, R and S delete the pod, restart or scale its Deployment or
 * StatefulSet: each confirmed with exactly what is sent, refused in
 * --read-only or when the access review says no, and audited before and
 * after. :ns and :ctx switch namespace and context. All the work is the
 * Kubernetes runner's (backends/k8s/); the panel only takes snapshots
 * and sends requests. pods.h lets the runbook pane offer the pod names.
 * The dialogs and requests are in pods_actions.c, the describe and log
 * view in pods_view.c; pods_int.h is what the three share.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/k8s.h"
#include "lib/ident.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/host.h"
#include "panels/pods.h"
#include "panels/pods_int.h"
#include "runtime/exec.h"
#include "runtime/runner.h"
#include "ui/table.h"

#define PODS_AGE_TICK 5 /* seconds between rebuilds for the ages */
#define PODS_UNCONFIGURED                                                                          \
	"not configured: set kubernetes.kubeconfig or KUBECONFIG, or create ~/.kube/config"

static const struct keymap_entry pods_list_keys[] = {
	{ '\r', KEY_ENTER, "Enter", "Describe",
	  "describe the pod: spec summary, conditions, containers, its events", PODS_DESCRIBE },
	{ 'd', 0, "d", NULL, "describe the pod (as Enter)", PODS_DESCRIBE },
	{ 'l', 0, "l", "Logs",
	  "the pod's logs, last 200 lines (p previous, f follow, / search, w wrap)", PODS_LOGS },
	{ 's', 0, "s", "Shell",
	  "kubectl exec -it into a container (sh), terminal handed over; confirmed", PODS_SHELL },
	{ 'D', 0, "D", "Delete", "delete the pod: type its name to confirm", PODS_DELETE },
	{ 'R', 0, "R", "Restart",
	  "rollout restart of the pod's Deployment or StatefulSet; confirmed", PODS_RESTART },
	{ 'S', 0, "S", "Scale", "scale the pod's Deployment or StatefulSet: replicas, then confirm",
	  PODS_SCALE },
	{ '>', 0, ">", "Sort", "sort by the next column", PODS_SORT_NEXT },
	{ '<', 0, "<", NULL, "sort by the previous column", PODS_SORT_PREV },
	{ 'I', 0, "I", NULL, "invert the sort order", PODS_SORT_INVERT },
	{ 'r', 0, "r", "Refresh", "poll the API server now (resets the retry backoff)",
	  PODS_REFRESH },
	{ 0, 0, ":ns NAME", NULL,
	  "show namespace NAME; :ns all shows every namespace; alone: a pick list", 0 },
	{ 0, 0, ":ctx NAME", NULL, "switch to kubeconfig context NAME (alone: a pick list)", 0 },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

_Static_assert(sizeof pods_list_keys / sizeof pods_list_keys[0] == PODS_NKEYS,
	       "PODS_NKEYS counts pods_list_keys");

static const struct keymap_entry pods_describe_keys[] = {
	{ 'q', SCREEN_KEY_ESC, "q Esc", "Back", "back to the pods", PODS_BACK },
	{ 'o', KEY_BACKSPACE, "o BS", NULL, "back to the pods", PODS_BACK },
	{ 'l', 0, "l", "Logs", "the pod's logs", PODS_LOGS },
	{ 'n', 0, "n", "Next", "next line matching the / search", PODS_MATCH_NEXT },
	{ 'N', 0, "N", "Prev", "previous line matching the / search", PODS_MATCH_PREV },
	{ 'w', 0, "w", "Wrap", "wrap long lines, or cut them at the edge", PODS_WRAP },
	{ 'r', 0, "r", "Reload", "describe the pod again", PODS_RELOAD },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

static const struct keymap_entry pods_log_keys[] = {
	{ 'q', SCREEN_KEY_ESC, "q Esc", "Back", "back to the pods", PODS_BACK },
	{ 'o', KEY_BACKSPACE, "o BS", NULL, "back to the pods", PODS_BACK },
	{ 'p', 0, "p", "Previous", "the previous container's logs (--previous) or the current",
	  PODS_PREVIOUS },
	{ 'f', 0, "f", "Follow", "follow: fetch again every refresh and stay at the end",
	  PODS_FOLLOW },
	{ 'c', 0, "c", "Container",
	  "the next container of the pod (asked for when the list names none)", PODS_CONTAINER },
	{ 'n', 0, "n", "Next", "next line matching the / search", PODS_MATCH_NEXT },
	{ 'N', 0, "N", "Prev", "previous line matching the / search", PODS_MATCH_PREV },
	{ 'w', 0, "w", "Wrap", "wrap long lines, or cut them at the edge", PODS_WRAP },
	{ 'd', 0, "d", "Describe", "describe the pod", PODS_DESCRIBE },
	{ 'r', 0, "r", "Reload", "fetch the logs again", PODS_RELOAD },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

/* Widths come from the cells, as kubectl's tabwriter lays them out, up
 * to a cap. A narrow view drops IP first, then NODE, MEM, CPU, AGE,
 * READY, NAMESPACE (cut to 16 before it goes), RESTARTS; STATUS is cut
 * to 17 and NAME, the key, is cut last. */
static const struct table_column pods_cols[PODS_NCOLS] = {
	{ "NAMESPACE", 63, 0, 3, 16 }, { "NAME", 63, 0, 0, 0 },     { "READY", 7, 0, 4, 0 },
	{ "STATUS", 30, 0, 1, 17 },    { "RESTARTS", 16, 0, 2, 0 }, { "AGE", 9, 0, 5, 0 },
	{ "IP", 39, 0, 9, 0 },         { "NODE", 63, 0, 8, 0 },     { "CPU", 8, 1, 6, 0 },
	{ "MEM", 9, 1, 7, 0 },
};

/* The order the operator most likely wants first: worst STATUS, most
 * RESTARTS, youngest, busiest; names alphabetically. */
static const int pods_col_desc[PODS_NCOLS] = { 0, 0, 0, 1, 1, 0, 0, 0, 1, 1 };

static void pods_fmt_restarts(char *buf, size_t n, const struct k8s_pod *p, double now)
{
	char age[32];

	if (p->restarts > 0 && p->last_restart > 0) {
		k8s_fmt_age(age, sizeof age, now - p->last_restart);
		snprintf(buf, n, "%d (%s ago)", p->restarts, age);
	} else {
		snprintf(buf, n, "%d", p->restarts);
	}
}

static enum role pods_role(enum k8s_severity s)
{
	static const enum role role[] = { [K8S_OK] = ROLE_NORMAL,
					  [K8S_DONE] = ROLE_DIM,
					  [K8S_PENDING] = ROLE_WARN,
					  [K8S_BAD] = ROLE_ERROR };

	return (unsigned)s < sizeof role / sizeof role[0] ? role[s] : ROLE_NORMAL;
}

static double pods_ready_ratio(const char *ready)
{
	long a = 0, b = 0;

	if (ready == NULL || sscanf(ready, "%ld/%ld", &a, &b) != 2 || b <= 0)
		return 0;
	return (double)a / (double)b;
}

/* What pods_cmp sorts by. */
struct pods_sort {
	const struct k8s_snap *snap;
	enum pods_col col;
	int rev;
};

static int pods_cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int pods_cmp(const void *a, const void *b, void *ctx)
{
	const struct pods_sort *ps = ctx;
	const struct k8s_pod *x = &ps->snap->pods[*(const size_t *)a];
	const struct k8s_pod *y = &ps->snap->pods[*(const size_t *)b];
	int r = 0;

	switch (ps->col) {
	case PODS_COL_NS:
	case PODS_COL_NAME:
	case PODS_NCOLS:
		break;
	case PODS_COL_READY:
		r = pods_cmp_num(pods_ready_ratio(x->ready), pods_ready_ratio(y->ready));
		break;
	case PODS_COL_STATUS:
		r = x->severity != y->severity ? pods_cmp_num(x->severity, y->severity)
					       : strcmp(x->status, y->status);
		break;
	case PODS_COL_RESTARTS:
		r = pods_cmp_num(x->restarts, y->restarts);
		break;
	case PODS_COL_AGE: /* a younger pod has the smaller age */
		r = pods_cmp_num(y->created, x->created);
		break;
	case PODS_COL_IP:
		r = strcmp(x->ip, y->ip);
		break;
	case PODS_COL_NODE:
		r = strcmp(x->node, y->node);
		break;
	case PODS_COL_CPU:
		r = pods_cmp_num((double)x->cpu_milli, (double)y->cpu_milli);
		break;
	case PODS_COL_MEM:
		r = pods_cmp_num((double)x->mem_bytes, (double)y->mem_bytes);
		break;
	}
	if (ps->col == PODS_COL_NS)
		r = strcmp(x->ns, y->ns);
	if (ps->col == PODS_COL_NAME)
		r = strcmp(x->name, y->name);
	if (ps->rev)
		r = -r;
	if (r == 0)
		r = strcmp(x->ns, y->ns);
	if (r == 0)
		r = strcmp(x->name, y->name);
	return r;
}

/* The text of column k for pod p (into buf when it is formatted). */
static const char *pods_cell(const struct k8s_pod *p, enum pods_col k, char *buf, size_t n,
			     double now)
{
	switch (k) {
	case PODS_COL_NS:
		return p->ns;
	case PODS_COL_NAME:
		return p->name;
	case PODS_COL_READY:
		return p->ready;
	case PODS_COL_STATUS:
		return p->status;
	case PODS_COL_RESTARTS:
		pods_fmt_restarts(buf, n, p, now);
		return buf;
	case PODS_COL_AGE:
		if (p->created > 0)
			k8s_fmt_age(buf, n, now - p->created);
		else
			snprintf(buf, n, "<unknown>");
		return buf;
	case PODS_COL_IP:
		return p->ip != NULL && p->ip[0] ? p->ip : "<none>";
	case PODS_COL_NODE:
		return p->node != NULL && p->node[0] ? p->node : "<none>";
	case PODS_COL_CPU:
		if (p->cpu_milli >= 0)
			snprintf(buf, n, "%ldm", p->cpu_milli);
		else
			snprintf(buf, n, "-");
		return buf;
	case PODS_COL_MEM:
		if (p->mem_bytes >= 0)
			snprintf(buf, n, "%ldMi", p->mem_bytes >> 20);
		else
			snprintf(buf, n, "-");
		return buf;
	case PODS_NCOLS:
		break;
	}
	return "";
}

/* The columns the data has: NAMESPACE when every namespace is listed,
 * CPU and MEM when metrics.k8s.io answers. */
static size_t pods_choose(const struct pods_panel *pp, enum pods_col *kinds)
{
	size_t n = 0;
	int c;

	for (c = 0; c < PODS_NCOLS; c++) {
		if (c == PODS_COL_NS && pods_snap(pp) != NULL && pods_snap(pp)->ns != NULL)
			continue;
		if ((c == PODS_COL_CPU || c == PODS_COL_MEM) &&
		    (pods_snap(pp) == NULL || !pods_snap(pp)->have_metrics))
			continue;
		kinds[n++] = (enum pods_col)c;
	}
	return n;
}

/* How much attention a pod needs: failing, then pending, then running,
 * then completed (the table puts rank > 0 first and counts it). */
static long pods_rank(enum k8s_severity s)
{
	static const long rank[] = {
		[K8S_BAD] = 2, [K8S_PENDING] = 1, [K8S_OK] = 0, [K8S_DONE] = -1
	};

	return (unsigned)s < sizeof rank / sizeof rank[0] ? rank[s] : 0;
}

/* Point the table at the columns the data has and mark the sort (rows
 * must be cleared: their cells are freed by the old column count). */
static void pods_set_columns(struct pods_panel *pp)
{
	size_t i;

	pp->ncols = pods_choose(pp, pp->kinds);
	for (i = 0; i < pp->ncols; i++) {
		enum pods_col k = pp->kinds[i];

		pp->cols[i] = pods_cols[k];
		snprintf(pp->titles[i], sizeof pp->titles[i], "%s%s", pods_cols[k].title,
			 pp->sorted && k == pp->sort ? (pp->sort_desc ? "v" : "^") : "");
		pp->cols[i].title = pp->titles[i];
	}
	pp->list.cols = pp->cols;
	pp->list.ncols = pp->ncols;
	pp->list.trouble_first = !pp->sorted;
}

/* When pod p's AGE or RESTARTS text next changes, as of now. */
static double pods_due(const struct k8s_pod *p, double now)
{
	double age = p->created > 0 ? now + k8s_age_next(now - p->created) : 1e300;
	double re = p->restarts > 0 && p->last_restart > 0
			    ? now + k8s_age_next(now - p->last_restart)
			    : 1e300;

	return re < age ? re : age;
}

/* Order the pods into pp->order (unsorted: the table orders by rank,
 * within one most restarts first). The worker keeps its pods in place,
 * so the last order, checked in n comparisons, is often still right. */
static void pods_order(struct pods_panel *pp, const struct k8s_snap *s)
{
	struct pods_sort ps = { s, pp->sorted ? pp->sort : PODS_COL_RESTARTS,
				pp->sorted ? pp->sort_desc : 1 };
	int keep = pp->order != NULL && pp->norder == s->npods;
	size_t i;

	for (i = 1; keep && i < s->npods; i++)
		keep = pods_cmp(&pp->order[i - 1], &pp->order[i], &ps) <= 0;
	if (keep)
		return;
	free(pp->order);
	pp->order = xcalloc(s->npods, sizeof *pp->order);
	pp->norder = s->npods;
	for (i = 0; i < s->npods; i++)
		pp->order[i] = i;
	util_sort(pp->order, s->npods, sizeof *pp->order, pods_cmp, &ps);
}

/* The columns that are the pod's own strings (the rows borrow them). */
static const unsigned pods_own = 1u << PODS_COL_NS | 1u << PODS_COL_NAME | 1u << PODS_COL_READY |
				 1u << PODS_COL_STATUS | 1u << PODS_COL_IP | 1u << PODS_COL_NODE;

static void pods_fill(struct pods_panel *pp)
{
	const struct k8s_snap *s = pods_snap(pp);
	double now = util_wall();
	size_t i, c;

	table_clear_rows(&pp->list);
	pods_set_columns(pp);
	free(pp->due);
	pp->due = NULL;
	if (s == NULL || s->npods == 0) {
		free(pp->order);
		pp->order = NULL;
		table_commit(&pp->list);
		pods_lend(pp);
		return;
	}
	pods_order(pp, s);
	pp->due = xcalloc(s->npods, sizeof *pp->due);
	for (i = 0; i < s->npods; i++) {
		const struct k8s_pod *p = &s->pods[pp->order[i]];
		char bufs[PODS_NCOLS][64], search[300], *esc[PODS_NCOLS] = { NULL };
		const char *cells[PODS_NCOLS];
		unsigned lent = 0;

		for (c = 0; c < pp->ncols; c++) {
			cells[c] = pods_cell(p, pp->kinds[c], bufs[c], sizeof bufs[c], now);
			/* Names are ASCII by rule: a lookalike is spelled out. */
			if ((pp->kinds[c] == PODS_COL_NAME || pp->kinds[c] == PODS_COL_NS) &&
			    !ident_is_plain(cells[c]))
				cells[c] = esc[c] = ident_escape(cells[c]);
			else if ((pods_own >> pp->kinds[c]) & 1u)
				lent |= 1u << c;
		}
		snprintf(search, sizeof search, "%s/%s", p->owner_kind ? p->owner_kind : "",
			 p->owner_name ? p->owner_name : "");
		/* The snapshot's strings are borrowed, not copied (its pods
		 * share them with the worker's): it is kept while the rows
		 * are (pods_lend). */
		table_add_lent(&pp->list, p->uid, pods_role(p->severity), pods_rank(p->severity),
			       cells, search, lent, 1);
		pp->due[i] = pods_due(p, now);
		for (c = 0; c < pp->ncols; c++)
			free(esc[c]);
	}
	table_commit(&pp->list);
	pods_lend(pp);
}

/* Time alone changes only AGE and RESTARTS, never the order nor a rank:
 * the cells of the rows due are set in place. 1 if any changed. */
static int pods_tick(struct pods_panel *pp, double now)
{
	const struct k8s_snap *s = pods_snap(pp);
	size_t i, c;
	int changed = 0;

	if (s == NULL || pp->order == NULL || pp->list.nrows != s->npods) {
		pods_fill(pp);
		return 1;
	}
	for (i = 0; i < s->npods; i++) {
		const struct k8s_pod *p = &s->pods[pp->order[i]];
		char buf[64];

		if (pp->due[i] > now)
			continue;
		pp->due[i] = pods_due(p, now);
		for (c = 0; c < pp->ncols; c++)
			if (pp->kinds[c] == PODS_COL_AGE || pp->kinds[c] == PODS_COL_RESTARTS)
				changed |= table_set_text(
					&pp->list, i, c,
					pods_cell(p, pp->kinds[c], buf, sizeof buf, now));
	}
	if (changed)
		table_recommit(&pp->list);
	return changed;
}

int pods_allowed(const struct k8s_access *a, int act)
{
	switch (act) {
	case PODS_DELETE:
		return a->delete_pods;
	case PODS_RESTART:
		return a->patch_workloads;
	case PODS_SCALE:
		return a->scale_workloads;
	case PODS_SHELL:
		return a->exec_pods;
	}
	return -1;
}

/* The key bar hides what the access review forbids; the help says why.
 * keys_bad is the same for a row whose name is not a valid Kubernetes
 * name (a lookalike character): what would be refused is hidden too. */
static void pods_build_keys(struct pods_panel *pp)
{
	const struct k8s_access *a = pods_snap(pp) != NULL ? &pods_snap(pp)->access : NULL;
	size_t i;
	int act;

	for (i = 0; i < PODS_NKEYS; i++) {
		pp->keys[i] = pods_list_keys[i];
		act = pods_list_keys[i].action;
		if (a != NULL && pods_allowed(a, act) == 0) {
			pp->keys[i].label = NULL;
			pp->keys[i].help =
				"not allowed: RBAC says no (the access review denied it)";
		}
		pp->keys_bad[i] = pp->keys[i];
		if (act == PODS_DELETE || act == PODS_RESTART || act == PODS_SCALE ||
		    act == PODS_SHELL || act == PODS_DESCRIBE || act == PODS_LOGS) {
			pp->keys_bad[i].label = NULL;
			pp->keys_bad[i].help = "refused for this pod: its name is not a valid "
					       "Kubernetes name (a lookalike character)";
		}
	}
}

/* 1 when the selected row's namespace or name breaks the naming rule. */
static int pods_selected_bad(const struct pods_panel *pp)
{
	long i = table_selected_index(&pp->list);
	const struct k8s_pod *p;

	if (i < 0 || pp->order == NULL || pods_snap(pp) == NULL ||
	    (size_t)i >= pods_snap(pp)->npods)
		return 0;
	p = &pods_snap(pp)->pods[pp->order[i]];
	return !runbook_valid_k8s_name(p->ns) || !runbook_valid_k8s_name(p->name);
}

/* A name cell with spelled-out characters: those in the error colour. */
static int pods_draw_cell(const struct table_row *r, size_t c, const struct view *v, int y, int x,
			  int w, enum role role, void *ctx)
{
	const struct pods_panel *pp = ctx;

	if ((pp->kinds[c] != PODS_COL_NAME && pp->kinds[c] != PODS_COL_NS) ||
	    strchr(r->cells[c], '\\') == NULL)
		return 0;
	draw_ident(v, y, x, role, r->cells[c], w);
	return 1;
}

const struct k8s_pod *pods_find(const struct pods_panel *pp, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; pods_snap(pp) != NULL && i < pods_snap(pp)->npods; i++)
		if (strcmp(pods_snap(pp)->pods[i].ns, ns) == 0 &&
		    strcmp(pods_snap(pp)->pods[i].name, name) == 0)
			return &pods_snap(pp)->pods[i];
	return NULL;
}

const struct k8s_pod *pods_selected(struct pods_panel *pp)
{
	long i = table_selected_index(&pp->list);

	if (i < 0 || pp->order == NULL || pods_snap(pp) == NULL ||
	    (size_t)i >= pods_snap(pp)->npods) {
		app_message(pp->app, ROLE_NORMAL, "select a pod first");
		return NULL;
	}
	return &pods_snap(pp)->pods[pp->order[i]];
}

/* Names from the API reach URLs and argv only when valid (B2). */
int pods_valid(struct pods_panel *pp, const char *ns, const char *name)
{
	char *ens, *ename;

	if (!runbook_valid_k8s_name(ns) || !runbook_valid_k8s_name(name)) {
		/* Spelled out, so the operator sees which letter is wrong. */
		ens = ident_escape(ns);
		ename = ident_escape(name);
		app_message(pp->app, ROLE_ERROR,
			    "refused: %s/%s is not a valid Kubernetes name%s; nothing was sent",
			    ens, ename,
			    ident_is_plain(ns) && ident_is_plain(name)
				    ? ""
				    : " (\\u: a character that is not ASCII)");
		free(ens);
		free(ename);
		return 0;
	}
	return 1;
}

void pods_forget(struct pods_panel *pp)
{
	if (pp->feed.snap == NULL)
		return;
	if (pp->feed.snap != pp->lender)
		k8s_snap_free(pp->feed.snap);
	pp->feed.snap = NULL;
	pods_fill(pp); /* frees the lender, after the rows that borrow from it */
}

const char *pods_context(const struct pods_panel *pp)
{
	if (pp->ctx_want[0] != '\0')
		return pp->ctx_want;
	if (pods_snap(pp) != NULL && pods_snap(pp)->context != NULL)
		return pods_snap(pp)->context;
	return pp->arg.cfg->kube_context != NULL ? pp->arg.cfg->kube_context : "(current)";
}

static void *pods_create(struct app *app)
{
	struct pods_panel *pp = xcalloc(1, sizeof *pp);
	const struct config *c = app_config(app);
	struct runner_opts opts = runner_opts_for(c->refresh);
	char *home = util_expand_home("~/.kube/config");
	struct stat sb;

	pp->app = app;
	pp->sort = PODS_COL_NAME;
	pp->top = -1;
	table_init(&pp->list, pods_cols, PODS_NCOLS);
	pp->list.trouble_word = "failing";
	pp->list.draw_cell = pods_draw_cell;
	pp->list.draw_ctx = pp;
	pods_fill(pp);
	pods_build_keys(pp);
	pp->interval = opts.interval;
	pp->no_config = (c->kubeconfig == NULL || c->kubeconfig[0] == '\0') &&
			(home == NULL || stat(home, &sb) != 0) &&
			(getenv("KUBERNETES_SERVICE_HOST") == NULL ||
			 getenv("KUBERNETES_SERVICE_PORT") == NULL);
	free(home);
	pp->kubectl = exec_resolve("kubectl", NULL, 0);
	pp->arg.cfg = c;
	pp->arg.timeout = panel_timeout(&opts, 2, 2, 10);
	/* With no kubeconfig anywhere there is nothing to retry: the panel
	 * says how to configure it, and no runner polls (nor shows as an
	 * error in the Sources panel) for an operator without Kubernetes. */
	if (!pp->no_config)
		panel_feed_start(&pp->feed, &k8s_backend, &pp->arg, &opts, app_wake_fd(app));
	else
		snprintf(pp->feed.error, sizeof pp->feed.error,
			 "no kubeconfig: none named, no ~/.kube/config, not in a cluster");
	return pp;
}

static void pods_destroy(void *self)
{
	struct pods_panel *pp = self;

	table_free(&pp->list);
	if (pp->lender != pp->feed.snap)
		k8s_snap_free(pp->lender);
	panel_feed_stop(&pp->feed);
	free(pp->order);
	free(pp->due);
	free(pp->kubectl);
	pods_act_clear(pp);
	pods_text_clear(pp);
	k8s_req_free(pp->next_req);
	free(pp->vns);
	free(pp->vpod);
	free(pp->vcontainer);
	free(pp);
}

static int pods_update(void *self)
{
	struct pods_panel *pp = self;
	long sec = (long)util_wall();
	int got, redraw = 0;

	if (pp->feed.r == NULL)
		return 0;
	got = pods_switch_progress(pp, pods_take(pp));
	if (got & PANEL_FEED_SNAP) {
		app_set_context(pp->app, pods_snap(pp)->context);
		pods_fill(pp);
		pods_build_keys(pp);
		pods_result(pp);
		/* A switch deferred behind the action just answered goes now. */
		pods_switch_progress(pp, 0);
		pp->filled = sec;
	} else if (pods_snap(pp) != NULL && sec - pp->filled >= PODS_AGE_TICK) {
		/* A quiet watch sends no snapshot: the ages still move. */
		redraw = pods_tick(pp, util_wall());
		pp->filled = sec;
	}
	if (got != 0)
		redraw = 1;
	/* Follow: fetch the logs again every refresh. */
	if (pp->mode == PODS_LOG_VIEW && pp->follow && pp->pending == 0 &&
	    util_now() - pp->last_fetch >= pp->interval) {
		pods_fetch(pp);
		redraw = 1;
	}
	return panel_tick(&pp->last_second, 1, redraw, pp->feed.status.state == MAILBOX_ERROR);
}

/* Row 0: context, namespace, pods, watching, and the source's state. */
static void pods_draw_status(struct pods_panel *pp, const struct view *v)
{
	const struct k8s_snap *s = pods_snap(pp);
	char state[32], detail[512], line[256];
	enum role r;
	int x;

	r = panel_source_state(&pp->feed.status, s != NULL, state, sizeof state, detail,
			       sizeof detail);
	if (pp->switching) {
		r = ROLE_RUNNING;
		snprintf(state, sizeof state, "switching…");
		detail[0] = '\0';
	} else if (r == ROLE_DIM)
		snprintf(detail, sizeof detail, "first list in progress");
	else if (r == ROLE_OK)
		snprintf(detail, sizeof detail, "%s", s != NULL && s->watching ? "watching" : "");
	x = draw_label(v, 0, 0, ROLE_TITLE, "context ");
	x += draw_text(v, 0, x, ROLE_NORMAL, pods_context(pp), 40);
	x += draw_label(v, 0, x, ROLE_TITLE, "  ns ");
	if (s != NULL)
		x += draw_text(v, 0, x, ROLE_NORMAL, s->ns != NULL ? s->ns : "all", 40);
	else
		x += draw_text(v, 0, x, ROLE_NORMAL,
			       pp->arg.cfg->kube_namespace ? pp->arg.cfg->kube_namespace : "-", 40);
	if (s != NULL) {
		snprintf(line, sizeof line, "  %zu pod%s", s->npods, s->npods == 1 ? "" : "s");
		x += draw_label(v, 0, x, ROLE_NORMAL, line);
	}
	x += draw_label(v, 0, x, ROLE_NORMAL, "  ");
	x += draw_label(v, 0, x, r, state) + 1;
	x += draw_text(v, 0, x, r, detail, v->w) + 2;
	if (s != NULL && r == ROLE_OK) {
		snprintf(line, sizeof line, "list #%lu, %lu events%s", s->lists, s->events,
			 s->table_format ? "" : ", pod list (STATUS computed here)");
		draw_label(v, 0, x, ROLE_DIM, line);
	}
}

static void pods_draw(void *self, const struct view *v, int focused)
{
	struct pods_panel *pp = self;
	char line[256];
	struct view tv = *v;

	if (pp->feed.r == NULL ||
	    (pp->no_config && pods_snap(pp) == NULL && pp->feed.status.state == MAILBOX_ERROR)) {
		int y = 0;

		if (pp->no_config) {
			draw_label(v, y, 1, ROLE_DIM, PODS_UNCONFIGURED);
			return;
		}
		draw_label(v, y, 1, ROLE_ERROR, "error: ");
		draw_text(v, y, 8, ROLE_ERROR, pp->feed.r ? pp->feed.status.error : pp->feed.error,
			  v->w);
		return;
	}
	pods_draw_status(pp, v);
	if (pp->mode != PODS_LIST) {
		pods_draw_view(pp, v);
		return;
	}
	if (pp->sorted)
		snprintf(line, sizeof line, "Pods by %s%s (< > sort, I inverts)",
			 pods_cols[pp->sort].title, pp->sort_desc ? ", reversed" : "");
	else
		snprintf(line, sizeof line, "Pods, trouble first (< > sort, I inverts)");
	{
		int x = draw_label(v, 1, 0, ROLE_TITLE, line);

		if (pods_snap(pp) != NULL && pp->list.filter[0] != '\0') {
			snprintf(line, sizeof line, "  %zu of %zu match the filter",
				 pp->list.nvisible, pp->list.nrows);
			x += draw_label(v, 1, x, ROLE_DIM, line);
		}
		if (pods_snap(pp) != NULL && !pods_snap(pp)->have_metrics)
			draw_label(v, 1, x, ROLE_DIM, "  no metrics (metrics.k8s.io)");
	}
	tv.y += 2;
	tv.h -= 2;
	if (pods_snap(pp) == NULL) {
		draw_label(v, 3, 1, ROLE_DIM,
			   pp->switching ? "switching: waiting for the new context's first list ..."
			   : pp->feed.status.state == MAILBOX_ERROR
				   ? "no data yet: the API server is failing (see above)"
				   : "waiting for the first list ...");
		return;
	}
	if (pods_snap(pp)->npods == 0 && pp->feed.status.state == MAILBOX_OK) {
		snprintf(line, sizeof line, "no pods in %s",
			 pods_snap(pp)->ns ? pods_snap(pp)->ns : "any namespace");
		draw_label(v, 3, 1, ROLE_DIM, line);
		return;
	}
	table_draw(&pp->list, &tv, focused);
}

static void pods_sort_by(struct pods_panel *pp, int step)
{
	enum pods_col k[PODS_NCOLS];
	size_t n = pods_choose(pp, k), i;

	for (i = 0; i < n; i++)
		if (k[i] == pp->sort)
			break;
	i = i == n ? 0 : (i + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
	pp->sorted = 1;
	pp->sort = k[i];
	pp->sort_desc = pods_col_desc[k[i]];
	pods_fill(pp);
}

static int pods_action(void *self, int action)
{
	struct pods_panel *pp = self;

	if (pp->feed.r == NULL)
		return panel_feed_why(pp->app, &pp->feed, pp->no_config ? PODS_UNCONFIGURED : NULL);
	switch (action) {
	case PODS_REFRESH:
		panel_feed_refresh(pp->app, &pp->feed, "the pods");
		return 1;
	case PODS_DESCRIBE:
		pods_view(pp, PODS_DESCRIBE_VIEW);
		return 1;
	case PODS_LOGS:
		pods_view(pp, PODS_LOG_VIEW);
		return 1;
	case PODS_SHELL:
		pods_shell(pp);
		return 1;
	case PODS_DELETE:
		pods_delete(pp);
		return 1;
	case PODS_RESTART:
		pods_restart(pp);
		return 1;
	case PODS_SCALE:
		pods_scale(pp);
		return 1;
	case PODS_SORT_NEXT:
	case PODS_SORT_PREV:
		pods_sort_by(pp, action == PODS_SORT_NEXT ? 1 : -1);
		return 1;
	case PODS_SORT_INVERT:
		pp->sort_desc = pp->sorted ? !pp->sort_desc : !pods_col_desc[pp->sort];
		pp->sorted = 1;
		pods_fill(pp);
		return 1;
	case PODS_BACK:
		pods_back(pp);
		return 1;
	case PODS_PREVIOUS:
		pp->previous = !pp->previous;
		pp->top = -1;
		pods_fetch(pp);
		app_message(pp->app, ROLE_NORMAL, "%s",
			    pp->previous ? "logs of the previous container (--previous)"
					 : "logs of the current container");
		return 1;
	case PODS_FOLLOW:
		pp->follow = !pp->follow;
		if (pp->follow) {
			pp->top = -1;
			pods_fetch(pp);
		}
		app_message(pp->app, ROLE_NORMAL, "%s",
			    pp->follow ? "following: fetched every refresh" : "not following");
		return 1;
	case PODS_WRAP:
		pp->wrap = !pp->wrap;
		return 1;
	case PODS_CONTAINER:
		pods_next_container(pp);
		return 1;
	case PODS_MATCH_NEXT:
	case PODS_MATCH_PREV:
		pods_find_match(pp, action == PODS_MATCH_NEXT ? 1 : -1, 0);
		return 1;
	case PODS_RELOAD:
		pods_fetch(pp);
		return 1;
	}
	return 0;
}

static int pods_key(void *self, int key)
{
	struct pods_panel *pp = self;

	if (pp->mode == PODS_LIST)
		return table_key(&pp->list, key);
	return pods_text_key(pp, key);
}

static int pods_click(void *self, int y, int x)
{
	struct pods_panel *pp = self;

	(void)x;
	if (pp->mode != PODS_LIST)
		return 0;
	return table_click(&pp->list, y - 2);
}

static void pods_filter(void *self, const char *text)
{
	struct pods_panel *pp = self;

	if (pp->mode == PODS_LIST)
		table_set_filter(&pp->list, text);
	else
		pods_text_search(pp, text);
}

static int pods_busy(void *self)
{
	(void)self;
	return 0;
}

static int pods_configured(void *self)
{
	const struct pods_panel *pp = self;

	return !pp->no_config;
}

static const struct keymap_entry *pods_mode_keys(void *self)
{
	const struct pods_panel *pp = self;

	switch (pp->mode) {
	case PODS_LIST:
		return pods_selected_bad(pp) ? pp->keys_bad : pp->keys;
	case PODS_DESCRIBE_VIEW:
		return pods_describe_keys;
	case PODS_LOG_VIEW:
		return pods_log_keys;
	}
	return NULL;
}

static int pods_command(void *self, const char *cmd, const char *arg);

size_t pods_choices(const void *pods, int ns, char ***out)
{
	const struct pods_panel *pp = pods;
	const struct k8s_snap *s = pp != NULL ? pods_snap(pp) : NULL;
	size_t npods = s != NULL ? s->npods : 0, n = 0, k, i;
	char **v;

	*out = NULL;
	if (pp == NULL || (!ns && (s == NULL || s->ncontexts == 0)))
		return 0;
	v = xcalloc((ns ? npods + 3 : s->ncontexts) + 1, sizeof *v);
	for (i = 0; !ns && i < s->ncontexts; i++)
		v[n++] = xstrdup(s->contexts[i]);
	for (i = 0; ns && i < npods; i++)
		if (s->pods[i].ns != NULL)
			v[n++] = xstrdup(s->pods[i].ns);
	if (ns && s != NULL && s->ns != NULL)
		v[n++] = xstrdup(s->ns);
	if (ns && pp->arg.cfg->kube_namespace != NULL)
		v[n++] = xstrdup(pp->arg.cfg->kube_namespace);
	k = strv_sort_unique(v, n);
	if (ns) { /* "all" first: every namespace */
		memmove(v + 1, v, k * sizeof *v);
		v[0] = xstrdup("all");
		k++;
	}
	*out = v;
	return k;
}

static void pods_picked_ns(void *ctx, const char *chosen)
{
	if (chosen != NULL)
		pods_command(ctx, "ns", chosen);
}

static void pods_picked_ctx(void *ctx, const char *chosen)
{
	if (chosen != NULL)
		pods_command(ctx, "ctx", chosen);
}

/* :ns and :ctx alone: a pick list of the namespaces (of the pods listed,
 * and all) or of the kubeconfig's contexts, the one in use marked. */
static void pods_pick(struct pods_panel *pp, int ns)
{
	const struct k8s_snap *s = pods_snap(pp);
	char **v;
	size_t n = pods_choices(pp, ns, &v);

	if (n == 0 && !ns) {
		app_message(pp->app, ROLE_NORMAL, "context %s; no other known (:ctx NAME)",
			    pods_context(pp));
		return;
	}
	if (ns)
		app_pick(pp->app, "Namespace (:ns NAME, all: every one)", (const char *const *)v, n,
			 s == NULL || s->ns == NULL ? "all" : s->ns, pods_picked_ns, pp);
	else
		app_pick(pp->app, "Kubeconfig context (:ctx NAME)", (const char *const *)v, n,
			 pods_context(pp), pods_picked_ctx, pp);
	strv_free(v, n);
}

/* :ns NAME | :ns all | :ctx NAME; without a name, a pick list. */
static int pods_command(void *self, const char *cmd, const char *arg)
{
	struct pods_panel *pp = self;
	const struct k8s_snap *s = pods_snap(pp);
	int ns = strcmp(cmd, "ns") == 0 || strcmp(cmd, "namespace") == 0;
	int ctx = strcmp(cmd, "ctx") == 0 || strcmp(cmd, "context") == 0;
	const char *name;
	size_t i;

	if (!ns && !ctx)
		return 0;
	if (pp->feed.r == NULL) {
		pods_action(pp, 0);
		return 1;
	}
	if (arg[0] == '\0') {
		pods_pick(pp, ns);
		return 1;
	}
	if (strchr(arg, '\t') != NULL || strchr(arg, '\n') != NULL) {
		app_message(pp->app, ROLE_ERROR, ":%s: not a valid name", cmd);
		return 1;
	}
	if (ns && strcmp(arg, "all") != 0 && strcmp(arg, "-A") != 0 &&
	    !runbook_valid_k8s_name(arg)) {
		char *e = ident_escape(arg);

		app_message(pp->app, ROLE_ERROR, ":ns: \"%s\" is not a valid namespace name", e);
		free(e);
		return 1;
	}
	if (ctx && s != NULL && s->ncontexts > 0) {
		for (i = 0; i < s->ncontexts; i++)
			if (strcmp(s->contexts[i], arg) == 0)
				break;
		if (i == s->ncontexts) {
			app_message(pp->app, ROLE_ERROR,
				    ":ctx: no context \"%s\" in the kubeconfig", arg);
			return 1;
		}
	}
	name = ns && strcmp(arg, "-A") == 0 ? "all" : arg;
	pods_switch(pp, ctx, name);
	return 1;
}

/* Pending or not ready this long is trouble, not a pod starting. */
#define PODS_SLOW_START 300.0

/* A restart this recent counts as "restarts growing". */
#define PODS_RECENT_RESTART 600.0

/* Which finding a pod's STATUS is, for a pod in K8S_BAD. */
static const char *pods_bad_kind(const char *status)
{
	if (strstr(status, "CrashLoopBackOff") != NULL)
		return "pod-crashloop";
	if (strstr(status, "ImagePull") != NULL || strstr(status, "ErrImage") != NULL)
		return "pod-imagepull";
	if (strstr(status, "OOMKilled") != NULL)
		return "pod-oomkilled";
	return "pod-error";
}

/* 1 when READY ("1/2") says fewer containers are ready than exist. */
static int pods_not_ready(const char *ready)
{
	int have, want;

	return ready != NULL && sscanf(ready, "%d/%d", &have, &want) == 2 && have < want;
}

static void pods_findings(void *self, struct finding_list *out)
{
	struct pods_panel *pp = self;
	const struct k8s_snap *s = pods_snap(pp);
	double now = util_wall();
	size_t i;

	for (i = 0; s != NULL && i < s->npods; i++) {
		const struct k8s_pod *p = &s->pods[i];
		struct finding *f = NULL;
		char age[32];

		if (p->severity == K8S_BAD) {
			f = finding_add(out, FINDING_CRITICAL, pods_bad_kind(p->status),
					"Kubernetes", "pods");
			snprintf(f->what, sizeof f->what, "%s, %d restart%s", p->status,
				 p->restarts, p->restarts == 1 ? "" : "s");
			f->since = p->last_restart > 0 ? p->last_restart : p->created;
		} else if (p->severity != K8S_DONE && pods_not_ready(p->ready) &&
			   strncmp(p->status, "Running", 7) == 0 &&
			   now - p->created > PODS_SLOW_START) {
			f = finding_add(out, FINDING_WARNING, "pod-notready", "Kubernetes", "pods");
			snprintf(f->what, sizeof f->what, "Running but not ready (%s)", p->ready);
			f->since = p->created;
		} else if (p->severity == K8S_PENDING && now - p->created > PODS_SLOW_START &&
			   strncmp(p->status, "Terminating", 11) != 0) {
			k8s_fmt_age(age, sizeof age, now - p->created);
			f = finding_add(out, FINDING_WARNING, "pod-pending", "Kubernetes", "pods");
			snprintf(f->what, sizeof f->what, "%s for %s", p->status, age);
			f->since = p->created;
		} else if (p->restarts > 0 && p->last_restart > 0 &&
			   now - p->last_restart < PODS_RECENT_RESTART) {
			k8s_fmt_age(age, sizeof age, now - p->last_restart);
			f = finding_add(out, FINDING_WARNING, "pod-restarts", "Kubernetes", "pods");
			snprintf(f->what, sizeof f->what, "restarted %d times, last %s ago",
				 p->restarts, age);
			f->since = p->last_restart;
		}
		if (f == NULL)
			continue;
		snprintf(f->object, sizeof f->object, "%s/%s", p->ns, p->name);
		snprintf(f->row_id, sizeof f->row_id, "%s", p->uid);
		finding_var(f, "pod-name", p->name);
		finding_var(f, "namespace", p->ns);
	}
}

/* Select the pod whose uid is what, back in the list. */
static int pods_open(void *self, const char *what, const char *vars)
{
	struct pods_panel *pp = self;
	int cleared, found;

	if (pp->mode != PODS_LIST)
		pods_back(pp);
	found = table_reveal_id(&pp->list, what, &cleared);
	if (cleared)
		app_show_filter(pp->app, "");
	return found ? 0 : -1;
}

/* The grid's share: the context and title lines, the table's header and
 * its rows (or the line saying why there are none); a describe or log
 * view takes what it can get. */
static void pods_want(void *self, struct panel_want *w)
{
	const struct pods_panel *pp = self;
	size_t n = pods_snap(pp) != NULL ? pp->list.nvisible : 0;

	w->rows = pp->mode != PODS_LIST ? -1 : 3 + (n > 0 ? (int)n : 1);
}

const struct panel_ops pods_panel = {
	.name = "pods",
	.title = "Pods",
	.keys = pods_list_keys,
	.create = pods_create,
	.destroy = pods_destroy,
	.update = pods_update,
	.draw = pods_draw,
	.action = pods_action,
	.key = pods_key,
	.click = pods_click,
	.filter = pods_filter,
	.busy = pods_busy,
	.mode_keys = pods_mode_keys,
	.command = pods_command,
	.configured = pods_configured,
	.findings = pods_findings,
	.open = pods_open,
	.want = pods_want,
};

/* A pod of the pick list while it is being ordered. */
struct pods_pick_key {
	const struct k8s_pod *pod;
	long rank;
};

/* By name, the worst of one name first (so it is the one kept). */
static int pods_pick_by_name(const void *a, const void *b)
{
	const struct pods_pick_key *x = a, *y = b;
	int r = strcmp(x->pod->name, y->pod->name);

	if (r != 0)
		return r;
	return x->rank != y->rank ? (x->rank > y->rank ? -1 : 1) : 0;
}

/* Worst first, then most restarts, then by name. */
static int pods_pick_by_trouble(const void *a, const void *b)
{
	const struct pods_pick_key *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->pod->restarts != y->pod->restarts)
		return x->pod->restarts > y->pod->restarts ? -1 : 1;
	return strcmp(x->pod->name, y->pod->name);
}

size_t pods_picks(const void *pods, const char *ns, struct pods_pick **out)
{
	const struct pods_panel *pp = pods;
	const struct k8s_snap *s = pp != NULL ? pods_snap(pp) : NULL;
	struct pods_pick_key *k;
	double now = util_wall();
	size_t i, n = 0, m = 0;

	*out = NULL;
	if (s == NULL || s->npods == 0)
		return 0;
	k = xcalloc(s->npods, sizeof *k);
	for (i = 0; i < s->npods; i++)
		if (ns == NULL || strcmp(s->pods[i].ns, ns) == 0) {
			k[n].pod = &s->pods[i];
			k[n++].rank = pods_rank(s->pods[i].severity);
		}
	qsort(k, n, sizeof *k, pods_pick_by_name);
	for (i = 0; i < n; i++)
		if (m == 0 || strcmp(k[m - 1].pod->name, k[i].pod->name) != 0)
			k[m++] = k[i];
	qsort(k, m, sizeof *k, pods_pick_by_trouble);
	if (m > 0)
		*out = xcalloc(m, sizeof **out);
	for (i = 0; i < m; i++) {
		const struct k8s_pod *p = k[i].pod;
		char buf[64];

		pods_fmt_restarts(buf, sizeof buf, p, now);
		(*out)[i].name = xstrdup(p->name);
		(*out)[i].status = xstrdup(p->status);
		(*out)[i].restarts = xstrdup(buf);
		(*out)[i].role = pods_role(p->severity);
		(*out)[i].rank = k[i].rank;
	}
	free(k);
	return m;
}

void pods_picks_free(struct pods_pick *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].name);
		free(v[i].status);
		free(v[i].restarts);
	}
	free(v);
}
