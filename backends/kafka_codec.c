/*
 * kafka_codec.c - a Kafka snapshot (struct kafka_snap: groups with their
 * partitions, topics, the newest reset) as JSON and back (kafka_backend's
 * snapshot_encode/decode; codec.h). Its texts come masked from the
 * poller (kafka_mask), which the lag panel draws as they are.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/kafka.h"
#include "lib/util.h"

#define KAFKA_CODEC_LL (1e18) /* offsets and lags: far beyond any real one */

static void kafka_codec_put_part(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct kafka_part *p = row;

	codec_put_str(e, o, "topic", p->topic);
	codec_put_num(e, o, "partition", p->partition);
	codec_put_num(e, o, "committed", (double)p->committed);
	codec_put_num(e, o, "end", (double)p->end);
	codec_put_num(e, o, "lag", (double)p->lag);
	codec_put_num(e, o, "lag_seconds", p->lag_seconds);
	codec_put_num(e, o, "status", p->status);
	codec_put_str(e, o, "owner", p->owner);
}

static void kafka_codec_put_group(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct kafka_group *g = row;
	cJSON *a;
	size_t i;

	codec_put_str(e, o, "id", g->id);
	codec_put_str(e, o, "state", g->state);
	codec_put_num(e, o, "members", g->members);
	codec_put_num(e, o, "lag", (double)g->lag);
	codec_put_num(e, o, "lag_seconds", g->lag_seconds);
	codec_put_num(e, o, "rate", g->rate);
	codec_put_num(e, o, "produce_rate", g->produce_rate);
	codec_put_num(e, o, "catchup", g->catchup);
	codec_put_num(e, o, "status", g->status);
	codec_put_str(e, o, "error", g->error);
	a = codec_put_arr(e, o, "hist");
	for (i = 0; i < g->nhist && i < KAFKA_HISTORY; i++)
		codec_put_num(e, a, NULL, g->hist[i]);
	codec_put_rows(e, o, "parts", g->parts, g->nparts, sizeof *g->parts, kafka_codec_put_part);
}

static void kafka_codec_put_ints(struct codec_enc *e, cJSON *o, const char *name, const int *v,
				 int n)
{
	cJSON *a = codec_put_arr(e, o, name);
	int i;

	for (i = 0; i < n && i < KAFKA_MAX_REPLICAS; i++)
		codec_put_num(e, a, NULL, v[i]);
}

static void kafka_codec_put_tpart(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct kafka_topic_part *p = row;

	codec_put_num(e, o, "partition", p->partition);
	codec_put_num(e, o, "leader", p->leader);
	kafka_codec_put_ints(e, o, "replicas", p->replicas, p->nreplicas);
	kafka_codec_put_ints(e, o, "isr", p->isr, p->nisr);
	codec_put_str(e, o, "error", p->error);
}

static void kafka_codec_put_topic(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct kafka_topic *t = row;

	codec_put_str(e, o, "name", t->name);
	codec_put_rows(e, o, "parts", t->parts, t->nparts, sizeof *t->parts, kafka_codec_put_tpart);
}

static void kafka_codec_put_row(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct kafka_reset_row *w = row;

	codec_put_num(e, o, "partition", w->partition);
	codec_put_num(e, o, "current", (double)w->current);
	codec_put_num(e, o, "next", (double)w->next);
	codec_put_num(e, o, "delta", (double)w->delta);
}

static void kafka_codec_put_reset(struct codec_enc *e, cJSON *o, const struct kafka_reset *r)
{
	codec_put_num(e, o, "seq", (double)r->seq);
	codec_put_num(e, o, "executed", r->executed);
	codec_put_num(e, o, "ok", r->ok);
	codec_put_str(e, o, "group", r->group);
	codec_put_str(e, o, "topic", r->topic);
	codec_put_num(e, o, "mode", r->mode);
	codec_put_str(e, o, "value", r->value);
	codec_put_rows(e, o, "rows", r->rows, r->nrows, sizeof *r->rows, kafka_codec_put_row);
	codec_put_str(e, o, "error", r->error);
	codec_put_str(e, o, "note", r->note);
}

cJSON *kafka_codec_encode(const void *snap)
{
	const struct kafka_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

	codec_put_rows(&e, root, "groups", s->groups, s->ngroups, sizeof *s->groups,
		       kafka_codec_put_group);
	codec_put_rows(&e, root, "topics", s->topics, s->ntopics, sizeof *s->topics,
		       kafka_codec_put_topic);
	codec_put_num(&e, root, "nbrokers", s->nbrokers);
	codec_put_num(&e, root, "listed", s->listed);
	codec_put_str(&e, root, "note", s->note);
	if (s->reset != NULL)
		kafka_codec_put_reset(&e, codec_put_obj(&e, root, "reset"), s->reset);
	else
		codec_put_str(&e, root, "reset", NULL);
	return codec_enc_done(&e, root);
}

static long long kafka_codec_ll(struct codec_dec *d, const cJSON *o, const char *name)
{
	return codec_int(d, o, name, -(long long)KAFKA_CODEC_LL, (long long)KAFKA_CODEC_LL);
}

static int kafka_codec_status(struct codec_dec *d, const cJSON *o)
{
	return (int)codec_int(d, o, "status", KAFKA_OK, KAFKA_ERR);
}

static void kafka_codec_get_part(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct kafka_part *p = row;

	p->topic = codec_str(d, o, "topic", CODEC_STR_MAX, 0);
	p->partition = (int)codec_int(d, o, "partition", -1, INT_MAX);
	p->committed = kafka_codec_ll(d, o, "committed");
	p->end = kafka_codec_ll(d, o, "end");
	p->lag = kafka_codec_ll(d, o, "lag");
	p->lag_seconds = codec_num(d, o, "lag_seconds");
	p->status = (enum kafka_status)kafka_codec_status(d, o);
	codec_buf(d, o, "owner", p->owner, sizeof p->owner);
}

static void kafka_codec_get_group(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct kafka_group *g = row;
	const cJSON *a, *it;
	size_t n;

	g->id = codec_str(d, o, "id", CODEC_STR_MAX, 0);
	codec_buf(d, o, "state", g->state, sizeof g->state);
	g->members = (int)codec_int(d, o, "members", -1, INT_MAX);
	g->lag = kafka_codec_ll(d, o, "lag");
	g->lag_seconds = codec_num(d, o, "lag_seconds");
	g->rate = codec_num(d, o, "rate");
	g->produce_rate = codec_num(d, o, "produce_rate");
	g->catchup = codec_num(d, o, "catchup");
	g->status = (enum kafka_status)kafka_codec_status(d, o);
	codec_buf(d, o, "error", g->error, sizeof g->error);
	a = codec_arr(d, o, "hist", KAFKA_HISTORY, &n);
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "hist", (long)g->nhist);
		g->hist[g->nhist++] = codec_num(d, it, NULL);
		codec_leave(d);
	}
	g->parts = codec_rows(d, o, "parts", CODEC_ROWS_MAX, sizeof *g->parts, &g->nparts,
			      kafka_codec_get_part, NULL);
}

static int kafka_codec_get_ints(struct codec_dec *d, const cJSON *o, const char *name, int *v)
{
	const cJSON *a, *it;
	size_t n;
	int i = 0;

	a = codec_arr(d, o, name, KAFKA_MAX_REPLICAS, &n);
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, name, i);
		v[i++] = (int)codec_int(d, it, NULL, -1, INT_MAX);
		codec_leave(d);
	}
	return i;
}

static void kafka_codec_get_tpart(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct kafka_topic_part *p = row;

	p->partition = (int)codec_int(d, o, "partition", -1, INT_MAX);
	p->leader = (int)codec_int(d, o, "leader", -1, INT_MAX);
	p->nreplicas = kafka_codec_get_ints(d, o, "replicas", p->replicas);
	p->nisr = kafka_codec_get_ints(d, o, "isr", p->isr);
	codec_buf(d, o, "error", p->error, sizeof p->error);
}

static void kafka_codec_get_topic(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct kafka_topic *t = row;

	t->name = codec_str(d, o, "name", CODEC_STR_MAX, 0);
	t->parts = codec_rows(d, o, "parts", CODEC_ROWS_MAX, sizeof *t->parts, &t->nparts,
			      kafka_codec_get_tpart, NULL);
}

static void kafka_codec_get_row(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct kafka_reset_row *w = row;

	w->partition = (int)codec_int(d, o, "partition", -1, INT_MAX);
	w->current = kafka_codec_ll(d, o, "current");
	w->next = kafka_codec_ll(d, o, "next");
	w->delta = kafka_codec_ll(d, o, "delta");
}

static struct kafka_reset *kafka_codec_get_reset(struct codec_dec *d, const cJSON *o)
{
	struct kafka_reset *r = xcalloc(1, sizeof *r);

	codec_enter(d, "reset", -1);
	r->seq = (unsigned long)codec_int(d, o, "seq", 0, LONG_MAX);
	r->executed = (int)codec_int(d, o, "executed", 0, 1);
	r->ok = (int)codec_int(d, o, "ok", 0, 1);
	r->group = codec_str(d, o, "group", CODEC_STR_MAX, 1);
	r->topic = codec_str(d, o, "topic", CODEC_STR_MAX, 1);
	r->mode = (enum kafka_reset_mode)codec_int(d, o, "mode", KAFKA_RESET_EARLIEST,
						   KAFKA_RESET_SHIFT);
	codec_buf(d, o, "value", r->value, sizeof r->value);
	r->rows = codec_rows(d, o, "rows", CODEC_ROWS_MAX, sizeof *r->rows, &r->nrows,
			     kafka_codec_get_row, NULL);
	codec_buf(d, o, "error", r->error, sizeof r->error);
	codec_buf(d, o, "note", r->note, sizeof r->note);
	codec_leave(d);
	return r;
}

void *kafka_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct kafka_snap *s;
	const cJSON *r;

	if (codec_dec_init(&d, j, "kafka", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->groups = codec_rows(&d, j, "groups", CODEC_ROWS_MAX, sizeof *s->groups, &s->ngroups,
			       kafka_codec_get_group, NULL);
	s->topics = codec_rows(&d, j, "topics", CODEC_ROWS_MAX, sizeof *s->topics, &s->ntopics,
			       kafka_codec_get_topic, NULL);
	s->nbrokers = (int)codec_int(&d, j, "nbrokers", -1, INT_MAX);
	s->listed = (int)codec_int(&d, j, "listed", 0, 1);
	codec_buf(&d, j, "note", s->note, sizeof s->note);
	r = cJSON_GetObjectItemCaseSensitive(j, "reset");
	if (r != NULL && !cJSON_IsNull(r))
		s->reset = kafka_codec_get_reset(&d, codec_obj(&d, j, "reset"));
	else if (r == NULL)
		codec_fail(&d, "reset", "missing");
	if (d.bad) {
		kafka_backend.snapshot_free(s);
		return NULL;
	}
	return s;
}
