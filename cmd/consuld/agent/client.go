package agent

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/hashicorp/go-hclog"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/actors/consensus"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/cmd/consuld/cli"
	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/events"
	"github.com/consuld/consuld/frontends/httpapi"
	"github.com/consuld/consuld/transport/gossip"
	"github.com/consuld/consuld/transport/tlsutil"
)

// A client agent runs no Raft: it joins the LAN pool, finds the servers
// there, keeps and checks its own services (the agent-state actor, as on a
// server), syncs them to the catalog through a server's RPC port, and
// answers its HTTP API itself for the agent endpoints and by forwarding
// every other request to a server (moving to another when one fails).

// startClient brings up a client agent.
func startClient(c *config.Config, log hclog.Logger, id, ip string) (*Agent, error) {
	if c.Ports.SerfLAN < 0 {
		return nil, errors.New("a client agent needs LAN gossip to find the servers (ports.serf_lan is -1)")
	}
	a := &Agent{cfg: c, log: log, done: make(chan struct{}), left: make(chan struct{})}
	if err := a.startGossip(id, ip, 0); err != nil {
		return nil, err
	}
	rpc, err := newRPCClient(a)
	if err != nil {
		a.Shutdown()
		return nil, err
	}
	a.sys = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
	node := selfRegistration(id, c.NodeName, c.Datacenter, ip, 0).Node
	a.local = local.Start(a.sys, local.Options{Node: node, Catalog: remoteCatalog{rpc}, Log: log,
		PersistPath: localPath(c.DataDir), Scripts: local.ScriptPolicy{Remote: c.EnableScriptChecks, Local: c.EnableLocalScriptChecks},
		Alias: rpc.aliasSource, Remote: rpc.remote, Keep: []string{"serfHealth"}})
	client := actors.NewClient(nil, rpc, rpc, c.Limits.KVMaxValueSize)
	client.AttachLocal(a.local)
	a.loadLocal(a.local)
	api := httpapi.New(client, httpapi.Options{Cluster: apiCluster{a}, Keyring: apiCluster{a}, Pretty: c.DevMode, Debug: c.EnableDebug, UI: c.UI,
		Datacenter: c.Datacenter, Reload: a.Reload,
		Self: httpapi.Self{NodeName: c.NodeName, NodeID: id, Address: ip, Version: cli.ConsulVersion,
			Revision: "consuld " + cli.Version, SerfLANPort: c.Ports.SerfLAN}})
	h := clientHandler{local: api, rpc: rpc, maxBody: int64(c.Limits.KVMaxValueSize) + 64<<10}
	if err := a.serveHTTP(h); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.serveHTTPS(h); err != nil {
		a.Shutdown()
		return nil, err
	}
	if err := a.serveDNS(newRemoteDNS(rpc, c.Datacenter)); err != nil {
		a.Shutdown()
		return nil, err
	}
	go func() { // sync once the servers have a leader
		for _, ok := rpc.LeaderAddr(); !ok; _, ok = rpc.LeaderAddr() {
			select {
			case <-a.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		a.local.Resync()
	}()
	return a, nil
}

// clientHandler answers what a client agent owns (its agent endpoints,
// the UI's files, debug) and forwards the rest to a server.
type clientHandler struct {
	local   http.Handler
	rpc     *rpcClient
	maxBody int64
}

func (h clientHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if (strings.HasPrefix(p, "/v1/agent/") && !strings.HasPrefix(p, "/v1/agent/connect/")) ||
		!strings.HasPrefix(p, "/v1/") {
		h.local.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.maxBody+1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if int64(len(body)) > h.maxBody {
		http.Error(w, fmt.Sprintf("Request body too large, max size: %d bytes", h.maxBody), http.StatusRequestEntityTooLarge)
		return
	}
	resp, err := h.rpc.do(r.Context(), r.Method, r.URL.RequestURI(), r.Header, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// errNoServers is Consul's text when a client knows no server.
var errNoServers = errors.New("No known Consul servers")

// rpcClient reaches servers' RPC ports: it sticks to one alive server of
// the datacenter and moves to another when a request cannot reach it.
type rpcClient struct {
	a      *Agent
	hc     *http.Client
	scheme string
	mu     sync.Mutex
	cur    string
	// leader caches /v1/status/leader for a second (Cluster, for agent
	// endpoint headers).
	leader   string
	leaderAt time.Time
}

func newRPCClient(a *Agent) (*rpcClient, error) {
	tc, err := tlsutil.New(a.cfg.TLS)
	if err != nil {
		return nil, fmt.Errorf("agent: server RPC TLS: %w", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	r := &rpcClient{a: a, scheme: "http", hc: &http.Client{Transport: tr}}
	if cfg := tc.RPCClient(); cfg != nil {
		tr.TLSClientConfig, r.scheme = cfg.Clone(), "https"
		if tr.TLSClientConfig.MinVersion == 0 {
			tr.TLSClientConfig.MinVersion = tls.VersionTLS12
		}
	}
	return r, nil
}

// servers lists the alive servers of this datacenter (RPC addresses).
func (r *rpcClient) servers() []string {
	var out []string
	for _, m := range r.a.pool.Members() {
		if m.Meta.IsServer() && m.Meta.DC == r.a.cfg.Datacenter && m.Status == gossip.StatusAlive {
			out = append(out, hostPort(m.Addr.String(), m.Meta.Port))
		}
	}
	return out
}

// do sends one request to a server, trying each alive server once when
// the current one cannot be reached (a connection failure means the
// request never arrived, so it is safe to send elsewhere).
func (r *rpcClient) do(ctx context.Context, method, uri string, hdr http.Header, body []byte) (*http.Response, error) {
	servers := r.servers()
	if len(servers) == 0 {
		return nil, errNoServers
	}
	r.mu.Lock()
	first := r.cur
	r.mu.Unlock()
	order := append([]string(nil), servers...)
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for i, s := range order {
		if s == first {
			order[0], order[i] = order[i], order[0]
		}
	}
	var last error
	for _, s := range order {
		req, err := http.NewRequestWithContext(ctx, method, r.scheme+"://"+s+uri, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range hdr {
			req.Header[k] = vs
		}
		resp, err := r.hc.Do(req)
		if err == nil {
			r.mu.Lock()
			r.cur = s
			r.mu.Unlock()
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !isDialError(err) {
			return nil, err // may have reached the server: do not resend
		}
		last = err
	}
	return nil, fmt.Errorf("no server reachable: %w", last)
}

// isDialError reports whether err happened while connecting: the
// request never reached the server.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Propose forwards a proposal to a server (the client agent's catalog
// sync); it is the Client's Proposer on a client agent.
func (r *rpcClient) Propose(ctx context.Context, shard events.Shard, data []byte) (uint64, events.Outcome, error) {
	resp, err := r.do(ctx, http.MethodPost, fmt.Sprintf("%s?shard=%d", proposePath, shard), http.Header{"Content-Type": {"application/octet-stream"}}, data)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %v", consensus.ErrNoLeader, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		if strings.Contains(string(b), "No cluster leader") {
			return 0, 0, consensus.ErrNoLeader
		}
		return 0, 0, fmt.Errorf("server: %s", strings.TrimSpace(string(b)))
	}
	var rep proposeReply
	if err := json.Unmarshal(b, &rep); err != nil {
		return 0, 0, err
	}
	return rep.Index, rep.Outcome, nil
}

// Barrier is not used on a client agent: reads go to servers.
func (r *rpcClient) Barrier(ctx context.Context, shard events.Shard) error {
	return errors.New("client agent: reads are forwarded to servers")
}

func (r *rpcClient) getJSON(ctx context.Context, uri string, v any) error {
	resp, err := r.do(ctx, http.MethodGet, uri, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeOK(resp, v)
}

// LeaderAddr, Peers and LastContact make the rpcClient the Client's
// Cluster on a client agent.
func (r *rpcClient) LeaderAddr() (string, bool) {
	r.mu.Lock()
	if time.Since(r.leaderAt) < time.Second {
		l := r.leader
		r.mu.Unlock()
		return l, l != ""
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var l string
	if r.getJSON(ctx, "/v1/status/leader", &l) != nil {
		l = ""
	}
	r.mu.Lock()
	r.leader, r.leaderAt = l, time.Now()
	r.mu.Unlock()
	return l, l != ""
}

func (r *rpcClient) Peers(ctx context.Context) ([]string, error) {
	var p []string
	err := r.getJSON(ctx, "/v1/status/peers", &p)
	return p, err
}

func (r *rpcClient) LastContact() time.Duration { return 0 }

// remote reads what the catalog holds for this node, for anti-entropy.
func (r *rpcClient) remote() *local.Remote {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	node := url.PathEscape(r.a.cfg.NodeName)
	var svcs struct{ Services []struct{ ID string } }
	var checks []struct{ CheckID string }
	if r.getJSON(ctx, "/v1/catalog/node-services/"+node, &svcs) != nil || r.getJSON(ctx, "/v1/health/node/"+node, &checks) != nil {
		return nil
	}
	out := &local.Remote{}
	for _, s := range svcs.Services {
		out.Services = append(out.Services, s.ID)
	}
	for _, c := range checks {
		out.Checks = append(out.Checks, c.CheckID)
	}
	return out
}

// remoteCatalog applies the agent-state actor's sync events through a
// server.
type remoteCatalog struct{ r *rpcClient }

func (c remoteCatalog) Apply(ctx context.Context, ev events.Event) error {
	data, err := events.Encode(ev)
	if err != nil {
		return err
	}
	shard := events.ShardCatalog
	_, o, err := c.r.Propose(ctx, shard, data)
	if err == nil && o == events.OutcomeRejected {
		return actors.ErrRegisterRejected
	}
	return err
}

// aliasSource reads an alias check's target from a server: the node's
// checks (node checks, and the service's when serviceID is set).
func (r *rpcClient) aliasSource(node, serviceID, exclude string) ([]check.Aliased, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var checks []struct{ CheckID, Name, Status, Output, ServiceID string }
	if r.getJSON(ctx, "/v1/health/node/"+url.PathEscape(node), &checks) != nil {
		return nil, false
	}
	found := serviceID == ""
	if !found {
		var svcs struct{ Services []struct{ ID string } }
		if r.getJSON(ctx, "/v1/catalog/node-services/"+url.PathEscape(node), &svcs) == nil {
			for _, s := range svcs.Services {
				found = found || s.ID == serviceID
			}
		}
	}
	var out []check.Aliased
	for _, c := range checks {
		if c.CheckID != exclude && (c.ServiceID == "" || c.ServiceID == serviceID) {
			out = append(out, check.Aliased{Name: c.Name, Status: check.Status(c.Status), Output: c.Output})
		}
	}
	return out, found
}

// decodeOK decodes a 200 answer's JSON body into v.
func decodeOK(resp *http.Response, v any) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server: HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
