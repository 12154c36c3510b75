#!/usr/bin/env bash
# HTTP load test of a release `lunar serve` with wrk (Debian's package):
# an unauthenticated route, a search page, authenticated reads (JWT check +
# session and user) and a market-data read, each also as a ratio to
# /api/health measured in the same run. Part of `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else echo "install wrk: sudo apt-get install -y wrk" >&2; exit 1; fi
fi
PORT=${BENCH_PORT:-18280}
# LUNAR=path/to/lunar runs another build (e.g. a previous commit's, for a side-by-side).
LUNAR=${LUNAR:-.build/release/lunar}
# The deployment read runs against the default host mode of `lunar serve`
# (worker processes), not the in-process host the fuzzer uses.
TOOL_SERVE_FLAGS="--host-mode isolated --workers 1"
. scripts/serve-for-tools.sh
DURATION=${BENCH_SECONDS:-10}
# The issue's rows (health, a marketplace search page, an authenticated
# read) plus a deployment read and a market-data read; then each route's
# throughput as a share of /api/health's in this run, against its goal.
DEPLOYMENT=$(B=$B TOKEN=$TOKEN python3 scripts/bench-http-setup.py)
# Route, label, and the goal as a ratio to /api/health in the same run
# (issue 16; "-" for none). Throughput depends on the machine and whatever
# else runs on it, so the goals are ratios, never absolute req/s.
ROUTES=(
  "/api/health|health (no auth, no store)|-"
  "/api/marketplace/listings?q=crossover&limit=20|search page|0.25"
  "/api/marketplace/listings?q=crossover&limit=20&maxPrice=N|search page, a new query each request (no page cache)|-|scripts/wrk-search-miss.lua"
  "/api/deployments/$DEPLOYMENT|authenticated deployment read|-"
  "/api/auth/me|authenticated read (token + session + user)|0.50"
  "/api/market/BTCUSD/price|market-data read|-"
)
RESULTS=()
for entry in "${ROUTES[@]}"; do
  IFS='|' read -r route label goal script <<< "$entry"
  echo "== GET $route (wrk -t2 -c32 -d${DURATION}s${script:+ -s $script})"
  output=$(wrk -t2 -c32 -d"${DURATION}s" --latency ${script:+-s "$script"} -H "Authorization: Bearer $TOKEN" "$B$route")
  echo "$output" | grep -E "Requests/sec|Latency|99%|Non-2xx"
  rate=$(echo "$output" | awk '/^Requests\/sec:/ {print $2}')
  non2xx=$(echo "$output" | awk '/Non-2xx/ {print $NF}')
  RESULTS+=("$route|$label|$goal|${rate:-0}|${non2xx:-0}")
done
# The ratios: every route against /api/health measured just before it.
python3 - "${RESULTS[@]}" <<'PY'
import sys
rows = [entry.split("|") for entry in sys.argv[1:]]
health = float(rows[0][3]) or 1.0
print()
print(f"{'route':<48} {'req/s':>10} {'of health':>10}  goal")
for route, label, goal, rate, non2xx in rows:
    ratio = float(rate) / health
    verdict = "-" if goal == "-" else f">= {float(goal):.0%}: {'met' if ratio >= float(goal) else 'NOT met'}"
    errors = f"  ({non2xx} non-2xx answers)" if non2xx != "0" else ""
    print(f"{label:<48} {float(rate):>10,.0f} {ratio:>10.0%}  {verdict}{errors}")
PY
