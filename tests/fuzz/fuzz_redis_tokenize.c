/*
 * fuzz_redis_tokenize.c - libFuzzer harness for the Redis command line
 * splitter (backends/redis_step.c: a runbook's `redis` block, a line at a
 * time): whatever the line, the result is -1 or argc arguments whose
 * lengths are what argv holds, and everything is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/redis.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_strdup(data, size), err[256];
	char **argv = NULL;
	size_t *lens = NULL;
	int argc, i;

	argc = redis_tokenize(line, &argv, &lens, err, sizeof err);
	if (argc < 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
			abort();
	} else {
		for (i = 0; i < argc; i++)
			if (argv[i] == NULL || lens[i] > size)
				abort();
		redis_argv_free(argv, lens, argc);
	}
	free(line);
	return 0;
}
