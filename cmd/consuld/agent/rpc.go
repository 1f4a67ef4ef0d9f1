package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/transport/tlsutil"
)

// The server RPC port (ports.server, 8300) speaks HTTP/1.1, with TLS as
// internal RPC TLS says (tlsutil's listener takes TLS and, unless
// verify_incoming, plaintext on one port). Client agents reach servers
// through it: the whole /v1 API (a client agent forwards every request it
// does not answer itself) and one internal call, propose, for their own
// catalog sync. See ARCHITECTURE.md for why HTTP rather than a bespoke
// protocol.

// proposePath takes a shard (?shard=) and an encoded event as the body,
// and answers {"Index", "Outcome"}.
const proposePath = "/internal/v1/propose"

// maxProposal bounds a proposal's body (a catalog registration).
const maxProposal = 4 << 20

type proposeReply struct {
	Index   uint64
	Outcome events.Outcome
}

// serveRPC serves the server RPC port.
func (a *Agent) serveRPC(api http.Handler) error {
	c := a.cfg
	if c.Ports.Server < 0 {
		return nil
	}
	ln, err := net.Listen("tcp", hostPort(bindIP(c), c.Ports.Server))
	if err != nil {
		return fmt.Errorf("agent: server RPC listener: %w", err)
	}
	tc, err := tlsutil.New(c.TLS)
	if err != nil {
		ln.Close()
		return fmt.Errorf("agent: server RPC TLS: %w", err)
	}
	ln = tlsutil.NewListener(ln, tlsutil.ListenerOptions{TLS: tc.RPCServer(), AllowPlaintext: !tc.RPCIncomingTLSRequired()})
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+proposePath, a.servePropose)
	mux.Handle("/", api)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	a.http = append(a.http, srv)
	a.log.Info("started server RPC", "address", ln.Addr().String())
	go srv.Serve(ln)
	return nil
}

func (a *Agent) servePropose(w http.ResponseWriter, r *http.Request) {
	shard, err := strconv.ParseUint(r.URL.Query().Get("shard"), 10, 32)
	if err != nil || shard == 0 {
		http.Error(w, "bad shard", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxProposal+1))
	if err != nil || len(data) > maxProposal {
		http.Error(w, "proposal too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if _, err := events.Decode(data); err != nil {
		http.Error(w, "bad event: "+err.Error(), http.StatusBadRequest)
		return
	}
	idx, o, err := (raft{a.host}).Propose(r.Context(), events.Shard(shard), data)
	switch {
	case errors.Is(err, consensus.ErrNoLeader):
		http.Error(w, "No cluster leader", http.StatusInternalServerError)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(proposeReply{Index: idx, Outcome: o})
}
