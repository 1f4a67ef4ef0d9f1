package local

import (
	"time"

	"github.com/consuld/consuld/actors/check"
)

// Runner is the pure behaviour of one check's actor. Periodic checks feed
// it probe results; TTL checks feed it reports and expiry ticks. It emits a
// Report only when the visible status or output changed.
type Runner struct {
	id    string
	def   check.Definition
	st    check.State
	ttl   check.TTL
	isTTL bool
}

// Probed is one probe's result.
type Probed struct{ Result check.Result }

// Reported is a TTL status report (/v1/agent/check/pass|warn|fail|update).
type Reported struct {
	Status check.Status
	Output string
	Now    time.Time
}

// TTLTick fires at the TTL deadline.
type TTLTick struct{ Now time.Time }

// Report is the effect of a status change, for the agent-state actor.
type Report struct {
	ID     string
	Status check.Status
	Output string
}

// ArmTTL asks the adapter for a TTLTick at At.
type ArmTTL struct{ At time.Time }

// NewRunner starts a check's behaviour at now.
func NewRunner(id string, d check.Definition, now time.Time) *Runner {
	r := &Runner{id: id, def: d, st: check.NewState(d.InitialStatus(), d.Thresholds())}
	if k, _ := d.Kind(); k == check.KindTTL {
		r.isTTL = true
		r.ttl = check.NewTTL(d.TTL, d.OutputMaxSize, now)
	}
	return r
}

// Start is the first effect: arm the TTL clock if this is a TTL check.
func (r *Runner) Start() []Effect {
	if r.isTTL {
		return []Effect{ArmTTL{r.ttl.Deadline()}}
	}
	return nil
}

// Handle applies one input.
func (r *Runner) Handle(in any) []Effect {
	switch in := in.(type) {
	case Probed:
		return r.fold(in.Result)
	case Reported:
		if !r.isTTL {
			return nil
		}
		res := r.ttl.Update(in.Status, in.Output, in.Now)
		// A report sets the status as it is: TTL checks have no thresholds.
		changed := r.st.Status != res.Status || r.st.Output != res.Output
		r.st = check.NewState(res.Status, check.Thresholds{})
		r.st.Output = res.Output
		fx := []Effect{ArmTTL{r.ttl.Deadline()}}
		if changed {
			fx = append(fx, Report{r.id, res.Status, res.Output})
		}
		return fx
	case TTLTick:
		if !r.isTTL || !r.ttl.Expired(in.Now) {
			return nil
		}
		res := r.ttl.ExpiredResult()
		if r.st.Status == res.Status && r.st.Output == res.Output {
			return nil
		}
		r.st.Status, r.st.Output = res.Status, res.Output
		return []Effect{Report{r.id, res.Status, res.Output}}
	}
	return nil
}

func (r *Runner) fold(res check.Result) []Effect {
	next, changed := check.Next(r.st, res, r.def.Thresholds())
	r.st = next
	if !changed {
		return nil
	}
	return []Effect{Report{r.id, next.Status, next.Output}}
}
