/*
 * jarena.c - parse a JSON page into memory of its own. A list page of
 * 500 pods is about 40,000 cJSON nodes and key and value strings, each
 * its own malloc and free with cJSON's default allocator: half the time
 * of a relist went there. Here cJSON's allocator (its hooks, set once
 * for the process) serves a thread that has an arena open from the
 * arena's chunks, bump by bump, and frees nothing; the whole tree goes
 * at once with k8s_arena_free. Every other thread, and this one outside
 * k8s_arena_parse, gets plain malloc and free through the same hooks, so
 * trees parsed elsewhere (and strings printed by cJSON, which callers
 * free with free) behave as before. The chunks are mapped apart from
 * the malloc heap (a tree freed between the rows made from it would
 * leave holes there that the heap keeps) and kept for the thread's next
 * page until k8s_arena_drop. The console sets the hooks in main(),
 * before any other thread runs (k8s_json_init); a program that does not
 * (the unit tests, the bench, the fuzzers) gets them the first time any
 * thread parses here, maybe while other threads use cJSON: for those
 * both allocators are malloc and free, so a node made before and freed
 * after (or a buffer printed across it) is still right. Any thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "backends/k8s/k8s_int.h"

/* Under AddressSanitizer (make check, the fuzzers) every node is its own
 * malloc, kept on the arena's list, so that a read past one is still
 * caught; the tree still goes at once. */
#if defined(__SANITIZE_ADDRESS__)
#define K8S_ARENA_SAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define K8S_ARENA_SAN 1
#endif
#endif

#define K8S_ARENA_MIN (64u << 10) /* bytes of the smallest chunk */
#define K8S_ARENA_MAX (16u << 20) /* ... and of the largest one asked for ahead */
#define K8S_ARENA_ALIGN 16

struct k8s_chunk {
	struct k8s_chunk *next;
	size_t used, cap;
	_Alignas(K8S_ARENA_ALIGN) char mem[];
};

/* The arena this thread's cJSON allocations come from, or NULL; the
 * chunks of its last one, for the next. */
static _Thread_local struct k8s_arena *k8s_arena_cur;
static _Thread_local struct k8s_chunk *k8s_arena_spare;
static pthread_once_t k8s_arena_once = PTHREAD_ONCE_INIT;

static void k8s_arena_grow(struct k8s_arena *a, size_t need)
{
	size_t cap = a->next_cap;
	struct k8s_chunk *c = k8s_arena_spare;

	if (cap < need)
		cap = need;
	if (c != NULL && c->cap >= need) {
		k8s_arena_spare = c->next;
	} else {
		void *m = mmap(NULL, sizeof *c + cap, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			util_die("out of memory (%zu bytes for a JSON tree)", sizeof *c + cap);
		c = m;
		c->cap = cap;
	}
	c->used = 0;
	c->next = a->chunks;
	a->chunks = c;
	if (a->next_cap < K8S_ARENA_MAX)
		a->next_cap *= 2;
}

static void *k8s_arena_alloc(struct k8s_arena *a, size_t n)
{
	struct k8s_chunk *c = a->chunks;
	void *p;

#ifdef K8S_ARENA_SAN
	c = xmalloc(sizeof *c + n);
	c->used = c->cap = n;
	c->next = a->chunks;
	a->chunks = c;
	return c->mem;
#endif

	n = (n + K8S_ARENA_ALIGN - 1) & ~(size_t)(K8S_ARENA_ALIGN - 1);
	if (c == NULL || c->cap - c->used < n) {
		k8s_arena_grow(a, n);
		c = a->chunks;
	}
	p = c->mem + c->used;
	c->used += n;
	return p;
}

static void *k8s_arena_malloc(size_t n)
{
	struct k8s_arena *a = k8s_arena_cur;

	return a != NULL ? k8s_arena_alloc(a, n) : malloc(n);
}

/* Inside k8s_arena_parse only the tree's own nodes are freed (cJSON
 * dropping a half-parsed tree): they go with the arena. */
static void k8s_arena_release(void *p)
{
	if (k8s_arena_cur == NULL)
		free(p);
}

static void k8s_arena_hooks(void)
{
	cJSON_Hooks h = { k8s_arena_malloc, k8s_arena_release };

	cJSON_InitHooks(&h);
}

void k8s_json_init(void)
{
	pthread_once(&k8s_arena_once, k8s_arena_hooks);
}

cJSON *k8s_arena_parse(struct k8s_arena *a, const char *s, size_t len)
{
	cJSON *root;
	size_t first = len * 4;

	k8s_json_init();
	/* About four bytes of tree per byte of a Table page's JSON. */
	a->chunks = NULL;
	a->next_cap = first < K8S_ARENA_MIN   ? K8S_ARENA_MIN
		      : first > K8S_ARENA_MAX ? K8S_ARENA_MAX
					      : first;
	k8s_arena_cur = a;
	root = cJSON_ParseWithLength(s, len);
	k8s_arena_cur = NULL;
	return root;
}

void k8s_arena_free(struct k8s_arena *a)
{
	struct k8s_chunk *c = a->chunks, *next;

	for (; c != NULL; c = next) {
		next = c->next;
#ifdef K8S_ARENA_SAN
		free(c);
		continue;
#endif
		c->next = k8s_arena_spare;
		k8s_arena_spare = c;
	}
	a->chunks = NULL;
}

void k8s_arena_drop(void)
{
	struct k8s_chunk *c = k8s_arena_spare, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		munmap(c, sizeof *c + c->cap);
	}
	k8s_arena_spare = NULL;
}
