package cli

import (
	"fmt"
)

// operatorCmd and operatorRaftCmd are parents that only list their
// subcommands.
type parentCmd struct {
	s    *streams
	text string
}

func (p *parentCmd) help() string       { return p.text }
func (p *parentCmd) run(_ []string) int { return runResultHelp }

func newOperator(s *streams) runner {
	return &parentCmd{s: s, text: "Usage: consul operator <subcommand> [options]\n\n  Provides cluster-level tools for Consul operators."}
}

func newOperatorRaft(s *streams) runner {
	return &parentCmd{s: s, text: "Usage: consul operator raft <subcommand> [options]\n\n  Inspects and changes the servers' Raft configuration."}
}

type raftListPeersCmd struct{ apiBase }

func newRaftListPeers(s *streams) runner {
	c := &raftListPeersCmd{}
	c.init(s)
	return c
}

func (c *raftListPeersCmd) help() string {
	return helpText(`Usage: consul operator raft list-peers [options]

  Displays the current Raft peer configuration.`, c.fs, c.httpNames)
}

func (c *raftListPeersCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	reply, err := client.Operator().RaftGetConfiguration(nil)
	if err != nil {
		c.errorf("Error getting peers: %v", err)
		return 1
	}
	rows := [][]string{{"Node", "ID", "Address", "State", "Voter", "RaftProtocol"}}
	for _, s := range reply.Servers {
		state := "follower"
		if s.Leader {
			state = "leader"
		}
		rows = append(rows, []string{s.Node, s.ID, s.Address, state, fmt.Sprint(s.Voter), s.ProtocolVersion})
	}
	fmt.Fprint(c.s.stdout, formatColumns(rows))
	return 0
}

type raftRemovePeerCmd struct {
	apiBase
	id, address string
}

func newRaftRemovePeer(s *streams) runner {
	c := &raftRemovePeerCmd{}
	c.init(s)
	c.fs.StringVar(&c.id, "id", "", "The ID of the server to remove.")
	c.fs.StringVar(&c.address, "address", "", "The address of the server to remove (IP:port).")
	return c
}

func (c *raftRemovePeerCmd) help() string {
	return helpText(`Usage: consul operator raft remove-peer [options]

  Removes a server from the Raft configuration.`, c.fs, c.httpNames)
}

func (c *raftRemovePeerCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	if (c.id == "") == (c.address == "") {
		c.errorf("Error removing peer: Must specify either -id or -address")
		return 1
	}
	var err error
	if c.id != "" {
		err = client.Operator().RaftRemovePeerByID(c.id, nil)
	} else {
		err = client.Operator().RaftRemovePeerByAddress(c.address, nil)
	}
	if err != nil {
		c.errorf("Error removing peer: %v", err)
		return 1
	}
	if c.id != "" {
		c.info("Removed peer with id %q", c.id)
	} else {
		c.info("Removed peer with address %q", c.address)
	}
	return 0
}

type raftTransferLeaderCmd struct {
	apiBase
	id string
}

func newRaftTransferLeader(s *streams) runner {
	c := &raftTransferLeaderCmd{}
	c.init(s)
	c.fs.StringVar(&c.id, "id", "", "The ID of the server to transfer leadership to (default: any).")
	return c
}

func (c *raftTransferLeaderCmd) help() string {
	return helpText(`Usage: consul operator raft transfer-leader [options]

  Transfers Raft leadership to another server.`, c.fs, c.httpNames)
}

func (c *raftTransferLeaderCmd) run(args []string) int {
	client, ok := c.connect(args, false)
	if !ok {
		return 1
	}
	res, err := client.Operator().RaftLeaderTransfer(c.id, nil)
	if err != nil {
		c.errorf("Error transferring leadership: %v", err)
		return 1
	}
	if !res.Success {
		c.errorf("Error transferring leadership: the leader refused")
		return 1
	}
	c.info("Success")
	return 0
}
