/*
 * job.c - work off the UI thread with one way back (see job.h). One
 * mutex guards the result: the status, a ring of output not yet polled
 * (grown on demand up to the cap, the oldest bytes dropped past it) and
 * the newest snapshot. The stop flag is atomic so that the work can poll
 * it from inside blocking I/O; on_stop lets a source interrupt that I/O
 * at once. A job started here owns its thread and joins it in job_free.
 */
/* pthread_setname_np */
#define _GNU_SOURCE
#include "runtime/job.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/mailbox.h"

struct job {
	pthread_mutex_t lock;
	pthread_t thread;
	int has_thread;
	struct job_spec spec;
	struct mailbox *mb; /* snapshots (job_new with free_snap), else NULL */
	atomic_int stop;
	/* Guarded by lock. */
	struct exec_status st;
	enum exec_state reported; /* state at the last job_poll */
	char *ring;
	size_t size, head, len; /* allocated, first byte, bytes held */
};

void job_wake_fd(int fd)
{
	char c = 1;
	ssize_t n;

	if (fd < 0)
		return;
	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
}

void job_fd_nonblock(int fd)
{
	int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;

	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static struct job *job_alloc(int wake_fd)
{
	struct job *j = xcalloc(1, sizeof *j);

	pthread_mutex_init(&j->lock, NULL);
	atomic_init(&j->stop, 0);
	j->spec.wake_fd = wake_fd;
	job_fd_nonblock(wake_fd);
	return j;
}

static void job_release(struct job *j)
{
	pthread_mutex_destroy(&j->lock);
	free(j->ring);
	free(j);
}

void job_name_thread(pthread_t thread, const char *name)
{
	char n[16];

	/* The kernel keeps 15 bytes; a longer name would be refused. */
	snprintf(n, sizeof n, "%s", name);
	(void)pthread_setname_np(thread, n);
}

static void *job_main(void *p)
{
	struct job *j = p;
	int running;

	j->spec.run(j, j->spec.arg);
	pthread_mutex_lock(&j->lock);
	running = j->st.state == EXEC_RUNNING;
	pthread_mutex_unlock(&j->lock);
	if (running)
		job_end(j, EXEC_EXITED, 0, 0, NULL);
	return NULL;
}

struct job *job_start(const struct job_spec *spec, char *err, size_t errlen)
{
	struct job *j = job_alloc(spec->wake_fd);
	sigset_t all, old;
	int rc;

	j->spec = *spec;
	j->st.state = j->reported = EXEC_RUNNING;
	j->st.exit_code = -1;
	j->st.pid = spec->pid;
	exec_status_start(&j->st);
	/* Signals belong to the UI thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, job_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(rc));
		job_free(j);
		return NULL;
	}
	j->has_thread = 1;
	if (spec->name != NULL)
		job_name_thread(j->thread, spec->name);
	return j;
}

struct job *job_new(int wake_fd, void (*free_snap)(void *snap))
{
	struct job *j = job_alloc(wake_fd);

	j->mb = mailbox_new(wake_fd, free_snap);
	j->st.state = j->reported = EXEC_EXITED;
	return j;
}

void job_begin(struct job *j)
{
	atomic_store(&j->stop, 0);
	pthread_mutex_lock(&j->lock);
	memset(&j->st, 0, sizeof j->st);
	j->st.state = EXEC_RUNNING;
	j->st.exit_code = -1;
	exec_status_start(&j->st);
	pthread_mutex_unlock(&j->lock);
}

/* Linearise the ring into a bigger buffer (at least need bytes, at most
 * the cap when there is one). Lock held. */
static void job_grow(struct job *j, size_t need)
{
	size_t size = j->size > 0 ? j->size : 4096, first;
	char *buf;

	while (size < need)
		size *= 2;
	if (j->spec.output_cap > 0 && size > j->spec.output_cap)
		size = j->spec.output_cap;
	buf = xmalloc(size);
	first = j->size - j->head < j->len ? j->size - j->head : j->len;
	if (j->len > 0) {
		memcpy(buf, j->ring + j->head, first);
		memcpy(buf + first, j->ring, j->len - first);
	}
	free(j->ring);
	j->ring = buf;
	j->size = size;
	j->head = 0;
}

/* Keep the newest bytes within the cap. Lock held. */
static void job_keep(struct job *j, const char *p, size_t n)
{
	size_t cap = j->spec.output_cap, over, tail, first;

	j->st.total_bytes += n;
	if (n == 0)
		return;
	if (cap > 0 && n >= cap) {
		j->st.dropped += j->len + (n - cap);
		p += n - cap;
		n = cap;
		j->head = j->len = 0;
	} else if (cap > 0 && j->len + n > cap) {
		over = j->len + n - cap;
		j->st.dropped += over;
		j->head = (j->head + over) % j->size;
		j->len -= over;
	}
	if (j->len + n > j->size)
		job_grow(j, j->len + n);
	tail = (j->head + j->len) % j->size;
	first = j->size - tail < n ? j->size - tail : n;
	memcpy(j->ring + tail, p, first);
	memcpy(j->ring, p + first, n - first);
	j->len += n;
}

void job_write(struct job *j, const char *s, size_t n)
{
	pthread_mutex_lock(&j->lock);
	job_keep(j, s, n);
	pthread_mutex_unlock(&j->lock);
}

void job_wake(struct job *j)
{
	job_wake_fd(j->spec.wake_fd);
}

void job_out(struct job *j, const char *s, size_t n)
{
	job_write(j, s, n);
	job_wake(j);
}

void job_puts(struct job *j, const char *s)
{
	job_out(j, s, strlen(s));
}

void job_out_strbuf(struct job *j, struct strbuf *sb)
{
	job_out(j, sb->buf, sb->len);
	strbuf_free(sb);
}

void job_publish(struct job *j, void *snap)
{
	/* The runners' hand-off: the newest wins, an older one never taken
	 * is freed outside the lock, the UI is woken. */
	if (j->mb != NULL)
		mailbox_put(j->mb, snap, 0, 0);
}

void job_end(struct job *j, enum exec_state state, int exit_code, int term_signal,
	     const char *error)
{
	pthread_mutex_lock(&j->lock);
	j->st.state = state;
	j->st.exit_code = exit_code;
	j->st.term_signal = term_signal;
	j->st.duration = exec_status_elapsed(&j->st);
	if (error != NULL)
		snprintf(j->st.error, sizeof j->st.error, "%s", error);
	pthread_mutex_unlock(&j->lock);
	job_wake(j);
}

int job_stopping(const struct job *j)
{
	return atomic_load(&j->stop);
}

const atomic_int *job_stop_flag(const struct job *j)
{
	return &j->stop;
}

int job_poll(struct job *j, struct exec_status *st, struct strbuf *out)
{
	size_t first;
	int changed = 0;

	pthread_mutex_lock(&j->lock);
	if (j->len > 0 && out != NULL) {
		first = j->size - j->head < j->len ? j->size - j->head : j->len;
		strbuf_append(out, j->ring + j->head, first);
		strbuf_append(out, j->ring, j->len - first);
		j->head = j->len = 0;
		changed = 1;
	}
	if (j->st.state == EXEC_RUNNING)
		j->st.duration = exec_status_elapsed(&j->st);
	if (j->reported != j->st.state) {
		j->reported = j->st.state;
		changed = 1;
	}
	if (st != NULL)
		*st = j->st;
	pthread_mutex_unlock(&j->lock);
	return changed;
}

int job_take(struct job *j, void **snap)
{
	return j->mb != NULL && mailbox_take(j->mb, snap, NULL);
}

void job_stop(struct job *j)
{
	int running;

	atomic_store(&j->stop, 1);
	pthread_mutex_lock(&j->lock);
	running = j->st.state == EXEC_RUNNING;
	pthread_mutex_unlock(&j->lock);
	if (running && j->spec.on_stop != NULL)
		j->spec.on_stop(j->spec.arg);
}

void job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->has_thread) {
		job_stop(j);
		pthread_join(j->thread, NULL);
	}
	if (j->spec.free_arg != NULL)
		j->spec.free_arg(j->spec.arg);
	else
		free(j->spec.arg);
	if (j->mb != NULL)
		mailbox_free(j->mb);
	job_release(j);
}
