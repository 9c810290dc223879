/* backends/runner.c - placeholder until written. */
extern int am_placeholder_runner;
