/*
 * codec.c - the shared half of the snapshot codecs (codec.h): adders that
 * remember an allocation failure, and getters that name the field they
 * refuse.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "lib/util.h"

/* ---- encoding -------------------------------------------------------- */

static void codec_add(struct codec_enc *e, cJSON *o, const char *name, cJSON *item)
{
	if (item == NULL || o == NULL) {
		e->bad = 1;
		cJSON_Delete(item);
		return;
	}
	if (name == NULL ? !cJSON_AddItemToArray(o, item) : !cJSON_AddItemToObject(o, name, item)) {
		e->bad = 1;
		cJSON_Delete(item);
	}
}

cJSON *codec_enc_root(struct codec_enc *e)
{
	cJSON *root = cJSON_CreateObject();

	e->bad = root == NULL;
	codec_put_num(e, root, "v", CODEC_VERSION);
	return root;
}

cJSON *codec_enc_done(struct codec_enc *e, cJSON *root)
{
	if (e->bad) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

void codec_put_num(struct codec_enc *e, cJSON *o, const char *name, double v)
{
	codec_add(e, o, name, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void codec_put_str(struct codec_enc *e, cJSON *o, const char *name, const char *s)
{
	codec_add(e, o, name, s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull());
}

cJSON *codec_put_arr(struct codec_enc *e, cJSON *o, const char *name)
{
	cJSON *a = cJSON_CreateArray();

	codec_add(e, o, name, a);
	return e->bad ? NULL : a;
}

cJSON *codec_put_obj(struct codec_enc *e, cJSON *o, const char *name)
{
	cJSON *a = cJSON_CreateObject();

	codec_add(e, o, name, a);
	return e->bad ? NULL : a;
}

void codec_put_rows(struct codec_enc *e, cJSON *o, const char *name, const void *rows, size_t n,
		    size_t size, codec_put_fn *put)
{
	cJSON *a = codec_put_arr(e, o, name);
	size_t i;

	for (i = 0; i < n && !e->bad; i++)
		put(e, codec_put_obj(e, a, NULL), (const char *)rows + i * size);
}

/* ---- decoding -------------------------------------------------------- */

int codec_dec_init(struct codec_dec *d, const cJSON *j, const char *what, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->what = what;
	d->err = err;
	d->errlen = errlen;
	if (!cJSON_IsObject(j)) {
		codec_fail(d, NULL, "not a JSON object");
		return -1;
	}
	if (codec_int(d, j, "v", 0, 1000000) != CODEC_VERSION && !d->bad)
		codec_fail(d, "v", "version %d is not supported (this console reads %d)",
			   cJSON_GetObjectItemCaseSensitive(j, "v")->valueint, CODEC_VERSION);
	return d->bad ? -1 : 0;
}

void codec_enter(struct codec_dec *d, const char *name, long idx)
{
	if (d->depth < CODEC_DEPTH) {
		d->at[d->depth].name = name;
		d->at[d->depth].idx = idx;
	}
	d->depth++;
}

void codec_leave(struct codec_dec *d)
{
	if (d->depth > 0)
		d->depth--;
}

void codec_fail(struct codec_dec *d, const char *name, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;
	int i;

	if (d->bad)
		return;
	d->bad = 1;
	for (i = 0; i < d->depth && i < CODEC_DEPTH; i++) {
		if (d->at[i].name != NULL)
			strbuf_printf(&sb, "%s%s", sb.len > 0 ? "." : "", d->at[i].name);
		if (d->at[i].idx >= 0)
			strbuf_printf(&sb, "[%ld]", d->at[i].idx);
	}
	if (name != NULL)
		strbuf_printf(&sb, "%s%s", sb.len > 0 ? "." : "", name);
	if (sb.len == 0)
		strbuf_puts(&sb, "snapshot");
	strbuf_puts(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	snprintf(d->err, d->errlen, "%s: %s", d->what, sb.buf);
	free(sb.buf);
}

/* The field, or NULL after reporting it missing. */
static const cJSON *codec_field(struct codec_dec *d, const cJSON *o, const char *name)
{
	const cJSON *f;

	if (d->bad)
		return NULL;
	if (name == NULL)
		return o;
	f = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, name) : NULL;
	if (f == NULL)
		codec_fail(d, name, "missing");
	return f;
}

double codec_num(struct codec_dec *d, const cJSON *o, const char *name)
{
	const cJSON *f = codec_field(d, o, name);

	if (f == NULL)
		return 0;
	if (!cJSON_IsNumber(f)) {
		codec_fail(d, name, "not a number");
		return 0;
	}
	if (!isfinite(f->valuedouble)) {
		codec_fail(d, name, "not a finite number");
		return 0;
	}
	return f->valuedouble;
}

long long codec_int(struct codec_dec *d, const cJSON *o, const char *name, long long lo,
		    long long hi)
{
	double v = codec_num(d, o, name);

	if (d->bad)
		return 0;
	/* 2^63 itself is out of range for long long */
	if (v != floor(v) || v < (double)lo || v > (double)hi || v >= 9223372036854775808.0) {
		codec_fail(d, name, "not an integer from %lld to %lld", lo, hi);
		return 0;
	}
	return (long long)v;
}

const char *codec_ref(struct codec_dec *d, const cJSON *o, const char *name, size_t cap,
		      int nullable)
{
	const cJSON *f = codec_field(d, o, name);
	size_t n;

	if (f == NULL || (nullable && cJSON_IsNull(f)))
		return NULL;
	if (!cJSON_IsString(f) || f->valuestring == NULL) {
		codec_fail(d, name, nullable ? "not a string or null" : "not a string");
		return NULL;
	}
	n = strlen(f->valuestring);
	if (n > cap) {
		codec_fail(d, name, "too long (%zu bytes, at most %zu)", n, cap);
		return NULL;
	}
	return f->valuestring;
}

char *codec_str(struct codec_dec *d, const cJSON *o, const char *name, size_t cap, int nullable)
{
	const char *s = codec_ref(d, o, name, cap, nullable);

	return s != NULL ? xstrdup(s) : NULL;
}

void codec_buf(struct codec_dec *d, const cJSON *o, const char *name, char *buf, size_t len)
{
	const char *s = codec_ref(d, o, name, len - 1, 0);

	snprintf(buf, len, "%s", s != NULL ? s : "");
}

const cJSON *codec_arr(struct codec_dec *d, const cJSON *o, const char *name, size_t max, size_t *n)
{
	const cJSON *f = codec_field(d, o, name);
	const cJSON *it;
	size_t k = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	if (!cJSON_IsArray(f)) {
		codec_fail(d, name, "not an array");
		return NULL;
	}
	/* counted by hand: cJSON_GetArraySize's int would not stop early */
	for (it = f->child; it != NULL; it = it->next)
		if (++k > max) {
			codec_fail(d, name, "more than %zu elements", max);
			return NULL;
		}
	*n = k;
	return f;
}

const cJSON *codec_obj(struct codec_dec *d, const cJSON *o, const char *name)
{
	const cJSON *f = codec_field(d, o, name);

	if (f != NULL && !cJSON_IsObject(f)) {
		codec_fail(d, name, "not an object");
		return NULL;
	}
	return f;
}

void *codec_rows(struct codec_dec *d, const cJSON *o, const char *name, size_t max, size_t size,
		 size_t *n, codec_row_fn *get, void *ctx)
{
	size_t total, cap = 16, i = 0;
	const cJSON *a = codec_arr(d, o, name, max, &total), *it;
	char *rows = xcalloc(cap + 1, size);

	/* grown as rows decode, so that a long array of junk costs no more
	 * than its text */
	cJSON_ArrayForEach(it, a)
	{
		if (d->bad)
			break;
		if (i == cap) {
			rows = xrealloc(rows, (2 * cap + 1) * size);
			memset(rows + (cap + 1) * size, 0, cap * size);
			cap *= 2;
		}
		codec_enter(d, name, (long)i);
		get(d, codec_obj(d, it, NULL), rows + i * size, ctx);
		codec_leave(d);
		i++;
	}
	*n = i; /* all of them, unless one failed: up to it */
	return rows;
}
