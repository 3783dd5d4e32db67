//go:build !memberlist_v022

package main

import "github.com/hashicorp/memberlist"

const memberlistVersion = "v0.5.1"

func applyLabel(cfg *memberlist.Config, label string) error {
	cfg.Label = label
	return nil
}
