/* backends/mailbox.c - placeholder until written. */
extern int am_placeholder_mailbox;
