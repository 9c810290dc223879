/*
 * warroom.c - the war-room link (warroom.h): its thread, the queue of
 * messages to send (newest per key), the messages received (newest per
 * key, checked first), the status, and the reconnection with backoff.
 * The engines (warroom_redis.c, warroom_pg.c) do the I/O.
 */
#include "backends/warroom.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/warroom_int.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/job.h"

/* Messages waiting to be sent, at most. */
#define WR_QUEUE_MAX 256
/* Senders whose last sequence number is remembered. */
#define WR_SENDERS 16

struct wr_out {
	char kind[16];
	char key[64];
	char *body; /* JSON text or NULL */
};

struct wr_sender {
	char from[64];
	unsigned long long seq;
};

struct warroom {
	struct warroom_opts o; /* strings owned */
	unsigned char *secret;
	size_t secretlen;
	const struct warroom_engine *engine;
	pthread_t thread;
	int started;
	atomic_int stop;
	int pipe[2]; /* warroom_send and warroom_stop wake the thread */

	pthread_mutex_t lock; /* the rest */
	struct wr_out out[WR_QUEUE_MAX];
	size_t nout;
	struct warroom_msg in[WARROOM_MAX_KEYS];
	size_t nin;
	struct wr_sender senders[WR_SENDERS];
	size_t nsenders;
	unsigned long long seq; /* the last sequence number sent */
	struct warroom_status st;
	double rate_t0; /* the second messages are being counted in */
	unsigned long rate_n;
};

int warroom_room_ok(const char *name)
{
	size_t n = 0;

	for (; name != NULL && name[n] != '\0'; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return n >= 1 && n <= 64;
}

const char *warroom_dir_out(const struct warroom_opts *o)
{
	return o->presenter ? "down" : "up";
}

const char *warroom_dir_in(const struct warroom_opts *o)
{
	return o->presenter ? "up" : "down";
}

/* Under lock: the status changed. */
static void wr_changed(struct warroom *w)
{
	w->st.gen++;
	job_wake_fd(w->o.wake_fd);
}

/* Under lock: 1 when m is newer than what its sender sent before (and
 * remember it), 0 for a replay. */
static int wr_fresh(struct warroom *w, const struct warroom_msg *m)
{
	size_t i;

	for (i = 0; i < w->nsenders; i++)
		if (strcmp(w->senders[i].from, m->from) == 0) {
			if (m->seq <= w->senders[i].seq)
				return 0;
			w->senders[i].seq = m->seq;
			return 1;
		}
	if (w->nsenders == WR_SENDERS) {
		memmove(w->senders, w->senders + 1, (WR_SENDERS - 1) * sizeof w->senders[0]);
		w->nsenders--;
	}
	snprintf(w->senders[w->nsenders].from, sizeof w->senders[0].from, "%s", m->from);
	w->senders[w->nsenders++].seq = m->seq;
	return 1;
}

void warroom_deliver(struct warroom *w, const char *wire, size_t len)
{
	struct warroom_msg m;
	char err[128];
	enum warroom_refusal why;
	size_t i;

	pthread_mutex_lock(&w->lock);
	if (util_now() - w->rate_t0 >= 1) {
		w->rate_t0 = util_now();
		w->rate_n = 0;
	}
	if (++w->rate_n > WARROOM_RATE_MAX) {
		w->st.dropped++;
		pthread_mutex_unlock(&w->lock);
		return;
	}
	pthread_mutex_unlock(&w->lock);
	why = warroom_unseal(w->secret, w->secretlen, w->o.room, wire, len, &m, err, sizeof err);
	pthread_mutex_lock(&w->lock);
	if (why != WARROOM_OK) {
		if (why == WARROOM_OVERSIZE)
			w->st.oversize++;
		else if (why == WARROOM_FORGED)
			w->st.forged++;
		else
			w->st.malformed++;
		snprintf(w->st.refusal, sizeof w->st.refusal, "%s", err);
		log_msg("warroom %s: message refused: %s", w->o.room, err);
		wr_changed(w);
		pthread_mutex_unlock(&w->lock);
		return;
	}
	if (!wr_fresh(w, &m)) {
		w->st.replayed++;
		pthread_mutex_unlock(&w->lock);
		warroom_msg_clear(&m);
		return;
	}
	for (i = 0; i < w->nin; i++)
		if (strcmp(w->in[i].key, m.key) == 0)
			break;
	if (i < w->nin) {
		/* The older one was never taken: the newest wins, in its
		 * place in the order. */
		warroom_msg_clear(&w->in[i]);
		memmove(w->in + i, w->in + i + 1, (w->nin - i - 1) * sizeof w->in[0]);
		w->nin--;
		w->st.skipped++;
	}
	if (w->nin == WARROOM_MAX_KEYS) {
		w->st.dropped++;
		warroom_msg_clear(&m);
	} else {
		w->in[w->nin++] = m;
		w->st.rx++;
		w->st.last_rx = util_wall();
	}
	wr_changed(w);
	pthread_mutex_unlock(&w->lock);
}

static void wr_set_state(struct warroom *w, int connected, const char *error)
{
	pthread_mutex_lock(&w->lock);
	if (w->st.connected != connected || strcmp(w->st.error, error) != 0) {
		w->st.connected = connected;
		snprintf(w->st.error, sizeof w->st.error, "%s", error);
		wr_changed(w);
	}
	pthread_mutex_unlock(&w->lock);
}

static void wr_drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Wait until deadline (monotonic) or until stopped; a poke wakes it
 * early only to look at the stop flag. */
static void wr_sleep_until(struct warroom *w, double deadline)
{
	while (!atomic_load(&w->stop)) {
		double left = deadline - util_now();
		struct pollfd p = { .fd = w->pipe[0], .events = POLLIN };

		if (left <= 0)
			return;
		if (poll(&p, 1, (int)(left * 1000) + 1) > 0)
			wr_drain(w->pipe[0]);
	}
}

/* Send what is queued, sealed. 0, or -1 + err (the connection broke;
 * what was not sent stays queued). */
static int wr_flush(struct warroom *w, void *state, char *err, size_t errlen)
{
	for (;;) {
		struct warroom_msg m = { 0 };
		struct wr_out q;
		char *wire;
		size_t len;
		int rc;

		pthread_mutex_lock(&w->lock);
		if (w->nout == 0) {
			pthread_mutex_unlock(&w->lock);
			return 0;
		}
		q = w->out[0];
		memmove(w->out, w->out + 1, (w->nout - 1) * sizeof w->out[0]);
		w->nout--;
		m.seq = ++w->seq;
		pthread_mutex_unlock(&w->lock);
		m.t = util_wall();
		snprintf(m.from, sizeof m.from, "%s", w->o.user);
		snprintf(m.kind, sizeof m.kind, "%s", q.kind);
		snprintf(m.key, sizeof m.key, "%s", q.key);
		wire = warroom_seal(w->secret, w->secretlen, w->o.room, &m, q.body, &len);
		rc = wire != NULL ? w->engine->publish(state, wire, len, err, errlen) : 0;
		free(wire);
		pthread_mutex_lock(&w->lock);
		if (wire == NULL) {
			/* Over the cap with its head (warroom_send let its body
			 * through): not sent, and not counted as sent. */
			log_msg("warroom %s: %s over %u bytes sealed, not sent", w->o.room, q.key,
				WARROOM_MSG_MAX);
			free(q.body);
			w->st.dropped++;
		} else if (rc == 0) {
			free(q.body);
			w->st.tx++;
		} else if (w->nout < WR_QUEUE_MAX) {
			/* Back at the head, unless a newer one of its key came. */
			size_t i;

			for (i = 0; i < w->nout && strcmp(w->out[i].key, q.key) != 0; i++)
				;
			if (i == w->nout) {
				memmove(w->out + 1, w->out, w->nout * sizeof w->out[0]);
				w->out[0] = q;
				w->nout++;
			} else {
				free(q.body);
			}
		} else {
			free(q.body);
			w->st.dropped++;
		}
		pthread_mutex_unlock(&w->lock);
		if (rc != 0)
			return -1;
	}
}

static void *wr_main(void *arg)
{
	struct warroom *w = arg;
	double backoff = 0.5, next_flush = 0;
	void *state = NULL;
	char err[256];

	while (!atomic_load(&w->stop)) {
		double wait = 5;
		int queued;

		if (state == NULL) {
			err[0] = '\0';
			if (w->engine->connect(w, &w->o, &state, err, sizeof err) != 0) {
				state = NULL;
				wr_set_state(w, 0, err[0] != '\0' ? err : "cannot connect");
				wr_sleep_until(w, util_now() + backoff);
				backoff = backoff * 2 > 10 ? 10 : backoff * 2;
				continue;
			}
			backoff = 0.5;
			wr_set_state(w, 1, "");
		}
		if (util_now() >= next_flush) {
			if (wr_flush(w, state, err, sizeof err) != 0) {
				w->engine->close(state);
				state = NULL;
				wr_set_state(w, 0, err[0] != '\0' ? err : "connection lost");
				continue;
			}
			next_flush = util_now() + 1.0 / WARROOM_FLUSH_HZ;
		}
		pthread_mutex_lock(&w->lock);
		queued = w->nout > 0;
		pthread_mutex_unlock(&w->lock);
		if (queued) /* back when the next flush is due */
			wait = next_flush - util_now() > 0 ? next_flush - util_now() : 0;
		if (w->engine->receive(state, w, w->pipe[0], wait, err, sizeof err) != 0) {
			w->engine->close(state);
			state = NULL;
			wr_set_state(w, 0, err[0] != '\0' ? err : "connection lost");
			continue;
		}
		wr_drain(w->pipe[0]);
	}
	if (state != NULL) {
		/* What was queued last (a goodbye) still goes. */
		wr_flush(w, state, err, sizeof err);
		w->engine->close(state);
	}
	return NULL;
}

static char *wr_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct warroom *warroom_start(const struct warroom_opts *o, char *err, size_t errlen)
{
	struct warroom *w;

	if (!warroom_room_ok(o->room)) {
		snprintf(err, errlen, "room name '%s': 1 to 64 of A-Z a-z 0-9 . _ -",
			 o->room != NULL ? o->room : "");
		return NULL;
	}
	if ((o->redis_url == NULL) == (o->pg_conninfo == NULL)) {
		snprintf(err, errlen, "a war room needs warroom.redis or warroom.postgres (one)");
		return NULL;
	}
	if (o->secret == NULL || strlen(o->secret) < WARROOM_SECRET_MIN) {
		snprintf(err, errlen, "the room's secret is shorter than %d characters",
			 WARROOM_SECRET_MIN);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->o = *o;
	w->o.redis_url = wr_dup(o->redis_url);
	w->o.pg_conninfo = wr_dup(o->pg_conninfo);
	w->o.room = xstrdup(o->room);
	w->o.secret = NULL;
	w->o.user = xstrdup(o->user != NULL && o->user[0] != '\0' ? o->user : "someone");
	if (w->o.timeout <= 0)
		w->o.timeout = 5;
	w->secret = (unsigned char *)xstrdup(o->secret);
	w->secretlen = strlen(o->secret);
	w->engine = o->redis_url != NULL ? &warroom_redis_engine : &warroom_pg_engine;
	/* Sequence numbers keep growing across restarts of a sender, so a
	 * follower never takes a new presenter's messages for replays. */
	w->seq = (unsigned long long)(util_wall() * 1000);
	snprintf(w->st.error, sizeof w->st.error, "connecting");
	pthread_mutex_init(&w->lock, NULL);
	if (pipe(w->pipe) != 0) {
		snprintf(err, errlen, "cannot start the war room: %s", strerror(errno));
		warroom_stop(w);
		return NULL;
	}
	job_fd_nonblock(w->pipe[0]);
	job_fd_nonblock(w->pipe[1]);
	if (pthread_create(&w->thread, NULL, wr_main, w) != 0) {
		snprintf(err, errlen, "cannot start the war room's thread: %s", strerror(errno));
		warroom_stop(w);
		return NULL;
	}
	w->started = 1;
	job_name_thread(w->thread, "am:warroom");
	return w;
}

void warroom_stop(struct warroom *w)
{
	size_t i;

	if (w == NULL)
		return;
	atomic_store(&w->stop, 1);
	if (w->started) {
		job_wake_fd(w->pipe[1]);
		pthread_join(w->thread, NULL);
	}
	if (w->pipe[0] > 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
	}
	for (i = 0; i < w->nout; i++)
		free(w->out[i].body);
	for (i = 0; i < w->nin; i++)
		warroom_msg_clear(&w->in[i]);
	pthread_mutex_destroy(&w->lock);
	free((char *)w->o.redis_url);
	free((char *)w->o.pg_conninfo);
	free((char *)w->o.room);
	free((char *)w->o.user);
	if (w->secret != NULL)
		memset(w->secret, 0, w->secretlen);
	free(w->secret);
	free(w);
}

int warroom_send(struct warroom *w, const char *kind, const char *key, const char *body_json)
{
	size_t i, blen = body_json != NULL ? strlen(body_json) : 0;

	if (blen > WARROOM_BODY_MAX)
		return -1;
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nout && strcmp(w->out[i].key, key) != 0; i++)
		;
	if (i < w->nout) {
		free(w->out[i].body);
		memmove(w->out + i, w->out + i + 1, (w->nout - i - 1) * sizeof w->out[0]);
		w->nout--;
	} else if (w->nout == WR_QUEUE_MAX) {
		/* Full (the link is down): the oldest goes. */
		free(w->out[0].body);
		memmove(w->out, w->out + 1, (w->nout - 1) * sizeof w->out[0]);
		w->nout--;
		w->st.dropped++;
	}
	snprintf(w->out[w->nout].kind, sizeof w->out[0].kind, "%s", kind);
	snprintf(w->out[w->nout].key, sizeof w->out[0].key, "%s", key);
	w->out[w->nout++].body = wr_dup(body_json);
	pthread_mutex_unlock(&w->lock);
	job_wake_fd(w->pipe[1]);
	return 0;
}

size_t warroom_take(struct warroom *w, struct warroom_msg *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->nin < max ? w->nin : max;
	memcpy(out, w->in, n * sizeof out[0]);
	memmove(w->in, w->in + n, (w->nin - n) * sizeof w->in[0]);
	w->nin -= n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void warroom_get_status(struct warroom *w, struct warroom_status *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	pthread_mutex_unlock(&w->lock);
}

void warroom_set_wake_fd(struct warroom *w, int fd)
{
	pthread_mutex_lock(&w->lock);
	w->o.wake_fd = fd;
	pthread_mutex_unlock(&w->lock);
	job_wake_fd(fd);
}
