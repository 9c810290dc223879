/*
 * warroom.h - a war room's link: one presenter publishes, followers read,
 * through Redis (pub/sub for live messages, a capped stream a late
 * joiner reads back) or PostgreSQL (LISTEN/NOTIFY, and a table a late
 * joiner reads back). Messages are sealed with the room's secret
 * (core/warroom_msg.h); the link's own thread connects, sends, receives,
 * checks and reconnects with backoff, so nothing here blocks the UI
 * thread.
 *
 * Two directions: "down" (the presenter to everyone) and "up" (a
 * follower to the presenter: notes, hello, accepting a handover). The
 * presenter sends down and reads up; a follower the reverse.
 *
 * Redis: channels amconsole:warroom:ROOM:down and :up; the stream
 * amconsole:warroom:ROOM:log holds the last WARROOM_BACKLOG down
 * messages (XADD MAXLEN ~).
 * PostgreSQL: the table amconsole_warroom (id, room, dir, at, msg),
 * created by the presenter when missing, pruned to the last
 * WARROOM_BACKLOG rows of each room and direction; pg_notify on channel
 * amconsole_warroom with payload "ROOM:DIR" says there is more.
 */
#ifndef AM_WARROOM_H
#define AM_WARROOM_H

#include <stddef.h>

#include "core/warroom_msg.h"

/* Messages a late joiner reads back. */
#define WARROOM_BACKLOG 100
/* Keys a reader keeps the newest message of; messages of more are
 * dropped (and counted). */
#define WARROOM_MAX_KEYS 256
/* The rate caps: a side sends what is queued at most this often a
 * second (newer messages of a key replace the queued ones meanwhile),
 * and takes at most WARROOM_RATE_MAX messages a second (more are dropped
 * and counted: a flood never grows a follower without bound). */
#define WARROOM_FLUSH_HZ 20
#define WARROOM_RATE_MAX 400

struct warroom;

struct warroom_opts {
	const char *redis_url;   /* redis://[:password@]host:port[/db] ... */
	const char *pg_conninfo; /* ... or a libpq conninfo (one of the two) */
	const char *room;        /* [A-Za-z0-9._-], 1 to 64 characters */
	const char *secret;      /* the shared secret */
	const char *user;        /* who sends ("from") */
	int presenter;           /* 1: send down, read up; 0: the reverse */
	int wake_fd;             /* written to (one byte) when messages or a new status
				  * arrive; -1: none */
	double timeout;          /* seconds per connect and per call; <= 0: 5 */
};

struct warroom_status {
	int connected;
	char error[256];         /* why not connected, "" when connected */
	double last_rx;          /* wall time the last message was accepted, 0 none */
	unsigned long tx;        /* messages sent */
	unsigned long rx;        /* accepted */
	unsigned long forged;    /* refused: not sealed with the secret */
	unsigned long oversize;  /* refused: over WARROOM_MSG_MAX */
	unsigned long malformed; /* refused: sealed, but not a message of this room */
	unsigned long replayed;  /* refused: not newer than one already seen */
	unsigned long skipped;   /* replaced by a newer one of the same key before taken */
	unsigned long dropped;   /* over WARROOM_MAX_KEYS, or the send queue full */
	char refusal[128];       /* why the last message was refused */
	unsigned long gen;       /* bumps on every change */
};

/* Check o (room name, one engine, secret length) and start the link's
 * thread. NULL + err when o is wrong; a server that does not answer is
 * not an error here (the status says so, and it keeps trying). */
struct warroom *warroom_start(const struct warroom_opts *o, char *err, size_t errlen);
/* Stop the thread (waking it) and free everything. */
void warroom_stop(struct warroom *w);
/* Queue a message: kind, key (a queued message with the same key is
 * replaced: the newest state wins), body_json (JSON text, may be NULL).
 * Never blocks. 0, or -1 when body_json is over WARROOM_BODY_MAX
 * (nothing queued). */
int warroom_send(struct warroom *w, const char *kind, const char *key, const char *body_json);
/* Take up to max messages received since the last take, oldest first
 * (ownership moves to out[]: warroom_msg_clear each). Never blocks. */
size_t warroom_take(struct warroom *w, struct warroom_msg *out, size_t max);
void warroom_get_status(struct warroom *w, struct warroom_status *st);
/* Wake fd instead of the one given at start (a link started before the
 * UI's loop existed). */
void warroom_set_wake_fd(struct warroom *w, int fd);
/* 1 when name is a valid room name. */
int warroom_room_ok(const char *name);

#endif
