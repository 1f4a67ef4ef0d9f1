package httpapi

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/go-bexpr"
)

// Consul's prefix for a ?filter expression that does not parse.
const errFilterPrefix = "Failed to create boolean expression evaluator: " // compat

// filter is a compiled ?filter expression (Consul's filter language, by
// go-bexpr). It is evaluated against the wire structs of catalog_wire.go, so
// its selectors are exactly the JSON field names of the answer: Node,
// Meta.env, ServiceTags, Service.Port, Checks, ... A nil *filter matches
// everything. A filter is compiled once per request and is not safe for
// concurrent use (go-bexpr caches compiled regular expressions in it).
type filter struct{ ev *bexpr.Evaluator }

// parseFilter compiles ?filter; nil when it is absent or empty. A bad
// expression is a 400 with Consul's text.
func parseFilter(q url.Values) (*filter, error) {
	expr := q.Get("filter")
	if expr == "" {
		return nil, nil
	}
	ev, err := bexpr.CreateEvaluator(expr)
	if err != nil {
		return nil, badRequest(errFilterPrefix + err.Error())
	}
	return &filter{ev}, nil
}

// match evaluates f against one wire value. An expression that parses but
// cannot be evaluated against the value (an unknown selector, an operator
// that does not apply to the field's type) is a 400 with go-bexpr's text.
func (f *filter) match(v any) (ok bool, err error) {
	if f == nil {
		return true, nil
	}
	defer func() {
		// A panic inside go-bexpr on odd input must not cost the connection.
		if r := recover(); r != nil {
			ok, err = false, badRequest(fmt.Sprint("Failed to evaluate filter: ", r))
		}
	}()
	ok, err = f.ev.Evaluate(v)
	if err != nil {
		return false, badRequest(err.Error())
	}
	return ok, nil
}

// collector gathers the wire values that pass a filter while a View is
// walked; its add returns false (stop walking) after a failed evaluation.
type collector[T any] struct {
	f   *filter
	out []T
	err error
}

// newCollector starts an empty (non-nil, so JSON []) list.
func newCollector[T any](f *filter) *collector[T] {
	return &collector[T]{f: f, out: []T{}}
}

func (c *collector[T]) add(v T) bool {
	if c.f != nil {
		ok, err := c.f.match(v)
		if err != nil {
			c.err = err
			return false
		}
		if !ok {
			return true
		}
	}
	c.out = append(c.out, v)
	return true
}

// result is the gathered list, or the evaluation error that stopped it.
func (c *collector[T]) result() ([]T, error) {
	if c.err != nil {
		return nil, c.err
	}
	return c.out, nil
}

// listQuery holds the list-narrowing parameters of the catalog and health
// endpoints; each endpoint uses the ones Consul documents for it.
type listQuery struct {
	filter   *filter           // ?filter, nil when absent
	nodeMeta map[string]string // ?node-meta, nil when absent
	tags     []string          // ?tag, all required
	passing  bool              // ?passing
}

// parseListQuery reads the list parameters, compiling ?filter once.
func parseListQuery(q url.Values) (listQuery, error) {
	f, err := parseFilter(q)
	if err != nil {
		return listQuery{}, err
	}
	_, passing := q["passing"]
	return listQuery{filter: f, nodeMeta: parseNodeMeta(q), tags: q["tag"], passing: passing}, nil
}

// parseNodeMeta reads ?node-meta=key:value, repeatable, as Consul does: the
// value is everything after the first colon ("" when there is none), and a
// key given twice keeps its last value. Nil when the parameter is absent.
func parseNodeMeta(q url.Values) map[string]string {
	raw, ok := q["node-meta"]
	if !ok {
		return nil
	}
	m := make(map[string]string, len(raw))
	for _, kv := range raw {
		k, v, _ := strings.Cut(kv, ":")
		m[k] = v
	}
	return m
}

// matchNodeMeta reports whether meta has every wanted key with exactly the
// wanted value.
func matchNodeMeta(meta, want map[string]string) bool {
	for k, v := range want {
		if got, ok := meta[k]; !ok || got != v {
			return false
		}
	}
	return true
}
