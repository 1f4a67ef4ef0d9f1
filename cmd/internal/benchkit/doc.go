// Package benchkit is the code the bench commands (cmd/kvbench,
// cmd/catalogbench, cmd/dnsbench, cmd/uibench, cmd/clusterbench) share: the
// consuld agent and other subprocesses they start and measure (ports, RSS,
// open files), the closed-loop HTTP load client and its percentiles, CPU
// sampling from /proc, the raw fsync and raw Raft baselines, and the small
// formatting helpers of their reports.
//
// It is Linux-only, like the commands: it reads /proc and uses Pdeathsig.
package benchkit
