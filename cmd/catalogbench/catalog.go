package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"

	"github.com/consuld/consuld/events"
)

// regBody is a PUT /v1/catalog/register body: a node, one service instance
// on it and that instance's two checks (HTTP and TCP).
type regBody struct {
	ID              string
	Node            string
	Address         string
	TaggedAddresses map[string]string
	NodeMeta        map[string]string
	Service         regService
	Checks          []regCheck
}

type regService struct {
	ID, Service, Address string
	Port                 int32
	Tags                 []string
	Meta                 map[string]string
}

type regCheck struct {
	CheckID, Name, Status, ServiceID, Notes, Output, Type string
	Definition                                            struct{ Interval, Timeout string }
}

// instanceBody registers instance id of service svc on node (address
// addr). Its HTTP check is critical when critical is set, else passing;
// its TCP check is passing. The node's ID is a UUID hashed from its name,
// so every registration of a node carries the same one.
func instanceBody(node, addr, svc, id string, critical bool) regBody {
	httpStatus, httpOut := "passing", "HTTP GET http://"+addr+":8080/health: 200 OK Output: {\"status\":\"ok\"}"
	if critical {
		httpStatus, httpOut = "critical", "HTTP GET http://"+addr+":8080/health: 503 Service Unavailable Output: {\"status\":\"down\"}"
	}
	b := regBody{
		ID:              nodeUUID(node),
		Node:            node,
		Address:         addr,
		TaggedAddresses: map[string]string{"lan": addr, "wan": addr},
		NodeMeta:        map[string]string{"rack": "r" + node[len(node)-1:], "zone": "zone-a", "os": "linux", "arch": "amd64"},
		Service: regService{ID: id, Service: svc, Address: addr, Port: 8080,
			Tags: []string{"v1", "primary", "http", "zone-a"},
			Meta: map[string]string{"version": "1.4.2", "team": "platform", "env": "production"}},
		Checks: []regCheck{
			{CheckID: id + ":http", Name: "HTTP health on :8080", Status: httpStatus, ServiceID: id, Type: "http",
				Notes: "GET /health every 10s", Output: httpOut},
			{CheckID: id + ":tcp", Name: "TCP on :8080", Status: "passing", ServiceID: id, Type: "tcp",
				Notes: "TCP connect every 10s", Output: "TCP connect " + addr + ":8080: Success"},
		},
	}
	for i := range b.Checks {
		b.Checks[i].Definition.Interval, b.Checks[i].Definition.Timeout = "10s", "2s"
	}
	return b
}

func nodeUUID(node string) string {
	h := fnv.New128a()
	h.Write([]byte(node))
	s := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

func (b regBody) json() []byte {
	j, err := json.Marshal(b)
	if err != nil {
		panic(err) // only strings, maps of strings and ints
	}
	return j
}

// raftPayload is the Raft entry consuld proposes for b: the event the
// HTTP handler (frontends/httpapi/catalog.go) builds, in its envelope.
func (b regBody) raftPayload() []byte {
	ev := &events.CatalogRegistered{Node: &events.Node{Id: b.ID, Node: b.Node, Address: b.Address,
		Datacenter: "dc1", TaggedAddresses: b.TaggedAddresses, Meta: b.NodeMeta}}
	s := b.Service
	ev.Service = &events.Service{Id: s.ID, Service: s.Service, Tags: s.Tags, Address: s.Address, Meta: s.Meta, Port: s.Port}
	for _, c := range b.Checks {
		ev.Checks = append(ev.Checks, &events.Check{CheckId: c.CheckID, Name: c.Name, Status: c.Status, Notes: c.Notes,
			Output: c.Output, ServiceId: c.ServiceID, Type: c.Type, Interval: c.Definition.Interval, Timeout: c.Definition.Timeout})
	}
	data, err := events.Encode(ev)
	if err != nil {
		panic(err)
	}
	return data
}

// register PUTs one registration and expects `true`.
func register(ctx context.Context, c *http.Client, base string, b regBody) error {
	return expectOK(ctx, c, http.MethodPut, base+"/v1/catalog/register", b.json(), "true")
}

// ipv4 is a loopback-range address for instance i (127.x.y.z, z >= 1).
func ipv4(net3 int, i int) string {
	return fmt.Sprintf("127.%d.%d.%d", net3, (i/250)%250, i%250+1)
}

// healthEntry is the part of a /v1/health/service answer the bench checks.
type healthEntry struct {
	Node    struct{ Node string }
	Service struct{ ID string }
	Checks  []struct{ CheckID, Status string }
}

func decodeHealth(b []byte) ([]healthEntry, error) {
	var es []healthEntry
	err := json.Unmarshal(b, &es)
	return es, err
}
