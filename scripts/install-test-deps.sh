#!/usr/bin/env bash
# Installs the system packages the tests and benchmarks use (Debian; run as root).
set -euo pipefail
packages=(curl iproute2 arping ndisc6 tcpdump tshark nftables python3-scapy build-essential python3 clang libclang-rt-14-dev netsniff-ng golang-github-hashicorp-memberlist-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
