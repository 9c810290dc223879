/*
 * prom_http.h - private to the Prometheus/Alertmanager source (prom.c,
 * prom_step.c): one HTTP request under a timeout and a body cap, and the
 * JSON and quoting helpers both files use. Not for
 * panels: prom.h is the source's public header.
 */
#ifndef AM_PROM_HTTP_H
#define AM_PROM_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

/* A response body, NUL-terminated, at most PROM_MAX_BODY bytes. */
struct prom_body {
	char *buf;
	size_t len, cap;
	int over;
	const atomic_int *stop;
};

/* Initialise libcurl once (any thread; never cleaned up). */
void prom_curl_init(void);
/* One request (method "GET", "POST" with json, or "DELETE"; auth_kind
 * names the token's variables, NULL none; *stop, may be NULL, aborts
 * it). 0 when the transfer completed (any HTTP status, in *status; the
 * body in b, caller frees b->buf), -1 + err on a transport failure. */
int prom_http(const char *url, const char *method, const char *json, const char *auth_kind,
	      double timeout, const atomic_int *stop, struct prom_body *b, long *status, double *ms,
	      char *err, size_t errlen);
/* "http://h:9093/" -> "http://h:9093" (fresh). */
char *prom_base(const char *url);

struct cJSON;
struct strbuf;
/* Parse a response body: the tree (cJSON_Delete), or NULL + err for an
 * empty body or invalid JSON. */
struct cJSON *prom_parse_json(const char *body, size_t len, char *err, size_t errlen);
/* Append v double-quoted, with " and \ escaped. */
void prom_quote(struct strbuf *sb, const char *v);

#endif
