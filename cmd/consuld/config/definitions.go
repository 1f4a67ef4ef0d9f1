package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Service and check definitions (`service`, `services`, `check`, `checks`)
// are decoded field by field, like the rest of the configuration, but with
// Consul's leniency for these objects: field names match whatever their
// case and underscores ("check_id", "CheckID" and "checkid" are one field),
// and a few aliases are accepted ("id" for "check_id", "script_args" for
// "args"). HCL blocks, which decode as lists of objects, are accepted
// wherever an object is expected.

// Consul's limits on service meta, and the minimums it raises a check's
// interval and deregister_critical_service_after to.
const (
	metaMaxKeys     = 64
	metaMaxKeyLen   = 128
	metaMaxValueLen = 512
	metaReserved    = "consul-"

	minCheckInterval   = time.Second
	minDeregisterAfter = time.Minute
)

var (
	validMetaKey = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	validDNSName = regexp.MustCompile(`^[a-zA-Z0-9-]{1,63}$`)
)

// serviceKinds are the kinds Consul accepts for a service.
var serviceKinds = []string{"connect-proxy", "mesh-gateway", "terminating-gateway", "ingress-gateway", "api-gateway"}

// Field tables: the folded spelling (lower case, no underscores) of every
// accepted name, to the canonical name used in messages.
var serviceFields = fieldTable(
	"id", "name", "kind", "tags", "address", "tagged_addresses", "meta", "port",
	"socket_path", "enable_tag_override", "weights", "check", "checks", "token",
	// Accepted and ignored, with a warning.
	"namespace", "partition", "connect", "proxy", "locality",
)

// serviceIgnored are service fields accepted with a warning.
var serviceIgnored = map[string]string{
	"namespace": "namespaces are a Consul Enterprise feature",
	"partition": "admin partitions are a Consul Enterprise feature",
	"connect":   "Connect is not supported yet",
	"proxy":     "Connect is not supported yet",
	"locality":  "locality is not supported yet",
}

var checkFields = fieldTable(
	"id", "name", "notes", "status", "service_id", "token",
	"http", "method", "header", "body", "disable_redirects", "tls_server_name", "tls_skip_verify",
	"tcp", "udp", "grpc", "grpc_use_tls", "h2ping", "h2ping_use_tls", "ttl", "args",
	"alias_node", "alias_service", "interval", "timeout", "deregister_critical_service_after",
	"success_before_passing", "failures_before_critical", "failures_before_warning", "output_max_size",
	// Refused with a specific message.
	"script", "docker_container_id", "shell", "os_service", "tcp_use_tls",
	// Accepted and ignored, with a warning.
	"namespace", "partition",
).alias("check_id", "id").alias("script_args", "args")

var checkIgnored = map[string]string{
	"namespace": "namespaces are a Consul Enterprise feature",
	"partition": "admin partitions are a Consul Enterprise feature",
}

var checkRefused = map[string]string{
	"script":              `the old "script" form is not supported: use "args", a list of the program and its arguments`,
	"docker_container_id": "Docker checks are not supported by consuld",
	"shell":               "Docker checks are not supported by consuld",
	"os_service":          "OS service checks are not supported by consuld",
	"tcp_use_tls":         "TCP checks over TLS are not supported by consuld",
}

var weightFields = fieldTable("passing", "warning")
var addressFields = fieldTable("address", "port")

type fields map[string]string

func fold(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

func fieldTable(names ...string) fields {
	t := fields{}
	for _, n := range names {
		t[fold(n)] = n
	}
	return t
}

func (t fields) alias(name, canonical string) fields {
	t[fold(name)] = canonical
	return t
}

// defError is a problem found in a definition; the loader adds the source.
type defError struct {
	kind error // an Err* sentinel
	msg  string
}

func (e *defError) Error() string { return e.msg }

// defObject is one definition object with its fields by canonical name.
type defObject struct {
	path   string            // `service "web": check 0`, for messages
	fields map[string]any    // canonical name → value; null values dropped
	keys   map[string]string // canonical name → the name as written
	warn   func(string)
	// bad is the first unknown or repeated field name, reported by
	// resolved once the object's path names it as well as it can.
	bad func() error
}

// newObject checks v is an object (or HCL blocks of one) and resolves its
// field names. Unknown names, and one field given twice under two
// spellings, are errors, returned by resolved; names are looked at in
// sorted order so the error is always the same one.
func newObject(path string, v any, table fields, warn func(string)) (*defObject, error) {
	m, err := mergedObject(v)
	if err != nil {
		return nil, &defError{kind: ErrType, msg: path + ": " + err.Error()}
	}
	o := &defObject{path: path, fields: map[string]any{}, keys: map[string]string{}, warn: warn}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		name, ok := table[fold(k)]
		if !ok {
			if o.bad == nil {
				o.bad = func() error {
					return &defError{kind: ErrUnknownKey, msg: fmt.Sprintf("%s: unknown field %q", o.path, k)}
				}
			}
			continue
		}
		if prev, dup := o.keys[name]; dup {
			if o.bad == nil {
				o.bad = func() error { return o.errorf(ErrValue, "%q and %q are the same field (%s): give one", prev, k, name) }
			}
			continue
		}
		o.keys[name] = k
		if m[k] != nil {
			o.fields[name] = m[k]
		}
	}
	return o, nil
}

// resolved reports an unknown or repeated field name.
func (o *defObject) resolved() error {
	if o.bad != nil {
		return o.bad()
	}
	return nil
}

// newResolvedObject is newObject for objects without a name.
func newResolvedObject(path string, v any, table fields, warn func(string)) (*defObject, error) {
	o, err := newObject(path, v, table, warn)
	if err != nil {
		return nil, err
	}
	return o, o.resolved()
}

// mergedObject takes an object, or a list of objects as HCL decodes blocks,
// merged in order.
func mergedObject(v any) (map[string]any, error) {
	objs, err := asObjects(v)
	if err != nil {
		return nil, err
	}
	if len(objs) == 1 {
		return objs[0], nil
	}
	out := map[string]any{}
	for _, o := range objs {
		maps.Copy(out, o)
	}
	return out, nil
}

func (o *defObject) errorf(kind error, format string, args ...any) error {
	return &defError{kind: kind, msg: o.path + ": " + fmt.Sprintf(format, args...)}
}

// fieldError reports a problem from one of the as* decoders on a field.
func (o *defObject) fieldError(name string, err error) error {
	if p, ok := err.(*problem); ok {
		return o.errorf(p.kind, "%s: %s", name, p.msg)
	}
	return o.errorf(ErrValue, "%s: %v", name, err)
}

func (o *defObject) has(name string) bool {
	_, ok := o.fields[name]
	return ok
}

func (o *defObject) str(name string, dst *string) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	s, err := asString(v)
	if err != nil {
		return o.fieldError(name, err)
	}
	*dst = s
	return nil
}

func (o *defObject) boolean(name string, dst *bool) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	b, err := asBool(v)
	if err != nil {
		return o.fieldError(name, err)
	}
	*dst = b
	return nil
}

// integer decodes a whole number in [lo, hi].
func (o *defObject) integer(name string, dst *int, lo, hi int) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	n, err := asInt(v)
	if err != nil {
		return o.fieldError(name, err)
	}
	if n < lo || n > hi {
		if hi == maxInt {
			return o.errorf(ErrValue, "%s %d: must be at least %d", name, n, lo)
		}
		return o.errorf(ErrValue, "%s %d: must be between %d and %d", name, n, lo, hi)
	}
	*dst = n
	return nil
}

const maxInt = int(^uint(0) >> 1)

// duration decodes a Go duration string ("10s"); negative is an error.
func (o *defObject) duration(name string, dst *time.Duration) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return o.fieldError(name, typeProblem(`duration string like "10s"`, v))
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return o.errorf(ErrValue, "%s %q: %v", name, s, err)
	}
	if d < 0 {
		return o.errorf(ErrValue, "%s %q: cannot be negative", name, s)
	}
	*dst = d
	return nil
}

func (o *defObject) strings(name string, dst *[]string) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	l, err := asStrings(v)
	if err != nil {
		return o.fieldError(name, err)
	}
	*dst = l
	return nil
}

// stringMap decodes an object of strings (HCL blocks merged).
func (o *defObject) stringMap(name string, dst *map[string]string) error {
	v, ok := o.fields[name]
	if !ok {
		return nil
	}
	m, err := mergedObject(v)
	if err != nil {
		return o.fieldError(name, err)
	}
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s, ok := m[k].(string)
		if !ok {
			return o.errorf(ErrType, "%s %q: expected string, got %s", name, k, typeName(m[k]))
		}
		out[k] = s
	}
	*dst = out
	return nil
}

// objects returns the objects of a field holding one object or a list of them.
func (o *defObject) objects(name string) ([]map[string]any, error) {
	v, ok := o.fields[name]
	if !ok {
		return nil, nil
	}
	objs, err := asObjects(v)
	if err != nil {
		return nil, o.fieldError(name, err)
	}
	return objs, nil
}

// ignore warns about the fields of ignored that are set.
func (o *defObject) ignore(ignored map[string]string) {
	for _, name := range slices.Sorted(maps.Keys(ignored)) {
		if o.has(name) {
			o.warn(fmt.Sprintf("%s: %s: %s; the field is ignored", o.path, name, ignored[name]))
		}
	}
}

// decodeService decodes one service definition; idx is its position in
// its key's list, used in messages when it has no name.
func decodeService(v any, idx int, source string, warn func(string)) (ServiceDef, error) {
	s := ServiceDef{Source: source, Weights: Weights{Passing: 1, Warning: 1}}
	o, err := newObject(fmt.Sprintf("service %d", idx), v, serviceFields, warn)
	if err != nil {
		return s, err
	}
	if err := o.str("name", &s.Name); err != nil {
		return s, err
	}
	if s.Name == "" {
		if err := o.resolved(); err != nil {
			return s, err
		}
		return s, o.errorf(ErrValue, "name is required")
	}
	o.path = fmt.Sprintf("service %q", s.Name)
	if err := o.resolved(); err != nil {
		return s, err
	}
	if err := o.str("id", &s.ID); err != nil {
		return s, err
	}
	if s.ID == "" {
		s.ID = s.Name
	} else if s.ID != s.Name {
		o.path = fmt.Sprintf("service %q (id %q)", s.Name, s.ID)
	}
	for _, step := range []func() error{
		func() error { return o.str("kind", &s.Kind) },
		func() error { return o.strings("tags", &s.Tags) },
		func() error { return o.str("address", &s.Address) },
		func() error { return decodeTaggedAddresses(o, &s.TaggedAddresses) },
		func() error { return o.stringMap("meta", &s.Meta) },
		func() error { return o.integer("port", &s.Port, 0, 65535) },
		func() error { return o.str("socket_path", &s.SocketPath) },
		func() error { return o.boolean("enable_tag_override", &s.EnableTagOverride) },
		func() error { return decodeWeights(o, &s.Weights) },
		func() error { return o.str("token", &s.Token) },
	} {
		if err := step(); err != nil {
			return s, err
		}
	}
	if s.Kind != "" && !slices.Contains(serviceKinds, s.Kind) {
		return s, o.errorf(ErrValue, "kind %q: must be one of %s, or empty for a typical service", s.Kind, strings.Join(serviceKinds, ", "))
	}
	if err := checkMeta(o, s.Meta); err != nil {
		return s, err
	}
	o.ignore(serviceIgnored)
	if s.Kind != "" {
		warn(fmt.Sprintf("%s: kind %q: Connect proxies and gateways are not supported yet; the service is registered as a plain catalog entry", o.path, s.Kind))
	}
	if !validDNSName.MatchString(s.Name) {
		warn(fmt.Sprintf("%s: the name will not be discoverable via DNS: use only letters, digits and - (at most 63)", o.path))
	}

	// The single `check` comes first, then `checks`, as in Consul.
	one, err := o.objects("check")
	if err != nil {
		return s, err
	}
	if len(one) > 1 {
		return s, o.errorf(ErrValue, "check: %d checks given: use \"checks\" for several", len(one))
	}
	if len(one) == 1 && emptyObject(one[0]) {
		one = nil // as in Consul, an empty `check` is no check
	}
	list, err := o.objects("checks")
	if err != nil {
		return s, err
	}
	all := append(one, list...)
	seen := map[string]int{}
	for i, m := range all {
		c, err := decodeCheck(m, fmt.Sprintf("%s: check %d", o.path, i), false, source, warn)
		if err != nil {
			return s, err
		}
		if c.ServiceID != "" && c.ServiceID != s.ID {
			warn(fmt.Sprintf("%s: check %d: service_id %q is not this service's ID and is ignored", o.path, i, c.ServiceID))
		}
		c.ServiceID = s.ID
		if c.ID == "" {
			c.ID = "service:" + s.ID
			if len(all) > 1 {
				c.ID += fmt.Sprintf(":%d", i+1)
			}
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("Service '%s' check", s.Name)
		}
		if j, dup := seen[c.ID]; dup {
			return s, o.errorf(ErrValue, "check %d: check ID %q is already used by check %d", i, c.ID, j)
		}
		seen[c.ID] = i
		s.Checks = append(s.Checks, c)
	}
	return s, nil
}

func decodeTaggedAddresses(o *defObject, dst *map[string]ServiceAddress) error {
	v, ok := o.fields["tagged_addresses"]
	if !ok {
		return nil
	}
	m, err := mergedObject(v)
	if err != nil {
		return o.fieldError("tagged_addresses", err)
	}
	out := make(map[string]ServiceAddress, len(m))
	for _, tag := range slices.Sorted(maps.Keys(m)) {
		if m[tag] == nil {
			continue
		}
		a, err := newResolvedObject(fmt.Sprintf("%s: tagged_addresses %q", o.path, tag), m[tag], addressFields, o.warn)
		if err != nil {
			return err
		}
		var sa ServiceAddress
		if err := a.str("address", &sa.Address); err != nil {
			return err
		}
		if err := a.integer("port", &sa.Port, 0, 65535); err != nil {
			return err
		}
		out[tag] = sa
	}
	*dst = out
	return nil
}

func decodeWeights(o *defObject, dst *Weights) error {
	v, ok := o.fields["weights"]
	if !ok {
		return nil
	}
	w, err := newResolvedObject(o.path+": weights", v, weightFields, o.warn)
	if err != nil {
		return err
	}
	if err := w.integer("passing", &dst.Passing, 1, maxInt); err != nil {
		return err
	}
	return w.integer("warning", &dst.Warning, 0, maxInt)
}

// checkMeta applies Consul's rules for service meta.
func checkMeta(o *defObject, meta map[string]string) error {
	if len(meta) > metaMaxKeys {
		return o.errorf(ErrValue, "meta: %d keys, at most %d are allowed", len(meta), metaMaxKeys)
	}
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		switch {
		case k == "":
			return o.errorf(ErrValue, "meta: a key cannot be empty")
		case len(k) > metaMaxKeyLen:
			return o.errorf(ErrValue, "meta key %q: longer than %d characters", k, metaMaxKeyLen)
		case !validMetaKey.MatchString(k):
			return o.errorf(ErrValue, "meta key %q: only letters, digits, - and _ are allowed", k)
		case strings.HasPrefix(strings.ToLower(k), metaReserved):
			return o.errorf(ErrValue, "meta key %q: the %q prefix is reserved for Consul", k, metaReserved)
		case len(meta[k]) > metaMaxValueLen:
			return o.errorf(ErrValue, "meta key %q: value longer than %d characters", k, metaMaxValueLen)
		}
	}
	return nil
}

// decodeStandaloneCheck decodes one `check`/`checks` entry; idx is its
// position in its key's list, used in messages when it has no name. Its
// name is required and its ID defaults to the name.
func decodeStandaloneCheck(v any, idx int, source string, warn func(string)) (CheckDef, error) {
	return decodeCheck(v, fmt.Sprintf("check %d", idx), true, source, warn)
}

// decodeCheck decodes the fields of a check and checks its kind. A
// standalone check is renamed `check "<name>"` in messages, must have a
// name, and its ID defaults to the name; a service's checks are defaulted
// by decodeService.
func decodeCheck(v any, path string, standalone bool, source string, warn func(string)) (CheckDef, error) {
	c := CheckDef{Source: source, H2PingUseTLS: true}
	o, err := newObject(path, v, checkFields, warn)
	if err != nil {
		return c, err
	}
	if err := o.str("name", &c.Name); err != nil {
		return c, err
	}
	if standalone && c.Name != "" {
		o.path = fmt.Sprintf("check %q", c.Name)
	}
	if err := o.resolved(); err != nil {
		return c, err
	}
	if standalone && c.Name == "" {
		return c, o.errorf(ErrValue, "name is required")
	}
	for _, name := range slices.Sorted(maps.Keys(checkRefused)) {
		if o.has(name) {
			return c, o.errorf(ErrValue, "%s: %s", name, checkRefused[name])
		}
	}
	for _, step := range []func() error{
		func() error { return o.str("id", &c.ID) },
		func() error { return o.str("notes", &c.Notes) },
		func() error { return o.str("status", &c.Status) },
		func() error { return o.str("service_id", &c.ServiceID) },
		func() error { return o.str("token", &c.Token) },
		func() error { return o.str("http", &c.HTTP) },
		func() error { return o.str("method", &c.Method) },
		func() error { return decodeHeader(o, &c.Header) },
		func() error { return o.str("body", &c.Body) },
		func() error { return o.boolean("disable_redirects", &c.DisableRedirects) },
		func() error { return o.str("tls_server_name", &c.TLSServerName) },
		func() error { return o.boolean("tls_skip_verify", &c.TLSSkipVerify) },
		func() error { return o.str("tcp", &c.TCP) },
		func() error { return o.str("udp", &c.UDP) },
		func() error { return o.str("grpc", &c.GRPC) },
		func() error { return o.boolean("grpc_use_tls", &c.GRPCUseTLS) },
		func() error { return o.str("h2ping", &c.H2PING) },
		func() error { return o.boolean("h2ping_use_tls", &c.H2PingUseTLS) },
		func() error { return o.duration("ttl", &c.TTL) },
		func() error { return o.strings("args", &c.Args) },
		func() error { return o.str("alias_node", &c.AliasNode) },
		func() error { return o.str("alias_service", &c.AliasService) },
		func() error { return o.duration("interval", &c.Interval) },
		func() error { return o.duration("timeout", &c.Timeout) },
		func() error {
			return o.duration("deregister_critical_service_after", &c.DeregisterCriticalServiceAfter)
		},
		func() error { return o.integer("success_before_passing", &c.SuccessBeforePassing, 0, maxInt) },
		func() error { return o.integer("failures_before_warning", &c.FailuresBeforeWarning, 0, maxInt) },
		func() error { return o.integer("failures_before_critical", &c.FailuresBeforeCritical, 0, maxInt) },
		func() error { return o.integer("output_max_size", &c.OutputMaxSize, 0, maxInt) },
	} {
		if err := step(); err != nil {
			return c, err
		}
	}
	switch c.Status {
	case "", "passing", "warning", "critical":
	default:
		return c, o.errorf(ErrValue, "status %q: must be passing, warning or critical", c.Status)
	}
	o.ignore(checkIgnored)

	// Exactly one kind.
	var kinds []string
	for _, k := range []struct {
		set  bool
		name string
		kind CheckKind
	}{
		{c.HTTP != "", "http", CheckHTTP},
		{c.TCP != "", "tcp", CheckTCP},
		{c.UDP != "", "udp", CheckUDP},
		{c.GRPC != "", "grpc", CheckGRPC},
		{c.H2PING != "", "h2ping", CheckH2PING},
		{o.has("ttl"), "ttl", CheckTTL},
		{len(c.Args) > 0, "args", CheckScript},
		{c.AliasNode != "" || c.AliasService != "", "alias_node/alias_service", CheckAlias},
	} {
		if k.set {
			kinds = append(kinds, k.name)
			c.Kind = k.kind
		}
	}
	switch len(kinds) {
	case 0:
		return c, o.errorf(ErrValue, "no check kind: set one of http, tcp, udp, grpc, h2ping, ttl, args, alias_node or alias_service")
	case 1:
	default:
		return c, o.errorf(ErrValue, "%s cannot be combined: a check has exactly one kind", strings.Join(kinds, " and "))
	}

	switch {
	case c.Kind == CheckTTL && c.TTL <= 0:
		return c, o.errorf(ErrValue, "ttl %q: must be greater than 0", o.fields["ttl"])
	case c.Kind.Periodic() && !o.has("interval"):
		return c, o.errorf(ErrValue, "interval is required for a %s check", kinds[0])
	case c.Kind.Periodic() && c.Interval <= 0:
		return c, o.errorf(ErrValue, "interval %q: must be greater than 0 for a %s check", o.fields["interval"], kinds[0])
	case c.Kind.Periodic() && c.Interval < minCheckInterval:
		warn(fmt.Sprintf("%s: interval %v is below the minimum of %v; using %v", o.path, c.Interval, minCheckInterval, minCheckInterval))
		c.Interval = minCheckInterval
	}
	if d := c.DeregisterCriticalServiceAfter; d > 0 && d < minDeregisterAfter {
		warn(fmt.Sprintf("%s: deregister_critical_service_after %v is below the minimum of %v; using %v", o.path, d, minDeregisterAfter, minDeregisterAfter))
		c.DeregisterCriticalServiceAfter = minDeregisterAfter
	}
	if standalone && c.ID == "" {
		c.ID = c.Name
	}
	return c, nil
}

// decodeHeader decodes an HTTP check's header: names to lists of values.
func decodeHeader(o *defObject, dst *map[string][]string) error {
	v, ok := o.fields["header"]
	if !ok {
		return nil
	}
	m, err := mergedObject(v)
	if err != nil {
		return o.fieldError("header", err)
	}
	out := make(map[string][]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		l, err := asStrings(m[k])
		if err != nil {
			return o.errorf(ErrType, "header %q: expected list of strings, got %s", k, typeName(m[k]))
		}
		out[k] = l
	}
	*dst = out
	return nil
}

// emptyObject reports whether m sets nothing.
func emptyObject(m map[string]any) bool {
	for _, v := range m {
		if v != nil {
			return false
		}
	}
	return true
}
