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
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/exec.h"
#include "backends/k8s.h"
#include "core/runbook.h"
#include "runtime/runner.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/pods.h"
#include "panels/host.h"
#include "core/audit.h"
#include "lib/redact.h"
#include "lib/sanitize.h"
#include "ui/table.h"

#define PODS_TAIL 200          /* log lines asked for */
#define PODS_PENDING_MAX 30.0  /* seconds a request may go unanswered */
#define PODS_AGE_TICK 5        /* seconds between rebuilds for the ages */
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
	{ 0, 0, ":ns NAME", NULL, "show namespace NAME; :ns all shows every namespace", 0 },
	{ 0, 0, ":ctx NAME", NULL, "switch to kubeconfig context NAME (:ctx lists them)", 0 },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

#define PODS_NKEYS (sizeof pods_list_keys / sizeof pods_list_keys[0])

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

struct pods_panel {
	struct app *app;
	struct k8s_arg arg;
	struct runner *runner;
	double interval;
	char error[256];
	int no_config; /* no kubeconfig anywhere: say how to configure */
	char *kubectl; /* resolved at start-up for the shell, or NULL */
	struct k8s_snap *snap;
	struct mailbox_status status;
	unsigned long seen_generation;
	long last_second;
	long filled; /* when the rows were last built */

	enum pods_mode mode;
	struct table list;
	struct table_column cols[PODS_NCOLS];
	char titles[PODS_NCOLS][16];
	enum pods_col kinds[PODS_NCOLS]; /* what each shown column is */
	size_t ncols;
	size_t *order; /* row index -> index into snap->pods */
	enum pods_col sort;
	int sort_desc;
	int sorted; /* the operator chose sort; else trouble first */
	struct keymap_entry keys[PODS_NKEYS];

	/* The request in flight: results come in the snapshot. */
	unsigned long sent;
	int pending; /* K8S_REQ_* awaiting its result, 0 none */
	double pending_since;
	char pending_step[32];
	char pending_cmd[1024];
	char pending_target[300];

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

/* The one Pods panel, for pods_names and pods_picks (UI thread only). */
static struct pods_panel *pods_live;

/* ---- formatting ------------------------------------------------------ */

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
	switch (s) {
	case K8S_OK:
		return ROLE_NORMAL;
	case K8S_DONE:
		return ROLE_DIM;
	case K8S_PENDING:
		return ROLE_WARN;
	case K8S_BAD:
		return ROLE_ERROR;
	}
	return ROLE_NORMAL;
}

static double pods_ready_ratio(const char *ready)
{
	long a = 0, b = 0;

	if (ready == NULL || sscanf(ready, "%ld/%ld", &a, &b) != 2 || b <= 0)
		return 0;
	return (double)a / (double)b;
}

/* ---- rows ------------------------------------------------------------ */

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
		if (c == PODS_COL_NS && pp->snap != NULL && pp->snap->ns != NULL)
			continue;
		if ((c == PODS_COL_CPU || c == PODS_COL_MEM) &&
		    (pp->snap == NULL || !pp->snap->have_metrics))
			continue;
		kinds[n++] = (enum pods_col)c;
	}
	return n;
}

/* How much attention a pod needs: failing, then pending, then running,
 * then completed (the table puts rank > 0 first and counts it). */
static long pods_rank(enum k8s_severity s)
{
	switch (s) {
	case K8S_BAD:
		return 2;
	case K8S_PENDING:
		return 1;
	case K8S_OK:
		return 0;
	case K8S_DONE:
		return -1;
	}
	return 0;
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

static void pods_fill(struct pods_panel *pp)
{
	const struct k8s_snap *s = pp->snap;
	double now = util_wall();
	struct pods_sort ps;
	size_t i, c;

	table_clear_rows(&pp->list);
	pods_set_columns(pp);
	free(pp->order);
	pp->order = NULL;
	if (s == NULL || s->npods == 0) {
		table_commit(&pp->list);
		return;
	}
	pp->order = xcalloc(s->npods, sizeof *pp->order);
	for (i = 0; i < s->npods; i++)
		pp->order[i] = i;
	/* Unsorted, the table orders by STATUS (the rank); within one, most
	 * restarts first. */
	ps.snap = s;
	ps.col = pp->sorted ? pp->sort : PODS_COL_RESTARTS;
	ps.rev = pp->sorted ? pp->sort_desc : 1;
	util_sort(pp->order, s->npods, sizeof *pp->order, pods_cmp, &ps);
	for (i = 0; i < s->npods; i++) {
		const struct k8s_pod *p = &s->pods[pp->order[i]];
		char bufs[PODS_NCOLS][64], search[300];
		const char *cells[PODS_NCOLS];

		for (c = 0; c < pp->ncols; c++)
			cells[c] = pods_cell(p, pp->kinds[c], bufs[c], sizeof bufs[c], now);
		snprintf(search, sizeof search, "%s/%s", p->owner_kind ? p->owner_kind : "",
			 p->owner_name ? p->owner_name : "");
		table_add_ranked(&pp->list, p->uid, pods_role(p->severity), pods_rank(p->severity),
				 cells, search);
	}
	table_commit(&pp->list);
}

/* The key bar hides what the access review forbids; the help says why. */
static void pods_build_keys(struct pods_panel *pp)
{
	const struct k8s_access *a = pp->snap != NULL ? &pp->snap->access : NULL;
	size_t i;

	for (i = 0; i < PODS_NKEYS; i++) {
		int allowed = -1;

		pp->keys[i] = pods_list_keys[i];
		if (a == NULL)
			continue;
		switch (pods_list_keys[i].action) {
		case PODS_DELETE:
			allowed = a->delete_pods;
			break;
		case PODS_RESTART:
			allowed = a->patch_workloads;
			break;
		case PODS_SCALE:
			allowed = a->scale_workloads;
			break;
		case PODS_SHELL:
			allowed = a->exec_pods;
			break;
		}
		if (allowed == 0) {
			pp->keys[i].label = NULL;
			pp->keys[i].help =
				"not allowed: RBAC says no (the access review denied it)";
		}
	}
}

static const struct k8s_pod *pods_find(const struct pods_panel *pp, const char *ns,
				       const char *name)
{
	size_t i;

	for (i = 0; pp->snap != NULL && i < pp->snap->npods; i++)
		if (strcmp(pp->snap->pods[i].ns, ns) == 0 &&
		    strcmp(pp->snap->pods[i].name, name) == 0)
			return &pp->snap->pods[i];
	return NULL;
}

static const struct k8s_pod *pods_selected(struct pods_panel *pp)
{
	long i = table_selected_index(&pp->list);

	if (i < 0 || pp->order == NULL || pp->snap == NULL || (size_t)i >= pp->snap->npods) {
		app_message(pp->app, ROLE_NORMAL, "select a pod first");
		return NULL;
	}
	return &pp->snap->pods[pp->order[i]];
}

/* Names from the API reach URLs and argv only when valid (B2). */
static int pods_valid(struct pods_panel *pp, const char *ns, const char *name)
{
	if (!runbook_valid_k8s_name(ns) || !runbook_valid_k8s_name(name)) {
		app_message(pp->app, ROLE_ERROR,
			    "refused: %s/%s is not a valid Kubernetes name; nothing was sent", ns,
			    name);
		return 0;
	}
	return 1;
}

static const char *pods_context(const struct pods_panel *pp)
{
	if (pp->snap != NULL && pp->snap->context != NULL)
		return pp->snap->context;
	return pp->arg.cfg->kube_context != NULL ? pp->arg.cfg->kube_context : "(current)";
}

/* ---- the text view (describe, logs) ---------------------------------- */

static void pods_text_set(struct pods_panel *pp, const char *text)
{
	size_t i, n = 1;

	free(pp->text);
	free(pp->lines);
	pp->text = xstrdup(text != NULL ? text : "");
	pp->textlen = strlen(pp->text);
	for (i = 0; i < pp->textlen; i++)
		n += pp->text[i] == '\n';
	pp->lines = xcalloc(n, sizeof *pp->lines);
	pp->nlines = 0;
	pp->lines[pp->nlines++] = 0;
	for (i = 0; i < pp->textlen; i++)
		if (pp->text[i] == '\n' && i + 1 < pp->textlen)
			pp->lines[pp->nlines++] = i + 1;
	if (pp->textlen == 0)
		pp->nlines = 0;
}

static void pods_text_clear(struct pods_panel *pp)
{
	free(pp->text);
	free(pp->lines);
	pp->text = NULL;
	pp->lines = NULL;
	pp->textlen = pp->nlines = 0;
	pp->view_error[0] = '\0';
}

static size_t pods_line_len(const struct pods_panel *pp, size_t i)
{
	size_t end = i + 1 < pp->nlines ? pp->lines[i + 1] - 1 : pp->textlen;

	if (end > pp->lines[i] && pp->text[end - 1] == '\n')
		end--;
	return end - pp->lines[i];
}

/* Bytes of s[0..len) that fit in w columns as drawn (escapes shown as
 * placeholders are wider than their bytes), at least one character. */
static size_t pods_piece(const char *s, size_t len, int w)
{
	size_t fit = sanitize_fit(s, len, (size_t)w), i;
	int plain = 1;

	for (i = 0; i < fit && plain; i++)
		plain = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
	while (!plain && fit > 1) {
		struct sanitize_out so;
		size_t sw;

		sanitize(s, fit, 0, 0, &so);
		sw = sanitize_width(so.text, so.len);
		sanitize_out_free(&so);
		if (sw <= (size_t)w)
			break;
		fit--;
		while (fit > 1 && ((unsigned char)s[fit] & 0xc0) == 0x80)
			fit--;
	}
	return fit > 0 || len == 0 ? fit : 1;
}

/* Rows line i takes: 1, or its wrapped pieces. The line is redacted
 * whole before it is cut, so no secret is split past the redactor. */
static int pods_line_rows(const struct pods_panel *pp, size_t i, int w, char **red)
{
	char *line = xstrndup(pp->text + pp->lines[i], pods_line_len(pp, i));
	char *r;
	size_t pos = 0, len;
	int rows = 0;

	if (!pp->wrap || w <= 0) {
		if (red != NULL)
			*red = line;
		else
			free(line);
		return 1;
	}
	r = redact(line);
	free(line);
	len = strlen(r);
	do {
		pos += pods_piece(r + pos, len - pos, w);
		rows++;
	} while (pos < len && rows < 1000);
	if (red != NULL)
		*red = r;
	else
		free(r);
	return rows;
}

/* The first line to show so that the end is in view, and the largest
 * first line worth scrolling to. */
static long pods_last_first(const struct pods_panel *pp, int h, int w)
{
	long i = (long)pp->nlines;
	int used = 0;

	if (!pp->wrap)
		return pp->nlines > (size_t)h ? (long)pp->nlines - h : 0;
	while (i > 0) {
		int r = pods_line_rows(pp, (size_t)i - 1, w, NULL);

		if (used + r > h)
			break;
		used += r;
		i--;
	}
	return i;
}

static int pods_line_matches(const struct pods_panel *pp, size_t i)
{
	char *l;
	int m;

	if (pp->search[0] == '\0')
		return 0;
	l = xstrndup(pp->text + pp->lines[i], pods_line_len(pp, i));
	m = table_match(l, pp->search);
	free(l);
	return m;
}

/* Move to the next (dir 1) or previous (-1) line matching the search,
 * from the first line shown (from counts itself when inclusive). */
static void pods_find_match(struct pods_panel *pp, int dir, int inclusive)
{
	long from = pp->top >= 0 ? pp->top : pp->shown, i;

	if (pp->search[0] == '\0') {
		app_message(pp->app, ROLE_NORMAL, "/ searches first");
		return;
	}
	for (i = from + (inclusive ? 0 : dir); i >= 0 && i < (long)pp->nlines; i += dir)
		if (pods_line_matches(pp, (size_t)i)) {
			pp->top = i;
			return;
		}
	app_message(pp->app, ROLE_WARN, "no %s line matches \"%s\"",
		    dir > 0 ? "further" : "earlier", pp->search);
}

static void pods_draw_text(struct pods_panel *pp, const struct view *v)
{
	long first, last_first, i;
	int y = 0;

	pp->rows = v->h;
	if (pp->text == NULL || v->h <= 0)
		return;
	last_first = pods_last_first(pp, v->h, v->w);
	first = pp->top < 0 || pp->top > last_first ? last_first : pp->top;
	if (pp->top > last_first)
		pp->top = -1; /* scrolled to the end: stay there */
	pp->shown = first;
	for (i = first; i < (long)pp->nlines && y < v->h; i++) {
		enum role r = pods_line_matches(pp, (size_t)i) ? ROLE_MATCH : ROLE_NORMAL;
		char *line = NULL;

		if (!pp->wrap) {
			draw_textn(v, y++, 0, r, pp->text + pp->lines[i], pods_line_len(pp, i), -1);
			continue;
		}
		pods_line_rows(pp, (size_t)i, v->w, &line);
		{
			size_t pos = 0, len = strlen(line);

			do {
				size_t k = pods_piece(line + pos, len - pos, v->w);

				draw_textn(v, y++, 0, r, line + pos, k, -1);
				pos += k;
			} while (pos < len && y < v->h);
		}
		free(line);
	}
}

/* ---- requests -------------------------------------------------------- */

static void pods_audit(struct pods_panel *pp, const char *event, const char *step,
		       const char *command, const char *target, const char *status, int exit_code,
		       double duration, const char *reason)
{
	struct audit_event ev = { 0 };

	ev.event = event;
	ev.runbook = "pods panel";
	ev.step = step;
	ev.command = command;
	ev.target = target;
	ev.status = status;
	ev.exit_code = exit_code;
	ev.duration = duration;
	ev.reason = reason;
	if (audit_write(&ev) != 0)
		app_message(pp->app, ROLE_ERROR, "could not write the audit log (%s)",
			    audit_path() ? audit_path() : "not open");
}

static int pods_is_action(int kind)
{
	return kind == K8S_REQ_DELETE || kind == K8S_REQ_RESTART || kind == K8S_REQ_SCALE;
}

/* 1 while an earlier request waits for its result: the snapshot carries
 * only the newest, so requests go one at a time. One left unanswered for
 * PODS_PENDING_MAX is given up (its audit line says so). */
static int pods_busy_request(struct pods_panel *pp, int quiet)
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

/* Send request rq (taken over) of kind; its result comes in a snapshot. */
static void pods_send(struct pods_panel *pp, int kind, const char *step, struct k8s_req *rq)
{
	pp->sent++;
	pp->pending = kind;
	pp->pending_since = util_now();
	snprintf(pp->pending_step, sizeof pp->pending_step, "%s", step);
	runner_send(pp->runner, kind, rq, k8s_req_free);
}

static void pods_fetch(struct pods_panel *pp)
{
	struct k8s_req *rq;

	if (pp->vns == NULL || pods_busy_request(pp, pp->follow))
		return;
	rq = k8s_req_new(pp->vns, pp->vpod);
	if (pp->mode == PODS_DESCRIBE_VIEW) {
		pods_send(pp, K8S_REQ_DESCRIBE, "describe", rq);
	} else {
		rq->container = pp->vcontainer != NULL ? xstrdup(pp->vcontainer) : NULL;
		rq->tail = PODS_TAIL;
		rq->previous = pp->previous;
		pods_send(pp, K8S_REQ_LOGS, "logs", rq);
	}
	snprintf(pp->pending_target, sizeof pp->pending_target, "%s/%s", pp->vns, pp->vpod);
	pp->last_fetch = util_now();
}

/* Open the describe or log view on pod p. */
static void pods_open_view(struct pods_panel *pp, enum pods_mode mode, const char *ns,
			   const char *pod, const char *container)
{
	char *nns = xstrdup(ns), *npod = xstrdup(pod);
	char *nc = container != NULL ? xstrdup(container) : NULL;

	if (pp->mode == PODS_LIST)
		pp->search[0] = '\0';
	free(pp->vns);
	free(pp->vpod);
	free(pp->vcontainer);
	pp->vns = nns;
	pp->vpod = npod;
	pp->vcontainer = nc;
	pp->mode = mode;
	pp->top = mode == PODS_LOG_VIEW ? -1 : 0;
	pp->follow = 0;
	pods_text_clear(pp);
	app_show_filter(pp->app, pp->search);
	pods_fetch(pp);
}

static void pods_back(struct pods_panel *pp)
{
	pp->mode = PODS_LIST;
	pp->follow = 0;
	pods_text_clear(pp);
	app_show_filter(pp->app, pp->list.filter);
}

/* The snapshot answered the request in flight. */
static void pods_result(struct pods_panel *pp)
{
	const struct k8s_snap *s = pp->snap;
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

/* ---- actions: delete, restart, scale, shell -------------------------- */

static void pods_act_clear(struct pods_panel *pp)
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

	snprintf(target, sizeof target, "%s/%s", p->ns, p->name);
	if (app_read_only(pp->app)) {
		snprintf(reason, sizeof reason, "read-only mode: refused %s %s on the pods panel",
			 pods_step_name(act), target);
		pods_audit(pp, "refused", pods_step_name(act), pods_step_name(act), target,
			   "refused", -1, -1, reason);
		app_message(pp->app, ROLE_READONLY, "%s; nothing was sent", reason);
		return 1;
	}
	if (allowed == 0) {
		snprintf(reason, sizeof reason, "not allowed: RBAC says no (%s in %s)", verb,
			 p->ns);
		pods_audit(pp, "refused", pods_step_name(act), pods_step_name(act), target,
			   "refused", -1, -1, reason);
		app_message(pp->app, ROLE_ERROR, "%s; nothing was sent", reason);
		return 1;
	}
	return 0;
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
	const struct k8s_access *a;
	int allowed = -1;
	const char *verb = "";

	if (p == NULL || !pods_valid(pp, p->ns, p->name))
		return NULL;
	a = &pp->snap->access;
	switch (act) {
	case PODS_DELETE:
		allowed = a->delete_pods;
		verb = "delete pods";
		break;
	case PODS_RESTART:
		allowed = a->patch_workloads;
		verb = p->owner_kind && strcmp(p->owner_kind, "StatefulSet") == 0
			       ? "patch statefulsets"
			       : "patch deployments";
		break;
	case PODS_SCALE:
		allowed = a->scale_workloads;
		verb = p->owner_kind && strcmp(p->owner_kind, "StatefulSet") == 0
			       ? "update statefulsets/scale"
			       : "update deployments/scale";
		break;
	case PODS_SHELL:
		allowed = a->exec_pods;
		verb = "create pods/exec";
		break;
	}
	if (pods_refuse(pp, act, p, allowed, verb))
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
	pods_send(pp, kind, pods_step_name(pp->act), rq);
	snprintf(pp->pending_cmd, sizeof pp->pending_cmd, "%s", pp->act_cmd);
	snprintf(pp->pending_target, sizeof pp->pending_target, "%s", target);
	app_message(pp->app, ROLE_RUNNING, "%s %s ...", pods_step_name(pp->act), target);
	pods_act_clear(pp);
}

static void pods_confirm(struct pods_panel *pp, const char *title, const char *const *body,
			 size_t n, const char *type, const char *label, int danger)
{
	struct app_confirm c = { 0 };

	c.title = title;
	c.body = body;
	c.nbody = n;
	c.type = type;
	c.run_label = label;
	c.danger = danger;
	c.done = pods_act_confirmed;
	c.ctx = pp;
	app_confirm(pp->app, &c);
}

static void pods_delete(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_act_begin(pp, PODS_DELETE);
	char l0[400], l1[400], l2[400], l3[400];
	const char *body[6];

	if (p == NULL)
		return;
	snprintf(l0, sizeof l0, "DELETE /api/v1/namespaces/%s/pods/%s", p->ns, p->name);
	snprintf(l3, sizeof l3,
		 "  {\"preconditions\":{\"uid\":\"%s\"}}  (only this pod, not a "
		 "namesake)",
		 p->uid);
	snprintf(l1, sizeof l1, "(kubectl --context %s delete pod %s -n %s)", pods_context(pp),
		 p->name, p->ns);
	if (p->owner_kind != NULL)
		snprintf(l2, sizeof l2, "Owned by %s %s: its controller creates a replacement.",
			 p->owner_kind, p->owner_name ? p->owner_name : "");
	else
		snprintf(l2, sizeof l2, "No controller owns it: it will NOT come back.");
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s %s", l0, l1);
	body[0] = l0;
	body[1] = l3;
	body[2] = l1;
	body[3] = l2;
	body[4] = "Graceful: the pod's termination grace period applies (no --force, no --now).";
	pods_confirm(pp, "Delete pod", body, 5, pp->act_pod, "Delete", 1);
}

static void pods_restart(struct pods_panel *pp)
{
	const struct k8s_pod *p = pods_act_begin(pp, PODS_RESTART);
	char l0[400], l1[400], l2[400], l3[400];
	const char *body[5];

	if (p == NULL)
		return;
	if (pods_workload(pp, p) != 0) {
		pods_act_clear(pp);
		return;
	}
	snprintf(l0, sizeof l0, "Rollout restart of %s/%s, which runs pod %s%s", pp->act_kind,
		 pp->act_name, p->name,
		 strcmp(p->owner_kind, "ReplicaSet") == 0 ? " (through its ReplicaSet)" : "");
	snprintf(l1, sizeof l1, "PATCH /apis/apps/v1/namespaces/%s/%ss/%s", p->ns, pp->act_kind,
		 pp->act_name);
	snprintf(l2, sizeof l2,
		 "  spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt] = now");
	snprintf(l3, sizeof l3, "(kubectl --context %s rollout restart %s/%s -n %s)",
		 pods_context(pp), pp->act_kind, pp->act_name, p->ns);
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s restartedAt=now %s", l1, l3);
	body[0] = l0;
	body[1] = l1;
	body[2] = l2;
	body[3] = l3;
	body[4] = "Every pod of it is replaced, by its rolling update strategy.";
	pods_confirm(pp, "Rollout restart", body, 5, NULL, "Restart", 0);
}

static void pods_got_replicas(void *ctx, const char *value)
{
	struct pods_panel *pp = ctx;
	char l0[400], l1[400], l2[400], l3[400], *end;
	const char *body[5];
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
	snprintf(l0, sizeof l0, "Scale %s/%s (runs pod %s) to %ld replicas", pp->act_kind,
		 pp->act_name, pp->act_pod, n);
	snprintf(l1, sizeof l1, "PATCH /apis/apps/v1/namespaces/%s/%ss/%s/scale", pp->act_ns,
		 pp->act_kind, pp->act_name);
	snprintf(l2, sizeof l2, "  {\"spec\":{\"replicas\":%ld}}", n);
	snprintf(l3, sizeof l3, "(kubectl --context %s scale %s/%s --replicas=%ld -n %s)",
		 pods_context(pp), pp->act_kind, pp->act_name, n, pp->act_ns);
	snprintf(pp->act_cmd, sizeof pp->act_cmd, "%s replicas=%ld %s", l1, n, l3);
	body[0] = l0;
	body[1] = l1;
	body[2] = l2;
	body[3] = l3;
	body[4] = n == 0 ? "Scaling to 0 stops every pod of it: type its name to confirm."
			 : "Pods are added or removed to match.";
	pods_confirm(pp, "Scale", body, 5, n == 0 ? pp->act_name : NULL, "Scale", n == 0);
}

static void pods_scale(struct pods_panel *pp)
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
	if (pp->snap != NULL && pp->snap->context != NULL)
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

static void pods_shell(struct pods_panel *pp)
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

static void pods_view(struct pods_panel *pp, enum pods_mode mode)
{
	const struct k8s_pod *p = NULL;

	if (pp->mode != PODS_LIST && pp->vns != NULL)
		p = pods_find(pp, pp->vns, pp->vpod);
	else if (pp->mode == PODS_LIST)
		p = pods_selected(pp);
	if (p == NULL) {
		if (pp->mode != PODS_LIST && pp->vns != NULL) {
			/* The pod is gone; its logs or description may still be. */
			char *ns = xstrdup(pp->vns), *pod = xstrdup(pp->vpod);

			pods_open_view(pp, mode, ns, pod, pp->vcontainer);
			free(ns);
			free(pod);
		}
		return;
	}
	if (!pods_valid(pp, p->ns, p->name))
		return;
	if (pods_busy_request(pp, 0))
		return;
	pods_open_view(pp, mode, p->ns, p->name,
		       p->containers != NULL && p->containers[0] != NULL ? p->containers[0] : NULL);
}

static void pods_got_log_container(void *ctx, const char *value)
{
	struct pods_panel *pp = ctx;

	if (value == NULL || value[0] == '\0' || pp->mode != PODS_LOG_VIEW)
		return;
	if (!runbook_valid_k8s_name(value)) {
		app_message(pp->app, ROLE_ERROR, "\"%s\" is not a valid container name", value);
		return;
	}
	free(pp->vcontainer);
	pp->vcontainer = xstrdup(value);
	pp->top = -1;
	pods_fetch(pp);
}

/* c: the pod's next container; asked for when the server sent a Table
 * (whose rows name no containers). */
static void pods_next_container(struct pods_panel *pp)
{
	const struct k8s_pod *p = pp->vns != NULL ? pods_find(pp, pp->vns, pp->vpod) : NULL;
	size_t i;

	if (p == NULL || p->containers == NULL || p->containers[0] == NULL) {
		app_prompt(pp->app, "container: ", pp->vcontainer ? pp->vcontainer : "", 0,
			   pods_got_log_container, pp);
		return;
	}
	for (i = 0; p->containers[i] != NULL; i++)
		if (pp->vcontainer != NULL && strcmp(p->containers[i], pp->vcontainer) == 0)
			break;
	i = p->containers[i] != NULL && p->containers[i + 1] != NULL ? i + 1 : 0;
	free(pp->vcontainer);
	pp->vcontainer = xstrdup(p->containers[i]);
	pp->top = -1;
	pods_fetch(pp);
}

/* ---- shell hooks ----------------------------------------------------- */

static void *pods_create(struct app *app)
{
	struct pods_panel *pp = xcalloc(1, sizeof *pp);
	const struct config *c = app_config(app);
	struct runner_opts opts = runner_opts_for(c->refresh);
	double timeout = 2 * opts.interval;
	char *home = util_expand_home("~/.kube/config");
	struct stat sb;

	pp->app = app;
	pp->sort = PODS_COL_NAME;
	pp->top = -1;
	table_init(&pp->list, pods_cols, PODS_NCOLS);
	pp->list.trouble_word = "failing";
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
	pp->arg.timeout = timeout < 2 ? 2 : timeout > 10 ? 10 : timeout;
	/* With no kubeconfig anywhere there is nothing to retry: the panel
	 * says how to configure it, and no runner polls (nor shows as an
	 * error in the Sources panel) for an operator without Kubernetes. */
	if (!pp->no_config)
		pp->runner = runner_start(&k8s_backend, &pp->arg, &opts, app_wake_fd(app),
					  pp->error, sizeof pp->error);
	else
		snprintf(pp->error, sizeof pp->error,
			 "no kubeconfig: none named, no ~/.kube/config, not in a cluster");
	pods_live = pp;
	return pp;
}

static void pods_destroy(void *self)
{
	struct pods_panel *pp = self;

	if (pods_live == pp)
		pods_live = NULL;
	if (pp->runner != NULL)
		runner_stop(pp->runner);
	k8s_backend.snapshot_free(pp->snap);
	table_free(&pp->list);
	free(pp->order);
	free(pp->kubectl);
	pods_act_clear(pp);
	pods_text_clear(pp);
	free(pp->vns);
	free(pp->vpod);
	free(pp->vcontainer);
	free(pp);
}

static int pods_update(void *self)
{
	struct pods_panel *pp = self;
	long sec = (long)util_wall();
	void *snap = NULL;
	int redraw = 0;

	if (pp->runner == NULL)
		return 0;
	if (mailbox_take(runner_mailbox(pp->runner), &snap, &pp->status)) {
		k8s_backend.snapshot_free(pp->snap);
		pp->snap = snap;
		app_set_context(pp->app, pp->snap->context);
		pods_fill(pp);
		pods_build_keys(pp);
		pods_result(pp);
		pp->filled = sec;
	} else if (pp->snap != NULL && sec - pp->filled >= PODS_AGE_TICK) {
		/* A quiet watch sends no snapshot: the ages still move. */
		pods_fill(pp);
		pp->filled = sec;
		redraw = 1;
	}
	if (pp->status.generation != pp->seen_generation) {
		pp->seen_generation = pp->status.generation;
		redraw = 1;
	}
	/* Follow: fetch the logs again every refresh. */
	if (pp->mode == PODS_LOG_VIEW && pp->follow && pp->pending == 0 &&
	    util_now() - pp->last_fetch >= pp->interval) {
		pods_fetch(pp);
		redraw = 1;
	}
	if (redraw)
		pp->last_second = sec;
	else if (pp->status.state == MAILBOX_ERROR && sec != pp->last_second) {
		pp->last_second = sec;
		redraw = 1;
	}
	return redraw;
}

/* Row 0: context, namespace, pods, watching, and the source's state. */
static void pods_draw_status(struct pods_panel *pp, const struct view *v)
{
	const struct k8s_snap *s = pp->snap;
	char state[32], detail[512], line[256];
	enum role r;
	int x;

	switch (mailbox_describe(&pp->status, s != NULL, state, sizeof state, detail,
				 sizeof detail)) {
	case MAILBOX_HEALTH_CONNECTING:
		snprintf(detail, sizeof detail, "first list in progress");
		r = ROLE_DIM;
		break;
	case MAILBOX_HEALTH_OK:
		snprintf(detail, sizeof detail, "%s", s != NULL && s->watching ? "watching" : "");
		r = ROLE_OK;
		break;
	case MAILBOX_HEALTH_STALE:
		r = ROLE_STALE;
		break;
	default:
		r = ROLE_ERROR;
		break;
	}
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

static void pods_draw_view(struct pods_panel *pp, const struct view *v)
{
	char line[512];
	struct view tv = *v;
	int x;

	if (pp->mode == PODS_DESCRIBE_VIEW)
		x = draw_label(v, 1, 0, ROLE_TITLE, "Describe ");
	else
		x = draw_label(v, 1, 0, ROLE_TITLE, "Logs ");
	snprintf(line, sizeof line, "%s/%s", pp->vns, pp->vpod);
	x += draw_text(v, 1, x, ROLE_TITLE, line, 80);
	if (pp->mode == PODS_LOG_VIEW) {
		x += draw_label(v, 1, x, ROLE_DIM, " container ");
		x += draw_text(v, 1, x, ROLE_NORMAL, pp->vcontainer ? pp->vcontainer : "(default)",
			       40);
		snprintf(line, sizeof line, "  last %d lines%s%s", PODS_TAIL,
			 pp->previous ? "  PREVIOUS (--previous)" : "",
			 pp->follow ? "  following" : "");
		x += draw_label(v, 1, x, pp->previous ? ROLE_WARN : ROLE_DIM, line);
	}
	snprintf(line, sizeof line, "%s%s%s%s", pp->wrap ? "  wrap" : "",
		 pp->search[0] ? "  search \"" : "", pp->search[0] ? pp->search : "",
		 pp->search[0] ? "\" (n/N)" : "");
	x += draw_text(v, 1, x, ROLE_DIM, line, v->w);
	if (pp->pending == K8S_REQ_DESCRIBE || pp->pending == K8S_REQ_LOGS)
		x += draw_label(v, 1, x + 2, ROLE_RUNNING, "loading ...") + 2;
	if (pp->view_error[0] != '\0') {
		x += draw_label(v, 1, x + 2, ROLE_ERROR, "error: ") + 2;
		draw_text(v, 1, x, ROLE_ERROR, pp->view_error, v->w);
	}
	tv.y += 2;
	tv.h -= 2;
	if (pp->text == NULL) {
		draw_label(&tv, 0, 1, ROLE_DIM,
			   pp->view_error[0] ? "nothing to show (see the error above)"
			   : pp->pending     ? "asking the API server ..."
					     : "nothing yet");
		return;
	}
	if (pp->nlines == 0)
		draw_label(&tv, 0, 1, ROLE_DIM,
			   pp->mode == PODS_LOG_VIEW ? "(no log lines)" : "(empty)");
	pods_draw_text(pp, &tv);
}

static void pods_draw(void *self, const struct view *v, int focused)
{
	struct pods_panel *pp = self;
	static const char *const names[PODS_NCOLS] = { "NAMESPACE", "NAME", "READY", "STATUS",
						       "RESTARTS",  "AGE",  "IP",    "NODE",
						       "CPU",       "MEM" };
	char line[256];
	struct view tv = *v;

	if (pp->runner == NULL ||
	    (pp->no_config && pp->snap == NULL && pp->status.state == MAILBOX_ERROR)) {
		int y = 0;

		if (pp->no_config) {
			draw_label(v, y, 1, ROLE_DIM,
				   "not configured: set kubernetes.kubeconfig or KUBECONFIG, or "
				   "create ~/.kube/config");
			return;
		}
		draw_label(v, y, 1, ROLE_ERROR, "error: ");
		draw_text(v, y, 8, ROLE_ERROR, pp->runner ? pp->status.error : pp->error, v->w);
		return;
	}
	pods_draw_status(pp, v);
	if (pp->mode != PODS_LIST) {
		pods_draw_view(pp, v);
		return;
	}
	if (pp->sorted)
		snprintf(line, sizeof line, "Pods by %s%s (< > sort, I inverts)", names[pp->sort],
			 pp->sort_desc ? ", reversed" : "");
	else
		snprintf(line, sizeof line, "Pods, trouble first (< > sort, I inverts)");
	{
		int x = draw_label(v, 1, 0, ROLE_TITLE, line);

		if (pp->snap != NULL && pp->list.filter[0] != '\0') {
			snprintf(line, sizeof line, "  %zu of %zu match the filter",
				 pp->list.nvisible, pp->list.nrows);
			x += draw_label(v, 1, x, ROLE_DIM, line);
		}
		if (pp->snap != NULL && !pp->snap->have_metrics)
			draw_label(v, 1, x, ROLE_DIM, "  no metrics (metrics.k8s.io)");
	}
	tv.y += 2;
	tv.h -= 2;
	if (pp->snap == NULL) {
		draw_label(v, 3, 1, ROLE_DIM,
			   pp->status.state == MAILBOX_ERROR
				   ? "no data yet: the API server is failing (see above)"
				   : "waiting for the first list ...");
		return;
	}
	if (pp->snap->npods == 0 && pp->status.state == MAILBOX_OK) {
		snprintf(line, sizeof line, "no pods in %s",
			 pp->snap->ns ? pp->snap->ns : "any namespace");
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

static void pods_scroll(struct pods_panel *pp, long delta)
{
	long top = pp->top >= 0 ? pp->top : pp->shown;

	top += delta;
	pp->top = top < 0 ? 0 : top; /* past the end: the draw goes back to -1 */
}

static int pods_action(void *self, int action)
{
	struct pods_panel *pp = self;

	if (pp->runner == NULL) {
		app_message(pp->app, ROLE_NORMAL, "%s",
			    pp->no_config
				    ? "not configured: set kubernetes.kubeconfig or KUBECONFIG"
				    : pp->error);
		return 1;
	}
	switch (action) {
	case PODS_REFRESH:
		runner_refresh(pp->runner);
		app_message(pp->app, ROLE_NORMAL, "refreshing the pods");
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
	long page = pp->rows > 2 ? pp->rows - 1 : 1;

	if (pp->mode == PODS_LIST)
		return table_key(&pp->list, key);
	switch (key) {
	case KEY_UP:
	case 'k':
	case SCREEN_KEY_WHEEL_UP:
		pods_scroll(pp, -1);
		return 1;
	case KEY_DOWN:
	case 'j':
	case SCREEN_KEY_WHEEL_DOWN:
		if (pp->top >= 0)
			pods_scroll(pp, 1);
		return 1;
	case KEY_PPAGE:
	case 2:
		pods_scroll(pp, -page);
		return 1;
	case KEY_NPAGE:
	case 6:
	case ' ':
		if (pp->top >= 0)
			pods_scroll(pp, page);
		return 1;
	case KEY_HOME:
	case 'g':
		pp->top = 0;
		return 1;
	case KEY_END:
	case 'G':
		pp->top = -1;
		return 1;
	}
	return 0;
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

	if (pp->mode == PODS_LIST) {
		table_set_filter(&pp->list, text);
		return;
	}
	snprintf(pp->search, sizeof pp->search, "%s", text);
	if (pp->search[0] != '\0' && pp->text != NULL) {
		long i;

		for (i = pp->top >= 0 ? pp->top : pp->shown; i < (long)pp->nlines; i++)
			if (pods_line_matches(pp, (size_t)i)) {
				pp->top = i;
				return;
			}
		for (i = 0; i < (long)pp->nlines; i++)
			if (pods_line_matches(pp, (size_t)i)) {
				pp->top = i;
				return;
			}
	}
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
		return pp->keys;
	case PODS_DESCRIBE_VIEW:
		return pods_describe_keys;
	case PODS_LOG_VIEW:
		return pods_log_keys;
	}
	return NULL;
}

/* :ns NAME | :ns all | :ctx NAME; without a name, say what is in use. */
static int pods_command(void *self, const char *cmd, const char *arg)
{
	struct pods_panel *pp = self;
	const struct k8s_snap *s = pp->snap;
	int ns = strcmp(cmd, "ns") == 0 || strcmp(cmd, "namespace") == 0;
	int ctx = strcmp(cmd, "ctx") == 0 || strcmp(cmd, "context") == 0;
	const char *name;
	struct k8s_req *rq;
	size_t i;

	if (!ns && !ctx)
		return 0;
	if (pp->runner == NULL) {
		pods_action(pp, 0);
		return 1;
	}
	if (arg[0] == '\0') {
		struct strbuf sb = { 0 };

		if (ns) {
			app_message(pp->app, ROLE_NORMAL, "namespace %s (:ns NAME, :ns all)",
				    s == NULL       ? "-"
				    : s->ns != NULL ? s->ns
						    : "all");
			return 1;
		}
		for (i = 0; s != NULL && i < s->ncontexts; i++)
			strbuf_printf(&sb, "%s%s", i ? ", " : "", s->contexts[i]);
		app_message(pp->app, ROLE_NORMAL, "context %s; known: %s", pods_context(pp),
			    sb.buf != NULL ? sb.buf : "-");
		strbuf_free(&sb);
		return 1;
	}
	if (strchr(arg, '\t') != NULL || strchr(arg, '\n') != NULL) {
		app_message(pp->app, ROLE_ERROR, ":%s: not a valid name", cmd);
		return 1;
	}
	if (ns && strcmp(arg, "all") != 0 && strcmp(arg, "-A") != 0 &&
	    !runbook_valid_k8s_name(arg)) {
		app_message(pp->app, ROLE_ERROR, ":ns: \"%s\" is not a valid namespace name", arg);
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
	if (pods_busy_request(pp, 0))
		return 1;
	if (pp->mode != PODS_LIST)
		pods_back(pp);
	name = ns && strcmp(arg, "-A") == 0 ? "all" : arg;
	rq = k8s_req_new(NULL, NULL);
	rq->name = xstrdup(name);
	pods_send(pp, ns ? K8S_REQ_NAMESPACE : K8S_REQ_CONTEXT, ns ? "namespace" : "context", rq);
	if (ns)
		app_message(pp->app, ROLE_RUNNING, "switching to %s%s ...",
			    strcmp(name, "all") == 0 ? "every namespace" : "namespace ",
			    strcmp(name, "all") == 0 ? "" : name);
	else
		app_message(pp->app, ROLE_RUNNING, "switching to context %s ...", name);
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
	const struct k8s_snap *s = pp->snap;
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
	size_t n = pp->snap != NULL ? pp->list.nvisible : 0;

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

/* ---- for the runbook pane -------------------------------------------- */

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

size_t pods_picks(const char *ns, struct pods_pick **out)
{
	const struct k8s_snap *s = pods_live != NULL ? pods_live->snap : NULL;
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
