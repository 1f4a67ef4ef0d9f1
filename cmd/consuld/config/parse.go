package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl"
)

// parseJSON decodes one JSON object with exact numbers. Empty input is an
// empty configuration.
func parseJSON(data []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the top-level object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("top level must be an object, got %s", typeName(v))
	}
	return m, nil
}

// jsonError adds the line and column to encoding/json's offset-only errors.
func jsonError(data []byte, err error) error {
	var offset int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of JSON input")
	}
	if offset <= 0 || offset > int64(len(data)) {
		return err
	}
	// Offset counts the bytes read, the offending one included.
	pos := int(offset) - 1
	line := 1 + bytes.Count(data[:pos], []byte("\n"))
	col := pos - bytes.LastIndexByte(data[:pos], '\n')
	return fmt.Errorf("line %d, column %d: %v", line, col, err)
}

// parseHCL decodes HCL v1 (or JSON, which the HCL parser detects by a
// leading '{', as Consul's does) into normalised values.
func parseHCL(data []byte) (m map[string]any, err error) {
	defer func() {
		// The HCL v1 parser is old; a crash on hostile input must not take
		// the agent down.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("HCL parser failed: %v", r)
		}
	}()
	var raw map[string]any
	if err := hcl.Decode(&raw, string(data)); err != nil {
		return nil, err
	}
	if raw == nil {
		return map[string]any{}, nil
	}
	n, ok := normalize(raw).(map[string]any)
	if !ok {
		return nil, errors.New("top level must be an object")
	}
	return n, nil
}

// normalize turns the HCL decoder's values into the shapes encoding/json
// produces with UseNumber: []any, map[string]any and json.Number, so raw
// values kept for later (service definitions) do not depend on the format.
// A float keeps a fraction part so it is never taken for an integer.
func normalize(v any) any {
	switch t := v.(type) {
	case int:
		return json.Number(strconv.Itoa(t))
	case float64:
		s := strconv.FormatFloat(t, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		return json.Number(s)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = normalize(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}
