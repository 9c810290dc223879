/*
 * mask.c - what a Secret holds, masked in the text `kubectl get secret
 * -o yaml|json` printed (a runbook step's output): the values under
 * data/stringData and the last-applied-configuration annotation, in YAML
 * (block scalars too) and in JSON, also JSON inside YAML. Pure, in place.
 */
#include <string.h>

#include "backends/k8s/k8s_int.h"

#define K8S_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* Leading spaces of a line; *dash set when the key follows "- ". */
static size_t k8s_indent(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && (l[i] == ' ' || (l[i] == '-' && i + 1 < len && l[i + 1] == ' ')))
		i++;
	return i;
}

/* The YAML key at the start of the line (after indentation), as a
 * pointer and length, unquoted; 0 when the line is not "key:". */
static size_t k8s_yaml_key(const char *l, size_t len, size_t ind, const char **key, size_t *colon)
{
	size_t i = ind, start;
	char q = 0;

	if (i < len && (l[i] == '"' || l[i] == '\''))
		q = l[i++];
	start = i;
	while (i < len && (q ? l[i] != q : (l[i] != ':' && l[i] != ' ')))
		i++;
	*key = l + start;
	if (i >= len)
		return 0;
	if (q)
		i++;
	if (i >= len || l[i] != ':' || (i + 1 < len && l[i + 1] != ' '))
		return 0;
	*colon = i;
	return (q ? i - 1 : i) - start;
}

static int k8s_keyis(const char *k, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(k, want, n) == 0;
}

/* Mask one value: "***" (or fewer stars for a shorter value). */
static void k8s_put_mask(struct strbuf *out, size_t vlen)
{
	strbuf_append(out, "***", vlen < 3 ? vlen : 3);
}

/* YAML: values of data/stringData maps and the last-applied annotation;
 * block scalars (lines more indented than their key) are masked too. */
static int k8s_mask_yaml(const char *text, struct strbuf *out)
{
	const char *p = text;
	int masked = 0;
	size_t map_ind = 0, block_ind = 0;
	int in_map = 0, in_block = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p), ind = k8s_indent(p, len),
		       colon = 0;
		const char *key = NULL;
		size_t klen = k8s_yaml_key(p, len, ind, &key, &colon);
		int blank = ind == len;

		if (in_block && (blank || ind > block_ind)) {
			if (!blank) {
				strbuf_append(out, p, ind);
				k8s_put_mask(out, len - ind);
				masked = 1;
			} else {
				strbuf_append(out, p, len);
			}
			goto next;
		}
		in_block = 0;
		if (in_map && !blank && ind <= map_ind)
			in_map = 0;
		if (klen > 0) {
			size_t v = colon + 1;
			int secret_key =
				(in_map && ind > map_ind) || k8s_keyis(key, klen, K8S_LAST_APPLIED);

			while (v < len && p[v] == ' ')
				v++;
			if (!in_map &&
			    (k8s_keyis(key, klen, "data") || k8s_keyis(key, klen, "stringData"))) {
				if (v >= len) {
					in_map = 1;
					map_ind = ind;
					strbuf_append(out, p, len);
				} else { /* a flow map: mask it whole */
					strbuf_append(out, p, v);
					k8s_put_mask(out, len - v);
					masked = 1;
				}
				goto next;
			}
			if (secret_key) {
				strbuf_append(out, p, v);
				if (v < len && (p[v] == '|' || p[v] == '>')) {
					strbuf_append(out, p + v, len - v);
					in_block = 1;
					block_ind = ind;
				} else if (v < len) {
					k8s_put_mask(out, len - v);
					masked = 1;
				} else {
					/* the value follows on more indented lines */
					in_block = 1;
					block_ind = ind;
				}
				goto next;
			}
		}
		strbuf_append(out, p, len);
	next:
		if (eol == NULL)
			break;
		strbuf_putc(out, '\n');
		p = eol + 1;
	}
	return masked;
}

/* The end of a JSON string starting at the opening quote s (pointer
 * past the closing quote), or NULL. */
static const char *k8s_json_str_end(const char *s)
{
	for (s++; *s; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			return s + 1;
	}
	return NULL;
}

/* JSON: string values inside "data"/"stringData" objects and the
 * last-applied annotation's string. */
static int k8s_mask_json(const char *text, struct strbuf *out)
{
	const char *p = text;
	int masked = 0, depth = 0, map_depth = -1;

	while (*p) {
		if (*p == '"') {
			const char *e = k8s_json_str_end(p), *q;
			int is_key;

			if (e == NULL) {
				strbuf_puts(out, p);
				break;
			}
			for (q = e; *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'; q++)
				;
			is_key = *q == ':';
			if (is_key) {
				size_t klen = (size_t)(e - p) - 2;
				const char *v = q + 1;
				int mask_val = k8s_keyis(p + 1, klen, K8S_LAST_APPLIED) ||
					       (map_depth >= 0 && depth == map_depth + 1);

				while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
					v++;
				if (map_depth < 0 && *v == '{' &&
				    (k8s_keyis(p + 1, klen, "data") ||
				     k8s_keyis(p + 1, klen, "stringData")))
					map_depth = depth;
				if (mask_val && *v == '"') {
					const char *ve = k8s_json_str_end(v);

					if (ve != NULL) {
						strbuf_append(out, p, (size_t)(v - p) + 1);
						k8s_put_mask(out, (size_t)(ve - v) - 2);
						strbuf_putc(out, '"');
						masked = 1;
						p = ve;
						continue;
					}
				}
			}
			strbuf_append(out, p, (size_t)(e - p));
			p = e;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			depth--;
			if (map_depth >= 0 && depth <= map_depth)
				map_depth = -1;
		}
		strbuf_putc(out, *p++);
	}
	return masked;
}

int k8s_mask_secret_text(char *text)
{
	struct strbuf a = { 0 }, b = { 0 };
	const char *first = text;
	int masked;

	if (text == NULL || text[0] == '\0')
		return 0;
	first += strspn(first, " \t\r\n");
	if (*first == '{' || *first == '[') { /* -o json */
		masked = k8s_mask_json(text, &b);
	} else { /* -o yaml, and JSON inside it */
		masked = k8s_mask_yaml(text, &a);
		masked |= k8s_mask_json(a.buf != NULL ? a.buf : "", &b);
	}
	/* Masks are never longer than what they replace: it fits. */
	if (masked && b.buf != NULL && b.len <= strlen(text))
		memcpy(text, b.buf, b.len + 1);
	strbuf_free(&a);
	strbuf_free(&b);
	return masked;
}
