package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// handler is parse -> call -> return. It returns the value to encode as
// JSON (or a response type below), the query meta for blocking-query
// headers (nil for writes), and an error.
type handler func(c echo.Context) (any, *actors.Meta, error)

// raw is written as is (?raw).
type raw []byte

// notFound is an empty 404 that still carries the query headers.
type notFound struct{}

// withStatus is a JSON answer with a status other than 200.
type withStatus struct {
	status int
	v      any
}

// notFoundErr is a 404 with a text.
type notFoundErr string

func (n notFoundErr) Error() string { return string(n) }

// badRequest is a 400 with Consul's text.
type badRequest string

func (b badRequest) Error() string { return string(b) }

func (a *API) wrap(h handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		hdr := c.Response().Header()
		// Shared, never-modified values: net/http copies headers it keeps.
		hdr["Vary"] = hdrVary
		hdr["X-Consul-Default-Acl-Policy"] = hdrAllow
		v, meta, err := h(c)
		if meta != nil {
			setMeta(hdr, meta)
		}
		if err != nil {
			status, text := errorStatus(err)
			return writeError(c, status, text)
		}
		switch v := v.(type) {
		case notFound:
			return c.NoContent(http.StatusNotFound)
		case encoded:
			return c.Blob(http.StatusOK, "application/json", v)
		case withStatus:
			b, err := a.encode(c, v.v)
			if err != nil {
				return writeError(c, http.StatusInternalServerError, err.Error())
			}
			return c.Blob(v.status, "application/json", b)
		case nil:
			return c.NoContent(http.StatusOK)
		case raw:
			hdr.Set("Content-Security-Policy", "sandbox")
			hdr.Set("X-Content-Type-Options", "nosniff") // compat: XSS fix, keep
			return c.Blob(http.StatusOK, "text/plain; charset=utf-8", v)
		}
		b, err := a.encode(c, v)
		if err != nil {
			return writeError(c, http.StatusInternalServerError, err.Error())
		}
		return c.Blob(http.StatusOK, "application/json", b)
	}
}

// encode renders v as JSON, indented in dev mode or with ?pretty.
func (a *API) encode(c echo.Context, v any) ([]byte, error) {
	if _, pretty := c.QueryParams()["pretty"]; pretty || a.opts.Pretty {
		return json.MarshalIndent(v, "", "    ")
	}
	return json.Marshal(v)
}

var (
	hdrVary       = []string{"Accept-Encoding"}
	hdrAllow      = []string{"allow"}
	hdrTrue       = []string{"true"}
	hdrFalse      = []string{"false"}
	hdrZero       = []string{"0"}
	hdrBlocking   = []string{"blocking-query"}
	hdrConsistent = []string{"consistent"}
	hdrStale      = []string{"stale"}
)

// setMeta writes the blocking-query headers (keys already canonical).
func setMeta(h http.Header, m *actors.Meta) {
	h["X-Consul-Index"] = []string{strconv.FormatUint(m.Index, 10)}
	h["X-Consul-Knownleader"] = hdrFalse
	if m.KnownLeader {
		h["X-Consul-Knownleader"] = hdrTrue
	}
	h["X-Consul-Lastcontact"] = hdrZero
	if m.LastContact > 0 {
		h["X-Consul-Lastcontact"] = []string{strconv.FormatInt(int64(m.LastContact/time.Millisecond), 10)}
	}
	h["X-Consul-Query-Backend"] = hdrBlocking
	switch m.Consistency {
	case "consistent":
		h["X-Consul-Effective-Consistency"] = hdrConsistent
	case "stale":
		h["X-Consul-Effective-Consistency"] = hdrStale
	}
}

// errorStatus is the one table from errors to Consul's status codes.
func errorStatus(err error) (int, string) {
	var tooLarge *actors.ValueTooLargeError
	var bad badRequest
	var nf notFoundErr
	var unknownSvc *actors.UnknownServiceError
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest, err.Error()
	case errors.As(err, &nf):
		return http.StatusNotFound, err.Error()
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, err.Error()
	case errors.Is(err, actors.ErrMissingKey), errors.Is(err, actors.ErrKeyTooLong),
		errors.Is(err, actors.ErrKeyNUL), errors.Is(err, actors.ErrKeyDotDot):
		return http.StatusBadRequest, err.Error()
	case errors.As(err, &unknownSvc), errors.Is(err, actors.ErrRegisterRejected):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, actors.ErrNoLeader):
		return http.StatusInternalServerError, err.Error()
	case errors.Is(err, actors.ErrTimeout):
		return http.StatusGatewayTimeout, err.Error()
	}
	return http.StatusInternalServerError, err.Error()
}

func writeError(c echo.Context, status int, text string) error {
	return c.Blob(status, "text/plain; charset=utf-8", []byte(text))
}
