/*
 * pg_codec.c - a PostgreSQL snapshot (struct pg_snap: statements,
 * connections, sessions and their blocking tree, the on-demand grid) as
 * JSON and back (pg_backend's snapshot_encode/decode; codec.h). Query
 * texts and the hint are redacted on the way out, as the slow-query panel
 * redacts them before it shows them.
 */
#include <limits.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "backends/pg.h"
#include "lib/util.h"

#define PG_CODEC_COLS 1000        /* columns of the on-demand grid */
#define PG_CODEC_QUERY (1u << 20) /* track_activity_query_size's maximum */

static const struct codec_field pg_codec_stmt[] = {
	CODEC_B(struct pg_stmt, queryid),
	CODEC_LL(struct pg_stmt, id, LLONG_MIN, LLONG_MAX),
	CODEC_D(struct pg_stmt, calls),
	CODEC_D(struct pg_stmt, total_ms),
	CODEC_D(struct pg_stmt, rows),
	CODEC_D(struct pg_stmt, hit),
	CODEC_D(struct pg_stmt, read),
	CODEC_D(struct pg_stmt, d_calls),
	CODEC_D(struct pg_stmt, d_total_ms),
	CODEC_D(struct pg_stmt, d_rows),
	CODEC_D(struct pg_stmt, d_hit),
	CODEC_D(struct pg_stmt, d_read),
	CODEC_I(struct pg_stmt, has_delta, 0, 1),
	CODEC_I(struct pg_stmt, is_new, 0, 1),
	CODEC_SECRET_S(struct pg_stmt, query, PG_CODEC_QUERY),
	CODEC_Z(struct pg_stmt, query_len, LLONG_MAX),
};

static const struct codec_field pg_codec_pid[] = { CODEC_ELEM(CODEC_INT, 0, INT_MAX) };

static const struct codec_field pg_codec_session[] = {
	CODEC_I(struct pg_session, pid, 0, INT_MAX),
	CODEC_SN(struct pg_session, user),
	CODEC_SN(struct pg_session, db),
	CODEC_SN(struct pg_session, state),
	CODEC_SN(struct pg_session, wait_type),
	CODEC_SN(struct pg_session, wait_event),
	CODEC_SECRET_S(struct pg_session, query, PG_CODEC_QUERY),
	CODEC_Z(struct pg_session, query_len, LLONG_MAX),
	CODEC_D(struct pg_session, query_age),
	CODEC_D(struct pg_session, xact_age),
	CODEC_ROWS(struct pg_session, blocked_by, nblocked_by, pg_codec_pid, CODEC_ROWS_MAX),
};

static const struct codec_field pg_codec_node[] = {
	CODEC_Z(struct pg_tree_node, session, CODEC_ROWS_MAX - 1),
	CODEC_I(struct pg_tree_node, depth, 0, CODEC_ROWS_MAX),
	CODEC_I(struct pg_tree_node, parent_pid, 0, INT_MAX),
};

/* The tree, whose session must index sessions (the panel indexes them
 * with it): read by the same table with that range. */
static void pg_codec_get_tree(struct codec_dec *d, const cJSON *o, void *row,
			      const struct codec_field *f)
{
	struct codec_field node[CODEC_LEN(pg_codec_node)], tree = *f;

	memcpy(node, pg_codec_node, sizeof node);
	node[0].hi = (long long)((struct pg_snap *)row)->nsessions - 1;
	tree.sub = node;
	tree.get = NULL;
	codec_get_fields(d, o, row, &tree, 1);
}

/* The grid: its rows as arrays of ncols cells (strings or null). */
static void pg_codec_put_grid(struct codec_enc *e, cJSON *o, const void *row,
			      const struct codec_field *f)
{
	const struct pg_grid *g = &((const struct pg_snap *)row)->grid;
	cJSON *rows;
	size_t r, c;

	o = codec_put_obj(e, o, f->name);
	rows = codec_put_arr(e, o, "rows");
	codec_put_num(e, o, "ncols", (double)g->ncols);
	for (r = 0; r < g->nrows; r++) {
		cJSON *cells = codec_put_arr(e, rows, NULL);

		for (c = 0; c < g->ncols; c++)
			codec_put_str(e, cells, NULL, g->cells[r * g->ncols + c]);
	}
}

static void pg_codec_get_grid(struct codec_dec *d, const cJSON *o, void *row,
			      const struct codec_field *f)
{
	struct pg_grid *g = &((struct pg_snap *)row)->grid;
	const cJSON *rows, *cells, *it;
	size_t nrows, ncols, n, r = 0, c;

	o = codec_obj(d, o, f->name);
	codec_enter(d, f->name, -1);
	ncols = (size_t)codec_int(d, o, "ncols", 0, PG_CODEC_COLS);
	rows = codec_arr(d, o, "rows", ncols > 0 ? CODEC_ROWS_MAX : 0, &nrows);
	if (!d->bad && nrows * ncols > (size_t)CODEC_ROWS_MAX * 10) {
		codec_fail(d, "rows", "more than %d cells", CODEC_ROWS_MAX * 10);
		nrows = 0;
	}
	g->cells = xcalloc(nrows * ncols + 1, sizeof *g->cells);
	g->ncols = ncols;
	g->nrows = nrows;
	cJSON_ArrayForEach(cells, rows)
	{
		codec_enter(d, "rows", (long)r);
		codec_arr(d, cells, NULL, ncols, &n);
		if (!d->bad && n != ncols)
			codec_fail(d, NULL, "%zu cells, not ncols (%zu)", n, ncols);
		if (d->bad) {
			codec_leave(d);
			break;
		}
		c = 0;
		cJSON_ArrayForEach(it, cells)
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

static const struct codec_field pg_codec_snap[] = {
	CODEC_I(struct pg_snap, server_version, 0, INT_MAX),
	CODEC_I(struct pg_snap, exec_cols, -1, 1),
	CODEC_Z(struct pg_snap, nall, LLONG_MAX),
	CODEC_Z(struct pg_snap, nnew, LLONG_MAX),
	CODEC_D(struct pg_snap, interval),
	CODEC_D(struct pg_snap, total_ms),
	CODEC_D(struct pg_snap, d_total_ms),
	CODEC_D(struct pg_snap, stats_reset),
	CODEC_D(struct pg_snap, reset_seen),
	CODEC_I(struct pg_snap, max_conn, -1, INT_MAX),
	CODEC_I(struct pg_snap, n_total, 0, INT_MAX),
	CODEC_I(struct pg_snap, n_active, 0, INT_MAX),
	CODEC_I(struct pg_snap, n_idle, 0, INT_MAX),
	CODEC_I(struct pg_snap, n_idle_xact, 0, INT_MAX),
	CODEC_I(struct pg_snap, n_waiting, 0, INT_MAX),
	CODEC_D(struct pg_snap, oldest_xact),
	CODEC_I(struct pg_snap, action_ok, 0, 1),
	CODEC_E(struct pg_snap, stmts_state, PG_STMTS_OK, PG_STMTS_ERROR),
	CODEC_SECRET_B(struct pg_snap, hint),
	CODEC_ROWS(struct pg_snap, stmts, nstmts, pg_codec_stmt, CODEC_ROWS_MAX),
	CODEC_ROWS(struct pg_snap, sessions, nsessions, pg_codec_session, CODEC_ROWS_MAX),
	CODEC_ROWS_GET(struct pg_snap, tree, ntree, pg_codec_node, CODEC_ROWS_MAX,
		       pg_codec_get_tree),
	CODEC_E(struct pg_snap, view, PG_VIEW_NONE, PG_VIEW_INDEXES),
	CODEC_FN(struct pg_snap, grid, pg_codec_put_grid, pg_codec_get_grid),
	CODEC_UL(struct pg_snap, action_seq),
	CODEC_B(struct pg_snap, action_msg),
};

CODEC_DEFINE(pg, pg_backend, struct pg_snap, pg_codec_snap)
