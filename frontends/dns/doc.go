// Package dns is consuld's DNS interface: Consul's names and records over
// UDP and TCP (port 8600, domain "consul."), answered from a Source (the
// catalog and the service health views).
//
// # Layout
//
//   - name.go: parseName, a pure parser from question name to a typed
//     query (node, service, RFC 2782, addr, prepared query, apex,
//     reverse, outside the domains), for the domain and the alt domain.
//   - answer.go, service.go, node.go: pure answerers. A service lookup
//     costs a memo lookup on the service's Health (catalog.Health.Memo,
//     one answer set per owner name and question type, built once per
//     catalog version), a shuffle and a pack.
//   - group.go, truncate.go: fitting an answer to its transport.
//   - request.go: wire bytes to wire bytes: decoding, request checks,
//     EDNS, packing. The fuzz target drives it.
//   - recursor.go: forwarding names outside the domains.
//   - backlog.go: the UDP overload policy, pure. server.go: the sockets,
//     and the only file that touches them.
//
// The agent fills a Config from Defaults and its configuration, then
// calls New and Listen("127.0.0.1:8600") (or Serve with its own sockets),
// and Shutdown on exit.
//
// # What Consul does, and so consuld does
//
// Behaviour follows Consul 1.22 (its DNS router and discovery code,
// issues and documentation):
//
//   - A name in a domain that names nothing, an unknown node, a service
//     with no healthy instance (with the tag asked), an unknown prepared
//     query, a datacenter other than the agent's, and the Enterprise,
//     peering and connect forms: NXDOMAIN, aa, the domain's SOA in the
//     authority section (for an unknown datacenter since Consul 1.8,
//     hashicorp/consul#8102). A name that exists without records of the
//     type asked: NOERROR with the SOA. A catalog read that fails:
//     SERVFAIL, not authoritative.
//   - Names outside the domains without recursors: REFUSED, without aa
//     or ra (Consul's router answers them as an unmatched zone). With
//     recursors they are forwarded (below); reverse names under arpa.
//     are always answered here (NXDOMAIN when no node or service has
//     the address, hashicorp/consul#20413).
//   - Flags: aa on every answer from the catalog, rd copied, ra set
//     whenever recursors are configured.
//   - Services: healthy instances only (no critical check on the instance
//     or its node; warning too with only_passing), shuffled per query.
//     A/AAAA/ANY give the addresses (the service's own, else its node's),
//     duplicates removed; a host-name address gives one CNAME when no
//     instance has an IP. SRV: priority 1, weight from the service's
//     weights for its status (1 by default), target <node>.node.<dc>.
//     <domain> when the instance uses its node's address, else
//     <hexip>.addr.<dc>.<domain>, or the host name; the target's address
//     and (enable_additional_node_meta_txt) the node's metadata as TXT in
//     the additional section. A TXT question gets the addresses in the
//     additional section and no answer, as Consul's does.
//   - RFC 2782: _<service>._<tag>[.service][.<dc>].<domain>; _tcp means
//     any instance, _udp is a tag like any other (Consul); without the
//     "service" label only for SRV questions.
//   - Nodes: the address whatever the node's health; metadata as TXT
//     records ("key=value" encoded as RFC 1464 says, the bare value for
//     keys starting with "rfc1035-"), in the answer for TXT and ANY, else
//     in the additional section. An SRV question gets port 0 and weight 0.
//   - <hexip>.addr: the address, in the answer for its own type and ANY,
//     else in the additional section. Reverse lookups: the first node
//     with the address (<node>.node.<dc>.<domain>), else the first
//     instance with it as its own address (<service>.service...), TTL 0.
//   - SOA and NS questions about any name in a domain answer for the
//     domain: SOA ns.<domain> hostmaster.<domain>, serial the Unix time,
//     the configured refresh, retry, expire and min_ttl (also its TTL);
//     NS <node>.node.<dc>.<domain> for up to three healthy servers (the
//     consul service's nodes), shuffled, with their addresses as glue.
//     AXFR and IXFR: NOTIMP.
//   - TTLs: node_ttl for nodes, addr and NS glue; service_ttl for
//     services (an exact key, else the longest "prefix*" key, else
//     node_ttl, as Consul 1.22).
//   - Recursors: tried in order ("sequential") or in a random order
//     ("random"), each within recursor_timeout, over the client's
//     transport; the first NOERROR or NXDOMAIN answer is returned with the
//     client's ID, another rcode moves on to the next recursor
//     (hashicorp/consul#4461); when none answers, SERVFAIL with ra.
//   - Limits: udp_answer_limit applies to UDP without EDNS only, and
//     never more than 8 answers that way; a_record_limit caps the
//     A/AAAA answers of services on every transport.
//
// # Where consuld is correct where Consul is not
//
//   - Truncation. UDP responses are measured on the wire, as sent
//     (compressed unless disable_compression), against 512 bytes or the
//     EDNS payload size asked for; instances are kept or dropped whole
//     with their additional records, node metadata is dropped first (it
//     is optional: RFC 2181 does not set TC for it), and TC is set
//     whenever answers were cut, if enable_truncate. TCP answers are
//     never truncated: when a service has more instances than 64 KiB
//     holds, a random sample that fills the message is sent.
//   - EDNS. Every response to a query with an OPT record has one (the
//     same payload size and DO bit, an ECS option echoed with scope 0);
//     EDNS versions other than 0 get BADVERS; two OPT records, no
//     question or several questions get FORMERR; undecodable queries get
//     a FORMERR header; responses and packets shorter than a header get
//     nothing.
//   - The question is echoed as asked (0x20 case randomization works);
//     answer owner names are lower-case, as Consul's.
//   - Duplicate additional records (two instances on one node) are
//     removed; TXT strings longer than 255 bytes are split; queries to
//     recursors carry a fresh ID.
//
// # Overload
//
// A reader goroutine moves UDP requests from the socket into a bounded
// ring as fast as it can; workers take the newest request first, and
// drop requests that waited longer than MaxQueueDelay (50ms) or that a
// full ring (QueueLen) pushed out. Under more load than the workers can
// answer, the requests answered are the fresh ones, within the delay,
// instead of every client waiting for a stale FIFO backlog. Shed counts
// the requests dropped. TCP connections are answered by their own
// goroutines.
//
// # Not yet
//
// Prepared queries (the dispatch answers NXDOMAIN, as Consul does for a
// query it does not know), other datacenters, connect/ingress/virtual
// lookups, and max_stale: staleness is the Source's to bound; the server
// only passes allow_stale on.
package dns
