package httpapi

import "github.com/consuld/consuld/events"

// Consul's JSON shapes for catalog and health answers.

type nodeJSON struct {
	ID              string
	Node            string
	Address         string
	Datacenter      string
	TaggedAddresses map[string]string
	Meta            map[string]string
	CreateIndex     uint64
	ModifyIndex     uint64
}

type weightsJSON struct{ Passing, Warning int32 }

type proxyJSON struct {
	Mode        string
	MeshGateway struct{}
	Expose      struct{}
}

type catalogServiceJSON struct {
	ID                       string
	Node                     string
	Address                  string
	Datacenter               string
	TaggedAddresses          map[string]string
	NodeMeta                 map[string]string
	ServiceKind              string
	ServiceID                string
	ServiceName              string
	ServiceTags              []string
	ServiceAddress           string
	ServiceWeights           weightsJSON
	ServiceMeta              map[string]string
	ServicePort              int32
	ServicePorts             any
	ServiceSocketPath        string
	ServiceEnableTagOverride bool
	ServiceProxy             proxyJSON
	ServiceConnect           struct{}
	ServiceLocality          any
	CreateIndex              uint64
	ModifyIndex              uint64
}

type healthServiceJSON struct {
	ID                string
	Service           string
	Tags              []string
	Address           string
	Meta              map[string]string
	Port              int32
	Weights           weightsJSON
	EnableTagOverride bool
	Proxy             proxyJSON
	Connect           struct{}
	PeerName          string
	CreateIndex       uint64
	ModifyIndex       uint64
}

type checkJSON struct {
	Node        string
	CheckID     string
	Name        string
	Status      string
	Notes       string
	Output      string
	ServiceID   string
	ServiceName string
	ServiceTags []string
	Type        string
	Interval    string
	Timeout     string
	ExposedPort int
	Definition  struct{}
	CreateIndex uint64
	ModifyIndex uint64
}

type healthEntryJSON struct {
	Node    nodeJSON
	Service healthServiceJSON
	Checks  []checkJSON
}

func nodeWire(n *events.Node) nodeJSON {
	return nodeJSON{ID: n.Id, Node: n.Node, Address: n.Address, Datacenter: n.Datacenter,
		TaggedAddresses: n.TaggedAddresses, Meta: n.Meta, CreateIndex: n.CreateIndex, ModifyIndex: n.ModifyIndex}
}

func weightsWire(w *events.ServiceWeights) weightsJSON {
	if w == nil {
		return weightsJSON{1, 1}
	}
	return weightsJSON{w.Passing, w.Warning}
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func catalogServiceWire(n *events.Node, v *events.Service) catalogServiceJSON {
	meta := v.Meta
	if meta == nil {
		meta = map[string]string{}
	}
	return catalogServiceJSON{ID: n.Id, Node: n.Node, Address: n.Address, Datacenter: n.Datacenter,
		TaggedAddresses: n.TaggedAddresses, NodeMeta: n.Meta, ServiceKind: v.Kind, ServiceID: v.Id,
		ServiceName: v.Service, ServiceTags: strs(v.Tags), ServiceAddress: v.Address, ServiceWeights: weightsWire(v.Weights),
		ServiceMeta: meta, ServicePort: v.Port, ServiceEnableTagOverride: v.EnableTagOverride,
		CreateIndex: v.CreateIndex, ModifyIndex: v.ModifyIndex}
}

func healthServiceWire(v *events.Service) healthServiceJSON {
	return healthServiceJSON{ID: v.Id, Service: v.Service, Tags: strs(v.Tags), Address: v.Address, Meta: v.Meta,
		Port: v.Port, Weights: weightsWire(v.Weights), EnableTagOverride: v.EnableTagOverride,
		CreateIndex: v.CreateIndex, ModifyIndex: v.ModifyIndex}
}

func checkWire(c *events.Check) checkJSON {
	return checkJSON{Node: c.Node, CheckID: c.CheckId, Name: c.Name, Status: c.Status, Notes: c.Notes, Output: c.Output,
		ServiceID: c.ServiceId, ServiceName: c.ServiceName, ServiceTags: strs(c.ServiceTags), Type: c.Type,
		Interval: c.Interval, Timeout: c.Timeout, CreateIndex: c.CreateIndex, ModifyIndex: c.ModifyIndex}
}
