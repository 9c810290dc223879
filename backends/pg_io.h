/*
 * pg_io.h - private to the PostgreSQL source (pg.c, pg_io.c, pg_step.c):
 * libpq I/O under deadlines, shared by the poller and the sql step. Not
 * for panels: pg.h is the source's public header.
 */
#ifndef AM_PG_IO_H
#define AM_PG_IO_H

#include <stdatomic.h>
#include <stddef.h>

#include <libpq-fe.h>

/* The first line of a libpq message, without the "ERROR:  " noise,
 * after prefix, into err. */
void pg_errmsg(char *err, size_t errlen, const char *prefix, const char *msg);
/* Wait for events on fd until deadline (monotonic) or *stop (may be
 * NULL). 1 ready, 0 deadline passed, -1 error, -2 stopped. */
int pg_wait(int fd, short events, double deadline, const atomic_int *stop);
/* Connect without blocking past timeout (or past *stop): a non-blocking
 * connection, or NULL + err. */
PGconn *pg_connect(const char *conninfo, double timeout, const atomic_int *stop, char *err,
		   size_t errlen);
/* Run one statement (params may be NULL) under deadline. Returns the
 * last result (caller clears) when it succeeded, NULL + err otherwise;
 * after a timeout or a broken connection PQstatus says so. */
PGresult *pg_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
		  double deadline, char *err, size_t errlen);

#endif
