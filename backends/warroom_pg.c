/*
 * warroom_pg.c - the war room through PostgreSQL (warroom.h): every
 * message is a row of amconsole_warroom (id, room, dir, at, msg) and a
 * pg_notify('amconsole_warroom', 'ROOM:DIR'); a reader LISTENs and reads
 * the rows after the last id it has. A follower reads the last
 * WARROOM_BACKLOG rows of its direction when it connects; the presenter
 * creates the table when missing and keeps each direction of its room to
 * WARROOM_BACKLOG rows. libpq, every call under the link's timeout.
 */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/pg_io.h"
#include "backends/warroom_int.h"
#include "lib/util.h"

/* Rows read at a time (the LIMIT of wr_pg_fetch). */
#define WR_PG_BATCH 200
#define WR_STR(x) #x
#define WR_XSTR(x) WR_STR(x)
/* The presenter prunes after this many inserts. */
#define WR_PG_PRUNE_EVERY 50

struct wr_pg {
	PGconn *c;
	char room[80];
	const char *in_dir, *out_dir;
	char last_id[24]; /* the last row read, as text */
	double timeout;
	unsigned long inserts;
};

static const char *const wr_pg_schema[] = {
	"CREATE TABLE IF NOT EXISTS amconsole_warroom ("
	" id bigserial PRIMARY KEY, room text NOT NULL, dir text NOT NULL,"
	" at timestamptz NOT NULL DEFAULT now(), msg text NOT NULL)",
	"CREATE INDEX IF NOT EXISTS amconsole_warroom_room ON amconsole_warroom (room, dir, id)",
	"LISTEN amconsole_warroom",
};

static void wr_pg_close(void *state)
{
	struct wr_pg *p = state;

	if (p == NULL)
		return;
	if (p->c != NULL)
		PQfinish(p->c);
	free(p);
}

static PGresult *wr_pg_exec(struct wr_pg *p, const char *sql, int n, const char *const *params,
			    char *err, size_t errlen)
{
	return pg_exec(p->c, sql, n, params, util_now() + p->timeout, err, errlen);
}

/* Deliver the rows (id, msg) of res, remembering the last id. */
static void wr_pg_deliver(struct wr_pg *p, struct warroom *w, PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		snprintf(p->last_id, sizeof p->last_id, "%s", PQgetvalue(res, i, 0));
		warroom_deliver(w, PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1));
	}
}

/* The rows of the read direction after last_id, in batches. */
static int wr_pg_fetch(struct wr_pg *p, struct warroom *w, char *err, size_t errlen)
{
	for (;;) {
		const char *params[3] = { p->room, p->in_dir, p->last_id };
		PGresult *res = wr_pg_exec(p,
					   "SELECT id, msg FROM amconsole_warroom"
					   " WHERE room = $1 AND dir = $2 AND id > $3::bigint"
					   " ORDER BY id LIMIT " WR_XSTR(WR_PG_BATCH),
					   3, params, err, errlen);
		int n;

		if (res == NULL)
			return -1;
		wr_pg_deliver(p, w, res);
		n = PQntuples(res);
		PQclear(res);
		if (n < WR_PG_BATCH)
			return 0;
	}
}

/* Where reading starts: a follower from the last WARROOM_BACKLOG rows
 * (it catches up), the presenter after the newest (notes sent to an
 * earlier presenter are not this one's). */
static int wr_pg_start(struct wr_pg *p, const struct warroom_opts *o, char *err, size_t errlen)
{
	const char *params[2] = { p->room, p->in_dir };
	char sql[256];
	PGresult *res;

	snprintf(sql, sizeof sql,
		 "SELECT coalesce(%s(id), 0) FROM (SELECT id FROM amconsole_warroom"
		 " WHERE room = $1 AND dir = $2 ORDER BY id DESC LIMIT %d) s",
		 o->presenter ? "max" : "min", WARROOM_BACKLOG);
	res = wr_pg_exec(p, sql, 2, params, err, errlen);
	if (res == NULL)
		return -1;
	snprintf(p->last_id, sizeof p->last_id, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!o->presenter && strcmp(p->last_id, "0") != 0) {
		/* min is the first to read: start just before it */
		long long id = strtoll(p->last_id, NULL, 10);

		snprintf(p->last_id, sizeof p->last_id, "%lld", id - 1);
	}
	return 0;
}

static int wr_pg_connect(struct warroom *w, const struct warroom_opts *o, void **state, char *err,
			 size_t errlen)
{
	struct wr_pg *p = calloc(1, sizeof *p);
	PGresult *res;
	size_t i;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(p->room, sizeof p->room, "%s", o->room);
	p->in_dir = warroom_dir_in(o);
	p->out_dir = warroom_dir_out(o);
	p->timeout = o->timeout;
	p->c = pg_connect(o->pg_conninfo, o->timeout, NULL, err, errlen);
	if (p->c == NULL)
		goto fail;
	/* The table (the presenter makes it when missing), then LISTEN. */
	for (i = o->presenter ? 0 : 2; i < sizeof wr_pg_schema / sizeof wr_pg_schema[0]; i++) {
		res = wr_pg_exec(p, wr_pg_schema[i], 0, NULL, err, errlen);
		if (res == NULL)
			goto fail;
		PQclear(res);
	}
	if (wr_pg_start(p, o, err, errlen) != 0 || wr_pg_fetch(p, w, err, errlen) != 0)
		goto fail;
	*state = p;
	return 0;
fail:
	wr_pg_close(p);
	return -1;
}

static int wr_pg_publish(void *state, const char *wire, size_t len, char *err, size_t errlen)
{
	struct wr_pg *p = state;
	char *msg = xstrndup(wire, len);
	const char *params[3] = { p->room, p->out_dir, msg };
	PGresult *res;

	res = wr_pg_exec(p,
			 "WITH i AS (INSERT INTO amconsole_warroom (room, dir, msg)"
			 " VALUES ($1, $2, $3) RETURNING id)"
			 " SELECT pg_notify('amconsole_warroom', $1 || ':' || $2) FROM i",
			 3, params, err, errlen);
	free(msg);
	if (res == NULL)
		return -1;
	PQclear(res);
	if (++p->inserts % WR_PG_PRUNE_EVERY == 0) {
		char sql[320];

		snprintf(sql, sizeof sql,
			 "DELETE FROM amconsole_warroom WHERE room = $1 AND dir = $2 AND id <"
			 " (SELECT min(id) FROM (SELECT id FROM amconsole_warroom"
			 " WHERE room = $1 AND dir = $2 ORDER BY id DESC LIMIT %d) s)",
			 WARROOM_BACKLOG);
		res = wr_pg_exec(p, sql, 2, params, err, errlen);
		if (res == NULL)
			return -1;
		PQclear(res);
	}
	return 0;
}

static int wr_pg_receive(void *state, struct warroom *w, int wake_fd, double timeout, char *err,
			 size_t errlen)
{
	struct wr_pg *p = state;
	struct pollfd fds[2] = { { .fd = PQsocket(p->c), .events = POLLIN },
				 { .fd = wake_fd, .events = POLLIN } };
	char mine[96];
	PGnotify *n;
	int more = 0;

	if (poll(fds, 2, (int)(timeout * 1000)) <= 0 ||
	    !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	if (!PQconsumeInput(p->c) || PQstatus(p->c) != CONNECTION_OK) {
		pg_errmsg(err, errlen, "", PQerrorMessage(p->c));
		return -1;
	}
	snprintf(mine, sizeof mine, "%s:%s", p->room, p->in_dir);
	while ((n = PQnotifies(p->c)) != NULL) {
		if (n->extra != NULL && strcmp(n->extra, mine) == 0)
			more = 1;
		PQfreemem(n);
	}
	return more ? wr_pg_fetch(p, w, err, errlen) : 0;
}

const struct warroom_engine warroom_pg_engine = {
	.name = "postgres",
	.connect = wr_pg_connect,
	.publish = wr_pg_publish,
	.receive = wr_pg_receive,
	.close = wr_pg_close,
};
