package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/consuld/consuld/actors"
)

// KeyringAnswer is one member's answer to a keyring operation.
type KeyringAnswer struct {
	Node    string
	Keys    []string // base64, primary first
	Primary string
	Error   string
}

// Keyring runs gossip keyring operations on every member of the pool.
type Keyring interface {
	KeyringOp(ctx context.Context, op, key string) ([]KeyringAnswer, error)
}

type keyringJSON struct {
	WAN         bool
	Datacenter  string
	Segment     string
	Keys        map[string]int
	PrimaryKeys map[string]int
	Messages    map[string]string
	NumNodes    int
}

func (a *API) operatorKeyring(c echo.Context) (any, *actors.Meta, error) {
	if a.opts.Keyring == nil {
		return nil, nil, badRequest("keyring operations need LAN gossip")
	}
	op := map[string]string{http.MethodGet: "list", http.MethodPost: "install", http.MethodPut: "use", http.MethodDelete: "remove"}[c.Request().Method]
	var body struct{ Key string }
	if op != "list" {
		if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 4096)).Decode(&body); err != nil || body.Key == "" {
			return nil, nil, badRequest("Request decode failed: a JSON body with the Key is required")
		}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	answers, err := a.opts.Keyring.KeyringOp(ctx, op, body.Key)
	if err != nil {
		return nil, nil, err
	}
	out := keyringJSON{Datacenter: a.opts.Datacenter, Keys: map[string]int{}, PrimaryKeys: map[string]int{}, Messages: map[string]string{}, NumNodes: len(answers)}
	var failed []string
	for _, r := range answers {
		for _, k := range r.Keys {
			out.Keys[k]++
		}
		if r.Primary != "" {
			out.PrimaryKeys[r.Primary]++
		}
		if r.Error != "" {
			out.Messages[r.Node] = r.Error
			failed = append(failed, r.Node+": "+r.Error)
		}
	}
	if len(failed) > 0 {
		return nil, nil, errors.New(strings.Join(failed, "\n"))
	}
	if op == "list" {
		return []keyringJSON{out}, nil, nil
	}
	return nil, nil, nil
}
