package benchkit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// BuildConsuld builds ./cmd/consuld of the module the command named tool
// runs in, into dir.
func BuildConsuld(ctx context.Context, dir, tool string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run %s inside the consuld module (go env GOMOD: %q, %v)", tool, gomod, err)
	}
	bin := filepath.Join(dir, "consuld")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/consuld")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/consuld: %v\n%s", err, b)
	}
	return bin, nil
}
