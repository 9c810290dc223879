/*
 * kafka.c - the Kafka data source over librdkafka (see kafka.h). One
 * producer-type handle serves as the admin client for everything: the
 * metadata, the consumer groups and their committed offsets (the Admin
 * API calls are kafka_admin.c's, as are the offset resets), and log end
 * offsets with one offsets_for_times per leader (the leaders in parallel,
 * while the committed offsets are awaited). This file opens the handle,
 * keeps the per-partition windows and builds each snapshot from them;
 * the pure helpers (status, lag time, reset arithmetic) sit at the top.
 * Every wait has a deadline, so a broker down costs a poll one timeout
 * and the partitions it leads, never a hang (tests/bench/kafka_scale.sh:
 * 200 groups x 50 partitions). librdkafka's own log goes to our log
 * file, never to the terminal, and secret property values are masked in
 * every message.
 */
#include "backends/kafka.h"
#include "backends/codec.h"
#include "backends/kafka_admin.h"
#include "backends/kafka_client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/util.h"
#include "runtime/job.h"

#define KAFKA_LIST_EVERY 30 /* polls between ListConsumerGroups attempts */
#define KAFKA_LEADERS 16    /* end-offset batches (threads) at once */

/* One partition's window, keyed by group/topic/partition. */
struct kafka_track {
	struct kafka_track *next;
	char *group, *topic;
	int partition;
	struct kafka_sample w[KAFKA_WINDOW];
	size_t n;
	unsigned long seen; /* the poll that last saw it */
};

struct kafka_ghist {
	char *group;
	double hist[KAFKA_HISTORY];
	size_t n;
};

/* ---- pure helpers ---------------------------------------------------- */

const char *kafka_status_name(enum kafka_status s)
{
	static const char *const names[] = { "OK", "WARN", "STALL", "REWIND", "STOP", "ERR" };

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

enum kafka_status kafka_status_worst(enum kafka_status a, enum kafka_status b)
{
	return a > b ? a : b;
}

enum kafka_status kafka_status_eval(const struct kafka_sample *w, size_t n)
{
	size_t i, first = 0, ups = 0, downs = 0;
	long long lag0, lagn;

	/* Samples before the first commit say nothing about the consumer. */
	while (first < n && w[first].committed < 0)
		first++;
	if (n - first < 3)
		return KAFKA_OK;
	w += first;
	n -= first;
	for (i = 1; i < n; i++)
		if (w[i].committed >= 0 && w[i].committed < w[i - 1].committed)
			return KAFKA_REWIND;
	for (i = 0; i < n; i++)
		if (w[i].end - w[i].committed <= 0)
			return KAFKA_OK;
	lag0 = w[0].end - w[0].committed;
	lagn = w[n - 1].end - w[n - 1].committed;
	if (w[0].committed == w[n - 1].committed)
		return lagn > lag0 ? KAFKA_STOP : KAFKA_STALL;
	for (i = 1; i < n; i++) {
		long long a = w[i - 1].end - w[i - 1].committed, b = w[i].end - w[i].committed;

		if (b > a)
			ups++;
		else if (b < a)
			downs++;
	}
	if (lagn > lag0 && ups >= 3 * downs && ups > 0)
		return KAFKA_WARN;
	return KAFKA_OK;
}

double kafka_window_rate(const struct kafka_sample *w, size_t n, int which)
{
	size_t first = 0;
	double dt;
	long long a, b;

	if (which == 0)
		while (first < n && w[first].committed < 0)
			first++;
	if (n < first + 2)
		return -1;
	dt = w[n - 1].t - w[first].t;
	if (!(dt > 0))
		return -1;
	a = which == 0 ? w[first].committed : w[first].end;
	b = which == 0 ? w[n - 1].committed : w[n - 1].end;
	if (b < a)
		return -1;
	return (double)(b - a) / dt;
}

double kafka_lag_seconds(const struct kafka_sample *w, size_t n)
{
	const struct kafka_sample *last;
	long long c;
	size_t i;
	double rate;

	if (n == 0)
		return -1;
	last = &w[n - 1];
	c = last->committed;
	if (c < 0 || last->end < 0)
		return -1;
	if (last->end <= c)
		return 0;
	/* The newest sample whose end was at or below c, then interpolate
	 * towards the next one. */
	for (i = n; i-- > 0;) {
		if (w[i].end <= c) {
			const struct kafka_sample *a = &w[i], *b;
			double t;

			if (i + 1 >= n)
				return 0;
			b = &w[i + 1];
			if (b->end == a->end)
				t = b->t;
			else
				t = a->t + (b->t - a->t) * (double)(c - a->end) /
						   (double)(b->end - a->end);
			return last->t - t > 0 ? last->t - t : 0;
		}
	}
	/* Older than the window: extrapolate with the produce rate. */
	rate = kafka_window_rate(w, n, 1);
	if (!(rate > 0))
		return -1;
	return last->t - w[0].t + (double)(w[0].end - c) / rate;
}

long long kafka_reset_offset(enum kafka_reset_mode mode, long long value, long long current,
			     long long low, long long high, long long at_time)
{
	long long next;

	switch (mode) {
	case KAFKA_RESET_EARLIEST:
		next = low;
		break;
	case KAFKA_RESET_LATEST:
		next = high;
		break;
	case KAFKA_RESET_TIME:
		next = at_time < 0 ? high : at_time;
		break;
	case KAFKA_RESET_SHIFT:
	default:
		next = (current >= 0 ? current : low) + value;
		break;
	}
	if (next < low)
		next = low;
	if (next > high)
		next = high;
	return next;
}

int kafka_reset_mode_parse(const char *s)
{
	if (strcmp(s, "earliest") == 0)
		return KAFKA_RESET_EARLIEST;
	if (strcmp(s, "latest") == 0)
		return KAFKA_RESET_LATEST;
	if (strcmp(s, "time") == 0)
		return KAFKA_RESET_TIME;
	if (strcmp(s, "shift") == 0)
		return KAFKA_RESET_SHIFT;
	return -1;
}

const char *kafka_reset_mode_name(enum kafka_reset_mode m)
{
	static const char *const names[] = { "earliest", "latest", "time", "shift" };

	return (unsigned)m < 4 ? names[m] : "?";
}

int kafka_parse_time(const char *s, double now_wall, long long *ms)
{
	struct tm tm;
	const char *end;
	char *e;
	double d;
	long long v;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end != NULL && (*end == '\0' || strcmp(end, "Z") == 0)) {
		*ms = (long long)timegm(&tm) * 1000;
		return 0;
	}
	v = strtoll(s, &e, 10);
	if (e != s && *e == '\0' && v > 100000000000LL) {
		*ms = v;
		return 0;
	}
	if (util_parse_duration(s, &d) == 0 && d >= 0) {
		*ms = (long long)((now_wall - d) * 1000);
		return 0;
	}
	return -1;
}

char *kafka_mask(const char *text, const struct config *c)
{
	char *out = xstrdup(text != NULL ? text : "");
	size_t i;

	for (i = 0; c != NULL && i < c->nkafka_props; i++) {
		const char *v = c->kafka_prop_values[i];
		size_t vl;
		char *p;

		if (!config_is_secret_property(c->kafka_prop_keys[i]) || v == NULL)
			continue;
		vl = strlen(v);
		if (vl == 0)
			continue;
		while ((p = strstr(out, v)) != NULL) {
			char *n = xasprintf("%.*s****%s", (int)(p - out), out, p + vl);

			free(out);
			out = n;
		}
	}
	return out;
}

void kafka_reset_free(struct kafka_reset *r)
{
	if (r == NULL)
		return;
	free(r->group);
	free(r->topic);
	free(r->rows);
	free(r);
}

struct kafka_reset_req *kafka_reset_req_new(const char *group, const char *topic,
					    enum kafka_reset_mode mode, const char *value)
{
	struct kafka_reset_req *q = xcalloc(1, sizeof *q);

	q->group = xstrdup(group);
	q->topic = xstrdup(topic);
	q->mode = mode;
	q->value = xstrdup(value != NULL ? value : "");
	return q;
}

void kafka_reset_req_free(void *req)
{
	struct kafka_reset_req *q = req;

	if (q == NULL)
		return;
	free(q->group);
	free(q->topic);
	free(q->value);
	free(q);
}

static struct kafka_reset *kafka_reset_copy(const struct kafka_reset *r)
{
	struct kafka_reset *c;

	if (r == NULL)
		return NULL;
	c = xmalloc(sizeof *c);
	*c = *r;
	c->group = xstrdup(r->group);
	c->topic = xstrdup(r->topic);
	c->rows = r->nrows ? xmalloc(r->nrows * sizeof *r->rows) : NULL;
	if (r->nrows)
		memcpy(c->rows, r->rows, r->nrows * sizeof *r->rows);
	return c;
}

/* ---- the handle ------------------------------------------------------ */

const char *kafka_hint(const char *msg, int old_broker)
{
	if (msg == NULL || !old_broker)
		return "";
	if (strstr(msg, "transport failure") == NULL && strstr(msg, "Timed out") == NULL &&
	    strstr(msg, "timed out") == NULL)
		return "";
	return " (broker older than 0.10? set kafka.properties api.version.request: false and "
	       "broker.version.fallback: 0.9.0.1)";
}

void kafka_err(struct kafka_state *st, char *err, size_t errlen, const char *what, const char *msg)
{
	char *m = kafka_mask(msg, st->arg.cfg);

	snprintf(err, errlen, "%s: %s%s", what, m, kafka_hint(m, kafka_client_old_broker()));
	free(m);
}

/* The shared handle (backends/kafka_client.c), with the lag panel's
 * timeout when it is the first user. */
static int kafka_open(void **state, const void *arg, char *err, size_t errlen)
{
	const struct kafka_arg *a = arg;
	struct kafka_state *st;

	if (a == NULL || a->cfg == NULL || a->cfg->kafka_bootstrap == NULL) {
		snprintf(err, errlen,
			 "not configured: set kafka.bootstrap or KAFKA_BOOTSTRAP_SERVERS");
		return -1;
	}
	st = xcalloc(1, sizeof *st);
	st->arg = *a;
	if (!(st->arg.timeout > 0))
		st->arg.timeout = 2;
	st->list_supported = -1;
	st->rk = kafka_client_get(a->cfg, st->arg.timeout, err, errlen);
	if (st->rk == NULL) {
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

int kafka_ms(const struct kafka_state *st)
{
	return (int)(st->arg.timeout * 1000);
}

rd_kafka_event_t *kafka_wait(rd_kafka_queue_t *q, int want, double deadline)
{
	for (;;) {
		double left = deadline - util_now();
		rd_kafka_event_t *ev;

		if (left <= 0)
			return NULL;
		ev = rd_kafka_queue_poll(q, (int)(left * 1000) + 1);
		if (ev == NULL)
			return NULL;
		if (rd_kafka_event_type(ev) == want)
			return ev;
		rd_kafka_event_destroy(ev);
	}
}

/* ---- windows --------------------------------------------------------- */

static unsigned kafka_hash(const char *g, const char *t, int p)
{
	unsigned h = 2166136261u;

	for (; *g; g++)
		h = (h ^ (unsigned char)*g) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 16777619u;
	h = (h ^ (unsigned)p) * 16777619u;
	return h % KAFKA_TRACK_BUCKETS;
}

static struct kafka_track *kafka_track_get(struct kafka_state *st, const char *g, const char *t,
					   int p)
{
	unsigned h = kafka_hash(g, t, p);
	struct kafka_track *k;

	for (k = st->buckets[h]; k != NULL; k = k->next)
		if (k->partition == p && strcmp(k->group, g) == 0 && strcmp(k->topic, t) == 0)
			return k;
	k = xcalloc(1, sizeof *k);
	k->group = xstrdup(g);
	k->topic = xstrdup(t);
	k->partition = p;
	k->next = st->buckets[h];
	st->buckets[h] = k;
	return k;
}

static void kafka_track_add(struct kafka_track *k, double t, long long committed, long long end)
{
	if (k->n == KAFKA_WINDOW) {
		memmove(k->w, k->w + 1, (KAFKA_WINDOW - 1) * sizeof k->w[0]);
		k->n--;
	}
	k->w[k->n].t = t;
	k->w[k->n].committed = committed;
	k->w[k->n].end = end;
	k->n++;
}

/* Forget partitions not seen for a while (a deleted topic or group). */
static void kafka_track_sweep(struct kafka_state *st)
{
	size_t i;

	for (i = 0; i < KAFKA_TRACK_BUCKETS; i++) {
		struct kafka_track **pp = &st->buckets[i];

		while (*pp != NULL) {
			struct kafka_track *k = *pp;

			if (st->polls - k->seen > 3 * KAFKA_WINDOW) {
				*pp = k->next;
				free(k->group);
				free(k->topic);
				free(k);
			} else {
				pp = &k->next;
			}
		}
	}
}

static struct kafka_ghist *kafka_ghist_get(struct kafka_state *st, const char *g)
{
	size_t i;

	for (i = 0; i < st->nghist; i++)
		if (strcmp(st->ghist[i].group, g) == 0)
			return &st->ghist[i];
	st->ghist = xrealloc(st->ghist, (st->nghist + 1) * sizeof *st->ghist);
	memset(&st->ghist[st->nghist], 0, sizeof st->ghist[0]);
	st->ghist[st->nghist].group = xstrdup(g);
	return &st->ghist[st->nghist++];
}

/* ---- snapshot -------------------------------------------------------- */

static void kafka_snapshot_free(void *p)
{
	struct kafka_snap *s = p;
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->ngroups; i++) {
		for (k = 0; k < s->groups[i].nparts; k++)
			free(s->groups[i].parts[k].topic);
		free(s->groups[i].parts);
		free(s->groups[i].id);
	}
	free(s->groups);
	for (i = 0; i < s->ntopics; i++) {
		free(s->topics[i].name);
		free(s->topics[i].parts);
	}
	free(s->topics);
	kafka_reset_free(s->reset);
	free(s);
}

static int kafka_internal_topic(const char *name)
{
	return name[0] == '_';
}

static void kafka_snap_topics(struct kafka_snap *s, const rd_kafka_metadata_t *md)
{
	int i, k, r;

	s->nbrokers = md->broker_cnt;
	s->topics = xcalloc((size_t)md->topic_cnt + 1, sizeof *s->topics);
	for (i = 0; i < md->topic_cnt; i++) {
		const rd_kafka_metadata_topic_t *mt = &md->topics[i];
		struct kafka_topic *t;

		if (kafka_internal_topic(mt->topic) || mt->err != RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;
		t = &s->topics[s->ntopics++];
		t->name = xstrdup(mt->topic);
		t->parts = xcalloc((size_t)mt->partition_cnt + 1, sizeof *t->parts);
		for (k = 0; k < mt->partition_cnt; k++) {
			const rd_kafka_metadata_partition_t *mp = &mt->partitions[k];
			struct kafka_topic_part *p = &t->parts[t->nparts++];

			p->partition = mp->id;
			p->leader = mp->leader;
			for (r = 0; r < mp->replica_cnt && r < KAFKA_MAX_REPLICAS; r++)
				p->replicas[p->nreplicas++] = mp->replicas[r];
			for (r = 0; r < mp->isr_cnt && r < KAFKA_MAX_REPLICAS; r++)
				p->isr[p->nisr++] = mp->isrs[r];
			if (mp->err != RD_KAFKA_RESP_ERR_NO_ERROR)
				snprintf(p->error, sizeof p->error, "%s",
					 rd_kafka_err2str(mp->err));
		}
	}
}

/* All partitions of the non-internal topics, as a list. */
static rd_kafka_topic_partition_list_t *kafka_all_parts(const struct kafka_snap *s)
{
	rd_kafka_topic_partition_list_t *l;
	size_t i, k;

	l = rd_kafka_topic_partition_list_new(16);
	for (i = 0; i < s->ntopics; i++)
		for (k = 0; k < s->topics[i].nparts; k++)
			rd_kafka_topic_partition_list_add(l, s->topics[i].name,
							  s->topics[i].parts[k].partition);
	return l;
}

long long kafka_find_offset(const rd_kafka_topic_partition_list_t *l, const char *topic, int p)
{
	rd_kafka_topic_partition_t *e;

	if (l == NULL)
		return -1;
	e = rd_kafka_topic_partition_list_find(l, topic, p);
	if (e == NULL || e->err != RD_KAFKA_RESP_ERR_NO_ERROR)
		return -1;
	return e->offset;
}

static int kafka_part_cmp(const void *a, const void *b)
{
	const struct kafka_part *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);

	return c != 0 ? c : x->partition - y->partition;
}

static void kafka_fill_group(struct kafka_state *st, struct kafka_group *g,
			     const rd_kafka_topic_partition_list_t *committed,
			     const rd_kafka_topic_partition_list_t *ends, double now)
{
	struct kafka_ghist *gh;
	double crate = 0, prate = 0;
	int i, any = 0;

	g->lag = -1;
	g->lag_seconds = -1;
	g->rate = g->produce_rate = g->catchup = -1;
	g->status = KAFKA_OK;
	if (committed == NULL) {
		g->status = KAFKA_ERR;
		return;
	}
	g->parts = xcalloc((size_t)committed->cnt + 1, sizeof *g->parts);
	for (i = 0; i < committed->cnt; i++) {
		const rd_kafka_topic_partition_t *c = &committed->elems[i];
		struct kafka_part *p;
		struct kafka_track *k;
		double r;

		if (c->err != RD_KAFKA_RESP_ERR_NO_ERROR || c->offset < 0)
			continue;
		p = &g->parts[g->nparts++];
		p->topic = xstrdup(c->topic);
		p->partition = c->partition;
		p->committed = c->offset;
		p->end = kafka_find_offset(ends, c->topic, c->partition);
		p->lag = p->end >= 0 ? (p->end > p->committed ? p->end - p->committed : 0) : -1;
		k = kafka_track_get(st, g->id, c->topic, c->partition);
		k->seen = st->polls;
		if (p->end >= 0)
			kafka_track_add(k, now, p->committed, p->end);
		p->status = p->end >= 0 ? kafka_status_eval(k->w, k->n) : KAFKA_ERR;
		p->lag_seconds = kafka_lag_seconds(k->w, k->n);
		g->status = kafka_status_worst(g->status, p->status);
		if (p->lag >= 0) {
			g->lag = (g->lag < 0 ? 0 : g->lag) + p->lag;
			any = 1;
		}
		if (p->lag_seconds > g->lag_seconds)
			g->lag_seconds = p->lag_seconds;
		r = kafka_window_rate(k->w, k->n, 0);
		if (r >= 0) {
			crate += r;
			g->rate = crate;
		}
		r = kafka_window_rate(k->w, k->n, 1);
		if (r >= 0) {
			prate += r;
			g->produce_rate = prate;
		}
	}
	if (g->nparts > 1)
		qsort(g->parts, g->nparts, sizeof *g->parts, kafka_part_cmp);
	if (!any && g->nparts == 0)
		snprintf(g->error, sizeof g->error, "no committed offsets");
	if (g->lag == 0)
		g->catchup = 0;
	else if (g->lag > 0 && g->rate > 0 && g->lag_seconds >= 0 && g->lag_seconds < 1)
		g->catchup = g->lag_seconds; /* keeping up: a batch behind */
	else if (g->lag > 0 && g->rate > 0 && g->produce_rate >= 0 && g->rate > g->produce_rate)
		g->catchup = (double)g->lag / (g->rate - g->produce_rate);
	gh = kafka_ghist_get(st, g->id);
	if (g->lag >= 0) {
		if (gh->n == KAFKA_HISTORY) {
			memmove(gh->hist, gh->hist + 1, (KAFKA_HISTORY - 1) * sizeof gh->hist[0]);
			gh->n--;
		}
		gh->hist[gh->n++] = (double)g->lag;
	}
	memcpy(g->hist, gh->hist, gh->n * sizeof gh->hist[0]);
	g->nhist = gh->n;
}

/* Log end offsets, one offsets_for_times per partition leader, the
 * leaders asked in parallel (one thread each, at most KAFKA_LEADERS): a
 * leader that does not answer leaves its partitions unknown and costs
 * one timeout, while the others' partitions are read. */
struct kafka_leader {
	struct kafka_state *st;
	int leader;
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t err;
	pthread_t thread;
	int started;
};

struct kafka_ends {
	struct kafka_leader job[KAFKA_LEADERS];
	size_t n;
};

static void *kafka_leader_main(void *arg)
{
	struct kafka_leader *j = arg;
	int i;

	for (i = 0; i < j->l->cnt; i++)
		j->l->elems[i].offset = -1;
	j->err = rd_kafka_offsets_for_times(j->st->rk, j->l, kafka_ms(j->st));
	return NULL;
}

static void kafka_ends_start(struct kafka_state *st, const struct kafka_snap *s,
			     struct kafka_ends *en)
{
	size_t i, k, j;

	memset(en, 0, sizeof *en);
	for (i = 0; i < s->ntopics; i++) {
		for (k = 0; k < s->topics[i].nparts; k++) {
			const struct kafka_topic_part *p = &s->topics[i].parts[k];

			if (p->leader < 0)
				continue; /* leaderless: its end stays unknown */
			for (j = 0; j < en->n && en->job[j].leader != p->leader; j++)
				;
			if (j == en->n) {
				if (en->n == KAFKA_LEADERS)
					j = KAFKA_LEADERS - 1; /* the last batch takes the rest */
				else {
					en->job[j].st = st;
					en->job[j].leader = p->leader;
					en->job[j].l = rd_kafka_topic_partition_list_new(16);
					en->n++;
				}
			}
			rd_kafka_topic_partition_list_add(en->job[j].l, s->topics[i].name,
							  p->partition);
		}
	}
	for (j = 0; j < en->n; j++) {
		en->job[j].started = pthread_create(&en->job[j].thread, NULL, kafka_leader_main,
						    &en->job[j]) == 0;
		if (en->job[j].started)
			job_name_thread(en->job[j].thread, "am:kafka-ends");
	}
}

/* Wait for the batches; the offsets read go into a fresh list. -1 + err
 * when every leader failed, else 0 and, in partial, the leaders that did
 * not answer ("" when all did). */
static int kafka_ends_finish(struct kafka_state *st, struct kafka_ends *en,
			     rd_kafka_topic_partition_list_t **out, char *partial, size_t pn,
			     char *err, size_t errlen)
{
	size_t j, failed = 0;
	int i;

	*out = rd_kafka_topic_partition_list_new(16);
	partial[0] = '\0';
	for (j = 0; j < en->n; j++) {
		struct kafka_leader *b = &en->job[j];

		if (b->started)
			pthread_join(b->thread, NULL);
		else
			kafka_leader_main(b);
		if (b->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			size_t len = strlen(partial);

			if (failed++ == 0)
				kafka_err(st, err, errlen, "end offsets", rd_kafka_err2str(b->err));
			snprintf(partial + len, pn - len, "%s%d", len ? "," : "", b->leader);
			continue;
		}
		for (i = 0; i < b->l->cnt; i++) {
			const rd_kafka_topic_partition_t *e = &b->l->elems[i];

			rd_kafka_topic_partition_list_add(*out, e->topic, e->partition)->offset =
				e->offset;
			(*out)->elems[(*out)->cnt - 1].err = e->err;
		}
	}
	for (j = 0; j < en->n; j++)
		rd_kafka_topic_partition_list_destroy(en->job[j].l);
	if (failed > 0 && failed == en->n)
		return -1;
	if (failed > 0) {
		char *m = xasprintf("end offsets unknown where broker %s leads: %s", partial, err);

		snprintf(partial, pn, "%s", m);
		free(m);
	}
	err[0] = '\0';
	return 0;
}

/* Append kafka.groups' ids that are not among the n already in ids
 * (states "" for them; a 0.9 broker lists no group without members, a
 * Dead group, though its offsets can still be read). */
static void kafka_add_config_groups(const struct config *c, char ***ids, char (**states)[24],
				    size_t *n)
{
	size_t i, k, have = *n;

	*ids = xrealloc(*ids, (have + c->nkafka_groups + 1) * sizeof **ids);
	*states = xrealloc(*states, (have + c->nkafka_groups + 1) * sizeof **states);
	for (i = 0; i < c->nkafka_groups; i++) {
		for (k = 0; k < *n && strcmp((*ids)[k], c->kafka_groups[i]) != 0; k++)
			;
		if (k < *n)
			continue;
		(*ids)[*n] = xstrdup(c->kafka_groups[i]);
		(*states)[*n][0] = '\0';
		(*n)++;
	}
}

/* The groups to show: listed by the brokers (once in KAFKA_LIST_EVERY
 * polls while they do not answer) with kafka.groups' added, else those
 * named in kafka.groups, with the note that says so. Fresh arrays of *n
 * ids (and states, or NULL). */
static void kafka_group_ids(struct kafka_state *st, struct kafka_snap *s, char ***ids,
			    char (**states)[24], size_t *n)
{
	size_t i;

	if (st->list_supported != 0 || st->polls >= st->list_next) {
		if (kafka_admin_list_groups(st, ids, states, n) == 0) {
			st->list_supported = 1;
		} else {
			st->list_supported = 0;
			st->list_next = st->polls + KAFKA_LIST_EVERY;
		}
	}
	if (st->list_supported == 1) {
		s->listed = 1;
		kafka_add_config_groups(st->arg.cfg, ids, states, n);
		return;
	}
	*n = st->arg.cfg->nkafka_groups;
	*ids = xcalloc(*n + 1, sizeof **ids);
	for (i = 0; i < *n; i++)
		(*ids)[i] = xstrdup(st->arg.cfg->kafka_groups[i]);
	snprintf(s->note, sizeof s->note, "%s",
		 *n ? "groups from configuration: the brokers do not list groups"
		    : "the brokers do not list groups and kafka.groups is empty");
}

/* The snapshot's groups from what was read: each takes its id from ids
 * (ids[i] is NULL after). partial names the leaders whose end offsets
 * are unknown ("" when none). */
static void kafka_snap_groups(struct kafka_state *st, struct kafka_snap *s, char **ids,
			      char (*states)[24], size_t n,
			      rd_kafka_topic_partition_list_t *const *committed, char (*errs)[200],
			      const rd_kafka_topic_partition_list_t *ends, int no_topics,
			      const char *partial)
{
	double now = util_now();
	size_t i;

	s->groups = xcalloc(n + 1, sizeof *s->groups);
	s->ngroups = n;
	for (i = 0; i < n; i++) {
		struct kafka_group *g = &s->groups[i];

		g->id = ids[i];
		ids[i] = NULL;
		g->members = -1;
		if (states != NULL)
			snprintf(g->state, sizeof g->state, "%s", states[i]);
		if (no_topics)
			snprintf(errs[i], sizeof errs[i], "no topics");
		kafka_fill_group(st, g, committed[i], ends, now);
		if (partial[0] != '\0' && g->status == KAFKA_ERR && g->error[0] == '\0')
			snprintf(g->error, sizeof g->error, "%s", partial);
		if (errs[i][0] != '\0') {
			snprintf(g->error, sizeof g->error, "%s", errs[i]);
			g->status = KAFKA_ERR;
		}
	}
}

static int kafka_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct kafka_state *st = state;
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_resp_err_t e;
	struct kafka_snap *s;
	rd_kafka_topic_partition_list_t *all, **committed, *ends;
	char **ids = NULL, (*states)[24] = NULL, (*errs)[200];
	char partial[200];
	struct kafka_ends en;
	size_t n = 0, i;
	int rc;

	st->polls++;
	e = rd_kafka_metadata(st->rk, 1, NULL, &md, kafka_ms(st));
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, err, errlen, "metadata", rd_kafka_err2str(e));
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	kafka_snap_topics(s, md);
	rd_kafka_metadata_destroy(md);
	/* End offsets are asked meanwhile, on their own threads. */
	kafka_ends_start(st, s, &en);
	kafka_group_ids(st, s, &ids, &states, &n);
	all = kafka_all_parts(s);
	committed = xcalloc(n + 1, sizeof *committed);
	errs = xcalloc(n + 1, sizeof *errs);
	if (n > 0 && all->cnt > 0)
		kafka_admin_committed(st, ids, n, all, committed, errs);
	rc = kafka_ends_finish(st, &en, &ends, partial, sizeof partial, err, errlen);
	if (rc == 0)
		kafka_snap_groups(st, s, ids, states, n, committed, errs, ends, all->cnt == 0,
				  partial);
	for (i = 0; i < n; i++) {
		if (committed[i] != NULL)
			rd_kafka_topic_partition_list_destroy(committed[i]);
		free(ids[i]);
	}
	free(ids);
	free(states);
	free(committed);
	free(errs);
	rd_kafka_topic_partition_list_destroy(all);
	rd_kafka_topic_partition_list_destroy(ends);
	if (rc != 0) {
		kafka_snapshot_free(s);
		return -1;
	}
	if (st->list_supported == 1)
		kafka_admin_describe_groups(st, s);
	if (st->polls % KAFKA_WINDOW == 0)
		kafka_track_sweep(st);
	s->reset = kafka_reset_copy(st->reset);
	*snap = s;
	return 0;
}

static void kafka_close(void *state)
{
	struct kafka_state *st = state;
	size_t i;

	if (st == NULL)
		return;
	if (st->fetchq != NULL)
		rd_kafka_queue_destroy(st->fetchq);
	kafka_client_put(st->rk);
	kafka_admin_forget(st);
	for (i = 0; i < KAFKA_TRACK_BUCKETS; i++) {
		struct kafka_track *k = st->buckets[i], *n;

		for (; k != NULL; k = n) {
			n = k->next;
			free(k->group);
			free(k->topic);
			free(k);
		}
	}
	for (i = 0; i < st->nghist; i++)
		free(st->ghist[i].group);
	free(st->ghist);
	kafka_reset_free(st->reset);
	free(st);
}

const struct backend kafka_backend = {
	.name = "kafka",
	.open = kafka_open,
	.poll = kafka_poll,
	.request = kafka_admin_request,
	.close = kafka_close,
	.snapshot_free = kafka_snapshot_free,
	.snapshot_encode = kafka_codec_encode,
	.snapshot_decode = kafka_codec_decode,
};
