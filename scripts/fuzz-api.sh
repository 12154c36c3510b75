#!/usr/bin/env bash
# OpenAPI-driven fuzzing (schemathesis from PyPI) of a running `lunar serve`:
# no 5xx, every response conforms to /api/openapi.json. Run by .ci/run after
# `make test` (which builds .build/debug/lunar). Logout and 2FA are excluded:
# the fuzzer would revoke or lock its own session. One worker: with two,
# hypothesis's lambda-description cache raced once (a tool "Runtime Error",
# not a finding), and one worker also makes the seed reproduce the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-18180}
VENV=var/fuzz-venv
mkdir -p var
[ -x "$VENV/bin/st" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "schemathesis==4.32.5" "hypothesis==6.170.15"; }
LUNAR=.build/debug/lunar
. scripts/serve-for-tools.sh

"$VENV/bin/st" run "$B/api/openapi.json" --checks not_a_server_error,response_schema_conformance \
  -H "Authorization: Bearer $TOKEN" --exclude-path /api/auth/logout --exclude-path-regex '/api/auth/2fa/.*' \
  --max-examples "${FUZZ_EXAMPLES:-20}" --workers 1 --seed 1
if grep -q "request failed" "$WORK/server.log"; then
  echo "server logged failures:"; grep "request failed" "$WORK/server.log"; exit 1
fi
