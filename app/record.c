/*
 * record.c - a session's recording (--record FILE) and its replay
 * (--replay FILE), #19. A recording is JSON lines, appended off the UI
 * thread (runtime/appender.h):
 *
 *   {"amconsole-recording":1,"start":1764900000.2,"config":"<yaml>"}
 *   {"t":2.013,"kind":"snap","key":"redis:fleet-cache","body":{"snap":{...}}}
 *   {"t":2.020,"kind":"state","key":"state","body":{"focus":"cache",...}}
 *
 * the first line the header (the configuration, secrets masked), then the
 * events a war room's presenter publishes (room.c): every source's
 * snapshots as its backend encodes them (or its error), and the view. t
 * is seconds since the start. Over APP_RECORD_MAX bytes the file is
 * renamed FILE.1 (an older FILE.1 goes) and a new one begins with its
 * own header; the caller then records everything again. The replay
 * indexes the lines (offset, time, kind, key) and reads them back on
 * demand; it stops at the first damaged line and says where.
 */
#include "app/app_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "runtime/appender.h"

struct app_recorder {
	pthread_mutex_t lock;
	char *path;
	char *config_yaml;
	struct appender *out;
	double start; /* wall time of the first file's start */
	size_t bytes; /* in the current file */
	size_t max;
	char error[256];
};

/* Under lock: a new file with its header. 0, or -1 + r->error. */
static int app_rec_begin(struct app_recorder *r)
{
	cJSON *h = cJSON_CreateObject();
	char *line, *text;

	r->out = appender_open(r->path, r->error, sizeof r->error);
	if (r->out == NULL) {
		cJSON_Delete(h);
		return -1;
	}
	cJSON_AddNumberToObject(h, "amconsole-recording", APP_RECORD_VERSION);
	cJSON_AddNumberToObject(h, "start", r->start);
	cJSON_AddStringToObject(h, "config", r->config_yaml);
	text = cJSON_PrintUnformatted(h);
	cJSON_Delete(h);
	line = xasprintf("%s\n", text);
	cJSON_free(text);
	r->bytes = strlen(line);
	appender_push(r->out, line);
	return 0;
}

struct app_recorder *app_recorder_open(const char *path, const char *config_yaml, size_t max,
				       char *err, size_t errlen)
{
	struct app_recorder *r = xcalloc(1, sizeof *r);
	int fd;

	/* A recording starts empty: an older one of the name is kept as
	 * FILE.1. */
	r->path = xstrdup(path);
	r->config_yaml = xstrdup(config_yaml != NULL ? config_yaml : "");
	r->start = util_wall();
	r->max = max > 0 ? max : APP_RECORD_MAX;
	pthread_mutex_init(&r->lock, NULL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char *old = xasprintf("%s.1", path);

		close(fd);
		rename(path, old);
		free(old);
	}
	if (app_rec_begin(r) != 0) {
		snprintf(err, errlen, "--record: %s", r->error);
		app_recorder_close(r);
		return NULL;
	}
	return r;
}

int app_recorder_put(struct app_recorder *r, const char *kind, const char *key, const char *body)
{
	char *k = util_json_quote(key), *line;
	int rotated = 0;

	line = xasprintf("{\"t\":%.3f,\"kind\":\"%s\",\"key\":%s,\"body\":%s}\n",
			 util_wall() - r->start, kind, k, body != NULL ? body : "null");
	free(k);
	pthread_mutex_lock(&r->lock);
	if (r->out != NULL && r->bytes + strlen(line) > r->max) {
		char *old = xasprintf("%s.1", r->path);

		appender_close(r->out);
		r->out = NULL;
		rename(r->path, old);
		free(old);
		app_rec_begin(r);
		rotated = 1;
	}
	if (r->out != NULL) {
		r->bytes += strlen(line);
		appender_push(r->out, line);
	} else {
		free(line);
	}
	pthread_mutex_unlock(&r->lock);
	return rotated;
}

void app_recorder_close(struct app_recorder *r)
{
	if (r == NULL)
		return;
	appender_close(r->out);
	pthread_mutex_destroy(&r->lock);
	free(r->path);
	free(r->config_yaml);
	free(r);
}

/* ---- replay --------------------------------------------------------- */

struct app_replay_ev {
	off_t off;
	size_t len;
	double t;
	char kind[16];
	char key[96];
};

struct app_replay {
	int fd;
	double start;
	double length;
	struct app_replay_ev *ev;
	size_t n, cap;
	char damage[200];
};

/* One line's index entry: 0, or -1 when the line is not an event. */
static int app_replay_line(const char *line, size_t len, struct app_replay_ev *e)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "key");
	int rc = -1;

	if (cJSON_IsNumber(t) && isfinite(t->valuedouble) && t->valuedouble >= 0 &&
	    cJSON_IsString(kind) && strlen(kind->valuestring) < sizeof e->kind &&
	    cJSON_IsString(key) && strlen(key->valuestring) < sizeof e->key &&
	    cJSON_GetObjectItemCaseSensitive(o, "body") != NULL) {
		e->t = t->valuedouble;
		snprintf(e->kind, sizeof e->kind, "%s", kind->valuestring);
		snprintf(e->key, sizeof e->key, "%s", key->valuestring);
		rc = 0;
	}
	cJSON_Delete(o);
	return rc;
}

/* The header: the start and the configuration. 0, or -1 + err. */
static int app_replay_header(struct app_replay *r, const char *line, size_t len, char **yaml,
			     char *err, size_t errlen)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "amconsole-recording");
	const cJSON *start = cJSON_GetObjectItemCaseSensitive(o, "start");
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(o, "config");

	if (!cJSON_IsNumber(v) || !cJSON_IsNumber(start) || !cJSON_IsString(cfg)) {
		snprintf(err, errlen, "not an amconsole recording (its first line is no header)");
		cJSON_Delete(o);
		return -1;
	}
	if (v->valuedouble != APP_RECORD_VERSION) {
		snprintf(err, errlen, "a recording of version %g; this amconsole reads version %d",
			 v->valuedouble, APP_RECORD_VERSION);
		cJSON_Delete(o);
		return -1;
	}
	r->start = start->valuedouble;
	*yaml = xstrdup(cfg->valuestring);
	cJSON_Delete(o);
	return 0;
}

struct app_replay *app_replay_open(const char *path, char **yaml, char *err, size_t errlen)
{
	struct app_replay *r = xcalloc(1, sizeof *r);
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t lineno = 0, at = 0, pos;
	off_t off = 0;
	ssize_t n;

	*yaml = NULL;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		snprintf(err, errlen, "--replay: %s: %s", path, strerror(errno));
		free(r);
		return NULL;
	}
	while ((n = read(r->fd, buf, sizeof buf)) > 0)
		strbuf_append(&sb, buf, (size_t)n);
	for (pos = 0; pos < sb.len; pos = at + 1, off = (off_t)pos) {
		const char *nl = memchr(sb.buf + pos, '\n', sb.len - pos);
		struct app_replay_ev e = { 0 };

		at = nl != NULL ? (size_t)(nl - sb.buf) : sb.len;
		lineno++;
		if (lineno == 1) {
			if (app_replay_header(r, sb.buf, at, yaml, err, errlen) != 0)
				break;
			continue;
		}
		if (nl == NULL || app_replay_line(sb.buf + pos, at - pos, &e) != 0) {
			snprintf(r->damage, sizeof r->damage,
				 "line %zu is %s: the replay stops at %.0f s", lineno,
				 nl == NULL ? "cut short" : "damaged", r->length);
			break;
		}
		e.off = off;
		e.len = at - pos;
		if (e.t < r->length)
			e.t = r->length; /* never back in time */
		r->length = e.t;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 256;
			r->ev = xrealloc(r->ev, r->cap * sizeof *r->ev);
		}
		r->ev[r->n++] = e;
	}
	strbuf_free(&sb);
	if (*yaml == NULL) {
		if (lineno == 0)
			snprintf(err, errlen, "--replay: %s is empty", path);
		else if (err[0] != '\0') {
			char why[256];

			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "--replay: %s: %s", path, why);
		}
		app_replay_close(r);
		return NULL;
	}
	return r;
}

double app_replay_length(const struct app_replay *r)
{
	return r->length;
}

double app_replay_started(const struct app_replay *r)
{
	return r->start;
}

const char *app_replay_damage(const struct app_replay *r)
{
	return r->damage;
}

/* Read event i back and hand it to fn. */
static void app_replay_give(struct app_replay *r, size_t i, app_replay_fn fn, void *ctx)
{
	char *line = xmalloc(r->ev[i].len + 1);
	cJSON *o;

	if (pread(r->fd, line, r->ev[i].len, r->ev[i].off) == (ssize_t)r->ev[i].len) {
		o = cJSON_ParseWithLength(line, r->ev[i].len);
		if (o != NULL)
			fn(ctx, r->ev[i].kind, r->ev[i].key,
			   cJSON_GetObjectItemCaseSensitive(o, "body"));
		cJSON_Delete(o);
	}
	free(line);
}

void app_replay_range(struct app_replay *r, double from, double to, app_replay_fn fn, void *ctx)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->ev[i].t > from && r->ev[i].t <= to)
			app_replay_give(r, i, fn, ctx);
}

void app_replay_seek(struct app_replay *r, double t, app_replay_fn fn, void *ctx)
{
	size_t i, j;

	/* The newest of each key at or before t, oldest first. */
	for (i = 0; i < r->n && r->ev[i].t <= t; i++) {
		for (j = i + 1; j < r->n && r->ev[j].t <= t; j++)
			if (strcmp(r->ev[j].key, r->ev[i].key) == 0)
				break;
		if (j == r->n || r->ev[j].t > t)
			app_replay_give(r, i, fn, ctx);
	}
}

double app_replay_next(const struct app_replay *r, double t, int dir)
{
	size_t i;

	if (dir > 0) {
		for (i = 0; i < r->n; i++)
			if (r->ev[i].t > t + 0.0005)
				return r->ev[i].t;
		return r->length;
	}
	for (i = r->n; i > 0; i--)
		if (r->ev[i - 1].t < t - 0.0005)
			return r->ev[i - 1].t;
	return 0;
}

void app_replay_close(struct app_replay *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->ev);
	free(r);
}
