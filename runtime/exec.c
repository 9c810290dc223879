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
#define EXEC_TICK 0.1      /* how soon the reader notices exec_stop */
#define EXEC_SLOTS 128

/* Process groups of running jobs: 0 free, -1 reserved, else a pgid.
 * Lock-free so that exec_kill_all is safe from any context. */
static atomic_int exec_pgids[EXEC_SLOTS];

struct exec_job {
	pthread_mutex_t lock;
	pthread_t thread;
	pid_t pid;
	int fd;    /* read end of the output pipe */
	int pidfd; /* -1 when the kernel has no pidfd_open */
	int wake_fd;
	int slot;
	double t0;       /* monotonic start */
	double deadline; /* monotonic */
	/* Guarded by lock. */
	struct exec_status st;
	enum exec_state reported; /* state at the last exec_poll */
	char *ring;
	size_t cap, head, len;
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

static void exec_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void exec_wake(int fd)
{
	char c = 1;
	ssize_t n;

	if (fd < 0)
		return;
	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
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

/* Append to the ring of output not yet collected, keeping the newest
 * cap bytes. Called with the lock held. */
static void exec_ring_put(struct exec_job *job, const char *p, size_t n)
{
	size_t over, tail, first;

	job->st.total_bytes += n;
	if (n >= job->cap) {
		job->st.dropped += job->len + (n - job->cap);
		p += n - job->cap;
		n = job->cap;
		job->head = job->len = 0;
	} else if (job->len + n > job->cap) {
		over = job->len + n - job->cap;
		job->st.dropped += over;
		job->head = (job->head + over) % job->cap;
		job->len -= over;
	}
	tail = (job->head + job->len) % job->cap;
	first = job->cap - tail < n ? job->cap - tail : n;
	memcpy(job->ring + tail, p, first);
	memcpy(job->ring, p + first, n - first);
	job->len += n;
}

static void exec_signal(struct exec_job *job, int sig)
{
	pthread_mutex_lock(&job->lock);
	if (job->group_live)
		kill(-job->pid, sig);
	pthread_mutex_unlock(&job->lock);
}

/* Read what is there; 1 on EOF or a read error, else 0. */
static int exec_read(struct exec_job *job, int *got)
{
	char buf[16384];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		n = read(job->fd, buf, sizeof buf);
		if (n > 0) {
			pthread_mutex_lock(&job->lock);
			exec_ring_put(job, buf, (size_t)n);
			pthread_mutex_unlock(&job->lock);
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

static void exec_finish(struct exec_job *job, enum exec_state why, int wstatus)
{
	pthread_mutex_lock(&job->lock);
	job->st.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	job->st.term_signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	if (why == EXEC_RUNNING)
		why = WIFEXITED(wstatus) ? EXEC_EXITED : EXEC_SIGNALED;
	job->st.state = why;
	if (why == EXEC_TIMEDOUT)
		snprintf(job->st.error, sizeof job->st.error, "timed out after %.0f s",
			 job->deadline - job->t0);
	job->st.duration = util_now() - job->t0;
	job->group_live = 0;
	exec_slot_release(job->slot);
	job->slot = -1;
	pthread_mutex_unlock(&job->lock);
}

static void *exec_reader(void *p)
{
	struct exec_job *job = p;
	enum exec_state why = EXEC_RUNNING;
	double now, t, term_at = 0, drain_until = 0, last_wake = 0, stop_at;
	int eof = 0, reaped = 0, killed = 0, wake_pending = 0, got, stop;
	int wstatus = 0, nfds, ms;
	struct pollfd pfd[2];

	for (;;) {
		now = util_now();
		pthread_mutex_lock(&job->lock);
		stop = job->stop_requested;
		stop_at = job->stop_at;
		pthread_mutex_unlock(&job->lock);
		if (!reaped) {
			if (term_at == 0 && stop) {
				why = EXEC_STOPPED; /* exec_stop sent the SIGTERM */
				term_at = stop_at;
			}
			if (term_at == 0 && now >= job->deadline) {
				why = EXEC_TIMEDOUT;
				term_at = now;
				exec_signal(job, SIGTERM);
			}
			if (term_at > 0 && !killed && now >= term_at + EXEC_GRACE) {
				killed = 1;
				exec_signal(job, SIGKILL);
			}
			if (waitpid(job->pid, &wstatus, WNOHANG) == job->pid) {
				reaped = 1;
				drain_until = now + EXEC_DRAIN;
			}
		}
		if (reaped && (eof || now >= drain_until))
			break;
		if (wake_pending && now - last_wake >= EXEC_WAKE_GAP) {
			exec_wake(job->wake_fd);
			wake_pending = 0;
			last_wake = now;
		}

		t = EXEC_TICK;
		if (reaped)
			t = exec_min(t, drain_until - now);
		else if (term_at == 0)
			t = exec_min(t, job->deadline - now);
		else if (!killed)
			t = exec_min(t, term_at + EXEC_GRACE - now);
		if (wake_pending)
			t = exec_min(t, last_wake + EXEC_WAKE_GAP - now);
		if (!reaped && job->pidfd < 0)
			t = exec_min(t, 0.02);
		ms = t <= 0 ? 0 : (int)(t * 1000) + 1;

		nfds = 0;
		if (!eof) {
			pfd[nfds].fd = job->fd;
			pfd[nfds++].events = POLLIN;
		}
		if (!reaped && job->pidfd >= 0) {
			pfd[nfds].fd = job->pidfd;
			pfd[nfds++].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nfds, ms) > 0 && !eof && pfd[0].revents != 0) {
			got = 0;
			eof = exec_read(job, &got);
			if (got)
				wake_pending = 1;
		}
	}
	if (!eof) {
		/* The shell is gone but something it started still holds the
		 * pipe: a leftover of a finished step, writing to nobody. */
		exec_signal(job, SIGKILL);
		got = 0;
		exec_read(job, &got);
	}
	exec_finish(job, why, wstatus);
	exec_wake(job->wake_fd);
	return NULL;
}

static void exec_errf(char *err, size_t errlen, const char *what, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, strerror(e));
}

struct exec_job *exec_start(const struct exec_spec *spec, int wake_fd, char *err, size_t errlen)
{
	const char *shell = spec->shell != NULL ? spec->shell : EXEC_DEFAULT_SHELL;
	struct exec_job *job;
	int pfd[2], devnull, slot, rc;
	sigset_t all, old;
	char **envp;
	pid_t pid;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (spec->command == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no command");
		return NULL;
	}
	if (access(shell, X_OK) != 0) {
		exec_errf(err, errlen, shell, errno);
		return NULL;
	}
	slot = exec_slot_reserve();
	if (slot < 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "too many jobs running");
		return NULL;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		exec_errf(err, errlen, "pipe", errno);
		exec_slot_release(slot);
		return NULL;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		exec_errf(err, errlen, "/dev/null", errno);
		close(pfd[0]);
		close(pfd[1]);
		exec_slot_release(slot);
		return NULL;
	}
	envp = exec_envp(spec->env);

	job = xcalloc(1, sizeof *job);
	job->cap = spec->output_cap > 0 ? spec->output_cap : EXEC_DEFAULT_CAP;
	job->ring = xmalloc(job->cap);
	job->wake_fd = wake_fd;
	job->slot = slot;
	job->pidfd = -1;
	job->st.state = EXEC_RUNNING;
	job->st.exit_code = -1;
	job->reported = EXEC_RUNNING;
	pthread_mutex_init(&job->lock, NULL);
	if (wake_fd >= 0)
		exec_set_nonblock(wake_fd);

	exec_status_start(&job->st);
	job->t0 = job->st.t0;
	job->deadline = job->t0 + (spec->timeout > 0 ? spec->timeout : EXEC_DEFAULT_TIMEOUT);
	pid = fork();
	if (pid == 0)
		exec_child_background(spec, shell, envp, devnull, pfd[1]);
	rc = errno;
	free(envp);
	close(devnull);
	close(pfd[1]);
	if (pid < 0) {
		exec_errf(err, errlen, "fork", rc);
		close(pfd[0]);
		exec_slot_release(slot);
		pthread_mutex_destroy(&job->lock);
		free(job->ring);
		free(job);
		return NULL;
	}
	/* Also here, so that the group exists before anyone signals it. */
	setpgid(pid, pid);
	atomic_store(&exec_pgids[slot], (int)pid);
	job->pid = pid;
	job->st.pid = (int)pid;
	job->group_live = 1;
	job->fd = pfd[0];
	exec_set_nonblock(job->fd);
	job->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&job->thread, NULL, exec_reader, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		exec_errf(err, errlen, "thread", rc);
		exec_slot_release(slot);
		close(job->fd);
		if (job->pidfd >= 0)
			close(job->pidfd);
		pthread_mutex_destroy(&job->lock);
		free(job->ring);
		free(job);
		return NULL;
	}
	return job;
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

int exec_poll(struct exec_job *job, struct exec_status *st, struct strbuf *out)
{
	size_t first;
	int changed = 0;

	pthread_mutex_lock(&job->lock);
	if (job->len > 0 && out != NULL) {
		first = job->cap - job->head < job->len ? job->cap - job->head : job->len;
		strbuf_append(out, job->ring + job->head, first);
		strbuf_append(out, job->ring, job->len - first);
		job->head = job->len = 0;
		changed = 1;
	}
	if (job->st.state == EXEC_RUNNING)
		job->st.duration = util_now() - job->t0;
	if (job->reported != job->st.state) {
		job->reported = job->st.state;
		changed = 1;
	}
	if (st != NULL)
		*st = job->st;
	pthread_mutex_unlock(&job->lock);
	return changed;
}

void exec_stop(struct exec_job *job)
{
	pthread_mutex_lock(&job->lock);
	if (job->st.state == EXEC_RUNNING && !job->stop_requested) {
		job->stop_requested = 1;
		job->stop_at = util_now();
		if (job->group_live)
			kill(-job->pid, SIGTERM);
	}
	pthread_mutex_unlock(&job->lock);
}

void exec_free(struct exec_job *job)
{
	if (job == NULL)
		return;
	exec_stop(job);
	pthread_join(job->thread, NULL);
	close(job->fd);
	if (job->pidfd >= 0)
		close(job->pidfd);
	pthread_mutex_destroy(&job->lock);
	free(job->ring);
	free(job);
}

void exec_kill_all(void)
{
	int i, pg;

	for (i = 0; i < EXEC_SLOTS; i++) {
		pg = atomic_load(&exec_pgids[i]);
		if (pg > 0)
			kill(-pg, SIGKILL);
	}
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
