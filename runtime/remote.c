/*
 * remote.c - the snapshots of another console, by key (remote.h): one
 * table under one lock, one condition variable the waiting runners
 * share.
 */
#include "runtime/remote.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"

/* A state's JSON, shared by the table and the runners decoding it. */
struct remote_json {
	struct cJSON *json;
	int refs;
};

struct remote_slot {
	char key[96];
	struct remote_json *cur; /* NULL: none (an error) */
	char error[256];
	unsigned long version;
};

static pthread_mutex_t remote_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t remote_cond = PTHREAD_COND_INITIALIZER;
static struct remote_slot *remote_slots;
static size_t remote_n;
static unsigned long remote_version;

/* Under lock: drop one reference. */
static void remote_unref(struct remote_json *j)
{
	if (j != NULL && --j->refs == 0) {
		cJSON_Delete(j->json);
		free(j);
	}
}

/* Under lock: key's slot, or NULL. */
static struct remote_slot *remote_find(const char *key)
{
	size_t i;

	for (i = 0; i < remote_n; i++)
		if (strcmp(remote_slots[i].key, key) == 0)
			return &remote_slots[i];
	return NULL;
}

void remote_put(const char *key, struct cJSON *json, const char *error)
{
	struct remote_slot *s;

	pthread_mutex_lock(&remote_lock);
	s = remote_find(key);
	if (s == NULL) {
		remote_slots = xrealloc(remote_slots, (remote_n + 1) * sizeof *remote_slots);
		s = &remote_slots[remote_n++];
		memset(s, 0, sizeof *s);
		snprintf(s->key, sizeof s->key, "%s", key);
	}
	remote_unref(s->cur);
	s->cur = NULL;
	if (json != NULL) {
		s->cur = xmalloc(sizeof *s->cur);
		s->cur->json = json;
		s->cur->refs = 1;
	}
	snprintf(s->error, sizeof s->error, "%s", error != NULL ? error : "");
	s->version = ++remote_version;
	pthread_cond_broadcast(&remote_cond);
	pthread_mutex_unlock(&remote_lock);
}

int remote_wait(void (*key)(void *ctx, char *buf, size_t len), unsigned long *seen,
		const struct cJSON **json, void **hold, char *err, size_t errlen,
		int (*stopped)(void *ctx), void *ctx)
{
	char k[96];

	*json = NULL;
	*hold = NULL;
	pthread_mutex_lock(&remote_lock);
	while (!stopped(ctx)) {
		struct remote_slot *s;

		key(ctx, k, sizeof k);
		s = remote_find(k);
		if (s != NULL && s->version > *seen) {
			*seen = s->version;
			if (s->cur != NULL) {
				s->cur->refs++;
				*json = s->cur->json;
				*hold = s->cur;
			}
			snprintf(err, errlen, "%s", s->error);
			pthread_mutex_unlock(&remote_lock);
			return 1;
		}
		/* No timeout: whatever changes the answer (a put, the key, a
		 * stop) broadcasts under remote_lock, so an idle follower's
		 * runners sleep until there is news (#17). */
		pthread_cond_wait(&remote_cond, &remote_lock);
	}
	pthread_mutex_unlock(&remote_lock);
	return 0;
}

void remote_release(void *hold)
{
	pthread_mutex_lock(&remote_lock);
	remote_unref(hold);
	pthread_mutex_unlock(&remote_lock);
}

void remote_wake(void)
{
	pthread_mutex_lock(&remote_lock);
	pthread_cond_broadcast(&remote_cond);
	pthread_mutex_unlock(&remote_lock);
}

size_t remote_count(void)
{
	size_t n;

	pthread_mutex_lock(&remote_lock);
	n = remote_n;
	pthread_mutex_unlock(&remote_lock);
	return n;
}

void remote_clear(void)
{
	size_t i;

	pthread_mutex_lock(&remote_lock);
	for (i = 0; i < remote_n; i++)
		remote_unref(remote_slots[i].cur);
	free(remote_slots);
	remote_slots = NULL;
	remote_n = 0;
	pthread_mutex_unlock(&remote_lock);
}
