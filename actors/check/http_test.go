package check

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHTTPStatusCodes(t *testing.T) {
	cases := []struct {
		code   int
		body   string
		status Status
		line   string
	}{
		{200, "ok\n", StatusPassing, "200 OK"},
		{204, "", StatusPassing, "204 No Content"},
		{299, "edge", StatusPassing, "299 status code 299"},
		{429, "slow down", StatusWarning, "429 Too Many Requests"},
		{500, "boom", StatusCritical, "500 Internal Server Error"},
		{404, "nope", StatusCritical, "404 Not Found"},
		{418, "teapot", StatusCritical, "418 I'm a teapot"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.code)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			url := srv.URL + "/health"
			got := probe(t, &HTTP{URL: url, Timeout: 5 * time.Second})
			wantResult(t, got, tc.status, fmt.Sprintf("HTTP GET %s: %s Output: %s", url, tc.line, tc.body))
		})
	}
}

func TestHTTPRequestShape(t *testing.T) {
	type seen struct {
		method, body, host, ua, accept string
		foo                            []string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, string(b), r.Host, r.UserAgent(), r.Header.Get("Accept"), r.Header.Values("X-Foo")}
	}))
	defer srv.Close()

	r := probe(t, &HTTP{URL: srv.URL, Timeout: 5 * time.Second})
	wantResult(t, r, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: ")
	if s := <-got; s.method != "GET" || s.ua != "Consul Health Check" || s.accept != "text/plain, text/*, */*" || s.body != "" {
		t.Fatalf("default request: %+v", s)
	}

	r = probe(t, &HTTP{
		URL: srv.URL, Method: "POST", Body: `{"method":"health"}`, Timeout: 5 * time.Second,
		Header: map[string][]string{"x-foo": {"bar", "baz"}, "Host": {"virtual.test"}, "User-Agent": {"mine"}, "Accept": {"application/json"}},
	})
	wantResult(t, r, StatusPassing, "HTTP POST "+srv.URL+": 200 OK Output: ")
	if s := <-got; s.method != "POST" || s.body != `{"method":"health"}` || s.host != "virtual.test" ||
		s.ua != "mine" || s.accept != "application/json" || strings.Join(s.foo, ",") != "bar,baz" {
		t.Fatalf("custom request: %+v", s)
	}
}

func TestHTTPRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "landed") })
	mux.Handle("/moved", http.RedirectHandler("/ok", http.StatusFound))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url := srv.URL + "/moved"

	got := probe(t, &HTTP{URL: url, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP GET "+url+": 200 OK Output: landed")

	got = probe(t, &HTTP{URL: url, DisableRedirects: true, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "HTTP GET "+url+": 302 Found Output: ")
}

func TestHTTPOutputKeepsTheLastBytes(t *testing.T) {
	body := strings.Repeat("a", 1000) + strings.Repeat("b", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
	defer srv.Close()

	got := probe(t, &HTTP{URL: srv.URL, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: "+strings.Repeat("b", 4096))

	got = probe(t, &HTTP{URL: srv.URL, OutputMaxSize: 3, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: bbb")
}

func TestHTTPConnectionRefused(t *testing.T) {
	url := "http://" + closedAddr(t, "tcp") + "/"
	got := probe(t, &HTTP{URL: url, Timeout: 5 * time.Second})
	// The reference transcript: Get "http://127.0.0.1:8081/": dial tcp 127.0.0.1:8081: connect: connection refused
	wantContains(t, got, StatusCritical, `Get "`+url+`": dial tcp `, "connect: connection refused")
}

func TestHTTPBadURL(t *testing.T) {
	wantContains(t, probe(t, &HTTP{URL: "://nope"}), StatusCritical, "missing protocol scheme")
}

func TestHTTPHangingServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	got := probe(t, &HTTP{URL: srv.URL, Timeout: 50 * time.Millisecond})
	wantContains(t, got, StatusCritical, `Get "`+srv.URL+`"`, "Client.Timeout exceeded")
}

func TestHTTPHangingBodyStillReportsTheCode(t *testing.T) {
	// Headers arrive, the body never ends: like Consul, the status code
	// decides and the output holds what was read.
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	got := probe(t, &HTTP{URL: srv.URL, Timeout: 100 * time.Millisecond})
	wantResult(t, got, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: partial")
}

func TestHTTPTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.TLS.ServerName)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{testCert(t)}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the unverified probe's handshake error
	srv.StartTLS()
	defer srv.Close()

	got := probe(t, &HTTP{URL: srv.URL, Timeout: 5 * time.Second})
	wantContains(t, got, StatusCritical, "certificate")

	got = probe(t, &HTTP{URL: srv.URL, TLSSkipVerify: true, Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: ")

	got = probe(t, &HTTP{URL: srv.URL, TLSSkipVerify: true, TLSServerName: "check.test", Timeout: 5 * time.Second})
	wantResult(t, got, StatusPassing, "HTTP GET "+srv.URL+": 200 OK Output: check.test")
}
