/*
 * warroom_int.h - private to the war-room link (warroom.c and its two
 * engines, warroom_redis.c and warroom_pg.c): what an engine implements
 * and what it may call back. The link's thread only.
 */
#ifndef AM_WARROOM_INT_H
#define AM_WARROOM_INT_H

#include <stddef.h>

#include "backends/warroom.h"

struct warroom_engine {
	const char *name; /* "redis", "postgres" */
	/* Connect (o->timeout per call), start listening on the direction
	 * the side reads, and hand every stored message of it to
	 * warroom_deliver, oldest first (a follower catching up). 0, or -1
	 * + err; *state is the engine's. */
	int (*connect)(struct warroom *w, const struct warroom_opts *o, void **state, char *err,
		       size_t errlen);
	/* Send one sealed message in the side's direction (and store it
	 * for late joiners). 0, or -1 + err: the connection is then given
	 * up. */
	int (*publish)(void *state, const char *wire, size_t len, char *err, size_t errlen);
	/* Wait up to timeout seconds for messages, or until wake_fd is
	 * readable, and deliver what came. 0 (also when nothing came), or
	 * -1 + err: the connection is broken. */
	int (*receive)(void *state, struct warroom *w, int wake_fd, double timeout, char *err,
		       size_t errlen);
	void (*close)(void *state);
};

extern const struct warroom_engine warroom_redis_engine;
extern const struct warroom_engine warroom_pg_engine;

/* A wire message came in: check it, count it, keep it for the UI. */
void warroom_deliver(struct warroom *w, const char *wire, size_t len);

/* The direction a side sends ("down" for the presenter) and the one it
 * reads. */
const char *warroom_dir_out(const struct warroom_opts *o);
const char *warroom_dir_in(const struct warroom_opts *o);

#endif
