/*
 * config.c - the configuration loader and printer (see config.h). The
 * YAML file is read whole with libyaml's document API and walked against
 * the fixed schema of DESIGN.md "Configuration": every node is checked
 * for its type and value, and the first problem becomes one message
 * "FILE:LINE: dotted.key: problem". The environment then fills what the
 * file left unset, and config_print writes the effective result back as
 * YAML (loadable again) with secrets masked. Main thread, at start-up.
 */
#include "core/config.h"

#include <math.h>
#include <stddef.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/redact.h"
#include "lib/colour.h"
#include "lib/yaml.h"

static void config_redis_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nredis; i++) {
		free(c->redis[i].name);
		free(c->redis[i].url);
		free(c->redis[i].password_file);
		free(c->redis[i].password_env);
	}
	free(c->redis);
	c->redis = NULL;
	c->nredis = 0;
}

static void config_envs_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nenvs; i++) {
		free(c->envs[i].name);
		free(c->envs[i].color);
		free(c->envs[i].context);
	}
	free(c->envs);
	c->envs = NULL;
	c->nenvs = 0;
}

static void config_health_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nhealth; i++) {
		free(c->health[i].name);
		free(c->health[i].url);
	}
	free(c->health);
	c->health = NULL;
	c->nhealth = 0;
}

static void config_props_clear(struct config *c)
{
	strv_free(c->kafka_prop_keys, c->nkafka_props);
	strv_free(c->kafka_prop_values, c->nkafka_props);
	c->kafka_prop_keys = NULL;
	c->kafka_prop_values = NULL;
	c->nkafka_props = 0;
}

const char *const config_layout_names[] = { "auto", "runbook", "panels", "tall", NULL };

int config_layout_find(const char *name)
{
	int i;

	for (i = 0; config_layout_names[i] != NULL; i++)
		if (strcmp(config_layout_names[i], name) == 0)
			return i;
	return -1;
}

static void config_set(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->theme = xstrdup("default");
	c->layout = CONFIG_LAYOUT_AUTO;
	c->refresh = 2;
	c->read_only = 0;
	c->step_timeout = 300;
}

void config_free(struct config *c)
{
	free(c->theme);
	strv_free(c->runbooks, c->nrunbooks);
	free(c->kubeconfig);
	free(c->kube_context);
	free(c->kube_namespace);
	free(c->pg_conninfo);
	config_redis_clear(c);
	free(c->kafka_bootstrap);
	strv_free(c->kafka_groups, c->nkafka_groups);
	config_props_clear(c);
	strv_free(c->alertmanager_urls, c->nalertmanager_urls);
	free(c->prometheus_url);
	free(c->warroom_redis);
	free(c->warroom_postgres);
	free(c->warroom_secret_file);
	free(c->warroom_name);
	free(c->warroom_present);
	free(c->warroom_follow);
	free(c->record_file);
	free(c->replay_file);
	free(c->asciicast_file);
	config_health_clear(c);
	config_envs_clear(c);
	free(c->config_path);
	free(c->audit_log);
	free(c->log_file);
	memset(c, 0, sizeof(*c));
}

void config_add_runbook_dir(struct config *c, const char *dir)
{
	c->runbooks = xrealloc(c->runbooks, (c->nrunbooks + 1) * sizeof(*c->runbooks));
	c->runbooks[c->nrunbooks++] = util_expand_home(dir);
}

/* --- loading --------------------------------------------------------- */

static int config_is_http_url(const char *s)
{
	return (strncmp(s, "http://", 7) == 0 && s[7] != '\0') ||
	       (strncmp(s, "https://", 8) == 0 && s[8] != '\0');
}

static int config_get_http_url(struct yaml_loader *ld, yaml_node_t *node, const char *path,
			       char **out)
{
	if (yaml_get_nonempty(ld, node, path, out) < 0)
		return -1;
	if (!config_is_http_url(*out))
		return yaml_fail(ld, node, path, "expected an http:// or https:// URL");
	return 0;
}

/* A list of strings being built: the lone-string form and each item of
 * the list form are checked the same way. */
struct config_strv {
	char **v;
	size_t n;
	int urls;
	int expand;
};

static int config_strv_item(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			    const char *sub)
{
	struct config_strv *sv = ctx;

	sv->n++;
	if ((sv->urls ? config_get_http_url(ld, node, sub, &sv->v[sv->n - 1])
		      : yaml_get_nonempty(ld, node, sub, &sv->v[sv->n - 1])) < 0)
		return -1;
	if (sv->expand)
		config_set(&sv->v[sv->n - 1], util_expand_home(sv->v[sv->n - 1]));
	return 0;
}

/* A list of strings; a lone string is taken as a list of one. */
static int config_get_strv(struct yaml_loader *ld, yaml_node_t *node, const char *path, int urls,
			   int expand, char ***outv, size_t *outn)
{
	struct config_strv sv = { NULL, 0, urls, expand };
	size_t cap = 0;
	int rc;

	strv_free(*outv, *outn);
	*outv = NULL;
	*outn = 0;
	if (yaml_is_null(node))
		return 0;
	if (node->type == YAML_SCALAR_NODE) {
		sv.v = xcalloc(1, sizeof(*sv.v));
		rc = config_strv_item(ld, &sv, node, 0, path);
	} else {
		if (yaml_list_len(ld, node, path, &cap) < 0)
			return -1;
		sv.v = xcalloc(cap ? cap : 1, sizeof(*sv.v));
		rc = yaml_each_item(ld, node, path, config_strv_item, &sv);
	}
	if (rc < 0) {
		strv_free(sv.v, sv.n);
		return -1;
	}
	*outv = sv.v;
	*outn = sv.n;
	return 0;
}

static int config_load_theme(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path)
{
	struct config *c = obj;
	char *v = NULL;

	if (yaml_get_nonempty(ld, node, path, &v) < 0) {
		free(v);
		return -1;
	}
	config_set(&c->theme, v);
	return 0;
}

static int config_load_layout(struct yaml_loader *ld, void *obj, yaml_node_t *node,
			      const char *path)
{
	struct config *c = obj;
	int i;

	if (yaml_is_null(node))
		return 0;
	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, path, "expected a layout name, got %s", yaml_kind(node));
	i = config_layout_find(yaml_text(node));
	if (i < 0)
		return yaml_fail(ld, node, path,
				 "unknown layout '%s' (auto, runbook, panels or tall)",
				 yaml_text(node));
	c->layout = i;
	return 0;
}

static int config_load_refresh(struct yaml_loader *ld, void *obj, yaml_node_t *node,
			       const char *path)
{
	struct config *c = obj;
	double d;

	if (yaml_is_null(node))
		return 0;
	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, path, "expected a duration, got %s", yaml_kind(node));
	if (util_parse_duration(yaml_text(node), &d) < 0 || !(d > 0) || !isfinite(d))
		return yaml_fail(
			ld, node, path,
			"bad duration '%s' (a positive number of seconds, or 2s, 500ms, 1m)",
			yaml_text(node));
	c->refresh = d;
	return 0;
}

/* YAML 1.1's usual spellings; nothing else. */
static int config_parse_bool(const char *s, int *out)
{
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0)
		*out = 1;
	else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
		 strcasecmp(s, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int config_load_read_only(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				 const char *path)
{
	struct config *c = obj;

	if (yaml_is_null(node))
		return 0;
	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, path, "expected true or false, got %s", yaml_kind(node));
	if (config_parse_bool(yaml_text(node), &c->read_only) < 0)
		return yaml_fail(ld, node, path, "expected true or false, got '%s'",
				 yaml_text(node));
	return 0;
}

static int config_load_runbooks(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				const char *path)
{
	struct config *c = obj;

	return config_get_strv(ld, node, path, 0, 1, &c->runbooks, &c->nrunbooks);
}

static const struct yaml_key config_kubernetes_keys[] = {
	{ "kubeconfig", YAML_PATH, .offset = offsetof(struct config, kubeconfig) },
	{ "context", YAML_STR, .offset = offsetof(struct config, kube_context) },
	{ "namespace", YAML_STR, .offset = offsetof(struct config, kube_namespace) },
	{ .name = NULL },
};

static const struct yaml_key config_postgres_keys[] = {
	{ "conninfo", YAML_STR, .offset = offsetof(struct config, pg_conninfo) },
	{ .name = NULL },
};

static int config_is_redis_url(const char *s)
{
	return strncmp(s, "redis://", 8) == 0 || strncmp(s, "rediss://", 9) == 0 ||
	       strncmp(s, "unix://", 7) == 0 || s[0] == '/';
}

static int config_is_env_name(const char *s)
{
	const char *p;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (p = s + 1; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int config_load_redis_url(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				 const char *path)
{
	struct config_redis *r = obj;

	if (yaml_get_nonempty(ld, node, path, &r->url) < 0)
		return -1;
	if (!config_is_redis_url(r->url))
		return yaml_fail(ld, node, path, "expected redis://, rediss:// or a socket path");
	return 0;
}

static int config_load_password_env(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				    const char *path)
{
	struct config_redis *r = obj;

	if (yaml_get_string(ld, node, path, &r->password_env) < 0)
		return -1;
	if (r->password_env != NULL && !config_is_env_name(r->password_env))
		return yaml_fail(ld, node, path, "'%s' is not an environment variable name",
				 r->password_env);
	return 0;
}

/* The fields of one redis instance map. */
static const struct yaml_key config_redis_fields[] = {
	{ "name", YAML_NONEMPTY, .offset = offsetof(struct config_redis, name) },
	{ "url", .load = config_load_redis_url },
	{ "password_file", YAML_PATH, .offset = offsetof(struct config_redis, password_file) },
	{ "password_env", .load = config_load_password_env },
	{ .name = NULL },
};
/* A list item's name repeats item j's: point at this item's name. */
static int config_dup_name(struct yaml_loader *ld, yaml_node_t *item, const char *sub,
			   const char *what, const char *name, size_t j)
{
	char at[256];

	snprintf(at, sizeof(at), "%s.name", sub);
	return yaml_fail(ld, item, at, "duplicate %s name '%s' (also [%zu])", what, name, j);
}

/* What every named list item (a redis instance, a health check) needs
 * once its fields are read: a name and a url, and a name that none of
 * the i items before it has; name_at(items, j) is item j's name. */
static int config_named_item(struct yaml_loader *ld, yaml_node_t *node, const char *sub,
			     const char *what, const char *name, const char *url,
			     const char *(*name_at)(const struct config *c, size_t j),
			     const struct config *c, size_t i)
{
	size_t j;

	if (name == NULL)
		return yaml_fail(ld, node, sub, "name is required");
	if (url == NULL)
		return yaml_fail(ld, node, sub, "url is required");
	for (j = 0; j < i; j++)
		if (strcmp(name_at(c, j), name) == 0)
			return config_dup_name(ld, node, sub, what, name, j);
	return 0;
}

/* Size a list's array for the items of node: 1 with *arr allocated (at
 * least one slot), 0 for a null node, -1 when node is no list. */
static int config_list_alloc(struct yaml_loader *ld, yaml_node_t *node, const char *path,
			     size_t size, void **arr)
{
	size_t cap = 0;

	if (yaml_is_null(node))
		return 0;
	if (yaml_list_len(ld, node, path, &cap) < 0)
		return -1;
	*arr = xcalloc(cap ? cap : 1, size);
	return 1;
}

static const char *config_redis_name(const struct config *c, size_t j)
{
	return c->redis[j].name;
}

/* One redis instance; counted before it is filled so that a half-filled
 * one is freed with the rest. */
static int config_redis_item(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			     const char *sub)
{
	struct config *c = ctx;
	struct config_redis *r = &c->redis[i];

	c->nredis++;
	if (yaml_walk_fields(ld, r, node, sub, "a map {name, url}", config_redis_fields) < 0)
		return -1;
	return config_named_item(ld, node, sub, "instance", r->name, r->url, config_redis_name, c,
				 i);
}

static int config_load_redis_instances(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				       const char *path)
{
	struct config *c = obj;
	void *arr = NULL;
	int rc;

	config_redis_clear(c);
	rc = config_list_alloc(ld, node, path, sizeof(*c->redis), &arr);
	c->redis = arr;
	return rc <= 0 ? rc : yaml_each_item(ld, node, path, config_redis_item, c);
}

static const struct yaml_key config_redis_keys[] = {
	{ "instances", .load = config_load_redis_instances },
	{ .name = NULL },
};

static int config_load_kafka_groups(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				    const char *path)
{
	struct config *c = obj;

	return config_get_strv(ld, node, path, 0, 0, &c->kafka_groups, &c->nkafka_groups);
}

/* Any keys: librdkafka validates them when the backend starts. Not
 * config_each_pair: a key here is data, checked as a string (no NUL
 * byte) before it is compared with the ones already kept. */
static int config_load_kafka_properties(struct yaml_loader *ld, void *obj, yaml_node_t *node,
					const char *path)
{
	struct config *c = obj;
	yaml_node_pair_t *p;
	char sub[256];
	size_t cap, i;

	config_props_clear(c);
	if (yaml_is_null(node))
		return 0;
	if (node->type != YAML_MAPPING_NODE)
		return yaml_fail(ld, node, path, "expected a map, got %s", yaml_kind(node));
	cap = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	c->kafka_prop_keys = xcalloc(cap ? cap : 1, sizeof(char *));
	c->kafka_prop_values = xcalloc(cap ? cap : 1, sizeof(char *));
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ld->doc, p->value);
		size_t n = c->nkafka_props;

		if (key->type != YAML_SCALAR_NODE)
			return yaml_fail(ld, key, path, "expected a key, got %s", yaml_kind(key));
		snprintf(sub, sizeof(sub), "%.200s.%.50s", path, yaml_text(key));
		if (yaml_get_nonempty(ld, key, sub, &c->kafka_prop_keys[n]) < 0) {
			/* Not counted yet, so config_free would not see it. */
			free(c->kafka_prop_keys[n]);
			c->kafka_prop_keys[n] = NULL;
			return -1;
		}
		c->nkafka_props++;
		for (i = 0; i < n; i++)
			if (strcmp(c->kafka_prop_keys[i], c->kafka_prop_keys[n]) == 0)
				return yaml_fail(ld, key, sub, "duplicate key");
		if (yaml_get_string(ld, value, sub, &c->kafka_prop_values[n]) < 0)
			return -1;
		if (c->kafka_prop_values[n] == NULL)
			return yaml_fail(ld, value, sub, "expected a value");
	}
	return 0;
}

static const struct yaml_key config_kafka_keys[] = {
	{ "bootstrap", YAML_STR_SET, .offset = offsetof(struct config, kafka_bootstrap) },
	{ "groups", .load = config_load_kafka_groups },
	{ "properties", .load = config_load_kafka_properties },
	{ .name = NULL },
};

static int config_load_am_urls(struct yaml_loader *ld, void *obj, yaml_node_t *node,
			       const char *path)
{
	struct config *c = obj;

	return config_get_strv(ld, node, path, 1, 0, &c->alertmanager_urls, &c->nalertmanager_urls);
}

static const struct yaml_key config_alertmanager_keys[] = {
	{ "urls", .load = config_load_am_urls },
	{ .name = NULL },
};

static int config_load_prom_url(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				const char *path)
{
	struct config *c = obj;

	if (yaml_is_null(node)) {
		config_set(&c->prometheus_url, NULL);
		return 0;
	}
	return config_get_http_url(ld, node, path, &c->prometheus_url);
}

static const struct yaml_key config_prometheus_keys[] = {
	{ "url", .load = config_load_prom_url },
	{ .name = NULL },
};

static const struct yaml_key config_warroom_keys[] = {
	{ "redis", YAML_STR, .offset = offsetof(struct config, warroom_redis) },
	{ "postgres", YAML_STR, .offset = offsetof(struct config, warroom_postgres) },
	{ "secret_file", YAML_PATH, .offset = offsetof(struct config, warroom_secret_file) },
	{ "name", YAML_STR, .offset = offsetof(struct config, warroom_name) },
	{ .name = NULL },
};

static int config_load_health_url(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				  const char *path)
{
	struct config_health *h = obj;

	return config_get_http_url(ld, node, path, &h->url);
}

/* The fields of one health check map. */
static const struct yaml_key config_health_fields[] = {
	{ "name", YAML_NONEMPTY, .offset = offsetof(struct config_health, name) },
	{ "url", .load = config_load_health_url },
	{ .name = NULL },
};
static const char *config_health_name(const struct config *c, size_t j)
{
	return c->health[j].name;
}

/* One health check; counted before it is filled, as for redis. */
static int config_health_item(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			      const char *sub)
{
	struct config *c = ctx;
	struct config_health *h = &c->health[i];

	c->nhealth++;
	if (yaml_walk_fields(ld, h, node, sub, "a map {name, url}", config_health_fields) < 0)
		return -1;
	return config_named_item(ld, node, sub, "check", h->name, h->url, config_health_name, c, i);
}

static int config_load_health(struct yaml_loader *ld, void *obj, yaml_node_t *node,
			      const char *path)
{
	struct config *c = obj;
	void *arr = NULL;
	int rc;

	config_health_clear(c);
	rc = config_list_alloc(ld, node, path, sizeof(*c->health), &arr);
	c->health = arr;
	return rc <= 0 ? rc : yaml_each_item(ld, node, path, config_health_item, c);
}

static int config_load_env_colour(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				  const char *path)
{
	struct config_env *e = obj;
	short colour;

	if (yaml_is_null(node))
		return 0;
	if (yaml_get_nonempty(ld, node, path, &e->color) < 0)
		return -1;
	if (colour_parse(e->color, &colour) != 0 || colour < 0)
		return yaml_fail(ld, node, path,
				 "'%s' is not a colour (red, yellow, green, blue, "
				 "magenta, cyan, white, bright-..., or 0-255)",
				 e->color);
	return 0;
}

/* The fields of one environment map; color may be spelt colour. */
static const struct yaml_key config_env_fields[] = {
	{ "name", YAML_NONEMPTY, .offset = offsetof(struct config_env, name) },
	{ "context", YAML_STR_SET, .offset = offsetof(struct config_env, context) },
	{ "color", .load = config_load_env_colour },
	{ "colour", .load = config_load_env_colour },
	{ .name = NULL },
};
static int config_env_item(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			   const char *sub)
{
	struct config *c = ctx;
	struct config_env *e = &c->envs[i];

	c->nenvs++;
	if (yaml_walk_fields(ld, e, node, sub, "a map {name, color, context}", config_env_fields) <
	    0)
		return -1;
	if (e->name == NULL)
		return yaml_fail(ld, node, sub, "name is required");
	return 0;
}

/* environment: {name: prod, color: red}, or a list of such maps with a
 * context each. */
static int config_load_environment(struct yaml_loader *ld, void *obj, yaml_node_t *node,
				   const char *path)
{
	struct config *c = obj;
	void *arr = NULL;
	int rc;

	config_envs_clear(c);
	if (node->type == YAML_MAPPING_NODE) {
		c->envs = xcalloc(1, sizeof(*c->envs));
		return config_env_item(ld, c, node, 0, path);
	}
	rc = config_list_alloc(ld, node, path, sizeof(*c->envs), &arr);
	c->envs = arr;
	return rc <= 0 ? rc : yaml_each_item(ld, node, path, config_env_item, c);
}

const struct config_env *config_environment(const struct config *c, const char *ctx)
{
	size_t i;

	for (i = 0; ctx != NULL && i < c->nenvs; i++)
		if (c->envs[i].context != NULL && strcmp(c->envs[i].context, ctx) == 0)
			return &c->envs[i];
	for (i = 0; i < c->nenvs; i++)
		if (c->envs[i].context == NULL)
			return &c->envs[i];
	return NULL;
}

/* The top level, in DESIGN.md order. */
static const struct yaml_key config_top_keys[] = {
	{ "theme", .load = config_load_theme },
	{ "layout", .load = config_load_layout },
	{ "refresh", .load = config_load_refresh },
	{ "read_only", .load = config_load_read_only },
	{ "runbooks", .load = config_load_runbooks },
	{ "kubernetes", YAML_MAP, .sub = config_kubernetes_keys },
	{ "postgres", YAML_MAP, .sub = config_postgres_keys },
	{ "redis", YAML_MAP, .sub = config_redis_keys },
	{ "kafka", YAML_MAP, .sub = config_kafka_keys },
	{ "alertmanager", YAML_MAP, .sub = config_alertmanager_keys },
	{ "prometheus", YAML_MAP, .sub = config_prometheus_keys },
	{ "health", .load = config_load_health },
	{ "environment", .load = config_load_environment },
	{ "warroom", YAML_MAP, .sub = config_warroom_keys },
	{ .name = NULL },
};

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	struct yaml_loader ld;
	yaml_node_t *root;
	int rc;

	if (yaml_load(&ld, path, YAML_LOAD_ONE_DOC, err, errlen, &root) < 0)
		return -1;
	rc = root != NULL ? yaml_walk_map(&ld, c, root, "", config_top_keys) : 0;
	yaml_unload(&ld);
	if (rc == 0)
		config_set(&c->config_path, xstrdup(path));
	return rc;
}

char *config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says relative values are to be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/amconsole/config.yaml", xdg);
	if (home == NULL || home[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());

		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.config/amconsole/config.yaml", home);
}

/* --- environment ----------------------------------------------------- */

static const char *config_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

void config_apply_env(struct config *c)
{
	const char *v;

	if (c->kubeconfig == NULL && (v = config_env("KUBECONFIG")) != NULL)
		c->kubeconfig = xstrdup(v);
	if (c->nredis == 0 && (v = config_env("REDIS_URL")) != NULL) {
		c->redis = xcalloc(1, sizeof(*c->redis));
		c->redis[0].name = xstrdup("redis");
		c->redis[0].url = xstrdup(v);
		c->nredis = 1;
	}
	if (c->kafka_bootstrap == NULL && (v = config_env("KAFKA_BOOTSTRAP_SERVERS")) != NULL)
		c->kafka_bootstrap = xstrdup(v);
	if (c->nalertmanager_urls == 0 && (v = config_env("ALERTMANAGER_URL")) != NULL) {
		const char *p = v;

		while (*p != '\0') {
			size_t n = strcspn(p, ",");
			const char *s = p, *e = p + n;

			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e > s) {
				c->alertmanager_urls =
					xrealloc(c->alertmanager_urls,
						 (c->nalertmanager_urls + 1) * sizeof(char *));
				c->alertmanager_urls[c->nalertmanager_urls++] =
					xstrndup(s, (size_t)(e - s));
			}
			p += n;
			if (*p == ',')
				p++;
		}
	}
	if (c->prometheus_url == NULL && (v = config_env("PROMETHEUS_URL")) != NULL)
		c->prometheus_url = xstrdup(v);
	/* AMCONSOLE_WARROOM_URL: a redis:// URL, else a libpq conninfo. */
	if (c->warroom_redis == NULL && c->warroom_postgres == NULL &&
	    (v = config_env("AMCONSOLE_WARROOM_URL")) != NULL) {
		if (config_is_redis_url(v))
			c->warroom_redis = xstrdup(v);
		else
			c->warroom_postgres = xstrdup(v);
	}
}

/* --- printing -------------------------------------------------------- */

static int config_plain_ok(const char *s)
{
	static const char *const reserved[] = { "true", "false", "yes", "no", "on",
						"off",  "null",  "~",   NULL };
	const char *p;
	size_t i;

	if (*s == '\0')
		return 0;
	for (i = 0; reserved[i] != NULL; i++)
		if (strcasecmp(s, reserved[i]) == 0)
			return 0;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-./", *p) != NULL))
			return 0;
	return 1;
}

/* A YAML scalar that reads back as the same string. */
static void config_put_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		strbuf_puts(sb, "null");
		return;
	}
	if (config_plain_ok(s)) {
		strbuf_puts(sb, s);
		return;
	}
	strbuf_putc(sb, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_printf(sb, "\\%c", *p);
		else if (*p == '\n')
			strbuf_puts(sb, "\\n");
		else if (*p == '\t')
			strbuf_puts(sb, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(sb, "\\x%02x", *p);
		else
			strbuf_putc(sb, (char)*p);
	}
	strbuf_putc(sb, '"');
}

/* A string that may carry a password (URL userinfo, conninfo). */
static void config_put_secret_str(struct strbuf *sb, const char *s)
{
	char *r;

	if (s == NULL) {
		config_put_str(sb, NULL);
		return;
	}
	r = redact(s);
	config_put_str(sb, r);
	free(r);
}

static void config_put_duration(struct strbuf *sb, double d)
{
	if (d < 1 && d > 0)
		strbuf_printf(sb, "%gms", d * 1000);
	else
		strbuf_printf(sb, "%gs", d);
}

static void config_put_strv(struct strbuf *sb, const char *indent, char **v, size_t n, int secret)
{
	size_t i;

	if (n == 0) {
		strbuf_puts(sb, " []\n");
		return;
	}
	strbuf_putc(sb, '\n');
	for (i = 0; i < n; i++) {
		strbuf_printf(sb, "%s  - ", indent);
		if (secret)
			config_put_secret_str(sb, v[i]);
		else
			config_put_str(sb, v[i]);
		strbuf_putc(sb, '\n');
	}
}

int config_is_secret_property(const char *key)
{
	static const char *const words[] = {
		"password", "secret", "sasl.jaas.config", "ssl.key", "sasl.oauthbearer.config",
		"token",    NULL
	};
	size_t i, n = strlen(key);
	char *lower = xstrdup(key);
	int hit = 0;

	for (i = 0; i < n; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	for (i = 0; words[i] != NULL && !hit; i++)
		hit = strstr(lower, words[i]) != NULL;
	free(lower);
	return hit;
}

char *config_print(const struct config *c)
{
	struct strbuf sb = { 0 };
	size_t i;

	strbuf_puts(&sb, "# amconsole: effective configuration (file, then environment, then "
			 "flags); secrets masked\n");
	strbuf_puts(&sb, "# file: ");
	strbuf_puts(&sb, c->config_path != NULL ? c->config_path : "(none)");
	strbuf_puts(&sb, "\ntheme: ");
	config_put_str(&sb, c->theme);
	strbuf_puts(&sb, "\nlayout: ");
	config_put_str(&sb, config_layout_names[c->layout]);
	strbuf_puts(&sb, "\nrefresh: ");
	config_put_duration(&sb, c->refresh);
	strbuf_printf(&sb, "\nread_only: %s\n", c->read_only ? "true" : "false");
	strbuf_puts(&sb, "runbooks:");
	config_put_strv(&sb, "", c->runbooks, c->nrunbooks, 0);

	strbuf_puts(&sb, "kubernetes:\n  kubeconfig: ");
	config_put_str(&sb, c->kubeconfig);
	strbuf_puts(&sb, "\n  context: ");
	config_put_str(&sb, c->kube_context);
	strbuf_puts(&sb, "\n  namespace: ");
	config_put_str(&sb, c->kube_namespace);

	strbuf_puts(&sb, "\npostgres:\n  conninfo: ");
	config_put_secret_str(&sb, c->pg_conninfo);

	strbuf_puts(&sb, "\nredis:\n  instances:");
	if (c->nredis == 0)
		strbuf_puts(&sb, " []\n");
	else
		strbuf_putc(&sb, '\n');
	for (i = 0; i < c->nredis; i++) {
		strbuf_puts(&sb, "    - name: ");
		config_put_str(&sb, c->redis[i].name);
		strbuf_puts(&sb, "\n      url: ");
		config_put_secret_str(&sb, c->redis[i].url);
		strbuf_puts(&sb, "\n      password_file: ");
		config_put_str(&sb, c->redis[i].password_file);
		strbuf_puts(&sb, "\n      password_env: ");
		config_put_str(&sb, c->redis[i].password_env);
		strbuf_putc(&sb, '\n');
	}

	strbuf_puts(&sb, "kafka:\n  bootstrap: ");
	config_put_secret_str(&sb, c->kafka_bootstrap);
	strbuf_puts(&sb, "\n  groups:");
	config_put_strv(&sb, "  ", c->kafka_groups, c->nkafka_groups, 0);
	strbuf_puts(&sb, "  properties:");
	if (c->nkafka_props == 0)
		strbuf_puts(&sb, " {}\n");
	else
		strbuf_putc(&sb, '\n');
	for (i = 0; i < c->nkafka_props; i++) {
		strbuf_puts(&sb, "    ");
		config_put_str(&sb, c->kafka_prop_keys[i]);
		strbuf_puts(&sb, ": ");
		if (config_is_secret_property(c->kafka_prop_keys[i]))
			config_put_str(&sb, "***");
		else
			config_put_secret_str(&sb, c->kafka_prop_values[i]);
		strbuf_putc(&sb, '\n');
	}

	strbuf_puts(&sb, "alertmanager:\n  urls:");
	config_put_strv(&sb, "  ", c->alertmanager_urls, c->nalertmanager_urls, 1);
	strbuf_puts(&sb, "prometheus:\n  url: ");
	config_put_secret_str(&sb, c->prometheus_url);
	strbuf_puts(&sb, "\nhealth:");
	if (c->nhealth == 0)
		strbuf_puts(&sb, " []\n");
	else
		strbuf_putc(&sb, '\n');
	for (i = 0; i < c->nhealth; i++) {
		strbuf_puts(&sb, "  - name: ");
		config_put_str(&sb, c->health[i].name);
		strbuf_puts(&sb, "\n    url: ");
		config_put_secret_str(&sb, c->health[i].url);
		strbuf_putc(&sb, '\n');
	}
	strbuf_puts(&sb, "environment:");
	strbuf_puts(&sb, c->nenvs == 0 ? " []\n" : "\n");
	for (i = 0; i < c->nenvs; i++) {
		strbuf_puts(&sb, "  - name: ");
		config_put_str(&sb, c->envs[i].name);
		strbuf_puts(&sb, "\n    color: ");
		config_put_str(&sb, c->envs[i].color);
		strbuf_puts(&sb, "\n    context: ");
		config_put_str(&sb, c->envs[i].context);
		strbuf_putc(&sb, '\n');
	}

	strbuf_puts(&sb, "warroom:\n  redis: ");
	config_put_secret_str(&sb, c->warroom_redis);
	strbuf_puts(&sb, "\n  postgres: ");
	config_put_secret_str(&sb, c->warroom_postgres);
	strbuf_puts(&sb, "\n  secret_file: ");
	config_put_str(&sb, c->warroom_secret_file);
	strbuf_puts(&sb, "\n  name: ");
	config_put_str(&sb, c->warroom_name);
	strbuf_putc(&sb, '\n');

	/* Flag-only settings are comments so the output loads as a file. */
	strbuf_puts(&sb, "# from flags and environment only:\n#   audit_log: ");
	config_put_str(&sb, c->audit_log);
	strbuf_puts(&sb, "\n#   log: ");
	config_put_str(&sb, c->log_file);
	strbuf_printf(&sb, "\n#   ascii: %s\n#   no_mouse: %s\n#   step_timeout: ",
		      c->ascii ? "true" : "false", c->no_mouse ? "true" : "false");
	config_put_duration(&sb, c->step_timeout);
	strbuf_putc(&sb, '\n');
	return strbuf_detach(&sb);
}
