/*
 * fuzz_warroom.c - libFuzzer harness for opening war-room messages
 * (core/warroom_msg.c): whatever arrives from Redis or PostgreSQL is
 * untrusted. The first byte picks the case: the input as a wire message
 * as is (forged, cut, oversize), or the input as the JSON of a message
 * sealed right with the room's secret (so the parser of every field
 * sees hostile shapes). A refusal leaves nothing allocated; an accepted
 * message has NUL-terminated from, kind and key, and is freed.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/warroom_msg.h"
#include "lib/util.h"
#include "fuzz_util.h"

static const unsigned char key[] = "0123456789abcdef-fuzz-secret";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct warroom_msg m;
	char err[128], *wire;
	size_t len;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		wire = fuzz_strdup(data + 1, size - 1);
		len = size - 1;
	} else {
		unsigned char mac[EVP_MAX_MD_SIZE];
		unsigned int maclen = 0, i;

		HMAC(EVP_sha256(), key, (int)(sizeof key - 1), data + 1, size - 1, mac, &maclen);
		len = 6 + 64 + 1 + (size - 1);
		wire = xmalloc(len + 1);
		memcpy(wire, "AMWR1 ", 6);
		for (i = 0; i < 32; i++)
			snprintf(wire + 6 + 2 * i, 3, "%02x", mac[i]);
		wire[70] = ' ';
		memcpy(wire + 71, data + 1, size - 1);
		wire[len] = '\0';
	}
	if (warroom_unseal(key, sizeof key - 1, "fuzz-room", wire, len, &m, err, sizeof err) ==
	    WARROOM_OK) {
		if (strlen(m.from) >= sizeof m.from || strlen(m.kind) >= sizeof m.kind ||
		    strlen(m.key) >= sizeof m.key)
			abort();
		warroom_msg_clear(&m);
	} else if (m.body != NULL || err[0] == '\0') {
		abort();
	}
	free(wire);
	return 0;
}
