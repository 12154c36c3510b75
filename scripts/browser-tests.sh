#!/usr/bin/env bash
# The web console in a real browser (docs/console.md): headless Chromium from
# Debian, driven by Selenium from PyPI, against `lunar serve` on loopback with
# a temp database. Screenshots of each page go to var/screenshots
# (BROWSER_SCREENSHOTS to choose); CI keeps them when a journey fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${BROWSER_PORT:-18190}
VENV=var/browser-venv
mkdir -p var
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }
fi
[ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import selenium' 2>/dev/null || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "selenium==4.27.1"; }
LUNAR=.build/debug/lunar
[ -x "$LUNAR" ] || swift build --product lunar
. scripts/serve-for-tools.sh
"$VENV/bin/python" scripts/browser_tests.py --base "$B" --screenshots "${BROWSER_SCREENSHOTS:-var/screenshots}" "$@"
