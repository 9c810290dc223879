/* backends/lint.c - placeholder until written. */
extern int am_placeholder_lint;
