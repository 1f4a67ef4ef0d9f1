package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DecodeDefinition builds a Definition from an already-parsed JSON or HCL
// object. Keys match case-insensitively with underscores ignored, so the
// API's CamelCase ("TLSSkipVerify", "DeregisterCriticalServiceAfter") and
// config files' snake_case ("tls_skip_verify",
// "deregister_critical_service_after") both work; "CheckID" and "ID",
// "Args" and "ScriptArgs" are synonyms (the first wins). Durations are
// Go duration strings ("10s") or numbers of nanoseconds. H2PingUseTLS
// defaults to true when absent. Unknown keys are ignored, as Consul's HTTP
// API ignores them; Docker, OSService and legacy Script checks are refused
// rather than ignored, so they never run as something else.
func DecodeDefinition(m map[string]any) (Definition, error) {
	in, err := normalizeKeys(m)
	if err != nil {
		return Definition{}, err
	}
	var d Definition
	for _, f := range definitionFields {
		for _, name := range f.names {
			v, ok := in[name]
			if !ok || v == nil {
				continue
			}
			if err := f.set(&d, v); err != nil {
				return Definition{}, fmt.Errorf("%w: %s: %v", ErrDecode, f.names[0], err)
			}
			break
		}
	}
	if _, ok := in["h2pingusetls"]; !ok && d.H2PING != "" {
		d.H2PingUseTLS = true
	}
	for _, name := range []string{"dockercontainerid", "osservice", "script"} {
		if s, _ := in[name].(string); s != "" {
			return Definition{}, fmt.Errorf("%w: %s", ErrUnsupported, name)
		}
	}
	return d, nil
}

// UnmarshalJSON decodes a check definition object with DecodeDefinition.
func (d *Definition) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if m == nil {
		return nil
	}
	v, err := DecodeDefinition(m)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// normKey folds a key the way Consul's lenient decoding matches fields.
func normKey(k string) string { return strings.ReplaceAll(strings.ToLower(k), "_", "") }

// normalizeKeys refuses two spellings of one key with different values
// (which one Consul would take depends on its decoder's field order).
func normalizeKeys(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	seen := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		n := normKey(k)
		if prev, dup := seen[n]; dup && !reflect.DeepEqual(out[n], m[k]) {
			return nil, fmt.Errorf("%w: %q and %q", ErrDuplicateKey, prev, k)
		}
		seen[n], out[n] = k, m[k]
	}
	return out, nil
}

type definitionField struct {
	names []string // normalized, in priority order
	set   func(d *Definition, v any) error
}

var definitionFields = []definitionField{
	{[]string{"id", "checkid"}, str(func(d *Definition) *string { return &d.ID })},
	{[]string{"name"}, str(func(d *Definition) *string { return &d.Name })},
	{[]string{"serviceid"}, str(func(d *Definition) *string { return &d.ServiceID })},
	{[]string{"notes"}, str(func(d *Definition) *string { return &d.Notes })},
	{[]string{"status"}, func(d *Definition, v any) error {
		s, err := asString(v)
		d.Status = Status(s)
		return err
	}},
	{[]string{"http"}, str(func(d *Definition) *string { return &d.HTTP })},
	{[]string{"method"}, str(func(d *Definition) *string { return &d.Method })},
	{[]string{"header"}, func(d *Definition, v any) (err error) {
		d.Header, err = asHeader(v)
		return err
	}},
	{[]string{"body"}, str(func(d *Definition) *string { return &d.Body })},
	{[]string{"disableredirects"}, boolean(func(d *Definition) *bool { return &d.DisableRedirects })},
	{[]string{"tlsservername"}, str(func(d *Definition) *string { return &d.TLSServerName })},
	{[]string{"tlsskipverify"}, boolean(func(d *Definition) *bool { return &d.TLSSkipVerify })},
	{[]string{"tcp"}, str(func(d *Definition) *string { return &d.TCP })},
	{[]string{"tcpusetls"}, boolean(func(d *Definition) *bool { return &d.TCPUseTLS })},
	{[]string{"udp"}, str(func(d *Definition) *string { return &d.UDP })},
	{[]string{"grpc"}, str(func(d *Definition) *string { return &d.GRPC })},
	{[]string{"grpcusetls"}, boolean(func(d *Definition) *bool { return &d.GRPCUseTLS })},
	{[]string{"h2ping"}, str(func(d *Definition) *string { return &d.H2PING })},
	{[]string{"h2pingusetls"}, boolean(func(d *Definition) *bool { return &d.H2PingUseTLS })},
	{[]string{"ttl"}, duration(func(d *Definition) *time.Duration { return &d.TTL })},
	{[]string{"args", "scriptargs"}, func(d *Definition, v any) (err error) {
		d.Args, err = asStrings(v)
		return err
	}},
	{[]string{"aliasnode"}, str(func(d *Definition) *string { return &d.AliasNode })},
	{[]string{"aliasservice"}, str(func(d *Definition) *string { return &d.AliasService })},
	{[]string{"interval"}, duration(func(d *Definition) *time.Duration { return &d.Interval })},
	{[]string{"timeout"}, duration(func(d *Definition) *time.Duration { return &d.Timeout })},
	{[]string{"deregistercriticalserviceafter"}, duration(func(d *Definition) *time.Duration { return &d.DeregisterCriticalServiceAfter })},
	{[]string{"successbeforepassing"}, integer(func(d *Definition) *int { return &d.SuccessBeforePassing })},
	{[]string{"failuresbeforecritical"}, integer(func(d *Definition) *int { return &d.FailuresBeforeCritical })},
	{[]string{"failuresbeforewarning"}, integer(func(d *Definition) *int { return &d.FailuresBeforeWarning })},
	{[]string{"outputmaxsize"}, integer(func(d *Definition) *int { return &d.OutputMaxSize })},
}

func str(field func(*Definition) *string) func(*Definition, any) error {
	return func(d *Definition, v any) (err error) {
		*field(d), err = asString(v)
		return err
	}
}

func boolean(field func(*Definition) *bool) func(*Definition, any) error {
	return func(d *Definition, v any) error {
		switch v := v.(type) {
		case bool:
			*field(d) = v
			return nil
		case string:
			b, err := strconv.ParseBool(v)
			*field(d) = b
			return err
		}
		return fmt.Errorf("want a boolean, got %T", v)
	}
}

func integer(field func(*Definition) *int) func(*Definition, any) error {
	return func(d *Definition, v any) (err error) {
		*field(d), err = asInt(v)
		return err
	}
}

func duration(field func(*Definition) *time.Duration) func(*Definition, any) error {
	return func(d *Definition, v any) error {
		if s, ok := v.(string); ok {
			if s == "" {
				*field(d) = 0
				return nil
			}
			p, err := time.ParseDuration(s)
			*field(d) = p
			return err
		}
		n, err := asInt(v)
		*field(d) = time.Duration(n)
		if err != nil {
			return fmt.Errorf("want a duration such as \"10s\", got %T", v)
		}
		return nil
	}
}

func asString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %T", v)
}

func asInt(v any) (int, error) {
	switch v := v.(type) {
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return int(n), nil
		}
		f, err := v.Float64()
		if err != nil {
			return 0, err
		}
		return asInt(f)
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt64 {
			return 0, fmt.Errorf("want an integer, got %v", v)
		}
		return int(v), nil
	case string:
		return strconv.Atoi(v)
	}
	return 0, fmt.Errorf("want a number, got %T", v)
}

func asStrings(v any) ([]string, error) {
	switch v := v.(type) {
	case []string:
		return slices.Clone(v), nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, got %T at %d", e, i)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %T", v)
}

// asHeader takes Consul's map of lists and, leniently, a single string
// per header.
func asHeader(v any) (map[string][]string, error) {
	switch v := v.(type) {
	case map[string][]string:
		out := make(map[string][]string, len(v))
		for k, vs := range v {
			out[k] = slices.Clone(vs)
		}
		return out, nil
	case map[string]string:
		out := make(map[string][]string, len(v))
		for k, s := range v {
			out[k] = []string{s}
		}
		return out, nil
	case map[string]any:
		out := make(map[string][]string, len(v))
		for k, e := range v {
			if s, ok := e.(string); ok {
				out[k] = []string{s}
				continue
			}
			vs, err := asStrings(e)
			if err != nil {
				return nil, fmt.Errorf("header %q: %v", k, err)
			}
			out[k] = vs
		}
		return out, nil
	}
	return nil, fmt.Errorf("want an object of header lists, got %T", v)
}
