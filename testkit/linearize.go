package testkit

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// The linearizability checker: single-key operations as a porcupine
// history, checked per key against a register with Consul's CAS rules.
//
// Ambiguous writes — the client got an error (timeout, no leader), so the
// write may or may not have happened — are recorded the way porcupine's
// author recommends (porcupine issue #8): they return at "infinity" and
// their output is not checked, so the checker may place them anywhere after
// their call, including after everything else (never happened).

// lzInput is an operation's input.
type lzInput struct {
	Kind  Kind
	Key   string
	Value string
	CAS   uint64
}

// lzOutput is an operation's output. Unknown marks an ambiguous write.
type lzOutput struct {
	Unknown bool
	OK      bool
	Found   bool
	Value   string
	Index   uint64
}

// lzState is one key's register. Index is the key's ModifyIndex, which an
// ambiguous write leaves unknown until a read reveals it.
type lzState struct {
	Exists bool
	Value  string
	Index  uint64
	Known  bool
}

func (s lzState) String() string {
	switch {
	case !s.Exists:
		return "absent"
	case s.Known:
		return fmt.Sprintf("%q@%d", s.Value, s.Index)
	}
	return fmt.Sprintf("%q@?", s.Value)
}

// casOutcomes reports whether a CAS against s could succeed and could fail.
func casOutcomes(s lzState, cas uint64) (succeed, fail bool) {
	switch {
	case cas == 0:
		return !s.Exists, s.Exists
	case !s.Exists:
		return false, true
	case s.Known:
		return s.Index == cas, s.Index != cas
	}
	return true, true // index unknown: either
}

// lzStep is the sequential specification: every state the register may be
// in after applying input with output to s (none: impossible).
func lzStep(state, input, output any) []any {
	s, in, out := state.(lzState), input.(lzInput), output.(lzOutput)
	written := lzState{Exists: true, Value: in.Value, Index: out.Index, Known: !out.Unknown}
	switch in.Kind {
	case Put:
		if !out.Unknown && !out.OK {
			return nil
		}
		return []any{written}
	case CASPut:
		succeed, fail := casOutcomes(s, in.CAS)
		var next []any
		if succeed && (out.Unknown || out.OK) {
			next = append(next, written)
		}
		if fail && (out.Unknown || !out.OK) {
			next = append(next, s)
		}
		return next
	case Delete:
		if !out.Unknown && !out.OK {
			return nil
		}
		return []any{lzState{}}
	case CASDelete:
		if !s.Exists { // deleting nothing succeeds, CAS or not
			if !out.Unknown && !out.OK {
				return nil
			}
			return []any{s}
		}
		succeed, fail := casOutcomes(s, in.CAS)
		var next []any
		if succeed && (out.Unknown || out.OK) {
			next = append(next, lzState{})
		}
		if fail && (out.Unknown || !out.OK) {
			next = append(next, s)
		}
		return next
	case Get, BlockingGet:
		if out.Found != s.Exists || out.Found && out.Value != s.Value {
			return nil
		}
		if out.Found && s.Known && out.Index != s.Index {
			return nil
		}
		if out.Found {
			s.Index, s.Known = out.Index, true // a read reveals an ambiguous write's index
		}
		return []any{s}
	}
	return nil
}

// RegisterModel is the per-key porcupine model of the kv store.
var RegisterModel = (&porcupine.NondeterministicModel{
	Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range h {
			k := op.Input.(lzInput).Key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		out := make([][]porcupine.Operation, 0, len(keys))
		for _, k := range keys {
			out = append(out, byKey[k])
		}
		return out
	},
	Init:  func() []any { return []any{lzState{}} },
	Step:  lzStep,
	Equal: func(a, b any) bool { return a.(lzState) == b.(lzState) },
	DescribeOperation: func(input, output any) string {
		in, out := input.(lzInput), output.(lzOutput)
		s := fmt.Sprintf("%s(%s", in.Kind, in.Key)
		if in.Value != "" {
			s += "=" + in.Value
		}
		if in.Kind == CASPut || in.Kind == CASDelete {
			s += fmt.Sprintf(" cas=%d", in.CAS)
		}
		switch {
		case out.Unknown:
			return s + ") -> ?"
		case in.Kind.IsWrite():
			return s + fmt.Sprintf(") -> %v@%d", out.OK, out.Index)
		case out.Found:
			return s + fmt.Sprintf(") -> %q@%d", out.Value, out.Index)
		}
		return s + ") -> absent"
	},
	DescribeState: func(state any) string { return state.(lzState).String() },
}).ToModel()

// LinearizabilityHistory turns a run's operations into a porcupine history
// of single-key operations. A tree delete becomes a plain delete of every
// workload key under its prefix (the projection of an atomic multi-key
// delete onto each key, which each key's history must admit); listings
// read many keys and are left out, as are failed reads, which had no
// effect.
func LinearizabilityHistory(r *Run) []porcupine.Operation {
	var h []porcupine.Operation
	for _, op := range r.History {
		if !op.Done || op.Kind == List || op.Kind == Watch {
			continue
		}
		a := op.Answer
		if a.Err != nil && !op.Kind.IsWrite() {
			continue
		}
		out := lzOutput{OK: a.Result.OK, Index: a.Result.Index}
		ret := op.Return.Sub(Epoch).Nanoseconds()
		if a.Err != nil {
			out, ret = lzOutput{Unknown: true}, math.MaxInt64
		} else if e := a.Result.Entry; e != nil {
			out.Found, out.Value = true, string(e.Value)
		}
		in := []lzInput{{Kind: op.Kind, Key: op.Key, Value: op.Value, CAS: op.CAS}}
		if op.Kind == DeleteTree {
			in = in[:0]
			for _, k := range r.Scenario.Workload.Keys {
				if strings.HasPrefix(k, op.Key) {
					in = append(in, lzInput{Kind: Delete, Key: k})
				}
			}
		}
		for _, in := range in {
			h = append(h, porcupine.Operation{ClientId: op.Client, Input: in, Output: out,
				Call: op.Call.Sub(Epoch).Nanoseconds(), Return: ret})
		}
	}
	return h
}

// CheckLinearizable checks a run's history with porcupine. It returns
// porcupine's verdict and, for a failure, what to look at.
func CheckLinearizable(r *Run, timeout time.Duration) (porcupine.CheckResult, porcupine.LinearizationInfo) {
	return porcupine.CheckOperationsVerbose(RegisterModel, LinearizabilityHistory(r), timeout)
}
