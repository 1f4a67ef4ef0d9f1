package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// expectOK sends one request and fails unless the answer is a 200 (and,
// if want is not empty, its body is want).
func expectOK(ctx context.Context, c *http.Client, method, url string, body []byte, want string) error {
	b, _, status, err := benchkit.HTTPDo(ctx, c, method, url, body)
	if err == nil && (status != http.StatusOK || (want != "" && string(b) != want)) {
		err = fmt.Errorf("%s %s: %d %.200q", method, url, status, b)
	}
	return err
}
