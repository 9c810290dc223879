/*
 * health.c - the data backends' pings for the health strip (see
 * health.h), each on a connection kept between refreshes. PostgreSQL:
 * pg_ping() of backends/pg.c over postgres.conninfo (or libpq's
 * environment), an empty statement, or PQpingParams when we cannot log
 * in, so a bad password still counts as up, as pg_isready does. Redis:
 * redis_ping() of backends/redis.c on each instance, so the URL, AUTH and
 * SELECT rules are the poller's. Kafka: the process's one librdkafka
 * handle (kafka_client.h, shared with the lag panel) asking for the
 * cluster's metadata; its log goes to our log, never to the terminal. A
 * ping slower than a second is amber, a failed one red.
 */
#include "backends/health.h"

#include <libpq-fe.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/k8s.h"
#include "backends/kafka.h"
#include "backends/kafka_client.h"
#include "lib/log.h"
#include "backends/pg.h"
#include "backends/redis.h"
#include "lib/util.h"

#define HEALTH_SLOW_MS 1000.0

/* Kubernetes counts as configured when kubectl would find a cluster: a
 * kubeconfig named (kubernetes.kubeconfig or KUBECONFIG), ~/.kube/config,
 * or a service account inside a pod. */
static int health_k8s_configured(const struct config *c)
{
	char *home;
	int found;

	if (c->kubeconfig != NULL && c->kubeconfig[0] != '\0')
		return 1;
	if (getenv("KUBERNETES_SERVICE_HOST") != NULL)
		return 1;
	home = util_expand_home("~/.kube/config");
	found = home != NULL && access(home, R_OK) == 0;
	free(home);
	return found;
}

size_t health_count(const struct config *c)
{
	return (pg_configured(c->pg_conninfo, NULL, 0) ? 1 : 0) + c->nredis +
	       (c->kafka_bootstrap != NULL && c->kafka_bootstrap[0] != '\0' ? 1 : 0) +
	       (health_k8s_configured(c) ? 1 : 0);
}

static void health_result(struct prom_check *k, int ok, double ms, const char *what)
{
	k->ms = ms;
	if (!ok) {
		k->level = 2;
		snprintf(k->detail, sizeof k->detail, "%s", what);
	} else if (ms > HEALTH_SLOW_MS) {
		k->level = 1;
		snprintf(k->detail, sizeof k->detail, "%.140s (slow)", what);
	} else {
		k->level = 0;
		snprintf(k->detail, sizeof k->detail, "%s", what);
	}
}

/* What the pings keep between calls, so that a refresh costs each
 * server one round trip and not a new connection (and PostgreSQL a new
 * process): a PostgreSQL connection, one Redis connection per instance,
 * and the process's one librdkafka handle (kafka_client.h, shared with
 * the lag panel's runner; a second kept one doubled Kafka's idle cost).
 * Only the health runner's thread pings; the lock is for health_close. */
static struct {
	pthread_mutex_t lock;
	PGconn *pg;
	struct redisContext **redis;
	size_t nredis;
	rd_kafka_t *rk;
} health_keep = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void health_drop_redis(void)
{
	size_t i;

	for (i = 0; i < health_keep.nredis; i++)
		redis_ping_close(health_keep.redis[i]);
	free(health_keep.redis);
	health_keep.redis = NULL;
	health_keep.nredis = 0;
}

static void health_pg(const struct config *c, double timeout, struct prom_check *k)
{
	static const char *const what[] = {
		[PQPING_OK] = "PQping: accepting connections",
		[PQPING_REJECT] = "PQping: rejecting connections (starting up or shutting down)",
		[PQPING_NO_RESPONSE] = "PQping: no response",
		[PQPING_NO_ATTEMPT] = "PQping: bad connection parameters",
	};
	double ms = 0;
	int p;

	k->name = xstrdup("postgres");
	k->url = xstrdup("PQping");
	p = pg_ping(c->pg_conninfo, timeout, &health_keep.pg, &ms);
	if (p < PQPING_OK || p > PQPING_NO_ATTEMPT)
		p = PQPING_NO_ATTEMPT;
	health_result(k, p == PQPING_OK, ms, what[p]);
}

static void health_redis(const struct config *c, size_t i, double timeout, struct prom_check *k)
{
	const struct config_redis *r = &c->redis[i];
	char e[160] = "";
	double ms = 0;
	int rc;

	if (r->name != NULL && r->name[0] != '\0')
		k->name = xasprintf("redis:%s", r->name);
	else if (c->nredis > 1)
		k->name = xasprintf("redis#%zu", i + 1);
	else
		k->name = xstrdup("redis");
	k->url = xstrdup("PING");
	if (health_keep.nredis != c->nredis) {
		health_drop_redis();
		health_keep.redis = xcalloc(c->nredis, sizeof *health_keep.redis);
		health_keep.nredis = c->nredis;
	}
	rc = r->url != NULL ? redis_ping(r, timeout, &health_keep.redis[i], &ms, e, sizeof e) : -1;
	if (r->url == NULL)
		snprintf(e, sizeof e, "no url");
	health_result(k, rc == 0, ms, rc == 0 ? "PING: PONG" : e);
}

static void health_kafka(const struct config *c, double timeout, struct prom_check *k)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t rc;
	rd_kafka_t *rk;
	char e[160] = "", what[160];
	double t0 = util_now();

	k->name = xstrdup("kafka");
	k->url = xstrdup("metadata");
	if (health_keep.rk == NULL)
		health_keep.rk = kafka_client_get(c, timeout, e, sizeof e);
	rk = health_keep.rk;
	if (rk == NULL) {
		health_result(k, 0, 0, e);
		return;
	}
	rc = rd_kafka_metadata(rk, 0, NULL, &md, (int)(timeout * 1000));
	if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) {
		snprintf(what, sizeof what, "metadata: %d broker(s)", md->broker_cnt);
		health_result(k, 1, (util_now() - t0) * 1000.0, what);
		rd_kafka_metadata_destroy(md);
	} else {
		snprintf(what, sizeof what, "metadata: %s%s", rd_kafka_err2str(rc),
			 kafka_hint(rd_kafka_err2str(rc), kafka_client_old_broker()));
		health_result(k, 0, (util_now() - t0) * 1000.0, what);
	}
}

void health_close(void)
{
	pthread_mutex_lock(&health_keep.lock);
	PQfinish(health_keep.pg);
	health_keep.pg = NULL;
	health_drop_redis();
	kafka_client_put(health_keep.rk);
	health_keep.rk = NULL;
	pthread_mutex_unlock(&health_keep.lock);
}

static void health_k8s(const struct config *c, double timeout, struct prom_check *k)
{
	char err[200] = "";
	double ms = 0, t0 = util_now();

	k->name = xstrdup("kubernetes");
	k->url = xstrdup("/readyz");
	if (k8s_ping(c, timeout, &ms, err, sizeof err) == 0)
		health_result(k, 1, ms, "/readyz ok");
	else
		health_result(k, 0, (util_now() - t0) * 1000.0, err);
}

size_t health_ping_all(const struct config *c, double timeout, struct prom_check *checks)
{
	size_t n = 0, i;

	pthread_mutex_lock(&health_keep.lock);
	if (pg_configured(c->pg_conninfo, NULL, 0))
		health_pg(c, timeout, &checks[n++]);
	for (i = 0; i < c->nredis; i++)
		health_redis(c, i, timeout, &checks[n++]);
	if (c->kafka_bootstrap != NULL && c->kafka_bootstrap[0] != '\0')
		health_kafka(c, timeout, &checks[n++]);
	if (health_k8s_configured(c))
		health_k8s(c, timeout, &checks[n++]);
	pthread_mutex_unlock(&health_keep.lock);
	return n;
}
