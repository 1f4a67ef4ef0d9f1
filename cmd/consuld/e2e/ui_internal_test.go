package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// uiServiceRow is the part of a /v1/internal/ui/services row checked here.
type uiServiceRow struct {
	Name                                                  string
	Tags                                                  []string
	InstanceCount, NodeCount                              int
	ChecksPassing, ChecksWarning, ChecksCritical          int
	InstancesPassing, InstancesWarning, InstancesCritical int
	Status                                                string
	ModifyIndex                                           uint64
}

// TestUIInternalEndpoints checks the aggregated endpoints the UI lists
// read: their rows, order, filters, paging headers and blocking.
func TestUIInternalEndpoints(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	c := a.client()
	seedUI(t, c)

	var rows []uiServiceRow
	status, hdr, body := a.do("GET", "/v1/internal/ui/services", nil)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	mustJSON(t, body, &rows)
	var order []string
	for _, r := range rows {
		order = append(order, r.Name+":"+r.Status)
	}
	if got := fmt.Sprint(order); got != "[db:critical web:warning cache:passing consul:passing]" {
		t.Errorf("order %s", got)
	}
	web := rows[1]
	if web.InstanceCount != 3 || web.NodeCount != 3 || web.InstancesPassing != 2 || web.InstancesWarning != 1 ||
		web.ChecksPassing != 5 || web.ChecksWarning != 1 || fmt.Sprint(web.Tags) != "[v1 http v2]" {
		t.Errorf("web %+v", web)
	}
	if hdr.Get("X-Consuld-Total") != "4" || hdr.Get("X-Consuld-Critical") != "1" || hdr.Get("X-Consuld-Passing") != "2" {
		t.Errorf("headers %v", hdr)
	}

	// Filters and paging.
	for q, want := range map[string]string{
		"search=WE":                      "[web]",
		"tag=primary":                    "[db]",
		"status=passing&sort=name":       "[cache consul]",
		"per_page=2&page=2":              "[cache consul]",
		"status=warning&status=critical": "[db web]",
	} {
		var got []uiServiceRow
		st, h, b := a.do("GET", "/v1/internal/ui/services?"+q, nil)
		mustJSON(t, b, &got)
		var names []string
		for _, r := range got {
			names = append(names, r.Name)
		}
		if st != 200 || fmt.Sprint(names) != want {
			t.Errorf("?%s: %d %v, want %s", q, st, names, want)
		}
		if q == "per_page=2&page=2" && h.Get("X-Consuld-Total") != "4" {
			t.Errorf("?%s: total %q", q, h.Get("X-Consuld-Total"))
		}
	}
	if st, _, b := a.do("GET", "/v1/internal/ui/services?status=down", nil); st != 400 {
		t.Errorf("bad status: %d %s", st, b)
	}

	// Nodes: the failing check is named.
	var nodes []struct {
		Node, Status  string
		ServiceCount  int
		FailingChecks []struct{ Name, Status string }
	}
	_, _, body = a.do("GET", "/v1/internal/ui/nodes?search=node-", nil)
	mustJSON(t, body, &nodes)
	if len(nodes) != 3 || nodes[0].Node != "node-a" || nodes[0].Status != "critical" || nodes[0].ServiceCount != 2 ||
		len(nodes[0].FailingChecks) != 1 || nodes[0].FailingChecks[0].Name != "db health" {
		t.Errorf("nodes %+v", nodes)
	}
	var node struct {
		Node     string
		Services []struct{ ID string }
		Checks   []struct{ CheckID string }
	}
	_, _, body = a.do("GET", "/v1/internal/ui/node/node-b", nil)
	mustJSON(t, body, &node)
	if node.Node != "node-b" || len(node.Services) != 2 || len(node.Checks) != 3 {
		t.Errorf("node-b %+v", node)
	}
	if st, h, _ := a.do("GET", "/v1/internal/ui/node/nope", nil); st != 404 || h.Get("X-Consul-Index") == "" {
		t.Errorf("unknown node: %d %v", st, h)
	}

	// Blocking: a query at the current index waits until a check changes.
	idx := hdr.Get("X-Consul-Index")
	done := make(chan []uiServiceRow, 1)
	go func() {
		var got []uiServiceRow
		resp, err := http.Get("http://" + a.HTTP + "/v1/internal/ui/services?index=" + idx + "&wait=30s")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
		}
		done <- got
	}()
	select {
	case <-done:
		t.Fatal("answered before any change")
	case <-time.After(300 * time.Millisecond):
	}
	_, err := c.Catalog().Register(&api.CatalogRegistration{Node: "node-c", Address: "10.0.0.3", SkipNodeUpdate: true,
		Check: &api.AgentCheck{Node: "node-c", CheckID: "service:cache-2", Name: "cache health", Status: "critical", ServiceID: "cache-2"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-done:
		if len(got) == 0 {
			t.Fatal("blocking query failed")
		}
		if got[0].Name != "cache" || got[0].Status != "critical" || got[0].InstancesCritical != 1 {
			t.Errorf("after the change: %+v", got[0])
		}
		before, _ := strconv.ParseUint(idx, 10, 64)
		if got[0].ModifyIndex <= before {
			t.Errorf("cache ModifyIndex %d not past %d", got[0].ModifyIndex, before)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("blocking query not woken by a check change")
	}
}

// TestUIServing: / redirects to /ui/ (as Consul does), client routes
// answer index.html, and without -ui / says the UI is off.
func TestUIServing(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{"/": "/ui/", "/ui": "/ui/"} {
		resp, err := noFollow.Get("http://" + a.HTTP + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	st, h, body := a.do("GET", "/ui/dc1/services/web", nil)
	if st != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" || !contains(body, `static/js/main.js`) {
		t.Errorf("client route: %d %v", st, h)
	}
	if st, _, _ := a.do("GET", "/ui/static/missing.js", nil); st != 404 {
		t.Errorf("missing asset: %d", st)
	}

	dir := t.TempDir()
	off := startDurable(t, dir)
	st, _, body = off.do("GET", "/", nil)
	if st != 200 || !contains(body, "web UI is disabled") {
		t.Errorf("UI off: %d %q", st, body)
	}
	if st, _, _ := off.do("GET", "/ui/", nil); st != 404 {
		t.Errorf("UI off, /ui/: %d", st)
	}
}
