/*
 * prom_codec.c - an alerts or health snapshot (struct prom_snap) as JSON
 * and back (prom_backend's snapshot_encode/decode; codec.h). The Alerts
 * panel draws alert text as it comes (through the sanitising draw
 * helpers) and the checks' URLs come redacted from the poller, so nothing
 * more is masked here.
 *
 * A decoded snapshot keeps its alerts as the poller does, in few
 * allocations: the alerts array, their label arrays and their strings are
 * one block starting at s->alerts (s->arena stays NULL), which
 * prom_snap_free's free(s->alerts) releases. The alerts are read twice:
 * once to check them and count the bytes, once to copy them.
 */
#include <limits.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/prom.h"
#include "lib/util.h"

#define PROM_CODEC_PAIRS 10000 /* labels or annotations of one alert */

static void prom_codec_put_pairs(struct codec_enc *e, cJSON *o, const char *name,
				 const struct prom_label *l, size_t n)
{
	cJSON *m = codec_put_obj(e, o, name);
	size_t i;

	for (i = 0; i < n; i++)
		codec_put_str(e, m, l[i].name, l[i].value);
}

static void prom_codec_put_alert(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct prom_alert *a = row;

	codec_put_str(e, o, "fingerprint", a->fingerprint);
	codec_put_str(e, o, "name", a->name);
	codec_put_str(e, o, "severity", a->severity);
	codec_put_str(e, o, "summary", a->summary);
	codec_put_str(e, o, "state", a->state);
	codec_put_str(e, o, "silenced_by", a->silenced_by);
	codec_put_str(e, o, "inhibited_by", a->inhibited_by);
	codec_put_num(e, o, "starts_at", a->starts_at);
	codec_put_str(e, o, "where", a->where);
	codec_put_str(e, o, "labels_text", a->labels_text);
	prom_codec_put_pairs(e, o, "labels", a->labels, a->nlabels);
	prom_codec_put_pairs(e, o, "annotations", a->annotations, a->nannotations);
}

static void prom_codec_put_silence(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct prom_silence *x = row;

	codec_put_str(e, o, "id", x->id);
	codec_put_str(e, o, "state", x->state);
	codec_put_str(e, o, "created_by", x->created_by);
	codec_put_str(e, o, "comment", x->comment);
	codec_put_str(e, o, "matchers", x->matchers);
	codec_put_num(e, o, "starts_at", x->starts_at);
	codec_put_num(e, o, "ends_at", x->ends_at);
}

static void prom_codec_put_check(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct prom_check *c = row;

	codec_put_str(e, o, "name", c->name);
	codec_put_str(e, o, "url", c->url);
	codec_put_num(e, o, "level", c->level);
	codec_put_num(e, o, "status", (double)c->status);
	codec_put_num(e, o, "ms", c->ms);
	codec_put_str(e, o, "detail", c->detail);
}

cJSON *prom_codec_encode(const void *snap)
{
	const struct prom_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

	codec_put_rows(&e, root, "alerts", s->alerts, s->nalerts, sizeof *s->alerts,
		       prom_codec_put_alert);
	codec_put_rows(&e, root, "silences", s->silences, s->nsilences, sizeof *s->silences,
		       prom_codec_put_silence);
	codec_put_rows(&e, root, "checks", s->checks, s->nchecks, sizeof *s->checks,
		       prom_codec_put_check);
	codec_put_num(&e, root, "from_prometheus", s->from_prometheus);
	codec_put_str(&e, root, "partial", s->partial);
	codec_put_num(&e, root, "nrequests", (double)s->nrequests);
	codec_put_num(&e, root, "request_failed", s->request_failed);
	codec_put_str(&e, root, "request_msg", s->request_msg);
	return codec_enc_done(&e, root);
}

/* The alerts' block: counted on the first pass (fill 0), filled on the
 * second. */
struct prom_codec_pack {
	int fill;
	size_t nlabels, bytes; /* what the alerts need */
	struct prom_label *label;
	char *at;
};

/* A copy of string field name in the block (NULL: null, or counting). */
static char *prom_codec_dup(struct codec_dec *d, struct prom_codec_pack *p, const cJSON *o,
			    const char *name, int nullable)
{
	const char *v = codec_ref(d, o, name, CODEC_STR_MAX, nullable);
	size_t n = v != NULL ? strlen(v) + 1 : 0;
	char *r;

	if (!p->fill || v == NULL) {
		p->bytes += n;
		return NULL;
	}
	r = memcpy(p->at, v, n);
	p->at += n;
	return r;
}

static struct prom_label *prom_codec_pairs(struct codec_dec *d, struct prom_codec_pack *p,
					   const cJSON *o, const char *name, size_t *n)
{
	const cJSON *m = codec_obj(d, o, name), *it;
	struct prom_label *l = p->fill ? p->label : NULL;

	*n = 0;
	codec_enter(d, name, -1);
	cJSON_ArrayForEach(it, m)
	{
		char *v;

		if (*n >= PROM_CODEC_PAIRS) {
			codec_fail(d, NULL, "more than %d entries", PROM_CODEC_PAIRS);
			break;
		}
		if (it->string == NULL || strlen(it->string) > CODEC_STR_MAX) {
			codec_fail(d, NULL, "a name over %u bytes", CODEC_STR_MAX);
			break;
		}
		codec_enter(d, it->string, -1);
		v = prom_codec_dup(d, p, it, NULL, 0);
		codec_leave(d);
		if (p->fill) {
			size_t k = strlen(it->string) + 1;

			l[*n].name = memcpy(p->at, it->string, k);
			l[*n].value = v;
			p->at += k;
		} else {
			p->bytes += strlen(it->string) + 1;
		}
		++*n;
	}
	codec_leave(d);
	p->nlabels += *n;
	if (p->fill)
		p->label += *n;
	return l;
}

static void prom_codec_get_alert(struct codec_dec *d, struct prom_codec_pack *p, const cJSON *o,
				 struct prom_alert *a)
{
	o = codec_obj(d, o, NULL);
	a->fingerprint = prom_codec_dup(d, p, o, "fingerprint", 0);
	a->name = prom_codec_dup(d, p, o, "name", 0);
	a->severity = prom_codec_dup(d, p, o, "severity", 0);
	a->summary = prom_codec_dup(d, p, o, "summary", 0);
	a->state = prom_codec_dup(d, p, o, "state", 0);
	a->silenced_by = prom_codec_dup(d, p, o, "silenced_by", 1);
	a->inhibited_by = prom_codec_dup(d, p, o, "inhibited_by", 1);
	a->starts_at = codec_num(d, o, "starts_at");
	a->where = prom_codec_dup(d, p, o, "where", 0);
	a->labels_text = prom_codec_dup(d, p, o, "labels_text", 0);
	a->labels = prom_codec_pairs(d, p, o, "labels", &a->nlabels);
	a->annotations = prom_codec_pairs(d, p, o, "annotations", &a->nannotations);
}

/* Both passes over the alerts: s->alerts is one block on success. */
static void prom_codec_get_alerts(struct codec_dec *d, const cJSON *j, struct prom_snap *s)
{
	struct prom_codec_pack p = { 0 };
	struct prom_alert scratch;
	const cJSON *arr, *it;
	size_t n, i, head;

	arr = codec_arr(d, j, "alerts", CODEC_ROWS_MAX, &n);
	for (p.fill = 0; p.fill < 2 && !d->bad; p.fill++) {
		if (p.fill) {
			head = n * sizeof *s->alerts;
			s->alerts = xmalloc(head + p.nlabels * sizeof *p.label + p.bytes + 1);
			p.label = (struct prom_label *)(void *)((char *)s->alerts + head);
			p.at = (char *)(p.label + p.nlabels);
		}
		i = 0;
		cJSON_ArrayForEach(it, arr)
		{
			codec_enter(d, "alerts", (long)i);
			prom_codec_get_alert(d, &p, it, p.fill ? &s->alerts[i] : &scratch);
			codec_leave(d);
			i++;
		}
	}
	s->nalerts = s->alerts != NULL ? n : 0;
}

static void prom_codec_get_silence(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct prom_silence *x = row;

	x->id = codec_str(d, o, "id", CODEC_STR_MAX, 0);
	x->state = codec_str(d, o, "state", CODEC_STR_MAX, 0);
	x->created_by = codec_str(d, o, "created_by", CODEC_STR_MAX, 0);
	x->comment = codec_str(d, o, "comment", CODEC_STR_MAX, 0);
	x->matchers = codec_str(d, o, "matchers", CODEC_STR_MAX, 0);
	x->starts_at = codec_num(d, o, "starts_at");
	x->ends_at = codec_num(d, o, "ends_at");
}

static void prom_codec_get_check(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct prom_check *c = row;

	c->name = codec_str(d, o, "name", CODEC_STR_MAX, 0);
	c->url = codec_str(d, o, "url", CODEC_STR_MAX, 0);
	c->level = (int)codec_int(d, o, "level", 0, 2);
	c->status = (long)codec_int(d, o, "status", 0, 999);
	c->ms = codec_num(d, o, "ms");
	codec_buf(d, o, "detail", c->detail, sizeof c->detail);
}

void *prom_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct prom_snap *s;

	if (codec_dec_init(&d, j, "prom", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	prom_codec_get_alerts(&d, j, s);
	s->silences = codec_rows(&d, j, "silences", CODEC_ROWS_MAX, sizeof *s->silences,
				 &s->nsilences, prom_codec_get_silence, NULL);
	s->checks = codec_rows(&d, j, "checks", CODEC_ROWS_MAX, sizeof *s->checks, &s->nchecks,
			       prom_codec_get_check, NULL);
	s->from_prometheus = (int)codec_int(&d, j, "from_prometheus", 0, 1);
	codec_buf(&d, j, "partial", s->partial, sizeof s->partial);
	s->nrequests = (unsigned long)codec_int(&d, j, "nrequests", 0, LONG_MAX);
	s->request_failed = (int)codec_int(&d, j, "request_failed", 0, 1);
	codec_buf(&d, j, "request_msg", s->request_msg, sizeof s->request_msg);
	if (d.bad) {
		prom_snap_free(s);
		return NULL;
	}
	return s;
}
