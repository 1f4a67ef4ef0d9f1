package keyring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is where the LAN keyring lives under the data directory.
const FileName = "serf/local.keyring"

// Path returns the keyring file of a data directory.
func Path(dataDir string) string { return filepath.Join(dataDir, FileName) }

// Parse decodes a keyring file: a JSON array of base64 keys, primary
// first. Every key must be valid, no key may appear twice, and the list
// must not be empty.
func Parse(data []byte) ([][]byte, error) {
	var encoded []string
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&encoded); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFile, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the key list", ErrFile)
	}
	if len(encoded) == 0 {
		return nil, ErrEmpty
	}
	keys := make([][]byte, 0, len(encoded))
	for i, s := range encoded {
		k, err := Decode(s)
		if err != nil {
			return nil, fmt.Errorf("%w: key %d: %w", ErrFile, i, err)
		}
		if index(keys, k) >= 0 {
			return nil, fmt.Errorf("%w: key %d is listed twice", ErrFile, i)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Marshal encodes keys (primary first) in the file format.
func Marshal(keys [][]byte) []byte {
	encoded := make([]string, len(keys))
	for i, k := range keys {
		encoded[i] = Encode(k)
	}
	out, _ := json.MarshalIndent(encoded, "", "  ") // cannot fail on strings
	return append(out, '\n')
}

// WriteFile replaces the file at path with keys, atomically: the keys go
// to a temporary file in the same directory, which is synced, renamed over
// path, and the directory synced, so a crash leaves either the old file or
// the new one. The file is readable by its owner only.
func WriteFile(path string, keys [][]byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".local.keyring-*")
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.Write(Marshal(keys))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("keyring: writing %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ReadFile reads and parses the keyring file at path.
func ReadFile(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	keys, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}
