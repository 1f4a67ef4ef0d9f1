package benchkit

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// ValueBytes is the 128-byte value every PUT and raw proposal carries.
var ValueBytes = func() []byte {
	b := make([]byte, 128)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i%36]
	}
	return b
}()

// LoadClient is the one HTTP client every closed loop uses: keep-alive,
// enough idle connections for the highest concurrency, no compression.
type LoadClient struct {
	tr *http.Transport
	C  *http.Client
}

// NewLoadClient makes a LoadClient for up to maxConc concurrent requests.
func NewLoadClient(maxConc int) *LoadClient {
	tr := &http.Transport{
		MaxIdleConns:        2 * maxConc,
		MaxIdleConnsPerHost: 2 * maxConc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &LoadClient{tr: tr, C: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Reset drops idle connections (to a server that is gone or done with).
func (l *LoadClient) Reset() { l.tr.CloseIdleConnections() }

// HTTPDo sends one request and reads the whole response.
func HTTPDo(ctx context.Context, c *http.Client, method, url string, body []byte) ([]byte, http.Header, int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, nil, 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.Header, resp.StatusCode, err
}
