package check

import (
	"strings"
	"testing"
	"time"
)

func TestTTL(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ttl := NewTTL(30*time.Second, 0, t0)

	if ttl.Expired(t0.Add(29*time.Second)) || !ttl.Expired(t0.Add(30*time.Second)) {
		t.Fatal("a TTL check expires exactly TTL after registration")
	}
	if got := ttl.Deadline(); !got.Equal(t0.Add(30 * time.Second)) {
		t.Fatalf("deadline %v", got)
	}
	wantResult(t, ttl.ExpiredResult(), StatusCritical, "TTL expired")

	r := ttl.Update(StatusPassing, "all good", t0.Add(20*time.Second))
	wantResult(t, r, StatusPassing, "all good")
	if ttl.Expired(t0.Add(49*time.Second)) || !ttl.Expired(t0.Add(50*time.Second)) {
		t.Fatal("an update re-arms the TTL")
	}
	wantResult(t, ttl.ExpiredResult(), StatusCritical, "TTL expired (last output before timeout follows): all good")

	ttl.Update(StatusWarning, "", t0.Add(60*time.Second))
	wantResult(t, ttl.ExpiredResult(), StatusCritical, "TTL expired")
}

func TestTTLOutputIsCapped(t *testing.T) {
	t0 := time.Unix(0, 0)
	ttl := NewTTL(time.Minute, 4, t0)
	wantResult(t, ttl.Update(StatusWarning, "abcdefgh", t0), StatusWarning, "abcd ... (captured 4 of 8 bytes)")

	ttl = NewTTL(time.Minute, 0, t0)
	long := strings.Repeat("y", 5000)
	wantResult(t, ttl.Update(StatusCritical, long, t0), StatusCritical, strings.Repeat("y", 4096)+" ... (captured 4096 of 5000 bytes)")
	wantResult(t, ttl.ExpiredResult(), StatusCritical, "TTL expired (last output before timeout follows): "+strings.Repeat("y", 4096)+" ... (captured 4096 of 5000 bytes)")
}
