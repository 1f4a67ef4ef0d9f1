package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKVPut(t *testing.T) {
	dir := t.TempDir()
	dataFile := filepath.Join(dir, "password.txt")
	if err := os.WriteFile(dataFile, []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name           string
		args           []string
		stdin          string
		stdout, stderr string
		code           int
		key, value     string // what must be stored afterwards ("" key: nothing to check)
		flags          uint64
	}{
		{name: "value", args: []string{"foo", "bar"},
			stdout: "Success! Data written to: foo\n", key: "foo", value: "bar"},
		{name: "no data stores an empty value", args: []string{"foo"},
			stdout: "Success! Data written to: foo\n", key: "foo", value: ""},
		{name: "empty data", args: []string{"foo", ""},
			stdout: "Success! Data written to: foo\n", key: "foo", value: ""},
		{name: "stdin", args: []string{"foo", "-"}, stdin: "from\nstdin\n",
			stdout: "Success! Data written to: foo\n", key: "foo", value: "from\nstdin\n"},
		{name: "dash word is data", args: []string{"foo", "-5"},
			stdout: "Success! Data written to: foo\n", key: "foo", value: "-5"},
		{name: "file", args: []string{"foo", "@" + dataFile},
			stdout: "Success! Data written to: foo\n", key: "foo", value: "s3cr3t\n"},
		{name: "missing file", args: []string{"foo", "@" + missing},
			stderr: "Error! Failed to read file: open " + missing + ": no such file or directory\n", code: 1},
		{name: "base64", args: []string{"-base64", "foo", "aGVsbG8gd29ybGQK"},
			stdout: "Success! Data written to: foo\n", key: "foo", value: "hello world\n"},
		{name: "base64 from stdin", args: []string{"-base64", "foo", "-"}, stdin: "aGk=\n",
			stdout: "Success! Data written to: foo\n", key: "foo", value: "hi"},
		{name: "bad base64 writes nothing", args: []string{"-base64", "foo", "!!"},
			stderr: "Error! Cannot base 64 decode data: illegal base64 data at input byte 0\n", code: 1},
		{name: "flags", args: []string{"-flags=42", "foo", "bar"},
			stdout: "Success! Data written to: foo\n", key: "foo", value: "bar", flags: 42},
		{name: "overwrite", args: []string{"existing", "new"},
			stdout: "Success! Data written to: existing\n", key: "existing", value: "new"},
		{name: "cas with the right index", args: []string{"-cas", "-modify-index=1", "existing", "new"},
			stdout: "Success! Data written to: existing\n", key: "existing", value: "new"},
		{name: "cas with a stale index", args: []string{"-cas", "-modify-index=123", "existing", "new"},
			stderr: "Error! Did not write to existing: CAS failed\n", code: 1, key: "existing", value: "old"},
		{name: "cas index 0 on an existing key", args: []string{"-cas", "existing", "new"},
			stderr: "Error! Did not write to existing: CAS performed with index=0 and key already exists.\n", code: 1,
			key: "existing", value: "old"},
		{name: "cas index 0 creates", args: []string{"-cas", "-modify-index=0", "fresh", "v"},
			stdout: "Success! Data written to: fresh\n", key: "fresh", value: "v"},
		{name: "missing key", stderr: "Error! Missing KEY argument\n", code: 1},
		{name: "too many arguments", args: []string{"a", "b", "c"},
			stderr: "Error! Too many arguments (expected 1 or 2, got 3)\n", code: 1},
		{name: "flag after key is an argument", args: []string{"foo", "-flags=1", "bar"},
			stderr: "Error! Too many arguments (expected 1 or 2, got 3)\n", code: 1},
		{name: "leading slash", args: []string{"/foo", "bar"},
			stderr: "Error! Failed writing data: Invalid key. Key must not begin with a '/': /foo\n", code: 1},
		{name: "acquire needs a session", args: []string{"-acquire", "lock"},
			stderr: "Error! Missing -session (required with -acquire and -release)\n", code: 1},
		{name: "release needs a session", args: []string{"-release", "lock"},
			stderr: "Error! Missing -session (required with -acquire and -release)\n", code: 1},
		{name: "acquire", args: []string{"-acquire", "-session=s1", "lock"},
			stdout: "Success! Lock acquired on: lock\n", key: "lock", value: ""},
		{name: "acquire held by another session", args: []string{"-acquire", "-session=s2", "held"},
			stderr: "Error! Did not acquire lock\n", code: 1},
		{name: "release", args: []string{"-release", "-session=s1", "held"},
			stdout: "Success! Lock released on: held\n", key: "held", value: ""},
		{name: "release by another session", args: []string{"-release", "-session=s2", "held"},
			stderr: "Error! Did not release lock\n", code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeKV()
			f.put("existing", "old", 0) // index 1
			srv := f.serve(t)
			if got := runCLI(nil, "", "kv", "put", "-http-addr="+srv.URL, "-acquire", "-session=s1", "held"); got.code != 0 {
				t.Fatalf("seeding the lock: %+v", got)
			}
			args := append([]string{"kv", "put", "-http-addr=" + srv.URL}, tt.args...)
			check(t, runCLI(nil, tt.stdin, args...), tt.stdout, tt.stderr, tt.code)
			if tt.key == "" {
				return
			}
			e, ok := f.get(tt.key)
			if !ok {
				t.Fatalf("key %q not stored", tt.key)
			}
			if string(e.Value) != tt.value || e.Flags != tt.flags {
				t.Errorf("stored %q flags %d, want %q flags %d", e.Value, e.Flags, tt.value, tt.flags)
			}
		})
	}
}

func TestKVPutRejectedBeforeAnyRequest(t *testing.T) {
	for _, args := range [][]string{
		{"-base64", "foo", "!!"},
		{"-acquire", "foo"},
		{},
		{"-nope", "foo", "bar"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f := newFakeKV()
			srv := f.serve(t)
			got := runCLI(nil, "", append([]string{"kv", "put", "-http-addr=" + srv.URL}, args...)...)
			if got.code != 1 || f.requestCount() != 0 {
				t.Errorf("code %d, %d requests; want 1 and none", got.code, f.requestCount())
			}
		})
	}
}

func TestKVPutAgentError(t *testing.T) {
	f := newFakeKV()
	f.status, f.body = 413, "Value exceeds 524288 byte limit"
	srv := f.serve(t)
	check(t, runCLI(nil, "", "kv", "put", "-http-addr="+srv.URL, "big", "x"), "",
		"Error! Failed writing data: Unexpected response code: 413 (Value exceeds 524288 byte limit)\n", 1)
	check(t, runCLI(nil, "", "kv", "put", "-http-addr="+srv.URL, "-cas", "-modify-index=3", "big", "x"), "",
		"Error! Did not write to big: Unexpected response code: 413 (Value exceeds 524288 byte limit)\n", 1)
}

func TestKVPutUnknownFlag(t *testing.T) {
	got := runCLI(nil, "", "kv", "put", "-nope", "foo")
	if got.code != 1 || got.stdout != "" ||
		!strings.HasPrefix(got.stderr, "flag provided but not defined: -nope\nUsage:\n") ||
		!strings.Contains(got.stderr, "  -modify-index uint\n") {
		t.Errorf("got %+v", got)
	}
}

func TestLoadData(t *testing.T) {
	tests := []struct {
		arg, stdin, want string
	}{
		{"", "unused", ""},
		{"plain", "unused", "plain"},
		{"-", "piped", "piped"},
		{"--", "unused", "--"},
		{"a@b", "unused", "a@b"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			got, err := loadData(tt.arg, strings.NewReader(tt.stdin))
			if err != nil || got != tt.want {
				t.Errorf("loadData(%q) = %q, %v; want %q", tt.arg, got, err, tt.want)
			}
		})
	}
}
