/*
 * yaml.c - the YAML loading and walking helpers (see yaml.h) that the
 * config, theme and kubeconfig loaders share, so that a file that cannot
 * be read or parsed, a node of the wrong kind and a repeated key are
 * reported the same way by all three.
 */
/* fopen's "e" (close-on-exec) is a glibc extension. */
#define _GNU_SOURCE
#include "lib/yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util.h"

static void yaml_parse_error(struct yaml_loader *ld)
{
	const yaml_parser_t *parser = &ld->parser;
	const char *problem = parser->problem != NULL ? parser->problem : "cannot parse";
	unsigned long line = (unsigned long)parser->problem_mark.line + 1;

	if (parser->context != NULL)
		snprintf(ld->err, ld->errlen, "%s:%lu: %s (%s started at line %lu)", ld->file, line,
			 problem, parser->context, (unsigned long)parser->context_mark.line + 1);
	else
		snprintf(ld->err, ld->errlen, "%s:%lu: %s", ld->file, line, problem);
}

/* A second document would be silently ignored: refuse it. */
static int yaml_only_one(struct yaml_loader *ld)
{
	yaml_document_t extra;
	yaml_node_t *more;
	int rc = 0;

	if (!yaml_parser_load(&ld->parser, &extra)) {
		yaml_parse_error(ld);
		return -1;
	}
	more = yaml_document_get_root_node(&extra);
	if (more != NULL) {
		snprintf(ld->err, ld->errlen, "%s:%lu: only one YAML document is allowed", ld->file,
			 (unsigned long)more->start_mark.line + 1);
		rc = -1;
	}
	yaml_document_delete(&extra);
	return rc;
}

int yaml_load(struct yaml_loader *ld, const char *path, unsigned flags, char *err, size_t errlen,
	      yaml_node_t **root)
{
	struct stat st;

	memset(ld, 0, sizeof(*ld));
	ld->file = path;
	ld->err = err;
	ld->errlen = errlen;
	*root = NULL;
	ld->f = fopen(path, "rbe");
	if (ld->f == NULL) {
		if (errno == ENOENT && (flags & YAML_LOAD_MISSING_OK))
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(ld->f), &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(ld->f);
		return -1;
	}
	if (!yaml_parser_initialize(&ld->parser))
		util_die("yaml_parser_initialize: out of memory");
	yaml_parser_set_input_file(&ld->parser, ld->f);
	if (!yaml_parser_load(&ld->parser, &ld->body)) {
		yaml_parse_error(ld);
		yaml_parser_delete(&ld->parser);
		fclose(ld->f);
		return -1;
	}
	ld->doc = &ld->body;
	*root = yaml_document_get_root_node(ld->doc);
	if (*root != NULL && (flags & YAML_LOAD_ONE_DOC) && yaml_only_one(ld) < 0) {
		yaml_unload(ld);
		*root = NULL;
		return -1;
	}
	return 1;
}

void yaml_unload(struct yaml_loader *ld)
{
	yaml_document_delete(&ld->body);
	yaml_parser_delete(&ld->parser);
	fclose(ld->f);
	ld->doc = NULL;
	ld->f = NULL;
}

int yaml_fail(struct yaml_loader *ld, const yaml_node_t *node, const char *path, const char *fmt,
	      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path != NULL)
		snprintf(ld->err, ld->errlen, "%s:%lu: %s: %s", ld->file,
			 (unsigned long)node->start_mark.line + 1, path, msg);
	else
		snprintf(ld->err, ld->errlen, "%s:%lu: %s", ld->file,
			 (unsigned long)node->start_mark.line + 1, msg);
	return -1;
}

const char *yaml_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a map";
	default:
		return "nothing";
	}
}

const char *yaml_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

int yaml_is_null(const yaml_node_t *node)
{
	const char *v;

	if (node == NULL)
		return 1;
	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = yaml_text(node);
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

int yaml_get_string(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out)
{
	if (yaml_is_null(node)) {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, path, "expected a string, got %s", yaml_kind(node));
	if (strlen(yaml_text(node)) != node->data.scalar.length)
		return yaml_fail(ld, node, path, "NUL byte in string");
	free(*out);
	*out = xstrdup(yaml_text(node));
	return 0;
}

int yaml_get_nonempty(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out)
{
	if (yaml_get_string(ld, node, path, out) < 0)
		return -1;
	if (*out == NULL || **out == '\0')
		return yaml_fail(ld, node, path, "must not be empty");
	return 0;
}

/* A string that, when given, is not empty; expand: "~/" is $HOME. */
static int yaml_get_set(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out,
			int expand)
{
	char *home;

	if (yaml_get_string(ld, node, path, out) < 0)
		return -1;
	if (*out == NULL)
		return 0;
	if (**out == '\0')
		return yaml_fail(ld, node, path, "must not be empty");
	if (expand) {
		home = util_expand_home(*out);
		free(*out);
		*out = home;
	}
	return 0;
}

int yaml_get_path(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out)
{
	return yaml_get_set(ld, node, path, out, 1);
}

int yaml_want(struct yaml_loader *ld, yaml_node_t *node, const char *path, yaml_node_type_t t)
{
	if (node->type == t)
		return 0;
	return yaml_fail(ld, node, path, "expected %s, got %s",
			 t == YAML_MAPPING_NODE ? "a map" : "a list", yaml_kind(node));
}

int yaml_list_len(struct yaml_loader *ld, yaml_node_t *node, const char *path, size_t *n)
{
	if (yaml_want(ld, node, path, YAML_SEQUENCE_NODE) < 0)
		return -1;
	*n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	return 0;
}

int yaml_each_item(struct yaml_loader *ld, yaml_node_t *node, const char *path,
		   int (*item)(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			       const char *sub),
		   void *ctx)
{
	yaml_node_item_t *it;
	char sub[256];
	size_t i = 0;

	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++, i++) {
		snprintf(sub, sizeof(sub), "%.200s[%zu]", path, i);
		if (item(ld, ctx, yaml_document_get_node(ld->doc, *it), i, sub) < 0)
			return -1;
	}
	return 0;
}

int yaml_check_key(struct yaml_loader *ld, yaml_node_t *map, yaml_node_pair_t *p, const char *where,
		   const char *sub)
{
	yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
	yaml_node_pair_t *q;

	if (key->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, key, where, "expected a key, got %s", yaml_kind(key));
	for (q = map->data.mapping.pairs.start; q < p; q++) {
		yaml_node_t *prev = yaml_document_get_node(ld->doc, q->key);

		if (prev->type == YAML_SCALAR_NODE && strcmp(yaml_text(prev), yaml_text(key)) == 0)
			return yaml_fail(ld, key, sub, "duplicate key");
	}
	return 0;
}

int yaml_each_pair(struct yaml_loader *ld, yaml_node_t *node, const char *path, const char *what,
		   int (*pair)(struct yaml_loader *ld, void *ctx, yaml_node_t *key,
			       yaml_node_t *value, const char *sub),
		   void *ctx)
{
	const char *where = *path ? path : "(top level)";
	yaml_node_pair_t *p;
	char sub[256];

	if (node->type != YAML_MAPPING_NODE)
		return yaml_fail(ld, node, where, "expected %s, got %s", what, yaml_kind(node));
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ld->doc, p->value);

		if (key->type == YAML_SCALAR_NODE)
			snprintf(sub, sizeof(sub), "%.200s%s%.50s", path, *path ? "." : "",
				 yaml_text(key));
		if (yaml_check_key(ld, node, p, where, sub) < 0)
			return -1;
		if (pair(ld, ctx, key, value, sub) < 0)
			return -1;
	}
	return 0;
}

/* A key table being walked and what its handlers fill. */
struct yaml_section {
	void *obj;
	const struct yaml_key *table;
};

static int yaml_section_pair(struct yaml_loader *ld, void *ctx, yaml_node_t *key,
			     yaml_node_t *value, const char *sub)
{
	struct yaml_section *sec = ctx;
	const struct yaml_key *k;
	char **slot;

	for (k = sec->table; k->name != NULL; k++)
		if (strcmp(k->name, yaml_text(key)) == 0)
			break;
	if (k->name == NULL)
		return yaml_fail(ld, key, sub, "unknown key");
	slot = (char **)((char *)sec->obj + k->offset);
	switch (k->kind) {
	case YAML_STR:
		return yaml_get_string(ld, value, sub, slot);
	case YAML_NONEMPTY:
		return yaml_get_nonempty(ld, value, sub, slot);
	case YAML_STR_SET:
		return yaml_get_set(ld, value, sub, slot, 0);
	case YAML_PATH:
		return yaml_get_set(ld, value, sub, slot, 1);
	case YAML_MAP:
		return yaml_walk_map(ld, sec->obj, value, sub, k->sub);
	case YAML_FN:
		break;
	}
	return k->load(ld, sec->obj, value, sub);
}

int yaml_walk_fields(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path,
		     const char *what, const struct yaml_key *table)
{
	struct yaml_section sec = { obj, table };

	return yaml_each_pair(ld, node, path, what, yaml_section_pair, &sec);
}

int yaml_walk_map(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path,
		  const struct yaml_key *table)
{
	if (yaml_is_null(node))
		return 0;
	return yaml_walk_fields(ld, obj, node, path, "a map", table);
}
