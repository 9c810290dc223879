/*
 * redis_conn.h - private to the Redis source (redis.c, redis_jobs.c,
 * redis_step.c): the connection every part makes, and the job worker the
 * request handler hands over to. Not for panels: redis.h is the source's
 * public header.
 */
#ifndef AM_REDIS_CONN_H
#define AM_REDIS_CONN_H

#include <hiredis/hiredis.h>
#include <stddef.h>

#include "backends/redis.h"

/* Connect, AUTH, SELECT, all under timeout; *dbp (may be NULL) gets the
 * selected db. NULL + err on failure (never the password). */
redisContext *redis_connect(const struct config_redis *cfg, double timeout, int *dbp, char *err,
			    size_t errlen);
/* "what: why" for a failed call on c (a timeout says "timed out"). */
void redis_ctx_error(redisContext *c, const char *what, char *err, size_t errlen);
/* Say why a command failed into err ("what: " and the server's error,
 * "unexpected reply", or c's error when r is NULL); frees r. */
void redis_reply_fail(redisContext *c, redisReply *r, const char *what, char *err, size_t errlen);
/* Do one job request (struct redis_req in req->data) on a fresh
 * connection, publishing its progress to arg->jobs. The job runner's
 * thread. 0, or -1 + err when it failed. */
int redis_jobs_serve(const struct redis_arg *arg, const struct backend_request *req, char *err,
		     size_t errlen);

#endif
