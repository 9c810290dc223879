/*
 * kubeconfig.c - reads kubeconfig files the way kubectl does (see
 * kubeconfig.h) and turns the chosen context into what libcurl needs.
 * Each file of the ':'-separated list is loaded whole with libyaml's
 * document API and walked against the fixed kubeconfig schema; paths in
 * it are made absolute against the file's directory, and its entries are
 * merged into one set where the first file to name a cluster, user or
 * context wins (inside one file the last entry of a name wins, as
 * kubectl's list-to-map conversion does). The chosen context is then
 * checked with kubectl's validation rules and copied out; certificates
 * and keys are read into memory. Exec credential plugins run here too:
 * forked with an argv (never a shell) into their own process group,
 * stdin /dev/null, stdout and stderr read with poll until they end or the
 * deadline kills the group, then reaped. The credential is kept until a
 * little before its expirationTimestamp. One thread at a time per
 * struct kubeconfig (the k8s worker); nothing secret is ever logged.
 */
/* pipe2 and close_range are Linux interfaces. */
#define _GNU_SOURCE
#include "backends/kubeconfig.h"

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
#include "lib/util.h"
#include "lib/yaml.h"

extern char **environ;

#define KC_MAX_FILE ((size_t)4 << 20) /* biggest kubeconfig, certificate or token file */
#define KC_MAX_OUT ((size_t)1 << 20)  /* an exec plugin's stdout */
#define KC_MAX_ERR 4096               /* of its stderr, kept for the message */
#define KC_EARLY 10.0                 /* refresh an exec credential this early */
#define KC_DEFAULT_TIMEOUT 30.0
#define KC_DRAIN 0.5 /* reading on after the plugin exits */
#define KC_TICK_MS 100
#define KC_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define KC_API_V1 "client.authentication.k8s.io/v1"
#define KC_API_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* What every merged entry starts with. */
struct kc_head {
	char *name;
	int file;           /* index into kc_set.files: precedence */
	unsigned long line; /* of the list item */
};

struct kc_cluster {
	struct kc_head h;
	char *server;
	char *ca; /* absolute */
	char *ca_data;
	int insecure;
	char *tls_server_name;
	char *proxy_url;
};

struct kc_user {
	struct kc_head h;
	char *token;
	char *token_file; /* absolute */
	char *username;
	char *password;
	char *cert, *cert_data; /* cert, key: absolute */
	char *key, *key_data;
	char *auth_provider; /* its name; "" when it has none */
	struct kube_exec *exec;
	char *exec_mode; /* interactiveMode as written */
	size_t nexec_env;
	int exec_env_unnamed;
};

struct kc_context {
	struct kc_head h;
	char *cluster;
	char *user;
	char *namespace;
};

/* The merged content of every file read. */
struct kc_set {
	char **files; /* paths as given, in list order */
	size_t nfiles;
	struct kc_cluster *clusters;
	size_t nclusters;
	struct kc_user *users;
	size_t nusers;
	struct kc_context *contexts;
	size_t ncontexts;
	char *current; /* the first file's non-empty current-context */
};

/* One file being walked. */
struct kc_loader {
	struct yaml_loader y; /* file, document, error buffer */
	char *dir;            /* the file's directory, absolute */
	int index;
	struct kc_set *set;
};

/* ---- small helpers -------------------------------------------------- */

static int kc_nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

static void kc_wipe_free(char *s)
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

static void kc_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void kc_exec_free(struct kube_exec *e)
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

static void kc_strv_push(char ***v, char *s)
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

/* ---- walking one file ----------------------------------------------- */

/* dir + "/" + rel, cleaned lexically like Go's filepath.Join: no "."
 * segments, ".." taking one off, no doubled '/'. dir is absolute. */
static char *kc_join(const char *dir, const char *rel)
{
	char *in = xasprintf("%s/%s", dir, rel), *out = xmalloc(strlen(in) + 2);
	const char *p = in, *seg;
	size_t len = 0, n;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		seg = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before it; "/.." stays "/" */
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, seg, n);
		len += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(in);
	return out;
}

/* A path field: made absolute against the file's directory, as
 * kubectl's ResolveLocalPaths does. */
static int kc_path(struct kc_loader *ld, yaml_node_t *node, const char *path, char **out)
{
	char *abs;

	if (yaml_get_string(&ld->y, node, path, out) < 0)
		return -1;
	if (*out != NULL && **out != '\0' && **out != '/') {
		abs = kc_join(ld->dir, *out);
		free(*out);
		*out = abs;
	}
	return 0;
}

/* YAML 1.1 booleans, as kubectl's decoder accepts them. */
static int kc_bool(struct kc_loader *ld, yaml_node_t *node, const char *path, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes",
					   "YES",  "on",   "On",   "ON",  NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",  "No",
					  "NO",    "off",   "Off",   "OFF", NULL };
	size_t i;

	*out = 0;
	if (yaml_is_null(node))
		return 0;
	if (node->type == YAML_SCALAR_NODE) {
		for (i = 0; yes[i] != NULL; i++)
			if (strcmp(yaml_text(node), yes[i]) == 0) {
				*out = 1;
				return 0;
			}
		for (i = 0; no[i] != NULL; i++)
			if (strcmp(yaml_text(node), no[i]) == 0)
				return 0;
	}
	return yaml_fail(&ld->y, node, path, "expected true or false");
}

static int kc_want(struct kc_loader *ld, yaml_node_t *node, const char *path, yaml_node_type_t t)
{
	if (node->type == t)
		return 0;
	return yaml_fail(&ld->y, node, path, "expected %s, got %s",
			 t == YAML_MAPPING_NODE ? "a map" : "a list", yaml_kind(node));
}

/* The value of a mapping pair whose key is a scalar, else NULL. */
static const char *kc_pair_key(struct kc_loader *ld, yaml_node_pair_t *pair, yaml_node_t **value)
{
	yaml_node_t *k = yaml_document_get_node(ld->y.doc, pair->key);

	*value = yaml_document_get_node(ld->y.doc, pair->value);
	if (k == NULL || k->type != YAML_SCALAR_NODE || *value == NULL)
		return NULL;
	return yaml_text(k);
}

/* Fixed string/bool/path fields of one map, by table. */
enum kc_type { KC_STR, KC_PATH, KC_BOOL };

struct kc_field {
	const char *key;
	enum kc_type type;
	size_t off;
};

static const struct kc_field kc_cluster_fields[] = {
	{ "server", KC_STR, offsetof(struct kc_cluster, server) },
	{ "certificate-authority", KC_PATH, offsetof(struct kc_cluster, ca) },
	{ "certificate-authority-data", KC_STR, offsetof(struct kc_cluster, ca_data) },
	{ "insecure-skip-tls-verify", KC_BOOL, offsetof(struct kc_cluster, insecure) },
	{ "tls-server-name", KC_STR, offsetof(struct kc_cluster, tls_server_name) },
	{ "proxy-url", KC_STR, offsetof(struct kc_cluster, proxy_url) },
	{ NULL, KC_STR, 0 },
};

static const struct kc_field kc_user_fields[] = {
	{ "token", KC_STR, offsetof(struct kc_user, token) },
	{ "tokenFile", KC_PATH, offsetof(struct kc_user, token_file) },
	{ "username", KC_STR, offsetof(struct kc_user, username) },
	{ "password", KC_STR, offsetof(struct kc_user, password) },
	{ "client-certificate", KC_PATH, offsetof(struct kc_user, cert) },
	{ "client-certificate-data", KC_STR, offsetof(struct kc_user, cert_data) },
	{ "client-key", KC_PATH, offsetof(struct kc_user, key) },
	{ "client-key-data", KC_STR, offsetof(struct kc_user, key_data) },
	{ NULL, KC_STR, 0 },
};

static const struct kc_field kc_context_fields[] = {
	{ "cluster", KC_STR, offsetof(struct kc_context, cluster) },
	{ "user", KC_STR, offsetof(struct kc_context, user) },
	{ "namespace", KC_STR, offsetof(struct kc_context, namespace) },
	{ NULL, KC_STR, 0 },
};

/* Keys outside the table: 0 ignored or handled, -1 error. */
typedef int (*kc_extra_fn)(struct kc_loader *ld, void *obj, const char *key, yaml_node_t *value,
			   const char *path);

static int kc_fields(struct kc_loader *ld, yaml_node_t *node, const char *path,
		     const struct kc_field *fields, void *obj, kc_extra_fn extra)
{
	yaml_node_pair_t *pair;
	yaml_node_t *value;
	const char *key;
	char sub[256];
	size_t i;
	int rc;

	if (yaml_is_null(node))
		return 0;
	if (kc_want(ld, node, path, YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(ld, pair, &value);
		if (key == NULL)
			continue;
		snprintf(sub, sizeof sub, "%.180s.%.60s", path, key);
		for (i = 0; fields[i].key != NULL && strcmp(fields[i].key, key) != 0; i++)
			;
		if (fields[i].key == NULL) {
			rc = extra != NULL ? extra(ld, obj, key, value, sub) : 0;
		} else if (fields[i].type == KC_BOOL) {
			rc = kc_bool(ld, value, sub, (int *)((char *)obj + fields[i].off));
		} else if (fields[i].type == KC_PATH) {
			rc = kc_path(ld, value, sub, (char **)((char *)obj + fields[i].off));
		} else {
			rc = yaml_get_string(&ld->y, value, sub,
					     (char **)((char *)obj + fields[i].off));
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int kc_exec_args(struct kc_loader *ld, struct kube_exec *e, yaml_node_t *node,
			const char *path)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	char sub[256];
	char *s = NULL;

	if (yaml_is_null(node))
		return 0;
	if (kc_want(ld, node, path, YAML_SEQUENCE_NODE) < 0)
		return -1;
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		item = yaml_document_get_node(ld->y.doc, *it);
		snprintf(sub, sizeof sub, "%.200s[%ld]", path,
			 (long)(it - node->data.sequence.items.start));
		if (item == NULL || yaml_get_string(&ld->y, item, sub, &s) < 0)
			return -1;
		kc_strv_push(&e->args, s != NULL ? s : xstrdup(""));
		s = NULL;
	}
	return 0;
}

static int kc_exec_env(struct kc_loader *ld, struct kc_user *u, yaml_node_t *node, const char *path)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pair;
	yaml_node_t *item, *value;
	const char *key;
	char *name, *val;
	char sub[256], sub2[300];
	int rc = 0;

	if (yaml_is_null(node))
		return 0;
	if (kc_want(ld, node, path, YAML_SEQUENCE_NODE) < 0)
		return -1;
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		item = yaml_document_get_node(ld->y.doc, *it);
		snprintf(sub, sizeof sub, "%.200s[%ld]", path,
			 (long)(it - node->data.sequence.items.start));
		if (item == NULL || kc_want(ld, item, sub, YAML_MAPPING_NODE) < 0)
			return -1;
		name = val = NULL;
		for (pair = item->data.mapping.pairs.start;
		     rc == 0 && pair < item->data.mapping.pairs.top; pair++) {
			key = kc_pair_key(ld, pair, &value);
			snprintf(sub2, sizeof sub2, "%s.%.40s", sub, key != NULL ? key : "?");
			if (key != NULL && strcmp(key, "name") == 0)
				rc = yaml_get_string(&ld->y, value, sub2, &name);
			else if (key != NULL && strcmp(key, "value") == 0)
				rc = yaml_get_string(&ld->y, value, sub2, &val);
		}
		if (rc == 0 && name != NULL && strchr(name, '=') != NULL)
			rc = yaml_fail(&ld->y, item, sub, "env name \"%s\" holds '='", name);
		if (rc == 0) {
			if (name == NULL || *name == '\0')
				u->exec_env_unnamed = 1;
			else
				kc_strv_push(&u->exec->env,
					     xasprintf("%s=%s", name, val != NULL ? val : ""));
		}
		free(name);
		kc_wipe_free(val);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int kc_exec_extra(struct kc_loader *ld, void *obj, const char *key, yaml_node_t *value,
			 const char *path)
{
	struct kc_user *u = obj;

	if (strcmp(key, "args") == 0)
		return kc_exec_args(ld, u->exec, value, path);
	if (strcmp(key, "env") == 0)
		return kc_exec_env(ld, u, value, path);
	if (strcmp(key, "interactiveMode") == 0)
		return yaml_get_string(&ld->y, value, path, &u->exec_mode);
	return 0;
}

static const struct kc_field kc_exec_fields[] = {
	{ "apiVersion", KC_STR, offsetof(struct kube_exec, api_version) },
	{ "command", KC_STR, offsetof(struct kube_exec, command) },
	{ "installHint", KC_STR, offsetof(struct kube_exec, install_hint) },
	{ NULL, KC_STR, 0 },
};

/* kc_fields on the exec map: its table fields land in u->exec, the rest
 * go through kc_exec_extra with u. */
static int kc_exec_walk(struct kc_loader *ld, yaml_node_t *node, const char *path,
			struct kc_user *u)
{
	yaml_node_pair_t *pair;
	yaml_node_t *value;
	const char *key;
	char sub[256];
	size_t i;

	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(ld, pair, &value);
		if (key == NULL)
			continue;
		snprintf(sub, sizeof sub, "%.180s.%.60s", path, key);
		for (i = 0; kc_exec_fields[i].key != NULL; i++)
			if (strcmp(kc_exec_fields[i].key, key) == 0)
				break;
		if (kc_exec_fields[i].key != NULL) {
			if (yaml_get_string(&ld->y, value, sub,
					    (char **)((char *)u->exec + kc_exec_fields[i].off)) < 0)
				return -1;
		} else if (kc_exec_extra(ld, u, key, value, sub) < 0) {
			return -1;
		}
	}
	return 0;
}

static int kc_user_extra(struct kc_loader *ld, void *obj, const char *key, yaml_node_t *value,
			 const char *path)
{
	struct kc_user *u = obj;
	yaml_node_pair_t *pair;
	yaml_node_t *v;
	const char *k;

	if (strcmp(key, "exec") == 0) {
		/* A repeated key replaces the earlier plugin, as for strings. */
		kc_exec_free(u->exec);
		u->exec = NULL;
		free(u->exec_mode);
		u->exec_mode = NULL;
		u->exec_env_unnamed = 0;
		if (yaml_is_null(value))
			return 0;
		if (kc_want(ld, value, path, YAML_MAPPING_NODE) < 0)
			return -1;
		u->exec = xcalloc(1, sizeof(*u->exec));
		if (kc_exec_walk(ld, value, path, u) < 0)
			return -1;
		/* A relative command with a '/' is relative to this file;
		 * a bare name is looked up in PATH when it runs. */
		if (u->exec->command != NULL && strchr(u->exec->command, '/') != NULL &&
		    u->exec->command[0] != '/') {
			char *abs = kc_join(ld->dir, u->exec->command);

			free(u->exec->command);
			u->exec->command = abs;
		}
		return 0;
	}
	if (strcmp(key, "auth-provider") == 0) {
		if (yaml_is_null(value))
			return 0;
		if (kc_want(ld, value, path, YAML_MAPPING_NODE) < 0)
			return -1;
		free(u->auth_provider);
		u->auth_provider = xstrdup("");
		for (pair = value->data.mapping.pairs.start; pair < value->data.mapping.pairs.top;
		     pair++) {
			k = kc_pair_key(ld, pair, &v);
			if (k != NULL && strcmp(k, "name") == 0 && v->type == YAML_SCALAR_NODE) {
				free(u->auth_provider);
				u->auth_provider = xstrdup(yaml_text(v));
			}
		}
	}
	return 0;
}

static void kc_cluster_clear(struct kc_cluster *c)
{
	free(c->h.name);
	free(c->server);
	free(c->ca);
	free(c->ca_data);
	free(c->tls_server_name);
	free(c->proxy_url);
	memset(c, 0, sizeof(*c));
}

static void kc_user_clear(struct kc_user *u)
{
	free(u->h.name);
	kc_wipe_free(u->token);
	free(u->token_file);
	free(u->username);
	kc_wipe_free(u->password);
	free(u->cert);
	free(u->cert_data);
	free(u->key);
	kc_wipe_free(u->key_data);
	free(u->auth_provider);
	kc_exec_free(u->exec);
	free(u->exec_mode);
	memset(u, 0, sizeof(*u));
}

static void kc_context_clear(struct kc_context *c)
{
	free(c->h.name);
	free(c->cluster);
	free(c->user);
	free(c->namespace);
	memset(c, 0, sizeof(*c));
}

/* The slot for entry `name` from file `file` in an array of structs that
 * start with a kc_head: a new one, this file's earlier entry of the name
 * (cleared: the later one in a file wins), or NULL when an earlier file
 * has the name (the first file wins). */
static void *kc_slot(void **arr, size_t *n, size_t size, const char *name, int file,
		     void (*clear)(void *))
{
	struct kc_head *h;
	char *base;
	size_t i;

	for (i = 0; i < *n; i++) {
		h = (struct kc_head *)((char *)*arr + i * size);
		if (strcmp(h->name, name) == 0) {
			if (h->file != file)
				return NULL;
			clear(h);
			return h;
		}
	}
	*arr = xrealloc(*arr, (*n + 1) * size);
	base = (char *)*arr + (*n)++ * size;
	memset(base, 0, size);
	return base;
}

static void kc_cluster_clear_v(void *p)
{
	kc_cluster_clear(p);
}

static void kc_user_clear_v(void *p)
{
	kc_user_clear(p);
}

static void kc_context_clear_v(void *p)
{
	kc_context_clear(p);
}

enum kc_list { KC_CLUSTERS, KC_USERS, KC_CONTEXTS };

/* One item of clusters/users/contexts: {name: N, cluster|user|context: {…}}. */
static int kc_item(struct kc_loader *ld, enum kc_list which, yaml_node_t *item, const char *path)
{
	static const char *const inner_key[] = { "cluster", "user", "context" };
	struct kc_set *set = ld->set;
	yaml_node_pair_t *pair;
	yaml_node_t *value, *inner = NULL, *name_node = NULL;
	struct kc_head *h;
	const char *key;
	char *name = NULL;
	char sub[256];
	int rc;

	if (kc_want(ld, item, path, YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = item->data.mapping.pairs.start; pair < item->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(ld, pair, &value);
		if (key != NULL && strcmp(key, "name") == 0)
			name_node = value;
		else if (key != NULL && strcmp(key, inner_key[which]) == 0)
			inner = value;
	}
	snprintf(sub, sizeof sub, "%.200s.name", path);
	if (name_node != NULL && yaml_get_string(&ld->y, name_node, sub, &name) < 0)
		return -1;
	if (name == NULL || *name == '\0') {
		free(name);
		return yaml_fail(&ld->y, item, path, "no name");
	}
	if (which == KC_CLUSTERS)
		h = kc_slot((void **)&set->clusters, &set->nclusters, sizeof(*set->clusters), name,
			    ld->index, kc_cluster_clear_v);
	else if (which == KC_USERS)
		h = kc_slot((void **)&set->users, &set->nusers, sizeof(*set->users), name,
			    ld->index, kc_user_clear_v);
	else
		h = kc_slot((void **)&set->contexts, &set->ncontexts, sizeof(*set->contexts), name,
			    ld->index, kc_context_clear_v);
	if (h == NULL) {
		free(name); /* an earlier file's entry wins */
		return 0;
	}
	h->name = name;
	h->file = ld->index;
	h->line = (unsigned long)item->start_mark.line + 1;
	if (inner == NULL)
		return 0;
	snprintf(sub, sizeof sub, "%.200s.%s", path, inner_key[which]);
	if (which == KC_CLUSTERS)
		rc = kc_fields(ld, inner, sub, kc_cluster_fields, h, NULL);
	else if (which == KC_USERS)
		rc = kc_fields(ld, inner, sub, kc_user_fields, h, kc_user_extra);
	else
		rc = kc_fields(ld, inner, sub, kc_context_fields, h, NULL);
	return rc;
}

static int kc_walk(struct kc_loader *ld, yaml_node_t *root)
{
	static const char *const lists[] = { "clusters", "users", "contexts" };
	yaml_node_pair_t *pair;
	yaml_node_item_t *it;
	yaml_node_t *value, *item;
	const char *key;
	char *cur = NULL;
	char sub[64];
	size_t i;

	if (yaml_is_null(root))
		return 0;
	if (kc_want(ld, root, "top level", YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(ld, pair, &value);
		if (key == NULL)
			continue;
		if (strcmp(key, "current-context") == 0) {
			if (yaml_get_string(&ld->y, value, key, &cur) < 0)
				return -1;
			if (ld->set->current == NULL && cur != NULL && *cur != '\0') {
				ld->set->current = cur;
				cur = NULL;
			}
			free(cur);
			cur = NULL;
			continue;
		}
		for (i = 0; i < 3 && strcmp(key, lists[i]) != 0; i++)
			;
		if (i == 3 || yaml_is_null(value))
			continue;
		if (kc_want(ld, value, key, YAML_SEQUENCE_NODE) < 0)
			return -1;
		for (it = value->data.sequence.items.start; it < value->data.sequence.items.top;
		     it++) {
			item = yaml_document_get_node(ld->y.doc, *it);
			snprintf(sub, sizeof sub, "%s[%ld]", key,
				 (long)(it - value->data.sequence.items.start));
			if (item == NULL || kc_item(ld, (enum kc_list)i, item, sub) < 0)
				return -1;
		}
	}
	return 0;
}

/* The absolute directory of path (filepath.Abs(filepath.Dir(path))). */
static char *kc_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char cwd[PATH_MAX];
	char *dir, *abs;

	dir = slash != NULL ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (dir[0] == '/')
		abs = kc_join(dir, ".");
	else if (getcwd(cwd, sizeof cwd) != NULL)
		abs = kc_join(cwd, dir);
	else
		abs = kc_join("/", dir);
	free(dir);
	return abs;
}

/* Load one file into the set. 1 loaded, 0 missing (ENOENT), -1 error. */
static int kc_load_file(struct kc_set *set, const char *path, char *err, size_t errlen)
{
	struct kc_loader ld = { .index = (int)set->nfiles, .set = set };
	yaml_node_t *root;
	int rc;

	rc = yaml_load(&ld.y, path, YAML_LOAD_ONE_DOC | YAML_LOAD_MISSING_OK, err, errlen, &root);
	if (rc <= 0)
		return rc;
	set->files = xrealloc(set->files, (set->nfiles + 1) * sizeof(*set->files));
	set->files[set->nfiles++] = xstrdup(path);
	ld.dir = kc_dir_of(path);
	rc = root != NULL ? kc_walk(&ld, root) : 0;
	free(ld.dir);
	yaml_unload(&ld.y);
	return rc < 0 ? -1 : 1;
}

static void kc_set_free(struct kc_set *set)
{
	size_t i;

	for (i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	for (i = 0; i < set->nclusters; i++)
		kc_cluster_clear(&set->clusters[i]);
	free(set->clusters);
	for (i = 0; i < set->nusers; i++)
		kc_user_clear(&set->users[i]);
	free(set->users);
	for (i = 0; i < set->ncontexts; i++)
		kc_context_clear(&set->contexts[i]);
	free(set->contexts);
	free(set->current);
	memset(set, 0, sizeof(*set));
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

/* ---- exec credential plugins ---------------------------------------- */

static void kc_plugin_err(struct kubeconfig *kc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void kc_plugin_err(struct kubeconfig *kc, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (kc->exec != NULL)
		snprintf(err, errlen, "exec plugin \"%s\": %s", kc->exec->command, msg);
	else
		snprintf(err, errlen, "ExecCredential: %s", msg);
}

static const char *kc_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int kubeconfig_parse_exec_credential(struct kubeconfig *kc, const char *json, size_t len, char *err,
				     size_t errlen)
{
	const char *kind, *api, *token = NULL, *cert, *key = NULL, *exp;
	const cJSON *status;
	double expiry = 0;
	cJSON *root;
	int rc = -1;

	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		kc_plugin_err(kc, err, errlen, "output is not an ExecCredential (not JSON)");
		goto out;
	}
	kind = kc_json_str(root, "kind");
	api = kc_json_str(root, "apiVersion");
	if (kind == NULL || strcmp(kind, "ExecCredential") != 0) {
		kc_plugin_err(kc, err, errlen, "returned kind \"%s\", not ExecCredential",
			      kind != NULL ? kind : "");
		goto out;
	}
	if (api == NULL || (kc->exec != NULL && strcmp(api, kc->exec->api_version) != 0) ||
	    (kc->exec == NULL && strcmp(api, KC_API_V1) != 0 && strcmp(api, KC_API_V1BETA1) != 0)) {
		kc_plugin_err(kc, err, errlen, "returned apiVersion \"%s\", configured \"%s\"",
			      api != NULL ? api : "",
			      kc->exec != NULL ? kc->exec->api_version : KC_API_V1);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsObject(status)) {
		kc_plugin_err(kc, err, errlen, "returned no status");
		goto out;
	}
	token = kc_json_str(status, "token");
	cert = kc_json_str(status, "clientCertificateData");
	key = kc_json_str(status, "clientKeyData");
	exp = kc_json_str(status, "expirationTimestamp");
	if (!kc_nonempty(cert) != !kc_nonempty(key)) {
		kc_plugin_err(kc, err, errlen,
			      "returned a client certificate or key without the other");
		goto out;
	}
	if (!kc_nonempty(token) && !kc_nonempty(cert)) {
		kc_plugin_err(kc, err, errlen, "returned no token and no client certificate");
		goto out;
	}
	if (kc_nonempty(token) && strpbrk(token, "\r\n") != NULL) {
		kc_plugin_err(kc, err, errlen, "returned a token with a line break");
		goto out;
	}
	if (kc_nonempty(exp) && util_parse_rfc3339(exp, &expiry) < 0) {
		kc_plugin_err(kc, err, errlen, "bad expirationTimestamp \"%.64s\"", exp);
		goto out;
	}
	kubeconfig_expire(kc);
	if (kc_nonempty(token))
		kc->exec_token = xstrdup(token);
	if (kc_nonempty(cert)) {
		kc->exec_cert.data = xstrdup(cert);
		kc->exec_cert.len = strlen(cert);
		kc->exec_key.data = xstrdup(key);
		kc->exec_key.len = strlen(key);
	}
	kc->exec_expiry = expiry;
	rc = 0;
out:
	/* The tree holds the credential: wipe it before it goes. */
	if (token != NULL)
		explicit_bzero((char *)token, strlen(token));
	if (key != NULL)
		explicit_bzero((char *)key, strlen(key));
	cJSON_Delete(root);
	return rc;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static _Noreturn void kc_plugin_child(const char *path, char **argv, char **envp, int in, int out,
				      int errfd)
{
	static const char msg[] = "amconsole: cannot execute the plugin\n";
	struct sigaction sa;
	sigset_t none;
	int sig;

	setpgid(0, 0);
	/* Keep the descriptors clear of 0..2 before dup2 overwrites them. */
	in = fcntl(in, F_DUPFD, 3);
	out = fcntl(out, F_DUPFD, 3);
	errfd = fcntl(errfd, F_DUPFD, 3);
	if (in < 0 || out < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		_exit(127);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execve(path, argv, envp);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(127);
	_exit(127);
}

/* The first non-empty line of the plugin's stderr, trimmed, or "". */
static void kc_first_line(const char *s, char *buf, size_t n)
{
	size_t len;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	len = strcspn(s, "\r\n");
	if (len > 200)
		len = 200;
	snprintf(buf, n, "%.*s", (int)len, s);
}

/* Find the plugin's program: a path as written (relative ones were made
 * absolute at load), else PATH (exec_resolve, which skips directories
 * others can write). Fresh string, or NULL + err. */
static char *kc_plugin_path(struct kubeconfig *kc, char *err, size_t errlen)
{
	const struct kube_exec *e = kc->exec;
	char warn[512], hint[320];
	char *path;
	size_t i = 0;
	const char *p;

	path = exec_resolve(e->command, warn, sizeof warn);
	if (path != NULL)
		return path;
	/* installHint is often several lines: make it one. */
	for (p = e->install_hint != NULL ? e->install_hint : ""; *p != '\0' && i < sizeof hint - 1;
	     p++) {
		if (!isspace((unsigned char)*p))
			hint[i++] = *p;
		else if (i > 0 && hint[i - 1] != ' ')
			hint[i++] = ' ';
	}
	while (i > 0 && hint[i - 1] == ' ')
		i--;
	hint[i] = '\0';
	if (hint[0] != '\0')
		snprintf(err, errlen, "exec plugin \"%s\" not found (install hint: %s)", e->command,
			 hint);
	else if (warn[0] != '\0')
		snprintf(err, errlen, "exec plugin \"%s\" not found (%s)", e->command, warn);
	else
		snprintf(err, errlen, "exec plugin \"%s\" not found%s", e->command,
			 strchr(e->command, '/') != NULL ? "" : " in PATH");
	return NULL;
}

/* Read what is ready on *fd into sb (at most cap bytes kept; *over set
 * past it); closes and sets *fd to -1 at EOF. */
static void kc_drain(int *fd, struct strbuf *sb, size_t cap, int *over)
{
	char buf[16384];
	ssize_t n;

	n = read(*fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (sb->len + (size_t)n > cap) {
		if (over != NULL)
			*over = 1;
		n = (ssize_t)(cap - sb->len);
	}
	strbuf_append(sb, buf, (size_t)n);
	explicit_bzero(buf, sizeof buf);
}

/* Run the plugin; its stdout in out on success. 0 or -1 + err. */
static int kc_plugin_run(struct kubeconfig *kc, double timeout, struct strbuf *out, char *err,
			 size_t errlen)
{
	const struct kube_exec *e = kc->exec;
	struct strbuf errs = { 0 };
	struct pollfd pfd[2];
	char **argv = NULL, **envp, **extra = NULL, *path, *info, line[256];
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, devnull = -1;
	int fds[2], wstatus = 0, exited = 0, timed_out = 0, over = 0, held, nfds, ms, rc = -1;
	double start = util_now(), deadline, exit_at = 0, now = start;
	size_t i;
	pid_t pid, r;

	if (e->interactive) {
		kc_plugin_err(kc, err, errlen,
			      "needs a terminal (interactiveMode: Always); amconsole runs "
			      "plugins without one");
		return -1;
	}
	path = kc_plugin_path(kc, err, errlen);
	if (path == NULL)
		return -1;
	if (timeout <= 0)
		timeout = KC_DEFAULT_TIMEOUT;
	deadline = start + timeout;
	kc_strv_push(&argv, xstrdup(e->command));
	for (i = 0; e->args != NULL && e->args[i] != NULL; i++)
		kc_strv_push(&argv, xstrdup(e->args[i]));
	for (i = 0; e->env != NULL && e->env[i] != NULL; i++)
		kc_strv_push(&extra, xstrdup(e->env[i]));
	info = xasprintf("KUBERNETES_EXEC_INFO={\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\","
			 "\"spec\":{\"interactive\":false}}",
			 e->api_version);
	kc_strv_push(&extra, info);
	envp = exec_envp((const char *const *)extra);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || pipe2(opipe, O_CLOEXEC) != 0 || pipe2(epipe, O_CLOEXEC) != 0) {
		kc_plugin_err(kc, err, errlen, "cannot start: %s", strerror(errno));
		goto done;
	}
	pid = fork();
	if (pid == 0)
		kc_plugin_child(path, argv, envp, devnull, opipe[1], epipe[1]);
	if (pid < 0) {
		kc_plugin_err(kc, err, errlen, "fork: %s", strerror(errno));
		goto done;
	}
	setpgid(pid, pid); /* also in the child: whichever runs first */
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	fds[0] = opipe[0];
	fds[1] = epipe[0];
	opipe[0] = epipe[0] = -1;
	for (;;) {
		if (!exited) {
			r = waitpid(pid, &wstatus, WNOHANG);
			if (r == pid) {
				exited = 1;
				exit_at = util_now();
			}
		}
		if (exited && fds[0] < 0 && fds[1] < 0)
			break;
		now = util_now();
		if (over || now >= deadline) {
			timed_out = !over;
			break;
		}
		/* Something it started holds the pipes: stop reading. */
		if (exited && now - exit_at > KC_DRAIN)
			break;
		nfds = 0;
		for (i = 0; i < 2; i++)
			if (fds[i] >= 0) {
				pfd[nfds].fd = fds[i];
				pfd[nfds].events = POLLIN;
				pfd[nfds++].revents = 0;
			}
		ms = (int)((deadline - now) * 1000) + 1;
		if (ms > KC_TICK_MS)
			ms = KC_TICK_MS;
		if (nfds == 0 && ms > 5)
			ms = 5; /* pipes closed: only its exit to wait for */
		if (poll(nfds > 0 ? pfd : NULL, (nfds_t)nfds, ms) <= 0)
			continue;
		for (i = 0; i < (size_t)nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == fds[0])
				kc_drain(&fds[0], out, KC_MAX_OUT, &over);
			else
				kc_drain(&fds[1], &errs, KC_MAX_ERR, NULL);
		}
	}
	held = fds[0] >= 0 || fds[1] >= 0;
	for (i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* The group: the plugin if it still runs, and anything it left
	 * holding the pipes. */
	if (!exited || held)
		kill(-pid, SIGKILL);
	while (!exited) {
		r = waitpid(pid, &wstatus, 0);
		if (r == pid || (r < 0 && errno != EINTR))
			exited = 1;
	}
	kc_first_line(errs.buf != NULL ? errs.buf : "", line, sizeof line);
	if (timed_out) {
		kc_plugin_err(kc, err, errlen, "no answer in %.0fs (killed)%s%s", timeout,
			      line[0] != '\0' ? ": " : "", line);
	} else if (over) {
		kc_plugin_err(kc, err, errlen, "output over %zu bytes (killed)", KC_MAX_OUT);
	} else if (WIFSIGNALED(wstatus)) {
		kc_plugin_err(kc, err, errlen, "killed by signal %d%s%s", WTERMSIG(wstatus),
			      line[0] != '\0' ? ": " : "", line);
	} else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0) {
		kc_plugin_err(kc, err, errlen, "exit %d%s%s", WEXITSTATUS(wstatus),
			      line[0] != '\0' ? ": " : "", line);
	} else {
		rc = 0;
	}
	log_msg("kubeconfig: exec plugin %s: %s after %.1fs", e->command,
		rc == 0 ? "done" : "failed", util_now() - start);
done:
	if (devnull >= 0)
		close(devnull);
	for (i = 0; i < 2; i++) {
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	free(path);
	kc_strv_free(argv);
	for (i = 0; extra[i] != NULL; i++)
		kc_wipe_free(extra[i]);
	free(extra);
	free(envp);
	strbuf_free(&errs);
	return rc;
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
