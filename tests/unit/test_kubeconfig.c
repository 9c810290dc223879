/*
 * test_kubeconfig.c - unit tests for backends/k8s/kubeconfig*.c: merging a
 * KUBECONFIG list (the first file to name an entry wins), current-context
 * and a given context, the namespace rules, certificates from files
 * (relative to the kubeconfig) and from -data, kubectl's refusals
 * (auth-provider, two auth methods, …) with FILE:LINE messages, tokenFile
 * re-read, the in-cluster service account, and exec credential plugins
 * run for real from small sh scripts in a temporary directory: cached
 * until expiry, re-run when expired, stderr in the error, killed at the
 * deadline with nothing left behind. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/k8s/kubeconfig.h"
#include "lib/util.h"
#include "tests/unit/testhelp.h"

#define FIX "tests/fixtures/kubeconfig/"
#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

static char test_kc_tmp[] = "/tmp/am-kubeconfig-XXXXXX";
static char test_kc_err[1024];

/* ---- helpers -------------------------------------------------------- */

static char *test_kc_path(const char *rel)
{
	return xasprintf("%s/%s", test_kc_tmp, rel);
}

/* Write tmp/rel (parents made), with mode. */
static void test_kc_write(const char *rel, const char *text, int mode)
{
	char *path = test_kc_path(rel), *slash;
	FILE *f;

	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(util_mkdirs(path, 0755), 0);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
	free(path);
}

static char *test_kc_slurp(const char *path)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

/* Lines in tmp/rel; 0 when it does not exist. */
static int test_kc_count(const char *rel)
{
	char *path = test_kc_path(rel), *text = test_kc_slurp(path), *p;
	int n = 0;

	for (p = text; p != NULL && *p != '\0'; p++)
		n += *p == '\n';
	free(text);
	free(path);
	return n;
}

static struct kubeconfig *test_kc_load(const char *paths, const char *context, const char *ns)
{
	struct kubeconfig *kc = NULL;
	int rc;

	test_kc_err[0] = '\0';
	rc = kubeconfig_load(paths, context, ns, &kc, test_kc_err, sizeof test_kc_err);
	if (rc != 0)
		fail_msg("kubeconfig_load(%s, %s): %s", paths, context ? context : "(null)",
			 test_kc_err);
	assert_non_null(kc);
	return kc;
}

/* Load must fail; the message is left in test_kc_err. */
static void test_kc_load_fails(const char *paths, const char *context, const char *ns)
{
	struct kubeconfig *kc = (struct kubeconfig *)1;

	test_kc_err[0] = '\0';
	assert_int_equal(kubeconfig_load(paths, context, ns, &kc, test_kc_err, sizeof test_kc_err),
			 -1);
	assert_null(kc);
	assert_true(test_kc_err[0] != '\0');
}

static void test_kc_blob_is(const struct kube_blob *b, const char *want)
{
	assert_non_null(b->data);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
}

static void test_kc_blob_is_file(const struct kube_blob *b, const char *path)
{
	char *want = test_kc_slurp(path);

	assert_non_null(want);
	test_kc_blob_is(b, want);
	free(want);
}

/* A kubeconfig in tmp/rel with one context "x" whose user runs an exec
 * plugin; extra lines go under exec (already indented). */
static char *test_kc_exec_config(const char *rel, const char *api, const char *command,
				 const char *extra)
{
	char *text =
		xasprintf("apiVersion: v1\n"
			  "kind: Config\n"
			  "current-context: x\n"
			  "clusters:\n"
			  "- name: c\n"
			  "  cluster:\n"
			  "    server: https://127.0.0.1:1\n"
			  "users:\n"
			  "- name: u\n"
			  "  user:\n"
			  "    exec:\n"
			  "      apiVersion: %s\n"
			  "      command: \"%s\"\n"
			  "%s"
			  "contexts:\n"
			  "- name: x\n"
			  "  context: {cluster: c, user: u}\n",
			  api, command, extra != NULL ? extra : "      interactiveMode: Never\n");

	test_kc_write(rel, text, 0644);
	free(text);
	return test_kc_path(rel);
}

/* A plugin script that logs its runs to tmp/NAME.runs and prints body. */
static char *test_kc_plugin(const char *name, const char *body)
{
	char *rel = xasprintf("plugins/%s", name);
	char *text = xasprintf("#!/bin/sh\n"
			       "echo run >>\"%s/%s.runs\"\n"
			       "%s",
			       test_kc_tmp, name, body);
	char *path;

	test_kc_write(rel, text, 0755);
	path = test_kc_path(rel);
	free(text);
	free(rel);
	return path;
}

static char *test_kc_cred(const char *api, const char *status)
{
	return xasprintf("cat <<'EOF'\n"
			 "{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"status\":%s}\n"
			 "EOF\n",
			 api, status);
}

static int test_kc_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int test_kc_setup(void **state)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (mkdtemp(test_kc_tmp) == NULL)
		return -1;
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("POD_NAMESPACE");
	unsetenv("AMCONSOLE_SA_DIR");
	return 0;
}

static int test_kc_teardown(void **state)
{
	return nftw(test_kc_tmp, test_kc_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- merging and choosing ------------------------------------------- */

TEST(test_kc_merge_first_file_wins)
{
	struct kubeconfig *kc;
	const char *tok;

	kc = test_kc_load(FIX "a.yaml:" FIX "b.yaml", NULL, NULL);
	assert_string_equal(kc->source, FIX "a.yaml:" FIX "b.yaml");
	assert_string_equal(kc->context, "alpha"); /* a.yaml's current-context */
	assert_string_equal(kc->cluster_name, "shared");
	assert_string_equal(kc->server, "https://a.example:6443"); /* a's "shared", '/' gone */
	assert_string_equal(kc->user_name, "alice");
	assert_string_equal(kc->namespace, "team-a");
	assert_int_equal(kc->ncontexts, 4);
	assert_string_equal(kc->contexts[0], "alpha");
	assert_string_equal(kc->contexts[1], "beta");
	assert_string_equal(kc->contexts[2], "shared-ctx");
	assert_string_equal(kc->contexts[3], "zeta");
	assert_null(kc->contexts[4]);
	kubeconfig_free(kc);

	/* shared-ctx and shared-user are in both: a.yaml's entries, whole. */
	kc = test_kc_load(FIX "a.yaml:" FIX "b.yaml", "shared-ctx", NULL);
	assert_string_equal(kc->server, "https://a.example:6443");
	assert_null(kc->namespace); /* a's shared-ctx has none; b's "from-b" is not merged in */
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_string_equal(tok, "from-a");
	kubeconfig_free(kc);
}

TEST(test_kc_merge_reversed)
{
	struct kubeconfig *kc;
	const char *tok;

	kc = test_kc_load(FIX "b.yaml:" FIX "a.yaml", "shared-ctx", NULL);
	assert_string_equal(kc->cluster_name, "b-only");
	assert_string_equal(kc->server, "https://b-only.example:6443"); /* "//" stripped */
	assert_string_equal(kc->namespace, "from-b");
	assert_string_equal(kc->user_name, "bob");
	assert_string_equal(kc->username, "bob");
	assert_string_equal(kc->password, "bob-secret");
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_null(tok); /* basic auth: no bearer token */
	kubeconfig_free(kc);

	kc = test_kc_load(FIX "b.yaml:" FIX "a.yaml", NULL, NULL);
	assert_string_equal(kc->context, "beta");
	kubeconfig_free(kc);
}

TEST(test_kc_current_context_from_later_file)
{
	struct kubeconfig *kc;

	kc = test_kc_load(FIX "nocurrent.yaml:" FIX "b.yaml", NULL, NULL);
	assert_string_equal(kc->context, "beta");
	kubeconfig_free(kc);

	kc = test_kc_load(FIX "nocurrent.yaml", "gamma", NULL);
	assert_string_equal(kc->server, "https://g.example");
	assert_null(kc->user_name); /* no user: anonymous */
	kubeconfig_free(kc);

	test_kc_load_fails(FIX "nocurrent.yaml", NULL, NULL);
	assert_string_equal(test_kc_err, FIX "nocurrent.yaml: no current-context and no context "
					     "chosen (contexts: gamma)");
}

TEST(test_kc_unknown_context)
{
	test_kc_load_fails(FIX "a.yaml:" FIX "b.yaml", "prod", NULL);
	assert_string_equal(test_kc_err, FIX "a.yaml:" FIX "b.yaml: context \"prod\" not found "
					     "(contexts: alpha, beta, shared-ctx, zeta)");
}

TEST(test_kc_namespace_rules)
{
	struct kubeconfig *kc;

	kc = test_kc_load(FIX "a.yaml", "alpha", NULL);
	assert_string_equal(kc->namespace, "team-a");
	kubeconfig_free(kc);
	kc = test_kc_load(FIX "a.yaml", "alpha", "all");
	assert_null(kc->namespace);
	kubeconfig_free(kc);
	kc = test_kc_load(FIX "a.yaml", "alpha", "");
	assert_null(kc->namespace);
	kubeconfig_free(kc);
	kc = test_kc_load(FIX "a.yaml", "alpha", "kube-system");
	assert_string_equal(kc->namespace, "kube-system");
	kubeconfig_free(kc);
	kc = test_kc_load(FIX "a.yaml", "shared-ctx", NULL); /* none in the context: all */
	assert_null(kc->namespace);
	kubeconfig_free(kc);
}

TEST(test_kc_missing_files)
{
	struct kubeconfig *kc;

	/* Missing files in the list are skipped; duplicates read once. */
	kc = test_kc_load(FIX "nope.yaml::" FIX "a.yaml:" FIX "a.yaml", NULL, NULL);
	assert_string_equal(kc->source, FIX "a.yaml");
	kubeconfig_free(kc);

	test_kc_load_fails(FIX "nope.yaml:" FIX "nope2.yaml", NULL, NULL);
	assert_string_equal(test_kc_err,
			    "kubeconfig not found: " FIX "nope.yaml, " FIX "nope2.yaml");
	/* A directory is not skipped like a missing file. */
	test_kc_load_fails(FIX "certs", NULL, NULL);
	assert_string_equal(test_kc_err, FIX "certs: not a regular file");
}

/* ---- clusters and certificates -------------------------------------- */

TEST(test_kc_cert_files_relative)
{
	struct kubeconfig *kc;

	/* The paths in tls.yaml are relative to its directory, not to the
	 * working directory (the repository root). */
	kc = test_kc_load(FIX "tls.yaml", NULL, NULL);
	assert_string_equal(kc->context, "files");
	test_kc_blob_is_file(&kc->ca, FIX "certs/ca.pem");
	test_kc_blob_is_file(&kc->cert, FIX "certs/client.pem");
	test_kc_blob_is_file(&kc->key, FIX "certs/client-key.pem");
	assert_int_equal(kc->insecure, 0);
	kubeconfig_free(kc);

	/* The same from elsewhere: a copy of the config with a relative
	 * path in a temporary directory finds its own certs. */
	test_kc_write("rel/certs/ca.pem",
		      "-----BEGIN CERTIFICATE-----\ntmp\n-----END "
		      "CERTIFICATE-----\n",
		      0644);
	{
		char *cert = test_kc_slurp(FIX "certs/client.pem");
		char *key = test_kc_slurp(FIX "certs/client-key.pem");

		test_kc_write("rel/certs/client.pem", cert, 0644);
		test_kc_write("rel/certs/client-key.pem", key, 0600);
		free(cert);
		free(key);
	}
	{
		char *text = test_kc_slurp(FIX "tls.yaml");
		char *cfg = test_kc_path("rel/config");

		test_kc_write("rel/config", text, 0644);
		kc = test_kc_load(cfg, "files", NULL);
		test_kc_blob_is(&kc->ca,
				"-----BEGIN CERTIFICATE-----\ntmp\n-----END CERTIFICATE-----\n");
		kubeconfig_free(kc);
		free(text);
		free(cfg);
	}
}

TEST(test_kc_cert_data)
{
	struct kubeconfig *kc;
	const char *tok;

	kc = test_kc_load(FIX "tls.yaml", "data", NULL);
	test_kc_blob_is(&kc->ca, "-----BEGIN CERTIFICATE-----\nZGF0YSBDQQ==\n-----END "
				 "CERTIFICATE-----\n");
	test_kc_blob_is(&kc->cert, "-----BEGIN CERTIFICATE-----\nZGF0YSBjZXJ0\n-----END "
				   "CERTIFICATE-----\n");
	test_kc_blob_is(&kc->key,
			"-----BEGIN PRIVATE KEY-----\nZGF0YSBrZXk=\n-----END PRIVATE KEY-----\n");
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_null(tok); /* a client certificate: no bearer token */
	kubeconfig_free(kc);
}

TEST(test_kc_insecure_no_scheme)
{
	struct kubeconfig *kc;

	kc = test_kc_load(FIX "tls.yaml", "insecure", NULL);
	assert_int_equal(kc->insecure, 1);
	assert_int_equal(kc->ca.len, 0);
	assert_string_equal(kc->server, "https://10.1.2.3:6443"); /* TLS set up: https */
	assert_string_equal(kc->proxy_url, "socks5://127.0.0.1:1080");
	kubeconfig_free(kc);
}

/* tls-server-name: the URL names it and CURLOPT_CONNECT_TO goes to the
 * server's real host and port (libcurl has no separate TLS name). */
TEST(test_kc_tls_server_name)
{
	static const struct {
		const char *server, *name, *url, *connect_to;
	} cases[] = {
		{ "https://10.0.0.1:6443", "kubernetes", "https://kubernetes:6443",
		  "kubernetes:6443:10.0.0.1:6443" },
		{ "https://10.0.0.1", "kubernetes", "https://kubernetes:443",
		  "kubernetes:443:10.0.0.1:443" },
		{ "https://[::1]:8443/prefix", "api.internal", "https://api.internal:8443/prefix",
		  "api.internal:8443:[::1]:8443" },
		{ "http://10.0.0.1:8080", "kubernetes", "http://10.0.0.1:8080", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct kubeconfig *kc;
		char text[512];

		snprintf(text, sizeof text,
			 "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
			 "clusters:\n- name: k\n  cluster:\n    server: \"%s\"\n"
			 "    tls-server-name: %s\n"
			 "users:\n- name: u\n  user:\n    token: t\n"
			 "contexts:\n- name: c\n  context: {cluster: k, user: u}\n",
			 cases[i].server, cases[i].name);
		char *path = test_kc_path("tlsname.yaml");

		test_kc_write("tlsname.yaml", text, 0600);
		kc = test_kc_load(path, NULL, NULL);
		free(path);
		assert_string_equal(kc->server, cases[i].url);
		if (cases[i].connect_to == NULL)
			assert_null(kc->connect_to);
		else
			assert_string_equal(kc->connect_to, cases[i].connect_to);
		kubeconfig_free(kc);
	}
}

/* A context of file that must not load, and the error it gets. */
struct test_kc_refusal {
	const char *context, *err;
};

/* Each of the n contexts of file fails to load with exactly its error. */
static void test_kc_refusals(const char *file, const struct test_kc_refusal *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		test_kc_load_fails(file, r[i].context, NULL);
		assert_string_equal(test_kc_err, r[i].err);
	}
}

TEST(test_kc_cluster_errors)
{
	static const struct test_kc_refusal refused[] = {
		{ "both", FIX "tls.yaml:14: cluster \"both\" has both "
			      "certificate-authority and certificate-authority-data" },
		{ "insecure-ca",
		  FIX "tls.yaml:24: cluster \"insecure-ca\": insecure-skip-tls-verify "
		      "with a certificate authority is not allowed" },
		{ "bad-data", FIX "tls.yaml:33: cluster \"bad-data\": "
				  "certificate-authority-data is not valid base64" },
		{ "cert-no-key", FIX "tls.yaml:46: user \"cert-no-key\" has a client "
				     "certificate without a client key" },
	};
	char *want, cwd[4096];

	test_kc_refusals(FIX "tls.yaml", refused, sizeof refused / sizeof refused[0]);
	/* The missing file is named by its absolute path. */
	test_kc_load_fails(FIX "tls.yaml", "missing-ca", NULL);
	assert_non_null(getcwd(cwd, sizeof cwd));
	want = xasprintf(FIX "tls.yaml:29: cluster \"missing-ca\": certificate-authority "
			     "%s/" FIX "certs/nope.pem: No such file or directory",
			 cwd);
	assert_string_equal(test_kc_err, want);
	free(want);
}

TEST(test_kc_user_errors)
{
	static const struct test_kc_refusal refused[] = {
		{ "empty", FIX "users.yaml:18: user \"empty\" has no credentials" },
		{ "two-methods", FIX "users.yaml:20: user \"two-methods\": more than one "
				     "authentication method (token and basic auth)" },
		{ "v1-no-mode", FIX "users.yaml:25: user \"v1-no-mode\": exec needs "
				    "interactiveMode (Never or IfAvailable)" },
		{ "alpha-plugin", FIX "users.yaml:30: user \"alpha-plugin\": exec apiVersion "
				      "\"client.authentication.k8s.io/v1alpha1\" is not supported "
				      "(use " V1 " or " V1BETA1 ")" },
		{ "ghost-user",
		  FIX "users.yaml:47: context \"ghost-user\": user \"ghost\" not found" },
		{ "ghost-cluster", FIX "users.yaml:49: context \"ghost-cluster\": cluster "
				       "\"ghost\" not found" },
		{ "noserver", FIX "users.yaml:8: cluster \"noserver\" has no server" },
	};
	struct kubeconfig *kc;
	const char *tok;

	test_kc_load_fails(FIX "users.yaml", "gke", NULL);
	assert_string_equal(test_kc_err,
			    FIX "users.yaml:12: user \"gke\": auth-provider \"gcp\" is not "
				"supported (kubectl removed it); use an exec credential plugin "
				"such as gke-gcloud-auth-plugin");
	assert_null(strstr(test_kc_err, "ya29")); /* the provider's secret is not echoed */
	test_kc_refusals(FIX "users.yaml", refused, sizeof refused / sizeof refused[0]);

	kc = test_kc_load(FIX "users.yaml", "anonymous", NULL);
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_null(tok);
	kubeconfig_free(kc);
}

/* A user with exec twice (found by fuzz_kubeconfig: the first plugin
 * leaked): the later one replaces it whole, interactiveMode included. */
TEST(test_kc_exec_repeated_key)
{
	struct kubeconfig *kc;
	char *cfg;

	test_kc_write("twice.yaml",
		      "current-context: x\n"
		      "clusters:\n"
		      "- name: c\n"
		      "  cluster: {server: https://127.0.0.1:1}\n"
		      "users:\n"
		      "- name: u\n"
		      "  user:\n"
		      "    exec: {apiVersion: " V1
		      ", command: /bin/first, interactiveMode: Always}\n"
		      "    exec: {apiVersion: " V1BETA1 ", command: /bin/second, args: [a]}\n"
		      "contexts:\n"
		      "- name: x\n"
		      "  context: {cluster: c, user: u}\n",
		      0644);
	cfg = test_kc_path("twice.yaml");
	kc = test_kc_load(cfg, NULL, NULL);
	assert_non_null(kc->exec);
	assert_string_equal(kc->exec->api_version, V1BETA1);
	assert_string_equal(kc->exec->command, "/bin/second");
	assert_string_equal(kc->exec->args[0], "a");
	assert_null(kc->exec->args[1]);
	assert_int_equal(kc->exec->interactive, 0);
	kubeconfig_free(kc);
	free(cfg);
}

TEST(test_kc_yaml_errors)
{
	test_kc_load_fails(FIX "malformed.yaml", NULL, NULL);
	assert_true(strncmp(test_kc_err,
			    FIX "malformed.yaml:7: ", strlen(FIX "malformed.yaml:7: ")) == 0);
	test_kc_load_fails(FIX "badtype.yaml", NULL, NULL);
	assert_string_equal(test_kc_err, FIX "badtype.yaml:7: clusters[0].cluster.server: "
					     "expected a string, got a list");
	/* A broken file later in the list is an error too, not skipped. */
	test_kc_load_fails(FIX "a.yaml:" FIX "malformed.yaml", NULL, NULL);
	assert_true(strncmp(test_kc_err,
			    FIX "malformed.yaml:7: ", strlen(FIX "malformed.yaml:7: ")) == 0);
}

/* ---- tokens ---------------------------------------------------------- */

TEST(test_kc_token_file_reread)
{
	struct kubeconfig *kc;
	const char *tok;
	char *cfg, *text;

	test_kc_write("tf/token", "first-token\n", 0600);
	text = xasprintf("current-context: x\n"
			 "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
			 "users: [{name: u, user: {tokenFile: token}}]\n"
			 "contexts: [{name: x, context: {cluster: c, user: u}}]\n");
	test_kc_write("tf/config", text, 0644);
	free(text);
	cfg = test_kc_path("tf/config");
	kc = test_kc_load(cfg, NULL, NULL);
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_string_equal(tok, "first-token");
	test_kc_write("tf/token", "  rotated-token  \n", 0600);
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_string_equal(tok, "rotated-token");

	/* Two lines would split the Authorization header: refused. */
	test_kc_write("tf/token", "a\nInjected: yes\n", 0600);
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), -1);
	assert_non_null(strstr(test_kc_err, "tokenFile"));
	assert_non_null(strstr(test_kc_err, "holds more than one line"));
	assert_null(strstr(test_kc_err, "Injected"));
	kubeconfig_free(kc);
	free(cfg);
}

/* kc set up on curl; fail unless the one header set is want (NULL: none). */
static void test_kc_curl_header(struct kubeconfig *kc, CURL *curl, const char *want)
{
	struct curl_slist *headers = NULL;

	if (kubeconfig_curl(kc, curl, &headers, 5, test_kc_err, sizeof test_kc_err) != 0)
		fail_msg("kubeconfig_curl: %s", test_kc_err);
	if (want == NULL) {
		assert_null(headers);
		return;
	}
	assert_non_null(headers);
	assert_string_equal(headers->data, want);
	assert_null(headers->next);
	curl_slist_free_all(headers);
}

/* ---- exec credential plugins ---------------------------------------- */

/* A plugin NAME.sh running script and the kubeconfig NAME.yaml whose user
 * runs it (exec apiVersion api; extra: the exec section's further lines,
 * NULL for interactiveMode: Never), loaded. */
struct test_kc_exec {
	struct kubeconfig *kc;
	char *plugin;
};

static void test_kc_exec_open(struct test_kc_exec *x, const char *name, const char *api,
			      const char *script, const char *extra)
{
	char *sh = xasprintf("%s.sh", name), *yaml = xasprintf("%s.yaml", name), *cfg;

	x->plugin = test_kc_plugin(sh, script);
	cfg = test_kc_exec_config(yaml, api, x->plugin, extra);
	x->kc = test_kc_load(cfg, NULL, NULL);
	free(cfg);
	free(yaml);
	free(sh);
}

/* The same, the plugin printing an ExecCredential of api with this status. */
static void test_kc_exec_cred(struct test_kc_exec *x, const char *name, const char *api,
			      const char *status, const char *extra)
{
	char *body = test_kc_cred(api, status);

	test_kc_exec_open(x, name, api, body, extra);
	free(body);
}

static void test_kc_exec_close(struct test_kc_exec *x)
{
	kubeconfig_free(x->kc);
	free(x->plugin);
}

/* Ask kc for its token (10 s at most): fail unless it is want. */
static void test_kc_token_is(struct kubeconfig *kc, const char *want)
{
	const char *tok = "unchanged";

	if (kubeconfig_token(kc, 10, &tok, test_kc_err, sizeof test_kc_err) != 0)
		fail_msg("kubeconfig_token: %s (want token %s)", test_kc_err, want);
	assert_string_equal(tok, want);
}

/* Ask for the token (timeout seconds at most): fail unless asking fails,
 * clears the token, and says: exec plugin "PLUGIN": why. */
static void test_kc_exec_fails(const char *plugin, struct kubeconfig *kc, double timeout,
			       const char *why)
{
	const char *tok = "unchanged";
	char *want = xasprintf("exec plugin \"%s\": %s", plugin, why);

	assert_int_equal(kubeconfig_token(kc, timeout, &tok, test_kc_err, sizeof test_kc_err), -1);
	assert_null(tok);
	assert_string_equal(test_kc_err, want);
	free(want);
}

/* Is pid gone (or a zombie of someone else's)? Waits up to 5 s for the
 * kernel to finish the kill; no timing is asserted. */
static int test_kc_dead(long pid)
{
	char path[64], *stat;
	int i, dead = 0;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	for (i = 0; i < 100 && !dead; i++) {
		stat = test_kc_slurp(path);
		dead = stat == NULL || strstr(stat, ") Z ") != NULL;
		free(stat);
		if (!dead)
			usleep(50000);
	}
	return dead;
}

/* The plugin was reaped: this process has no child left; and with pidname,
 * what it started (pid in plugins/PIDNAME) was killed with it (its process
 * group). */
static void test_kc_exec_reaped(const char *pidname)
{
	char *pidfile, *pidtext;
	int st;

	errno = 0;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	if (pidname == NULL)
		return;
	pidfile = xasprintf("%s/plugins/%s", test_kc_tmp, pidname);
	pidtext = test_kc_slurp(pidfile);
	assert_non_null(pidtext);
	assert_true(test_kc_dead(atol(pidtext)));
	free(pidtext);
	free(pidfile);
}

/* A plugin body that never answers: a sleep in its process group, its
 * pid in plugins/NAME.pid. */
#define TEST_KC_HANG(name) "sleep 60 &\necho $! >\"$(dirname \"$0\")/" name ".pid\"\nwait\n"

TEST(test_kc_exec_cached_until_expiry)
{
	struct test_kc_exec x;

	test_kc_exec_cred(&x, "future", V1,
			  "{\"token\":\"exec-token-1\","
			  "\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}",
			  NULL);
	assert_int_equal(test_kc_count("future.sh.runs"), 0); /* load runs nothing */
	test_kc_token_is(x.kc, "exec-token-1");
	assert_true(x.kc->exec_expiry == 4070908800.0);
	test_kc_token_is(x.kc, "exec-token-1");
	assert_int_equal(test_kc_count("future.sh.runs"), 1);
	/* After a 401 the caller forgets it: the plugin runs again. */
	kubeconfig_expire(x.kc);
	assert_null(x.kc->exec_token);
	test_kc_token_is(x.kc, "exec-token-1");
	assert_int_equal(test_kc_count("future.sh.runs"), 2);
	test_kc_exec_close(&x);
}

TEST(test_kc_exec_expired_reruns)
{
	struct test_kc_exec x;

	test_kc_exec_cred(&x, "past", V1,
			  "{\"token\":\"old-token\","
			  "\"expirationTimestamp\":\"2000-01-01T00:00:00Z\"}",
			  NULL);
	test_kc_token_is(x.kc, "old-token");
	test_kc_token_is(x.kc, "old-token");
	assert_int_equal(test_kc_count("past.sh.runs"), 2);
	test_kc_exec_close(&x);
}

TEST(test_kc_exec_exit_status)
{
	struct test_kc_exec x;
	const char *why = "exit 1: An error occurred (ExpiredToken): the security token is expired";

	test_kc_exec_open(&x, "fail", V1,
			  "echo '{\"partial\":' \necho >&2\n"
			  "echo 'An error occurred (ExpiredToken): the security "
			  "token is expired' >&2\necho 'second line' >&2\nexit 1\n",
			  NULL);
	test_kc_exec_fails(x.plugin, x.kc, 10, why);
	/* Nothing cached from a failure: the next call runs it again. */
	test_kc_exec_fails(x.plugin, x.kc, 10, why);
	assert_int_equal(test_kc_count("fail.sh.runs"), 2);
	test_kc_exec_close(&x);
}

TEST(test_kc_exec_timeout)
{
	struct test_kc_exec x;

	test_kc_exec_open(&x, "slow", V1, "echo waiting >&2\n" TEST_KC_HANG("slow"), NULL);
	test_kc_exec_fails(x.plugin, x.kc, 1.0, "no answer in 1s (killed): waiting");
	test_kc_exec_reaped("slow.pid");
	test_kc_exec_close(&x);
}

/* What the UI thread does on a context switch or quit: cancel after a
 * moment. */
static void *test_kc_canceller(void *arg)
{
	usleep(300000);
	kube_cancel_set(arg, 1);
	return NULL;
}

/* A plugin that never answers is killed (its whole group) as soon as the
 * run is cancelled from another thread, long before its timeout; while
 * cancelled no plugin starts; cleared, they run again. */
TEST(test_kc_exec_cancel)
{
	struct kube_cancel cancel;
	struct test_kc_exec x;
	const char *tok;
	char *pidfile;
	pthread_t t;
	double t0;

	kube_cancel_init(&cancel);
	test_kc_exec_open(&x, "hang", V1, TEST_KC_HANG("hang"), NULL);
	x.kc->cancel = &cancel;
	t0 = util_now();
	assert_int_equal(pthread_create(&t, NULL, test_kc_canceller, &cancel), 0);
	test_kc_exec_fails(x.plugin, x.kc, 20, "cancelled (killed)");
	assert_true(util_now() - t0 < 3.0);
	pthread_join(t, NULL);
	test_kc_exec_reaped("hang.pid");
	/* Still cancelled: refused at once, nothing started. */
	pidfile = test_kc_path("plugins/hang.pid");
	unlink(pidfile);
	assert_int_equal(kubeconfig_token(x.kc, 20, &tok, test_kc_err, sizeof test_kc_err), -1);
	assert_non_null(strstr(test_kc_err, "cancelled"));
	assert_int_equal(access(pidfile, F_OK), -1);
	kube_cancel_set(&cancel, 0);
	assert_int_equal(kube_cancel_on(&cancel), 0);
	test_kc_exec_close(&x);
	kube_cancel_destroy(&cancel);
	free(pidfile);
}

TEST(test_kc_exec_output_cap)
{
	struct test_kc_exec x;

	test_kc_exec_open(&x, "huge", V1, "head -c 3000000 /dev/zero | tr '\\0' a\n", NULL);
	test_kc_exec_fails(x.plugin, x.kc, 10, "output over 1048576 bytes (killed)");
	test_kc_exec_reaped(NULL);
	test_kc_exec_close(&x);
}

TEST(test_kc_exec_v1beta1)
{
	struct test_kc_exec x;
	char *body = test_kc_cred(V1BETA1, "{\"token\":\"beta-token\"}"), *cfg;

	/* v1beta1 needs no interactiveMode (IfAvailable by default). */
	test_kc_exec_open(&x, "beta", V1BETA1, body, "");
	test_kc_token_is(x.kc, "beta-token");
	assert_true(x.kc->exec_expiry == 0); /* no expiry: kept until expired by hand */
	test_kc_token_is(x.kc, "beta-token");
	assert_int_equal(test_kc_count("beta.sh.runs"), 1);
	kubeconfig_free(x.kc);

	/* Configured v1, answering v1beta1: refused. */
	cfg = test_kc_exec_config("beta-as-v1.yaml", V1, x.plugin, NULL);
	x.kc = test_kc_load(cfg, NULL, NULL);
	test_kc_exec_fails(x.plugin, x.kc, 10,
			   "returned apiVersion \"" V1BETA1 "\", configured \"" V1 "\"");
	test_kc_exec_close(&x);
	free(body);
	free(cfg);
}

TEST(test_kc_exec_argv_env_stdin)
{
	struct test_kc_exec x;
	char *extra, *info, *in, *p, *pwned;

	extra = xasprintf("      interactiveMode: IfAvailable\n"
			  "      args: [\"two words\", \"$(touch %s/pwned)\"]\n"
			  "      env:\n"
			  "      - name: AMC_PLUGIN_VAR\n"
			  "        value: from-kubeconfig\n",
			  test_kc_tmp);
	setenv("AMC_PLUGIN_VAR", "from-parent", 1);
	test_kc_exec_open(&x, "env", V1,
			  "d=$(dirname \"$0\")\n"
			  "printf '%s\\n' \"$KUBERNETES_EXEC_INFO\" >\"$d/info\"\n"
			  "readlink /proc/self/fd/0 >\"$d/stdin\"\n"
			  "printf '{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\","
			  "\"status\":{\"token\":\"%s|%s|%s\"}}' \"" V1 "\" \"$1\" \"$2\" "
			  "\"$AMC_PLUGIN_VAR\"\n",
			  extra);
	/* argv as written, never through a shell; the kubeconfig's env wins. */
	p = xasprintf("two words|$(touch %s/pwned)|from-kubeconfig", test_kc_tmp);
	test_kc_token_is(x.kc, p);
	unsetenv("AMC_PLUGIN_VAR");
	pwned = test_kc_path("pwned");
	assert_int_equal(access(pwned, F_OK), -1);
	info = test_kc_slurp((free(p), p = test_kc_path("plugins/info")));
	assert_string_equal(info, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\","
				  "\"spec\":{\"interactive\":false}}\n");
	free(p);
	in = test_kc_slurp((p = test_kc_path("plugins/stdin")));
	assert_string_equal(in, "/dev/null\n");
	test_kc_exec_close(&x);
	free(p);
	free(in);
	free(info);
	free(pwned);
	free(extra);
}

TEST(test_kc_exec_command_resolution)
{
	struct kubeconfig *kc;
	const char *tok;
	char *body, *cfg, *dir, *oldpath, *path, *want;

	body = test_kc_cred(V1, "{\"token\":\"resolved\"}");
	/* Relative with a '/': against the kubeconfig's directory. */
	{
		char *text = xasprintf("#!/bin/sh\n%s", body);

		test_kc_write("res/bin/plug.sh", text, 0755);
		test_kc_write("res/amc-kc-plugin-test", text, 0755); /* for PATH below */
		free(text);
	}
	cfg = test_kc_exec_config("res/config", V1, "./bin/plug.sh", NULL);
	kc = test_kc_load(cfg, NULL, NULL);
	want = test_kc_path("res/bin/plug.sh");
	assert_string_equal(kc->exec->command, want);
	test_kc_token_is(kc, "resolved");
	kubeconfig_free(kc);
	free(want);
	free(cfg);

	/* A bare name: PATH. */
	dir = test_kc_path("res");
	oldpath = xstrdup(getenv("PATH"));
	path = xasprintf("%s:%s", dir, oldpath);
	setenv("PATH", path, 1);
	cfg = test_kc_exec_config("res/path.yaml", V1, "amc-kc-plugin-test", NULL);
	kc = test_kc_load(cfg, NULL, NULL);
	test_kc_token_is(kc, "resolved");
	kubeconfig_free(kc);
	setenv("PATH", oldpath, 1);
	free(cfg);

	/* Not found: the install hint, on one line. */
	cfg = test_kc_exec_config(
		"res/missing.yaml", V1, "gke-gcloud-auth-plugin-amc-missing",
		"      interactiveMode: Never\n"
		"      installHint: |\n"
		"        Install gke-gcloud-auth-plugin for use with kubectl\n"
		"        by following https://cloud.google.com/kubernetes-engine\n");
	kc = test_kc_load(cfg, NULL, NULL);
	assert_int_equal(kubeconfig_token(kc, 10, &tok, test_kc_err, sizeof test_kc_err), -1);
	assert_string_equal(test_kc_err,
			    "exec plugin \"gke-gcloud-auth-plugin-amc-missing\" not found (install "
			    "hint: Install gke-gcloud-auth-plugin for use with kubectl by "
			    "following https://cloud.google.com/kubernetes-engine)");
	kubeconfig_free(kc);
	free(cfg);
	free(dir);
	free(path);
	free(oldpath);
	free(body);
}

TEST(test_kc_exec_interactive_always)
{
	struct test_kc_exec x;

	test_kc_exec_cred(&x, "always", V1, "{\"token\":\"never\"}",
			  "      interactiveMode: Always\n");
	test_kc_exec_fails(x.plugin, x.kc, 10,
			   "needs a terminal (interactiveMode: Always); "
			   "amconsole runs plugins without one");
	assert_int_equal(test_kc_count("always.sh.runs"), 0);
	test_kc_exec_close(&x);
}

TEST(test_kc_exec_client_cert)
{
	struct test_kc_exec x;
	const char *tok = "unchanged";
	char *body;
	CURL *curl;

	body = test_kc_cred(V1, "{\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n"
				"-----END CERTIFICATE-----\\n\",\"clientKeyData\":\"-----BEGIN "
				"PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"}");
	test_kc_exec_open(&x, "cert", V1, body, NULL);
	assert_int_equal(kubeconfig_token(x.kc, 10, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_null(tok);
	test_kc_blob_is(&x.kc->exec_cert,
			"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	test_kc_blob_is(&x.kc->exec_key,
			"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
	curl = curl_easy_init();
	assert_non_null(curl);
	test_kc_curl_header(x.kc, curl, NULL); /* no bearer header with a certificate */
	assert_int_equal(test_kc_count("cert.sh.runs"), 1);
	curl_easy_cleanup(curl);
	test_kc_exec_close(&x);
	free(body);
}

TEST(test_kc_parse_exec_credential)
{
	/* answers refused, each with its error */
	static const struct {
		const char *json, *err;
	} bad[] = {
		{ "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\"}",
		  "ExecCredential: returned no status" },
		{ "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":{\"token\":\"x\"}}",
		  "ExecCredential: returned kind \"Status\", not ExecCredential" },
		{ "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1
		  "\",\"status\":{\"token\":\"x\",\"expirationTimestamp\":\"tomorrow\"}}",
		  "ExecCredential: bad expirationTimestamp \"tomorrow\"" },
		{ "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":{"
		  "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\"}}",
		  "ExecCredential: returned a client certificate or key without the other" },
		{ "not json", "ExecCredential: output is not an ExecCredential (not JSON)" },
	};
	struct kubeconfig kc;
	const char *j;
	size_t i;

	memset(&kc, 0, sizeof kc);
	j = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":{\"token\":\"t\","
	    "\"expirationTimestamp\":\"2030-06-01T12:00:00.25+02:00\"}}";
	assert_int_equal(kubeconfig_parse_exec_credential(&kc, j, strlen(j), test_kc_err,
							  sizeof test_kc_err),
			 0);
	assert_string_equal(kc.exec_token, "t");
	assert_true(kc.exec_expiry == 1906538400.25); /* 2030-06-01T10:00:00.25Z */

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(kubeconfig_parse_exec_credential(&kc, bad[i].json,
								  strlen(bad[i].json), test_kc_err,
								  sizeof test_kc_err),
				 -1);
		assert_string_equal(test_kc_err, bad[i].err);
		assert_string_equal(kc.exec_token, "t"); /* a bad answer keeps nothing of its own */
	}
	kubeconfig_expire(&kc);
	assert_null(kc.exec_token);
}

/* ---- no kubeconfig: ~/.kube/config, in-cluster ---------------------- */

TEST(test_kc_home_config)
{
	struct kubeconfig *kc;
	char *home, *text, *want;

	home = test_kc_path("home1");
	text = test_kc_slurp(FIX "a.yaml");
	test_kc_write("home1/.kube/config", text, 0600);
	setenv("HOME", home, 1);
	kc = test_kc_load(NULL, NULL, NULL);
	want = xasprintf("%s/.kube/config", home);
	assert_string_equal(kc->source, want);
	assert_string_equal(kc->context, "alpha");
	kubeconfig_free(kc);
	kc = test_kc_load("", "shared-ctx", NULL);
	assert_string_equal(kc->context, "shared-ctx");
	kubeconfig_free(kc);
	free(want);
	free(text);
	free(home);
}

TEST(test_kc_in_cluster)
{
	struct kubeconfig *kc;
	const char *tok;
	char *home, *sa, *want;
	CURL *curl;

	home = test_kc_path("home2"); /* no .kube/config there */
	sa = test_kc_path("sa");
	test_kc_write("sa/token", "sa-token-1\n", 0600);
	test_kc_write("sa/ca.crt", "-----BEGIN CERTIFICATE-----\nsa\n-----END CERTIFICATE-----\n",
		      0644);
	test_kc_write("sa/namespace", "atlasmesh-prod", 0644);
	setenv("HOME", home, 1);
	setenv("AMCONSOLE_SA_DIR", sa, 1);

	/* Not in a cluster: both places named. */
	test_kc_load_fails(NULL, NULL, NULL);
	want = xasprintf("no kubeconfig: %s/.kube/config does not exist, and not in a cluster "
			 "(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)",
			 home);
	assert_string_equal(test_kc_err, want);
	free(want);

	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	kc = test_kc_load(NULL, NULL, NULL);
	assert_string_equal(kc->source, "in-cluster");
	assert_string_equal(kc->context, "in-cluster");
	assert_string_equal(kc->server, "https://10.96.0.1:443");
	assert_string_equal(kc->namespace, "atlasmesh-prod");
	test_kc_blob_is(&kc->ca, "-----BEGIN CERTIFICATE-----\nsa\n-----END CERTIFICATE-----\n");
	assert_int_equal(kubeconfig_token(kc, 5, &tok, test_kc_err, sizeof test_kc_err), 0);
	assert_string_equal(tok, "sa-token-1");
	/* The projected token rotates: read again each time. */
	test_kc_write("sa/token", "sa-token-2\n", 0600);
	curl = curl_easy_init();
	assert_non_null(curl);
	test_kc_curl_header(kc, curl, "Authorization: Bearer sa-token-2");
	curl_easy_cleanup(curl);
	kubeconfig_free(kc);

	/* --namespace all, and an IPv6 service host. */
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	kc = test_kc_load("", NULL, "all");
	assert_string_equal(kc->server, "https://[fd00::1]:443");
	assert_null(kc->namespace);
	kubeconfig_free(kc);

	/* Another context does not exist here. */
	test_kc_load_fails(NULL, "prod", NULL);
	assert_string_equal(test_kc_err,
			    "in-cluster: context \"prod\" not found (contexts: in-cluster)");

	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("AMCONSOLE_SA_DIR");
	free(home);
	free(sa);
}

/* ---- libcurl -------------------------------------------------------- */

TEST(test_kc_curl_auth)
{
	struct kubeconfig *kc;
	struct curl_slist *headers = NULL;
	CURL *curl;

	curl = curl_easy_init();
	assert_non_null(curl);
	kc = test_kc_load(FIX "a.yaml", "alpha", NULL);
	test_kc_curl_header(kc, curl, "Authorization: Bearer a-token");
	kubeconfig_free(kc);

	/* Basic auth goes through CURLOPT_USERNAME/PASSWORD, not a header. */
	kc = test_kc_load(FIX "b.yaml", "beta", NULL);
	test_kc_curl_header(kc, curl, NULL);
	kubeconfig_free(kc);

	/* No credential in clear text to another machine (kubectl sends none
	 * over http either); kubectl proxy on this machine is fine. */
	{
		static const struct {
			const char *server;
			int ok;
		} cases[] = {
			{ "http://10.0.0.1:8080", 0 },      { "http://127.0.0.1:8001", 1 },
			{ "http://localhost:8001/", 1 },    { "http://[::1]:8001", 1 },
			{ "http://localhost.evil.com", 0 }, { "http://127.example.com", 0 },
		};
		size_t i;

		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			char text[512], *path = test_kc_path("http.yaml");
			int rc;

			snprintf(text, sizeof text,
				 "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
				 "clusters:\n- name: k\n  cluster:\n    server: \"%s\"\n"
				 "users:\n- name: u\n  user:\n    token: secret-token\n"
				 "contexts:\n- name: c\n  context: {cluster: k, user: u}\n",
				 cases[i].server);
			test_kc_write("http.yaml", text, 0600);
			kc = test_kc_load(path, NULL, NULL);
			free(path);
			rc = kubeconfig_curl(kc, curl, &headers, 5, test_kc_err,
					     sizeof test_kc_err);
			if (cases[i].ok) {
				assert_int_equal(rc, 0);
			} else {
				assert_int_equal(rc, -1);
				assert_non_null(strstr(test_kc_err, "clear text"));
				assert_null(strstr(test_kc_err, "secret-token"));
				assert_null(headers);
			}
			curl_slist_free_all(headers);
			headers = NULL;
			kubeconfig_free(kc);
		}
	}

	/* Certificates from memory: libcurl (OpenSSL) takes the blobs. */
	kc = test_kc_load(FIX "tls.yaml", "data", NULL);
	test_kc_curl_header(kc, curl, NULL);
	kubeconfig_free(kc);
	curl_easy_cleanup(curl);
}

TEST_GROUP(test_kc_setup, test_kc_teardown);
