/* backends/selftest.c - placeholder until written. */
extern int am_placeholder_selftest;
