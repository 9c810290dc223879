/* backends/pg.c - placeholder until written. */
extern int am_placeholder_pg;
