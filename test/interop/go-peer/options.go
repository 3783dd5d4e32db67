package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"strings"
	"time"
)

type options struct {
	name, bind, advertise, label, meta string
	port, count, metaSize              int
	join                               []string
	keys                               [][]byte
	compress                           bool
	profile                            string
	probeInterval, probeTimeout        time.Duration
	gossipInterval, pushPullInterval   time.Duration
	suspicionMult                      int
}

func parseOptions(args []string) (options, error) {
	var o options
	var join, keys string
	fs := flag.NewFlagSet("peer", flag.ContinueOnError)
	fs.StringVar(&o.name, "name", "", "node name (with -count > 1: NAME-0..NAME-M-1)")
	fs.StringVar(&o.bind, "bind", "127.0.0.1", "bind address")
	fs.IntVar(&o.port, "port", 7946, "bind port (0: any free port; with -count, consecutive ports)")
	fs.StringVar(&o.advertise, "advertise", "", "advertise address (default: the bind address)")
	fs.StringVar(&join, "join", "", "seeds to join, host:port,...")
	fs.StringVar(&keys, "keys", "", "base64 AES keys, comma separated, first is primary (empty: plaintext)")
	fs.StringVar(&o.label, "label", "", "memberlist label (v0.5.1 only)")
	fs.BoolVar(&o.compress, "compress", true, "enable compression")
	fs.StringVar(&o.profile, "profile", "lan", "timing profile: lan (DefaultLANConfig), local or wan")
	fs.DurationVar(&o.probeInterval, "probe-interval", 0, "override ProbeInterval")
	fs.DurationVar(&o.probeTimeout, "probe-timeout", 0, "override ProbeTimeout")
	fs.DurationVar(&o.gossipInterval, "gossip-interval", 0, "override GossipInterval")
	fs.DurationVar(&o.pushPullInterval, "push-pull-interval", 0, "override PushPullInterval")
	fs.IntVar(&o.suspicionMult, "suspicion-mult", 0, "override SuspicionMult")
	fs.StringVar(&o.meta, "meta", "", "node meta")
	fs.IntVar(&o.metaSize, "meta-size", 0, "pad meta with hex digits to this many bytes (at most 512)")
	fs.IntVar(&o.count, "count", 1, "number of nodes in this process")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.name == "" {
		return o, fmt.Errorf("-name is required")
	}
	if o.count < 1 {
		return o, fmt.Errorf("-count must be at least 1, got %d", o.count)
	}
	if len(o.meta) > 512 || o.metaSize > 512 {
		return o, fmt.Errorf("meta is limited to 512 bytes")
	}
	if join != "" {
		o.join = strings.Split(join, ",")
	}
	for _, k := range strings.Split(keys, ",") {
		if k == "" {
			continue
		}
		key, err := base64.StdEncoding.DecodeString(k)
		if err != nil {
			return o, fmt.Errorf("-keys: %q: %w", k, err)
		}
		o.keys = append(o.keys, key)
	}
	return o, nil
}
