package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/memberlist"
)

// nodeConfig builds the config of node i of this process.
func nodeConfig(o options, i int, out *printer) (*memberlist.Config, error) {
	var cfg *memberlist.Config
	switch o.profile {
	case "lan":
		cfg = memberlist.DefaultLANConfig()
	case "local":
		cfg = memberlist.DefaultLocalConfig()
	case "wan":
		cfg = memberlist.DefaultWANConfig()
	default:
		return nil, fmt.Errorf("-profile: unknown %q", o.profile)
	}
	cfg.Name = o.name
	cfg.BindPort = o.port
	if o.count > 1 {
		cfg.Name = fmt.Sprintf("%s-%d", o.name, i)
		if o.port != 0 {
			cfg.BindPort = o.port + i
		}
	}
	cfg.BindAddr = o.bind
	cfg.AdvertiseAddr = o.advertise
	cfg.AdvertisePort = cfg.BindPort
	cfg.EnableCompression = o.compress
	overrideTimings(cfg, o)
	cfg.Logger = log.New(os.Stderr, cfg.Name+" ", log.LstdFlags|log.Lmicroseconds)
	if err := applyLabel(cfg, o.label); err != nil {
		return nil, err
	}
	if len(o.keys) > 0 {
		keyring, err := memberlist.NewKeyring(o.keys, o.keys[0])
		if err != nil {
			return nil, fmt.Errorf("-keys: %w", err)
		}
		cfg.Keyring = keyring
	}
	cfg.Delegate = &delegate{meta: padMeta([]byte(o.meta), o.metaSize, cfg.Name), out: out, report: i == 0}
	if i == 0 {
		cfg.Events = &events{out: out}
	}
	return cfg, nil
}

func overrideTimings(cfg *memberlist.Config, o options) {
	if o.probeInterval > 0 {
		cfg.ProbeInterval = o.probeInterval
	}
	if o.probeTimeout > 0 {
		cfg.ProbeTimeout = o.probeTimeout
	}
	if o.gossipInterval > 0 {
		cfg.GossipInterval = o.gossipInterval
	}
	if o.pushPullInterval > 0 {
		cfg.PushPullInterval = o.pushPullInterval
	}
	if o.suspicionMult > 0 {
		cfg.SuspicionMult = o.suspicionMult
	}
}

// padMeta pads meta to size with hex digits derived from the node name: they barely compress, so
// -meta-size grows the push/pull state even with compression on.
func padMeta(meta []byte, size int, name string) []byte {
	for seed := sha256.Sum256([]byte(name)); len(meta) < size; seed = sha256.Sum256(seed[:]) {
		meta = append(meta, hex.EncodeToString(seed[:])...)
	}
	if len(meta) > size && size > 0 {
		meta = meta[:size]
	}
	return meta
}

// delegate serves the node's meta and reports user messages; it carries no user state.
type delegate struct {
	meta   []byte
	out    *printer
	report bool
}

func (d *delegate) NodeMeta(limit int) []byte {
	if len(d.meta) > limit {
		return d.meta[:limit]
	}
	return d.meta
}

func (d *delegate) NotifyMsg(msg []byte) {
	if d.report {
		payload := string(msg) // copies: memberlist reuses msg's buffer
		d.out.print(event{Event: "user", Payload: &payload})
	}
}

func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d *delegate) LocalState(join bool) []byte                { return nil }
func (d *delegate) MergeRemoteState(buf []byte, join bool)     {}

// events reports membership changes as JSON lines.
type events struct{ out *printer }

func (e *events) NotifyJoin(n *memberlist.Node)   { e.out.print(nodeEvent("join", n)) }
func (e *events) NotifyLeave(n *memberlist.Node)  { e.out.print(nodeEvent("leave", n)) }
func (e *events) NotifyUpdate(n *memberlist.Node) { e.out.print(nodeEvent("update", n)) }
