/*
 * fuzz_codec.c - libFuzzer harness for the snapshot decoders (struct
 * backend's snapshot_decode; backends/NAME_codec.c): the input, parsed as
 * JSON, is decoded by every backend's codec. A snapshot that decodes is
 * encoded again, and that encoding must decode too (what a recording
 * replays, or a war-room follower receives, it can pass on); each
 * snapshot is freed, so a leak or a partial snapshot shows.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "backends/k8s.h"
#include "backends/kafka.h"
#include "backends/pg.h"
#include "backends/prom.h"
#include "backends/redis.h"
#include "fuzz_util.h"

static const struct backend *const fuzz_codec_backends[] = {
	&redis_backend, &kafka_backend, &pg_backend, &prom_backend, &k8s_backend,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	char err[256];
	size_t i;

	if (j == NULL)
		return 0;
	for (i = 0; i < sizeof fuzz_codec_backends / sizeof fuzz_codec_backends[0]; i++) {
		const struct backend *b = fuzz_codec_backends[i];
		void *s;
		cJSON *again;
		void *s2;

		err[0] = '\0';
		s = b->snapshot_decode(j, err, sizeof err);
		if (s == NULL) {
			/* a refusal always says why */
			if (err[0] == '\0')
				abort();
			continue;
		}
		again = b->snapshot_encode(s);
		if (again == NULL)
			abort();
		s2 = b->snapshot_decode(again, err, sizeof err);
		if (s2 == NULL) {
			fprintf(stderr, "%s: re-encoded snapshot refused: %s\n", b->name, err);
			abort();
		}
		b->snapshot_free(s2);
		cJSON_Delete(again);
		b->snapshot_free(s);
	}
	cJSON_Delete(j);
	return 0;
}
