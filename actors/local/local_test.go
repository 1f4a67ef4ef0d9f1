package local

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/events"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type rec struct{ got []Reply }

func (r *rec) Answer(x Reply) { r.got = append(r.got, x) }

func newLocal() *Local {
	return New(&events.Node{Node: "n1", Address: "127.0.0.1"}, ScriptPolicy{})
}

func syncs(fx []Effect) []events.Event {
	var out []events.Event
	for _, f := range fx {
		if s, ok := f.(Sync); ok {
			out = append(out, s.Events...)
		}
	}
	return out
}

func count[T any](fx []Effect) int {
	n := 0
	for _, f := range fx {
		if _, ok := f.(T); ok {
			n++
		}
	}
	return n
}

func ttl(d time.Duration) check.Definition { return check.Definition{TTL: d} }

func TestAddServiceRegistersServiceAndChecksTogether(t *testing.T) {
	l := newLocal()
	r := &rec{}
	fx := do(l, AddService{Reply: r, Service: &events.Service{Service: "web", Port: 80},
		Checks: []check.Definition{ttl(time.Minute), {HTTP: "http://127.0.0.1:1/", Interval: time.Second}}, Now: t0})
	ev := syncs(fx)
	if len(ev) != 1 {
		t.Fatalf("syncs: %v", ev)
	}
	reg := ev[0].(*events.CatalogRegistered)
	if reg.Service.Id != "web" || len(reg.Checks) != 2 || reg.Checks[0].CheckId != "service:web:1" || reg.Checks[1].CheckId != "service:web:2" {
		t.Fatalf("registration: %v", reg)
	}
	if reg.Checks[0].Status != "critical" || reg.Checks[0].Name != "Service 'web' check" || reg.Checks[0].ServiceName != "web" {
		t.Fatalf("check defaults: %v", reg.Checks[0])
	}
	if count[StartCheck](fx) != 2 || count[Persist](fx) != 1 || len(r.got) != 1 || r.got[0].Err != nil {
		t.Fatalf("effects: %#v", fx)
	}
	// Registering the same again starts nothing new.
	fx = do(l, AddService{Service: &events.Service{Service: "web", Port: 80},
		Checks: []check.Definition{ttl(time.Minute), {HTTP: "http://127.0.0.1:1/", Interval: time.Second}}, Now: t0})
	if count[StartCheck](fx) != 0 {
		t.Fatalf("unchanged re-registration restarted checks: %#v", fx)
	}
}

func TestCheckResultsSyncOnlyChanges(t *testing.T) {
	l := newLocal()
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{ttl(time.Minute)}, Now: t0})
	fx := do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Output: "ok", Now: t0, Gen: l.checks["service:a"].gen})
	if ev := syncs(fx); len(ev) != 1 || ev[0].(*events.CheckStatusUpdated).Status != "passing" {
		t.Fatalf("first result: %v", ev)
	}
	if fx := do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Output: "ok", Now: t0, Gen: l.checks["service:a"].gen}); len(syncs(fx)) != 0 {
		t.Fatal("an unchanged result was synced")
	}
	if fx := do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Output: "still ok", Now: t0, Gen: l.checks["service:a"].gen}); len(syncs(fx)) != 0 {
		t.Fatal("an output-only change was synced at once")
	}
	all := syncs(do(l, Resync{}))
	if last := all[len(all)-1].(*events.CatalogRegistered); last.Checks[0].Output != "still ok" {
		t.Fatalf("resync lacks the latest output: %v", last)
	}
	r := &rec{}
	do(l, CheckResult{Reply: r, ID: "nope", Status: check.StatusPassing})
	if len(r.got) != 1 || !errors.Is(r.got[0].Err, ErrUnknownCheck) {
		t.Fatalf("unknown check: %v", r.got)
	}
}

func TestRemoveServiceStopsItsChecks(t *testing.T) {
	l := newLocal()
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{ttl(time.Minute)}, Now: t0})
	fx := do(l, RemoveService{ID: "a"})
	ev := syncs(fx)
	if count[StopCheck](fx) != 1 || len(ev) != 1 || ev[0].(*events.CatalogDeregistered).ServiceId != "a" {
		t.Fatalf("effects: %#v", fx)
	}
	if snap := l.snapshot(); len(snap.Services) != 0 || len(snap.Checks) != 0 {
		t.Fatalf("left behind: %+v", snap)
	}
	r := &rec{}
	do(l, RemoveService{Reply: r, ID: "a"})
	if !errors.Is(r.got[0].Err, ErrUnknownService) {
		t.Fatalf("second removal: %v", r.got)
	}
}

func TestScriptPolicy(t *testing.T) {
	script := check.Definition{Args: []string{"true"}, Interval: time.Second}
	for _, c := range []struct {
		name       string
		policy     ScriptPolicy
		fromConfig bool
		ok         bool
	}{
		{"off, api", ScriptPolicy{}, false, false},
		{"off, config", ScriptPolicy{}, true, false},
		{"local only, api", ScriptPolicy{Local: true}, false, false},
		{"local only, config", ScriptPolicy{Local: true}, true, true},
		{"remote, api", ScriptPolicy{Remote: true}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := New(&events.Node{Node: "n1"}, c.policy)
			r := &rec{}
			do(l, AddService{Reply: r, Service: &events.Service{Service: "s"}, Checks: []check.Definition{script}, FromConfig: c.fromConfig, Now: t0})
			if ok := r.got[0].Err == nil; ok != c.ok {
				t.Fatalf("allowed=%v, want %v (%v)", ok, c.ok, r.got[0].Err)
			}
			if !c.ok && len(l.snapshot().Services) != 0 {
				t.Fatal("a refused registration was stored")
			}
		})
	}
}

func TestReapRemovesLongCriticalServices(t *testing.T) {
	l := newLocal()
	d := ttl(time.Minute)
	d.DeregisterCriticalServiceAfter = 2 * time.Minute
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{d}, Now: t0})
	do(l, AddService{Service: &events.Service{Id: "b", Service: "b"}, Checks: []check.Definition{ttl(time.Minute)}, Now: t0})
	if fx := do(l, Reap{Now: t0.Add(119 * time.Second)}); len(fx) != 0 {
		t.Fatalf("reaped early: %#v", fx)
	}
	// Passing resets the clock.
	do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Now: t0.Add(time.Minute), Gen: l.checks["service:a"].gen})
	do(l, CheckResult{ID: "service:a", Status: check.StatusCritical, Now: t0.Add(90 * time.Second), Gen: l.checks["service:a"].gen})
	if fx := do(l, Reap{Now: t0.Add(200 * time.Second)}); len(fx) != 0 {
		t.Fatalf("reaped although critical only since 90s: %#v", fx)
	}
	fx := do(l, Reap{Now: t0.Add(210 * time.Second)})
	if ev := syncs(fx); len(ev) != 1 || ev[0].(*events.CatalogDeregistered).ServiceId != "a" {
		t.Fatalf("reap: %v", ev)
	}
	if snap := l.snapshot(); len(snap.Services) != 1 || snap.Services[0].Id != "b" {
		t.Fatalf("after reap: %+v", snap.Services)
	}
}

func TestMaintenanceAndReplaceConfig(t *testing.T) {
	l := newLocal()
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, FromConfig: true, Now: t0})
	do(l, AddService{Service: &events.Service{Id: "api", Service: "api"}, Now: t0})
	fx := do(l, Maintenance{ServiceID: "a", Enable: true, Reason: "r"})
	reg := syncs(fx)[0].(*events.CatalogRegistered)
	if reg.Checks[0].CheckId != "_service_maintenance:a" || reg.Checks[0].Status != "critical" || reg.Checks[0].Notes != "r" {
		t.Fatalf("maintenance: %v", reg)
	}
	// A reload without "a" removes it (and its maintenance check) but keeps
	// the API-registered "api".
	fx = do(l, ReplaceConfig{Services: []AddService{{Service: &events.Service{Id: "b", Service: "b"}}}})
	snap := l.snapshot()
	if len(snap.Services) != 2 || snap.Services[0].Id != "api" || snap.Services[1].Id != "b" || len(snap.Checks) != 0 {
		t.Fatalf("after reload: %+v %+v", snap.Services, snap.Checks)
	}
}

func TestRunnerTTL(t *testing.T) {
	r := NewRunner("c", ttl(10*time.Second), t0)
	if fx := r.Start(); len(fx) != 1 || fx[0].(ArmTTL).At != t0.Add(10*time.Second) {
		t.Fatalf("start: %#v", fx)
	}
	fx := r.Handle(Reported{Status: check.StatusPassing, Output: "ok", Now: t0.Add(time.Second)})
	if len(fx) != 2 || fx[1].(Report).Status != check.StatusPassing {
		t.Fatalf("report: %#v", fx)
	}
	if fx := r.Handle(TTLTick{Now: t0.Add(10 * time.Second)}); len(fx) != 0 {
		t.Fatalf("expired before its re-armed deadline: %#v", fx)
	}
	fx = r.Handle(TTLTick{Now: t0.Add(11 * time.Second)})
	if len(fx) != 1 || fx[0].(Report).Status != check.StatusCritical {
		t.Fatalf("expiry: %#v", fx)
	}
}

// do runs an input and performs its Answer effects, as the adapter does.
func do(l *Local, in any) []Effect {
	fx := l.Handle(in)
	for _, f := range fx {
		if a, ok := f.(Answer); ok {
			a.To.Answer(a.Reply)
		}
	}
	return fx
}

// A result from a runner that was replaced (changed definition) is dropped.
func TestStaleRunnerResultsAreDropped(t *testing.T) {
	l := newLocal()
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{ttl(time.Minute)}, Now: t0})
	old := l.checks["service:a"].gen
	fx := do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{ttl(2 * time.Minute)}, Now: t0})
	var start StartCheck
	for _, f := range fx {
		if s, ok := f.(StartCheck); ok {
			start = s
		}
	}
	if start.Gen == old || start.Gen == 0 {
		t.Fatalf("restart kept generation %d", old)
	}
	if fx := do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Now: t0, Gen: old}); len(syncs(fx)) != 0 {
		t.Fatal("a replaced runner's result was applied")
	}
	if fx := do(l, CheckResult{ID: "service:a", Status: check.StatusPassing, Now: t0, Gen: start.Gen}); len(syncs(fx)) != 1 {
		t.Fatal("the current runner's result was not applied")
	}
}

// A resync deregisters what the catalog holds for the node but the agent
// does not own, except what is kept (self-registration).
func TestResyncRemovesStrays(t *testing.T) {
	l := New(&events.Node{Node: "n1"}, ScriptPolicy{}, "serfHealth", "consul")
	do(l, AddService{Service: &events.Service{Id: "a", Service: "a"}, Checks: []check.Definition{ttl(time.Minute)}, Now: t0})
	fx := do(l, Resync{Remote: &Remote{Services: []string{"a", "gone", "consul"}, Checks: []string{"service:a", "_service_maintenance:a", "serfHealth"}}})
	var dereg []string
	for _, ev := range syncs(fx) {
		if d, ok := ev.(*events.CatalogDeregistered); ok {
			dereg = append(dereg, d.ServiceId+d.CheckId)
		}
	}
	if strings.Join(dereg, ",") != "gone,_service_maintenance:a" {
		t.Fatalf("deregistered %v", dereg)
	}
}
