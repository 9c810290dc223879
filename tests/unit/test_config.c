/*
 * test_config.c - unit tests for core/config.c and app/options.c: every
 * key of the configuration file, the FILE:LINE: key: problem errors, the
 * environment fallbacks, secrets masked by config_print, and the option
 * table (precedence file < environment < flags, --help, operands).
 * Fixtures are in tests/fixtures/config/; run from the repository root.
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
#include "core/config.h"
#include "app/options.h"
#include "tests/unit/testhelp.h"

#define FIX "tests/fixtures/config/"

static const char *const test_config_env_names[] = {
	"KUBECONFIG",
	"REDIS_URL",
	"KAFKA_BOOTSTRAP_SERVERS",
	"ALERTMANAGER_URL",
	"PROMETHEUS_URL",
	"AMCONSOLE_LOG",
	NULL,
};

/* A clean environment: no ecosystem variables, no user config file. */
static int test_config_setup(void **unused)
{
	size_t i;

	for (i = 0; test_config_env_names[i] != NULL; i++)
		unsetenv(test_config_env_names[i]);
	setenv("XDG_CONFIG_HOME", "/nonexistent/amconsole-test", 1);
	setenv("HOME", "/home/op", 1);
	return 0;
}

/* Write text to a fresh temporary file; caller unlinks and frees. */
static char *test_config_tmpfile(const char *text)
{
	char *path = xstrdup("/tmp/amconsole-test-config-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Load text as a config file; returns rc and leaves the error in err
 * with the temporary name replaced by "F". */
static int test_config_load_text(const char *text, struct config *c, char *err, size_t errlen)
{
	char *path = test_config_tmpfile(text);
	size_t n = strlen(path);
	int rc;

	config_defaults(c);
	rc = config_load_file(c, path, err, errlen);
	if (rc < 0 && strncmp(err, path, n) == 0) {
		memmove(err + 1, err + n, strlen(err + n) + 1);
		err[0] = 'F';
	}
	unlink(path);
	free(path);
	return rc;
}

static void test_config_expect_error(const char *text, const char *want)
{
	struct config c;
	char err[512] = "";

	assert_int_equal(test_config_load_text(text, &c, err, sizeof(err)), -1);
	if (strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, want);
	config_free(&c);
}

/* Load the file at path over the defaults; fail unless that fails. The
 * message is left in err. */
static void test_config_file_fails(const char *path, char *err, size_t errlen)
{
	struct config c;

	config_defaults(&c);
	if (config_load_file(&c, path, err, errlen) != -1)
		fail_msg("%s loaded, want an error", path);
	config_free(&c);
}

TEST(test_config_defaults)
{
	struct config c;

	config_defaults(&c);
	assert_string_equal(c.theme, "default");
	assert_true(c.refresh == 2.0);
	assert_int_equal(c.read_only, 0);
	assert_true(c.step_timeout == 300.0);
	assert_null(c.kubeconfig);
	assert_int_equal(c.nredis, 0);
	config_free(&c);
}

TEST(test_config_good)
{
	struct config c;
	char err[512] = "";

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, FIX "good.yaml", err, sizeof(err)), 0);
	assert_string_equal(c.config_path, FIX "good.yaml");
	assert_string_equal(c.theme, "light");
	assert_true(c.refresh == 0.5);
	assert_int_equal(c.read_only, 1);
	assert_int_equal(c.nrunbooks, 2);
	assert_string_equal(c.runbooks[0], "/home/op/runbooks");
	assert_string_equal(c.runbooks[1], "/srv/runbooks");
	assert_string_equal(c.kubeconfig, "/home/op/.kube/prod");
	assert_string_equal(c.kube_context, "prod");
	assert_string_equal(c.kube_namespace, "atlasmesh-prod");
	assert_string_equal(c.pg_conninfo, "host=db port=5432 dbname=atlasmesh_fleet");
	assert_int_equal(c.nredis, 2);
	assert_string_equal(c.redis[0].name, "cache");
	assert_string_equal(c.redis[0].url, "redis://10.0.0.5:6379/0");
	assert_string_equal(c.redis[0].password_file, "/home/op/.redis-pass");
	assert_null(c.redis[0].password_env);
	assert_string_equal(c.redis[1].name, "queue");
	assert_string_equal(c.redis[1].url, "rediss://queue:6380");
	assert_null(c.redis[1].password_file);
	assert_string_equal(c.redis[1].password_env, "QUEUE_REDIS_PASSWORD");
	assert_string_equal(c.kafka_bootstrap, "kafka-0:9092,kafka-1:9092");
	assert_int_equal(c.nkafka_groups, 2);
	assert_string_equal(c.kafka_groups[0], "fleet-telemetry-group");
	assert_string_equal(c.kafka_groups[1], "billing");
	assert_int_equal(c.nkafka_props, 3);
	assert_string_equal(c.kafka_prop_keys[0], "security.protocol");
	assert_string_equal(c.kafka_prop_values[0], "SASL_SSL");
	assert_string_equal(c.kafka_prop_keys[2], "fetch.max.bytes");
	assert_string_equal(c.kafka_prop_values[2], "1048576");
	assert_int_equal(c.nalertmanager_urls, 2);
	assert_string_equal(c.alertmanager_urls[0], "http://alertmanager:9093");
	assert_string_equal(c.alertmanager_urls[1], "https://am-2:9093");
	assert_string_equal(c.prometheus_url, "http://prometheus:9090");
	assert_int_equal(c.nhealth, 2);
	assert_string_equal(c.health[0].name, "fleet-manager");
	assert_string_equal(c.health[0].url, "http://fleet-manager:8080/health");
	assert_string_equal(c.health[1].name, "gateway");
	config_free(&c);
}

TEST(test_config_empty_and_comments)
{
	static const char *const files[] = { FIX "empty.yaml", FIX "comments.yaml" };
	struct config c;
	char err[512] = "";
	size_t i;

	for (i = 0; i < 2; i++) {
		config_defaults(&c);
		assert_int_equal(config_load_file(&c, files[i], err, sizeof(err)), 0);
		assert_string_equal(c.theme, "default");
		assert_true(c.refresh == 2.0);
		config_free(&c);
	}
}

TEST(test_config_fixture_errors)
{
	static const struct {
		const char *file;
		const char *want;
	} cases[] = {
		{ "unknown-key.yaml", "unknown-key.yaml:4: kubernetes.contxt: unknown key" },
		{ "bad-refresh.yaml",
		  "bad-refresh.yaml:2: refresh: bad duration 'fast' (a positive number of "
		  "seconds, or 2s, 500ms, 1m)" },
		{ "bad-type.yaml",
		  "bad-type.yaml:5: redis.instances[0].url: expected a string, got a map" },
		{ "duplicate-instance.yaml",
		  "duplicate-instance.yaml:5: redis.instances[2].name: duplicate instance name "
		  "'cache' (also [0])" },
		{ "missing-url.yaml", "missing-url.yaml:3: redis.instances[0]: url is required" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256], want[512], err[512] = "";

		snprintf(path, sizeof(path), FIX "%s", cases[i].file);
		snprintf(want, sizeof(want), FIX "%s", cases[i].want);
		test_config_file_fails(path, err, sizeof(err));
		if (strcmp(err, want) != 0)
			fail_msg("got \"%s\", want \"%s\"", err, want);
	}
}

TEST(test_config_syntax_error)
{
	char err[512] = "";

	test_config_file_fails(FIX "syntax-error.yaml", err, sizeof(err));
	/* libyaml notices the unclosed flow sequence at the next key. */
	assert_non_null(strstr(err, FIX "syntax-error.yaml:4: "));
	assert_non_null(strstr(err, "did not find expected ',' or ']'"));
}

TEST(test_config_missing_file)
{
	char err[512] = "";

	test_config_file_fails(FIX "no-such.yaml", err, sizeof(err));
	assert_string_equal(err, FIX "no-such.yaml: No such file or directory");
	test_config_file_fails(FIX, err, sizeof(err));
	assert_string_equal(err, FIX ": not a regular file");
}

TEST(test_config_type_errors)
{
	test_config_expect_error("theme: {a: b}\n", "F:1: theme: expected a string, got a map");
	test_config_expect_error("theme: [a]\n", "F:1: theme: expected a string, got a list");
	test_config_expect_error("theme: \"\"\n", "F:1: theme: must not be empty");
	/* An empty property key is an error, and (under ASan) leaks nothing. */
	test_config_expect_error("kafka:\n  properties:\n    \"\": x\n",
				 "F:3: kafka.properties.: must not be empty");
	test_config_expect_error("refresh: 0\n",
				 "F:1: refresh: bad duration '0' (a positive number of seconds, "
				 "or 2s, 500ms, 1m)");
	test_config_expect_error("refresh: [1]\n", "F:1: refresh: expected a duration, got a list");
	test_config_expect_error("read_only: maybe\n",
				 "F:1: read_only: expected true or false, got 'maybe'");
	test_config_expect_error("runbooks: {a: b}\n", "F:1: runbooks: expected a list, got a map");
	test_config_expect_error("runbooks:\n  - ok\n  - [nested]\n",
				 "F:3: runbooks[1]: expected a string, got a list");
	test_config_expect_error("kubernetes: prod\n",
				 "F:1: kubernetes: expected a map, got a scalar");
	test_config_expect_error("kubernetes:\n  namespace: {a: 1}\n",
				 "F:2: kubernetes.namespace: expected a string, got a map");
	test_config_expect_error("postgres:\n  dsn: x\n", "F:2: postgres.dsn: unknown key");
	test_config_expect_error("kubernetes:\n  kubeconfig: \"\"\n",
				 "F:2: kubernetes.kubeconfig: must not be empty");
	test_config_expect_error("kafka:\n  bootstrap: ''\n",
				 "F:2: kafka.bootstrap: must not be empty");
	test_config_expect_error("warroom:\n  secret_file: [a]\n",
				 "F:2: warroom.secret_file: expected a string, got a list");
	test_config_expect_error("redis:\n  instances: {name: a}\n",
				 "F:2: redis.instances: expected a list, got a map");
	test_config_expect_error(
		"redis:\n  instances:\n    - cache\n",
		"F:3: redis.instances[0]: expected a map {name, url}, got a scalar");
	test_config_expect_error("redis:\n  instances:\n    - {url: \"redis://a\"}\n",
				 "F:3: redis.instances[0]: name is required");
	test_config_expect_error("redis:\n  instances:\n    - {name: a, url: \"http://a\"}\n",
				 "F:3: redis.instances[0].url: expected redis://, rediss:// or a "
				 "socket path");
	test_config_expect_error("redis:\n  instances:\n    - {name: a, url: /run/r.sock, "
				 "password_env: \"not a name\"}\n",
				 "F:3: redis.instances[0].password_env: 'not a name' is not an "
				 "environment variable name");
	test_config_expect_error("redis:\n  instances:\n    - {name: a, url: /run/r.sock, "
				 "port: 1}\n",
				 "F:3: redis.instances[0].port: unknown key");
	test_config_expect_error("kafka:\n  groups: {a: b}\n",
				 "F:2: kafka.groups: expected a list, got a map");
	test_config_expect_error("kafka:\n  properties: [a]\n",
				 "F:2: kafka.properties: expected a map, got a list");
	test_config_expect_error("kafka:\n  properties:\n    acks: [1]\n",
				 "F:3: kafka.properties.acks: expected a string, got a list");
	test_config_expect_error("kafka:\n  properties:\n    acks:\n",
				 "F:3: kafka.properties.acks: expected a value");
	test_config_expect_error("alertmanager:\n  urls: [\"am:9093\"]\n",
				 "F:2: alertmanager.urls[0]: expected an http:// or https:// URL");
	test_config_expect_error("prometheus:\n  url: 9090\n",
				 "F:2: prometheus.url: expected an http:// or https:// URL");
	test_config_expect_error("health:\n  - {name: a}\n", "F:2: health[0]: url is required");
	test_config_expect_error("health:\n  - {name: a, url: \"http://a\"}\n"
				 "  - {name: a, url: \"http://b\"}\n",
				 "F:3: health[1].name: duplicate check name 'a' (also [0])");
	test_config_expect_error("health: {name: a}\n", "F:1: health: expected a list, got a map");
	test_config_expect_error("theme: a\ntheme: b\n", "F:2: theme: duplicate key");
	test_config_expect_error("- theme\n", "F:1: (top level): expected a map, got a list");
	test_config_expect_error("theme: a\n---\ntheme: b\n",
				 "F:3: only one YAML document is allowed");
	test_config_expect_error("theme: a\n? [x]\n: y\n",
				 "F:2: (top level): expected a key, got a list");
}

TEST(test_config_values)
{
	struct config c;
	char err[512] = "";

	/* Bare numbers, booleans' other spellings, a lone string for a list,
	 * nulls leaving defaults alone. */
	assert_int_equal(test_config_load_text("refresh: 5\nread_only: No\nrunbooks: ~/rb\n"
					       "kafka:\n  groups: g1\nkubernetes:\nprometheus:\n"
					       "  url: ~\n",
					       &c, err, sizeof(err)),
			 0);
	assert_true(c.refresh == 5.0);
	assert_int_equal(c.read_only, 0);
	assert_int_equal(c.nrunbooks, 1);
	assert_string_equal(c.runbooks[0], "/home/op/rb");
	assert_int_equal(c.nkafka_groups, 1);
	assert_string_equal(c.kafka_groups[0], "g1");
	assert_null(c.prometheus_url);
	config_free(&c);

	assert_int_equal(
		test_config_load_text("refresh: 1.5m\nread_only: true\n", &c, err, sizeof(err)), 0);
	assert_true(c.refresh == 90.0);
	assert_int_equal(c.read_only, 1);
	config_free(&c);
}

/* layout: names one of the grid's presets; config_print writes it back. */
TEST(test_config_layout)
{
	struct config c;
	char err[512] = "";
	char *out;
	int i;

	config_defaults(&c);
	assert_int_equal(c.layout, CONFIG_LAYOUT_AUTO);
	config_free(&c);
	for (i = 0; config_layout_names[i] != NULL; i++) {
		char text[64];

		snprintf(text, sizeof text, "layout: %s\n", config_layout_names[i]);
		assert_int_equal(test_config_load_text(text, &c, err, sizeof(err)), 0);
		assert_int_equal(c.layout, i);
		assert_int_equal(config_layout_find(config_layout_names[i]), i);
		out = config_print(&c);
		assert_non_null(strstr(out, text));
		free(out);
		config_free(&c);
	}
	assert_int_equal(i, 4);
	assert_int_equal(config_layout_find("tall"), CONFIG_LAYOUT_TALL);
	assert_int_equal(config_layout_find("Tall"), -1);
	assert_int_equal(config_layout_find(""), -1);
	assert_int_equal(test_config_load_text("layout: tall\nlayout:\n", &c, err, sizeof(err)),
			 -1);
	config_free(&c);
	assert_int_equal(test_config_load_text("layout:\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.layout, CONFIG_LAYOUT_AUTO);
	config_free(&c);
	test_config_expect_error(
		"layout: wide\n",
		"F:1: layout: unknown layout 'wide' (auto, runbook, panels or tall)");
	test_config_expect_error("layout: [tall]\n",
				 "F:1: layout: expected a layout name, got a list");
	test_config_expect_error("layout: {a: b}\n",
				 "F:1: layout: expected a layout name, got a map");
}

TEST(test_config_default_path)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = config_default_path();
	assert_string_equal(p, "/xdg/amconsole/config.yaml");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	p = config_default_path();
	assert_string_equal(p, "/home/op/.config/amconsole/config.yaml");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = config_default_path();
	assert_string_equal(p, "/home/op/.config/amconsole/config.yaml");
	free(p);
	setenv("XDG_CONFIG_HOME", "/nonexistent/amconsole-test", 1);
}

TEST(test_config_env)
{
	struct config c;

	setenv("KUBECONFIG", "/env/kube", 1);
	setenv("REDIS_URL", "redis://:pw@r:6379", 1);
	setenv("KAFKA_BOOTSTRAP_SERVERS", "k:9092", 1);
	setenv("ALERTMANAGER_URL", "http://a:9093, http://b:9093,,", 1);
	setenv("PROMETHEUS_URL", "http://p:9090", 1);
	config_defaults(&c);
	config_apply_env(&c);
	assert_string_equal(c.kubeconfig, "/env/kube");
	assert_int_equal(c.nredis, 1);
	assert_string_equal(c.redis[0].name, "redis");
	assert_string_equal(c.redis[0].url, "redis://:pw@r:6379");
	assert_string_equal(c.kafka_bootstrap, "k:9092");
	assert_int_equal(c.nalertmanager_urls, 2);
	assert_string_equal(c.alertmanager_urls[0], "http://a:9093");
	assert_string_equal(c.alertmanager_urls[1], "http://b:9093");
	assert_string_equal(c.prometheus_url, "http://p:9090");
	config_free(&c);

	/* The file wins over the environment. */
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, FIX "good.yaml", NULL, 0), 0);
	config_apply_env(&c);
	assert_string_equal(c.kubeconfig, "/home/op/.kube/prod");
	assert_int_equal(c.nredis, 2);
	assert_string_equal(c.kafka_bootstrap, "kafka-0:9092,kafka-1:9092");
	assert_int_equal(c.nalertmanager_urls, 2);
	assert_string_equal(c.alertmanager_urls[0], "http://alertmanager:9093");
	assert_string_equal(c.prometheus_url, "http://prometheus:9090");
	config_free(&c);
	test_config_setup(NULL);
}

/* environment: one map, or a list chosen by kubeconfig context. */
TEST(test_config_environment)
{
	struct config c;
	char err[512] = "";
	const struct config_env *e;

	assert_int_equal(test_config_load_text("environment: {name: prod, color: red}\n", &c, err,
					       sizeof err),
			 0);
	e = config_environment(&c, "anything");
	assert_non_null(e);
	assert_string_equal(e->name, "prod");
	assert_string_equal(e->color, "red");
	config_free(&c);

	assert_int_equal(
		test_config_load_text("environment:\n"
				      "  - {name: PRODUCTION, color: red, context: prod-eu}\n"
				      "  - {name: staging, color: 3}\n",
				      &c, err, sizeof err),
		0);
	assert_string_equal(config_environment(&c, "prod-eu")->name, "PRODUCTION");
	assert_string_equal(config_environment(&c, "dev")->name, "staging");
	assert_string_equal(config_environment(&c, NULL)->name, "staging");
	config_free(&c);

	assert_int_equal(test_config_load_text("environment:\n"
					       "  - {name: PRODUCTION, context: prod-eu}\n",
					       &c, err, sizeof err),
			 0);
	assert_null(config_environment(&c, "dev"));
	assert_null(config_environment(&c, NULL));
	config_free(&c);

	test_config_expect_error("environment: {name: prod, color: blurple}\n",
				 "F:1: environment.color: 'blurple' is not a colour (red, yellow, "
				 "green, blue, magenta, cyan, white, bright-..., or 0-255)");
	test_config_expect_error("environment: [{color: red}]\n",
				 "F:1: environment[0]: name is required");
	test_config_expect_error("environment: {name: x, colour: red, size: 3}\n",
				 "F:1: environment.size: unknown key");
}

TEST(test_config_print_secrets)
{
	static const struct test_str_case secret_props[] = {
		{ "sasl.password", 1 },  { "SSL.KEY.PASSWORD", 1 },
		{ "ssl.key.pem", 1 },    { "sasl.oauthbearer.client.secret", 1 },
		{ "sasl.mechanism", 0 }, { "bootstrap.servers", 0 },
	};
	struct config c;
	char err[512] = "";
	char *out;

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, FIX "secrets.yaml", err, sizeof(err)), 0);
	out = config_print(&c);
	if (strstr(out, "S3cr3t") != NULL)
		fail_msg("secret in config_print output:\n%s", out);
	test_holds_all(out, (const char *const[]){
				    "***",
				    "sasl.password: \"***\"",
				    "ssl.key.password: \"***\"",
				    "sasl.jaas.config: \"***\"",
				    "sasl.username: ops",
				    "security.protocol: SASL_SSL",
				    "ops:***@",
				    NULL,
			    });
	free(out);
	config_free(&c);

	test_str_fn(config_is_secret_property, secret_props);
}

/* config_print writes every key in DESIGN order, and its output loads
 * back to the same configuration. */
TEST(test_config_print_roundtrip)
{
	static const char *const keys[] = {
		"\ntheme: ",
		"\nlayout: ",
		"\nrefresh: ",
		"\nread_only: ",
		"\nrunbooks:",
		"\nkubernetes:\n",
		"\n  kubeconfig: ",
		"\n  context: ",
		"\n  namespace: ",
		"\npostgres:\n",
		"\n  conninfo: ",
		"\nredis:\n",
		"\n  instances:",
		"\nkafka:\n",
		"\n  bootstrap: ",
		"\n  groups:",
		"\n  properties:",
		"\nalertmanager:\n",
		"\n  urls:",
		"\nprometheus:\n",
		"\n  url: ",
		"\nhealth:",
		NULL,
	};
	struct config c, d;
	char err[512] = "";
	char *out, *out2, *path;
	const char *at;
	size_t i;

	config_defaults(&c);
	out = config_print(&c);
	for (at = out, i = 0; keys[i] != NULL; i++) {
		const char *hit = strstr(at, keys[i]);

		if (hit == NULL)
			fail_msg("key %zu \"%s\" missing or out of order in:\n%s", i, keys[i], out);
		at = hit + 1;
	}
	assert_non_null(strstr(out, "refresh: 2s\n"));
	assert_non_null(strstr(out, "read_only: false\n"));
	assert_non_null(strstr(out, "step_timeout: 300s"));
	path = test_config_tmpfile(out);
	config_defaults(&d);
	if (config_load_file(&d, path, err, sizeof(err)) != 0)
		fail_msg("%s\n%s", err, out);
	unlink(path);
	free(path);
	free(out);
	config_free(&d);
	config_free(&c);

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, FIX "good.yaml", err, sizeof(err)), 0);
	out = config_print(&c);
	assert_non_null(strstr(out, "refresh: 500ms\n"));
	path = test_config_tmpfile(out);
	config_defaults(&d);
	if (config_load_file(&d, path, err, sizeof(err)) != 0)
		fail_msg("%s\n%s", err, out);
	free(d.config_path);
	d.config_path = xstrdup(c.config_path);
	out2 = config_print(&d);
	assert_string_equal(out, out2);
	assert_int_equal(d.nredis, 2);
	assert_string_equal(d.redis[1].password_env, "QUEUE_REDIS_PASSWORD");
	assert_int_equal(d.nkafka_props, 3);
	unlink(path);
	free(path);
	free(out);
	free(out2);
	config_free(&d);
	config_free(&c);
}

/* --- options ------------------------------------------------------------ */

struct test_config_argv {
	int argc;
	char *argv[32];
};

static void test_config_argv_init(struct test_config_argv *a, const char *const *args)
{
	a->argc = 0;
	a->argv[a->argc++] = (char *)"amconsole";
	for (; *args != NULL; args++)
		a->argv[a->argc++] = (char *)*args;
	a->argv[a->argc] = NULL;
}

/* One command line parsed: the configuration, the result, the error;
 * a holds the argv that res.files points into. */
struct test_config_cli {
	struct test_config_argv a;
	struct config c;
	struct options_result res;
	char err[512];
};

/* Parse args into t->c over the defaults; returns options_parse's rc. */
static int test_config_parse(struct test_config_cli *t, const char *const *args)
{
	test_config_argv_init(&t->a, args);
	config_defaults(&t->c);
	t->err[0] = '\0';
	return options_parse(t->a.argc, t->a.argv, &t->c, &t->res, t->err, sizeof(t->err));
}

static void test_config_options_expect_error(const char *const *args, const char *want)
{
	struct test_config_cli t;

	assert_int_equal(test_config_parse(&t, args), -1);
	if (strcmp(t.err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", t.err, want);
	config_free(&t.c);
}

TEST(test_config_options_plain)
{
	static const char *const none[] = { NULL };
	struct test_config_cli t;

	assert_int_equal(test_config_parse(&t, none), 0);
	assert_int_equal(t.res.mode, OPTIONS_RUN);
	assert_null(t.c.config_path);
	assert_string_equal(t.c.theme, "default");
	assert_null(t.c.log_file);
	config_free(&t.c);
}

TEST(test_config_options_flags_over_file)
{
	static const char *const args[] = {
		"--theme=mono",   "--read-only", "--refresh",
		"250ms",          "--runbooks",  "/a",
		"--runbooks=~/b", "--config",    FIX "good.yaml",
		"--audit-log",    "/tmp/audit",  "--log=/tmp/log",
		"--step-timeout", "1m",          "--ascii",
		"--no-mouse",     NULL,
	};
	struct test_config_cli t;

	setenv("KUBECONFIG", "/env/kube", 1);
	setenv("PROMETHEUS_URL", "http://env:9090", 1);
	setenv("AMCONSOLE_LOG", "/tmp/env-log", 1);
	if (test_config_parse(&t, args) != 0)
		fail_msg("%s", t.err);
	assert_int_equal(t.res.mode, OPTIONS_RUN);
	assert_string_equal(t.c.config_path, FIX "good.yaml");
	assert_string_equal(t.c.theme, "mono");
	assert_int_equal(t.c.read_only, 1);
	assert_true(t.c.refresh == 0.25);
	/* The file's two directories, then the flags' in order. */
	assert_int_equal(t.c.nrunbooks, 4);
	assert_string_equal(t.c.runbooks[0], "/home/op/runbooks");
	assert_string_equal(t.c.runbooks[2], "/a");
	assert_string_equal(t.c.runbooks[3], "/home/op/b");
	assert_string_equal(t.c.kubeconfig, "/home/op/.kube/prod"); /* file over env */
	assert_string_equal(t.c.audit_log, "/tmp/audit");
	assert_string_equal(t.c.log_file, "/tmp/log"); /* flag over AMCONSOLE_LOG */
	assert_true(t.c.step_timeout == 60.0);
	assert_int_equal(t.c.ascii, 1);
	assert_int_equal(t.c.no_mouse, 1);
	config_free(&t.c);
	test_config_setup(NULL);
}

TEST(test_config_options_env)
{
	static const char *const args[] = { "--config", FIX "empty.yaml", NULL };
	struct test_config_cli t;

	setenv("KUBECONFIG", "/env/kube", 1);
	setenv("REDIS_URL", "redis://r:6379", 1);
	setenv("AMCONSOLE_LOG", "/tmp/env-log", 1);
	assert_int_equal(test_config_parse(&t, args), 0);
	assert_string_equal(t.c.kubeconfig, "/env/kube");
	assert_int_equal(t.c.nredis, 1);
	assert_string_equal(t.c.redis[0].name, "redis");
	assert_string_equal(t.c.log_file, "/tmp/env-log");
	config_free(&t.c);
	test_config_setup(NULL);
}

TEST(test_config_options_default_file)
{
	static const char *const none[] = { NULL };
	char dir[] = "/tmp/amconsole-test-xdg-XXXXXX";
	char *sub, *file;
	struct test_config_cli t;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	sub = xasprintf("%s/amconsole", dir);
	file = xasprintf("%s/config.yaml", sub);
	assert_int_equal(util_mkdirs(sub, 0700), 0);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("theme: high-contrast\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(test_config_parse(&t, none), 0);
	assert_string_equal(t.c.theme, "high-contrast");
	assert_string_equal(t.c.config_path, file);
	config_free(&t.c);

	/* A broken default file is an error too. */
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("theme: x\nbogus: 1\n", f);
	fclose(f);
	assert_int_equal(test_config_parse(&t, none), -1);
	assert_non_null(strstr(t.err, "config.yaml:2: bogus: unknown key"));
	config_free(&t.c);

	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(file);
	free(sub);
	test_config_setup(NULL);
}

TEST(test_config_options_modes)
{
	static const char *const lint[] = { "a.md", "--lint", "--theme", "mono", "b.md", NULL };
	static const char *const dump[] = { "--dump-runbook", "--", "--odd.md", NULL };
	static const char *const print[] = { "--print-config", NULL };
	static const char *const help[] = { "--theme", "x", "--help", "--config", "/nope", NULL };
	static const char *const version[] = { "--version", NULL };
	struct test_config_cli t;

	assert_int_equal(test_config_parse(&t, lint), 0);
	assert_int_equal(t.res.mode, OPTIONS_LINT);
	assert_int_equal(t.res.nfiles, 2);
	assert_string_equal(t.res.files[0], "a.md");
	assert_string_equal(t.res.files[1], "b.md");
	assert_string_equal(t.c.theme, "mono");
	config_free(&t.c);

	assert_int_equal(test_config_parse(&t, dump), 0);
	assert_int_equal(t.res.mode, OPTIONS_DUMP_RUNBOOK);
	assert_int_equal(t.res.nfiles, 1);
	assert_string_equal(t.res.files[0], "--odd.md");
	config_free(&t.c);

	assert_int_equal(test_config_parse(&t, print), 0);
	assert_int_equal(t.res.mode, OPTIONS_PRINT_CONFIG);
	config_free(&t.c);

	/* --help needs no (readable) configuration. */
	assert_int_equal(test_config_parse(&t, help), 0);
	assert_int_equal(t.res.mode, OPTIONS_HELP);
	config_free(&t.c);

	assert_int_equal(test_config_parse(&t, version), 0);
	assert_int_equal(t.res.mode, OPTIONS_VERSION);
	config_free(&t.c);
}

TEST(test_config_options_errors)
{
	static const char *const unknown[] = { "--colour", NULL };
	static const char *const unknown_eq[] = { "--colour=red", NULL };
	static const char *const shortopt[] = { "-x", NULL };
	static const char *const noarg[] = { "--theme", NULL };
	static const char *const swarg[] = { "--read-only=yes", NULL };
	static const char *const badrefresh[] = { "--refresh", "soon", NULL };
	static const char *const zerotimeout[] = { "--step-timeout=0", NULL };
	static const char *const lintnone[] = { "--lint", NULL };
	static const char *const operand[] = { "stray.md", NULL };
	static const char *const both[] = { "--lint", "--print-config", "a.md", NULL };
	static const char *const missing[] = { "--config", FIX "no-such.yaml", NULL };
	static const char *const badfile[] = { "--config", FIX "unknown-key.yaml", NULL };
	static const char *const emptytheme[] = { "--theme=", NULL };

	test_config_options_expect_error(unknown, "unknown option '--colour' (see --help)");
	test_config_options_expect_error(unknown_eq, "unknown option '--colour' (see --help)");
	test_config_options_expect_error(shortopt, "unknown option '-x' (see --help)");
	test_config_options_expect_error(noarg, "option '--theme' needs an argument (NAME)");
	test_config_options_expect_error(swarg, "option '--read-only' takes no argument");
	test_config_options_expect_error(badrefresh,
					 "--refresh: bad duration 'soon' (a positive number of "
					 "seconds, or 2s, 500ms, 1m)");
	test_config_options_expect_error(zerotimeout,
					 "--step-timeout: bad duration '0' (a positive number of "
					 "seconds, or 2s, 500ms, 1m)");
	test_config_options_expect_error(lintnone, "--lint needs at least one FILE");
	test_config_options_expect_error(operand, "unexpected argument 'stray.md' (see --help)");
	test_config_options_expect_error(both, "--lint and --print-config cannot be combined");
	test_config_options_expect_error(missing, FIX "no-such.yaml: No such file or directory");
	test_config_options_expect_error(badfile,
					 FIX "unknown-key.yaml:4: kubernetes.contxt: unknown key");
	test_config_options_expect_error(emptytheme, "--theme: the NAME must not be empty");
}

TEST(test_config_options_usage)
{
	const struct options_def *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	size_t n = 0;

	assert_non_null(f);
	options_usage(f);
	fclose(f);
	for (d = options_table; d->name != NULL; d++, n++) {
		char want[128];

		snprintf(want, sizeof(want), "  --%s%s%s ", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		if (d->help == NULL) { /* hidden (--list-commands): not in --help */
			if (strstr(buf, want) != NULL)
				fail_msg("--help shows the hidden \"%s\":\n%s", want, buf);
			continue;
		}
		if (strstr(buf, want) == NULL)
			fail_msg("--help lacks \"%s\":\n%s", want, buf);
		assert_non_null(strstr(buf, d->help));
	}
	assert_true(n >= 15);
	assert_non_null(strstr(buf, "Usage: amconsole"));
	free(buf);
}

TEST_GROUP(test_config_setup, NULL);
