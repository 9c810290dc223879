/*
 * codec.c - the shared half of the snapshot codecs (codec.h): adders that
 * remember an allocation failure, getters that name the field they
 * refuse, and the field tables' engine, which puts and gets each field
 * by its type's pair of functions (codec_types).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "runtime/backend.h"
#include "lib/redact.h"
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

/* ---- field tables ---------------------------------------------------- */

/* An integer field's value, as the encoders always wrote it. */
static double codec_load(const char *p, enum codec_type t)
{
	int i;
	long l;
	unsigned long ul;
	long long ll;
	size_t z;

	switch (t) {
	case CODEC_INT: /* and enums, as big as an int */
		memcpy(&i, p, sizeof i);
		return i;
	case CODEC_LONG:
		memcpy(&l, p, sizeof l);
		return (double)l;
	case CODEC_ULONG:
		memcpy(&ul, p, sizeof ul);
		return (double)ul;
	case CODEC_LL:
		memcpy(&ll, p, sizeof ll);
		return (double)ll;
	default:
		memcpy(&z, p, sizeof z);
		return (double)z;
	}
}

static void codec_store(char *p, enum codec_type t, long long v)
{
	int i = (int)v;
	long l = (long)v;
	unsigned long ul = (unsigned long)v;
	size_t z = (size_t)v;

	switch (t) {
	case CODEC_INT:
		memcpy(p, &i, sizeof i);
		break;
	case CODEC_LONG:
		memcpy(p, &l, sizeof l);
		break;
	case CODEC_ULONG:
		memcpy(p, &ul, sizeof ul);
		break;
	case CODEC_LL:
		memcpy(p, &v, sizeof v);
		break;
	default:
		memcpy(p, &z, sizeof z);
		break;
	}
}

/* The types' own put and get, as hooks: f of row into (out of) o. */

static void codec_dbl_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	codec_put_num(e, o, f->name, *(const double *)(const void *)((const char *)row + f->off));
}

static void codec_dbl_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	*(double *)(void *)((char *)row + f->off) = codec_num(d, o, f->name);
}

static void codec_int_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	codec_put_num(e, o, f->name, codec_load((const char *)row + f->off, f->type));
}

static void codec_int_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	codec_store((char *)row + f->off, f->type, codec_int(d, o, f->name, f->lo, f->hi));
}

static int codec_nullable(const struct codec_field *f)
{
	return f->type == CODEC_STR_NULL || f->type == CODEC_REF_NULL || f->type == CODEC_SECRET;
}

/* A string or NULL: null where it may be, else "". */
static void codec_str_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	const char *s = *(char *const *)(const void *)((const char *)row + f->off);

	codec_put_str(e, o, f->name, s == NULL && !codec_nullable(f) ? "" : s);
}

static void codec_str_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	*(char **)(void *)((char *)row + f->off) =
		codec_str(d, o, f->name, f->cap, codec_nullable(f));
}

static void codec_ref_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	const char *s = codec_ref(d, o, f->name, f->cap, codec_nullable(f));

	memcpy((char *)row + f->off, &s, sizeof s);
}

static void codec_buf_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	codec_put_str(e, o, f->name, (const char *)row + f->off);
}

static void codec_buf_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	codec_buf(d, o, f->name, (char *)row + f->off, f->cap);
}

/* s redacted (NULL stays NULL), cut to max bytes. */
static void codec_put_redacted(struct codec_enc *e, cJSON *o, const char *name, const char *s,
			       size_t max)
{
	char *r = s != NULL ? redact(s) : NULL;

	if (r != NULL && strlen(r) > max)
		r[max] = '\0';
	codec_put_str(e, o, name, r);
	free(r);
}

static void codec_secret_put(struct codec_enc *e, cJSON *o, const void *row,
			     const struct codec_field *f)
{
	const char *s = *(char *const *)(const void *)((const char *)row + f->off);

	codec_put_redacted(e, o, f->name, s, f->cap);
}

static void codec_secret_buf_put(struct codec_enc *e, cJSON *o, const void *row,
				 const struct codec_field *f)
{
	codec_put_redacted(e, o, f->name, (const char *)row + f->off, f->cap - 1);
}

static void codec_obj_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	codec_put_fields(e, codec_put_obj(e, o, f->name), (const char *)row + f->off, f->sub,
			 f->nsub);
}

static void codec_obj_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	o = codec_obj(d, o, f->name);
	codec_enter(d, f->name, -1);
	codec_get_fields(d, o, (char *)row + f->off, f->sub, f->nsub);
	codec_leave(d);
}

static void codec_ptr_put(struct codec_enc *e, cJSON *o, const void *row,
			  const struct codec_field *f)
{
	const void *p = *(const void *const *)(const void *)((const char *)row + f->off);

	if (p == NULL)
		codec_put_str(e, o, f->name, NULL);
	else
		codec_put_fields(e, codec_put_obj(e, o, f->name), p, f->sub, f->nsub);
}

/* A fresh struct, or NULL for null. */
static void codec_ptr_get(struct codec_dec *d, const cJSON *o, void *row,
			  const struct codec_field *f)
{
	const cJSON *j = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, f->name) : NULL;
	void *p;

	if (j == NULL) {
		codec_fail(d, f->name, "missing");
		return;
	}
	if (cJSON_IsNull(j))
		return;
	p = xcalloc(1, f->size);
	memcpy((char *)row + f->off, &p, sizeof p);
	o = codec_obj(d, o, f->name);
	codec_enter(d, f->name, -1);
	codec_get_fields(d, o, p, f->sub, f->nsub);
	codec_leave(d);
}

/* An array: its elements are objects of f->sub's fields, or the values
 * of its one NULL-named field. */
static void codec_array_put(struct codec_enc *e, cJSON *o, const void *row,
			    const struct codec_field *f)
{
	const char *at = (const char *)row + f->off;
	const char *base = f->type == CODEC_FIXED ? at : *(const char *const *)(const void *)at;
	cJSON *a = codec_put_arr(e, o, f->name);
	double count;
	size_t n = 0, i;

	if (f->type == CODEC_STRV) {
		while (base != NULL && ((const char *const *)(const void *)base)[n] != NULL)
			n++;
	} else {
		count = codec_load((const char *)row + f->noff, f->ntype);
		n = count > 0 ? (size_t)count : 0;
	}
	if (f->type == CODEC_FIXED && n > f->cap)
		n = f->cap;
	for (i = 0; i < n && !e->bad; i++) {
		if (f->sub[0].name == NULL)
			codec_put_fields(e, a, base + i * f->size, f->sub, 1);
		else
			codec_put_fields(e, codec_put_obj(e, a, NULL), base + i * f->size, f->sub,
					 f->nsub);
	}
}

/* A fresh array is grown as elements decode, so that a long array of
 * junk costs no more than its text, and always has a zeroed spare
 * element (a NULL after pointers). After a failure the array holds the
 * elements up to the failing one (filled, or partly) and counts them. */
static void codec_array_get(struct codec_dec *d, const cJSON *o, void *row,
			    const struct codec_field *f)
{
	int fixed = f->type == CODEC_FIXED;
	size_t total, cap = 16, i = 0;
	const cJSON *a = codec_arr(d, o, f->name, fixed ? f->cap : (size_t)f->hi, &total), *it;
	char *at = (char *)row + f->off;
	char *base = fixed ? at : xcalloc(cap + 1, f->size);

	cJSON_ArrayForEach(it, a)
	{
		if (d->bad)
			break;
		if (!fixed && i == cap) {
			base = xrealloc(base, (2 * cap + 1) * f->size);
			memset(base + (cap + 1) * f->size, 0, cap * f->size);
			cap *= 2;
		}
		codec_enter(d, f->name, (long)i);
		if (f->sub[0].name == NULL)
			codec_get_fields(d, it, base + i * f->size, f->sub, 1);
		else
			codec_get_fields(d, codec_obj(d, it, NULL), base + i * f->size, f->sub,
					 f->nsub);
		codec_leave(d);
		i++;
	}
	if (!fixed)
		memcpy(at, &base, sizeof base);
	if (f->type != CODEC_STRV)
		codec_store((char *)row + f->noff, f->ntype, (long long)i);
}

static const struct {
	codec_put_hook *put;
	codec_get_hook *get;
} codec_types[] = {
	[CODEC_DBL] = { codec_dbl_put, codec_dbl_get },
	[CODEC_INT] = { codec_int_put, codec_int_get },
	[CODEC_LONG] = { codec_int_put, codec_int_get },
	[CODEC_ULONG] = { codec_int_put, codec_int_get },
	[CODEC_LL] = { codec_int_put, codec_int_get },
	[CODEC_SIZE] = { codec_int_put, codec_int_get },
	[CODEC_STR] = { codec_str_put, codec_str_get },
	[CODEC_STR_NULL] = { codec_str_put, codec_str_get },
	[CODEC_REF] = { codec_str_put, codec_ref_get },
	[CODEC_REF_NULL] = { codec_str_put, codec_ref_get },
	[CODEC_BUF] = { codec_buf_put, codec_buf_get },
	[CODEC_SECRET] = { codec_secret_put, codec_str_get },
	[CODEC_SECRET_BUF] = { codec_secret_buf_put, codec_buf_get },
	[CODEC_OBJ] = { codec_obj_put, codec_obj_get },
	[CODEC_PTR] = { codec_ptr_put, codec_ptr_get },
	[CODEC_ROWS] = { codec_array_put, codec_array_get },
	[CODEC_FIXED] = { codec_array_put, codec_array_get },
	[CODEC_STRV] = { codec_array_put, codec_array_get },
	[CODEC_FN] = { NULL, NULL }, /* the field's own */
};

void codec_put_fields(struct codec_enc *e, cJSON *o, const void *row,
		      const struct codec_field *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n && !e->bad; i++) {
		const struct codec_field *f = &fields[i];

		(f->put != NULL ? f->put : codec_types[f->type].put)(e, o, row, f);
	}
}

void codec_get_fields(struct codec_dec *d, const cJSON *o, void *row,
		      const struct codec_field *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n && !d->bad; i++) {
		const struct codec_field *f = &fields[i];

		(f->get != NULL ? f->get : codec_types[f->type].get)(d, o, row, f);
	}
}

cJSON *codec_encode(const struct codec_snap *c, const void *snap)
{
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

	codec_put_fields(&e, root, snap, c->fields, c->nfields);
	return codec_enc_done(&e, root);
}

void *codec_decode(const struct codec_snap *c, const cJSON *j, char *err, size_t errlen)
{
	struct codec_dec d;
	void *s;

	if (codec_dec_init(&d, j, c->b->name, err, errlen) < 0)
		return NULL;
	s = xcalloc(1, c->size);
	codec_get_fields(&d, j, s, c->fields, c->nfields);
	if (d.bad) {
		c->b->snapshot_free(s);
		return NULL;
	}
	return s;
}
