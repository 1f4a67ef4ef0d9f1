// Command dnsbench measures consuld's DNS interface against a bare
// miekg/dns server answering precomputed messages, in the same run:
//
//   - UDP A and SRV queries for a 3-instance service at c=64 (one connected
//     UDP socket per worker, closed loop): QPS, p50, p99, and the ratio to
//     the bare server;
//   - the same for a 1,000-instance service (answers capped at
//     udp_answer_limit), and over TCP with connection reuse;
//   - overload: an open-loop offered load of twice the measured UDP
//     capacity for 10 s; reports the fraction of queries answered within
//     100 ms, answered later, and never answered.
//
// The agent (a durable one-server consuld) and the bare server run as
// separate processes; the load generator shares the machine with them, so
// every line carries the CPU the server used. -serve-bare is internal: the
// bare server's own process. Targets are printed, never asserted.
package main
