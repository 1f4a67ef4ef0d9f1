package cli

import (
	"slices"
	"testing"
)

func TestKVDelete(t *testing.T) {
	all := []string{"empty", "memcached/x", "redis/config/connections", "redis/config/cpu", "redis/config/memory"}
	without := func(gone ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(k string) bool { return slices.Contains(gone, k) })
	}
	tests := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
		left           []string // keys that must remain
	}{
		{"key", []string{"redis/config/cpu"}, "Success! Deleted key: redis/config/cpu\n", "", 0,
			without("redis/config/cpu")},
		{"leading slash is dropped", []string{"/memcached/x"}, "Success! Deleted key: memcached/x\n", "", 0,
			without("memcached/x")},
		{"missing key succeeds", []string{"not-a-real-key"}, "Success! Deleted key: not-a-real-key\n", "", 0, all},
		{"recurse", []string{"-recurse", "redis/"}, "Success! Deleted keys with prefix: redis/\n", "", 0,
			[]string{"empty", "memcached/x"}},
		{"recurse without a key deletes everything", []string{"-recurse"}, "Success! Deleted keys with prefix: \n", "", 0, nil},
		{"cas with the right index", []string{"-cas", "-modify-index=2", "redis/config/cpu"},
			"Success! Deleted key: redis/config/cpu\n", "", 0, without("redis/config/cpu")},
		{"cas with a stale index", []string{"-cas", "-modify-index=123", "redis/config/cpu"},
			"", "Error! Did not delete key redis/config/cpu: CAS failed\n", 1, all},
		{"cas without an index", []string{"-cas", "redis/config/cpu"},
			"", "Cannot delete a key that does not exist. Provide a -modify-index greater than than 0.\n", 1, all},
		{"index without cas", []string{"-modify-index=2", "redis/config/cpu"},
			"", "Cannot specify -modify-index without -cas!\n", 1, all},
		{"cas and recurse", []string{"-cas", "-modify-index=2", "-recurse", "redis/"},
			"", "Cannot specify both -cas and -recurse!\n", 1, all},
		{"no key", nil, "", "Error! Missing KEY argument\n", 1, all},
		{"too many arguments", []string{"a", "b"}, "", "Too many arguments (expected 1, got 2)\n", 1, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seededKV()
			srv := f.serve(t)
			args := append([]string{"kv", "delete", "-http-addr=" + srv.URL}, tt.args...)
			check(t, runCLI(nil, "", args...), tt.stdout, tt.stderr, tt.code)
			var left []string
			for _, k := range all {
				if _, ok := f.get(k); ok {
					left = append(left, k)
				}
			}
			if !slices.Equal(left, tt.left) {
				t.Errorf("keys left %v, want %v", left, tt.left)
			}
		})
	}
}

func TestKVDeleteAgentError(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"key", []string{"foo"}, "Error deleting key foo: Unexpected response code: 403 (Permission denied)\n"},
		{"recurse", []string{"-recurse", "foo/"}, "Error! Did not delete prefix foo/: Unexpected response code: 403 (Permission denied)\n"},
		{"cas", []string{"-cas", "-modify-index=4", "foo"}, "Error! Did not delete key foo: Unexpected response code: 403 (Permission denied)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeKV()
			f.status, f.body = 403, "Permission denied"
			srv := f.serve(t)
			args := append([]string{"kv", "delete", "-http-addr=" + srv.URL}, tt.args...)
			check(t, runCLI(nil, "", args...), "", tt.stderr, 1)
		})
	}
}
