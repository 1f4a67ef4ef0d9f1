package httpapi

import (
	"net/url"
	"strconv"
	"time"

	"github.com/consuld/consuld/actors"
)

// Consul's texts for malformed query parameters.
const (
	errIndex    = badRequest("Invalid index")                                                  // compat
	errWait     = badRequest("Invalid wait time")                                              // compat
	errConflict = badRequest("Cannot specify ?stale with ?consistent, conflicting semantics.") // compat
)

// parseQuery reads the read options shared by every blocking endpoint.
func parseQuery(q url.Values) (actors.Query, error) {
	var o actors.Query
	_, stale := q["stale"]
	_, consistent := q["consistent"]
	switch {
	case stale && consistent:
		return o, errConflict
	case stale:
		o.Consistency = actors.Stale
	case consistent:
		o.Consistency = actors.Consistent
	}
	if s := q.Get("index"); s != "" {
		idx, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return o, errIndex
		}
		o.MinIndex = max(idx, 1) // index 0 is treated as 1
	}
	if s := q.Get("wait"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return o, errWait
		}
		o.Wait = d
	}
	return o, nil
}

// parseUintParam parses an optional unsigned integer parameter.
func parseUintParam(q url.Values, name string) (*uint64, error) {
	if _, ok := q[name]; !ok {
		return nil, nil
	}
	v, err := strconv.ParseUint(q.Get(name), 10, 64)
	if err != nil {
		return nil, badRequest("Invalid " + name + " value: " + strconv.Quote(q.Get(name)) + " is not an unsigned integer")
	}
	return &v, nil
}
