package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// putOp PUTs valueBytes to base+path(w, n) and expects `true`.
func putOp(c *http.Client, base string, path func(w, n int) string) benchkit.OpFunc {
	return func(ctx context.Context, w, n int) error {
		url := base + path(w, n)
		b, _, status, err := benchkit.HTTPDo(ctx, c, http.MethodPut, url, benchkit.ValueBytes)
		if err == nil && (status != http.StatusOK || string(b) != "true") {
			err = fmt.Errorf("PUT %s: %d %.200q", url, status, b)
		}
		return err
	}
}

// getOp GETs base+path(w, n)+query and expects a 200 with a body.
func getOp(c *http.Client, base string, path func(w, n int) string, query string) benchkit.OpFunc {
	return func(ctx context.Context, w, n int) error {
		url := base + path(w, n) + query
		b, _, status, err := benchkit.HTTPDo(ctx, c, http.MethodGet, url, nil)
		if err == nil && (status != http.StatusOK || len(b) == 0) {
			err = fmt.Errorf("GET %s: %d %.200q", url, status, b)
		}
		return err
	}
}

// getKeys is how many keys the GET runs spread over (seeded first).
const getKeys = 1024

func getKeyPath(w, n int) string {
	return "/v1/kv/bench/get/" + strconv.Itoa((w*7919+n)%getKeys)
}
