/*
 * fuzz_redis_info.c - libFuzzer harness for the Redis INFO parser
 * (backends/redis.c): the input is one INFO text, or two split at the
 * first NUL byte (an earlier and a later sample); both are parsed and the
 * rates between them computed, as the poller does.
 */
#include <stdlib.h>

#include "backends/redis.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redis_info prev, cur;
	struct redis_rates rates;
	const char *a, *b;
	size_t alen, blen;
	char *ta, *tb;
	int na, nb;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	ta = fuzz_strdup((const uint8_t *)a, alen);
	tb = b != NULL ? fuzz_strdup((const uint8_t *)b, blen) : NULL;
	na = redis_info_parse(ta, &prev);
	nb = tb != NULL ? redis_info_parse(tb, &cur) : -1;
	if (na >= 0) {
		if (prev.ndbs > REDIS_MAX_DBS)
			abort();
		redis_rates_compute(NULL, &prev, 2.0, &rates);
	}
	if (na >= 0 && nb >= 0) {
		redis_rates_compute(&prev, &cur, 2.0, &rates);
		redis_rates_compute(&prev, &cur, 0.0, &rates);
	}
	free(ta);
	free(tb);
	return 0;
}
