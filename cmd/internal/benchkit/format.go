package benchkit

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// MetStr is "met" or "NOT met".
func MetStr(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// MiB prints b bytes in MiB.
func MiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// FmtDur prints d with 3 significant digits.
func FmtDur(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	v, unit := float64(d), "ns"
	for _, u := range []struct {
		div  float64
		name string
	}{{1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}} {
		if float64(d) >= u.div*0.9995 {
			v, unit = float64(d)/u.div, u.name
		}
	}
	return fmt.Sprintf("%.3g%s", v, unit)
}

// CPUModel is the model name in /proc/cpuinfo.
func CPUModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown"
}
