/*
 * test_util.c - unit tests for backends/util.c: duration parsing and
 * formatting, the growable string, home expansion and directory creation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

static void test_util_parse_duration(void **unused)
{
	double v;

	assert_int_equal(util_parse_duration("2s", &v), 0);
	assert_true(v == 2.0);
	assert_int_equal(util_parse_duration("500ms", &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(util_parse_duration("1m", &v), 0);
	assert_true(v == 60.0);
	assert_int_equal(util_parse_duration("1h", &v), 0);
	assert_true(v == 3600.0);
	assert_int_equal(util_parse_duration("7", &v), 0);
	assert_true(v == 7.0);
	assert_int_equal(util_parse_duration("1.5s", &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(util_parse_duration("", &v), -1);
	assert_int_equal(util_parse_duration(NULL, &v), -1);
	assert_int_equal(util_parse_duration("s", &v), -1);
	assert_int_equal(util_parse_duration("2x", &v), -1);
	assert_int_equal(util_parse_duration("-1s", &v), -1);
	assert_int_equal(util_parse_duration("2 s", &v), -1);
	assert_int_equal(util_parse_duration("nan", &v), -1);
}

/* RFC 3339 as every API sends it: Z or an offset, optional fraction;
 * anything else is refused rather than guessed. */
static void test_strv_sort_unique(void **unused)
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

static void test_util_rfc3339(void **unused)
{
	double t;

	(void)unused;
	assert_int_equal(util_parse_rfc3339("2024-01-01T00:00:00Z", &t), 0);
	assert_true(t == 1704067200.0);
	assert_int_equal(util_parse_rfc3339("2024-01-01T02:00:00+02:00", &t), 0);
	assert_true(t == 1704067200.0);
	assert_int_equal(util_parse_rfc3339("2023-12-31T23:30:00.5-00:30", &t), 0);
	assert_true(t == 1704067200.5);
	assert_int_equal(util_parse_rfc3339("2024-01-01t00:00:00z", &t), 0);
	assert_int_equal(util_parse_rfc3339("2024-01-01T00:00:00", &t), -1);
	assert_int_equal(util_parse_rfc3339("2024-13-01T00:00:00Z", &t), -1);
	assert_int_equal(util_parse_rfc3339("2024-01-01T00:00:00Zjunk", &t), -1);
	assert_int_equal(util_parse_rfc3339("garbage", &t), -1);
}

static void test_util_fmt_duration(void **unused)
{
	char buf[32];

	util_fmt_duration(buf, sizeof buf, 0);
	assert_string_equal(buf, "0s");
	util_fmt_duration(buf, sizeof buf, 34.9);
	assert_string_equal(buf, "34s");
	util_fmt_duration(buf, sizeof buf, 302);
	assert_string_equal(buf, "5m02s");
	util_fmt_duration(buf, sizeof buf, 3840);
	assert_string_equal(buf, "1h04m");
	util_fmt_duration(buf, sizeof buf, 2 * 86400 + 3 * 3600 + 59);
	assert_string_equal(buf, "2d03h");
	util_fmt_duration(buf, sizeof buf, -5);
	assert_string_equal(buf, "0s");
	util_fmt_duration(buf, 3, 302);
	assert_string_equal(buf, "5m");
}

/* Noise of a millisecond or two keeps the readout; a real change shows. */
static void test_util_steady_ms(void **unused)
{
	struct util_steady s = { 0 };

	assert_true(util_steady_ms(&s, 0.4) == 0.4); /* the first shows at once */
	assert_true(util_steady_ms(&s, 4.6) == 0.4);
	assert_true(util_steady_ms(&s, 15) == 0.4);
	assert_true(util_steady_ms(&s, 15) == 0.4);
	assert_true(util_steady_ms(&s, 15) == 15); /* three in a row: it moved */
	assert_true(util_steady_ms(&s, 10.2) == 15);
	assert_true(util_steady_ms(&s, 19.5) == 15);
	assert_true(util_steady_ms(&s, 60) == 15); /* short spikes */
	assert_true(util_steady_ms(&s, 60) == 15);
	assert_true(util_steady_ms(&s, 16) == 15);
	assert_true(util_steady_ms(&s, 2) == 15);
	assert_true(util_steady_ms(&s, 2.5) == 15);
	assert_true(util_steady_ms(&s, 2.2) == 2.2);
	s = (struct util_steady){ 400, 1, 0 };
	assert_true(util_steady_ms(&s, 480) == 400);
	assert_true(util_steady_ms(&s, 520) == 400);
	assert_true(util_steady_ms(&s, 510) == 400);
	assert_true(util_steady_ms(&s, 530) == 530);
}

static void test_util_strbuf(void **unused)
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

static void test_util_xasprintf(void **unused)
{
	char *p = xasprintf("%s-%d-%%", "x", 42);

	assert_string_equal(p, "x-42-%");
	free(p);
}

static void test_util_expand_home(void **unused)
{
	char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *p;

	setenv("HOME", "/home/op", 1);
	p = util_expand_home("~/runbooks");
	assert_string_equal(p, "/home/op/runbooks");
	free(p);
	p = util_expand_home("~");
	assert_string_equal(p, "/home/op");
	free(p);
	p = util_expand_home("~other/x");
	assert_string_equal(p, "~other/x");
	free(p);
	p = util_expand_home("/etc/x");
	assert_string_equal(p, "/etc/x");
	free(p);
	unsetenv("HOME");
	p = util_expand_home("~/x");
	assert_string_equal(p, "~/x");
	free(p);
	if (old != NULL)
		setenv("HOME", old, 1);
	free(old);
}

static void test_util_mkdirs(void **unused)
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

static void test_util_clocks(void **unused)
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
static void test_util_sort(void **unused)
{
	struct test_util_pair v[257];
	size_t n, i;
	int desc;

	(void)unused;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_parse_duration), cmocka_unit_test(test_strv_sort_unique),
		cmocka_unit_test(test_util_fmt_duration),   cmocka_unit_test(test_util_steady_ms),
		cmocka_unit_test(test_util_strbuf),         cmocka_unit_test(test_util_xasprintf),
		cmocka_unit_test(test_util_expand_home),    cmocka_unit_test(test_util_mkdirs),
		cmocka_unit_test(test_util_clocks),         cmocka_unit_test(test_util_sort),
		cmocka_unit_test(test_util_rfc3339),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
