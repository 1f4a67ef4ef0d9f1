package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// mapFlag collects repeated key=value flags (-node-meta, -meta). The value
// is split at the first "=", so values may hold "=" themselves; a repeated
// key keeps its last value.
type mapFlag map[string]string

func (m *mapFlag) String() string {
	if m == nil || len(*m) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(*m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + (*m)[k]
	}
	return strings.Join(parts, ",")
}

func (m *mapFlag) Set(value string) error {
	key, val, ok := strings.Cut(value, "=")
	if !ok {
		// compat: consul's text for the same mistake.
		return fmt.Errorf("Missing \"=\" value in argument: %s", value)
	}
	if *m == nil {
		*m = mapFlag{}
	}
	(*m)[key] = val
	return nil
}

// listFlag collects a flag given several times (-tag), in order.
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(value string) error {
	*l = append(*l, value)
	return nil
}
