/*
 * warroom_redis.c - the war room through Redis (warroom.h): PUBLISH on
 * amconsole:warroom:ROOM:DIR, and for the presenter's messages also XADD
 * to the capped stream amconsole:warroom:ROOM:log, which a follower reads
 * back (XRANGE) when it connects. Two connections: one subscribed to the
 * direction the side reads, one for commands. hiredis.
 */
#include <hiredis/hiredis.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/redis_conn.h"
#include "backends/warroom_int.h"
#include "core/config.h"

struct wr_redis {
	redisContext *cmd; /* PUBLISH, XADD, XRANGE */
	redisContext *sub; /* SUBSCRIBE to the channel read */
	char out_chan[128], in_chan[128], log_key[128];
	int presenter;
};

static void wr_redis_close(void *state)
{
	struct wr_redis *r = state;

	if (r == NULL)
		return;
	if (r->cmd != NULL)
		redisFree(r->cmd);
	if (r->sub != NULL)
		redisFree(r->sub);
	free(r);
}

/* An entry of XRANGE: [id, [field, value, ...]]; the value of field m. */
static const redisReply *wr_redis_entry_msg(const redisReply *e)
{
	const redisReply *f;
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
		return NULL;
	f = e->element[1];
	if (f->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < f->elements; i += 2)
		if (f->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(f->element[i]->str, "m") == 0 &&
		    f->element[i + 1]->type == REDIS_REPLY_STRING)
			return f->element[i + 1];
	return NULL;
}

/* A follower catching up: the stored messages, oldest first. */
static int wr_redis_backlog(struct wr_redis *r, struct warroom *w, char *err, size_t errlen)
{
	redisReply *rep =
		redisCommand(r->cmd, "XRANGE %s - + COUNT %d", r->log_key, 2 * WARROOM_BACKLOG);
	size_t i;

	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		redis_reply_fail(r->cmd, rep, "XRANGE", err, errlen);
		return -1;
	}
	for (i = 0; i < rep->elements; i++) {
		const redisReply *m = wr_redis_entry_msg(rep->element[i]);

		if (m != NULL)
			warroom_deliver(w, m->str, m->len);
	}
	freeReplyObject(rep);
	return 0;
}

static int wr_redis_connect(struct warroom *w, const struct warroom_opts *o, void **state,
			    char *err, size_t errlen)
{
	struct config_redis cfg = { .name = "warroom", .url = (char *)o->redis_url };
	struct wr_redis *r = calloc(1, sizeof *r);
	redisReply *rep;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->presenter = o->presenter;
	snprintf(r->out_chan, sizeof r->out_chan, "amconsole:warroom:%s:%s", o->room,
		 warroom_dir_out(o));
	snprintf(r->in_chan, sizeof r->in_chan, "amconsole:warroom:%s:%s", o->room,
		 warroom_dir_in(o));
	snprintf(r->log_key, sizeof r->log_key, "amconsole:warroom:%s:log", o->room);
	r->cmd = redis_connect(&cfg, o->timeout, NULL, err, errlen);
	if (r->cmd != NULL)
		r->sub = redis_connect(&cfg, o->timeout, NULL, err, errlen);
	if (r->sub == NULL) {
		wr_redis_close(r);
		return -1;
	}
	rep = redisCommand(r->sub, "SUBSCRIBE %s", r->in_chan);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		redis_reply_fail(r->sub, rep, "SUBSCRIBE", err, errlen);
		wr_redis_close(r);
		return -1;
	}
	freeReplyObject(rep);
	if (!r->presenter && wr_redis_backlog(r, w, err, errlen) != 0) {
		wr_redis_close(r);
		return -1;
	}
	*state = r;
	return 0;
}

static int wr_redis_publish(void *state, const char *wire, size_t len, char *err, size_t errlen)
{
	struct wr_redis *r = state;
	redisReply *rep;

	if (r->presenter) {
		rep = redisCommand(r->cmd, "XADD %s MAXLEN ~ %d * m %b", r->log_key,
				   WARROOM_BACKLOG, wire, len);
		if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
			redis_reply_fail(r->cmd, rep, "XADD", err, errlen);
			return -1;
		}
		freeReplyObject(rep);
	}
	rep = redisCommand(r->cmd, "PUBLISH %s %b", r->out_chan, wire, len);
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
		redis_reply_fail(r->cmd, rep, "PUBLISH", err, errlen);
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

/* Deliver the messages hiredis has already read. */
static int wr_redis_drain(struct wr_redis *r, struct warroom *w, char *err, size_t errlen)
{
	for (;;) {
		void *p = NULL;
		redisReply *rep;

		if (redisGetReplyFromReader(r->sub, &p) != REDIS_OK) {
			redis_ctx_error(r->sub, "subscription", err, errlen);
			return -1;
		}
		if (p == NULL)
			return 0;
		rep = p;
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
		    rep->element[0]->type == REDIS_REPLY_STRING &&
		    strcmp(rep->element[0]->str, "message") == 0 &&
		    rep->element[2]->type == REDIS_REPLY_STRING)
			warroom_deliver(w, rep->element[2]->str, rep->element[2]->len);
		freeReplyObject(rep);
	}
}

static int wr_redis_receive(void *state, struct warroom *w, int wake_fd, double timeout, char *err,
			    size_t errlen)
{
	struct wr_redis *r = state;
	struct pollfd p[2] = { { .fd = r->sub->fd, .events = POLLIN },
			       { .fd = wake_fd, .events = POLLIN } };

	if (wr_redis_drain(r, w, err, errlen) != 0)
		return -1;
	if (poll(p, 2, (int)(timeout * 1000)) <= 0 ||
	    !(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	if (redisBufferRead(r->sub) != REDIS_OK) {
		redis_ctx_error(r->sub, "subscription", err, errlen);
		return -1;
	}
	return wr_redis_drain(r, w, err, errlen);
}

const struct warroom_engine warroom_redis_engine = {
	.name = "redis",
	.connect = wr_redis_connect,
	.publish = wr_redis_publish,
	.receive = wr_redis_receive,
	.close = wr_redis_close,
};
