/* backends/runbook.c - placeholder until written. */
extern int am_placeholder_runbook;
