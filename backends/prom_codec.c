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
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/prom.h"
#include "lib/util.h"

#define PROM_CODEC_PAIRS 10000 /* labels or annotations of one alert */

/* Labels or annotations (f, counted at f->noff) as an object of strings. */
static void prom_codec_put_pairs(struct codec_enc *e, cJSON *o, const void *row,
				 const struct codec_field *f)
{
	const struct prom_label *l =
		*(struct prom_label *const *)(const void *)((const char *)row + f->off);
	size_t n = *(const size_t *)(const void *)((const char *)row + f->noff), i;
	cJSON *m = codec_put_obj(e, o, f->name);

	for (i = 0; i < n; i++)
		codec_put_str(e, m, l[i].name, l[i].value);
}

#define PROM_CODEC_PAIRS_F(f, n)                                                                   \
	{                                                                                          \
		.name = #f, .type = CODEC_FN,                                                      \
		.off = CODEC_AT(struct prom_alert, f, struct prom_label *),                        \
		.noff = CODEC_AT(struct prom_alert, n, size_t), .put = prom_codec_put_pairs        \
	}

/* Read by prom_codec_get_alert, into one block. */
static const struct codec_field prom_codec_alert[] = {
	CODEC_S(struct prom_alert, fingerprint),   CODEC_S(struct prom_alert, name),
	CODEC_S(struct prom_alert, severity),      CODEC_S(struct prom_alert, summary),
	CODEC_S(struct prom_alert, state),         CODEC_SN(struct prom_alert, silenced_by),
	CODEC_SN(struct prom_alert, inhibited_by), CODEC_D(struct prom_alert, starts_at),
	CODEC_S(struct prom_alert, where),         CODEC_S(struct prom_alert, labels_text),
	PROM_CODEC_PAIRS_F(labels, nlabels),       PROM_CODEC_PAIRS_F(annotations, nannotations),
};

static const struct codec_field prom_codec_silence[] = {
	CODEC_S(struct prom_silence, id),         CODEC_S(struct prom_silence, state),
	CODEC_S(struct prom_silence, created_by), CODEC_S(struct prom_silence, comment),
	CODEC_S(struct prom_silence, matchers),   CODEC_D(struct prom_silence, starts_at),
	CODEC_D(struct prom_silence, ends_at),
};

static const struct codec_field prom_codec_check[] = {
	CODEC_S(struct prom_check, name),        CODEC_S(struct prom_check, url),
	CODEC_I(struct prom_check, level, 0, 2), CODEC_L(struct prom_check, status, 0, 999),
	CODEC_D(struct prom_check, ms),          CODEC_B(struct prom_check, detail),
};

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

/* One alert by its table: strings and pairs into the block. */
static void prom_codec_get_alert(struct codec_dec *d, struct prom_codec_pack *p, const cJSON *o,
				 struct prom_alert *a)
{
	size_t i;

	o = codec_obj(d, o, NULL);
	for (i = 0; i < CODEC_LEN(prom_codec_alert); i++) {
		const struct codec_field *f = &prom_codec_alert[i];
		void *at = (char *)a + f->off;

		if (f->type == CODEC_STR || f->type == CODEC_STR_NULL)
			*(char **)at = prom_codec_dup(d, p, o, f->name, f->type == CODEC_STR_NULL);
		else if (f->type == CODEC_FN)
			*(struct prom_label **)at = prom_codec_pairs(
				d, p, o, f->name, (size_t *)(void *)((char *)a + f->noff));
		else
			codec_get_fields(d, o, a, f, 1);
	}
}

/* Both passes over the alerts: s->alerts is one block on success. */
static void prom_codec_get_alerts(struct codec_dec *d, const cJSON *j, void *row,
				  const struct codec_field *f)
{
	struct prom_snap *s = row;
	struct prom_codec_pack p = { 0 };
	struct prom_alert scratch;
	const cJSON *arr, *it;
	size_t n, i, head;

	arr = codec_arr(d, j, f->name, (size_t)f->hi, &n);
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
			codec_enter(d, f->name, (long)i);
			prom_codec_get_alert(d, &p, it, p.fill ? &s->alerts[i] : &scratch);
			codec_leave(d);
			i++;
		}
	}
	s->nalerts = s->alerts != NULL ? n : 0;
}

static const struct codec_field prom_codec_snap[] = {
	CODEC_ROWS_GET(struct prom_snap, alerts, nalerts, prom_codec_alert, CODEC_ROWS_MAX,
		       prom_codec_get_alerts),
	CODEC_ROWS(struct prom_snap, silences, nsilences, prom_codec_silence, CODEC_ROWS_MAX),
	CODEC_ROWS(struct prom_snap, checks, nchecks, prom_codec_check, CODEC_ROWS_MAX),
	CODEC_I(struct prom_snap, from_prometheus, 0, 1),
	CODEC_B(struct prom_snap, partial),
	CODEC_UL(struct prom_snap, nrequests),
	CODEC_I(struct prom_snap, request_failed, 0, 1),
	CODEC_B(struct prom_snap, request_msg),
};

CODEC_DEFINE(prom, prom_backend, struct prom_snap, prom_codec_snap)
