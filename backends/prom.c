/*
 * prom.c - the Alertmanager and Prometheus data source (see prom.h) over
 * libcurl and cJSON. Every request has a connect and a total timeout and
 * a response cap (PROM_MAX_BODY, enforced in the write callback, which
 * aborts the transfer); an HTTP error, an empty body, invalid JSON or an
 * oversized body is an error, never "no alerts". Alerts come from every
 * configured Alertmanager (de-duplicated by fingerprint) or, with none,
 * from Prometheus' rules API; silences are created and expired on every
 * Alertmanager. Bearer tokens come from ALERTMANAGER_TOKEN(_FILE) and
 * PROMETHEUS_TOKEN(_FILE), basic auth from the URL's user:password, a CA
 * file from AMCONSOLE_CA_FILE; none of them is logged or published.
 * The health poller adds the data backends' pings (backends/health.c).
 * libcurl is initialised once (pthread_once) and never cleaned up; each
 * thread keeps one easy handle, so connections are reused.
 */
#include "backends/prom.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/codec.h"
#include "backends/health.h"
#include "backends/prom_http.h"
#include "core/runbook.h"
#include "lib/redact.h"

#define PROM_SLOW_MS 1000.0 /* a health check slower than this is amber */

struct prom_state {
	struct prom_arg arg;
	unsigned long nrequests;
	int request_failed;
	char request_msg[256];
	struct util_steady *shown_ms; /* health: each check's latency as shown */
	size_t nshown;
};

/* ---- HTTP ----------------------------------------------------------- */

static pthread_once_t prom_once = PTHREAD_ONCE_INIT;
/* Each thread's easy handle, kept between its requests so that its
 * connections (and TLS sessions) are reused: a poll every 2 s to the same
 * Alertmanager costs no new connect or handshake (#17). Freed when the
 * thread ends. */
static pthread_key_t prom_easy_key;

static void prom_easy_free(void *c)
{
	curl_easy_cleanup(c);
}

static void prom_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pthread_key_create(&prom_easy_key, prom_easy_free) != 0)
		abort();
}

/* This thread's handle, with no options set (prom_http resets it after
 * each request); NULL when none can be made. */
static CURL *prom_easy(void)
{
	CURL *c = pthread_getspecific(prom_easy_key);

	if (c != NULL)
		return c;
	c = curl_easy_init();
	if (c != NULL && pthread_setspecific(prom_easy_key, c) != 0) {
		curl_easy_cleanup(c);
		c = NULL;
	}
	return c;
}

void prom_curl_init(void)
{
	pthread_once(&prom_once, prom_global_init);
}

static size_t prom_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct prom_body *b = ud;
	size_t n = size * nmemb;

	if (b->len + n > PROM_MAX_BODY) {
		b->over = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (b->cap > PROM_MAX_BODY + 1)
			b->cap = PROM_MAX_BODY + 1;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

static int prom_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const struct prom_body *b = ud;

	return b->stop != NULL && atomic_load(b->stop) ? 1 : 0;
}

/* The bearer token for kind ("ALERTMANAGER", "PROMETHEUS"): $KIND_TOKEN,
 * else the first line of $KIND_TOKEN_FILE; fresh or NULL. */
static char *prom_token(const char *kind)
{
	char name[64], buf[4096];
	const char *v;
	FILE *f;
	size_t n;

	if (kind == NULL)
		return NULL;
	snprintf(name, sizeof name, "%s_TOKEN", kind);
	v = getenv(name);
	if (v != NULL && v[0] != '\0')
		return xstrdup(v);
	snprintf(name, sizeof name, "%s_TOKEN_FILE", kind);
	v = getenv(name);
	if (v == NULL || v[0] == '\0')
		return NULL;
	f = fopen(v, "r");
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	v = buf[0] != '\0' ? xstrdup(buf) : NULL;
	explicit_bzero(buf, sizeof buf);
	return (char *)v;
}

int prom_http(const char *url, const char *method, const char *json, const char *auth_kind,
	      double timeout, const atomic_int *stop, struct prom_body *b, long *status, double *ms,
	      char *err, size_t errlen)
{
	CURL *c;
	CURLcode rc;
	struct curl_slist *hdr = NULL;
	char ebuf[CURL_ERROR_SIZE] = "";
	char *token = prom_token(auth_kind);
	const char *ca = getenv("AMCONSOLE_CA_FILE");
	double t0 = util_now();
	long tmo = (long)((timeout > 0 ? timeout : 5) * 1000);

	prom_curl_init();
	memset(b, 0, sizeof *b);
	b->stop = stop;
	*status = 0;
	c = prom_easy();
	if (c == NULL) {
		free(token);
		snprintf(err, errlen, "cannot initialise libcurl");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, tmo < 3000 ? tmo : 3000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, prom_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, prom_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "amconsole/" AM_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PROM_MAX_BODY);
	if (ca != NULL && ca[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (token != NULL) {
		char *h = xasprintf("Authorization: Bearer %s", token);

		hdr = curl_slist_append(hdr, h);
		explicit_bzero(h, strlen(h));
		free(h);
		explicit_bzero(token, strlen(token));
		free(token);
	}
	if (json != NULL) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	}
	if (method != NULL && strcmp(method, "DELETE") == 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
	if (hdr != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	/* The handle keeps no pointer into this call's buffers. */
	curl_easy_reset(c);
	curl_slist_free_all(hdr);
	*ms = (util_now() - t0) * 1000.0;
	if (rc == CURLE_OK)
		return 0;
	if (b->over || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(err, errlen, "response larger than %u MiB: refused", PROM_MAX_BODY >> 20);
	else if (rc == CURLE_ABORTED_BY_CALLBACK)
		snprintf(err, errlen, "stopped");
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "timed out after %.1fs", timeout);
	else
		snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf : curl_easy_strerror(rc));
	free(b->buf);
	memset(b, 0, sizeof *b);
	return -1;
}

/* A GET whose answer must be a 2xx JSON body. 0 with b filled, else -1
 * + err naming the URL (redacted). */
static int prom_get_json(const char *base, const char *path, const char *auth_kind, double timeout,
			 struct prom_body *b, char *err, size_t errlen)
{
	char *url = xasprintf("%s%s", base, path);
	char e[200] = "";
	char *shown = redact(base);
	long status;
	double ms;

	if (prom_http(url, "GET", NULL, auth_kind, timeout, NULL, b, &status, &ms, e, sizeof e) !=
	    0) {
		snprintf(err, errlen, "%s: %s", shown, e);
		goto fail;
	}
	if (status < 200 || status > 299) {
		char snip[80];
		size_t i;

		snprintf(snip, sizeof snip, "%.60s", b->buf ? b->buf : "");
		for (i = 0; snip[i] != '\0'; i++)
			if ((unsigned char)snip[i] < 32)
				snip[i] = ' ';
		snprintf(err, errlen, "%s: HTTP %ld%s%s", shown, status, snip[0] ? ": " : "", snip);
		goto fail_body;
	}
	if (b->len == 0) {
		snprintf(err, errlen, "%s: empty response body", shown);
		goto fail_body;
	}
	free(url);
	free(shown);
	return 0;
fail_body:
	free(b->buf);
	memset(b, 0, sizeof *b);
fail:
	free(url);
	free(shown);
	return -1;
}

char *prom_base(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

/* ---- parsing -------------------------------------------------------- */

int prom_severity_rank(const char *s)
{
	if (s == NULL)
		return 3;
	if (strcasecmp(s, "critical") == 0)
		return 0;
	if (strcasecmp(s, "warning") == 0)
		return 1;
	if (strcasecmp(s, "info") == 0)
		return 2;
	return 3;
}

double prom_parse_time(const char *s)
{
	double t;

	return s != NULL && util_parse_rfc3339(s, &t) == 0 && t > 0 ? t : 0;
}

static char *prom_str(const cJSON *o, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return xstrdup(v != NULL ? v : "");
}

/* The memory of a snapshot's alerts: their strings and label arrays are
 * carved from a few large blocks, so the UI thread frees 10,000 alerts
 * (a new snapshot replacing the old) with a few calls, not 400,000. */
struct prom_arena {
	struct prom_arena *next;
	size_t used, cap;
	max_align_t data[];
};

#define PROM_ARENA_BLOCK (256u << 10)

/* n bytes of s's arena, aligned for any object when align (label
 * arrays), else not (strings: no padding between them). */
static void *prom_alloc(struct prom_snap *s, size_t n, int align)
{
	struct prom_arena *b = s->arena;
	size_t al = align ? _Alignof(max_align_t) : 1;
	size_t at = b == NULL ? 0 : (b->used + al - 1) / al * al;
	void *p;

	if (b == NULL || at > b->cap || b->cap - at < n) {
		size_t cap = n > PROM_ARENA_BLOCK ? n : PROM_ARENA_BLOCK;

		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		at = 0;
		/* A block made for one large string goes behind the current
		 * one, whose room stays in use. */
		if (s->arena != NULL && n > PROM_ARENA_BLOCK) {
			b->next = s->arena->next;
			s->arena->next = b;
		} else {
			b->next = s->arena;
			s->arena = b;
		}
	}
	p = (char *)b->data + at;
	b->used = at + n;
	return p;
}

static char *prom_dup(struct prom_snap *s, const char *v)
{
	size_t n = strlen(v) + 1;

	return memcpy(prom_alloc(s, n, 0), v, n);
}

static void prom_pairs(struct prom_snap *s, const cJSON *o, struct prom_label **out, size_t *n)
{
	const cJSON *it;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsObject(o))
		return;
	cJSON_ArrayForEach(it, o) k++;
	if (k == 0)
		return;
	*out = prom_alloc(s, k * sizeof **out, 1);
	cJSON_ArrayForEach(it, o)
	{
		const char *v = cJSON_GetStringValue(it);

		if (it->string == NULL)
			continue;
		(*out)[*n].name = prom_dup(s, it->string);
		(*out)[*n].value = prom_dup(s, v != NULL ? v : "");
		(*n)++;
	}
}

/* The value named name among l[0..n), or NULL. */
static const char *prom_find(const struct prom_label *l, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].name, name) == 0)
			return l[i].value;
	return NULL;
}

const char *prom_label(const struct prom_alert *a, const char *name)
{
	return prom_find(a->labels, a->nlabels, name);
}

const char *prom_annotation(const struct prom_alert *a, const char *name)
{
	return prom_find(a->annotations, a->nannotations, name);
}

/* FNV-1a over the sorted label pairs: a fingerprint for Prometheus'
 * alerts, which carry none. */
static char *prom_fingerprint(struct prom_snap *snap, const struct prom_alert *a)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i, k;
	const char *s;
	char buf[24];

	for (i = 0; i < a->nlabels; i++)
		for (k = 0; k < 2; k++) {
			for (s = k ? a->labels[i].value : a->labels[i].name; *s; s++) {
				h ^= (unsigned char)*s;
				h *= 1099511628211ULL;
			}
			h ^= 0xff;
			h *= 1099511628211ULL;
		}
	snprintf(buf, sizeof buf, "%016llx", h);
	return prom_dup(snap, buf);
}

static char *prom_join_ids(struct prom_snap *s, const cJSON *arr)
{
	struct strbuf sb = { 0 };
	const cJSON *it;
	char *ids;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return NULL;
	cJSON_ArrayForEach(it, arr)
	{
		const char *v = cJSON_GetStringValue(it);

		if (v == NULL)
			continue;
		if (sb.len > 0)
			strbuf_putc(&sb, ',');
		strbuf_puts(&sb, v);
	}
	ids = sb.len > 0 ? prom_dup(s, sb.buf) : NULL;
	strbuf_free(&sb);
	return ids;
}

/* The fingerprints of a snapshot's alerts while a body is added to it:
 * open addressing (alert index + 1; 0 free), at most half full. */
struct prom_fps {
	size_t *slot;
	size_t mask;
};

static size_t prom_fp_hash(const char *fp)
{
	size_t h = 2166136261u;

	for (; *fp != '\0'; fp++)
		h = (h ^ (unsigned char)*fp) * 16777619u;
	return h;
}

/* 1 if fp is an alert of s already; else 0, and alert i is fp from now. */
static int prom_fps_add(struct prom_fps *f, const struct prom_snap *s, const char *fp, size_t i)
{
	size_t h;

	for (h = prom_fp_hash(fp) & f->mask; f->slot[h] != 0; h = (h + 1) & f->mask)
		if (strcmp(s->alerts[f->slot[h] - 1].fingerprint, fp) == 0)
			return 1;
	f->slot[h] = i + 1;
	return 0;
}

static void prom_fps_init(struct prom_fps *f, const struct prom_snap *s, size_t more)
{
	size_t n = 16, i;

	while (n < 2 * (s->nalerts + more))
		n *= 2;
	f->slot = xcalloc(n, sizeof *f->slot);
	f->mask = n - 1;
	for (i = 0; i < s->nalerts; i++)
		prom_fps_add(f, s, s->alerts[i].fingerprint, i);
}

/* The Alerts list's LABELS cell: "service namespace/pod" of those
 * present, else the instance, else "". */
static char *prom_where(struct prom_snap *s, const struct prom_alert *a)
{
	const char *svc = prom_label(a, "service"), *ns = prom_label(a, "namespace"),
		   *pod = prom_label(a, "pod"), *inst = prom_label(a, "instance");
	char buf[256];

	snprintf(buf, sizeof buf, "%s%s%s%s%s", svc ? svc : "", svc && (ns || pod) ? " " : "",
		 ns ? ns : "", ns && pod ? "/" : "", pod ? pod : "");
	if (buf[0] == '\0')
		snprintf(buf, sizeof buf, "%s", inst ? inst : "");
	return prom_dup(s, buf);
}

cJSON *prom_parse_json(const char *body, size_t len, char *err, size_t errlen)
{
	cJSON *j;

	if (body == NULL || len == 0) {
		snprintf(err, errlen, "empty response body");
		return NULL;
	}
	j = cJSON_ParseWithLength(body, len);
	if (j == NULL)
		snprintf(err, errlen, "invalid JSON in the response (%zu bytes)", len);
	return j;
}

/* The fields of alert it past its labels, annotations and fingerprint: names,
 * summary, the list's cells, times and state (v1: Prometheus' shape). */
static void prom_alert_fields(struct prom_snap *s, const cJSON *it, int v1, struct prom_alert *a)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(it, "status");
	const char *v = prom_label(a, "alertname"), *st;
	char *text;

	a->name = prom_dup(s, v != NULL ? v : "");
	v = prom_label(a, "severity");
	a->severity = prom_dup(s, v != NULL ? v : "");
	a->where = prom_where(s, a);
	text = prom_labels_text(a);
	a->labels_text = prom_dup(s, text);
	free(text);
	v = prom_annotation(a, "summary");
	if (v == NULL)
		v = prom_annotation(a, "description");
	a->summary = prom_dup(s, v != NULL ? v : "");
	if (v1) {
		st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "state"));
		a->starts_at = prom_parse_time(
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "activeAt")));
		a->state = prom_dup(s, st != NULL ? st : "");
		return;
	}
	st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(status, "state"));
	a->starts_at = prom_parse_time(
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "startsAt")));
	a->silenced_by = prom_join_ids(s, cJSON_GetObjectItemCaseSensitive(status, "silencedBy"));
	a->inhibited_by = prom_join_ids(s, cJSON_GetObjectItemCaseSensitive(status, "inhibitedBy"));
	if (a->silenced_by != NULL)
		st = "silenced";
	else if (a->inhibited_by != NULL)
		st = "inhibited";
	else if (st == NULL || strcmp(st, "active") == 0)
		st = "firing";
	a->state = prom_dup(s, st);
}

int prom_parse_alerts(const char *body, size_t len, int v1, struct prom_snap *s, char *err,
		      size_t errlen)
{
	cJSON *root = prom_parse_json(body, len, err, errlen);
	const cJSON *arr, *it;
	struct prom_fps fps;

	if (root == NULL)
		return -1;
	if (v1) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");

		if (!cJSON_IsString(st) || strcmp(st->valuestring, "success") != 0) {
			const char *e = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(root, "error"));

			snprintf(err, errlen, "prometheus: %.200s",
				 e != NULL ? e : "not a success response");
			cJSON_Delete(root);
			return -1;
		}
		arr = cJSON_GetObjectItemCaseSensitive(data, "alerts");
	} else {
		arr = root;
	}
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "unexpected JSON: no list of alerts");
		cJSON_Delete(root);
		return -1;
	}
	prom_fps_init(&fps, s, (size_t)cJSON_GetArraySize(arr));
	cJSON_ArrayForEach(it, arr)
	{
		struct prom_alert a;
		const char *v;

		if (!cJSON_IsObject(it))
			continue;
		memset(&a, 0, sizeof a);
		prom_pairs(s, cJSON_GetObjectItemCaseSensitive(it, "labels"), &a.labels,
			   &a.nlabels);
		prom_pairs(s, cJSON_GetObjectItemCaseSensitive(it, "annotations"), &a.annotations,
			   &a.nannotations);
		v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "fingerprint"));
		a.fingerprint =
			v != NULL && v[0] != '\0' ? prom_dup(s, v) : prom_fingerprint(s, &a);
		/* A duplicate's memory stays in the arena until the snapshot
		 * goes: one alert's worth per Alertmanager that repeats it. */
		if (prom_fps_add(&fps, s, a.fingerprint, s->nalerts))
			continue;
		prom_alert_fields(s, it, v1, &a);
		s->alerts = xrealloc(s->alerts, (s->nalerts + 1) * sizeof *s->alerts);
		s->alerts[s->nalerts++] = a;
	}
	free(fps.slot);
	cJSON_Delete(root);
	return 0;
}

void prom_quote(struct strbuf *sb, const char *v)
{
	strbuf_putc(sb, '"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, *v);
	}
	strbuf_putc(sb, '"');
}

static char *prom_matchers_text(const cJSON *arr)
{
	struct strbuf sb = { 0 };
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
	{
		const cJSON *eq = cJSON_GetObjectItemCaseSensitive(it, "isEqual");
		const cJSON *re = cJSON_GetObjectItemCaseSensitive(it, "isRegex");
		int equal = eq == NULL || cJSON_IsTrue(eq);
		const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "value"));

		if (sb.len > 0)
			strbuf_putc(&sb, ' ');
		strbuf_printf(&sb, "%s%s", n ? n : "?",
			      cJSON_IsTrue(re) ? (equal ? "=~" : "!~") : (equal ? "=" : "!="));
		prom_quote(&sb, v ? v : "");
	}
	return strbuf_detach(&sb);
}

int prom_parse_silences(const char *body, size_t len, struct prom_snap *s, char *err, size_t errlen)
{
	cJSON *root = prom_parse_json(body, len, err, errlen);
	const cJSON *it;
	size_t i;

	if (root == NULL)
		return -1;
	if (!cJSON_IsArray(root)) {
		snprintf(err, errlen, "unexpected JSON: no list of silences");
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(it, root)
	{
		struct prom_silence x;
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
		int dup = 0;

		if (id == NULL)
			continue;
		for (i = 0; i < s->nsilences; i++)
			if (strcmp(s->silences[i].id, id) == 0)
				dup = 1;
		if (dup)
			continue;
		memset(&x, 0, sizeof x);
		x.id = xstrdup(id);
		x.state = prom_str(cJSON_GetObjectItemCaseSensitive(it, "status"), "state");
		x.created_by = prom_str(it, "createdBy");
		x.comment = prom_str(it, "comment");
		x.matchers = prom_matchers_text(cJSON_GetObjectItemCaseSensitive(it, "matchers"));
		x.starts_at = prom_parse_time(
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "startsAt")));
		x.ends_at = prom_parse_time(
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "endsAt")));
		s->silences = xrealloc(s->silences, (s->nsilences + 1) * sizeof *s->silences);
		s->silences[s->nsilences++] = x;
	}
	cJSON_Delete(root);
	return 0;
}

static int prom_alert_cmp(const void *pa, const void *pb)
{
	const struct prom_alert *a = pa, *b = pb;
	int ra = prom_severity_rank(a->severity), rb = prom_severity_rank(b->severity), c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->starts_at != b->starts_at)
		return a->starts_at < b->starts_at ? -1 : 1;
	c = strcmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->fingerprint, b->fingerprint);
}

void prom_sort_alerts(struct prom_alert *a, size_t n)
{
	if (n > 1)
		qsort(a, n, sizeof *a, prom_alert_cmp);
}

char *prom_labels_text(const struct prom_alert *a)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < a->nlabels; i++)
		strbuf_printf(&sb, "%s%s=%s", i ? " " : "", a->labels[i].name, a->labels[i].value);
	return strbuf_detach(&sb);
}

void prom_snap_free(struct prom_snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	while (s->arena != NULL) {
		struct prom_arena *b = s->arena;

		s->arena = b->next;
		free(b);
	}
	for (i = 0; i < s->nsilences; i++) {
		free(s->silences[i].id);
		free(s->silences[i].state);
		free(s->silences[i].created_by);
		free(s->silences[i].comment);
		free(s->silences[i].matchers);
	}
	for (i = 0; i < s->nchecks; i++) {
		free(s->checks[i].name);
		free(s->checks[i].url);
	}
	free(s->alerts);
	free(s->silences);
	free(s->checks);
	free(s);
}

/* ---- the backend ---------------------------------------------------- */

static int prom_open(void **state, const void *arg, char *err, size_t errlen)
{
	struct prom_state *st = xcalloc(1, sizeof *st);

	st->arg = *(const struct prom_arg *)arg;
	if (st->arg.timeout <= 0)
		st->arg.timeout = 5;
	prom_curl_init();
	*state = st;
	return 0;
}

static int prom_poll_alerts(struct prom_state *st, struct prom_snap *s, char *err, size_t errlen)
{
	const struct config *c = st->arg.cfg;
	struct prom_body b;
	char e[256];
	size_t i, ok = 0;

	if (c->nalertmanager_urls == 0) {
		char *base;
		int rc;

		if (c->prometheus_url == NULL) {
			snprintf(err, errlen,
				 "not configured: set alertmanager.urls or ALERTMANAGER_URL");
			return -1;
		}
		base = prom_base(c->prometheus_url);
		s->from_prometheus = 1;
		rc = prom_get_json(base, "/api/v1/alerts", "PROMETHEUS", st->arg.timeout, &b, err,
				   errlen);
		if (rc == 0) {
			rc = prom_parse_alerts(b.buf, b.len, 1, s, e, sizeof e);
			if (rc != 0) {
				char *shown = redact(base);

				snprintf(err, errlen, "%s: %s", shown, e);
				free(shown);
			}
			free(b.buf);
		}
		free(base);
		return rc;
	}
	for (i = 0; i < c->nalertmanager_urls; i++) {
		char *base = prom_base(c->alertmanager_urls[i]);
		char *shown = redact(base);
		int rc = prom_get_json(base,
				       "/api/v2/alerts?active=true&silenced=true&inhibited=true",
				       "ALERTMANAGER", st->arg.timeout, &b, e, sizeof e);

		if (rc == 0) {
			char pe[200];

			rc = prom_parse_alerts(b.buf, b.len, 0, s, pe, sizeof pe);
			free(b.buf);
			if (rc != 0)
				snprintf(e, sizeof e, "%s: %s", shown, pe);
		}
		if (rc == 0) {
			rc = prom_get_json(base, "/api/v2/silences", "ALERTMANAGER",
					   st->arg.timeout, &b, e, sizeof e);
			if (rc == 0) {
				char pe[200];

				rc = prom_parse_silences(b.buf, b.len, s, pe, sizeof pe);
				free(b.buf);
				if (rc != 0)
					snprintf(e, sizeof e, "%s silences: %s", shown, pe);
			}
		}
		if (rc == 0)
			ok++;
		else if (s->partial[0] == '\0')
			snprintf(s->partial, sizeof s->partial, "%s", e);
		free(shown);
		free(base);
	}
	if (ok == 0) {
		snprintf(err, errlen, "%s", s->partial);
		return -1;
	}
	return 0;
}

static void prom_check_one(struct prom_check *k, const char *name, const char *url,
			   const char *auth_kind, double timeout)
{
	struct prom_body b;
	char e[200] = "";
	long status = 0;
	double ms = 0;

	k->name = xstrdup(name);
	k->url = redact(url);
	if (prom_http(url, "GET", NULL, auth_kind, timeout, NULL, &b, &status, &ms, e, sizeof e) !=
	    0) {
		k->level = 2;
		k->ms = ms;
		snprintf(k->detail, sizeof k->detail, "%.150s", e);
		return;
	}
	free(b.buf);
	k->status = status;
	k->ms = ms;
	if (status >= 200 && status <= 299) {
		k->level = ms > PROM_SLOW_MS ? 1 : 0;
		snprintf(k->detail, sizeof k->detail, "HTTP %ld%s", status,
			 ms > PROM_SLOW_MS ? " (slow)" : "");
	} else {
		k->level = 2;
		snprintf(k->detail, sizeof k->detail, "HTTP %ld", status);
	}
}

static void prom_poll_health(struct prom_state *st, struct prom_snap *s)
{
	const struct config *c = st->arg.cfg;
	size_t i, n = c->nhealth + c->nalertmanager_urls + (c->prometheus_url ? 1 : 0) +
		      health_count(c);

	s->checks = n ? xcalloc(n, sizeof *s->checks) : NULL;
	for (i = 0; i < c->nhealth; i++)
		prom_check_one(&s->checks[s->nchecks++],
			       c->health[i].name ? c->health[i].name : "health",
			       c->health[i].url ? c->health[i].url : "", NULL, st->arg.timeout);
	for (i = 0; i < c->nalertmanager_urls; i++) {
		char *base = prom_base(c->alertmanager_urls[i]);
		char *url = xasprintf("%s/-/healthy", base);
		char name[48];

		if (c->nalertmanager_urls > 1)
			snprintf(name, sizeof name, "alertmanager#%zu", i + 1);
		else
			snprintf(name, sizeof name, "alertmanager");
		prom_check_one(&s->checks[s->nchecks++], name, url, "ALERTMANAGER",
			       st->arg.timeout);
		free(url);
		free(base);
	}
	if (c->prometheus_url != NULL) {
		char *base = prom_base(c->prometheus_url);
		char *url = xasprintf("%s/-/healthy", base);

		prom_check_one(&s->checks[s->nchecks++], "prometheus", url, "PROMETHEUS",
			       st->arg.timeout);
		free(url);
		free(base);
	}
	s->nchecks += health_ping_all(c, st->arg.timeout, s->checks + s->nchecks);
	/* The levels were judged on the measured times; the readouts are
	 * steadied so the health strip does not flicker with noise. */
	if (st->nshown != s->nchecks) {
		free(st->shown_ms);
		st->shown_ms = xcalloc(s->nchecks + 1, sizeof *st->shown_ms);
		st->nshown = s->nchecks;
	}
	for (i = 0; i < s->nchecks; i++)
		s->checks[i].ms = util_steady_ms(&st->shown_ms[i], s->checks[i].ms);
}

static int prom_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct prom_state *st = state;
	struct prom_snap *s = xcalloc(1, sizeof *s);

	if (st->arg.mode == PROM_HEALTH) {
		prom_poll_health(st, s);
	} else if (prom_poll_alerts(st, s, err, errlen) != 0) {
		prom_snap_free(s);
		return -1;
	} else {
		prom_sort_alerts(s->alerts, s->nalerts);
	}
	s->nrequests = st->nrequests;
	s->request_failed = st->request_failed;
	snprintf(s->request_msg, sizeof s->request_msg, "%s", st->request_msg);
	*snap = s;
	return 0;
}

struct prom_req *prom_req_new(const char *json, const char *id)
{
	struct prom_req *rq = xcalloc(1, sizeof *rq);

	rq->json = json != NULL ? xstrdup(json) : NULL;
	rq->id = id != NULL ? xstrdup(id) : NULL;
	return rq;
}

void prom_req_free(void *req)
{
	struct prom_req *rq = req;

	if (rq == NULL)
		return;
	free(rq->json);
	free(rq->id);
	free(rq);
}

/* What one Alertmanager said to a silence request. */
struct prom_answer {
	size_t ok;
	char first_err[200], id[80], done_on[128];
};

/* POST the silence or DELETE it on the Alertmanager at base. */
static void prom_request_one(struct prom_state *st, const char *base, int kind,
			     const struct prom_req *rq, struct prom_answer *an)
{
	char *shown = redact(base);
	char *url = kind == PROM_REQ_SILENCE ? xasprintf("%s/api/v2/silences", base)
					     : xasprintf("%s/api/v2/silence/%s", base, rq->id);
	struct prom_body b;
	char e[200] = "";
	long status = 0;
	double ms;

	if (prom_http(url, kind == PROM_REQ_SILENCE ? "POST" : "DELETE",
		      kind == PROM_REQ_SILENCE ? rq->json : NULL, "ALERTMANAGER", st->arg.timeout,
		      NULL, &b, &status, &ms, e, sizeof e) == 0) {
		if (status >= 200 && status <= 299) {
			an->ok++;
			snprintf(an->done_on, sizeof an->done_on, "%s", shown);
			if (kind == PROM_REQ_SILENCE && b.len > 0) {
				cJSON *j = cJSON_ParseWithLength(b.buf, b.len);
				const char *sid = cJSON_GetStringValue(
					cJSON_GetObjectItemCaseSensitive(j, "silenceID"));

				if (sid != NULL && an->id[0] == '\0')
					snprintf(an->id, sizeof an->id, "%.70s", sid);
				cJSON_Delete(j);
			}
		} else {
			size_t k;

			snprintf(e, sizeof e, "HTTP %ld: %.120s", status, b.buf ? b.buf : "");
			for (k = 0; e[k]; k++)
				if ((unsigned char)e[k] < 32)
					e[k] = ' ';
		}
		free(b.buf);
	}
	if (e[0] != '\0' && an->first_err[0] == '\0')
		snprintf(an->first_err, sizeof an->first_err, "%s: %.150s", shown, e);
	free(url);
	free(shown);
}

/* POST a silence (json) or DELETE one (id) on the Alertmanagers. */
static int prom_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct prom_state *st = state;
	const struct config *c = st->arg.cfg;
	const struct prom_req *rq = req->data;
	const char *arg = rq == NULL ? NULL : req->kind == PROM_REQ_SILENCE ? rq->json : rq->id;
	struct prom_answer an = { 0 };
	size_t i;

	st->nrequests++;
	st->request_failed = 1;
	if (c->nalertmanager_urls == 0 || arg == NULL ||
	    (req->kind == PROM_REQ_EXPIRE && !prom_silence_id_ok(arg)) ||
	    (req->kind != PROM_REQ_SILENCE && req->kind != PROM_REQ_EXPIRE)) {
		snprintf(st->request_msg, sizeof st->request_msg, "%s",
			 c->nalertmanager_urls == 0 ? "no Alertmanager configured" : "bad request");
		return 0;
	}
	/* The first Alertmanager that accepts the request is enough: HA peers
	 * share silences by gossip (posting to each would create one
	 * duplicate per peer), and a silence id belongs to the Alertmanager
	 * that made it, so the others would only answer 404. */
	for (i = 0; i < c->nalertmanager_urls && an.ok == 0; i++) {
		char *base = prom_base(c->alertmanager_urls[i]);

		prom_request_one(st, base, req->kind, rq, &an);
		free(base);
	}
	st->request_failed = an.ok == 0;
	if (an.ok == 0)
		snprintf(st->request_msg, sizeof st->request_msg, "%s", an.first_err);
	else
		snprintf(st->request_msg, sizeof st->request_msg,
			 "silence %.64s %s on %.80s%s%.80s",
			 req->kind == PROM_REQ_SILENCE ? an.id : arg,
			 req->kind == PROM_REQ_SILENCE ? "created" : "expired", an.done_on,
			 an.first_err[0] ? "; " : "", an.first_err);
	return 0;
}

static void prom_close(void *state)
{
	struct prom_state *st = state;

	if (st->arg.mode == PROM_HEALTH)
		health_close();
	free(st->shown_ms);
	free(st);
}

static void prom_snapshot_free(void *snap)
{
	prom_snap_free(snap);
}

const struct backend prom_backend = {
	.name = "prom",
	.open = prom_open,
	.poll = prom_poll,
	.request = prom_request,
	.close = prom_close,
	.snapshot_free = prom_snapshot_free,
	.snapshot_encode = prom_codec_encode,
	.snapshot_decode = prom_codec_decode,
};
