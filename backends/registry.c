/* backends/registry.c - placeholder until written. */
extern int am_placeholder_registry;
