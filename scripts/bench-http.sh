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
WORK=$(mktemp -d)
LUNAR_AUTH_RATE_LIMIT=100000000 LUNAR_API_RATE_LIMIT=100000000 LOG_LEVEL=warning \
  .build/release/lunar serve --port "$PORT" --host-mode in-process --database "$WORK/lunar.sqlite" \
  --jwt-secret-file "$WORK/jwt-secret" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
B=http://127.0.0.1:$PORT
for _ in $(seq 1 50); do curl -sf "$B/api/health" >/dev/null && break; sleep 0.2; done
curl -sf -X POST "$B/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"correct-horse-42"}' >/dev/null
TOKEN=$(curl -sf -X POST "$B/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"bench","password":"correct-horse-42"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
DURATION=${BENCH_SECONDS:-10}
for route in /api/health /api/auth/me /api/market/BTCUSD/price; do
  echo "== GET $route (wrk -t2 -c32 -d${DURATION}s)"
  wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$B$route" | grep -E "Requests/sec|Latency|99%|Non-2xx"
done
