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

static void kafka_codec_put_group(struct codec_enc *e, cJSON *o, const struct kafka_group *g)
{
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
	a = codec_put_arr(e, o, "parts");
	for (i = 0; i < g->nparts; i++) {
		const struct kafka_part *p = &g->parts[i];
		cJSON *po = codec_put_obj(e, a, NULL);

		codec_put_str(e, po, "topic", p->topic);
		codec_put_num(e, po, "partition", p->partition);
		codec_put_num(e, po, "committed", (double)p->committed);
		codec_put_num(e, po, "end", (double)p->end);
		codec_put_num(e, po, "lag", (double)p->lag);
		codec_put_num(e, po, "lag_seconds", p->lag_seconds);
		codec_put_num(e, po, "status", p->status);
		codec_put_str(e, po, "owner", p->owner);
	}
}

static void kafka_codec_put_ints(struct codec_enc *e, cJSON *o, const char *name, const int *v,
				 int n)
{
	cJSON *a = codec_put_arr(e, o, name);
	int i;

	for (i = 0; i < n && i < KAFKA_MAX_REPLICAS; i++)
		codec_put_num(e, a, NULL, v[i]);
}

static void kafka_codec_put_topic(struct codec_enc *e, cJSON *o, const struct kafka_topic *t)
{
	cJSON *a;
	size_t i;

	codec_put_str(e, o, "name", t->name);
	a = codec_put_arr(e, o, "parts");
	for (i = 0; i < t->nparts; i++) {
		const struct kafka_topic_part *p = &t->parts[i];
		cJSON *po = codec_put_obj(e, a, NULL);

		codec_put_num(e, po, "partition", p->partition);
		codec_put_num(e, po, "leader", p->leader);
		kafka_codec_put_ints(e, po, "replicas", p->replicas, p->nreplicas);
		kafka_codec_put_ints(e, po, "isr", p->isr, p->nisr);
		codec_put_str(e, po, "error", p->error);
	}
}

static void kafka_codec_put_reset(struct codec_enc *e, cJSON *o, const struct kafka_reset *r)
{
	cJSON *a;
	size_t i;

	codec_put_num(e, o, "seq", (double)r->seq);
	codec_put_num(e, o, "executed", r->executed);
	codec_put_num(e, o, "ok", r->ok);
	codec_put_str(e, o, "group", r->group);
	codec_put_str(e, o, "topic", r->topic);
	codec_put_num(e, o, "mode", r->mode);
	codec_put_str(e, o, "value", r->value);
	a = codec_put_arr(e, o, "rows");
	for (i = 0; i < r->nrows; i++) {
		cJSON *ro = codec_put_obj(e, a, NULL);

		codec_put_num(e, ro, "partition", r->rows[i].partition);
		codec_put_num(e, ro, "current", (double)r->rows[i].current);
		codec_put_num(e, ro, "next", (double)r->rows[i].next);
		codec_put_num(e, ro, "delta", (double)r->rows[i].delta);
	}
	codec_put_str(e, o, "error", r->error);
	codec_put_str(e, o, "note", r->note);
}

cJSON *kafka_codec_encode(const void *snap)
{
	const struct kafka_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e), *a;
	size_t i;

	a = codec_put_arr(&e, root, "groups");
	for (i = 0; i < s->ngroups; i++)
		kafka_codec_put_group(&e, codec_put_obj(&e, a, NULL), &s->groups[i]);
	a = codec_put_arr(&e, root, "topics");
	for (i = 0; i < s->ntopics; i++)
		kafka_codec_put_topic(&e, codec_put_obj(&e, a, NULL), &s->topics[i]);
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

static void kafka_codec_get_part(struct codec_dec *d, const cJSON *o, struct kafka_part *p)
{
	o = codec_obj(d, o, NULL);
	p->topic = codec_str(d, o, "topic", CODEC_STR_MAX, 0);
	p->partition = (int)codec_int(d, o, "partition", -1, INT_MAX);
	p->committed = kafka_codec_ll(d, o, "committed");
	p->end = kafka_codec_ll(d, o, "end");
	p->lag = kafka_codec_ll(d, o, "lag");
	p->lag_seconds = codec_num(d, o, "lag_seconds");
	p->status = (enum kafka_status)kafka_codec_status(d, o);
	codec_buf(d, o, "owner", p->owner, sizeof p->owner);
}

static void kafka_codec_get_group(struct codec_dec *d, const cJSON *o, struct kafka_group *g)
{
	const cJSON *a, *it;
	size_t n, i = 0;

	o = codec_obj(d, o, NULL);
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
	a = codec_arr(d, o, "parts", CODEC_ROWS_MAX, &n);
	g->parts = xcalloc(n + 1, sizeof *g->parts);
	g->nparts = n;
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "parts", (long)i);
		kafka_codec_get_part(d, it, &g->parts[i++]);
		codec_leave(d);
	}
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

static void kafka_codec_get_topic(struct codec_dec *d, const cJSON *o, struct kafka_topic *t)
{
	const cJSON *a, *it;
	size_t n, i = 0;

	o = codec_obj(d, o, NULL);
	t->name = codec_str(d, o, "name", CODEC_STR_MAX, 0);
	a = codec_arr(d, o, "parts", CODEC_ROWS_MAX, &n);
	t->parts = xcalloc(n + 1, sizeof *t->parts);
	t->nparts = n;
	cJSON_ArrayForEach(it, a)
	{
		struct kafka_topic_part *p = &t->parts[i];
		const cJSON *po;

		codec_enter(d, "parts", (long)i++);
		po = codec_obj(d, it, NULL);
		p->partition = (int)codec_int(d, po, "partition", -1, INT_MAX);
		p->leader = (int)codec_int(d, po, "leader", -1, INT_MAX);
		p->nreplicas = kafka_codec_get_ints(d, po, "replicas", p->replicas);
		p->nisr = kafka_codec_get_ints(d, po, "isr", p->isr);
		codec_buf(d, po, "error", p->error, sizeof p->error);
		codec_leave(d);
	}
}

static struct kafka_reset *kafka_codec_get_reset(struct codec_dec *d, const cJSON *o)
{
	struct kafka_reset *r = xcalloc(1, sizeof *r);
	const cJSON *a, *it;
	size_t n, i = 0;

	codec_enter(d, "reset", -1);
	r->seq = (unsigned long)codec_int(d, o, "seq", 0, LONG_MAX);
	r->executed = (int)codec_int(d, o, "executed", 0, 1);
	r->ok = (int)codec_int(d, o, "ok", 0, 1);
	r->group = codec_str(d, o, "group", CODEC_STR_MAX, 1);
	r->topic = codec_str(d, o, "topic", CODEC_STR_MAX, 1);
	r->mode = (enum kafka_reset_mode)codec_int(d, o, "mode", KAFKA_RESET_EARLIEST,
						   KAFKA_RESET_SHIFT);
	codec_buf(d, o, "value", r->value, sizeof r->value);
	a = codec_arr(d, o, "rows", CODEC_ROWS_MAX, &n);
	r->rows = xcalloc(n + 1, sizeof *r->rows);
	r->nrows = n;
	cJSON_ArrayForEach(it, a)
	{
		struct kafka_reset_row *w = &r->rows[i];
		const cJSON *ro;

		codec_enter(d, "rows", (long)i++);
		ro = codec_obj(d, it, NULL);
		w->partition = (int)codec_int(d, ro, "partition", -1, INT_MAX);
		w->current = kafka_codec_ll(d, ro, "current");
		w->next = kafka_codec_ll(d, ro, "next");
		w->delta = kafka_codec_ll(d, ro, "delta");
		codec_leave(d);
	}
	codec_buf(d, o, "error", r->error, sizeof r->error);
	codec_buf(d, o, "note", r->note, sizeof r->note);
	codec_leave(d);
	return r;
}

void *kafka_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct kafka_snap *s;
	const cJSON *a, *it, *r;
	size_t n, i;

	if (codec_dec_init(&d, j, "kafka", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
	a = codec_arr(&d, j, "groups", CODEC_ROWS_MAX, &n);
	s->groups = xcalloc(n + 1, sizeof *s->groups);
	s->ngroups = n;
	i = 0;
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(&d, "groups", (long)i);
		kafka_codec_get_group(&d, it, &s->groups[i++]);
		codec_leave(&d);
	}
	a = codec_arr(&d, j, "topics", CODEC_ROWS_MAX, &n);
	s->topics = xcalloc(n + 1, sizeof *s->topics);
	s->ntopics = n;
	i = 0;
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(&d, "topics", (long)i);
		kafka_codec_get_topic(&d, it, &s->topics[i++]);
		codec_leave(&d);
	}
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
