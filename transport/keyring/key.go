package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// Errors returned by the package; wrapped errors carry the detail.
var (
	ErrKeySize       = errors.New("keyring: key size must be 16, 24 or 32 bytes")
	ErrKeyEncoding   = errors.New("keyring: key is not valid base64")
	ErrNotInstalled  = errors.New("keyring: requested key is not in the keyring")
	ErrRemovePrimary = errors.New("keyring: removing the primary key is not allowed")
	ErrEmpty         = errors.New("keyring: no keys present in keyring")
	ErrFile          = errors.New("keyring: malformed keyring file")
)

// GenerateSize is the size of keys Generate makes: AES-256, what
// `consul keygen` produces.
const GenerateSize = 32

// Generate returns a new random 32-byte key, base64-encoded.
func Generate() (string, error) {
	k := make([]byte, GenerateSize)
	if _, err := rand.Read(k); err != nil {
		return "", fmt.Errorf("keyring: reading random bytes: %w", err)
	}
	return Encode(k), nil
}

// Encode returns the wire form of a key.
func Encode(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// Decode parses a base64 key and checks its size.
func Decode(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyEncoding, err)
	}
	if err := Validate(k); err != nil {
		return nil, err
	}
	return k, nil
}

// Validate checks that k is an AES-128, -192 or -256 key.
func Validate(k []byte) error {
	switch len(k) {
	case 16, 24, 32:
		return nil
	}
	return fmt.Errorf("%w, got %d", ErrKeySize, len(k))
}
