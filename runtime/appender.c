/*
 * appender.c - lines appended and fsync'd off the UI thread (see
 * appender.h).
 */
#include "runtime/appender.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "runtime/job.h"

struct appender {
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char **q; /* queued lines, oldest first */
	size_t nq, cap;
	int stop;
	char error[200];
};

/* Write line whole; 0, or -1 with the error kept. */
static int appender_write(struct appender *ap, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t w = write(ap->fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			pthread_mutex_lock(&ap->lock);
			snprintf(ap->error, sizeof ap->error, "write: %s", strerror(errno));
			pthread_mutex_unlock(&ap->lock);
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* The thread: take what is queued, write it in order, fsync once for the
 * lot (a burst of events, such as 10,000 findings when an incident opens,
 * costs one fsync, not 10,000), and wait for more. */
static void *appender_main(void *arg)
{
	struct appender *ap = arg;

	pthread_mutex_lock(&ap->lock);
	for (;;) {
		char **batch;
		size_t n, i;

		while (ap->nq == 0 && !ap->stop)
			pthread_cond_wait(&ap->cond, &ap->lock);
		if (ap->nq == 0 && ap->stop)
			break;
		batch = ap->q;
		n = ap->nq;
		ap->q = NULL;
		ap->nq = ap->cap = 0;
		pthread_mutex_unlock(&ap->lock);
		for (i = 0; i < n; i++) {
			appender_write(ap, batch[i]);
			free(batch[i]);
		}
		free(batch);
		if (fsync(ap->fd) != 0) {
			pthread_mutex_lock(&ap->lock);
			snprintf(ap->error, sizeof ap->error, "fsync: %s", strerror(errno));
			pthread_mutex_unlock(&ap->lock);
		}
		pthread_mutex_lock(&ap->lock);
	}
	pthread_mutex_unlock(&ap->lock);
	return NULL;
}

struct appender *appender_open(const char *path, char *err, size_t errlen)
{
	struct appender *ap;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ap = xcalloc(1, sizeof *ap);
	ap->fd = fd;
	pthread_mutex_init(&ap->lock, NULL);
	pthread_cond_init(&ap->cond, NULL);
	if (pthread_create(&ap->thread, NULL, appender_main, ap) != 0) {
		snprintf(err, errlen, "cannot start the writer thread");
		close(fd);
		pthread_mutex_destroy(&ap->lock);
		pthread_cond_destroy(&ap->cond);
		free(ap);
		return NULL;
	}
	job_name_thread(ap->thread, "am:record");
	return ap;
}

void appender_push(struct appender *ap, char *line)
{
	pthread_mutex_lock(&ap->lock);
	if (ap->nq == ap->cap) {
		ap->cap = ap->cap ? ap->cap * 2 : 16;
		ap->q = xrealloc(ap->q, ap->cap * sizeof *ap->q);
	}
	ap->q[ap->nq++] = line;
	pthread_cond_signal(&ap->cond);
	pthread_mutex_unlock(&ap->lock);
}

int appender_error(struct appender *ap, char *buf, size_t n)
{
	pthread_mutex_lock(&ap->lock);
	snprintf(buf, n, "%s", ap->error);
	pthread_mutex_unlock(&ap->lock);
	return buf[0] != '\0';
}

void appender_close(struct appender *ap)
{
	if (ap == NULL)
		return;
	pthread_mutex_lock(&ap->lock);
	ap->stop = 1;
	pthread_cond_signal(&ap->cond);
	pthread_mutex_unlock(&ap->lock);
	pthread_join(ap->thread, NULL);
	close(ap->fd);
	free(ap->q);
	pthread_mutex_destroy(&ap->lock);
	pthread_cond_destroy(&ap->cond);
	free(ap);
}
