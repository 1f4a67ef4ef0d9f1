package gossip

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Keyring operations reach every member, as Consul's serf queries do: the
// asking agent sends the operation to each alive member over memberlist's
// reliable (TCP, encrypted) channel, each applies it to its own keyring
// and answers with the keys it now holds.

// Keyring operation names.
const (
	KeyList    = "list"
	KeyInstall = "install"
	KeyUse     = "use"
	KeyRemove  = "remove"
)

const (
	msgKeyReq  byte = 2
	msgKeyResp byte = 3
)

// ErrNoEncryption: the pool runs without a keyring.
var ErrNoEncryption = errors.New("gossip encryption is not enabled (no encrypt key and no keyring file)")

type keyReq struct {
	ID   uint64
	From string
	Op   string
	Key  string // base64
}

// KeyResponse is one member's answer to a keyring operation.
type KeyResponse struct {
	ID      uint64 `json:",omitempty"`
	Node    string
	Keys    []string // base64, primary first
	Primary string
	Error   string `json:",omitempty"`
}

type keyQueries struct {
	next    atomic.Uint64
	mu      sync.Mutex
	pending map[uint64]chan KeyResponse
}

// KeyringOp runs op (with key for install, use and remove) on every
// alive member, this one included, and returns their answers (a member
// that does not answer before ctx ends is missing from them).
func (p *Pool) KeyringOp(ctx context.Context, op, key string) ([]KeyResponse, error) {
	if p.mc.Keyring == nil {
		return nil, ErrNoEncryption
	}
	if op != KeyList {
		if _, err := base64.StdEncoding.DecodeString(key); err != nil || key == "" {
			return nil, fmt.Errorf("invalid key: %q is not base64", key)
		}
	}
	req := keyReq{ID: p.kq.next.Add(1), From: p.cfg.Name, Op: op, Key: key}
	ch := make(chan KeyResponse, 256)
	p.kq.mu.Lock()
	p.kq.pending[req.ID] = ch
	p.kq.mu.Unlock()
	defer func() {
		p.kq.mu.Lock()
		delete(p.kq.pending, req.ID)
		p.kq.mu.Unlock()
	}()
	out := []KeyResponse{p.applyKeyOp(req)}
	msg, _ := json.Marshal(req)
	msg = append([]byte{msgKeyReq}, msg...)
	want := 0
	for _, n := range p.ml.Members() {
		if n.Name == p.cfg.Name {
			continue
		}
		if err := p.ml.SendReliable(n, msg); err == nil {
			want++
		}
	}
	for len(out) < want+1 {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-ctx.Done():
			return out, nil
		}
	}
	return out, nil
}

// applyKeyOp applies an operation to this member's keyring.
func (p *Pool) applyKeyOp(req keyReq) KeyResponse {
	r := KeyResponse{ID: req.ID, Node: p.cfg.Name}
	kr := p.mc.Keyring
	var err error
	if kr == nil {
		err = ErrNoEncryption
	} else if req.Op != KeyList {
		var key []byte
		key, err = base64.StdEncoding.DecodeString(req.Key)
		if err == nil {
			switch req.Op {
			case KeyInstall:
				err = kr.AddKey(key)
			case KeyUse:
				err = useInstalled(kr.GetKeys(), key)
				if err == nil {
					err = kr.UseKey(key)
				}
			case KeyRemove:
				if bytes.Equal(kr.GetPrimaryKey(), key) {
					err = errors.New("Removing the primary key is not allowed")
				} else {
					err = kr.RemoveKey(key)
				}
			default:
				err = fmt.Errorf("unknown keyring operation %q", req.Op)
			}
		}
		if err == nil && p.cfg.OnKeyring != nil {
			p.cfg.OnKeyring(primaryFirst(kr.GetPrimaryKey(), kr.GetKeys()))
		}
	}
	if err != nil {
		r.Error = err.Error()
	}
	if kr != nil {
		for _, k := range primaryFirst(kr.GetPrimaryKey(), kr.GetKeys()) {
			r.Keys = append(r.Keys, base64.StdEncoding.EncodeToString(k))
		}
		r.Primary = base64.StdEncoding.EncodeToString(kr.GetPrimaryKey())
	}
	return r
}

func useInstalled(keys [][]byte, key []byte) error {
	for _, k := range keys {
		if bytes.Equal(k, key) {
			return nil
		}
	}
	return errors.New("Requested key is not in the keyring")
}

func primaryFirst(primary []byte, keys [][]byte) [][]byte {
	out := [][]byte{primary}
	for _, k := range keys {
		if !bytes.Equal(k, primary) {
			out = append(out, k)
		}
	}
	return out
}

// onKeyMsg handles keyring requests and answers arriving over gossip.
func (p *Pool) onKeyMsg(kind byte, body []byte) {
	switch kind {
	case msgKeyReq:
		var req keyReq
		if json.Unmarshal(body, &req) != nil {
			return
		}
		resp := p.applyKeyOp(req)
		b, _ := json.Marshal(resp)
		for _, n := range p.ml.Members() {
			if n.Name == req.From {
				p.ml.SendReliable(n, append([]byte{msgKeyResp}, b...))
			}
		}
	case msgKeyResp:
		var r KeyResponse
		if json.Unmarshal(body, &r) != nil {
			return
		}
		p.kq.mu.Lock()
		ch := p.kq.pending[r.ID]
		p.kq.mu.Unlock()
		if ch != nil {
			select {
			case ch <- r:
			default:
			}
		}
	}
}
