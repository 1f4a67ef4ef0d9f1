package agent

import (
	"context"
	"errors"
	"time"

	"github.com/consuld/consuld/actors/local"
	"github.com/consuld/consuld/cmd/consuld/config"
)

// Reload re-reads the config files (SIGHUP, /v1/agent/reload, `consuld
// reload`) and applies added, changed and removed service and check
// definitions. A file that fails to load leaves everything as it was.
func (a *Agent) Reload() error {
	if a.flags == nil {
		return errors.New("reload: the agent was not started from command-line sources")
	}
	c, warnings, err := config.Load(a.flags)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		a.log.Warn(w)
	}
	var in local.ReplaceConfig
	for _, s := range c.Services {
		svc, defs := serviceFromConfig(s)
		in.Services = append(in.Services, local.AddService{Service: svc, Checks: defs})
	}
	for _, ch := range c.Checks {
		in.Checks = append(in.Checks, local.AddCheck{Check: checkFromConfig(ch)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = a.local.Do(ctx, func(r local.Answerer) any { in.Reply = r; return in })
	if err == nil {
		a.cfg.Services, a.cfg.Checks = c.Services, c.Checks
		a.log.Info("agent: reloaded configuration", "services", len(c.Services), "checks", len(c.Checks))
	}
	return err
}
