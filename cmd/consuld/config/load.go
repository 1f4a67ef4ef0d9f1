package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// hostname gives the default node name; a variable so tests can pin it.
var hostname = os.Hostname

// Load builds the runtime config: built-in defaults, then -dev defaults if
// -dev, then every -config-file in order and every *.json/*.hcl in each
// -config-dir in lexical order (later wins; lists append), then the
// command-line flags, then -hcl fragments. It returns warnings (keys
// accepted but ignored, risky values) and an [*Error] if anything is wrong.
func Load(f *Flags) (*Config, []string, error) {
	if f == nil {
		f = &Flags{}
	}
	format, err := checkFormat(f.ConfigFormat)
	if err != nil {
		return nil, nil, err
	}
	l := &loader{cfg: defaults(), warned: map[string]bool{}}
	if f.Dev {
		applyDev(l.cfg)
	}
	for _, p := range f.ConfigFiles {
		if err := l.loadPath(p, format); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range f.ConfigDirs {
		if err := l.loadPath(p, format); err != nil {
			return nil, nil, err
		}
	}
	if err := l.applyFlags(f); err != nil {
		return nil, nil, err
	}
	for i, h := range f.HCL {
		src := fmt.Sprintf("flag -hcl #%d", i+1)
		m, err := parseHCL([]byte(h))
		if err != nil {
			return nil, nil, &Error{Source: src, Detail: "invalid HCL: " + err.Error(), Err: ErrParse}
		}
		l.cfg.Sources = append(l.cfg.Sources, src)
		l.file = src
		if err := l.applyObject(src, "", m); err != nil {
			return nil, nil, err
		}
	}
	if l.cfg.NodeName == "" {
		h, err := hostname()
		if err != nil || h == "" {
			return nil, nil, mergedError("node_name", "node_name is not set and the hostname is unavailable (%v)", err)
		}
		l.cfg.NodeName = h
	}
	warns, err := validate(l.cfg, true)
	if err != nil {
		return nil, nil, err
	}
	return l.cfg, append(l.warnings, warns...), nil
}

// loader applies sources, one after the other, onto cfg.
type loader struct {
	cfg      *Config
	warnings []string
	warned   map[string]bool // by key: each warning is given once
	// file names the source being applied on the definitions it holds: a
	// file's path, or "flag -hcl #N".
	file string
}

func (l *loader) warn(key, msg string) {
	if !l.warned[key] {
		l.warned[key] = true
		l.warnings = append(l.warnings, msg)
	}
}

// loadPath loads a file, or every config file of a directory. As in Consul
// either flag accepts either kind of path.
func (l *loader) loadPath(path, format string) error {
	info, err := os.Stat(path)
	if err != nil {
		return readError(fmt.Sprintf("file %q", path), err)
	}
	if !info.IsDir() {
		return l.loadFile(path, format)
	}
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return readError(fmt.Sprintf("dir %q", path), err)
	}
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		if format == "" && fileFormat(p) == "" {
			continue
		}
		info, err := os.Stat(p) // follows symlinks
		if err != nil {
			return readError(fmt.Sprintf("file %q", p), err)
		}
		if info.IsDir() {
			continue
		}
		if err := l.loadFile(p, format); err != nil {
			return err
		}
	}
	return nil
}

func fileFormat(path string) string {
	switch {
	case strings.HasSuffix(path, ".json"):
		return "json"
	case strings.HasSuffix(path, ".hcl"):
		return "hcl"
	}
	return ""
}

func (l *loader) loadFile(path, format string) error {
	src := fmt.Sprintf("file %q", path)
	if format == "" {
		if format = fileFormat(path); format == "" {
			return &Error{Source: src, Detail: fmt.Sprintf("unsupported extension %q: use .json or .hcl, or set -config-format", filepath.Ext(path)), Err: ErrFormat}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return readError(src, err)
	}
	var m map[string]any
	if format == "json" {
		m, err = parseJSON(data)
	} else {
		m, err = parseHCL(data)
	}
	if err != nil {
		return &Error{Source: src, Detail: fmt.Sprintf("invalid %s: %v", strings.ToUpper(format), err), Err: ErrParse}
	}
	l.cfg.Sources = append(l.cfg.Sources, path)
	l.file = path
	return l.applyObject(src, "", m)
}

func readError(src string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &Error{Source: src, Detail: "cannot read: " + err.Error(), Err: ErrRead}
}

// applyFlags applies the command-line flags as one more source.
func (l *loader) applyFlags(f *Flags) error {
	applied := false
	for _, d := range flagTable {
		v, ok := flagValue(d.field(f))
		if !ok {
			continue
		}
		applied = true
		if err := l.applyValue("flag -"+d.name, d.key, v); err != nil {
			return err
		}
	}
	for _, u := range f.Unsupported {
		key, ok := unsupportedKey(u.Name)
		if !ok {
			return &Error{Source: "flag -" + u.Name, Detail: "unknown flag", Err: ErrValue}
		}
		applied = true
		if err := l.applyValue("flag -"+u.Name, key, u.Value); err != nil {
			return err
		}
	}
	if applied {
		l.cfg.Sources = append(l.cfg.Sources, "command-line flags")
	}
	return nil
}

// applyObject applies an object's keys in sorted order, so the first error
// reported for a file is always the same one.
func (l *loader) applyObject(src, prefix string, m map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if k == "" || strings.Contains(k, ".") {
			// A literal "ports.http" key must not reach ports.http.
			return &Error{Source: src, Key: key, Err: ErrUnknownKey}
		}
		if err := l.applyValue(src, key, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// applyValue applies one dotted key. A null value means "not set".
func (l *loader) applyValue(src, key string, v any) error {
	if keep, ok := ignoredKeys[key]; ok {
		if v == nil {
			return nil
		}
		l.warn(key, ignoredWarning(key))
		if keep != nil {
			if err := keep(l.cfg, v); err != nil {
				return keyError(src, key, err)
			}
		}
		return nil
	}
	s, ok := schema[key]
	if !ok {
		return &Error{Source: src, Key: key, Err: ErrUnknownKey}
	}
	if v == nil {
		return nil
	}
	if s.warn != "" {
		l.warn(key, s.warn)
	}
	if s.defs != nil {
		return s.defs(l, src, key, v)
	}
	if !s.object {
		if err := s.set(l.cfg, v); err != nil {
			return keyError(src, key, err)
		}
		return nil
	}
	objs, err := asObjects(v)
	if err != nil {
		return keyError(src, key, err)
	}
	for _, o := range objs {
		if err := l.applyObject(src, key, o); err != nil {
			return err
		}
	}
	return nil
}

func keyError(src, key string, err error) error {
	var p *problem
	if errors.As(err, &p) {
		return &Error{Source: src, Key: key, Detail: p.msg, Err: p.kind}
	}
	return &Error{Source: src, Key: key, Detail: err.Error(), Err: ErrValue}
}

// services appends the service definitions of a `service` or `services`
// value.
func (l *loader) services(src, key string, v any) error {
	objs, err := asObjects(v)
	if err != nil {
		return keyError(src, key, err)
	}
	for i, o := range objs {
		s, err := decodeService(o, i, l.file, l.defWarner(src))
		if err != nil {
			return defSourceError(src, err)
		}
		l.cfg.Services = append(l.cfg.Services, s)
	}
	return nil
}

// checks appends the standalone check definitions of a `check` or `checks`
// value.
func (l *loader) checks(src, key string, v any) error {
	objs, err := asObjects(v)
	if err != nil {
		return keyError(src, key, err)
	}
	for i, o := range objs {
		c, err := decodeStandaloneCheck(o, i, l.file, l.defWarner(src))
		if err != nil {
			return defSourceError(src, err)
		}
		l.cfg.Checks = append(l.cfg.Checks, c)
	}
	return nil
}

// defWarner returns the warning sink for the definitions of src.
func (l *loader) defWarner(src string) func(string) {
	return func(msg string) {
		msg = "config: " + src + ": " + msg
		l.warn(msg, msg)
	}
}

// defSourceError turns a definition's problem into an [*Error]. Its detail
// names the definition and field, so it has no Key:
//
//	config: file "web.json": service "web": check 0: interval "abc": time: invalid duration "abc"
func defSourceError(src string, err error) error {
	if d, ok := err.(*defError); ok {
		return &Error{Source: src, Detail: d.msg, Err: d.kind}
	}
	return &Error{Source: src, Detail: err.Error(), Err: ErrValue}
}
