package local

import (
	"time"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/events"
)

// Answerer receives the reply to a command or query.
type Answerer interface{ Answer(Reply) }

// Reply answers an input: an error, or a snapshot of the agent's state.
type Reply struct {
	Err      error
	Services []*events.Service // sorted by ID
	Checks   []*events.Check   // sorted by check ID, with current status
}

// AddService registers (or replaces) a service and its checks.
type AddService struct {
	Reply   Answerer
	Service *events.Service
	Checks  []check.Definition
	// ReplaceChecks drops checks of the service not in Checks
	// (?replace-existing-checks).
	ReplaceChecks bool
	FromConfig    bool // config-file definitions are not persisted
	Now           time.Time
}

// RemoveService deregisters a service and its checks.
type RemoveService struct {
	Reply Answerer
	ID    string
}

// AddCheck registers (or replaces) one check.
type AddCheck struct {
	Reply      Answerer
	Check      check.Definition
	FromConfig bool
	Now        time.Time
}

// RemoveCheck deregisters one check.
type RemoveCheck struct {
	Reply Answerer
	ID    string
}

// CheckResult is a status observed by a check's runner or reported through
// the TTL endpoints.
type CheckResult struct {
	Reply  Answerer // nil from runners
	ID     string
	Status check.Status
	Output string
	Now    time.Time
	// Gen is the generation of the runner that observed it (StartCheck.Gen):
	// a result from a runner that was replaced is dropped.
	Gen uint64
}

// Reap removes services whose check has been critical for longer than its
// deregister_critical_service_after.
type Reap struct{ Now time.Time }

// Maintenance puts the node (ServiceID "") or one service into maintenance
// mode, or takes it out: a critical check that keeps it out of healthy
// answers (Consul's _node_maintenance / _service_maintenance:<id>).
type Maintenance struct {
	Reply     Answerer
	ServiceID string
	Enable    bool
	Reason    string
}

// ReplaceConfig swaps the config-file services and checks for a reload:
// definitions no longer in the files are removed, others added or updated.
type ReplaceConfig struct {
	Reply    Answerer
	Services []AddService
	Checks   []AddCheck
}

// Resync asks for a full anti-entropy pass (periodic, and after start).
// Remote, when known, is what the catalog holds for this node: services and
// checks there that the agent does not own are deregistered (a lost
// deregistration is repaired), except those named in Keep.
type Resync struct{ Remote *Remote }

// Remote lists the IDs the catalog holds for this agent's node.
type Remote struct{ Services, Checks []string }

// Snapshot asks for the current services and checks.
type Snapshot struct{ Reply Answerer }

// Effects.

// Sync proposes catalog events, in order.
type Sync struct{ Events []events.Event }

// StartCheck runs a check.
type StartCheck struct {
	ID    string
	Check check.Definition
	Gen   uint64 // echoed in the runner's CheckResults
}

// StopCheck ends a check's runner.
type StopCheck struct{ ID string }

// Persist writes the API-registered definitions.
type Persist struct {
	Services []Registration
	Checks   []check.Definition
}

// Registration is a persisted service registration.
type Registration struct {
	Service *events.Service
	Checks  []check.Definition
}

// Answer replies to an input.
type Answer struct {
	To    Answerer
	Reply Reply
}

// Effect is Sync, StartCheck, StopCheck, Persist or Answer.
type Effect any
