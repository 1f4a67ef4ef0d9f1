package actors

import (
	"errors"
	"fmt"
)

var (
	ErrNoLeader   = errors.New("No cluster leader") // compat: text clients match
	ErrMissingKey = errors.New("Missing key name")  // compat
	ErrKeyTooLong = fmt.Errorf("Key too long (max %d bytes)", MaxKeyLen)
	ErrKeyNUL     = errors.New("Invalid key name: contains a NUL byte")
	ErrKeyDotDot  = errors.New("Invalid key name: contains a '.' or '..' path segment")
	ErrTimeout    = errors.New("Timeout waiting for the request to complete")
)

// ValueTooLargeError is a KV value over limits.kv_max_value_size.
type ValueTooLargeError struct{ Size, Max int }

func (e *ValueTooLargeError) Error() string {
	return fmt.Sprintf("Value exceeds %d byte limit", e.Max) // compat: Vault matches "Value exceeds"
}
