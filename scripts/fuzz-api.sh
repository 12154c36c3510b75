#!/usr/bin/env bash
# OpenAPI-driven fuzzing of the running API (CI runs it after `make test`).
#
# Starts `lunar serve` (debug build, in-process host, a temp database) on a
# free loopback port, registers a user for a bearer token, and runs
# schemathesis (installed from PyPI into .build-fuzz-venv on first use)
# against /api/openapi.json. Fails on any 5xx and on any response that breaks
# the published schema. LUNAR_FUZZ_SECONDS bounds the run (default 120).
# Logout is left out: it would revoke the fuzzer's own token. Only the
# fuzzing phase runs (schemathesis 4's coverage phase crashes on some schemas).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${LUNAR_FUZZ_SECONDS:-120}"
binary="${LUNAR_BINARY:-.build/debug/lunar}"
[ -x "$binary" ] || swift build --product lunar

venv=".build-fuzz-venv"
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis>=4,<5"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
LUNAR_JWT_SECRET="fuzz-secret-$(date +%s%N)-0123456789abcdef0123456789abcdef" LUNAR_AUTH_RATE_LIMIT=100000 LUNAR_API_RATE_LIMIT=100000 \
    LUNAR_WEBHOOK_SECRET=fuzz-webhook LUNAR_INSECURE_COOKIES=1 LOG_LEVEL=warning \
    "$binary" serve --port "$port" --database "$work/lunar.sqlite" --jwt-secret-file "$work/jwt" \
    --host-mode in-process --workers 1 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do
    curl -fsS "$base/api/health" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || { cat "$work/server.log"; echo "fuzz: server exited"; exit 1; }
    sleep 0.2
done

user="fuzz$(date +%s)"
email="$user@example.com"
password="Fuzz-password-123!"
curl -fsS -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"email\":\"$email\",\"password\":\"$password\"}" >/dev/null
token="$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$user\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"

status=0
"$venv/bin/st" run "$base/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --exclude-path /api/auth/logout \
    --max-time "$seconds" --workers 2 --phases fuzzing \
    --suppress-health-check all || status=$?
if [ $status -ne 0 ]; then
    echo "fuzz: schemathesis reported failures; server log tail:"
    tail -n 40 "$work/server.log"
fi
exit $status
