/*
 * codec.h - the helpers the snapshot codecs share (backends/NAME_codec.c,
 * backends/k8s/codec.c; struct backend's snapshot_encode and
 * snapshot_decode). Encoding adds fields to cJSON objects and remembers
 * whether an allocation failed. Decoding reads fields of untrusted JSON:
 * each getter checks the type, finiteness, range and size and, on the
 * first failure, writes "what: path.to.field: what is wrong" to the
 * caller's err and marks the decoder bad; later getters then return
 * zeroes, so a decoder reads everything and checks once at the end.
 * Each codec describes its structs as field tables (below), which drive
 * both directions.
 */
#ifndef AM_CODEC_H
#define AM_CODEC_H

#include <limits.h>
#include <stddef.h>

struct cJSON;
struct backend;

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
/* ---- field tables ------------------------------------------------------
 * Each codec describes each struct once, as a table of its fields (JSON
 * name = C name), which drives both directions: codec_put_fields writes
 * them in the table's order, codec_get_fields reads and checks them. */

enum codec_type {
	CODEC_DBL,        /* double, finite */
	CODEC_INT,        /* int or an enum, in [lo, hi] */
	CODEC_LONG,       /* long, in [lo, hi] */
	CODEC_ULONG,      /* unsigned long, in [lo, hi] */
	CODEC_LL,         /* long long, in [lo, hi] */
	CODEC_SIZE,       /* size_t, in [lo, hi] */
	CODEC_STR,        /* char *, at most cap bytes, a fresh copy; NULL goes out as "" */
	CODEC_STR_NULL,   /* the same, or NULL (JSON null) */
	CODEC_REF,        /* as CODEC_STR, but borrowed from the JSON when read */
	CODEC_REF_NULL,   /* as CODEC_STR_NULL, borrowed */
	CODEC_BUF,        /* char[cap] */
	CODEC_SECRET,     /* as CODEC_STR_NULL; redacted and cut to cap bytes on the way out */
	CODEC_SECRET_BUF, /* as CODEC_BUF; redacted on the way out */
	CODEC_OBJ,        /* a struct in place, whose fields are sub */
	CODEC_PTR,        /* a pointer to a fresh struct of size bytes (sub), or NULL (null) */
	CODEC_ROWS,       /* a fresh array of elements of size bytes, count at noff; at most hi */
	CODEC_FIXED,      /* an array of cap elements in place, count at noff */
	CODEC_STRV,       /* as CODEC_ROWS of pointers, NULL-terminated, no count */
	CODEC_FN,         /* put and get do it */
};

struct codec_field;
/* Field f of row into (or out of) object o. */
typedef void codec_put_hook(struct codec_enc *e, struct cJSON *o, const void *row,
			    const struct codec_field *f);
typedef void codec_get_hook(struct codec_dec *d, const struct cJSON *o, void *row,
			    const struct codec_field *f);

/* One field: its name (NULL in the one entry of a scalar array element:
 * the element itself), type and offset in the row; lo and hi, an
 * integer's range (CODEC_ROWS, CODEC_STRV: hi elements at most); cap, a
 * string's bytes at most (CODEC_BUF's with the NUL) or CODEC_FIXED's
 * elements; sub (nsub entries), the fields of CODEC_OBJ's or CODEC_PTR's
 * struct or of an array's element, size bytes; noff, where an array's
 * count is (of type ntype, CODEC_SIZE or CODEC_INT). put and get, when
 * set, do what the type would (CODEC_FN has nothing else); they may call
 * codec_*_fields with a copy of f without them. */
struct codec_field {
	const char *name;
	enum codec_type type;
	size_t off;
	long long lo, hi;
	size_t cap;
	const struct codec_field *sub;
	size_t nsub, size, noff;
	enum codec_type ntype;
	codec_put_hook *put;
	codec_get_hook *get;
};

/* The fields of row into object o (NULL after a failure: ignored). */
void codec_put_fields(struct codec_enc *e, struct cJSON *o, const void *row,
		      const struct codec_field *fields, size_t n);
/* The fields of row from object o (its "what is wrong" names the field;
 * the arrays and strings it allocates stay in row after a failure too,
 * for the snapshot's free). */
void codec_get_fields(struct codec_dec *d, const struct cJSON *o, void *row,
		      const struct codec_field *fields, size_t n);

/*
 * The table entries: field f of struct T (the JSON name is f's). Each
 * checks f's C type when compiling: CODEC_D a double; CODEC_I an int in
 * [min, max]; CODEC_E an enum (as big as an int); CODEC_L a long;
 * CODEC_UL an unsigned long up to LONG_MAX; CODEC_LL a long long;
 * CODEC_Z a size_t up to max; CODEC_S, CODEC_SN (nullable), CODEC_R,
 * CODEC_RN (borrowed) and CODEC_SECRET_S (at most bytes) a char *;
 * CODEC_B and CODEC_SECRET_B a char array. CODEC_OBJ, CODEC_PTR and the
 * arrays take the table s of the struct or element (CODEC_ELEM: the one
 * entry of a scalar), and an array its count n (a size_t or an int).
 */
#define CODEC_LEN(a) (sizeof(a) / sizeof(a)[0])
// clang-format off
#define CODEC_AT(T, f, C) _Generic(&((T *)0)->f, C *: offsetof(T, f))
#define CODEC_AT_ARRAY(T, f, C) _Generic(&((T *)0)->f, C(*)[CODEC_LEN(((T *)0)->f)]: offsetof(T, f))
#define CODEC_AT_SIZE(T, f, C) \
	(offsetof(T, f) + 0 * sizeof(char[sizeof(((T *)0)->f) == sizeof(C) ? 1 : -1]))
#define CODEC_F(T, f, t, C, min, max) \
	{ .name = #f, .type = t, .off = CODEC_AT(T, f, C), .lo = min, .hi = max }
#define CODEC_D(T, f) CODEC_F(T, f, CODEC_DBL, double, 0, 0)
#define CODEC_I(T, f, min, max) CODEC_F(T, f, CODEC_INT, int, min, max)
#define CODEC_E(T, f, min, max) \
	{ .name = #f, .type = CODEC_INT, .off = CODEC_AT_SIZE(T, f, int), .lo = min, .hi = max }
#define CODEC_L(T, f, min, max) CODEC_F(T, f, CODEC_LONG, long, min, max)
#define CODEC_UL(T, f) CODEC_F(T, f, CODEC_ULONG, unsigned long, 0, LONG_MAX)
#define CODEC_LL(T, f, min, max) CODEC_F(T, f, CODEC_LL, long long, min, max)
#define CODEC_Z(T, f, max) CODEC_F(T, f, CODEC_SIZE, size_t, 0, max)
#define CODEC_S_AS(T, f, t, bytes) \
	{ .name = #f, .type = t, .off = CODEC_AT(T, f, char *), .cap = bytes }
#define CODEC_S(T, f) CODEC_S_AS(T, f, CODEC_STR, CODEC_STR_MAX)
#define CODEC_SN(T, f) CODEC_S_AS(T, f, CODEC_STR_NULL, CODEC_STR_MAX)
#define CODEC_R(T, f) CODEC_S_AS(T, f, CODEC_REF, CODEC_STR_MAX)
#define CODEC_RN(T, f) CODEC_S_AS(T, f, CODEC_REF_NULL, CODEC_STR_MAX)
#define CODEC_SECRET_S(T, f, bytes) CODEC_S_AS(T, f, CODEC_SECRET, bytes)
#define CODEC_B_AS(T, f, t) \
	{ .name = #f, .type = t, .off = CODEC_AT_ARRAY(T, f, char), .cap = sizeof(((T *)0)->f) }
#define CODEC_B(T, f) CODEC_B_AS(T, f, CODEC_BUF)
#define CODEC_SECRET_B(T, f) CODEC_B_AS(T, f, CODEC_SECRET_BUF)
#define CODEC_SUB(t, s) .type = t, .sub = s, .nsub = CODEC_LEN(s)
#define CODEC_OBJ(T, f, s) { .name = #f, .off = offsetof(T, f), CODEC_SUB(CODEC_OBJ, s) }
#define CODEC_PTR(T, f, s) \
	{ .name = #f, .off = offsetof(T, f), CODEC_SUB(CODEC_PTR, s), .size = sizeof *((T *)0)->f }
#define CODEC_COUNT(T, n) \
	.noff = offsetof(T, n), .ntype = _Generic(((T *)0)->n, size_t: CODEC_SIZE, int: CODEC_INT)
#define CODEC_ARRAY(T, f, t, s, max) \
	.name = #f, .off = offsetof(T, f), CODEC_SUB(t, s), .size = sizeof(((T *)0)->f[0]), .hi = max
#define CODEC_ROWS(T, f, n, s, max) { CODEC_ARRAY(T, f, CODEC_ROWS, s, max), CODEC_COUNT(T, n) }
/* ... read by getf instead */
#define CODEC_ROWS_GET(T, f, n, s, max, getf) \
	{ CODEC_ARRAY(T, f, CODEC_ROWS, s, max), CODEC_COUNT(T, n), .get = getf }
#define CODEC_FIXED(T, f, n, s) \
	{ CODEC_ARRAY(T, f, CODEC_FIXED, s, 0), CODEC_COUNT(T, n), .cap = CODEC_LEN(((T *)0)->f) }
#define CODEC_STRV(T, f, s, max) { CODEC_ARRAY(T, f, CODEC_STRV, s, max) }
#define CODEC_FN(T, f, putf, getf) \
	{ .name = #f, .type = CODEC_FN, .off = offsetof(T, f), .put = putf, .get = getf }
#define CODEC_ELEM(t, min, max) { .type = t, .lo = min, .hi = max, .cap = CODEC_STR_MAX }
// clang-format on

/* A backend's snapshot: a struct of size bytes described by fields. b
 * names it in errors (its name) and frees a partial one. */
struct codec_snap {
	const struct backend *b;
	size_t size;
	const struct codec_field *fields;
	size_t nfields;
};

/* The snapshot as {"v": CODEC_VERSION, fields...}, or NULL when an
 * allocation failed. */
struct cJSON *codec_encode(const struct codec_snap *c, const void *snap);
/* A fresh snapshot from j (freed with c->b->snapshot_free), or NULL and
 * "name: path.to.field: what is wrong" in err. */
void *codec_decode(const struct codec_snap *c, const struct cJSON *j, char *err, size_t errlen);

/* Defines PREFIX_codec_encode and _decode (declared below) for backend's
 * snapshots, structs T described by fields: codec_encode and
 * codec_decode with the struct codec_snap PREFIX_codec. */
#define CODEC_DEFINE(prefix, backend, T, fields)                                                   \
	static const struct codec_snap prefix##_codec = { &(backend), sizeof(T), fields,           \
							  CODEC_LEN(fields) };                     \
	struct cJSON *prefix##_codec_encode(const void *snap)                                      \
	{                                                                                          \
		return codec_encode(&prefix##_codec, snap);                                        \
	}                                                                                          \
	void *prefix##_codec_decode(const struct cJSON *j, char *err, size_t errlen)               \
	{                                                                                          \
		return codec_decode(&prefix##_codec, j, err, errlen);                              \
	}

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
