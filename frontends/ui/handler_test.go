package ui

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestUIHandlerRoutes(t *testing.T) {
	h := Handler()
	for _, c := range []struct {
		target string
		status int
		ctype  string
		body   string
	}{
		{"/ui/", 200, "text/html; charset=utf-8", "<base href=\"/ui/\">"},
		{"/ui/dc1/services/web", 200, "text/html; charset=utf-8", "static/js/main.js"}, // a client route
		{"/ui/dc1/kv/a/b/", 200, "text/html; charset=utf-8", "static/app.css"},
		{"/ui/static/app.css", 200, "text/css; charset=utf-8", "prefers-color-scheme: dark"},
		{"/ui/static/js/main.js", 200, "text/javascript; charset=utf-8", "import"},
		{"/ui/static/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"/ui/static/nope.js", 404, "", ""},
		{"/ui/static/../index.html", 404, "", ""},
	} {
		w := get(t, h, http.MethodGet, c.target, nil)
		if w.Code != c.status {
			t.Errorf("%s: %d", c.target, w.Code)
			continue
		}
		if c.ctype != "" && w.Header().Get("Content-Type") != c.ctype {
			t.Errorf("%s: Content-Type %q", c.target, w.Header().Get("Content-Type"))
		}
		if !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s: body lacks %q", c.target, c.body)
		}
		if w.Code == 200 && (w.Header().Get("Cache-Control") != "no-cache" || w.Header().Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'self'")) {
			t.Errorf("%s: headers %v", c.target, w.Header())
		}
	}
	if w := get(t, h, http.MethodPost, "/ui/", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
	if w := get(t, h, http.MethodHead, "/ui/static/app.css", nil); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d %d bytes", w.Code, w.Body.Len())
	}
}

// A browser revalidates with the ETag and gets a 304; a changed file has
// another ETag.
func TestUIHandlerETag(t *testing.T) {
	h := Handler()
	w := get(t, h, http.MethodGet, "/ui/static/app.css", nil)
	etag := w.Header().Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag %q", etag)
	}
	if w := get(t, h, http.MethodGet, "/ui/static/app.css", map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d", w.Code)
	}
	if other := get(t, h, http.MethodGet, "/ui/static/js/api.js", nil).Header().Get("ETag"); other == etag {
		t.Error("two files share an ETag")
	}
}

// Every file index.html names and every module a module imports is
// embedded: with no build step, a typo would only show in a browser.
func TestUIAssetsResolve(t *testing.T) {
	index, err := assets.ReadFile("assets/index.html")
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`(?:href|src)="(static/[^"]+)"`)
	for _, m := range ref.FindAllStringSubmatch(string(index), -1) {
		if _, err := fs.Stat(assets, "assets/"+m[1]); err != nil {
			t.Errorf("index.html names %s: %v", m[1], err)
		}
	}
	imp := regexp.MustCompile(`(?m)^import .* from '(\./[^']+)';$`)
	err = fs.WalkDir(assets, "assets/static/js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := assets.ReadFile(p)
		for _, m := range imp.FindAllStringSubmatch(string(b), -1) {
			if _, err := fs.Stat(assets, path.Join(path.Dir(p), m[1])); err != nil {
				t.Errorf("%s imports %s: %v", p, m[1], err)
			}
			if !strings.Contains(string(index), `href="static/js/`+strings.TrimPrefix(m[1], "./")+`"`) {
				t.Errorf("%s imports %s, which index.html does not preload", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
