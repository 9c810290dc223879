/*
 * pg_io.c - libpq I/O with deadlines for the PostgreSQL source (see
 * pg_io.h): every connect and every query waits in poll() with a
 * deadline, so a server that accepts and never answers costs one
 * timeout, never a frozen thread.
 */
#include "backends/pg_io.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

/* The first line of a libpq message, without the "ERROR:  " noise. */
void pg_errmsg(char *err, size_t errlen, const char *prefix, const char *msg)
{
	size_t n;

	if (msg == NULL || msg[0] == '\0')
		msg = "unknown error";
	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	n = strcspn(msg, "\n");
	snprintf(err, errlen, "%s%.*s", prefix, (int)n, msg);
}

/* Wait for events on fd until deadline (monotonic) or *stop. 1 ready,
 * 0 deadline passed, -1 error, -2 stopped. */
int pg_wait(int fd, short events, double deadline, const atomic_int *stop)
{
	for (;;) {
		struct pollfd pfd = { fd, events, 0 };
		double left = deadline - util_now();
		int ms, rc;

		if (stop != NULL && atomic_load(stop))
			return -2;
		if (left <= 0)
			return 0;
		ms = (int)(left * 1000) + 1;
		if (stop != NULL && ms > 100)
			ms = 100;
		rc = poll(&pfd, 1, ms);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

PGconn *pg_connect(const char *conninfo, double timeout, const atomic_int *stop, char *err,
		   size_t errlen)
{
	const char *keys[4], *vals[4];
	char tmo[16];
	int n = 0, r;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	double deadline = util_now() + timeout;
	PGconn *conn;

	snprintf(tmo, sizeof tmo, "%d", timeout >= 2 ? (int)timeout : 2);
	keys[n] = "connect_timeout";
	vals[n++] = tmo;
	keys[n] = "application_name";
	vals[n++] = "amconsole";
	if (conninfo != NULL && conninfo[0] != '\0') {
		/* Last, so that what the operator wrote wins. */
		keys[n] = "dbname";
		vals[n++] = conninfo;
	}
	keys[n] = NULL;
	vals[n] = NULL;
	conn = PQconnectStartParams(keys, vals, 1);
	if (conn == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED || PQstatus(conn) == CONNECTION_BAD) {
			pg_errmsg(err, errlen, "", PQerrorMessage(conn));
			PQfinish(conn);
			return NULL;
		}
		r = pg_wait(PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
			    deadline, stop);
		if (r <= 0) {
			if (r == 0)
				snprintf(err, errlen,
					 "connect timed out after %.0fs (the server does not "
					 "answer)",
					 timeout);
			else if (r == -2)
				snprintf(err, errlen, "stopped");
			else
				snprintf(err, errlen, "poll: %s", strerror(errno));
			PQfinish(conn);
			return NULL;
		}
		st = PQconnectPoll(conn);
	}
	if (PQsetnonblocking(conn, 1) != 0) {
		pg_errmsg(err, errlen, "", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Run one statement (params may be NULL) under deadline. Returns the
 * last result (caller clears) when it succeeded, NULL + err otherwise;
 * after a timeout or a broken connection PQstatus says so. */
PGresult *pg_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
		  double deadline, char *err, size_t errlen)
{
	PGresult *res, *last = NULL;
	int r;

	if (!PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
		pg_errmsg(err, errlen, "", PQerrorMessage(conn));
		return NULL;
	}
	while ((r = PQflush(conn)) == 1) {
		if (pg_wait(PQsocket(conn), POLLOUT | POLLIN, deadline, NULL) <= 0)
			goto timeout;
		if (!PQconsumeInput(conn))
			break;
	}
	for (;;) {
		while (!PQisBusy(conn)) {
			res = PQgetResult(conn);
			if (res == NULL) {
				if (last == NULL)
					pg_errmsg(err, errlen, "", PQerrorMessage(conn));
				else if (PQresultStatus(last) != PGRES_TUPLES_OK &&
					 PQresultStatus(last) != PGRES_COMMAND_OK &&
					 PQresultStatus(last) != PGRES_EMPTY_QUERY) {
					pg_errmsg(err, errlen, "", PQresultErrorMessage(last));
					PQclear(last);
					last = NULL;
				}
				return last;
			}
			if (last != NULL)
				PQclear(last);
			last = res;
		}
		r = pg_wait(PQsocket(conn), POLLIN, deadline, NULL);
		if (r <= 0)
			goto timeout;
		if (!PQconsumeInput(conn)) {
			pg_errmsg(err, errlen, "", PQerrorMessage(conn));
			if (last != NULL)
				PQclear(last);
			return NULL;
		}
	}
timeout:
	if (last != NULL)
		PQclear(last);
	snprintf(err, errlen, "query timed out (the server does not answer)");
	return NULL;
}
