package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestConfigErrorsStopTheAgent(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, file, body, want string }{
		{"unknown key", "bad.json", `{"datacenterr": "dc1"}`, `datacenterr`},
		{"bad value", "bad2.json", `{"ports": {"http": "x"}}`, `ports.http`},
		{"bad hcl", "bad3.hcl", `ports { http = }`, `bad3.hcl`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			os.WriteFile(path, []byte(c.body), 0o644)
			out, err := exec.Command(binary, "agent", "-dev", "-config-file", path).CombinedOutput()
			if err == nil {
				t.Fatalf("agent started with %s", c.body)
			}
			if !strings.Contains(string(out), c.want) || !strings.Contains(string(out), c.file) {
				t.Fatalf("error does not name file and key: %s", out)
			}
		})
	}
	out, err := exec.Command(binary, "agent", "-dev", "-no-such-flag").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no-such-flag") {
		t.Fatalf("unknown flag: %v %s", err, out)
	}
}

func TestSignalsShutDownCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			a := startDev(t)
			// A parked blocking query must not hold up shutdown.
			go http.Get("http://" + a.HTTP + "/v1/kv/x?index=100000&wait=5m")
			time.Sleep(100 * time.Millisecond)
			start := time.Now()
			a.cmd.Process.Signal(sig)
			select {
			case <-a.exited:
			case <-time.After(5 * time.Second):
				t.Fatalf("agent still running 5s after %v:\n%s", sig, a.out)
			}
			if code := a.cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit code %d after %v:\n%s", code, sig, a.out)
			}
			t.Logf("shut down in %v", time.Since(start))
		})
	}
}

func TestDevBanner(t *testing.T) {
	a := startDev(t)
	deadline := time.Now().Add(5 * time.Second) // the leadership line is logged asynchronously
	for !strings.Contains(a.out.String(), "cluster leadership acquired") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := a.out.String()
	for _, want := range []string{"Node name:", "Datacenter: 'dc1'", "Server: true", "Client Addr: [127.0.0.1] (HTTP: ", "Cluster Addr: ", "cluster leadership acquired"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	host, _ := os.Hostname()
	if !strings.Contains(out, "Node name: '"+host+"'") {
		t.Errorf("node name is not the hostname %q:\n%s", host, out)
	}
}

func TestCLIAgainstAgent(t *testing.T) {
	a := startDev(t)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "CONSUL_HTTP_ADDR="+a.HTTP)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	steps := []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"kv", "put", "redis/config", "192.168.99.133"}, "Success! Data written to: redis/config\n", 0},
		{[]string{"kv", "get", "redis/config"}, "192.168.99.133\n", 0},
		{[]string{"kv", "get", "missing"}, "Error! No key exists at: missing\n", 1},
		{[]string{"kv", "put", "-flags=42", "redis/flags", "v"}, "Success! Data written to: redis/flags\n", 0},
		{[]string{"kv", "get", "-recurse", "redis"}, "redis/config:192.168.99.133\nredis/flags:v\n", 0},
		{[]string{"kv", "get", "-keys", "-separator=/", ""}, "redis/\n", 0},
		{[]string{"kv", "put", "-cas", "-modify-index=1", "redis/config", "x"}, "Error! Did not write to redis/config: CAS failed\n", 1},
		{[]string{"kv", "put", "-base64", "b64", "aGVsbG8="}, "Success! Data written to: b64\n", 0},
		{[]string{"kv", "get", "b64"}, "hello\n", 0},
		{[]string{"kv", "delete", "redis/flags"}, "Success! Deleted key: redis/flags\n", 0},
		{[]string{"kv", "delete", "-recurse", "redis"}, "Success! Deleted keys with prefix: redis\n", 0},
		{[]string{"kv", "get", "redis/config"}, "Error! No key exists at: redis/config\n", 1},
	}
	for _, s := range steps {
		out, code := run(s.args...)
		if out != s.out || code != s.code {
			t.Fatalf("consuld %s:\n got %q (exit %d)\nwant %q (exit %d)", strings.Join(s.args, " "), out, code, s.out, s.code)
		}
	}
	out, code := run("kv", "get", "-detailed", "b64")
	if code != 0 || !strings.Contains(out, "Key") || !strings.Contains(out, "hello") || !strings.Contains(out, "Session") {
		t.Fatalf("detailed: %q %d", out, code)
	}
	out, code = run("version", "-format=json")
	if code != 0 || !strings.Contains(out, `"Version": "1.22.7"`) {
		t.Fatalf("version json: %q %d", out, code)
	}
}

func TestCatalogCLIAgainstAgent(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "web.json"), []byte(`{"service": {"name": "web", "tags": ["primary"], "port": 9000}}`), 0o644)
	a := startDev(t, "-config-dir", dir)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "CONSUL_HTTP_ADDR="+a.HTTP)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, code := run("catalog", "services", "-tags")
		if code == 0 && strings.Contains(out, "web") && strings.Contains(out, "primary") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("catalog services: %q %d", out, code)
		}
		time.Sleep(25 * time.Millisecond)
	}
	if out, code := run("catalog", "datacenters"); out != "dc1\n" || code != 0 {
		t.Fatalf("catalog datacenters: %q %d", out, code)
	}
	host, _ := os.Hostname()
	if out, code := run("catalog", "nodes"); code != 0 || !strings.Contains(out, host) || !strings.Contains(out, "dc1") {
		t.Fatalf("catalog nodes: %q %d", out, code)
	}
	svc := filepath.Join(t.TempDir(), "api.json")
	os.WriteFile(svc, []byte(`{"service": {"name": "api", "port": 8080}}`), 0o644)
	if out, code := run("services", "register", svc); out != "Registered service: api\n" || code != 0 {
		t.Fatalf("services register: %q %d", out, code)
	}
	if out, code := run("services", "deregister", "-id", "api"); out != "Deregistered service: api\n" || code != 0 {
		t.Fatalf("services deregister: %q %d", out, code)
	}
	if out, code := run("validate", dir); !strings.Contains(out, "Configuration is valid!") || code != 0 {
		t.Fatalf("validate: %q %d", out, code)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"service": {"name": "x", "port": "nope"}}`), 0o644)
	if out, code := run("validate", bad); code != 1 || !strings.Contains(out, "x.json") {
		t.Fatalf("validate bad: %q %d", out, code)
	}
	if out, code := run("reload"); out != "Configuration reload triggered\n" || code != 0 {
		t.Fatalf("reload: %q %d", out, code)
	}
}
