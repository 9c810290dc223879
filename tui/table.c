/* tui/table.c - placeholder until written. */
extern int am_placeholder_table;
