package gossip

import "github.com/hashicorp/memberlist"

// delegate hands memberlist this agent's meta and carries leave intents:
// memberlist reports a graceful leave and a failure with one callback, so
// a leaving agent first gossips "I am leaving" (as serf does), and a
// member that vanishes after saying so has left rather than failed.
type delegate struct{ p *Pool }

// msgLeave prefixes a leave intent; the rest is the member's name.
const msgLeave byte = 1

type broadcast []byte

func (b broadcast) Invalidates(memberlist.Broadcast) bool { return false }
func (b broadcast) Message() []byte                       { return b }
func (b broadcast) Finished()                             {}

func (d delegate) NodeMeta(limit int) []byte {
	b, err := d.p.Meta().encode()
	if err != nil || len(b) > limit {
		return nil
	}
	return b
}

func (d delegate) NotifyMsg(b []byte) {
	if len(b) < 2 {
		return
	}
	switch b[0] {
	case msgLeave:
		d.p.leaveIntent(string(b[1:]), b)
	case msgKeyReq, msgKeyResp:
		d.p.onKeyMsg(b[0], append([]byte(nil), b[1:]...))
	}
}

func (d delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.p.queue.GetBroadcasts(overhead, limit)
}

func (delegate) LocalState(join bool) []byte            { return nil }
func (delegate) MergeRemoteState(buf []byte, join bool) {}

// events turns memberlist's callbacks into table changes and Events.
type events struct{ p *Pool }

func (e events) NotifyJoin(n *memberlist.Node)   { e.p.record(n, EventJoin) }
func (e events) NotifyUpdate(n *memberlist.Node) { e.p.record(n, EventUpdate) }

// NotifyLeave is memberlist's call for both a graceful leave and a
// failure; the node's state tells them apart.
func (e events) NotifyLeave(n *memberlist.Node) {
	if e.p.saidLeaving(n.Name) {
		e.p.record(n, EventLeave)
		return
	}
	e.p.record(n, EventFail)
}
