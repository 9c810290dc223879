/*
 * kubeconfig_exec.c - exec credential plugins (see kubeconfig.h): the
 * plugin is forked with an argv (never a shell) into its own process
 * group, stdin /dev/null, stdout and stderr read with poll until it ends
 * or the deadline kills the group, then reaped; its ExecCredential JSON
 * is checked and the token kept until a little before its
 * expirationTimestamp. One thread at a time per struct kubeconfig (the
 * k8s worker); nothing secret is ever logged.
 */
/* pipe2 and close_range are Linux interfaces. */
#define _GNU_SOURCE
#include "backends/k8s/kubeconfig.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/k8s/kubeconfig_int.h"
#include "runtime/exec.h"
#include "lib/log.h"
#include "lib/util.h"

extern char **environ;

/* ---- exec credential plugins ---------------------------------------- */

void kube_cancel_init(struct kube_cancel *c)
{
	atomic_init(&c->on, 0);
	pthread_mutex_init(&c->lock, NULL);
	c->pgid = 0;
}

void kube_cancel_destroy(struct kube_cancel *c)
{
	pthread_mutex_destroy(&c->lock);
}

void kube_cancel_set(struct kube_cancel *c, int on)
{
	atomic_store(&c->on, on);
	if (!on)
		return;
	/* The worker clears pgid under the lock before it reaps the plugin,
	 * so the group killed here is still the plugin's. */
	pthread_mutex_lock(&c->lock);
	if (c->pgid > 0)
		kill(-c->pgid, SIGKILL);
	pthread_mutex_unlock(&c->lock);
}

int kube_cancel_on(struct kube_cancel *c)
{
	return c != NULL && atomic_load(&c->on);
}

/* Publish (pgid > 0) or withdraw (0) the plugin running, for
 * kube_cancel_set and for the exit path (exec_kill_all): both kill only
 * a group not yet reaped. *slot keeps the exit path's entry. */
static void kc_cancel_track(struct kubeconfig *kc, pid_t pgid, int *slot)
{
	struct kube_cancel *c = kc->cancel;

	if (pgid > 0)
		*slot = exec_helper_track(pgid);
	else
		exec_helper_untrack(*slot);
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->pgid = pgid;
	pthread_mutex_unlock(&c->lock);
	if (pgid > 0 && atomic_load(&c->on))
		kill(-pgid, SIGKILL); /* cancelled while it was starting */
}

static void kc_plugin_err(struct kubeconfig *kc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void kc_plugin_err(struct kubeconfig *kc, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (kc->exec != NULL)
		snprintf(err, errlen, "exec plugin \"%s\": %s", kc->exec->command, msg);
	else
		snprintf(err, errlen, "ExecCredential: %s", msg);
}

static const char *kc_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int kubeconfig_parse_exec_credential(struct kubeconfig *kc, const char *json, size_t len, char *err,
				     size_t errlen)
{
	const char *kind, *api, *token = NULL, *cert, *key = NULL, *exp;
	const cJSON *status;
	double expiry = 0;
	cJSON *root;
	int rc = -1;

	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		kc_plugin_err(kc, err, errlen, "output is not an ExecCredential (not JSON)");
		goto out;
	}
	kind = kc_json_str(root, "kind");
	api = kc_json_str(root, "apiVersion");
	if (kind == NULL || strcmp(kind, "ExecCredential") != 0) {
		kc_plugin_err(kc, err, errlen, "returned kind \"%s\", not ExecCredential",
			      kind != NULL ? kind : "");
		goto out;
	}
	if (api == NULL || (kc->exec != NULL && strcmp(api, kc->exec->api_version) != 0) ||
	    (kc->exec == NULL && strcmp(api, KC_API_V1) != 0 && strcmp(api, KC_API_V1BETA1) != 0)) {
		kc_plugin_err(kc, err, errlen, "returned apiVersion \"%s\", configured \"%s\"",
			      api != NULL ? api : "",
			      kc->exec != NULL ? kc->exec->api_version : KC_API_V1);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsObject(status)) {
		kc_plugin_err(kc, err, errlen, "returned no status");
		goto out;
	}
	token = kc_json_str(status, "token");
	cert = kc_json_str(status, "clientCertificateData");
	key = kc_json_str(status, "clientKeyData");
	exp = kc_json_str(status, "expirationTimestamp");
	if (!kc_nonempty(cert) != !kc_nonempty(key)) {
		kc_plugin_err(kc, err, errlen,
			      "returned a client certificate or key without the other");
		goto out;
	}
	if (!kc_nonempty(token) && !kc_nonempty(cert)) {
		kc_plugin_err(kc, err, errlen, "returned no token and no client certificate");
		goto out;
	}
	if (kc_nonempty(token) && strpbrk(token, "\r\n") != NULL) {
		kc_plugin_err(kc, err, errlen, "returned a token with a line break");
		goto out;
	}
	if (kc_nonempty(exp) && util_parse_rfc3339(exp, &expiry) < 0) {
		kc_plugin_err(kc, err, errlen, "bad expirationTimestamp \"%.64s\"", exp);
		goto out;
	}
	kubeconfig_expire(kc);
	if (kc_nonempty(token))
		kc->exec_token = xstrdup(token);
	if (kc_nonempty(cert)) {
		kc->exec_cert.data = xstrdup(cert);
		kc->exec_cert.len = strlen(cert);
		kc->exec_key.data = xstrdup(key);
		kc->exec_key.len = strlen(key);
	}
	kc->exec_expiry = expiry;
	rc = 0;
out:
	/* The tree holds the credential: wipe it before it goes. */
	if (token != NULL)
		explicit_bzero((char *)token, strlen(token));
	if (key != NULL)
		explicit_bzero((char *)key, strlen(key));
	cJSON_Delete(root);
	return rc;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static _Noreturn void kc_plugin_child(const char *path, char **argv, char **envp, int in, int out,
				      int errfd)
{
	static const char msg[] = "amconsole: cannot execute the plugin\n";
	struct sigaction sa;
	sigset_t none;
	int sig;

	setpgid(0, 0);
	/* Keep the descriptors clear of 0..2 before dup2 overwrites them. */
	in = fcntl(in, F_DUPFD, 3);
	out = fcntl(out, F_DUPFD, 3);
	errfd = fcntl(errfd, F_DUPFD, 3);
	if (in < 0 || out < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		_exit(127);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execve(path, argv, envp);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(127);
	_exit(127);
}

/* The first non-empty line of the plugin's stderr, trimmed, or "". */
static void kc_first_line(const char *s, char *buf, size_t n)
{
	size_t len;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	len = strcspn(s, "\r\n");
	if (len > 200)
		len = 200;
	snprintf(buf, n, "%.*s", (int)len, s);
}

/* Find the plugin's program: a path as written (relative ones were made
 * absolute at load), else PATH (exec_resolve, which skips directories
 * others can write). Fresh string, or NULL + err. */
static char *kc_plugin_path(struct kubeconfig *kc, char *err, size_t errlen)
{
	const struct kube_exec *e = kc->exec;
	char warn[512], hint[320];
	char *path;
	size_t i = 0;
	const char *p;

	path = exec_resolve(e->command, warn, sizeof warn);
	if (path != NULL)
		return path;
	/* installHint is often several lines: make it one. */
	for (p = e->install_hint != NULL ? e->install_hint : ""; *p != '\0' && i < sizeof hint - 1;
	     p++) {
		if (!isspace((unsigned char)*p))
			hint[i++] = *p;
		else if (i > 0 && hint[i - 1] != ' ')
			hint[i++] = ' ';
	}
	while (i > 0 && hint[i - 1] == ' ')
		i--;
	hint[i] = '\0';
	if (hint[0] != '\0')
		snprintf(err, errlen, "exec plugin \"%s\" not found (install hint: %s)", e->command,
			 hint);
	else if (warn[0] != '\0')
		snprintf(err, errlen, "exec plugin \"%s\" not found (%s)", e->command, warn);
	else
		snprintf(err, errlen, "exec plugin \"%s\" not found%s", e->command,
			 strchr(e->command, '/') != NULL ? "" : " in PATH");
	return NULL;
}

/* Read what is ready on *fd into sb (at most cap bytes kept; *over set
 * past it); closes and sets *fd to -1 at EOF. */
static void kc_drain(int *fd, struct strbuf *sb, size_t cap, int *over)
{
	char buf[16384];
	ssize_t n;

	n = read(*fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (sb->len + (size_t)n > cap) {
		if (over != NULL)
			*over = 1;
		n = (ssize_t)(cap - sb->len);
	}
	strbuf_append(sb, buf, (size_t)n);
	explicit_bzero(buf, sizeof buf);
}

/* A plugin started: its process (group) and what reading it found. */
struct kc_child {
	pid_t pid;
	int fds[2]; /* read ends of its stdout and stderr; -1 once closed */
	int wstatus;
	int exited;
	int timed_out;
	int cancelled; /* cut short through kc->cancel */
	int slot;      /* exec_helper_track's */
	int over;      /* stdout past KC_MAX_OUT */
};

/* 1 once the child has exited, left unreaped (a zombie) so that its pid
 * stays its own until kc_plugin_collect has withdrawn it from the cancel. */
static int kc_child_gone(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* Read the child's stdout into out and stderr into errs until both end
 * and it has exited, the deadline passes or stdout grows too big; then
 * kill its group if anything of it is left, and reap it. */
static void kc_plugin_collect(struct kubeconfig *kc, struct kc_child *ch, double deadline,
			      struct strbuf *out, struct strbuf *errs)
{
	struct pollfd pfd[2];
	double exit_at = 0, now;
	int held, nfds, ms;
	size_t i;
	pid_t r;

	for (;;) {
		if (!ch->exited && kc_child_gone(ch->pid)) {
			ch->exited = 1;
			exit_at = util_now();
		}
		if (kube_cancel_on(kc->cancel)) {
			ch->cancelled = 1;
			break;
		}
		if (ch->exited && ch->fds[0] < 0 && ch->fds[1] < 0)
			break;
		now = util_now();
		if (ch->over || now >= deadline) {
			ch->timed_out = !ch->over;
			break;
		}
		/* Something it started holds the pipes: stop reading. */
		if (ch->exited && now - exit_at > KC_DRAIN)
			break;
		nfds = 0;
		for (i = 0; i < 2; i++)
			if (ch->fds[i] >= 0) {
				pfd[nfds].fd = ch->fds[i];
				pfd[nfds].events = POLLIN;
				pfd[nfds++].revents = 0;
			}
		ms = (int)((deadline - now) * 1000) + 1;
		if (ms > KC_TICK_MS)
			ms = KC_TICK_MS;
		if (nfds == 0 && ms > 5)
			ms = 5; /* pipes closed: only its exit to wait for */
		if (poll(nfds > 0 ? pfd : NULL, (nfds_t)nfds, ms) <= 0)
			continue;
		for (i = 0; i < (size_t)nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == ch->fds[0])
				kc_drain(&ch->fds[0], out, KC_MAX_OUT, &ch->over);
			else
				kc_drain(&ch->fds[1], errs, KC_MAX_ERR, NULL);
		}
	}
	held = ch->fds[0] >= 0 || ch->fds[1] >= 0;
	for (i = 0; i < 2; i++)
		if (ch->fds[i] >= 0)
			close(ch->fds[i]);
	/* The group: the plugin if it still runs, and anything it left
	 * holding the pipes. */
	if (!ch->exited || held || ch->cancelled)
		kill(-ch->pid, SIGKILL);
	kc_cancel_track(kc, 0, &ch->slot);
	for (;;) {
		r = waitpid(ch->pid, &ch->wstatus, 0);
		if (r == ch->pid || (r < 0 && errno != EINTR))
			break;
	}
	ch->exited = 1;
}

/* How the collected child ended: 0 if it exited 0, else -1 with why
 * (and the first line of its stderr) in err. */
static int kc_plugin_outcome(struct kubeconfig *kc, const struct kc_child *ch, double timeout,
			     const struct strbuf *errs, char *err, size_t errlen)
{
	char line[256];
	const char *sep;

	kc_first_line(errs->buf != NULL ? errs->buf : "", line, sizeof line);
	sep = line[0] != '\0' ? ": " : "";
	if (ch->cancelled)
		kc_plugin_err(kc, err, errlen, "cancelled (killed)");
	else if (ch->timed_out)
		kc_plugin_err(kc, err, errlen, "no answer in %.0fs (killed)%s%s", timeout, sep,
			      line);
	else if (ch->over)
		kc_plugin_err(kc, err, errlen, "output over %zu bytes (killed)", KC_MAX_OUT);
	else if (WIFSIGNALED(ch->wstatus))
		kc_plugin_err(kc, err, errlen, "killed by signal %d%s%s", WTERMSIG(ch->wstatus),
			      sep, line);
	else if (WIFEXITED(ch->wstatus) && WEXITSTATUS(ch->wstatus) != 0)
		kc_plugin_err(kc, err, errlen, "exit %d%s%s", WEXITSTATUS(ch->wstatus), sep, line);
	else
		return 0;
	return -1;
}

/* Run the plugin; its stdout in out on success. 0 or -1 + err. */
int kc_plugin_run(struct kubeconfig *kc, double timeout, struct strbuf *out, char *err,
		  size_t errlen)
{
	const struct kube_exec *e = kc->exec;
	struct strbuf errs = { 0 };
	struct kc_child ch = { .fds = { -1, -1 }, .slot = -1 };
	char **argv = NULL, **envp, **extra = NULL, *path, *info;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, devnull = -1, rc = -1;
	double start = util_now();
	size_t i;

	if (kube_cancel_on(kc->cancel)) {
		kc_plugin_err(kc, err, errlen, "cancelled");
		return -1;
	}
	if (e->interactive) {
		kc_plugin_err(kc, err, errlen,
			      "needs a terminal (interactiveMode: Always); amconsole runs "
			      "plugins without one");
		return -1;
	}
	path = kc_plugin_path(kc, err, errlen);
	if (path == NULL)
		return -1;
	if (timeout <= 0)
		timeout = KC_DEFAULT_TIMEOUT;
	kc_strv_push(&argv, xstrdup(e->command));
	for (i = 0; e->args != NULL && e->args[i] != NULL; i++)
		kc_strv_push(&argv, xstrdup(e->args[i]));
	for (i = 0; e->env != NULL && e->env[i] != NULL; i++)
		kc_strv_push(&extra, xstrdup(e->env[i]));
	info = xasprintf("KUBERNETES_EXEC_INFO={\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\","
			 "\"spec\":{\"interactive\":false}}",
			 e->api_version);
	kc_strv_push(&extra, info);
	envp = exec_envp((const char *const *)extra);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || pipe2(opipe, O_CLOEXEC) != 0 || pipe2(epipe, O_CLOEXEC) != 0) {
		kc_plugin_err(kc, err, errlen, "cannot start: %s", strerror(errno));
		goto done;
	}
	ch.pid = fork();
	if (ch.pid == 0)
		kc_plugin_child(path, argv, envp, devnull, opipe[1], epipe[1]);
	if (ch.pid < 0) {
		kc_plugin_err(kc, err, errlen, "fork: %s", strerror(errno));
		goto done;
	}
	setpgid(ch.pid, ch.pid); /* also in the child: whichever runs first */
	kc_cancel_track(kc, ch.pid, &ch.slot);
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	ch.fds[0] = opipe[0];
	ch.fds[1] = epipe[0];
	opipe[0] = epipe[0] = -1;
	kc_plugin_collect(kc, &ch, start + timeout, out, &errs);
	rc = kc_plugin_outcome(kc, &ch, timeout, &errs, err, errlen);
	log_msg("kubeconfig: exec plugin %s: %s after %.1fs", e->command,
		rc == 0 ? "done" : "failed", util_now() - start);
done:
	if (devnull >= 0)
		close(devnull);
	for (i = 0; i < 2; i++) {
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	free(path);
	kc_strv_free(argv);
	for (i = 0; extra[i] != NULL; i++)
		kc_wipe_free(extra[i]);
	free(extra);
	free(envp);
	strbuf_free(&errs);
	return rc;
}
