/* panels/lag.c - placeholder until written. */
extern int am_placeholder_panels_lag;
