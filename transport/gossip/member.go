package gossip

import (
	"net"
	"time"
)

// Status is a member's state, with Consul's (serf's) numbers as
// /v1/agent/members reports them.
type Status int

// Member statuses.
const (
	StatusNone    Status = 0
	StatusAlive   Status = 1
	StatusLeaving Status = 2
	StatusLeft    Status = 3
	StatusFailed  Status = 4
)

func (s Status) String() string {
	switch s {
	case StatusAlive:
		return "alive"
	case StatusLeaving:
		return "leaving"
	case StatusLeft:
		return "left"
	case StatusFailed:
		return "failed"
	}
	return "none"
}

// Member is one agent in the pool as this agent sees it.
type Member struct {
	Name   string
	Addr   net.IP
	Port   int // gossip port
	Meta   Meta
	Status Status
	Since  time.Time // when Status last changed
}

// EventKind says what happened to a member.
type EventKind int

// Event kinds.
const (
	EventJoin EventKind = iota + 1
	EventLeave
	EventFail
	EventUpdate
)

func (k EventKind) String() string {
	switch k {
	case EventJoin:
		return "member-join"
	case EventLeave:
		return "member-leave"
	case EventFail:
		return "member-failed"
	case EventUpdate:
		return "member-update"
	}
	return "unknown"
}

// Event is one change to the member table.
type Event struct {
	Kind   EventKind
	Member Member
}
