#!/usr/bin/env bash
# Builds the test API server (kube-apiserver + embedded etcd, main.go here) once into a cache outside
# the work tree and prints the binary's path. The name carries the Kubernetes version and a stamp of
# the sources and the Go version, so a second run reuses the binary in milliseconds. A cold build
# downloads the modules and compiles kube-apiserver: several minutes and GBs of memory on 2 cores.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/l2speaker/k8s"
go_bin="${GO:-}"
if [[ -z "$go_bin" ]]; then
  if [[ -x /usr/local/go/bin/go ]]; then go_bin=/usr/local/go/bin/go; else go_bin="$(command -v go)"; fi
fi

version="$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$src/go.mod")"
stamp="$({ "$go_bin" version; cat "$src"/*.go "$src/go.mod" "$src/go.sum" "$src/build.sh"; } | sha256sum | cut -c1-16)"
out="$cache/apiserver-$version-$stamp"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # concurrent test workers build once

# /version reports what Kubernetes' own release build stamps in (otherwise v0.0.0-master).
minor="$(echo "$version" | cut -d. -f2)"
ldflags="-s"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

if [[ ! -x "$out" ]]; then
  (cd "$src" && GOFLAGS=-mod=readonly "$go_bin" build -trimpath -ldflags="$ldflags" -o "$out.tmp" .) >&2
  mv -f "$out.tmp" "$out"
  # Older builds (124 MB each) are stale once the sources changed.
  find "$cache" -maxdepth 1 -name 'apiserver-*' ! -name "$(basename "$out")" -delete
fi
echo "$out"
