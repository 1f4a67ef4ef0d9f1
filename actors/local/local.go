package local

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/events"
)

var (
	ErrUnknownService = errors.New("Unknown service ID") // compat prefix
	ErrUnknownCheck   = errors.New("Unknown check ID")   // compat prefix
)

type svc struct {
	rec        *events.Service
	fromConfig bool
}

type chk struct {
	def           check.Definition
	rec           *events.Check // catalog record with the current status
	fromConfig    bool
	criticalSince time.Time // zero unless critical
	gen           uint64    // generation of its current runner
}

// ScriptPolicy is the agent's enable_script_checks and
// enable_local_script_checks.
type ScriptPolicy struct{ Remote, Local bool }

// Local is the pure behaviour of the agent-state actor.
type Local struct {
	scripts  ScriptPolicy
	keep     map[string]bool // catalog IDs on this node owned elsewhere (self-registration)
	gen      uint64
	node     *events.Node // this agent's node (for registrations)
	services map[string]*svc
	checks   map[string]*chk
}

// New returns the state of an agent whose node is node. keep names the
// service and check IDs on the node that the agent registers by other means
// (serfHealth, the consul service): anti-entropy leaves them alone.
func New(node *events.Node, scripts ScriptPolicy, keep ...string) *Local {
	l := &Local{node: node, scripts: scripts, keep: map[string]bool{}, services: map[string]*svc{}, checks: map[string]*chk{}}
	for _, id := range keep {
		l.keep[id] = true
	}
	return l
}

// allowed refuses script checks the agent's policy does not allow.
func (l *Local) allowed(d check.Definition, fromConfig bool) error {
	if k, _ := d.Kind(); k != check.KindScript {
		return nil
	}
	return check.AllowScript(l.scripts.Remote, l.scripts.Local, !fromConfig)
}

// Handle applies one input and returns the effects to perform, in order.
func (l *Local) Handle(in any) []Effect {
	switch in := in.(type) {
	case AddService:
		return l.addService(in)
	case RemoveService:
		s, ok := l.services[in.ID]
		if !ok {
			return answer(in.Reply, fmt.Errorf("%w %q", ErrUnknownService, in.ID))
		}
		delete(l.services, in.ID)
		var fx []Effect
		for _, id := range l.checkIDs(in.ID) {
			delete(l.checks, id)
			fx = append(fx, StopCheck{id})
		}
		fx = append(fx, Sync{[]events.Event{&events.CatalogDeregistered{Node: l.node.Node, ServiceId: in.ID}}})
		if !s.fromConfig {
			fx = append(fx, l.persist())
		}
		return append(fx, answerOK(in.Reply)...)
	case AddCheck:
		return l.addCheck(in)
	case RemoveCheck:
		c, ok := l.checks[in.ID]
		if !ok {
			return answer(in.Reply, fmt.Errorf("%w %q", ErrUnknownCheck, in.ID))
		}
		delete(l.checks, in.ID)
		fx := []Effect{StopCheck{in.ID}, Sync{[]events.Event{&events.CatalogDeregistered{Node: l.node.Node, CheckId: in.ID}}}}
		if !c.fromConfig {
			fx = append(fx, l.persist())
		}
		return append(fx, answerOK(in.Reply)...)
	case CheckResult:
		c, ok := l.checks[in.ID]
		if !ok {
			return answer(in.Reply, fmt.Errorf("%w %q", ErrUnknownCheck, in.ID))
		}
		if in.Gen != c.gen {
			return answerOK(in.Reply) // from a runner that was replaced
		}
		if in.Status == check.StatusCritical && c.rec.Status != string(check.StatusCritical) {
			c.criticalSince = in.Now
		} else if in.Status != check.StatusCritical {
			c.criticalSince = time.Time{}
		}
		if c.rec.Status == string(in.Status) && c.rec.Output == in.Output {
			return answerOK(in.Reply)
		}
		rec := proto.Clone(c.rec).(*events.Check)
		statusChanged := rec.Status != string(in.Status)
		rec.Status, rec.Output = string(in.Status), in.Output
		c.rec = rec
		if !statusChanged {
			// Output-only changes wait for the next full sync, as Consul's
			// check_update_interval batches them: a chatty check must not
			// write to Raft on every probe.
			return answerOK(in.Reply)
		}
		return append([]Effect{Sync{[]events.Event{&events.CheckStatusUpdated{
			Node: l.node.Node, CheckId: in.ID, Status: rec.Status, Output: rec.Output}}}}, answerOK(in.Reply)...)
	case Maintenance:
		return l.maintenance(in)
	case ReplaceConfig:
		return l.replaceConfig(in)
	case Reap:
		var fx []Effect
		for _, id := range slices.Sorted(maps.Keys(l.checks)) {
			c, ok := l.checks[id]
			if !ok || c.def.ServiceID == "" || c.criticalSince.IsZero() || c.def.DeregisterCriticalServiceAfter <= 0 {
				continue
			}
			if in.Now.Sub(c.criticalSince) >= c.def.DeregisterAfter() {
				fx = append(fx, l.Handle(RemoveService{ID: c.def.ServiceID})...)
			}
		}
		return fx
	case Resync:
		return []Effect{Sync{append(l.strays(in.Remote), l.all()...)}}
	case Snapshot:
		return []Effect{Answer{in.Reply, l.snapshot()}}
	}
	return nil
}

func (l *Local) addService(in AddService) []Effect {
	s := proto.Clone(in.Service).(*events.Service)
	s.Node = l.node.Node
	if s.Id == "" {
		s.Id = s.Service
	}
	defs := make([]check.Definition, len(in.Checks))
	for i, d := range in.Checks {
		d.ServiceID = s.Id
		if d.ID == "" {
			d.ID = "service:" + s.Id
			if len(in.Checks) > 1 {
				d.ID = fmt.Sprintf("service:%s:%d", s.Id, i+1)
			}
		}
		if d.Name == "" {
			d.Name = fmt.Sprintf("Service '%s' check", s.Service)
		}
		if err := d.Validate(); err != nil {
			return answer(in.Reply, fmt.Errorf("Invalid check %q: %w", d.ID, err))
		}
		if err := l.allowed(d, in.FromConfig); err != nil {
			return answer(in.Reply, err)
		}
		defs[i] = d
	}
	l.services[s.Id] = &svc{rec: s, fromConfig: in.FromConfig}
	var fx []Effect
	if in.ReplaceChecks {
		keep := map[string]bool{}
		for _, d := range defs {
			keep[d.ID] = true
		}
		for _, id := range l.checkIDs(s.Id) {
			if !keep[id] {
				delete(l.checks, id)
				fx = append(fx, StopCheck{id}, Sync{[]events.Event{&events.CatalogDeregistered{Node: l.node.Node, CheckId: id}}})
			}
		}
	}
	reg := &events.CatalogRegistered{Node: l.node, SkipNodeUpdate: true, Service: s}
	for _, d := range defs {
		c, start := l.putCheck(d, in.FromConfig, in.Now)
		reg.Checks = append(reg.Checks, c.rec)
		if start {
			fx = append(fx, StartCheck{d.ID, d, c.gen})
		}
	}
	fx = append(fx, Sync{[]events.Event{reg}})
	if !in.FromConfig {
		fx = append(fx, l.persist())
	}
	return append(fx, answerOK(in.Reply)...)
}

// Maintenance check IDs and texts (Consul's).
const (
	nodeMaintID        = "_node_maintenance"
	serviceMaintPrefix = "_service_maintenance:"
	defaultMaintReason = "Maintenance mode is enabled for this node, but no reason was provided. This is a default message."
)

func (l *Local) maintenance(in Maintenance) []Effect {
	id, name := nodeMaintID, "Node Maintenance Mode"
	if in.ServiceID != "" {
		if _, ok := l.services[in.ServiceID]; !ok {
			return answer(in.Reply, fmt.Errorf("%w %q", ErrUnknownService, in.ServiceID))
		}
		id, name = serviceMaintPrefix+in.ServiceID, "Service Maintenance Mode"
	}
	if !in.Enable {
		if _, ok := l.checks[id]; !ok {
			return answerOK(in.Reply)
		}
		delete(l.checks, id)
		return append([]Effect{Sync{[]events.Event{&events.CatalogDeregistered{Node: l.node.Node, CheckId: id}}}}, answerOK(in.Reply)...)
	}
	reason := in.Reason
	if reason == "" {
		reason = defaultMaintReason
	}
	rec := &events.Check{Node: l.node.Node, CheckId: id, Name: name, Notes: reason, Status: "critical", ServiceId: in.ServiceID}
	if s, ok := l.services[in.ServiceID]; ok {
		rec.ServiceName, rec.ServiceTags = s.rec.Service, s.rec.Tags
	}
	l.checks[id] = &chk{def: check.Definition{ID: id, Name: name, ServiceID: in.ServiceID}, rec: rec, fromConfig: true}
	reg := &events.CatalogRegistered{Node: l.node, SkipNodeUpdate: true, Checks: []*events.Check{rec}}
	return append([]Effect{Sync{[]events.Event{reg}}}, answerOK(in.Reply)...)
}

// replaceConfig applies a reload: config definitions missing from the new
// files go away; the rest are (re)registered, unchanged ones untouched.
func (l *Local) replaceConfig(in ReplaceConfig) []Effect {
	keepSvc, keepChk := map[string]bool{}, map[string]bool{}
	for _, s := range in.Services {
		id := s.Service.Id
		if id == "" {
			id = s.Service.Service
		}
		keepSvc[id] = true
	}
	for _, c := range in.Checks {
		id := c.Check.ID
		if id == "" {
			id = c.Check.Name
		}
		keepChk[id] = true
	}
	var fx []Effect
	for _, id := range slices.Sorted(maps.Keys(l.services)) {
		if l.services[id].fromConfig && !keepSvc[id] {
			fx = append(fx, l.Handle(RemoveService{ID: id})...)
		}
	}
	for _, id := range l.checkIDs("") {
		if c := l.checks[id]; c.fromConfig && !keepChk[id] && id != nodeMaintID {
			fx = append(fx, l.Handle(RemoveCheck{ID: id})...)
		}
	}
	for _, s := range in.Services {
		s.Reply, s.FromConfig, s.ReplaceChecks = nil, true, true
		fx = append(fx, l.Handle(s)...)
	}
	for _, c := range in.Checks {
		c.Reply, c.FromConfig = nil, true
		fx = append(fx, l.Handle(c)...)
	}
	return append(fx, answerOK(in.Reply)...)
}

func (l *Local) addCheck(in AddCheck) []Effect {
	d := in.Check
	if d.ID == "" {
		d.ID = d.Name
	}
	if d.Name == "" {
		return answer(in.Reply, errors.New("Missing check name"))
	}
	if err := d.Validate(); err != nil {
		return answer(in.Reply, err)
	}
	if err := l.allowed(d, in.FromConfig); err != nil {
		return answer(in.Reply, err)
	}
	if d.ServiceID != "" {
		if _, ok := l.services[d.ServiceID]; !ok {
			return answer(in.Reply, fmt.Errorf("ServiceID %q does not exist", d.ServiceID))
		}
	}
	c, start := l.putCheck(d, in.FromConfig, in.Now)
	fx := []Effect{}
	if start {
		fx = append(fx, StartCheck{d.ID, d, c.gen})
	}
	reg := &events.CatalogRegistered{Node: l.node, SkipNodeUpdate: true, Checks: []*events.Check{c.rec}}
	fx = append(fx, Sync{[]events.Event{reg}})
	if !in.FromConfig {
		fx = append(fx, l.persist())
	}
	return append(fx, answerOK(in.Reply)...)
}

// putCheck stores a definition; a changed definition restarts its runner
// and its status starts over, an unchanged one keeps its status.
func (l *Local) putCheck(d check.Definition, fromConfig bool, now time.Time) (*chk, bool) {
	if old, ok := l.checks[d.ID]; ok && equalDefs(old.def, d) {
		old.fromConfig = fromConfig
		return old, false
	}
	rec := &events.Check{Node: l.node.Node, CheckId: d.ID, Name: d.Name, Notes: d.Notes, ServiceId: d.ServiceID,
		Status: string(d.InitialStatus()), Type: d.Type()}
	if s, ok := l.services[d.ServiceID]; ok {
		rec.ServiceName, rec.ServiceTags = s.rec.Service, s.rec.Tags
	}
	if d.Interval > 0 {
		rec.Interval = d.Interval.String()
	}
	if d.Timeout > 0 {
		rec.Timeout = d.Timeout.String()
	}
	l.gen++
	c := &chk{def: d, rec: rec, fromConfig: fromConfig, gen: l.gen}
	if rec.Status == string(check.StatusCritical) {
		c.criticalSince = now
	}
	l.checks[d.ID] = c
	return c, true
}

func equalDefs(a, b check.Definition) bool { return reflect.DeepEqual(a, b) }

func (l *Local) checkIDs(serviceID string) []string {
	var ids []string
	for id, c := range l.checks {
		if c.def.ServiceID == serviceID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // only the matches: effects must not depend on map order
	return ids
}

// strays deregisters what the catalog holds for this node but the agent
// does not own: the repair for a deregistration whose sync was lost.
func (l *Local) strays(r *Remote) []events.Event {
	if r == nil {
		return nil
	}
	var out []events.Event
	for _, id := range slices.Sorted(slices.Values(r.Services)) {
		if _, ok := l.services[id]; !ok && !l.keep[id] {
			out = append(out, &events.CatalogDeregistered{Node: l.node.Node, ServiceId: id})
		}
	}
	for _, id := range slices.Sorted(slices.Values(r.Checks)) {
		if _, ok := l.checks[id]; !ok && !l.keep[id] {
			out = append(out, &events.CatalogDeregistered{Node: l.node.Node, CheckId: id})
		}
	}
	return out
}

// byService groups every check ID by its service ID ("" for node checks),
// each group in ID order: one pass for whole-state work (resync, persist).
func (l *Local) byService() map[string][]string {
	out := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(l.checks)) {
		sid := l.checks[id].def.ServiceID
		out[sid] = append(out[sid], id)
	}
	return out
}

// all is a full registration of everything, for anti-entropy.
func (l *Local) all() []events.Event {
	groups := l.byService()
	var out []events.Event
	node := &events.CatalogRegistered{Node: l.node}
	for _, id := range groups[""] {
		node.Checks = append(node.Checks, l.checks[id].rec)
	}
	out = append(out, node)
	for _, id := range slices.Sorted(maps.Keys(l.services)) {
		reg := &events.CatalogRegistered{Node: l.node, SkipNodeUpdate: true, Service: l.services[id].rec}
		for _, cid := range groups[id] {
			reg.Checks = append(reg.Checks, l.checks[cid].rec)
		}
		out = append(out, reg)
	}
	return out
}

func (l *Local) snapshot() Reply {
	var r Reply
	for _, id := range slices.Sorted(maps.Keys(l.services)) {
		r.Services = append(r.Services, l.services[id].rec)
	}
	for _, id := range slices.Sorted(maps.Keys(l.checks)) {
		r.Checks = append(r.Checks, l.checks[id].rec)
	}
	return r
}

func (l *Local) persist() Persist {
	groups := l.byService()
	var p Persist
	for _, id := range slices.Sorted(maps.Keys(l.services)) {
		s := l.services[id]
		if s.fromConfig {
			continue
		}
		reg := Registration{Service: s.rec}
		for _, cid := range groups[id] {
			reg.Checks = append(reg.Checks, l.checks[cid].def)
		}
		p.Services = append(p.Services, reg)
	}
	for _, id := range groups[""] {
		if c := l.checks[id]; !c.fromConfig {
			p.Checks = append(p.Checks, c.def)
		}
	}
	return p
}

func answer(to Answerer, err error) []Effect {
	if to == nil {
		return nil
	}
	return []Effect{Answer{to, Reply{Err: err}}}
}

func answerOK(to Answerer) []Effect { return answer(to, nil) }
