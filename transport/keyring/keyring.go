package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
)

// Keyring is a set of gossip keys with one primary, optionally persisted.
type Keyring struct {
	mu   sync.Mutex
	keys [][]byte // primary first; never empty
	path string   // "" keeps the keyring in memory only
}

// New returns an in-memory keyring holding keys, the first one primary.
func New(keys [][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, ErrEmpty
	}
	own := make([][]byte, 0, len(keys))
	for _, k := range keys {
		if err := Validate(k); err != nil {
			return nil, err
		}
		if index(own, k) < 0 {
			own = append(own, bytes.Clone(k))
		}
	}
	return &Keyring{keys: own}, nil
}

// Loaded says where Load took the keyring from.
type Loaded int

// The outcomes of Load.
const (
	// None: no keyring file and no encrypt key; gossip is not encrypted.
	None Loaded = iota
	// FromEncrypt: the encrypt key, written to a new keyring file (or
	// kept in memory when there is no data directory).
	FromEncrypt
	// FromFile: an existing keyring file; any encrypt key was not used.
	FromFile
	// FromFileEncryptIgnored: an existing keyring file that does not hold
	// the configured encrypt key. The agent should warn: Consul ignores
	// encrypt once the keyring file exists.
	FromFileEncryptIgnored
)

// Load sets up the agent's keyring as Consul does. With a keyring file
// under dataDir, the file is the keyring and encrypt is ignored. Without
// one, encrypt (a base64 key, or "") seeds a new keyring, which is written
// to the file. An empty dataDir (-dev) keeps the keyring in memory only. A
// nil Keyring with None means gossip is not encrypted.
func Load(dataDir, encrypt string) (*Keyring, Loaded, error) {
	var seed []byte
	if encrypt != "" {
		k, err := Decode(encrypt)
		if err != nil {
			return nil, None, fmt.Errorf("encrypt: %w", err)
		}
		seed = k
	}
	if dataDir == "" {
		if seed == nil {
			return nil, None, nil
		}
		kr, err := New([][]byte{seed})
		return kr, FromEncrypt, err
	}
	path := Path(dataDir)
	keys, err := ReadFile(path)
	switch {
	case err == nil:
		kr := &Keyring{keys: keys, path: path}
		if seed != nil && index(keys, seed) < 0 {
			return kr, FromFileEncryptIgnored, nil
		}
		return kr, FromFile, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, None, err
	case seed == nil:
		return nil, None, nil
	}
	if err := WriteFile(path, [][]byte{seed}); err != nil {
		return nil, None, err
	}
	return &Keyring{keys: [][]byte{seed}, path: path}, FromEncrypt, nil
}

// Persist makes every later change of k rewrite the keyring file at path,
// and writes it now.
func (k *Keyring) Persist(path string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := WriteFile(path, k.keys); err != nil {
		return err
	}
	k.path = path
	return nil
}

// Install adds a base64 key. Installing a key that is already there
// succeeds and changes nothing.
func (k *Keyring) Install(key string) error {
	b, err := Decode(key)
	if err != nil {
		return err
	}
	return k.change(func(keys [][]byte) ([][]byte, error) {
		if index(keys, b) >= 0 {
			return keys, nil
		}
		return append(slices.Clone(keys), b), nil
	})
}

// Use makes an installed key the primary one.
func (k *Keyring) Use(key string) error {
	b, err := Decode(key)
	if err != nil {
		return err
	}
	return k.change(func(keys [][]byte) ([][]byte, error) {
		i := index(keys, b)
		if i < 0 {
			return nil, ErrNotInstalled
		}
		out := make([][]byte, 0, len(keys))
		out = append(out, keys[i])
		out = append(out, keys[:i]...)
		return append(out, keys[i+1:]...), nil
	})
}

// Remove drops a key other than the primary. Removing a key that is not
// installed succeeds and changes nothing, as in Consul.
func (k *Keyring) Remove(key string) error {
	b, err := Decode(key)
	if err != nil {
		return err
	}
	return k.change(func(keys [][]byte) ([][]byte, error) {
		i := index(keys, b)
		switch {
		case i == 0:
			return nil, ErrRemovePrimary
		case i < 0:
			return keys, nil
		}
		return slices.Delete(slices.Clone(keys), i, i+1), nil
	})
}

// change applies f to the key list; the new list is persisted before it
// replaces the old one, so a failed write leaves the keyring unchanged.
func (k *Keyring) change(f func([][]byte) ([][]byte, error)) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	next, err := f(k.keys)
	if err != nil {
		return err
	}
	if k.path != "" && !equal(next, k.keys) {
		if err := WriteFile(k.path, next); err != nil {
			return err
		}
	}
	k.keys = next
	return nil
}

// List returns the keys base64-encoded, primary first.
func (k *Keyring) List() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]string, len(k.keys))
	for i, b := range k.keys {
		out[i] = Encode(b)
	}
	return out
}

// Keys returns a copy of the keys, primary first: memberlist.NewKeyring's
// first argument.
func (k *Keyring) Keys() [][]byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([][]byte, len(k.keys))
	for i, b := range k.keys {
		out[i] = bytes.Clone(b)
	}
	return out
}

// Primary returns a copy of the key gossip is encrypted with.
func (k *Keyring) Primary() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return bytes.Clone(k.keys[0])
}

func index(keys [][]byte, k []byte) int {
	return slices.IndexFunc(keys, func(x []byte) bool { return bytes.Equal(x, k) })
}

func equal(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }
