/*
 * native.c - the registry of native step runners (see native.h) and the
 * one way they start a job. Adding one is a line here and its ops in the
 * data source's own file.
 */
#include "backends/native.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"

extern const struct native_ops pg_native;
extern const struct native_ops redis_native;
extern const struct native_ops prom_native;

const struct native_ops *const native_registry[] = {
	&pg_native,
	&redis_native,
	&prom_native,
	NULL,
};

const struct native_ops *native_find(enum step_kind k)
{
	size_t i;

	for (i = 0; native_registry[i] != NULL; i++)
		if (native_registry[i]->kind == k)
			return native_registry[i];
	return NULL;
}

struct job *native_spawn(void (*step)(struct job *job, void *arg), void *arg,
			 void (*free_arg)(void *arg), void (*on_stop)(void *arg), int wake_fd,
			 char *err, size_t errlen)
{
	struct job_spec spec = {
		.run = step,
		.arg = arg,
		.free_arg = free_arg,
		.on_stop = on_stop,
		.wake_fd = wake_fd,
		.name = "am:step",
	};

	return job_start(&spec, err, errlen);
}

static void native_step_free(void *arg)
{
	struct native_step *p = arg;

	free(p->source);
	free(p->text);
	step_values_free(p->values);
	free(p);
}

struct job *native_step_start(void (*run)(struct job *job, void *step), char *source,
			      const char *text, const struct step_values *values, double timeout,
			      int wake_fd, char *err, size_t errlen)
{
	struct native_step *p = xcalloc(1, sizeof *p);

	p->source = source;
	p->text = xstrdup(text);
	p->values = values != NULL && values->n > 0 ? step_values_dup(values) : NULL;
	p->timeout = timeout;
	return native_spawn(run, p, native_step_free, NULL, wake_fd, err, errlen);
}

void native_end(struct job *j, enum exec_state state, int code, const char *err)
{
	char error[200];

	snprintf(error, sizeof error, "%.190s", err != NULL ? err : "");
	job_end(j, state, code, 0, state == EXEC_FAILED ? error : NULL);
}
