/*
 * test_initconfig.c - unit tests for app/initconfig.c: the starter file
 * --init-config writes loads with the real configuration loader and
 * gives back exactly what the environment held, whatever bytes it held
 * (quotes, backslashes, newlines, '#'); no password of a URL or of
 * PGPASSWORD is written; an existing file is never overwritten.
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

#include "app/initconfig.h"
#include "core/config.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

static const char *const test_initconfig_vars[] = {
	"KUBECONFIG",
	"REDIS_URL",
	"KAFKA_BOOTSTRAP_SERVERS",
	"ALERTMANAGER_URL",
	"PROMETHEUS_URL",
	"PGHOST",
	"PGHOSTADDR",
	"PGPORT",
	"PGDATABASE",
	"PGUSER",
	"PGSERVICE",
	"PGSSLMODE",
	"PGSSLROOTCERT",
	"PGPASSFILE",
	"PGCONNECT_TIMEOUT",
	"PGPASSWORD",
	NULL,
};

static char test_initconfig_dir[64];

/* A clean environment and a fresh folder for the file. */
static int test_initconfig_setup(void **unused)
{
	size_t i;

	for (i = 0; test_initconfig_vars[i] != NULL; i++)
		unsetenv(test_initconfig_vars[i]);
	snprintf(test_initconfig_dir, sizeof test_initconfig_dir,
		 "/tmp/amconsole-test-initconfig-XXXXXX");
	assert_non_null(mkdtemp(test_initconfig_dir));
	setenv("HOME", test_initconfig_dir, 1);
	setenv("XDG_CONFIG_HOME", test_initconfig_dir, 1);
	return 0;
}

static int test_initconfig_teardown(void **unused)
{
	char *cmd = xasprintf("rm -rf '%s'", test_initconfig_dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* Write the starter file, load it with no variable set; the file's
 * text into *text (caller frees). */
static void test_initconfig_load(struct config *c, char **text)
{
	char err[512], *path;
	FILE *f;
	long n;
	size_t i;

	assert_int_equal(initconfig_write(NULL, &path, err, sizeof err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*text = xcalloc((size_t)n + 1, 1);
	assert_int_equal(fread(*text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (i = 0; test_initconfig_vars[i] != NULL; i++)
		unsetenv(test_initconfig_vars[i]);
	config_defaults(c);
	assert_int_equal(config_load_file(c, path, err, sizeof err), 0);
	free(path);
}

TEST_FIXTURE(test_initconfig_hostile_bytes, test_initconfig_setup, test_initconfig_teardown)
{
	const char *prom = "http://p:9090/a\"b\\c\nd\te";
	struct config c;
	char *text;

	setenv("PROMETHEUS_URL", prom, 1);
	setenv("KAFKA_BOOTSTRAP_SERVERS", "k:1 # not a comment", 1);
	setenv("REDIS_URL", "/var/run/redis/redis.sock", 1);
	setenv("PGHOST", "h o'st\\x", 1);
	setenv("PGPORT", "5433", 1);
	test_initconfig_load(&c, &text);
	assert_string_equal(c.prometheus_url, prom);
	assert_string_equal(c.kafka_bootstrap, "k:1 # not a comment");
	assert_int_equal(c.nredis, 1);
	assert_string_equal(c.redis[0].url, "/var/run/redis/redis.sock");
	assert_null(c.redis[0].password_file);
	assert_string_equal(c.pg_conninfo, "host='h o\\'st\\\\x' port=5433");
	assert_null(c.kubeconfig);
	assert_int_equal(c.nalertmanager_urls, 0);
	assert_non_null(strstr(text, "# ALERTMANAGER_URL was not set."));
	config_free(&c);
	free(text);
}

TEST_FIXTURE(test_initconfig_no_passwords, test_initconfig_setup, test_initconfig_teardown)
{
	struct config c;
	char *text, *pwfile;

	setenv("REDIS_URL", "redis://ops:Pw-1@x@cache:6380/2", 1);
	setenv("ALERTMANAGER_URL", "http://a:Pw-2@am-0:9093,http://am-1:9093", 1);
	setenv("PROMETHEUS_URL", "https://:Pw-3@prom:9090/api", 1);
	setenv("PGHOST", "db", 1);
	setenv("PGPASSWORD", "Pw-4", 1);
	test_initconfig_load(&c, &text);
	assert_null(strstr(text, "Pw-"));
	assert_string_equal(c.redis[0].url, "redis://ops@cache:6380/2");
	pwfile = xasprintf("%s/amconsole/redis-password", test_initconfig_dir);
	assert_string_equal(c.redis[0].password_file, pwfile);
	assert_int_equal(c.nalertmanager_urls, 2);
	assert_string_equal(c.alertmanager_urls[0], "http://a@am-0:9093");
	assert_string_equal(c.alertmanager_urls[1], "http://am-1:9093");
	assert_string_equal(c.prometheus_url, "https://prom:9090/api");
	free(pwfile);
	pwfile = xasprintf("host=db passfile=%s/.pgpass", test_initconfig_dir);
	assert_string_equal(c.pg_conninfo, pwfile);
	free(pwfile);
	config_free(&c);
	free(text);
}

TEST_FIXTURE(test_initconfig_never_overwrites, test_initconfig_setup, test_initconfig_teardown)
{
	char err[512], *path, *again = NULL;
	struct config c;
	char *text;

	setenv("PROMETHEUS_URL", "http://first:9090", 1);
	assert_int_equal(initconfig_write(NULL, &path, err, sizeof err), 0);
	setenv("PROMETHEUS_URL", "http://second:9090", 1);
	assert_int_equal(initconfig_write(NULL, &again, err, sizeof err), -1);
	assert_null(again);
	assert_non_null(strstr(err, "already exists; not overwritten"));
	assert_non_null(strstr(err, path));
	unsetenv("PROMETHEUS_URL");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), 0);
	assert_string_equal(c.prometheus_url, "http://first:9090");
	config_free(&c);
	text = initconfig_text("/h", "/d");
	assert_non_null(strstr(text, "# PROMETHEUS_URL was not set."));
	free(text);
	free(path);
}
