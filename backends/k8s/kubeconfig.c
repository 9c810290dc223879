/*
 * kubeconfig.c - reads kubeconfig files the way kubectl does (see
 * kubeconfig.h) and turns the chosen context into what libcurl needs.
 * Each file of the ':'-separated list is loaded and merged into one set
 * by kubeconfig_file.c. The chosen context is then checked here with
 * kubectl's validation rules and copied out; certificates and keys are
 * read into memory. Exec credential plugins run in kubeconfig_exec.c;
 * the credential they give is kept until a little before its
 * expirationTimestamp. One thread at a time per struct kubeconfig (the
 * k8s worker); nothing secret is ever logged.
 */
/* pipe2 and close_range are Linux interfaces. */
#define _GNU_SOURCE
#include "backends/k8s/kubeconfig.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/exec.h"
#include "lib/log.h"
#include "backends/k8s/kubeconfig_int.h"
#include "lib/util.h"
#include "lib/yaml.h"

extern char **environ;

/* ---- small helpers -------------------------------------------------- */

int kc_nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

void kc_wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void kc_blob_free(struct kube_blob *b)
{
	if (b->data != NULL) {
		explicit_bzero(b->data, b->len);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
}

void kc_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void kc_exec_free(struct kube_exec *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->api_version);
	free(e->command);
	kc_strv_free(e->args);
	for (i = 0; e->env != NULL && e->env[i] != NULL; i++)
		kc_wipe_free(e->env[i]);
	free(e->env);
	free(e->install_hint);
	free(e);
}

static size_t kc_strv_len(char **v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

void kc_strv_push(char ***v, char *s)
{
	size_t n = kc_strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

/* Read a whole regular file (at most KC_MAX_FILE), NUL-terminated. 0, or
 * -1 with why set to the reason. */
static int kc_read_file(const char *path, struct kube_blob *out, char *why, size_t whylen)
{
	struct strbuf sb = { 0 };
	struct stat st;
	char buf[8192];
	ssize_t n;
	int fd;

	out->data = NULL;
	out->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		close(fd);
		return -1;
	}
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len + (size_t)n > KC_MAX_FILE) {
			n = -1;
			errno = EFBIG;
			break;
		}
		strbuf_append(&sb, buf, (size_t)n);
	}
	close(fd);
	explicit_bzero(buf, sizeof buf);
	if (n < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		if (sb.buf != NULL)
			explicit_bzero(sb.buf, sb.len);
		strbuf_free(&sb);
		return -1;
	}
	out->len = sb.len;
	out->data = strbuf_detach(&sb);
	return 0;
}

/* Standard base64 (padding optional, whitespace ignored), as Go decodes
 * the []byte fields of a kubeconfig. 0, or -1 on a bad character. */
static int kc_base64(const char *in, struct kube_blob *out)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	int bits = 0, pad = 0;
	const char *p, *c;
	size_t len = 0;
	char *buf;

	buf = xmalloc(strlen(in) / 4 * 3 + 4);
	for (p = in; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (*p == '=') {
			pad++;
			continue;
		}
		c = strchr(alpha, *p);
		if (c == NULL || pad > 0)
			break;
		acc = ((acc << 6) | (unsigned long)(c - alpha)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[len++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (*p != '\0' || pad > 2 || bits >= 6) {
		explicit_bzero(buf, len);
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	out->data = buf;
	out->len = len;
	return 0;
}

static int kc_is_pem(const struct kube_blob *b)
{
	return b->data != NULL && strstr(b->data, "-----BEGIN ") != NULL;
}

/* Drop trailing and leading white space in place (kubectl trims token
 * files). */
static void kc_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* "a, b, c", or "none". Caller frees. */
static char *kc_join_names(char **names, size_t n)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s", i > 0 ? ", " : "", names[i]);
	if (n == 0)
		strbuf_puts(&sb, "none");
	return strbuf_detach(&sb);
}

/* ---- choosing the context ------------------------------------------- */

static int kc_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void kc_add_context_names(struct kubeconfig *kc, const struct kc_set *set)
{
	size_t i;

	kc->contexts = xcalloc(set->ncontexts + 1, sizeof(*kc->contexts));
	for (i = 0; i < set->ncontexts; i++)
		kc->contexts[i] = xstrdup(set->contexts[i].h.name);
	kc->ncontexts = set->ncontexts;
	qsort(kc->contexts, kc->ncontexts, sizeof(*kc->contexts), kc_cmp_str);
}

static void kc_where(char *buf, size_t n, const struct kc_set *set, const struct kc_head *h)
{
	snprintf(buf, n, "%s:%lu", set->files[h->file], h->line);
}

/* A certificate, key or CA from -data (base64) or a file, into out. */
static int kc_load_pem(const char *where, const char *owner, const char *what, const char *file,
		       const char *data, struct kube_blob *out, char *err, size_t errlen)
{
	char why[128];

	if (data != NULL && *data != '\0') {
		if (kc_base64(data, out) < 0) {
			snprintf(err, errlen, "%s: %s: %s-data is not valid base64", where, owner,
				 what);
			return -1;
		}
	} else if (kc_read_file(file, out, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s: %s %s: %s", where, owner, what, file, why);
		return -1;
	}
	if (!kc_is_pem(out)) {
		snprintf(err, errlen, "%s: %s: %s%s is not PEM", where, owner, what,
			 data != NULL && *data != '\0' ? "-data" : "");
		kc_blob_free(out);
		return -1;
	}
	return 0;
}

static int kc_take_cluster(struct kubeconfig *kc, const struct kc_set *set, struct kc_cluster *c,
			   char *err, size_t errlen)
{
	char where[PATH_MAX + 32], owner[300];

	kc_where(where, sizeof where, set, &c->h);
	snprintf(owner, sizeof owner, "cluster \"%s\"", c->h.name);
	if (c->server == NULL || *c->server == '\0') {
		snprintf(err, errlen, "%s: %s has no server", where, owner);
		return -1;
	}
	if (c->ca != NULL && *c->ca != '\0' && c->ca_data != NULL && *c->ca_data != '\0') {
		snprintf(err, errlen,
			 "%s: %s has both certificate-authority and certificate-authority-data",
			 where, owner);
		return -1;
	}
	if (c->insecure &&
	    ((c->ca != NULL && *c->ca != '\0') || (c->ca_data != NULL && *c->ca_data != '\0'))) {
		snprintf(err, errlen,
			 "%s: %s: insecure-skip-tls-verify with a certificate authority is not "
			 "allowed",
			 where, owner);
		return -1;
	}
	if (((c->ca != NULL && *c->ca != '\0') || (c->ca_data != NULL && *c->ca_data != '\0')) &&
	    kc_load_pem(where, owner, "certificate-authority", c->ca, c->ca_data, &kc->ca, err,
			errlen) < 0)
		return -1;
	kc->insecure = c->insecure;
	kc->cluster_name = xstrdup(c->h.name);
	kc->server = xstrdup(c->server);
	if (kc_nonempty(c->proxy_url)) {
		if (strstr(c->proxy_url, "://") == NULL) {
			snprintf(err, errlen, "%s: %s: proxy-url \"%s\" has no scheme", where,
				 owner, c->proxy_url);
			return -1;
		}
		kc->proxy_url = xstrdup(c->proxy_url);
	}
	if (c->tls_server_name != NULL && *c->tls_server_name != '\0')
		kc->tls_server_name = xstrdup(c->tls_server_name);
	return 0;
}

/* tls-server-name: libcurl checks the certificate against the URL's host
 * and has no separate TLS name, so the URL names tls-server-name and
 * CURLOPT_CONNECT_TO sends the connection to the server's real host and
 * port ("https://10.0.0.1:6443" + "kubernetes" -> "https://kubernetes:6443"
 * connecting to 10.0.0.1:6443). 0, or -1 + err on a server URL it cannot
 * split. */
static int kc_apply_tls_name(struct kubeconfig *kc, char *err, size_t errlen)
{
	const char *p = strstr(kc->server, "://"), *host, *hend, *rest;
	char *hostname, *port, *url;

	if (kc->tls_server_name == NULL || p == NULL || strncmp(kc->server, "https", 5) != 0)
		return 0;
	host = p + 3;
	if (*host == '[') {
		hend = strchr(host, ']');
		if (hend == NULL) {
			snprintf(err, errlen, "server \"%s\": unbalanced [", kc->server);
			return -1;
		}
		hend++;
	} else {
		hend = host + strcspn(host, ":/");
	}
	rest = hend;
	if (*rest == ':') {
		size_t n = strspn(rest + 1, "0123456789");

		port = xstrndup(rest + 1, n);
		rest += 1 + n;
	} else {
		port = xstrdup("443");
	}
	hostname = xstrndup(host, (size_t)(hend - host));
	if (strchr(kc->tls_server_name, ':') != NULL || strchr(kc->tls_server_name, '/') != NULL) {
		snprintf(err, errlen, "tls-server-name \"%s\" is not a host name",
			 kc->tls_server_name);
		free(hostname);
		free(port);
		return -1;
	}
	kc->connect_to = xasprintf("%s:%s:%s:%s", kc->tls_server_name, port, hostname, port);
	url = xasprintf("https://%s:%s%s", kc->tls_server_name, port, rest);
	log_msg("kubeconfig: tls-server-name: %s, connecting to %s:%s", url, hostname, port);
	free(kc->server);
	kc->server = url;
	free(hostname);
	free(port);
	return 0;
}

static const char *kc_provider_hint(const char *name)
{
	if (strcmp(name, "gcp") == 0)
		return "gke-gcloud-auth-plugin";
	if (strcmp(name, "azure") == 0 || strcmp(name, "oidc") == 0)
		return "kubelogin";
	return "the provider's exec credential plugin";
}

static int kc_check_exec(const char *where, const char *owner, struct kc_user *u, char *err,
			 size_t errlen)
{
	struct kube_exec *e = u->exec;
	const char *mode = u->exec_mode;

	if (e->command == NULL || *e->command == '\0') {
		snprintf(err, errlen, "%s: %s: exec has no command", where, owner);
		return -1;
	}
	if (e->api_version == NULL || *e->api_version == '\0') {
		snprintf(err, errlen, "%s: %s: exec has no apiVersion", where, owner);
		return -1;
	}
	if (strcmp(e->api_version, KC_API_V1) != 0 && strcmp(e->api_version, KC_API_V1BETA1) != 0) {
		snprintf(err, errlen,
			 "%s: %s: exec apiVersion \"%s\" is not supported (use " KC_API_V1
			 " or " KC_API_V1BETA1 ")",
			 where, owner, e->api_version);
		return -1;
	}
	if (u->exec_env_unnamed) {
		snprintf(err, errlen, "%s: %s: exec env entry without a name", where, owner);
		return -1;
	}
	/* As kubectl: v1 must say; v1beta1 defaults to IfAvailable. */
	if ((mode == NULL || *mode == '\0') && strcmp(e->api_version, KC_API_V1BETA1) == 0)
		mode = "IfAvailable";
	if (mode == NULL || *mode == '\0') {
		snprintf(err, errlen, "%s: %s: exec needs interactiveMode (Never or IfAvailable)",
			 where, owner);
		return -1;
	}
	if (strcmp(mode, "Always") == 0)
		e->interactive = 1;
	else if (strcmp(mode, "Never") != 0 && strcmp(mode, "IfAvailable") != 0) {
		snprintf(err, errlen,
			 "%s: %s: exec interactiveMode \"%s\" is not one of Never, "
			 "IfAvailable, Always",
			 where, owner, mode);
		return -1;
	}
	return 0;
}

/* kubectl's validateAuthInfo, then copy the user's credentials out. */
static int kc_take_user(struct kubeconfig *kc, const struct kc_set *set, struct kc_user *u,
			char *err, size_t errlen)
{
	char where[PATH_MAX + 32], owner[300];
	int has_cert, has_key;

	kc_where(where, sizeof where, set, &u->h);
	snprintf(owner, sizeof owner, "user \"%s\"", u->h.name);
	if (u->auth_provider != NULL) {
		snprintf(err, errlen,
			 "%s: %s: auth-provider \"%s\" is not supported (kubectl removed it); "
			 "use an exec credential plugin such as %s",
			 where, owner, u->auth_provider, kc_provider_hint(u->auth_provider));
		return -1;
	}
	if ((kc_nonempty(u->token) || kc_nonempty(u->token_file)) &&
	    (kc_nonempty(u->username) || kc_nonempty(u->password))) {
		snprintf(err, errlen,
			 "%s: %s: more than one authentication method (token and basic auth)",
			 where, owner);
		return -1;
	}
	has_cert = kc_nonempty(u->cert) || kc_nonempty(u->cert_data);
	has_key = kc_nonempty(u->key) || kc_nonempty(u->key_data);
	if (kc_nonempty(u->cert) && kc_nonempty(u->cert_data)) {
		snprintf(err, errlen,
			 "%s: %s has both client-certificate and client-certificate-data", where,
			 owner);
		return -1;
	}
	if (kc_nonempty(u->key) && kc_nonempty(u->key_data)) {
		snprintf(err, errlen, "%s: %s has both client-key and client-key-data", where,
			 owner);
		return -1;
	}
	if (has_cert != has_key) {
		snprintf(err, errlen, "%s: %s has a client %s without a client %s", where, owner,
			 has_cert ? "certificate" : "key", has_cert ? "key" : "certificate");
		return -1;
	}
	if (u->exec != NULL && kc_check_exec(where, owner, u, err, errlen) < 0)
		return -1;
	if (!kc_nonempty(u->token) && !kc_nonempty(u->token_file) && !kc_nonempty(u->username) &&
	    !has_cert && u->exec == NULL) {
		snprintf(err, errlen, "%s: %s has no credentials", where, owner);
		return -1;
	}
	if (has_cert && (kc_load_pem(where, owner, "client-certificate", u->cert, u->cert_data,
				     &kc->cert, err, errlen) < 0 ||
			 kc_load_pem(where, owner, "client-key", u->key, u->key_data, &kc->key, err,
				     errlen) < 0))
		return -1;
	kc->user_name = xstrdup(u->h.name);
	if (kc_nonempty(u->token)) {
		kc->token = u->token;
		u->token = NULL;
	}
	if (kc_nonempty(u->token_file)) {
		kc->token_file = u->token_file;
		u->token_file = NULL;
	}
	if (kc_nonempty(u->username) || kc_nonempty(u->password)) {
		kc->username = xstrdup(u->username != NULL ? u->username : "");
		kc->password = u->password != NULL ? u->password : xstrdup("");
		u->password = NULL;
	}
	kc->exec = u->exec;
	u->exec = NULL;
	return 0;
}

static struct kc_head *kc_find(void *arr, size_t n, size_t size, const char *name)
{
	struct kc_head *h;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (struct kc_head *)((char *)arr + i * size);
		if (strcmp(h->name, name) == 0)
			return h;
	}
	return NULL;
}

static void kc_set_namespace(struct kubeconfig *kc, const char *ns, const char *context_ns)
{
	if (ns == NULL)
		kc->namespace = kc_nonempty(context_ns) ? xstrdup(context_ns) : NULL;
	else if (*ns == '\0' || strcmp(ns, "all") == 0)
		kc->namespace = NULL;
	else
		kc->namespace = xstrdup(ns);
}

static int kc_choose(struct kubeconfig *kc, struct kc_set *set, const char *context, const char *ns,
		     char *err, size_t errlen)
{
	const char *name = kc_nonempty(context) ? context : set->current;
	struct kc_context *ctx;
	struct kc_cluster *cl;
	struct kc_user *u = NULL;
	char where[PATH_MAX + 32];
	char *list;
	size_t n;

	kc_add_context_names(kc, set);
	if (name == NULL) {
		list = kc_join_names(kc->contexts, kc->ncontexts);
		snprintf(err, errlen, "%s: no current-context and no context chosen (contexts: %s)",
			 kc->source, list);
		free(list);
		return -1;
	}
	ctx = (struct kc_context *)kc_find(set->contexts, set->ncontexts, sizeof(*set->contexts),
					   name);
	if (ctx == NULL) {
		list = kc_join_names(kc->contexts, kc->ncontexts);
		snprintf(err, errlen, "%s: context \"%s\" not found (contexts: %s)", kc->source,
			 name, list);
		free(list);
		return -1;
	}
	kc->context = xstrdup(name);
	kc_where(where, sizeof where, set, &ctx->h);
	if (!kc_nonempty(ctx->cluster)) {
		snprintf(err, errlen, "%s: context \"%s\" has no cluster", where, name);
		return -1;
	}
	cl = (struct kc_cluster *)kc_find(set->clusters, set->nclusters, sizeof(*set->clusters),
					  ctx->cluster);
	if (cl == NULL) {
		snprintf(err, errlen, "%s: context \"%s\": cluster \"%s\" not found", where, name,
			 ctx->cluster);
		return -1;
	}
	if (kc_nonempty(ctx->user)) {
		u = (struct kc_user *)kc_find(set->users, set->nusers, sizeof(*set->users),
					      ctx->user);
		if (u == NULL) {
			snprintf(err, errlen, "%s: context \"%s\": user \"%s\" not found", where,
				 name, ctx->user);
			return -1;
		}
	}
	if (kc_take_cluster(kc, set, cl, err, errlen) < 0)
		return -1;
	/* No user: anonymous, as kubectl allows (kubectl proxy, say). */
	if (u != NULL && kc_take_user(kc, set, u, err, errlen) < 0)
		return -1;
	kc_set_namespace(kc, ns, ctx->namespace);
	/* rest.DefaultServerURL: a server without a scheme is https when
	 * TLS is set up, else http. */
	if (strstr(kc->server, "://") == NULL) {
		char *url = xasprintf("%s://%s",
				      kc->ca.len > 0 || kc->cert.len > 0 || kc->insecure ||
						      kc->tls_server_name != NULL
					      ? "https"
					      : "http",
				      kc->server);

		free(kc->server);
		kc->server = url;
	}
	n = strlen(kc->server);
	while (n > 0 && kc->server[n - 1] == '/')
		kc->server[--n] = '\0';
	return kc_apply_tls_name(kc, err, errlen);
}

/* ---- in-cluster ----------------------------------------------------- */

static char *kc_home_config(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home == NULL || *home == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.kube/config", home);
}

/* The service account of a pod (rest.InClusterConfig), when there is
 * one: 1 set up, 0 not in a cluster (why says so), -1 error. */
static int kc_in_cluster(struct kubeconfig *kc, const char *context, const char *ns, char *why,
			 size_t whylen, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = getenv("AMCONSOLE_SA_DIR");
	struct kube_blob nsfile;
	struct stat st = { 0 };
	char *path, tmp[128];
	const char *podns;

	if (!kc_nonempty(dir))
		dir = KC_SA_DIR;
	if (!kc_nonempty(host) || !kc_nonempty(port)) {
		snprintf(why, whylen,
			 "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not "
			 "set");
		return 0;
	}
	path = xasprintf("%s/token", dir);
	if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s: %s", path,
			 S_ISDIR(st.st_mode) ? "a directory" : strerror(errno));
		free(path);
		return 0;
	}
	kc->source = xstrdup("in-cluster");
	kc->contexts = xcalloc(2, sizeof(*kc->contexts));
	kc->contexts[0] = xstrdup("in-cluster");
	kc->ncontexts = 1;
	if (kc_nonempty(context) && strcmp(context, "in-cluster") != 0) {
		snprintf(err, errlen, "in-cluster: context \"%s\" not found (contexts: in-cluster)",
			 context);
		free(path);
		return -1;
	}
	kc->context = xstrdup("in-cluster");
	kc->cluster_name = xstrdup("in-cluster");
	kc->user_name = xstrdup("in-cluster");
	kc->token_file = path;
	kc->server = strchr(host, ':') != NULL ? xasprintf("https://[%s]:%s", host, port)
					       : xasprintf("https://%s:%s", host, port);
	path = xasprintf("%s/ca.crt", dir);
	if (kc_read_file(path, &kc->ca, tmp, sizeof tmp) < 0 || !kc_is_pem(&kc->ca)) {
		/* As client-go: without it the system CAs are used. */
		log_msg("kubeconfig: in-cluster: %s: %s; using the system CAs", path,
			kc->ca.data != NULL ? "not PEM" : tmp);
		kc_blob_free(&kc->ca);
	}
	free(path);
	if (ns == NULL) {
		/* kubectl's in-cluster namespace: POD_NAMESPACE, the file, "default". */
		podns = getenv("POD_NAMESPACE");
		if (kc_nonempty(podns)) {
			kc->namespace = xstrdup(podns);
		} else {
			path = xasprintf("%s/namespace", dir);
			if (kc_read_file(path, &nsfile, tmp, sizeof tmp) == 0) {
				kc_trim(nsfile.data);
				if (*nsfile.data != '\0')
					kc->namespace = xstrdup(nsfile.data);
				kc_blob_free(&nsfile);
			}
			free(path);
			if (kc->namespace == NULL)
				kc->namespace = xstrdup("default");
		}
	} else {
		kc_set_namespace(kc, ns, NULL);
	}
	return 1;
}

/* ---- load ----------------------------------------------------------- */

int kubeconfig_load(const char *paths, const char *context, const char *ns, struct kubeconfig **out,
		    char *err, size_t errlen)
{
	struct kc_set set;
	struct kubeconfig *kc;
	struct strbuf tried = { 0 }, src = { 0 };
	char *list, *save = NULL, *p, *file, *home = NULL;
	char why[PATH_MAX + 64];
	size_t i;
	int rc = 0, r, dup;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	memset(&set, 0, sizeof set);
	kc = xcalloc(1, sizeof(*kc));
	if (!kc_nonempty(paths)) {
		home = kc_home_config();
		r = kc_load_file(&set, home, err, errlen);
		if (r == 0) {
			r = kc_in_cluster(kc, context, ns, why, sizeof why, err, errlen);
			if (r == 0)
				snprintf(err, errlen,
					 "no kubeconfig: %s does not exist, and not in a cluster "
					 "(%s)",
					 home, why);
			free(home);
			kc_set_free(&set);
			if (r <= 0) {
				kubeconfig_free(kc);
				return -1;
			}
			log_msg("kubeconfig: in-cluster, server %s, namespace %s", kc->server,
				kc->namespace != NULL ? kc->namespace : "(all)");
			*out = kc;
			return 0;
		}
		free(home);
		rc = r < 0 ? -1 : 0;
	} else {
		list = xstrdup(paths);
		for (p = strtok_r(list, ":", &save); p != NULL && rc == 0;
		     p = strtok_r(NULL, ":", &save)) {
			file = util_expand_home(p);
			/* kubectl de-duplicates the list. */
			for (i = 0, dup = 0; i < set.nfiles; i++)
				dup |= strcmp(set.files[i], file) == 0;
			if (!dup) {
				r = kc_load_file(&set, file, err, errlen);
				if (r < 0)
					rc = -1;
				else if (r == 0)
					strbuf_printf(&tried, "%s%s", tried.len > 0 ? ", " : "",
						      file);
			}
			free(file);
		}
		free(list);
		if (rc == 0 && set.nfiles == 0) {
			snprintf(err, errlen, "kubeconfig not found: %s",
				 tried.buf != NULL ? tried.buf : paths);
			rc = -1;
		}
		strbuf_free(&tried);
	}
	if (rc == 0) {
		for (i = 0; i < set.nfiles; i++)
			strbuf_printf(&src, "%s%s", i > 0 ? ":" : "", set.files[i]);
		kc->source = strbuf_detach(&src);
		rc = kc_choose(kc, &set, context, ns, err, errlen);
	}
	kc_set_free(&set);
	if (rc < 0) {
		kubeconfig_free(kc);
		return -1;
	}
	log_msg("kubeconfig: %s: context %s, cluster %s, user %s, server %s, namespace %s",
		kc->source, kc->context, kc->cluster_name,
		kc->user_name != NULL ? kc->user_name : "(none)", kc->server,
		kc->namespace != NULL ? kc->namespace : "(all)");
	*out = kc;
	return 0;
}

void kubeconfig_expire(struct kubeconfig *kc)
{
	if (kc == NULL)
		return;
	kc_wipe_free(kc->exec_token);
	kc->exec_token = NULL;
	kc_blob_free(&kc->exec_cert);
	kc_blob_free(&kc->exec_key);
	kc->exec_expiry = 0;
}

void kubeconfig_free(struct kubeconfig *kc)
{
	if (kc == NULL)
		return;
	kubeconfig_expire(kc);
	free(kc->source);
	free(kc->context);
	free(kc->cluster_name);
	free(kc->user_name);
	free(kc->server);
	free(kc->namespace);
	kc_blob_free(&kc->ca);
	kc_blob_free(&kc->cert);
	kc_blob_free(&kc->key);
	free(kc->tls_server_name);
	free(kc->connect_to);
	curl_slist_free_all(kc->connect_to_list);
	kc_wipe_free(kc->proxy_url); /* may hold user:password */
	kc_wipe_free(kc->token);
	free(kc->token_file);
	free(kc->username);
	kc_wipe_free(kc->password);
	kc_exec_free(kc->exec);
	kc_strv_free(kc->contexts);
	kc_wipe_free(kc->file_token);
	free(kc);
}

/* ---- using the credentials ------------------------------------------ */

static int kc_cached(const struct kubeconfig *kc)
{
	if (kc->exec_token == NULL && kc->exec_cert.len == 0)
		return 0;
	return kc->exec_expiry == 0 || util_wall() < kc->exec_expiry - KC_EARLY;
}

int kubeconfig_token(struct kubeconfig *kc, double timeout, const char **token, char *err,
		     size_t errlen)
{
	struct kube_blob file;
	struct strbuf out = { 0 };
	char why[128];
	int rc;

	*token = NULL;
	if (kc_nonempty(kc->token)) {
		*token = kc->token;
		return 0;
	}
	if (kc_nonempty(kc->token_file)) {
		if (kc_read_file(kc->token_file, &file, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: tokenFile %s: %s", kc->source, kc->token_file,
				 why);
			return -1;
		}
		kc_trim(file.data);
		if (*file.data == '\0' || strpbrk(file.data, "\r\n") != NULL) {
			snprintf(err, errlen, "%s: tokenFile %s: %s", kc->source, kc->token_file,
				 *file.data == '\0' ? "empty" : "holds more than one line");
			kc_blob_free(&file);
			return -1;
		}
		kc_wipe_free(kc->file_token);
		kc->file_token = file.data;
		*token = kc->file_token;
		return 0;
	}
	/* As client-go: a configured token, basic auth or client
	 * certificate means the exec plugin is not used. */
	if (kc->exec == NULL || kc->username != NULL || kc->cert.len > 0)
		return 0;
	if (!kc_cached(kc)) {
		rc = kc_plugin_run(kc, timeout, &out, err, errlen);
		if (rc == 0)
			rc = kubeconfig_parse_exec_credential(kc, out.buf != NULL ? out.buf : "",
							      out.len, err, errlen);
		if (out.buf != NULL)
			explicit_bzero(out.buf, out.len);
		strbuf_free(&out);
		if (rc < 0)
			return -1;
	}
	*token = kc->exec_token;
	return 0;
}

static int kc_setopt_blob(CURL *curl, CURLoption opt, const struct kube_blob *b, const char *what,
			  char *err, size_t errlen)
{
	struct curl_blob blob = { b->data, b->len, CURL_BLOB_COPY };
	CURLcode rc = curl_easy_setopt(curl, opt, &blob);

	if (rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot take the %s from memory: %s", what,
			 curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* 1 if the server is plain http:// to a host other than this machine's
 * loopback (kubectl proxy on localhost is fine): no credential may go
 * there in clear text. */
static int kc_cleartext(const struct kubeconfig *kc)
{
	static const char *const local[] = { "localhost", "[::1]", NULL };
	const char *host;
	size_t i, n;

	if (strncmp(kc->server, "http://", 7) != 0)
		return 0;
	host = kc->server + 7;
	n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	if (n > 4 && strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n)
		return 0;
	for (i = 0; local[i] != NULL; i++)
		if (n == strlen(local[i]) && strncmp(host, local[i], n) == 0)
			return 0;
	return 1;
}

int kubeconfig_curl(struct kubeconfig *kc, void *curl, void *headers, double timeout, char *err,
		    size_t errlen)
{
	struct curl_slist **hdrs = headers, *n;
	const struct kube_blob *cert, *key;
	const char *token;
	char *line;

	if (kc_cleartext(kc) && (kc->token != NULL || kc->token_file != NULL || kc->exec != NULL ||
				 kc->username != NULL)) {
		snprintf(err, errlen,
			 "%s: refusing to send credentials in clear text to a host that is not "
			 "this machine (use https)",
			 kc->server);
		return -1;
	}
	if (kubeconfig_token(kc, timeout, &token, err, errlen) < 0)
		return -1;
	if (kc->ca.len > 0 && kc_setopt_blob(curl, CURLOPT_CAINFO_BLOB, &kc->ca,
					     "certificate authority", err, errlen) < 0)
		return -1;
	if (kc->proxy_url != NULL)
		curl_easy_setopt(curl, CURLOPT_PROXY, kc->proxy_url);
	if (kc->connect_to != NULL) {
		if (kc->connect_to_list == NULL)
			kc->connect_to_list = curl_slist_append(NULL, kc->connect_to);
		curl_easy_setopt(curl, CURLOPT_CONNECT_TO, kc->connect_to_list);
	}
	if (kc->insecure) {
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	cert = kc->cert.len > 0 ? &kc->cert : &kc->exec_cert;
	key = kc->cert.len > 0 ? &kc->key : &kc->exec_key;
	if (cert->len > 0) {
		if (kc_setopt_blob(curl, CURLOPT_SSLCERT_BLOB, cert, "client certificate", err,
				   errlen) < 0 ||
		    kc_setopt_blob(curl, CURLOPT_SSLKEY_BLOB, key, "client key", err, errlen) < 0)
			return -1;
		curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (kc->username != NULL) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, kc->username);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, kc->password != NULL ? kc->password : "");
	}
	if (token != NULL) {
		if (strpbrk(token, "\r\n") != NULL) {
			snprintf(err, errlen, "%s: user \"%s\": token holds a line break",
				 kc->source, kc->user_name != NULL ? kc->user_name : "");
			return -1;
		}
		line = xasprintf("Authorization: Bearer %s", token);
		n = curl_slist_append(*hdrs, line);
		kc_wipe_free(line);
		if (n == NULL)
			util_die("curl_slist_append: out of memory");
		*hdrs = n;
	}
	return 0;
}
