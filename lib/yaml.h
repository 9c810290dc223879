/*
 * yaml.h - what the YAML loaders share (config, themes, kubeconfig): a
 * file read whole with libyaml's document API, node access, and errors
 * that read "FILE:LINE: path: problem" the same in every loader. The
 * schemas themselves stay with their loaders. libyaml owns the yaml_*_t
 * types and the yaml_parser_/yaml_document_/yaml_emitter_ names; ours
 * keep clear of those. Any thread, one loader per thread.
 */
#ifndef AM_YAML_H
#define AM_YAML_H

#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

/* yaml_load flags. */
#define YAML_LOAD_ONE_DOC 1u    /* a second document in the file is an error */
#define YAML_LOAD_MISSING_OK 2u /* a file that does not exist is no error */

/* One file being walked: where errors point and where they go. file,
 * doc, err and errlen are for the walkers; the rest is yaml_load's. */
struct yaml_loader {
	const char *file;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
	FILE *f;
	yaml_parser_t parser;
	yaml_document_t body;
};

/* Open path (a regular file) and parse its first document into ld.
 * Returns 1 with *root set (NULL for an empty file), 0 when the file
 * does not exist and YAML_LOAD_MISSING_OK is given, or -1 with
 * "FILE: ..." or "FILE:LINE: ..." in err. After 1, call yaml_unload. */
int yaml_load(struct yaml_loader *ld, const char *path, unsigned flags, char *err, size_t errlen,
	      yaml_node_t **root);

/* Free what yaml_load built; the nodes go with it. */
void yaml_unload(struct yaml_loader *ld);

/* Write "FILE:LINE: path: message" (or "FILE:LINE: message" when path
 * is NULL) to ld's error buffer, LINE being node's. Returns -1. */
int yaml_fail(struct yaml_loader *ld, const yaml_node_t *node, const char *path, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));

/* "a scalar", "a list", "a map" or "nothing", for messages. */
const char *yaml_kind(const yaml_node_t *node);

/* A scalar node's text (NUL-terminated by libyaml). */
const char *yaml_text(const yaml_node_t *node);

/* 1 if node is NULL or a plain empty, "~" or "null" scalar: the key is
 * present but unset. */
int yaml_is_null(const yaml_node_t *node);

/* A string value (NUL bytes refused) replacing *out, which is freed; a
 * null node leaves *out NULL. On error *out is left as it was. */
int yaml_get_string(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out);

/* Like yaml_get_string, and an empty or null value is an error. */
int yaml_get_nonempty(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out);

/* 0 if node is of type t (a mapping or a sequence), else -1 with
 * "expected a map" or "expected a list". */
int yaml_want(struct yaml_loader *ld, yaml_node_t *node, const char *path, yaml_node_type_t t);

/* The item count of a sequence, or -1 with "expected a list" when node
 * is something else. */
int yaml_list_len(struct yaml_loader *ld, yaml_node_t *node, const char *path, size_t *n);

/* Hand each item of a sequence already checked to be one to item(),
 * with its "path[i]" path; the first error stops the walk. */
int yaml_each_item(struct yaml_loader *ld, yaml_node_t *node, const char *path,
		   int (*item)(struct yaml_loader *ld, void *ctx, yaml_node_t *node, size_t i,
			       const char *sub),
		   void *ctx);

/* Check the key of pair p of map: a scalar (else an error at where) and
 * not one of the keys before it (else "duplicate key" at sub). */
int yaml_check_key(struct yaml_loader *ld, yaml_node_t *map, yaml_node_pair_t *p, const char *where,
		   const char *sub);

/* Walk a mapping whose keys must be distinct scalars, handing each pair
 * to pair() with its dotted path; what names the shape expected when
 * node is no mapping at all ("(top level)" stands for an empty path). */
int yaml_each_pair(struct yaml_loader *ld, yaml_node_t *node, const char *path, const char *what,
		   int (*pair)(struct yaml_loader *ld, void *ctx, yaml_node_t *key,
			       yaml_node_t *value, const char *sub),
		   void *ctx);

/* Like yaml_get_string, and a value that is given must not be empty; a
 * leading "~/" is the home directory (util_expand_home). */
int yaml_get_path(struct yaml_loader *ld, yaml_node_t *node, const char *path, char **out);

/* What a key table entry does with its value. */
enum yaml_field {
	YAML_FN,       /* load() reads it */
	YAML_STR,      /* yaml_get_string into the char * at offset */
	YAML_NONEMPTY, /* yaml_get_nonempty into the char * at offset */
	YAML_STR_SET,  /* the same, and a value that is given must not be empty */
	YAML_PATH,     /* yaml_get_path into the char * at offset */
	YAML_MAP,      /* a nested map of the same obj, walked with table sub */
};

/* One mapping key: a field of obj at offset, a nested table, or a
 * handler given the value node and its dotted path. */
struct yaml_key {
	const char *name;
	enum yaml_field kind;
	size_t offset;
	int (*load)(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path);
	const struct yaml_key *sub;
};

/* Walk a mapping, dispatching each key through a NULL-terminated table
 * with obj; unknown or repeated keys are errors, and a null node is an
 * empty mapping. */
int yaml_walk_map(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path,
		  const struct yaml_key *table);

/* Like yaml_walk_map, but node must be a mapping: what names the shape
 * expected otherwise ("a map {name, url}"). */
int yaml_walk_fields(struct yaml_loader *ld, void *obj, yaml_node_t *node, const char *path,
		     const char *what, const struct yaml_key *table);

#endif
