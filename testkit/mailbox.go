package testkit

// started and poison are the simulated protoactor lifecycle messages: a new
// actor handles started before anything else; poison stops it after the
// messages already queued, and anything sent to it later is a dead letter.
type (
	started struct{}
	poison  struct{}
)

// mailbox is one simulated actor's FIFO mailbox. Messages are handled one
// at a time, in the order they were posted, each after a seeded delay, so
// actors interleave differently per seed while every mailbox stays FIFO —
// the ordering protoactor guarantees and the kv actors rely on.
type mailbox struct {
	c       *Cluster
	name    string
	msgs    []any
	busy    bool
	stopped bool
	// receive handles one message. A non-nil continuation finishes the
	// handling in a later event (see Options.TreeRace); the mailbox takes
	// no other message until it has run.
	receive func(msg any) (cont func())
}

func (m *mailbox) post(msg any) {
	if m.stopped {
		m.c.deadLetter(m.name, msg)
		return
	}
	m.msgs = append(m.msgs, msg)
	m.kick()
}

func (m *mailbox) kick() {
	if m.busy || len(m.msgs) == 0 {
		return
	}
	m.busy = true
	d := m.c.sim.Jitter(m.c.o.MailboxDelay[0], m.c.o.MailboxDelay[1])
	m.c.sim.After(d, "", m.next)
}

func (m *mailbox) next() {
	msg := m.msgs[0]
	m.msgs[0] = nil
	m.msgs = m.msgs[1:]
	if _, ok := msg.(poison); ok {
		m.c.sim.Tracef("%s stopped", m.name)
		m.stopped, m.busy = true, false
		rest := m.msgs
		m.msgs = nil
		for _, r := range rest {
			m.c.deadLetter(m.name, r)
		}
		return
	}
	m.c.sim.Tracef("%s <- %s", m.name, describeMsg(msg))
	if cont := m.receive(msg); cont != nil {
		d := m.c.sim.Jitter(m.c.o.TreeRace[0], m.c.o.TreeRace[1])
		m.c.sim.After(d, "", func() {
			cont()
			m.done()
		})
		return
	}
	m.done()
}

func (m *mailbox) done() {
	m.busy = false
	m.kick()
}
