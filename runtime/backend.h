/*
 * backend.h - the interface every data source implements. A backend is
 * one file in backends/ exporting one const struct backend. Its poll does
 * synchronous I/O with a timeout on every call and returns a fresh,
 * immutable snapshot; threads, timing, backoff and the hand-off to the UI
 * are the runner's job (runner.h), written once.
 */
#ifndef AM_BACKEND_H
#define AM_BACKEND_H

#include <stddef.h>

struct cJSON;

/* A request from the UI to a backend, delivered on the worker thread
 * before its next poll. kind and the payload are backend-defined: data is
 * the backend's own request struct (declared in its header next to the
 * kinds), owned by the request and released with free_data (or free()
 * when that is NULL) after delivery or when the runner stops. */
struct backend_request {
	int kind;
	void *data;
	void (*free_data)(void *data);
};

struct backend {
	const char *name;
	/* Prepare state from a backend-specific argument (a config section,
	 * owned by the caller and valid until close). No network here is
	 * required; connecting may wait for the first poll. 0 or -1 + err. */
	int (*open)(void **state, const void *arg, char *err, size_t errlen);
	/* Fetch once. On success return 0 and a new snapshot in *snap (owned
	 * by the caller from then on); on failure -1 with a one-line reason
	 * in err ("connection refused"). Runs on the worker thread only. */
	int (*poll)(void *state, void **snap, char *err, size_t errlen);
	/* Optional: act on a request (worker thread). 0 or -1 + err. */
	int (*request)(void *state, const struct backend_request *req, char *err, size_t errlen);
	/* Optional: on 1, make the work in progress on the worker (a poll or
	 * a request) give up soon and later work fail at once: set a flag
	 * the worker's I/O checks, kill a child it waits for; on 0, work
	 * normally again. Called by the runner (runner_supersede,
	 * runner_quit_all) from the UI thread and from the worker, with the
	 * runner's lock held: it must not block. */
	void (*interrupt)(void *state, int on);
	/* Release state; worker thread, after the last poll. */
	void (*close)(void *state);
	/* Free one snapshot; any thread. */
	void (*snapshot_free)(void *snap);
	/* Optional, for recording, replay and the war room: the snapshot as
	 * a fresh JSON object ({"v": 1, ...}: what the panels read, with
	 * secrets masked as the screen masks them), or NULL on failure. Any
	 * thread; snap is not changed. */
	struct cJSON *(*snapshot_encode)(const void *snap);
	/* Optional: the inverse, for input that may be hostile. A fresh
	 * snapshot (freed with snapshot_free) equal to the encoded one, or
	 * NULL with a one-line reason naming the field in err (wrong type,
	 * missing, over a cap, not finite, unknown version): never a partial
	 * snapshot. The text is not sanitised: the draw helpers do that.
	 * Any thread. */
	void *(*snapshot_decode)(const struct cJSON *j, char *err, size_t errlen);
};

#endif
