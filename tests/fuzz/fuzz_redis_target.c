/*
 * fuzz_redis_target.c - libFuzzer harness for the Redis URL parser
 * (backends/redis.c: redis.url and redis.instances[].url from the
 * configuration): a URL parses to a host or a socket path, a port in
 * range and a database number >= 0, or it is refused with a reason.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/redis.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = fuzz_strdup(data, size), err[256] = "";
	struct redis_target t;

	memset(&t, 0, sizeof t);
	if (redis_target_parse(url, &t, err, sizeof err) == 0) {
		if ((t.host == NULL) == (t.path == NULL) && t.path == NULL)
			abort();
		if (t.path == NULL && (t.port < 1 || t.port > 65535))
			abort();
		if (t.db < 0)
			abort();
		redis_target_free(&t);
	} else if (err[0] == '\0') {
		abort();
	}
	free(url);
	return 0;
}
