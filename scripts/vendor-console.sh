#!/usr/bin/env bash
# Fetches the web console's third-party files (docs/console.md, "Vendored
# files") from the registries this machine offers, checks them against the
# pinned SHA-256 sums in console/vendor/CHECKSUMS and copies them into
# console/vendor/. The files are committed: `make run` needs no network.
#   - TradingView Lightweight Charts 4.1.3 (Apache-2.0): the standalone build
#     inside the PyPI package lightweight-charts==2.1
#   - CodeMirror 5.65.0 with its Lua mode (MIT): the Debian package libjs-codemirror
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=console/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 -m pip download -q --no-deps -d "$WORK" "lightweight-charts==2.1"
python3 -m zipfile -e "$WORK"/lightweight_charts-2.1-py3-none-any.whl "$WORK/lwc"
mkdir -p "$OUT/lightweight-charts-4.1.3"
cp "$WORK/lwc/lightweight_charts/js/lightweight-charts.js" "$OUT/lightweight-charts-4.1.3/lightweight-charts.standalone.js"
cp /usr/share/common-licenses/Apache-2.0 "$OUT/lightweight-charts-4.1.3/LICENSE"

(cd "$WORK" && apt-get download -q "libjs-codemirror=5.65.0+~cs5.83.9-2" >/dev/null 2>&1)
dpkg-deb -x "$WORK"/libjs-codemirror_*.deb "$WORK/cm"
CM="$WORK/cm/usr/share/javascript/codemirror"
mkdir -p "$OUT/codemirror-5.65.0"
cp "$CM/lib/codemirror.js" "$CM/lib/codemirror.css" "$CM/mode/lua/lua.js" "$OUT/codemirror-5.65.0/"
cp "$WORK/cm/usr/share/doc/libjs-codemirror/copyright" "$OUT/codemirror-5.65.0/LICENSE"

(cd "$OUT" && sha256sum -c CHECKSUMS)
