package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/consuld/consuld/cmd/internal/benchkit"
)

// catalog is the synthetic catalog: instance j of service i runs on node
// (i*perService+j) % nodes.
type catalog struct {
	o    options
	base string
	c    *http.Client
}

type regCheck struct {
	Node, CheckID, Name, Status, ServiceID, Output, Type string
}

type regBody struct {
	Node, Address string
	NodeMeta      map[string]string
	Service       struct {
		ID, Service string
		Tags        []string
		Port        int
		Meta        map[string]string
	}
	Checks         []regCheck
	SkipNodeUpdate bool
}

func svcName(i int) string { return fmt.Sprintf("svc-%04d", i) }

func nodeOf(k, nodes int) (string, string) {
	n := k % nodes
	return fmt.Sprintf("node-%04d", n), fmt.Sprintf("10.%d.%d.%d", n/62500, (n/250)%250, n%250+1)
}

// status is the check status of instance k: 1% critical, 2% warning.
func status(k int) string {
	switch {
	case k%100 == 7:
		return "critical"
	case k%50 == 3:
		return "warning"
	}
	return "passing"
}

// body is the registration of instance k (service k/perService).
func (c catalog) body(k int, st string) regBody {
	i := k / c.o.perService
	node, addr := nodeOf(k, c.o.nodes)
	var b regBody
	b.Node, b.Address = node, addr
	b.NodeMeta = map[string]string{"rack": "r" + strconv.Itoa(k%c.o.nodes%40), "zone": "zone-" + strconv.Itoa(k%3)}
	b.Service.ID = svcName(i) + "-" + strconv.Itoa(k%c.o.perService)
	b.Service.Service = svcName(i)
	b.Service.Tags = []string{"v" + strconv.Itoa(1+k%3), "team-" + strconv.Itoa(i%40), "http"}
	b.Service.Port = 8000 + k%c.o.perService
	b.Service.Meta = map[string]string{"version": "1." + strconv.Itoa(i%9) + ".0"}
	out := "HTTP GET http://" + addr + ":8080/health: 200 OK"
	if st != "passing" {
		out = "HTTP GET http://" + addr + ":8080/health: 503 Service Unavailable"
	}
	b.Checks = []regCheck{{Node: node, CheckID: "service:" + b.Service.ID, Name: "HTTP on :8080", Status: st, ServiceID: b.Service.ID, Output: out, Type: "http"}}
	if k < c.o.nodes { // the node's first instance brings its node check
		b.Checks = append(b.Checks, regCheck{Node: node, CheckID: "serfHealth", Name: "Serf Health Status", Status: "passing", Output: "Agent alive and reachable"})
	} else {
		b.SkipNodeUpdate = true
	}
	return b
}

func (c catalog) put(ctx context.Context, b regBody) error {
	js, _ := json.Marshal(b)
	body, _, code, err := benchkit.HTTPDo(ctx, c.c, http.MethodPut, c.base+"/v1/catalog/register", js)
	if err != nil {
		return err
	}
	if code != http.StatusOK || string(body) != "true" {
		return fmt.Errorf("register: %d %s", code, body)
	}
	return nil
}

// register fills the catalog at c=64.
func (c catalog) register(ctx context.Context) error {
	total := c.o.services * c.o.perService
	benchkit.Progress("registering %d instances", total)
	errs, first, took := benchkit.Fill(ctx, 64, total, func(ctx context.Context, k int) error {
		return c.put(ctx, c.body(k, status(k)))
	})
	if errs > 0 {
		return fmt.Errorf("%d registrations failed, first: %v", errs, first)
	}
	line(fmt.Sprintf("BenchmarkUIRegister/instances=%d", total), total,
		fmt.Sprintf("%.0f inst/s", float64(total)/took.Seconds()), "took="+benchkit.FmtDur(took))
	return nil
}

// flip sets the check of instance k to st and returns when the agent
// answered.
func (c catalog) flip(ctx context.Context, k int, st string) (time.Time, error) {
	b := c.body(k, st)
	b.Checks = b.Checks[:1]
	b.SkipNodeUpdate = true
	err := c.put(ctx, b)
	return time.Now(), err
}
