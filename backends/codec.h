/*
 * codec.h - the helpers the snapshot codecs share (backends/NAME_codec.c,
 * backends/k8s/codec.c; struct backend's snapshot_encode and
 * snapshot_decode). Encoding adds fields to cJSON objects and remembers
 * whether an allocation failed. Decoding reads fields of untrusted JSON:
 * each getter checks the type, finiteness, range and size and, on the
 * first failure, writes "what: path.to.field: what is wrong" to the
 * caller's err and marks the decoder bad; later getters then return
 * zeroes, so a decoder reads everything and checks once at the end.
 */
#ifndef AM_CODEC_H
#define AM_CODEC_H

#include <stddef.h>

struct cJSON;

#define CODEC_VERSION 1
#define CODEC_ROWS_MAX 100000     /* elements of any one array */
#define CODEC_STR_MAX (64u << 10) /* bytes of an ordinary string */
#define CODEC_DEPTH 6

struct codec_enc {
	int bad; /* an allocation failed */
};

/* A fresh {"v": CODEC_VERSION} object; NULL (and e->bad) on failure. */
struct cJSON *codec_enc_root(struct codec_enc *e);
/* The root, or NULL (root deleted) when anything failed. */
struct cJSON *codec_enc_done(struct codec_enc *e, struct cJSON *root);
/* Add to object o as name, or to array o when name is NULL. A NULL
 * string is JSON null; a non-finite number is null (which the decoder
 * refuses). cJSON prints numbers with 15 significant digits unless that
 * changes them by more than DBL_EPSILON relative, so integers are exact
 * in the text up to 10^15 (offsets, bytes and counters stay below it). The array and object adders
 * return the new container (NULL on failure, which later adders ignore). */
void codec_put_num(struct codec_enc *e, struct cJSON *o, const char *name, double v);
void codec_put_str(struct codec_enc *e, struct cJSON *o, const char *name, const char *s);
struct cJSON *codec_put_arr(struct codec_enc *e, struct cJSON *o, const char *name);
struct cJSON *codec_put_obj(struct codec_enc *e, struct cJSON *o, const char *name);
/* Puts one row's fields into object o (NULL after a failure: ignored). */
typedef void codec_put_fn(struct codec_enc *e, struct cJSON *o, const void *row);
/* The n rows of size bytes each at rows as the array of objects name. */
void codec_put_rows(struct codec_enc *e, struct cJSON *o, const char *name, const void *rows,
		    size_t n, size_t size, codec_put_fn *put);

struct codec_dec {
	const char *what; /* "redis" */
	char *err;
	size_t errlen;
	int bad;
	int depth;
	struct {
		const char *name;
		long idx; /* -1: not an array element */
	} at[CODEC_DEPTH];
};

/* Start decoding j as what's snapshot: j must be an object with "v" equal
 * to CODEC_VERSION. 0, or -1 + err. */
int codec_dec_init(struct codec_dec *d, const struct cJSON *j, const char *what, char *err,
		   size_t errlen);
/* Report that field name (NULL: the current element) is wrong, unless an
 * error is already reported. */
void codec_fail(struct codec_dec *d, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Name the object or element that the next getters read: name, and idx
 * for an element of the array name (else -1). Pair with codec_leave. */
void codec_enter(struct codec_dec *d, const char *name, long idx);
void codec_leave(struct codec_dec *d);

/* The getters read field name of object o, or o itself when name is
 * NULL (an array element). */
/* A finite number. */
double codec_num(struct codec_dec *d, const struct cJSON *o, const char *name);
/* An integer in [lo, hi]. */
long long codec_int(struct codec_dec *d, const struct cJSON *o, const char *name, long long lo,
		    long long hi);
/* A string of at most cap bytes, borrowed from o (NULL on failure; null
 * is accepted, as NULL, when nullable). */
const char *codec_ref(struct codec_dec *d, const struct cJSON *o, const char *name, size_t cap,
		      int nullable);
/* A fresh copy of the string (as codec_ref; NULL for null or failure). */
char *codec_str(struct codec_dec *d, const struct cJSON *o, const char *name, size_t cap,
		int nullable);
/* The string into buf[len], which it must fit with its NUL ("" on
 * failure). */
void codec_buf(struct codec_dec *d, const struct cJSON *o, const char *name, char *buf, size_t len);
/* An array of at most max elements (*n set; NULL and *n 0 on failure),
 * or an object. */
const struct cJSON *codec_arr(struct codec_dec *d, const struct cJSON *o, const char *name,
			      size_t max, size_t *n);
const struct cJSON *codec_obj(struct codec_dec *d, const struct cJSON *o, const char *name);
/* Fills one row from an element (an object, or NULL after a failure). */
typedef void codec_row_fn(struct codec_dec *d, const struct cJSON *o, void *row, void *ctx);
/* The array of objects name of o (at most max) as a fresh zeroed array
 * of *n rows of size bytes (and a spare one), each filled by get with
 * the path at name[i]. After a failure the array comes back too, with
 * the rows up to the failing one (filled, or partly), for the snapshot's
 * free to release. */
void *codec_rows(struct codec_dec *d, const struct cJSON *o, const char *name, size_t max,
		 size_t size, size_t *n, codec_row_fn *get, void *ctx);

/* The codecs, one pair per backend (its snapshot_encode and
 * snapshot_decode). */
struct cJSON *redis_codec_encode(const void *snap);
void *redis_codec_decode(const struct cJSON *j, char *err, size_t errlen);
struct cJSON *kafka_codec_encode(const void *snap);
void *kafka_codec_decode(const struct cJSON *j, char *err, size_t errlen);
struct cJSON *pg_codec_encode(const void *snap);
void *pg_codec_decode(const struct cJSON *j, char *err, size_t errlen);
struct cJSON *prom_codec_encode(const void *snap);
void *prom_codec_decode(const struct cJSON *j, char *err, size_t errlen);
struct cJSON *k8s_codec_encode(const void *snap);
void *k8s_codec_decode(const struct cJSON *j, char *err, size_t errlen);

#endif
