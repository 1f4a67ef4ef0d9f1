// Package consensus declares the seam between the live side (actors) and
// the replicated log. Production passes fsm/host's NodeHost wrapper; testkit
// passes a deterministic in-memory log. Actor code is the same for both.
package consensus
