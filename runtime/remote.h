/*
 * remote.h - snapshots from elsewhere: what another console's runners
 * published (a war room's presenter), kept by key ("k8s:",
 * "redis:fleet-cache") as the JSON of their backend's snapshot_encode,
 * for the runners of a console that shows them instead of asking the
 * servers (runner_set_remote). The newest per key wins; a key's error
 * (the presenter's source failing) is kept beside its last JSON. Any
 * thread.
 */
#ifndef AM_REMOTE_H
#define AM_REMOTE_H

#include <stddef.h>

struct cJSON;

/* A new state of key: json (owned from now on; NULL: none, as when the
 * source failed) or error ("" or NULL: none). Wakes the runners waiting
 * on it. */
void remote_put(const char *key, struct cJSON *json, const char *error);
/* Wait until key (asked anew every half second, as a runner's label
 * may change) has a state newer than *seen, or stopped(ctx) says stop.
 * 1: that state, its JSON in *json (NULL when the state is an error,
 * said in err), held for the caller until remote_release(*hold) (a
 * newer state may replace it meanwhile: the JSON stays valid); 0:
 * stopped. */
int remote_wait(void (*key)(void *ctx, char *buf, size_t len), unsigned long *seen,
		const struct cJSON **json, void **hold, char *err, size_t errlen,
		int (*stopped)(void *ctx), void *ctx);
void remote_release(void *hold);
/* Wake every waiter (to look at its stop flag and its key again). */
void remote_wake(void);
/* How many keys are held, and drop them all (at exit). */
size_t remote_count(void);
void remote_clear(void);

#endif
