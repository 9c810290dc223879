/*
 * pg.h - the PostgreSQL data source: what the slow-query panel reads
 * from a snapshot (top statements from pg_stat_statements with
 * per-interval deltas, connections by state against max_connections,
 * long-running sessions and the pg_blocking_pids() tree, table sizes and
 * index usage on demand), the requests it may send (cancel, terminate,
 * choose an on-demand view), the native runner for runbook sql steps
 * (pg_step.c),
 * and the pure helpers (pid parsing, deltas over every statement
 * (pg_stmts.c), the blocking tree, the result-table formatter) that are
 * tested without a server.
 */
#ifndef AM_PG_H
#define AM_PG_H

#include <stddef.h>

#include "runtime/backend.h"
#include "backends/native.h"

/* Bytes of query text kept per statement; the full length is kept too. */
#define PG_QUERY_CAP 4096
/* Rows a sql step prints before "(N rows)". */
#define PG_RESULT_ROWS 500

/* The open argument; owned by the caller, valid until close. */
struct pg_conn; /* libpq's PGconn */

struct pg_arg {
	const char *conninfo; /* NULL: libpq's environment */
	double timeout;       /* per-poll deadline and statement_timeout (s) */
	double long_running;  /* sessions running longer are listed (s) */
};

/* Statements given a text each refresh: the top this many by total,
 * mean, calls and rows, since the reset and per interval (their union). */
#define PG_STMTS_TOP 250

/* One statement, aggregated over users and databases by queryid. */
struct pg_stmt {
	char queryid[24];
	long long id;
	double calls, total_ms, rows, hit, read;
	/* Deltas against the previous sample. has_delta: the statement was
	 * in it. is_new: it was not (first seen since then, or all of its
	 * counters reset), so the deltas are its counts since it appeared.
	 * Both 0 on the first sample: the deltas then equal the totals. */
	double d_calls, d_total_ms, d_rows, d_hit, d_read;
	int has_delta, is_new;
	char *query;      /* at most PG_QUERY_CAP bytes; "" when not fetched */
	size_t query_len; /* the length on the server */
};

/* One row of pg_stat_statements(showtext := false): the key and the
 * cheap counters. */
struct pg_entry {
	long long queryid;
	unsigned int userid, dbid;
	int toplevel; /* 1 or 0; -1 without the column (before PostgreSQL 14) */
	double calls, total_ms, rows, hit, read;
};

/* The counters of every entry of the previous sample, kept between
 * refreshes: ent[0..n) with an open-addressing index (idx[k] - 1 is an
 * index into ent, 0 a free slot; cap a power of two). */
struct pg_deltas {
	struct pg_entry *ent;
	size_t n;
	unsigned int *idx;
	size_t cap;
	int have;           /* a previous sample exists */
	double stats_reset; /* its pg_stat_statements_info.stats_reset, 0 unknown */
};

/* Texts of the statements shown, kept between refreshes by queryid. */
struct pg_text {
	long long id;
	char *text;
	size_t len;
};
struct pg_texts {
	struct pg_text *v;
	size_t n, cap;
	int sorted;
};

/* One session from pg_stat_activity. */
struct pg_session {
	int pid;
	char *user, *db, *state, *wait_type, *wait_event, *query;
	size_t query_len;
	double query_age; /* seconds since query_start */
	double xact_age;  /* seconds since xact_start, < 0 none */
	int *blocked_by;  /* pids from pg_blocking_pids() */
	size_t nblocked_by;
};

/* A row of the blocking tree: session index and depth (0 = root). */
struct pg_tree_node {
	size_t session;
	int depth;
	int parent_pid; /* 0 for a root */
};

/* A generic grid for the on-demand views; cells row-major. */
struct pg_grid {
	size_t ncols, nrows;
	char **cells;
};

enum pg_stmts_state {
	PG_STMTS_OK,
	PG_STMTS_MISSING, /* extension not created or not preloaded: hint says what to do */
	PG_STMTS_ERROR,   /* another error: hint has it */
};

enum pg_view { PG_VIEW_NONE, PG_VIEW_SIZES, PG_VIEW_INDEXES };

struct pg_snap {
	int server_version; /* 150004 */
	int exec_cols;      /* 1: total_exec_time, 0: total_time (old extension), -1 none */
	enum pg_stmts_state stmts_state;
	char hint[512];
	struct pg_stmt *stmts;
	size_t nstmts;
	size_t nall;     /* statements in the view (stmts holds the ones picked) */
	size_t nnew;     /* of them first seen since the previous sample */
	double interval; /* seconds since the previous sample, 0 if none */
	double total_ms; /* sum of total_ms over all statements */
	double d_total_ms;
	double stats_reset; /* pg_stat_statements_info.stats_reset (epoch), 0 unknown */
	double reset_seen;  /* wall time the last reset was noticed, 0 never */
	int max_conn, n_total, n_active, n_idle, n_idle_xact, n_waiting;
	double oldest_xact; /* seconds, < 0 none */
	struct pg_session *sessions;
	size_t nsessions;
	struct pg_tree_node *tree; /* blocking tree, then the other sessions */
	size_t ntree;
	enum pg_view view;
	struct pg_grid grid;      /* the on-demand view's rows */
	unsigned long action_seq; /* bumps on every cancel/terminate */
	int action_ok;
	char action_msg[256];
};

/* Request kinds; each carries a struct pg_req (runner_send's data, freed
 * with free()). */
enum {
	PG_REQ_CANCEL = 1, /* pid */
	PG_REQ_TERMINATE,  /* pid */
	PG_REQ_VIEW,       /* view */
};

struct pg_req {
	int pid;           /* the backend to cancel or terminate (>= 1) */
	enum pg_view view; /* the on-demand view to fetch with each poll */
};

extern const struct backend pg_backend;
extern const struct native_ops pg_native;

/* 1 if config or the libpq environment names a server; else 0 and why
 * says what to set. Any thread. */
int pg_configured(const char *conninfo, char *why, size_t whylen);

/* Ping the server conninfo names, under timeout seconds, for the health
 * strip: an empty statement on *keep (a connection kept between pings,
 * NULL at first, which the caller closes with PQfinish), or a new
 * connection kept in *keep, or else PQpingParams. Returns a PGPing value
 * (PQPING_OK: accepting connections); *ms is the time it took. The
 * caller's thread only, one at a time per keep. */
int pg_ping(const char *conninfo, double timeout, struct pg_conn **keep, double *ms);

/* Parse a backend pid: decimal digits only, 1..INT_MAX. 0 and *pid, or
 * -1 ("123; DROP TABLE x", "0x7b", "-1", overflow). */
int pg_parse_pid(const char *s, int *pid);
/* Parse a PostgreSQL int array in text form ("{1,2}") into a fresh array
 * (caller frees *out). Number of elements, or -1 on malformed input. */
long pg_parse_int_array(const char *s, int **out);
/* Take a sample of n entries: the statements aggregated by queryid into
 * a fresh *out (no text; caller frees), with deltas against the previous
 * sample in d, which then holds this one. An entry not in the previous
 * sample, or whose counters went down (reset on its own, or evicted and
 * made again), counts from zero. *reset is 1 when the view was reset
 * since (stats_reset moved, or, when either sample lacks it, counters
 * went down): all deltas then count from the reset. Returns the count. */
size_t pg_deltas_sample(struct pg_deltas *d, const struct pg_entry *e, size_t n, double stats_reset,
			struct pg_stmt **out, int *reset);
void pg_deltas_free(struct pg_deltas *d);
/* Move the statements to show to the front of s: the top `top` by each
 * of total, mean, calls and rows, since the reset and (of those that ran)
 * per interval. Returns how many; the order is otherwise unspecified. */
size_t pg_stmts_pick(struct pg_stmt *s, size_t n, size_t top);
/* Into snapshot s: the first npick of the nall statements all (which s
 * then owns, cut to them), and the sums over all of them. */
void pg_snap_stmts(struct pg_snap *s, struct pg_stmt *all, size_t nall, size_t npick);
/* What statements are sorted by (the panel's T M C R). */
enum pg_by { PG_BY_TOTAL, PG_BY_MEAN, PG_BY_CALLS, PG_BY_ROWS };
/* m's value for key (enum pg_by): since the reset, or per interval. */
double pg_stmt_metric(const struct pg_stmt *m, int key, int interval);
/* The text cache: add (copies text), sort, then find by queryid. */
void pg_texts_add(struct pg_texts *t, long long id, const char *text, size_t len);
void pg_texts_sort(struct pg_texts *t);
const struct pg_text *pg_texts_find(const struct pg_texts *t, long long id);
void pg_texts_free(struct pg_texts *t);
/* The blocking tree: every blocker not itself blocked is a root, each
 * blocked session indented under every session blocking it (cycles
 * cut), then the sessions outside any lock conflict at depth 0. Returns
 * the number of nodes; *out is fresh (caller frees). */
size_t pg_blocking_tree(const struct pg_session *s, size_t n, struct pg_tree_node **out);
/* Format a result as a psql-style text table: names[ncols], cells
 * row-major (NULL is a SQL NULL, shown empty); at most max_rows rows are
 * printed, then "(N rows)" with N = total. Fresh string. */
char *pg_format_table(size_t ncols, const char *const *names, size_t nrows,
		      const char *const *cells, size_t max_rows, size_t total);
/* When text reads pg_stat_statements' pre-13 columns (total_time,
 * mean_time, min_time, max_time, stddev_time), a fresh copy with the 13+
 * names; else NULL. */
char *pg_fix_stat_columns(const char *text);
/* Which pg_stat_statements time columns to read, from the installed
 * view's columns: 1 total_exec_time (1.8+), 0 total_time (older, e.g. a
 * server upgraded without ALTER EXTENSION ... UPDATE), -1 neither. */
int pg_stat_exec_cols(int has_new, int has_old);
/* The counters query over every statement, without texts
 * (pg_stat_statements(false)), for those columns (exec_cols as above;
 * toplevel: the view has it, PostgreSQL 14+). Rows: userid, dbid,
 * queryid, toplevel, calls, total, rows, shared hit, shared read. */
void pg_stmts_sql(int exec_cols, int toplevel, char *buf, size_t len);
/* Free a snapshot (also pg_backend.snapshot_free). */
void pg_snap_free(struct pg_snap *s);

#endif
