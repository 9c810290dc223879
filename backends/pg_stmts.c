/*
 * pg_stmts.c - the statements part of the PostgreSQL source that needs
 * no server (see pg.h): the cheap counters of every pg_stat_statements
 * entry kept between refreshes in a hash map keyed by (userid, dbid,
 * queryid, toplevel), per-interval deltas from them aggregated by
 * queryid, stats resets, the choice of the statements worth a text, the
 * cache of those texts, and the SQL that reads the counters.
 */
#include "backends/pg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* ---- the entry map --------------------------------------------------- */

static uint64_t pg_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t pg_entry_hash(const struct pg_entry *e)
{
	uint64_t h = pg_mix((uint64_t)e->queryid);

	h ^= pg_mix(((uint64_t)e->userid << 32 | e->dbid) + (uint64_t)(e->toplevel + 2));
	return pg_mix(h);
}

static int pg_entry_same(const struct pg_entry *a, const struct pg_entry *b)
{
	return a->queryid == b->queryid && a->userid == b->userid && a->dbid == b->dbid &&
	       a->toplevel == b->toplevel;
}

/* A power of two at least twice n: the probes stay short. */
static size_t pg_cap_for(size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

static const struct pg_entry *pg_deltas_find(const struct pg_deltas *d, const struct pg_entry *e)
{
	size_t mask, k;

	if (d->cap == 0)
		return NULL;
	mask = d->cap - 1;
	for (k = (size_t)pg_entry_hash(e) & mask; d->idx[k] != 0; k = (k + 1) & mask)
		if (pg_entry_same(&d->ent[d->idx[k] - 1], e))
			return &d->ent[d->idx[k] - 1];
	return NULL;
}

/* The map holds a copy of e[0..n) (a key seen twice keeps the first). */
static void pg_deltas_fill(struct pg_deltas *d, const struct pg_entry *e, size_t n)
{
	size_t i, mask;

	d->cap = pg_cap_for(n);
	d->idx = xcalloc(d->cap, sizeof *d->idx);
	d->ent = xcalloc(n + 1, sizeof *d->ent);
	d->n = 0;
	mask = d->cap - 1;
	for (i = 0; i < n; i++) {
		size_t k = (size_t)pg_entry_hash(&e[i]) & mask;
		int dup = 0;

		for (; d->idx[k] != 0; k = (k + 1) & mask)
			if (pg_entry_same(&d->ent[d->idx[k] - 1], &e[i]))
				dup = 1;
		if (dup)
			continue;
		d->ent[d->n] = e[i];
		d->idx[k] = (uint32_t)++d->n;
	}
}

void pg_deltas_free(struct pg_deltas *d)
{
	free(d->ent);
	free(d->idx);
	memset(d, 0, sizeof *d);
}

static int pg_went_down(const struct pg_entry *cur, const struct pg_entry *prev)
{
	return cur->calls < prev->calls || cur->total_ms < prev->total_ms;
}

/* ---- aggregation by queryid ------------------------------------------ */

/* queryid -> index into the statements, open addressing. */
struct pg_qmap {
	uint32_t *idx;
	size_t mask;
};

static struct pg_stmt *pg_stmt_for(struct pg_qmap *q, struct pg_stmt *s, size_t *n, long long id)
{
	size_t k;

	for (k = (size_t)pg_mix((uint64_t)id) & q->mask; q->idx[k] != 0; k = (k + 1) & q->mask)
		if (s[q->idx[k] - 1].id == id)
			return &s[q->idx[k] - 1];
	q->idx[k] = (uint32_t)++ * n;
	s[*n - 1].id = id;
	snprintf(s[*n - 1].queryid, sizeof s[*n - 1].queryid, "%lld", id);
	return &s[*n - 1];
}

/* Add entry e with its delta (NULL: none, its totals count) to m;
 * seen counts the entries that were in the previous sample. */
static void pg_stmt_add(struct pg_stmt *m, const struct pg_entry *e, const struct pg_entry *p,
			size_t *seen)
{
	m->calls += e->calls;
	m->total_ms += e->total_ms;
	m->rows += e->rows;
	m->hit += e->hit;
	m->read += e->read;
	if (p == NULL) {
		m->d_calls += e->calls;
		m->d_total_ms += e->total_ms;
		m->d_rows += e->rows;
		m->d_hit += e->hit;
		m->d_read += e->read;
		return;
	}
	(*seen)++;
	m->d_calls += e->calls - p->calls;
	m->d_total_ms += e->total_ms - p->total_ms;
	m->d_rows += e->rows >= p->rows ? e->rows - p->rows : e->rows;
	m->d_hit += e->hit >= p->hit ? e->hit - p->hit : e->hit;
	m->d_read += e->read >= p->read ? e->read - p->read : e->read;
}

/* Was there a reset of the whole view since the previous sample? Known
 * from stats_reset when both samples have it, else from any entry's
 * counters going down. */
static int pg_full_reset(const struct pg_deltas *d, const struct pg_entry *e, size_t n,
			 double stats_reset)
{
	size_t i;

	if (!d->have)
		return 0;
	if (stats_reset > 0 && d->stats_reset > 0)
		return stats_reset != d->stats_reset;
	for (i = 0; i < n; i++) {
		const struct pg_entry *p = pg_deltas_find(d, &e[i]);

		if (p != NULL && pg_went_down(&e[i], p))
			return 1;
	}
	return 0;
}

size_t pg_deltas_sample(struct pg_deltas *d, const struct pg_entry *e, size_t n, double stats_reset,
			struct pg_stmt **out, int *reset)
{
	struct pg_stmt *s = xcalloc(n + 1, sizeof *s);
	size_t *seen = xcalloc(n + 1, sizeof *seen);
	struct pg_qmap q;
	struct pg_deltas next = { 0 };
	size_t i, ns = 0, cap = pg_cap_for(n);
	int full = pg_full_reset(d, e, n, stats_reset), down = 0;

	q.idx = xcalloc(cap, sizeof *q.idx);
	q.mask = cap - 1;
	for (i = 0; i < n; i++) {
		const struct pg_entry *p = d->have && !full ? pg_deltas_find(d, &e[i]) : NULL;
		struct pg_stmt *m = pg_stmt_for(&q, s, &ns, e[i].queryid);

		if (p != NULL && pg_went_down(&e[i], p)) {
			p = NULL; /* this entry was reset (or evicted and made again) */
			down = 1;
		}
		pg_stmt_add(m, &e[i], p, &seen[m - s]);
	}
	for (i = 0; i < ns; i++) {
		s[i].is_new = d->have && seen[i] == 0;
		s[i].has_delta = d->have && seen[i] > 0;
	}
	free(q.idx);
	free(seen);
	pg_deltas_fill(&next, e, n);
	next.have = 1;
	next.stats_reset = stats_reset;
	pg_deltas_free(d);
	*d = next;
	*reset = full || down;
	*out = s;
	return ns;
}

/* ---- which statements get a text ------------------------------------- */

struct pg_rank {
	const struct pg_stmt *s;
	int key; /* enum pg_by, + 4 per interval */
};

double pg_stmt_metric(const struct pg_stmt *m, int key, int interval)
{
	double calls = interval ? m->d_calls : m->calls;
	double total = interval ? m->d_total_ms : m->total_ms;

	switch (key) {
	case PG_BY_MEAN:
		return calls > 0 ? total / calls : 0;
	case PG_BY_CALLS:
		return calls;
	case PG_BY_ROWS:
		return interval ? m->d_rows : m->rows;
	default:
		return total;
	}
}

static int pg_rank_cmp(const void *a, const void *b, void *ctx)
{
	const struct pg_rank *rk = ctx;
	const struct pg_stmt *x = &rk->s[*(const size_t *)a], *y = &rk->s[*(const size_t *)b];
	double vx = pg_stmt_metric(x, rk->key & 3, rk->key >= 4);
	double vy = pg_stmt_metric(y, rk->key & 3, rk->key >= 4);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A min-heap of the best `top` seen so far (its root the worst of them):
 * n log(top) per order, not a sort of every statement. */
static void pg_heap_down(size_t *h, size_t n, size_t i, struct pg_rank *rk)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < n && pg_rank_cmp(&h[l], &h[m], rk) > 0)
			m = l;
		if (l + 1 < n && pg_rank_cmp(&h[l + 1], &h[m], rk) > 0)
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void pg_pick_top(const struct pg_stmt *s, size_t n, size_t top, struct pg_rank *rk,
			size_t *h, char *keep)
{
	size_t i, k, hn = 0;

	for (i = 0; i < n; i++) {
		if (rk->key >= 4 && !(s[i].d_calls > 0))
			continue;
		if (hn < top) {
			h[hn++] = i;
			if (hn == top)
				for (k = hn / 2; k-- > 0;)
					pg_heap_down(h, hn, k, rk);
		} else if (pg_rank_cmp(&i, &h[0], rk) < 0) {
			h[0] = i;
			pg_heap_down(h, hn, 0, rk);
		}
	}
	for (k = 0; k < hn; k++)
		keep[h[k]] = 1;
}

void pg_snap_stmts(struct pg_snap *s, struct pg_stmt *all, size_t nall, size_t npick)
{
	size_t k;

	for (k = 0; k < nall; k++) {
		s->total_ms += all[k].total_ms;
		s->d_total_ms += all[k].d_total_ms;
		s->nnew += (size_t)all[k].is_new;
	}
	s->stmts = xrealloc(all, (npick + 1) * sizeof *all);
	s->nstmts = npick;
	s->nall = nall;
}

size_t pg_stmts_pick(struct pg_stmt *s, size_t n, size_t top)
{
	size_t *heap, i, w = 0;
	char *keep;
	struct pg_rank rk;

	if (n <= top)
		return n;
	heap = xcalloc(top + 1, sizeof *heap);
	keep = xcalloc(n, 1);
	rk.s = s;
	for (rk.key = 0; rk.key < 8; rk.key++)
		pg_pick_top(s, n, top, &rk, heap, keep);
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (i != w) {
			struct pg_stmt t = s[w];

			s[w] = s[i];
			s[i] = t;
		}
		w++;
	}
	free(keep);
	free(heap);
	return w;
}

/* ---- the texts of the shown statements ------------------------------- */

static int pg_text_cmp(const void *a, const void *b)
{
	const struct pg_text *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

const struct pg_text *pg_texts_find(const struct pg_texts *t, long long id)
{
	struct pg_text key = { 0 };

	if (t->n == 0)
		return NULL;
	key.id = id;
	return bsearch(&key, t->v, t->n, sizeof *t->v, pg_text_cmp);
}

void pg_texts_add(struct pg_texts *t, long long id, const char *text, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n].id = id;
	t->v[t->n].text = xstrdup(text);
	t->v[t->n].len = len;
	t->n++;
	t->sorted = 0;
}

void pg_texts_sort(struct pg_texts *t)
{
	if (t->n > 0)
		qsort(t->v, t->n, sizeof *t->v, pg_text_cmp);
	t->sorted = 1;
}

void pg_texts_free(struct pg_texts *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* ---- SQL ------------------------------------------------------------- */

int pg_stat_exec_cols(int has_new, int has_old)
{
	return has_new ? 1 : has_old ? 0 : -1;
}

void pg_stmts_sql(int exec_cols, int toplevel, char *buf, size_t len)
{
	snprintf(buf, len,
		 "SELECT userid, dbid, queryid, %s, calls, %s, rows, shared_blks_hit,"
		 " shared_blks_read FROM pg_stat_statements(false) WHERE queryid IS NOT NULL",
		 toplevel ? "toplevel" : "NULL::bool",
		 exec_cols > 0 ? "total_exec_time" : "total_time");
}
