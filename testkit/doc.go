// Package testkit is consuld's deterministic simulator: the composition
// root in which the production KV behaviours (actors/kv.Key per key, one
// actors/kv.Tree) run against an in-memory replicated log instead of
// dragonboat, on a virtual clock, with every interleaving chosen by a
// seeded scheduler. One seed replays exactly; many seeds explore.
//
// The pieces, bottom up:
//
//   - Sim (sim.go, clock.go, queue.go, trace.go): virtual clock, seeded
//     math/rand/v2 PCG source, and a queue of pending events ordered by
//     virtual time with seeded tie-breaking. Nothing sleeps; the clock
//     jumps to the next event. Every decision is written to a Trace.
//   - Log (log.go): the kv shard's replicated log in the Proposer role.
//     Proposals are appended in arrival order, committed in batches,
//     applied with fsm/kv's pure Txn.Apply, the state published, then each
//     entry reported to an fsm.Sink — the order fsm/kv.SM.Update follows.
//     Faults: lost proposals, proposals applied after their proposer timed
//     out, lost answers, and leader changes (pending proposals fail, an
//     election pause, committed entries kept).
//   - Cluster (cluster.go, router.go, actor.go, mailbox.go, facade.go): the
//     live side, hosted the way actors/kv's Router and adapters host it in
//     production — key actors created on demand and passivated when idle,
//     FIFO mailboxes with seeded delays, timers in virtual time, applied
//     entries routed by Router's own rules (kv.Route) — and a KV facade
//     that mirrors actors.Client (read barrier, blocking deadlines, writes
//     through the key actor).
//   - Scenario, Run and clients (scenario.go, scenarios.go, client.go,
//     op.go): concurrent simulated clients with think time, scripted ops,
//     leader changes; the history of every call and return.
//   - Checkers (model.go, check.go, linearize.go): a plain-map sequential
//     model replayed in log order, checks of KV semantics, blocking-query
//     wake-ups and durability against it, and a porcupine linearizability
//     check with ambiguous writes returning at infinity.
//
// Which actors an applied entry concerns is decided by production code
// (actors/kv.Route). The rest of the adapters mirrors actors/kv/actor.go,
// actors/kv/router.go and actors/client.go by hand; a change to those files
// needs the same change here, or the simulation stops testing what
// production runs.
package testkit
