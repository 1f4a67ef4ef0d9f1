package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/consuld/consuld/actors/check"
	"github.com/consuld/consuld/events"
)

func errUnknownCheck(id string) error { return fmt.Errorf("%w %q", ErrUnknownCheck, id) }

// plainDef marshals a Definition with plain field encoding (durations in
// nanoseconds), bypassing Consul's lenient decoder on the way back.
type plainDef check.Definition

type savedService struct {
	Service json.RawMessage
	Checks  []plainDef
}

type saved struct {
	Services []savedService
	Checks   []plainDef
}

// save writes p atomically (temp file + rename) to path.
func save(path string, p Persist) error {
	if path == "" {
		return nil
	}
	var s saved
	for _, r := range p.Services {
		b, err := protojson.Marshal(r.Service)
		if err != nil {
			return err
		}
		ss := savedService{Service: b}
		for _, d := range r.Checks {
			ss.Checks = append(ss.Checks, plainDef(d))
		}
		s.Services = append(s.Services, ss)
	}
	for _, d := range p.Checks {
		s.Checks = append(s.Checks, plainDef(d))
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Load reads what save wrote; a missing file is an empty registry.
func Load(path string) (Persist, error) {
	var p Persist
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || path == "" {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return p, fmt.Errorf("local: %s: %w", path, err)
	}
	for _, ss := range s.Services {
		svc := new(events.Service)
		if err := protojson.Unmarshal(ss.Service, svc); err != nil {
			return p, fmt.Errorf("local: %s: %w", path, err)
		}
		r := Registration{Service: svc}
		for _, d := range ss.Checks {
			r.Checks = append(r.Checks, check.Definition(d))
		}
		p.Services = append(p.Services, r)
	}
	for _, d := range s.Checks {
		p.Checks = append(p.Checks, check.Definition(d))
	}
	return p, nil
}
