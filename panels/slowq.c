/* panels/slowq.c - placeholder until written. */
extern int am_placeholder_slowq;
