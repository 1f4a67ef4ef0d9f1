package cli

import (
	"encoding/base64"
	"testing"
)

func TestKeygen(t *testing.T) {
	a, b := runCLI(nil, "", "keygen"), runCLI(nil, "", "keygen")
	for _, r := range []result{a, b} {
		if r.code != 0 || r.stderr != "" || len(r.stdout) == 0 || r.stdout[len(r.stdout)-1] != '\n' {
			t.Fatalf("keygen: %+v", r)
		}
		k, err := base64.StdEncoding.DecodeString(r.stdout[:len(r.stdout)-1])
		if err != nil || len(k) != 32 {
			t.Errorf("key %q: %d bytes, %v", r.stdout, len(k), err)
		}
	}
	if a.stdout == b.stdout {
		t.Error("two runs made the same key")
	}
	if r := runCLI(nil, "", "keygen", "-bogus"); r.code != 1 {
		t.Errorf("unknown flag: %+v", r)
	}
}
