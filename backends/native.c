/*
 * native.c - the registry of native step runners (see native.h). Adding
 * one is a line here and its ops in the data source's own file.
 */
#include "backends/native.h"

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
