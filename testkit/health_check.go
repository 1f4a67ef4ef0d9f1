package testkit

import (
	"bytes"
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

// Checkers of a HealthRun. Each states one property in terms of what the
// simulation observed (the inputs each runner handled and the reports it
// emitted, the agent's view after every input, the catalog after every
// log entry), independently of the code under test.

// TTLSlack bounds how late a TTL check may expire: its timer fires at the
// deadline and the tick waits at most a mailbox hop or two.
const TTLSlack = 50 * time.Millisecond

// at adds a problem observed at virtual time t; the message starts with
// t, so a seed's problems sort by when they happened.
func (p *Problems) at(t time.Time, format string, args ...any) {
	*p = append(*p, stamp(t)+" "+fmt.Sprintf(format, args...))
}

// CheckHealth runs every health checker.
func CheckHealth(r *HealthRun) Problems {
	var p Problems
	for _, c := range []func(*HealthRun) Problems{
		CheckHealthLiveness, CheckHysteresis, CheckTTLExpiry, CheckStatusChanges,
		CheckMaintenance, CheckAgreement, CheckReplay,
	} {
		p = append(p, c(r)...)
	}
	return p
}

// CheckHealthLiveness: the simulation drained, every registration was
// accepted, and every synced event was applied (or lost) in the end.
func CheckHealthLiveness(r *HealthRun) Problems {
	var p Problems
	if r.Err != nil {
		p.at(r.Sim.Now(), "liveness: %v", r.Err)
	}
	for _, in := range r.Inputs {
		if in.applied != in.Syncs {
			p.at(in.At, "liveness: input #%d %s: %d of %d synced events applied", in.K, in.What, in.applied, in.Syncs)
		}
		if in.Kind == "resync" && in.Syncs == 0 {
			p.at(in.At, "liveness: resync #%d synced nothing (it registers the node at least)", in.K)
		}
	}
	return p
}

// thresholds are a definition's flapping thresholds, with Consul's
// default for failures_before_warning (the same as for critical).
type thresholds struct{ sbp, fbc, fbw int }

func thresholdsOf(d check.Definition) thresholds {
	t := thresholds{max(d.SuccessBeforePassing, 0), max(d.FailuresBeforeCritical, 0), max(d.FailuresBeforeWarning, 0)}
	if t.fbw == 0 {
		t.fbw = t.fbc
	}
	return t
}

func (t thresholds) String() string {
	return fmt.Sprintf("success_before_passing=%d failures_before_critical=%d failures_before_warning=%d", t.sbp, t.fbc, t.fbw)
}

// success: Consul counts passing and warning results as successes.
func success(s check.Status) bool { return s == check.StatusPassing || s == check.StatusWarning }

func initialStatus(d check.Definition) check.Status {
	if d.Status == "" {
		return check.StatusCritical
	}
	return d.Status
}

// streak is the run of same-kind results a periodic check's result ends:
// its kind, and its length as the thresholds count it. Consul primes both
// counters at their thresholds when a check starts, so a run reaching back
// to the first result counts the threshold on top (a new check takes its
// first result as it comes; hashicorp/nomad#9189).
type streak struct {
	ok  bool
	len int
	eff int
}

func streaks(r *hrunner) []streak {
	t := thresholdsOf(r.def)
	out := make([]streak, len(r.hist))
	fromStart := true
	for j, x := range r.hist {
		s := streak{ok: success(x.In.Status), len: 1}
		if j > 0 && out[j-1].ok == s.ok {
			s.len = out[j-1].len + 1
		} else if j > 0 {
			fromStart = false
		}
		s.eff = s.len
		if fromStart && s.ok {
			s.eff += t.sbp
		} else if fromStart {
			s.eff += t.fbc
		}
		out[j] = s
	}
	return out
}

// wantAfter is what a periodic check shows after a result ending streak s,
// given what it showed before.
func wantAfter(vis check.Result, res check.Result, s streak, t thresholds) check.Result {
	switch {
	case s.ok && s.eff >= t.sbp:
		return res
	case !s.ok && s.eff >= t.fbc:
		return check.Result{Status: check.StatusCritical, Output: res.Output}
	case !s.ok && s.eff >= t.fbw:
		return check.Result{Status: check.StatusWarning, Output: res.Output}
	}
	return vis
}

func recentResults(r *hrunner, j int) string {
	var parts []string
	for i := max(0, j-5); i <= j; i++ {
		parts = append(parts, fmt.Sprintf("#%d %s", i, r.hist[i].In.Status))
	}
	return strings.Join(parts, ", ")
}

// CheckHysteresis (runner side): every result a periodic check's runner
// handled changed what it reports exactly as the thresholds say — the
// status turns critical only after FailuresBeforeCritical consecutive
// failures, warning only after FailuresBeforeWarning (when configured
// lower), and passing or warning only after SuccessBeforePassing
// consecutive successes (a warning result is a success); below a
// threshold nothing changes, not even the output; and the runner reports
// exactly when its visible status or output changed.
func CheckHysteresis(r *HealthRun) Problems {
	var p Problems
	for _, rn := range r.Runners {
		if !rn.started || rn.def.TTL > 0 {
			continue
		}
		t := thresholdsOf(rn.def)
		vis := check.Result{Status: initialStatus(rn.def)}
		ss := streaks(rn)
		for j, x := range rn.hist {
			if x.Kind != 'p' {
				p.at(x.At, "hysteresis: %s %s (periodic) handled a TTL input #%d", rn.name(), rn.id, j)
				continue
			}
			want := wantAfter(vis, x.In, ss[j], t)
			changed := want != vis
			where := fmt.Sprintf("hysteresis: %s %s result #%d (%s; streak %d; %s)", rn.name(), rn.id, j, recentResults(rn, j), ss[j].eff, t)
			switch {
			case changed && x.Report == nil:
				p.at(x.At, "%s: should turn from %s %q to %s %q, reported nothing", where, vis.Status, clip(vis.Output), want.Status, clip(want.Output))
			case !changed && x.Report != nil:
				p.at(x.At, "%s: reported %s %q below its threshold (shows %s)", where, x.Report.Status, clip(x.Report.Output), vis.Status)
			case changed && *x.Report != want:
				p.at(x.At, "%s: reported %s %q, want %s %q", where, x.Report.Status, clip(x.Report.Output), want.Status, clip(want.Output))
			}
			vis = want
		}
	}
	return p
}

// ttlCut is a reported output as a TTL check keeps it: cut to its
// output_max_size and marked the way Consul marks it.
func ttlCut(out string, limit int) string {
	if limit <= 0 {
		limit = check.DefaultOutputMaxSize
	}
	if len(out) > limit {
		return fmt.Sprintf("%s ... (captured %d of %d bytes)", out[:limit], limit, len(out))
	}
	return out
}

func (rn *hrunner) end() time.Time {
	if rn.mb.stopped {
		return rn.mb.stopAt
	}
	return rn.h.Sim.Now()
}

// CheckTTLExpiry: a TTL check's runner shows every report as it comes (no
// thresholds), and turns critical with output starting "TTL expired"
// (followed by the last report's output) exactly when no report arrived
// within TTL of the previous one (or of the check's start): never at a
// tick less than TTL after the last report, and always by TTLSlack after
// the deadline.
func CheckTTLExpiry(r *HealthRun) Problems {
	var p Problems
	for _, rn := range r.Runners {
		if !rn.started || rn.def.TTL <= 0 {
			continue
		}
		ttl := rn.def.TTL
		base, lastOut := rn.start, ""
		vis := check.Result{Status: initialStatus(rn.def)}
		gap := func(from, to time.Time) {
			deadline := from.Add(ttl)
			if to.Sub(from) <= ttl+TTLSlack {
				return
			}
			if !slices.ContainsFunc(rn.hist, func(x *hres) bool {
				return x.Kind == 't' && !x.At.Before(deadline) && !x.At.After(deadline.Add(TTLSlack))
			}) {
				p.at(deadline, "ttl: %s %s: no report from %s to %s (TTL %s), but no expiry at the deadline %s", rn.name(), rn.id, stamp(from), stamp(to), ttl, stamp(deadline))
			}
		}
		for j, x := range rn.hist {
			where := fmt.Sprintf("ttl: %s %s input #%d (last report %s, TTL %s)", rn.name(), rn.id, j, stamp(base), ttl)
			switch x.Kind {
			case 'r':
				gap(base, x.At)
				want := check.Result{Status: x.In.Status, Output: ttlCut(x.In.Output, rn.def.OutputMaxSize)}
				switch {
				case want != vis && x.Report == nil:
					p.at(x.At, "%s: report %s %q did not show", where, want.Status, clip(want.Output))
				case want == vis && x.Report != nil:
					p.at(x.At, "%s: reported %s %q, which it already showed", where, x.Report.Status, clip(x.Report.Output))
				case x.Report != nil && *x.Report != want:
					p.at(x.At, "%s: report %s %q shown as %s %q", where, want.Status, clip(want.Output), x.Report.Status, clip(x.Report.Output))
				}
				vis, base, lastOut = want, x.At, want.Output
			case 't':
				expired := !x.At.Before(base.Add(ttl))
				switch {
				case !expired && x.Report != nil:
					p.at(x.At, "%s: expired early, %s after the last report: %s %q", where, x.At.Sub(base), x.Report.Status, clip(x.Report.Output))
				case !expired:
				case x.Report == nil && !(vis.Status == check.StatusCritical && strings.HasPrefix(vis.Output, "TTL expired")):
					p.at(x.At, "%s: past its deadline, did not expire (shows %s %q)", where, vis.Status, clip(vis.Output))
				case x.Report != nil && (x.Report.Status != check.StatusCritical || !strings.HasPrefix(x.Report.Output, "TTL expired") || !strings.HasSuffix(x.Report.Output, lastOut)):
					p.at(x.At, "%s: expired as %s %q, want critical \"TTL expired...%s\"", where, x.Report.Status, clip(x.Report.Output), lastOut)
				}
				if x.Report != nil {
					vis = *x.Report
				}
			default:
				p.at(x.At, "%s: a TTL check handled a probe result", where)
			}
		}
		gap(base, rn.end())
	}
	return p
}

func maintCheckID(target string) string {
	if target == "" {
		return "_node_maintenance"
	}
	return "_service_maintenance:" + target
}

// CheckStatusChanges (catalog side): every change of a check's status in
// the catalog (and every new check record) comes from an input that
// explains it — a registration that (re)started the check at its initial
// status, a maintenance toggle for a maintenance check, or a result the
// check's current runner reported, where that result met the thresholds
// (periodic: critical after FailuresBeforeCritical consecutive failures,
// passing or warning after SuccessBeforePassing consecutive successes) or
// was a TTL report or an expiry at least TTL after the last report. With
// no lost proposals, a resync never changes a status (nothing was missed),
// and a reap only removes.
func CheckStatusChanges(r *HealthRun) Problems {
	var p Problems
	ss := map[*hrunner][]streak{}
	for _, e := range r.Entries {
		in := e.Input
		for _, ch := range e.Changes {
			if !ch.Has || (ch.Had && ch.Old == ch.New) {
				continue
			}
			where := fmt.Sprintf("status change: catalog %d: %s %s->%s (from #%d %s)", e.Index, ch.ID, orNew(ch), ch.New, in.K, in.What)
			switch in.Kind {
			case "add-service", "add-check":
				d, ok := in.Started[ch.ID]
				if !ok {
					p.at(e.At, "%s: a registration changed the status of a check it did not restart", where)
				} else if string(initialStatus(d)) != ch.New {
					p.at(e.At, "%s: a (re)started check must start at its initial status %s", where, initialStatus(d))
				}
			case "maint":
				if ch.ID != maintCheckID(in.MaintTarget) || !in.MaintEnable || ch.New != "critical" {
					p.at(e.At, "%s: a maintenance toggle may only add its critical maintenance check", where)
				}
			case "resync":
				if r.o.LoseSync == 0 {
					p.at(e.At, "%s: a resync changed a status with no proposal lost: the catalog had missed an update", where)
				} else if c := agentCheck(in.After, ch.ID); c == nil || c.Status != ch.New {
					p.at(e.At, "%s: a resync set a status the agent does not have", where)
				}
			case "reap":
				p.at(e.At, "%s: a reap may only remove", where)
			case "result":
				rn, j := in.Runner, in.Hist
				x := rn.hist[j]
				switch {
				case rn.id != ch.ID:
					p.at(e.At, "%s: changed by a result of %s %s", where, rn.name(), rn.id)
					continue
				case rn.stopK != 0 && rn.stopK < in.K:
					p.at(e.At, "%s: changed by result #%d of %s, which input #%d had already stopped (a stale report from a replaced runner)", where, j, rn.name(), rn.stopK)
				case x.Report == nil || string(x.Report.Status) != ch.New:
					p.at(e.At, "%s: %s result #%d reported %v", where, rn.name(), j, x.Report)
				case x.Report.Output != ch.Output:
					p.at(e.At, "%s: output %q, %s reported %q", where, clip(ch.Output), rn.name(), clip(x.Report.Output))
				}
				if rn.def.TTL > 0 {
					p = append(p, ttlChangeProblems(where, rn, j, ch)...)
					continue
				}
				if ss[rn] == nil {
					ss[rn] = streaks(rn)
				}
				s, t := ss[rn][j], thresholdsOf(rn.def)
				ok := false
				switch check.Status(ch.New) {
				case check.StatusCritical:
					ok = !s.ok && s.eff >= t.fbc
				case check.StatusWarning:
					ok = (s.ok && s.eff >= t.sbp && x.In.Status == check.StatusWarning) || (!s.ok && s.eff >= t.fbw)
				case check.StatusPassing:
					ok = s.ok && s.eff >= t.sbp && x.In.Status == check.StatusPassing
				}
				if !ok {
					p.at(e.At, "%s: result #%d of %s ends a streak of %d (%s) — below the threshold (%s)", where, j, rn.name(), s.eff, recentResults(rn, j), t)
				}
			default:
				p.at(e.At, "%s: unexpected cause", where)
			}
		}
	}
	return p
}

func orNew(ch hchange) string {
	if !ch.Had {
		return "(new)"
	}
	return ch.Old
}

func ttlChangeProblems(where string, rn *hrunner, j int, ch hchange) Problems {
	var p Problems
	x := rn.hist[j]
	base := rn.start
	for i := j - 1; i >= 0; i-- {
		if rn.hist[i].Kind == 'r' {
			base = rn.hist[i].At
			break
		}
	}
	switch x.Kind {
	case 't':
		if ch.New != "critical" || !strings.HasPrefix(ch.Output, "TTL expired") {
			p.at(x.At, "%s: an expiry must show critical \"TTL expired...\", got %q", where, clip(ch.Output))
		}
		if x.At.Sub(base) < rn.def.TTL {
			p.at(x.At, "%s: expired %s after the last report at %s, TTL %s", where, x.At.Sub(base), stamp(base), rn.def.TTL)
		}
	case 'r':
		if ch.New != string(x.In.Status) {
			p.at(x.At, "%s: report was %s", where, x.In.Status)
		}
	}
	return p
}

func agentCheck(rep local.Reply, id string) *events.Check {
	for _, c := range rep.Checks {
		if c.CheckId == id {
			return c
		}
	}
	return nil
}

// passingInstances is a "passing instances of name" query against the
// catalog (Consul's /v1/health/service/:name?passing): the instances whose
// own checks and whose node's checks are all passing, as node/ID.
func passingInstances(s *catalog.State, name string) []string {
	var out []string
	s.Instances(name, func(v *events.Service) bool {
		ok := true
		s.NodeChecks(v.Node, func(c *events.Check) bool {
			if (c.ServiceId == "" || c.ServiceId == v.Id) && c.Status != catalog.StatusPassing {
				ok = false
			}
			return ok
		})
		if ok {
			out = append(out, v.Node+"/"+v.Id)
		}
		return true
	})
	return out
}

// checkedBoundary reports whether the catalog once in's syncs were applied
// must agree with the agent's view after in: always with no lost
// proposals; with losses, only once a resync (all of it applied) has
// repaired them.
func (r *HealthRun) checkedBoundary(in *HealthInput) bool {
	if !in.Done() {
		return false
	}
	return r.o.LoseSync == 0 || (in.Kind == "resync" && in.Lost == 0)
}

// CheckMaintenance: the agent holds a maintenance check exactly for the
// node and services whose maintenance the toggles turned on (and the
// agent accepted); while the node or a service is in maintenance, the
// instance is not among the catalog's passing instances of its service,
// and once maintenance is lifted an instance whose checks all pass is back
// — at every point where the catalog must agree with the agent.
func CheckMaintenance(r *HealthRun) Problems {
	var p Problems
	for _, in := range r.Inputs {
		var want, got []string
		for _, k := range in.Maint {
			if k == "node" {
				k = ""
			}
			want = append(want, maintCheckID(k))
		}
		for _, c := range in.After.Checks {
			if strings.HasPrefix(c.CheckId, "_") {
				got = append(got, c.CheckId)
			}
		}
		slices.Sort(want)
		if !slices.Equal(want, got) {
			p.at(in.At, "maintenance: after #%d %s the agent has maintenance checks %q, the toggles say %q", in.K, in.What, got, want)
		}
		if !r.checkedBoundary(in) {
			continue
		}
		for _, s := range in.After.Services {
			on := slices.Contains(in.Maint, "node") || slices.Contains(in.Maint, s.Id)
			allPass := true
			for _, c := range in.After.Checks {
				if (c.ServiceId == "" || c.ServiceId == s.Id) && c.Status != catalog.StatusPassing {
					allPass = false
				}
			}
			listed := slices.Contains(passingInstances(in.Boundary, s.Service), healthNode+"/"+s.Id)
			where := fmt.Sprintf("maintenance: catalog at %d, after #%d %s", in.Boundary.Applied(), in.K, in.What)
			switch {
			case on && listed:
				p.at(in.At, "%s: %s is in maintenance (%q) but listed as a passing instance", where, s.Id, in.Maint)
			case !on && allPass && !listed:
				p.at(in.At, "%s: %s is out of maintenance with every check passing, but not listed as a passing instance (catalog checks: %s)", where, s.Id, catalogChecks(in.Boundary))
			}
		}
	}
	return p
}

func catalogChecks(s *catalog.State) string {
	var parts []string
	s.NodeChecks(healthNode, func(c *events.Check) bool {
		parts = append(parts, c.CheckId+"="+c.Status)
		return true
	})
	return strings.Join(parts, " ")
}

// CheckAgreement: the catalog agrees with the agent's own view.
//   - Once a resync has been applied (all of it), exactly: the same
//     services and the same checks with equal records — status, output,
//     name, notes, service, type, interval.
//   - With no lost proposals, after every input's syncs: the same services
//     and checks with the same statuses (outputs may wait for a resync).
//   - At the end, the agent shows for every check what its live runner
//     last reported, and runs a runner for exactly its checks other than
//     maintenance.
func CheckAgreement(r *HealthRun) Problems {
	var p Problems
	for _, in := range r.Inputs {
		if !r.checkedBoundary(in) {
			continue
		}
		full := in.Kind == "resync" && in.Lost == 0
		for _, d := range agentDiff(in.Boundary, in.After, full) {
			p.at(in.At, "agreement: catalog at %d vs agent after #%d %s: %s", in.Boundary.Applied(), in.K, in.What, d)
		}
	}
	if n := len(r.Inputs); n == 0 || !r.Inputs[n-1].Final || !r.Inputs[n-1].Done() {
		p.at(r.Sim.Now(), "agreement: the run did not end with a complete resync")
	}
	if len(r.Inputs) == 0 {
		return p
	}
	final := r.Inputs[len(r.Inputs)-1].After
	var want []string
	for _, c := range final.Checks {
		if strings.HasPrefix(c.CheckId, "_") {
			continue
		}
		want = append(want, c.CheckId)
		rn, ok := r.live[c.CheckId]
		if !ok {
			p.at(r.Sim.Now(), "agreement: at the end the agent has check %s but no runner for it", c.CheckId)
			continue
		}
		if c.Status != string(rn.visible.Status) || c.Output != rn.visible.Output {
			p.at(r.Sim.Now(), "agreement: at the end the agent shows %s as %s %q, its runner %s last reported %s %q", c.CheckId, c.Status, clip(c.Output), rn.name(), rn.visible.Status, clip(rn.visible.Output))
		}
	}
	var running []string
	for id, rn := range r.live {
		if !rn.mb.stopped {
			running = append(running, id)
		}
	}
	slices.Sort(running)
	if !slices.Equal(want, running) {
		p.at(r.Sim.Now(), "agreement: at the end runners run %q, the agent has checks %q", running, want)
	}
	return p
}

// agentDiff compares the catalog's records of the node with the agent's.
func agentDiff(s *catalog.State, rep local.Reply, full bool) []string {
	var d []string
	cat := map[string]*events.Check{}
	s.NodeChecks(healthNode, func(c *events.Check) bool { cat[c.CheckId] = c; return true })
	for _, a := range rep.Checks {
		c, ok := cat[a.CheckId]
		delete(cat, a.CheckId)
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("the catalog lacks check %s (%s)", a.CheckId, a.Status))
		case c.Status != a.Status:
			d = append(d, fmt.Sprintf("check %s is %s in the catalog, %s in the agent", a.CheckId, c.Status, a.Status))
		case full && c.Output != a.Output:
			d = append(d, fmt.Sprintf("check %s output %q in the catalog, %q in the agent", a.CheckId, clip(c.Output), clip(a.Output)))
		case full && (c.Name != a.Name || c.Notes != a.Notes || c.ServiceId != a.ServiceId || c.ServiceName != a.ServiceName ||
			c.Type != a.Type || c.Interval != a.Interval || c.Timeout != a.Timeout || !slices.Equal(c.ServiceTags, a.ServiceTags)):
			d = append(d, fmt.Sprintf("check %s is %v in the catalog, %v in the agent", a.CheckId, c, a))
		}
	}
	for _, id := range sortedKeys(cat) {
		d = append(d, fmt.Sprintf("the catalog has check %s (%s), which the agent does not", id, cat[id].Status))
	}
	svc := map[string]*events.Service{}
	s.NodeServices(healthNode, func(v *events.Service) bool { svc[v.Id] = v; return true })
	for _, a := range rep.Services {
		v, ok := svc[a.Id]
		delete(svc, a.Id)
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("the catalog lacks service %s", a.Id))
		case full && (v.Service != a.Service || v.Port != a.Port || !slices.Equal(v.Tags, a.Tags)):
			d = append(d, fmt.Sprintf("service %s is %v in the catalog, %v in the agent", a.Id, v, a))
		}
	}
	for _, id := range sortedKeys(svc) {
		d = append(d, fmt.Sprintf("the catalog has service %s, which the agent does not", id))
	}
	if _, ok := s.Node(healthNode); full && !ok {
		d = append(d, "the catalog lacks the node")
	}
	return d
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// CheckReplay: the recorded log replays from index 1 into an empty catalog
// to exactly the live state — with one Txn per entry, compared at every
// resync, and with the whole log in one Txn, compared at the end — with
// the same outcome for every entry; and the live state survives a
// snapshot round trip.
func CheckReplay(r *HealthRun) Problems {
	var p Problems
	names := slices.Clone(healthServiceNames)
	at := map[uint64]*catalog.State{}
	for _, in := range r.Inputs {
		if in.Kind == "resync" && in.Done() {
			at[in.Boundary.Applied()] = in.Boundary
		}
	}
	s := catalog.Empty()
	batch := catalog.Empty().Txn()
	for i, e := range r.Entries {
		if e.Index != uint64(i+1) {
			p.at(e.At, "replay: entry %d has index %d", i+1, e.Index)
		}
		ev, err := events.Decode(e.Data)
		if err != nil {
			p.at(e.At, "replay: entry %d: %v", e.Index, err)
			continue
		}
		txn := s.Txn()
		if o := txn.Apply(e.Index, ev); o != e.Outcome {
			p.at(e.At, "replay: entry %d %s: %s, live %s", e.Index, describeCatalogEvent(ev), o, e.Outcome)
		}
		s = txn.Commit()
		ev2, _ := events.Decode(e.Data)
		batch.Apply(e.Index, ev2)
		if live, ok := at[e.Index]; ok {
			for _, d := range diffCatalog(live, s, names) {
				p.at(e.At, "replay: at %d (a resync) live vs replayed: %s", e.Index, d)
			}
		}
	}
	for _, d := range diffCatalog(r.State, batch.Commit(), names) {
		p.at(r.Sim.Now(), "replay: final live vs replayed in one batch: %s", d)
	}
	var buf bytes.Buffer
	if err := catalog.WriteSnapshot(&buf, r.State); err != nil {
		p.at(r.Sim.Now(), "replay: snapshot: %v", err)
	} else if back, err := catalog.ReadSnapshot(&buf); err != nil {
		p.at(r.Sim.Now(), "replay: snapshot: %v", err)
	} else {
		for _, d := range diffCatalog(r.State, back, names) {
			p.at(r.Sim.Now(), "replay: live vs snapshot round trip: %s", d)
		}
	}
	if len(p) > 25 {
		p = p[:25]
	}
	return p
}

// diffCatalog compares two catalog states completely through the read
// API: Applied, the table indexes, every node, service and check (listings
// and point lookups), the per-name indexes and listings of every service
// name either knows (plus names) and of every node, and ServiceNames.
func diffCatalog(a, b *catalog.State, names []string) []string {
	var d []string
	num := func(what string, x, y uint64) {
		if x != y {
			d = append(d, fmt.Sprintf("%s %d != %d", what, x, y))
		}
	}
	num("Applied", a.Applied(), b.Applied())
	num("NodesIndex", a.NodesIndex(), b.NodesIndex())
	num("ServicesIndex", a.ServicesIndex(), b.ServicesIndex())
	num("ChecksIndex", a.ChecksIndex(), b.ChecksIndex())
	list := func(what string, x, y []proto.Message) {
		if len(x) != len(y) {
			d = append(d, fmt.Sprintf("%s: %d != %d records", what, len(x), len(y)))
		}
		for i := range min(len(x), len(y)) {
			if !proto.Equal(x[i], y[i]) {
				d = append(d, fmt.Sprintf("%s[%d]: %v != %v", what, i, x[i], y[i]))
			}
		}
	}
	nodes := func(s *catalog.State) (out []proto.Message) {
		s.Nodes(func(n *events.Node) bool { out = append(out, n); return true })
		return out
	}
	services := func(s *catalog.State) (out []proto.Message) {
		s.Services(func(v *events.Service) bool { out = append(out, v); return true })
		return out
	}
	checks := func(s *catalog.State) (out []proto.Message) {
		s.Checks(func(c *events.Check) bool { out = append(out, c); return true })
		return out
	}
	na, nb := nodes(a), nodes(b)
	sa, sb := services(a), services(b)
	ca, cb := checks(a), checks(b)
	list("Nodes", na, nb)
	list("Services", sa, sb)
	list("Checks", ca, cb)
	lookup := func(what string, x proto.Message, okx bool, y proto.Message, oky bool) {
		if okx != oky || (okx && !proto.Equal(x, y)) {
			d = append(d, fmt.Sprintf("%s: %v (%v) != %v (%v)", what, x, okx, y, oky))
		}
	}
	nodeNames := []string{healthNode}
	for _, n := range slices.Concat(na, nb) {
		nodeNames = append(nodeNames, n.(*events.Node).Node)
	}
	for _, v := range slices.Concat(sa, sb) {
		v := v.(*events.Service)
		names = append(names, v.Service)
		x, okx := a.Service(v.Node, v.Id)
		y, oky := b.Service(v.Node, v.Id)
		lookup(fmt.Sprintf("Service(%s, %s)", v.Node, v.Id), x, okx, y, oky)
	}
	for _, c := range slices.Concat(ca, cb) {
		c := c.(*events.Check)
		x, okx := a.Check(c.Node, c.CheckId)
		y, oky := b.Check(c.Node, c.CheckId)
		lookup(fmt.Sprintf("Check(%s, %s)", c.Node, c.CheckId), x, okx, y, oky)
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		num(fmt.Sprintf("ServiceIndex(%s)", n), a.ServiceIndex(n), b.ServiceIndex(n))
		inst := func(s *catalog.State) (out []proto.Message) {
			s.Instances(n, func(v *events.Service) bool { out = append(out, v); return true })
			return out
		}
		list(fmt.Sprintf("Instances(%s)", n), inst(a), inst(b))
		if x, y := passingInstances(a, n), passingInstances(b, n); !slices.Equal(x, y) {
			d = append(d, fmt.Sprintf("passing instances of %s: %q != %q", n, x, y))
		}
	}
	slices.Sort(nodeNames)
	for _, n := range slices.Compact(nodeNames) {
		num(fmt.Sprintf("NodeIndex(%s)", n), a.NodeIndex(n), b.NodeIndex(n))
		x, okx := a.Node(n)
		y, oky := b.Node(n)
		lookup(fmt.Sprintf("Node(%s)", n), x, okx, y, oky)
		ns := func(s *catalog.State) (out []proto.Message) {
			s.NodeServices(n, func(v *events.Service) bool { out = append(out, v); return true })
			return out
		}
		nc := func(s *catalog.State) (out []proto.Message) {
			s.NodeChecks(n, func(c *events.Check) bool { out = append(out, c); return true })
			return out
		}
		list(fmt.Sprintf("NodeServices(%s)", n), ns(a), ns(b))
		list(fmt.Sprintf("NodeChecks(%s)", n), nc(a), nc(b))
	}
	sn := func(s *catalog.State) (out []string) {
		s.ServiceNames(func(n string) bool { out = append(out, n); return true })
		return out
	}
	if x, y := sn(a), sn(b); !slices.Equal(x, y) {
		d = append(d, fmt.Sprintf("ServiceNames %q != %q", x, y))
	}
	slices.Sort(d)
	return slices.Compact(d)
}

// HealthStats summarise what a run exercised.
type HealthStats struct {
	Results   int // probe results, TTL reports and ticks the runners handled
	Reports   int // of which changed what the check shows
	Held      int // results that disagreed with the status but were held back by a threshold
	Expiries  int // TTL expiries
	Restarts  int // runners replaced by a changed definition
	Stale     int // results of a stopped runner that reached the agent
	Maint     int // maintenance toggles accepted
	Reaped    int // services deregistered by a reap
	Changes   int // status changes in the catalog
	Lost      int // sync proposals lost
	Entries   int
	Resyncs   int
	Truncated int // TTL reports cut to output_max_size
}

// Stats computes the run's HealthStats.
func (r *HealthRun) Stats() HealthStats {
	var s HealthStats
	for _, rn := range r.Runners {
		vis := check.Result{Status: initialStatus(rn.def)}
		for _, x := range rn.hist {
			s.Results++
			if x.Report != nil {
				s.Reports++
			}
			if x.Kind == 'p' && x.Report == nil && success(x.In.Status) != success(vis.Status) {
				s.Held++
			}
			if x.Kind == 't' && x.Report != nil {
				s.Expiries++
			}
			if x.Kind == 'r' && len(x.In.Output) > rn.def.OutputMaxSize && rn.def.OutputMaxSize > 0 {
				s.Truncated++
			}
			vis = x.Vis
		}
	}
	for _, in := range r.Inputs {
		switch in.Kind {
		case "result":
			if in.Runner.stopK != 0 && in.Runner.stopK < in.K {
				s.Stale++
			}
		case "maint":
			if in.Err == nil {
				s.Maint++
			}
		case "reap":
			for _, id := range in.Stopped {
				if !strings.HasPrefix(id, "_") {
					s.Reaped++
					break
				}
			}
		case "resync":
			s.Resyncs++
		case "add-service", "add-check":
			for id := range in.Started {
				if slices.ContainsFunc(r.Runners, func(rn *hrunner) bool { return rn.id == id && rn.stopK == in.K }) {
					s.Restarts++
				}
			}
		}
	}
	for _, e := range r.Entries {
		for _, c := range e.Changes {
			if c.Had && c.Has && c.Old != c.New {
				s.Changes++
			}
		}
	}
	s.Lost, s.Entries = len(r.Lost), len(r.Entries)
	return s
}

func (s HealthStats) String() string {
	return fmt.Sprintf("%d results (%d reports, %d held by thresholds, %d expiries, %d truncated), %d restarts, %d stale results, %d maintenance toggles, %d reaped, %d catalog status changes, %d entries, %d lost, %d resyncs",
		s.Results, s.Reports, s.Held, s.Expiries, s.Truncated, s.Restarts, s.Stale, s.Maint, s.Reaped, s.Changes, s.Entries, s.Lost, s.Resyncs)
}
