package actors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/consuld/consuld/actors/connect"
	"github.com/consuld/consuld/events"
)

// ErrConnectDisabled is Consul's answer (a 500) to CA queries on servers
// where Connect is not enabled.
var ErrConnectDisabled = errors.New("Connect must be enabled in order to use this endpoint") // compat

// ErrCARootRejected: the connect shard refused a proposed root (it lacked
// a required field).
var ErrCARootRejected = errors.New("connect: CA root rejected")

// AttachConnect wires the connect shard's watcher; without it Connect is
// disabled and the CA endpoints answer ErrConnectDisabled.
func (c *Client) AttachConnect(w *connect.Watcher) { c.ca = w }

// ConnectEnabled reports whether Connect is enabled on this server.
func (c *Client) ConnectEnabled() bool { return c.ca != nil }

// ConnectCARoots returns the CA state to answer a roots query: after a
// read barrier unless stale, and, for a blocking query, once the roots
// index passed q.MinIndex (or at the deadline).
func (c *Client) ConnectCARoots(ctx context.Context, q Query) (connect.View, Meta, error) {
	if c.ca == nil {
		return nil, Meta{}, ErrConnectDisabled
	}
	if q.Consistency != Stale {
		if err := c.prop.Barrier(ctx, events.ShardConnect); err != nil {
			return nil, Meta{}, mapErr(err)
		}
	}
	var until time.Time
	if q.MinIndex > 0 {
		until = deadline(q)
	}
	v, err := c.ca.Wait(ctx, q.MinIndex, until)
	if err != nil {
		return nil, Meta{}, ErrTimeout
	}
	return v, c.meta(q, connect.Index(v)), nil
}

// ConnectInitializeCA bootstraps the CA if it has no root yet: it
// generates a root for clusterID (a random UUID if empty) and proposes it.
// Whichever root the log applied first is returned; created reports
// whether it is the one proposed here. Safe to race: the state machine
// keeps the first root and skips the others.
func (c *Client) ConnectInitializeCA(ctx context.Context, clusterID string) (root *events.CARoot, created bool, err error) {
	if c.ca == nil {
		return nil, false, ErrConnectDisabled
	}
	if err := c.prop.Barrier(ctx, events.ShardConnect); err != nil {
		return nil, false, mapErr(err)
	}
	if r, ok := c.ca.View().ActiveRoot(); ok {
		return r, false, nil
	}
	if clusterID == "" {
		if clusterID, err = connect.NewUUID(nil); err != nil {
			return nil, false, err
		}
	}
	r, err := connect.GenerateRoot(clusterID, time.Now(), nil)
	if err != nil {
		return nil, false, err
	}
	data, err := events.Encode(&events.CARootsInitialized{Root: r, ClusterId: clusterID})
	if err != nil {
		return nil, false, err
	}
	_, o, err := c.prop.Propose(ctx, events.ShardConnect, data)
	switch {
	case err != nil:
		return nil, false, mapErr(err)
	case o == events.OutcomeRejected:
		return nil, false, ErrCARootRejected
	}
	active, ok := c.ca.View().ActiveRoot() // Propose returns after the local apply
	if !ok {
		return nil, false, fmt.Errorf("connect: no active root after bootstrap (outcome %v)", o)
	}
	return active, o == events.OutcomeApplied, nil
}
