/* panels/cache.c - placeholder until written. */
extern int am_placeholder_cache;
