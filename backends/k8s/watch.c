/*
 * watch.c - the pod list and its watch. A list is read page by page
 * (limit=500 with continue) into fresh rows that replace the held ones;
 * then a watch stream (curl multi, kept open between polls) is driven
 * for a short window on every poll, complete newline-delimited events
 * are applied as they arrive, a stream that ends is reopened from the
 * last resourceVersion, and 410 Gone (as an HTTP status or an ERROR
 * event) means a relist. A quiet watch is checked with GET /readyz now
 * and then, so a server that hangs shows as an error instead of a
 * silent, stale list. Worker thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/k8s/k8s_int.h"

/* List every page into fresh rows; on success they replace the held
 * ones. */
static int k8s_list(struct k8s_state *st, char *err, size_t errlen)
{
	struct k8s_pod *pods = NULL;
	size_t n = 0;
	char *cont = NULL, *rv = NULL, *base = k8s_pods_path(st->ns);
	int table = 0, restarted = 0;

	for (;;) {
		struct k8s_body b;
		long status;
		char *path, *c2 = NULL, *rv2 = NULL, *ec = NULL;
		int rc;

		if (cont != NULL)
			ec = k8s_escape(cont);
		path = xasprintf("%s?limit=%d%s%s", base, K8S_PAGE, ec ? "&continue=" : "",
				 ec ? ec : "");
		free(ec);
		rc = k8s_http(st, "GET", path, K8S_ACCEPT_TABLE, NULL, NULL, K8S_MAX_BODY, &b,
			      &status, err, errlen);
		free(path);
		if (rc != 0)
			goto fail;
		if (status == 410 && cont != NULL && !restarted) {
			/* The continue token expired: start over, once. */
			free(b.buf);
			k8s_rows_free(pods, n);
			pods = NULL;
			n = 0;
			free(cont);
			cont = NULL;
			restarted = 1;
			continue;
		}
		if (status < 200 || status > 299) {
			k8s_error_text(status, b.buf, b.len, err, errlen);
			free(b.buf);
			goto fail;
		}
		rc = k8s_parse_list(b.buf, b.len, &pods, &n, &table, &c2, &rv2, err, errlen);
		free(b.buf);
		if (rc != 0)
			goto fail;
		free(cont);
		cont = c2;
		if (rv2 != NULL) {
			free(rv);
			rv = rv2;
		}
		if (cont == NULL)
			break;
	}
	k8s_rows_drop(st);
	st->pods = pods;
	st->npods = n;
	free(st->rv);
	st->rv = rv;
	st->table_format = table;
	st->listed = 1;
	st->relist = 0;
	st->lists++;
	st->changed = 1;
	st->metrics_due = st->polls; /* fresh rows: fetch metrics now */
	free(base);
	k8s_arena_drop();
	return 0;
fail:
	k8s_arena_drop();
	k8s_rows_free(pods, n);
	free(cont);
	free(rv);
	free(base);
	return -1;
}

void k8s_watch_close(struct k8s_state *st)
{
	if (st->watch != NULL) {
		curl_multi_remove_handle(st->multi, st->watch);
		curl_easy_cleanup(st->watch);
		st->watch = NULL;
	}
	curl_slist_free_all(st->watch_hdr);
	st->watch_hdr = NULL;
	strbuf_free(&st->w_line);
}

static size_t k8s_watch_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_state *st = ud;
	size_t n = size * nmemb;
	long code;

	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0 && sscanf(p, "%*s %ld", &code) == 1)
		st->w_status = code;
	else if ((n == 2 && p[0] == '\r') || (n == 1 && p[0] == '\n'))
		st->w_hdr_done = st->w_status >= 200; /* not after a 100 Continue */
	return n;
}

#define K8S_BOOKMARK "{\"type\":\"BOOKMARK\","
#define K8S_BOOKMARK_LEN (sizeof K8S_BOOKMARK - 1)

/* Apply the complete lines in w_line; keep the partial one. */
static void k8s_watch_lines(struct k8s_state *st)
{
	struct strbuf *b = &st->w_line;
	size_t start = 0;

	while (st->w_fail == K8S_WF_NONE && start < b->len) {
		char *nl = memchr(b->buf + start, '\n', b->len - start);
		size_t len;
		int rc;

		if (nl == NULL)
			break;
		len = (size_t)(nl - (b->buf + start));
		if (len > 0 && !(len == 1 && b->buf[start] == '\r')) {
			/* A BOOKMARK (every minute or so on a quiet cluster)
			 * changes no row: copying 10,000 rows shared with a
			 * snapshot for it would hold two copies until the next
			 * change. As the API server writes it; any other
			 * spelling is copied for, as before. */
			if (len < K8S_BOOKMARK_LEN ||
			    memcmp(b->buf + start, K8S_BOOKMARK, K8S_BOOKMARK_LEN) != 0)
				k8s_rows_own(st);
			rc = k8s_event(b->buf + start, len, &st->pods, &st->npods, &st->rv,
				       st->w_err, sizeof st->w_err);
			if (rc == 0) {
				st->events++;
				st->changed = 1;
			} else if (rc == 1) {
				st->w_fail = K8S_WF_GONE;
			} else if (rc < 0) {
				st->w_fail = K8S_WF_BAD;
			}
		}
		start += len + 1;
	}
	if (start > 0) {
		memmove(b->buf, b->buf + start, b->len - start);
		b->len -= start;
		b->buf[b->len] = '\0';
	}
	if (st->w_fail == K8S_WF_NONE && b->len > K8S_MAX_EVENT)
		st->w_fail = K8S_WF_BIG;
}

static size_t k8s_watch_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct k8s_state *st = ud;
	size_t n = size * nmemb;

	st->w_last = util_now();
	if (st->w_status != 200) { /* an error body: keep its start */
		if (st->w_line.len < K8S_MAX_ERRBODY)
			strbuf_append(&st->w_line, p, n);
		return n;
	}
	strbuf_append(&st->w_line, p, n);
	k8s_watch_lines(st);
	return st->w_fail != K8S_WF_NONE ? 0 : n;
}

/* Drive the watch: 0 still open, 1 ended (reopen), 2 410 Gone (relist),
 * -1 + err. until_headers: wait (up to the timeout) for the response
 * headers, else for data up to budget seconds. */
static int k8s_watch_drive(struct k8s_state *st, int until_headers, double budget, char *err,
			   size_t errlen)
{
	double t0 = util_now(), end = t0 + budget;
	int running = 1, numfds;
	CURLMsg *msg;
	int left;

	for (;;) {
		curl_multi_perform(st->multi, &running);
		if (!running || st->w_fail != K8S_WF_NONE)
			break;
		if (until_headers && st->w_hdr_done)
			return 0;
		if (util_now() >= end)
			break;
		if (k8s_cancelled(st, err, errlen))
			return -1;
		numfds = 0;
		curl_multi_poll(st->multi, NULL, 0, until_headers ? 50 : K8S_QUIET_MS, &numfds);
		if (!until_headers && numfds == 0)
			break; /* nothing more is arriving now */
	}
	if (running && st->w_fail == K8S_WF_NONE) {
		if (until_headers) {
			snprintf(err, errlen, "timeout after %g s (%s)", k8s_timeout(st),
				 st->kc->server);
			return -1;
		}
		return 0;
	}
	switch (st->w_fail) {
	case K8S_WF_GONE:
		return 2;
	case K8S_WF_BAD:
		snprintf(err, errlen, "%s", st->w_err);
		return -1;
	case K8S_WF_BIG:
		snprintf(err, errlen, "watch event larger than %u MiB: refused",
			 K8S_MAX_EVENT >> 20);
		return -1;
	default:
		break;
	}
	while ((msg = curl_multi_info_read(st->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (msg->data.result != CURLE_OK) {
			k8s_curl_error(msg->easy_handle, msg->data.result, st->w_ebuf,
				       k8s_timeout(st), st->kc->server, err, errlen);
			return -1;
		}
	}
	if (st->w_status == 410)
		return 2;
	if (st->w_status != 200) {
		k8s_error_text(st->w_status, st->w_line.buf, st->w_line.len, err, errlen);
		return -1;
	}
	return 1;
}

/* Open the watch from st->rv and wait for its headers. 0 (watching, or
 * st->relist set on 410), -1 + err. */
static int k8s_watch_open(struct k8s_state *st, char *err, size_t errlen)
{
	char *base = k8s_pods_path(st->ns), *erv = k8s_escape(st->rv ? st->rv : "0"), *path;
	int attempt, rc = -1;

	path = xasprintf("%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d",
			 base, erv, K8S_WATCH_SECONDS);
	free(base);
	free(erv);
	if (st->multi == NULL)
		st->multi = curl_multi_init();
	for (attempt = 0; attempt < 2; attempt++) {
		k8s_watch_close(st);
		st->w_status = 0;
		st->w_hdr_done = 0;
		st->w_fail = K8S_WF_NONE;
		st->w_err[0] = '\0';
		st->w_last = util_now();
		st->w_ebuf[0] = '\0';
		st->watch = k8s_easy(st, path, K8S_ACCEPT_TABLE, &st->watch_hdr, 1, st->w_ebuf, err,
				     errlen);
		if (st->watch == NULL)
			break;
		curl_easy_setopt(st->watch, CURLOPT_WRITEFUNCTION, k8s_watch_write);
		curl_easy_setopt(st->watch, CURLOPT_WRITEDATA, st);
		curl_easy_setopt(st->watch, CURLOPT_HEADERFUNCTION, k8s_watch_header);
		curl_easy_setopt(st->watch, CURLOPT_HEADERDATA, st);
		curl_multi_add_handle(st->multi, st->watch);
		rc = k8s_watch_drive(st, 1, k8s_timeout(st), err, errlen);
		if (rc == 0 && st->w_status == 200)
			break;
		if (rc == 0) { /* headers of an error: read its body */
			rc = k8s_watch_drive(st, 0, k8s_timeout(st), err, errlen);
			if (rc == 0) {
				k8s_error_text(st->w_status, st->w_line.buf, st->w_line.len, err,
					       errlen);
				rc = -1;
			}
		}
		if (rc == 2) {
			st->relist = 1;
			rc = 0;
			k8s_watch_close(st);
			break;
		}
		if (rc == 1) { /* ended at once: fine, the next poll retries */
			rc = 0;
			k8s_watch_close(st);
			break;
		}
		k8s_watch_close(st);
		if (rc < 0 && st->w_status == 401 && attempt == 0 && st->kc->exec != NULL) {
			kubeconfig_expire(st->kc);
			continue;
		}
		break;
	}
	free(path);
	return rc < 0 ? -1 : 0;
}

/* Keep the watch going for this poll: relist when needed, open, drive,
 * reopen once when the stream ended. 0 or -1 + err. */
int k8s_watch_step(struct k8s_state *st, char *err, size_t errlen)
{
	int reopened = 0, relisted = 0;

	for (;;) {
		int rc;

		if (st->relist || !st->listed) {
			k8s_watch_close(st);
			if (relisted)
				return 0; /* again next poll */
			if (k8s_list(st, err, errlen) != 0)
				return -1;
			relisted = 1;
		}
		if (st->watch == NULL) {
			if (reopened > 1)
				return 0;
			if (k8s_watch_open(st, err, errlen) != 0)
				return -1;
			reopened++;
			if (st->relist || st->watch == NULL)
				continue;
		}
		rc = k8s_watch_drive(st, 0, K8S_DRIVE_SECONDS, err, errlen);
		if (rc == 0)
			return 0;
		k8s_watch_close(st);
		if (rc == 2) {
			st->relist = 1;
			continue;
		}
		if (rc < 0)
			return -1;
		/* The stream ended (timeoutSeconds): resume from the last RV. */
		if (reopened > 0)
			return 0;
	}
}

/* The watch has been quiet for a while: is the server still there? Any
 * HTTP answer is; a transport failure (a hung or vanished server) is an
 * error, and the watch is dropped. */
int k8s_probe(struct k8s_state *st, char *err, size_t errlen)
{
	struct k8s_body b;
	long status;
	double now = util_now();

	if (st->watch == NULL || now - st->w_last < K8S_PROBE_IDLE ||
	    now - st->last_probe < K8S_PROBE_IDLE)
		return 0;
	st->last_probe = now;
	if (k8s_http(st, "GET", "/readyz", "text/plain", NULL, NULL, 1u << 20, &b, &status, err,
		     errlen) != 0) {
		k8s_watch_close(st);
		return -1;
	}
	free(b.buf);
	return 0;
}
