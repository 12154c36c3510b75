#!/usr/bin/env bash
# HTTP load test of a release `lunar serve` with wrk (Debian's package):
# an unauthenticated route, an authenticated read (JWT check + session and
# user reads), and a market-data read. Part of `make bench`.
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
# The issue's three rows (health, a marketplace search page, an authenticated
# deployment read) plus a token check alone and a market-data read.
DEPLOYMENT=$(B=$B TOKEN=$TOKEN python3 scripts/bench-http-setup.py)
for route in /api/health "/api/marketplace/listings?q=crossover&limit=20" "/api/deployments/$DEPLOYMENT" \
             /api/auth/me /api/market/BTCUSD/price; do
  echo "== GET $route (wrk -t2 -c32 -d${DURATION}s)"
  wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$B$route" | grep -E "Requests/sec|Latency|99%|Non-2xx"
done
