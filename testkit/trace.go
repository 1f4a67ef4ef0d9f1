package testkit

import (
	"strings"
)

// Trace is the transcript of one simulation: one line per delivery and per
// decision (fault dice, commits, replies), each stamped with virtual time.
// It contains no pointers, map-ordered output or wall-clock values, so two
// runs of one seed produce byte-identical traces; the determinism test
// relies on that.
type Trace struct {
	b     strings.Builder
	lines int
}

func (t *Trace) add(at, line string) {
	t.b.WriteString(at)
	t.b.WriteByte(' ')
	t.b.WriteString(line)
	t.b.WriteByte('\n')
	t.lines++
}

// String is the whole trace.
func (t *Trace) String() string { return t.b.String() }

// Lines is the number of lines recorded.
func (t *Trace) Lines() int { return t.lines }

// Tail is the last n lines of the trace.
func (t *Trace) Tail(n int) string {
	s := t.b.String()
	end := len(s) - 1 // the final newline
	for i := end - 1; i >= 0; i-- {
		if s[i] == '\n' {
			if n--; n == 0 {
				return s[i+1:]
			}
		}
	}
	return s
}
