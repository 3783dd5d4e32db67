// Command peer runs HashiCorp memberlist nodes for l2speaker's interop tests.
//
// It prints one JSON line on stdout per event (join, leave, update, user, members, ...) and reads
// commands on stdin: `members`, `leave`, `shutdown`, `user PAYLOAD`. memberlist's own logs go to
// stderr. With -count M it runs M nodes in one process (NAME-0..NAME-M-1 on consecutive ports):
// nodes 1..M-1 join node 0, then node 0 joins -join, so the seed receives one large push/pull.
// Only node 0 reports events and answers commands about members.
//
//	peer -name a -bind 127.0.0.1 -port 7946
//	peer -name b -bind 127.0.0.1 -port 7947 -join 127.0.0.1:7946 -keys "$(head -c32 /dev/urandom | base64)"
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/memberlist"
)

func main() {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := newPrinter(os.Stdout)
	nodes, err := createNodes(opts, out)
	if err != nil {
		out.print(event{Event: "error", Error: err.Error()})
		os.Exit(1)
	}
	joinAll(opts, nodes, out)
	serveCommands(bufio.NewScanner(os.Stdin), nodes, out)
	shutdownAll(nodes)
}

// createNodes starts opts.count nodes; only the first reports events.
func createNodes(opts options, out *printer) ([]*memberlist.Memberlist, error) {
	nodes := make([]*memberlist.Memberlist, 0, opts.count)
	for i := 0; i < opts.count; i++ {
		cfg, err := nodeConfig(opts, i, out)
		if err != nil {
			return nil, err
		}
		ml, err := memberlist.Create(cfg)
		if err != nil {
			shutdownAll(nodes)
			return nil, fmt.Errorf("create %s: %w", cfg.Name, err)
		}
		nodes = append(nodes, ml)
	}
	return nodes, nil
}

// joinAll gathers the local nodes around node 0, then joins node 0 to the seeds and reports "ready".
func joinAll(opts options, nodes []*memberlist.Memberlist, out *printer) {
	first := nodes[0].LocalNode()
	local := fmt.Sprintf("%s:%d", first.Addr, first.Port)
	for _, ml := range nodes[1:] {
		if _, err := ml.Join([]string{local}); err != nil {
			out.print(event{Event: "error", Node: ml.LocalNode().Name, Error: "local join: " + err.Error()})
		}
	}
	ready := event{Event: "ready", Node: first.Name, Addr: first.Addr.String(), Port: first.Port, Version: memberlistVersion}
	if len(opts.join) > 0 {
		n, err := nodes[0].Join(opts.join)
		ready.Joined = &n
		if err != nil {
			ready.Error = err.Error()
		}
	}
	out.print(ready)
}

// serveCommands runs stdin commands until `shutdown` or end of input.
func serveCommands(in *bufio.Scanner, nodes []*memberlist.Memberlist, out *printer) {
	for in.Scan() {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(in.Text()), " ")
		switch cmd {
		case "":
		case "members":
			out.print(event{Event: "members", Members: describeMembers(nodes[0].Members())})
		case "leave":
			out.print(leaveAll(nodes))
		case "user":
			out.print(sendUser(nodes[0], []byte(arg)))
		case "shutdown":
			return
		default:
			out.print(event{Event: "error", Error: "unknown command: " + cmd})
		}
	}
}

func leaveAll(nodes []*memberlist.Memberlist) event {
	left := event{Event: "left"}
	for _, ml := range nodes {
		if err := ml.Leave(2 * time.Second); err != nil && left.Error == "" {
			left.Error = err.Error()
		}
	}
	return left
}

// sendUser sends a user message to every other member over UDP, best effort.
func sendUser(ml *memberlist.Memberlist, payload []byte) event {
	sent := event{Event: "sent"}
	self := ml.LocalNode().Name
	for _, node := range ml.Members() {
		if node.Name == self {
			continue
		}
		if err := ml.SendBestEffort(node, payload); err != nil && sent.Error == "" {
			sent.Error = err.Error()
		}
	}
	return sent
}

func shutdownAll(nodes []*memberlist.Memberlist) {
	for _, ml := range nodes {
		if err := ml.Shutdown(); err != nil {
			fmt.Fprintln(os.Stderr, "shutdown:", err)
		}
	}
}
