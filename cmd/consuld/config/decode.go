package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Values reaching these decoders are nil, bool, string, json.Number, []any
// and map[string]any (see normalize), or int from an integer flag.

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, int:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func asString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", typeProblem("string", v)
	}
	return s, nil
}

func asBool(v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, typeProblem("boolean", v)
	}
	return b, nil
}

func asInt(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case json.Number:
		s := n.String()
		if strings.ContainsAny(s, ".eE") {
			return 0, typeProblem("integer", v)
		}
		i, err := strconv.ParseInt(s, 10, 0)
		if err != nil {
			return 0, valueProblem("integer %s out of range", s)
		}
		return int(i), nil
	}
	return 0, typeProblem("integer", v)
}

// asDuration takes Consul's duration strings ("10s", "1m30s").
func asDuration(v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, typeProblem(`duration string like "10s"`, v)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, valueProblem("invalid duration %q (want e.g. \"10s\")", s)
	}
	if d < 0 {
		return 0, valueProblem("duration %q cannot be negative", s)
	}
	return d, nil
}

func asStrings(v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, typeProblem("list of strings", v)
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, typeProblem("list of strings", l)
		}
		out = append(out, s)
	}
	return out, nil
}

// asObjects takes an object, or a list of objects as HCL decodes blocks
// (and repeated blocks), and returns them in order.
func asObjects(v any) ([]map[string]any, error) {
	switch o := v.(type) {
	case map[string]any:
		return []map[string]any{o}, nil
	case []any:
		out := make([]map[string]any, 0, len(o))
		for _, e := range o {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, typeProblem("object", v)
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, typeProblem("object", v)
}
