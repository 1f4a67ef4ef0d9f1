package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeKV is an in-memory KV speaking Consul's wire format for /v1/kv: JSON
// arrays of entries with base64 Value, `true`/`false` write answers, 404 for
// a missing key or an empty listing. It exists to check the CLI's output;
// the agent's own behaviour is tested end to end elsewhere.
type fakeKV struct {
	mu      sync.Mutex
	index   uint64
	entries map[string]*fakeEntry
	reqs    []fakeRequest
	status  int    // when set, every request fails with this status
	body    string // and this body
}

// fakeEntry is a stored entry in Consul's field order. A nil Value encodes
// as null, as Consul sends empty values.
type fakeEntry struct {
	LockIndex   uint64
	Key         string
	Flags       uint64
	Value       []byte
	Session     string `json:",omitempty"`
	CreateIndex uint64
	ModifyIndex uint64
}

type fakeRequest struct {
	Method string
	Path   string
	Query  url.Values
	Token  string
}

func newFakeKV() *fakeKV {
	return &fakeKV{entries: map[string]*fakeEntry{}}
}

// serve starts the fake on a loopback HTTP server closed with the test.
func (f *fakeKV) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

// put stores an entry directly, bumping the index like a write would.
func (f *fakeKV) put(key, value string, flags uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write(key, []byte(value), flags)
}

func (f *fakeKV) get(key string) (*fakeEntry, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[key]
	if !ok {
		return nil, false
	}
	c := *e
	return &c, true
}

func (f *fakeKV) lastRequest() fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		return fakeRequest{}
	}
	return f.reqs[len(f.reqs)-1]
}

func (f *fakeKV) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeKV) write(key string, value []byte, flags uint64) *fakeEntry {
	f.index++
	if len(value) == 0 {
		value = nil
	}
	e, ok := f.entries[key]
	if !ok {
		e = &fakeEntry{Key: key, CreateIndex: f.index}
		f.entries[key] = e
	}
	e.Value, e.Flags, e.ModifyIndex = value, flags, f.index
	return e
}

func (f *fakeKV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	f.reqs = append(f.reqs, fakeRequest{r.Method, r.URL.Path, q, r.Header.Get("X-Consul-Token")})
	if f.status != 0 {
		http.Error(w, f.body, f.status)
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/v1/kv/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		f.serveGet(w, key, q)
	case http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		writeJSON(w, f.servePut(key, body, q))
	case http.MethodDelete:
		writeJSON(w, f.serveDelete(key, q))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (f *fakeKV) serveGet(w http.ResponseWriter, key string, q url.Values) {
	var matched []string
	for k := range f.entries {
		if (q.Has("recurse") || q.Has("keys")) && strings.HasPrefix(k, key) || k == key {
			matched = append(matched, k)
		}
	}
	slices.Sort(matched)
	if len(matched) == 0 {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if q.Has("keys") {
		sep := q.Get("separator")
		var keys []string
		for _, k := range matched {
			if i := strings.Index(k[len(key):], sep); sep != "" && i >= 0 {
				k = k[:len(key)+i+len(sep)]
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		writeJSON(w, keys)
		return
	}
	out := make([]*fakeEntry, 0, len(matched))
	for _, k := range matched {
		out = append(out, f.entries[k])
	}
	writeJSON(w, out)
}

func (f *fakeKV) servePut(key string, body []byte, q url.Values) bool {
	flags, _ := strconv.ParseUint(q.Get("flags"), 10, 64)
	cur, exists := f.entries[key]
	if q.Has("cas") {
		idx, _ := strconv.ParseUint(q.Get("cas"), 10, 64)
		if idx == 0 && exists || idx != 0 && (!exists || cur.ModifyIndex != idx) {
			return false
		}
	}
	if s := q.Get("acquire"); s != "" {
		if exists && cur.Session != "" && cur.Session != s {
			return false
		}
		held := exists && cur.Session == s
		e := f.write(key, body, flags)
		if !held {
			e.LockIndex++
		}
		e.Session = s
		return true
	}
	if s := q.Get("release"); s != "" {
		if !exists || cur.Session != s {
			return false
		}
		f.write(key, body, flags).Session = ""
		return true
	}
	f.write(key, body, flags)
	return true
}

func (f *fakeKV) serveDelete(key string, q url.Values) bool {
	if q.Has("recurse") {
		for k := range f.entries {
			if strings.HasPrefix(k, key) {
				delete(f.entries, k)
			}
		}
		return true
	}
	cur, exists := f.entries[key]
	if q.Has("cas") {
		idx, _ := strconv.ParseUint(q.Get("cas"), 10, 64)
		if !exists {
			return true
		}
		if cur.ModifyIndex != idx {
			return false
		}
	}
	delete(f.entries, key)
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// result is what one Run produced.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the CLI with the given environment and stdin.
func runCLI(env map[string]string, stdin string, args ...string) result {
	var out, errOut bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return result{out.String(), errOut.String(), code}
}

// check compares a result with the wanted stdout, stderr and exit code.
func check(t *testing.T, got result, stdout, stderr string, code int) {
	t.Helper()
	if got.code != code {
		t.Errorf("exit code = %d, want %d (stderr %q)", got.code, code, got.stderr)
	}
	if got.stdout != stdout {
		t.Errorf("stdout =\n%q\nwant\n%q", got.stdout, stdout)
	}
	if got.stderr != stderr {
		t.Errorf("stderr =\n%q\nwant\n%q", got.stderr, stderr)
	}
}
