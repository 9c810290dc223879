/*
 * app.c - the application shell: the one UI thread's poll() loop over the
 * terminal, a self-pipe for signals and the backends' wake-up pipe; the
 * layout (a grid at 160x45 and larger, tabs below, a notice when too
 * small); global keys from one table; the filter and command lines;
 * dialogs; the top line (read-only badge, incident timer) and the key
 * bar. Draws only when something changed, with one doupdate() per pass.
 */
#include "app/app.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "lib/colour.h"
#include "lib/log.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "ui/prompt.h"
#include "ui/screen.h"

#define APP_MIN_COLS 40
#define APP_MIN_ROWS 10
#define APP_GRID_COLS 160
#define APP_GRID_ROWS 45
#define APP_MAX_PANELS 16
/* Findings are gathered when data arrives, and at least this often
 * (seconds): "Pending for more than 5 min" changes with time alone. */
#define APP_FINDINGS_EVERY 5.0
/* The incident record keeps at most this many findings. */
#define APP_FINDINGS_LOG_MAX 2000

enum app_action {
	APP_NEXT = 1,
	APP_PREV,
	APP_FOCUS,
	APP_ZOOM,
	APP_HELP,
	APP_FILTER,
	APP_COMMAND,
	APP_SEVERITY,
	APP_REDRAW,
	APP_QUIT,
	APP_NAV,
};

/* The global keys; with the focused panel's table they drive dispatch,
 * the help screen and the key bar. */
static const struct keymap_entry app_keys[] = {
	{ '\t', 0, "Tab", NULL, "focus the next panel", APP_NEXT },
	{ SCREEN_KEY_BACKTAB, 0, "S-Tab", NULL, "focus the previous panel", APP_PREV },
	{ '1', 0, "1-9", NULL, "focus panel N (as numbered in the borders and tabs)", APP_FOCUS },
	{ 'z', 0, "z", "Zoom", "zoom the focused panel / back to the grid", APP_ZOOM },
	{ '?', KEY_F(1), "?", "Help", "show this help (F1 too)", APP_HELP },
	{ '/', 0, "/", "Filter", "filter the focused panel as you type; Esc clears", APP_FILTER },
	{ ':', 0, ":", "Cmd",
	  "command: a panel's name (triage, pods...), ns, ctx, theme, layout, runbook, sev, "
	  "zoom, help, quit",
	  APP_COMMAND },
	{ 0, 0, ":layout NAME", NULL,
	  "presets: auto (by need), runbook (wide), panels (no runbook), tall (1 column)", 0 },
	{ '!', 0, "!", "Sev", "open an incident or change its severity (P0-P3)", APP_SEVERITY },
	{ 12, 0, "C-l", NULL, "redraw the whole screen", APP_REDRAW },
	{ 'q', KEY_F(10), "q", "Quit", "quit (asks first if a command is still running)",
	  APP_QUIT },
	{ KEY_UP, 'k', "Up k", NULL, "move up", APP_NAV },
	{ KEY_DOWN, 'j', "Down j", NULL, "move down", APP_NAV },
	{ KEY_PPAGE, 2, "PgUp C-b", NULL, "page up", APP_NAV },
	{ KEY_NPAGE, 6, "PgDn C-f", NULL, "page down", APP_NAV },
	{ KEY_HOME, 'g', "Home g", NULL, "first row", APP_NAV },
	{ KEY_END, 'G', "End G", NULL, "last row", APP_NAV },
	{ 0, 0, "mouse", NULL, "click focuses a panel and selects a row; the wheel scrolls", 0 },
	{ 0, 0, NULL, NULL, NULL, 0 },
};

/* Response targets from the guide's escalation section. */
static const struct {
	const char *name;
	const char *label;
	double target;
} app_sev[4] = {
	{ "P0", "Critical", 15 * 60 },
	{ "P1", "High", 60 * 60 },
	{ "P2", "Medium", 4 * 3600 },
	{ "P3", "Low", 24 * 3600 },
};

enum app_input { INPUT_NONE, INPUT_FILTER, INPUT_COMMAND, INPUT_PROMPT };
enum app_dialog { DIALOG_NONE, DIALOG_CONFIRM, DIALOG_SEVERITY, DIALOG_HELP };

struct app_panel {
	const struct panel_ops *ops;
	void *self;
	struct view view; /* outer (with border) at the last layout; h = 0 hidden */
	char filter[PROMPT_MAX];
	/* What it wants: content lines through app_steady's hysteresis (-1
	 * unbounded), and columns (0 no preference). */
	int want_rows, want_cols;
};

struct app {
	const struct config *config;
	const struct runbook_set *runbooks;
	struct theme theme;
	struct app_panel panels[APP_MAX_PANELS];
	int npanels;
	int focus;
	int zoom;
	int layout; /* enum config_layout */
	int read_only;

	int sig_pipe[2];
	int wake_pipe[2];
	volatile int quit;
	int quit_signal;
	int dirty;

	char msg[512];
	enum role msg_role;

	enum app_input input;
	struct prompt line;
	char prompt_label[128];
	void (*prompt_done)(void *ctx, const char *value);
	void *prompt_ctx;

	enum app_dialog dialog;
	struct app_confirm confirm;
	char **confirm_body;
	char *confirm_title, *confirm_type, *confirm_label;
	int confirm_button; /* 0 Cancel, 1 Run */
	/* The key being handled came in one burst with others (typed by a
	 * paste or a program, not by hand): it never confirms. */
	int key_burst;
	int help_top;

	int severity;
	double sev_since;      /* wall time the incident opened, for display */
	double sev_since_mono; /* the same by the monotonic clock, for the timer */
	double last_tick;

	/* What is wrong now (sorted, mapped to runbook entries), gathered
	 * from the panels; findings_gen bumps when it changes. */
	struct finding_list findings;
	struct finding_list findings_raw, findings_prev; /* the last two gathers */
	unsigned long findings_gen;
	unsigned long findings_hash;
	double findings_at;
	struct finding_seen *seen; /* every finding since start, for the record */
	size_t nseen, seen_cap;

	char *kube_ctx; /* the context the Pods panel shows, for the environment */

	char *shell;
	char *state_dir;
};

/* The self-pipe; the handler only writes the signal number. */
static int app_sig_fd = -1;

static void app_on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (app_sig_fd >= 0)
		(void)!write(app_sig_fd, &b, 1);
	errno = saved;
}

static void app_fatal_hook(void)
{
	exec_kill_all();
	screen_end();
}

static int app_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

struct app *app_new(const struct config *c, const struct theme *t, const struct runbook_set *rb,
		    char *err, size_t errlen)
{
	struct app *a = xcalloc(1, sizeof *a);
	struct sigaction sa;
	char warn[512] = "";
	int i;

	a->config = c;
	a->runbooks = rb;
	a->theme = *t;
	a->read_only = c->read_only;
	a->layout = c->layout;
	a->severity = -1;
	a->dirty = 1;
	a->sig_pipe[0] = a->sig_pipe[1] = a->wake_pipe[0] = a->wake_pipe[1] = -1;
	a->shell = exec_resolve("/bin/sh", warn, sizeof warn);
	if (a->shell == NULL)
		a->shell = xstrdup("/bin/sh");
	if (app_pipe(a->sig_pipe) != 0 || app_pipe(a->wake_pipe) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		app_free(a);
		return NULL;
	}
	app_sig_fd = a->sig_pipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = app_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	util_set_fatal_hook(app_fatal_hook);
	if (screen_init(&a->theme, c->ascii, !c->no_mouse, err, errlen) != 0) {
		app_free(a);
		return NULL;
	}
	for (i = 0; panel_registry[i] != NULL && i < APP_MAX_PANELS; i++) {
		a->panels[i].ops = panel_registry[i];
		a->panels[i].self = panel_registry[i]->create(a);
	}
	a->npanels = i;
	if (warn[0] != '\0')
		app_message(a, ROLE_WARN, "%s", warn);
	return a;
}

void app_free(struct app *a)
{
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < a->npanels; i++)
		a->panels[i].ops->destroy(a->panels[i].self);
	screen_end();
	app_sig_fd = -1;
	for (i = 0; i < 2; i++) {
		if (a->sig_pipe[i] >= 0)
			close(a->sig_pipe[i]);
		if (a->wake_pipe[i] >= 0)
			close(a->wake_pipe[i]);
	}
	if (a->confirm_body != NULL)
		for (i = 0; i < (int)a->confirm.nbody; i++)
			free(a->confirm_body[i]);
	free(a->confirm_body);
	free(a->confirm_title);
	free(a->confirm_type);
	free(a->confirm_label);
	finding_list_free(&a->findings);
	finding_list_free(&a->findings_raw);
	finding_list_free(&a->findings_prev);
	free(a->seen);
	free(a->kube_ctx);
	free(a->shell);
	free(a->state_dir);
	free(a);
}

/* ---- services for panels ---- */

void app_message(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_role = role;
	a->dirty = 1;
}

static void app_confirm_reset(struct app *a)
{
	size_t i;

	for (i = 0; a->confirm_body != NULL && i < a->confirm.nbody; i++)
		free(a->confirm_body[i]);
	free(a->confirm_body);
	free(a->confirm_title);
	free(a->confirm_type);
	free(a->confirm_label);
	a->confirm_body = NULL;
	a->confirm_title = a->confirm_type = a->confirm_label = NULL;
	memset(&a->confirm, 0, sizeof a->confirm);
}

void app_confirm(struct app *a, const struct app_confirm *req)
{
	size_t i;

	app_confirm_reset(a);
	a->confirm = *req;
	a->confirm_body = xcalloc(req->nbody ? req->nbody : 1, sizeof *a->confirm_body);
	for (i = 0; i < req->nbody; i++)
		a->confirm_body[i] = xstrdup(req->body[i]);
	a->confirm_title = xstrdup(req->title ? req->title : "Confirm");
	a->confirm_type = req->type ? xstrdup(req->type) : NULL;
	a->confirm_label = xstrdup(req->run_label ? req->run_label : "Run");
	a->confirm.title = a->confirm_title;
	a->confirm.type = a->confirm_type;
	a->confirm.run_label = a->confirm_label;
	a->confirm_button = 0;
	prompt_set(&a->line, "");
	a->line.secret = 0;
	a->dialog = DIALOG_CONFIRM;
	a->dirty = 1;
}

static void app_confirm_finish(struct app *a, int ok)
{
	void (*done)(void *, int) = a->confirm.done;
	void *ctx = a->confirm.ctx;

	a->dialog = DIALOG_NONE;
	prompt_set(&a->line, "");
	a->dirty = 1;
	if (done != NULL)
		done(ctx, ok);
}

void app_prompt(struct app *a, const char *label, const char *initial, int secret,
		void (*done)(void *ctx, const char *value), void *ctx)
{
	a->input = INPUT_PROMPT;
	snprintf(a->prompt_label, sizeof a->prompt_label, "%s", label);
	prompt_set(&a->line, initial);
	a->line.secret = secret;
	a->prompt_done = done;
	a->prompt_ctx = ctx;
	a->dirty = 1;
}

void app_show_filter(struct app *a, const char *text)
{
	struct app_panel *p = &a->panels[a->focus];

	snprintf(p->filter, sizeof p->filter, "%s", text != NULL ? text : "");
	a->dirty = 1;
}

void app_copy(struct app *a, const char *text)
{
	screen_copy(text, strlen(text));
	app_message(a, ROLE_OK, "copied %zu bytes to the clipboard (OSC 52)", strlen(text));
}

int app_run_foreground(struct app *a, const struct exec_spec *spec, struct exec_status *st)
{
	int rc;

	screen_suspend();
	fputs("\n", stdout);
	fflush(stdout);
	rc = exec_run_foreground(spec, st);
	printf("\n[amconsole: %s", rc != 0 ? "could not start" : "finished");
	if (rc == 0 && st->state == EXEC_EXITED)
		printf(", exit %d", st->exit_code);
	printf(" - press Enter to return]");
	fflush(stdout);
	{
		int fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
		char c = 0;

		if (fd >= 0) {
			while (read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
				;
			close(fd);
		}
	}
	screen_resume();
	a->dirty = 1;
	return rc;
}

char *app_edit(struct app *a, const char *text)
{
	const char *dir = app_state_dir(a);
	char *path = xasprintf("%s/edit-XXXXXX.sh", dir != NULL ? dir : "/tmp");
	char *envv[2];
	struct exec_spec spec = { 0 };
	struct exec_status st;
	struct strbuf sb = { 0 };
	char buf[4096];
	ssize_t n;
	int fd = mkstemps(path, 3);
	char *result = NULL;

	if (fd < 0) {
		app_message(a, ROLE_ERROR, "cannot create a temporary file: %s", strerror(errno));
		free(path);
		return NULL;
	}
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	envv[0] = xasprintf("AM_EDIT_FILE=%s", path);
	envv[1] = NULL;
	spec.shell = a->shell;
	spec.command = "${VISUAL:-${EDITOR:-vi}} \"$AM_EDIT_FILE\"";
	spec.env = (const char *const *)envv;
	screen_suspend();
	if (exec_run_foreground(&spec, &st) == 0 && st.state == EXEC_EXITED && st.exit_code == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0 && sb.len < 256 * 1024)
			strbuf_append(&sb, buf, (size_t)n);
		if (fd >= 0)
			close(fd);
		while (sb.len > 0 && sb.buf[sb.len - 1] == '\n')
			sb.buf[--sb.len] = '\0';
		if (sb.buf != NULL && strcmp(sb.buf, text) != 0)
			result = strbuf_detach(&sb);
	}
	screen_resume();
	strbuf_free(&sb);
	unlink(path);
	free(path);
	free(envv[0]);
	a->dirty = 1;
	return result;
}

const struct config *app_config(const struct app *a)
{
	return a->config;
}

int app_read_only(const struct app *a)
{
	return a->read_only;
}

int app_wake_fd(const struct app *a)
{
	return a->wake_pipe[1];
}

const struct runbook_set *app_runbooks(const struct app *a)
{
	return a->runbooks;
}

const char *app_shell(const struct app *a)
{
	return a->shell;
}

int app_severity(const struct app *a, double *since, double *elapsed)
{
	if (since != NULL)
		*since = a->sev_since;
	if (elapsed != NULL)
		*elapsed = util_now() - a->sev_since_mono;
	return a->severity;
}

const char *app_state_dir(struct app *a)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (a->state_dir != NULL)
		return a->state_dir;
	if (xdg != NULL && xdg[0] == '/')
		a->state_dir = xasprintf("%s/amconsole", xdg);
	else if (home != NULL)
		a->state_dir = xasprintf("%s/.local/state/amconsole", home);
	else
		return NULL;
	if (util_mkdirs(a->state_dir, 0700) != 0) {
		free(a->state_dir);
		a->state_dir = NULL;
	}
	return a->state_dir;
}

/* ---- layout and drawing ---- */

static int app_grid(void)
{
	int rows, cols;

	screen_size(&rows, &cols);
	return cols >= APP_GRID_COLS && rows >= APP_GRID_ROWS;
}

#define APP_IDLE_ROWS 3 /* an unconfigured panel's cell in the grid */
#define APP_MIN_CELL 4  /* a live panel's least: the border and two lines */
#define APP_RB_MIN 34   /* the runbook column's least width: symptom titles */

static int app_panel_configured(const struct app *a, int i)
{
	const struct app_panel *p = &a->panels[i];

	return p->ops->configured == NULL || p->ops->configured(p->self);
}

/* Hysteresis for a wanted size: grow at once (with an eighth to spare),
 * shrink only when the want falls well below what is held, so a count
 * that wobbles by a row or two never moves a cell. -1 (unbounded) and 0
 * (no preference) pass through. */
static int app_steady(int held, int want)
{
	if (want <= 0)
		return want;
	if (held <= 0 || want > held || want + want / 4 + 3 < held)
		return want + want / 8;
	return held;
}

/* Ask every panel what it wants and update the steady sizes the layout
 * is computed from. 1 if any of them changed (the layout moves). */
static int app_wants(struct app *a)
{
	int i, changed = 0;

	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct panel_want w = { -1, 0 };
		int rows, cols;

		if (p->ops->want != NULL)
			p->ops->want(p->self, &w);
		rows = app_steady(p->want_rows, w.rows);
		cols = w.cols; /* moves with the operator (a symptom opened), not data */
		changed |= rows != p->want_rows || cols != p->want_cols;
		p->want_rows = rows;
		p->want_cols = cols;
	}
	return changed;
}

/* Share room lines among n cells that need need[i] lines each (-1: as
 * many as they can get): each gets APP_MIN_CELL, then equal shares go to
 * the cells still short of their need; once every need is met the rest
 * goes to the cell that needs most (the longest table), so a small panel
 * such as Sources keeps just its rows. Too little
 * room for the minimum: equal cells, the last takes the remainder. */
static void app_share(int room, int n, const int *need, int *out)
{
	int i, left = room, open, big = 0;

	if (n <= 0)
		return;
	if (room < n * APP_MIN_CELL) {
		for (i = 0; i < n; i++)
			out[i] = room / n;
		out[n - 1] += room - n * (room / n);
		return;
	}
	for (i = 0; i < n; i++) {
		out[i] = APP_MIN_CELL;
		left -= APP_MIN_CELL;
	}
	for (;;) {
		int share;

		for (i = 0, open = 0; i < n; i++)
			open += need[i] < 0 || out[i] < need[i];
		if (open == 0 || left == 0)
			break;
		share = left / open;
		for (i = 0; i < n && left > 0; i++) {
			int give = share > 0 ? share : 1;

			if (need[i] >= 0 && out[i] >= need[i])
				continue;
			if (need[i] >= 0 && give > need[i] - out[i])
				give = need[i] - out[i];
			out[i] += give;
			left -= give;
		}
	}
	for (i = 0; i < n; i++)
		if (need[i] > need[big])
			big = i;
	out[big] += left;
}

/* Stack panels first..npanels-1 in one column at x, w wide, from top to
 * bottom: unconfigured ones get a one-line cell, the live ones share the
 * rest by need (app_share). */
static void app_stack(struct app *a, int first, int x, int w, int top, int bottom)
{
	int need[APP_MAX_PANELS], got[APP_MAX_PANELS], live[APP_MAX_PANELS];
	int i, n = 0, idle = 0, y = top, k = 0, last = a->npanels - 1;

	for (i = first; i < a->npanels; i++) {
		if (!app_panel_configured(a, i)) {
			idle++;
			continue;
		}
		need[n] = a->panels[i].want_rows < 0 ? -1 : a->panels[i].want_rows + 2;
		live[n++] = i;
	}
	app_share(bottom - top - idle * APP_IDLE_ROWS, n, need, got);
	if (n > 0)
		last = live[n - 1];
	for (i = first; i < a->npanels; i++) {
		int h = k < n && live[k] == i ? got[k++] : APP_IDLE_ROWS;

		if (i == last) /* no live panel: the last one fills the column */
			h = bottom - y;
		a->panels[i].view = (struct view){ y, x, h, w };
		y += h;
	}
}

/* Place panels. Below the grid size, zoomed, or the runbook pane focused
 * under the panels preset: one panel (under a tab bar when not zoomed).
 * Otherwise by the preset: the runbook pane (panel 0) in a column on the
 * left, as wide as it asks within limits (auto) or wide (runbook), or
 * none (panels), with the others stacked on the right; or everything
 * stacked in one column (tall). */
static void app_layout(struct app *a)
{
	int rows, cols, top = 1, bottom, i, left;

	screen_size(&rows, &cols);
	bottom = rows - 2; /* message line and key bar */
	for (i = 0; i < a->npanels; i++)
		a->panels[i].view.h = 0;
	if (!app_grid() || a->zoom || a->npanels == 1 ||
	    (a->layout == CONFIG_LAYOUT_PANELS && a->focus == 0)) {
		if (!app_grid() || (a->npanels > 1 && !a->zoom))
			top = 2; /* tab bar */
		if (app_grid() && (a->zoom || a->layout == CONFIG_LAYOUT_PANELS))
			top = 1;
		a->panels[a->focus].view = (struct view){ top, 0, bottom - top, cols };
		return;
	}
	switch (a->layout) {
	case CONFIG_LAYOUT_TALL:
		app_stack(a, 0, 0, cols, top, bottom);
		return;
	case CONFIG_LAYOUT_PANELS:
		app_stack(a, 1, 0, cols, top, bottom);
		return;
	case CONFIG_LAYOUT_RUNBOOK:
		left = cols * 2 / 3;
		break;
	default:
		left = a->panels[0].want_cols > 0 ? a->panels[0].want_cols : cols * 3 / 5;
		if (left > cols * 3 / 5)
			left = cols * 3 / 5;
		if (left < APP_RB_MIN)
			left = APP_RB_MIN;
		break;
	}
	a->panels[0].view = (struct view){ top, 0, bottom - top, left };
	app_stack(a, 1, left, cols - left, top, bottom);
}

static const struct keymap_entry *app_panel_keys(struct app *a, int i)
{
	const struct app_panel *p = &a->panels[i];
	const struct keymap_entry *k = NULL;

	if (p->ops->mode_keys != NULL)
		k = p->ops->mode_keys(p->self);
	return k != NULL ? k : p->ops->keys;
}

/* The findings by severity, in the theme's colours, so even the tab bar
 * (below the grid size) tells at a glance; :triage lists them. */
static int app_draw_findings_count(struct app *a, const struct view *v, int x)
{
	size_t count[FINDING_NSEV] = { 0 }, i;
	char buf[64];
	int x0 = x;

	for (i = 0; i < a->findings.n; i++)
		count[a->findings.v[i].sev]++;
	if (a->findings.n == 0)
		return draw_label(v, 0, x, ROLE_OK, " no findings ");
	x += draw_label(v, 0, x, ROLE_STATUS, " triage:");
	if (count[FINDING_CRITICAL] > 0) {
		snprintf(buf, sizeof buf, " %zu critical ", count[FINDING_CRITICAL]);
		x += draw_label(v, 0, x, ROLE_ERROR, buf);
	}
	if (count[FINDING_WARNING] > 0) {
		snprintf(buf, sizeof buf, " %zu warning ", count[FINDING_WARNING]);
		x += draw_label(v, 0, x, ROLE_WARN, buf);
	}
	return x - x0;
}

/* The environment's name in its colour (config "environment", for the
 * context the Pods panel shows): production never looks like staging. */
static int app_draw_environment(struct app *a, const struct view *v, int x)
{
	const struct config_env *env = config_environment(
		a->config, a->kube_ctx != NULL ? a->kube_ctx : a->config->kube_context);
	struct theme_style *st = &a->theme.style[ROLE_ENVIRONMENT];
	char buf[96];
	short bg;

	if (env == NULL)
		return 0;
	if (env->color != NULL && colour_parse(env->color, &bg) == 0 && st->bg != bg) {
		/* Light backgrounds get black text, the rest white. */
		st->fg = bg == 2 || bg == 3 || bg == 6 || bg == 7 || bg >= 10 ? 0 : 15;
		st->bg = bg;
		st->attrs = THEME_BOLD;
		screen_set_theme(&a->theme);
	}
	snprintf(buf, sizeof buf, " %s ", env->name);
	return draw_label(v, 0, x, ROLE_ENVIRONMENT, buf) + 1;
}

static void app_draw_top(struct app *a, int cols)
{
	struct view v = { 0, 0, 1, cols };
	char buf[160];
	int x;

	draw_fill(&v, 0, ROLE_STATUS);
	x = draw_label(&v, 0, 0, ROLE_STATUS, " amconsole ");
	x += app_draw_environment(a, &v, x);
	if (a->read_only)
		x += draw_label(&v, 0, x, ROLE_READONLY, " READ-ONLY ") + 1;
	if (a->severity >= 0) {
		double el;
		long s;
		char target[32];
		int over;

		app_severity(a, NULL, &el);
		s = el < 0 ? 0 : (long)el;
		over = el > app_sev[a->severity].target;

		util_fmt_duration(target, sizeof target, app_sev[a->severity].target);
		snprintf(buf, sizeof buf, " %s %s  %02ld:%02ld:%02ld / %s%s ",
			 app_sev[a->severity].name, app_sev[a->severity].label, s / 3600,
			 (s / 60) % 60, s % 60, target, over ? "  RESPONSE TARGET PASSED" : "");
		x += draw_label(&v, 0, x, ROLE_SEV_P0 + a->severity, buf) + 1;
	} else {
		x += draw_label(&v, 0, x, ROLE_STATUS, " no incident (! to open) ");
	}
	x += app_draw_findings_count(a, &v, x);
	if (a->panels[a->focus].filter[0] != '\0') {
		snprintf(buf, sizeof buf, " filter: ");
		x += draw_label(&v, 0, x, ROLE_STATUS, buf);
		draw_text(&v, 0, x, ROLE_MATCH, a->panels[a->focus].filter, 30);
	}
}

static void app_draw_tabs(struct app *a, int cols)
{
	struct view v = { 1, 0, 1, cols };
	char buf[80];
	int i, x = 0;

	draw_fill(&v, 0, ROLE_NORMAL);
	for (i = 0; i < a->npanels && x < cols; i++) {
		snprintf(buf, sizeof buf, " %d %s ", i + 1, a->panels[i].ops->title);
		x += draw_label(&v, 0, x, i == a->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE, buf);
		x += draw_label(&v, 0, x, ROLE_DIM, "|");
	}
}

static void app_draw_keybar(struct app *a, int rows, int cols)
{
	struct view v = { rows - 1, 0, 1, cols };
	const struct keymap_entry *tables[2];
	int t, x = 0;

	draw_fill(&v, 0, ROLE_KEY_LABEL);
	tables[0] = app_panel_keys(a, a->focus);
	tables[1] = app_keys;
	for (t = 0; t < 2; t++) {
		const struct keymap_entry *k;

		for (k = tables[t]; k->keyname != NULL && x < cols; k++) {
			if (k->label == NULL)
				continue;
			x += draw_label(&v, 0, x, ROLE_KEY, k->keyname);
			x += draw_label(&v, 0, x, ROLE_KEY_LABEL, k->label);
			x += draw_label(&v, 0, x, ROLE_KEY_LABEL, " ");
		}
	}
}

/* Returns the cursor column when an input line is open, else -1. */
static int app_draw_message(struct app *a, int rows, int cols)
{
	struct view v = { rows - 2, 0, 1, cols };

	draw_fill(&v, 0, ROLE_NORMAL);
	switch (a->input) {
	case INPUT_FILTER:
		return prompt_draw(&a->line, &v, 0, ROLE_NORMAL, "/");
	case INPUT_COMMAND:
		return prompt_draw(&a->line, &v, 0, ROLE_NORMAL, ":");
	case INPUT_PROMPT:
		return prompt_draw(&a->line, &v, 0, ROLE_NORMAL, a->prompt_label);
	case INPUT_NONE:
		break;
	}
	draw_text(&v, 0, 0, a->msg_role, a->msg, -1);
	return -1;
}

static struct view app_centered(int rows, int cols, int h, int w)
{
	struct view v;

	if (w > cols - 2)
		w = cols - 2;
	if (h > rows - 2)
		h = rows - 2;
	v.h = h;
	v.w = w;
	v.y = (rows - h) / 2;
	v.x = (cols - w) / 2;
	return v;
}

static int app_draw_confirm(struct app *a, int rows, int cols)
{
	const struct app_confirm *c = &a->confirm;
	int h = (int)c->nbody + (c->type != NULL ? 7 : 5);
	struct view box = app_centered(rows, cols, h, 100);
	struct view in = view_inner(&box);
	enum role role = c->danger ? ROLE_DESTRUCTIVE : ROLE_CHANGING;
	int y = 0, curx = -1;
	size_t i;
	char buf[160];

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, role, c->title, role);
	for (i = 0; i < c->nbody && y < in.h - 2; i++, y++)
		draw_text(&in, y, 1, ROLE_DIALOG, a->confirm_body[i], in.w - 2);
	y++;
	if (c->type != NULL) {
		int x = draw_label(&in, y, 1, ROLE_DIALOG, "Type ");

		x += draw_text(&in, y, 1 + x, ROLE_MATCH, c->type, in.w / 2);
		draw_label(&in, y, 1 + x, ROLE_DIALOG, " to confirm, Esc to cancel:");
		y++;
		{
			struct view line = { in.y + y, in.x + 1, 1, in.w - 2 };

			draw_fill(&line, 0, ROLE_INPUT);
			curx = prompt_draw(&a->line, &line, 0, ROLE_INPUT, "> ");
		}
		y++;
		snprintf(buf, sizeof buf, "Enter runs only when the text matches exactly.");
		draw_label(&in, y, 1, ROLE_DIM, buf);
		a->line.secret = 0;
		return curx;
	}
	snprintf(buf, sizeof buf, " Cancel ");
	draw_label(&in, y, 2, a->confirm_button == 0 ? ROLE_SELECTED : ROLE_DIALOG, buf);
	snprintf(buf, sizeof buf, " %s ", c->run_label);
	draw_label(&in, y, 12, a->confirm_button == 1 ? ROLE_SELECTED : ROLE_DIALOG, buf);
	draw_label(&in, y, 14 + (int)strlen(buf), ROLE_DIM, "Tab/Left/Right choose, Enter, Esc");
	return -1;
}

static void app_draw_severity(struct app *a, int rows, int cols)
{
	struct view box = app_centered(rows, cols, 10, 56);
	struct view in = view_inner(&box);
	char buf[96], target[32];
	int i;

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, "Incident severity", ROLE_TITLE_FOCUS);
	for (i = 0; i < 4; i++) {
		util_fmt_duration(target, sizeof target, app_sev[i].target);
		snprintf(buf, sizeof buf, " %d  %s %-9s response within %s", i, app_sev[i].name,
			 app_sev[i].label, target);
		draw_label(&in, i, 1, a->severity == i ? ROLE_SELECTED : ROLE_SEV_P0 + i, buf);
	}
	draw_label(&in, 5, 1, ROLE_DIALOG, " c  close the incident");
	draw_label(&in, 6, 1, ROLE_DIM, " Esc  leave unchanged");
}

static void app_draw_help(struct app *a, int rows, int cols)
{
	struct view box = app_centered(rows, cols, rows - 2, 96);
	struct view in = view_inner(&box);
	const struct keymap_entry *tables[2] = { app_panel_keys(a, a->focus), app_keys };
	const char *heads[2] = { a->panels[a->focus].ops->title, "Everywhere" };
	int t, y = -a->help_top;
	char head[96];

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, "Help - q/Esc/? closes, j/k scroll", ROLE_TITLE_FOCUS);
	for (t = 0; t < 2; t++) {
		const struct keymap_entry *k;

		if (y >= 0 && y < in.h) {
			snprintf(head, sizeof head, "%s", heads[t]);
			draw_label(&in, y, 1, ROLE_HEADER, head);
		}
		y++;
		for (k = tables[t]; k->keyname != NULL; k++, y++) {
			if (y < 0 || y >= in.h)
				continue;
			draw_label(&in, y, 2, ROLE_KEY, k->keyname);
			draw_label(&in, y, 14, ROLE_DIALOG, k->help);
		}
		y++;
	}
	if (y >= 0 && y < in.h)
		draw_label(&in, y, 1, ROLE_DIALOG,
			   "A paste is text: it goes to the filter or the field being typed; it "
			   "never acts as keys or confirms.");
	y++;
	if (y >= 0 && y < in.h)
		draw_label(&in, y, 1, ROLE_DIM, "See also: man amconsole");
}

/* Draw the top line, tab bar and panels by the current layout. */
static void app_draw_panels(struct app *a, int cols)
{
	int i;

	app_layout(a);
	app_draw_top(a, cols);
	if (a->panels[a->focus].view.y == 2)
		app_draw_tabs(a, cols);
	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct view inner;
		char title[96];
		int focused = i == a->focus;

		if (p->view.h <= 2)
			continue;
		snprintf(title, sizeof title, "%d %s", i + 1, p->ops->title);
		draw_box(&p->view, focused ? ROLE_BORDER_FOCUS : ROLE_BORDER, title,
			 focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
		inner = view_inner(&p->view);
		p->ops->draw(p->self, &inner, focused && a->dialog == DIALOG_NONE);
	}
}

static void app_draw(struct app *a)
{
	int rows, cols, i, curx = -1, cury = -1;

	screen_size(&rows, &cols);
	screen_begin();
	if (cols < APP_MIN_COLS || rows < APP_MIN_ROWS) {
		struct view v = { 0, 0, rows, cols };
		char buf[64];

		snprintf(buf, sizeof buf, "terminal too small: %dx%d (need %dx%d)", cols, rows,
			 APP_MIN_COLS, APP_MIN_ROWS);
		draw_label(&v, rows / 2, 0, ROLE_WARN, buf);
		if (rows / 2 + 1 < rows)
			draw_label(&v, rows / 2 + 1, 0, ROLE_DIM, "resize, or q to quit");
		screen_finish(-1, -1);
		return;
	}
	app_wants(a);
	app_draw_panels(a, cols);
	/* A panel that fills its rows while drawing may want another size
	 * now: lay out again before anything reaches the terminal. */
	if (app_wants(a)) {
		screen_begin();
		app_draw_panels(a, cols);
	}
	curx = app_draw_message(a, rows, cols);
	if (curx >= 0)
		cury = rows - 2;
	app_draw_keybar(a, rows, cols);
	switch (a->dialog) {
	case DIALOG_CONFIRM:
		i = app_draw_confirm(a, rows, cols);
		if (i >= 0) {
			struct view box = app_centered(rows, cols, (int)a->confirm.nbody + 7, 100);

			curx = i;
			cury = box.y + 1 + (int)a->confirm.nbody + 2;
		}
		break;
	case DIALOG_SEVERITY:
		app_draw_severity(a, rows, cols);
		break;
	case DIALOG_HELP:
		app_draw_help(a, rows, cols);
		break;
	case DIALOG_NONE:
		break;
	}
	screen_finish(cury, curx);
}

/* ---- keys ---- */

static void app_set_focus(struct app *a, int i)
{
	if (i < 0 || i >= a->npanels || i == a->focus)
		return;
	a->focus = i;
	a->dirty = 1;
}

static int app_panel_index(struct app *a, const char *name)
{
	int i;

	for (i = 0; i < a->npanels; i++)
		if (strcmp(a->panels[i].ops->name, name) == 0)
			return i;
	return -1;
}

void *app_panel(struct app *a, const struct panel_ops *ops)
{
	int i;

	for (i = 0; i < a->npanels; i++)
		if (a->panels[i].ops == ops)
			return a->panels[i].self;
	return NULL;
}

int app_open(struct app *a, const char *panel, const char *what, const char *vars)
{
	int i = app_panel_index(a, panel);
	struct app_panel *p;

	if (i < 0 || a->panels[i].ops->open == NULL) {
		app_message(a, ROLE_ERROR, "no %s panel to open %s in", panel, what);
		return -1;
	}
	p = &a->panels[i];
	app_set_focus(a, i);
	a->zoom = 0;
	a->dirty = 1;
	if (p->ops->open(p->self, what, vars) != 0) {
		app_message(a, ROLE_WARN, "%s: nothing called \"%s\"", p->ops->title, what);
		return -1;
	}
	return 0;
}

/* ---- findings ---- */

/* Record in the incident log which findings appeared and which cleared
 * since the last pass. */
static void app_findings_record(struct app *a)
{
	double now = util_wall();
	unsigned char *held = xcalloc(a->nseen + a->findings.n + 1, 1);
	size_t i, j, n0 = a->nseen;

	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];
		char key[sizeof a->seen[0].key];
		struct finding_seen *s;

		finding_key(f, key, sizeof key);
		for (j = 0; j < n0; j++)
			if (a->seen[j].cleared == 0 && strcmp(a->seen[j].key, key) == 0)
				break;
		if (j < n0) {
			held[j] = 1;
			snprintf(a->seen[j].what, sizeof a->seen[j].what, "%s", f->what);
			continue;
		}
		if (a->nseen == APP_FINDINGS_LOG_MAX)
			continue; /* the record is full: the oldest stay */
		if (a->nseen == a->seen_cap) {
			a->seen_cap = a->seen_cap ? a->seen_cap * 2 : 32;
			a->seen = xrealloc(a->seen, a->seen_cap * sizeof *a->seen);
		}
		s = &a->seen[a->nseen++];
		memset(s, 0, sizeof *s);
		memcpy(s->key, key, sizeof key);
		s->sev = f->sev;
		s->source = f->source;
		snprintf(s->object, sizeof s->object, "%s", f->object);
		snprintf(s->what, sizeof s->what, "%s", f->what);
		s->appeared = now;
	}
	for (j = 0; j < n0; j++)
		if (a->seen[j].cleared == 0 && !held[j])
			a->seen[j].cleared = now;
	free(held);
}

/* Gather what is wrong from every panel: when data arrived (changed),
 * and every APP_FINDINGS_EVERY seconds. Bumps findings_gen (and redraws)
 * only when the list shows something else. */
static void app_findings_update(struct app *a, int changed)
{
	unsigned long h = 5381;
	double now = util_now();
	size_t i;
	int p;

	if (!changed && a->findings_at > 0 && now - a->findings_at < APP_FINDINGS_EVERY)
		return;
	a->findings_at = now;
	finding_list_clear(&a->findings_raw);
	for (p = 0; p < a->npanels; p++)
		if (a->panels[p].ops->findings != NULL)
			a->panels[p].ops->findings(a->panels[p].self, &a->findings_raw);
	/* A finding shows once two gathers in a row have it and goes once two
	 * in a row have not: a status flipping on one poll neither flashes
	 * in the list nor rewrites the top line. */
	findings_steady(&a->findings, &a->findings_prev, &a->findings_raw);
	findings_map(&a->findings, a->runbooks);
	findings_sort(&a->findings);
	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];
		const char *parts[4] = { f->kind, f->object, f->what, f->runbook };
		size_t k;

		for (k = 0; k < 4; k++) {
			const unsigned char *c;

			for (c = (const unsigned char *)parts[k]; *c != '\0'; c++)
				h = h * 33 + *c;
			h = h * 33 + 0x1f;
		}
		h = h * 33 + (unsigned long)f->sev;
	}
	app_findings_record(a);
	if (h != a->findings_hash || a->findings_gen == 0) {
		a->findings_hash = h;
		a->findings_gen++;
		a->dirty = 1;
	}
}

void app_set_context(struct app *a, const char *ctx)
{
	if (ctx == NULL || (a->kube_ctx != NULL && strcmp(a->kube_ctx, ctx) == 0))
		return;
	free(a->kube_ctx);
	a->kube_ctx = xstrdup(ctx);
	a->dirty = 1;
}

const struct finding *app_findings(const struct app *a, size_t *n, unsigned long *gen)
{
	*n = a->findings.n;
	if (gen != NULL)
		*gen = a->findings_gen;
	return a->findings.v;
}

const struct finding_seen *app_findings_seen(const struct app *a, size_t *n)
{
	*n = a->nseen;
	return a->seen;
}

static int app_any_busy(struct app *a)
{
	int i;

	for (i = 0; i < a->npanels; i++)
		if (a->panels[i].ops->busy != NULL && a->panels[i].ops->busy(a->panels[i].self))
			return 1;
	return 0;
}

static void app_quit_confirmed(void *ctx, int ok)
{
	struct app *a = ctx;

	if (ok)
		a->quit = 1;
}

static void app_ask_quit(struct app *a)
{
	static const char *const body[] = {
		"A runbook step is still running.",
		"Quitting stops it (SIGTERM to its process group, then SIGKILL).",
	};
	struct app_confirm c = {
		"Quit amconsole?", body, 2, NULL, "Quit", 1, app_quit_confirmed, a
	};

	if (!app_any_busy(a)) {
		a->quit = 1;
		return;
	}
	app_confirm(a, &c);
}

static void app_set_severity(struct app *a, int sev)
{
	if (sev < 0) {
		if (a->severity >= 0)
			app_message(a, ROLE_OK, "incident closed");
		a->severity = -1;
	} else {
		if (a->severity < 0) {
			a->sev_since = util_wall();
			a->sev_since_mono = util_now();
		}
		a->severity = sev;
		app_message(a, ROLE_SEV_P0 + sev, "incident %s %s: response target %s",
			    app_sev[sev].name, app_sev[sev].label,
			    sev == 0   ? "15 min"
			    : sev == 1 ? "1 h"
			    : sev == 2 ? "4 h"
				       : "24 h");
	}
	a->dirty = 1;
}

/* Offer a command the shell does not know to each panel; the first
 * that takes it is focused. 1 if one did. */
static int app_panel_command(struct app *a, const char *cmd, const char *arg)
{
	int i;

	for (i = 0; i < a->npanels; i++) {
		const struct app_panel *p = &a->panels[i];

		if (p->ops->command != NULL && p->ops->command(p->self, cmd, arg)) {
			app_set_focus(a, i);
			return 1;
		}
	}
	return 0;
}

static void app_command(struct app *a, const char *cmdline)
{
	char cmd[64] = "", arg[PROMPT_MAX] = "";
	const char *p = cmdline;
	size_t n;

	while (*p == ' ')
		p++;
	n = strcspn(p, " ");
	if (n >= sizeof cmd)
		n = sizeof cmd - 1;
	memcpy(cmd, p, n);
	cmd[n] = '\0';
	p += strcspn(p, " ");
	while (*p == ' ')
		p++;
	snprintf(arg, sizeof arg, "%s", p);

	if (cmd[0] == '\0')
		return;
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
		app_ask_quit(a);
	} else if (strcmp(cmd, "theme") == 0) {
		struct theme t;
		char err[256];
		char *dirs[3];
		char *user = NULL;
		const char *xdg = getenv("XDG_CONFIG_HOME");

		if (xdg != NULL && xdg[0] == '/')
			user = xasprintf("%s/amconsole/themes", xdg);
		else
			user = util_expand_home("~/.config/amconsole/themes");
		dirs[0] = user;
		dirs[1] = AM_DATADIR "/themes";
		dirs[2] = NULL;
		if (arg[0] == '\0') {
			app_message(a, ROLE_NORMAL,
				    "theme: %s (default, light, high-contrast, mono, or a file)",
				    a->theme.name);
		} else if (theme_load(arg, (const char *const *)dirs, &t, err, sizeof err) != 0) {
			app_message(a, ROLE_ERROR, "%s", err);
		} else {
			a->theme = t;
			screen_set_theme(&a->theme);
			app_message(a, ROLE_OK, "theme %s", t.name);
		}
		free(user);
	} else if (strcmp(cmd, "layout") == 0) {
		int l = config_layout_find(arg);

		if (arg[0] == '\0') {
			app_message(a, ROLE_NORMAL, "layout: %s (auto, runbook, panels or tall)",
				    config_layout_names[a->layout]);
		} else if (l < 0) {
			app_message(
				a, ROLE_ERROR,
				"unknown layout '%.40s': auto (space by need), runbook (runbook "
				"wide), panels (no runbook column) or tall (one column)",
				arg);
		} else {
			a->layout = l;
			a->zoom = 0;
			app_message(a, ROLE_OK, "layout %s", config_layout_names[l]);
		}
	} else if (strcmp(cmd, "runbook") == 0 || strcmp(cmd, "rb") == 0) {
		int i = app_panel_index(a, "runbook");

		if (i >= 0) {
			app_set_focus(a, i);
			snprintf(a->panels[i].filter, sizeof a->panels[i].filter, "%s", arg);
			a->panels[i].ops->filter(a->panels[i].self, arg);
		}
	} else if (strcmp(cmd, "severity") == 0 || strcmp(cmd, "sev") == 0) {
		if ((arg[0] == 'P' || arg[0] == 'p') && arg[1] >= '0' && arg[1] <= '3' && !arg[2])
			app_set_severity(a, arg[1] - '0');
		else if (strcmp(arg, "none") == 0 || strcmp(arg, "close") == 0)
			app_set_severity(a, -1);
		else
			app_message(a, ROLE_ERROR, "severity: P0, P1, P2, P3 or none");
	} else if (strcmp(cmd, "help") == 0) {
		a->dialog = DIALOG_HELP;
		a->help_top = 0;
	} else if (strcmp(cmd, "zoom") == 0) {
		a->zoom = !a->zoom;
	} else if (strcmp(cmd, "redraw") == 0) {
		screen_invalidate();
	} else if (app_panel_index(a, cmd) >= 0) {
		/* :NAME focuses a panel by its name, as k9s's :pods does. */
		app_set_focus(a, app_panel_index(a, cmd));
		a->zoom = 0;
	} else if (app_panel_command(a, cmd, arg)) {
		a->zoom = 0;
	} else {
		app_message(a, ROLE_ERROR,
			    "unknown command ':%s' (a panel's name, theme, layout, runbook, "
			    "severity, ns, ctx, zoom, help, quit)",
			    cmd);
	}
	a->dirty = 1;
}

static void app_key_dialog(struct app *a, int key)
{
	if (a->dialog == DIALOG_HELP) {
		if (key == 'j' || key == KEY_DOWN)
			a->help_top++;
		else if ((key == 'k' || key == KEY_UP) && a->help_top > 0)
			a->help_top--;
		else if (key == 'q' || key == SCREEN_KEY_ESC || key == '?' || key == KEY_F(1) ||
			 key == '\r' || key == '\n')
			a->dialog = DIALOG_NONE;
		return;
	}
	if (a->dialog == DIALOG_SEVERITY) {
		if (key >= '0' && key <= '3')
			app_set_severity(a, key - '0');
		else if (key == 'c')
			app_set_severity(a, -1);
		else if (key != SCREEN_KEY_ESC && key != 'q')
			return;
		a->dialog = DIALOG_NONE;
		return;
	}
	/* DIALOG_CONFIRM: the default is Cancel; y and Space do nothing. */
	if (key == SCREEN_KEY_ESC) {
		app_confirm_finish(a, 0);
		return;
	}
	if ((key == '\r' || key == '\n' || key == KEY_ENTER) && a->key_burst) {
		/* G-a: a terminal that does not bracket pastes sends a pasted
		 * "name<newline>" in one burst; only a keypress of its own may
		 * confirm. */
		app_message(a, ROLE_WARN,
			    "Enter came in one burst with other input (a paste?): press Enter "
			    "again to confirm, Esc to cancel");
		return;
	}
	if (a->confirm.type != NULL) {
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (strcmp(a->line.buf, a->confirm.type) == 0)
				app_confirm_finish(a, 1);
			else
				app_message(a, ROLE_WARN,
					    "the typed text does not match; Esc cancels");
			return;
		}
		prompt_key(&a->line, key);
		return;
	}
	switch (key) {
	case '\t':
	case KEY_LEFT:
	case KEY_RIGHT:
	case SCREEN_KEY_BACKTAB:
	case 'h':
	case 'l':
		a->confirm_button = !a->confirm_button;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		app_confirm_finish(a, a->confirm_button == 1);
		break;
	case 'q':
	case 'n':
		app_confirm_finish(a, 0);
		break;
	}
}

static void app_key_input(struct app *a, int key)
{
	struct app_panel *p = &a->panels[a->focus];

	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		enum app_input was = a->input;
		char value[PROMPT_MAX];

		snprintf(value, sizeof value, "%s", a->line.buf);
		a->input = INPUT_NONE;
		a->line.secret = 0;
		prompt_set(&a->line, "");
		if (was == INPUT_COMMAND) {
			app_command(a, value);
		} else if (was == INPUT_PROMPT) {
			a->prompt_done(a->prompt_ctx, value);
			explicit_bzero(value, sizeof value);
		}
		return;
	}
	if (key == SCREEN_KEY_ESC || key == 7 /* C-g */) {
		enum app_input was = a->input;

		a->input = INPUT_NONE;
		a->line.secret = 0;
		prompt_set(&a->line, "");
		if (was == INPUT_FILTER) {
			p->filter[0] = '\0';
			p->ops->filter(p->self, "");
		} else if (was == INPUT_PROMPT) {
			a->prompt_done(a->prompt_ctx, NULL);
		}
		return;
	}
	if (a->input == INPUT_FILTER && (key == KEY_UP || key == KEY_DOWN)) {
		/* Move in the filtered list without leaving the filter. */
		if (p->ops->key != NULL)
			p->ops->key(p->self, key);
		return;
	}
	if (prompt_key(&a->line, key) && a->input == INPUT_FILTER) {
		snprintf(p->filter, sizeof p->filter, "%s", a->line.buf);
		p->ops->filter(p->self, p->filter);
	}
}

/* A bracketed paste is text, never keys (G-a): it fills a typed
 * confirmation or the line being edited without submitting it, goes to
 * the focused panel's filter otherwise, and answers no other dialog. */
static void app_paste(struct app *a)
{
	struct app_panel *p = &a->panels[a->focus];
	size_t n, dropped;
	const int *keys = screen_paste(&n, &dropped);

	if (a->dialog == DIALOG_CONFIRM && a->confirm.type != NULL) {
		prompt_paste(&a->line, keys, n);
		app_message(a, ROLE_WARN,
			    "pasted text never confirms: check it, then press Enter (Esc cancels)");
		return;
	}
	if (a->dialog != DIALOG_NONE) {
		app_message(a, ROLE_WARN, "a paste does not answer a dialog: ignored");
		return;
	}
	if (a->input == INPUT_NONE) {
		a->input = INPUT_FILTER;
		prompt_set(&a->line, p->filter);
	}
	if (prompt_paste(&a->line, keys, n) && a->input == INPUT_FILTER) {
		snprintf(p->filter, sizeof p->filter, "%s", a->line.buf);
		p->ops->filter(p->self, p->filter);
	}
	if (dropped > 0)
		app_message(a, ROLE_WARN, "paste cut: %zu characters dropped", dropped);
}

static const struct keymap_entry *app_lookup(const struct keymap_entry *t, int key)
{
	for (; t->keyname != NULL; t++)
		if (key != 0 && (t->key == key || t->alt == key))
			return t;
	return NULL;
}

static void app_click(struct app *a, int key)
{
	int y, x, i;

	screen_mouse(&y, &x);
	for (i = 0; i < a->npanels; i++) {
		struct app_panel *p = &a->panels[i];
		struct view in;

		if (p->view.h <= 0 || y < p->view.y || y >= p->view.y + p->view.h ||
		    x < p->view.x || x >= p->view.x + p->view.w)
			continue;
		if (key == SCREEN_KEY_MOUSE_CLICK) {
			app_set_focus(a, i);
			in = view_inner(&p->view);
			if (p->ops->click != NULL)
				p->ops->click(p->self, y - in.y, x - in.x);
		} else if (p->ops->key != NULL) {
			p->ops->key(p->self, key);
		}
		a->dirty = 1;
		return;
	}
	/* A click on the tab bar focuses that tab. */
	if (key == SCREEN_KEY_MOUSE_CLICK && y == 1 && !app_grid()) {
		int tx = 0;

		for (i = 0; i < a->npanels; i++) {
			int w = (int)strlen(a->panels[i].ops->title) + 5;

			if (x >= tx && x < tx + w) {
				app_set_focus(a, i);
				return;
			}
			tx += w;
		}
	}
}

static void app_key(struct app *a, int key)
{
	struct app_panel *p = &a->panels[a->focus];
	const struct keymap_entry *k;
	int rows, cols;

	int was_dirty = a->dirty;

	/* curses queues KEY_RESIZE after resizeterm(); the SIGWINCH path
	 * already redraws. */
	if (key == SCREEN_KEY_IGNORED || key == KEY_RESIZE)
		return;
	a->dirty = 1;
	if (key == SCREEN_KEY_PASTE) {
		app_paste(a);
		return;
	}
	if (a->dialog != DIALOG_NONE) {
		app_key_dialog(a, key);
		return;
	}
	if (a->input != INPUT_NONE) {
		app_key_input(a, key);
		return;
	}
	a->msg[0] = '\0';
	screen_size(&rows, &cols);
	if (cols < APP_MIN_COLS || rows < APP_MIN_ROWS) {
		if (key == 'q')
			app_ask_quit(a);
		return;
	}
	if (key == SCREEN_KEY_MOUSE_CLICK || key == SCREEN_KEY_WHEEL_UP ||
	    key == SCREEN_KEY_WHEEL_DOWN) {
		app_click(a, key);
		return;
	}
	/* The panel's own table first: it may rebind a global letter. */
	k = app_lookup(app_panel_keys(a, a->focus), key);
	if (k != NULL) {
		p->ops->action(p->self, k->action);
		return;
	}
	if (key >= '1' && key <= '9') {
		app_set_focus(a, key - '1');
		return;
	}
	k = app_lookup(app_keys, key);
	if (k == NULL) {
		if (p->ops->key == NULL || !p->ops->key(p->self, key))
			a->dirty = was_dirty;
		return;
	}
	switch (k->action) {
	case APP_NEXT:
		app_set_focus(a, (a->focus + 1) % a->npanels);
		break;
	case APP_PREV:
		app_set_focus(a, (a->focus + a->npanels - 1) % a->npanels);
		break;
	case APP_ZOOM:
		a->zoom = !a->zoom;
		break;
	case APP_HELP:
		a->dialog = DIALOG_HELP;
		a->help_top = 0;
		break;
	case APP_FILTER:
		a->input = INPUT_FILTER;
		prompt_set(&a->line, p->filter);
		break;
	case APP_COMMAND:
		a->input = INPUT_COMMAND;
		prompt_set(&a->line, "");
		break;
	case APP_SEVERITY:
		a->dialog = DIALOG_SEVERITY;
		break;
	case APP_REDRAW:
		screen_invalidate();
		break;
	case APP_QUIT:
		app_ask_quit(a);
		break;
	case APP_NAV:
		if (p->ops->key != NULL)
			p->ops->key(p->self, key);
		break;
	}
}

/* ---- the loop ---- */

static void app_drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void app_signals(struct app *a)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(a->sig_pipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
				screen_resize();
				a->dirty = 1;
				break;
			case SIGTERM:
			case SIGHUP:
			case SIGINT:
				a->quit = 1;
				a->quit_signal = buf[i];
				break;
			default:
				break;
			}
		}
	}
}

/* The clock the top line ticks by: the incident's age when one is open
 * (its timer changes on these whole seconds), else the monotonic clock. */
static double app_clock(const struct app *a)
{
	return util_now() - (a->severity >= 0 ? a->sev_since_mono : 0);
}

/* Milliseconds until the next thing that must be redrawn by time alone:
 * the incident clock or a running step's timer. -1: nothing ticks. */
static int app_timeout(struct app *a)
{
	double now = app_clock(a);
	double next = 1.0 - (now - (double)(long)now);

	if (a->severity >= 0 || app_any_busy(a))
		return (int)(next * 1000) + 5;
	return -1;
}

int app_run(struct app *a)
{
	struct pollfd fds[3];
	int i, key, status = 0;

	while (!a->quit) {
		int timeout, changed = 0;

		for (i = 0; i < a->npanels; i++)
			if (a->panels[i].ops->update != NULL &&
			    a->panels[i].ops->update(a->panels[i].self))
				changed = 1;
		app_findings_update(a, changed);
		if (changed)
			a->dirty = 1;
		if ((a->severity >= 0 || app_any_busy(a)) &&
		    (long)app_clock(a) != (long)a->last_tick) {
			a->last_tick = app_clock(a);
			a->dirty = 1;
		}
		if (a->dirty) {
			app_draw(a);
			a->dirty = 0;
		}
		timeout = app_timeout(a);
		fds[0] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		fds[1] = (struct pollfd){ a->sig_pipe[0], POLLIN, 0 };
		fds[2] = (struct pollfd){ a->wake_pipe[0], POLLIN, 0 };
		if (poll(fds, 3, timeout) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN)
			app_signals(a);
		if (fds[2].revents & POLLIN)
			app_drain(a->wake_pipe[0]);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			a->quit = 1;
			a->quit_signal = SIGHUP;
		}
		/* Keys read in one pass arrived together: all but the first
		 * are a burst (see key_burst). */
		a->key_burst = 0;
		while (!a->quit && (key = screen_getkey()) != SCREEN_KEY_NONE) {
			app_key(a, key);
			if (key != SCREEN_KEY_IGNORED && key != KEY_RESIZE)
				a->key_burst = 1;
		}
	}
	if (a->quit_signal != 0) {
		int running = exec_running_count();
		char reason[96];
		struct audit_event ev = { 0 };

		exec_kill_all();
		snprintf(reason, sizeof reason, "signal %d; %d running step(s) killed",
			 a->quit_signal, running);
		ev.event = "exit";
		ev.status = "killed";
		ev.reason = reason;
		ev.exit_code = -1;
		ev.duration = -1;
		audit_write(&ev);
		log_msg("exit on signal %d", a->quit_signal);
		status = 128 + a->quit_signal;
	}
	screen_end();
	return status;
}
