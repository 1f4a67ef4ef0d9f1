package cli

import (
	"strings"
	"testing"
)

const wantVersionPretty = "Consul v1.22.7\n" +
	"Revision consuld 0.1.0\n" +
	"Build Date 1970-01-01T00:00:01Z\n" +
	"Protocol 2 spoken by default, understands 2 to 3 (agent will automatically use protocol >2 when speaking to compatible agents)\n" +
	"\n"

const wantVersionJSON = `{
   "Version": "1.22.7",
   "Revision": "consuld 0.1.0",
   "Prerelease": "",
   "FIPS": "",
   "BuildDate": "1970-01-01T00:00:01Z",
   "RPC": {
      "Default": 2,
      "Min": 2,
      "Max": 3
   },
   "Consuld": "0.1.0"
}
`

func TestVersion(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
	}{
		{"pretty", []string{"version"}, wantVersionPretty, "", 0},
		{"explicit pretty", []string{"version", "-format=pretty"}, wantVersionPretty, "", 0},
		{"json", []string{"version", "-format=json"}, wantVersionJSON, "", 0},
		{"-v", []string{"-v"}, wantVersionPretty, "", 0},
		{"-version", []string{"-version"}, wantVersionPretty, "", 0},
		{"--version", []string{"--version"}, wantVersionPretty, "", 0},
		{"--version wins over a command", []string{"--version", "kv", "get"}, wantVersionPretty, "", 0},
		{"unknown format", []string{"version", "-format=xml"}, "", "Unknown format: xml\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, runCLI(nil, "", tt.args...), tt.stdout, tt.stderr, tt.code)
		})
	}
}

func TestVersionBuildDate(t *testing.T) {
	old := BuildDate
	t.Cleanup(func() { BuildDate = old })
	BuildDate = "2026-11-25T10:00:00Z"
	got := runCLI(nil, "", "version")
	if !strings.Contains(got.stdout, "\nBuild Date 2026-11-25T10:00:00Z\n") {
		t.Errorf("stdout %q lacks the stamped build date", got.stdout)
	}
	got = runCLI(nil, "", "version", "-format=json")
	if !strings.Contains(got.stdout, `"BuildDate": "2026-11-25T10:00:00Z"`) {
		t.Errorf("stdout %q lacks the stamped build date", got.stdout)
	}
}

func TestVersionUnknownFlag(t *testing.T) {
	got := runCLI(nil, "", "version", "-bogus")
	if got.code != 1 || got.stdout != "" || !strings.HasPrefix(got.stderr, "flag provided but not defined: -bogus\nUsage:\n  -format string\n") {
		t.Errorf("got %+v", got)
	}
}
