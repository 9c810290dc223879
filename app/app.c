/*
 * app.c - the application shell: its state, the services panels ask of
 * it (panels/host.h), and the one UI thread's poll() loop over the
 * terminal, a self-pipe for signals and the backends' wake-up pipe.
 * Draws only when something changed, with one doupdate() per pass. The
 * rest of the shell is beside it: layout.c, draw.c, dialogs.c, keys.c,
 * commands.c, incident.c (app_int.h).
 */
#include "app/app_int.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "lib/log.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "ui/prompt.h"
#include "ui/screen.h"

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
	if (c->asciicast_file != NULL) {
		a->cast = app_cast_open(c->asciicast_file, COLS, LINES, err, errlen);
		if (a->cast == NULL) {
			app_free(a);
			return NULL;
		}
		screen_set_tee(app_cast_output, a->cast);
	}
	for (i = 0; panel_registry[i] != NULL && i < APP_MAX_PANELS; i++) {
		a->panels[i].ops = panel_registry[i];
		a->panels[i].self = panel_registry[i]->create(a);
	}
	a->npanels = i;
	if (warn[0] != '\0')
		app_message(a, ROLE_WARN, "%s", warn);
	if (c->incident_resume)
		app_timeline_resume(a);
	return a;
}

void app_free(struct app *a)
{
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < a->npanels; i++)
		a->panels[i].ops->destroy(a->panels[i].self);
	app_warroom_end(a); /* after the runners: the tap is theirs */
	screen_end();
	screen_set_tee(NULL, NULL);
	app_cast_close(a->cast);
	app_sig_fd = -1;
	for (i = 0; i < 2; i++) {
		if (a->sig_pipe[i] >= 0)
			close(a->sig_pipe[i]);
		if (a->wake_pipe[i] >= 0)
			close(a->wake_pipe[i]);
	}
	app_confirm_reset(a);
	pick_free(&a->pick);
	app_text_free(a);
	finding_list_free(&a->findings);
	finding_list_free(&a->findings_raw);
	finding_list_free(&a->findings_prev);
	app_timeline_end(a);
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

char *app_state_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir;

	if (xdg != NULL && xdg[0] == '/')
		dir = xasprintf("%s/amconsole", xdg);
	else if (home != NULL)
		dir = xasprintf("%s/.local/state/amconsole", home);
	else
		return NULL;
	if (util_mkdirs(dir, 0700) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

const char *app_state_dir(struct app *a)
{
	if (a->state_dir == NULL)
		a->state_dir = app_state_path();
	return a->state_dir;
}

void app_set_focus(struct app *a, int i)
{
	if (i < 0 || i >= a->npanels || i == a->focus)
		return;
	a->focus = i;
	a->dirty = 1;
}

int app_panel_index(struct app *a, const char *name)
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

void app_set_context(struct app *a, const char *ctx)
{
	if (ctx == NULL || (a->kube_ctx != NULL && strcmp(a->kube_ctx, ctx) == 0))
		return;
	free(a->kube_ctx);
	a->kube_ctx = xstrdup(ctx);
	a->dirty = 1;
}

int app_any_busy(struct app *a)
{
	int i;

	for (i = 0; i < a->npanels; i++)
		if (a->panels[i].ops->busy != NULL && a->panels[i].ops->busy(a->panels[i].self))
			return 1;
	return 0;
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
				app_cast_resize(a->cast, COLS, LINES);
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

	if (app_warroom_replaying(a))
		return 250; /* the replay's clock moves */
	if (a->severity >= 0 || app_any_busy(a))
		return (int)(next * 1000) + 5;
	return -1;
}

/* After news from the workers is handled, the wake-up pipe waits this
 * long before it is watched again (#17): the runners poll on one grid
 * (runner.c), so their snapshots come within a moment of each other, and
 * the ones after the first are taken in one more pass instead of each
 * waking the loop. Keys and signals are watched all the time. */
#define APP_NEWS_GAP 0.25

/* The poll timeout (ms, -1: none) with the gap's end folded in. A gap
 * already over (the pass took longer than what was left of it) is 0:
 * the wake-up pipe is not watched during a gap, so waiting on then,
 * without a timeout, would leave every worker's news untaken until a
 * key came. */
int app_poll_timeout(int timeout, double gap_end)
{
	double left = gap_end - util_now();
	int ms;

	if (gap_end <= 0)
		return timeout;
	if (left <= 0)
		return 0;
	ms = (int)(left * 1000) + 1;
	return timeout < 0 || ms < timeout ? ms : timeout;
}

/* Quit never waits on a worker: every runner is told to stop and its
 * work in flight interrupted (plugins killed, transfers aborted) at once.
 * One still inside an I/O call that cannot be interrupted after the
 * grace is not waited for: the process ends here, its logs closed, and
 * the kernel reclaims the rest. */
#define APP_QUIT_GRACE 0.3

static void app_quit_workers(int status)
{
	int left = runner_quit_all(APP_QUIT_GRACE);

	if (left == 0)
		return;
	log_msg("exit: %d worker(s) still busy after %.1f s, not waited for", left, APP_QUIT_GRACE);
	exec_kill_all();
	audit_close();
	log_close();
	fflush(NULL);
	_exit(status);
}

/* Take what the sources and jobs sent: every panel's update, the
 * findings, the war room. 1 if a panel changed (a redraw is due). */
static int app_take_news(struct app *a)
{
	int i, changed = 0;

	for (i = 0; i < a->npanels; i++)
		if (a->panels[i].ops->update != NULL && a->panels[i].ops->update(a->panels[i].self))
			changed = 1;
	app_findings_update(a, changed);
	app_warroom_tick(a);
	if (changed)
		a->dirty = 1;
	return changed;
}

/* 1 when fd has something to read now. */
static int app_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

int app_run(struct app *a)
{
	struct pollfd fds[3];
	int key, status = 0;
	/* The end of the gap after news (APP_NEWS_GAP), 0: none. */
	double gap_end = 0;

	while (!a->quit) {
		int timeout, watch;

		if (gap_end > 0 && util_now() >= gap_end) {
			/* The gap is over: this pass takes what came in it (the
			 * bytes are read first, so news after them wakes the
			 * loop again). */
			app_drain(a->wake_pipe[0]);
			gap_end = 0;
		}
		app_take_news(a);
		if ((a->severity >= 0 || app_any_busy(a)) &&
		    (long)app_clock(a) != (long)a->last_tick) {
			a->last_tick = app_clock(a);
			a->dirty = 1;
		}
		if (a->dirty) {
			app_draw(a);
			a->dirty = 0;
		}
		watch = gap_end > 0 ? 2 : 3;
		timeout = app_poll_timeout(app_timeout(a), gap_end);
		fds[0] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		fds[1] = (struct pollfd){ a->sig_pipe[0], POLLIN, 0 };
		fds[2] = (struct pollfd){ a->wake_pipe[0], POLLIN, 0 };
		if (poll(fds, (nfds_t)watch, timeout) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN)
			app_signals(a);
		if ((fds[0].revents & POLLIN) && ((watch == 3 && (fds[2].revents & POLLIN)) ||
						  (gap_end > 0 && app_readable(a->wake_pipe[0])))) {
			/* A key sees what came before it (a step that has just
			 * ended is not running any more): news first. */
			app_drain(a->wake_pipe[0]);
			if (app_take_news(a))
				a->dirty = 1;
			fds[2].revents = 0;
		}
		if (watch == 3 && (fds[2].revents & POLLIN)) {
			/* News woke the loop: the next pass takes it, and a gap
			 * opens. */
			app_drain(a->wake_pipe[0]);
			gap_end = util_now() + APP_NEWS_GAP;
		}
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
	app_quit_workers(status);
	return status;
}
