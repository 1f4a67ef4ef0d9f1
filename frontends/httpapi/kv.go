package httpapi

import (
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
	"github.com/consuld/consuld/events"
)

// kvEntry is Consul's DirEntry on the wire.
type kvEntry struct {
	LockIndex   uint64
	Key         string
	Flags       uint64
	Value       []byte
	Session     string `json:",omitempty"`
	CreateIndex uint64
	ModifyIndex uint64
}

func toWire(e *events.Entry) kvEntry {
	return kvEntry{LockIndex: e.LockIndex, Key: e.Key, Flags: e.Flags, Value: e.Value,
		Session: e.Session, CreateIndex: e.CreateIndex, ModifyIndex: e.ModifyIndex}
}

// kvKey is the key named by the request path (decoded, as Consul does).
func kvKey(c echo.Context) string {
	return strings.TrimPrefix(c.Request().URL.Path, "/v1/kv/")
}

func (a *API) kvGet(c echo.Context) (any, *actors.Meta, error) {
	params := c.QueryParams()
	q, err := parseQuery(params)
	if err != nil {
		return nil, nil, err
	}
	key, ctx := kvKey(c), c.Request().Context()
	if _, ok := params["keys"]; ok {
		keys, m, err := a.c.KVKeys(ctx, key, params.Get("separator"), q)
		switch {
		case err != nil:
			return nil, nil, err
		case len(keys) == 0 && key != "": // the root always exists
			return notFound{}, &m, nil
		case keys == nil:
			keys = []string{}
		}
		return keys, &m, nil
	}
	if _, ok := params["recurse"]; ok {
		list, m, err := a.c.KVList(ctx, key, q)
		switch {
		case err != nil:
			return nil, nil, err
		case len(list) == 0:
			return notFound{}, &m, nil
		}
		out := make([]kvEntry, len(list))
		for i, e := range list {
			out[i] = toWire(e)
		}
		return out, &m, nil
	}
	e, m, err := a.c.KVGet(ctx, key, q)
	switch {
	case err != nil:
		return nil, nil, err
	case e == nil:
		return notFound{}, &m, nil
	}
	if _, ok := params["raw"]; ok {
		return raw(e.Value), &m, nil
	}
	return []kvEntry{toWire(e)}, &m, nil
}

func (a *API) kvPut(c echo.Context) (any, *actors.Meta, error) {
	params := c.QueryParams()
	key := kvKey(c)
	if err := actors.ValidateKey(key); err != nil {
		return nil, nil, err
	}
	flags, err := parseUintParam(params, "flags")
	if err != nil {
		return nil, nil, err
	}
	cas, err := parseUintParam(params, "cas")
	if err != nil {
		return nil, nil, err
	}
	value, err := readValue(c.Request(), a.c.MaxValueSize())
	if err != nil {
		return nil, nil, err
	}
	o := actors.PutOptions{CAS: cas}
	if flags != nil {
		o.Flags = *flags
	}
	ok, err := a.c.KVPut(c.Request().Context(), key, value, o)
	return ok, nil, err
}

func (a *API) kvDelete(c echo.Context) (any, *actors.Meta, error) {
	params := c.QueryParams()
	key, ctx := kvKey(c), c.Request().Context()
	if _, ok := params["recurse"]; ok {
		ok, err := a.c.KVDeleteTree(ctx, key)
		return ok, nil, err
	}
	cas, err := parseUintParam(params, "cas")
	if err != nil {
		return nil, nil, err
	}
	ok, err := a.c.KVDelete(ctx, key, cas)
	return ok, nil, err
}

// readValue reads a KV body, refusing more than max bytes whether or not
// Content-Length announced them (a lying or chunked body is cut off).
func readValue(r *http.Request, max int) ([]byte, error) {
	if r.ContentLength > int64(max) {
		return nil, &actors.ValueTooLargeError{Size: int(r.ContentLength), Max: max}
	}
	var b []byte
	var err error
	if n := r.ContentLength; n >= 0 {
		b = make([]byte, n) // announced: read exactly that (Go's server stops there)
		_, err = io.ReadFull(r.Body, b)
	} else {
		b, err = io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
	}
	if err != nil {
		return nil, badRequest("Request body read failed: " + err.Error())
	}
	if len(b) > max {
		return nil, &actors.ValueTooLargeError{Size: len(b), Max: max}
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

func (a *API) statusLeader(c echo.Context) (any, *actors.Meta, error) {
	return a.c.Leader(), nil, nil
}

func (a *API) statusPeers(c echo.Context) (any, *actors.Meta, error) {
	p, err := a.c.Peers(c.Request().Context())
	if p == nil {
		p = []string{}
	}
	return p, nil, err
}
