/*
 * client.c - HTTP to the Kubernetes API server over libcurl, as
 * kubeconfig.c says to reach it (server, TLS, credentials, exec
 * plugins): one reused handle for requests, fresh ones for watches,
 * a connect timeout and an idle timeout on every request and a size cap
 * on every response; transport failures and error bodies in words
 * ("403 Forbidden: …"); the access reviews (SelfSubjectAccessReview) and
 * the health strip's ping. Credentials are never logged or published.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s/k8s_int.h"

static pthread_once_t k8s_once = PTHREAD_ONCE_INIT;

static void k8s_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void k8s_curl_init(void)
{
	pthread_once(&k8s_once, k8s_global_init);
}

/* Percent-encode everything but RFC 3986 unreserved characters; fresh. */
char *k8s_escape(const char *s)
{
	struct strbuf sb = { 0 };

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			strbuf_putc(&sb, (char)c);
		else
			strbuf_printf(&sb, "%%%02X", c);
	}
	return strbuf_detach(&sb);
}

/* Replace control characters so a remote message stays on one line. */
void k8s_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 32 || *s == 127)
			*s = ' ';
}

static size_t k8s_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_body *b = ud;
	size_t n = size * nmemb;

	if (b->len + n > b->max) {
		b->over = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (b->cap > b->max + 1)
			b->cap = b->max + 1;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

int k8s_cancelled(struct k8s_state *st, char *err, size_t errlen)
{
	if (st->in_action || !kube_cancel_on(&st->cancel))
		return 0;
	snprintf(err, errlen, "cancelled");
	return 1;
}

/* libcurl's progress callback: non-zero aborts the transfer. */
static int k8s_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
			curl_off_t ulnow)
{
	struct k8s_state *st = ud;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return !st->in_action && kube_cancel_on(&st->cancel);
}

double k8s_timeout(const struct k8s_state *st)
{
	return st->arg.timeout > 0 ? st->arg.timeout : 5;
}

/* A transport failure in words. */
void k8s_curl_error(CURL *c, CURLcode rc, const char *ebuf, double timeout, const char *server,
		    char *err, size_t errlen)
{
	long oserr = 0;

	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		if (oserr == ECONNREFUSED)
			snprintf(err, errlen, "connection refused (%s)", server);
		else
			snprintf(err, errlen, "cannot connect to %s: %s", server,
				 ebuf[0] ? ebuf : curl_easy_strerror(rc));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(err, errlen, "timeout after %g s (%s)", timeout, server);
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		snprintf(err, errlen, "cancelled");
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(err, errlen, "cannot resolve the host of %s", server);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, errlen, "TLS: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
		break;
	default:
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	}
	k8s_one_line(err);
}

/* A handle for path on the API server with TLS and credentials applied;
 * *hdr gets the headers (caller frees after the transfer). */
CURL *k8s_easy(struct k8s_state *st, const char *path, const char *accept, struct curl_slist **hdr,
	       int stream, char *ebuf, char *err, size_t errlen)
{
	CURL *c;
	char *url, *h;
	double t = k8s_timeout(st);

	k8s_curl_init();
	if (stream) {
		c = curl_easy_init();
	} else {
		/* One handle for the requests keeps its connections (and TLS
		 * sessions) between them. */
		if (st->easy == NULL)
			st->easy = curl_easy_init();
		else
			curl_easy_reset(st->easy);
		c = st->easy;
	}
	if (c == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return NULL;
	}
	url = xasprintf("%s%s", st->kc->server, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(t * 1000));
	if (stream) {
		/* A watch may be quiet for minutes: no idle limit, but the
		 * server ends it after timeoutSeconds and keepalives find a
		 * dead peer. */
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(K8S_WATCH_SECONDS + 60) * 1000L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 30L);
		curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 10L);
	} else {
		long idle = (long)(t + 0.999);

		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, idle > 0 ? idle : 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((t * 12 > 60 ? t * 12 : 60) * 1000));
		/* An interrupt (a context switch, quitting) aborts it. */
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, k8s_xferinfo);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, st);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "amconsole/" AM_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	h = xasprintf("Accept: %s", accept != NULL ? accept : "application/json");
	*hdr = curl_slist_append(*hdr, h);
	free(h);
	if (kubeconfig_curl(st->kc, c, hdr, t * 2 > 10 ? t * 2 : 10, err, errlen) != 0) {
		if (stream)
			curl_easy_cleanup(c);
		curl_slist_free_all(*hdr);
		*hdr = NULL;
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdr);
	return c;
}

/* One request. 0 when the transfer completed (any HTTP status in
 * *status, the body in b, capped at max), -1 + err on a transport
 * failure. A 401 with an exec plugin forgets its credential and tries
 * once more. */
int k8s_http(struct k8s_state *st, const char *method, const char *path, const char *accept,
	     const char *ctype, const char *body, size_t max, struct k8s_body *b, long *status,
	     char *err, size_t errlen)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		struct curl_slist *hdr = NULL;
		char ebuf[CURL_ERROR_SIZE] = "";
		CURL *c;
		CURLcode rc;

		memset(b, 0, sizeof *b);
		b->max = max;
		*status = 0;
		if (k8s_cancelled(st, err, errlen))
			return -1;
		c = k8s_easy(st, path, accept, &hdr, 0, ebuf, err, errlen);
		if (c == NULL)
			return -1;
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, k8s_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
		if (ctype != NULL) {
			char *h = xasprintf("Content-Type: %s", ctype);

			hdr = curl_slist_append(hdr, h);
			free(h);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		}
		if (body != NULL)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (rc != CURLE_OK) {
			if (b->over)
				snprintf(err, errlen, "response larger than %zu MiB: refused",
					 max >> 20);
			else
				k8s_curl_error(c, rc, ebuf, k8s_timeout(st), st->kc->server, err,
					       errlen);
		}
		curl_slist_free_all(hdr);
		if (rc != CURLE_OK) {
			free(b->buf);
			memset(b, 0, sizeof *b);
			return -1;
		}
		if (*status == 401 && attempt == 0 && st->kc->exec != NULL) {
			kubeconfig_expire(st->kc);
			free(b->buf);
			continue;
		}
		break;
	}
	return 0;
}

/* A GET whose answer must be 2xx; else -1 with "403 Forbidden: …". */
int k8s_get_ok(struct k8s_state *st, const char *path, const char *accept, size_t max,
	       struct k8s_body *b, long *status, char *err, size_t errlen)
{
	if (k8s_http(st, "GET", path, accept, NULL, NULL, max, b, status, err, errlen) != 0)
		return -1;
	if (*status < 200 || *status > 299) {
		k8s_error_text(*status, b->buf, b->len, err, errlen);
		free(b->buf);
		memset(b, 0, sizeof *b);
		return -1;
	}
	return 0;
}

/* "/api/v1/pods" or "/api/v1/namespaces/NS/pods"; fresh. */
char *k8s_pods_path(const char *ns)
{
	char *e, *p;

	if (ns == NULL)
		return xstrdup("/api/v1/pods");
	e = k8s_escape(ns);
	p = xasprintf("/api/v1/namespaces/%s/pods", e);
	free(e);
	return p;
}

static const char *k8s_http_reason(long code)
{
	switch (code) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Request Entity Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return code >= 500   ? "Server Error"
		       : code >= 400 ? "Client Error"
				     : "Unexpected Status";
	}
}

void k8s_error_text(long http, const char *body, size_t len, char *out, size_t outlen)
{
	cJSON *root = body != NULL && len > 0 ? cJSON_ParseWithLength(body, len) : NULL;
	const char *m = k8s_str(root, "message");
	char snip[160] = "";

	if (m == NULL && root == NULL && body != NULL && len > 0 && len < 2048 &&
	    memchr(body, '<', len) == NULL) {
		/* A short plain-text answer (a proxy's) says more than nothing. */
		snprintf(snip, sizeof snip, "%.*s", (int)(len < 150 ? len : 150), body);
		m = snip;
	}
	if (m != NULL && m[0] != '\0')
		snprintf(out, outlen, "%ld %s: %s", http, k8s_http_reason(http), m);
	else
		snprintf(out, outlen, "%ld %s", http, k8s_http_reason(http));
	k8s_one_line(out);
	while (out[0] != '\0' && out[strlen(out) - 1] == ' ')
		out[strlen(out) - 1] = '\0';
	cJSON_Delete(root);
}

/* One SelfSubjectAccessReview: 1 allowed, 0 denied, -1 unknown, -2 the
 * server did not answer. */
static int k8s_can(struct k8s_state *st, const char *verb, const char *group, const char *resource,
		   const char *sub)
{
	cJSON *req = cJSON_CreateObject(), *spec, *ra, *resp;
	struct k8s_body b;
	long status;
	char err[256], *body;
	int allowed = -1;

	cJSON_AddStringToObject(req, "kind", "SelfSubjectAccessReview");
	cJSON_AddStringToObject(req, "apiVersion", "authorization.k8s.io/v1");
	spec = cJSON_AddObjectToObject(req, "spec");
	ra = cJSON_AddObjectToObject(spec, "resourceAttributes");
	if (st->ns != NULL)
		cJSON_AddStringToObject(ra, "namespace", st->ns);
	cJSON_AddStringToObject(ra, "verb", verb);
	cJSON_AddStringToObject(ra, "group", group);
	cJSON_AddStringToObject(ra, "resource", resource);
	if (sub != NULL)
		cJSON_AddStringToObject(ra, "subresource", sub);
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (k8s_http(st, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		     "application/json", "application/json", body, 1u << 20, &b, &status, err,
		     sizeof err) != 0) {
		allowed = -2;
	} else {
		if (status >= 200 && status <= 299) {
			resp = cJSON_ParseWithLength(b.buf ? b.buf : "", b.len);
			if (cJSON_IsBool(k8s_get(k8s_get(resp, "status"), "allowed")))
				allowed = cJSON_IsTrue(k8s_get(k8s_get(resp, "status"), "allowed"));
			cJSON_Delete(resp);
		}
		free(b.buf);
	}
	cJSON_free(body);
	return allowed;
}

void k8s_access_review(struct k8s_state *st)
{
	struct k8s_access a = { -1, -1, -1, -1 };

	/* One unanswered review means the server is not answering now: try
	 * again on a later poll instead of waiting for each. */
	if ((a.delete_pods = k8s_can(st, "delete", "", "pods", NULL)) == -2 ||
	    (a.patch_workloads = k8s_can(st, "patch", "apps", "deployments", NULL)) == -2 ||
	    (a.scale_workloads = k8s_can(st, "update", "apps", "deployments", "scale")) == -2 ||
	    (a.exec_pods = k8s_can(st, "create", "", "pods", "exec")) == -2)
		return;
	if (memcmp(&a, &st->access, sizeof a) != 0)
		st->changed = 1;
	st->access = a;
	st->access_done = 1;
}

/* GET a JSON object at path: 0 with the parsed tree, or -1 (the request
 * is reported as failed). */
cJSON *k8s_get_object(struct k8s_state *st, const char *path, char *err, size_t errlen)
{
	struct k8s_body b;
	long status;
	cJSON *o;

	if (k8s_get_ok(st, path, "application/json", K8S_MAX_BODY, &b, &status, err, errlen) != 0)
		return NULL;
	o = cJSON_ParseWithLength(b.buf ? b.buf : "", b.len);
	free(b.buf);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		snprintf(err, errlen, "invalid JSON from the API server");
		return NULL;
	}
	return o;
}

char *k8s_pod_path(const char *ns, const char *name, const char *sub)
{
	char *en = k8s_escape(ns), *ep = k8s_escape(name);
	char *p = xasprintf("/api/v1/namespaces/%s/pods/%s%s", en, ep, sub ? sub : "");

	free(en);
	free(ep);
	return p;
}

/* The ping keeps its own kubeconfig between calls, so an exec plugin's
 * credential is reused instead of run on every ping. */
static pthread_mutex_t k8s_ping_lock = PTHREAD_MUTEX_INITIALIZER;

static struct k8s_state k8s_ping_state;

int k8s_ping(const struct config *cfg, double timeout, double *ms, char *err, size_t errlen)
{
	struct k8s_state *st = &k8s_ping_state;
	struct k8s_body b;
	long status;
	double t0;
	int rc = -1;

	pthread_mutex_lock(&k8s_ping_lock);
	st->arg.cfg = cfg;
	st->arg.timeout = timeout > 0 ? timeout : 5;
	if (st->kc == NULL && kubeconfig_load(cfg->kubeconfig, cfg->kube_context,
					      cfg->kube_namespace, &st->kc, err, errlen) != 0) {
		st->kc = NULL;
		goto out;
	}
	t0 = util_now();
	if (k8s_http(st, "GET", "/readyz", "text/plain", NULL, NULL, 1u << 20, &b, &status, err,
		     errlen) != 0)
		goto out;
	*ms = (util_now() - t0) * 1000.0;
	if (status >= 200 && status <= 299) {
		rc = 0;
	} else {
		k8s_error_text(status, b.buf, b.len, err, errlen);
	}
	free(b.buf);
out:
	pthread_mutex_unlock(&k8s_ping_lock);
	return rc;
}
