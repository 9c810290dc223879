/* backends/prom.c - placeholder until written. */
extern int am_placeholder_backends_prom;
