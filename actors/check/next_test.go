package check

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

func res(s Status, out string) Result { return Result{Status: s, Output: out} }

var (
	pass = res(StatusPassing, "ok")
	warn = res(StatusWarning, "slow")
	fail = res(StatusCritical, "down")
)

func TestNext(t *testing.T) {
	type step struct {
		in      Result
		status  Status
		output  string
		changed bool
	}
	cases := []struct {
		name    string
		initial Status
		strict  bool // start from a literal State (zero counters), not NewState
		th      Thresholds
		steps   []step
	}{
		{
			name: "no thresholds: the status follows every result",
			steps: []step{
				{pass, StatusPassing, "ok", true},
				{warn, StatusWarning, "slow", true},
				{fail, StatusCritical, "down", true},
				{fail, StatusCritical, "down", false},
				{res(StatusCritical, "down again"), StatusCritical, "down again", true},
			},
		},
		{
			name: "a new check applies its first result at once, like Consul",
			th:   Thresholds{SuccessBeforePassing: 3},
			steps: []step{
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name: "success_before_passing after a failure",
			th:   Thresholds{SuccessBeforePassing: 3},
			steps: []step{
				{fail, StatusCritical, "down", true},
				{pass, StatusCritical, "down", false},
				{pass, StatusCritical, "down", false},
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name: "a failure resets the success streak",
			th:   Thresholds{SuccessBeforePassing: 2},
			steps: []step{
				{fail, StatusCritical, "down", true},
				{pass, StatusCritical, "down", false},
				{fail, StatusCritical, "down", false},
				{pass, StatusCritical, "down", false},
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name: "warning counts as a success",
			th:   Thresholds{SuccessBeforePassing: 2},
			steps: []step{
				{fail, StatusCritical, "down", true},
				{warn, StatusCritical, "down", false},
				{warn, StatusWarning, "slow", true},
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name:    "failures_before_critical from an initial passing",
			initial: StatusPassing,
			th:      Thresholds{FailuresBeforeCritical: 3},
			steps: []step{
				{pass, StatusPassing, "ok", true},
				{fail, StatusPassing, "ok", false},
				{fail, StatusPassing, "ok", false},
				{fail, StatusCritical, "down", true},
				{fail, StatusCritical, "down", false},
			},
		},
		{
			name: "failures_before_warning steps through warning",
			th:   Thresholds{FailuresBeforeWarning: 1, FailuresBeforeCritical: 3},
			steps: []step{
				{pass, StatusPassing, "ok", true},
				{fail, StatusWarning, "down", true},
				{res(StatusCritical, "still down"), StatusWarning, "still down", true},
				{fail, StatusCritical, "down", true},
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name: "failures_before_warning unset defaults to failures_before_critical",
			th:   Thresholds{FailuresBeforeCritical: 2},
			steps: []step{
				{pass, StatusPassing, "ok", true},
				{fail, StatusPassing, "ok", false},
				{fail, StatusCritical, "down", true},
			},
		},
		{
			name: "a result that is neither passing nor warning is a failure",
			steps: []step{
				{pass, StatusPassing, "ok", true},
				{res(StatusMaintenance, "m"), StatusCritical, "m", true},
				{res("", "?"), StatusCritical, "?", true},
			},
		},
		{
			name:   "a literal State honours the thresholds from the first result",
			strict: true, initial: StatusCritical,
			th: Thresholds{SuccessBeforePassing: 2},
			steps: []step{
				{pass, StatusCritical, "", false},
				{pass, StatusPassing, "ok", true},
			},
		},
		{
			name:    "initial warning is kept until a result lands",
			initial: StatusWarning,
			th:      Thresholds{SuccessBeforePassing: 1},
			steps: []step{
				{fail, StatusCritical, "down", true},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewState(tc.initial, tc.th)
			if tc.strict {
				s = State{Status: tc.initial}
			}
			want := tc.initial
			if want == "" {
				want = StatusCritical
			}
			if s.Status != want {
				t.Fatalf("initial status %q, want %q", s.Status, want)
			}
			for i, st := range tc.steps {
				var changed bool
				s, changed = Next(s, st.in, tc.th)
				if s.Status != st.status || s.Output != st.output || changed != st.changed {
					t.Fatalf("step %d (%v): got %q %q changed=%v, want %q %q changed=%v",
						i, st.in, s.Status, s.Output, changed, st.status, st.output, st.changed)
				}
			}
		})
	}
}

func TestNewStateDefaultsToCritical(t *testing.T) {
	if s := NewState("", Thresholds{}); s.Status != StatusCritical || s.Output != "" {
		t.Fatalf("NewState: %+v", s)
	}
}

func drawResult(t *rapid.T, label string) Result {
	s := rapid.SampledFrom([]Status{StatusPassing, StatusWarning, StatusCritical}).Draw(t, label+".status")
	return Result{Status: s, Output: fmt.Sprintf("%s-%d", s, rapid.IntRange(0, 2).Draw(t, label+".output"))}
}

func drawThresholds(t *rapid.T) Thresholds {
	crit := rapid.IntRange(0, 5).Draw(t, "failures_before_critical")
	return Thresholds{
		SuccessBeforePassing:   rapid.IntRange(0, 5).Draw(t, "success_before_passing"),
		FailuresBeforeCritical: crit,
		FailuresBeforeWarning:  rapid.IntRange(0, crit).Draw(t, "failures_before_warning"),
	}
}

// TestNextFollowsResultsWithoutThresholds: with zero thresholds the check
// is always exactly its last result.
func TestNextFollowsResultsWithoutThresholds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		initial := rapid.SampledFrom([]Status{"", StatusPassing, StatusWarning, StatusCritical}).Draw(t, "initial")
		s := NewState(initial, Thresholds{})
		for i := range rapid.IntRange(1, 30).Draw(t, "n") {
			r := drawResult(t, fmt.Sprint("r", i))
			s, _ = Next(s, r, Thresholds{})
			if s.Status != r.Status || s.Output != r.Output {
				t.Fatalf("step %d: state %q %q, result %v", i, s.Status, s.Output, r)
			}
		}
	})
}

// TestNextHysteresis: once the first streak is broken, a check only turns critical
// after FailuresBeforeCritical consecutive failures, only turns warning on
// a failure after FailuresBeforeWarning consecutive failures, and only
// turns passing after SuccessBeforePassing consecutive successes; enough
// consecutive results always get it there; changed reports exactly a
// visible change; the status is always a valid one.
func TestNextHysteresis(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		th := drawThresholds(t)
		initial := rapid.SampledFrom([]Status{"", StatusPassing, StatusWarning, StatusCritical}).Draw(t, "initial")
		s := NewState(initial, th)
		var history []Result
		for i := range rapid.IntRange(1, 40).Draw(t, "n") {
			r := drawResult(t, fmt.Sprint("r", i))
			history = append(history, r)
			prev := s
			var changed bool
			s, changed = Next(s, r, th)

			if !s.Status.Valid() {
				t.Fatalf("step %d: invalid status %q", i, s.Status)
			}
			if changed != (s.Status != prev.Status || s.Output != prev.Output) {
				t.Fatalf("step %d: changed=%v but %q %q -> %q %q", i, changed, prev.Status, prev.Output, s.Status, s.Output)
			}
			failures, successes := streak(history)
			// NewState primes the counters, so a streak reaching back to the
			// first result is already past its threshold.
			primed := failures == len(history) || successes == len(history)
			if s.Status != prev.Status && !primed {
				switch {
				case s.Status == StatusCritical && failures < max(th.FailuresBeforeCritical, 1):
					t.Fatalf("step %d: critical after %d consecutive failures, threshold %d", i, failures, th.FailuresBeforeCritical)
				case s.Status == StatusPassing && successes < max(th.SuccessBeforePassing, 1):
					t.Fatalf("step %d: passing after %d consecutive successes, threshold %d", i, successes, th.SuccessBeforePassing)
				case !r.Status.ok() && s.Status == StatusWarning && failures < max(th.FailuresBeforeWarning, 1):
					t.Fatalf("step %d: warning after %d consecutive failures, threshold %d", i, failures, th.FailuresBeforeWarning)
				}
			}
			if failures >= max(th.FailuresBeforeCritical, 1) && s.Status != StatusCritical {
				t.Fatalf("step %d: %d consecutive failures (threshold %d) but %q", i, failures, th.FailuresBeforeCritical, s.Status)
			}
			if successes >= max(th.SuccessBeforePassing, 1) && (s.Status != r.Status || s.Output != r.Output) {
				t.Fatalf("step %d: %d consecutive successes (threshold %d) but %q %q, result %v", i, successes, th.SuccessBeforePassing, s.Status, s.Output, r)
			}
		}
	})
}

// streak counts the consecutive failures and successes ending history.
func streak(history []Result) (failures, successes int) {
	for i := len(history) - 1; i >= 0 && !history[i].Status.ok(); i-- {
		failures++
	}
	for i := len(history) - 1; i >= 0 && history[i].Status.ok(); i-- {
		successes++
	}
	return failures, successes
}
