package local

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/events"
)

// Catalog applies catalog events (actors.Client proposes them).
type Catalog interface {
	Apply(ctx context.Context, ev events.Event) error
}

// Logger reports sync problems.
type Logger interface {
	Warn(msg string, args ...any)
}

// Options configure the agent-state actor.
type Options struct {
	Node          *events.Node
	Catalog       Catalog
	Log           Logger
	PersistPath   string        // "" disables persistence (dev mode)
	OutputMaxSize int           // check_output_max_size (0: Consul's 4 KB)
	ResyncEvery   time.Duration // anti-entropy period (default 60s)
	Scripts       ScriptPolicy  // which script checks may run
	// Alias reads the checks an alias check follows (from the catalog).
	Alias AliasSource
	// Remote reads what the catalog holds for this node (anti-entropy).
	Remote func() *Remote
	// Keep names IDs on the node registered by other means (serfHealth...).
	Keep []string
}

// Agent runs the agent-state actor and the check actors.
type Agent struct {
	sys  *actor.ActorSystem
	pid  *actor.PID
	o    Options
	sync chan []events.Event
	stop chan struct{}
}

// Start spawns the agent-state actor and its anti-entropy loop.
func Start(sys *actor.ActorSystem, o Options) *Agent {
	if o.ResyncEvery <= 0 {
		o.ResyncEvery = time.Minute
	}
	a := &Agent{sys: sys, o: o, sync: make(chan []events.Event, 4096), stop: make(chan struct{})}
	a.pid = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor {
		return &localActor{a: a, b: New(o.Node, o.Scripts, o.Keep...), runners: map[string]*actor.PID{}}
	}))
	go a.syncLoop()
	return a
}

// Resync asks for a full anti-entropy pass now.
func (a *Agent) Resync() { a.sys.Root.Send(a.pid, Resync{}) }

// Stop ends the anti-entropy loop (actors stop with the system).
func (a *Agent) Stop() { close(a.stop) }

// Do sends an input to the agent-state actor and waits for its reply.
func (a *Agent) Do(ctx context.Context, in func(Answerer) any) (Reply, error) {
	r := make(answerCh, 1)
	a.sys.Root.Send(a.pid, in(r))
	select {
	case rep := <-r:
		return rep, rep.Err
	case <-ctx.Done():
		return Reply{}, ctx.Err()
	}
}

// Report hands a TTL report to the check's runner (pass/warn/fail/update).
func (a *Agent) Report(ctx context.Context, id string, st check.Status, output string) error {
	_, err := a.Do(ctx, func(r Answerer) any { return reportTTL{Reply: r, ID: id, Status: st, Output: output} })
	return err
}

type answerCh chan Reply

func (c answerCh) Answer(r Reply) { c <- r }

// reportTTL is routed by the agent-state actor to the check's runner.
type reportTTL struct {
	Reply  Answerer
	ID     string
	Status check.Status
	Output string
}

// syncLoop proposes catalog events in order, and a full resync now and then.
func (a *Agent) syncLoop() {
	t := time.NewTicker(a.o.ResyncEvery)
	defer t.Stop()
	reap := time.NewTicker(5 * time.Second)
	defer reap.Stop()
	for {
		select {
		case <-a.stop:
			return
		case evs := <-a.sync:
			for _, ev := range evs {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if err := a.o.Catalog.Apply(ctx, ev); err != nil && a.o.Log != nil {
					a.o.Log.Warn("agent: syncing to the catalog failed; will retry at the next resync", "error", err)
				}
				cancel()
			}
		case <-t.C:
			a.sys.Root.Send(a.pid, Resync{})
		case <-reap.C:
			a.sys.Root.Send(a.pid, Reap{})
		}
	}
}

type localActor struct {
	a       *Agent
	b       *Local
	runners map[string]*actor.PID
}

func (l *localActor) Receive(ctx actor.Context) {
	var fx []Effect
	switch m := ctx.Message().(type) {
	case AddService:
		m.Now = time.Now()
		fx = l.b.Handle(m)
	case AddCheck:
		m.Now = time.Now()
		fx = l.b.Handle(m)
	case CheckResult:
		m.Now = time.Now()
		fx = l.b.Handle(m)
	case Reap:
		m.Now = time.Now()
		fx = l.b.Handle(m)
	case Resync:
		if m.Remote == nil && l.a.o.Remote != nil {
			m.Remote = l.a.o.Remote()
		}
		fx = l.b.Handle(m)
	case RemoveService, RemoveCheck, Snapshot, Maintenance, ReplaceConfig:
		fx = l.b.Handle(m)
	case reportTTL:
		pid, ok := l.runners[m.ID]
		if !ok {
			m.Reply.Answer(Reply{Err: errUnknownCheck(m.ID)})
			return
		}
		ctx.Send(pid, m)
		return
	default:
		return
	}
	for _, f := range fx {
		switch f := f.(type) {
		case Answer:
			f.To.Answer(f.Reply)
		case Sync:
			l.a.sync <- f.Events
		case StartCheck:
			if old, ok := l.runners[f.ID]; ok {
				ctx.Stop(old)
			}
			l.runners[f.ID] = ctx.Spawn(actor.PropsFromProducer(func() actor.Actor {
				return &runnerActor{a: l.a, id: f.ID, def: f.Check, gen: f.Gen}
			}))
		case StopCheck:
			if pid, ok := l.runners[f.ID]; ok {
				ctx.Stop(pid)
				delete(l.runners, f.ID)
			}
		case Persist:
			if err := save(l.a.o.PersistPath, f); err != nil && l.a.o.Log != nil {
				l.a.o.Log.Warn("agent: persisting local services failed", "error", err)
			}
		}
	}
}

// runnerActor is the protoactor adapter of Runner: it probes on its
// interval (off the mailbox goroutine) and forwards status changes.
type runnerActor struct {
	a      *Agent
	gen    uint64
	id     string
	def    check.Definition
	b      *Runner
	prober check.Prober
	ticker *time.Ticker
	done   chan struct{}
}

type probeTick struct{}

func (r *runnerActor) Receive(ctx actor.Context) {
	var fx []Effect
	switch m := ctx.Message().(type) {
	case *actor.Started:
		r.b = NewRunner(r.id, r.def, time.Now())
		fx = r.b.Start()
		if p, err := r.def.Prober(r.a.o.OutputMaxSize); err == nil {
			r.prober = p
			r.startTicker(ctx)
		} else if k, _ := r.def.Kind(); k == check.KindAlias && r.a.o.Alias != nil {
			node := r.def.AliasNode
			if node == "" {
				node = r.a.o.Node.Node
			}
			r.prober = aliasProber{src: r.a.o.Alias, self: r.id, node: node, service: r.def.AliasService}
			r.def.Interval = time.Second // follow the aliased health every second
			r.startTicker(ctx)
		}
	case *actor.Stopping:
		if r.done != nil {
			close(r.done)
		}
		return
	case probeTick:
		self, root, p, timeout := ctx.Self(), ctx.ActorSystem().Root, r.prober, r.def.ProbeTimeout()
		go func() {
			pctx, cancel := context.WithTimeout(context.Background(), timeout+time.Second)
			res := p.Probe(pctx)
			cancel()
			root.Send(self, Probed{res})
		}()
		return
	case Probed:
		fx = r.b.Handle(m)
	case TTLTick:
		m.Now = time.Now()
		fx = r.b.Handle(m)
	case reportTTL:
		fx = r.b.Handle(Reported{Status: m.Status, Output: m.Output, Now: time.Now()})
		m.Reply.Answer(Reply{})
	default:
		return
	}
	for _, f := range fx {
		switch f := f.(type) {
		case Report:
			ctx.Send(r.a.pid, CheckResult{ID: f.ID, Status: f.Status, Output: f.Output, Gen: r.gen})
		case ArmTTL:
			self, root := ctx.Self(), ctx.ActorSystem().Root
			time.AfterFunc(time.Until(f.At), func() { root.Send(self, TTLTick{}) })
		}
	}
}

// startTicker probes soon after start (with a little jitter so checks
// registered together do not probe in lockstep), then every interval.
func (r *runnerActor) startTicker(ctx actor.Context) {
	self, root, every := ctx.Self(), ctx.ActorSystem().Root, r.def.RunInterval()
	r.done = make(chan struct{})
	done := r.done
	go func() {
		first := time.NewTimer(time.Duration(rand.Int64N(int64(min(every, time.Second)/4) + 1)))
		defer first.Stop()
		select {
		case <-first.C:
		case <-done:
			return
		}
		root.Send(self, probeTick{})
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				root.Send(self, probeTick{})
			case <-done:
				return
			}
		}
	}()
}
