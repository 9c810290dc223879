/*
 * pg_step.c - runbook sql steps over libpq (see pg.h, native.h). A step
 * is a job (runtime/job.h) whose thread opens a connection of its own,
 * sends the text as one simple query (several statements allowed) under
 * a statement_timeout and the step's deadline, and prints every result
 * as a psql-style table; a stop or the deadline sends PQcancel and waits
 * briefly for the server's answer.
 */
#include "backends/pg.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backends/pg_io.h"
#include "core/runbook.h"
#include "lib/util.h"

/* How a step's statement ended, for job_end. */
struct pg_step_end {
	int failed, cancelled, timed_out;
};

static void pg_step_result(struct job *j, PGresult *res, int *failed)
{
	ExecStatusType rs = PQresultStatus(res);

	if (rs == PGRES_TUPLES_OK) {
		size_t nc = (size_t)PQnfields(res), nr = (size_t)PQntuples(res);
		size_t shown = nr < PG_RESULT_ROWS ? nr : PG_RESULT_ROWS, r, c;
		const char **names = xcalloc(nc + 1, sizeof *names);
		const char **cells = xcalloc(shown * nc + 1, sizeof *cells);
		char *t;

		for (c = 0; c < nc; c++)
			names[c] = PQfname(res, (int)c);
		for (r = 0; r < shown; r++)
			for (c = 0; c < nc; c++)
				cells[r * nc + c] = PQgetisnull(res, (int)r, (int)c)
							    ? NULL
							    : PQgetvalue(res, (int)r, (int)c);
		t = pg_format_table(nc, names, shown, cells, PG_RESULT_ROWS, nr);
		job_puts(j, t);
		free(t);
		free(names);
		free(cells);
	} else if (rs == PGRES_COMMAND_OK || rs == PGRES_EMPTY_QUERY) {
		char buf[128];

		snprintf(buf, sizeof buf, "%s\n", PQcmdStatus(res));
		job_puts(j, buf);
	} else {
		const char *m = PQresultErrorMessage(res);

		job_puts(j, m != NULL && m[0] != '\0' ? m : "error\n");
		*failed = 1;
	}
}

/* Before running a query that reads pg_stat_statements' pre-13 columns
 * on a 13+ server, say so and show the corrected text. */
static void pg_step_lint(struct job *j, PGconn *conn, const char *text)
{
	char *fixed = pg_fix_stat_columns(text);
	char note[200];

	if (fixed != NULL && PQserverVersion(conn) >= 130000) {
		snprintf(note, sizeof note,
			 "lint: pg_stat_statements total_time/mean_time were renamed "
			 "total_exec_time/mean_exec_time in PostgreSQL 13 (this server: %d.%d).\n"
			 "Corrected query (edit the step with e to run it):\n",
			 PQserverVersion(conn) / 10000, PQserverVersion(conn) % 10000);
		job_puts(j, note);
		job_puts(j, fixed);
		job_puts(j, "\n\n");
	}
	free(fixed);
}

static void pg_step_error(struct job *j, PGconn *conn, struct pg_step_end *e)
{
	char err[256];

	pg_errmsg(err, sizeof err, "", PQerrorMessage(conn));
	job_puts(j, err);
	job_puts(j, "\n");
	e->failed = 1;
}

/* Read the results as they come; a stop or the deadline sends a cancel
 * and gives the server 3 s more to answer it. */
static void pg_step_results(struct job *j, PGconn *conn, PGcancel *cancel, double deadline,
			    struct pg_step_end *e)
{
	char err[256];
	PGresult *res;
	int r;

	for (;;) {
		while (!PQisBusy(conn)) {
			res = PQgetResult(conn);
			if (res == NULL)
				return;
			pg_step_result(j, res, &e->failed);
			PQclear(res);
		}
		r = pg_wait(PQsocket(conn), POLLIN, e->cancelled ? deadline + 3 : deadline,
			    job_stop_flag(j));
		if ((r == -2 || r == 0) && !e->cancelled) {
			e->timed_out = r == 0;
			e->cancelled = 1;
			if (cancel != NULL)
				PQcancel(cancel, err, sizeof err);
			deadline = util_now();
			continue;
		}
		if (r <= 0 && r != -2) {
			job_puts(j, "no answer from the server; connection dropped\n");
			e->failed = 1;
			return;
		}
		/* Stopped and cancel sent: wait a little for the error. */
		if (r == -2 && pg_wait(PQsocket(conn), POLLIN, deadline + 3, NULL) <= 0) {
			e->failed = 1;
			return;
		}
		if (!PQconsumeInput(conn)) {
			pg_step_error(j, conn, e);
			return;
		}
	}
}

/* Send one statement (with its parameters when params != NULL) and
 * read its results. */
static void pg_step_send(struct job *j, PGconn *conn, PGcancel *cancel, double deadline,
			 const char *sql, int nparams, char *const *params, struct pg_step_end *e)
{
	int sent = params != NULL ? PQsendQueryParams(conn, sql, nparams, NULL,
						      (const char *const *)params, NULL, NULL, 0)
				  : PQsendQuery(conn, sql);

	if (!sent) {
		pg_step_error(j, conn, e);
		return;
	}
	while (PQflush(conn) == 1)
		if (pg_wait(PQsocket(conn), POLLOUT | POLLIN, deadline, NULL) <= 0 ||
		    !PQconsumeInput(conn))
			break;
	pg_step_results(j, conn, cancel, deadline, e);
}

/* The step's statements: the text as one simple query, or, with
 * values, each statement bound to its parameters (never spliced). */
static void pg_step_statements(struct job *j, struct native_step *p, PGconn *conn, PGcancel *cancel,
			       double deadline, struct pg_step_end *e)
{
	struct sql_bound *b = NULL;
	size_t n = 0, i;
	char err[256];

	if (p->values == NULL) {
		pg_step_send(j, conn, cancel, deadline, p->text, 0, NULL, e);
		return;
	}
	if (runbook_bind_sql(p->text, p->values, &b, &n, err, sizeof err) != 0) {
		job_puts(j, err);
		job_puts(j, "\n");
		e->failed = 1;
		return;
	}
	for (i = 0; i < n && !e->failed && !e->cancelled; i++)
		pg_step_send(j, conn, cancel, deadline, b[i].sql, b[i].nparams,
			     b[i].params != NULL ? b[i].params : (char *[]){ NULL }, e);
	runbook_sql_bound_free(b, n);
}

static void pg_step_run(struct job *j, void *arg)
{
	struct native_step *p = arg;
	struct pg_step_end e = { 0 };
	char err[256], sql[64];
	double deadline = util_now() + p->timeout;
	PGconn *conn;
	PGresult *res;
	PGcancel *cancel;

	conn = pg_connect(p->source, p->timeout < 10 ? p->timeout : 10, job_stop_flag(j), err,
			  sizeof err);
	if (conn == NULL) {
		job_puts(j, "could not connect: ");
		job_puts(j, err);
		job_puts(j, "\n");
		job_end(j, job_stopping(j) ? EXEC_STOPPED : EXEC_EXITED, 2, 0, err);
		return;
	}
	pg_step_lint(j, conn, p->text);
	snprintf(sql, sizeof sql, "SET statement_timeout = %ld", (long)(p->timeout * 1000));
	res = pg_exec(conn, sql, 0, NULL, deadline, err, sizeof err);
	if (res != NULL)
		PQclear(res);
	cancel = PQgetCancel(conn);
	pg_step_statements(j, p, conn, cancel, deadline, &e);
	if (cancel != NULL)
		PQfreeCancel(cancel);
	PQfinish(conn);
	if (e.timed_out)
		job_end(j, EXEC_TIMEDOUT, -1, 0, "statement timed out");
	else if (e.cancelled && job_stopping(j))
		job_end(j, EXEC_STOPPED, -1, 0, "cancelled");
	else
		job_end(j, EXEC_EXITED, e.failed ? 1 : 0, 0, NULL);
}

static int pg_step_ready(const struct config *c, char *why, size_t whylen)
{
	return pg_configured(c->pg_conninfo, why, whylen);
}

static struct job *pg_step_start(const struct config *c, const char *target, const char *text,
				 const struct step_values *values, double timeout, int wake_fd,
				 char *err, size_t errlen)
{
	(void)target; /* one server */
	return native_step_start(pg_step_run, c->pg_conninfo ? xstrdup(c->pg_conninfo) : NULL, text,
				 values, timeout > 0 ? timeout : 300, wake_fd, err, errlen);
}

/* Each statement as bound, the values in place as literals. */
static char *pg_step_shown(const char *text, const struct step_values *values, char *err,
			   size_t errlen)
{
	struct sql_bound *b;
	struct strbuf sb = { 0 };
	size_t n, i;

	if (runbook_bind_sql(text, values, &b, &n, err, errlen) != 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *s = b[i].shown;
		size_t len;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
			len--;
		strbuf_printf(&sb, "%s%.*s;", i ? "\n" : "", (int)len, s);
	}
	runbook_sql_bound_free(b, n);
	return strbuf_detach(&sb);
}

const struct native_ops pg_native = {
	.kind = STEP_SQL,
	.name = "PostgreSQL",
	.ready = pg_step_ready,
	.start = pg_step_start,
	.shown = pg_step_shown,
};
