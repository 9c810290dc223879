/*
 * redis_jobs.c - the Redis job worker (see redis.h): the slow and
 * changing work the cache panel asks for (top keys by memory, SLOWLOG,
 * pattern preview and invalidation, FLUSHDB/FLUSHALL) runs on the job
 * runner's thread, one request at a time on a fresh connection, and
 * reports its progress as whole struct redis_job snapshots through a
 * job (runtime/job.h) the panel takes from; a cancel stops the work
 * after its current batch. Keys travel as RESP arguments only.
 */
#include "backends/redis.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/redis_conn.h"
#include "runtime/job.h"

/* Bounds on the top-keys scan and the invalidation preview. */
#define REDIS_TOPKEYS_SECONDS 5.0
#define REDIS_TOPKEYS_MAX 200000
#define REDIS_PREVIEW_SECONDS 10.0
#define REDIS_UNLINK_BATCH 500
#define REDIS_PUBLISH_EVERY 0.1

struct redis_jobs {
	struct job *job;   /* progress snapshots; its stop flag is the cancel */
	unsigned long seq; /* requests served (the job runner's thread only) */
};

static void redis_jobs_free_snap(void *snap)
{
	redis_job_free(snap);
}

struct redis_req *redis_req_new(const char *pattern)
{
	struct redis_req *rq = xcalloc(1, sizeof *rq);

	rq->pattern = pattern != NULL ? xstrdup(pattern) : NULL;
	return rq;
}

void redis_req_free(void *req)
{
	struct redis_req *rq = req;

	if (rq == NULL)
		return;
	free(rq->pattern);
	free(rq);
}

struct redis_jobs *redis_jobs_new(int wake_fd)
{
	struct redis_jobs *j = xcalloc(1, sizeof *j);

	j->job = job_new(wake_fd, redis_jobs_free_snap);
	return j;
}

void redis_jobs_free(struct redis_jobs *j)
{
	if (j == NULL)
		return;
	job_free(j->job);
	free(j);
}

void redis_jobs_cancel(struct redis_jobs *j)
{
	job_stop(j->job);
}

int redis_jobs_take(struct redis_jobs *j, struct redis_job **job)
{
	void *p = NULL;

	if (!job_take(j->job, &p))
		return 0;
	*job = p;
	return 1;
}

/* Free what job holds, not job itself. */
static void redis_job_clear(struct redis_job *job)
{
	size_t i;

	for (i = 0; i < job->nkeys; i++)
		free(job->keys[i].name);
	free(job->keys);
	for (i = 0; i < job->nslow; i++) {
		free(job->slow[i].command);
		free(job->slow[i].client);
	}
	free(job->slow);
	free(job->pattern);
}

void redis_job_free(struct redis_job *job)
{
	if (job == NULL)
		return;
	redis_job_clear(job);
	free(job);
}

static struct redis_job *redis_job_copy(const struct redis_job *j)
{
	struct redis_job *c = xmalloc(sizeof *c);
	size_t i;

	*c = *j;
	c->pattern = j->pattern ? xstrdup(j->pattern) : NULL;
	c->keys = j->nkeys ? xcalloc(j->nkeys, sizeof *c->keys) : NULL;
	for (i = 0; i < j->nkeys; i++) {
		c->keys[i] = j->keys[i];
		c->keys[i].name = xmalloc(j->keys[i].len + 1);
		memcpy(c->keys[i].name, j->keys[i].name, j->keys[i].len + 1);
	}
	c->slow = j->nslow ? xcalloc(j->nslow, sizeof *c->slow) : NULL;
	for (i = 0; i < j->nslow; i++) {
		c->slow[i] = j->slow[i];
		c->slow[i].command = xstrdup(j->slow[i].command);
		c->slow[i].client = xstrdup(j->slow[i].client);
	}
	return c;
}

struct redis_work {
	struct redis_jobs *jobs;
	struct redis_job job;
	double t0, last_pub;
};

static void redis_publish(struct redis_work *w, int force)
{
	double now = util_now();

	w->job.elapsed = now - w->t0;
	if (!force && now - w->last_pub < REDIS_PUBLISH_EVERY)
		return;
	w->last_pub = now;
	job_publish(w->jobs->job, redis_job_copy(&w->job));
}

static long long redis_dbsize(redisContext *c)
{
	redisReply *r = redisCommand(c, "DBSIZE");
	long long n = -1;

	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		n = r->integer;
	if (r != NULL)
		freeReplyObject(r);
	return n;
}

/* One SCAN step: cursor in/out, the reply (caller frees) whose element[1]
 * holds the keys. pattern may be NULL. */
static redisReply *redis_scan(redisContext *c, char *cursor, size_t cursorlen, const char *pattern,
			      int count, char *err, size_t errlen)
{
	const char *argv[6];
	size_t lens[6];
	char cnt[16];
	int n = 0;
	redisReply *r;

	argv[n] = "SCAN";
	lens[n++] = 4;
	argv[n] = cursor;
	lens[n++] = strlen(cursor);
	if (pattern != NULL) {
		argv[n] = "MATCH";
		lens[n++] = 5;
		argv[n] = pattern;
		lens[n++] = strlen(pattern);
	}
	snprintf(cnt, sizeof cnt, "%d", count);
	argv[n] = "COUNT";
	lens[n++] = 5;
	argv[n] = cnt;
	lens[n++] = strlen(cnt);
	r = redisCommandArgv(c, n, argv, lens);
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
		redis_reply_fail(c, r, "SCAN", err, errlen);
		return NULL;
	}
	snprintf(cursor, cursorlen, "%s", r->element[0]->str);
	return r;
}

static void redis_add_key(struct redis_job *j, const char *name, size_t len, long long bytes,
			  size_t cap)
{
	size_t i;

	if (j->nkeys == cap) {
		if (bytes <= j->keys[cap - 1].bytes)
			return;
		free(j->keys[cap - 1].name);
		j->nkeys--;
	}
	if (j->keys == NULL)
		j->keys = xcalloc(cap, sizeof *j->keys);
	for (i = j->nkeys; i > 0 && j->keys[i - 1].bytes < bytes; i--)
		j->keys[i] = j->keys[i - 1];
	j->keys[i].name = xmalloc(len + 1);
	memcpy(j->keys[i].name, name, len);
	j->keys[i].name[len] = '\0';
	j->keys[i].len = len;
	j->keys[i].bytes = bytes;
	j->nkeys++;
}

static int redis_job_topkeys(redisContext *c, struct redis_work *w, char *err, size_t errlen)
{
	char cursor[32] = "0";
	redisReply *r;
	size_t i;

	w->job.dbsize = redis_dbsize(c);
	do {
		r = redis_scan(c, cursor, sizeof cursor, NULL, 200, err, errlen);
		if (r == NULL)
			return -1;
		for (i = 0; i < r->element[1]->elements; i++) {
			const redisReply *k = r->element[1]->element[i];
			const char *argv[3] = { "MEMORY", "USAGE", k->str };
			size_t lens[3] = { 6, 5, k->len };

			redisAppendCommandArgv(c, 3, argv, lens);
		}
		for (i = 0; i < r->element[1]->elements; i++) {
			const redisReply *k = r->element[1]->element[i];
			void *rv = NULL;
			redisReply *u;

			if (redisGetReply(c, &rv) != REDIS_OK) {
				freeReplyObject(r);
				redis_ctx_error(c, "MEMORY USAGE", err, errlen);
				return -1;
			}
			u = rv;
			if (u->type == REDIS_REPLY_INTEGER)
				redis_add_key(&w->job, k->str, k->len, u->integer, REDIS_TOP_KEYS);
			freeReplyObject(u);
			w->job.scanned++;
		}
		freeReplyObject(r);
		redis_publish(w, 0);
		if (util_now() - w->t0 > REDIS_TOPKEYS_SECONDS ||
		    w->job.scanned >= REDIS_TOPKEYS_MAX) {
			w->job.truncated = 1;
			break;
		}
		if (job_stopping(w->jobs->job))
			return 1;
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

static int redis_job_slowlog(redisContext *c, struct redis_work *w, char *err, size_t errlen)
{
	redisReply *r = redisCommand(c, "SLOWLOG GET %d", REDIS_SLOWLOG);
	size_t i, k;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		redis_reply_fail(c, r, "SLOWLOG", err, errlen);
		return -1;
	}
	w->job.slow = r->elements ? xcalloc(r->elements, sizeof *w->job.slow) : NULL;
	for (i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i];
		struct redis_slow_entry *s = &w->job.slow[w->job.nslow];
		struct strbuf cmd = { 0 };

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 4)
			continue;
		s->id = e->element[0]->integer;
		s->when = e->element[1]->integer;
		s->micros = e->element[2]->integer;
		if (e->element[3]->type == REDIS_REPLY_ARRAY)
			for (k = 0; k < e->element[3]->elements; k++) {
				const redisReply *a = e->element[3]->element[k];

				if (k > 0)
					strbuf_putc(&cmd, ' ');
				if (a->type == REDIS_REPLY_STRING || a->type == REDIS_REPLY_STATUS)
					strbuf_append(&cmd, a->str, a->len);
			}
		s->command = strbuf_detach(&cmd);
		s->client = xstrdup(e->elements > 4 && e->element[4]->type == REDIS_REPLY_STRING
					    ? e->element[4]->str
					    : "");
		w->job.nslow++;
	}
	freeReplyObject(r);
	return 0;
}

/* UNLINK one batch of the keys from index first of ks (a SCAN reply's
 * key array), adding the count removed. 0, or -1 + err. */
static int redis_unlink(redisContext *c, const redisReply *ks, size_t first, long long *removed,
			char *err, size_t errlen)
{
	size_t n = ks->elements - first, k;
	const char **argv;
	size_t *lens;
	redisReply *u;

	if (n > REDIS_UNLINK_BATCH)
		n = REDIS_UNLINK_BATCH;
	argv = xmalloc((n + 1) * sizeof *argv);
	lens = xmalloc((n + 1) * sizeof *lens);
	argv[0] = "UNLINK";
	lens[0] = 6;
	for (k = 0; k < n; k++) {
		argv[k + 1] = ks->element[first + k]->str;
		lens[k + 1] = ks->element[first + k]->len;
	}
	u = redisCommandArgv(c, (int)n + 1, argv, lens);
	free(argv);
	free(lens);
	if (u == NULL || u->type != REDIS_REPLY_INTEGER) {
		redis_reply_fail(c, u, "UNLINK", err, errlen);
		return -1;
	}
	*removed += u->integer;
	freeReplyObject(u);
	return 0;
}

/* Count the keys matching the pattern and keep a few samples; with
 * unlink, remove each batch SCAN returns (UNLINK key ...). 1 when
 * cancelled. */
static int redis_job_pattern(redisContext *c, struct redis_work *w, int unlink_keys, char *err,
			     size_t errlen)
{
	char cursor[32] = "0";
	redisReply *r;
	size_t i;

	w->job.dbsize = redis_dbsize(c);
	do {
		const redisReply *ks;

		r = redis_scan(c, cursor, sizeof cursor, w->job.pattern, 1000, err, errlen);
		if (r == NULL)
			return -1;
		ks = r->element[1];
		w->job.scanned += 1000;
		w->job.matched += (long long)ks->elements;
		for (i = 0; i < ks->elements && w->job.nkeys < REDIS_SAMPLES; i++)
			redis_add_key(&w->job, ks->element[i]->str, ks->element[i]->len, -1,
				      REDIS_SAMPLES);
		for (i = 0; unlink_keys && i < ks->elements; i += REDIS_UNLINK_BATCH)
			if (redis_unlink(c, ks, i, &w->job.removed, err, errlen) != 0) {
				freeReplyObject(r);
				return -1;
			}
		freeReplyObject(r);
		if (w->job.scanned > w->job.dbsize && w->job.dbsize >= 0)
			w->job.scanned = w->job.dbsize;
		redis_publish(w, 0);
		if (job_stopping(w->jobs->job))
			return 1;
		if (!unlink_keys && util_now() - w->t0 > REDIS_PREVIEW_SECONDS) {
			w->job.truncated = 1;
			break;
		}
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

static int redis_job_flush(redisContext *c, struct redis_work *w, const char *cmd, char *err,
			   size_t errlen)
{
	const char *argv[2] = { cmd, "ASYNC" };
	size_t lens[2] = { strlen(cmd), 5 };
	redisReply *r;

	w->job.dbsize = redis_dbsize(c);
	r = redisCommandArgv(c, 2, argv, lens);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		redis_reply_fail(c, r, cmd, err, errlen);
		return -1;
	}
	freeReplyObject(r);
	w->job.removed = w->job.dbsize;
	return 0;
}

/* Run the request's work on c: 0 done, 1 cancelled, -1 + err. */
static int redis_jobs_run(redisContext *c, struct redis_work *w, int kind, char *err, size_t errlen)
{
	switch (kind) {
	case REDIS_REQ_TOPKEYS:
		return redis_job_topkeys(c, w, err, errlen);
	case REDIS_REQ_SLOWLOG:
		return redis_job_slowlog(c, w, err, errlen);
	case REDIS_REQ_PREVIEW:
	case REDIS_REQ_INVALIDATE:
		if (w->job.pattern == NULL || w->job.pattern[0] == '\0') {
			snprintf(err, errlen, "no pattern");
			return -1;
		}
		return redis_job_pattern(c, w, kind == REDIS_REQ_INVALIDATE, err, errlen);
	case REDIS_REQ_FLUSHDB:
		return redis_job_flush(c, w, "FLUSHDB", err, errlen);
	case REDIS_REQ_FLUSHALL:
		return redis_job_flush(c, w, "FLUSHALL", err, errlen);
	default:
		snprintf(err, errlen, "redis: unknown request %d", kind);
		return -1;
	}
}

int redis_jobs_serve(const struct redis_arg *arg, const struct backend_request *req, char *err,
		     size_t errlen)
{
	const struct redis_req *rq = req->data;
	struct redis_work w;
	redisContext *c;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.jobs = arg->jobs;
	job_begin(w.jobs->job);
	w.job.kind = (enum redis_request)req->kind;
	w.job.state = REDIS_JOB_RUNNING;
	w.job.seq = ++w.jobs->seq;
	w.job.pattern = rq != NULL && rq->pattern != NULL ? xstrdup(rq->pattern) : NULL;
	w.t0 = util_now();
	redis_publish(&w, 1);
	/* A fresh connection per job: a job never inherits a broken one. */
	c = redis_connect(arg->cfg, arg->timeout, NULL, err, errlen);
	if (c != NULL) {
		rc = redis_jobs_run(c, &w, req->kind, err, errlen);
		redisFree(c);
	}
	if (rc == 1)
		w.job.state = REDIS_JOB_CANCELLED;
	else if (rc == 0)
		w.job.state = REDIS_JOB_DONE;
	else {
		w.job.state = REDIS_JOB_FAILED;
		snprintf(w.job.error, sizeof w.job.error, "%s", err);
	}
	redis_publish(&w, 1);
	job_end(w.jobs->job,
		rc == 1   ? EXEC_STOPPED
		: rc == 0 ? EXEC_EXITED
			  : EXEC_FAILED,
		rc == 0 ? 0 : 1, 0, rc < 0 ? err : NULL);
	redis_job_clear(&w.job);
	return rc < 0 ? -1 : 0;
}
