package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/hcl"
)

// loadServiceFiles reads the service definitions in the given files and
// directories (a directory contributes its *.json and *.hcl files, sorted
// by name, without recursing). A file is an agent config file: its
// `service` block or object and its `services` list are read, any other
// top-level key is ignored. Keys are snake_case as in consul's docs;
// CamelCase spellings (EnableTagOverride, ID, ScriptArgs) are accepted too.
func loadServiceFiles(paths []string) ([]*api.AgentServiceRegistration, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if configFormat(p) == "" {
				return nil, fmt.Errorf("%s: unsupported file type, the name must end in .json or .hcl", p)
			}
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() && configFormat(e.Name()) != "" {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
	}
	var out []*api.AgentServiceRegistration
	for _, f := range files {
		svcs, err := loadServiceFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, svcs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no service definitions in %s", strings.Join(paths, ", "))
	}
	return out, nil
}

// configFormat is "json" or "hcl" by the file's extension, "" otherwise.
func configFormat(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json"
	case ".hcl":
		return "hcl"
	}
	return ""
}

func loadServiceFile(path string) ([]*api.AgentServiceRegistration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if configFormat(path) == "json" {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		err = dec.Decode(&doc)
	} else {
		err = hcl.Unmarshal(data, &doc)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to parse %s: %s", path, err)
	}
	var out []*api.AgentServiceRegistration
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		name := foldKey(key)
		if name != "service" && name != "services" {
			continue // the rest of an agent config file
		}
		objs, err := asObjects(doc[key])
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %s", path, key, err)
		}
		for i, obj := range objs {
			where := key
			if name == "services" || len(objs) > 1 {
				where = fmt.Sprintf("%s[%d]", key, i)
			}
			svc, err := decodeServiceDef(newDefReader(where, obj))
			if err != nil {
				return nil, fmt.Errorf("%s: %s", path, err)
			}
			out = append(out, svc)
		}
	}
	return out, nil
}

// decodeServiceDef maps a service definition onto the registration the
// agent endpoint takes.
func decodeServiceDef(r *defReader) (*api.AgentServiceRegistration, error) {
	svc := &api.AgentServiceRegistration{}
	var kind string
	r.str("name", &svc.Name)
	r.str("id", &svc.ID)
	r.str("kind", &kind)
	svc.Kind = api.ServiceKind(kind)
	r.strs("tags", &svc.Tags)
	r.str("address", &svc.Address)
	r.integer("port", &svc.Port, 0, 65535)
	r.str("socket_path", &svc.SocketPath)
	r.stringMap("meta", &svc.Meta)
	r.boolean("enable_tag_override", &svc.EnableTagOverride)
	r.str("namespace", &svc.Namespace)
	r.str("partition", &svc.Partition)
	if raw, ok := r.dataObject("tagged_addresses"); ok {
		svc.TaggedAddresses = map[string]api.ServiceAddress{}
		for _, tag := range slices.Sorted(maps.Keys(raw)) {
			objs, err := asObjects(raw[tag])
			if err != nil {
				r.fail("tagged_addresses", "%s: %s", tag, err)
				break
			}
			addr := newDefReader(r.field("tagged_addresses")+"."+tag, mergeObjects(objs))
			var sa api.ServiceAddress
			addr.str("address", &sa.Address)
			addr.integer("port", &sa.Port, 0, 65535)
			addr.finish()
			r.adopt(addr)
			svc.TaggedAddresses[tag] = sa
		}
	}
	if w := r.object("weights"); w != nil {
		svc.Weights = &api.AgentWeights{Passing: 1, Warning: 1}
		w.integer("passing", &svc.Weights.Passing, 1, math.MaxInt32)
		w.integer("warning", &svc.Weights.Warning, 0, math.MaxInt32)
		w.finish()
		r.adopt(w)
	}
	checks := r.objects("check", false)
	if len(checks) > 1 {
		r.fail("check", "only one check block is allowed, use checks for several")
	} else if len(checks) == 1 {
		svc.Check = decodeCheckDef(checks[0])
		r.adopt(checks[0])
	}
	for _, c := range r.objects("checks", true) {
		svc.Checks = append(svc.Checks, decodeCheckDef(c))
		r.adopt(c)
	}
	// The api registration has no field for the token; consul drops it too.
	r.ignore("token")
	for _, unsupported := range []string{"connect", "proxy", "sidecar_service", "locality", "ports"} {
		if r.has(unsupported) {
			r.fail(unsupported, "not supported by consuld")
		}
	}
	r.finish()
	if r.err == nil && svc.Name == "" {
		r.err = fmt.Errorf("%s: missing name", r.path)
	}
	return svc, r.err
}

func decodeCheckDef(r *defReader) *api.AgentServiceCheck {
	c := &api.AgentServiceCheck{}
	r.str("id", &c.CheckID)
	r.str("check_id", &c.CheckID)
	r.str("name", &c.Name)
	r.str("notes", &c.Notes)
	r.str("status", &c.Status)
	r.strs("args", &c.Args)
	r.strs("script_args", &c.Args)
	r.str("docker_container_id", &c.DockerContainerID)
	r.str("shell", &c.Shell)
	r.duration("interval", &c.Interval)
	r.duration("timeout", &c.Timeout)
	r.duration("ttl", &c.TTL)
	r.duration("deregister_critical_service_after", &c.DeregisterCriticalServiceAfter)
	r.str("http", &c.HTTP)
	r.str("method", &c.Method)
	r.str("body", &c.Body)
	if raw, ok := r.dataObject("header"); ok {
		c.Header = map[string][]string{}
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			vals, err := toStrings(raw[k])
			if err != nil {
				r.fail("header", "%s: %s", k, err)
				break
			}
			c.Header[k] = vals
		}
	}
	r.str("tcp", &c.TCP)
	r.boolean("tcp_use_tls", &c.TCPUseTLS)
	r.str("udp", &c.UDP)
	r.str("grpc", &c.GRPC)
	r.boolean("grpc_use_tls", &c.GRPCUseTLS)
	r.str("h2ping", &c.H2PING)
	r.boolean("h2ping_use_tls", &c.H2PingUseTLS)
	r.str("tls_server_name", &c.TLSServerName)
	r.boolean("tls_skip_verify", &c.TLSSkipVerify)
	r.str("alias_node", &c.AliasNode)
	r.str("alias_service", &c.AliasService)
	r.integer("success_before_passing", &c.SuccessBeforePassing, 0, math.MaxInt32)
	r.integer("failures_before_warning", &c.FailuresBeforeWarning, 0, math.MaxInt32)
	r.integer("failures_before_critical", &c.FailuresBeforeCritical, 0, math.MaxInt32)
	// Valid in consul's check definitions but absent from the api
	// registration, so consul drops them as well.
	r.ignore("service_id", "output_max_size", "disable_redirects", "os_service", "token")
	r.finish()
	return c
}

// defReader reads one object of a definition. Keys are matched folded
// (case, "_" and "-" ignored). The first problem is kept in err and later
// reads do nothing, so a decoder reads every field and checks err once.
type defReader struct {
	path string
	vals map[string]any    // folded key -> value
	orig map[string]string // folded key -> key as written
	used map[string]bool
	err  error
}

func newDefReader(path string, obj map[string]any) *defReader {
	r := &defReader{path: path, vals: map[string]any{}, orig: map[string]string{}, used: map[string]bool{}}
	for k, v := range obj {
		f := foldKey(k)
		if prev, dup := r.orig[f]; dup && r.err == nil {
			r.err = fmt.Errorf("%s: both %q and %q are given", path, prev, k)
		}
		r.vals[f], r.orig[f] = v, k
	}
	return r
}

// foldKey makes "enable_tag_override", "EnableTagOverride" and
// "enable-tag-override" the same key.
func foldKey(k string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
}

func (r *defReader) has(name string) bool {
	_, ok := r.vals[foldKey(name)]
	return ok
}

// take returns the value of name and marks it read.
func (r *defReader) take(name string) (any, bool) {
	if r.err != nil {
		return nil, false
	}
	f := foldKey(name)
	v, ok := r.vals[f]
	if ok {
		r.used[f] = true
	}
	return v, ok
}

func (r *defReader) field(name string) string {
	if k, ok := r.orig[foldKey(name)]; ok {
		return r.path + "." + k
	}
	return r.path + "." + name
}

func (r *defReader) fail(name, format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s", r.field(name), fmt.Sprintf(format, a...))
	}
}

// adopt carries a nested reader's error up.
func (r *defReader) adopt(sub *defReader) {
	if r.err == nil && sub.err != nil {
		r.err = sub.err
	}
}

func (r *defReader) ignore(names ...string) {
	for _, n := range names {
		r.take(n)
	}
}

// finish reports the first key (in sorted order) no read asked for.
func (r *defReader) finish() {
	if r.err != nil {
		return
	}
	for _, f := range slices.Sorted(maps.Keys(r.vals)) {
		if !r.used[f] {
			r.err = fmt.Errorf("invalid config key %s", r.field(f))
			return
		}
	}
}

func (r *defReader) str(name string, dst *string) {
	v, ok := r.take(name)
	if !ok {
		return
	}
	s, ok := scalarString(v)
	if !ok {
		r.fail(name, "expected a string, got %s", describe(v))
		return
	}
	*dst = s
}

func (r *defReader) boolean(name string, dst *bool) {
	v, ok := r.take(name)
	if !ok {
		return
	}
	switch b := v.(type) {
	case bool:
		*dst = b
	case string:
		parsed, err := strconv.ParseBool(b)
		if err != nil {
			r.fail(name, "expected true or false, got %q", b)
			return
		}
		*dst = parsed
	default:
		r.fail(name, "expected true or false, got %s", describe(v))
	}
}

func (r *defReader) integer(name string, dst *int, lo, hi int) {
	v, ok := r.take(name)
	if !ok {
		return
	}
	n, ok := toInt(v)
	if !ok {
		r.fail(name, "expected a whole number, got %s", describe(v))
		return
	}
	if n < lo || n > hi {
		r.fail(name, "%d is out of range (%d to %d)", n, lo, hi)
		return
	}
	*dst = n
}

// duration reads a Go duration ("10s", "1m30s") and stores it in the form
// consul sends ("1m" becomes "1m0s").
func (r *defReader) duration(name string, dst *string) {
	var s string
	r.str(name, &s)
	if r.err != nil || s == "" {
		return
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fail(name, "%s", err)
		return
	}
	*dst = d.String()
}

func (r *defReader) strs(name string, dst *[]string) {
	v, ok := r.take(name)
	if !ok {
		return
	}
	list, err := toStrings(v)
	if err != nil {
		r.fail(name, "%s", err)
		return
	}
	*dst = list
}

// toStrings accepts a list of strings, or one string as a list of one.
func toStrings(v any) ([]string, error) {
	if s, ok := v.(string); ok {
		return []string{s}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected a list of strings, got %s", describe(v))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := scalarString(e)
		if !ok {
			return nil, fmt.Errorf("expected a list of strings, got an element %s", describe(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// stringMap reads an object of string values (meta); its keys are data,
// kept exactly as written.
func (r *defReader) stringMap(name string, dst *map[string]string) {
	raw, ok := r.dataObject(name)
	if !ok {
		return
	}
	m := make(map[string]string, len(raw))
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		s, ok := scalarString(raw[k])
		if !ok {
			r.fail(name, "%s: expected a string, got %s", k, describe(raw[k]))
			return
		}
		m[k] = s
	}
	*dst = m
}

// dataObject reads an object whose keys are data rather than field names
// (meta, header, tagged_addresses).
func (r *defReader) dataObject(name string) (map[string]any, bool) {
	v, ok := r.take(name)
	if !ok {
		return nil, false
	}
	objs, err := asObjects(v)
	if err != nil {
		r.fail(name, "%s", err)
		return nil, false
	}
	return mergeObjects(objs), true
}

// object reads a nested object of known fields (weights). HCL gives a
// block as a list of maps, JSON as a map; repeated blocks are merged.
func (r *defReader) object(name string) *defReader {
	raw, ok := r.dataObject(name)
	if !ok {
		return nil
	}
	return newDefReader(r.field(name), raw)
}

func mergeObjects(objs []map[string]any) map[string]any {
	merged := map[string]any{}
	for _, o := range objs {
		maps.Copy(merged, o)
	}
	return merged
}

// objects reads a list of nested objects (checks, or repeated blocks).
// Their paths get an index if indexed, or if there are several.
func (r *defReader) objects(name string, indexed bool) []*defReader {
	v, ok := r.take(name)
	if !ok {
		return nil
	}
	objs, err := asObjects(v)
	if err != nil {
		r.fail(name, "%s", err)
		return nil
	}
	out := make([]*defReader, len(objs))
	for i, o := range objs {
		path := r.field(name)
		if indexed || len(objs) > 1 {
			path = fmt.Sprintf("%s[%d]", path, i)
		}
		out[i] = newDefReader(path, o)
	}
	return out
}

// asObjects flattens what a decoder gives for objects: a map, HCL's list of
// maps for blocks, or a JSON list of objects.
func asObjects(v any) ([]map[string]any, error) {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}, nil
	case []map[string]any:
		return t, nil
	case []any:
		var out []map[string]any
		for _, e := range t {
			objs, err := asObjects(e)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected an object, got %s", describe(v))
}

// scalarString accepts strings, and numbers or booleans as their text, as
// consul's weakly typed decoding does for string fields.
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

func toInt(v any) (int, bool) {
	switch t := v.(type) {
	case int:
		return t, true
	case int64:
		return int(t), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < math.MaxInt32 {
			return int(t), true
		}
	case json.Number:
		n, err := t.Int64()
		if err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), true
		}
	case string:
		n, err := strconv.Atoi(t)
		if err == nil {
			return n, true
		}
	}
	return 0, false
}

func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(t)
	case json.Number, int, int64, float64, bool:
		s, _ := scalarString(t)
		return s
	case map[string]any, []map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
