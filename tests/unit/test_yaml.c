/*
 * test_yaml.c - unit tests for lib/yaml.c, the helpers the config, theme
 * and kubeconfig loaders share: loading (a missing file, a directory, a
 * syntax error, a second document), null scalars, strings, and the
 * walk of a mapping by a key table with its "FILE:LINE: path: problem"
 * errors. Files are written to a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/testhelp.h"
#include "lib/yaml.h"

static char test_yaml_dir[] = "/tmp/test_yaml.XXXXXX";

TEST(test_yaml_load_errors)
{
	struct yaml_loader ld;
	yaml_node_t *root;
	char err[512], *path, *want;

	path = xasprintf("%s/none.yaml", test_yaml_dir);
	assert_int_equal(yaml_load(&ld, path, YAML_LOAD_MISSING_OK, err, sizeof err, &root), 0);
	assert_int_equal(yaml_load(&ld, path, 0, err, sizeof err, &root), -1);
	want = xasprintf("%s: No such file or directory", path);
	assert_string_equal(err, want);
	free(want);
	free(path);

	assert_int_equal(yaml_load(&ld, test_yaml_dir, 0, err, sizeof err, &root), -1);
	want = xasprintf("%s: not a regular file", test_yaml_dir);
	assert_string_equal(err, want);
	free(want);

	path = test_write_file(test_yaml_dir, "bad.yaml", "a: [1, 2\nb: 3\n");
	assert_int_equal(yaml_load(&ld, path, 0, err, sizeof err, &root), -1);
	assert_non_null(strstr(err, "bad.yaml:"));
	assert_non_null(strstr(err, "started at line 1)"));
	free(path);

	path = test_write_file(test_yaml_dir, "two.yaml", "a: 1\n---\nb: 2\n");
	assert_int_equal(yaml_load(&ld, path, 0, err, sizeof err, &root), 1);
	assert_non_null(root);
	yaml_unload(&ld);
	assert_int_equal(yaml_load(&ld, path, YAML_LOAD_ONE_DOC, err, sizeof err, &root), -1);
	want = xasprintf("%s:3: only one YAML document is allowed", path);
	assert_string_equal(err, want);
	free(want);
	free(path);

	path = test_write_file(test_yaml_dir, "empty.yaml", "");
	assert_int_equal(yaml_load(&ld, path, YAML_LOAD_ONE_DOC, err, sizeof err, &root), 1);
	assert_null(root);
	yaml_unload(&ld);
	free(path);
}

struct test_yaml_obj {
	char *name;
	char *colour;
	char *host;
	char *dir;
};

static int test_yaml_name(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path)
{
	return yaml_get_nonempty(ld, node, path, &((struct test_yaml_obj *)obj)->name);
}

static const struct yaml_key test_yaml_inner_keys[] = {
	{ "host", YAML_STR_SET, .offset = offsetof(struct test_yaml_obj, host) },
	{ "dir", YAML_PATH, .offset = offsetof(struct test_yaml_obj, dir) },
	{ .name = NULL },
};

static const struct yaml_key test_yaml_keys[] = {
	{ "name", .load = test_yaml_name },
	{ "colour", YAML_STR, .offset = offsetof(struct test_yaml_obj, colour) },
	{ "inner", YAML_MAP, .sub = test_yaml_inner_keys },
	{ .name = NULL },
};

/* Walk text with the key table: 0 and the fields, or -1 and err. */
static int test_yaml_walk(const char *text, struct test_yaml_obj *o, char *err, size_t errlen)
{
	struct yaml_loader ld;
	yaml_node_t *root;
	char *path = test_write_file(test_yaml_dir, "F", text);
	int rc;

	memset(o, 0, sizeof(*o));
	rc = yaml_load(&ld, path, YAML_LOAD_ONE_DOC, err, errlen, &root);
	if (rc > 0) {
		rc = root != NULL ? yaml_walk_map(&ld, o, root, "", test_yaml_keys) : 0;
		yaml_unload(&ld); /* ld.file is path: free it after */
	}
	free(path);
	return rc;
}

/* The error of text, without the directory part of the file name. */
static void test_yaml_expect(const char *text, const char *want)
{
	struct test_yaml_obj o;
	char err[512];

	assert_int_equal(test_yaml_walk(text, &o, err, sizeof err), -1);
	assert_string_equal(err + strlen(test_yaml_dir) + 1, want);
	free(o.name);
	free(o.colour);
	free(o.host);
	free(o.dir);
}

TEST(test_yaml_walk_map)
{
	struct test_yaml_obj o;
	char err[512];

	assert_int_equal(test_yaml_walk("name: a\ncolour: ~\n", &o, err, sizeof err), 0);
	assert_string_equal(o.name, "a");
	assert_null(o.colour);
	free(o.name);
	assert_int_equal(test_yaml_walk("colour: 'null'\n", &o, err, sizeof err), 0);
	assert_string_equal(o.colour, "null"); /* quoted: a string, not null */
	free(o.colour);

	/* Nested table fields: ~/ expanded in a path, null leaves a field unset. */
	setenv("HOME", "/home/op", 1);
	assert_int_equal(test_yaml_walk("inner:\n  host: h:1\n  dir: ~/d\n", &o, err, sizeof err),
			 0);
	assert_string_equal(o.host, "h:1");
	assert_string_equal(o.dir, "/home/op/d");
	free(o.host);
	free(o.dir);
	assert_int_equal(test_yaml_walk("inner:\n  host: ~\n  dir:\n", &o, err, sizeof err), 0);
	assert_null(o.host);
	assert_null(o.dir);
	assert_int_equal(test_yaml_walk("inner: ~\n", &o, err, sizeof err), 0);

	test_yaml_expect("name: a\nsize: 2\n", "F:2: size: unknown key");
	test_yaml_expect("name: a\nname: b\n", "F:2: name: duplicate key");
	test_yaml_expect("name: ''\n", "F:1: name: must not be empty");
	test_yaml_expect("name: [a]\n", "F:1: name: expected a string, got a list");
	test_yaml_expect("name: \"a\\0b\"\n", "F:1: name: NUL byte in string");
	test_yaml_expect("- a\n", "F:1: (top level): expected a map, got a list");
	test_yaml_expect("colour: [a]\n", "F:1: colour: expected a string, got a list");
	test_yaml_expect("inner: [a]\n", "F:1: inner: expected a map, got a list");
	test_yaml_expect("inner:\n  port: 1\n", "F:2: inner.port: unknown key");
	test_yaml_expect("inner:\n  host: ''\n", "F:2: inner.host: must not be empty");
	test_yaml_expect("inner:\n  dir: \"\"\n", "F:2: inner.dir: must not be empty");
	test_yaml_expect("inner:\n  dir: [a]\n", "F:2: inner.dir: expected a string, got a list");
	test_yaml_expect("? [a]\n: b\n", "F:1: (top level): expected a key, got a list");
}

TEST(test_yaml_nodes)
{
	yaml_node_t node;
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	assert_true(yaml_is_null(NULL));
	memset(&node, 0, sizeof(node));
	node.type = YAML_SCALAR_NODE;
	node.data.scalar.style = YAML_PLAIN_SCALAR_STYLE;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		node.data.scalar.value = (yaml_char_t *)nulls[i];
		assert_true(yaml_is_null(&node));
	}
	node.data.scalar.value = (yaml_char_t *)"nil";
	assert_false(yaml_is_null(&node));
	assert_string_equal(yaml_text(&node), "nil");
	assert_string_equal(yaml_kind(&node), "a scalar");
	node.type = YAML_MAPPING_NODE;
	assert_string_equal(yaml_kind(&node), "a map");
	node.type = YAML_SEQUENCE_NODE;
	assert_string_equal(yaml_kind(&node), "a list");
}

static int test_yaml_setup(void **unused)
{
	return mkdtemp(test_yaml_dir) != NULL ? 0 : -1;
}

static int test_yaml_teardown(void **unused)
{
	char *cmd = xasprintf("rm -rf '%s'", test_yaml_dir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

TEST_GROUP(test_yaml_setup, test_yaml_teardown);
