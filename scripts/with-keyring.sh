#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so the
# keychain tests talk to a real Secret Service without touching the user's own keyring.
set -euo pipefail
if [ "${TOKENDESK_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
keyring_home=$(mktemp -d -t tokendesk-keyring-XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export TOKENDESK_IN_KEYRING=1 TOKENDESK_KEYRING_PASSWORD=tokendesk-test
exec dbus-run-session -- bash -c '
  eval "$(printf %s "$TOKENDESK_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' bash "$@"
