#!/usr/bin/env bash
# WebSocket load test of a release `lunar serve`, in two runs, each against
# a fresh server (scripts/serve-for-tools.sh); scripts/bench-ws.py says what
# it measures. Part of `make bench`, after bench-http.sh.
#  1. fan-out: BENCH_WS_CLIENTS (default 1000) clients reading the ticks of
#     every symbol, plus BENCH_WS_SLOW (default 20) that never read, for
#     BENCH_SECONDS (default 20), feed at BENCH_WS_FEED_SPEED (default 10);
#  2. backpressure: the slow clients alone with the feed at
#     BENCH_WS_SLOW_FEED_SPEED (default 1000), fast enough to fill their
#     outboxes and socket buffers within seconds, so the server must drop.
# websockets (PyPI) goes into var/bench-ws-venv the first time. Fails when
# clients cannot connect or nothing arrives; figures are never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=var/bench-ws-venv
mkdir -p var
"$VENV/bin/python" -c 'import websockets' 2>/dev/null || {
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "websockets==15.0.1"; }
# A socket per client on each side: more than the usual 1,024 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
LUNAR=.build/release/lunar

run() { # PORT FEED_SPEED CLIENTS: one server, one bench-ws.py
  PORT=$1
  export BENCH_WS_FEED_SPEED=$2 BENCH_WS_CLIENTS=$3
  TOOL_SERVE_FLAGS="--feed-speed $2"
  . scripts/serve-for-tools.sh
  BENCH_WS_BASE=$B BENCH_WS_SERVER_PID=$SERVER "$VENV/bin/python" scripts/bench-ws.py
}
PORT=${BENCH_WS_PORT:-18281}
echo "== WebSocket fan-out: ${BENCH_WS_CLIENTS:-1000} reading clients + ${BENCH_WS_SLOW:-20} that never read"
( run "$PORT" "${BENCH_WS_FEED_SPEED:-10}" "${BENCH_WS_CLIENTS:-1000}" )
echo "== WebSocket backpressure: ${BENCH_WS_SLOW:-20} clients that never read, feed at ${BENCH_WS_SLOW_FEED_SPEED:-1000}x"
( run "$((PORT + 1))" "${BENCH_WS_SLOW_FEED_SPEED:-1000}" 0 )
