package check

import (
	"fmt"
	"time"
)

// TTL is the clock-free state of a TTL check: an external process reports
// the status (/v1/agent/check/pass|warn|fail|update) and the check turns
// critical when no report arrives within TTL. The owner asks Expired when
// its timer for Deadline fires; Update re-arms it.
type TTL struct {
	TTL           time.Duration
	OutputMaxSize int // DefaultOutputMaxSize if zero

	deadline   time.Time
	lastOutput string
}

// NewTTL starts a TTL check's clock at now (its registration).
func NewTTL(ttl time.Duration, outputMaxSize int, now time.Time) TTL {
	return TTL{TTL: ttl, OutputMaxSize: outputMaxSize, deadline: now.Add(ttl)}
}

// Update records a reported status at now, re-arms the TTL, and returns the
// Result to apply, with output cut to OutputMaxSize and marked
// " ... (captured N of M bytes)" as Consul marks it.
func (t *TTL) Update(status Status, output string, now time.Time) Result {
	limit := t.OutputMaxSize
	if limit <= 0 {
		limit = DefaultOutputMaxSize
	}
	if len(output) > limit {
		output = fmt.Sprintf("%s ... (captured %d of %d bytes)", output[:limit], limit, len(output)) // compat: Consul's text
	}
	t.lastOutput = output
	t.deadline = now.Add(t.TTL)
	return Result{Status: status, Output: output}
}

// Deadline is when the check expires unless updated first.
func (t TTL) Deadline() time.Time { return t.deadline }

// Expired reports whether the TTL has run out at now.
func (t TTL) Expired(now time.Time) bool { return !now.Before(t.deadline) }

// ExpiredResult is what an expired check becomes: critical, "TTL expired",
// followed by the last reported output if there was one.
func (t TTL) ExpiredResult() Result {
	const prefix = "TTL expired" // compat: Consul's text
	if t.lastOutput == "" {
		return critical(prefix)
	}
	return critical(fmt.Sprintf("%s (last output before timeout follows): %s", prefix, t.lastOutput)) // compat
}
