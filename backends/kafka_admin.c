/*
 * kafka_admin.c - the Kafka source's Admin API calls (see kafka_admin.h),
 * on the runner's one producer-type handle: ListConsumerGroups,
 * ListConsumerGroupOffsets (every group asked at once, the requests in
 * flight counted so that a coordinator down neither piles them up nor
 * trips librdkafka), DescribeConsumerGroups, and the offset reset: the
 * preview computed from the watermarks and offsets_for_times, the
 * execution committed with AlterConsumerGroupOffsets after the group is
 * seen to have no members. Every call waits one timeout at most.
 */
#include "backends/kafka_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"

#define KAFKA_FETCH_TIMEOUT_MS 3600000 /* librdkafka's own, see kafka_admin_committed */
#define KAFKA_FETCH_RETRY 30.0         /* s before a group is asked again */
#define KAFKA_FETCH_MAX 4              /* requests in flight per group */

/* One Admin API call: its result queue, its options and its result. */
struct kafka_admin_call {
	rd_kafka_queue_t *q;
	rd_kafka_AdminOptions_t *o;
	rd_kafka_event_t *ev;
};

static void kafka_admin_begin(struct kafka_state *st, struct kafka_admin_call *c,
			      rd_kafka_admin_op_t op)
{
	char e[256];

	c->q = rd_kafka_queue_new(st->rk);
	c->o = rd_kafka_AdminOptions_new(st->rk, op);
	c->ev = NULL;
	rd_kafka_AdminOptions_set_request_timeout(c->o, kafka_ms(st), e, sizeof e);
}

/* Wait one timeout for the call's result event of type want: the event
 * when it came without error, else NULL (c->ev keeps what came). */
static rd_kafka_event_t *kafka_admin_wait(struct kafka_state *st, struct kafka_admin_call *c,
					  int want)
{
	c->ev = kafka_wait(c->q, want, util_now() + st->arg.timeout + 0.5);
	if (c->ev == NULL || rd_kafka_event_error(c->ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return NULL;
	return c->ev;
}

static void kafka_admin_end(struct kafka_admin_call *c)
{
	if (c->ev != NULL)
		rd_kafka_event_destroy(c->ev);
	rd_kafka_AdminOptions_destroy(c->o);
	rd_kafka_queue_destroy(c->q);
}

int kafka_admin_list_groups(struct kafka_state *st, char ***ids, char (**states)[24], size_t *n)
{
	struct kafka_admin_call c;
	const rd_kafka_ListConsumerGroups_result_t *res;
	const rd_kafka_ConsumerGroupListing_t **v;
	size_t nv = 0, nerr = 0, i;
	int rc = -1;

	kafka_admin_begin(st, &c, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
	rd_kafka_ListConsumerGroups(st->rk, c.o, c.q);
	if (kafka_admin_wait(st, &c, RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT) != NULL &&
	    (res = rd_kafka_event_ListConsumerGroups_result(c.ev)) != NULL) {
		rd_kafka_ListConsumerGroups_result_errors(res, &nerr);
		v = rd_kafka_ListConsumerGroups_result_valid(res, &nv);
		if (nerr == 0 || nv > 0) {
			*ids = xcalloc(nv + 1, sizeof **ids);
			*states = xcalloc(nv + 1, sizeof **states);
			for (i = 0; i < nv; i++) {
				rd_kafka_consumer_group_state_t gs =
					rd_kafka_ConsumerGroupListing_state(v[i]);

				(*ids)[i] = xstrdup(rd_kafka_ConsumerGroupListing_group_id(v[i]));
				/* Brokers before ListGroups v4 (2.6) say Unknown:
				 * the state comes from DescribeConsumerGroups. */
				snprintf((*states)[i], sizeof(*states)[i], "%s",
					 gs == RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN
						 ? ""
						 : rd_kafka_consumer_group_state_name(gs));
			}
			*n = nv;
			rc = 0;
		}
	}
	kafka_admin_end(&c);
	return rc;
}

/* ---- committed offsets ----------------------------------------------- */

/* A ListConsumerGroupOffsets request in flight; the event's opaque. */
struct kafka_fetch {
	struct kafka_fetch *next;
	char *group;
	unsigned long seq; /* the kafka_admin_committed call that sent it */
	size_t idx;        /* its group's index in that call */
	double sent;       /* monotonic */
};

static void kafka_admin_fetch_drop(struct kafka_state *st, struct kafka_fetch *f)
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

void kafka_admin_forget(struct kafka_state *st)
{
	while (st->fetches != NULL)
		kafka_admin_fetch_drop(st, st->fetches);
}

/* Requests still in flight for group, and the age of the newest. */
static int kafka_admin_fetch_pending(const struct kafka_state *st, const char *group, double now,
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
static int kafka_admin_fetch_result(struct kafka_state *st, rd_kafka_event_t *ev, unsigned long seq,
				    size_t n, rd_kafka_topic_partition_list_t **out,
				    char (*errs)[200])
{
	struct kafka_fetch *f = rd_kafka_event_opaque(ev);
	const rd_kafka_ListConsumerGroupOffsets_result_t *res;
	const rd_kafka_group_result_t **gr;
	size_t k, ng = 0;

	if (f == NULL)
		return 0;
	if (f->seq != seq || f->idx >= n) {
		kafka_admin_fetch_drop(st, f);
		return 0;
	}
	k = f->idx;
	kafka_admin_fetch_drop(st, f);
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

/* Send group i's request of call seq (its opaque is counted in flight). */
static void kafka_admin_fetch_send(struct kafka_state *st, const char *group, unsigned long seq,
				   size_t i, double now, const rd_kafka_topic_partition_list_t *all)
{
	rd_kafka_ListConsumerGroupOffsets_t *req;
	rd_kafka_AdminOptions_t *o;
	struct kafka_fetch *f = xcalloc(1, sizeof *f);
	char e[256];

	f->group = xstrdup(group);
	f->seq = seq;
	f->idx = i;
	f->sent = now;
	f->next = st->fetches;
	st->fetches = f;
	st->nfetches++;
	req = rd_kafka_ListConsumerGroupOffsets_new(group, all);
	o = rd_kafka_AdminOptions_new(st->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
	rd_kafka_AdminOptions_set_request_timeout(o, KAFKA_FETCH_TIMEOUT_MS, e, sizeof e);
	rd_kafka_AdminOptions_set_opaque(o, f);
	rd_kafka_ListConsumerGroupOffsets(st->rk, &req, 1, o, st->fetchq);
	rd_kafka_ListConsumerGroupOffsets_destroy(req);
	rd_kafka_AdminOptions_destroy(o);
}

/* The requests go out at once on the handle's result queue and are
 * waited for one timeout.
 *
 * librdkafka (2.0.2 and later, confluentinc/librdkafka#4605, #5397)
 * aborts the process when a coordinator request times out while it waits
 * for the coordinator's connection and that broker comes back. So the
 * requests carry a long librdkafka timeout (KAFKA_FETCH_TIMEOUT_MS) and
 * the deadline is ours: an unanswered request stays in flight, its late
 * answer is dropped, and its group gets no new request until it is
 * answered or KAFKA_FETCH_RETRY seconds old, at most KAFKA_FETCH_MAX in
 * flight per group - which also bounds what an outage piles up. */
void kafka_admin_committed(struct kafka_state *st, char **ids, size_t n,
			   const rd_kafka_topic_partition_list_t *all,
			   rd_kafka_topic_partition_list_t **out, char (*errs)[200])
{
	double now = util_now(), deadline = now + st->arg.timeout + 0.5, age;
	unsigned long seq = ++st->fetch_seq;
	size_t i, sent = 0, got = 0;
	rd_kafka_event_t *ev;

	if (st->fetchq == NULL)
		st->fetchq = rd_kafka_queue_new(st->rk);
	/* Late answers to earlier calls. */
	while ((ev = rd_kafka_queue_poll(st->fetchq, 0)) != NULL) {
		if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT)
			kafka_admin_fetch_result(st, ev, seq, 0, out, errs);
		rd_kafka_event_destroy(ev);
	}
	for (i = 0; i < n; i++) {
		int pending = kafka_admin_fetch_pending(st, ids[i], now, &age);

		out[i] = NULL;
		if (pending >= KAFKA_FETCH_MAX || (pending > 0 && age < KAFKA_FETCH_RETRY)) {
			snprintf(errs[i], sizeof errs[i],
				 "committed offsets: the group coordinator has not answered for "
				 "%.0f s (a broker down?)",
				 age);
			continue;
		}
		snprintf(errs[i], sizeof errs[i], "timed out reading committed offsets");
		kafka_admin_fetch_send(st, ids[i], seq, i, now, all);
		sent++;
	}
	while (got < sent) {
		ev = kafka_wait(st->fetchq, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
				deadline);
		if (ev == NULL)
			break;
		got += (size_t)kafka_admin_fetch_result(st, ev, seq, n, out, errs);
		rd_kafka_event_destroy(ev);
	}
}

/* ---- group descriptions ---------------------------------------------- */

/* DescribeConsumerGroups of ids[0..n), waited for one timeout: each(ctx,
 * d) for every group described without an error. 0, or -1 when the
 * brokers did not answer. */
static int kafka_admin_describe(struct kafka_state *st, const char **ids, size_t n,
				void (*each)(void *ctx,
					     const rd_kafka_ConsumerGroupDescription_t *d),
				void *ctx)
{
	struct kafka_admin_call c;
	const rd_kafka_DescribeConsumerGroups_result_t *res;
	const rd_kafka_ConsumerGroupDescription_t **d;
	size_t k, nd = 0;
	int rc = -1;

	kafka_admin_begin(st, &c, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
	rd_kafka_DescribeConsumerGroups(st->rk, ids, n, c.o, c.q);
	if (kafka_admin_wait(st, &c, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT) != NULL &&
	    (res = rd_kafka_event_DescribeConsumerGroups_result(c.ev)) != NULL &&
	    (d = rd_kafka_DescribeConsumerGroups_result_groups(res, &nd)) != NULL) {
		for (k = 0; k < nd; k++)
			if (rd_kafka_ConsumerGroupDescription_error(d[k]) == NULL)
				each(ctx, d[k]);
		rc = 0;
	}
	kafka_admin_end(&c);
	return rc;
}

/* Mark the partitions member m is assigned as owned by "client-id/host". */
static void kafka_admin_owner_parts(struct kafka_group *g, const rd_kafka_MemberDescription_t *m)
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

/* One group's description into the snapshot's group of that id. */
static void kafka_admin_describe_one(void *ctx, const rd_kafka_ConsumerGroupDescription_t *d)
{
	struct kafka_snap *s = ctx;
	const char *gid = rd_kafka_ConsumerGroupDescription_group_id(d);
	struct kafka_group *g = NULL;
	size_t i, m, nm;

	for (i = 0; gid != NULL && i < s->ngroups; i++)
		if (strcmp(s->groups[i].id, gid) == 0)
			g = &s->groups[i];
	if (g == NULL)
		return;
	nm = rd_kafka_ConsumerGroupDescription_member_count(d);
	g->members = (int)nm;
	snprintf(g->state, sizeof g->state, "%s",
		 rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d)));
	for (m = 0; m < nm; m++)
		kafka_admin_owner_parts(g, rd_kafka_ConsumerGroupDescription_member(d, m));
}

/* The columns of kafka-consumer-groups.sh --describe. Asked only of
 * brokers that answered ListConsumerGroups (kafka.c): librdkafka 2.0.2
 * trips an assertion when a DescribeConsumerGroups goes unanswered, as
 * the mock cluster leaves it. */
void kafka_admin_describe_groups(struct kafka_state *st, struct kafka_snap *s)
{
	const char **ids;
	size_t i;

	if (s->ngroups == 0)
		return;
	ids = xcalloc(s->ngroups, sizeof *ids);
	for (i = 0; i < s->ngroups; i++)
		ids[i] = s->groups[i].id;
	kafka_admin_describe(st, ids, s->ngroups, kafka_admin_describe_one, s);
	free(ids);
}

/* What kafka_admin_members learns of its one group. */
struct kafka_admin_members {
	int members;
	char *state;
	size_t sn;
};

static void kafka_admin_members_one(void *ctx, const rd_kafka_ConsumerGroupDescription_t *d)
{
	struct kafka_admin_members *m = ctx;

	m->members = (int)rd_kafka_ConsumerGroupDescription_member_count(d);
	snprintf(m->state, m->sn, "%s",
		 rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d)));
}

/* Ask the group's members; -1 when the brokers do not answer (then the
 * broker still refuses a commit to a group with live members). */
static int kafka_admin_members(struct kafka_state *st, const char *group, char *state, size_t sn)
{
	const char *groups[1] = { group };
	struct kafka_admin_members m = { -1, state, sn };

	/* librdkafka 2.0.2 trips an assertion (rd_kafka_enq_once refcnt)
	 * when a DescribeConsumerGroups goes unanswered, as the mock
	 * cluster leaves it: ask only libraries newer than that, or brokers
	 * that answered ListConsumerGroups (real ones answer both). */
	if (rd_kafka_version() < 0x020100ff && st->list_supported != 1)
		return -1;
	kafka_admin_describe(st, groups, 1, kafka_admin_members_one, &m);
	return m.members;
}

/* ---- offset resets --------------------------------------------------- */

static int kafka_admin_alter(struct kafka_state *st, const char *group,
			     const rd_kafka_topic_partition_list_t *l, char *err, size_t errlen)
{
	struct kafka_admin_call c;
	rd_kafka_AlterConsumerGroupOffsets_t *req =
		rd_kafka_AlterConsumerGroupOffsets_new(group, l);
	const rd_kafka_AlterConsumerGroupOffsets_result_t *res;
	const rd_kafka_group_result_t **gr;
	size_t ng = 0;
	int rc = -1, i;

	kafka_admin_begin(st, &c, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
	rd_kafka_AlterConsumerGroupOffsets(st->rk, &req, 1, c.o, c.q);
	rd_kafka_AlterConsumerGroupOffsets_destroy(req);
	if (kafka_admin_wait(st, &c, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT) == NULL) {
		if (c.ev == NULL)
			snprintf(err, errlen, "commit: timed out");
		else
			kafka_err(st, err, errlen, "commit", rd_kafka_event_error_string(c.ev));
	} else if ((res = rd_kafka_event_AlterConsumerGroupOffsets_result(c.ev)) == NULL ||
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
	kafka_admin_end(&c);
	return rc;
}

/* Fill l's offsets with the offset for timestamp ts (-1 end, -2 start,
 * else ms) for each partition, batched per leader. 0 or -1 + err. */
static int kafka_admin_offsets_at(struct kafka_state *st, rd_kafka_topic_partition_list_t *l,
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

/* The reset's value: the count of a shift into *value, the time of a
 * time reset into *ts (ms). 0 or -1 + err. */
static int kafka_admin_value(const struct kafka_reset *r, long long *value, long long *ts,
			     char *err, size_t errlen)
{
	char *end;

	if (r->mode == KAFKA_RESET_SHIFT) {
		*value = strtoll(r->value, &end, 10);
		if (end == r->value || *end != '\0') {
			snprintf(err, errlen, "shift: not a number: %.40s", r->value);
			return -1;
		}
	} else if (r->mode == KAFKA_RESET_TIME &&
		   kafka_parse_time(r->value, util_wall(), ts) != 0) {
		snprintf(err, errlen,
			 "time: use 2024-05-01T10:00:00 (UTC), epoch ms, or a duration ago (15m)");
		return -1;
	}
	return 0;
}

/* The partitions of topic, sorted, as a fresh list; NULL + err when the
 * brokers do not know it. */
static rd_kafka_topic_partition_list_t *
kafka_admin_topic_parts(struct kafka_state *st, const char *topic, char *err, size_t errlen)
{
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_topic_t *rkt;
	rd_kafka_resp_err_t e;
	int i;

	rkt = rd_kafka_topic_new(st->rk, topic, NULL);
	if (rkt == NULL) {
		snprintf(err, errlen, "topic %.100s: %s", topic,
			 rd_kafka_err2str(rd_kafka_last_error()));
		return NULL;
	}
	e = rd_kafka_metadata(st->rk, 0, rkt, &md, kafka_ms(st));
	rd_kafka_topic_destroy(rkt);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_err(st, err, errlen, "metadata", rd_kafka_err2str(e));
		return NULL;
	}
	if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		snprintf(err, errlen, "topic %.100s: %s", topic,
			 md->topic_cnt ? rd_kafka_err2str(md->topics[0].err) : "not found");
		rd_kafka_metadata_destroy(md);
		return NULL;
	}
	parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
	for (i = 0; i < md->topics[0].partition_cnt; i++)
		rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id);
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_partition_list_sort(parts, NULL, NULL);
	return parts;
}

/* Commit next as the group's offsets once the brokers say (or cannot
 * say) that the group has no members. 0 or -1 + err. */
static int kafka_admin_commit(struct kafka_state *st, struct kafka_reset *r,
			      const rd_kafka_topic_partition_list_t *next, char *err, size_t errlen)
{
	char state[24] = "";
	int members = kafka_admin_members(st, r->group, state, sizeof state);

	if (members > 0) {
		snprintf(err, errlen,
			 "refused: group %.100s has %d active member(s) (%s); stop the "
			 "consumers first",
			 r->group, members, state);
		return -1;
	}
	if (members < 0)
		snprintf(r->note, sizeof r->note,
			 "the brokers did not describe the group; they refuse commits to a "
			 "group with members");
	return kafka_admin_alter(st, r->group, next, err, errlen);
}

static void kafka_admin_list_free(rd_kafka_topic_partition_list_t *l)
{
	if (l != NULL)
		rd_kafka_topic_partition_list_destroy(l);
}

/* Compute the reset rows for group/topic (and commit them when execute). */
static int kafka_admin_reset(struct kafka_state *st, struct kafka_reset *r, char *err,
			     size_t errlen)
{
	rd_kafka_topic_partition_list_t *parts, *low = NULL, *high = NULL, *at = NULL;
	rd_kafka_topic_partition_list_t *committed = NULL, *next = NULL;
	char *ids[1] = { r->group };
	char errs[1][200];
	long long value = 0, ts = -1;
	int i, rc = -1;

	if (kafka_admin_value(r, &value, &ts, err, errlen) != 0 ||
	    (parts = kafka_admin_topic_parts(st, r->topic, err, errlen)) == NULL)
		return -1;
	kafka_admin_committed(st, ids, 1, parts, &committed, errs);
	if (committed == NULL) {
		snprintf(err, errlen, "%s", errs[0]);
		goto out;
	}
	low = rd_kafka_topic_partition_list_copy(parts);
	high = rd_kafka_topic_partition_list_copy(parts);
	if (kafka_admin_offsets_at(st, low, -2, err, errlen) != 0 ||
	    kafka_admin_offsets_at(st, high, -1, err, errlen) != 0)
		goto out;
	if (r->mode == KAFKA_RESET_TIME) {
		at = rd_kafka_topic_partition_list_copy(parts);
		if (kafka_admin_offsets_at(st, at, ts, err, errlen) != 0)
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
	if (r->executed && kafka_admin_commit(st, r, next, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	kafka_admin_list_free(parts);
	kafka_admin_list_free(committed);
	kafka_admin_list_free(low);
	kafka_admin_list_free(high);
	kafka_admin_list_free(at);
	kafka_admin_list_free(next);
	return rc;
}

int kafka_admin_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct kafka_state *st = state;
	const struct kafka_reset_req *q = req->data;
	struct kafka_reset *r;

	if (req->kind != KAFKA_REQ_PREVIEW && req->kind != KAFKA_REQ_EXECUTE) {
		snprintf(err, errlen, "kafka: unknown request %d", req->kind);
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->seq = ++st->reset_seq;
	r->executed = req->kind == KAFKA_REQ_EXECUTE;
	if (q == NULL || q->group == NULL || q->group[0] == '\0' || q->topic == NULL ||
	    q->topic[0] == '\0' || (unsigned)q->mode > KAFKA_RESET_SHIFT) {
		r->group = xstrdup("");
		r->topic = xstrdup("");
		snprintf(r->error, sizeof r->error, "bad reset request");
	} else {
		r->group = xstrdup(q->group);
		r->topic = xstrdup(q->topic);
		r->mode = q->mode;
		snprintf(r->value, sizeof r->value, "%s", q->value != NULL ? q->value : "");
		if (kafka_admin_reset(st, r, r->error, sizeof r->error) == 0)
			r->ok = 1;
	}
	log_msg("kafka: reset %s group %s topic %s to %s %s: %s",
		r->executed ? "execute" : "preview", r->group, r->topic,
		kafka_reset_mode_name(r->mode), r->value, r->ok ? "ok" : r->error);
	kafka_reset_free(st->reset);
	st->reset = r;
	return 0;
}
