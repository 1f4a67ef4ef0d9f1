package config

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzLoad writes data as the only config file and loads it; any outcome
// but a panic is fine, and an error must be an *Error. The file is rewritten
// in place: a fuzz worker runs one input at a time.
func fuzzLoad(t *testing.T, p string, data []byte, dev bool) {
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load(&Flags{Dev: dev, ConfigFiles: []string{p}})
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("error %T %v is not *Error", err, err)
		}
		return
	}
	if c == nil {
		t.Fatal("nil config without error")
	}
}

func FuzzLoadJSON(f *testing.F) {
	f.Add([]byte(testutilJSON), true)
	f.Add([]byte(equivJSON), false)
	f.Add([]byte(`{"ports": {"http": 1e3}, "services": [{"name": "x"}], "service": {"checks": [{}]}}`), true)
	f.Add([]byte(`{"encrypt": "", "acl": null, "ui": true, "limits": [{"rpc_rate": 1}]}`), true)
	f.Add([]byte(`[`), false)
	p := filepath.Join(f.TempDir(), "f.json")
	f.Fuzz(func(t *testing.T, data []byte, dev bool) {
		fuzzLoad(t, p, data, dev)
	})
}

func FuzzLoadHCL(f *testing.F) {
	f.Add([]byte(equivHCL), false)
	f.Add([]byte("ports { http = 1 }\nports { dns = -1 }\nservice { name = \"a\" }\n"), true)
	f.Add([]byte("acl {\n tokens {\n master = \"x\"\n }\n}\nui_config { enabled = true }\n"), true)
	f.Add([]byte("retry_join = [\"a\", 1]\nperformance = [ { raft_multiplier = 2 } ]\n"), true)
	f.Add([]byte(`{"datacenter": "dc1"}`), true)
	f.Add([]byte("x = <<EOF\nhello\nEOF\n"), true)
	p := filepath.Join(f.TempDir(), "f.hcl")
	f.Fuzz(func(t *testing.T, data []byte, dev bool) {
		fuzzLoad(t, p, data, dev)
	})
}
