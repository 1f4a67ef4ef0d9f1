package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The web UI tests drive a real headless Chromium over the DevTools
// protocol. They wait for content (polling the page), never for virtual
// time: a page that keeps a blocking query open never lets a virtual time
// budget run out.

// screenshotsEnv, when set, makes the UI tests save PNGs of the main
// pages under frontends/ui/screenshots.
const screenshotsEnv = "CONSULD_UI_SCREENSHOTS"

// browser is one headless Chromium (its own process and profile) with one
// tab, closed at the end of the test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // http://host:port of the agent

	mu     sync.Mutex
	errors []string // uncaught page exceptions
}

// chromiumPath finds Chromium, or skips the test outside CI when there is
// none (CI installs it: .ci/run).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("no chromium on PATH (CI installs it)")
	}
	t.Fatal("no chromium on PATH")
	return ""
}

// newBrowser starts Chromium for the UI of agent a; every action of the
// test must finish within limit.
func newBrowser(t *testing.T, a *agent, limit time.Duration) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 860))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, limit)
	b := &browser{t: t, ctx: ctx, base: "http://" + a.HTTP}
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.errors {
			t.Errorf("page exception: %s", e)
		}
	})
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			b.mu.Lock()
			b.errors = append(b.errors, msg)
			b.mu.Unlock()
		}
	}()
	return b
}

// do runs actions, failing the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.dump())
	}
}

// open loads path and waits until its view rendered data.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
	b.waitFor("the view loaded", `document.querySelector('section[data-loaded]') !== null`)
}

// waitFor polls a JavaScript expression until it is truthy.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v\n%s", what, expr, err, b.dump())
	}
}

// visible waits until a CSS selector matches a visible element.
func (b *browser) visible(sel string) {
	b.t.Helper()
	b.waitFor(sel, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e && e.offsetParent !== null; })()`, jsString(sel)))
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// text is the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%s) || {}).innerText || ''`, jsString(sel)))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.visible(sel)
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto empties an input or textarea and types text into it (an
// empty text only clears it, and says so with an input event).
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.visible(sel)
	b.do("clear "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const e = document.querySelector(%s); e.value = ''; if (%t) e.dispatchEvent(new Event('input', {bubbles: true})); })()`,
		jsString(sel), text == "")))
	if text != "" {
		b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
	}
}

// dump is the page's URL and text, for failure messages.
func (b *browser) dump() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + '\n' + document.body.innerText`))
	if err != nil {
		return "(page unavailable: " + err.Error() + ")"
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return "--- page:\n" + s
}

// dark switches the page to prefers-color-scheme: dark (or back).
func (b *browser) dark(on bool) {
	b.t.Helper()
	v := "light"
	if on {
		v = "dark"
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}}); err != nil {
		b.t.Fatal(err)
	}
}

// screenshot saves the viewport as frontends/ui/screenshots/name.png when
// CONSULD_UI_SCREENSHOTS is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	if os.Getenv(screenshotsEnv) == "" {
		return
	}
	// Let the change highlight fade and the fonts settle.
	b.waitFor("no highlighted rows", `document.getAnimations().length === 0`)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "..", "frontends", "ui", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pollAPI polls cond (over the API) until it holds or 10 s pass.
func pollAPI(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
