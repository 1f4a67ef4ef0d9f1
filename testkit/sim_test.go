package testkit

import (
	"slices"
	"testing"
	"time"
)

// TestSimRunsInVirtualTimeOrder: events run in time order with the clock
// at their time, Advance stops at its horizon, and the order of events due
// at one instant is fixed by the seed.
func TestSimRunsInVirtualTimeOrder(t *testing.T) {
	order := func(seed int64) []int {
		s := &Sim{Seed: seed}
		var got []int
		for i := range 8 {
			s.After(time.Second, "", func() { got = append(got, i) }) // all due at once
		}
		s.After(2*time.Second, "", func() { got = append(got, 100) })
		s.After(500*time.Millisecond, "", func() {
			if s.Now() != Epoch.Add(500*time.Millisecond) {
				t.Errorf("clock at %v inside an event due at +500ms", s.Now())
			}
			got = append(got, -1)
		})
		s.Advance(1500 * time.Millisecond)
		if s.Now() != Epoch.Add(1500*time.Millisecond) || s.Pending() != 1 {
			t.Fatalf("after Advance: clock %v, %d pending", s.Now(), s.Pending())
		}
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		if got[0] != -1 || got[len(got)-1] != 100 {
			t.Fatalf("out of time order: %v", got)
		}
		return got[1:9]
	}
	if a, b := order(7), order(7); !slices.Equal(a, b) {
		t.Fatalf("seed 7 ordered same-time events %v, then %v", a, b)
	}
	differs := false
	for seed := int64(1); seed < 20 && !differs; seed++ {
		differs = !slices.Equal(order(seed), order(seed+1))
	}
	if !differs {
		t.Fatal("every seed orders same-time events alike: ties are not seeded")
	}
}

func TestSimPastEventsRunNow(t *testing.T) {
	s := &Sim{Seed: 1}
	s.Advance(time.Second)
	ran := time.Time{}
	s.At(Epoch, "", func() { ran = s.Now() })
	s.Run()
	if ran != Epoch.Add(time.Second) {
		t.Fatalf("an event scheduled in the past ran at %v, want now", ran)
	}
}
