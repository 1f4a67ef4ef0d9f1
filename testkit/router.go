package testkit

import (
	"slices"
	"strings"

	"github.com/consuld/consuld/actors/kv"
	"github.com/consuld/consuld/events"
)

// The routing below is actors/kv/router.go's: which actors an applied entry
// concerns is decided by the production kv.Route; only the mechanics differ
// (a map instead of locked shards, mailboxes instead of PIDs, an int64
// instead of an atomic count). Keep the mechanics in step with Router.

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
// index order, after publishing the state that includes it. The rules are
// production's own (kv.Route); this only performs them, in Router's order.
func (c *Cluster) Applied(_ events.Shard, index uint64, ev events.Event, o events.Outcome) {
	rt := kv.Route(index, ev, o)
	switch rt.Notify {
	case kv.NotifyKey:
		c.notify(rt.Key, rt.Changed)
	case kv.NotifyPrefix:
		c.notifyPrefix(rt.Key, rt.Changed)
	}
	if rt.Table {
		if c.watching > 0 {
			c.tree.mb.post(rt.Tree)
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
