#!/usr/bin/env bash
# System packages Cell 0 needs on Debian/Ubuntu to build its native modules and run its tests:
# compilers for keytar/sqlite3/node-pty, libsecret for the keychain, a Secret Service
# (gnome-keyring on D-Bus) for the keychain tests, Chromium for the UI tests, and bubblewrap
# (with util-linux's prlimit and setpriv, curl for fetch_url, and socat, which relays a call granted
# network to the kernel's egress proxy) for the tool sandbox, and iproute2
# (ip netns) for the mesh tests, which put instances on a network of their own; fuse-overlayfs
# for the lab where the kernel's overlayfs is not offered, and ripgrep, which the sandbox-runtime
# CLI that bench:cli compares against needs.
set -euo pipefail
packages=(python3 make g++ pkg-config libsecret-1-dev gnome-keyring dbus dbus-x11 chromium bubblewrap util-linux curl socat iproute2 ripgrep fuse-overlayfs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup-debian: all system packages present"
  exit 0
fi
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
