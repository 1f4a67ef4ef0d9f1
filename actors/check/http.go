package check

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request headers Consul sends unless the check sets them.
const (
	userAgent     = "Consul Health Check" // compat: targets may match it
	acceptDefault = "text/plain, text/*, */*"
)

// HTTP probes a URL: 2xx is passing, 429 Too Many Requests is warning,
// anything else or a transport error is critical. Output is Consul's
// "HTTP GET <url>: 200 OK Output: <body>", where body is the last
// OutputMaxSize bytes of the response body; on a transport error it is the
// error text. Redirects are followed (up to net/http's ten) unless
// DisableRedirects. A Host header sets the request's Host.
type HTTP struct {
	URL              string
	Method           string // GET if empty
	Header           map[string][]string
	Body             string
	DisableRedirects bool
	TLSSkipVerify    bool
	TLSServerName    string
	Timeout          time.Duration // DefaultTimeout if zero
	OutputMaxSize    int           // DefaultOutputMaxSize if zero

	once   sync.Once
	client *http.Client
}

// Probe implements Prober.
func (h *HTTP) Probe(ctx context.Context) Result {
	// The client's own Timeout bounds the probe, body included, so a
	// timeout reads as Consul's does ("… (Client.Timeout exceeded while
	// awaiting headers)"); ctx can only shorten it.
	h.once.Do(h.init)

	method := h.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, h.URL, strings.NewReader(h.Body))
	if err != nil {
		return critical(err.Error())
	}
	for k, vs := range h.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", acceptDefault)
	}

	resp, err := h.client.Do(req)
	if err != nil {
		return critical(err.Error())
	}
	defer resp.Body.Close()
	body := newTail(h.OutputMaxSize)
	// Like Consul, a body cut short (by the timeout, say) still reports
	// the status code with what was read.
	_, _ = io.Copy(body, resp.Body)

	out := fmt.Sprintf("HTTP %s %s: %s Output: %s", method, h.URL, resp.Status, body) // compat: Consul's text
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return passing(out)
	case resp.StatusCode == http.StatusTooManyRequests:
		return Result{Status: StatusWarning, Output: out}
	}
	return critical(out)
}

func (h *HTTP) init() {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// A fresh connection per probe, as Consul does, so a keep-alive
	// connection the target dropped never fails a check.
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout}).DialContext,
		TLSClientConfig:       tlsConfig(h.TLSSkipVerify, h.TLSServerName),
		TLSHandshakeTimeout:   timeout,
		DisableKeepAlives:     true,
		ForceAttemptHTTP2:     true,
		ExpectContinueTimeout: time.Second,
	}
	h.client = &http.Client{Transport: transport, Timeout: timeout}
	if h.DisableRedirects {
		h.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
}
