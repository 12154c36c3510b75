#!/usr/bin/env bash
# OpenAPI-driven fuzzing (schemathesis from PyPI) of a running `lunar serve`:
# no 5xx, every response conforms to /api/openapi.json. Run by .ci/run after
# `make test` (which builds .build/debug/lunar). Logout and 2FA are excluded:
# the fuzzer would revoke or lock its own session.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-18180}
WORK=$(mktemp -d)
VENV=var/fuzz-venv
mkdir -p var
[ -x "$VENV/bin/st" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "schemathesis==4.32.5"; }

LUNAR_AUTH_RATE_LIMIT=1000000 LUNAR_API_RATE_LIMIT=1000000 LOG_LEVEL=warning \
  .build/debug/lunar serve --port "$PORT" --host-mode in-process --database "$WORK/lunar.sqlite" \
  --jwt-secret-file "$WORK/jwt-secret" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
B=http://127.0.0.1:$PORT
for _ in $(seq 1 50); do curl -sf "$B/api/health" >/dev/null && break; sleep 0.2; done

curl -sf -X POST "$B/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"username":"fuzzer","email":"fuzzer@example.com","password":"correct-horse-42"}' >/dev/null
TOKEN=$(curl -sf -X POST "$B/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"fuzzer","password":"correct-horse-42"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')

"$VENV/bin/st" run "$B/api/openapi.json" --checks not_a_server_error,response_schema_conformance \
  -H "Authorization: Bearer $TOKEN" --exclude-path /api/auth/logout --exclude-path-regex '/api/auth/2fa/.*' \
  --max-examples "${FUZZ_EXAMPLES:-20}" --workers 2 --seed 1
if grep -q "request failed" "$WORK/server.log"; then
  echo "server logged failures:"; grep "request failed" "$WORK/server.log"; exit 1
fi
