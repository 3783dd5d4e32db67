#!/usr/bin/env bash
# Builds the Go memberlist test peers (go-peer/) against v0.5.1 (Go module proxy, MetalLB's version)
# and v0.2.2 (Debian's golang-github-hashicorp-memberlist-dev, GOPATH mode, offline) into a cache
# outside the work tree, and prints `v051=PATH` and `v022=PATH`. A binary is rebuilt only when the
# sources change, so a second run takes milliseconds. Installs the Debian package if missing (root).
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/go-peer" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/l2speaker/interop"
gopath_v022=/usr/share/gocode
go_bin="${GO:-}"
if [[ -z "$go_bin" ]]; then
  if [[ -x /usr/local/go/bin/go ]]; then go_bin=/usr/local/go/bin/go; else go_bin="$(command -v go)"; fi
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # concurrent test workers build once

stamp="$({ "$go_bin" version; cat "$src"/*.go "$src/go.mod" "$src/go.sum"; } | sha256sum | cut -c1-16)"

# build NAME ENV... -- GO-BUILD-ARGS...: builds $cache/peer-NAME unless its stamp matches.
build() {
  local name="$1" out="$cache/peer-$1"
  shift
  local env=()
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  if [[ -x "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$stamp" ]]; then return; fi
  (cd "$src" && env "${env[@]}" "$go_bin" build "$@" -o "$out.tmp" .) >&2
  mv -f "$out.tmp" "$out"
  echo "$stamp" >"$out.stamp"
}

if [[ ! -d "$gopath_v022/src/github.com/hashicorp/memberlist" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "build.sh: golang-github-hashicorp-memberlist-dev is missing and installing it needs root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    golang-github-hashicorp-memberlist-dev >&2
fi

build v0.5.1 GOFLAGS=-mod=mod GO111MODULE=on -- -trimpath
build v0.2.2 GOFLAGS= GO111MODULE=off GOPATH="$gopath_v022" -- -trimpath -tags memberlist_v022

echo "v051=$cache/peer-v0.5.1"
echo "v022=$cache/peer-v0.2.2"
