package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	hostname = func() (string, error) { return "testhost", nil }
	os.Exit(m.Run())
}

// writeFiles writes name→content under dir (names may contain a
// sub-directory) and returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustParse parses agent flags or fails the test.
func mustParse(t *testing.T, args ...string) *Flags {
	t.Helper()
	f, err := ParseFlags(args, io.Discard)
	if err != nil {
		t.Fatalf("ParseFlags(%q): %v", args, err)
	}
	return f
}

func mustLoad(t *testing.T, args ...string) (*Config, []string) {
	t.Helper()
	c, warns, err := Load(mustParse(t, args...))
	if err != nil {
		t.Fatalf("Load(%q): %v", args, err)
	}
	return c, warns
}

func ptr[T any](v T) *T { return &v }

// containsSub reports whether any of list contains sub.
func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
