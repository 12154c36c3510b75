#!/usr/bin/env bash
# Differential tests: the SMA-cross strategies of scripts/differential/ run in
# `lunar backtest` and in two reference engines (backtesting.py, backtrader),
# compared trade by trade (docs/fills.md, "Reference engines"). Run by
# .ci/run after `make test`, which builds .build/debug/lunar; without it this
# builds only the lunar product. The engines and their dependencies are
# pinned, so a run compares against the same reference every time.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=var/diff-venv
PINS=(
  "backtesting==0.6.6" "backtrader==1.9.78.123"
  "numpy==2.4.6" "pandas==3.1.1" "python-dateutil==4.0.0" "tzdata==2026.6"
  "bokeh==3.9.2" "contourpy==1.3.3" "Jinja2==3.1.6" "MarkupSafe==3.0.4" "narwhals==2.29.0"
  "packaging==26.4" "pillow==13.0.0" "PyYAML==6.0.4" "tornado==6.6.1" "xyzservices==2026.9.1"
)
mkdir -p var
STAMP="$VENV/.pins"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"
  echo "${PINS[*]}" > "$STAMP"
fi
LUNAR=.build/debug/lunar
[ -x "$LUNAR" ] || swift build --product lunar
"$VENV/bin/python" scripts/differential/reference.py --lunar "$LUNAR" "$@"
