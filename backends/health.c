/*
 * health.c - the data backends' pings for the health strip (see
 * health.h). PostgreSQL: PQpingParams over postgres.conninfo (or libpq's
 * environment) with a connect_timeout, so a bad password still counts as
 * up, as pg_isready does. Redis: redis_ping() of backends/redis.c on each
 * instance, so the URL, AUTH and SELECT rules are the poller's. Kafka: the
 * process's one librdkafka handle (kafka_client.h, shared with the lag
 * panel) asking for the cluster's metadata; its log goes to our log,
 * never to the terminal. A ping slower than a second is amber, a failed
 * one red.
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

static void health_pg(const struct config *c, double timeout, struct prom_check *k)
{
	/* libpq's connect_timeout is whole seconds, at least 2. */
	char secs[16];
	const char *keys[] = { "dbname", "connect_timeout", NULL };
	const char *vals[] = { c->pg_conninfo != NULL ? c->pg_conninfo : "", secs, NULL };
	double t0;
	PGPing p;

	snprintf(secs, sizeof secs, "%d", timeout < 2 ? 2 : (int)(timeout + 0.999));
	k->name = xstrdup("postgres");
	k->url = xstrdup("PQping");
	t0 = util_now();
	p = PQpingParams(keys, vals, 1);
	switch (p) {
	case PQPING_OK:
		health_result(k, 1, (util_now() - t0) * 1000.0, "PQping: accepting connections");
		break;
	case PQPING_REJECT:
		health_result(k, 0, (util_now() - t0) * 1000.0,
			      "PQping: rejecting connections (starting up or shutting down)");
		break;
	case PQPING_NO_RESPONSE:
		health_result(k, 0, (util_now() - t0) * 1000.0, "PQping: no response");
		break;
	default:
		health_result(k, 0, (util_now() - t0) * 1000.0,
			      "PQping: bad connection parameters");
		break;
	}
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
	rc = r->url != NULL ? redis_ping(r, timeout, &ms, e, sizeof e) : -1;
	if (r->url == NULL)
		snprintf(e, sizeof e, "no url");
	health_result(k, rc == 0, ms, rc == 0 ? "PING: PONG" : e);
}

/* The Kafka ping's client: the process's one librdkafka handle
 * (backends/kafka_client.c), shared with the lag panel's runner and kept
 * between pings: a new client per ping cost a bootstrap connection and
 * librdkafka's threads every refresh, and a second kept one doubled
 * Kafka's idle cost. A kept one also times the metadata round trip
 * itself. Only the health runner's thread pings; the lock is for
 * health_close. */
static pthread_mutex_t health_kafka_lock = PTHREAD_MUTEX_INITIALIZER;
static rd_kafka_t *health_kafka_rk;

static void health_kafka(const struct config *c, double timeout, struct prom_check *k)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t rc;
	rd_kafka_t *rk;
	char e[160] = "", what[160];
	double t0 = util_now();

	k->name = xstrdup("kafka");
	k->url = xstrdup("metadata");
	pthread_mutex_lock(&health_kafka_lock);
	if (health_kafka_rk == NULL)
		health_kafka_rk = kafka_client_get(c, timeout, e, sizeof e);
	rk = health_kafka_rk;
	if (rk == NULL) {
		pthread_mutex_unlock(&health_kafka_lock);
		health_result(k, 0, 0, e);
		return;
	}
	rc = rd_kafka_metadata(rk, 0, NULL, &md, (int)(timeout * 1000));
	pthread_mutex_unlock(&health_kafka_lock);
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
	pthread_mutex_lock(&health_kafka_lock);
	kafka_client_put(health_kafka_rk);
	health_kafka_rk = NULL;
	pthread_mutex_unlock(&health_kafka_lock);
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

	if (pg_configured(c->pg_conninfo, NULL, 0))
		health_pg(c, timeout, &checks[n++]);
	for (i = 0; i < c->nredis; i++)
		health_redis(c, i, timeout, &checks[n++]);
	if (c->kafka_bootstrap != NULL && c->kafka_bootstrap[0] != '\0')
		health_kafka(c, timeout, &checks[n++]);
	if (health_k8s_configured(c))
		health_k8s(c, timeout, &checks[n++]);
	return n;
}
