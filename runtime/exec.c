/*
 * exec.c - child processes for runbook steps (see exec.h). A background
 * job is forked into its own process group with stdin from /dev/null and
 * stdout and stderr on one pipe; a reader thread per job owns the child
 * from then on: it reads the pipe into a capped ring, wakes the UI, kills
 * the group at the deadline or on request (SIGTERM, SIGKILL after a
 * grace) and reaps its own child, so nothing else ever calls waitpid on
 * it. Values of placeholders travel in the environment only (B6, B8). A
 * fixed table of live process groups lets the exit path kill them all.
 */
/* pipe2, close_range and pidfd_open are Linux interfaces. */
#define _GNU_SOURCE
#include "runtime/exec.h"
#include "runtime/job.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define EXEC_DEFAULT_SHELL "/bin/sh"
#define EXEC_DEFAULT_TIMEOUT 300.0
#define EXEC_DEFAULT_CAP ((size_t)1 << 20)
#define EXEC_GRACE 2.0     /* SIGTERM to SIGKILL */
#define EXEC_WAKE_GAP 0.05 /* at most one wake per this many seconds */
#define EXEC_DRAIN 0.5     /* reading on after the child exits */
#define EXEC_TICK 0.1      /* how soon the reader notices job_stop */
#define EXEC_SLOTS 128

/* Process groups of running jobs: 0 free, -1 reserved, else a pgid.
 * Lock-free so that exec_kill_all is safe from any context. */
static atomic_int exec_pgids[EXEC_SLOTS];
/* The same for the process groups of helpers that are not jobs (exec
 * credential plugins): killed on exit too, never counted as steps. */
static atomic_int exec_helper_pgids[EXEC_SLOTS];

/* A running child, owned by its job (job.h): the job's thread reads its
 * output, kills it at the deadline and reaps it. */
struct exec_child {
	pthread_mutex_t lock;
	pid_t pid;
	int fd;    /* read end of the output pipe */
	int pidfd; /* -1 when the kernel has no pidfd_open */
	int slot;
	double t0;       /* monotonic start */
	double deadline; /* monotonic */
	/* Guarded by lock. */
	int stop_requested;
	double stop_at;
	int group_live; /* the process group may still be signalled */
};

static int exec_slot_reserve(void)
{
	int i, expect;

	for (i = 0; i < EXEC_SLOTS; i++) {
		expect = 0;
		if (atomic_compare_exchange_strong(&exec_pgids[i], &expect, -1))
			return i;
	}
	return -1;
}

static void exec_slot_release(int slot)
{
	if (slot >= 0)
		atomic_store(&exec_pgids[slot], 0);
}

char **exec_envp(const char *const *extra)
{
	size_t n = 0, m = 0, k = 0, i, j, len;
	char **envp;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (extra != NULL && extra[m] != NULL)
		m++;
	envp = xcalloc(n + m + 1, sizeof *envp);
	for (i = 0; i < n; i++) {
		len = strcspn(environ[i], "=");
		for (j = 0; j < m; j++)
			if (strncmp(extra[j], environ[i], len) == 0 && extra[j][len] == '=')
				break;
		if (j == m)
			envp[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		if (strchr(extra[j], '=') != NULL && extra[j][0] != '=')
			envp[k++] = (char *)extra[j];
	envp[k] = NULL;
	return envp;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void exec_child_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* EINVAL for KILL, STOP: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void exec_child_exec(const char *shell, const char *command, char **envp)
{
	static const char msg[] = "amconsole: cannot execute the shell\n";
	char *argv[4];

	/* Nothing of ours (wake pipe, audit log, sockets) leaks into the
	 * step, whether or not it was opened with O_CLOEXEC. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)command;
	argv[3] = NULL;
	execve(shell, argv, envp);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(127);
	_exit(127);
}

static _Noreturn void exec_child_background(const struct exec_spec *spec, const char *shell,
					    char **envp, int in_fd, int out_fd)
{
	setpgid(0, 0);
	/* Keep both descriptors clear of 0..2 before dup2 overwrites them. */
	in_fd = fcntl(in_fd, F_DUPFD, 3);
	out_fd = fcntl(out_fd, F_DUPFD, 3);
	if (in_fd < 0 || out_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(out_fd, 2) < 0)
		_exit(127);
	exec_child_signals();
	exec_child_exec(shell, spec->command, envp);
}

static void exec_signal(struct exec_child *c, int sig)
{
	pthread_mutex_lock(&c->lock);
	if (c->group_live)
		kill(-c->pid, sig);
	pthread_mutex_unlock(&c->lock);
}

/* Read what is there into the job's output; 1 on EOF or a read error,
 * else 0. */
static int exec_read(struct exec_child *c, struct job *job, int *got)
{
	char buf[16384];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			job_write(job, buf, (size_t)n);
			*got = 1;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
	}
	return 0;
}

static double exec_min(double a, double b)
{
	return a < b ? a : b;
}

static void exec_finish(struct exec_child *c, struct job *job, enum exec_state why, int wstatus)
{
	char error[64] = "";

	pthread_mutex_lock(&c->lock);
	c->group_live = 0;
	exec_slot_release(c->slot);
	c->slot = -1;
	pthread_mutex_unlock(&c->lock);
	if (why == EXEC_RUNNING)
		why = WIFEXITED(wstatus) ? EXEC_EXITED : EXEC_SIGNALED;
	if (why == EXEC_TIMEDOUT)
		snprintf(error, sizeof error, "timed out after %.0f s", c->deadline - c->t0);
	job_end(job, why, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
		WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, error[0] != '\0' ? error : NULL);
}

/* The reader's timers: when to signal, to give up draining, to wake. */
struct exec_clock {
	double term_at, drain_until, last_wake;
	int reaped, killed, eof, wake_pending;
};

/* How long the reader may sleep in poll(), in ms. */
static int exec_sleep_ms(const struct exec_child *c, const struct exec_clock *k, double now)
{
	double t = EXEC_TICK;

	if (k->reaped)
		t = exec_min(t, k->drain_until - now);
	else if (k->term_at == 0)
		t = exec_min(t, c->deadline - now);
	else if (!k->killed)
		t = exec_min(t, k->term_at + EXEC_GRACE - now);
	if (k->wake_pending)
		t = exec_min(t, k->last_wake + EXEC_WAKE_GAP - now);
	if (!k->reaped && c->pidfd < 0)
		t = exec_min(t, 0.02);
	return t <= 0 ? 0 : (int)(t * 1000) + 1;
}

/* Stop, deadline, grace and reaping; the state the job ends in. */
static enum exec_state exec_watch(struct exec_child *c, struct exec_clock *k, enum exec_state why,
				  double now, int *wstatus)
{
	int stop;
	double stop_at;

	pthread_mutex_lock(&c->lock);
	stop = c->stop_requested;
	stop_at = c->stop_at;
	pthread_mutex_unlock(&c->lock);
	if (k->term_at == 0 && stop) {
		why = EXEC_STOPPED; /* exec_on_stop sent the SIGTERM */
		k->term_at = stop_at;
	}
	if (k->term_at == 0 && now >= c->deadline) {
		why = EXEC_TIMEDOUT;
		k->term_at = now;
		exec_signal(c, SIGTERM);
	}
	if (k->term_at > 0 && !k->killed && now >= k->term_at + EXEC_GRACE) {
		k->killed = 1;
		exec_signal(c, SIGKILL);
	}
	if (waitpid(c->pid, wstatus, WNOHANG) == c->pid) {
		k->reaped = 1;
		k->drain_until = now + EXEC_DRAIN;
	}
	return why;
}

/* The job's thread: owns the child from its start to its reaping. */
static void exec_reader(struct job *job, void *arg)
{
	struct exec_child *c = arg;
	struct exec_clock k = { 0 };
	enum exec_state why = EXEC_RUNNING;
	double now;
	int got, wstatus = 0, nfds, ms;
	struct pollfd pfd[2];

	for (;;) {
		now = util_now();
		if (!k.reaped)
			why = exec_watch(c, &k, why, now, &wstatus);
		if (k.reaped && (k.eof || now >= k.drain_until))
			break;
		if (k.wake_pending && now - k.last_wake >= EXEC_WAKE_GAP) {
			job_wake(job);
			k.wake_pending = 0;
			k.last_wake = now;
		}
		ms = exec_sleep_ms(c, &k, now);
		nfds = 0;
		if (!k.eof) {
			pfd[nfds].fd = c->fd;
			pfd[nfds++].events = POLLIN;
		}
		if (!k.reaped && c->pidfd >= 0) {
			pfd[nfds].fd = c->pidfd;
			pfd[nfds++].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nfds, ms) > 0 && !k.eof && pfd[0].revents != 0) {
			got = 0;
			k.eof = exec_read(c, job, &got);
			if (got)
				k.wake_pending = 1;
		}
	}
	if (!k.eof) {
		/* The shell is gone but something it started still holds the
		 * pipe: a leftover of a finished step, writing to nobody. */
		exec_signal(c, SIGKILL);
		got = 0;
		exec_read(c, job, &got);
	}
	exec_finish(c, job, why, wstatus);
}

/* job_stop: SIGTERM to the group now; the reader sends SIGKILL after the
 * grace. */
static void exec_on_stop(void *arg)
{
	struct exec_child *c = arg;

	pthread_mutex_lock(&c->lock);
	if (!c->stop_requested) {
		c->stop_requested = 1;
		c->stop_at = util_now();
		if (c->group_live)
			kill(-c->pid, SIGTERM);
	}
	pthread_mutex_unlock(&c->lock);
}

/* After the reader reaped the child; or, when the reader never started,
 * kill and reap it here. */
static void exec_child_free(void *arg)
{
	struct exec_child *c = arg;

	if (c->group_live) {
		kill(-c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		exec_slot_release(c->slot);
	}
	close(c->fd);
	if (c->pidfd >= 0)
		close(c->pidfd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void exec_errf(char *err, size_t errlen, const char *what, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, strerror(e));
}

/* Check the spec, reserve a slot and make the pipe and /dev/null:
 * 0, or -1 + err with nothing left open. */
static int exec_prepare(const struct exec_spec *spec, const char *shell, int *slot, int pfd[2],
			int *devnull, char *err, size_t errlen)
{
	if (spec->command == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no command");
		return -1;
	}
	if (access(shell, X_OK) != 0) {
		exec_errf(err, errlen, shell, errno);
		return -1;
	}
	*slot = exec_slot_reserve();
	if (*slot < 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "too many jobs running");
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		exec_errf(err, errlen, "pipe", errno);
		exec_slot_release(*slot);
		return -1;
	}
	*devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (*devnull < 0) {
		exec_errf(err, errlen, "/dev/null", errno);
		close(pfd[0]);
		close(pfd[1]);
		exec_slot_release(*slot);
		return -1;
	}
	return 0;
}

struct job *exec_start(const struct exec_spec *spec, int wake_fd, char *err, size_t errlen)
{
	const char *shell = spec->shell != NULL ? spec->shell : EXEC_DEFAULT_SHELL;
	struct job_spec js;
	struct exec_child *c;
	int pfd[2], devnull, slot, e;
	char **envp;
	pid_t pid;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (exec_prepare(spec, shell, &slot, pfd, &devnull, err, errlen) != 0)
		return NULL;
	envp = exec_envp(spec->env);
	c = xcalloc(1, sizeof *c);
	c->slot = slot;
	c->pidfd = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->t0 = util_now();
	c->deadline = c->t0 + (spec->timeout > 0 ? spec->timeout : EXEC_DEFAULT_TIMEOUT);
	pid = fork();
	if (pid == 0)
		exec_child_background(spec, shell, envp, devnull, pfd[1]);
	e = errno;
	free(envp);
	close(devnull);
	close(pfd[1]);
	if (pid < 0) {
		exec_errf(err, errlen, "fork", e);
		close(pfd[0]);
		exec_slot_release(slot);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	/* Also here, so that the group exists before anyone signals it. */
	setpgid(pid, pid);
	atomic_store(&exec_pgids[slot], (int)pid);
	c->pid = pid;
	c->group_live = 1;
	c->fd = pfd[0];
	job_fd_nonblock(c->fd);
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* The job's thread reads the child from now on. */
	js = (struct job_spec){
		.run = exec_reader,
		.arg = c,
		.free_arg = exec_child_free,
		.on_stop = exec_on_stop,
		.output_cap = spec->output_cap > 0 ? spec->output_cap : EXEC_DEFAULT_CAP,
		.pid = (int)pid,
		.wake_fd = wake_fd,
		.name = "am:step",
	};
	return job_start(&js, err, errlen);
}

void exec_status_start(struct exec_status *st)
{
	st->started = util_wall();
	st->t0 = util_now();
}

double exec_status_elapsed(const struct exec_status *st)
{
	return util_now() - st->t0;
}

void exec_kill_all(void)
{
	int i, pg;

	for (i = 0; i < EXEC_SLOTS; i++) {
		pg = atomic_load(&exec_pgids[i]);
		if (pg > 0)
			kill(-pg, SIGKILL);
		pg = atomic_load(&exec_helper_pgids[i]);
		if (pg > 0)
			kill(-pg, SIGKILL);
	}
}

int exec_helper_track(int pgid)
{
	int i, expect;

	for (i = 0; i < EXEC_SLOTS; i++) {
		expect = 0;
		if (atomic_compare_exchange_strong(&exec_helper_pgids[i], &expect, pgid))
			return i;
	}
	return -1;
}

void exec_helper_untrack(int slot)
{
	if (slot >= 0 && slot < EXEC_SLOTS)
		atomic_store(&exec_helper_pgids[slot], 0);
}

int exec_running_count(void)
{
	int i, n = 0;

	for (i = 0; i < EXEC_SLOTS; i++)
		if (atomic_load(&exec_pgids[i]) > 0)
			n++;
	return n;
}

static _Noreturn void exec_child_foreground(const struct exec_spec *spec, const char *shell,
					    char **envp)
{
	sigset_t ttou;

	setpgid(0, 0);
	/* A background group may take the terminal only with SIGTTOU
	 * blocked; the parent does the same, whichever runs first. */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	if (isatty(STDIN_FILENO))
		tcsetpgrp(STDIN_FILENO, getpid());
	exec_child_signals();
	exec_child_exec(shell, spec->command, envp);
}

static void exec_give_terminal(pid_t pgrp)
{
	struct sigaction ign, old;

	if (!isatty(STDIN_FILENO))
		return;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGTTOU, &ign, &old);
	tcsetpgrp(STDIN_FILENO, pgrp);
	sigaction(SIGTTOU, &old, NULL);
}

int exec_run_foreground(const struct exec_spec *spec, struct exec_status *st)
{
	const char *shell = spec->shell != NULL ? spec->shell : EXEC_DEFAULT_SHELL;
	int wstatus = 0, slot, e;
	char **envp;
	pid_t pid, r;

	memset(st, 0, sizeof *st);
	st->exit_code = -1;
	st->state = EXEC_FAILED;
	if (spec->command == NULL) {
		snprintf(st->error, sizeof st->error, "no command");
		return -1;
	}
	if (access(shell, X_OK) != 0) {
		snprintf(st->error, sizeof st->error, "%s: %s", shell, strerror(errno));
		return -1;
	}
	envp = exec_envp(spec->env);
	slot = exec_slot_reserve();
	exec_status_start(st);
	pid = fork();
	if (pid == 0)
		exec_child_foreground(spec, shell, envp);
	e = errno;
	free(envp);
	if (pid < 0) {
		exec_slot_release(slot);
		snprintf(st->error, sizeof st->error, "fork: %s", strerror(e));
		return -1;
	}
	setpgid(pid, pid);
	if (slot >= 0)
		atomic_store(&exec_pgids[slot], (int)pid);
	st->pid = (int)pid;
	exec_give_terminal(pid);
	for (;;) {
		r = waitpid(pid, &wstatus, WUNTRACED);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == pid && WIFSTOPPED(wstatus)) {
			/* No job control here: a stopped step would hang the
			 * console, so it goes on. */
			kill(-pid, SIGCONT);
			continue;
		}
		break;
	}
	exec_slot_release(slot);
	exec_give_terminal(getpgrp());
	st->duration = exec_status_elapsed(st);
	if (r != pid) {
		snprintf(st->error, sizeof st->error, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(wstatus)) {
		st->state = EXEC_EXITED;
		st->exit_code = WEXITSTATUS(wstatus);
	} else {
		st->state = EXEC_SIGNALED;
		st->term_signal = WTERMSIG(wstatus);
	}
	return 0;
}

/* Why dir must not be searched, or NULL when it may. */
static const char *exec_dir_unsafe(const char *dir)
{
	struct stat sb;

	if (dir[0] != '/')
		return "is relative";
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return NULL; /* nothing to find there anyway */
	if ((sb.st_mode & S_IWOTH) && !(sb.st_mode & S_ISVTX))
		return "is writable by others";
	if (sb.st_uid != 0 && sb.st_uid != getuid())
		return "is owned by another user";
	return NULL;
}

static int exec_is_program(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

static void exec_warn(char *warn, size_t warnlen, const char *dir, const char *why)
{
	size_t used;

	if (warn == NULL || warnlen == 0)
		return;
	used = strlen(warn);
	if (used + 2 >= warnlen)
		return;
	snprintf(warn + used, warnlen - used, "%sPATH directory %s %s; skipped",
		 used > 0 ? "; " : "", dir, why);
}

char *exec_resolve(const char *prog, char *warn, size_t warnlen)
{
	const char *path = getenv("PATH");
	const char *why;
	char *dirs, *dir, *save = NULL, *cand, *real = NULL;

	if (warn != NULL && warnlen > 0)
		warn[0] = '\0';
	if (prog == NULL || *prog == '\0')
		return NULL;
	if (strchr(prog, '/') != NULL)
		return exec_is_program(prog) ? realpath(prog, NULL) : NULL;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	dirs = xstrdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
		cand = xasprintf("%s/%s", dir, prog);
		if (exec_is_program(cand)) {
			why = exec_dir_unsafe(dir);
			if (why != NULL)
				exec_warn(warn, warnlen, dir, why);
			else
				real = realpath(cand, NULL);
		}
		free(cand);
		if (real != NULL)
			break;
	}
	free(dirs);
	return real;
}
