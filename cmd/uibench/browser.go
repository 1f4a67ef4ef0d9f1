package main

import (
	"context"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab that counts what it transfers.
type browser struct {
	ctx    context.Context
	cancel func()
	base   string

	mu       sync.Mutex
	requests int
	bytes    float64 // encoded bytes received, headers included
}

func newBrowser(ctx context.Context, path, base string) (*browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 860))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	b := &browser{ctx: tctx, base: base, cancel: func() { cancelTab(); cancelAlloc() }}
	err := chromedp.Listen(tctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests++
		case *network.EventLoadingFinished:
			b.bytes += ev.EncodedDataLength
		}
	})
	if err != nil {
		b.cancel()
		return nil, err
	}
	return b, nil
}

func (b *browser) close() { b.cancel() }

// counters are the requests sent and bytes received so far.
func (b *browser) counters() (int, float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.requests, b.bytes
}

// firstRender navigates to the services page and returns the time from
// navigation start to the page's first render of the list (its
// performance mark), as the page measured it.
func (b *browser) firstRender() (time.Duration, error) {
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/ui/dc1/services")); err != nil {
		return 0, err
	}
	ms, err := chromedp.Run(ctx, chromedp.Poll[float64](
		`(performance.getEntriesByName('consuld:first-render:services')[0] || {}).startTime`,
		chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	return time.Duration(ms * float64(time.Millisecond)), err
}

// waitFor polls a JavaScript expression (every animation frame) until it
// is truthy.
func (b *browser) waitFor(expr string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(b.ctx, limit+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(limit)))
	return err
}

func (b *browser) screenshot() ([]byte, error) {
	return chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
}
