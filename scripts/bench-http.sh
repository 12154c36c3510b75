#!/usr/bin/env bash
# HTTP load figures for `make bench`: wrk (Debian's package) against a
# release `lunar serve` on loopback with a temp database. Prints requests/s
# and p99 latency for the three routes the Gateway issue names, next to their
# goals. Rate limits are lifted for the run (they would answer 429s).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else
        echo "bench-http: wrk is missing; install it with: sudo apt-get install -y wrk"; exit 0; fi
fi
binary="${LUNAR_BINARY:-.build/release/lunar}"
[ -x "$binary" ] || swift build -c release --product lunar
seconds="${LUNAR_HTTP_BENCH_SECONDS:-8}"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
LUNAR_JWT_SECRET="bench-secret-0123456789abcdef0123456789abcdef" LUNAR_AUTH_RATE_LIMIT=10000000 \
    LUNAR_API_RATE_LIMIT=10000000 LUNAR_INSECURE_COOKIES=1 LOG_LEVEL=error \
    "$binary" serve --port "$port" --database "$work/lunar.sqlite" --jwt-secret-file "$work/jwt" \
    --host-mode in-process --workers 1 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.2; done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
curl -fsS -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"username":"bench","email":"bench@example.com","password":"bench-password-42"}' >/dev/null
token="$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"login":"bench","password":"bench-password-42"}' | json '["accessToken"]')"
deployment="$(curl -fsS -X POST "$base/api/deployments" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" -d '{"templateId":"sma_crossover"}' | json '["id"]')"

# requests/s and p99 of one wrk run: `measure LABEL GOAL_RPS URL [HEADER]`
measure() {
    local label="$1" goal="$2" url="$3" header="${4:-}"
    local out
    if [ -n "$header" ]; then out="$(wrk -t2 -c32 -d"${seconds}s" --latency -H "$header" "$url")"
    else out="$(wrk -t2 -c32 -d"${seconds}s" --latency "$url")"; fi
    local rps p99 non2xx
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
    printf '%-58s %12s req/s   p99 %-9s goal %s req/s, p99 < 20 ms%s\n' "$label" "$rps" "$p99" "$goal" \
        "${non2xx:+   ($non2xx non-2xx!)}"
}

echo
echo "== HTTP (issue 6): wrk -t2 -c32 -d${seconds}s on loopback, release build, in-process host, 2 cores shared with the server"
measure "GET /api/health" 30,000 "$base/api/health"
measure "GET /api/marketplace/listings?q=trend (search page)" 5,000 "$base/api/marketplace/listings?q=trend&limit=20" "Authorization: Bearer $token"
measure "GET /api/deployments/{id} (authenticated read)" 10,000 "$base/api/deployments/$deployment" "Authorization: Bearer $token"
