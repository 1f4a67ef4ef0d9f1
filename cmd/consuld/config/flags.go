package config

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Flags holds what `consuld agent` was given on the command line. A nil
// pointer or empty list means the flag was not given, so files and defaults
// decide.
type Flags struct {
	Dev          bool
	ConfigFiles  []string // -config-file, in order (a directory is read like -config-dir)
	ConfigDirs   []string // -config-dir, in order
	ConfigFormat string   // -config-format: "", "json" or "hcl"
	HCL          []string // -hcl fragments, applied after the other flags

	Server, Bootstrap, UI, LogJSON *bool

	EnableScriptChecks, EnableLocalScriptChecks *bool

	BootstrapExpect *int

	Datacenter, DataDir, NodeName, NodeID, LogLevel *string
	BindAddr, AdvertiseAddr, ClientAddr, Encrypt    *string
	Domain, AltDomain                               *string

	HTTPPort, HTTPSPort, DNSPort, ServerPort, SerfLANPort, SerfWANPort *int
	GRPCPort, GRPCTLSPort, RaftPort                                    *int

	RetryInterval *string // a duration like "30s"
	RetryMax      *int

	Join      []string // -join: start_join
	RetryJoin []string // -retry-join: retry_join
	Recursors []string // -recursor: recursors

	// Unsupported holds Consul flags consuld accepts but ignores, in
	// command-line order; Load turns each into a warning.
	Unsupported []UnsupportedFlag
}

// UnsupportedFlag is one use of a flag consuld accepts but ignores.
type UnsupportedFlag struct {
	Name  string // without the dash
	Value string
}

// ParseFlags parses agent flags, in -flag or --flag form. Errors and -help
// output are also written to out; -help returns flag.ErrHelp. Values are
// checked by Load, which knows which key each flag sets.
func ParseFlags(args []string, out io.Writer) (*Flags, error) {
	f := &Flags{}
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&f.Dev, "dev", false, "Start a single in-memory development server; files and flags still apply on top.")
	fs.Var((*listFlag)(&f.ConfigFiles), "config-file", "A JSON or HCL config file to load. Repeatable.")
	fs.Var((*listFlag)(&f.ConfigDirs), "config-dir", "A directory whose *.json and *.hcl files are loaded in lexical order. Repeatable.")
	fs.StringVar(&f.ConfigFormat, "config-format", "", `Read every config file as "json" or "hcl" whatever its extension.`)
	fs.Var((*listFlag)(&f.HCL), "hcl", "An HCL config fragment, applied after the other flags. Repeatable.")
	for _, d := range flagTable {
		fs.Var(bindFlag(d.field(f)), d.name, d.usage)
	}
	for _, u := range unsupportedFlags {
		fs.Var(&unsupportedFlag{f: f, name: u.name, isBool: u.isBool}, u.name,
			"Accepted for Consul compatibility; not supported yet and ignored.")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// Like the flag package's own errors, ours are also written to out.
	if fs.NArg() > 0 {
		err := fmt.Errorf("%w: %s", ErrExtraArgs, strings.Join(fs.Args(), " "))
		fmt.Fprintln(out, err)
		return nil, err
	}
	if _, err := checkFormat(f.ConfigFormat); err != nil {
		fmt.Fprintln(out, err)
		return nil, err
	}
	return f, nil
}

func bindFlag(p any) flag.Value {
	switch p := p.(type) {
	case **string:
		return stringFlag{p}
	case **bool:
		return boolFlag{p}
	case **int:
		return intFlag{p}
	case *[]string:
		return (*listFlag)(p)
	}
	panic(fmt.Sprintf("config: flag field of type %T", p))
}

// flagValue returns the value a flag field holds in the shape a decoded
// file would have, and whether the flag was given.
func flagValue(p any) (any, bool) {
	switch p := p.(type) {
	case **string:
		if *p != nil {
			return **p, true
		}
	case **bool:
		if *p != nil {
			return **p, true
		}
	case **int:
		if *p != nil {
			return **p, true
		}
	case *[]string:
		if len(*p) > 0 {
			l := make([]any, len(*p))
			for i, s := range *p {
				l[i] = s
			}
			return l, true
		}
	}
	return nil, false
}

type stringFlag struct{ p **string }

func (s stringFlag) String() string {
	if s.p == nil || *s.p == nil {
		return ""
	}
	return **s.p
}

func (s stringFlag) Set(v string) error { *s.p = &v; return nil }

type boolFlag struct{ p **bool }

func (b boolFlag) String() string {
	if b.p == nil || *b.p == nil {
		return ""
	}
	return strconv.FormatBool(**b.p)
}

func (b boolFlag) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	*b.p = &x
	return nil
}

func (boolFlag) IsBoolFlag() bool { return true }

type intFlag struct{ p **int }

func (i intFlag) String() string {
	if i.p == nil || *i.p == nil {
		return ""
	}
	return strconv.Itoa(**i.p)
}

func (i intFlag) Set(v string) error {
	x, err := strconv.Atoi(v)
	if err != nil {
		return err
	}
	*i.p = &x
	return nil
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type unsupportedFlag struct {
	f      *Flags
	name   string
	isBool bool
}

func (u *unsupportedFlag) String() string { return "" }

func (u *unsupportedFlag) Set(v string) error {
	if u.isBool {
		if _, err := strconv.ParseBool(v); err != nil {
			return err
		}
	}
	u.f.Unsupported = append(u.f.Unsupported, UnsupportedFlag{Name: u.name, Value: v})
	return nil
}

func (u *unsupportedFlag) IsBoolFlag() bool { return u.isBool }

func checkFormat(format string) (string, error) {
	switch format {
	case "", "json", "hcl":
		return format, nil
	}
	return "", &Error{Source: "flag -config-format", Detail: fmt.Sprintf("unsupported format %q: want json or hcl", format), Err: ErrFormat}
}
