package cli

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/consul/api"
)

// defaultHTTPAddr is used when neither -http-addr nor CONSUL_HTTP_ADDR is set.
const defaultHTTPAddr = "127.0.0.1:8500"

// Environment variables read by the HTTP flags; the names are consul's.
const (
	envHTTPAddr      = "CONSUL_HTTP_ADDR"
	envHTTPToken     = "CONSUL_HTTP_TOKEN"
	envHTTPTokenFile = "CONSUL_HTTP_TOKEN_FILE"
	envHTTPAuth      = "CONSUL_HTTP_AUTH"
	envHTTPSSL       = "CONSUL_HTTP_SSL"
	envHTTPSSLVerify = "CONSUL_HTTP_SSL_VERIFY"
	envCACert        = "CONSUL_CACERT"
	envCAPath        = "CONSUL_CAPATH"
	envClientCert    = "CONSUL_CLIENT_CERT"
	envClientKey     = "CONSUL_CLIENT_KEY"
	envTLSServerName = "CONSUL_TLS_SERVER_NAME"
	envNamespace     = "CONSUL_NAMESPACE"
	envPartition     = "CONSUL_PARTITION"
)

// httpFlags are the connection flags every command that talks to an agent
// accepts. A flag left empty falls back to its environment variable, then to
// the default, the same precedence consul uses.
type httpFlags struct {
	addr          string
	token         string
	tokenFile     string
	caFile        string
	caPath        string
	clientCert    string
	clientKey     string
	tlsServerName string
	datacenter    string
	namespace     string
	partition     string
	stale         bool
}

// register adds the flags to fs and returns their names, so help can list
// them under their own heading.
func (h *httpFlags) register(fs *flag.FlagSet) []string {
	strs := []struct {
		p     *string
		name  string
		usage string
	}{
		{&h.addr, "http-addr", "Address of the agent's HTTP API, host:port, optionally with an http:// or https:// scheme. Defaults to $" + envHTTPAddr + ", then " + defaultHTTPAddr + "."},
		{&h.token, "token", "ACL token sent with each request. Defaults to $" + envHTTPToken + "."},
		{&h.tokenFile, "token-file", "File holding the ACL token; wins over -token. Defaults to $" + envHTTPTokenFile + "."},
		{&h.caFile, "ca-file", "CA certificate file used to verify the agent over HTTPS. Defaults to $" + envCACert + "."},
		{&h.caPath, "ca-path", "Directory of CA certificates used to verify the agent over HTTPS. Defaults to $" + envCAPath + "."},
		{&h.clientCert, "client-cert", "Client certificate presented to the agent over HTTPS. Defaults to $" + envClientCert + "."},
		{&h.clientKey, "client-key", "Key of the client certificate. Defaults to $" + envClientKey + "."},
		{&h.tlsServerName, "tls-server-name", "Server name (SNI) to expect from the agent's certificate. Defaults to $" + envTLSServerName + "."},
		{&h.datacenter, "datacenter", "Datacenter to query. Defaults to the agent's own."},
		{&h.namespace, "namespace", "Namespace to use (an Enterprise feature; sent as is). Defaults to $" + envNamespace + "."},
		{&h.partition, "partition", "Admin partition to use (an Enterprise feature; sent as is). Defaults to $" + envPartition + "."},
	}
	names := make([]string, 0, len(strs)+1)
	for _, s := range strs {
		fs.StringVar(s.p, s.name, "", s.usage)
		names = append(names, s.name)
	}
	fs.BoolVar(&h.stale, "stale", false, "Let any server answer reads, not only the leader. Faster, possibly out of date.")
	return append(names, "stale")
}

// config resolves flags, environment and defaults into an api.Config. It
// reads nothing but getenv and the token file, so it is testable without a
// process environment.
func (h *httpFlags) config(getenv func(string) string) (*api.Config, error) {
	pick := func(flagValue, envName string) string {
		if flagValue != "" {
			return flagValue
		}
		return getenv(envName)
	}
	cfg := &api.Config{
		Address:    pick(h.addr, envHTTPAddr),
		Scheme:     "http",
		Datacenter: h.datacenter,
		Namespace:  pick(h.namespace, envNamespace),
		Partition:  pick(h.partition, envPartition),
		TLSConfig: api.TLSConfig{
			Address:  pick(h.tlsServerName, envTLSServerName),
			CAFile:   pick(h.caFile, envCACert),
			CAPath:   pick(h.caPath, envCAPath),
			CertFile: pick(h.clientCert, envClientCert),
			KeyFile:  pick(h.clientKey, envClientKey),
		},
	}
	if cfg.Address == "" {
		cfg.Address = defaultHTTPAddr
	}
	if on, err := strconv.ParseBool(getenv(envHTTPSSL)); err == nil && on {
		cfg.Scheme = "https"
	}
	if verify, err := strconv.ParseBool(getenv(envHTTPSSLVerify)); err == nil && !verify {
		cfg.TLSConfig.InsecureSkipVerify = true
	}
	if auth := getenv(envHTTPAuth); auth != "" {
		user, pass, _ := strings.Cut(auth, ":")
		cfg.HttpAuth = &api.HttpBasicAuth{Username: user, Password: pass}
	}
	token, err := h.resolveToken(getenv)
	if err != nil {
		return nil, err
	}
	cfg.Token = token
	return cfg, nil
}

// resolveToken applies consul's precedence: -token-file, -token,
// $CONSUL_HTTP_TOKEN_FILE, $CONSUL_HTTP_TOKEN.
func (h *httpFlags) resolveToken(getenv func(string) string) (string, error) {
	readFile := func(path string) (string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			// compat: the text the api client uses for the same failure.
			return "", fmt.Errorf("Error loading token file %s : %s", path, err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	switch {
	case h.tokenFile != "":
		return readFile(h.tokenFile)
	case h.token != "":
		return h.token, nil
	case getenv(envHTTPTokenFile) != "":
		return readFile(getenv(envHTTPTokenFile))
	default:
		return getenv(envHTTPToken), nil
	}
}

// client builds the api client. The HTTP client is built here rather than by
// api.NewClient so that TLS settings come only from flags and getenv.
func (h *httpFlags) client(getenv func(string) string) (*api.Client, error) {
	cfg, err := h.config(getenv)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := api.SetupTLSConfig(&cfg.TLSConfig)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	cfg.Transport = transport
	cfg.HttpClient = &http.Client{Transport: transport}
	return api.NewClient(cfg)
}

// queryOptions carries -stale to reads.
func (h *httpFlags) queryOptions() *api.QueryOptions {
	return &api.QueryOptions{AllowStale: h.stale}
}
