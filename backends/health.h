/*
 * health.h - pings of the configured data backends for the health strip:
 * PostgreSQL (an empty statement, or PQpingParams), every Redis instance
 * (PING), Kafka (a metadata request) and Kubernetes (GET /readyz with the
 * kubeconfig's credentials), each timed, each on a connection kept
 * between refreshes. Runs on the health runner's thread (backends/prom.c).
 */
#ifndef AM_HEALTH_H
#define AM_HEALTH_H

#include <stddef.h>

#include "backends/prom.h"
#include "core/config.h"

/* How many checks health_ping_all() adds for c (0 when no backend is
 * configured). Any thread. */
size_t health_count(const struct config *c);

/* Ping every configured backend, each under timeout seconds, filling
 * checks[0 .. health_count(c)) (names, latency, level, detail; the
 * caller's snapshot owns the strings). Returns how many it filled. Blocks
 * for up to about timeout per backend: call it on a worker thread. */
size_t health_ping_all(const struct config *c, double timeout, struct prom_check *checks);

/* Release what the pings keep between calls (the connections, the
 * Kafka client). The
 * health runner's close; any thread, once no ping runs. */
void health_close(void);

#endif
