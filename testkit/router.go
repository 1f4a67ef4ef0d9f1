package testkit

import (
	"slices"
	"strings"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// The routing below mirrors actors/kv/router.go rule for rule; only the
// mechanics differ (a map instead of locked shards, mailboxes instead of
// PIDs). Keep the two in step.

// send delivers msg to key's actor, spawning (hydrating) it if needed.
func (c *Cluster) send(key string, msg any) {
	a, ok := c.keys[key]
	if !ok {
		c.spawned[key]++
		a = &keyActor{c: c, key: key}
		a.mb = &mailbox{c: c, name: keyName(key, c.spawned[key]), receive: a.receive}
		c.keys[key] = a
		a.mb.post(started{})
	}
	a.mb.post(msg)
}

// notify delivers msg to key's actor only if it is resident.
func (c *Cluster) notify(key string, msg any) {
	if c.o.sabotage == sabotageDropChanged {
		return
	}
	if a, ok := c.keys[key]; ok {
		a.mb.post(msg)
	}
}

// retire forgets key's actor if a is still the registered one.
func (c *Cluster) retire(key string, a *keyActor) bool {
	if cur, ok := c.keys[key]; ok && cur == a {
		delete(c.keys, key)
		return true
	}
	return false
}

// routeGet is Router.Get.
func (c *Cluster) routeGet(key string, g kv.Get) { c.send(key, g) }

// routeWrite is Router.Write.
func (c *Cluster) routeWrite(key string, w kv.Write) { c.send(key, w) }

// routeWatch is Router.Watch.
func (c *Cluster) routeWatch(w *kv.PrefixWatch) {
	c.watching++
	c.tree.mb.post(w)
}

// Applied is Router.Applied: the log calls it for every applied entry, in
// index order, after publishing the state that includes it.
func (c *Cluster) Applied(_ events.Shard, index uint64, ev events.Event, o events.Outcome) {
	if o == events.OutcomeApplied {
		var ch kv.PrefixChanged
		switch ev := ev.(type) {
		case *events.KeyWritten:
			c.notify(ev.Key, kv.Changed{Index: index})
			ch = kv.PrefixChanged{Key: ev.Key, Index: index}
		case *events.KeyDeleted:
			c.notify(ev.Key, kv.Changed{Index: index})
			ch = kv.PrefixChanged{Key: ev.Key, Index: index}
		case *events.PrefixDeleted:
			c.notifyPrefix(ev.Prefix, kv.Changed{Index: index})
			ch = kv.PrefixChanged{Key: ev.Prefix, IsPrefix: true, Index: index}
		}
		if c.watching > 0 {
			c.tree.mb.post(ch)
		} else {
			c.sim.Tracef("router: %d not sent to tree (watching=0)", index)
		}
		c.table = index
	}
	c.applied = index
}

// Restored is Router.Restored (the in-memory log never restores a
// snapshot; it is here so the Cluster is a complete fsm.Sink).
func (c *Cluster) Restored(_ events.Shard, index uint64) {
	c.notifyPrefix("", kv.Changed{Index: ^uint64(0)})
	c.tree.mb.post(kv.PrefixChanged{Key: "", IsPrefix: true, Index: index})
	v := c.view()
	c.table, c.applied = v.TableIndex(), v.Applied()
}

// notifyPrefix visits resident keys in key order (Router ranges over a map;
// any order is correct, a fixed one keeps traces reproducible).
func (c *Cluster) notifyPrefix(prefix string, msg any) {
	names := make([]string, 0, len(c.keys))
	for k := range c.keys {
		if strings.HasPrefix(k, prefix) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		c.keys[k].mb.post(msg)
	}
}
