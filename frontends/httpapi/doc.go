// Package httpapi is consuld's HTTP API on Echo, wire-compatible with
// Consul's /v1 API: same routes, query parameters, status codes, headers,
// JSON field names and error texts.
//
// Routes are one table (routes.go). Handlers parse, call actors.Client and
// return a value or an error; wrap (wrap.go) turns both into the response:
// common headers, JSON (pretty in dev mode or with ?pretty), and the error
// table that maps errors to Consul's status codes and texts.
package httpapi
