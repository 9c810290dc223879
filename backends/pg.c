/*
 * pg.c - the PostgreSQL data source over libpq (see pg.h). The backend
 * polls on its runner thread with one non-blocking connection: every
 * connect and every query runs under a poll() deadline, so a server that
 * accepts and never answers costs one timeout, never a frozen worker;
 * the connection is dropped on any failure and the runner's backoff
 * paces the reconnects (the I/O is in pg_io.c, the sql step in
 * pg_step.c). Requests arrive typed (struct pg_req). The pure helpers (pid parsing, deltas,
 * blocking tree, table formatting) sit at the top, apart from the I/O.
 */
#include "backends/pg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backends/codec.h"
#include "backends/pg_io.h"
#include "lib/util.h"

/* ---- pure helpers ---------------------------------------------------- */

int pg_parse_pid(const char *s, int *pid)
{
	char *end;
	long v;
	const char *p;

	if (s == NULL || s[0] == '\0')
		return -1;
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > INT_MAX)
		return -1;
	*pid = (int)v;
	return 0;
}

long pg_parse_int_array(const char *s, int **out)
{
	int *a = NULL;
	long n = 0, cap = 0;
	const char *p = s;

	*out = NULL;
	if (s == NULL || *p != '{')
		return -1;
	p++;
	while (*p != '}') {
		char *end;
		long v;

		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno != 0 || v > INT_MAX)
			goto bad;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			a = xrealloc(a, (size_t)cap * sizeof *a);
		}
		a[n++] = (int)v;
		p = end;
		if (*p == ',')
			p++;
		else if (*p != '}')
			goto bad;
	}
	if (p[1] != '\0')
		goto bad;
	*out = a;
	return n;
bad:
	free(a);
	return -1;
}

static long pg_find_session(const struct pg_session *s, size_t n, int pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].pid == pid)
			return (long)i;
	return -1;
}

static int pg_blocks_someone(const struct pg_session *s, size_t n, int pid)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].nblocked_by; j++)
			if (s[i].blocked_by[j] == pid)
				return 1;
	return 0;
}

struct pg_tree_build {
	const struct pg_session *s;
	size_t n;
	struct pg_tree_node *out;
	size_t nout, cap;
	char *placed;
	int *path;
};

static void pg_tree_add(struct pg_tree_build *b, size_t i, int depth, int parent)
{
	size_t k, j;
	int d;

	if (b->nout == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->out = xrealloc(b->out, b->cap * sizeof *b->out);
	}
	b->out[b->nout].session = i;
	b->out[b->nout].depth = depth;
	b->out[b->nout].parent_pid = parent;
	b->nout++;
	b->placed[i] = 1;
	b->path[depth] = b->s[i].pid;
	if (depth >= 32 || b->nout > 4096)
		return;
	for (k = 0; k < b->n; k++) {
		int cycle = 0;

		for (j = 0; j < b->s[k].nblocked_by; j++)
			if (b->s[k].blocked_by[j] == b->s[i].pid)
				break;
		if (j == b->s[k].nblocked_by)
			continue;
		for (d = 0; d <= depth; d++)
			if (b->path[d] == b->s[k].pid)
				cycle = 1;
		if (!cycle)
			pg_tree_add(b, k, depth + 1, b->s[i].pid);
	}
}

size_t pg_blocking_tree(const struct pg_session *s, size_t n, struct pg_tree_node **out)
{
	struct pg_tree_build b = { 0 };
	int path[40];
	size_t i;

	b.s = s;
	b.n = n;
	b.placed = xcalloc(n ? n : 1, 1);
	b.path = path;
	/* Roots: blockers that are not blocked by a session we know. */
	for (i = 0; i < n; i++) {
		size_t j;
		int blocked = 0;

		if (!pg_blocks_someone(s, n, s[i].pid))
			continue;
		for (j = 0; j < s[i].nblocked_by; j++)
			if (pg_find_session(s, n, s[i].blocked_by[j]) >= 0)
				blocked = 1;
		if (!blocked)
			pg_tree_add(&b, i, 0, 0);
	}
	/* Blocked sessions whose blockers form a cycle or are unknown. */
	for (i = 0; i < n; i++)
		if (!b.placed[i] && (s[i].nblocked_by > 0 || pg_blocks_someone(s, n, s[i].pid)))
			pg_tree_add(&b, i, 0, 0);
	for (i = 0; i < n; i++)
		if (!b.placed[i])
			pg_tree_add(&b, i, 0, 0);
	free(b.placed);
	*out = b.out;
	return b.nout;
}

/* Display width of UTF-8 text, counting lead bytes. */
static size_t pg_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void pg_pad(struct strbuf *sb, size_t n)
{
	while (n-- > 0)
		strbuf_putc(sb, ' ');
}

/* A cell on one line: newlines and tabs become spaces, capped. */
static char *pg_cell(const char *v)
{
	size_t len = v ? strlen(v) : 0, i;
	char *c;

	if (len > 256)
		len = 256;
	c = xstrndup(v ? v : "", len);
	for (i = 0; c[i] != '\0'; i++)
		if (c[i] == '\n' || c[i] == '\r' || c[i] == '\t')
			c[i] = ' ';
	return c;
}

char *pg_format_table(size_t ncols, const char *const *names, size_t nrows,
		      const char *const *cells, size_t max_rows, size_t total)
{
	struct strbuf sb = { 0 };
	size_t *w = xcalloc(ncols ? ncols : 1, sizeof *w);
	size_t shown = nrows < max_rows ? nrows : max_rows;
	char **cc = xcalloc(shown * ncols + 1, sizeof *cc);
	size_t r, c;

	for (c = 0; c < ncols; c++)
		w[c] = pg_width(names[c]);
	for (r = 0; r < shown; r++)
		for (c = 0; c < ncols; c++) {
			size_t k = r * ncols + c, cw;

			cc[k] = pg_cell(cells[k]);
			cw = pg_width(cc[k]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (c = 0; c < ncols; c++) {
		size_t nw = pg_width(names[c]);
		size_t left = (w[c] - nw) / 2;

		strbuf_puts(&sb, c ? "| " : " ");
		pg_pad(&sb, left);
		strbuf_puts(&sb, names[c]);
		pg_pad(&sb, w[c] - nw - left + 1);
	}
	strbuf_putc(&sb, '\n');
	for (c = 0; c < ncols; c++) {
		size_t k;

		if (c)
			strbuf_putc(&sb, '+');
		for (k = 0; k < w[c] + 2; k++)
			strbuf_putc(&sb, '-');
	}
	strbuf_putc(&sb, '\n');
	for (r = 0; r < shown; r++) {
		for (c = 0; c < ncols; c++) {
			const char *v = cc[r * ncols + c];

			strbuf_puts(&sb, c ? "| " : " ");
			strbuf_puts(&sb, v);
			if (c + 1 < ncols)
				pg_pad(&sb, w[c] - pg_width(v) + 1);
		}
		strbuf_putc(&sb, '\n');
	}
	if (shown < total)
		strbuf_printf(&sb, "... %zu more rows not shown\n", total - shown);
	strbuf_printf(&sb, "(%zu row%s)\n", total, total == 1 ? "" : "s");
	for (r = 0; r < shown * ncols; r++)
		free(cc[r]);
	free(cc);
	free(w);
	return strbuf_detach(&sb);
}

static int pg_is_word_at(const char *text, const char *p, size_t len)
{
	int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
	int after = isalnum((unsigned char)p[len]) || p[len] == '_';

	return !before && !after;
}

char *pg_fix_stat_columns(const char *text)
{
	static const char *const cols[] = {
		"total_time", "mean_time", "min_time", "max_time", "stddev_time", NULL,
	};
	struct strbuf sb = { 0 };
	const char *p = text;
	int changed = 0;

	if (text == NULL || strstr(text, "pg_stat_statements") == NULL)
		return NULL;
	while (*p != '\0') {
		size_t i, len = 0;

		for (i = 0; cols[i] != NULL; i++) {
			len = strlen(cols[i]);
			if (strncmp(p, cols[i], len) == 0 && pg_is_word_at(text, p, len))
				break;
		}
		if (cols[i] != NULL) {
			strbuf_append(&sb, cols[i], len - 5);
			strbuf_puts(&sb, "_exec_time");
			p += len;
			changed = 1;
		} else {
			strbuf_putc(&sb, *p++);
		}
	}
	if (!changed) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

int pg_configured(const char *conninfo, char *why, size_t whylen)
{
	static const char *const envs[] = { "PGHOST", "PGSERVICE", "PGDATABASE", "PGHOSTADDR",
					    NULL };
	size_t i;

	if (conninfo != NULL && conninfo[0] != '\0')
		return 1;
	for (i = 0; envs[i] != NULL; i++) {
		const char *v = getenv(envs[i]);

		if (v != NULL && v[0] != '\0')
			return 1;
	}
	if (why != NULL && whylen > 0)
		snprintf(why, whylen,
			 "not configured: set postgres.conninfo or PGHOST (or PGSERVICE, "
			 "PGDATABASE)");
	return 0;
}

/* The health strip's ping. A kept connection answers an empty statement:
 * one round trip, and no new server process every refresh as a
 * PQpingParams would fork. Without one (the first ping, or the kept one
 * broke) a new connection is made and kept; when that fails,
 * PQpingParams judges, so that a server which refuses our login still
 * counts as up, as pg_isready says. */
int pg_ping(const char *conninfo, double timeout, struct pg_conn **keep, double *ms)
{
	/* libpq's connect_timeout is whole seconds, at least 2. */
	char secs[16], e[200];
	const char *keys[] = { "dbname", "connect_timeout", NULL };
	const char *vals[] = { conninfo != NULL ? conninfo : "", secs, NULL };
	double t0 = util_now();
	PGresult *r;
	PGPing p;

	if (*keep != NULL) {
		r = pg_exec(*keep, "", 0, NULL, t0 + timeout, e, sizeof e);
		if (r != NULL) {
			PQclear(r);
			*ms = (util_now() - t0) * 1000.0;
			return PQPING_OK;
		}
		PQfinish(*keep);
		*keep = NULL;
		t0 = util_now();
	}
	*keep = pg_connect(conninfo, timeout, NULL, e, sizeof e);
	if (*keep != NULL) {
		*ms = (util_now() - t0) * 1000.0;
		return PQPING_OK;
	}
	snprintf(secs, sizeof secs, "%d", timeout < 2 ? 2 : (int)(timeout + 0.999));
	t0 = util_now();
	p = PQpingParams(keys, vals, 1);
	*ms = (util_now() - t0) * 1000.0;
	return (int)p;
}

/* ---- the backend ------------------------------------------------------ */

struct pg_state {
	char *conninfo;
	double timeout, long_running;
	PGconn *conn;
	int server_version;
	int exec_cols;           /* -1 unknown/missing, 0 old, 1 new */
	int has_toplevel;        /* the view has toplevel (14+) */
	int has_info;            /* pg_stat_statements_info exists (14+) */
	struct pg_deltas deltas; /* every statement's counters at prev_time */
	int deltas_cols;         /* exec_cols * 2 + has_toplevel they were read with */
	struct pg_texts texts;   /* the shown statements' texts */
	double prev_time;
	double reset_seen; /* wall time a reset was last noticed */
	enum pg_view view;
	unsigned long action_seq;
	int action_ok;
	char action_msg[256];
};

static int pg_open(void **state, const void *arg, char *err, size_t errlen)
{
	const struct pg_arg *a = arg;
	struct pg_state *st = xcalloc(1, sizeof *st);

	st->conninfo = a != NULL && a->conninfo != NULL ? xstrdup(a->conninfo) : NULL;
	st->timeout = a != NULL && a->timeout > 0 ? a->timeout : 5;
	st->long_running = a != NULL && a->long_running > 0 ? a->long_running : 5;
	st->exec_cols = -1;
	*state = st;
	return 0;
}

static void pg_drop(struct pg_state *st)
{
	if (st->conn != NULL)
		PQfinish(st->conn);
	st->conn = NULL;
	st->exec_cols = -1;
}

static int pg_ensure(struct pg_state *st, double deadline, char *err, size_t errlen)
{
	char sql[80];
	PGresult *res;

	if (st->conn != NULL && PQstatus(st->conn) == CONNECTION_OK)
		return 0;
	pg_drop(st);
	st->conn = pg_connect(st->conninfo, st->timeout, NULL, err, errlen);
	if (st->conn == NULL)
		return -1;
	st->server_version = PQserverVersion(st->conn);
	snprintf(sql, sizeof sql, "SET statement_timeout = %ld", (long)(st->timeout * 1000));
	res = pg_exec(st->conn, sql, 0, NULL, deadline, err, errlen);
	if (res == NULL) {
		pg_drop(st);
		return -1;
	}
	PQclear(res);
	return 0;
}

static const char *pg_val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static double pg_num(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtod(PQgetvalue(r, row, col), NULL);
}

/* Which columns the installed extension has; fills the hint when it
 * cannot be read. 0 ok, 1 missing, -1 query failed. The preload setting
 * is read from pg_settings, which hides it (NULL) from a role without
 * pg_read_all_settings where current_setting() would fail the poll. */
static int pg_detect(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
		     size_t errlen)
{
	PGresult *r;
	struct strbuf sb = { 0 };
	const char *steps[4];
	int installed, has_new, has_old, avail, known, preloaded, n = 0, i;
	char create[160];

	r = pg_exec(st->conn,
		    "SELECT to_regclass('pg_stat_statements') IS NOT NULL,"
		    " (SELECT setting FROM pg_settings"
		    "  WHERE name = 'shared_preload_libraries'),"
		    " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
		    "  to_regclass('pg_stat_statements') AND attname = 'total_exec_time'"
		    "  AND NOT attisdropped),"
		    " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
		    "  to_regclass('pg_stat_statements') AND attname = 'total_time'"
		    "  AND NOT attisdropped),"
		    " EXISTS (SELECT 1 FROM pg_available_extensions"
		    "  WHERE name = 'pg_stat_statements'), current_database(),"
		    " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
		    "  to_regclass('pg_stat_statements') AND attname = 'toplevel'"
		    "  AND NOT attisdropped),"
		    " to_regclass('pg_stat_statements_info') IS NOT NULL",
		    0, NULL, deadline, err, errlen);
	if (r == NULL)
		return -1;
	installed = pg_val(r, 0, 0)[0] == 't';
	known = !PQgetisnull(r, 0, 1);
	preloaded = known && strstr(pg_val(r, 0, 1), "pg_stat_statements") != NULL;
	has_new = pg_val(r, 0, 2)[0] == 't';
	has_old = pg_val(r, 0, 3)[0] == 't';
	avail = pg_val(r, 0, 4)[0] == 't';
	st->exec_cols = pg_stat_exec_cols(has_new, has_old);
	st->has_toplevel = pg_val(r, 0, 6)[0] == 't';
	st->has_info = pg_val(r, 0, 7)[0] == 't';
	if (installed && (preloaded || !known) && st->exec_cols >= 0) {
		/* Unknown preload: the fetch's own error says if it is missing. */
		PQclear(r);
		return 0;
	}
	if (!avail)
		steps[n++] = "install the contrib package (postgresql-contrib)";
	if (known && !preloaded)
		steps[n++] = "set shared_preload_libraries = 'pg_stat_statements' in "
			     "postgresql.conf and restart the server";
	snprintf(create, sizeof create, "run CREATE EXTENSION pg_stat_statements; in database %s",
		 pg_val(r, 0, 5));
	if (!installed)
		steps[n++] = create;
	else if (st->exec_cols < 0)
		steps[n++] = "run ALTER EXTENSION pg_stat_statements UPDATE;";
	strbuf_puts(&sb, "pg_stat_statements is not available: ");
	for (i = 0; i < n; i++) {
		if (n > 1)
			strbuf_printf(&sb, "%s%d) ", i ? "; " : "", i + 1);
		strbuf_puts(&sb, steps[i]);
	}
	if (!known)
		strbuf_puts(&sb, " (it also needs shared_preload_libraries = "
				 "'pg_stat_statements' and a server restart; this role cannot "
				 "read that setting)");
	snprintf(s->hint, sizeof s->hint, "%s", sb.buf);
	strbuf_free(&sb);
	PQclear(r);
	st->exec_cols = -1;
	return 1;
}

static void pg_stmts_free(struct pg_stmt *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i].query);
	free(a);
}

/* pg_stat_statements_info.stats_reset as epoch seconds, 0 unknown. */
static int pg_fetch_reset(struct pg_state *st, double *reset, double deadline, char *err,
			  size_t errlen)
{
	PGresult *r;

	*reset = 0;
	if (!st->has_info)
		return 0;
	r = pg_exec(st->conn, "SELECT extract(epoch FROM stats_reset) FROM pg_stat_statements_info",
		    0, NULL, deadline, err, errlen);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0)
		*reset = pg_num(r, 0, 0);
	PQclear(r);
	return 0;
}

/* The counters of every statement, no text. */
static long pg_fetch_entries(struct pg_state *st, struct pg_entry **out, double deadline, char *err,
			     size_t errlen)
{
	char sql[512];
	PGresult *r;
	struct pg_entry *e;
	int i, n;

	pg_stmts_sql(st->exec_cols, st->has_toplevel, sql, sizeof sql);
	r = pg_exec(st->conn, sql, 0, NULL, deadline, err, errlen);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	e = xcalloc((size_t)n + 1, sizeof *e);
	for (i = 0; i < n; i++) {
		const char *tl = pg_val(r, i, 3);

		e[i].userid = (unsigned int)strtoul(pg_val(r, i, 0), NULL, 10);
		e[i].dbid = (unsigned int)strtoul(pg_val(r, i, 1), NULL, 10);
		e[i].queryid = strtoll(pg_val(r, i, 2), NULL, 10);
		e[i].toplevel = tl[0] == 't' ? 1 : tl[0] == 'f' ? 0 : -1;
		e[i].calls = pg_num(r, i, 4);
		e[i].total_ms = pg_num(r, i, 5);
		e[i].rows = pg_num(r, i, 6);
		e[i].hit = pg_num(r, i, 7);
		e[i].read = pg_num(r, i, 8);
	}
	PQclear(r);
	*out = e;
	return n;
}

/* Texts for the picked statements: from the cache, the missing ones in
 * one query (which reads the server's text file once); the cache then
 * holds just these. */
static int pg_fetch_texts(struct pg_state *st, struct pg_stmt *m, size_t n, double deadline,
			  char *err, size_t errlen)
{
	struct pg_texts next = { 0 };
	struct strbuf ids = { 0 };
	char cap[16];
	const char *params[2] = { NULL, cap };
	PGresult *r = NULL;
	size_t i, missing = 0;
	int k;

	strbuf_putc(&ids, '{');
	for (i = 0; i < n; i++) {
		const struct pg_text *t = pg_texts_find(&st->texts, m[i].id);

		if (t != NULL)
			pg_texts_add(&next, t->id, t->text, t->len);
		else
			strbuf_printf(&ids, "%s%lld", missing++ ? "," : "", m[i].id);
	}
	strbuf_putc(&ids, '}');
	if (missing > 0) {
		params[0] = ids.buf;
		snprintf(cap, sizeof cap, "%d", PG_QUERY_CAP);
		r = pg_exec(st->conn,
			    "SELECT queryid, left(min(query), $2::int), max(octet_length(query))"
			    " FROM pg_stat_statements WHERE queryid = ANY($1::bigint[])"
			    " GROUP BY queryid",
			    2, params, deadline, err, errlen);
		if (r == NULL) {
			strbuf_free(&ids);
			pg_texts_free(&next);
			return -1;
		}
	}
	strbuf_free(&ids);
	for (k = 0; r != NULL && k < PQntuples(r); k++)
		pg_texts_add(&next, strtoll(pg_val(r, k, 0), NULL, 10), pg_val(r, k, 1),
			     (size_t)pg_num(r, k, 2));
	if (r != NULL)
		PQclear(r);
	pg_texts_sort(&next);
	pg_texts_free(&st->texts);
	st->texts = next;
	for (i = 0; i < n; i++) {
		const struct pg_text *t = pg_texts_find(&st->texts, m[i].id);

		m[i].query = xstrdup(t != NULL ? t->text : "");
		m[i].query_len = t != NULL ? t->len : 0;
	}
	return 0;
}

/* Every statement's counters, deltas against the previous refresh, the
 * picked ones with their texts into the snapshot. */
static int pg_fetch_stmts(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
			  size_t errlen)
{
	struct pg_entry *e = NULL;
	struct pg_stmt *all = NULL;
	double now = util_now(), reset;
	long n;
	size_t nall, npick;
	int had, fresh;

	/* Other columns (ALTER EXTENSION ... UPDATE): other keys and times,
	 * so the deltas start afresh rather than call everything new. */
	if (st->deltas_cols != st->exec_cols * 2 + st->has_toplevel)
		pg_deltas_free(&st->deltas);
	st->deltas_cols = st->exec_cols * 2 + st->has_toplevel;
	had = st->deltas.have;
	if (pg_fetch_reset(st, &reset, deadline, err, errlen) != 0)
		return -1;
	n = pg_fetch_entries(st, &e, deadline, err, errlen);
	if (n < 0)
		return -1;
	nall = pg_deltas_sample(&st->deltas, e, (size_t)n, reset, &all, &fresh);
	free(e);
	s->interval = had && st->prev_time > 0 ? now - st->prev_time : 0;
	st->prev_time = now;
	if (fresh)
		st->reset_seen = util_wall();
	npick = pg_stmts_pick(all, nall, PG_STMTS_TOP);
	if (pg_fetch_texts(st, all, npick, deadline, err, errlen) != 0) {
		free(all); /* no text yet: the snapshot is left as it was */
		return -1;
	}
	pg_snap_stmts(s, all, nall, npick);
	s->reset_seen = st->reset_seen;
	s->stats_reset = reset;
	return 0;
}

static int pg_fetch_conns(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
			  size_t errlen)
{
	PGresult *r = pg_exec(st->conn,
			      "SELECT count(*),"
			      " count(*) FILTER (WHERE state = 'active'),"
			      " count(*) FILTER (WHERE state = 'idle'),"
			      " count(*) FILTER (WHERE state LIKE 'idle in transaction%'),"
			      " count(*) FILTER (WHERE wait_event_type = 'Lock'),"
			      " current_setting('max_connections')::int,"
			      " coalesce(extract(epoch FROM max(now() - xact_start)), -1)"
			      " FROM pg_stat_activity WHERE backend_type = 'client backend'",
			      0, NULL, deadline, err, errlen);

	if (r == NULL)
		return -1;
	s->n_total = (int)pg_num(r, 0, 0);
	s->n_active = (int)pg_num(r, 0, 1);
	s->n_idle = (int)pg_num(r, 0, 2);
	s->n_idle_xact = (int)pg_num(r, 0, 3);
	s->n_waiting = (int)pg_num(r, 0, 4);
	s->max_conn = (int)pg_num(r, 0, 5);
	s->oldest_xact = pg_num(r, 0, 6);
	PQclear(r);
	return 0;
}

static int pg_fetch_activity(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
			     size_t errlen)
{
	char secs[32], cap[16];
	const char *params[2] = { secs, cap };
	PGresult *r;
	int i, n;

	snprintf(secs, sizeof secs, "%g", st->long_running);
	snprintf(cap, sizeof cap, "%d", PG_QUERY_CAP);
	r = pg_exec(st->conn,
		    "WITH a AS (SELECT *, pg_blocking_pids(pid) AS bl FROM pg_stat_activity"
		    "  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())"
		    " SELECT pid, coalesce(usename, ''), coalesce(datname, ''),"
		    "  coalesce(state, ''), coalesce(wait_event_type, ''),"
		    "  coalesce(wait_event, ''),"
		    "  coalesce(extract(epoch FROM now() - query_start), 0),"
		    "  coalesce(extract(epoch FROM now() - xact_start), -1),"
		    "  left(query, $2::int), octet_length(query), bl::text"
		    " FROM a WHERE (state <> 'idle' AND now() - query_start >"
		    "  make_interval(secs => $1::float8)) OR cardinality(bl) > 0"
		    "  OR pid IN (SELECT unnest(bl) FROM a)"
		    " ORDER BY query_start LIMIT 300",
		    2, params, deadline, err, errlen);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	s->sessions = xcalloc((size_t)n + 1, sizeof *s->sessions);
	for (i = 0; i < n; i++) {
		struct pg_session *x = &s->sessions[i];
		long nb;

		x->pid = (int)pg_num(r, i, 0);
		x->user = xstrdup(pg_val(r, i, 1));
		x->db = xstrdup(pg_val(r, i, 2));
		x->state = xstrdup(pg_val(r, i, 3));
		x->wait_type = xstrdup(pg_val(r, i, 4));
		x->wait_event = xstrdup(pg_val(r, i, 5));
		x->query_age = pg_num(r, i, 6);
		x->xact_age = pg_num(r, i, 7);
		x->query = xstrdup(pg_val(r, i, 8));
		x->query_len = (size_t)pg_num(r, i, 9);
		nb = pg_parse_int_array(pg_val(r, i, 10), &x->blocked_by);
		x->nblocked_by = nb > 0 ? (size_t)nb : 0;
	}
	s->nsessions = (size_t)n;
	PQclear(r);
	s->ntree = pg_blocking_tree(s->sessions, s->nsessions, &s->tree);
	return 0;
}

static int pg_fetch_grid(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
			 size_t errlen)
{
	const char *sql;
	PGresult *r;
	size_t i, j;

	if (st->view == PG_VIEW_SIZES)
		sql = "SELECT n.nspname || '.' || c.relname,"
		      " pg_size_pretty(pg_total_relation_size(c.oid)),"
		      " pg_size_pretty(pg_relation_size(c.oid)),"
		      " pg_size_pretty(pg_indexes_size(c.oid)), c.reltuples::bigint::text"
		      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		      " WHERE c.relkind IN ('r', 'm', 'p')"
		      "  AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
		      "  AND n.nspname !~ '^pg_toast'"
		      " ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 300";
	else
		sql = "SELECT schemaname || '.' || relname, indexrelname, idx_scan::text,"
		      " idx_tup_read::text, idx_tup_fetch::text,"
		      " pg_size_pretty(pg_relation_size(indexrelid))"
		      " FROM pg_stat_user_indexes"
		      " ORDER BY idx_scan ASC, pg_relation_size(indexrelid) DESC LIMIT 300";
	r = pg_exec(st->conn, sql, 0, NULL, deadline, err, errlen);
	if (r == NULL)
		return -1;
	s->grid.ncols = (size_t)PQnfields(r);
	s->grid.nrows = (size_t)PQntuples(r);
	s->grid.cells = xcalloc(s->grid.ncols * s->grid.nrows + 1, sizeof *s->grid.cells);
	for (i = 0; i < s->grid.nrows; i++)
		for (j = 0; j < s->grid.ncols; j++)
			s->grid.cells[i * s->grid.ncols + j] = xstrdup(pg_val(r, (int)i, (int)j));
	PQclear(r);
	return 0;
}

void pg_snap_free(struct pg_snap *s)
{
	size_t i;

	if (s == NULL)
		return;
	pg_stmts_free(s->stmts, s->nstmts);
	for (i = 0; i < s->nsessions; i++) {
		struct pg_session *x = &s->sessions[i];

		free(x->user);
		free(x->db);
		free(x->state);
		free(x->wait_type);
		free(x->wait_event);
		free(x->query);
		free(x->blocked_by);
	}
	free(s->sessions);
	free(s->tree);
	for (i = 0; i < s->grid.ncols * s->grid.nrows; i++)
		free(s->grid.cells[i]);
	free(s->grid.cells);
	free(s);
}

static void pg_snapshot_free(void *snap)
{
	pg_snap_free(snap);
}

/* The statements part of a poll: detect the extension's columns when
 * unknown, fetch, and on a failed fetch (the extension dropped, updated
 * to new column names, or not preloaded after all) detect again before
 * falling back to the server's message, so that the panel says what to
 * do rather than show an SQL error. 0, or -1 + err when the connection
 * failed or timed out. */
static int pg_stmts_section(struct pg_state *st, struct pg_snap *s, double deadline, char *err,
			    size_t errlen)
{
	char serr[256] = "";
	int rc, tries;

	for (tries = 0; tries < 2; tries++) {
		rc = st->exec_cols < 0 ? pg_detect(st, s, deadline, err, errlen) : 0;
		if (rc < 0)
			return -1;
		if (rc > 0) {
			s->stmts_state = PG_STMTS_MISSING;
			return 0;
		}
		if (pg_fetch_stmts(st, s, deadline, serr, sizeof serr) == 0)
			return 0;
		if (PQstatus(st->conn) != CONNECTION_OK || strstr(serr, "timed out") != NULL) {
			snprintf(err, errlen, "%s", serr);
			return -1;
		}
		st->exec_cols = -1;
		if (strstr(serr, "shared_preload_libraries") != NULL) {
			s->stmts_state = PG_STMTS_MISSING;
			snprintf(s->hint, sizeof s->hint,
				 "pg_stat_statements is not loaded: set shared_preload_libraries = "
				 "'pg_stat_statements' in postgresql.conf and restart the server");
			return 0;
		}
	}
	/* Detected fine twice and still failing (no privilege, say): say so. */
	s->stmts_state = PG_STMTS_ERROR;
	snprintf(s->hint, sizeof s->hint, "pg_stat_statements: %s", serr);
	return 0;
}

static int pg_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct pg_state *st = state;
	double deadline = util_now() + st->timeout;
	struct pg_snap *s;

	if (pg_ensure(st, deadline, err, errlen) != 0)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->server_version = st->server_version;
	s->view = st->view;
	s->oldest_xact = -1;
	if (pg_fetch_conns(st, s, deadline, err, errlen) != 0 ||
	    pg_fetch_activity(st, s, deadline, err, errlen) != 0)
		goto fail;
	if (pg_stmts_section(st, s, deadline, err, errlen) != 0)
		goto fail;
	s->exec_cols = st->exec_cols;
	if (st->view != PG_VIEW_NONE && pg_fetch_grid(st, s, deadline, err, errlen) != 0)
		goto fail;
	s->action_seq = st->action_seq;
	s->action_ok = st->action_ok;
	memcpy(s->action_msg, st->action_msg, sizeof s->action_msg);
	*snap = s;
	return 0;
fail:
	pg_snap_free(s);
	if (st->conn != NULL && PQstatus(st->conn) != CONNECTION_OK)
		pg_drop(st);
	else if (strstr(err, "timed out") != NULL)
		pg_drop(st); /* the connection may be mid-query: start afresh */
	return -1;
}

static int pg_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct pg_state *st = state;
	const struct pg_req *rq = req->data;
	double deadline = util_now() + st->timeout;
	const char *fn, *sql;
	PGresult *r;
	int pid = rq != NULL ? rq->pid : 0;
	char pidtxt[16];
	const char *params[1] = { pidtxt };

	if (req->kind == PG_REQ_VIEW) {
		st->view = rq != NULL ? rq->view : PG_VIEW_NONE;
		return 0;
	}
	if (req->kind != PG_REQ_CANCEL && req->kind != PG_REQ_TERMINATE) {
		snprintf(err, errlen, "postgres: unknown request %d", req->kind);
		return -1;
	}
	fn = req->kind == PG_REQ_CANCEL ? "pg_cancel_backend" : "pg_terminate_backend";
	sql = req->kind == PG_REQ_CANCEL ? "SELECT pg_cancel_backend($1::int)"
					 : "SELECT pg_terminate_backend($1::int)";
	st->action_seq++;
	st->action_ok = 0;
	if (pid < 1) {
		snprintf(st->action_msg, sizeof st->action_msg, "%s: not a backend pid", fn);
		return 0;
	}
	snprintf(pidtxt, sizeof pidtxt, "%d", pid);
	if (pg_ensure(st, deadline, err, errlen) != 0) {
		snprintf(st->action_msg, sizeof st->action_msg, "%s(%d): %s", fn, pid, err);
		return 0;
	}
	r = pg_exec(st->conn, sql, 1, params, deadline, err, errlen);
	if (r == NULL) {
		snprintf(st->action_msg, sizeof st->action_msg, "%s(%d): %s", fn, pid, err);
		if (PQstatus(st->conn) != CONNECTION_OK || strstr(err, "timed out") != NULL)
			pg_drop(st);
		return 0;
	}
	st->action_ok = pg_val(r, 0, 0)[0] == 't';
	snprintf(st->action_msg, sizeof st->action_msg, "%s(%d): %s", fn, pid,
		 st->action_ok ? "done" : "no such backend (or not permitted)");
	PQclear(r);
	return 0;
}

static void pg_close(void *state)
{
	struct pg_state *st = state;

	pg_drop(st);
	pg_deltas_free(&st->deltas);
	pg_texts_free(&st->texts);
	free(st->conninfo);
	free(st);
}

const struct backend pg_backend = {
	.name = "postgres",
	.open = pg_open,
	.poll = pg_poll,
	.request = pg_request,
	.close = pg_close,
	.snapshot_free = pg_snapshot_free,
	.snapshot_encode = pg_codec_encode,
	.snapshot_decode = pg_codec_decode,
};
