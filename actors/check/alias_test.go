package check

import "testing"

func TestAliasStatus(t *testing.T) {
	cases := []struct {
		name   string
		checks []Status
		want   Status
	}{
		{"none is passing", nil, StatusPassing},
		{"all passing", []Status{StatusPassing, StatusPassing}, StatusPassing},
		{"a warning", []Status{StatusPassing, StatusWarning, StatusPassing}, StatusWarning},
		{"critical beats warning", []Status{StatusWarning, StatusCritical, StatusPassing}, StatusCritical},
		{"only critical and warning count", []Status{StatusMaintenance, ""}, StatusPassing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AliasStatus(tc.checks); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAlias(t *testing.T) {
	p := Aliased{Name: "p", Status: StatusPassing, Output: "fine"}
	w := Aliased{Name: "w", Status: StatusWarning, Output: "slow"}
	w2 := Aliased{Name: "w2", Status: StatusWarning, Output: "slower"}
	c := Aliased{Name: "c", Status: StatusCritical, Output: "down"}
	cases := []struct {
		name   string
		checks []Aliased
		status Status
		output string
	}{
		{"none", nil, StatusPassing, "No checks found."},
		{"passing", []Aliased{p, p}, StatusPassing, "All checks passing."},
		{"a passing check after a warning keeps the warning", []Aliased{w, p}, StatusWarning, `Aliased check "w" failing: slow`},
		{"the last warning is named", []Aliased{w, w2}, StatusWarning, `Aliased check "w2" failing: slower`},
		{"the first critical is named", []Aliased{w, c, Aliased{Name: "c2", Status: StatusCritical}}, StatusCritical, `Aliased check "c" failing: down`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantResult(t, Alias(tc.checks), tc.status, tc.output)
			statuses := make([]Status, len(tc.checks))
			for i, c := range tc.checks {
				statuses[i] = c.Status
			}
			if got := AliasStatus(statuses); got != tc.status {
				t.Fatalf("AliasStatus disagrees: %q", got)
			}
		})
	}
	wantResult(t, AliasMissing("web", "node1"), StatusCritical, "Service web could not be found on node node1")
}
