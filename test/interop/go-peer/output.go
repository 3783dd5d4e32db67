package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// event is one JSON line on stdout; T is the Unix time in milliseconds when it was printed.
type event struct {
	Event   string   `json:"event"`
	Node    string   `json:"node,omitempty"`
	Addr    string   `json:"addr,omitempty"`
	Port    uint16   `json:"port,omitempty"`
	Meta    *string  `json:"meta,omitempty"`
	Payload *string  `json:"payload,omitempty"`
	Joined  *int     `json:"joined,omitempty"`
	Version string   `json:"version,omitempty"`
	Members []member `json:"members,omitempty"`
	Error   string   `json:"error,omitempty"`
	T       int64    `json:"t"`
}

type member struct {
	Name  string `json:"name"`
	Addr  string `json:"addr"`
	Port  uint16 `json:"port"`
	State string `json:"state"`
}

// stateNames follows memberlist's NodeStateType order, the same in v0.2.2 and v0.5.1.
var stateNames = []string{"alive", "suspect", "dead", "left"}

func describeMembers(nodes []*memberlist.Node) []member {
	members := make([]member, 0, len(nodes))
	for _, n := range nodes {
		state := "unknown"
		if int(n.State) >= 0 && int(n.State) < len(stateNames) {
			state = stateNames[n.State]
		}
		members = append(members, member{Name: n.Name, Addr: n.Addr.String(), Port: n.Port, State: state})
	}
	return members
}

func nodeEvent(kind string, n *memberlist.Node) event {
	meta := string(n.Meta)
	return event{Event: kind, Node: n.Name, Addr: n.Addr.String(), Port: n.Port, Meta: &meta}
}

// printer writes whole lines atomically: memberlist calls delegates from several goroutines.
type printer struct {
	mu  sync.Mutex
	out io.Writer
}

func newPrinter(out io.Writer) *printer { return &printer{out: out} }

func (p *printer) print(e event) {
	e.T = time.Now().UnixMilli()
	line, err := json.Marshal(e)
	if err != nil {
		panic(err) // event holds only strings and numbers
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.out.Write(append(line, '\n')); err != nil {
		panic(err) // the test harness is gone
	}
}
