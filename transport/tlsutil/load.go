package tlsutil

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadCAs returns a pool of the CA certificates in caFile and in every
// file under caPath (recursively), or nil when both are empty.
func LoadCAs(caFile, caPath string) (*x509.CertPool, error) {
	if caFile == "" && caPath == "" {
		return nil, nil
	}
	pool := x509.NewCertPool()
	if caFile != "" {
		if err := appendPEMFile(pool, caFile); err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
	}
	if caPath != "" {
		err := filepath.WalkDir(caPath, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := os.Stat(p) // follows symlinks, as c_rehash directories use them
			if err != nil || !info.Mode().IsRegular() {
				return err
			}
			return appendPEMFile(pool, p)
		})
		if err != nil {
			return nil, fmt.Errorf("ca_path: %w", err)
		}
	}
	return pool, nil
}

// appendPEMFile adds every certificate of a PEM file to pool; a file
// without one is an error, as is a CERTIFICATE block that does not parse.
func appendPEMFile(pool *x509.CertPool, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	found := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		pool.AddCert(cert)
		found++
	}
	if found == 0 {
		return fmt.Errorf("%s: %w", path, ErrNoCAInFile)
	}
	return nil
}

// LoadCert loads a certificate (chain) and its key, and parses the leaf.
func LoadCert(certFile, keyFile string) (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("cert_file %q, key_file %q: %w", certFile, keyFile, err)
	}
	return &cert, nil // Go fills cert.Leaf since 1.23
}
