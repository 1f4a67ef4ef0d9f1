package agent

import (
	"context"
	"path/filepath"
	"time"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/cmd/consuld/config"
	"github.com/consuld/consuld/events"
)

// localPath is where API-registered services and checks are persisted.
func localPath(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, "local", "registrations.json")
}

func serviceFromConfig(s config.ServiceDef) (*events.Service, []check.Definition) {
	svc := &events.Service{Id: s.ID, Service: s.Name, Tags: s.Tags, Address: s.Address, Meta: s.Meta,
		Port: int32(s.Port), EnableTagOverride: s.EnableTagOverride, Kind: s.Kind,
		Weights: &events.ServiceWeights{Passing: int32(s.Weights.Passing), Warning: int32(s.Weights.Warning)}}
	var defs []check.Definition
	for _, c := range s.Checks {
		defs = append(defs, checkFromConfig(c))
	}
	return svc, defs
}

func checkFromConfig(c config.CheckDef) check.Definition {
	return check.Definition{ID: c.ID, Name: c.Name, ServiceID: c.ServiceID, Notes: c.Notes, Status: check.Status(c.Status),
		HTTP: c.HTTP, Method: c.Method, Header: c.Header, Body: c.Body, DisableRedirects: c.DisableRedirects,
		TLSServerName: c.TLSServerName, TLSSkipVerify: c.TLSSkipVerify, TCP: c.TCP, UDP: c.UDP, GRPC: c.GRPC,
		GRPCUseTLS: c.GRPCUseTLS, H2PING: c.H2PING, H2PingUseTLS: c.H2PingUseTLS, TTL: c.TTL, Args: c.Args,
		AliasNode: c.AliasNode, AliasService: c.AliasService, Interval: c.Interval, Timeout: c.Timeout,
		DeregisterCriticalServiceAfter: c.DeregisterCriticalServiceAfter, SuccessBeforePassing: c.SuccessBeforePassing,
		FailuresBeforeCritical: c.FailuresBeforeCritical, FailuresBeforeWarning: c.FailuresBeforeWarning,
		OutputMaxSize: c.OutputMaxSize}
}

// loadLocal registers the config-file and persisted services and checks
// with the agent-state actor, then starts a full sync to the catalog.
func (a *Agent) loadLocal(l *local.Agent) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	do := func(what string, in func(local.Answerer) any) {
		if _, err := l.Do(ctx, in); err != nil {
			a.log.Error("agent: loading "+what+" failed", "error", err)
		}
	}
	for _, s := range a.cfg.Services {
		svc, defs := serviceFromConfig(s)
		do("service "+s.Name+" from "+s.Source, func(r local.Answerer) any {
			return local.AddService{Reply: r, Service: svc, Checks: defs, FromConfig: true}
		})
	}
	for _, c := range a.cfg.Checks {
		d := checkFromConfig(c)
		do("check "+c.Name+" from "+c.Source, func(r local.Answerer) any { return local.AddCheck{Reply: r, Check: d, FromConfig: true} })
	}
	saved, err := local.Load(localPath(a.cfg.DataDir))
	if err != nil {
		a.log.Error("agent: reading persisted services failed", "error", err)
	}
	for _, reg := range saved.Services {
		do("persisted service "+reg.Service.Id, func(r local.Answerer) any {
			return local.AddService{Reply: r, Service: reg.Service, Checks: reg.Checks}
		})
	}
	for _, d := range saved.Checks {
		do("persisted check "+d.ID, func(r local.Answerer) any { return local.AddCheck{Reply: r, Check: d} })
	}
}

// aliasSource reads an alias check's targets from the catalog: the node's
// own checks, plus the service's checks when a service is aliased.
func (a *Agent) aliasSource(node, serviceID, exclude string) ([]check.Aliased, bool) {
	v := a.host.Catalog().Current()
	found := serviceID == ""
	if !found {
		_, found = v.Service(node, serviceID)
	}
	var out []check.Aliased
	v.NodeChecks(node, func(c *events.Check) bool {
		if c.CheckId != exclude && (c.ServiceId == "" || c.ServiceId == serviceID) {
			out = append(out, check.Aliased{Name: c.Name, Status: check.Status(c.Status), Output: c.Output})
		}
		return true
	})
	return out, found
}

// remote lists what the catalog holds for this agent's node, for
// anti-entropy to remove what the agent no longer owns.
func (a *Agent) remote() *local.Remote {
	v := a.host.Catalog().Current()
	r := &local.Remote{}
	v.NodeServices(a.cfg.NodeName, func(s *events.Service) bool { r.Services = append(r.Services, s.Id); return true })
	v.NodeChecks(a.cfg.NodeName, func(c *events.Check) bool { r.Checks = append(r.Checks, c.CheckId); return true })
	return r
}
