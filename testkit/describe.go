package testkit

import (
	"fmt"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// Trace renderings. They print identifiers the simulation assigns (op ids,
// indexes, virtual times), never pointers, so traces are reproducible.

func describeEvent(ev events.Event) string {
	switch ev := ev.(type) {
	case nil:
		return "(no event)"
	case *events.KeyWritten:
		s := fmt.Sprintf("KeyWritten(%s=%q", ev.Key, ev.Value)
		if ev.Cas {
			s += fmt.Sprintf(" cas=%d", ev.CasIndex)
		}
		return s + ")"
	case *events.KeyDeleted:
		if ev.Cas {
			return fmt.Sprintf("KeyDeleted(%s cas=%d)", ev.Key, ev.CasIndex)
		}
		return fmt.Sprintf("KeyDeleted(%s)", ev.Key)
	case *events.PrefixDeleted:
		return fmt.Sprintf("PrefixDeleted(%q)", ev.Prefix)
	}
	return fmt.Sprintf("%T", ev)
}

func replierID(r kv.Replier) string {
	if r, ok := r.(*replier); ok {
		return r.id
	}
	return fmt.Sprintf("%T", r)
}

func describeMsg(msg any) string {
	switch m := msg.(type) {
	case started:
		return "Started"
	case poison:
		return "Poison"
	case kv.Changed:
		return fmt.Sprintf("Changed{%d}", m.Index)
	case kv.Get:
		if m.MinIndex == 0 {
			return fmt.Sprintf("Get{%s table=%d}", replierID(m.Reply), m.TableIndex)
		}
		return fmt.Sprintf("Get{%s min=%d deadline=%s table=%d}", replierID(m.Reply), m.MinIndex, stamp(m.Deadline), m.TableIndex)
	case kv.Write:
		ev, err := events.Decode(m.Data)
		if err != nil {
			return fmt.Sprintf("Write{%s undecodable: %v}", replierID(m.Reply), err)
		}
		return fmt.Sprintf("Write{%s %s}", replierID(m.Reply), describeEvent(ev))
	case kv.Proposed:
		if m.Err != nil {
			return fmt.Sprintf("Proposed{%s err=%v}", replierID(m.Reply), m.Err)
		}
		return fmt.Sprintf("Proposed{%s index=%d %s}", replierID(m.Reply), m.Index, m.Outcome)
	case kv.Expired:
		return fmt.Sprintf("Expired{%s}", replierID(m.Watch.Reply))
	case kv.IdleCheck:
		return "IdleCheck"
	case *kv.PrefixWatch:
		return fmt.Sprintf("PrefixWatch{%s %q min=%d deadline=%s}", replierID(m.Reply), m.Prefix, m.MinIndex, stamp(m.Deadline))
	case kv.PrefixChanged:
		if m.IsPrefix {
			return fmt.Sprintf("PrefixChanged{prefix %q %d}", m.Key, m.Index)
		}
		return fmt.Sprintf("PrefixChanged{%q %d}", m.Key, m.Index)
	case kv.PrefixExpired:
		return fmt.Sprintf("PrefixExpired{%s}", replierID(m.Watch.Reply))
	}
	return fmt.Sprintf("%T", msg)
}

func describeResult(r kv.Result) string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("err=%v", r.Err)
	case r.View != nil:
		return fmt.Sprintf("view@%d index=%d", r.View.Applied(), r.Index)
	case r.Entry != nil:
		return fmt.Sprintf("%q modify=%d index=%d", r.Entry.Value, r.Entry.ModifyIndex, r.Index)
	}
	return fmt.Sprintf("ok=%v index=%d", r.OK, r.Index)
}
