/*
 * warroom_msg.h - the messages of a war room (one presenter, many
 * followers; backends/warroom.h carries them), sealed with the room's
 * shared secret. Pure; any thread.
 *
 * On the wire a message is one line of text:
 *
 *   AMWR1 <HMAC-SHA256 of the JSON, 64 hex digits> <JSON>
 *
 * and the JSON an object {"v":1,"room":"R","seq":N,"t":T,"from":"alice",
 * "kind":"state","key":"state","body":...}: kind says what it is (state,
 * snap, note, hello, bye, handover, accept), key what a newer message
 * replaces (a follower that falls behind keeps only the newest of each
 * key), body any JSON value. The MAC is OpenSSL's HMAC-SHA256 keyed with
 * the secret and compared in constant time; a message whose MAC, room,
 * version, size or shape is wrong is refused before anything in it is
 * used.
 */
#ifndef AM_WARROOM_MSG_H
#define AM_WARROOM_MSG_H

#include <stddef.h>

struct cJSON;

#define WARROOM_VERSION 1
/* A message over this many bytes on the wire is refused (sent or
 * received). */
#define WARROOM_MSG_MAX (4u * 1024 * 1024)
/* The largest body a message is sure to carry: the rest is room for its
 * head (magic, MAC, room, sender, kind and key at their longest). */
#define WARROOM_BODY_MAX (WARROOM_MSG_MAX - 2048)
/* A secret shorter than this many bytes is refused. */
#define WARROOM_SECRET_MIN 16

struct warroom_msg {
	unsigned long long seq; /* the sender's counter */
	double t;               /* the sender's wall time */
	char from[64];          /* "alice" (the sender's $USER) */
	char kind[16];
	char key[64];
	struct cJSON *body; /* owned; NULL: none */
};

/* Why warroom_unseal refused a message. */
enum warroom_refusal {
	WARROOM_OK = 0,
	WARROOM_OVERSIZE, /* over WARROOM_MSG_MAX */
	WARROOM_FORGED,   /* not a sealed message, or the MAC does not match */
	WARROOM_MALFORMED /* sealed right, but not a message of this room and version */
};

/* m as a sealed wire line (no newline) for room, keyed with key (keylen
 * bytes); body_json is m's body as JSON text already (NULL: none) and
 * m->body is ignored. NULL when it would be over WARROOM_MSG_MAX. *len
 * gets its length. Caller frees. */
char *warroom_seal(const unsigned char *key, size_t keylen, const char *room,
		   const struct warroom_msg *m, const char *body_json, size_t *len);
/* Check and parse one wire message of len bytes for room: WARROOM_OK and
 * *m filled (warroom_msg_clear frees it), or a refusal with err saying
 * why; m is left empty then. */
enum warroom_refusal warroom_unseal(const unsigned char *key, size_t keylen, const char *room,
				    const char *wire, size_t len, struct warroom_msg *m, char *err,
				    size_t errlen);
void warroom_msg_clear(struct warroom_msg *m);

/* Read a secret from path: its first line, blanks trimmed. 0, or -1 +
 * err (unreadable, shorter than WARROOM_SECRET_MIN, readable by others
 * than its owner) and *secret NULL. *secret is fresh (free it). */
int warroom_secret_load(const char *path, char **secret, char *err, size_t errlen);
/* A new random secret: 32 bytes from the system's generator, as 64 hex
 * digits. NULL when there is no randomness. Caller frees. */
char *warroom_secret_new(void);
/* A new secret (warroom_secret_new) written to path, replacing what was
 * there, readable by its owner only: the secret (caller frees), or NULL
 * + err. */
char *warroom_secret_create(const char *path, char *err, size_t errlen);

#endif
