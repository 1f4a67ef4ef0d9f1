package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// waitStatus polls the health API until the check has status want.
func waitStatus(t *testing.T, c *api.Client, service, checkID, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		checks, _, err := c.Health().Checks(service, nil)
		if err == nil {
			for _, ch := range checks {
				if ch.CheckID == checkID {
					last = ch.Status
					if ch.Status == want {
						return
					}
				}
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("check %s of %s: status %q, want %q", checkID, service, last, want)
}

func TestAgentServicesAndChecks(t *testing.T) {
	// A real HTTP server whose health we flip.
	var healthy atomic.Bool
	healthy.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if healthy.Load() {
			w.Write([]byte("ok"))
			return
		}
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0") // a TCP check target we close later
	defer ln.Close()

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "web.json"), []byte(`{"service": {"name": "web", "tags": ["primary"], "port": 9000,
		"checks": [{"http": "`+srv.URL+`/health", "interval": "1s"}]}}`), 0o644)
	a := startDev(t, "-config-dir", dir)
	c := a.client()

	// The config-dir service is in the catalog with its HTTP check passing.
	waitStatus(t, c, "web", "service:web", "passing")
	healthy.Store(false)
	waitStatus(t, c, "web", "service:web", "critical")
	healthy.Store(true)
	waitStatus(t, c, "web", "service:web", "passing")

	// API registration with a TTL check (Spring Cloud's implicit check ID).
	err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "api1", Name: "api", Port: 8080,
		Check: &api.AgentServiceCheck{TTL: "30s"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "api", "service:api1", "critical")
	if err := c.Agent().PassTTL("service:api1", "all good"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "api", "service:api1", "passing")
	if err := c.Agent().FailTTL("service:api1", "broken"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "api", "service:api1", "critical")
	status, _, err := c.Agent().AgentHealthServiceByID("api1")
	if err != nil || status != "critical" {
		t.Fatalf("agent health by id: %q %v", status, err)
	}

	// A standalone TCP check on the service.
	err = c.Agent().CheckRegister(&api.AgentCheckRegistration{ID: "api-tcp", Name: "api tcp", ServiceID: "api1",
		AgentServiceCheck: api.AgentServiceCheck{TCP: ln.Addr().String(), Interval: "1s", Timeout: "500ms"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "api", "api-tcp", "passing")
	ln.Close()
	waitStatus(t, c, "api", "api-tcp", "critical")

	svcs, err := c.Agent().Services()
	if err != nil || len(svcs) != 2 || svcs["web"].Port != 9000 || svcs["api1"].Service != "api" {
		t.Fatalf("agent services: %+v %v", svcs, err)
	}
	checks, err := c.Agent().Checks()
	if err != nil || checks["api-tcp"] == nil || checks["api-tcp"].ServiceName != "api" {
		t.Fatalf("agent checks: %+v %v", checks, err)
	}
	self, err := c.Agent().Self()
	if err != nil || self["Config"]["Datacenter"] != "dc1" {
		t.Fatalf("agent self: %v %v", self, err)
	}

	// Deregistering removes the service and its checks from the catalog.
	if err := c.Agent().ServiceDeregister("api1"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, _, _ := c.Health().Service("api", "", false, nil)
		if len(entries) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("deregistered service still in the catalog")
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := c.Agent().PassTTL("service:api1", ""); err == nil {
		t.Fatal("TTL update of a deregistered check succeeded")
	}
}

// Services registered through the agent API survive kill -9.
func TestAgentServicesPersist(t *testing.T) {
	a := startDurable(t, t.TempDir())
	c := a.client()
	err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "kept", Name: "kept", Port: 1234,
		Check: &api.AgentServiceCheck{TTL: "1m", Status: "passing"}})
	if err != nil {
		t.Fatal(err)
	}
	a.restart()
	c = a.client()
	svcs, err := c.Agent().Services()
	if err != nil || svcs["kept"] == nil || svcs["kept"].Port != 1234 {
		t.Fatalf("after restart: %+v %v", svcs, err)
	}
	waitStatus(t, c, "kept", "service:kept", "passing")
}

// Maintenance mode takes a service (or the node) out of ?passing answers.
func TestMaintenanceMode(t *testing.T) {
	a := startDev(t)
	c := a.client()
	err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "m1", Name: "m", Check: &api.AgentServiceCheck{TTL: "1m", Status: "passing"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "m", "service:m1", "passing")
	if err := c.Agent().EnableServiceMaintenance("m1", "upgrading"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "m", "_service_maintenance:m1", "critical")
	if e, _, _ := c.Health().Service("m", "", true, nil); len(e) != 0 {
		t.Fatalf("service in maintenance still passing: %d", len(e))
	}
	if err := c.Agent().DisableServiceMaintenance("m1"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if e, _, _ := c.Health().Service("m", "", true, nil); len(e) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("service not back after maintenance")
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := c.Agent().EnableNodeMaintenance(""); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	deadline = time.Now().Add(10 * time.Second)
	for {
		checks, _, _ := c.Health().Node(host, nil)
		found := false
		for _, ch := range checks {
			found = found || (ch.CheckID == "_node_maintenance" && ch.Status == "critical")
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no node maintenance check: %+v", checks)
		}
		time.Sleep(25 * time.Millisecond)
	}
	if e, _, _ := c.Health().Service("m", "", true, nil); len(e) != 0 {
		t.Fatalf("service on a node in maintenance still passing: %d", len(e))
	}
	if status, _, _ := a.do("PUT", "/v1/agent/maintenance", nil); status != 400 {
		t.Fatalf("maintenance without enable: %d", status)
	}
}

// SIGHUP and /v1/agent/reload re-read the config dir: added, changed and
// removed services reach the catalog; a broken file keeps the old state.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644) }
	write("a.json", `{"service": {"name": "alpha", "port": 1, "check": {"ttl": "1m", "status": "passing"}}}`)
	a := startDev(t, "-config-dir", dir)
	c := a.client()
	waitStatus(t, c, "alpha", "service:alpha", "passing")

	write("b.hcl", `service { name = "beta" port = 2 }`)
	os.Remove(filepath.Join(dir, "a.json"))
	a.cmd.Process.Signal(syscall.SIGHUP)
	waitServices(t, c, []string{"beta"})

	write("c.json", `{"service": {"name": "gamma"}}`)
	if err := c.Agent().Reload(); err != nil {
		t.Fatal(err)
	}
	waitServices(t, c, []string{"beta", "gamma"})

	write("d.json", `{"service": {"name": "delta", "port": "x"}}`)
	if err := c.Agent().Reload(); err == nil {
		t.Fatal("reload with a broken file succeeded")
	}
	waitServices(t, c, []string{"beta", "gamma"})
}

func waitServices(t *testing.T, c *api.Client, want []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		svcs, err := c.Agent().Services()
		got := []string{}
		for _, s := range svcs {
			got = append(got, s.Service)
		}
		slices.Sort(got)
		if err == nil && slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent services %v, want %v", got, want)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Script checks stay off unless enabled: an API registration is refused.
func TestScriptChecksOffByDefault(t *testing.T) {
	a := startDev(t)
	err := a.client().Agent().ServiceRegister(&api.AgentServiceRegistration{Name: "s",
		Check: &api.AgentServiceCheck{Args: []string{"true"}, Interval: "1s"}})
	if err == nil {
		t.Fatal("script check registered with script checks disabled")
	}
	if svcs, _ := a.client().Agent().Services(); len(svcs) != 0 {
		t.Fatalf("refused registration left services: %v", svcs)
	}
	b := startDev(t, "-enable-script-checks")
	c := b.client()
	err = c.Agent().ServiceRegister(&api.AgentServiceRegistration{Name: "s",
		Check: &api.AgentServiceCheck{Args: []string{"sh", "-c", "exit 1"}, Interval: "1s"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "s", "service:s", "warning")
}

// An alias check follows the health of the service it aliases.
func TestAliasCheck(t *testing.T) {
	a := startDev(t)
	c := a.client()
	if err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "backend", Name: "backend",
		Check: &api.AgentServiceCheck{TTL: "1m"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "frontend", Name: "frontend",
		Check: &api.AgentServiceCheck{AliasService: "backend"}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "frontend", "service:frontend", "critical")
	c.Agent().PassTTL("service:backend", "")
	waitStatus(t, c, "frontend", "service:frontend", "passing")
	c.Agent().FailTTL("service:backend", "down")
	waitStatus(t, c, "frontend", "service:frontend", "critical")
}
