/*
 * test_util.c - unit tests for backends/util.c: duration parsing and
 * formatting, the growable string, home expansion and directory creation.
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

#include "lib/util.h"
#include "tests/unit/testhelp.h"

/* A text a parser into a double takes (rc 0, giving value) or refuses
 * (rc -1). */
struct test_util_parse {
	const char *in;
	int rc;
	double value;
};

static void test_util_parses(const char *name, int (*parse)(const char *, double *),
			     const struct test_util_parse *c, size_t n)
{
	size_t i;
	double v;
	int rc;

	for (i = 0; i < n; i++) {
		v = -1;
		rc = parse(c[i].in, &v);
		if (rc != c[i].rc || (rc == 0 && v != c[i].value))
			fail_msg("%s(\"%s\"): %d, %g; want %d, %g", name,
				 c[i].in != NULL ? c[i].in : "(null)", rc, v, c[i].rc, c[i].value);
	}
}

TEST(test_util_parse_duration)
{
	static const struct test_util_parse cases[] = {
		{ "2s", 0, 2.0 }, { "500ms", 0, 0.5 }, { "1m", 0, 60.0 }, { "1h", 0, 3600.0 },
		{ "7", 0, 7.0 },  { "1.5s", 0, 1.5 },  { "", -1, 0 },     { NULL, -1, 0 },
		{ "s", -1, 0 },   { "2x", -1, 0 },     { "-1s", -1, 0 },  { "2 s", -1, 0 },
		{ "nan", -1, 0 },
	};

	test_util_parses("util_parse_duration", util_parse_duration, cases,
			 sizeof cases / sizeof cases[0]);
}

TEST(test_strv_sort_unique)
{
	char **v = xcalloc(5, sizeof *v);
	size_t n;

	v[0] = xstrdup("ns-b");
	v[1] = xstrdup("all");
	v[2] = xstrdup("ns-b");
	v[3] = xstrdup("ns-a");
	v[4] = xstrdup("ns-b");
	n = strv_sort_unique(v, 5);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "all");
	assert_string_equal(v[1], "ns-a");
	assert_string_equal(v[2], "ns-b");
	assert_int_equal(strv_sort_unique(v, 0), 0);
	strv_free(v, n);
}

/* RFC 3339 as every API sends it: Z or an offset, optional fraction;
 * anything else is refused rather than guessed. */
TEST(test_util_rfc3339)
{
	static const struct test_util_parse cases[] = {
		{ "2024-01-01T00:00:00Z", 0, 1704067200.0 },
		{ "2024-01-01T02:00:00+02:00", 0, 1704067200.0 },
		{ "2023-12-31T23:30:00.5-00:30", 0, 1704067200.5 },
		{ "2024-01-01t00:00:00z", 0, 1704067200.0 },
		{ "2024-01-01T00:00:00", -1, 0 },
		{ "2024-13-01T00:00:00Z", -1, 0 },
		{ "2024-01-01T00:00:00Zjunk", -1, 0 },
		{ "garbage", -1, 0 },
	};

	test_util_parses("util_parse_rfc3339", util_parse_rfc3339, cases,
			 sizeof cases / sizeof cases[0]);
}

TEST(test_util_fmt_duration)
{
	/* seconds, the buffer's size, what it holds */
	static const struct {
		double secs;
		size_t size;
		const char *want;
	} cases[] = {
		{ 0, 32, "0s" },
		{ 34.9, 32, "34s" },
		{ 302, 32, "5m02s" },
		{ 3840, 32, "1h04m" },
		{ 2 * 86400 + 3 * 3600 + 59, 32, "2d03h" },
		{ -5, 32, "0s" },
		{ 302, 3, "5m" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		util_fmt_duration(buf, cases[i].size, cases[i].secs);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%g s in %zu bytes: \"%s\", want \"%s\"", cases[i].secs,
				 cases[i].size, buf, cases[i].want);
	}
}

/* Noise of a millisecond or two keeps the readout; a real change shows.
 * Each row: a reading given, and the value shown after it. */
struct test_util_step {
	double in, shown;
};

static void test_util_steps(struct util_steady *s, const struct test_util_step *st, size_t n)
{
	size_t i;
	double got;

	for (i = 0; i < n; i++) {
		got = util_steady_ms(s, st[i].in);
		if (got != st[i].shown)
			fail_msg("step %zu: %g shows %g, want %g", i, st[i].in, got, st[i].shown);
	}
}

TEST(test_util_steady_ms)
{
	static const struct test_util_step from_zero[] = {
		{ 0.4, 0.4 },                                        /* the first shows at once */
		{ 4.6, 0.4 }, { 15, 0.4 },  { 15, 0.4 }, { 15, 15 }, /* three in a row: it moved */
		{ 10.2, 15 }, { 19.5, 15 }, { 60, 15 },              /* short spikes */
		{ 60, 15 },   { 16, 15 },   { 2, 15 },   { 2.5, 15 }, { 2.2, 2.2 },
	};
	static const struct test_util_step from_400[] = {
		{ 480, 400 },
		{ 520, 400 },
		{ 510, 400 },
		{ 530, 530 },
	};
	struct util_steady s = { 0 };

	test_util_steps(&s, from_zero, sizeof from_zero / sizeof from_zero[0]);
	s = (struct util_steady){ 400, 1, 0 };
	test_util_steps(&s, from_400, sizeof from_400 / sizeof from_400[0]);
}

TEST(test_util_strbuf)
{
	struct strbuf sb = { 0 };
	char *p;
	int i;

	strbuf_puts(&sb, "ab");
	strbuf_putc(&sb, 'c');
	strbuf_append(&sb, "d\0e", 3);
	assert_int_equal(sb.len, 6);
	assert_memory_equal(sb.buf, "abcd\0e", 7);
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	for (i = 0; i < 1000; i++)
		strbuf_printf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	assert_int_equal(strlen(sb.buf), 2000);
	assert_true(sb.cap > sb.len);
	strbuf_printf(&sb, "%s", "");
	assert_int_equal(sb.len, 2000);
	p = strbuf_detach(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_memory_equal(p, "0,1,2,", 6);
	free(p);
	p = strbuf_detach(&sb);
	assert_string_equal(p, "");
	free(p);
	strbuf_free(&sb);
	strbuf_append(&sb, "", 0);
	assert_string_equal(sb.buf, "");
	strbuf_free(&sb);
	assert_null(sb.buf);
}

TEST(test_util_xasprintf)
{
	char *p = xasprintf("%s-%d-%%", "x", 42);

	assert_string_equal(p, "x-42-%");
	free(p);
}

/* util_expand_home(in) is want. */
static void test_util_home_is(const char *in, const char *want)
{
	char *p = util_expand_home(in);

	assert_string_equal(p, want);
	free(p);
}

TEST(test_util_expand_home)
{
	char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	setenv("HOME", "/home/op", 1);
	test_util_home_is("~/runbooks", "/home/op/runbooks");
	test_util_home_is("~", "/home/op");
	test_util_home_is("~other/x", "~other/x");
	test_util_home_is("/etc/x", "/etc/x");
	unsetenv("HOME");
	test_util_home_is("~/x", "~/x");
	if (old != NULL)
		setenv("HOME", old, 1);
	free(old);
}

TEST(test_util_mkdirs)
{
	char tmpl[] = "/tmp/am_util_XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *deep, *cmd;
	struct stat st;

	assert_non_null(dir);
	deep = xasprintf("%s/a/b/c", dir);
	assert_int_equal(util_mkdirs(deep, 0700), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Existing directories are fine. */
	assert_int_equal(util_mkdirs(deep, 0700), 0);
	free(deep);
	/* A file in the way is an error. */
	deep = xasprintf("%s/file", dir);
	fclose(fopen(deep, "w"));
	free(deep);
	deep = xasprintf("%s/file/sub", dir);
	assert_int_equal(util_mkdirs(deep, 0700), -1);
	free(deep);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

TEST(test_util_clocks)
{
	double a = util_now(), b = util_now();
	double w = util_wall();

	assert_true(b >= a);
	assert_true(w > 1.6e9);
}

struct test_util_pair {
	int key;
	int seq;
};

/* Ascending by key; ctx says descending when it points to 1. */
static int test_util_pair_cmp(const void *a, const void *b, void *ctx)
{
	const struct test_util_pair *x = a, *y = b;
	int r = x->key < y->key ? -1 : x->key > y->key;

	return *(const int *)ctx ? -r : r;
}

/* util_sort orders by the comparator with its context, and is stable:
 * equal keys keep the order they came in. */
TEST(test_util_sort)
{
	struct test_util_pair v[257];
	size_t n, i;
	int desc;

	srand(7);
	for (n = 0; n <= 257; n += n < 10 ? 1 : 31) {
		for (desc = 0; desc < 2; desc++) {
			for (i = 0; i < n; i++) {
				v[i].key = rand() % 8;
				v[i].seq = (int)i;
			}
			util_sort(v, n, sizeof v[0], test_util_pair_cmp, &desc);
			for (i = 1; i < n; i++) {
				int r = test_util_pair_cmp(&v[i - 1], &v[i], &desc);

				assert_true(r <= 0);
				if (r == 0)
					assert_true(v[i - 1].seq < v[i].seq);
			}
		}
	}
}

/* util_json_quote: a JSON string literal that cJSON reads back as the
 * same text, escapes and control bytes included; NULL is "". */
TEST(test_util_json_quote)
{
	static const char *const in[] = { "",
					  "plain",
					  "say \"hi\"",
					  "back\\slash",
					  "line\nbreak\ttab",
					  "\033[31mred\033[0m",
					  "élan" };
	size_t i;
	char *q;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		cJSON *j;

		q = util_json_quote(in[i]);
		j = cJSON_Parse(q);
		assert_non_null(j);
		assert_true(cJSON_IsString(j));
		assert_string_equal(j->valuestring, in[i]);
		assert_null(strchr(q, '\n'));
		assert_null(strchr(q, '\033'));
		cJSON_Delete(j);
		free(q);
	}
	q = util_json_quote(NULL);
	assert_string_equal(q, "\"\"");
	free(q);
}
