//go:build memberlist_v022

package main

import (
	"fmt"

	"github.com/hashicorp/memberlist"
)

// memberlistVersion is Debian's golang-github-hashicorp-memberlist-dev, which predates labels (v0.3.0).
const memberlistVersion = "v0.2.2"

func applyLabel(cfg *memberlist.Config, label string) error {
	if label != "" {
		return fmt.Errorf("-label: memberlist %s has no labels", memberlistVersion)
	}
	return nil
}
