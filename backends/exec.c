/* backends/exec.c - placeholder until written. */
extern int am_placeholder_exec;
