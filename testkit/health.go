package testkit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/fsm/catalog"
)

// The health-check simulation: one agent's check machinery on the virtual
// clock. The production behaviours run unchanged — local.Local (the
// agent-state actor), one local.Runner per check actor (check.Next,
// check.TTL inside) — hosted the way actors/local/actor.go hosts them:
// FIFO mailboxes, inputs stamped with the (virtual) time they are
// handled, effects performed in order. What production gets from the
// outside world comes from seeded fakes: probe results from a per-check
// script of flapping runs, TTL reports from a seeded reporter, maintenance
// toggles, re-registrations. Sync effects go, one event at a time and in
// order (actor.go's syncLoop), through the real event encoding into an
// in-memory catalog log applied with fsm/catalog's pure Txn.Apply.
//
// actors/local/actor.go is mirrored by hand in localReceive and
// hrunner.receive; a change there needs the same change here.

// HealthOptions configure a simulated agent.
type HealthOptions struct {
	Duration    time.Duration // how long the workload runs (virtual)
	Services    int           // service instances on the node (at most 4)
	ResyncEvery time.Duration // anti-entropy period (production: 60s)
	ReapEvery   time.Duration // production: 5s

	MaintGap [2]time.Duration // between maintenance toggles
	// ChurnGap is the time between re-registrations of a service or node
	// check, half of them with a changed definition (its runner restarts);
	// zero disables churn.
	ChurnGap [2]time.Duration

	MailboxDelay [2]time.Duration // per message hop
	PersistDelay [2]time.Duration // the agent actor writing definitions (Persist) inline
	ProbeLatency [2]time.Duration // a probe's duration
	SlowProbes   float64          // chance a probe runs up to its timeout (results may overtake it)
	ApplyDelay   [2]time.Duration // one sync event's Catalog.Apply (a Raft round trip)

	// LoseSync is the chance a sync proposal fails and is not applied
	// (actor.go logs it and leaves the repair to the next resync).
	LoseSync float64

	sabotage string // break one rule on purpose (health_test.go)
}

func (o *HealthOptions) defaults() {
	def := func(d *[2]time.Duration, lo, hi time.Duration) {
		if *d == [2]time.Duration{} {
			*d = [2]time.Duration{lo, hi}
		}
	}
	if o.Duration == 0 {
		o.Duration = 3 * time.Minute
	}
	if o.Services == 0 {
		o.Services = 3
	}
	o.Services = min(o.Services, len(healthServiceNames))
	if o.ResyncEvery == 0 {
		o.ResyncEvery = 30 * time.Second
	}
	if o.ReapEvery == 0 {
		o.ReapEvery = 5 * time.Second
	}
	def(&o.MaintGap, 4*time.Second, 25*time.Second)
	def(&o.MailboxDelay, 20*time.Microsecond, 500*time.Microsecond)
	def(&o.PersistDelay, 0, 4*time.Millisecond)
	def(&o.ProbeLatency, time.Millisecond, 120*time.Millisecond)
	def(&o.ApplyDelay, 500*time.Microsecond, 12*time.Millisecond)
}

// HealthScenario is a named agent setup; Run it with a seed.
type HealthScenario struct {
	Name    string
	Options HealthOptions
}

// HealthScenarioDefault is the standard run: every kind of input, runner
// restarts, no lost proposals.
func HealthScenarioDefault() HealthScenario {
	return HealthScenario{Name: "health", Options: HealthOptions{
		ChurnGap:   [2]time.Duration{15 * time.Second, 45 * time.Second},
		SlowProbes: 0.03,
	}}
}

// HealthScenarioSlowDisk is the default run on an agent whose disk is
// slow: writing the registrations (Persist, inline in the agent actor)
// takes up to most of a second, so a re-registration in a deploy burst
// waits in the agent's mailbox while the check's old runner keeps
// probing.
func HealthScenarioSlowDisk() HealthScenario {
	sc := HealthScenarioDefault()
	sc.Name = "health-slow-disk"
	sc.Options.PersistDelay = [2]time.Duration{50 * time.Millisecond, 800 * time.Millisecond}
	sc.Options.ChurnGap = [2]time.Duration{2 * time.Second, 8 * time.Second}
	return sc
}

// HealthScenarioLossy loses some sync proposals; anti-entropy must repair
// the catalog at the next resync.
func HealthScenarioLossy() HealthScenario {
	sc := HealthScenarioDefault()
	sc.Name = "health-lossy"
	sc.Options.LoseSync = 0.05
	return sc
}

var healthServiceNames = []string{"web", "api", "db", "batch"}

const healthNode = "n1"

// hcSpec is one check the workload registers, with its fake world.
type hcSpec struct {
	id      string
	service string // "" for a node check
	def     check.Definition
	script  flapScript
	chatty  bool // periodic: output differs on every probe
	reports int  // TTL: reports sent
}

func (s *hcSpec) isTTL() bool { return s.def.TTL > 0 }

type hsvcSpec struct {
	rec    *events.Service
	checks []*hcSpec
}

// flapScript draws results in runs: a status held for a random number of
// consecutive draws, then another.
type flapScript struct {
	status   check.Status
	left     int
	run      int
	longRuns bool // critical runs long enough to reap a service
}

func (f *flapScript) next(sim *Sim) (check.Status, int) {
	if f.left == 0 {
		f.run++
		switch w := sim.Rand().IntN(100); {
		case w < 50:
			f.status = check.StatusPassing
		case w < 65:
			f.status = check.StatusWarning
		default:
			f.status = check.StatusCritical
		}
		f.left = 1 + sim.Rand().IntN(6)
		if f.longRuns && f.status == check.StatusCritical && sim.Chance(0.3) {
			f.left = 20 + sim.Rand().IntN(60)
		}
	}
	f.left--
	return f.status, f.run
}

// HealthInput is one input the agent-state behaviour handled.
type HealthInput struct {
	K    int // position among inputs, from 1
	At   time.Time
	Kind string // add-service, add-check, result, reap, maint, resync
	What string // for the trace
	// Runner and Hist name the runner input a CheckResult reports.
	Runner *hrunner
	Hist   int
	// MaintTarget is a maintenance input's node ("") or service ID.
	MaintTarget string
	MaintEnable bool
	Final       bool // the last resync, after the workload ended

	Err     error                       // what it answered
	Started map[string]check.Definition // check runners (re)started
	Stopped []string
	After   local.Reply // the agent's view once handled
	Maint   []string    // maintenance on afterwards, per the toggles accepted ("node", service IDs)

	Syncs    int            // events it synced
	applied  int            // of which applied or lost so far
	Lost     int            // of which lost
	Boundary *catalog.State // the catalog once the last of them was applied
}

// Done reports whether every event the input synced has been applied.
func (in *HealthInput) Done() bool { return in.Syncs > 0 && in.applied == in.Syncs }

// HealthEntry is one sync proposal: applied at Index, or lost.
type HealthEntry struct {
	Index   uint64 // 0 if lost
	At      time.Time
	Data    []byte // the encoded event, as proposed
	Event   events.Event
	Outcome events.Outcome
	Input   *HealthInput // the input whose Sync effect it came from
	Last    bool         // the input's last event
	Lost    bool
	State   *catalog.State // the catalog after it
	Changes []hchange      // check records it created, changed or removed
}

// hchange is one check record before and after an entry.
type hchange struct {
	ID       string
	Had, Has bool
	Old, New string // statuses
	Output   string // new output
}

// hres is one input a runner handled.
type hres struct {
	At     time.Time
	Kind   byte         // 'p' probe result, 'r' TTL report, 't' TTL tick
	In     check.Result // the probe result or the report
	Report *check.Result
	Vis    check.Result // the runner's visible state afterwards (per its reports)
}

// hrunner hosts one local.Runner as actors/local/actor.go's runnerActor does.
type hrunner struct {
	h       *HealthRun
	gen     int
	lgen    uint64 // the agent's generation for this runner (StartCheck.Gen)
	id      string
	def     check.Definition
	spec    *hcSpec
	b       *local.Runner
	mb      *hbox
	started bool
	start   time.Time
	stopK   int // the input that stopped or replaced it; 0 while live
	visible check.Result
	hist    []*hres
}

func (r *hrunner) name() string { return fmt.Sprintf("r%d", r.gen) }

// HealthRun is one seeded execution of a HealthScenario.
type HealthRun struct {
	Seed     int64
	Scenario HealthScenario
	Sim      *Sim
	Services []*hsvcSpec
	Specs    []*hcSpec // every check, services' first
	Inputs   []*HealthInput
	Entries  []*HealthEntry // the catalog log: Entries[i].Index == i+1
	Lost     []*HealthEntry
	Runners  []*hrunner // every runner ever started
	State    *catalog.State
	End      time.Time // the workload stops here; the final resync comes later
	Err      error
	Dead     int // messages to stopped runners

	o        HealthOptions
	node     *events.Node
	spec     map[string]*hcSpec
	local    *local.Local
	localMB  *hbox
	live     map[string]*hrunner // the adapter's runner table
	pending  []*hsyncItem
	syncing  bool
	maint    map[string]bool // maintenance on, per the toggles the agent accepted
	lastSnap local.Reply
}

type hsyncItem struct {
	ev   events.Event
	in   *HealthInput
	last bool
}

// Messages of the adapters (the production ones are unexported).
type (
	hprobeTick struct{}
	// hreport is actor.go's reportTTL: /v1/agent/check/pass|warn|fail,
	// routed by the agent actor to the check's runner.
	hreport struct {
		id     string
		status check.Status
		output string
		n      int
	}
	// hresult is a runner's CheckResult, with where it came from.
	hresult struct {
		res local.CheckResult
		r   *hrunner
		j   int
	}
)

// hanswer is an Answerer that calls a function.
type hanswer func(local.Reply)

func (f hanswer) Answer(r local.Reply) { f(r) }

// Run executes the scenario with seed until nothing is left to happen.
func (sc HealthScenario) Run(seed int64) *HealthRun {
	o := sc.Options
	o.defaults()
	sim := &Sim{Seed: seed}
	h := &HealthRun{
		Seed: seed, Scenario: sc, Sim: sim, State: catalog.Empty(), End: Epoch.Add(o.Duration),
		o: o, node: &events.Node{Node: healthNode, Address: "10.0.0.1"}, spec: map[string]*hcSpec{},
		live: map[string]*hrunner{}, maint: map[string]bool{},
	}
	h.local = local.New(h.node, local.ScriptPolicy{})
	h.localMB = &hbox{h: h, name: "agent", receive: h.localReceive}
	sim.Tracef("scenario %q seed %d", sc.Name, seed)
	h.setup()
	if err := sim.Run(); err != nil && h.Err == nil {
		h.Err = err
	}
	sim.Tracef("done: %d events, %d inputs, %d runners, log at %d, %d lost, %d dead letters",
		sim.Steps(), len(h.Inputs), len(h.Runners), len(h.Entries), len(h.Lost), h.Dead)
	return h
}

// setup draws the node's services and checks and schedules the workload.
func (h *HealthRun) setup() {
	sim := h.Sim
	for i, name := range healthServiceNames[:h.o.Services] {
		s := &hsvcSpec{rec: &events.Service{Id: name + "-1", Service: name, Port: int32(8000 + i), Tags: []string{"v1"}}}
		s.checks = append(s.checks, h.newSpec(s.rec.Id+":probe", s.rec.Id, false))
		if sim.Chance(0.6) {
			s.checks = append(s.checks, h.newSpec(s.rec.Id+":ttl", s.rec.Id, true))
		}
		if name == "batch" || (i == h.o.Services-1 && sim.Chance(0.5)) {
			// Reapable: critical for a minute deregisters the service.
			s.checks[0].def.DeregisterCriticalServiceAfter = time.Minute
			s.checks[0].script.longRuns = true
		}
		h.Services = append(h.Services, s)
		h.Specs = append(h.Specs, s.checks...)
	}
	node := []*hcSpec{h.newSpec("node:disk", "", false)}
	if sim.Chance(0.5) {
		node = append(node, h.newSpec("node:heartbeat", "", true))
	}
	h.Specs = append(h.Specs, node...)
	for _, s := range h.Specs {
		h.spec[s.id] = s
	}

	// Registration at start, then the first resync.
	for _, s := range h.Services {
		h.register(s)
	}
	for _, s := range node {
		h.addCheck(s)
	}
	h.localMB.post(local.Resync{})

	for _, s := range h.Specs {
		if s.isTTL() {
			h.ttlReporter(s)
		}
	}
	h.every(h.o.ReapEvery, h.o.ReapEvery, func() { h.localMB.post(local.Reap{}) })
	h.every(h.o.ResyncEvery, h.o.ResyncEvery, func() { h.localMB.post(local.Resync{}) })
	h.jittered(h.o.MaintGap, h.toggleMaintenance)
	if h.o.ChurnGap[1] > 0 {
		h.jittered(h.o.ChurnGap, h.churn)
	}
	// The last resync, once every TTL check has had time to expire (TTLs
	// are at most 15s) and every slow probe has come back.
	sim.At(h.End.Add(30*time.Second), "", func() { h.localMB.post(local.Resync{}) })
}

func (h *HealthRun) newSpec(id, service string, ttl bool) *hcSpec {
	sim := h.Sim
	d := check.Definition{ID: id}
	if service == "" {
		d.Name = "check " + id
	}
	if ttl {
		d.TTL = healthTTL(sim)
		if sim.Chance(0.3) {
			d.OutputMaxSize = 12 // reports get cut and marked
		}
	} else {
		d.HTTP = "http://" + id + ".sim/health"
		d.Interval = healthInterval(sim)
		healthThresholds(sim, &d)
	}
	switch w := sim.Rand().IntN(5); w {
	case 0:
		d.Status = check.StatusPassing
	case 1:
		d.Status = check.StatusWarning
	}
	return &hcSpec{id: id, service: service, def: d, chatty: !ttl && sim.Chance(0.3)}
}

func healthTTL(sim *Sim) time.Duration {
	return sim.Jitter(3*time.Second, 15*time.Second).Truncate(100 * time.Millisecond)
}

func healthInterval(sim *Sim) time.Duration {
	if sim.Chance(0.1) {
		return 500 * time.Millisecond // raised to check.MinInterval
	}
	return sim.Jitter(time.Second, 5*time.Second).Truncate(100 * time.Millisecond)
}

func healthThresholds(sim *Sim, d *check.Definition) {
	d.SuccessBeforePassing = sim.Rand().IntN(4)
	d.FailuresBeforeCritical = sim.Rand().IntN(4)
	d.FailuresBeforeWarning = 0
	if d.FailuresBeforeCritical >= 2 && sim.Chance(0.4) {
		d.FailuresBeforeWarning = 1 + sim.Rand().IntN(d.FailuresBeforeCritical-1)
	}
}

func (h *HealthRun) register(s *hsvcSpec) {
	defs := make([]check.Definition, len(s.checks))
	for i, c := range s.checks {
		defs[i] = c.def
	}
	h.localMB.post(local.AddService{Service: s.rec, Checks: defs, Reply: h.expectOK("register " + s.rec.Id)})
}

func (h *HealthRun) addCheck(s *hcSpec) {
	h.localMB.post(local.AddCheck{Check: s.def, Reply: h.expectOK("register " + s.id)})
}

// expectOK answers inputs that must not fail.
func (h *HealthRun) expectOK(what string) local.Answerer {
	return hanswer(func(r local.Reply) {
		if r.Err != nil && h.Err == nil {
			h.Err = fmt.Errorf("%s: %v", what, r.Err)
		}
	})
}

// every runs fn at first and then every period until End.
func (h *HealthRun) every(first, period time.Duration, fn func()) {
	var tick func()
	tick = func() {
		if h.Sim.Now().After(h.End) {
			return
		}
		fn()
		h.Sim.After(period, "", tick)
	}
	h.Sim.After(first, "", tick)
}

// jittered runs fn at seeded gaps drawn from gap until End.
func (h *HealthRun) jittered(gap [2]time.Duration, fn func()) {
	var tick func()
	tick = func() {
		if h.Sim.Now().After(h.End) {
			return
		}
		fn()
		h.Sim.After(h.Sim.Jitter(gap[0], gap[1]), "", tick)
	}
	h.Sim.After(h.Sim.Jitter(gap[0], gap[1]), "", tick)
}

// ttlReporter is the application behind a TTL check: it reports a status
// at seeded intervals, mostly within the TTL, sometimes too late.
func (h *HealthRun) ttlReporter(s *hcSpec) {
	sim := h.Sim
	var next func()
	next = func() {
		if sim.Now().After(h.End) {
			return
		}
		s.reports++
		st, _ := s.script.next(sim)
		out := fmt.Sprintf("%s report %d", st, s.reports)
		h.localMB.post(hreport{id: s.id, status: st, output: out, n: s.reports})
		ttl := s.def.TTL
		gap := sim.Jitter(ttl/5, ttl*9/10)
		if sim.Chance(0.2) {
			gap = sim.Jitter(ttl*11/10, ttl*5/2)
		}
		sim.After(gap, "", next)
	}
	sim.After(sim.Jitter(0, s.def.TTL/2), "", next)
}

func (h *HealthRun) toggleMaintenance() {
	target := ""
	if n := len(h.Services); n > 0 && !h.Sim.Chance(0.3) {
		target = h.Services[h.Sim.Rand().IntN(n)].rec.Id
	}
	enable := !h.maint[maintKey(target)]
	if h.Sim.Chance(0.15) {
		enable = !enable // a repeated enable or disable
	}
	reason := ""
	if h.Sim.Chance(0.5) {
		reason = "sim deploy"
	}
	h.localMB.post(local.Maintenance{ServiceID: target, Enable: enable, Reason: reason, Reply: hanswer(func(local.Reply) {})})
}

func maintKey(target string) string {
	if target == "" {
		return "node"
	}
	return target
}

// churn re-registers a service (or a node check), half the time with one
// check's definition changed.
func (h *HealthRun) churn() {
	sim := h.Sim
	mutate := func(s *hcSpec) {
		if s.isTTL() {
			s.def.TTL = healthTTL(sim)
		} else if sim.Chance(0.5) {
			s.def.Interval = healthInterval(sim)
		} else {
			healthThresholds(sim, &s.def)
		}
	}
	i := sim.Rand().IntN(len(h.Services) + 1)
	if i == len(h.Services) {
		var node []*hcSpec
		for _, s := range h.Specs {
			if s.service == "" {
				node = append(node, s)
			}
		}
		s := node[sim.Rand().IntN(len(node))]
		if sim.Chance(0.5) {
			mutate(s)
		}
		h.addCheck(s)
		return
	}
	s := h.Services[i]
	if sim.Chance(0.5) {
		mutate(s.checks[sim.Rand().IntN(len(s.checks))])
	}
	h.register(s)
	// Now and then a deploy re-registers the next service straight after,
	// so it waits in the agent's mailbox behind the first one's Persist.
	if n := len(h.Services); n > 1 && sim.Chance(0.3) {
		s := h.Services[(i+1)%n]
		mutate(s.checks[sim.Rand().IntN(len(s.checks))])
		h.register(s)
	}
}

// snapshot is the agent's view (a Snapshot input, which changes nothing).
func (h *HealthRun) snapshot() local.Reply {
	for _, f := range h.local.Handle(local.Snapshot{}) {
		if a, ok := f.(local.Answer); ok {
			return a.Reply
		}
	}
	return local.Reply{}
}

// localReceive is actor.go's localActor.Receive: stamp, handle, perform.
func (h *HealthRun) localReceive(msg any) time.Duration {
	now := h.Sim.Now()
	in := &HealthInput{At: now}
	var fx []local.Effect
	switch m := msg.(type) {
	case local.AddService:
		m.Now = now
		in.Kind, in.What = "add-service", "AddService "+m.Service.Id
		fx = h.local.Handle(m)
	case local.AddCheck:
		m.Now = now
		in.Kind, in.What = "add-check", "AddCheck "+m.Check.ID
		fx = h.local.Handle(m)
	case hresult:
		m.res.Now = now
		in.Kind, in.Runner, in.Hist = "result", m.r, m.j
		in.What = fmt.Sprintf("CheckResult %s %s %q from %s#%d", m.res.ID, m.res.Status, clip(m.res.Output), m.r.name(), m.j)
		fx = h.local.Handle(m.res)
	case local.Reap:
		m.Now = now
		in.Kind, in.What = "reap", "Reap"
		fx = h.local.Handle(m)
	case local.Maintenance:
		in.Kind, in.MaintTarget, in.MaintEnable = "maint", m.ServiceID, m.Enable
		in.What = fmt.Sprintf("Maintenance %s enable=%v", maintKey(m.ServiceID), m.Enable)
		fx = h.local.Handle(m)
	case local.Resync:
		in.Kind, in.What, in.Final = "resync", "Resync", now.After(h.End)
		m.Remote = h.remote() // as actor.go reads the catalog for the node
		fx = h.local.Handle(m)
	case hreport:
		// Routed to the check's runner, not handled by Local.
		if r, ok := h.live[m.id]; ok {
			r.mb.post(m)
		} else {
			h.Sim.Tracef("agent: report %s #%d: unknown check", m.id, m.n)
		}
		return 0
	default:
		panic(fmt.Sprintf("testkit: agent got %T", msg))
	}
	in.K = len(h.Inputs) + 1
	h.Inputs = append(h.Inputs, in)
	var busy time.Duration
	var did []string
	var last *hsyncItem
	for _, f := range fx {
		switch f := f.(type) {
		case local.Answer:
			in.Err = f.Reply.Err
			if f.To != nil {
				f.To.Answer(f.Reply)
			}
		case local.Sync:
			evs := f.Events
			if h.o.sabotage == "drop-maint-dereg" {
				evs = slices.DeleteFunc(slices.Clone(evs), func(ev events.Event) bool {
					d, ok := ev.(*events.CatalogDeregistered)
					return ok && strings.HasPrefix(d.CheckId, "_")
				})
			}
			if h.o.sabotage == "resync-no-output" && in.Kind == "resync" {
				evs = slices.Clone(evs)
				for i, ev := range evs {
					reg := proto.Clone(ev).(*events.CatalogRegistered)
					for _, c := range reg.Checks {
						c.Output = ""
					}
					evs[i] = reg
				}
			}
			for _, ev := range evs {
				last = &hsyncItem{ev: ev, in: in}
				h.pending = append(h.pending, last)
				in.Syncs++
				did = append(did, "sync "+describeCatalogEvent(ev))
			}
		case local.StartCheck:
			if old, ok := h.live[f.ID]; ok {
				old.stop(in)
			}
			r := h.spawn(f.ID, f.Check, f.Gen)
			h.live[f.ID] = r
			if in.Started == nil {
				in.Started = map[string]check.Definition{}
			}
			in.Started[f.ID] = f.Check
			did = append(did, "start "+r.name()+" "+f.ID)
		case local.StopCheck:
			if old, ok := h.live[f.ID]; ok {
				old.stop(in)
				delete(h.live, f.ID)
				did = append(did, "stop "+old.name()+" "+f.ID)
			}
			in.Stopped = append(in.Stopped, f.ID)
		case local.Persist:
			busy += h.Sim.Jitter(h.o.PersistDelay[0], h.o.PersistDelay[1])
		}
	}
	if last != nil {
		last.last = true
	}
	if h.o.sabotage == "sync-reordered" && len(h.pending) >= 2 && h.Sim.Chance(0.3) {
		n := len(h.pending)
		h.pending[n-1], h.pending[n-2] = h.pending[n-2], h.pending[n-1]
	}
	in.After = h.snapshot()
	if in.Kind == "maint" && in.Err == nil {
		h.maint[maintKey(in.MaintTarget)] = in.MaintEnable
	}
	// A removed service takes its maintenance with it.
	for _, s := range h.lastSnap.Services {
		if !slices.ContainsFunc(in.After.Services, func(v *events.Service) bool { return v.Id == s.Id }) {
			h.maint[s.Id] = false
		}
	}
	if h.maint["node"] {
		in.Maint = append(in.Maint, "node")
	}
	for _, s := range h.Services {
		if h.maint[s.rec.Id] {
			in.Maint = append(in.Maint, s.rec.Id)
		}
	}
	h.lastSnap = in.After
	line := fmt.Sprintf("agent <- #%d %s", in.K, in.What)
	if in.Err != nil {
		line += fmt.Sprintf(" -> error %q", in.Err)
	}
	if len(did) > 0 {
		line += " -> " + strings.Join(did, "; ")
	}
	h.Sim.Tracef("%s", line)
	h.syncNext()
	return busy
}

// syncNext is actor.go's syncLoop: one Catalog.Apply at a time, in order.
func (h *HealthRun) syncNext() {
	if h.syncing || len(h.pending) == 0 {
		return
	}
	h.syncing = true
	h.Sim.After(h.Sim.Jitter(h.o.ApplyDelay[0], h.o.ApplyDelay[1]), "", h.applyNext)
}

func (h *HealthRun) applyNext() {
	p := h.pending[0]
	h.pending[0] = nil
	h.pending = h.pending[1:]
	h.syncing = false
	e := &HealthEntry{At: h.Sim.Now(), Input: p.in, Last: p.last}
	data, err := events.Encode(p.ev)
	if err != nil {
		h.fail("encode %s: %v", describeCatalogEvent(p.ev), err)
		return
	}
	e.Data = data
	p.in.applied++
	if h.Sim.Chance(h.o.LoseSync) {
		e.Lost, e.State = true, h.State
		p.in.Lost++
		h.Lost = append(h.Lost, e)
		h.Sim.Tracef("catalog: lost %s (from #%d)", describeCatalogEvent(p.ev), p.in.K)
	} else {
		ev, err := events.Decode(data)
		if err != nil {
			h.fail("decode %s: %v", describeCatalogEvent(p.ev), err)
			return
		}
		e.Index, e.Event = uint64(len(h.Entries)+1), ev
		prev := h.State
		txn := prev.Txn()
		e.Outcome = txn.Apply(e.Index, ev)
		h.State = txn.Commit()
		e.State = h.State
		e.Changes = checkChanges(prev, h.State)
		h.Entries = append(h.Entries, e)
		if h.o.sabotage == "unlogged-write" && e.Index == 5 {
			// Apply something the log never records.
			txn := h.State.Txn()
			txn.Apply(e.Index, &events.CheckStatusUpdated{Node: healthNode, CheckId: "node:disk", Status: "warning", Output: "sabotage"})
			h.State = txn.Commit()
		}
		h.Sim.Tracef("catalog %d: %s %s (from #%d)%s", e.Index, describeCatalogEvent(ev), e.Outcome, p.in.K, describeChanges(e.Changes))
	}
	if p.last {
		p.in.Boundary = h.State
	}
	h.syncNext()
}

func (h *HealthRun) fail(format string, args ...any) {
	err := fmt.Errorf(format, args...)
	h.Sim.Tracef("FAIL %v", err)
	if h.Err == nil {
		h.Err = err
	}
}

// checkChanges lists the check records of the node that an entry created,
// changed or removed.
func checkChanges(a, b *catalog.State) []hchange {
	before := map[string]*events.Check{}
	a.NodeChecks(healthNode, func(c *events.Check) bool { before[c.CheckId] = c; return true })
	var out []hchange
	b.NodeChecks(healthNode, func(c *events.Check) bool {
		old, had := before[c.CheckId]
		delete(before, c.CheckId)
		if had && old.ModifyIndex == c.ModifyIndex {
			return true
		}
		ch := hchange{ID: c.CheckId, Has: true, New: c.Status, Output: c.Output, Had: had}
		if had {
			ch.Old = old.Status
		}
		out = append(out, ch)
		return true
	})
	for id, old := range before {
		out = append(out, hchange{ID: id, Had: true, Old: old.Status})
	}
	slices.SortFunc(out, func(x, y hchange) int { return strings.Compare(x.ID, y.ID) })
	return out
}

// remote is what the simulated catalog holds for the node (Resync.Remote).
func (h *HealthRun) remote() *local.Remote {
	r := &local.Remote{}
	h.State.NodeServices(h.node.Node, func(s *events.Service) bool { r.Services = append(r.Services, s.Id); return true })
	h.State.NodeChecks(h.node.Node, func(c *events.Check) bool { r.Checks = append(r.Checks, c.CheckId); return true })
	return r
}

// spawn is StartCheck: a new runner actor for the check.
func (h *HealthRun) spawn(id string, d check.Definition, lgen uint64) *hrunner {
	r := &hrunner{h: h, gen: len(h.Runners) + 1, lgen: lgen, id: id, def: d, spec: h.spec[id]}
	r.mb = &hbox{h: h, name: r.name(), receive: r.receive}
	h.Runners = append(h.Runners, r)
	r.mb.post(started{})
	return r
}

// stop is ctx.Stop: a system message, handled before queued messages.
func (r *hrunner) stop(by *HealthInput) {
	r.stopK = by.K
	r.mb.stop()
}

// receive is actor.go's runnerActor.Receive.
func (r *hrunner) receive(msg any) time.Duration {
	h, now := r.h, r.h.Sim.Now()
	var fx []local.Effect
	var rec *hres
	switch m := msg.(type) {
	case started:
		d := r.def
		if h.o.sabotage == "no-thresholds" {
			d.SuccessBeforePassing, d.FailuresBeforeCritical, d.FailuresBeforeWarning = 0, 0, 0
		}
		r.b = local.NewRunner(r.id, d, now)
		r.started, r.start = true, now
		r.visible = check.Result{Status: r.def.InitialStatus()}
		fx = r.b.Start()
		if _, err := r.def.Prober(0); err == nil {
			r.startTicker()
		}
		h.Sim.Tracef("%s %s started", r.name(), r.id)
	case hprobeTick:
		// The probe runs off the mailbox; its result comes back later.
		st, run := r.spec.script.next(h.Sim)
		out := fmt.Sprintf("%s (run %d)", st, run)
		if r.spec.chatty {
			out = fmt.Sprintf("%s (run %d, probe at %s)", st, run, stamp(now))
		}
		lat := h.Sim.Jitter(h.o.ProbeLatency[0], h.o.ProbeLatency[1])
		if h.Sim.Chance(h.o.SlowProbes) {
			lat = h.Sim.Jitter(lat, r.def.ProbeTimeout())
		}
		res := check.Result{Status: st, Output: out}
		h.Sim.After(lat, "", func() { r.mb.post(local.Probed{Result: res}) })
		return 0
	case local.Probed:
		rec = &hres{At: now, Kind: 'p', In: m.Result}
		fx = r.b.Handle(m)
	case local.TTLTick:
		m.Now = now
		if h.o.sabotage == "ttl-early" {
			m.Now = now.Add(r.def.TTL / 2)
		}
		rec = &hres{At: now, Kind: 't'}
		fx = r.b.Handle(m)
	case hreport:
		rec = &hres{At: now, Kind: 'r', In: check.Result{Status: m.status, Output: m.output}}
		fx = r.b.Handle(local.Reported{Status: m.status, Output: m.output, Now: now})
	default:
		panic(fmt.Sprintf("testkit: runner got %T", msg))
	}
	j := len(r.hist)
	var did []string
	for _, f := range fx {
		switch f := f.(type) {
		case local.Report:
			res := check.Result{Status: f.Status, Output: f.Output}
			r.visible = res
			if rec != nil {
				rec.Report = &res
			}
			h.localMB.post(hresult{res: local.CheckResult{ID: f.ID, Status: f.Status, Output: f.Output, Gen: r.lgen}, r: r, j: j})
			did = append(did, fmt.Sprintf("report %s %q", f.Status, clip(f.Output)))
		case local.ArmTTL:
			at := f.At
			switch h.o.sabotage {
			case "ttl-early":
				at = at.Add(-r.def.TTL / 2)
			case "ttl-late":
				at = at.Add(r.def.TTL / 2)
			}
			h.Sim.At(at, "", func() { r.mb.post(local.TTLTick{}) })
		}
	}
	if rec == nil {
		return 0
	}
	rec.Vis = r.visible
	r.hist = append(r.hist, rec)
	line := fmt.Sprintf("%s %s <- #%d ", r.name(), r.id, j)
	switch rec.Kind {
	case 'p':
		line += fmt.Sprintf("probe %s %q", rec.In.Status, clip(rec.In.Output))
	case 'r':
		line += fmt.Sprintf("ttl report %s %q", rec.In.Status, clip(rec.In.Output))
	case 't':
		line += "ttl tick"
	}
	if len(did) > 0 {
		line += " -> " + strings.Join(did, "; ")
	}
	h.Sim.Tracef("%s", line)
	return 0
}

// startTicker probes soon after start, with a little jitter, then every
// interval until the runner stops (or the workload ends).
func (r *hrunner) startTicker() {
	h := r.h
	every := r.def.RunInterval()
	var tick func()
	tick = func() {
		if r.mb.stopped || h.Sim.Now().After(h.End) {
			return
		}
		r.mb.post(hprobeTick{})
		h.Sim.After(every, "", tick)
	}
	h.Sim.After(h.Sim.Jitter(0, min(every, time.Second)/4), "", tick)
}

// hbox is a simulated actor's FIFO mailbox: one message at a time, in
// posting order, each after a seeded delay. stop is protoactor's Stop, a
// system message that overtakes queued user messages, which become dead
// letters.
type hbox struct {
	h        *HealthRun
	name     string
	msgs     []any
	busy     bool
	stopping bool
	stopped  bool
	stopAt   time.Time
	// receive handles one message and returns how long the actor stays
	// busy afterwards.
	receive func(msg any) time.Duration
}

func (m *hbox) post(msg any) {
	if m.stopped || m.stopping {
		m.dead(msg)
		return
	}
	m.msgs = append(m.msgs, msg)
	m.kick()
}

func (m *hbox) stop() {
	if m.stopped || m.stopping {
		return
	}
	m.stopping = true
	m.kick()
}

func (m *hbox) kick() {
	if m.busy || (len(m.msgs) == 0 && !m.stopping) {
		return
	}
	m.busy = true
	o := m.h.o
	m.h.Sim.After(m.h.Sim.Jitter(o.MailboxDelay[0], o.MailboxDelay[1]), "", m.next)
}

func (m *hbox) next() {
	if m.stopping {
		m.stopped, m.stopping, m.busy = true, false, false
		m.stopAt = m.h.Sim.Now()
		m.h.Sim.Tracef("%s stopped", m.name)
		for _, msg := range m.msgs {
			m.dead(msg)
		}
		m.msgs = nil
		return
	}
	msg := m.msgs[0]
	m.msgs[0] = nil
	m.msgs = m.msgs[1:]
	if busy := m.receive(msg); busy > 0 {
		m.h.Sim.After(busy, "", m.done)
		return
	}
	m.done()
}

func (m *hbox) done() {
	m.busy = false
	m.kick()
}

func (m *hbox) dead(msg any) {
	m.h.Dead++
	m.h.Sim.Tracef("dead letter to %s: %T", m.name, msg)
}

// Trace renderings.

func clip(s string) string {
	if len(s) > 48 {
		return s[:45] + "..."
	}
	return s
}

func describeCatalogEvent(ev events.Event) string {
	switch ev := ev.(type) {
	case *events.CatalogRegistered:
		var parts []string
		if !ev.SkipNodeUpdate {
			parts = append(parts, "node")
		}
		if ev.Service != nil {
			parts = append(parts, "svc "+ev.Service.Id)
		}
		for _, c := range ev.Checks {
			parts = append(parts, fmt.Sprintf("%s=%s", c.CheckId, c.Status))
		}
		return "Register(" + strings.Join(parts, " ") + ")"
	case *events.CatalogDeregistered:
		switch {
		case ev.ServiceId != "":
			return "Deregister(svc " + ev.ServiceId + ")"
		case ev.CheckId != "":
			return "Deregister(check " + ev.CheckId + ")"
		}
		return "Deregister(node " + ev.Node + ")"
	case *events.CheckStatusUpdated:
		return fmt.Sprintf("Status(%s=%s %q)", ev.CheckId, ev.Status, clip(ev.Output))
	}
	return fmt.Sprintf("%T", ev)
}

func describeChanges(cs []hchange) string {
	var parts []string
	for _, c := range cs {
		switch {
		case !c.Has:
			parts = append(parts, c.ID+" removed")
		case !c.Had:
			parts = append(parts, c.ID+" "+c.New)
		case c.Old != c.New:
			parts = append(parts, c.ID+" "+c.Old+"->"+c.New)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}
