/* backends/redis.c - placeholder until written. */
extern int am_placeholder_redis;
