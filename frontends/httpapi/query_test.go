package httpapi

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consuld/consuld/actors"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		name, raw string
		want      actors.Query
		err       error
	}{
		{"empty", "", actors.Query{}, nil},
		{"stale", "stale", actors.Query{Consistency: actors.Stale}, nil},
		{"consistent", "consistent=", actors.Query{Consistency: actors.Consistent}, nil},
		{"both", "stale&consistent", actors.Query{}, errConflict},
		{"index", "index=42&wait=10s", actors.Query{MinIndex: 42, Wait: 10 * time.Second}, nil},
		{"index zero is one", "index=0", actors.Query{MinIndex: 1}, nil},
		{"wait ms", "index=5&wait=100ms", actors.Query{MinIndex: 5, Wait: 100 * time.Millisecond}, nil},
		{"bad index", "index=abc", actors.Query{}, errIndex},
		{"negative index", "index=-1", actors.Query{}, errIndex},
		{"bad wait", "wait=5", actors.Query{}, errWait},
		{"negative wait", "wait=-5s", actors.Query{}, errWait},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, _ := url.ParseQuery(c.raw)
			got, err := parseQuery(v)
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if err == nil && got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestParseUintParam(t *testing.T) {
	v, _ := url.ParseQuery("cas=7&flags=x&empty=")
	if p, err := parseUintParam(v, "cas"); err != nil || *p != 7 {
		t.Fatalf("cas: %v %v", p, err)
	}
	if _, err := parseUintParam(v, "flags"); err == nil || !strings.Contains(err.Error(), "flags") {
		t.Fatalf("flags: %v", err)
	}
	if _, err := parseUintParam(v, "empty"); err == nil {
		t.Fatal("empty value accepted")
	}
	if p, err := parseUintParam(v, "absent"); p != nil || err != nil {
		t.Fatalf("absent: %v %v", p, err)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "index=1&wait=5s", "stale&consistent", "index=18446744073709551615", "wait=1h&index=%00", "cas=1&flags=2&recurse&keys&separator=/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseQuery(v)
		if err != nil {
			var bad badRequest
			if !errors.As(err, &bad) {
				t.Fatalf("non-400 error %v", err)
			}
			return
		}
		if v.Get("index") != "" && q.MinIndex == 0 {
			t.Fatalf("index given but MinIndex 0: %q", raw)
		}
		if q.Wait < 0 {
			t.Fatalf("negative wait from %q", raw)
		}
		parseUintParam(v, "cas")
		parseUintParam(v, "flags")
	})
}

func FuzzValidateKey(f *testing.F) {
	for _, s := range []string{"a", "a/b/", "../x", "a/./b", "a\x00", strings.Repeat("k", 3000), "a..b", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if actors.ValidateKey(key) != nil {
			return
		}
		if key == "" || len(key) > actors.MaxKeyLen || strings.ContainsRune(key, 0) {
			t.Fatalf("accepted bad key %q", key)
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("accepted dot segment in %q", key)
			}
		}
	})
}
