/*
 * kafka_client.h - the one librdkafka handle of the process, shared by
 * the Kafka source's runner (the lag panel) and the health strip's Kafka
 * ping: a producer-type handle on kafka.bootstrap with kafka.properties,
 * reference-counted, created by the first user and destroyed by the last.
 * One handle instead of two halves Kafka's idle cost (librdkafka's
 * threads and broker connections). Its log goes to our log file, secret
 * property values masked. Any thread.
 */
#ifndef AM_KAFKA_CLIENT_H
#define AM_KAFKA_CLIENT_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "core/config.h"

/* The shared handle (a reference taken), created on c's bootstrap
 * servers and properties when there is none, with socket.timeout.ms of
 * timeout seconds; NULL + err (secret values masked) when librdkafka
 * refuses the configuration. Later callers get the same handle whatever
 * their c: the configuration does not change while the console runs. */
rd_kafka_t *kafka_client_get(const struct config *c, double timeout, char *err, size_t errlen);
/* Drop a reference; the last one destroys the handle. NULL is ignored. */
void kafka_client_put(rd_kafka_t *rk);
/* 1 once librdkafka has said the brokers look older than 0.10 (its
 * ApiVersion request failed). */
int kafka_client_old_broker(void);
/* Mask the secret kafka.properties values the handle was made with in
 * text: a fresh string (kafka_mask with the handle's properties). */
char *kafka_client_mask(const char *text);

#endif
