/*
 * kafka_client.c - the process's one librdkafka handle (see
 * kafka_client.h). The properties it was made with are copied, so that
 * its log callback, on librdkafka's threads, can mask secret values
 * without touching the caller's configuration.
 */
#include "backends/kafka_client.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kafka.h"
#include "lib/log.h"
#include "lib/util.h"

static pthread_mutex_t kafka_client_lock = PTHREAD_MUTEX_INITIALIZER;
static rd_kafka_t *kafka_client_rk;
static int kafka_client_refs;
static volatile sig_atomic_t kafka_client_old;
/* The properties, for masking: only their keys and values are set. */
static struct config kafka_client_props;

static void kafka_client_props_free(void)
{
	strv_free(kafka_client_props.kafka_prop_keys, kafka_client_props.nkafka_props);
	strv_free(kafka_client_props.kafka_prop_values, kafka_client_props.nkafka_props);
	memset(&kafka_client_props, 0, sizeof kafka_client_props);
}

static void kafka_client_props_copy(const struct config *c)
{
	size_t i, n = c->nkafka_props;

	kafka_client_props_free();
	kafka_client_props.kafka_prop_keys = xcalloc(n + 1, sizeof(char *));
	kafka_client_props.kafka_prop_values = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		kafka_client_props.kafka_prop_keys[i] = xstrdup(c->kafka_prop_keys[i]);
		kafka_client_props.kafka_prop_values[i] = xstrdup(c->kafka_prop_values[i]);
	}
	kafka_client_props.nkafka_props = n;
}

char *kafka_client_mask(const char *text)
{
	return kafka_mask(text, &kafka_client_props);
}

int kafka_client_old_broker(void)
{
	return kafka_client_old;
}

static void kafka_client_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	char *m = kafka_client_mask(buf);

	(void)rk;
	/* "ApiVersionRequest failed: ...: probably due to broker version <
	 * 0.10 (see api.version.request configuration)" */
	if (strstr(buf, "broker version < 0.10") != NULL)
		kafka_client_old = 1;
	log_msg("kafka: [%d] %s: %s", level, fac, m);
	free(m);
}

/* A new handle; NULL + err. Called with the lock held. */
static rd_kafka_t *kafka_client_new(const struct config *c, double timeout, char *err,
				    size_t errlen)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	char e[512], ms[32], *m;
	const char *what = "kafka config";
	size_t i;

	kafka_client_props_copy(c);
	rd_kafka_conf_set_log_cb(conf, kafka_client_log);
	snprintf(ms, sizeof ms, "%d", (int)(timeout * 1000));
	if (rd_kafka_conf_set(conf, "bootstrap.servers", c->kafka_bootstrap, e, sizeof e) !=
		    RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "client.id", "amconsole", e, sizeof e) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "socket.timeout.ms", ms, e, sizeof e) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "2000", e, sizeof e) !=
		    RD_KAFKA_CONF_OK)
		goto fail;
	for (i = 0; i < c->nkafka_props; i++)
		if (rd_kafka_conf_set(conf, c->kafka_prop_keys[i], c->kafka_prop_values[i], e,
				      sizeof e) != RD_KAFKA_CONF_OK) {
			char *w = xasprintf("kafka.properties %.100s", c->kafka_prop_keys[i]);

			m = kafka_client_mask(e);
			snprintf(err, errlen, "%s: %s", w, m);
			free(m);
			free(w);
			rd_kafka_conf_destroy(conf);
			return NULL;
		}
	what = "kafka";
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
	if (rk != NULL)
		return rk;
fail:
	m = kafka_client_mask(e);
	snprintf(err, errlen, "%s: %s", what, m);
	free(m);
	rd_kafka_conf_destroy(conf);
	return NULL;
}

rd_kafka_t *kafka_client_get(const struct config *c, double timeout, char *err, size_t errlen)
{
	rd_kafka_t *rk;

	pthread_mutex_lock(&kafka_client_lock);
	if (kafka_client_rk == NULL)
		kafka_client_rk = kafka_client_new(c, timeout, err, errlen);
	rk = kafka_client_rk;
	if (rk != NULL)
		kafka_client_refs++;
	pthread_mutex_unlock(&kafka_client_lock);
	return rk;
}

void kafka_client_put(rd_kafka_t *rk)
{
	if (rk == NULL)
		return;
	pthread_mutex_lock(&kafka_client_lock);
	if (rk == kafka_client_rk && --kafka_client_refs == 0) {
		rd_kafka_destroy(kafka_client_rk);
		kafka_client_rk = NULL;
		kafka_client_old = 0;
		kafka_client_props_free();
	}
	pthread_mutex_unlock(&kafka_client_lock);
}
