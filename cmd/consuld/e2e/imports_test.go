package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces ARCHITECTURE.md's import table: fsm and actors
// never import each other; only fsm (plus cmd, testkit) uses dragonboat;
// only frontends use echo and miekg/dns; only transport uses memberlist.
func TestImportRules(t *testing.T) {
	const mod = "github.com/consuld/consuld/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mod+"...").Output()
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{ // area:area it may import besides itself
		"fsm:events": true, "actors:events": true, "transport:events": true,
		"frontends:actors": true, "frontends:events": true,
	}
	only := map[string][]string{ // third-party prefix -> areas allowed
		"github.com/lni/dragonboat":       {"fsm", "cmd", "testkit"},
		"github.com/labstack/echo":        {"frontends", "cmd", "testkit"},
		"github.com/miekg/dns":            {"frontends", "cmd", "testkit"},
		"github.com/hashicorp/memberlist": {"transport", "cmd", "testkit"},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		area, _, _ := strings.Cut(strings.TrimPrefix(f[0], mod), "/")
		for _, imp := range f[1:] {
			checked++
			if dep, ok := strings.CutPrefix(imp, mod); ok {
				darea, _, _ := strings.Cut(dep, "/")
				if darea == area || area == "cmd" || area == "testkit" {
					if area == "cmd" && darea == "testkit" {
						t.Errorf("%s (cmd) imports testkit", f[0])
					}
					continue
				}
				if !allowed[area+":"+darea] {
					t.Errorf("%s imports %s: not allowed by the import table", f[0], imp)
				}
				continue
			}
			for prefix, areas := range only {
				if strings.HasPrefix(imp, prefix) && !slicesContains(areas, area) {
					t.Errorf("%s imports %s: only %v may", f[0], imp, areas)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no imports listed")
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
