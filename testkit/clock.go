package testkit

import (
	"fmt"
	"time"
)

// Epoch is the virtual instant every simulation starts at. It is fixed so
// that traces of the same seed are byte-identical across machines and days.
var Epoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

// Clock is a simulation's virtual clock. Only the Sim moves it, and only
// forwards: when it runs an event, the clock jumps to the event's time.
// Nothing in testkit reads the wall clock.
type Clock struct {
	now time.Time
}

// Now is the current virtual time.
func (c *Clock) Now() time.Time { return c.now }

// Elapsed is the virtual time since Epoch.
func (c *Clock) Elapsed() time.Duration { return c.now.Sub(Epoch) }

func (c *Clock) set(t time.Time) {
	if t.Before(c.now) {
		panic(fmt.Sprintf("testkit: clock moved backwards from %v to %v", c.now, t))
	}
	c.now = t
}

// stamp renders t as seconds since Epoch with microsecond precision, the
// time column of a trace.
func stamp(t time.Time) string {
	d := t.Sub(Epoch)
	return fmt.Sprintf("%4d.%06d", d/time.Second, (d%time.Second)/time.Microsecond)
}
