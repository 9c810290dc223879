/*
 * test_codec_table.c - the field tables that drive the snapshot codecs
 * (backends/codec.h: codec_encode, codec_decode). A struct with a field
 * of every type goes encode -> text -> decode -> encode: the JSON is the
 * one written here by hand and the decoded fields equal the original's;
 * a string that must not be null but is NULL goes out as "" (so the
 * snapshot still decodes); secrets are redacted and cut; each spoiled
 * field is refused with its path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec.h"
#include "tests/unit/testhelp.h"
#include "lib/util.h"
#include "runtime/backend.h"

enum test_colour { TEST_RED, TEST_GREEN, TEST_BLUE };

struct test_row {
	int x;
	char *tag; /* nullable */
};

struct test_inner {
	double a;
	long b;
};

struct test_snap {
	double d;
	int i;
	enum test_colour colour;
	long l;
	unsigned long ul;
	long long ll;
	size_t z;
	char *s;
	char *sn;
	char buf[8];
	char *secret;
	char hint[16];
	struct test_inner inner;
	struct test_inner *ptr;
	struct test_row *rows;
	size_t nrows;
	int *ints;
	size_t nints;
	double hist[4];
	int nhist;
	char **words; /* NULL-terminated */
	int hooked;
};

static const struct codec_field test_row_fields[] = {
	CODEC_I(struct test_row, x, 0, 9),
	CODEC_SN(struct test_row, tag),
};

static const struct codec_field test_inner_fields[] = {
	CODEC_D(struct test_inner, a),
	CODEC_L(struct test_inner, b, -5, 5),
};

static const struct codec_field test_int[] = { CODEC_ELEM(CODEC_INT, -1, 100) };
static const struct codec_field test_num[] = { CODEC_ELEM(CODEC_DBL, 0, 0) };
static const struct codec_field test_word[] = { CODEC_ELEM(CODEC_STR, 0, 0) };

/* hooked goes out as a string of that many stars, and back. */
static void test_put_hooked(struct codec_enc *e, cJSON *o, const void *row,
			    const struct codec_field *f)
{
	const struct test_snap *s = row;
	char stars[8] = "";

	memset(stars, '*', (size_t)s->hooked);
	codec_put_str(e, o, f->name, stars);
}

static void test_get_hooked(struct codec_dec *d, const cJSON *o, void *row,
			    const struct codec_field *f)
{
	const char *stars = codec_ref(d, o, f->name, 7, 0);

	((struct test_snap *)row)->hooked = stars != NULL ? (int)strlen(stars) : 0;
}

static const struct codec_field test_fields[] = {
	CODEC_D(struct test_snap, d),
	CODEC_I(struct test_snap, i, INT_MIN, INT_MAX),
	CODEC_E(struct test_snap, colour, TEST_RED, TEST_BLUE),
	CODEC_L(struct test_snap, l, LONG_MIN, LONG_MAX),
	CODEC_UL(struct test_snap, ul),
	CODEC_LL(struct test_snap, ll, -1000000000000000LL, 1000000000000000LL),
	CODEC_Z(struct test_snap, z, 1000),
	CODEC_S(struct test_snap, s),
	CODEC_SN(struct test_snap, sn),
	CODEC_B(struct test_snap, buf),
	CODEC_SECRET_S(struct test_snap, secret, 40),
	CODEC_SECRET_B(struct test_snap, hint),
	CODEC_OBJ(struct test_snap, inner, test_inner_fields),
	CODEC_PTR(struct test_snap, ptr, test_inner_fields),
	CODEC_ROWS(struct test_snap, rows, nrows, test_row_fields, 3),
	CODEC_ROWS(struct test_snap, ints, nints, test_int, 100),
	CODEC_FIXED(struct test_snap, hist, nhist, test_num),
	CODEC_STRV(struct test_snap, words, test_word, 5),
	CODEC_FN(struct test_snap, hooked, test_put_hooked, test_get_hooked),
};

static void test_snap_free(void *p)
{
	struct test_snap *s = p;
	size_t i;

	if (s == NULL)
		return;
	free(s->s);
	free(s->sn);
	free(s->secret);
	free(s->ptr);
	for (i = 0; i < s->nrows; i++)
		free(s->rows[i].tag);
	free(s->rows);
	free(s->ints);
	for (i = 0; s->words != NULL && s->words[i] != NULL; i++)
		free(s->words[i]);
	free(s->words);
	free(s);
}

static const struct backend test_backend = { .name = "t", .snapshot_free = test_snap_free };
static const struct codec_snap test_codec = { &test_backend, sizeof(struct test_snap), test_fields,
					      CODEC_LEN(test_fields) };

static struct test_snap *test_snap_new(void)
{
	struct test_snap *s = xcalloc(1, sizeof *s);

	s->d = 2.5;
	s->i = -7;
	s->colour = TEST_BLUE;
	s->l = -123456789L;
	s->ul = 42;
	s->ll = 999999999999999LL;
	s->z = 17;
	s->s = NULL; /* not nullable: goes out as "" */
	s->sn = NULL;
	snprintf(s->buf, sizeof s->buf, "abc");
	s->secret = xstrdup("url postgres://app:hunter2@db:5432/x and more text after it");
	snprintf(s->hint, sizeof s->hint, "password=sword");
	s->inner.a = 0.125;
	s->inner.b = -5;
	s->ptr = xcalloc(1, sizeof *s->ptr);
	s->ptr->a = 1;
	s->ptr->b = 5;
	s->nrows = 2;
	s->rows = xcalloc(2, sizeof *s->rows);
	s->rows[0].x = 3;
	s->rows[0].tag = xstrdup("t0");
	s->rows[1].x = 9;
	s->nints = 3;
	s->ints = xcalloc(3, sizeof *s->ints);
	s->ints[0] = -1, s->ints[1] = 0, s->ints[2] = 100;
	s->hist[0] = 1, s->hist[1] = 2, s->hist[2] = 3, s->hist[3] = 4;
	s->nhist = 9; /* more than the array holds: the array's 4 go out */
	s->words = xcalloc(3, sizeof *s->words);
	s->words[0] = xstrdup("alpha");
	s->words[1] = xstrdup("beta");
	s->hooked = 3;
	return s;
}

static char *test_encode(const struct test_snap *s)
{
	cJSON *j = codec_encode(&test_codec, s);
	char *text;

	assert_non_null(j);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return text;
}

static struct test_snap *test_decode(const char *text, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(text);
	struct test_snap *s;

	assert_non_null(j);
	s = codec_decode(&test_codec, j, err, errlen);
	cJSON_Delete(j);
	return s;
}

TEST(test_table_roundtrip)
{
	struct test_snap *s = test_snap_new();
	char *text = test_encode(s), *again, err[256] = "";
	struct test_snap *b;

	assert_string_equal(
		text,
		"{\"v\":1,\"d\":2.5,\"i\":-7,\"colour\":2,\"l\":-123456789,\"ul\":42,"
		"\"ll\":999999999999999,\"z\":17,\"s\":\"\",\"sn\":null,\"buf\":\"abc\","
		"\"secret\":\"url postgres://app:***@db:5432/x and mor\",\"hint\":\"password=***\","
		"\"inner\":{\"a\":0.125,\"b\":-5},\"ptr\":{\"a\":1,\"b\":5},"
		"\"rows\":[{\"x\":3,\"tag\":\"t0\"},{\"x\":9,\"tag\":null}],\"ints\":[-1,0,100],"
		"\"hist\":[1,2,3,4],\"words\":[\"alpha\",\"beta\"],\"hooked\":\"***\"}");
	b = test_decode(text, err, sizeof err);
	if (b == NULL)
		fail_msg("decode: %s", err);
	again = test_encode(b);
	assert_string_equal(again, text);
	assert_true(b->d == 2.5);
	assert_int_equal(b->colour, TEST_BLUE);
	assert_int_equal(b->l, -123456789L);
	assert_int_equal(b->ll, 999999999999999LL);
	assert_int_equal(b->z, 17);
	assert_string_equal(b->s, "");
	assert_null(b->sn);
	assert_string_equal(b->buf, "abc");
	assert_null(strstr(b->secret, "hunter2"));
	assert_int_equal(b->inner.b, -5);
	assert_non_null(b->ptr);
	assert_int_equal(b->ptr->b, 5);
	assert_int_equal(b->nrows, 2);
	assert_string_equal(b->rows[0].tag, "t0");
	assert_null(b->rows[1].tag);
	assert_int_equal(b->nints, 3);
	assert_int_equal(b->ints[2], 100);
	assert_int_equal(b->nhist, 4);
	assert_true(b->hist[3] == 4);
	assert_string_equal(b->words[1], "beta");
	assert_null(b->words[2]);
	assert_int_equal(b->hooked, 3);
	free(again);
	test_snap_free(b);

	/* a NULL pointer goes out as null and comes back NULL */
	free(s->ptr);
	s->ptr = NULL;
	free(text);
	text = test_encode(s);
	assert_non_null(strstr(text, "\"ptr\":null"));
	b = test_decode(text, err, sizeof err);
	assert_non_null(b);
	assert_null(b->ptr);
	test_snap_free(b);
	free(text);
	test_snap_free(s);
}

/* The encoding of a fresh test_snap with from replaced by to (once):
 * refused with an error holding want. */
static void test_refused(const char *from, const char *to, const char *want)
{
	struct test_snap *s = test_snap_new();
	char *text = test_encode(s), *at = strstr(text, from), err[256] = "";
	struct strbuf sb = { 0 };
	struct test_snap *b;

	if (at == NULL)
		fail_msg("%s not in %s", from, text);
	strbuf_printf(&sb, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	b = test_decode(sb.buf, err, sizeof err);
	if (b != NULL) {
		test_snap_free(b);
		fail_msg("%s was accepted", sb.buf);
	}
	if (strstr(err, want) == NULL)
		fail_msg("%s: error \"%s\" lacks \"%s\"", sb.buf, err, want);
	free(sb.buf);
	free(text);
	test_snap_free(s);
}

TEST(test_table_refused)
{
	/* what to replace in the encoding, with what, and the error */
	static const struct {
		const char *from, *to, *want;
	} spoil[] = {
		{ "\"d\":2.5", "\"d\":\"2.5\"", "t: d: not a number" },
		{ "\"i\":-7", "\"i\":-7.5", "t: i: not an integer" },
		{ "\"colour\":2", "\"colour\":3", "t: colour: not an integer from 0 to 2" },
		{ "\"ul\":42", "\"ul\":-1", "t: ul: not an integer from 0 to" },
		{ "\"ll\":999999999999999", "\"ll\":1e16",
		  "t: ll: not an integer from -1000000000000000 to 1000000000000000" },
		{ "\"z\":17", "\"z\":1001", "t: z: not an integer from 0 to 1000" },
		{ "\"s\":\"\"", "\"s\":null", "t: s: not a string" },
		{ "\"sn\":null", "\"sn\":1", "t: sn: not a string or null" },
		{ "\"buf\":\"abc\"", "\"buf\":\"abcdefgh\"",
		  "t: buf: too long (8 bytes, at most 7)" },
		{ "\"hint\":", "\"hint\":null,\"x\":", "t: hint: not a string" },
		{ "\"inner\":{\"a\":0.125,", "\"inner\":{", "t: inner.a: missing" },
		{ "\"b\":-5}", "\"b\":-6}", "t: inner.b: not an integer from -5 to 5" },
		{ "\"ptr\":{\"a\":1,\"b\":5}", "\"ptr\":[]", "t: ptr: not an object" },
		{ "\"ptr\":{\"a\":1,\"b\":5},", "", "t: ptr: missing" },
		{ "\"ptr\":{\"a\":1,\"b\":5}", "\"ptr\":{\"a\":1,\"b\":true}",
		  "t: ptr.b: not a number" },
		{ "{\"x\":9,", "{\"x\":10,", "t: rows[1].x: not an integer from 0 to 9" },
		{ "{\"x\":9,\"tag\":null}", "7", "t: rows[1]: not an object" },
		{ "\"rows\":[", "\"rows\":[{},{},", "t: rows: more than 3 elements" },
		{ "\"ints\":[-1,0,100]", "\"ints\":[-1,0,101]",
		  "t: ints[2]: not an integer from -1 to 100" },
		{ "\"hist\":[1,2,3,4]", "\"hist\":[1,2,3,4,5]", "t: hist: more than 4 elements" },
		{ "\"hist\":[1,2,3,4]", "\"hist\":[1,null]", "t: hist[1]: not a number" },
		{ "\"words\":[\"alpha\",", "\"words\":[1,", "t: words[0]: not a string" },
		{ "\"words\":[", "\"words\":[\"\",\"\",\"\",\"\",",
		  "t: words: more than 5 elements" },
		{ "\"hooked\":\"***\"", "\"hooked\":\"********\"",
		  "t: hooked: too long (8 bytes, at most 7)" },
		{ "{\"v\":1,", "{\"v\":2,", "t: v: version 2 is not supported" },
	};
	size_t i;

	for (i = 0; i < sizeof spoil / sizeof spoil[0]; i++)
		test_refused(spoil[i].from, spoil[i].to, spoil[i].want);
}
