/*
 * pg_codec.c - a PostgreSQL snapshot (struct pg_snap: statements,
 * connections, sessions and their blocking tree, the on-demand grid) as
 * JSON and back (pg_backend's snapshot_encode/decode; codec.h). Query
 * texts and the hint are redacted on the way out, as the slow-query panel
 * redacts them before it shows them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/pg.h"
#include "lib/redact.h"
#include "lib/util.h"

#define PG_CODEC_COLS 1000        /* columns of the on-demand grid */
#define PG_CODEC_QUERY (1u << 20) /* track_activity_query_size's maximum */

/* s redacted (NULL stays NULL), cut to max bytes (a fixed buffer's). */
static void pg_codec_put_secret(struct codec_enc *e, cJSON *o, const char *name, const char *s,
				size_t max)
{
	char *r = s != NULL ? redact(s) : NULL;

	if (r != NULL && strlen(r) > max)
		r[max] = '\0';
	codec_put_str(e, o, name, r);
	free(r);
}

static void pg_codec_put_stmt(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct pg_stmt *m = row;

	codec_put_str(e, o, "queryid", m->queryid);
	codec_put_num(e, o, "id", (double)m->id);
	codec_put_num(e, o, "calls", m->calls);
	codec_put_num(e, o, "total_ms", m->total_ms);
	codec_put_num(e, o, "rows", m->rows);
	codec_put_num(e, o, "hit", m->hit);
	codec_put_num(e, o, "read", m->read);
	codec_put_num(e, o, "d_calls", m->d_calls);
	codec_put_num(e, o, "d_total_ms", m->d_total_ms);
	codec_put_num(e, o, "d_rows", m->d_rows);
	codec_put_num(e, o, "d_hit", m->d_hit);
	codec_put_num(e, o, "d_read", m->d_read);
	codec_put_num(e, o, "has_delta", m->has_delta);
	codec_put_num(e, o, "is_new", m->is_new);
	pg_codec_put_secret(e, o, "query", m->query, PG_CODEC_QUERY);
	codec_put_num(e, o, "query_len", (double)m->query_len);
}

static void pg_codec_put_session(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct pg_session *x = row;
	cJSON *a;
	size_t i;

	codec_put_num(e, o, "pid", x->pid);
	codec_put_str(e, o, "user", x->user);
	codec_put_str(e, o, "db", x->db);
	codec_put_str(e, o, "state", x->state);
	codec_put_str(e, o, "wait_type", x->wait_type);
	codec_put_str(e, o, "wait_event", x->wait_event);
	pg_codec_put_secret(e, o, "query", x->query, PG_CODEC_QUERY);
	codec_put_num(e, o, "query_len", (double)x->query_len);
	codec_put_num(e, o, "query_age", x->query_age);
	codec_put_num(e, o, "xact_age", x->xact_age);
	a = codec_put_arr(e, o, "blocked_by");
	for (i = 0; i < x->nblocked_by; i++)
		codec_put_num(e, a, NULL, x->blocked_by[i]);
}

static void pg_codec_put_grid(struct codec_enc *e, cJSON *o, const struct pg_grid *g)
{
	cJSON *rows = codec_put_arr(e, o, "rows");
	size_t r, c;

	codec_put_num(e, o, "ncols", (double)g->ncols);
	for (r = 0; r < g->nrows; r++) {
		cJSON *row = codec_put_arr(e, rows, NULL);

		for (c = 0; c < g->ncols; c++)
			codec_put_str(e, row, NULL, g->cells[r * g->ncols + c]);
	}
}

static void pg_codec_put_node(struct codec_enc *e, cJSON *o, const void *row)
{
	const struct pg_tree_node *t = row;

	codec_put_num(e, o, "session", (double)t->session);
	codec_put_num(e, o, "depth", t->depth);
	codec_put_num(e, o, "parent_pid", t->parent_pid);
}

/* The scalar fields of the snapshot, both ways: I(name) an int, D(name) a
 * double, Z(name) a size_t. */
#define PG_CODEC_SCALARS(I, D, Z)                                                                  \
	I(server_version, 0, INT_MAX)                                                              \
	I(exec_cols, -1, 1)                                                                        \
	Z(nall)                                                                                    \
	Z(nnew)                                                                                    \
	D(interval)                                                                                \
	D(total_ms)                                                                                \
	D(d_total_ms)                                                                              \
	D(stats_reset)                                                                             \
	D(reset_seen)                                                                              \
	I(max_conn, -1, INT_MAX)                                                                   \
	I(n_total, 0, INT_MAX)                                                                     \
	I(n_active, 0, INT_MAX)                                                                    \
	I(n_idle, 0, INT_MAX)                                                                      \
	I(n_idle_xact, 0, INT_MAX)                                                                 \
	I(n_waiting, 0, INT_MAX)                                                                   \
	D(oldest_xact)                                                                             \
	I(action_ok, 0, 1)

cJSON *pg_codec_encode(const void *snap)
{
	const struct pg_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

#define PUT_I(f, lo, hi) codec_put_num(&e, root, #f, s->f);
#define PUT_D(f) codec_put_num(&e, root, #f, s->f);
#define PUT_Z(f) codec_put_num(&e, root, #f, (double)s->f);
	PG_CODEC_SCALARS(PUT_I, PUT_D, PUT_Z)
#undef PUT_I
#undef PUT_D
#undef PUT_Z
	codec_put_num(&e, root, "stmts_state", s->stmts_state);
	pg_codec_put_secret(&e, root, "hint", s->hint, sizeof s->hint - 1);
	codec_put_rows(&e, root, "stmts", s->stmts, s->nstmts, sizeof *s->stmts, pg_codec_put_stmt);
	codec_put_rows(&e, root, "sessions", s->sessions, s->nsessions, sizeof *s->sessions,
		       pg_codec_put_session);
	codec_put_rows(&e, root, "tree", s->tree, s->ntree, sizeof *s->tree, pg_codec_put_node);
	codec_put_num(&e, root, "view", s->view);
	pg_codec_put_grid(&e, codec_put_obj(&e, root, "grid"), &s->grid);
	codec_put_num(&e, root, "action_seq", (double)s->action_seq);
	codec_put_str(&e, root, "action_msg", s->action_msg);
	return codec_enc_done(&e, root);
}

static void pg_codec_get_stmt(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct pg_stmt *m = row;

	codec_buf(d, o, "queryid", m->queryid, sizeof m->queryid);
	m->id = codec_int(d, o, "id", LLONG_MIN, LLONG_MAX);
	m->calls = codec_num(d, o, "calls");
	m->total_ms = codec_num(d, o, "total_ms");
	m->rows = codec_num(d, o, "rows");
	m->hit = codec_num(d, o, "hit");
	m->read = codec_num(d, o, "read");
	m->d_calls = codec_num(d, o, "d_calls");
	m->d_total_ms = codec_num(d, o, "d_total_ms");
	m->d_rows = codec_num(d, o, "d_rows");
	m->d_hit = codec_num(d, o, "d_hit");
	m->d_read = codec_num(d, o, "d_read");
	m->has_delta = (int)codec_int(d, o, "has_delta", 0, 1);
	m->is_new = (int)codec_int(d, o, "is_new", 0, 1);
	m->query = codec_str(d, o, "query", PG_CODEC_QUERY, 1);
	m->query_len = (size_t)codec_int(d, o, "query_len", 0, LLONG_MAX);
}

static void pg_codec_get_session(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct pg_session *x = row;
	const cJSON *a, *it;
	size_t n;

	x->pid = (int)codec_int(d, o, "pid", 0, INT_MAX);
	x->user = codec_str(d, o, "user", CODEC_STR_MAX, 1);
	x->db = codec_str(d, o, "db", CODEC_STR_MAX, 1);
	x->state = codec_str(d, o, "state", CODEC_STR_MAX, 1);
	x->wait_type = codec_str(d, o, "wait_type", CODEC_STR_MAX, 1);
	x->wait_event = codec_str(d, o, "wait_event", CODEC_STR_MAX, 1);
	x->query = codec_str(d, o, "query", PG_CODEC_QUERY, 1);
	x->query_len = (size_t)codec_int(d, o, "query_len", 0, LLONG_MAX);
	x->query_age = codec_num(d, o, "query_age");
	x->xact_age = codec_num(d, o, "xact_age");
	a = codec_arr(d, o, "blocked_by", CODEC_ROWS_MAX, &n);
	x->blocked_by = n > 0 ? xcalloc(n, sizeof *x->blocked_by) : NULL;
	cJSON_ArrayForEach(it, a)
	{
		codec_enter(d, "blocked_by", (long)x->nblocked_by);
		x->blocked_by[x->nblocked_by++] = (int)codec_int(d, it, NULL, 0, INT_MAX);
		codec_leave(d);
	}
}

static void pg_codec_get_node(struct codec_dec *d, const cJSON *o, void *row, void *ctx)
{
	struct pg_tree_node *t = row;
	const size_t *nsessions = ctx;

	/* the panel indexes sessions with it */
	t->session = (size_t)codec_int(d, o, "session", 0, (long long)*nsessions - 1);
	t->depth = (int)codec_int(d, o, "depth", 0, CODEC_ROWS_MAX);
	t->parent_pid = (int)codec_int(d, o, "parent_pid", 0, INT_MAX);
}

static void pg_codec_get_grid(struct codec_dec *d, const cJSON *o, struct pg_grid *g)
{
	const cJSON *rows, *row, *it;
	size_t nrows, ncols, n, r = 0, c;

	codec_enter(d, "grid", -1);
	o = codec_obj(d, o, NULL);
	ncols = (size_t)codec_int(d, o, "ncols", 0, PG_CODEC_COLS);
	rows = codec_arr(d, o, "rows", ncols > 0 ? CODEC_ROWS_MAX : 0, &nrows);
	if (!d->bad && nrows * ncols > (size_t)CODEC_ROWS_MAX * 10) {
		codec_fail(d, "rows", "more than %d cells", CODEC_ROWS_MAX * 10);
		nrows = 0;
	}
	g->cells = xcalloc(nrows * ncols + 1, sizeof *g->cells);
	g->ncols = ncols;
	g->nrows = nrows;
	cJSON_ArrayForEach(row, rows)
	{
		codec_enter(d, "rows", (long)r);
		codec_arr(d, row, NULL, ncols, &n);
		if (!d->bad && n != ncols)
			codec_fail(d, NULL, "%zu cells, not ncols (%zu)", n, ncols);
		if (d->bad) {
			codec_leave(d);
			break;
		}
		c = 0;
		cJSON_ArrayForEach(it, row)
		{
			codec_enter(d, NULL, (long)c);
			g->cells[r * ncols + c++] = codec_str(d, it, NULL, CODEC_STR_MAX, 1);
			codec_leave(d);
		}
		codec_leave(d);
		r++;
	}
	codec_leave(d);
}

void *pg_codec_decode(const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	struct pg_snap *s;

	if (codec_dec_init(&d, j, "postgres", err, errlen) < 0)
		return NULL;
	s = xcalloc(1, sizeof *s);
#define GET_I(f, lo, hi) s->f = (int)codec_int(&d, j, #f, lo, hi);
#define GET_D(f) s->f = codec_num(&d, j, #f);
#define GET_Z(f) s->f = (size_t)codec_int(&d, j, #f, 0, LLONG_MAX);
	PG_CODEC_SCALARS(GET_I, GET_D, GET_Z)
#undef GET_I
#undef GET_D
#undef GET_Z
	s->stmts_state =
		(enum pg_stmts_state)codec_int(&d, j, "stmts_state", PG_STMTS_OK, PG_STMTS_ERROR);
	codec_buf(&d, j, "hint", s->hint, sizeof s->hint);
	s->stmts = codec_rows(&d, j, "stmts", CODEC_ROWS_MAX, sizeof *s->stmts, &s->nstmts,
			      pg_codec_get_stmt, NULL);
	s->sessions = codec_rows(&d, j, "sessions", CODEC_ROWS_MAX, sizeof *s->sessions,
				 &s->nsessions, pg_codec_get_session, NULL);
	s->tree = codec_rows(&d, j, "tree", CODEC_ROWS_MAX, sizeof *s->tree, &s->ntree,
			     pg_codec_get_node, &s->nsessions);
	s->view = (enum pg_view)codec_int(&d, j, "view", PG_VIEW_NONE, PG_VIEW_INDEXES);
	pg_codec_get_grid(&d, codec_obj(&d, j, "grid"), &s->grid);
	s->action_seq = (unsigned long)codec_int(&d, j, "action_seq", 0, LONG_MAX);
	codec_buf(&d, j, "action_msg", s->action_msg, sizeof s->action_msg);
	if (d.bad) {
		pg_snap_free(s);
		return NULL;
	}
	return s;
}
