/*
 * redis.c - the Redis data source over hiredis (see redis.h): the pure
 * parsers, the connection and the INFO poller with rates and history.
 * The job worker for the cache panel's slow and changing work is in
 * redis_jobs.c, the runner for runbook `redis` steps in redis_step.c.
 * Every connection is made with a connect timeout and every
 * command runs under redisSetTimeout, so a stopped server fails a call
 * instead of hanging a thread. Keys and patterns always travel as
 * separate RESP arguments (argv form), never inside a command string.
 * Passwords are read here, sent in AUTH and never logged or published.
 */
#include "backends/redis.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec.h"
#include "backends/redis_conn.h"

struct redis_state {
	struct redis_arg arg;
	redisContext *ctx;
	struct redis_info prev;
	double prev_t;
	int have_prev;
	double hist[REDIS_HISTORY];
	size_t nhist;
	int db;
};

/* ---- pure helpers ---------------------------------------------------- */

static long long redis_ll(const char *s)
{
	return strtoll(s, NULL, 10);
}

static void redis_copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s);
}

/* "ip=..,port=..,state=online,offset=123,lag=0": the value of key. */
static int redis_subfield(const char *v, const char *key, long long *out)
{
	size_t kl = strlen(key);
	const char *p = v;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			*out = redis_ll(p + kl + 1);
			return 1;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return 0;
}

static void redis_info_field(struct redis_info *o, const char *k, const char *v)
{
	static const struct {
		const char *name;
		size_t off;
	} lls[] = {
		{ "uptime_in_seconds", offsetof(struct redis_info, uptime) },
		{ "used_memory", offsetof(struct redis_info, used_memory) },
		{ "used_memory_rss", offsetof(struct redis_info, used_memory_rss) },
		{ "used_memory_peak", offsetof(struct redis_info, used_memory_peak) },
		{ "maxmemory", offsetof(struct redis_info, maxmemory) },
		{ "total_system_memory", offsetof(struct redis_info, total_system_memory) },
		{ "evicted_keys", offsetof(struct redis_info, evicted_keys) },
		{ "expired_keys", offsetof(struct redis_info, expired_keys) },
		{ "keyspace_hits", offsetof(struct redis_info, keyspace_hits) },
		{ "keyspace_misses", offsetof(struct redis_info, keyspace_misses) },
		{ "total_commands_processed", offsetof(struct redis_info, total_commands) },
		{ "connected_clients", offsetof(struct redis_info, connected_clients) },
		{ "blocked_clients", offsetof(struct redis_info, blocked_clients) },
		{ "master_repl_offset", offsetof(struct redis_info, master_repl_offset) },
		{ "slave_repl_offset", offsetof(struct redis_info, slave_repl_offset) },
		{ "connected_slaves", offsetof(struct redis_info, connected_slaves) },
		{ "rdb_changes_since_last_save", offsetof(struct redis_info, changes_since_save) },
		{ "rdb_last_save_time", offsetof(struct redis_info, last_save_time) },
	};
	size_t i;
	long long off;

	for (i = 0; i < sizeof lls / sizeof lls[0]; i++)
		if (strcmp(k, lls[i].name) == 0) {
			*(long long *)((char *)o + lls[i].off) = redis_ll(v);
			return;
		}
	if (strcmp(k, "redis_version") == 0)
		redis_copy(o->version, sizeof o->version, v);
	else if (strcmp(k, "role") == 0)
		redis_copy(o->role, sizeof o->role, v);
	else if (strcmp(k, "maxmemory_policy") == 0)
		redis_copy(o->policy, sizeof o->policy, v);
	else if (strcmp(k, "master_link_status") == 0)
		redis_copy(o->link_status, sizeof o->link_status, v);
	else if (strcmp(k, "rdb_last_bgsave_status") == 0)
		redis_copy(o->bgsave_status, sizeof o->bgsave_status, v);
	else if (strcmp(k, "mem_fragmentation_ratio") == 0)
		o->frag_ratio = strtod(v, NULL);
	else if (strcmp(k, "instantaneous_ops_per_sec") == 0)
		o->instantaneous_ops = strtod(v, NULL);
	else if (strncmp(k, "slave", 5) == 0 && k[5] >= '0' && k[5] <= '9' &&
		 redis_subfield(v, "offset", &off)) {
		if (o->min_slave_offset < 0 || off < o->min_slave_offset)
			o->min_slave_offset = off;
	} else if (strncmp(k, "db", 2) == 0 && k[2] >= '0' && k[2] <= '9' &&
		   o->ndbs < REDIS_MAX_DBS) {
		long long keys = 0, exp = 0;

		if (redis_subfield(v, "keys", &keys)) {
			redis_subfield(v, "expires", &exp);
			o->dbs[o->ndbs].db = atoi(k + 2);
			o->dbs[o->ndbs].keys = keys;
			o->dbs[o->ndbs].expires = exp;
			o->ndbs++;
		}
	}
}

int redis_info_parse(const char *text, struct redis_info *out)
{
	const char *p = text, *eol;
	char line[1024];

	memset(out, 0, sizeof *out);
	out->min_slave_offset = -1;
	out->frag_ratio = -1;
	while (p != NULL && *p != '\0') {
		size_t n;
		char *colon;

		eol = strchr(p, '\n');
		n = eol != NULL ? (size_t)(eol - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n < sizeof line && n > 0 && p[0] != '#') {
			memcpy(line, p, n);
			line[n] = '\0';
			colon = strchr(line, ':');
			if (colon != NULL) {
				*colon = '\0';
				redis_info_field(out, line, colon + 1);
				out->nfields++;
			}
		}
		p = eol != NULL ? eol + 1 : NULL;
	}
	return out->nfields > 0 ? (int)out->nfields : -1;
}

/* Differences and sums of counters are taken in double: the counters
 * come from the server as text, and a hostile or corrupt value near
 * LLONG_MAX must not overflow (exact for any count below 2^53). */
static double redis_rate(long long a, long long b, double dt)
{
	if (b < a || !(dt > 0))
		return -1; /* a restart reset the counter */
	return ((double)b - (double)a) / dt;
}

void redis_rates_compute(const struct redis_info *prev, const struct redis_info *cur, double dt,
			 struct redis_rates *out)
{
	double h, m;

	out->ops = cur->instantaneous_ops;
	out->evicted = out->expired = out->hit_ratio = -1;
	if (prev != NULL && dt > 0) {
		double ops = redis_rate(prev->total_commands, cur->total_commands, dt);

		if (ops >= 0)
			out->ops = ops;
		out->evicted = redis_rate(prev->evicted_keys, cur->evicted_keys, dt);
		out->expired = redis_rate(prev->expired_keys, cur->expired_keys, dt);
		h = (double)cur->keyspace_hits - (double)prev->keyspace_hits;
		m = (double)cur->keyspace_misses - (double)prev->keyspace_misses;
		if (h >= 0 && m >= 0 && h + m > 0) {
			out->hit_ratio = h / (h + m);
			return;
		}
	}
	/* No lookups in the interval: the ratio since start. */
	h = (double)cur->keyspace_hits;
	m = (double)cur->keyspace_misses;
	if (h + m > 0)
		out->hit_ratio = h / (h + m);
}

static void redis_render_at(const redisReply *r, struct strbuf *out, int indent)
{
	size_t i;

	switch (r->type) {
	case REDIS_REPLY_STATUS:
		strbuf_append(out, r->str, r->len);
		break;
	case REDIS_REPLY_ERROR:
		strbuf_puts(out, "(error) ");
		strbuf_append(out, r->str, r->len);
		break;
	case REDIS_REPLY_INTEGER:
		strbuf_printf(out, "(integer) %lld", r->integer);
		break;
	case REDIS_REPLY_NIL:
		strbuf_puts(out, "(nil)");
		break;
	case REDIS_REPLY_STRING:
		/* Multi-line bulk text (INFO) reads best as it is. */
		if (memchr(r->str, '\n', r->len) != NULL) {
			for (i = 0; i < r->len; i++)
				if (!(r->str[i] == '\r' && i + 1 < r->len && r->str[i + 1] == '\n'))
					strbuf_append(out, r->str + i, 1);
			if (r->len > 0 && r->str[r->len - 1] == '\n')
				out->buf[--out->len] = '\0';
		} else {
			strbuf_putc(out, '"');
			strbuf_append(out, r->str, r->len);
			strbuf_putc(out, '"');
		}
		break;
	case REDIS_REPLY_ARRAY:
		if (r->elements == 0) {
			strbuf_puts(out, "(empty array)");
			break;
		}
		for (i = 0; i < r->elements; i++) {
			char num[32];
			int w;

			w = snprintf(num, sizeof num, "%zu) ", i + 1);
			if (i > 0)
				strbuf_printf(out, "\n%*s", indent, "");
			strbuf_puts(out, num);
			redis_render_at(r->element[i], out, indent + w);
		}
		break;
	default:
		strbuf_printf(out, "(reply type %d)", r->type);
		break;
	}
}

void redis_reply_render(const struct redisReply *r, struct strbuf *out)
{
	redis_render_at(r, out, 0);
	strbuf_putc(out, '\n');
}

static int redis_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int redis_tokenize(const char *line, char ***argvp, size_t **lensp, char *err, size_t errlen)
{
	const char *p = line;
	char **argv = NULL;
	size_t *lens = NULL;
	int argc = 0, cap = 0;
	struct strbuf tok = { 0 };

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		strbuf_reset(&tok);
		strbuf_append(&tok, "", 0);
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (*p == '"') {
				for (p++; *p != '"'; p++) {
					char c = *p;

					if (c == '\0')
						goto unbalanced;
					if (c == '\\' && p[1] != '\0') {
						p++;
						c = *p;
						if (c == 'n')
							c = '\n';
						else if (c == 't')
							c = '\t';
						else if (c == 'r')
							c = '\r';
						else if (c == 'x' && redis_hex(p[1]) >= 0 &&
							 redis_hex(p[2]) >= 0) {
							c = (char)(redis_hex(p[1]) * 16 +
								   redis_hex(p[2]));
							p += 2;
						}
					}
					strbuf_append(&tok, &c, 1);
				}
				p++;
			} else if (*p == '\'') {
				for (p++; *p != '\''; p++) {
					if (*p == '\0')
						goto unbalanced;
					if (*p == '\\' && p[1] == '\'')
						p++;
					strbuf_append(&tok, p, 1);
				}
				p++;
			} else {
				strbuf_append(&tok, p, 1);
				p++;
			}
		}
		if (argc == cap) {
			cap = cap ? cap * 2 : 8;
			argv = xrealloc(argv, (size_t)cap * sizeof *argv);
			lens = xrealloc(lens, (size_t)cap * sizeof *lens);
		}
		lens[argc] = tok.len;
		argv[argc] = xmalloc(tok.len + 1);
		memcpy(argv[argc], tok.buf, tok.len + 1);
		argc++;
	}
	strbuf_free(&tok);
	*argvp = argv;
	*lensp = lens;
	return argc;
unbalanced:
	strbuf_free(&tok);
	redis_argv_free(argv, lens, argc);
	snprintf(err, errlen, "unbalanced quotes");
	*argvp = NULL;
	*lensp = NULL;
	return -1;
}

void redis_argv_free(char **argv, size_t *lens, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	free(lens);
}

static char *redis_unescape(const char *s, size_t n)
{
	char *o = xmalloc(n + 1);
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && redis_hex(s[i + 1]) >= 0 &&
		    redis_hex(s[i + 2]) >= 0) {
			o[j++] = (char)(redis_hex(s[i + 1]) * 16 + redis_hex(s[i + 2]));
			i += 2;
		} else {
			o[j++] = s[i];
		}
	}
	o[j] = '\0';
	return o;
}

/* s[0..n) as a number from 0 to max, digits only: 0, or -1 (no digits,
 * anything else, or too big; never atoi's silent garbage). */
static int redis_url_number(const char *s, size_t n, long max, int *out)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = (int)v;
	return 0;
}

int redis_target_parse(const char *url, struct redis_target *t, char *err, size_t errlen)
{
	int bad = 0;
	const char *p, *at, *hostend, *slash;

	memset(t, 0, sizeof *t);
	t->port = 6379;
	if (url == NULL || url[0] == '\0') {
		snprintf(err, errlen, "no URL");
		return -1;
	}
	if (url[0] == '/') {
		t->path = xstrdup(url);
		return 0;
	}
	if (strncmp(url, "unix://", 7) == 0) {
		const char *q = strchr(url + 7, '?');

		t->path = q ? xstrndup(url + 7, (size_t)(q - url - 7)) : xstrdup(url + 7);
		if (q != NULL && strncmp(q, "?db=", 4) == 0 &&
		    redis_url_number(q + 4, strlen(q + 4), INT_MAX, &t->db) != 0) {
			snprintf(err, errlen, "bad db in URL");
			redis_target_free(t);
			return -1;
		}
		return 0;
	}
	if (strncmp(url, "rediss://", 9) == 0) {
		snprintf(err, errlen, "rediss:// (TLS) is not supported by this build");
		return -1;
	}
	if (strncmp(url, "redis://", 8) != 0) {
		snprintf(err, errlen, "expected redis://HOST:PORT/DB or a socket path");
		return -1;
	}
	p = url + 8;
	slash = strchr(p, '/');
	at = strrchr(p, '@');
	if (at != NULL && (slash == NULL || at < slash)) {
		const char *colon = memchr(p, ':', (size_t)(at - p));

		if (colon != NULL) {
			if (colon > p)
				t->user = redis_unescape(p, (size_t)(colon - p));
			t->password = redis_unescape(colon + 1, (size_t)(at - colon - 1));
		} else if (at > p) {
			t->password = redis_unescape(p, (size_t)(at - p));
		}
		p = at + 1;
	}
	hostend = slash != NULL ? slash : p + strlen(p);
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(hostend - p));

		if (rb == NULL) {
			snprintf(err, errlen, "bad IPv6 address in URL");
			redis_target_free(t);
			return -1;
		}
		t->host = xstrndup(p + 1, (size_t)(rb - p - 1));
		if (rb[1] == ':')
			bad |= redis_url_number(rb + 2, (size_t)(hostend - rb - 2), 65535,
						&t->port);
		else if (rb + 1 != hostend)
			bad = -1;
	} else {
		const char *colon = memchr(p, ':', (size_t)(hostend - p));

		t->host = xstrndup(p, (size_t)((colon ? colon : hostend) - p));
		if (colon != NULL)
			bad |= redis_url_number(colon + 1, (size_t)(hostend - colon - 1), 65535,
						&t->port);
	}
	if (t->host[0] == '\0') {
		free(t->host);
		t->host = xstrdup("127.0.0.1");
	}
	if (slash != NULL && slash[1] != '\0')
		bad |= redis_url_number(slash + 1, strlen(slash + 1), INT_MAX, &t->db);
	if (bad || t->port <= 0) {
		snprintf(err, errlen, "bad port or db in URL");
		redis_target_free(t);
		return -1;
	}
	return 0;
}

void redis_target_free(struct redis_target *t)
{
	free(t->host);
	free(t->path);
	free(t->user);
	if (t->password != NULL)
		explicit_bzero(t->password, strlen(t->password));
	free(t->password);
	memset(t, 0, sizeof *t);
}

/* ---- connections -------------------------------------------------------- */

static struct timeval redis_tv(double s)
{
	struct timeval tv;

	if (!(s > 0))
		s = 2;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* The password from password_env, password_file or the URL (fresh, or
 * NULL). A file holds it on its first line (what follows is ignored, as
 * the README says). password_env naming an unset variable with nothing
 * to fall back on is an error: a silent AUTH-less connect would only show
 * the server's NOAUTH. */
static char *redis_password(const struct config_redis *cfg, struct redis_target *t, char *err,
			    size_t errlen, int *failed)
{
	*failed = 0;
	if (cfg->password_env != NULL) {
		const char *v = getenv(cfg->password_env);

		if (v != NULL && v[0] != '\0')
			return xstrdup(v);
		if (cfg->password_file == NULL && t->password == NULL) {
			snprintf(err, errlen, "password_env %s is not set", cfg->password_env);
			*failed = 1;
			return NULL;
		}
	}
	if (cfg->password_file != NULL) {
		char *path = util_expand_home(cfg->password_file);
		FILE *f = fopen(path, "r");
		char buf[512];
		size_t n;

		free(path);
		if (f == NULL) {
			snprintf(err, errlen, "cannot read password_file: %s", strerror(errno));
			*failed = 1;
			return NULL;
		}
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		{
			char *pw = xstrdup(buf);

			explicit_bzero(buf, sizeof buf);
			return pw;
		}
	}
	return t->password != NULL ? xstrdup(t->password) : NULL;
}

void redis_ctx_error(redisContext *c, const char *what, char *err, size_t errlen)
{
	const char *e = c != NULL && c->errstr[0] != '\0' ? c->errstr : "no reply";

	if (c != NULL && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
		e = "timed out";
	snprintf(err, errlen, "%s: %s", what, e);
}

void redis_reply_fail(redisContext *c, redisReply *r, const char *what, char *err, size_t errlen)
{
	if (r != NULL)
		snprintf(err, errlen, "%s: %.150s", what,
			 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	else
		redis_ctx_error(c, what, err, errlen);
	if (r != NULL)
		freeReplyObject(r);
}

/* Connect, AUTH, SELECT, all under timeout. NULL + err on failure. */
redisContext *redis_connect(const struct config_redis *cfg, double timeout, int *dbp, char *err,
			    size_t errlen)
{
	struct redis_target t;
	redisContext *c;
	redisReply *r;
	struct timeval tv = redis_tv(timeout);
	char *pw;
	int failed;

	if (redis_target_parse(cfg->url, &t, err, errlen) != 0)
		return NULL;
	if (t.path != NULL)
		c = redisConnectUnixWithTimeout(t.path, tv);
	else
		c = redisConnectWithTimeout(t.host, t.port, tv);
	if (c == NULL || c->err) {
		redis_ctx_error(c, "connect", err, errlen);
		if (c != NULL)
			redisFree(c);
		redis_target_free(&t);
		return NULL;
	}
	redisSetTimeout(c, tv);
	pw = redis_password(cfg, &t, err, errlen, &failed);
	if (failed) {
		redisFree(c);
		redis_target_free(&t);
		return NULL;
	}
	if (pw != NULL) {
		const char *argv[3];
		size_t lens[3];
		int n = 0;

		argv[n] = "AUTH";
		lens[n++] = 4;
		if (t.user != NULL) {
			argv[n] = t.user;
			lens[n++] = strlen(t.user);
		}
		argv[n] = pw;
		lens[n++] = strlen(pw);
		r = redisCommandArgv(c, n, argv, lens);
		explicit_bzero(pw, strlen(pw));
		free(pw);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			/* The server's words, never the password. */
			redis_reply_fail(c, r, "AUTH", err, errlen);
			redisFree(c);
			redis_target_free(&t);
			return NULL;
		}
		freeReplyObject(r);
	}
	if (t.db != 0) {
		r = redisCommand(c, "SELECT %d", t.db);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			char what[32] = "SELECT";

			if (r != NULL)
				snprintf(what, sizeof what, "SELECT %d", t.db);
			redis_reply_fail(c, r, what, err, errlen);
			redisFree(c);
			redis_target_free(&t);
			return NULL;
		}
		freeReplyObject(r);
	}
	if (dbp != NULL)
		*dbp = t.db;
	redis_target_free(&t);
	return c;
}

static int redis_ping_on(redisContext *c, char *err, size_t errlen)
{
	redisReply *r = redisCommand(c, "PING");
	int rc = -1;

	if (r != NULL && r->type == REDIS_REPLY_STATUS)
		rc = 0;
	else if (r != NULL)
		snprintf(err, errlen, "PING: %.*s", (int)(r->len < 150 ? r->len : 150),
			 r->str != NULL ? r->str : "unexpected reply");
	else
		redis_ctx_error(c, "PING", err, errlen);
	if (r != NULL)
		freeReplyObject(r);
	return rc;
}

/* A kept connection that fails its PING (the server restarted, a
 * password changed) is dropped, and the ping tried once on a new one:
 * one restart does not show as an outage. */
int redis_ping(const struct config_redis *cfg, double timeout, struct redisContext **keep,
	       double *ms, char *err, size_t errlen)
{
	double t0 = util_now();
	redisContext *c = *keep;
	int rc = -1;

	if (c != NULL && redis_ping_on(c, err, errlen) != 0) {
		redisFree(c);
		c = NULL;
		t0 = util_now();
	} else if (c != NULL) {
		rc = 0;
	}
	if (c == NULL) {
		c = redis_connect(cfg, timeout, NULL, err, errlen);
		rc = c != NULL ? redis_ping_on(c, err, errlen) : -1;
	}
	*ms = (util_now() - t0) * 1000.0;
	if (rc != 0 && c != NULL) {
		redisFree(c);
		c = NULL;
	}
	*keep = c;
	return rc;
}

void redis_ping_close(struct redisContext *keep)
{
	if (keep != NULL)
		redisFree(keep);
}

/* ---- the INFO poller --------------------------------------------------- */

static int redis_open(void **state, const void *arg, char *err, size_t errlen)
{
	struct redis_state *st;
	struct redis_target t;

	if (arg == NULL) {
		snprintf(err, errlen, "redis: no instance");
		return -1;
	}
	st = xcalloc(1, sizeof *st);
	st->arg = *(const struct redis_arg *)arg;
	if (redis_target_parse(st->arg.cfg->url, &t, err, errlen) != 0) {
		free(st);
		return -1;
	}
	redis_target_free(&t);
	*state = st;
	return 0;
}

static void redis_drop(struct redis_state *st)
{
	if (st->ctx != NULL)
		redisFree(st->ctx);
	st->ctx = NULL;
}

static int redis_ensure(struct redis_state *st, char *err, size_t errlen)
{
	if (st->ctx != NULL && st->ctx->err == 0)
		return 0;
	redis_drop(st);
	st->ctx = redis_connect(st->arg.cfg, st->arg.timeout, &st->db, err, errlen);
	return st->ctx != NULL ? 0 : -1;
}

static int redis_poll_info(struct redis_state *st, void **snapp, char *err, size_t errlen)
{
	redisReply *r;
	struct redis_snap *s;
	double now;

	if (redis_ensure(st, err, errlen) != 0)
		return -1;
	r = redisCommand(st->ctx, "INFO all");
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		redis_reply_fail(st->ctx, r, "INFO", err, errlen);
		redis_drop(st);
		return -1;
	}
	now = util_now();
	s = xcalloc(1, sizeof *s);
	if (redis_info_parse(r->str, &s->info) < 0) {
		freeReplyObject(r);
		free(s);
		snprintf(err, errlen, "INFO: no fields in the reply");
		return -1;
	}
	freeReplyObject(r);
	redis_rates_compute(st->have_prev ? &st->prev : NULL, &s->info, now - st->prev_t,
			    &s->rates);
	if (st->nhist == REDIS_HISTORY) {
		memmove(st->hist, st->hist + 1, (REDIS_HISTORY - 1) * sizeof st->hist[0]);
		st->nhist--;
	}
	st->hist[st->nhist++] = s->rates.ops > 0 ? s->rates.ops : 0;
	memcpy(s->ops_hist, st->hist, st->nhist * sizeof st->hist[0]);
	s->nhist = st->nhist;
	s->db = st->db;
	st->prev = s->info;
	st->prev_t = now;
	st->have_prev = 1;
	*snapp = s;
	return 0;
}

static int redis_request(void *state, const struct backend_request *req, char *err, size_t errlen)
{
	struct redis_state *st = state;

	if (st->arg.jobs == NULL) {
		snprintf(err, errlen, "redis: this runner takes no requests");
		return -1;
	}
	return redis_jobs_serve(&st->arg, req, err, errlen);
}

static int redis_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct redis_state *st = state;

	if (st->arg.jobs != NULL) {
		*snap = NULL; /* the job runner does its work in requests */
		return 0;
	}
	return redis_poll_info(st, snap, err, errlen);
}

static void redis_close(void *state)
{
	struct redis_state *st = state;

	redis_drop(st);
	free(st);
}

const struct backend redis_backend = {
	.name = "redis",
	.open = redis_open,
	.poll = redis_poll,
	.request = redis_request,
	.close = redis_close,
	.snapshot_free = free,
	.snapshot_encode = redis_codec_encode,
	.snapshot_decode = redis_codec_decode,
};
