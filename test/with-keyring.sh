#!/usr/bin/env bash
# Runs a command beside a private, unlocked Secret Service (gnome-keyring on its own D-Bus
# session bus, keyring files in a temporary folder): tests use a real OS keychain, never the
# developer's own. Elsewhere than Linux the system keychain is used as it is.
set -euo pipefail
if [[ "$(uname -s)" != Linux || -n "${CELL0_KEYRING_READY:-}" ]]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; run: sudo bash scripts/setup-debian.sh" >&2
    exit 1
  fi
done
export CELL0_KEYRING_READY=1
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  printf "cell0-test" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  exec "$@"' with-keyring "$@"
