/*
 * prom.h - the Alertmanager and Prometheus data source over libcurl and
 * cJSON (backends/prom.c): the alerts poller (Alertmanager v2 alerts and
 * silences from every configured URL, de-duplicated by fingerprint, or
 * Prometheus' /api/v1/alerts when no Alertmanager is configured), the
 * health poller (every `health` URL plus the HTTP sources, with status
 * and latency), silence requests (matchers and silence bodies in
 * prom_silence.c), and the native runner for runbook
 * `promql` steps (prom_step.c, with the query result formatter). The parsers and builders are pure
 * and exported for the unit tests; everything that touches the network runs on a worker or a native
 * job's thread.
 */
#ifndef AM_PROM_H
#define AM_PROM_H

#include <stddef.h>

#include "runtime/backend.h"
#include "lib/util.h"
#include "backends/native.h"
#include "core/config.h"

#define PROM_MAX_BODY (8u << 20) /* bytes kept of any response */

/* Requests to the alerts runner; each carries a struct prom_req. */
enum prom_request {
	PROM_REQ_SILENCE = 1, /* json */
	PROM_REQ_EXPIRE,      /* id */
};

/* A request's data (runner_send): make with prom_req_new, released by
 * the runner with prom_req_free. */
struct prom_req {
	char *json; /* the silence to create (prom_silence_json) */
	char *id;   /* the silence to expire */
};

/* A fresh request with copies of json and id (either may be NULL). */
struct prom_req *prom_req_new(const char *json, const char *id);
void prom_req_free(void *req);

enum prom_mode { PROM_ALERTS, PROM_HEALTH };

/* The argument to prom_backend.open; borrowed until close. */
struct prom_arg {
	const struct config *cfg;
	enum prom_mode mode;
	double timeout; /* seconds per request (connect and total) */
};

struct prom_label {
	char *name;
	char *value;
};

struct prom_alert {
	char *fingerprint;
	char *name;         /* alertname */
	char *severity;     /* "" when unlabelled */
	char *summary;      /* annotation summary, else description, else "" */
	char *state;        /* "firing", "silenced", "inhibited", "pending" ... */
	char *silenced_by;  /* silence ids, comma-separated, or NULL */
	char *inhibited_by; /* inhibiting fingerprints, comma-separated, or NULL */
	double starts_at;   /* epoch seconds, 0 unknown */
	/* Made on the worker for the Alerts list, so that a refresh of
	 * 10,000 alerts formats nothing on the UI thread: */
	char *where;       /* "service namespace/pod" (those present), else instance, else "" */
	char *labels_text; /* prom_labels_text: what its / filter also matches */
	struct prom_label *labels;
	size_t nlabels;
	struct prom_label *annotations;
	size_t nannotations;
};

struct prom_matcher {
	char *name;
	char *value;
	int is_regex;
	int is_equal;
	/* =~ and !~: the anchored expression as prom_matchers_parse compiled
	 * it (a regex_t), so a filter over 10,000 alerts compiles it once;
	 * NULL in a matcher made by hand (compiled at each match). re_bad:
	 * it does not compile, and matches nothing. */
	void *re;
	int re_bad;
};

struct prom_silence {
	char *id;
	char *state; /* "active", "pending", "expired" */
	char *created_by;
	char *comment;
	char *matchers; /* text: alertname="X" severity=~"a|b" */
	double starts_at, ends_at;
};

/* One health check: 0 green, 1 amber, 2 red. */
struct prom_check {
	char *name;
	char *url; /* redacted */
	int level;
	long status; /* HTTP status, 0 when none */
	double ms;
	char detail[160];
};

struct prom_arena;

struct prom_snap {
	struct prom_alert *alerts;
	size_t nalerts;
	struct prom_arena *arena; /* the alerts' strings and labels (prom.c) */
	struct prom_silence *silences;
	size_t nsilences;
	struct prom_check *checks;
	size_t nchecks;
	int from_prometheus;     /* alerts come from Prometheus (no Alertmanager) */
	char partial[256];       /* one of several sources failed: why */
	unsigned long nrequests; /* requests handled so far */
	int request_failed;      /* ... the last of them failed */
	char request_msg[256];   /* ... what it did or why it failed */
};

extern const struct backend prom_backend;
extern const struct native_ops prom_native;

/* Rank of a severity for sorting: critical 0, warning 1, info 2, else 3. */
int prom_severity_rank(const char *severity);
/* RFC 3339 ("2024-05-01T10:00:00.123Z", "+02:00") to epoch seconds; 0 on
 * a malformed value. */
double prom_parse_time(const char *s);
/* Parse an Alertmanager /api/v2/alerts body (v1 = 0) or a Prometheus
 * /api/v1/alerts body (v1 = 1) and append the alerts to s, skipping
 * fingerprints already there. 0, or -1 + err (invalid JSON, wrong shape,
 * empty body): never "no alerts" for a bad body. */
int prom_parse_alerts(const char *body, size_t len, int v1, struct prom_snap *s, char *err,
		      size_t errlen);
/* Parse a /api/v2/silences body and append (skipping known ids). */
int prom_parse_silences(const char *body, size_t len, struct prom_snap *s, char *err,
			size_t errlen);
/* Sort by severity rank, then oldest first, then name and fingerprint. */
void prom_sort_alerts(struct prom_alert *a, size_t n);
/* The label value, or NULL. */
const char *prom_label(const struct prom_alert *a, const char *name);
/* The annotation's value, or NULL. */
const char *prom_annotation(const struct prom_alert *a, const char *name);
/* "k=v k=v ..." of all labels (for the filter); caller frees. */
char *prom_labels_text(const struct prom_alert *a);
/* The editable matcher text for a silence of alert a: alertname,
 * severity, service, namespace, pod, instance, job when present, as
 * name="value" words. Caller frees. */
char *prom_matchers_for(const struct prom_alert *a);
/* Parse matcher text (name=value, name!=value, name=~re, name!~re; the
 * value bare or double-quoted with \" and \\). The matchers are stored
 * in *out (free with prom_matchers_free). Count, or -1 + err. */
int prom_matchers_parse(const char *text, struct prom_matcher **out, char *err, size_t errlen);
void prom_matchers_free(struct prom_matcher *m, size_t n);
/* 1 if alert a satisfies matcher m as Alertmanager decides it: = and !=
 * compare the label's value exactly (a missing label is ""), =~ and !~
 * match an anchored extended regular expression; an invalid regex
 * matches nothing. */
int prom_alert_matches(const struct prom_alert *a, const struct prom_matcher *m);
/* The POST /api/v2/silences body; caller frees. */
char *prom_silence_json(const struct prom_matcher *m, size_t n, double starts, double ends,
			const char *created_by, const char *comment);
/* 1 if id is a plausible silence id (letters, digits, '-'), for a URL. */
int prom_silence_id_ok(const char *id);
/* Format a /api/v1/query body as text into out: an instant vector as a
 * table (value, a sparkline of the series from range, a
 * /api/v1/query_range body or NULL, and its labels), a scalar or string,
 * or the error as Prometheus reports it. 0 on success, -1 when the body
 * is an error or malformed (the text says why). */
int prom_format_query(const char *body, size_t len, const char *range, size_t rlen, int ascii,
		      struct strbuf *out);
/* The sparkline (width points, ASCII when ascii) of the series of a
 * /api/v1/query_range body whose metric text is key; "" when none. */
char *prom_range_sparkline(const char *range, size_t rlen, const char *key, int width, int ascii);
/* How many of the snapshot's alerts silence s silences. */
size_t prom_silence_matches(const struct prom_silence *s, const struct prom_snap *snap);
void prom_snap_free(struct prom_snap *s);

#endif
