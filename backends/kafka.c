/* backends/kafka.c - placeholder until written. */
extern int am_placeholder_backends_kafka;
