#!/usr/bin/env bash
# Makes sure the system C libraries the package links (Lua 5.4, SQLite) and
# pkg-config (which SwiftPM uses to find them) are installed. As root it
# installs what is missing with apt; otherwise it prints the exact command.
set -euo pipefail

needed=()
for package in liblua5.4-dev libsqlite3-dev pkg-config; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        needed+=("$package")
    fi
done
[ ${#needed[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${needed[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
else
    echo "Missing system packages: ${needed[*]}" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y ${needed[*]}" >&2
    exit 1
fi
