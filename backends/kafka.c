/*
 * kafka.c - the Kafka data source over librdkafka (see kafka.h). One
 * producer-type handle serves as the admin client for everything: the
 * metadata, group listing (where the brokers answer it), committed
 * offsets with ListConsumerGroupOffsets naming the partitions (all groups
 * asked at once on one queue, at most a few in flight per group), log end
 * offsets with one offsets_for_times per leader (the leaders in parallel,
 * while the committed offsets are awaited), and the offset resets with
 * AlterConsumerGroupOffsets. Every wait has a deadline, so a broker down
 * costs a poll one timeout and the partitions it leads, never a hang.
 * (tests/bench/kafka_scale.sh: 200 groups x 50 partitions.) librdkafka's own log goes to our log
 * file, never to the terminal, and secret property values are masked in every message.
 */
#include "backends/kafka.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/util.h"

#define KAFKA_LIST_EVERY 30 /* polls between ListConsumerGroups attempts */
#define KAFKA_TRACK_BUCKETS 4096
#define KAFKA_FETCH_TIMEOUT_MS 3600000 /* librdkafka's own, see kafka_committed */
#define KAFKA_FETCH_RETRY 30.0         /* s before a group is asked again */
#define KAFKA_FETCH_MAX 4              /* requests in flight per group */
#define KAFKA_LEADERS 16               /* end-offset batches (threads) at once */

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

struct kafka_state {
	struct kafka_arg arg;
	rd_kafka_t *rk;
	char open_err[256];
	struct kafka_track *buckets[KAFKA_TRACK_BUCKETS];
	struct kafka_ghist *ghist;
	size_t nghist;
	unsigned long polls;
	int list_supported; /* -1 unknown, 0 no, 1 yes */
	unsigned long list_next;
	unsigned long reset_seq;
	struct kafka_reset *reset;   /* the newest result, copied into snapshots */
	rd_kafka_queue_t *fetchq;    /* ListConsumerGroupOffsets results */
	struct kafka_fetch *fetches; /* requests in flight */
	size_t nfetches;
	unsigned long fetch_seq;
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

static void kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	const struct kafka_state *st = rd_kafka_opaque(rk);
	char *m = kafka_mask(buf, st != NULL ? st->arg.cfg : NULL);

	log_msg("kafka: [%d] %s: %s", level, fac, m);
	free(m);
}

static void kafka_err(struct kafka_state *st, char *err, size_t errlen, const char *what,
		      const char *msg)
{
	char *m = kafka_mask(msg, st->arg.cfg);

	snprintf(err, errlen, "%s: %s", what, m);
	free(m);
}

static int kafka_open(void **state, const void *arg, char *err, size_t errlen)
{
	const struct kafka_arg *a = arg;
	struct kafka_state *st;
	rd_kafka_conf_t *conf;
	char e[512], ms[32];
	size_t i;

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
	conf = rd_kafka_conf_new();
	rd_kafka_conf_set_log_cb(conf, kafka_log_cb);
	rd_kafka_conf_set_opaque(conf, st);
	snprintf(ms, sizeof ms, "%d", (int)(st->arg.timeout * 1000));
	if (rd_kafka_conf_set(conf, "bootstrap.servers", a->cfg->kafka_bootstrap, e, sizeof e) !=
		    RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "client.id", "amconsole", e, sizeof e) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "socket.timeout.ms", ms, e, sizeof e) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "2000", e, sizeof e) !=
		    RD_KAFKA_CONF_OK) {
		kafka_err(st, err, errlen, "kafka config", e);
		goto fail;
	}
	for (i = 0; i < a->cfg->nkafka_props; i++) {
		if (rd_kafka_conf_set(conf, a->cfg->kafka_prop_keys[i],
				      a->cfg->kafka_prop_values[i], e,
				      sizeof e) != RD_KAFKA_CONF_OK) {
			char what[160];

			snprintf(what, sizeof what, "kafka.properties %.100s",
				 a->cfg->kafka_prop_keys[i]);
			kafka_err(st, err, errlen, what, e);
			goto fail;
		}
	}
	st->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
	if (st->rk == NULL) {
		kafka_err(st, err, errlen, "kafka", e);
		goto fail;
	}
	*state = st;
	return 0;
fail:
	rd_kafka_conf_destroy(conf);
	free(st);
	return -1;
}

static int kafka_ms(const struct kafka_state *st)
{
	return (int)(st->arg.timeout * 1000);
}

/* Wait on q for an event of type want until deadline (monotonic). */
static rd_kafka_event_t *kafka_wait(rd_kafka_queue_t *q, int want, double deadline)
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

/* Try ListConsumerGroups; 0 and the ids, or -1 when the brokers do not
 * answer it. */
static int kafka_list_groups(struct kafka_state *st, char ***ids, char (**states)[24], size_t *n)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(st->rk);
	rd_kafka_AdminOptions_t *o =
		rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
	rd_kafka_event_t *ev;
	const rd_kafka_ListConsumerGroups_result_t *res;
	const rd_kafka_ConsumerGroupListing_t **v;
	size_t nv = 0, nerr = 0, i;
	char e[256];
	int rc = -1;

	rd_kafka_AdminOptions_set_request_timeout(o, kafka_ms(st), e, sizeof e);
	rd_kafka_ListConsumerGroups(st->rk, o, q);
	ev = kafka_wait(q, RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT,
			util_now() + st->arg.timeout + 0.5);
	if (ev != NULL && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    (res = rd_kafka_event_ListConsumerGroups_result(ev)) != NULL) {
		rd_kafka_ListConsumerGroups_result_errors(res, &nerr);
		v = rd_kafka_ListConsumerGroups_result_valid(res, &nv);
		if (nerr == 0 || nv > 0) {
			*ids = xcalloc(nv + 1, sizeof **ids);
			*states = xcalloc(nv + 1, sizeof **states);
			for (i = 0; i < nv; i++) {
				(*ids)[i] = xstrdup(rd_kafka_ConsumerGroupListing_group_id(v[i]));
				snprintf((*states)[i], sizeof(*states)[i], "%s",
					 rd_kafka_consumer_group_state_name(
						 rd_kafka_ConsumerGroupListing_state(v[i])));
			}
			*n = nv;
			rc = 0;
		}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_queue_destroy(q);
	return rc;
}

/* A ListConsumerGroupOffsets request in flight; the event's opaque. */
struct kafka_fetch {
	struct kafka_fetch *next;
	char *group;
	unsigned long seq; /* the kafka_committed call that sent it */
	size_t idx;        /* its group's index in that call */
	double sent;       /* monotonic */
};

static void kafka_fetch_drop(struct kafka_state *st, struct kafka_fetch *f)
{
	struct kafka_fetch **pp;

	for (pp = &st->fetches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			st->nfetches--;
			break;
		}
	free(f->group);
	free(f);
}

/* Requests still in flight for group, and the age of the newest. */
static int kafka_fetch_pending(const struct kafka_state *st, const char *group, double now,
			       double *age)
{
	const struct kafka_fetch *f;
	int n = 0;

	*age = -1;
	for (f = st->fetches; f != NULL; f = f->next)
		if (strcmp(f->group, group) == 0) {
			if (n == 0 || now - f->sent < *age)
				*age = now - f->sent;
			n++;
		}
	return n;
}

/* Take one ListConsumerGroupOffsets result: 1 and fill out/errs when it
 * answers a request of call seq, else 0 (a late answer: dropped). */
static int kafka_fetch_result(struct kafka_state *st, rd_kafka_event_t *ev, unsigned long seq,
			      size_t n, rd_kafka_topic_partition_list_t **out, char (*errs)[200])
{
	struct kafka_fetch *f = rd_kafka_event_opaque(ev);
	const rd_kafka_ListConsumerGroupOffsets_result_t *res;
	const rd_kafka_group_result_t **gr;
	size_t k, ng = 0;

	if (f == NULL)
		return 0;
	if (f->seq != seq || f->idx >= n) {
		kafka_fetch_drop(st, f);
		return 0;
	}
	k = f->idx;
	kafka_fetch_drop(st, f);
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, errs[k], sizeof errs[k], "committed offsets",
			  rd_kafka_event_error_string(ev));
	} else if ((res = rd_kafka_event_ListConsumerGroupOffsets_result(ev)) != NULL &&
		   (gr = rd_kafka_ListConsumerGroupOffsets_result_groups(res, &ng)) != NULL &&
		   ng > 0) {
		const rd_kafka_error_t *ge = rd_kafka_group_result_error(gr[0]);

		if (ge != NULL) {
			kafka_err(st, errs[k], sizeof errs[k], "committed offsets",
				  rd_kafka_error_string(ge));
		} else {
			out[k] = rd_kafka_topic_partition_list_copy(
				rd_kafka_group_result_partitions(gr[0]));
			errs[k][0] = '\0';
		}
	}
	return 1;
}

/* Committed offsets of each group for the partitions in all, asked at
 * once on the handle's result queue and waited for one timeout. out[i]
 * is a fresh list or NULL (then errs[i]).
 *
 * librdkafka (2.0.2 and later, confluentinc/librdkafka#4605, #5397)
 * aborts the process when a coordinator request times out while it waits
 * for the coordinator's connection and that broker comes back. So the
 * requests carry a long librdkafka timeout (KAFKA_FETCH_TIMEOUT_MS) and
 * the deadline is ours: an unanswered request stays in flight, its late
 * answer is dropped, and its group gets no new request until it is
 * answered or KAFKA_FETCH_RETRY seconds old, at most KAFKA_FETCH_MAX in
 * flight per group - which also bounds what an outage piles up. */
static void kafka_committed(struct kafka_state *st, char **ids, size_t n,
			    const rd_kafka_topic_partition_list_t *all,
			    rd_kafka_topic_partition_list_t **out, char (*errs)[200])
{
	double now = util_now(), deadline = now + st->arg.timeout + 0.5, age;
	unsigned long seq = ++st->fetch_seq;
	size_t i, sent = 0, got = 0;
	rd_kafka_event_t *ev;
	char e[256];

	if (st->fetchq == NULL)
		st->fetchq = rd_kafka_queue_new(st->rk);
	/* Late answers to earlier calls. */
	while ((ev = rd_kafka_queue_poll(st->fetchq, 0)) != NULL) {
		if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT)
			kafka_fetch_result(st, ev, seq, 0, out, errs);
		rd_kafka_event_destroy(ev);
	}
	for (i = 0; i < n; i++) {
		rd_kafka_ListConsumerGroupOffsets_t *req;
		rd_kafka_AdminOptions_t *o;
		struct kafka_fetch *f;
		int pending = kafka_fetch_pending(st, ids[i], now, &age);

		out[i] = NULL;
		if (pending >= KAFKA_FETCH_MAX || (pending > 0 && age < KAFKA_FETCH_RETRY)) {
			snprintf(errs[i], sizeof errs[i],
				 "committed offsets: the group coordinator has not answered for "
				 "%.0f s (a broker down?)",
				 age);
			continue;
		}
		snprintf(errs[i], sizeof errs[i], "timed out reading committed offsets");
		f = xcalloc(1, sizeof *f);
		f->group = xstrdup(ids[i]);
		f->seq = seq;
		f->idx = i;
		f->sent = now;
		f->next = st->fetches;
		st->fetches = f;
		st->nfetches++;
		req = rd_kafka_ListConsumerGroupOffsets_new(ids[i], all);
		o = rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
		rd_kafka_AdminOptions_set_request_timeout(o, KAFKA_FETCH_TIMEOUT_MS, e, sizeof e);
		rd_kafka_AdminOptions_set_opaque(o, f);
		rd_kafka_ListConsumerGroupOffsets(st->rk, &req, 1, o, st->fetchq);
		rd_kafka_ListConsumerGroupOffsets_destroy(req);
		rd_kafka_AdminOptions_destroy(o);
		sent++;
	}
	while (got < sent) {
		ev = kafka_wait(st->fetchq, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
				deadline);
		if (ev == NULL)
			break;
		got += (size_t)kafka_fetch_result(st, ev, seq, n, out, errs);
		rd_kafka_event_destroy(ev);
	}
}

/* Fill l's offsets with the offset for timestamp ts (-1 end, -2 start,
 * else ms) for each partition, batched per leader. 0 or -1 + err. */
static int kafka_offsets_at(struct kafka_state *st, rd_kafka_topic_partition_list_t *l,
			    long long ts, char *err, size_t errlen)
{
	rd_kafka_resp_err_t e;
	int i;

	if (l->cnt == 0)
		return 0;
	for (i = 0; i < l->cnt; i++)
		l->elems[i].offset = ts;
	e = rd_kafka_offsets_for_times(st->rk, l, kafka_ms(st));
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, err, errlen, ts == -1 ? "end offsets" : "offsets",
			  rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

static long long kafka_find_offset(const rd_kafka_topic_partition_list_t *l, const char *topic,
				   int p)
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
	for (j = 0; j < en->n; j++)
		en->job[j].started = pthread_create(&en->job[j].thread, NULL, kafka_leader_main,
						    &en->job[j]) == 0;
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

/* Mark the partitions member m is assigned as owned by "client-id/host". */
static void kafka_owner_parts(struct kafka_group *g, const rd_kafka_MemberDescription_t *m)
{
	const rd_kafka_MemberAssignment_t *a = rd_kafka_MemberDescription_assignment(m);
	const rd_kafka_topic_partition_list_t *l =
		a != NULL ? rd_kafka_MemberAssignment_partitions(a) : NULL;
	const char *cid = rd_kafka_MemberDescription_client_id(m);
	const char *host = rd_kafka_MemberDescription_host(m);
	int i;
	size_t k;

	for (i = 0; l != NULL && i < l->cnt; i++)
		for (k = 0; k < g->nparts; k++)
			if (g->parts[k].partition == l->elems[i].partition &&
			    strcmp(g->parts[k].topic, l->elems[i].topic) == 0)
				snprintf(g->parts[k].owner, sizeof g->parts[k].owner, "%s/%s",
					 cid != NULL ? cid : "-", host != NULL ? host : "-");
}

/* Members, state and partition owners of the snapshot's groups, from
 * one DescribeConsumerGroups request (the columns of
 * kafka-consumer-groups.sh --describe). Asked only of brokers that
 * answered ListConsumerGroups: librdkafka 2.0.2 trips an assertion when a
 * DescribeConsumerGroups goes unanswered, as the mock cluster leaves it.
 * Groups the brokers do not describe keep "unknown". */
static void kafka_describe_groups(struct kafka_state *st, struct kafka_snap *s)
{
	rd_kafka_queue_t *q;
	rd_kafka_AdminOptions_t *o;
	const rd_kafka_DescribeConsumerGroups_result_t *res;
	const rd_kafka_ConsumerGroupDescription_t **d;
	rd_kafka_event_t *ev;
	const char **ids;
	size_t i, k, nd = 0;
	char e[256];

	if (s->ngroups == 0)
		return;
	q = rd_kafka_queue_new(st->rk);
	o = rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
	ids = xcalloc(s->ngroups, sizeof *ids);
	for (i = 0; i < s->ngroups; i++)
		ids[i] = s->groups[i].id;
	rd_kafka_AdminOptions_set_request_timeout(o, kafka_ms(st), e, sizeof e);
	rd_kafka_DescribeConsumerGroups(st->rk, ids, s->ngroups, o, q);
	ev = kafka_wait(q, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
			util_now() + st->arg.timeout + 0.5);
	if (ev != NULL && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    (res = rd_kafka_event_DescribeConsumerGroups_result(ev)) != NULL &&
	    (d = rd_kafka_DescribeConsumerGroups_result_groups(res, &nd)) != NULL) {
		for (k = 0; k < nd; k++) {
			const char *gid = rd_kafka_ConsumerGroupDescription_group_id(d[k]);
			struct kafka_group *g = NULL;
			size_t m, nm;

			for (i = 0; gid != NULL && i < s->ngroups; i++)
				if (strcmp(s->groups[i].id, gid) == 0)
					g = &s->groups[i];
			if (g == NULL || rd_kafka_ConsumerGroupDescription_error(d[k]) != NULL)
				continue;
			nm = rd_kafka_ConsumerGroupDescription_member_count(d[k]);
			g->members = (int)nm;
			snprintf(g->state, sizeof g->state, "%s",
				 rd_kafka_consumer_group_state_name(
					 rd_kafka_ConsumerGroupDescription_state(d[k])));
			for (m = 0; m < nm; m++)
				kafka_owner_parts(
					g, rd_kafka_ConsumerGroupDescription_member(d[k], m));
		}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	free(ids);
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_queue_destroy(q);
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
	double now;

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

	if (st->list_supported != 0 || st->polls >= st->list_next) {
		if (kafka_list_groups(st, &ids, &states, &n) == 0) {
			st->list_supported = 1;
		} else {
			st->list_supported = 0;
			st->list_next = st->polls + KAFKA_LIST_EVERY;
		}
	}
	if (st->list_supported == 1) {
		s->listed = 1;
	} else {
		n = st->arg.cfg->nkafka_groups;
		ids = xcalloc(n + 1, sizeof *ids);
		for (i = 0; i < n; i++)
			ids[i] = xstrdup(st->arg.cfg->kafka_groups[i]);
		snprintf(s->note, sizeof s->note, "%s",
			 n ? "groups from configuration: the brokers do not list groups"
			   : "the brokers do not list groups and kafka.groups is empty");
	}

	all = kafka_all_parts(s);
	committed = xcalloc(n + 1, sizeof *committed);
	errs = xcalloc(n + 1, sizeof *errs);
	if (n > 0 && all->cnt > 0)
		kafka_committed(st, ids, n, all, committed, errs);
	if (kafka_ends_finish(st, &en, &ends, partial, sizeof partial, err, errlen) != 0) {
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
		kafka_snapshot_free(s);
		return -1;
	}
	now = util_now();
	s->groups = xcalloc(n + 1, sizeof *s->groups);
	s->ngroups = n;
	for (i = 0; i < n; i++) {
		struct kafka_group *g = &s->groups[i];

		g->id = ids[i];
		g->members = -1;
		if (states != NULL)
			snprintf(g->state, sizeof g->state, "%s", states[i]);
		if (all->cnt == 0)
			snprintf(errs[i], sizeof errs[i], "no topics");
		kafka_fill_group(st, g, committed[i], ends, now);
		if (partial[0] != '\0' && g->status == KAFKA_ERR && g->error[0] == '\0')
			snprintf(g->error, sizeof g->error, "%s", partial);
		if (errs[i][0] != '\0') {
			snprintf(g->error, sizeof g->error, "%s", errs[i]);
			g->status = KAFKA_ERR;
		}
		if (committed[i] != NULL)
			rd_kafka_topic_partition_list_destroy(committed[i]);
	}
	free(ids);
	free(states);
	free(committed);
	free(errs);
	rd_kafka_topic_partition_list_destroy(all);
	rd_kafka_topic_partition_list_destroy(ends);
	if (st->list_supported == 1)
		kafka_describe_groups(st, s);
	if (st->polls % KAFKA_WINDOW == 0)
		kafka_track_sweep(st);
	s->reset = kafka_reset_copy(st->reset);
	*snap = s;
	return 0;
}

/* ---- offset resets --------------------------------------------------- */

/* Split "GROUP\tTOPIC\tMODE\tVALUE"; fields point into buf. */
static int kafka_split_req(char *buf, char **f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		f[i] = buf;
		buf = strchr(buf, '\t');
		if (buf == NULL)
			return i == n - 1 ? 0 : -1;
		*buf++ = '\0';
	}
	return 0;
}

/* Ask the group's members; -1 when the brokers do not answer (then the
 * broker still refuses a commit to a group with live members). */
static int kafka_members(struct kafka_state *st, const char *group, char *state, size_t sn)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(st->rk);
	rd_kafka_AdminOptions_t *o =
		rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
	const char *groups[1] = { group };
	rd_kafka_event_t *ev;
	const rd_kafka_DescribeConsumerGroups_result_t *res;
	const rd_kafka_ConsumerGroupDescription_t **d;
	size_t nd = 0;
	char e[256];
	int members = -1;

	/* librdkafka 2.0.2 trips an assertion (rd_kafka_enq_once refcnt)
	 * when a DescribeConsumerGroups goes unanswered, as the mock
	 * cluster leaves it: ask only libraries newer than that, or brokers
	 * that answered ListConsumerGroups (real ones answer both). */
	if (rd_kafka_version() < 0x020100ff && st->list_supported != 1) {
		rd_kafka_AdminOptions_destroy(o);
		rd_kafka_queue_destroy(q);
		return -1;
	}
	rd_kafka_AdminOptions_set_request_timeout(o, kafka_ms(st), e, sizeof e);
	rd_kafka_DescribeConsumerGroups(st->rk, groups, 1, o, q);
	ev = kafka_wait(q, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
			util_now() + st->arg.timeout + 0.5);
	if (ev != NULL && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    (res = rd_kafka_event_DescribeConsumerGroups_result(ev)) != NULL &&
	    (d = rd_kafka_DescribeConsumerGroups_result_groups(res, &nd)) != NULL && nd > 0 &&
	    rd_kafka_ConsumerGroupDescription_error(d[0]) == NULL) {
		members = (int)rd_kafka_ConsumerGroupDescription_member_count(d[0]);
		snprintf(state, sn, "%s",
			 rd_kafka_consumer_group_state_name(
				 rd_kafka_ConsumerGroupDescription_state(d[0])));
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_queue_destroy(q);
	return members;
}

static int kafka_alter(struct kafka_state *st, const char *group,
		       const rd_kafka_topic_partition_list_t *l, char *err, size_t errlen)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(st->rk);
	rd_kafka_AdminOptions_t *o =
		rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
	rd_kafka_AlterConsumerGroupOffsets_t *req =
		rd_kafka_AlterConsumerGroupOffsets_new(group, l);
	rd_kafka_event_t *ev;
	const rd_kafka_AlterConsumerGroupOffsets_result_t *res;
	const rd_kafka_group_result_t **gr;
	size_t ng = 0;
	char e[256];
	int rc = -1, i;

	rd_kafka_AdminOptions_set_request_timeout(o, kafka_ms(st), e, sizeof e);
	rd_kafka_AlterConsumerGroupOffsets(st->rk, &req, 1, o, q);
	rd_kafka_AlterConsumerGroupOffsets_destroy(req);
	ev = kafka_wait(q, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
			util_now() + st->arg.timeout + 0.5);
	if (ev == NULL) {
		snprintf(err, errlen, "commit: timed out");
	} else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, err, errlen, "commit", rd_kafka_event_error_string(ev));
	} else if ((res = rd_kafka_event_AlterConsumerGroupOffsets_result(ev)) == NULL ||
		   (gr = rd_kafka_AlterConsumerGroupOffsets_result_groups(res, &ng)) == NULL ||
		   ng == 0) {
		snprintf(err, errlen, "commit: no result");
	} else if (rd_kafka_group_result_error(gr[0]) != NULL) {
		kafka_err(st, err, errlen, "commit",
			  rd_kafka_error_string(rd_kafka_group_result_error(gr[0])));
	} else {
		const rd_kafka_topic_partition_list_t *p = rd_kafka_group_result_partitions(gr[0]);

		rc = 0;
		for (i = 0; p != NULL && i < p->cnt; i++)
			if (p->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
				snprintf(err, errlen, "commit: partition %d: %s",
					 p->elems[i].partition, rd_kafka_err2str(p->elems[i].err));
				rc = -1;
				break;
			}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_queue_destroy(q);
	return rc;
}

/* Compute the reset rows for group/topic (and commit them when execute). */
static int kafka_do_reset(struct kafka_state *st, struct kafka_reset *r, char *err, size_t errlen)
{
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_t *rkt;
	rd_kafka_topic_partition_list_t *parts = NULL, *low = NULL, *high = NULL, *at = NULL;
	rd_kafka_topic_partition_list_t *committed = NULL, *next = NULL;
	char *ids[1];
	char errs[1][200];
	long long value = 0, ts = -1;
	rd_kafka_resp_err_t e;
	int i, rc = -1;

	if (r->mode == KAFKA_RESET_SHIFT) {
		char *end;

		value = strtoll(r->value, &end, 10);
		if (end == r->value || *end != '\0') {
			snprintf(err, errlen, "shift: not a number: %.40s", r->value);
			return -1;
		}
	} else if (r->mode == KAFKA_RESET_TIME &&
		   kafka_parse_time(r->value, util_wall(), &ts) != 0) {
		snprintf(err, errlen,
			 "time: use 2024-05-01T10:00:00 (UTC), epoch ms, or a duration ago (15m)");
		return -1;
	}
	rkt = rd_kafka_topic_new(st->rk, r->topic, NULL);
	if (rkt == NULL) {
		snprintf(err, errlen, "topic %.100s: %s", r->topic,
			 rd_kafka_err2str(rd_kafka_last_error()));
		return -1;
	}
	e = rd_kafka_metadata(st->rk, 0, rkt, &md, kafka_ms(st));
	rd_kafka_topic_destroy(rkt);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, err, errlen, "metadata", rd_kafka_err2str(e));
		return -1;
	}
	if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		snprintf(err, errlen, "topic %.100s: %s", r->topic,
			 md->topic_cnt ? rd_kafka_err2str(md->topics[0].err) : "not found");
		rd_kafka_metadata_destroy(md);
		return -1;
	}
	parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
	for (i = 0; i < md->topics[0].partition_cnt; i++)
		rd_kafka_topic_partition_list_add(parts, r->topic, md->topics[0].partitions[i].id);
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_partition_list_sort(parts, NULL, NULL);

	ids[0] = r->group;
	kafka_committed(st, ids, 1, parts, &committed, errs);
	if (committed == NULL) {
		snprintf(err, errlen, "%s", errs[0]);
		goto out;
	}
	low = rd_kafka_topic_partition_list_copy(parts);
	high = rd_kafka_topic_partition_list_copy(parts);
	if (kafka_offsets_at(st, low, -2, err, errlen) != 0 ||
	    kafka_offsets_at(st, high, -1, err, errlen) != 0)
		goto out;
	if (r->mode == KAFKA_RESET_TIME) {
		at = rd_kafka_topic_partition_list_copy(parts);
		if (kafka_offsets_at(st, at, ts, err, errlen) != 0)
			goto out;
	}
	r->rows = xcalloc((size_t)parts->cnt + 1, sizeof *r->rows);
	next = rd_kafka_topic_partition_list_new(parts->cnt);
	for (i = 0; i < parts->cnt; i++) {
		int p = parts->elems[i].partition;
		struct kafka_reset_row *row = &r->rows[r->nrows++];
		long long lo = kafka_find_offset(low, r->topic, p);
		long long hi = kafka_find_offset(high, r->topic, p);

		row->partition = p;
		row->current = kafka_find_offset(committed, r->topic, p);
		row->next =
			kafka_reset_offset(r->mode, value, row->current, lo < 0 ? 0 : lo, hi,
					   at != NULL ? kafka_find_offset(at, r->topic, p) : -1);
		row->delta = row->current >= 0 ? row->next - row->current : 0;
		rd_kafka_topic_partition_list_add(next, r->topic, p)->offset = row->next;
	}
	if (r->mode == KAFKA_RESET_TIME)
		snprintf(r->note, sizeof r->note,
			 "partitions with no message after the time go to the log end");
	if (r->executed) {
		char state[24] = "";
		int members = kafka_members(st, r->group, state, sizeof state);

		if (members > 0) {
			snprintf(err, errlen,
				 "refused: group %.100s has %d active member(s) (%s); stop the "
				 "consumers first",
				 r->group, members, state);
			goto out;
		}
		if (members < 0)
			snprintf(r->note, sizeof r->note,
				 "the brokers did not describe the group; they refuse commits to a "
				 "group with members");
		if (kafka_alter(st, r->group, next, err, errlen) != 0)
			goto out;
	}
	rc = 0;
out:
	if (parts)
		rd_kafka_topic_partition_list_destroy(parts);
	if (committed)
		rd_kafka_topic_partition_list_destroy(committed);
	if (low)
		rd_kafka_topic_partition_list_destroy(low);
	if (high)
		rd_kafka_topic_partition_list_destroy(high);
	if (at)
		rd_kafka_topic_partition_list_destroy(at);
	if (next)
		rd_kafka_topic_partition_list_destroy(next);
	return rc;
}

static int kafka_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct kafka_state *st = state;
	struct kafka_reset *r;
	char *buf, *f[4];
	int mode;

	if (req->kind != KAFKA_REQ_PREVIEW && req->kind != KAFKA_REQ_EXECUTE) {
		snprintf(err, errlen, "kafka: unknown request %d", req->kind);
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->seq = ++st->reset_seq;
	r->executed = req->kind == KAFKA_REQ_EXECUTE;
	buf = xstrdup(req->arg != NULL ? req->arg : "");
	if (kafka_split_req(buf, f, 4) != 0 || f[0][0] == '\0' || f[1][0] == '\0' ||
	    (mode = kafka_reset_mode_parse(f[2])) < 0) {
		r->group = xstrdup("");
		r->topic = xstrdup("");
		snprintf(r->error, sizeof r->error, "bad reset request");
	} else {
		r->group = xstrdup(f[0]);
		r->topic = xstrdup(f[1]);
		r->mode = (enum kafka_reset_mode)mode;
		snprintf(r->value, sizeof r->value, "%s", f[3]);
		if (kafka_do_reset(st, r, r->error, sizeof r->error) == 0)
			r->ok = 1;
	}
	free(buf);
	log_msg("kafka: reset %s group %s topic %s to %s %s: %s",
		r->executed ? "execute" : "preview", r->group, r->topic,
		kafka_reset_mode_name(r->mode), r->value, r->ok ? "ok" : r->error);
	kafka_reset_free(st->reset);
	st->reset = r;
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
	if (st->rk != NULL)
		rd_kafka_destroy(st->rk);
	while (st->fetches != NULL)
		kafka_fetch_drop(st, st->fetches);
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
	.request = kafka_request,
	.close = kafka_close,
	.snapshot_free = kafka_snapshot_free,
};
