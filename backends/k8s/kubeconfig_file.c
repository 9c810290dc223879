/*
 * kubeconfig_file.c - one kubeconfig file walked against the fixed
 * kubeconfig schema (see kubeconfig.h) and merged into the set of every
 * file read: the first file to name a cluster, user or context wins,
 * inside one file the last entry of a name wins (kubectl's list-to-map
 * conversion), and paths in it are made absolute against the file's
 * directory. Unknown keys are ignored, as kubectl does. kubeconfig.c
 * then chooses the context. One thread at a time per set.
 */
#include "backends/k8s/kubeconfig.h"

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/k8s/kubeconfig_int.h"
#include "lib/util.h"
#include "lib/yaml.h"

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

/* The value of a mapping pair whose key is a scalar, else NULL. */
static const char *kc_pair_key(struct yaml_loader *y, yaml_node_pair_t *pair, yaml_node_t **value)
{
	yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);

	*value = yaml_document_get_node(y->doc, pair->value);
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
	if (yaml_want(&ld->y, node, path, YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(&ld->y, pair, &value);
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

static int kc_exec_arg(struct yaml_loader *y, void *ctx, yaml_node_t *item, size_t i,
		       const char *sub)
{
	struct kube_exec *e = ctx;
	char *s = NULL;

	if (item == NULL || yaml_get_string(y, item, sub, &s) < 0)
		return -1;
	kc_strv_push(&e->args, s != NULL ? s : xstrdup(""));
	return 0;
}

static int kc_exec_args(struct kc_loader *ld, struct kube_exec *e, yaml_node_t *node,
			const char *path)
{
	if (yaml_is_null(node))
		return 0;
	if (yaml_want(&ld->y, node, path, YAML_SEQUENCE_NODE) < 0)
		return -1;
	return yaml_each_item(&ld->y, node, path, kc_exec_arg, e);
}

/* One {name, value} of an exec plugin's env; ctx is the user. */
static int kc_exec_env_item(struct yaml_loader *y, void *ctx, yaml_node_t *item, size_t i,
			    const char *sub)
{
	struct kc_user *u = ctx;
	yaml_node_pair_t *pair;
	yaml_node_t *value;
	const char *key;
	char *name = NULL, *val = NULL;
	char sub2[300];
	int rc = 0;

	if (item == NULL || yaml_want(y, item, sub, YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = item->data.mapping.pairs.start; rc == 0 && pair < item->data.mapping.pairs.top;
	     pair++) {
		key = kc_pair_key(y, pair, &value);
		snprintf(sub2, sizeof sub2, "%s.%.40s", sub, key != NULL ? key : "?");
		if (key != NULL && strcmp(key, "name") == 0)
			rc = yaml_get_string(y, value, sub2, &name);
		else if (key != NULL && strcmp(key, "value") == 0)
			rc = yaml_get_string(y, value, sub2, &val);
	}
	if (rc == 0 && name != NULL && strchr(name, '=') != NULL)
		rc = yaml_fail(y, item, sub, "env name \"%s\" holds '='", name);
	if (rc == 0) {
		if (name == NULL || *name == '\0')
			u->exec_env_unnamed = 1;
		else
			kc_strv_push(&u->exec->env,
				     xasprintf("%s=%s", name, val != NULL ? val : ""));
	}
	free(name);
	kc_wipe_free(val);
	return rc < 0 ? -1 : 0;
}

static int kc_exec_env(struct kc_loader *ld, struct kc_user *u, yaml_node_t *node, const char *path)
{
	if (yaml_is_null(node))
		return 0;
	if (yaml_want(&ld->y, node, path, YAML_SEQUENCE_NODE) < 0)
		return -1;
	return yaml_each_item(&ld->y, node, path, kc_exec_env_item, u);
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
		key = kc_pair_key(&ld->y, pair, &value);
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
		if (yaml_want(&ld->y, value, path, YAML_MAPPING_NODE) < 0)
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
		if (yaml_want(&ld->y, value, path, YAML_MAPPING_NODE) < 0)
			return -1;
		free(u->auth_provider);
		u->auth_provider = xstrdup("");
		for (pair = value->data.mapping.pairs.start; pair < value->data.mapping.pairs.top;
		     pair++) {
			k = kc_pair_key(&ld->y, pair, &v);
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

	if (yaml_want(&ld->y, item, path, YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = item->data.mapping.pairs.start; pair < item->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(&ld->y, pair, &value);
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
	if (yaml_want(&ld->y, root, "top level", YAML_MAPPING_NODE) < 0)
		return -1;
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		key = kc_pair_key(&ld->y, pair, &value);
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
		if (yaml_want(&ld->y, value, key, YAML_SEQUENCE_NODE) < 0)
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
int kc_load_file(struct kc_set *set, const char *path, char *err, size_t errlen)
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

void kc_set_free(struct kc_set *set)
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
