package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/hashicorp/consul/api"
)

// seedUI registers a small catalog and KV tree through the API:
//
//	web   on node-a (passing), node-b (warning), node-c (passing)
//	db    on node-a (critical: "postgres ping", connection refused)
//	cache on node-b and node-c (passing)
//	kv    config/app.json (JSON), config/feature, config/db/url, readme
func seedUI(t *testing.T, c *api.Client) {
	t.Helper()
	// The agent registers its own node and the consul service once it has
	// a leader; the UI tests count them.
	eventually(t, "the consul service", 20*time.Second, func() bool {
		s, _, err := c.Catalog().Service("consul", "", nil)
		return err == nil && len(s) == 1
	})
	nodes := map[string]string{"node-a": "10.0.0.1", "node-b": "10.0.0.2", "node-c": "10.0.0.3"}
	reg := func(node, id, name string, port int, tags []string, meta map[string]string, status, output string) {
		t.Helper()
		_, err := c.Catalog().Register(&api.CatalogRegistration{Node: node, Address: nodes[node],
			NodeMeta: map[string]string{"rack": "r" + node[len(node)-1:]},
			Service:  &api.AgentService{ID: id, Service: name, Tags: tags, Port: port, Meta: meta},
			Checks: api.HealthChecks{
				{Node: node, CheckID: "serfHealth", Name: "Serf Health Status", Status: "passing", Output: "Agent alive and reachable"},
				{Node: node, CheckID: "service:" + id, Name: name + " health", Status: status, ServiceID: id, Output: output, Type: "http"},
			}}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	reg("node-a", "web-1", "web", 8080, []string{"v1", "http"}, map[string]string{"version": "1.4.2"}, "passing", "HTTP GET http://10.0.0.1:8080/health: 200 OK")
	reg("node-b", "web-2", "web", 8080, []string{"v2", "http"}, map[string]string{"version": "1.5.0"}, "warning", "HTTP GET http://10.0.0.2:8080/health: 429 Too Many Requests")
	reg("node-c", "web-3", "web", 8080, []string{"v1", "http"}, nil, "passing", "HTTP GET http://10.0.0.3:8080/health: 200 OK")
	reg("node-a", "db-1", "db", 5432, []string{"primary"}, nil, "critical", "dial tcp 10.0.0.1:5432: connect: connection refused")
	reg("node-b", "cache-1", "cache", 6379, nil, nil, "passing", "TCP connect 10.0.0.2:6379: Success")
	reg("node-c", "cache-2", "cache", 6379, nil, nil, "passing", "TCP connect 10.0.0.3:6379: Success")
	for k, v := range map[string]string{
		"config/app.json":   `{"name":"shop","replicas":3,"features":{"search":true}}`,
		"config/feature":    "on",
		"config/db/url":     "postgres://db.service.consul:5432/shop",
		"readme":            "plain text, not JSON",
		"config/empty-leaf": "",
	} {
		if _, err := c.KV().Put(&api.KVPair{Key: k, Value: []byte(v)}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUIPages loads every page of the UI over a small catalog and checks
// what each shows; with CONSULD_UI_SCREENSHOTS set it saves the pictures.
func TestUIPages(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	seedUI(t, a.client())
	b := newBrowser(t, a, 60*time.Second)

	// / redirects to the UI, which picks the agent's datacenter.
	b.open("/")
	b.waitFor("the services page of dc1", `location.pathname === '/ui/dc1/services'`)
	b.waitFor("four services", `document.querySelectorAll('#services-table tbody tr').length >= 4`)
	if first := eval[string](b, `document.querySelector('#services-table tbody tr').dataset.key`); first != "db" {
		t.Errorf("first row %q, want the critical db", first)
	}
	if got := b.text(`tr[data-key="web"] .healthy`); got != "2/3 healthy" {
		t.Errorf("web health %q, want 2/3 healthy", got)
	}
	if got := b.text(`button[data-status="critical"]`); !containsAll(got, "Critical", "1") {
		t.Errorf("critical filter chip %q", got)
	}
	b.screenshot("services")
	b.dark(true)
	b.screenshot("services-dark")
	b.dark(false)

	// Search as you type narrows the list and lands in the URL.
	b.typeInto("#search", "WE")
	b.waitFor("only web", `[...document.querySelectorAll('#services-table tbody tr')].map(r => r.dataset.key).join() === 'web'`)
	b.waitFor("?filter in the URL", `new URLSearchParams(location.search).get('filter') === 'WE'`)
	if got := b.text(`tr[data-key="web"] mark`); got != "we" {
		t.Errorf("highlighted match %q", got)
	}
	b.typeInto("#search", "")
	b.click(`button[data-status="critical"]`)
	b.waitFor("only db", `[...document.querySelectorAll('#services-table tbody tr')].map(r => r.dataset.key).join() === 'db'`)
	b.waitFor("?status in the URL", `location.search === '?status=critical'`)
	b.click(`button[data-status="all"]`)
	b.click(`tr[data-key="web"] button.chip.tag`) // the v1 tag
	b.waitFor("only v1 services", `[...document.querySelectorAll('#services-table tbody tr')].map(r => r.dataset.key).join() === 'web' && location.search.includes('tag=v1')`)

	// A service: every instance with node, address, tags, meta, checks.
	b.click(`tr[data-key="web"] a.rowlink`)
	b.waitFor("the web page", `location.pathname === '/ui/dc1/services/web' && document.querySelectorAll('article.instance').length === 3`)
	b.visible(`article.instance.warning[data-id="web-2"] tr.check.warning pre.out`)
	if got := b.text(`article.instance[data-id="web-2"] header`); !containsAll(got, "web-2", "node-b", "10.0.0.2:8080") {
		t.Errorf("instance header %q", got)
	}
	if got := b.text(`article.instance[data-id="web-1"] .props`); !containsAll(got, "v1", "version", "1.4.2") {
		t.Errorf("instance props %q", got)
	}
	if got := eval[string](b, `getComputedStyle(document.querySelector('pre.out')).fontFamily`); !containsAll(got, "mono") {
		t.Errorf("check output font %q, want monospace", got)
	}
	b.screenshot("service")
	b.open("/ui/dc1/services/db")
	b.visible(`article.instance.critical tr.check.critical[data-check="service:db-1"]`)
	if got := eval[string](b, `getComputedStyle(document.querySelector('tr.check.critical .badge')).color`); got != "rgb(200, 30, 30)" {
		t.Errorf("critical badge colour %q, want red", got)
	}

	// Nodes, with the failing check named, then one node.
	b.open("/ui/dc1/nodes")
	b.waitFor("node rows", `document.querySelectorAll('#nodes-table tbody tr').length >= 4`)
	if got := b.text(`tr[data-key="node-a"] td.failing`); !containsAll(got, "db health") {
		t.Errorf("node-a failing checks %q", got)
	}
	b.screenshot("nodes")
	b.click(`tr[data-key="node-a"] a.rowlink`)
	b.waitFor("node-a's page", `location.pathname === '/ui/dc1/nodes/node-a'`)
	b.waitFor("its two services", `document.querySelectorAll('#node-view article.instance').length === 2`)
	if got := b.text("#node-summary"); !containsAll(got, "10.0.0.1", "critical") {
		t.Errorf("node summary %q", got)
	}

	// Key/value: folders first, a JSON value pretty-printed.
	b.open("/ui/dc1/kv/")
	b.waitFor("the root folder", `[...document.querySelectorAll('#kv-list li')].map(l => l.dataset.key).join() === 'config/,readme'`)
	b.click(`#kv-list li[data-key="config/"] a`)
	b.waitFor("config/", `[...document.querySelectorAll('#kv-list li')].map(l => l.dataset.key).join() === 'config/db/,config/app.json,config/empty-leaf,config/feature'`)
	b.screenshot("kv")
	b.click(`#kv-list li[data-key="config/app.json"] a`)
	b.visible("#kv-tab-json")
	b.click("#kv-tab-json")
	b.waitFor("pretty JSON", `document.querySelector('#kv-value').textContent.includes('\n  "replicas": 3')`)
	b.screenshot("kv-key")
	b.open("/ui/dc1/kv/readme")
	b.waitFor("text value", `document.querySelector('#kv-value').textContent === 'plain text, not JSON' && !document.querySelector('#kv-tab-json')`)

	// The agent: version, leader, members.
	b.open("/ui/dc1/agent")
	if got := b.text("#agent-version"); got == "" {
		t.Error("no agent version")
	}
	b.waitFor("a leader", `document.querySelector('#agent-leader').textContent.includes(':')`)
	b.waitFor("one member", `document.querySelectorAll('#members tbody tr').length === 1`)

	// Keyboard: g n goes to nodes, j focuses the first row.
	b.do("keys", chromedp.KeyEvent("g"), chromedp.KeyEvent("n"))
	b.waitFor("nodes by keyboard", `location.pathname === '/ui/dc1/nodes' && document.querySelector('section[data-loaded]')`)
	b.do("j", chromedp.KeyEvent("j"))
	b.waitFor("first row focused", `document.activeElement && document.activeElement.matches('#nodes-table a.rowlink')`)
}

// TestUILiveHealth registers a service with a TTL check, opens the
// services page and the service's page, fails the check through the API
// and sees each turn red without a reload.
func TestUILiveHealth(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	c := a.client()
	err := c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "payments", Name: "payments", Port: 9090,
		Check: &api.AgentServiceCheck{CheckID: "payments-ttl", Name: "payments heartbeat", TTL: "10m", Status: "passing"}})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a, 45*time.Second)
	b.open("/ui/dc1/services")
	b.waitFor("payments passing", `document.querySelector('tr[data-key="payments"][data-status="passing"]') !== null`)
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))

	if err := c.Agent().FailTTL("payments-ttl", "no heartbeat for 10m"); err != nil {
		t.Fatal(err)
	}
	b.waitFor("payments critical", `document.querySelector('tr[data-key="payments"][data-status="critical"].changed') !== null`)
	if got := b.text(`tr[data-key="payments"] .badge`); !containsAll(got, "critical") {
		t.Errorf("payments badge %q", got)
	}

	b.click(`tr[data-key="payments"] a.rowlink`)
	b.visible(`tr.check.critical[data-check="payments-ttl"]`)
	if err := c.Agent().PassTTL("payments-ttl", "back"); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the check passing", `document.querySelector('tr.check.passing[data-check="payments-ttl"]') !== null`)
	if err := c.Agent().FailTTL("payments-ttl", "gone again"); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the check critical with its output and change time",
		`(() => { const r = document.querySelector('tr.check.critical[data-check="payments-ttl"]');
		  return r && r.querySelector('pre.out').textContent === 'gone again' && r.querySelector('.seen') !== null; })()`)
	if !eval[bool](b, `window.notReloaded === true`) {
		t.Error("the page reloaded")
	}
	if got := b.text("#updated"); !containsAll(got, "updated") {
		t.Errorf("last updated %q", got)
	}
}

// TestUIKV creates, edits (with a check-and-set conflict) and deletes
// keys through the UI and checks each step over the API.
func TestUIKV(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	kv := a.client().KV()
	b := newBrowser(t, a, 45*time.Second)
	value := func(k string) (string, bool) {
		p, _, err := kv.Get(k, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			return "", false
		}
		return string(p.Value), true
	}

	// Create app/name in an empty root.
	b.open("/ui/dc1/kv/")
	b.click("#kv-create")
	b.typeInto("#kv-new-key", "app/name")
	b.typeInto("#kv-new-value", "first")
	b.click("#kv-create-save")
	b.waitFor("the new key's page", `location.pathname === '/ui/dc1/kv/app/name' && document.querySelector('#kv-value').textContent === 'first'`)
	if v, ok := value("app/name"); !ok || v != "first" {
		t.Fatalf("after create: %q %v", v, ok)
	}

	// Edit and save.
	b.click("#kv-edit")
	b.typeInto("#kv-editor", "second")
	b.click("#kv-save")
	b.waitFor("saved", `document.querySelector('#kv-value').textContent === 'second'`)
	if v, _ := value("app/name"); v != "second" {
		t.Fatalf("after edit: %q", v)
	}

	// Someone else writes between opening the editor and saving: the
	// save is refused and the page says so.
	b.click("#kv-edit")
	if _, err := kv.Put(&api.KVPair{Key: "app/name", Value: []byte("theirs")}, nil); err != nil {
		t.Fatal(err)
	}
	b.visible("#kv-notice.warn") // the open editor learns of the write at once
	b.typeInto("#kv-editor", "mine")
	b.click("#kv-save")
	b.visible("#kv-msg.conflict")
	if got := b.text("#kv-msg"); !containsAll(got, "Not saved", "changed by someone else") {
		t.Errorf("conflict message %q", got)
	}
	if v, _ := value("app/name"); v != "theirs" {
		t.Fatalf("the conflicting save overwrote: %q", v)
	}
	b.screenshot("kv-conflict")
	// Overwriting is a deliberate second step.
	b.click("#kv-overwrite")
	b.waitFor("overwritten", `document.querySelector('#kv-value').textContent === 'mine'`)
	if v, _ := value("app/name"); v != "mine" {
		t.Fatalf("after overwrite: %q", v)
	}

	// Delete the key, confirming in the dialog.
	b.click("#kv-delete")
	b.click("#confirm-ok")
	b.waitFor("back in app/", `location.pathname === '/ui/dc1/kv/app/'`)
	pollAPI(t, "app/name deleted", func() bool { _, ok := value("app/name"); return !ok })

	// Delete a folder and everything under it; cancelling first keeps it.
	for _, k := range []string{"team/a", "team/b/c"} {
		if _, err := kv.Put(&api.KVPair{Key: k, Value: []byte("x")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.open("/ui/dc1/kv/team/")
	b.click("#kv-delete-folder")
	b.click("#confirm-cancel")
	if _, ok := value("team/a"); !ok {
		t.Fatal("cancel deleted the folder")
	}
	b.click("#kv-delete-folder")
	b.click("#confirm-ok")
	b.waitFor("back at the root", `location.pathname === '/ui/dc1/kv/'`)
	pollAPI(t, "team/ deleted", func() bool {
		keys, _, err := kv.Keys("team/", "", nil)
		return err == nil && len(keys) == 0
	})
}

// TestUIErrorStates shows the banner for a cluster without a leader (the
// agent's answers replaced by DevTools) and for an agent that went away.
func TestUIErrorStates(t *testing.T) {
	t.Parallel()
	a := startDev(t)
	b := newBrowser(t, a, 45*time.Second)
	b.open("/ui/dc1/services")

	// Every list query now gets Consul's 500 "No cluster leader".
	paused := chromedp.Events(b.ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/v1/internal/ui/services*"}}}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			chromedp.Call(b.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 500,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
				Body:            []byte("No cluster leader")})
		}
	}()
	b.click(`button[data-status="passing"]`) // a new query
	b.visible("#banner.noleader")
	if got := b.text("#banner"); !containsAll(got, "No cluster leader") {
		t.Errorf("banner %q", got)
	}
	if _, err := chromedp.Call(b.ctx, fetch.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the banner gone after a retry", `document.querySelector('#banner').hidden`)

	a.kill()
	b.visible("#banner.unreachable")
	if got := b.text("#banner"); !containsAll(got, "Agent unreachable", a.HTTP) {
		t.Errorf("banner %q", got)
	}
	b.screenshot("unreachable")
}
