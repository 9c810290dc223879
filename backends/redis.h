/*
 * redis.h - the Redis data source (hiredis). A runner per configured
 * instance polls INFO into an immutable snapshot with rates and a short
 * history; a second runner per instance takes the slow work the cache
 * panel asks for (top keys by memory, SLOWLOG, pattern invalidation,
 * FLUSHDB/FLUSHALL; redis_jobs.c) and reports its progress through a job
 * (runtime/job.h), so the metrics never wait on a long invalidation.
 * Runbook `redis` steps run in redis_step.c. The parsing, the rate
 * arithmetic, the reply renderer and the step tokenizer are pure
 * functions, split from the I/O so that tests can feed them recorded
 * data. This header includes no hiredis: panels see only plain structs.
 */
#ifndef AM_REDIS_H
#define AM_REDIS_H

#include <stddef.h>
#include "runtime/backend.h"
#include "backends/native.h"
#include "core/config.h"
#include "lib/util.h"

struct redisContext; /* hiredis' connection */

#define REDIS_HISTORY 60
#define REDIS_MAX_DBS 16
#define REDIS_TOP_KEYS 20
#define REDIS_SAMPLES 8
#define REDIS_SLOWLOG 32

/* The fields of INFO the console shows; counters as reported. */
struct redis_info {
	char version[32];
	char role[16];
	char policy[32];
	char link_status[16]; /* replica: master_link_status */
	char bgsave_status[16];
	long long uptime;
	long long used_memory, used_memory_rss, used_memory_peak, maxmemory;
	long long total_system_memory;
	double frag_ratio;
	long long evicted_keys, expired_keys, keyspace_hits, keyspace_misses;
	long long total_commands, connected_clients, blocked_clients;
	double instantaneous_ops;
	long long master_repl_offset, slave_repl_offset;
	long long connected_slaves;
	long long min_slave_offset; /* -1 when no replica reported one */
	long long changes_since_save, last_save_time;
	size_t ndbs;
	struct {
		int db;
		long long keys, expires;
	} dbs[REDIS_MAX_DBS];
	size_t nfields; /* key:value lines seen (all sections) */
};

/* Per-second rates between two INFO samples; -1 when unknown. */
struct redis_rates {
	double ops, evicted, expired, hit_ratio;
};

/* One poll: the parsed INFO, the rates against the previous sample and
 * the ops/s history, oldest first. */
struct redis_snap {
	struct redis_info info;
	struct redis_rates rates;
	double ops_hist[REDIS_HISTORY];
	size_t nhist;
	int db; /* the selected db */
};

/* What the job runner is asked to do (backend_request kind). */
enum redis_request {
	REDIS_REQ_TOPKEYS = 1, /* no data */
	REDIS_REQ_SLOWLOG,     /* no data */
	REDIS_REQ_PREVIEW,     /* struct redis_req: pattern */
	REDIS_REQ_INVALIDATE,  /* struct redis_req: pattern */
	REDIS_REQ_FLUSHDB,     /* no data */
	REDIS_REQ_FLUSHALL,    /* no data */
};

/* A request's data (runner_send): make with redis_req_new, released by
 * the runner with redis_req_free. */
struct redis_req {
	char *pattern; /* a SCAN MATCH pattern */
};

struct redis_req *redis_req_new(const char *pattern);
void redis_req_free(void *req);

enum redis_job_state { REDIS_JOB_RUNNING, REDIS_JOB_DONE, REDIS_JOB_FAILED, REDIS_JOB_CANCELLED };

struct redis_key_usage {
	char *name; /* external data: draw through the helpers only */
	size_t len;
	long long bytes; /* -1 for preview samples */
};

struct redis_slow_entry {
	long long id, when, micros;
	char *command; /* arguments joined by spaces */
	char *client;
};

/* A job's progress or result, handed over whole like a snapshot. */
struct redis_job {
	enum redis_request kind;
	enum redis_job_state state;
	unsigned long seq; /* which request this is (counts requests) */
	char *pattern;
	long long scanned, matched, removed, dbsize;
	double elapsed;
	int truncated; /* stopped by the time or key bound */
	struct redis_key_usage *keys;
	size_t nkeys;
	struct redis_slow_entry *slow;
	size_t nslow;
	char error[200];
};

struct redis_jobs;

/* What the cache panel passes to runner_start for one instance. jobs is
 * NULL for the metrics runner, the jobs' results for the job runner. */
struct redis_arg {
	const struct config_redis *cfg;
	double timeout; /* seconds, on connect and on every command */
	struct redis_jobs *jobs;
};

extern const struct backend redis_backend;
extern const struct native_ops redis_native;

/* The jobs' results: created by the panel (UI thread) before the job
 * runner starts, freed after it stopped. Progress wakes wake_fd. */
struct redis_jobs *redis_jobs_new(int wake_fd);
void redis_jobs_free(struct redis_jobs *j);
/* Ask the running job to stop after its current batch. Any thread. */
void redis_jobs_cancel(struct redis_jobs *j);
/* UI: 1 and a job (caller frees with redis_job_free) if a newer one is
 * waiting, else 0. */
int redis_jobs_take(struct redis_jobs *j, struct redis_job **job);
void redis_job_free(struct redis_job *job);

/* Parse INFO text (all sections) into out (zeroed first). Returns the
 * number of key:value fields, or -1 when the text has none. */
int redis_info_parse(const char *text, struct redis_info *out);
/* Rates between prev and cur taken dt seconds apart (prev may be NULL). */
void redis_rates_compute(const struct redis_info *prev, const struct redis_info *cur, double dt,
			 struct redis_rates *out);

/* Render a reply like redis-cli does (status, (error), (integer),
 * "bulk", (nil), numbered nested arrays) appended to out. */
struct redisReply;
void redis_reply_render(const struct redisReply *r, struct strbuf *out);

/* Split one command line into arguments: blanks separate, "..." with
 * \n \t \" \\ \xHH escapes and '...' quote. Returns argc (0 for a blank
 * line) and fresh argv/lens (free with redis_argv_free), or -1 + err on
 * an unbalanced quote. */
int redis_tokenize(const char *line, char ***argv, size_t **lens, char *err, size_t errlen);
void redis_argv_free(char **argv, size_t *lens, int argc);

/* Split a redis:// URL or socket path: host or path, port, db, user and
 * password (fresh strings or NULL). 0 or -1 + err. */
struct redis_target {
	char *host; /* NULL for a socket */
	char *path; /* socket path, or NULL */
	int port;
	int db;
	char *user;
	char *password;
};
int redis_target_parse(const char *url, struct redis_target *t, char *err, size_t errlen);
void redis_target_free(struct redis_target *t);

/* PING cfg's instance on *keep, a connection kept between pings (NULL
 * at first), or on a new one (AUTH and SELECT as the poller does, each
 * step under timeout) left in *keep: 0, or -1 + err (never the
 * password) and *keep NULL. *ms is the time it took either way. The
 * caller's thread only, one at a time per keep; redis_ping_close
 * releases it. */
int redis_ping(const struct config_redis *cfg, double timeout, struct redisContext **keep,
	       double *ms, char *err, size_t errlen);
void redis_ping_close(struct redisContext *keep);

#endif
