package benchkit

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// NoisyCores: other processes using this many cores during a run mark it
// noisy (the box is shared: other people's builds and tests run on it).
const NoisyCores = 0.25

// CPUSnap is the CPU time (clock ticks) used so far by the whole machine,
// by this process (the bench command) and by the server process.
type CPUSnap struct {
	at                  time.Time
	total, self, server int64
	ok                  bool
}

const userHZ = 100 // clock ticks per second in /proc (USER_HZ)

// TakeCPU snapshots the CPU time used so far (serverPID 0: no server
// process).
func TakeCPU(serverPID int) CPUSnap {
	s := CPUSnap{at: time.Now()}
	var err error
	if s.total, err = machineBusy(); err != nil {
		return s
	}
	if s.self, err = procCPU(os.Getpid()); err != nil {
		return s
	}
	if serverPID != 0 {
		if s.server, err = procCPU(serverPID); err != nil {
			return s
		}
	}
	s.ok = true
	return s
}

// Usage is the cores used between two snapshots: by the server (0 when it
// runs in the bench command), by the bench command, and by everything else.
type Usage struct {
	OK                    bool
	Server, Client, Other float64
}

// CPUBetween is the Usage from a to b.
func CPUBetween(a, b CPUSnap) Usage {
	secs := b.at.Sub(a.at).Seconds()
	if !a.ok || !b.ok || secs <= 0 {
		return Usage{}
	}
	cores := func(ticks int64) float64 { return float64(ticks) / userHZ / secs }
	u := Usage{OK: true, Server: cores(b.server - a.server), Client: cores(b.self - a.self)}
	u.Other = max(0, cores(b.total-a.total)-u.Server-u.Client)
	return u
}

func (u Usage) String() string {
	if !u.OK {
		return ""
	}
	s := fmt.Sprintf("cpu=server:%.2f,client:%.2f,other:%.2f", u.Server, u.Client, u.Other)
	if u.Server == 0 {
		s = fmt.Sprintf("cpu=self:%.2f,other:%.2f", u.Client, u.Other)
	}
	if u.Other >= NoisyCores {
		s += "  (noisy)"
	}
	return s
}

// machineBusy is the non-idle time of all CPUs, from /proc/stat.
func machineBusy() (int64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	var busy int64
	// user nice system idle iowait irq softirq steal: idle and iowait are not
	// busy; irq and softirq are left out because loopback TCP processing of
	// the bench command's own traffic is accounted there, not to the processes.
	for i, v := range f[1:9] {
		if i == 3 || i == 4 || i == 5 || i == 6 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, err
		}
		busy += n
	}
	return busy, nil
}

// procCPU is utime+stime of pid, from /proc/PID/stat.
func procCPU(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return ut + st, nil
}
