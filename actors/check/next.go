package check

import "math"

// Thresholds damp flapping (success_before_passing, failures_before_warning,
// failures_before_critical). Zero values make the status follow every
// result. FailuresBeforeWarning of zero means "same as
// FailuresBeforeCritical", as Consul defaults it, so no warning step is
// taken unless one is configured below the critical threshold.
type Thresholds struct {
	SuccessBeforePassing   int
	FailuresBeforeCritical int
	FailuresBeforeWarning  int
}

func (t Thresholds) withDefaults() Thresholds {
	if t.FailuresBeforeWarning == 0 {
		t.FailuresBeforeWarning = t.FailuresBeforeCritical
	}
	return t
}

// State is a check's visible status and output plus the consecutive
// success and failure counts the thresholds are measured against.
type State struct {
	Status Status
	Output string

	successes int
	failures  int
}

// NewState is a freshly registered check: initial is the definition's
// status, or critical if empty (Consul's default, so a service does not
// enter the pool before a probe vouches for it).
//
// Like Consul's agent, the counters start primed at the thresholds, so the
// first result is applied as it comes: a new check with
// success_before_passing = 3 turns passing on its first successful probe
// (hashicorp/nomad#9189 reports this observed behaviour). A State built as
// a literal starts with zero counts instead and honours the thresholds from
// the first result.
func NewState(initial Status, t Thresholds) State {
	if initial == "" {
		initial = StatusCritical
	}
	t = t.withDefaults()
	return State{
		Status:    initial,
		successes: max(t.SuccessBeforePassing, 0),
		failures:  max(t.FailuresBeforeCritical, 0),
	}
}

// Next folds one probe result into s under thresholds t and reports
// whether the visible part (Status, Output) changed, which is when the
// caller must record and publish it. Next is pure and total.
//
//   - A passing or warning result is a success: it resets the failure
//     count, and once SuccessBeforePassing consecutive successes are
//     reached the check takes the result's status and output.
//   - Any other result is a failure: it resets the success count; at
//     FailuresBeforeCritical consecutive failures the check turns critical,
//     else at FailuresBeforeWarning it turns warning, with the result's
//     output either way.
//   - Below a threshold nothing visible changes, not even the output.
func Next(s State, r Result, t Thresholds) (State, bool) {
	t = t.withDefaults()
	before := s
	if s.Status == "" {
		s.Status = StatusCritical
	}
	if r.Status.ok() {
		s.successes, s.failures = inc(s.successes), 0
		if s.successes >= t.SuccessBeforePassing {
			s.Status, s.Output = r.Status, r.Output
		}
	} else {
		s.failures, s.successes = inc(s.failures), 0
		switch {
		case s.failures >= t.FailuresBeforeCritical:
			s.Status, s.Output = StatusCritical, r.Output
		case s.failures >= t.FailuresBeforeWarning:
			s.Status, s.Output = StatusWarning, r.Output
		}
	}
	return s, s.Status != before.Status || s.Output != before.Output
}

// inc counts without overflowing: a check that has passed for years must
// not wrap around to a negative streak.
func inc(n int) int {
	if n >= math.MaxInt32 {
		return n
	}
	return n + 1
}
