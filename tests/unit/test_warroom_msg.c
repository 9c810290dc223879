/*
 * test_warroom_msg.c - unit tests for core/warroom_msg.c: a sealed message
 * opens with the same secret and room into the same fields; one changed
 * byte anywhere, another secret, another room, another version, a
 * message over the cap or a body of the wrong shape are refused with the
 * right reason; a body of WARROOM_BODY_MAX seals under the longest head; the secret file is refused
 * when short or readable by others; new secrets are 64 hex digits and differ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/warroom_msg.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

static const unsigned char key[] = "0123456789abcdef-room-secret";
#define KEYLEN (sizeof key - 1)

static char *seal(const char *room, const char *kind, const char *body, size_t *len)
{
	struct warroom_msg m = { 0 };

	m.seq = 42;
	m.t = 1764900000.25;
	snprintf(m.from, sizeof m.from, "alice");
	snprintf(m.kind, sizeof m.kind, "%s", kind);
	snprintf(m.key, sizeof m.key, "%s", kind);
	return warroom_seal(key, KEYLEN, room, &m, body, len);
}

TEST(test_warroom_roundtrip)
{
	struct warroom_msg m;
	char err[128], *wire, *body;
	size_t len;

	wire = seal("bridge", "state", "{\"focus\":\"pods\",\"note\":\"\\u001b[31m\"}", &len);
	assert_non_null(wire);
	assert_int_equal(len, strlen(wire));
	assert_int_equal(strncmp(wire, "AMWR1 ", 6), 0);
	assert_int_equal(warroom_unseal(key, KEYLEN, "bridge", wire, len, &m, err, sizeof err),
			 WARROOM_OK);
	assert_true(m.seq == 42);
	assert_true(m.t > 1764900000.2 && m.t < 1764900000.3);
	assert_string_equal(m.from, "alice");
	assert_string_equal(m.kind, "state");
	assert_string_equal(m.key, "state");
	body = cJSON_PrintUnformatted(m.body);
	assert_string_equal(body, "{\"focus\":\"pods\",\"note\":\"\\u001b[31m\"}");
	cJSON_free(body);
	warroom_msg_clear(&m);
	free(wire);
}

/* Every single changed byte is refused, as forged or (in the head)
 * not sealed. */
TEST(test_warroom_tamper)
{
	struct warroom_msg m;
	char err[128], *wire;
	size_t len, i;

	wire = seal("bridge", "note", "{\"text\":\"restart the pod\"}", &len);
	for (i = 0; i < len; i++) {
		char was = wire[i];

		wire[i] = was == 'a' ? 'b' : 'a';
		assert_int_equal(
			warroom_unseal(key, KEYLEN, "bridge", wire, len, &m, err, sizeof err),
			WARROOM_FORGED);
		assert_null(m.body);
		wire[i] = was;
	}
	assert_int_equal(warroom_unseal(key, KEYLEN, "bridge", wire, len - 1, &m, err, sizeof err),
			 WARROOM_FORGED);
	free(wire);
}

TEST(test_warroom_refusals)
{
	static const unsigned char other[] = "another-secret-of-another-room";
	struct warroom_msg m;
	char err[128], *wire, *huge;
	size_t len;

	wire = seal("bridge", "state", "{}", &len);
	assert_int_equal(
		warroom_unseal(other, sizeof other - 1, "bridge", wire, len, &m, err, sizeof err),
		WARROOM_FORGED);
	assert_non_null(strstr(err, "seal does not match"));
	assert_int_equal(warroom_unseal(key, KEYLEN, "ops", wire, len, &m, err, sizeof err),
			 WARROOM_MALFORMED);
	assert_non_null(strstr(err, "another room"));
	free(wire);

	assert_int_equal(warroom_unseal(key, KEYLEN, "bridge", "hello", 5, &m, err, sizeof err),
			 WARROOM_FORGED);
	assert_int_equal(warroom_unseal(key, KEYLEN, "bridge", "x", WARROOM_MSG_MAX + 1, &m, err,
					sizeof err),
			 WARROOM_OVERSIZE);

	/* Sealed right, shaped wrong: the body is not JSON. */
	{
		struct warroom_msg bad = { 0 };

		snprintf(bad.from, sizeof bad.from, "%s", "alice");
		snprintf(bad.kind, sizeof bad.kind, "%s", "state");
		snprintf(bad.key, sizeof bad.key, "%s", "k");
		wire = warroom_seal(key, KEYLEN, "bridge", &bad, "not json at all", &len);
		assert_int_equal(
			warroom_unseal(key, KEYLEN, "bridge", wire, len, &m, err, sizeof err),
			WARROOM_MALFORMED);
		assert_non_null(strstr(err, "not JSON"));
		free(wire);
	}

	/* Over the cap: not sealed at all. */
	huge = xmalloc(WARROOM_MSG_MAX + 3);
	huge[0] = '"';
	memset(huge + 1, 'x', WARROOM_MSG_MAX);
	memcpy(huge + 1 + WARROOM_MSG_MAX, "\"", 2);
	assert_null(seal("bridge", "snap", huge, &len));
	free(huge);
}

/* warroom_send lets a body through up to WARROOM_BODY_MAX: it must then
 * seal, whatever the head holds. Every head field at its longest, each
 * byte one that JSON escapes as \u00XX. */
TEST(test_warroom_body_max_seals)
{
	struct warroom_msg m = { 0 };
	char room[65], *body, *wire;
	size_t len;

	memset(room, 'r', 64);
	room[64] = '\0';
	memset(m.from, '\x01', sizeof m.from - 1);
	memset(m.kind, '\x01', sizeof m.kind - 1);
	memset(m.key, '\x01', sizeof m.key - 1);
	m.seq = ~0ULL;
	m.t = 1e12;
	body = xmalloc(WARROOM_BODY_MAX + 1);
	body[0] = '"';
	memset(body + 1, 'x', WARROOM_BODY_MAX - 2);
	memcpy(body + WARROOM_BODY_MAX - 1, "\"", 2);
	wire = warroom_seal(key, KEYLEN, room, &m, body, &len);
	assert_non_null(wire);
	assert_true(len <= WARROOM_MSG_MAX);
	free(wire);
	free(body);
}

TEST(test_warroom_secret_file)
{
	char path[] = "/tmp/test_warroom_XXXXXX", err[200], *s = NULL;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("  short\n", f);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(warroom_secret_load(path, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "shorter than 16"));

	f = fopen(path, "w");
	fputs("  0123456789abcdef0123  \nsecond line\n", f);
	fclose(f);
	assert_int_equal(warroom_secret_load(path, &s, err, sizeof err), 0);
	assert_string_equal(s, "0123456789abcdef0123");
	free(s);

	chmod(path, 0644);
	assert_int_equal(warroom_secret_load(path, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "readable by others"));
	unlink(path);
	assert_int_equal(warroom_secret_load(path, &s, err, sizeof err), -1);
}

TEST(test_warroom_secret_new)
{
	char *a = warroom_secret_new(), *b = warroom_secret_new();
	size_t i;

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strlen(a), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}
