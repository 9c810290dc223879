/*
 * redis_step.c - runbook `redis` steps over hiredis (see redis.h,
 * native.h). A step is a job (runtime/job.h) whose thread connects to
 * the chosen instance, runs each line (comments stripped) as one command
 * in argv form and prints the replies as redis-cli does. A stop shuts
 * the socket down, so a command waiting on a stalled server ends at once.
 */
#include "backends/redis.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "backends/redis_conn.h"
#include "core/runbook.h"

struct redis_step {
	struct config_redis cfg; /* copies: the job outlives nothing it borrows */
	char *text;
	struct step_values *values; /* the placeholders' values, or NULL */
	double timeout;
	pthread_mutex_t lock;
	int fd; /* under lock: the connection's socket while connected, else -1 */
};

/* How the step ends, for job_end. */
struct redis_step_end {
	enum exec_state state;
	int code;
	char err[256];
};

static void redis_step_connected(struct job *j, struct redis_step *p, int fd)
{
	pthread_mutex_lock(&p->lock);
	p->fd = fd;
	if (fd >= 0 && job_stopping(j))
		shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&p->lock);
}

/* Put the values in place of the marks of each argument (see
 * runbook_bind_mark): a value is always inside one argument. */
static void redis_step_unmark(char **argv, size_t *lens, int argc, const struct step_values *v,
			      int mask)
{
	int i;

	for (i = 0; v != NULL && i < argc; i++) {
		char *a = runbook_bind_unmark(argv[i], lens[i], v, mask, &lens[i]);

		free(argv[i]);
		argv[i] = a;
	}
}

/* Run one line; 0 to go on, -1 to end the step. */
static int redis_step_line(struct job *j, redisContext *c, const char *line,
			   const struct step_values *v, int *ncmd, struct redis_step_end *e)
{
	struct strbuf sb = { 0 };
	char **argv = NULL;
	size_t *lens = NULL;
	int argc = redis_tokenize(line, &argv, &lens, e->err, sizeof e->err), rc = 0;
	redisReply *r;

	if (argc == 0)
		return 0;
	if (argc < 0) {
		strbuf_printf(&sb, "(error) %s\n", e->err);
		e->code = 1;
		rc = -1;
		goto out;
	}
	redis_step_unmark(argv, lens, argc, v, 0);
	if ((*ncmd)++ > 0)
		strbuf_putc(&sb, '\n');
	r = redisCommandArgv(c, argc, (const char **)argv, lens);
	redis_argv_free(argv, lens, argc);
	if (r == NULL) {
		int timed = c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);

		e->state = job_stopping(j) ? EXEC_STOPPED : timed ? EXEC_TIMEDOUT : EXEC_FAILED;
		redis_ctx_error(c, "redis", e->err, sizeof e->err);
		strbuf_printf(&sb, "(error) %s\n", e->state == EXEC_STOPPED ? "stopped" : e->err);
		e->code = 1;
		rc = -1;
		goto out;
	}
	redis_reply_render(r, &sb);
	if (r->type == REDIS_REPLY_ERROR)
		e->code = 1;
	freeReplyObject(r);
	if (job_stopping(j)) {
		e->state = EXEC_STOPPED;
		rc = -1;
	}
out:
	job_out_strbuf(j, &sb);
	return rc;
}

static void redis_step_run(struct job *j, void *arg)
{
	struct redis_step *p = arg;
	struct redis_step_end e = { .state = EXEC_EXITED };
	char *save = NULL, *line, *text, *marked = p->text;
	int ncmd = 0;
	redisContext *c = NULL;

	if (p->values != NULL)
		marked = runbook_bind_mark(STEP_REDIS, p->text, p->values, e.err, sizeof e.err);
	if (marked != NULL)
		c = redis_connect(&p->cfg, p->timeout, NULL, e.err, sizeof e.err);
	if (c == NULL) {
		struct strbuf sb = { 0 };

		strbuf_printf(&sb, "(error) %s\n", e.err);
		job_out_strbuf(j, &sb);
		e.state = EXEC_FAILED;
		e.code = 1;
	} else {
		redis_step_connected(j, p, c->fd);
		text = runbook_strip_comments(STEP_REDIS, marked);
		for (line = strtok_r(text, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			if (redis_step_line(j, c, line, p->values, &ncmd, &e) != 0)
				break;
		free(text);
		redis_step_connected(j, p, -1);
		redisFree(c);
	}
	if (marked != p->text)
		free(marked);
	native_end(j, e.state, e.code, e.err);
}

/* job_stop: wakes a command waiting on a stalled server at once. */
static void redis_step_stop(void *arg)
{
	struct redis_step *p = arg;

	pthread_mutex_lock(&p->lock);
	if (p->fd >= 0)
		shutdown(p->fd, SHUT_RDWR);
	pthread_mutex_unlock(&p->lock);
}

static void redis_step_free(void *arg)
{
	struct redis_step *p = arg;

	pthread_mutex_destroy(&p->lock);
	free(p->cfg.name);
	free(p->cfg.url);
	free(p->cfg.password_file);
	free(p->cfg.password_env);
	free(p->text);
	step_values_free(p->values);
	free(p);
}

static int redis_step_ready(const struct config *c, char *why, size_t whylen)
{
	if (c->nredis > 0)
		return 1;
	snprintf(why, whylen, "redis steps need an instance: set redis.instances or REDIS_URL");
	return 0;
}

static size_t redis_step_targets(const struct config *c, const char **names, size_t max)
{
	size_t i;

	for (i = 0; i < c->nredis && i < max; i++)
		names[i] = c->redis[i].name ? c->redis[i].name : "redis";
	return c->nredis;
}

static struct job *redis_step_start(const struct config *c, const char *target, const char *text,
				    const struct step_values *values, double timeout, int wake_fd,
				    char *err, size_t errlen)
{
	const struct config_redis *in;
	struct redis_step *p;
	size_t k = 0;

	if (c->nredis == 0) {
		redis_step_ready(c, err, errlen);
		return NULL;
	}
	if (target != NULL) {
		for (k = 0; k < c->nredis; k++)
			if (c->redis[k].name != NULL && strcmp(c->redis[k].name, target) == 0)
				break;
		if (k == c->nredis) {
			snprintf(err, errlen, "no Redis instance named \"%s\"", target);
			return NULL;
		}
	}
	in = &c->redis[k];
	p = xcalloc(1, sizeof *p);
	p->cfg.name = xstrdup(in->name ? in->name : "redis");
	p->cfg.url = xstrdup(in->url ? in->url : "");
	p->cfg.password_file = in->password_file ? xstrdup(in->password_file) : NULL;
	p->cfg.password_env = in->password_env ? xstrdup(in->password_env) : NULL;
	p->text = xstrdup(text);
	p->values = values != NULL && values->n > 0 ? step_values_dup(values) : NULL;
	p->timeout = timeout > 0 ? timeout : 30;
	p->fd = -1;
	pthread_mutex_init(&p->lock, NULL);
	return native_spawn(redis_step_run, p, redis_step_free, redis_step_stop, wake_fd, err,
			    errlen);
}

/* An argument as redis-cli would need it typed: bare when it can be,
 * else double-quoted with escapes. */
static void redis_step_show_arg(struct strbuf *sb, const char *a, size_t n)
{
	size_t i;
	int bare = n > 0;

	for (i = 0; i < n && bare; i++)
		bare = (unsigned char)a[i] > ' ' && a[i] != '"' && a[i] != '\'' && a[i] != '\\' &&
		       (unsigned char)a[i] != 0x7f;
	if (bare) {
		strbuf_append(sb, a, n);
		return;
	}
	strbuf_putc(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)a[i];

		if (ch == '"' || ch == '\\')
			strbuf_printf(sb, "\\%c", ch);
		else if (ch < ' ' || ch == 0x7f)
			strbuf_printf(sb, "\\x%02x", ch);
		else
			strbuf_putc(sb, (char)ch);
	}
	strbuf_putc(sb, '"');
}

/* Each command of the step as its arguments will be sent, the values
 * in place (secret ones masked). */
static char *redis_step_shown(const char *text, const struct step_values *values, char *err,
			      size_t errlen)
{
	char *marked = runbook_bind_mark(STEP_REDIS, text, values, err, errlen);
	char *stripped, *line, *save = NULL;
	struct strbuf sb = { 0 };

	if (marked == NULL)
		return NULL;
	stripped = runbook_strip_comments(STEP_REDIS, marked);
	strbuf_append(&sb, "", 0);
	for (line = strtok_r(stripped, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char **argv = NULL;
		size_t *lens = NULL;
		int argc = redis_tokenize(line, &argv, &lens, err, errlen), i;

		if (argc < 0)
			break;
		redis_step_unmark(argv, lens, argc, values, 1);
		for (i = 0; i < argc; i++) {
			strbuf_puts(&sb, i ? " " : sb.len ? "\n" : "");
			redis_step_show_arg(&sb, argv[i], lens[i]);
		}
		redis_argv_free(argv, lens, argc);
	}
	free(stripped);
	free(marked);
	if (line != NULL) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

const struct native_ops redis_native = {
	.kind = STEP_REDIS,
	.name = "Redis",
	.ready = redis_step_ready,
	.targets = redis_step_targets,
	.start = redis_step_start,
	.shown = redis_step_shown,
};
