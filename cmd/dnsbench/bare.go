package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/miekg/dns"
)

// serveBare is the bare server (run as `dnsbench -serve-bare ADDR
// -serve-bare-msgs FILE`): it answers every query with the precomputed
// reply for its name and type, changing only the ID and question — no
// catalog, no shuffling, no truncation logic.
func serveBare(addr, msgsPath string) error {
	raw, err := os.ReadFile(msgsPath)
	if err != nil {
		return err
	}
	replies := map[string]*dns.Msg{}
	for _, chunk := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		key, hexMsg, _ := strings.Cut(chunk, " ")
		m := new(dns.Msg)
		b, err := hex.DecodeString(hexMsg)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if err := m.Unpack(b); err != nil {
			return err
		}
		replies[key] = m
	}
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if len(r.Question) != 1 {
			return
		}
		q := r.Question[0]
		pre, ok := replies[bareKey(q.Name, q.Qtype, w.RemoteAddr().Network())]
		if !ok {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeNameError)
			w.WriteMsg(m)
			return
		}
		m := *pre
		m.Id, m.Question, m.Compress = r.Id, r.Question, true
		w.WriteMsg(&m)
	})
	errs := make(chan error, 2)
	for _, network := range []string{"udp", "tcp"} {
		srv := &dns.Server{Addr: addr, Net: network, Handler: h, MaxTCPQueries: -1}
		go func() { errs <- srv.ListenAndServe() }()
	}
	return <-errs
}

func bareKey(name string, qtype uint16, network string) string {
	return strings.ToLower(name) + "/" + dns.TypeToString[qtype] + "/" + network
}
