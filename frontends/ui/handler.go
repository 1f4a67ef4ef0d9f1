package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Path is where the UI is served (Consul's default ui_config.content_path).
const Path = "/ui/"

//go:embed assets
var assets embed.FS

// file is one asset, ready to serve.
type file struct {
	body        []byte
	etag        string
	contentType string
}

// contentTypes maps the extensions the assets use to their types (not the
// system's mime tables, which differ between machines).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
}

// csp allows the UI's own files and its own agent only: no inline
// scripts, no third-party origins, no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// handler serves the embedded files and index.html for client routes.
type handler struct {
	static map[string]file // by path under static/
	index  file
}

// Handler returns the UI's handler for requests under Path (the caller
// routes only those to it).
func Handler() http.Handler {
	h := &handler{static: map[string]file{}}
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		if name == "index.html" {
			h.index = newFile(name, b)
			return nil
		}
		h.static[name] = newFile(name, b)
		return nil
	})
	if err != nil || h.index.body == nil {
		panic("ui: embedded assets unreadable: " + errString(err))
	}
	return h
}

func errString(err error) string {
	if err == nil {
		return "no index.html"
	}
	return err.Error()
}

func newFile(name string, b []byte) file {
	sum := sha256.Sum256(b)
	// Weak: the gzip middleware may change the bytes on the wire.
	etag := `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	return file{body: b, etag: etag, contentType: contentTypes[path.Ext(name)]}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method "+r.Method+" not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel := strings.TrimPrefix(r.URL.Path, Path)
	f := h.index
	if strings.HasPrefix(rel, "static/") {
		var ok bool
		if f, ok = h.static[rel]; !ok {
			http.NotFound(w, r)
			return
		}
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("ETag", f.etag)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", csp)
	hdr.Set("Referrer-Policy", "same-origin")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
