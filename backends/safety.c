/* backends/safety.c - placeholder until written. */
extern int am_placeholder_safety;
