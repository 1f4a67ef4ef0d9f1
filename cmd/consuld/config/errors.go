package config

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels every [*Error] unwraps to, so callers can tell kinds apart.
var (
	ErrUnknownKey = errors.New("config: unknown key")
	ErrType       = errors.New("config: wrong type")
	ErrValue      = errors.New("config: invalid value")
	ErrParse      = errors.New("config: malformed file")
	ErrRead       = errors.New("config: cannot read")
	ErrFormat     = errors.New("config: unsupported format")
	ErrExtraArgs  = errors.New("config: unexpected arguments")
)

// Error is one configuration problem.
type Error struct {
	// Source is where the value came from: `file "a.json"`, `flag -http-port`,
	// or empty for a rule about the merged configuration.
	Source string
	// Key is the dotted key (`ports.http`), empty when the problem is the
	// whole source, or a service or check definition: Detail then names the
	// definition and its field (`service "web": check 0: interval ...`).
	Key string
	// Detail says what is wrong.
	Detail string
	// Err is one of the Err* sentinels.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Source != "" {
		b.WriteString(e.Source)
		b.WriteString(": ")
	}
	switch {
	case errors.Is(e.Err, ErrUnknownKey) && e.Detail == "":
		fmt.Fprintf(&b, "unknown key %q", e.Key)
	case e.Key != "" && e.Source != "":
		fmt.Fprintf(&b, "key %q: %s", e.Key, e.Detail)
	default:
		b.WriteString(e.Detail)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// problem is what a decoder or check reports about one value; the loader
// turns it into an [*Error] with the source and key.
type problem struct {
	kind error
	msg  string
}

func (p *problem) Error() string { return p.msg }

func typeProblem(want string, got any) error {
	return &problem{kind: ErrType, msg: fmt.Sprintf("expected %s, got %s", want, typeName(got))}
}

func valueProblem(format string, args ...any) error {
	return &problem{kind: ErrValue, msg: fmt.Sprintf(format, args...)}
}

// mergedError reports a rule broken by the merged configuration.
func mergedError(key, format string, args ...any) error {
	return &Error{Key: key, Detail: fmt.Sprintf(format, args...), Err: ErrValue}
}
